//! Spryker's Glue API, as much of it as the connector uses, served over the demo store under
//! `/spryker` (so `shopterm demo --platform spryker` and the tests run without a Spryker shop).
//! Answers follow the Glue specification (`tests/specs/spryker/spryker_rest_api.schema.yml`,
//! checked through Prism in tests/platform_spryker.rs) and Glue's documented error codes.

use super::client::format_timestamp;
use super::wire::{self, codes};
use crate::demo::sessions::TokenProblem;
use crate::demo::state::DemoState;
use crate::demo::store::CustomerKey;
use axum::Router;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
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
        .route("/customers/{reference}", get(customer))
}

/// A Glue error answer: `{"errors": [{"status", "code", "detail"}]}`.
#[derive(Debug)]
pub struct GlueError {
    status: StatusCode,
    code: &'static str,
    detail: String,
}

impl GlueError {
    fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> GlueError {
        GlueError {
            status,
            code,
            detail: detail.into(),
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
}

impl From<crate::shop::ShopError> for GlueError {
    fn from(error: crate::shop::ShopError) -> GlueError {
        use crate::shop::ShopError::*;
        match error {
            NotFound(what) => GlueError::new(StatusCode::NOT_FOUND, "404", what),
            other => GlueError::new(StatusCode::INTERNAL_SERVER_ERROR, "500", other.to_string()),
        }
    }
}

impl IntoResponse for GlueError {
    fn into_response(self) -> Response {
        let body = wire::Errors {
            errors: vec![wire::ErrorItem {
                status: Some(self.status.as_u16()),
                code: Some(self.code.to_owned()),
                detail: Some(self.detail),
            }],
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
        links: Some(wire::Links {
            self_link: format!("{}{PREFIX}/{kind}", state.base_url),
        }),
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
        links: Some(wire::Links {
            self_link: format!("{}{PREFIX}/customers/{reference}", state.base_url),
        }),
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
                links: Some(wire::Links {
                    self_link: format!("{}{PREFIX}/customers", state.base_url),
                }),
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
        return GlueError::new(StatusCode::FORBIDDEN, "411", "Unauthorized request.")
            .into_response();
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
