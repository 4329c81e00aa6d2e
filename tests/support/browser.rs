//! A scripted browser for sign-in pages (the demo shop's and oidc-provider's): cookies, no
//! automatic redirects, forms filled in as a person would.

use super::html::forms;
use shopterm::auth::{OAuthEndpoints, StoredTokens, TokenSet};
use std::time::Duration;
use url::Url;

/// What the person types and clicks.
#[derive(Debug, Clone, Default)]
pub struct Person {
    /// Values for inputs, by name (e-mail, login, password…).
    pub fill: Vec<(String, String)>,
    /// The submit button to press when a form has named ones (name, value), e.g. ("decision", "Allow").
    pub press: Option<(String, String)>,
}

/// A browser without automatic redirects, with cookies.
pub fn browser_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .gzip(true)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("browser client")
}

/// Walks from the authorization URL through the server's pages, filling forms, until the server
/// redirects to an address starting with `redirect_prefix`; returns that address (not visited).
/// `Err` tells where it stopped instead (e.g. the sign-in form came back: wrong password).
pub async fn walk_to_redirect(
    browser: &reqwest::Client,
    start: &Url,
    person: &Person,
    redirect_prefix: &str,
) -> Result<Url, String> {
    let mut request = browser.get(start.clone());
    let mut current = start.clone();
    let mut password_forms = 0;
    for _ in 0..20 {
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or("redirect without Location")?;
            let next = current.join(location).map_err(|e| e.to_string())?;
            if next.as_str().starts_with(redirect_prefix) {
                return Ok(next);
            }
            current = next.clone();
            request = browser.get(next);
            continue;
        }
        let body = response.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("HTTP {status} at {current}: {body}"));
        }
        let Some(form) = forms(&body).into_iter().next() else {
            return Err(format!("no form at {current}: {body}"));
        };
        if form.has_password {
            password_forms += 1;
            if password_forms > 1 {
                return Err("the sign-in form came back (credentials refused)".into());
            }
        }
        let mut fields = form.fields.clone();
        for (name, value) in &person.fill {
            if let Some(slot) = fields.iter_mut().find(|(n, _)| n == name) {
                slot.1 = value.clone();
            }
        }
        if let Some((name, value)) = &person.press
            && form.submits.iter().any(|(n, v)| n == name && v == value)
        {
            fields.push((name.clone(), value.clone()));
        }
        let action = current.join(&form.action).map_err(|e| e.to_string())?;
        current = action.clone();
        request = browser.post(action).form(&fields);
    }
    Err("too many steps".into())
}

/// Visits the loopback callback as the browser would; (status, page text).
pub async fn visit(browser: &reqwest::Client, url: &Url) -> Result<(u16, String), String> {
    let response = browser
        .get(url.clone())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let body = response.text().await.map_err(|e| e.to_string())?;
    Ok((
        status,
        html_escape::decode_html_entities(&body).into_owned(),
    ))
}

/// What `shopterm login` stores after a browser sign-in at `endpoints` (no account read yet).
pub fn stored_as_login_does(tokens: &TokenSet, endpoints: &OAuthEndpoints) -> StoredTokens {
    StoredTokens {
        access_token: tokens.access_token.clone(),
        refresh_token: tokens.refresh_token.clone(),
        expires_at: tokens.expires_at,
        obtained_at: tokens.obtained_at,
        scope: tokens.scope.clone(),
        account_id: None,
        account_email: None,
        issued_by: endpoints.token_issuer(),
    }
}
