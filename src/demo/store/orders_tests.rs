//! Tests of `orders.rs`.

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
    for sql in [
        keyset_sql(false, false),
        keyset_sql(true, false),
        offset_sql(false),
        keyset_sql(false, true),
        keyset_sql(true, true),
        offset_sql(true),
    ] {
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
    let keyset = query_plan(store, &keyset_sql(true, false)).join("; ");
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

/// An unfiltered page's statement runs again from the statement cache without being parsed and
/// planned anew; a search's is re-prepared at each binding of its LIKE pattern (which is why the
/// pattern is only in a search's statement).
#[test]
fn an_unfiltered_order_page_is_not_re_prepared() {
    use rusqlite::StatementStatus;
    let store = shared();
    let conn = store.conn();
    let customer = 1_i64;
    // Re-preparations after the first run (which may prepare once more for its own reasons).
    let reprepared = |sql: &str, pattern: Option<&str>| -> i32 {
        let mut statement = conn.prepare(sql).unwrap();
        let mut after_first = 0;
        for run in 0..3 {
            let rows = statement
                .query_map(
                    params![customer, None::<String>, None::<i64>, pattern, 10, 0],
                    |row| row.get::<_, String>(0),
                )
                .unwrap()
                .collect::<rusqlite::Result<Vec<_>>>()
                .unwrap();
            assert!(!rows.is_empty());
            if run == 0 {
                after_first = statement.get_status(StatementStatus::RePrepare);
            }
        }
        statement.get_status(StatementStatus::RePrepare) - after_first
    };
    assert_eq!(reprepared(&offset_sql(false), None), 0);
    assert_eq!(reprepared(&offset_sql(true), Some("SO-%")), 2);
}
