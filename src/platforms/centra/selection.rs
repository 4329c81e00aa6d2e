//! Products, the selection and the payment step of Centra's Checkout API: how a quick order or a
//! reorder reaches Centra, which places orders itself once they are paid.
//!
//! Products are found with `POST products` (`{"search": code}`, as Centra's example storefront
//! searches) and kept where one of a product's `items` has the code as its SKU or EAN; the item
//! is what is sold, priced in the session's market and pricelist (the selection's currency).
//!
//! The selection is the session's one cart, kept on the login: what it held before a send stays
//! unless the customer asked to empty it first (`DELETE lines/{line}`), and is then paid too (the
//! outcome names those lines). The order's lines are brought to their quantities — `POST
//! items/{item}` adds one piece of an item, `POST lines/{line}/quantity/{n}` adds `n` to a line
//! and `DELETE lines/{line}/quantity/{n}` takes `n` off, as the example storefront uses them —
//! so sending the same lines again changes nothing in the selection. `POST payment` then answers
//! where to pay: a `redirect` URL (shown, opened, copied by the UI) or a `form` for a payment
//! provider (`formHtml`), which shopterm does not run: it is saved to a private file that the
//! browser opens (`crate::payment_form`). The shop places the order when the payment completes;
//! it then shows in `POST orders`.
//!
//! Centra takes no idempotency key: no order exists until a payment page is paid, so a repeated
//! send asks for payment of the same selection again rather than making a second order — but
//! two payment pages of it, both paid, would be two payments. The UI says so.
//!
//! Which calls these are, and their shapes, follow the Checkout API's documentation and its
//! example storefront (centrahq/checkout-api-node-example); no real Centra was at hand. The
//! example's `Authorization: Bearer` shared key is a server-side secret and is never sent here:
//! a customer's session token is all shopterm has.

use super::client::{CentraShop, refusal, to_json, unexpected_errors};
use super::wire;
use crate::model::*;
use crate::shop::{FieldError, SendOptions, ShopError, ShopResult};
use reqwest::Method;
use std::str::FromStr;

/// Codes looked up with one `POST products` search each, at most, per lookup.
const MAX_LOOKUP: usize = 100;

/// An item of the catalogue matched to a code, with its product's price and stock.
#[derive(Debug, Clone)]
pub(super) struct FoundItem {
    pub item: String,
    pub product: Product,
}

impl CentraShop {
    /// `GET selection`'s selection.
    pub(super) async fn selection(&self) -> ShopResult<wire::Selection> {
        let (answer, _): (wire::SelectionAnswer, _) =
            self.send(Method::GET, &["selection"], None).await?;
        selection_of(answer)
    }

    /// A selection call (`POST items/…`, `POST|DELETE lines/…`) and the selection it answers.
    async fn change_selection(
        &self,
        method: Method,
        segments: &[&str],
    ) -> ShopResult<wire::Selection> {
        let (answer, _): (wire::SelectionAnswer, _) =
            self.send(method, segments, Some(b"{}")).await?;
        selection_of(answer)
    }

    /// Items whose SKU or EAN is one of `codes` (optionally of one brand), in `currency`.
    pub(super) async fn find_items(
        &self,
        codes: &[ProductCode],
        brand: Option<&str>,
        currency: Currency,
    ) -> ShopResult<Vec<FoundItem>> {
        if codes.len() > MAX_LOOKUP {
            return Err(ShopError::field(
                "codes",
                format!("at most {MAX_LOOKUP} codes per lookup"),
            ));
        }
        let mut found: Vec<FoundItem> = Vec::new();
        for code in codes {
            let code = code.as_str().trim();
            if code.is_empty() {
                continue;
            }
            let body = to_json(&wire::ProductsRequest {
                search: code.to_owned(),
            })?;
            let (mut answer, _): (wire::ProductsAnswer, _) =
                self.send(Method::POST, &["products"], Some(&body)).await?;
            if let Some(errors) = answer.errors.take() {
                return Err(unexpected_errors(&errors));
            }
            for product in &answer.products {
                if brand.is_some_and(|b| !product.brand_name.trim().eq_ignore_ascii_case(b.trim()))
                {
                    continue;
                }
                for item in &product.items {
                    let matches = item.sku.trim().eq_ignore_ascii_case(code)
                        || (!item.ean.trim().is_empty() && item.ean.trim() == code);
                    if matches && !found.iter().any(|f| f.item == item.item) {
                        found.push(FoundItem {
                            item: item.item.clone(),
                            product: product_of(product, item, currency)?,
                        });
                    }
                }
            }
        }
        Ok(found)
    }

    /// The send: the order's lines into the selection, then the payment step.
    pub(super) async fn send_to_payment(
        &self,
        order: &NewOrder,
        options: &SendOptions,
    ) -> ShopResult<OrderOutcome> {
        if order.lines.is_empty() {
            return Err(ShopError::field("lines", "the order has no lines"));
        }
        let customer = self.logged_in_customer().await?;
        let mut selection = self.selection().await?;
        let currency = currency_of(&selection)?;
        let wanted = self.wanted_items(order, currency).await?;

        if options.empty_cart_first {
            for line in selection.items.clone() {
                if !line.line.is_empty() && !wanted.iter().any(|(item, _)| *item == line.item) {
                    selection = self
                        .change_selection(Method::DELETE, &["lines", &line.line])
                        .await?;
                }
            }
        }
        for (item, quantity) in &wanted {
            selection = self.bring_to(selection, item, *quantity).await?;
        }
        let kept_lines = selection
            .items
            .iter()
            .filter(|line| !wanted.iter().any(|(item, _)| *item == line.item))
            .map(|line| (ProductCode(line.sku.clone()), line.quantity))
            .collect();
        let total = selection
            .totals
            .grand_total_price_as_number
            .0
            .map(|amount| Money::new(amount, currency))
            .ok_or_else(|| ShopError::Protocol("the selection has no grand total".into()))?;
        if selection.payment_method.trim().is_empty() {
            return Err(ShopError::Conflict(
                "the shop's selection has no payment method to pay with".into(),
            ));
        }
        let request = wire::PaymentRequest {
            payment_method: selection.payment_method.clone(),
            payment_return_page: self.return_page("payment"),
            payment_failed_page: self.return_page("payment-failed"),
            terms_and_conditions: true,
            address: wire::PaymentAddress {
                email: customer.email.clone(),
                address: customer.address.clone(),
            },
        };
        let (mut answer, _): (wire::PaymentAnswer, _) = self
            .send(Method::POST, &["payment"], Some(&to_json(&request)?))
            .await?;
        if let Some(errors) = answer.errors.take() {
            return Err(refusal(&errors));
        }
        payment_outcome(answer, total, kept_lines)
    }

    /// Each line of the order as a catalogue item and its quantity (the same item twice adds
    /// up); a code that matches no item is refused by its line.
    async fn wanted_items(
        &self,
        order: &NewOrder,
        currency: Currency,
    ) -> ShopResult<Vec<(String, u32)>> {
        let mut wanted: Vec<(String, u32)> = Vec::new();
        let mut fields = Vec::new();
        for (index, line) in order.lines.iter().enumerate() {
            let found = self
                .find_items(
                    std::slice::from_ref(&line.code),
                    line.brand.as_deref(),
                    currency,
                )
                .await?;
            let Some(first) = found.first() else {
                fields.push(FieldError {
                    field: format!("lines[{index}].code"),
                    message: format!("{} is not sold by this shop", line.code),
                });
                continue;
            };
            if line.quantity == 0 {
                fields.push(FieldError {
                    field: format!("lines[{index}].quantity"),
                    message: "must be at least 1".into(),
                });
                continue;
            }
            match wanted.iter_mut().find(|(item, _)| *item == first.item) {
                Some((_, quantity)) => *quantity = quantity.saturating_add(line.quantity),
                None => wanted.push((first.item.clone(), line.quantity)),
            }
        }
        if !fields.is_empty() {
            return Err(ShopError::validation(fields));
        }
        Ok(wanted)
    }

    /// Brings `item` to `quantity` pieces in the selection: adds it, or adds to or takes off
    /// its line.
    async fn bring_to(
        &self,
        selection: wire::Selection,
        item: &str,
        quantity: u32,
    ) -> ShopResult<wire::Selection> {
        let line_of = |selection: &wire::Selection| {
            selection
                .items
                .iter()
                .find(|line| line.item == item)
                .map(|line| (line.line.clone(), line.quantity))
        };
        let (selection, line, have) = match line_of(&selection) {
            Some((line, have)) => (selection, line, have),
            None => {
                let added = self
                    .change_selection(Method::POST, &["items", item])
                    .await?;
                let (line, have) = line_of(&added).ok_or_else(|| {
                    ShopError::Protocol("the shop added an item but shows no line for it".into())
                })?;
                (added, line, have)
            }
        };
        if have == quantity {
            return Ok(selection);
        }
        let (method, by) = if have < quantity {
            (Method::POST, quantity - have)
        } else {
            (Method::DELETE, have - quantity)
        };
        let by = by.to_string();
        self.change_selection(method, &["lines", &line, "quantity", &by])
            .await
    }
}

/// The selection of a selection call's answer, or its errors as a refusal.
fn selection_of(mut answer: wire::SelectionAnswer) -> ShopResult<wire::Selection> {
    if let Some(errors) = answer.errors.take() {
        return Err(refusal(&errors));
    }
    answer
        .selection
        .ok_or_else(|| ShopError::Protocol("the shop answered without a selection".into()))
}

pub(super) fn currency_of(selection: &wire::Selection) -> ShopResult<Currency> {
    Currency::from_str(selection.currency.trim())
        .map_err(|_| ShopError::Protocol("the selection's currency is not an ISO 4217 code".into()))
}

/// A catalogue item as a product: the item's SKU is its code, the product's price and brand.
fn product_of(
    product: &wire::CatalogueProduct,
    item: &wire::CatalogueItem,
    currency: Currency,
) -> ShopResult<Product> {
    let price = product
        .price_as_number
        .0
        .ok_or_else(|| ShopError::Protocol(format!("product {} has no price", item.sku)))?;
    let name = if item.name.trim().is_empty() {
        product.name.clone()
    } else {
        format!("{} ({})", product.name, item.name)
    };
    let availability = match (item.in_stock, item.stock) {
        (false, _) | (true, Some(0)) => Availability::OutOfStock,
        (true, quantity) => Availability::InStock { quantity },
    };
    Ok(Product {
        code: ProductCode(item.sku.trim().to_owned()),
        brand: product.brand_name.clone(),
        name,
        price: Money::new(price, currency),
        availability,
    })
}

/// What `POST payment` asked for next, as an outcome.
fn payment_outcome(
    answer: wire::PaymentAnswer,
    total: Money,
    kept_lines: Vec<(ProductCode, u32)>,
) -> ShopResult<OrderOutcome> {
    match answer.action.trim() {
        "redirect" => {
            let url = answer
                .url
                .as_deref()
                .map(str::trim)
                .filter(|url| !url.is_empty())
                .ok_or_else(|| ShopError::Protocol("a payment redirect without a URL".into()))?;
            // Opened in the customer's browser: only a web address, never a `file:` or
            // `javascript:` one a hostile answer could hand over, and HTTPS as for every shop
            // not on loopback.
            let parsed = url::Url::parse(url)
                .map_err(|_| ShopError::Protocol("the payment URL is not a web address".into()))?;
            let loopback = match parsed.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
                None => false,
            };
            let web = match parsed.scheme() {
                "https" => parsed.host().is_some(),
                "http" => loopback,
                _ => false,
            };
            if !web {
                return Err(ShopError::Protocol(
                    "the payment URL is not an HTTPS address".into(),
                ));
            }
            Ok(OrderOutcome::AwaitingPayment(PaymentPage {
                url: parsed.to_string(),
                form_html: None,
                form_file: None,
                total,
                kept_lines,
            }))
        }
        // Nothing left to pay (a voucher, or a method the shop settles later): the shop placed
        // the order at once.
        "success" if !answer.order.trim().is_empty() => Ok(OrderOutcome::Placed(PlacedOrder {
            number: OrderNumber(answer.order.trim().to_owned()),
            replayed: false,
            total,
        })),
        // A form for the payment provider (it posts there, often by a script of its own):
        // shop content, never shown in the terminal; saved to a private file and opened in
        // the browser by whoever sent the order (`crate::payment_form`).
        "form" => {
            let html = answer
                .form_html
                .filter(|html| !html.trim().is_empty())
                .ok_or_else(|| ShopError::Protocol("a payment form without its HTML".into()))?;
            Ok(OrderOutcome::AwaitingPayment(PaymentPage {
                url: String::new(),
                form_html: Some(html),
                form_file: None,
                total,
                kept_lines,
            }))
        }
        other => Err(ShopError::Protocol(format!(
            "the payment step answered an action shopterm does not know ({})",
            crate::sanitize::clean(other)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(action: &str, url: Option<&str>, order: &str) -> wire::PaymentAnswer {
        wire::PaymentAnswer {
            action: action.into(),
            url: url.map(str::to_owned),
            form_html: None,
            order: order.into(),
            errors: None,
        }
    }

    fn total() -> Money {
        Money::from_minor(1234, Currency::EUR)
    }

    #[test]
    fn a_redirect_is_the_payment_page_only_when_it_is_a_web_address() {
        let page = payment_outcome(
            answer("redirect", Some(" https://pay.example/p?id=1 "), ""),
            total(),
            vec![],
        )
        .expect("an HTTPS page");
        assert_eq!(
            page,
            OrderOutcome::AwaitingPayment(PaymentPage {
                url: "https://pay.example/p?id=1".into(),
                form_html: None,
                form_file: None,
                total: total(),
                kept_lines: vec![],
            })
        );
        assert!(
            payment_outcome(
                answer("redirect", Some("http://127.0.0.1:9/p"), ""),
                total(),
                vec![]
            )
            .is_ok()
        );
        for refused in [
            "http://pay.example/p",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "not a url",
        ] {
            let outcome = payment_outcome(answer("redirect", Some(refused), ""), total(), vec![]);
            assert!(
                matches!(outcome, Err(ShopError::Protocol(_))),
                "{refused}: {outcome:?}"
            );
        }
        assert!(payment_outcome(answer("redirect", None, ""), total(), vec![]).is_err());
    }

    #[test]
    fn success_is_placed_a_form_is_kept_to_be_saved_and_an_unknown_action_is_said_plainly() {
        assert_eq!(
            payment_outcome(answer("success", None, "575"), total(), vec![]).expect("placed"),
            OrderOutcome::Placed(PlacedOrder {
                number: "575".into(),
                replayed: false,
                total: total(),
            })
        );
        let mut with_form = answer("form", None, "");
        with_form.form_html = Some("<form action=\"https://psp.example\"></form>".into());
        let form = payment_outcome(with_form, total(), vec![(ProductCode::from("A"), 1)]);
        assert_eq!(
            form.expect("a form to pay with"),
            OrderOutcome::AwaitingPayment(PaymentPage {
                url: String::new(),
                form_html: Some("<form action=\"https://psp.example\"></form>".into()),
                form_file: None,
                total: total(),
                kept_lines: vec![(ProductCode::from("A"), 1)],
            })
        );
        let empty = payment_outcome(answer("form", None, ""), total(), vec![]);
        assert!(matches!(&empty, Err(ShopError::Protocol(_))), "{empty:?}");
        let odd = payment_outcome(answer("\u{1b}[2Jodd", None, ""), total(), vec![]);
        assert!(
            matches!(&odd, Err(ShopError::Protocol(m)) if !m.contains('\u{1b}')),
            "{odd:?}"
        );
    }
}
