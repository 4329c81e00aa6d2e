//! The Spryker connector against the demo shop's Glue emulator, over real HTTP on loopback:
//! e-mail + password sign-in, refresh with rotating refresh tokens, sign-out that revokes at the
//! shop, the same token store as browser sign-ins, and the real `shopterm login` on it. The
//! emulator's answers are checked against Spryker's own Glue specification through Prism.

mod common;
#[path = "support/prism.rs"]
mod prism;

use common::{buyer, http, spawn_demo};
use secrecy::{ExposeSecret, SecretString};
use shopterm::auth::session;
use shopterm::auth::store::{TokenIssuer, TokenStore};
use shopterm::auth::{AuthError, StoredTokenSource, TokenSource};
use shopterm::config::Profile;
use shopterm::paths::Paths;
use shopterm::shop::ShopError;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

fn paths(dir: &Path) -> Paths {
    Paths {
        config_dir: dir.join("config"),
        data_dir: dir.join("data"),
        state_dir: dir.join("state"),
    }
}

fn profile(glue: &str) -> Profile {
    let mut profile = Profile::new(Url::parse(glue).unwrap());
    profile.platform = "spryker".into();
    profile
}

fn password(text: &str) -> SecretString {
    SecretString::from(text.to_owned())
}

/// A raw Glue request (what a second client of the shop would send).
async fn post_json(url: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    let response = http().post(url).json(&body).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

async fn refresh_raw(glue: &str, refresh_token: &str) -> (u16, serde_json::Value) {
    post_json(
        &format!("{glue}/refresh-tokens"),
        serde_json::json!({"data": {"type": "refresh-tokens", "attributes": {"refreshToken": refresh_token}}}),
    )
    .await
}

async fn customers_raw(glue: &str, access_token: &str) -> u16 {
    http()
        .get(format!("{glue}/customers"))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Signs the B2B buyer in as `shopterm login` does; the stored tokens.
async fn sign_in_buyer(
    paths: &Paths,
    profile: &Profile,
    client: &reqwest::Client,
) -> shopterm::auth::StoredTokens {
    let login = buyer();
    session::password_sign_in(
        paths,
        "glue",
        profile,
        client,
        &login.email,
        &password(&login.password),
    )
    .await
    .expect("sign-in")
    .tokens
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_stores_tokens_and_reads_the_account() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let glue = format!("{}/spryker", demo.base_url);
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let profile = profile(&glue);
    let client = profile.http_client().unwrap();
    let login = buyer();

    let signed_in = session::password_sign_in(
        &paths,
        "glue",
        &profile,
        &client,
        &login.email,
        &password(&login.password),
    )
    .await
    .expect("sign-in");
    let account = signed_in.account.expect("the account");
    assert_eq!(account.email, login.email);
    assert_eq!(account.id.to_string(), "DE--1");
    assert_eq!(account.first_name, "Katrin");
    assert!(account.created_at.is_some());

    // Stored like a browser sign-in's tokens, with the platform that issued them.
    let file = paths.state_dir.join("tokens/glue.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let stored = TokenStore::new(&paths.state_dir)
        .load("glue")
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.issued_by,
        TokenIssuer::Platform {
            platform: "spryker".into(),
            shop_url: profile.shop_url.clone()
        }
    );
    assert!(stored.refresh_token.is_some());
    assert!(stored.expires_at.is_some());
    assert_eq!(stored.account_email.as_deref(), Some(login.email.as_str()));
    // The password is nowhere in the file.
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains(&login.password));

    // A later process connects with the stored tokens.
    let connection = session::connect(&paths, "glue", &profile).unwrap();
    assert_eq!(connection.shop.account().await.unwrap().email, login.email);
    assert_eq!(connection.shop.platform(), "Spryker");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_is_refused_and_nothing_is_stored() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let glue = format!("{}/spryker", demo.base_url);
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let profile = profile(&glue);
    let client = profile.http_client().unwrap();
    for (email, pass) in [
        (buyer().email, "not-the-password".to_owned()),
        ("nobody@demo.shopterm.example".to_owned(), buyer().password),
    ] {
        let error =
            session::password_sign_in(&paths, "glue", &profile, &client, &email, &password(&pass))
                .await
                .err()
                .expect("refused");
        assert!(
            shopterm::auth::password::is_wrong_credentials(&error),
            "{error:?}"
        );
        // The same words whether the e-mail exists or not, and never the password.
        assert_eq!(
            error.to_string(),
            "the shop did not accept this e-mail and password"
        );
    }
    assert!(
        TokenStore::new(&paths.state_dir)
            .load("glue")
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        session::connect(&paths, "glue", &profile),
        Err(AuthError::Shop(ShopError::NotSignedIn))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_access_token_is_refreshed_and_the_spent_refresh_token_is_dead() {
    let demo = spawn_demo(Duration::from_secs(2)).await;
    let glue = format!("{}/spryker", demo.base_url);
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let profile = profile(&glue);
    let client = profile.http_client().unwrap();
    let first = sign_in_buyer(&paths, &profile, &client).await;
    let first_refresh = first.refresh_token.clone().unwrap();
    tokio::time::sleep(Duration::from_millis(2200)).await;
    // The old access token is refused by the shop now…
    assert_eq!(
        customers_raw(&glue, first.access_token.expose_secret()).await,
        401
    );
    // …but the connector refreshes before using it.
    let connection = session::connect(&paths, "glue", &profile).unwrap();
    assert_eq!(
        connection.shop.account().await.unwrap().email,
        buyer().email
    );
    let second = TokenStore::new(&paths.state_dir)
        .load("glue")
        .unwrap()
        .unwrap();
    assert_ne!(
        second.access_token.expose_secret(),
        first.access_token.expose_secret()
    );
    let second_refresh = second.refresh_token.clone().unwrap();
    assert_ne!(
        second_refresh.expose_secret(),
        first_refresh.expose_secret()
    );
    // Rotation: the spent refresh token is refused with Glue's code for it.
    let (status, body) = refresh_raw(&glue, first_refresh.expose_secret()).await;
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["code"], "004");

    // A token the shop rejects before its expiry (ended elsewhere) is refreshed once, then the
    // request is repeated: the caller never sees the 401.
    let source = Arc::new(
        StoredTokenSource::load(TokenStore::new(&paths.state_dir), "glue", client.clone()).unwrap(),
    );
    let live = source.bearer().await.unwrap();
    assert!(source.token_rejected(&live).await);
    let renewed = source.bearer().await.unwrap();
    assert_ne!(renewed.expose_secret(), live.expose_secret());
    assert_eq!(customers_raw(&glue, renewed.expose_secret()).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_refresh_token_ends_the_session_as_expired() {
    let demo = spawn_demo(Duration::from_secs(1)).await;
    let glue = format!("{}/spryker", demo.base_url);
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let profile = profile(&glue);
    let client = profile.http_client().unwrap();
    let tokens = sign_in_buyer(&paths, &profile, &client).await;
    // Another client spends the refresh token (as a second device would after a leak).
    let (status, _) = refresh_raw(&glue, tokens.refresh_token.unwrap().expose_secret()).await;
    assert_eq!(status, 201);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let connection = session::connect(&paths, "glue", &profile).unwrap();
    assert_eq!(
        connection.shop.account().await.unwrap_err(),
        ShopError::SessionExpired
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_revokes_at_the_shop_and_deletes_the_tokens() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let glue = format!("{}/spryker", demo.base_url);
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let profile = profile(&glue);
    let client = profile.http_client().unwrap();
    let tokens = sign_in_buyer(&paths, &profile, &client).await;
    let report = session::sign_out(&paths, "glue", &client).await.unwrap();
    assert!(report.was_signed_in && report.deleted && report.server_revocation);
    assert!(report.revocation_errors.is_empty(), "{report:?}");
    assert!(!paths.state_dir.join("tokens/glue.json").exists());
    let (status, _) = refresh_raw(&glue, tokens.refresh_token.unwrap().expose_secret()).await;
    assert_eq!(status, 401, "the refresh token still works after sign-out");
    assert_eq!(
        customers_raw(&glue, tokens.access_token.expose_secret()).await,
        401
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_after_the_access_token_expired_still_revokes() {
    let demo = spawn_demo(Duration::from_secs(1)).await;
    let glue = format!("{}/spryker", demo.base_url);
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let profile = profile(&glue);
    let client = profile.http_client().unwrap();
    let tokens = sign_in_buyer(&paths, &profile, &client).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let report = session::sign_out(&paths, "glue", &client).await.unwrap();
    assert!(report.revocation_errors.is_empty(), "{report:?}");
    // Nothing of the session is left at the shop: the stored refresh token was spent to renew
    // the access token for the revocation, and the renewed one was revoked.
    let (status, _) = refresh_raw(&glue, tokens.refresh_token.unwrap().expose_secret()).await;
    assert_eq!(status, 401);
    assert_eq!(demo.state.sessions.live("spryker", 1), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_signs_in_with_a_password_from_stdin_and_out_again() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let glue = format!("{}/spryker", demo.base_url);
    let dir = tempfile::tempdir().unwrap();
    let login = buyer();
    let glue_for = glue.clone();
    let email = login.email.clone();
    let pass = login.password.clone();
    let dir_path = dir.path().to_owned();
    let outputs = tokio::task::spawn_blocking(move || {
        let shopterm = |args: &[&str], stdin: Option<&str>| {
            let mut child = Command::new(env!("CARGO_BIN_EXE_shopterm"))
                .args(args)
                .env("SHOPTERM_CONFIG_DIR", dir_path.join("config"))
                .env("SHOPTERM_DATA_DIR", dir_path.join("data"))
                .env("SHOPTERM_STATE_DIR", dir_path.join("state"))
                .env("NO_COLOR", "1")
                .env("SHOPTERM_LOG", "trace")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let mut input = child.stdin.take().unwrap();
            if let Some(text) = stdin {
                input.write_all(text.as_bytes()).unwrap();
            }
            drop(input);
            let out = child.wait_with_output().unwrap();
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        };
        let wrong = shopterm(
            &[
                "login",
                &glue_for,
                "--platform",
                "spryker",
                "--email",
                &email,
                "--password-stdin",
            ],
            Some("not-it\n"),
        );
        let right = shopterm(
            &[
                "login",
                &glue_for,
                "--platform",
                "spryker",
                "--email",
                &email,
                "--password-stdin",
            ],
            Some(&format!("{pass}\n")),
        );
        // The profile is named after the host and port: the one token file there is.
        let token_path = std::fs::read_dir(dir_path.join("state/tokens"))
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "json"))
            .expect("a token file");
        let tokens = std::fs::read_to_string(token_path).unwrap();
        let whoami = shopterm(&["whoami"], None);
        let account = shopterm(&["account", "--json"], None);
        let logout = shopterm(&["logout"], None);
        let after = shopterm(&["whoami"], None);
        let log = std::fs::read_to_string(dir_path.join("state/shopterm.log")).unwrap_or_default();
        (
            vec![wrong, right, whoami, account, logout, after],
            tokens,
            log,
        )
    })
    .await
    .unwrap();
    let (outputs, token_file, log) = outputs;
    // No token in any output or in the trace-level log.
    let token_file: serde_json::Value = serde_json::from_str(&token_file).unwrap();
    let secrets = [
        token_file["access_token"].as_str().unwrap(),
        token_file["refresh_token"].as_str().unwrap(),
    ];
    assert!(log.contains("signed in with a password"), "{log}");
    for secret in secrets {
        assert!(secret.len() > 16);
        assert!(!log.contains(secret), "a token in the log");
        for (_, out, err) in &outputs {
            assert!(!out.contains(secret) && !err.contains(secret));
        }
    }
    let [wrong, right, whoami, account, logout, after] = &outputs[..] else {
        unreachable!()
    };
    assert_ne!(wrong.0, Some(0));
    assert!(
        wrong.2.contains("did not accept this e-mail and password"),
        "{wrong:?}"
    );
    assert!(!wrong.2.contains("not-it") && !wrong.1.contains("not-it"));
    assert_eq!(right.0, Some(0), "{right:?}");
    assert!(right.1.contains(&login.email), "{right:?}");
    assert_eq!(whoami.0, Some(0), "{whoami:?}");
    assert!(whoami.1.contains("DE--1") && whoami.1.contains(&login.email));
    assert!(whoami.1.contains("Refresh token: yes"), "{whoami:?}");
    assert_eq!(account.0, Some(0), "{account:?}");
    let json: serde_json::Value = serde_json::from_str(&account.1).unwrap();
    assert_eq!(json["email"], login.email.as_str());
    assert_eq!(logout.0, Some(0), "{logout:?}");
    assert!(logout.1.contains("revoked"), "{logout:?}");
    assert_ne!(after.0, Some(0), "{after:?}");
    assert!(after.2.contains("not signed in"), "{after:?}");
    // The profile remembers the platform.
    let config = std::fs::read_to_string(dir.path().join("config/config.toml")).unwrap();
    assert!(config.contains("platform = \"spryker\""), "{config}");
    for (_, out, err) in &outputs {
        assert!(!out.contains(&login.password) && !err.contains(&login.password));
    }
}

/// Every request the connector sends and every answer the emulator gives, checked against
/// Spryker's Glue specification (tests/specs/spryker) by Prism's validating proxy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emulator_and_the_connector_follow_the_glue_specification() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let upstream = format!("{}/spryker", demo.base_url);
    let spec = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/specs/spryker/spryker_rest_api.schema.yml"
    ));
    let proxy = tokio::task::spawn_blocking(move || prism::Prism::start(spec, &upstream))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let profile = profile(&proxy.base_url);
    let client = profile.http_client().unwrap();
    let login = buyer();

    let wrong = session::password_sign_in(
        &paths,
        "glue",
        &profile,
        &client,
        &login.email,
        &password("nope"),
    )
    .await;
    assert!(matches!(wrong, Err(AuthError::WrongCredentials(_))));
    let signed_in = session::password_sign_in(
        &paths,
        "glue",
        &profile,
        &client,
        &login.email,
        &password(&login.password),
    )
    .await
    .expect("sign-in through Prism");
    assert!(signed_in.account.is_ok(), "{:?}", signed_in.account);
    // A refresh and a rejected token, through the connector's own path.
    let source =
        StoredTokenSource::load(TokenStore::new(&paths.state_dir), "glue", client.clone()).unwrap();
    let live = source.bearer().await.unwrap();
    assert!(source.token_rejected(&live).await);
    let refreshed = source.bearer().await.unwrap();
    // Glue's customer resource by reference, and its errors.
    let by_reference = http()
        .get(format!("{}/customers/DE--1", proxy.base_url))
        .bearer_auth(refreshed.expose_secret())
        .send()
        .await
        .unwrap();
    assert_eq!(by_reference.status(), 200);
    let foreign = http()
        .get(format!("{}/customers/DE--2", proxy.base_url))
        .bearer_auth(refreshed.expose_secret())
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    let report = session::sign_out(&paths, "glue", &client).await.unwrap();
    assert!(report.revocation_errors.is_empty(), "{report:?}");
    // Without a token, Glue's 403 "002" (straight to the emulator: Prism refuses such a
    // request itself, as the description requires a bearer token).
    let anonymous = http()
        .get(format!("{}/spryker/customers", demo.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 403);
    let body: serde_json::Value = anonymous.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "002");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        proxy.forwarded() >= 7,
        "only {} requests went through Prism",
        proxy.forwarded()
    );
    proxy.assert_no_violations();
}
