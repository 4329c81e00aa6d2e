//! The one command table: every key the TUI answers, in which context, and what it is called.
//! Key dispatch, the status bar, the `?` help and the mouse all read it, and every one of them asks
//! [`available`] first — so what the screen offers is exactly what works now, on this platform, in
//! this state. A key that is listed but cannot work now says why (a toast) instead of doing nothing.

use super::ctx::Ctx;
use super::loadable::Loadable;
use super::panes::password;
use super::state::State;
use super::tabs::Pane;
use crate::shop::Feature;
use ratatui::crossterm::event::KeyEvent;
use std::borrow::Cow;

pub use super::table::{Binding, Command, Context, Key, TABLE, bindings};
use Command as C;
use Context as X;

/// Whether a command can run now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    Available,
    /// Not offered here at all (the key falls through: text in a field, nothing elsewhere).
    Hidden,
    /// Offered by the context but not possible now: the key shows this reason.
    Unavailable(String),
}

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
        return if view.signup.is_some() {
            Context::SignUpForm
        } else if view.form.is_some() {
            Context::SignInForm
        } else if view.paste.is_some() {
            Context::SignInPaste
        } else {
            Context::SignIn
        };
    }
    if let Some(staff) = state.staff.as_ref().filter(|s| s.chosen.is_none()) {
        return if staff.in_list {
            Context::StaffResults
        } else {
            Context::StaffSearch
        };
    }
    let caps = &state.ctx.capabilities;
    let reorder = &state.reorder;
    match state.pane {
        Pane::Orders if state.orders.search_input.is_some() => Context::OrderSearch,
        Pane::Orders if state.orders.detail.is_some() => Context::OrderDetail,
        Pane::Orders => Context::Orders,
        Pane::Account if state.account_pane.confirm_save.is_some() => Context::Confirm,
        Pane::Account if state.account_pane.form.is_some() => Context::EditForm,
        Pane::Account if state.account_pane.delete_confirm.is_some() => Context::DeleteAccount,
        Pane::Account => Context::Account,
        // As the Password and Reorder panes on a shop without them: the global keys and Esc back.
        Pane::Addresses if !caps.supports(Feature::Addresses) => Context::Unavailable,
        Pane::Addresses if state.addresses.confirm_change.is_some() => Context::Confirm,
        Pane::Addresses if state.addresses.form.is_some() => Context::EditForm,
        Pane::Addresses if state.addresses.confirm_delete.is_some() => Context::Confirm,
        Pane::Addresses => Context::Addresses,
        Pane::Password if password_features().iter().any(|f| caps.supports(*f)) => {
            Context::Password
        }
        Pane::Password => Context::Unavailable,
        Pane::Reorder if !caps.supports(Feature::PlaceOrder) => Context::Unavailable,
        Pane::Reorder if reorder.quantity_input.is_some() || reorder.lookup_input.is_some() => {
            Context::ReorderPrompt
        }
        Pane::Reorder if reorder.confirm || reorder.confirm_discard => Context::Confirm,
        Pane::Reorder if reorder.draft.is_some() => Context::Review,
        Pane::Reorder if reorder.payment.is_some() => Context::Payment,
        Pane::Reorder if reorder.lists.is_some() => Context::ShoppingLists,
        Pane::Reorder => Context::QuickOrder,
    }
}

fn password_features() -> [Feature; 3] {
    [
        Feature::ChangePassword,
        Feature::ForgottenPassword,
        Feature::ResetPassword,
    ]
}

fn unsupported(ctx: &Ctx, feature: Feature) -> Availability {
    let text = feature.describe();
    let mut chars = text.chars();
    let first: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    let text = format!("{first}{} is not available on this shop", chars.as_str());
    Availability::Unavailable(ctx.with_lacking_reason(feature, &text))
}

fn not_now(reason: &str) -> Availability {
    Availability::Unavailable(reason.to_owned())
}

fn need(ctx: &Ctx, feature: Feature) -> Availability {
    if ctx.supports(feature) {
        Availability::Available
    } else {
        unsupported(ctx, feature)
    }
}

/// Whether `binding` can run now. Per platform (capabilities) and per state.
pub fn available(state: &State, binding: &Binding) -> Availability {
    use Availability::{Available, Hidden};
    match (binding.context, binding.command) {
        (X::SignIn, cmd) => signin_available(state, cmd),
        // Offered only where the platform has a sign-up; elsewhere Alt-n is nothing.
        (X::SignInForm, C::OpenSignUp) if !state.ctx.supports(Feature::SignUp) => Hidden,
        (X::SignInForm, C::OpenSignUp) if state.signin.as_ref().is_some_and(|v| v.busy()) => {
            not_now("Signing in…")
        }
        (X::StaffSearch | X::StaffResults, cmd) => staff_search_available(state, cmd),
        (X::Global, C::SwitchCustomer) => staff_switch_available(state),
        (X::Global, C::GoToPane | C::NextPane | C::PreviousPane) if state.searching_customers() => {
            Hidden
        }
        // A staff token is not the customer's to sign out of: `shopterm logout` removes it.
        (X::Global, C::SignOut) if state.staff.is_some() => Hidden,
        (X::Global, C::GoToPane | C::NextPane | C::PreviousPane) if state.signin.is_some() => {
            Hidden
        }
        (X::Global, C::GoToPane) if binding.description == state.pane.title() => Hidden,
        (X::Global, C::Quit) if state.signin.as_ref().is_some_and(|v| v.waiting) => {
            // Quitting mid sign-in is Ctrl-C; `q` would race the browser's answer.
            Hidden
        }
        (X::Orders, cmd) => orders_available(state, cmd),
        (X::OrderDetail, cmd) => detail_available(state, cmd),
        (X::Account, C::DeleteAccount) if !state.ctx.supports(Feature::DeleteAccount) => Hidden,
        (X::Account, C::DeleteAccount) if state.ctx.account.ready().is_none() => {
            not_now("The account is not loaded yet")
        }
        (X::Account, C::Edit) => match need(&state.ctx, Feature::EditAccount) {
            Available if state.ctx.account.ready().is_none() => {
                not_now("The account is not loaded yet")
            }
            other => other,
        },
        // Signing out is for a customer who can sign in again here, and not from the sign-in.
        (X::Global, C::SignOut) if !state.can_sign_in || state.signin.is_some() => Hidden,
        (X::Addresses, cmd) => addresses_available(state, cmd),
        (X::Password, C::PickPasswordForm) => {
            let mode = password::mode_of(binding);
            if mode == state.password.mode {
                Hidden
            } else {
                need(&state.ctx, mode.feature())
            }
        }
        (X::Password, C::SubmitField) => need(&state.ctx, state.password.mode.feature()),
        (X::QuickOrder | X::Review, C::LookupProduct) => need(&state.ctx, Feature::ProductLookup),
        (X::QuickOrder, C::ShoppingLists) if !state.ctx.supports(Feature::ShoppingLists) => Hidden,
        (X::ShoppingLists, C::OrderShoppingList | C::MoveSelection) => {
            match state.reorder.lists.as_ref().and_then(Loadable::ready) {
                Some(lists) if lists.is_empty() => not_now("There is no shopping list to order"),
                Some(_) => Available,
                None => not_now("The shopping lists are not loaded yet"),
            }
        }
        (X::Review, cmd) => review_available(state, cmd),
        _ => Available,
    }
}

/// The browser sign-in: what fits the step it is at.
fn signin_available(state: &State, cmd: Command) -> Availability {
    use Availability::{Available, Hidden};
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

/// The order history: per platform, and per what is loaded.
fn orders_available(state: &State, cmd: Command) -> Availability {
    use Availability::{Available, Hidden};
    let caps = &state.ctx.capabilities;
    let orders = &state.orders;
    let empty = orders.items.is_empty();
    match cmd {
        _ if !caps.supports(Feature::OrderHistory) => Hidden,
        C::OpenOrder if empty => not_now("No order to open"),
        C::OpenOrder => need(&state.ctx, Feature::OrderDetail),
        C::MoveSelection | C::Page | C::FirstOrLast if orders.items.len() < 2 => Hidden,
        // One feature serves both keys; the refusal names the one pressed.
        C::FilterOrders if !state.ctx.supports(Feature::OrderSearch) => {
            Availability::Unavailable(state.ctx.with_lacking_reason(
                Feature::OrderSearch,
                "Status filters are not available on this shop",
            ))
        }
        C::SearchOrders | C::FilterOrders => need(&state.ctx, Feature::OrderSearch),
        C::ClearFilter if orders.filter == Default::default() => Hidden,
        _ => Available,
    }
}

/// One order: the shipment keys only where there are shipments.
fn detail_available(state: &State, cmd: Command) -> Availability {
    use Availability::{Available, Hidden};
    let caps = &state.ctx.capabilities;
    let detail = state.orders.detail.as_ref();
    let loaded = detail.and_then(|d| d.detail.ready());
    let shipments = loaded.map_or(0, |d| d.shipments.len());
    let current = loaded.and_then(|d| d.shipments.get(detail.map_or(0, |d| d.shipment)));
    match cmd {
        C::SavePdf if !caps.supports(Feature::Documents) => Hidden,
        C::SavePdf if loaded.is_none() => not_now("The order is still loading"),
        C::Reorder if !caps.supports(Feature::PlaceOrder) => Hidden,
        C::Reorder if working_for_a_guest(state) => {
            not_now("Guest orders are read-only: a guest has no account to order for")
        }
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

/// The address book, or the one address some shops keep.
fn addresses_available(state: &State, cmd: Command) -> Availability {
    use Availability::{Available, Hidden};
    let caps = &state.ctx.capabilities;
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
            unsupported(&state.ctx, Feature::DefaultAddresses)
        }
        C::Edit | C::DeleteAddress | C::DefaultAddress if len == 0 => not_now(&format!(
            "No address yet: add one with {}",
            key_of(state, X::Addresses, C::AddAddress)
        )),
        _ => Available,
    }
}

/// The review of a draft: nothing is sent that is not checked, sendable and this account's.
fn review_available(state: &State, cmd: Command) -> Availability {
    use Availability::{Available, Hidden};
    let caps = &state.ctx.capabilities;
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
        C::EmptyCartFirst if !caps.supports(Feature::ShopCart) => Hidden,
        C::AddLookedUp if !caps.supports(Feature::ProductLookup) => Hidden,
        C::AddLookedUp if !matches!(&pane.lookup, Loadable::Ready(p) if !p.is_empty()) => {
            not_now(&format!(
                "Look a product up first ({})",
                key_of(state, X::Review, C::LookupProduct)
            ))
        }
        C::SendOrder if draft.customer.is_some() && draft.customer != state.ctx.customer => {
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

/// How the user's keys for a command are written, for a reason that names the key to press.
fn key_of(state: &State, context: Context, command: Command) -> Cow<'static, str> {
    state.keys.label_of(context, command)
}

/// The binding a key reaches now: the context's own first, then (outside text fields) the
/// global ones. Hidden bindings are skipped, so the key falls through to a text field.
pub fn lookup(state: &State, key: &KeyEvent) -> Option<(&'static Binding, Availability)> {
    let context = context(state);
    let global = context
        .takes_global_keys()
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
    if context.takes_global_keys() {
        // The global keys a user looks for on every screen, after the screen's own (in staff
        // mode the way back to the customer search; it is hidden for a customer).
        shown.extend(bindings(Context::Global).filter(|b| {
            matches!(
                b.command,
                Command::Quit | Command::SignOut | Command::SwitchCustomer
            ) && state.keys.bound(b)
                && available(state, b) == Availability::Available
        }));
    }
    shown
}

/// Whether the `?` help can be opened now (not while typing, where `?` is text).
pub fn help_offered(state: &State) -> bool {
    let context = context(state);
    context.takes_global_keys()
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

/// Whether staff mode's customer search commands can run now.
fn staff_search_available(state: &State, command: Command) -> Availability {
    let Some(pane) = state.staff.as_ref() else {
        return Availability::Hidden;
    };
    let found = pane.matches().len();
    match command {
        Command::SubmitField if pane.query.value().trim().is_empty() => {
            Availability::Unavailable("Type the customer's e-mail or phone number first".into())
        }
        Command::NextField if found == 0 => Availability::Hidden,
        Command::ChooseCustomer if found == 0 => {
            Availability::Unavailable("No customer found: change the search".into())
        }
        Command::MoveSelection if found < 2 => Availability::Hidden,
        Command::Reload if pane.searched.is_none() => Availability::Hidden,
        _ => Availability::Available,
    }
}

/// Staff mode reading guest orders (no customer account): nothing is ordered for them.
fn working_for_a_guest(state: &State) -> bool {
    state
        .staff
        .as_ref()
        .and_then(|pane| pane.chosen.as_ref())
        .is_some_and(|chosen| chosen.is_guest())
}

/// `C`: back to the search, once a customer is chosen; not while an order is on its way for them.
fn staff_switch_available(state: &State) -> Availability {
    match &state.staff {
        Some(pane) if pane.chosen.is_some() => match state.reorder.busy {
            Some(_) => Availability::Unavailable(
                "An order is being sent for this customer; wait for the shop's answer".into(),
            ),
            None => Availability::Available,
        },
        _ => Availability::Hidden,
    }
}
