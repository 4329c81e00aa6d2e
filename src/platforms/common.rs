//! What every connector does the same way: sending a request with the customer's token (and once
//! more with a renewed one after the shop refused it), reading JSON, naming network failures.

use crate::auth::TokenSource;
use crate::shop::{ShopError, ShopResult};
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use std::future::Future;

/// Sends the request `build` makes for the current token. When the answer maps (through
/// `error_of`) to [`ShopError::SessionExpired`] and the token source has a different token now
/// (refreshed, or refreshed by someone else meanwhile), the request is built and sent once more.
/// Returns a successful response; every other answer becomes the error `error_of` makes of it.
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
    let mut retried = false;
    loop {
        let token = tokens.bearer().await?;
        let response = build(&token).send().await.map_err(network_error)?;
        if response.status().is_success() {
            return Ok(response);
        }
        let error = error_of(response).await;
        if error == ShopError::SessionExpired && !retried && tokens.token_rejected(&token).await {
            retried = true;
            continue;
        }
        return Err(error);
    }
}

/// Sends a request that needs no sign-in; error answers become what `error_of` makes of them.
pub async fn send_anonymous<E, F>(
    request: reqwest::RequestBuilder,
    error_of: E,
) -> ShopResult<reqwest::Response>
where
    E: Fn(reqwest::Response) -> F,
    F: Future<Output = ShopError>,
{
    let response = request.send().await.map_err(network_error)?;
    if response.status().is_success() {
        Ok(response)
    } else {
        Err(error_of(response).await)
    }
}

/// A failed request, with reqwest's causes. reqwest's message names the URL, which never holds a
/// secret in shopterm's requests (tokens travel in headers or bodies).
pub fn network_error(error: reqwest::Error) -> ShopError {
    let what = if error.is_timeout() {
        "the shop did not answer in time"
    } else if error.is_connect() {
        "cannot connect"
    } else if error.is_decode() || error.is_body() {
        "the connection broke while reading the answer"
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

/// The body of a successful answer as `T`.
pub async fn parse_json<T: DeserializeOwned>(response: reqwest::Response) -> ShopResult<T> {
    let bytes = response.bytes().await.map_err(network_error)?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ShopError::Protocol(format!("unexpected answer: {e}")))
}
