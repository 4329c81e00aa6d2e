//! Prism (`@stoplight/prism-cli`, installed in `tests/peers` by `scripts/test`) as a validating
//! proxy: every request and response that passes through it is checked against an OpenAPI file.
//!
//! Started with `--errors`, Prism answers a request that violates the description itself (422, or
//! 401 for missing credentials) instead of forwarding it, and replaces a response whose body,
//! media type or headers violate it with a 500 problem+json. A response whose *status code* the
//! description does not list is only logged as a warning, so [`Prism::violations`] reads the log
//! as well: a conformance test asserts both.

use super::free_port;
use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long Prism may take to parse the description and listen.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A running `prism proxy --errors SPEC UPSTREAM`, killed when dropped.
pub struct Prism {
    child: Child,
    port: u16,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base_url: String,
    log: Arc<Mutex<Vec<String>>>,
}

/// The Prism launcher installed by `npm ci --prefix tests/peers`.
pub fn prism_binary() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/node_modules/.bin/prism")
}

impl Prism {
    /// Starts the proxy for `spec` in front of `upstream` on a free loopback port and waits until
    /// it listens. Panics with the log when it cannot start: a missing Prism is a failure, never a
    /// reason to skip, because a skipped conformance test proves nothing.
    pub fn start(spec: &Path, upstream: &str) -> Prism {
        let binary = prism_binary();
        assert!(
            binary.exists(),
            "Prism is not installed at {}: run scripts/test (or `npm ci --prefix tests/peers`) \
             to install the npm test peers",
            binary.display()
        );
        assert!(
            spec.exists(),
            "no OpenAPI description at {}",
            spec.display()
        );
        // The port is free when picked but could be taken before Prism binds it: try again then.
        let mut attempts = 0;
        loop {
            attempts += 1;
            let mut prism = Prism::spawn(&binary, spec, upstream, free_port());
            match prism.wait_until_listening() {
                Ok(()) => return prism,
                Err(why) if attempts < 3 && prism.log_text().contains("EADDRINUSE") => {
                    eprintln!("Prism could not bind its port, trying another: {why}");
                }
                Err(why) => panic!("{why}\nPrism's log:\n{}", prism.log_text()),
            }
        }
    }

    fn spawn(binary: &Path, spec: &Path, upstream: &str, port: u16) -> Prism {
        let mut child = Command::new(binary)
            .arg("proxy")
            .arg("--errors")
            .arg(spec)
            .arg(upstream)
            .args(["--port", &port.to_string(), "--host", "127.0.0.1"])
            // No colour codes in the log, so it reads (and greps) as plain text.
            .env("FORCE_COLOR", "0")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run {} ({e}); Prism needs node on PATH: run scripts/test",
                    binary.display()
                )
            });
        let log = Arc::new(Mutex::new(Vec::new()));
        let streams: [Option<Box<dyn Read + Send>>; 2] = [
            child.stdout.take().map(|s| Box::new(s) as _),
            child.stderr.take().map(|s| Box::new(s) as _),
        ];
        for stream in streams.into_iter().flatten() {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    log.lock().unwrap_or_else(|e| e.into_inner()).push(line);
                }
            });
        }
        Prism {
            child,
            port,
            base_url: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    /// Waits until Prism says it listens and accepts a connection; bounded by [`START_TIMEOUT`].
    fn wait_until_listening(&mut self) -> Result<(), String> {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "Prism exited ({status}) before listening on {addr}"
                ));
            }
            let announced = self
                .log_lines()
                .iter()
                .any(|l| l.contains("Prism is listening"));
            if announced && TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(format!(
                    "Prism did not listen on {addr} within {START_TIMEOUT:?}"
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn log_lines(&self) -> Vec<String> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn log_text(&self) -> String {
        self.log_lines().join("\n")
    }

    /// Log lines that report a violation of the description: `Violation: …` (logged for every
    /// request or response that does not conform, including an undocumented status code, which
    /// `--errors` does not turn into an error answer) and `Request terminated with error: …`
    /// (Prism answered in place of the server).
    pub fn violations(&self) -> Vec<String> {
        self.log_lines()
            .into_iter()
            .filter(|line| is_violation(line))
            .collect()
    }

    /// How many requests Prism forwarded to the server (rather than answering itself).
    pub fn forwarded(&self) -> usize {
        self.log_lines()
            .iter()
            .filter(|line| line.contains("> Forwarding"))
            .count()
    }

    /// Panics with the offending log lines when Prism saw anything that does not conform.
    pub fn assert_no_violations(&self) {
        let violations = self.violations();
        assert!(
            violations.is_empty(),
            "Prism reported {} violation(s) of the OpenAPI description:\n{}\n\nfull log:\n{}",
            violations.len(),
            violations.join("\n"),
            self.log_text()
        );
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn is_violation(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    lower.contains("violation") || lower.contains("request terminated with error")
}
