//! Staff mode (Shoptet) as the app sees it: the customer search has the screen until a customer
//! is chosen; choosing, and going back to the search (`C`), drop every pane's data as signing
//! out does, so nothing of one customer is ever shown while working for another. The panes
//! themselves are the customers' own; `Ctx::acting_for` lets confirmations name the customer.

use super::loadable::Loadable;
use super::messages::Effect;
use super::panes::staff::{self, StaffPane};
use super::state::State;
use super::tabs::Pane;

/// A state for a staff token: the customer search first, with the e-shop's name to load.
pub fn enter(state: &mut State) {
    state.staff = Some(StaffPane::default());
    state.ctx.acting_for = None;
    state.ctx.lacking_because = Some(crate::platforms::shoptet::staff_api_lacks);
}

/// What staff mode loads at start, while no customer is chosen: the e-shop's name.
pub fn start(state: &mut State) -> Vec<Effect> {
    match state.staff.as_mut() {
        Some(pane) => {
            pane.eshop = Loadable::Loading;
            vec![Effect::LoadEshop]
        }
        None => Vec::new(),
    }
}

/// Enter on a match: nothing of anyone shown before stays; the chosen customer's account and
/// orders load.
pub fn choose(state: &mut State) -> Vec<Effect> {
    let Some(chosen) = state
        .staff
        .as_ref()
        .and_then(StaffPane::selected_match)
        .cloned()
    else {
        return Vec::new();
    };
    state.forget_customer();
    state.ctx.acting_for = Some(chosen.label());
    let guid = chosen.guid.clone();
    if let Some(pane) = state.staff.as_mut() {
        pane.chosen = Some(chosen);
    }
    state.pane = Pane::Orders;
    let mut effects = vec![Effect::ChooseCustomer(Some(guid))];
    effects.extend(state.start());
    effects
}

/// `C`: the search again (its text and matches as they were); every pane's data of the
/// customer is dropped, and their answers still on the way with it.
pub fn back_to_search(state: &mut State) -> Vec<Effect> {
    state.forget_customer();
    state.ctx.acting_for = None;
    state.ctx.known_login = None;
    state.pane = Pane::Orders;
    if let Some(pane) = state.staff.as_mut() {
        pane.chosen = None;
        pane.in_list = !pane.matches().is_empty();
    }
    vec![Effect::ChooseCustomer(None)]
}

/// A key the table let through to the search.
pub fn key(state: &mut State, key: ratatui::crossterm::event::KeyEvent) -> Vec<Effect> {
    match state.staff.as_mut() {
        Some(pane) => staff::update(pane, key),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platforms::shoptet::{CustomerMatch, CustomerSearch};
    use crate::tui::app::{Action, update};
    use crate::tui::commands::{Command, Context, context, hints};
    use crate::tui::test_fixtures::*;
    use ratatui::crossterm::event::KeyCode;

    fn found(name: &str, guid: &str) -> CustomerMatch {
        CustomerMatch {
            guid: guid.into(),
            name: name.into(),
            email: Some(format!("{guid}@example.cz")),
            phone: None,
            company: None,
            detail_error: None,
        }
    }

    fn staff_state() -> State {
        let mut state = state_with(crate::platforms::shoptet::PLATFORM.features.iter().copied());
        enter(&mut state);
        state
    }

    fn search_for(state: &mut State, text: &str, matches: Vec<CustomerMatch>) {
        type_text(state, text);
        let effects = press(state, KeyCode::Enter);
        let Some(Effect::SearchCustomers { generation, .. }) = effects.first() else {
            panic!("no search: {effects:?}");
        };
        let total = matches.len();
        update(
            state,
            Action::CustomersFound {
                generation: *generation,
                result: Ok(CustomerSearch { matches, total }),
            },
        );
    }

    /// Staff mode acting for the one customer the search found, `name`, whose account has come.
    fn acting_for(name: &str) -> State {
        let mut state = staff_state();
        search_for(&mut state, "a@b.c", vec![found(name, "jana")]);
        press(&mut state, KeyCode::Enter);
        update(&mut state, Action::AccountLoaded(Ok(account())));
        state
    }

    #[test]
    fn the_search_comes_first_and_letters_are_text() {
        let mut state = staff_state();
        let effects = state.start();
        assert!(
            matches!(effects.as_slice(), [Effect::LoadEshop]),
            "{effects:?}"
        );
        assert_eq!(context(&state), Context::StaffSearch);
        // `q`, digits and `C` are typed, not commands.
        for c in "q1C@x".chars() {
            press(&mut state, KeyCode::Char(c));
        }
        assert!(!state.quit);
        assert_eq!(state.staff.as_ref().map(|s| s.query.value()), Some("q1C@x"));
        let offered: Vec<_> = hints(&state).iter().map(|b| b.command).collect();
        assert!(!offered.contains(&Command::GoToPane), "{offered:?}");
    }

    #[test]
    fn choosing_and_switching_drop_every_panes_data() {
        let mut state = staff_state();
        state.start();
        search_for(
            &mut state,
            "+420",
            vec![found("Jana Nováková", "jana"), found("Petr", "petr")],
        );
        assert_eq!(context(&state), Context::StaffResults);
        let effects = press(&mut state, KeyCode::Enter);
        assert!(
            matches!(effects.first(), Some(Effect::ChooseCustomer(Some(g))) if g == "jana"),
            "{effects:?}"
        );
        assert!(effects.iter().any(|e| matches!(e, Effect::LoadAccount)));
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::LoadOrders { .. }))
        );
        assert_eq!(state.ctx.acting_for.as_deref(), Some("Jana Nováková"));
        update(&mut state, Action::AccountLoaded(Ok(account())));
        let generation = state.orders.generation;
        orders_loaded(&mut state, generation, 0, 5, 5);
        assert_eq!(state.orders.items.len(), 5);

        let effects = press(&mut state, KeyCode::Char('C'));
        assert!(
            matches!(effects.as_slice(), [Effect::ChooseCustomer(None)]),
            "{effects:?}"
        );
        assert!(state.orders.items.is_empty());
        assert!(state.ctx.account.ready().is_none() && state.ctx.customer.is_none());
        assert!(state.ctx.acting_for.is_none());
        assert_eq!(
            context(&state),
            Context::StaffResults,
            "the matches are kept"
        );
        // A late page of the first customer's orders is not shown to the next.
        orders_loaded(&mut state, generation, 0, 5, 5);
        assert!(state.orders.items.is_empty());

        press(&mut state, KeyCode::Down);
        let effects = press(&mut state, KeyCode::Enter);
        assert!(matches!(effects.first(), Some(Effect::ChooseCustomer(Some(g))) if g == "petr"));
        assert!(state.orders.items.is_empty());
        assert_eq!(state.ctx.acting_for.as_deref(), Some("Petr"));
    }

    #[test]
    fn esc_cancels_a_slow_search_and_keeps_the_text() {
        let mut state = staff_state();
        type_text(&mut state, "+420 777 123 456");
        press(&mut state, KeyCode::Enter);
        assert!(state.staff.as_ref().is_some_and(|s| s.results.is_loading()));
        press(&mut state, KeyCode::Esc);
        let pane = state.staff.as_ref().expect("staff mode");
        assert_eq!(pane.results, Loadable::Idle);
        assert_eq!(pane.query.value(), "+420 777 123 456");
        assert!(!state.quit);
    }

    #[test]
    fn what_the_staff_api_cannot_do_says_why() {
        let mut state = acting_for("Jana");
        // The customer's details can be changed, on a yes naming them.
        state.pane = Pane::Account;
        press(&mut state, KeyCode::Char('e'));
        assert!(state.account_pane.form.is_some());
        assert!(press(&mut state, KeyCode::Enter).is_empty(), "asked first");
        let message = state
            .account_pane
            .form
            .as_ref()
            .and_then(|f| f.message.clone())
            .unwrap_or_default();
        assert!(
            message.contains("Save these details for Jana?"),
            "{message}"
        );
        assert_eq!(context(&state), Context::Confirm, "y is not typed");
        assert!(press(&mut state, KeyCode::Char('n')).is_empty());
        assert_eq!(context(&state), Context::EditForm);
        press(&mut state, KeyCode::Enter);
        let effects = press(&mut state, KeyCode::Char('y'));
        assert!(
            matches!(effects.as_slice(), [Effect::SaveAccount(_)]),
            "{effects:?}"
        );
        state.pane = Pane::Password;
        assert!(press(&mut state, KeyCode::Enter).is_empty());
        assert!(!state.quit, "nothing gave way");
        let backend = ratatui::backend::TestBackend::new(200, 20);
        let mut terminal = ratatui::Terminal::new(backend).expect("a test terminal");
        if let Err(error) = terminal.draw(|frame| crate::tui::render::render(frame, &state)) {
            panic!("draw: {error}");
        }
        let screen = terminal.backend().to_string();
        assert!(
            screen.contains("Changing the password is not available on this shop.")
                && screen.contains("“Forgotten password” on the shop's website"),
            "{screen}"
        );

        // A customer's own shop without the feature keeps the plain words.
        let mut customer = state_with([crate::shop::Feature::OrderHistory]);
        customer.pane = Pane::Account;
        update(&mut customer, Action::AccountLoaded(Ok(account())));
        press(&mut customer, KeyCode::Char('e'));
        assert!(a_toast_says(&customer, "not available on this shop"));
        assert!(!a_toast_says(&customer, "Shoptet"));
    }

    #[test]
    fn address_changes_for_a_customer_wait_for_a_yes_naming_them() {
        let mut state = acting_for("Jana Nováková");
        state.pane = Pane::Addresses;
        update(
            &mut state,
            Action::AddressesLoaded(Ok(vec![address("home", false)])),
        );

        // A default: asked first, sent on y.
        assert!(press(&mut state, KeyCode::Char('s')).is_empty());
        let question = state
            .addresses
            .confirm_change
            .as_ref()
            .map(|c| c.question.clone());
        assert!(
            question.is_some_and(|q| q.contains("default shipping address of Jana Nováková?")),
            "{:?}",
            state.addresses.confirm_change
        );
        assert_eq!(context(&state), Context::Confirm);
        let effects = press(&mut state, KeyCode::Char('y'));
        assert!(
            matches!(effects.as_slice(), [Effect::SetDefaultAddress(..)]),
            "{effects:?}"
        );

        // A new address: the form asks, `n` goes back to it as typed, y saves.
        press(&mut state, KeyCode::Char('a'));
        for (field, text) in ["Ada", "Staffed", "", "Lard street 5", "", "120 00", "Praha"]
            .iter()
            .enumerate()
        {
            if let Some((_, form)) = state.addresses.form.as_mut() {
                form.focus = field;
            }
            type_text(&mut state, text);
        }
        if let Some((_, form)) = state.addresses.form.as_mut() {
            form.focus = form
                .fields
                .iter()
                .position(|f| f.name == "country")
                .unwrap_or(0);
        }
        type_text(&mut state, "CZ");
        assert!(press(&mut state, KeyCode::Enter).is_empty(), "asked first");
        let form_message = |state: &State| {
            state
                .addresses
                .form
                .as_ref()
                .and_then(|(_, f)| f.message.clone())
                .unwrap_or_default()
        };
        assert!(
            form_message(&state).contains("Save this address for Jana Nováková?"),
            "{}",
            form_message(&state)
        );
        assert_eq!(context(&state), Context::Confirm, "y is not typed");
        assert!(press(&mut state, KeyCode::Char('n')).is_empty());
        assert_eq!(form_message(&state), "Not saved.");
        assert_eq!(context(&state), Context::EditForm);
        press(&mut state, KeyCode::Enter);
        let effects = press(&mut state, KeyCode::Char('y'));
        assert!(
            matches!(effects.as_slice(), [Effect::CreateAddress(a)] if a.city == "Praha"),
            "{effects:?}"
        );
    }

    #[test]
    fn staff_cannot_sign_out_from_a_customer_and_c_waits_for_a_send() {
        let mut state = acting_for("Jana");
        state.pane = Pane::Account;
        assert!(press(&mut state, KeyCode::Char('L')).is_empty());
        state.reorder.busy = Some("Sending…");
        assert!(press(&mut state, KeyCode::Char('C')).is_empty());
        assert!(state.staff.as_ref().is_some_and(|s| s.chosen.is_some()));
        assert!(a_toast_says(&state, "being sent"));
    }
}
