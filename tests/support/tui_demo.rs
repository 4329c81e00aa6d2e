//! The TUI's PTY tests' way into `shopterm demo`: the real binary in a pseudo-terminal, with its
//! own config, data and state directories, the scripted browser and the demo's accounts.
//! Included on its own (`#[path = "support/tui_demo.rs"] mod tui_demo;`, next to `mod pty;`) by
//! tests that use a part of it: hence the allowance.

#![allow(dead_code)]

use crate::pty::PtyApp;
use portable_pty::CommandBuilder;
use std::path::Path;
use std::time::Duration;

pub const WAIT: Duration = Duration::from_secs(30);
pub const PASTE_START: &str = "\x1b[200~";
pub const PASTE_END: &str = "\x1b[201~";
pub const BUYER: &str = "buyer@demo.shopterm.example";
pub const HANAKO: &str = "hanako@demo.shopterm.example";

pub fn demo(home: &Path, extra: &[&str]) -> CommandBuilder {
    let mut command = crate::pty::shopterm(home, &[&["demo", "--ephemeral"], extra].concat());
    let password_file = home.join("password");
    std::fs::write(&password_file, "demo-buyer-pass").unwrap();
    crate::pty::with_scripted_browser(&mut command, BUYER, &password_file);
    command
}

/// The demo's own platform, signed in through the (scripted) browser.
pub fn signed_in_demo(home: &Path, rows: u16, cols: u16) -> PtyApp {
    let mut app = PtyApp::spawn(demo(home, &[]), rows, cols);
    app.wait_for("Sign in with your browser", WAIT);
    app.send("\r");
    app.wait_for("Katrin Vogel", WAIT);
    app.wait_for("Orders 100 of 2100", WAIT);
    app
}

/// Staff mode: the demo's Shoptet emulator, signed in with its staff token (no browser).
pub fn staff_demo(home: &Path, rows: u16, cols: u16) -> PtyApp {
    let command = crate::pty::shopterm(home, &["demo", "--ephemeral", "--platform", "shoptet"]);
    let app = PtyApp::spawn(command, rows, cols);
    app.wait_for("no customer chosen", WAIT);
    app
}

/// A password platform's sign-in form.
pub fn password_platform(home: &Path, platform: &str, rows: u16, cols: u16) -> PtyApp {
    crate::pty::demo_sign_in_form(home, platform, &[], (rows, cols), WAIT)
}

pub fn status_bar(screen: &str) -> String {
    screen.lines().last().unwrap_or("").to_owned()
}

/// `password_platform` with the B2B buyer signed in (their name in the status bar).
pub fn buyer_on(home: &Path, platform: &str, rows: u16, cols: u16) -> PtyApp {
    let mut app = password_platform(home, platform, rows, cols);
    app.send(&format!("{BUYER}\tdemo-buyer-pass\r"));
    app.wait_until(WAIT, "the buyer signed in", |s| {
        status_bar(s).contains("Katrin Vogel")
    });
    app
}

/// Quits with `q` and checks that the program ended.
pub fn quit(mut app: PtyApp) {
    app.send("q");
    assert!(app.wait_exit(WAIT), "shopterm did not exit on q");
}
