//! The event loop: terminal events, effect results, signals and a clock tick, multiplexed with
//! `tokio::select!`; draw after each. The terminal is restored on every way out, panics and
//! SIGTERM/SIGHUP included; Ctrl-Z (or SIGTSTP) suspends with the terminal restored, and the
//! screen is drawn afresh when the shell brings the program back (SIGCONT).

use super::app::update;
use super::messages::Action;
use super::session::Session;
use super::state::State;
use super::{effects, render};
use crate::shop::Shop;
use futures_util::StreamExt;
use nix::sys::signal::Signal;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, EventStream, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
};
use ratatui::crossterm::{cursor, execute, terminal};
use std::sync::Arc;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};

/// How the TUI ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The user quit.
    Quit,
    /// SIGTERM or SIGHUP (the signal's number): the caller exits with 128 + that number, as a
    /// shell reports a program the signal ended.
    Signal(i32),
}

/// Puts the terminal back into normal mode when dropped (normal exit, `?`, a signal, or
/// unwinding).
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        leave_terminal();
    }
}

/// Mouse and paste reporting off, raw mode off, the main screen back, the cursor shown. Errors
/// are ignored: after SIGHUP the terminal may be gone, and there is nothing left to tell.
fn leave_terminal() {
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste
    );
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        terminal::LeaveAlternateScreen,
        cursor::Show
    );
}

fn enter_terminal() -> std::io::Result<()> {
    terminal::enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        terminal::EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )
}

/// The signals the loop answers. Registering them replaces their default actions for the rest
/// of the process, which is only ever about to exit when the TUI ends.
struct Signals {
    terminate: tokio::signal::unix::Signal,
    hangup: tokio::signal::unix::Signal,
    stop: tokio::signal::unix::Signal,
    resumed: tokio::signal::unix::Signal,
}

impl Signals {
    fn register() -> std::io::Result<Signals> {
        Ok(Signals {
            terminate: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
            stop: signal(SignalKind::from_raw(Signal::SIGTSTP as i32))?,
            resumed: signal(SignalKind::from_raw(Signal::SIGCONT as i32))?,
        })
    }
}

/// Ctrl-Z: in raw mode the terminal sends it as a key instead of raising SIGTSTP.
fn is_suspend_key(key: &KeyEvent) -> bool {
    key.kind != KeyEventKind::Release
        && key.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(key.code, KeyCode::Char('z') | KeyCode::Char('Z'))
}

/// Gives the terminal back and stops the process until the shell continues it (`fg`), then takes
/// the terminal again. The caller redraws everything.
fn suspend(terminal: &mut ratatui::DefaultTerminal) -> std::io::Result<()> {
    tracing::info!("suspended");
    leave_terminal();
    // SIGSTOP rather than SIGTSTP: SIGTSTP is handled here (so a `kill -TSTP` restores the
    // terminal too), and the kernel discards a default-action SIGTSTP for a process whose group
    // is orphaned, as a session leader's is. SIGSTOP always stops.
    nix::sys::signal::raise(Signal::SIGSTOP).map_err(std::io::Error::from)?;
    tracing::info!("resumed");
    enter_terminal()?;
    clear_all(terminal)
}

/// Clears the screen and forgets what ratatui thinks is on it, so the next frame is drawn
/// whole. (`Terminal::clear` would ask the terminal for the cursor position, a read on stdin
/// that races the event stream.)
fn clear_all(terminal: &mut ratatui::DefaultTerminal) -> std::io::Result<()> {
    let size = terminal.size()?;
    terminal.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
}

/// Runs the TUI until the user quits. `session` makes sign-in possible from the TUI.
pub async fn run(
    shop: Arc<dyn Shop>,
    session: Option<Arc<Session>>,
    mut state: State,
) -> std::io::Result<Ending> {
    let mut signals = Signals::register()?;
    // ratatui::init installs a panic hook that restores the terminal before the panic message.
    let mut terminal = ratatui::init();
    let _guard = TerminalGuard;
    execute!(std::io::stdout(), EnableMouseCapture, EnableBracketedPaste)?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Action>();
    let context = effects::Context::new(shop, session, tx);
    let size = terminal.size()?;
    update(&mut state, Action::Resize(size.width, size.height));
    for effect in state.start() {
        effects::spawn(effect, &context);
    }
    terminal.draw(|frame| render::render(frame, &state))?;

    let mut events = EventStream::new();
    // A frame skipped because input seemed to be waiting is drawn at the next tick at the latest
    // (`poll` can see input that the stream then does not turn into an event).
    let mut frame_owed = false;
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    while !state.quit {
        let action = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if is_suspend_key(&key) => {
                    suspend(&mut terminal)?;
                    redraw_all(&terminal)?
                }
                Some(Ok(Event::Key(key))) => Action::Key(key),
                Some(Ok(Event::Mouse(mouse))) => Action::Mouse(mouse),
                Some(Ok(Event::Resize(w, h))) => Action::Resize(w, h),
                Some(Ok(Event::Paste(text))) => Action::Paste(text),
                Some(Ok(_)) => continue,
                Some(Err(error)) => return Err(error),
                None => break,
            },
            Some(action) = rx.recv() => action,
            _ = signals.terminate.recv() => return Ok(Ending::Signal(Signal::SIGTERM as i32)),
            _ = signals.hangup.recv() => return Ok(Ending::Signal(Signal::SIGHUP as i32)),
            _ = signals.stop.recv() => {
                suspend(&mut terminal)?;
                redraw_all(&terminal)?
            }
            // Continued after a stop that was not ours (SIGSTOP from outside): the screen may
            // have been drawn over meanwhile.
            _ = signals.resumed.recv() => {
                clear_all(&mut terminal)?;
                redraw_all(&terminal)?
            }
            _ = tick.tick() => {
                // Ticks only animate; skip the redraw when nothing moves.
                if !state.busy() && state.ctx.toasts.is_empty() && !frame_owed {
                    continue;
                }
                Action::Tick
            }
        };
        for effect in update(&mut state, action) {
            effects::spawn(effect, &context);
        }
        // Draw only when no more input is already waiting: fast key repeat stays responsive.
        frame_owed = event::poll(Duration::ZERO)?;
        if !frame_owed {
            terminal.draw(|frame| render::render(frame, &state))?;
        }
    }
    Ok(Ending::Quit)
}

/// The action that lays out and draws the whole screen again (its size may have changed while
/// the program was stopped).
fn redraw_all(terminal: &ratatui::DefaultTerminal) -> std::io::Result<Action> {
    let size = terminal.size()?;
    Ok(Action::Resize(size.width, size.height))
}
