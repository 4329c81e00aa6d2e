//! The Password pane: change the password, ask for a reset e-mail, or reset with the key from
//! it. Its fields always take the keys, so F-keys and Alt-letters pick the form and Esc leaves.

use crate::model::validate;
use crate::sanitize::clean;
use crate::shop::{Feature, FieldError, ShopError};
use crate::tui::ctx::{Ctx, ViewCtx};
use crate::tui::feedback::{ToastKind, failure_text};
use crate::tui::form::{Field, Form, FormOutcome};
use crate::tui::messages::Effect;
use crate::tui::table::{Binding, Command, Context, bindings};
use crate::tui::tabs::Pane;
use crate::tui::widgets::{FORM_COMMANDS, render_form, unavailable};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use secrecy::SecretString;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordMode {
    Change,
    Forgotten,
    Reset,
}

impl PasswordMode {
    /// What the shop must offer for this form to be sent.
    pub fn feature(self) -> Feature {
        match self {
            PasswordMode::Change => Feature::ChangePassword,
            PasswordMode::Forgotten => Feature::ForgottenPassword,
            PasswordMode::Reset => Feature::ResetPassword,
        }
    }
}

#[derive(Debug)]
pub struct PasswordPane {
    pub mode: PasswordMode,
    pub form: Form,
}

impl Default for PasswordPane {
    fn default() -> Self {
        PasswordPane {
            mode: PasswordMode::Change,
            form: password_form(PasswordMode::Change),
        }
    }
}

pub fn password_form(mode: PasswordMode) -> Form {
    match mode {
        PasswordMode::Change => Form::new(
            "Change password",
            vec![
                Field::secret("current_password", "Current password"),
                Field::secret("new_password", "New password"),
                Field::secret("confirm_password", "Repeat new password"),
            ],
        ),
        PasswordMode::Forgotten => Form::new(
            "Forgotten password",
            vec![Field::text("email", "E-mail", "")],
        ),
        PasswordMode::Reset => Form::new(
            "Reset with the key from the e-mail",
            vec![
                Field::text("key", "Reset link or key", ""),
                Field::secret("new_password", "New password"),
                Field::secret("confirm_password", "Repeat new password"),
            ],
        ),
    }
}

/// The key of a reset link (`…?key=KEY`) or the key itself.
pub fn reset_key_from(text: &str) -> String {
    let text = text.trim();
    url::Url::parse(text)
        .ok()
        .and_then(|url| {
            url.query_pairs()
                .find(|(k, _)| k == "key")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_else(|| text.to_owned())
}

/// A rough strength hint for a new password: length and variety of character classes.
pub fn password_strength(length: usize, classes: usize) -> &'static str {
    match (length, classes) {
        (0, _) => "",
        (l, _) if l < crate::model::validate::PASSWORD_MIN => "too short",
        (l, c) if l >= 16 || (l >= 12 && c >= 3) => "strong",
        (l, c) if l >= 10 && c >= 2 => "fair",
        _ => "weak",
    }
}

/// A key the command table let through: it picks a form, or goes to the fields.
pub fn update(pane: &mut PasswordPane, ctx: &mut Ctx, key: KeyEvent) -> Vec<Effect> {
    let pick = match (key.code, key.modifiers.contains(KeyModifiers::ALT)) {
        (KeyCode::F(2), _) | (KeyCode::Char('c'), true) => Some(PasswordMode::Change),
        (KeyCode::F(3), _) | (KeyCode::Char('f'), true) => Some(PasswordMode::Forgotten),
        (KeyCode::F(4), _) | (KeyCode::Char('r'), true) => Some(PasswordMode::Reset),
        _ => None,
    };
    if let Some(mode) = pick {
        if mode != pane.mode {
            pane.form.clear_secrets();
            pane.mode = mode;
            pane.form = password_form(mode);
        }
        return Vec::new();
    }
    let form = &mut pane.form;
    match form.handle_key(key) {
        FormOutcome::Cancel => {
            // Esc leaves the pane's fields (they are always in typing mode) for the orders.
            form.clear_secrets();
            pane.form = password_form(pane.mode);
            ctx.go_to = Some(Pane::Orders);
            Vec::new()
        }
        FormOutcome::Submit if !form.submitting => submit(pane, ctx),
        _ => Vec::new(),
    }
}

fn submit(pane: &mut PasswordPane, ctx: &Ctx) -> Vec<Effect> {
    let mode = pane.mode;
    let feature = mode.feature();
    if !ctx.supports(feature) {
        let text = format!("{} is not available on this shop", feature.describe());
        pane.form.message = Some(ctx.with_lacking_reason(feature, &text));
        return Vec::new();
    }
    let form = &mut pane.form;
    let mut errors = Vec::new();
    let effect = match mode {
        PasswordMode::Forgotten => {
            let email = form.text("email").trim().to_owned();
            if !validate::is_plausible_email(&email) {
                errors.push(FieldError {
                    field: "email".into(),
                    message: "is not an e-mail address".into(),
                });
            }
            Effect::RequestReset(email)
        }
        PasswordMode::Change | PasswordMode::Reset => {
            use secrecy::ExposeSecret;
            let new = form
                .field("new_password")
                .map(Field::secret_value)
                .unwrap_or_else(|| SecretString::from(""));
            let confirm = form
                .field("confirm_password")
                .map(Field::secret_value)
                .unwrap_or_else(|| SecretString::from(""));
            errors.extend(validate::new_password(new.expose_secret()));
            if new.expose_secret() != confirm.expose_secret() {
                errors.push(FieldError {
                    field: "confirm_password".into(),
                    message: "does not match the new password".into(),
                });
            }
            if mode == PasswordMode::Change {
                let current = form
                    .field("current_password")
                    .map(Field::secret_value)
                    .unwrap_or_else(|| SecretString::from(""));
                if current.expose_secret().is_empty() {
                    errors.push(FieldError {
                        field: "current_password".into(),
                        message: "is required".into(),
                    });
                }
                Effect::ChangePassword { current, new }
            } else {
                let key = reset_key_from(form.text("key"));
                if key.is_empty() {
                    errors.push(FieldError {
                        field: "key".into(),
                        message: "paste the link or key from the e-mail".into(),
                    });
                }
                Effect::ResetPassword {
                    key: SecretString::from(key),
                    new,
                }
            }
        }
    };
    if !form.begin_submit(&errors, "Sending…") {
        return Vec::new();
    }
    vec![effect]
}

/// The shop's answer to a sent form: success wipes what was typed; refused fields are marked.
/// Nothing follows from it (no effects).
pub fn answered(
    pane: &mut PasswordPane,
    ctx: &mut Ctx,
    result: Result<String, ShopError>,
) -> Vec<Effect> {
    let form = &mut pane.form;
    form.submitting = false;
    match result {
        Ok(message) => {
            let message = clean(&message);
            // Success: wipe everything typed; the fresh form shows the shop's answer.
            pane.form = password_form(pane.mode);
            pane.form.message = Some(message.clone());
            ctx.toast(ToastKind::Info, message);
        }
        Err(ShopError::Validation { message, fields }) => {
            let fields: Vec<FieldError> = fields
                .into_iter()
                .map(|f| {
                    let field = if f.field == "current_password"
                        || f.field == "new_password"
                        || f.field == "key"
                    {
                        f.field
                    } else {
                        f.field.replace("password", "new_password")
                    };
                    FieldError {
                        field,
                        message: f.message,
                    }
                })
                .collect();
            form.show_errors(&fields);
            form.message = Some(clean(&message));
        }
        Err(error) => {
            form.message = Some(failure_text(&error));
            ctx.toast(ToastKind::Error, failure_text(&error));
        }
    }
    Vec::new()
}

/// The form a row of the table's `PickPasswordForm` picks (by its first key: F2, F3, F4).
pub fn mode_of(binding: &Binding) -> PasswordMode {
    match binding.keys.first().map(|k| k.code) {
        Some(KeyCode::F(2)) => PasswordMode::Change,
        Some(KeyCode::F(3)) => PasswordMode::Forgotten,
        _ => PasswordMode::Reset,
    }
}

/// The forms in the order the mode strip shows them.
const MODES: [(&str, PasswordMode); 3] = [
    ("Change", PasswordMode::Change),
    ("Forgotten", PasswordMode::Forgotten),
    ("Reset with key", PasswordMode::Reset),
];

pub fn view(frame: &mut Frame, area: Rect, pane: &PasswordPane, look: &ViewCtx) {
    let theme = look.theme;
    let caps = &look.ctx.capabilities;
    // Only the forms this shop takes are offered; with none, there is no strip of keys at all.
    // Each form's key as the user has it (a rebinding shows here too).
    let key_of = |mode: PasswordMode| {
        bindings(Context::Password)
            .filter(|b| b.command == Command::PickPasswordForm && look.keys.bound(b))
            .find(|b| mode_of(b) == mode)
            .map(|b| look.keys.label(b))
    };
    let offered: Vec<_> = MODES
        .iter()
        .filter(|(_, mode)| caps.supports(mode.feature()))
        .filter_map(|(label, mode)| key_of(*mode).map(|key| (key, *label, *mode)))
        .collect();
    let strip_height = u16::from(!offered.is_empty());
    let [modes, form_area] =
        Layout::vertical([Constraint::Length(strip_height), Constraint::Min(1)]).areas(area);
    let spans: Vec<Span> = offered
        .iter()
        .flat_map(|(key, label, mode)| {
            let style = if pane.mode == *mode {
                theme.active_tab()
            } else {
                theme.text()
            };
            [
                Span::styled(key.clone(), theme.key()),
                Span::styled(format!(" {label} "), style),
                Span::raw("  "),
            ]
        })
        .collect();
    frame.render_widget(Paragraph::new(Line::from(spans)), modes);
    let feature = pane.mode.feature();
    // A form the shop cannot take is not offered: its fields would only fail once filled in.
    if !caps.supports(feature) {
        unavailable(frame, form_area, look, feature);
        return;
    }
    let form = &pane.form;
    render_form(
        frame,
        form_area,
        form,
        look,
        Context::Password,
        FORM_COMMANDS,
    );
    if pane.mode != PasswordMode::Forgotten {
        let length = form.field("new_password").map_or(0, |f| f.secret_len());
        // Variety is not computed here: the secret is not read while drawing.
        let hint = password_strength(length, 1);
        if !hint.is_empty() {
            let y = form_area.y + 1 + form.fields.len() as u16 + 3;
            if y < form_area.bottom() {
                let line = Line::styled(format!("  new password: {hint}"), theme.dim());
                frame.render_widget(
                    Paragraph::new(line),
                    Rect {
                        y,
                        height: 1,
                        ..form_area.inner(ratatui::layout::Margin::new(1, 0))
                    },
                );
            }
        }
    }
}
