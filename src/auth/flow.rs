//! The OAuth 2.0 protocol steps, done by the `oauth2` crate: authorization code with PKCE S256
//! through the browser and a loopback redirect (RFC 7636, RFC 8252), the device authorization
//! grant (RFC 8628), refresh with rotation, and revocation (RFC 7009).
//!
//! Every request goes through the caller's `reqwest::Client` (from [`crate::net::http_client`]):
//! redirects off, so a token endpoint cannot bounce a code elsewhere, and the profile's CA trusted.
//!
//! A browser sign-in is a value the caller holds ([`BrowserSignIn`]): start it, show or open its
//! URL, optionally feed it a pasted redirect URL, and await [`BrowserSignIn::finish`] with a
//! time-out and a cancellation token (Esc in the TUI, Ctrl-C on the command line).

use super::callback::{
    CallbackExpectation, CallbackServer, pasted_redirect_query, validate_callback_query,
};
use super::discovery::ServerMetadata;
use super::error::{AuthError, from_token_error, reqwest_error_text};
use oauth2::basic::{BasicClient, BasicTokenResponse, BasicTokenType};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, CsrfToken, DeviceAuthorizationUrl, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RefreshToken, Scope, StandardDeviceAuthorizationResponse,
    StandardErrorResponse, StandardRevocableToken, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use std::fmt::Display;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use url::Url;

/// The default time a sign-in waits for the browser.
pub const DEFAULT_SIGN_IN_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// The client id shopterm registers as, unless a profile names another.
pub const DEFAULT_CLIENT_ID: &str = "shopterm";

/// The longest token lifetime taken from a server: a longer (or absurd, `u64::MAX`) `expires_in`
/// is cut to this, so the expiry stays a real date and shopterm merely checks back earlier.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(366 * 24 * 60 * 60);

/// The longest device-flow polling interval taken from a server (RFC 8628 §3.2 suggests 5 s).
pub const MAX_POLL_INTERVAL: Duration = Duration::from_secs(60);

/// When a token obtained at `obtained_at` and valid for `lifetime` (as a server said) expires,
/// with the lifetime cut to [`MAX_TOKEN_LIFETIME`]: server numbers never overflow a date.
pub fn expiry_after(obtained_at: OffsetDateTime, lifetime: Duration) -> OffsetDateTime {
    let lifetime = lifetime.min(MAX_TOKEN_LIFETIME);
    obtained_at
        .checked_add(time::Duration::try_from(lifetime).unwrap_or(time::Duration::ZERO))
        .unwrap_or(obtained_at)
}

/// Where and as whom to sign in: from discovery, or from a profile's own settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthEndpoints {
    pub issuer: Option<String>,
    pub client_id: String,
    pub authorization_endpoint: Option<Url>,
    pub token_endpoint: Url,
    pub revocation_endpoint: Option<Url>,
    pub device_authorization_endpoint: Option<Url>,
    /// Scopes to ask for; empty asks for the server's default.
    pub scopes: Vec<String>,
    /// The server marks its authorization responses with `iss` (RFC 9207), so a response without
    /// it, or naming another issuer, is a mix-up and refused.
    pub issuer_in_response: bool,
    /// The authorization request's `prompt` (OIDC Core §3.1.2.1), if any.
    pub prompt: Option<String>,
    /// A fixed loopback port for the redirect (for `ssh -L`); `None` picks a free one.
    pub callback_port: Option<u16>,
}

impl OAuthEndpoints {
    /// Who the tokens from these endpoints belong to, as the token store records it.
    pub fn token_issuer(&self) -> super::store::TokenIssuer {
        super::store::TokenIssuer::OAuth(super::store::OAuthServer {
            issuer: self.issuer.clone(),
            client_id: self.client_id.clone(),
            token_endpoint: self.token_endpoint.clone(),
            revocation_endpoint: self.revocation_endpoint.clone(),
        })
    }

    /// From discovered metadata. Without explicit `scopes`, an OpenID provider is asked for
    /// `openid` and (where offered) `offline_access`, which such servers want before they issue
    /// refresh tokens; other servers get their default scope. A request for `offline_access`
    /// carries `prompt=consent`, which OIDC Core §11 requires (strict providers such as
    /// oidc-provider otherwise drop `offline_access`, and no refresh token comes).
    pub fn from_metadata(
        metadata: &ServerMetadata,
        client_id: &str,
        scopes: Option<Vec<String>>,
    ) -> OAuthEndpoints {
        let scopes = scopes.unwrap_or_else(|| {
            let offered = |s: &str| metadata.scopes_supported.iter().any(|x| x == s);
            if offered("openid") {
                ["openid", "offline_access"]
                    .into_iter()
                    .filter(|s| offered(s))
                    .map(String::from)
                    .collect()
            } else {
                Vec::new()
            }
        });
        OAuthEndpoints {
            issuer: Some(metadata.issuer.clone()),
            client_id: client_id.to_owned(),
            authorization_endpoint: metadata.authorization_endpoint.clone(),
            token_endpoint: metadata.token_endpoint.clone(),
            revocation_endpoint: metadata.revocation_endpoint.clone(),
            device_authorization_endpoint: metadata.device_authorization_endpoint.clone(),
            prompt: default_prompt(&scopes),
            scopes,
            issuer_in_response: metadata.authorization_response_iss_parameter_supported,
            callback_port: None,
        }
    }

    /// Replaces the automatic `prompt`: `Some("")` sends none, `Some(value)` sends `value`.
    pub fn with_prompt(mut self, prompt: Option<&str>) -> OAuthEndpoints {
        if let Some(prompt) = prompt {
            let prompt = prompt.trim();
            self.prompt = (!prompt.is_empty()).then(|| prompt.to_owned());
        }
        self
    }

    pub fn with_callback_port(mut self, port: Option<u16>) -> OAuthEndpoints {
        self.callback_port = port;
        self
    }

    fn issuer_name(&self) -> String {
        self.issuer
            .clone()
            .unwrap_or_else(|| self.token_endpoint.origin().ascii_serialization())
    }

    fn client(
        &self,
    ) -> oauth2::Client<
        oauth2::basic::BasicErrorResponse,
        BasicTokenResponse,
        oauth2::basic::BasicTokenIntrospectionResponse,
        StandardRevocableToken,
        oauth2::basic::BasicRevocationErrorResponse,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointSet,
    > {
        BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_token_uri(TokenUrl::from_url(self.token_endpoint.clone()))
    }
}

/// `consent` when `offline_access` is asked for (OIDC Core §11), else none.
pub fn default_prompt(scopes: &[String]) -> Option<String> {
    scopes
        .iter()
        .any(|s| s == "offline_access")
        .then(|| "consent".to_owned())
}

/// Checks a `prompt` setting: space-separated values of OIDC Core §3.1.2.1, or empty for none.
pub fn validate_prompt(prompt: &str) -> Result<(), String> {
    const KNOWN: [&str; 4] = ["none", "login", "consent", "select_account"];
    for value in prompt.split_whitespace() {
        if !KNOWN.contains(&value) {
            return Err(format!(
                "prompt {value:?} is not one of {} (or \"\" for none)",
                KNOWN.join(", ")
            ));
        }
    }
    if prompt.split_whitespace().count() > 1 && prompt.split_whitespace().any(|v| v == "none") {
        return Err("prompt \"none\" cannot be combined with other values".into());
    }
    Ok(())
}

/// Tokens as the server gave them.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
    pub expires_at: Option<OffsetDateTime>,
    pub obtained_at: OffsetDateTime,
    pub scope: Option<String>,
}

impl TokenSet {
    pub(crate) fn from_response(response: &BasicTokenResponse) -> Result<TokenSet, AuthError> {
        if *response.token_type() != BasicTokenType::Bearer {
            return Err(AuthError::Protocol(format!(
                "the token is of type {:?}; shopterm only uses bearer tokens",
                response.token_type().as_ref()
            )));
        }
        let obtained_at = OffsetDateTime::now_utc();
        Ok(TokenSet {
            access_token: SecretString::from(response.access_token().secret().as_str()),
            refresh_token: response
                .refresh_token()
                .map(|t| SecretString::from(t.secret().as_str())),
            expires_at: response
                .expires_in()
                .map(|lifetime| expiry_after(obtained_at, lifetime)),
            obtained_at,
            scope: response.scopes().map(|scopes| {
                scopes
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            }),
        })
    }
}

pub(crate) fn describe_standard<T: oauth2::ErrorResponseType + Display>(
    response: &StandardErrorResponse<T>,
) -> (String, Option<String>) {
    (
        response.error().to_string(),
        response.error_description().cloned(),
    )
}

/// Feeds a redirect URL that the user pasted (`--no-browser`, or a TUI text field) into a
/// waiting [`BrowserSignIn`].
#[derive(Clone)]
pub struct PasteHandle(mpsc::UnboundedSender<String>);

impl PasteHandle {
    /// Checks that the text looks like the final redirect (so a typo can be re-entered) and hands
    /// it over; the state is checked by the waiting sign-in.
    pub fn paste(&self, pasted: &str) -> Result<(), AuthError> {
        let query = pasted_redirect_query(pasted)?;
        self.0.send(query).map_err(|_| AuthError::Cancelled)
    }
}

/// A browser sign-in in progress: the loopback listener is up and the authorization URL built.
pub struct BrowserSignIn {
    endpoints: OAuthEndpoints,
    http: reqwest::Client,
    server: CallbackServer,
    authorize_url: Url,
    expectation: CallbackExpectation,
    pkce_verifier: PkceCodeVerifier,
    paste_tx: mpsc::UnboundedSender<String>,
    paste_rx: mpsc::UnboundedReceiver<String>,
}

impl BrowserSignIn {
    /// Starts listening on 127.0.0.1 and builds the authorization URL with a fresh `state` and
    /// PKCE S256 challenge. `shop_name` is what the browser's final page names.
    pub async fn start(
        http: reqwest::Client,
        endpoints: OAuthEndpoints,
        shop_name: &str,
    ) -> Result<BrowserSignIn, AuthError> {
        let authorization_endpoint =
            endpoints
                .authorization_endpoint
                .clone()
                .ok_or_else(|| AuthError::MissingEndpoint {
                    issuer: endpoints.issuer_name(),
                    what: "authorization endpoint (browser sign-in)",
                })?;
        let state = CsrfToken::new_random();
        let expectation = CallbackExpectation {
            state: state.secret().clone(),
            issuer: endpoints.issuer.clone(),
            issuer_required: endpoints.issuer_in_response,
        };
        let server = CallbackServer::start(
            expectation.clone(),
            shop_name.to_owned(),
            endpoints.callback_port,
        )
        .await?;
        let (challenge, pkce_verifier) = PkceCodeChallenge::new_random_sha256();
        let client = endpoints
            .client()
            .set_auth_uri(AuthUrl::from_url(authorization_endpoint))
            .set_redirect_uri(RedirectUrl::from_url(server.redirect_uri().clone()));
        let expected = state.secret().clone();
        let mut request = client
            .authorize_url(move || CsrfToken::new(expected))
            .add_scopes(endpoints.scopes.iter().cloned().map(Scope::new))
            .set_pkce_challenge(challenge);
        if let Some(prompt) = &endpoints.prompt {
            request = request.add_extra_param("prompt", prompt.clone());
        }
        let (authorize_url, _) = request.url();
        let (paste_tx, paste_rx) = mpsc::unbounded_channel();
        Ok(BrowserSignIn {
            endpoints,
            http,
            server,
            authorize_url,
            expectation,
            pkce_verifier,
            paste_tx,
            paste_rx,
        })
    }

    /// The page to open in the browser (holds no secret: the PKCE verifier stays here).
    pub fn authorize_url(&self) -> &Url {
        &self.authorize_url
    }

    /// `http://127.0.0.1:PORT/callback`.
    pub fn redirect_uri(&self) -> &Url {
        self.server.redirect_uri()
    }

    pub fn paste_handle(&self) -> PasteHandle {
        PasteHandle(self.paste_tx.clone())
    }

    /// Waits for the one answer (the browser's redirect, or a pasted URL), checks its state,
    /// exchanges the code. Stops listening before returning, whatever the outcome: a callback
    /// after a time-out or cancellation finds no listener.
    pub async fn finish(
        mut self,
        timeout: Duration,
        cancel: CancellationToken,
    ) -> Result<TokenSet, AuthError> {
        let Some(deliveries) = self.server.deliveries.take() else {
            return Err(AuthError::Protocol(
                "the sign-in was already finished".into(),
            ));
        };
        let (outcome, reply) = tokio::select! {
            delivery = deliveries => match delivery {
                Ok(delivery) => (delivery.outcome, Some(delivery.reply)),
                Err(_) => (Err(AuthError::Protocol("the callback listener stopped".into())), None),
            },
            Some(query) = self.paste_rx.recv() => {
                (validate_callback_query(&query, &self.expectation), None)
            }
            _ = tokio::time::sleep(timeout) => {
                tracing::info!(timeout_s = timeout.as_secs(), "sign-in timed out");
                self.server.shutdown().await;
                return Err(AuthError::TimedOut(timeout.as_secs()));
            }
            _ = cancel.cancelled() => {
                tracing::info!("sign-in cancelled");
                self.server.shutdown().await;
                return Err(AuthError::Cancelled);
            }
        };
        let result = match outcome {
            Ok(code) => {
                // Cancelling during the exchange is honoured too.
                tokio::select! {
                    result = self.exchange(code) => result,
                    _ = cancel.cancelled() => Err(AuthError::Cancelled),
                }
            }
            Err(error) => Err(error),
        };
        if let Some(reply) = reply {
            let _ = reply.send(result.as_ref().map(|_| ()).map_err(ToString::to_string));
        }
        self.server.shutdown().await;
        match &result {
            Ok(_) => tracing::info!("authorization code exchanged"),
            Err(error) => tracing::warn!(%error, "browser sign-in failed"),
        }
        result
    }

    async fn exchange(&self, code: SecretString) -> Result<TokenSet, AuthError> {
        let client = self
            .endpoints
            .client()
            .set_redirect_uri(RedirectUrl::from_url(self.server.redirect_uri().clone()));
        let verifier = PkceCodeVerifier::new(self.pkce_verifier.secret().clone());
        let response = client
            .exchange_code(AuthorizationCode::new(code.expose_secret().to_owned()))
            .set_pkce_verifier(verifier)
            .request_async(&self.http)
            .await
            .map_err(|e| from_token_error("accept the sign-in code", e, describe_standard))?;
        TokenSet::from_response(&response)
    }
}

/// Uses a refresh token. The answer may hold a new (rotated) refresh token; when it does not, the
/// old one stays valid and the caller keeps it.
pub async fn refresh(
    http: &reqwest::Client,
    client_id: &str,
    token_endpoint: &Url,
    refresh_token: &SecretString,
) -> Result<TokenSet, AuthError> {
    let client = BasicClient::new(ClientId::new(client_id.to_owned()))
        .set_token_uri(TokenUrl::from_url(token_endpoint.clone()));
    let response = client
        .exchange_refresh_token(&RefreshToken::new(refresh_token.expose_secret().to_owned()))
        .request_async(http)
        .await
        .map_err(|e| from_token_error("refresh the session", e, describe_standard))?;
    TokenSet::from_response(&response)
}

/// Which token a revocation names (RFC 7009 `token_type_hint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
}

/// Revokes one token (RFC 7009 §2.1: a form with `token`, `token_type_hint` and, for a public
/// client, `client_id`). Servers answer 200 for tokens they do not know, too.
///
/// Sent by hand rather than through `oauth2`, which refuses any non-HTTPS revocation endpoint —
/// also the loopback demo shop's, which [`crate::net::require_secure`] rightly allows.
pub async fn revoke(
    http: &reqwest::Client,
    client_id: &str,
    revocation_endpoint: &Url,
    token: &SecretString,
    kind: TokenKind,
) -> Result<(), AuthError> {
    crate::net::require_secure(revocation_endpoint)?;
    let hint = match kind {
        TokenKind::Access => "access_token",
        TokenKind::Refresh => "refresh_token",
    };
    let form = [
        ("token", token.expose_secret()),
        ("token_type_hint", hint),
        ("client_id", client_id),
    ];
    let response = http
        .post(revocation_endpoint.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .form(&form)
        .send()
        .await
        .map_err(|e| AuthError::Network(reqwest_error_text(&e)))?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        error: String,
        error_description: Option<String>,
    }
    let body = response.bytes().await.unwrap_or_default();
    Err(match serde_json::from_slice::<ErrorBody>(&body) {
        Ok(body) => AuthError::Refused {
            action: "revoke a token",
            error: body.error,
            description: body.error_description,
        },
        Err(_) => AuthError::Protocol(format!(
            "the revocation endpoint answered HTTP {}",
            status.as_u16()
        )),
    })
}

/// A device sign-in (RFC 8628) waiting for the user to enter a code on another device.
pub struct DeviceSignIn {
    endpoints: OAuthEndpoints,
    http: reqwest::Client,
    details: StandardDeviceAuthorizationResponse,
}

impl DeviceSignIn {
    /// Asks the server for a user code. Needs `device_authorization_endpoint` in the metadata.
    pub async fn start(
        http: reqwest::Client,
        endpoints: OAuthEndpoints,
    ) -> Result<DeviceSignIn, AuthError> {
        let device_endpoint = endpoints
            .device_authorization_endpoint
            .clone()
            .ok_or_else(|| AuthError::MissingEndpoint {
                issuer: endpoints.issuer_name(),
                what: "device authorization endpoint (--device)",
            })?;
        let details: StandardDeviceAuthorizationResponse = endpoints
            .client()
            .set_device_authorization_url(DeviceAuthorizationUrl::from_url(device_endpoint))
            .exchange_device_code()
            .add_scopes(endpoints.scopes.iter().cloned().map(Scope::new))
            .request_async(&http)
            .await
            .map_err(|e| from_token_error("start a device sign-in", e, describe_standard))?;
        crate::net::require_secure(details.verification_uri().url())?;
        if details.interval() > MAX_POLL_INTERVAL {
            return Err(AuthError::Protocol(format!(
                "the device sign-in asks to wait {} s between checks (at most {} s make sense)",
                details.interval().as_secs(),
                MAX_POLL_INTERVAL.as_secs()
            )));
        }
        Ok(DeviceSignIn {
            endpoints,
            http,
            details,
        })
    }

    /// The code the user types at [`DeviceSignIn::verification_uri`].
    pub fn user_code(&self) -> &str {
        self.details.user_code().secret()
    }

    pub fn verification_uri(&self) -> &Url {
        self.details.verification_uri().url()
    }

    /// The verification page with the code already filled in, when the server offers one.
    pub fn verification_uri_complete(&self) -> Option<&str> {
        self.details
            .verification_uri_complete()
            .map(|u| u.secret().as_str())
    }

    pub fn expires_in(&self) -> Duration {
        self.details.expires_in()
    }

    /// [`DeviceSignIn::finish_within`] the code's own lifetime.
    pub async fn finish(self, cancel: CancellationToken) -> Result<TokenSet, AuthError> {
        let lifetime = self.expires_in().min(MAX_TOKEN_LIFETIME);
        self.finish_within(lifetime, cancel).await
    }

    /// Polls the token endpoint at the server's interval (slowing down when told to, never past
    /// [`MAX_POLL_INTERVAL`]) until the user has approved, the code expires, `timeout` passes or
    /// `cancel` fires.
    pub async fn finish_within(
        self,
        timeout: Duration,
        cancel: CancellationToken,
    ) -> Result<TokenSet, AuthError> {
        let client = self.endpoints.client();
        let poll = client
            .exchange_device_access_token(&self.details)
            .set_max_backoff_interval(MAX_POLL_INTERVAL)
            .request_async(&self.http, tokio::time::sleep, None);
        let response = tokio::select! {
            response = poll => response.map_err(|e| from_token_error("finish the device sign-in", e, describe_standard))?,
            _ = tokio::time::sleep(timeout) => {
                tracing::info!(timeout_s = timeout.as_secs(), "device sign-in timed out");
                return Err(AuthError::DeviceTimedOut(timeout.as_secs()));
            }
            _ = cancel.cancelled() => return Err(AuthError::Cancelled),
        };
        TokenSet::from_response(&response)
    }
}
