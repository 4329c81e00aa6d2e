//! The TUI's sign-up and Spryker's account deletion under the fault proxy (tests/support/proxy.rs):
//! the real binary in a PTY on a profile whose shop is the proxy in front of the demo's
//! emulators. When the connection is cut after the shop acted (`Fault::ResetAfterAnswer`), the
//! TUI says the account may have been created (or deleted) and to check first, never that it was
//! not; the shop has the account (or no longer has it).

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use shopterm::demo::emulators;
use std::time::Duration;
use support::demo::{buyer, spawn_demo};
use support::proxy::{Fault, FaultProxy};
use support::pty::PtyApp;
use support::sandbox::{Sandbox, profile_for};

const WAIT: Duration = Duration::from_secs(30);
const PASTE_START: &str = "\x1b[200~";
const PASTE_END: &str = "\x1b[201~";
/// Within every platform's rules (Spryker: 12 or more with upper, lower, digit and special;
/// AbanteCart: at most 20).
const PASSWORD: &str = "Tui-Signup-7pw!";

/// The TUI on `sandbox`'s profile for the proxy, run to `script`'s end, then ended with Ctrl-C.
async fn tui<T: Send + 'static>(
    sandbox: &Sandbox,
    proxy: &FaultProxy,
    script: impl FnOnce(&mut PtyApp) -> T + Send + 'static,
) -> T {
    let home = sandbox.dir.path().to_owned();
    let profile = profile_for(&proxy.base_url);
    tokio::task::spawn_blocking(move || {
        let mut app = PtyApp::spawn(support::pty::shopterm(&home, &["-p", &profile]), 30, 150);
        let seen = script(&mut app);
        app.send("\x03");
        assert!(app.wait_exit(WAIT), "shopterm did not exit on Ctrl-C");
        seen
    })
    .await
    .expect("the TUI session")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tui_sign_up_whose_answer_is_lost_says_the_account_may_have_been_created() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let proxy = FaultProxy::start(demo.addr).await;
    let login = buyer();
    let spryker = emulators::spryker::PREFIX;
    let centra = emulators::centra::PREFIX;
    let abantecart = emulators::abantecart::PREFIX;
    let phone = "+46 31 123 456";
    for (platform, prefix, request, fourth) in [
        ("spryker", spryker, format!("{spryker}/customers"), "Ms"),
        ("centra", centra, format!("{centra}/register"), phone),
        (
            "abantecart",
            abantecart,
            format!("{abantecart}/index.php?rt=a/account/create"),
            phone,
        ),
    ] {
        // A profile for the shop behind the proxy, signed out: the TUI opens on its sign-in form.
        let url = format!("{}{prefix}", proxy.base_url);
        let sandbox = Sandbox::new();
        let signed_in = sandbox
            .password_login(&url, platform, &login.email, &login.password)
            .await;
        assert_eq!(signed_in.status.code(), Some(0), "{signed_in:?}");
        assert_eq!(sandbox.run(&["logout"]).await.status.code(), Some(0));

        proxy.inject(&request, Some("POST"), Fault::ResetAfterAnswer);
        let email = format!("lost.tui.{platform}@example.com");
        let typed = format!("{email}\tAda\tLovelace\t{fourth}\t");
        let screen = tui(&sandbox, &proxy, move |app| {
            app.wait_for("create an account", WAIT);
            app.send("\x1bn");
            app.wait_for("A new account", WAIT);
            app.send(&typed);
            app.send(&format!("{PASTE_START}{PASSWORD}{PASTE_END}\r"));
            app.wait_for("may have been", WAIT)
        })
        .await;
        let tries = proxy
            .seen(request.split('?').next().unwrap_or_default())
            .iter()
            .filter(|s| s.faulted)
            .count();
        proxy.heal(prefix);
        assert!(
            screen.contains("The account may have been created"),
            "{platform}:\n{screen}"
        );
        assert!(!screen.contains("not created"), "{platform}:\n{screen}");
        assert_eq!(tries, 1, "{platform}: the sign-up is sent once");
        // It was created: the new e-mail and password sign in.
        let again = Sandbox::new()
            .password_login(&url, platform, &email, PASSWORD)
            .await;
        assert_eq!(again.status.code(), Some(0), "{platform}: {again:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tui_spryker_deletion_whose_answer_is_lost_says_it_may_have_been_deleted() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let proxy = FaultProxy::start(demo.addr).await;
    let url = format!("{}{}", proxy.base_url, emulators::spryker::PREFIX);
    let sandbox = Sandbox::new();
    let email = "leaving.tui@example.com";
    let created = sandbox
        .run_with_stdin(
            &[
                "register",
                &url,
                "--platform",
                "spryker",
                "--email",
                email,
                "--first-name",
                "Ada",
                "--last-name",
                "Lovelace",
                "--salutation",
                "Ms",
                "--password-stdin",
            ],
            Some(&format!("{PASSWORD}\n")),
        )
        .await;
    assert_eq!(created.status.code(), Some(0), "{created:?}");

    let customers = format!("{}/customers/", emulators::spryker::PREFIX);
    proxy.inject(&customers, Some("DELETE"), Fault::ResetAfterAnswer);
    let screen = tui(&sandbox, &proxy, move |app| {
        app.wait_until(WAIT, "signed in", |s| {
            s.lines().last().is_some_and(|l| l.contains("Ada Lovelace"))
        });
        app.send("1");
        app.wait_for("delete the account", WAIT);
        app.send("X");
        app.wait_for("cannot be undone", WAIT);
        app.send(&format!("{PASTE_START}{email}{PASTE_END}\r"));
        app.wait_for("may have been", WAIT)
    })
    .await;
    let deletes = proxy
        .seen(&customers)
        .iter()
        .filter(|s| s.method == "DELETE")
        .count();
    proxy.heal(&customers);
    assert!(
        screen.contains("The account may have been deleted"),
        "{screen}"
    );
    assert!(!screen.contains("was not deleted"), "{screen}");
    assert_eq!(deletes, 1, "the deletion is sent once");
    // It was deleted (anonymised): its password no longer signs in.
    let again = Sandbox::new()
        .password_login(&url, "spryker", email, PASSWORD)
        .await;
    assert_ne!(again.status.code(), Some(0), "{again:?}");
}
