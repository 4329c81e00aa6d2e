//! The real binary in a pseudo-terminal, hardened: SIGTERM and SIGHUP give the terminal back
//! (main screen, cooked mode, cursor shown) and exit 128 + the signal; Ctrl-Z and SIGTSTP
//! suspend with the terminal given back, and SIGCONT (the shell's `fg`) draws the screen again;
//! the TUI's browser sign-in uses the profile's `prompt` and `callback_port` as `login` does; a
//! password sign-in the shop holds back after too many failures says how long to wait.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use std::path::Path;
use std::time::{Duration, Instant};
use support::pty::{PtyApp, shopterm};

const WAIT: Duration = Duration::from_secs(30);
const SIGN_IN_SCREEN: &str = "Sign in with your browser";
const ENTER_ALTERNATE: &[u8] = b"\x1b[?1049h";
const LEAVE_ALTERNATE: &[u8] = b"\x1b[?1049l";
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

/// The demo's TUI on its sign-in screen: in the alternate screen, raw mode on.
fn demo_on_sign_in_screen(home: &Path) -> PtyApp {
    let app = PtyApp::spawn(shopterm(home, &["demo", "--ephemeral"]), 30, 100);
    app.wait_for(SIGN_IN_SCREEN, WAIT);
    assert!(!app.terminal_restored(), "the TUI runs in raw mode");
    app
}

fn position(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// What the program wrote since it last entered the alternate screen.
fn since_last_enter(raw: &[u8]) -> &[u8] {
    let start = position(raw, ENTER_ALTERNATE).expect("the TUI entered the alternate screen");
    &raw[start + ENTER_ALTERNATE.len()..]
}

/// The terminal was given back: the last thing written after the last entry into the alternate
/// screen leaves it and shows the cursor, and line editing and echo are on again.
fn assert_terminal_given_back(app: &PtyApp) {
    // The process writes the restore before it stops or exits, but the bytes reach the test
    // through a reader thread: wait for them (on a loaded machine the check ran first).
    let deadline = Instant::now() + WAIT;
    let given_back = || {
        let raw = app.raw_output();
        let tail = since_last_enter(&raw);
        app.terminal_restored()
            && position(tail, LEAVE_ALTERNATE).is_some()
            && position(tail, SHOW_CURSOR).is_some()
    };
    while !given_back() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    // Anything drawn after the restore would come right behind it.
    std::thread::sleep(Duration::from_millis(100));
    let raw = app.raw_output();
    let tail = since_last_enter(&raw);
    let left = position(tail, LEAVE_ALTERNATE).expect("the alternate screen is left");
    let shown = position(tail, SHOW_CURSOR).expect("the cursor is shown");
    let last_hide = position(tail, b"\x1b[?25l");
    assert!(
        last_hide.is_none_or(|hide| hide < shown),
        "the cursor is hidden again after being shown"
    );
    // Nothing is drawn after the restore sequences (a frame would land on the user's shell).
    let after = &tail[left.max(shown)..];
    assert!(
        after.len() <= 32,
        "output after the restore: {:?}",
        String::from_utf8_lossy(after)
    );
    assert!(app.terminal_restored(), "the terminal is in cooked mode");
}

/// The process state letter in /proc (T: stopped).
fn process_state(pid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.trim_start().chars().next()
}

fn wait_until_stopped(app: &PtyApp) {
    let deadline = Instant::now() + WAIT;
    while process_state(app.pid()) != Some('T') {
        assert!(
            Instant::now() < deadline,
            "the program did not stop; state {:?}; the screen shows:\n{}",
            process_state(app.pid()),
            app.screen()
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn ended_by(signal: Signal) -> (PtyApp, u32) {
    let home = tempfile::tempdir().unwrap();
    let mut app = demo_on_sign_in_screen(home.path());
    kill(Pid::from_raw(app.pid()), signal).unwrap();
    let code = app.wait_exit_code(WAIT);
    (app, code)
}

#[test]
fn sigterm_gives_the_terminal_back_and_exits_143() {
    let (app, code) = ended_by(Signal::SIGTERM);
    assert_eq!(code, 143, "128 + SIGTERM, as docs/cli.md says");
    assert_terminal_given_back(&app);
    assert!(!app.screen().contains(SIGN_IN_SCREEN), "{}", app.screen());
}

#[test]
fn sighup_gives_the_terminal_back_and_exits_129() {
    let (app, code) = ended_by(Signal::SIGHUP);
    assert_eq!(code, 129, "128 + SIGHUP, as docs/cli.md says");
    assert_terminal_given_back(&app);
}

#[test]
fn ctrl_z_and_sigtstp_suspend_with_the_terminal_given_back_and_fg_redraws() {
    let home = tempfile::tempdir().unwrap();
    let mut app = demo_on_sign_in_screen(home.path());
    let pid = Pid::from_raw(app.pid());
    let suspend_by: [&dyn Fn(&mut PtyApp); 2] =
        [&|app: &mut PtyApp| app.send("\x1a"), &|_: &mut PtyApp| {
            kill(pid, Signal::SIGTSTP).unwrap()
        }];
    for (round, suspend) in suspend_by.iter().enumerate() {
        suspend(&mut app);
        wait_until_stopped(&app);
        assert_terminal_given_back(&app);
        assert!(
            !app.screen().contains(SIGN_IN_SCREEN),
            "round {round}: the shell's screen is back:\n{}",
            app.screen()
        );
        let written_while_stopped = app.raw_output().len();

        kill(pid, Signal::SIGCONT).unwrap();
        // The whole screen is drawn again, in the alternate screen, in raw mode.
        app.wait_for(SIGN_IN_SCREEN, WAIT);
        let raw = app.raw_output();
        assert!(
            position(&raw[written_while_stopped..], ENTER_ALTERNATE).is_some(),
            "round {round}: the alternate screen is entered again"
        );
        assert!(!app.terminal_restored(), "round {round}: raw mode again");
    }
    // Still working: Ctrl-C quits cleanly.
    app.send("\x03");
    assert_eq!(app.wait_exit_code(WAIT), 0);
    assert!(app.terminal_restored());
}

/// The TUI's browser sign-in (not only `shopterm login`) sends the profile's `prompt` and
/// listens for the redirect on its `callback_port`: `$BROWSER` records the address it was given
/// and then signs in through it.
#[test]
fn the_tui_sign_in_uses_the_profiles_prompt_and_callback_port() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let demo = runtime.block_on(support::demo::spawn_demo(Duration::from_secs(3600)));
    let home = tempfile::tempdir().unwrap();
    let port = support::free_port();
    std::fs::create_dir_all(home.path().join("config")).unwrap();
    std::fs::write(
        home.path().join("config/config.toml"),
        format!(
            "default_profile = \"local\"\n\n[profiles.local]\nshop_url = \"{}\"\nprompt = \"consent\"\ncallback_port = {port}\n",
            demo.base_url
        ),
    )
    .unwrap();
    let url_file = home.path().join("authorize-url");
    let browser_py = support::repo_root().join("tests/support/browser.py");
    let buyer = support::demo::buyer();
    let mut command = shopterm(home.path(), &[]);
    command.env(
        "BROWSER",
        format!(
            "sh -c 'echo \"$1\" > \"{}\"; exec python3 \"{}\" \"$1\"' browser",
            url_file.display(),
            browser_py.display()
        ),
    );
    command.env("SHOPTERM_TEST_EMAIL", &buyer.email);
    command.env("SHOPTERM_TEST_PASSWORD", &buyer.password);
    let mut app = PtyApp::spawn(command, 40, 120);
    app.wait_for(SIGN_IN_SCREEN, WAIT);
    app.send("\r");
    // Signed in through the redirect to the fixed port: the account's orders load.
    app.wait_for("Katrin Vogel", WAIT);

    let recorded = std::fs::read_to_string(&url_file).expect("$BROWSER was started");
    let authorize = url::Url::parse(recorded.trim()).expect("an authorization URL");
    let param = |name: &str| {
        authorize
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(param("prompt").as_deref(), Some("consent"), "{authorize}");
    assert_eq!(
        param("redirect_uri"),
        Some(format!("http://127.0.0.1:{port}/callback")),
        "{authorize}"
    );
    app.send("\x03");
    assert_eq!(app.wait_exit_code(WAIT), 0);
    drop(demo);
}

/// A password platform's sign-in held back after too many wrong passwords (issue 11, Centra
/// emulated, which sends `Retry-After`): the form says so and how long to wait, the typed e-mail
/// and password stay, and Enter once the wait is over signs in.
#[test]
fn a_locked_password_sign_in_says_how_long_to_wait_and_keeps_what_was_typed() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let demo = runtime.block_on(support::demo::spawn_demo(Duration::from_secs(3600)));
    let shop_url = format!("{}/centra/api/checkout", demo.base_url);
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("config")).unwrap();
    std::fs::write(
        home.path().join("config/config.toml"),
        format!(
            "default_profile = \"centra\"\n\n[profiles.centra]\nshop_url = \"{shop_url}\"\nplatform = \"centra\"\n"
        ),
    )
    .unwrap();
    let buyer = support::demo::buyer();
    let mut app = PtyApp::spawn(shopterm(home.path(), &[]), 36, 120);
    app.wait_for("Sign in to 127.0.0.1", WAIT);
    // Five wrong guesses from elsewhere lock the account for a second.
    runtime.block_on(async {
        let http = support::demo::http();
        for _ in 0..5 {
            let answer = http
                .post(format!("{shop_url}/login/{}", buyer.email))
                .json(&serde_json::json!({ "password": "guess" }))
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 406);
        }
    });
    app.send(&format!("{}\t{}\r", buyer.email, buyer.password));
    let screen = app.wait_for("too many sign-in attempts — try again in 1 s", WAIT);
    assert!(screen.contains(&buyer.email), "the e-mail stays: {screen}");
    assert!(!screen.contains("did not accept"), "{screen}");
    std::thread::sleep(Duration::from_millis(1100));
    // The password was kept: Enter is all it takes.
    app.send("\r");
    app.wait_for("Katrin Vogel", WAIT);
    app.send("\x03");
    assert_eq!(app.wait_exit_code(WAIT), 0);
    drop(demo);
}
