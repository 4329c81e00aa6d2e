//! Issue 11's hardening, end to end: the real binary (`login --no-browser`, `whoami`) against a
//! hostile OAuth server and shop on loopback that this test plays itself — escape sequences in an
//! `error_description` and in the account's name, an `expires_in` of u64::MAX, a refresh answer
//! without `refresh_token`, a forged callback, an `iss` with a trailing slash, a device flow that
//! is never approved — plus exit statuses, a fixed callback port, and file modes under umask 000.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use axum::extract::{Form, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::free_port;
use support::sandbox::*;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use url::Url;

/// What the hostile server answers; tests change it between runs.
struct Script {
    /// The answer to the authorization-code grant.
    code_answer: Value,
    /// The answer to the refresh grant.
    refresh_answer: Value,
    /// The refresh tokens shopterm sent, in order.
    refreshes: Vec<String>,
    account: Value,
    /// `authorization_response_iss_parameter_supported` in the metadata.
    promises_iss: bool,
}

struct Hostile {
    base: String,
    script: Arc<Mutex<Script>>,
}

const HOSTILE: &str =
    "\x1b]0;pwned\x07\x1b[2J\x1b[HSigned in OK \u{9b}31m\u{202e}evil\u{2066}\x1bP1$r\x1b\\";

impl Hostile {
    async fn start() -> Hostile {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let script = Arc::new(Mutex::new(Script {
            code_answer: json!({
                "access_token": "A1", "token_type": "Bearer", "expires_in": 3600,
                "refresh_token": "R1", "scope": "openid offline_access"
            }),
            refresh_answer: json!({"access_token": "A2", "token_type": "Bearer", "expires_in": 3600}),
            refreshes: Vec::new(),
            account: json!({
                "id": "7", "email": "mallory@hostile.example",
                "first_name": "Mallory", "last_name": "Example"
            }),
            promises_iss: false,
        }));
        let state = (base.clone(), script.clone());
        let app = Router::new()
            .route("/.well-known/oauth-authorization-server", get(metadata))
            .route("/token", post(token))
            .route("/device", post(device))
            .route(
                "/api/customer/account",
                get(
                    |State((_, script)): State<(String, Arc<Mutex<Script>>)>| async move {
                        Json(script.lock().unwrap().account.clone())
                    },
                ),
            )
            .with_state(state);
        tokio::spawn(async move { axum::serve(listener, app).await });
        Hostile { base, script }
    }

    fn set(&self, change: impl FnOnce(&mut Script)) {
        change(&mut self.script.lock().unwrap());
    }

    fn profile(&self) -> String {
        self.base.trim_start_matches("http://").to_owned()
    }
}

type AppState = (String, Arc<Mutex<Script>>);

async fn metadata(State((base, script)): State<AppState>) -> Json<Value> {
    Json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "device_authorization_endpoint": format!("{base}/device"),
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "offline_access", "email"],
        "authorization_response_iss_parameter_supported": script.lock().unwrap().promises_iss,
    }))
}

async fn token(
    State((_, script)): State<AppState>,
    Form(form): Form<HashMap<String, String>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut script = script.lock().unwrap();
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => Json(script.code_answer.clone()).into_response(),
        Some("refresh_token") => {
            let sent = form.get("refresh_token").cloned().unwrap_or_default();
            script.refreshes.push(sent);
            let answer = script.refresh_answer.clone();
            let status = if answer.get("error").is_some() {
                axum::http::StatusCode::BAD_REQUEST
            } else {
                axum::http::StatusCode::OK
            };
            (status, Json(answer)).into_response()
        }
        // The device code is never approved.
        _ => (
            axum::http::StatusCode::BAD_REQUEST,
            Json(json!({"error": "authorization_pending"})),
        )
            .into_response(),
    }
}

async fn device(State((base, _)): State<AppState>) -> Json<Value> {
    Json(json!({
        "device_code": "D1", "user_code": "ABCD-EFGH",
        "verification_uri": format!("{base}/activate"),
        "expires_in": 600, "interval": 1
    }))
}

/// A `shopterm login --no-browser` waiting for its callback.
struct Login {
    started: std::time::Instant,
    child: tokio::process::Child,
    authorize_url: Url,
    stderr: Arc<Mutex<String>>,
}

fn umask_000(sandbox: &Sandbox, args: &[&str]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new("sh");
    command
        .arg("-c")
        .arg("umask 000 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_shopterm"))
        .args(args);
    sandbox.prepare(&mut command);
    command
}

impl Login {
    async fn start(mut command: tokio::process::Command) -> Login {
        let started = std::time::Instant::now();
        let mut child = command.spawn().expect("shopterm runs");
        let stderr_pipe = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let (url_tx, url_rx) = tokio::sync::oneshot::channel();
        let collected = stderr.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr_pipe).lines();
            let mut url_tx = Some(url_tx);
            while let Ok(Some(line)) = lines.next_line().await {
                if line.contains("/authorize?")
                    && let Some(tx) = url_tx.take()
                {
                    let _ = tx.send(line.trim().to_owned());
                }
                let mut all = collected.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
            }
        });
        let url = tokio::time::timeout(Duration::from_secs(30), url_rx)
            .await
            .unwrap_or_else(|_| panic!("no authorization URL; stderr: {}", stderr.lock().unwrap()))
            .unwrap_or_else(|_| panic!("login ended early: {}", stderr.lock().unwrap()));
        Login {
            started,
            child,
            authorize_url: Url::parse(&url).expect("the authorization URL"),
            stderr,
        }
    }

    fn param(&self, name: &str) -> Option<String> {
        support::oauth::query_param(&self.authorize_url, name)
    }

    fn redirect_uri(&self) -> Url {
        Url::parse(&self.param("redirect_uri").expect("redirect_uri")).unwrap()
    }

    /// The browser's redirect with `query` (`STATE` is replaced by the real state).
    async fn callback(&self, method: reqwest::Method, query: &str) -> u16 {
        let state = self.param("state").expect("state");
        let mut url = self.redirect_uri();
        url.set_query(Some(&query.replace("STATE", &state)));
        reqwest::Client::new()
            .request(method, url)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0)
    }

    async fn finish(mut self) -> Run {
        let mut stdout = String::new();
        if let Some(mut pipe) = self.child.stdout.take() {
            let _ = pipe.read_to_string(&mut stdout).await;
        }
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("login ends")
            .unwrap();
        // Let the reader task take the last lines.
        tokio::time::sleep(Duration::from_millis(50)).await;
        Run {
            status,
            stdout,
            stderr: self.stderr.lock().unwrap().clone(),
            elapsed: self.started.elapsed(),
        }
    }
}

async fn run(mut command: tokio::process::Command) -> Run {
    let started = std::time::Instant::now();
    let output = tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("shopterm ends within 60 s")
        .unwrap();
    Run {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        elapsed: started.elapsed(),
    }
}

fn no_browser_login(
    sandbox: &Sandbox,
    hostile: &Hostile,
    extra: &[&str],
) -> tokio::process::Command {
    let mut args = vec!["login", hostile.base.as_str(), "--no-browser"];
    args.extend_from_slice(extra);
    sandbox.command(&args)
}

/// `shopterm login --no-browser` against the hostile server, answered with a redirect carrying
/// `query` (`STATE` stands for the login's state); the finished login.
async fn login_answered(sandbox: &Sandbox, hostile: &Hostile, query: &str) -> Run {
    let login = Login::start(no_browser_login(sandbox, hostile, &[])).await;
    login.callback(reqwest::Method::GET, query).await;
    login.finish().await
}

/// Signs in through the hostile server; the finished login.
async fn sign_in(sandbox: &Sandbox, hostile: &Hostile) -> Run {
    login_answered(sandbox, hostile, "code=C1&state=STATE").await
}

/// Characters a terminal acts on: ESC, other C0 controls but newline and tab, C1, bidi controls.
fn terminal_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n' && c != '\t')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
        .collect()
}

fn expire_token_file(path: &std::path::Path) {
    let mut json: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let past = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
    let rfc3339 = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    json["obtained_at"] = rfc3339(past - time::Duration::hours(1)).into();
    json["expires_at"] = rfc3339(past).into();
    std::fs::write(path, serde_json::to_vec(&json).unwrap()).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_error_description_and_account_name_reach_no_terminal_raw() {
    let hostile = Hostile::start().await;
    let sandbox = Sandbox::new();

    // A refusal whose description is a terminal payload.
    let payload: String = url::form_urlencoded::byte_serialize(HOSTILE.as_bytes()).collect();
    let query = format!("error=access_denied&error_description={payload}&state=STATE");
    let refused = login_answered(&sandbox, &hostile, &query).await;
    assert_eq!(
        refused.status.code(),
        Some(3),
        "a refused sign-in: {}",
        refused.all_output()
    );
    refused.assert_stderr_has("access_denied");
    assert!(
        refused.stderr.contains("Signed in OK"),
        "the text stays readable"
    );
    assert_eq!(
        terminal_controls(&refused.all_output()),
        Vec::<char>::new(),
        "{:?}",
        refused.all_output()
    );

    // A shop whose account name and e-mail are terminal payloads.
    hostile.set(|s| {
        s.account = json!({
            "id": format!("7{HOSTILE}"), "email": format!("m{HOSTILE}@hostile.example"),
            "first_name": format!("Mallory{HOSTILE}"), "last_name": HOSTILE
        })
    });
    let signed_in = sign_in(&sandbox, &hostile).await;
    signed_in.assert_ok();
    signed_in.assert_stdout_has("Signed in to");
    assert_eq!(
        terminal_controls(&signed_in.all_output()),
        Vec::<char>::new(),
        "{:?}",
        signed_in.all_output()
    );

    let whoami = run(sandbox.command(&["whoami", "--profile", &hostile.profile()])).await;
    whoami.assert_ok();
    assert!(whoami.stdout.contains("Mallory"), "{}", whoami.stdout);
    assert_eq!(
        terminal_controls(&whoami.all_output()),
        Vec::<char>::new(),
        "{:?}",
        whoami.all_output()
    );

    // An error text from the shop (the account answer is not an account) on stderr.
    hostile.set(|s| s.account = json!({"error": HOSTILE}));
    let broken = run(sandbox.command(&["whoami", "--profile", &hostile.profile()])).await;
    assert_ne!(broken.status.code(), Some(0));
    assert_eq!(
        terminal_controls(&broken.all_output()),
        Vec::<char>::new(),
        "{:?}",
        broken.all_output()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_expires_in_neither_crashes_sign_in_nor_refresh() {
    let hostile = Hostile::start().await;
    let sandbox = Sandbox::new();
    hostile.set(|s| s.code_answer["expires_in"] = json!(u64::MAX));
    let signed_in = sign_in(&sandbox, &hostile).await;
    signed_in.assert_ok();
    assert!(
        !signed_in.all_output().contains("panicked"),
        "{}",
        signed_in.all_output()
    );

    let token_file = sandbox.token_file(&hostile.profile());
    let stored: Value = serde_json::from_slice(&std::fs::read(&token_file).unwrap()).unwrap();
    let expires = time::OffsetDateTime::parse(
        stored["expires_at"].as_str().expect("an expiry"),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let now = time::OffsetDateTime::now_utc();
    assert!(expires > now + time::Duration::days(300), "{expires}");
    assert!(
        expires < now + time::Duration::days(400),
        "cut to about a year: {expires}"
    );

    expire_token_file(&token_file);
    hostile.set(|s| s.refresh_answer["expires_in"] = json!(u64::MAX));
    let whoami = run(sandbox.command(&["whoami", "--profile", &hostile.profile()])).await;
    whoami.assert_ok();
    assert!(
        !whoami.all_output().contains("panicked"),
        "{}",
        whoami.all_output()
    );
    assert_eq!(
        hostile.script.lock().unwrap().refreshes,
        vec!["R1".to_owned()]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_answer_without_refresh_token_keeps_the_stored_one() {
    let hostile = Hostile::start().await;
    let sandbox = Sandbox::new();
    assert_eq!(sign_in(&sandbox, &hostile).await.status.code(), Some(0));
    let token_file = sandbox.token_file(&hostile.profile());
    for round in 0..2 {
        expire_token_file(&token_file);
        let whoami = run(sandbox.command(&["whoami", "--profile", &hostile.profile()])).await;
        assert_eq!(
            whoami.status.code(),
            Some(0),
            "round {round}: {}",
            whoami.all_output()
        );
        let (access, refresh) = tokens_in(&token_file);
        assert_eq!(access, "A2");
        assert_eq!(refresh.as_deref(), Some("R1"), "round {round}");
    }
    assert_eq!(
        hostile.script.lock().unwrap().refreshes,
        vec!["R1".to_owned(), "R1".to_owned()],
        "the kept refresh token is used again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_callback_is_answered_400_and_the_login_keeps_waiting() {
    let hostile = Hostile::start().await;
    let sandbox = Sandbox::new();
    let mut login = Login::start(no_browser_login(&sandbox, &hostile, &[])).await;
    assert_eq!(
        login
            .callback(reqwest::Method::GET, "code=FORGED&state=wrong")
            .await,
        400
    );
    assert_eq!(
        login
            .callback(reqwest::Method::HEAD, "code=FORGED&state=wrong")
            .await,
        400
    );
    assert_eq!(
        login
            .callback(reqwest::Method::GET, "error=access_denied&state=nope")
            .await,
        400
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        login.child.try_wait().unwrap().is_none(),
        "the login still waits: {}",
        login.stderr.lock().unwrap()
    );
    assert_eq!(
        login
            .callback(reqwest::Method::GET, "code=C1&state=STATE")
            .await,
        200
    );
    let finished = login.finish().await;
    finished.assert_ok();
    finished.assert_stdout_has("Signed in to");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iss_must_equal_the_issuer_exactly() {
    let hostile = Hostile::start().await;
    hostile.set(|s| s.promises_iss = true);
    let sandbox = Sandbox::new();
    let with_slash: String =
        url::form_urlencoded::byte_serialize(format!("{}/", hostile.base).as_bytes()).collect();
    let query = format!("code=C1&state=STATE&iss={with_slash}");
    let refused = login_answered(&sandbox, &hostile, &query).await;
    assert_ne!(refused.status.code(), Some(0), "{}", refused.all_output());
    assert!(refused.stderr.contains("mix-up"), "{}", refused.stderr);
    assert!(!sandbox.token_file(&hostile.profile()).exists());

    let exact: String = url::form_urlencoded::byte_serialize(hostile.base.as_bytes()).collect();
    let query = format!("code=C1&state=STATE&iss={exact}");
    let accepted = login_answered(&sandbox, &hostile, &query).await;
    accepted.assert_ok();
}

/// Discovery compares the metadata's `issuer` with the issuer it was fetched for exactly (RFC
/// 8414 §3.3, RFC 9207): an authorization server at a path, publishing its issuer with or
/// without a trailing slash, is accepted only under the same spelling. (Both spellings fetch the
/// same well-known address.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_compares_the_issuer_exactly_with_or_without_a_trailing_slash() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let published = Arc::new(Mutex::new(String::new()));
    let served = published.clone();
    let app = Router::new().route(
        "/.well-known/oauth-authorization-server/tenant",
        get(move || {
            let issuer = served.lock().unwrap().clone();
            async move {
                Json(json!({
                    "issuer": issuer,
                    "authorization_endpoint": format!("{issuer}/authorize"),
                    "token_endpoint": format!("{issuer}/token"),
                    "code_challenge_methods_supported": ["S256"],
                }))
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = shopterm::net::http_client(None).unwrap();
    let (plain, slash) = (format!("{base}/tenant"), format!("{base}/tenant/"));
    for (publishes, configured, accepted) in [
        (&plain, &plain, true),
        (&slash, &slash, true),
        (&slash, &plain, false),
        (&plain, &slash, false),
    ] {
        *published.lock().unwrap() = publishes.clone();
        let result =
            shopterm::auth::discovery::discover(&http, &Url::parse(configured).unwrap()).await;
        match (accepted, result) {
            (true, Ok(metadata)) => assert_eq!(&metadata.issuer, publishes),
            (false, Err(error)) => assert!(
                error.to_string().contains("different issuer"),
                "{configured} publishing {publishes}: {error}"
            ),
            (expected, got) => panic!(
                "{configured} publishing {publishes}: accepted {:?}, expected {expected}",
                got.map(|m| m.issuer)
            ),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_statuses_follow_the_documented_table() {
    let hostile = Hostile::start().await;
    let sandbox = Sandbox::new();
    let profile = hostile.profile();

    // Timed out in the browser: 5 (trying again may work).
    let started = std::time::Instant::now();
    let timed_out = run(no_browser_login(&sandbox, &hostile, &["--timeout", "2"])).await;
    assert_eq!(
        timed_out.status.code(),
        Some(5),
        "{}",
        timed_out.all_output()
    );
    timed_out.assert_stderr_has("within 2 s");
    assert!(started.elapsed() < Duration::from_secs(15));

    // A device code never approved: --timeout is honoured, 5.
    let started = std::time::Instant::now();
    let device =
        run(sandbox.command(&["login", &hostile.base, "--device", "--timeout", "3"])).await;
    assert_eq!(device.status.code(), Some(5), "{}", device.all_output());
    device.assert_stderr_has("not approved within 3 s");
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "took {:?}",
        started.elapsed()
    );

    // Signed out: whoami 3.
    let signed_out = run(sandbox.command(&["whoami", "--profile", &profile])).await;
    assert_eq!(
        signed_out.status.code(),
        Some(3),
        "{}",
        signed_out.all_output()
    );
    signed_out.assert_stderr_has("not signed in");

    // Expired, and the refresh refused: whoami 3.
    assert_eq!(sign_in(&sandbox, &hostile).await.status.code(), Some(0));
    expire_token_file(&sandbox.token_file(&profile));
    hostile.set(|s| s.refresh_answer = json!({"error": "invalid_grant"}));
    let expired = run(sandbox.command(&["whoami", "--profile", &profile])).await;
    assert_eq!(expired.status.code(), Some(3), "{}", expired.all_output());

    // An unknown profile: 2.
    let unknown = run(sandbox.command(&["whoami", "--profile", "nope"])).await;
    assert_eq!(unknown.status.code(), Some(2), "{}", unknown.all_output());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompt_consent_goes_with_offline_access_and_can_be_set() {
    let hostile = Hostile::start().await;
    let sandbox = Sandbox::new();
    let login = Login::start(no_browser_login(&sandbox, &hostile, &[])).await;
    let scope = login.param("scope").unwrap_or_default();
    assert!(scope.split(' ').any(|s| s == "offline_access"), "{scope}");
    assert_eq!(login.param("prompt").as_deref(), Some("consent"));
    drop(login);

    let login = Login::start(no_browser_login(&sandbox, &hostile, &["--prompt", "login"])).await;
    assert_eq!(login.param("prompt").as_deref(), Some("login"));
    login
        .callback(reqwest::Method::GET, "code=C1&state=STATE")
        .await;
    assert_eq!(login.finish().await.status.code(), Some(0));
    // Saved in the profile: the next login asks the same.
    let login = Login::start(no_browser_login(&sandbox, &hostile, &[])).await;
    assert_eq!(login.param("prompt").as_deref(), Some("login"));
    drop(login);
    let login = Login::start(no_browser_login(&sandbox, &hostile, &["--prompt", ""])).await;
    assert_eq!(login.param("prompt"), None, "an empty prompt sends none");
    drop(login);

    let bad = run(no_browser_login(
        &sandbox,
        &hostile,
        &["--prompt", "always"],
    ))
    .await;
    assert_eq!(bad.status.code(), Some(2), "{}", bad.all_output());
    assert!(bad.stderr.contains("always"), "{}", bad.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fixed_callback_port_is_used_and_a_taken_one_named() {
    let hostile = Hostile::start().await;
    let sandbox = Sandbox::new();
    let port = free_port();
    let login = Login::start(no_browser_login(
        &sandbox,
        &hostile,
        &["--callback-port", &port.to_string()],
    ))
    .await;
    assert_eq!(
        login.redirect_uri().as_str(),
        format!("http://127.0.0.1:{port}/callback")
    );
    login
        .callback(reqwest::Method::GET, "code=C1&state=STATE")
        .await;
    assert_eq!(login.finish().await.status.code(), Some(0));
    let config = std::fs::read_to_string(sandbox.path("config/config.toml")).unwrap();
    assert!(
        config.contains(&format!("callback_port = {port}")),
        "{config}"
    );

    // The profile's port, now taken by someone else.
    let _taken = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let refused =
        run(sandbox.command(&["login", "--profile", &hostile.profile(), "--no-browser"])).await;
    assert_eq!(refused.status.code(), Some(1), "{}", refused.all_output());
    assert!(
        refused.stderr.contains(&format!("127.0.0.1:{port}"))
            && refused.stderr.contains("already uses it"),
        "{}",
        refused.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_private_under_umask_000() {
    let hostile = Hostile::start().await;
    let sandbox = Sandbox::new();
    // A tokens directory some other program left open to everyone.
    let tokens = sandbox.path("state/tokens");
    std::fs::create_dir_all(&tokens).unwrap();
    std::fs::set_permissions(
        sandbox.path("state"),
        std::fs::Permissions::from_mode(0o777),
    )
    .unwrap();
    std::fs::set_permissions(&tokens, std::fs::Permissions::from_mode(0o777)).unwrap();

    let login = Login::start(umask_000(
        &sandbox,
        &["login", &hostile.base, "--no-browser"],
    ))
    .await;
    login
        .callback(reqwest::Method::GET, "code=C1&state=STATE")
        .await;
    let finished = login.finish().await;
    finished.assert_ok();

    assert_eq!(mode_of(&sandbox.path("state")), 0o700, "state dir");
    assert_eq!(mode_of(&sandbox.path("data")), 0o700, "data dir");
    assert_eq!(mode_of(&sandbox.path("config")), 0o700, "config dir");
    assert_eq!(mode_of(&tokens), 0o700, "tokens dir tightened");
    assert_eq!(mode_of(&sandbox.token_file(&hostile.profile())), 0o600);
    assert_eq!(mode_of(&sandbox.log_file()), 0o600, "the log holds e-mails");
    assert_eq!(mode_of(&sandbox.path("config/config.toml")), 0o600);

    // A log file left 0666 by an earlier run is tightened too.
    std::fs::set_permissions(sandbox.log_file(), std::fs::Permissions::from_mode(0o666)).unwrap();
    let whoami = run(umask_000(
        &sandbox,
        &["whoami", "--profile", &hostile.profile()],
    ))
    .await;
    whoami.assert_ok();
    assert_eq!(mode_of(&sandbox.log_file()), 0o600);
}
