//! `Shop` over the Customer API: JSON over HTTP(S), bearer tokens from a `TokenSource`, one retry
//! after a refreshed token, and every error answer mapped to a `ShopError`.

use super::wire::*;
use crate::auth::TokenSource;
use crate::model::*;
use crate::platforms::common::{parse_json, retry_after_of, send_anonymous, send_with_token};
use crate::shop::*;
use async_trait::async_trait;
use reqwest::{Method, StatusCode, header};
use secrecy::ExposeSecret;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use url::Url;

pub struct CustomerApiShop {
    base: Url,
    http: reqwest::Client,
    tokens: Arc<dyn TokenSource>,
}

/// Whether a request carries the customer's bearer token.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Auth {
    Bearer,
    Anonymous,
}

impl CustomerApiShop {
    /// `base` is the shop's root URL (`https://shop.example`); the API lives under `/api/customer/`.
    pub fn new(base: Url, http: reqwest::Client, tokens: Arc<dyn TokenSource>) -> CustomerApiShop {
        CustomerApiShop { base, http, tokens }
    }

    /// `/api/customer/` + the given path segments, each percent-encoded.
    fn url(&self, segments: &[&str]) -> ShopResult<Url> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|_| ShopError::Protocol(format!("{} cannot be a base URL", self.base)))?
            .pop_if_empty()
            .extend(["api", "customer"])
            .extend(segments);
        Ok(url)
    }

    /// Sends a request; on a 401 from an expired token, asks the token source for a new one and
    /// sends once more. Returns the successful response; error answers become `ShopError`s.
    async fn send(
        &self,
        method: Method,
        url: Url,
        auth: Auth,
        query: Option<&dyn erased_query::Query>,
        body: Option<&serde_json::Value>,
    ) -> ShopResult<reqwest::Response> {
        let build = || {
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .header(header::ACCEPT, "application/json");
            if let Some(query) = query {
                request = query.apply(request);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            request
        };
        match auth {
            Auth::Bearer => {
                send_with_token(
                    &*self.tokens,
                    |token| build().bearer_auth(token.expose_secret()),
                    error_from_response,
                )
                .await
            }
            Auth::Anonymous => send_anonymous(build(), error_from_response).await,
        }
    }

    async fn get_json<T: DeserializeOwned>(
        &self,
        url: Url,
        query: Option<&dyn erased_query::Query>,
    ) -> ShopResult<T> {
        let response = self
            .send(Method::GET, url, Auth::Bearer, query, None)
            .await?;
        parse_json(response).await
    }

    async fn send_json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        auth: Auth,
        body: &B,
    ) -> ShopResult<T> {
        let body = serde_json::to_value(body).map_err(|e| ShopError::Protocol(e.to_string()))?;
        let response = self.send(method, url, auth, None, Some(&body)).await?;
        parse_json(response).await
    }

    async fn send_no_content<B: Serialize>(
        &self,
        method: Method,
        url: Url,
        auth: Auth,
        body: Option<&B>,
    ) -> ShopResult<()> {
        let body = body
            .map(serde_json::to_value)
            .transpose()
            .map_err(|e| ShopError::Protocol(e.to_string()))?;
        self.send(method, url, auth, None, body.as_ref()).await?;
        Ok(())
    }
}

/// Query strings of different types through one non-generic `send`.
mod erased_query {
    pub trait Query: Sync {
        fn apply(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder;
    }

    impl<T: serde::Serialize + Sync> Query for T {
        fn apply(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
            request.query(self)
        }
    }
}

/// Maps an error answer to a `ShopError`, using the JSON error body where there is one.
async fn error_from_response(response: reqwest::Response) -> ShopError {
    let status = response.status();
    let retry_after = retry_after_of(&response);
    let body: Option<ErrorBody> = match response.bytes().await {
        Ok(bytes) => serde_json::from_slice(&bytes).ok(),
        Err(_) => None,
    };
    let description = body
        .as_ref()
        .map(|b| b.error_description.clone())
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned());
    let code = body.as_ref().map(|b| b.error.as_str()).unwrap_or("");
    match status {
        StatusCode::UNAUTHORIZED => ShopError::SessionExpired,
        StatusCode::BAD_REQUEST if code == "access_denied" => ShopError::NotSignedIn,
        StatusCode::FORBIDDEN => ShopError::Forbidden(description),
        StatusCode::NOT_FOUND => ShopError::NotFound(description),
        StatusCode::CONFLICT | StatusCode::LOCKED => ShopError::Conflict(description),
        StatusCode::TOO_MANY_REQUESTS => ShopError::RateLimited { retry_after },
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => ShopError::Validation {
            message: description,
            fields: body.map(|b| b.fields).unwrap_or_default(),
        },
        s if s.is_server_error() => ShopError::Server {
            status: s.as_u16(),
            message: description,
        },
        s => ShopError::Protocol(format!("unexpected HTTP {}: {description}", s.as_u16())),
    }
}

#[async_trait]
impl Shop for CustomerApiShop {
    fn identity(&self) -> &Identity {
        super::PLATFORM.id.identity()
    }

    async fn account(&self) -> ShopResult<Account> {
        self.get_json(self.url(&["account"])?, None).await
    }

    async fn update_account(&self, draft: &AccountDraft) -> ShopResult<Account> {
        self.send_json(Method::PUT, self.url(&["account"])?, Auth::Bearer, draft)
            .await
    }

    async fn addresses(&self) -> ShopResult<Vec<Address>> {
        self.get_json(self.url(&["addresses"])?, None).await
    }

    async fn create_address(&self, draft: &PostalAddress) -> ShopResult<Address> {
        self.send_json(Method::POST, self.url(&["addresses"])?, Auth::Bearer, draft)
            .await
    }

    async fn update_address(&self, id: &AddressId, draft: &PostalAddress) -> ShopResult<Address> {
        self.send_json(
            Method::PUT,
            self.url(&["addresses", id.as_str()])?,
            Auth::Bearer,
            draft,
        )
        .await
    }

    async fn delete_address(&self, id: &AddressId) -> ShopResult<()> {
        self.send_no_content::<()>(
            Method::DELETE,
            self.url(&["addresses", id.as_str()])?,
            Auth::Bearer,
            None,
        )
        .await
    }

    async fn set_default_address(
        &self,
        id: &AddressId,
        role: AddressRole,
    ) -> ShopResult<Vec<Address>> {
        let url = self.url(&["addresses", id.as_str(), "default"])?;
        self.send_json(
            Method::POST,
            url,
            Auth::Bearer,
            &DefaultAddressRequest { role },
        )
        .await
    }

    async fn orders(&self, page: &PageRequest) -> ShopResult<Page<OrderSummary>> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let query = OrdersQuery {
            after: None,
            offset: Some(page.offset),
            limit: Some(page.limit),
            status: page.filter.status,
            since: page.filter.since.and_then(|d| d.format(format).ok()),
            search: page.filter.search.clone(),
        };
        self.get_json(self.url(&["orders"])?, Some(&query)).await
    }

    async fn orders_after(&self, page: &CursorRequest) -> ShopResult<CursorPage<OrderSummary>> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let query = OrdersQuery {
            // Empty asks for the first page in the keyset form.
            after: Some(page.after.as_ref().map(|c| c.0.clone()).unwrap_or_default()),
            offset: None,
            limit: Some(page.limit.clamp(1, MAX_ORDERS_LIMIT)),
            status: page.filter.status,
            since: page.filter.since.and_then(|d| d.format(format).ok()),
            search: page.filter.search.clone(),
        };
        let answer: KeysetOrdersPage = self.get_json(self.url(&["orders"])?, Some(&query)).await?;
        Ok(CursorPage {
            items: answer.items,
            total: answer.total,
            next: answer.next_after.filter(|c| !c.is_empty()).map(PageCursor),
        })
    }

    fn max_page_size(&self) -> Option<u32> {
        Some(MAX_ORDERS_LIMIT)
    }

    async fn order(&self, number: &OrderNumber) -> ShopResult<OrderDetail> {
        self.get_json(self.url(&["orders", number.as_str()])?, None)
            .await
    }

    async fn change_password(&self, change: &PasswordChange) -> ShopResult<()> {
        let body = PasswordChangeRequest {
            current_password: change.current.expose_secret().to_owned(),
            new_password: change.new.expose_secret().to_owned(),
        };
        let result = self
            .send_no_content(
                Method::POST,
                self.url(&["password"])?,
                Auth::Bearer,
                Some(&body),
            )
            .await;
        drop(zeroizing(body.current_password));
        drop(zeroizing(body.new_password));
        result
    }

    async fn request_password_reset(&self, email: &str) -> ShopResult<String> {
        let body = ForgottenPasswordRequest {
            email: email.to_owned(),
        };
        let answer: MessageResponse = self
            .send_json(
                Method::POST,
                self.url(&["password", "forgotten"])?,
                Auth::Anonymous,
                &body,
            )
            .await?;
        Ok(answer.message)
    }

    async fn reset_password(&self, reset: &PasswordReset) -> ShopResult<()> {
        let body = PasswordResetRequest {
            key: reset.key.expose_secret().to_owned(),
            new_password: reset.new_password.expose_secret().to_owned(),
        };
        let result = self
            .send_no_content(
                Method::POST,
                self.url(&["password", "reset"])?,
                Auth::Anonymous,
                Some(&body),
            )
            .await;
        drop(zeroizing(body.key));
        drop(zeroizing(body.new_password));
        result
    }

    async fn products(&self, query: &ProductQuery) -> ShopResult<Vec<Product>> {
        if query.codes.is_empty() {
            return Ok(Vec::new());
        }
        let wire = ProductsQuery {
            codes: query
                .codes
                .iter()
                .map(ProductCode::as_str)
                .collect::<Vec<_>>()
                .join(","),
            brand: query.brand.clone(),
        };
        self.get_json(self.url(&["products"])?, Some(&wire)).await
    }

    async fn place_order(&self, order: &NewOrder) -> ShopResult<PlacedOrder> {
        self.send_json(Method::POST, self.url(&["orders"])?, Auth::Bearer, order)
            .await
    }
}

/// Wipes a plain copy of a secret when dropped.
fn zeroizing(secret: String) -> zeroize::Zeroizing<String> {
    zeroize::Zeroizing::new(secret)
}
