//! End to end on `shopterm demo --platform spryker` (a B2B Glue shop): the real binary in a
//! pseudo-terminal signs the B2B buyer in, opens the shopping lists from the quick order (F7),
//! orders "Safety kit" through the review (one line dearer today, one sold out, one no longer
//! sold: both shown and left out), confirms, and the order tops the history with exactly the
//! line that could be sent.

#[path = "support/pty.rs"]
mod pty;

use pty::PtyApp;
use shopterm::demo::store::Store;
use shopterm::model::*;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);
const DOWN: &str = "\x1b[B";
const F7: &str = "\x1b[18~";

fn buyer(store: &Store) -> i64 {
    let buyer = Store::demo_logins().remove(0);
    store
        .verify_password(&buyer.email, &buyer.password)
        .expect("the store checks passwords")
        .expect("the buyer's password")
}

#[test]
fn a_shopping_list_is_ordered_from_the_keyboard() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("shop.sqlite3");
    let raised_price = {
        let store = Store::open(Some(&data)).expect("the demo store");
        let customer = buyer(&store);
        let product = |code: &str| {
            let query = ProductQuery {
                codes: vec![ProductCode::from(code)],
                brand: None,
            };
            store
                .products(customer, &query)
                .expect("the demo store")
                .remove(0)
        };
        let plugs = product("ATS-EP200");
        let raised = Money::new(
            plugs.price.amount + rust_decimal::Decimal::new(150, 2),
            plugs.price.currency,
        );
        store
            .set_product(&plugs.code, &plugs.brand, Some(raised), Some(500))
            .expect("the demo store");
        let glasses = product("ATS-SG-CLR");
        store
            .set_product(&glasses.code, &glasses.brand, None, Some(0))
            .expect("the demo store");
        raised
    };
    let data_arg = data.display().to_string();
    let demo = ["demo", "--platform", "spryker", "--data", data_arg.as_str()];
    let mut app = PtyApp::spawn(pty::shopterm(home.path(), &demo), 40, 140);
    app.wait_for("Sign in to 127.0.0.1", WAIT);
    app.send("buyer@demo.shopterm.example\tdemo-buyer-pass\r");
    app.wait_for("Katrin Vogel", WAIT);
    app.wait_for("│SO-", WAIT);
    let before = app.screen();
    let newest_before = before
        .lines()
        .find(|l| l.contains("│SO-"))
        .unwrap_or_default()
        .to_owned();

    app.send("5");
    let quick = app.wait_for("Quick order", WAIT);
    assert!(quick.contains("F7"), "the key is offered: {quick}");
    app.send(F7);
    let lists = app.wait_for("Safety kit", WAIT);
    assert!(lists.contains("Workshop restock"), "{lists}");
    app.send(DOWN);
    app.send("\r");
    let review = app.wait_until(WAIT, "the checked review", |s| {
        s.contains("out of stock") && s.contains("no longer sold") && s.contains(" to send")
    });
    assert!(review.contains("Shopping list Safety kit"), "{review}");
    assert!(
        review.contains(&raised_price.to_string()),
        "today's price {raised_price} is shown: {review}"
    );
    assert!(review.contains("1 line to send, 2 left out"), "{review}");
    app.send("\r");
    app.wait_for("Send this order", WAIT);
    app.send("y");
    let placed = app.wait_until(WAIT, "the order placed", |s| {
        s.contains(" placed") && s.contains("Order SO-")
    });
    let number = placed
        .split("Order ")
        .filter_map(|rest| rest.split_whitespace().next())
        .find(|n| n.starts_with("SO-") && placed.contains(&format!("{n} placed")))
        .expect("the placed order's number")
        .to_owned();
    app.wait_until(WAIT, "the order on top of the history", |s| {
        s.lines()
            .find(|l| l.contains("│SO-"))
            .is_some_and(|l| l.contains(&number) && *l != newest_before)
    });
    app.send("q");
    assert!(app.wait_exit(WAIT));

    let store = Store::open(Some(&data)).unwrap();
    let customer = buyer(&store);
    let detail = store
        .order(customer, &OrderNumber::from(number.as_str()))
        .unwrap();
    let lines: Vec<(String, u32)> = detail
        .lines
        .iter()
        .map(|l| (l.code.to_string(), l.quantity))
        .collect();
    assert_eq!(lines, [("ATS-EP200".to_owned(), 10)]);
    assert_eq!(detail.lines[0].unit_price, raised_price);
    let newest = store.orders(customer, &PageRequest::first(1)).unwrap();
    assert_eq!(newest.items[0].number.as_str(), number);
}
