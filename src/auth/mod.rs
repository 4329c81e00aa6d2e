//! Sign-in and tokens. Connectors ask a [`TokenSource`] for a bearer token and tell it when the
//! shop refused one; how tokens are obtained, stored and refreshed stays behind this seam.
//!
//! - [`discovery`]: where a shop's sign-in lives (RFC 8414, OpenID discovery as fallback).
//! - [`flow`]: the OAuth steps (authorization code + PKCE S256 over a loopback redirect, device
//!   flow, refresh, revocation), done by the `oauth2` crate.
//! - [`callback`]: the one-shot loopback listener; [`browser`]: `$BROWSER` and the system browser.
//! - [`password`]: e-mail + password sign-in at a platform's own API (Spryker, Centra, AbanteCart).
//! - [`store`]: per-profile token files (0600, atomic writes).
//! - [`source`]: token sources for signed-in profiles and for API client credentials.
//!
//! Turning a profile into a connected shop (which needs the platform connectors) is
//! [`crate::connection`]'s job, outside this module: `auth` knows no platform.

pub mod browser;
pub mod callback;
pub mod discovery;
mod error;
pub mod flow;
pub mod password;
pub mod source;
pub mod store;

pub use error::AuthError;
pub use flow::{BrowserSignIn, DeviceSignIn, OAuthEndpoints, PasteHandle, TokenSet};
pub use source::{ClientCredentialsTokenSource, StoredTokenSource};
pub use store::{StoredTokens, TokenStore};

use crate::shop::{ShopError, ShopResult};
use async_trait::async_trait;
use secrecy::SecretString;

/// Gives connectors a bearer token for each request.
#[async_trait]
pub trait TokenSource: Send + Sync {
    /// A token to send now (refreshing first if it is about to expire).
    async fn bearer(&self) -> ShopResult<SecretString>;

    /// The shop answered 401 to `rejected`. Returns true when a different token is now available,
    /// so the request is worth repeating once.
    async fn token_rejected(&self, rejected: &SecretString) -> bool;
}

/// A fixed token (tests, and scripts that bring their own). Cannot refresh.
pub struct StaticToken(pub SecretString);

#[async_trait]
impl TokenSource for StaticToken {
    async fn bearer(&self) -> ShopResult<SecretString> {
        Ok(self.0.clone())
    }

    async fn token_rejected(&self, _rejected: &SecretString) -> bool {
        false
    }
}

/// No sign-in at all: every request that needs one fails with `NotSignedIn`. Password-reset
/// requests, which need no sign-in, still work through a connector built with it.
pub struct NoToken;

#[async_trait]
impl TokenSource for NoToken {
    async fn bearer(&self) -> ShopResult<SecretString> {
        Err(ShopError::NotSignedIn)
    }

    async fn token_rejected(&self, _rejected: &SecretString) -> bool {
        false
    }
}

/// A token source that can be replaced while connectors hold it: the TUI builds its shop once,
/// and a sign-in in the middle of a session (first start, or after the session expired) swaps in
/// the fresh tokens without losing the user's place.
#[derive(Default)]
pub struct SwitchableTokens {
    inner: std::sync::RwLock<Option<std::sync::Arc<dyn TokenSource>>>,
}

impl SwitchableTokens {
    pub fn new(initial: Option<std::sync::Arc<dyn TokenSource>>) -> SwitchableTokens {
        SwitchableTokens {
            inner: std::sync::RwLock::new(initial),
        }
    }

    pub fn replace(&self, source: Option<std::sync::Arc<dyn TokenSource>>) {
        // A poisoned lock only means another thread panicked mid-swap; the value is still whole.
        *self.inner.write().unwrap_or_else(|e| e.into_inner()) = source;
    }

    fn current(&self) -> Option<std::sync::Arc<dyn TokenSource>> {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[async_trait]
impl TokenSource for SwitchableTokens {
    async fn bearer(&self) -> ShopResult<SecretString> {
        match self.current() {
            Some(source) => source.bearer().await,
            None => Err(ShopError::NotSignedIn),
        }
    }

    async fn token_rejected(&self, rejected: &SecretString) -> bool {
        match self.current() {
            Some(source) => source.token_rejected(rejected).await,
            None => false,
        }
    }
}
