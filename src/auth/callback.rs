//! The loopback redirect of RFC 8252 §7.3: a one-shot HTTP listener on 127.0.0.1 (ephemeral port,
//! or a fixed one for `ssh -L` users, path `/callback`) that receives the browser's redirect after
//! sign-in.
//!
//! A request whose `state` is not this sign-in's is answered 400 and changes nothing: anyone on the
//! machine can reach a loopback port, and one forged request must not end a waiting sign-in. The
//! first request with the right `state` decides the sign-in, whether it carries a code or an
//! `error=`; any later one is refused with "already finished". The browser is kept waiting
//! until the code has been exchanged, so its page tells the real outcome. Other paths (favicon)
//! get a 404 and change nothing. The same validation serves a redirect URL pasted by the user
//! (`--no-browser`).

use super::error::AuthError;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use secrecy::SecretString;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;

/// How long the browser's page waits for the code exchange before saying "see the terminal".
const EXCHANGE_WAIT: Duration = Duration::from_secs(60);

/// What a valid answer to this sign-in must carry.
#[derive(Debug, Clone)]
pub struct CallbackExpectation {
    /// The `state` sent with the authorization request.
    pub state: String,
    /// The authorization server's issuer identifier, when known.
    pub issuer: Option<String>,
    /// The server promises `iss` in its answers (RFC 9207), so it must be there.
    pub issuer_required: bool,
}

/// Checks the query of a redirect to `/callback` against this sign-in; gives the authorization
/// code. `state` is checked before anything else, so a forged `error=` is reported as the
/// mismatch it is; then `iss` (RFC 9207, against mix-up attacks).
pub fn validate_callback_query(
    query: &str,
    expected: &CallbackExpectation,
) -> Result<SecretString, AuthError> {
    let mut state = None;
    let mut code = None;
    let mut error = None;
    let mut description = None;
    let mut issuer = None;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let slot = match key.as_ref() {
            "state" => &mut state,
            "code" => &mut code,
            "error" => &mut error,
            "error_description" => &mut description,
            "iss" => &mut issuer,
            _ => continue,
        };
        if slot.is_some() {
            return Err(AuthError::BadRedirect(format!(
                "the sign-in answer repeats `{key}`; it was refused"
            )));
        }
        *slot = Some(value.into_owned());
    }
    if state.as_deref() != Some(expected.state.as_str()) {
        return Err(AuthError::StateMismatch);
    }
    match (&issuer, &expected.issuer) {
        // RFC 9207 §2.4: compared as strings, exactly (no trailing-slash or case folding).
        (Some(got), Some(want)) if got != want => {
            return Err(AuthError::BadRedirect(format!(
                "the sign-in answer comes from {got}, not from {want} (possible mix-up attack); it was refused"
            )));
        }
        (None, _) if expected.issuer_required => {
            return Err(AuthError::BadRedirect(
                "the sign-in answer lacks the issuer (`iss`) its server promises; it was refused"
                    .into(),
            ));
        }
        _ => {}
    }
    if let Some(error) = error {
        return Err(AuthError::Denied { error, description });
    }
    match code {
        Some(code) if !code.is_empty() => Ok(SecretString::from(code)),
        _ => Err(AuthError::BadRedirect(
            "the sign-in answer has neither a code nor an error".into(),
        )),
    }
}

/// The query part of what the user pasted for `--no-browser`: the whole address the browser
/// ended on (`http://127.0.0.1:PORT/callback?code=…&state=…`), or just its `?code=…&state=…` part.
/// Errors never repeat the pasted text (it holds the code).
pub fn pasted_redirect_query(pasted: &str) -> Result<String, AuthError> {
    let text = pasted.trim();
    let query = match Url::parse(text) {
        Ok(url) => url.query().unwrap_or("").to_owned(),
        Err(_) => text.trim_start_matches('?').to_owned(),
    };
    let has_answer = url::form_urlencoded::parse(query.as_bytes())
        .any(|(key, _)| key == "code" || key == "error");
    if has_answer {
        Ok(query)
    } else {
        Err(AuthError::BadRedirect(
            "that is not the address the browser ended on: paste the whole address from the browser's address bar (it starts with http://127.0.0.1:…/callback? and holds code= and state=)".into(),
        ))
    }
}

/// What the listener hands over: the validated answer, and where to report the exchange's
/// outcome so the browser page can show it.
pub(crate) struct CallbackDelivery {
    pub outcome: Result<SecretString, AuthError>,
    pub reply: oneshot::Sender<Result<(), String>>,
}

struct HandlerState {
    expected: CallbackExpectation,
    shop_name: String,
    delivery: Mutex<Option<oneshot::Sender<CallbackDelivery>>>,
}

/// A running listener. Dropping it (or [`CallbackServer::shutdown`]) stops listening.
pub(crate) struct CallbackServer {
    redirect_uri: Url,
    pub deliveries: Option<oneshot::Receiver<CallbackDelivery>>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl CallbackServer {
    /// Binds 127.0.0.1 on `port`, or a free port (not `localhost`: RFC 8252 §8.3, and name
    /// resolution could send the browser to ::1 while shopterm listens on IPv4).
    pub async fn start(
        expected: CallbackExpectation,
        shop_name: String,
        port: Option<u16>,
    ) -> Result<Self, AuthError> {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port.unwrap_or(0)));
        let listener =
            tokio::net::TcpListener::bind(address)
                .await
                .map_err(|source| match port {
                    Some(port) => AuthError::CallbackPort { port, source },
                    None => AuthError::Listen(source),
                })?;
        let port = listener.local_addr().map_err(AuthError::Listen)?.port();
        let redirect_uri = Url::parse(&format!("http://127.0.0.1:{port}/callback"))
            .map_err(|e| AuthError::Protocol(e.to_string()))?;
        let (delivery_tx, delivery_rx) = oneshot::channel();
        let state = Arc::new(HandlerState {
            expected,
            shop_name,
            delivery: Mutex::new(Some(delivery_tx)),
        });
        let app = axum::Router::new()
            .route("/callback", axum::routing::get(callback))
            .fallback(not_found)
            .with_state(state);
        let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = shutdown_rx.await;
                })
                .await;
            if let Err(error) = served {
                tracing::warn!(%error, "sign-in callback listener failed");
            }
        });
        tracing::debug!(%redirect_uri, "listening for the sign-in callback");
        Ok(CallbackServer {
            redirect_uri,
            deliveries: Some(delivery_rx),
            shutdown: Some(shutdown_tx),
            task: Some(task),
        })
    }

    pub fn redirect_uri(&self) -> &Url {
        &self.redirect_uri
    }

    /// Stops listening: later callbacks find no one at the port. Waits briefly for the page
    /// being sent to the browser to go out.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(2), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for CallbackServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn callback(State(state): State<Arc<HandlerState>>, RawQuery(query): RawQuery) -> Response {
    let outcome = validate_callback_query(query.as_deref().unwrap_or(""), &state.expected);
    if let Err(AuthError::StateMismatch) = &outcome {
        tracing::warn!("refused a sign-in callback with another state; still waiting");
        return page(
            StatusCode::BAD_REQUEST,
            "Not this sign-in",
            "This answer does not belong to the sign-in shopterm is waiting for (its state differs); it was ignored.",
        );
    }
    let sender = state.delivery.lock().ok().and_then(|mut slot| slot.take());
    let Some(sender) = sender else {
        tracing::warn!("refused a second sign-in callback");
        return page(
            StatusCode::CONFLICT,
            "Sign-in already finished",
            "This sign-in has already received its answer; this one was refused. Return to the terminal.",
        );
    };
    let early_error = outcome.as_ref().err().map(ToString::to_string);
    let (reply_tx, reply_rx) = oneshot::channel();
    if sender
        .send(CallbackDelivery {
            outcome,
            reply: reply_tx,
        })
        .is_err()
    {
        return page(
            StatusCode::GONE,
            "Sign-in no longer waiting",
            "shopterm is no longer waiting for this sign-in (it was cancelled or timed out).",
        );
    }
    if let Some(message) = early_error {
        return page(
            StatusCode::BAD_REQUEST,
            "Sign-in failed",
            &sentence(&message),
        );
    }
    match tokio::time::timeout(EXCHANGE_WAIT, reply_rx).await {
        Ok(Ok(Ok(()))) => page(
            StatusCode::OK,
            "Signed in",
            &format!(
                "Signed in to {} \u{2014} you can close this tab and return to the terminal.",
                state.shop_name
            ),
        ),
        Ok(Ok(Err(message))) => page(
            StatusCode::BAD_REQUEST,
            "Sign-in failed",
            &sentence(&message),
        ),
        Ok(Err(_)) | Err(_) => page(
            StatusCode::OK,
            "Sign-in answer received",
            "shopterm received the answer; see the terminal for the outcome.",
        ),
    }
}

/// An error message as a sentence on a page: capital first letter, final full stop.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut text: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

async fn not_found() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Not found",
        "Nothing here: shopterm only listens for the sign-in answer.",
    )
}

/// A small self-contained page; every dynamic text HTML-escaped.
fn page(status: StatusCode, title: &str, message: &str) -> Response {
    let title = html_escape::encode_text(title);
    let message = html_escape::encode_text(message);
    let body = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>shopterm: {title}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#222}}</style>\
         </head><body><h1>{title}</h1><p>{message}</p></body></html>\n"
    );
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // One answer per connection: nothing keeps the listener alive after it is done.
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // The address holds the code: never send it on as a Referer.
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn expect(state: &str) -> CallbackExpectation {
        CallbackExpectation {
            state: state.into(),
            issuer: Some("http://127.0.0.1:9".into()),
            issuer_required: false,
        }
    }

    #[test]
    fn issuer_is_checked_when_present_or_promised() {
        let mut expected = expect("s1");
        assert!(
            validate_callback_query("code=c&state=s1&iss=http%3A%2F%2F127.0.0.1%3A9", &expected)
                .is_ok()
        );
        assert!(matches!(
            validate_callback_query("code=c&state=s1&iss=https%3A%2F%2Fevil.example", &expected),
            Err(AuthError::BadRedirect(_))
        ));
        assert!(validate_callback_query("code=c&state=s1", &expected).is_ok());
        // RFC 9207: exact string comparison, so a trailing slash is another issuer.
        for near in [
            "http%3A%2F%2F127.0.0.1%3A9%2F",
            "HTTP%3A%2F%2F127.0.0.1%3A9",
        ] {
            assert!(
                matches!(
                    validate_callback_query(&format!("code=c&state=s1&iss={near}"), &expected),
                    Err(AuthError::BadRedirect(_))
                ),
                "{near}"
            );
        }
        let mut with_slash = expect("s1");
        with_slash.issuer = Some("http://127.0.0.1:9/".into());
        assert!(matches!(
            validate_callback_query(
                "code=c&state=s1&iss=http%3A%2F%2F127.0.0.1%3A9",
                &with_slash
            ),
            Err(AuthError::BadRedirect(_))
        ));
        expected.issuer_required = true;
        assert!(matches!(
            validate_callback_query("code=c&state=s1", &expected),
            Err(AuthError::BadRedirect(_))
        ));
    }

    #[test]
    fn state_is_checked_first() {
        let code = validate_callback_query("code=abc&state=s1", &expect("s1")).unwrap();
        assert_eq!(code.expose_secret(), "abc");
        assert!(matches!(
            validate_callback_query("code=abc&state=s2", &expect("s1")),
            Err(AuthError::StateMismatch)
        ));
        assert!(matches!(
            validate_callback_query("code=abc", &expect("s1")),
            Err(AuthError::StateMismatch)
        ));
        assert!(matches!(
            validate_callback_query("error=access_denied&state=other", &expect("s1")),
            Err(AuthError::StateMismatch)
        ));
        match validate_callback_query(
            "error=access_denied&error_description=The+user+said+no&state=s1",
            &expect("s1"),
        ) {
            Err(AuthError::Denied { error, description }) => {
                assert_eq!(error, "access_denied");
                assert_eq!(description.as_deref(), Some("The user said no"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            validate_callback_query("state=s1", &expect("s1")),
            Err(AuthError::BadRedirect(_))
        ));
        assert!(matches!(
            validate_callback_query("code=a&code=b&state=s1", &expect("s1")),
            Err(AuthError::BadRedirect(_))
        ));
    }

    #[test]
    fn pasted_redirects() {
        assert_eq!(
            pasted_redirect_query("  http://127.0.0.1:4567/callback?code=c1&state=s1 \n").unwrap(),
            "code=c1&state=s1"
        );
        assert_eq!(
            pasted_redirect_query("?code=c1&state=s1").unwrap(),
            "code=c1&state=s1"
        );
        assert_eq!(
            pasted_redirect_query("code=c1&state=s1").unwrap(),
            "code=c1&state=s1"
        );
        assert!(
            pasted_redirect_query("http://127.0.0.1:4567/callback?error=access_denied&state=s")
                .is_ok()
        );
        let error = pasted_redirect_query("http://127.0.0.1:4567/callback?foo=SECRETISH")
            .unwrap_err()
            .to_string();
        assert!(!error.contains("SECRETISH"));
        assert!(pasted_redirect_query("").is_err());
        assert!(pasted_redirect_query("hello").is_err());
    }

    #[tokio::test]
    async fn pages_escape_html() {
        let response = page(StatusCode::OK, "<b>", "a <script>alert(1)</script> & b");
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert!(
            body.contains("a &lt;script&gt;alert(1)&lt;/script&gt; &amp; b"),
            "{body}"
        );
        assert!(body.contains("<h1>&lt;b&gt;</h1>"), "{body}");
        assert!(!body.contains("<script>"));
    }

    #[test]
    fn messages_become_sentences() {
        assert_eq!(sentence("sign-in cancelled"), "Sign-in cancelled.");
        assert_eq!(sentence("done."), "Done.");
    }
}
