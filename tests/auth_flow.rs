//! The sign-in library over real loopback HTTP against the demo shop: single-flight refresh,
//! failed refresh, cancellation, sign-out when revocation fails, discovery fallback, and the
//! measured sign-in time without the browser step.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use secrecy::{ExposeSecret, SecretString};
use shopterm::auth::store::{OAuthServer, TokenIssuer};
use shopterm::auth::{
    AuthError, BrowserSignIn, OAuthEndpoints, StoredTokenSource, StoredTokens, TokenSet,
    TokenSource, TokenStore,
};
use shopterm::config::Profile;
use shopterm::connection;
use shopterm::demo::RunningDemo;
use shopterm::demo::store::Store;
use shopterm::platforms::password_sign_in;
use shopterm::shop::ShopError;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::browser::*;
use support::demo::spawn_demo;
use support::free_port;
use support::sandbox::*;
use tokio_util::sync::CancellationToken;
use url::Url;

/// The demo shop with one-hour tokens, an HTTP client, a profile for it and the OAuth endpoints
/// shopterm discovers there.
async fn demo_endpoints() -> (RunningDemo, reqwest::Client, Profile, OAuthEndpoints) {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let http = shopterm::net::http_client(None).expect("HTTP client");
    let profile = Profile::new(Url::parse(&demo.base_url).expect("the demo's URL"));
    let endpoints = connection::endpoints_for(&profile, &http)
        .await
        .expect("discovery");
    (demo, http, profile, endpoints)
}

fn buyer_person() -> Person {
    let login = Store::demo_logins().into_iter().next().unwrap();
    Person {
        fill: vec![
            ("email".into(), login.email),
            ("password".into(), login.password),
        ],
        press: Some(("decision".into(), "Allow".into())),
    }
}

/// One browser sign-in to the demo shop through the library. Returns the tokens and the time
/// spent outside the browser step (start + callback-to-tokens).
async fn sign_in(http: &reqwest::Client, endpoints: OAuthEndpoints) -> (TokenSet, Duration) {
    let started = Instant::now();
    let sign_in = BrowserSignIn::start(http.clone(), endpoints, "demo")
        .await
        .unwrap();
    let mut ours = started.elapsed();
    let browser = browser_client();
    let callback = walk_to_redirect(
        &browser,
        sign_in.authorize_url(),
        &buyer_person(),
        sign_in.redirect_uri().as_str(),
    )
    .await
    .expect("the browser reaches the callback");
    let from_callback = Instant::now();
    let visit = tokio::spawn(async move { visit(&browser, &callback).await });
    let tokens = sign_in
        .finish(Duration::from_secs(30), CancellationToken::new())
        .await
        .unwrap();
    ours += from_callback.elapsed();
    let (status, page) = visit.await.unwrap().unwrap();
    assert_eq!(status, 200, "{page}");
    (tokens, ours)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_refresh_once() {
    let (_demo, http, profile, endpoints) = demo_endpoints().await;
    let (tokens, _) = sign_in(&http, endpoints.clone()).await;

    let dir = tempfile::tempdir().unwrap();
    let store = TokenStore::new(&paths(dir.path()).state_dir);
    let mut expired = stored_as_login_does(&tokens, &endpoints);
    expired.obtained_at = time::OffsetDateTime::now_utc() - time::Duration::hours(2);
    expired.expires_at = Some(time::OffsetDateTime::now_utc() - time::Duration::hours(1));
    store.save("p", &expired).unwrap();
    let source = Arc::new(
        StoredTokenSource::load(store.clone(), "p", http.clone(), password_sign_in).unwrap(),
    );

    // The demo rotates refresh tokens and refuses a spent one: had two callers refreshed, one
    // of them would fail with SessionExpired.
    let callers: Vec<_> = (0..8)
        .map(|_| {
            let source = source.clone();
            tokio::spawn(async move { source.bearer().await })
        })
        .collect();
    let mut bearers = Vec::new();
    for caller in callers {
        bearers.push(caller.await.unwrap().expect("every caller gets a token"));
    }
    let first = bearers[0].expose_secret().to_owned();
    assert_ne!(first, tokens.access_token.expose_secret());
    assert!(bearers.iter().all(|b| b.expose_secret() == first));
    let on_disk = store.load("p").unwrap().unwrap();
    assert_eq!(on_disk.access_token.expose_secret(), first);

    // A rejected token that was already replaced: no second refresh, just "retry".
    assert!(source.token_rejected(&tokens.access_token).await);
    assert_eq!(source.bearer().await.unwrap().expose_secret(), first);

    // The shop works with it.
    let connection = connection::connect(&paths(dir.path()), "p", &profile).unwrap();
    assert_eq!(
        connection.shop.account().await.unwrap().email,
        "buyer@demo.shopterm.example"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_refresh_means_session_expired() {
    let (_demo, http, _, endpoints) = demo_endpoints().await;
    let dir = tempfile::tempdir().unwrap();
    let store = TokenStore::new(&paths(dir.path()).state_dir);
    let now = time::OffsetDateTime::now_utc();
    let dead = TokenSet {
        access_token: SecretString::from("not-a-real-access-token"),
        refresh_token: Some(SecretString::from("not-a-real-refresh-token")),
        expires_at: Some(now - time::Duration::minutes(1)),
        obtained_at: now - time::Duration::hours(1),
        scope: None,
    };
    let source = StoredTokenSource::new(
        store.clone(),
        "p",
        http.clone(),
        stored_as_login_does(&dead, &endpoints),
        password_sign_in,
    );
    assert_eq!(
        source.bearer().await.unwrap_err(),
        ShopError::SessionExpired
    );

    // The server being away is a network error, not the end of the session.
    let mut elsewhere = endpoints.clone();
    elsewhere.token_endpoint =
        Url::parse(&format!("http://127.0.0.1:{}/token", free_port())).unwrap();
    let unreachable = stored_as_login_does(&dead, &elsewhere);
    let source = StoredTokenSource::new(store, "p", http, unreachable, password_sign_in);
    assert!(matches!(source.bearer().await, Err(ShopError::Network(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_closes_the_listener_and_stores_nothing() {
    let (_demo, http, _, endpoints) = demo_endpoints().await;
    let sign_in = BrowserSignIn::start(http.clone(), endpoints, "demo")
        .await
        .unwrap();
    let redirect = sign_in.redirect_uri().clone();
    let cancel = CancellationToken::new();
    let canceller = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        canceller.cancel();
    });
    let started = Instant::now();
    let outcome = sign_in.finish(Duration::from_secs(60), cancel).await;
    assert!(matches!(outcome, Err(AuthError::Cancelled)));
    assert!(started.elapsed() < Duration::from_secs(5));
    let late = browser_client().get(redirect).send().await;
    assert!(late.is_err(), "nobody listens after cancelling");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pasted_redirect_with_the_wrong_state_is_refused() {
    let (_demo, http, _, endpoints) = demo_endpoints().await;
    let sign_in = BrowserSignIn::start(http.clone(), endpoints, "demo")
        .await
        .unwrap();
    let paste = sign_in.paste_handle();
    assert!(matches!(
        paste.paste("hello"),
        Err(AuthError::BadRedirect(_))
    ));
    paste
        .paste(&format!(
            "{}?code=abc&state=not-ours",
            sign_in.redirect_uri()
        ))
        .unwrap();
    let outcome = sign_in
        .finish(Duration::from_secs(10), CancellationToken::new())
        .await;
    assert!(
        matches!(outcome, Err(AuthError::StateMismatch)),
        "{:?}",
        outcome.map(|_| ())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_deletes_locally_when_revocation_fails() {
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let store = TokenStore::new(&paths.state_dir);
    let gone = format!("http://127.0.0.1:{}", free_port());
    let now = time::OffsetDateTime::now_utc();
    store
        .save(
            "p",
            &StoredTokens {
                access_token: SecretString::from("a-token"),
                refresh_token: Some(SecretString::from("r-token")),
                expires_at: Some(now + time::Duration::hours(1)),
                obtained_at: now,
                scope: None,
                account_id: None,
                account_email: None,
                issued_by: TokenIssuer::OAuth(OAuthServer {
                    issuer: None,
                    client_id: "shopterm".into(),
                    token_endpoint: Url::parse(&format!("{gone}/token")).unwrap(),
                    revocation_endpoint: Some(Url::parse(&format!("{gone}/revoke")).unwrap()),
                }),
            },
        )
        .unwrap();
    let http = shopterm::net::http_client(None).unwrap();
    let report = connection::sign_out(&paths, "p", &http).await.unwrap();
    assert!(report.was_signed_in && report.deleted);
    assert_eq!(
        report.revocation_errors.len(),
        2,
        "{:?}",
        report.revocation_errors
    );
    assert!(report.revocation_errors[0].starts_with("refresh token: could not reach"));
    assert!(store.load("p").unwrap().is_none());
}

/// A server that publishes only OpenID Connect discovery metadata.
async fn openid_only_server(issuer_override: Option<String>) -> (Url, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let issuer = issuer_override.unwrap_or_else(|| base.clone());
    let metadata = serde_json::json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "scopes_supported": ["openid", "email"],
        "code_challenge_methods_supported": ["S256"],
    });
    let app = axum::Router::new().route(
        "/.well-known/openid-configuration",
        axum::routing::get(move || {
            let metadata = metadata.clone();
            async move { axum::Json(metadata) }
        }),
    );
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (Url::parse(&base).unwrap(), task)
}

#[tokio::test]
async fn discovery_falls_back_to_openid_configuration() {
    let http = shopterm::net::http_client(None).unwrap();
    let (issuer, server) = openid_only_server(None).await;
    let metadata = shopterm::auth::discovery::discover(&http, &issuer)
        .await
        .unwrap();
    assert_eq!(metadata.token_endpoint.path(), "/token");
    let endpoints = OAuthEndpoints::from_metadata(&metadata, "shopterm", None);
    assert_eq!(endpoints.scopes, vec!["openid"]);
    server.abort();

    let (issuer, server) = openid_only_server(Some("https://someone-else.example".into())).await;
    let error = shopterm::auth::discovery::discover(&http, &issuer)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("different issuer"), "{error}");
    server.abort();

    let nobody = Url::parse(&format!("http://127.0.0.1:{}", free_port())).unwrap();
    let error = shopterm::auth::discovery::discover(&http, &nobody)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("cannot find the sign-in server"),
        "{error}"
    );
}

/// Not an assertion on speed: measures and prints what a sign-in costs apart from the person
/// in the browser (discovery, listener, code exchange, storing, reading the account).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_time_without_the_browser_step() {
    let (_demo, http, profile, _) = demo_endpoints().await;
    let dir = tempfile::tempdir().unwrap();
    let paths = paths(dir.path());
    let mut times = Vec::new();
    for _ in 0..7 {
        let started = Instant::now();
        let endpoints = connection::endpoints_for(&profile, &http).await.unwrap();
        let discovery = started.elapsed();
        let (tokens, flow) = sign_in(&http, endpoints.clone()).await;
        let saving = Instant::now();
        let signed_in = connection::save_sign_in(
            &paths,
            "demo",
            &profile,
            &http,
            endpoints.token_issuer(),
            tokens,
        )
        .await
        .unwrap();
        assert!(signed_in.account.is_ok());
        times.push(discovery + flow + saving.elapsed());
    }
    let median = median(times.clone());
    println!("sign-in without the browser step: median {median:?} of {times:?}");
    assert!(median < Duration::from_secs(10));
}
