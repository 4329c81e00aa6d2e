//! How outcomes are told to the user: toasts in the corner, and the wording of a failed request
//! (kept in one place so every pane says "your input is kept" the same way).

use super::form::Form;
use crate::sanitize::clean;
use crate::shop::ShopError;
use std::collections::VecDeque;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Info,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub kind: ToastKind,
    pub text: String,
    /// Ticks left until it disappears.
    pub ttl: u16,
}

/// The toasts shown, oldest first.
pub type Toasts = VecDeque<Toast>;

/// How many toasts are shown at once; older ones make room.
const MOST_TOASTS: usize = 3;
/// Ticks a toast stays.
const TOAST_TICKS: u16 = 40;

/// Adds a toast (its text cleaned), dropping the oldest beyond [`MOST_TOASTS`].
pub fn push_toast(toasts: &mut Toasts, kind: ToastKind, text: impl Into<String>) {
    toasts.push_back(Toast {
        kind,
        text: clean(&text.into()),
        ttl: TOAST_TICKS,
    });
    while toasts.len() > MOST_TOASTS {
        toasts.pop_front();
    }
}

/// What to tell the user when a request failed (forms always keep their content).
pub fn failure_text(error: &ShopError) -> String {
    match error {
        ShopError::SessionExpired => {
            "Your session has expired. Sign in again (your input is kept).".to_owned()
        }
        ShopError::NotSignedIn => {
            "You are not signed in. Sign in again (your input is kept).".to_owned()
        }
        other => other.to_string(),
    }
}

/// A failed save: the shop's field errors go beside their fields; any other failure becomes the
/// form's message, and the returned text is for a toast. The form keeps everything typed.
pub fn save_failed(form: &mut Form, error: ShopError) -> Option<String> {
    match error {
        ShopError::Validation { message, fields } => {
            form.show_errors(&fields);
            form.message = Some(clean(&message));
            None
        }
        error => {
            let text = failure_text(&error);
            form.message = Some(text.clone());
            Some(format!("Not saved: {text}"))
        }
    }
}
