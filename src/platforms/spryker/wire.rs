//! Spryker Glue storefront API shapes, as the generated specification
//! (`spryker_rest_api.schema.yml`, auth-rest-api 2.15, customers-rest-api 1.22) and Spryker's
//! documentation give them. Glue speaks JSON:API: a `data` object with `type`, `id` and
//! `attributes`, and errors as `{"errors": [{"status", "code", "detail"}]}`.

use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;

#[path = "wire_cart.rs"]
mod cart;
pub use cart::*;

/// Glue's `2018-11-06 08:15:02.694668` (no zone; read as UTC).
pub fn parse_timestamp(text: &str) -> Option<OffsetDateTime> {
    let format = time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    time::PrimitiveDateTime::parse(text.trim(), format)
        .ok()
        .map(|t| t.assume_utc())
}

/// Glue's timestamp format, as the demo's emulator writes it.
pub fn format_timestamp(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:6]"
    );
    at.to_offset(time::UtcOffset::UTC)
        .format(format)
        .unwrap_or_default()
}

/// `{"data": {"type": …, "attributes": …}}`, the body of every Glue write.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request<A> {
    pub data: RequestData<A>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestData<A> {
    #[serde(rename = "type")]
    pub kind: String,
    pub attributes: A,
}

impl<A> Request<A> {
    pub fn new(kind: &str, attributes: A) -> Request<A> {
        Request {
            data: RequestData {
                kind: kind.to_owned(),
                attributes,
            },
        }
    }
}

/// `POST /access-tokens` attributes (`RestAccessTokensRequestAttributes`).
#[derive(Clone, Serialize, Deserialize)]
pub struct AccessTokensRequest {
    pub username: String,
    pub password: String,
}

impl Drop for AccessTokensRequest {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.password);
    }
}

/// `POST /refresh-tokens` attributes (`RestRefreshTokensRequestAttributes`).
#[derive(Clone, Serialize, Deserialize)]
pub struct RefreshTokensRequest {
    #[serde(rename = "refreshToken")]
    pub refresh_token: String,
}

impl Drop for RefreshTokensRequest {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.refresh_token);
    }
}

/// A single resource: `{"data": {"type", "id", "attributes", "links"}}`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document<A> {
    pub data: Resource<A>,
    pub links: Option<Links>,
}

/// A collection: `{"data": [ … ], "links": …}`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Collection<A> {
    pub data: Vec<Resource<A>>,
    pub links: Option<Links>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Resource<A> {
    #[serde(rename = "type")]
    pub kind: String,
    /// `null` for access tokens; the customer reference (`DE--25`) for customers.
    #[serde(default)]
    #[serialize_always]
    pub id: Option<String>,
    pub attributes: A,
    pub links: Option<Links>,
}

/// JSON:API links. Paged collections (`GET /orders?page[offset]=…&page[limit]=…`) add `first`,
/// `last`, and `prev`/`next` where there is such a page.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Links {
    #[serde(rename = "self", default)]
    pub self_link: String,
    pub first: Option<String>,
    pub last: Option<String>,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Links {
    pub fn to(self_link: String) -> Links {
        Links {
            self_link,
            ..Links::default()
        }
    }
}

/// `RestTokenResponseAttributes`. The specification types `expiresIn` as a string; Spryker
/// shops answer a number. Both are read.
#[serde_with::skip_serializing_none]
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenAttributes {
    pub token_type: String,
    #[serde(deserialize_with = "seconds")]
    #[serialize_always]
    pub expires_in: Option<u64>,
    pub access_token: String,
    #[serde(default)]
    #[serialize_always]
    pub refresh_token: Option<String>,
    #[serde(default, deserialize_with = "seconds")]
    pub refresh_token_expires_in: Option<u64>,
}

impl Drop for TokenAttributes {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.access_token);
        if let Some(refresh) = self.refresh_token.as_mut() {
            zeroize::Zeroize::zeroize(refresh);
        }
    }
}

/// Seconds as a JSON number or a numeric string (see [`TokenAttributes`]).
fn seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Seconds {
        Number(u64),
        Text(String),
    }
    Ok(match Option::<Seconds>::deserialize(deserializer)? {
        None => None,
        Some(Seconds::Number(n)) => Some(n),
        Some(Seconds::Text(text)) => Some(text.trim().parse().map_err(|_| {
            serde::de::Error::custom(format!("expiresIn {text:?} is not a number of seconds"))
        })?),
    })
}

/// `RestCustomersAttributes` as Glue answers them (write-only fields left out). Glue sends
/// `null` for unset fields; the emulator leaves them out, as the specification has no nulls.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerAttributes {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub salutation: Option<String>,
    pub gender: Option<String>,
    pub date_of_birth: Option<String>,
    /// `2018-11-06 08:15:02.694668` (the shop's time zone, not said; read as UTC).
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

/// `PATCH /customers/{customerReference}` attributes (`RestCustomersRequestAttributes`, the
/// fields an edit sends; Glue leaves out what is not sent).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerUpdate {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub salutation: Option<String>,
    pub gender: Option<String>,
}

/// `POST /customers` attributes (`RestCustomersRequestAttributes` as sign-up sends them; the
/// specification requires every one, Glue's own validation only the names, salutation, e-mail,
/// both passwords and the accepted terms).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerCreate {
    pub first_name: String,
    pub last_name: String,
    pub salutation: String,
    pub gender: Option<String>,
    pub email: String,
    pub password: String,
    pub confirm_password: String,
    pub accepted_terms: bool,
}

/// `RestAddressAttributes` (answers) and `RestAddressRequestAttributes` (writes; a PATCH may
/// send only some fields).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressAttributes {
    pub salutation: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub address3: Option<String>,
    pub zip_code: Option<String>,
    pub city: Option<String>,
    /// The country's name ("Germany"); `iso2Code` is what shopterm keeps.
    pub country: Option<String>,
    pub iso2_code: Option<String>,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub is_default_shipping: Option<bool>,
    pub is_default_billing: Option<bool>,
}

/// `RestOrderTotalsAttributes`: amounts in the currency's minor unit (cents).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderTotals {
    pub expense_total: Option<i64>,
    pub discount_total: Option<i64>,
    pub tax_total: Option<i64>,
    pub subtotal: Option<i64>,
    pub grand_total: Option<i64>,
    pub canceled_total: Option<i64>,
    pub remuneration_total: Option<i64>,
}

/// `RestOrdersAttributes`: one row of `GET /orders`. Glue gives no status and no item count here.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderAttributes {
    pub created_at: Option<String>,
    #[serde(default)]
    pub totals: OrderTotals,
    pub currency_iso_code: Option<String>,
    /// `GROSS_MODE` or `NET_MODE`.
    pub price_mode: Option<String>,
}

/// `RestOrderDetailsAttributes`, the parts shopterm shows.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderDetailAttributes {
    pub created_at: Option<String>,
    #[serde(default)]
    pub totals: OrderTotals,
    pub currency_iso_code: Option<String>,
    pub price_mode: Option<String>,
    #[serde(default)]
    pub items: Vec<OrderItem>,
    pub billing_address: Option<OrderAddress>,
    pub shipping_address: Option<OrderAddress>,
    #[serde(default)]
    pub payments: Vec<OrderPayment>,
    #[serde(default)]
    pub shipments: Vec<OrderShipmentMethod>,
}

/// `RestOrderItemsAttributes`, the parts shopterm shows.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderItem {
    pub name: Option<String>,
    pub sku: Option<String>,
    pub quantity: Option<u32>,
    pub unit_price: Option<i64>,
    pub sum_price: Option<i64>,
    pub unit_gross_price: Option<i64>,
    pub sum_gross_price: Option<i64>,
    pub uuid: Option<String>,
    /// The item's state-machine state (`new`, `exported`, `shipped`, `delivered`, …). Not in the
    /// specification this file follows; newer Glue versions answer it. Read when present.
    pub state: Option<String>,
}

/// `RestOrderAddress`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderAddress {
    pub salutation: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub address3: Option<String>,
    pub company: Option<String>,
    pub city: Option<String>,
    pub zip_code: Option<String>,
    pub phone: Option<String>,
    pub country: Option<String>,
    pub iso2_code: Option<String>,
}

/// `RestOrderPayment`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderPayment {
    pub amount: Option<i64>,
    pub payment_provider: Option<String>,
    pub payment_method: Option<String>,
}

/// `RestOrderShipment`: a shipment method of the order (no items, no parcel).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderShipmentMethod {
    pub shipment_method_name: Option<String>,
    pub carrier_name: Option<String>,
    pub currency_iso_code: Option<String>,
}

/// `RestOrderShipmentsAttributes`: an `order-shipments` resource (`?include=order-shipments`),
/// which says which items travel together.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderShipmentAttributes {
    #[serde(default)]
    pub item_uuids: Vec<String>,
    pub shipping_address: Option<OrderAddress>,
    pub method_name: Option<String>,
    pub carrier_name: Option<String>,
    pub requested_delivery_date: Option<String>,
}

/// `{"type", "id"}` in a resource's `relationships`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Identifier {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

/// `relationships` of an order: its `order-shipments`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OrderRelationships {
    #[serde(rename = "order-shipments", default)]
    pub order_shipments: RelationshipData,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RelationshipData {
    #[serde(default)]
    pub data: Vec<Identifier>,
}

/// `GET /orders/{orderReference}` (`RestOrderDetailsResponse`) with what `include` added.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderDocument {
    pub data: OrderResource,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub included: Vec<Resource<serde_json::Value>>,
    pub links: Option<Links>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderResource {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    #[serialize_always]
    pub id: Option<String>,
    pub attributes: OrderDetailAttributes,
    pub links: Option<Links>,
    pub relationships: Option<OrderRelationships>,
}

/// `PATCH /customer-password/{customerReference}` attributes.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordChangeRequest {
    pub password: String,
    pub new_password: String,
    pub confirm_password: String,
}

impl Drop for PasswordChangeRequest {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.password);
        zeroize::Zeroize::zeroize(&mut self.new_password);
        zeroize::Zeroize::zeroize(&mut self.confirm_password);
    }
}

/// `POST /customer-forgotten-password` attributes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ForgottenPasswordRequest {
    pub email: String,
}

/// `PATCH /customer-restore-password/{restorePasswordKey}` attributes.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestorePasswordRequest {
    pub restore_password_key: String,
    pub password: String,
    pub confirm_password: String,
}

impl Drop for RestorePasswordRequest {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.restore_password_key);
        zeroize::Zeroize::zeroize(&mut self.password);
        zeroize::Zeroize::zeroize(&mut self.confirm_password);
    }
}

/// `{"errors": [ … ]}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Errors {
    #[serde(default)]
    pub errors: Vec<ErrorItem>,
}

/// `RestErrorMessage`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorItem {
    pub status: Option<u16>,
    pub code: Option<String>,
    pub detail: Option<String>,
}

/// Glue's error codes that shopterm tells apart (auth-rest-api).
pub mod codes {
    /// 401: the access token is invalid or expired.
    pub const INVALID_ACCESS_TOKEN: &str = "001";
    /// 403: the request needs an access token and had none.
    pub const MISSING_ACCESS_TOKEN: &str = "002";
    /// 401: `POST /access-tokens` with a wrong username or password.
    pub const FAILED_TO_AUTHENTICATE: &str = "003";
    /// 401: `POST /refresh-tokens` with a refresh token that is not (or no longer) valid.
    pub const FAILED_TO_REFRESH: &str = "004";
    /// 429: `POST /access-tokens` refused after too many failed sign-ins, from the address or
    /// for the account (security-blocker-rest-api's `ERROR_RESPONSE_CODE_ACCOUNT_BLOCKED`; Glue
    /// sends no `Retry-After`, the wait is in minutes in `detail`).
    pub const ACCOUNT_BLOCKED: &str = "4401";
    /// 422: a request body that does not validate; `detail` is `field => message`.
    pub const UNPROCESSABLE: &str = "901";
    /// 403: a customer resource of another customer.
    pub const UNAUTHORIZED_REQUEST: &str = "411";
    /// 404: no address with this id in the customer's book (customers-rest-api).
    pub const ADDRESS_NOT_FOUND: &str = "404";
    /// 422: `newPassword` (or `password`) differs from `confirmPassword`.
    pub const PASSWORDS_DO_NOT_MATCH: &str = "406";
    /// 400: `PATCH /customer-password` with a wrong current password.
    pub const INVALID_PASSWORD: &str = "408";
    /// 422: `PATCH /customer-restore-password` with an unknown, used or expired key.
    pub const RESTORE_KEY_INVALID: &str = "415";
    /// 422: `POST /customers` with an e-mail another customer has (customers-rest-api's
    /// `RESPONSE_CODE_CUSTOMER_ALREADY_EXISTS`).
    pub const CUSTOMER_ALREADY_EXISTS: &str = "400";
    /// 400: `POST /customers` without `acceptedTerms: true`.
    pub const TERMS_NOT_ACCEPTED: &str = "422";
    /// 404: `DELETE /customers/{reference}` of no customer.
    pub const CUSTOMER_NOT_FOUND: &str = "402";
    /// 404: no order with this reference for the customer (orders-rest-api).
    pub const ORDER_NOT_FOUND: &str = "1001";
}

/// JSON:API's media type, which Glue answers with.
pub const MEDIA_TYPE: &str = "application/vnd.api+json";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glue_timestamps() {
        let at = parse_timestamp("2018-11-06 08:15:02.694668").unwrap();
        assert_eq!(at.year(), 2018);
        assert_eq!(at.nanosecond(), 694_668_000);
        assert_eq!(format_timestamp(at), "2018-11-06 08:15:02.694668");
        assert!(parse_timestamp("2018-11-06 08:15:02").is_some());
        assert!(parse_timestamp("yesterday").is_none());
    }
}
