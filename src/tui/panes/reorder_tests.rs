//! Tests of the Reorder pane through `update`: quick orders, reorders, restored drafts.

use super::*;
use crate::shop::Capabilities;
use crate::tui::app::{Action, Pane, State, update};
use crate::tui::test_fixtures::{press, state_with};

fn state() -> State {
    use Feature::{OrderDetail, OrderHistory, PlaceOrder, ProductLookup};
    let mut state = state_with([OrderHistory, OrderDetail, PlaceOrder, ProductLookup]);
    state.pane = Pane::Reorder;
    state
}

fn product(code: &str, minor: i64, availability: Availability) -> Product {
    Product {
        code: code.into(),
        brand: "Acme".into(),
        name: format!("Thing {code}"),
        price: Money::from_minor(minor, Currency::EUR),
        availability,
    }
}

fn resolved(draft: &Draft) -> Draft {
    let mut draft = draft.clone();
    for line in &mut draft.lines {
        line.resolution = match line.code.as_str() {
            "A1" => Resolution::Found {
                product: product("A1", 1200, Availability::InStock { quantity: Some(50) }),
            },
            "B2" => Resolution::Found {
                product: product("B2", 500, Availability::OutOfStock),
            },
            _ => Resolution::NotFound,
        };
    }
    draft
}

#[test]
fn pasted_quick_order_is_checked_reviewed_and_sent_after_confirmation() {
    let mut state = state();
    assert!(state.typing(), "the quick-order lines take the keys");
    update(
        &mut state,
        Action::Paste("A1\t3\r\nAcme;B2;1\nZZ 2\n".into()),
    );
    let effects = press(&mut state, KeyCode::F(5));
    let [Effect::SaveDraft(saved), Effect::ResolveDraft(draft)] = &effects[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(saved, draft, "the draft is saved before anything is sent");
    assert_eq!(draft.lines.len(), 3);
    assert_eq!(draft.lines[1].brand.as_deref(), Some("Acme"));
    let checked = resolved(draft);
    update(&mut state, Action::DraftResolved(Ok(checked.clone())));
    assert!(!state.typing(), "review mode takes commands");
    let totals = state.reorder.draft.as_ref().unwrap().totals();
    assert_eq!((totals.sendable_lines, totals.blocked_lines), (1, 2));

    assert!(
        press(&mut state, KeyCode::Enter).is_empty(),
        "Enter only asks"
    );
    assert!(state.reorder.confirm);
    assert!(
        press(&mut state, KeyCode::Char('n')).is_empty(),
        "n does not send"
    );
    press(&mut state, KeyCode::Enter);
    let effects = press(&mut state, KeyCode::Char('y'));
    let [Effect::SendDraft(sent)] = &effects[..] else {
        panic!("{effects:?}")
    };
    let order = sent.to_new_order();
    assert_eq!(order.lines.len(), 1, "only the orderable line is sent");
    assert_eq!(
        (order.lines[0].code.as_str(), order.lines[0].quantity),
        ("A1", 3)
    );

    // A failed send keeps the draft and its key; the retry sends the same key.
    update(
        &mut state,
        Action::DraftSent(
            sent.idempotency_key.clone(),
            Err(ShopError::Network("reset".into())),
        ),
    );
    assert!(state.reorder.draft.is_some());
    let said = state.reorder.message.as_ref().map(|(_, m)| m.as_str());
    assert!(
        said.is_some_and(|m| m.starts_with("Not confirmed:")),
        "a lost answer is not called unsent: {said:?}"
    );
    press(&mut state, KeyCode::Enter);
    let retry = press(&mut state, KeyCode::Char('y'));
    let [Effect::SendDraft(again)] = &retry[..] else {
        panic!("{retry:?}")
    };
    assert_eq!(again.idempotency_key, sent.idempotency_key);

    let placed = PlacedOrder {
        number: "SO-9".into(),
        replayed: true,
        total: Money::from_minor(3600, Currency::EUR),
    };
    let effects = update(
        &mut state,
        Action::DraftSent(again.idempotency_key.clone(), Ok(placed)),
    );
    assert!(matches!(&effects[0], Effect::DeleteDraft { key, .. } if *key == sent.idempotency_key));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadOrders { .. })),
        "the history reloads"
    );
    assert!(state.reorder.draft.is_none());
}

#[test]
fn quantities_and_lines_can_be_changed_and_each_change_is_saved() {
    let mut state = state();
    let draft = resolved(&Draft::from_quick_lines(&[crate::reorder::QuickLine {
        brand: None,
        code: "A1".into(),
        quantity: 1,
    }]));
    state.reorder.draft = Some(draft);
    let effects = press(&mut state, KeyCode::Char('+'));
    assert!(matches!(&effects[..], [Effect::SaveDraft(d)] if d.lines[0].quantity == 2));
    press(&mut state, KeyCode::Char('e'));
    for _ in 0..3 {
        press(&mut state, KeyCode::Backspace);
    }
    press(&mut state, KeyCode::Char('7'));
    let effects = press(&mut state, KeyCode::Enter);
    assert!(matches!(&effects[..], [Effect::SaveDraft(d)] if d.lines[0].quantity == 7));
    let effects = press(&mut state, KeyCode::Char('x'));
    assert!(matches!(&effects[..], [Effect::SaveDraft(d)] if d.lines.is_empty()));
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    assert!(
        !state.reorder.confirm,
        "nothing to send, nothing to confirm"
    );
}

#[test]
fn b_steps_through_the_brands_of_an_ambiguous_code() {
    let mut state = state();
    let mut draft = Draft::from_quick_lines(&[crate::reorder::QuickLine {
        brand: None,
        code: "6200".into(),
        quantity: 1,
    }]);
    draft.lines[0].resolution = Resolution::Ambiguous {
        brands: vec!["X".into(), "Y".into()],
    };
    draft.lines[0].brand_choices = vec!["X".into(), "Y".into()];
    state.reorder.draft = Some(draft);
    let effects = press(&mut state, KeyCode::Char('b'));
    let [Effect::ResolveDraft(asked)] = &effects[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(asked.lines[0].brand.as_deref(), Some("X"));
    let mut found = asked.clone();
    found.lines[0].resolution = Resolution::Found {
        product: Product {
            brand: "X".into(),
            ..product("6200", 100, Availability::InStock { quantity: None })
        },
    };
    update(&mut state, Action::DraftResolved(Ok(found)));
    let effects = press(&mut state, KeyCode::Char('b'));
    let [Effect::ResolveDraft(asked)] = &effects[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(asked.lines[0].brand.as_deref(), Some("Y"), "the next brand");
}

#[test]
fn a_shop_that_cannot_take_orders_says_so() {
    let mut state = State::new("shop".into(), Capabilities::new([Feature::OrderHistory]));
    state.pane = Pane::Reorder;
    assert!(press(&mut state, KeyCode::F(5)).is_empty());
}
