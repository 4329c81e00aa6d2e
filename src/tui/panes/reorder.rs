//! The Reorder pane: review a repeat order (from an order's `r`) or a quick order (pasted
//! `CODE QTY` lines) against today's prices and stock, adjust it, and send it after a deliberate
//! confirmation. The draft is saved locally after every change until it is sent or discarded.

use crate::model::*;
use crate::reorder::{Draft, QuickLineError, Resolution, parse_quick_order};
use crate::sanitize::Sanitize;
use crate::shop::{Feature, ShopError};
use crate::tui::ctx::Ctx;
use crate::tui::feedback::ToastKind;
use crate::tui::form::type_into;
use crate::tui::keys::KeyMap;
use crate::tui::loadable::Loadable;
use crate::tui::messages::Effect;
use crate::tui::table::{Command, Context};
use crate::tui::tabs::Pane;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

/// What the empty quick-order editor says.
pub const QUICK_PLACEHOLDER: &str =
    "Type or paste lines: CODE QTY  or  BRAND CODE QTY   (tabs, commas, semicolons are fine)";

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
    /// The lines (code, quantity) of a send that may have reached a shop that cannot tell a
    /// repeated send from a new order (no [`Feature::IdempotentOrders`]): the same lines are not
    /// sent again in this session, whether from the same draft or a quick order typed anew.
    pub unconfirmed: Option<Vec<(String, u32)>>,
    /// A sent order that waits for payment on the shop's page (its address sanitised): shown
    /// until the user leaves it, to open (`o`) or copy (`y`).
    pub payment: Option<PaymentPage>,
    /// The shopping lists to choose one to order from (open over the quick-order editor).
    pub lists: Option<Loadable<Vec<ShoppingList>>>,
    pub list_selected: usize,
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
            unconfirmed: None,
            payment: None,
            lists: None,
            list_selected: 0,
        }
    }
}

const QUANTITY_ERROR: &str = "The quantity must be a whole number of at least 1";

fn quick_area() -> TextArea<'static> {
    let mut area = TextArea::default();
    area.set_placeholder_text(QUICK_PLACEHOLDER);
    area
}

/// Starts a reorder of the open order (key `r` in the order detail).
pub fn reorder_from(
    pane: &mut ReorderPane,
    ctx: &mut Ctx,
    keys: &KeyMap,
    order: &OrderDetail,
) -> Vec<Effect> {
    ctx.go_to = Some(Pane::Reorder);
    if !ctx.supports(Feature::PlaceOrder) {
        return Vec::new();
    }
    if pane.draft.is_some() {
        pane.message = Some((
            ToastKind::Error,
            format!(
                "An unsent draft is open: send it ({}) or discard it ({}) first.",
                keys.label_of(Context::Review, Command::SendOrder),
                keys.label_of(Context::Review, Command::DiscardDraft)
            ),
        ));
        return Vec::new();
    }
    open_new_draft(pane, ctx, Draft::from_order(order), false)
}

/// Opens a new draft (of a past order, a shopping list or the quick order's lines) in the review
/// for the customer signed in: saved, and checked against today's prices and stock before it
/// can be sent. Nothing of an earlier draft's review stays (a discarded restored draft's
/// "(restored draft)" title included).
fn open_new_draft(
    pane: &mut ReorderPane,
    ctx: &Ctx,
    mut draft: Draft,
    from_quick: bool,
) -> Vec<Effect> {
    draft.customer = ctx.customer.clone();
    pane.from_quick = from_quick;
    pane.checked = false;
    pane.selected = 0;
    pane.restored = false;
    pane.message = None;
    pane.busy = Some(if from_quick {
        "Looking the products up…"
    } else {
        "Checking today's prices and stock…"
    });
    pane.draft = Some(draft.clone());
    vec![
        Effect::SaveDraft(draft.clone()),
        Effect::ResolveDraft(draft),
    ]
}

/// A checked draft came back.
pub fn draft_resolved(
    pane: &mut ReorderPane,
    keys: &KeyMap,
    result: Result<Draft, ShopError>,
) -> Vec<Effect> {
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
            let retry = keys.label_of(Context::Review, Command::Reload);
            pane.message = Some((
                ToastKind::Error,
                format!("Could not check the lines: {error}. Press {retry} to try again."),
            ))
        }
    }
    Vec::new()
}

/// The shop's answer to a send. Placed: the draft is gone (and deleted from disk) and the
/// user goes to the order history, where the app shows the new order on top. Failed: the draft
/// stays with its key, so sending again cannot create a second order.
pub fn draft_sent(
    pane: &mut ReorderPane,
    ctx: &mut Ctx,
    keys: &KeyMap,
    key: String,
    result: Result<OrderOutcome, ShopError>,
) -> Vec<Effect> {
    pane.busy = None;
    match result {
        Ok(OrderOutcome::AwaitingPayment(page)) => {
            // The lines are in the shop's cart; the shop places the order once it is paid.
            // The draft is done with: sending it again would only ask for payment again.
            pane.draft = None;
            pane.restored = false;
            pane.quick = quick_area();
            pane.unconfirmed = None;
            let page = PaymentPage {
                url: crate::sanitize::clean(&page.url),
                form_html: None,
                form_file: page.form_file,
                total: page.total,
                kept_lines: page
                    .kept_lines
                    .into_iter()
                    .map(|(code, quantity)| {
                        (ProductCode(crate::sanitize::clean(code.as_str())), quantity)
                    })
                    .collect(),
            };
            pane.message = Some((
                ToastKind::Info,
                format!(
                    "Awaiting payment of {}: the shop places the order once it is paid",
                    page.total
                ),
            ));
            ctx.toast(ToastKind::Info, "Pay on the shop's payment page");
            pane.payment = Some(page);
            vec![Effect::DeleteDraft {
                key,
                customer: ctx.customer.clone(),
            }]
        }
        Ok(OrderOutcome::Placed(placed)) => {
            let number = crate::sanitize::clean(placed.number.as_str());
            pane.draft = None;
            pane.restored = false;
            pane.quick = quick_area();
            pane.message = Some((
                ToastKind::Info,
                format!("Order {number} placed ({})", placed.total),
            ));
            ctx.toast(ToastKind::Info, format!("Order {number} placed"));
            ctx.go_to = Some(Pane::Orders);
            vec![Effect::DeleteDraft {
                key,
                customer: ctx.customer.clone(),
            }]
        }
        // A shop that places orders only once paid on its page (Centra): a lost answer left
        // the lines in its cart at most, and sending again brings the cart to the same lines.
        Err(error) if ctx.supports(Feature::PaymentPage) && may_have_arrived(&error) => {
            let send = keys.label_of(Context::Review, Command::SendOrder);
            pane.message = Some((
                ToastKind::Error,
                format!(
                    "Not confirmed: no order exists until it is paid on the shop's payment page; press {send} to send again and get the page (the shop's cart keeps these lines once). The error: {}",
                    quoted(&error)
                ),
            ));
            Vec::new()
        }
        Err(error) if !ctx.supports(Feature::IdempotentOrders) && may_have_arrived(&error) => {
            pane.unconfirmed = pane.draft.as_ref().map(sent_lines);
            pane.message = Some((ToastKind::Error, unconfirmed_message(keys, &error)));
            Vec::new()
        }
        Err(error) => {
            let send = keys.label_of(Context::Review, Command::SendOrder);
            // A lost connection leaves open whether the shop took the order: not "not sent".
            let outcome = if error.is_transient() {
                "Not confirmed"
            } else {
                "Not sent"
            };
            let again = if ctx.supports(Feature::IdempotentOrders) {
                " (it will not be ordered twice)"
            } else {
                ""
            };
            pane.message = Some((
                ToastKind::Error,
                format!(
                    "{outcome}: the draft is kept; press {send} to send it again{again}. The error: {}",
                    quoted(&error)
                ),
            ));
            Vec::new()
        }
    }
}

/// What a send orders: the lines that can be sent, by code and quantity.
fn sent_lines(draft: &Draft) -> Vec<(String, u32)> {
    draft
        .lines
        .iter()
        .filter(|line| line.blocker().is_none())
        .map(|line| (line.code.as_str().to_owned(), line.quantity))
        .collect()
}

/// Whether a failed send may still have placed the order: no answer came, or one shopterm could
/// not read (a refusal, an expired session or a validation error says the shop took nothing).
fn may_have_arrived(error: &ShopError) -> bool {
    matches!(
        error,
        ShopError::Network(_) | ShopError::Server { .. } | ShopError::Protocol(_)
    )
}

fn unconfirmed_message(keys: &KeyMap, error: &ShopError) -> String {
    let discard = keys.label_of(Context::Review, Command::DiscardDraft);
    format!(
        "Not confirmed — check your order history: the shop may have placed the order, and it cannot tell a repeated send from a new order, so this draft is not sent again in this session; discard it ({discard}) once the order is there. The error: {}",
        quoted(error)
    )
}

/// A send's error as the pane quotes it, after the advice: short enough that the advice
/// before it stays on screen however much the shop said.
fn quoted(error: &ShopError) -> String {
    crate::sanitize::excerpt(&error.to_string(), crate::sanitize::FORM_MESSAGE_CHARS)
}

/// The shopping lists came back (shop text cleaned); dropped when the chooser was closed.
pub fn shopping_lists_loaded(pane: &mut ReorderPane, result: Result<Vec<ShoppingList>, ShopError>) {
    let Some(lists) = pane.lists.as_mut() else {
        return;
    };
    *lists = match result {
        Ok(found) => Loadable::Ready(found.into_iter().map(cleaned_list).collect()),
        Err(error) => Loadable::Failed(error.to_string()),
    };
    pane.list_selected = 0;
}

fn cleaned_list(list: ShoppingList) -> ShoppingList {
    use crate::sanitize::clean;
    ShoppingList {
        id: clean(&list.id),
        name: clean(&list.name),
        owner: list.owner.as_deref().map(clean),
        items: list
            .items
            .into_iter()
            .map(|item| ShoppingListItem {
                code: ProductCode::from(clean(item.code.as_str()).as_str()),
                name: item.name.as_deref().map(clean),
                quantity: item.quantity,
            })
            .collect(),
        updated_at: list.updated_at,
    }
}

/// The shopping-list chooser: move, Enter orders the list through the review, Esc closes.
fn lists_key(pane: &mut ReorderPane, ctx: &mut Ctx, key: KeyEvent) -> Vec<Effect> {
    let count = pane
        .lists
        .as_ref()
        .and_then(Loadable::ready)
        .map_or(0, Vec::len);
    match key.code {
        KeyCode::Esc => pane.lists = None,
        KeyCode::Down | KeyCode::Char('j') => {
            pane.list_selected = (pane.list_selected + 1).min(count.saturating_sub(1));
        }
        KeyCode::Up | KeyCode::Char('k') => {
            pane.list_selected = pane.list_selected.saturating_sub(1);
        }
        KeyCode::Enter => {
            let Some(list) = pane
                .lists
                .as_ref()
                .and_then(Loadable::ready)
                .and_then(|lists| lists.get(pane.list_selected))
            else {
                return Vec::new();
            };
            let draft = Draft::from_shopping_list(list);
            pane.lists = None;
            return open_new_draft(pane, ctx, draft, false);
        }
        _ => {}
    }
    Vec::new()
}

pub fn products_found(pane: &mut ReorderPane, result: Result<Vec<Product>, ShopError>) {
    pane.lookup = match result {
        Ok(products) => Loadable::Ready(products.into_iter().map(Sanitize::sanitized).collect()),
        Err(error) => Loadable::Failed(error.to_string()),
    };
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

/// A key the command table let through to the pane: to the open prompt, the quick-order
/// editor, the y/n question, or the review.
pub fn update(pane: &mut ReorderPane, ctx: &mut Ctx, key: KeyEvent) -> Vec<Effect> {
    if !ctx.supports(Feature::PlaceOrder) {
        return Vec::new();
    }
    if pane.lookup_input.is_some() {
        return lookup_key(pane, key);
    }
    if pane.quantity_input.is_some() {
        return quantity_key(pane, key);
    }
    if pane.draft.is_none() && pane.payment.is_some() {
        return payment_key(pane, key);
    }
    if pane.draft.is_none() && pane.lists.is_some() {
        return lists_key(pane, ctx, key);
    }
    if pane.draft.is_none() {
        return quick_key(pane, ctx, key);
    }
    if pane.confirm_discard || pane.confirm {
        return confirm_key(pane, key);
    }
    review_key(pane, ctx, key)
}

/// The payment page's address: `o` opens it in the browser (as sign-in opens its page), `y`
/// copies it; a payment form's saved file likewise (`y` copies its path). Esc is the command
/// table's (back to the history, read again).
fn payment_key(pane: &mut ReorderPane, key: KeyEvent) -> Vec<Effect> {
    let Some(page) = pane.payment.as_ref() else {
        return Vec::new();
    };
    match (key.code, &page.form_file) {
        (KeyCode::Char('o'), Some(form)) => vec![Effect::OpenPaymentForm(form.clone())],
        (KeyCode::Char('o'), None) => vec![Effect::OpenUrl(page.url.clone())],
        (KeyCode::Char('y'), Some(form)) => vec![Effect::Copy(crate::sanitize::clean(
            &form.display().to_string(),
        ))],
        (KeyCode::Char('y'), None) => vec![Effect::Copy(page.url.clone())],
        _ => Vec::new(),
    }
}

/// The product lookup's query: Enter looks it up.
fn lookup_key(pane: &mut ReorderPane, key: KeyEvent) -> Vec<Effect> {
    let Some(input) = pane.lookup_input.as_mut() else {
        return Vec::new();
    };
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
        _ => type_into(input, key),
    }
    Vec::new()
}

/// The quantity prompt: an impossible value is said at once, not only on Enter.
fn quantity_key(pane: &mut ReorderPane, key: KeyEvent) -> Vec<Effect> {
    let Some(input) = pane.quantity_input.as_mut() else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc => {
            pane.quantity_input = None;
            // The prompt's complaint goes with it; another message stays.
            if pane
                .message
                .as_ref()
                .is_some_and(|(_, text)| text == QUANTITY_ERROR)
            {
                pane.message = None;
            }
        }
        KeyCode::Enter => match input.value().trim().parse::<u32>() {
            Ok(quantity) if quantity > 0 => {
                pane.quantity_input = None;
                return change_line(pane, |line| line.quantity = quantity);
            }
            _ => pane.message = Some((ToastKind::Error, QUANTITY_ERROR.into())),
        },
        _ => {
            type_into(input, key);
            // Say at once when what is typed cannot be a quantity, not only on Enter.
            let value = input.value().trim();
            pane.message = (!value.is_empty() && !value.parse::<u32>().is_ok_and(|q| q > 0))
                .then(|| (ToastKind::Error, QUANTITY_ERROR.into()));
        }
    }
    Vec::new()
}

/// y/n before discarding or sending: any other key is no.
fn confirm_key(pane: &mut ReorderPane, key: KeyEvent) -> Vec<Effect> {
    if pane.confirm_discard {
        pane.confirm_discard = false;
        if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
            let draft = pane.draft.take();
            pane.message = Some((ToastKind::Info, "Draft discarded".into()));
            return draft.map(discard_effects).unwrap_or_default();
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
    }
    Vec::new()
}

/// The review of a draft: move, change lines, send (after a y/n), discard, look products up.
fn review_key(pane: &mut ReorderPane, ctx: &mut Ctx, key: KeyEvent) -> Vec<Effect> {
    if key.code == KeyCode::Esc {
        return back_from_review(pane, ctx);
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
            if pane.unconfirmed.as_ref() == Some(&sent_lines(draft)) {
                pane.message = Some((
                    ToastKind::Error,
                    "Not sent again: the last send of this order was not confirmed and may have \
                     placed it. Check your order history first."
                        .into(),
                ));
            } else if totals.sendable_lines == 0 {
                pane.message = Some((
                    ToastKind::Error,
                    "No line can be ordered as it stands".into(),
                ));
            } else {
                pane.confirm = true;
            }
        }
        KeyCode::Char('D') => pane.confirm_discard = true,
        KeyCode::Char('E') => {
            // The command table offers this only on a shop with a cart of its own.
            let Some(draft) = pane.draft.as_mut() else {
                return Vec::new();
            };
            draft.empty_cart_first = !draft.empty_cart_first;
            return vec![Effect::SaveDraft(draft.clone())];
        }
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

/// A draft given up: its file, and what the connector kept for its sends.
fn discard_effects(draft: Draft) -> Vec<Effect> {
    vec![
        Effect::ForgetDraft(draft.idempotency_key.clone()),
        Effect::DeleteDraft {
            key: draft.idempotency_key,
            customer: draft.customer,
        },
    ]
}

/// A saved draft of the customer now signed in came back: it is shown, and priced again before
/// it can be sent (prices, stock and even the currency may differ from when it was saved).
pub fn draft_restored(
    pane: &mut ReorderPane,
    ctx: &Ctx,
    customer: crate::model::CustomerId,
    draft: Option<Draft>,
) -> Vec<Effect> {
    let Some(mut draft) = draft else {
        return Vec::new();
    };
    if ctx.customer.as_ref() != Some(&customer) || pane.draft.is_some() {
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
fn back_from_review(pane: &mut ReorderPane, ctx: &mut Ctx) -> Vec<Effect> {
    if pane.from_quick {
        pane.message = None;
        pane.busy = None;
        return pane.draft.take().map(discard_effects).unwrap_or_default();
    }
    ctx.go_to = Some(Pane::Orders);
    Vec::new()
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

fn quick_key(pane: &mut ReorderPane, ctx: &mut Ctx, key: KeyEvent) -> Vec<Effect> {
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
        return open_new_draft(pane, ctx, Draft::from_quick_lines(&lines), true);
    }
    if key.code == KeyCode::Esc {
        ctx.go_to = Some(Pane::Orders);
        return Vec::new();
    }
    if key.code == KeyCode::F(6) {
        pane.lookup_input = Some(tui_input::Input::default());
        return Vec::new();
    }
    if key.code == KeyCode::F(7) && ctx.supports(Feature::ShoppingLists) {
        pane.lists = Some(Loadable::Loading);
        pane.list_selected = 0;
        pane.message = None;
        return vec![Effect::LoadShoppingLists];
    }
    pane.quick.input(key);
    Vec::new()
}

/// Pasted text (bracketed paste) goes into the quick-order lines.
pub fn on_paste(pane: &mut ReorderPane, ctx: &Ctx, text: &str) {
    if !ctx.supports(Feature::PlaceOrder) {
        return;
    }
    if let Some(input) = pane.lookup_input.as_mut().or(pane.quantity_input.as_mut()) {
        crate::tui::form::paste_into(input, text.trim());
    } else if pane.draft.is_none() {
        pane.quick
            .insert_str(text.replace("\r\n", "\n").replace('\r', "\n"));
    }
}

#[cfg(test)]
#[path = "reorder_tests.rs"]
mod tests;
