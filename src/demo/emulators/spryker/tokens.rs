//! Glue's `/access-tokens` and `/refresh-tokens`: password sign-in, refresh with rotation, and
//! sign-out by revoking a refresh token (or all of them, with `mine`).
//!
//! Failed sign-ins are throttled ([`check_password`]); a locked one is answered as Spryker's
//! security blocker answers it (security-blocker-rest-api): 429, code 4401, "Too many log in
//! attempts from your address. Please wait %s minutes before trying again." with the wait
//! rounded up to whole minutes, and no `Retry-After`.

use super::{Customer, GlueError, PLATFORM, PREFIX, glue_json, parse_body};
use crate::demo::emulator_logins::{PasswordCheck, TokenProblem, check_password};
use crate::demo::http::ClientAddress;
use crate::demo::oauth::throttle::Locked;
use crate::demo::state::DemoState;
use crate::platforms::spryker::wire::{self, codes};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// `RestTokenResponseAttributes` as the specification types them (lifetimes as strings).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenAnswer {
    token_type: &'static str,
    expires_in: String,
    access_token: String,
    refresh_token: String,
    refresh_token_expires_in: String,
}

fn token_document(
    state: &DemoState,
    kind: &str,
    issued: crate::demo::emulator_logins::Issued,
) -> Response {
    let document = wire::Document {
        data: wire::Resource {
            kind: kind.to_owned(),
            id: None,
            attributes: TokenAnswer {
                token_type: "Bearer",
                expires_in: issued.expires_in.to_string(),
                access_token: issued.access_token,
                refresh_token: issued.refresh_token.unwrap_or_default(),
                refresh_token_expires_in: issued.refresh_expires_in.to_string(),
            },
            links: None,
        },
        links: Some(wire::Links::to(format!(
            "{}{PREFIX}/{kind}",
            state.base_url
        ))),
    };
    glue_json(StatusCode::CREATED, &document)
}

/// Glue's answer to a sign-in while the security blocker holds it back.
fn blocked(locked: Locked) -> GlueError {
    let minutes = locked.retry_after().as_secs().div_ceil(60).max(1);
    GlueError::new(
        StatusCode::TOO_MANY_REQUESTS,
        codes::ACCOUNT_BLOCKED,
        format!(
            "Too many log in attempts from your address. Please wait {minutes} minutes before \
             trying again."
        ),
    )
}

pub(super) async fn access_tokens(
    State(state): State<DemoState>,
    ClientAddress(client): ClientAddress,
    body: axum::body::Bytes,
) -> Response {
    let request: wire::AccessTokensRequest = match parse_body(&body) {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };
    if request.username.trim().is_empty() || request.password.is_empty() {
        return GlueError::unprocessable("username => This value should not be blank.")
            .into_response();
    }
    let password = zeroize::Zeroizing::new(request.password.clone());
    match check_password(&state, PLATFORM, &request.username, password, client).await {
        Ok(PasswordCheck::Accepted(customer)) => {
            let issued = state.emulator_logins.issue(PLATFORM, customer, true);
            token_document(&state, "access-tokens", issued)
        }
        Ok(PasswordCheck::Wrong) => GlueError::new(
            StatusCode::UNAUTHORIZED,
            codes::FAILED_TO_AUTHENTICATE,
            "Failed to authenticate user.",
        )
        .into_response(),
        Ok(PasswordCheck::Locked(locked)) => blocked(locked).into_response(),
        Err(error) => GlueError::from(error).into_response(),
    }
}

pub(super) async fn refresh_tokens(
    State(state): State<DemoState>,
    body: axum::body::Bytes,
) -> Response {
    let request: wire::RefreshTokensRequest = match parse_body(&body) {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };
    match state
        .emulator_logins
        .refresh(PLATFORM, &request.refresh_token)
    {
        Ok(issued) => token_document(&state, "refresh-tokens", issued),
        Err(TokenProblem::Unknown | TokenProblem::Expired) => GlueError::new(
            StatusCode::UNAUTHORIZED,
            codes::FAILED_TO_REFRESH,
            "Failed to refresh token.",
        )
        .into_response(),
    }
}

/// Revokes one refresh token of the signed-in customer, or all of them (`mine`). Unknown
/// tokens are not an error: the answer is 204 either way, as on Glue.
pub(super) async fn revoke_refresh_token(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    Path(id): Path<String>,
) -> Response {
    if id == "mine" {
        state.emulator_logins.end_all(PLATFORM, customer);
    } else if state.emulator_logins.refresh_owner(PLATFORM, &id) == Some(customer) {
        state.emulator_logins.end(PLATFORM, &id);
    }
    StatusCode::NO_CONTENT.into_response()
}
