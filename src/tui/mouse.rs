//! Mouse: click a tab to switch panes, click an order or address to select it (a second click on
//! the selected order opens it), scroll the wheel to move through lists.

use super::app::{Effect, Pane, State};
use super::commands::{self, Availability};
use super::layout;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

/// The table's own key (not the user's): the wheel moves and a click opens whatever the
/// keyboard is bound to.
fn key(state: &mut State, code: KeyCode) -> Vec<Effect> {
    super::app::table_key(state, KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn on_mouse(state: &mut State, mouse: MouseEvent) -> Vec<Effect> {
    let (width, height) = state.size;
    let screen = layout::screen(Rect::new(0, 0, width, height));
    match mouse.kind {
        // A click on a tab is the tab's GoToPane command; a text field does not stop it, the
        // sign-in screen and the help do (the table hides the command there).
        MouseEventKind::Down(MouseButton::Left) if mouse.row == screen.tabs.y => {
            let spans = super::render::tab_spans(state, width);
            let Some(index) = spans
                .iter()
                .position(|(x, w)| mouse.column >= *x && mouse.column < x + w)
            else {
                return Vec::new();
            };
            let pane = Pane::ALL[index];
            let go = commands::bindings(commands::Context::Global).find(|b| {
                b.command == commands::Command::GoToPane && b.description == pane.title()
            });
            match go.map(|b| commands::available(state, b)) {
                Some(Availability::Available) if !state.help => state.go_to(pane),
                _ => Vec::new(),
            }
        }
        _ if state.help || state.typing() => Vec::new(),
        MouseEventKind::ScrollDown => key(state, KeyCode::Down),
        MouseEventKind::ScrollUp => key(state, KeyCode::Up),
        MouseEventKind::Down(MouseButton::Left) => {
            click_row(state, screen.body, mouse.column, mouse.row)
        }
        _ => Vec::new(),
    }
}

fn click_row(state: &mut State, body: Rect, column: u16, row: u16) -> Vec<Effect> {
    match state.pane {
        Pane::Orders if state.orders.detail.is_none() => {
            let list = layout::order_list(body);
            let Some(index) = list.index_at(row, state.orders.offset) else {
                return Vec::new();
            };
            if index >= state.orders.items.len() {
                return Vec::new();
            }
            if index == state.orders.selected {
                return key(state, KeyCode::Enter);
            }
            state.orders.selected = index;
            Vec::new()
        }
        Pane::Addresses if state.addresses.form.is_none() => {
            let pane = layout::address_pane(body);
            let Some(index) = pane.index_at(column, row, state.addresses.selected) else {
                return Vec::new();
            };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use crate::shop::{Capabilities, Feature};
    use crate::tui::app::{Action, update};
    use ratatui::crossterm::event::KeyModifiers;

    fn click(column: u16, row: u16) -> MouseEvent {
        MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }
    }

    fn state_with_orders() -> State {
        let mut state = State::new(
            "shop".into(),
            Capabilities::new([
                Feature::OrderHistory,
                Feature::OrderDetail,
                Feature::Addresses,
                Feature::AddressBook,
            ]),
        );
        state.start();
        let items = (0..30)
            .map(|i| OrderSummary {
                number: OrderNumber(format!("SO-{i}")),
                placed_at: time::macros::datetime!(2025-01-01 0:00 UTC),
                status: OrderStatus::Delivered,
                status_label: "Delivered".into(),
                payment_status: PaymentStatus::Paid,
                payment_label: "Paid".into(),
                item_count: 1,
                total: Money::from_minor(100, Currency::EUR),
            })
            .collect();
        let page = Page {
            items,
            offset: 0,
            total: Some(30),
            has_more: false,
        };
        update(
            &mut state,
            Action::OrdersLoaded {
                generation: 0,
                offset: 0,
                result: Ok(page),
            },
        );
        state
    }

    #[test]
    fn clicking_a_tab_switches_pane_and_a_row_selects_then_opens() {
        let mut state = state_with_orders();
        let (x, _) = crate::tui::render::tab_spans(&state, 80)[1];
        let effects = on_mouse(&mut state, click(x + 1, 0));
        assert_eq!(state.pane, Pane::Addresses);
        assert!(matches!(effects[..], [Effect::LoadAddresses]));
        let (x, _) = crate::tui::render::tab_spans(&state, 80)[2];
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
