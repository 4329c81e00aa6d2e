//! End to end: the real binary in a pseudo-terminal, `shopterm demo` with its embedded shop, and
//! `$BROWSER` set to a script that plays the user at the sign-in page. What a user does on a
//! first day: sign in, scroll the history, open an order's shipments, edit the phone number, add
//! and delete an address, change the password and sign in again, quit.

#[path = "support/pty.rs"]
mod pty;

use base64::Engine;
use portable_pty::CommandBuilder;
use pty::PtyApp;
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);
const DOWN: &str = "\x1b[B";

/// `shopterm demo EXTRA` whose scripted browser signs in as the buyer with `password` (kept in
/// `home`/password, where a test changes it).
fn demo_command(home: &Path, password: &str, extra: &[&str]) -> CommandBuilder {
    let password_file = home.join("password");
    std::fs::write(&password_file, password).unwrap();
    let mut command = pty::shopterm(home, &[&["demo"], extra].concat());
    pty::with_scripted_browser(&mut command, "buyer@demo.shopterm.example", &password_file);
    command
}

fn sign_in(app: &mut PtyApp) {
    app.wait_for("Sign in with your browser", WAIT);
    app.send("\r");
    app.wait_for("Katrin Vogel", WAIT);
}

/// [`demo_command`] in a `rows` × `cols` terminal, signed in.
fn signed_in_demo(home: &Path, password: &str, extra: &[&str], rows: u16, cols: u16) -> PtyApp {
    let mut app = PtyApp::spawn(demo_command(home, password, extra), rows, cols);
    sign_in(&mut app);
    app
}

#[test]
fn a_first_day_with_the_demo_shop() {
    let home = tempfile::tempdir().unwrap();
    let password_file = home.path().join("password");
    let mut app = signed_in_demo(home.path(), "demo-buyer-pass", &["--ephemeral"], 40, 120);

    // Orders: the first page is there; jumping to the end of what is loaded fetches more.
    app.wait_for("Orders 100 of 2100", WAIT);
    app.send("G");
    app.wait_for("Orders 200 of 2100", WAIT);
    app.send("G");
    app.wait_for("Orders 300 of 2100", WAIT);

    // An order with shipments: filter to partially shipped (pending → processing → partially shipped).
    app.send("g");
    app.send("fff");
    app.wait_for("[partially_shipped]", WAIT);
    app.wait_until(WAIT, "partially shipped orders", |s| {
        s.contains("Partially shipped") && !s.contains("loading more")
    });
    app.send("\r");
    let screen = app.wait_for("Shipments (", WAIT);
    let tracking = screen
        .lines()
        .find_map(|line| {
            line.trim()
                .trim_matches('│')
                .trim()
                .strip_prefix("tracking ")
                .map(str::to_owned)
        })
        .unwrap_or_else(|| panic!("a tracking number on screen:\n{screen}"));
    assert!(tracking.len() >= 8, "{tracking}");
    app.send("y");
    app.wait_for("to the terminal (OSC 52)", WAIT);
    let copied = app.clipboard();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(copied.last().expect("an OSC 52 copy"))
        .unwrap();
    assert_eq!(
        String::from_utf8(decoded).unwrap(),
        tracking,
        "y copies the tracking number"
    );
    app.escape();
    app.wait_for("Orders", WAIT);
    app.escape(); // clear the filter

    // Account: edit the phone number and see it saved.
    app.send("1");
    app.wait_for("Customer", WAIT);
    app.send("e");
    app.wait_for("Edit account", WAIT);
    app.send(&DOWN.repeat(3));
    app.send("\x1b[F"); // End
    app.send(&"\x7f".repeat(40));
    app.send("+49 40 555 0199");
    app.send("\r");
    app.wait_for("Account saved", WAIT);
    app.wait_for("+49 40 555 0199", WAIT);

    // Addresses: add one, then delete it.
    app.send("2");
    app.wait_for("Praterstraße 31", WAIT);
    app.send("a");
    app.wait_for("New address", WAIT);
    for (value, tabs_after) in [
        ("Erika", 1),
        ("Muster", 2),
        ("Testweg 5", 2),
        ("12345", 1),
        ("Teststadt", 2),
        ("DE", 1),
    ] {
        app.send(value);
        app.send(&"\t".repeat(tabs_after));
    }
    app.send("\r");
    app.wait_for("Address saved", WAIT);
    app.wait_for("Testweg 5, Teststadt", WAIT);
    app.send("d");
    app.wait_for("Delete this address?", WAIT);
    app.send("y");
    app.wait_for("Address deleted", WAIT);
    app.wait_until(WAIT, "the address gone", |s| !s.contains("Testweg 5"));

    // Password: change it, sign out, sign in again with the new one.
    app.send("4");
    app.wait_for("Change password", WAIT);
    app.send("demo-buyer-pass\tnew-pass-2026\tnew-pass-2026\r");
    app.wait_for("Password changed", WAIT);
    std::fs::write(&password_file, "new-pass-2026").unwrap();
    app.escape(); // leave the password fields
    app.send("1");
    app.send("L");
    app.wait_for("Signed out", WAIT);
    app.send("\r");
    app.wait_for("Signed in", WAIT);
    app.wait_for("Katrin Vogel", WAIT);

    app.send("q");
    assert!(app.wait_exit(WAIT), "shopterm exits successfully");
    assert!(
        app.terminal_restored(),
        "the terminal is back in cooked mode"
    );
    let raw = app.raw_output();
    let tail = String::from_utf8_lossy(&raw[raw.len().saturating_sub(200)..]).into_owned();
    assert!(
        tail.contains("\x1b[?1049l"),
        "the alternate screen was left: {tail:?}"
    );
}

/// Shop data with escape sequences and bidi overrides is shown as inert text: none of the injected
/// sequences reaches the terminal.
#[test]
fn hostile_shop_data_reaches_the_terminal_inert() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("shop.sqlite3");
    let title_bomb = "\u{1b}]0;PWNED-TITLE\u{7}";
    let clear_screen = "\u{1b}[2J\u{1b}[31mRED";
    let clipboard = "\u{1b}]52;c;cm0gLXJmIH4=\u{7}";
    let bidi = "\u{202e}EVIL";
    {
        let _store = shopterm::demo::store::Store::open(Some(&data)).expect("seed the store");
        let conn = rusqlite::Connection::open(&data).unwrap();
        conn.execute(
            "UPDATE customers SET first_name = ?1 WHERE email = 'buyer@demo.shopterm.example'",
            [format!("Katrin{title_bomb}")],
        )
        .unwrap();
        conn.execute(
            "UPDATE orders SET status_label = ?1 WHERE id = (SELECT MAX(id) FROM orders WHERE customer_id = (SELECT id FROM customers WHERE email = 'buyer@demo.shopterm.example'))",
            [format!("Awaiting{clear_screen}{clipboard}{bidi}")],
        )
        .unwrap();
    }
    let data_args = ["--data", data.to_str().unwrap()];
    let mut app = signed_in_demo(home.path(), "demo-buyer-pass", &data_args, 40, 120);
    app.wait_for("AwaitingREDEVIL", WAIT);
    app.send("q");
    assert!(app.wait_exit(WAIT));
    let raw = String::from_utf8_lossy(&app.raw_output()).into_owned();
    for injected in [
        "PWNED-TITLE\u{7}",
        "\u{1b}]0;",
        "\u{1b}[2J",
        "\u{1b}]52;",
        "\u{202e}",
        "\u{1b}[31mRED",
    ] {
        assert!(!raw.contains(injected), "{injected:?} reached the terminal");
    }
    assert!(app.clipboard().is_empty(), "nothing was copied");
}

/// Reorder with a changed price and an out-of-stock line, then a pasted quick order: the review
/// shows both changes, the sent order holds only what could be ordered, and it tops the history.
#[test]
fn reorder_and_quick_order_from_the_keyboard() {
    use shopterm::demo::store::Store;
    use shopterm::model::*;
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("shop.sqlite3");
    let buyer = Store::demo_logins().remove(0);
    // Pick a recent order with two lines whose products are sold today, then change the shop:
    // the first line's price goes up, the second product runs out.
    let (number, raised_code, gone_code, quick_code, quick_brand) = {
        let store = Store::open(Some(&data)).unwrap();
        let customer = store
            .verify_password(&buyer.email, &buyer.password)
            .unwrap()
            .unwrap();
        let recent = store.orders(customer, &PageRequest::first(50)).unwrap();
        let detail = recent
            .items
            .iter()
            .map(|o| store.order(customer, &o.number).unwrap())
            .find(|d| d.lines.len() >= 2 && d.summary.total.currency == Currency::EUR)
            .expect("a recent two-line EUR order");
        let (first, second) = (&detail.lines[0], &detail.lines[1]);
        let raised = Money::new(
            first.unit_price.amount + rust_decimal::Decimal::new(250, 2),
            first.unit_price.currency,
        );
        store
            .set_product(&first.code, &first.brand, Some(raised), Some(500))
            .unwrap();
        store
            .set_product(&second.code, &second.brand, None, Some(0))
            .unwrap();
        (
            detail.summary.number.clone(),
            first.code.clone(),
            second.code.clone(),
            first.code.clone(),
            first.brand.clone(),
        )
    };
    let data_args = ["--data", data.to_str().unwrap()];
    let mut app = signed_in_demo(home.path(), &buyer.password, &data_args, 40, 140);

    app.send("/");
    app.send(number.as_str());
    app.send("\r");
    app.wait_for(&format!("[/{number}]"), WAIT);
    app.wait_until(WAIT, "the order found", |s| {
        s.contains(number.as_str()) && s.contains("1 of 1")
    });
    app.send("\r");
    app.wait_for("Shipments (", WAIT);
    app.send("r");
    let review = app.wait_until(WAIT, "the checked review", |s| {
        s.contains("out of stock") && s.contains("left out")
    });
    assert!(review.contains(&format!("Reorder of {number}")), "{review}");
    assert!(
        review.contains("out of stock"),
        "the out-of-stock line is shown: {review}"
    );
    assert!(review.contains(raised_code.as_str()) && review.contains(gone_code.as_str()));
    assert!(
        review.contains("left out"),
        "blocked lines are counted: {review}"
    );
    app.send("\r");
    app.wait_for("Send this order", WAIT);
    app.send("y");
    let placed = app.wait_for(" placed", WAIT);
    let new_number = placed
        .split("Order ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the new order number")
        .to_owned();
    app.wait_until(WAIT, "the new order on top", |s| {
        s.lines()
            .find(|l| l.contains("│SO-"))
            .is_some_and(|l| l.contains(&new_number))
    });

    // Quick order: pasted like a spreadsheet would, with mixed separators.
    app.send("5");
    app.wait_for("Quick order", WAIT);
    app.send(&format!(
        "\x1b[200~brand;code;qty\r{quick_brand}\t{quick_code},2\r\x1b[201~"
    ));
    app.wait_for(&format!("{quick_code},2"), WAIT);
    app.send("\x13"); // Ctrl-S: check the lines
    app.wait_for("1 line to send", WAIT);
    app.send("\r");
    app.wait_for("Send this order", WAIT);
    app.send("y");
    // The reorder's own "placed" message may still be up: wait for another order number.
    app.wait_until(WAIT, "the quick order placed", |s| {
        s.split("Order ")
            .filter_map(|rest| rest.split_whitespace().next())
            .any(|n| n.starts_with("SO-") && n != new_number && s.contains(&format!("{n} placed")))
    });
    app.send("q");
    assert!(app.wait_exit(WAIT));

    // What the shop holds: the reorder has only the line that could be ordered.
    let store = Store::open(Some(&data)).unwrap();
    let customer = store
        .verify_password(&buyer.email, &buyer.password)
        .unwrap()
        .unwrap();
    let sent = store
        .order(customer, &OrderNumber::from(new_number.as_str()))
        .unwrap();
    let codes: Vec<&str> = sent.lines.iter().map(|l| l.code.as_str()).collect();
    assert!(codes.contains(&raised_code.as_str()), "{codes:?}");
    assert!(
        !codes.contains(&gone_code.as_str()),
        "the out-of-stock line was not sent: {codes:?}"
    );
    let newest = store.orders(customer, &PageRequest::first(2)).unwrap();
    assert_ne!(
        newest.items[0].number.as_str(),
        new_number,
        "the quick order came after"
    );
    let quick = store.order(customer, &newest.items[0].number).unwrap();
    assert_eq!(quick.lines.len(), 1);
    assert_eq!(
        (quick.lines[0].code.as_str(), quick.lines[0].quantity),
        (quick_code.as_str(), 2)
    );
}

/// Starts a reorder of the newest order, quits with it unsent and starts shopterm again on the
/// Reorder pane, where the draft is back: the restarted app and the order's number.
fn restored_draft(home: &Path) -> (PtyApp, String) {
    let data = home.join("shop.sqlite3");
    let args = ["--data", data.to_str().unwrap()];
    let mut app = signed_in_demo(home, "demo-buyer-pass", &args, 40, 140);
    app.wait_for("Orders 100 of", WAIT);
    app.send("\r");
    let detail = app.wait_for("Shipments (", WAIT);
    let number = detail
        .split("Order ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap()
        .to_owned();
    app.send("r");
    app.wait_for(" to send", WAIT);
    app.send("q");
    assert!(app.wait_exit(WAIT));
    drop(app);

    let mut again = signed_in_demo(home, "demo-buyer-pass", &args, 40, 140);
    again.send("5");
    again.wait_for("(restored draft)", WAIT);
    (again, number)
}

/// A repeat-order draft that was not sent comes back after shopterm is restarted.
#[test]
fn an_unsent_draft_survives_a_restart() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, number) = restored_draft(home.path());
    let screen = app.screen();
    assert!(
        screen.contains(&format!("Reorder of {number} (restored draft)")),
        "{screen}"
    );
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// Once the restored draft is discarded, the next draft is a new one: a quick order checked
/// after it is titled "Quick order", not "(restored draft)" (it was, until the fold of the
/// three ways a draft is opened into one).
#[test]
fn a_draft_opened_after_a_discarded_restored_one_is_not_restored() {
    let home = tempfile::tempdir().unwrap();
    let (mut app, _) = restored_draft(home.path());
    app.send("D");
    app.send("y");
    app.wait_for("Draft discarded", WAIT);
    app.send("\x1b[200~XX-404 1\x1b[201~");
    app.wait_for("XX-404 1", WAIT);
    app.send("\x13"); // Ctrl-S: check the lines
    let screen = app.wait_for("Nothing to send", WAIT);
    assert!(screen.contains(" Quick order "), "{screen}");
    assert!(!screen.contains("(restored draft)"), "{screen}");
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// A password platform (Spryker, emulated by the demo shop): the sign-in form in the TUI, a
/// refused password asked for again, a silent refresh after the access token expired, and the
/// form again after signing out.
#[test]
fn password_platform_signs_in_through_the_form() {
    let home = tempfile::tempdir().unwrap();
    let ttl = ["--token-ttl", "2"];
    let mut app = pty::demo_sign_in_form(home.path(), "spryker", &ttl, (36, 120), WAIT);
    let screen = app.screen();
    assert!(screen.contains("· Spryker"), "{screen}");
    assert!(
        screen.contains("E-mail") && screen.contains("Password"),
        "{screen}"
    );

    app.send("buyer@demo.shopterm.example\twrong-pass\r");
    let screen = app.wait_for("did not accept", WAIT);
    assert!(
        !screen.contains("wrong-pass"),
        "the password is masked: {screen}"
    );
    // The e-mail stays; the cursor waits in the emptied password field.
    assert!(screen.contains("buyer@demo.shopterm.example"), "{screen}");
    app.send("demo-buyer-pass\r");
    app.wait_for("Katrin Vogel", WAIT);
    app.send("1");
    app.wait_for("DE--1", WAIT);

    // The access token lives 2 s: a reload after that renews it without asking.
    std::thread::sleep(Duration::from_millis(2500));
    app.send("R");
    std::thread::sleep(Duration::from_millis(800));
    let screen = app.wait_for("DE--1", WAIT);
    assert!(
        !screen.contains("Sign in to"),
        "asked to sign in again: {screen}"
    );

    app.send("L");
    let screen = app.wait_for("Signed out", WAIT);
    assert!(screen.contains("Password"), "{screen}");
    app.send("\x03");
    assert!(app.wait_exit(WAIT), "shopterm exits on Ctrl-C");
    assert!(
        app.terminal_restored(),
        "the terminal is back in cooked mode"
    );
    // What was typed into the password field never reached the terminal, not even for a frame.
    let raw = String::from_utf8_lossy(&app.raw_output()).into_owned();
    assert!(!raw.contains("wrong-pass"));
}

/// A password platform whose sessions cannot be renewed (AbanteCart, emulated): when the session
/// runs out, the sign-in form comes up over the user's place with the e-mail filled in, and
/// signing in again returns to that place.
#[test]
fn expired_session_without_refresh_asks_for_the_password_again() {
    let home = tempfile::tempdir().unwrap();
    let ttl = ["--token-ttl", "2"];
    let mut app = pty::demo_sign_in_form(home.path(), "abantecart", &ttl, (36, 120), WAIT);
    let screen = app.screen();
    assert!(screen.contains("· AbanteCart"), "{screen}");
    assert!(screen.contains("E-mail or login name"), "{screen}");
    app.send("hanako@demo.shopterm.example\tdemo-hanako-pass\r");
    // (山田 is in the demo accounts' list too: wait for the status bar's account instead.)
    app.wait_for("<hanako@demo.shopterm.example>", WAIT);
    app.send("1");
    app.wait_for("Customer", WAIT);

    std::thread::sleep(Duration::from_millis(2500));
    app.send("R");
    // The e-mail is in its field (waited for: a loaded machine can show the form half drawn).
    app.wait_for("Your session has expired", WAIT);
    app.wait_until(WAIT, "the sign-in form with the e-mail filled in", |s| {
        s.lines().any(|l| {
            l.contains("E-mail or login name") && l.contains("hanako@demo.shopterm.example")
        })
    });
    // Only the password is needed: the cursor is in its field.
    app.send("demo-hanako-pass\r");
    // The whole frame, status bar included (the last row is drawn last).
    let screen = app.wait_until(WAIT, "back on the account pane", |s| {
        s.contains("Signed in")
            && s.contains("┌ Account")
            && s.lines().last().is_some_and(|l| l.contains("<hanako@"))
    });
    assert!(!screen.contains("Your session has expired"), "{screen}");
    app.send("q");
    assert!(app.wait_exit(WAIT), "shopterm exits");
    assert!(
        app.terminal_restored(),
        "the terminal is back in cooked mode"
    );
}

/// Keys typed just as the terminal is resized (a window dragged, a tmux pane resized while
/// typing) all arrive. With crossterm's default (mio, edge-triggered) input source a resize and
/// keys that became readable in the same wake-up lost the keys until the next key press: the
/// resize was returned and the terminal's readiness was never reported again.
#[test]
fn keys_typed_as_the_terminal_is_resized_are_not_lost() {
    let home = tempfile::tempdir().unwrap();
    let mut app = signed_in_demo(home.path(), "demo-buyer-pass", &["--ephemeral"], 24, 80);
    app.wait_for("Orders 100 of 2100", WAIT);
    let pane_drawn = |screen: &str, title: &str| {
        screen
            .lines()
            .nth(1)
            .is_some_and(|line| line.starts_with(&format!("┌ {title}")))
    };
    for round in 0..20u16 {
        let (key, title) = if round % 2 == 0 {
            ("2", "Addresses")
        } else {
            ("3", "Orders")
        };
        let rows = 20 + round % 5;
        app.resize(rows, 80);
        // At once, as a person typing during the resize would.
        app.send(key);
        app.wait_until(WAIT, &format!("the {title} pane after a resize"), |s| {
            pane_drawn(s, title) && s.lines().count() <= usize::from(rows)
        });
    }
    app.send("q");
    assert!(app.wait_exit(WAIT));
}
