//! Glue's `/orders`: the paged list and one order's detail, with its items, totals and (with
//! `include=order-shipments`) its parcels.

use super::{Customer, GlueError, PREFIX, glue_json, includes};
use crate::demo::state::DemoState;
use crate::demo::store::MAX_PAGE_LIMIT;
use crate::model::{
    Money, OrderDetail, OrderNumber, OrderStatus, PageRequest, PostalAddress, ProductCode,
    ShipmentState, country_name,
};
use crate::platforms::spryker::wire::{self, codes, format_timestamp};
use crate::shop::ShopError;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

/// A query parameter of a raw query string (`page[offset]`, `include`).
fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn page_parameter(query: Option<&str>, name: &str) -> Result<Option<u64>, GlueError> {
    match query_value(query, name) {
        None => Ok(None),
        Some(text) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| GlueError::new(StatusCode::BAD_REQUEST, "007", "Request is invalid.")),
    }
}

fn orders_link(state: &DemoState, offset: u64, limit: u64) -> String {
    format!(
        "{}{PREFIX}/orders?page[offset]={offset}&page[limit]={limit}",
        state.base_url
    )
}

/// `GET /orders?page[offset]=N&page[limit]=M`, newest first, with JSON:API paging links:
/// `next` while more orders follow, `last` for the last page. Without `page[limit]` Glue lists
/// every order; the emulator stops at the store's page maximum.
pub(super) async fn orders(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    RawQuery(query): RawQuery,
) -> Result<Response, GlueError> {
    let offset = page_parameter(query.as_deref(), "page[offset]")?.unwrap_or(0);
    let limit = page_parameter(query.as_deref(), "page[limit]")?
        .unwrap_or(u64::from(MAX_PAGE_LIMIT))
        .clamp(1, u64::from(MAX_PAGE_LIMIT));
    let request = PageRequest {
        offset,
        limit: limit as u32,
        filter: Default::default(),
    };
    let page = state
        .with_store(move |s| s.orders(customer, &request))
        .await?;
    let total = page.total.unwrap_or(offset + page.items.len() as u64);
    let last = total.saturating_sub(1) / limit * limit;
    let links = wire::Links {
        self_link: orders_link(&state, offset, limit),
        first: Some(orders_link(&state, 0, limit)),
        last: Some(orders_link(&state, last, limit)),
        prev: (offset > 0).then(|| orders_link(&state, offset.saturating_sub(limit), limit)),
        next: page
            .has_more
            .then(|| orders_link(&state, offset + page.items.len() as u64, limit)),
    };
    let data = page
        .items
        .into_iter()
        .map(|order| wire::Resource {
            kind: "orders".into(),
            links: Some(wire::Links::to(format!(
                "{}{PREFIX}/orders/{}",
                state.base_url, order.number
            ))),
            id: Some(order.number.to_string()),
            attributes: wire::OrderAttributes {
                created_at: Some(format_timestamp(order.placed_at)),
                totals: wire::OrderTotals {
                    grand_total: Some(minor(&order.total)),
                    ..Default::default()
                },
                currency_iso_code: Some(order.total.currency.to_string()),
                price_mode: None,
            },
        })
        .collect();
    Ok(glue_json(
        StatusCode::OK,
        &wire::Collection {
            data,
            links: Some(links),
        },
    ))
}

/// An amount in the currency's minor unit, as Glue sends every amount.
pub(super) fn minor(money: &Money) -> i64 {
    let scaled = money.rounded().amount
        * rust_decimal::Decimal::from(10_i64.pow(money.currency.minor_digits()));
    rust_decimal::prelude::ToPrimitive::to_i64(&scaled.trunc()).unwrap_or_default()
}

fn order_address(postal: PostalAddress) -> wire::OrderAddress {
    wire::OrderAddress {
        salutation: None,
        country: country_name(&postal.country).map(str::to_owned),
        iso2_code: Some(postal.country),
        first_name: Some(postal.first_name),
        last_name: Some(postal.last_name),
        address1: Some(postal.line1),
        address2: postal.line2,
        address3: None,
        company: postal.company,
        city: Some(postal.city),
        zip_code: Some(postal.postcode),
        phone: postal.phone,
    }
}

/// The state-machine state Glue would give an item: from its parcel when it has one, else from
/// the order's status (Spryker keeps states per item, not per order).
fn item_state(status: OrderStatus, parcel: Option<ShipmentState>) -> &'static str {
    match (status, parcel) {
        (OrderStatus::Cancelled, _) => "canceled",
        (OrderStatus::Refunded, _) => "refunded",
        (_, Some(ShipmentState::Preparing)) => "exported",
        (_, Some(ShipmentState::Delivered)) => "delivered",
        (_, Some(ShipmentState::Returned)) => "returned",
        (_, Some(ShipmentState::InTransit | ShipmentState::Other)) => "shipped",
        (OrderStatus::Pending, None) => "new",
        (OrderStatus::Shipped, None) => "shipped",
        (OrderStatus::Delivered, None) => "delivered",
        (_, None) => "exported",
    }
}

/// `GET /orders/{orderReference}`; with `include=order-shipments` the parcels come as
/// `order-shipments` resources naming their items. Each order line is one item here: the demo
/// ships lines whole, each in one parcel, which is what Glue's items are (one shipment each).
pub(super) async fn order(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    Path(number): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, GlueError> {
    let include_shipments = includes(query.as_deref(), "order-shipments");
    let detail = customer_order(&state, customer, &number, || {
        GlueError::new(
            StatusCode::NOT_FOUND,
            codes::ORDER_NOT_FOUND,
            "Can't find order by the given order reference",
        )
    })
    .await?;
    let items = order_items(&detail, &number);
    let parcels = order_parcels(&detail, &items);
    let attributes = order_attributes(&detail, items);
    let relationships = include_shipments.then(|| wire::OrderRelationships {
        order_shipments: wire::RelationshipData {
            data: parcels
                .iter()
                .filter_map(|p| {
                    p.id.clone().map(|id| wire::Identifier {
                        kind: "order-shipments".into(),
                        id,
                    })
                })
                .collect(),
        },
    });
    let document = wire::OrderDocument {
        data: wire::OrderResource {
            kind: "orders".into(),
            id: Some(number.clone()),
            attributes,
            links: Some(wire::Links::to(format!(
                "{}{PREFIX}/orders/{number}",
                state.base_url
            ))),
            relationships,
        },
        included: if include_shipments {
            parcels
        } else {
            Vec::new()
        },
        links: None,
    };
    Ok(glue_json(StatusCode::OK, &document))
}

/// The customer's order by reference; `missing` is the endpoint's own answer for none.
pub(super) async fn customer_order(
    state: &DemoState,
    customer: crate::demo::store::CustomerKey,
    number: &str,
    missing: impl FnOnce() -> GlueError,
) -> Result<OrderDetail, GlueError> {
    let wanted = OrderNumber(number.to_owned());
    match state.with_store(move |s| s.order(customer, &wanted)).await {
        Ok(detail) => Ok(detail),
        Err(ShopError::NotFound(_)) => Err(missing()),
        Err(other) => Err(GlueError::from(other)),
    }
}

/// Which parcel (index into the shipments) carries the line with this code.
fn parcel_of(detail: &OrderDetail, code: &ProductCode) -> Option<usize> {
    detail
        .shipments
        .iter()
        .position(|parcel| parcel.lines.iter().any(|l| &l.code == code))
}

/// The order's lines as Glue items, each in the state of its parcel.
fn order_items(detail: &OrderDetail, number: &str) -> Vec<wire::OrderItem> {
    detail
        .lines
        .iter()
        .enumerate()
        .map(|(position, line)| {
            let parcel = parcel_of(detail, &line.code).map(|i| detail.shipments[i].state);
            wire::OrderItem {
                name: Some(line.name.clone()),
                sku: Some(line.code.to_string()),
                quantity: Some(line.quantity),
                unit_price: Some(minor(&line.unit_price)),
                sum_price: Some(minor(&line.line_total)),
                unit_gross_price: Some(minor(&line.unit_price)),
                sum_gross_price: Some(minor(&line.line_total)),
                uuid: Some(format!("{number}-item-{}", position + 1)),
                state: Some(item_state(detail.summary.status, parcel).to_owned()),
            }
        })
        .collect()
}

/// The parcels as `order-shipments` resources naming their items.
fn order_parcels(
    detail: &OrderDetail,
    items: &[wire::OrderItem],
) -> Vec<wire::Resource<serde_json::Value>> {
    detail
        .shipments
        .iter()
        .enumerate()
        .map(|(index, parcel)| {
            let item_uuids = detail
                .lines
                .iter()
                .zip(items)
                .filter(|(line, _)| parcel_of(detail, &line.code) == Some(index))
                .filter_map(|(_, item)| item.uuid.clone())
                .collect();
            let attributes = wire::OrderShipmentAttributes {
                item_uuids,
                shipping_address: detail.shipping_address.clone().map(order_address),
                method_name: Some(parcel.service.clone().unwrap_or_else(|| "Standard".into())),
                carrier_name: Some(parcel.carrier.clone()),
                requested_delivery_date: None,
            };
            wire::Resource {
                kind: "order-shipments".into(),
                id: Some(parcel.id.clone()),
                attributes: serde_json::to_value(attributes).unwrap_or_default(),
                links: None,
            }
        })
        .collect()
}

/// The distinct carrier and service pairs the parcels went with.
fn shipment_methods(detail: &OrderDetail) -> Vec<wire::OrderShipmentMethod> {
    let currency = detail.summary.total.currency;
    let mut methods: Vec<wire::OrderShipmentMethod> = Vec::new();
    for parcel in &detail.shipments {
        let method = wire::OrderShipmentMethod {
            shipment_method_name: Some(parcel.service.clone().unwrap_or_else(|| "Standard".into())),
            carrier_name: Some(parcel.carrier.clone()),
            currency_iso_code: Some(currency.to_string()),
        };
        if !methods.iter().any(|m| {
            m.carrier_name == method.carrier_name
                && m.shipment_method_name == method.shipment_method_name
        }) {
            methods.push(method);
        }
    }
    methods
}

/// The order's attributes: totals, price mode, items, addresses, payment and shipment methods.
fn order_attributes(
    detail: &OrderDetail,
    items: Vec<wire::OrderItem>,
) -> wire::OrderDetailAttributes {
    let currency = detail.summary.total.currency;
    let totals = &detail.totals;
    // Gross prices hold the tax; net ones add it on top.
    let gross = totals
        .items
        .amount
        .checked_sub(totals.discounts.amount)
        .and_then(|a| a.checked_add(totals.shipping.amount))
        == Some(totals.grand_total.amount);
    wire::OrderDetailAttributes {
        created_at: Some(format_timestamp(detail.summary.placed_at)),
        totals: wire::OrderTotals {
            expense_total: Some(minor(&totals.shipping)),
            discount_total: Some(minor(&totals.discounts)),
            tax_total: Some(minor(&totals.tax)),
            subtotal: Some(minor(&totals.items)),
            grand_total: Some(minor(&totals.grand_total)),
            canceled_total: Some(0),
            remuneration_total: Some(0),
        },
        currency_iso_code: Some(currency.to_string()),
        price_mode: Some(if gross { "GROSS_MODE" } else { "NET_MODE" }.into()),
        items,
        billing_address: detail.billing_address.clone().map(order_address),
        shipping_address: detail.shipping_address.clone().map(order_address),
        payments: vec![wire::OrderPayment {
            amount: Some(minor(&totals.grand_total)),
            payment_provider: Some("DummyPayment".into()),
            payment_method: Some("Invoice".into()),
        }],
        shipments: shipment_methods(detail),
    }
}
