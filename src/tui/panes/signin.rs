//! The sign-in screen: shown at start without tokens, and over the user's place when the session
//! expired (the place and any drafts stay underneath). Browser platforms start the sign-in and
//! wait for it (with the address to open or copy, and a field to paste the address the browser
//! ended on); password platforms show a login and password form, and where the platform has a
//! sign-up, a form for a new account (Alt-n) that signs the new customer in.

use crate::sanitize::clean;
use crate::shop::FieldError;
use crate::tui::ctx::{Ctx, ViewCtx};
use crate::tui::form::{Field, Form, FormOutcome, paste_into, type_into};
use crate::tui::messages::Effect;
use crate::tui::table::{Command, Context};
use crate::tui::widgets::{SPINNER, block, form_rows, render_form};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use secrecy::SecretString;

#[derive(Debug, Default)]
pub struct SignInView {
    /// The authorization URL, once the sign-in has started (shown, openable, copyable).
    pub url: Option<String>,
    /// A sign-in is waiting for the browser.
    pub waiting: bool,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// Why the screen is shown (e.g. "Your session has expired").
    pub reason: Option<String>,
    /// Lines to show the user, such as the demo shop's accounts.
    pub hint: Vec<String>,
    /// The final redirect URL being pasted (browser on another machine).
    pub paste: Option<tui_input::Input>,
    /// Password platforms: the login and password form (instead of the browser).
    pub form: Option<Form>,
    /// Why the browser did not open for this sign-in (the address is then the way in).
    pub browser_problem: Option<String>,
    /// The sign-up form, over the sign-in form (Esc goes back to it).
    pub signup: Option<Form>,
}

impl SignInView {
    /// An empty sign-in screen: the form on password platforms (`password_login` is the login
    /// field's label), prefilled with the login of the account that was signed in.
    pub fn new(password_login: Option<&'static str>, known_login: Option<&str>) -> SignInView {
        SignInView {
            form: password_login
                .map(|label| password_sign_in_form(label, known_login.unwrap_or(""))),
            ..SignInView::default()
        }
    }

    /// Waiting for the browser or for the shop's answer to the form.
    pub fn busy(&self) -> bool {
        self.waiting
            || self.form.as_ref().is_some_and(|f| f.submitting)
            || self.signup.as_ref().is_some_and(|f| f.submitting)
    }
}

/// A new account's form: what every sign-up platform takes, the phone where the account keeps
/// one (AbanteCart requires it and says so in its answer), the salutation where the platform
/// requires one (Spryker).
fn sign_up_form(email: &str, capabilities: &crate::shop::Capabilities) -> Form {
    use crate::shop::Feature;
    let mut fields = vec![
        Field::text("email", "E-mail", email),
        Field::text("first_name", "First name", ""),
        Field::text("last_name", "Last name", ""),
    ];
    if capabilities.supports(Feature::AccountPhone) {
        fields.push(Field::text("phone", "Phone", ""));
    }
    if capabilities.supports(Feature::Salutation) {
        fields.push(Field::text("salutation", "Mr, Mrs or Ms", ""));
    }
    fields.push(Field::secret("password", "Password"));
    Form::new("A new account", fields)
}

/// Alt-n on the sign-in form: the sign-up form, with the e-mail typed so far.
pub fn open_sign_up(view: &mut SignInView, capabilities: &crate::shop::Capabilities) {
    let email = view
        .form
        .as_ref()
        .map(|f| f.text("login").trim().to_owned())
        .unwrap_or_default();
    view.signup = Some(sign_up_form(&email, capabilities));
}

/// The sign-up form's keys: checked here (the required fields), then sent; Esc back.
fn sign_up_key(view: &mut SignInView, ctx: &mut Ctx, key: KeyEvent) -> Vec<Effect> {
    let Some(form) = view.signup.as_mut() else {
        return Vec::new();
    };
    match form.handle_key(key) {
        FormOutcome::Submit if !form.submitting => {
            let required = |name: &str| FieldError {
                field: name.into(),
                message: "required".into(),
            };
            let mut errors: Vec<FieldError> = ["email", "first_name", "last_name"]
                .into_iter()
                .filter(|name| form.text(name).trim().is_empty())
                .map(required)
                .collect();
            let password = form
                .field("password")
                .map(Field::secret_value)
                .unwrap_or_else(|| SecretString::from(""));
            if secrecy::ExposeSecret::expose_secret(&password).is_empty() {
                errors.push(required("password"));
            }
            if !form.begin_submit(&errors, "Creating the account…") {
                return Vec::new();
            }
            let email = form.text("email").trim().to_owned();
            ctx.known_login = Some(email.clone());
            vec![Effect::SignUp(crate::shop::NewAccount {
                email,
                first_name: form.text("first_name").trim().to_owned(),
                last_name: form.text("last_name").trim().to_owned(),
                phone: form.field("phone").and_then(Field::optional_text),
                password,
                salutation: form.field("salutation").and_then(Field::optional_text),
            })]
        }
        FormOutcome::Cancel if !form.submitting => {
            view.signup = None;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The account exists but the sign-in after it failed: the sign-in form again with the new
/// e-mail filled in (another sign-up would only find the e-mail taken), saying why.
pub fn signed_up_not_signed_in(view: &mut SignInView, error: &str) {
    let email = view
        .signup
        .take()
        .map(|form| form.text("email").trim().to_owned())
        .unwrap_or_default();
    if let Some(form) = view.form.as_mut() {
        if let Some(login) = form.field_mut("login") {
            login.clear();
            login.paste(&email);
        }
        form.focus = 1;
        form.submitting = false;
        form.message = Some(clean(&format!(
            "The account was created, but the sign-in failed: {error}. Sign in with it here."
        )));
    }
}

/// The shop refused the sign-up, or it failed: the fields it names are marked beside them,
/// everything typed stays (the password too: a network error is retried with one key).
pub fn sign_up_failed(view: &mut SignInView, fields: &[FieldError], message: &str) {
    if let Some(form) = view.signup.as_mut() {
        form.submitting = false;
        form.show_errors(fields);
        form.message = Some(crate::sanitize::excerpt(
            message,
            crate::sanitize::FORM_MESSAGE_CHARS,
        ));
    }
}

/// The sign-in form of a password platform; `login` prefilled (the e-mail of an expired session).
fn password_sign_in_form(login_label: &'static str, login: &str) -> Form {
    let mut form = Form::new(
        "Your account",
        vec![
            Field::text("login", login_label, login),
            Field::secret("password", "Password"),
        ],
    );
    if !login.is_empty() {
        form.focus = 1;
    }
    form
}

/// A key the command table let through to the sign-in screen.
pub fn update(view: &mut SignInView, ctx: &mut Ctx, key: KeyEvent) -> Vec<Effect> {
    if view.signup.is_some() {
        return sign_up_key(view, ctx, key);
    }
    if let Some(form) = view.form.as_mut() {
        return form_key(form, ctx, key);
    }
    if let Some(input) = view.paste.as_mut() {
        match key.code {
            KeyCode::Esc => view.paste = None,
            KeyCode::Enter => {
                let text = input.value().trim().to_owned();
                view.paste = None;
                view.error = None;
                if !text.is_empty() {
                    return vec![Effect::PasteRedirect(text)];
                }
            }
            _ => type_into(input, key),
        }
        return Vec::new();
    }
    match key.code {
        KeyCode::Enter if !view.waiting => {
            view.waiting = true;
            view.error = None;
            view.url = None;
            view.browser_problem = None;
            vec![Effect::StartSignIn]
        }
        KeyCode::Esc if view.waiting => vec![Effect::CancelSignIn],
        KeyCode::Char('o') => view.url.clone().map(Effect::OpenUrl).into_iter().collect(),
        KeyCode::Char('y') => view.url.clone().map(Effect::Copy).into_iter().collect(),
        KeyCode::Char('p') if view.waiting => {
            view.paste = Some(tui_input::Input::default());
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The password platforms' form: checked here, then sent.
fn form_key(form: &mut Form, ctx: &mut Ctx, key: KeyEvent) -> Vec<Effect> {
    match form.handle_key(key) {
        FormOutcome::Submit if !form.submitting => {
            let login = form.text("login").trim().to_owned();
            let password = form
                .field("password")
                .map(Field::secret_value)
                .unwrap_or_else(|| SecretString::from(""));
            let mut errors = Vec::new();
            if login.is_empty() {
                errors.push(FieldError {
                    field: "login".into(),
                    message: "required".into(),
                });
            }
            if secrecy::ExposeSecret::expose_secret(&password).is_empty() {
                errors.push(FieldError {
                    field: "password".into(),
                    message: "required".into(),
                });
            }
            if !form.begin_submit(&errors, "Signing in…") {
                return Vec::new();
            }
            ctx.known_login = Some(login.clone());
            vec![Effect::PasswordSignIn { login, password }]
        }
        // Esc leaves the form as it is: there is nothing behind it to go back to.
        FormOutcome::Cancel => {
            form.message = Some("Ctrl-C quits".into());
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Bracketed paste: into the redirect address field, or the form's focused field.
pub fn on_paste(view: &mut SignInView, text: &str) {
    if let Some(input) = view.paste.as_mut() {
        paste_into(input, text.trim());
    } else if let Some(form) = view.signup.as_mut() {
        form.paste(text);
    } else if let Some(form) = view.form.as_mut() {
        form.paste(text);
    }
}

/// The browser sign-in has started: this is the page to open.
pub fn url_ready(view: &mut SignInView, url: &str) {
    view.url = Some(clean(url));
}

/// How opening the browser went: a failure is kept on screen beside the address, so nobody waits
/// for a browser that never came up (an SSH host without one, a broken `$BROWSER`).
pub fn browser_launched(view: &mut SignInView, launched: Result<String, String>) {
    view.browser_problem = launched.err().map(|problem| clean(&problem));
}

/// The sign-in failed (not a refused password): say why; everything typed stays, so a retry
/// after a network error is one key.
pub fn failed(view: &mut SignInView, error: &str) {
    view.waiting = false;
    view.paste = None;
    match view.form.as_mut() {
        Some(form) => {
            form.submitting = false;
            form.message = Some(clean(error));
        }
        None => view.error = Some(clean(error)),
    }
}

/// The password was wrong (or the login): ask for it again, keep the login.
pub fn refused(view: &mut SignInView, error: &str) {
    if let Some(form) = view.form.as_mut() {
        form.submitting = false;
        form.message = None;
        if let Some(field) = form.field_mut("password") {
            field.clear();
        }
        form.show_errors(&[FieldError {
            field: "password".into(),
            message: clean(error),
        }]);
    }
}

/// The pasted address was not the browser's redirect: the field stays open to try again.
pub fn paste_rejected(view: &mut SignInView, error: &str) {
    view.error = Some(clean(error));
    view.paste.get_or_insert_with(tui_input::Input::default);
}

/// The sign-in screen of a password platform: why it is shown, the form, the demo's accounts.
fn render_password_signin(
    frame: &mut Frame,
    area: Rect,
    view: &SignInView,
    form: &Form,
    look: &ViewCtx,
) {
    let theme = look.theme;
    let outer = block(" Sign in ", look.theme);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let mut top = vec![Line::styled(
        format!("Sign in to {}", look.shop_label),
        theme.title(),
    )];
    if let Some(reason) = &view.reason {
        top.push(Line::styled(reason.as_str(), theme.warn()));
    }
    let (form, context, form_commands) = match &view.signup {
        Some(signup) => {
            top.push(Line::styled(
                "Creating an account accepts the shop's terms for customer accounts.",
                theme.dim(),
            ));
            (
                signup,
                Context::SignUpForm,
                vec![
                    Command::SubmitField,
                    Command::CancelField,
                    Command::NextField,
                ],
            )
        }
        None => {
            let mut commands = vec![Command::SubmitField, Command::NextField];
            // Offered only where it works (the key line lists what the table has).
            if look.ctx.supports(crate::shop::Feature::SignUp) {
                commands.push(Command::OpenSignUp);
            }
            commands.push(Command::Quit);
            (form, Context::SignInForm, commands)
        }
    };
    let form_height = form_rows(form, look, context, &form_commands, inner.width);
    let [top_area, form_area, hint_area] = Layout::vertical([
        Constraint::Length(top.len() as u16 + 1),
        Constraint::Length(form_height),
        Constraint::Min(0),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(top).wrap(Wrap { trim: false }), top_area);
    render_form(frame, form_area, form, look, context, &form_commands);
    let hints: Vec<Line> = view
        .hint
        .iter()
        .map(|h| Line::styled(h.as_str(), theme.dim()))
        .collect();
    frame.render_widget(Paragraph::new(hints).wrap(Wrap { trim: false }), hint_area);
}

pub fn view(frame: &mut Frame, area: Rect, view: &SignInView, look: &ViewCtx) {
    let theme = look.theme;
    frame.render_widget(Clear, area);
    if let Some(form) = &view.form {
        render_password_signin(frame, area, view, form, look);
        return;
    }
    let mut lines = vec![
        Line::styled("Sign in with your browser", theme.title()),
        Line::raw(""),
    ];
    if let Some(reason) = &view.reason {
        lines.push(Line::styled(reason.as_str(), theme.warn()));
        lines.push(Line::raw(""));
    }
    // The keys as the user has them (a rebinding shows here too).
    let key = |command| Span::styled(look.keys.label_of(Context::SignIn, command), theme.key());
    if view.waiting {
        let spinner = SPINNER[(look.tick % SPINNER.len() as u64) as usize];
        match &view.url {
            Some(url) => {
                match &view.browser_problem {
                    Some(problem) => {
                        lines.push(Line::styled(
                            format!("The browser did not open: {problem}."),
                            theme.error(),
                        ));
                        lines.push(Line::raw(format!(
                            "{spinner} Waiting for the sign-in; open this address on any device:"
                        )));
                    }
                    None => lines.push(Line::raw(format!(
                        "{spinner} Waiting for the browser. If it did not open, open this address:"
                    ))),
                }
                lines.push(Line::raw(""));
                lines.push(Line::styled(url.as_str(), theme.key()));
                lines.push(Line::raw(""));
                lines.push(Line::from(vec![
                    key(Command::OpenSignInPage),
                    Span::raw(" open again   "),
                    key(Command::CopySignInAddress),
                    Span::raw(" copy the address   "),
                    key(Command::PasteRedirect),
                    Span::raw(
                        " paste the address the browser ended on (browser on another machine)   ",
                    ),
                    key(Command::CancelSignIn),
                    Span::raw(" cancel"),
                ]));
            }
            None => lines.push(Line::raw(format!(
                "{spinner} Contacting the shop's sign-in server…"
            ))),
        }
    } else {
        lines.push(Line::from(vec![
            key(Command::SignInWithBrowser),
            Span::raw(" sign in with your browser   "),
            Span::styled(
                look.keys.label_of(Context::Global, Command::Quit),
                theme.key(),
            ),
            Span::raw(" quit"),
        ]));
    }
    if let Some(input) = &view.paste {
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled("Paste the address: ", theme.key()),
            Span::raw(input.value()),
            Span::styled("▏", theme.key()),
        ]));
    }
    if let Some(error) = &view.error {
        lines.push(Line::raw(""));
        lines.push(Line::styled(error.as_str(), theme.error()));
    }
    if !view.hint.is_empty() {
        lines.push(Line::raw(""));
        lines.extend(
            view.hint
                .iter()
                .map(|h| Line::styled(h.as_str(), theme.dim())),
        );
    }
    let paragraph = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(block(" Sign in ", look.theme));
    frame.render_widget(paragraph, area);
}
