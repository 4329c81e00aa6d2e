//! Centra Checkout API v1 shapes for user accounts, as Centra's "User Accounts" documentation gives
//! them (`POST login/{email}`, `POST logout`, and the "regular JSON" every call answers). The
//! session token travels in the `API-Token` request header and comes back as `token` in every
//! answer; while a customer is logged in on that token the answer holds a `loggedIn` object.
//! Errors are an `errors` object of field → message (`{"errors": {"password": "incorrect"}}`)
//! with an HTTP status of 400 or more; an answer without `errors` is a success.

use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// The request header that carries the session token.
pub const TOKEN_HEADER: &str = "API-Token";

/// `POST login/{email}` body; the e-mail is in the path.
#[derive(Clone, Serialize, Deserialize)]
pub struct LoginRequest {
    pub password: String,
}

impl Drop for LoginRequest {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.password);
    }
}

/// The "regular JSON" as far as user accounts need it: the session token, the selection (kept
/// as it comes; shopterm does not read it yet), the login, and errors.
#[derive(Serialize, Deserialize)]
pub struct Answer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<serde_json::Value>,
    /// Present while a customer is logged in on the token; gone after `POST logout`.
    #[serde(
        rename = "loggedIn",
        default,
        deserialize_with = "logged_in",
        skip_serializing_if = "Option::is_none"
    )]
    pub logged_in: Option<LoggedIn>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Errors>,
}

impl Drop for Answer {
    fn drop(&mut self) {
        if let Some(token) = self.token.as_mut() {
            zeroize::Zeroize::zeroize(token);
        }
    }
}

/// An error answer, read without its token.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorAnswer {
    #[serde(default)]
    pub errors: Option<Errors>,
}

/// The customer logged in on the token. Centra keeps one address per customer, and sends every
/// field as a string (empty when unset); `null` is read as empty too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggedIn {
    #[serde(default, deserialize_with = "text")]
    pub email: String,
    #[serde(default, deserialize_with = "text")]
    pub first_name: String,
    #[serde(default, deserialize_with = "text")]
    pub last_name: String,
    #[serde(default, deserialize_with = "text")]
    pub address1: String,
    #[serde(default, deserialize_with = "text")]
    pub address2: String,
    #[serde(default, deserialize_with = "text")]
    pub zip_code: String,
    #[serde(default, deserialize_with = "text")]
    pub city: String,
    #[serde(default, deserialize_with = "text")]
    pub state: String,
    /// ISO 3166-1 alpha-2 (`SE`).
    #[serde(default, deserialize_with = "text")]
    pub country: String,
    #[serde(default, deserialize_with = "text")]
    pub phone_number: String,
}

/// A string, or `null` as the empty string.
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.unwrap_or_default())
}

/// `loggedIn` as an object; `null` or `false` (not logged in) as none.
fn logged_in<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<LoggedIn>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Field {
        Customer(Box<LoggedIn>),
        Flag(bool),
    }
    match Option::<Field>::deserialize(deserializer)? {
        Some(Field::Customer(customer)) => Ok(Some(*customer)),
        Some(Field::Flag(false)) | None => Ok(None),
        Some(Field::Flag(true)) => Err(serde::de::Error::custom(
            "loggedIn is true but holds no customer",
        )),
    }
}

/// `{"password": "incorrect", "accessRight": "denied", …}`. The documentation shows strings;
/// anything else (a nested object) is kept and flattened by [`Errors::messages`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Errors(pub BTreeMap<String, serde_json::Value>);

impl Errors {
    pub fn one(field: &str, message: &str) -> Errors {
        Errors(BTreeMap::from([(field.to_owned(), message.into())]))
    }

    /// The message for `field`, when it is a string.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).and_then(|v| v.as_str())
    }

    /// `(field, message)` pairs; nested objects as `outer.inner`.
    pub fn messages(&self) -> Vec<(String, String)> {
        fn walk(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
            match value {
                serde_json::Value::Object(map) => {
                    for (key, inner) in map {
                        walk(&format!("{prefix}.{key}"), inner, out);
                    }
                }
                serde_json::Value::String(text) => out.push((prefix.to_owned(), text.clone())),
                other => out.push((prefix.to_owned(), other.to_string())),
            }
        }
        let mut out = Vec::new();
        for (field, value) in &self.0 {
            walk(field, value, &mut out);
        }
        out
    }

    /// `password: incorrect; email: already registered`.
    pub fn describe(&self) -> String {
        self.messages()
            .into_iter()
            .map(|(field, message)| format!("{field}: {message}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The error fields Centra's account calls answer and shopterm tells apart.
pub mod errors {
    /// `"password": "incorrect"` (406) from `POST login/{email}`, also for unknown e-mails.
    pub const PASSWORD: &str = "password";
    pub const INCORRECT: &str = "incorrect";
    /// `"accessRight": "denied"` (403): the call needs a login and the token has none.
    pub const ACCESS_RIGHT: &str = "accessRight";
    pub const DENIED: &str = "denied";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first sample of the documentation (its `...` left out).
    const LOGGED_IN_SAMPLE: &str = r#"{
      "token": "cstvqilgkdkoijj8ac9fm9o0g0",
      "loggedIn": {
        "email": "hello@example.com",
        "firstName": "Hello",
        "lastName": "World",
        "address1": "Address One",
        "address2": "Address Two",
        "zipCode": "12345",
        "city": "add",
        "state": "",
        "country": "SE",
        "phoneNumber": "123456789"
      }
    }"#;

    #[test]
    fn documented_logged_in_answer() {
        let answer: Answer = serde_json::from_str(LOGGED_IN_SAMPLE).unwrap();
        assert_eq!(answer.token.as_deref(), Some("cstvqilgkdkoijj8ac9fm9o0g0"));
        assert!(answer.errors.is_none());
        let customer = answer.logged_in.clone().unwrap();
        assert_eq!(
            customer,
            LoggedIn {
                email: "hello@example.com".into(),
                first_name: "Hello".into(),
                last_name: "World".into(),
                address1: "Address One".into(),
                address2: "Address Two".into(),
                zip_code: "12345".into(),
                city: "add".into(),
                state: "".into(),
                country: "SE".into(),
                phone_number: "123456789".into(),
            }
        );
    }

    #[test]
    fn documented_orders_answer_names_with_escapes() {
        // From the `POST orders` sample: \u escapes in names, other top-level objects beside.
        let body = r#"{"token":"cstvqilgkdkoijj8ac9fm9o0g0","orders":[],"ordersPaging":{"from":3,"size":2,"totalSize":38},
          "location":{"country":"US","name":"United States","eu":false,"language":"en","state":null,"stateName":"","shipTo":true},
          "loggedIn":{"email":"same@example.com","firstName":"H\u00e9ll\u00f6 \u30d7\u30ec\u30a4\u30b9\u30c6\u30fc\u30b7\u30e7\u30f3",
          "lastName":"W\u00f6\u00aeld","address1":"Address One","address2":"Address Two","zipCode":"12345","city":"add",
          "state":"","country":"US","phoneNumber":"123456789"}}"#;
        let answer: Answer = serde_json::from_str(body).unwrap();
        let customer = answer.logged_in.clone().unwrap();
        assert_eq!(customer.first_name, "Héllö プレイステーション");
        assert_eq!(customer.last_name, "Wö®ld");
        assert_eq!(customer.country, "US");
    }

    #[test]
    fn documented_wrong_password_answer() {
        let body = r#"{"token":"cstvqilgkdkoijj8ac9fm9o0g0","errors":{"password":"incorrect"}}"#;
        let answer: ErrorAnswer = serde_json::from_str(body).unwrap();
        let errors = answer.errors.unwrap();
        assert_eq!(errors.get(errors::PASSWORD), Some(errors::INCORRECT));
        assert_eq!(errors.describe(), "password: incorrect");

        let denied: ErrorAnswer =
            serde_json::from_str(r#"{"errors":{"accessRight":"denied"}}"#).unwrap();
        assert_eq!(
            denied.errors.unwrap().get(errors::ACCESS_RIGHT),
            Some(errors::DENIED)
        );
    }

    #[test]
    fn logged_out_answers() {
        for body in [
            r#"{"token":"t","selection":{"items":[]}}"#,
            r#"{"token":"t","loggedIn":null}"#,
            r#"{"token":"t","loggedIn":false}"#,
        ] {
            let answer: Answer = serde_json::from_str(body).unwrap();
            assert!(answer.logged_in.is_none(), "{body}");
        }
        assert!(serde_json::from_str::<Answer>(r#"{"loggedIn":true}"#).is_err());
    }

    #[test]
    fn nulls_and_nested_errors() {
        let customer: LoggedIn =
            serde_json::from_str(r#"{"email":"a@b.example","firstName":null,"state":null}"#)
                .unwrap();
        assert_eq!(customer.first_name, "");
        assert_eq!(customer.state, "");
        let errors: Errors =
            serde_json::from_str(r#"{"address":{"zipCode":"required"},"email":"not valid"}"#)
                .unwrap();
        assert_eq!(
            errors.messages(),
            vec![
                ("address.zipCode".to_owned(), "required".to_owned()),
                ("email".to_owned(), "not valid".to_owned())
            ]
        );
        assert_eq!(errors.get("address"), None);
    }

    #[test]
    fn login_request_shape() {
        let body = serde_json::to_value(LoginRequest {
            password: "secret!".into(),
        })
        .unwrap();
        assert_eq!(body, serde_json::json!({"password": "secret!"}));
    }
}
