//! `token_storage = "keyring"`: tokens in the OS keyring, and the fallback to the 0600 file where
//! no keyring service exists.
//!
//! - Success path: keyring_core's mock store behind a real token source, refreshing against the
//!   demo shop (rotated tokens go into the keyring; no token file appears).
//! - Fallback path, for real: the `shopterm` binary with `token_storage = "keyring"` and no D-Bus
//!   session bus (as on headless Linux and CI) says so in one line and keeps the tokens in the
//!   0600 file; login, whoami and logout all work.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use secrecy::ExposeSecret;
use shopterm::auth::store::KEYRING_SERVICE;
use shopterm::auth::{StoredTokenSource, TokenSource, TokenStore};
use shopterm::demo::RunningDemo;
use shopterm::platforms::password_sign_in;
use std::time::Duration;
use support::demo::{buyer, spawn_demo};
use support::sandbox::*;

/// A demo shop, and a sandbox whose browser signs in as the buyer; the profile and the e-mail.
async fn demo_with_person() -> (RunningDemo, Sandbox, String, String) {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let login = buyer();
    let sandbox = Sandbox::with_person(&login.email, &login.password, "normal");
    let profile = profile_for(&demo.base_url);
    (demo, sandbox, profile, login.email)
}

/// No session bus at all: what a headless machine has. (An address that cannot be connected
/// to, so a developer's own keyring is never touched by this test.)
fn without_session_bus(sandbox: &mut Sandbox) {
    let bus = sandbox.path("no-such-bus");
    sandbox.set(
        "DBUS_SESSION_BUS_ADDRESS",
        &format!("unix:path={}", bus.display()),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyring_without_a_keyring_service_falls_back_to_the_file() {
    let (demo, mut sandbox, profile, email) = demo_with_person().await;
    without_session_bus(&mut sandbox);
    std::fs::create_dir_all(sandbox.path("config")).unwrap();
    std::fs::write(
        sandbox.path("config/config.toml"),
        "token_storage = \"keyring\"\n",
    )
    .unwrap();

    let login = sandbox.browser_login_ok(&demo.base_url, &email).await;
    let notes: Vec<&str> = login
        .stderr
        .lines()
        .filter(|l| l.contains("no OS keyring"))
        .collect();
    assert_eq!(notes.len(), 1, "one clear line: {}", login.stderr);
    assert!(
        notes[0].starts_with("shopterm: no OS keyring is available (")
            && notes[0].contains("keeping tokens in")
            && notes[0].contains("readable only by you"),
        "{}",
        notes[0]
    );
    let token_file = sandbox.token_file(&profile);
    assert_eq!(mode_of(&token_file), 0o600);
    let log = std::fs::read_to_string(sandbox.log_file()).unwrap();
    assert!(
        log.contains("falling back to the file"),
        "a warning in the log"
    );
    // It fails fast: the attempt is timed in the log.
    let line = log
        .lines()
        .find(|l| l.contains("no Secret Service"))
        .expect("the failed connection is logged");
    let elapsed_ms: u64 = line
        .split("elapsed_ms=")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .expect("elapsed_ms in the log line");
    assert!(elapsed_ms < 2000, "took {elapsed_ms} ms: {line}");
    // The setting is kept; the profile did not get a value of its own.
    let config = std::fs::read_to_string(sandbox.path("config/config.toml")).unwrap();
    assert_eq!(
        config.matches("token_storage = \"keyring\"").count(),
        1,
        "{config}"
    );
    eprintln!("the note: {}", notes[0]);

    let whoami = sandbox.run(&["whoami"]).await;
    whoami.assert_ok();
    whoami.assert_stdout_has("Tokens kept in: file in");
    assert_eq!(
        whoami
            .stderr
            .lines()
            .filter(|l| l.contains("no OS keyring"))
            .count(),
        1,
        "{}",
        whoami.stderr
    );

    let logout = sandbox.run(&["logout"]).await;
    logout.assert_ok();
    assert!(!token_file.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_in_a_keyring_refresh_and_rotate_there() {
    let (demo, sandbox, profile, email) = demo_with_person().await;
    sandbox.browser_login_ok(&demo.base_url, &email).await;

    // The profile switches to a keyring (keyring_core's mock store stands in for the OS one):
    // the tokens from the file are read, and the next save moves them into the keyring.
    let keyring: std::sync::Arc<keyring_core::CredentialStore> =
        keyring_core::mock::Store::new().unwrap();
    let store = TokenStore::with_keyring(&sandbox.path("state"), keyring.clone());
    let http = shopterm::net::http_client(None).unwrap();
    let source = StoredTokenSource::load(store.clone(), &profile, http, password_sign_in).unwrap();
    let first = source.bearer().await.unwrap();
    let (_, first_refresh) = tokens_in(&sandbox.token_file(&profile));

    // A 401: refresh, and the rotated tokens are stored at once, in the keyring only.
    assert!(source.token_rejected(&first).await);
    let second = source.bearer().await.unwrap();
    assert_ne!(second.expose_secret(), first.expose_secret());
    assert!(
        !sandbox.token_file(&profile).exists(),
        "the token file is gone once the keyring holds the tokens"
    );
    let entry = keyring_core::Entry::new_in_store(&keyring, KEYRING_SERVICE, &profile).unwrap();
    let in_keyring: serde_json::Value =
        serde_json::from_str(&entry.get_password().unwrap()).unwrap();
    assert_eq!(in_keyring["access_token"], second.expose_secret());
    assert_ne!(
        in_keyring["refresh_token"].as_str(),
        first_refresh.as_deref(),
        "rotated"
    );
    let reloaded = store.load(&profile).unwrap().unwrap();
    assert_eq!(
        reloaded.access_token.expose_secret(),
        second.expose_secret()
    );

    // Sign-out clears the keyring entry.
    assert!(store.delete(&profile).unwrap());
    assert!(store.load(&profile).unwrap().is_none());
}
