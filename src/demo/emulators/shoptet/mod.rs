//! Shoptet's REST API (v1.0), as much of it as the connector uses, served over the demo store
//! under `/shoptet` for a staff token (so the tests, and `shopterm login <demo>/shoptet --platform
//! shoptet` against `shopterm demo --serve`, run without a Shoptet shop). Answers are shaped as
//! Shoptet's OpenAPI description requires them (every required field, `null` where the demo
//! store has nothing), in the `data`/`errors`/`metadata` envelope, with Shoptet's limits: the
//! token in `Shoptet-Private-API-Token` or `Shoptet-Access-Token`, `Content-Type:
//! application/vnd.shoptet.v1.0` on every request, 3 connections at once per token (429), a
//! leaky bucket of 200 drained at 10/s (`X-RateLimit-Bucket-Filling` on every answer, 429 with
//! `Retry-After` as an HTTP date when full), and 423 for a write to a URL already being written.
//!
//! Where the demo store differs from a Shoptet shop: customer GUIDs, address GUIDs and shipment
//! GUIDs are made from the store's row ids; order codes are the demo's numbers (`SO-100001`);
//! the store keeps a currency per customer, so a product's price is in the first customer's
//! currency (a Shoptet shop has one default currency), and `POST
//! /api/orders` prices the lines from the catalogue itself (a Shoptet shop takes the prices it
//! is sent); new guest orders (no registered customer) are refused, and the guest orders that
//! `GET /api/orders?email=` finds are a fixed set the emulator holds itself (`guests`). Product codes are unique in a
//! Shoptet shop but repeat across brands in the demo catalogue: `/api/products/code/{code}`
//! answers the first brand's product, and an order item's `brand` picks among them.
//!
//! The handlers live by topic: `customers`, `addresses`, `orders` (with shipments), `guests`,
//! `documents` (order and invoice PDFs), `products`;
//! `limits` is the guard in front of them all.

mod addresses;
mod customers;
mod documents;
mod guests;
mod limits;
mod orders;
mod products;

use addresses::*;
use customers::*;
use documents::*;
pub use guests::GUEST_EMAIL;
use guests::*;
use limits::*;
use orders::*;
use products::*;

use crate::demo::state::DemoState;
use crate::demo::store::CustomerKey;
use crate::model::*;
use crate::platforms::shoptet::wire;
use crate::shop::ShopError;
use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// Where the demo shop serves this emulator.
pub const PREFIX: &str = "/shoptet";
/// The staff token the demo shop accepts (`shopterm demo --serve` prints it).
pub const DEMO_TOKEN: &str = "demo-shoptet-private-api-token";
/// The demo e-shop's name, as `/api/eshop` tells it.
pub const ESHOP_NAME: &str = "shopterm demo shop";
/// Where the emulator tells what it refused (not a Shoptet URL), for tests.
pub const LIMITS_REPORT_PATH: &str = "/emulator/limits";

const CONNECTIONS_PER_TOKEN: usize = 3;
const BUCKET_CAPACITY: f64 = 200.0;
const DRAINED_PER_SECOND: f64 = 10.0;
const LOCK_LONGEST: Duration = Duration::from_secs(5);
const DEFAULT_PAGE_SIZE: u32 = 20;
const MAX_CUSTOMERS_PER_PAGE: u32 = 1000;
const MAX_ADDRESSES_PER_PAGE: u32 = 50;

/// What the emulator counts of its limits, per server.
#[derive(Default)]
struct Limits {
    bucket: Mutex<Option<(f64, Instant)>>,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    refused_too_many: AtomicU64,
    refused_locked: AtomicU64,
    writes: Mutex<HashMap<String, Instant>>,
}

/// The counts `GET /shoptet/emulator/limits` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LimitsReport {
    pub most_in_flight: usize,
    pub refused_too_many: u64,
    pub refused_locked: u64,
}

pub fn routes() -> Router<DemoState> {
    let limits = Arc::new(Limits::default());
    let report = limits.clone();
    Router::new()
        .route("/api/eshop", get(eshop))
        .route("/api/customers", get(customers))
        .route(
            "/api/customers/{guid}",
            get(customer).patch(update_customer),
        )
        .route(
            "/api/customers/{guid}/accounts/{account}",
            patch(update_account),
        )
        .route(
            "/api/customers/{guid}/delivery-addresses",
            get(delivery_addresses).post(create_address),
        )
        .route(
            "/api/customers/{guid}/delivery-addresses/{address}",
            patch(update_address).delete(delete_address),
        )
        .route("/api/orders", get(orders).post(create_order))
        .route("/api/orders/{code}", get(order))
        .route("/api/orders/{code}/copy", post(copy_order))
        .route("/api/orders/{code}/pdf", get(order_pdf))
        .route("/api/invoices", get(invoices))
        .route("/api/invoices/{code}/pdf", get(invoice_pdf))
        .route("/api/shipments", get(shipments))
        .route("/api/products/code/{code}", get(product))
        .layer(axum::middleware::from_fn(move |request, next| {
            guard(limits.clone(), request, next)
        }))
        .route(
            LIMITS_REPORT_PATH,
            get(move || {
                let limits = report.clone();
                async move {
                    axum::Json(LimitsReport {
                        most_in_flight: limits.most_in_flight.load(Ordering::SeqCst),
                        refused_too_many: limits.refused_too_many.load(Ordering::SeqCst),
                        refused_locked: limits.refused_locked.load(Ordering::SeqCst),
                    })
                }
            }),
        )
}

fn request_id() -> String {
    use std::sync::atomic::AtomicU64;
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("019c8c34-64f3-7328-af43-{n:012x}")
}

fn answer(status: StatusCode, data: Value) -> Response {
    let body = json!({"data": data, "errors": null, "metadata": {"requestId": request_id()}});
    envelope_response(status, &body)
}

fn envelope_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(wire::RESPONSE_CONTENT_TYPE),
    );
    response
}

fn failure(status: StatusCode, errors: &[(&str, String, String)]) -> Response {
    let errors: Vec<Value> = errors
        .iter()
        .map(|(code, message, instance)| {
            json!({"errorCode": code, "message": message, "instance": instance})
        })
        .collect();
    let body = json!({"data": null, "errors": errors, "metadata": {"requestId": request_id()}});
    envelope_response(status, &body)
}

fn one_failure(
    status: StatusCode,
    code: &str,
    message: impl Into<String>,
    instance: &str,
) -> Response {
    failure(status, &[(code, message.into(), instance.to_owned())])
}

/// A store refusal as Shoptet words it: a validation failure per field (`data.zip`), else by kind.
fn store_failure(error: &ShopError) -> Response {
    match error {
        ShopError::Validation { message, fields } if fields.is_empty() => one_failure(
            StatusCode::BAD_REQUEST,
            wire::INVALID_REQUEST_DATA,
            message.clone(),
            "payload",
        ),
        ShopError::Validation { fields, .. } => {
            let errors: Vec<(&str, String, String)> = fields
                .iter()
                .map(|f| {
                    (
                        wire::INVALID_REQUEST_DATA,
                        f.message.clone(),
                        format!("data.{}", shoptet_field(&f.field)),
                    )
                })
                .collect();
            failure(StatusCode::BAD_REQUEST, &errors)
        }
        ShopError::Conflict(what) => {
            one_failure(StatusCode::CONFLICT, "conflict", what.clone(), "unknown")
        }
        ShopError::NotFound(what) => {
            one_failure(StatusCode::NOT_FOUND, "not-found", what.clone(), "unknown")
        }
        other => one_failure(
            StatusCode::INTERNAL_SERVER_ERROR,
            "unknown-error",
            other.to_string(),
            "unknown",
        ),
    }
}

/// The domain model's field names as Shoptet's.
fn shoptet_field(field: &str) -> &str {
    match field {
        "postcode" => "zip",
        "line1" => "street",
        "line2" => "additional",
        "country" => "countryCode",
        "region" => "regionName",
        "first_name" | "last_name" => "fullName",
        other => other,
    }
}

// --- ids -------------------------------------------------------------------------------------

fn customer_guid(key: CustomerKey) -> String {
    format!("00000000-0000-4000-8000-{key:012x}")
}

fn customer_key(guid: &str) -> Option<CustomerKey> {
    let hex = guid.strip_prefix("00000000-0000-4000-8000-")?;
    i64::from_str_radix(hex, 16).ok()
}

fn address_guid(id: &AddressId) -> String {
    let number: u64 = id.as_str().parse().unwrap_or_default();
    format!("00000000-0000-4000-a000-{number:012x}")
}

fn address_id(guid: &str) -> Option<AddressId> {
    let hex = guid.strip_prefix("00000000-0000-4000-a000-")?;
    u64::from_str_radix(hex, 16)
        .ok()
        .map(|n| AddressId(n.to_string()))
}

fn order_guid(number: &OrderNumber) -> String {
    let digits: String = number
        .as_str()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let n: u64 = digits.parse().unwrap_or_default();
    format!("00000000-0000-4000-c000-{n:012x}")
}

fn shipment_guid(number: &OrderNumber, index: usize) -> String {
    let digits: String = number
        .as_str()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let n: u64 = digits.parse().unwrap_or_default();
    format!("{index:08x}-0000-4000-b000-{n:012x}")
}

fn admin_url(state: &DemoState, what: &str, id: impl std::fmt::Display) -> String {
    format!("{}{PREFIX}/admin/{what}?id={id}", state.base_url)
}

fn not_found_customer(guid: &str) -> Response {
    one_failure(
        StatusCode::NOT_FOUND,
        "customer-not-found",
        format!("Customer with guid \"{guid}\" not found."),
        guid,
    )
}

/// The store's key of a customer GUID that names an existing customer.
async fn existing_customer(state: &DemoState, guid: &str) -> Result<CustomerKey, Response> {
    let Some(key) = customer_key(guid) else {
        return Err(not_found_customer(guid));
    };
    match state.with_store(move |s| s.account(key)).await {
        Ok(_) => Ok(key),
        Err(_) => Err(not_found_customer(guid)),
    }
}

// --- shapes ----------------------------------------------------------------------------------

fn shoptet_time(at: time::OffsetDateTime) -> String {
    wire::format_time(at.to_offset(time::UtcOffset::UTC))
}

fn price(amount: Decimal) -> String {
    format!("{:.2}", amount.round_dp(2))
}

fn paginator(total: u64, page: u32, per_page: u32, on_page: usize) -> Value {
    let page_count = total.div_ceil(u64::from(per_page.max(1))).max(1);
    json!({
        "totalCount": total,
        "page": page,
        "pageCount": page_count,
        "itemsOnPage": on_page,
        "itemsPerPage": per_page,
    })
}

fn page_of(page: Option<u32>, per_page: Option<u32>, default: u32, max: u32) -> (u32, u32) {
    (
        page.unwrap_or(1).max(1),
        per_page.unwrap_or(default).clamp(1, max),
    )
}

/// A request body as Shoptet's `{"data": …}`; a body that is no such JSON is a 422.
fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Box<Response>> {
    serde_json::from_slice::<wire::RequestBody<T>>(body)
        .map(|request| request.data)
        .map_err(|e| {
            Box::new(one_failure(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-json",
                format!("The request does not match the expected schema: {e}"),
                "payload",
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        assert_eq!(customer_key(&customer_guid(42)), Some(42));
        assert_eq!(
            address_id(&address_guid(&AddressId("17".into()))),
            Some(AddressId("17".into()))
        );
        assert_eq!(customer_key("c9e976a5-340b-11e4-b500-ac162d8a2454"), None);
    }

    #[test]
    fn store_field_errors_name_shoptets_fields() {
        let error = ShopError::Validation {
            message: "bad".into(),
            fields: vec![FieldError {
                field: "postcode".into(),
                message: "required".into(),
            }],
        };
        assert_eq!(store_failure(&error).status(), StatusCode::BAD_REQUEST);
        assert_eq!(shoptet_field("postcode"), "zip");
    }
}
