//! The embedded seed data parses, generation is deterministic, and totals follow the rules.

use super::generate::{Totals, generate};
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
