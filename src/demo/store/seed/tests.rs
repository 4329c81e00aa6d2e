//! The embedded seed data parses, generation is deterministic, and totals follow the rules.

use super::generate::{GenOrder, Totals, generate};
use super::*;

#[test]
fn embedded_data_parses_and_passes_its_checks() {
    let data = data().expect("seed data");
    assert_eq!(data.customers.customers.len(), 3);
    assert!(data.rules.currencies.len() >= 3);
}

#[test]
fn generation_is_deterministic() {
    let data = data().expect("seed data");
    let first = generate(data, SeedOptions::default()).expect("generate");
    let second = generate(data, SeedOptions::default()).expect("generate");
    assert_eq!(first, second);
}

#[test]
fn shared_codes_and_currency_rounding() {
    let data = data().expect("seed data");
    let generated = generate(data, SeedOptions::default()).expect("generate");
    let bearings: Vec<_> = generated
        .products
        .iter()
        .filter(|p| p.code == "6204-2RS")
        .map(|p| p.brand.as_str())
        .collect();
    assert_eq!(bearings, ["Nordlager", "Bergmann"]);
    for product in &generated.products {
        let sek = product.price(Currency::SEK).expect("SEK price");
        let jpy = product.price(Currency::JPY).expect("JPY price");
        assert_eq!(sek % 100, 0, "whole kronor: {product:?}");
        assert_eq!(jpy % 10, 0, "tens of yen: {product:?}");
        assert!(product.price(Currency::EUR).expect("EUR price") > 0);
    }
}

#[test]
fn totals_include_tax_and_free_shipping_threshold() {
    let rule = CurrencyRule {
        code: Currency::EUR,
        per_eur: Decimal::ONE,
        round_minor: 1,
        shipping_minor: 690,
        free_shipping_from_minor: 15_000,
    };
    let small = Totals::compute(10_000, 0, &rule, 19);
    assert_eq!(small.grand_total, 10_690);
    assert_eq!(small.tax, 1_707); // 10690 * 19 / 119 = 1706.8
    let big = Totals::compute(20_000, 10, &rule, 25);
    assert_eq!(big.discounts, 2_000);
    assert_eq!(big.shipping, 0);
    assert_eq!(big.grand_total, 18_000);
    assert_eq!(big.tax, 3_600);
}

/// The bulk load drops the count trigger and two indexes while it writes: afterwards the schema
/// is exactly the one a store that was never seeded has, the counts are right, and the trigger
/// counts again.
#[test]
fn seeding_leaves_the_schema_whole_and_the_counts_right() {
    fn schema_of(conn: &Connection) -> Vec<(String, String, Option<String>)> {
        let mut rows = conn
            .prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name")
            .unwrap();
        rows.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }
    let unseeded = Connection::open_in_memory().unwrap();
    unseeded.execute_batch(crate::demo::store::SCHEMA).unwrap();
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(crate::demo::store::SCHEMA).unwrap();
    let tx = conn.transaction().unwrap();
    seed(&tx, SeedOptions::default()).unwrap();
    tx.commit().unwrap();
    let schema = schema_of(&conn);
    assert_eq!(schema, schema_of(&unseeded));
    assert!(
        schema
            .iter()
            .any(|(_, name, _)| name == "orders_by_customer")
    );

    let counts = |conn: &Connection| -> Vec<(i64, i64, i64)> {
        let mut rows = conn
            .prepare(
                "SELECT c.id, COALESCE(n.orders, 0),
                        (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id)
                 FROM customers c LEFT JOIN order_counts n ON n.customer_id = c.id
                 ORDER BY c.id",
            )
            .unwrap();
        rows.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let seeded = counts(&conn);
    assert!(seeded.iter().any(|&(_, kept, _)| kept > 2000), "{seeded:?}");
    for (customer, kept, counted) in &seeded {
        assert_eq!(kept, counted, "customer {customer}");
    }
    // The trigger is back: one more order is counted.
    let (customer, kept, _) = seeded[0];
    conn.execute(
        "INSERT INTO orders (customer_id, number, placed_at, status, status_label,
                             payment_status, payment_label, currency, item_count, items_minor,
                             discounts_minor, shipping_minor, tax_minor, total_minor)
         VALUES (?1, 'SO-TEST-1', 0, 'pending', 'Pending', 'pending', 'Pending', 'EUR', 1, 100,
                 0, 0, 0, 100)",
        [customer],
    )
    .unwrap();
    let now: i64 = conn
        .query_row(
            "SELECT orders FROM order_counts WHERE customer_id = ?1",
            [customer],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(now, kept + 1);
}

/// `--bench-orders` beyond the history copies it into the past in SQL: the generated orders are
/// those of the default seed (numbered after the copies), every copy has its template's lines,
/// shipments and parcels, numbers follow the date across all customers, no copy is older than
/// 1970, and the counts, the order sequence and the foreign keys hold.
#[test]
fn bench_orders_beyond_the_history_are_copies_of_it_in_the_past() {
    let data = data().expect("seed data");
    let history = data.customers.customers[0]
        .history
        .as_ref()
        .expect("the buyer has a history")
        .orders;
    // Two whole periods and part of a third: the oldest period is cut.
    let wanted = history * 3 + history / 2;
    let options = SeedOptions {
        buyer_orders: Some(wanted),
    };
    let copies = i64::from(wanted - history);

    let plain = generate(data, SeedOptions::default()).expect("generate");
    let bench = generate(data, options).expect("generate");
    assert_eq!(plain.products, bench.products);
    assert_eq!(plain.orders.len(), bench.orders.len());
    for (a, b) in plain.orders.iter().zip(&bench.orders) {
        let number = |o: &GenOrder| o.number["SO-".len()..].parse::<i64>().expect("number");
        assert_eq!(number(b), number(a) + copies);
        assert_eq!(
            GenOrder {
                number: String::new(),
                ..a.clone()
            },
            GenOrder {
                number: String::new(),
                ..b.clone()
            }
        );
    }

    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(crate::demo::store::SCHEMA).unwrap();
    conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    let tx = conn.transaction().unwrap();
    seed(&tx, options).unwrap();
    tx.commit().unwrap();
    let number_of = |conn: &Connection, sql: &str| -> i64 {
        conn.query_row(sql, [], |row| row.get(0)).unwrap()
    };
    let buyer = "(SELECT id FROM customers WHERE email = 'buyer@demo.shopterm.example')";
    assert_eq!(
        number_of(
            &conn,
            &format!("SELECT COUNT(*) FROM orders WHERE customer_id = {buyer}")
        ),
        i64::from(wanted)
    );
    assert_eq!(
        number_of(
            &conn,
            &format!("SELECT orders FROM order_counts WHERE customer_id = {buyer}")
        ),
        i64::from(wanted)
    );
    let total = number_of(&conn, "SELECT COUNT(*) FROM orders");
    assert_eq!(total, plain.orders.len() as i64 + copies);
    // Numbers are first_order_number.. without gaps, in the order of the dates.
    let out_of_order = number_of(
        &conn,
        "SELECT COUNT(*) FROM (
             SELECT CAST(substr(number, 4) AS INTEGER) AS n,
                    row_number() OVER (ORDER BY placed_at, CAST(substr(number, 4) AS INTEGER)) AS r
             FROM orders)
         WHERE n != r - 1 + (SELECT MIN(CAST(substr(number, 4) AS INTEGER)) FROM orders)",
    );
    assert_eq!(out_of_order, 0);
    let dates_out_of_order = number_of(
        &conn,
        "SELECT COUNT(*) FROM (
             SELECT placed_at, lag(placed_at) OVER (ORDER BY CAST(substr(number, 4) AS INTEGER))
                 AS before FROM orders)
         WHERE placed_at < before",
    );
    assert_eq!(dates_out_of_order, 0);
    assert!(number_of(&conn, "SELECT MIN(placed_at) FROM orders") > 0);
    assert_eq!(
        number_of(
            &conn,
            "SELECT MIN(CAST(substr(number, 4) AS INTEGER)) FROM orders"
        ),
        data.rules.first_order_number
    );
    assert_eq!(
        number_of(&conn, "SELECT value FROM meta WHERE key = 'order_seq'"),
        data.rules.first_order_number + total - 1
    );
    // Every order has lines adding up to its items and as many pieces as it says; shipments
    // are named after their order; nothing points nowhere.
    assert_eq!(
        number_of(
            &conn,
            "SELECT COUNT(*) FROM orders o WHERE items_minor != (
                 SELECT SUM(total_minor) FROM order_lines WHERE order_id = o.id)
             OR item_count != (SELECT SUM(quantity) FROM order_lines WHERE order_id = o.id)"
        ),
        0
    );
    assert_eq!(
        number_of(
            &conn,
            "SELECT COUNT(*) FROM shipments s JOIN orders o ON o.id = s.order_id
             WHERE s.public_id NOT LIKE o.number || '-%'
                OR s.shipped_at < o.placed_at"
        ),
        0
    );
    let shipments_per_order = |conn: &Connection, period: &str| -> i64 {
        number_of(
            conn,
            &format!(
                "SELECT COUNT(*) FROM shipments s JOIN orders o ON o.id = s.order_id
                 WHERE o.customer_id = {buyer} AND {period}"
            ),
        )
    };
    let generated_shipments =
        shipments_per_order(&conn, &format!("o.id <= {}", plain.orders.len()));
    let copied_shipments = shipments_per_order(&conn, &format!("o.id > {}", plain.orders.len()));
    assert!(
        copied_shipments >= 2 * generated_shipments,
        "{copied_shipments} {generated_shipments}"
    );
    assert_eq!(
        number_of(
            &conn,
            "SELECT COUNT(*) FROM shipment_lines WHERE shipment_id NOT IN (SELECT id FROM shipments)"
        ),
        0
    );
    assert_eq!(
        number_of(&conn, "SELECT COUNT(*) FROM pragma_foreign_key_check"),
        0
    );
    assert_eq!(
        number_of(
            &conn,
            "SELECT COUNT(*) FROM sqlite_temp_schema WHERE name LIKE 'seed_%'"
        ),
        0
    );
}

/// Seeding runs with foreign keys off; the store the server uses has them on again (cascades).
#[test]
fn a_seeded_store_enforces_foreign_keys_again() {
    let store = crate::demo::store::test_support::fresh();
    let enforced: i64 = store
        .conn()
        .query_row("PRAGMA foreign_keys", [], |row| row.get(0))
        .unwrap();
    assert_eq!(enforced, 1);
}
