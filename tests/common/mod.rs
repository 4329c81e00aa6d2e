//! Shared test helpers: start the embedded demo shop on loopback, and sign in to it the way a
//! person with a browser does (authorization page, sign-in form, consent form, redirect with a
//! code, code exchange with PKCE), over real HTTP.
//!
//! Each test binary uses a different part of this module.
#![allow(dead_code)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore as _;
use secrecy::SecretString;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use shopterm::auth::{NoToken, StaticToken, TokenSource};
use shopterm::demo::store::{DemoLogin, Store};
use shopterm::demo::{DemoConfig, RunningDemo};
use shopterm::model::ProductCode;
use shopterm::platforms::customer_api::CustomerApiShop;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// The demo shop in memory on a free loopback port, with access tokens living `ttl`.
pub async fn spawn_demo(ttl: Duration) -> RunningDemo {
    shopterm::demo::start(DemoConfig {
        token_ttl: ttl,
        ..DemoConfig::ephemeral()
    })
    .await
    .expect("the demo shop starts")
}

/// An HTTP client like a browser's for these tests, except that it does not follow redirects:
/// the tests look at each `Location`. It offers gzip, as the shop API requires.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .gzip(true)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client")
}

/// The B2B buyer, the first demo account.
pub fn buyer() -> DemoLogin {
    Store::demo_logins()
        .into_iter()
        .next()
        .expect("a demo login")
}

/// The new customer with no orders and no addresses.
pub fn newcomer() -> DemoLogin {
    let logins = Store::demo_logins();
    logins
        .iter()
        .find(|login| login.email.starts_with("new@"))
        .or(logins.last())
        .cloned()
        .expect("a demo login")
}

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
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|addr| addr.port())
            .unwrap_or(53682);
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

/// An HTTP answer as the tests look at it.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub content_type: Option<String>,
    pub body: String,
}

impl Page {
    async fn from(response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let location = header(reqwest::header::LOCATION);
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let body = response.text().await.expect("a body");
        Page {
            status,
            location,
            content_type,
            body,
        }
    }

    pub fn is_html(&self) -> bool {
        self.content_type
            .as_deref()
            .is_some_and(|t| t.starts_with("text/html"))
    }

    /// The first form on the page.
    pub fn form(&self) -> Option<HtmlForm> {
        forms(&self.body).into_iter().next()
    }

    /// The query parameters of the redirect's `Location`.
    pub fn redirect_params(&self) -> Option<Vec<(String, String)>> {
        let location = Url::parse(self.location.as_deref()?).ok()?;
        Some(location.query_pairs().into_owned().collect())
    }
}

pub async fn get_page(http: &reqwest::Client, url: &str) -> Page {
    Page::from(http.get(url).send().await.expect("GET")).await
}

/// A `<form>` as a browser sees it: where it goes, its fields with their values, and its named
/// submit buttons.
#[derive(Debug, Clone)]
pub struct HtmlForm {
    pub action: String,
    pub method: String,
    pub fields: Vec<(String, String)>,
    pub submits: Vec<(String, String)>,
}

impl HtmlForm {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Fills in `fill` (replacing fields of the same name), presses `submit` (a named submit
    /// button, if given) and sends the form like a browser: POST, form-encoded, to its action.
    pub async fn submit(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        fill: &[(&str, &str)],
        submit: Option<(&str, &str)>,
    ) -> Page {
        assert_eq!(self.method.to_ascii_lowercase(), "post", "{self:?}");
        let mut fields = self.fields.clone();
        for (name, value) in fill {
            match fields.iter_mut().find(|(n, _)| n == name) {
                Some(field) => field.1 = (*value).to_owned(),
                None => fields.push(((*name).to_owned(), (*value).to_owned())),
            }
        }
        if let Some((name, value)) = submit {
            assert!(
                self.submits.iter().any(|(n, v)| n == name && v == value),
                "no submit button {name}={value} in {self:?}"
            );
            fields.push((name.to_owned(), value.to_owned()));
        }
        let url = Url::parse(base_url)
            .and_then(|base| base.join(&self.action))
            .expect("form action");
        Page::from(
            http.post(url)
                .form(&fields)
                .send()
                .await
                .expect("form POST"),
        )
        .await
    }
}

/// The forms of an HTML page; enough of HTML for the demo shop's plain pages.
pub fn forms(html: &str) -> Vec<HtmlForm> {
    let mut forms = Vec::new();
    let mut current: Option<HtmlForm> = None;
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        let (name, attrs) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
        let attrs = attributes(attrs);
        let attr = |key: &str| attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        match name.to_ascii_lowercase().as_str() {
            "form" => {
                current = Some(HtmlForm {
                    action: attr("action").unwrap_or_default(),
                    method: attr("method").unwrap_or_else(|| "get".to_owned()),
                    fields: Vec::new(),
                    submits: Vec::new(),
                })
            }
            "/form" => forms.extend(current.take()),
            "input" => {
                let Some(form) = current.as_mut() else {
                    continue;
                };
                let Some(field) = attr("name") else { continue };
                let value = attr("value").unwrap_or_default();
                match attr("type")
                    .unwrap_or_default()
                    .to_ascii_lowercase()
                    .as_str()
                {
                    "submit" => form.submits.push((field, value)),
                    _ => form.fields.push((field, value)),
                }
            }
            _ => {}
        }
    }
    forms
}

fn attributes(mut text: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    loop {
        text = text.trim_start().trim_start_matches('/').trim_start();
        if text.is_empty() {
            return attrs;
        }
        let name_end = text
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(text.len());
        let name = text[..name_end].to_ascii_lowercase();
        text = &text[name_end..];
        let value = if let Some(after) = text.trim_start().strip_prefix('=') {
            let after = after.trim_start();
            let (value, remainder) = match after.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let inner = &after[1..];
                    let close = inner.find(quote).unwrap_or(inner.len());
                    (&inner[..close], inner.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let close = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..close], &after[close..])
                }
            };
            text = remainder;
            html_escape::decode_html_entities(value).into_owned()
        } else {
            String::new()
        };
        attrs.push((name, value));
    }
}

/// The text of the page's error message (`class="error"`), if any.
pub fn error_message(html: &str) -> Option<String> {
    let start = html.find("class=\"error\"")?;
    let text = &html[start..];
    let open = text.find('>')? + 1;
    let close = text[open..].find('<')? + open;
    Some(html_escape::decode_html_entities(&text[open..close]).into_owned())
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

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
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
    let params: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
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
    http.post(format!("{base_url}/oauth/token"))
        .form(&form)
        .send()
        .await
        .expect("token request")
}

/// Posts a refresh (`grant_type=refresh_token`).
pub async fn refresh(
    http: &reqwest::Client,
    base_url: &str,
    refresh_token: &str,
) -> reqwest::Response {
    http.post(format!("{base_url}/oauth/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", "shopterm"),
        ])
        .send()
        .await
        .expect("refresh request")
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
    http.post(format!("{base_url}/oauth/revoke"))
        .form(&form)
        .send()
        .await
        .expect("revocation request")
}

/// The whole browser sign-in, or why it failed (e.g. "Wrong e-mail or password.").
pub async fn try_browser_sign_in(
    base_url: &str,
    email: &str,
    password: &str,
) -> Result<TokenResponse, String> {
    let http = http();
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

/// The demo shop plus the ways tests talk to it.
pub struct DemoHarness {
    pub demo: RunningDemo,
}

impl DemoHarness {
    /// One-hour tokens.
    pub async fn start() -> DemoHarness {
        DemoHarness::start_with_ttl(Duration::from_secs(3600)).await
    }

    pub async fn start_with_ttl(ttl: Duration) -> DemoHarness {
        DemoHarness {
            demo: spawn_demo(ttl).await,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.demo.base_url
    }

    /// A fresh access token for `login`, from the browser sign-in.
    pub async fn token_for(&self, login: &DemoLogin) -> String {
        browser_sign_in(self.base_url(), &login.email, &login.password)
            .await
            .access_token
    }

    pub async fn try_sign_in(&self, email: &str, password: &str) -> Result<TokenResponse, String> {
        try_browser_sign_in(self.base_url(), email, password).await
    }

    fn shop(&self, tokens: Arc<dyn TokenSource>) -> CustomerApiShop {
        let base = Url::parse(self.base_url()).expect("base URL");
        let http = shopterm::net::http_client(None).expect("HTTP client");
        CustomerApiShop::new(base, http, tokens)
    }

    /// The Customer API connector, signed in as `login`.
    pub async fn shop_for(&self, login: &DemoLogin) -> CustomerApiShop {
        let token = self.token_for(login).await;
        self.shop_with_token(&token)
    }

    pub fn shop_with_token(&self, token: &str) -> CustomerApiShop {
        self.shop(Arc::new(StaticToken(SecretString::from(token.to_owned()))))
    }

    pub fn anonymous_shop(&self) -> CustomerApiShop {
        self.shop(Arc::new(NoToken))
    }

    /// The key of the newest password-reset mail to `email` in the demo's outbox.
    pub async fn reset_key_from_outbox(&self, email: &str) -> String {
        let store = self.demo.state.store.clone();
        let mails = tokio::task::spawn_blocking(move || store.outbox())
            .await
            .expect("outbox task")
            .expect("outbox");
        let mail = mails
            .iter()
            .filter(|mail| mail.to.eq_ignore_ascii_case(email))
            .max_by_key(|mail| mail.id)
            .unwrap_or_else(|| panic!("no mail to {email} in the outbox"));
        let start = mail
            .body
            .find("key=")
            .unwrap_or_else(|| panic!("no key= in the reset mail:\n{}", mail.body))
            + "key=".len();
        mail.body[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || "-_.~%".contains(*c))
            .collect()
    }

    /// Sets a product's stock directly in the store.
    pub fn set_stock(&self, code: &ProductCode, brand: &str, stock: u32) {
        self.demo
            .state
            .store
            .set_product(code, brand, None, Some(stock))
            .expect("stock set");
    }
}
