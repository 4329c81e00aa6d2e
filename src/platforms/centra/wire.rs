//! Centra Checkout API v1 shapes for user accounts, as Centra's "User Accounts" documentation gives
//! them (`POST login/{email}`, `POST logout`, `POST orders`, `PUT address|email|password`,
//! `POST password-reset-email/{email}`, `POST password-reset`, and the "regular JSON" every call
//! answers). The session token travels in the `API-Token` request header and comes back as
//! `token` in every answer; while a customer is logged in on that token the answer holds a
//! `loggedIn` object. Errors are an `errors` object of field → message
//! (`{"errors": {"password": "incorrect"}}`) with an HTTP status of 400 or more; an answer without
//! `errors` is a success.
//!
//! Amounts come twice: as display text (`"$ 4 USD"`) and as `…AsNumber`, a JSON number in major
//! units (`82.4`), or `false` where the shop has none. [`Amount`] reads the number's text into a
//! `Decimal`, so no amount goes through float arithmetic.

use crate::model::PostalAddress;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::str::FromStr;

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
#[serde_with::skip_serializing_none]
#[derive(Serialize, Deserialize)]
pub struct Answer {
    pub token: Option<String>,
    pub selection: Option<serde_json::Value>,
    /// Present while a customer is logged in on the token; gone after `POST logout`.
    #[serde(rename = "loggedIn", default, deserialize_with = "logged_in")]
    pub logged_in: Option<LoggedIn>,
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
    pub errors: Option<Errors>,
}

/// The customer logged in on the token. Centra keeps one address per customer, and sends every
/// field as a string (empty when unset); `null` is read as empty too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggedIn {
    #[serde(default, deserialize_with = "text")]
    pub email: String,
    /// The customer's names, phone and one address.
    #[serde(flatten)]
    pub address: AddressFields,
}

/// The fields of an address as `loggedIn`, `PUT address` and an order's addresses name them:
/// every one a string, empty when unset (`null` is read as empty too).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressFields {
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

impl AddressFields {
    /// A postal address in these fields (Centra's have no company: it is dropped).
    pub fn from_postal(postal: &PostalAddress) -> AddressFields {
        let text = |optional: &Option<String>| optional.clone().unwrap_or_default();
        AddressFields {
            first_name: postal.first_name.clone(),
            last_name: postal.last_name.clone(),
            address1: postal.line1.clone(),
            address2: text(&postal.line2),
            zip_code: postal.postcode.clone(),
            city: postal.city.clone(),
            state: text(&postal.region),
            country: postal.country.clone(),
            phone_number: text(&postal.phone),
        }
    }

    /// These fields (and a company, where the address has one) as a normalised postal address.
    pub fn to_postal(&self, company: &str) -> PostalAddress {
        PostalAddress {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            company: Some(company.to_owned()),
            line1: self.address1.clone(),
            line2: Some(self.address2.clone()),
            city: self.city.clone(),
            postcode: self.zip_code.clone(),
            region: Some(self.state.clone()),
            country: self.country.clone(),
            phone: Some(self.phone_number.clone()),
        }
        .normalized()
    }
}

/// `POST orders` body: `from` is the offset of the first order (0 for the newest), `size` how
/// many. Without them Centra answers every order, which can be slow: shopterm always pages.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrdersRequest {
    pub from: Option<u64>,
    pub size: Option<u64>,
}

/// The part of the `POST orders` answer shopterm reads (beside the regular JSON's `token` and
/// `loggedIn`, which are left unread here so no copy of the token is kept).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrdersAnswer {
    #[serde(default)]
    pub orders: Vec<Order>,
    pub orders_paging: Option<OrdersPaging>,
    pub errors: Option<Errors>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrdersPaging {
    #[serde(default)]
    pub from: u64,
    #[serde(default)]
    pub size: u64,
    pub total_size: Option<u64>,
}

/// One order of `POST orders`, as the documentation's sample shows it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// The order number the customer sees (`"575"`; a number is read as its text).
    #[serde(default, deserialize_with = "text_or_number")]
    pub order: String,
    /// Centra's status code (`untouched`, …) and its display name (`Pending`).
    #[serde(default, deserialize_with = "text")]
    pub status: String,
    #[serde(default, deserialize_with = "text")]
    pub status_description: String,
    /// `2015-10-20 16:01:34`, without an offset.
    #[serde(default, deserialize_with = "text")]
    pub date: String,
    #[serde(default, deserialize_with = "text")]
    pub currency: String,
    #[serde(default, deserialize_with = "text")]
    pub payment_method: String,
    #[serde(default, deserialize_with = "text")]
    pub payment_method_name: String,
    #[serde(default, deserialize_with = "text")]
    pub shipping_method_name: String,
    #[serde(default, deserialize_with = "list")]
    pub items: Vec<OrderItem>,
    pub discounts: Option<Discounts>,
    #[serde(default)]
    pub totals: Totals,
    /// The billing address.
    pub address: Option<OrderAddress>,
    pub shipping_address: Option<OrderAddress>,
    #[serde(default, deserialize_with = "list")]
    pub shipments: Vec<Shipment>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderItem {
    /// The sellable item (a product's size or variant, `2-1`): what `POST items/{item}` adds.
    #[serde(default, deserialize_with = "text_or_number")]
    pub item: String,
    #[serde(default, deserialize_with = "text")]
    pub sku: String,
    #[serde(default, deserialize_with = "text")]
    pub brand_name: String,
    #[serde(default, deserialize_with = "text")]
    pub product_name: String,
    #[serde(default, deserialize_with = "text")]
    pub size: String,
    #[serde(default)]
    pub quantity: u32,
    /// Display text, as it comes (`"$ 4 USD"`).
    #[serde(default)]
    pub price_each: serde_json::Value,
    #[serde(default)]
    pub price_each_as_number: Amount,
    #[serde(default)]
    pub total_price: serde_json::Value,
    #[serde(default)]
    pub total_price_as_number: Amount,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Discounts {
    #[serde(default)]
    pub any_discount: bool,
    #[serde(default)]
    pub discount: serde_json::Value,
    #[serde(default)]
    pub discount_as_number: Amount,
}

/// An order's totals. `false` stands for "none" in the `…AsNumber` fields (`taxAdded` on a
/// shop whose prices include tax).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    #[serde(default)]
    pub items_total_price: serde_json::Value,
    #[serde(default)]
    pub items_total_price_as_number: Amount,
    #[serde(default)]
    pub total_discount_price_as_number: Amount,
    #[serde(default)]
    pub shipping_price_as_number: Amount,
    #[serde(default)]
    pub handling_cost_price_as_number: Amount,
    pub total_quantity: Option<u32>,
    /// Tax taken off the prices (a negative amount, on tax-exempt orders).
    #[serde(default)]
    pub tax_deducted_as_number: Amount,
    /// Tax added on top of prices that exclude it.
    #[serde(default)]
    pub tax_added_as_number: Amount,
    #[serde(default)]
    pub grand_total_price: serde_json::Value,
    #[serde(default)]
    pub grand_total_price_as_number: Amount,
    /// The tax included in the grand total.
    #[serde(default)]
    pub grand_total_price_tax_as_number: Amount,
}

/// An order's billing or shipping address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderAddress {
    #[serde(default, deserialize_with = "text")]
    pub email: String,
    #[serde(default, deserialize_with = "text")]
    pub company: String,
    #[serde(flatten)]
    pub address: AddressFields,
}

/// A shipment of an order: "If an order is shipped, it has an array of shipments".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shipment {
    /// `2017-08-04 16:22:20`; empty or `null` while not shipped.
    #[serde(default, deserialize_with = "text")]
    pub shipped_date: String,
    #[serde(default, deserialize_with = "text")]
    pub carrier: String,
    #[serde(default, deserialize_with = "text")]
    pub service: String,
    #[serde(default, deserialize_with = "text")]
    pub tracking_id: String,
    #[serde(default, deserialize_with = "text")]
    pub tracking_url: String,
}

/// `PUT address` body: the customer's one address, in `loggedIn`'s field names (the swagger is
/// not at hand; these are the names the documentation's `loggedIn` sample uses).
pub type AddressRequest = AddressFields;

/// `PUT email` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailRequest {
    pub email: String,
}

/// `PUT password` body. The swagger that names its fields is not at hand: the names follow the
/// prose documentation's own, `password` as in `POST login/{email}` for the current password and
/// `newPassword` as in `POST password-reset` for the new one.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordRequest {
    pub password: String,
    pub new_password: String,
}

impl Drop for PasswordRequest {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.password);
        zeroize::Zeroize::zeroize(&mut self.new_password);
    }
}

/// `POST password-reset-email/{email}` body; `linkUri` is optional (the shop's frontend URL is
/// set up in Centra, only the path can be chosen).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResetEmailRequest {
    pub link_uri: Option<String>,
}

/// `POST password-reset` body: `id` and `i` from the e-mail's link, and the new password.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResetRequest {
    pub new_password: String,
    pub i: String,
    pub id: String,
}

impl Drop for ResetRequest {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.new_password);
        zeroize::Zeroize::zeroize(&mut self.i);
    }
}

/// `POST products` body: a search over the catalogue, as the Checkout API's own example
/// storefront looks products up (`{"search": q, "language": …}`). shopterm then keeps only the
/// items whose SKU (or EAN) is the code asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductsRequest {
    pub search: String,
}

/// The part of the `POST products` answer shopterm reads.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductsAnswer {
    #[serde(default, deserialize_with = "list")]
    pub products: Vec<CatalogueProduct>,
    pub errors: Option<Errors>,
}

/// A product of the catalogue, priced in the session's market and pricelist (the selection's
/// currency); its `items` are the sizes or variants that are sold.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogueProduct {
    #[serde(default, deserialize_with = "text_or_number")]
    pub product: String,
    #[serde(default, deserialize_with = "text")]
    pub name: String,
    #[serde(default, deserialize_with = "text")]
    pub sku: String,
    #[serde(default, deserialize_with = "text")]
    pub brand_name: String,
    #[serde(default)]
    pub price: serde_json::Value,
    #[serde(default)]
    pub price_as_number: Amount,
    #[serde(default)]
    pub in_stock: bool,
    #[serde(default, deserialize_with = "list")]
    pub items: Vec<CatalogueItem>,
}

/// One sellable item of a product.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogueItem {
    #[serde(default, deserialize_with = "text_or_number")]
    pub item: String,
    #[serde(default, deserialize_with = "text")]
    pub name: String,
    #[serde(default, deserialize_with = "text")]
    pub sku: String,
    #[serde(default, deserialize_with = "text")]
    pub ean: String,
    #[serde(default)]
    pub in_stock: bool,
    /// Pieces left, where the shop tells (Centra's item stock, when the API plugin shows it).
    pub stock: Option<u32>,
}

/// The regular JSON's `selection`: the session's cart, priced by the shop.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Selection {
    #[serde(default, deserialize_with = "text")]
    pub currency: String,
    /// The payment method chosen for the selection (Centra preselects one).
    #[serde(default, deserialize_with = "text")]
    pub payment_method: String,
    #[serde(default, deserialize_with = "list")]
    pub items: Vec<SelectionLine>,
    #[serde(default)]
    pub totals: SelectionTotals,
}

/// One line of the selection: an item, how many, and the shop's price for it now.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectionLine {
    #[serde(default, deserialize_with = "text_or_number")]
    pub item: String,
    #[serde(default, deserialize_with = "text")]
    pub sku: String,
    #[serde(default, deserialize_with = "text")]
    pub brand_name: String,
    #[serde(default, deserialize_with = "text")]
    pub product_name: String,
    #[serde(default)]
    pub quantity: u32,
    /// The line's id for `POST|DELETE lines/{line}/quantity/{n}`.
    #[serde(default, deserialize_with = "text")]
    pub line: String,
    #[serde(default)]
    pub price_each_as_number: Amount,
    #[serde(default)]
    pub total_price_as_number: Amount,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectionTotals {
    #[serde(default)]
    pub items_total_price_as_number: Amount,
    #[serde(default)]
    pub grand_total_price_as_number: Amount,
    pub total_quantity: Option<u32>,
}

/// The regular JSON with its selection read: what the selection calls (`GET selection`,
/// `POST items/{item}`, `POST lines/{line}/quantity/{n}`) answer.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SelectionAnswer {
    pub selection: Option<Selection>,
    pub errors: Option<Errors>,
}

/// `POST payment` body: the payment method, where the shop's payment page sends the customer
/// back to (paid or failed), and the address the order goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRequest {
    pub payment_method: String,
    pub payment_return_page: String,
    pub payment_failed_page: String,
    pub terms_and_conditions: bool,
    pub address: PaymentAddress,
}

/// The customer's address in `POST payment`: `loggedIn`'s fields and the e-mail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentAddress {
    #[serde(default, deserialize_with = "text")]
    pub email: String,
    #[serde(flatten)]
    pub address: AddressFields,
}

/// `POST payment`'s answer: `action` says what the shop wants done next — `redirect` to `url`
/// (the payment page), show `formHtml` (a form that posts to the payment provider), or
/// `success` (nothing to pay: the order is placed, its number in `order`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentAnswer {
    #[serde(default, deserialize_with = "text")]
    pub action: String,
    pub url: Option<String>,
    pub form_html: Option<String>,
    #[serde(default, deserialize_with = "text_or_number")]
    pub order: String,
    pub errors: Option<Errors>,
}

/// An `…AsNumber` amount in major units; `None` for `false` or `null`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Amount(pub Option<Decimal>);

impl Amount {
    pub fn of(amount: Decimal) -> Amount {
        Amount(Some(amount))
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Amount, D::Error> {
        use serde::de::Error;
        // Through `serde_json::Value`, whose numbers print back as the shortest text that reads
        // as the same number (`82.4`), which `Decimal` then parses exactly.
        let text = match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::Null | serde_json::Value::Bool(false) => return Ok(Amount(None)),
            serde_json::Value::Number(number) => number.to_string(),
            serde_json::Value::String(text) if text.trim().is_empty() => return Ok(Amount(None)),
            serde_json::Value::String(text) => text.trim().to_owned(),
            _ => return Err(D::Error::custom("an amount that is not a number")),
        };
        Decimal::from_str(&text)
            .or_else(|_| Decimal::from_scientific(&text))
            .map(Amount::of)
            .map_err(|_| D::Error::custom("an amount out of range"))
    }
}

impl Serialize for Amount {
    /// As Centra writes it: a JSON number, `false` for none. A fraction leaves as the nearest
    /// float, which prints as the decimal's own digits for any amount a shop holds.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        match self.0 {
            None => serializer.serialize_bool(false),
            Some(amount) if amount.fract().is_zero() => match i64::try_from(amount.trunc()) {
                Ok(whole) => serializer.serialize_i64(whole),
                Err(_) => Err(S::Error::custom("an amount out of range")),
            },
            Some(amount) => match f64::from_str(&amount.normalize().to_string()) {
                Ok(float) => serializer.serialize_f64(float),
                Err(_) => Err(S::Error::custom("an amount out of range")),
            },
        }
    }
}

/// A string or a number as text; `null` as the empty string.
fn text_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    match Option::<serde_json::Value>::deserialize(deserializer)? {
        None => Ok(String::new()),
        Some(serde_json::Value::String(text)) => Ok(text),
        Some(serde_json::Value::Number(number)) => Ok(number.to_string()),
        Some(_) => Err(serde::de::Error::custom("expected a string or a number")),
    }
}

/// A list; `null` (or an empty object, as PHP writes an empty array at times) as empty.
fn list<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
    deserializer: D,
) -> Result<Vec<T>, D::Error> {
    match Option::<serde_json::Value>::deserialize(deserializer)? {
        None => Ok(Vec::new()),
        Some(serde_json::Value::Object(map)) if map.is_empty() => Ok(Vec::new()),
        Some(value) => serde_json::from_value(value).map_err(serde::de::Error::custom),
    }
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
    /// `"login": "too many attempts"` (429, with `Retry-After`): the demo's answer to a sign-in
    /// after too many failed ones (Centra documents none).
    pub const LOGIN: &str = "login";
    pub const TOO_MANY_ATTEMPTS: &str = "too many attempts";
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
