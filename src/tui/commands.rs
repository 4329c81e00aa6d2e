//! The one command table: every key the TUI answers, in which context, and what it is called.
//! Key dispatch, the status bar, the `?` help and the mouse all read it, and every one of them asks
//! [`available`] first — so what the screen offers is exactly what works now, on this platform, in
//! this state. A key that is listed but cannot work now says why (a toast) instead of doing nothing.

use super::app::{Loadable, Pane, PasswordMode, State};
use crate::shop::Feature;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::borrow::Cow;

/// Where the keys go: one screen or sub-screen. Contexts marked "typing" send unbound keys to a
/// text field, and there the global letters (`q`, `?`, digits) are text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Keys that work in every context that is not typing.
    Global,
    Help,
    SignIn,
    /// typing: the redirect address being pasted.
    SignInPaste,
    /// typing: the login and password of a password platform.
    SignInForm,
    Orders,
    /// typing: the order search.
    OrderSearch,
    OrderDetail,
    Account,
    /// typing: the account or an address being edited.
    EditForm,
    Addresses,
    /// y/n before deleting an address, sending or discarding an order.
    Confirm,
    /// typing: the password forms.
    Password,
    /// The Password or Reorder pane on a shop that offers none of it: only the global keys.
    Unavailable,
    /// typing: the quick-order editor.
    QuickOrder,
    Review,
    /// typing: a quantity or a product lookup in the review.
    ReorderPrompt,
}

impl Context {
    pub fn typing(self) -> bool {
        matches!(
            self,
            Context::SignInPaste
                | Context::SignInForm
                | Context::OrderSearch
                | Context::EditForm
                | Context::Password
                | Context::QuickOrder
                | Context::ReorderPrompt
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Quit,
    Help,
    CloseHelp,
    ScrollHelp,
    GoToPane,
    NextPane,
    PreviousPane,
    // Sign-in screen.
    SignInWithBrowser,
    OpenSignInPage,
    CopySignInAddress,
    PasteRedirect,
    CancelSignIn,
    SubmitField,
    CancelField,
    NextField,
    PreviousField,
    // Orders.
    MoveSelection,
    Page,
    FirstOrLast,
    OpenOrder,
    SearchOrders,
    FilterOrders,
    ClearFilter,
    Reload,
    // Order detail.
    NextShipment,
    OpenTracking,
    CopyTracking,
    Scroll,
    Reorder,
    Back,
    // Account and addresses.
    Edit,
    SignOut,
    AddAddress,
    DeleteAddress,
    DefaultAddress,
    Confirm,
    Decline,
    // Password.
    PickPasswordForm,
    // Reorder.
    CheckQuickOrder,
    LookupProduct,
    SendOrder,
    ChangeQuantity,
    TypeQuantity,
    RemoveLine,
    NextBrand,
    AddLookedUp,
    DiscardDraft,
}

/// Whether a command can run now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    Available,
    /// Not offered here at all (the key falls through: text in a field, nothing elsewhere).
    Hidden,
    /// Offered by the context but not possible now: the key shows this reason.
    Unavailable(String),
}

/// A key as the table names it. Letters match whatever Shift says (`G` arrives with Shift).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

const fn ch(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::NONE,
    }
}

const fn code(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

const fn alt(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::ALT,
    }
}

impl Key {
    pub fn matches(&self, event: &KeyEvent) -> bool {
        let relevant = KeyModifiers::CONTROL | KeyModifiers::ALT;
        self.code == event.code && (event.modifiers & relevant) == self.modifiers
    }

    /// The event this key sends (for the mouse and the tests).
    pub fn event(&self) -> KeyEvent {
        KeyEvent::new(self.code, self.modifiers)
    }
}

/// One row of the table.
#[derive(Debug)]
pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    /// How the keys are written on screen.
    pub label: &'static str,
    pub command: Command,
    pub description: &'static str,
    /// Lower shows first in the status bar; 9 is help-only.
    pub priority: u8,
}

const fn b(
    context: Context,
    keys: &'static [Key],
    label: &'static str,
    command: Command,
    description: &'static str,
    priority: u8,
) -> Binding {
    Binding {
        context,
        keys,
        label,
        command,
        description,
        priority,
    }
}

use Command as C;
use Context as X;

const UP_DOWN: &[Key] = &[ch('j'), ch('k'), code(KeyCode::Down), code(KeyCode::Up)];
const FIELD_KEYS_NEXT: &[Key] = &[code(KeyCode::Tab), code(KeyCode::Down)];
const FIELD_KEYS_PREVIOUS: &[Key] = &[code(KeyCode::BackTab), code(KeyCode::Up)];

/// Every key of the TUI. Within a context the first row whose key matches wins.
pub static TABLE: &[Binding] = &[
    // Everywhere outside a text field.
    b(X::Global, &[ch('1')], "1", C::GoToPane, "Account", 9),
    b(X::Global, &[ch('2')], "2", C::GoToPane, "Addresses", 9),
    b(X::Global, &[ch('3')], "3", C::GoToPane, "Orders", 9),
    b(X::Global, &[ch('4')], "4", C::GoToPane, "Password", 9),
    b(X::Global, &[ch('5')], "5", C::GoToPane, "Reorder", 9),
    b(
        X::Global,
        &[code(KeyCode::Tab)],
        "Tab",
        C::NextPane,
        "next pane",
        9,
    ),
    b(
        X::Global,
        &[code(KeyCode::BackTab)],
        "S-Tab",
        C::PreviousPane,
        "previous pane",
        9,
    ),
    b(X::Global, &[ch('q')], "q", C::Quit, "quit", 8),
    b(X::Global, &[ch('?')], "?", C::Help, "help", 0),
    // The help overlay.
    b(X::Help, UP_DOWN, "j/k", C::ScrollHelp, "scroll", 1),
    b(
        X::Help,
        &[code(KeyCode::PageDown), code(KeyCode::PageUp)],
        "PgDn/PgUp",
        C::ScrollHelp,
        "scroll a page",
        2,
    ),
    b(
        X::Help,
        &[code(KeyCode::Esc), ch('?'), ch('q'), code(KeyCode::Enter)],
        "Esc",
        C::CloseHelp,
        "close the help",
        0,
    ),
    // Browser sign-in.
    b(
        X::SignIn,
        &[code(KeyCode::Enter)],
        "Enter",
        C::SignInWithBrowser,
        "sign in with the browser",
        1,
    ),
    b(
        X::SignIn,
        &[ch('o')],
        "o",
        C::OpenSignInPage,
        "open the sign-in page again",
        2,
    ),
    b(
        X::SignIn,
        &[ch('y')],
        "y",
        C::CopySignInAddress,
        "copy its address",
        3,
    ),
    b(
        X::SignIn,
        &[ch('p')],
        "p",
        C::PasteRedirect,
        "paste the address the browser ended on",
        4,
    ),
    b(
        X::SignIn,
        &[code(KeyCode::Esc)],
        "Esc",
        C::CancelSignIn,
        "cancel the sign-in",
        5,
    ),
    b(
        X::SignInPaste,
        &[code(KeyCode::Enter)],
        "Enter",
        C::SubmitField,
        "use this address",
        1,
    ),
    b(
        X::SignInPaste,
        &[code(KeyCode::Esc)],
        "Esc",
        C::CancelField,
        "cancel",
        2,
    ),
    b(
        X::SignInForm,
        &[code(KeyCode::Enter)],
        "Enter",
        C::SubmitField,
        "sign in",
        1,
    ),
    b(
        X::SignInForm,
        FIELD_KEYS_NEXT,
        "Tab",
        C::NextField,
        "next field",
        2,
    ),
    b(
        X::SignInForm,
        FIELD_KEYS_PREVIOUS,
        "S-Tab",
        C::PreviousField,
        "previous field",
        3,
    ),
    b(X::SignInForm, &[ctrl('c')], "Ctrl-C", C::Quit, "quit", 4),
    // The order history.
    b(
        X::Orders,
        &[code(KeyCode::Enter), ch('l'), code(KeyCode::Right)],
        "Enter",
        C::OpenOrder,
        "open order",
        1,
    ),
    b(X::Orders, UP_DOWN, "j/k", C::MoveSelection, "move", 2),
    b(
        X::Orders,
        &[ch('/')],
        "/",
        C::SearchOrders,
        "search number or product",
        3,
    ),
    b(
        X::Orders,
        &[ch('f')],
        "f",
        C::FilterOrders,
        "filter by status",
        4,
    ),
    b(
        X::Orders,
        &[code(KeyCode::Esc)],
        "Esc",
        C::ClearFilter,
        "clear filter",
        3,
    ),
    b(
        X::Orders,
        &[code(KeyCode::PageDown), code(KeyCode::PageUp), ch(' ')],
        "PgDn/PgUp",
        C::Page,
        "page",
        6,
    ),
    b(
        X::Orders,
        &[ch('g'), ch('G'), code(KeyCode::Home), code(KeyCode::End)],
        "g/G",
        C::FirstOrLast,
        "first / last loaded",
        7,
    ),
    b(X::Orders, &[ch('R')], "R", C::Reload, "reload", 8),
    b(
        X::OrderSearch,
        &[code(KeyCode::Enter)],
        "Enter",
        C::SubmitField,
        "search",
        1,
    ),
    b(
        X::OrderSearch,
        &[code(KeyCode::Esc)],
        "Esc",
        C::CancelField,
        "cancel",
        2,
    ),
    // One order.
    b(
        X::OrderDetail,
        &[
            code(KeyCode::Esc),
            code(KeyCode::Left),
            ch('h'),
            code(KeyCode::Backspace),
        ],
        "Esc",
        C::Back,
        "back to the list",
        1,
    ),
    b(
        X::OrderDetail,
        &[ch('r')],
        "r",
        C::Reorder,
        "order these again",
        2,
    ),
    b(
        X::OrderDetail,
        &[ch('n'), ch(']'), ch('p'), ch('[')],
        "n/p",
        C::NextShipment,
        "next / previous shipment",
        3,
    ),
    b(
        X::OrderDetail,
        &[ch('o')],
        "o",
        C::OpenTracking,
        "open tracking page",
        4,
    ),
    b(
        X::OrderDetail,
        &[ch('y')],
        "y",
        C::CopyTracking,
        "copy tracking number",
        5,
    ),
    b(X::OrderDetail, UP_DOWN, "j/k", C::Scroll, "scroll", 6),
    // The account.
    b(
        X::Account,
        &[ch('e'), code(KeyCode::Enter)],
        "e",
        C::Edit,
        "edit",
        1,
    ),
    b(X::Account, &[ch('L')], "L", C::SignOut, "sign out", 2),
    b(X::Account, &[ch('R')], "R", C::Reload, "reload", 3),
    b(
        X::EditForm,
        &[code(KeyCode::Enter), ctrl('s')],
        "Enter",
        C::SubmitField,
        "save",
        1,
    ),
    b(
        X::EditForm,
        &[code(KeyCode::Esc)],
        "Esc",
        C::CancelField,
        "cancel (nothing saved)",
        2,
    ),
    b(
        X::EditForm,
        FIELD_KEYS_NEXT,
        "Tab",
        C::NextField,
        "next field",
        3,
    ),
    b(
        X::EditForm,
        FIELD_KEYS_PREVIOUS,
        "S-Tab",
        C::PreviousField,
        "previous field",
        4,
    ),
    // Addresses.
    b(X::Addresses, UP_DOWN, "j/k", C::MoveSelection, "move", 5),
    b(
        X::Addresses,
        &[ch('e'), code(KeyCode::Enter)],
        "e",
        C::Edit,
        "edit",
        1,
    ),
    b(X::Addresses, &[ch('a')], "a", C::AddAddress, "add", 2),
    b(X::Addresses, &[ch('d')], "d", C::DeleteAddress, "delete", 3),
    b(
        X::Addresses,
        &[ch('s'), ch('b')],
        "s/b",
        C::DefaultAddress,
        "default shipping / billing",
        4,
    ),
    b(X::Addresses, &[ch('R')], "R", C::Reload, "reload", 6),
    b(X::Confirm, &[ch('y'), ch('Y')], "y", C::Confirm, "yes", 1),
    b(
        X::Confirm,
        &[ch('n'), code(KeyCode::Esc)],
        "n/Esc",
        C::Decline,
        "no",
        2,
    ),
    // Password forms (always typing: F-keys and Alt-letters pick the form).
    b(
        X::Password,
        &[code(KeyCode::Enter)],
        "Enter",
        C::SubmitField,
        "send",
        1,
    ),
    b(
        X::Password,
        &[code(KeyCode::Esc)],
        "Esc",
        C::CancelField,
        "leave",
        2,
    ),
    b(
        X::Password,
        &[code(KeyCode::F(2)), alt('c')],
        "F2",
        C::PickPasswordForm,
        "change password",
        3,
    ),
    b(
        X::Password,
        &[code(KeyCode::F(3)), alt('f')],
        "F3",
        C::PickPasswordForm,
        "forgotten password",
        4,
    ),
    b(
        X::Password,
        &[code(KeyCode::F(4)), alt('r')],
        "F4",
        C::PickPasswordForm,
        "reset with key",
        5,
    ),
    b(
        X::Password,
        FIELD_KEYS_NEXT,
        "Tab",
        C::NextField,
        "next field",
        6,
    ),
    b(
        X::Password,
        FIELD_KEYS_PREVIOUS,
        "S-Tab",
        C::PreviousField,
        "previous field",
        7,
    ),
    b(
        X::Unavailable,
        &[code(KeyCode::Esc)],
        "Esc",
        C::Back,
        "back to the orders",
        1,
    ),
    // Quick order and the review of a draft.
    b(
        X::QuickOrder,
        &[ctrl('s'), code(KeyCode::F(5))],
        "Ctrl-S",
        C::CheckQuickOrder,
        "check the lines",
        1,
    ),
    b(
        X::QuickOrder,
        &[code(KeyCode::F(6))],
        "F6",
        C::LookupProduct,
        "look a product up",
        2,
    ),
    b(
        X::QuickOrder,
        &[code(KeyCode::Esc)],
        "Esc",
        C::Back,
        "leave",
        3,
    ),
    b(
        X::Review,
        &[code(KeyCode::Enter)],
        "Enter",
        C::SendOrder,
        "send (asks first)",
        1,
    ),
    b(X::Review, &[code(KeyCode::Esc)], "Esc", C::Back, "back", 2),
    b(X::Review, UP_DOWN, "j/k", C::MoveSelection, "move", 5),
    b(
        X::Review,
        &[ch('+'), ch('-')],
        "+/-",
        C::ChangeQuantity,
        "quantity",
        3,
    ),
    b(
        X::Review,
        &[ch('e')],
        "e",
        C::TypeQuantity,
        "type a quantity",
        4,
    ),
    b(
        X::Review,
        &[ch('x'), code(KeyCode::Delete)],
        "x",
        C::RemoveLine,
        "remove line",
        6,
    ),
    b(
        X::Review,
        &[ch('b')],
        "b",
        C::NextBrand,
        "next brand (code sold by several)",
        7,
    ),
    b(
        X::Review,
        &[ch('/')],
        "/",
        C::LookupProduct,
        "look a product up",
        7,
    ),
    b(
        X::Review,
        &[ch('a')],
        "a",
        C::AddLookedUp,
        "add the looked-up product",
        7,
    ),
    b(
        X::Review,
        &[ch('R')],
        "R",
        C::Reload,
        "check prices again",
        8,
    ),
    b(
        X::Review,
        &[ch('D')],
        "D",
        C::DiscardDraft,
        "discard the draft",
        8,
    ),
    b(
        X::ReorderPrompt,
        &[code(KeyCode::Enter)],
        "Enter",
        C::SubmitField,
        "use it",
        1,
    ),
    b(
        X::ReorderPrompt,
        &[code(KeyCode::Esc)],
        "Esc",
        C::CancelField,
        "cancel",
        2,
    ),
];

/// The context the keys go to now.
pub fn context(state: &State) -> Context {
    if state.help {
        Context::Help
    } else {
        pane_context(state)
    }
}

/// The context of the screen under the help overlay.
fn pane_context(state: &State) -> Context {
    if let Some(view) = &state.signin {
        return if view.form.is_some() {
            Context::SignInForm
        } else if view.paste.is_some() {
            Context::SignInPaste
        } else {
            Context::SignIn
        };
    }
    let caps = &state.capabilities;
    match state.pane {
        Pane::Orders if state.orders.search_input.is_some() => Context::OrderSearch,
        Pane::Orders if state.orders.detail.is_some() => Context::OrderDetail,
        Pane::Orders => Context::Orders,
        Pane::Account if state.account_pane.form.is_some() => Context::EditForm,
        Pane::Account => Context::Account,
        Pane::Addresses if state.addresses.form.is_some() => Context::EditForm,
        Pane::Addresses if state.addresses.confirm_delete.is_some() => Context::Confirm,
        Pane::Addresses => Context::Addresses,
        Pane::Password if password_features().iter().any(|f| caps.supports(*f)) => {
            Context::Password
        }
        Pane::Password => Context::Unavailable,
        Pane::Reorder if !caps.supports(Feature::PlaceOrder) => Context::Unavailable,
        Pane::Reorder => {
            let pane = &state.reorder;
            if pane.quantity_input.is_some() || pane.lookup_input.is_some() {
                Context::ReorderPrompt
            } else if pane.confirm || pane.confirm_discard {
                Context::Confirm
            } else if pane.draft.is_some() {
                Context::Review
            } else {
                Context::QuickOrder
            }
        }
    }
}

fn password_features() -> [Feature; 3] {
    [
        Feature::ChangePassword,
        Feature::ForgottenPassword,
        Feature::ResetPassword,
    ]
}

fn unsupported(feature: Feature) -> Availability {
    let text = feature.describe();
    let mut chars = text.chars();
    let first: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    Availability::Unavailable(format!(
        "{first}{} is not available on this shop",
        chars.as_str()
    ))
}

fn not_now(reason: &str) -> Availability {
    Availability::Unavailable(reason.to_owned())
}

/// Whether `binding` can run now. Per platform (capabilities) and per state.
#[expect(clippy::too_many_lines, reason = "split by branch panes")]
pub fn available(state: &State, binding: &Binding) -> Availability {
    use Availability::{Available, Hidden};
    let caps = &state.capabilities;
    let need = |feature: Feature| {
        if caps.supports(feature) {
            Available
        } else {
            unsupported(feature)
        }
    };
    match (binding.context, binding.command) {
        (X::SignIn, cmd) => {
            let Some(view) = &state.signin else {
                return Hidden;
            };
            match cmd {
                C::SignInWithBrowser if view.waiting => Hidden,
                C::CancelSignIn | C::PasteRedirect if !view.waiting => Hidden,
                C::OpenSignInPage | C::CopySignInAddress if view.url.is_none() => {
                    if view.waiting {
                        not_now("The sign-in page is not ready yet")
                    } else {
                        Hidden
                    }
                }
                _ => Available,
            }
        }
        (X::Global, C::GoToPane | C::NextPane | C::PreviousPane) if state.signin.is_some() => {
            Hidden
        }
        (X::Global, C::GoToPane) if binding.description == state.pane.title() => Hidden,
        (X::Global, C::Quit) if state.signin.as_ref().is_some_and(|v| v.waiting) => {
            // Quitting mid sign-in is Ctrl-C; `q` would race the browser's answer.
            Hidden
        }
        (X::Orders, cmd) => {
            let orders = &state.orders;
            let empty = orders.items.is_empty();
            match cmd {
                _ if !caps.supports(Feature::OrderHistory) => Hidden,
                C::OpenOrder if empty => not_now("No order to open"),
                C::OpenOrder => need(Feature::OrderDetail),
                C::MoveSelection | C::Page | C::FirstOrLast if orders.items.len() < 2 => Hidden,
                C::SearchOrders | C::FilterOrders => need(Feature::OrderSearch),
                C::ClearFilter if orders.filter == Default::default() => Hidden,
                _ => Available,
            }
        }
        (X::OrderDetail, cmd) => {
            let detail = state.orders.detail.as_ref();
            let loaded = detail.and_then(|d| d.detail.ready());
            let shipments = loaded.map_or(0, |d| d.shipments.len());
            let current = loaded.and_then(|d| d.shipments.get(detail.map_or(0, |d| d.shipment)));
            match cmd {
                C::Reorder if !caps.supports(Feature::PlaceOrder) => Hidden,
                C::Reorder if loaded.is_none() => not_now("The order is still loading"),
                C::NextShipment if shipments < 2 => {
                    if shipments == 0 {
                        Hidden
                    } else {
                        not_now("This order has one shipment")
                    }
                }
                C::OpenTracking if current.and_then(|s| s.tracking_url.as_ref()).is_none() => {
                    if shipments == 0 {
                        Hidden
                    } else {
                        not_now("This shipment has no tracking link")
                    }
                }
                C::CopyTracking if current.and_then(|s| s.tracking_id.as_ref()).is_none() => {
                    if shipments == 0 {
                        Hidden
                    } else {
                        not_now("This shipment has no tracking number")
                    }
                }
                _ => Available,
            }
        }
        (X::Account, C::Edit) => match need(Feature::EditAccount) {
            Available if state.account.ready().is_none() => {
                not_now("The account is not loaded yet")
            }
            other => other,
        },
        (X::Account, C::SignOut) if !state.can_sign_in => Hidden,
        (X::Addresses, cmd) => {
            if !caps.supports(Feature::Addresses) {
                return Hidden;
            }
            let list = state.addresses.list.ready();
            let len = list.map_or(0, Vec::len);
            match cmd {
                C::Reload => Available,
                _ if list.is_none() => Hidden,
                C::MoveSelection if len < 2 => Hidden,
                C::AddAddress if !caps.supports(Feature::AddressBook) => not_now(&format!(
                    "This shop keeps one address: edit it with {}",
                    key_of(state, X::Addresses, C::Edit)
                )),
                C::DeleteAddress if !caps.supports(Feature::AddressBook) => {
                    not_now("This shop keeps one address: it can be changed, not deleted")
                }
                C::DefaultAddress if !caps.supports(Feature::DefaultAddresses) => {
                    unsupported(Feature::DefaultAddresses)
                }
                C::Edit | C::DeleteAddress | C::DefaultAddress if len == 0 => not_now(&format!(
                    "No address yet: add one with {}",
                    key_of(state, X::Addresses, C::AddAddress)
                )),
                _ => Available,
            }
        }
        (X::Password, C::PickPasswordForm) => {
            let (mode, feature) = match binding.keys.first().map(|k| k.code) {
                Some(KeyCode::F(2)) => (PasswordMode::Change, Feature::ChangePassword),
                Some(KeyCode::F(3)) => (PasswordMode::Forgotten, Feature::ForgottenPassword),
                _ => (PasswordMode::Reset, Feature::ResetPassword),
            };
            if mode == state.password.mode {
                Hidden
            } else {
                need(feature)
            }
        }
        (X::Password, C::SubmitField) => need(match state.password.mode {
            PasswordMode::Change => Feature::ChangePassword,
            PasswordMode::Forgotten => Feature::ForgottenPassword,
            PasswordMode::Reset => Feature::ResetPassword,
        }),
        (X::QuickOrder | X::Review, C::LookupProduct) => need(Feature::ProductLookup),
        (X::Review, cmd) => {
            let pane = &state.reorder;
            let Some(draft) = pane.draft.as_ref() else {
                return Hidden;
            };
            let line = draft.lines.get(pane.selected);
            match cmd {
                C::Back => Available,
                _ if pane.busy.is_some() => not_now(pane.busy.unwrap_or("Busy")),
                C::MoveSelection if draft.lines.len() < 2 => Hidden,
                C::ChangeQuantity | C::TypeQuantity | C::RemoveLine if line.is_none() => {
                    not_now("The draft has no lines")
                }
                C::NextBrand if line.is_none_or(|l| l.brand_choices.is_empty()) => Hidden,
                C::AddLookedUp if !caps.supports(Feature::ProductLookup) => Hidden,
                C::AddLookedUp if !matches!(&pane.lookup, Loadable::Ready(p) if !p.is_empty()) => {
                    not_now(&format!(
                        "Look a product up first ({})",
                        key_of(state, X::Review, C::LookupProduct)
                    ))
                }
                C::SendOrder if draft.customer.is_some() && draft.customer != state.customer => {
                    not_now("This draft belongs to another account")
                }
                C::SendOrder if !pane.checked => not_now(&format!(
                    "Today's prices are not checked yet: press {}",
                    key_of(state, X::Review, C::Reload)
                )),
                C::SendOrder if draft.totals().sendable_lines == 0 => {
                    not_now("No line can be ordered as it stands")
                }
                _ => Available,
            }
        }
        _ => Available,
    }
}

/// How the user's keys for a command are written, for a reason that names the key to press.
fn key_of(state: &State, context: Context, command: Command) -> Cow<'static, str> {
    bindings(context)
        .find(|b| b.command == command)
        .map_or(Cow::Borrowed("?"), |b| state.keys.label(b))
}

/// The bindings of one context, in table order.
pub fn bindings(context: Context) -> impl Iterator<Item = &'static Binding> {
    TABLE.iter().filter(move |b| b.context == context)
}

/// The binding a key reaches now: the context's own first, then (outside text fields) the
/// global ones. Hidden bindings are skipped, so the key falls through to a text field.
pub fn lookup(state: &State, key: &KeyEvent) -> Option<(&'static Binding, Availability)> {
    let context = context(state);
    let global = (!context.typing() && context != Context::Help)
        .then(|| bindings(Context::Global))
        .into_iter()
        .flatten();
    bindings(context)
        .chain(global)
        .filter(|b| b.keys.iter().any(|k| k.matches(key)))
        .map(|b| (b, available(state, b)))
        .find(|(_, a)| *a != Availability::Hidden)
}

/// What the status bar offers now: the context's available commands by priority, with `?` last
/// (the caller pins it at the right edge).
pub fn hints(state: &State) -> Vec<&'static Binding> {
    let context = context(state);
    let mut shown: Vec<&'static Binding> = bindings(context)
        .filter(|b| state.keys.bound(b) && available(state, b) == Availability::Available)
        .collect();
    shown.sort_by_key(|b| b.priority);
    if !context.typing() && context != Context::Help {
        let quit = bindings(Context::Global).find(|b| b.command == Command::Quit);
        if let Some(quit) =
            quit.filter(|b| state.keys.bound(b) && available(state, b) == Availability::Available)
        {
            shown.push(quit);
        }
    }
    shown
}

/// Whether the `?` help can be opened now (not while typing, where `?` is text).
pub fn help_offered(state: &State) -> bool {
    let context = context(state);
    !context.typing() && context != Context::Help
}

/// The help overlay's lines: (keys as the user has them, description, why not now).
pub fn help_lines(state: &State) -> Vec<(Cow<'static, str>, &'static str, Option<String>)> {
    // The help describes the screen underneath it.
    let context = pane_context(state);
    let mut lines = Vec::new();
    for binding in bindings(context).filter(|b| state.keys.bound(b)) {
        let label = state.keys.label(binding);
        match available(state, binding) {
            Availability::Available => lines.push((label, binding.description, None)),
            Availability::Unavailable(why) => lines.push((label, binding.description, Some(why))),
            Availability::Hidden => {}
        }
    }
    lines
}

#[cfg(test)]
#[path = "commands_tests.rs"]
pub(crate) mod tests;
