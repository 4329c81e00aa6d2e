//! Bearer tokens on API requests: reading the `Authorization` header and the extractors for "the
//! customer behind this token".

use super::{BearerError, BearerGrant, CLIENT_ID};
use crate::demo::http::ApiError;
use crate::demo::state::DemoState;
use crate::demo::store::CustomerKey;
use crate::shop::ShopError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

/// The token of an `Authorization: Bearer …` header (scheme case-insensitive), if there is exactly
/// one such header.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    let value = value.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The grant behind the request's bearer token, or the Customer API's error answer: a missing
/// token is 400 `access_denied`; an expired, unknown or revoked one 401 `invalid_token` with a
/// `WWW-Authenticate: Bearer` challenge (RFC 6750 §3.1), which clients read as "sign in again".
pub fn bearer_grant(state: &DemoState, headers: &HeaderMap) -> Result<BearerGrant, ApiError> {
    let token = bearer_token(headers).ok_or_else(ApiError::access_denied)?;
    state
        .auth
        .grant_for_bearer(token)
        .map_err(|error| match error {
            BearerError::Expired => ApiError::token_expired(),
            BearerError::Invalid => {
                ApiError::invalid_token("The access token is not valid: unknown or revoked")
            }
        })
}

/// The customer behind the request's `Authorization: Bearer` token, for handlers of the shop API:
/// `async fn account(State(state): State<DemoState>, SignedIn(customer): SignedIn) -> …`.
/// Rejections are [`ApiError::token_expired`] and [`ApiError::access_denied`] (see
/// [`bearer_grant`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedIn(pub CustomerKey);

impl FromRequestParts<DemoState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &DemoState) -> Result<Self, ApiError> {
        bearer_grant(state, &parts.headers).map(|grant| SignedIn(grant.customer))
    }
}

/// A customer signed in through the app. API credentials are managed by the customer in person
/// (the Customer API's "User Profile"), so a token from an API credential may not mint more.
pub(super) struct SignedInPerson(pub(super) CustomerKey);

impl FromRequestParts<DemoState> for SignedInPerson {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &DemoState) -> Result<Self, ApiError> {
        let grant = bearer_grant(state, &parts.headers)?;
        if grant.client_id != CLIENT_ID {
            return Err(ApiError::from(ShopError::Forbidden(
                "API credentials can only be managed after signing in, not with an API credential"
                    .to_owned(),
            )));
        }
        Ok(SignedInPerson(grant.customer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn bearer_header_parsing() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer_token(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer abc"),
        );
        assert_eq!(bearer_token(&headers), Some("abc"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&headers), None);
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer a"));
        headers.append(header::AUTHORIZATION, HeaderValue::from_static("Bearer b"));
        assert_eq!(bearer_token(&headers), None, "two headers are ambiguous");
    }
}
