//! Glue's `/carts` (create, read, delete; items added, re-counted, removed) and
//! `/cart-reorder`, over the demo store's catalogue. Carts live in memory, as a Spryker quote
//! lives until it is checked out: the demo store keeps orders, not carts, and a restarted demo
//! shop forgets them. Items are priced at the store's current price in the customer's currency
//! and checked against its stock as they are added (Spryker's cart pre-checks).
//!
//! `POST /cart-reorder` follows spryker/cart-reorder-rest-api (the `@Glue` annotation of
//! `CartReorderResourceController`, `RestCartReorderRequestAttributes`, the error codes of
//! `CartReorderRestApiConfig`) and the demo shop's API tests of it: `orderReference` is required
//! (422 "901" when blank); `reorderStrategy` is `new` (a new cart named "Reorder from Order
//! {reference}") or `replace` (the customer's latest cart emptied and refilled), anything else
//! 422 "5802" "Quote not provided."; an order that is not the customer's is 422 "5801" "Order
//! not found."; the answer is 201 with the `carts` resource, and the order's items that can no
//! longer be supplied are left out of the cart. The emulator's own choices: a reordered item's
//! quantity is the ordered one (an item with less stock than that is left out, as an item
//! without stock is), and `replace` without any cart makes a new one.
//!
//! A shop without multi-cart ([`set_single_cart`]; Spryker's persistent cart alone) keeps one
//! cart per customer: `GET /carts` lists it (made empty when there is none), `POST /carts` while
//! it exists is 422 "110" "Customer already has a cart.", and `cart-reorder`'s `new` strategy
//! (a multi-cart plugin) is 422 "5802".

use super::orders::{customer_order, minor};
use super::{Customer, GlueError, PREFIX, glue_collection, glue_json, includes, parse_body};
use crate::demo::state::DemoState;
use crate::demo::store::CustomerKey;
use crate::model::{Availability, Currency, Product, ProductCode, ProductQuery};
use crate::platforms::spryker::wire::{self, cart_codes};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::collections::{HashMap, HashSet};
use std::sync::{LazyLock, Mutex, MutexGuard};

/// The store id every demo cart is made in (Spryker's demo shops' German store).
pub(super) const STORE: &str = "DE";
pub(super) const PRICE_MODE: &str = "GROSS_MODE";

#[derive(Debug, Clone)]
pub(super) struct Cart {
    /// Which demo store (one per server) and customer the cart belongs to.
    shop: ShopId,
    customer: CustomerKey,
    name: String,
    pub(super) currency: Currency,
    pub(super) items: Vec<CartItem>,
    /// Creation order, for `replace` (the customer's latest cart).
    made: u64,
}

#[derive(Debug, Clone)]
pub(super) struct CartItem {
    pub(super) sku: String,
    /// The store's brand of the product (Glue shows none; the store needs it for the order).
    pub(super) brand: String,
    pub(super) quantity: u32,
    unit_price: i64,
}

static CARTS: LazyLock<Mutex<HashMap<String, Cart>>> = LazyLock::new(Default::default);
static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The demo shops that keep one cart per customer.
static SINGLE_CART_SHOPS: LazyLock<Mutex<HashSet<ShopId>>> = LazyLock::new(Default::default);

/// Makes the demo shop behind `state` one without multi-cart (or with it again).
pub fn set_single_cart(state: &DemoState, single: bool) {
    let mut shops = SINGLE_CART_SHOPS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if single {
        shops.insert(shop_of(state));
    } else {
        shops.remove(&shop_of(state));
    }
}

fn single_cart(state: &DemoState) -> bool {
    SINGLE_CART_SHOPS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .contains(&shop_of(state))
}

/// The customer's carts in this shop, oldest first.
fn carts_of(state: &DemoState, customer: CustomerKey) -> Vec<(String, Cart)> {
    let shop = shop_of(state);
    let mut own: Vec<(String, Cart)> = carts()
        .iter()
        .filter(|(_, c)| c.shop == shop && c.customer == customer)
        .map(|(id, c)| (id.clone(), c.clone()))
        .collect();
    own.sort_by_key(|(_, c)| c.made);
    own
}

fn carts() -> MutexGuard<'static, HashMap<String, Cart>> {
    CARTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Which demo server a cart is of: the store's address and where it is served. Either alone may
/// come again once a server is gone (tests start many in one process, and carts outlive them
/// in the static map); both together do not.
pub(super) type ShopId = (usize, String);

pub(super) fn shop_of(state: &DemoState) -> ShopId {
    (
        std::sync::Arc::as_ptr(&state.store) as usize,
        state.base_url.to_string(),
    )
}

fn cart_not_found() -> GlueError {
    GlueError::new(
        StatusCode::NOT_FOUND,
        cart_codes::CART_NOT_FOUND,
        "Cart with given uuid not found.",
    )
}

/// The customer's cart by id, or Glue's 404 "101".
fn own_cart(state: &DemoState, customer: CustomerKey, id: &str) -> Result<Cart, GlueError> {
    cart_of(state, customer, id).ok_or_else(cart_not_found)
}

/// The customer's cart by id; another customer's cart is not found, as on Glue.
pub(super) fn cart_of(state: &DemoState, customer: CustomerKey, id: &str) -> Option<Cart> {
    carts()
        .get(id)
        .filter(|c| c.shop == shop_of(state) && c.customer == customer)
        .cloned()
}

pub(super) fn remove_cart(id: &str) {
    carts().remove(id);
}

fn new_cart_id() -> String {
    let bytes: [u8; 16] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-4{}-8{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// The product Glue's SKU names: the store's product of that code (the first brand's where
/// the demo catalogue repeats a code across brands; Glue's SKUs are unique).
pub(super) async fn product(
    state: &DemoState,
    customer: CustomerKey,
    sku: &str,
) -> Result<Option<Product>, GlueError> {
    let query = ProductQuery {
        codes: vec![ProductCode::from(sku)],
        brand: None,
    };
    Ok(state
        .with_store(move |s| s.products(customer, &query))
        .await?
        .into_iter()
        .next())
}

/// Why Glue's cart pre-checks refuse `quantity` of the product, if they do.
fn refusal(sku: &str, product: Option<&Product>, quantity: u32) -> Option<String> {
    let Some(product) = product else {
        return Some(format!("The product \"{sku}\" was not found."));
    };
    match product.availability {
        Availability::Discontinued => Some(format!("The product \"{sku}\" is discontinued.")),
        Availability::OutOfStock | Availability::InStock { quantity: Some(0) } => Some(format!(
            "The product with SKU {sku} is not available at the moment."
        )),
        Availability::InStock {
            quantity: Some(left),
        } if left < quantity => Some(format!("Item {sku} only has availability of {left}.")),
        Availability::InStock { .. } => None,
    }
}

fn item_refused(detail: String) -> GlueError {
    GlueError::refused(cart_codes::ITEM_VALIDATION, detail)
}

fn cart_link(state: &DemoState, id: &str) -> String {
    format!("{}{PREFIX}/carts/{id}", state.base_url)
}

/// The cart as Glue answers it: `RestCartsAttributes` with totals, and its items included
/// when `include=items` asks for them.
fn cart_response(
    state: &DemoState,
    status: StatusCode,
    id: &str,
    cart: &Cart,
    query: Option<String>,
) -> Response {
    let include_items = includes(query.as_deref(), "items");
    let included = if include_items {
        cart.items
            .iter()
            .map(|item| {
                let sum = item.unit_price * i64::from(item.quantity);
                let attributes = wire::ItemsAttributes {
                    sku: Some(item.sku.clone()),
                    quantity: Some(item.quantity),
                    group_key: Some(item.sku.clone()),
                    abstract_sku: None,
                    calculations: Some(wire::ItemCalculations {
                        unit_price: Some(item.unit_price),
                        sum_price: Some(sum),
                        unit_gross_price: Some(item.unit_price),
                        sum_gross_price: Some(sum),
                    }),
                };
                wire::Resource {
                    kind: "items".into(),
                    id: Some(item.sku.clone()),
                    attributes: serde_json::to_value(attributes).unwrap_or_default(),
                    links: Some(wire::Links::to(format!(
                        "{}/items/{}",
                        cart_link(state, id),
                        item.sku
                    ))),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let document = wire::Compound {
        data: cart_resource(state, id, cart),
        included,
        links: None,
    };
    glue_json(status, &document)
}

/// The `carts` resource: `RestCartsAttributes` with totals (items are priced as added).
fn cart_resource(
    state: &DemoState,
    id: &str,
    cart: &Cart,
) -> wire::Resource<wire::CartsAttributes> {
    let subtotal: i64 = cart
        .items
        .iter()
        .map(|i| i.unit_price * i64::from(i.quantity))
        .sum();
    wire::Resource {
        kind: "carts".into(),
        id: Some(id.to_owned()),
        attributes: wire::CartsAttributes {
            name: Some(cart.name.clone()),
            price_mode: Some(PRICE_MODE.into()),
            currency: Some(cart.currency.to_string()),
            store: Some(STORE.into()),
            totals: wire::CartsTotals {
                expense_total: Some(0),
                discount_total: Some(0),
                tax_total: None,
                subtotal: Some(subtotal),
                grand_total: Some(subtotal),
                price_to_pay: Some(subtotal),
            },
        },
        links: Some(wire::Links::to(cart_link(state, id))),
    }
}

/// A new empty cart of the customer's, kept; unnamed, it is "Shopping cart N" (as Glue names
/// carts made without a name).
fn make_cart(
    state: &DemoState,
    customer: CustomerKey,
    currency: Currency,
    name: Option<String>,
) -> (String, Cart) {
    let made = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let cart = Cart {
        shop: shop_of(state),
        customer,
        name: name
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| format!("Shopping cart {made}")),
        currency,
        items: Vec::new(),
        made,
    };
    let id = new_cart_id();
    carts().insert(id.clone(), cart.clone());
    (id, cart)
}

/// `GET /carts`: the customer's carts; a shop without multi-cart makes its one cart when the
/// customer has none, as Spryker's persistent cart does on first read.
pub(super) async fn list_carts(
    State(state): State<DemoState>,
    Customer(customer): Customer,
) -> Result<Response, GlueError> {
    if single_cart(&state) && carts_of(&state, customer).is_empty() {
        let currency = state.with_store(move |s| s.currency_of(customer)).await?;
        make_cart(&state, customer, currency, None);
    }
    let data = carts_of(&state, customer)
        .iter()
        .map(|(id, cart)| cart_resource(&state, id, cart))
        .collect();
    Ok(glue_collection(&state, "/carts", data))
}

fn unprocessable_cart(detail: &str) -> GlueError {
    GlueError::refused(cart_codes::FAILED_CREATING_CART, detail)
}

/// `POST /carts`: the store must be `DE`, the price mode gross and the currency the
/// customer's (a Spryker store sells in its currencies; the demo prices each customer in one).
pub(super) async fn create_cart(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> Result<Response, GlueError> {
    let request: wire::CartsRequest = parse_body(&body)?;
    if request.store != STORE {
        return Err(unprocessable_cart("Store data is invalid."));
    }
    if request.price_mode != PRICE_MODE {
        return Err(unprocessable_cart("Price mode is incorrect."));
    }
    let currency = state.with_store(move |s| s.currency_of(customer)).await?;
    if !request.currency.eq_ignore_ascii_case(currency.as_str()) {
        return Err(unprocessable_cart("Currency is incorrect."));
    }
    if single_cart(&state) && !carts_of(&state, customer).is_empty() {
        return Err(GlueError::refused(
            cart_codes::CUSTOMER_ALREADY_HAS_CART,
            "Customer already has a cart.",
        ));
    }
    let (id, cart) = make_cart(&state, customer, currency, request.name);
    Ok(cart_response(
        &state,
        StatusCode::CREATED,
        &id,
        &cart,
        query,
    ))
}

pub(super) async fn get_cart(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, GlueError> {
    let cart = own_cart(&state, customer, &id)?;
    Ok(cart_response(&state, StatusCode::OK, &id, &cart, query))
}

pub(super) async fn delete_cart(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    Path(id): Path<String>,
) -> Result<Response, GlueError> {
    own_cart(&state, customer, &id)?;
    remove_cart(&id);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Writes the cart back unless it was deleted (or checked out) meanwhile.
fn store_cart(id: &str, cart: Cart) -> Result<(), GlueError> {
    let mut all = carts();
    match all.get_mut(id) {
        Some(slot) => {
            *slot = cart;
            Ok(())
        }
        None => Err(cart_not_found()),
    }
}

/// `POST /carts/{id}/items`: the same SKU again adds to its quantity.
pub(super) async fn add_item(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> Result<Response, GlueError> {
    let request: wire::CartItemsRequest = parse_body(&body)?;
    if request.quantity == 0 {
        return Err(GlueError::unprocessable(
            "quantity => This value should be greater than 0.",
        ));
    }
    let mut cart = own_cart(&state, customer, &id)?;
    let sku = request.sku.trim().to_owned();
    let found = product(&state, customer, &sku).await?;
    let already = cart
        .items
        .iter()
        .find(|i| i.sku.eq_ignore_ascii_case(&sku))
        .map_or(0, |i| i.quantity);
    let wanted = already.saturating_add(request.quantity);
    if let Some(detail) = refusal(&sku, found.as_ref(), wanted) {
        return Err(item_refused(detail));
    }
    let Some(product) = found else {
        return Err(item_refused(format!(
            "The product \"{sku}\" was not found."
        )));
    };
    let unit_price = minor(&product.price);
    match cart
        .items
        .iter_mut()
        .find(|i| i.sku.eq_ignore_ascii_case(&sku))
    {
        Some(item) => {
            item.quantity = wanted;
            item.unit_price = unit_price;
        }
        None => cart.items.push(CartItem {
            sku: product.code.to_string(),
            brand: product.brand,
            quantity: wanted,
            unit_price,
        }),
    }
    store_cart(&id, cart.clone())?;
    Ok(cart_response(
        &state,
        StatusCode::CREATED,
        &id,
        &cart,
        query,
    ))
}

fn item_not_found() -> GlueError {
    GlueError::new(
        StatusCode::NOT_FOUND,
        "103",
        "Item with the given group key not found in the cart.",
    )
}

/// `PATCH /carts/{id}/items/{itemId}` (the item id is its group key, the SKU for plain items).
pub(super) async fn update_item(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    Path((id, item_id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> Result<Response, GlueError> {
    #[derive(serde::Deserialize)]
    struct QuantityChange {
        quantity: u32,
    }
    let change: QuantityChange = parse_body(&body)?;
    if change.quantity == 0 {
        return Err(GlueError::unprocessable(
            "quantity => This value should be greater than 0.",
        ));
    }
    let mut cart = own_cart(&state, customer, &id)?;
    let position = cart
        .items
        .iter()
        .position(|i| i.sku == item_id)
        .ok_or_else(item_not_found)?;
    let found = product(&state, customer, &item_id).await?;
    if let Some(detail) = refusal(&item_id, found.as_ref(), change.quantity) {
        return Err(item_refused(detail));
    }
    cart.items[position].quantity = change.quantity;
    store_cart(&id, cart.clone())?;
    Ok(cart_response(&state, StatusCode::OK, &id, &cart, query))
}

pub(super) async fn delete_item(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    Path((id, item_id)): Path<(String, String)>,
) -> Result<Response, GlueError> {
    let mut cart = own_cart(&state, customer, &id)?;
    let before = cart.items.len();
    cart.items.retain(|i| i.sku != item_id);
    if cart.items.len() == before {
        return Err(item_not_found());
    }
    store_cart(&id, cart)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /cart-reorder` (see the module's notes for what follows the module and what is the
/// emulator's own).
pub(super) async fn cart_reorder(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> Result<Response, GlueError> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Attributes {
        #[serde(default)]
        order_reference: String,
        reorder_strategy: Option<String>,
    }
    let request: Attributes = parse_body(&body)?;
    let reference = request.order_reference.trim().to_owned();
    if reference.is_empty() {
        return Err(GlueError::unprocessable(
            "orderReference => This value should not be blank.",
        ));
    }
    let strategy = request
        .reorder_strategy
        .unwrap_or_else(|| wire::REORDER_STRATEGY_REPLACE.into());
    let known = strategy == wire::REORDER_STRATEGY_REPLACE
        || (strategy == wire::REORDER_STRATEGY_NEW && !single_cart(&state));
    if !known {
        return Err(GlueError::refused(
            cart_codes::REORDER_QUOTE_NOT_PROVIDED,
            "Quote not provided.",
        ));
    }
    let order = customer_order(&state, customer, &reference, || {
        GlueError::refused(cart_codes::REORDER_ORDER_NOT_FOUND, "Order not found.")
    })
    .await?;
    let currency = state.with_store(move |s| s.currency_of(customer)).await?;
    let mut items: Vec<CartItem> = Vec::new();
    for line in &order.lines {
        let query = ProductQuery {
            codes: vec![line.code.clone()],
            brand: Some(line.brand.clone()).filter(|b| !b.is_empty()),
        };
        let found = state
            .with_store(move |s| s.products(customer, &query))
            .await?
            .into_iter()
            .next();
        let Some(product) = found.filter(|p| p.availability.can_supply(line.quantity)) else {
            continue;
        };
        match items.iter_mut().find(|i| i.sku == product.code.as_str()) {
            Some(item) => item.quantity += line.quantity,
            None => items.push(CartItem {
                sku: product.code.to_string(),
                unit_price: minor(&product.price),
                brand: product.brand,
                quantity: line.quantity,
            }),
        }
    }
    let made = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let shop = shop_of(&state);
    let (id, cart) = {
        let mut all = carts();
        let latest = (strategy == wire::REORDER_STRATEGY_REPLACE)
            .then(|| {
                all.iter()
                    .filter(|(_, c)| c.shop == shop && c.customer == customer)
                    .max_by_key(|(_, c)| c.made)
                    .map(|(id, _)| id.clone())
            })
            .flatten();
        match latest.and_then(|id| all.get_mut(&id).map(|c| (id, c))) {
            Some((id, cart)) => {
                cart.items = items;
                (id, cart.clone())
            }
            None => {
                let cart = Cart {
                    shop,
                    customer,
                    name: format!("Reorder from Order {reference}"),
                    currency,
                    items,
                    made,
                };
                let id = new_cart_id();
                all.insert(id.clone(), cart.clone());
                (id, cart)
            }
        }
    };
    Ok(cart_response(
        &state,
        StatusCode::CREATED,
        &id,
        &cart,
        query,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::store::Store;
    use std::sync::Arc;
    use std::time::Duration;

    fn demo_state() -> DemoState {
        let ttl = Duration::from_secs(600);
        DemoState {
            store: Arc::new(Store::open(None).expect("the demo store")),
            auth: Arc::new(crate::demo::oauth::AuthServer::new(ttl)),
            emulator_logins: Arc::new(crate::demo::emulator_logins::EmulatorLogins::new(ttl)),
            base_url: Arc::from("http://127.0.0.1:1"),
            centra_payment_form: false,
        }
    }

    async fn reorder(
        state: &DemoState,
        customer: CustomerKey,
        attributes: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let body = serde_json::json!({"data": {"type": "cart-reorder", "attributes": attributes}});
        let response = match cart_reorder(
            State(state.clone()),
            Customer(customer),
            RawQuery(Some("include=items".into())),
            axum::body::Bytes::from(body.to_string()),
        )
        .await
        {
            Ok(response) => response,
            Err(error) => error.into_response(),
        };
        let status = response.status().as_u16();
        let media = response.headers()[axum::http::header::CONTENT_TYPE].clone();
        assert_eq!(media, wire::MEDIA_TYPE);
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    /// The answer as `CartReorderResourceController`'s annotation and the demo shop's API test
    /// of it say: 201 with one `carts` resource (`RestCartsAttributesTransfer`) named "Reorder
    /// from Order {reference}" holding the order's items; 422 with 901, 5801 or 5802 otherwise.
    #[tokio::test]
    async fn cart_reorder_answers_as_the_module_annotates() {
        let state = demo_state();
        let customer: CustomerKey = 1;
        let order = state
            .store
            .orders(customer, &crate::model::PageRequest::first(1))
            .unwrap()
            .items
            .remove(0);
        let detail = state.store.order(customer, &order.number).unwrap();
        let (status, answer) = reorder(
            &state,
            customer,
            serde_json::json!({"orderReference": order.number.as_str(), "reorderStrategy": "new"}),
        )
        .await;
        assert_eq!(status, 201, "{answer}");
        let data = &answer["data"];
        assert_eq!(data["type"], "carts");
        assert_eq!(data["id"].as_str().map(str::len), Some(36));
        let attributes = &data["attributes"];
        assert_eq!(
            attributes["name"],
            format!("Reorder from Order {}", order.number)
        );
        for field in ["priceMode", "currency", "store", "totals"] {
            assert!(!attributes[field].is_null(), "{field}: {attributes}");
        }
        let items = answer["included"].as_array().cloned().unwrap_or_default();
        let sellable: Vec<_> = detail
            .lines
            .iter()
            .filter(|line| {
                let query = ProductQuery {
                    codes: vec![line.code.clone()],
                    brand: Some(line.brand.clone()),
                };
                state.store.products(customer, &query).unwrap()[0]
                    .availability
                    .can_supply(line.quantity)
            })
            .collect();
        assert_eq!(items.len(), sellable.len(), "{answer}");
        for (item, line) in items.iter().zip(&sellable) {
            assert_eq!(item["type"], "items");
            assert_eq!(item["attributes"]["sku"], line.code.as_str());
            assert_eq!(item["attributes"]["quantity"], line.quantity);
        }

        let error = |answer: &serde_json::Value| {
            (
                answer["errors"][0]["status"].as_u64().unwrap_or_default(),
                answer["errors"][0]["code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                answer["errors"][0]["detail"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        };
        let reference = order.number.as_str();
        let refusals = [
            (
                customer,
                "",
                "new",
                "901",
                "orderReference => This value should not be blank.",
            ),
            (customer, "SO-NONE", "new", "5801", "Order not found."),
            (customer, reference, "merge", "5802", "Quote not provided."),
            // Another customer's order is not found either.
            (2, reference, "new", "5801", "Order not found."),
        ];
        for (who, reference, strategy, code, detail) in refusals {
            let attributes =
                serde_json::json!({"orderReference": reference, "reorderStrategy": strategy});
            let (status, answer) = reorder(&state, who, attributes).await;
            assert_eq!(status, 422, "{answer}");
            assert_eq!(error(&answer), (422, code.into(), detail.into()));
        }
    }

    #[test]
    fn cart_ids_are_uuid_shaped() {
        let id = new_cart_id();
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4') && parts[3].starts_with('8'));
        assert_ne!(id, new_cart_id());
    }

    #[test]
    fn pre_checks_name_the_sku_and_what_is_left() {
        let product = |availability| Product {
            code: "KB-1".into(),
            brand: "X".into(),
            name: "Board".into(),
            price: crate::model::Money::from_minor(100, Currency::EUR),
            availability,
        };
        let three = product(Availability::InStock { quantity: Some(3) });
        assert_eq!(refusal("KB-1", Some(&three), 3), None);
        assert_eq!(
            refusal("KB-1", Some(&three), 4).as_deref(),
            Some("Item KB-1 only has availability of 3.")
        );
        let none = product(Availability::OutOfStock);
        assert!(
            refusal("KB-1", Some(&none), 1)
                .unwrap()
                .contains("not available")
        );
        assert!(refusal("NOPE", None, 1).unwrap().contains("not found"));
    }
}
