//! The keys of each pane, as data: the help overlay lists them all, the status bar shows the
//! first few. `app::update` is where they act; a test checks each listed key does something.

use super::app::{Pane, State};
use crate::shop::Feature;

pub struct KeyHelp {
    pub keys: &'static str,
    pub action: &'static str,
}

const fn k(keys: &'static str, action: &'static str) -> KeyHelp {
    KeyHelp { keys, action }
}

pub const GLOBAL: &[KeyHelp] = &[
    k("1-5 Tab", "switch pane"),
    k("?", "this help"),
    k("q", "quit (or close the order)"),
    k("Ctrl-C", "quit from anywhere"),
];

const ORDERS: &[KeyHelp] = &[
    k("j/k ↓/↑", "move"),
    k("Enter", "open order"),
    k("/", "search number or product"),
    k("f", "filter by status"),
    k("Esc", "clear filter"),
    k("PgDn/PgUp", "page"),
    k("g/G", "first / last loaded"),
    k("R", "reload"),
];

const ORDER_DETAIL: &[KeyHelp] = &[
    k("n/p", "next / previous shipment"),
    k("o", "open tracking page"),
    k("y", "copy tracking number"),
    k("j/k", "scroll"),
    k("Esc", "back to the list"),
];

const ACCOUNT: &[KeyHelp] = &[k("e", "edit"), k("L", "sign out"), k("R", "reload")];

const FORM: &[KeyHelp] = &[
    k("Tab/↓ ↑", "next / previous field"),
    k("Enter", "save"),
    k("Esc", "cancel (nothing saved)"),
];

const ADDRESSES: &[KeyHelp] = &[
    k("j/k", "move"),
    k("a", "add"),
    k("e", "edit"),
    k("d", "delete"),
    k("s", "default shipping"),
    k("b", "default billing"),
    k("R", "reload"),
];

/// A shop that keeps one address (Centra): it can only be edited.
const ONE_ADDRESS: &[KeyHelp] = &[k("e", "edit"), k("R", "reload")];

const PASSWORD: &[KeyHelp] = &[
    k("F2", "change password"),
    k("F3", "forgotten password"),
    k("F4", "reset with key"),
    k("Tab/↓ ↑", "next / previous field"),
    k("Enter", "send"),
    k("Esc", "leave"),
];

const SIGN_IN: &[KeyHelp] = &[
    k("Enter", "sign in with the browser"),
    k("o", "open the sign-in page again"),
    k("y", "copy its address"),
    k("p", "paste the address the browser ended on"),
    k("Esc", "cancel the sign-in"),
    k("q", "quit"),
];

const SIGN_IN_PASSWORD: &[KeyHelp] = &[
    k("Enter", "sign in"),
    k("Tab/↓ ↑", "next / previous field"),
    k("Ctrl-C", "quit"),
];

const ORDER_DETAIL_REORDER: &[KeyHelp] = &[
    k("r", "order these again"),
    k("n/p", "next / previous shipment"),
    k("o", "open tracking page"),
    k("y", "copy tracking number"),
    k("j/k", "scroll"),
    k("Esc", "back to the list"),
];

const QUICK_ORDER: &[KeyHelp] = &[
    k("Ctrl-S F5", "check the lines"),
    k("F6", "look a product up"),
    k("Esc", "leave"),
];

const REVIEW: &[KeyHelp] = &[
    k("Enter", "send (asks first)"),
    k("j/k", "move"),
    k("+/-", "quantity"),
    k("e", "type a quantity"),
    k("x", "remove line"),
    k("b", "next brand (code sold by several)"),
    k("/", "look a product up"),
    k("a", "add the looked-up product"),
    k("R", "check prices again"),
    k("D", "discard the draft"),
];

/// The keys that work now, most useful first.
pub fn current(state: &State) -> &'static [KeyHelp] {
    if let Some(view) = &state.signin {
        return if view.form.is_some() {
            SIGN_IN_PASSWORD
        } else {
            SIGN_IN
        };
    }
    match state.pane {
        Pane::Orders if state.orders.detail.is_some() => {
            if state
                .capabilities
                .supports(crate::shop::Feature::PlaceOrder)
            {
                ORDER_DETAIL_REORDER
            } else {
                ORDER_DETAIL
            }
        }
        Pane::Orders => ORDERS,
        Pane::Account if state.account_pane.form.is_some() => FORM,
        Pane::Account => ACCOUNT,
        Pane::Addresses if state.addresses.form.is_some() => FORM,
        Pane::Addresses if !state.capabilities.supports(Feature::Addresses) => &[],
        Pane::Addresses if !state.capabilities.supports(Feature::AddressBook) => ONE_ADDRESS,
        Pane::Addresses => ADDRESSES,
        Pane::Password => PASSWORD,
        Pane::Reorder if state.reorder.draft.is_some() => REVIEW,
        Pane::Reorder => QUICK_ORDER,
    }
}
