//! Spryker's e-mail + password sign-in at Glue's `POST /access-tokens`, renewal at
//! `POST /refresh-tokens` and sign-out with `DELETE /refresh-tokens/{refreshToken}`.

use super::client::first_error;
use super::wire::{self, codes};
use crate::auth::password::{self, PasswordSignIn};
use crate::auth::store::StoredTokens;
use crate::auth::{AuthError, TokenSet};
use crate::shop::ShopError;
use async_trait::async_trait;
use reqwest::{StatusCode, header};
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;
use url::Url;

/// Spryker's e-mail + password sign-in.
pub struct SprykerSignIn;

impl SprykerSignIn {
    /// `POST` a token request (`access-tokens` or `refresh-tokens`); the tokens, or the error.
    async fn request_tokens<A: serde::Serialize>(
        http: &reqwest::Client,
        url: Url,
        body: &wire::Request<A>,
        action: &'static str,
    ) -> Result<TokenSet, AuthError> {
        let response = http
            .post(url)
            .header(header::ACCEPT, wire::MEDIA_TYPE)
            .json(body)
            .send()
            .await
            .map_err(|e| password::network_error(&e))?;
        if !response.status().is_success() {
            let headers = response.headers().clone();
            let (status, item) = first_error(response).await;
            let code = item
                .as_ref()
                .and_then(|i| i.code.clone())
                .unwrap_or_default();
            let detail = item.and_then(|i| i.detail);
            return Err(match (status, code.as_str()) {
                (_, codes::FAILED_TO_AUTHENTICATE) => password::wrong_credentials(None),
                // Glue's security blocker: 4401, the wait in minutes in `detail`.
                (StatusCode::TOO_MANY_REQUESTS, _) | (_, codes::ACCOUNT_BLOCKED) => {
                    password::too_many_attempts(&headers, detail)
                }
                (StatusCode::UNAUTHORIZED, _) | (_, codes::FAILED_TO_REFRESH) => {
                    AuthError::Refused {
                        action,
                        error: "invalid_grant".into(),
                        description: detail,
                    }
                }
                (status, _) if status.is_server_error() => AuthError::Shop(ShopError::Server {
                    status: status.as_u16(),
                    message: detail.unwrap_or_default(),
                }),
                (status, _) => AuthError::Refused {
                    action,
                    error: format!("HTTP {}", status.as_u16()),
                    description: detail,
                },
            });
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| password::network_error(&e))?;
        let bytes = zeroize::Zeroizing::new(bytes.to_vec());
        // serde's message could quote a token: keep only where the answer went wrong.
        let document: wire::Document<wire::TokenAttributes> = serde_json::from_slice(&bytes)
            .map_err(|e| {
                AuthError::Protocol(format!(
                    "unreadable answer when trying to {action} (line {}, column {})",
                    e.line(),
                    e.column()
                ))
            })?;
        let attributes = &document.data.attributes;
        if !attributes.token_type.eq_ignore_ascii_case("bearer") {
            return Err(AuthError::Protocol(format!(
                "the token is of type {:?}; shopterm only uses bearer tokens",
                attributes.token_type
            )));
        }
        let obtained_at = OffsetDateTime::now_utc();
        Ok(TokenSet {
            access_token: SecretString::from(attributes.access_token.as_str()),
            refresh_token: attributes
                .refresh_token
                .as_deref()
                .filter(|t| !t.is_empty())
                .map(SecretString::from),
            expires_at: attributes.expires_in.map(|s| {
                crate::auth::flow::expiry_after(obtained_at, std::time::Duration::from_secs(s))
            }),
            obtained_at,
            scope: None,
        })
    }

    /// `DELETE /refresh-tokens/{refreshToken}` with the access token.
    async fn revoke(
        http: &reqwest::Client,
        shop_url: &Url,
        access: &SecretString,
        refresh: &SecretString,
    ) -> Result<StatusCode, AuthError> {
        let url = password::endpoint(shop_url, &["refresh-tokens", refresh.expose_secret()])?;
        let response = http
            .delete(url)
            .header(header::ACCEPT, wire::MEDIA_TYPE)
            .bearer_auth(access.expose_secret())
            .send()
            .await
            // The URL holds the refresh token (Glue's design): keep it out of the message.
            .map_err(|e| password::network_error(&e.without_url()))?;
        Ok(response.status())
    }
}

#[async_trait]
impl PasswordSignIn for SprykerSignIn {
    async fn sign_in(
        &self,
        http: &reqwest::Client,
        shop_url: &Url,
        login: &str,
        password: &SecretString,
    ) -> Result<TokenSet, AuthError> {
        let url = password::endpoint(shop_url, &["access-tokens"])?;
        let body = wire::Request::new(
            "access-tokens",
            wire::AccessTokensRequest {
                username: login.trim().to_owned(),
                password: password.expose_secret().to_owned(),
            },
        );
        Self::request_tokens(http, url, &body, "sign in").await
    }

    async fn refresh(
        &self,
        http: &reqwest::Client,
        shop_url: &Url,
        refresh_token: &SecretString,
    ) -> Result<TokenSet, AuthError> {
        let url = password::endpoint(shop_url, &["refresh-tokens"])?;
        let body = wire::Request::new(
            "refresh-tokens",
            wire::RefreshTokensRequest {
                refresh_token: refresh_token.expose_secret().to_owned(),
            },
        );
        Self::request_tokens(http, url, &body, "refresh the session").await
    }

    async fn sign_out(
        &self,
        http: &reqwest::Client,
        shop_url: &Url,
        tokens: &StoredTokens,
    ) -> Result<(), AuthError> {
        let Some(refresh) = &tokens.refresh_token else {
            // Without a refresh token there is nothing to revoke; the access token runs out.
            return Ok(());
        };
        let mut status = Self::revoke(http, shop_url, &tokens.access_token, refresh).await?;
        if status == StatusCode::UNAUTHORIZED {
            // The access token has run out: renew once, then revoke the renewed refresh token
            // (renewing spent the old one).
            let fresh = self.refresh(http, shop_url, refresh).await?;
            if let Some(new_refresh) = &fresh.refresh_token {
                status = Self::revoke(http, shop_url, &fresh.access_token, new_refresh).await?;
            }
        }
        if status.is_success() {
            Ok(())
        } else {
            Err(AuthError::Refused {
                action: "end the session",
                error: format!("HTTP {}", status.as_u16()),
                description: None,
            })
        }
    }
}
