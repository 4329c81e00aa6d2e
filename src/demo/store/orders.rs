//! Order history: pages of summaries filtered by status, date and search text, and one order's
//! detail with lines, shipments and addresses.

use super::rows::{
    ORDER_SUMMARY_COLUMNS, order_summary, parse_shipment_state, parse_snapshot, timestamp,
};
use super::{CustomerKey, MAX_PAGE_LIMIT, Store, db_error};
use crate::model::*;
use crate::shop::{ShopError, ShopResult};
use rusqlite::{OptionalExtension, params};

/// The WHERE clause of the order history: `?2` status, `?3` since (unix seconds); each NULL
/// when not filtered. With [`ORDER_SEARCH`] when a search text is given.
const ORDER_FILTER: &str = "o.customer_id = ?1
       AND (?2 IS NULL OR o.status = ?2)
       AND (?3 IS NULL OR o.placed_at >= ?3)";

/// `?4`, a LIKE pattern (`ESCAPE '\'` pairs with [`like_pattern`]) matching the order number or
/// a line's code or name. Only in the statements of a search: SQLite re-prepares a statement
/// whose LIKE pattern is a parameter each time that parameter is bound, even to NULL, and the
/// parse and plan were a twentieth of the demo shop's CPU on the order list.
const ORDER_SEARCH: &str = "AND (o.number LIKE ?4 ESCAPE '\\'
            OR EXISTS (SELECT 1 FROM order_lines l
                       WHERE l.order_id = o.id
                         AND (l.code LIKE ?4 ESCAPE '\\' OR l.name LIKE ?4 ESCAPE '\\')))";

fn order_search(search: bool) -> &'static str {
    if search { ORDER_SEARCH } else { "" }
}

/// The newest orders first; `(placed_at, id)` is unique, so it orders pages totally and a
/// keyset cursor can name the place between two rows. The index `orders_by_customer` serves it.
const ORDER_ORDER: &str = "ORDER BY o.placed_at DESC, o.id DESC";

/// The first page, then the pages after a cursor (`?5`, `?6`); `?7` the row limit. Two
/// statements rather than `?5 IS NULL OR ...`, which would make SQLite scan from the newest
/// order up to the cursor.
fn keyset_sql(after: bool, search: bool) -> String {
    let range = if after {
        "AND (o.placed_at, o.id) < (?5, ?6)"
    } else {
        "AND ?5 IS NULL AND ?6 IS NULL"
    };
    let search = order_search(search);
    format!(
        "SELECT {ORDER_SUMMARY_COLUMNS}, o.id FROM orders o WHERE {ORDER_FILTER} {search} {range}
         {ORDER_ORDER} LIMIT ?7"
    )
}

fn offset_sql(search: bool) -> String {
    let search = order_search(search);
    format!(
        "SELECT {ORDER_SUMMARY_COLUMNS} FROM orders o WHERE {ORDER_FILTER} {search}
         {ORDER_ORDER} LIMIT ?5 OFFSET ?6"
    )
}

const MAINTAINED_COUNT_SQL: &str =
    "SELECT COALESCE((SELECT orders FROM order_counts WHERE customer_id = ?1), 0)";

/// Where a keyset page starts: just after the order with this `(placed_at, id)`. Its text
/// form (`Display` / `FromStr`) is opaque to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderCursor {
    placed_at: i64,
    id: i64,
}

impl std::fmt::Display for OrderCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.placed_at, self.id)
    }
}

impl std::str::FromStr for OrderCursor {
    type Err = ShopError;
    fn from_str(text: &str) -> Result<Self, ShopError> {
        let bad = || ShopError::field("after", "is not a cursor this shop gave out");
        let (placed_at, id) = text.split_once('.').ok_or_else(bad)?;
        Ok(OrderCursor {
            placed_at: placed_at.parse().map_err(|_| bad())?,
            id: id.parse().map_err(|_| bad())?,
        })
    }
}

/// A keyset page: its orders, how many match in all, and the cursor of the page after it
/// (`None` on the last page). No offset: counting the rows before a cursor would cost what
/// keyset paging saves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeysetPage {
    pub items: Vec<OrderSummary>,
    pub total: u64,
    pub next: Option<OrderCursor>,
}

/// The bound values of [`ORDER_FILTER`] for a filter.
struct FilterParams {
    status: Option<&'static str>,
    since: Option<i64>,
    pattern: Option<String>,
}

impl FilterParams {
    fn of(filter: &OrderFilter) -> FilterParams {
        FilterParams {
            status: filter.status.map(|s| s.as_str()),
            since: filter
                .since
                .map(|day| day.midnight().assume_utc().unix_timestamp()),
            // Case-insensitive for ASCII letters, as SQLite's LIKE is; other scripts match exactly.
            pattern: filter
                .search
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(like_pattern),
        }
    }

    fn is_unfiltered(&self) -> bool {
        self.status.is_none() && self.since.is_none() && self.pattern.is_none()
    }

    /// How many orders match: the maintained count when nothing is filtered.
    fn total(&self, conn: &rusqlite::Connection, customer: CustomerKey) -> ShopResult<u64> {
        let total: i64 = if self.is_unfiltered() {
            conn.prepare_cached(MAINTAINED_COUNT_SQL)
                .and_then(|mut s| s.query_row([customer], |row| row.get(0)))
        } else {
            conn.prepare_cached(&format!(
                "SELECT COUNT(*) FROM orders o WHERE {ORDER_FILTER} {}",
                order_search(self.pattern.is_some())
            ))
            .and_then(|mut s| match &self.pattern {
                Some(pattern) => s
                    .query_row(params![customer, self.status, self.since, pattern], |row| {
                        row.get(0)
                    }),
                None => s.query_row(params![customer, self.status, self.since], |row| row.get(0)),
            })
        }
        .map_err(db_error)?;
        Ok(total.max(0) as u64)
    }
}

impl Store {
    /// Newest first (placed_at, then number, descending); filter by status, since-date and a
    /// search string matching the order number or a line's code or name (case-insensitive).
    /// Pages by offset; [`Store::orders_after`] pages by cursor, stable under inserts.
    pub fn orders(
        &self,
        customer: CustomerKey,
        page: &PageRequest,
    ) -> ShopResult<Page<OrderSummary>> {
        let limit = page.limit.clamp(1, MAX_PAGE_LIMIT);
        let offset = i64::try_from(page.offset).unwrap_or(i64::MAX);
        let filter = FilterParams::of(&page.filter);
        let conn = self.reader();
        let total = filter.total(&conn, customer)?;
        let items = conn
            .prepare_cached(&offset_sql(filter.pattern.is_some()))
            .and_then(|mut s| {
                s.query_map(
                    params![
                        customer,
                        filter.status,
                        filter.since,
                        filter.pattern,
                        limit,
                        offset
                    ],
                    order_summary,
                )?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(db_error)?;
        Ok(Page {
            has_more: page.offset.saturating_add(items.len() as u64) < total,
            items,
            offset: page.offset,
            total: Some(total),
        })
    }

    /// The orders of [`Store::orders`] by keyset: the first page (`after: None`), then the page
    /// after each returned cursor. A page costs the same at any depth, and orders placed while
    /// a client pages neither repeat nor hide a row (they sort before the cursor).
    pub fn orders_after(
        &self,
        customer: CustomerKey,
        filter: &OrderFilter,
        after: Option<OrderCursor>,
        limit: u32,
    ) -> ShopResult<KeysetPage> {
        let limit = limit.clamp(1, MAX_PAGE_LIMIT) as usize;
        let filter = FilterParams::of(filter);
        let conn = self.reader();
        let total = filter.total(&conn, customer)?;
        let mut rows = conn
            .prepare_cached(&keyset_sql(after.is_some(), filter.pattern.is_some()))
            .and_then(|mut s| {
                s.query_map(
                    params![
                        customer,
                        filter.status,
                        filter.since,
                        filter.pattern,
                        after.map(|c| c.placed_at),
                        after.map(|c| c.id),
                        // One more than asked tells whether another page follows.
                        (limit + 1) as i64,
                    ],
                    |row| {
                        let summary = order_summary(row)?;
                        let placed_at: i64 = row.get(1)?;
                        Ok((
                            summary,
                            OrderCursor {
                                placed_at,
                                id: row.get(9)?,
                            },
                        ))
                    },
                )?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(db_error)?;
        let has_more = rows.len() > limit;
        rows.truncate(limit);
        let next = has_more
            .then(|| rows.last().map(|(_, cursor)| *cursor))
            .flatten();
        Ok(KeysetPage {
            items: rows.into_iter().map(|(summary, _)| summary).collect(),
            total,
            next,
        })
    }

    pub fn order(&self, customer: CustomerKey, number: &OrderNumber) -> ShopResult<OrderDetail> {
        let conn = self.reader();
        let found = conn
            .prepare_cached(&format!(
                "SELECT {ORDER_SUMMARY_COLUMNS}, o.id, o.items_minor, o.discounts_minor,
                        o.shipping_minor, o.tax_minor, o.billing_address, o.shipping_address
                 FROM orders o WHERE o.number = ?1 AND o.customer_id = ?2"
            ))
            .and_then(|mut s| {
                s.query_row(params![number.as_str().trim(), customer], |row| {
                    let summary = order_summary(row)?;
                    let currency = summary.total.currency;
                    let money = |index| -> rusqlite::Result<Money> {
                        Ok(Money::from_minor(row.get(index)?, currency))
                    };
                    let totals = OrderTotals {
                        items: money(10)?,
                        discounts: money(11)?,
                        shipping: money(12)?,
                        tax: money(13)?,
                        grand_total: summary.total,
                    };
                    let billing: Option<String> = row.get(14)?;
                    let shipping: Option<String> = row.get(15)?;
                    Ok((row.get::<_, i64>(9)?, summary, totals, billing, shipping))
                })
                .optional()
            })
            .map_err(db_error)?;
        let Some((order_id, summary, totals, billing, shipping)) = found else {
            return Err(ShopError::NotFound(format!("order {number}")));
        };
        let currency = summary.total.currency;
        let lines = conn
            .prepare_cached(
                "SELECT code, brand, name, quantity, unit_minor, total_minor FROM order_lines
                 WHERE order_id = ?1 ORDER BY position",
            )
            .and_then(|mut s| {
                s.query_map([order_id], |row| {
                    Ok(OrderLine {
                        code: ProductCode(row.get(0)?),
                        brand: row.get(1)?,
                        name: row.get(2)?,
                        quantity: row.get(3)?,
                        unit_price: Money::from_minor(row.get(4)?, currency),
                        line_total: Money::from_minor(row.get(5)?, currency),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(db_error)?;
        let mut shipments = conn
            .prepare_cached(
                "SELECT id, public_id, shipped_at, carrier, service, tracking_id, tracking_url,
                        state
                 FROM shipments WHERE order_id = ?1 ORDER BY id",
            )
            .and_then(|mut s| {
                s.query_map([order_id], |row| {
                    let shipped_at: Option<i64> = row.get(2)?;
                    let state: String = row.get(7)?;
                    Ok((
                        row.get::<_, i64>(0)?,
                        Shipment {
                            id: row.get(1)?,
                            shipped_at: shipped_at.map(|t| timestamp(t, 2)).transpose()?,
                            carrier: row.get(3)?,
                            service: row.get(4)?,
                            tracking_id: row.get(5)?,
                            tracking_url: row.get(6)?,
                            state: parse_shipment_state(&state),
                            lines: Vec::new(),
                        },
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(db_error)?;
        let mut shipment_lines = conn
            .prepare_cached(
                "SELECT code, quantity FROM shipment_lines WHERE shipment_id = ?1
                 ORDER BY position",
            )
            .map_err(db_error)?;
        for (shipment_id, shipment) in &mut shipments {
            shipment.lines = shipment_lines
                .query_map([*shipment_id], |row| {
                    Ok(ShipmentLine {
                        code: ProductCode(row.get(0)?),
                        quantity: row.get(1)?,
                    })
                })
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(db_error)?;
        }
        Ok(OrderDetail {
            summary,
            lines,
            totals,
            billing_address: billing.as_deref().map(parse_snapshot).transpose()?,
            shipping_address: shipping.as_deref().map(parse_snapshot).transpose()?,
            shipments: shipments
                .into_iter()
                .map(|(_, shipment)| shipment)
                .collect(),
        })
    }
}

/// A LIKE pattern matching `search` anywhere, with `%`, `_` and `\` taken literally.
fn like_pattern(search: &str) -> String {
    let mut pattern = String::with_capacity(search.len() + 2);
    pattern.push('%');
    for c in search.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
#[path = "orders_tests.rs"]
mod tests;
