//! The Shoptet connector: a staff token working for one chosen customer. Every request carries
//! the token header and `Content-Type: application/vnd.shoptet.v1.0` (GETs too, as Shoptet
//! requires; `…+json` when it has a JSON body, as Shoptet's write examples send), goes through the [`Pacer`] so the shop's rate limits are kept rather than hit, and
//! every error envelope becomes a [`ShopError`] (`invalid-request-data` at `data.zip` is a field
//! error on the postcode).
//!
//! A customer is chosen by e-mail (`GET /api/customers?email=`; the list has no e-mail, the
//! detail's `accounts[]` has it) or by GUID, and everything the [`Shop`] trait returns is that
//! customer's: orders by `customerGuid`, and an order of anyone else is "not found".

use super::pacing::{Clock, Pacer, PacingLimits, SystemClock};
use super::wire::{self, Envelope};
use crate::auth::TokenSource;
use crate::model::*;
use crate::platforms::common::network_error;
use crate::shop::{Capabilities, Feature, Shop, ShopError, ShopResult};
use async_trait::async_trait;
use reqwest::{Method, StatusCode};
use rust_decimal::Decimal;
use secrecy::ExposeSecret;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// Which header the token travels in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A Premium shop's private API token (`Shoptet-Private-API-Token`).
    Private,
    /// An add-on's temporary access token (`Shoptet-Access-Token`).
    Access,
}

impl TokenKind {
    fn header(self) -> &'static str {
        match self {
            TokenKind::Private => wire::PRIVATE_TOKEN_HEADER,
            TokenKind::Access => wire::ACCESS_TOKEN_HEADER,
        }
    }
}

/// The customer a staff member works for: by e-mail, or by Shoptet's customer GUID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerRef {
    Email(String),
    Guid(String),
}

impl CustomerRef {
    /// `EMAIL|GUID` as the command line takes it: anything with an `@` is an e-mail.
    pub fn parse(text: &str) -> Result<CustomerRef, ShopError> {
        let text = text.trim();
        if text.is_empty() {
            Err(ShopError::field(
                "customer",
                "give an e-mail or a customer GUID",
            ))
        } else if text.contains('@') {
            Ok(CustomerRef::Email(text.to_owned()))
        } else {
            Ok(CustomerRef::Guid(text.to_owned()))
        }
    }
}

impl std::fmt::Display for CustomerRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CustomerRef::Email(email) => f.write_str(email),
            CustomerRef::Guid(guid) => f.write_str(guid),
        }
    }
}

/// Writes repeated after a 423 ("the same request is being processed"), and requests repeated
/// after a 429 despite the pacing.
const LOCKED_RETRIES: u32 = 5;
const RATE_LIMITED_RETRIES: u32 = 3;
/// How long Shoptet's write lock lasts at most.
const LOCK_PAUSE: Duration = Duration::from_secs(1);
/// The `include` of an order detail: the notes hold the tracking number, shippingDetails the
/// pickup point.
const ORDER_INCLUDE: &str = "notes,shippingDetails";
/// Page size for the lists shopterm reads whole (delivery addresses, shipments of an order).
const WHOLE_LIST_PAGE: u32 = 50;
/// Pages read at most for a whole list, so a shop that always says "more" cannot loop us.
const MAX_PAGES: u32 = 100;

/// The Shoptet connector for one staff token and (optionally) one customer.
pub struct ShoptetShop {
    api: Arc<Api>,
    customer: Option<CustomerRef>,
    resolved: tokio::sync::OnceCell<wire::Customer>,
    capabilities: Capabilities,
}

/// What every request needs; shared by the connectors of one token (one pacer per token).
struct Api {
    base: Url,
    http: reqwest::Client,
    tokens: Arc<dyn TokenSource>,
    kind: TokenKind,
    pacer: Pacer,
}

impl ShoptetShop {
    pub fn new(base: Url, http: reqwest::Client, tokens: Arc<dyn TokenSource>) -> ShoptetShop {
        ShoptetShop::with_pacing(
            base,
            http,
            tokens,
            TokenKind::Private,
            PacingLimits::default(),
            Arc::new(SystemClock::default()),
        )
    }

    pub fn with_pacing(
        base: Url,
        http: reqwest::Client,
        tokens: Arc<dyn TokenSource>,
        kind: TokenKind,
        limits: PacingLimits,
        clock: Arc<dyn Clock>,
    ) -> ShoptetShop {
        ShoptetShop {
            api: Arc::new(Api {
                base,
                http,
                tokens,
                kind,
                pacer: Pacer::new(limits, clock),
            }),
            customer: None,
            resolved: tokio::sync::OnceCell::new(),
            capabilities: shoptet_capabilities(),
        }
    }

    /// The same token (and pacing) working for `customer`; nothing of an earlier customer is kept.
    pub fn for_customer(&self, customer: CustomerRef) -> ShoptetShop {
        ShoptetShop {
            api: self.api.clone(),
            customer: Some(customer),
            resolved: tokio::sync::OnceCell::new(),
            capabilities: self.capabilities.clone(),
        }
    }

    pub fn customer_ref(&self) -> Option<&CustomerRef> {
        self.customer.as_ref()
    }

    /// `GET /api/eshop`: whose token this is.
    pub async fn eshop(&self) -> ShopResult<wire::EshopInfo> {
        self.api.get("api/eshop", &[]).await
    }

    /// `GET /api/customers?email=` or `?phone=`: the customers that match (GUIDs and names).
    pub async fn search_customers(
        &self,
        email: Option<&str>,
        phone: Option<&str>,
    ) -> ShopResult<Vec<wire::CustomerListItem>> {
        let mut query = Vec::new();
        if let Some(email) = email {
            query.push(("email", email.to_owned()));
        }
        if let Some(phone) = phone {
            query.push(("phone", phone.to_owned()));
        }
        let list: wire::CustomerList = self.api.get("api/customers", &query).await?;
        Ok(list.customers)
    }

    /// The chosen customer's detail, looked up once.
    pub async fn customer(&self) -> ShopResult<&wire::Customer> {
        self.resolved
            .get_or_try_init(|| async {
                let guid = match &self.customer {
                    None => return Err(no_customer_chosen()),
                    Some(CustomerRef::Guid(guid)) => guid.clone(),
                    Some(CustomerRef::Email(email)) => self.guid_for_email(email).await?,
                };
                let data: wire::CustomerData = self
                    .api
                    .get(&format!("api/customers/{}", seg(&guid)), &[])
                    .await?;
                Ok(data.customer)
            })
            .await
    }

    async fn guid_for_email(&self, email: &str) -> ShopResult<String> {
        let found = self.search_customers(Some(email), None).await?;
        match found.as_slice() {
            [one] => Ok(one.guid.clone()),
            [] => Err(ShopError::NotFound(format!(
                "no customer with the e-mail {email}"
            ))),
            _ => Err(ShopError::Conflict(format!(
                "{} customers have the e-mail {email}; choose one by GUID",
                found.len()
            ))),
        }
    }

    async fn guid(&self) -> ShopResult<String> {
        Ok(self.customer().await?.guid.clone())
    }

    /// `POST /api/orders/{code}/copy` (scope `all`): Shoptet's own repeat of an order, at the
    /// order's prices. The order must be the chosen customer's.
    pub async fn copy_order(&self, number: &OrderNumber) -> ShopResult<PlacedOrder> {
        let order = self.own_order(number).await?;
        let path = format!("api/orders/{}/copy", seg(&order.code));
        let body = wire::RequestBody {
            data: wire::OrderCopyRequest {
                scope: "all".into(),
            },
        };
        let copied: wire::OrderData = self.api.send(Method::POST, &path, &[], Some(&body)).await?;
        Ok(PlacedOrder {
            number: OrderNumber(copied.order.code.clone()),
            replayed: false,
            total: order_total(&copied.order.price)?,
        })
    }

    /// The order with notes and shipping details, if it is the chosen customer's.
    async fn own_order(&self, number: &OrderNumber) -> ShopResult<wire::Order> {
        let customer = self.customer().await?;
        let path = format!("api/orders/{}", seg(number.as_str()));
        let query = [("include", ORDER_INCLUDE.to_owned())];
        let data: wire::OrderData = self.api.get(&path, &query).await?;
        let order = data.order;
        let emails: Vec<&str> = customer.accounts.iter().map(|a| a.email.as_str()).collect();
        let by_guid = order.customer_guid.as_deref() == Some(customer.guid.as_str());
        let by_email = order
            .email
            .as_deref()
            .is_some_and(|email| emails.iter().any(|e| e.eq_ignore_ascii_case(email)));
        if by_guid || by_email {
            Ok(order)
        } else {
            // Staff can read every order; the customer in use must not see another's.
            Err(ShopError::NotFound(format!("order {number}")))
        }
    }

    async fn shipments_of(&self, code: &str) -> ShopResult<Vec<wire::ShipmentItem>> {
        let mut all = Vec::new();
        for page in 1..=MAX_PAGES {
            let query = [("orderCode", code.to_owned()), ("page", page.to_string())];
            let list: wire::ShipmentList = self.api.get("api/shipments", &query).await?;
            all.extend(list.items);
            if list.paginator.page >= list.paginator.page_count {
                break;
            }
        }
        Ok(all)
    }

    async fn delivery_addresses(&self) -> ShopResult<Vec<wire::DeliveryAddress>> {
        let path = format!(
            "api/customers/{}/delivery-addresses",
            seg(&self.guid().await?)
        );
        let mut all = Vec::new();
        for page in 1..=MAX_PAGES {
            let query = [
                ("page", page.to_string()),
                ("itemsPerPage", WHOLE_LIST_PAGE.to_string()),
            ];
            let list: wire::DeliveryAddressList = self.api.get(&path, &query).await?;
            all.extend(list.delivery_addresses);
            if list.paginator.page >= list.paginator.page_count {
                break;
            }
        }
        Ok(all)
    }

    async fn product(&self, code: &ProductCode) -> ShopResult<Option<Product>> {
        let path = format!("api/products/code/{}", seg(code.as_str()));
        match self.api.get::<wire::Product>(&path, &[]).await {
            Ok(product) => product_of(&product, code).map(Some),
            Err(ShopError::NotFound(_)) => Ok(None),
            Err(other) => Err(other),
        }
    }
}

fn shoptet_capabilities() -> Capabilities {
    super::PLATFORM.id.capabilities()
}

fn no_customer_chosen() -> ShopError {
    ShopError::field(
        "customer",
        "a staff token works for one customer at a time: choose one with --customer EMAIL|GUID",
    )
}

/// One path segment, percent-encoded (GUIDs and order codes can hold `/`, e.g. product `40/ZEL`).
fn seg(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

impl Api {
    fn url(&self, path: &str, query: &[(&str, String)]) -> ShopResult<Url> {
        let mut url = self.base.clone();
        {
            let base_path = url.path().trim_end_matches('/').to_owned();
            url.set_path(&format!("{base_path}/{path}"));
        }
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        Ok(url)
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> ShopResult<T> {
        self.send::<T, ()>(Method::GET, path, query, None).await
    }

    /// Sends one request, paced, and reads its `data`. Repeats a 429 after its `Retry-After`
    /// and a 423'd write after the lock's pause; every other error answer becomes a `ShopError`.
    async fn send<T: DeserializeOwned, B: Serialize>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&B>,
    ) -> ShopResult<T> {
        let response = self.send_raw(method, path, query, body).await?;
        let bytes = response.bytes().await.map_err(network_error)?;
        let envelope: Envelope<T> = serde_json::from_slice(&bytes)
            .map_err(|e| ShopError::Protocol(format!("unexpected answer from Shoptet: {e}")))?;
        envelope
            .data
            .ok_or_else(|| ShopError::Protocol("Shoptet answered without data".into()))
    }

    /// Like [`Api::send`] for answers whose `data` is null (deletions).
    async fn send_no_data<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> ShopResult<()> {
        self.send_raw(method, path, &[], body).await.map(drop)
    }

    async fn send_raw<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&B>,
    ) -> ShopResult<reqwest::Response> {
        let url = self.url(path, query)?;
        let body = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| ShopError::Protocol(format!("cannot write the request: {e}")))?;
        let is_write = method != Method::GET;
        let content_type = if body.is_some() {
            wire::JSON_CONTENT_TYPE
        } else {
            wire::CONTENT_TYPE
        };
        // Writes to one URL one at a time: the shop locks the URL while it processes one.
        let _write_lock = if is_write {
            Some(self.pacer.write_lock(url.as_str()).await)
        } else {
            None
        };
        let mut token_retried = false;
        let (mut rate_limited, mut locked) = (0, 0);
        loop {
            let token = self.tokens.bearer().await?;
            let response = {
                let _admission = self.pacer.admit().await;
                let mut request = self
                    .http
                    .request(method.clone(), url.clone())
                    .header(self.kind.header(), token.expose_secret())
                    .header(reqwest::header::CONTENT_TYPE, content_type);
                if let Some(body) = &body {
                    request = request.body(body.clone());
                }
                request.send().await.map_err(network_error)?
            };
            if let Some(filling) = header(&response, wire::BUCKET_FILLING_HEADER) {
                self.pacer.observe_filling(&filling);
            }
            let status = response.status();
            if status.is_success() {
                return Ok(response);
            }
            if status == StatusCode::TOO_MANY_REQUESTS && rate_limited < RATE_LIMITED_RETRIES {
                rate_limited += 1;
                let retry_after = header(&response, reqwest::header::RETRY_AFTER.as_str());
                let wait = self.pacer.observe_retry_after(retry_after.as_deref());
                tracing::info!(
                    wait_ms = wait.as_millis() as u64,
                    "Shoptet asked to slow down"
                );
                continue;
            }
            if status == StatusCode::LOCKED && is_write && locked < LOCKED_RETRIES {
                locked += 1;
                self.pacer.sleep(LOCK_PAUSE).await;
                continue;
            }
            let retry_after = header(&response, reqwest::header::RETRY_AFTER.as_str());
            let error = error_of(
                status,
                &response.bytes().await.unwrap_or_default(),
                retry_after,
            );
            if error == ShopError::SessionExpired
                && !token_retried
                && self.tokens.token_rejected(&token).await
            {
                token_retried = true;
                continue;
            }
            return Err(error);
        }
    }
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// The error an answer stands for, from its status and `errors[]`. Shop texts are cleaned of
/// control characters before they can reach a terminal.
pub(crate) fn error_of(status: StatusCode, body: &[u8], retry_after: Option<String>) -> ShopError {
    let errors = serde_json::from_slice::<Envelope<serde_json::Value>>(body)
        .ok()
        .and_then(|envelope| envelope.errors)
        .unwrap_or_default();
    let message = errors
        .iter()
        .map(|e| crate::sanitize::clean(&e.message))
        .collect::<Vec<_>>()
        .join("; ");
    let message = if message.is_empty() {
        status.canonical_reason().unwrap_or("error").to_owned()
    } else {
        message
    };
    let code = status.as_u16();
    match code {
        401 => ShopError::SessionExpired,
        403 => ShopError::Forbidden(message),
        404 => ShopError::NotFound(message),
        409 => ShopError::Conflict(message),
        423 => ShopError::Conflict(format!(
            "the same change is still being processed; try again in a few seconds ({message})"
        )),
        429 => ShopError::RateLimited {
            retry_after: retry_after.and_then(|value| {
                super::pacing::retry_after_delay(&value, std::time::SystemTime::now())
            }),
        },
        400 | 422 => validation_error(&errors, message),
        500..=599 => ShopError::Server {
            status: code,
            message,
        },
        _ => ShopError::Protocol(format!("HTTP {code}: {message}")),
    }
}

/// `invalid-request-data` at `data.zip` is an error of the form's postcode field; errors about
/// the whole request (`payload`) only have the message.
fn validation_error(errors: &[wire::ApiError], message: String) -> ShopError {
    // The external code is shopterm's idempotency key: refused means placed already.
    if errors
        .iter()
        .any(|e| e.error_code == wire::INVALID_REQUEST_DATA && e.instance == "data.externalCode")
    {
        return ShopError::Conflict(format!("this order was placed already ({message})"));
    }
    let fields = errors
        .iter()
        .filter(|e| e.error_code == wire::INVALID_REQUEST_DATA)
        .filter_map(|e| {
            let field = e.instance.strip_prefix("data.")?;
            Some(FieldError {
                field: domain_field(field).to_owned(),
                message: crate::sanitize::clean(&e.message),
            })
        })
        .collect();
    ShopError::Validation { message, fields }
}

/// Shoptet's address and account field names as the domain model's.
fn domain_field(field: &str) -> &str {
    match field {
        "zip" => "postcode",
        "street" | "houseNumber" => "line1",
        "additional" => "line2",
        "countryCode" => "country",
        "regionName" => "region",
        "fullName" => "last_name",
        "company" => "company",
        "city" => "city",
        "phone" => "phone",
        "email" => "email",
        other => other,
    }
}

fn decimal(text: Option<&str>, what: &str) -> ShopResult<Decimal> {
    let text = text.unwrap_or("0");
    Decimal::from_str(text.trim())
        .map_err(|_| ShopError::Protocol(format!("{what} is not a number: {text:?}")))
}

fn currency(code: &str) -> ShopResult<Currency> {
    Currency::from_str(code).map_err(|e| ShopError::Protocol(e.to_string()))
}

fn order_total(price: &wire::OrderPrice) -> ShopResult<Money> {
    let amount = decimal(
        price.to_pay.as_deref().or(price.with_vat.as_deref()),
        "toPay",
    )?;
    Ok(Money::new(amount, currency(&price.currency_code)?))
}

fn time_of(text: &str) -> ShopResult<time::OffsetDateTime> {
    wire::parse_time(text).ok_or_else(|| ShopError::Protocol(format!("not a time: {text:?}")))
}

/// Shoptet keeps one `fullName`; the model has a first and a last name.
fn split_name(full: Option<&str>) -> (String, String) {
    let full = full.unwrap_or_default().trim();
    match full.rsplit_once(' ') {
        Some((first, last)) => (first.trim().to_owned(), last.trim().to_owned()),
        None => (String::new(), full.to_owned()),
    }
}

fn join_name(first: &str, last: &str) -> Option<String> {
    let name = format!("{} {}", first.trim(), last.trim());
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value.clone().filter(|v| !v.trim().is_empty())
}

fn street_line(street: &Option<String>, house_number: &Option<String>) -> String {
    match (non_empty(street), non_empty(house_number)) {
        (Some(street), Some(number)) => format!("{street} {number}"),
        (Some(street), None) => street,
        (None, Some(number)) => number,
        (None, None) => String::new(),
    }
}

fn postal_of(address: &wire::BillingAddress) -> PostalAddress {
    let (first_name, last_name) = split_name(address.full_name.as_deref());
    PostalAddress {
        first_name,
        last_name,
        company: non_empty(&address.company),
        line1: street_line(&address.street, &address.house_number),
        line2: non_empty(&address.additional),
        city: text(&address.city),
        postcode: text(&address.zip),
        region: non_empty(&address.region_name),
        country: text(&address.country_code).to_uppercase(),
        phone: None,
    }
}

fn address_of(address: &wire::DeliveryAddress) -> Address {
    let (first_name, last_name) = split_name(address.full_name.as_deref());
    Address {
        id: AddressId(address.guid.clone()),
        postal: PostalAddress {
            first_name,
            last_name,
            company: non_empty(&address.company),
            line1: street_line(&address.street, &address.house_number),
            line2: non_empty(&address.additional),
            city: text(&address.city),
            postcode: text(&address.zip),
            region: non_empty(&address.region_name),
            country: text(&address.country_code).to_uppercase(),
            phone: None,
        },
        default_shipping: address.is_default,
        default_billing: false,
    }
}

fn address_request(
    draft: &PostalAddress,
    is_default: Option<bool>,
) -> wire::DeliveryAddressRequest {
    wire::DeliveryAddressRequest {
        full_name: join_name(&draft.first_name, &draft.last_name),
        company: draft.company.clone().filter(|c| !c.trim().is_empty()),
        street: Some(draft.line1.trim().to_owned()),
        house_number: None,
        city: Some(draft.city.trim().to_owned()),
        district: None,
        additional: draft.line2.clone().filter(|l| !l.trim().is_empty()),
        zip: Some(draft.postcode.trim().to_owned()),
        country_code: draft.country.trim().to_uppercase(),
        region_name: draft.region.clone().filter(|r| !r.trim().is_empty()),
        is_default,
    }
}

/// Shoptet's default statuses by id (-1 new, -2 being processed, -3 done, -4 cancelled); shops
/// add their own, which keep their name as the label.
fn order_status(status: &wire::IdName) -> OrderStatus {
    match status.id {
        -1 => OrderStatus::Pending,
        -2 => OrderStatus::Processing,
        -3 => OrderStatus::Delivered,
        -4 => OrderStatus::Cancelled,
        _ => OrderStatus::Other,
    }
}

fn payment_status(paid: Option<bool>) -> (PaymentStatus, String) {
    match paid {
        Some(true) => (PaymentStatus::Paid, "paid".into()),
        Some(false) => (PaymentStatus::Unpaid, "not paid".into()),
        None => (PaymentStatus::Other, String::new()),
    }
}

fn quantity(amount: Option<&str>) -> u32 {
    use rust_decimal::prelude::ToPrimitive;
    amount
        .and_then(|a| Decimal::from_str(a.trim()).ok())
        .and_then(|d| {
            d.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
                .to_u32()
        })
        .unwrap_or(0)
}

fn summary_of(item: &wire::OrderListItem) -> ShopResult<OrderSummary> {
    let (payment_status, payment_label) = payment_status(item.paid);
    Ok(OrderSummary {
        number: OrderNumber(item.code.clone()),
        placed_at: time_of(&item.creation_time)?,
        status: order_status(&item.status),
        status_label: crate::sanitize::clean(&item.status.name),
        payment_status,
        payment_label,
        // The list does not give the items; the detail does.
        item_count: 0,
        total: order_total(&item.price)?,
    })
}

fn line_of(item: &wire::OrderItem, currency: Currency) -> ShopResult<OrderLine> {
    let quantity = quantity(item.amount.as_deref());
    let item_price = Money::new(
        decimal(Some(&item.item_price.with_vat), "itemPrice")?,
        currency,
    );
    // `unitPrice` is one piece and `itemPrice` the line; answers without `unitPrice` (the
    // collection's sample) have one piece, where both are the same.
    let (unit_price, line_total) = match &item.unit_price {
        Some(unit) => (
            Money::new(decimal(Some(&unit.with_vat), "unitPrice")?, currency),
            item_price,
        ),
        None => (item_price, item_price.times(quantity)),
    };
    Ok(OrderLine {
        code: ProductCode(text(&item.code)),
        brand: text(&item.brand),
        name: crate::sanitize::clean(&text(&item.name)),
        quantity,
        unit_price,
        line_total,
    })
}

fn detail_of(order: &wire::Order, shipments: &[wire::ShipmentItem]) -> ShopResult<OrderDetail> {
    let total = order_total(&order.price)?;
    let currency = total.currency;
    let mut lines = Vec::new();
    let (mut items, mut shipping, mut discounts) = (
        Money::zero(currency),
        Money::zero(currency),
        Money::zero(currency),
    );
    for item in &order.items {
        let line = line_of(item, currency)?;
        let add = |sum: Money, amount: Money| sum.checked_add(amount).unwrap_or(sum);
        match item.item_type.as_str() {
            "shipping" | "billing" => shipping = add(shipping, line.line_total),
            "discount-coupon" | "volume-discount" => {
                discounts = add(discounts, Money::new(-line.line_total.amount, currency))
            }
            _ if item.is_goods() => {
                items = add(items, line.line_total);
                lines.push(line);
            }
            _ => {}
        }
    }
    let (payment_status, payment_label) = payment_status(order.paid);
    let summary = OrderSummary {
        number: OrderNumber(order.code.clone()),
        placed_at: time_of(&order.creation_time)?,
        status: order_status(&order.status),
        status_label: crate::sanitize::clean(&order.status.name),
        payment_status,
        payment_label,
        item_count: lines.iter().map(|l| l.quantity).sum(),
        total,
    };
    Ok(OrderDetail {
        summary,
        lines,
        totals: OrderTotals {
            items,
            discounts,
            shipping,
            tax: Money::new(decimal(order.price.vat.as_deref(), "vat")?, currency),
            grand_total: total,
        },
        billing_address: order.billing_address.as_ref().map(postal_of),
        shipping_address: order.delivery_address.as_ref().map(postal_of),
        shipments: shipments_of(order, shipments),
    })
}

/// Every package of every shipment is a parcel; an order without shipments but with a tracking
/// number in its notes (set by hand in the admin) has that one parcel.
fn shipments_of(order: &wire::Order, shipments: &[wire::ShipmentItem]) -> Vec<Shipment> {
    let mut parcels = Vec::new();
    for shipment in shipments {
        let state = shipment_state(shipment);
        let carrier = text(&shipment.service_code);
        for (index, package) in shipment.packages.iter().enumerate() {
            parcels.push(Shipment {
                id: format!("{}/{}", shipment.guid, index + 1),
                shipped_at: None,
                carrier: carrier.clone(),
                service: non_empty(&package.name),
                tracking_id: non_empty(&package.tracking_number),
                tracking_url: non_empty(&package.tracking_url),
                state,
                lines: Vec::new(),
            });
        }
    }
    if parcels.is_empty()
        && let Some(notes) = &order.notes
        && let Some(tracking) = non_empty(&notes.tracking_number)
    {
        parcels.push(Shipment {
            id: format!("{}/notes", order.code),
            shipped_at: None,
            carrier: order
                .shipping
                .as_ref()
                .and_then(|s| s.name.clone())
                .unwrap_or_default(),
            service: None,
            tracking_id: Some(tracking),
            tracking_url: non_empty(&notes.tracking_url),
            state: ShipmentState::Other,
            lines: Vec::new(),
        });
    }
    parcels
}

fn shipment_state(shipment: &wire::ShipmentItem) -> ShipmentState {
    if shipment.shipment_type == "return" {
        return ShipmentState::Returned;
    }
    match shipment.status.as_str() {
        "requested" | "created" => ShipmentState::Preparing,
        "in_transit" | "ready_for_pickup" | "back_transit" => ShipmentState::InTransit,
        "delivered" | "closed" => ShipmentState::Delivered,
        "returned" => ShipmentState::Returned,
        _ => ShipmentState::Other,
    }
}

/// The variant with the asked code, as a product with its price today.
fn product_of(product: &wire::Product, code: &ProductCode) -> ShopResult<Product> {
    let variant = product
        .variants
        .iter()
        .find(|v| v.code == code.as_str())
        .or_else(|| product.variants.first())
        .ok_or_else(|| ShopError::Protocol(format!("product {code} has no variants")))?;
    let price = Money::new(
        decimal(variant.price.as_deref(), "price")?,
        currency(variant.currency_code.as_deref().unwrap_or("CZK"))?,
    );
    let stock = variant.stock.as_deref().map(|s| quantity(Some(s)));
    let availability = match (product.visibility.as_deref(), stock) {
        (Some("hidden" | "blocked"), _) => Availability::Discontinued,
        (_, Some(0)) => Availability::OutOfStock,
        (_, quantity) => Availability::InStock { quantity },
    };
    let name = match &variant.name {
        Some(variant_name) if !variant_name.trim().is_empty() => {
            format!("{} ({variant_name})", product.name)
        }
        _ => product.name.clone(),
    };
    Ok(Product {
        code: ProductCode(variant.code.clone()),
        brand: product
            .brand
            .as_ref()
            .map(|b| b.name.clone())
            .unwrap_or_default(),
        name: crate::sanitize::clean(&name),
        price,
        availability,
    })
}

#[async_trait]
impl Shop for ShoptetShop {
    fn platform(&self) -> &str {
        super::PLATFORM.label
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn account(&self) -> ShopResult<Account> {
        let customer = self.customer().await?;
        let account = customer.main_account();
        let billing = customer.billing_address.clone().unwrap_or_default();
        let full_name = account
            .and_then(|a| a.full_name.clone())
            .or(billing.full_name.clone());
        let (first_name, last_name) = split_name(full_name.as_deref());
        Ok(Account {
            id: CustomerId(customer.guid.clone()),
            email: account.map(|a| a.email.clone()).unwrap_or_default(),
            first_name,
            last_name,
            phone: account.and_then(|a| non_empty(&a.phone)),
            company: non_empty(&billing.company),
            created_at: customer.creation_time.as_deref().and_then(wire::parse_time),
        })
    }

    async fn addresses(&self) -> ShopResult<Vec<Address>> {
        Ok(self
            .delivery_addresses()
            .await?
            .iter()
            .map(address_of)
            .collect())
    }

    async fn create_address(&self, draft: &PostalAddress) -> ShopResult<Address> {
        let path = format!(
            "api/customers/{}/delivery-addresses",
            seg(&self.guid().await?)
        );
        let body = wire::RequestBody {
            data: address_request(draft, None),
        };
        let created: wire::DeliveryAddressData =
            self.api.send(Method::POST, &path, &[], Some(&body)).await?;
        Ok(address_of(&created.delivery_address))
    }

    async fn update_address(&self, id: &AddressId, draft: &PostalAddress) -> ShopResult<Address> {
        let path = format!(
            "api/customers/{}/delivery-addresses/{}",
            seg(&self.guid().await?),
            seg(id.as_str())
        );
        let body = wire::RequestBody {
            data: address_request(draft, None),
        };
        let updated: wire::DeliveryAddressData = self
            .api
            .send(Method::PATCH, &path, &[], Some(&body))
            .await?;
        Ok(address_of(&updated.delivery_address))
    }

    async fn delete_address(&self, id: &AddressId) -> ShopResult<()> {
        let path = format!(
            "api/customers/{}/delivery-addresses/{}",
            seg(&self.guid().await?),
            seg(id.as_str())
        );
        self.api
            .send_no_data::<()>(Method::DELETE, &path, None)
            .await
    }

    async fn set_default_address(
        &self,
        id: &AddressId,
        role: AddressRole,
    ) -> ShopResult<Vec<Address>> {
        if role == AddressRole::Billing {
            // The billing address is the customer's one `billingAddress`, not a book entry.
            return Err(ShopError::Unsupported(Feature::DefaultAddresses));
        }
        let addresses = self.delivery_addresses().await?;
        let chosen = addresses
            .iter()
            .find(|a| a.guid == id.as_str())
            .ok_or_else(|| ShopError::NotFound(format!("address {id}")))?;
        let mut draft = address_request(&address_of(chosen).postal, Some(true));
        // Keep the stored street and house number as they are.
        draft.street = chosen.street.clone();
        draft.house_number = chosen.house_number.clone();
        let path = format!(
            "api/customers/{}/delivery-addresses/{}",
            seg(&self.guid().await?),
            seg(id.as_str())
        );
        let _: wire::DeliveryAddressData = self
            .api
            .send(
                Method::PATCH,
                &path,
                &[],
                Some(&wire::RequestBody { data: draft }),
            )
            .await?;
        self.addresses().await
    }

    async fn orders(&self, page: &PageRequest) -> ShopResult<Page<OrderSummary>> {
        let guid = self.guid().await?;
        let per_page = page.limit.clamp(1, wire::MAX_ORDERS_PER_PAGE);
        let page_number = page.offset / u64::from(per_page) + 1;
        let skip = (page.offset % u64::from(per_page)) as usize;
        let query = [
            ("customerGuid", guid),
            ("page", page_number.to_string()),
            ("itemsPerPage", per_page.to_string()),
        ];
        let list: wire::OrderList = self.api.get("api/orders", &query).await?;
        let items = list
            .orders
            .iter()
            .skip(skip)
            .map(summary_of)
            .collect::<ShopResult<Vec<_>>>()?;
        Ok(Page {
            offset: page.offset,
            total: Some(u64::from(list.paginator.total_count)),
            has_more: list.paginator.page < list.paginator.page_count,
            items,
        })
    }

    async fn order(&self, number: &OrderNumber) -> ShopResult<OrderDetail> {
        let order = self.own_order(number).await?;
        let shipments = self.shipments_of(&order.code).await?;
        detail_of(&order, &shipments)
    }

    async fn products(&self, query: &ProductQuery) -> ShopResult<Vec<Product>> {
        let mut found = Vec::new();
        for code in &query.codes {
            if let Some(product) = self.product(code).await? {
                found.push(product);
            }
        }
        Ok(found)
    }

    async fn place_order(&self, order: &NewOrder) -> ShopResult<PlacedOrder> {
        let request = self.new_order_request(order).await?;
        let placed: wire::OrderData = self
            .api
            .send(
                Method::POST,
                "api/orders",
                &[],
                Some(&wire::RequestBody { data: request }),
            )
            .await?;
        Ok(PlacedOrder {
            number: OrderNumber(placed.order.code.clone()),
            replayed: false,
            total: order_total(&placed.order.price)?,
        })
    }
}

impl ShoptetShop {
    /// `POST /api/orders` prices nothing itself: every line gets today's price and VAT rate from
    /// `/api/products/code/{code}`.
    async fn new_order_request(&self, order: &NewOrder) -> ShopResult<wire::NewOrderRequest> {
        let customer = self.customer().await?.clone();
        let email = customer
            .main_account()
            .map(|a| a.email.clone())
            .ok_or_else(|| ShopError::field("customer", "the customer has no login e-mail"))?;
        let mut items = Vec::new();
        let mut currency_code = None;
        for line in &order.lines {
            let path = format!("api/products/code/{}", seg(line.code.as_str()));
            let product: wire::Product = self.api.get(&path, &[]).await?;
            let priced = product_of(&product, &line.code)?;
            let variant = product
                .variants
                .iter()
                .find(|v| v.code == line.code.as_str());
            currency_code.get_or_insert_with(|| priced.price.currency.as_str().to_owned());
            items.push(wire::NewOrderItem {
                item_type: "product".into(),
                code: priced.code.0.clone(),
                name: Some(product.name.clone()),
                brand: line.brand.clone().or_else(|| Some(priced.brand.clone())),
                amount: format!("{}.000", line.quantity),
                vat_rate: variant
                    .and_then(|v| v.vat_rate.clone())
                    .unwrap_or_else(|| "0.00".into()),
                unit_price_with_vat: priced.price.amount.to_string(),
            });
        }
        let billing = customer.billing_address.clone().unwrap_or_default();
        let delivery = match &order.shipping_address {
            Some(id) => {
                let addresses = self.delivery_addresses().await?;
                let found = addresses
                    .iter()
                    .find(|a| a.guid == id.as_str())
                    .ok_or_else(|| ShopError::NotFound(format!("address {id}")))?;
                Some(new_order_address(&address_of(found).postal))
            }
            None => None,
        };
        let billing_address = new_order_address(&postal_of(&billing));
        if billing_address.country_code.is_empty() {
            return Err(ShopError::field(
                "billing_address",
                "the customer's billing address has no country",
            ));
        }
        Ok(wire::NewOrderRequest {
            // Shoptet refuses a second order with the same external code: a retried send
            // cannot place the order twice.
            external_code: order.idempotency_key.trim().to_owned(),
            email,
            customer_guid: Some(customer.guid.clone()),
            billing_address,
            delivery_address: delivery,
            currency: wire::NewOrderCurrency {
                code: currency_code.unwrap_or_else(|| "CZK".into()),
            },
            items,
        })
    }
}

fn new_order_address(postal: &PostalAddress) -> wire::NewOrderAddress {
    wire::NewOrderAddress {
        full_name: join_name(&postal.first_name, &postal.last_name).unwrap_or_default(),
        company: postal.company.clone(),
        street: postal.line1.clone(),
        city: postal.city.clone(),
        zip: postal.postcode.clone(),
        country_code: postal.country.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_request_data_at_a_field_is_that_fields_error() {
        let body = br#"{"data":null,"errors":[
            {"errorCode":"invalid-request-data","message":"Value is not a valid ZIP.","instance":"data.zip"},
            {"errorCode":"invalid-request-data","message":"Whole thing is odd.","instance":"payload"}]}"#;
        match error_of(StatusCode::BAD_REQUEST, body, None) {
            ShopError::Validation { message, fields } => {
                assert!(message.contains("Value is not a valid ZIP."));
                assert_eq!(
                    fields,
                    vec![FieldError {
                        field: "postcode".into(),
                        message: "Value is not a valid ZIP.".into()
                    }]
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn statuses_map_to_the_errors_a_user_can_act_on() {
        let not_found = include_bytes!("testdata/spec_order_copy_404.json");
        assert_eq!(
            error_of(StatusCode::NOT_FOUND, not_found, None),
            ShopError::NotFound("Order \"2018000012\" not found.".into())
        );
        assert_eq!(
            error_of(StatusCode::UNAUTHORIZED, b"{}", None),
            ShopError::SessionExpired
        );
        assert!(matches!(
            error_of(StatusCode::FORBIDDEN, include_bytes!("testdata/spec_product_by_code_403.json"), None),
            ShopError::Forbidden(m) if m.contains("consumptionTax")
        ));
        assert!(matches!(
            error_of(StatusCode::LOCKED, b"", None),
            ShopError::Conflict(_)
        ));
        assert_eq!(
            error_of(StatusCode::TOO_MANY_REQUESTS, b"", Some("30".into())),
            ShopError::RateLimited {
                retry_after: Some(Duration::from_secs(30))
            }
        );
        assert!(matches!(
            error_of(
                StatusCode::INTERNAL_SERVER_ERROR,
                include_bytes!("testdata/spec_order_pdf_500.json"),
                None
            ),
            ShopError::Server { status: 500, .. }
        ));
        // A control sequence in a shop's message never reaches the terminal.
        let hostile = br#"{"data":null,"errors":[{"errorCode":"x","message":"bad\u001b[2Jthing","instance":"i"}]}"#;
        let ShopError::Forbidden(message) = error_of(StatusCode::FORBIDDEN, hostile, None) else {
            panic!("not forbidden");
        };
        assert!(!message.contains('\u{1b}'));
    }

    #[test]
    fn a_customer_is_chosen_by_email_or_guid() {
        assert_eq!(
            CustomerRef::parse(" ada@example.org ").ok(),
            Some(CustomerRef::Email("ada@example.org".into()))
        );
        assert_eq!(
            CustomerRef::parse("c9e976a5-340b-11e4-b500-ac162d8a2454").ok(),
            Some(CustomerRef::Guid(
                "c9e976a5-340b-11e4-b500-ac162d8a2454".into()
            ))
        );
        assert!(CustomerRef::parse("  ").is_err());
    }

    #[test]
    fn the_postman_order_maps_to_a_detail_with_its_tracking_from_the_notes() {
        let envelope: Envelope<wire::OrderData> =
            serde_json::from_str(include_str!("testdata/postman_order_detail_200.json")).unwrap();
        let order = envelope.data.unwrap().order;
        let detail = detail_of(&order, &[]).unwrap();
        assert_eq!(detail.summary.number.as_str(), "2017000092");
        assert_eq!(detail.summary.status, OrderStatus::Pending);
        assert_eq!(
            detail.summary.total.to_string(),
            Money::new(Decimal::new(24200, 2), Currency::CZK).to_string()
        );
        assert_eq!(detail.lines.len(), 1);
        assert_eq!(detail.lines[0].quantity, 1);
        assert_eq!(detail.shipments.len(), 1);
        assert_eq!(detail.shipments[0].tracking_id.as_deref(), Some("DR123456"));
        let billing = detail.billing_address.unwrap();
        assert_eq!(
            (billing.first_name.as_str(), billing.last_name.as_str()),
            ("John", "Doe")
        );
        assert_eq!(billing.line1, "French 28");
    }

    #[test]
    fn quantities_are_decimal_strings() {
        assert_eq!(quantity(Some("1.000")), 1);
        assert_eq!(quantity(Some("12.000")), 12);
        assert_eq!(quantity(Some("2.500")), 3);
        assert_eq!(quantity(Some("x")), 0);
        assert_eq!(quantity(None), 0);
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(seg("40/ZEL"), "40%2FZEL");
        assert_eq!(seg("a b"), "a%20b");
    }
}
