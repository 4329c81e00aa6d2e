//! AbanteCart's storefront API, as much of it as the connector uses, served over the demo store
//! under `/abantecart` (so the tests, and `shopterm login <demo>/abantecart --platform abantecart`
//! against `shopterm demo --serve`, run without an AbanteCart shop). Answers follow AbanteCart's
//! controllers (`storefront/controller/api/account/{login,logout,account,history,edit}.php`,
//! `api/error/not_found.php`, `core/engine/controller_api.php`): their JSON bodies and their
//! status codes, 401 for every refusal, an unknown route included, 405 (no body) for a method
//! a controller does not serve.
//!
//! The demo store knows customers by e-mail only, so `loginname` and `email` both take the
//! e-mail. Texts are answered HTML-escaped, as AbanteCart stores them.
//!
//! Where AbanteCart versions differ, the emulator is a shop that pages its history: it reads
//! `page` as 1.2 did (stock controllers since 1.2.9 read it only when PHP sees an integer, which
//! a form field never is, and serve page 1), answering with 1.4.4's types (numbers for counts);
//! its page size is `config_catalog_limit`, 18 as installed. The account form validates as 1.4.4
//! does (only the telephone), with this shop's telephone pattern allowing digits, spaces and
//! `+ - ( ) / .`. The demo store has no fax and no newsletter flag: the form shows them empty
//! and unset, and a save does not keep them. An unknown route answers 1.4.4's empty 200.
//!
//! Products, cart and checkout (`api/product/*`, `api/checkout/*`) are kept per session as the
//! shop keeps them in its PHP session. Where the demo store differs from AbanteCart: a product's
//! `product_id` is the demo store's product code (AbanteCart's are numbers), a sessionless
//! product `GET` prices in the demo store's first customer's currency, the shipping methods
//! cost what the demo store charges for shipping (its prices hold the tax: no tax line), and a
//! code several brands sell stands for its first brand. Answers carry AbanteCart's full key
//! sets (its catalogue row, its order columns), with the stock installation's defaults where
//! the demo store has nothing; tests/platform_abantecart.rs checks them against the recordings
//! of a real 1.4.4.

use crate::demo::emulator_logins::{PasswordCheck, check_password};
use crate::demo::http::{ClientAddress, with_retry_after};
use crate::demo::state::DemoState;
use crate::demo::store::CustomerKey;
use crate::model::validate::PHONE_MAX;
use crate::model::{
    AccountDraft, AddressId, Availability, Currency, Money, NewOrder, NewOrderLine, OrderNumber,
    OrderStatus, PageRequest, Product, ProductCode, ProductQuery,
};
use crate::platforms::abantecart::money::formatted_total;
use crate::platforms::abantecart::register;
use crate::platforms::abantecart::storefront;
use crate::platforms::abantecart::wire::{self, fields, messages, routes};
use crate::shop::ShopError;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::IpAddr;
use url::form_urlencoded;

mod account;
mod catalogue;
mod checkout;
use account::*;
use catalogue::*;
use checkout::*;

/// Where the demo shop serves this emulator.
pub const PREFIX: &str = "/abantecart";
const PLATFORM: &str = crate::platforms::abantecart::PLATFORM.name;
/// The shop's `config_catalog_limit`: orders per history page.
pub const HISTORY_PAGE_SIZE: u32 = 18;

pub fn routes() -> Router<DemoState> {
    Router::new().route("/index.php", post(api).get(api))
}

fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// `{"error": text}`, with no `status`, as the account controllers and the error pages answer.
fn error_only(status: StatusCode, text: &str) -> Response {
    let mut answer = wire::StatusAnswer::failure(text);
    answer.status = None;
    json(status, &answer)
}

fn status_answer(success: Option<&str>, request: Option<&str>, token: Option<String>) -> Response {
    json(
        StatusCode::OK,
        &wire::StatusAnswer {
            status: Some(true),
            success: success.map(str::to_owned),
            token,
            request: request.map(str::to_owned),
            error: None,
            error_text: None,
        },
    )
}

/// The form fields of a request body (AbanteCart's `$_POST`).
struct Form(HashMap<String, String>);

impl Form {
    fn parse(body: &[u8]) -> Form {
        Form(form_urlencoded::parse(body).into_owned().collect())
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    fn take(&mut self, name: &str) -> Option<zeroize::Zeroizing<String>> {
        self.0.remove(name).map(zeroize::Zeroizing::new)
    }
}

impl Drop for Form {
    fn drop(&mut self) {
        for value in self.0.values_mut() {
            zeroize::Zeroize::zeroize(value);
        }
    }
}

/// `/index.php?rt=…`: the one address of the API; the route picks the controller, the method
/// its function. A `POST`'s parameters are its form fields, a `GET`'s the query's (PHP's `$_POST`
/// and `$_GET`).
async fn api(
    State(state): State<DemoState>,
    ClientAddress(client): ClientAddress,
    method: Method,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> Response {
    let query = query.unwrap_or_default();
    let route = form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "rt")
        .map(|(_, value)| value.into_owned());
    let post = method == Method::POST;
    let form = Form::parse(if post { &body } else { query.as_bytes() });
    match (route.as_deref(), post) {
        (Some(routes::LOGIN), true) => login(&state, form, client).await,
        (Some(routes::LOGOUT), true) => logout(&state, &form),
        (Some(routes::ACCOUNT), true) => account(&state, &form).await,
        (Some(routes::HISTORY), true) => history(&state, &form).await,
        (Some(routes::EDIT), true) => save_account(&state, &form).await,
        (Some(routes::EDIT), false) => show_account_form(&state, &form).await,
        (Some(register::CREATE), true) => create_account(&state, &form).await,
        (Some(register::CREATE), false) => json(StatusCode::OK, &create_form(&form, None)),
        (Some(storefront::routes::PRODUCT), false) => product(&state, &form).await,
        (Some(storefront::routes::QUANTITY), false) => quantity(&state, &form).await,
        (Some(storefront::routes::CART), true) => cart(&state, &form).await,
        (Some(storefront::routes::ADDRESS), true) => checkout_address(&state, &form).await,
        (Some(storefront::routes::SHIPPING), true) => checkout_shipping(&state, &form).await,
        (Some(storefront::routes::PAYMENT), true) => checkout_payment(&state, &form).await,
        (Some(storefront::routes::CONFIRM), true) => checkout_confirm(&state, &form).await,
        (Some(storefront::routes::PROCESS), true) => checkout_process(&state, &form).await,
        // `AControllerAPI`'s default for a method the controller does not have: 405, no body.
        (
            Some(
                routes::LOGIN
                | routes::LOGOUT
                | routes::ACCOUNT
                | routes::HISTORY
                | storefront::routes::PRODUCT
                | storefront::routes::QUANTITY
                | storefront::routes::CART
                | storefront::routes::ADDRESS
                | storefront::routes::SHIPPING
                | storefront::routes::PAYMENT
                | storefront::routes::CONFIRM
                | storefront::routes::PROCESS,
            ),
            _,
        ) => StatusCode::METHOD_NOT_ALLOWED.into_response(),
        // 1.4.4's router builds `error/ajaxerror/not_found`, which the API has no controller
        // for: an empty 200 (older shops answer 401 "Requested Route was not found!").
        _ => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "",
        )
            .into_response(),
    }
}

/// The customer whose live session the request's `token` field names. An expired session is
/// refused like an unknown one, as AbanteCart has forgotten it.
fn session_customer(state: &DemoState, form: &Form) -> Option<CustomerKey> {
    let token = form.get(fields::TOKEN)?;
    state.emulator_logins.customer(PLATFORM, token).ok()
}

/// `a/account/login`: with `token`, a check of that session; else a sign-in with `loginname`
/// (or, without it, `email`) and `password`. Failed sign-ins are throttled ([`check_password`]);
/// stock AbanteCart has no throttle, so a locked sign-in is refused as HTTP refuses too many
/// requests (RFC 6585 §4): 429 with `Retry-After`, in the controller's refusal shape
/// (`status: 0` and an `error` text saying how long to wait).
async fn login(state: &DemoState, mut form: Form, client: Option<IpAddr>) -> Response {
    if form.get(fields::TOKEN).is_some() {
        return match session_customer(state, &form) {
            Some(_) => status_answer(None, Some(messages::AUTHORIZED), None),
            None => json(
                StatusCode::UNAUTHORIZED,
                &wire::StatusAnswer {
                    status: Some(false),
                    success: None,
                    token: None,
                    request: Some(messages::UNAUTHORIZED.to_owned()),
                    error: None,
                    error_text: None,
                },
            ),
        };
    }
    let login = form
        .take(fields::LOGINNAME)
        .or_else(|| form.take(fields::EMAIL));
    let password = form.take(fields::PASSWORD);
    let (Some(login), Some(password)) = (login, password) else {
        return json(
            StatusCode::UNAUTHORIZED,
            &wire::StatusAnswer::failure(messages::LOGIN_FAILED),
        );
    };
    match check_password(state, PLATFORM, login.trim(), password, client).await {
        Ok(PasswordCheck::Accepted(customer)) => {
            let issued = state.emulator_logins.issue(PLATFORM, customer, false);
            status_answer(Some("Logged in"), None, Some(issued.access_token))
        }
        Ok(PasswordCheck::Wrong) => json(
            StatusCode::UNAUTHORIZED,
            &wire::StatusAnswer::failure(messages::LOGIN_FAILED),
        ),
        Ok(PasswordCheck::Locked(locked)) => with_retry_after(
            json(
                StatusCode::TOO_MANY_REQUESTS,
                &wire::StatusAnswer::failure(&format!(
                    "Too many failed login attempts. Try again in {} s.",
                    locked.retry_after_secs()
                )),
            ),
            locked,
        ),
        Err(error) => error_only(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string()),
    }
}

/// `a/account/logout`.
fn logout(state: &DemoState, form: &Form) -> Response {
    match (session_customer(state, form), form.get(fields::TOKEN)) {
        (Some(_), Some(token)) => {
            state.emulator_logins.end(PLATFORM, token);
            status_answer(Some("Logged out"), None, None)
        }
        _ => json(
            StatusCode::UNAUTHORIZED,
            &wire::StatusAnswer::failure(messages::LOGOUT_FAILED),
        ),
    }
}

/// AbanteCart's `htmlspecialchars($text, ENT_COMPAT)`, which every stored text went through.
fn stored(text: &str) -> String {
    html_escape::encode_double_quoted_attribute(text).into_owned()
}

/// `a/account/account`.
async fn account(state: &DemoState, form: &Form) -> Response {
    let Some(customer) = session_customer(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    match state.with_store(move |s| s.account(customer)).await {
        // `customer_id` is an integer on 1.4.4 (the wire type reads text too, for 1.2).
        Ok(account) => json(
            StatusCode::OK,
            &json!({
                "title": "My Account",
                "customer_id": customer,
                "firstname": stored(&account.first_name),
                "lastname": stored(&account.last_name),
                "email": stored(&account.email),
                "information": routes::EDIT,
                "history": routes::HISTORY,
                "newsletter": routes::LOGOUT,
            }),
        ),
        Err(error) => error_only(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string()),
    }
}

/// What the shop answers for a store failure.
fn store_failure(error: &ShopError) -> Response {
    error_only(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string())
}

/// AbanteCart's order id: the digits of the demo's order number.
fn order_id(number: &OrderNumber) -> String {
    number
        .as_str()
        .trim_start_matches(crate::demo::store::ORDER_PREFIX)
        .to_owned()
}

/// AbanteCart's stock status names (English pack) for the demo's states.
fn status_name(status: OrderStatus, label: &str) -> String {
    match status {
        OrderStatus::Pending => "Pending".into(),
        OrderStatus::Processing => "Processing".into(),
        // Not a stock status: the name a shop that ships in parts would give it.
        OrderStatus::PartiallyShipped => "Partially Shipped".into(),
        OrderStatus::Shipped => "Shipped".into(),
        OrderStatus::Delivered => "Completed".into(),
        OrderStatus::Cancelled => "Canceled".into(),
        OrderStatus::Refunded => "Refunded".into(),
        OrderStatus::Other => stored(label),
    }
}

/// `a/account/history`: the page `page` (1 when not given) of `config_catalog_limit` orders,
/// newest first. The counts are numbers, as 1.4.4 sends them; `order_id` is text.
async fn history(state: &DemoState, form: &Form) -> Response {
    let Some(customer) = session_customer(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    let asked = form
        .get(fields::PAGE)
        .map(str::trim)
        .filter(|page| !page.is_empty() && page.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_owned);
    let page: u64 = asked
        .as_deref()
        .and_then(|page| page.parse().ok())
        .unwrap_or(1);
    let request = PageRequest {
        offset: page.saturating_sub(1) * u64::from(HISTORY_PAGE_SIZE),
        ..PageRequest::first(HISTORY_PAGE_SIZE)
    };
    let found = state
        .with_store(move |s| {
            let page = s.orders(customer, &request)?;
            let account = s.account(customer)?;
            let mut rows = Vec::new();
            for summary in page.items {
                let detail = s.order(customer, &summary.number)?;
                let (first, last) = detail
                    .billing_address
                    .as_ref()
                    .map(|a| (a.first_name.clone(), a.last_name.clone()))
                    .unwrap_or_else(|| (account.first_name.clone(), account.last_name.clone()));
                rows.push(json!({
                    "order_id": order_id(&summary.number),
                    "name": stored(&format!("{first} {last}")),
                    "status": status_name(summary.status, &summary.status_label),
                    "date_added": format!(
                        "{:02}/{:02}/{}",
                        u8::from(summary.placed_at.month()),
                        summary.placed_at.day(),
                        summary.placed_at.year()
                    ),
                    "products": detail.lines.len(),
                    "total": formatted_total(summary.total),
                }));
            }
            Ok((rows, page.total.unwrap_or(0)))
        })
        .await;
    match found {
        Ok((_, 0)) => json(StatusCode::OK, &json!({"orders": [], "total_orders": 0})),
        Ok((rows, total)) => json(
            StatusCode::OK,
            &json!({
                "limit": HISTORY_PAGE_SIZE,
                "orders": rows,
                "total_orders": total,
                "page": page,
            }),
        ),
        Err(error) => store_failure(&error),
    }
}
