//! Spryker's Glue API, as much of it as the connector uses, served over the demo store under
//! `/spryker` (so `shopterm demo --platform spryker` and the tests run without a Spryker shop).
//! Connected: tokens, the customer (read and edit), the address book, orders (paged list and
//! detail with `order-shipments`) and the password (change, forgotten, restore).
//! Answers follow the Glue specification (`tests/specs/spryker/spryker_rest_api.schema.yml`,
//! checked through Prism in tests/platform_spryker.rs) and Glue's documented error codes.

use super::client::format_timestamp;
use super::wire::{self, codes};
use crate::demo::sessions::TokenProblem;
use crate::demo::state::DemoState;
use crate::demo::store::{CustomerKey, MAX_PAGE_LIMIT};
use crate::model::{
    Address, AddressId, AddressRole, Money, OrderNumber, OrderStatus, PageRequest, PostalAddress,
    ProductCode, ShipmentState, country_name,
};
use crate::shop::ShopError;
use axum::Router;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use serde::Serialize;

/// Where the demo shop serves this emulator.
pub const PREFIX: &str = "/spryker";
const PLATFORM: &str = super::NAME;

pub fn routes() -> Router<DemoState> {
    Router::new()
        .route("/access-tokens", post(access_tokens))
        .route("/refresh-tokens", post(refresh_tokens))
        .route("/refresh-tokens/{id}", delete(revoke_refresh_token))
        .route("/customers", get(customers))
        .route(
            "/customers/{reference}",
            get(customer).patch(update_customer),
        )
        .route(
            "/customers/{reference}/addresses",
            get(addresses).post(create_address),
        )
        .route(
            "/customers/{reference}/addresses/{id}",
            get(address).patch(update_address).delete(delete_address),
        )
        .route("/orders", get(orders))
        .route("/orders/{reference}", get(order))
        .route("/customer-password/{reference}", patch(change_password))
        .route("/customer-forgotten-password", post(forgotten_password))
        .route("/customer-restore-password/{id}", patch(restore_password))
}

/// A Glue error answer: `{"errors": [{"status", "code", "detail"}, …]}`. Validation answers
/// list one error per field problem, as Glue's 901 answers do.
#[derive(Debug)]
pub struct GlueError {
    status: StatusCode,
    errors: Vec<(&'static str, String)>,
}

impl GlueError {
    fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> GlueError {
        GlueError {
            status,
            errors: vec![(code, detail.into())],
        }
    }

    fn invalid_token() -> GlueError {
        GlueError::new(
            StatusCode::UNAUTHORIZED,
            codes::INVALID_ACCESS_TOKEN,
            "Invalid access token.",
        )
    }

    fn unprocessable(detail: impl Into<String>) -> GlueError {
        GlueError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::UNPROCESSABLE,
            detail,
        )
    }

    fn unauthorized_request() -> GlueError {
        GlueError::new(
            StatusCode::FORBIDDEN,
            codes::UNAUTHORIZED_REQUEST,
            "Unauthorized request.",
        )
    }

    /// A store error, with the store's field names put back into Glue's attribute names
    /// (`names`: store field → Glue attribute) in `attribute => message` details.
    fn from_store(error: crate::shop::ShopError, names: &[(&str, &str)]) -> GlueError {
        match error {
            crate::shop::ShopError::Validation { message, fields } if fields.is_empty() => {
                GlueError::unprocessable(message)
            }
            crate::shop::ShopError::Validation { fields, .. } => GlueError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                errors: fields
                    .into_iter()
                    .map(|f| {
                        let name = names
                            .iter()
                            .find(|(store, _)| *store == f.field)
                            .map(|(_, glue)| *glue)
                            .unwrap_or(f.field.as_str());
                        (codes::UNPROCESSABLE, format!("{name} => {}", f.message))
                    })
                    .collect(),
            },
            other => GlueError::from(other),
        }
    }
}

impl From<crate::shop::ShopError> for GlueError {
    fn from(error: crate::shop::ShopError) -> GlueError {
        use crate::shop::ShopError::*;
        match error {
            NotFound(what) => GlueError::new(StatusCode::NOT_FOUND, "404", what),
            Conflict(what) => GlueError::new(StatusCode::CONFLICT, "409", what),
            Validation { message, .. } => GlueError::unprocessable(message),
            other => GlueError::new(StatusCode::INTERNAL_SERVER_ERROR, "500", other.to_string()),
        }
    }
}

impl IntoResponse for GlueError {
    fn into_response(self) -> Response {
        let status = self.status.as_u16();
        let body = wire::Errors {
            errors: self
                .errors
                .into_iter()
                .map(|(code, detail)| wire::ErrorItem {
                    status: Some(status),
                    code: Some(code.to_owned()),
                    detail: Some(detail),
                })
                .collect(),
        };
        glue_json(self.status, &body)
    }
}

fn glue_json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, wire::MEDIA_TYPE)], bytes).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A JSON:API request body; a body that is not one is Glue's 400 "Request is invalid".
fn parse_body<A: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<A, GlueError> {
    serde_json::from_slice::<wire::Request<A>>(bytes)
        .map(|r| r.data.attributes)
        .map_err(|_| GlueError::new(StatusCode::BAD_REQUEST, "007", "Request is invalid."))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The customer behind the request's bearer token (Glue: 403 "002" without one, 401 "001" for
/// an invalid or expired one).
struct Customer(CustomerKey);

impl FromRequestParts<DemoState> for Customer {
    type Rejection = GlueError;

    async fn from_request_parts(parts: &mut Parts, state: &DemoState) -> Result<Self, GlueError> {
        let token = bearer(&parts.headers).ok_or_else(|| {
            GlueError::new(
                StatusCode::FORBIDDEN,
                codes::MISSING_ACCESS_TOKEN,
                "Missing access token.",
            )
        })?;
        state
            .sessions
            .customer(PLATFORM, token)
            .map(Customer)
            .map_err(|_| GlueError::invalid_token())
    }
}

/// `RestTokenResponseAttributes` as the specification types them (lifetimes as strings).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenAnswer {
    token_type: &'static str,
    expires_in: String,
    access_token: String,
    refresh_token: String,
    refresh_token_expires_in: String,
}

fn token_document(
    state: &DemoState,
    kind: &str,
    issued: crate::demo::sessions::Issued,
) -> Response {
    let document = wire::Document {
        data: wire::Resource {
            kind: kind.to_owned(),
            id: None,
            attributes: TokenAnswer {
                token_type: "Bearer",
                expires_in: issued.expires_in.to_string(),
                access_token: issued.access_token,
                refresh_token: issued.refresh_token.unwrap_or_default(),
                refresh_token_expires_in: issued.refresh_expires_in.to_string(),
            },
            links: None,
        },
        links: Some(wire::Links::to(format!(
            "{}{PREFIX}/{kind}",
            state.base_url
        ))),
    };
    glue_json(StatusCode::CREATED, &document)
}

async fn access_tokens(State(state): State<DemoState>, body: axum::body::Bytes) -> Response {
    let request: wire::AccessTokensRequest = match parse_body(&body) {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };
    if request.username.trim().is_empty() || request.password.is_empty() {
        return GlueError::unprocessable("username => This value should not be blank.")
            .into_response();
    }
    let (username, password) = (request.username.clone(), request.password.clone());
    let password = zeroize::Zeroizing::new(password);
    let found = state
        .with_store(move |s| s.verify_password(&username, &password))
        .await;
    match found {
        Ok(Some(customer)) => {
            let issued = state.sessions.issue(PLATFORM, customer, true);
            token_document(&state, "access-tokens", issued)
        }
        Ok(None) => GlueError::new(
            StatusCode::UNAUTHORIZED,
            codes::FAILED_TO_AUTHENTICATE,
            "Failed to authenticate user.",
        )
        .into_response(),
        Err(error) => GlueError::from(error).into_response(),
    }
}

async fn refresh_tokens(State(state): State<DemoState>, body: axum::body::Bytes) -> Response {
    let request: wire::RefreshTokensRequest = match parse_body(&body) {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };
    match state.sessions.refresh(PLATFORM, &request.refresh_token) {
        Ok(issued) => token_document(&state, "refresh-tokens", issued),
        Err(TokenProblem::Unknown | TokenProblem::Expired) => GlueError::new(
            StatusCode::UNAUTHORIZED,
            codes::FAILED_TO_REFRESH,
            "Failed to refresh token.",
        )
        .into_response(),
    }
}

/// Revokes one refresh token of the signed-in customer, or all of them (`mine`). Unknown
/// tokens are not an error: the answer is 204 either way, as on Glue.
async fn revoke_refresh_token(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    Path(id): Path<String>,
) -> Response {
    if id == "mine" {
        state.sessions.end_all(PLATFORM, customer);
    } else if state.sessions.refresh_owner(PLATFORM, &id) == Some(customer) {
        state.sessions.end(PLATFORM, &id);
    }
    StatusCode::NO_CONTENT.into_response()
}

fn reference(customer: CustomerKey) -> String {
    format!("DE--{customer}")
}

async fn customer_resource(
    state: &DemoState,
    customer: CustomerKey,
) -> Result<wire::Resource<wire::CustomerAttributes>, GlueError> {
    let account = state.with_store(move |s| s.account(customer)).await?;
    let reference = reference(customer);
    Ok(wire::Resource {
        kind: "customers".into(),
        links: Some(wire::Links::to(format!(
            "{}{PREFIX}/customers/{reference}",
            state.base_url
        ))),
        id: Some(reference),
        attributes: wire::CustomerAttributes {
            first_name: Some(account.first_name),
            last_name: Some(account.last_name),
            email: Some(account.email),
            created_at: account.created_at.map(format_timestamp),
            updated_at: account.created_at.map(format_timestamp),
            ..Default::default()
        },
    })
}

async fn customers(State(state): State<DemoState>, Customer(customer): Customer) -> Response {
    match customer_resource(&state, customer).await {
        Ok(resource) => glue_json(
            StatusCode::OK,
            &wire::Collection {
                data: vec![resource],
                links: Some(wire::Links::to(format!(
                    "{}{PREFIX}/customers",
                    state.base_url
                ))),
            },
        ),
        Err(error) => error.into_response(),
    }
}

async fn customer(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    Path(requested): Path<String>,
) -> Response {
    if requested != reference(customer) {
        return GlueError::unauthorized_request().into_response();
    }
    match customer_resource(&state, customer).await {
        Ok(resource) => glue_json(
            StatusCode::OK,
            &wire::Document {
                data: resource,
                links: None,
            },
        ),
        Err(error) => error.into_response(),
    }
}

/// The customer resources of another customer are Glue's 403 "411".
fn own(customer: CustomerKey, requested: &str) -> Result<(), GlueError> {
    if requested == reference(customer) {
        Ok(())
    } else {
        Err(GlueError::unauthorized_request())
    }
}

/// Store field names → Glue's customer attributes, for validation answers.
const CUSTOMER_NAMES: &[(&str, &str)] = &[
    ("first_name", "firstName"),
    ("last_name", "lastName"),
    ("email", "email"),
];

/// `PATCH /customers/{customerReference}`: the sent attributes change, the rest stays. The
/// account's phone and company are no customer attributes on Glue and are kept as they are.
async fn update_customer(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    Path(requested): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, GlueError> {
    own(customer, &requested)?;
    let update: wire::CustomerUpdate = parse_body(&body)?;
    state
        .with_store(move |s| {
            let mut draft = s.account(customer)?.to_draft();
            if let Some(first_name) = update.first_name {
                draft.first_name = first_name;
            }
            if let Some(last_name) = update.last_name {
                draft.last_name = last_name;
            }
            if let Some(email) = update.email {
                draft.email = email;
            }
            s.update_account(customer, &draft)
        })
        .await
        .map_err(|e| GlueError::from_store(e, CUSTOMER_NAMES))?;
    let resource = customer_resource(&state, customer).await?;
    Ok(glue_json(
        StatusCode::OK,
        &wire::Document {
            data: resource,
            links: None,
        },
    ))
}

/// Store field names → Glue's address attributes.
const ADDRESS_NAMES: &[(&str, &str)] = &[
    ("first_name", "firstName"),
    ("last_name", "lastName"),
    ("company", "company"),
    ("line1", "address1"),
    ("line2", "address2"),
    ("city", "city"),
    ("postcode", "zipCode"),
    ("country", "iso2Code"),
    ("phone", "phone"),
];

/// Glue's address ids are UUIDs, the demo store's integers: a fixed UUID-shaped prefix with the
/// integer in hex keeps ids stable and lets them be read back.
const ADDRESS_UUID_PREFIX: &str = "5b9e0c4a-0000-4000-8000-";

fn address_uuid(id: &AddressId) -> String {
    match id.as_str().parse::<u64>() {
        Ok(n) => format!("{ADDRESS_UUID_PREFIX}{n:012x}"),
        Err(_) => id.to_string(),
    }
}

fn store_address_id(uuid: &str) -> Result<AddressId, GlueError> {
    uuid.strip_prefix(ADDRESS_UUID_PREFIX)
        .filter(|hex| hex.len() == 12)
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        .map(|n| AddressId(n.to_string()))
        .ok_or_else(address_not_found)
}

fn address_not_found() -> GlueError {
    GlueError::new(
        StatusCode::NOT_FOUND,
        codes::ADDRESS_NOT_FOUND,
        "Address was not found.",
    )
}

/// A store error of an address operation: "not found" is Glue's address code.
fn address_error(error: ShopError) -> GlueError {
    match error {
        ShopError::NotFound(_) => address_not_found(),
        other => GlueError::from_store(other, ADDRESS_NAMES),
    }
}

fn address_resource(
    state: &DemoState,
    customer: CustomerKey,
    address: Address,
) -> wire::Resource<wire::AddressAttributes> {
    let uuid = address_uuid(&address.id);
    let postal = address.postal;
    wire::Resource {
        kind: "addresses".into(),
        links: Some(wire::Links::to(format!(
            "{}{PREFIX}/customers/{}/addresses/{uuid}",
            state.base_url,
            reference(customer)
        ))),
        id: Some(uuid),
        attributes: wire::AddressAttributes {
            salutation: None,
            first_name: Some(postal.first_name),
            last_name: Some(postal.last_name),
            address1: Some(postal.line1),
            address2: postal.line2,
            address3: None,
            zip_code: Some(postal.postcode),
            city: Some(postal.city),
            country: country_name(&postal.country).map(str::to_owned),
            iso2_code: Some(postal.country),
            company: postal.company,
            phone: postal.phone,
            is_default_shipping: Some(address.default_shipping),
            is_default_billing: Some(address.default_billing),
        },
    }
}

/// Glue's attributes over a postal address (a PATCH sends only what changes); `address3` joins
/// `address2`, as the demo store has two street lines.
fn apply_address(postal: &mut PostalAddress, attributes: &wire::AddressAttributes) {
    let set = |target: &mut String, value: &Option<String>| {
        if let Some(value) = value {
            target.clone_from(value);
        }
    };
    set(&mut postal.first_name, &attributes.first_name);
    set(&mut postal.last_name, &attributes.last_name);
    set(&mut postal.line1, &attributes.address1);
    set(&mut postal.city, &attributes.city);
    set(&mut postal.postcode, &attributes.zip_code);
    set(&mut postal.country, &attributes.iso2_code);
    if attributes.address2.is_some() || attributes.address3.is_some() {
        let lines: Vec<&str> = [&attributes.address2, &attributes.address3]
            .into_iter()
            .flatten()
            .map(|line| line.trim())
            .filter(|line| !line.is_empty())
            .collect();
        postal.line2 = (!lines.is_empty()).then(|| lines.join(", "));
    }
    if attributes.company.is_some() {
        postal.company.clone_from(&attributes.company);
    }
    if attributes.phone.is_some() {
        postal.phone.clone_from(&attributes.phone);
    }
}

/// Makes the address the default the attributes ask for (`false` leaves the default where it
/// is: the demo store always has one), then the address as it is now.
fn apply_defaults(
    store: &crate::demo::store::Store,
    customer: CustomerKey,
    id: &AddressId,
    attributes: &wire::AddressAttributes,
) -> crate::shop::ShopResult<Address> {
    if attributes.is_default_shipping == Some(true) {
        store.set_default_address(customer, id, AddressRole::Shipping)?;
    }
    if attributes.is_default_billing == Some(true) {
        store.set_default_address(customer, id, AddressRole::Billing)?;
    }
    store
        .addresses(customer)?
        .into_iter()
        .find(|a| &a.id == id)
        .ok_or_else(|| ShopError::NotFound(format!("address {id}")))
}

async fn addresses(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    Path(requested): Path<String>,
) -> Result<Response, GlueError> {
    own(customer, &requested)?;
    let book = state.with_store(move |s| s.addresses(customer)).await?;
    Ok(glue_json(
        StatusCode::OK,
        &wire::Collection {
            data: book
                .into_iter()
                .map(|a| address_resource(&state, customer, a))
                .collect(),
            links: Some(wire::Links::to(format!(
                "{}{PREFIX}/customers/{requested}/addresses",
                state.base_url
            ))),
        },
    ))
}

async fn address(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    Path((requested, uuid)): Path<(String, String)>,
) -> Result<Response, GlueError> {
    own(customer, &requested)?;
    let id = store_address_id(&uuid)?;
    let found = state
        .with_store(move |s| s.addresses(customer))
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(address_not_found)?;
    Ok(glue_json(
        StatusCode::OK,
        &wire::Document {
            data: address_resource(&state, customer, found),
            links: None,
        },
    ))
}

async fn create_address(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    Path(requested): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, GlueError> {
    own(customer, &requested)?;
    let attributes: wire::AddressAttributes = parse_body(&body)?;
    let created = state
        .with_store(move |s| {
            let mut postal = PostalAddress {
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
            };
            apply_address(&mut postal, &attributes);
            let created = s.create_address(customer, &postal)?;
            apply_defaults(s, customer, &created.id, &attributes)
        })
        .await
        .map_err(address_error)?;
    Ok(glue_json(
        StatusCode::CREATED,
        &wire::Document {
            data: address_resource(&state, customer, created),
            links: None,
        },
    ))
}

async fn update_address(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    Path((requested, uuid)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Result<Response, GlueError> {
    own(customer, &requested)?;
    let id = store_address_id(&uuid)?;
    let attributes: wire::AddressAttributes = parse_body(&body)?;
    let updated = state
        .with_store(move |s| {
            let mut postal = s
                .addresses(customer)?
                .into_iter()
                .find(|a| a.id == id)
                .ok_or_else(|| ShopError::NotFound(format!("address {id}")))?
                .postal;
            apply_address(&mut postal, &attributes);
            s.update_address(customer, &id, &postal)?;
            apply_defaults(s, customer, &id, &attributes)
        })
        .await
        .map_err(address_error)?;
    Ok(glue_json(
        StatusCode::OK,
        &wire::Document {
            data: address_resource(&state, customer, updated),
            links: None,
        },
    ))
}

async fn delete_address(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    Path((requested, uuid)): Path<(String, String)>,
) -> Result<Response, GlueError> {
    own(customer, &requested)?;
    let id = store_address_id(&uuid)?;
    state
        .with_store(move |s| s.delete_address(customer, &id))
        .await
        .map_err(address_error)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A query parameter of a raw query string (`page[offset]`, `include`).
fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn page_parameter(query: Option<&str>, name: &str) -> Result<Option<u64>, GlueError> {
    match query_value(query, name) {
        None => Ok(None),
        Some(text) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| GlueError::new(StatusCode::BAD_REQUEST, "007", "Request is invalid.")),
    }
}

fn orders_link(state: &DemoState, offset: u64, limit: u64) -> String {
    format!(
        "{}{PREFIX}/orders?page[offset]={offset}&page[limit]={limit}",
        state.base_url
    )
}

/// `GET /orders?page[offset]=N&page[limit]=M`, newest first, with JSON:API paging links:
/// `next` while more orders follow, `last` for the last page. Without `page[limit]` Glue lists
/// every order; the emulator stops at the store's page maximum.
async fn orders(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    RawQuery(query): RawQuery,
) -> Result<Response, GlueError> {
    let offset = page_parameter(query.as_deref(), "page[offset]")?.unwrap_or(0);
    let limit = page_parameter(query.as_deref(), "page[limit]")?
        .unwrap_or(u64::from(MAX_PAGE_LIMIT))
        .clamp(1, u64::from(MAX_PAGE_LIMIT));
    let request = PageRequest {
        offset,
        limit: limit as u32,
        filter: Default::default(),
    };
    let page = state
        .with_store(move |s| s.orders(customer, &request))
        .await?;
    let total = page.total.unwrap_or(offset + page.items.len() as u64);
    let last = total.saturating_sub(1) / limit * limit;
    let links = wire::Links {
        self_link: orders_link(&state, offset, limit),
        first: Some(orders_link(&state, 0, limit)),
        last: Some(orders_link(&state, last, limit)),
        prev: (offset > 0).then(|| orders_link(&state, offset.saturating_sub(limit), limit)),
        next: page
            .has_more
            .then(|| orders_link(&state, offset + page.items.len() as u64, limit)),
    };
    let data = page
        .items
        .into_iter()
        .map(|order| wire::Resource {
            kind: "orders".into(),
            links: Some(wire::Links::to(format!(
                "{}{PREFIX}/orders/{}",
                state.base_url, order.number
            ))),
            id: Some(order.number.to_string()),
            attributes: wire::OrderAttributes {
                created_at: Some(format_timestamp(order.placed_at)),
                totals: wire::OrderTotals {
                    grand_total: Some(minor(&order.total)),
                    ..Default::default()
                },
                currency_iso_code: Some(order.total.currency.to_string()),
                price_mode: None,
            },
        })
        .collect();
    Ok(glue_json(
        StatusCode::OK,
        &wire::Collection {
            data,
            links: Some(links),
        },
    ))
}

/// An amount in the currency's minor unit, as Glue sends every amount.
fn minor(money: &Money) -> i64 {
    let scaled = money.rounded().amount
        * rust_decimal::Decimal::from(10_i64.pow(money.currency.minor_digits()));
    rust_decimal::prelude::ToPrimitive::to_i64(&scaled.trunc()).unwrap_or_default()
}

fn order_address(postal: PostalAddress) -> wire::OrderAddress {
    wire::OrderAddress {
        salutation: None,
        country: country_name(&postal.country).map(str::to_owned),
        iso2_code: Some(postal.country),
        first_name: Some(postal.first_name),
        last_name: Some(postal.last_name),
        address1: Some(postal.line1),
        address2: postal.line2,
        address3: None,
        company: postal.company,
        city: Some(postal.city),
        zip_code: Some(postal.postcode),
        phone: postal.phone,
    }
}

/// The state-machine state Glue would give an item: from its parcel when it has one, else from
/// the order's status (Spryker keeps states per item, not per order).
fn item_state(status: OrderStatus, parcel: Option<ShipmentState>) -> &'static str {
    match (status, parcel) {
        (OrderStatus::Cancelled, _) => "canceled",
        (OrderStatus::Refunded, _) => "refunded",
        (_, Some(ShipmentState::Preparing)) => "exported",
        (_, Some(ShipmentState::Delivered)) => "delivered",
        (_, Some(ShipmentState::Returned)) => "returned",
        (_, Some(ShipmentState::InTransit | ShipmentState::Other)) => "shipped",
        (OrderStatus::Pending, None) => "new",
        (OrderStatus::Shipped, None) => "shipped",
        (OrderStatus::Delivered, None) => "delivered",
        (_, None) => "exported",
    }
}

/// `GET /orders/{orderReference}`; with `include=order-shipments` the parcels come as
/// `order-shipments` resources naming their items. Each order line is one item here: the demo
/// ships lines whole, each in one parcel, which is what Glue's items are (one shipment each).
async fn order(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    Path(number): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, GlueError> {
    let include_shipments = query_value(query.as_deref(), "include")
        .is_some_and(|list| list.split(',').any(|r| r.trim() == "order-shipments"));
    let wanted = OrderNumber(number.clone());
    let detail = state
        .with_store(move |s| s.order(customer, &wanted))
        .await
        .map_err(|e| match e {
            ShopError::NotFound(_) => GlueError::new(
                StatusCode::NOT_FOUND,
                codes::ORDER_NOT_FOUND,
                "Can't find order by the given order reference",
            ),
            other => GlueError::from(other),
        })?;
    let summary = &detail.summary;
    let currency = summary.total.currency;
    let parcel_of = |code: &ProductCode| {
        detail
            .shipments
            .iter()
            .position(|parcel| parcel.lines.iter().any(|l| &l.code == code))
    };
    let items: Vec<wire::OrderItem> = detail
        .lines
        .iter()
        .enumerate()
        .map(|(position, line)| {
            let parcel = parcel_of(&line.code).map(|i| detail.shipments[i].state);
            wire::OrderItem {
                name: Some(line.name.clone()),
                sku: Some(line.code.to_string()),
                quantity: Some(line.quantity),
                unit_price: Some(minor(&line.unit_price)),
                sum_price: Some(minor(&line.line_total)),
                unit_gross_price: Some(minor(&line.unit_price)),
                sum_gross_price: Some(minor(&line.line_total)),
                uuid: Some(format!("{number}-item-{}", position + 1)),
                state: Some(item_state(summary.status, parcel).to_owned()),
            }
        })
        .collect();
    let parcels: Vec<wire::Resource<serde_json::Value>> = detail
        .shipments
        .iter()
        .enumerate()
        .map(|(index, parcel)| {
            let item_uuids = detail
                .lines
                .iter()
                .zip(&items)
                .filter(|(line, _)| parcel_of(&line.code) == Some(index))
                .filter_map(|(_, item)| item.uuid.clone())
                .collect();
            let attributes = wire::OrderShipmentAttributes {
                item_uuids,
                shipping_address: detail.shipping_address.clone().map(order_address),
                method_name: Some(parcel.service.clone().unwrap_or_else(|| "Standard".into())),
                carrier_name: Some(parcel.carrier.clone()),
                requested_delivery_date: None,
            };
            wire::Resource {
                kind: "order-shipments".into(),
                id: Some(parcel.id.clone()),
                attributes: serde_json::to_value(attributes).unwrap_or_default(),
                links: None,
            }
        })
        .collect();
    let mut methods: Vec<wire::OrderShipmentMethod> = Vec::new();
    for parcel in &detail.shipments {
        let method = wire::OrderShipmentMethod {
            shipment_method_name: Some(parcel.service.clone().unwrap_or_else(|| "Standard".into())),
            carrier_name: Some(parcel.carrier.clone()),
            currency_iso_code: Some(currency.to_string()),
        };
        if !methods.iter().any(|m| {
            m.carrier_name == method.carrier_name
                && m.shipment_method_name == method.shipment_method_name
        }) {
            methods.push(method);
        }
    }
    let totals = &detail.totals;
    // Gross prices hold the tax; net ones add it on top.
    let gross = totals
        .items
        .amount
        .checked_sub(totals.discounts.amount)
        .and_then(|a| a.checked_add(totals.shipping.amount))
        == Some(totals.grand_total.amount);
    let attributes = wire::OrderDetailAttributes {
        created_at: Some(format_timestamp(summary.placed_at)),
        totals: wire::OrderTotals {
            expense_total: Some(minor(&totals.shipping)),
            discount_total: Some(minor(&totals.discounts)),
            tax_total: Some(minor(&totals.tax)),
            subtotal: Some(minor(&totals.items)),
            grand_total: Some(minor(&totals.grand_total)),
            canceled_total: Some(0),
            remuneration_total: Some(0),
        },
        currency_iso_code: Some(currency.to_string()),
        price_mode: Some(if gross { "GROSS_MODE" } else { "NET_MODE" }.into()),
        items,
        billing_address: detail.billing_address.clone().map(order_address),
        shipping_address: detail.shipping_address.clone().map(order_address),
        payments: vec![wire::OrderPayment {
            amount: Some(minor(&totals.grand_total)),
            payment_provider: Some("DummyPayment".into()),
            payment_method: Some("Invoice".into()),
        }],
        shipments: methods,
    };
    let relationships = include_shipments.then(|| wire::OrderRelationships {
        order_shipments: wire::RelationshipData {
            data: parcels
                .iter()
                .filter_map(|p| {
                    p.id.clone().map(|id| wire::Identifier {
                        kind: "order-shipments".into(),
                        id,
                    })
                })
                .collect(),
        },
    });
    let document = wire::OrderDocument {
        data: wire::OrderResource {
            kind: "orders".into(),
            id: Some(number.clone()),
            attributes,
            links: Some(wire::Links::to(format!(
                "{}{PREFIX}/orders/{number}",
                state.base_url
            ))),
            relationships,
        },
        included: if include_shipments {
            parcels
        } else {
            Vec::new()
        },
        links: None,
    };
    Ok(glue_json(StatusCode::OK, &document))
}

/// `PATCH /customer-password/{customerReference}`: 204, or Glue's 400 "408" for a wrong
/// current password. The sessions are left as they are: the Glue specification and the
/// customer-password documentation say nothing of ending tokens on a change, so the emulator
/// does not invent it (a shop that does end them answers the connector's next call with 401,
/// which the connector already handles as an expired session).
async fn change_password(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    Path(requested): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, GlueError> {
    own(customer, &requested)?;
    let request: wire::PasswordChangeRequest = parse_body(&body)?;
    if request.new_password != request.confirm_password {
        return Err(GlueError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::PASSWORDS_DO_NOT_MATCH,
            "Value in field newPassword should be identical to value in the confirmPassword \
             field.",
        ));
    }
    let result = state
        .with_store(move |s| s.change_password(customer, &request.password, &request.new_password))
        .await;
    match result {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(ShopError::Validation { fields, .. })
            if fields.iter().any(|f| f.field == "current_password") =>
        {
            Err(GlueError::new(
                StatusCode::BAD_REQUEST,
                codes::INVALID_PASSWORD,
                "Invalid password",
            ))
        }
        Err(error) => Err(GlueError::from_store(
            error,
            &[("new_password", "newPassword")],
        )),
    }
}

/// `POST /customer-forgotten-password`: 204 whether the e-mail is known or not; a known one gets
/// the store's reset mail (in the demo outbox) with the key.
async fn forgotten_password(
    State(state): State<DemoState>,
    body: axum::body::Bytes,
) -> Result<Response, GlueError> {
    let request: wire::ForgottenPasswordRequest = parse_body(&body)?;
    let email = request.email.trim().to_owned();
    if !crate::model::validate::is_plausible_email(&email) {
        return Err(GlueError::unprocessable(
            "email => This value is not a valid email address.",
        ));
    }
    let base = state.base_url.to_string();
    state
        .with_store(move |s| s.request_password_reset(&email, &base))
        .await
        .map_err(|e| GlueError::from_store(e, &[]))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `PATCH /customer-restore-password/{id}`: the key in the body sets the new password (Glue reads
/// the body's `restorePasswordKey`; the path only names the resource). A bad key is 422 "415".
async fn restore_password(
    State(state): State<DemoState>,
    Path(_id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, GlueError> {
    let request: wire::RestorePasswordRequest = parse_body(&body)?;
    if request.password != request.confirm_password {
        return Err(GlueError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::PASSWORDS_DO_NOT_MATCH,
            "Value in field password should be identical to value in the confirmPassword field.",
        ));
    }
    let result = state
        .with_store(move |s| {
            s.reset_password(request.restore_password_key.trim(), &request.password)
                .map(|_| ())
        })
        .await;
    match result {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(ShopError::Validation { fields, .. }) if fields.iter().any(|f| f.field == "key") => {
            Err(GlueError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                codes::RESTORE_KEY_INVALID,
                "Restore password key is not valid.",
            ))
        }
        Err(error) => Err(GlueError::from_store(
            error,
            &[("new_password", "password")],
        )),
    }
}
