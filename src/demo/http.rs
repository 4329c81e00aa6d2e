//! HTTP conventions of the demo shop's API, as the Customer API documents them: JSON error bodies
//! `{"error", "error_description", "status"}` (plus `fields` for validation), 400
//! `access_denied` for a request without a bearer token. An expired, revoked or unknown token is
//! 401 `invalid_token` with `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750 §3), so a
//! client can tell "sign in again" from a bad request. Also what every sign-in of the demo needs
//! from HTTP: the client's address (for throttling) and `Retry-After` on a locked sign-in.

use crate::demo::oauth::throttle::Locked;
pub use crate::platforms::customer_api::wire::ErrorBody;
use crate::shop::ShopError;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::net::{IpAddr, SocketAddr};

/// `response` with `Retry-After` saying how long a sign-in lock lasts (whole seconds, at least
/// 1): the demo's sign-in form, and the emulators whose platform does not say it otherwise.
pub fn with_retry_after(mut response: Response, locked: Locked) -> Response {
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(locked.retry_after_secs()),
    );
    response
}

/// The client's address, where the server knows it (plain and TLS serving both record it): the
/// sign-in throttles count failures per address.
pub struct ClientAddress(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip()),
        ))
    }
}

/// An error answer: status, body and (for 429) a Retry-After header.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
    pub retry_after_secs: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, error: &str, description: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody {
                error: error.to_owned(),
                error_description: description.into(),
                status: status.as_u16(),
                fields: Vec::new(),
            },
            retry_after_secs: None,
        }
    }

    pub fn access_denied() -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "access_denied",
            "The resource owner or authorization server denied the request.",
        )
    }

    pub fn token_expired() -> ApiError {
        ApiError::invalid_token("The access token expired")
    }

    /// 401 `invalid_token`: the token is expired, revoked or unknown (RFC 6750 §3.1).
    pub fn invalid_token(description: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "invalid_token", description)
    }

    pub fn bad_request(description: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }
}

impl From<ShopError> for ApiError {
    fn from(error: ShopError) -> ApiError {
        let description = error.to_string();
        match error {
            ShopError::NotSignedIn => ApiError::invalid_token(description),
            ShopError::SessionExpired => ApiError::token_expired(),
            ShopError::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", m),
            ShopError::NotFound(m) => ApiError::new(StatusCode::NOT_FOUND, "not_found", m),
            ShopError::Validation { message, fields } => {
                let mut api = ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation_failed",
                    message,
                );
                api.body.fields = fields;
                api
            }
            ShopError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            ShopError::RateLimited { retry_after } => {
                let mut api =
                    ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", description);
                api.retry_after_secs = retry_after.map(|d| d.as_secs().max(1));
                api
            }
            ShopError::Server { message, .. } => {
                tracing::error!(%message, "demo shop internal error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server_error",
                    "The shop had an internal error",
                )
            }
            ShopError::Network(m) | ShopError::Protocol(m) => {
                ApiError::new(StatusCode::BAD_GATEWAY, "server_error", m)
            }
            ShopError::Unsupported(_) => {
                ApiError::new(StatusCode::NOT_IMPLEMENTED, "not_implemented", description)
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let challenge = (self.status == StatusCode::UNAUTHORIZED
            && self.body.error == "invalid_token")
            .then(|| bearer_challenge(&self.body.error_description));
        let mut response = (self.status, axum::Json(self.body)).into_response();
        if let Some(challenge) = challenge {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, challenge);
        }
        if let Some(value) = self
            .retry_after_secs
            .and_then(|secs| HeaderValue::from_str(&secs.to_string()).ok())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

/// `WWW-Authenticate: Bearer error="invalid_token", error_description="…"` (RFC 6750 §3), the
/// description cut to the characters a quoted `error_description` may hold.
pub fn bearer_challenge(description: &str) -> HeaderValue {
    let description: String = description
        .chars()
        .filter(|c| matches!(*c, ' ' | '!' | '#'..='[' | ']'..='~'))
        .collect();
    HeaderValue::from_str(&format!(
        "Bearer error=\"invalid_token\", error_description=\"{description}\""
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("Bearer error=\"invalid_token\""))
}

impl From<axum::extract::rejection::JsonRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::JsonRejection) -> ApiError {
        use axum::extract::rejection::JsonRejection;
        match rejection {
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "invalid_request",
                "The request body must be JSON with Content-Type: application/json",
            ),
            other => ApiError::bad_request(format!(
                "The request body is not valid: {}",
                other.body_text()
            )),
        }
    }
}

impl From<axum::extract::rejection::QueryRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::QueryRejection) -> ApiError {
        ApiError::bad_request(format!(
            "The query string is not valid: {}",
            rejection.body_text()
        ))
    }
}

/// `axum::Json`, with its rejections answered in the API's error shape.
#[derive(Debug, axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Query`, with its rejection answered in the API's error shape.
#[derive(Debug, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// The Customer API answers only compressed responses and refuses a request to `/api/…` whose
/// `Accept-Encoding` does not offer gzip (400), as its documentation says. The sign-in pages and
/// the OAuth endpoints are for browsers and OAuth libraries, and keep the usual rules.
pub async fn require_gzip(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let offers_gzip = request
        .headers()
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| {
            let mut parts = coding.trim().split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                matches!(
                    p.trim().replace(' ', "").as_str(),
                    "q=0" | "q=0.0" | "q=0.00" | "q=0.000"
                )
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        });
    if !offers_gzip {
        return ApiError::bad_request("The request must contain the header Accept-Encoding: gzip")
            .into_response();
    }
    next.run(request).await
}
