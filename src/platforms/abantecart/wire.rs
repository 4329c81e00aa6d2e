//! AbanteCart storefront API shapes, as its controllers write them
//! (`public_html/storefront/controller/api/account/{login,logout,account}.php`, answers encoded by
//! `core/lib/rest.php`): every request is `index.php?rt=<route>` with the parameters as form
//! fields, every answer a flat JSON object. Failures are `{"status": 0, "error": "…"}` or just
//! `{"error": "…"}`; AbanteCart 2's rewrite answers `{"error_code", "error_title", "error_text"}`,
//! which is read too.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The API's routes (the `rt` query parameter).
pub mod routes {
    /// Sign in with `loginname` (or `email`) and `password`; or, with `token` only, check a session.
    pub const LOGIN: &str = "a/account/login";
    /// End the session of `token`.
    pub const LOGOUT: &str = "a/account/logout";
    /// The signed-in customer's basic details.
    pub const ACCOUNT: &str = "a/account/account";
    /// The account form (not connected yet; named by `a/account/account`'s answer).
    pub const EDIT: &str = "a/account/edit";
    /// The order history (not connected yet; named by `a/account/account`'s answer).
    pub const HISTORY: &str = "a/account/history";
}

/// The form fields the account routes read.
pub mod fields {
    pub const LOGINNAME: &str = "loginname";
    pub const EMAIL: &str = "email";
    pub const PASSWORD: &str = "password";
    pub const TOKEN: &str = "token";
}

/// AbanteCart's own error texts that shopterm tells apart. All of them come with HTTP 401.
pub mod messages {
    /// `a/account/login` with a wrong login or password.
    pub const LOGIN_FAILED: &str = "Login attempt failed!";
    /// Any account route without a live session for the token.
    pub const NOT_LOGGED_IN: &str = "Not logged in or Login attempt failed!";
    /// `a/account/logout` without a live session for the token.
    pub const LOGOUT_FAILED: &str = "Not logged in logout attempt failed!";
    /// `api/error/not_found`: no controller for `rt`.
    pub const ROUTE_NOT_FOUND: &str = "Requested Route was not found!";
    /// `api/error/no_access`: the storefront API is switched off, or the shop has an API key and
    /// the request did not give it.
    pub const API_DISABLED: &str = "Access to API is disabled!";
    /// `a/account/login` checking a token: `"request": "authorized"` / `"unauthorized"`.
    pub const AUTHORIZED: &str = "authorized";
    pub const UNAUTHORIZED: &str = "unauthorized";
}

/// The answer of `a/account/login`, `a/account/logout` and of every failure:
/// `{"status":1,"success":"Logged in","token":"…"}`, `{"status":0,"error":"Login attempt failed!"}`,
/// `{"status":1,"request":"authorized"}`, `{"error":"Not logged in or Login attempt failed!"}`.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct StatusAnswer {
    /// 1 for success, 0 for failure (PHP sends an integer, and so does the emulator; `"1"` and
    /// booleans are read too).
    #[serde(
        default,
        deserialize_with = "flag",
        serialize_with = "flag_as_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<String>,
    /// The session's token: PHP's session id, which AbanteCart also uses as its API token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// A token check's outcome: `authorized` or `unauthorized`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// AbanteCart 2's error text (its `error` is `error_title`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_text: Option<String>,
}

impl StatusAnswer {
    /// A failure answer: `{"status": 0, "error": text}`.
    pub fn failure(text: &str) -> StatusAnswer {
        StatusAnswer {
            status: Some(false),
            success: None,
            token: None,
            request: None,
            error: Some(text.to_owned()),
            error_text: None,
        }
    }

    /// The error text, in either generation's field.
    pub fn error_message(&self) -> Option<&str> {
        self.error_text
            .as_deref()
            .or(self.error.as_deref())
            .map(str::trim)
            .filter(|text| !text.is_empty())
    }
}

impl std::fmt::Debug for StatusAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatusAnswer")
            .field("status", &self.status)
            .field("success", &self.success)
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("request", &self.request)
            .field("error", &self.error)
            .field("error_text", &self.error_text)
            .finish()
    }
}

impl Drop for StatusAnswer {
    fn drop(&mut self) {
        if let Some(token) = self.token.as_mut() {
            zeroize::Zeroize::zeroize(token);
        }
    }
}

/// The answer of `a/account/account`. The text fields are as the shop stored them, which is
/// HTML-escaped (AbanteCart runs `htmlspecialchars` over every request parameter it receives,
/// so `Smith & Sons` is stored and answered as `Smith &amp; Sons`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountAnswer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `"14"` from AbanteCart 1.2 (the database's text), `14` from later versions.
    #[serde(default, deserialize_with = "id_text")]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub firstname: Option<String>,
    #[serde(default)]
    pub lastname: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// The routes for more of the account (`a/account/edit`, `a/account/history`; `newsletter`
    /// names `a/account/logout` on every version, a slip of AbanteCart's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub information: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newsletter: Option<String>,
}

/// PHP's 0/1 as a number, a string or a boolean.
fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Number(i64),
        Text(String),
    }
    Ok(match Option::<Flag>::deserialize(deserializer)? {
        None => None,
        Some(Flag::Bool(b)) => Some(b),
        Some(Flag::Number(n)) => Some(n != 0),
        Some(Flag::Text(text)) => Some(!matches!(text.trim(), "" | "0")),
    })
}

/// PHP's way: `1` or `0`.
fn flag_as_number<S: Serializer>(flag: &Option<bool>, serializer: S) -> Result<S::Ok, S::Error> {
    match flag {
        Some(flag) => serializer.serialize_u8(u8::from(*flag)),
        None => serializer.serialize_none(),
    }
}

/// An id as a JSON string or number, kept as text.
fn id_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Number(u64),
        Text(String),
    }
    Ok(match Option::<Id>::deserialize(deserializer)? {
        None => None,
        Some(Id::Number(n)) => Some(n.to_string()),
        Some(Id::Text(text)) => Some(text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // The samples of AbanteCart's API documentation, as they are written there.
    const LOGGED_IN: &str =
        r#"{"status":1,"success":"Logged in","token":"58fb1592f0c59b8dc1d5541aebdff8da"}"#;
    const LOGIN_FAILED: &str = r#"{"status":0,"error":"Login attempt failed!"}"#;
    const AUTHORIZED: &str = r#"{ "status":1, "request":"authorized" }"#;
    const LOGGED_OUT: &str = r#"{ "status":1, "success":"Logged out" }"#;
    const ACCOUNT: &str = r#"{ "title":"My Account", "customer_id":"14", "firstname":"Joe", "lastname":"Doe", "email":"test@test.com", "information":"a\/account\/edit", "history":"a\/account\/history", "newsletter":"a\/account\/logout" }"#;

    #[test]
    fn documented_login_answers() {
        let answer: StatusAnswer = serde_json::from_str(LOGGED_IN).unwrap();
        assert_eq!(answer.status, Some(true));
        assert_eq!(answer.success.as_deref(), Some("Logged in"));
        assert_eq!(
            answer.token.as_deref(),
            Some("58fb1592f0c59b8dc1d5541aebdff8da")
        );
        assert_eq!(answer.error_message(), None);
        assert!(!format!("{answer:?}").contains("58fb1592"), "{answer:?}");

        let failed: StatusAnswer = serde_json::from_str(LOGIN_FAILED).unwrap();
        assert_eq!(failed.status, Some(false));
        assert_eq!(failed.token, None);
        assert_eq!(failed.error_message(), Some(messages::LOGIN_FAILED));

        let check: StatusAnswer = serde_json::from_str(AUTHORIZED).unwrap();
        assert_eq!(check.status, Some(true));
        assert_eq!(check.request.as_deref(), Some(messages::AUTHORIZED));

        let out: StatusAnswer = serde_json::from_str(LOGGED_OUT).unwrap();
        assert_eq!(out.status, Some(true));
        assert_eq!(out.success.as_deref(), Some("Logged out"));
    }

    #[test]
    fn error_answers_of_both_generations() {
        let v1: StatusAnswer =
            serde_json::from_str(r#"{"error":"Not logged in or Login attempt failed!"}"#).unwrap();
        assert_eq!(v1.status, None);
        assert_eq!(v1.error_message(), Some(messages::NOT_LOGGED_IN));
        let v2: StatusAnswer = serde_json::from_str(
            r#"{"error_code":0,"error_title":"Unauthorized","error_text":"Login attempt failed!"}"#,
        )
        .unwrap();
        assert_eq!(v2.error_message(), Some(messages::LOGIN_FAILED));
        let text_flag: StatusAnswer = serde_json::from_str(r#"{"status":"0"}"#).unwrap();
        assert_eq!(text_flag.status, Some(false));
    }

    #[test]
    fn documented_account_answer() {
        let account: AccountAnswer = serde_json::from_str(ACCOUNT).unwrap();
        assert_eq!(account.title.as_deref(), Some("My Account"));
        assert_eq!(account.customer_id.as_deref(), Some("14"));
        assert_eq!(account.firstname.as_deref(), Some("Joe"));
        assert_eq!(account.lastname.as_deref(), Some("Doe"));
        assert_eq!(account.email.as_deref(), Some("test@test.com"));
        assert_eq!(account.information.as_deref(), Some("a/account/edit"));
        // Later versions cast the id to an integer.
        let numeric: AccountAnswer =
            serde_json::from_str(r#"{"customer_id":14,"firstname":"Joe"}"#).unwrap();
        assert_eq!(numeric.customer_id.as_deref(), Some("14"));
        assert_eq!(numeric.email, None);
    }
}
