//! `Shop` and `PasswordSignIn` over Spryker's Glue storefront API.
//!
//! Sign-in is `POST /access-tokens` with the customer's e-mail and password; the answer holds a
//! bearer access token (8 h on a stock shop), a refresh token, and their lifetimes. Tokens are
//! renewed at `POST /refresh-tokens` and ended with `DELETE /refresh-tokens/{refreshToken}`.

use super::wire::{self, codes};
use crate::auth::password::{self, PasswordSignIn};
use crate::auth::store::StoredTokens;
use crate::auth::{AuthError, TokenSet, TokenSource};
use crate::model::{Account, CustomerId};
use crate::platforms::common::{parse_json, send_with_token};
use crate::shop::{Capabilities, Shop, ShopError, ShopResult};
use async_trait::async_trait;
use reqwest::{StatusCode, header};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use time::OffsetDateTime;
use url::Url;

pub struct SprykerShop {
    base: Url,
    http: reqwest::Client,
    tokens: Arc<dyn TokenSource>,
    capabilities: Capabilities,
}

impl SprykerShop {
    /// `base` is the Glue API's root (`https://glue.shop.example`).
    pub fn new(base: Url, http: reqwest::Client, tokens: Arc<dyn TokenSource>) -> SprykerShop {
        SprykerShop {
            base,
            http,
            tokens,
            // The account is all this connector reads so far; addresses, orders and passwords
            // are Glue resources still to be connected, shown as unavailable until then.
            capabilities: Capabilities::new([]),
        }
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, segments: &[&str]) -> ShopResult<T> {
        let url = password::endpoint(&self.base, segments)
            .map_err(|e| ShopError::Protocol(e.to_string()))?;
        let response = send_with_token(
            &*self.tokens,
            |token| {
                self.http
                    .get(url.clone())
                    .header(header::ACCEPT, wire::MEDIA_TYPE)
                    .bearer_auth(token.expose_secret())
            },
            error_from_response,
        )
        .await?;
        parse_json(response).await
    }
}

#[async_trait]
impl Shop for SprykerShop {
    fn platform(&self) -> &str {
        "Spryker"
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn account(&self) -> ShopResult<Account> {
        // `GET /customers` answers the signed-in customer (a collection of one).
        let customers: wire::Collection<wire::CustomerAttributes> =
            self.get(&["customers"]).await?;
        let customer = customers.data.into_iter().next().ok_or_else(|| {
            ShopError::Protocol("the shop listed no customer for this sign-in".into())
        })?;
        account_from(customer)
    }
}

fn account_from(customer: wire::Resource<wire::CustomerAttributes>) -> ShopResult<Account> {
    let reference = customer
        .id
        .filter(|id| !id.trim().is_empty())
        .ok_or_else(|| ShopError::Protocol("a customer without a reference".into()))?;
    let attributes = customer.attributes;
    Ok(Account {
        id: CustomerId(reference),
        email: attributes.email.unwrap_or_default(),
        first_name: attributes.first_name.unwrap_or_default(),
        last_name: attributes.last_name.unwrap_or_default(),
        phone: None,
        company: None,
        created_at: attributes.created_at.as_deref().and_then(parse_timestamp),
    })
}

/// Glue's `2018-11-06 08:15:02.694668` (no zone; read as UTC).
pub fn parse_timestamp(text: &str) -> Option<OffsetDateTime> {
    let format = time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    time::PrimitiveDateTime::parse(text.trim(), format)
        .ok()
        .map(|t| t.assume_utc())
}

/// Glue's timestamp format, for the emulator.
pub fn format_timestamp(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:6]"
    );
    at.to_offset(time::UtcOffset::UTC)
        .format(format)
        .unwrap_or_default()
}

/// The first error of a Glue error body, if the body is one.
async fn first_error(response: reqwest::Response) -> (StatusCode, Option<wire::ErrorItem>) {
    let status = response.status();
    let body = response.bytes().await.unwrap_or_default();
    let item = serde_json::from_slice::<wire::Errors>(&body)
        .ok()
        .and_then(|e| e.errors.into_iter().next());
    (status, item)
}

/// Maps a Glue error answer to a `ShopError`.
async fn error_from_response(response: reqwest::Response) -> ShopError {
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(std::time::Duration::from_secs);
    let (status, item) = first_error(response).await;
    let code = item
        .as_ref()
        .and_then(|i| i.code.clone())
        .unwrap_or_default();
    let detail = item
        .and_then(|i| i.detail)
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned());
    match status {
        StatusCode::UNAUTHORIZED => ShopError::SessionExpired,
        StatusCode::FORBIDDEN if code == codes::MISSING_ACCESS_TOKEN => ShopError::NotSignedIn,
        StatusCode::FORBIDDEN => ShopError::Forbidden(detail),
        StatusCode::NOT_FOUND => ShopError::NotFound(detail),
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => ShopError::Validation {
            message: detail,
            fields: Vec::new(),
        },
        StatusCode::CONFLICT => ShopError::Conflict(detail),
        StatusCode::TOO_MANY_REQUESTS => ShopError::RateLimited { retry_after },
        status if status.is_server_error() => ShopError::Server {
            status: status.as_u16(),
            message: detail,
        },
        status => ShopError::Protocol(format!("HTTP {status}: {detail}")),
    }
}

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
            let (status, item) = first_error(response).await;
            let code = item
                .as_ref()
                .and_then(|i| i.code.clone())
                .unwrap_or_default();
            let detail = item.and_then(|i| i.detail);
            return Err(match (status, code.as_str()) {
                (_, codes::FAILED_TO_AUTHENTICATE) => password::wrong_credentials(None),
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
            expires_at: attributes
                .expires_in
                .map(|s| obtained_at + std::time::Duration::from_secs(s)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glue_timestamps() {
        let at = parse_timestamp("2018-11-06 08:15:02.694668").unwrap();
        assert_eq!(at.year(), 2018);
        assert_eq!(at.nanosecond(), 694_668_000);
        assert_eq!(format_timestamp(at), "2018-11-06 08:15:02.694668");
        assert!(parse_timestamp("2018-11-06 08:15:02").is_some());
        assert!(parse_timestamp("yesterday").is_none());
    }

    #[test]
    fn expires_in_as_number_or_string() {
        for body in [
            r#"{"data":{"type":"access-tokens","id":null,"attributes":{"tokenType":"Bearer","expiresIn":28800,"accessToken":"a","refreshToken":"r"}}}"#,
            r#"{"data":{"type":"access-tokens","id":null,"attributes":{"tokenType":"Bearer","expiresIn":"28800","accessToken":"a","refreshToken":"r"}}}"#,
        ] {
            let doc: wire::Document<wire::TokenAttributes> = serde_json::from_str(body).unwrap();
            assert_eq!(doc.data.attributes.expires_in, Some(28800));
        }
        let bad = r#"{"data":{"type":"access-tokens","attributes":{"tokenType":"Bearer","expiresIn":"soon","accessToken":"a"}}}"#;
        assert!(serde_json::from_str::<wire::Document<wire::TokenAttributes>>(bad).is_err());
    }
}
