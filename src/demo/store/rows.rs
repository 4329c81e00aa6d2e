//! Mapping result rows and stored text to the domain model (timestamps, currencies, statuses,
//! address snapshots, order summaries).

use super::server_error;
use crate::model::*;
use crate::shop::ShopResult;
use rusqlite::Row;

pub(super) const ORDER_SUMMARY_COLUMNS: &str = "o.number, o.placed_at, o.status, o.status_label, \
     o.payment_status, o.payment_label, o.item_count, o.total_minor, o.currency";

pub(super) fn timestamp(seconds: i64, column: usize) -> rusqlite::Result<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp(seconds).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Integer,
            Box::new(e),
        )
    })
}

pub(super) fn currency_at(row: &Row<'_>, column: usize) -> rusqlite::Result<Currency> {
    let text: String = row.get(column)?;
    text.parse().map_err(|e: MoneyError| {
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn parse_payment_status(text: &str) -> PaymentStatus {
    [
        PaymentStatus::Unpaid,
        PaymentStatus::Authorized,
        PaymentStatus::Paid,
        PaymentStatus::PartiallyRefunded,
        PaymentStatus::Refunded,
        PaymentStatus::Failed,
    ]
    .into_iter()
    .find(|status| status.as_str() == text)
    .unwrap_or(PaymentStatus::Other)
}

pub(super) fn shipment_state_str(state: ShipmentState) -> &'static str {
    match state {
        ShipmentState::Preparing => "preparing",
        ShipmentState::InTransit => "in_transit",
        ShipmentState::Delivered => "delivered",
        ShipmentState::Returned => "returned",
        ShipmentState::Other => "other",
    }
}

pub(super) fn parse_shipment_state(text: &str) -> ShipmentState {
    [
        ShipmentState::Preparing,
        ShipmentState::InTransit,
        ShipmentState::Delivered,
        ShipmentState::Returned,
    ]
    .into_iter()
    .find(|state| shipment_state_str(*state) == text)
    .unwrap_or(ShipmentState::Other)
}

pub(super) fn parse_snapshot(json: &str) -> ShopResult<PostalAddress> {
    serde_json::from_str(json).map_err(|e| server_error(format!("bad address snapshot: {e}")))
}

/// An order summary from the first columns of a row, as `ORDER_SUMMARY_COLUMNS` lists them.
pub(super) fn order_summary(row: &Row<'_>) -> rusqlite::Result<OrderSummary> {
    let status: String = row.get(2)?;
    let payment: String = row.get(4)?;
    Ok(OrderSummary {
        number: OrderNumber(row.get(0)?),
        placed_at: timestamp(row.get(1)?, 1)?,
        status: OrderStatus::parse(&status).unwrap_or(OrderStatus::Other),
        status_label: row.get(3)?,
        payment_status: parse_payment_status(&payment),
        payment_label: row.get(5)?,
        item_count: row.get(6)?,
        total: Money::from_minor(row.get(7)?, currency_at(row, 8)?),
    })
}
