//! The Customer API's wire format. Resources are the domain model's JSON (see `api/openapi.yaml`);
//! these are the request and answer shapes that exist only on the wire.

use crate::model::{AddressRole, OrderStatus, OrderSummary};
use crate::shop::FieldError;
use serde::{Deserialize, Serialize};

/// The JSON body of every error answer. The demo shop answers with it and the connector parses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    pub error_description: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

/// `POST /api/customer/addresses/{id}/default`
#[derive(Debug, Deserialize, Serialize)]
pub struct DefaultAddressRequest {
    pub role: AddressRole,
}

/// Query of `GET /api/customer/orders`: `?offset=0&limit=50&status=shipped&since=2025-01-31&search=SO-1`,
/// or the keyset form with `after` (empty for the first page, then the `next_after` of the page
/// before) instead of `offset`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct OrdersQuery {
    pub after: Option<String>,
    pub offset: Option<u64>,
    pub limit: Option<u32>,
    pub status: Option<OrderStatus>,
    pub since: Option<String>,
    pub search: Option<String>,
}

/// Most orders one page of `GET /api/customer/orders` holds (a larger `limit` is `422`).
pub const MAX_ORDERS_LIMIT: u32 = 200;

/// What the connector reads of an order page in the keyset form (`after` given). The answer
/// also has the offset form's `offset` and `has_more`; `next_after` alone tells whether more
/// follow. Named fields rather than a flattened `Page`: flattening buffers every order of the
/// page before parsing it.
#[derive(Debug, Deserialize)]
pub struct KeysetOrdersPage {
    pub items: Vec<OrderSummary>,
    pub total: Option<u64>,
    #[serde(default)]
    pub next_after: Option<String>,
}

/// `POST /api/customer/password`
#[derive(Deserialize, Serialize)]
pub struct PasswordChangeRequest {
    pub current_password: String,
    pub new_password: String,
}

/// `POST /api/customer/password/forgotten`
#[derive(Deserialize, Serialize)]
pub struct ForgottenPasswordRequest {
    pub email: String,
}

/// The answer of `POST /api/customer/password/forgotten`.
#[derive(Debug, Deserialize, Serialize)]
pub struct MessageResponse {
    pub message: String,
}

/// `POST /api/customer/password/reset`
#[derive(Deserialize, Serialize)]
pub struct PasswordResetRequest {
    pub key: String,
    pub new_password: String,
}

/// Query of `GET /api/customer/products`: `?codes=A1,B2&brand=Acme`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Deserialize, Serialize)]
pub struct ProductsQuery {
    pub codes: String,
    pub brand: Option<String>,
}
