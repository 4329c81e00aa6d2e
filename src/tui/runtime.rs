//! The event loop: terminal events, effect results and a clock tick, multiplexed with
//! `tokio::select!`; draw after each. The terminal is restored on every way out, panics included.

use super::app::{Action, State, update};
use super::session::Session;
use super::{effects, render};
use crate::shop::Shop;
use futures_util::StreamExt;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, EventStream,
};
use ratatui::crossterm::execute;
use std::sync::Arc;
use std::time::Duration;

/// Puts the terminal back into normal mode when dropped (normal exit, `?`, or unwinding).
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(
            std::io::stdout(),
            DisableMouseCapture,
            DisableBracketedPaste
        );
        ratatui::restore();
    }
}

/// Runs the TUI until the user quits. `session` makes sign-in possible from the TUI.
pub async fn run(
    shop: Arc<dyn Shop>,
    session: Option<Arc<Session>>,
    mut state: State,
) -> std::io::Result<()> {
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
                Some(Ok(Event::Key(key))) => Action::Key(key),
                Some(Ok(Event::Mouse(mouse))) => Action::Mouse(mouse),
                Some(Ok(Event::Resize(w, h))) => Action::Resize(w, h),
                Some(Ok(Event::Paste(text))) => Action::Paste(text),
                Some(Ok(_)) => continue,
                Some(Err(error)) => return Err(error),
                None => break,
            },
            Some(action) = rx.recv() => action,
            _ = tick.tick() => {
                // Ticks only animate; skip the redraw when nothing moves.
                if !state.busy() && state.toasts.is_empty() && !frame_owed {
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
    Ok(())
}
