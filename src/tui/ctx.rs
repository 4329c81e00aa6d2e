//! What a pane sees and may change beyond its own state: the shop's capabilities, the toasts, who
//! is signed in, and a request to move to another pane. Panes get a `&mut Ctx` in their update
//! and a [`ViewCtx`] to draw with, so none of them needs the whole `State`.

use super::feedback::{ToastKind, Toasts, push_toast};
use super::keys::KeyMap;
use super::loadable::Loadable;
use super::tabs::Pane;
use super::theme::Theme;
use crate::model::{Account, CustomerId};
use crate::shop::{Capabilities, Feature};

#[derive(Debug)]
pub struct Ctx {
    pub capabilities: Capabilities,
    pub toasts: Toasts,
    /// The signed-in customer's account as loaded (the status bar and the Account pane show it).
    pub account: Loadable<Account>,
    /// Who the shown data belongs to; every pane's data is dropped when it changes.
    pub customer: Option<CustomerId>,
    /// Who was signed in last (e-mail or login name), to fill in when asked to sign in again.
    pub known_login: Option<String>,
    /// Set by a pane that hands over to another one (Esc from a pane whose fields take every
    /// key); the app switches after the pane's update.
    pub go_to: Option<Pane>,
    /// Staff mode: the customer the staff member works for, as confirmations name them.
    pub acting_for: Option<String>,
    /// Why the connection lacks a feature, where more can be said than "not on this shop"
    /// (staff mode: what the staff API cannot do for a customer).
    pub lacking_because: Option<fn(Feature) -> Option<&'static str>>,
}

impl Ctx {
    pub fn new(capabilities: Capabilities) -> Ctx {
        Ctx {
            capabilities,
            toasts: Toasts::new(),
            account: Loadable::Idle,
            customer: None,
            known_login: None,
            go_to: None,
            acting_for: None,
            lacking_because: None,
        }
    }

    pub fn supports(&self, feature: Feature) -> bool {
        self.capabilities.supports(feature)
    }

    /// Why `feature` is missing, when the connection can say.
    pub fn lacking_reason(&self, feature: Feature) -> Option<&'static str> {
        self.lacking_because.and_then(|why| why(feature))
    }

    /// `text` (the pane's words for a missing feature) with the reason, when there is one.
    pub fn with_lacking_reason(&self, feature: Feature, text: &str) -> String {
        match self.lacking_reason(feature) {
            Some(reason) => format!("{text}: {reason}"),
            None => text.to_owned(),
        }
    }

    /// Shows a short message in the corner.
    pub fn toast(&mut self, kind: ToastKind, text: impl Into<String>) {
        push_toast(&mut self.toasts, kind, text);
    }
}

/// What a pane's view draws with besides its own state.
#[derive(Clone, Copy)]
pub struct ViewCtx<'a> {
    pub ctx: &'a Ctx,
    pub theme: &'a Theme,
    /// Animation frame counter for spinners.
    pub tick: u64,
    /// The shop's host and platform.
    pub shop_label: &'a str,
    /// The user's keys: texts in a pane that name a key name the user's binding.
    pub keys: &'a KeyMap,
}
