//! The Customer API's own token endpoint and the endpoints where a signed-in customer lists,
//! creates and deletes personal API credentials.

use super::bearer::SignedInPerson;
use super::token::{TokenFailure, client_credentials, no_store, param};
use crate::demo::http::{ApiError, ApiJson};
use crate::demo::state::DemoState;
use crate::demo::store::ApiCredential;
use crate::shop::ShopError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use oxide_auth_axum::{OAuthRequest, WebError};
use serde::{Deserialize, Serialize};

/// The Customer API's access-token answer, in its documented field order.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerApiAccessToken {
    /// Always `AccessToken`.
    #[serde(rename = "_type")]
    pub kind: String,
    /// Always `Bearer`.
    pub token_type: String,
    pub expires_in: u64,
    pub access_token: String,
}

impl std::fmt::Debug for CustomerApiAccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomerApiAccessToken")
            .field("kind", &self.kind)
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("access_token", &"<redacted>")
            .finish()
    }
}

/// The Customer API's error answer at `/api/customer/oauth/access-token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerApiOAuthError {
    pub error: String,
    pub error_description: String,
    pub message: String,
    pub status: u16,
}

/// `POST /api/customer/oauth/access-token`: the Customer API's client-credentials grant.
pub(super) async fn customer_api_access_token(
    State(state): State<DemoState>,
    request: Result<OAuthRequest, WebError>,
) -> Response {
    let Ok(request) = request else {
        return TokenFailure::invalid_request("Send at most one Authorization header")
            .into_customer_api_response();
    };
    let Some(body) = request.body() else {
        return TokenFailure::invalid_request(
            "The parameters must be in the request body, form-encoded \
             (application/x-www-form-urlencoded); not JSON, not in the URL",
        )
        .into_customer_api_response();
    };
    match param(body, "grant_type").as_deref() {
        Some("client_credentials") => {}
        Some(_) => {
            return TokenFailure {
                status: StatusCode::BAD_REQUEST,
                error: "unsupported_grant_type",
                description: "The only grant_type is client_credentials",
            }
            .into_customer_api_response();
        }
        None => {
            return TokenFailure::invalid_request("grant_type is required")
                .into_customer_api_response();
        }
    }
    match client_credentials(&state, &request).await {
        Ok(token) => {
            let Some(access_token) = token.access_token else {
                return TokenFailure::server_error().into_customer_api_response();
            };
            let body = CustomerApiAccessToken {
                kind: "AccessToken".to_owned(),
                token_type: "Bearer".to_owned(),
                expires_in: state.auth.token_ttl.as_secs().max(1),
                access_token,
            };
            let mut response = Json(body).into_response();
            no_store(response.headers_mut());
            response
        }
        Err(failure) => failure.into_customer_api_response(),
    }
}

// ---------------------------------------------------------------------------------------------
// Bearer authentication for the shop API, and API-credential management.
// ---------------------------------------------------------------------------------------------

/// `POST /api/customer/api-credentials` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiCredential {
    pub label: String,
}

/// The answer to creating an API credential: the only time the secret is shown.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedApiCredential {
    pub client_id: String,
    pub label: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    pub client_secret: String,
}

impl std::fmt::Debug for CreatedApiCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedApiCredential")
            .field("client_id", &self.client_id)
            .field("label", &self.label)
            .field("created_at", &self.created_at)
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

const MAX_LABEL_CHARS: usize = 100;

/// `GET /api/customer/api-credentials`: id, label and creation time of each; never a secret.
pub(super) async fn list_credentials(
    State(state): State<DemoState>,
    SignedInPerson(customer): SignedInPerson,
) -> Result<Json<Vec<ApiCredential>>, ApiError> {
    Ok(Json(
        state
            .with_store(move |store| store.api_credentials(customer))
            .await?,
    ))
}

/// `POST /api/customer/api-credentials` with `{"label": "…"}` → 201 with the secret, once.
pub(super) async fn create_credential(
    State(state): State<DemoState>,
    SignedInPerson(customer): SignedInPerson,
    ApiJson(new): ApiJson<NewApiCredential>,
) -> Result<Response, ApiError> {
    let label = new.label.trim().to_owned();
    if label.is_empty() {
        return Err(ShopError::field("label", "must not be empty").into());
    }
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(ShopError::field(
            "label",
            format!("must be at most {MAX_LABEL_CHARS} characters"),
        )
        .into());
    }
    let (credential, client_secret) = state
        .with_store(move |store| store.create_api_credential(customer, &label))
        .await?;
    tracing::info!(customer, client_id = %credential.client_id, "API credential created");
    let body = CreatedApiCredential {
        client_id: credential.client_id,
        label: credential.label,
        created_at: credential.created_at,
        client_secret,
    };
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    no_store(response.headers_mut());
    Ok(response)
}

/// `DELETE /api/customer/api-credentials/{client_id}` → 204; its access tokens end too.
pub(super) async fn delete_credential(
    State(state): State<DemoState>,
    SignedInPerson(customer): SignedInPerson,
    Path(client_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = client_id.clone();
    state
        .with_store(move |store| store.revoke_api_credential(customer, &id))
        .await?;
    state.auth.revoke_client_tokens(&client_id);
    tracing::info!(customer, client_id = %client_id, "API credential revoked");
    Ok(StatusCode::NO_CONTENT)
}
