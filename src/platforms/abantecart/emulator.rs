//! AbanteCart's storefront API, as much of it as the connector uses, served over the demo store
//! under `/abantecart` (so the tests, and `shopterm login <demo>/abantecart --platform abantecart`
//! against `shopterm demo --serve`, run without an AbanteCart shop). Answers follow AbanteCart's
//! controllers (`storefront/controller/api/account/{login,logout,account}.php`,
//! `api/error/not_found.php`): their JSON bodies and their status codes, 401 for every refusal,
//! an unknown route included.
//!
//! The demo store knows customers by e-mail only, so `loginname` and `email` both take the
//! e-mail. Names are answered HTML-escaped, as AbanteCart stores them.

use super::wire::{self, fields, messages, routes};
use crate::demo::state::DemoState;
use crate::demo::store::CustomerKey;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Serialize;
use std::collections::HashMap;
use url::form_urlencoded;

/// Where the demo shop serves this emulator.
pub const PREFIX: &str = "/abantecart";
const PLATFORM: &str = super::NAME;

pub fn routes() -> Router<DemoState> {
    Router::new().route("/index.php", post(api))
}

fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// `{"error": text}`, with no `status`, as the account controllers and the error pages answer.
fn error_only(status: StatusCode, text: &str) -> Response {
    let mut answer = wire::StatusAnswer::failure(text);
    answer.status = None;
    json(status, &answer)
}

fn status_answer(success: Option<&str>, request: Option<&str>, token: Option<String>) -> Response {
    json(
        StatusCode::OK,
        &wire::StatusAnswer {
            status: Some(true),
            success: success.map(str::to_owned),
            token,
            request: request.map(str::to_owned),
            error: None,
            error_text: None,
        },
    )
}

/// The form fields of a request body (AbanteCart's `$_POST`).
struct Form(HashMap<String, String>);

impl Form {
    fn parse(body: &[u8]) -> Form {
        Form(form_urlencoded::parse(body).into_owned().collect())
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    fn take(&mut self, name: &str) -> Option<zeroize::Zeroizing<String>> {
        self.0.remove(name).map(zeroize::Zeroizing::new)
    }
}

impl Drop for Form {
    fn drop(&mut self) {
        for value in self.0.values_mut() {
            zeroize::Zeroize::zeroize(value);
        }
    }
}

/// `POST /index.php?rt=…`: the one address of the API; the route picks the controller.
async fn api(
    State(state): State<DemoState>,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> Response {
    let route = query.as_deref().and_then(|query| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "rt")
            .map(|(_, value)| value.into_owned())
    });
    let form = Form::parse(&body);
    match route.as_deref() {
        Some(routes::LOGIN) => login(&state, form).await,
        Some(routes::LOGOUT) => logout(&state, &form),
        Some(routes::ACCOUNT) => account(&state, &form).await,
        // `api/error/not_found`, which answers 401.
        _ => error_only(StatusCode::UNAUTHORIZED, messages::ROUTE_NOT_FOUND),
    }
}

/// The customer whose live session the request's `token` field names. An expired session is
/// refused like an unknown one, as AbanteCart has forgotten it.
fn session_customer(state: &DemoState, form: &Form) -> Option<CustomerKey> {
    let token = form.get(fields::TOKEN)?;
    state.sessions.customer(PLATFORM, token).ok()
}

/// `a/account/login`: with `token`, a check of that session; else a sign-in with `loginname`
/// (or, without it, `email`) and `password`.
async fn login(state: &DemoState, mut form: Form) -> Response {
    if form.get(fields::TOKEN).is_some() {
        return match session_customer(state, &form) {
            Some(_) => status_answer(None, Some(messages::AUTHORIZED), None),
            None => json(
                StatusCode::UNAUTHORIZED,
                &wire::StatusAnswer {
                    status: Some(false),
                    success: None,
                    token: None,
                    request: Some(messages::UNAUTHORIZED.to_owned()),
                    error: None,
                    error_text: None,
                },
            ),
        };
    }
    let login = form
        .take(fields::LOGINNAME)
        .or_else(|| form.take(fields::EMAIL));
    let password = form.take(fields::PASSWORD);
    let (Some(login), Some(password)) = (login, password) else {
        return json(
            StatusCode::UNAUTHORIZED,
            &wire::StatusAnswer::failure(messages::LOGIN_FAILED),
        );
    };
    let found = state
        .with_store(move |s| s.verify_password(login.trim(), &password))
        .await;
    match found {
        Ok(Some(customer)) => {
            let issued = state.sessions.issue(PLATFORM, customer, false);
            status_answer(Some("Logged in"), None, Some(issued.access_token))
        }
        Ok(None) => json(
            StatusCode::UNAUTHORIZED,
            &wire::StatusAnswer::failure(messages::LOGIN_FAILED),
        ),
        Err(error) => error_only(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string()),
    }
}

/// `a/account/logout`.
fn logout(state: &DemoState, form: &Form) -> Response {
    match (session_customer(state, form), form.get(fields::TOKEN)) {
        (Some(_), Some(token)) => {
            state.sessions.end(PLATFORM, token);
            status_answer(Some("Logged out"), None, None)
        }
        _ => json(
            StatusCode::UNAUTHORIZED,
            &wire::StatusAnswer::failure(messages::LOGOUT_FAILED),
        ),
    }
}

/// AbanteCart's `htmlspecialchars($text, ENT_COMPAT)`, which every stored text went through.
fn stored(text: &str) -> String {
    html_escape::encode_double_quoted_attribute(text).into_owned()
}

/// `a/account/account`.
async fn account(state: &DemoState, form: &Form) -> Response {
    let Some(customer) = session_customer(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    match state.with_store(move |s| s.account(customer)).await {
        Ok(account) => json(
            StatusCode::OK,
            &wire::AccountAnswer {
                title: Some("My Account".into()),
                customer_id: Some(customer.to_string()),
                firstname: Some(stored(&account.first_name)),
                lastname: Some(stored(&account.last_name)),
                email: Some(stored(&account.email)),
                information: Some(routes::EDIT.into()),
                history: Some(routes::HISTORY.into()),
                newsletter: Some(routes::LOGOUT.into()),
            },
        ),
        Err(error) => error_only(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string()),
    }
}
