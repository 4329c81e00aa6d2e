//! Walks the command table: in every context, every key the table lists either does something
//! (changes the state or returns an effect) or, when it cannot work now, says why in a toast.

use super::Availability as Offer;
use super::*;
use crate::model::{self, *};
use crate::reorder::{Draft, QuickLine, Resolution};
use crate::shop::Capabilities;
use crate::tui::app::SignInView;
use crate::tui::app::{Action, Effect, update};
use crate::tui::form::{Field, Form};
use crate::tui::test_fixtures::*;
use ratatui::crossterm::event::KeyCode;

/// What Spryker offers: no order search, no reorder.
fn spryker() -> Capabilities {
    Capabilities::new(BASIC_FEATURES)
}

/// What AbanteCart offers.
fn abantecart() -> Capabilities {
    Capabilities::new([Feature::OrderHistory, Feature::EditAccount])
}

fn detail(shipments: usize) -> OrderDetail {
    let shipments = (0..shipments)
        .map(|i| shipment(&i.to_string(), &format!("TRK{i}")))
        .collect();
    order_detail(3, shipments)
}

/// A signed-in state with 30 orders (the 6th selected, a filter set), the account and three
/// addresses (the 2nd selected) loaded.
pub(crate) fn signed_in(caps: Capabilities) -> State {
    let mut state = State::new("shop".into(), caps);
    state.can_sign_in = true;
    state.start();
    update(&mut state, Action::AccountLoaded(Ok(account())));
    orders_loaded(&mut state, 0, 0, 30, 30);
    state.orders.selected = 5;
    state.orders.filter.status = Some(OrderStatus::Delivered);
    state.addresses.list = Loadable::Ready(vec![
        address("a", false),
        address("b", false),
        address("c", false),
    ]);
    state.addresses.selected = 1;
    state
}

fn review(caps: Capabilities) -> State {
    let mut state = signed_in(caps);
    state.pane = Pane::Reorder;
    let line = |code: &str| QuickLine {
        brand: None,
        code: code.into(),
        quantity: 2,
    };
    let mut draft = Draft::from_quick_lines(&[line("A1"), line("B2"), line("C3")]);
    for line in &mut draft.lines {
        line.resolution = Resolution::Found {
            product: Product {
                code: line.code.clone(),
                brand: "Acme".into(),
                name: "Thing".into(),
                price: Money::from_minor(500, Currency::EUR),
                availability: model::Availability::InStock { quantity: None },
            },
        };
        line.brand = Some("Acme".into());
        line.brand_choices = vec!["Acme".into(), "Other".into()];
    }
    state.reorder.draft = Some(draft);
    state.reorder.selected = 1;
    state.reorder.lookup = Loadable::Ready(vec![Product {
        code: "C3".into(),
        brand: "Acme".into(),
        name: "Other thing".into(),
        price: Money::from_minor(700, Currency::EUR),
        availability: model::Availability::InStock { quantity: None },
    }]);
    state
}

/// One state per context, each built as a user would reach it.
/// Makes a fresh state in one context (each key is tried on its own).
type Fixture = Box<dyn Fn() -> State>;

/// A signed-in state (see [`signed_in`]) with `prepare` done to it.
fn on(caps: fn() -> Capabilities, prepare: impl Fn(&mut State) + 'static) -> Fixture {
    Box::new(move || {
        let mut state = signed_in(caps());
        prepare(&mut state);
        state
    })
}

/// The selected order opened, with this many shipments, and scrolled a little (so both
/// directions move).
fn opened_order(caps: Capabilities, shipments: usize) -> State {
    let mut state = signed_in(caps);
    press(&mut state, KeyCode::Enter);
    update(
        &mut state,
        Action::OrderLoaded(OrderNumber::from("SO-5"), Ok(detail(shipments))),
    );
    if let Some(view) = state.orders.detail.as_mut() {
        view.scroll = 2;
    }
    state
}

fn fixtures(caps: fn() -> Capabilities) -> Vec<(&'static str, Fixture)> {
    vec![
        ("orders", Box::new(move || signed_in(caps()))),
        ("order detail", Box::new(move || opened_order(caps(), 2))),
        (
            "order detail without shipments",
            Box::new(move || opened_order(caps(), 0)),
        ),
        (
            "order search",
            on(caps, |s| {
                s.orders.search_input = Some(tui_input::Input::new("SO".into()))
            }),
        ),
        (
            "account",
            on(caps, |s| {
                press(s, KeyCode::Char('1'));
            }),
        ),
        (
            "account form",
            on(caps, |s| {
                press(s, KeyCode::Char('1'));
                press(s, KeyCode::Char('e'));
            }),
        ),
        ("addresses", on(caps, |s| s.pane = Pane::Addresses)),
        (
            "confirm delete",
            on(caps, |s| {
                s.pane = Pane::Addresses;
                s.addresses.confirm_delete = Some(AddressId::from("b"));
            }),
        ),
        ("password", on(caps, |s| s.pane = Pane::Password)),
        (
            "quick order",
            on(caps, |s| {
                s.pane = Pane::Reorder;
                s.reorder.quick.insert_str("A1 2");
            }),
        ),
        ("review", Box::new(move || review(caps()))),
        (
            "quantity prompt",
            Box::new(move || {
                let mut state = review(caps());
                state.reorder.quantity_input = Some(tui_input::Input::new("3".into()));
                state
            }),
        ),
        (
            "help",
            on(caps, |s| {
                s.help = true;
                s.help_scroll = 2;
            }),
        ),
        (
            "browser sign-in, waiting",
            on(caps, |s| {
                s.signin = Some(SignInView {
                    waiting: true,
                    url: Some("https://shop.example/authorize".into()),
                    ..SignInView::default()
                });
            }),
        ),
        (
            "browser sign-in",
            on(caps, |s| s.signin = Some(SignInView::default())),
        ),
        (
            "sign-in paste",
            on(caps, |s| {
                s.signin = Some(SignInView {
                    waiting: true,
                    paste: Some(tui_input::Input::new("http://127.0.0.1/cb?code=1".into())),
                    ..SignInView::default()
                });
            }),
        ),
        (
            "password sign-in",
            on(caps, |s| {
                let mut form = Form::new(
                    "Your account",
                    vec![
                        Field::text("login", "E-mail", "ada@example.com"),
                        Field::secret("password", "Password"),
                    ],
                );
                form.fields[1] = Field::secret("password", "Password");
                s.signin = Some(SignInView {
                    form: Some(form),
                    ..SignInView::default()
                });
                // A password typed, so Enter has something to send.
                for c in "pw".chars() {
                    press(s, KeyCode::Char(c));
                }
                press(s, KeyCode::BackTab);
            }),
        ),
    ]
}

fn walk(caps: fn() -> Capabilities, platform: &str) -> usize {
    let mut checked = 0;
    for (name, make) in fixtures(caps) {
        let probe = make();
        let context = context(&probe);
        let mut rows: Vec<&Binding> = bindings(context).collect();
        if context.takes_global_keys() {
            rows.extend(bindings(Context::Global));
        }
        for binding in rows {
            for key in binding.keys {
                let mut state = make();
                let availability = available(&state, binding);
                let before = format!("{state:?}");
                let toasts = state.ctx.toasts.len();
                let effects = update(&mut state, Action::Key(key.event()));
                let what = format!("{platform}, {name}: {:?} {:?}", binding.command, key.code);
                match availability {
                    Offer::Available => assert!(
                        !effects.is_empty() || format!("{state:?}") != before,
                        "{what} is offered but did nothing"
                    ),
                    Offer::Unavailable(why) => {
                        assert!(!why.is_empty(), "{what}");
                        assert!(
                            state.ctx.toasts.len() > toasts
                                && state.ctx.toasts.back().is_some_and(|t| t.text == why),
                            "{what} cannot work now but does not say why"
                        );
                        assert!(
                            effects.is_empty(),
                            "{what} is unavailable but ran {effects:?}"
                        );
                    }
                    Offer::Hidden => {}
                }
                checked += 1;
            }
        }
    }
    checked
}

#[test]
fn every_listed_key_acts_or_says_why() {
    assert!(walk(every_feature, "every feature") > 150);
    assert!(walk(spryker, "spryker") > 150);
    assert!(walk(abantecart, "abantecart") > 100);
}

#[test]
fn unsupported_features_are_not_offered_and_say_so() {
    let state = signed_in(spryker());
    let offered: Vec<_> = hints(&state).iter().map(|b| b.command).collect();
    assert!(!offered.contains(&Command::SearchOrders), "{offered:?}");
    assert!(!offered.contains(&Command::FilterOrders), "{offered:?}");
    let mut state = signed_in(spryker());
    let effects = press(&mut state, KeyCode::Char('/'));
    assert!(effects.is_empty() && state.orders.search_input.is_none());
    assert_eq!(state.orders.items.len(), 30, "the list stays");
    assert!(a_toast_says(&state, "not available"));

    // AbanteCart: no order details, no password pane.
    let mut state = signed_in(abantecart());
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    assert!(state.orders.detail.is_none());
    press(&mut state, KeyCode::Char('4'));
    assert_eq!(context(&state), Context::Unavailable);
    press(&mut state, KeyCode::Esc);
    assert_eq!(state.pane, Pane::Orders, "Esc backs out of the pane");
}

#[test]
fn reorder_pane_without_place_order_leaves_every_global_key_working() {
    let mut state = signed_in(spryker());
    press(&mut state, KeyCode::Char('5'));
    assert_eq!(state.pane, Pane::Reorder);
    assert!(!state.typing());
    press(&mut state, KeyCode::Char('1'));
    assert_eq!(state.pane, Pane::Account);
    press(&mut state, KeyCode::Char('5'));
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.pane, Pane::Account, "Tab wraps to the first pane");
    press(&mut state, KeyCode::Char('5'));
    press(&mut state, KeyCode::Char('?'));
    assert!(state.help);
    press(&mut state, KeyCode::Esc);
    press(&mut state, KeyCode::Char('q'));
    assert!(state.quit);
}

#[test]
fn typing_offers_esc_and_never_help() {
    let mut state = signed_in(every_feature());
    press(&mut state, KeyCode::Char('4'));
    assert!(state.typing());
    assert!(!help_offered(&state));
    let offered: Vec<_> = hints(&state).iter().map(|b| b.label).collect();
    assert!(offered.contains(&"Esc"), "{offered:?}");
    press(&mut state, KeyCode::Char('?'));
    assert!(!state.help, "? is text in the password field");
    press(&mut state, KeyCode::Char('q'));
    assert!(!state.quit, "q is text in the password field");
}

#[test]
fn no_shipments_no_shipment_keys() {
    let mut state = signed_in(every_feature());
    press(&mut state, KeyCode::Enter);
    update(
        &mut state,
        Action::OrderLoaded(OrderNumber::from("SO-5"), Ok(detail(0))),
    );
    let offered: Vec<_> = hints(&state).iter().map(|b| b.command).collect();
    for command in [
        Command::NextShipment,
        Command::OpenTracking,
        Command::CopyTracking,
    ] {
        assert!(!offered.contains(&command), "{command:?} in {offered:?}");
    }
    assert!(offered.contains(&Command::Back));
}

#[test]
fn signing_out_drops_every_panes_data_and_another_customer_starts_empty() {
    let mut state = review(every_feature());
    state.ctx.customer = Some(CustomerId::from("7"));
    update(&mut state, Action::SignedOut(Ok(None)));
    assert!(state.orders.items.is_empty());
    assert!(state.addresses.list.ready().is_none());
    assert!(state.ctx.account.ready().is_none());
    assert!(
        state.reorder.draft.is_none(),
        "the draft is not shown to the next one"
    );
    assert!(state.ctx.customer.is_none());
    // A late page for the customer who left is dropped.
    orders_loaded(&mut state, 0, 0, 1, 1);
    assert!(state.orders.items.is_empty());

    let other = Account {
        id: CustomerId::from("8"),
        email: "grace@example.com".into(),
        first_name: "Grace".into(),
        last_name: "Hopper".into(),
        phone: None,
        company: None,
        company_id: None,
        vat_id: None,
        created_at: None,
    };
    let effects = update(&mut state, Action::SignInFinished(Ok(other)));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::RestoreDraft(c) if c.as_str() == "8")),
        "{effects:?}"
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadOrders { .. }))
    );
}

#[test]
fn a_restored_draft_is_priced_again_before_it_can_be_sent() {
    let mut state = signed_in(every_feature());
    let customer = state
        .ctx
        .customer
        .clone()
        .expect("the account names the customer");
    state.pane = Pane::Reorder;
    let mut draft = review(every_feature()).reorder.draft.expect("a draft");
    draft.customer = Some(CustomerId::from("someone else"));
    let effects = update(
        &mut state,
        Action::DraftRestored(customer.clone(), Some(draft.clone())),
    );
    assert!(
        matches!(&effects[..], [Effect::ResolveDraft(_)]),
        "{effects:?}"
    );
    assert_eq!(
        state
            .reorder
            .draft
            .as_ref()
            .and_then(|d| d.customer.as_ref()),
        Some(&customer),
        "a restored draft is the restoring customer's"
    );
    // Until the lookup answers, Enter says why it cannot send.
    state.reorder.busy = None;
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    assert!(!state.reorder.confirm);
    assert!(last_toast_says(&state, "not checked"));
    let mut priced = state.reorder.draft.clone().expect("the draft");
    priced.customer = Some(customer.clone());
    update(&mut state, Action::DraftResolved(Ok(priced)));
    press(&mut state, KeyCode::Enter);
    assert!(state.reorder.confirm, "priced again, it can be sent");

    // A draft restored for a customer who is no longer signed in is ignored.
    let mut state = signed_in(every_feature());
    let effects = update(
        &mut state,
        Action::DraftRestored(CustomerId::from("gone"), Some(draft)),
    );
    assert!(effects.is_empty() && state.reorder.draft.is_none());
}

/// At 80 columns, on a line several brands sell, the review's status bar offers the brand choice
/// beside back and quit (it was dropped after every other key of the review).
#[test]
fn the_brand_choice_shows_in_the_review_status_bar_at_80_columns() {
    use ratatui::{Terminal, backend::TestBackend};
    let mut state = review(every_feature());
    update(&mut state, Action::Resize(80, 24));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal
        .draw(|frame| crate::tui::render::render(frame, &state))
        .unwrap();
    let screen = terminal.backend().to_string();
    let bar = screen.lines().last().unwrap_or("");
    for hint in ["Esc back", "b choose the brand", "q quit"] {
        assert!(bar.contains(hint), "{hint:?} missing from {bar:?}");
    }
}
