//! The Customer API's wire format. Resources are the domain model's JSON (see `api/openapi.yaml`);
//! these are the request and answer shapes that exist only on the wire.

use crate::model::{AddressRole, OrderStatus};
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

/// Query of `GET /api/customer/orders`: `?offset=0&limit=50&status=shipped&since=2025-01-31&search=SO-1`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct OrdersQuery {
    pub offset: Option<u64>,
    pub limit: Option<u32>,
    pub status: Option<OrderStatus>,
    pub since: Option<String>,
    pub search: Option<String>,
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
