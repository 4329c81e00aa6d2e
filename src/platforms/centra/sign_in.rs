//! Centra's e-mail + password sign-in (`POST login/{email}`) and sign-out (`POST logout`): no
//! refresh token, no advertised lifetime.

use super::client::{JSON, read_errors, with_token};
use super::wire::{self, errors};
use crate::auth::password::{self, PasswordSignIn};
use crate::auth::store::StoredTokens;
use crate::auth::{AuthError, TokenSet};
use crate::shop::ShopError;
use async_trait::async_trait;
use reqwest::StatusCode;
use reqwest::header;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

/// Centra's e-mail + password sign-in.
pub struct CentraSignIn;

/// A refused `POST login/{email}`: 406 `password: incorrect` (also for unknown e-mails) is a
/// wrong login or password; 429 holds sign-ins back for the wait its `Retry-After` says.
pub(super) fn login_error(
    status: StatusCode,
    headers: &header::HeaderMap,
    errors: &wire::Errors,
) -> AuthError {
    if errors.get(errors::PASSWORD).is_some()
        && (status == StatusCode::NOT_ACCEPTABLE || status.is_success())
    {
        return password::wrong_credentials(None);
    }
    let description = Some(errors.describe()).filter(|d| !d.is_empty());
    if status.is_server_error() {
        return AuthError::Shop(ShopError::Server {
            status: status.as_u16(),
            message: description.unwrap_or_default(),
        });
    }
    if status == StatusCode::TOO_MANY_REQUESTS {
        return password::too_many_attempts(headers, description);
    }
    AuthError::Refused {
        action: "sign in",
        error: format!("HTTP {}", status.as_u16()),
        description,
    }
}

/// The regular JSON of a successful answer. serde's message could quote a token: keep only
/// where the answer went wrong.
pub(super) fn read_answer(bytes: &[u8], action: &str) -> Result<wire::Answer, AuthError> {
    serde_json::from_slice(bytes).map_err(|e| {
        AuthError::Protocol(format!(
            "unreadable answer when trying to {action} (line {}, column {})",
            e.line(),
            e.column()
        ))
    })
}

#[async_trait]
impl PasswordSignIn for CentraSignIn {
    async fn sign_in(
        &self,
        http: &reqwest::Client,
        shop_url: &Url,
        login: &str,
        password: &SecretString,
    ) -> Result<TokenSet, AuthError> {
        let login = login.trim();
        if login.is_empty() {
            return Err(password::wrong_credentials(Some("no e-mail given".into())));
        }
        let url = password::endpoint(shop_url, &["login", login])?;
        let body = wire::LoginRequest {
            password: password.expose_secret().to_owned(),
        };
        let response = http
            .post(url)
            .header(header::ACCEPT, JSON)
            .json(&body)
            .send()
            .await
            .map_err(|e| password::network_error(&e))?;
        let headers = response.headers().clone();
        if !response.status().is_success() {
            let (status, errors) = read_errors(response).await;
            return Err(login_error(status, &headers, &errors));
        }
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| password::network_error(&e))?;
        let bytes = zeroize::Zeroizing::new(bytes.to_vec());
        let mut answer = read_answer(&bytes, "sign in")?;
        if let Some(errors) = answer.errors.take() {
            // "If the response does not contain an errors object, there are no errors."
            return Err(login_error(status, &headers, &errors));
        }
        if answer.logged_in.is_none() {
            return Err(AuthError::Protocol(
                "the shop accepted the sign-in but reports no login on the session".into(),
            ));
        }
        let token = answer
            .token
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(SecretString::from)
            .ok_or_else(|| {
                AuthError::Protocol("the shop's answer holds no session token".into())
            })?;
        // Centra sessions cannot be renewed and say nothing of their lifetime.
        Ok(password::session_token(token))
    }

    async fn sign_out(
        &self,
        http: &reqwest::Client,
        shop_url: &Url,
        tokens: &StoredTokens,
    ) -> Result<(), AuthError> {
        let url = password::endpoint(shop_url, &["logout"])?;
        let response = with_token(
            http.post(url).header(header::ACCEPT, JSON),
            &tokens.access_token,
        )
        .send()
        .await
        .map_err(|e| password::network_error(&e))?;
        let status = response.status();
        if !status.is_success() {
            let (status, errors) = read_errors(response).await;
            if status == StatusCode::FORBIDDEN
                && errors.get(errors::ACCESS_RIGHT) == Some(errors::DENIED)
            {
                // No login on the token any more: nothing left to end.
                return Ok(());
            }
            return Err(AuthError::Refused {
                action: "end the session",
                error: format!("HTTP {}", status.as_u16()),
                description: Some(errors.describe()).filter(|d| !d.is_empty()),
            });
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| password::network_error(&e))?;
        let bytes = zeroize::Zeroizing::new(bytes.to_vec());
        let answer = read_answer(&bytes, "end the session")?;
        if let Some(errors) = &answer.errors {
            return Err(AuthError::Refused {
                action: "end the session",
                error: format!("HTTP {}", status.as_u16()),
                description: Some(errors.describe()).filter(|d| !d.is_empty()),
            });
        }
        if answer.logged_in.is_some() {
            return Err(AuthError::Refused {
                action: "end the session",
                error: "still logged in".into(),
                description: Some("the shop still reports the login after logging out".into()),
            });
        }
        Ok(())
    }
}
