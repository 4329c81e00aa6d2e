//! Centra's sign-up, `POST register`: "This will register a new customer and login. If all goes
//! well, you get back the regular JSON data with a `loggedIn` object." A taken e-mail is 409
//! `"email": "already registered"`, a password Centra finds too weak 406 `"password": "not
//! valid"`; a refusal is any answer with an `errors` object. The body follows the docs and the
//! swagger they point to only as far as the docs show it: `email`, `password` and the names in
//! an `address` object, named as `PUT address` and `loggedIn` name them. The session the answer
//! logs in on is not kept: shopterm signs in with the new account afterwards as with any.

use super::client::{JSON, read_errors};
use super::wire::{self, AddressFields};
use crate::auth::password;
use crate::platforms::common::{retry_after_of, send_anonymous};
use crate::shop::{FieldError, NewAccount, ShopError, ShopResult};
use reqwest::{StatusCode, header};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use url::Url;

/// `POST register` body.
#[derive(Serialize, Deserialize)]
pub struct RegisterRequest {
    pub email: String,
    pub password: String,
    /// The customer's names (and, where given, the one address Centra keeps).
    pub address: AddressFields,
}

impl Drop for RegisterRequest {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.password);
    }
}

/// Centra's field names in a refused sign-up → `NewAccount`'s.
const SIGN_UP_FIELDS: &[(&str, &str)] = &[
    ("email", "email"),
    ("password", "password"),
    ("firstName", "first_name"),
    ("lastName", "last_name"),
    ("address.firstName", "first_name"),
    ("address.lastName", "last_name"),
    ("address.phoneNumber", "phone"),
    ("phoneNumber", "phone"),
];

pub(super) async fn register(
    http: &reqwest::Client,
    base: &Url,
    account: &NewAccount,
) -> ShopResult<()> {
    let request = RegisterRequest {
        email: account.email.trim().to_owned(),
        password: account.password.expose_secret().to_owned(),
        address: AddressFields {
            first_name: account.first_name.trim().to_owned(),
            last_name: account.last_name.trim().to_owned(),
            phone_number: account.phone.as_deref().unwrap_or("").trim().to_owned(),
            ..AddressFields::default()
        },
    };
    let body = zeroize::Zeroizing::new(
        serde_json::to_vec(&request)
            .map_err(|_| ShopError::Protocol("a request body could not be written".into()))?,
    );
    drop(request);
    let url =
        password::endpoint(base, &["register"]).map_err(|e| ShopError::Protocol(e.to_string()))?;
    let response = send_anonymous(
        http.post(url)
            .header(header::ACCEPT, JSON)
            .header(header::CONTENT_TYPE, JSON)
            .body(body.to_vec()),
        refusal,
    )
    .await?;
    // A 200 with an `errors` object is a refusal too.
    let bytes = response
        .bytes()
        .await
        .map_err(crate::platforms::common::network_error)?;
    let answer: wire::ErrorAnswer = serde_json::from_slice(&bytes)
        .map_err(|_| ShopError::Protocol("unreadable answer to the sign-up".into()))?;
    match answer.errors.filter(|e| !e.0.is_empty()) {
        Some(errors) => Err(fields_of(&errors)),
        None => Ok(()),
    }
}

/// Any refused sign-up is about the fields sent; the rest (429, 5xx) as any Centra call.
async fn refusal(response: reqwest::Response) -> ShopError {
    let status = response.status();
    let retry_after = retry_after_of(&response);
    let (status, errors) = (status, read_errors(response).await.1);
    match status {
        StatusCode::TOO_MANY_REQUESTS => ShopError::RateLimited { retry_after },
        status if status.is_server_error() => ShopError::Server {
            status: status.as_u16(),
            message: errors.describe(),
        },
        StatusCode::CONFLICT if errors.0.is_empty() => {
            ShopError::field("email", "is already registered")
        }
        status if status.is_client_error() && !errors.0.is_empty() => fields_of(&errors),
        status => ShopError::Protocol(format!("HTTP {status} to the sign-up")),
    }
}

fn fields_of(errors: &wire::Errors) -> ShopError {
    let fields: Vec<FieldError> = errors
        .messages()
        .into_iter()
        .map(|(field, message)| FieldError {
            field: SIGN_UP_FIELDS
                .iter()
                .find(|(centra, _)| *centra == field)
                .map_or(field, |(_, ours)| (*ours).to_owned()),
            message: worded(&message),
        })
        .collect();
    ShopError::validation(fields)
}

/// Centra's terse messages as a field's message reads ("email: is already registered").
fn worded(message: &str) -> String {
    match message {
        "already registered" => "is already registered".into(),
        "not valid" => "is not accepted by the shop".into(),
        "required" => "is required".into(),
        other => other.to_owned(),
    }
}
