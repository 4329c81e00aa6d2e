//! The demo shop's OAuth server, step by step as the `shopterm` app and a person with a browser
//! go through it: PKCE, the authorization request, the sign-in and consent forms, the redirect
//! with a code, code exchange, refresh and revocation, over real HTTP.

use super::free_port;
use super::html::{Page, error_message, get_page};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore as _;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use url::Url;

/// A PKCE pair (RFC 7636, S256).
#[derive(Clone)]
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Pkce {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Pkce::from_verifier(&URL_SAFE_NO_PAD.encode(bytes))
    }

    pub fn from_verifier(verifier: &str) -> Pkce {
        Pkce {
            verifier: verifier.to_owned(),
            challenge: URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
        }
    }
}

/// One authorization request of the `shopterm` app: its PKCE pair, loopback redirect URI and state.
#[derive(Clone)]
pub struct AuthRequest {
    pub pkce: Pkce,
    pub redirect_uri: String,
    pub state: String,
}

impl AuthRequest {
    /// On a port that was free a moment ago, as the app picks one.
    pub fn new() -> AuthRequest {
        let port = free_port();
        let mut state = [0u8; 16];
        rand::rng().fill_bytes(&mut state);
        AuthRequest {
            pkce: Pkce::new(),
            redirect_uri: format!("http://127.0.0.1:{port}/callback"),
            state: URL_SAFE_NO_PAD.encode(state),
        }
    }

    /// The standard parameters; `extra` are added or, by name, replace them (a value of `None`
    /// removes one).
    pub fn params(&self, extra: &[(&str, Option<&str>)]) -> Vec<(String, String)> {
        let mut params: Vec<(String, String)> = [
            ("response_type", "code".to_owned()),
            ("client_id", "shopterm".to_owned()),
            ("redirect_uri", self.redirect_uri.clone()),
            ("scope", "account orders".to_owned()),
            ("state", self.state.clone()),
            ("code_challenge", self.pkce.challenge.clone()),
            ("code_challenge_method", "S256".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        for (name, value) in extra {
            params.retain(|(k, _)| k != name);
            if let Some(value) = value {
                params.push(((*name).to_owned(), (*value).to_owned()));
            }
        }
        params
    }

    pub fn authorize_url(&self, base_url: &str, extra: &[(&str, Option<&str>)]) -> String {
        let mut url = Url::parse(&format!("{base_url}/oauth/authorize")).expect("base URL");
        url.query_pairs_mut().extend_pairs(self.params(extra));
        url.into()
    }
}

/// The token endpoint's answer (RFC 6749 §5.1).
#[derive(Clone, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: u64,
    pub refresh_token: Option<String>,
    pub scope: Option<String>,
}

/// Without the tokens, so a failed assertion never prints them.
impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let TokenResponse {
            token_type,
            expires_in,
            scope,
            ..
        } = self;
        write!(
            f,
            "TokenResponse {{ {token_type} for {expires_in} s, scope {scope:?}, .. }}"
        )
    }
}

/// Opens the authorization page and posts the sign-in form with `email` and `password`: answers
/// the page that comes next (the consent page, or the sign-in page again with an error).
pub async fn sign_in_page_then_credentials(
    http: &reqwest::Client,
    base_url: &str,
    request: &AuthRequest,
    email: &str,
    password: &str,
) -> Result<Page, String> {
    let page = get_page(http, &request.authorize_url(base_url, &[])).await;
    if page.status != 200 || !page.is_html() {
        return Err(format!("authorization page: {page:?}"));
    }
    let form = page
        .form()
        .ok_or_else(|| format!("no sign-in form: {}", page.body))?;
    Ok(form
        .submit(
            http,
            base_url,
            &[("email", email), ("password", password)],
            None,
        )
        .await)
}

/// Plays the user up to the redirect back to the app: authorization page, sign-in form, consent
/// (`decision` is the button pressed, `Allow` or `Deny`). Answers the redirect.
pub async fn authorize(
    http: &reqwest::Client,
    base_url: &str,
    request: &AuthRequest,
    email: &str,
    password: &str,
    decision: &str,
) -> Result<Page, String> {
    let consent = sign_in_page_then_credentials(http, base_url, request, email, password).await?;
    let form = consent
        .form()
        .filter(|form| form.field("ticket").is_some())
        .ok_or_else(|| {
            error_message(&consent.body).unwrap_or_else(|| format!("no consent form: {consent:?}"))
        })?;
    let redirect = form
        .submit(http, base_url, &[], Some(("decision", decision)))
        .await;
    if redirect.status != 302 && redirect.status != 303 {
        return Err(format!("consent did not redirect: {redirect:?}"));
    }
    Ok(redirect)
}

/// The value of the query parameter `name` in `url`, if it has one.
pub fn query_param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// The code from a successful redirect to the app, after checking that it goes to the
/// request's redirect URI and returns its state.
pub fn code_from_redirect(redirect: &Page, request: &AuthRequest) -> Result<String, String> {
    let location = redirect.location.as_deref().ok_or("no Location")?;
    let url = Url::parse(location).map_err(|e| e.to_string())?;
    let mut without_query = url.clone();
    without_query.set_query(None);
    if without_query.as_str() != request.redirect_uri {
        return Err(format!("redirected to {location}"));
    }
    let get = |name: &str| query_param(&url, name);
    if get("state").as_deref() != Some(request.state.as_str()) {
        return Err(format!("state not returned: {location}"));
    }
    if let Some(error) = get("error") {
        return Err(format!("authorization refused: {error}"));
    }
    get("code").ok_or_else(|| format!("no code: {location}"))
}

/// Posts a code exchange (`grant_type=authorization_code`); `extra` replaces or removes fields.
pub async fn exchange_code(
    http: &reqwest::Client,
    base_url: &str,
    request: &AuthRequest,
    code: &str,
    extra: &[(&str, Option<&str>)],
) -> reqwest::Response {
    let mut form: Vec<(String, String)> = vec![
        ("grant_type".into(), "authorization_code".into()),
        ("code".into(), code.into()),
        ("redirect_uri".into(), request.redirect_uri.clone()),
        ("client_id".into(), "shopterm".into()),
        ("code_verifier".into(), request.pkce.verifier.clone()),
    ];
    for (name, value) in extra {
        form.retain(|(k, _)| k != name);
        if let Some(value) = value {
            form.push(((*name).to_owned(), (*value).to_owned()));
        }
    }
    post_form(http, &format!("{base_url}/oauth/token"), &form).await
}

/// Posts `form` to `url` as the app does; the answer, whatever its status.
async fn post_form<T: serde::Serialize + ?Sized>(
    http: &reqwest::Client,
    url: &str,
    form: &T,
) -> reqwest::Response {
    let request = http.post(url).form(form);
    request
        .send()
        .await
        .expect("the demo's OAuth server answers")
}

/// Posts a refresh (`grant_type=refresh_token`).
pub async fn refresh(
    http: &reqwest::Client,
    base_url: &str,
    refresh_token: &str,
) -> reqwest::Response {
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("client_id", "shopterm"),
    ];
    post_form(http, &format!("{base_url}/oauth/token"), &form).await
}

/// Posts a revocation (RFC 7009) as the `shopterm` app.
pub async fn revoke(
    http: &reqwest::Client,
    base_url: &str,
    token: &str,
    hint: Option<&str>,
) -> reqwest::Response {
    let mut form = vec![("token", token), ("client_id", "shopterm")];
    if let Some(hint) = hint {
        form.push(("token_type_hint", hint));
    }
    post_form(http, &format!("{base_url}/oauth/revoke"), &form).await
}

/// The whole browser sign-in, or why it failed (e.g. "Wrong e-mail or password.").
pub async fn try_browser_sign_in(
    base_url: &str,
    email: &str,
    password: &str,
) -> Result<TokenResponse, String> {
    let http = super::demo::http();
    let request = AuthRequest::new();
    let redirect = authorize(&http, base_url, &request, email, password, "Allow").await?;
    let code = code_from_redirect(&redirect, &request)?;
    let answer = exchange_code(&http, base_url, &request, &code, &[]).await;
    let status = answer.status();
    let body = answer.text().await.map_err(|e| e.to_string())?;
    if status != 200 {
        return Err(format!("code exchange: {status} {body}"));
    }
    serde_json::from_str(&body).map_err(|e| format!("token answer {body}: {e}"))
}

/// Signs in as a person with a browser would and answers the tokens; panics on failure.
pub async fn browser_sign_in(base_url: &str, email: &str, password: &str) -> TokenResponse {
    match try_browser_sign_in(base_url, email, password).await {
        Ok(tokens) => tokens,
        Err(error) => panic!("browser sign-in as {email} failed: {error}"),
    }
}
