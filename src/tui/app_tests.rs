//! Tests of `update` across panes: sign-in, paging the history, forms that keep their drafts,
//! and what each shop does not offer.

use super::*;
use crate::shop::{Capabilities, Feature, FieldError};
use crate::tui::form::Form;
use crate::tui::panes::password::reset_key_from;
use crate::tui::test_fixtures::*;
use secrecy::ExposeSecret;

fn password_platform(signed_in: bool) -> State {
    if signed_in {
        let mut state = State::new("shop · Spryker".into(), Capabilities::default());
        state.can_sign_in = true;
        state.password_login = Some("E-mail");
        state
    } else {
        State::signed_out(
            "shop · Spryker".into(),
            Capabilities::default(),
            Vec::new(),
            Some("E-mail"),
        )
    }
}

fn sign_in_form(state: &State) -> &Form {
    signin_view_form(state, |v| v.form.as_ref(), "the password sign-in form")
}

/// One of the sign-in screen's forms, picked by `which`; `what` names it when it is not open.
fn signin_view_form<'a>(
    state: &'a State,
    which: impl FnOnce(&'a SignInView) -> Option<&'a Form>,
    what: &str,
) -> &'a Form {
    state
        .signin
        .as_ref()
        .and_then(which)
        .unwrap_or_else(|| panic!("{what}"))
}

#[test]
fn password_sign_in_checks_fields_then_sends_both() {
    let mut state = password_platform(false);
    // Nothing typed: both fields are marked, nothing is sent.
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    let form = sign_in_form(&state);
    assert!(form.field("login").unwrap().error.is_some());
    assert!(form.field("password").unwrap().error.is_some());
    assert!(!form.submitting);

    type_text(&mut state, " ada@example.com ");
    press(&mut state, KeyCode::Tab);
    type_text(&mut state, "s3cret q");
    let effects = press(&mut state, KeyCode::Enter);
    match effects.as_slice() {
        [Effect::PasswordSignIn { login, password }] => {
            assert_eq!(login, "ada@example.com");
            assert_eq!(password.expose_secret(), "s3cret q");
        }
        other => panic!("expected a password sign-in, got {other:?}"),
    }
    assert!(state.busy());
    // A second Enter while the first is on its way sends nothing.
    assert!(press(&mut state, KeyCode::Enter).is_empty());
}

#[test]
fn refused_password_is_asked_again_and_other_failures_keep_everything() {
    let mut state = password_platform(false);
    type_text(&mut state, "ada@example.com");
    press(&mut state, KeyCode::Tab);
    type_text(&mut state, "wrong");
    press(&mut state, KeyCode::Enter);
    update(
        &mut state,
        Action::SignInRefused("the shop did not accept this e-mail and password".into()),
    );
    let form = sign_in_form(&state);
    assert!(!form.submitting);
    assert_eq!(form.text("login"), "ada@example.com");
    assert_eq!(form.field("password").unwrap().secret_len(), 0);
    assert_eq!(form.focus, 1);
    assert!(
        form.field("password")
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .contains("did not accept")
    );

    // A network failure keeps the password too: retrying is one key.
    type_text(&mut state, "right");
    press(&mut state, KeyCode::Enter);
    update(
        &mut state,
        Action::SignInFinished(Err("could not reach the shop".into())),
    );
    let form = sign_in_form(&state);
    assert_eq!(form.field("password").unwrap().secret_len(), 5);
    assert_eq!(form.message.as_deref(), Some("could not reach the shop"));
    let effects = press(&mut state, KeyCode::Enter);
    assert!(matches!(
        effects.as_slice(),
        [Effect::PasswordSignIn { .. }]
    ));

    update(&mut state, Action::SignInFinished(Ok(account())));
    assert!(state.signin.is_none());
    assert_eq!(state.ctx.account.ready().unwrap().email, "ada@example.com");
}

#[test]
fn expired_session_on_a_password_platform_asks_with_the_email_filled_in() {
    let mut state = password_platform(true);
    update(&mut state, Action::AccountLoaded(Ok(account())));
    state.pane = Pane::Account;
    // A reload is on its way (the account shown is gone) when the shop says it has expired.
    let effects = press(&mut state, KeyCode::Char('R'));
    assert!(matches!(effects.as_slice(), [Effect::LoadAccount]));
    update(
        &mut state,
        Action::AccountLoaded(Err(ShopError::SessionExpired)),
    );
    let view = state.signin.as_ref().expect("the sign-in screen");
    assert!(view.reason.as_deref().unwrap().contains("expired"));
    let form = sign_in_form(&state);
    assert_eq!(form.text("login"), "ada@example.com");
    // The cursor waits in the password field.
    assert_eq!(form.focus, 1);
    // The place is kept underneath.
    assert_eq!(state.pane, Pane::Account);
    // Keys go to the form, not to the pane: `q` is a letter of the password here.
    press(&mut state, KeyCode::Char('q'));
    assert!(!state.quit);
    assert_eq!(
        sign_in_form(&state).field("password").unwrap().secret_len(),
        1
    );
}

fn started() -> State {
    let mut state = State::new("shop".into(), all_features());
    let effects = state.start();
    assert!(matches!(effects[0], Effect::LoadAccount));
    assert!(matches!(
        effects[1],
        Effect::LoadOrders { generation: 0, .. }
    ));
    update(&mut state, Action::AccountLoaded(Ok(account())));
    state
}

#[test]
fn orders_load_page_by_page_as_the_user_scrolls() {
    let mut state = started();
    let more = orders_loaded(&mut state, 0, 0, 100, 2500);
    assert!(
        more.is_empty(),
        "no prefetch while the selection is at the top"
    );
    assert_eq!(state.orders.items.len(), 100);
    // Scroll down until the prefetch margin: exactly one request for the next page.
    let mut requests = Vec::new();
    for _ in 0..80 {
        requests.extend(press(&mut state, KeyCode::Char('j')));
    }
    assert_eq!(requests.len(), 1, "one page requested, not one per key");
    let Effect::LoadOrders { request, .. } = &requests[0] else {
        panic!("{requests:?}")
    };
    assert_eq!((request.offset, request.limit), (100, ORDERS_PAGE));
    orders_loaded(&mut state, 0, 100, 100, 2500);
    assert_eq!(state.orders.items.len(), 200);
    assert_eq!(state.orders.selected, 80);
    assert!(state.orders.offset <= 80 && 80 < state.orders.offset + state.orders.viewport);
}

#[test]
fn a_late_answer_for_an_old_filter_is_dropped() {
    let mut state = started();
    let effects = press(&mut state, KeyCode::Char('f'));
    assert!(
        matches!(&effects[..], [Effect::LoadOrders { generation: 1, request }] if request.filter.status == Some(OrderStatus::Pending))
    );
    orders_loaded(&mut state, 0, 0, 100, 2500);
    assert!(
        state.orders.items.is_empty(),
        "the unfiltered answer came too late"
    );
    orders_loaded(&mut state, 1, 0, 3, 3);
    assert_eq!(state.orders.items.len(), 3);
    assert!(!state.orders.has_more);
}

#[test]
fn search_applies_on_enter_and_failed_load_is_shown() {
    let mut state = started();
    press(&mut state, KeyCode::Char('/'));
    assert!(state.typing());
    type_text(&mut state, "SO-42");
    let effects = press(&mut state, KeyCode::Enter);
    assert!(
        matches!(&effects[..], [Effect::LoadOrders { request, .. }] if request.filter.search.as_deref() == Some("SO-42"))
    );
    update(
        &mut state,
        Action::OrdersLoaded {
            generation: 1,
            offset: 0,
            result: Err(ShopError::Network("connection reset".into())),
        },
    );
    assert!(
        state
            .orders
            .error
            .as_deref()
            .is_some_and(|e| e.contains("connection reset"))
    );
    let retry = press(&mut state, KeyCode::Char('R'));
    assert_eq!(retry.len(), 1);
}

#[test]
fn order_detail_opens_copies_and_opens_tracking() {
    let mut state = started();
    orders_loaded(&mut state, 0, 0, 5, 5);
    let effects = press(&mut state, KeyCode::Enter);
    assert!(matches!(&effects[..], [Effect::LoadOrder(n)] if n.as_str() == "SO-0"));
    // Tracking numbers with a terminal escape in them: what is copied is cleaned.
    let tracked = |id: &str| shipment(id, &format!("TRK{id}\u{1b}[2J"));
    let detail = order_detail(0, vec![tracked("1"), tracked("2")]);
    update(
        &mut state,
        Action::OrderLoaded(OrderNumber::from("SO-0"), Ok(detail)),
    );
    press(&mut state, KeyCode::Char('n'));
    let copy = press(&mut state, KeyCode::Char('y'));
    assert!(
        matches!(&copy[..], [Effect::Copy(id)] if id == "TRK2"),
        "sanitised id of the second shipment: {copy:?}"
    );
    let open = press(&mut state, KeyCode::Char('o'));
    assert!(matches!(&open[..], [Effect::OpenUrl(url)] if url == "https://track.example/2"));
    press(&mut state, KeyCode::Esc);
    assert!(state.orders.detail.is_none());
    assert!(!state.quit);
}

#[test]
fn account_edit_validates_locally_then_keeps_the_draft_when_the_shop_refuses() {
    let mut state = started();
    press(&mut state, KeyCode::Char('1'));
    press(&mut state, KeyCode::Char('e'));
    assert!(state.typing());
    // Phone is the 4th field.
    for _ in 0..3 {
        press(&mut state, KeyCode::Tab);
    }
    type_text(&mut state, "+44 20 7946 0000");
    press(&mut state, KeyCode::BackTab); // e-mail
    for _ in 0..20 {
        press(&mut state, KeyCode::Backspace);
    }
    type_text(&mut state, "broken");
    assert!(
        press(&mut state, KeyCode::Enter).is_empty(),
        "a bad e-mail is caught before sending"
    );
    let form = state.account_pane.form.as_ref().unwrap();
    assert!(form.field("email").unwrap().error.is_some());
    type_text(&mut state, "@example.org");
    let effects = press(&mut state, KeyCode::Enter);
    let [Effect::SaveAccount(draft)] = &effects[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(draft.email, "broken@example.org");
    assert_eq!(draft.phone.as_deref(), Some("+44 20 7946 0000"));

    let refused = ShopError::Validation {
        message: "email: taken".into(),
        fields: vec![FieldError {
            field: "email".into(),
            message: "is already registered".into(),
        }],
    };
    update(&mut state, Action::AccountSaved(Err(refused)));
    let form = state
        .account_pane
        .form
        .as_ref()
        .expect("the form stays open");
    assert_eq!(
        form.text("phone"),
        "+44 20 7946 0000",
        "nothing typed is lost"
    );
    assert_eq!(
        form.field("email").unwrap().error.as_deref(),
        Some("is already registered")
    );

    update(
        &mut state,
        Action::AccountSaved(Err(ShopError::Network("timed out".into()))),
    );
    assert!(
        state.account_pane.form.is_some(),
        "a network failure keeps the draft too"
    );

    press(&mut state, KeyCode::Enter);
    let mut saved = account();
    saved.email = "broken@example.org".into();
    update(&mut state, Action::AccountSaved(Ok(saved)));
    assert!(state.account_pane.form.is_none());
    assert_eq!(
        state.ctx.account.ready().unwrap().email,
        "broken@example.org"
    );
}

#[test]
fn cancel_restores_the_account() {
    let mut state = started();
    press(&mut state, KeyCode::Char('1'));
    press(&mut state, KeyCode::Char('e'));
    type_text(&mut state, "zzz");
    press(&mut state, KeyCode::Esc);
    assert!(state.account_pane.form.is_none());
    assert_eq!(state.ctx.account.ready().unwrap().first_name, "Ada");
}

#[test]
fn a_shop_with_one_address_lets_it_be_edited_but_not_added_to_or_deleted() {
    let mut state = State::new(
        "shop · Centra".into(),
        Capabilities::new([Feature::Addresses]),
    );
    let effects = state.enter_pane(Pane::Addresses);
    assert!(matches!(effects.as_slice(), [Effect::LoadAddresses]));
    update(
        &mut state,
        Action::AddressesLoaded(Ok(vec![address("address", true)])),
    );
    assert!(press(&mut state, KeyCode::Char('a')).is_empty());
    assert!(state.addresses.form.is_none());
    assert!(last_toast_says(&state, "one address"));
    assert!(press(&mut state, KeyCode::Char('d')).is_empty());
    assert!(state.addresses.confirm_delete.is_none());
    press(&mut state, KeyCode::Char('e'));
    assert!(state.addresses.form.is_some());

    // Without even that, the pane loads nothing.
    let mut bare = State::new("shop".into(), Capabilities::default());
    assert!(bare.enter_pane(Pane::Addresses).is_empty());
}

#[test]
fn addresses_add_delete_with_confirmation_and_set_default() {
    let mut state = started();
    let effects = press(&mut state, KeyCode::Char('2'));
    assert!(matches!(&effects[..], [Effect::LoadAddresses]));
    update(
        &mut state,
        Action::AddressesLoaded(Ok(vec![address("1", true), address("2", false)])),
    );
    press(&mut state, KeyCode::Char('j'));
    assert!(
        press(&mut state, KeyCode::Char('d')).is_empty(),
        "delete asks first"
    );
    assert!(
        press(&mut state, KeyCode::Char('n')).is_empty(),
        "n keeps it"
    );
    press(&mut state, KeyCode::Char('d'));
    let effects = press(&mut state, KeyCode::Char('y'));
    assert!(matches!(&effects[..], [Effect::DeleteAddress(id)] if id.as_str() == "2"));
    update(
        &mut state,
        Action::AddressDeleted(AddressId::from("2"), Ok(())),
    );
    assert_eq!(state.addresses.list.ready().unwrap().len(), 1);

    let effects = press(&mut state, KeyCode::Char('s'));
    assert!(
        matches!(&effects[..], [Effect::SetDefaultAddress(id, AddressRole::Shipping)] if id.as_str() == "1")
    );

    press(&mut state, KeyCode::Char('a'));
    type_text(&mut state, "Grace");
    assert!(
        press(&mut state, KeyCode::Enter).is_empty(),
        "missing fields are caught before sending"
    );
    let (_, form) = state.addresses.form.as_ref().unwrap();
    assert!(form.field("line1").unwrap().error.is_some());
    assert_eq!(form.text("first_name"), "Grace");
}

#[test]
fn password_change_catches_mismatch_and_wipes_after_success() {
    let mut state = started();
    press(&mut state, KeyCode::Char('4'));
    assert_eq!(state.pane, Pane::Password);
    type_text(&mut state, "old-password");
    press(&mut state, KeyCode::Tab);
    type_text(&mut state, "new-password-1");
    press(&mut state, KeyCode::Tab);
    type_text(&mut state, "new-password-2");
    assert!(
        press(&mut state, KeyCode::Enter).is_empty(),
        "mismatch caught before sending"
    );
    assert!(
        state
            .password
            .form
            .field("confirm_password")
            .unwrap()
            .error
            .is_some()
    );
    for _ in 0..14 {
        press(&mut state, KeyCode::Backspace);
    }
    type_text(&mut state, "new-password-1");
    let effects = press(&mut state, KeyCode::Enter);
    let [Effect::ChangePassword { current, new }] = &effects[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(
        (current.expose_secret(), new.expose_secret()),
        ("old-password", "new-password-1")
    );
    update(&mut state, Action::PasswordChanged(Ok(())));
    assert!(
        state
            .password
            .form
            .fields
            .iter()
            .all(|f| f.secret_len() == 0),
        "secrets wiped"
    );
    assert_eq!(
        state.password.form.message.as_deref(),
        Some("Password changed")
    );
}

#[test]
fn reset_accepts_the_link_from_the_mail() {
    assert_eq!(
        reset_key_from("http://127.0.0.1:9/password/reset?key=abc_DEF-1"),
        "abc_DEF-1"
    );
    assert_eq!(reset_key_from("  abc_DEF-1 "), "abc_DEF-1");
    let mut state = started();
    press(&mut state, KeyCode::Char('4'));
    update(
        &mut state,
        Action::Key(KeyEvent::new(KeyCode::F(4), KeyModifiers::NONE)),
    );
    assert_eq!(state.password.mode, PasswordMode::Reset);
    type_text(&mut state, "http://shop.example/password/reset?key=K123");
    press(&mut state, KeyCode::Tab);
    type_text(&mut state, "brand-new-pass");
    press(&mut state, KeyCode::Tab);
    type_text(&mut state, "brand-new-pass");
    let effects = press(&mut state, KeyCode::Enter);
    let [Effect::ResetPassword { key, .. }] = &effects[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(key.expose_secret(), "K123");
}

#[test]
fn unsupported_features_are_told_not_attempted() {
    let mut state = State::new("shop".into(), Capabilities::new([Feature::OrderHistory]));
    state.start();
    update(&mut state, Action::AccountLoaded(Ok(account())));
    assert!(
        press(&mut state, KeyCode::Char('2')).is_empty(),
        "no address request on a shop without them"
    );
    press(&mut state, KeyCode::Char('1'));
    press(&mut state, KeyCode::Char('e'));
    assert!(state.account_pane.form.is_none());
    assert!(a_toast_says(&state, "not available"));
}

#[test]
fn help_opens_and_any_key_closes_it_and_q_quits() {
    let mut state = started();
    press(&mut state, KeyCode::Char('?'));
    assert!(state.help);
    press(&mut state, KeyCode::Char('x'));
    assert!(!state.help && !state.quit);
    press(&mut state, KeyCode::Char('q'));
    assert!(state.quit);
}

fn sign_up_platform() -> State {
    State::signed_out(
        "shop · Spryker".into(),
        Capabilities::new([Feature::SignUp, Feature::AccountPhone]),
        Vec::new(),
        Some("E-mail"),
    )
}

fn alt_n() -> KeyEvent {
    KeyEvent::new(KeyCode::Char('n'), KeyModifiers::ALT)
}

fn sign_up_form(state: &State) -> &Form {
    signin_view_form(state, |v| v.signup.as_ref(), "the sign-up form")
}

#[test]
fn alt_n_opens_the_sign_up_form_only_where_the_platform_has_one() {
    let mut state = password_platform(false);
    assert!(update(&mut state, Action::Key(alt_n())).is_empty());
    assert!(
        state.signin.as_ref().unwrap().signup.is_none(),
        "not offered"
    );
    assert_eq!(commands::context(&state), Context::SignInForm);

    let mut state = sign_up_platform();
    type_text(&mut state, "ada@example.com");
    update(&mut state, Action::Key(alt_n()));
    assert_eq!(commands::context(&state), Context::SignUpForm);
    // The e-mail typed into the sign-in form comes along.
    assert_eq!(sign_up_form(&state).text("email"), "ada@example.com");
    press(&mut state, KeyCode::Esc);
    assert!(state.signin.as_ref().unwrap().signup.is_none());
    assert_eq!(commands::context(&state), Context::SignInForm);
}

#[test]
fn sign_up_checks_required_fields_keeps_everything_on_a_refusal_and_signs_in() {
    let mut state = sign_up_platform();
    update(&mut state, Action::Key(alt_n()));
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    let form = sign_up_form(&state);
    for field in ["email", "first_name", "last_name", "password"] {
        assert!(form.field(field).unwrap().error.is_some(), "{field}");
    }
    assert!(form.field("phone").unwrap().error.is_none());

    type_text(&mut state, "taken@example.com");
    press(&mut state, KeyCode::Tab);
    type_text(&mut state, "Ada");
    press(&mut state, KeyCode::Tab);
    type_text(&mut state, "Lovelace");
    press(&mut state, KeyCode::Tab);
    press(&mut state, KeyCode::Tab);
    update(&mut state, Action::Paste("pasted pass 1".into()));
    let effects = press(&mut state, KeyCode::Enter);
    match effects.as_slice() {
        [Effect::SignUp(account)] => {
            assert_eq!(account.email, "taken@example.com");
            assert_eq!(account.last_name, "Lovelace");
            assert_eq!(account.phone, None);
            assert_eq!(account.password.expose_secret(), "pasted pass 1");
        }
        other => panic!("expected a sign-up, got {other:?}"),
    }
    assert!(
        press(&mut state, KeyCode::Enter).is_empty(),
        "one at a time"
    );

    update(
        &mut state,
        Action::SignUpFailed {
            fields: vec![FieldError {
                field: "email".into(),
                message: "is already used by another account".into(),
            }],
            message: "email: is already used by another account".into(),
        },
    );
    let form = sign_up_form(&state);
    assert!(!form.submitting);
    assert_eq!(form.focus, 0, "the refused field has the focus");
    assert!(
        form.field("email")
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .contains("already used")
    );
    assert_eq!(form.text("first_name"), "Ada");
    assert_eq!(form.text("last_name"), "Lovelace");
    assert_eq!(form.field("password").unwrap().secret_len(), 13);

    update(&mut state, Action::SignInFinished(Ok(account())));
    assert!(state.signin.is_none());
}

#[test]
fn deleting_the_account_needs_the_typed_email_then_signs_out() {
    let mut state = State::new(
        "shop · Spryker".into(),
        Capabilities::new([Feature::DeleteAccount]),
    );
    state.can_sign_in = true;
    state.password_login = Some("E-mail");
    update(&mut state, Action::AccountLoaded(Ok(account())));
    state.enter_pane(crate::tui::tabs::Pane::Account);
    press(&mut state, KeyCode::Char('X'));
    assert_eq!(commands::context(&state), Context::DeleteAccount);
    type_text(&mut state, "someone@else.example");
    assert!(
        press(&mut state, KeyCode::Enter).is_empty(),
        "a wrong e-mail deletes nothing"
    );
    assert!(state.account_pane.delete_message.is_some());
    press(&mut state, KeyCode::Esc);
    assert_eq!(commands::context(&state), Context::Account);

    press(&mut state, KeyCode::Char('X'));
    update(&mut state, Action::Paste(" ADA@example.com ".into()));
    assert!(matches!(
        press(&mut state, KeyCode::Enter).as_slice(),
        [Effect::DeleteAccount]
    ));
    let failed = |maybe_deleted| crate::tui::messages::NotDeleted {
        error: "HTTP 500".into(),
        maybe_deleted,
    };
    update(&mut state, Action::AccountDeleted(Err(failed(false))));
    assert!(
        state.signin.is_none(),
        "a refused deletion signs nothing out"
    );
    assert!(!state.account_pane.deleting);
    let said = state
        .account_pane
        .delete_message
        .clone()
        .unwrap_or_default();
    assert!(said.starts_with("The account was not deleted"), "{said}");
    // Its answer lost: it may have been deleted, and the message says so first.
    update(&mut state, Action::AccountDeleted(Err(failed(true))));
    let said = state
        .account_pane
        .delete_message
        .clone()
        .unwrap_or_default();
    assert!(
        said.starts_with("The account may have been deleted"),
        "{said}"
    );
    assert!(state.signin.is_none());

    update(&mut state, Action::AccountDeleted(Ok(())));
    let view = state.signin.as_ref().expect("the sign-in screen");
    assert!(view.reason.as_deref().unwrap().contains("deleted"));
    assert_eq!(
        view.form.as_ref().unwrap().text("login"),
        "",
        "nobody's e-mail is filled in"
    );
    assert!(state.ctx.account.ready().is_none());
}

#[test]
fn delete_is_not_offered_where_the_platform_cannot() {
    let mut state = password_platform(true);
    update(&mut state, Action::AccountLoaded(Ok(account())));
    state.enter_pane(crate::tui::tabs::Pane::Account);
    press(&mut state, KeyCode::Char('X'));
    assert_eq!(commands::context(&state), Context::Account);
    assert!(state.account_pane.delete_confirm.is_none());
}

#[test]
fn an_account_created_whose_sign_in_failed_goes_back_to_the_sign_in_form_with_its_email() {
    let mut state = sign_up_platform();
    update(&mut state, Action::Key(alt_n()));
    type_text(&mut state, "new@example.com");
    update(
        &mut state,
        Action::SignedUpNotSignedIn("the shop did not accept this e-mail and password".into()),
    );
    let view = state.signin.as_ref().unwrap();
    assert!(view.signup.is_none());
    let form = sign_in_form(&state);
    assert_eq!(form.text("login"), "new@example.com");
    assert_eq!(form.focus, 1, "on the password");
    assert!(form.message.as_deref().unwrap().contains("was created"));
}
