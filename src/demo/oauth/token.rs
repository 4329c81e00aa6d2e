//! `/oauth/token` (code exchange, refresh, client credentials) and `/oauth/revoke`, with their
//! RFC 6749 error answers.

use super::credentials::CustomerApiOAuthError;
use super::primitives::{FlowRequest, VerifiedCredential};
use super::{CLIENT_ID, SCOPES};
use crate::demo::state::DemoState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use oxide_auth::code_grant::accesstoken::TokenResponse;
use oxide_auth::endpoint::{NormalizedParameter, QueryParameter};
use oxide_auth::frontends::simple::endpoint::Error as FlowError;
use oxide_auth_axum::{OAuthRequest, OAuthResponse, WebError};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use url::Url;
use zeroize::Zeroizing;

/// An RFC 6749 §5.2 error at the token or revocation endpoint.
pub(super) struct TokenFailure {
    pub(super) status: StatusCode,
    pub(super) error: &'static str,
    pub(super) description: &'static str,
}

impl TokenFailure {
    pub(super) fn invalid_request(description: &'static str) -> TokenFailure {
        TokenFailure {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_request",
            description,
        }
    }

    pub(super) fn invalid_grant(description: &'static str) -> TokenFailure {
        TokenFailure {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_grant",
            description,
        }
    }

    fn invalid_client() -> TokenFailure {
        TokenFailure {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            description: "Client authentication failed",
        }
    }

    fn invalid_scope() -> TokenFailure {
        TokenFailure {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_scope",
            description: "The only scope is \"all\" (or a subset of \"account orders\")",
        }
    }

    pub(super) fn server_error() -> TokenFailure {
        TokenFailure {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            error: "server_error",
            description: "The shop had an internal error",
        }
    }

    pub(super) fn internal(error: FlowError<FlowRequest>) -> TokenFailure {
        match error {
            FlowError::OAuth(error) => tracing::error!(%error, "token flow failed"),
            FlowError::Web(error) => tracing::error!(%error, "token flow failed"),
        }
        TokenFailure::server_error()
    }

    /// RFC 6749 §5.2 body.
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "error": self.error,
            "error_description": self.description,
        });
        let mut response = (self.status, Json(body)).into_response();
        no_store(response.headers_mut());
        response
    }

    /// The Customer API's shape: `{"error", "error_description", "message", "status"}`.
    pub(super) fn into_customer_api_response(self) -> Response {
        let body = CustomerApiOAuthError {
            error: self.error.to_owned(),
            error_description: self.description.to_owned(),
            message: self.description.to_owned(),
            status: self.status.as_u16(),
        };
        let mut response = (self.status, Json(body)).into_response();
        no_store(response.headers_mut());
        response
    }
}

/// RFC 6749 §5.1: token answers must not be cached.
pub(super) fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

/// The status and parsed JSON body of oxide-auth's token answer.
async fn read_token_answer(answer: OAuthResponse) -> Result<(StatusCode, TokenResponse), ()> {
    let (parts, body) = answer.into_response().into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map_err(|_| ())?;
    let token = serde_json::from_slice::<TokenResponse>(&bytes).map_err(|_| ())?;
    Ok((parts.status, token))
}

/// Which grant a token answer is for, to explain its refusals.
#[derive(Clone, Copy)]
enum GrantKind {
    Code,
    Refresh,
}

impl GrantKind {
    fn explain(self, error: &str) -> &'static str {
        match (self, error) {
            (GrantKind::Code, "invalid_grant") => {
                "The authorization code is unknown, used or expired, or the code_verifier or \
                 redirect_uri does not match it"
            }
            (GrantKind::Refresh, "invalid_grant") => {
                "The refresh token is unknown, used, revoked or expired"
            }
            (_, "invalid_client") => "Client authentication failed",
            (_, "invalid_scope") => "The scope asked for is more than was granted",
            (_, "unsupported_grant_type") => {
                "grant_type must be authorization_code, refresh_token or client_credentials"
            }
            _ => "The request is not valid",
        }
    }
}

/// oxide-auth's token answer, with `expires_in` told exactly (it rounds the remaining time down,
/// so a 1-second token would say 0) and the `token_type` spelled as RFC 6750 does; a refusal gets
/// its `error_description`.
async fn token_answer(answer: OAuthResponse, expires_in: i64, grant: GrantKind) -> Response {
    let response = answer.into_response();
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return TokenFailure::server_error().into_response();
    };
    let Ok(mut token) = serde_json::from_slice::<TokenResponse>(&bytes) else {
        return TokenFailure::server_error().into_response();
    };
    let body = if parts.status == StatusCode::OK {
        token.expires_in = Some(expires_in);
        token.token_type = Some("Bearer".to_owned());
        token.scope = token.scope.as_deref().map(canonical_scope);
        serde_json::to_value(token)
    } else {
        let error = token.error.unwrap_or_else(|| "invalid_request".to_owned());
        Ok(serde_json::json!({
            "error_description": grant.explain(&error),
            "error": error,
        }))
    };
    let Ok(body) = body else {
        return TokenFailure::server_error().into_response();
    };
    // Keeps the status and headers (e.g. WWW-Authenticate on a 401), replaces the body.
    parts.headers.remove(header::CONTENT_LENGTH);
    let mut response = Response::from_parts(parts, axum::body::Body::from(body.to_string()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    no_store(response.headers_mut());
    response
}

/// A scope in a stable order (oxide-auth's `Scope` is a set and prints in any order).
fn canonical_scope(scope: &str) -> String {
    let mut parts: Vec<&str> = scope.split(' ').filter(|s| !s.is_empty()).collect();
    parts.sort_by_key(|part| {
        let known = SCOPES.iter().position(|s| s == part);
        (known.unwrap_or(usize::MAX), *part)
    });
    parts.dedup();
    parts.join(" ")
}

pub(super) fn param(body: &NormalizedParameter, name: &str) -> Option<String> {
    body.unique_value(name).map(Cow::into_owned)
}

/// The request and its form-encoded body, for the token and revocation endpoints; else the
/// OAuth `invalid_request` answer.
fn form_body(
    request: &Result<OAuthRequest, WebError>,
) -> Result<(&OAuthRequest, &NormalizedParameter), Box<Response>> {
    let Ok(request) = request else {
        return Err(Box::new(
            TokenFailure::invalid_request("Send at most one Authorization header").into_response(),
        ));
    };
    let body = request.body().ok_or_else(|| {
        Box::new(
            TokenFailure::invalid_request(
                "The body must be form-encoded (application/x-www-form-urlencoded)",
            )
            .into_response(),
        )
    })?;
    Ok((request, body))
}

/// `POST /oauth/token`.
pub(super) async fn token(
    State(state): State<DemoState>,
    request: Result<OAuthRequest, WebError>,
) -> Response {
    let (request, body) = match form_body(&request) {
        Ok(found) => found,
        Err(refused) => return *refused,
    };
    let expires_in = state.auth.expires_in();
    match param(body, "grant_type").as_deref() {
        Some("authorization_code") => {
            if let Err(failure) = check_code_exchange(request, body) {
                return failure.into_response();
            }
            match state.auth.exchange_code(FlowRequest::from_oauth(request)) {
                Ok(answer) => token_answer(answer, expires_in, GrantKind::Code).await,
                Err(error) => TokenFailure::internal(error).into_response(),
            }
        }
        Some("refresh_token") => {
            if request.authorization_header().is_some() {
                return TokenFailure::invalid_request(
                    "shopterm is a public client: send client_id in the body, no Authorization header",
                )
                .into_response();
            }
            let Some(refresh_token) = param(body, "refresh_token") else {
                return TokenFailure::invalid_request("refresh_token is required").into_response();
            };
            let client_id = param(body, "client_id");
            match state.auth.refresh(
                FlowRequest::from_oauth(request),
                &refresh_token,
                client_id.as_deref(),
            ) {
                Ok(answer) => token_answer(answer, expires_in, GrantKind::Refresh).await,
                Err(failure) => failure.into_response(),
            }
        }
        Some("client_credentials") => match client_credentials(&state, request).await {
            Ok(token) => {
                let mut response = Json(TokenResponse {
                    expires_in: Some(expires_in),
                    token_type: Some("Bearer".to_owned()),
                    scope: token.scope.as_deref().map(canonical_scope),
                    ..token
                })
                .into_response();
                no_store(response.headers_mut());
                response
            }
            Err(failure) => failure.into_response(),
        },
        Some(_) => TokenFailure {
            status: StatusCode::BAD_REQUEST,
            error: "unsupported_grant_type",
            description: "grant_type must be authorization_code, refresh_token or client_credentials",
        }
        .into_response(),
        None => TokenFailure::invalid_request("grant_type is required").into_response(),
    }
}

/// Refuses malformed code exchanges with `invalid_request`, so that whatever oxide-auth refuses
/// afterwards is about the grant itself (see [`Responder::CodeExchange`]).
fn check_code_exchange(
    request: &OAuthRequest,
    body: &NormalizedParameter,
) -> Result<(), TokenFailure> {
    if request.authorization_header().is_some() {
        return Err(TokenFailure::invalid_request(
            "shopterm is a public client: send client_id in the body, no Authorization header",
        ));
    }
    for (name, description) in [
        ("client_id", "client_id is required (once)"),
        ("code", "code is required (once)"),
        ("redirect_uri", "redirect_uri is required (once)"),
        ("code_verifier", "code_verifier is required (PKCE, once)"),
    ] {
        if body.unique_value(name).is_none() {
            return Err(TokenFailure::invalid_request(description));
        }
    }
    let verifier = param(body, "code_verifier").unwrap_or_default();
    // RFC 7636 §4.1: 43 to 128 characters of [A-Za-z0-9-._~].
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if !well_formed {
        return Err(TokenFailure::invalid_request(
            "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~",
        ));
    }
    if url::Url::parse(&param(body, "redirect_uri").unwrap_or_default()).is_err() {
        return Err(TokenFailure::invalid_request("redirect_uri is not a URL"));
    }
    Ok(())
}

/// The client-credentials grant for an API credential (both token endpoints). The caller has
/// checked `grant_type`.
pub(super) async fn client_credentials(
    state: &DemoState,
    request: &OAuthRequest,
) -> Result<TokenResponse, TokenFailure> {
    let Some(body) = request.body() else {
        return Err(TokenFailure::invalid_request(
            "The body must be form-encoded (application/x-www-form-urlencoded)",
        ));
    };
    if request.authorization_header().is_some() {
        return Err(TokenFailure::invalid_request(
            "Send client_id and client_secret in the form body, not in an Authorization header",
        ));
    }
    let (Some(client_id), Some(secret)) = (param(body, "client_id"), param(body, "client_secret"))
    else {
        return Err(TokenFailure::invalid_client());
    };
    let secret = Zeroizing::new(secret);
    let scope_ok = match param(body, "scope") {
        None => true,
        Some(scope) => {
            scope == "all"
                || (!scope.trim().is_empty()
                    && scope
                        .split(' ')
                        .all(|s| s.is_empty() || SCOPES.contains(&s)))
        }
    };
    if !scope_ok {
        return Err(TokenFailure::invalid_scope());
    }
    let (id, pass) = (client_id.clone(), secret.clone());
    let customer = state
        .with_store(move |store| store.verify_api_credential(&id, &pass))
        .await
        .map_err(|error| {
            tracing::error!(%error, "API credential check failed");
            TokenFailure::server_error()
        })?;
    let Some(customer) = customer else {
        tracing::info!("client credentials refused");
        return Err(TokenFailure::invalid_client());
    };
    let home = Url::parse(&state.base_url).map_err(|_| TokenFailure::server_error())?;
    let credential = VerifiedCredential {
        client_id,
        secret_sha256: Sha256::digest(secret.as_bytes()).into(),
        customer,
        home,
        scope: state.auth.registrar.scope.clone(),
    };
    let answer = state
        .auth
        .issue_for_credential(FlowRequest::from_oauth(request), credential)
        .map_err(TokenFailure::internal)?;
    match read_token_answer(answer).await {
        Ok((StatusCode::OK, token)) if token.access_token.is_some() => {
            tracing::info!(customer, "client credentials: token issued");
            Ok(token)
        }
        Ok((StatusCode::UNAUTHORIZED, _)) => Err(TokenFailure::invalid_client()),
        Ok((_, token)) if token.error.as_deref() == Some("invalid_scope") => {
            Err(TokenFailure::invalid_scope())
        }
        Ok(_) => Err(TokenFailure::invalid_request("The request was refused")),
        Err(()) => Err(TokenFailure::server_error()),
    }
}

/// `POST /oauth/revoke` (RFC 7009).
pub(super) async fn revoke(
    State(state): State<DemoState>,
    request: Result<OAuthRequest, WebError>,
) -> Response {
    let (_, body) = match form_body(&request) {
        Ok(found) => found,
        Err(refused) => return *refused,
    };
    let Some(token) = param(body, "token") else {
        return TokenFailure::invalid_request("token is required").into_response();
    };
    // The client authenticates like at the token endpoint: `shopterm` by its id alone, an API
    // credential with its secret.
    let client_id = match (param(body, "client_id"), param(body, "client_secret")) {
        (Some(client_id), None) if client_id == CLIENT_ID => client_id,
        (Some(client_id), Some(secret)) if client_id != CLIENT_ID => {
            let (id, secret) = (client_id.clone(), Zeroizing::new(secret));
            match state
                .with_store(move |store| store.verify_api_credential(&id, &secret))
                .await
            {
                Ok(Some(_)) => client_id,
                Ok(None) => return TokenFailure::invalid_client().into_response(),
                Err(error) => {
                    tracing::error!(%error, "API credential check failed");
                    return TokenFailure::server_error().into_response();
                }
            }
        }
        _ => return TokenFailure::invalid_client().into_response(),
    };
    // token_type_hint only speeds up a lookup (RFC 7009 §2.1); both kinds are searched anyway.
    match state.auth.revoke_for_client(&token, &client_id) {
        Ok(()) => {
            let mut response = StatusCode::OK.into_response();
            no_store(response.headers_mut());
            response
        }
        Err(()) => {
            TokenFailure::invalid_request("The token was not issued to this client").into_response()
        }
    }
}
