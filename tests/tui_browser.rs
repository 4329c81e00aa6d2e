//! The browser sign-in when the browser does not open: the real binary in a pseudo-terminal,
//! `shopterm demo` and a `$BROWSER` that cannot start or fails at once. The sign-in pane must say
//! so (a person on an SSH host with no browser would otherwise wait on a spinner for nothing) and
//! keep the address to open elsewhere on screen.

#[path = "support/pty.rs"]
mod pty;

use portable_pty::CommandBuilder;
use pty::PtyApp;
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

fn demo_with_browser(home: &Path, browser: &str) -> CommandBuilder {
    let mut command = pty::shopterm(home, &["demo", "--ephemeral"]);
    command.env("BROWSER", browser);
    command
}

fn start_sign_in(app: &mut PtyApp) -> String {
    app.wait_for("Sign in with your browser", WAIT);
    app.send("\r");
    app.wait_for("/oauth/authorize?", WAIT)
}

#[test]
fn a_browser_that_cannot_be_started_is_reported_on_the_sign_in_pane() {
    let home = tempfile::tempdir().unwrap();
    // A file that exists but is not executable: spawning it fails with "Permission denied".
    let not_a_program = home.path().join("browser.sh");
    std::fs::write(&not_a_program, "#!/bin/sh\nexit 0\n").unwrap();
    let mut app = PtyApp::spawn(
        demo_with_browser(home.path(), &not_a_program.display().to_string()),
        24,
        100,
    );
    start_sign_in(&mut app);
    let screen = app.wait_for("The browser did not open", WAIT);
    assert!(screen.contains("Cannot start $BROWSER"), "{screen}");
    assert!(
        screen.contains("/oauth/authorize?"),
        "the address stays on screen: {screen}"
    );
    assert!(
        !screen.contains("If it did not open"),
        "no longer guessing whether it opened: {screen}"
    );
    app.send("\x03");
    assert!(app.wait_exit(WAIT), "shopterm exits on Ctrl-C");
}

#[test]
fn a_browser_that_fails_at_once_is_reported_with_its_exit_status() {
    let home = tempfile::tempdir().unwrap();
    let mut app = PtyApp::spawn(demo_with_browser(home.path(), "false"), 24, 100);
    start_sign_in(&mut app);
    let screen = app.wait_for("The browser did not open", WAIT);
    assert!(screen.contains("exit status 1"), "{screen}");
    // The sign-in still waits: the address can be opened on another device.
    assert!(screen.contains("/oauth/authorize?"), "{screen}");
    app.send("\x03");
    assert!(app.wait_exit(WAIT), "shopterm exits on Ctrl-C");
}
