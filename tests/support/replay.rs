//! A replay of exchanges recorded from a real AbanteCart (tests/fixtures/abantecart-real/, written
//! by scripts/abantecart-record): an HTTP server on loopback that answers each request with the
//! recorded answer whose method, `rt` route and form fields (in any order) match it. Exchanges
//! with the same request are answered in the order recorded, the last one again after that, so a
//! scenario run in the recorded order sees what the real shop said, state changes included.
//!
//! The recordings carry placeholders instead of secrets; they are mapped to [`PASSWORD`],
//! [`WRONG_PASSWORD`], [`API_KEY`], `replay-token-N` and the server's own origin.

use axum::body::Bytes;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What the recordings' `<password>` stands for.
pub const PASSWORD: &str = "replayed-password";
pub const WRONG_PASSWORD: &str = "replayed-wrong-password";
pub const API_KEY: &str = "replayed-api-key";

/// The recorded customer (AbanteCart's demo data).
pub const LOGIN: &str = "julidavis@abantecart.com";

/// One recorded exchange, as the recorder writes it.
#[derive(Debug, Clone, Deserialize)]
pub struct Exchange {
    pub name: String,
    pub request: RecordedRequest,
    pub response: RecordedResponse,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RecordedRequest {
    pub method: String,
    pub route: String,
    pub form: Vec<(String, String)>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RecordedResponse {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl Exchange {
    /// The answer's body as JSON (`None` for the empty bodies AbanteCart sends for unknown routes
    /// and redirects).
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.response.body).ok()
    }

    /// The form with its placeholders mapped to the replay's values.
    pub fn form(&self) -> Vec<(String, String)> {
        self.request
            .form
            .iter()
            .map(|(k, v)| (k.clone(), unplaceholder(v, "")))
            .collect()
    }
}

pub fn fixtures_dir() -> PathBuf {
    super::repo_root().join("tests/fixtures/abantecart-real")
}

/// Every recorded exchange, in the order recorded.
pub fn recorded() -> Vec<Exchange> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures/abantecart-real")
        .map(|entry| entry.expect("a fixture").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths.iter().map(|path| load(path)).collect()
}

/// The recorded exchange called `name`.
pub fn exchange(name: &str) -> Exchange {
    recorded()
        .into_iter()
        .find(|exchange| exchange.name == name)
        .unwrap_or_else(|| panic!("no recorded exchange {name}"))
}

fn load(path: &Path) -> Exchange {
    let text = std::fs::read_to_string(path).expect("a readable fixture");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `<token-3>` → `replay-token-3`, and so on for every placeholder.
fn unplaceholder(text: &str, origin: &str) -> String {
    let mut out = text
        .replace("<password>", PASSWORD)
        .replace("<wrong-password>", WRONG_PASSWORD)
        .replace("<api-key>", API_KEY)
        .replace("<origin>", origin);
    while let Some(start) = out.find("<token-") {
        let Some(len) = out[start..].find('>') else {
            break;
        };
        let number = out[start + 7..start + len].to_owned();
        out.replace_range(start..=start + len, &format!("replay-token-{number}"));
    }
    out
}

struct Replay {
    exchanges: Vec<Exchange>,
    origin: String,
    /// How many times each exchange has been served.
    served: Vec<usize>,
    /// Requests no recording matched: `METHOD route form`.
    misses: Vec<String>,
}

/// The replay server. Dropping it stops it.
pub struct ReplayServer {
    pub origin: String,
    state: Arc<Mutex<Replay>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ReplayServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ReplayServer {
    /// Serves every recorded exchange.
    pub async fn start() -> ReplayServer {
        ReplayServer::serving(recorded()).await
    }

    pub async fn serving(exchanges: Vec<Exchange>) -> ReplayServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the replay server");
        let origin = format!("http://{}", listener.local_addr().expect("its address"));
        let state = Arc::new(Mutex::new(Replay {
            served: vec![0; exchanges.len()],
            exchanges,
            origin: origin.clone(),
            misses: Vec::new(),
        }));
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        ReplayServer {
            origin,
            state,
            task,
        }
    }

    /// The shop URL to give the connector.
    pub fn shop_url(&self) -> url::Url {
        url::Url::parse(&format!("{}/", self.origin)).expect("a URL")
    }

    /// Requests that no recording matched.
    pub fn misses(&self) -> Vec<String> {
        self.state.lock().expect("replay state").misses.clone()
    }

    /// The names of the exchanges served, each once, in recorded order.
    pub fn served(&self) -> Vec<String> {
        let state = self.state.lock().expect("replay state");
        state
            .exchanges
            .iter()
            .zip(&state.served)
            .filter(|(_, n)| **n > 0)
            .map(|(e, _)| e.name.clone())
            .collect()
    }
}

fn sorted(mut form: Vec<(String, String)>) -> Vec<(String, String)> {
    form.sort();
    form
}

async fn answer(
    State(state): State<Arc<Mutex<Replay>>>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    body: Bytes,
) -> Response {
    let mut query: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let route = query
        .iter()
        .position(|(k, _)| k == "rt")
        .map(|at| query.remove(at).1)
        .unwrap_or_default();
    let mut form = query;
    if method != Method::GET {
        form.extend(url::form_urlencoded::parse(&body).into_owned());
    }
    let form = sorted(form);
    let mut state = state.lock().expect("replay state");
    let origin = state.origin.clone();
    let candidates: Vec<usize> = state
        .exchanges
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.request.method.eq_ignore_ascii_case(method.as_str())
                && e.request.route == route
                && sorted(e.form()) == form
        })
        .map(|(at, _)| at)
        .collect();
    let chosen = candidates
        .iter()
        .copied()
        .find(|at| state.served[*at] == 0)
        .or_else(|| candidates.last().copied());
    let Some(at) = chosen else {
        let miss = format!("{method} {route} {form:?}");
        state.misses.push(miss.clone());
        return (StatusCode::NOT_IMPLEMENTED, format!("no recording: {miss}")).into_response();
    };
    state.served[at] += 1;
    let recorded = state.exchanges[at].response.clone();
    let mut response = (
        StatusCode::from_u16(recorded.status).expect("a recorded status"),
        unplaceholder(&recorded.body, &origin),
    )
        .into_response();
    for (name, value) in &recorded.headers {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(unplaceholder(value, &origin)),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}
