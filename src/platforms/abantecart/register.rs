//! AbanteCart's sign-up, `a/account/create` (storefront controller
//! `api/account/create.php`): `GET` lists the form's fields, `POST` validates and saves them.
//! The controller's own rules (model `account/customer::validateRegistrationData`): a unique
//! e-mail ("Error: E-Mail Address is already registered!") and, where the shop signs in by login
//! name, a unique `loginname` (shopterm sends the e-mail as it: "This login name is not
//! available"), a telephone of 3 to 32 characters
//! of the phone pattern, a password of 4 to 20 characters equal to `confirm`, and `agree` where
//! the shop has an account agreement. Success is HTTP 200 `{"status":1,"text_message":…}`; a
//! refusal is HTTP 200 too, `status` 0 with `errors` (field → text) and the form again. The
//! controller logs the new customer in on the PHP session, which an API client never sees:
//! shopterm signs in afterwards with `a/account/login`.

use super::client::api_url;
use super::storefront;
use crate::platforms::common::{network_error, send_anonymous};
use crate::shop::{FieldError, NewAccount, ShopError, ShopResult};
use reqwest::header;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use url::Url;

pub const CREATE: &str = "a/account/create";

/// The `POST` fields shopterm sends (and the emulator reads).
pub mod fields {
    /// Required where the shop signs customers in by login name (`prevent_email_as_login`, on in
    /// the demo data); shopterm sends the e-mail, so the e-mail is the login either way.
    pub const LOGINNAME: &str = "loginname";
    pub const FIRSTNAME: &str = "firstname";
    pub const LASTNAME: &str = "lastname";
    pub const EMAIL: &str = "email";
    pub const TELEPHONE: &str = "telephone";
    pub const PASSWORD: &str = "password";
    pub const CONFIRM: &str = "confirm";
    /// 1: the customer agrees to the shop's account terms (sending the form is agreeing).
    pub const AGREE: &str = "agree";
    pub const NEWSLETTER: &str = "newsletter";
}

/// The controller's texts (English language pack, `account/create.xml`).
pub mod messages {
    pub const EMAIL_EXISTS: &str = "Error: E-Mail Address is already registered!";
    pub const LOGINNAME_TAKEN: &str = "This login name is not available. Try different login name!";
    pub const TELEPHONE: &str = "Telephone must be between 3 and 32 numeric only characters!";
    pub const PASSWORD: &str = "Password must be between 4 and 20 characters!";
    pub const CONFIRM: &str = "Password confirmation does not match password!";
    pub const SUCCESS: &str = "Congratulations! Your new account has been successfully created!";
}

/// `a/account/create`'s answer to a `POST`: `status` (PHP's 1 or 0), the success text, or the
/// `errors` (field → text; `warning` for the form as a whole).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct CreateAnswer {
    pub status: Option<serde_json::Value>,
    pub text_message: Option<String>,
    #[serde(default)]
    pub errors: Option<BTreeMap<String, serde_json::Value>>,
}

impl CreateAnswer {
    fn succeeded(&self) -> bool {
        match &self.status {
            Some(serde_json::Value::Number(n)) => n.as_i64() == Some(1),
            Some(serde_json::Value::String(s)) => s.trim() == "1",
            Some(serde_json::Value::Bool(b)) => *b,
            _ => false,
        }
    }
}

pub(super) async fn register(
    http: &reqwest::Client,
    base: &Url,
    api_key: Option<&SecretString>,
    account: &NewAccount,
) -> ShopResult<()> {
    let url = api_url(base, CREATE).map_err(|e| ShopError::Protocol(e.to_string()))?;
    let password = account.password.expose_secret();
    let email = account.email.trim();
    let mut form = vec![
        (fields::LOGINNAME, email),
        (fields::FIRSTNAME, account.first_name.trim()),
        (fields::LASTNAME, account.last_name.trim()),
        (fields::EMAIL, email),
        (
            fields::TELEPHONE,
            account.phone.as_deref().map(str::trim).unwrap_or(""),
        ),
        (fields::PASSWORD, password),
        (fields::CONFIRM, password),
        (fields::AGREE, "1"),
        (fields::NEWSLETTER, "0"),
    ];
    if let Some(key) = api_key {
        form.push((storefront::fields::API_KEY, key.expose_secret()));
    }
    let request = http
        .post(url)
        .header(header::ACCEPT, "application/json")
        .form(&form);
    drop(form);
    let response = send_anonymous(request, |response| async move {
        let status = response.status();
        if status.is_server_error() {
            ShopError::Server {
                status: status.as_u16(),
                message: "the shop failed to create the account".into(),
            }
        } else {
            // 401 "Already Logged in" cannot happen without a token; the rest is unexpected.
            ShopError::Protocol(format!("HTTP {status} to {CREATE}"))
        }
    })
    .await?;
    let bytes = response.bytes().await.map_err(network_error)?;
    let answer: CreateAnswer = serde_json::from_slice(&bytes)
        .map_err(|_| ShopError::Protocol(format!("unreadable answer to {CREATE}")))?;
    if answer.succeeded() {
        Ok(())
    } else {
        Err(refusal(&answer))
    }
}

/// The refused fields, named as `NewAccount` names them.
fn refusal(answer: &CreateAnswer) -> ShopError {
    let mut fields: Vec<FieldError> = Vec::new();
    let mut warning = String::new();
    for (name, text) in answer.errors.iter().flatten() {
        let Some(text) = text
            .as_str()
            .map(|t| super::client::unescape(Some(t.to_owned())))
        else {
            continue;
        };
        let field = match name.as_str() {
            "firstname" => "first_name",
            "lastname" => "last_name",
            "telephone" => "phone",
            "confirm" => "password",
            // The login name shopterm sends is the e-mail.
            "loginname" => "email",
            "warning" => {
                warning = text;
                continue;
            }
            other => other,
        };
        if !text.is_empty() && !fields.iter().any(|f| f.field == field) {
            fields.push(FieldError {
                field: field.to_owned(),
                message: text,
            });
        }
    }
    if warning.is_empty() && !fields.is_empty() {
        return ShopError::validation(fields);
    }
    let message = if warning.is_empty() {
        "the shop did not create the account".to_owned()
    } else {
        warning
    };
    ShopError::Validation { message, fields }
}
