//! The cross-process refresh lock (`tokens/<profile>.lock`): two token sources, or several
//! shopterm processes, that find the access token expired or rejected at the same moment spend
//! the refresh token once between them. The demo shop rotates refresh tokens and treats a
//! rotated-away refresh token presented again as theft, revoking the whole sign-in, so without
//! the lock these sessions would end.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use secrecy::ExposeSecret;
use shopterm::auth::{StoredTokenSource, TokenSource, TokenStore};
use shopterm::demo::RunningDemo;
use shopterm::platforms::password_sign_in;
use std::time::Duration;
use support::demo::{buyer, spawn_demo};
use support::sandbox::*;

/// `shopterm login` in a fresh sandbox, through the scripted browser.
async fn signed_in(demo: &RunningDemo) -> (Sandbox, String) {
    let login = buyer();
    let sandbox = Sandbox::with_person(&login.email, &login.password, "normal");
    sandbox.browser_login_ok(&demo.base_url, &login.email).await;
    (sandbox, profile_for(&demo.base_url))
}

async fn account_status(demo: &RunningDemo, access_token: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{}/api/customer/account", demo.base_url))
        .bearer_auth(access_token)
        .send()
        .await
        .expect("the demo answers")
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_sources_rejected_at_once_refresh_once() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let (sandbox, profile) = signed_in(&demo).await;
    let store = TokenStore::new(&sandbox.path("state"));
    let http = shopterm::net::http_client(None).unwrap();
    // Two independent sources on one token file, as two processes would have them (the lock is
    // a `flock` on a file opened by each, so two sources in one process exclude each other too).
    let a =
        StoredTokenSource::load(store.clone(), &profile, http.clone(), password_sign_in).unwrap();
    let b =
        StoredTokenSource::load(store.clone(), &profile, http.clone(), password_sign_in).unwrap();
    let old = a.bearer().await.unwrap();
    let (_, old_refresh) = tokens_in(&sandbox.token_file(&profile));

    // The shop refused the token for both at the same moment: each wants to refresh.
    let (renewed_a, renewed_b) = tokio::join!(a.token_rejected(&old), b.token_rejected(&old));
    assert!(
        renewed_a && renewed_b,
        "both have a new token to retry with"
    );
    let (token_a, token_b) = (a.bearer().await.unwrap(), b.bearer().await.unwrap());
    assert_eq!(
        token_a.expose_secret(),
        token_b.expose_secret(),
        "one refreshed, the other adopted its tokens"
    );
    assert_ne!(token_a.expose_secret(), old.expose_secret());
    // The sign-in is alive (a second use of the old refresh token would have revoked it).
    assert_eq!(account_status(&demo, token_a.expose_secret()).await, 200);
    let (on_disk, new_refresh) = tokens_in(&sandbox.token_file(&profile));
    assert_eq!(on_disk, token_a.expose_secret());
    assert_ne!(new_refresh, old_refresh, "rotated once and stored");
    assert_eq!(mode_of(&store.lock_path(&profile).unwrap()), 0o600);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shopterm_processes_refreshing_at_once_spend_the_refresh_token_once() {
    // 2 s access tokens: after a short wait every command has to refresh first.
    let demo = spawn_demo(Duration::from_secs(2)).await;
    let (sandbox, profile) = signed_in(&demo).await;
    let token_file = sandbox.token_file(&profile);
    let log_file = sandbox.log_file();
    for round in 0..3 {
        tokio::time::sleep(Duration::from_millis(2200)).await;
        let before = std::fs::read_to_string(&log_file).unwrap_or_default();
        // Four `shopterm whoami` started together, each finding the access token expired.
        let runs = futures_util::future::join_all((0..4).map(|_| sandbox.run(&["whoami"]))).await;
        for run in &runs {
            assert!(
                run.status.success(),
                "round {round}: a command lost the session: {}",
                run.all_output()
            );
        }
        let log = std::fs::read_to_string(&log_file).unwrap();
        let this_round = &log[before.len()..];
        assert_eq!(
            this_round.matches("refreshing the access token").count(),
            1,
            "round {round}: exactly one process refreshed:\n{this_round}"
        );
    }
    let (access, _) = tokens_in(&token_file);
    assert_eq!(account_status(&demo, &access).await, 200);
}
