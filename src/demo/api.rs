//! The demo shop's customer API: every operation of the `Shop` trait over HTTP, bearer-token
//! protected, documented in `api/openapi.yaml`. Handlers only translate HTTP to store calls; the
//! store owns the rules.

use super::http::{ApiError, ApiJson, ApiQuery};
use super::oauth::SignedIn;
use super::state::DemoState;
use super::store::{Mail, OrderCursor};
use crate::model::*;
use crate::platforms::customer_api::wire::*;
use crate::shop::ShopError;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::net::SocketAddr;

pub fn routes() -> Router<DemoState> {
    Router::new()
        .route("/api/customer/account", get(account).put(update_account))
        .route(
            "/api/customer/addresses",
            get(addresses).post(create_address),
        )
        .route(
            "/api/customer/addresses/{id}",
            axum::routing::put(update_address).delete(delete_address),
        )
        .route(
            "/api/customer/addresses/{id}/default",
            post(set_default_address),
        )
        .route("/api/customer/orders", get(orders).post(place_order))
        .route("/api/customer/orders/{number}", get(order))
        .route("/api/customer/password", post(change_password))
        .route(
            "/api/customer/password/forgotten",
            post(request_password_reset),
        )
        .route("/api/customer/password/reset", post(reset_password))
        .route("/api/customer/products", get(products))
        .route("/demo/outbox", get(outbox))
}

type ApiResult<T> = Result<T, ApiError>;

async fn account(
    State(state): State<DemoState>,
    SignedIn(c): SignedIn,
) -> ApiResult<Json<Account>> {
    Ok(Json(state.with_store(move |s| s.account(c)).await?))
}

async fn update_account(
    State(state): State<DemoState>,
    SignedIn(c): SignedIn,
    ApiJson(draft): ApiJson<AccountDraft>,
) -> ApiResult<Json<Account>> {
    Ok(Json(
        state
            .with_store(move |s| s.update_account(c, &draft))
            .await?,
    ))
}

async fn addresses(
    State(state): State<DemoState>,
    SignedIn(c): SignedIn,
) -> ApiResult<Json<Vec<Address>>> {
    Ok(Json(state.with_store(move |s| s.addresses(c)).await?))
}

async fn create_address(
    State(state): State<DemoState>,
    SignedIn(c): SignedIn,
    ApiJson(draft): ApiJson<PostalAddress>,
) -> ApiResult<(StatusCode, Json<Address>)> {
    let created = state
        .with_store(move |s| s.create_address(c, &draft))
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn update_address(
    State(state): State<DemoState>,
    SignedIn(c): SignedIn,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<PostalAddress>,
) -> ApiResult<Json<Address>> {
    let id = AddressId(id);
    Ok(Json(
        state
            .with_store(move |s| s.update_address(c, &id, &draft))
            .await?,
    ))
}

async fn delete_address(
    State(state): State<DemoState>,
    SignedIn(c): SignedIn,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = AddressId(id);
    state.with_store(move |s| s.delete_address(c, &id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_default_address(
    State(state): State<DemoState>,
    SignedIn(c): SignedIn,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<DefaultAddressRequest>,
) -> ApiResult<Json<Vec<Address>>> {
    let id = AddressId(id);
    Ok(Json(
        state
            .with_store(move |s| s.set_default_address(c, &id, request.role))
            .await?,
    ))
}

/// The order-history query as a page request; a bad date or limit is a validation error.
fn page_request(query: OrdersQuery) -> Result<PageRequest, ApiError> {
    let since = match query.since.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => Some(
            time::Date::parse(
                text,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .map_err(|_| {
                ApiError::from(ShopError::field("since", "must be a date like 2025-01-31"))
            })?,
        ),
    };
    let limit = query.limit.unwrap_or(PageRequest::DEFAULT_LIMIT);
    if !(1..=MAX_ORDERS_LIMIT).contains(&limit) {
        return Err(
            ShopError::field("limit", format!("must be between 1 and {MAX_ORDERS_LIMIT}")).into(),
        );
    }
    Ok(PageRequest {
        offset: query.offset.unwrap_or(0),
        limit,
        filter: OrderFilter {
            status: query.status,
            since,
            search: query.search.filter(|s| !s.trim().is_empty()),
        },
    })
}

/// A page of the order list; `next_after` only in the keyset form and when more follow.
#[derive(serde::Serialize)]
struct OrderListPage {
    #[serde(flatten)]
    page: Page<OrderSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_after: Option<String>,
}

async fn orders(
    State(state): State<DemoState>,
    SignedIn(c): SignedIn,
    ApiQuery(mut query): ApiQuery<OrdersQuery>,
) -> ApiResult<Json<OrderListPage>> {
    // `?after=` (empty for the first page) asks for the keyset form.
    let after = query.after.take();
    let page = page_request(query)?;
    let Some(after) = after else {
        let page = state.with_store(move |s| s.orders(c, &page)).await?;
        return Ok(Json(OrderListPage {
            page,
            next_after: None,
        }));
    };
    let cursor = match after.trim() {
        "" => None,
        text => Some(text.parse::<OrderCursor>()?),
    };
    let (filter, limit) = (page.filter, page.limit);
    let got = state
        .with_store(move |s| s.orders_after(c, &filter, cursor, limit))
        .await?;
    Ok(Json(OrderListPage {
        page: Page {
            has_more: got.next.is_some(),
            items: got.items,
            // The keyset form does not count the rows before a cursor; it echoes the client's.
            offset: page.offset,
            total: Some(got.total),
        },
        next_after: got.next.map(|cursor| cursor.to_string()),
    }))
}

async fn order(
    State(state): State<DemoState>,
    SignedIn(c): SignedIn,
    Path(number): Path<String>,
) -> ApiResult<Json<OrderDetail>> {
    let number = OrderNumber(number);
    Ok(Json(state.with_store(move |s| s.order(c, &number)).await?))
}

async fn place_order(
    State(state): State<DemoState>,
    SignedIn(c): SignedIn,
    ApiJson(new_order): ApiJson<NewOrder>,
) -> ApiResult<Response> {
    if new_order.idempotency_key.trim().is_empty()
        || new_order.idempotency_key.trim().chars().count() > 128
    {
        return Err(ShopError::field("idempotency_key", "must be 1 to 128 characters").into());
    }
    let placed = state
        .with_store(move |s| s.place_order(c, &new_order))
        .await?;
    // A replayed key answers 200 with the earlier order; a new order is 201 Created.
    let status = if placed.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(placed)).into_response())
}

async fn change_password(
    State(state): State<DemoState>,
    SignedIn(c): SignedIn,
    ApiJson(request): ApiJson<PasswordChangeRequest>,
) -> ApiResult<StatusCode> {
    state
        .with_store(move |s| s.change_password(c, &request.current_password, &request.new_password))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn request_password_reset(
    State(state): State<DemoState>,
    ApiJson(request): ApiJson<ForgottenPasswordRequest>,
) -> ApiResult<(StatusCode, Json<MessageResponse>)> {
    if !validate::is_plausible_email(request.email.trim()) {
        return Err(ShopError::field("email", "is not an e-mail address").into());
    }
    let base = state.base_url.to_string();
    let message = state
        .with_store(move |s| s.request_password_reset(request.email.trim(), &base))
        .await?;
    Ok((StatusCode::ACCEPTED, Json(MessageResponse { message })))
}

async fn reset_password(
    State(state): State<DemoState>,
    ApiJson(request): ApiJson<PasswordResetRequest>,
) -> ApiResult<StatusCode> {
    state
        .with_store(move |s| {
            s.reset_password(request.key.trim(), &request.new_password)
                .map(|_| ())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn products(
    State(state): State<DemoState>,
    SignedIn(c): SignedIn,
    ApiQuery(query): ApiQuery<ProductsQuery>,
) -> ApiResult<Json<Vec<Product>>> {
    let codes: Vec<ProductCode> = query
        .codes
        .split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(ProductCode::from)
        .collect();
    if codes.is_empty() || codes.len() > 200 {
        return Err(ShopError::field("codes", "must name 1 to 200 product codes").into());
    }
    let query = ProductQuery {
        codes,
        brand: query.brand.filter(|b| !b.trim().is_empty()),
    };
    Ok(Json(
        state.with_store(move |s| s.products(c, &query)).await?,
    ))
}

/// The demo outbox: where password-reset "e-mails" land. Answered only to loopback peers.
async fn outbox(
    State(state): State<DemoState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> ApiResult<Json<Vec<Mail>>> {
    if !peer.ip().is_loopback() {
        return Err(
            ShopError::Forbidden("the outbox is served to loopback clients only".into()).into(),
        );
    }
    Ok(Json(state.with_store(|s| s.outbox()).await?))
}
