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
//! - [`SignedIn`] is the extractor the shop API uses for "the customer behind the bearer token".
//!
//! Tokens, codes, tickets and passwords are never logged and no type holding them derives `Debug`.

use super::http::{ApiError, ApiJson};
use super::state::DemoState;
use super::store::{ApiCredential, CustomerKey};
use crate::shop::ShopError;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use oxide_auth::code_grant::accesstoken::TokenResponse;
use oxide_auth::code_grant::error::AccessTokenErrorType;
use oxide_auth::endpoint::{
    AccessTokenFlow, AuthorizationFlow, ClientCredentialsFlow, NormalizedParameter, OAuthError,
    OwnerConsent, PreGrant, QueryParameter, RefreshFlow, Scope, Solicitation, Template, WebRequest,
};
use oxide_auth::frontends::simple::endpoint::{
    Error as FlowError, FnSolicitor, Generic, ResponseCreator, Vacant,
};
use oxide_auth::frontends::simple::extensions::{
    AccessTokenAddon, AccessTokenRequest, AddonList, AddonResult, AuthorizationAddon,
    AuthorizationRequest, Extended, Pkce,
};
use oxide_auth::primitives::authorizer::{AuthMap, Authorizer};
use oxide_auth::primitives::generator::TagGrant;
use oxide_auth::primitives::grant::{Grant, GrantExtension, Value};
use oxide_auth::primitives::issuer::{IssuedToken, Issuer, RefreshedToken, TokenMap};
use oxide_auth::primitives::registrar::{
    BoundClient, Client, ClientMap, ClientUrl, IgnoreLocalPortUrl, RegisteredUrl, Registrar,
    RegistrarError,
};
use oxide_auth_axum::{OAuthRequest, OAuthResponse, WebError};
use rand::RngCore as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use url::Url;
use zeroize::Zeroizing;

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
    /// Unknown, revoked or malformed: 400 `access_denied` (as the Customer API documents).
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

type FlowResult = Result<OAuthResponse, FlowError<FlowRequest>>;

// ---------------------------------------------------------------------------------------------
// oxide-auth plumbing: request type, response customisation, registrars, primitives.
// ---------------------------------------------------------------------------------------------

/// An OAuth request as oxide-auth sees it. oxide-auth-axum's [`OAuthRequest`] is used to extract
/// the token endpoints' requests, but it can only be built by axum and reads the authorization
/// parameters from the URL query, while the sign-in and consent forms carry them in the POST body;
/// this type can be built from either.
struct FlowRequest {
    query: NormalizedParameter,
    body: Option<NormalizedParameter>,
    auth: Option<String>,
}

impl FlowRequest {
    fn authorization(params: &AuthorizeParams) -> FlowRequest {
        FlowRequest {
            query: params.to_query(),
            body: None,
            auth: None,
        }
    }

    fn from_oauth(request: &OAuthRequest) -> FlowRequest {
        FlowRequest {
            query: request.query().cloned().unwrap_or_default(),
            body: request.body().cloned(),
            auth: request.authorization_header().map(str::to_owned),
        }
    }
}

impl WebRequest for FlowRequest {
    type Error = WebError;
    type Response = OAuthResponse;

    fn query(&mut self) -> Result<Cow<'_, dyn QueryParameter + 'static>, WebError> {
        Ok(Cow::Borrowed(&self.query as &dyn QueryParameter))
    }

    fn urlbody(&mut self) -> Result<Cow<'_, dyn QueryParameter + 'static>, WebError> {
        self.body
            .as_ref()
            .map(|body| Cow::Borrowed(body as &dyn QueryParameter))
            .ok_or(WebError::Body)
    }

    fn authheader(&mut self) -> Result<Option<Cow<'_, str>>, WebError> {
        Ok(self.auth.as_deref().map(Cow::Borrowed))
    }
}

/// Adjusts oxide-auth's error answers before they are encoded (its `Template` hook).
///
/// Explanations are not added here: oxide-auth 0.6 encodes them as `description` (and `uri`),
/// not as RFC 6749's `error_description` (`error_uri`), so they are added to the finished answer
/// instead ([`token_answer`], [`finish_authorization`]).
#[derive(Clone, Copy)]
enum Responder {
    Authorize,
    /// The caller has already refused malformed code exchanges, so oxide-auth's remaining
    /// `invalid_request` means an unknown, used or expired code or a wrong `code_verifier`, which
    /// RFC 6749 §5.2 and RFC 7636 §4.6 call `invalid_grant`.
    CodeExchange,
    Plain,
}

impl ResponseCreator<FlowRequest> for Responder {
    fn create(&mut self, _: &mut FlowRequest, mut template: Template<'_>) -> OAuthResponse {
        if let Responder::CodeExchange = self
            && let Some(error) = template.access_token_error()
            && matches!(error.kind(), AccessTokenErrorType::InvalidRequest)
        {
            error.set_type(AccessTokenErrorType::InvalidGrant);
        }
        OAuthResponse::default()
    }
}

/// The registrar of the `shopterm` app.
///
/// oxide-auth's `ClientMap` holds the client and checks its (absent) credentials, but cannot match
/// its redirect URIs: `RegisteredUrl::IgnorePortOnLocalhost` ignores the port only when the host is
/// the name `localhost`, whereas RFC 8252 §7.3 wants any port on the loopback IP literals and §8.3
/// advises against `localhost`. So the redirect URI is matched here, by [`loopback_redirect`].
struct AppRegistrar {
    clients: ClientMap,
    scope: Scope,
}

impl AppRegistrar {
    fn new() -> AppRegistrar {
        let scope: Scope = DEFAULT_SCOPE
            .parse()
            .expect("DEFAULT_SCOPE is a valid scope");
        let mut uris = REDIRECT_URIS.iter().map(|uri| {
            RegisteredUrl::IgnorePortOnLocalhost(
                IgnoreLocalPortUrl::new(*uri).expect("REDIRECT_URIS are valid URLs"),
            )
        });
        let first = uris.next().expect("REDIRECT_URIS is not empty");
        let client = Client::public(CLIENT_ID, first, scope.clone())
            .with_additional_redirect_uris(uris.collect());
        let mut clients = ClientMap::new();
        clients.register_client(client);
        AppRegistrar { clients, scope }
    }
}

impl Registrar for AppRegistrar {
    fn bound_redirect<'a>(&self, bound: ClientUrl<'a>) -> Result<BoundClient<'a>, RegistrarError> {
        // The client must be known; ClientMap answers with its default URI when asked for none.
        self.clients.bound_redirect(ClientUrl {
            client_id: bound.client_id.clone(),
            redirect_uri: None,
        })?;
        // A native app listens on a port of its choosing, so it must always say which.
        let requested = bound.redirect_uri.ok_or(RegistrarError::Unspecified)?;
        loopback_redirect(requested.as_str()).ok_or(RegistrarError::Unspecified)?;
        Ok(BoundClient {
            client_id: bound.client_id,
            redirect_uri: Cow::Owned(RegisteredUrl::Exact(requested.into_owned())),
        })
    }

    /// A scope the shop does not know is refused (`invalid_scope`); otherwise the app always gets
    /// the whole [`DEFAULT_SCOPE`], which the consent page lists (RFC 6749 §3.3 lets the server
    /// decide, and the token answer tells the scope).
    fn negotiate(
        &self,
        bound: BoundClient<'_>,
        scope: Option<Scope>,
    ) -> Result<PreGrant, RegistrarError> {
        if let Some(requested) = &scope
            && !self.scope.priviledged_to(requested)
        {
            return Err(RegistrarError::Unspecified);
        }
        Ok(PreGrant {
            client_id: bound.client_id.into_owned(),
            redirect_uri: bound.redirect_uri.into_owned(),
            scope: self.scope.clone(),
        })
    }

    fn check(&self, client_id: &str, passphrase: Option<&[u8]>) -> Result<(), RegistrarError> {
        self.clients.check(client_id, passphrase)
    }
}

/// The redirect URI, if it is one of [`REDIRECT_URIS`] with any port (RFC 8252 §7.3). Only the
/// canonical spelling is accepted (no `127.1`, no default port, no upper case), so the URI that is
/// matched is exactly the one redirected to; no user info, query or fragment.
fn loopback_redirect(raw: &str) -> Option<Url> {
    let url = Url::parse(raw).ok()?;
    if url.as_str() != raw
        || url.scheme() != "http"
        || !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return None;
    }
    let mut portless = url.clone();
    portless.set_port(None).ok()?;
    REDIRECT_URIS.contains(&portless.as_str()).then_some(url)
}

/// The registrar for one client-credentials request: the API credential the store has just
/// verified (store secrets are hashed there; re-hashing them in oxide-auth's `ClientMap` would
/// double the work and duplicate the credential list). It accepts exactly that id and secret.
struct VerifiedCredential {
    client_id: String,
    secret_sha256: [u8; 32],
    customer: CustomerKey,
    /// Grants need a redirect URI; this grant never redirects, so the shop's own address stands in.
    home: Url,
    scope: Scope,
}

impl Registrar for VerifiedCredential {
    fn bound_redirect<'a>(&self, bound: ClientUrl<'a>) -> Result<BoundClient<'a>, RegistrarError> {
        if bound.client_id != self.client_id {
            return Err(RegistrarError::Unspecified);
        }
        Ok(BoundClient {
            client_id: bound.client_id,
            redirect_uri: Cow::Owned(RegisteredUrl::Semantic(self.home.clone())),
        })
    }

    /// The Customer API's only scope is `all`; a subset of [`SCOPES`] is granted as asked.
    fn negotiate(
        &self,
        bound: BoundClient<'_>,
        scope: Option<Scope>,
    ) -> Result<PreGrant, RegistrarError> {
        let scope = match scope {
            None => self.scope.clone(),
            Some(s) if s.iter().eq(["all"]) => self.scope.clone(),
            Some(s) if self.scope.priviledged_to(&s) => s,
            Some(_) => return Err(RegistrarError::Unspecified),
        };
        Ok(PreGrant {
            client_id: bound.client_id.into_owned(),
            redirect_uri: bound.redirect_uri.into_owned(),
            scope,
        })
    }

    fn check(&self, client_id: &str, passphrase: Option<&[u8]>) -> Result<(), RegistrarError> {
        // Comparing digests keeps the comparison's timing independent of the secret.
        let matches =
            passphrase.is_some_and(|p| Sha256::digest(p).as_slice() == self.secret_sha256);
        if client_id == self.client_id && matches {
            Ok(())
        } else {
            Err(RegistrarError::Unspecified)
        }
    }
}

/// Random, URL-safe token text (256 bits). oxide-auth's `RandomGenerator` emits standard base64
/// with `+`, `/` and `=`, which must be escaped in query strings and forms; these need not be.
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

struct UrlSafeTokens;

impl TagGrant for UrlSafeTokens {
    fn tag(&mut self, _usage: u64, _grant: &Grant) -> Result<String, ()> {
        Ok(random_token())
    }
}

/// Marks every authorization code with a random "family" id that follows the grant into its
/// tokens and their refreshed successors, so a replayed code or refresh token can revoke them all.
struct CodeFamily;

impl GrantExtension for CodeFamily {
    fn identifier(&self) -> &'static str {
        "shopterm_code_family"
    }
}

impl AuthorizationAddon for CodeFamily {
    fn execute(&self, _: &dyn AuthorizationRequest) -> AddonResult {
        AddonResult::Data(Value::private(Some(random_token())))
    }
}

impl AccessTokenAddon for CodeFamily {
    /// Carries the code's family over to the access token's grant.
    fn execute(&self, _: &dyn AccessTokenRequest, code_data: Option<Value>) -> AddonResult {
        match code_data {
            Some(value) => AddonResult::Data(value),
            None => AddonResult::Ok,
        }
    }
}

fn family_of(grant: &Grant) -> Option<String> {
    grant
        .extensions
        .private()
        .find(|(id, _)| *id == CodeFamily.identifier())
        .and_then(|(_, value)| value.map(str::to_owned))
}

/// oxide-auth's [`AuthMap`] of codes, plus what it lacks: forgetting codes that expired unused,
/// and remembering redeemed codes for their lifetime to notice a second redemption.
struct Codes {
    map: AuthMap<UrlSafeTokens>,
    issued: HashMap<String, DateTime<Utc>>,
    redeemed: HashMap<String, (String, DateTime<Utc>)>,
    replayed: Vec<String>,
}

impl Codes {
    fn new() -> Codes {
        Codes {
            map: AuthMap::new(UrlSafeTokens),
            issued: HashMap::new(),
            redeemed: HashMap::new(),
            replayed: Vec::new(),
        }
    }

    fn prune(&mut self, now: DateTime<Utc>) {
        let expired: Vec<String> = self
            .issued
            .iter()
            .filter(|(_, until)| **until <= now)
            .map(|(code, _)| code.clone())
            .collect();
        for code in expired {
            self.issued.remove(&code);
            let _ = self.map.extract(&code);
        }
        self.redeemed.retain(|_, (_, until)| *until > now);
    }

    /// Families of codes presented again since the last call.
    fn take_replayed(&mut self) -> Vec<String> {
        std::mem::take(&mut self.replayed)
    }
}

impl Authorizer for Codes {
    fn authorize(&mut self, grant: Grant) -> Result<String, ()> {
        self.prune(Utc::now());
        let until = grant.until;
        let code = self.map.authorize(grant)?;
        self.issued.insert(code.clone(), until);
        Ok(code)
    }

    fn extract(&mut self, code: &str) -> Result<Option<Grant>, ()> {
        match self.map.extract(code)? {
            Some(grant) => {
                self.issued.remove(code);
                if let Some(family) = family_of(&grant) {
                    self.redeemed.insert(code.to_owned(), (family, grant.until));
                }
                Ok(Some(grant))
            }
            None => {
                if let Some((family, _)) = self.redeemed.get(code) {
                    self.replayed.push(family.clone());
                }
                Ok(None)
            }
        }
    }
}

/// oxide-auth's [`TokenMap`] (issues, rotates refresh tokens on refresh, revokes), plus what it
/// lacks:
///
/// - a refresh token's own lifetime: `TokenMap` gives the refresh token the grant of its access
///   token, so its refresh flow would refuse a refresh once the access token expired, which is
///   exactly when clients refresh;
/// - the refresh token → access token link, so revoking a refresh token ends its access token;
/// - no refresh token for the client-credentials grant (RFC 6749 §4.4.3);
/// - forgetting tokens some time after they expired.
struct Tokens {
    map: TokenMap<UrlSafeTokens>,
    refresh: HashMap<String, RefreshRecord>,
    /// Refresh tokens rotated away, kept for their lifetime to recognise a replay.
    retired: HashMap<String, RefreshRecord>,
    access: HashMap<String, AccessRecord>,
}

struct RefreshRecord {
    access: String,
    family: String,
    until: DateTime<Utc>,
}

struct AccessRecord {
    client_id: String,
    forget_at: DateTime<Utc>,
}

impl Tokens {
    fn new(ttl: TimeDelta) -> Tokens {
        let mut map = TokenMap::new(UrlSafeTokens);
        map.valid_for(ttl);
        Tokens {
            map,
            refresh: HashMap::new(),
            retired: HashMap::new(),
            access: HashMap::new(),
        }
    }

    fn prune(&mut self, now: DateTime<Utc>) {
        let old_access: Vec<String> = self
            .access
            .iter()
            .filter(|(_, record)| record.forget_at <= now)
            .map(|(token, _)| token.clone())
            .collect();
        for token in old_access {
            self.access.remove(&token);
            self.map.revoke(&token);
        }
        let old_refresh: Vec<String> = self
            .refresh
            .iter()
            .filter(|(_, record)| record.until <= now)
            .map(|(token, _)| token.clone())
            .collect();
        for token in old_refresh {
            self.refresh.remove(&token);
            self.map.revoke(&token);
        }
        self.retired.retain(|_, record| record.until > now);
    }

    fn remember_access(&mut self, token: &str, client_id: String, until: DateTime<Utc>) {
        self.access.insert(
            token.to_owned(),
            AccessRecord {
                client_id,
                forget_at: until + KEEP_EXPIRED,
            },
        );
    }

    fn grant_of(&self, token: &str) -> Option<Grant> {
        if let Ok(Some(grant)) = self.map.recover_token(token) {
            return Some(grant);
        }
        self.recover_refresh(token).ok().flatten()
    }

    fn revoke(&mut self, token: &str) {
        if let Some(record) = self.refresh.remove(token) {
            self.map.revoke(&record.access);
            self.access.remove(&record.access);
        }
        self.map.revoke(token);
        self.access.remove(token);
    }

    fn revoke_family(&mut self, family: &str) {
        let members: Vec<String> = self
            .refresh
            .iter()
            .filter(|(_, record)| record.family == family)
            .map(|(token, _)| token.clone())
            .collect();
        for token in members {
            self.revoke(&token);
        }
    }

    fn revoke_client(&mut self, client_id: &str) {
        let issued: Vec<String> = self
            .access
            .iter()
            .filter(|(_, record)| record.client_id == client_id)
            .map(|(token, _)| token.clone())
            .collect();
        for token in issued {
            self.revoke(&token);
        }
    }

    fn retired_family(&self, token: &str) -> Option<String> {
        self.retired.get(token).map(|record| record.family.clone())
    }
}

impl Issuer for Tokens {
    fn issue(&mut self, grant: Grant) -> Result<IssuedToken, ()> {
        let now = Utc::now();
        self.prune(now);
        let client_id = grant.client_id.clone();
        let family = family_of(&grant);
        let mut issued = self.map.issue(grant)?;
        self.remember_access(&issued.token, client_id.clone(), issued.until);
        match (issued.refresh.take(), client_id == CLIENT_ID) {
            (Some(refresh), true) => {
                self.refresh.insert(
                    refresh.clone(),
                    RefreshRecord {
                        access: issued.token.clone(),
                        family: family.unwrap_or_else(random_token),
                        until: now + REFRESH_TTL,
                    },
                );
                issued.refresh = Some(refresh);
            }
            // TokenMap always makes one; an API credential just asks again, so forget it.
            (Some(refresh), false) => self.map.revoke(&refresh),
            (None, _) => {}
        }
        Ok(issued)
    }

    fn refresh(&mut self, refresh: &str, grant: Grant) -> Result<RefreshedToken, ()> {
        let now = Utc::now();
        self.prune(now);
        let record = self.refresh.remove(refresh).ok_or(())?;
        let client_id = grant.client_id.clone();
        // TokenMap rotates: the old access and refresh tokens are gone after this.
        let refreshed = self.map.refresh(refresh, grant)?;
        self.access.remove(&record.access);
        self.remember_access(&refreshed.token, client_id, refreshed.until);
        if let Some(new_refresh) = &refreshed.refresh {
            self.refresh.insert(
                new_refresh.clone(),
                RefreshRecord {
                    access: refreshed.token.clone(),
                    family: record.family.clone(),
                    until: now + REFRESH_TTL,
                },
            );
        }
        self.retired.insert(refresh.to_owned(), record);
        Ok(refreshed)
    }

    fn recover_token<'a>(&'a self, token: &'a str) -> Result<Option<Grant>, ()> {
        self.map.recover_token(token)
    }

    /// The grant with the refresh token's own lifetime (see the type's documentation).
    fn recover_refresh<'a>(&'a self, token: &'a str) -> Result<Option<Grant>, ()> {
        let Some(record) = self.refresh.get(token) else {
            return Ok(None);
        };
        Ok(self.map.recover_refresh(token)?.map(|mut grant| {
            grant.until = record.until;
            grant
        }))
    }
}

// ---------------------------------------------------------------------------------------------
// The authorization request and its HTML pages.
// ---------------------------------------------------------------------------------------------

/// The authorization-request parameters that the sign-in and consent forms carry along.
const AUTHORIZE_PARAMS: [&str; 7] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
];

/// The authorization request's parameters; unknown ones are dropped (RFC 6749 §3.1 says to ignore
/// them) and a repeated one is dropped entirely, as oxide-auth treats it (§3.1: sent at most once).
#[derive(Default)]
struct AuthorizeParams(Vec<(&'static str, String)>);

impl AuthorizeParams {
    fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> AuthorizeParams {
        let mut seen: Vec<(&'static str, Option<String>)> = Vec::new();
        for (key, value) in pairs {
            let Some(name) = AUTHORIZE_PARAMS.iter().find(|name| **name == key) else {
                continue;
            };
            match seen.iter_mut().find(|(n, _)| n == name) {
                Some(entry) => entry.1 = None,
                None => seen.push((name, Some(value.to_owned()))),
            }
        }
        AuthorizeParams(
            seen.into_iter()
                .filter_map(|(name, value)| value.map(|v| (name, v)))
                .collect(),
        )
    }

    fn from_query(query: &str) -> AuthorizeParams {
        let pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> =
            url::form_urlencoded::parse(query.as_bytes()).collect();
        AuthorizeParams::from_pairs(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))
    }

    fn to_query(&self) -> NormalizedParameter {
        self.0
            .iter()
            .map(|(name, value)| (*name, value.clone()))
            .collect()
    }

    /// Identifies the request, for binding a login ticket to it.
    fn fingerprint(&self) -> [u8; 32] {
        let mut hash = Sha256::new();
        for name in AUTHORIZE_PARAMS {
            if let Some((_, value)) = self.0.iter().find(|(n, _)| *n == name) {
                hash.update(name.as_bytes());
                hash.update((value.len() as u64).to_be_bytes());
                hash.update(value.as_bytes());
            }
        }
        hash.finalize().into()
    }

    fn hidden_fields(&self) -> String {
        self.0
            .iter()
            .map(|(name, value)| {
                format!(
                    "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
                    esc(name),
                    esc(value)
                )
            })
            .collect()
    }
}

fn esc(text: &str) -> Cow<'_, str> {
    html_escape::encode_safe(text)
}

/// The name an app is shown by on the sign-in and consent pages.
fn app_name(client_id: &str) -> &str {
    client_id
}

/// What the consent page says a scope lets the app do.
fn scope_wishes(scope: &Scope) -> Vec<&'static str> {
    let has = |name: &str| scope.iter().any(|s| s == name);
    match (has("account"), has("orders")) {
        (true, true) => vec!["see your account, addresses and orders", "place orders"],
        (true, false) => vec!["see your account and addresses"],
        (false, true) => vec!["see your orders", "place orders"],
        (false, false) => vec!["know that you are signed in"],
    }
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} - Demo shop</title>\n<style>\n\
         body {{ font-family: sans-serif; max-width: 30rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; }}\n\
         .error {{ color: #a00000; border: 1px solid #a00000; padding: 0.5rem; }}\n\
         input[type=email], input[type=password] {{ width: 100%; padding: 0.4rem; box-sizing: border-box; }}\n\
         input[type=submit] {{ padding: 0.4rem 1.2rem; margin-right: 0.5rem; }}\n\
         </style>\n</head>\n<body>\n<h1>Demo shop</h1>\n{body}</body>\n</html>\n",
        title = esc(title),
    )
}

fn sign_in_page(app: &str, params: &AuthorizeParams, email: &str, error: Option<&str>) -> String {
    let error = error
        .map(|message| format!("<p class=\"error\" role=\"alert\">{}</p>\n", esc(message)))
        .unwrap_or_default();
    let body = format!(
        "<h2>Sign in</h2>\n\
         <p><strong>{app}</strong> asks you to sign in to the demo shop.</p>\n\
         {error}\
         <form method=\"post\" action=\"/oauth/authorize\">\n\
         <input type=\"hidden\" name=\"step\" value=\"sign_in\">\n\
         {hidden}\
         <p><label for=\"email\">E-mail</label><br>\n\
         <input id=\"email\" type=\"email\" name=\"email\" value=\"{email}\" autocomplete=\"username\" required autofocus></p>\n\
         <p><label for=\"password\">Password</label><br>\n\
         <input id=\"password\" type=\"password\" name=\"password\" autocomplete=\"current-password\" required></p>\n\
         <p><input type=\"submit\" value=\"Sign in\"></p>\n\
         </form>\n",
        app = esc(app),
        hidden = params.hidden_fields(),
        email = esc(email),
    );
    page("Sign in", &body)
}

fn consent_page(
    app: &str,
    scope: &Scope,
    email: &str,
    params: &AuthorizeParams,
    ticket: &str,
) -> String {
    let wishes: String = scope_wishes(scope)
        .into_iter()
        .map(|wish| format!("<li>{}</li>\n", esc(wish)))
        .collect();
    let body = format!(
        "<h2>Allow access?</h2>\n\
         <p>Signed in as <strong>{email}</strong>.</p>\n\
         <p><strong>{app}</strong> wants to:</p>\n<ul>\n{wishes}</ul>\n\
         <form method=\"post\" action=\"/oauth/authorize\">\n\
         <input type=\"hidden\" name=\"step\" value=\"consent\">\n\
         <input type=\"hidden\" name=\"ticket\" value=\"{ticket}\">\n\
         {hidden}\
         <p><input type=\"submit\" name=\"decision\" value=\"Allow\">\n\
         <input type=\"submit\" name=\"decision\" value=\"Deny\"></p>\n\
         </form>\n\
         <p>You can take access back at any time by signing out in {app}.</p>\n",
        email = esc(email),
        app = esc(app),
        ticket = esc(ticket),
        hidden = params.hidden_fields(),
    );
    page("Allow access?", &body)
}

/// A page instead of a redirect: for requests whose client or redirect URI is not trusted
/// (RFC 6749 §4.1.2.1) and for forms that cannot be read.
fn error_page(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<h2>Sign-in not possible</h2>\n<p>{}</p>\n\
         <p>Nothing was sent back to the app. Start the sign-in again from the app.</p>\n",
        esc(message)
    );
    let html = page("Sign-in not possible", &body);
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response();
    page_headers(response.headers_mut());
    response
}

fn html_answer(html: String) -> OAuthResponse {
    OAuthResponse::default()
        .content_type("text/html; charset=utf-8")
        .unwrap_or_default()
        .body(&html)
}

/// No caching of pages with tickets or codes, no framing of the consent page (clickjacking, RFC
/// 6749 §10.13), no scripts, and no Referer carrying the request to the app's callback.
fn page_headers(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
}

fn finish_authorization(result: FlowResult) -> Response {
    match result {
        Ok(answer) => {
            let mut response = answer.into_response();
            explain_redirect(response.headers_mut());
            page_headers(response.headers_mut());
            response
        }
        Err(FlowError::OAuth(OAuthError::DenySilently)) => error_page(
            StatusCode::BAD_REQUEST,
            "This sign-in link is not valid: the app is unknown, or it asked to be answered at an \
             address it may not use (only http://127.0.0.1:PORT/callback and \
             http://[::1]:PORT/callback are allowed).",
        ),
        Err(FlowError::OAuth(error)) => {
            tracing::error!(%error, "authorization flow failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The shop had an internal error.",
            )
        }
        Err(FlowError::Web(error)) => {
            tracing::error!(%error, "authorization flow failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The shop had an internal error.",
            )
        }
    }
}

/// Adds `error_description` to an error redirect to the app (see [`Responder`] for why oxide-auth
/// does not).
fn explain_redirect(headers: &mut HeaderMap) {
    let Some(mut location) = headers
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| Url::parse(value).ok())
    else {
        return;
    };
    let mut error = None;
    for (name, value) in location.query_pairs() {
        match name.as_ref() {
            "error" => error = Some(value.into_owned()),
            "error_description" => return,
            _ => {}
        }
    }
    let description = match error.as_deref() {
        None => return,
        // Only the PKCE addon refuses a request with invalid_request after its client and
        // redirect URI were accepted.
        Some("invalid_request") => PKCE_REQUIRED,
        Some("unsupported_response_type") => "response_type must be code",
        Some("invalid_scope") => "The scopes are account and orders",
        Some("access_denied") => "The customer did not allow access",
        Some(_) => "The request was refused",
    };
    location
        .query_pairs_mut()
        .append_pair("error_description", description);
    if let Ok(value) = HeaderValue::from_str(location.as_str()) {
        headers.insert(header::LOCATION, value);
    }
}

/// Removes every field named `name`, answering the first one's value.
fn take_field(fields: &mut Vec<(String, String)>, name: &str) -> Option<String> {
    let mut found = None;
    fields.retain_mut(|(key, value)| {
        if key != name {
            return true;
        }
        if found.is_none() {
            found = Some(std::mem::take(value));
        } else {
            // A second password is still a password: wipe it too.
            drop(Zeroizing::new(std::mem::take(value)));
        }
        false
    });
    found
}

// ---------------------------------------------------------------------------------------------
// Handlers.
// ---------------------------------------------------------------------------------------------

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

/// RFC 8414.
async fn metadata(State(state): State<DemoState>) -> Json<serde_json::Value> {
    let base = &state.base_url;
    Json(serde_json::json!({
        "issuer": base.as_ref(),
        "authorization_endpoint": format!("{base}/oauth/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "revocation_endpoint": format!("{base}/oauth/revoke"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_post"],
        "revocation_endpoint_auth_methods_supported": ["none", "client_secret_post"],
        "scopes_supported": SCOPES,
    }))
}

/// `GET /oauth/authorize`: validates the request, then shows the sign-in form.
async fn authorize(State(state): State<DemoState>, RawQuery(query): RawQuery) -> Response {
    let params = AuthorizeParams::from_query(query.as_deref().unwrap_or(""));
    let result = state.auth.authorize(
        FlowRequest::authorization(&params),
        |_: &mut FlowRequest, solicitation: Solicitation<'_>| {
            let app = app_name(&solicitation.pre_grant().client_id);
            OwnerConsent::InProgress(html_answer(sign_in_page(app, &params, "", None)))
        },
    );
    finish_authorization(result)
}

/// `POST /oauth/authorize`: the sign-in form or the consent form.
async fn authorize_form(
    State(state): State<DemoState>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let Ok(Form(mut fields)) = form else {
        return error_page(StatusCode::BAD_REQUEST, "The form could not be read.");
    };
    match take_field(&mut fields, "step").as_deref() {
        Some("sign_in") => sign_in(state, fields).await,
        Some("consent") => consent(state, fields),
        _ => {
            // Not one of our forms: clear anything password-like before dropping it.
            for (_, value) in &mut fields {
                drop(Zeroizing::new(std::mem::take(value)));
            }
            error_page(StatusCode::BAD_REQUEST, "The form could not be read.")
        }
    }
}

async fn sign_in(state: DemoState, mut fields: Vec<(String, String)>) -> Response {
    let email = take_field(&mut fields, "email").unwrap_or_default();
    let password = Zeroizing::new(take_field(&mut fields, "password").unwrap_or_default());
    let params = AuthorizeParams::from_pairs(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let email = email.trim().to_owned();
    let customer = if email.is_empty() || password.is_empty() {
        None
    } else {
        let (login, secret) = (email.clone(), password.clone());
        match state
            .with_store(move |store| store.verify_password(&login, &secret))
            .await
        {
            Ok(customer) => customer,
            Err(error) => {
                tracing::error!(%error, "password check failed");
                return error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "The shop had an internal error.",
                );
            }
        }
    };
    drop(password);
    match customer {
        Some(customer) => tracing::info!(customer, "sign-in: password accepted"),
        None => tracing::info!("sign-in: wrong e-mail or password"),
    }
    let auth = &state.auth;
    let result = auth.authorize(
        FlowRequest::authorization(&params),
        |_: &mut FlowRequest, solicitation: Solicitation<'_>| {
            let grant = solicitation.pre_grant();
            let app = app_name(&grant.client_id);
            let html = match customer {
                None => sign_in_page(app, &params, &email, Some(WRONG_LOGIN)),
                Some(customer) => {
                    let ticket = auth.issue_ticket(customer, &params);
                    consent_page(app, &grant.scope, &email, &params, &ticket)
                }
            };
            OwnerConsent::InProgress(html_answer(html))
        },
    );
    finish_authorization(result)
}

fn consent(state: DemoState, mut fields: Vec<(String, String)>) -> Response {
    let ticket = take_field(&mut fields, "ticket");
    let decision = take_field(&mut fields, "decision");
    let params = AuthorizeParams::from_pairs(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let Some(customer) = ticket.and_then(|ticket| state.auth.redeem_ticket(&ticket, &params))
    else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "This sign-in page has expired or was already used.",
        );
    };
    let allow = decision.is_some_and(|d| d.eq_ignore_ascii_case("allow"));
    tracing::info!(customer, allow, "sign-in: consent answered");
    let result = state.auth.authorize(
        FlowRequest::authorization(&params),
        move |_: &mut FlowRequest, _: Solicitation<'_>| {
            if allow {
                OwnerConsent::Authorized(customer.to_string())
            } else {
                OwnerConsent::Denied
            }
        },
    );
    finish_authorization(result)
}

/// An RFC 6749 §5.2 error at the token or revocation endpoint.
struct TokenFailure {
    status: StatusCode,
    error: &'static str,
    description: &'static str,
}

impl TokenFailure {
    fn invalid_request(description: &'static str) -> TokenFailure {
        TokenFailure {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_request",
            description,
        }
    }

    fn invalid_grant(description: &'static str) -> TokenFailure {
        TokenFailure {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_grant",
            description,
        }
    }

    fn invalid_client() -> TokenFailure {
        TokenFailure {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            description: "Client authentication failed",
        }
    }

    fn invalid_scope() -> TokenFailure {
        TokenFailure {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_scope",
            description: "The only scope is \"all\" (or a subset of \"account orders\")",
        }
    }

    fn server_error() -> TokenFailure {
        TokenFailure {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            error: "server_error",
            description: "The shop had an internal error",
        }
    }

    fn internal(error: FlowError<FlowRequest>) -> TokenFailure {
        match error {
            FlowError::OAuth(error) => tracing::error!(%error, "token flow failed"),
            FlowError::Web(error) => tracing::error!(%error, "token flow failed"),
        }
        TokenFailure::server_error()
    }

    /// RFC 6749 §5.2 body.
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "error": self.error,
            "error_description": self.description,
        });
        let mut response = (self.status, Json(body)).into_response();
        no_store(response.headers_mut());
        response
    }

    /// The Customer API's shape: `{"error", "error_description", "message", "status"}`.
    fn into_customer_api_response(self) -> Response {
        let body = CustomerApiOAuthError {
            error: self.error.to_owned(),
            error_description: self.description.to_owned(),
            message: self.description.to_owned(),
            status: self.status.as_u16(),
        };
        let mut response = (self.status, Json(body)).into_response();
        no_store(response.headers_mut());
        response
    }
}

/// RFC 6749 §5.1: token answers must not be cached.
fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

/// The status and parsed JSON body of oxide-auth's token answer.
async fn read_token_answer(answer: OAuthResponse) -> Result<(StatusCode, TokenResponse), ()> {
    let (parts, body) = answer.into_response().into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map_err(|_| ())?;
    let token = serde_json::from_slice::<TokenResponse>(&bytes).map_err(|_| ())?;
    Ok((parts.status, token))
}

/// Which grant a token answer is for, to explain its refusals.
#[derive(Clone, Copy)]
enum GrantKind {
    Code,
    Refresh,
}

impl GrantKind {
    fn explain(self, error: &str) -> &'static str {
        match (self, error) {
            (GrantKind::Code, "invalid_grant") => {
                "The authorization code is unknown, used or expired, or the code_verifier or \
                 redirect_uri does not match it"
            }
            (GrantKind::Refresh, "invalid_grant") => {
                "The refresh token is unknown, used, revoked or expired"
            }
            (_, "invalid_client") => "Client authentication failed",
            (_, "invalid_scope") => "The scope asked for is more than was granted",
            (_, "unsupported_grant_type") => {
                "grant_type must be authorization_code, refresh_token or client_credentials"
            }
            _ => "The request is not valid",
        }
    }
}

/// oxide-auth's token answer, with `expires_in` told exactly (it rounds the remaining time down,
/// so a 1-second token would say 0) and the `token_type` spelled as RFC 6750 does; a refusal gets
/// its `error_description`.
async fn token_answer(answer: OAuthResponse, expires_in: i64, grant: GrantKind) -> Response {
    let response = answer.into_response();
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return TokenFailure::server_error().into_response();
    };
    let Ok(mut token) = serde_json::from_slice::<TokenResponse>(&bytes) else {
        return TokenFailure::server_error().into_response();
    };
    let body = if parts.status == StatusCode::OK {
        token.expires_in = Some(expires_in);
        token.token_type = Some("Bearer".to_owned());
        token.scope = token.scope.as_deref().map(canonical_scope);
        serde_json::to_value(token)
    } else {
        let error = token.error.unwrap_or_else(|| "invalid_request".to_owned());
        Ok(serde_json::json!({
            "error_description": grant.explain(&error),
            "error": error,
        }))
    };
    let Ok(body) = body else {
        return TokenFailure::server_error().into_response();
    };
    // Keeps the status and headers (e.g. WWW-Authenticate on a 401), replaces the body.
    parts.headers.remove(header::CONTENT_LENGTH);
    let mut response = Response::from_parts(parts, axum::body::Body::from(body.to_string()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    no_store(response.headers_mut());
    response
}

/// A scope in a stable order (oxide-auth's `Scope` is a set and prints in any order).
fn canonical_scope(scope: &str) -> String {
    let mut parts: Vec<&str> = scope.split(' ').filter(|s| !s.is_empty()).collect();
    parts.sort_by_key(|part| {
        let known = SCOPES.iter().position(|s| s == part);
        (known.unwrap_or(usize::MAX), *part)
    });
    parts.dedup();
    parts.join(" ")
}

fn param(body: &NormalizedParameter, name: &str) -> Option<String> {
    body.unique_value(name).map(Cow::into_owned)
}

/// `POST /oauth/token`.
async fn token(
    State(state): State<DemoState>,
    request: Result<OAuthRequest, WebError>,
) -> Response {
    let Ok(request) = request else {
        return TokenFailure::invalid_request("Send at most one Authorization header")
            .into_response();
    };
    let Some(body) = request.body() else {
        return TokenFailure::invalid_request(
            "The body must be form-encoded (application/x-www-form-urlencoded)",
        )
        .into_response();
    };
    let expires_in = state.auth.expires_in();
    match param(body, "grant_type").as_deref() {
        Some("authorization_code") => {
            if let Err(failure) = check_code_exchange(&request, body) {
                return failure.into_response();
            }
            match state.auth.exchange_code(FlowRequest::from_oauth(&request)) {
                Ok(answer) => token_answer(answer, expires_in, GrantKind::Code).await,
                Err(error) => TokenFailure::internal(error).into_response(),
            }
        }
        Some("refresh_token") => {
            if request.authorization_header().is_some() {
                return TokenFailure::invalid_request(
                    "shopterm is a public client: send client_id in the body, no Authorization header",
                )
                .into_response();
            }
            let Some(refresh_token) = param(body, "refresh_token") else {
                return TokenFailure::invalid_request("refresh_token is required").into_response();
            };
            let client_id = param(body, "client_id");
            match state.auth.refresh(
                FlowRequest::from_oauth(&request),
                &refresh_token,
                client_id.as_deref(),
            ) {
                Ok(answer) => token_answer(answer, expires_in, GrantKind::Refresh).await,
                Err(failure) => failure.into_response(),
            }
        }
        Some("client_credentials") => match client_credentials(&state, &request).await {
            Ok(token) => {
                let mut response = Json(TokenResponse {
                    expires_in: Some(expires_in),
                    token_type: Some("Bearer".to_owned()),
                    scope: token.scope.as_deref().map(canonical_scope),
                    ..token
                })
                .into_response();
                no_store(response.headers_mut());
                response
            }
            Err(failure) => failure.into_response(),
        },
        Some(_) => TokenFailure {
            status: StatusCode::BAD_REQUEST,
            error: "unsupported_grant_type",
            description: "grant_type must be authorization_code, refresh_token or client_credentials",
        }
        .into_response(),
        None => TokenFailure::invalid_request("grant_type is required").into_response(),
    }
}

/// Refuses malformed code exchanges with `invalid_request`, so that whatever oxide-auth refuses
/// afterwards is about the grant itself (see [`Responder::CodeExchange`]).
fn check_code_exchange(
    request: &OAuthRequest,
    body: &NormalizedParameter,
) -> Result<(), TokenFailure> {
    if request.authorization_header().is_some() {
        return Err(TokenFailure::invalid_request(
            "shopterm is a public client: send client_id in the body, no Authorization header",
        ));
    }
    for (name, description) in [
        ("client_id", "client_id is required (once)"),
        ("code", "code is required (once)"),
        ("redirect_uri", "redirect_uri is required (once)"),
        ("code_verifier", "code_verifier is required (PKCE, once)"),
    ] {
        if body.unique_value(name).is_none() {
            return Err(TokenFailure::invalid_request(description));
        }
    }
    let verifier = param(body, "code_verifier").unwrap_or_default();
    // RFC 7636 §4.1: 43 to 128 characters of [A-Za-z0-9-._~].
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if !well_formed {
        return Err(TokenFailure::invalid_request(
            "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~",
        ));
    }
    if url::Url::parse(&param(body, "redirect_uri").unwrap_or_default()).is_err() {
        return Err(TokenFailure::invalid_request("redirect_uri is not a URL"));
    }
    Ok(())
}

/// The client-credentials grant for an API credential (both token endpoints). The caller has
/// checked `grant_type`.
async fn client_credentials(
    state: &DemoState,
    request: &OAuthRequest,
) -> Result<TokenResponse, TokenFailure> {
    let Some(body) = request.body() else {
        return Err(TokenFailure::invalid_request(
            "The body must be form-encoded (application/x-www-form-urlencoded)",
        ));
    };
    if request.authorization_header().is_some() {
        return Err(TokenFailure::invalid_request(
            "Send client_id and client_secret in the form body, not in an Authorization header",
        ));
    }
    let (Some(client_id), Some(secret)) = (param(body, "client_id"), param(body, "client_secret"))
    else {
        return Err(TokenFailure::invalid_client());
    };
    let secret = Zeroizing::new(secret);
    let scope_ok = match param(body, "scope") {
        None => true,
        Some(scope) => {
            scope == "all"
                || (!scope.trim().is_empty()
                    && scope
                        .split(' ')
                        .all(|s| s.is_empty() || SCOPES.contains(&s)))
        }
    };
    if !scope_ok {
        return Err(TokenFailure::invalid_scope());
    }
    let (id, pass) = (client_id.clone(), secret.clone());
    let customer = state
        .with_store(move |store| store.verify_api_credential(&id, &pass))
        .await
        .map_err(|error| {
            tracing::error!(%error, "API credential check failed");
            TokenFailure::server_error()
        })?;
    let Some(customer) = customer else {
        tracing::info!("client credentials refused");
        return Err(TokenFailure::invalid_client());
    };
    let home = Url::parse(&state.base_url).map_err(|_| TokenFailure::server_error())?;
    let credential = VerifiedCredential {
        client_id,
        secret_sha256: Sha256::digest(secret.as_bytes()).into(),
        customer,
        home,
        scope: state.auth.registrar.scope.clone(),
    };
    let answer = state
        .auth
        .issue_for_credential(FlowRequest::from_oauth(request), credential)
        .map_err(TokenFailure::internal)?;
    match read_token_answer(answer).await {
        Ok((StatusCode::OK, token)) if token.access_token.is_some() => {
            tracing::info!(customer, "client credentials: token issued");
            Ok(token)
        }
        Ok((StatusCode::UNAUTHORIZED, _)) => Err(TokenFailure::invalid_client()),
        Ok((_, token)) if token.error.as_deref() == Some("invalid_scope") => {
            Err(TokenFailure::invalid_scope())
        }
        Ok(_) => Err(TokenFailure::invalid_request("The request was refused")),
        Err(()) => Err(TokenFailure::server_error()),
    }
}

/// `POST /oauth/revoke` (RFC 7009).
async fn revoke(
    State(state): State<DemoState>,
    request: Result<OAuthRequest, WebError>,
) -> Response {
    let Ok(request) = request else {
        return TokenFailure::invalid_request("Send at most one Authorization header")
            .into_response();
    };
    let Some(body) = request.body() else {
        return TokenFailure::invalid_request(
            "The body must be form-encoded (application/x-www-form-urlencoded)",
        )
        .into_response();
    };
    let Some(token) = param(body, "token") else {
        return TokenFailure::invalid_request("token is required").into_response();
    };
    // The client authenticates like at the token endpoint: `shopterm` by its id alone, an API
    // credential with its secret.
    let client_id = match (param(body, "client_id"), param(body, "client_secret")) {
        (Some(client_id), None) if client_id == CLIENT_ID => client_id,
        (Some(client_id), Some(secret)) if client_id != CLIENT_ID => {
            let (id, secret) = (client_id.clone(), Zeroizing::new(secret));
            match state
                .with_store(move |store| store.verify_api_credential(&id, &secret))
                .await
            {
                Ok(Some(_)) => client_id,
                Ok(None) => return TokenFailure::invalid_client().into_response(),
                Err(error) => {
                    tracing::error!(%error, "API credential check failed");
                    return TokenFailure::server_error().into_response();
                }
            }
        }
        _ => return TokenFailure::invalid_client().into_response(),
    };
    // token_type_hint only speeds up a lookup (RFC 7009 §2.1); both kinds are searched anyway.
    match state.auth.revoke_for_client(&token, &client_id) {
        Ok(()) => {
            let mut response = StatusCode::OK.into_response();
            no_store(response.headers_mut());
            response
        }
        Err(()) => {
            TokenFailure::invalid_request("The token was not issued to this client").into_response()
        }
    }
}

/// The Customer API's access-token answer, in its documented field order.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerApiAccessToken {
    /// Always `AccessToken`.
    #[serde(rename = "_type")]
    pub kind: String,
    /// Always `Bearer`.
    pub token_type: String,
    pub expires_in: u64,
    pub access_token: String,
}

impl std::fmt::Debug for CustomerApiAccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomerApiAccessToken")
            .field("kind", &self.kind)
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("access_token", &"<redacted>")
            .finish()
    }
}

/// The Customer API's error answer at `/api/customer/oauth/access-token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerApiOAuthError {
    pub error: String,
    pub error_description: String,
    pub message: String,
    pub status: u16,
}

/// `POST /api/customer/oauth/access-token`: the Customer API's client-credentials grant.
async fn customer_api_access_token(
    State(state): State<DemoState>,
    request: Result<OAuthRequest, WebError>,
) -> Response {
    let Ok(request) = request else {
        return TokenFailure::invalid_request("Send at most one Authorization header")
            .into_customer_api_response();
    };
    let Some(body) = request.body() else {
        return TokenFailure::invalid_request(
            "The parameters must be in the request body, form-encoded \
             (application/x-www-form-urlencoded); not JSON, not in the URL",
        )
        .into_customer_api_response();
    };
    match param(body, "grant_type").as_deref() {
        Some("client_credentials") => {}
        Some(_) => {
            return TokenFailure {
                status: StatusCode::BAD_REQUEST,
                error: "unsupported_grant_type",
                description: "The only grant_type is client_credentials",
            }
            .into_customer_api_response();
        }
        None => {
            return TokenFailure::invalid_request("grant_type is required")
                .into_customer_api_response();
        }
    }
    match client_credentials(&state, &request).await {
        Ok(token) => {
            let Some(access_token) = token.access_token else {
                return TokenFailure::server_error().into_customer_api_response();
            };
            let body = CustomerApiAccessToken {
                kind: "AccessToken".to_owned(),
                token_type: "Bearer".to_owned(),
                expires_in: state.auth.token_ttl.as_secs().max(1),
                access_token,
            };
            let mut response = Json(body).into_response();
            no_store(response.headers_mut());
            response
        }
        Err(failure) => failure.into_customer_api_response(),
    }
}

// ---------------------------------------------------------------------------------------------
// Bearer authentication for the shop API, and API-credential management.
// ---------------------------------------------------------------------------------------------

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

/// The grant behind the request's bearer token, or the Customer API's error answer: an expired
/// token is 401 `invalid_token`, a missing, unknown or revoked one 400 `access_denied`.
pub fn bearer_grant(state: &DemoState, headers: &HeaderMap) -> Result<BearerGrant, ApiError> {
    let token = bearer_token(headers).ok_or_else(ApiError::access_denied)?;
    state
        .auth
        .grant_for_bearer(token)
        .map_err(|error| match error {
            BearerError::Expired => ApiError::token_expired(),
            BearerError::Invalid => ApiError::access_denied(),
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
struct SignedInPerson(CustomerKey);

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

/// `POST /api/customer/api-credentials` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiCredential {
    pub label: String,
}

/// The answer to creating an API credential: the only time the secret is shown.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedApiCredential {
    pub client_id: String,
    pub label: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    pub client_secret: String,
}

impl std::fmt::Debug for CreatedApiCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedApiCredential")
            .field("client_id", &self.client_id)
            .field("label", &self.label)
            .field("created_at", &self.created_at)
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

const MAX_LABEL_CHARS: usize = 100;

/// `GET /api/customer/api-credentials`: id, label and creation time of each; never a secret.
async fn list_credentials(
    State(state): State<DemoState>,
    SignedInPerson(customer): SignedInPerson,
) -> Result<Json<Vec<ApiCredential>>, ApiError> {
    Ok(Json(
        state
            .with_store(move |store| store.api_credentials(customer))
            .await?,
    ))
}

/// `POST /api/customer/api-credentials` with `{"label": "…"}` → 201 with the secret, once.
async fn create_credential(
    State(state): State<DemoState>,
    SignedInPerson(customer): SignedInPerson,
    ApiJson(new): ApiJson<NewApiCredential>,
) -> Result<Response, ApiError> {
    let label = new.label.trim().to_owned();
    if label.is_empty() {
        return Err(ShopError::field("label", "must not be empty").into());
    }
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(ShopError::field(
            "label",
            format!("must be at most {MAX_LABEL_CHARS} characters"),
        )
        .into());
    }
    let (credential, client_secret) = state
        .with_store(move |store| store.create_api_credential(customer, &label))
        .await?;
    tracing::info!(customer, client_id = %credential.client_id, "API credential created");
    let body = CreatedApiCredential {
        client_id: credential.client_id,
        label: credential.label,
        created_at: credential.created_at,
        client_secret,
    };
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    no_store(response.headers_mut());
    Ok(response)
}

/// `DELETE /api/customer/api-credentials/{client_id}` → 204; its access tokens end too.
async fn delete_credential(
    State(state): State<DemoState>,
    SignedInPerson(customer): SignedInPerson,
    Path(client_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = client_id.clone();
    state
        .with_store(move |store| store.revoke_api_credential(customer, &id))
        .await?;
    state.auth.revoke_client_tokens(&client_id);
    tracing::info!(customer, client_id = %client_id, "API credential revoked");
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_with_any_port_only() {
        for ok in [
            "http://127.0.0.1:49152/callback",
            "http://127.0.0.1/callback",
            "http://[::1]:8080/callback",
        ] {
            assert!(loopback_redirect(ok).is_some(), "{ok}");
        }
        for refused in [
            "http://localhost:8080/callback",
            "http://evil.example/callback",
            "https://127.0.0.1:8080/callback",
            "http://127.0.0.1:8080/other",
            "http://127.0.0.1:8080/callback/",
            "http://127.0.0.1:8080/callback?x=1",
            "http://127.0.0.1:8080/callback#f",
            "http://user@127.0.0.1:8080/callback",
            "http://127.1:8080/callback",
            "http://127.0.0.2:8080/callback",
            "http://127.0.0.1:80/callback",
            "HTTP://127.0.0.1:8080/callback",
            "http://[::2]:8080/callback",
        ] {
            assert!(loopback_redirect(refused).is_none(), "{refused}");
        }
    }

    #[test]
    fn repeated_and_unknown_parameters_are_dropped() {
        let params = AuthorizeParams::from_query("client_id=a&state=1&state=2&extra=x&scope=s");
        assert_eq!(
            params.0,
            vec![("client_id", "a".to_owned()), ("scope", "s".to_owned())]
        );
    }

    #[test]
    fn hidden_fields_are_escaped() {
        let params = AuthorizeParams::from_pairs([("state", "\"><script>x</script>")]);
        let html = params.hidden_fields();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&quot;&gt;&lt;script&gt;"), "{html}");
    }

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
