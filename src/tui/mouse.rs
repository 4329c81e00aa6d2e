//! Mouse: click a tab to switch panes, click an order or address to select it (a second click on
//! the selected order opens it), scroll the wheel to move through lists.

use super::app::{Action, Effect, Pane, State, update};
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

fn key(state: &mut State, code: KeyCode) -> Vec<Effect> {
    update(state, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn on_mouse(state: &mut State, mouse: MouseEvent) -> Vec<Effect> {
    if state.help || state.typing() {
        return Vec::new();
    }
    match mouse.kind {
        MouseEventKind::ScrollDown => key(state, KeyCode::Down),
        MouseEventKind::ScrollUp => key(state, KeyCode::Up),
        MouseEventKind::Down(MouseButton::Left) if mouse.row == 0 => {
            for (index, (x, width)) in super::render::tab_spans().into_iter().enumerate() {
                if mouse.column >= x && mouse.column < x + width {
                    let digit = char::from(b'1' + index as u8);
                    return key(state, KeyCode::Char(digit));
                }
            }
            Vec::new()
        }
        MouseEventKind::Down(MouseButton::Left) => click_row(state, mouse.row),
        _ => Vec::new(),
    }
}

fn click_row(state: &mut State, row: u16) -> Vec<Effect> {
    match state.pane {
        // Tabs (1) + border (1) + header (1): the first order is on screen row 3.
        Pane::Orders if state.orders.detail.is_none() && row >= 3 => {
            let index = state.orders.offset + usize::from(row - 3);
            if index >= state.orders.items.len() {
                return Vec::new();
            }
            if index == state.orders.selected {
                return key(state, KeyCode::Enter);
            }
            state.orders.selected = index;
            Vec::new()
        }
        // Tabs (1) + border (1): the first address is on row 2.
        Pane::Addresses if state.addresses.form.is_none() && row >= 2 => {
            let index = usize::from(row - 2);
            if state
                .addresses
                .list
                .ready()
                .is_some_and(|l| index < l.len())
            {
                state.addresses.selected = index;
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}
