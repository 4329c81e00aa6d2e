//! Proxies on loopback between shopterm and the demo shop that break things on purpose:
//!
//! - [`KillingProxy`] (TCP) breaks the connection of an order being placed
//!   (`POST /api/customer/orders`, or another request line such as Glue's `POST
//!   /spryker/checkout`): before the request reaches the shop, or after the shop has answered
//!   (the order exists) but before the answer reaches shopterm;
//! - [`FaultProxy`] (HTTP/1.1) answers the requests a rule picks (by path prefix and method)
//!   with a [`Fault`]: error statuses with or without `Retry-After`, resets before the headers,
//!   mid-body or after the shop has answered, truncated gzip, HTML, wrong JSON types, a huge
//!   body, a stall, a redirect loop, 401;
//! - [`HookProxy`] (TCP) runs a hook before passing on chosen requests (an order placed between
//!   two order-list pages).
//!
//! Everything else passes through unchanged.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Where the proxy breaks the connection of an order request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kill {
    /// The request never reaches the shop.
    BeforeRequest,
    /// The shop receives the request and answers; the answer is thrown away.
    AfterResponse,
}

pub struct KillingProxy {
    pub base_url: String,
    /// How many order requests are still to be broken.
    remaining: Arc<AtomicUsize>,
    /// How many order requests were broken.
    broken: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for KillingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

const ORDER_REQUEST: &[u8] = b"POST /api/customer/orders ";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

impl KillingProxy {
    /// Forwards to `upstream` (host:port); the next `times` order requests are broken as `kill` says.
    pub async fn start(upstream: std::net::SocketAddr, kill: Kill, times: usize) -> KillingProxy {
        KillingProxy::start_for(upstream, ORDER_REQUEST, kill, times).await
    }

    /// The same for requests whose request line starts with `request` (`b"POST /spryker/checkout "`).
    pub async fn start_for(
        upstream: std::net::SocketAddr,
        request: &'static [u8],
        kill: Kill,
        times: usize,
    ) -> KillingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().unwrap();
        let remaining = Arc::new(AtomicUsize::new(times));
        let broken = Arc::new(AtomicUsize::new(0));
        let (r, b) = (remaining.clone(), broken.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    break;
                };
                let (r, b) = (r.clone(), b.clone());
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(upstream).await {
                        relay(client, server, request, kill, r, b).await;
                    }
                });
            }
        });
        KillingProxy {
            base_url: format!("http://{addr}"),
            remaining,
            broken,
            task,
        }
    }

    /// Order requests broken so far.
    pub fn broken(&self) -> usize {
        self.broken.load(Ordering::SeqCst)
    }

    /// Let everything through from now on.
    pub fn disarm(&self) {
        self.remaining.store(0, Ordering::SeqCst);
    }
}

/// Takes one from `remaining` if any is left.
fn take_one(remaining: &AtomicUsize) -> bool {
    remaining
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

/// HTTP/1.1 without pipelining: once an order request has gone up a connection, the next bytes
/// that come down it are that request's answer.
async fn relay(
    client: TcpStream,
    server: TcpStream,
    request: &'static [u8],
    kill: Kill,
    remaining: Arc<AtomicUsize>,
    broken: Arc<AtomicUsize>,
) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let armed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let up = {
        let (armed, broken) = (armed.clone(), broken.clone());
        async move {
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = match client_read.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                if contains(&buf[..n], request) && take_one(&remaining) {
                    match kill {
                        Kill::BeforeRequest => {
                            // Dropping the halves closes the connection.
                            broken.fetch_add(1, Ordering::SeqCst);
                            return;
                        }
                        Kill::AfterResponse => armed.store(true, Ordering::SeqCst),
                    }
                }
                if server_write.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
            let _ = server_write.shutdown().await;
        }
    };
    let down = async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match server_read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if armed.load(Ordering::SeqCst) {
                // The shop has answered the order: the answer is lost on the way.
                broken.fetch_add(1, Ordering::SeqCst);
                return;
            }
            if client_write.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = client_write.shutdown().await;
    };
    // Whichever side ends first ends the connection: both halves are dropped.
    tokio::select! {
        _ = up => {}
        _ = down => {}
    }
}

// ---------------------------------------------------------------------------------------------
// The fault-injecting proxy: an HTTP/1.1 proxy on loopback that answers chosen requests with a
// fault instead of the shop's answer (or spoils the shop's answer on the way back).
// ---------------------------------------------------------------------------------------------

use std::sync::Mutex;
use std::time::Duration;

/// What the proxy does to a request that a rule matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// An error status with an HTML body (as a gateway sends), `Retry-After: N` when given.
    Status {
        status: u16,
        retry_after: Option<u64>,
    },
    /// The connection is reset once the request has arrived, before any answer.
    ResetBeforeHeaders,
    /// The request reaches the shop and the shop answers (an account is created, deleted); then
    /// the connection to shopterm is reset before any of the answer reaches it.
    ResetAfterAnswer,
    /// The shop's answer is announced in full (`Content-Length`), half of it sent, then a reset.
    ResetMidBody,
    /// The shop's answer gzip-compressed and cut in half; the HTTP framing itself is complete.
    TruncatedGzip,
    /// `200 OK` with an HTML maintenance page.
    NotJson,
    /// The shop's JSON answer with every string turned into a number and every number and
    /// boolean into a string.
    WrongTypes,
    /// `200 OK`, JSON, `bytes` long, sent chunked (no `Content-Length` to refuse it by).
    Huge { bytes: usize },
    /// No answer for this long, then the connection is closed.
    Stall(Duration),
    /// `302 Found` back to the very same URL.
    RedirectLoop,
    /// `401 Unauthorized` with `WWW-Authenticate: Bearer error="invalid_token"`.
    Unauthorized,
    /// The shop's JSON answer with [`HOSTILE_TEXT`] appended to every string that reads as
    /// prose (names, labels, cities: see [`is_prose`]), so every printed field carries terminal
    /// payloads while ids, codes, dates, money and enumerations still parse.
    HostileText,
    /// This status with this JSON body (an error answer in a platform's own shape).
    Json { status: u16, body: String },
}

/// What a hostile shop puts into its texts: OSC 0 (window title), CSI (clear screen), OSC 52
/// (clipboard write), OSC 8 (a link), DCS, 8-bit CSI, a C1 control, bidi overrides and isolates,
/// DECALN (ESC # 8); then [`HOSTILE_MARK`], plain text that must still show.
pub const HOSTILE_TEXT: &str = "\u{1b}]0;PWNED\u{7}\u{1b}[2J\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}]8;;https://evil.example/\u{1b}\\here\u{1b}]8;;\u{1b}\\\u{1b}P1$qm\u{1b}\\\u{9b}31m\u{85}\u{202e}\u{2066}\u{1b}#8~MARK~";
pub const HOSTILE_MARK: &str = "~MARK~";

/// A string value a shop shows as text: letters of both cases, no digits and none of the
/// characters of e-mails, URLs, times and codes.
fn is_prose(text: &str) -> bool {
    text.chars().any(char::is_uppercase)
        && text.chars().any(char::is_lowercase)
        && !text
            .chars()
            .any(|c| c.is_ascii_digit() || "@/:=_".contains(c))
}

fn hostile_text(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(text) if is_prose(&text) => Value::String(format!("{text}{HOSTILE_TEXT}")),
        Value::Array(items) => Value::Array(items.into_iter().map(hostile_text).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, hostile_text(v))).collect())
        }
        other => other,
    }
}

/// Requests whose path starts with `path_prefix` (and whose method is `method`, any if `None`)
/// get `fault`; the longest matching prefix wins. A prefix with a `?` is matched against the
/// path with its query.
#[derive(Debug, Clone)]
struct Rule {
    path_prefix: String,
    method: Option<String>,
    fault: Fault,
    /// Matching requests still to pass before the fault starts (a page error mid-walk).
    passes_left: usize,
}

/// A request that reached the proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub method: String,
    pub path: String,
    /// Whether a fault answered it (else it was passed to the shop).
    pub faulted: bool,
}

/// A JSON answer that passed the proxy unchanged: the request's path and the body (without gzip).
#[derive(Debug, Clone)]
pub struct Recorded {
    pub path: String,
    pub body: Vec<u8>,
}

pub struct FaultProxy {
    pub base_url: String,
    rules: Arc<Mutex<Vec<Rule>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl FaultProxy {
    /// Forwards to `upstream`; every request passes until a rule says otherwise.
    pub async fn start(upstream: std::net::SocketAddr) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().unwrap();
        let rules: Arc<Mutex<Vec<Rule>>> = Arc::default();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let recorded: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let (r, s, k) = (rules.clone(), seen.clone(), recorded.clone());
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (r, s, k) = (r.clone(), s.clone(), k.clone());
                tokio::spawn(async move {
                    let _ = serve_one(client, upstream, &r, &s, &k).await;
                });
            }
        });
        FaultProxy {
            base_url: format!("http://{addr}"),
            rules,
            seen,
            recorded,
            task,
        }
    }

    /// The JSON answers passed through so far (a corpus of real exchanges for tests/fuzz.rs).
    pub fn recorded(&self) -> Vec<Recorded> {
        lock(&self.recorded).clone()
    }

    /// From now on, requests under `path_prefix` (with `method`, if given) get `fault`.
    pub fn inject(&self, path_prefix: &str, method: Option<&str>, fault: Fault) {
        self.inject_after(path_prefix, method, 0, fault);
    }

    /// Like [`FaultProxy::inject`], but the first `passes` matching requests still reach the
    /// shop.
    pub fn inject_after(
        &self,
        path_prefix: &str,
        method: Option<&str>,
        passes: usize,
        fault: Fault,
    ) {
        let mut rules = lock(&self.rules);
        rules.retain(|r| !(r.path_prefix == path_prefix && r.method.as_deref() == method));
        rules.push(Rule {
            path_prefix: path_prefix.to_owned(),
            method: method.map(str::to_owned),
            fault,
            passes_left: passes,
        });
    }

    /// Requests under `path_prefix` pass again; what was seen under it is forgotten.
    pub fn heal(&self, path_prefix: &str) {
        lock(&self.rules).retain(|r| r.path_prefix != path_prefix);
        lock(&self.seen).retain(|s| !s.path.starts_with(path_prefix));
    }

    /// The requests seen under `path_prefix`, in order.
    pub fn seen(&self, path_prefix: &str) -> Vec<Seen> {
        lock(&self.seen)
            .iter()
            .filter(|s| s.path.starts_with(path_prefix))
            .cloned()
            .collect()
    }

    /// The fault of the longest rule matching: a prefix with a `?` is matched against the
    /// request target with its query (AbanteCart's routes all share one path, `index.php?rt=…`).
    /// A rule with passes left lets this request through and counts it.
    fn fault_for(
        rules: &Mutex<Vec<Rule>>,
        method: &str,
        path: &str,
        target: &str,
    ) -> Option<Fault> {
        let mut rules = lock(rules);
        let rule = rules
            .iter_mut()
            .filter(|r| {
                let subject = if r.path_prefix.contains('?') {
                    target
                } else {
                    path
                };
                subject.starts_with(&r.path_prefix)
            })
            .filter(|r| r.method.as_deref().is_none_or(|m| m == method))
            .max_by_key(|r| r.path_prefix.len())?;
        if rule.passes_left > 0 {
            rule.passes_left -= 1;
            return None;
        }
        Some(rule.fault.clone())
    }
}

/// A request or an answer as it travelled: the head's lines and the (de-chunked) body.
struct Message {
    start_line: String,
    headers: Headers,
    body: Vec<u8>,
}

impl Message {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A head's header lines, as (name, value).
type Headers = Vec<(String, String)>;

/// The head of `bytes` (up to the blank line) and what follows it.
fn split_head(bytes: &[u8]) -> Option<(String, Headers, &[u8])> {
    let end = find(bytes, b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let start_line = lines.next()?.to_owned();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Some((start_line, headers, &bytes[end + 4..]))
}

/// Reads one request (head and `Content-Length` body) from the client.
async fn read_request(client: &mut TcpStream) -> Option<Message> {
    let mut bytes = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        if let Some((start_line, headers, rest)) = split_head(&bytes) {
            let mut message = Message {
                start_line,
                headers,
                body: rest.to_vec(),
            };
            let length: usize = message
                .header("content-length")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            while message.body.len() < length {
                let n = client.read(&mut buf).await.ok()?;
                if n == 0 {
                    return None;
                }
                message.body.extend_from_slice(&buf[..n]);
            }
            return Some(message);
        }
        let n = client.read(&mut buf).await.ok()?;
        if n == 0 || bytes.len() > 1024 * 1024 {
            return None;
        }
        bytes.extend_from_slice(&buf[..n]);
    }
}

/// A chunked body's content.
fn dechunk(mut bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    while let Some(line_end) = find(bytes, b"\r\n") {
        let size_text = std::str::from_utf8(&bytes[..line_end]).unwrap_or("0");
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        let end = (start + size).min(bytes.len());
        body.extend_from_slice(&bytes[start..end]);
        bytes = &bytes[(end + 2).min(bytes.len())..];
    }
    body
}

/// Sends `request` to the shop on a connection of its own and reads the whole answer.
async fn ask_upstream(upstream: std::net::SocketAddr, request: &Message) -> Option<Message> {
    let mut server = TcpStream::connect(upstream).await.ok()?;
    let mut head = format!("{}\r\n", request.start_line);
    for (name, value) in &request.headers {
        if !name.eq_ignore_ascii_case("connection") && !name.eq_ignore_ascii_case("keep-alive") {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str("Connection: close\r\n\r\n");
    server.write_all(head.as_bytes()).await.ok()?;
    server.write_all(&request.body).await.ok()?;
    let mut bytes = Vec::new();
    server.read_to_end(&mut bytes).await.ok()?;
    let (start_line, headers, rest) = split_head(&bytes)?;
    let mut answer = Message {
        start_line,
        headers,
        body: rest.to_vec(),
    };
    if answer
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        answer.body = dechunk(&answer.body);
        answer
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("transfer-encoding"));
    }
    Some(answer)
}

/// The answer's body without its gzip coding.
fn plain_body(answer: &Message) -> Vec<u8> {
    if answer
        .header("content-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("gzip"))
    {
        let mut plain = Vec::new();
        let mut decoder = flate2::read::GzDecoder::new(answer.body.as_slice());
        if std::io::Read::read_to_end(&mut decoder, &mut plain).is_ok() {
            return plain;
        }
    }
    answer.body.clone()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = std::io::Write::write_all(&mut encoder, bytes);
    encoder.finish().unwrap_or_default()
}

/// Strings become numbers; numbers and booleans become strings.
fn wrong_types(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(_) => Value::from(7),
        Value::Number(n) => Value::String(n.to_string()),
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Array(items) => Value::Array(items.into_iter().map(wrong_types).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, wrong_types(v))).collect())
        }
        Value::Null => Value::Null,
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        401 => "Unauthorized",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Whatever",
    }
}

/// An answer with `Content-Length` and `Connection: close`.
fn answer_bytes(start_line: &str, headers: &[(&str, String)], body: &[u8]) -> Vec<u8> {
    let mut head = format!("{start_line}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Closes with a TCP reset instead of an orderly close.
fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
}

/// One request on one connection (the answer says `Connection: close`).
async fn serve_one(
    mut client: TcpStream,
    upstream: std::net::SocketAddr,
    rules: &Mutex<Vec<Rule>>,
    seen: &Mutex<Vec<Seen>>,
    recorded: &Mutex<Vec<Recorded>>,
) -> Option<()> {
    let request = read_request(&mut client).await?;
    let mut words = request.start_line.split(' ');
    let method = words.next().unwrap_or_default().to_owned();
    let target = words.next().unwrap_or_default().to_owned();
    let path = target.split('?').next().unwrap_or_default().to_owned();
    let fault = FaultProxy::fault_for(rules, &method, &path, &target);
    lock(seen).push(Seen {
        method,
        path: path.clone(),
        faulted: fault.is_some(),
    });
    let json = || ("Content-Type", "application/json".to_owned());
    let bytes = match fault {
        None => {
            let answer = ask_upstream(upstream, &request).await?;
            if answer
                .header("content-type")
                .is_some_and(|t| t.contains("json"))
            {
                lock(recorded).push(Recorded {
                    path,
                    body: plain_body(&answer),
                });
            }
            let mut head = format!("{}\r\n", answer.start_line);
            for (name, value) in &answer.headers {
                if !name.eq_ignore_ascii_case("content-length")
                    && !name.eq_ignore_ascii_case("connection")
                {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
            }
            head.push_str(&format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                answer.body.len()
            ));
            let mut bytes = head.into_bytes();
            bytes.extend_from_slice(&answer.body);
            bytes
        }
        Some(Fault::Status {
            status,
            retry_after,
        }) => {
            let mut headers = vec![("Content-Type", "text/html".to_owned())];
            if let Some(seconds) = retry_after {
                headers.push(("Retry-After", seconds.to_string()));
            }
            let body = format!(
                "<html><body><h1>{status} {}</h1></body></html>",
                reason(status)
            );
            answer_bytes(
                &format!("HTTP/1.1 {status} {}", reason(status)),
                &headers,
                body.as_bytes(),
            )
        }
        Some(Fault::Unauthorized) => answer_bytes(
            "HTTP/1.1 401 Unauthorized",
            &[
                json(),
                (
                    "WWW-Authenticate",
                    "Bearer error=\"invalid_token\"".to_owned(),
                ),
            ],
            br#"{"error":"invalid_token","error_description":"The access token is not valid"}"#,
        ),
        Some(Fault::ResetBeforeHeaders) => {
            reset(client);
            return Some(());
        }
        Some(Fault::ResetAfterAnswer) => {
            ask_upstream(upstream, &request).await?;
            reset(client);
            return Some(());
        }
        Some(Fault::ResetMidBody) => {
            let answer = ask_upstream(upstream, &request).await?;
            let body = plain_body(&answer);
            let whole = answer_bytes(&answer.start_line, &[json()], &body);
            let head_length = find(&whole, b"\r\n\r\n").map_or(0, |at| at + 4);
            let half = head_length + body.len() / 2;
            client.write_all(&whole[..half]).await.ok()?;
            client.flush().await.ok()?;
            tokio::time::sleep(Duration::from_millis(20)).await;
            reset(client);
            return Some(());
        }
        Some(Fault::TruncatedGzip) => {
            let answer = ask_upstream(upstream, &request).await?;
            let mut compressed = gzip(&plain_body(&answer));
            compressed.truncate(compressed.len() / 2);
            answer_bytes(
                &answer.start_line,
                &[json(), ("Content-Encoding", "gzip".to_owned())],
                &compressed,
            )
        }
        Some(Fault::NotJson) => answer_bytes(
            "HTTP/1.1 200 OK",
            &[("Content-Type", "text/html".to_owned())],
            b"<html><body>Down for maintenance. Back soon!</body></html>",
        ),
        Some(Fault::WrongTypes) => {
            let answer = ask_upstream(upstream, &request).await?;
            let value: serde_json::Value =
                serde_json::from_slice(&plain_body(&answer)).unwrap_or_default();
            let body = serde_json::to_vec(&wrong_types(value)).unwrap_or_default();
            answer_bytes(&answer.start_line, &[json()], &body)
        }
        Some(Fault::HostileText) => {
            let answer = ask_upstream(upstream, &request).await?;
            let body = plain_body(&answer);
            let body = match serde_json::from_slice::<serde_json::Value>(&body) {
                Ok(value) => serde_json::to_vec(&hostile_text(value)).unwrap_or_default(),
                Err(_) => body,
            };
            answer_bytes(&answer.start_line, &[json()], &body)
        }
        Some(Fault::Json { status, body }) => answer_bytes(
            &format!("HTTP/1.1 {status} {}", reason(status)),
            &[json()],
            body.as_bytes(),
        ),
        Some(Fault::Huge { bytes }) => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            client.write_all(head.as_bytes()).await.ok()?;
            let chunk = vec![b'a'; 64 * 1024];
            let mut sent = 0;
            client.write_all(b"9\r\n{\"data\":\"\r\n").await.ok()?;
            while sent < bytes {
                let n = chunk.len().min(bytes - sent);
                client
                    .write_all(format!("{n:x}\r\n").as_bytes())
                    .await
                    .ok()?;
                client.write_all(&chunk[..n]).await.ok()?;
                client.write_all(b"\r\n").await.ok()?;
                sent += n;
            }
            client.write_all(b"2\r\n\"}\r\n0\r\n\r\n").await.ok()?;
            return Some(());
        }
        Some(Fault::Stall(duration)) => {
            tokio::time::sleep(duration).await;
            return Some(());
        }
        Some(Fault::RedirectLoop) => {
            answer_bytes("HTTP/1.1 302 Found", &[("Location", target.clone())], b"")
        }
    };
    client.write_all(&bytes).await.ok()?;
    let _ = client.shutdown().await;
    Some(())
}

/// What [`HookProxy`] runs before it passes a matching request on.
pub type Hook =
    Arc<dyn Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> + Send + Sync>;

/// A TCP proxy on loopback that, before passing on a request whose bytes contain `needle`, runs
/// a hook and waits for it, from the `skip + 1`-th such request on: e.g. an order placed between
/// two order-list pages, at a known place instead of by luck.
pub struct HookProxy {
    pub base_url: String,
    /// How many times the hook ran.
    hooked: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for HookProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl HookProxy {
    pub async fn start(
        upstream: std::net::SocketAddr,
        needle: &'static [u8],
        skip: usize,
        hook: Hook,
    ) -> HookProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(AtomicUsize::new(0));
        let hooked = Arc::new(AtomicUsize::new(0));
        let counter = hooked.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    break;
                };
                let (seen, hooked, hook) = (seen.clone(), counter.clone(), hook.clone());
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let (mut client_read, mut client_write) = client.into_split();
                    let (mut server_read, mut server_write) = server.into_split();
                    let up = async move {
                        let mut buf = vec![0u8; 64 * 1024];
                        loop {
                            let n = match client_read.read(&mut buf).await {
                                Ok(0) | Err(_) => break,
                                Ok(n) => n,
                            };
                            // A small GET arrives in one read on loopback.
                            if contains(&buf[..n], needle)
                                && seen.fetch_add(1, Ordering::SeqCst) >= skip
                            {
                                hook().await;
                                hooked.fetch_add(1, Ordering::SeqCst);
                            }
                            if server_write.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                        let _ = server_write.shutdown().await;
                    };
                    let down = async move {
                        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
                        let _ = client_write.shutdown().await;
                    };
                    tokio::join!(up, down);
                });
            }
        });
        HookProxy {
            base_url: format!("http://{addr}"),
            hooked,
            task,
        }
    }

    /// How many requests the hook ran before.
    pub fn hooked(&self) -> usize {
        self.hooked.load(Ordering::SeqCst)
    }
}
