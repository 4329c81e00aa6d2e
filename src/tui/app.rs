//! The TUI's one update function. `update` is pure: it changes the state and returns the effects
//! to run (network calls, opening a browser, copying); it never awaits and never draws. Keys go
//! through the command table (`commands`) to the pane that has them; the shop's answers go to the
//! pane they are for. What belongs to no single pane is here: switching panes, who is signed in
//! (sign-in, sign-out, an expired session), and handing a reorder from an order to the Reorder
//! pane. Everything here is unit-tested without a terminal or a network.

pub use super::feedback::{Toast, ToastKind};
pub use super::loadable::Loadable;
pub use super::messages::{Action, Effect};
pub use super::panes::orders::ORDERS_PAGE;
pub use super::panes::password::PasswordMode;
pub use super::panes::signin::SignInView;
pub use super::state::State;
pub use super::tabs::Pane;

use super::commands::{self, Command, Context};
use super::feedback::failure_text;
use super::mouse::{self, MouseOutcome};
use super::panes::{account, addresses, orders, password, reorder, signin};
use crate::model::*;
use crate::sanitize::{Sanitize, clean};
use crate::shop::{Feature, ShopError};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

impl State {
    /// The effects to run at start: the account for the status bar and the first pane's data.
    pub fn start(&mut self) -> Vec<Effect> {
        if self.signin.is_some() {
            return Vec::new();
        }
        if self.searching_customers() {
            return super::staff_mode::start(self);
        }
        self.ctx.account = Loadable::Loading;
        let mut effects = vec![Effect::LoadAccount];
        effects.extend(self.enter_pane(self.pane));
        effects
    }

    /// Whether keys go to a text field (then letters are text, not commands).
    pub fn typing(&self) -> bool {
        commands::context(self).typing()
    }

    /// Switches to a pane (and loads what it shows), as its digit key does.
    pub fn go_to(&mut self, pane: Pane) -> Vec<Effect> {
        self.enter_pane(pane)
    }

    fn enter_pane(&mut self, pane: Pane) -> Vec<Effect> {
        self.pane = pane;
        self.help = false;
        match pane {
            Pane::Addresses => self.addresses.enter(&self.ctx),
            Pane::Orders => self.orders.enter(&self.ctx),
            _ => Vec::new(),
        }
    }

    /// After a pane's update: the pane it handed over to, if any (with what that one loads).
    fn follow(&mut self, mut effects: Vec<Effect>) -> Vec<Effect> {
        if let Some(pane) = self.ctx.go_to.take() {
            effects.extend(self.enter_pane(pane));
        }
        effects
    }

    /// Drops everything shown of the signed-in customer: account, addresses, orders, forms and
    /// the reorder draft (which stays saved under that customer). Late answers for them are
    /// dropped too (the order generation moves on).
    pub(super) fn forget_customer(&mut self) {
        self.orders = orders::OrdersPane {
            generation: self.orders.generation + 1,
            viewport: self.orders.viewport,
            ..Default::default()
        };
        self.ctx.account = Loadable::Idle;
        self.ctx.customer = None;
        self.account_pane = Default::default();
        self.addresses = Default::default();
        self.password = Default::default();
        self.reorder = Default::default();
        self.help = false;
    }

    /// The account answer names who is signed in: another customer than the one shown means
    /// nothing shown is theirs. The first time a customer is known, their saved draft comes back.
    fn signed_in_as(&mut self, account: &Account) -> Vec<Effect> {
        if self.ctx.customer.as_ref() == Some(&account.id) {
            return Vec::new();
        }
        if self.ctx.customer.is_some() {
            let pane = self.pane;
            self.forget_customer();
            self.pane = pane;
        }
        self.ctx.customer = Some(account.id.clone());
        if self.ctx.supports(Feature::PlaceOrder) && self.reorder.draft.is_none() {
            vec![Effect::RestoreDraft(account.id.clone())]
        } else {
            Vec::new()
        }
    }
}

/// The error of a finished request, if it says the user must sign in (again).
fn auth_failure(action: &Action) -> Option<&ShopError> {
    let error = match action {
        Action::AccountLoaded(Err(e))
        | Action::AccountSaved(Err(e))
        | Action::AddressesLoaded(Err(e))
        | Action::AddressSaved(Err(e))
        | Action::AddressDeleted(_, Err(e))
        | Action::DefaultAddressSet(Err(e))
        | Action::OrdersLoaded { result: Err(e), .. }
        | Action::OrderLoaded(_, Err(e))
        | Action::PasswordChanged(Err(e))
        | Action::DraftResolved(Err(e))
        | Action::DraftSent(_, Err(e))
        | Action::ProductsFound(Err(e))
        | Action::ShoppingListsLoaded(Err(e)) => e,
        _ => return None,
    };
    matches!(error, ShopError::NotSignedIn | ShopError::SessionExpired).then_some(error)
}

/// Opens the sign-in screen over the current place.
fn ask_to_sign_in(state: &mut State, reason: &str) {
    if !state.can_sign_in {
        return;
    }
    if state.signin.is_none() {
        state.signin = Some(state.new_sign_in_view());
    }
    if let Some(view) = state.signin.as_mut()
        && !view.waiting
    {
        view.reason = Some(reason.to_owned());
    }
}

/// After a sign-in: reload what is shown and what failed; forms keep their drafts.
fn after_sign_in(state: &mut State, account: Account) -> Vec<Effect> {
    state.signin = None;
    state.ctx.known_login = Some(account.email.clone());
    let mut effects = state.signed_in_as(&account);
    state.ctx.account = Loadable::Ready(account.sanitized());
    if matches!(state.addresses.list, Loadable::Failed(_))
        || (state.pane == Pane::Addresses && matches!(state.addresses.list, Loadable::Idle))
    {
        state.addresses.list = Loadable::Loading;
        effects.push(Effect::LoadAddresses);
    }
    if state.orders.error.is_some() || state.orders.items.is_empty() {
        state.orders.error = None;
        effects.extend(state.orders.load_more());
    }
    if let Some(view) = state
        .orders
        .detail
        .as_mut()
        .filter(|v| matches!(v.detail, Loadable::Failed(_)))
    {
        view.detail = Loadable::Loading;
        effects.push(Effect::LoadOrder(view.number.clone()));
    }
    let send = state.keys.label_of(Context::EditForm, Command::SubmitField);
    for form in [
        state.account_pane.form.as_mut(),
        state.addresses.form.as_mut().map(|(_, f)| f),
    ]
    .into_iter()
    .flatten()
    {
        if form.message.is_some() && !form.submitting {
            form.message = Some(format!(
                "Signed in again: press {send} to send your changes"
            ));
        }
    }
    state.ctx.toast(ToastKind::Info, "Signed in");
    effects
}

/// Applies an action; returns the effects to run.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    if let Some(error) = auth_failure(&action) {
        let reason = match error {
            ShopError::SessionExpired => {
                "Your session has expired. Sign in again; your place and drafts are kept."
            }
            _ => "You are signed out. Sign in again; your place and drafts are kept.",
        };
        ask_to_sign_in(state, reason);
    }
    match action {
        Action::Key(key) if key.kind != KeyEventKind::Release => on_key(state, key),
        Action::Key(_) => Vec::new(),
        Action::Resize(width, height) => {
            state.size = (width, height);
            state.orders.resize(width, height);
            Vec::new()
        }
        Action::Mouse(event) => match mouse::on_mouse(state, event) {
            MouseOutcome::Nothing => Vec::new(),
            MouseOutcome::Key(code) => table_key(state, KeyEvent::new(code, KeyModifiers::NONE)),
            MouseOutcome::GoTo(pane) => state.enter_pane(pane),
        },
        Action::Tick => {
            state.tick = state.tick.wrapping_add(1);
            for toast in &mut state.ctx.toasts {
                toast.ttl = toast.ttl.saturating_sub(1);
            }
            state.ctx.toasts.retain(|t| t.ttl > 0);
            if let Some(staff) = state.staff.as_mut() {
                staff.on_tick();
            }
            Vec::new()
        }
        Action::Paste(text) => {
            on_paste(state, &text);
            Vec::new()
        }
        Action::Done(Ok(text)) => {
            state.ctx.toast(ToastKind::Info, text);
            Vec::new()
        }
        Action::Done(Err(text)) => {
            state.ctx.toast(ToastKind::Error, text);
            Vec::new()
        }
        Action::SignInUrl(_)
        | Action::SignInBrowser(_)
        | Action::SignInFinished(_)
        | Action::SignInRefused(_)
        | Action::SignUpFailed { .. }
        | Action::SignedUpNotSignedIn(_)
        | Action::PasteRejected(_)
        | Action::SignedOut(_)
        | Action::AccountDeleted(_) => session_answer(state, action),
        answer => shop_answer(state, answer),
    }
}

/// An answer of the shop: to the pane it is for.
fn shop_answer(state: &mut State, action: Action) -> Vec<Effect> {
    let ctx = &mut state.ctx;
    match action {
        Action::AccountLoaded(Ok(account)) => {
            ctx.known_login = Some(account.email.clone());
            let mut effects = state.signed_in_as(&account);
            state.ctx.account = Loadable::Ready(account.sanitized());
            if state.orders.items.is_empty() && state.pane == Pane::Orders {
                effects.extend(state.enter_pane(Pane::Orders));
            }
            effects
        }
        Action::AccountLoaded(Err(error)) => {
            ctx.account = Loadable::Failed(failure_text(&error));
            Vec::new()
        }
        Action::AccountSaved(result) => {
            account::saved(&mut state.account_pane, ctx, result);
            Vec::new()
        }
        Action::AddressesLoaded(result) => {
            addresses::loaded(&mut state.addresses, result);
            Vec::new()
        }
        Action::AddressSaved(result) => {
            addresses::saved(&mut state.addresses, ctx, result);
            Vec::new()
        }
        Action::AddressDeleted(id, result) => {
            addresses::deleted(&mut state.addresses, ctx, &id, result);
            Vec::new()
        }
        Action::DefaultAddressSet(result) => {
            addresses::default_set(&mut state.addresses, ctx, result);
            Vec::new()
        }
        Action::OrdersLoaded {
            generation,
            offset,
            result,
        } => orders::list::loaded(&mut state.orders, generation, offset, result),
        Action::OrderLoaded(number, result) => {
            if let Some(view) = state.orders.detail.as_mut() {
                orders::detail::loaded(view, &number, result);
            }
            Vec::new()
        }
        Action::PasswordChanged(result) => {
            let told = result.map(|()| "Password changed".to_owned());
            password::answered(&mut state.password, ctx, told)
        }
        Action::ResetRequested(result) => password::answered(&mut state.password, ctx, result),
        Action::PasswordReset(result) => {
            let told = result.map(|()| "Password reset; sign in with the new one".to_owned());
            password::answered(&mut state.password, ctx, told)
        }
        Action::DraftResolved(result) => {
            reorder::draft_resolved(&mut state.reorder, &state.keys, result)
        }
        Action::DraftSent(key, result) => {
            let placed = matches!(result, Ok(OrderOutcome::Placed(_)));
            let mut effects =
                reorder::draft_sent(&mut state.reorder, ctx, &state.keys, key, result);
            if placed {
                // The new order goes to the top of the history, which is where the user lands
                // (without a filter that could hide it).
                state.orders.filter = OrderFilter::default();
                state.orders.detail = None;
                effects.extend(state.orders.restart());
            }
            state.follow(effects)
        }
        Action::ProductsFound(result) => {
            reorder::products_found(&mut state.reorder, result);
            Vec::new()
        }
        Action::ShoppingListsLoaded(result) => {
            reorder::shopping_lists_loaded(&mut state.reorder, result);
            Vec::new()
        }
        Action::DraftRestored(customer, draft) => {
            reorder::draft_restored(&mut state.reorder, ctx, customer, draft)
        }
        Action::EshopLoaded(result) => {
            if let Some(staff) = state.staff.as_mut() {
                super::panes::staff::eshop_loaded(staff, result);
            }
            Vec::new()
        }
        Action::CustomersFound { generation, result } => {
            if let Some(staff) = state.staff.as_mut() {
                super::panes::staff::found(staff, generation, result);
            }
            Vec::new()
        }
        // Input and the session's answers are `update`'s own.
        _ => Vec::new(),
    }
}

/// An answer about the session: the sign-in's progress, or the sign-out.
fn session_answer(state: &mut State, action: Action) -> Vec<Effect> {
    if let Action::SignInFinished(Ok(account)) = action {
        return after_sign_in(state, account);
    }
    if let Action::AccountDeleted(result) = action {
        return match result {
            Ok(()) => {
                state.ctx.known_login = None;
                state.forget_customer();
                let mut view = state.new_sign_in_view();
                view.reason = Some(
                    "Your account was deleted at the shop. You are signed out; the tokens are \
                     removed here."
                        .to_owned(),
                );
                state.signin = Some(view);
                Vec::new()
            }
            Err(error) => {
                account::delete_failed(&mut state.account_pane, &mut state.ctx, &error);
                Vec::new()
            }
        };
    }
    if let Action::SignedOut(result) = action {
        // Nothing of this customer stays on screen for whoever signs in next.
        state.forget_customer();
        if state.signin.is_none() {
            state.signin = Some(state.new_sign_in_view());
        }
        let Some(view) = state.signin.as_mut() else {
            return Vec::new();
        };
        view.waiting = false;
        view.reason = Some(match result {
            Ok(None) => {
                "Signed out. The tokens were revoked at the shop and deleted here.".to_owned()
            }
            Ok(Some(note)) => format!("Signed out. Note: {}", clean(&note)),
            Err(error) => format!("Signed out here, but: {}", clean(&error)),
        });
        return Vec::new();
    }
    let Some(view) = state.signin.as_mut() else {
        return Vec::new();
    };
    match action {
        Action::SignInUrl(url) => signin::url_ready(view, &url),
        Action::SignInBrowser(launched) => signin::browser_launched(view, launched),
        Action::SignInFinished(Err(error)) => signin::failed(view, &error),
        Action::SignInRefused(error) => signin::refused(view, &error),
        Action::SignUpFailed { fields, message } => signin::sign_up_failed(view, &fields, &message),
        Action::SignedUpNotSignedIn(error) => signin::signed_up_not_signed_in(view, &error),
        Action::PasteRejected(error) => signin::paste_rejected(view, &error),
        _ => {}
    }
    Vec::new()
}

/// Bracketed paste goes to whatever text field has the keys, masked ones included.
fn on_paste(state: &mut State, text: &str) {
    let text = &crate::sanitize::pasted(text);
    if let Some(view) = state.signin.as_mut() {
        signin::on_paste(view, text);
        return;
    }
    if let Some(staff) = state.staff.as_mut().filter(|s| s.chosen.is_none()) {
        super::panes::staff::on_paste(staff, text);
        return;
    }
    match state.pane {
        Pane::Account => {
            if let Some(form) = state.account_pane.form.as_mut() {
                form.paste(text);
            } else if let Some(input) = state.account_pane.delete_confirm.as_mut() {
                crate::tui::form::paste_into(input, text.trim());
            }
        }
        Pane::Addresses => state.addresses.paste(text),
        Pane::Orders => orders::on_paste(&mut state.orders, text),
        Pane::Password if commands::context(state) == Context::Password => {
            state.password.form.paste(text)
        }
        Pane::Password => {}
        Pane::Reorder => reorder::on_paste(&mut state.reorder, &state.ctx, text),
    }
}

fn is_ctrl(key: &KeyEvent, c: char) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char(c)
}

/// Every key goes through the command table: a listed key that cannot work now says why; a key
/// the table does not list is text in a field, or nothing.
fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if is_ctrl(&key, 'c') {
        state.quit = true;
        return Vec::new();
    }
    match state.keys.resolve(commands::context(state), key) {
        super::keys::Resolved::Key(key) => table_key(state, key),
        super::keys::Resolved::Replaced => Vec::new(),
    }
}

/// A key as the table names it (the mouse sends these): a listed key that cannot work now says
/// why; a key the table does not list is text in a field, or nothing.
fn table_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let context = commands::context(state);
    match commands::lookup(state, &key) {
        Some((_, commands::Availability::Unavailable(why))) => {
            state.ctx.toast(ToastKind::Error, why);
            Vec::new()
        }
        Some((binding, _)) => run_command(state, binding.command, key),
        None if context == Context::Help => {
            // Any other key closes the help; it does nothing else.
            state.help = false;
            Vec::new()
        }
        None if context.passes_unlisted_keys() => pane_key(state, key),
        None => Vec::new(),
    }
}

fn run_command(state: &mut State, command: Command, key: KeyEvent) -> Vec<Effect> {
    match command {
        Command::Quit => {
            state.quit = true;
            Vec::new()
        }
        Command::Help => {
            state.help = true;
            state.help_scroll = 0;
            Vec::new()
        }
        Command::CloseHelp => {
            state.help = false;
            Vec::new()
        }
        Command::ScrollHelp => {
            state.help_scroll = match key.code {
                KeyCode::Down | KeyCode::Char('j') => state.help_scroll.saturating_add(1),
                KeyCode::Up | KeyCode::Char('k') => state.help_scroll.saturating_sub(1),
                KeyCode::PageDown => state.help_scroll.saturating_add(10),
                _ => state.help_scroll.saturating_sub(10),
            };
            Vec::new()
        }
        Command::GoToPane => match key.code {
            KeyCode::Char(c @ '1'..='5') => state.enter_pane(Pane::ALL[c as usize - '1' as usize]),
            _ => Vec::new(),
        },
        Command::NextPane => state.enter_pane(state.pane.step(true)),
        Command::PreviousPane => state.enter_pane(state.pane.step(false)),
        // Leaving the payment page's address: the history is read again, where the order
        // shows once the shop has it paid.
        Command::Back if commands::context(state) == Context::Payment => {
            state.reorder.payment = None;
            state.reorder.message = None;
            state.orders.filter = OrderFilter::default();
            state.orders.detail = None;
            let mut effects = state.orders.restart();
            effects.extend(state.enter_pane(Pane::Orders));
            state.follow(effects)
        }
        // A pane the shop does not offer: Esc backs out to the order history.
        Command::Back if commands::context(state) == Context::Unavailable => {
            state.enter_pane(Pane::Orders)
        }
        Command::SignOut => {
            // A deliberate sign-out: the next sign-in form is empty (whoever comes next at the
            // terminal is not asked to be the last customer). An expired session keeps it.
            state.ctx.known_login = None;
            vec![Effect::SignOut]
        }
        Command::SavePdf => {
            let order = state.orders.detail.as_ref().and_then(|v| v.detail.ready());
            let Some(number) = order.map(|o| o.summary.number.clone()) else {
                return Vec::new();
            };
            let kind = match key.code {
                KeyCode::Char('i') => DocumentKind::Invoice,
                _ => DocumentKind::Order,
            };
            state.ctx.toast(
                ToastKind::Info,
                format!("Downloading the {} PDF of {number}…", kind.as_str()),
            );
            vec![Effect::SavePdf(number, kind)]
        }
        Command::OpenSignUp => {
            if let Some(view) = state.signin.as_mut() {
                signin::open_sign_up(view, &state.ctx.capabilities);
            }
            Vec::new()
        }
        Command::ChooseCustomer => super::staff_mode::choose(state),
        Command::SwitchCustomer => super::staff_mode::back_to_search(state),
        // The open order's lines become a draft in the Reorder pane.
        Command::Reorder => {
            let order = state.orders.detail.as_ref().and_then(|v| v.detail.ready());
            let Some(order) = order.cloned() else {
                return Vec::new();
            };
            let effects =
                reorder::reorder_from(&mut state.reorder, &mut state.ctx, &state.keys, &order);
            state.follow(effects)
        }
        _ => pane_key(state, key),
    }
}

/// The pane's own handling of a key the table let through.
fn pane_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if state.signin.is_none() && state.searching_customers() {
        return super::staff_mode::key(state, key);
    }
    let ctx = &mut state.ctx;
    let effects = if let Some(view) = state.signin.as_mut() {
        signin::update(view, ctx, key)
    } else {
        match state.pane {
            Pane::Account => account::update(&mut state.account_pane, ctx, key),
            Pane::Addresses => addresses::update(&mut state.addresses, ctx, key),
            Pane::Orders => orders::update(&mut state.orders, ctx, key),
            Pane::Password => password::update(&mut state.password, ctx, key),
            Pane::Reorder => reorder::update(&mut state.reorder, ctx, key),
        }
    };
    state.follow(effects)
}

#[cfg(test)]
#[path = "app_tests.rs"]
mod tests;
