//! The Centra Checkout API connector against its emulator in the demo shop, over real loopback
//! HTTP: password sign-in through `session::password_sign_in` (tokens stored 0600, account read
//! from `loggedIn`), wrong passwords, sign-out ending the login at the shop, a login ended at the
//! shop (or past its lifetime) read as an expired session, and the real binary's
//! `login --platform centra --password-stdin`, `whoami` and `logout`.

mod common;
#[path = "support_auth/mod.rs"]
mod support_auth;

use common::{buyer, newcomer, spawn_demo};
use secrecy::SecretString;
use serde_json::Value;
use shopterm::auth::AuthError;
use shopterm::auth::session;
use shopterm::config::Profile;
use shopterm::demo::RunningDemo;
use shopterm::demo::store::CustomerKey;
use shopterm::model::{Account, Address};
use shopterm::paths::Paths;
use shopterm::shop::{Feature, ShopError};
use std::time::Duration;
use support_auth::{Sandbox, mode_of, tokens_in};
use tokio::io::AsyncWriteExt as _;
use url::Url;

const PROFILE: &str = "centra-shop";

fn paths(dir: &std::path::Path) -> Paths {
    Paths {
        config_dir: dir.join("config"),
        data_dir: dir.join("data"),
        state_dir: dir.join("state"),
    }
}

fn token_file(paths: &Paths) -> std::path::PathBuf {
    paths
        .state_dir
        .join("tokens")
        .join(format!("{PROFILE}.json"))
}

fn shop_url(demo: &RunningDemo) -> String {
    format!("{}/centra/api/checkout", demo.base_url)
}

fn profile(demo: &RunningDemo) -> Profile {
    Profile {
        platform: "centra".into(),
        ..Profile::new(Url::parse(&shop_url(demo)).expect("shop URL"))
    }
}

fn secret(text: &str) -> SecretString {
    SecretString::from(text.to_owned())
}

/// The customer with this e-mail, their account and addresses, straight from the store.
async fn in_store(demo: &RunningDemo, email: &str, password: &str) -> (Account, Vec<Address>) {
    let store = demo.state.store.clone();
    let (email, password) = (email.to_owned(), password.to_owned());
    tokio::task::spawn_blocking(move || {
        let customer: CustomerKey = store
            .verify_password(&email, &password)
            .expect("store")
            .expect("a demo customer");
        (
            store.account(customer).expect("account"),
            store.addresses(customer).expect("addresses"),
        )
    })
    .await
    .expect("store task")
}

/// A raw Checkout API request with `API-Token: token`: status and JSON body.
async fn raw(demo: &RunningDemo, method: &str, path: &str, token: Option<&str>) -> (u16, Value) {
    let url = format!("{}/{path}", shop_url(demo));
    let http = common::http();
    let mut request = match method {
        "GET" => http.get(url),
        _ => http.post(url),
    };
    if let Some(token) = token {
        request = request.header("API-Token", token);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let body = response.json().await.expect("JSON answer");
    (status, body)
}

/// Signs the buyer in through the library; answers the stored access token.
async fn sign_in_buyer(demo: &RunningDemo, paths: &Paths) -> (session::SignedIn, String) {
    let login = buyer();
    let http = shopterm::net::http_client(None).expect("HTTP client");
    let signed_in = session::password_sign_in(
        paths,
        PROFILE,
        &profile(demo),
        &http,
        &login.email,
        &secret(&login.password),
    )
    .await
    .expect("the buyer signs in");
    let (token, _) = tokens_in(&token_file(paths));
    (signed_in, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_sign_in_stores_tokens_and_reads_the_account() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let login = buyer();
    let (expected, addresses) = in_store(&demo, &login.email, &login.password).await;

    let (signed_in, token) = sign_in_buyer(&demo, &paths).await;
    let account = signed_in
        .account
        .expect("the account is read after sign-in");
    assert_eq!(account.email, login.email);
    assert_eq!(account.id.to_string(), login.email, "the e-mail is the id");
    assert_eq!(account.first_name, expected.first_name);
    assert_eq!(account.last_name, expected.last_name);
    assert!(!account.first_name.is_empty());

    // Stored like any sign-in: 0600, no refresh token, no expiry, the account recorded.
    let file = token_file(&paths);
    assert_eq!(mode_of(&file), 0o600);
    let stored: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert!(
        stored["refresh_token"].is_null(),
        "{}",
        stored["refresh_token"]
    );
    assert!(stored["expires_at"].is_null(), "{}", stored["expires_at"]);
    assert_eq!(stored["account_email"], login.email.as_str());
    assert!(token.len() >= 16);
    assert_eq!(
        signed_in.tokens.account_email.as_deref(),
        Some(&*login.email)
    );

    // A new connection from the stored tokens reads the same account.
    let connection = session::connect(&paths, PROFILE, &profile(&demo)).expect("connect");
    assert_eq!(connection.shop.platform(), "Centra");
    assert!(
        !connection
            .shop
            .capabilities()
            .supports(Feature::OrderHistory)
    );
    assert_eq!(connection.shop.account().await.expect("account"), account);
    assert_eq!(
        connection.shop.addresses().await.err(),
        Some(ShopError::Unsupported(Feature::AddressBook))
    );

    // The emulator's `loggedIn` carries the default billing address, as the documentation shows.
    let billing = addresses
        .iter()
        .find(|a| a.default_billing)
        .expect("the buyer has a billing address");
    let (status, body) = raw(&demo, "GET", "selection", Some(&token)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["token"],
        token.as_str(),
        "a live session keeps its token"
    );
    let logged_in = &body["loggedIn"];
    assert_eq!(logged_in["email"], login.email.as_str());
    assert_eq!(logged_in["address1"], billing.postal.line1.as_str());
    assert_eq!(logged_in["zipCode"], billing.postal.postcode.as_str());
    assert_eq!(logged_in["city"], billing.postal.city.as_str());
    assert_eq!(logged_in["country"], billing.postal.country.as_str());
    assert_eq!(billing.postal.country.len(), 2, "an ISO code");
    assert!(body["selection"].is_object(), "{body}");
    assert!(body.get("errors").is_none(), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_without_addresses_and_an_email_that_needs_encoding() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let login = newcomer();
    let (expected, addresses) = in_store(&demo, &login.email, &login.password).await;
    assert!(addresses.is_empty(), "the newcomer has no addresses");
    // The e-mail is a path segment; the password travels in the body only.
    let answer = common::http()
        .post(format!(
            "{}/login/{}",
            shop_url(&demo),
            login.email.replace('@', "%40")
        ))
        .json(&serde_json::json!({ "password": login.password }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["loggedIn"]["email"], expected.email.as_str());
    assert_eq!(body["loggedIn"]["address1"], "");
    assert_eq!(body["loggedIn"]["country"], "");

    // An e-mail with a slash stays one path segment: refused as wrong, not routed elsewhere.
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let http = shopterm::net::http_client(None).unwrap();
    let refused = session::password_sign_in(
        &paths,
        PROFILE,
        &profile(&demo),
        &http,
        "../selection/x@example.com",
        &secret(&login.password),
    )
    .await;
    assert!(
        matches!(refused, Err(AuthError::WrongCredentials(_))),
        "{:?}",
        refused.err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_is_refused_and_nothing_is_stored() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let http = shopterm::net::http_client(None).unwrap();
    let login = buyer();
    for (email, password) in [
        (login.email.as_str(), "not-the-password"),
        ("nobody@demo.shopterm.example", login.password.as_str()),
    ] {
        let result = session::password_sign_in(
            &paths,
            PROFILE,
            &profile(&demo),
            &http,
            email,
            &secret(password),
        )
        .await;
        match result {
            Err(error @ AuthError::WrongCredentials(_)) => {
                let text = error.to_string();
                assert!(!text.contains(password), "the password is not in: {text}");
            }
            Err(other) => panic!("{email}: expected WrongCredentials, got {other}"),
            Ok(_) => panic!("{email}: signed in with a wrong password"),
        }
        assert!(!token_file(&paths).exists(), "nothing stored");
    }

    // The documented answer: 406 with `password: incorrect`, the same for an unknown e-mail.
    for email in [login.email.as_str(), "nobody@demo.shopterm.example"] {
        let answer = common::http()
            .post(format!("{}/login/{email}", shop_url(&demo)))
            .json(&serde_json::json!({ "password": "not-the-password" }))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 406);
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body["errors"], serde_json::json!({"password": "incorrect"}));
        assert!(body["token"].is_string(), "{body}");
        assert!(body.get("loggedIn").is_none(), "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_ends_the_login_at_the_shop() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let (_, token) = sign_in_buyer(&demo, &paths).await;
    let (_, before) = raw(&demo, "GET", "selection", Some(&token)).await;
    assert!(before["loggedIn"].is_object(), "logged in before: {before}");

    let http = shopterm::net::http_client(None).unwrap();
    let report = session::sign_out(&paths, PROFILE, &http)
        .await
        .expect("sign-out");
    assert!(report.was_signed_in);
    assert!(report.server_revocation);
    assert!(
        report.revocation_errors.is_empty(),
        "{:?}",
        report.revocation_errors
    );
    assert!(report.deleted);
    assert!(!token_file(&paths).exists());

    let (status, after) = raw(&demo, "GET", "selection", Some(&token)).await;
    assert_eq!(status, 200);
    assert!(after.get("loggedIn").is_none(), "logged out: {after}");
    assert_ne!(
        after["token"],
        token.as_str(),
        "a new visitor's session, not the old login"
    );

    // Signing out again: nothing stored, nothing to end.
    let again = session::sign_out(&paths, PROFILE, &http).await.unwrap();
    assert!(!again.was_signed_in);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_ended_at_the_shop_is_an_expired_session() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let (_, token) = sign_in_buyer(&demo, &paths).await;
    let connection = session::connect(&paths, PROFILE, &profile(&demo)).unwrap();
    assert!(connection.shop.account().await.is_ok());

    // Logged out by someone else holding the token (another device, the shop's admin).
    let (status, body) = raw(&demo, "POST", "logout", Some(&token)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("loggedIn").is_none(), "{body}");
    assert_eq!(
        connection.shop.account().await,
        Err(ShopError::SessionExpired)
    );
    // The tokens stay until the person signs in again or out; the next connection says the same.
    assert!(token_file(&paths).exists());
    let later = session::connect(&paths, PROFILE, &profile(&demo)).unwrap();
    assert_eq!(later.shop.account().await, Err(ShopError::SessionExpired));

    // Signed in again (here, or by another shopterm): the running connection takes up the new
    // token from the store instead of reporting the ended session.
    let (_, new_token) = sign_in_buyer(&demo, &paths).await;
    assert_ne!(new_token, token);
    let account = connection
        .shop
        .account()
        .await
        .expect("the new sign-in is used");
    assert_eq!(account.email, buyer().email);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_past_its_lifetime_is_an_expired_session() {
    let demo = spawn_demo(Duration::from_secs(2)).await;
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let (signed_in, token) = sign_in_buyer(&demo, &paths).await;
    assert!(signed_in.account.is_ok());
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let connection = session::connect(&paths, PROFILE, &profile(&demo)).unwrap();
    assert_eq!(
        connection.shop.account().await,
        Err(ShopError::SessionExpired)
    );
    let (status, body) = raw(&demo, "GET", "selection", Some(&token)).await;
    assert_eq!(status, 200);
    assert!(body.get("loggedIn").is_none(), "{body}");
}

/// Runs `shopterm ARGS` in the sandbox with `stdin` on its standard input.
async fn run_with_stdin(sandbox: &Sandbox, args: &[&str], stdin: &str) -> support_auth::Run {
    let mut command = sandbox.command(args);
    command.stdin(std::process::Stdio::piped());
    let started = std::time::Instant::now();
    let mut child = command.spawn().expect("shopterm runs");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("shopterm finishes within 60 s")
        .expect("shopterm runs");
    support_auth::Run {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        elapsed: started.elapsed(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_logs_in_with_a_password_from_stdin() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let sandbox = Sandbox::new();
    let login = buyer();
    let url = shop_url(&demo);
    let host = demo.base_url.trim_start_matches("http://").to_owned();
    let token_file = sandbox.token_file(&host);
    let mut outputs = Vec::new();

    let refused = run_with_stdin(
        &sandbox,
        &[
            "login",
            &url,
            "--platform",
            "centra",
            "--email",
            &login.email,
            "--password-stdin",
        ],
        "not-the-password\n",
    )
    .await;
    assert!(!refused.status.success(), "{}", refused.all_output());
    assert!(
        refused
            .stderr
            .contains("did not accept this e-mail and password"),
        "{}",
        refused.all_output()
    );
    assert!(!token_file.exists());
    outputs.push(refused.all_output());

    let signed_in = run_with_stdin(
        &sandbox,
        &[
            "login",
            &url,
            "--platform",
            "centra",
            "--email",
            &login.email,
            "--password-stdin",
        ],
        &format!("{}\n", login.password),
    )
    .await;
    assert!(signed_in.status.success(), "{}", signed_in.all_output());
    assert_eq!(
        signed_in.stdout.trim(),
        format!("Signed in to {host} as {}", login.email)
    );
    assert_eq!(mode_of(&token_file), 0o600);
    let (token, refresh) = tokens_in(&token_file);
    assert!(refresh.is_none());
    outputs.push(signed_in.all_output());
    let config = std::fs::read_to_string(sandbox.path("config/config.toml")).unwrap();
    assert!(config.contains("platform = \"centra\""), "{config}");

    let whoami = sandbox.run(&["whoami"]).await;
    assert!(whoami.status.success(), "{}", whoami.all_output());
    assert!(
        whoami.stdout.contains(&format!("<{}>", login.email)),
        "{}",
        whoami.stdout
    );
    assert!(
        whoami.stdout.contains("Access token expires: not said"),
        "{}",
        whoami.stdout
    );
    outputs.push(whoami.all_output());

    let logout = sandbox.run(&["logout"]).await;
    assert!(logout.status.success(), "{}", logout.all_output());
    assert!(
        logout
            .stdout
            .contains("revoked at the shop and deleted here"),
        "{}",
        logout.all_output()
    );
    assert!(!token_file.exists());
    outputs.push(logout.all_output());
    let (_, after) = raw(&demo, "GET", "selection", Some(&token)).await;
    assert!(
        after.get("loggedIn").is_none(),
        "ended at the shop: {after}"
    );

    let whoami = sandbox.run(&["whoami"]).await;
    assert!(!whoami.status.success());
    assert!(whoami.stderr.contains("not signed in"), "{}", whoami.stderr);

    // Neither the token nor the password in any output or in the log (written at trace level).
    let log = std::fs::read_to_string(sandbox.log_file()).expect("a log file");
    assert!(
        log.contains("signed in with a password") && log.contains("session ended at the shop"),
        "the log covers the session"
    );
    let everything = format!("{}\n{log}", outputs.join("\n"));
    assert!(!everything.contains(&token), "the token leaked");
    assert!(!everything.contains(&login.password), "the password leaked");
}
