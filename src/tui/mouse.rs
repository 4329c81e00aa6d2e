//! Mouse: click a tab to switch panes, click an order or address to select it (a second click on
//! the selected order opens it), scroll the wheel to move through lists. The mouse changes a
//! selection itself; anything more it asks of `update` as the key or pane switch it stands for.

use super::commands::{self, Availability};
use super::layout;
use super::state::State;
use super::tabs::{Pane, tab_spans};
use ratatui::crossterm::event::{KeyCode, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

/// What a mouse event asks of `update`, beyond the selection it may have moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseOutcome {
    Nothing,
    /// Do what this key does (the wheel moves like arrows; a click on the selection opens it).
    Key(KeyCode),
    /// Switch to this pane, as its digit key does.
    GoTo(Pane),
}

pub fn on_mouse(state: &mut State, mouse: MouseEvent) -> MouseOutcome {
    let (width, height) = state.size;
    let screen = layout::screen(Rect::new(0, 0, width, height));
    match mouse.kind {
        // A click on a tab is the tab's GoToPane command; a text field does not stop it, the
        // sign-in screen and the help do (the table hides the command there).
        MouseEventKind::Down(MouseButton::Left) if mouse.row == screen.tabs.y => {
            let spans = tab_spans(state.shown_pane(), state.tabs_width(width));
            let Some(index) = spans
                .iter()
                .position(|(x, w)| mouse.column >= *x && mouse.column < x + w)
            else {
                return MouseOutcome::Nothing;
            };
            let pane = Pane::ALL[index];
            let go = commands::bindings(commands::Context::Global).find(|b| {
                b.command == commands::Command::GoToPane && b.description == pane.title()
            });
            match go.map(|b| commands::available(state, b)) {
                Some(Availability::Available) if !state.help => MouseOutcome::GoTo(pane),
                _ => MouseOutcome::Nothing,
            }
        }
        _ if state.help || commands::context(state).typing() => MouseOutcome::Nothing,
        MouseEventKind::ScrollDown => MouseOutcome::Key(KeyCode::Down),
        MouseEventKind::ScrollUp => MouseOutcome::Key(KeyCode::Up),
        MouseEventKind::Down(MouseButton::Left) => {
            click_row(state, screen.body, mouse.column, mouse.row)
        }
        _ => MouseOutcome::Nothing,
    }
}

fn click_row(state: &mut State, body: Rect, column: u16, row: u16) -> MouseOutcome {
    match state.pane {
        Pane::Orders if state.orders.detail.is_none() => {
            let list = layout::order_list(body);
            let Some(index) = list.index_at(row, state.orders.offset) else {
                return MouseOutcome::Nothing;
            };
            if index >= state.orders.items.len() {
                return MouseOutcome::Nothing;
            }
            if index == state.orders.selected {
                return MouseOutcome::Key(KeyCode::Enter);
            }
            state.orders.selected = index;
            MouseOutcome::Nothing
        }
        Pane::Addresses if state.addresses.form.is_none() => {
            let pane = layout::address_pane(body);
            let Some(index) = pane.index_at(column, row, state.addresses.selected) else {
                return MouseOutcome::Nothing;
            };
            if state
                .addresses
                .list
                .ready()
                .is_some_and(|l| index < l.len())
            {
                state.addresses.selected = index;
            }
            MouseOutcome::Nothing
        }
        _ => MouseOutcome::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shop::Feature::{AddressBook, Addresses, OrderDetail, OrderHistory};
    use crate::tui::app::{Action, Effect, update};
    use crate::tui::test_fixtures::{orders_loaded, state_with};
    use ratatui::crossterm::event::KeyModifiers;

    /// The event as the runtime delivers it: through `update`.
    fn on_mouse(state: &mut State, event: MouseEvent) -> Vec<Effect> {
        update(state, Action::Mouse(event))
    }

    fn click(column: u16, row: u16) -> MouseEvent {
        MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }
    }

    fn state_with_orders() -> State {
        let mut state = state_with([OrderHistory, OrderDetail, Addresses, AddressBook]);
        state.start();
        orders_loaded(&mut state, 0, 0, 30, 30);
        state
    }

    #[test]
    fn clicking_a_tab_switches_pane_and_a_row_selects_then_opens() {
        let mut state = state_with_orders();
        let (x, _) = tab_spans(Some(state.pane), 80)[1];
        let effects = on_mouse(&mut state, click(x + 1, 0));
        assert_eq!(state.pane, Pane::Addresses);
        assert!(matches!(effects[..], [Effect::LoadAddresses]));
        let (x, _) = tab_spans(Some(state.pane), 80)[2];
        on_mouse(&mut state, click(x, 0));
        assert_eq!(state.pane, Pane::Orders);

        assert!(on_mouse(&mut state, click(5, 3 + 4)).is_empty());
        assert_eq!(state.orders.selected, 4, "a click selects the row under it");
        let effects = on_mouse(&mut state, click(5, 3 + 4));
        assert!(
            matches!(&effects[..], [Effect::LoadOrder(n)] if n.as_str() == "SO-4"),
            "a second click opens it"
        );
    }

    #[test]
    fn the_wheel_moves_the_selection() {
        let mut state = state_with_orders();
        let wheel = |kind| MouseEvent {
            kind,
            column: 5,
            row: 10,
            modifiers: KeyModifiers::NONE,
        };
        on_mouse(&mut state, wheel(MouseEventKind::ScrollDown));
        on_mouse(&mut state, wheel(MouseEventKind::ScrollDown));
        on_mouse(&mut state, wheel(MouseEventKind::ScrollUp));
        assert_eq!(state.orders.selected, 1);
    }
}
