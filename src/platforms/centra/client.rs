//! `Shop` and `PasswordSignIn` over Centra's Checkout API.
//!
//! Sign-in is `POST login/{email}` with the password in a JSON body; the answer's `token` is the
//! session, sent back in the `API-Token` header. Centra's sessions have no refresh token and no
//! advertised lifetime: the token is used until the shop stops carrying the login on it, which
//! shopterm reads as an ended session ([`ShopError::SessionExpired`]). Sign-out is `POST logout`.

use super::wire::{self, errors};
use crate::auth::password::{self, PasswordSignIn};
use crate::auth::store::StoredTokens;
use crate::auth::{AuthError, TokenSet, TokenSource};
use crate::model::{Account, CustomerId};
use crate::platforms::common::{parse_json, send_with_token};
use crate::shop::{Capabilities, FieldError, Shop, ShopError, ShopResult};
use async_trait::async_trait;
use reqwest::header::{self, HeaderValue};
use reqwest::{RequestBuilder, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use std::sync::{Arc, Mutex};
use url::Url;

const JSON: &str = "application/json";

pub struct CentraShop {
    base: Url,
    http: reqwest::Client,
    tokens: Arc<dyn TokenSource>,
    capabilities: Capabilities,
}

impl CentraShop {
    /// `base` is the Checkout API's root (`https://x.centra.com/api/checkout`).
    pub fn new(base: Url, http: reqwest::Client, tokens: Arc<dyn TokenSource>) -> CentraShop {
        CentraShop {
            base,
            http,
            tokens,
            // The account is all this connector reads so far; the address, orders and password
            // calls are still to be connected, shown as unavailable until then.
            capabilities: Capabilities::new([]),
        }
    }

    /// `GET` with the session token; also answers the token the request went out with.
    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        segments: &[&str],
    ) -> ShopResult<(T, Option<SecretString>)> {
        let url = password::endpoint(&self.base, segments)
            .map_err(|e| ShopError::Protocol(e.to_string()))?;
        let sent = Mutex::new(None);
        let response = send_with_token(
            &*self.tokens,
            |token| {
                *sent.lock().unwrap_or_else(|e| e.into_inner()) = Some(token.clone());
                with_token(
                    self.http.get(url.clone()).header(header::ACCEPT, JSON),
                    token,
                )
            },
            error_from_response,
        )
        .await?;
        let body = parse_json(response).await?;
        Ok((body, sent.into_inner().unwrap_or_else(|e| e.into_inner())))
    }
}

/// Adds the session token header, marked sensitive so it never shows in debug output.
fn with_token(request: RequestBuilder, token: &SecretString) -> RequestBuilder {
    match HeaderValue::from_str(token.expose_secret()) {
        Ok(mut value) => {
            value.set_sensitive(true);
            request.header(wire::TOKEN_HEADER, value)
        }
        // Not a valid header value: reqwest then fails the request with a builder error, whose
        // message does not quote the value.
        Err(_) => request.header(wire::TOKEN_HEADER, token.expose_secret()),
    }
}

#[async_trait]
impl Shop for CentraShop {
    fn platform(&self) -> &str {
        "Centra"
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn account(&self) -> ShopResult<Account> {
        // `GET selection` answers the session's regular JSON, with `loggedIn` while the token
        // carries a login. Without it the login has ended (logged out elsewhere, or expired at
        // the shop): like a refused token, tried once more if the token source has another one
        // now (another shopterm signed in again), else the session has expired.
        let mut retried = false;
        loop {
            let (mut answer, sent): (wire::Answer, _) = self.get(&["selection"]).await?;
            if let Some(customer) = answer.logged_in.take() {
                return account_from(customer);
            }
            if let Some(errors) = answer.errors.take() {
                return Err(ShopError::Protocol(format!(
                    "the shop answered with errors: {}",
                    errors.describe()
                )));
            }
            match sent {
                Some(token) if !retried && self.tokens.token_rejected(&token).await => {
                    retried = true;
                }
                _ => return Err(ShopError::SessionExpired),
            }
        }
    }
}

/// Centra names no customer id in `loggedIn`: the e-mail is the account's id.
fn account_from(customer: wire::LoggedIn) -> ShopResult<Account> {
    let email = customer.email.trim().to_owned();
    if email.is_empty() {
        return Err(ShopError::Protocol(
            "the shop's login names no e-mail".into(),
        ));
    }
    let phone = Some(customer.phone_number.trim().to_owned()).filter(|p| !p.is_empty());
    Ok(Account {
        id: CustomerId(email.clone()),
        email,
        first_name: customer.first_name,
        last_name: customer.last_name,
        phone,
        company: None,
        created_at: None,
    })
}

/// The status and `errors` of an error answer.
async fn read_errors(response: reqwest::Response) -> (StatusCode, wire::Errors) {
    let status = response.status();
    let body = response.bytes().await.unwrap_or_default();
    let errors = serde_json::from_slice::<wire::ErrorAnswer>(&body)
        .ok()
        .and_then(|a| a.errors)
        .unwrap_or_default();
    (status, errors)
}

fn detail(status: StatusCode, errors: &wire::Errors) -> String {
    let described = errors.describe();
    if described.is_empty() {
        status.canonical_reason().unwrap_or("error").to_owned()
    } else {
        described
    }
}

/// Maps a Checkout API error answer to a `ShopError`. A 403 `accessRight: denied` to a request
/// made with a stored token means the token no longer carries a login: the session has ended.
async fn error_from_response(response: reqwest::Response) -> ShopError {
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(std::time::Duration::from_secs);
    let (status, errors) = read_errors(response).await;
    let message = detail(status, &errors);
    match status {
        StatusCode::FORBIDDEN if errors.get(errors::ACCESS_RIGHT) == Some(errors::DENIED) => {
            ShopError::SessionExpired
        }
        StatusCode::FORBIDDEN => ShopError::Forbidden(message),
        StatusCode::NOT_FOUND => ShopError::NotFound(message),
        StatusCode::BAD_REQUEST | StatusCode::NOT_ACCEPTABLE | StatusCode::UNPROCESSABLE_ENTITY => {
            ShopError::Validation {
                message,
                fields: errors
                    .messages()
                    .into_iter()
                    .map(|(field, message)| FieldError { field, message })
                    .collect(),
            }
        }
        StatusCode::CONFLICT => ShopError::Conflict(message),
        StatusCode::TOO_MANY_REQUESTS => ShopError::RateLimited { retry_after },
        status if status.is_server_error() => ShopError::Server {
            status: status.as_u16(),
            message,
        },
        status => ShopError::Protocol(format!("HTTP {status}: {message}")),
    }
}

/// Centra's e-mail + password sign-in.
pub struct CentraSignIn;

/// A refused `POST login/{email}`: 406 `password: incorrect` (also for unknown e-mails) is a
/// wrong login or password.
fn login_error(status: StatusCode, errors: &wire::Errors) -> AuthError {
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
        return AuthError::Shop(ShopError::RateLimited { retry_after: None });
    }
    AuthError::Refused {
        action: "sign in",
        error: format!("HTTP {}", status.as_u16()),
        description,
    }
}

/// The regular JSON of a successful answer. serde's message could quote a token: keep only
/// where the answer went wrong.
fn read_answer(bytes: &[u8], action: &str) -> Result<wire::Answer, AuthError> {
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
        if !response.status().is_success() {
            let (status, errors) = read_errors(response).await;
            return Err(login_error(status, &errors));
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
            return Err(login_error(status, &errors));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> reqwest::Response {
        reqwest::Response::from(
            axum::http::Response::builder()
                .status(status)
                .header("content-type", JSON)
                .body(body.to_owned())
                .unwrap(),
        )
    }

    #[tokio::test]
    async fn error_answers_map_to_shop_errors() {
        assert_eq!(
            error_from_response(response(
                403,
                r#"{"token":"t","errors":{"accessRight":"denied"}}"#
            ))
            .await,
            ShopError::SessionExpired
        );
        assert!(matches!(
            error_from_response(response(403, r#"{"errors":{"market":"closed"}}"#)).await,
            ShopError::Forbidden(m) if m == "market: closed"
        ));
        match error_from_response(response(406, r#"{"errors":{"email":"not valid"}}"#)).await {
            ShopError::Validation { fields, .. } => {
                assert_eq!(fields.len(), 1);
                assert_eq!(fields[0].field, "email");
                assert_eq!(fields[0].message, "not valid");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            error_from_response(response(502, "<html>bad gateway</html>")).await,
            ShopError::Server { status: 502, .. }
        ));
    }

    #[test]
    fn login_refusals() {
        let incorrect = wire::Errors::one("password", "incorrect");
        assert!(password::is_wrong_credentials(&login_error(
            StatusCode::NOT_ACCEPTABLE,
            &incorrect
        )));
        let other = login_error(StatusCode::CONFLICT, &wire::Errors::one("email", "x"));
        assert!(!password::is_wrong_credentials(&other));
        assert!(other.to_string().contains("email: x"), "{other}");
        assert!(matches!(
            login_error(StatusCode::SERVICE_UNAVAILABLE, &wire::Errors::default()),
            AuthError::Shop(ShopError::Server { status: 503, .. })
        ));
    }

    #[test]
    fn account_from_logged_in() {
        let account = account_from(wire::LoggedIn {
            email: " hello@example.com ".into(),
            first_name: "Hello".into(),
            last_name: "World".into(),
            phone_number: "".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(account.id, CustomerId("hello@example.com".into()));
        assert_eq!(account.email, "hello@example.com");
        assert_eq!(account.display_name(), "Hello World");
        assert_eq!(account.phone, None);
        assert!(account_from(wire::LoggedIn::default()).is_err());
    }

    #[test]
    fn unreadable_answers_do_not_quote_the_body() {
        let error = read_answer(
            br#"{"token": "secret-token-123", "loggedIn": 5}"#,
            "sign in",
        )
        .err()
        .unwrap();
        assert!(!error.to_string().contains("secret-token-123"), "{error}");
    }
}
