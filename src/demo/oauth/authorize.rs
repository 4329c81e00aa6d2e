//! `/oauth/authorize` and the metadata document: the sign-in and consent steps of the
//! authorization-code flow.

use super::pages::{
    AuthorizeParams, app_name, consent_page, error_page, explain_redirect, html_answer,
    page_headers, sign_in_page, take_field,
};
use super::primitives::{FlowRequest, FlowResult};
use super::{SCOPES, WRONG_LOGIN};
use crate::demo::http::{ClientAddress, with_retry_after};
use crate::demo::state::DemoState;
use axum::Json;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use oxide_auth::endpoint::{OAuthError, OwnerConsent, Solicitation};
use oxide_auth::frontends::simple::endpoint::Error as FlowError;
use std::net::IpAddr;
use zeroize::Zeroizing;

pub(super) fn finish_authorization(result: FlowResult) -> Response {
    match result {
        Ok(answer) => {
            let mut response = answer.into_response();
            explain_redirect(response.headers_mut());
            page_headers(response.headers_mut());
            response
        }
        Err(FlowError::OAuth(OAuthError::DenySilently)) => error_page(
            StatusCode::BAD_REQUEST,
            "This sign-in link is not valid: the app is unknown, or it asked to be answered at an \
             address it may not use (only http://127.0.0.1:PORT/callback and \
             http://[::1]:PORT/callback are allowed).",
        ),
        Err(FlowError::OAuth(error)) => {
            tracing::error!(%error, "authorization flow failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The shop had an internal error.",
            )
        }
        Err(FlowError::Web(error)) => {
            tracing::error!(%error, "authorization flow failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The shop had an internal error.",
            )
        }
    }
}

/// RFC 8414.
pub(super) async fn metadata(State(state): State<DemoState>) -> Json<serde_json::Value> {
    let base = &state.base_url;
    Json(serde_json::json!({
        "issuer": base.as_ref(),
        "authorization_endpoint": format!("{base}/oauth/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "revocation_endpoint": format!("{base}/oauth/revoke"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_post"],
        "revocation_endpoint_auth_methods_supported": ["none", "client_secret_post"],
        "scopes_supported": SCOPES,
    }))
}

/// `GET /oauth/authorize`: validates the request, then shows the sign-in form.
pub(super) async fn authorize(
    State(state): State<DemoState>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = AuthorizeParams::from_query(query.as_deref().unwrap_or(""));
    let result = state.auth.authorize(
        FlowRequest::authorization(&params),
        |_: &mut FlowRequest, solicitation: Solicitation<'_>| {
            let app = app_name(&solicitation.pre_grant().client_id);
            OwnerConsent::InProgress(html_answer(sign_in_page(app, &params, "", None)))
        },
    );
    finish_authorization(result)
}

/// `POST /oauth/authorize`: the sign-in form or the consent form.
pub(super) async fn authorize_form(
    State(state): State<DemoState>,
    ClientAddress(client): ClientAddress,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let Ok(Form(mut fields)) = form else {
        return error_page(StatusCode::BAD_REQUEST, "The form could not be read.");
    };
    match take_field(&mut fields, "step").as_deref() {
        Some("sign_in") => sign_in(state, fields, client).await,
        Some("consent") => consent(state, fields),
        _ => {
            // Not one of our forms: clear anything password-like before dropping it.
            for (_, value) in &mut fields {
                drop(Zeroizing::new(std::mem::take(value)));
            }
            error_page(StatusCode::BAD_REQUEST, "The form could not be read.")
        }
    }
}

/// The sign-in form: the password is checked unless the account or the client address is locked
/// by earlier failures ([`super::throttle`]); a locked attempt gets the form again with the wait
/// named, as 429 with `Retry-After`.
pub(super) async fn sign_in(
    state: DemoState,
    mut fields: Vec<(String, String)>,
    client: Option<IpAddr>,
) -> Response {
    let email = take_field(&mut fields, "email").unwrap_or_default();
    let password = Zeroizing::new(take_field(&mut fields, "password").unwrap_or_default());
    let params = AuthorizeParams::from_pairs(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let email = email.trim().to_owned();
    let locked = state.auth.throttle.check(&email, client).err();
    let customer = if locked.is_some() || email.is_empty() || password.is_empty() {
        None
    } else {
        let (login, secret) = (email.clone(), password.clone());
        match state
            .with_store(move |store| store.verify_password(&login, &secret))
            .await
        {
            Ok(customer) => customer,
            Err(error) => {
                tracing::error!(%error, "password check failed");
                return error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "The shop had an internal error.",
                );
            }
        }
    };
    let checked = locked.is_none() && !email.is_empty() && !password.is_empty();
    drop(password);
    match (customer, locked) {
        (_, Some(locked)) => {
            tracing::warn!(retry_after = ?locked.retry_after(), "sign-in: refused while locked")
        }
        (Some(customer), None) => {
            state.auth.throttle.succeeded(&email);
            tracing::info!(customer, "sign-in: password accepted")
        }
        (None, None) => {
            if checked {
                state.auth.throttle.failed(&email, client);
            }
            tracing::info!("sign-in: wrong e-mail or password")
        }
    }
    let refusal = locked.map(|locked| locked.message());
    let auth = &state.auth;
    let result = auth.authorize(
        FlowRequest::authorization(&params),
        |_: &mut FlowRequest, solicitation: Solicitation<'_>| {
            let grant = solicitation.pre_grant();
            let app = app_name(&grant.client_id);
            let html = match customer {
                None => sign_in_page(
                    app,
                    &params,
                    &email,
                    Some(refusal.as_deref().unwrap_or(WRONG_LOGIN)),
                ),
                Some(customer) => {
                    let ticket = auth.issue_ticket(customer, &params);
                    consent_page(app, &grant.scope, &email, &params, &ticket)
                }
            };
            OwnerConsent::InProgress(html_answer(html))
        },
    );
    let mut response = finish_authorization(result);
    if let Some(locked) = locked
        && response.status() == StatusCode::OK
    {
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        response = with_retry_after(response, locked);
    }
    response
}

pub(super) fn consent(state: DemoState, mut fields: Vec<(String, String)>) -> Response {
    let ticket = take_field(&mut fields, "ticket");
    let decision = take_field(&mut fields, "decision");
    let params = AuthorizeParams::from_pairs(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let Some(customer) = ticket.and_then(|ticket| state.auth.redeem_ticket(&ticket, &params))
    else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "This sign-in page has expired or was already used.",
        );
    };
    let allow = decision.is_some_and(|d| d.eq_ignore_ascii_case("allow"));
    tracing::info!(customer, allow, "sign-in: consent answered");
    let result = state.auth.authorize(
        FlowRequest::authorization(&params),
        move |_: &mut FlowRequest, _: Solicitation<'_>| {
            if allow {
                OwnerConsent::Authorized(customer.to_string())
            } else {
                OwnerConsent::Denied
            }
        },
    );
    finish_authorization(result)
}
