//! AbanteCart storefront API shapes, as its controllers write them
//! (`public_html/storefront/controller/api/account/{login,logout,account,history,edit}.php`,
//! answers encoded by `core/lib/rest.php`): every request is `index.php?rt=<route>` with the
//! parameters as form fields, every answer a JSON object. Failures are `{"status": 0, "error": "…"}` or just
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
    /// The account form: `GET` shows it (with the token in the URL, so shopterm does not use
    /// it), `POST` saves it, or answers it again with the errors when it does not validate.
    pub const EDIT: &str = "a/account/edit";
    /// The order history, one page of the shop's `config_catalog_limit` orders at a time.
    pub const HISTORY: &str = "a/account/history";
}

/// The form fields the account routes read.
pub mod fields {
    pub const LOGINNAME: &str = "loginname";
    pub const EMAIL: &str = "email";
    pub const PASSWORD: &str = "password";
    pub const TOKEN: &str = "token";
    /// `a/account/history`: the 1-based page (and, where the shop reads it, its size).
    pub const PAGE: &str = "page";
    pub const LIMIT: &str = "limit";
    /// `a/account/edit`.
    pub const FIRSTNAME: &str = "firstname";
    pub const LASTNAME: &str = "lastname";
    pub const TELEPHONE: &str = "telephone";
    pub const FAX: &str = "fax";
    pub const NEWSLETTER: &str = "newsletter";
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
    /// `a/account/edit`'s texts (English language pack, `account/edit.xml` and `english.xml`).
    pub const EDIT_SUCCESS: &str = "Success: Your account has been successfully updated.";
    pub const DATA_ENTRY_ERROR: &str = "Oops, there is an error with information provided!";
    pub const EMAIL_EXISTS: &str = "Error: E-Mail address is already registered!";
    pub const FIRSTNAME_ERROR: &str = "First Name must be between 1 and 32 characters!";
    pub const LASTNAME_ERROR: &str = "Last Name must be between 1 and 32 characters!";
    pub const EMAIL_ERROR: &str = "E-Mail Address does not appear to be valid!";
    pub const TELEPHONE_ERROR: &str = "Telephone must be between 3 and 32 numeric only characters!";
}

/// The answer of `a/account/login`, `a/account/logout` and of every failure:
/// `{"status":1,"success":"Logged in","token":"…"}`, `{"status":0,"error":"Login attempt failed!"}`,
/// `{"status":1,"request":"authorized"}`, `{"error":"Not logged in or Login attempt failed!"}`.
#[serde_with::skip_serializing_none]
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct StatusAnswer {
    /// 1 for success, 0 for failure (PHP sends an integer, and so does the emulator; `"1"` and
    /// booleans are read too).
    #[serde(default, deserialize_with = "flag", serialize_with = "flag_as_number")]
    pub status: Option<bool>,
    pub success: Option<String>,
    /// The session's token: PHP's session id, which AbanteCart also uses as its API token.
    pub token: Option<String>,
    /// A token check's outcome: `authorized` or `unauthorized`.
    pub request: Option<String>,
    pub error: Option<String>,
    /// AbanteCart 2's error text (its `error` is `error_title`).
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
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountAnswer {
    pub title: Option<String>,
    /// `"14"` from AbanteCart 1.2 (the database's text), `14` from later versions.
    #[serde(default, deserialize_with = "id_text")]
    #[serialize_always]
    pub customer_id: Option<String>,
    #[serde(default)]
    #[serialize_always]
    pub firstname: Option<String>,
    #[serde(default)]
    #[serialize_always]
    pub lastname: Option<String>,
    #[serde(default)]
    #[serialize_always]
    pub email: Option<String>,
    /// The routes for more of the account (`a/account/edit`, `a/account/history`; `newsletter`
    /// names `a/account/logout` on every version, a slip of AbanteCart's).
    pub information: Option<String>,
    pub history: Option<String>,
    pub newsletter: Option<String>,
}

/// The answer of `a/account/history`: `{"limit":18,"orders":[…],"total_orders":42,"page":1}`;
/// a customer without orders gets only `{"orders":[],"total_orders":0}`. `limit` and `page`
/// say which window the shop served: the controller reads `page` (and, since 2016, `limit`) only
/// when PHP sees an integer, which a form field never is, so stock shops since 1.2.9 serve the
/// first page whatever is asked, and say so here.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct HistoryAnswer {
    #[serde(default, deserialize_with = "number")]
    pub limit: Option<u64>,
    #[serde(default)]
    pub orders: Vec<HistoryOrder>,
    #[serde(default, deserialize_with = "number")]
    #[serialize_always]
    pub total_orders: Option<u64>,
    #[serde(default, deserialize_with = "number")]
    pub page: Option<u64>,
}

/// One row of the history, every text as the shop prints it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistoryOrder {
    /// The database's text (`"12"`); read as a number too.
    #[serde(default, deserialize_with = "id_text")]
    pub order_id: Option<String>,
    /// The order's `firstname lastname`, HTML-escaped.
    pub name: Option<String>,
    /// The order status's name in the shop's language; `null` when the status has no name in it.
    pub status: Option<String>,
    /// `dateISO2Display(date_added, date_format_short)`: `m/d/Y` in the English language pack.
    pub date_added: Option<String>,
    /// How many lines (`order_products` rows) the order has — not how many pieces.
    #[serde(default, deserialize_with = "number")]
    pub products: Option<u64>,
    /// `ACurrency::format`: symbol, number with the language's separators, symbol
    /// (`$1,234.50`, `1,234.50€`); no currency code.
    pub total: Option<String>,
}

/// The answer of `a/account/edit`: a `GET` (and a `POST` that did not validate) answers the form,
/// `{"fields": {…}}`; a `POST` that did not validate adds `status: 0` and the `error_*` texts
/// (`null` for fields without an error); a saved `POST` answers
/// `{"status":1,"text_message":"Success: …"}`. All with HTTP 200.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EditAnswer {
    #[serde(default, deserialize_with = "flag", serialize_with = "flag_as_number")]
    pub status: Option<bool>,
    pub text_message: Option<String>,
    /// The form's general error: "Oops, there is an error…", or "E-Mail address is already
    /// registered!" (which is about `email`, but comes here).
    pub error_warning: Option<Option<String>>,
    pub error_firstname: Option<Option<String>>,
    pub error_lastname: Option<Option<String>>,
    pub error_email: Option<Option<String>>,
    pub error_telephone: Option<Option<String>>,
    pub fields: Option<EditFields>,
}

/// The form's fields, in the controller's order.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EditFields {
    pub firstname: Option<FormField>,
    pub lastname: Option<FormField>,
    pub email: Option<FormField>,
    pub telephone: Option<FormField>,
    pub fax: Option<FormField>,
    pub newsletter: Option<FormField>,
}

/// `{"type":"input","name":"telephone","value":"…","required":true,"error":null}`; the
/// controller leaves `required` off `telephone` and `error` off `fax` and `newsletter`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FormField {
    #[serde(rename = "type", default)]
    #[serialize_always]
    pub kind: Option<String>,
    #[serde(default)]
    #[serialize_always]
    pub name: Option<String>,
    /// HTML-escaped text; `newsletter`'s is `"0"` or `"1"`, read as a number too.
    #[serde(default, deserialize_with = "id_text")]
    #[serialize_always]
    pub value: Option<String>,
    pub required: Option<bool>,
    pub error: Option<Option<String>>,
}

/// A count as a JSON number or as PHP's text of one.
fn number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Count {
        Number(u64),
        Text(String),
    }
    match Option::<Count>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Count::Number(n)) => Ok(Some(n)),
        Some(Count::Text(text)) if text.trim().is_empty() => Ok(None),
        Some(Count::Text(text)) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("{text:?} is not a count"))),
    }
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

    // The documentation's history and account form samples, and answers shaped as the
    // controllers write them (1.4: numbers cast to int, ids as MySQL text; 1.2: all text).
    const EMPTY_HISTORY: &str = r#"{ "orders":[ ], "total_orders":0 }"#;
    const HISTORY_1_4: &str = r#"{"limit":18,"orders":[{"order_id":"12","name":"Joe Doe","status":"Pending","date_added":"03/07/2024","products":2,"total":"$1,234.50"}],"total_orders":1,"page":1}"#;
    const HISTORY_1_2: &str = r#"{"limit":"12","orders":[{"order_id":"7","name":"Zo&euml; O&#039;Neil","status":null,"date_added":"12/31/2013","products":"1","total":"10.00\u20ac"}],"total_orders":"13","page":"2"}"#;
    const EDIT_FORM: &str = r#"{ "fields":{ "firstname":{ "type":"input", "name":"firstname", "value":"First Name", "required":true, "error":null }, "lastname":{ "type":"input", "name":"lastname", "value":"Last Name", "required":true, "error":null }, "email":{ "type":"input", "name":"email", "value":"test@test.com", "required":true, "error":null }, "telephone":{ "type":"input", "name":"telephone", "value":"435435435", "required":true, "error":null }, "fax":{ "type":"input", "name":"fax", "value":"434543543", "required":false }, "newsletter":{ "type":"selectbox", "name":"newsletter", "value":"1", "required":false } } }"#;
    const EDIT_SAVED: &str = r#"{ "status": 1, "text_message":"Success" }"#;

    #[test]
    fn history_answers() {
        let empty: HistoryAnswer = serde_json::from_str(EMPTY_HISTORY).unwrap();
        assert!(empty.orders.is_empty());
        assert_eq!(
            (empty.total_orders, empty.limit, empty.page),
            (Some(0), None, None)
        );

        let v14: HistoryAnswer = serde_json::from_str(HISTORY_1_4).unwrap();
        assert_eq!(
            (v14.limit, v14.total_orders, v14.page),
            (Some(18), Some(1), Some(1))
        );
        let order = &v14.orders[0];
        assert_eq!(order.order_id.as_deref(), Some("12"));
        assert_eq!(order.name.as_deref(), Some("Joe Doe"));
        assert_eq!(order.status.as_deref(), Some("Pending"));
        assert_eq!(order.date_added.as_deref(), Some("03/07/2024"));
        assert_eq!(order.products, Some(2));
        assert_eq!(order.total.as_deref(), Some("$1,234.50"));

        let v12: HistoryAnswer = serde_json::from_str(HISTORY_1_2).unwrap();
        assert_eq!(
            (v12.limit, v12.total_orders, v12.page),
            (Some(12), Some(13), Some(2))
        );
        assert_eq!(v12.orders[0].products, Some(1));
        assert_eq!(v12.orders[0].status, None);
        assert_eq!(v12.orders[0].total.as_deref(), Some("10.00€"));

        assert!(serde_json::from_str::<HistoryAnswer>(r#"{"total_orders":"many"}"#).is_err());
        // What the emulator writes reads back the same.
        let again: HistoryAnswer =
            serde_json::from_str(&serde_json::to_string(&v14).unwrap()).unwrap();
        assert_eq!(again.orders[0].order_id.as_deref(), Some("12"));
        assert_eq!(again.page, Some(1));
    }

    #[test]
    fn account_form_answers() {
        let form: EditAnswer = serde_json::from_str(EDIT_FORM).unwrap();
        assert_eq!(form.status, None);
        let fields = form.fields.expect("fields");
        let telephone = fields.telephone.expect("telephone");
        assert_eq!(telephone.value.as_deref(), Some("435435435"));
        assert_eq!(telephone.kind.as_deref(), Some("input"));
        assert_eq!(fields.fax.unwrap().value.as_deref(), Some("434543543"));
        assert_eq!(fields.newsletter.unwrap().value.as_deref(), Some("1"));
        assert_eq!(fields.firstname.unwrap().required, Some(true));

        let saved: EditAnswer = serde_json::from_str(EDIT_SAVED).unwrap();
        assert_eq!(saved.status, Some(true));
        assert_eq!(saved.text_message.as_deref(), Some("Success"));

        let refused: EditAnswer = serde_json::from_str(
            r#"{"status":0,"error_warning":"Oops, there is an error with information provided!","error_firstname":"First Name must be between 1 and 32 characters!","error_lastname":null,"error_email":null,"error_telephone":null,"fields":{"firstname":{"type":"input","name":"firstname","value":"x","required":true,"error":"First Name must be between 1 and 32 characters!"},"newsletter":{"type":"selectbox","name":"newsletter","value":0,"required":false}}}"#,
        )
        .unwrap();
        assert_eq!(refused.status, Some(false));
        assert_eq!(
            refused.error_firstname.flatten().as_deref(),
            Some(messages::FIRSTNAME_ERROR)
        );
        assert_eq!(refused.error_lastname.flatten(), None);
        let fields = refused.fields.unwrap();
        assert_eq!(fields.newsletter.unwrap().value.as_deref(), Some("0"));
        assert!(fields.telephone.is_none());

        // An error-free field of a refused form is written `"error": null`, as PHP writes it.
        let written = serde_json::to_value(FormField {
            kind: Some("input".into()),
            name: Some("lastname".into()),
            value: Some("Doe".into()),
            required: Some(true),
            error: Some(None),
        })
        .unwrap();
        assert_eq!(
            written,
            serde_json::json!({"type":"input","name":"lastname","value":"Doe","required":true,"error":null})
        );
    }
}
