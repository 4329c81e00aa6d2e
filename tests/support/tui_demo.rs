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

pub fn binary() -> String {
    std::env::var("SHOPTERM_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_shopterm").to_owned())
}

pub fn demo(home: &Path, extra: &[&str]) -> CommandBuilder {
    let mut command = CommandBuilder::new(binary());
    command.args(["demo", "--ephemeral"]);
    command.args(extra);
    command.env("SHOPTERM_CONFIG_DIR", home.join("config"));
    command.env("SHOPTERM_DATA_DIR", home.join("data"));
    command.env("SHOPTERM_STATE_DIR", home.join("state"));
    command.env("TERM", "xterm-256color");
    command.env_remove("NO_COLOR");
    let password_file = home.join("password");
    std::fs::write(&password_file, "demo-buyer-pass").unwrap();
    let browser = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/browser.py");
    command.env("BROWSER", format!("python3 {}", browser.display()));
    command.env("SHOPTERM_TEST_EMAIL", BUYER);
    command.env("SHOPTERM_TEST_PASSWORD_FILE", password_file);
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
    let mut command = demo(home, &["--platform", "shoptet"]);
    command.env("BROWSER", "false");
    let app = PtyApp::spawn(command, rows, cols);
    app.wait_for("no customer chosen", WAIT);
    app
}

/// A password platform's sign-in form.
pub fn password_platform(home: &Path, platform: &str, rows: u16, cols: u16) -> PtyApp {
    let mut command = demo(home, &["--platform", platform]);
    command.env("BROWSER", "false");
    let app = PtyApp::spawn(command, rows, cols);
    app.wait_for("Sign in to 127.0.0.1", WAIT);
    app
}

pub fn status_bar(screen: &str) -> String {
    screen.lines().last().unwrap_or("").to_owned()
}
