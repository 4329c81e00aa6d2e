//! End to end, one test per finding of the lead's walk through the redesigned TUI (issue 10, after
//! its eleven defects): the real binary in a pseudo-terminal on `shopterm demo`, read through a
//! vt100 screen. Each failed on the build before its fix.
//! `SHOPTERM_BIN` runs them against another build.

#[path = "support/pty.rs"]
mod pty;

#[path = "support/tui_demo.rs"]
mod tui_demo;

use tui_demo::*;

/// The screen's lines that contain `needle`.
fn lines_with<'a>(screen: &'a str, needle: &str) -> Vec<&'a str> {
    screen.lines().filter(|l| l.contains(needle)).collect()
}

/// N2: the address list cuts a long street with an ellipsis, never bare (the ", city" was lost).
#[test]
fn address_list_at_80x24_cuts_the_street_with_an_ellipsis() {
    let home = tempfile::tempdir().unwrap();
    let mut app = signed_in_demo(home.path(), 24, 80);
    app.send("2");
    let screen = app.wait_for("Stora Varvsgat", WAIT);
    let rows = lines_with(&screen, "Stora Varvsgat");
    // The list's row (the detail beside it shows the street on a line of its own).
    let row = rows.first().expect("the address row");
    let cell = row.split('│').nth(1).unwrap_or(row);
    assert!(
        cell.contains(", ") || cell.contains('…'),
        "street cut bare in the list: {cell:?}\n{screen}"
    );
    quit(app);
}

/// N3: the quick order's placeholder at 80 columns ends in an ellipsis where it is cut.
#[test]
fn quick_order_placeholder_at_80_columns_is_cut_with_an_ellipsis() {
    let home = tempfile::tempdir().unwrap();
    let mut app = signed_in_demo(home.path(), 24, 80);
    app.send("5");
    let screen = app.wait_for("Type or paste lines", WAIT);
    let line = lines_with(&screen, "Type or paste lines")[0].trim_end_matches([' ', '│']);
    assert!(
        line.ends_with('…') || line.ends_with("are fine)"),
        "placeholder cut bare: {line:?}\n{screen}"
    );
    app.escape();
    quit(app);
}

/// N5: while the sign-in screen is up no tab is the current one (60x20 showed "3 Orders" lit).
#[test]
fn no_tab_is_current_while_signing_in() {
    let home = tempfile::tempdir().unwrap();
    let app = pty::PtyApp::spawn(demo(home.path(), &[]), 20, 60);
    let screen = app.wait_for("Sign in with your browser", WAIT);
    let tabs = screen.lines().next().unwrap_or("");
    assert!(
        !tabs.contains("Orders"),
        "a pane's tab is named as current behind the sign-in: {tabs:?}"
    );
    assert!(
        app.inverse_lines().iter().all(|l| !l.contains(" 3 ")),
        "a tab is highlighted behind the sign-in:\n{screen}"
    );
    quit(app);
}

/// N6: a refused sign-in at 60 columns wraps its message under the field instead of cutting it.
#[test]
fn a_refused_sign_in_at_60_columns_wraps_its_message() {
    let home = tempfile::tempdir().unwrap();
    let mut app = password_platform(home.path(), "spryker", 20, 60);
    app.send(&format!("{BUYER}\tnot-the-password\r"));
    let screen = app.wait_for("✗", WAIT);
    let lines: Vec<&str> = screen.lines().collect();
    let first = lines
        .iter()
        .position(|l| l.contains('✗'))
        .expect("the error line");
    // The message's lines: from the ✗ down to the first line without text in the value column.
    let message: Vec<String> = lines[first..]
        .iter()
        .map(|l| l.trim_matches([' ', '│']).to_owned())
        .take_while(|l| !l.is_empty() && !l.contains("Enter"))
        .collect();
    let message = message.join(" ");
    assert!(
        !message.contains('…'),
        "the message is cut: {message:?}\n{screen}"
    );
    assert!(
        message.contains("password") && message.split_whitespace().count() > 6,
        "the message is not all there: {message:?}\n{screen}"
    );
    app.send("\x03");
    assert!(app.wait_exit(WAIT));
}

/// N4: sign out is a key of every pane: listed in the help's global keys, and `L` works from the
/// order history (it did only in the Account pane).
#[test]
fn sign_out_is_offered_and_works_from_every_pane() {
    let home = tempfile::tempdir().unwrap();
    let mut app = signed_in_demo(home.path(), 40, 120);
    app.send("?");
    let screen = app.wait_for("Everywhere outside a text field", WAIT);
    let global = screen
        .split("Everywhere outside a text field")
        .nth(1)
        .unwrap_or("");
    assert!(
        global
            .lines()
            .any(|l| l.contains(" L ") && l.contains("sign out")),
        "sign out is not among the global keys:\n{screen}"
    );
    app.escape();
    app.send("L");
    app.wait_for("Sign in with your browser", WAIT);
    quit(app);
}

/// After `L` the demo's sign-in screen lists its accounts again (it was empty: whoever signs in
/// next had to know them), and another customer signs in from it.
#[test]
fn the_sign_in_screen_after_a_sign_out_lists_the_demo_accounts() {
    let home = tempfile::tempdir().unwrap();
    let mut app = signed_in_demo(home.path(), 24, 80);
    app.send("L");
    let screen = app.wait_until(WAIT, "the sign-in screen with the demo accounts", |s| {
        s.contains("Sign in with your browser") && s.contains(HANAKO)
    });
    assert!(
        screen.contains("sign in with one of these accounts"),
        "{screen}"
    );
    quit(app);
}

/// A paste of two lines into a one-line field (the order search) reads as two words: the line
/// break was dropped, gluing them ("KaffeeBohnen").
#[test]
fn two_pasted_lines_in_a_one_line_field_keep_a_space() {
    let home = tempfile::tempdir().unwrap();
    let mut app = signed_in_demo(home.path(), 24, 80);
    app.send("3");
    app.wait_for("Enter open order", WAIT);
    app.send("/");
    app.wait_for("Esc ", WAIT);
    app.send(&format!("{PASTE_START}Kaffee\nBohnen\n{PASTE_END}"));
    let screen = app.wait_until(WAIT, "the pasted words in the search field", |s| {
        s.contains("Kaffee Bohnen") || s.contains("KaffeeBohnen")
    });
    assert!(screen.contains("Kaffee Bohnen"), "{screen}");
    app.escape();
    quit(app);
}

/// AbanteCart at 60x20: the Reorder pane's note (no reorder from history) wraps instead of being
/// cut mid-word, and the quick order's title is not cut bare by the border.
#[test]
fn the_abantecart_reorder_note_and_quick_order_title_fit_60_columns() {
    let home = tempfile::tempdir().unwrap();
    let mut app = buyer_on(home.path(), "abantecart", 20, 60);
    app.wait_for("Orders", WAIT);
    app.send("5");
    let screen = app.wait_for("Quick order", WAIT);
    let words = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("type or paste them as a quick order."),
        "the note is cut:\n{screen}"
    );
    let top = lines_with(&screen, "Quick order")[0];
    let before_corner = top.trim_end().trim_end_matches('┐').chars().last();
    assert!(
        matches!(before_corner, Some('─' | '…' | ' ')),
        "title cut bare by the border: {top:?}"
    );
    app.escape();
    quit(app);
}

/// Staff mode at 200 columns: with a customer chosen, the status bar offers `C` back to the
/// customer search (it listed only the pane's keys and quit, though the bar had room).
#[test]
fn staff_mode_offers_another_customer_in_the_status_bar() {
    let home = tempfile::tempdir().unwrap();
    let mut app = staff_demo(home.path(), 60, 200);
    app.send(&format!("{HANAKO}\r"));
    app.wait_for("1 customer for", WAIT);
    app.send("\r");
    let screen = app.wait_until(WAIT, "Hanako's orders", |s| s.contains("SO-"));
    let bar = status_bar(&screen);
    assert!(bar.contains("C another customer"), "{bar:?}");
    quit(app);
}

/// After `L` on a password platform the sign-in form's e-mail is empty: the next customer at the
/// terminal signs in as themselves (it was filled in with the one who just signed out).
#[test]
fn the_sign_in_form_after_a_sign_out_is_empty() {
    let home = tempfile::tempdir().unwrap();
    let mut app = buyer_on(home.path(), "spryker", 24, 80);
    app.wait_for("Katrin Vogel", WAIT);
    app.send("L");
    let screen = app.wait_for("Signed out", WAIT);
    let field = lines_with(&screen, "E-mail")
        .into_iter()
        .find(|l| !l.contains("password:"))
        .unwrap_or_default();
    assert!(
        !field.contains(BUYER),
        "still filled in: {field:?}\n{screen}"
    );
    app.send(&format!("{HANAKO}\tdemo-hanako-pass\r"));
    // (山田 is in the demo accounts' list too: the status bar's account says who is in.)
    let screen = app.wait_until(WAIT, "Hanako signed in", |s| status_bar(s).contains("山田"));
    assert!(!screen.contains("Katrin"), "{screen}");
    quit(app);
}

/// The tab line's labels missing from the first line of `screen`.
fn missing_tab_names(screen: &str) -> Vec<&'static str> {
    let tabs = screen.lines().next().unwrap_or("");
    [
        "1 Account",
        "2 Addresses",
        "3 Orders",
        "4 Password",
        "5 Reorder",
    ]
    .into_iter()
    .filter(|name| !tabs.contains(name))
    .collect()
}

/// N8: staff mode at 80 columns keeps the tabs' names for a customer (they showed bare digits but
/// "3 Orders", though all five fit beside a shortened staff header). The customer search covers
/// the panes: no tab is lit behind it ("3 Orders" was) and its header is whole.
#[test]
fn staff_mode_at_80_columns_names_every_tab() {
    let home = tempfile::tempdir().unwrap();
    let mut app = staff_demo(home.path(), 24, 80);
    // The eshop's name comes with the staff token's check: waited for (a first frame can have
    // "…" in its place).
    let screen = app.wait_until(WAIT, "the header with the eshop's name", |s| {
        s.lines()
            .next()
            .is_some_and(|l| l.contains("staff · shopterm demo shop · no customer chosen"))
    });
    assert!(
        app.inverse_lines().iter().all(|l| !l.contains(" 3 ")),
        "a tab is lit behind the customer search:\n{screen}"
    );
    app.send(&format!("{BUYER}\r"));
    app.wait_for("1 customer for", WAIT);
    app.send("\r");
    let screen = app.wait_until(WAIT, "Katrin's orders", |s| s.contains("SO-"));
    let tabs = screen.lines().next().unwrap_or("");
    assert!(
        missing_tab_names(&screen).is_empty(),
        "tabs without names for a customer: {tabs:?}\n{screen}"
    );
    // The header still says whose account this is, cut with an ellipsis where it must be.
    assert!(
        tabs.contains("staff · Katrin"),
        "the header lost the customer: {tabs:?}"
    );
    quit(app);
}

/// N8 at 60 columns: the names cannot fit there, so the tabs are numbers (the current one named)
/// and the header keeps the customer.
#[test]
fn staff_mode_at_60_columns_numbers_the_tabs_and_keeps_the_customer() {
    let home = tempfile::tempdir().unwrap();
    let mut app = staff_demo(home.path(), 20, 60);
    app.send(&format!("{BUYER}\r"));
    app.wait_for("1 customer for", WAIT);
    app.send("\r");
    let screen = app.wait_until(WAIT, "Katrin's orders", |s| s.contains("SO-"));
    let tabs = screen.lines().next().unwrap_or("");
    assert!(
        tabs.contains(" 3 Orders ") && !tabs.contains("Account") && tabs.contains("Katrin"),
        "{tabs:?}\n{screen}"
    );
    quit(app);
}

/// N13: an order's lines at 60 columns keep each line on one row: quantity, code, name, unit
/// price and line total (the total wrapped onto a row of its own, the name was dropped).
#[test]
fn order_lines_at_60_columns_keep_to_one_row() {
    let home = tempfile::tempdir().unwrap();
    let mut app = signed_in_demo(home.path(), 20, 60);
    app.send("\r");
    let screen = app.wait_for("Lines", WAIT);
    let rows: Vec<&str> = screen.lines().collect();
    let first = rows
        .iter()
        .position(|l| l.contains(" × "))
        .expect("an order line");
    let row = rows[first];
    assert_eq!(
        row.matches(" EUR").count(),
        2,
        "unit price and line total on the row: {row:?}\n{screen}"
    );
    assert!(
        row.contains("HSS"),
        "the product's name (or its start) is on the row: {row:?}\n{screen}"
    );
    let next = rows[first + 1].trim_matches([' ', '│']);
    assert!(
        !next.ends_with("EUR"),
        "the line's total wrapped: {next:?}\n{screen}"
    );
    quit(app);
}

/// N9: the status bar measures its separator in columns: at 80x24 an order's detail offers
/// `r order these again`, which fits (it was measured in bytes, and the key dropped).
#[test]
fn order_detail_status_bar_at_80_columns_offers_reorder() {
    let home = tempfile::tempdir().unwrap();
    let mut app = signed_in_demo(home.path(), 24, 80);
    app.send("\r");
    let screen = app.wait_for("Lines", WAIT);
    let bar = status_bar(&screen);
    assert!(bar.contains("r order these again"), "{bar:?}");
    quit(app);
}

/// N11: Esc on the quantity prompt drops the prompt's complaint with it (the review kept "The
/// quantity must be a whole number" after the prompt was gone).
#[test]
fn cancelling_the_quantity_prompt_drops_its_error() {
    let home = tempfile::tempdir().unwrap();
    let mut app = signed_in_demo(home.path(), 24, 80);
    app.send("5");
    app.wait_for("Type or paste lines", WAIT);
    app.send(&format!("{PASTE_START}HNK-DB6 5{PASTE_END}"));
    app.send("\x13");
    app.wait_for("1 line to send", WAIT);
    app.send("e");
    app.wait_for("Quantity:", WAIT);
    app.send("x");
    app.wait_for("whole number", WAIT);
    app.escape();
    let screen = app.wait_until(WAIT, "the prompt closed", |s| !s.contains("Quantity:"));
    assert!(!screen.contains("whole number"), "{screen}");
    app.escape();
    app.escape();
    quit(app);
}

/// N17: the order list's "Total" heading stands over its amounts, which are right-aligned (it
/// was at the column's left, far from the numbers).
#[test]
fn the_total_heading_is_right_aligned_over_its_amounts() {
    let home = tempfile::tempdir().unwrap();
    let app = signed_in_demo(home.path(), 24, 80);
    let screen = app.screen();
    let header = screen
        .lines()
        .find(|l| l.contains("Number") && l.contains("Total"))
        .expect("the table's heading");
    let first_row = screen
        .lines()
        .find(|l| l.contains("SO-"))
        .expect("an order row");
    let end_of = |line: &str, needle: &str| {
        line.rfind(needle)
            .map(|at| line[..at + needle.len()].chars().count())
    };
    assert_eq!(
        end_of(header, "Total"),
        end_of(first_row, "EUR"),
        "\n{header}\n{first_row}"
    );
    quit(app);
}

/// N16: staff mode's search results keep a space between a cut name and the e-mail ("Katrin
/// Vogel (Vogel In…buyer@…" ran together at 80 columns).
#[test]
fn staff_search_results_keep_their_columns_apart() {
    let home = tempfile::tempdir().unwrap();
    let mut app = staff_demo(home.path(), 24, 80);
    app.send(&format!("{BUYER}\r"));
    let screen = app.wait_for("1 customer for", WAIT);
    let row = screen
        .lines()
        .find(|l| l.contains('▶'))
        .expect("the match's row");
    let before_email = row
        .find(BUYER)
        .and_then(|at| row[..at].chars().last())
        .expect("the e-mail on the row");
    assert_eq!(before_email, ' ', "{row:?}");
    quit(app);
}

/// N15: `f` on a shop without order search names what was asked, filtering by status (Centra
/// said "Searching orders is not available" to it).
#[test]
fn filter_on_a_shop_without_it_says_filtering() {
    refusal_reads(
        "centra",
        "f",
        "Status filters are not available on this shop",
    );
}

/// N18: the refusals read as sentences: AbanteCart's Enter on an order said "Order details is
/// not available on this shop".
#[test]
fn opening_an_order_where_the_shop_has_no_detail_reads_as_a_sentence() {
    refusal_reads(
        "abantecart",
        "\r",
        "Opening an order's details is not available",
    );
}

/// The buyer's orders on `platform`, then `key`: the refusal on screen reads `sentence`.
fn refusal_reads(platform: &str, key: &str, sentence: &str) {
    let home = tempfile::tempdir().unwrap();
    let mut app = buyer_on(home.path(), platform, 24, 80);
    app.wait_for("Completed", WAIT);
    app.send(key);
    let screen = app.wait_for("not available", WAIT);
    assert!(screen.contains(sentence), "{screen}");
    quit(app);
}

/// Staff mode's customer search is a text field (`q` is a letter there): its status bar says
/// how to quit, at 60 columns too, and that key quits.
#[test]
fn the_customer_search_says_how_to_quit() {
    let home = tempfile::tempdir().unwrap();
    let mut app = staff_demo(home.path(), 20, 60);
    let screen = app.wait_for("Ctrl-C quit", WAIT);
    assert!(status_bar(&screen).contains("Ctrl-C quit"), "{screen}");
    app.send("\x03");
    assert!(app.wait_exit(WAIT), "shopterm did not exit on Ctrl-C");
}

/// At 80 columns the header's shop label gives up the host's port before the platform's name
/// (it read "127.0.0.1:36407…").
#[test]
fn the_header_keeps_the_platform_name_at_80_columns() {
    let home = tempfile::tempdir().unwrap();
    let app = buyer_on(home.path(), "spryker", 24, 80);
    let screen = app.wait_for("Orders", WAIT);
    let header = screen.lines().next().unwrap_or("");
    assert!(header.trim_end().ends_with("· Spryker"), "{header:?}");
    quit(app);
}

/// At 60 columns staff mode's list of customers found still says how to quit.
#[test]
fn the_customers_found_say_how_to_quit_at_60_columns() {
    let home = tempfile::tempdir().unwrap();
    let mut app = staff_demo(home.path(), 20, 60);
    app.send(&format!("{BUYER}\r"));
    let screen = app.wait_for("1 customer for", WAIT);
    let bar = status_bar(&screen);
    assert!(bar.contains("Enter work for this customer"), "{bar:?}");
    assert!(bar.contains("q quit"), "{bar:?}");
    quit(app);
}

/// On AbanteCart the Addresses pane is unavailable like its Password pane, and leaves the same
/// way: Esc back to the orders (its status bar offered no way back).
#[test]
fn an_unavailable_address_list_offers_esc_back() {
    let home = tempfile::tempdir().unwrap();
    let mut app = buyer_on(home.path(), "abantecart", 24, 80);
    app.send("2");
    let screen = app.wait_for("The address list is not available", WAIT);
    assert!(
        status_bar(&screen).contains("Esc back to the orders"),
        "{screen}"
    );
    app.send("\x1b");
    app.wait_until(WAIT, "the orders again", |s| {
        s.contains("Orders ") && s.contains("Total")
    });
    quit(app);
}

/// At 60 columns the sign-up form's salutation label was cut ("Salutation (Mr, M…"), so a
/// user could not read what to type; it says the values whole.
#[test]
fn the_sign_up_form_at_60_columns_says_what_salutation_to_type() {
    let home = tempfile::tempdir().unwrap();
    let mut app = password_platform(home.path(), "spryker", 20, 60);
    app.send("\x1bOQ"); // F2: the sign-up form
    let screen = app.wait_for("A new account", WAIT);
    assert!(screen.contains("Mr, Mrs or Ms"), "{screen}");
    app.send("\x03");
    assert!(app.wait_exit(WAIT), "shopterm did not exit on Ctrl-C");
}

/// A question says "any other key = not now", and any other key answers it: `q` and a pane's
/// digit over the send question leave it unsent in the review (`q` quit the app with the
/// question pending, `3` went to the orders with it still asked behind them).
#[test]
fn any_other_key_answers_a_question_no() {
    let home = tempfile::tempdir().unwrap();
    let mut app = signed_in_demo(home.path(), 24, 80);
    app.send("\r");
    app.wait_for("Lines", WAIT);
    app.send("r");
    app.wait_until(WAIT, "the review of the reorder", |s| {
        s.contains("Enter send") && !s.contains("Checking")
    });
    for key in ["q", "3"] {
        app.send("\r");
        let screen = app.wait_for("Send this order", WAIT);
        assert!(
            !status_bar(&screen).contains("q quit"),
            "quit is offered over the question: {}",
            status_bar(&screen)
        );
        app.send(key);
        let screen = app.wait_until(WAIT, "the question answered no", |s| {
            !s.contains("Send this order")
        });
        assert!(
            screen.contains("Not sent") && screen.contains("Enter send"),
            "{key:?} did not answer the question no, in the review:\n{screen}"
        );
    }
    quit(app);
}

/// The shopping lists at 60 columns offer the way back to the quick order (Esc was the last key
/// in the table's order, and the first to go where the bar was short).
#[test]
fn the_shopping_lists_at_60_columns_offer_esc_back() {
    let home = tempfile::tempdir().unwrap();
    let mut app = buyer_on(home.path(), "spryker", 20, 60);
    app.wait_for("│SO-", WAIT);
    app.send("5");
    app.wait_for("Quick order", WAIT);
    app.send("\x1b[18~");
    let screen = app.wait_until(WAIT, "the shopping lists with their status bar", |s| {
        s.contains("Safety kit") && status_bar(s).contains("Enter")
    });
    let bar = status_bar(&screen);
    assert!(
        bar.contains("Esc back") && bar.contains("q quit"),
        "the way back is not offered: {bar:?}\n{screen}"
    );
    app.escape();
    app.wait_until(WAIT, "the quick order again", |s| {
        s.contains("Quick order") && !s.contains("Safety kit")
    });
    // The quick order is a text field (`q` is a letter there): Ctrl-C quits.
    app.send("\x03");
    assert!(app.wait_exit(WAIT), "shopterm did not exit on Ctrl-C");
}

/// The send question at 60 columns is shown whole, to its "any other key = not now" (the
/// footer had three rows and cut the wrapped question after "y = send,").
#[test]
fn the_send_question_at_60_columns_is_shown_whole() {
    let home = tempfile::tempdir().unwrap();
    let mut app = signed_in_demo(home.path(), 20, 60);
    app.send("\r");
    app.wait_for("Lines", WAIT);
    // The sign-in's toast sits over the footer's corner until it goes.
    app.wait_until(WAIT, "the sign-in toast gone", |s| !s.contains("Signed in"));
    app.send("r");
    app.wait_until(WAIT, "the review of the reorder", |s| {
        s.contains("Enter send") && !s.contains("Checking")
    });
    app.send("\r");
    let screen = app.wait_for("Send this order", WAIT);
    let text: String = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains("any other key = not now"),
        "the question is cut:\n{screen}"
    );
    app.send("n");
    quit(app);
}

/// The Account pane shows only what the shop keeps: no Phone and no Company row on Spryker
/// (it keeps neither; they read "—" as if merely empty), no Company on Centra (it keeps the
/// phone, and a company only with an address).
#[test]
fn the_account_pane_leaves_out_what_the_shop_does_not_keep() {
    for (platform, shown, left_out) in [
        ("spryker", &[][..], &["Phone", "Company"][..]),
        ("centra", &["Phone"][..], &["Company"][..]),
    ] {
        let home = tempfile::tempdir().unwrap();
        let mut app = buyer_on(home.path(), platform, 24, 80);
        app.send("1");
        let screen = app.wait_until(WAIT, "the account pane", |s| {
            s.contains("E-mail") && s.contains("Customer")
        });
        for label in shown {
            assert!(
                !lines_with(&screen, label).is_empty(),
                "{platform}: no {label}\n{screen}"
            );
        }
        for label in left_out {
            assert!(
                lines_with(&screen, &format!("{label} ")).is_empty(),
                "{platform}: {label} shown\n{screen}"
            );
        }
        quit(app);
    }
}
