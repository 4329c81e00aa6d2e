//! The TUI's state: plain data, one field a pane plus what they share (`Ctx`), the overlays
//! (sign-in, help) and the terminal's size. It is changed only by `app::update`.

use super::ctx::Ctx;
use super::panes::account::AccountPane;
use super::panes::addresses::AddressesPane;
use super::panes::orders::OrdersPane;
use super::panes::password::PasswordPane;
use super::panes::reorder::ReorderPane;
use super::panes::signin::SignInView;
use super::tabs::Pane;
use crate::shop::Capabilities;

/// Columns staff mode's header keeps beside the tabs (and the space before it): "staff · " and
/// eight of the customer's name, so at 80 columns the tabs keep their names.
const STAFF_HEADER_ROOM: usize = 17;

#[derive(Debug)]
pub struct State {
    /// Shown in the status bar: the shop's host and platform.
    pub shop_label: String,
    pub ctx: Ctx,
    pub pane: Pane,
    pub account_pane: AccountPane,
    pub addresses: AddressesPane,
    pub orders: OrdersPane,
    pub password: PasswordPane,
    pub reorder: ReorderPane,
    pub help: bool,
    /// First line of the help overlay shown (it scrolls on small terminals).
    pub help_scroll: u16,
    pub quit: bool,
    /// Animation frame counter for spinners.
    pub tick: u64,
    /// The terminal's size (columns, rows), for the mouse's layout.
    pub size: (u16, u16),
    pub theme: super::theme::Theme,
    /// The user's `[keys]` over the command table.
    pub keys: super::keys::KeyMap,
    pub signin: Option<SignInView>,
    /// Whether a sign-in can be offered (not for API-credential profiles).
    pub can_sign_in: bool,
    /// Password platforms: the login field's label; the sign-in screen then shows a form
    /// instead of the browser sign-in.
    pub password_login: Option<&'static str>,
    /// What the sign-in screen says under the form (the demo shop's accounts): kept for every
    /// sign-in screen of this run, the one after a sign-out included.
    pub signin_hint: Vec<String>,
    /// Staff mode (Shoptet): the customer search and the customer chosen; None for customers.
    pub staff: Option<super::panes::staff::StaffPane>,
}

impl State {
    pub fn new(shop_label: String, capabilities: Capabilities) -> State {
        State {
            shop_label,
            ctx: Ctx::new(capabilities),
            pane: Pane::Orders,
            account_pane: AccountPane::default(),
            addresses: AddressesPane::default(),
            orders: OrdersPane::default(),
            password: PasswordPane::default(),
            reorder: ReorderPane::default(),
            help: false,
            help_scroll: 0,
            quit: false,
            tick: 0,
            size: (80, 24),
            theme: super::theme::Theme::from_env(),
            keys: super::keys::KeyMap::default(),
            signin: None,
            can_sign_in: false,
            password_login: None,
            signin_hint: Vec::new(),
            staff: None,
        }
    }

    /// A state that starts on the sign-in screen (no stored tokens); `password_login` as in
    /// [`State::password_login`].
    pub fn signed_out(
        shop_label: String,
        capabilities: Capabilities,
        hint: Vec<String>,
        password_login: Option<&'static str>,
    ) -> State {
        let mut state = State::new(shop_label, capabilities);
        state.can_sign_in = true;
        state.password_login = password_login;
        state.signin_hint = hint;
        state.signin = Some(state.new_sign_in_view());
        state
    }

    /// An empty sign-in screen for this profile: the form on password platforms, prefilled with
    /// the e-mail of the account that was signed in.
    pub fn new_sign_in_view(&self) -> SignInView {
        SignInView {
            hint: self.signin_hint.clone(),
            ..SignInView::new(self.password_login, self.ctx.known_login.as_deref())
        }
    }

    /// The pane on screen: none while the sign-in screen or staff mode's customer search covers
    /// them (no tab is lit then).
    pub fn shown_pane(&self) -> Option<Pane> {
        (self.signin.is_none() && !self.searching_customers()).then_some(self.pane)
    }

    /// True while some request is in flight (the status bar shows a spinner).
    pub fn busy(&self) -> bool {
        self.signin.as_ref().is_some_and(SignInView::busy)
            || self.ctx.account.is_loading()
            || self.addresses.busy()
            || self.orders.busy()
            || self.account_pane.busy()
            || self.password.form.submitting
            || self.reorder.busy.is_some()
            || self.staff.as_ref().is_some_and(|s| s.busy())
    }

    /// The width the tabs are laid out in: staff mode keeps room beside them for its header, so
    /// the tabs go compact sooner (drawing and the mouse both ask here). For a customer the room
    /// is what a recognisable header needs, not all of it: the header shortens itself
    /// (`header_within`) and the tabs keep their names wherever those fit beside that. The
    /// customer search covers the panes (their tabs do nothing there): its header is whole.
    pub fn tabs_width(&self, width: u16) -> u16 {
        match &self.staff {
            Some(staff) => {
                let header = unicode_width::UnicodeWidthStr::width(staff.header().as_str());
                let room = if self.searching_customers() {
                    header + 2
                } else {
                    (header + 2).min(STAFF_HEADER_ROOM)
                };
                width.saturating_sub(u16::try_from(room).unwrap_or(u16::MAX))
            }
            None => width,
        }
    }

    /// Staff mode with no customer chosen: the customer search has the screen.
    pub fn searching_customers(&self) -> bool {
        self.staff.as_ref().is_some_and(|s| s.chosen.is_none())
    }
}
