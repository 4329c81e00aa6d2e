//! Runs the real shopterm binary in a pseudo-terminal and reads its screen with a vt100 parser,
//! as a user's terminal would show it. Also keeps every byte the program wrote (to check that no
//! escape sequence from shop data got through) and what it asked to copy (OSC 52).
//!
//! Part of `support`, and also included on its own by the TUI's PTY tests
//! (`#[path = "support/pty.rs"] mod pty;`), which use a part of it: hence the allowance.

#![allow(dead_code)]

use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The shopterm binary with `args`, as the PTY tests start it: a home of its own (config, data,
/// state and runtime under `home`), a 256-colour terminal, `NO_COLOR` unset, and a `BROWSER` that fails
/// loudly if started (a test that signs in through one sets its own). `SHOPTERM_BIN` runs the
/// tests against another build (to see them fail on an older one).
pub fn shopterm(home: &Path, args: &[&str]) -> CommandBuilder {
    let binary =
        std::env::var("SHOPTERM_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_shopterm").to_owned());
    let mut command = CommandBuilder::new(binary);
    command.args(args);
    command.env("SHOPTERM_CONFIG_DIR", home.join("config"));
    command.env("SHOPTERM_DATA_DIR", home.join("data"));
    command.env("SHOPTERM_STATE_DIR", home.join("state"));
    command.env("SHOPTERM_RUNTIME_DIR", home.join("run"));
    command.env("TERM", "xterm-256color");
    command.env_remove("NO_COLOR");
    command.env("BROWSER", "false");
    command
}

/// `shopterm demo --ephemeral --platform PLATFORM EXTRA` in a `rows` × `cols` terminal, on the
/// sign-in form of the password platform (no browser involved), within `wait`.
pub fn demo_sign_in_form(
    home: &Path,
    platform: &str,
    extra: &[&str],
    (rows, cols): (u16, u16),
    wait: Duration,
) -> PtyApp {
    let args = [&["demo", "--ephemeral", "--platform", platform], extra].concat();
    let app = PtyApp::spawn(shopterm(home, &args), rows, cols);
    // The status bar is the frame's last row to be drawn: with it, the form's fields are there
    // too (a frame read mid-draw had the form's box without them).
    app.wait_until(wait, "the whole sign-in form", |s| {
        s.contains("Sign in to 127.0.0.1") && s.lines().last().is_some_and(|l| l.contains("quit"))
    });
    app
}

/// Signs `command`'s browser sign-in in as `email` with the password in `password_file`: `BROWSER`
/// becomes the scripted browser (tests/support/browser.py).
pub fn with_scripted_browser(command: &mut CommandBuilder, email: &str, password_file: &Path) {
    let browser = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/browser.py");
    command.env("BROWSER", format!("python3 {}", browser.display()));
    command.env("SHOPTERM_TEST_EMAIL", email);
    command.env("SHOPTERM_TEST_PASSWORD_FILE", password_file);
}

/// Pays a payment form that `command` opens: `BROWSER` becomes the scripted payer
/// (tests/support/pay_form.py), which logs what it did to `log` (JSON lines).
pub fn with_scripted_payer(command: &mut CommandBuilder, log: &Path) {
    let payer = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/pay_form.py");
    command.env("BROWSER", format!("python3 {}", payer.display()));
    command.env("SHOPTERM_TEST_PAY_LOG", log);
}

/// Records clipboard writes the program asks the terminal for.
#[derive(Default)]
struct Recorder {
    clipboard: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl vt100::Callbacks for Recorder {
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        self.clipboard.lock().unwrap().push(data.to_vec());
    }
}

pub struct PtyApp {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser<Recorder>>>,
    raw: Arc<Mutex<Vec<u8>>>,
    clipboard: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl PtyApp {
    pub fn spawn(command: CommandBuilder, rows: u16, cols: u16) -> PtyApp {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let child = pty.slave.spawn_command(command).expect("spawn in the pty");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let clipboard = Arc::new(Mutex::new(Vec::new()));
        let recorder = Recorder {
            clipboard: clipboard.clone(),
        };
        let parser = Arc::new(Mutex::new(vt100::Parser::new_with_callbacks(
            std::num::NonZeroU16::new(rows).unwrap(),
            std::num::NonZeroU16::new(cols).unwrap(),
            0,
            recorder,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (parser2, raw2) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                raw2.lock().unwrap().extend_from_slice(&buf[..n]);
                parser2.lock().unwrap().process(&buf[..n]);
            }
        });
        PtyApp {
            master: pty.master,
            writer,
            child,
            parser,
            raw,
            clipboard,
        }
    }

    /// Types text (keys as bytes: "\r" Enter, "\x1b" Esc, "\t" Tab, "\x1b[B" Down …).
    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Presses Esc alone. A terminal cannot tell Esc followed at once by a key from Alt+key, so
    /// wait a moment before whatever comes next, as a person's typing would.
    pub fn escape(&mut self) {
        self.send("\x1b");
        std::thread::sleep(Duration::from_millis(150));
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// The lines of the screen drawn (partly) in inverse video: where the TUI shows a selection.
    pub fn inverse_lines(&self) -> Vec<String> {
        let parser = self.parser.lock().unwrap();
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        let (rows, cols) = (u16::from(rows), u16::from(cols));
        let texts: Vec<String> = screen.rows(0, cols).collect();
        (0..rows)
            .filter(|&row| {
                (0..cols).any(|col| {
                    screen
                        .cell(row, col)
                        .is_some_and(|c| c.inverse() && !c.contents().trim().is_empty())
                })
            })
            .map(|row| texts[usize::from(row)].clone())
            .collect()
    }

    /// Waits until the screen shows `needle`; panics with the screen if it does not in time.
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        self.wait_until(timeout, &format!("{needle:?} on screen"), |screen| {
            screen.contains(needle)
        })
    }

    pub fn wait_until(&self, timeout: Duration, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; the screen shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Waits for the program to end; returns whether it exited successfully.
    pub fn wait_exit(&mut self, timeout: Duration) -> bool {
        self.wait_exit_code(timeout) == 0
    }

    /// The program's process id, for sending it signals.
    pub fn pid(&self) -> i32 {
        let pid = self.child.process_id().expect("the program's pid");
        i32::try_from(pid).expect("a pid fits in i32")
    }

    /// Waits for the program to end (killing it and failing after `timeout`); returns its exit
    /// code.
    pub fn wait_exit_code(&mut self, timeout: Duration) -> u32 {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let screen = self.screen();
                panic!("the program did not exit; the screen shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// True when the terminal is back in cooked mode (line editing and echo on), as after a clean exit.
    pub fn terminal_restored(&self) -> bool {
        use nix::sys::termios::LocalFlags;
        let termios = self.master.get_termios().expect("termios of the pty");
        termios
            .local_flags
            .contains(LocalFlags::ICANON | LocalFlags::ECHO)
    }

    pub fn raw_output(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    pub fn clipboard(&self) -> Vec<Vec<u8>> {
        self.clipboard.lock().unwrap().clone()
    }

    pub fn resize(&self, rows: u16, cols: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        self.parser.lock().unwrap().screen_mut().set_size(
            std::num::NonZeroU16::new(rows).unwrap(),
            std::num::NonZeroU16::new(cols).unwrap(),
        );
    }
}

impl Drop for PtyApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
