//! `Shop` and `PasswordSignIn` over AbanteCart's storefront API.
//!
//! Every call is a form-encoded `POST {shop}/index.php?rt=<route>`. Sign-in is `a/account/login`
//! with `loginname` (or `email`) and `password`; the answer's `token` (the shop's PHP session id)
//! is then sent as the `token` form field of every request — in the body, never in the URL and
//! never in a header, as AbanteCart reads it nowhere else. Sessions cannot be renewed and say
//! nothing about their lifetime: they end after the shop's idle time-out (`config_session_ttl`)
//! or at `a/account/logout`, and a request with an ended session answers 401, which is
//! [`ShopError::SessionExpired`].
//!
//! The optional `api_key` parameter (for shops that set a storefront API key) is not sent: such
//! a shop answers "Access to API is disabled!", shown as that.

use super::wire::{self, fields, messages, routes};
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
use url::Url;

const JSON: &str = "application/json";

pub struct AbanteCartShop {
    base: Url,
    http: reqwest::Client,
    tokens: Arc<dyn TokenSource>,
    capabilities: Capabilities,
}

impl AbanteCartShop {
    /// `base` is the storefront's root (`https://shop.example/`, or the folder AbanteCart is
    /// installed in); a base that already ends in `index.php` is used as it is.
    pub fn new(base: Url, http: reqwest::Client, tokens: Arc<dyn TokenSource>) -> AbanteCartShop {
        AbanteCartShop {
            base,
            http,
            tokens,
            // The account is all this connector reads so far; the order history
            // (`a/account/history`) and the account form (`a/account/edit`) are still to be
            // connected, and shown as unavailable until then.
            capabilities: Capabilities::new([]),
        }
    }

    /// `POST`s `route` with the session's token; the answer as `T`.
    async fn post<T: serde::de::DeserializeOwned>(&self, route: &'static str) -> ShopResult<T> {
        let url = api_url(&self.base, route).map_err(|e| ShopError::Protocol(e.to_string()))?;
        let response = send_with_token(
            &*self.tokens,
            |token| {
                self.http
                    .post(url.clone())
                    .header(header::ACCEPT, JSON)
                    .form(&[(fields::TOKEN, token.expose_secret())])
            },
            |response| error_from_response(response, route),
        )
        .await?;
        parse_json(response).await
    }
}

#[async_trait]
impl Shop for AbanteCartShop {
    fn platform(&self) -> &str {
        "AbanteCart"
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn account(&self) -> ShopResult<Account> {
        let answer: wire::AccountAnswer = self.post(routes::ACCOUNT).await?;
        account_from(answer)
    }
}

/// `{shop}/index.php?rt={route}`: the API's one address. The shop URL must be HTTPS unless it is
/// on loopback.
pub fn api_url(shop_url: &Url, route: &str) -> Result<Url, AuthError> {
    let is_script = shop_url
        .path_segments()
        .and_then(|mut segments| segments.next_back())
        .is_some_and(|last| last.eq_ignore_ascii_case("index.php"));
    let mut url = if is_script {
        crate::net::require_secure(shop_url)?;
        shop_url.clone()
    } else {
        password::endpoint(shop_url, &["index.php"])?
    };
    url.set_fragment(None);
    url.set_query(Some(&format!("rt={route}")));
    Ok(url)
}

fn account_from(answer: wire::AccountAnswer) -> ShopResult<Account> {
    let id = answer
        .customer_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty() && *id != "0")
        .ok_or_else(|| ShopError::Protocol("the account answer has no customer id".into()))?;
    Ok(Account {
        id: CustomerId(id.to_owned()),
        email: unescape(answer.email),
        first_name: unescape(answer.firstname),
        last_name: unescape(answer.lastname),
        // `a/account/account` does not give the telephone (only `a/account/edit` does).
        phone: None,
        company: None,
        created_at: None,
    })
}

/// The shop's text as typed: AbanteCart stores (and answers) what customers typed with
/// `htmlspecialchars` applied, `&` as `&amp;`.
pub fn unescape(text: Option<String>) -> String {
    text.map(|text| html_escape::decode_html_entities(text.trim()).into_owned())
        .unwrap_or_default()
}

/// The error text of an AbanteCart answer body, if it has one.
fn error_message(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<wire::StatusAnswer>(body)
        .ok()
        .and_then(|answer| answer.error_message().map(str::to_owned))
}

/// AbanteCart ends an idle session (`config_session_ttl`) by redirecting the request to its own
/// address (without `token`): a redirect to the same script means the session is over. Another
/// redirect (to https, to another host) is an error to show; `None` for an answer that is not a
/// redirect.
fn redirect_of(response: &reqwest::Response) -> Option<Result<(), String>> {
    if !response.status().is_redirection() {
        return None;
    }
    let to = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|location| response.url().join(location).ok());
    Some(match to {
        Some(to)
            if to.origin() == response.url().origin() && to.path() == response.url().path() =>
        {
            Ok(())
        }
        // Only where it went: the query is the shop's business.
        Some(to) => Err(format!(
            "HTTP {} to {}{}",
            response.status().as_u16(),
            to.origin().ascii_serialization(),
            to.path()
        )),
        None => Err(format!("HTTP {}", response.status().as_u16())),
    })
}

/// Maps an AbanteCart error answer for `route` to a `ShopError`.
async fn error_from_response(response: reqwest::Response, route: &str) -> ShopError {
    if let Some(redirect) = redirect_of(&response) {
        return match redirect {
            Ok(()) => ShopError::SessionExpired,
            Err(where_to) => ShopError::Protocol(format!(
                "the shop redirected the request ({where_to}); is the shop URL right?"
            )),
        };
    }
    let status = response.status();
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(std::time::Duration::from_secs);
    let body = response.bytes().await.unwrap_or_default();
    shop_error(status, error_message(&body).as_deref(), route, retry_after)
}

/// What an error status and AbanteCart's error text mean. AbanteCart answers 401 for far more
/// than an ended session: an unknown route and a switched-off API are 401 too, told apart by
/// their text.
pub fn shop_error(
    status: StatusCode,
    message: Option<&str>,
    route: &str,
    retry_after: Option<std::time::Duration>,
) -> ShopError {
    let detail = || {
        message
            .map(str::to_owned)
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned())
    };
    match (status, message) {
        (StatusCode::UNAUTHORIZED, Some(messages::ROUTE_NOT_FOUND)) => {
            ShopError::NotFound(format!(
                "the shop's API has no route {route} (AbanteCart: {})",
                messages::ROUTE_NOT_FOUND
            ))
        }
        (StatusCode::UNAUTHORIZED, Some(messages::API_DISABLED)) => ShopError::Forbidden(
            "the shop's storefront API is switched off, or it requires an API key".into(),
        ),
        (StatusCode::UNAUTHORIZED, _) => ShopError::SessionExpired,
        (StatusCode::FORBIDDEN, _) => ShopError::Forbidden(detail()),
        (StatusCode::NOT_FOUND, _) => ShopError::NotFound(detail()),
        (StatusCode::TOO_MANY_REQUESTS, _) => ShopError::RateLimited { retry_after },
        (status, _) if status.is_server_error() => ShopError::Server {
            status: status.as_u16(),
            message: detail(),
        },
        (status, _) => ShopError::Protocol(format!("HTTP {}: {}", status.as_u16(), detail())),
    }
}

/// The form field that carries a login: `email` for an e-mail address, `loginname` otherwise.
///
/// Stock AbanteCart reads `loginname` if given, else `email`, and compares either with the
/// customer's login name. Customers who registered while "Require Login Name" was off have
/// their e-mail as login name, so an e-mail signs them in; on shops that require login names it
/// is the login name that works. Naming the field after what the value is keeps shopterm right
/// for extensions that look at the field they are given.
pub fn login_field(login: &str) -> &'static str {
    if login.contains('@') {
        fields::EMAIL
    } else {
        fields::LOGINNAME
    }
}

/// Why a sign-in was refused.
fn sign_in_error(status: StatusCode, message: Option<String>) -> AuthError {
    let refused = |error: String, description: Option<String>| AuthError::Refused {
        action: "sign in",
        error,
        description,
    };
    match (status, message.as_deref()) {
        (StatusCode::UNAUTHORIZED, Some(messages::API_DISABLED)) => refused(
            "api_disabled".into(),
            Some(
                "the shop's storefront API is switched off, or it requires an API key, which \
                 shopterm does not send"
                    .into(),
            ),
        ),
        (StatusCode::UNAUTHORIZED, Some(messages::ROUTE_NOT_FOUND)) => refused(
            "no_api".into(),
            Some("this address has no AbanteCart storefront API; is the shop URL right?".into()),
        ),
        (StatusCode::UNAUTHORIZED, _) => password::wrong_credentials(None),
        (status, _) if status.is_server_error() => AuthError::Shop(ShopError::Server {
            status: status.as_u16(),
            message: message.unwrap_or_default(),
        }),
        (status, _) => refused(format!("HTTP {}", status.as_u16()), message),
    }
}

/// AbanteCart's login name (or e-mail) and password sign-in.
pub struct AbanteCartSignIn;

#[async_trait]
impl PasswordSignIn for AbanteCartSignIn {
    fn login_label(&self) -> &'static str {
        "E-mail or login name"
    }

    async fn sign_in(
        &self,
        http: &reqwest::Client,
        shop_url: &Url,
        login: &str,
        password: &SecretString,
    ) -> Result<TokenSet, AuthError> {
        let url = api_url(shop_url, routes::LOGIN)?;
        let login = login.trim();
        let response = http
            .post(url)
            .header(header::ACCEPT, JSON)
            .form(&[
                (login_field(login), login),
                (fields::PASSWORD, password.expose_secret()),
            ])
            .send()
            .await
            .map_err(|e| password::network_error(&e))?;
        if let Some(redirect) = redirect_of(&response) {
            return Err(AuthError::Refused {
                action: "sign in",
                error: "redirected".into(),
                description: Some(match redirect {
                    Ok(()) => "the shop redirected the sign-in to itself".into(),
                    Err(where_to) => format!("{where_to}; is the shop URL right?"),
                }),
            });
        }
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| password::network_error(&e))?;
        let bytes = zeroize::Zeroizing::new(bytes.to_vec());
        if !status.is_success() {
            return Err(sign_in_error(status, error_message(&bytes)));
        }
        // serde's message could quote the token: keep only where the answer went wrong.
        let answer: wire::StatusAnswer = serde_json::from_slice(&bytes).map_err(|e| {
            AuthError::Protocol(format!(
                "unreadable answer when trying to sign in (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        let token = answer
            .token
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty() && answer.status != Some(false));
        let Some(token) = token else {
            return Err(match answer.error_message() {
                Some(messages::LOGIN_FAILED) => password::wrong_credentials(None),
                other => AuthError::Protocol(format!(
                    "the shop answered the sign-in without a token{}",
                    other.map(|m| format!(" ({m})")).unwrap_or_default()
                )),
            });
        };
        // AbanteCart sessions cannot be renewed, and their idle time-out is not said.
        Ok(password::session_token(SecretString::from(token)))
    }

    async fn sign_out(
        &self,
        http: &reqwest::Client,
        shop_url: &Url,
        tokens: &StoredTokens,
    ) -> Result<(), AuthError> {
        let url = api_url(shop_url, routes::LOGOUT)?;
        let response = http
            .post(url)
            .header(header::ACCEPT, JSON)
            .form(&[(fields::TOKEN, tokens.access_token.expose_secret())])
            .send()
            .await
            .map_err(|e| password::network_error(&e))?;
        let refused = |error: String, description: Option<String>| AuthError::Refused {
            action: "end the session",
            error,
            description,
        };
        match redirect_of(&response) {
            // The shop ended the idle session itself.
            Some(Ok(())) => return Ok(()),
            Some(Err(where_to)) => return Err(refused("redirected".into(), Some(where_to))),
            None => {}
        }
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let body = response.bytes().await.unwrap_or_default();
        let message = error_message(&body);
        match (status, message.as_deref()) {
            (
                StatusCode::UNAUTHORIZED,
                Some(messages::ROUTE_NOT_FOUND | messages::API_DISABLED),
            ) => Err(refused("HTTP 401".into(), message)),
            // "Not logged in logout attempt failed!": the session had ended already.
            (StatusCode::UNAUTHORIZED, _) => Ok(()),
            (status, _) => Err(refused(format!("HTTP {}", status.as_u16()), message)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_urls() {
        let at = |base: &str| {
            api_url(&Url::parse(base).unwrap(), routes::ACCOUNT)
                .unwrap()
                .to_string()
        };
        assert_eq!(
            at("https://shop.example"),
            "https://shop.example/index.php?rt=a/account/account"
        );
        assert_eq!(
            at("https://shop.example/store/"),
            "https://shop.example/store/index.php?rt=a/account/account"
        );
        assert_eq!(
            at("https://shop.example/store/index.php?rt=x#top"),
            "https://shop.example/store/index.php?rt=a/account/account"
        );
        assert_eq!(
            at("http://127.0.0.1:8040/abantecart"),
            "http://127.0.0.1:8040/abantecart/index.php?rt=a/account/account"
        );
        assert!(api_url(&Url::parse("http://shop.example/").unwrap(), routes::LOGIN).is_err());
        assert!(
            api_url(
                &Url::parse("http://shop.example/index.php").unwrap(),
                routes::LOGIN
            )
            .is_err()
        );
    }

    #[test]
    fn login_goes_in_the_field_it_looks_like() {
        assert_eq!(login_field("joe@example.com"), "email");
        assert_eq!(login_field("joedoe"), "loginname");
    }

    #[test]
    fn the_documented_account_answer() {
        let answer: wire::AccountAnswer = serde_json::from_str(
            r#"{ "title":"My Account", "customer_id":"14", "firstname":"Joe", "lastname":"Doe", "email":"test@test.com", "information":"a\/account\/edit", "history":"a\/account\/history", "newsletter":"a\/account\/logout" }"#,
        )
        .unwrap();
        let account = account_from(answer).unwrap();
        assert_eq!(account.id.to_string(), "14");
        assert_eq!(account.first_name, "Joe");
        assert_eq!(account.last_name, "Doe");
        assert_eq!(account.email, "test@test.com");
        assert_eq!(account.phone, None);

        let escaped: wire::AccountAnswer = serde_json::from_str(
            r#"{"customer_id":7,"firstname":"Zo&euml;","lastname":"Smith &amp; Sons &quot;Ltd&quot;","email":"z@x.example"}"#,
        )
        .unwrap();
        let account = account_from(escaped).unwrap();
        assert_eq!(account.first_name, "Zoë");
        assert_eq!(account.last_name, "Smith & Sons \"Ltd\"");

        let no_id: wire::AccountAnswer =
            serde_json::from_str(r#"{"customer_id":"","firstname":"Joe"}"#).unwrap();
        assert!(matches!(account_from(no_id), Err(ShopError::Protocol(_))));
    }

    #[test]
    fn four_kinds_of_401() {
        let at = |status: u16, message: Option<&str>| {
            shop_error(
                StatusCode::from_u16(status).unwrap(),
                message,
                routes::ACCOUNT,
                None,
            )
        };
        assert_eq!(
            at(401, Some(messages::NOT_LOGGED_IN)),
            ShopError::SessionExpired
        );
        assert_eq!(at(401, None), ShopError::SessionExpired);
        assert!(matches!(
            at(401, Some(messages::ROUTE_NOT_FOUND)),
            ShopError::NotFound(m) if m.contains("a/account/account")
        ));
        assert!(matches!(
            at(401, Some(messages::API_DISABLED)),
            ShopError::Forbidden(_)
        ));
        assert!(matches!(
            at(502, None),
            ShopError::Server { status: 502, .. }
        ));
        assert!(matches!(at(400, Some("odd")), ShopError::Protocol(m) if m.contains("odd")));
    }

    #[test]
    fn sign_in_refusals() {
        assert!(password::is_wrong_credentials(&sign_in_error(
            StatusCode::UNAUTHORIZED,
            Some(messages::LOGIN_FAILED.into())
        )));
        let disabled = sign_in_error(
            StatusCode::UNAUTHORIZED,
            Some(messages::API_DISABLED.into()),
        );
        assert!(!password::is_wrong_credentials(&disabled));
        assert!(disabled.to_string().contains("API key"), "{disabled}");
        assert!(matches!(
            sign_in_error(
                StatusCode::NOT_IMPLEMENTED,
                Some("Unable to get session ID.".into())
            ),
            AuthError::Shop(ShopError::Server { status: 501, .. })
        ));
    }
}
