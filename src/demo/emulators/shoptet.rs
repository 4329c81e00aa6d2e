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
//! is sent); guest orders (no registered customer) are refused. Product codes are unique in a
//! Shoptet shop but repeat across brands in the demo catalogue: `/api/products/code/{code}`
//! answers the first brand's product, and an order item's `brand` picks among them.

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
        .route("/api/customers/{guid}", get(customer))
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

/// Token, content type and the limits, before any handler; the bucket's filling after it.
async fn guard(limits: Arc<Limits>, request: Request, next: Next) -> Response {
    if let Some(refused) = refuse_unauthorised(request.headers()) {
        return refused;
    }
    let filling = match take_from_bucket(&limits) {
        Ok(filling) => filling,
        Err(refused) => return *refused,
    };
    let in_flight = limits.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    let _leave = InFlight(&limits);
    if in_flight > CONNECTIONS_PER_TOKEN {
        // nginx's `limit_conn per_token 3`, which says no more than the status.
        limits.refused_too_many.fetch_add(1, Ordering::SeqCst);
        return with_filling(StatusCode::TOO_MANY_REQUESTS.into_response(), &filling);
    }
    limits.most_in_flight.fetch_max(in_flight, Ordering::SeqCst);
    let write_key = (request.method() != Method::GET)
        .then(|| format!("{} {}", request.method(), request.uri()));
    if let Some(key) = &write_key {
        let mut writes = limits.writes.lock().unwrap_or_else(|e| e.into_inner());
        writes.retain(|_, started| started.elapsed() < LOCK_LONGEST);
        if writes.contains_key(key) {
            limits.refused_locked.fetch_add(1, Ordering::SeqCst);
            drop(writes);
            let locked = one_failure(
                StatusCode::LOCKED,
                "locked",
                "The same request is being processed. Try again later.",
                "unknown",
            );
            return with_filling(locked, &filling);
        }
        writes.insert(key.clone(), Instant::now());
    }
    let response = next.run(request).await;
    if let Some(key) = &write_key {
        limits
            .writes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
    with_filling(response, &filling)
}

struct InFlight<'a>(&'a Limits);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

fn with_filling(mut response: Response, filling: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(filling) {
        response
            .headers_mut()
            .insert(wire::BUCKET_FILLING_HEADER, value);
    }
    response
}

fn refuse_unauthorised(headers: &HeaderMap) -> Option<Response> {
    let token = headers
        .get(wire::PRIVATE_TOKEN_HEADER)
        .or_else(|| headers.get(wire::ACCESS_TOKEN_HEADER))
        .and_then(|v| v.to_str().ok());
    match token {
        None => Some(one_failure(
            StatusCode::UNAUTHORIZED,
            "missing-access-token",
            "Missing access token. Please add `Shoptet-Access-Token` header to your request.",
            "unknown",
        )),
        Some(token) if token != DEMO_TOKEN => Some(one_failure(
            StatusCode::UNAUTHORIZED,
            "invalid-token",
            "Invalid access token.",
            "access-token",
        )),
        Some(_) => {
            let content_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            // Shoptet documents no answer for a missing version; the emulator refuses it plainly.
            (!content_type.starts_with(wire::CONTENT_TYPE)).then(|| {
                one_failure(
                    StatusCode::BAD_REQUEST,
                    "invalid-content-type",
                    format!("Send the header Content-Type: {}", wire::CONTENT_TYPE),
                    "content-type",
                )
            })
        }
    }
}

/// Counts the request in the bucket; a full bucket is a 429 with the date it has room again.
fn take_from_bucket(limits: &Limits) -> Result<String, Box<Response>> {
    let mut bucket = limits.bucket.lock().unwrap_or_else(|e| e.into_inner());
    let now = Instant::now();
    let level = match *bucket {
        Some((level, at)) => {
            (level - now.duration_since(at).as_secs_f64() * DRAINED_PER_SECOND).max(0.0)
        }
        None => 0.0,
    };
    if level + 1.0 > BUCKET_CAPACITY {
        *bucket = Some((level, now));
        limits.refused_too_many.fetch_add(1, Ordering::SeqCst);
        let wait = (level + 1.0 - BUCKET_CAPACITY) / DRAINED_PER_SECOND;
        // An HTTP date has whole seconds: round up, so the date is never too early.
        let at = SystemTime::now() + Duration::from_secs(wait.ceil() as u64 + 1);
        let filling = format!("{BUCKET_CAPACITY:.0}/{BUCKET_CAPACITY:.0}");
        let mut refused = one_failure(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limit-exceeded",
            "Too many requests.",
            "unknown",
        );
        if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(at)) {
            refused.headers_mut().insert(header::RETRY_AFTER, date);
        }
        return Err(Box::new(with_filling(refused, &filling)));
    }
    *bucket = Some((level + 1.0, now));
    Ok(format!("{:.0}/{BUCKET_CAPACITY:.0}", (level + 1.0).ceil()))
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

fn full_name(first: &str, last: &str) -> Value {
    let name = format!("{} {}", first.trim(), last.trim());
    let name = name.trim();
    if name.is_empty() {
        Value::Null
    } else {
        json!(name)
    }
}

fn address_fields(postal: &PostalAddress) -> serde_json::Map<String, Value> {
    let fields = json!({
        "company": postal.company,
        "fullName": full_name(&postal.first_name, &postal.last_name),
        "street": postal.line1,
        "houseNumber": null,
        "city": postal.city,
        "district": null,
        "additional": postal.line2,
        "zip": postal.postcode,
        "countryCode": postal.country,
        "regionName": postal.region,
        "regionShortcut": null,
    });
    match fields {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

fn billing_fields(postal: Option<&PostalAddress>) -> Value {
    let mut fields = match postal {
        Some(postal) => address_fields(postal),
        None => address_fields(&PostalAddress {
            first_name: String::new(),
            last_name: String::new(),
            company: None,
            line1: String::new(),
            line2: None,
            city: String::new(),
            postcode: String::new(),
            region: None,
            country: String::new(),
            phone: None,
        })
        .into_iter()
        .map(|(k, _)| (k, Value::Null))
        .collect(),
    };
    for name in ["companyId", "vatId", "taxId"] {
        fields.insert(name.into(), Value::Null);
    }
    Value::Object(fields)
}

fn delivery_address_json(address: &Address) -> Value {
    let mut fields = address_fields(&address.postal);
    fields.insert("guid".into(), json!(address_guid(&address.id)));
    fields.insert("isDefault".into(), json!(address.default_shipping));
    Value::Object(fields)
}

fn customer_json(
    state: &DemoState,
    key: CustomerKey,
    account: &Account,
    addresses: &[Address],
) -> Value {
    let billing = addresses
        .iter()
        .find(|a| a.default_billing)
        .or_else(|| addresses.first())
        .map(|a| &a.postal);
    let created = account.created_at.map(shoptet_time);
    json!({
        "guid": customer_guid(key),
        "billingAddress": billing_fields(billing),
        "deliveryAddress": addresses.iter().map(delivery_address_json).collect::<Vec<_>>(),
        "creationTime": created,
        "changeTime": created,
        "customerGroup": null,
        "priceList": null,
        "remark": null,
        "priceRatio": "1.0000",
        "birthDate": null,
        "disabledOrders": false,
        "accounts": [{
            "guid": format!("00000000-0000-4000-9000-{key:012x}"),
            "fullName": full_name(&account.first_name, &account.last_name),
            "email": account.email,
            "phone": account.phone,
            "mainAccount": true,
            "authorized": true,
            "emailVerified": true,
        }],
        "remarks": [],
        "adminUrl": admin_url(state, "zakaznici-detail", key),
    })
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

/// Shoptet's default statuses: -1 new, -2 being processed, -3 done, -4 cancelled.
fn status_id(status: OrderStatus) -> i64 {
    match status {
        OrderStatus::Pending => -1,
        OrderStatus::Processing | OrderStatus::PartiallyShipped => -2,
        OrderStatus::Shipped | OrderStatus::Delivered => -3,
        OrderStatus::Cancelled => -4,
        OrderStatus::Refunded | OrderStatus::Other => 1,
    }
}

fn paid(status: PaymentStatus) -> Value {
    match status {
        PaymentStatus::Paid | PaymentStatus::PartiallyRefunded | PaymentStatus::Refunded => {
            json!(true)
        }
        PaymentStatus::Unpaid | PaymentStatus::Failed | PaymentStatus::Authorized => json!(false),
        PaymentStatus::Other => Value::Null,
    }
}

fn order_price(total: Money, tax: Money) -> Value {
    json!({
        "vat": price(tax.amount),
        "toPay": price(total.amount),
        "currencyCode": total.currency.as_str(),
        "withoutVat": price(total.amount - tax.amount),
        "withVat": price(total.amount),
        "exchangeRate": "1.00000000",
    })
}

fn order_list_json(
    state: &DemoState,
    key: CustomerKey,
    account: &Account,
    summary: &OrderSummary,
) -> Value {
    json!({
        "code": summary.number.as_str(),
        "guid": order_guid(&summary.number),
        "creationTime": shoptet_time(summary.placed_at),
        "changeTime": shoptet_time(summary.placed_at),
        "fullName": full_name(&account.first_name, &account.last_name),
        "company": account.company,
        "email": account.email,
        "phone": account.phone,
        "remark": null,
        "customerGuid": customer_guid(key),
        "cashDeskOrder": false,
        "adminUrl": admin_url(state, "objednavky-detail", summary.number.as_str()),
        "status": {"id": status_id(summary.status), "name": summary.status_label},
        "shipping": null,
        "paymentMethod": null,
        // The list's price has no VAT of its own in the demo store; the detail has it.
        "price": order_price(summary.total, Money::zero(summary.total.currency)),
        "paid": paid(summary.payment_status),
    })
}

/// The VAT rate an order's prices include, from its totals (the demo store taxes one rate per order).
fn vat_rate(totals: &OrderTotals) -> Decimal {
    let net = totals.grand_total.amount - totals.tax.amount;
    if net.is_zero() {
        Decimal::ZERO
    } else {
        (totals.tax.amount * Decimal::from(100) / net).round_dp(0)
    }
}

fn item_price(with_vat: Decimal, rate: Decimal) -> Value {
    let without = (with_vat * Decimal::from(100) / (Decimal::from(100) + rate)).round_dp(2);
    json!({
        "withVat": price(with_vat),
        "withoutVat": price(without),
        "vat": price(with_vat - without),
        "vatRate": price(rate),
    })
}

fn order_item_json(index: usize, line: &OrderLine, rate: Decimal, item_type: &str) -> Value {
    json!({
        "productGuid": null,
        "code": line.code.as_str(),
        "ean": null,
        "itemType": item_type,
        "name": line.name,
        "variantName": null,
        "brand": line.brand,
        "remark": null,
        "weight": "0.000",
        "additionalField": null,
        "amount": format!("{}.000", line.quantity),
        "amountUnit": "ks",
        "amountCompleted": null,
        "priceRatio": "1.0000",
        "status": {"id": -1, "name": null},
        "itemPrice": item_price(line.line_total.amount, rate),
        "unitPrice": item_price(line.unit_price.amount, rate),
        "purchasePrice": null,
        "recyclingFee": null,
        "itemId": index + 1,
        "warrantyDescription": null,
    })
}

fn order_json(
    state: &DemoState,
    key: CustomerKey,
    account: &Account,
    order: &OrderDetail,
) -> Value {
    let summary = &order.summary;
    let rate = vat_rate(&order.totals);
    let mut items: Vec<Value> = order
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| order_item_json(i, line, rate, "product"))
        .collect();
    if !order.totals.shipping.amount.is_zero() {
        let shipping = OrderLine {
            code: ProductCode("SHIPPING".into()),
            brand: String::new(),
            name: "Shipping".into(),
            quantity: 1,
            unit_price: order.totals.shipping,
            line_total: order.totals.shipping,
        };
        items.push(order_item_json(items.len(), &shipping, rate, "shipping"));
    }
    let tracking = order.shipments.iter().find_map(|s| s.tracking_id.clone());
    let tracking_url = order.shipments.iter().find_map(|s| s.tracking_url.clone());
    json!({
        "code": summary.number.as_str(),
        "guid": order_guid(&summary.number),
        "externalCode": null,
        "creationTime": shoptet_time(summary.placed_at),
        "changeTime": shoptet_time(summary.placed_at),
        "email": account.email,
        "phone": account.phone,
        "birthDate": null,
        "clientIPAddress": null,
        "customerGuid": customer_guid(key),
        "vatPayer": true,
        "cashDeskOrder": false,
        "stockId": 1,
        "addressesEqual": order.billing_address == order.shipping_address,
        "billingMethod": null,
        "paymentMethod": null,
        "shipping": null,
        "adminUrl": admin_url(state, "objednavky-detail", summary.number.as_str()),
        "status": {"id": status_id(summary.status), "name": summary.status_label},
        "price": order_price(order.totals.grand_total, order.totals.tax),
        "paid": paid(summary.payment_status),
        "billingAddress": billing_fields(order.billing_address.as_ref()),
        "deliveryAddress": Value::Object(order.shipping_address.as_ref().map(address_fields).unwrap_or_default()),
        "items": items,
        "notes": {
            "customerRemark": null,
            "eshopRemark": null,
            "trackingNumber": tracking,
            "trackingUrl": tracking_url,
            "additionalFields": [],
        },
        "shippingDetails": null,
    })
}

fn shipment_status(state: ShipmentState) -> &'static str {
    match state {
        ShipmentState::Preparing => "created",
        ShipmentState::InTransit => "in_transit",
        ShipmentState::Delivered => "delivered",
        ShipmentState::Returned => "returned",
        ShipmentState::Other => "closed",
    }
}

fn shipment_json(number: &OrderNumber, index: usize, shipment: &Shipment) -> Value {
    json!({
        "guid": shipment_guid(number, index),
        "orderCode": number.as_str(),
        "status": shipment_status(shipment.state),
        "shipmentType": if shipment.state == ShipmentState::Returned { "return" } else { "standard" },
        "serviceCode": shipment.carrier,
        "packages": [{
            "width": null, "height": null, "depth": null, "weight": null,
            "name": shipment.service,
            "packagingId": null,
            "labelUrl": null,
            "labelZpl": null,
            "trackingNumber": shipment.tracking_id,
            "trackingUrl": shipment.tracking_url,
        }],
        "note": null,
    })
}

// --- handlers --------------------------------------------------------------------------------

async fn eshop(State(state): State<DemoState>) -> Response {
    answer(
        StatusCode::OK,
        json!({
            "contactInformation": {
                "eshopId": 1,
                "eshopName": ESHOP_NAME,
                "eshopCategory": null,
                "url": format!("{}/", state.base_url),
                "eshopTitle": ESHOP_NAME,
                "eshopSubtitle": null,
                "contactPerson": null,
                "email": "shop@demo.shopterm.example",
                "phone": null,
                "mobilePhone": null,
                "skypeAccount": null,
                "contactPhotoUrl": null,
            },
            "settings": {
                "vatPayer": true, "cashDeskOnly": false, "trackStockClaims": false,
                "maxProductAmount": 10000, "maxEmailAmount": 1000,
                "defaultPricelist": {"id": 1, "name": "Default"},
                "timezone": "UTC", "dateFormat": "j.n.Y", "timeFormat": "H:i", "internals": "en",
                "exchangeRateFlip": false, "negativeStockAmount": "no-hide-product", "oss": false,
                "stockControlDisabled": false, "wholesaleSplitActive": false,
            },
            "currencies": [],
            "taxClasses": [],
            "activeModules": [],
            "urls": [],
        }),
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CustomerQuery {
    email: Option<String>,
    phone: Option<String>,
    page: Option<u32>,
    items_per_page: Option<u32>,
}

fn page_of(page: Option<u32>, per_page: Option<u32>, default: u32, max: u32) -> (u32, u32) {
    (
        page.unwrap_or(1).max(1),
        per_page.unwrap_or(default).clamp(1, max),
    )
}

async fn customers(State(state): State<DemoState>, Query(query): Query<CustomerQuery>) -> Response {
    let (page, per_page) = page_of(
        query.page,
        query.items_per_page,
        DEFAULT_PAGE_SIZE,
        MAX_CUSTOMERS_PER_PAGE,
    );
    let offset = u64::from(page - 1) * u64::from(per_page);
    let found = state
        .with_store(move |s| {
            let (keys, total) = s.customers_matching(
                query.email.as_deref(),
                query.phone.as_deref(),
                offset,
                per_page,
            )?;
            let mut rows = Vec::new();
            for key in keys {
                let account = s.account(key)?;
                let addresses = s.addresses(key)?;
                rows.push((key, account, addresses));
            }
            Ok((rows, total))
        })
        .await;
    match found {
        Ok((rows, total)) => {
            let customers: Vec<Value> = rows
                .iter()
                .map(|(key, account, addresses)| {
                    let billing = addresses.iter().find(|a| a.default_billing);
                    let created = account.created_at.map(shoptet_time);
                    json!({
                        "guid": customer_guid(*key),
                        "creationTime": created,
                        "changeTime": created,
                        "billCompany": billing.and_then(|a| a.postal.company.clone()).or(account.company.clone()),
                        "billFullName": full_name(&account.first_name, &account.last_name),
                        "adminUrl": admin_url(&state, "zakaznici-detail", key),
                    })
                })
                .collect();
            let paginator = paginator(total, page, per_page, customers.len());
            answer(
                StatusCode::OK,
                json!({"customers": customers, "paginator": paginator}),
            )
        }
        Err(error) => store_failure(&error),
    }
}

async fn customer(State(state): State<DemoState>, Path(guid): Path<String>) -> Response {
    let key = match existing_customer(&state, &guid).await {
        Ok(key) => key,
        Err(refused) => return refused,
    };
    match state
        .with_store(move |s| Ok((s.account(key)?, s.addresses(key)?)))
        .await
    {
        Ok((account, addresses)) => answer(
            StatusCode::OK,
            json!({"customer": customer_json(&state, key, &account, &addresses)}),
        ),
        Err(error) => store_failure(&error),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageQuery {
    page: Option<u32>,
    items_per_page: Option<u32>,
}

async fn delivery_addresses(
    State(state): State<DemoState>,
    Path(guid): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let key = match existing_customer(&state, &guid).await {
        Ok(key) => key,
        Err(refused) => return refused,
    };
    let (page, per_page) = page_of(
        query.page,
        query.items_per_page,
        DEFAULT_PAGE_SIZE,
        MAX_ADDRESSES_PER_PAGE,
    );
    match state.with_store(move |s| s.addresses(key)).await {
        Ok(addresses) => {
            let on_page: Vec<Value> = addresses
                .iter()
                .skip((page as usize - 1) * per_page as usize)
                .take(per_page as usize)
                .map(delivery_address_json)
                .collect();
            let paginator = paginator(addresses.len() as u64, page, per_page, on_page.len());
            answer(
                StatusCode::OK,
                json!({"deliveryAddresses": on_page, "paginator": paginator}),
            )
        }
        Err(error) => store_failure(&error),
    }
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

fn postal_of_request(request: &wire::DeliveryAddressRequest) -> PostalAddress {
    let name = request.full_name.clone().unwrap_or_default();
    let (first_name, last_name) = match name.trim().rsplit_once(' ') {
        Some((first, last)) => (first.trim().to_owned(), last.trim().to_owned()),
        None => (String::new(), name.trim().to_owned()),
    };
    let street = match (&request.street, &request.house_number) {
        (Some(street), Some(number)) => format!("{street} {number}"),
        (Some(street), None) => street.clone(),
        (None, Some(number)) => number.clone(),
        (None, None) => String::new(),
    };
    PostalAddress {
        first_name,
        last_name,
        company: request.company.clone(),
        line1: street,
        line2: request.additional.clone(),
        city: request.city.clone().unwrap_or_default(),
        postcode: request.zip.clone().unwrap_or_default(),
        region: request.region_name.clone(),
        country: request.country_code.clone(),
        phone: None,
    }
}

async fn create_address(
    State(state): State<DemoState>,
    Path(guid): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let key = match existing_customer(&state, &guid).await {
        Ok(key) => key,
        Err(refused) => return refused,
    };
    let request: wire::DeliveryAddressRequest = match parse_body(&body) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let postal = postal_of_request(&request);
    let make_default = request.is_default == Some(true);
    match state
        .with_store(move |s| {
            let created = s.create_address(key, &postal)?;
            if make_default {
                s.set_default_address(key, &created.id, AddressRole::Shipping)?;
            }
            Ok(created)
        })
        .await
    {
        Ok(created) => answer(
            StatusCode::CREATED,
            json!({"deliveryAddress": delivery_address_json(&created)}),
        ),
        Err(error) => store_failure(&error),
    }
}

fn not_found_address(guid: &str) -> Response {
    one_failure(
        StatusCode::NOT_FOUND,
        "delivery-address-not-found",
        format!("Delivery address with guid \"{guid}\" not found."),
        guid,
    )
}

async fn update_address(
    State(state): State<DemoState>,
    Path((guid, address)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    let key = match existing_customer(&state, &guid).await {
        Ok(key) => key,
        Err(refused) => return refused,
    };
    let Some(id) = address_id(&address) else {
        return not_found_address(&address);
    };
    let request: wire::DeliveryAddressRequest = match parse_body(&body) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let postal = postal_of_request(&request);
    let make_default = request.is_default == Some(true);
    match state
        .with_store(move |s| {
            let updated = s.update_address(key, &id, &postal)?;
            if make_default {
                let book = s.set_default_address(key, &id, AddressRole::Shipping)?;
                return Ok(book.into_iter().find(|a| a.id == id).unwrap_or(updated));
            }
            Ok(updated)
        })
        .await
    {
        Ok(updated) => answer(
            StatusCode::OK,
            json!({"deliveryAddress": delivery_address_json(&updated)}),
        ),
        Err(ShopError::NotFound(_)) => not_found_address(&address),
        Err(error) => store_failure(&error),
    }
}

async fn delete_address(
    State(state): State<DemoState>,
    Path((guid, address)): Path<(String, String)>,
) -> Response {
    let key = match existing_customer(&state, &guid).await {
        Ok(key) => key,
        Err(refused) => return refused,
    };
    let Some(id) = address_id(&address) else {
        return not_found_address(&address);
    };
    match state.with_store(move |s| s.delete_address(key, &id)).await {
        Ok(()) => answer(StatusCode::OK, Value::Null),
        Err(ShopError::NotFound(_)) => not_found_address(&address),
        Err(error) => store_failure(&error),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrderQuery {
    customer_guid: Option<String>,
    email: Option<String>,
    page: Option<u32>,
    items_per_page: Option<u32>,
}

async fn orders(State(state): State<DemoState>, Query(query): Query<OrderQuery>) -> Response {
    let (page, per_page) = page_of(
        query.page,
        query.items_per_page,
        DEFAULT_PAGE_SIZE,
        wire::MAX_ORDERS_PER_PAGE,
    );
    let empty = || {
        answer(
            StatusCode::OK,
            json!({"orders": [], "paginator": paginator(0, page, per_page, 0)}),
        )
    };
    let key = match (&query.customer_guid, &query.email) {
        (Some(guid), _) => match customer_key(guid) {
            Some(key) => key,
            None => return empty(),
        },
        (None, Some(email)) => {
            let email = email.clone();
            match state
                .with_store(move |s| s.customers_matching(Some(&email), None, 0, 1))
                .await
            {
                Ok((keys, _)) => match keys.first() {
                    Some(key) => *key,
                    None => return empty(),
                },
                Err(error) => return store_failure(&error),
            }
        }
        // Every customer's orders at once is more than the demo serves; a staff pane asks by customer.
        (None, None) => {
            return one_failure(
                StatusCode::BAD_REQUEST,
                "missing-parameter",
                "The demo shop lists orders by customerGuid or email.",
                "customerGuid",
            );
        }
    };
    let request = PageRequest {
        offset: u64::from(page - 1) * u64::from(per_page),
        limit: per_page,
        filter: OrderFilter::default(),
    };
    match state
        .with_store(move |s| Ok((s.account(key)?, s.orders(key, &request)?)))
        .await
    {
        Ok((account, found)) => {
            let orders: Vec<Value> = found
                .items
                .iter()
                .map(|summary| order_list_json(&state, key, &account, summary))
                .collect();
            let total = found.total.unwrap_or(orders.len() as u64);
            let paginator = paginator(total, page, per_page, orders.len());
            answer(
                StatusCode::OK,
                json!({"orders": orders, "paginator": paginator}),
            )
        }
        Err(ShopError::NotFound(_)) => empty(),
        Err(error) => store_failure(&error),
    }
}

fn not_found_order(code: &str) -> Response {
    one_failure(
        StatusCode::NOT_FOUND,
        "order-not-found",
        format!("Order \"{code}\" not found."),
        code,
    )
}

/// The order with this code, whoever placed it (staff see every order).
async fn load_order(
    state: &DemoState,
    code: &str,
) -> Result<(CustomerKey, Account, OrderDetail), Response> {
    let number = OrderNumber(code.to_owned());
    let found = state
        .with_store(move |s| match s.order_owner(&number)? {
            Some(key) => Ok(Some((key, s.account(key)?, s.order(key, &number)?))),
            None => Ok(None),
        })
        .await;
    match found {
        Ok(Some(found)) => Ok(found),
        Ok(None) | Err(ShopError::NotFound(_)) => Err(not_found_order(code)),
        Err(error) => Err(store_failure(&error)),
    }
}

async fn order(State(state): State<DemoState>, Path(code): Path<String>) -> Response {
    match load_order(&state, &code).await {
        Ok((key, account, order)) => answer(
            StatusCode::OK,
            json!({"order": order_json(&state, key, &account, &order)}),
        ),
        Err(refused) => refused,
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ShipmentQuery {
    order_code: Option<String>,
    page: Option<u32>,
}

async fn shipments(State(state): State<DemoState>, Query(query): Query<ShipmentQuery>) -> Response {
    let page = query.page.unwrap_or(1).max(1);
    let Some(code) = query.order_code else {
        return one_failure(
            StatusCode::BAD_REQUEST,
            "missing-parameter",
            "The demo shop lists shipments by orderCode.",
            "orderCode",
        );
    };
    let items: Vec<Value> = match load_order(&state, &code).await {
        Ok((_, _, order)) => order
            .shipments
            .iter()
            .enumerate()
            .map(|(i, shipment)| shipment_json(&order.summary.number, i, shipment))
            .collect(),
        // Shoptet filters: an unknown order simply has no shipments.
        Err(_) => Vec::new(),
    };
    let per_page = DEFAULT_PAGE_SIZE;
    let total = items.len() as u64;
    let on_page: Vec<Value> = items
        .into_iter()
        .skip((page as usize - 1) * per_page as usize)
        .take(per_page as usize)
        .collect();
    let paginator = paginator(total, page, per_page, on_page.len());
    // This one answer has no `metadata` in Shoptet's description.
    let body = json!({"data": {"items": on_page, "paginator": paginator}, "errors": null});
    envelope_response(StatusCode::OK, &body)
}

/// The demo store prices per customer currency; a Shoptet shop has one default currency, here
/// the first customer's.
const PRICING_CUSTOMER: CustomerKey = 1;

async fn product(State(state): State<DemoState>, Path(code): Path<String>) -> Response {
    let key = PRICING_CUSTOMER;
    let lookup = ProductQuery {
        codes: vec![ProductCode(code.clone())],
        brand: None,
    };
    match state.with_store(move |s| s.products(key, &lookup)).await {
        Ok(found) => match found.first() {
            Some(product) => answer(StatusCode::OK, product_json(product)),
            None => one_failure(
                StatusCode::NOT_FOUND,
                "product-not-found",
                format!("Product with code \"{code}\" not found."),
                &code,
            ),
        },
        Err(error) => store_failure(&error),
    }
}

fn product_json(product: &Product) -> Value {
    let stock = match product.availability {
        Availability::InStock { quantity } => quantity.map(|q| format!("{q}.000")),
        Availability::OutOfStock => Some("0.000".into()),
        Availability::Discontinued => Some("0.000".into()),
    };
    let visibility = if product.availability == Availability::Discontinued {
        "hidden"
    } else {
        "visible"
    };
    json!({
        "guid": format!("00000000-0000-4000-d000-{:012x}", fnv(product.code.as_str())),
        "type": "product",
        "name": product.name,
        "brand": {"code": product.brand.to_lowercase(), "name": product.brand},
        "visibility": visibility,
        "creationTime": null,
        "changeTime": null,
        "shortDescription": null,
        "description": null,
        "metaDescription": null,
        "url": null,
        "defaultCategory": {"guid": null, "name": null, "visible": null},
        "supplier": null,
        "internalNote": null,
        "hsCode": null,
        "variants": [{
            "code": product.code.as_str(),
            "ean": null,
            "stock": stock,
            "unit": "ks",
            "weight": null,
            "width": "0.0",
            "height": "0.0",
            "depth": "0.0",
            "visible": visibility == "visible",
            "price": price(product.price.amount),
            "commonPrice": null,
            "includingVat": true,
            "vatRate": "0.00",
            "currencyCode": product.price.currency.as_str(),
            "minStockSupply": null,
            "actionPrice": null,
            "manufacturerCode": null,
            "pluCode": null,
            "isbn": null,
            "serialNo": null,
            "mpn": null,
            "negativeStockAllowed": "no-global",
            "amountDecimalPlaces": 0,
        }],
    })
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3) & 0xffff_ffff_ffff
    })
}

/// `POST /api/orders`: the customer by `customerGuid` (or e-mail), the product items' codes and
/// amounts; the demo store prices and ships it to the customer's default address.
async fn create_order(State(state): State<DemoState>, body: axum::body::Bytes) -> Response {
    let request: wire::NewOrderRequest = match parse_body(&body) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let key = match &request.customer_guid {
        Some(guid) => match existing_customer(&state, guid).await {
            Ok(key) => key,
            Err(refused) => return refused,
        },
        None => {
            let email = request.email.clone();
            match state
                .with_store(move |s| s.customers_matching(Some(&email), None, 0, 1))
                .await
            {
                Ok((keys, _)) if !keys.is_empty() => keys[0],
                Ok(_) => {
                    return one_failure(
                        StatusCode::BAD_REQUEST,
                        wire::INVALID_REQUEST_DATA,
                        "The demo shop takes orders of registered customers only.",
                        "data.email",
                    );
                }
                Err(error) => return store_failure(&error),
            }
        }
    };
    let lines: Vec<NewOrderLine> = request
        .items
        .iter()
        .filter(|item| item.item_type == "product")
        .map(|item| NewOrderLine {
            code: ProductCode(item.code.clone()),
            brand: item.brand.clone().filter(|b| !b.trim().is_empty()),
            quantity: quantity(&item.amount),
        })
        .collect();
    place(&state, key, lines, Some(request.external_code)).await
}

fn quantity(amount: &str) -> u32 {
    use rust_decimal::prelude::ToPrimitive;
    amount
        .trim()
        .parse::<Decimal>()
        .ok()
        .and_then(|d| d.round().to_u32())
        .unwrap_or(0)
}

static ORDER_KEYS: AtomicU64 = AtomicU64::new(1);

/// Places the order; `external_code` (of `POST /api/orders`) may be used once.
async fn place(
    state: &DemoState,
    key: CustomerKey,
    lines: Vec<NewOrderLine>,
    external_code: Option<String>,
) -> Response {
    let idempotency_key = external_code.clone().unwrap_or_else(|| {
        format!(
            "shoptet-copy-{}-{}",
            std::process::id(),
            ORDER_KEYS.fetch_add(1, Ordering::SeqCst)
        )
    });
    let new_order = NewOrder {
        idempotency_key,
        lines,
        shipping_address: None,
        billing_address: None,
        note: None,
    };
    let placed = state
        .with_store(move |s| {
            let placed = s.place_order(key, &new_order)?;
            Ok((
                placed.replayed,
                s.account(key)?,
                s.order(key, &placed.number)?,
            ))
        })
        .await;
    match placed {
        // Shoptet documents 201, 403 and 422 for this call: a repeat is invalid request data.
        Ok((true, _, _)) => one_failure(
            StatusCode::UNPROCESSABLE_ENTITY,
            wire::INVALID_REQUEST_DATA,
            format!(
                "Order with external code \"{}\" already exists.",
                external_code.unwrap_or_default()
            ),
            "data.externalCode",
        ),
        Ok((false, account, order)) => answer(
            StatusCode::CREATED,
            json!({"order": order_json(state, key, &account, &order)}),
        ),
        Err(error) => store_failure(&error),
    }
}

/// `POST /api/orders/{code}/copy`: the same products and amounts again, for the same customer.
async fn copy_order(
    State(state): State<DemoState>,
    Path(code): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let request: wire::OrderCopyRequest = match parse_body(&body) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let (key, _, order) = match load_order(&state, &code).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    if request.scope != "all" {
        return one_failure(
            StatusCode::BAD_REQUEST,
            wire::INVALID_REQUEST_DATA,
            "The demo shop copies orders with scope \"all\" only.",
            "data.scope",
        );
    }
    let lines = order
        .lines
        .iter()
        .map(|line| NewOrderLine {
            code: line.code.clone(),
            brand: Some(line.brand.clone()),
            quantity: line.quantity,
        })
        .collect();
    place(&state, key, lines, None).await
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
