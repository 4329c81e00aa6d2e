//! The real `shopterm` binary run in a sandbox of its own directories (config, data, state),
//! and reading what it left there (token files and their modes).

use super::repo_root;
use shopterm::paths::Paths;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

/// shopterm's directories inside `dir`, as the sandbox's environment sets them.
pub fn paths(dir: &Path) -> Paths {
    Paths {
        config_dir: dir.join("config"),
        data_dir: dir.join("data"),
        state_dir: dir.join("state"),
    }
}

/// The profile `shopterm login URL` creates: the URL's host and port.
pub fn profile_for(base_url: &str) -> String {
    base_url.trim_start_matches("http://").to_owned()
}

/// The scripted person who signs in when shopterm opens `$BROWSER` (see its header).
pub fn scripted_browser() -> PathBuf {
    repo_root().join("tests/support/browser.py")
}

/// Directories of one shopterm "installation", and the environment that points it there.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub env: Vec<(String, String)>,
}

#[derive(Debug)]
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

    /// Asserts that shopterm exited 0 (the failure shows all it printed).
    #[track_caller]
    pub fn assert_ok(&self) {
        assert!(self.status.success(), "{}", self.all_output());
    }

    /// Asserts that shopterm's standard output says `text`.
    #[track_caller]
    pub fn assert_stdout_has(&self, text: &str) {
        self.assert_says("output", &self.stdout, text);
    }

    /// Asserts that shopterm's standard error says `text`.
    #[track_caller]
    pub fn assert_stderr_has(&self, text: &str) {
        self.assert_says("error output", &self.stderr, text);
    }

    #[track_caller]
    fn assert_says(&self, stream: &str, printed: &str, text: &str) {
        let all = self.all_output();
        assert!(
            printed.contains(text),
            "{text:?} is not in the {stream}:\n{all}"
        );
    }

    /// Asserts that `shopterm login BASE_URL` signed in as `email`, under the profile named
    /// after the URL.
    #[track_caller]
    pub fn assert_signed_in(&self, base_url: &str, email: &str) {
        self.assert_ok();
        let profile = profile_for(base_url);
        assert_eq!(
            self.stdout.trim(),
            format!("Signed in to {profile} as {email}")
        );
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
                "SHOPTERM_RUNTIME_DIR".into(),
                dir.path().join("run").display().to_string(),
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

    /// Asserts that the profile shopterm wrote says `platform = "PLATFORM"`.
    #[track_caller]
    pub fn assert_config_platform(&self, platform: &str) {
        let config = std::fs::read_to_string(self.path("config/config.toml")).expect("config");
        let line = format!("platform = \"{platform}\"");
        assert!(
            config.contains(&line),
            "{line} is not in config.toml:\n{config}"
        );
    }

    pub fn log_file(&self) -> PathBuf {
        self.path("state").join("shopterm.log")
    }

    pub fn browser_log(&self) -> String {
        std::fs::read_to_string(self.path("browser.log")).unwrap_or_default()
    }

    /// A sandbox whose `BROWSER` is the scripted person ([`Sandbox::with_browser`]).
    pub fn with_person(email: &str, password: &str, mode: &str) -> Sandbox {
        let mut sandbox = Sandbox::new();
        sandbox.with_browser(email, password, mode);
        sandbox
    }

    /// `BROWSER` = the scripted person ([`scripted_browser`]) signing in as `email`.
    pub fn with_browser(&mut self, email: &str, password: &str, mode: &str) -> &mut Sandbox {
        let script = scripted_browser();
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
        command.args(args);
        self.prepare(&mut command);
        command
    }

    /// Gives `command` (shopterm, or a wrapper that runs it) this sandbox's environment and
    /// nothing of the developer's sign-in settings; no input, output captured.
    pub fn prepare(&self, command: &mut tokio::process::Command) {
        for inherited in ["BROWSER", "SHOPTERM_CLIENT_SECRET", "SSL_CERT_FILE"] {
            command.env_remove(inherited);
        }
        command
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
    }

    /// Runs `shopterm ARGS` to the end (at most 60 s).
    pub async fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None).await
    }

    /// `shopterm register URL --platform P` for a new customer Ada Lovelace (Ms, a phone) with
    /// `email`, the password given on standard input.
    pub async fn register(&self, url: &str, platform: &str, email: &str, password: &str) -> Run {
        let args = [
            "register",
            url,
            "--platform",
            platform,
            "--email",
            email,
            "--first-name",
            "Ada",
            "--last-name",
            "Lovelace",
            "--salutation",
            "Ms",
            "--phone",
            "+46 31 123 456",
            "--password-stdin",
        ];
        self.run_with_stdin(&args, Some(&format!("{password}\n")))
            .await
    }

    /// Runs `shopterm ARGS` to the end (at most 60 s), `stdin` written to its standard input
    /// (closed at once when `None`).
    pub async fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let started = Instant::now();
        let mut command = self.command(args);
        if stdin.is_some() {
            command.stdin(Stdio::piped());
        }
        let mut child = command.spawn().expect("shopterm runs");
        if let (Some(text), Some(mut input)) = (stdin, child.stdin.take()) {
            input
                .write_all(text.as_bytes())
                .await
                .expect("shopterm reads its standard input");
        }
        let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
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

    /// `shopterm login URL --platform PLATFORM --email EMAIL --password-stdin`, the password
    /// (and a newline) on its standard input.
    pub async fn password_login(
        &self,
        url: &str,
        platform: &str,
        email: &str,
        password: &str,
    ) -> Run {
        let args = [
            "login",
            url,
            "--platform",
            platform,
            "--email",
            email,
            "--password-stdin",
        ];
        self.run_with_stdin(&args, Some(&format!("{password}\n")))
            .await
    }

    /// `shopterm login URL` through the browser set with [`Sandbox::with_browser`]: it must sign
    /// in as `email` under the profile named after the URL.
    pub async fn browser_login_ok(&self, base_url: &str, email: &str) -> Run {
        let login = self.run(&["login", base_url, "--timeout", "30"]).await;
        login.assert_signed_in(base_url, email);
        login
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
