//! Sign-in with an e-mail (or login name) and password at the shop's own API, for platforms that
//! have no OAuth authorization server: Spryker Glue (`POST /access-tokens`), Centra's Checkout API
//! (`POST login/{email}`) and AbanteCart (`rt=a/account/login`).
//!
//! Each such platform implements [`PasswordSignIn`]; what comes back is a [`TokenSet`] like an
//! OAuth sign-in's, so the same token store, the same refresh-before-expiry and refresh-after-401
//! ([`super::StoredTokenSource`]) and the same sign-out path serve both. Platforms whose tokens
//! cannot be refreshed (Centra, AbanteCart) simply have no refresh token: when the shop stops
//! accepting theirs, the session has expired and the user signs in again, keeping their place.
//!
//! The password is only ever held in a [`SecretString`] and sent in a request body; it is never
//! stored, logged or put into an error.

use super::error::AuthError;
use super::flow::TokenSet;
use super::store::StoredTokens;
use async_trait::async_trait;
use secrecy::SecretString;
use url::Url;

/// What a password platform does to sign in, renew and sign out.
#[async_trait]
pub trait PasswordSignIn: Send + Sync {
    /// What the login field is called on this platform's sign-in form.
    fn login_label(&self) -> &'static str {
        "E-mail"
    }

    /// Signs in; a wrong login or password is [`AuthError::WrongCredentials`] (see
    /// [`wrong_credentials`]).
    async fn sign_in(
        &self,
        http: &reqwest::Client,
        shop_url: &Url,
        login: &str,
        password: &SecretString,
    ) -> Result<TokenSet, AuthError>;

    /// New tokens for a refresh token. Only called when the sign-in gave one.
    async fn refresh(
        &self,
        _http: &reqwest::Client,
        _shop_url: &Url,
        _refresh_token: &SecretString,
    ) -> Result<TokenSet, AuthError> {
        Err(AuthError::Refused {
            action: "refresh the session",
            error: "unsupported".into(),
            description: Some("this shop's sessions cannot be renewed; sign in again".into()),
        })
    }

    /// Ends the session at the shop (log out, revoke the refresh token). The caller deletes the
    /// stored tokens whatever this returns.
    async fn sign_out(
        &self,
        http: &reqwest::Client,
        shop_url: &Url,
        tokens: &StoredTokens,
    ) -> Result<(), AuthError>;
}

/// The error for a refused login, worded the same on every platform (none of them tells whether
/// the e-mail exists, and neither does shopterm).
pub fn wrong_credentials(detail: Option<String>) -> AuthError {
    AuthError::WrongCredentials(
        detail
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| "the shop did not accept this e-mail and password".into()),
    )
}

/// The error for a sign-in the shop holds back after too many failed ones: the wait from the
/// answer's `Retry-After` (delta-seconds) where it has one, else the shop's own words.
pub fn too_many_attempts(
    headers: &reqwest::header::HeaderMap,
    detail: Option<String>,
) -> AuthError {
    AuthError::TooManyAttempts {
        retry_after: crate::net::retry_after(headers),
        detail: detail.filter(|d| !d.trim().is_empty()),
    }
}

/// True when a sign-in failed because of the login or password (as opposed to the network or the
/// shop), so the form asks for them again.
pub fn is_wrong_credentials(error: &AuthError) -> bool {
    matches!(error, AuthError::WrongCredentials(_))
}

/// The tokens of a platform whose sign-in gives a plain session token: no refresh token, and no
/// lifetime said (the session lasts until the shop ends it).
pub fn session_token(token: SecretString) -> TokenSet {
    TokenSet {
        access_token: token,
        refresh_token: None,
        expires_at: None,
        obtained_at: time::OffsetDateTime::now_utc(),
        scope: None,
    }
}

/// `shop_url` with `segments` appended, each percent-encoded (`https://x/glue` + `access-tokens`).
pub fn endpoint(shop_url: &Url, segments: &[&str]) -> Result<Url, AuthError> {
    let mut url = shop_url.clone();
    url.path_segments_mut()
        .map_err(|_| AuthError::Config(format!("{shop_url} cannot be a shop URL")))?
        .pop_if_empty()
        .extend(segments);
    crate::net::require_secure(&url)?;
    Ok(url)
}

/// A network failure of a sign-in request, with reqwest's causes (the URL never holds a secret).
pub fn network_error(error: &reqwest::Error) -> AuthError {
    AuthError::Network(super::error::reqwest_error_text(error))
}
