//! End to end, one test per defect a first user hit (issue 10): the real binary in a
//! pseudo-terminal on `shopterm demo`, read through a vt100 screen. Each test failed on the TUI
//! before the command table, the shared layout and the per-customer session.
//! `SHOPTERM_BIN` runs them against another build (to see them fail on an older one).

#[path = "support/pty.rs"]
mod pty;

#[path = "support/tui_demo.rs"]
mod tui_demo;

use pty::PtyApp;
use std::path::Path;
use std::time::Duration;
use tui_demo::*;

/// Defect 1: after `L` and signing in as someone else, nothing of the first customer is shown.
#[test]
fn signing_out_drops_the_previous_customers_orders() {
    let home = tempfile::tempdir().unwrap();
    let mut app = password_platform(home.path(), "spryker", 30, 120);
    app.send(&format!("{BUYER}\tdemo-buyer-pass\r"));
    app.wait_for("Katrin Vogel", WAIT);
    let screen = app.wait_for("SO-", WAIT);
    let buyers_order = screen
        .lines()
        .find_map(|l| l.split('│').nth(1).filter(|c| c.starts_with("SO-")))
        .and_then(|c| c.split_whitespace().next())
        .expect("an order of the buyer")
        .to_owned();
    app.send("2");
    app.wait_for("Praterstraße 31", WAIT);
    app.send("1");
    app.wait_for("Customer", WAIT);
    app.send("L");
    app.wait_for("Signed out", WAIT);
    // After a deliberate sign-out the form is empty (tui_walk checks it): another customer.
    app.send(&format!("{HANAKO}\tdemo-hanako-pass\r"));
    app.wait_for(&format!("<{HANAKO}>"), WAIT);
    app.send("3");
    let screen = app.wait_until(WAIT, "hanako's orders", |s| {
        s.contains("JPY") || s.contains("USD")
    });
    assert!(
        !screen.contains(&buyers_order),
        "the previous customer's order {buyers_order} is still shown:\n{screen}"
    );
    app.send("2");
    let screen = app.wait_until(WAIT, "hanako's addresses", |s| !s.contains("Loading"));
    assert!(
        !screen.contains("Praterstraße 31"),
        "the previous customer's address is still shown:\n{screen}"
    );
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// Defect 2: a pane the shop does not offer lets every global key through. It was found on the
/// Reorder pane of Centra, which takes orders since issue 13 (as every platform now does), so
/// the same unavailable pane is checked where it still is one: the Password pane of AbanteCart,
/// whose API has no password calls.
#[test]
fn an_unavailable_pane_does_not_swallow_keys() {
    let home = tempfile::tempdir().unwrap();
    let mut app = password_platform(home.path(), "abantecart", 30, 120);
    app.send(&format!("{BUYER}\tdemo-buyer-pass\r"));
    app.wait_for("Katrin Vogel", WAIT);
    app.send("4");
    app.wait_for("not available", WAIT);
    app.send("1");
    app.wait_for("┌ Account", WAIT);
    app.send("4");
    app.wait_for("not available", WAIT);
    app.escape();
    app.wait_until(WAIT, "back on the orders", |s| s.contains("┌ Orders"));
    app.send("4");
    app.wait_for("not available", WAIT);
    app.send("q");
    assert!(app.wait_exit(WAIT), "q quits from the unavailable pane");
}

/// Defect 3: the selected order is always a drawn row (at the bottom of the window, after a
/// page down and after a resize).
#[test]
fn the_selected_order_is_always_on_screen() {
    let home = tempfile::tempdir().unwrap();
    let mut app = signed_in_demo(home.path(), 24, 80);
    let rows_shown = |s: &str| s.lines().filter(|l| l.starts_with("│SO-")).count();
    // The frame may still be arriving: wait for the rows rather than read a half-drawn screen.
    let screen = app.wait_until(WAIT, "the first page's rows", |s| rows_shown(s) >= 10);
    let shown = rows_shown(&screen);
    for _ in 0..shown {
        app.send("j");
    }
    // The order Enter opens is the selected one; back in the list it must be among the drawn
    // rows (waiting for the frame, not for a fixed time: a loaded machine draws late).
    let opened = open_selected_order(&mut app);
    app.escape();
    app.wait_until(WAIT, "the selected order drawn in the list", |s| {
        s.lines()
            .any(|l| l.starts_with("│SO-") && l.contains(&opened))
    });
    // A shorter terminal: the selection (the row in inverse video) stays drawn, and it is the
    // order Enter opens.
    app.resize(18, 80);
    // The test's own screen is resized at once: wait for the app's frame, its status bar on the
    // last row.
    app.wait_until(WAIT, "the frame at 18 rows", |s| {
        s.lines().count() <= 18 && s.lines().nth(17).is_some_and(|l| l.contains("? help"))
    });
    // Each move is waited for: a frame drawn between the two keys is not the end state.
    let before = selected_order_row(&app, None);
    app.send("k");
    let moved_up = selected_order_row(&app, Some(&before));
    app.send("j");
    let selected = selected_order_row(&app, Some(&moved_up));
    let opened = open_selected_order(&mut app);
    assert!(
        selected.contains(&opened),
        "{opened} opened, {selected} drawn as selected"
    );
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// The order row drawn as selected (in inverse video), once it is not `other`.
fn selected_order_row(app: &PtyApp, other: Option<&str>) -> String {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let selected = app
            .inverse_lines()
            .into_iter()
            .find(|l| l.starts_with("│SO-") && Some(l.as_str()) != other);
        match selected {
            Some(line) => return line,
            None if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(25))
            }
            None => panic!("no (newly) selected order drawn:\n{}", app.screen()),
        }
    }
}

/// Opens the selected order and returns its number, as the detail's title shows it.
fn open_selected_order(app: &mut PtyApp) -> String {
    app.send("\r");
    let detail = app.wait_for("Shipments", WAIT);
    detail
        .lines()
        .find_map(|l| l.split("Order ").nth(1))
        .and_then(|r| r.split_whitespace().next())
        .expect("the opened order's number")
        .to_owned()
}

/// Defect 4: a password manager's paste lands in the masked password field.
#[test]
fn paste_into_the_password_sign_in_form() {
    let home = tempfile::tempdir().unwrap();
    let mut app = password_platform(home.path(), "spryker", 30, 120);
    app.send(&format!("{PASTE_START}{BUYER}{PASTE_END}"));
    app.wait_for(BUYER, WAIT);
    app.send("\t");
    app.send(&format!("{PASTE_START}demo-buyer-pass{PASTE_END}"));
    let screen = app.wait_for("•••••••••••••••", WAIT);
    let field = screen
        .lines()
        .find(|l| l.contains("Password  •"))
        .expect("the password field");
    assert!(!field.contains("demo-buyer-pass"), "masked: {field}");
    app.send("\r");
    app.wait_for("Katrin Vogel", WAIT);
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// Defect 4, the reset key: a pasted reset link lands in the key field.
#[test]
fn paste_into_the_reset_key_field() {
    let home = tempfile::tempdir().unwrap();
    let mut app = signed_in_demo(home.path(), 30, 120);
    app.send("4");
    app.wait_for("Change password", WAIT);
    app.send("\x1b[14~"); // F4
    app.wait_for("Reset with the key", WAIT);
    app.send(&format!(
        "{PASTE_START}https://shop.example/reset?key=PASTED-KEY-42{PASTE_END}"
    ));
    app.wait_for("PASTED-KEY-42", WAIT);
    app.send("\x03");
    assert!(app.wait_exit(WAIT));
}

/// Defect 5: while typing, the status bar offers Esc and not `? help`, and `?` is text.
#[test]
fn typing_in_a_field_offers_esc_not_help() {
    let home = tempfile::tempdir().unwrap();
    let mut app = signed_in_demo(home.path(), 30, 120);
    app.send("4");
    // The pane's title can arrive before the status bar of the same frame: wait for the frame.
    let screen = app.wait_until(WAIT, "the Password pane offering Esc", |s| {
        s.contains("Change password") && status_bar(s).contains("Esc")
    });
    let bar = status_bar(&screen);
    assert!(!bar.contains("? help"), "? is text here: {bar}");
    app.send("?");
    std::thread::sleep(Duration::from_millis(300));
    assert!(!app.screen().contains("┌ Help"), "? typed into the field");
    app.escape();
    let screen = app.wait_until(WAIT, "back on the orders", |s| s.contains("┌ Orders"));
    assert!(status_bar(&screen).contains("? help"), "{screen}");
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// Defect 6: a shop without order search does not offer `/` or `f`, and pressing them says so
/// instead of emptying the list.
#[test]
fn order_search_is_not_offered_where_the_shop_has_none() {
    let home = tempfile::tempdir().unwrap();
    let mut app = password_platform(home.path(), "centra", 30, 120);
    app.send(&format!("{BUYER}\tdemo-buyer-pass\r"));
    let screen = app.wait_for("│SO-", WAIT);
    let bar = status_bar(&screen);
    assert!(
        !bar.contains("/ search") && !bar.contains("f filter"),
        "{bar}"
    );
    app.send("f");
    let screen = app.wait_for("not available on this shop", WAIT);
    assert!(screen.contains("│SO-"), "the list stays: {screen}");
    app.send("/");
    std::thread::sleep(Duration::from_millis(300));
    assert!(!app.screen().contains("Search:"), "{}", app.screen());
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// Defect 6: AbanteCart has no order details and no password forms; they say so and let go.
#[test]
fn abantecart_order_enter_and_password_pane_say_they_are_unavailable() {
    let home = tempfile::tempdir().unwrap();
    let mut app = password_platform(home.path(), "abantecart", 30, 120);
    app.send(&format!("{HANAKO}\tdemo-hanako-pass\r"));
    app.wait_for("│", WAIT);
    app.wait_for(&format!("<{HANAKO}>"), WAIT);
    app.wait_until(WAIT, "orders", |s| {
        s.lines()
            .any(|l| l.starts_with("│") && l.contains("JPY") || l.contains("USD"))
    });
    app.send("\r");
    app.wait_for("not available on this shop", WAIT);
    app.send("4");
    // The pane says so itself (not only a toast left from Enter), and shows no fields to fill in.
    let screen = app.wait_for("Changing the password is not available on this shop", WAIT);
    assert!(!screen.contains("Current password"), "{screen}");
    app.send("1");
    app.wait_for("┌ Account", WAIT);
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// Defect 7: at 80x24 all five tabs show; at 60x20 the tabs collapse to numbers and the help scrolls.
#[test]
fn small_terminals_keep_every_tab_and_the_help() {
    let home = tempfile::tempdir().unwrap();
    let mut app = signed_in_demo(home.path(), 24, 80);
    let screen = app.screen();
    let tabs = screen.lines().next().unwrap_or("");
    assert!(tabs.contains("5 Reorder"), "{tabs}");
    app.resize(20, 60);
    app.send("k");
    let screen = app.wait_until(WAIT, "collapsed tabs and the help key", |s| {
        s.lines()
            .next()
            .is_some_and(|l| l.contains(" 5 ") && l.contains("3 Orders"))
            && status_bar(s).contains("? help")
    });
    // Order numbers and totals are never cut; the payment column made room.
    assert!(screen.contains("SO-102132"), "{screen}");
    assert!(!screen.contains("Payment"), "{screen}");
    app.send("?");
    let screen = app.wait_for("┌ Help", WAIT);
    app.send(&"j".repeat(30));
    std::thread::sleep(Duration::from_millis(300));
    let scrolled = app.screen();
    assert_ne!(screen, scrolled, "the help scrolls");
    assert!(scrolled.contains("any other key closes"), "{scrolled}");
    app.escape();
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// Defect 9: at 120 columns `? help` is on the status bar, and it only offers what works.
#[test]
fn status_bar_keeps_help_and_offers_what_works() {
    let home = tempfile::tempdir().unwrap();
    let mut app = signed_in_demo(home.path(), 40, 120);
    let bar = status_bar(&app.screen());
    assert!(bar.trim_end().ends_with("? help"), "{bar}");
    app.send("/");
    let screen = app.wait_for("Search:", WAIT);
    let bar = status_bar(&screen);
    assert!(!bar.contains("open order"), "{bar}");
    assert!(bar.contains("Esc"), "{bar}");
    app.escape();
    app.send("\x03");
    assert!(app.wait_exit(WAIT));
}

/// Defect 10: a copy is reported as sent to the terminal, a failed browser with its exit status
/// and the address to copy.
#[test]
fn feedback_says_what_really_happened() {
    let home = tempfile::tempdir().unwrap();
    // A browser that signs in, but fails (exit status 3) on any other page.
    let script = home.path().join("browser.sh");
    let browser = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/browser.py");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ncase \"$1\" in *authorize*) exec python3 {} \"$1\";; esac\nexit 3\n",
            browser.display()
        ),
    )
    .unwrap();
    let mut command = demo(home.path(), &[]);
    command.env("BROWSER", format!("sh {}", script.display()));
    let mut app = PtyApp::spawn(command, 40, 140);
    app.wait_for("Sign in with your browser", WAIT);
    app.send("\r");
    app.wait_for("Orders 100 of 2100", WAIT);
    app.send("fff");
    app.wait_for("[partially_shipped]", WAIT);
    app.wait_until(WAIT, "partially shipped orders", |s| {
        s.contains("Partially shipped") && !s.contains("loading more")
    });
    app.send("\r");
    app.wait_for("Shipments (", WAIT);
    app.send("y");
    let screen = app.wait_for("OSC 52", WAIT);
    assert!(!screen.contains("to the clipboard"), "{screen}");
    app.send("o");
    let screen = app.wait_for("exit status 3", WAIT);
    assert!(!screen.contains("Opened with"), "{screen}");
    assert!(
        screen.contains("https://"),
        "the address to copy is shown: {screen}"
    );
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// Defect 11: an invalid quantity shows its error at once; Esc goes back from the review to the
/// quick-order text as typed.
#[test]
fn quick_order_review_goes_back_to_its_text_and_checks_quantities_at_once() {
    let home = tempfile::tempdir().unwrap();
    let mut app = signed_in_demo(home.path(), 40, 140);
    app.send("5");
    app.wait_for("Quick order", WAIT);
    app.send(&format!("{PASTE_START}KB-100 2{PASTE_END}"));
    app.wait_for("KB-100 2", WAIT);
    app.send("\x13");
    app.wait_for("Nothing to send", WAIT);
    // `e` waits until the lines are checked (it says "Looking the products up…" before).
    app.wait_for("no such product", WAIT);
    app.send("e");
    app.send("\x7f\x7f0");
    app.wait_for("at least 1", WAIT);
    app.escape();
    app.escape();
    let screen = app.wait_for("Quick order", WAIT);
    assert!(screen.contains("KB-100 2"), "the text is kept: {screen}");
    app.send("\x03");
    assert!(app.wait_exit(WAIT));
}

/// Found in tmux at 60x20: a value longer than its field wrapped onto the next line, under the
/// label, and pushed the fields below it (and the cursor) out of place. A long value now scrolls
/// inside its one line, showing the part around the cursor.
#[test]
fn a_long_value_stays_on_its_fields_line_at_60_columns() {
    let home = tempfile::tempdir().unwrap();
    let mut app = password_platform(home.path(), "centra", 20, 60);
    let long = "a-rather-long-mailbox-name.for-testing@demo.shopterm.example";
    app.send(long);
    let screen = app.wait_until(WAIT, "the end of the long e-mail in its field", |s| {
        s.lines()
            .any(|l| l.contains("E-mail") && l.contains("shopterm.example"))
    });
    let lines: Vec<&str> = screen.lines().collect();
    let email = lines
        .iter()
        .position(|l| l.contains("E-mail"))
        .expect("the e-mail field");
    assert!(
        lines[email + 1].contains("Password"),
        "the password field right below, not the rest of the e-mail:\n{screen}"
    );
    assert!(
        !screen.contains(long),
        "the whole value cannot fit in 60 columns beside its label:\n{screen}"
    );
    // A refused sign-in (no such account) puts its error below a field that has no room for it,
    // and the fields stay where they were.
    app.send("\tdemo-buyer-pass\r");
    let screen = app.wait_until(WAIT, "the refusal", |s| s.contains("✗"));
    let lines: Vec<&str> = screen.lines().collect();
    let email = lines
        .iter()
        .position(|l| l.contains("E-mail"))
        .expect("the e-mail field");
    assert!(lines[email + 1].contains("Password"), "{screen}");
}

/// Defect 6, the fields: Spryker keeps no phone or company on the account and no region in an
/// address, so its forms do not offer them (they were shown, then refused by the shop).
#[test]
fn spryker_forms_offer_only_the_fields_it_keeps() {
    let home = tempfile::tempdir().unwrap();
    let mut app = password_platform(home.path(), "spryker", 30, 120);
    app.send(&format!("{BUYER}\tdemo-buyer-pass\r"));
    app.wait_for("Katrin Vogel", WAIT);
    app.send("1");
    app.wait_for("┌ Account", WAIT);
    app.send("e");
    let form = app.wait_for("Edit account", WAIT);
    assert!(form.contains("E-mail"), "{form}");
    assert!(
        !form.contains("Phone") && !form.contains("Company"),
        "{form}"
    );
    app.escape();
    app.send("2");
    app.wait_for("Praterstraße 31", WAIT);
    app.send("a");
    let form = app.wait_for("New address", WAIT);
    assert!(form.contains("Postcode"), "{form}");
    assert!(!form.contains("Region"), "{form}");
    app.escape();
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

// Found later with the real binary in tmux (after the redesign): one test per defect, each failing
// on the TUI before its fix.

/// The Password pane on a shop that offers none of its forms names no keys for them.
#[test]
fn abantecart_password_pane_offers_no_form_keys() {
    let home = tempfile::tempdir().unwrap();
    let mut app = password_platform(home.path(), "abantecart", 30, 120);
    app.send(&format!("{HANAKO}\tdemo-hanako-pass\r"));
    app.wait_for(&format!("<{HANAKO}>"), WAIT);
    app.send("4");
    let screen = app.wait_for("Changing the password is not available on this shop", WAIT);
    for key in ["F2", "F3", "F4"] {
        assert!(!screen.contains(key), "{key} offered:\n{screen}");
    }
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// A customer without orders is told so; "No orders match" is for a filter that finds none.
#[test]
fn a_customer_without_orders_is_told_there_are_none_yet() {
    let home = tempfile::tempdir().unwrap();
    let mut command = demo(home.path(), &[]);
    let password_file = home.path().join("new-password");
    std::fs::write(&password_file, "demo-new-pass").unwrap();
    command.env("SHOPTERM_TEST_EMAIL", "new@demo.shopterm.example");
    command.env("SHOPTERM_TEST_PASSWORD_FILE", password_file);
    let mut app = PtyApp::spawn(command, 30, 120);
    app.wait_for("Sign in with your browser", WAIT);
    app.send("\r");
    let screen = app.wait_for("Orders 0", WAIT);
    let screen = if screen.contains("no orders yet") {
        screen
    } else {
        app.wait_until(WAIT, "the list's footer", |s| {
            s.contains("no orders yet") || s.contains("No orders match")
        })
    };
    assert!(screen.contains("You have no orders yet"), "{screen}");
    assert!(!screen.contains("No orders match"), "{screen}");
    app.send("f");
    let screen = app.wait_for("No orders match", WAIT);
    assert!(!screen.contains("no orders yet"), "{screen}");
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// The Password form's own key line says what the status bar says (one table, one wording).
#[test]
fn password_form_keys_are_worded_as_in_the_status_bar() {
    let home = tempfile::tempdir().unwrap();
    let mut app = signed_in_demo(home.path(), 30, 120);
    app.send("4");
    let screen = app.wait_until(WAIT, "the Password pane and its status bar", |s| {
        s.contains("Change password") && status_bar(s).contains("Esc leave")
    });
    let bar = status_bar(&screen);
    assert!(bar.contains("Enter send"), "{bar}");
    let form_keys = screen
        .lines()
        .rev()
        .skip(1)
        .find(|l| l.contains("Enter") && l.contains("Esc"))
        .unwrap_or_else(|| panic!("the form's key line:\n{screen}"));
    assert!(
        form_keys.contains("Enter send") && form_keys.contains("Esc leave"),
        "{form_keys}"
    );
    assert!(
        !form_keys.contains("save") && !form_keys.contains("cancel"),
        "{form_keys}"
    );
    app.send("\x03");
    assert!(app.wait_exit(WAIT));
}

/// Spryker's order list has no status, item count or payment (Glue's `RestOrdersAttributes`
/// carries none): no column of dashes. The detail shows the payment method Glue gives.
#[test]
fn spryker_order_list_shows_no_column_it_cannot_fill() {
    let home = tempfile::tempdir().unwrap();
    let mut app = password_platform(home.path(), "spryker", 30, 140);
    app.send(&format!("{BUYER}\tdemo-buyer-pass\r"));
    let screen = app.wait_for("│SO-", WAIT);
    let header = screen
        .lines()
        .find(|l| l.contains("Number") && l.contains("Total"))
        .unwrap_or_else(|| panic!("the table's header:\n{screen}"));
    for column in ["Status", "Items", "Payment"] {
        assert!(!header.contains(column), "{column} column: {header}");
    }
    let rows: Vec<&str> = screen.lines().filter(|l| l.starts_with("│SO-")).collect();
    assert!(rows.iter().all(|r| !r.contains('—')), "{screen}");
    app.send("\r");
    let screen = app.wait_for("Shipments", WAIT);
    let placed = screen
        .lines()
        .find(|l| l.contains("Placed"))
        .unwrap_or_else(|| panic!("the detail's first line:\n{screen}"));
    assert!(placed.contains("Payment Invoice"), "{placed}");
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// Pasted text carrying escape sequences (a copy from a coloured terminal) lands without them.
#[test]
fn pasted_escape_sequences_are_removed_whole() {
    let home = tempfile::tempdir().unwrap();
    let mut app = password_platform(home.path(), "centra", 30, 120);
    app.send(&format!(
        "{PASTE_START}\x1b[31m{BUYER}\x1b[0m\x1b]0;title\x07{PASTE_END}"
    ));
    // The address is also in the demo's hint below the form: wait for it in the field.
    let screen = app.wait_until(WAIT, "the pasted e-mail in its field", |s| {
        s.lines().any(|l| l.contains("E-mail") && l.contains(BUYER))
    });
    let field = screen
        .lines()
        .find(|l| l.contains("E-mail") && l.contains(BUYER))
        .unwrap_or_default();
    for remnant in ["[31m", "[0m", "31m", "]0;", "title"] {
        assert!(!field.contains(remnant), "{remnant:?} left: {field}");
    }
    // The e-mail is exactly the address: the shop accepts it.
    app.send("\tdemo-buyer-pass\r");
    app.wait_for("Katrin Vogel", WAIT);
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// The reorder review at 80x24: a cut text ends in `…`, never mid-word at a column's edge.
#[test]
fn reorder_review_at_80x24_cuts_with_an_ellipsis() {
    let home = tempfile::tempdir().unwrap();
    let mut app = signed_in_demo(home.path(), 40, 160);
    app.send("\r");
    app.wait_for("Shipments", WAIT);
    app.send("r");
    let wide = app.wait_for("in stock", WAIT);
    let names = review_names(&wide);
    assert!(!names.is_empty(), "{wide}");
    app.resize(24, 80);
    let screen = app.wait_until(WAIT, "the review redrawn at 80 columns", |s| {
        let lines: Vec<&str> = s.lines().collect();
        lines.len() <= 24
            && lines
                .iter()
                .any(|l| l.starts_with("┌ Reorder") && l.ends_with('┐'))
            && lines.iter().any(|l| l.starts_with('└') && l.ends_with('┘'))
    });
    let table: Vec<&str> = screen
        .lines()
        .skip_while(|l| !l.starts_with("┌ Reorder"))
        .skip(1)
        .take_while(|l| l.starts_with('│'))
        .collect();
    assert!(table.len() > 1, "{screen}");
    // The last column ends at the border only with a whole text (the title or an
    // availability), else with a space or `…`.
    let whole = [
        "Availability",
        "in stock",
        "not checked yet",
        "left",
        "out of stock",
        "no longer sold",
        "no such product",
        "choose one",
        "quantity is 0",
    ];
    for line in &table {
        let inside = line.trim_end().trim_end_matches('│');
        let ends_whole = whole.iter().any(|w| inside.ends_with(w));
        let before_border = inside.chars().last();
        assert!(
            ends_whole || matches!(before_border, Some(' ' | '…')),
            "cut at the border: {line}\n{screen}"
        );
    }
    for (code, name) in &names {
        let row = table
            .iter()
            .find(|l| l.contains(code.as_str()))
            .unwrap_or_else(|| panic!("{code} in the review:\n{screen}"));
        let whole_or_cut = row.contains(name.as_str())
            || (1..name.chars().count()).any(|n| {
                let prefix: String = name.chars().take(n).collect();
                row.contains(&format!("{prefix}…"))
            });
        assert!(whole_or_cut, "{name:?} cut without an ellipsis: {row}");
    }
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// (code, name) of each line of the review table as drawn at a width where nothing is cut.
fn review_names(screen: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = screen.lines().collect();
    let Some(header) = lines
        .iter()
        .position(|l| l.contains("Code") && l.contains("Name"))
    else {
        return Vec::new();
    };
    let chars: Vec<char> = lines[header].chars().collect();
    let column = |title: &str| {
        let text: String = chars.iter().collect();
        text.find(title).map(|byte| text[..byte].chars().count())
    };
    let (Some(name_at), Some(qty_at)) = (column("Name"), column("Qty")) else {
        return Vec::new();
    };
    lines[header + 1..]
        .iter()
        .take_while(|l| l.starts_with('│') && !l.trim_matches(['│', ' ']).is_empty())
        .map(|l| {
            let row: Vec<char> = l.chars().collect();
            let code: String = row[1..].iter().take_while(|c| **c != ' ').collect();
            let name: String = row[name_at..qty_at].iter().collect();
            (code, name.trim().to_owned())
        })
        .collect()
}
