//! End to end, staff mode: the real binary in a pseudo-terminal running `shopterm demo
//! --platform shoptet` (the demo shop's Shoptet emulator, signed in with its staff token). A
//! support person searches a customer, opens an order, goes back to the search, works for
//! another customer — who sees nothing of the first — and starts a repeat order whose
//! confirmation names the customer.

#[path = "support/pty.rs"]
mod pty;

use portable_pty::CommandBuilder;
use pty::PtyApp;
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);
const BACKSPACE: &str = "\x7f";

/// No browser is involved in staff mode; the helper's, which fails loudly, would show if started.
fn staff_demo(home: &Path) -> CommandBuilder {
    let mut command = pty::shopterm(home, &["demo", "--ephemeral", "--platform", "shoptet"]);
    command.env("SHOPTERM_DOWNLOAD_DIR", home.join("downloads"));
    command
}

/// The first order number (`SO-…`) on the screen.
fn first_order_number(screen: &str) -> String {
    let start = screen.find("SO-").expect("an order number on screen");
    screen[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

#[test]
fn search_choose_orders_switch_and_reorder_for_a_customer() {
    let home = tempfile::tempdir().unwrap();
    let mut app = PtyApp::spawn(staff_demo(home.path()), 24, 80);
    let screen = app.wait_for("staff · shopterm demo shop · no customer chosen", WAIT);
    assert!(screen.contains("Customer search"), "{screen}");
    let search_pane = screen
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("staff_search_80x24", search_pane);
    // The staff token is stored, never shown.
    assert!(!app.screen().contains("demo-shoptet-private-api-token"));

    // Nobody by that e-mail: said plainly, the text stays to be corrected.
    app.send("nobody@demo.shopterm.example\r");
    let screen = app.wait_for("No customer account has the e-mail", WAIT);
    assert!(screen.contains("nobody@demo.shopterm.example"), "{screen}");
    app.send(&BACKSPACE.repeat(40));
    app.send("buyer@demo.shopterm.example\r");
    let screen = app.wait_for("1 customer for", WAIT);
    assert!(
        screen.contains("Katrin Vogel") && screen.contains("+49 30 5557 1200"),
        "{screen}"
    );
    app.send("\r");
    // At 80 columns the tabs keep their names; the header gives up the e-shop's name first.
    app.wait_for("staff · Katrin V", WAIT);
    let screen = app.wait_until(WAIT, "Katrin's orders", |s| {
        s.contains(" of ") && s.contains("SO-")
    });
    // Shoptet's order list gives each order's status and whether it is paid: both are columns
    // (not the item count, which only the detail has).
    let header = screen
        .lines()
        .find(|l| l.contains("Number") && l.contains("Total"))
        .unwrap_or_default();
    assert!(
        header.contains("Status") && header.contains("Payment") && !header.contains("Items"),
        "{screen}"
    );
    let katrins_order = first_order_number(&screen);
    app.send("\r");
    // The detail's heading is drawn while its lines are still loading: wait for both.
    let heading = format!("Order {katrins_order}");
    app.wait_until(WAIT, "Katrin's order with its lines", |s| {
        s.contains(&heading) && s.contains("Lines")
    });

    // Back to the search: the matches are kept; then another customer.
    app.send("C");
    let screen = app.wait_for("no customer chosen", WAIT);
    assert!(!screen.contains(&katrins_order), "{screen}");
    app.send("/");
    app.send(&BACKSPACE.repeat(40));
    app.send("hanako@demo.shopterm.example\r");
    // (The earlier search's "1 customer for" is on screen until this answer replaces it.)
    app.wait_for("1 customer for “hanako", WAIT);
    app.send("\r");
    let screen = app.wait_until(WAIT, "Hanako's orders", |s| {
        (s.contains("staff · 花子 山田") || s.contains("staff · 山田 花子")) && s.contains("SO-")
    });
    let tab_line = screen.lines().next().unwrap_or_default();
    assert!(
        tab_line.contains("1 Account") && tab_line.contains("5 Reorder"),
        "{screen}"
    );
    for of_katrin in ["Katrin", "Vogel", "buyer@", katrins_order.as_str()] {
        assert!(
            !screen.contains(of_katrin),
            "{of_katrin} left on:\n{screen}"
        );
    }
    app.send("1");
    let screen = app.wait_for("hanako@demo.shopterm.example", WAIT);
    assert!(!screen.contains("Vogel"), "{screen}");

    // A repeat order for this customer: the confirmation names them.
    app.send("3");
    app.wait_for("SO-", WAIT);
    app.send("\r");
    app.wait_for("Lines", WAIT);
    app.send("r");
    app.wait_until(WAIT, "the draft checked", |s| s.contains(" to send"));
    app.send("\r");
    let screen = app.wait_for("Place order for", WAIT);
    assert!(
        screen.contains("Place order for 花子 山田?")
            || screen.contains("Place order for 山田 花子?"),
        "{screen}"
    );
    app.send("n");
    app.send("q");
    assert!(app.wait_exit(WAIT), "shopterm did not quit cleanly");
}

/// The `tracking …` lines of an order's detail on screen.
fn tracking_numbers(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter_map(|line| {
            line.trim()
                .trim_matches('│')
                .trim()
                .strip_prefix("tracking ")
                .map(|t| t.trim().to_owned())
        })
        .filter(|t| t != "—")
        .collect()
}

#[test]
fn shipments_an_address_and_account_edit_with_audit_lines_and_what_staff_cannot_do() {
    let home = tempfile::tempdir().unwrap();
    let mut app = PtyApp::spawn(staff_demo(home.path()), 60, 110);
    app.wait_for("no customer chosen", WAIT);
    app.send("buyer@demo.shopterm.example\r");
    app.wait_for("1 customer for", WAIT);
    app.send("\r");
    app.wait_until(WAIT, "Katrin's orders", |s| {
        s.contains("customer Katrin Vogel") && s.contains(" of ") && s.contains("SO-")
    });

    // An order with two shipments: both tracking numbers are on its detail.
    let mut both = None;
    for _ in 0..40 {
        app.send("\r");
        let screen = app.wait_for("Shipments (", WAIT);
        let tracking = tracking_numbers(&screen);
        if tracking.len() >= 2 {
            both = Some(tracking);
            break;
        }
        app.escape();
        app.wait_until(WAIT, "the list again", |s| !s.contains("Shipments ("));
        app.send("j");
    }
    let both = both.expect("an order with two tracked shipments among Katrin's first 40");
    assert_ne!(both[0], both[1], "two shipments, two numbers");
    app.escape();

    // A delivery address for her: the confirmation names her, the audit log has the line.
    app.send("2");
    // The pane's title (" Addresses " is its tab's name too).
    app.wait_for("┌ Addresses", WAIT);
    app.send("a");
    app.wait_for("New address", WAIT);
    for (value, tabs_after) in [
        ("Ada", 1),
        ("Staffed", 2),
        ("Lard street 5", 2),
        ("120 00", 1),
        ("Praha", 2),
        ("CZ", 1),
    ] {
        app.send(value);
        app.send(&"\t".repeat(tabs_after));
    }
    app.send("\r");
    app.wait_for("Save this address for Katrin Vogel?", WAIT);
    app.send("y");
    app.wait_for("Address saved", WAIT);
    app.wait_for("Lard street 5", WAIT);
    let audit_file = home.path().join("state").join("staff-audit.jsonl");
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&audit_file)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["operation"], "create_address");
    assert_eq!(lines[0]["result"], "ok");
    assert_eq!(lines[0]["customer"], "00000000-0000-4000-8000-000000000001");
    let audit = std::fs::read_to_string(&audit_file).unwrap();
    assert!(!audit.contains("demo-shoptet-private-api-token") && !audit.contains("Lard"));

    // What Shoptet's staff API cannot do says why, and nothing breaks.
    app.send("4");
    let screen = app.wait_for("Changing the password is not available", WAIT);
    assert!(screen.contains("Forgotten password"), "{screen}");
    // Her details: the confirmation names her, the save is read back, the audit has it.
    app.send("1");
    app.wait_for("buyer@demo.shopterm.example", WAIT);
    app.send("e");
    app.wait_for("Edit account", WAIT);
    app.send(&"\t".repeat(3));
    app.send(&BACKSPACE.repeat(30));
    app.send("+49 30 5557 4242");
    // Shoptet keeps the company's registration number and VAT id: the form has them.
    app.send("\t\t27082440\tCZ27082440\r");
    app.wait_for("Save these details for Katrin Vogel?", WAIT);
    app.send("y");
    app.wait_for("Account saved", WAIT);
    app.wait_for("+49 30 5557 4242", WAIT);
    let screen = app.wait_for("CZ27082440", WAIT);
    assert!(
        screen.contains("Company ID  27082440") && screen.contains("VAT ID  CZ27082440"),
        "{screen}"
    );
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&audit_file)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[1]["operation"], "update_account");
    assert_eq!(lines[1]["result"], "ok");
    assert_eq!(lines[1]["customer"], "00000000-0000-4000-8000-000000000001");
    app.send("q");
    assert!(app.wait_exit(WAIT), "shopterm did not quit cleanly");
}

#[test]
fn guest_orders_found_by_email_open_read_only_in_the_orders_pane() {
    let home = tempfile::tempdir().unwrap();
    let mut app = PtyApp::spawn(staff_demo(home.path()), 40, 110);
    app.wait_for("no customer chosen", WAIT);
    app.send("guest@demo.shopterm.example\r");
    let screen = app.wait_for("Guest orders (2)", WAIT);
    assert!(
        screen.contains("No customer account for “guest@demo.shopterm.example”")
            && screen.contains("no account"),
        "{screen}"
    );
    app.send("\r");
    let screen = app.wait_until(WAIT, "the guest's orders", |s| {
        s.contains("staff · guest guest@demo.shopterm.example") && s.contains("SO-900001")
    });
    assert!(screen.contains("SO-900002"), "{screen}");
    app.send("j");
    app.send("\r");
    let screen = app.wait_for("Order SO-900001", WAIT);
    let screen = if screen.contains("GUEST00012345") {
        screen
    } else {
        app.wait_for("GUEST00012345", WAIT)
    };
    assert!(screen.contains("Enamel mug"), "{screen}");
    // Its invoice (the order is paid) and the order itself, saved as PDFs and named in a toast.
    let downloads = home.path().join("downloads");
    app.send("i");
    app.wait_for("invoice-SO-900001.pdf", WAIT);
    app.send("d");
    app.wait_for("order-SO-900001.pdf", WAIT);
    for name in ["invoice-SO-900001.pdf", "order-SO-900001.pdf"] {
        let bytes = std::fs::read(downloads.join(name)).unwrap_or_default();
        assert!(bytes.starts_with(b"%PDF-"), "{name} is no PDF");
    }
    // Read-only: a repeat order for a guest is refused, saying why.
    app.send("r");
    let screen = app.wait_for("Guest orders are read-only", WAIT);
    assert!(!screen.contains(" to send"), "{screen}");
    app.send("q");
    assert!(app.wait_exit(WAIT), "shopterm did not quit cleanly");
}
