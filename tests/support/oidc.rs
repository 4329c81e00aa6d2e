//! oidc-provider (an independent, certified OpenID provider from tests/peers) on loopback, for
//! the sign-in interop tests.

use super::{free_port, repo_root};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use url::Url;

/// oidc-provider from tests/peers, on loopback. Killed on drop.
pub struct OidcServer {
    child: Child,
    pub issuer: Url,
    /// The grant types of the token requests it answered, in order.
    grants: Arc<Mutex<Vec<String>>>,
}

impl OidcServer {
    /// Refresh tokens for every grant, whatever the scope and prompt; access tokens for 120 s.
    pub fn start() -> OidcServer {
        OidcServer::start_with(&[])
    }

    /// oidc-provider's strict defaults (a refresh token only for `offline_access` with
    /// `prompt=consent`), access tokens living `access_token_ttl`.
    pub fn start_strict(access_token_ttl: Duration) -> OidcServer {
        OidcServer::start_with(&["strict", &access_token_ttl.as_secs().to_string()])
    }

    /// The grant types of the token requests answered so far, once at least `count` were seen.
    /// The provider prints each grant after its answer, and the line comes through a pipe read
    /// by another thread: a test asking right after its token request would otherwise race the
    /// line (it did on a loaded machine). Waits up to 10 s, then a little longer for any extra
    /// grant (which the caller's assertion then shows).
    pub fn grants(&self, count: usize) -> Vec<String> {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while self.grants.lock().unwrap().len() < count && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(100));
        self.grants.lock().unwrap().clone()
    }

    fn start_with(args: &[&str]) -> OidcServer {
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
            .args(args)
            .current_dir(&peers)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs (install nodejs: scripts/test does)");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        let grants = Arc::new(Mutex::new(Vec::new()));
        let seen = grants.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.contains("listening") {
                    let _ = tx.send(());
                }
                if let Some(grant) = line.strip_prefix("grant ") {
                    seen.lock().unwrap().push(grant.trim().to_owned());
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
            grants,
        }
    }
}

impl Drop for OidcServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
