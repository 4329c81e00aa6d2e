//! Signing in and out at `a/account/login` and `a/account/logout`: which field the login goes
//! in, and what each refusal means.

use super::*;

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

/// Why a sign-in was refused (429: held back after too many failures, for the wait its
/// `Retry-After` says).
pub(super) fn sign_in_error(
    status: StatusCode,
    headers: &header::HeaderMap,
    message: Option<String>,
) -> AuthError {
    let refused = |error: String, description: Option<String>| AuthError::Refused {
        action: "sign in",
        error,
        description,
    };
    match (status, message.as_deref()) {
        (StatusCode::UNAUTHORIZED, Some(messages::API_DISABLED)) => refused(
            "api_disabled".into(),
            Some(
                "the shop's storefront API is switched off, or it requires an API key (give it \
                 as the shop URL's api_key parameter: https://shop.example/?api_key=…)"
                    .into(),
            ),
        ),
        (StatusCode::UNAUTHORIZED, Some(messages::ROUTE_NOT_FOUND)) => refused(
            "no_api".into(),
            Some("this address has no AbanteCart storefront API; is the shop URL right?".into()),
        ),
        (StatusCode::UNAUTHORIZED, _) => password::wrong_credentials(None),
        (StatusCode::TOO_MANY_REQUESTS, _) => password::too_many_attempts(headers, message),
        (status, _) if status.is_server_error() => AuthError::Shop(ShopError::Server {
            status: status.as_u16(),
            message: message.unwrap_or_default(),
        }),
        (status, _) => refused(format!("HTTP {}", status.as_u16()), message),
    }
}

/// Posts `form` to `route` of the storefront API, with the shop's API key where its URL has one.
async fn post_form(
    http: &reqwest::Client,
    shop_url: &Url,
    route: &str,
    form: &[(&str, &str)],
) -> Result<reqwest::Response, AuthError> {
    let url = api_url(shop_url, route)?;
    let api_key = api_key_of(shop_url);
    let mut form = form.to_vec();
    if let Some(key) = &api_key {
        form.push((storefront::fields::API_KEY, key.expose_secret()));
    }
    http.post(url)
        .header(header::ACCEPT, JSON)
        .form(&form)
        .send()
        .await
        .map_err(|e| password::network_error(&e))
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
        let login = login.trim();
        let form = [
            (login_field(login), login),
            (fields::PASSWORD, password.expose_secret()),
        ];
        let response = post_form(http, shop_url, routes::LOGIN, &form).await?;
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
        let headers = response.headers().clone();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| password::network_error(&e))?;
        let bytes = zeroize::Zeroizing::new(bytes.to_vec());
        if !status.is_success() {
            return Err(sign_in_error(status, &headers, error_message(&bytes)));
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(AuthError::Refused {
                action: "sign in",
                error: "no_api".into(),
                description: Some(
                    "this address has no AbanteCart storefront API; is the shop URL right?".into(),
                ),
            });
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
        let form = [(fields::TOKEN, tokens.access_token.expose_secret())];
        let response = post_form(http, shop_url, routes::LOGOUT, &form).await?;
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
