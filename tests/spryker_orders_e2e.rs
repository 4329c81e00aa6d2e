//! End to end on `shopterm demo --platform spryker`: the real binary in a pseudo-terminal, the
//! sign-in form, then a reorder of a past order (Glue's `cart-reorder`) and a quick order of
//! three pasted lines (a Glue cart), each with a price change and an out-of-stock line: the
//! review shows today's price and the line left out, the confirmed order tops the history, and
//! the shop holds exactly what was sent. The TUI is the one every platform shares: Spryker's
//! connector declaring ProductLookup and PlaceOrder is what opens the Reorder pane here.

#[path = "support/pty.rs"]
mod pty;

use pty::PtyApp;
use shopterm::demo::store::Store;
use shopterm::model::*;
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);
const DOWN: &str = "\x1b[B";

/// What the test changes in the shop before shopterm starts, and what it then expects.
struct Plan {
    /// The past order to repeat, its position in the history, and its lines.
    past: OrderDetail,
    position: usize,
    /// Dearer today (the past order's first line), and sold out (its second line).
    raised: OrderLine,
    raised_price: Money,
    gone: OrderLine,
    /// A third product, in stock, for the quick order.
    other: ProductCode,
}

/// Picks, among the buyer's newest orders, one of EUR with two lines or more whose products are
/// sold under codes no other brand uses, and a product of another order; then raises the first
/// line's price and sells out the second.
fn prepare(data: &Path) -> Plan {
    let store = Store::open(Some(data)).expect("the demo store");
    let buyer = Store::demo_logins().remove(0);
    let customer = store
        .verify_password(&buyer.email, &buyer.password)
        .expect("the store checks passwords")
        .expect("the buyer's password");
    let unique = |code: &ProductCode| {
        let query = ProductQuery {
            codes: vec![code.clone()],
            brand: None,
        };
        let found = store.products(customer, &query).expect("the demo store");
        found.len() == 1 && found[0].availability.can_supply(20)
    };
    let recent = store
        .orders(customer, &PageRequest::first(20))
        .expect("the demo store");
    let (position, past) = recent
        .items
        .iter()
        .enumerate()
        .map(|(i, o)| (i, store.order(customer, &o.number).expect("the demo store")))
        .find(|(_, d)| {
            d.summary.total.currency == Currency::EUR
                && d.lines.len() >= 2
                && d.lines.iter().all(|l| unique(&l.code))
                && d.lines[0].code != d.lines[1].code
        })
        .expect("a recent EUR order with two sellable lines");
    let other = recent
        .items
        .iter()
        .flat_map(|o| {
            store
                .order(customer, &o.number)
                .expect("the demo store")
                .lines
        })
        .map(|l| l.code)
        .find(|code| past.lines.iter().all(|l| &l.code != code) && unique(code))
        .expect("a product of another order");
    let (raised, gone) = (past.lines[0].clone(), past.lines[1].clone());
    let raised_price = Money::new(
        raised.unit_price.amount + rust_decimal::Decimal::new(250, 2),
        raised.unit_price.currency,
    );
    store
        .set_product(&raised.code, &raised.brand, Some(raised_price), Some(500))
        .expect("the demo store");
    store
        .set_product(&gone.code, &gone.brand, None, Some(0))
        .expect("the demo store");
    Plan {
        past,
        position,
        raised,
        raised_price,
        gone,
        other,
    }
}

/// The order number of the "Order … placed" message other than `not`.
fn placed_number(screen: &str, not: Option<&str>) -> Option<String> {
    screen
        .split("Order ")
        .filter_map(|rest| rest.split_whitespace().next())
        .find(|n| {
            n.starts_with("SO-") && Some(*n) != not && screen.contains(&format!("{n} placed"))
        })
        .map(str::to_owned)
}

#[test]
fn spryker_reorder_and_quick_order_from_the_keyboard() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("shop.sqlite3");
    let plan = prepare(&data);
    let data_arg = data.display().to_string();
    let demo = ["demo", "--platform", "spryker", "--data", data_arg.as_str()];
    // The sign-in is the TUI's form (pty::shopterm's BROWSER fails loudly if one is started).
    let mut app = PtyApp::spawn(pty::shopterm(home.path(), &demo), 40, 140);
    let screen = app.wait_for("Sign in to 127.0.0.1", WAIT);
    assert!(screen.contains("· Spryker"), "{screen}");
    app.send("buyer@demo.shopterm.example\tdemo-buyer-pass\r");
    app.wait_for("Katrin Vogel", WAIT);
    let number = plan.past.summary.number.as_str();
    app.wait_for(number, WAIT);

    // The reorder: the past order's detail, `r`, the review against today's shop.
    for _ in 0..plan.position {
        app.send(DOWN);
    }
    app.send("\r");
    app.wait_until(WAIT, "the past order's detail", |s| {
        s.contains(number) && s.contains(plan.raised.code.as_str()) && s.contains("Shipments (")
    });
    app.send("r");
    let review = app.wait_until(WAIT, "the checked review", |s| {
        s.contains("out of stock") && s.contains("left out")
    });
    assert!(review.contains(&format!("Reorder of {number}")), "{review}");
    assert!(review.contains(plan.gone.code.as_str()), "{review}");
    assert!(
        review.contains(&plan.raised_price.to_string()),
        "today's price {} is shown: {review}",
        plan.raised_price
    );
    app.send("\r");
    app.wait_for("Send this order", WAIT);
    app.send("y");
    let placed = app.wait_until(WAIT, "the reorder placed", |s| {
        placed_number(s, None).is_some()
    });
    let reorder_number = placed_number(&placed, None).unwrap();
    app.wait_until(WAIT, "the reorder on top of the history", |s| {
        s.lines()
            .find(|l| l.contains("│SO-"))
            .is_some_and(|l| l.contains(&reorder_number))
    });

    // The quick order: three lines pasted as a spreadsheet would, one dearer today, one sold
    // out, one as it was.
    app.send("5");
    app.wait_for("Quick order", WAIT);
    app.send(&format!(
        "\x1b[200~sku;qty\r{} 2\r{}\t1\r{},3\r\x1b[201~",
        plan.raised.code, plan.gone.code, plan.other
    ));
    app.wait_for(&format!("{},3", plan.other), WAIT);
    app.send("\x13"); // Ctrl-S: check the lines
    let review = app.wait_for("2 lines to send", WAIT);
    assert!(review.contains("out of stock"), "{review}");
    assert!(review.contains(&plan.raised_price.to_string()), "{review}");
    app.send("\r");
    app.wait_for("Send this order", WAIT);
    app.send("y");
    let placed = app.wait_until(WAIT, "the quick order placed", |s| {
        placed_number(s, Some(&reorder_number)).is_some()
    });
    let quick_number = placed_number(&placed, Some(&reorder_number)).unwrap();
    app.wait_until(WAIT, "the quick order on top of the history", |s| {
        s.lines()
            .find(|l| l.contains("│SO-"))
            .is_some_and(|l| l.contains(&quick_number))
    });
    app.send("q");
    assert!(app.wait_exit(WAIT));

    // What the shop holds.
    let store = Store::open(Some(&data)).unwrap();
    let buyer = Store::demo_logins().remove(0);
    let customer = store
        .verify_password(&buyer.email, &buyer.password)
        .expect("the store checks passwords")
        .expect("the buyer's password");
    let lines = |number: &str| -> Vec<(String, u32)> {
        let mut lines: Vec<(String, u32)> = store
            .order(customer, &OrderNumber::from(number))
            .unwrap()
            .lines
            .into_iter()
            .map(|l| (l.code.to_string(), l.quantity))
            .collect();
        lines.sort();
        lines
    };
    let mut repeated: Vec<(String, u32)> = plan
        .past
        .lines
        .iter()
        .filter(|l| l.code != plan.gone.code)
        .map(|l| (l.code.to_string(), l.quantity))
        .collect();
    repeated.sort();
    assert_eq!(
        lines(&reorder_number),
        repeated,
        "the sold-out line left out"
    );
    let mut quick = vec![
        (plan.raised.code.to_string(), 2),
        (plan.other.to_string(), 3),
    ];
    quick.sort();
    assert_eq!(lines(&quick_number), quick);
    let newest = store.orders(customer, &PageRequest::first(2)).unwrap();
    assert_eq!(newest.items[0].number.as_str(), quick_number);
    assert_eq!(newest.items[1].number.as_str(), reorder_number);
}
