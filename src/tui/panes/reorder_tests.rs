//! Tests of the Reorder pane through `update`: quick orders, reorders, restored drafts.

use super::*;
use crate::shop::Capabilities;
use crate::tui::app::{Action, Pane, State, update};
use crate::tui::test_fixtures::{press, state_with};

/// A shop like the Customer API: orders with lines, and a repeated send with the same key
/// places nothing twice.
fn state() -> State {
    use Feature::{IdempotentOrders, OrderDetail, OrderHistory, PlaceOrder, ProductLookup};
    let mut state = state_with([
        OrderHistory,
        OrderDetail,
        PlaceOrder,
        IdempotentOrders,
        ProductLookup,
    ]);
    state.pane = Pane::Reorder;
    state
}

/// A shop like AbanteCart: quick order, but no idempotency key and no order lines.
fn state_without_idempotency() -> State {
    use Feature::{OrderHistory, PlaceOrder, ProductLookup};
    let mut state = state_with([OrderHistory, PlaceOrder, ProductLookup]);
    state.pane = Pane::Reorder;
    state
}

/// A pasted quick order of A1 (in stock) and B2 (out of stock), checked: the draft sent on `y`.
fn quick_order_sent(state: &mut State) -> Draft {
    update(state, Action::Paste("A1 3\nB2 1\n".into()));
    let effects = press(state, KeyCode::F(5));
    let [_, Effect::ResolveDraft(draft)] = &effects[..] else {
        panic!("{effects:?}")
    };
    update(state, Action::DraftResolved(Ok(resolved(draft))));
    press(state, KeyCode::Enter);
    let effects = press(state, KeyCode::Char('y'));
    let [Effect::SendDraft(sent)] = &effects[..] else {
        panic!("{effects:?}")
    };
    sent.clone()
}

/// [`quick_order_sent`], answered with `error`: the pane's message then.
fn quick_order_failing(state: &mut State, error: ShopError) -> String {
    let sent = quick_order_sent(state);
    update(state, Action::DraftSent(sent.idempotency_key, Err(error)));
    pane_message(state)
}

fn pane_message(state: &State) -> String {
    state
        .reorder
        .message
        .as_ref()
        .map(|(_, text)| text.clone())
        .unwrap_or_default()
}

#[test]
fn a_lost_answer_on_a_shop_without_idempotency_is_not_confirmed_and_not_sent_again() {
    let mut state = state_without_idempotency();
    let message = quick_order_failing(&mut state, ShopError::Network("connection reset".into()));
    assert!(
        message.starts_with("Not confirmed — check your order history"),
        "{message}"
    );
    assert!(!message.contains("Not sent"), "{message}");
    assert!(
        state.reorder.draft.is_some(),
        "the draft stays to check against"
    );

    // The same draft again: refused before the y/n question.
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    assert!(!state.reorder.confirm, "no send is offered");
    assert!(pane_message(&state).starts_with("Not sent again"));
    assert!(press(&mut state, KeyCode::Char('y')).is_empty());

    // The same lines typed anew as a quick order: refused too.
    press(&mut state, KeyCode::Esc);
    assert!(
        state.reorder.draft.is_none(),
        "back in the quick-order editor"
    );
    let effects = press(&mut state, KeyCode::F(5));
    let [_, Effect::ResolveDraft(draft)] = &effects[..] else {
        panic!("{effects:?}")
    };
    update(&mut state, Action::DraftResolved(Ok(resolved(draft))));
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    assert!(!state.reorder.confirm, "the same lines are not sent again");
}

#[test]
fn a_refusal_on_a_shop_without_idempotency_is_not_sent_and_can_be_sent_again() {
    let mut state = state_without_idempotency();
    let message = quick_order_failing(
        &mut state,
        ShopError::field("lines[0].quantity", "A1: only 2 left"),
    );
    assert!(message.starts_with("Not sent: "), "{message}");
    assert!(
        !message.contains("will not be ordered twice"),
        "no promise this shop cannot keep: {message}"
    );
    press(&mut state, KeyCode::Enter);
    assert!(state.reorder.confirm, "a refused order can be sent again");
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

/// A quick order's draft of one `code`, quantity 1, no brand.
fn quick_draft(code: &str) -> Draft {
    Draft::from_quick_lines(&[crate::reorder::QuickLine {
        brand: None,
        code: code.into(),
        quantity: 1,
    }])
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
        Action::DraftSent(
            again.idempotency_key.clone(),
            Ok(OrderOutcome::Placed(placed)),
        ),
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
    state.reorder.draft = Some(resolved(&quick_draft("A1")));
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
    let mut draft = quick_draft("6200");
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

/// A shop like Centra: the order goes through the shop's own cart to its payment page.
fn state_with_payment_page() -> State {
    use Feature::{OrderHistory, PaymentPage, PlaceOrder, ProductLookup, ShopCart};
    let mut state = state_with([
        OrderHistory,
        PlaceOrder,
        ProductLookup,
        ShopCart,
        PaymentPage,
    ]);
    state.pane = Pane::Reorder;
    state
}

#[test]
fn a_send_awaiting_payment_shows_the_page_to_open_or_copy_then_back_to_the_history() {
    let mut state = state_with_payment_page();
    let sent = quick_order_sent(&mut state);
    assert!(
        !sent.empty_cart_first,
        "the shop's cart is kept unless asked"
    );
    let page = PaymentPage {
        url: "https://pay.example/p/1\u{1b}]52;c;aGk=\u{7}".into(),
        form_html: None,
        form_file: None,
        total: Money::from_minor(3600, Currency::EUR),
        kept_lines: vec![("OLD-1".into(), 2)],
    };
    let effects = update(
        &mut state,
        Action::DraftSent(
            sent.idempotency_key.clone(),
            Ok(OrderOutcome::AwaitingPayment(page)),
        ),
    );
    assert!(
        matches!(&effects[..], [Effect::DeleteDraft { key, .. }] if *key == sent.idempotency_key)
    );
    assert!(state.reorder.draft.is_none());
    assert_eq!(crate::tui::commands::context(&state), Context::Payment);
    let shown = state.reorder.payment.clone().expect("the payment page");
    assert!(!shown.url.contains('\u{1b}'), "sanitised: {:?}", shown.url);
    assert!(shown.url.starts_with("https://pay.example/p/1"));
    assert!(pane_message(&state).contains("once it is paid"));

    let opened = press(&mut state, KeyCode::Char('o'));
    assert!(
        matches!(&opened[..], [Effect::OpenUrl(url)] if *url == shown.url),
        "{opened:?}"
    );
    let copied = press(&mut state, KeyCode::Char('y'));
    assert!(
        matches!(&copied[..], [Effect::Copy(url)] if *url == shown.url),
        "{copied:?}"
    );
    // Typing is not the quick-order editor's while the page is shown.
    press(&mut state, KeyCode::Char('x'));
    assert!(state.reorder.quick.lines().join("").is_empty());

    let back = press(&mut state, KeyCode::Esc);
    assert!(state.reorder.payment.is_none());
    assert_eq!(state.pane, Pane::Orders);
    assert!(
        back.iter().any(|e| matches!(e, Effect::LoadOrders { .. })),
        "the history is read again: {back:?}"
    );
}

#[test]
fn a_saved_payment_form_is_opened_as_its_file_and_its_path_copied() {
    let mut state = state_with_payment_page();
    let sent = quick_order_sent(&mut state);
    let file = std::path::PathBuf::from("/run/user/1000/shopterm/payment-ab.html");
    let page = PaymentPage {
        url: "file:///run/user/1000/shopterm/payment-ab.html".into(),
        form_html: None,
        form_file: Some(file.clone()),
        total: Money::from_minor(3600, Currency::EUR),
        kept_lines: vec![],
    };
    update(
        &mut state,
        Action::DraftSent(
            sent.idempotency_key.clone(),
            Ok(OrderOutcome::AwaitingPayment(page)),
        ),
    );
    let opened = press(&mut state, KeyCode::Char('o'));
    assert!(
        matches!(&opened[..], [Effect::OpenPaymentForm(path)] if *path == file),
        "{opened:?}"
    );
    let copied = press(&mut state, KeyCode::Char('y'));
    assert!(
        matches!(&copied[..], [Effect::Copy(text)] if *text == file.display().to_string()),
        "{copied:?}"
    );
}

#[test]
fn emptying_the_shops_cart_first_is_the_users_choice_where_the_shop_has_one() {
    let mut state = state_with_payment_page();
    state.reorder.draft = Some(resolved(&quick_draft("A1")));
    state.reorder.checked = true;
    let effects = press(&mut state, KeyCode::Char('E'));
    assert!(matches!(&effects[..], [Effect::SaveDraft(d)] if d.empty_cart_first));
    press(&mut state, KeyCode::Char('E'));
    assert!(
        !state
            .reorder
            .draft
            .as_ref()
            .is_some_and(|d| d.empty_cart_first)
    );

    // Elsewhere the key is not offered and changes nothing.
    let mut other = state_without_idempotency();
    other.reorder.draft = state.reorder.draft.clone();
    other.reorder.checked = true;
    assert!(press(&mut other, KeyCode::Char('E')).is_empty());
    assert!(
        !other
            .reorder
            .draft
            .as_ref()
            .is_some_and(|d| d.empty_cart_first)
    );
}

#[test]
fn a_lost_answer_on_a_payment_page_shop_may_be_sent_again() {
    let mut state = state_with_payment_page();
    let message = quick_order_failing(&mut state, ShopError::Network("reset".into()));
    assert!(
        message.starts_with("Not confirmed: no order exists until it is paid"),
        "{message}"
    );
    assert!(
        state.reorder.unconfirmed.is_none(),
        "not locked: a resend places nothing"
    );
    press(&mut state, KeyCode::Enter);
    let effects = press(&mut state, KeyCode::Char('y'));
    assert!(
        matches!(&effects[..], [Effect::SendDraft(_)]),
        "{effects:?}"
    );
}
/// Discarding a draft (D, y) after a send whose answer was lost, and Esc out of a quick order's
/// review, both remove the draft's file and tell the connector to forget its sends (Spryker's
/// checkout journal kept the entry on disk for ever before).
#[test]
fn a_discarded_draft_is_forgotten_by_the_connector_too() {
    let mut state = state_without_idempotency();
    let sent = quick_order_sent(&mut state);
    let key = sent.idempotency_key.clone();
    update(
        &mut state,
        Action::DraftSent(key.clone(), Err(ShopError::Network("reset".into()))),
    );
    assert!(state.reorder.draft.is_some(), "kept after the lost answer");
    press(&mut state, KeyCode::Char('D'));
    let effects = press(&mut state, KeyCode::Char('y'));
    assert!(
        matches!(&effects[..], [Effect::ForgetDraft(forgotten), Effect::DeleteDraft { key: deleted, .. }]
            if *forgotten == key && *deleted == key),
        "{effects:?}"
    );
    assert!(state.reorder.draft.is_none());

    let mut state = self::state();
    update(&mut state, Action::Paste("A1 3\n".into()));
    let effects = press(&mut state, KeyCode::F(5));
    let [_, Effect::ResolveDraft(draft)] = &effects[..] else {
        panic!("{effects:?}")
    };
    let key = draft.idempotency_key.clone();
    update(&mut state, Action::DraftResolved(Ok(resolved(draft))));
    let effects = press(&mut state, KeyCode::Esc);
    assert!(
        matches!(&effects[..], [Effect::ForgetDraft(forgotten), Effect::DeleteDraft { .. }] if *forgotten == key),
        "{effects:?}"
    );
}

fn shopping_list(id: &str, name: &str, items: &[(&str, u32)]) -> ShoppingList {
    ShoppingList {
        id: id.into(),
        name: name.into(),
        owner: None,
        items: items
            .iter()
            .map(|(code, quantity)| ShoppingListItem {
                code: (*code).into(),
                name: None,
                quantity: *quantity,
            })
            .collect(),
        updated_at: None,
    }
}

/// F7 in the quick order opens the shop's shopping lists (shop text cleaned); Enter on one
/// makes its draft and checks it like a past order's; a shop without them shows no F7, and a
/// shop that says it has none (Spryker B2C) says so in the chooser.
#[test]
fn a_shopping_list_is_chosen_in_the_quick_order_and_reviewed_like_a_reorder() {
    use crate::tui::commands::{Context as Keys, context};
    let mut state = state();
    assert!(
        press(&mut state, KeyCode::F(7)).is_empty(),
        "no shopping lists here"
    );
    assert!(state.reorder.lists.is_none());

    let mut state = state_with([
        Feature::OrderHistory,
        Feature::PlaceOrder,
        Feature::ProductLookup,
        Feature::ShoppingLists,
    ]);
    state.pane = Pane::Reorder;
    let effects = press(&mut state, KeyCode::F(7));
    assert!(
        matches!(&effects[..], [Effect::LoadShoppingLists]),
        "{effects:?}"
    );
    assert_eq!(context(&state), Keys::ShoppingLists);
    update(
        &mut state,
        Action::ShoppingListsLoaded(Ok(vec![
            shopping_list("sl-1", "Workshop", &[("A1", 3)]),
            shopping_list(
                "sl-2",
                "Safety \u{1b}]0;pwned\u{7}kit",
                &[("B2", 1), ("A1", 2)],
            ),
        ])),
    );
    let lists = state
        .reorder
        .lists
        .as_ref()
        .and_then(Loadable::ready)
        .unwrap();
    assert_eq!(lists[1].name, "Safety kit", "cleaned");
    press(&mut state, KeyCode::Char('j'));
    let effects = press(&mut state, KeyCode::Enter);
    let [Effect::SaveDraft(_), Effect::ResolveDraft(draft)] = &effects[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(draft.shopping_list.as_deref(), Some("Safety kit"));
    assert_eq!(draft.source, None);
    let lines: Vec<(&str, u32)> = draft
        .lines
        .iter()
        .map(|l| (l.code.as_str(), l.quantity))
        .collect();
    assert_eq!(lines, [("B2", 1), ("A1", 2)]);
    assert!(state.reorder.lists.is_none());
    assert_eq!(context(&state), Keys::Review);
    update(&mut state, Action::DraftResolved(Ok(resolved(draft))));
    assert_eq!(
        state.reorder.draft.as_ref().unwrap().lines[0].blocker(),
        Some(crate::reorder::Blocker::OutOfStock),
        "the out-of-stock line is shown blocked"
    );

    // Spryker B2C: the shop has none.
    state.reorder.draft = None;
    press(&mut state, KeyCode::F(7));
    update(
        &mut state,
        Action::ShoppingListsLoaded(Err(ShopError::Unsupported(Feature::ShoppingLists))),
    );
    let Some(Loadable::Failed(why)) = &state.reorder.lists else {
        panic!("{:?}", state.reorder.lists)
    };
    assert!(
        why.contains("hopping lists") && why.contains("not available"),
        "{why}"
    );
    press(&mut state, KeyCode::Esc);
    assert_eq!(context(&state), Keys::QuickOrder);
}

/// A shop's error text of thousands of characters: the advice comes first and stays whole, the
/// text after it is cut (at `sanitize::FORM_MESSAGE_CHARS`).
#[test]
fn a_long_error_text_comes_after_the_advice_and_is_cut() {
    let long = "x".repeat(5000);
    for (mut state, advice) in [
        (state_without_idempotency(), "discard it"),
        (state(), "send it again (it will not be ordered twice)"),
    ] {
        let message = quick_order_failing(&mut state, ShopError::Network(long.clone()));
        let at = message.find(advice);
        assert!(
            at.is_some_and(|at| at < message.find("xxxxxxxx").unwrap_or(0)),
            "the advice first: {message}"
        );
        assert!(message.chars().count() < 800, "{} chars", message.len());
        assert!(message.ends_with('…'), "{message}");
    }
}
