//! What every connector does the same way: sending a request with the customer's token (and once
//! more with a renewed one after the shop refused it), trying a read again when the shop failed
//! temporarily, reading the answer within a size cap, reading JSON, naming network failures.

use crate::auth::TokenSource;
use crate::net::MAX_BODY_BYTES;
use crate::shop::{ShopError, ShopResult};
use reqwest::{Method, ResponseBuilderExt, StatusCode};
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::time::Duration;

/// How often a request that only reads (GET, HEAD) is tried when the shop fails temporarily
/// (connection broken before or while answering, HTTP 500/502/503/504, 429), how long to wait in
/// between, and the longest wait a `Retry-After` may ask for: asked to wait longer, shopterm
/// gives up at once and says when to try again. Writes are sent once: whether a broken write
/// reached the shop is not known, and only the caller can make repeating it safe (a reorder's
/// idempotency key). A time-out is not retried either, so a request never takes much longer
/// than [`crate::net::request_timeout`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub first_backoff: Duration,
    pub longest_wait: Duration,
}

pub const RETRY: RetryPolicy = RetryPolicy {
    attempts: 3,
    first_backoff: Duration::from_millis(250),
    longest_wait: Duration::from_secs(10),
};

impl RetryPolicy {
    /// The wait before attempt `attempt + 1` (attempts count from 1): the shop's `Retry-After`
    /// if it gave one, else a doubling backoff; `None` when no further attempt is to be made.
    pub fn wait_after(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if attempt >= self.attempts {
            return None;
        }
        let backoff = self
            .first_backoff
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)));
        let wait = retry_after.unwrap_or(backoff);
        (wait <= self.longest_wait).then_some(wait)
    }
}

/// Sends the request `build` makes for the current token (retried as [`RETRY`] says). When the
/// answer maps (through `error_of`) to [`ShopError::SessionExpired`] and the token source has a
/// different token now (refreshed, or refreshed by someone else meanwhile), the request is built
/// and sent once more. Returns a successful response, its body already read (at most
/// [`MAX_BODY_BYTES`]); every other answer becomes the error `error_of` makes of it.
pub async fn send_with_token<B, E, F>(
    tokens: &dyn TokenSource,
    build: B,
    error_of: E,
) -> ShopResult<reqwest::Response>
where
    B: Fn(&SecretString) -> reqwest::RequestBuilder,
    E: Fn(reqwest::Response) -> F,
    F: Future<Output = ShopError>,
{
    let mut renewed = false;
    loop {
        let token = tokens.bearer().await?;
        let refused = match exchange(|| Some(build(&token))).await? {
            Ok(response) => return Ok(response),
            Err(refused) => refused,
        };
        let error = error_of(refused).await;
        if error == ShopError::SessionExpired && !renewed && tokens.token_rejected(&token).await {
            renewed = true;
            continue;
        }
        return Err(error);
    }
}

/// Sends a request that needs no sign-in (retried as [`RETRY`] says); error answers become what
/// `error_of` makes of them.
pub async fn send_anonymous<E, F>(
    request: reqwest::RequestBuilder,
    error_of: E,
) -> ShopResult<reqwest::Response>
where
    E: Fn(reqwest::Response) -> F,
    F: Future<Output = ShopError>,
{
    match exchange(|| request.try_clone()).await? {
        Ok(response) => Ok(response),
        Err(refused) => Err(error_of(refused).await),
    }
}

/// One request, tried as [`RETRY`] says: `Ok(Ok)` a successful answer, `Ok(Err)` the last error
/// answer, both with their bodies read; `Err` when no answer came (or it was too large).
/// `make` builds the request afresh for each attempt (`None`: it cannot be built twice).
async fn exchange<M>(make: M) -> ShopResult<Result<reqwest::Response, reqwest::Response>>
where
    M: Fn() -> Option<reqwest::RequestBuilder>,
{
    let mut attempt = 1;
    loop {
        let Some(builder) = make() else {
            return Err(ShopError::Protocol(
                "a request could not be repeated".into(),
            ));
        };
        let (client, request) = builder.build_split();
        let request = request.map_err(network_error)?;
        let reads_only = matches!(*request.method(), Method::GET | Method::HEAD);
        let outcome = match client.execute(request).await {
            Ok(response) => read_whole(response).await,
            Err(error) => Err(Failure::from(error)),
        };
        let retry_after = match &outcome {
            Ok(response) if response.status().is_success() => None,
            Ok(response) if is_temporary(response.status()) => Some(retry_after_of(response)),
            Err(Failure::Broken(_)) => Some(None),
            _ => None,
        };
        let wait = retry_after
            .filter(|_| reads_only)
            .and_then(|asked| RETRY.wait_after(attempt, asked));
        match (wait, outcome) {
            (Some(wait), _) => {
                tracing::debug!(
                    attempt,
                    wait_ms = wait.as_millis() as u64,
                    "retrying a read"
                );
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            (None, Ok(response)) if response.status().is_success() => return Ok(Ok(response)),
            (None, Ok(response)) => return Ok(Err(response)),
            (None, Err(failure)) => return Err(failure.into_error()),
        }
    }
}

/// HTTP statuses that say "later": the shop's error, a gateway's, overload, rate limit.
pub fn is_temporary(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::INTERNAL_SERVER_ERROR
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
            | StatusCode::TOO_MANY_REQUESTS
    )
}

/// `Retry-After` of a shop's answer, in seconds ([`crate::net::retry_after`]).
pub fn retry_after_of(response: &reqwest::Response) -> Option<Duration> {
    crate::net::retry_after(response.headers())
}

/// Why no usable answer came.
enum Failure {
    /// The connection failed or broke, before or during the answer: worth another try.
    Broken(ShopError),
    /// A time-out, an answer too large: trying again would only take as long or fail the same.
    Final(ShopError),
}

impl Failure {
    fn into_error(self) -> ShopError {
        match self {
            Failure::Broken(error) | Failure::Final(error) => error,
        }
    }
}

impl From<reqwest::Error> for Failure {
    fn from(error: reqwest::Error) -> Failure {
        if error.is_timeout() {
            Failure::Final(network_error(error))
        } else {
            Failure::Broken(network_error(error))
        }
    }
}

fn too_large() -> Failure {
    Failure::Final(ShopError::Protocol(format!(
        "the answer is larger than {} MB, more than shopterm reads",
        MAX_BODY_BYTES / (1024 * 1024)
    )))
}

/// The answer with its body read into memory, at most [`MAX_BODY_BYTES`] of it (after gzip),
/// so that a connection breaking mid-answer is found here, where the request can be retried,
/// and a huge answer is refused before it fills the memory.
async fn read_whole(mut response: reqwest::Response) -> Result<reqwest::Response, Failure> {
    let (body, complete) = read_capped(&mut response, MAX_BODY_BYTES)
        .await
        .map_err(Failure::from)?;
    if !complete {
        return Err(too_large());
    }
    let mut rebuilt = http::Response::builder()
        .status(response.status())
        .version(response.version())
        .url(response.url().clone());
    if let Some(headers) = rebuilt.headers_mut() {
        *headers = response.headers().clone();
    }
    rebuilt
        .body(body)
        .map(reqwest::Response::from)
        .map_err(|e| Failure::Final(ShopError::Protocol(e.to_string())))
}

/// At most `limit` bytes of the answer's body (after gzip), streamed so that no more is ever
/// held, and whether that was all of it. A `Content-Length` above the limit reads nothing.
pub async fn read_capped(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<(Vec<u8>, bool), reqwest::Error> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Ok((Vec::new(), false));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            let room = limit - body.len();
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, false));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, true))
}

/// A failed request, with reqwest's causes. reqwest's message names the URL, which never holds a
/// secret in shopterm's requests (tokens travel in headers or bodies).
pub fn network_error(error: reqwest::Error) -> ShopError {
    let what = if error.is_timeout() {
        "the shop did not answer in time"
    } else if error.is_connect() {
        crate::shop::CANNOT_CONNECT
    } else if error.is_body() || connection_broke(&error) {
        // reqwest reports a body read through its gzip decoder as a decode error.
        "the connection broke while reading the answer"
    } else if error.is_decode() {
        // A gzip stream that ends early or is corrupt, or a charset that does not decode.
        "the answer could not be decoded"
    } else {
        "request failed"
    };
    let mut message = format!("{what}: {error}");
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    ShopError::Network(message)
}

/// Whether the connection itself failed somewhere among `error`'s causes.
fn connection_broke(error: &reqwest::Error) -> bool {
    use std::io::ErrorKind;
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe
            )
        {
            return true;
        }
        source = cause.source();
    }
    false
}

/// The body of a successful answer as `T`.
pub async fn parse_json<T: DeserializeOwned>(response: reqwest::Response) -> ShopResult<T> {
    let bytes = response.bytes().await.map_err(network_error)?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ShopError::Protocol(format!("unexpected answer: {e}")))
}
