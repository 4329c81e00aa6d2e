//! The demo shop's OAuth 2.0 authorization server (oxide-auth): RFC 8414 metadata, authorization
//! code with PKCE S256, refresh with rotation, RFC 7009 revocation, and the Customer API's
//! client-credentials grant for per-customer API credentials.

use super::state::DemoState;
use super::store::CustomerKey;
use axum::Router;
use std::time::Duration;

/// Why a bearer token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BearerError {
    /// The token was valid but its lifetime is over: 401 `invalid_token`.
    Expired,
    /// Unknown, revoked or malformed: 400 `access_denied` (as the Customer API documents).
    Invalid,
}

pub struct AuthServer {}

impl AuthServer {
    pub fn new(token_ttl: Duration) -> AuthServer {
        todo!()
    }

    /// The customer a bearer token belongs to.
    pub fn customer_for_bearer(&self, token: &str) -> Result<CustomerKey, BearerError> {
        todo!()
    }
}

/// `/.well-known/oauth-authorization-server`, `/oauth/authorize`, `/oauth/token`, `/oauth/revoke`,
/// `/api/customer/oauth/access-token`, `/api/customer/api-credentials…`.
pub fn routes() -> Router<DemoState> {
    todo!()
}
