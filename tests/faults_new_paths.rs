//! The paths added after tests/faults.rs's table, under the fault proxy (tests/support/proxy.rs)
//! between the real binary and the demo shop's emulators: sign-up (`shopterm register`) on
//! Spryker, Centra and AbanteCart and Spryker's account deletion (`shopterm account delete`).
//! A write whose answer is lost after the shop acted on it must not be reported as not done: the
//! message says the account may have been created (or deleted) and to check before repeating it,
//! and the request is sent once. An answer that is not the platform's (a proxy's HTML page with
//! a 2xx status) is not taken as success.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use shopterm::demo::emulators;
use std::time::Duration;
use support::demo::spawn_demo;
use support::proxy::{Fault, FaultProxy};
use support::sandbox::{Run, Sandbox};

/// Within every platform's rules (AbanteCart allows at most 20 characters).
const PASSWORD: &str = "New-Customer-7pw";

fn code(run: &Run) -> i32 {
    run.status.code().unwrap_or(-1)
}

/// A sign-up platform behind the proxy: its name, where its API lives, and its sign-up request.
struct SignUp {
    platform: &'static str,
    prefix: &'static str,
    /// The sign-up request's path (with the query, for AbanteCart's routes).
    request: String,
}

fn sign_ups() -> Vec<SignUp> {
    let spryker = emulators::spryker::PREFIX;
    let centra = emulators::centra::PREFIX;
    let abantecart = emulators::abantecart::PREFIX;
    vec![
        SignUp {
            platform: "spryker",
            prefix: spryker,
            request: format!("{spryker}/customers"),
        },
        SignUp {
            platform: "centra",
            prefix: centra,
            request: format!("{centra}/register"),
        },
        SignUp {
            platform: "abantecart",
            prefix: abantecart,
            request: format!("{abantecart}/index.php?rt=a/account/create"),
        },
    ]
}

async fn register(sandbox: &Sandbox, url: &str, platform: &str, email: &str) -> Run {
    sandbox.register(url, platform, email, PASSWORD).await
}

fn sandbox() -> Sandbox {
    let mut sandbox = Sandbox::new();
    sandbox.set("SHOPTERM_REQUEST_TIMEOUT", "2");
    sandbox
}

/// The sign-up request's tries that met the fault.
fn faulted(proxy: &FaultProxy, sign_up: &SignUp) -> usize {
    let path = sign_up.request.split('?').next().unwrap_or_default();
    proxy
        .seen(path)
        .iter()
        .filter(|s| s.faulted && s.method == "POST")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_up_whose_answer_is_lost_says_the_account_may_have_been_created() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let proxy = FaultProxy::start(demo.addr).await;
    let mut failures = Vec::new();
    for sign_up in sign_ups() {
        let name = sign_up.platform;
        let url = format!("{}{}", proxy.base_url, sign_up.prefix);
        let email = format!("lost.{name}@example.com");
        proxy.inject(&sign_up.request, Some("POST"), Fault::ResetAfterAnswer);
        let sandbox = sandbox();
        let run = register(&sandbox, &url, name, &email).await;
        let tries = faulted(&proxy, &sign_up);
        proxy.heal(sign_up.prefix);
        let stderr = run.stderr.to_lowercase();
        if code(&run) != 5 {
            failures.push(format!("{name}: exit {} instead of 5", code(&run)));
        }
        if !stderr.contains("may have been created") || stderr.contains("did not create") {
            failures.push(format!(
                "{name}: does not say the account may have been created: {}",
                run.stderr
            ));
        }
        // The advice comes first, before the network error's text.
        let advice = stderr.find("check");
        let cause = stderr.find("connection").or_else(|| stderr.find("request"));
        if advice.is_none() || cause.is_some_and(|cause| advice > Some(cause)) {
            failures.push(format!("{name}: the advice is not first: {}", run.stderr));
        }
        if tries != 1 {
            failures.push(format!("{name}: the sign-up was sent {tries} times"));
        }
        // It was created: the shop knows the account, and the kept profile signs in to it.
        let login = sandbox.password_login(&url, name, &email, PASSWORD).await;
        if code(&login) != 0 {
            failures.push(format!(
                "{name}: the account the lost answer created does not sign in: {}",
                login.all_output()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A Spryker customer signed up through the proxy, signed in in `sandbox`.
async fn spryker_customer(proxy: &FaultProxy, sandbox: &Sandbox, email: &str) -> String {
    let url = format!("{}{}", proxy.base_url, emulators::spryker::PREFIX);
    let created = register(sandbox, &url, "spryker", email).await;
    assert_eq!(code(&created), 0, "{}", created.all_output());
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spryker_deletion_whose_answer_is_lost_says_the_account_may_have_been_deleted() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let proxy = FaultProxy::start(demo.addr).await;
    let sandbox = sandbox();
    let email = "leaving.lost@example.com";
    let url = spryker_customer(&proxy, &sandbox, email).await;
    let customers = format!("{}/customers/", emulators::spryker::PREFIX);
    proxy.inject(&customers, Some("DELETE"), Fault::ResetAfterAnswer);
    let run = sandbox
        .run(&["account", "delete", "--confirm", email])
        .await;
    let deletes = proxy
        .seen(&customers)
        .iter()
        .filter(|s| s.method == "DELETE")
        .count();
    proxy.heal(&customers);
    assert_eq!(code(&run), 5, "{}", run.all_output());
    let stderr = run.stderr.to_lowercase();
    assert!(
        stderr.contains("may have been deleted"),
        "{}",
        run.all_output()
    );
    assert!(
        stderr.find("check") < stderr.find("connection"),
        "the advice first: {}",
        run.stderr
    );
    assert_eq!(deletes, 1, "the deletion is sent once");
    // It was deleted (anonymised): its password no longer signs in.
    let again = Sandbox::new()
        .password_login(&url, "spryker", email, PASSWORD)
        .await;
    assert_ne!(code(&again), 0, "{}", again.all_output());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spryker_takes_no_html_page_with_a_2xx_status_for_a_sign_up_or_a_deletion() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let proxy = FaultProxy::start(demo.addr).await;
    let url = format!("{}{}", proxy.base_url, emulators::spryker::PREFIX);
    let customers = format!("{}/customers", emulators::spryker::PREFIX);

    // A sign-up answered by a proxy's page: not "created".
    proxy.inject(&customers, Some("POST"), Fault::NotJson);
    let sandbox = sandbox();
    let run = register(&sandbox, &url, "spryker", "html.page@example.com").await;
    proxy.heal(&customers);
    assert_ne!(code(&run), 0, "{}", run.all_output());
    assert!(
        !run.stdout.contains("Created the account"),
        "{}",
        run.all_output()
    );
    assert!(
        run.stderr.to_lowercase().contains("does not understand"),
        "{}",
        run.all_output()
    );

    // A deletion answered by one: not "deleted", and the sign-in is kept.
    let sandbox = self::sandbox();
    let email = "html.delete@example.com";
    spryker_customer(&proxy, &sandbox, email).await;
    proxy.inject(&format!("{customers}/"), Some("DELETE"), Fault::NotJson);
    let run = sandbox
        .run(&["account", "delete", "--confirm", email])
        .await;
    proxy.heal(&customers);
    assert_ne!(code(&run), 0, "{}", run.all_output());
    assert!(
        !run.stdout.contains("Deleted the account"),
        "{}",
        run.all_output()
    );
    assert!(
        run.stderr.to_lowercase().contains("may have been deleted"),
        "{}",
        run.all_output()
    );
    let whoami = sandbox.run(&["whoami"]).await;
    assert_eq!(code(&whoami), 0, "{}", whoami.all_output());
}

/// A shop's error text tens of thousands of characters long (with escape sequences): the
/// refusal's field line is cut at 200 characters, every other failure line at 1,000, and what
/// shopterm says around the text stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_very_long_error_text_is_cut_and_what_to_do_stays() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let proxy = FaultProxy::start(demo.addr).await;
    let url = format!("{}{}", proxy.base_url, emulators::spryker::PREFIX);
    let customers = format!("{}/customers", emulators::spryker::PREFIX);
    let long = format!("\u{1b}]0;PWNED\u{7}{}", "y".repeat(50_000));
    let glue_error = |status: u16, detail: String| Fault::Json {
        status,
        body: serde_json::json!({"errors": [{"status": status, "code": "901", "detail": detail}]})
            .to_string(),
    };
    let longest_line = |run: &Run| run.stderr.lines().map(|l| l.chars().count()).max();

    proxy.inject(
        &customers,
        Some("POST"),
        glue_error(422, format!("email => {long}")),
    );
    let run = register(&sandbox(), &url, "spryker", "long.field@example.com").await;
    assert_eq!(code(&run), 6, "{}", run.all_output());
    assert!(
        run.stderr.contains("did not create the account"),
        "{}",
        run.stderr
    );
    let field_line = run.stderr.lines().find(|l| l.contains("email:"));
    assert!(
        field_line.is_some_and(|l| l.chars().count() <= 205 && l.ends_with('…')),
        "{field_line:?}"
    );
    assert!(!run.stderr.contains('\u{1b}'));

    proxy.inject(&customers, Some("POST"), glue_error(500, long.clone()));
    let run = register(&sandbox(), &url, "spryker", "long.error@example.com").await;
    assert_eq!(code(&run), 5, "{}", run.all_output());
    assert!(
        longest_line(&run).is_some_and(|n| n <= 1000 + "shopterm: ".len() + 1),
        "a line of {:?} characters",
        longest_line(&run)
    );
    assert!(run.stderr.contains("HTTP 500"), "{}", run.stderr);
    assert!(run.stderr.trim_end().ends_with('…'), "{}", run.stderr);
}
