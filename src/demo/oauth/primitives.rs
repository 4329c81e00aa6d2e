//! oxide-auth's side of the server: the request type the flows read, the registrars (the app and
//! API credentials), the code store with replay detection and the token store with refresh
//! rotation and families.

use super::pages::AuthorizeParams;
use super::{CLIENT_ID, DEFAULT_SCOPE, KEEP_EXPIRED, REDIRECT_URIS, REFRESH_TTL};
use crate::demo::store::CustomerKey;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use oxide_auth::code_grant::error::AccessTokenErrorType;
use oxide_auth::endpoint::{
    NormalizedParameter, PreGrant, QueryParameter, Scope, Template, WebRequest,
};
use oxide_auth::frontends::simple::endpoint::{Error as FlowError, ResponseCreator};
use oxide_auth::frontends::simple::extensions::{
    AccessTokenAddon, AccessTokenRequest, AddonResult, AuthorizationAddon, AuthorizationRequest,
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
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::HashMap;
use url::Url;

pub(super) type FlowResult = Result<OAuthResponse, FlowError<FlowRequest>>;

// ---------------------------------------------------------------------------------------------
// oxide-auth plumbing: request type, response customisation, registrars, primitives.
// ---------------------------------------------------------------------------------------------

/// An OAuth request as oxide-auth sees it. oxide-auth-axum's [`OAuthRequest`] is used to extract
/// the token endpoints' requests, but it can only be built by axum and reads the authorization
/// parameters from the URL query, while the sign-in and consent forms carry them in the POST body;
/// this type can be built from either.
pub(super) struct FlowRequest {
    query: NormalizedParameter,
    body: Option<NormalizedParameter>,
    auth: Option<String>,
}

impl FlowRequest {
    pub(super) fn authorization(params: &AuthorizeParams) -> FlowRequest {
        FlowRequest {
            query: params.to_query(),
            body: None,
            auth: None,
        }
    }

    pub(super) fn from_oauth(request: &OAuthRequest) -> FlowRequest {
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
/// instead (`token::token_answer`, `authorize::finish_authorization`).
#[derive(Clone, Copy)]
pub(super) enum Responder {
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
pub(super) struct AppRegistrar {
    clients: ClientMap,
    pub(super) scope: Scope,
}

impl AppRegistrar {
    pub(super) fn new() -> AppRegistrar {
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
pub(super) struct VerifiedCredential {
    pub(super) client_id: String,
    pub(super) secret_sha256: [u8; 32],
    pub(super) customer: CustomerKey,
    /// Grants need a redirect URI; this grant never redirects, so the shop's own address stands in.
    pub(super) home: Url,
    pub(super) scope: Scope,
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
pub(super) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub(super) struct UrlSafeTokens;

impl TagGrant for UrlSafeTokens {
    fn tag(&mut self, _usage: u64, _grant: &Grant) -> Result<String, ()> {
        Ok(random_token())
    }
}

/// Marks every authorization code with a random "family" id that follows the grant into its
/// tokens and their refreshed successors, so a replayed code or refresh token can revoke them all.
pub(super) struct CodeFamily;

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
pub(super) struct Codes {
    map: AuthMap<UrlSafeTokens>,
    issued: HashMap<String, DateTime<Utc>>,
    redeemed: HashMap<String, (String, DateTime<Utc>)>,
    replayed: Vec<String>,
}

impl Codes {
    pub(super) fn new() -> Codes {
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
    pub(super) fn take_replayed(&mut self) -> Vec<String> {
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
pub(super) struct Tokens {
    pub(super) map: TokenMap<UrlSafeTokens>,
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
    pub(super) fn new(ttl: TimeDelta) -> Tokens {
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

    pub(super) fn grant_of(&self, token: &str) -> Option<Grant> {
        if let Ok(Some(grant)) = self.map.recover_token(token) {
            return Some(grant);
        }
        self.recover_refresh(token).ok().flatten()
    }

    pub(super) fn revoke(&mut self, token: &str) {
        if let Some(record) = self.refresh.remove(token) {
            self.map.revoke(&record.access);
            self.access.remove(&record.access);
        }
        self.map.revoke(token);
        self.access.remove(token);
    }

    pub(super) fn revoke_family(&mut self, family: &str) {
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

    pub(super) fn revoke_client(&mut self, client_id: &str) {
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

    pub(super) fn retired_family(&self, token: &str) -> Option<String> {
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
}
