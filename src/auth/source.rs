//! Token sources for signed-in profiles: [`StoredTokenSource`] (browser, device or password
//! sign-in, with refresh where the issuer offers it) and [`ClientCredentialsTokenSource`] (a customer's API client id and secret).
//!
//! Both are single-flight: a tokio mutex is held across a refresh, so callers that arrive during
//! one wait for its result instead of refreshing again (with rotating refresh tokens a second
//! refresh would use an already-spent token and end the session). Across processes, the
//! profile's lock file ([`TokenStore::lock`]) does the same for [`StoredTokenSource`].

use super::TokenSource;
use super::error::{AuthError, from_token_error};
use super::flow;
use super::password::PasswordSignIn;
use super::store::{StoredTokens, TokenIssuer, TokenStore};
use crate::shop::{ShopError, ShopResult};
use async_trait::async_trait;
use oauth2::basic::BasicClient;
use oauth2::{AuthType, ClientId, ClientSecret, Scope, TokenUrl};
use secrecy::{ExposeSecret, SecretString};
use std::path::Path;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::Mutex;
use url::Url;

/// Refresh this long before the access token's expiry…
const REFRESH_MARGIN: Duration = Duration::from_secs(30);

/// …but at most this part of its lifetime, so short-lived tokens (the demo's `--token-ttl 2`)
/// are not refreshed on every request.
fn margin_for(tokens_lifetime: Option<Duration>) -> Duration {
    match tokens_lifetime {
        Some(lifetime) => REFRESH_MARGIN.min(lifetime / 4),
        None => REFRESH_MARGIN,
    }
}

fn same_secret(a: &SecretString, b: &SecretString) -> bool {
    a.expose_secret() == b.expose_secret()
}

/// Whether a token expiring at `expires_at` (issued at `obtained_at`) should be replaced now.
fn due_for_refresh(
    expires_at: Option<OffsetDateTime>,
    obtained_at: OffsetDateTime,
    now: OffsetDateTime,
) -> bool {
    let Some(expires_at) = expires_at else {
        return false;
    };
    let lifetime = Duration::try_from(expires_at - obtained_at).ok();
    expires_at - margin_for(lifetime) <= now
}

/// The access token of a signed-in profile (browser, device or password sign-in), refreshed
/// silently before it expires and when the shop rejects it, at the OAuth server or the platform
/// that issued it ([`TokenIssuer`]). Rotated refresh tokens are written to the store at once.
/// Tokens that cannot be refreshed are used until they expire or the shop rejects them; then
/// the caller sees `SessionExpired` and asks the person to sign in again.
pub struct StoredTokenSource {
    profile: String,
    store: TokenStore,
    http: reqwest::Client,
    current: Mutex<StoredTokens>,
    platforms: PasswordPlatforms,
}

/// A password platform's sign-in by its name, for renewing tokens a platform issued
/// ([`TokenIssuer::Platform`]). `auth` knows no platform: the caller passes
/// `crate::platforms::password_sign_in` (see `crate::connection`).
pub type PasswordPlatforms = fn(&str) -> Result<&'static dyn PasswordSignIn, AuthError>;

impl StoredTokenSource {
    /// The profile's stored tokens; `NotSignedIn` when there are none.
    pub fn load(
        store: TokenStore,
        profile: &str,
        http: reqwest::Client,
        platforms: PasswordPlatforms,
    ) -> Result<StoredTokenSource, AuthError> {
        let tokens = store
            .load(profile)?
            .ok_or(AuthError::Shop(ShopError::NotSignedIn))?;
        Ok(StoredTokenSource::new(
            store, profile, http, tokens, platforms,
        ))
    }

    pub fn new(
        store: TokenStore,
        profile: &str,
        http: reqwest::Client,
        tokens: StoredTokens,
        platforms: PasswordPlatforms,
    ) -> StoredTokenSource {
        StoredTokenSource {
            profile: profile.to_owned(),
            store,
            http,
            current: Mutex::new(tokens),
            platforms,
        }
    }

    /// Where the tokens are kept.
    pub fn store(&self) -> &TokenStore {
        &self.store
    }

    /// The tokens as they are now (for `whoami`, and for sign-out).
    pub async fn snapshot(&self) -> StoredTokens {
        self.current.lock().await.clone()
    }

    /// Replaces `current` with fresh tokens. Another shopterm process (the TUI beside a script)
    /// may have refreshed already and rotated the refresh token we hold: adopt its tokens from
    /// the store instead of spending a dead refresh token.
    ///
    /// The profile's cross-process lock is held from the re-read to the save, so of two
    /// processes refreshing at once one refreshes and the other adopts its result.
    async fn refresh_locked(
        &self,
        current: &mut StoredTokens,
        rejected: Option<&SecretString>,
    ) -> Result<(), AuthError> {
        let _lock = match self.store.lock(&self.profile).await {
            Ok(lock) => Some(lock),
            Err(error @ super::store::StoreError::LockTimeout { .. }) => return Err(error.into()),
            // A file system without locks must not end the session: refresh unguarded.
            Err(error) => {
                tracing::warn!(profile = %self.profile, %error, "cannot lock the token file; refreshing without the lock");
                None
            }
        };
        match self.store.load_async(&self.profile).await {
            Ok(Some(on_disk)) if !same_secret(&on_disk.access_token, &current.access_token) => {
                // Someone else stored newer tokens; their refresh token is the live one.
                let usable = rejected.is_none_or(|r| !same_secret(r, &on_disk.access_token))
                    && !due_for_refresh(
                        on_disk.expires_at,
                        on_disk.obtained_at,
                        OffsetDateTime::now_utc(),
                    );
                *current = on_disk;
                if usable {
                    tracing::info!(profile = %self.profile, "using tokens refreshed by another shopterm");
                    return Ok(());
                }
            }
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(profile = %self.profile, %error, "cannot re-read the token file")
            }
        }
        let Some(refresh_token) = current.refresh_token.clone() else {
            return Err(AuthError::Refused {
                action: "refresh the session",
                error: "no_refresh_token".into(),
                description: Some("the server gave no refresh token; sign in again".into()),
            });
        };
        tracing::info!(profile = %self.profile, "refreshing the access token");
        let fresh = match &current.issued_by {
            TokenIssuer::OAuth(server) => {
                flow::refresh(
                    &self.http,
                    &server.client_id,
                    &server.token_endpoint,
                    &refresh_token,
                )
                .await?
            }
            TokenIssuer::Platform { platform, shop_url } => {
                (self.platforms)(platform)?
                    .refresh(&self.http, shop_url, &refresh_token)
                    .await?
            }
        };
        let rotated = fresh.refresh_token.is_some();
        current.access_token = fresh.access_token;
        if let Some(new_refresh) = fresh.refresh_token {
            current.refresh_token = Some(new_refresh);
        }
        current.expires_at = fresh.expires_at;
        current.obtained_at = fresh.obtained_at;
        if fresh.scope.is_some() {
            current.scope = fresh.scope;
        }
        // The old refresh token may be dead now: the new one must reach the disk before anyone
        // could need it. A failure to save is reported in the log; this process goes on.
        if let Err(error) = self.store.save_async(&self.profile, current).await {
            tracing::error!(profile = %self.profile, %error, "cannot save refreshed tokens");
        }
        tracing::info!(profile = %self.profile, rotated, expires_at = ?current.expires_at, "access token refreshed");
        Ok(())
    }
}

#[async_trait]
impl TokenSource for StoredTokenSource {
    async fn bearer(&self) -> ShopResult<SecretString> {
        let mut current = self.current.lock().await;
        let now = OffsetDateTime::now_utc();
        if due_for_refresh(current.expires_at, current.obtained_at, now) {
            if current.refresh_token.is_none() {
                if current.expires_at.is_some_and(|at| at <= now) {
                    return Err(ShopError::SessionExpired);
                }
            } else if let Err(error) = self.refresh_locked(&mut current, None).await {
                tracing::warn!(profile = %self.profile, %error, "refresh before expiry failed");
                return Err(error.into_shop_error());
            }
        }
        Ok(current.access_token.clone())
    }

    async fn token_rejected(&self, rejected: &SecretString) -> bool {
        let mut current = self.current.lock().await;
        if !same_secret(&current.access_token, rejected) {
            // Someone refreshed while that request was on its way.
            return true;
        }
        match self.refresh_locked(&mut current, Some(rejected)).await {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!(profile = %self.profile, %error, "refresh after a rejected token failed");
                false
            }
        }
    }
}

/// The Customer API's token endpoint for API credentials.
pub fn client_credentials_endpoint(shop_url: &Url) -> Result<Url, AuthError> {
    let mut url = shop_url.clone();
    url.path_segments_mut()
        .map_err(|_| AuthError::Config(format!("{shop_url} cannot be a shop URL")))?
        .pop_if_empty()
        .extend(["api", "customer", "oauth", "access-token"]);
    Ok(url)
}

/// The environment variable that holds an API client secret.
pub const CLIENT_SECRET_ENV: &str = "SHOPTERM_CLIENT_SECRET";

/// The API client secret: from `SHOPTERM_CLIENT_SECRET`, else from `secret_file`, which must be
/// readable by its owner only (like ssh keys). Never from the command line, where other users
/// see it in the process list.
pub fn read_client_secret(secret_file: Option<&Path>) -> Result<SecretString, AuthError> {
    if let Ok(secret) = std::env::var(CLIENT_SECRET_ENV)
        && !secret.trim().is_empty()
    {
        return Ok(SecretString::from(secret.trim()));
    }
    let Some(path) = secret_file else {
        return Err(AuthError::Config(format!(
            "no API client secret: set {CLIENT_SECRET_ENV} or name a secret_file (mode 0600) in the profile"
        )));
    };
    #[cfg(unix)]
    {
        let mode = super::store::file_mode(path).map_err(|e| {
            AuthError::Config(format!(
                "cannot read the secret file {}: {e}",
                path.display()
            ))
        })?;
        if mode & 0o077 != 0 {
            return Err(AuthError::Config(format!(
                "the secret file {} can be read by others (mode {mode:o}); run `chmod 600 {}`",
                path.display(),
                path.display()
            )));
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        AuthError::Config(format!(
            "cannot read the secret file {}: {e}",
            path.display()
        ))
    })?;
    let secret = SecretString::from(text.trim());
    drop(zeroize::Zeroizing::new(text));
    if secret.expose_secret().is_empty() {
        return Err(AuthError::Config(format!(
            "the secret file {} is empty",
            path.display()
        )));
    }
    Ok(secret)
}

/// Tokens from the `client_credentials` grant with a customer's API client id and secret. Kept
/// in memory only: a new one costs one request, and no refresh token is involved.
pub struct ClientCredentialsTokenSource {
    endpoint: Url,
    client_id: String,
    secret: SecretString,
    http: reqwest::Client,
    current: Mutex<Option<(SecretString, Option<OffsetDateTime>, OffsetDateTime)>>,
}

impl ClientCredentialsTokenSource {
    pub fn new(
        http: reqwest::Client,
        shop_url: &Url,
        client_id: &str,
        secret: SecretString,
    ) -> Result<ClientCredentialsTokenSource, AuthError> {
        let endpoint = client_credentials_endpoint(shop_url)?;
        crate::net::require_secure(&endpoint)?;
        Ok(ClientCredentialsTokenSource {
            endpoint,
            client_id: client_id.to_owned(),
            secret,
            http,
            current: Mutex::new(None),
        })
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// When the current token expires (None before the first request or when not said).
    pub async fn expires_at(&self) -> Option<OffsetDateTime> {
        self.current.lock().await.as_ref().and_then(|c| c.1)
    }

    async fn fetch(
        &self,
    ) -> Result<(SecretString, Option<OffsetDateTime>, OffsetDateTime), AuthError> {
        tracing::info!(client_id = %self.client_id, "requesting a client-credentials token");
        // The Customer API wants the id and secret in the form body (and `scope=all`).
        let response = BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_client_secret(ClientSecret::new(self.secret.expose_secret().to_owned()))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(TokenUrl::from_url(self.endpoint.clone()))
            .exchange_client_credentials()
            .add_scope(Scope::new("all".into()))
            .request_async(&self.http)
            .await
            .map_err(|e| {
                from_token_error("accept the API credentials", e, flow::describe_standard)
            })?;
        let tokens = flow::TokenSet::from_response(&response)?;
        Ok((tokens.access_token, tokens.expires_at, tokens.obtained_at))
    }
}

fn credentials_error(error: AuthError) -> ShopError {
    match error {
        AuthError::Refused { error, .. } => ShopError::Forbidden(format!(
            "the shop refused the API client id and secret ({error})"
        )),
        AuthError::Network(message) => ShopError::Network(message),
        other => ShopError::Protocol(other.to_string()),
    }
}

#[async_trait]
impl TokenSource for ClientCredentialsTokenSource {
    async fn bearer(&self) -> ShopResult<SecretString> {
        let mut current = self.current.lock().await;
        if let Some((token, expires_at, obtained_at)) = current.as_ref()
            && !due_for_refresh(*expires_at, *obtained_at, OffsetDateTime::now_utc())
        {
            return Ok(token.clone());
        }
        let fresh = self.fetch().await.map_err(credentials_error)?;
        let token = fresh.0.clone();
        *current = Some(fresh);
        Ok(token)
    }

    async fn token_rejected(&self, rejected: &SecretString) -> bool {
        let mut current = self.current.lock().await;
        if let Some((token, ..)) = current.as_ref()
            && !same_secret(token, rejected)
        {
            return true;
        }
        match self.fetch().await {
            Ok(fresh) => {
                *current = Some(fresh);
                true
            }
            Err(error) => {
                tracing::warn!(%error, "new client-credentials token failed");
                *current = None;
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn refresh_margin_scales_with_short_lifetimes() {
        let issued = datetime!(2030-01-01 00:00:00 UTC);
        let hour = issued + time::Duration::hours(1);
        assert!(!due_for_refresh(
            Some(hour),
            issued,
            hour - time::Duration::seconds(31)
        ));
        assert!(due_for_refresh(
            Some(hour),
            issued,
            hour - time::Duration::seconds(29)
        ));
        // A 2 s token is refreshed in its last half second, not at once.
        let two = issued + time::Duration::seconds(2);
        assert!(!due_for_refresh(
            Some(two),
            issued,
            issued + time::Duration::seconds(1)
        ));
        assert!(due_for_refresh(Some(two), issued, two));
        assert!(!due_for_refresh(
            None,
            issued,
            issued + time::Duration::days(9)
        ));
    }

    #[test]
    fn client_credentials_endpoint_path() {
        assert_eq!(
            client_credentials_endpoint(&Url::parse("https://shop.example/").unwrap())
                .unwrap()
                .as_str(),
            "https://shop.example/api/customer/oauth/access-token"
        );
        assert_eq!(
            client_credentials_endpoint(&Url::parse("https://shop.example/eu").unwrap())
                .unwrap()
                .as_str(),
            "https://shop.example/eu/api/customer/oauth/access-token"
        );
    }
}
