//! Test support for the sign-in tests: a scripted browser (cookies, HTML forms, manual
//! redirects), the oidc-provider peer, and running the real `shopterm` binary in a sandbox of its
//! own directories.
//!
//! Included by the `auth_*` test binaries with `#[path = "support_auth/mod.rs"] mod support_auth;`;
//! each uses a different part.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use url::Url;

// ---------------------------------------------------------------------------------------------
// A scripted browser
// ---------------------------------------------------------------------------------------------

/// One HTML form: where it posts, its named inputs, and its named submit buttons.
#[derive(Debug, Clone)]
pub struct Form {
    pub action: String,
    pub fields: Vec<(String, String)>,
    pub submits: Vec<(String, String)>,
    pub has_password: bool,
}

fn attributes(tag: &str) -> HashMap<String, String> {
    let mut attrs = HashMap::new();
    let bytes = tag.as_bytes();
    let mut i = 0;
    // Skip the tag name.
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'=' {
            i += 1;
        }
        let name = tag[start..i].to_ascii_lowercase();
        if name.is_empty() {
            break;
        }
        let mut value = String::new();
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let quote = bytes[i];
                i += 1;
                let start = i;
                while i < bytes.len() && bytes[i] != quote {
                    i += 1;
                }
                value = tag[start..i].to_owned();
                i += 1;
            } else {
                let start = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = tag[start..i].to_owned();
            }
        }
        attrs.insert(name, html_escape::decode_html_entities(&value).into_owned());
    }
    attrs
}

/// The forms of a page (enough HTML for the sign-in pages under test).
pub fn forms(html: &str) -> Vec<Form> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(start) = lower[at..].find("<form").map(|i| i + at) {
        let end = lower[start..]
            .find("</form>")
            .map(|i| i + start)
            .unwrap_or(lower.len());
        let tag_end = lower[start..].find('>').map(|i| i + start).unwrap_or(end);
        let form_attrs = attributes(&html[start + 1..tag_end]);
        let mut form = Form {
            action: form_attrs.get("action").cloned().unwrap_or_default(),
            fields: Vec::new(),
            submits: Vec::new(),
            has_password: false,
        };
        let mut pos = tag_end;
        while let Some(tag_start) = lower[pos..end].find('<').map(|i| i + pos) {
            let tag_close = lower[tag_start..end]
                .find('>')
                .map(|i| i + tag_start)
                .unwrap_or(end);
            let tag = &html[tag_start + 1..tag_close];
            let tag_lower = tag.to_ascii_lowercase();
            if tag_lower.starts_with("input") || tag_lower.starts_with("button") {
                let attrs = attributes(tag);
                let kind = attrs
                    .get("type")
                    .map(|t| t.to_ascii_lowercase())
                    .unwrap_or_else(|| {
                        if tag_lower.starts_with("button") {
                            "submit".into()
                        } else {
                            "text".into()
                        }
                    });
                if kind == "password" {
                    form.has_password = true;
                }
                if let Some(name) = attrs.get("name") {
                    let value = attrs.get("value").cloned().unwrap_or_default();
                    if kind == "submit" {
                        form.submits.push((name.clone(), value));
                    } else {
                        form.fields.push((name.clone(), value));
                    }
                }
            }
            pos = tag_close.max(tag_start + 1);
        }
        found.push(form);
        at = end;
    }
    found
}

/// What the person types and clicks.
#[derive(Debug, Clone, Default)]
pub struct Person {
    /// Values for inputs, by name (e-mail, login, password…).
    pub fill: Vec<(String, String)>,
    /// The submit button to press when a form has named ones (name, value), e.g. ("decision", "Allow").
    pub press: Option<(String, String)>,
}

/// A browser without automatic redirects, with cookies.
pub fn browser_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .gzip(true)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("browser client")
}

/// Walks from the authorization URL through the server's pages, filling forms, until the server
/// redirects to an address starting with `redirect_prefix`; returns that address (not visited).
/// `Err` tells where it stopped instead (e.g. the sign-in form came back: wrong password).
pub async fn walk_to_redirect(
    browser: &reqwest::Client,
    start: &Url,
    person: &Person,
    redirect_prefix: &str,
) -> Result<Url, String> {
    let mut request = browser.get(start.clone());
    let mut current = start.clone();
    let mut password_forms = 0;
    for _ in 0..20 {
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or("redirect without Location")?;
            let next = current.join(location).map_err(|e| e.to_string())?;
            if next.as_str().starts_with(redirect_prefix) {
                return Ok(next);
            }
            current = next.clone();
            request = browser.get(next);
            continue;
        }
        let body = response.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("HTTP {status} at {current}: {body}"));
        }
        let Some(form) = forms(&body).into_iter().next() else {
            return Err(format!("no form at {current}: {body}"));
        };
        if form.has_password {
            password_forms += 1;
            if password_forms > 1 {
                return Err("the sign-in form came back (credentials refused)".into());
            }
        }
        let mut fields = form.fields.clone();
        for (name, value) in &person.fill {
            if let Some(slot) = fields.iter_mut().find(|(n, _)| n == name) {
                slot.1 = value.clone();
            }
        }
        if let Some((name, value)) = &person.press
            && form.submits.iter().any(|(n, v)| n == name && v == value)
        {
            fields.push((name.clone(), value.clone()));
        }
        let action = current.join(&form.action).map_err(|e| e.to_string())?;
        current = action.clone();
        request = browser.post(action).form(&fields);
    }
    Err("too many steps".into())
}

/// Visits the loopback callback as the browser would; (status, page text).
pub async fn visit(browser: &reqwest::Client, url: &Url) -> Result<(u16, String), String> {
    let response = browser
        .get(url.clone())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let body = response.text().await.map_err(|e| e.to_string())?;
    Ok((
        status,
        html_escape::decode_html_entities(&body).into_owned(),
    ))
}

// ---------------------------------------------------------------------------------------------
// oidc-provider
// ---------------------------------------------------------------------------------------------

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// oidc-provider from tests/peers, on loopback. Killed on drop.
pub struct OidcServer {
    child: Child,
    pub issuer: Url,
}

impl OidcServer {
    pub fn start() -> OidcServer {
        let peers = repo_root().join("tests/peers");
        assert!(
            peers
                .join("node_modules/oidc-provider/package.json")
                .exists(),
            "oidc-provider is not installed in tests/peers/node_modules: run scripts/test (it runs `npm ci --prefix tests/peers`)"
        );
        let port = free_port();
        let mut child = Command::new("node")
            .arg(peers.join("oidc-server.mjs"))
            .arg(port.to_string())
            .current_dir(&peers)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs (install nodejs: scripts/test does)");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.contains("listening") {
                    let _ = tx.send(());
                }
            }
        });
        if rx.recv_timeout(Duration::from_secs(30)).is_err() {
            let _ = child.kill();
            panic!("oidc-provider did not start within 30 s");
        }
        OidcServer {
            child,
            issuer: Url::parse(&format!("http://127.0.0.1:{port}")).expect("issuer URL"),
        }
    }
}

impl Drop for OidcServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// The real binary, in a sandbox
// ---------------------------------------------------------------------------------------------

/// Directories of one shopterm "installation", and the environment that points it there.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub env: Vec<(String, String)>,
}

pub struct Run {
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    pub fn all_output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        let env = vec![
            (
                "SHOPTERM_CONFIG_DIR".into(),
                dir.path().join("config").display().to_string(),
            ),
            (
                "SHOPTERM_DATA_DIR".into(),
                dir.path().join("data").display().to_string(),
            ),
            (
                "SHOPTERM_STATE_DIR".into(),
                dir.path().join("state").display().to_string(),
            ),
            (
                "SHOPTERM_TEST_BROWSER_LOG".into(),
                dir.path().join("browser.log").display().to_string(),
            ),
            ("SHOPTERM_LOG".into(), "trace".into()),
            ("RUST_BACKTRACE".into(), "0".into()),
            ("NO_COLOR".into(), "1".into()),
        ];
        Sandbox { dir, env }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn token_file(&self, profile: &str) -> PathBuf {
        self.path("state")
            .join("tokens")
            .join(format!("{profile}.json"))
    }

    pub fn log_file(&self) -> PathBuf {
        self.path("state").join("shopterm.log")
    }

    pub fn browser_log(&self) -> String {
        std::fs::read_to_string(self.path("browser.log")).unwrap_or_default()
    }

    /// `BROWSER` = the scripted person (tests/support_auth/browser.py) signing in as `email`.
    pub fn with_browser(&mut self, email: &str, password: &str, mode: &str) -> &mut Sandbox {
        let script = repo_root().join("tests/support_auth/browser.py");
        self.set("BROWSER", &format!("python3 '{}'", script.display()));
        self.set("SHOPTERM_TEST_EMAIL", email);
        self.set("SHOPTERM_TEST_PASSWORD", password);
        self.set("SHOPTERM_TEST_BROWSER_MODE", mode);
        self
    }

    pub fn set(&mut self, key: &str, value: &str) -> &mut Sandbox {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn unset(&mut self, key: &str) -> &mut Sandbox {
        self.env.retain(|(k, _)| k != key);
        self
    }

    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_shopterm"));
        command
            .args(args)
            .env_remove("BROWSER")
            .env_remove("SHOPTERM_CLIENT_SECRET")
            .env_remove("SSL_CERT_FILE")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        command
    }

    /// Runs `shopterm ARGS` to the end (at most 60 s).
    pub async fn run(&self, args: &[&str]) -> Run {
        let started = Instant::now();
        let output = tokio::time::timeout(Duration::from_secs(60), self.command(args).output())
            .await
            .expect("shopterm finishes within 60 s")
            .expect("shopterm runs");
        Run {
            status: output.status,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            elapsed: started.elapsed(),
        }
    }
}

/// The file's permission bits.
pub fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("file exists")
        .permissions()
        .mode()
        & 0o777
}

/// The tokens in a profile's token file (access, refresh).
pub fn tokens_in(path: &Path) -> (String, Option<String>) {
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("token file")).expect("JSON");
    (
        json["access_token"]
            .as_str()
            .expect("access token")
            .to_owned(),
        json["refresh_token"].as_str().map(str::to_owned),
    )
}

pub fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}
