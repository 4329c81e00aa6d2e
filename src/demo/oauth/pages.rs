//! The HTML of the authorization step: the OAuth request carried in hidden fields, the sign-in,
//! consent and error pages and their security headers.

use super::PKCE_REQUIRED;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use oxide_auth::endpoint::{NormalizedParameter, Scope};
use oxide_auth_axum::OAuthResponse;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use url::Url;
use zeroize::Zeroizing;

/// The authorization-request parameters that the sign-in and consent forms carry along.
const AUTHORIZE_PARAMS: [&str; 7] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
];

/// The authorization request's parameters; unknown ones are dropped (RFC 6749 §3.1 says to ignore
/// them) and a repeated one is dropped entirely, as oxide-auth treats it (§3.1: sent at most once).
#[derive(Default)]
pub(super) struct AuthorizeParams(Vec<(&'static str, String)>);

impl AuthorizeParams {
    pub(super) fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> AuthorizeParams {
        let mut seen: Vec<(&'static str, Option<String>)> = Vec::new();
        for (key, value) in pairs {
            let Some(name) = AUTHORIZE_PARAMS.iter().find(|name| **name == key) else {
                continue;
            };
            match seen.iter_mut().find(|(n, _)| n == name) {
                Some(entry) => entry.1 = None,
                None => seen.push((name, Some(value.to_owned()))),
            }
        }
        AuthorizeParams(
            seen.into_iter()
                .filter_map(|(name, value)| value.map(|v| (name, v)))
                .collect(),
        )
    }

    pub(super) fn from_query(query: &str) -> AuthorizeParams {
        let pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> =
            url::form_urlencoded::parse(query.as_bytes()).collect();
        AuthorizeParams::from_pairs(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))
    }

    pub(super) fn to_query(&self) -> NormalizedParameter {
        self.0
            .iter()
            .map(|(name, value)| (*name, value.clone()))
            .collect()
    }

    /// Identifies the request, for binding a login ticket to it.
    pub(super) fn fingerprint(&self) -> [u8; 32] {
        let mut hash = Sha256::new();
        for name in AUTHORIZE_PARAMS {
            if let Some((_, value)) = self.0.iter().find(|(n, _)| *n == name) {
                hash.update(name.as_bytes());
                hash.update((value.len() as u64).to_be_bytes());
                hash.update(value.as_bytes());
            }
        }
        hash.finalize().into()
    }

    fn hidden_fields(&self) -> String {
        self.0
            .iter()
            .map(|(name, value)| {
                format!(
                    "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
                    esc(name),
                    esc(value)
                )
            })
            .collect()
    }
}

fn esc(text: &str) -> Cow<'_, str> {
    html_escape::encode_safe(text)
}

/// The name an app is shown by on the sign-in and consent pages.
pub(super) fn app_name(client_id: &str) -> &str {
    client_id
}

/// What the consent page says a scope lets the app do.
fn scope_wishes(scope: &Scope) -> Vec<&'static str> {
    let has = |name: &str| scope.iter().any(|s| s == name);
    match (has("account"), has("orders")) {
        (true, true) => vec!["see your account, addresses and orders", "place orders"],
        (true, false) => vec!["see your account and addresses"],
        (false, true) => vec!["see your orders", "place orders"],
        (false, false) => vec!["know that you are signed in"],
    }
}

pub(super) fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} - Demo shop</title>\n<style>\n\
         body {{ font-family: sans-serif; max-width: 30rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; }}\n\
         .error {{ color: #a00000; border: 1px solid #a00000; padding: 0.5rem; }}\n\
         input[type=email], input[type=password] {{ width: 100%; padding: 0.4rem; box-sizing: border-box; }}\n\
         input[type=submit] {{ padding: 0.4rem 1.2rem; margin-right: 0.5rem; }}\n\
         </style>\n</head>\n<body>\n<h1>Demo shop</h1>\n{body}</body>\n</html>\n",
        title = esc(title),
    )
}

pub(super) fn sign_in_page(
    app: &str,
    params: &AuthorizeParams,
    email: &str,
    error: Option<&str>,
) -> String {
    let error = error
        .map(|message| format!("<p class=\"error\" role=\"alert\">{}</p>\n", esc(message)))
        .unwrap_or_default();
    let body = format!(
        "<h2>Sign in</h2>\n\
         <p><strong>{app}</strong> asks you to sign in to the demo shop.</p>\n\
         {error}\
         <form method=\"post\" action=\"/oauth/authorize\">\n\
         <input type=\"hidden\" name=\"step\" value=\"sign_in\">\n\
         {hidden}\
         <p><label for=\"email\">E-mail</label><br>\n\
         <input id=\"email\" type=\"email\" name=\"email\" value=\"{email}\" autocomplete=\"username\" required autofocus></p>\n\
         <p><label for=\"password\">Password</label><br>\n\
         <input id=\"password\" type=\"password\" name=\"password\" autocomplete=\"current-password\" required></p>\n\
         <p><input type=\"submit\" value=\"Sign in\"></p>\n\
         </form>\n",
        app = esc(app),
        hidden = params.hidden_fields(),
        email = esc(email),
    );
    page("Sign in", &body)
}

pub(super) fn consent_page(
    app: &str,
    scope: &Scope,
    email: &str,
    params: &AuthorizeParams,
    ticket: &str,
) -> String {
    let wishes: String = scope_wishes(scope)
        .into_iter()
        .map(|wish| format!("<li>{}</li>\n", esc(wish)))
        .collect();
    let body = format!(
        "<h2>Allow access?</h2>\n\
         <p>Signed in as <strong>{email}</strong>.</p>\n\
         <p><strong>{app}</strong> wants to:</p>\n<ul>\n{wishes}</ul>\n\
         <form method=\"post\" action=\"/oauth/authorize\">\n\
         <input type=\"hidden\" name=\"step\" value=\"consent\">\n\
         <input type=\"hidden\" name=\"ticket\" value=\"{ticket}\">\n\
         {hidden}\
         <p><input type=\"submit\" name=\"decision\" value=\"Allow\">\n\
         <input type=\"submit\" name=\"decision\" value=\"Deny\"></p>\n\
         </form>\n\
         <p>You can take access back at any time by signing out in {app}.</p>\n",
        email = esc(email),
        app = esc(app),
        ticket = esc(ticket),
        hidden = params.hidden_fields(),
    );
    page("Allow access?", &body)
}

/// A page instead of a redirect: for requests whose client or redirect URI is not trusted
/// (RFC 6749 §4.1.2.1) and for forms that cannot be read.
pub(super) fn error_page(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<h2>Sign-in not possible</h2>\n<p>{}</p>\n\
         <p>Nothing was sent back to the app. Start the sign-in again from the app.</p>\n",
        esc(message)
    );
    let html = page("Sign-in not possible", &body);
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response();
    page_headers(response.headers_mut());
    response
}

pub(super) fn html_answer(html: String) -> OAuthResponse {
    OAuthResponse::default()
        .content_type("text/html; charset=utf-8")
        .unwrap_or_default()
        .body(&html)
}

/// No caching of pages with tickets or codes, no framing of the consent page (clickjacking, RFC
/// 6749 §10.13), no scripts, and no Referer carrying the request to the app's callback.
pub(super) fn page_headers(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
}

/// Adds `error_description` to an error redirect to the app (see [`Responder`] for why oxide-auth
/// does not).
pub(super) fn explain_redirect(headers: &mut HeaderMap) {
    let Some(mut location) = headers
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| Url::parse(value).ok())
    else {
        return;
    };
    let mut error = None;
    for (name, value) in location.query_pairs() {
        match name.as_ref() {
            "error" => error = Some(value.into_owned()),
            "error_description" => return,
            _ => {}
        }
    }
    let description = match error.as_deref() {
        None => return,
        // Only the PKCE addon refuses a request with invalid_request after its client and
        // redirect URI were accepted.
        Some("invalid_request") => PKCE_REQUIRED,
        Some("unsupported_response_type") => "response_type must be code",
        Some("invalid_scope") => "The scopes are account and orders",
        Some("access_denied") => "The customer did not allow access",
        Some(_) => "The request was refused",
    };
    location
        .query_pairs_mut()
        .append_pair("error_description", description);
    if let Ok(value) = HeaderValue::from_str(location.as_str()) {
        headers.insert(header::LOCATION, value);
    }
}

/// Removes every field named `name`, answering the first one's value.
pub(super) fn take_field(fields: &mut Vec<(String, String)>, name: &str) -> Option<String> {
    let mut found = None;
    fields.retain_mut(|(key, value)| {
        if key != name {
            return true;
        }
        if found.is_none() {
            found = Some(std::mem::take(value));
        } else {
            // A second password is still a password: wipe it too.
            drop(Zeroizing::new(std::mem::take(value)));
        }
        false
    });
    found
}

// ---------------------------------------------------------------------------------------------
// Handlers.
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_and_unknown_parameters_are_dropped() {
        let params = AuthorizeParams::from_query("client_id=a&state=1&state=2&extra=x&scope=s");
        assert_eq!(
            params.0,
            vec![("client_id", "a".to_owned()), ("scope", "s".to_owned())]
        );
    }

    #[test]
    fn hidden_fields_are_escaped() {
        let params = AuthorizeParams::from_pairs([("state", "\"><script>x</script>")]);
        let html = params.hidden_fields();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&quot;&gt;&lt;script&gt;"), "{html}");
    }
}
