//! oidc-provider (an independent, certified OpenID provider from tests/peers) on loopback, for
//! the sign-in interop tests.

use super::{free_port, repo_root};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use url::Url;

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
