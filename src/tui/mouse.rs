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
        let (x, _) = crate::tui::render::tab_spans()[1];
        let effects = on_mouse(&mut state, click(x + 1, 0));
        assert_eq!(state.pane, Pane::Addresses);
        assert!(matches!(effects[..], [Effect::LoadAddresses]));
        let (x, _) = crate::tui::render::tab_spans()[2];
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
