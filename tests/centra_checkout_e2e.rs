//! End to end on `shopterm demo --platform centra`: the real binary in a pseudo-terminal, the
//! sign-in form, then a quick order of three pasted lines — one dearer today, one sold out, one
//! as it was — reviewed and confirmed. Centra places orders itself once they are paid, so the
//! TUI shows the shop's payment page (opened with `o`, copied with `y`); the test then "pays" by
//! opening that address (a GET, as the customer's browser would), and after `Esc` the new order
//! tops the history, holding exactly the lines that could be ordered. That order repeated from its
//! detail (`r`) goes the same way to a payment page of its own.

#[path = "support/pty.rs"]
mod pty;

use base64::Engine as _;
use pty::PtyApp;
use shopterm::demo::store::Store;
use shopterm::model::*;
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

/// Three products of the buyer's orders sold under codes no other brand uses: the first made
/// dearer (the price it now has), the second sold out, the third as it is.
fn prepare(data: &Path) -> (ProductCode, Money, ProductCode, ProductCode) {
    let store = Store::open(Some(data)).expect("the demo store");
    let buyer = Store::demo_logins().remove(0);
    let customer = store
        .verify_password(&buyer.email, &buyer.password)
        .expect("the store checks passwords")
        .expect("the buyer's password");
    let mut chosen: Vec<(ProductCode, String, Money)> = Vec::new();
    let recent = store
        .orders(customer, &PageRequest::first(20))
        .expect("the demo store");
    for summary in &recent.items {
        for line in store.order(customer, &summary.number).expect("order").lines {
            let query = ProductQuery {
                codes: vec![line.code.clone()],
                brand: None,
            };
            let found = store.products(customer, &query).expect("the demo store");
            if found.len() == 1
                && found[0].availability.can_supply(20)
                && !chosen.iter().any(|(c, _, _)| *c == line.code)
            {
                chosen.push((line.code.clone(), line.brand.clone(), found[0].price));
            }
        }
    }
    assert!(chosen.len() >= 3, "three products in the buyer's orders");
    let (raised, raised_brand, price) = chosen[0].clone();
    let raised_price = Money::new(
        price.amount + rust_decimal::Decimal::new(250, 2),
        price.currency,
    );
    store
        .set_product(&raised, &raised_brand, Some(raised_price), Some(500))
        .expect("the demo store");
    store
        .set_product(&chosen[1].0, &chosen[1].1, None, Some(0))
        .expect("the demo store");
    store
        .set_product(&chosen[2].0, &chosen[2].1, None, Some(500))
        .expect("the demo store");
    (
        raised,
        raised_price,
        chosen[1].0.clone(),
        chosen[2].0.clone(),
    )
}

/// The payment page's whole address as the screen shows it (not one a toast cut short).
fn payment_url(screen: &str) -> Option<String> {
    screen
        .split(|c: char| c.is_whitespace() || c == '│')
        .find(|word| {
            word.starts_with("http://")
                && word.split_once("/payment-page/").is_some_and(|(_, id)| {
                    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
                })
        })
        .map(str::to_owned)
}

#[test]
fn centra_quick_order_up_to_the_payment_page_then_in_the_history() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("shop.sqlite3");
    let (raised, raised_price, gone, other) = prepare(&data);
    let data_arg = data.display().to_string();
    let demo = ["demo", "--platform", "centra", "--data", data_arg.as_str()];
    let mut app = PtyApp::spawn(pty::shopterm(home.path(), &demo), 40, 140);
    let screen = app.wait_for("Sign in to 127.0.0.1", WAIT);
    assert!(screen.contains("· Centra"), "{screen}");
    app.send("buyer@demo.shopterm.example\tdemo-buyer-pass\r");
    app.wait_for("Katrin Vogel", WAIT);
    let history = app.wait_until(WAIT, "the history", |s| s.contains("│SO-"));
    let newest_before = history
        .lines()
        .find(|l| l.contains("│SO-"))
        .and_then(|l| l.split('│').find(|cell| cell.trim().starts_with("SO-")))
        .map(|cell| cell.trim().to_owned())
        .expect("the newest order");

    app.send("5");
    app.wait_for("Quick order", WAIT);
    app.send(&format!(
        "\x1b[200~sku;qty\r{raised} 2\r{gone}\t1\r{other},3\r\x1b[201~"
    ));
    app.wait_for(&format!("{other},3"), WAIT);
    app.send("\x13"); // Ctrl-S: check the lines
    let review = app.wait_for("2 lines to send", WAIT);
    assert!(review.contains("out of stock"), "{review}");
    assert!(review.contains(&raised_price.to_string()), "{review}");
    assert!(
        review.contains("what the shop's cart holds stays in it"),
        "{review}"
    );
    app.send("\r");
    app.wait_for("Send this order to the shop's payment page", WAIT);
    app.send("y");
    let shown = app.wait_until(WAIT, "the payment page", |s| payment_url(s).is_some());
    assert!(shown.contains("Awaiting payment"), "{shown}");
    assert!(shown.contains("once it is paid"), "{shown}");
    let url = payment_url(&shown).unwrap();

    app.send("y");
    app.wait_until(WAIT, "the address copied", |_| !app.clipboard().is_empty());
    let copied = base64::engine::general_purpose::STANDARD
        .decode(app.clipboard().last().expect("an OSC 52 copy"))
        .expect("base64");
    assert_eq!(String::from_utf8_lossy(&copied), url);
    // `o` opens it with the browser helper sign-in uses; this terminal's BROWSER fails, and
    // says so.
    app.send("o");
    app.wait_for("$BROWSER (false) failed", WAIT);

    // Nothing is placed before payment; the "browser" pays.
    let paid = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let answer = reqwest::get(&url).await.expect("the payment page");
        (
            answer.status().as_u16(),
            answer.text().await.unwrap_or_default(),
        )
    });
    assert_eq!(paid.0, 200, "{}", paid.1);
    let number = paid
        .1
        .split_whitespace()
        .find(|w| w.starts_with("SO-"))
        .map(|w| {
            w.trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
                .to_owned()
        })
        .expect("the order's number on the page");
    assert_ne!(number, newest_before);

    app.send("\x1b");
    app.wait_until(WAIT, "the paid order on top of the history", |s| {
        s.lines()
            .find(|l| l.contains("│SO-"))
            .is_some_and(|l| l.contains(&number))
    });

    // The paid order again, from its detail (`r`): the same way to the payment page.
    app.send("\r");
    app.wait_until(WAIT, "the paid order's detail", |s| {
        s.contains(&number) && s.contains(other.as_str())
    });
    app.send("r");
    let review = app.wait_for("2 lines to send", WAIT);
    assert!(review.contains(&format!("Reorder of {number}")), "{review}");
    app.send("\r");
    app.wait_for("Send this order to the shop's payment page", WAIT);
    app.send("y");
    let shown = app.wait_until(WAIT, "the reorder's payment page", |s| {
        s.contains("Awaiting payment") && payment_url(s).is_some_and(|u| u != url)
    });
    assert!(shown.contains("Awaiting payment"), "{shown}");
    app.send("q");
    assert!(app.wait_exit(WAIT));

    let store = Store::open(Some(&data)).unwrap();
    let buyer = Store::demo_logins().remove(0);
    let customer = store
        .verify_password(&buyer.email, &buyer.password)
        .unwrap()
        .unwrap();
    let mut lines: Vec<(String, u32)> = store
        .order(customer, &OrderNumber::from(number.as_str()))
        .unwrap()
        .lines
        .into_iter()
        .map(|l| (l.code.to_string(), l.quantity))
        .collect();
    lines.sort();
    let mut wanted = vec![(raised.to_string(), 2), (other.to_string(), 3)];
    wanted.sort();
    assert_eq!(lines, wanted, "the sold-out line left out");
    let unit = store
        .order(customer, &OrderNumber::from(number.as_str()))
        .unwrap()
        .lines
        .into_iter()
        .find(|l| l.code == raised)
        .unwrap()
        .unit_price;
    assert_eq!(unit, raised_price, "today's price");
}

/// A shop whose payment step answers a form for its payment provider (the demo's
/// `--centra-payment-form`): the Payment view names the private file the form was saved to
/// (never the form's HTML), `y` copies its path, `o` opens it in the browser — here the scripted
/// payer (tests/support/pay_form.py), which submits it and so pays — and after `Esc` the shop's
/// order tops the history.
#[test]
fn centra_payment_form_saved_opened_and_paid_then_in_the_history() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("shop.sqlite3");
    let (_, _, _, other) = prepare(&data);
    let data_arg = data.display().to_string();
    let demo = [
        "demo",
        "--platform",
        "centra",
        "--data",
        data_arg.as_str(),
        "--centra-payment-form",
    ];
    let log = home.path().join("pay.log");
    let mut command = pty::shopterm(home.path(), &demo);
    pty::with_scripted_payer(&mut command, &log);
    let mut app = PtyApp::spawn(command, 40, 140);
    app.wait_for("Sign in to 127.0.0.1", WAIT);
    app.send("buyer@demo.shopterm.example\tdemo-buyer-pass\r");
    app.wait_until(WAIT, "the history", |s| s.contains("│SO-"));

    app.send("5");
    app.wait_for("Quick order", WAIT);
    app.send(&format!("\x1b[200~{other} 2\r\x1b[201~"));
    app.wait_for(&format!("{other} 2"), WAIT);
    app.send("\x13");
    app.wait_for("1 line to send", WAIT);
    app.send("\r");
    app.wait_for("Send this order to the shop's payment page", WAIT);
    app.send("y");
    let shown = app.wait_for(
        "with the shop's payment form, saved for your browser in:",
        WAIT,
    );
    assert!(shown.contains("Awaiting payment"), "{shown}");
    assert!(
        !shown.contains("<form") && !shown.contains("script"),
        "{shown}"
    );
    let run_dir = std::fs::canonicalize(home.path().join("run")).unwrap();
    let forms: Vec<_> = std::fs::read_dir(&run_dir)
        .expect("the runtime directory")
        .map(|e| e.unwrap().path())
        .collect();
    let [form] = &forms[..] else {
        panic!("one saved form: {forms:?}");
    };
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(form), 0o600);
    assert_eq!(mode(&run_dir), 0o700);
    let name = form.file_name().unwrap().to_str().unwrap();
    assert!(shown.contains(name), "the file named: {shown}");
    assert!(
        !String::from_utf8_lossy(&app.raw_output()).contains("<form"),
        "no HTML reached the terminal"
    );

    app.send("y");
    app.wait_until(WAIT, "the path copied", |_| !app.clipboard().is_empty());
    let copied = base64::engine::general_purpose::STANDARD
        .decode(app.clipboard().last().expect("an OSC 52 copy"))
        .expect("base64");
    assert_eq!(String::from_utf8_lossy(&copied), form.display().to_string());

    app.send("o");
    let deadline = std::time::Instant::now() + WAIT;
    let paid = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if let Some(line) = text.lines().find(|l| l.contains("\"paid\"")) {
            break serde_json::from_str::<serde_json::Value>(line).unwrap();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the payer paid: {text}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(paid["status"], 200, "{paid}");
    let page = paid["page"].as_str().unwrap().to_owned();
    let number = page
        .split_whitespace()
        .find(|w| w.starts_with("SO-"))
        .map(|w| {
            w.trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
                .to_owned()
        })
        .unwrap_or_else(|| panic!("the order's number: {page}"));

    app.send("\x1b");
    app.wait_until(WAIT, "the paid order on top of the history", |s| {
        s.lines()
            .find(|l| l.contains("│SO-"))
            .is_some_and(|l| l.contains(&number))
    });
    app.send("q");
    assert!(app.wait_exit(WAIT));
}
