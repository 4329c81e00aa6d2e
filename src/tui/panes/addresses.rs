//! The Addresses pane: the customer's address book (or the one address some shops keep), with
//! add, edit, delete after a y/n, and the default shipping and billing address.

use crate::model::*;
use crate::sanitize::Sanitize;
use crate::shop::{Capabilities, Feature, ShopError};
use crate::tui::ctx::{Ctx, ViewCtx};
use crate::tui::feedback::{ToastKind, failure_text, save_failed};
use crate::tui::form::{EditOutcome, Field, Form, edit_key};
use crate::tui::layout;
use crate::tui::loadable::Loadable;
use crate::tui::messages::Effect;
use crate::tui::table::{Command, Context};
use crate::tui::widgets::{
    FORM_COMMANDS, block, fit_width, loading_or_error, postal_lines, render_form, retry_hint,
    unavailable,
};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressEdit {
    New,
    Existing(usize),
}

#[derive(Debug)]
pub struct AddressesPane {
    pub list: Loadable<Vec<Address>>,
    pub selected: usize,
    pub form: Option<(AddressEdit, Form)>,
    /// Waiting for y/n to delete this address.
    pub confirm_delete: Option<AddressId>,
    /// Staff mode: a change for the customer waiting for y/n to a question naming them.
    pub confirm_change: Option<StaffChange>,
}

/// A change a staff member asked for, held until they confirm it for this customer.
#[derive(Debug)]
pub struct StaffChange {
    pub question: String,
    pub effect: Effect,
}

impl Default for AddressesPane {
    fn default() -> Self {
        AddressesPane {
            list: Loadable::Idle,
            selected: 0,
            form: None,
            confirm_delete: None,
            confirm_change: None,
        }
    }
}

impl AddressesPane {
    pub fn busy(&self) -> bool {
        self.list.is_loading() || self.form.as_ref().is_some_and(|(_, f)| f.submitting)
    }

    /// Loads the list the first time the pane is shown (where the shop has addresses).
    pub fn enter(&mut self, ctx: &Ctx) -> Vec<Effect> {
        if !matches!(self.list, Loadable::Idle) || !ctx.supports(Feature::Addresses) {
            return Vec::new();
        }
        self.list = Loadable::Loading;
        vec![Effect::LoadAddresses]
    }

    /// Bracketed paste goes to the form's focused field.
    pub fn paste(&mut self, text: &str) {
        if let Some((_, form)) = self.form.as_mut() {
            form.paste(text);
        }
    }
}

/// The address form; a region field only where the shop keeps regions.
fn address_form(
    title: &'static str,
    address: Option<&PostalAddress>,
    capabilities: &Capabilities,
) -> Form {
    let get = |f: fn(&PostalAddress) -> Option<&str>| address.and_then(f).unwrap_or("");
    let with_region = capabilities.supports(Feature::AddressRegion);
    Form::new(
        title,
        [
            Field::text("first_name", "First name", get(|a| Some(&a.first_name))),
            Field::text("last_name", "Last name", get(|a| Some(&a.last_name))),
            Field::text("company", "Company", get(|a| a.company.as_deref())),
            Field::text("line1", "Street", get(|a| Some(&a.line1))),
            Field::text("line2", "Street 2", get(|a| a.line2.as_deref())),
            Field::text("postcode", "Postcode", get(|a| Some(&a.postcode))),
            Field::text("city", "City", get(|a| Some(&a.city))),
            Field::text("region", "Region", get(|a| a.region.as_deref())),
            Field::text("country", "Country (ISO code)", get(|a| Some(&a.country))),
            Field::text("phone", "Phone", get(|a| a.phone.as_deref())),
        ]
        .into_iter()
        .filter(|field| with_region || field.name != "region")
        .collect(),
    )
}

fn address_draft(form: &Form) -> PostalAddress {
    let opt = |name| form.field(name).and_then(Field::optional_text);
    PostalAddress {
        first_name: form.text("first_name").trim().to_owned(),
        last_name: form.text("last_name").trim().to_owned(),
        company: opt("company"),
        line1: form.text("line1").trim().to_owned(),
        line2: opt("line2"),
        city: form.text("city").trim().to_owned(),
        postcode: form.text("postcode").trim().to_owned(),
        region: opt("region"),
        country: form.text("country").trim().to_ascii_uppercase(),
        phone: opt("phone"),
    }
}

/// Staff mode: `effect` waits for a y to the question `ask` puts to the customer's name;
/// for a customer's own account it goes at once.
fn ask_first(
    confirm: &mut Option<StaffChange>,
    ctx: &Ctx,
    ask: impl FnOnce(&str) -> String,
    effect: Effect,
) -> Vec<Effect> {
    match &ctx.acting_for {
        Some(customer) => {
            let question = ask(customer);
            *confirm = Some(StaffChange { question, effect });
            Vec::new()
        }
        None => vec![effect],
    }
}

/// The answer to a held change: y sends it; any other key does not, and the form (if any)
/// stays as typed, to change or to save again.
fn answer(pane: &mut AddressesPane, change: StaffChange, key: KeyEvent) -> Vec<Effect> {
    if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
        return vec![change.effect];
    }
    if let Some((_, form)) = pane.form.as_mut() {
        form.submitting = false;
        form.message = Some("Not saved.".to_owned());
    }
    Vec::new()
}

/// A key the command table let through to the pane.
pub fn update(pane: &mut AddressesPane, ctx: &mut Ctx, key: KeyEvent) -> Vec<Effect> {
    if let Some(change) = pane.confirm_change.take() {
        return answer(pane, change, key);
    }
    if let Some((edit, form)) = pane.form.as_mut() {
        return match edit_key(form, key, address_draft, validate::address) {
            EditOutcome::Cancelled => {
                pane.form = None;
                Vec::new()
            }
            EditOutcome::Save(draft) => {
                let existing = match *edit {
                    AddressEdit::Existing(index) => pane
                        .list
                        .ready()
                        .and_then(|l| l.get(index))
                        .map(|a| a.id.clone()),
                    AddressEdit::New => None,
                };
                let effect = match existing {
                    Some(id) => Effect::UpdateAddress(id, draft),
                    None => Effect::CreateAddress(draft),
                };
                let ask = |customer: &str| {
                    format!(
                        "Save this address for {customer}? y = save, any other key = back to the form"
                    )
                };
                let effects = ask_first(&mut pane.confirm_change, ctx, ask, effect);
                if let Some(change) = &pane.confirm_change {
                    form.message = Some(change.question.clone());
                }
                effects
            }
            EditOutcome::Stay => Vec::new(),
        };
    }
    if let Some(id) = pane.confirm_delete.take() {
        return match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => vec![Effect::DeleteAddress(id)],
            _ => Vec::new(),
        };
    }
    let Loadable::Ready(list) = &pane.list else {
        if key.code == KeyCode::Char('R') {
            pane.list = Loadable::Loading;
            return vec![Effect::LoadAddresses];
        }
        return Vec::new();
    };
    let len = list.len();
    let selected = list.get(pane.selected).cloned();
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => {
            pane.selected = (pane.selected + 1).min(len.saturating_sub(1));
        }
        KeyCode::Up | KeyCode::Char('k') => pane.selected = pane.selected.saturating_sub(1),
        KeyCode::Char('a') if !ctx.supports(Feature::AddressBook) => {
            ctx.toast(
                ToastKind::Error,
                "This shop keeps one address: edit it with e",
            );
        }
        KeyCode::Char('a') => {
            pane.form = Some((
                AddressEdit::New,
                address_form("New address", None, &ctx.capabilities),
            ))
        }
        KeyCode::Char('e') | KeyCode::Enter => {
            if let Some(address) = &selected {
                let form = address_form("Edit address", Some(&address.postal), &ctx.capabilities);
                pane.form = Some((AddressEdit::Existing(pane.selected), form));
            }
        }
        KeyCode::Char('d') if !ctx.supports(Feature::AddressBook) => {
            ctx.toast(
                ToastKind::Error,
                "This shop keeps one address: it can be changed, not deleted",
            );
        }
        KeyCode::Char('d') => {
            if let Some(address) = selected {
                pane.confirm_delete = Some(address.id);
            }
        }
        KeyCode::Char('s') | KeyCode::Char('b') => {
            let role = if key.code == KeyCode::Char('s') {
                AddressRole::Shipping
            } else {
                AddressRole::Billing
            };
            if !ctx.supports(Feature::DefaultAddresses) {
                ctx.toast(
                    ToastKind::Error,
                    "Default addresses are not available on this shop",
                );
            } else if let Some(address) = selected {
                let which = match role {
                    AddressRole::Shipping => "shipping",
                    AddressRole::Billing => "billing",
                };
                let ask = |customer: &str| {
                    format!(
                        "Make this the default {which} address of {customer}? y = yes, any other key = no"
                    )
                };
                let effect = Effect::SetDefaultAddress(address.id, role);
                return ask_first(&mut pane.confirm_change, ctx, ask, effect);
            }
        }
        KeyCode::Char('R') => {
            pane.list = Loadable::Loading;
            return vec![Effect::LoadAddresses];
        }
        _ => {}
    }
    Vec::new()
}

/// The list came (or failed); the selection stays inside it.
pub fn loaded(pane: &mut AddressesPane, result: Result<Vec<Address>, ShopError>) {
    pane.list = match result {
        Ok(list) => Loadable::Ready(list.sanitized()),
        Err(error) => Loadable::Failed(failure_text(&error)),
    };
    let len = pane.list.ready().map_or(0, Vec::len);
    pane.selected = pane.selected.min(len.saturating_sub(1));
}

/// The shop's answer to a save: the address goes into the list, or the form says why.
pub fn saved(pane: &mut AddressesPane, ctx: &mut Ctx, result: Result<Address, ShopError>) {
    let Some((edit, form)) = pane.form.as_mut() else {
        return;
    };
    form.submitting = false;
    match result {
        Ok(address) => {
            let address = address.sanitized();
            if let Loadable::Ready(list) = &mut pane.list {
                match *edit {
                    AddressEdit::Existing(index) if index < list.len() => list[index] = address,
                    _ => {
                        list.push(address);
                        pane.selected = list.len() - 1;
                    }
                }
            }
            pane.form = None;
            ctx.toast(ToastKind::Info, "Address saved");
        }
        Err(error) => {
            if let Some(text) = save_failed(form, error) {
                ctx.toast(ToastKind::Error, text);
            }
        }
    }
}

pub fn deleted(
    pane: &mut AddressesPane,
    ctx: &mut Ctx,
    id: &AddressId,
    result: Result<(), ShopError>,
) {
    match result {
        Ok(()) => {
            if let Loadable::Ready(list) = &mut pane.list {
                list.retain(|a| a.id != *id);
                pane.selected = pane.selected.min(list.len().saturating_sub(1));
            }
            ctx.toast(ToastKind::Info, "Address deleted");
        }
        Err(error) => ctx.toast(
            ToastKind::Error,
            format!("Not deleted: {}", failure_text(&error)),
        ),
    }
}

/// The shop's list after a default changed (it may move the marks of other addresses too).
pub fn default_set(
    pane: &mut AddressesPane,
    ctx: &mut Ctx,
    result: Result<Vec<Address>, ShopError>,
) {
    match result {
        Ok(list) => {
            pane.list = Loadable::Ready(list.sanitized());
            ctx.toast(ToastKind::Info, "Default address changed");
        }
        Err(error) => ctx.toast(
            ToastKind::Error,
            format!("Not changed: {}", failure_text(&error)),
        ),
    }
}

pub fn view(frame: &mut Frame, area: Rect, pane: &AddressesPane, look: &ViewCtx) {
    if !look.ctx.capabilities.supports(Feature::Addresses) {
        unavailable(frame, area, look, Feature::Addresses);
        return;
    }
    if let Some((_, form)) = &pane.form {
        render_form(frame, area, form, look, Context::EditForm, FORM_COMMANDS);
        return;
    }
    let theme = look.theme;
    let outer = block(" Addresses ", look.theme);
    if let Some(placeholder) = loading_or_error(
        &pane.list,
        look.theme,
        &retry_hint(look, Context::Addresses),
    ) {
        frame.render_widget(placeholder.block(outer), area);
        return;
    }
    let Some(list) = pane.list.ready() else {
        return;
    };
    let panes = layout::address_pane(area);
    let (left, right) = (panes.list, panes.detail);
    let offset = panes.offset(pane.selected);
    if list.is_empty() {
        frame.render_widget(
            Paragraph::new(format!(
                "No addresses yet. Press {} to add one.",
                look.keys.label_of(Context::Addresses, Command::AddAddress)
            ))
            .block(outer),
            area,
        );
        return;
    }
    // The marks column is as wide as the widest marks, so the street keeps the rest.
    let marks_width = list
        .iter()
        .map(|a| default_marks(a).len())
        .max()
        .unwrap_or(0);
    let widths = [
        Constraint::Min(10),
        Constraint::Length(2),
        Constraint::Length(u16::try_from(marks_width).unwrap_or(13)),
    ];
    // The street's width as the table lays its columns out (one space between them): the table
    // would cut it bare, so it is cut here, with an ellipsis.
    let street_width = Layout::horizontal(widths)
        .spacing(1)
        .split(outer.inner(left))[0]
        .width;
    let rows = list.iter().enumerate().skip(offset).map(|(i, address)| {
        let marks = default_marks(address);
        let style = if i == pane.selected {
            theme.selected()
        } else {
            theme.text()
        };
        Row::new(vec![
            Cell::from(fit_width(
                &format!("{}, {}", address.postal.line1, address.postal.city),
                usize::from(street_width),
            )),
            Cell::from(address.postal.country.clone()),
            Cell::from(Span::styled(marks, theme.ok())),
        ])
        .style(style)
    });
    let table = Table::new(rows, widths).block(outer);
    frame.render_widget(table, left);
    if let Some(address) = list.get(pane.selected) {
        let mut lines: Vec<Line> = postal_lines(&address.postal)
            .into_iter()
            .map(Line::raw)
            .collect();
        lines.push(Line::raw(""));
        if address.default_shipping {
            lines.push(Line::styled("Default shipping address", theme.ok()));
        }
        if address.default_billing {
            lines.push(Line::styled("Default billing address", theme.ok()));
        }
        if pane.confirm_delete.as_ref() == Some(&address.id) {
            lines.push(Line::raw(""));
            let confirm = look.keys.label_of(Context::Confirm, Command::Confirm);
            let question = match &look.ctx.acting_for {
                Some(customer) => format!(
                    "Delete this address of {customer}? {confirm} = delete, any other key = keep"
                ),
                None => format!("Delete this address? {confirm} = delete, any other key = keep"),
            };
            lines.push(Line::styled(question, theme.error()));
        }
        if let Some(change) = &pane.confirm_change {
            lines.push(Line::raw(""));
            lines.push(Line::styled(change.question.clone(), theme.warn()));
        }
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(block(" Address ", look.theme)),
            right,
        );
    }
}

/// "[ship] [bill]": which defaults an address is.
fn default_marks(address: &Address) -> String {
    let marks: Vec<&str> = [
        (address.default_shipping, "[ship]"),
        (address.default_billing, "[bill]"),
    ]
    .into_iter()
    .filter_map(|(set, mark)| set.then_some(mark))
    .collect();
    marks.join(" ")
}
