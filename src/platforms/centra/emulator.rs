//! Centra's Checkout API, as much of it as the connector uses, served over the demo store under
//! `/centra/api/checkout`, so the tests, and `shopterm login URL/centra/api/checkout --platform
//! centra` against `shopterm demo --serve`, run without a Centra shop. Answers follow Centra's
//! "User Accounts" documentation: every answer is the regular JSON with the session `token`;
//! `loggedIn` while a customer is logged in on it; errors as `{"errors": {field: message}}` with
//! a 4xx status.
//!
//! Sessions are the demo's [`crate::demo::sessions::PlatformSessions`] (platform `centra`, no
//! refresh tokens). A token that opens no live session (unknown, logged out, or past the demo's
//! token lifetime) is answered as Centra answers a visitor: a fresh anonymous token, no
//! `loggedIn`. Anonymous tokens are not remembered; the selection is always empty.

use super::wire::{self, errors};
use crate::demo::state::DemoState;
use crate::demo::store::CustomerKey;
use crate::model::{Account, Address};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Where the demo shop serves this emulator.
pub const PREFIX: &str = "/centra/api/checkout";
const PLATFORM: &str = super::NAME;

pub fn routes() -> Router<DemoState> {
    Router::new()
        .route("/login/{email}", post(login))
        .route("/logout", post(logout))
        .route("/selection", get(selection))
}

fn json(status: StatusCode, answer: &wire::Answer) -> Response {
    match serde_json::to_vec(answer) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn error(status: StatusCode, token: String, errors: wire::Errors) -> Response {
    json(
        status,
        &wire::Answer {
            token: Some(token),
            selection: None,
            logged_in: None,
            errors: Some(errors),
        },
    )
}

/// A new visitor's token (not remembered: the emulator keeps no anonymous selections).
fn anonymous_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 24]>())
}

fn api_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(wire::TOKEN_HEADER)?
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The selection of the regular JSON; the demo's is always empty.
fn empty_selection() -> serde_json::Value {
    serde_json::json!({
        "items": [],
        "totals": {
            "itemsTotalPriceAsNumber": 0,
            "grandTotalPriceAsNumber": 0,
            "totalQuantity": 0
        }
    })
}

/// `loggedIn` for the customer: the account's name and e-mail, and the default billing address
/// (Centra keeps one address per customer) when there is one.
fn logged_in(account: Account, addresses: Vec<Address>) -> wire::LoggedIn {
    let billing = addresses.into_iter().find(|a| a.default_billing);
    let mut customer = wire::LoggedIn {
        email: account.email,
        first_name: account.first_name,
        last_name: account.last_name,
        phone_number: account.phone.unwrap_or_default(),
        ..Default::default()
    };
    if let Some(address) = billing {
        let postal = address.postal;
        customer.address1 = postal.line1;
        customer.address2 = postal.line2.unwrap_or_default();
        customer.zip_code = postal.postcode;
        customer.city = postal.city;
        customer.state = postal.region.unwrap_or_default();
        customer.country = postal.country;
        if let Some(phone) = postal.phone.filter(|p| !p.trim().is_empty()) {
            customer.phone_number = phone;
        }
    }
    customer
}

/// The regular JSON for a token with a login on it.
async fn logged_in_answer(state: &DemoState, token: String, customer: CustomerKey) -> Response {
    let found = state
        .with_store(move |s| Ok((s.account(customer)?, s.addresses(customer)?)))
        .await;
    match found {
        Ok((account, addresses)) => json(
            StatusCode::OK,
            &wire::Answer {
                token: Some(token),
                selection: Some(empty_selection()),
                logged_in: Some(logged_in(account, addresses)),
                errors: None,
            },
        ),
        Err(failure) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            token,
            wire::Errors::one("server", &failure.to_string()),
        ),
    }
}

/// The regular JSON without a login.
fn visitor_answer(token: String) -> Response {
    json(
        StatusCode::OK,
        &wire::Answer {
            token: Some(token),
            selection: Some(empty_selection()),
            logged_in: None,
            errors: None,
        },
    )
}

/// `POST login/{email}` with `{"password": …}`. 406 `password: incorrect` for a wrong password
/// and for an e-mail no customer has (the call does not tell them apart).
async fn login(
    State(state): State<DemoState>,
    Path(email): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let token = api_token(&headers)
        .map(str::to_owned)
        .unwrap_or_else(anonymous_token);
    let Ok(request) = serde_json::from_slice::<wire::LoginRequest>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            token,
            wire::Errors::one("password", "required"),
        );
    };
    if email.trim().is_empty() || request.password.is_empty() {
        return error(
            StatusCode::NOT_ACCEPTABLE,
            token,
            wire::Errors::one(errors::PASSWORD, errors::INCORRECT),
        );
    }
    let password = zeroize::Zeroizing::new(request.password.clone());
    let found = state
        .with_store(move |s| s.verify_password(email.trim(), &password))
        .await;
    match found {
        Ok(Some(customer)) => {
            // Centra puts the login on the request's session; the demo hands out a new token
            // for it (clients use whatever token an answer carries).
            let issued = state.sessions.issue(PLATFORM, customer, false);
            logged_in_answer(&state, issued.access_token, customer).await
        }
        Ok(None) => error(
            StatusCode::NOT_ACCEPTABLE,
            token,
            wire::Errors::one(errors::PASSWORD, errors::INCORRECT),
        ),
        Err(failure) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            token,
            wire::Errors::one("server", &failure.to_string()),
        ),
    }
}

/// `POST logout`: the login is removed from the token; the answer is the regular JSON without
/// `loggedIn`.
async fn logout(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    match api_token(&headers) {
        Some(token) if state.sessions.end(PLATFORM, token) => visitor_answer(token.to_owned()),
        _ => visitor_answer(anonymous_token()),
    }
}

/// `GET selection`: the regular JSON, with `loggedIn` when the token's session is live.
async fn selection(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let live = api_token(&headers)
        .and_then(|token| Some((token, state.sessions.customer(PLATFORM, token).ok()?)));
    match live {
        Some((token, customer)) => logged_in_answer(&state, token.to_owned(), customer).await,
        // Unknown, logged out or expired: the login is gone; Centra starts a new session.
        None => visitor_answer(anonymous_token()),
    }
}
