//! The Account pane: the signed-in customer's account, and the form to edit it (fields the
//! shop does not keep are left out, since it would refuse them).

use crate::model::*;
use crate::sanitize::Sanitize;
use crate::shop::{Capabilities, Feature, ShopError};
use crate::tui::ctx::{Ctx, ViewCtx};
use crate::tui::feedback::{ToastKind, save_failed};
use crate::tui::form::{EditOutcome, Field, Form, edit_key};
use crate::tui::loadable::Loadable;
use crate::tui::messages::Effect;
use crate::tui::table::Context;
use crate::tui::widgets::{
    FORM_COMMANDS, block, capitalise, field_line, loading_or_error, render_form, retry_hint,
};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The account pane's own state: the edit form while editing (the account itself is the
/// signed-in customer's, in `Ctx`).
#[derive(Debug, Default)]
pub struct AccountPane {
    pub form: Option<Form>,
    /// Staff mode: the details to save, held until the staff member confirms them for the
    /// customer the form's message names.
    pub confirm_save: Option<AccountDraft>,
    /// Deleting the account: what the customer has typed to confirm it (their e-mail or DELETE).
    pub delete_confirm: Option<tui_input::Input>,
    /// The deletion is on its way to the shop.
    pub deleting: bool,
    /// Why the confirmation or the deletion did not go through.
    pub delete_message: Option<String>,
}

impl AccountPane {
    pub fn busy(&self) -> bool {
        self.form.as_ref().is_some_and(|f| f.submitting) || self.deleting
    }
}

/// The typed confirmation: Enter deletes only when it is the account's e-mail or DELETE
/// ([`crate::connection::confirms_deletion`]); Esc keeps the account.
fn delete_key(pane: &mut AccountPane, ctx: &Ctx, key: KeyEvent) -> Vec<Effect> {
    let Some(input) = pane.delete_confirm.as_mut() else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc if !pane.deleting => {
            pane.delete_confirm = None;
            pane.delete_message = None;
            Vec::new()
        }
        KeyCode::Enter if !pane.deleting => {
            let email = ctx
                .account
                .ready()
                .map(|a| a.email.clone())
                .unwrap_or_default();
            if crate::connection::confirms_deletion(input.value(), &email) {
                pane.deleting = true;
                pane.delete_message = Some("Deleting the account…".to_owned());
                vec![Effect::DeleteAccount]
            } else {
                pane.delete_message = Some(
                    "That is not this account's e-mail: type it (or DELETE) to delete the account"
                        .to_owned(),
                );
                Vec::new()
            }
        }
        _ if !pane.deleting => {
            crate::tui::form::type_into(input, key);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The shop refused the deletion (or it did not arrive): the account stays, signed in.
pub fn delete_failed(
    pane: &mut AccountPane,
    ctx: &mut Ctx,
    failed: &crate::tui::messages::NotDeleted,
) {
    pane.deleting = false;
    let error = crate::sanitize::excerpt(&failed.error, crate::sanitize::FORM_MESSAGE_CHARS);
    // A lost answer leaves open whether the shop deleted it: not "not deleted".
    let text = if failed.maybe_deleted {
        format!(
            "The account may have been deleted: the shop's answer was lost. Check by signing \
             in again before deleting it again. The error: {error}"
        )
    } else {
        format!("The account was not deleted: {error}")
    };
    pane.delete_message = Some(text.clone());
    ctx.toast(ToastKind::Error, text);
}

/// One detail of an account beyond name and e-mail: its form field's name, its label, its value.
type Detail<'a> = (&'static str, &'static str, Option<&'a str>);

/// The details beyond name and e-mail that the shop keeps for an account, as the pane and its
/// form show them; what the shop does not keep is left out of both.
fn kept_details<'a>(account: &'a Account, capabilities: &Capabilities) -> Vec<Detail<'a>> {
    let mut details = Vec::new();
    if capabilities.supports(Feature::AccountPhone) {
        details.push(("phone", "Phone", account.phone.as_deref()));
    }
    if capabilities.supports(Feature::AccountCompany) {
        details.push(("company", "Company", account.company.as_deref()));
    }
    if capabilities.supports(Feature::CompanyIds) {
        details.push(("company_id", "Company ID", account.company_id.as_deref()));
        details.push(("vat_id", "VAT ID", account.vat_id.as_deref()));
    }
    details
}

/// The account form; fields the shop does not keep are left out (it would refuse them).
fn account_form(account: &Account, capabilities: &Capabilities) -> Form {
    let mut fields = vec![
        Field::text("first_name", "First name", &account.first_name),
        Field::text("last_name", "Last name", &account.last_name),
        Field::text("email", "E-mail", &account.email),
    ];
    for (name, label, value) in kept_details(account, capabilities) {
        fields.push(Field::text(name, label, value.unwrap_or("")));
    }
    Form::new("Edit account", fields)
}

fn account_draft(form: &Form) -> AccountDraft {
    AccountDraft {
        first_name: form.text("first_name").trim().to_owned(),
        last_name: form.text("last_name").trim().to_owned(),
        email: form.text("email").trim().to_owned(),
        phone: form.field("phone").and_then(Field::optional_text),
        company: form.field("company").and_then(Field::optional_text),
        company_id: form.field("company_id").and_then(Field::optional_text),
        vat_id: form.field("vat_id").and_then(Field::optional_text),
    }
}

/// A key the command table let through to the pane.
pub fn update(pane: &mut AccountPane, ctx: &mut Ctx, key: KeyEvent) -> Vec<Effect> {
    if pane.delete_confirm.is_some() {
        return delete_key(pane, ctx, key);
    }
    if let Some(draft) = pane.confirm_save.take() {
        if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
            return vec![Effect::SaveAccount(draft)];
        }
        // Anything else: back to the form as typed, to change or to save again.
        if let Some(form) = pane.form.as_mut() {
            form.submitting = false;
            form.message = Some("Not saved.".to_owned());
        }
        return Vec::new();
    }
    if let Some(form) = pane.form.as_mut() {
        return match edit_key(form, key, account_draft, validate::account) {
            // Cancel restores: the account as loaded stays untouched.
            EditOutcome::Cancelled => {
                pane.form = None;
                Vec::new()
            }
            EditOutcome::Save(draft) => match &ctx.acting_for {
                // Staff mode: a customer's details change only on a yes naming them.
                Some(customer) => {
                    form.message = Some(format!(
                        "Save these details for {customer}? y = save, any other key = back to the form"
                    ));
                    pane.confirm_save = Some(draft);
                    Vec::new()
                }
                None => vec![Effect::SaveAccount(draft)],
            },
            EditOutcome::Stay => Vec::new(),
        };
    }
    match key.code {
        KeyCode::Char('e') | KeyCode::Enter => {
            if !ctx.supports(Feature::EditAccount) {
                let text = ctx.with_lacking_reason(
                    Feature::EditAccount,
                    "Editing the account is not available on this shop",
                );
                ctx.toast(ToastKind::Error, text);
            } else if let Some(account) = ctx.account.ready() {
                pane.form = Some(account_form(account, &ctx.capabilities));
            }
            Vec::new()
        }
        KeyCode::Char('R') => {
            ctx.account = Loadable::Loading;
            vec![Effect::LoadAccount]
        }
        KeyCode::Char('X') if ctx.supports(Feature::DeleteAccount) => {
            pane.delete_confirm = Some(tui_input::Input::default());
            pane.delete_message = None;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The shop's answer to a save: the form closes, or keeps the draft and says why.
pub fn saved(pane: &mut AccountPane, ctx: &mut Ctx, result: Result<Account, ShopError>) {
    let Some(form) = pane.form.as_mut() else {
        return;
    };
    form.submitting = false;
    match result {
        Ok(account) => {
            ctx.account = Loadable::Ready(account.sanitized());
            pane.form = None;
            ctx.toast(ToastKind::Info, "Account saved");
        }
        Err(error) => {
            if let Some(text) = save_failed(form, error) {
                ctx.toast(ToastKind::Error, text);
            }
        }
    }
}

pub fn view(frame: &mut Frame, area: Rect, pane: &AccountPane, look: &ViewCtx) {
    if let Some(form) = &pane.form {
        render_form(frame, area, form, look, Context::EditForm, FORM_COMMANDS);
        return;
    }
    let outer = block(" Account ", look.theme);
    if let Some(placeholder) = loading_or_error(
        &look.ctx.account,
        look.theme,
        &retry_hint(look, Context::Account),
    ) {
        frame.render_widget(placeholder.block(outer), area);
        return;
    }
    let Some(account) = look.ctx.account.ready() else {
        return;
    };
    let mut lines = vec![
        field_line("First name", &account.first_name, look.theme),
        field_line("Last name", &account.last_name, look.theme),
        field_line("E-mail", &account.email, look.theme),
    ];
    for (_, label, value) in kept_details(account, &look.ctx.capabilities) {
        lines.push(field_line(label, value.unwrap_or("—"), look.theme));
    }
    lines.push(field_line("Customer", account.id.as_str(), look.theme));
    lines.push(Line::raw(""));
    if let Some(input) = &pane.delete_confirm {
        lines.push(Line::styled(
            "Delete this account at the shop? It cannot be undone: the shop anonymises it.",
            look.theme.error(),
        ));
        lines.push(Line::raw(
            "Type the account's e-mail (or DELETE) and press Enter; Esc keeps the account.",
        ));
        lines.push(Line::from(vec![
            Span::styled("Confirm: ", look.theme.key()),
            Span::raw(crate::sanitize::clean(input.value())),
            Span::styled("▏", look.theme.key()),
        ]));
        if let Some(message) = &pane.delete_message {
            lines.push(Line::styled(message.as_str(), look.theme.warn()));
        }
        lines.push(Line::raw(""));
    }
    if look.ctx.capabilities.supports(Feature::DeleteAccount) && pane.delete_confirm.is_none() {
        lines.push(Line::from(vec![
            Span::styled(
                look.keys
                    .label_of(Context::Account, crate::tui::table::Command::DeleteAccount),
                look.theme.key(),
            ),
            Span::raw(" delete the account"),
        ]));
    }
    if look.ctx.capabilities.supports(Feature::EditAccount) {
        lines.push(Line::from(vec![
            Span::styled("e", look.theme.key()),
            Span::raw(" edit"),
        ]));
    } else {
        lines.push(Line::styled(
            "Editing is not available on this shop.",
            look.theme.dim(),
        ));
        if let Some(reason) = look.ctx.lacking_reason(Feature::EditAccount) {
            lines.push(Line::styled(
                format!("{}.", capitalise(reason)),
                look.theme.dim(),
            ));
        }
    }
    frame.render_widget(Paragraph::new(lines).block(outer), area);
}
