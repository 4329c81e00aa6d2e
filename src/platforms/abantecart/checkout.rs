//! Product lookup and quick order over AbanteCart's storefront API.
//!
//! A product's code is its `product_id` (the one key `a/product/product` takes; the product's
//! `model` is shown nowhere else in the API). Price and name come from `a/product/product`, the
//! stock from `a/product/quantity` where the shop allows that route, else from the product's
//! `stock` text.
//!
//! An order goes through the session's cart, as in the web shop: the cart is emptied (lines the
//! customer left in the shop's cart are removed), the lines are added at once, the addresses are
//! selected when named (else the shop uses the account's default address), the first shipping
//! and the first payment method in the shop's order are taken (the terms are agreed to: the
//! customer confirmed the order in shopterm), then `confirm` and `process` place it. Neither
//! answer names the order: its number is the newest order of the history, checked against the
//! confirmed total. AbanteCart has no idempotency key: `process` places a confirmed order once
//! (a repeat answers "Need to review confirmation details first!"), so a send that is cut off
//! after the shop answered leaves either the placed order in the history or the cart as it was
//! filled, for the customer to check.

use super::client::{AbanteCartShop, unescape};
use super::money::shop_money;
use super::storefront::{self, fields, routes};
use crate::model::{
    Availability, NewOrder, OrderNumber, PlacedOrder, Product, ProductCode, ProductQuery,
};
use crate::shop::{FieldError, ShopError, ShopResult};

impl AbanteCartShop {
    pub(super) async fn lookup_products(&self, query: &ProductQuery) -> ShopResult<Vec<Product>> {
        let brand = query
            .brand
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty());
        let mut seen = std::collections::HashSet::new();
        let mut found = Vec::new();
        for code in &query.codes {
            let code = code.as_str().trim();
            if code.is_empty() || !seen.insert(code.to_owned()) {
                continue;
            }
            let Some(product) = self.product(code).await? else {
                continue;
            };
            if brand.is_some_and(|brand| !product.brand.eq_ignore_ascii_case(brand)) {
                continue;
            }
            found.push(product);
        }
        Ok(found)
    }

    /// One product by `product_id`; `None` when the shop has none (or the code is not an id).
    async fn product(&self, code: &str) -> ShopResult<Option<Product>> {
        let answer: storefront::ProductAnswer = self
            .get(routes::PRODUCT, &[(fields::PRODUCT_ID, code)])
            .await?;
        if answer.error.is_some() || answer.product_id.is_none() {
            // "No product found", "Missing or incorrect format product ID".
            return Ok(None);
        }
        let price_text = answer
            .special
            .clone()
            .filter(|s| !s.trim().is_empty())
            .or_else(|| answer.price.clone())
            .unwrap_or_default();
        if price_text.trim().is_empty() {
            return Err(ShopError::Protocol(
                "the shop shows prices only to signed-in customers, which its API tells only \
                 through the URL: shopterm cannot show its prices"
                    .into(),
            ));
        }
        let price = shop_money(&unescape(Some(price_text.clone()))).ok_or_else(|| {
            ShopError::Protocol(format!(
                "product {code}: the price {price_text:?} does not say its currency unambiguously"
            ))
        })?;
        let quantity: storefront::QuantityAnswer = self
            .get(routes::QUANTITY, &[(fields::PRODUCT_ID, code)])
            .await?;
        let availability = match quantity
            .error
            .is_none()
            .then_some(quantity.quantity)
            .flatten()
        {
            Some(left) => in_stock(&left),
            // The stock check is switched off: the product's own stock text.
            None => match answer.stock.as_deref().map(str::trim) {
                Some(text) if text.chars().all(|c| c.is_ascii_digit()) && !text.is_empty() => {
                    in_stock(text)
                }
                None | Some("") => Availability::OutOfStock,
                Some(text) if Some(text) == answer.stock_status.as_deref().map(str::trim) => {
                    Availability::OutOfStock
                }
                Some(_) => Availability::InStock { quantity: None },
            },
        };
        Ok(Some(Product {
            code: ProductCode(code.to_owned()),
            brand: unescape(answer.manufacturer),
            name: unescape(answer.name),
            price,
            availability,
        }))
    }

    pub(super) async fn checkout(&self, order: &NewOrder) -> ShopResult<PlacedOrder> {
        if order.lines.is_empty() {
            return Err(ShopError::field("lines", "the order has no lines"));
        }
        let _: storefront::CartAnswer = self
            .post(routes::CART, &[(fields::REMOVE_ALL, "1")])
            .await?;
        let mut names = Vec::new();
        let mut values = Vec::new();
        for (at, line) in order.lines.iter().enumerate() {
            names.push((
                format!("products[{at}][product_id]"),
                format!("products[{at}][quantity]"),
            ));
            values.push((
                line.code.as_str().trim().to_owned(),
                line.quantity.to_string(),
            ));
        }
        let mut form: Vec<(&str, &str)> = Vec::new();
        for ((id_name, quantity_name), (id, quantity)) in names.iter().zip(&values) {
            form.push((id_name, id));
            form.push((quantity_name, quantity));
        }
        let cart: storefront::CartAnswer = self.post(routes::CART, &form).await?;
        cart_problems(order, &cart)?;

        for (mode, address) in [
            ("shipping", &order.shipping_address),
            ("payment", &order.billing_address),
        ] {
            if let Some(address) = address {
                let answer: storefront::StepAnswer = self
                    .post(
                        routes::ADDRESS,
                        &[
                            (fields::MODE, mode),
                            (fields::ADDRESS_ID, address.0.as_str()),
                        ],
                    )
                    .await?;
                step_done(&answer, &format!("choosing the {mode} address"))?;
            }
        }

        let comment = order.note.as_deref().map(str::trim).unwrap_or("");
        self.choose_shipping(comment).await?;
        self.choose_payment(comment).await?;

        let confirmed: storefront::ConfirmAnswer = self.post(routes::CONFIRM, &[]).await?;
        if let Some(error) = confirmed.error.as_deref().filter(|e| !e.trim().is_empty()) {
            return Err(ShopError::Conflict(format!(
                "the shop did not confirm the order: {}",
                unescape(Some(error.to_owned()))
            )));
        }
        let total_text = confirmed
            .totals
            .iter()
            .find(|total| total.id.as_deref() == Some("total"))
            .and_then(|total| total.text.clone())
            .map(|text| unescape(Some(text)))
            .ok_or_else(|| ShopError::Protocol("the confirmed order has no total".into()))?;
        let total = shop_money(&total_text).ok_or_else(|| {
            ShopError::Protocol(format!(
                "the confirmed total {total_text:?} does not say its currency unambiguously"
            ))
        })?;

        let processed: storefront::StepAnswer = self.post(routes::PROCESS, &[]).await?;
        if processed.status_code() != Some(1) {
            return Err(ShopError::Conflict(format!(
                "the shop did not place the order: {}",
                processed
                    .error_text()
                    .map(|e| unescape(Some(e.to_owned())))
                    .unwrap_or_else(|| "no reason given".into())
            )));
        }
        let newest = self.newest_orders().await?;
        let placed = newest
            .into_iter()
            .find(|summary| summary.total == total)
            .ok_or_else(|| {
                ShopError::Protocol(format!(
                    "the shop placed the order ({total_text}) but its history does not show it yet"
                ))
            })?;
        Ok(PlacedOrder {
            number: OrderNumber(placed.number.0),
            replayed: false,
            total,
        })
    }

    /// The first shipping method the shop quotes, selected (none for products without shipping).
    async fn choose_shipping(&self, comment: &str) -> ShopResult<()> {
        let with_comment = |mut form: Vec<(&'static str, String)>| {
            if !comment.is_empty() {
                form.push((fields::COMMENT, comment.to_owned()));
            }
            form
        };
        let shipping: storefront::StepAnswer = self
            .post(routes::SHIPPING, &[(fields::MODE, "list")])
            .await?;
        // Status 0 with `shipping`: the products need no shipping.
        if shipping.status_code() != Some(0) {
            if let Some(status) = shipping.status_code().filter(|s| *s != 1) {
                return Err(step_refused(&shipping, status, "listing shipping methods"));
            }
            let method = shipping
                .shipping_methods
                .as_ref()
                .and_then(first_shipping_quote)
                .ok_or_else(|| {
                    ShopError::Conflict(
                        shipping
                            .error_text()
                            .map(str::to_owned)
                            .unwrap_or_else(|| "the shop offers no shipping to the address".into()),
                    )
                })?;
            let form = with_comment(vec![
                (fields::MODE, "select".to_owned()),
                (fields::SHIPPING_METHOD, method),
            ]);
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let answer: storefront::StepAnswer = self.post(routes::SHIPPING, &form).await?;
            step_done(&answer, "choosing the shipping method")?;
        }

        Ok(())
    }

    /// The first payment method in the shop's order, selected with the terms agreed to.
    async fn choose_payment(&self, comment: &str) -> ShopResult<()> {
        let with_comment = |mut form: Vec<(&'static str, String)>| {
            if !comment.is_empty() {
                form.push((fields::COMMENT, comment.to_owned()));
            }
            form
        };
        let payment: storefront::StepAnswer = self
            .post(routes::PAYMENT, &[(fields::MODE, "list")])
            .await?;
        if let Some(status) = payment.status_code().filter(|s| *s != 1) {
            return Err(step_refused(&payment, status, "listing payment methods"));
        }
        let method = payment
            .payment_methods
            .as_ref()
            .and_then(|methods| {
                storefront::methods_in_order(methods)
                    .first()
                    .map(|(key, _)| (*key).to_owned())
            })
            .ok_or_else(|| ShopError::Conflict("the shop offers no payment method".into()))?;
        let form = with_comment(vec![
            (fields::MODE, "select".to_owned()),
            (fields::PAYMENT_METHOD, method),
            (fields::AGREE, "1".to_owned()),
        ]);
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer: storefront::StepAnswer = self.post(routes::PAYMENT, &form).await?;
        step_done(&answer, "choosing the payment method")?;

        Ok(())
    }
}

fn in_stock(left: &str) -> Availability {
    match left.trim().parse::<i64>() {
        Ok(n) if n > 0 => Availability::InStock {
            quantity: u32::try_from(n).ok(),
        },
        Ok(_) => Availability::OutOfStock,
        Err(_) => Availability::InStock { quantity: None },
    }
}

/// The first quote of the first shipping method (in the shop's order) that has one:
/// `default_flat_rate_shipping.default_flat_rate_shipping`.
fn first_shipping_quote(methods: &serde_json::Value) -> Option<String> {
    storefront::methods_in_order(methods)
        .into_iter()
        .filter(|(_, method)| {
            method
                .get("error")
                .is_none_or(|e| e.is_null() || e == &serde_json::Value::Bool(false))
        })
        .find_map(|(_, method)| {
            let quotes = method.get("quote")?.as_object()?;
            quotes
                .values()
                .find_map(|quote| quote.get("id")?.as_str().map(str::to_owned))
        })
}

/// Lines the cart did not take as asked: unknown products, lines out of stock, quantities the
/// shop changed.
fn cart_problems(order: &NewOrder, cart: &storefront::CartAnswer) -> ShopResult<()> {
    let mut problems = Vec::new();
    if let Some(error) = cart.error.as_deref().filter(|e| !e.trim().is_empty()) {
        problems.push(FieldError {
            field: "lines".into(),
            message: unescape(Some(error.to_owned())),
        });
    }
    for (at, line) in order.lines.iter().enumerate() {
        let code = line.code.as_str().trim();
        let in_cart = cart.products.iter().find(|p| {
            p.key
                .as_deref()
                .is_some_and(|key| key.split(':').next() == Some(code))
        });
        let message = match in_cart {
            None => Some(format!("{code}: the shop has no such product")),
            Some(p) if !p.stock => Some(format!("{code}: not available in that quantity")),
            Some(p) if p.quantity.as_deref().map(str::trim) != Some(&line.quantity.to_string()) => {
                Some(format!(
                    "{code}: the shop put {} in the cart",
                    p.quantity.as_deref().unwrap_or("none")
                ))
            }
            Some(_) => None,
        };
        if let Some(message) = message {
            problems.push(FieldError {
                field: format!("lines[{at}].quantity"),
                message,
            });
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(ShopError::Validation {
        message: "the shop's cart did not take the order as it is; nothing was ordered, and the \
                  lines are left in the shop's cart"
            .into(),
        fields: problems,
    })
}

fn step_done(answer: &storefront::StepAnswer, what: &str) -> ShopResult<()> {
    match answer.status_code() {
        Some(1) => Ok(()),
        Some(status) => Err(step_refused(answer, status, what)),
        None => Err(ShopError::Conflict(format!(
            "{what}: {}",
            answer
                .error_text()
                .map(|e| unescape(Some(e.to_owned())))
                .unwrap_or_else(|| "the shop refused".into())
        ))),
    }
}

fn step_refused(answer: &storefront::StepAnswer, status: i64, what: &str) -> ShopError {
    let reason = answer
        .error_text()
        .map(|e| unescape(Some(e.to_owned())))
        .unwrap_or_else(|| format!("status {status}"));
    ShopError::Conflict(format!("{what}: {reason}"))
}
