//! The Centra emulator's products, selection and payment: `POST products`, `POST items/{item}`,
//! `POST|DELETE lines/{line}/quantity/{n}`, `DELETE lines/{line}`, `POST payment`, and the
//! demo's stand-in for the shop's payment page (`GET payment-page/{id}`), over the demo store's
//! catalogue.
//!
//! The selection is kept per customer (Centra saves a logged-in customer's selection on the
//! account) in memory, for as long as the demo server runs. An item is one store product: its id
//! names the product's brand and code. Prices are the store's now, in the customer's currency;
//! the grand total is the store's quote of the order (shipping and tax included) once the
//! customer has an address.
//!
//! `POST payment` answers `{"action": "redirect", "url": …}` to the payment page, or with
//! `--centra-payment-form` `{"action": "form", "formHtml": …}`, a form that posts to the demo's
//! payment provider (`POST payment-form`). A `GET` on that page, or the form's post, stands for
//! the customer paying there: the shop places the order (one per
//! selection: a second payment page of the same selection, paid, answers the order the first
//! made), empties the selection, and the order shows in `POST orders`.

use super::{PLATFORM, PREFIX, error, logged_in, logged_in_request, refuse, require_login};
use crate::demo::state::DemoState;
use crate::demo::store::{CustomerKey, Store};
use crate::model::*;
use crate::platforms::centra::wire;
use crate::shop::{ShopError, ShopResult};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, MutexGuard};

/// The payment method every demo selection has chosen.
pub(super) const PAYMENT_METHOD: &str = "demo-card";

/// Which demo server a selection is of (tests run many in one process; the map outlives them).
type ShopId = (usize, String);

fn shop_of(state: &DemoState) -> ShopId {
    (
        std::sync::Arc::as_ptr(&state.store) as usize,
        state.base_url.to_string(),
    )
}

#[derive(Debug, Clone, Default)]
struct Selection {
    /// Changes when the selection becomes an order: payments of an earlier one are spent.
    id: String,
    lines: Vec<Line>,
}

#[derive(Debug, Clone)]
struct Line {
    line: String,
    brand: String,
    code: ProductCode,
    quantity: u32,
}

#[derive(Debug, Clone)]
struct Payment {
    shop: ShopId,
    customer: CustomerKey,
    selection: String,
    lines: Vec<Line>,
}

static SELECTIONS: LazyLock<Mutex<HashMap<(ShopId, CustomerKey), Selection>>> =
    LazyLock::new(Default::default);
static PAYMENTS: LazyLock<Mutex<HashMap<String, Payment>>> = LazyLock::new(Default::default);

fn selections() -> MutexGuard<'static, HashMap<(ShopId, CustomerKey), Selection>> {
    SELECTIONS.lock().unwrap_or_else(|e| e.into_inner())
}

fn payments() -> MutexGuard<'static, HashMap<String, Payment>> {
    PAYMENTS.lock().unwrap_or_else(|e| e.into_inner())
}

fn random_id() -> String {
    rand::random::<[u8; 16]>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The customer's selection (made empty when there is none).
fn selection_of(state: &DemoState, customer: CustomerKey) -> Selection {
    selections()
        .entry((shop_of(state), customer))
        .or_insert_with(|| Selection {
            id: random_id(),
            lines: Vec::new(),
        })
        .clone()
}

fn change_selection<T>(
    state: &DemoState,
    customer: CustomerKey,
    change: impl FnOnce(&mut Selection) -> T,
) -> T {
    let mut all = selections();
    let selection = all
        .entry((shop_of(state), customer))
        .or_insert_with(|| Selection {
            id: random_id(),
            lines: Vec::new(),
        });
    change(selection)
}

/// An item's id: the store product's brand and code (Centra's are opaque, `2-1`).
pub(super) fn item_id(brand: &str, code: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{brand}\n{code}"))
}

fn item_parts(item: &str) -> Option<(String, ProductCode)> {
    let bytes = URL_SAFE_NO_PAD.decode(item.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (brand, code) = text.split_once('\n')?;
    Some((brand.to_owned(), ProductCode::from(code)))
}

/// The store's product of an item, priced for the customer.
fn product_of(
    store: &Store,
    customer: CustomerKey,
    brand: &str,
    code: &ProductCode,
) -> ShopResult<Option<Product>> {
    let query = ProductQuery {
        codes: vec![code.clone()],
        brand: Some(brand.to_owned()),
    };
    Ok(store.products(customer, &query)?.into_iter().next())
}

/// The selection as the regular JSON shows it, priced now.
fn priced(
    store: &Store,
    customer: CustomerKey,
    selection: &Selection,
) -> ShopResult<wire::Selection> {
    let currency = store.currency_of(customer)?;
    let mut items = Vec::new();
    let mut items_total = Money::zero(currency);
    let mut quantity = 0u32;
    for line in &selection.lines {
        let Some(product) = product_of(store, customer, &line.brand, &line.code)? else {
            continue;
        };
        let total = product.price.times(line.quantity);
        items_total = items_total
            .checked_add(total)
            .map_err(|e| ShopError::Protocol(e.to_string()))?;
        quantity = quantity.saturating_add(line.quantity);
        items.push(wire::SelectionLine {
            item: item_id(&line.brand, line.code.as_str()),
            sku: line.code.to_string(),
            brand_name: product.brand.clone(),
            product_name: product.name.clone(),
            quantity: line.quantity,
            line: line.line.clone(),
            price_each_as_number: wire::Amount::of(product.price.amount),
            total_price_as_number: wire::Amount::of(total.amount),
        });
    }
    // The grand total as the order would be charged; without an address to ship to, the items.
    let grand = if selection.lines.is_empty() {
        items_total
    } else {
        store
            .quote_order(customer, &new_order(selection))
            .unwrap_or(items_total)
    };
    Ok(wire::Selection {
        currency: currency.to_string(),
        payment_method: PAYMENT_METHOD.into(),
        items,
        totals: wire::SelectionTotals {
            items_total_price_as_number: wire::Amount::of(items_total.amount),
            grand_total_price_as_number: wire::Amount::of(grand.amount),
            total_quantity: Some(quantity),
        },
    })
}

/// The store order a selection becomes: one per selection (its id is the key).
fn new_order(selection: &Selection) -> NewOrder {
    NewOrder {
        idempotency_key: format!("centra-{}", selection.id),
        lines: selection
            .lines
            .iter()
            .map(|line| NewOrderLine {
                code: line.code.clone(),
                brand: Some(line.brand.clone()),
                quantity: line.quantity,
            })
            .collect(),
        shipping_address: None,
        billing_address: None,
        note: None,
    }
}

/// The customer's selection, priced, as the regular JSON's `selection`.
pub(super) async fn selection_json(
    state: &DemoState,
    customer: CustomerKey,
) -> ShopResult<serde_json::Value> {
    let selection = selection_of(state, customer);
    let priced = state
        .with_store(move |s| priced(s, customer, &selection))
        .await?;
    serde_json::to_value(priced).map_err(|e| ShopError::Protocol(e.to_string()))
}

fn json_response(status: StatusCode, value: serde_json::Value) -> Response {
    match serde_json::to_vec(&value) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The regular JSON after a selection call: token, selection, `loggedIn`, and `extra` fields.
async fn regular(
    state: &DemoState,
    token: String,
    customer: CustomerKey,
    extra: serde_json::Map<String, serde_json::Value>,
) -> Response {
    let selection = match selection_json(state, customer).await {
        Ok(selection) => selection,
        Err(failure) => {
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                token,
                "server",
                &failure.to_string(),
            );
        }
    };
    let login = state
        .with_store(move |s| Ok((s.account(customer)?, s.addresses(customer)?)))
        .await;
    let login = match login {
        Ok((account, addresses)) => logged_in(account, addresses),
        Err(failure) => {
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                token,
                "server",
                &failure.to_string(),
            );
        }
    };
    let mut value = extra;
    value.insert("token".into(), token.into());
    value.insert("selection".into(), selection);
    match serde_json::to_value(login) {
        Ok(login) => value.insert("loggedIn".into(), login),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    json_response(StatusCode::OK, serde_json::Value::Object(value))
}

/// `POST products` with `{"search": text}`: the store's products whose code is the text, each
/// with its one item. Centra searches names too; the demo matches codes only.
pub(super) async fn products(
    State(state): State<DemoState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let (token, customer, request): (_, _, wire::ProductsRequest) =
        match logged_in_request(&state, &headers, &body) {
            Ok(found) => found,
            Err(refused) => return *refused,
        };
    let query = ProductQuery {
        codes: vec![ProductCode::from(request.search.trim())],
        brand: None,
    };
    let found = state
        .with_store(move |s| s.products(customer, &query))
        .await;
    let products = match found {
        Ok(products) => products,
        Err(failure) => return super::store_error(token, failure),
    };
    let products: Vec<wire::CatalogueProduct> = products
        .into_iter()
        .filter(|p| p.availability != Availability::Discontinued)
        .map(|product| {
            let item = item_id(&product.brand, product.code.as_str());
            let (in_stock, stock) = match product.availability {
                Availability::InStock { quantity } => (quantity != Some(0), quantity),
                Availability::OutOfStock | Availability::Discontinued => (false, Some(0)),
            };
            wire::CatalogueProduct {
                product: item.clone(),
                name: product.name.clone(),
                sku: product.code.to_string(),
                brand_name: product.brand.clone(),
                price: product.price.to_string().into(),
                price_as_number: wire::Amount::of(product.price.amount),
                in_stock,
                items: vec![wire::CatalogueItem {
                    item,
                    name: String::new(),
                    sku: product.code.to_string(),
                    ean: String::new(),
                    in_stock,
                    stock,
                }],
            }
        })
        .collect();
    let mut extra = serde_json::Map::new();
    match serde_json::to_value(products) {
        Ok(products) => extra.insert("products".into(), products),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    regular(&state, token, customer, extra).await
}

/// A refusal of a selection call: status, field and message.
type Refusal = (StatusCode, &'static str, String);

/// Refuses a line of `total` pieces beyond the product's stock (406 `quantity: only N left`,
/// 406 `item: out of stock`); an item the catalogue does not have is 404 `item: not found`.
async fn check_stock(
    state: &DemoState,
    customer: CustomerKey,
    brand: String,
    code: ProductCode,
    total: u32,
) -> Result<(), Refusal> {
    let found = state
        .with_store(move |s| product_of(s, customer, &brand, &code))
        .await;
    let refused = StatusCode::NOT_ACCEPTABLE;
    match found {
        Ok(Some(product)) if product.availability.can_supply(total) => Ok(()),
        Ok(Some(product)) => Err(match product.availability {
            Availability::InStock {
                quantity: Some(left),
            } => (refused, "quantity", format!("only {left} left")),
            _ => (refused, "item", "out of stock".into()),
        }),
        Ok(None) => Err((StatusCode::NOT_FOUND, "item", "not found".into())),
        Err(failure) => Err((
            StatusCode::INTERNAL_SERVER_ERROR,
            "server",
            failure.to_string(),
        )),
    }
}

/// `POST items/{item}`: one piece of the item into the selection (its line grows when it is
/// there already).
pub(super) async fn add_item(
    State(state): State<DemoState>,
    Path(item): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (token, customer) = match require_login(&state, &headers) {
        Ok(found) => found,
        Err(refused) => return *refused,
    };
    let Some((brand, code)) = item_parts(&item) else {
        return refuse(StatusCode::NOT_FOUND, token, "item", "not found");
    };
    let have = selection_of(&state, customer)
        .lines
        .iter()
        .find(|l| l.brand == brand && l.code == code)
        .map_or(0, |l| l.quantity);
    if let Err((status, field, message)) =
        check_stock(&state, customer, brand.clone(), code.clone(), have + 1).await
    {
        return refuse(status, token, field, &message);
    }
    change_selection(&state, customer, |selection| {
        match selection
            .lines
            .iter_mut()
            .find(|l| l.brand == brand && l.code == code)
        {
            Some(line) => line.quantity += 1,
            None => selection.lines.push(Line {
                line: random_id(),
                brand,
                code,
                quantity: 1,
            }),
        }
    });
    regular(&state, token, customer, serde_json::Map::new()).await
}

/// `POST lines/{line}/quantity/{n}` (adds `n` pieces) and `DELETE lines/{line}/quantity/{n}`
/// (takes `n` off; the line goes at 0).
async fn line_quantity(
    state: DemoState,
    headers: HeaderMap,
    line: String,
    by: String,
    add: bool,
) -> Response {
    let (token, customer) = match require_login(&state, &headers) {
        Ok(found) => found,
        Err(refused) => return *refused,
    };
    let Ok(by) = by.trim().parse::<u32>() else {
        return refuse(StatusCode::NOT_ACCEPTABLE, token, "quantity", "not valid");
    };
    let Some(current) = selection_of(&state, customer)
        .lines
        .into_iter()
        .find(|l| l.line == line)
    else {
        return refuse(StatusCode::NOT_FOUND, token, "line", "not found");
    };
    if add {
        let total = current.quantity.saturating_add(by);
        if let Err((status, field, message)) = check_stock(
            &state,
            customer,
            current.brand.clone(),
            current.code.clone(),
            total,
        )
        .await
        {
            return refuse(status, token, field, &message);
        }
    }
    change_selection(&state, customer, |selection| {
        if let Some(found) = selection.lines.iter_mut().find(|l| l.line == line) {
            found.quantity = if add {
                found.quantity.saturating_add(by)
            } else {
                found.quantity.saturating_sub(by)
            };
        }
        selection.lines.retain(|l| l.quantity > 0);
    });
    regular(&state, token, customer, serde_json::Map::new()).await
}

/// `POST lines/{line}/quantity/{n}` and `DELETE …` as routes: `ADD` says which.
pub(super) fn on_line<const ADD: bool>(
    State(state): State<DemoState>,
    Path((line, by)): Path<(String, String)>,
    headers: HeaderMap,
) -> impl std::future::Future<Output = Response> {
    line_quantity(state, headers, line, by, ADD)
}

/// `DELETE lines/{line}`: the line out of the selection.
pub(super) async fn remove_line(
    State(state): State<DemoState>,
    Path(line): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (token, customer) = match require_login(&state, &headers) {
        Ok(found) => found,
        Err(refused) => return *refused,
    };
    let removed = change_selection(&state, customer, |selection| {
        let before = selection.lines.len();
        selection.lines.retain(|l| l.line != line);
        before != selection.lines.len()
    });
    if !removed {
        return refuse(StatusCode::NOT_FOUND, token, "line", "not found");
    }
    regular(&state, token, customer, serde_json::Map::new()).await
}

/// `POST payment`: checks the payment method, the return pages and the address, and answers
/// where to pay (`action: redirect`). 406 with the fields' complaints; `selection: empty` for a
/// selection without items.
pub(super) async fn payment(
    State(state): State<DemoState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let (token, customer, request): (_, _, wire::PaymentRequest) =
        match logged_in_request(&state, &headers, &body) {
            Ok(found) => found,
            Err(refused) => return *refused,
        };
    let mut errors = wire::Errors::default();
    if request.payment_method != PAYMENT_METHOD {
        errors.0.insert("paymentMethod".into(), "not valid".into());
    }
    for (field, page) in [
        ("paymentReturnPage", &request.payment_return_page),
        ("paymentFailedPage", &request.payment_failed_page),
    ] {
        if url::Url::parse(page).is_err() {
            errors.0.insert(field.into(), "not valid".into());
        }
    }
    let address = &request.address;
    let mut missing = serde_json::Map::new();
    for (field, value) in [
        ("email", &address.email),
        ("firstName", &address.address.first_name),
        ("lastName", &address.address.last_name),
        ("address1", &address.address.address1),
        ("zipCode", &address.address.zip_code),
        ("city", &address.address.city),
        ("country", &address.address.country),
    ] {
        if value.trim().is_empty() {
            missing.insert(field.into(), "required".into());
        }
    }
    if !missing.is_empty() {
        errors.0.insert("address".into(), missing.into());
    }
    let selection = selection_of(&state, customer);
    if selection.lines.is_empty() {
        errors.0.insert("selection".into(), "empty".into());
    }
    if !errors.0.is_empty() {
        return error(StatusCode::NOT_ACCEPTABLE, token, errors);
    }
    let id = random_id();
    payments().insert(
        id.clone(),
        Payment {
            shop: shop_of(&state),
            customer,
            selection: selection.id.clone(),
            lines: selection.lines.clone(),
        },
    );
    let mut extra = serde_json::Map::new();
    if state.centra_payment_form {
        extra.insert("action".into(), "form".into());
        extra.insert("formHtml".into(), payment_form(&state, &id).into());
    } else {
        extra.insert("action".into(), "redirect".into());
        extra.insert(
            "url".into(),
            format!("{}{PREFIX}/payment-page/{id}", state.base_url).into(),
        );
    }
    regular(&state, token, customer, extra).await
}

/// The form a payment provider's `formHtml` stands for: it posts the payment's id to the
/// demo's provider (`POST payment-form`), by its script at once, or by its button where the
/// browser runs none.
fn payment_form(state: &DemoState, id: &str) -> String {
    format!(
        "<form id=\"demo-psp\" method=\"post\" action=\"{}{PREFIX}/payment-form\">\
         <input type=\"hidden\" name=\"payment\" value=\"{id}\">\
         <p>Demo payment provider (Centra)</p>\
         <button type=\"submit\">Pay</button></form>\
         <script>document.getElementById(\"demo-psp\").submit();</script>",
        html_escape(&state.base_url)
    )
}

/// `POST payment-form` (`payment=ID`, form-encoded): the demo's payment provider, where the
/// form sends the customer; paid as the payment page is (`payment_page`).
pub(super) async fn payment_form_sent(
    State(state): State<DemoState>,
    body: axum::body::Bytes,
) -> Response {
    let id = url::form_urlencoded::parse(&body)
        .find(|(name, _)| name == "payment")
        .map(|(_, value)| value.into_owned());
    match id {
        Some(id) => pay(&state, &id).await,
        None => page(StatusCode::BAD_REQUEST, "No payment named."),
    }
}

fn page(status: StatusCode, text: &str) -> Response {
    let body = format!(
        "<!doctype html><title>Demo payment (Centra)</title><p>{}</p>",
        html_escape(text)
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `GET payment-page/{id}`: the demo's payment page, paid by opening it. The shop places the
/// order (once per selection), empties the selection it came from, and says which order it is.
pub(super) async fn payment_page(
    State(state): State<DemoState>,
    Path(id): Path<String>,
) -> Response {
    pay(&state, &id).await
}

/// Pays payment `id`: the order placed (once per selection), the selection emptied.
async fn pay(state: &DemoState, id: &str) -> Response {
    let Some(payment) = payments().get(id).cloned() else {
        return page(StatusCode::NOT_FOUND, "No such payment.");
    };
    if payment.shop != shop_of(state) {
        return page(StatusCode::NOT_FOUND, "No such payment.");
    }
    let order = new_order(&Selection {
        id: payment.selection.clone(),
        lines: payment.lines.clone(),
    });
    let customer = payment.customer;
    let placed = state
        .with_store(move |s| s.place_order(customer, &order))
        .await;
    match placed {
        Ok(placed) => {
            change_selection(state, customer, |selection| {
                if selection.id == payment.selection {
                    *selection = Selection {
                        id: random_id(),
                        lines: Vec::new(),
                    };
                }
            });
            let text = if placed.replayed {
                format!(
                    "This selection is paid already: it is order {}.",
                    placed.number
                )
            } else {
                format!(
                    "Payment of {} received. Thank you: order {} is placed.",
                    placed.total, placed.number
                )
            };
            tracing::info!(platform = PLATFORM, order = %placed.number, "demo payment completed");
            page(StatusCode::OK, &text)
        }
        Err(failure) => page(
            StatusCode::CONFLICT,
            &format!("The payment failed: {failure}. Nothing was charged."),
        ),
    }
}
