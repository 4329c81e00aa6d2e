//! Sign-up in the TUI, end to end per password platform: the real binary in a pseudo-terminal on
//! `shopterm demo --platform P`. Alt-n on the sign-in form opens the sign-up form; a taken e-mail
//! comes back as the platform's error beside the e-mail with everything else still typed; the
//! corrected form creates the account and signs the customer in; after signing out, the new
//! e-mail and password sign in again. The password goes in by bracketed paste.
//! `SHOPTERM_BIN` runs them against another build.

#[path = "support/pty.rs"]
mod pty;

#[path = "support/tui_demo.rs"]
mod tui_demo;

use tui_demo::*;

/// Within every platform's rules (Spryker: 12 or more with upper, lower, digit and special;
/// AbanteCart: at most 20).
const PASSWORD: &str = "Tui-Signup-7pw!";

/// `fourth`: what goes into the field after the names (Spryker's salutation, the others' phone).
fn sign_up_then_sign_in(platform: &str, fourth: &str, taken_text: &str) {
    let home = tempfile::tempdir().unwrap();
    let mut app = password_platform(home.path(), platform, 30, 100);
    let screen = app.wait_for("create an account", WAIT);
    assert!(screen.contains("Alt-n"), "{platform}: {screen}");
    app.send("\x1bn");
    app.wait_for("A new account", WAIT);
    // A taken e-mail (the demo buyer's), the rest as a new customer types it.
    app.send(&format!("{BUYER}\tAda\tLovelace\t{fourth}\t"));
    app.send(&format!("{PASTE_START}{PASSWORD}{PASTE_END}\r"));
    let screen = app.wait_for(taken_text, WAIT);
    let email_row = screen
        .lines()
        .find(|l| l.contains(taken_text))
        .unwrap_or_default()
        .to_owned();
    assert!(
        screen.contains("Lovelace"),
        "{platform}: typed names kept\n{screen}"
    );
    assert!(screen.contains(fourth), "{platform}\n{screen}");
    assert!(
        !screen.contains(PASSWORD),
        "{platform}: the password shows\n{screen}"
    );
    assert!(!email_row.is_empty());
    // The e-mail field has the focus: replace it, send again (the password is still there).
    app.send(&"\x7f".repeat(BUYER.len() + 2));
    let email = format!("ada.tui.{platform}@example.com");
    app.send(&format!("{email}\r"));
    app.wait_until(WAIT, "the new customer signed in", |s| {
        status_bar(s).contains("Ada Lovelace")
    });
    // Out, and in again with the new account.
    app.send("L");
    app.wait_for("Signed out", WAIT);
    app.send(&format!("{email}\t{PASSWORD}\r"));
    app.wait_until(WAIT, "signed in again with the new password", |s| {
        status_bar(s).contains("Ada Lovelace")
    });
    quit(app);
}

#[test]
fn spryker_sign_up_then_sign_in() {
    sign_up_then_sign_in("spryker", "Ms", "already");
}

#[test]
fn centra_sign_up_then_sign_in() {
    sign_up_then_sign_in("centra", "+46 31 123 456", "already registered");
}

#[test]
fn abantecart_sign_up_then_sign_in() {
    sign_up_then_sign_in("abantecart", "+46 31 123 456", "already registered");
}

/// The demo's own platform (the OAuth Customer API) signs in through the browser and has no
/// sign-up: nothing offers one.
#[test]
fn the_customer_api_offers_no_sign_up() {
    let home = tempfile::tempdir().unwrap();
    let mut app = pty::PtyApp::spawn(demo(home.path(), &[]), 30, 100);
    let screen = app.wait_for("Sign in with your browser", WAIT);
    assert!(!screen.contains("create an account"), "{screen}");
    app.send("\x1bn");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!app.screen().contains("A new account"));
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// Spryker's account deletion from the Account pane: X asks for the e-mail; a wrong one deletes
/// nothing; the right one anonymises the account at the shop, signs out (the token file gone)
/// and the old password no longer signs in.
#[test]
fn spryker_account_deletion_behind_the_typed_email() {
    let home = tempfile::tempdir().unwrap();
    let mut app = buyer_on(home.path(), "spryker", 30, 100);
    let token_files = |home: &std::path::Path| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(home.join("state/tokens"))
            .map(|dir| {
                dir.filter_map(Result::ok)
                    .map(|e| e.path())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect()
    };
    assert_eq!(
        token_files(home.path()).len(),
        1,
        "the sign-in's token file"
    );
    app.send("1");
    let screen = app.wait_for("delete the account", WAIT);
    assert!(screen.contains("X"), "{screen}");
    app.send("X");
    app.wait_for("cannot be undone", WAIT);
    app.send("nobody@example.com\r");
    app.wait_for("not this account's e-mail", WAIT);
    // Clear the field and type the account's own e-mail.
    app.send(&"\x7f".repeat(30));
    app.send(&format!("{PASTE_START}{BUYER}{PASTE_END}\r"));
    app.wait_for("Your account was deleted", WAIT);
    let left = token_files(home.path());
    assert!(left.is_empty(), "tokens left: {left:?}");
    app.send(&format!("{BUYER}\tdemo-buyer-pass\r"));
    app.wait_for("did not accept", WAIT);
    quit_from_form(app);
}

/// Ctrl-C: `q` is text on a sign-in form.
fn quit_from_form(mut app: pty::PtyApp) {
    app.send("\x03");
    assert!(app.wait_exit(WAIT), "shopterm did not exit on Ctrl-C");
}
