//! AbanteCart's storefront API, as much of it as the connector uses, served over the demo store
//! under `/abantecart` (so the tests, and `shopterm login <demo>/abantecart --platform abantecart`
//! against `shopterm demo --serve`, run without an AbanteCart shop). Answers follow AbanteCart's
//! controllers (`storefront/controller/api/account/{login,logout,account,history,edit}.php`,
//! `api/error/not_found.php`, `core/engine/controller_api.php`): their JSON bodies and their
//! status codes, 401 for every refusal, an unknown route included, 405 (no body) for a method
//! a controller does not serve.
//!
//! The demo store knows customers by e-mail only, so `loginname` and `email` both take the
//! e-mail. Texts are answered HTML-escaped, as AbanteCart stores them.
//!
//! Where AbanteCart versions differ, the emulator is a shop that pages its history: it reads
//! `page` as 1.2 did (stock controllers since 1.2.9 read it only when PHP sees an integer, which
//! a form field never is, and serve page 1), answering with 1.2's texts for numbers; its page size
//! is `config_catalog_limit`, 18 as installed. The account form validates as 1.2 to 1.4.2 did
//! (1.4.3's API checks only the telephone), with this shop's telephone pattern allowing digits,
//! spaces and `+ - ( ) / .`. The demo store has no fax and no newsletter flag: the form shows
//! them empty and unset, and a save does not keep them.

use crate::demo::emulator_logins::{PasswordCheck, check_password};
use crate::demo::http::{ClientAddress, with_retry_after};
use crate::demo::state::DemoState;
use crate::demo::store::CustomerKey;
use crate::model::validate::{EMAIL_MAX, NAME_MAX, PHONE_MAX, is_plausible_email};
use crate::model::{AccountDraft, OrderNumber, OrderStatus, PageRequest};
use crate::platforms::abantecart::money::formatted_total;
use crate::platforms::abantecart::wire::{self, fields, messages, routes};
use crate::shop::ShopError;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use std::net::IpAddr;
use url::form_urlencoded;

/// Where the demo shop serves this emulator.
pub const PREFIX: &str = "/abantecart";
const PLATFORM: &str = crate::platforms::abantecart::PLATFORM.name;
/// The shop's `config_catalog_limit`: orders per history page.
pub const HISTORY_PAGE_SIZE: u32 = 18;

pub fn routes() -> Router<DemoState> {
    Router::new().route("/index.php", post(api).get(api))
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

/// `/index.php?rt=…`: the one address of the API; the route picks the controller, the method
/// its function. A `POST`'s parameters are its form fields, a `GET`'s the query's (PHP's `$_POST`
/// and `$_GET`).
async fn api(
    State(state): State<DemoState>,
    ClientAddress(client): ClientAddress,
    method: Method,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> Response {
    let query = query.unwrap_or_default();
    let route = form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "rt")
        .map(|(_, value)| value.into_owned());
    let post = method == Method::POST;
    let form = Form::parse(if post { &body } else { query.as_bytes() });
    match (route.as_deref(), post) {
        (Some(routes::LOGIN), true) => login(&state, form, client).await,
        (Some(routes::LOGOUT), true) => logout(&state, &form),
        (Some(routes::ACCOUNT), true) => account(&state, &form).await,
        (Some(routes::HISTORY), true) => history(&state, &form).await,
        (Some(routes::EDIT), true) => save_account(&state, &form).await,
        (Some(routes::EDIT), false) => show_account_form(&state, &form).await,
        // `AControllerAPI`'s default for a method the controller does not have: 405, no body.
        (Some(routes::LOGIN | routes::LOGOUT | routes::ACCOUNT | routes::HISTORY), false) => {
            StatusCode::METHOD_NOT_ALLOWED.into_response()
        }
        // `api/error/not_found`, which answers 401.
        _ => error_only(StatusCode::UNAUTHORIZED, messages::ROUTE_NOT_FOUND),
    }
}

/// The customer whose live session the request's `token` field names. An expired session is
/// refused like an unknown one, as AbanteCart has forgotten it.
fn session_customer(state: &DemoState, form: &Form) -> Option<CustomerKey> {
    let token = form.get(fields::TOKEN)?;
    state.emulator_logins.customer(PLATFORM, token).ok()
}

/// `a/account/login`: with `token`, a check of that session; else a sign-in with `loginname`
/// (or, without it, `email`) and `password`. Failed sign-ins are throttled ([`check_password`]);
/// stock AbanteCart has no throttle, so a locked sign-in is refused as HTTP refuses too many
/// requests (RFC 6585 §4): 429 with `Retry-After`, in the controller's refusal shape
/// (`status: 0` and an `error` text saying how long to wait).
async fn login(state: &DemoState, mut form: Form, client: Option<IpAddr>) -> Response {
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
    match check_password(state, PLATFORM, login.trim(), password, client).await {
        Ok(PasswordCheck::Accepted(customer)) => {
            let issued = state.emulator_logins.issue(PLATFORM, customer, false);
            status_answer(Some("Logged in"), None, Some(issued.access_token))
        }
        Ok(PasswordCheck::Wrong) => json(
            StatusCode::UNAUTHORIZED,
            &wire::StatusAnswer::failure(messages::LOGIN_FAILED),
        ),
        Ok(PasswordCheck::Locked(locked)) => with_retry_after(
            json(
                StatusCode::TOO_MANY_REQUESTS,
                &wire::StatusAnswer::failure(&format!(
                    "Too many failed login attempts. Try again in {} s.",
                    locked.retry_after_secs()
                )),
            ),
            locked,
        ),
        Err(error) => error_only(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string()),
    }
}

/// `a/account/logout`.
fn logout(state: &DemoState, form: &Form) -> Response {
    match (session_customer(state, form), form.get(fields::TOKEN)) {
        (Some(_), Some(token)) => {
            state.emulator_logins.end(PLATFORM, token);
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

/// What the shop answers for a store failure.
fn store_failure(error: &ShopError) -> Response {
    error_only(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string())
}

/// AbanteCart's order id: the digits of the demo's order number.
fn order_id(number: &OrderNumber) -> String {
    number
        .as_str()
        .trim_start_matches(crate::demo::store::ORDER_PREFIX)
        .to_owned()
}

/// AbanteCart's stock status names (English pack) for the demo's states.
fn status_name(status: OrderStatus, label: &str) -> String {
    match status {
        OrderStatus::Pending => "Pending".into(),
        OrderStatus::Processing => "Processing".into(),
        // Not a stock status: the name a shop that ships in parts would give it.
        OrderStatus::PartiallyShipped => "Partially Shipped".into(),
        OrderStatus::Shipped => "Shipped".into(),
        OrderStatus::Delivered => "Completed".into(),
        OrderStatus::Cancelled => "Canceled".into(),
        OrderStatus::Refunded => "Refunded".into(),
        OrderStatus::Other => stored(label),
    }
}

/// `a/account/history`: the page `page` (1 when not given) of `config_catalog_limit` orders,
/// newest first. Every number but an empty history's `total_orders` is text, as 1.2's MySQL
/// rows and settings gave them.
async fn history(state: &DemoState, form: &Form) -> Response {
    let Some(customer) = session_customer(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    let asked = form
        .get(fields::PAGE)
        .map(str::trim)
        .filter(|page| !page.is_empty() && page.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_owned);
    let page: u64 = asked
        .as_deref()
        .and_then(|page| page.parse().ok())
        .unwrap_or(1);
    let request = PageRequest {
        offset: page.saturating_sub(1) * u64::from(HISTORY_PAGE_SIZE),
        ..PageRequest::first(HISTORY_PAGE_SIZE)
    };
    let found = state
        .with_store(move |s| {
            let page = s.orders(customer, &request)?;
            let account = s.account(customer)?;
            let mut rows = Vec::new();
            for summary in page.items {
                let detail = s.order(customer, &summary.number)?;
                let (first, last) = detail
                    .billing_address
                    .as_ref()
                    .map(|a| (a.first_name.clone(), a.last_name.clone()))
                    .unwrap_or_else(|| (account.first_name.clone(), account.last_name.clone()));
                rows.push(json!({
                    "order_id": order_id(&summary.number),
                    "name": stored(&format!("{first} {last}")),
                    "status": status_name(summary.status, &summary.status_label),
                    "date_added": format!(
                        "{:02}/{:02}/{}",
                        u8::from(summary.placed_at.month()),
                        summary.placed_at.day(),
                        summary.placed_at.year()
                    ),
                    "products": detail.lines.len().to_string(),
                    "total": formatted_total(summary.total),
                }));
            }
            Ok((rows, page.total.unwrap_or(0)))
        })
        .await;
    match found {
        Ok((_, 0)) => json(StatusCode::OK, &json!({"orders": [], "total_orders": 0})),
        Ok((rows, total)) => json(
            StatusCode::OK,
            &json!({
                "limit": HISTORY_PAGE_SIZE.to_string(),
                "orders": rows,
                "total_orders": total.to_string(),
                "page": asked.map_or_else(|| json!(1), |page| json!(page)),
            }),
        ),
        Err(error) => store_failure(&error),
    }
}

/// The account form's parameters: PHP's request values, escaped and trimmed as AbanteCart's
/// request object leaves them.
struct EditRequest {
    firstname: Option<String>,
    lastname: Option<String>,
    email: Option<String>,
    telephone: Option<String>,
    fax: Option<String>,
    newsletter: Option<String>,
}

impl EditRequest {
    fn of(form: &Form) -> EditRequest {
        let value = |name: &str| form.get(name).map(|v| stored(v.trim()));
        EditRequest {
            firstname: value(fields::FIRSTNAME),
            lastname: value(fields::LASTNAME),
            email: value(fields::EMAIL),
            telephone: value(fields::TELEPHONE),
            fax: value(fields::FAX),
            newsletter: value(fields::NEWSLETTER),
        }
    }
}

/// `validateEditData`'s errors by field (`firstname`, `lastname`, `email`, `telephone`, and
/// `warning`), as 1.2 to 1.4.2 check them: on the escaped text, counting characters.
fn edit_errors(request: &EditRequest) -> Vec<(&'static str, &'static str)> {
    let mut errors = Vec::new();
    let chars = |value: &Option<String>| value.as_deref().map_or(0, |v| v.chars().count());
    if !(1..=NAME_MAX).contains(&chars(&request.firstname)) {
        errors.push(("firstname", messages::FIRSTNAME_ERROR));
    }
    if !(1..=NAME_MAX).contains(&chars(&request.lastname)) {
        errors.push(("lastname", messages::LASTNAME_ERROR));
    }
    let email = request.email.as_deref().unwrap_or("");
    if chars(&request.email) > EMAIL_MAX || !is_plausible_email(email) {
        errors.push(("email", messages::EMAIL_ERROR));
    }
    let phone = request.telephone.as_deref().unwrap_or("");
    let phone_chars_ok = phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()/.".contains(c));
    if !phone.is_empty()
        && (!(3..=PHONE_MAX).contains(&chars(&request.telephone)) || !phone_chars_ok)
    {
        errors.push(("telephone", messages::TELEPHONE_ERROR));
    }
    errors
}

/// The form as `_build_response` answers it: each value from the request if it gave one, else
/// the stored customer's; with `errors` (and `status: 0`) after a refused save.
async fn account_form(
    state: &DemoState,
    customer: CustomerKey,
    request: EditRequest,
    errors: Option<Vec<(&'static str, &'static str)>>,
) -> Response {
    let account = match state.with_store(move |s| s.account(customer)).await {
        Ok(account) => account,
        Err(error) => return store_failure(&error),
    };
    let error_of = |field: &str| {
        errors.as_ref().map(|errors| {
            errors
                .iter()
                .find(|(name, _)| *name == field)
                .map(|(_, text)| (*text).to_owned())
        })
    };
    let field = |name: &str, value: String, required: Option<bool>, error: bool| wire::FormField {
        kind: Some(
            if name == fields::NEWSLETTER {
                "selectbox"
            } else {
                "input"
            }
            .to_owned(),
        ),
        name: Some(name.to_owned()),
        value: Some(value),
        required,
        // Every field the controller gives an `error` has one, `null` when fine.
        error: error.then(|| error_of(name).flatten()),
    };
    let form = wire::EditFields {
        firstname: Some(field(
            fields::FIRSTNAME,
            request
                .firstname
                .unwrap_or_else(|| stored(&account.first_name)),
            Some(true),
            true,
        )),
        lastname: Some(field(
            fields::LASTNAME,
            request
                .lastname
                .unwrap_or_else(|| stored(&account.last_name)),
            Some(true),
            true,
        )),
        email: Some(field(
            fields::EMAIL,
            request.email.unwrap_or_else(|| stored(&account.email)),
            Some(true),
            true,
        )),
        telephone: Some(field(
            fields::TELEPHONE,
            request
                .telephone
                .unwrap_or_else(|| stored(account.phone.as_deref().unwrap_or(""))),
            None,
            true,
        )),
        fax: Some(field(
            fields::FAX,
            request.fax.unwrap_or_default(),
            Some(false),
            false,
        )),
        newsletter: Some(field(
            fields::NEWSLETTER,
            request.newsletter.unwrap_or_else(|| "0".to_owned()),
            Some(false),
            false,
        )),
    };
    let answer = match &errors {
        None => wire::EditAnswer {
            fields: Some(form),
            ..Default::default()
        },
        Some(_) => wire::EditAnswer {
            status: Some(false),
            text_message: None,
            error_warning: Some(error_of("warning").flatten()),
            error_firstname: Some(error_of("firstname").flatten()),
            error_lastname: Some(error_of("lastname").flatten()),
            error_email: Some(error_of("email").flatten()),
            error_telephone: Some(error_of("telephone").flatten()),
            fields: Some(form),
        },
    };
    json(StatusCode::OK, &answer)
}

/// `GET a/account/edit`: the form with the stored values (or the query's).
async fn show_account_form(state: &DemoState, form: &Form) -> Response {
    let Some(customer) = session_customer(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    account_form(state, customer, EditRequest::of(form), None).await
}

/// `POST a/account/edit`: validates and saves, or answers the form with the errors.
async fn save_account(state: &DemoState, form: &Form) -> Response {
    let Some(customer) = session_customer(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    let request = EditRequest::of(form);
    let mut errors = edit_errors(&request);
    if errors.is_empty() {
        // The store keeps what was typed; AbanteCart's escaping is undone for it.
        let typed = |value: &Option<String>| {
            html_escape::decode_html_entities(value.as_deref().unwrap_or("")).into_owned()
        };
        let phone = typed(&request.telephone);
        let (email, first_name, last_name) = (
            typed(&request.email),
            typed(&request.firstname),
            typed(&request.lastname),
        );
        let saved = state
            .with_store(move |s| {
                let company = s.account(customer)?.company;
                let draft = AccountDraft {
                    email,
                    first_name,
                    last_name,
                    phone: Some(phone).filter(|p| !p.is_empty()),
                    company,
                };
                match s.update_account(customer, &draft) {
                    Ok(_) => Ok(Vec::new()),
                    // The store's own checks, as the controller's texts.
                    Err(ShopError::Validation { fields, .. }) => Ok(fields
                        .iter()
                        .map(|f| match f.field.as_str() {
                            "first_name" => ("firstname", messages::FIRSTNAME_ERROR),
                            "last_name" => ("lastname", messages::LASTNAME_ERROR),
                            "phone" => ("telephone", messages::TELEPHONE_ERROR),
                            _ if f.message.contains("already used") => {
                                ("warning", messages::EMAIL_EXISTS)
                            }
                            _ => ("email", messages::EMAIL_ERROR),
                        })
                        .collect()),
                    Err(error) => Err(error),
                }
            })
            .await;
        match saved {
            Ok(store_errors) => errors = store_errors,
            Err(error) => return store_failure(&error),
        }
        if errors.is_empty() {
            return json(
                StatusCode::OK,
                &wire::EditAnswer {
                    status: Some(true),
                    text_message: Some(messages::EDIT_SUCCESS.to_owned()),
                    ..Default::default()
                },
            );
        }
    }
    if !errors.iter().any(|(field, _)| *field == "warning") {
        errors.push(("warning", messages::DATA_ENTRY_ERROR));
    }
    account_form(state, customer, request, Some(errors)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_form_checks_as_the_controller_does() {
        let request = |first: &str, phone: &str| EditRequest {
            firstname: Some(stored(first)),
            lastname: Some("Doe".into()),
            email: Some("joe@shop.example".into()),
            telephone: Some(stored(phone)),
            fax: None,
            newsletter: None,
        };
        assert!(edit_errors(&request("Joe", "+49 30 1234")).is_empty());
        assert!(edit_errors(&request("Joe", "")).is_empty());
        // 32 characters, but 36 once escaped.
        let escaped = format!("{}&{}", "J".repeat(16), "D".repeat(15));
        assert_eq!(
            edit_errors(&request(&escaped, "12")),
            [
                ("firstname", messages::FIRSTNAME_ERROR),
                ("telephone", messages::TELEPHONE_ERROR)
            ]
        );
        let none = EditRequest {
            firstname: None,
            lastname: None,
            email: None,
            telephone: None,
            fax: None,
            newsletter: None,
        };
        let fields: Vec<_> = edit_errors(&none).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["firstname", "lastname", "email"]);
    }
}
