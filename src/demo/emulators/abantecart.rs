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
//! a form field never is, and serve page 1), answering with 1.4.4's types (numbers for counts);
//! its page size is `config_catalog_limit`, 18 as installed. The account form validates as 1.4.4
//! does (only the telephone), with this shop's telephone pattern allowing digits, spaces and
//! `+ - ( ) / .`. The demo store has no fax and no newsletter flag: the form shows them empty
//! and unset, and a save does not keep them. An unknown route answers 1.4.4's empty 200.
//!
//! Products, cart and checkout (`api/product/*`, `api/checkout/*`) are kept per session as the
//! shop keeps them in its PHP session. Where the demo store differs from AbanteCart: a product's
//! `product_id` is the demo store's product code (AbanteCart's are numbers), a sessionless
//! product `GET` prices in the demo store's first customer's currency, the shipping methods
//! cost what the demo store charges for shipping (its prices hold the tax: no tax line), and a
//! code several brands sell stands for its first brand. Answers carry AbanteCart's full key
//! sets (its catalogue row, its order columns), with the stock installation's defaults where
//! the demo store has nothing; tests/platform_abantecart.rs checks them against the recordings
//! of a real 1.4.4.

use crate::demo::emulator_logins::{PasswordCheck, check_password};
use crate::demo::http::{ClientAddress, with_retry_after};
use crate::demo::state::DemoState;
use crate::demo::store::CustomerKey;
use crate::model::validate::PHONE_MAX;
use crate::model::{
    AccountDraft, AddressId, Availability, Currency, Money, NewOrder, NewOrderLine, OrderNumber,
    OrderStatus, PageRequest, Product, ProductCode, ProductQuery,
};
use crate::platforms::abantecart::money::formatted_total;
use crate::platforms::abantecart::register;
use crate::platforms::abantecart::storefront;
use crate::platforms::abantecart::wire::{self, fields, messages, routes};
use crate::shop::ShopError;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Serialize;
use serde_json::{Value, json};
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
        (Some(register::CREATE), true) => create_account(&state, &form).await,
        (Some(register::CREATE), false) => json(StatusCode::OK, &create_form(&form, None)),
        (Some(storefront::routes::PRODUCT), false) => product(&state, &form).await,
        (Some(storefront::routes::QUANTITY), false) => quantity(&state, &form).await,
        (Some(storefront::routes::CART), true) => cart(&state, &form).await,
        (Some(storefront::routes::ADDRESS), true) => checkout_address(&state, &form).await,
        (Some(storefront::routes::SHIPPING), true) => checkout_shipping(&state, &form).await,
        (Some(storefront::routes::PAYMENT), true) => checkout_payment(&state, &form).await,
        (Some(storefront::routes::CONFIRM), true) => checkout_confirm(&state, &form).await,
        (Some(storefront::routes::PROCESS), true) => checkout_process(&state, &form).await,
        // `AControllerAPI`'s default for a method the controller does not have: 405, no body.
        (
            Some(
                routes::LOGIN
                | routes::LOGOUT
                | routes::ACCOUNT
                | routes::HISTORY
                | storefront::routes::PRODUCT
                | storefront::routes::QUANTITY
                | storefront::routes::CART
                | storefront::routes::ADDRESS
                | storefront::routes::SHIPPING
                | storefront::routes::PAYMENT
                | storefront::routes::CONFIRM
                | storefront::routes::PROCESS,
            ),
            _,
        ) => StatusCode::METHOD_NOT_ALLOWED.into_response(),
        // 1.4.4's router builds `error/ajaxerror/not_found`, which the API has no controller
        // for: an empty 200 (older shops answer 401 "Requested Route was not found!").
        _ => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "",
        )
            .into_response(),
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
        // `customer_id` is an integer on 1.4.4 (the wire type reads text too, for 1.2).
        Ok(account) => json(
            StatusCode::OK,
            &json!({
                "title": "My Account",
                "customer_id": customer,
                "firstname": stored(&account.first_name),
                "lastname": stored(&account.last_name),
                "email": stored(&account.email),
                "information": routes::EDIT,
                "history": routes::HISTORY,
                "newsletter": routes::LOGOUT,
            }),
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
/// newest first. The counts are numbers, as 1.4.4 sends them; `order_id` is text.
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
                    "products": detail.lines.len(),
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
                "limit": HISTORY_PAGE_SIZE,
                "orders": rows,
                "total_orders": total,
                "page": page,
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

/// `validateEditData`'s errors by field, as 1.4.4 checks them (a real 1.4.4 answered so, see
/// tests/fixtures/abantecart-real/): only the telephone, which must be given (3 to 32
/// characters of the shop's pattern); names and e-mail are not checked by the controller (the
/// demo store still refuses what it cannot keep, named per field).
fn edit_errors(request: &EditRequest) -> Vec<(&'static str, &'static str)> {
    let mut errors = Vec::new();
    let phone = request.telephone.as_deref().unwrap_or("");
    let phone_chars_ok = phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()/.".contains(c));
    if !(3..=PHONE_MAX).contains(&phone.chars().count()) || !phone_chars_ok {
        errors.push(("telephone", messages::TELEPHONE_ERROR));
    }
    errors
}

/// `a/account/create`'s form as the controller's `get()` builds it (the shape recorded from a real
/// 1.4.4, tests/fixtures/abantecart-real/9xx-signup-*): every field with the value posted (`null`
/// when none) and its `error` as the controller fills it in (its slips kept: the login name shows
/// the first name's error, the zone and both passwords the last name's); after a refused `POST`,
/// `status` 0 with `errors` (field → text) and the `error_*` copies. Unlike the real shop the
/// emulator does not echo the passwords (`""`). The country list is the demo store's countries
/// under AbanteCart's ids.
fn create_form(form: &Form, errors: Option<&[(&'static str, &'static str)]>) -> Value {
    let error_of = |name: &str| {
        errors
            .and_then(|errors| errors.iter().find(|(field, _)| *field == name))
            .map_or(Value::Null, |(_, text)| Value::from(*text))
    };
    let posted = |name: &str| form.get(name).map_or(Value::Null, Value::from);
    let input = |name: &str, required: bool, error_from: Option<&str>| {
        let mut field = json!({"type": "input", "name": name, "value": posted(name)});
        if let Value::Object(map) = &mut field {
            // The controller gives the telephone an error but no `required`, the optional
            // fields neither.
            if name != register::fields::TELEPHONE {
                map.insert("required".into(), Value::from(required));
            }
            if let Some(from) = error_from {
                map.insert("error".into(), error_of(from));
            }
        }
        field
    };
    let password = |name: &str| {
        let value = form.get(name).map_or(Value::Null, |_| Value::from(""));
        json!({"type": "password", "name": name, "value": value, "required": true,
               "error": error_of("lastname")})
    };
    let mut answer = json!({
        "fields": {
            "loginname": input("loginname", true, Some("firstname")),
            "firstname": input("firstname", true, Some("firstname")),
            "lastname": input("lastname", true, Some("lastname")),
            "email": input("email", true, Some("email")),
            "telephone": input("telephone", false, Some("telephone")),
            "fax": input("fax", false, None),
            "company": input("company", false, None),
            "address_1": input("address_1", true, Some("address_1")),
            "address_2": input("address_2", false, None),
            "city": input("city", true, Some("city")),
            "postcode": input("postcode", false, None),
            "country_id": {
                "type": "selectbox", "name": "country_id",
                "options": {"FALSE": " --- Please Select --- ", "81": "Germany",
                            "107": "Japan", "203": "Sweden", "223": "United States"},
                "value": form.get("country_id").unwrap_or("223"),
                "required": true, "error": error_of("country_id"),
            },
            "zone_id": {"type": "selectbox", "name": "zone_id", "required": true,
                        "value": posted("zone_id"), "error": error_of("lastname")},
            "password": password(register::fields::PASSWORD),
            "confirm": password(register::fields::CONFIRM),
            "newsletter": {"type": "radio", "name": "newsletter",
                           "value": form.get("newsletter").map_or(Value::from(-1), Value::from),
                           "options": {"1": "Yes", "0": "No"}},
            "agree": {"type": "checkbox", "name": "agree", "value": 1, "checked": null},
        },
        "text_agree": "I have read and agree to the",
    });
    if let (Some(errors), Value::Object(map)) = (errors, &mut answer) {
        let by_field: serde_json::Map<String, Value> = errors
            .iter()
            .map(|(name, text)| ((*name).to_owned(), Value::from(*text)))
            .collect();
        map.insert("status".into(), Value::from(0));
        map.insert("errors".into(), Value::Object(by_field.clone()));
        for (key, field) in [
            ("error_warning", "warning"),
            ("error_loginname", "loginname"),
            ("error_firstname", "firstname"),
            ("error_lastname", "lastname"),
            ("error_email", "email"),
            ("error_telephone", "telephone"),
            ("error_password", "password"),
            ("error_confirm", "confirm"),
            ("error_address_1", "address_1"),
            ("error_city", "city"),
            ("error_country", "country"),
            ("error_zone", "zone"),
        ] {
            map.insert(
                key.into(),
                by_field.get(field).cloned().unwrap_or(Value::Null),
            );
        }
    }
    answer
}

/// `POST a/account/create`, as `validateRegistrationData` checks it (e-mail unique, telephone
/// 3 to 32 characters of the phone pattern, password 4 to 20 equal to `confirm`), then the
/// store's account and password rules, refusals worded as the controller's texts. HTTP 200
/// either way.
async fn create_account(state: &DemoState, form: &Form) -> Response {
    let text = |name: &str| {
        html_escape::decode_html_entities(form.get(name).unwrap_or("").trim()).into_owned()
    };
    let password = zeroize::Zeroizing::new(
        form.get(register::fields::PASSWORD)
            .unwrap_or("")
            .to_owned(),
    );
    let mut errors: Vec<(&'static str, &'static str)> = Vec::new();
    let phone = text(register::fields::TELEPHONE);
    let phone_chars_ok = phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()/.".contains(c));
    if !(3..=32).contains(&phone.chars().count()) || !phone_chars_ok {
        errors.push(("telephone", register::messages::TELEPHONE));
    }
    if !(4..=20).contains(&password.chars().count()) {
        errors.push(("password", register::messages::PASSWORD));
    }
    if form.get(register::fields::CONFIRM).unwrap_or("") != password.as_str() {
        errors.push(("confirm", register::messages::CONFIRM));
    }
    if errors.is_empty() {
        let draft = AccountDraft {
            email: text(register::fields::EMAIL),
            first_name: text(register::fields::FIRSTNAME),
            last_name: text(register::fields::LASTNAME),
            phone: Some(phone),
            company: None,
        };
        let created = state
            .with_store(move |s| match s.create_customer(&draft, &password) {
                Ok(_) => Ok(Vec::new()),
                Err(ShopError::Validation { fields, .. }) => Ok(fields
                    .iter()
                    .map(|f| match f.field.as_str() {
                        "first_name" => ("firstname", messages::FIRSTNAME_ERROR),
                        "last_name" => ("lastname", messages::LASTNAME_ERROR),
                        "phone" => ("telephone", register::messages::TELEPHONE),
                        "password" => ("password", register::messages::PASSWORD),
                        _ if f.message.contains("already used") => {
                            ("email", register::messages::EMAIL_EXISTS)
                        }
                        _ => ("email", messages::EMAIL_ERROR),
                    })
                    .collect()),
                Err(error) => Err(error),
            })
            .await;
        match created {
            Ok(store_errors) => errors = store_errors,
            Err(error) => return store_failure(&error),
        }
        // The demo's login names are the e-mails: a taken e-mail is a taken login name too,
        // which the real shop names first.
        if errors.contains(&("email", register::messages::EMAIL_EXISTS))
            && form.get(register::fields::LOGINNAME).is_some()
        {
            errors.insert(0, ("loginname", register::messages::LOGINNAME_TAKEN));
        }
        if errors.is_empty() {
            return json(
                StatusCode::OK,
                &json!({
                    "mail_template_data": {
                        "store_name": "shopterm demo",
                        "login_url": "index.php?rt=account/login",
                    },
                    "status": 1,
                    "text_message": register::messages::SUCCESS,
                }),
            );
        }
    }
    json(StatusCode::OK, &create_form(form, Some(&errors)))
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

// --- Products, cart and checkout (`api/product/{product,quantity}.php`, `api/checkout/*.php`) ---

/// One session's cart and checkout steps, as AbanteCart keeps them in the PHP session.
#[derive(Default)]
struct Checkout {
    /// Product code and quantity, in the order added.
    lines: Vec<(String, u32)>,
    shipping_address: Option<AddressId>,
    payment_address: Option<AddressId>,
    /// The listed shipping methods and the selected one.
    shipping_listed: bool,
    shipping_method: Option<String>,
    payment_method: Option<String>,
    comment: Option<String>,
    /// `confirm` ran and `process` has not yet.
    confirmed: bool,
    /// Placed orders, for the idempotency key of the next.
    placed: u32,
}

/// The sessions' checkouts by token (the emulator's `$_SESSION`).
static CHECKOUTS: std::sync::LazyLock<std::sync::Mutex<HashMap<String, Checkout>>> =
    std::sync::LazyLock::new(Default::default);

fn with_checkout<T>(token: &str, f: impl FnOnce(&mut Checkout) -> T) -> T {
    let mut all = CHECKOUTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    f(all.entry(token.to_owned()).or_default())
}

/// The shipping methods as the stock extensions quote them (recorded from a real 1.4.4): local
/// delivery first, "Free", then a flat rate of 2 in the cart's currency. The connector takes
/// the first; the confirmation charges what the demo store charges for shipping (its fee does
/// not depend on the method).
const LOCAL_DELIVERY: &str = "default_local_delivery.default_local_delivery";
/// The stock flat-rate extension's default cost, as the real shop quotes it.
const FLAT_RATE_COST: rust_decimal::Decimal = rust_decimal::Decimal::from_parts(2, 0, 0, false, 0);
const PAYMENT_METHOD: &str = "default_cod";

/// The product's price and stock in the shop's default currency (without a session, as a `GET`
/// cannot carry the token safely: the demo store's first customer's currency).
async fn product_of(state: &DemoState, customer: CustomerKey, code: &str) -> Option<Product> {
    let query = ProductQuery {
        codes: vec![ProductCode(code.to_owned())],
        brand: None,
    };
    state
        .with_store(move |s| s.products(customer, &query))
        .await
        .ok()?
        .into_iter()
        .next()
}

/// The customer whose currency a sessionless `GET` prices in.
const DEFAULT_PRICING_CUSTOMER: CustomerKey = 1;

fn product_error(text: &str) -> Response {
    json(StatusCode::OK, &json!({ "Error": text }))
}

/// The product a product route's `product_id` names, or the controllers' refusal.
async fn requested_product(state: &DemoState, form: &Form) -> Result<Product, Response> {
    let Some(code) = form
        .get(storefront::fields::PRODUCT_ID)
        .filter(|c| !c.trim().is_empty())
    else {
        return Err(product_error("Missing or incorrect format product ID"));
    };
    product_of(state, DEFAULT_PRICING_CUSTOMER, code.trim())
        .await
        .ok_or_else(|| product_error("No product found"))
}

/// `GET a/product/product`: the product by `product_id` (the demo store's product code).
async fn product(state: &DemoState, form: &Form) -> Response {
    let found = match requested_product(state, form).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let left = stock_left(&found.availability);
    let mut row = catalogue_row(&found);
    let listed = [
        ("language_id", json!("1")),
        ("store_id", json!("0")),
        ("title", json!("Centimeter")),
        ("unit", json!("cm")),
        ("manufacturer", json!(stored(&found.brand))),
        ("stock_status", Value::Null),
        ("length_class_name", json!("cm")),
        ("rating", Value::Null),
        ("final_price", json!(format!("{:.12}", found.price.amount))),
        ("thumbnail", json!("")),
        ("special", json!(false)),
        ("discounts", json!([])),
        ("product_price", json!(format!("{:.4}", found.price.amount))),
        ("stock", json!((left > 0).then(|| left.to_string()))),
        ("options", json!([])),
        ("text_stars", json!("0 out of 5 Stars!")),
        ("stars", json!("0 out of 5 Stars!")),
        ("average", json!(0)),
        ("tags", json!([])),
    ];
    row.extend(listed.map(|(key, value)| (key.to_owned(), value)));
    json(StatusCode::OK, &Value::Object(row))
}

/// A product as `model_catalog_product->getProduct` reads it from AbanteCart's tables: what the
/// demo store has (code, name, price) in its places, the stock installation's defaults in the
/// columns it lacks (weights, dates, tax class, shipping flags).
fn catalogue_row(found: &Product) -> serde_json::Map<String, Value> {
    let text = |value: &str| json!(value);
    let columns = [
        ("product_id", json!(found.code.0)),
        ("model", json!(stored(&found.code.0))),
        ("sku", text("")),
        ("location", text("")),
        ("stock_checkout", text("")),
        ("stock_status_id", text("1")),
        ("manufacturer_id", text("1")),
        ("shipping", text("1")),
        ("ship_individually", text("0")),
        ("free_shipping", text("0")),
        ("shipping_price", text("0.0000")),
        ("price", json!(formatted_total(found.price))),
        ("tax_class_id", text("0")),
        ("date_available", text("2024-01-01")),
        ("weight", text("0.00")),
        ("weight_class_id", text("2")),
        ("length", text("0.00")),
        ("width", text("0.00")),
        ("height", text("0.00")),
        ("length_class_id", text("1")),
        ("status", text("1")),
        ("viewed", text("0")),
        ("sort_order", text("0")),
        ("subtract", text("1")),
        ("minimum", text("1")),
        ("maximum", text("0")),
        ("cost", text("0.0000")),
        ("call_to_order", text("0")),
        ("supplier_code", Value::Null),
        ("supplier_id", Value::Null),
        ("settings", Value::Null),
        ("date_added", text("2024-01-01 00:00:00")),
        ("date_modified", text("2024-01-01 00:00:00")),
        ("name", json!(stored(&found.name))),
        ("meta_keywords", text("")),
        ("meta_description", text("")),
        ("description", text("")),
        ("blurb", text("")),
    ];
    columns
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
}

fn stock_left(availability: &Availability) -> u32 {
    match availability {
        Availability::InStock { quantity } => quantity.unwrap_or(1000),
        Availability::OutOfStock | Availability::Discontinued => 0,
    }
}

/// `GET a/product/quantity`: the product's stock.
async fn quantity(state: &DemoState, form: &Form) -> Response {
    let found = match requested_product(state, form).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let left = stock_left(&found.availability);
    json(
        StatusCode::OK,
        &json!({"quantity": left.to_string(), "stock_status": Value::Null}),
    )
}

/// The session's customer and token (without them every checkout route answers 401).
fn checkout_session(state: &DemoState, form: &Form) -> Option<(CustomerKey, String)> {
    Some((
        session_customer(state, form)?,
        form.get(fields::TOKEN)?.to_owned(),
    ))
}

/// The cart's lines priced for the customer: `(code, name, quantity, in stock, unit price)`.
async fn priced_lines(
    state: &DemoState,
    customer: CustomerKey,
    lines: Vec<(String, u32)>,
) -> Vec<(String, String, u32, bool, Money)> {
    let mut priced = Vec::new();
    for (code, quantity) in lines {
        if let Some(found) = product_of(state, customer, &code).await {
            let in_stock = found.availability.can_supply(quantity);
            priced.push((code, found.name, quantity, in_stock, found.price));
        }
    }
    priced
}

fn total_of(lines: &[(String, String, u32, bool, Money)]) -> Option<Money> {
    let currency = lines.first()?.4.currency;
    let amount = lines
        .iter()
        .map(|(_, _, quantity, _, price)| price.amount * rust_decimal::Decimal::from(*quantity))
        .sum();
    Some(Money { amount, currency })
}

/// The order totals as AbanteCart lists them (`converted`: the amount in the display currency,
/// 0 for the subtotal as 1.4.4 answers it); with `shipping`, the chosen method's line and what
/// the demo store charges for it (its prices hold the tax: no tax line).
fn totals_json(subtotal: Option<Money>, shipping: Option<(&str, Money)>) -> Value {
    let Some(subtotal) = subtotal else {
        return json!(0);
    };
    let number = |money: Money| money.amount.to_string().parse::<f64>().unwrap_or(0.0);
    let mut total = subtotal;
    let mut lines = vec![json!({"id": "subtotal", "title": "Sub-Total:",
         "text": formatted_total(subtotal), "converted": 0, "value": number(subtotal),
         "sort_order": "1", "total_type": "subtotal"})];
    if let Some((method, charge)) = shipping {
        total.amount += charge.amount;
        lines.push(json!({"id": "shipping", "title": format!("{method}:"),
            "text": formatted_total(charge), "value": "", "sort_order": "3",
            "total_type": "shipping"}));
    }
    lines.push(
        json!({"id": "total", "title": "Total:", "text": formatted_total(total),
         "converted": number(total), "value": number(total), "sort_order": 1000,
         "total_type": "total"}),
    );
    Value::Array(lines)
}

/// `POST a/checkout/cart`: add (one product, or `products[i][…]`), `remove[key]`, `remove_all`;
/// answers the cart.
async fn cart(state: &DemoState, form: &Form) -> Response {
    let Some((customer, token)) = checkout_session(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    let mut added: Vec<(String, u32)> = Vec::new();
    let quantity_of = |text: Option<&str>| text.and_then(|q| q.trim().parse::<u32>().ok());
    if let (Some(id), Some(quantity)) = (
        form.get(storefront::fields::PRODUCT_ID),
        quantity_of(form.get("quantity")),
    ) {
        added.push((id.trim().to_owned(), quantity));
    }
    for at in 0.. {
        let Some(id) = form.get(&format!("products[{at}][product_id]")) else {
            break;
        };
        let quantity = quantity_of(form.get(&format!("products[{at}][quantity]"))).unwrap_or(1);
        added.push((id.trim().to_owned(), quantity));
    }
    let removed: Vec<String> = form
        .0
        .keys()
        .filter_map(|k| {
            k.strip_prefix("remove[")?
                .strip_suffix(']')
                .map(str::to_owned)
        })
        .collect();
    let clear = form
        .get(storefront::fields::REMOVE_ALL)
        .is_some_and(|v| !v.is_empty() && v != "0");
    let mut known = Vec::new();
    for (code, quantity) in added {
        // `cart->add` of a product the shop does not have adds nothing.
        if product_of(state, customer, &code).await.is_some() {
            known.push((code, quantity));
        }
    }
    let lines = with_checkout(&token, |checkout| {
        if !known.is_empty() {
            for (code, quantity) in known {
                match checkout.lines.iter_mut().find(|(c, _)| *c == code) {
                    Some(line) => line.1 += quantity,
                    None => checkout.lines.push((code, quantity)),
                }
            }
            checkout.shipping_method = None;
            checkout.payment_method = None;
        }
        if !removed.is_empty() {
            checkout.lines.retain(|(code, _)| !removed.contains(code));
        } else if clear {
            checkout.lines.clear();
        }
        checkout.lines.clone()
    });
    let priced = priced_lines(state, customer, lines).await;
    let mut answer = serde_json::Map::new();
    if priced.iter().any(|line| !line.3) {
        answer.insert(
            "error_warning".into(),
            json!("Products marked with *** are not available in the desired quantity or out of stock!"),
        );
    }
    let products: Vec<Value> = priced
        .iter()
        .map(|(code, name, quantity, in_stock, price)| {
            json!({
                "key": code, "name": stored(name), "model": stored(code), "thumb": Value::Null,
                "option": [], "quantity": quantity, "stock": in_stock,
                "price": formatted_total(*price),
                "total": formatted_total(Money {
                    amount: price.amount * rust_decimal::Decimal::from(*quantity),
                    currency: price.currency,
                }),
            })
        })
        .collect();
    answer.insert("products".into(), json!(products));
    if !priced.is_empty() {
        answer.insert("weight".into(), json!(false));
    }
    answer.insert("totals".into(), totals_json(total_of(&priced), None));
    json(StatusCode::OK, &Value::Object(answer))
}

/// What every checkout step checks first: a cart, and stock for it (`status` 2 and 3).
async fn cart_refusal(state: &DemoState, customer: CustomerKey, token: &str) -> Option<Response> {
    let lines = with_checkout(token, |checkout| checkout.lines.clone());
    if lines.is_empty() {
        return Some(json(
            StatusCode::OK,
            &json!({"status": 2, "error": "Nothing in the cart!"}),
        ));
    }
    let priced = priced_lines(state, customer, lines).await;
    if priced.iter().any(|line| !line.3) {
        return Some(json(
            StatusCode::OK,
            &json!({"status": 3, "error": "No stock for product!"}),
        ));
    }
    None
}

/// `POST a/checkout/address`: `mode` `shipping`/`payment`, with `address_id` a selection, else
/// the saved addresses.
async fn checkout_address(state: &DemoState, form: &Form) -> Response {
    let Some((customer, token)) = checkout_session(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    if let Some(refused) = cart_refusal(state, customer, &token).await {
        return refused;
    }
    let mode = form.get(storefront::fields::MODE).unwrap_or("");
    if let Some(id) = form.get(storefront::fields::ADDRESS_ID) {
        let id = AddressId(id.trim().to_owned());
        return match mode {
            "shipping" => {
                with_checkout(&token, |c| {
                    c.shipping_address = Some(id);
                    c.shipping_method = None;
                });
                json(
                    StatusCode::OK,
                    &json!({"status": 1, "shipping": "shipping address selected"}),
                )
            }
            "payment" => {
                with_checkout(&token, |c| {
                    c.payment_address = Some(id);
                    c.payment_method = None;
                });
                json(
                    StatusCode::OK,
                    &json!({"status": 1, "payment": "payment address selected"}),
                )
            }
            _ => json(StatusCode::OK, &json!([])),
        };
    }
    let addresses = match state.with_store(move |s| s.addresses(customer)).await {
        Ok(addresses) => addresses,
        Err(error) => return store_failure(&error),
    };
    let saved: Vec<Value> = addresses
        .iter()
        .map(|a| {
            let p = &a.postal;
            json!({
                "address_id": a.id.0,
                "address": stored(&format!(
                    "{} {}, {}, {}, {}{}",
                    p.first_name, p.last_name, p.line1, p.city,
                    if p.postcode.is_empty() { String::new() } else { format!("{}, ", p.postcode) },
                    p.country
                )),
            })
        })
        .collect();
    let selected = with_checkout(&token, |c| match mode {
        "payment" => c.payment_address.clone(),
        _ => c.shipping_address.clone(),
    });
    json(
        StatusCode::OK,
        &json!({"selected_address_id": selected.map(|id| id.0), "saved_addresses": saved}),
    )
}

/// `POST a/checkout/shipping`: `mode=list` the methods, `mode=select` one.
async fn checkout_shipping(state: &DemoState, form: &Form) -> Response {
    let Some((customer, token)) = checkout_session(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    let mode = form.get(storefront::fields::MODE).unwrap_or("");
    if mode != "select" && mode != "list" {
        return error_only(StatusCode::BAD_REQUEST, "Incorrect request mode!");
    }
    let comment = form.get(storefront::fields::COMMENT).map(str::to_owned);
    if mode == "select" {
        let chosen = form.get(storefront::fields::SHIPPING_METHOD).unwrap_or("");
        let listed = with_checkout(&token, |c| c.shipping_listed);
        if listed
            && [
                LOCAL_DELIVERY,
                "default_flat_rate_shipping.default_flat_rate_shipping",
            ]
            .contains(&chosen)
        {
            with_checkout(&token, |c| {
                c.shipping_method = Some(chosen.to_owned());
                c.comment = comment.clone();
            });
            return json(
                StatusCode::OK,
                &json!({"status": 1, "shipping_select": "success"}),
            );
        }
    }
    if let Some(refused) = cart_refusal(state, customer, &token).await {
        return refused;
    }
    let lines = with_checkout(&token, |c| {
        c.shipping_listed = true;
        c.lines.clone()
    });
    let currency = total_of(&priced_lines(state, customer, lines).await)
        .map_or(Currency::USD, |total| total.currency);
    let flat_rate = Money {
        amount: FLAT_RATE_COST,
        currency,
    };
    let warning = (mode == "select").then_some("Warning: Shipping method required!");
    json(
        StatusCode::OK,
        &json!({
            "error_warning": warning,
            "address": "",
            "shipping_methods": {
                "default_local_delivery": {"title": "Local Delivery", "quote": {"default_local_delivery":
                    {"id": LOCAL_DELIVERY, "title": "Local Delivery", "cost": "", "text": "Free"}},
                    "sort_order": "", "error": false},
                "default_flat_rate_shipping": {"title": "Flat Rate", "quote": {"default_flat_rate_shipping":
                    {"id": "default_flat_rate_shipping.default_flat_rate_shipping",
                     "title": "Flat Shipping Rate", "cost": FLAT_RATE_COST.to_string(),
                     "text": formatted_total(flat_rate)}},
                    "sort_order": "1", "error": false},
            },
            "comment": comment,
        }),
    )
}

/// `POST a/checkout/payment`: `mode=list` the methods, `mode=select` one (with `agree`, as the
/// demo data's shop has terms).
async fn checkout_payment(state: &DemoState, form: &Form) -> Response {
    let Some((customer, token)) = checkout_session(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    let mode = form.get(storefront::fields::MODE).unwrap_or("");
    if mode != "select" && mode != "list" {
        return error_only(StatusCode::BAD_REQUEST, "Incorrect request mode!");
    }
    if let Some(refused) = cart_refusal(state, customer, &token).await {
        return refused;
    }
    if with_checkout(&token, |c| c.shipping_method.is_none()) {
        return json(
            StatusCode::OK,
            &json!({"status": 5, "error": "Missing shipping method!"}),
        );
    }
    let chosen = form.get(storefront::fields::PAYMENT_METHOD);
    let agreed = form.get(storefront::fields::AGREE).is_some();
    // The controller's `$request['mode'] = 'select'` (an assignment): a list with a method
    // selects it too.
    let warning = match chosen {
        Some(PAYMENT_METHOD) if agreed => {
            let comment = form.get(storefront::fields::COMMENT).map(str::to_owned);
            with_checkout(&token, |c| {
                c.payment_method = Some(PAYMENT_METHOD.to_owned());
                c.comment = comment;
            });
            return json(
                StatusCode::OK,
                &json!({"status": 1, "payment_select": "success"}),
            );
        }
        Some(PAYMENT_METHOD) => "error_agree",
        _ => "error_payment",
    };
    json(
        StatusCode::OK,
        &json!({
            "error_warning": warning, "success": Value::Null, "coupon": Value::Null, "address": "",
            "payment_methods": {PAYMENT_METHOD: {"id": PAYMENT_METHOD, "title": "Cash On Delivery", "sort_order": "1"}},
            "payment_method": chosen, "comment": "", "text_agree": "text_agree", "agree": Value::Null,
        }),
    )
}

/// `POST a/checkout/confirm`: the order about to be placed.
async fn checkout_confirm(state: &DemoState, form: &Form) -> Response {
    let Some((customer, token)) = checkout_session(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    if let Some(refused) = cart_refusal(state, customer, &token).await {
        return refused;
    }
    let (lines, shipping, payment) = with_checkout(&token, |c| {
        (
            c.lines.clone(),
            c.shipping_method.clone(),
            c.payment_method.clone(),
        )
    });
    if shipping.is_none() {
        return json(
            StatusCode::OK,
            &json!({"status": 5, "error": "Missing shipping method!"}),
        );
    }
    if payment.is_none() {
        return json(
            StatusCode::OK,
            &json!({"status": 5, "error": "Missing payment (billing) method!"}),
        );
    }
    let (shipping_address, payment_address, comment) = with_checkout(&token, |c| {
        (
            c.shipping_address.clone(),
            c.payment_address.clone(),
            c.comment.clone(),
        )
    });
    let (account, addresses) = match state
        .with_store(move |s| Ok((s.account(customer)?, s.addresses(customer)?)))
        .await
    {
        Ok(found) => found,
        Err(error) => return store_failure(&error),
    };
    let products = confirmed_products(state, customer, &lines).await;
    let priced = priced_lines(state, customer, lines).await;
    let subtotal = total_of(&priced);
    // What the store will charge: the subtotal and its shipping fee (free above its threshold).
    let mut order = with_checkout(&token, |c| session_order(c, String::new()));
    with_priced_brands(state, customer, &mut order).await;
    let quoted = match state
        .with_store(move |s| s.quote_order(customer, &order))
        .await
    {
        Ok(quoted) => quoted,
        Err(error) => {
            return json(
                StatusCode::OK,
                &json!({"status": 6, "error": error.to_string()}),
            );
        }
    };
    let shipping_charge = Money {
        amount: subtotal.map_or(quoted.amount, |s| quoted.amount - s.amount),
        currency: quoted.currency,
    };
    with_checkout(&token, |c| c.confirmed = true);
    let mut answer = customer_columns(customer, &account);
    let chosen = |id: &Option<AddressId>| {
        id.as_ref()
            .and_then(|id| addresses.iter().find(|a| a.id == *id))
            .or(addresses.first())
    };
    for (prefix, address) in [
        ("shipping", chosen(&shipping_address)),
        ("payment", chosen(&payment_address)),
    ] {
        answer.extend(order_address_columns(prefix, customer, address));
    }
    let methods = [
        ("shipping_method", json!("Local Delivery")),
        ("shipping_method_key", json!(LOCAL_DELIVERY)),
        ("payment_method", json!("Cash On Delivery")),
        ("payment_method_key", json!(PAYMENT_METHOD)),
        ("products", Value::Array(products)),
        (
            "totals",
            totals_json(subtotal, Some(("Local Delivery", shipping_charge))),
        ),
        ("comment", json!(comment.unwrap_or_default())),
        (
            "total",
            json!(quoted.amount.to_string().parse::<f64>().unwrap_or(0.0)),
        ),
        ("language_id", json!("1")),
        ("currency_id", json!("1")),
        ("currency", json!(quoted.currency.as_str())),
        ("value", json!(1)),
        ("coupon_id", json!(0)),
        ("ip", json!("127.0.0.1")),
    ];
    answer.extend(methods.map(|(key, value)| (key.to_owned(), value)));
    let shipping_text = addresses_line(chosen(&shipping_address));
    let payment_text = addresses_line(chosen(&payment_address));
    answer.insert("shipping_address".into(), json!(shipping_text));
    answer.insert("payment_address".into(), json!(payment_text));
    answer.insert("text_accept_agree".into(), json!("text_accept_agree"));
    answer.insert(
        "payment".into(),
        json!({"text_note": "text_note", "process_rt": "default_cod/api_confirm"}),
    );
    json(StatusCode::OK, &Value::Object(answer))
}

/// The order's store and customer columns, as the confirmation starts.
fn customer_columns(
    customer: CustomerKey,
    account: &crate::model::Account,
) -> serde_json::Map<String, Value> {
    let columns = [
        ("store_id", json!(0)),
        ("store_name", json!("Demo shop")),
        ("store_url", json!("/")),
        ("customer_id", json!(customer)),
        ("customer_group_id", json!(1)),
        ("firstname", json!(stored(&account.first_name))),
        ("lastname", json!(stored(&account.last_name))),
        ("email", json!(stored(&account.email))),
        (
            "telephone",
            json!(stored(account.phone.as_deref().unwrap_or(""))),
        ),
        ("fax", json!("")),
    ];
    columns
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
}

/// The cart's products as the confirmation lists them: the catalogue row with the cart's
/// columns (quantity, line total, stock, the cart key).
async fn confirmed_products(
    state: &DemoState,
    customer: CustomerKey,
    lines: &[(String, u32)],
) -> Vec<Value> {
    let mut products = Vec::new();
    for (code, quantity) in lines {
        let Some(found) = product_of(state, customer, code).await else {
            continue;
        };
        let mut row = catalogue_row(&found);
        let line_total = Money {
            amount: found.price.amount * rust_decimal::Decimal::from(*quantity),
            currency: found.price.currency,
        };
        let tax_free = Money {
            amount: rust_decimal::Decimal::ZERO,
            currency: found.price.currency,
        };
        let cart_columns = [
            ("quantity", json!(quantity)),
            ("weight", json!(0)),
            ("length", json!(0)),
            ("width", json!(0)),
            ("height", json!(0)),
            ("weight_class", json!("g")),
            ("length_class", json!("cm")),
            ("categories", json!([])),
            ("option", json!([])),
            ("download", json!([])),
            ("inventory_quantity", json!(stock_left(&found.availability))),
            ("stock", json!(found.availability.can_supply(*quantity))),
            ("total", json!(formatted_total(line_total))),
            ("key", json!(code)),
            ("weight_iso_code", json!("g")),
            ("length_iso_code", json!("cm")),
            ("tax", json!(formatted_total(tax_free))),
            ("thumb", Value::Null),
        ];
        row.extend(cart_columns.map(|(key, value)| (key.to_owned(), value)));
        products.push(Value::Object(row));
    }
    products
}

/// The address as the confirmation shows it: its lines joined by `<br />`.
fn addresses_line(address: Option<&crate::model::Address>) -> String {
    let Some(address) = address else {
        return String::new();
    };
    let p = &address.postal;
    let mut lines = vec![stored(&format!("{} {}", p.first_name, p.last_name))];
    lines.extend(p.company.iter().map(|c| stored(c)));
    lines.push(stored(&p.line1));
    lines.extend(p.line2.iter().map(|l| stored(l)));
    lines.push(stored(&format!(
        "{}, {} {}",
        p.city,
        p.region.as_deref().unwrap_or(""),
        p.postcode
    )));
    lines.push(stored(
        crate::model::country_name(&p.country).unwrap_or(&p.country),
    ));
    lines.join("<br />")
}

/// The order's `shipping_*` or `payment_*` columns: the address book entry AbanteCart copies
/// into the order, as text (its database's strings).
fn order_address_columns(
    prefix: &str,
    customer: CustomerKey,
    address: Option<&crate::model::Address>,
) -> Vec<(String, Value)> {
    let p = address.map(|a| &a.postal);
    let text = |value: Option<&str>| json!(stored(value.unwrap_or("")));
    let format = "{firstname} {lastname}\r\n{company}\r\n{address_1}\r\n{address_2}\r\n{city}, {zone} {postcode}\r\n{country}";
    let columns = [
        (
            "address_id",
            json!(address.map(|a| a.id.0.clone()).unwrap_or_default()),
        ),
        ("customer_id", json!(customer.to_string())),
        ("company", text(p.and_then(|p| p.company.as_deref()))),
        ("firstname", text(p.map(|p| p.first_name.as_str()))),
        ("lastname", text(p.map(|p| p.last_name.as_str()))),
        ("address_1", text(p.map(|p| p.line1.as_str()))),
        ("address_2", text(p.and_then(|p| p.line2.as_deref()))),
        ("postcode", text(p.map(|p| p.postcode.as_str()))),
        ("city", text(p.map(|p| p.city.as_str()))),
        ("country_id", json!("0")),
        ("zone_id", json!("0")),
        ("date_added", json!("2024-01-01 00:00:00")),
        ("date_modified", json!("2024-01-01 00:00:00")),
        (
            "country",
            text(p.map(|p| crate::model::country_name(&p.country).unwrap_or(&p.country))),
        ),
        ("zone", text(p.and_then(|p| p.region.as_deref()))),
        ("code", text(p.and_then(|p| p.region.as_deref()))),
        ("format", json!(format)),
        ("iso_code_2", text(p.map(|p| p.country.as_str()))),
        ("iso_code_3", json!("")),
        ("address_format", json!(format)),
    ];
    columns
        .into_iter()
        .map(|(key, value)| (format!("{prefix}_{key}"), value))
        .collect()
}

/// The order the session's cart and checkout steps make.
fn session_order(checkout: &Checkout, idempotency_key: String) -> NewOrder {
    NewOrder {
        idempotency_key,
        lines: checkout
            .lines
            .iter()
            .map(|(code, quantity)| NewOrderLine {
                code: ProductCode(code.clone()),
                brand: None,
                quantity: *quantity,
            })
            .collect(),
        shipping_address: checkout.shipping_address.clone(),
        billing_address: checkout.payment_address.clone(),
        note: checkout
            .comment
            .clone()
            .filter(|note| !note.trim().is_empty()),
    }
}

/// An AbanteCart product id names one product; a demo store code that several brands sell
/// stands for the one the cart priced (the first brand, as [`product_of`] finds it).
async fn with_priced_brands(state: &DemoState, customer: CustomerKey, order: &mut NewOrder) {
    for line in &mut order.lines {
        line.brand = product_of(state, customer, line.code.as_str())
            .await
            .map(|found| found.brand);
    }
}

/// `POST a/checkout/process`: places the confirmed order, once per confirm.
async fn checkout_process(state: &DemoState, form: &Form) -> Response {
    let Some((customer, token)) = checkout_session(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    let taken = with_checkout(&token, |c| {
        let confirmed = std::mem::take(&mut c.confirmed);
        c.placed += 1;
        confirmed.then(|| session_order(c, format!("abantecart-{token}-{}", c.placed)))
    });
    let Some(mut order) = taken else {
        return json(
            StatusCode::BAD_REQUEST,
            &json!({"status": 0, "error": "Need to review confirmation details first!"}),
        );
    };
    with_priced_brands(state, customer, &mut order).await;
    match state
        .with_store(move |s| s.place_order(customer, &order))
        .await
    {
        Ok(_) => {
            with_checkout(&token, |c| {
                c.lines.clear();
                c.shipping_method = None;
                c.payment_method = None;
                c.comment = None;
            });
            json(
                StatusCode::OK,
                &json!({"success": "completed", "status": 1}),
            )
        }
        Err(error) => json(
            StatusCode::OK,
            &json!({"error": error.to_string(), "status": 6}),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_form_checks_only_the_telephone_as_1_4_4_does() {
        let request = |first: &str, phone: &str| EditRequest {
            firstname: Some(stored(first)),
            lastname: Some("Doe".into()),
            email: Some("not an e-mail".into()),
            telephone: Some(stored(phone)),
            fax: None,
            newsletter: None,
        };
        assert!(edit_errors(&request("", "+49 30 1234")).is_empty());
        assert_eq!(
            edit_errors(&request("Joe", "")),
            [("telephone", messages::TELEPHONE_ERROR)]
        );
        assert_eq!(
            edit_errors(&request("Joe", "12")),
            [("telephone", messages::TELEPHONE_ERROR)]
        );
        assert_eq!(
            edit_errors(&request("Joe", "call me")),
            [("telephone", messages::TELEPHONE_ERROR)]
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
        assert_eq!(fields, ["telephone"]);
    }
}
