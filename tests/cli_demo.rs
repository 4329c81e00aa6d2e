//! The `shopterm demo` commands, run as the real binary: `--serve` prints its URL and the demo
//! accounts and serves; `--tls` serves HTTPS that only clients trusting its CA accept; `outbox`
//! prints the password-reset mails.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Served {
    child: Child,
    lines: Vec<String>,
    _home: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    fn base_url(&self) -> &str {
        self.lines[0]
            .strip_prefix("Demo shop: ")
            .expect("first line names the URL")
    }

    fn line_starting(&self, prefix: &str) -> Option<&str> {
        self.lines.iter().find_map(|l| l.strip_prefix(prefix))
    }
}

fn shopterm(home: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shopterm"));
    command
        .env("SHOPTERM_CONFIG_DIR", home.join("config"))
        .env("SHOPTERM_DATA_DIR", home.join("data"))
        .env("SHOPTERM_STATE_DIR", home.join("state"))
        .env_remove("RUST_LOG");
    command
}

/// Runs `command` to the end; it must exit 0 (the failure shows its error output).
fn succeeds(command: &mut Command) -> std::process::Output {
    let output = command.output().expect("shopterm runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    output
}

/// Starts `shopterm demo --serve ARGS` and reads its banner up to "Press Ctrl-C".
fn serve(args: &[&str]) -> Served {
    let home = tempfile::tempdir().unwrap();
    let mut child = shopterm(home.path())
        .args(["demo", "--serve"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start shopterm");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the demo shop printed its banner");
        let done = line.starts_with("Press Ctrl-C");
        lines.push(line);
        if done {
            break;
        }
    }
    Served {
        child,
        lines,
        _home: home,
    }
}

#[tokio::test]
async fn serve_prints_url_and_accounts_buyer_first() {
    let served = serve(&["--ephemeral"]);
    let url = served.base_url().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let accounts: Vec<&String> = served
        .lines
        .iter()
        .filter(|l| l.contains("  password: "))
        .collect();
    assert!(accounts.len() >= 3, "{:?}", served.lines);
    let buyer = shopterm::demo::store::Store::demo_logins().remove(0);
    assert!(accounts[0].starts_with(&format!("{}  password: {}", buyer.email, buyer.password)));

    let metadata: serde_json::Value =
        reqwest::get(format!("{url}/.well-known/oauth-authorization-server"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(metadata["issuer"], url.as_str());
    assert_eq!(
        metadata["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
}

#[tokio::test]
async fn tls_mode_is_trusted_only_with_its_ca() {
    let served = serve(&["--ephemeral", "--tls"]);
    let url = served.base_url().to_owned();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let ca = served
        .line_starting("CA certificate: ")
        .expect("CA path printed");
    let metadata_url = format!("{url}/.well-known/oauth-authorization-server");

    let trusting = shopterm::net::http_client(Some(std::path::Path::new(ca))).unwrap();
    let answer = trusting
        .get(&metadata_url)
        .send()
        .await
        .expect("HTTPS with the CA works");
    assert_eq!(answer.status(), 200);

    let untrusting = shopterm::net::http_client(None).unwrap();
    let refused = untrusting
        .get(&metadata_url)
        .send()
        .await
        .expect_err("unknown CA refused");
    let chain = format!("{:?}", refused);
    assert!(chain.to_lowercase().contains("certificate"), "{chain}");

    let plain = format!(
        "http://{}/.well-known/oauth-authorization-server",
        url.trim_start_matches("https://")
    );
    assert!(
        reqwest::get(&plain).await.is_err(),
        "plain HTTP to the TLS port is refused"
    );
}

#[tokio::test]
async fn outbox_prints_reset_mails_from_the_data_file() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("shop.sqlite3");
    let served = serve(&["--data", data.to_str().unwrap()]);
    let buyer = shopterm::demo::store::Store::demo_logins().remove(0);
    let client = reqwest::Client::new();
    let answer = client
        .post(format!(
            "{}/api/customer/password/forgotten",
            served.base_url()
        ))
        .json(&serde_json::json!({ "email": buyer.email }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 202);

    let over_http =
        succeeds(shopterm(home.path()).args(["demo", "outbox", "--url", served.base_url()]));
    let text = String::from_utf8(over_http.stdout).unwrap();
    assert!(text.contains(&format!("To: {}", buyer.email)), "{text}");
    assert!(text.contains("Reset key: "), "{text}");

    drop(served);
    let data_path = data.to_str().unwrap();
    let from_file =
        succeeds(shopterm(home.path()).args(["demo", "outbox", "--json", "--data", data_path]));
    let mails: serde_json::Value = serde_json::from_slice(&from_file.stdout).unwrap();
    assert_eq!(mails.as_array().map(Vec::len), Some(1));
    assert_eq!(mails[0]["to"], buyer.email.as_str());
}

#[test]
fn version_and_refusal_of_non_loopback_address() {
    let home = tempfile::tempdir().unwrap();
    let version = shopterm(home.path()).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("shopterm {}", env!("CARGO_PKG_VERSION"))
    );
    let refused = shopterm(home.path())
        .args(["demo", "--serve", "--ephemeral", "--addr", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("loopback"));
}
