//! Product lookup, quick orders and reorders over Glue: a concrete product by SKU with its
//! prices and availability included; an order is a cart (`POST /carts`, or `POST /cart-reorder`
//! for a repeat of a past order) filled with the lines, then `POST /checkout-data` for the
//! shipment and payment methods and `POST /checkout` with addresses from the customer's book.
//!
//! Glue has no idempotency key. What it does offer against a double send: a checked-out cart is
//! gone, so a repeated `POST /checkout` on it fails ("Cart not found", 1103). The connector
//! records, per idempotency key, the cart it is checking out (`journal.rs`: on disk under the
//! profile's state dir, written before the checkout is sent); a send repeated after a lost
//! answer, in this process or a later one, first asks for that cart: still there, the first
//! checkout never reached the shop and the same cart is checked out; gone, the shop placed the
//! order, which is then looked up in the history (or, if it is not there yet, the user is told
//! to look before sending again, and nothing is sent).

use super::client::SprykerShop;
use super::journal::{CartInFlight, CheckoutSent};
use super::mapping::{product_from, required_id};
use super::wire;
use crate::model::*;
use crate::platforms::common::parse_json;
use crate::shop::{FieldError, ShopError, ShopResult};
use reqwest::Method;
use std::time::Duration;
use time::OffsetDateTime;

/// Glue's price modes: the demo shops sell gross (prices include tax).
const PRICE_MODE: &str = "GROSS_MODE";
/// How far back (against the shop's clock) an order found after a lost checkout answer may be.
const LOST_ANSWER_WINDOW: Duration = Duration::from_secs(10 * 60);

/// Glue's cart item attributes → the order line fields (validation answers).
const CART_FIELDS: &[(&str, &str)] = &[("sku", "code"), ("quantity", "quantity")];

impl SprykerShop {
    /// `GET /concrete-products/{sku}` with prices and availability; `None` when Glue has no such
    /// SKU (or no price for it: what has no price cannot be ordered).
    pub(super) async fn concrete_product(&self, sku: &str) -> ShopResult<Option<Product>> {
        let mut url = self.url(&["concrete-products", sku])?;
        url.query_pairs_mut().append_pair(
            "include",
            "concrete-product-prices,concrete-product-availabilities",
        );
        let response = match self.send(Method::GET, url, None, &[]).await {
            Err(ShopError::NotFound(_)) => return Ok(None),
            other => other?,
        };
        let document: wire::Compound<wire::ConcreteProductAttributes> =
            parse_json(response).await?;
        product_from(&document)
    }

    /// The order as a Glue cart, checked out. `source` is the past order a reorder repeats.
    pub(super) async fn order_through_cart(
        &self,
        order: &NewOrder,
        source: Option<&OrderNumber>,
    ) -> ShopResult<PlacedOrder> {
        if order.lines.is_empty() {
            return Err(ShopError::field(
                "lines",
                "an order needs at least one line",
            ));
        }
        let key = order.idempotency_key.trim().to_owned();
        if let Some(flight) = self.journal().get(&key)? {
            match flight.checkout_sent {
                Some(sent) => {
                    if !self.cart_exists(&flight.cart_id).await? {
                        // Kept until the order is found: until then every send asks again.
                        let placed = self.order_after_lost_answer(&sent).await?;
                        self.forget_flight(&key);
                        return Ok(placed);
                    }
                    // The checkout never reached the shop: the same cart, once more.
                    return self.check_out(&key, &flight.cart_id, order).await;
                }
                // Filled only in part by the earlier attempt: start again from an empty cart.
                None => {
                    self.discard_cart(&flight.cart_id, flight.shared).await;
                    self.forget_flight(&key);
                }
            }
        }
        let cart_id = match source {
            Some(source) => self.reorder_cart(&key, source, &order.lines).await?,
            None => self.new_cart(&key, &order.lines).await?,
        };
        self.check_out(&key, &cart_id, order).await
    }

    /// Records a new cart under the draft's key; a cart that cannot be recorded is deleted
    /// (nothing is checked out without its record).
    async fn record_new_cart(&self, key: &str, cart_id: &str, shared: bool) -> ShopResult<()> {
        let flight = CartInFlight {
            cart_id: cart_id.to_owned(),
            shared,
            checkout_sent: None,
        };
        if let Err(error) = self.journal().record(key, flight) {
            self.discard_cart(cart_id, shared).await;
            return Err(error);
        }
        Ok(())
    }

    /// A discarded draft: its cart, when still there (never checked out, or the checkout never
    /// reached the shop), is given up, and its journal entry cleared: nothing will send that
    /// draft again, so the entry would only stay on disk for ever.
    pub(super) async fn give_up_draft(&self, key: &str) {
        let key = key.trim();
        let flight = match self.journal().get(key) {
            Ok(Some(flight)) => flight,
            Ok(None) => return,
            // Unreadable: whatever it said, the draft is gone; the file goes with it.
            Err(_) => {
                self.forget_flight(key);
                return;
            }
        };
        let cart_left = match flight.checkout_sent {
            None => true,
            // Gone: the shop placed the order from it (the user was told to look for it).
            Some(_) => self.cart_exists(&flight.cart_id).await.unwrap_or(false),
        };
        if cart_left {
            self.discard_cart(&flight.cart_id, flight.shared).await;
        }
        self.forget_flight(key);
    }

    fn forget_flight(&self, key: &str) {
        self.journal().clear(key);
    }

    /// Whether the draft's cart is the customer's one cart (a shop without multi-cart).
    fn is_shared(&self, key: &str) -> bool {
        self.journal()
            .get(key)
            .ok()
            .flatten()
            .is_some_and(|f| f.shared)
    }

    /// `POST /carts`, then `POST /carts/{id}/items` per line. Lines the cart refuses are
    /// reported together, each under its line, and the cart is deleted. A shop without
    /// multi-cart lends the customer's one cart instead, when it is empty.
    async fn new_cart(&self, key: &str, lines: &[NewOrderLine]) -> ShopResult<String> {
        let (store, currency) = self.store().await?;
        let request = wire::CartsRequest {
            name: Some(cart_name(key)),
            price_mode: PRICE_MODE.into(),
            currency,
            store,
        };
        let url = self.url(&["carts"])?;
        let (cart_id, shared) = match self.write(Method::POST, url, "carts", &request, &[]).await {
            Ok(response) => {
                let cart: wire::Document<wire::CartsAttributes> = parse_json(response).await?;
                (resource_id(cart.data.id, "a cart")?, false)
            }
            Err(ShopError::Conflict(_)) => (self.the_one_empty_cart().await?, true),
            Err(error) => return Err(error),
        };
        self.record_new_cart(key, &cart_id, shared).await?;
        let mut refused = Vec::new();
        for (index, line) in lines.iter().enumerate() {
            if let Err(error) = self
                .add_item(&cart_id, line.code.as_str(), line.quantity)
                .await
            {
                refused.extend(line_errors(index, error)?);
            }
        }
        if !refused.is_empty() {
            self.discard_cart(&cart_id, shared).await;
            self.forget_flight(key);
            return Err(ShopError::validation(refused));
        }
        Ok(cart_id)
    }

    /// `POST /cart-reorder` with the past order's reference (a new cart, the customer's current
    /// one left alone), then the cart made to hold exactly the draft's lines: Glue puts in every
    /// item of the order it can still sell, the draft may leave some out or change quantities.
    async fn reorder_cart(
        &self,
        key: &str,
        source: &OrderNumber,
        lines: &[NewOrderLine],
    ) -> ShopResult<String> {
        let request = wire::CartReorderRequest {
            order_reference: source.to_string(),
            reorder_strategy: wire::REORDER_STRATEGY_NEW.into(),
        };
        let mut url = self.url(&["cart-reorder"])?;
        url.query_pairs_mut().append_pair("include", "items");
        let answer = self
            .write(Method::POST, url, "cart-reorder", &request, REORDER_FIELDS)
            .await;
        let response = match answer {
            // No "new" strategy (a shop without multi-cart): the draft's lines go into a cart
            // as a quick order's do; the draft holds them already, at today's prices.
            Err(ShopError::Validation { fields, .. })
                if fields.iter().any(|f| f.field == NO_REORDER_STRATEGY) =>
            {
                return self.new_cart(key, lines).await;
            }
            other => other?,
        };
        let cart: wire::Compound<wire::CartsAttributes> = parse_json(response).await?;
        let cart_id = resource_id(cart.data.id.clone(), "a reordered cart")?;
        self.record_new_cart(key, &cart_id, false).await?;
        let items = cart_items_of(&cart)?;
        let result = self.match_cart_to_lines(&cart_id, &items, lines).await;
        if let Err(error) = result {
            self.discard_cart(&cart_id, false).await;
            self.forget_flight(key);
            return Err(error);
        }
        Ok(cart_id)
    }

    /// Deletes, re-counts and adds cart items until the cart holds what `lines` ask for.
    async fn match_cart_to_lines(
        &self,
        cart_id: &str,
        items: &[(Option<String>, wire::ItemsAttributes)],
        lines: &[NewOrderLine],
    ) -> ShopResult<()> {
        let wanted = |sku: &str| -> u32 {
            lines
                .iter()
                .filter(|l| l.code.as_str().eq_ignore_ascii_case(sku))
                .map(|l| l.quantity)
                .sum()
        };
        for (id, item) in items {
            let sku = item.sku.as_deref().unwrap_or_default();
            let item_id = id
                .clone()
                .or_else(|| item.group_key.clone())
                .unwrap_or_default();
            if item_id.is_empty() {
                return Err(ShopError::Protocol("a cart item without an id".into()));
            }
            let url = self.url(&["carts", cart_id, "items", &item_id])?;
            match wanted(sku) {
                0 => {
                    self.send(Method::DELETE, url, None, &[]).await?;
                }
                quantity if Some(quantity) != item.quantity => {
                    let change = wire::CartItemsRequest {
                        sku: sku.to_owned(),
                        quantity,
                    };
                    self.write(Method::PATCH, url, "items", &change, CART_FIELDS)
                        .await?;
                }
                _ => {}
            }
        }
        let mut refused = Vec::new();
        for (index, line) in lines.iter().enumerate() {
            let in_cart = items.iter().any(|(_, item)| {
                item.sku
                    .as_deref()
                    .is_some_and(|sku| sku.eq_ignore_ascii_case(line.code.as_str()))
            });
            if in_cart {
                continue;
            }
            if let Err(error) = self
                .add_item(cart_id, line.code.as_str(), line.quantity)
                .await
            {
                refused.extend(line_errors(index, error)?);
            }
        }
        if refused.is_empty() {
            Ok(())
        } else {
            Err(ShopError::validation(refused))
        }
    }

    async fn add_item(&self, cart_id: &str, sku: &str, quantity: u32) -> ShopResult<()> {
        let item = wire::CartItemsRequest {
            sku: sku.to_owned(),
            quantity,
        };
        let url = self.url(&["carts", cart_id, "items"])?;
        self.write(Method::POST, url, "items", &item, CART_FIELDS)
            .await?;
        Ok(())
    }

    /// The store a cart is made in and its currency: the first store Glue lists.
    async fn store(&self) -> ShopResult<(String, String)> {
        let stores: wire::Collection<wire::StoreAttributes> = self.get(&["stores"]).await?;
        let store = stores
            .data
            .into_iter()
            .next()
            .ok_or_else(|| ShopError::Protocol("the shop lists no store".into()))?;
        let currency = store
            .attributes
            .default_currency
            .clone()
            .or_else(|| {
                store
                    .attributes
                    .currencies
                    .first()
                    .and_then(|c| c.code.clone())
            })
            .ok_or_else(|| ShopError::Protocol("the shop's store names no currency".into()))?;
        Ok((resource_id(store.id, "a store")?, currency))
    }

    /// `POST /checkout-data` for the methods, then `POST /checkout` with the first shipment and
    /// payment method the shop offers and addresses from the customer's book.
    async fn check_out(
        &self,
        key: &str,
        cart_id: &str,
        order: &NewOrder,
    ) -> ShopResult<PlacedOrder> {
        match self.check_out_once(key, cart_id, order).await {
            Ok(placed) => {
                self.forget_flight(key);
                Ok(placed)
            }
            // The answer to the checkout was lost: the cart stays remembered for the retry.
            Err(ShopError::Network(why)) if self.checkout_was_sent(key) => {
                Err(ShopError::Network(format!(
                    "the order was sent and the shop may have placed it: send again to find out \
                     (this cart is checked out at most once), or look in the order history. \
                     The error: {why}"
                )))
            }
            Err(error) if error.is_transient() => Err(error),
            Err(error) => {
                // Refused: nothing was ordered, and the cart is of no more use.
                self.discard_cart(cart_id, self.is_shared(key)).await;
                self.forget_flight(key);
                Err(error)
            }
        }
    }

    fn checkout_was_sent(&self, key: &str) -> bool {
        // An entry that cannot be read is taken as sent: the user is told to look, not to resend.
        self.journal()
            .get(key)
            .map_or(true, |f| f.is_some_and(|f| f.checkout_sent.is_some()))
    }

    async fn check_out_once(
        &self,
        key: &str,
        cart_id: &str,
        order: &NewOrder,
    ) -> ShopResult<PlacedOrder> {
        let (_, customer) = self.customer().await?;
        let book = self.addresses_for_checkout().await?;
        let shipping = pick_address(
            &book,
            order.shipping_address.as_ref(),
            AddressRole::Shipping,
        )
        .ok_or_else(|| {
            ShopError::field(
                "shipping_address",
                "add an address to the address book first",
            )
        })?;
        let billing = pick_address(&book, order.billing_address.as_ref(), AddressRole::Billing)
            .unwrap_or(shipping);
        let methods_url = self.url(&["checkout-data"])?;
        let ask = wire::CheckoutRequest {
            id_cart: cart_id.to_owned(),
            ..Default::default()
        };
        let response = self
            .write(Method::POST, methods_url, "checkout-data", &ask, &[])
            .await?;
        let data: wire::Document<wire::CheckoutDataAttributes> = parse_json(response).await?;
        let methods = data.data.attributes;
        let shipment = methods
            .shipment_methods
            .iter()
            .find_map(|m| m.id)
            .ok_or_else(|| ShopError::field("shipment", "the shop offers no shipment method"))?;
        let payment = methods
            .payment_providers
            .iter()
            .flat_map(|p| {
                p.payment_methods.iter().filter_map(|m| {
                    Some(wire::CheckoutPayment {
                        payment_provider_name: m
                            .payment_provider_name
                            .clone()
                            .or_else(|| p.payment_provider_name.clone())?,
                        payment_method_name: m.payment_method_name.clone()?,
                        payment_selection: None,
                    })
                })
            })
            .next()
            .ok_or_else(|| ShopError::field("payment", "the shop offers no payment method"))?;
        let salutation = customer
            .salutation
            .clone()
            .unwrap_or_else(|| super::client::DEFAULT_SALUTATION.into());
        let request = wire::CheckoutRequest {
            id_cart: cart_id.to_owned(),
            customer: Some(wire::CheckoutCustomer {
                email: customer.email.clone(),
                salutation: Some(salutation.clone()),
                first_name: customer.first_name.clone(),
                last_name: customer.last_name.clone(),
            }),
            billing_address: Some(checkout_address(billing, &salutation)),
            shipping_address: Some(checkout_address(shipping, &salutation)),
            payments: Some(vec![payment]),
            shipment: Some(wire::CheckoutShipment {
                id_shipment_method: shipment,
            }),
        };
        let (grand_total, items) = self.cart_contents(cart_id).await?;
        self.journal().record(
            key,
            CartInFlight {
                cart_id: cart_id.to_owned(),
                shared: self.is_shared(key),
                checkout_sent: Some(CheckoutSent {
                    at: OffsetDateTime::now_utc(),
                    items,
                }),
            },
        )?;
        let url = self.url(&["checkout"])?;
        let response = self
            .write(Method::POST, url, "checkout", &request, CHECKOUT_FIELDS)
            .await?;
        let placed: wire::Document<wire::CheckoutAttributes> = parse_json(response).await?;
        let reference = placed
            .data
            .attributes
            .order_reference
            .filter(|r| !r.trim().is_empty())
            .ok_or_else(|| ShopError::Protocol("a checkout without an order reference".into()))?;
        let number = OrderNumber(reference);
        // The order's own total (with shipping); the cart's when the order cannot be read.
        let total = match self.order_total(&number).await {
            Some(total) => total,
            None => grand_total
                .ok_or_else(|| ShopError::Protocol("the placed order's total is unknown".into()))?,
        };
        Ok(PlacedOrder {
            number,
            replayed: false,
            total,
        })
    }

    async fn addresses_for_checkout(&self) -> ShopResult<Vec<Address>> {
        use crate::shop::Shop;
        self.addresses().await
    }

    async fn order_total(&self, number: &OrderNumber) -> Option<Money> {
        use crate::shop::Shop;
        self.order(number).await.ok().map(|o| o.summary.total)
    }

    /// The cart's grand total in its currency (when it says both) and its items, sorted.
    async fn cart_contents(
        &self,
        cart_id: &str,
    ) -> ShopResult<(Option<Money>, Vec<(String, u32)>)> {
        let (attributes, items) = self.cart_with_items(cart_id).await?;
        let currency = attributes.currency.as_deref().and_then(|c| c.parse().ok());
        let total = attributes
            .totals
            .grand_total
            .zip(currency)
            .map(|(minor, currency)| Money::from_minor(minor, currency));
        let contents = items
            .into_iter()
            .map(|(_, item)| (item.sku.unwrap_or_default(), item.quantity.unwrap_or(1)));
        Ok((total, sorted_lines(contents)))
    }

    /// `GET /carts/{id}?include=items`: the cart's attributes and its items (with their ids).
    async fn cart_with_items(
        &self,
        cart_id: &str,
    ) -> ShopResult<(
        wire::CartsAttributes,
        Vec<(Option<String>, wire::ItemsAttributes)>,
    )> {
        let mut url = self.url(&["carts", cart_id])?;
        url.query_pairs_mut().append_pair("include", "items");
        let response = self.send(Method::GET, url, None, &[]).await?;
        let cart: wire::Compound<wire::CartsAttributes> = parse_json(response).await?;
        let items = cart_items_of(&cart)?;
        Ok((cart.data.attributes, items))
    }

    /// Whether the cart is still there (a checked-out cart is gone).
    async fn cart_exists(&self, cart_id: &str) -> ShopResult<bool> {
        let url = self.url(&["carts", cart_id])?;
        match self.send(Method::GET, url, None, &[]).await {
            Ok(_) => Ok(true),
            Err(ShopError::NotFound(_)) => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// Gives up an unfinished cart: deleted, or emptied when it is the customer's one cart.
    /// Best effort: a cart left behind is the customer's to see in the shop, not an error.
    async fn discard_cart(&self, cart_id: &str, shared: bool) {
        let result = if shared {
            self.empty_cart(cart_id).await
        } else {
            match self.url(&["carts", cart_id]) {
                Ok(url) => self.send(Method::DELETE, url, None, &[]).await.map(drop),
                Err(error) => Err(error),
            }
        };
        if let Err(error) = result {
            tracing::warn!(%error, shared, "could not give up an unfinished cart");
        }
    }

    async fn empty_cart(&self, cart_id: &str) -> ShopResult<()> {
        for (item_id, _) in self.cart_items(cart_id).await? {
            let url = self.url(&["carts", cart_id, "items", &item_id])?;
            self.send(Method::DELETE, url, None, &[]).await?;
        }
        Ok(())
    }

    /// The cart's items: (item id, SKU), the id as Glue addresses the item.
    async fn cart_items(&self, cart_id: &str) -> ShopResult<Vec<(String, String)>> {
        let (_, items) = self.cart_with_items(cart_id).await?;
        items
            .into_iter()
            .map(|(id, item)| {
                let id = id.or(item.group_key).filter(|id| !id.trim().is_empty());
                let id =
                    id.ok_or_else(|| ShopError::Protocol("a cart item without an id".into()))?;
                Ok((id, item.sku.unwrap_or_default()))
            })
            .collect()
    }

    /// A shop without multi-cart refused a new cart: the customer's one cart (`GET /carts`),
    /// lent to the order only when it is empty. Items in it are the customer's, put there in
    /// the shop or another app; shopterm neither orders them nor throws them away unasked.
    async fn the_one_empty_cart(&self) -> ShopResult<String> {
        let carts: wire::Collection<wire::CartsAttributes> = self.get(&["carts"]).await?;
        let cart = carts.data.into_iter().next().ok_or_else(|| {
            ShopError::Protocol("the shop refused a new cart but lists none".into())
        })?;
        let cart_id = resource_id(cart.id, "a cart")?;
        let held = self.cart_items(&cart_id).await?.len();
        if held > 0 {
            let name = cart.attributes.name.unwrap_or_else(|| "your cart".into());
            return Err(ShopError::Conflict(format!(
                "this shop keeps one cart per customer, and it ({}) holds {held} item(s): \
                 shopterm orders through that cart and will not empty it for you. Check out or empty it in the shop, then send again; nothing was \
                 ordered",
                crate::sanitize::clean(&name)
            )));
        }
        Ok(cart_id)
    }

    /// The checkout's answer was lost and its cart is gone: a recent order (placed since about
    /// the checkout was sent) with exactly the cart's items is the one.
    async fn order_after_lost_answer(&self, sent: &CheckoutSent) -> ShopResult<PlacedOrder> {
        use crate::shop::Shop;
        let recent = self.orders(&PageRequest::first(10)).await?;
        let window = time::Duration::try_from(LOST_ANSWER_WINDOW).unwrap_or(time::Duration::ZERO);
        for summary in recent.items {
            if summary.placed_at < sent.at - window {
                break;
            }
            let detail = self.order(&summary.number).await?;
            let lines = sorted_lines(
                detail
                    .lines
                    .iter()
                    .map(|l| (l.code.to_string(), l.quantity)),
            );
            if lines == sent.items {
                return Ok(PlacedOrder {
                    number: summary.number,
                    replayed: true,
                    total: summary.total,
                });
            }
        }
        let at = sent
            .at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        Err(ShopError::Conflict(format!(
            "this draft's checkout was sent at {at} and its cart is gone from the shop, so the \
             shop has most likely placed the order, but no order with the same items is in the \
             order history since then: look there and in the shop's e-mails before ordering \
             again. Sending this draft again only repeats this check; to order anyway, start a \
             new draft"
        )))
    }
}

/// The `items` a cart document includes.
fn cart_items_of(
    cart: &wire::Compound<wire::CartsAttributes>,
) -> ShopResult<Vec<(Option<String>, wire::ItemsAttributes)>> {
    cart.included_of("items")
        .map_err(|e| ShopError::Protocol(format!("a cart item: {e}")))
}

/// (SKU, quantity) pairs in one order, SKUs without case, so a cart and an order compare.
fn sorted_lines(lines: impl Iterator<Item = (String, u32)>) -> Vec<(String, u32)> {
    let mut lines: Vec<(String, u32)> = lines
        .map(|(sku, quantity)| (sku.trim().to_lowercase(), quantity))
        .collect();
    lines.sort();
    lines
}

/// The field of Glue's 5802 "Quote not provided": the shop has no such reorder strategy.
pub(super) const NO_REORDER_STRATEGY: &str = "reorder_strategy";

/// Glue's cart-reorder attribute → shopterm's name for it.
const REORDER_FIELDS: &[(&str, &str)] = &[("orderReference", "source")];

/// Glue's checkout attributes → the order's fields.
const CHECKOUT_FIELDS: &[(&str, &str)] = &[
    ("shippingAddress", "shipping_address"),
    ("billingAddress", "billing_address"),
];

/// The cart's name: the draft's key shows which shopterm send a cart left in the shop was.
fn cart_name(key: &str) -> String {
    let short: String = key.chars().take(12).collect();
    format!("shopterm order {short}")
}

fn resource_id(id: Option<String>, what: &str) -> ShopResult<String> {
    required_id(id, &format!("{what} without an id"))
}

/// A refused cart item as field errors of its line (`lines[i].quantity` for availability and
/// quantity rules, `lines[i].code` for the rest); errors that are not refusals pass on.
fn line_errors(index: usize, error: ShopError) -> ShopResult<Vec<FieldError>> {
    match error {
        ShopError::Validation { message, fields } => {
            let field = |name: &str| format!("lines[{index}].{name}");
            if fields.is_empty() {
                let name = if message.to_ascii_lowercase().contains("availab") {
                    "quantity"
                } else {
                    "code"
                };
                return Ok(vec![FieldError {
                    field: field(name),
                    message,
                }]);
            }
            Ok(fields
                .into_iter()
                .map(|f| FieldError {
                    field: field(&f.field),
                    message: f.message,
                })
                .collect())
        }
        ShopError::NotFound(message) => Ok(vec![FieldError {
            field: format!("lines[{index}].code"),
            message,
        }]),
        other => Err(other),
    }
}

/// The named address of the book, else its default for the role, else its first.
fn pick_address<'a>(
    book: &'a [Address],
    wanted: Option<&AddressId>,
    role: AddressRole,
) -> Option<&'a Address> {
    if let Some(id) = wanted {
        return book.iter().find(|a| &a.id == id);
    }
    book.iter()
        .find(|a| match role {
            AddressRole::Shipping => a.default_shipping,
            AddressRole::Billing => a.default_billing,
        })
        .or_else(|| book.first())
}

fn checkout_address(address: &Address, salutation: &str) -> wire::CheckoutAddress {
    let postal = &address.postal;
    wire::CheckoutAddress {
        id: Some(address.id.to_string()),
        salutation: salutation.to_owned(),
        first_name: postal.first_name.clone(),
        last_name: postal.last_name.clone(),
        address1: postal.line1.clone(),
        address2: postal.line2.clone().unwrap_or_default(),
        address3: String::new(),
        zip_code: postal.postcode.clone(),
        city: postal.city.clone(),
        iso2_code: postal.country.clone(),
        company: postal.company.clone().unwrap_or_default(),
        phone: postal.phone.clone().unwrap_or_default(),
        is_default_billing: Some(address.default_billing),
        is_default_shipping: Some(address.default_shipping),
    }
}

#[cfg(test)]
#[path = "ordering_tests.rs"]
mod tests;
