//! Interop with an independent, certified authorization server: oidc-provider 9.13 (npm, in
//! tests/peers) with a native public client, PKCE required, refresh tokens and revocation.
//! The library's own flow signs in over a real loopback redirect (this test plays the browser
//! through oidc-provider's sign-in and consent pages), then refreshes, then signs out.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use secrecy::{ExposeSecret, SecretString};
use shopterm::auth::discovery::discover;
use shopterm::auth::{
    AuthError, BrowserSignIn, DeviceSignIn, OAuthEndpoints, StoredTokenSource, TokenSource,
    TokenStore, flow,
};
use shopterm::connection;
use shopterm::platforms::password_sign_in;
use std::time::Duration;
use support::browser::*;
use support::oidc::*;
use support::sandbox::*;
use tokio_util::sync::CancellationToken;

/// The account's `sub` from the userinfo endpoint, or the HTTP status it answered.
async fn userinfo(
    http: &reqwest::Client,
    issuer: &url::Url,
    token: &SecretString,
) -> Result<String, u16> {
    let response = http
        .get(issuer.join("/me").unwrap())
        .bearer_auth(token.expose_secret())
        .send()
        .await
        .expect("userinfo request");
    if !response.status().is_success() {
        return Err(response.status().as_u16());
    }
    let json: serde_json::Value = response.json().await.expect("userinfo JSON");
    Ok(json["sub"].as_str().unwrap_or_default().to_owned())
}

fn person(login: &str) -> Person {
    Person {
        fill: vec![
            ("login".into(), login.into()),
            ("password".into(), "any password".into()),
        ],
        press: None,
    }
}

async fn browser_sign_in(
    http: &reqwest::Client,
    endpoints: OAuthEndpoints,
    login: &str,
) -> shopterm::auth::TokenSet {
    let prompt = endpoints.prompt.clone();
    let sign_in = BrowserSignIn::start(http.clone(), endpoints, "oidc-provider")
        .await
        .expect("sign-in starts");
    let authorize_url = sign_in.authorize_url().clone();
    let redirect_prefix = sign_in.redirect_uri().to_string();
    assert!(redirect_prefix.starts_with("http://127.0.0.1:"));
    let param = |name: &str| support::oauth::query_param(&authorize_url, name);
    assert_eq!(param("code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(param("client_id").as_deref(), Some("shopterm"));
    assert!(param("state").is_some_and(|s| s.len() >= 16));
    assert_eq!(param("prompt"), prompt);
    let login = login.to_owned();
    let browser = tokio::spawn(async move {
        let browser = browser_client();
        let callback =
            walk_to_redirect(&browser, &authorize_url, &person(&login), &redirect_prefix)
                .await
                .expect("the browser reaches the callback");
        visit(&browser, &callback).await.expect("callback answered")
    });
    let tokens = sign_in
        .finish(Duration::from_secs(60), CancellationToken::new())
        .await
        .expect("sign-in succeeds");
    let (status, page) = browser.await.expect("browser task");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Signed in to oidc-provider"), "{page}");
    tokens
}

/// oidc-provider started, and its metadata as shopterm discovers it.
async fn discovered() -> (
    OidcServer,
    reqwest::Client,
    shopterm::auth::discovery::ServerMetadata,
) {
    let server = OidcServer::start();
    let http = shopterm::net::http_client(None).expect("HTTP client");
    let metadata = discover(&http, &server.issuer).await.expect("discovery");
    (server, http, metadata)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_refresh_and_sign_out_against_oidc_provider() {
    let (server, http, metadata) = discovered().await;
    assert!(metadata.revocation_endpoint.is_some());
    assert!(metadata.authorization_response_iss_parameter_supported);
    let endpoints = OAuthEndpoints::from_metadata(&metadata, "shopterm", None);
    assert_eq!(endpoints.scopes, vec!["openid", "offline_access"]);

    let tokens = browser_sign_in(&http, endpoints.clone(), "alice").await;
    let first_refresh = tokens.refresh_token.clone().expect("a refresh token");
    assert!(tokens.expires_at.is_some());
    assert_eq!(
        userinfo(&http, &server.issuer, &tokens.access_token).await,
        Ok("alice".into())
    );

    // Store as `shopterm login` does, then use the token source.
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let store = TokenStore::new(&paths.state_dir);
    let stored = stored_as_login_does(&tokens, &endpoints);
    store.save("oidc", &stored).unwrap();
    let source =
        StoredTokenSource::load(store.clone(), "oidc", http.clone(), password_sign_in).unwrap();
    let bearer = source.bearer().await.unwrap();
    assert_eq!(bearer.expose_secret(), tokens.access_token.expose_secret());

    // The shop said 401: the source refreshes, and the rotated refresh token is on disk at once.
    assert!(source.token_rejected(&bearer).await);
    let refreshed = source.bearer().await.unwrap();
    assert_ne!(refreshed.expose_secret(), bearer.expose_secret());
    assert_eq!(
        userinfo(&http, &server.issuer, &refreshed).await,
        Ok("alice".into())
    );
    let on_disk = store.load("oidc").unwrap().unwrap();
    assert_eq!(
        on_disk.access_token.expose_secret(),
        refreshed.expose_secret()
    );
    let second_refresh = on_disk.refresh_token.clone().expect("refresh token kept");
    assert_ne!(
        second_refresh.expose_secret(),
        first_refresh.expose_secret(),
        "oidc-provider rotates refresh tokens of public clients"
    );

    // Near expiry, the next bearer() refreshes by itself.
    let mut nearly_expired = on_disk.clone();
    nearly_expired.obtained_at = time::OffsetDateTime::now_utc() - time::Duration::minutes(10);
    nearly_expired.expires_at = Some(time::OffsetDateTime::now_utc() + time::Duration::seconds(5));
    let source = StoredTokenSource::new(
        store.clone(),
        "oidc",
        http.clone(),
        nearly_expired,
        password_sign_in,
    );
    let third = source.bearer().await.unwrap();
    assert_ne!(third.expose_secret(), refreshed.expose_secret());
    let on_disk = store.load("oidc").unwrap().unwrap();
    assert_eq!(on_disk.access_token.expose_secret(), third.expose_secret());
    let live_refresh = on_disk.refresh_token.clone().unwrap();

    // Sign out: both tokens revoked at the server, the file gone.
    let report = connection::sign_out(&paths, "oidc", &http).await.unwrap();
    assert!(report.was_signed_in && report.server_revocation && report.deleted);
    assert!(
        report.revocation_errors.is_empty(),
        "{:?}",
        report.revocation_errors
    );
    assert!(store.load("oidc").unwrap().is_none());
    assert_eq!(userinfo(&http, &server.issuer, &third).await, Err(401));
    match flow::refresh(&http, "shopterm", &endpoints.token_endpoint, &live_refresh).await {
        Err(AuthError::Refused { error, .. }) => assert_eq!(error, "invalid_grant"),
        other => panic!(
            "the revoked refresh token still works: {:?}",
            other.map(|_| ())
        ),
    }
}

/// oidc-provider in its strict default: a refresh token only for `offline_access`, which it
/// drops unless the request says `prompt=consent` (OIDC Core §11), and here 4-second access
/// tokens. shopterm asks for both by itself; once the access token has expired (the provider
/// says 401), the next call refreshes without a browser and succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_oidc_provider_gives_a_refresh_token_and_an_expired_session_refreshes_silently() {
    let server = OidcServer::start_strict(Duration::from_secs(4));
    let http = shopterm::net::http_client(None).unwrap();
    let metadata = discover(&http, &server.issuer).await.expect("discovery");
    let endpoints = OAuthEndpoints::from_metadata(&metadata, "shopterm", None);
    assert_eq!(endpoints.scopes, vec!["openid", "offline_access"]);
    assert_eq!(endpoints.prompt.as_deref(), Some("consent"));

    // The control: without prompt=consent this provider drops offline_access, and no refresh
    // token comes (what issue 11 found).
    let without_consent =
        browser_sign_in(&http, endpoints.clone().with_prompt(Some("")), "erin").await;
    assert!(without_consent.refresh_token.is_none());
    assert_eq!(server.grants(1), vec!["authorization_code"]);

    let tokens = browser_sign_in(&http, endpoints.clone(), "dave").await;
    assert!(
        tokens.refresh_token.is_some(),
        "strict oidc-provider issued no refresh token (scope {:?})",
        tokens.scope
    );
    assert!(
        tokens
            .scope
            .as_deref()
            .is_some_and(|s| s.split(' ').any(|s| s == "offline_access")),
        "offline_access was dropped: {:?}",
        tokens.scope
    );
    let lifetime = tokens.expires_at.expect("an expiry") - tokens.obtained_at;
    assert!(lifetime <= time::Duration::seconds(4), "{lifetime}");
    assert_eq!(server.grants(2), vec!["authorization_code"; 2]);

    let dir = tempfile::tempdir().unwrap();
    let store = TokenStore::new(&paths(dir.path()).state_dir);
    let stored = stored_as_login_does(&tokens, &endpoints);
    store.save("strict", &stored).unwrap();
    let source =
        StoredTokenSource::load(store.clone(), "strict", http.clone(), password_sign_in).unwrap();
    let fresh = source.bearer().await.unwrap();
    assert_eq!(fresh.expose_secret(), tokens.access_token.expose_secret());
    assert_eq!(
        userinfo(&http, &server.issuer, &fresh).await,
        Ok("dave".into())
    );

    let mut previous = fresh;
    for round in 1..=2 {
        // Past the access token's lifetime: the provider refuses it.
        tokio::time::sleep(Duration::from_millis(4500)).await;
        assert_eq!(
            userinfo(&http, &server.issuer, &previous).await,
            Err(401),
            "round {round}"
        );
        let refreshed = source.bearer().await.expect("a silent refresh");
        assert_ne!(refreshed.expose_secret(), previous.expose_secret());
        assert_eq!(
            userinfo(&http, &server.issuer, &refreshed).await,
            Ok("dave".into()),
            "round {round}"
        );
        let mut expected = vec!["authorization_code"; 2];
        expected.extend(std::iter::repeat_n("refresh_token", round));
        assert_eq!(server.grants(expected.len()), expected, "round {round}");
        let on_disk = store.load("strict").unwrap().unwrap();
        assert_eq!(
            on_disk.access_token.expose_secret(),
            refreshed.expose_secret()
        );
        previous = refreshed;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_flow_against_oidc_provider() {
    let (server, http, metadata) = discovered().await;
    assert!(metadata.device_authorization_endpoint.is_some());
    let endpoints = OAuthEndpoints::from_metadata(&metadata, "shopterm", None);
    let device = DeviceSignIn::start(http.clone(), endpoints).await.unwrap();
    assert!(!device.user_code().is_empty());
    let verification = device.verification_uri().clone();
    let user_code = device.user_code().to_owned();

    // The person, on "another device": enters the code, signs in, allows, confirms.
    let person_task = tokio::spawn(async move {
        let browser = browser_client();
        let mut person = person("bob");
        person.fill.push(("user_code".into(), user_code));
        // The last page is a "you can go back to your device" page without a form.
        let outcome = walk_to_redirect(&browser, &verification, &person, "never://").await;
        outcome.err().unwrap_or_default()
    });
    let tokens = tokio::time::timeout(
        Duration::from_secs(60),
        device.finish(CancellationToken::new()),
    )
    .await
    .expect("device sign-in finishes")
    .expect("device sign-in succeeds");
    let last_page = person_task.await.unwrap();
    assert!(last_page.contains("no form"), "{last_page}");
    assert_eq!(
        userinfo(&http, &server.issuer, &tokens.access_token).await,
        Ok("bob".into())
    );
}

/// `shopterm login --device` (the real binary) against oidc-provider: the code and address are
/// printed, the person approves on "another device", the tokens are stored 0600; `logout`
/// revokes them. oidc-provider serves no shop API, so the account cannot be read: the sign-in
/// still counts, and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_device_login_and_logout_against_oidc_provider() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let server = OidcServer::start();
    let sandbox = Sandbox::new();
    let issuer = server.issuer.to_string();
    let profile = issuer
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut child = sandbox
        .command(&["login", &issuer, "--device"])
        .spawn()
        .expect("shopterm starts");
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let (mut verification, mut code) = (None, None);
    while let Some(line) = stderr.next_line().await.unwrap() {
        if let Some(url) = line.strip_prefix("On any device, open ") {
            verification = Some(url::Url::parse(url.trim()).unwrap());
        }
        if let Some(found) = line.strip_prefix("and enter the code: ") {
            code = Some(found.trim().to_owned());
        }
        if line.contains("Waiting for the approval") {
            break;
        }
    }
    let (verification, code) = (
        verification.expect("URL printed"),
        code.expect("code printed"),
    );
    let browser = browser_client();
    let mut person = person("carol");
    person.fill.push(("user_code".into(), code));
    let _ = walk_to_redirect(&browser, &verification, &person, "never://").await;
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("login finishes")
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "Signed in to {profile} (the account could not be read"
        )),
        "{stdout}"
    );
    let token_file = sandbox.token_file(&profile);
    assert_eq!(mode_of(&token_file), 0o600);
    let (access, _) = tokens_in(&token_file);
    let http = shopterm::net::http_client(None).unwrap();
    let access = SecretString::from(access);
    assert_eq!(
        userinfo(&http, &server.issuer, &access).await,
        Ok("carol".into())
    );

    let logout = sandbox.run(&["logout"]).await;
    logout.assert_ok();
    logout.assert_stdout_has("revoked at the shop");
    assert!(!token_file.exists());
    assert_eq!(userinfo(&http, &server.issuer, &access).await, Err(401));
}
