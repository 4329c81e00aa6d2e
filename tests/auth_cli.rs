//! `shopterm login / whoami / logout` as a person uses them: the real binary against the embedded
//! demo shop over loopback, with `BROWSER` set to a script that plays the person
//! (tests/support/browser.py: fetches the authorization page, posts the sign-in and consent
//! forms, follows the redirect to shopterm's loopback callback).

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use shopterm::demo::store::Store;
use shopterm::demo::{DemoConfig, RunningDemo};
use std::time::Duration;
use support::demo::spawn_demo;
use support::sandbox::*;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

fn buyer() -> (String, String) {
    let login = Store::demo_logins()
        .into_iter()
        .next()
        .expect("a demo login");
    (login.email, login.password)
}

/// Asks the demo's token endpoint to refresh with `refresh_token`; the `error` it answers, if any.
async fn refresh_error(demo: &RunningDemo, refresh_token: &str) -> Option<String> {
    let response =
        support::oauth::refresh(&support::demo::http(), &demo.base_url, refresh_token).await;
    if response.status().is_success() {
        return None;
    }
    let json: serde_json::Value = response.json().await.unwrap_or_default();
    Some(json["error"].as_str().unwrap_or("?").to_owned())
}

/// Rewrites the token file's expiry so shopterm believes the access token is fresh.
fn pretend_fresh(path: &std::path::Path) {
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let rfc3339 = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    json["obtained_at"] = rfc3339(now).into();
    json["expires_at"] = rfc3339(now + time::Duration::hours(1)).into();
    // Writing in place keeps the file's 0600 mode.
    std::fs::write(path, serde_json::to_vec(&json).unwrap()).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_whoami_refresh_logout_and_no_secret_in_any_output() {
    let demo = spawn_demo(Duration::from_secs(2)).await;
    let (email, password) = buyer();
    let profile = profile_for(&demo.base_url);
    let sandbox = Sandbox::with_person(&email, &password, "normal");
    let mut outputs = Vec::new();
    let mut seen_tokens = Vec::new();

    let login = sandbox.browser_login_ok(&demo.base_url, &email).await;
    assert!(
        login.stderr.contains("/oauth/authorize?"),
        "the URL is always shown"
    );
    assert!(sandbox.browser_log().contains("Signed in to"));
    outputs.push(login.all_output());
    let token_file = sandbox.token_file(&profile);
    assert_eq!(mode_of(&token_file), 0o600);
    assert_eq!(mode_of(token_file.parent().unwrap()), 0o700);
    let (access1, refresh1) = tokens_in(&token_file);
    let refresh1 = refresh1.expect("a refresh token");
    seen_tokens.extend([access1.clone(), refresh1.clone()]);
    let config = std::fs::read_to_string(sandbox.path("config/config.toml")).unwrap();
    assert!(
        config.contains(&format!("default_profile = \"{profile}\"")),
        "{config}"
    );

    let whoami = sandbox.run(&["whoami"]).await;
    whoami.assert_ok();
    whoami.assert_stdout_has(&format!("<{email}>"));
    whoami.assert_stdout_has("Access token expires:");
    outputs.push(whoami.all_output());

    // The 2 s access token has expired: the next command refreshes before asking the shop.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let after_expiry = sandbox.run(&["whoami"]).await;
    assert!(
        after_expiry.status.success(),
        "{}",
        after_expiry.all_output()
    );
    outputs.push(after_expiry.all_output());
    let (access2, refresh2) = tokens_in(&token_file);
    let refresh2 = refresh2.expect("a refresh token");
    assert_ne!(access2, access1, "refreshed");
    assert_ne!(
        refresh2, refresh1,
        "the demo rotates refresh tokens; the new one is stored"
    );
    assert_eq!(mode_of(&token_file), 0o600);
    seen_tokens.extend([access2.clone(), refresh2.clone()]);

    // shopterm believes the token is fresh, the shop answers 401: refresh once, retry once.
    pretend_fresh(&token_file);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let after_401 = sandbox.run(&["whoami"]).await;
    after_401.assert_ok();
    outputs.push(after_401.all_output());
    let (access3, refresh3) = tokens_in(&token_file);
    let refresh3 = refresh3.expect("a refresh token");
    assert_ne!(access3, access2, "refreshed after the 401");
    seen_tokens.extend([access3.clone(), refresh3.clone()]);

    let logout = sandbox.run(&["logout"]).await;
    logout.assert_ok();
    logout.assert_stdout_has("tokens revoked at the shop and deleted here");
    outputs.push(logout.all_output());
    assert!(!token_file.exists());
    assert_eq!(
        refresh_error(&demo, &refresh3).await.as_deref(),
        Some("invalid_grant")
    );

    let whoami = sandbox.run(&["whoami"]).await;
    assert!(!whoami.status.success());
    assert!(whoami.stderr.contains("not signed in"), "{}", whoami.stderr);
    outputs.push(whoami.all_output());

    // No token in any output, in the log (written at trace level here), or in the browser's log.
    let log = std::fs::read_to_string(sandbox.log_file()).expect("a log file");
    assert!(
        log.contains("access token refreshed"),
        "the log covers the session"
    );
    let everything = format!("{}\n{log}\n{}", outputs.join("\n"), sandbox.browser_log());
    for token in &seen_tokens {
        assert!(token.len() >= 16);
        assert!(
            !everything.contains(token.as_str()),
            "a token leaked into the output or the log"
        );
    }
}

/// `shopterm login` with `timeout` seconds, the buyer's browser typing `password` and acting
/// `mode`: it fails, saying "no answer from the browser `within`" (or the refusal), and stores
/// no token.
async fn refused_login(
    demo: &RunningDemo,
    password: &str,
    mode: &str,
    timeout: &str,
    says: &str,
) -> Sandbox {
    let sandbox = Sandbox::with_person(&buyer().0, password, mode);
    let run = sandbox
        .run(&["login", &demo.base_url, "--timeout", timeout])
        .await;
    assert!(!run.status.success(), "{}", run.all_output());
    run.assert_stderr_has(says);
    assert!(!sandbox.token_file(&profile_for(&demo.base_url)).exists());
    sandbox
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_store_no_token() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let (email, password) = buyer();
    let profile = profile_for(&demo.base_url);

    // A forged or stale answer (state mismatch): refused with 400, and the sign-in keeps
    // waiting for the real one (issue 11: one forged request must not end it) until it times out.
    let sandbox = refused_login(&demo, &password, "tamper_state", "4", "within 4 s").await;
    assert!(sandbox.browser_log().contains("\"status\": 400"));
    assert!(sandbox.browser_log().contains("state differs"));

    // The person declines at the consent page: error=access_denied.
    let refusal = "the sign-in was refused: access_denied";
    refused_login(&demo, &password, "deny", "30", refusal).await;

    // Wrong password: the shop shows its form again, the callback never comes: time-out.
    let sandbox = refused_login(&demo, "not the password", "normal", "3", "within 3 s").await;
    assert!(sandbox.browser_log().contains("sign-in-refused"));

    // A callback after the time-out finds no listener.
    let sandbox = refused_login(&demo, &password, "late:3", "1", "within 1 s").await;
    // The script is still sleeping when shopterm gives up; wait for its late visit.
    for _ in 0..100 {
        if sandbox.browser_log().contains("callback") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        sandbox.browser_log().contains("callback-unreachable"),
        "{}",
        sandbox.browser_log()
    );
    assert!(!sandbox.token_file(&profile).exists());

    // A second callback is refused; the first one signs in.
    let sandbox = Sandbox::with_person(&email, &password, "twice");
    let run = sandbox
        .run(&["login", &demo.base_url, "--timeout", "30"])
        .await;
    run.assert_ok();
    for _ in 0..100 {
        if sandbox.browser_log().contains("\"round\": 1") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let log = sandbox.browser_log();
    let second = log
        .lines()
        .find(|l| l.contains("\"round\": 1"))
        .unwrap_or_else(|| panic!("no second visit: {log}"));
    assert!(
        second.contains("callback-unreachable") || second.contains("\"status\": 409"),
        "the second callback was accepted: {second}"
    );
    assert!(sandbox.token_file(&profile).exists());

    // Plain HTTP to a shop on the network is refused before anything is sent.
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["login", "http://shop.example"]).await;
    assert!(!run.status.success());
    assert!(run.stderr.contains("must use https://"), "{}", run.stderr);
    assert!(!sandbox.path("config/config.toml").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_browser_takes_the_pasted_redirect() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let (email, password) = buyer();
    let sandbox = Sandbox::with_person(&email, &password, "print");
    let mut command =
        sandbox.command(&["login", &demo.base_url, "--no-browser", "--timeout", "30"]);
    command.stdin(std::process::Stdio::piped());
    let mut child = command.spawn().expect("shopterm starts");
    let mut stdin = child.stdin.take().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut url = None;
    while let Some(line) = stderr.next_line().await.unwrap() {
        if let Some(found) = line
            .trim()
            .strip_prefix("http")
            .filter(|_| line.contains("/oauth/authorize?"))
        {
            url = Some(format!("http{found}"));
        }
        if line.contains("paste it here") {
            break;
        }
    }
    let url = url.expect("the authorization URL is printed");
    // The person opens it "on another machine" and copies the address the browser ends on.
    let script = scripted_browser();
    let printed = tokio::process::Command::new("python3")
        .arg(&script)
        .arg(&url)
        .envs(sandbox.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .await
        .unwrap();
    let redirect = String::from_utf8(printed.stdout).unwrap();
    assert!(redirect.starts_with("http://127.0.0.1:"), "{redirect}");
    // A wrong paste first: shopterm asks again.
    stdin.write_all(b"something else\n").await.unwrap();
    let mut asked_again = false;
    while let Some(line) = stderr.next_line().await.unwrap() {
        if line.contains("Paste the address again") {
            asked_again = true;
            break;
        }
    }
    assert!(asked_again);
    stdin.write_all(redirect.as_bytes()).await.unwrap();
    stdin.flush().await.unwrap();
    let output = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains(&format!("as {email}")), "{stdout}");
    assert!(sandbox.token_file(&profile_for(&demo.base_url)).exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_cancels_a_waiting_login() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let mut sandbox = Sandbox::new();
    // A browser that does nothing: shopterm waits.
    sandbox.set("BROWSER", "true");
    let mut child = sandbox
        .command(&["login", &demo.base_url, "--timeout", "60"])
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut collected = String::new();
    while let Some(line) = stderr.next_line().await.unwrap() {
        collected.push_str(&line);
        collected.push('\n');
        if line.contains("Waiting for the browser") {
            break;
        }
    }
    let pid = child.id().expect("running").to_string();
    // The shell's own `kill`: no procps needed.
    let killed = std::process::Command::new("sh")
        .args(["-c", &format!("kill -INT {pid}")])
        .status()
        .unwrap();
    assert!(killed.success());
    while let Some(line) = stderr.next_line().await.unwrap() {
        collected.push_str(&line);
        collected.push('\n');
    }
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("exits promptly after Ctrl-C")
        .unwrap();
    assert!(!status.success());
    assert!(collected.contains("sign-in cancelled"), "{collected}");
    assert!(!sandbox.token_file(&profile_for(&demo.base_url)).exists());
}

/// Signs in through the binary and creates an API credential with the session; (id, secret).
async fn api_credential(demo: &RunningDemo, sandbox: &mut Sandbox) -> (String, String) {
    let (email, password) = buyer();
    sandbox.with_browser(&email, &password, "normal");
    let login = sandbox.run(&["login", &demo.base_url]).await;
    login.assert_ok();
    let (access, _) = tokens_in(&sandbox.token_file(&profile_for(&demo.base_url)));
    let created: serde_json::Value = reqwest::Client::builder()
        .gzip(true)
        .build()
        .unwrap()
        .post(format!("{}/api/customer/api-credentials", demo.base_url))
        .bearer_auth(access)
        .json(&serde_json::json!({ "label": "scripts" }))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    (
        created["client_id"].as_str().unwrap().to_owned(),
        created["client_secret"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_credentials_profile() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let mut sandbox = Sandbox::new();
    let (client_id, secret) = api_credential(&demo, &mut sandbox).await;
    let (email, _) = buyer();

    // From the environment.
    sandbox.set("SHOPTERM_CLIENT_SECRET", &secret);
    let run = sandbox
        .run(&[
            "login",
            &demo.base_url,
            "--profile",
            "scripts",
            "--api-client-id",
            &client_id,
        ])
        .await;
    run.assert_ok();
    assert!(
        run.stdout
            .contains(&format!("as {email} (API client {client_id}")),
        "{}",
        run.stdout
    );
    let whoami = sandbox.run(&["whoami", "--profile", "scripts"]).await;
    whoami.assert_ok();
    whoami.assert_stdout_has(&format!("API client: {client_id}"));
    let config = std::fs::read_to_string(sandbox.path("config/config.toml")).unwrap();
    assert!(
        !config.contains(&secret),
        "the secret is never written to the config"
    );
    assert!(!sandbox.token_file("scripts").exists());

    // From a file: refused while others can read it, used once it is 0600.
    sandbox.unset("SHOPTERM_CLIENT_SECRET");
    let secret_file = sandbox.path("api-secret");
    std::fs::write(&secret_file, format!("{secret}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let file_arg = secret_file.display().to_string();
    let args = [
        "login",
        &demo.base_url,
        "--profile",
        "scripts2",
        "--api-client-id",
        &client_id,
        "--secret-file",
        &file_arg,
    ];
    let run = sandbox.run(&args).await;
    assert!(!run.status.success());
    run.assert_stderr_has("can be read by others");
    std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let run = sandbox.run(&args).await;
    run.assert_ok();

    // A wrong secret is a clear refusal.
    sandbox.set("SHOPTERM_CLIENT_SECRET", "wrong-secret");
    let run = sandbox.run(&["whoami", "--profile", "scripts"]).await;
    assert!(!run.status.success());
    run.assert_stderr_has("refused the API client id and secret (invalid_client)");
    let everything = format!(
        "{}\n{}",
        run.all_output(),
        std::fs::read_to_string(sandbox.log_file()).unwrap()
    );
    assert!(!everything.contains(&secret));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_demo_needs_its_ca() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("demo-ca.pem");
    let demo = shopterm::demo::start(DemoConfig {
        tls_ca_out: Some(ca.clone()),
        ..DemoConfig::ephemeral()
    })
    .await
    .expect("the TLS demo shop starts");
    assert!(demo.base_url.starts_with("https://"));
    let (email, password) = buyer();
    let ca_arg = ca.display().to_string();

    // Without the CA: a clear certificate message, nothing stored.
    let mut sandbox = Sandbox::with_person(&email, &password, "normal");
    sandbox.set("SHOPTERM_TEST_CA", &ca_arg);
    let run = sandbox
        .run(&["login", &demo.base_url, "--timeout", "30"])
        .await;
    assert!(!run.status.success());
    assert!(run.stderr.contains("certificate"), "{}", run.stderr);
    assert!(run.stderr.contains("--ca-file"), "{}", run.stderr);

    // With the CA through the profile's ca_file.
    let run = sandbox
        .run(&[
            "login",
            &demo.base_url,
            "--ca-file",
            &ca_arg,
            "--timeout",
            "30",
        ])
        .await;
    run.assert_ok();
    assert!(run.stdout.contains(&format!("as {email}")));
    let whoami = sandbox.run(&["whoami"]).await;
    whoami.assert_ok();

    // With the CA through SSL_CERT_FILE (reqwest's native roots read it), no ca_file.
    let mut sandbox = Sandbox::with_person(&email, &password, "normal");
    sandbox.set("SHOPTERM_TEST_CA", &ca_arg);
    sandbox.set("SSL_CERT_FILE", &ca_arg);
    let run = sandbox
        .run(&["login", &demo.base_url, "--timeout", "30"])
        .await;
    run.assert_ok();
}
