//! The demo shop's OAuth 2.0 authorization server (oxide-auth): RFC 8414 metadata, authorization
//! code with PKCE S256, refresh with rotation, RFC 7009 revocation, and the Customer API's
//! client-credentials grant for per-customer API credentials.
//!
//! How the pieces fit:
//!
//! - oxide-auth runs every grant: [`AuthorizationFlow`] for `/oauth/authorize`,
//!   [`AccessTokenFlow`] and [`RefreshFlow`] for `/oauth/token`, [`ClientCredentialsFlow`] for
//!   API credentials. Its primitives (an [`AuthMap`] of codes, a [`TokenMap`] of tokens) live behind
//!   one `std::sync::Mutex` that is held only while a flow runs, never across an `.await`.
//! - The sign-in is a plain HTML form (no JavaScript, no cookies): the OAuth request travels in
//!   hidden fields, is validated again by oxide-auth on every step, and a correct password yields a
//!   short-lived, single-use login ticket that the consent form carries.
//! - Where oxide-auth 0.6 falls short the gap is filled here and says so: loopback redirect URIs
//!   with any port (its `IgnorePortOnLocalhost` ignores the port only for the host name
//!   `localhost`, which RFC 8252 §8.3 advises against), refresh tokens outliving their access token,
//!   revoking a refresh token's access token, and noticing replayed codes and refresh tokens.
//! - [`SignedIn`] (in `bearer`) is the extractor the shop API uses for "the customer behind the bearer token".
//!
//! Tokens, codes, tickets and passwords are never logged and no type holding them derives `Debug`.
//!
//! The files: `primitives` (oxide-auth's request, registrars, code and token stores), `pages`
//! (the HTML sign-in, consent and error pages), `authorize` (`/oauth/authorize`), `token`
//! (`/oauth/token` and `/oauth/revoke`), `bearer` (the bearer-token extractors), `credentials`
//! (the Customer API's access-token endpoint and API-credential endpoints), `throttle` (failed
//! sign-ins lock an account or client address for a while).

mod authorize;
mod bearer;
mod credentials;
mod pages;
mod primitives;
pub mod throttle;
mod token;

pub use bearer::{SignedIn, bearer_grant, bearer_token};
pub use credentials::{
    CreatedApiCredential, CustomerApiAccessToken, CustomerApiOAuthError, NewApiCredential,
};

use super::state::DemoState;
use super::store::CustomerKey;
use authorize::{authorize, authorize_form, metadata};
use axum::Router;
use axum::routing::{delete, get};
use chrono::{TimeDelta, Utc};
use credentials::{
    create_credential, customer_api_access_token, delete_credential, list_credentials,
};
use oxide_auth::endpoint::{
    AccessTokenFlow, AuthorizationFlow, ClientCredentialsFlow, OwnerConsent, RefreshFlow,
    Solicitation,
};
use oxide_auth::frontends::simple::endpoint::{FnSolicitor, Generic, Vacant};
use oxide_auth::frontends::simple::extensions::{AddonList, Extended, Pkce};
use oxide_auth::primitives::issuer::Issuer;
use oxide_auth_axum::OAuthResponse;
use pages::AuthorizeParams;
use primitives::{
    AppRegistrar, CodeFamily, Codes, FlowRequest, FlowResult, Responder, Tokens,
    VerifiedCredential, random_token,
};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use token::{TokenFailure, revoke, token};

/// The one registered app: shopterm itself, a public native client (RFC 8252).
pub const CLIENT_ID: &str = "shopterm";

/// Its redirect URIs; any port is accepted on them (RFC 8252 §7.3). `localhost` is not one of
/// them on purpose (RFC 8252 §8.3).
pub const REDIRECT_URIS: [&str; 2] = ["http://127.0.0.1/callback", "http://[::1]/callback"];

/// Every scope the demo shop knows: `account` (the account and its address book) and `orders`
/// (order history and placing orders).
pub const SCOPES: [&str; 2] = ["account", "orders"];

/// What every token is granted, and what the shop API requires of a token.
pub const DEFAULT_SCOPE: &str = "account orders";

/// How long a refresh token lives (each rotation starts a new one).
pub const REFRESH_TOKEN_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// How long a login ticket (password checked, consent not yet given) stays usable.
const LOGIN_TICKET_TTL: Duration = Duration::from_secs(10 * 60);

/// How long an expired access token is still recognised as *expired* (401 `invalid_token`, "sign
/// in again") before it is forgotten and becomes merely unknown.
const KEEP_EXPIRED: TimeDelta = TimeDelta::days(1);

/// [`REFRESH_TOKEN_TTL`] as oxide-auth's time type.
const REFRESH_TTL: TimeDelta = TimeDelta::seconds(REFRESH_TOKEN_TTL.as_secs() as i64);

const WRONG_LOGIN: &str = "Wrong e-mail or password.";

const PKCE_REQUIRED: &str =
    "PKCE is required: send code_challenge with code_challenge_method=S256 (plain is refused)";

/// Why a bearer token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BearerError {
    /// The token was valid but its lifetime is over: 401 `invalid_token`.
    Expired,
    /// Unknown, revoked or malformed: also 401 `invalid_token` (RFC 6750 §3.1).
    Invalid,
}

/// Who a valid bearer token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BearerGrant {
    pub customer: CustomerKey,
    /// [`CLIENT_ID`] for a customer signed in through the app; a credential's id for a token from
    /// the client-credentials grant.
    pub client_id: String,
}

/// The authorization server of one demo shop: the registered app, the codes, tokens and login
/// tickets it has issued. Shared by all handlers through [`DemoState`].
pub struct AuthServer {
    token_ttl: Duration,
    registrar: AppRegistrar,
    /// PKCE (required, S256 only) and the code-family marker; cloned into each flow (it is a list
    /// of `Arc`s).
    addons: AddonList,
    grants: Mutex<Grants>,
    tickets: Mutex<HashMap<String, LoginTicket>>,
    /// Failed passwords at the sign-in form, per account and client address.
    throttle: throttle::SignInThrottle,
}

impl std::fmt::Debug for AuthServer {
    /// Shows no token, code or ticket.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthServer")
            .field("token_ttl", &self.token_ttl)
            .finish_non_exhaustive()
    }
}

/// oxide-auth's mutable primitives, locked together: a code exchange touches both.
struct Grants {
    codes: Codes,
    tokens: Tokens,
}

/// A customer whose password was right, waiting for their consent.
struct LoginTicket {
    customer: CustomerKey,
    /// The authorization request it was issued for ([`AuthorizeParams::fingerprint`]), so a
    /// ticket cannot be carried over to another request.
    request: [u8; 32],
    expires: Instant,
}

impl AuthServer {
    pub fn new(token_ttl: Duration) -> AuthServer {
        let mut addons = AddonList::new();
        // RFC 7636 is mandatory for this public client and `Pkce::required()` refuses `plain`.
        addons.push_code(Pkce::required());
        addons.push_code(CodeFamily);
        // Out-of-range lifetimes (centuries) are clamped rather than refused: it is a demo knob.
        let ttl = TimeDelta::from_std(token_ttl).unwrap_or(TimeDelta::days(3650));
        AuthServer {
            token_ttl,
            registrar: AppRegistrar::new(),
            addons,
            grants: Mutex::new(Grants {
                codes: Codes::new(),
                tokens: Tokens::new(ttl),
            }),
            tickets: Mutex::new(HashMap::new()),
            throttle: throttle::SignInThrottle::new(throttle::ThrottlePolicy::default()),
        }
    }

    /// Lifetime of access tokens.
    pub fn token_ttl(&self) -> Duration {
        self.token_ttl
    }

    /// The customer a bearer token belongs to.
    pub fn customer_for_bearer(&self, token: &str) -> Result<CustomerKey, BearerError> {
        self.grant_for_bearer(token).map(|grant| grant.customer)
    }

    /// The customer and client a bearer token belongs to. A token must hold [`DEFAULT_SCOPE`].
    pub fn grant_for_bearer(&self, token: &str) -> Result<BearerGrant, BearerError> {
        let grant = self
            .lock_grants()
            .tokens
            .map
            .recover_token(token)
            .ok()
            .flatten()
            .ok_or(BearerError::Invalid)?;
        if grant.until <= Utc::now() {
            return Err(BearerError::Expired);
        }
        if !self.registrar.scope.allow_access(&grant.scope) {
            return Err(BearerError::Invalid);
        }
        let customer = grant
            .owner_id
            .parse::<CustomerKey>()
            .map_err(|_| BearerError::Invalid)?;
        Ok(BearerGrant {
            customer,
            client_id: grant.client_id,
        })
    }

    /// Ends an access or refresh token (a refresh token takes its current access token along).
    /// Unknown tokens are ignored.
    pub fn revoke_token(&self, token: &str) {
        self.lock_grants().tokens.revoke(token);
    }

    /// Ends every access token issued to an API credential (used when the credential is deleted).
    pub fn revoke_client_tokens(&self, client_id: &str) {
        self.lock_grants().tokens.revoke_client(client_id);
    }

    /// Poisoning means a panic while the maps were being changed; they are still memory-safe and
    /// at worst hold a token too many, which is better for a demo than refusing all sign-ins.
    fn lock_grants(&self) -> MutexGuard<'_, Grants> {
        self.grants.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lock_tickets(&self) -> MutexGuard<'_, HashMap<String, LoginTicket>> {
        self.tickets.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn expires_in(&self) -> i64 {
        i64::try_from(self.token_ttl.as_secs().max(1)).unwrap_or(i64::MAX)
    }

    fn issue_ticket(&self, customer: CustomerKey, params: &AuthorizeParams) -> String {
        let ticket = random_token();
        let now = Instant::now();
        let mut tickets = self.lock_tickets();
        tickets.retain(|_, t| t.expires > now);
        tickets.insert(
            ticket.clone(),
            LoginTicket {
                customer,
                request: params.fingerprint(),
                expires: now + LOGIN_TICKET_TTL,
            },
        );
        ticket
    }

    /// Single use: the ticket is gone after this call, whatever the answer.
    fn redeem_ticket(&self, ticket: &str, params: &AuthorizeParams) -> Option<CustomerKey> {
        let found = self.lock_tickets().remove(ticket)?;
        (found.expires > Instant::now() && found.request == params.fingerprint())
            .then_some(found.customer)
    }

    /// Runs oxide-auth's authorization flow; `solicitor` decides (sign-in page, consent page,
    /// allow, deny) once the request has been validated.
    fn authorize<F>(&self, request: FlowRequest, solicitor: F) -> FlowResult
    where
        F: FnMut(&mut FlowRequest, Solicitation<'_>) -> OwnerConsent<OAuthResponse>,
    {
        let mut grants = self.lock_grants();
        let endpoint = Extended::extend_with(
            Generic {
                registrar: &self.registrar,
                authorizer: &mut grants.codes,
                issuer: Vacant,
                solicitor: FnSolicitor(solicitor),
                scopes: Vacant,
                response: Responder::Authorize,
            },
            self.addons.clone(),
        );
        AuthorizationFlow::<_, FlowRequest>::prepare(endpoint)
            .and_then(|mut flow| flow.execute(request))
    }

    /// `grant_type=authorization_code`, after the caller checked the request's syntax.
    fn exchange_code(&self, request: FlowRequest) -> FlowResult {
        let mut grants = self.lock_grants();
        let Grants { codes, tokens } = &mut *grants;
        let endpoint = Extended::extend_with(
            Generic {
                registrar: &self.registrar,
                authorizer: &mut *codes,
                issuer: &mut *tokens,
                solicitor: Vacant,
                scopes: Vacant,
                response: Responder::CodeExchange,
            },
            self.addons.clone(),
        );
        let result = AccessTokenFlow::<_, FlowRequest>::prepare(endpoint)
            .and_then(|mut flow| flow.execute(request));
        // RFC 6749 §4.1.2: a code used twice is refused (oxide-auth did) and what was issued for
        // it SHOULD be revoked: the first redemption may have been an attacker's.
        for family in codes.take_replayed() {
            tracing::warn!("an authorization code was presented twice; revoking its tokens");
            tokens.revoke_family(&family);
        }
        result
    }

    /// `grant_type=refresh_token`. `client_id`, when sent, must be the one the token was issued to.
    fn refresh(
        &self,
        request: FlowRequest,
        refresh_token: &str,
        client_id: Option<&str>,
    ) -> Result<OAuthResponse, TokenFailure> {
        let mut grants = self.lock_grants();
        // OAuth 2.0 Security BCP §4.14.2: a rotated-away refresh token presented again means two
        // parties hold it; end the sign-in so neither keeps access.
        if let Some(family) = grants.tokens.retired_family(refresh_token) {
            tracing::warn!("a rotated refresh token was presented again; revoking the sign-in");
            grants.tokens.revoke_family(&family);
        }
        if let (Some(client_id), Ok(Some(grant))) =
            (client_id, grants.tokens.recover_refresh(refresh_token))
            && grant.client_id != client_id
        {
            return Err(TokenFailure::invalid_grant(
                "The refresh token was not issued to this client",
            ));
        }
        let endpoint = Generic {
            registrar: &self.registrar,
            authorizer: Vacant,
            issuer: &mut grants.tokens,
            solicitor: Vacant,
            scopes: Vacant,
            response: Responder::Plain,
        };
        RefreshFlow::<_, FlowRequest>::prepare(endpoint)
            .and_then(|mut flow| flow.execute(request))
            .map_err(TokenFailure::internal)
    }

    /// The client-credentials grant for an API credential the store has already verified.
    fn issue_for_credential(
        &self,
        request: FlowRequest,
        credential: VerifiedCredential,
    ) -> FlowResult {
        let owner = credential.customer.to_string();
        let mut grants = self.lock_grants();
        let endpoint = Generic {
            registrar: &credential,
            authorizer: Vacant,
            issuer: &mut grants.tokens,
            solicitor: FnSolicitor(move |_: &mut FlowRequest, _: Solicitation<'_>| {
                OwnerConsent::Authorized(owner.clone())
            }),
            scopes: Vacant,
            response: Responder::Plain,
        };
        ClientCredentialsFlow::<_, FlowRequest>::prepare(endpoint).and_then(|mut flow| {
            // The Customer API sends client_id and client_secret in the form body.
            flow.allow_credentials_in_body(true);
            flow.execute(request)
        })
    }

    /// RFC 7009 for `client_id`: unknown tokens are fine, another client's token is refused.
    fn revoke_for_client(&self, token: &str, client_id: &str) -> Result<(), ()> {
        let mut grants = self.lock_grants();
        match grants.tokens.grant_of(token) {
            Some(grant) if grant.client_id != client_id => Err(()),
            Some(_) => {
                grants.tokens.revoke(token);
                Ok(())
            }
            None => Ok(()),
        }
    }
}

/// `/.well-known/oauth-authorization-server`, `/oauth/authorize`, `/oauth/token`, `/oauth/revoke`,
/// `/api/customer/oauth/access-token`, `/api/customer/api-credentials…`.
///
/// The sign-in and consent forms both post to `/oauth/authorize`, told apart by the hidden field
/// `step` (`sign_in`, `consent`).
pub fn routes() -> Router<DemoState> {
    Router::new()
        .route("/.well-known/oauth-authorization-server", get(metadata))
        .route("/oauth/authorize", get(authorize).post(authorize_form))
        .route("/oauth/token", axum::routing::post(token))
        .route("/oauth/revoke", axum::routing::post(revoke))
        .route(
            "/api/customer/oauth/access-token",
            axum::routing::post(customer_api_access_token),
        )
        .route(
            "/api/customer/api-credentials",
            get(list_credentials).post(create_credential),
        )
        .route(
            "/api/customer/api-credentials/{client_id}",
            delete(delete_credential),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_are_single_use_and_bound_to_the_request() {
        let auth = AuthServer::new(Duration::from_secs(60));
        let params = AuthorizeParams::from_pairs([("client_id", "shopterm"), ("state", "s")]);
        let other = AuthorizeParams::from_pairs([("client_id", "shopterm"), ("state", "t")]);
        let ticket = auth.issue_ticket(7, &params);
        assert_eq!(auth.redeem_ticket(&ticket, &params), Some(7));
        assert_eq!(auth.redeem_ticket(&ticket, &params), None);
        let ticket = auth.issue_ticket(7, &params);
        assert_eq!(auth.redeem_ticket(&ticket, &other), None);
        assert_eq!(
            auth.redeem_ticket(&ticket, &params),
            None,
            "spent by the failed try"
        );
    }
}
