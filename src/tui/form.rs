//! Form fields and forms: text fields edited with `tui-input`, password fields kept in zeroizing
//! memory and never shown, per-field error messages from local validation or from the shop.

use crate::shop::FieldError;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use secrecy::SecretString;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;
use zeroize::Zeroizing;

/// What a field holds.
#[derive(Debug, Clone)]
pub enum FieldValue {
    Text(Input),
    /// A password: masked on screen, wiped from memory when replaced or dropped.
    Secret(Zeroizing<String>),
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The name the shop uses in its field errors (`first_name`, …).
    pub name: &'static str,
    pub label: &'static str,
    pub value: FieldValue,
    pub error: Option<String>,
}

impl Field {
    pub fn text(name: &'static str, label: &'static str, value: &str) -> Field {
        Field {
            name,
            label,
            value: FieldValue::Text(Input::new(value.to_owned())),
            error: None,
        }
    }

    pub fn secret(name: &'static str, label: &'static str) -> Field {
        Field {
            name,
            label,
            value: FieldValue::Secret(Zeroizing::new(String::new())),
            error: None,
        }
    }

    /// The text of a plain field (empty for a password field).
    pub fn text_value(&self) -> &str {
        match &self.value {
            FieldValue::Text(input) => input.value(),
            FieldValue::Secret(_) => "",
        }
    }

    /// `None` for an empty (or all-space) text field.
    pub fn optional_text(&self) -> Option<String> {
        let value = self.text_value().trim();
        (!value.is_empty()).then(|| value.to_owned())
    }

    /// A copy of a password field's value, as a secret; the field keeps its own.
    pub fn secret_value(&self) -> SecretString {
        match &self.value {
            FieldValue::Secret(secret) => SecretString::from(secret.as_str().to_owned()),
            FieldValue::Text(input) => SecretString::from(input.value().to_owned()),
        }
    }

    /// How many characters a password field holds (shown as that many bullets).
    pub fn secret_len(&self) -> usize {
        match &self.value {
            FieldValue::Secret(secret) => secret.chars().count(),
            FieldValue::Text(_) => 0,
        }
    }

    pub fn is_secret(&self) -> bool {
        matches!(self.value, FieldValue::Secret(_))
    }

    /// Applies an edit key; returns false when the key is not an edit.
    fn edit(&mut self, key: KeyEvent) -> bool {
        match &mut self.value {
            FieldValue::Text(input) => input.handle_event(&Event::Key(key)).is_some(),
            FieldValue::Secret(secret) => match key.code {
                KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    secret.clear();
                    true
                }
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                    secret.push(c);
                    true
                }
                KeyCode::Backspace => {
                    secret.pop();
                    true
                }
                _ => false,
            },
        }
    }

    /// Inserts pasted text at the cursor (a password field appends it). A paste is one line:
    /// line breaks and other control characters are dropped, so a password manager's trailing
    /// newline does not end up in the password.
    pub fn paste(&mut self, text: &str) {
        match &mut self.value {
            FieldValue::Text(input) => paste_into(input, text),
            FieldValue::Secret(secret) => secret.extend(one_line(text)),
        }
        self.error = None;
    }

    /// Wipes the value (passwords after use).
    pub fn clear(&mut self) {
        match &mut self.value {
            FieldValue::Text(input) => input.reset(),
            // Zeroizing wipes the old buffer when it is replaced.
            FieldValue::Secret(secret) => *secret = Zeroizing::new(String::new()),
        }
    }
}

/// A key typed into a one-line input (the order search, a product lookup, a quantity, the
/// address the browser ended on).
pub fn type_into(input: &mut Input, key: KeyEvent) {
    input.handle_event(&Event::Key(key));
}

/// Inserts pasted characters into a one-line input at its cursor.
pub fn paste_into(input: &mut Input, text: &str) {
    for c in one_line(text) {
        input.handle(tui_input::InputRequest::InsertChar(c));
    }
}

/// Pasted text for a one-line field: the line break a copied line or a password manager ends
/// with goes, and the breaks inside become one space each ("Flat 2\nHigh St" reads as two
/// words, not "Flat 2High St"); other control characters go.
pub fn one_line(text: &str) -> impl Iterator<Item = char> + '_ {
    let text = text.trim_end_matches(['\r', '\n']);
    let mut after_break = false;
    text.chars().filter_map(move |c| match c {
        '\r' | '\n' if after_break => None,
        '\r' | '\n' => {
            after_break = true;
            Some(' ')
        }
        c if c.is_control() => None,
        c => {
            after_break = false;
            Some(c)
        }
    })
}

/// What a key did to an edit form whose content is saved as a draft.
#[derive(Debug)]
pub enum EditOutcome<D> {
    /// Esc: the form is to close, nothing saved.
    Cancelled,
    /// Enter, and the draft passed the checks: send it (the form now says it is saving).
    Save(D),
    /// Anything else (typing, moving, a refused draft with its fields marked).
    Stay,
}

/// A key in an edit form: Esc cancels; Enter takes the draft from the form, checks it here (the
/// errors go beside their fields) and hands it back to be saved when it passes.
pub fn edit_key<D>(
    form: &mut Form,
    key: KeyEvent,
    draft_of: impl Fn(&Form) -> D,
    check: impl Fn(&D) -> Vec<FieldError>,
) -> EditOutcome<D> {
    match form.handle_key(key) {
        FormOutcome::Cancel => EditOutcome::Cancelled,
        FormOutcome::Submit if !form.submitting => {
            let draft = draft_of(form);
            if form.begin_submit(&check(&draft), "Saving…") {
                EditOutcome::Save(draft)
            } else {
                EditOutcome::Stay
            }
        }
        _ => EditOutcome::Stay,
    }
}

/// What a key did to a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormOutcome {
    /// The key was used (edit or focus move).
    Edited,
    Submit,
    Cancel,
    /// The key means nothing to the form.
    Ignored,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub title: &'static str,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// A message about the whole form (the shop's answer, or "saving…").
    pub message: Option<String>,
    /// A request with this form's content is in flight; edits are still allowed, a second submit is not.
    pub submitting: bool,
}

impl Form {
    pub fn new(title: &'static str, fields: Vec<Field>) -> Form {
        Form {
            title,
            fields,
            focus: 0,
            message: None,
            submitting: false,
        }
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn field_mut(&mut self, name: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.name == name)
    }

    /// The text of the named field ("" if there is none).
    pub fn text(&self, name: &str) -> &str {
        self.field(name).map(Field::text_value).unwrap_or("")
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> FormOutcome {
        match key.code {
            KeyCode::Esc => FormOutcome::Cancel,
            KeyCode::Enter => FormOutcome::Submit,
            KeyCode::Char('s') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                FormOutcome::Submit
            }
            KeyCode::Tab | KeyCode::Down => {
                self.focus = (self.focus + 1) % self.fields.len().max(1);
                FormOutcome::Edited
            }
            KeyCode::BackTab | KeyCode::Up => {
                let n = self.fields.len().max(1);
                self.focus = (self.focus + n - 1) % n;
                FormOutcome::Edited
            }
            _ => {
                let Some(field) = self.fields.get_mut(self.focus) else {
                    return FormOutcome::Ignored;
                };
                if field.edit(key) {
                    // The user is fixing this field: its old message no longer applies.
                    field.error = None;
                    FormOutcome::Edited
                } else {
                    FormOutcome::Ignored
                }
            }
        }
    }

    /// Shows these errors beside their fields (and focuses the first); errors for fields this
    /// form does not have go to the form's message. Returns true if there were any.
    pub fn show_errors(&mut self, errors: &[FieldError]) -> bool {
        for field in &mut self.fields {
            field.error = None;
        }
        let mut unplaced = Vec::new();
        let mut first = None;
        for error in errors {
            match self.fields.iter().position(|f| f.name == error.field) {
                Some(index) => {
                    first.get_or_insert(index);
                    let field = &mut self.fields[index];
                    field.error = Some(crate::sanitize::excerpt(
                        &error.message,
                        crate::sanitize::FIELD_ERROR_CHARS,
                    ));
                }
                None => unplaced.push(format!("{}: {}", error.field, error.message)),
            }
        }
        if let Some(index) = first {
            self.focus = index;
        }
        if !unplaced.is_empty() {
            self.message = Some(crate::sanitize::excerpt(
                &unplaced.join("; "),
                crate::sanitize::FORM_MESSAGE_CHARS,
            ));
        }
        !errors.is_empty()
    }

    /// Before sending: shows `errors` (from local validation) beside their fields and answers
    /// false when there are any; otherwise marks the form as sending, with `busy` as its message.
    pub fn begin_submit(&mut self, errors: &[FieldError], busy: &str) -> bool {
        if self.show_errors(errors) {
            self.message = Some("Please correct the marked fields".to_owned());
            return false;
        }
        self.submitting = true;
        self.message = Some(busy.to_owned());
        true
    }

    /// Pasted text goes into the focused field.
    pub fn paste(&mut self, text: &str) {
        if let Some(field) = self.fields.get_mut(self.focus) {
            field.paste(text);
        }
    }

    /// Wipes every password field.
    pub fn clear_secrets(&mut self) {
        for field in self.fields.iter_mut().filter(|f| f.is_secret()) {
            field.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn typing_edits_the_focused_field_and_tab_moves_focus() {
        let mut form = Form::new(
            "t",
            vec![Field::text("a", "A", "x"), Field::secret("p", "P")],
        );
        form.handle_key(key(KeyCode::Char('y')));
        assert_eq!(form.text("a"), "xy");
        assert_eq!(form.handle_key(key(KeyCode::Tab)), FormOutcome::Edited);
        for c in "hunter22".chars() {
            form.handle_key(key(KeyCode::Char(c)));
        }
        form.handle_key(key(KeyCode::Backspace));
        assert_eq!(form.fields[1].secret_len(), 7);
        assert_eq!(form.text("p"), "", "a password is never read as text");
        form.clear_secrets();
        assert_eq!(form.fields[1].secret_len(), 0);
        assert_eq!(form.handle_key(key(KeyCode::Enter)), FormOutcome::Submit);
        assert_eq!(form.handle_key(key(KeyCode::Esc)), FormOutcome::Cancel);
    }

    #[test]
    fn a_pasted_line_break_becomes_a_space_and_a_trailing_one_goes() {
        let mut form = Form::new(
            "t",
            vec![Field::text("a", "A", ""), Field::secret("p", "P")],
        );
        form.fields[0].paste("Flat 2\r\nHigh St\n\nLeeds\n");
        assert_eq!(form.text("a"), "Flat 2 High St Leeds");
        form.fields[1].paste("hunter22\n");
        assert_eq!(
            form.fields[1].secret_len(),
            8,
            "the password manager's newline went"
        );
    }

    #[test]
    fn errors_land_beside_their_fields_and_clear_when_edited() {
        let mut form = Form::new(
            "t",
            vec![Field::text("a", "A", ""), Field::text("b", "B", "")],
        );
        let errors = [
            FieldError {
                field: "b".into(),
                message: "is required".into(),
            },
            FieldError {
                field: "zzz".into(),
                message: "odd\u{1b}[2J".into(),
            },
        ];
        assert!(form.show_errors(&errors));
        assert_eq!(form.focus, 1);
        assert_eq!(form.fields[1].error.as_deref(), Some("is required"));
        assert_eq!(form.message.as_deref(), Some("zzz: odd"));
        form.handle_key(key(KeyCode::Char('q')));
        assert_eq!(form.fields[1].error, None);
    }
}
