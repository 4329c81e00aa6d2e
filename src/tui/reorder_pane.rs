//! The Reorder pane: review a repeat order (from an order's `r`) or a quick order (pasted
//! `CODE QTY` lines) against today's prices and stock, adjust it, and send it after a deliberate
//! confirmation. The draft is saved locally after every change until it is sent or discarded.

use super::app::{Effect, Loadable, State, ToastKind};
use crate::model::*;
use crate::reorder::{Draft, QuickLineError, Resolution, parse_quick_order};
use crate::sanitize::Sanitize;
use crate::shop::{Feature, ShopError};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

#[derive(Debug)]
pub struct ReorderPane {
    pub draft: Option<Draft>,
    /// The draft came back from disk (an earlier run or a failed send).
    pub restored: bool,
    pub selected: usize,
    /// What is in flight ("Checking prices…", "Sending…").
    pub busy: Option<&'static str>,
    /// The last outcome, shown under the draft.
    pub message: Option<(ToastKind, String)>,
    /// Waiting for y/n before sending.
    pub confirm: bool,
    /// Waiting for y/n before discarding the draft.
    pub confirm_discard: bool,
    pub quantity_input: Option<tui_input::Input>,
    /// Quick order: the lines typed or pasted.
    pub quick: TextArea<'static>,
    pub quick_errors: Vec<QuickLineError>,
    /// Product lookup (`/`): the query being typed, and the answer.
    pub lookup_input: Option<tui_input::Input>,
    pub lookup: Loadable<Vec<Product>>,
    /// The draft was made from the quick-order editor (Esc goes back to its text).
    pub from_quick: bool,
    /// Today's prices and stock were looked up for this draft in this session: only then can
    /// it be sent (a restored draft is priced again first).
    pub checked: bool,
}

impl Default for ReorderPane {
    fn default() -> Self {
        ReorderPane {
            draft: None,
            restored: false,
            selected: 0,
            busy: None,
            message: None,
            confirm: false,
            confirm_discard: false,
            quantity_input: None,
            quick: quick_area(),
            quick_errors: Vec::new(),
            lookup_input: None,
            lookup: Loadable::Idle,
            from_quick: false,
            checked: false,
        }
    }
}

const QUANTITY_ERROR: &str = "The quantity must be a whole number of at least 1";

fn quick_area() -> TextArea<'static> {
    let mut area = TextArea::default();
    area.set_placeholder_text(
        "Type or paste lines: CODE QTY  or  BRAND CODE QTY   (tabs, commas, semicolons are fine)",
    );
    area
}

/// Starts a reorder of the open order (key `r` in the order detail).
pub fn reorder_from(state: &mut State, order: &OrderDetail) -> Vec<Effect> {
    state.pane = super::app::Pane::Reorder;
    if !state.capabilities.supports(Feature::PlaceOrder) {
        return Vec::new();
    }
    let pane = &mut state.reorder;
    if pane.draft.is_some() {
        pane.message = Some((
            ToastKind::Error,
            "An unsent draft is open: send it (Enter) or discard it (D) first.".into(),
        ));
        return Vec::new();
    }
    let mut draft = Draft::from_order(order);
    draft.customer = state.customer.clone();
    let pane = &mut state.reorder;
    pane.from_quick = false;
    pane.checked = false;
    pane.selected = 0;
    pane.restored = false;
    pane.message = None;
    pane.busy = Some("Checking today's prices and stock…");
    pane.draft = Some(draft.clone());
    vec![
        Effect::SaveDraft(draft.clone()),
        Effect::ResolveDraft(draft),
    ]
}

/// A checked draft came back.
pub fn draft_resolved(state: &mut State, result: Result<Draft, ShopError>) -> Vec<Effect> {
    let pane = &mut state.reorder;
    pane.busy = None;
    match result {
        Ok(mut draft) => {
            for line in &mut draft.lines {
                if let Resolution::Found { product } = &mut line.resolution {
                    product.sanitize();
                }
                line.name.sanitize();
            }
            // Only take it if it is still the draft on screen (not discarded meanwhile).
            if pane
                .draft
                .as_ref()
                .is_some_and(|d| d.idempotency_key == draft.idempotency_key)
            {
                pane.selected = pane.selected.min(draft.lines.len().saturating_sub(1));
                pane.draft = Some(draft.clone());
                pane.checked = true;
                return vec![Effect::SaveDraft(draft)];
            }
        }
        Err(error) => {
            pane.message = Some((
                ToastKind::Error,
                format!("Could not check the lines: {error}. Press R to try again."),
            ))
        }
    }
    Vec::new()
}

pub fn draft_sent(
    state: &mut State,
    key: String,
    result: Result<PlacedOrder, ShopError>,
) -> Vec<Effect> {
    let pane = &mut state.reorder;
    pane.busy = None;
    match result {
        Ok(placed) => {
            let number = crate::sanitize::clean(placed.number.as_str());
            pane.draft = None;
            pane.restored = false;
            pane.quick = quick_area();
            pane.message = Some((
                ToastKind::Info,
                format!("Order {number} placed ({})", placed.total),
            ));
            state.toasts_push(ToastKind::Info, format!("Order {number} placed"));
            let mut effects = vec![Effect::DeleteDraft {
                key,
                customer: state.customer.clone(),
            }];
            // The new order goes to the top of the history, which is where the user lands
            // (without a filter that could hide it).
            state.orders.filter = OrderFilter::default();
            effects.extend(state.reload_orders());
            state.pane = super::app::Pane::Orders;
            state.orders.detail = None;
            effects
        }
        Err(error) => {
            // The draft stays, with its key: sending again cannot create a second order.
            pane.message = Some((
                ToastKind::Error,
                format!(
                    "Not sent: {error}. The draft is kept; press Enter to send it again (it will not be ordered twice)."
                ),
            ));
            Vec::new()
        }
    }
}

pub fn products_found(state: &mut State, result: Result<Vec<Product>, ShopError>) -> Vec<Effect> {
    state.reorder.lookup = match result {
        Ok(products) => Loadable::Ready(products.into_iter().map(Sanitize::sanitized).collect()),
        Err(error) => Loadable::Failed(error.to_string()),
    };
    Vec::new()
}

/// The lookup text as a query: `CODE…` or `BRAND CODE…` (the first word is a brand when more
/// than one word is given and it is not itself code-like).
fn lookup_query(text: &str) -> Option<ProductQuery> {
    let words: Vec<&str> = text
        .split([' ', ',', ';', '\t'])
        .filter(|w| !w.is_empty())
        .collect();
    match words.as_slice() {
        [] => None,
        [code] => Some(ProductQuery {
            codes: vec![ProductCode::from(*code)],
            brand: None,
        }),
        [brand, codes @ ..] => Some(ProductQuery {
            codes: codes.iter().map(|c| ProductCode::from(*c)).collect(),
            brand: Some((*brand).to_owned()),
        }),
    }
}

#[expect(clippy::too_many_lines, reason = "split by branch panes")]
pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if !state.capabilities.supports(Feature::PlaceOrder) {
        return Vec::new();
    }
    let pane = &mut state.reorder;
    if let Some(input) = pane.lookup_input.as_mut() {
        match key.code {
            KeyCode::Esc => pane.lookup_input = None,
            KeyCode::Enter => {
                let text = input.value().to_owned();
                pane.lookup_input = None;
                if let Some(query) = lookup_query(&text) {
                    pane.lookup = Loadable::Loading;
                    return vec![Effect::LookupProducts(query)];
                }
            }
            _ => {
                use tui_input::backend::crossterm::EventHandler;
                input.handle_event(&ratatui::crossterm::event::Event::Key(key));
            }
        }
        return Vec::new();
    }
    if let Some(input) = pane.quantity_input.as_mut() {
        match key.code {
            KeyCode::Esc => pane.quantity_input = None,
            KeyCode::Enter => match input.value().trim().parse::<u32>() {
                Ok(quantity) if quantity > 0 => {
                    pane.quantity_input = None;
                    return change_line(pane, |line| line.quantity = quantity);
                }
                _ => pane.message = Some((ToastKind::Error, QUANTITY_ERROR.into())),
            },
            _ => {
                use tui_input::backend::crossterm::EventHandler;
                input.handle_event(&ratatui::crossterm::event::Event::Key(key));
                // Say at once when what is typed cannot be a quantity, not only on Enter.
                let value = input.value().trim();
                pane.message = (!value.is_empty() && !value.parse::<u32>().is_ok_and(|q| q > 0))
                    .then(|| (ToastKind::Error, QUANTITY_ERROR.into()));
            }
        }
        return Vec::new();
    }
    if pane.draft.is_none() {
        return quick_key(state, key);
    }
    if pane.confirm_discard {
        pane.confirm_discard = false;
        if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
            let draft = pane.draft.take();
            pane.message = Some((ToastKind::Info, "Draft discarded".into()));
            return draft.map(delete_effect).into_iter().collect();
        }
        return Vec::new();
    }
    if pane.confirm {
        pane.confirm = false;
        if let (KeyCode::Char('y' | 'Y'), Some(draft)) = (key.code, pane.draft.clone()) {
            pane.busy = Some("Sending the order…");
            pane.message = None;
            return vec![Effect::SendDraft(draft)];
        }
        pane.message = Some((ToastKind::Info, "Not sent".into()));
        return Vec::new();
    }
    if key.code == KeyCode::Esc {
        return back_from_review(state);
    }
    if pane.busy.is_some() {
        return Vec::new(); // wait for the check or the send to finish
    }
    let Some(draft) = pane.draft.as_ref() else {
        return Vec::new();
    };
    let len = draft.lines.len();
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => {
            pane.selected = (pane.selected + 1).min(len.saturating_sub(1))
        }
        KeyCode::Up | KeyCode::Char('k') => pane.selected = pane.selected.saturating_sub(1),
        KeyCode::Char('+') => {
            return change_line(pane, |l| l.quantity = l.quantity.saturating_add(1));
        }
        KeyCode::Char('-') => {
            return change_line(pane, |l| l.quantity = l.quantity.saturating_sub(1).max(1));
        }
        KeyCode::Char('e') => {
            let current = draft
                .lines
                .get(pane.selected)
                .map(|l| l.quantity.to_string())
                .unwrap_or_default();
            pane.quantity_input = Some(tui_input::Input::new(current));
        }
        KeyCode::Char('x') | KeyCode::Delete => {
            let Some(draft) = pane.draft.as_mut() else {
                return Vec::new();
            };
            if pane.selected < draft.lines.len() {
                draft.lines.remove(pane.selected);
                pane.selected = pane.selected.min(draft.lines.len().saturating_sub(1));
                return vec![Effect::SaveDraft(draft.clone())];
            }
        }
        KeyCode::Char('b') => {
            // A code several brands sell: step through them, checking each choice.
            let Some(draft) = pane.draft.as_mut() else {
                return Vec::new();
            };
            if let Some(line) = draft.lines.get_mut(pane.selected)
                && !line.brand_choices.is_empty()
            {
                let choices = &line.brand_choices;
                let next = match line
                    .brand
                    .as_ref()
                    .and_then(|b| choices.iter().position(|c| c == b))
                {
                    Some(i) if matches!(line.resolution, Resolution::Found { .. }) => {
                        (i + 1) % choices.len()
                    }
                    _ => 0,
                };
                line.brand = Some(choices[next].clone());
                pane.busy = Some("Checking today's prices and stock…");
                return vec![Effect::ResolveDraft(draft.clone())];
            }
        }
        KeyCode::Char('R') => {
            if let Some(draft) = pane.draft.clone() {
                pane.busy = Some("Checking today's prices and stock…");
                return vec![Effect::ResolveDraft(draft)];
            }
        }
        KeyCode::Enter => {
            let totals = draft.totals();
            if totals.sendable_lines == 0 {
                pane.message = Some((
                    ToastKind::Error,
                    "No line can be ordered as it stands".into(),
                ));
            } else {
                pane.confirm = true;
            }
        }
        KeyCode::Char('D') => pane.confirm_discard = true,
        KeyCode::Char('/') => pane.lookup_input = Some(tui_input::Input::default()),
        KeyCode::Char('a') => {
            // Add the first product of the last lookup to the draft.
            let Some(product) = pane.lookup.ready().and_then(|p| p.first()).cloned() else {
                pane.message = Some((ToastKind::Error, "Look a product up first (/)".into()));
                return Vec::new();
            };
            let Some(draft) = pane.draft.as_mut() else {
                return Vec::new();
            };
            draft.lines.push(crate::reorder::DraftLine {
                code: product.code.clone(),
                brand: Some(product.brand.clone()),
                name: Some(product.name.clone()),
                quantity: 1,
                old_unit_price: None,
                resolution: Resolution::Found { product },
                brand_choices: Vec::new(),
            });
            pane.selected = draft.lines.len() - 1;
            return vec![Effect::SaveDraft(draft.clone())];
        }
        _ => {}
    }
    Vec::new()
}

fn delete_effect(draft: Draft) -> Effect {
    Effect::DeleteDraft {
        key: draft.idempotency_key,
        customer: draft.customer,
    }
}

/// A saved draft of the customer now signed in came back: it is shown, and priced again before
/// it can be sent (prices, stock and even the currency may differ from when it was saved).
pub fn draft_restored(
    state: &mut State,
    customer: crate::model::CustomerId,
    draft: Option<Draft>,
) -> Vec<Effect> {
    let Some(mut draft) = draft else {
        return Vec::new();
    };
    let pane = &mut state.reorder;
    if state.customer.as_ref() != Some(&customer) || pane.draft.is_some() {
        return Vec::new(); // someone else signed in meanwhile, or a new draft is open
    }
    draft.customer = Some(customer);
    pane.draft = Some(draft.clone());
    pane.restored = true;
    pane.checked = false;
    pane.from_quick = false;
    pane.selected = 0;
    pane.busy = Some("Checking today's prices and stock…");
    vec![Effect::ResolveDraft(draft)]
}

/// Esc in the review: a quick order goes back to its editor with the text as typed (the unsent
/// draft is dropped, the lines are checked again on the next Ctrl-S); a reorder goes back to the
/// order history and stays saved.
fn back_from_review(state: &mut State) -> Vec<Effect> {
    let pane = &mut state.reorder;
    if pane.from_quick {
        pane.message = None;
        pane.busy = None;
        return pane.draft.take().map(delete_effect).into_iter().collect();
    }
    state.leave_typing_pane()
}

fn change_line(
    pane: &mut ReorderPane,
    change: impl FnOnce(&mut crate::reorder::DraftLine),
) -> Vec<Effect> {
    let Some(draft) = pane.draft.as_mut() else {
        return Vec::new();
    };
    let Some(line) = draft.lines.get_mut(pane.selected) else {
        return Vec::new();
    };
    change(line);
    vec![Effect::SaveDraft(draft.clone())]
}

fn quick_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let pane = &mut state.reorder;
    let check = key.code == KeyCode::F(5)
        || (key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('s'));
    if check {
        let text = pane.quick.lines().join("\n");
        let (lines, errors) = parse_quick_order(&text);
        pane.quick_errors = errors;
        if lines.is_empty() {
            pane.message = Some((
                ToastKind::Error,
                "Nothing to order yet: type lines like  KB-100 2".into(),
            ));
            return Vec::new();
        }
        if !pane.quick_errors.is_empty() {
            pane.message = Some((
                ToastKind::Error,
                "Some lines could not be read; fix or remove them first".into(),
            ));
            return Vec::new();
        }
        let mut draft = Draft::from_quick_lines(&lines);
        draft.customer = state.customer.clone();
        let pane = &mut state.reorder;
        pane.draft = Some(draft.clone());
        pane.from_quick = true;
        pane.checked = false;
        pane.selected = 0;
        pane.message = None;
        pane.busy = Some("Looking the products up…");
        return vec![
            Effect::SaveDraft(draft.clone()),
            Effect::ResolveDraft(draft),
        ];
    }
    if key.code == KeyCode::Esc {
        return state.leave_typing_pane();
    }
    if key.code == KeyCode::F(6) {
        pane.lookup_input = Some(tui_input::Input::default());
        return Vec::new();
    }
    pane.quick.input(key);
    Vec::new()
}

/// Pasted text (bracketed paste) goes into the quick-order lines.
pub fn on_paste(state: &mut State, text: &str) {
    if !state.capabilities.supports(Feature::PlaceOrder) {
        return;
    }
    let pane = &mut state.reorder;
    if let Some(input) = pane.lookup_input.as_mut().or(pane.quantity_input.as_mut()) {
        super::form::paste_into(input, text.trim().chars());
    } else if pane.draft.is_none() {
        pane.quick
            .insert_str(text.replace("\r\n", "\n").replace('\r', "\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shop::Capabilities;
    use crate::tui::app::{Action, Pane, update};
    use ratatui::crossterm::event::KeyModifiers;

    fn press(state: &mut State, code: KeyCode) -> Vec<Effect> {
        update(state, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    fn state() -> State {
        let mut state = State::new(
            "shop".into(),
            Capabilities::new([
                Feature::OrderHistory,
                Feature::OrderDetail,
                Feature::PlaceOrder,
                Feature::ProductLookup,
            ]),
        );
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
        assert!(
            matches!(&effects[0], Effect::DeleteDraft { key, .. } if *key == sent.idempotency_key)
        );
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
}
