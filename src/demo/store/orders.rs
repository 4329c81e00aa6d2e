//! Order history: pages of summaries filtered by status, date and search text, and one order's
//! detail with lines, shipments and addresses.

use super::rows::{
    ORDER_SUMMARY_COLUMNS, order_summary, parse_shipment_state, parse_snapshot, timestamp,
};
use super::{CustomerKey, MAX_PAGE_LIMIT, Store, db_error};
use crate::model::*;
use crate::shop::{ShopError, ShopResult};
use rusqlite::{OptionalExtension, params};

/// The WHERE clause of the order history: `?2` status, `?3` since (unix seconds), `?4` a LIKE
/// pattern; each NULL when not filtered. `ESCAPE '\'` pairs with [`like_pattern`].
const ORDER_FILTER: &str = "o.customer_id = ?1
       AND (?2 IS NULL OR o.status = ?2)
       AND (?3 IS NULL OR o.placed_at >= ?3)
       AND (?4 IS NULL
            OR o.number LIKE ?4 ESCAPE '\\'
            OR EXISTS (SELECT 1 FROM order_lines l
                       WHERE l.order_id = o.id
                         AND (l.code LIKE ?4 ESCAPE '\\' OR l.name LIKE ?4 ESCAPE '\\')))";

/// The newest orders first; `(placed_at, id)` is unique, so it orders pages totally and a
/// keyset cursor can name the place between two rows. The index `orders_by_customer` serves it.
const ORDER_ORDER: &str = "ORDER BY o.placed_at DESC, o.id DESC";

/// The first page, then the pages after a cursor (`?5`, `?6`); `?7` the row limit. Two
/// statements rather than `?5 IS NULL OR ...`, which would make SQLite scan from the newest
/// order up to the cursor.
fn keyset_sql(after: bool) -> String {
    let range = if after {
        "AND (o.placed_at, o.id) < (?5, ?6)"
    } else {
        "AND ?5 IS NULL AND ?6 IS NULL"
    };
    format!(
        "SELECT {ORDER_SUMMARY_COLUMNS}, o.id FROM orders o WHERE {ORDER_FILTER} {range}
         {ORDER_ORDER} LIMIT ?7"
    )
}

fn offset_sql() -> String {
    format!(
        "SELECT {ORDER_SUMMARY_COLUMNS} FROM orders o WHERE {ORDER_FILTER}
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
                "SELECT COUNT(*) FROM orders o WHERE {ORDER_FILTER}"
            ))
            .and_then(|mut s| {
                s.query_row(
                    params![customer, self.status, self.since, self.pattern],
                    |row| row.get(0),
                )
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
            .prepare_cached(&offset_sql())
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
            .prepare_cached(&keyset_sql(after.is_some()))
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
mod tests {
    use super::super::catalogue::to_minor_units;
    use super::super::seed;
    use super::super::test_support::*;
    use super::*;
    use std::collections::{BTreeMap, BTreeSet, HashSet};

    /// Every order of `customer` by keyset pages of `limit`, after `first` was already read.
    fn keyset_rest(
        store: &Store,
        customer: CustomerKey,
        mut after: Option<OrderCursor>,
        limit: u32,
    ) -> Vec<String> {
        let mut numbers = Vec::new();
        while let Some(cursor) = after {
            let got = store
                .orders_after(customer, &OrderFilter::default(), Some(cursor), limit)
                .unwrap();
            assert!(got.items.len() <= limit as usize);
            numbers.extend(got.items.iter().map(|o| o.number.0.clone()));
            after = got.next;
        }
        numbers
    }

    #[test]
    fn keyset_pages_neither_repeat_nor_miss_a_row_when_an_order_is_placed_between_them() {
        let store = fresh();
        let buyer = key(&store, BUYER);
        let before: Vec<String> = all_orders(&store, buyer, OrderFilter::default())
            .into_iter()
            .map(|o| o.number.0)
            .collect();
        let first = store
            .orders_after(buyer, &OrderFilter::default(), None, 50)
            .unwrap();
        assert_eq!(first.total, before.len() as u64);
        let offset_page_2_before = store.orders(buyer, &page(50, OrderFilter::default()).next(50));

        // A new newest order arrives between page 1 and page 2.
        let inserted = store
            .conn()
            .execute(
                "INSERT INTO orders (customer_id, number, placed_at, status, status_label,
                                     payment_status, payment_label, currency, item_count,
                                     items_minor, discounts_minor, shipping_minor, tax_minor,
                                     total_minor)
                 SELECT customer_id, 'SO-INSERTED', placed_at + 60, status, status_label,
                        payment_status, payment_label, currency, item_count, items_minor,
                        discounts_minor, shipping_minor, tax_minor, total_minor
                 FROM orders WHERE customer_id = ?1 ORDER BY placed_at DESC LIMIT 1",
                [buyer],
            )
            .unwrap();
        assert_eq!(inserted, 1);

        let mut seen: Vec<String> = first.items.iter().map(|o| o.number.0.clone()).collect();
        seen.extend(keyset_rest(&store, buyer, first.next, 50));
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "a row came twice");
        assert_eq!(
            seen, before,
            "every row once, in order, the new one before the cursor"
        );

        // The offset form shifts by the new row: page 2 now starts with page 1's last row.
        let offset_page_2 = store
            .orders(buyer, &page(50, OrderFilter::default()).next(50))
            .unwrap();
        assert_ne!(offset_page_2, offset_page_2_before.unwrap());
        assert_eq!(offset_page_2.items[0].number, first.items[49].number);

        // The maintained count follows inserts and deletes.
        let counted = |store: &Store| {
            count(
                store,
                "SELECT COUNT(*) FROM orders WHERE customer_id = ?1",
                buyer,
            )
        };
        let after_insert = store
            .orders_after(buyer, &OrderFilter::default(), None, 1)
            .unwrap();
        assert_eq!(after_insert.total, before.len() as u64 + 1);
        assert_eq!(after_insert.total, counted(&store));
        assert_eq!(after_insert.items[0].number.0, "SO-INSERTED");
        store
            .conn()
            .execute("DELETE FROM orders WHERE number = 'SO-INSERTED'", [])
            .unwrap();
        let total = store.orders(buyer, &PageRequest::first(1)).unwrap().total;
        assert_eq!(total, Some(before.len() as u64));
        assert_eq!(total, Some(counted(&store)));
    }

    #[test]
    fn keyset_pages_match_the_offset_pages_and_filters_apply() {
        let store = shared();
        let buyer = key(store, BUYER);
        let filter = OrderFilter {
            status: Some(OrderStatus::Delivered),
            ..OrderFilter::default()
        };
        let by_offset: Vec<String> = all_orders(store, buyer, filter.clone())
            .into_iter()
            .map(|o| o.number.0)
            .collect();
        let first = store.orders_after(buyer, &filter, None, 37).unwrap();
        assert_eq!(first.total, by_offset.len() as u64);
        let mut by_keyset: Vec<String> = first.items.iter().map(|o| o.number.0.clone()).collect();
        let mut after = first.next;
        while let Some(cursor) = after {
            let got = store
                .orders_after(buyer, &filter, Some(cursor), 37)
                .unwrap();
            by_keyset.extend(got.items.iter().map(|o| o.number.0.clone()));
            after = got.next;
        }
        assert_eq!(by_keyset, by_offset);
        assert!("12.x".parse::<OrderCursor>().is_err());
        assert!("nonsense".parse::<OrderCursor>().is_err());
        let cursor = first.next.unwrap();
        assert_eq!(cursor.to_string().parse::<OrderCursor>().unwrap(), cursor);
    }

    /// The plan's detail lines for `sql` (each parameter bound to 1: the plan is the same
    /// for any value, as the store has no ANALYZE statistics).
    fn query_plan(store: &Store, sql: &str) -> Vec<String> {
        let conn = store.conn();
        let mut statement = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let ones = vec![1_i64; statement.parameter_count()];
        statement
            .query_map(rusqlite::params_from_iter(ones), |row| {
                row.get::<_, String>(3)
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn the_order_list_queries_search_the_index_without_a_sort_or_a_full_scan() {
        let store = shared();
        for sql in [keyset_sql(false), keyset_sql(true), offset_sql()] {
            let plan = query_plan(store, &sql);
            assert!(
                plan.iter()
                    .any(|step| step.starts_with("SEARCH o USING INDEX orders_by_customer")),
                "{plan:?} for {sql}"
            );
            assert!(
                plan.iter()
                    .all(|step| !step.contains("TEMP B-TREE") && !step.starts_with("SCAN")),
                "{plan:?} for {sql}"
            );
        }
        let keyset = query_plan(store, &keyset_sql(true)).join("; ");
        assert!(
            keyset.contains("(placed_at, id)<(?,?)") || keyset.contains("placed_at<?"),
            "{keyset}"
        );
        let count = query_plan(store, MAINTAINED_COUNT_SQL).join("; ");
        assert!(
            count.contains("SEARCH order_counts USING INTEGER PRIMARY KEY"),
            "{count}"
        );
    }

    #[test]
    fn buyer_history_covers_every_status_with_matching_payments() {
        let store = shared();
        let buyer = key(store, BUYER);
        let orders = all_orders(store, buyer, OrderFilter::default());
        assert!((2_000..=2_300).contains(&orders.len()), "{}", orders.len());
        let statuses: HashSet<_> = orders.iter().map(|o| o.status).collect();
        for status in OrderStatus::ALL {
            assert_eq!(
                statuses.contains(&status),
                status != OrderStatus::Other,
                "{status:?}"
            );
        }
        for order in &orders {
            use OrderStatus as O;
            use PaymentStatus as P;
            let allowed: &[P] = match order.status {
                O::Pending => &[P::Unpaid],
                O::Processing => &[P::Paid, P::Authorized],
                O::PartiallyShipped | O::Shipped => &[P::Paid],
                O::Delivered => &[P::Paid, P::PartiallyRefunded],
                O::Cancelled => &[P::Unpaid, P::Refunded],
                O::Refunded => &[P::Refunded],
                O::Other => &[],
            };
            assert!(allowed.contains(&order.payment_status), "{order:?}");
            assert!(!order.status_label.is_empty() && !order.payment_label.is_empty());
            assert_ne!(order.status_label, order.status.as_str(), "a human label");
            assert_eq!(order.total.currency.as_str().len(), 3);
        }
        assert_eq!(
            orders[0].status,
            OrderStatus::Pending,
            "the newest order is open"
        );
        // Old orders are mostly delivered.
        let old = &orders[orders.len() / 2..];
        let delivered = old
            .iter()
            .filter(|o| o.status == OrderStatus::Delivered)
            .count();
        assert!(
            delivered * 10 > old.len() * 9,
            "{delivered} of {}",
            old.len()
        );
        let currencies: BTreeSet<_> = orders.iter().map(|o| o.total.currency).collect();
        assert_eq!(currencies, BTreeSet::from([Currency::EUR, Currency::SEK]));
        let first = orders.last().unwrap().placed_at;
        let last = orders[0].placed_at;
        assert_eq!((first.year(), last.year()), (2022, 2026));
    }

    #[test]
    fn order_numbers_are_unique_and_increase_with_the_date() {
        let store = shared();
        let conn = store.conn();
        let rows: Vec<(String, i64)> = conn
            .prepare("SELECT number, placed_at FROM orders ORDER BY id")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(rows[0].0, "SO-100001");
        for (pair, expected) in rows.windows(2).zip(100_002..) {
            assert_eq!(pair[1].0, format!("SO-{expected}"));
            assert!(pair[0].1 <= pair[1].1, "{pair:?}");
        }
    }

    /// Every order of both customers with history, read through `order`: totals add up, lines
    /// are priced, shipments are consistent with the status and tracked.
    #[test]
    fn order_details_add_up_and_shipments_match_the_status() {
        let store = shared();
        let data = seed::data().unwrap();
        let mut carriers = BTreeSet::new();
        let mut split = 0;
        for login in [BUYER, HANAKO] {
            let customer = key(store, login);
            for summary in all_orders(store, customer, OrderFilter::default()) {
                let detail = store.order(customer, &summary.number).unwrap();
                assert_eq!(detail.summary, summary);
                let currency = summary.total.currency;
                assert!((1..=8).contains(&detail.lines.len()));
                let mut items = Money::zero(currency);
                let mut pieces = 0;
                for line in &detail.lines {
                    assert!(line.quantity >= 1);
                    assert_eq!(line.unit_price.times(line.quantity), line.line_total);
                    items = items.checked_add(line.line_total).unwrap();
                    pieces += line.quantity;
                    assert!(!line.brand.is_empty() && !line.name.is_empty());
                }
                assert_eq!(pieces, summary.item_count);
                let totals = &detail.totals;
                assert_eq!(totals.items, items);
                let expected_total =
                    totals.items.amount - totals.discounts.amount + totals.shipping.amount;
                assert_eq!(
                    totals.grand_total.amount, expected_total,
                    "{}",
                    summary.number
                );
                let shipping = detail.shipping_address.as_ref().expect("ships somewhere");
                assert!(detail.billing_address.is_some());
                let rate = data.rules.tax_percent(&shipping.country);
                assert!(rate > 0, "{}", shipping.country);
                let grand = to_minor_units(totals.grand_total).unwrap();
                assert_eq!(
                    to_minor_units(totals.tax),
                    Some(seed::div_round(grand * rate, 100 + rate)),
                    "tax included in {}",
                    summary.number
                );

                let shipped: BTreeMap<String, u32> = detail
                    .shipments
                    .iter()
                    .flat_map(|s| &s.lines)
                    .fold(BTreeMap::new(), |mut sum, l| {
                        *sum.entry(l.code.0.clone()).or_default() += l.quantity;
                        sum
                    });
                let ordered: BTreeMap<String, u32> = detail
                    .lines
                    .iter()
                    .map(|l| (l.code.0.clone(), l.quantity))
                    .collect();
                let states: BTreeSet<_> = detail
                    .shipments
                    .iter()
                    .map(|s| format!("{:?}", s.state))
                    .collect();
                match summary.status {
                    OrderStatus::Pending | OrderStatus::Processing | OrderStatus::Cancelled => {
                        assert!(detail.shipments.is_empty(), "{}", summary.number)
                    }
                    OrderStatus::PartiallyShipped => {
                        assert!(!detail.shipments.is_empty());
                        assert!(!shipped.is_empty() && shipped.len() < ordered.len());
                        for (code, quantity) in &shipped {
                            assert_eq!(ordered.get(code), Some(quantity));
                        }
                    }
                    OrderStatus::Shipped | OrderStatus::Delivered => {
                        assert_eq!(shipped, ordered, "{}", summary.number);
                        assert!((1..=3).contains(&detail.shipments.len()));
                        if detail.shipments.len() > 1 {
                            split += 1;
                        }
                        if summary.status == OrderStatus::Delivered {
                            assert_eq!(states, BTreeSet::from(["Delivered".to_owned()]));
                        } else {
                            assert!(states.contains("InTransit"));
                        }
                    }
                    OrderStatus::Refunded => {
                        assert!(states.iter().all(|s| s == "Returned"), "{states:?}")
                    }
                    OrderStatus::Other => panic!("no order has status other"),
                }
                for (index, shipment) in detail.shipments.iter().enumerate() {
                    assert_eq!(shipment.id, format!("{}-{}", summary.number, index + 1));
                    let tracking = shipment.tracking_id.as_deref().expect("tracking id");
                    let url = shipment.tracking_url.as_deref().expect("tracking URL");
                    assert!(
                        url.starts_with("https://") && url.contains(tracking),
                        "{url}"
                    );
                    assert!(shipment.service.is_some());
                    let shipped_at = shipment.shipped_at.expect("shipped at");
                    assert!(shipped_at > summary.placed_at);
                    assert!(shipped_at <= data.rules.as_of);
                    carriers.insert(shipment.carrier.clone());
                }
            }
        }
        assert!(split >= 100, "{split} split orders");
        assert_eq!(
            carriers,
            ["Aramex", "DHL", "DPD", "PostNord", "UPS", "Yamato"]
                .map(String::from)
                .into()
        );
    }

    // --- order history ---------------------------------------------------------------------------

    #[test]
    fn pages_cover_the_history_once_and_limits_are_clamped() {
        let store = shared();
        let buyer = key(store, BUYER);
        let orders = all_orders(store, buyer, OrderFilter::default());
        let numbers: HashSet<_> = orders.iter().map(|o| &o.number).collect();
        assert_eq!(numbers.len(), orders.len());
        assert!(orders.windows(2).all(|w| w[0].placed_at >= w[1].placed_at));

        let first = store.orders(buyer, &PageRequest::first(50)).unwrap();
        assert_eq!(first.items, orders[..50]);
        assert_eq!(first.total, Some(orders.len() as u64));
        assert!(first.has_more);
        let second = store
            .orders(buyer, &PageRequest::first(50).next(50))
            .unwrap();
        assert_eq!(second.items, orders[50..100]);
        assert_eq!(second.offset, 50);

        assert_eq!(
            store
                .orders(buyer, &PageRequest::first(0))
                .unwrap()
                .items
                .len(),
            1
        );
        assert_eq!(
            store
                .orders(buyer, &PageRequest::first(5_000))
                .unwrap()
                .items
                .len(),
            200
        );
        let mut tail = PageRequest::first(50);
        tail.offset = orders.len() as u64 - 3;
        let last = store.orders(buyer, &tail).unwrap();
        assert_eq!(last.items, orders[orders.len() - 3..]);
        assert!(!last.has_more);
        tail.offset = u64::MAX;
        let beyond = store.orders(buyer, &tail).unwrap();
        assert!(beyond.items.is_empty() && !beyond.has_more);
    }

    #[test]
    fn filters_by_status_and_date() {
        let store = shared();
        let buyer = key(store, BUYER);
        let orders = all_orders(store, buyer, OrderFilter::default());
        let mut sum = 0;
        for status in OrderStatus::ALL {
            let filter = OrderFilter {
                status: Some(status),
                ..Default::default()
            };
            let got = all_orders(store, buyer, filter);
            assert!(got.iter().all(|o| o.status == status));
            assert_eq!(
                got.len(),
                orders.iter().filter(|o| o.status == status).count()
            );
            sum += got.len();
        }
        assert_eq!(sum, orders.len());

        let day = orders[300].placed_at.date();
        let since = all_orders(
            store,
            buyer,
            OrderFilter {
                since: Some(day),
                ..Default::default()
            },
        );
        let expected: Vec<_> = orders
            .iter()
            .filter(|o| o.placed_at.date() >= day)
            .collect();
        assert_eq!(since.iter().collect::<Vec<_>>(), expected);
        assert!(since.len() > 300);

        let both = OrderFilter {
            status: Some(OrderStatus::Delivered),
            since: Some(day),
            search: None,
        };
        let got = all_orders(store, buyer, both);
        assert!(!got.is_empty());
        assert!(
            got.iter()
                .all(|o| o.status == OrderStatus::Delivered && o.placed_at.date() >= day)
        );
    }

    #[test]
    fn searches_numbers_codes_and_names_with_literal_wildcards() {
        let store = shared();
        let buyer = key(store, BUYER);
        let search = |text: &str| {
            all_orders(
                store,
                buyer,
                OrderFilter {
                    search: Some(text.to_owned()),
                    ..Default::default()
                },
            )
        };
        let orders = all_orders(store, buyer, OrderFilter::default());
        let wanted = &orders[123];
        let found = search(&format!(" {} ", wanted.number.as_str().to_lowercase()));
        assert_eq!(found.first(), Some(wanted));
        assert_eq!(found.len(), 1);

        let with_code = |code: &str| {
            count(
                store,
                &format!(
                    "SELECT COUNT(*) FROM orders o WHERE o.customer_id = ?1 AND EXISTS
                     (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.code = '{code}')"
                ),
                buyer,
            ) as usize
        };
        let bearings = search("6204-2rs");
        assert_eq!(bearings.len(), with_code("6204-2RS"));
        assert!(!bearings.is_empty());
        for summary in bearings.iter().take(5) {
            let detail = store.order(buyer, &summary.number).unwrap();
            assert!(detail.lines.iter().any(|l| l.code.as_str() == "6204-2RS"));
        }
        let by_name = search("DEEP GROOVE BALL BEARING 6204");
        assert_eq!(by_name, bearings, "names match without case");

        // `_` and `%` are literal: nothing has "6204_2RS" or a percent sign.
        assert!(search("6204_2RS").is_empty());
        assert!(search("%").is_empty());
        assert!(search("\\").is_empty());
        assert_eq!(
            search("   ").len(),
            orders.len(),
            "a blank search filters nothing"
        );

        let hanako = key(store, HANAKO);
        assert!(
            all_orders(
                store,
                hanako,
                OrderFilter {
                    search: Some(wanted.number.to_string()),
                    ..Default::default()
                }
            )
            .is_empty(),
            "another customer's order number finds nothing"
        );
    }

    #[test]
    fn the_history_query_walks_the_customer_index() {
        let store = shared();
        let conn = store.conn();
        let plan: Vec<String> = conn
            .prepare(&format!(
                "EXPLAIN QUERY PLAN SELECT {ORDER_SUMMARY_COLUMNS} FROM orders o
                 WHERE {ORDER_FILTER} ORDER BY o.placed_at DESC, o.id DESC LIMIT ?5 OFFSET ?6"
            ))
            .unwrap()
            .query_map(
                params![1, None::<String>, None::<i64>, None::<String>, 50, 0],
                |row| row.get(3),
            )
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let plan = plan.join("\n");
        assert!(plan.contains("orders_by_customer"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    }

    #[test]
    fn orders_are_private_to_their_customer() {
        let store = shared();
        let (buyer, hanako) = (key(store, BUYER), key(store, HANAKO));
        let number = store.orders(buyer, &PageRequest::first(1)).unwrap().items[0]
            .number
            .clone();
        assert!(store.order(buyer, &number).is_ok());
        let lower = OrderNumber(number.as_str().to_lowercase());
        assert_eq!(store.order(buyer, &lower).unwrap().summary.number, number);
        assert!(matches!(
            store.order(hanako, &number),
            Err(ShopError::NotFound(_))
        ));
        assert!(matches!(
            store.order(buyer, &OrderNumber::from("SO-1")),
            Err(ShopError::NotFound(_))
        ));
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("SO-1"), "%SO-1%");
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
