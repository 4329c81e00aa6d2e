//! Account creation (`shopterm register`) and Spryker's account deletion (`shopterm account
//! delete`), the real binary against the demo shop's emulators over loopback HTTP: per password
//! platform, a sign-up that ends signed in (and signs in again with the new password), a second
//! sign-up with the same e-mail refused with the platform's field error on `email` (exit 6),
//! a refused password never echoed; the platforms without sign-up say why (exit 7).

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use std::sync::Arc;
use std::time::Duration;
use support::demo::spawn_demo;
use support::platform::{PlatformSetup, password_platforms};
use support::sandbox::Sandbox;

/// Within every platform's rules (AbanteCart allows at most 20 characters).
const PASSWORD: &str = "New-Customer-7pw";

async fn register(
    sandbox: &Sandbox,
    url: &str,
    platform: &str,
    email: &str,
    password: &str,
) -> support::sandbox::Run {
    sandbox.register(url, platform, email, password).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sign_up_platform_creates_the_account_signs_in_and_refuses_a_taken_email() {
    let demo = Arc::new(spawn_demo(Duration::from_secs(3600)).await);
    for platform in password_platforms() {
        let name = platform.name();
        let setup = PlatformSetup::sharing(&demo, platform);
        let url = setup.shop_url();
        let email = format!("ada.{name}@example.com");
        let sandbox = Sandbox::new();
        let created = register(&sandbox, &url, name, &email, PASSWORD).await;
        assert_eq!(created.status.code(), Some(0), "{name}: {created:?}");
        assert!(created.stdout.contains(&email), "{name}: {created:?}");
        let whoami = sandbox.run(&["whoami"]).await;
        assert_eq!(whoami.status.code(), Some(0), "{name}: {whoami:?}");
        assert!(whoami.stdout.contains(&email), "{name}: {whoami:?}");
        sandbox.assert_config_platform(name);
        // Signed out, the new password signs in again.
        assert_eq!(sandbox.run(&["logout"]).await.status.code(), Some(0));
        let again = sandbox.password_login(&url, name, &email, PASSWORD).await;
        assert_eq!(again.status.code(), Some(0), "{name}: {again:?}");

        // The same e-mail again, from another machine: the platform's answer, on `email`.
        let other = Sandbox::new();
        let taken = register(
            &other,
            &url,
            name,
            &email.to_uppercase(),
            "Another-Passphrase-8",
        )
        .await;
        assert_eq!(taken.status.code(), Some(6), "{name}: {taken:?}");
        assert!(
            taken
                .stderr
                .lines()
                .any(|l| l.trim_start().starts_with("email: ")),
            "{name}: {taken:?}"
        );
        assert!(
            !other
                .token_file(&support::sandbox::profile_for(&demo.base_url))
                .exists()
        );
        // A password the shop refuses is named as the password, never printed.
        let short = register(
            &other,
            &url,
            name,
            &format!("short.{name}@example.com"),
            "x1",
        )
        .await;
        assert_eq!(short.status.code(), Some(6), "{name}: {short:?}");
        assert!(short.stderr.contains("password: "), "{name}: {short:?}");
        assert!(!short.stderr.contains("x1\n") && !short.stdout.contains("x1"));
        for run in [&created, &taken, &short] {
            assert!(!run.stdout.contains(PASSWORD) && !run.stderr.contains(PASSWORD));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_platforms_without_sign_up_say_why_and_ask_for_no_password() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let sandbox = Sandbox::new();
    for (platform, why) in [
        ("customer_api", "Customer API has no sign-up"),
        (
            "shoptet",
            "customers create their accounts on the shop's website",
        ),
    ] {
        let run = register(
            &sandbox,
            &demo.base_url,
            platform,
            "x@example.com",
            PASSWORD,
        )
        .await;
        assert_eq!(run.status.code(), Some(7), "{platform}: {run:?}");
        assert!(
            run.stderr.contains("creating an account is not available"),
            "{run:?}"
        );
        assert!(run.stderr.contains(why), "{platform}: {run:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spryker_account_delete_needs_the_email_then_anonymises_and_signs_out() {
    let setup = PlatformSetup::new(&support::platform::SPRYKER).await;
    let url = setup.shop_url();
    let sandbox = Sandbox::new();
    let email = "leaving@example.com";
    let created = register(&sandbox, &url, "spryker", email, PASSWORD).await;
    assert_eq!(created.status.code(), Some(0), "{created:?}");
    let wrong = sandbox
        .run(&["account", "delete", "--confirm", "someone@example.com"])
        .await;
    assert_eq!(wrong.status.code(), Some(2), "{wrong:?}");
    assert!(wrong.stderr.contains("nothing was deleted"), "{wrong:?}");
    assert_eq!(sandbox.run(&["whoami"]).await.status.code(), Some(0));
    let deleted = sandbox
        .run(&["account", "delete", "--confirm", "LEAVING@example.com"])
        .await;
    assert_eq!(deleted.status.code(), Some(0), "{deleted:?}");
    assert!(
        deleted.stdout.contains("Deleted the account"),
        "{deleted:?}"
    );
    let after = sandbox.run(&["whoami"]).await;
    assert_ne!(after.status.code(), Some(0), "{after:?}");
    assert!(
        !sandbox
            .token_file(&support::sandbox::profile_for(&url))
            .exists()
    );
    let again = sandbox
        .password_login(&url, "spryker", email, PASSWORD)
        .await;
    assert_ne!(again.status.code(), Some(0), "{again:?}");
    assert!(again.stderr.contains("did not accept"), "{again:?}");
    // Where the platform has no deletion, the command says so (exit 7) and deletes nothing.
    let centra = PlatformSetup::sharing(&setup.demo, &support::platform::CENTRA);
    let buyer = support::demo::buyer();
    let other = Sandbox::new();
    let login = other
        .password_login(&centra.shop_url(), "centra", &buyer.email, &buyer.password)
        .await;
    assert_eq!(login.status.code(), Some(0), "{login:?}");
    let refused = other
        .run(&["account", "delete", "--confirm", &buyer.email])
        .await;
    assert_eq!(refused.status.code(), Some(7), "{refused:?}");
    assert!(
        refused.stderr.contains("deleting the account"),
        "{refused:?}"
    );
}

/// Without --password-stdin, on a terminal, `register` asks for the password without echo (the
/// real binary in a pseudo-terminal), then creates the account and signs in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_the_password_is_asked_without_echo() {
    let setup = PlatformSetup::new(&support::platform::CENTRA).await;
    let url = setup.shop_url();
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().to_owned();
    let (screen, status) = tokio::task::spawn_blocking(move || {
        let command = support::pty::shopterm(
            &home_path,
            &[
                "register",
                &url,
                "--platform",
                "centra",
                "--email",
                "ada.pty@example.com",
                "--first-name",
                "Ada",
                "--last-name",
                "Lovelace",
            ],
        );
        let mut app = support::pty::PtyApp::spawn(command, 24, 100);
        let wait = Duration::from_secs(30);
        app.wait_for("Password for the new account ada.pty@example.com", wait);
        app.send(&format!("{PASSWORD}\r"));
        let screen = app.wait_for("Created the account", wait);
        (screen, app.wait_exit_code(wait))
    })
    .await
    .unwrap();
    assert_eq!(status, 0, "{screen}");
    assert!(
        !screen.contains(PASSWORD),
        "the password was echoed:\n{screen}"
    );
    let sandbox_tokens = home.path().join("state/tokens");
    assert!(
        std::fs::read_dir(sandbox_tokens)
            .unwrap()
            .filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "json")),
        "signed in: a token file"
    );
}
