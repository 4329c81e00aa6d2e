//! One end-to-end sign-in with a real browser: `shopterm login http://127.0.0.1:PORT` against the
//! embedded demo shop, with `BROWSER` set to tests/peers/chromium-browser.mjs, which drives
//! Debian's headless Chromium through playwright-core: it types the e-mail and password into the
//! demo shop's sign-in page, presses Allow on the consent page, and ends on shopterm's loopback
//! callback page. This proves the HTML pages (forms, labels, redirects, CSP) work in a browser,
//! not only for the scripted person of tests/auth_cli.rs.
//!
//! Chromium comes from the Debian package `chromium` and playwright-core from tests/peers; both are
//! installed by scripts/test. Without them this test fails (it does not skip).

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use shopterm::demo::RunningDemo;
use std::path::Path;
use std::time::Duration;
use support::demo::{buyer, spawn_demo};
use support::repo_root;
use support::sandbox::*;

const CHROMIUM: &str = "/usr/bin/chromium";

fn require_browser() {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: run scripts/test, which installs the Debian package `chromium` \
         (apt-get install chromium) before running the tests"
    );
    assert!(
        repo_root()
            .join("tests/peers/node_modules/playwright-core/package.json")
            .exists(),
        "playwright-core is not installed in tests/peers/node_modules: run scripts/test (it runs \
         `npm ci --prefix tests/peers`)"
    );
}

/// The browser's log once it has finished (shopterm does not wait for its browser, which goes on
/// to read the callback page after shopterm has its answer).
async fn finished_browser_log(sandbox: &Sandbox) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let log = sandbox.browser_log();
        if log.contains("\"event\":\"done\"")
            || log.contains("\"event\":\"failed\"")
            || std::time::Instant::now() > deadline
        {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `BROWSER` = headless Chromium playing the person who signs in as `email`.
fn with_chromium(sandbox: &mut Sandbox, email: &str, password: &str) {
    let script = repo_root().join("tests/peers/chromium-browser.mjs");
    sandbox.set("BROWSER", &format!("node '{}'", script.display()));
    sandbox.set("SHOPTERM_TEST_EMAIL", email);
    sandbox.set("SHOPTERM_TEST_PASSWORD", password);
    let shots = sandbox.path("screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot dir");
    sandbox.set("SHOPTERM_TEST_SCREENSHOTS", &shots.display().to_string());
}

/// What one `shopterm login` through Chromium left: its output, the browser's log, the sandbox.
struct ChromiumLogin {
    profile: String,
    sandbox: Sandbox,
    run: Run,
    browser_log: String,
    _demo: RunningDemo,
}

/// `shopterm login` against a fresh demo shop with `timeout` seconds, Chromium typing the buyer's
/// e-mail and `password` (the right one when `None`).
async fn login_in_chromium(password: Option<&str>, timeout: &str) -> ChromiumLogin {
    require_browser();
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let login = buyer();
    let mut sandbox = Sandbox::new();
    with_chromium(
        &mut sandbox,
        &login.email,
        password.unwrap_or(&login.password),
    );
    let run = sandbox
        .run(&["login", &demo.base_url, "--timeout", timeout])
        .await;
    ChromiumLogin {
        profile: profile_for(&demo.base_url),
        browser_log: finished_browser_log(&sandbox).await,
        sandbox,
        run,
        _demo: demo,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_in_headless_chromium() {
    let ChromiumLogin {
        profile,
        sandbox,
        run,
        browser_log,
        _demo,
    } = login_in_chromium(None, "50").await;
    let login = buyer();
    eprintln!(
        "shopterm login with headless Chromium: {} ms",
        run.elapsed.as_millis()
    );
    assert!(
        run.status.success(),
        "{}\nbrowser log:\n{browser_log}",
        run.all_output()
    );
    assert_eq!(
        run.stdout.trim(),
        format!("Signed in to {profile} as {}", login.email)
    );
    // The browser saw shopterm's own answer page, and no page reported an error.
    assert!(
        browser_log.contains("\"event\":\"callback\"")
            && browser_log.contains("Signed in to")
            && browser_log.contains("\"event\":\"done\""),
        "{browser_log}"
    );
    assert!(
        !browser_log.contains("\"event\":\"failed\""),
        "{browser_log}"
    );
    for shot in ["sign-in.png", "consent.png", "callback.png"] {
        let size = std::fs::metadata(sandbox.path("screenshots").join(shot))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(size > 1000, "{shot} was rendered ({size} bytes)");
    }

    let token_file = sandbox.token_file(&profile);
    assert_eq!(mode_of(&token_file), 0o600);
    let (access, refresh) = tokens_in(&token_file);
    assert!(refresh.is_some(), "a refresh token is stored");

    // The stored sign-in works for the next command.
    let whoami = sandbox.run(&["whoami"]).await;
    whoami.assert_ok();
    whoami.assert_stdout_has(&format!("<{}>", login.email));
    // The token went nowhere but the token file (the browser log holds no query strings).
    let everything = format!(
        "{}\n{}\n{browser_log}",
        run.all_output(),
        whoami.all_output()
    );
    assert!(!everything.contains(&access));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_in_chromium_stores_nothing() {
    // The person gives up after the refusal: shopterm times out with nothing stored.
    let refused = login_in_chromium(Some("not-the-password"), "8").await;
    let (run, browser_log) = (&refused.run, &refused.browser_log);
    assert!(!run.status.success(), "{}", run.all_output());
    assert!(
        browser_log.contains("the sign-in was refused"),
        "the sign-in page shows the refusal as an alert in the browser: {browser_log}"
    );
    assert!(!refused.sandbox.token_file(&refused.profile).exists());
}
