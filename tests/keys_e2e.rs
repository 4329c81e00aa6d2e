//! `[keys]` of config.toml reaches the real binary: a rebound key is shown in the status bar and
//! acts, the key it replaced does not, and an invalid `[keys]` stops `shopterm` with a message
//! naming the file, line and entry (not a panic).

#[path = "support/pty.rs"]
mod pty;

use pty::PtyApp;
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

fn write_config(home: &Path, text: &str) {
    let config = home.join("config");
    std::fs::create_dir_all(&config).expect("config dir");
    std::fs::write(config.join("config.toml"), text).expect("config.toml");
}

/// The screen row of the selected order.
fn selected_row(app: &PtyApp, screen: &str) -> usize {
    let lines: Vec<&str> = screen.lines().collect();
    let selected: Vec<String> = app
        .inverse_lines()
        .into_iter()
        .filter(|l| l.contains("SO-"))
        .collect();
    assert_eq!(
        selected.len(),
        1,
        "one selected row: {selected:?}\n{screen}"
    );
    let text = selected[0].trim_end();
    lines
        .iter()
        .position(|l| l.trim_end() == text)
        .unwrap_or_else(|| panic!("{text:?} not on screen:\n{screen}"))
}

#[test]
fn a_rebound_key_shows_in_the_status_bar_and_acts_and_the_old_one_does_not() {
    let home = tempfile::tempdir().expect("home");
    write_config(
        home.path(),
        "[keys.orders]\nmove_down = \"J\"\n\n[keys.global]\nquit = \"ctrl-q\"\n",
    );
    let mut app = pty::demo_sign_in_form(home.path(), "spryker", &[], (30, 120), WAIT);
    app.send("buyer@demo.shopterm.example\tdemo-buyer-pass\r");
    app.wait_for("Katrin Vogel", WAIT);
    let screen = app.wait_for("J/k move", WAIT);
    assert!(screen.contains("Ctrl-Q quit"), "{screen}");
    assert!(!screen.contains("j/k move"), "{screen}");
    // The help lists the rebound global key too.
    app.send("?");
    let help = app.wait_for("Everywhere outside a text field", WAIT);
    assert!(
        help.lines()
            .any(|l| l.contains("Ctrl-Q") && l.contains("quit")),
        "{help}"
    );
    app.escape();
    let screen = app.wait_until(WAIT, "the help closed", |s| {
        !s.contains("Everywhere outside")
    });
    let first = selected_row(&app, &screen);

    // j and q were the keys of move_down and quit: now they do nothing. J moves one row.
    app.send("j");
    app.send("q");
    app.send("J");
    let screen = app.wait_until(WAIT, "the selection to move", |screen| {
        selected_row(&app, screen) != first
    });
    assert_eq!(
        selected_row(&app, &screen),
        first + 1,
        "J moved once, j not at all:\n{screen}"
    );
    // k was not rebound and still moves up.
    app.send("k");
    app.wait_until(WAIT, "k to move up", |screen| {
        selected_row(&app, screen) == first
    });
    app.send("\x11");
    assert!(app.wait_exit(WAIT), "Ctrl-Q quits");
    assert!(app.terminal_restored());
}

fn refused(config: &str) -> String {
    let home = tempfile::tempdir().expect("home");
    write_config(home.path(), config);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_shopterm"))
        .args(["demo", "--ephemeral"])
        .env("SHOPTERM_CONFIG_DIR", home.path().join("config"))
        .env("SHOPTERM_DATA_DIR", home.path().join("data"))
        .env("SHOPTERM_STATE_DIR", home.path().join("state"))
        .env("BROWSER", "false")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run shopterm");
    assert!(!output.status.success(), "shopterm started with {config:?}");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn assert_mentions(stderr: &str, needles: &[&str]) {
    for needle in needles {
        assert!(stderr.contains(needle), "{needle:?} missing: {stderr}");
    }
}

#[test]
fn an_invalid_keys_section_stops_shopterm_with_a_clear_message() {
    let stderr = refused("[keys.orders]\nreload = \"F5\"\nopen_order = \"ctrl+\"\n");
    assert_mentions(
        &stderr,
        &[
            "config.toml line 3",
            "[keys.orders] open_order = \"ctrl+\"",
            "nothing follows",
        ],
    );
    let stderr = refused("# mine\n[keys.orders]\nreload = \"j\"\n");
    assert_mentions(
        &stderr,
        &[
            "config.toml line 3",
            "[keys.orders] reload",
            "already the key of move_down",
        ],
    );
    let stderr = refused("[keys.orders]\nrefresh = \"F5\"\n");
    assert_mentions(&stderr, &["no command \"refresh\""]);
}
