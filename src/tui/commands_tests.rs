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

/// The Customer API offers every feature (the TUI does not read `IdempotentOrders`).
pub(crate) fn every_feature() -> Capabilities {
    crate::platforms::PlatformId::CustomerApi.capabilities()
}

/// What Spryker offers: no order search, no reorder.
fn spryker() -> Capabilities {
    crate::platforms::PlatformId::Spryker.capabilities()
}

/// What AbanteCart offers.
fn abantecart() -> Capabilities {
    crate::platforms::PlatformId::AbanteCart.capabilities()
}

fn summary(i: usize) -> OrderSummary {
    OrderSummary {
        number: OrderNumber(format!("SO-{i}")),
        placed_at: time::macros::datetime!(2025-01-01 0:00 UTC),
        status: OrderStatus::Delivered,
        status_label: "Delivered".into(),
        payment_status: PaymentStatus::Paid,
        payment_label: "Paid".into(),
        item_count: 1,
        total: Money::from_minor(100, Currency::EUR),
    }
}

fn address(id: &str) -> Address {
    Address {
        id: AddressId::from(id),
        postal: PostalAddress {
            first_name: "Ada".into(),
            last_name: "L".into(),
            company: None,
            line1: "Street 1".into(),
            line2: None,
            city: "Berlin".into(),
            postcode: "10115".into(),
            region: None,
            country: "DE".into(),
            phone: None,
        },
        default_shipping: false,
        default_billing: false,
    }
}

fn detail(shipments: usize) -> OrderDetail {
    let money = Money::from_minor(1000, Currency::EUR);
    OrderDetail {
        summary: summary(3),
        lines: vec![],
        totals: OrderTotals {
            items: money,
            discounts: money,
            shipping: money,
            tax: money,
            grand_total: money,
        },
        billing_address: None,
        shipping_address: None,
        shipments: (0..shipments)
            .map(|i| Shipment {
                id: format!("{i}"),
                shipped_at: None,
                carrier: "DHL".into(),
                service: None,
                tracking_id: Some(format!("TRK{i}")),
                tracking_url: Some(format!("https://track.example/{i}")),
                state: ShipmentState::InTransit,
                lines: vec![],
            })
            .collect(),
    }
}

fn key(state: &mut State, code: KeyCode) -> Vec<Effect> {
    update(state, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// A signed-in state with 30 orders (the 6th selected, a filter set), the account and three
/// addresses (the 2nd selected) loaded.
pub(crate) fn signed_in(caps: Capabilities) -> State {
    let mut state = State::new("shop".into(), caps);
    state.can_sign_in = true;
    state.start();
    update(
        &mut state,
        Action::AccountLoaded(Ok(Account {
            id: CustomerId::from("7"),
            email: "ada@example.com".into(),
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            phone: None,
            company: None,
            created_at: None,
        })),
    );
    update(
        &mut state,
        Action::OrdersLoaded {
            generation: 0,
            offset: 0,
            result: Ok(Page {
                items: (0..30).map(summary).collect(),
                offset: 0,
                total: Some(30),
                has_more: false,
            }),
        },
    );
    state.orders.selected = 5;
    state.orders.filter.status = Some(OrderStatus::Delivered);
    state.addresses.list = Loadable::Ready(vec![address("a"), address("b"), address("c")]);
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

#[expect(clippy::too_many_lines, reason = "split by branch panes")]
fn fixtures(caps: fn() -> Capabilities) -> Vec<(&'static str, Fixture)> {
    vec![
        ("orders", Box::new(move || signed_in(caps()))),
        (
            "order detail",
            Box::new(move || {
                let mut state = signed_in(caps());
                key(&mut state, KeyCode::Enter);
                update(
                    &mut state,
                    Action::OrderLoaded(OrderNumber::from("SO-5"), Ok(detail(2))),
                );
                // Scrolled a little, so both directions move.
                if let Some(view) = state.orders.detail.as_mut() {
                    view.scroll = 2;
                }
                state
            }),
        ),
        (
            "order detail without shipments",
            Box::new(move || {
                let mut state = signed_in(caps());
                key(&mut state, KeyCode::Enter);
                update(
                    &mut state,
                    Action::OrderLoaded(OrderNumber::from("SO-5"), Ok(detail(0))),
                );
                if let Some(view) = state.orders.detail.as_mut() {
                    view.scroll = 2;
                }
                state
            }),
        ),
        (
            "order search",
            Box::new(move || {
                let mut state = signed_in(caps());
                state.orders.search_input = Some(tui_input::Input::new("SO".into()));
                state
            }),
        ),
        (
            "account",
            Box::new(move || {
                let mut state = signed_in(caps());
                key(&mut state, KeyCode::Char('1'));
                state
            }),
        ),
        (
            "account form",
            Box::new(move || {
                let mut state = signed_in(caps());
                key(&mut state, KeyCode::Char('1'));
                key(&mut state, KeyCode::Char('e'));
                state
            }),
        ),
        (
            "addresses",
            Box::new(move || {
                let mut state = signed_in(caps());
                state.pane = Pane::Addresses;
                state
            }),
        ),
        (
            "confirm delete",
            Box::new(move || {
                let mut state = signed_in(caps());
                state.pane = Pane::Addresses;
                state.addresses.confirm_delete = Some(AddressId::from("b"));
                state
            }),
        ),
        (
            "password",
            Box::new(move || {
                let mut state = signed_in(caps());
                state.pane = Pane::Password;
                state
            }),
        ),
        (
            "quick order",
            Box::new(move || {
                let mut state = signed_in(caps());
                state.pane = Pane::Reorder;
                state.reorder.quick.insert_str("A1 2");
                state
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
            Box::new(move || {
                let mut state = signed_in(caps());
                state.help = true;
                state.help_scroll = 2;
                state
            }),
        ),
        (
            "browser sign-in, waiting",
            Box::new(move || {
                let mut state = signed_in(caps());
                state.signin = Some(SignInView {
                    waiting: true,
                    url: Some("https://shop.example/authorize".into()),
                    ..SignInView::default()
                });
                state
            }),
        ),
        (
            "browser sign-in",
            Box::new(move || {
                let mut state = signed_in(caps());
                state.signin = Some(SignInView::default());
                state
            }),
        ),
        (
            "sign-in paste",
            Box::new(move || {
                let mut state = signed_in(caps());
                state.signin = Some(SignInView {
                    waiting: true,
                    paste: Some(tui_input::Input::new("http://127.0.0.1/cb?code=1".into())),
                    ..SignInView::default()
                });
                state
            }),
        ),
        (
            "password sign-in",
            Box::new(move || {
                let mut state = signed_in(caps());
                let mut form = Form::new(
                    "Your account",
                    vec![
                        Field::text("login", "E-mail", "ada@example.com"),
                        Field::secret("password", "Password"),
                    ],
                );
                form.fields[1] = Field::secret("password", "Password");
                state.signin = Some(SignInView {
                    form: Some(form),
                    ..SignInView::default()
                });
                // A password typed, so Enter has something to send.
                for c in "pw".chars() {
                    key(&mut state, KeyCode::Char(c));
                }
                key(&mut state, KeyCode::BackTab);
                state
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
        if !context.typing() && context != Context::Help {
            rows.extend(bindings(Context::Global));
        }
        for binding in rows {
            for key in binding.keys {
                let mut state = make();
                let availability = available(&state, binding);
                let before = format!("{state:?}");
                let toasts = state.toasts.len();
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
                            state.toasts.len() > toasts
                                && state.toasts.back().is_some_and(|t| t.text == why),
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
    let effects = key(&mut state, KeyCode::Char('/'));
    assert!(effects.is_empty() && state.orders.search_input.is_none());
    assert_eq!(state.orders.items.len(), 30, "the list stays");
    assert!(
        state
            .toasts
            .iter()
            .any(|t| t.text.contains("not available"))
    );

    // AbanteCart: no order details, no password pane.
    let mut state = signed_in(abantecart());
    assert!(key(&mut state, KeyCode::Enter).is_empty());
    assert!(state.orders.detail.is_none());
    key(&mut state, KeyCode::Char('4'));
    assert_eq!(context(&state), Context::Unavailable);
    key(&mut state, KeyCode::Esc);
    assert_eq!(state.pane, Pane::Orders, "Esc backs out of the pane");
}

#[test]
fn reorder_pane_without_place_order_leaves_every_global_key_working() {
    let mut state = signed_in(spryker());
    key(&mut state, KeyCode::Char('5'));
    assert_eq!(state.pane, Pane::Reorder);
    assert!(!state.typing());
    key(&mut state, KeyCode::Char('1'));
    assert_eq!(state.pane, Pane::Account);
    key(&mut state, KeyCode::Char('5'));
    key(&mut state, KeyCode::Tab);
    assert_eq!(state.pane, Pane::Account, "Tab wraps to the first pane");
    key(&mut state, KeyCode::Char('5'));
    key(&mut state, KeyCode::Char('?'));
    assert!(state.help);
    key(&mut state, KeyCode::Esc);
    key(&mut state, KeyCode::Char('q'));
    assert!(state.quit);
}

#[test]
fn typing_offers_esc_and_never_help() {
    let mut state = signed_in(every_feature());
    key(&mut state, KeyCode::Char('4'));
    assert!(state.typing());
    assert!(!help_offered(&state));
    let offered: Vec<_> = hints(&state).iter().map(|b| b.label).collect();
    assert!(offered.contains(&"Esc"), "{offered:?}");
    key(&mut state, KeyCode::Char('?'));
    assert!(!state.help, "? is text in the password field");
    key(&mut state, KeyCode::Char('q'));
    assert!(!state.quit, "q is text in the password field");
}

#[test]
fn no_shipments_no_shipment_keys() {
    let mut state = signed_in(every_feature());
    key(&mut state, KeyCode::Enter);
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
    state.customer = Some(CustomerId::from("7"));
    update(&mut state, Action::SignedOut(Ok(None)));
    assert!(state.orders.items.is_empty());
    assert!(state.addresses.list.ready().is_none());
    assert!(state.account.ready().is_none());
    assert!(
        state.reorder.draft.is_none(),
        "the draft is not shown to the next one"
    );
    assert!(state.customer.is_none());
    // A late page for the customer who left is dropped.
    update(
        &mut state,
        Action::OrdersLoaded {
            generation: 0,
            offset: 0,
            result: Ok(Page {
                items: vec![summary(1)],
                offset: 0,
                total: Some(1),
                has_more: false,
            }),
        },
    );
    assert!(state.orders.items.is_empty());

    let other = Account {
        id: CustomerId::from("8"),
        email: "grace@example.com".into(),
        first_name: "Grace".into(),
        last_name: "Hopper".into(),
        phone: None,
        company: None,
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
    assert!(key(&mut state, KeyCode::Enter).is_empty());
    assert!(!state.reorder.confirm);
    assert!(
        state
            .toasts
            .back()
            .is_some_and(|t| t.text.contains("not checked"))
    );
    let mut priced = state.reorder.draft.clone().expect("the draft");
    priced.customer = Some(customer.clone());
    update(&mut state, Action::DraftResolved(Ok(priced)));
    key(&mut state, KeyCode::Enter);
    assert!(state.reorder.confirm, "priced again, it can be sent");

    // A draft restored for a customer who is no longer signed in is ignored.
    let mut state = signed_in(every_feature());
    let effects = update(
        &mut state,
        Action::DraftRestored(CustomerId::from("gone"), Some(draft)),
    );
    assert!(effects.is_empty() && state.reorder.draft.is_none());
}
