//! Staff sign-in: a Shoptet private API token (made in the shop's administration) is checked
//! against `GET /api/eshop` and kept like a password platform's session token, in the same token
//! store. It cannot be renewed; it is revoked in the shop's administration, so signing out here
//! only deletes it on this machine.

use super::wire;
use crate::auth::AuthError;
use crate::auth::flow::TokenSet;
use crate::auth::password::{PasswordSignIn, session_token, wrong_credentials};
use crate::auth::store::StoredTokens;
use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

pub struct ShoptetSignIn;

/// The e-shop a staff token belongs to, or why it was refused. The token travels only in its
/// header; errors name the shop, never the token.
pub async fn eshop_of_token(
    http: &reqwest::Client,
    shop_url: &Url,
    token: &SecretString,
) -> Result<wire::EshopInfo, AuthError> {
    let url = crate::auth::password::endpoint(shop_url, &["api", "eshop"])?;
    let response = http
        .get(url)
        .header(wire::PRIVATE_TOKEN_HEADER, token.expose_secret())
        .header(reqwest::header::CONTENT_TYPE, wire::CONTENT_TYPE)
        .send()
        .await
        .map_err(|e| crate::auth::password::network_error(&e))?;
    let status = response.status();
    if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
        return Err(wrong_credentials(Some(
            "the shop did not accept this staff API token".into(),
        )));
    }
    let bytes = response
        .bytes()
        .await
        .map_err(|e| crate::auth::password::network_error(&e))?;
    if !status.is_success() {
        return Err(AuthError::Shop(super::client::error_of(
            status, &bytes, None,
        )));
    }
    serde_json::from_slice::<wire::Envelope<wire::EshopInfo>>(&bytes)
        .ok()
        .and_then(|envelope| envelope.data)
        .ok_or_else(|| {
            AuthError::Shop(crate::shop::ShopError::Protocol(
                "the shop's /api/eshop answer is not Shoptet's".into(),
            ))
        })
}

#[async_trait]
impl PasswordSignIn for ShoptetSignIn {
    fn login_label(&self) -> &'static str {
        "Staff API token"
    }

    async fn sign_in(
        &self,
        http: &reqwest::Client,
        shop_url: &Url,
        _login: &str,
        token: &SecretString,
    ) -> Result<TokenSet, AuthError> {
        eshop_of_token(http, shop_url, token).await?;
        Ok(session_token(token.clone()))
    }

    async fn sign_out(
        &self,
        _http: &reqwest::Client,
        _shop_url: &Url,
        _tokens: &StoredTokens,
    ) -> Result<(), AuthError> {
        // Shoptet has no API to revoke a private token; the administration does that.
        Ok(())
    }
}
