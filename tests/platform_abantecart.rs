//! The AbanteCart connector against the demo shop's AbanteCart emulator (`/abantecart`), over
//! real loopback HTTP: password sign-in through the library and through the `shopterm` binary,
//! the account, a refused password, sign-out ending the session at the shop, a session that runs
//! out, and the emulator answering the way AbanteCart's controllers do.

mod common;

use common::{buyer, http, spawn_demo};
use secrecy::{ExposeSecret, SecretString};
use shopterm::auth::password::is_wrong_credentials;
use shopterm::auth::session;
use shopterm::auth::store::TokenIssuer;
use shopterm::auth::{AuthError, TokenStore};
use shopterm::config::Profile;
use shopterm::demo::RunningDemo;
use shopterm::model::Account;
use shopterm::paths::Paths;
use shopterm::shop::{Feature, ShopError};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use url::Url;

const PROFILE: &str = "abante";

fn paths(dir: &Path) -> Paths {
    Paths {
        config_dir: dir.join("config"),
        data_dir: dir.join("data"),
        state_dir: dir.join("state"),
    }
}

fn shop_url(demo: &RunningDemo) -> String {
    format!("{}/abantecart", demo.base_url)
}

fn profile(demo: &RunningDemo) -> Profile {
    let mut profile = Profile::new(Url::parse(&shop_url(demo)).unwrap());
    profile.platform = "abantecart".into();
    profile
}

fn token_file(paths: &Paths, profile: &str) -> PathBuf {
    paths
        .state_dir
        .join("tokens")
        .join(format!("{profile}.json"))
}

fn mode_of(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The demo store's own record of the buyer, and their key (AbanteCart's `customer_id`).
async fn buyer_in_store(demo: &RunningDemo) -> (i64, Account) {
    let login = buyer();
    demo.state
        .with_store(move |s| {
            let key = s
                .verify_password(&login.email, &login.password)?
                .expect("the buyer's password is right");
            Ok((key, s.account(key)?))
        })
        .await
        .unwrap()
}

/// One raw API request: `POST /abantecart/index.php?rt={route}` with `form`. The status and the
/// JSON answer.
async fn raw(demo: &RunningDemo, route: &str, form: &[(&str, &str)]) -> (u16, serde_json::Value) {
    let response = http()
        .post(format!("{}/index.php?rt={route}", shop_url(demo)))
        .form(form)
        .send()
        .await
        .expect("the emulator answers");
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap();
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&body)));
    (status, json)
}

/// AbanteCart's session check: `rt=a/account/login` with `token` only.
async fn token_check(demo: &RunningDemo, token: &str) -> (u16, serde_json::Value) {
    raw(demo, "a/account/login", &[("token", token)]).await
}

async fn sign_in_buyer(paths: &Paths, profile: &Profile) -> Result<session::SignedIn, AuthError> {
    let login = buyer();
    let http = profile.http_client().unwrap();
    session::password_sign_in(
        paths,
        PROFILE,
        profile,
        &http,
        &login.email,
        &SecretString::from(login.password),
    )
    .await
}

fn stored_token(paths: &Paths) -> String {
    TokenStore::new(&paths.state_dir)
        .load(PROFILE)
        .unwrap()
        .expect("tokens are stored")
        .access_token
        .expose_secret()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_stores_the_session_and_reads_the_account() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let (key, expected) = buyer_in_store(&demo).await;
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let profile = profile(&demo);

    let signed_in = sign_in_buyer(&paths, &profile).await.unwrap();
    let account = signed_in
        .account
        .expect("the account is read after sign-in");
    assert_eq!(account.email, buyer().email);
    assert_eq!(account.email, expected.email);
    assert_eq!(account.first_name, expected.first_name);
    assert_eq!(account.last_name, expected.last_name);
    assert!(!account.first_name.is_empty());
    assert_eq!(account.id.to_string(), key.to_string());
    assert_eq!(account.phone, None);

    // Stored in a 0600 file, as the shop's own session: no refresh token, no known expiry.
    let file = token_file(&paths, PROFILE);
    assert_eq!(mode_of(&file), 0o600);
    let stored = TokenStore::new(&paths.state_dir)
        .load(PROFILE)
        .unwrap()
        .expect("tokens are stored");
    assert!(stored.refresh_token.is_none());
    assert!(stored.expires_at.is_none());
    assert_eq!(
        stored.account_email.as_deref(),
        Some(expected.email.as_str())
    );
    assert_eq!(stored.account_id.as_deref(), Some(key.to_string().as_str()));
    match &stored.issued_by {
        TokenIssuer::Platform { platform, shop_url } => {
            assert_eq!(platform, "abantecart");
            assert_eq!(shop_url, &profile.shop_url);
        }
        other => panic!("tokens issued by {other:?}"),
    }
    let token = stored.access_token.expose_secret().to_owned();
    let (status, check) = token_check(&demo, &token).await;
    assert_eq!((status, &check["request"]), (200, &"authorized".into()));

    // A new connection from the stored tokens reads the account too.
    let connection = session::connect(&paths, PROFILE, &profile).unwrap();
    assert_eq!(connection.shop.platform(), "AbanteCart");
    let again = connection.shop.account().await.unwrap();
    assert_eq!(again, account);
    // Nothing else is connected yet.
    assert!(
        !connection
            .shop
            .capabilities()
            .supports(Feature::OrderHistory)
    );
    assert!(matches!(
        connection.shop.addresses().await,
        Err(ShopError::Unsupported(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_refused_and_nothing_is_stored() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let profile = profile(&demo);
    let http = profile.http_client().unwrap();
    let wrong = SecretString::from("not-the-password-4711");

    for login in [buyer().email, "nosuchlogin".to_owned()] {
        let error = session::password_sign_in(&paths, PROFILE, &profile, &http, &login, &wrong)
            .await
            .err()
            .unwrap_or_else(|| panic!("{login} signed in with a wrong password"));
        assert!(
            matches!(error, AuthError::WrongCredentials(_)),
            "{login}: {error:?}"
        );
        assert!(is_wrong_credentials(&error));
        assert!(!error.to_string().contains("not-the-password"), "{error}");
    }
    assert!(!token_file(&paths, PROFILE).exists());
    assert!(
        TokenStore::new(&paths.state_dir)
            .load(PROFILE)
            .unwrap()
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_ends_the_session_at_the_shop() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let profile = profile(&demo);
    sign_in_buyer(&paths, &profile).await.unwrap();
    let token = stored_token(&paths);
    assert_eq!(token_check(&demo, &token).await.0, 200);

    let http = profile.http_client().unwrap();
    let report = session::sign_out(&paths, PROFILE, &http).await.unwrap();
    assert!(report.was_signed_in);
    assert!(report.server_revocation);
    assert!(report.revocation_errors.is_empty(), "{report:?}");
    assert!(report.deleted);
    assert!(!token_file(&paths, PROFILE).exists());

    let (status, check) = token_check(&demo, &token).await;
    assert_eq!(status, 401, "{check}");
    assert_eq!(check["request"], "unauthorized");
    assert_eq!(check["status"], 0);
    let (status, answer) = raw(&demo, "a/account/account", &[("token", &token)]).await;
    assert_eq!(status, 401);
    assert_eq!(answer["error"], "Not logged in or Login attempt failed!");

    // Signing out again: nothing to do, and no error.
    let report = session::sign_out(&paths, PROFILE, &http).await.unwrap();
    assert!(!report.was_signed_in);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ended_session_is_session_expired_with_no_refresh() {
    let demo = spawn_demo(Duration::from_secs(1)).await;
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let profile = profile(&demo);
    let signed_in = sign_in_buyer(&paths, &profile).await.unwrap();
    assert!(signed_in.account.is_ok(), "{:?}", signed_in.account.err());
    let token = stored_token(&paths);

    tokio::time::sleep(Duration::from_millis(1500)).await;
    let connection = session::connect(&paths, PROFILE, &profile).unwrap();
    assert_eq!(
        connection.shop.account().await,
        Err(ShopError::SessionExpired)
    );
    assert_eq!(token_check(&demo, &token).await.0, 401);
    // The stored session stays as it was: there was nothing to renew it with.
    assert_eq!(stored_token(&paths), token);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emulator_answers_like_abantecart() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let login = buyer();

    for route in ["a/account/nothing", ""] {
        let (status, answer) = raw(&demo, route, &[]).await;
        assert_eq!(status, 401, "{route}: {answer}");
        assert_eq!(answer["error"], "Requested Route was not found!");
    }
    let (status, answer) = raw(&demo, "a/account/account", &[]).await;
    assert_eq!(status, 401);
    assert_eq!(answer["error"], "Not logged in or Login attempt failed!");

    let (status, answer) = raw(
        &demo,
        "a/account/login",
        &[("loginname", &login.email), ("password", "wrong")],
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(
        answer,
        serde_json::json!({"status": 0, "error": "Login attempt failed!"})
    );

    // The e-mail in `loginname` works as well as in `email` (the demo's logins are e-mails).
    let (status, answer) = raw(
        &demo,
        "a/account/login",
        &[("loginname", &login.email), ("password", &login.password)],
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], 1);
    assert_eq!(answer["success"], "Logged in");
    let token = answer["token"].as_str().expect("a token").to_owned();

    let (status, account) = raw(&demo, "a/account/account", &[("token", &token)]).await;
    assert_eq!(status, 200, "{account}");
    assert_eq!(account["title"], "My Account");
    assert_eq!(account["email"], login.email.as_str());
    assert!(account["customer_id"].is_string(), "{account}");
    assert_eq!(account["information"], "a/account/edit");

    let (status, answer) = raw(&demo, "a/account/logout", &[("token", &token)]).await;
    assert_eq!(status, 200);
    assert_eq!(
        answer,
        serde_json::json!({"status": 1, "success": "Logged out"})
    );
    let (status, answer) = raw(&demo, "a/account/logout", &[("token", &token)]).await;
    assert_eq!(status, 401);
    assert_eq!(answer["error"], "Not logged in logout attempt failed!");
}

/// The output of one `shopterm` run.
struct Run {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Runs the real binary with its directories in `dir`, `stdin` on its standard input.
async fn shopterm(dir: &Path, args: &[&str], stdin: &str) -> Run {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_shopterm"))
        .args(args)
        .env("SHOPTERM_CONFIG_DIR", dir.join("config"))
        .env("SHOPTERM_DATA_DIR", dir.join("data"))
        .env("SHOPTERM_STATE_DIR", dir.join("state"))
        .env("SHOPTERM_LOG", "trace")
        .env("NO_COLOR", "1")
        .env_remove("BROWSER")
        .env_remove("SSL_CERT_FILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("shopterm runs");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("shopterm finishes within 60 s")
        .expect("shopterm runs");
    Run {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_signs_in_shows_the_account_and_signs_out() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let login = buyer();
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let host = demo.base_url.trim_start_matches("http://").to_owned();
    let mut outputs = Vec::new();

    let url = shop_url(&demo);
    let args = [
        "login",
        url.as_str(),
        "--platform",
        "abantecart",
        "--email",
        login.email.as_str(),
        "--password-stdin",
    ];
    let run = shopterm(dir.path(), &args, &format!("{}\n", login.password)).await;
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout.trim(),
        format!("Signed in to {host} as {}", login.email)
    );
    outputs.push(format!("{}{}", run.stdout, run.stderr));
    let file = token_file(&paths, &host);
    assert_eq!(mode_of(&file), 0o600);
    let token = TokenStore::new(&paths.state_dir)
        .load(&host)
        .unwrap()
        .expect("tokens are stored")
        .access_token
        .expose_secret()
        .to_owned();
    assert_eq!(token_check(&demo, &token).await.0, 200);
    let config = std::fs::read_to_string(paths.config_dir.join("config.toml")).unwrap();
    assert!(config.contains("platform = \"abantecart\""), "{config}");

    let run = shopterm(dir.path(), &["whoami"], "").await;
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!("<{}>", login.email)),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Session: lasts until the shop ends it"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("(abantecart)"), "{}", run.stdout);
    outputs.push(format!("{}{}", run.stdout, run.stderr));

    let run = shopterm(dir.path(), &["logout"], "").await;
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("tokens revoked at the shop"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    outputs.push(format!("{}{}", run.stdout, run.stderr));
    assert!(!file.exists());
    assert_eq!(token_check(&demo, &token).await.0, 401);

    // Neither the password nor the token shows in any output or in the log.
    let log = std::fs::read_to_string(paths.state_dir.join("shopterm.log")).unwrap_or_default();
    assert!(log.contains("signed in with a password"), "{log}");
    outputs.push(log);
    for output in &outputs {
        assert!(!output.contains(&token), "the token leaked: {output}");
        assert!(
            !output.contains(&login.password),
            "the password leaked: {output}"
        );
    }
}
