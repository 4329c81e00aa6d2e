//! Spryker Glue storefront API shapes, as the generated specification
//! (`spryker_rest_api.schema.yml`, auth-rest-api 2.15, customers-rest-api 1.22) and Spryker's
//! documentation give them. Glue speaks JSON:API: a `data` object with `type`, `id` and
//! `attributes`, and errors as `{"errors": [{"status", "code", "detail"}]}`.

use serde::{Deserialize, Deserializer, Serialize};

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
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document<A> {
    pub data: Resource<A>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Links>,
}

/// A collection: `{"data": [ … ], "links": …}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Collection<A> {
    pub data: Vec<Resource<A>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Links>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Resource<A> {
    #[serde(rename = "type")]
    pub kind: String,
    /// `null` for access tokens; the customer reference (`DE--25`) for customers.
    #[serde(default)]
    pub id: Option<String>,
    pub attributes: A,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Links>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Links {
    #[serde(rename = "self")]
    pub self_link: String,
}

/// `RestTokenResponseAttributes`. The specification types `expiresIn` as a string; Spryker
/// shops answer a number. Both are read.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenAttributes {
    pub token_type: String,
    #[serde(deserialize_with = "seconds")]
    pub expires_in: Option<u64>,
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(
        default,
        deserialize_with = "seconds",
        skip_serializing_if = "Option::is_none"
    )]
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
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerAttributes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salutation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    /// `2018-11-06 08:15:02.694668` (the shop's time zone, not said; read as UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
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
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
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
    /// 422: a request body that does not validate.
    pub const UNPROCESSABLE: &str = "901";
}

/// JSON:API's media type, which Glue answers with.
pub const MEDIA_TYPE: &str = "application/vnd.api+json";
