//! Centra's Checkout API, as much of it as the connector uses, served over the demo store under
//! `/centra/api/checkout`, so the tests, and `shopterm login URL/centra/api/checkout --platform
//! centra` against `shopterm demo --serve`, run without a Centra shop. Answers follow Centra's
//! "User Accounts" documentation: every answer is the regular JSON with the session `token`;
//! `loggedIn` while a customer is logged in on it; errors as `{"errors": {field: message}}` with
//! a 4xx status (403 `accessRight: denied` without a login, 406 for refused input, 409 for an
//! e-mail another customer has).
//!
//! Centra keeps one address per customer: here it is the store's default billing address (made
//! on the first `PUT address` when the customer has none), and the login's names and phone are
//! the account's. Orders are the store's, with Centra's status codes; a reset e-mail lands in the
//! demo outbox with a link in Centra's form, `{base}/{linkUri}?id={customer}&i={key}`.
//!
//! Sessions are the demo's [`crate::demo::emulator_logins::EmulatorLogins`] (platform `centra`, no
//! refresh tokens). A token that opens no live session (unknown, logged out, or past the demo's
//! token lifetime) is answered as Centra answers a visitor: a fresh anonymous token, no
//! `loggedIn`. Anonymous tokens are not remembered, nor their selections: a logged-in customer's
//! selection, products and the payment step are in `centra_checkout.rs`.

use crate::demo::emulator_logins::{PasswordCheck, check_password};
use crate::demo::http::{ClientAddress, with_retry_after};
use crate::demo::state::DemoState;
use crate::demo::store::{CustomerKey, MAX_PAGE_LIMIT, Store};
use crate::model::{
    Account, Address, Money, OrderDetail, OrderStatus, PageRequest, PostalAddress, validate,
};
use crate::platforms::centra::wire::{self, errors};
use crate::shop::{FieldError, ShopError, ShopResult};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Where the demo shop serves this emulator.
pub const PREFIX: &str = "/centra/api/checkout";
const PLATFORM: &str = crate::platforms::centra::PLATFORM.name;

#[path = "centra_checkout.rs"]
mod checkout;

#[path = "centra_orders.rs"]
mod history;
use history::*;

pub fn routes() -> Router<DemoState> {
    Router::new()
        .route("/products", post(checkout::products))
        .route("/items/{item}", post(checkout::add_item))
        .route(
            "/lines/{line}/quantity/{n}",
            post(checkout::on_line::<true>).delete(checkout::on_line::<false>),
        )
        .route("/lines/{line}", delete(checkout::remove_line))
        .route("/payment", post(checkout::payment))
        .route("/payment-page/{id}", get(checkout::payment_page))
        .route("/payment-form", post(checkout::payment_form_sent))
        .route("/login/{email}", post(login))
        .route("/logout", post(logout))
        .route("/register", post(register))
        .route("/selection", get(selection))
        .route("/orders", post(orders))
        .route("/address", put(address))
        .route("/email", put(email))
        .route("/password", put(password))
        .route("/password-reset-email/{email}", post(password_reset_email))
        .route("/password-reset", post(password_reset))
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

/// `error` with one field's complaint, the way most of Centra's refusals read.
fn refuse(status: StatusCode, token: String, field: &str, message: &str) -> Response {
    error(status, token, wire::Errors::one(field, message))
}

/// The request's `API-Token`, or a new visitor's when it sends none.
fn visitor_token(headers: &HeaderMap) -> String {
    api_token(headers)
        .map(str::to_owned)
        .unwrap_or_else(anonymous_token)
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

/// The selection of the regular JSON for a visitor; the demo keeps no anonymous selections.
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
    let mut address = addresses
        .into_iter()
        .find(|a| a.default_billing)
        .map(|billing| wire::AddressFields::from_postal(&billing.postal))
        .unwrap_or_default();
    // The names are the account's; the address's phone wins over the account's when it has one.
    address.first_name = account.first_name;
    address.last_name = account.last_name;
    if address.phone_number.trim().is_empty() {
        address.phone_number = account.phone.unwrap_or_default();
    }
    wire::LoggedIn {
        email: account.email,
        address,
    }
}

/// The regular JSON for a token with a login on it.
async fn logged_in_answer(state: &DemoState, token: String, customer: CustomerKey) -> Response {
    let found = state
        .with_store(move |s| Ok((s.account(customer)?, s.addresses(customer)?)))
        .await;
    let selection = checkout::selection_json(state, customer).await;
    match found.and_then(|found| Ok((found, selection?))) {
        Ok(((account, addresses), selection)) => json(
            StatusCode::OK,
            &wire::Answer {
                token: Some(token),
                selection: Some(selection),
                logged_in: Some(logged_in(account, addresses)),
                errors: None,
            },
        ),
        Err(failure) => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            token,
            "server",
            &failure.to_string(),
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
/// and for an e-mail no customer has (the call does not tell them apart). Failed sign-ins are
/// throttled ([`check_password`]); Centra documents no answer for that, so a locked sign-in is
/// refused as HTTP refuses too many requests (RFC 6585 §4): 429 with `Retry-After`, in Centra's
/// error shape, `login: too many attempts`.
async fn login(
    State(state): State<DemoState>,
    ClientAddress(client): ClientAddress,
    Path(email): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let token = visitor_token(&headers);
    let Ok(request) = serde_json::from_slice::<wire::LoginRequest>(&body) else {
        return refuse(StatusCode::BAD_REQUEST, token, "password", "required");
    };
    if email.trim().is_empty() || request.password.is_empty() {
        return refuse(
            StatusCode::NOT_ACCEPTABLE,
            token,
            errors::PASSWORD,
            errors::INCORRECT,
        );
    }
    let password = zeroize::Zeroizing::new(request.password.clone());
    match check_password(&state, PLATFORM, email.trim(), password, client).await {
        Ok(PasswordCheck::Accepted(customer)) => {
            // Centra puts the login on the request's session; the demo hands out a new token
            // for it (clients use whatever token an answer carries).
            let issued = state.emulator_logins.issue(PLATFORM, customer, false);
            logged_in_answer(&state, issued.access_token, customer).await
        }
        Ok(PasswordCheck::Wrong) => refuse(
            StatusCode::NOT_ACCEPTABLE,
            token,
            errors::PASSWORD,
            errors::INCORRECT,
        ),
        Ok(PasswordCheck::Locked(locked)) => with_retry_after(
            refuse(
                StatusCode::TOO_MANY_REQUESTS,
                token,
                errors::LOGIN,
                errors::TOO_MANY_ATTEMPTS,
            ),
            locked,
        ),
        Err(failure) => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            token,
            "server",
            &failure.to_string(),
        ),
    }
}

/// `POST register` (`email`, `password`, the names in `address`): the new customer logged in on
/// a new token, the regular JSON with `loggedIn`; 409 `email: already registered`, 406
/// `password: not valid` (the store's password rule), 406 for the other refused fields, named as
/// Centra names them (`firstName`).
async fn register(
    State(state): State<DemoState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let token = visitor_token(&headers);
    let Ok(request) =
        serde_json::from_slice::<crate::platforms::centra::register::RegisterRequest>(&body)
    else {
        return refuse(StatusCode::BAD_REQUEST, token, "email", "required");
    };
    let draft = crate::model::AccountDraft {
        email: request.email.clone(),
        first_name: request.address.first_name.clone(),
        last_name: request.address.last_name.clone(),
        phone: None,
        company: None,
        company_id: None,
        vat_id: None,
    };
    let password = zeroize::Zeroizing::new(request.password.clone());
    drop(request);
    let created = state
        .with_store(move |s| s.create_customer(&draft, &password))
        .await;
    match created {
        Ok(customer) => {
            let issued = state.emulator_logins.issue(PLATFORM, customer, false);
            logged_in_answer(&state, issued.access_token, customer).await
        }
        Err(ShopError::Validation { fields, .. }) => {
            if fields
                .iter()
                .any(|f| f.field == "email" && f.message.contains("already used"))
            {
                return refuse(StatusCode::CONFLICT, token, "email", "already registered");
            }
            let centra_name = |field: &str| match field {
                "first_name" => "firstName".to_owned(),
                "last_name" => "lastName".to_owned(),
                other => other.to_owned(),
            };
            let mut refused = std::collections::BTreeMap::new();
            for field in fields {
                let message = if field.field == "password" {
                    "not valid".to_owned()
                } else {
                    field.message
                };
                refused.insert(centra_name(&field.field), message.into());
            }
            error(StatusCode::NOT_ACCEPTABLE, token, wire::Errors(refused))
        }
        Err(failure) => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            token,
            "server",
            &failure.to_string(),
        ),
    }
}

/// `POST logout`: the login is removed from the token; the answer is the regular JSON without
/// `loggedIn`.
async fn logout(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    match api_token(&headers) {
        Some(token) if state.emulator_logins.end(PLATFORM, token) => {
            visitor_answer(token.to_owned())
        }
        _ => visitor_answer(anonymous_token()),
    }
}

/// `GET selection`: the regular JSON, with `loggedIn` when the token's session is live.
async fn selection(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let live = api_token(&headers)
        .and_then(|token| Some((token, state.emulator_logins.customer(PLATFORM, token).ok()?)));
    match live {
        Some((token, customer)) => logged_in_answer(&state, token.to_owned(), customer).await,
        // Unknown, logged out or expired: the login is gone; Centra starts a new session.
        None => visitor_answer(anonymous_token()),
    }
}

/// The token's customer, or the documented 403 `accessRight: denied` for a token without a
/// login.
fn require_login(
    state: &DemoState,
    headers: &HeaderMap,
) -> Result<(String, CustomerKey), Box<Response>> {
    let live = api_token(headers).and_then(|token| {
        Some((
            token.to_owned(),
            state.emulator_logins.customer(PLATFORM, token).ok()?,
        ))
    });
    live.ok_or_else(|| {
        Box::new(refuse(
            StatusCode::FORBIDDEN,
            anonymous_token(),
            errors::ACCESS_RIGHT,
            errors::DENIED,
        ))
    })
}

/// A request body, or 400 with `{"errors": {"body": "not valid"}}`. An empty body reads as `{}`.
/// A logged-in customer's request: its token, whose login it is, and its JSON body as `T`.
fn logged_in_request<T: serde::de::DeserializeOwned>(
    state: &DemoState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(String, CustomerKey, T), Box<Response>> {
    let (token, customer) = require_login(state, headers)?;
    let request = body_of(body, &token)?;
    Ok((token, customer, request))
}

/// A visitor's request (logged in or not): its token and its body.
fn visitor_request<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(String, T), Box<Response>> {
    let token = visitor_token(headers);
    let request = body_of(body, &token)?;
    Ok((token, request))
}

fn body_of<T: serde::de::DeserializeOwned>(body: &[u8], token: &str) -> Result<T, Box<Response>> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|_| {
        Box::new(refuse(
            StatusCode::BAD_REQUEST,
            token.to_owned(),
            "body",
            "not valid",
        ))
    })
}

/// The store's field names as Centra's `loggedIn` names them.
fn centra_field(field: &str) -> &str {
    match field {
        "first_name" => "firstName",
        "last_name" => "lastName",
        "line1" => "address1",
        "line2" => "address2",
        "postcode" => "zipCode",
        "region" => "state",
        "phone" => "phoneNumber",
        other => other,
    }
}

/// Whether the store refused an e-mail another customer has.
fn email_taken(fields: &[FieldError]) -> bool {
    fields
        .iter()
        .any(|f| f.field == "email" && f.message.contains("already used"))
}

/// A store failure as Centra answers it: refused input 406 with the fields in Centra's names,
/// a taken e-mail 409 `email: already registered` (the documented answer to a taken e-mail).
fn store_error(token: String, failure: ShopError) -> Response {
    match failure {
        ShopError::Validation { fields, .. } => {
            if email_taken(&fields) {
                return refuse(StatusCode::CONFLICT, token, "email", "already registered");
            }
            let mut out = wire::Errors::default();
            for FieldError { field, message } in fields {
                out.0
                    .entry(centra_field(&field).to_owned())
                    .or_insert_with(|| message.into());
            }
            error(StatusCode::NOT_ACCEPTABLE, token, out)
        }
        ShopError::NotFound(what) => refuse(StatusCode::NOT_FOUND, token, "error", &what),
        ShopError::Conflict(what) => refuse(StatusCode::CONFLICT, token, "conflict", &what),
        other => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            token,
            "server",
            &other.to_string(),
        ),
    }
}

/// `PUT address`: the customer's one address, and their names and phone number (Centra keeps
/// them together). A body without street, postcode, city and country changes only the names
/// and phone.
async fn address(
    State(state): State<DemoState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let (token, customer, request): (_, _, wire::AddressRequest) =
        match logged_in_request(&state, &headers, &body) {
            Ok(found) => found,
            Err(refused) => return *refused,
        };
    let postal = request.to_postal("");
    let names_only = [
        &postal.line1,
        &postal.city,
        &postal.postcode,
        &postal.country,
    ]
    .iter()
    .all(|field| field.is_empty());
    let changed = state
        .with_store(move |s| {
            let mut draft = s.account(customer)?.to_draft();
            draft.first_name = postal.first_name.clone();
            draft.last_name = postal.last_name.clone();
            draft.phone = postal.phone.clone();
            // Both checked before either is written: the change is whole or not at all.
            let mut fields = validate::account(&draft);
            if !names_only {
                fields.extend(validate::address(&postal));
            }
            if !fields.is_empty() {
                return Err(ShopError::Validation {
                    message: "invalid address".into(),
                    fields,
                });
            }
            if !names_only {
                let billing = s
                    .addresses(customer)?
                    .into_iter()
                    .find(|a| a.default_billing);
                match billing {
                    Some(address) => s.update_address(customer, &address.id, &postal)?,
                    None => s.create_address(customer, &postal)?,
                };
            }
            s.update_account(customer, &draft)?;
            Ok(())
        })
        .await;
    match changed {
        Ok(()) => logged_in_answer(&state, token, customer).await,
        Err(failure) => store_error(token, failure),
    }
}

/// `PUT email` with `{"email": …}`; 409 `email: already registered` when another customer has
/// it.
async fn email(
    State(state): State<DemoState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let (token, customer, request): (_, _, wire::EmailRequest) =
        match logged_in_request(&state, &headers, &body) {
            Ok(found) => found,
            Err(refused) => return *refused,
        };
    let changed = state
        .with_store(move |s| {
            let mut draft = s.account(customer)?.to_draft();
            draft.email = request.email.trim().to_owned();
            s.update_account(customer, &draft)
        })
        .await;
    match changed {
        Ok(_) => logged_in_answer(&state, token, customer).await,
        Err(ShopError::Validation { fields, .. }) if !email_taken(&fields) => {
            refuse(StatusCode::NOT_ACCEPTABLE, token, "email", "not valid")
        }
        Err(failure) => store_error(token, failure),
    }
}

/// `PUT password` with `{"password": current, "newPassword": new}`: 406 `password: incorrect`
/// for a wrong current password, `newPassword: not valid` for one the shop does not take.
async fn password(
    State(state): State<DemoState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let (token, customer, request): (_, _, wire::PasswordRequest) =
        match logged_in_request(&state, &headers, &body) {
            Ok(found) => found,
            Err(refused) => return *refused,
        };
    let changed = state
        .with_store(move |s| s.change_password(customer, &request.password, &request.new_password))
        .await;
    match changed {
        Ok(()) => logged_in_answer(&state, token, customer).await,
        Err(ShopError::Validation { fields, .. }) => {
            error(StatusCode::NOT_ACCEPTABLE, token, password_errors(&fields))
        }
        Err(failure) => store_error(token, failure),
    }
}

/// The store's password and key complaints in Centra's terse words.
fn password_errors(fields: &[FieldError]) -> wire::Errors {
    let mut out = wire::Errors::default();
    for field in fields {
        let (name, message) = match field.field.as_str() {
            "current_password" => (errors::PASSWORD, errors::INCORRECT),
            "new_password" => ("newPassword", "not valid"),
            "key" => ("i", "not valid"),
            other => (other, "not valid"),
        };
        out.0.insert(name.to_owned(), message.into());
    }
    out
}

/// The `linkUri` of a reset request as a path under the shop's own URL: Centra sends links to
/// its configured frontend only, so anything naming another host is refused.
fn link_path(link_uri: Option<&str>) -> Option<String> {
    let uri = link_uri.map(str::trim).unwrap_or("account/password-reset");
    let path = uri.trim_matches('/');
    let plain = path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        && !path.contains("..");
    plain.then(|| path.to_owned())
}

/// `POST password-reset-email/{email}` with an optional `{"linkUri": …}`: mails a link
/// `{base}/{linkUri}?id={customer}&i={key}` to the demo outbox. Centra tells an unknown e-mail
/// apart here (406 `email: not found`), unlike `POST login/{email}`.
async fn password_reset_email(
    State(state): State<DemoState>,
    Path(email): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let (token, request): (_, wire::ResetEmailRequest) = match visitor_request(&headers, &body) {
        Ok(found) => found,
        Err(refused) => return *refused,
    };
    let Some(path) = link_path(request.link_uri.as_deref()) else {
        return refuse(StatusCode::NOT_ACCEPTABLE, token, "linkUri", "not valid");
    };
    let link = format!("{}/{path}", state.base_url);
    let sent = state
        .with_store(move |s| {
            s.send_password_reset_mail(email.trim(), |mail| {
                format!(
                    "{}\n\nsomeone (hopefully you) asked to reset the password of your account \
                     at the shopterm demo shop (Centra).\n\
                     Open this link to choose a new password:\n\n\
                     {link}?id={}&i={}\n\n\
                     If you did not ask for this, ignore this e-mail; your password stays as it \
                     is.\n",
                    mail.greeting, mail.customer, mail.key
                )
            })
        })
        .await;
    match sent {
        Ok(true) => visitor_answer(token),
        Ok(false) => refuse(StatusCode::NOT_ACCEPTABLE, token, "email", "not found"),
        Err(ShopError::Validation { .. }) => {
            refuse(StatusCode::NOT_ACCEPTABLE, token, "email", "not valid")
        }
        Err(failure) => store_error(token, failure),
    }
}

/// `POST password-reset` with `{"newPassword", "i", "id"}` from the e-mail's link: sets the
/// password and logs the customer in on the answer's token.
async fn password_reset(
    State(state): State<DemoState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let (token, request): (_, wire::ResetRequest) = match visitor_request(&headers, &body) {
        Ok(found) => found,
        Err(refused) => return *refused,
    };
    let Ok(id) = request.id.trim().parse::<CustomerKey>() else {
        return refuse(StatusCode::NOT_ACCEPTABLE, token, "id", "not valid");
    };
    let reset = state
        .with_store(move |s| s.reset_password_of(Some(id), &request.i, &request.new_password))
        .await;
    match reset {
        Ok(customer) => {
            let issued = state.emulator_logins.issue(PLATFORM, customer, false);
            logged_in_answer(&state, issued.access_token, customer).await
        }
        Err(ShopError::Validation { fields, .. }) => {
            error(StatusCode::NOT_ACCEPTABLE, token, password_errors(&fields))
        }
        Err(failure) => store_error(token, failure),
    }
}
