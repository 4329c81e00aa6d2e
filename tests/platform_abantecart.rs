//! The AbanteCart connector against the demo shop's AbanteCart emulator (`/abantecart`), over
//! real loopback HTTP: password sign-in through the library and through the `shopterm` binary,
//! the account, a refused password, sign-out ending the session at the shop, a session that runs
//! out, paging through the order history, editing the account (and a refused edit, per field),
//! and the emulator answering the way AbanteCart's controllers do.
//!
//! What every password platform does alike (the account after sign-in, a refused password
//! storing nothing, sign-out ending the session) is checked once for all in
//! tests/platform_contract.rs; this file keeps what is particular to this platform.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use secrecy::{ExposeSecret, SecretString};
use shopterm::auth::password::is_wrong_credentials;
use shopterm::auth::{AuthError, TokenStore};
use shopterm::config::Profile;
use shopterm::connection;
use shopterm::demo::RunningDemo;
use shopterm::demo::emulators::abantecart::HISTORY_PAGE_SIZE;
use shopterm::model::{Account, OrderNumber, OrderStatus, OrderSummary, PageRequest};
use shopterm::paths::Paths;
use shopterm::shop::{Feature, Shop, ShopError};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use support::demo::{buyer, http, newcomer, spawn_demo};
use support::sandbox::{mode_of, paths};
use tokio::io::AsyncWriteExt;
use url::Url;

const PROFILE: &str = "abante";

fn shop_url(demo: &RunningDemo) -> String {
    format!("{}/abantecart", demo.base_url)
}

fn profile(demo: &RunningDemo) -> Profile {
    let mut profile = Profile::new(Url::parse(&shop_url(demo)).unwrap());
    profile.platform = shopterm::platforms::PlatformId::AbanteCart;
    profile
}

fn token_file(paths: &Paths, profile: &str) -> PathBuf {
    paths
        .state_dir
        .join("tokens")
        .join(format!("{profile}.json"))
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

async fn sign_in_buyer(
    paths: &Paths,
    profile: &Profile,
) -> Result<connection::SignedIn, AuthError> {
    let login = buyer();
    let http = profile.http_client().unwrap();
    connection::password_sign_in(
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
async fn sign_in_reads_the_account_with_its_phone_and_stores_the_shops_own_session() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let (key, expected) = buyer_in_store(&demo).await;
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let profile = profile(&demo);

    let signed_in = sign_in_buyer(&paths, &profile).await.unwrap();
    let account = signed_in
        .account
        .expect("the account is read after sign-in");
    assert_eq!(account.email, expected.email);
    assert_eq!(account.first_name, expected.first_name);
    assert_eq!(account.last_name, expected.last_name);
    assert_eq!(account.id.to_string(), key.to_string());
    // From the account form, as `a/account/account` does not give it.
    assert!(expected.phone.is_some());
    assert_eq!(account.phone, expected.phone);

    // Stored as the shop's own session: no refresh token, no known expiry, the customer's key.
    // (What every password platform stores is in tests/platform_contract.rs.)
    let stored = TokenStore::new(&paths.state_dir)
        .load(PROFILE)
        .unwrap()
        .expect("tokens are stored");
    assert!(stored.refresh_token.is_none());
    assert!(stored.expires_at.is_none());
    assert_eq!(stored.account_id.as_deref(), Some(key.to_string().as_str()));
    let token = stored.access_token.expose_secret().to_owned();
    let (status, check) = token_check(&demo, &token).await;
    assert_eq!((status, &check["request"]), (200, &"authorized".into()));

    // A new connection from the stored tokens reads the account too.
    let connection = connection::connect(&paths, PROFILE, &profile).unwrap();
    let again = connection.shop.account().await.unwrap();
    assert_eq!(again, account);
    // The history and the account form are connected; the API has nothing more.
    let capabilities = connection.shop.capabilities();
    assert!(capabilities.supports(Feature::OrderHistory));
    assert!(capabilities.supports(Feature::EditAccount));
    for missing in [
        Feature::OrderDetail,
        Feature::Shipments,
        Feature::ChangePassword,
        Feature::ForgottenPassword,
        Feature::ResetPassword,
        Feature::Addresses,
        Feature::AddressBook,
        Feature::OrderSearch,
    ] {
        assert!(!capabilities.supports(missing), "{missing:?}");
    }
    assert!(matches!(
        connection.shop.addresses().await,
        Err(ShopError::Unsupported(_))
    ));
    assert_eq!(
        connection.shop.order(&OrderNumber::from("1")).await,
        Err(ShopError::Unsupported(Feature::OrderDetail))
    );
}

/// A signed-in connection for the buyer.
async fn buyer_shop(demo: &RunningDemo, dir: &Path) -> Arc<dyn Shop> {
    let paths = paths(dir);
    let profile = profile(demo);
    sign_in_buyer(&paths, &profile).await.unwrap();
    connection::connect(&paths, PROFILE, &profile).unwrap().shop
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_pages_past_the_shops_first_page() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let (key, _) = buyer_in_store(&demo).await;
    let dir = tempfile::tempdir().unwrap();
    let shop = buyer_shop(&demo, dir.path()).await;

    // The store's own newest 45 orders, and how many lines each has.
    let expected = demo
        .state
        .with_store(move |s| {
            let page = s.orders(key, &PageRequest::first(45))?;
            let mut lines = Vec::new();
            for order in &page.items {
                lines.push(s.order(key, &order.number)?.lines.len() as u32);
            }
            Ok((page, lines))
        })
        .await
        .unwrap();
    let (expected, lines) = expected;
    let total = expected.total.expect("the store counts the orders");
    assert!(total > 45, "the buyer has {total} orders");

    // Pages of 10 across the shop's pages of 18: offsets 0, 10, 20, 30, 40.
    let mut request = PageRequest::first(10);
    let mut seen: Vec<OrderSummary> = Vec::new();
    while seen.len() < 45 {
        let page = shop.orders(&request).await.unwrap();
        assert_eq!(page.offset, request.offset);
        assert_eq!(page.total, Some(total));
        assert!(page.has_more);
        assert!(
            !page.items.is_empty() && page.items.len() <= 10,
            "{}",
            page.items.len()
        );
        request = request.next(page.items.len());
        seen.extend(page.items);
    }
    assert!(seen.len() > HISTORY_PAGE_SIZE as usize * 2);
    for ((got, want), lines) in seen.iter().zip(&expected.items).zip(&lines) {
        // AbanteCart's order id is the number without the demo's prefix.
        assert_eq!(
            format!("SO-{}", got.number),
            want.number.to_string(),
            "{got:?}"
        );
        assert_eq!(
            got.placed_at.date(),
            want.placed_at.to_offset(time::UtcOffset::UTC).date()
        );
        assert_eq!(got.total, want.total.rounded(), "{}", got.number);
        // Through AbanteCart's status names ("Completed", "Canceled", …) and back.
        assert_eq!(got.status, want.status, "{}", got.number);
        if want.status != OrderStatus::Other {
            assert!(!got.status_label.is_empty());
        }
        assert_eq!(got.item_count, *lines, "{}", got.number);
    }
    let currencies: std::collections::BTreeSet<_> =
        seen.iter().map(|o| o.total.currency.to_string()).collect();
    // Both currencies of the buyer came through: `1,234.50€`, and `SEK 1,234.50`.
    assert_eq!(currencies.into_iter().collect::<Vec<_>>(), ["EUR", "SEK"]);

    // The end of the history.
    let tail = shop
        .orders(&PageRequest {
            offset: total - 3,
            ..PageRequest::first(10)
        })
        .await
        .unwrap();
    assert_eq!(tail.items.len(), 3);
    assert!(!tail.has_more);

    // No filtering at the shop.
    let mut filtered = PageRequest::first(10);
    filtered.filter.search = Some("6204".into());
    assert_eq!(
        shop.orders(&filtered).await,
        Err(ShopError::Unsupported(Feature::OrderSearch))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_the_account_saves_and_reads_back() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let (key, before) = buyer_in_store(&demo).await;
    let dir = tempfile::tempdir().unwrap();
    let shop = buyer_shop(&demo, dir.path()).await;

    let account = shop.account().await.unwrap();
    let mut draft = account.to_draft();
    assert_eq!(draft.phone, before.phone);
    draft.phone = Some("+49 30 1234 5678".into());
    // Escaped by the shop on the way in, unescaped by the connector on the way out.
    draft.last_name = "Vogel & Söhne".into();
    let saved = shop.update_account(&draft).await.unwrap();
    assert_eq!(saved.phone.as_deref(), Some("+49 30 1234 5678"));
    assert_eq!(saved.last_name, "Vogel & Söhne");
    assert_eq!(saved.first_name, before.first_name);
    assert_eq!(saved.email, before.email);
    assert_eq!(shop.account().await.unwrap(), saved);
    let stored = demo
        .state
        .with_store(move |s| s.account(key))
        .await
        .unwrap();
    assert_eq!(stored.phone.as_deref(), Some("+49 30 1234 5678"));
    assert_eq!(stored.last_name, "Vogel & Söhne");
    // What AbanteCart has no place for in the account is left alone.
    assert_eq!(stored.company, before.company);

    // No telephone is allowed by the form.
    draft.phone = None;
    assert_eq!(shop.update_account(&draft).await.unwrap().phone, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_edit_is_a_validation_error_per_field() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let (key, before) = buyer_in_store(&demo).await;
    let dir = tempfile::tempdir().unwrap();
    let shop = buyer_shop(&demo, dir.path()).await;
    let account = shop.account().await.unwrap();

    let mut draft = account.to_draft();
    draft.first_name = "K".repeat(33);
    let error = shop.update_account(&draft).await.unwrap_err();
    let ShopError::Validation { message, fields } = error else {
        panic!("{error:?}");
    };
    assert_eq!(
        message,
        "Oops, there is an error with information provided!"
    );
    assert_eq!(fields.len(), 1, "{fields:?}");
    assert_eq!(fields[0].field, "first_name");
    assert_eq!(
        fields[0].message,
        "First Name must be between 1 and 32 characters!"
    );

    // 30 characters, 34 once AbanteCart has escaped the `&`: too long for the shop.
    draft.first_name = "Katrin".into();
    draft.last_name = format!("{}&{}", "V".repeat(15), "W".repeat(14));
    draft.phone = Some("call me".into());
    draft.email = "not an e-mail".into();
    let error = shop.update_account(&draft).await.unwrap_err();
    let ShopError::Validation { fields, .. } = error else {
        panic!("{error:?}");
    };
    let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(names, ["last_name", "email", "phone"]);

    // The company is not part of an AbanteCart account.
    let mut draft = account.to_draft();
    draft.company = Some("Elsewhere GmbH".into());
    assert!(matches!(
        shop.update_account(&draft).await,
        Err(ShopError::Validation { fields, .. }) if fields[0].field == "company"
    ));

    let after = demo
        .state
        .with_store(move |s| s.account(key))
        .await
        .unwrap();
    assert_eq!(after, before, "nothing was saved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_login_name_is_refused_and_nothing_is_stored() {
    // AbanteCart signs in with an e-mail or a login name; a wrong e-mail is in the contract suite.
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let profile = profile(&demo);
    let http = profile.http_client().unwrap();
    let wrong = SecretString::from("not-the-password-4711");
    let error =
        connection::password_sign_in(&paths, PROFILE, &profile, &http, "nosuchlogin", &wrong)
            .await
            .err()
            .expect("an unknown login name signs in");
    assert!(is_wrong_credentials(&error), "{error:?}");
    assert!(!error.to_string().contains("not-the-password"), "{error}");
    assert!(!token_file(&paths, PROFILE).exists());
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

    // The sign-out report and the deleted tokens: tests/platform_contract.rs. Here: what the
    // shop answers to the ended session, as AbanteCart words it.
    let http = profile.http_client().unwrap();
    connection::sign_out(&paths, PROFILE, &http).await.unwrap();
    let (status, check) = token_check(&demo, &token).await;
    assert_eq!(status, 401, "{check}");
    assert_eq!(check["request"], "unauthorized");
    assert_eq!(check["status"], 0);
    let (status, answer) = raw(&demo, "a/account/account", &[("token", &token)]).await;
    assert_eq!(status, 401);
    assert_eq!(answer["error"], "Not logged in or Login attempt failed!");
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
    let connection = connection::connect(&paths, PROFILE, &profile).unwrap();
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

    // The history: the shop's page size, the page asked for, every number as 1.2's text.
    let (status, history) = raw(
        &demo,
        "a/account/history",
        &[("token", &token), ("page", "2"), ("limit", "5")],
    )
    .await;
    assert_eq!(status, 200, "{history}");
    assert_eq!(history["limit"], HISTORY_PAGE_SIZE.to_string());
    assert_eq!(history["page"], "2");
    assert!(history["total_orders"].as_str().is_some(), "{history}");
    let orders = history["orders"].as_array().expect("orders");
    assert_eq!(orders.len(), HISTORY_PAGE_SIZE as usize);
    let row = orders[0].as_object().unwrap();
    let keys: Vec<&str> = row.keys().map(String::as_str).collect();
    let mut expected_keys = [
        "order_id",
        "name",
        "status",
        "date_added",
        "products",
        "total",
    ];
    expected_keys.sort_unstable();
    assert_eq!(keys, expected_keys);
    assert!(
        row["order_id"]
            .as_str()
            .unwrap()
            .chars()
            .all(|c| c.is_ascii_digit()),
        "{row:?}"
    );
    let date = row["date_added"].as_str().unwrap();
    assert_eq!(
        (date.len(), &date[2..3], &date[5..6]),
        (10, "/", "/"),
        "{date}"
    );
    let (status, first) = raw(&demo, "a/account/history", &[("token", &token)]).await;
    assert_eq!(status, 200);
    assert_eq!(first["page"], 1);
    assert_ne!(first["orders"][0], history["orders"][0]);

    // The account form: a `GET` with the token in the query, as AbanteCart's documentation
    // shows it (the connector itself never does that).
    let response = http()
        .get(format!(
            "{}/index.php?rt=a/account/edit&token={token}",
            shop_url(&demo)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let form: serde_json::Value = response.json().await.unwrap();
    assert_eq!(form["fields"]["email"]["value"], login.email.as_str());
    assert_eq!(
        form["fields"]["firstname"]["error"],
        serde_json::Value::Null
    );
    assert_eq!(
        form["fields"]["telephone"]["required"],
        serde_json::Value::Null
    );
    assert!(form["fields"]["telephone"].get("required").is_none());
    assert!(form["fields"]["fax"].get("error").is_none());
    assert_eq!(form["fields"]["newsletter"]["type"], "selectbox");
    assert!(form.get("status").is_none(), "{form}");
    // A `POST` with no fields is refused and answers the same form, with 200.
    let (status, refused) = raw(&demo, "a/account/edit", &[("token", &token)]).await;
    assert_eq!(status, 200, "{refused}");
    assert_eq!(refused["status"], 0);
    assert_eq!(refused["error_firstname"], messages_firstname());
    assert_eq!(refused["error_telephone"], serde_json::Value::Null);
    assert_eq!(refused["fields"]["telephone"], form["fields"]["telephone"]);
    assert_eq!(refused["fields"]["email"]["value"], login.email.as_str());
    // Methods a controller does not have: 405 without a body.
    let response = http()
        .get(format!(
            "{}/index.php?rt=a/account/history",
            shop_url(&demo)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert!(response.bytes().await.unwrap().is_empty());
    let (status, answer) = raw(&demo, "a/account/history", &[]).await;
    assert_eq!(status, 401);
    assert_eq!(answer["error"], "Not logged in or Login attempt failed!");
    let (status, answer) = raw(&demo, "a/account/edit", &[("token", "nope")]).await;
    assert_eq!(status, 401);
    assert_eq!(answer["error"], "Not logged in or Login attempt failed!");

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

fn messages_firstname() -> &'static str {
    shopterm::platforms::abantecart::wire::messages::FIRSTNAME_ERROR
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_without_orders_has_an_empty_history() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let login = newcomer();
    let (status, answer) = raw(
        &demo,
        "a/account/login",
        &[("email", &login.email), ("password", &login.password)],
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let token = answer["token"].as_str().expect("a token").to_owned();
    let (status, history) = raw(&demo, "a/account/history", &[("token", &token)]).await;
    assert_eq!(status, 200);
    assert_eq!(
        history,
        serde_json::json!({"orders": [], "total_orders": 0})
    );
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

    // The history through the CLI, across the shop's pages of 18.
    let run = shopterm(dir.path(), &["orders", "--limit", "25", "--json"], "").await;
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    let orders: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout));
    let orders = orders.as_array().expect("an array of orders");
    assert_eq!(orders.len(), 25);
    let mut numbers: Vec<u64> = orders
        .iter()
        .map(|o| {
            o["number"]
                .as_str()
                .and_then(|n| n.parse().ok())
                .expect("a number")
        })
        .collect();
    numbers.dedup();
    assert_eq!(numbers.len(), 25, "no order twice");
    outputs.push(format!("{}{}", run.stdout, run.stderr));
    let run = shopterm(dir.path(), &["orders", "--search", "6204"], "").await;
    assert!(!run.success);
    assert!(run.stderr.contains("searching orders"), "{}", run.stderr);

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
