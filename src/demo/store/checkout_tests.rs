//! Tests of `checkout.rs`.

use super::super::catalogue::to_minor_units;
use super::super::test_support::*;
use super::*;
use std::collections::HashSet;
use std::sync::Arc;

#[test]
fn placing_an_order_prices_it_reduces_stock_and_replays_by_key() {
    let store = fresh();
    let buyer = key(&store, BUYER);
    let before = store.orders(buyer, &PageRequest::first(1)).unwrap();
    let stats = store.stats().unwrap();
    store
        .set_product(&"KST-DB5".into(), "Kestrel", None, Some(10))
        .unwrap();
    let drill = product(&store, buyer, "KST-DB5", "Kestrel");
    let bearing = product(&store, buyer, "6204-2RS", "Nordlager");

    let mut order = new_order(
        "key-1",
        vec![
            line("kst-db5", None, 2),
            line("6204-2RS", Some("NORDLAGER"), 1),
            line("KST-DB5", Some("Kestrel"), 1),
        ],
    );
    order.note = Some("Gate 3, please".into());
    let placed = store.place_order(buyer, &order).unwrap();
    assert!(!placed.replayed);
    let last_number: i64 = before.items[0].number.as_str()[3..].parse().unwrap();
    assert_eq!(placed.number.as_str(), format!("SO-{}", last_number + 1));

    let items = drill.price.times(3).checked_add(bearing.price).unwrap();
    let rules = &seed::data().unwrap().rules;
    let fee = rules.currency(Currency::EUR).unwrap();
    let shipping = if to_minor_units(items).unwrap() >= fee.free_shipping_from_minor {
        0
    } else {
        fee.shipping_minor
    };
    let total = items
        .checked_add(Money::from_minor(shipping, Currency::EUR))
        .unwrap();
    assert_eq!(placed.total, total);

    let detail = store.order(buyer, &placed.number).unwrap();
    assert_eq!(detail.summary.status, OrderStatus::Pending);
    assert_eq!(detail.summary.status_label, "Awaiting payment");
    assert_eq!(detail.summary.payment_status, PaymentStatus::Unpaid);
    assert_eq!(detail.summary.item_count, 4);
    let lines: Vec<_> = detail
        .lines
        .iter()
        .map(|l| (l.code.as_str(), l.brand.as_str(), l.quantity))
        .collect();
    assert_eq!(
        lines,
        [("KST-DB5", "Kestrel", 3), ("6204-2RS", "Nordlager", 1)]
    );
    assert_eq!(detail.totals.items, items);
    assert_eq!(detail.totals.grand_total, total);
    let grand = to_minor_units(total).unwrap();
    assert_eq!(
        to_minor_units(detail.totals.tax),
        Some(seed::div_round(grand * 19, 119)),
        "German VAT: the default shipping address is in Hamburg"
    );
    assert_eq!(detail.shipping_address.unwrap().city, "Hamburg");
    assert_eq!(detail.billing_address.unwrap().city, "Berlin");
    assert!(detail.shipments.is_empty());

    let first = store.orders(buyer, &PageRequest::first(1)).unwrap();
    assert_eq!(
        first.items[0], detail.summary,
        "the new order leads the history"
    );
    assert_eq!(first.total, before.total.map(|t| t + 1));
    assert_eq!(in_stock(&product(&store, buyer, "KST-DB5", "Kestrel")), 7);
    assert_eq!(
        in_stock(&product(&store, buyer, "6204-2RS", "Nordlager")),
        239
    );

    // The same key again: the same order, nothing changes.
    let again = store.place_order(buyer, &order).unwrap();
    assert_eq!(
        again,
        PlacedOrder {
            replayed: true,
            ..placed.clone()
        }
    );
    assert_eq!(in_stock(&product(&store, buyer, "KST-DB5", "Kestrel")), 7);
    assert_eq!(store.stats().unwrap().orders, stats.orders + 1);
    // Keys are per customer: Hanako may use the same one.
    let hanako = key(&store, HANAKO);
    let theirs = store
        .place_order(hanako, &new_order("key-1", vec![line("KST-DB5", None, 1)]))
        .unwrap();
    assert!(!theirs.replayed);
    assert_eq!(theirs.total.currency, Currency::JPY);
    let tokyo = store.order(hanako, &theirs.number).unwrap();
    assert_eq!(tokyo.shipping_address.unwrap().country, "JP");
}

#[test]
fn refused_orders_name_each_bad_line_and_change_nothing() {
    let store = fresh();
    let buyer = key(&store, BUYER);
    let stats = store.stats().unwrap();
    store
        .set_product(&"KST-CT200".into(), "Kestrel", None, Some(5))
        .unwrap();
    let refuse = |order: NewOrder| {
        let error = store.place_order(buyer, &order).unwrap_err();
        match error {
            ShopError::Validation { fields, message } => {
                assert!(!message.is_empty());
                fields
                    .into_iter()
                    .map(|f| (f.field, f.message))
                    .collect::<Vec<_>>()
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    };

    let fields = refuse(new_order(
        "bad-1",
        vec![
            line("6204-2RS", None, 1),
            line("6204-2RS", Some("Kestrel"), 1),
            line("NO-SUCH-CODE", None, 1),
            line("KST-CT100", None, 0),
            line("KST-CT200", Some("Kestrel"), 6),
            line("KST-WL10", None, 1),
            line("6204-2RS", Some("Bergmann"), 1),
        ],
    ));
    let names: Vec<_> = fields.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        names,
        [
            "lines[0].brand",
            "lines[1].brand",
            "lines[2].code",
            "lines[3].quantity",
            "lines[5].code",
            "lines[4].quantity",
            "lines[6].quantity",
        ]
    );
    assert!(fields[0].1.contains("Bergmann, Nordlager"), "{fields:?}");
    assert!(fields[2].1.contains("NO-SUCH-CODE"));
    assert!(fields[4].1.contains("discontinued"));
    assert!(
        fields[5].1.contains("KST-CT200") && fields[5].1.contains("only 5"),
        "{fields:?}"
    );
    assert!(fields[6].1.contains("out of stock"));

    // Repeated lines for one product count together against the stock.
    let fields = refuse(new_order(
        "bad-2",
        vec![
            line("KST-CT200", None, 3),
            line("KST-CT200", Some("kestrel"), 3),
        ],
    ));
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].0, "lines[0].quantity");

    let fields = refuse(new_order("  ", Vec::new()));
    let names: Vec<_> = fields.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(names, ["idempotency_key", "lines"]);

    let hanakos_address = store.addresses(key(&store, HANAKO)).unwrap()[0].id.clone();
    let mut foreign = new_order("bad-3", vec![line("KST-CT200", None, 1)]);
    foreign.shipping_address = Some(hanakos_address.clone());
    foreign.billing_address = Some("nonsense".into());
    let names: Vec<_> = refuse(foreign).into_iter().map(|(f, _)| f).collect();
    assert_eq!(names, ["shipping_address", "billing_address"]);

    assert_eq!(store.stats().unwrap(), stats, "no order was created");
    assert_eq!(in_stock(&product(&store, buyer, "KST-CT200", "Kestrel")), 5);
    let key_used: i64 = store
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM orders WHERE idempotency_key IS NOT NULL",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(key_used, 0, "a refused order does not claim its key");
    assert!(
        store
            .place_order(buyer, &new_order("bad-1", vec![line("KST-CT200", None, 5)]))
            .is_ok()
    );
    assert_eq!(
        product(&store, buyer, "KST-CT200", "Kestrel").availability,
        Availability::OutOfStock
    );
}

#[test]
fn a_customer_without_addresses_must_add_one_before_ordering() {
    let store = fresh();
    let newcomer = key(&store, NEWCOMER);
    let order = new_order("first", vec![line("HNK-MT19", None, 2)]);
    let error = store.place_order(newcomer, &order).unwrap_err();
    assert_eq!(field_names(&error), ["shipping_address"]);
    store.create_address(newcomer, &address("SE")).unwrap();
    let placed = store.place_order(newcomer, &order).unwrap();
    assert_eq!(placed.total.currency, Currency::SEK);
    let detail = store.order(newcomer, &placed.number).unwrap();
    let grand = to_minor_units(detail.totals.grand_total).unwrap();
    assert_eq!(
        to_minor_units(detail.totals.tax),
        Some(seed::div_round(grand * 25, 125)),
        "Swedish VAT"
    );
    assert_eq!(detail.billing_address, detail.shipping_address);
}

#[test]
fn concurrent_orders_neither_oversell_nor_duplicate() {
    let store = Arc::new(fresh());
    let buyer = key(&store, BUYER);
    let code = ProductCode::from("BGM-HK9");
    store
        .set_product(&code, "Bergmann", None, Some(20))
        .unwrap();
    let orders_before = store.stats().unwrap().orders;

    let run = |keys: Vec<String>| -> Vec<ShopResult<PlacedOrder>> {
        let workers: Vec<_> = keys
            .into_iter()
            .map(|key| {
                let store = store.clone();
                std::thread::spawn(move || {
                    store.place_order(buyer, &new_order(&key, vec![line("BGM-HK9", None, 1)]))
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    };
    let distinct = run((0..50).map(|i| format!("distinct-{i}")).collect());
    let placed = distinct.iter().filter(|r| r.is_ok()).count();
    assert_eq!(placed, 20, "exactly the stock is sold");
    assert!(
        distinct
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|e| matches!(e, ShopError::Validation { .. }))
    );
    assert_eq!(
        product(&store, buyer, "BGM-HK9", "Bergmann").availability,
        Availability::OutOfStock
    );

    store
        .set_product(&code, "Bergmann", None, Some(20))
        .unwrap();
    let same = run(vec!["same-key".to_owned(); 50]);
    let numbers: HashSet<_> = same
        .iter()
        .map(|r| r.as_ref().unwrap().number.clone())
        .collect();
    assert_eq!(numbers.len(), 1);
    assert_eq!(
        same.iter()
            .filter(|r| !r.as_ref().unwrap().replayed)
            .count(),
        1
    );
    assert_eq!(store.stats().unwrap().orders, orders_before + 21);
    assert_eq!(in_stock(&product(&store, buyer, "BGM-HK9", "Bergmann")), 19);
}
