//! Latency of the real `shopterm` binary as a terminal sees it: the program runs in a pseudo-terminal
//! against a demo shop served by a second `shopterm` process, and every byte it writes is
//! timestamped on arrival.
//!
//! - start → first frame: from spawning `shopterm --profile bench` (a stored token) to the bytes
//!   of the tab bar;
//! - start → order rows: from the spawn to the bytes that put the first order row on the screen
//!   (the bare app's first frame has its rows already);
//! - key → frame: from writing `j`/`k` to the pty to the end of the redraw (ratatui ends each frame
//!   by hiding the cursor), with the first page (100 orders) and with the whole history loaded;
//! - the resident memory of the TUI process holding the whole history.
//!
//! A bare ratatui app (this benchmark binary re-run with `--bare-ratatui`) is measured the same way
//! as the yardstick. Run with `cargo bench --bench tui_latency`; without `--bench` (as
//! `cargo test --all-targets` runs it) it does nothing. Environment:
//! `SHOPTERM_BENCH_ORDERS` (default 100000), `SHOPTERM_BENCH_STARTS` (50), `SHOPTERM_BENCH_KEYS`
//! (1000), `SHOPTERM_BENCH_BIN` (another shopterm binary to measure, e.g. an older build).

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::Stdio;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

const ROWS: u16 = 40;
const COLS: u16 = 120;
/// The shopterm binary measured: this build's, or `SHOPTERM_BENCH_BIN` (to compare two builds).
fn shopterm() -> String {
    std::env::var("SHOPTERM_BENCH_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_shopterm").to_owned())
}
/// The last thing ratatui writes for a frame without a cursor (`Terminal::draw` → hide cursor).
const END_OF_FRAME: &[u8] = b"\x1b[?25l";
/// Text of the tab bar, in the first frame.
const TAB_BAR: &[u8] = b"Addresses";
const WAIT: Duration = Duration::from_secs(60);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--bare-ratatui") {
        bare::run().expect("the bare ratatui app runs");
        return;
    }
    if !args.iter().any(|a| a == "--bench") {
        // `cargo test --all-targets` runs benchmarks without --bench: nothing to check here.
        return;
    }
    let orders = env_number("SHOPTERM_BENCH_ORDERS", 100_000);
    let starts = env_number("SHOPTERM_BENCH_STARTS", 50) as usize;
    let keys = env_number("SHOPTERM_BENCH_KEYS", 1_000) as usize;
    let mut table = Table::default();

    let home = tempfile::tempdir().expect("a temporary home");
    eprintln!("starting a demo shop with {orders} orders for the B2B buyer…");
    let server = Server::start(home.path(), orders);
    eprintln!("demo shop at {} (seeded in {:?})", server.url, server.took);
    login(home.path(), &server.url);

    // The yardstick: a bare ratatui app.
    let bare = || {
        let mut command = CommandBuilder::new(std::env::current_exe().expect("own path"));
        command.arg("--bare-ratatui");
        command
    };
    let tui = || shopterm_command(home.path());
    // Interleaved (bare, shopterm; shopterm, bare; …) so both see the same load.
    let (bare_frames, tui_frames) = paired(starts, || start_time(bare()), || start_time(tui()));
    let (bare_rows, tui_rows) = paired(
        starts,
        || order_rows_time(bare()),
        || order_rows_time(tui()),
    );
    let ratio = |a: &[Duration], b: &[Duration]| median(a).as_secs_f64() / median(b).as_secs_f64();
    let first_frame_ratio = ratio(&tui_frames, &bare_frames);
    let order_rows_ratio = ratio(&tui_rows, &bare_frames);
    let order_rows_ratio_to_rows = ratio(&tui_rows, &bare_rows);
    table.row("start → first frame, bare ratatui", bare_frames);
    table.row(
        "start → first frame, shopterm with a stored token",
        tui_frames,
    );
    table.row("start → order rows, bare ratatui", bare_rows);
    table.row("start → order rows, shopterm with a stored token", tui_rows);
    let (mut app, _) = Pty::spawn(bare());
    app.wait_for_bytes(TAB_BAR);
    app.settle();
    table.row(
        "key → frame, bare ratatui",
        key_times(&mut app, keys.min(500)),
    );
    app.quit();

    let (mut app, _) = Pty::spawn(tui());
    app.wait_for_screen(|screen| loaded(screen).is_some_and(|(n, _)| n > 0));
    app.settle();
    let first_page_memory = app.memory();
    table.row(
        "key → frame, shopterm, first page loaded",
        key_times(&mut app, keys.min(500)),
    );
    let started = Instant::now();
    let (loaded_orders, total) = app.load_all_orders();
    let load_time = started.elapsed();
    app.settle();
    let memory = app.memory();
    table.row(
        &format!("key → frame, shopterm, {loaded_orders} orders loaded"),
        key_times(&mut app, keys),
    );
    app.quit();

    println!();
    println!(
        "{} through a pty ({COLS}×{ROWS}), {} cores",
        shopterm(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    table.print();
    println!(
        "medians, shopterm / bare ratatui (same run, interleaved): first frame {first_frame_ratio:.2}×, \
         order rows / bare first frame {order_rows_ratio:.2}×, order rows / bare order rows {order_rows_ratio_to_rows:.2}×"
    );
    println!(
        "orders loaded: {loaded_orders} of {total} in {:.1} s (pages of 100, G pressed after each)",
        load_time.as_secs_f64()
    );
    let mib = |kib: u64| kib as f64 / 1024.0;
    if let Some((rss, hwm)) = first_page_memory {
        println!(
            "memory of the TUI process with the first page: VmRSS {:.1} MiB, VmHWM (peak) {:.1} MiB",
            mib(rss),
            mib(hwm)
        );
    }
    if let Some((rss, hwm)) = memory {
        println!(
            "memory of the TUI process holding {loaded_orders} orders: VmRSS {:.1} MiB, VmHWM (peak) {:.1} MiB",
            mib(rss),
            mib(hwm)
        );
    }
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!(
            "load average at the end: {} (other work on the machine shows in p99 and max)",
            load.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}

fn env_number(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn set_dirs(home: &Path, mut set: impl FnMut(&str, &Path)) {
    set("SHOPTERM_CONFIG_DIR", &home.join("config"));
    set("SHOPTERM_DATA_DIR", &home.join("data"));
    set("SHOPTERM_STATE_DIR", &home.join("state"));
}

fn shopterm_command(home: &Path) -> CommandBuilder {
    let mut command = CommandBuilder::new(shopterm());
    command.args(["--profile", "bench"]);
    set_dirs(home, |k, v| command.env(k, v));
    command.env("TERM", "xterm-256color");
    command.env_remove("NO_COLOR");
    command
}

/// `shopterm demo --serve` in its own process, killed when dropped.
struct Server {
    child: std::process::Child,
    url: String,
    took: Duration,
}

impl Server {
    fn start(home: &Path, orders: u32) -> Server {
        let started = Instant::now();
        let mut command = std::process::Command::new(shopterm());
        command.args(["demo", "--serve", "--ephemeral", "--token-ttl", "86400"]);
        command.args(["--bench-orders", &orders.to_string()]);
        set_dirs(home, |k, v| {
            command.env(k, v);
        });
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the demo shop");
        let stdout = child.stdout.take().expect("its stdout");
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(url) = line.strip_prefix("Demo shop: ") {
                        break url.trim().to_owned();
                    }
                }
                _ => {
                    let _ = child.kill();
                    panic!("the demo shop did not start");
                }
            }
        };
        // Keep reading its output so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server {
            child,
            url,
            took: started.elapsed(),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `shopterm login URL --profile bench`, with a script playing the person at the browser.
fn login(home: &Path, url: &str) {
    let buyer = shopterm::demo::store::Store::demo_logins()
        .into_iter()
        .next()
        .expect("a demo login");
    let browser = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/browser.py");
    let mut command = std::process::Command::new(shopterm());
    command.args(["login", url, "--profile", "bench", "--timeout", "60"]);
    set_dirs(home, |k, v| {
        command.env(k, v);
    });
    let output = command
        .env("BROWSER", format!("python3 {}", browser.display()))
        .env("SHOPTERM_TEST_EMAIL", &buyer.email)
        .env("SHOPTERM_TEST_PASSWORD", &buyer.password)
        .stdin(Stdio::null())
        .output()
        .expect("run shopterm login");
    assert!(
        output.status.success(),
        "shopterm login failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A program in a pty; what it writes arrives on `rx`, timestamped by a reader thread.
struct Pty {
    _master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    rx: Receiver<(Instant, Vec<u8>)>,
    parser: vt100::Parser,
}

impl Pty {
    /// Spawns `command`; returns the pty and the instant just before the spawn.
    fn spawn(command: CommandBuilder) -> (Pty, Instant) {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send((Instant::now(), buf[..n].to_vec())).is_err() {
                    break;
                }
            }
        });
        let spawned = Instant::now();
        let child = pair.slave.spawn_command(command).expect("spawn in the pty");
        drop(pair.slave);
        let parser = vt100::Parser::new(
            std::num::NonZeroU16::new(ROWS).expect("rows"),
            std::num::NonZeroU16::new(COLS).expect("cols"),
            0,
        );
        (
            Pty {
                _master: pair.master,
                writer,
                child,
                rx,
                parser,
            },
            spawned,
        )
    }

    fn send(&mut self, keys: &[u8]) {
        self.writer.write_all(keys).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// The next chunk of output (also fed to the screen parser).
    fn next_chunk(&mut self, timeout: Duration) -> Option<(Instant, Vec<u8>)> {
        match self.rx.recv_timeout(timeout) {
            Ok((at, bytes)) => {
                self.parser.process(&bytes);
                Some((at, bytes))
            }
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => panic!(
                "the program ended; the screen shows:\n{}",
                self.parser.screen().contents()
            ),
        }
    }

    /// Waits until the output since now contains `needle`; returns when its last byte arrived.
    fn wait_for_bytes(&mut self, needle: &[u8]) -> Instant {
        let deadline = Instant::now() + WAIT;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Some((at, bytes)) = self.next_chunk(left) else {
                panic!(
                    "timed out waiting for {:?}; the screen shows:\n{}",
                    String::from_utf8_lossy(needle),
                    self.parser.screen().contents()
                );
            };
            seen.extend_from_slice(&bytes);
            if contains(&seen, needle) {
                return at;
            }
        }
    }

    /// Waits until the screen satisfies `done`; returns when the bytes that made it so arrived.
    fn wait_for_screen_at(&mut self, done: impl Fn(&str) -> bool) -> Instant {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Some((at, _)) = self.next_chunk(left) else {
                panic!(
                    "timed out; the screen shows:\n{}",
                    self.parser.screen().contents()
                );
            };
            if done(&self.parser.screen().contents()) {
                return at;
            }
        }
    }

    fn wait_for_screen(&mut self, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let screen = self.parser.screen().contents();
            if done(&screen) {
                return screen;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if self.next_chunk(left).is_none() {
                panic!("timed out; the screen shows:\n{screen}");
            }
        }
    }

    /// Waits until the program has written nothing for a while (spinners, toasts, loads done).
    fn settle(&mut self) {
        while self.next_chunk(Duration::from_millis(600)).is_some() {}
    }

    /// Presses G after each page arrives until the whole history is loaded.
    fn load_all_orders(&mut self) -> (u64, u64) {
        let mut pressed_at = 0;
        let mut reported = 0;
        let deadline = Instant::now() + Duration::from_secs(1800);
        loop {
            let screen = self.parser.screen().contents();
            if let Some((n, total)) = loaded(&screen) {
                if n >= total && !screen.contains("loading more") {
                    return (n, total);
                }
                if n > pressed_at {
                    self.send(b"G");
                    pressed_at = n;
                }
                if n >= reported + 10_000 {
                    eprintln!("  {n} of {total} orders loaded");
                    reported = n - n % 10_000;
                }
            }
            assert!(
                Instant::now() < deadline,
                "loading the history took too long"
            );
            self.next_chunk(WAIT).unwrap_or_else(|| {
                panic!(
                    "no progress loading orders; the screen shows:\n{}",
                    self.parser.screen().contents()
                )
            });
        }
    }

    /// VmRSS and VmHWM of the program, in KiB.
    fn memory(&self) -> Option<(u64, u64)> {
        let pid = self.child.process_id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        };
        Some((field("VmRSS:")?, field("VmHWM:")?))
    }

    fn quit(mut self) {
        self.send(b"q");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            while self.rx.try_recv().is_ok() {}
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// "Orders N of TOTAL" from the Orders pane's title.
fn loaded(screen: &str) -> Option<(u64, u64)> {
    screen.match_indices(" Orders ").find_map(|(at, word)| {
        let mut words = screen[at + word.len()..].split_whitespace();
        let n = words.next()?.parse().ok()?;
        (words.next()? == "of").then_some(())?;
        let total = words.next()?.parse().ok()?;
        Some((n, total))
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Runs `a` and `b` `runs` times each, alternating which goes first (a, b; b, a; …), after one
/// unmeasured run of each (it warms the page cache).
fn paired(
    runs: usize,
    mut a: impl FnMut() -> Duration,
    mut b: impl FnMut() -> Duration,
) -> (Vec<Duration>, Vec<Duration>) {
    a();
    b();
    let (mut a_times, mut b_times) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    for run in 0..runs {
        if run % 2 == 0 {
            a_times.push(a());
            b_times.push(b());
        } else {
            b_times.push(b());
            a_times.push(a());
        }
    }
    (a_times, b_times)
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    // The same sample as the table's median column.
    sorted
        .get(sorted.len().div_ceil(2).saturating_sub(1))
        .copied()
        .unwrap_or_default()
}

/// Spawns the program once: the time to the arrival of the first frame's tab bar.
fn start_time(command: CommandBuilder) -> Duration {
    let (mut app, spawned) = Pty::spawn(command);
    let frame = app.wait_for_bytes(TAB_BAR);
    app.quit();
    frame - spawned
}

/// Spawns the program once: the time to the arrival of the bytes that put the first order row
/// on the screen (an order number, `SO-` and a digit, in the Orders pane; the "Loading…"
/// frame before it does not count).
fn order_rows_time(command: CommandBuilder) -> Duration {
    let (mut app, spawned) = Pty::spawn(command);
    let rows = app.wait_for_screen_at(has_order_row);
    app.quit();
    rows - spawned
}

fn has_order_row(screen: &str) -> bool {
    screen.match_indices("SO-").any(|(at, prefix)| {
        screen[at + prefix.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

/// Presses j (and k on the way back) `count` times, each after the previous frame has arrived;
/// each time, from the write to the end of the redraw.
fn key_times(app: &mut Pty, count: usize) -> Vec<Duration> {
    app.send(b"g");
    app.settle();
    let mut times = Vec::with_capacity(count);
    for i in 0..count {
        let key: &[u8] = if (i / 250) % 2 == 0 { b"j" } else { b"k" };
        let sent = Instant::now();
        app.send(key);
        let frame = app.wait_for_bytes(END_OF_FRAME);
        times.push(frame - sent);
        // A person's keys come apart; let the program go back to waiting.
        std::thread::sleep(Duration::from_millis(2));
        while app.next_chunk(Duration::ZERO).is_some() {}
    }
    times
}

#[derive(Default)]
struct Table {
    rows: Vec<(String, Vec<Duration>)>,
}

impl Table {
    fn row(&mut self, name: &str, mut times: Vec<Duration>) {
        times.sort();
        self.rows.push((name.to_owned(), times));
    }

    fn print(&self) {
        let width = self.rows.iter().map(|(n, _)| n.chars().count()).max();
        let width = width.unwrap_or(10);
        println!(
            "{:<width$}  {:>5}  {:>9}  {:>9}  {:>9}  {:>6}",
            "measure", "n", "median", "p99", "max", "> 8 ms"
        );
        for (name, times) in &self.rows {
            let ms = |d: Duration| format!("{:.3} ms", d.as_secs_f64() * 1000.0);
            let at = |q: f64| {
                times[((q * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1]
            };
            let slow = times
                .iter()
                .filter(|t| **t > Duration::from_millis(8))
                .count();
            println!(
                "{:<width$}  {:>5}  {:>9}  {:>9}  {:>9}  {:>6}",
                name,
                times.len(),
                ms(at(0.5)),
                ms(at(0.99)),
                ms(*times.last().expect("samples")),
                slow
            );
        }
    }
}

/// The yardstick: a ratatui app with a tab bar and a list of 1,000 rows moved with j/k.
mod bare {
    use ratatui::crossterm::event::{self, Event, KeyCode};
    use ratatui::style::{Modifier, Style};
    use ratatui::text::Line;
    use ratatui::widgets::{Block, Borders, Paragraph};

    pub fn run() -> std::io::Result<()> {
        let mut terminal = ratatui::init();
        let rows: Vec<String> = (0..1_000)
            .map(|i| {
                format!(
                    "SO-{:<8}  2026-11-20  Delivered  Paid  {:>3}  {:>10}.00 EUR",
                    1_000_000 - i,
                    i % 7 + 1,
                    i * 17
                )
            })
            .collect();
        let mut selected = 0usize;
        let mut offset = 0usize;
        let result = loop {
            let drawn = terminal.draw(|frame| {
                let area = frame.area();
                let visible = usize::from(area.height.saturating_sub(3));
                if selected < offset {
                    offset = selected;
                } else if selected >= offset + visible {
                    offset = selected + 1 - visible;
                }
                let mut lines = vec![Line::raw(
                    " 1 Account   2 Addresses   3 Orders   4 Password ",
                )];
                let block = Block::default().borders(Borders::ALL).title(" Orders ");
                let list: Vec<Line> = rows[offset..]
                    .iter()
                    .take(visible)
                    .enumerate()
                    .map(|(i, row)| {
                        let line = Line::raw(row.as_str());
                        if offset + i == selected {
                            line.style(Style::new().add_modifier(Modifier::REVERSED))
                        } else {
                            line
                        }
                    })
                    .collect();
                let [top, body] = ratatui::layout::Layout::vertical([
                    ratatui::layout::Constraint::Length(1),
                    ratatui::layout::Constraint::Min(1),
                ])
                .areas(area);
                frame.render_widget(Paragraph::new(lines.remove(0)), top);
                frame.render_widget(Paragraph::new(list).block(block), body);
            });
            if let Err(error) = drawn {
                break Err(error);
            }
            match event::read() {
                Ok(Event::Key(key)) => match key.code {
                    KeyCode::Char('q') => break Ok(()),
                    KeyCode::Char('j') => selected = (selected + 1).min(rows.len() - 1),
                    KeyCode::Char('k') => selected = selected.saturating_sub(1),
                    KeyCode::Char('g') => selected = 0,
                    _ => {}
                },
                Ok(_) => {}
                Err(error) => break Err(error),
            }
        };
        ratatui::restore();
        result
    }
}
