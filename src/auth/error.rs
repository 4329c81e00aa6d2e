//! What can go wrong signing in, refreshing and signing out, worded for the person at the terminal.
//!
//! No variant ever holds a token, an authorization code or a client secret: messages come from
//! fixed text, from the server's own `error` / `error_description` fields, or from URLs that carry
//! no secret (endpoints, never the callback URL with its code).

use crate::net::NetError;
use crate::shop::ShopError;
use oauth2::{ErrorResponse, HttpClientError, RequestTokenError};
use std::fmt::Write as _;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    Net(#[from] NetError),

    #[error("cannot find the sign-in server of {url}: {reason}")]
    Discovery { url: String, reason: String },

    #[error("the sign-in server {issuer} has no {what}")]
    MissingEndpoint { issuer: String, what: &'static str },

    #[error("the sign-in server {issuer} does not support PKCE with S256, which shopterm requires")]
    NoPkceS256 { issuer: String },

    #[error(
        "the answer that reached shopterm does not belong to this sign-in (state mismatch): it may come from an older sign-in attempt or a forged link. Nothing was stored; sign in again"
    )]
    StateMismatch,

    /// A password platform refused the login and password (the message says so in the shop's
    /// words, or shopterm's).
    #[error("{0}")]
    WrongCredentials(String),

    /// A password platform holds sign-ins back for a while after too many failed ones (for the
    /// account or from this address): the password was not even checked, so it is not called
    /// wrong.
    #[error("{}", too_many_attempts(*.retry_after, .detail.as_deref()))]
    TooManyAttempts {
        /// From the answer's `Retry-After`, where the shop sends one.
        retry_after: Option<std::time::Duration>,
        /// The shop's own words, shown when it gives no `Retry-After` (it may name the wait).
        detail: Option<String>,
    },

    #[error("the sign-in was refused: {}", describe_server_error(.error, .description.as_deref()))]
    Denied {
        error: String,
        description: Option<String>,
    },

    #[error(
        "no answer from the browser within {} (the sign-in page may not have been completed); nothing was stored",
        format_secs(*.0)
    )]
    TimedOut(u64),

    #[error(
        "the code was not approved within {}; nothing was stored",
        format_secs(*.0)
    )]
    DeviceTimedOut(u64),

    #[error(
        "cannot listen for the browser's answer on 127.0.0.1:{port} (the fixed callback port): {source}{}",
        if .source.kind() == std::io::ErrorKind::AddrInUse { " — another program (or an `ssh -L` forward) already uses it; free it or pick another with --callback-port / `callback_port`" } else { "" }
    )]
    CallbackPort { port: u16, source: std::io::Error },

    #[error("sign-in cancelled; nothing was stored")]
    Cancelled,

    #[error("{0}")]
    BadRedirect(String),

    #[error("the sign-in server refused to {action}: {}", describe_server_error(.error, .description.as_deref()))]
    Refused {
        action: &'static str,
        error: String,
        description: Option<String>,
    },

    #[error("could not reach the sign-in server: {0}")]
    Network(String),

    #[error("the sign-in server answered in a way shopterm does not understand: {0}")]
    Protocol(String),

    #[error("cannot listen for the browser's answer on 127.0.0.1: {0}")]
    Listen(std::io::Error),

    #[error(transparent)]
    Store(#[from] super::store::StoreError),

    #[error("{0}")]
    Config(String),

    #[error(transparent)]
    Shop(#[from] ShopError),
}

fn format_secs(secs: u64) -> String {
    if secs >= 60 && secs.is_multiple_of(60) {
        format!("{} min", secs / 60)
    } else {
        format!("{secs} s")
    }
}

/// "too many sign-in attempts — try again in 30 s", or "… later" and the shop's words when it
/// did not say how long.
fn too_many_attempts(retry_after: Option<std::time::Duration>, detail: Option<&str>) -> String {
    let text = "too many sign-in attempts";
    match (retry_after, detail.map(str::trim).filter(|d| !d.is_empty())) {
        (Some(wait), _) => {
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            format!("{text} — try again in {}", format_secs(seconds.max(1)))
        }
        (None, Some(detail)) => format!("{text} — try again later (the shop says: {detail})"),
        (None, None) => format!("{text} — try again later"),
    }
}

/// `access_denied (The user said no)`, the way OAuth servers report errors.
pub(crate) fn describe_server_error(error: &str, description: Option<&str>) -> String {
    let mut text = error.to_owned();
    match description.filter(|d| !d.trim().is_empty()) {
        Some(description) => {
            let _ = write!(text, " ({})", description.trim());
        }
        None if error == "access_denied" => {
            text.push_str(" (access was declined on the sign-in page)");
        }
        None if error == "invalid_grant" => {
            text.push_str(" (the code or refresh token is no longer valid)");
        }
        None => {}
    }
    text
}

impl AuthError {
    /// True when the server refused a grant (the refresh token is dead: sign in again), as opposed
    /// to a failure that may pass (network, server error).
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            AuthError::Refused { .. } | AuthError::Denied { .. } | AuthError::WrongCredentials(_)
        )
    }

    /// The error a connector's caller sees when a token could not be had.
    pub fn into_shop_error(self) -> ShopError {
        match self {
            AuthError::Refused { .. }
            | AuthError::Denied { .. }
            | AuthError::WrongCredentials(_) => ShopError::SessionExpired,
            AuthError::Network(message) => ShopError::Network(message),
            AuthError::TooManyAttempts { retry_after, .. } => {
                ShopError::RateLimited { retry_after }
            }
            AuthError::Shop(error) => error,
            other => ShopError::Protocol(other.to_string()),
        }
    }
}

/// The text of a reqwest error with its causes (reqwest names the URL, which never holds a secret
/// in shopterm's requests: tokens and secrets travel in headers and form bodies).
pub(crate) fn reqwest_error_text(error: &reqwest::Error) -> String {
    let mut message = if error.is_timeout() {
        format!("the server did not answer in time: {error}")
    } else {
        error.to_string()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let _ = write!(message, ": {cause}");
        source = cause.source();
    }
    if message.contains("certificate") || message.contains("UnknownIssuer") {
        message.push_str(
            " (the shop's TLS certificate is not trusted: if it uses a private CA, give its certificate with --ca-file / `ca_file` in the profile, or SSL_CERT_FILE)",
        );
    }
    message
}

/// Maps the `oauth2` crate's request errors. Its `Parse` variant carries the raw response body,
/// which may hold tokens: only the JSON path of the problem is kept.
pub(crate) fn from_token_error<T: ErrorResponse + 'static>(
    action: &'static str,
    error: RequestTokenError<HttpClientError<reqwest::Error>, T>,
    describe: impl Fn(&T) -> (String, Option<String>),
) -> AuthError {
    match error {
        RequestTokenError::ServerResponse(response) => {
            let (error, description) = describe(&response);
            AuthError::Refused {
                action,
                error,
                description,
            }
        }
        RequestTokenError::Request(HttpClientError::Reqwest(error)) => {
            AuthError::Network(reqwest_error_text(&error))
        }
        RequestTokenError::Request(other) => AuthError::Network(other.to_string()),
        RequestTokenError::Parse(error, _body) => AuthError::Protocol(format!(
            "unreadable answer when trying to {action} (at `{}`)",
            error.path()
        )),
        RequestTokenError::Other(message) => {
            AuthError::Protocol(format!("when trying to {action}: {message}"))
        }
    }
}
