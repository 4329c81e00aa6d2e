//! Spryker's Glue API, as much of it as the connector uses, served over the demo store under
//! `/spryker` (so `shopterm demo --platform spryker` and the tests run without a Spryker shop).
//! Connected: tokens, the customer (read and edit), the address book, orders (paged list and
//! detail with `order-shipments`), the password (change, forgotten, restore), the store, concrete
//! products with prices and availability, carts (listed, made, read, deleted; a shop without
//! multi-cart on request) and their items, `cart-reorder`, checkout, and the B2B schema's
//! shopping lists (`shopping_lists`; a B2C shop on request).
//! Answers follow the Glue specification (`tests/specs/spryker/spryker_rest_api.schema.yml`,
//! checked through Prism in tests/platform_spryker.rs) and Glue's documented error codes.
//!
//! The files: `tokens` (sign-in, refresh, sign-out), `customers` (the customer and its
//! password), `addresses` (the address book), `orders` (the paged list and one order's detail),
//! `carts` (carts, items and `cart-reorder`, kept in memory), `checkout` (store, products,
//! `checkout-data`, `checkout`).

mod addresses;
mod carts;
mod checkout;
mod customers;
mod orders;
mod shopping_lists;
mod tokens;

use crate::demo::state::DemoState;
use crate::demo::store::CustomerKey;
use crate::platforms::spryker::wire::{self, codes};
use addresses::{address, addresses, create_address, delete_address, update_address};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
pub use carts::set_single_cart;
use customers::{
    anonymise_customer, change_password, create_customer, customer, customers, forgotten_password,
    restore_password, update_customer,
};
use orders::{order, orders};
use serde::Serialize;
pub use shopping_lists::set_b2c;
use tokens::{access_tokens, refresh_tokens, revoke_refresh_token};

/// Where the demo shop serves this emulator.
pub const PREFIX: &str = "/spryker";
const PLATFORM: &str = crate::platforms::spryker::PLATFORM.name;

pub fn routes() -> Router<DemoState> {
    Router::new()
        .route("/access-tokens", post(access_tokens))
        .route("/refresh-tokens", post(refresh_tokens))
        .route("/refresh-tokens/{id}", delete(revoke_refresh_token))
        .route("/customers", get(customers).post(create_customer))
        .route(
            "/customers/{reference}",
            get(customer)
                .patch(update_customer)
                .delete(anonymise_customer),
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
        .route("/stores", get(checkout::stores))
        .route("/concrete-products/{sku}", get(checkout::concrete_product))
        .route("/carts", get(carts::list_carts).post(carts::create_cart))
        .route(
            "/carts/{id}",
            get(carts::get_cart).delete(carts::delete_cart),
        )
        .route("/carts/{id}/items", post(carts::add_item))
        .route(
            "/carts/{id}/items/{item}",
            patch(carts::update_item).delete(carts::delete_item),
        )
        .route("/cart-reorder", post(carts::cart_reorder))
        .route("/checkout-data", post(checkout::checkout_data))
        .route("/checkout", post(checkout::checkout))
        .route("/shopping-lists", get(shopping_lists::shopping_lists))
        .route("/shopping-lists/{id}", get(shopping_lists::shopping_list))
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
        GlueError::refused(codes::UNPROCESSABLE, detail)
    }

    /// A 422 with its own code (carts, checkout and cart-reorder answer so).
    fn refused(code: &'static str, detail: impl Into<String>) -> GlueError {
        GlueError::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
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
        let mut response = glue_json(self.status, &body);
        // RFC 6750 §3: an invalid or expired bearer token carries the Bearer challenge.
        if body.errors.iter().any(|e| {
            e.code.as_deref() == Some(codes::INVALID_ACCESS_TOKEN) && e.status == Some(401)
        }) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                crate::demo::http::bearer_challenge("Invalid access token."),
            );
        }
        response
    }
}

fn glue_json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, wire::MEDIA_TYPE)], bytes).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A collection of resources with its own `self` link (`path` under the emulator's prefix).
fn glue_collection<A: Serialize>(
    state: &DemoState,
    path: &str,
    data: Vec<wire::Resource<A>>,
) -> Response {
    let links = Some(wire::Links::to(format!("{}{PREFIX}{path}", state.base_url)));
    glue_json(StatusCode::OK, &wire::Collection { data, links })
}

/// Whether the raw query's `include` list names `resource`.
fn includes(query: Option<&str>, resource: &str) -> bool {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .any(|(key, value)| key == "include" && value.split(',').any(|r| r.trim() == resource))
}

/// One resource as a Glue document (`{"data": …}`, no links).
fn glue_document<A: Serialize>(status: StatusCode, data: wire::Resource<A>) -> Response {
    glue_json(status, &wire::Document { data, links: None })
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
            .emulator_logins
            .customer(PLATFORM, token)
            .map(Customer)
            .map_err(|_| GlueError::invalid_token())
    }
}

/// The signed-in customer ([`Customer`]) at a path of their own, `/customers/{reference}/…`: the
/// route's first parameter is their reference, else Glue's "unauthorized request"
/// ([`customers::own`]). Holds the customer and that reference.
struct OwnCustomer(CustomerKey, String);

impl FromRequestParts<DemoState> for OwnCustomer {
    type Rejection = GlueError;

    async fn from_request_parts(parts: &mut Parts, state: &DemoState) -> Result<Self, GlueError> {
        let Customer(customer) = Customer::from_request_parts(parts, state).await?;
        let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|_| GlueError::unauthorized_request())?;
        let requested = params.into_iter().next().map(|(_, value)| value);
        let requested = requested.unwrap_or_default();
        customers::own(customer, &requested)?;
        Ok(OwnCustomer(customer, requested))
    }
}

/// A request body's `data.attributes` as `A` ([`parse_body`]: Glue's 400 "007" where it is not).
struct GlueBody<A>(A);

impl<A: serde::de::DeserializeOwned> FromRequest<DemoState> for GlueBody<A> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &DemoState) -> Result<Self, Response> {
        let body = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        parse_body(&body)
            .map(GlueBody)
            .map_err(IntoResponse::into_response)
    }
}
