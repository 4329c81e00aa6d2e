//! Shoptet's REST API (v1.0) shapes that shopterm uses, named exactly as Shoptet's OpenAPI
//! description names them. Every answer is an envelope of `data`, `errors[]` and `metadata`;
//! lists carry a `paginator`. Money travels as decimal strings ("242.00"), times as
//! `2017-12-12T22:08:01+0100` (no colon in the offset). Fields the spec marks "can be null" are
//! `Option`s; unknown fields are ignored, as Shoptet says new ones may appear at any time.
//!
//! By topic: `customers` (the e-shop, customers and their delivery addresses), `orders` (orders,
//! shipments and the bodies that create orders), `products`.

mod customers;
mod orders;
mod products;
#[cfg(test)]
mod tests;

pub use customers::*;
pub use orders::*;
pub use products::*;

use serde::{Deserialize, Serialize};

/// The media type Shoptet wants on every request, GETs included; the version is the API's.
pub const CONTENT_TYPE: &str = "application/vnd.shoptet.v1.0";
/// What Shoptet answers with.
pub const RESPONSE_CONTENT_TYPE: &str = "application/vnd.shoptet.v1.0+json; charset=utf-8";
/// What a request with a JSON body is sent as: the same version with the JSON suffix, as
/// Shoptet's own write examples send it.
pub const JSON_CONTENT_TYPE: &str = "application/vnd.shoptet.v1.0+json";
/// The header of a private (Premium) API token.
pub const PRIVATE_TOKEN_HEADER: &str = "Shoptet-Private-API-Token";
/// The header of an add-on's temporary access token.
pub const ACCESS_TOKEN_HEADER: &str = "Shoptet-Access-Token";
/// How full the token's leaky bucket is after this request.
pub const BUCKET_FILLING_HEADER: &str = "X-RateLimit-Bucket-Filling";
/// `errorCode` of a validation failure; its `instance` names the field ("data.zip").
pub const INVALID_REQUEST_DATA: &str = "invalid-request-data";
/// Most orders a list page holds.
pub const MAX_ORDERS_PER_PAGE: u32 = 50;

/// Every answer: `data` (null on errors), `errors` (null when none), `metadata`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub data: Option<T>,
    #[serde(default)]
    pub errors: Option<Vec<ApiError>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

impl<T> Envelope<T> {
    /// A successful answer's envelope.
    pub fn ok(data: T) -> Envelope<T> {
        Envelope {
            data: Some(data),
            errors: None,
            metadata: None,
        }
    }
}

/// One entry of `errors[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    pub error_code: String,
    pub message: String,
    pub instance: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    pub request_id: String,
}

/// A request body: Shoptet wraps every write in `{"data": …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestBody<T> {
    pub data: T,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Paginator {
    pub total_count: u32,
    pub page: u32,
    pub page_count: u32,
    pub items_on_page: u32,
    pub items_per_page: u32,
}

/// Parses Shoptet's `2017-12-12T22:08:01+0100`.
pub fn parse_time(text: &str) -> Option<time::OffsetDateTime> {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory][offset_minute]"
    );
    time::OffsetDateTime::parse(text, format).ok()
}

/// Writes a time the way Shoptet does.
pub fn format_time(at: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory][offset_minute]"
    );
    at.format(format).unwrap_or_default()
}
