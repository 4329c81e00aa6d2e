//! The Orders pane: the history (`list`) and, over it, one opened order (`detail`). Keys go to
//! the search field while it is open, then to the open order, then to the list.

pub mod detail;
pub mod list;

pub use list::{ORDERS_PAGE, OrdersPane};

use crate::shop::Feature;
use crate::tui::ctx::{Ctx, ViewCtx};
use crate::tui::form::paste_into;
use crate::tui::messages::Effect;
use crate::tui::widgets::unavailable;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;

/// A key the command table let through to the pane.
pub fn update(pane: &mut OrdersPane, ctx: &mut Ctx, key: KeyEvent) -> Vec<Effect> {
    if pane.search_input.is_some() {
        return list::search_key(pane, key);
    }
    if let Some(view) = pane.detail.as_mut() {
        if matches!(
            key.code,
            KeyCode::Esc | KeyCode::Left | KeyCode::Char('h') | KeyCode::Backspace
        ) {
            pane.detail = None;
            return Vec::new();
        }
        return detail::update(view, ctx, key);
    }
    list::update(pane, key)
}

/// Bracketed paste goes into the search field, when it is open.
pub fn on_paste(pane: &mut OrdersPane, text: &str) {
    if let Some(input) = pane.search_input.as_mut() {
        paste_into(input, text);
    }
}

pub fn view(frame: &mut Frame, area: Rect, pane: &OrdersPane, look: &ViewCtx) {
    if !look.ctx.supports(Feature::OrderHistory) {
        unavailable(frame, area, look, Feature::OrderHistory);
        return;
    }
    match &pane.detail {
        Some(open) => detail::view(frame, area, open, look),
        None => list::view(frame, area, pane, look),
    }
}
