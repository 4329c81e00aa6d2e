//! The TUI's state and its one update function. `update` is pure: it changes the state and
//! returns the effects to run (network calls, opening a browser, copying); it never awaits and
//! never draws. Effects report back as `Action`s. Everything here is unit-tested without a
//! terminal or a network.

use super::commands::{self, Command, Context};
use super::form::{Field, Form, FormOutcome};
use crate::model::*;
use crate::sanitize::{Sanitize, clean};
use crate::shop::{Capabilities, Feature, FieldError, ShopError};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent};
use secrecy::SecretString;
use std::collections::VecDeque;

/// Orders fetched per page while scrolling.
pub const ORDERS_PAGE: u32 = 100;
/// Start fetching the next page when the selection comes this close to the end of what is loaded.
const PREFETCH_MARGIN: usize = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Account,
    Addresses,
    Orders,
    Password,
    Reorder,
}

impl Pane {
    pub const ALL: [Pane; 5] = [
        Pane::Account,
        Pane::Addresses,
        Pane::Orders,
        Pane::Password,
        Pane::Reorder,
    ];

    pub fn title(&self) -> &'static str {
        match self {
            Pane::Account => "Account",
            Pane::Addresses => "Addresses",
            Pane::Orders => "Orders",
            Pane::Password => "Password",
            Pane::Reorder => "Reorder",
        }
    }

    fn index(&self) -> usize {
        Pane::ALL.iter().position(|p| p == self).unwrap_or(0)
    }
}

/// Something that loads: not asked yet, in flight, here, or failed (with the message shown).
#[derive(Debug, Clone, PartialEq)]
pub enum Loadable<T> {
    Idle,
    Loading,
    Ready(T),
    Failed(String),
}

impl<T> Loadable<T> {
    pub fn ready(&self) -> Option<&T> {
        match self {
            Loadable::Ready(value) => Some(value),
            _ => None,
        }
    }

    pub fn is_loading(&self) -> bool {
        matches!(self, Loadable::Loading)
    }
}

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

/// The account pane: the account as loaded, and the edit form while editing.
#[derive(Debug, Default)]
pub struct AccountPane {
    pub form: Option<Form>,
}

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
}

#[derive(Debug)]
pub struct OrdersPane {
    /// Every order loaded so far, newest first; pages are appended as the user scrolls. Kept as
    /// compact rows (see `order_rows`): 100,000 orders stay a few megabytes.
    pub items: super::order_rows::OrderRows,
    pub total: Option<u64>,
    pub has_more: bool,
    pub loading: bool,
    pub error: Option<String>,
    pub selected: usize,
    pub filter: OrderFilter,
    /// The search being typed (`/`), applied on Enter.
    pub search_input: Option<tui_input::Input>,
    /// Bumped whenever the filter changes, so late answers for an old filter are dropped.
    pub generation: u64,
    pub detail: Option<OrderDetailView>,
    /// The first row shown; kept so the selection stays visible without jumping.
    pub offset: usize,
}

#[derive(Debug)]
pub struct OrderDetailView {
    pub number: OrderNumber,
    pub detail: Loadable<OrderDetail>,
    /// The shipment `o` and `y` act on.
    pub shipment: usize,
    pub scroll: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordMode {
    Change,
    Forgotten,
    Reset,
}

#[derive(Debug)]
pub struct PasswordPane {
    pub mode: PasswordMode,
    pub form: Form,
}

/// The sign-in screen: shown at start without tokens, and over the user's place when the session
/// expired (the place and any drafts stay underneath).
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

#[derive(Debug)]
pub struct State {
    /// Shown in the status bar: the shop's host and platform.
    pub shop_label: String,
    pub capabilities: Capabilities,
    pub pane: Pane,
    pub account: Loadable<Account>,
    pub account_pane: AccountPane,
    pub addresses: AddressesPane,
    pub orders: OrdersPane,
    pub password: PasswordPane,
    pub toasts: VecDeque<Toast>,
    pub help: bool,
    /// First line of the help overlay shown (it scrolls on small terminals).
    pub help_scroll: u16,
    pub quit: bool,
    /// Animation frame counter for spinners.
    pub tick: u64,
    /// Rows of the order table that fit on screen (from the terminal height).
    pub orders_viewport: usize,
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
    /// Who was signed in last (e-mail or login name), to fill in when asked to sign in again.
    pub known_login: Option<String>,
    pub reorder: super::reorder_pane::ReorderPane,
    /// Who the shown data belongs to; every pane's data is dropped when it changes.
    pub customer: Option<CustomerId>,
}

/// Everything that can happen to the TUI.
// Each action is moved once through a channel; boxing the big results would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Action {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    Tick,
    AccountLoaded(Result<Account, ShopError>),
    AccountSaved(Result<Account, ShopError>),
    AddressesLoaded(Result<Vec<Address>, ShopError>),
    AddressSaved(Result<Address, ShopError>),
    AddressDeleted(AddressId, Result<(), ShopError>),
    DefaultAddressSet(Result<Vec<Address>, ShopError>),
    OrdersLoaded {
        generation: u64,
        offset: u64,
        result: Result<Page<OrderSummary>, ShopError>,
    },
    OrderLoaded(OrderNumber, Result<OrderDetail, ShopError>),
    PasswordChanged(Result<(), ShopError>),
    ResetRequested(Result<String, ShopError>),
    PasswordReset(Result<(), ShopError>),
    /// An effect that runs outside the shop (browser, clipboard) finished.
    Done(Result<String, String>),
    /// The browser sign-in has started; this is the page to open.
    SignInUrl(String),
    SignInFinished(Result<Account, String>),
    /// A password sign-in was refused: the login or password is wrong.
    SignInRefused(String),
    /// The pasted redirect address was not one (the paste field stays open to retry).
    PasteRejected(String),
    /// Signed out; a note when the shop did not confirm the revocation.
    SignedOut(Result<Option<String>, String>),
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    DraftResolved(Result<crate::reorder::Draft, ShopError>),
    DraftSent(String, Result<PlacedOrder, ShopError>),
    ProductsFound(Result<Vec<Product>, ShopError>),
    /// The newest saved draft of this customer, if any.
    DraftRestored(CustomerId, Option<crate::reorder::Draft>),
}

/// Work for the effects runner.
#[derive(Debug)]
pub enum Effect {
    LoadAccount,
    SaveAccount(AccountDraft),
    LoadAddresses,
    CreateAddress(PostalAddress),
    UpdateAddress(AddressId, PostalAddress),
    DeleteAddress(AddressId),
    SetDefaultAddress(AddressId, AddressRole),
    LoadOrders {
        generation: u64,
        request: PageRequest,
    },
    LoadOrder(OrderNumber),
    ChangePassword {
        current: SecretString,
        new: SecretString,
    },
    RequestReset(String),
    ResetPassword {
        key: SecretString,
        new: SecretString,
    },
    OpenUrl(String),
    Copy(String),
    StartSignIn,
    /// Sign in to a password platform with what the form holds.
    PasswordSignIn {
        login: String,
        password: SecretString,
    },
    CancelSignIn,
    PasteRedirect(String),
    SignOut,
    /// Look up every line of a draft (current price and stock).
    ResolveDraft(crate::reorder::Draft),
    SendDraft(crate::reorder::Draft),
    /// Keep the draft on disk until it is sent or discarded.
    SaveDraft(crate::reorder::Draft),
    DeleteDraft {
        key: String,
        customer: Option<CustomerId>,
    },
    /// Bring back the newest unsent draft of this customer (from an earlier run).
    RestoreDraft(CustomerId),
    LookupProducts(ProductQuery),
}

impl State {
    pub fn new(shop_label: String, capabilities: Capabilities) -> State {
        State {
            shop_label,
            capabilities,
            pane: Pane::Orders,
            account: Loadable::Idle,
            account_pane: AccountPane::default(),
            addresses: AddressesPane {
                list: Loadable::Idle,
                selected: 0,
                form: None,
                confirm_delete: None,
            },
            orders: OrdersPane {
                items: Default::default(),
                total: None,
                has_more: true,
                loading: false,
                error: None,
                selected: 0,
                filter: OrderFilter::default(),
                search_input: None,
                generation: 0,
                detail: None,
                offset: 0,
            },
            password: PasswordPane {
                mode: PasswordMode::Change,
                form: password_form(PasswordMode::Change),
            },
            toasts: VecDeque::new(),
            help: false,
            help_scroll: 0,
            quit: false,
            tick: 0,
            orders_viewport: super::layout::order_rows(80, 24),
            size: (80, 24),
            theme: super::theme::Theme::from_env(),
            keys: super::keys::KeyMap::default(),
            signin: None,
            can_sign_in: false,
            password_login: None,
            known_login: None,
            reorder: Default::default(),
            customer: None,
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
        state.signin = Some(SignInView {
            hint,
            ..state.new_sign_in_view()
        });
        state
    }

    /// An empty sign-in screen for this profile: the form on password platforms, prefilled with
    /// the e-mail of the account that was signed in.
    fn new_sign_in_view(&self) -> SignInView {
        SignInView {
            form: self.password_login.map(|label| {
                password_sign_in_form(label, self.known_login.as_deref().unwrap_or(""))
            }),
            ..SignInView::default()
        }
    }

    /// The effects to run at start: the account for the status bar and the first pane's data.
    pub fn start(&mut self) -> Vec<Effect> {
        if self.signin.is_some() {
            return Vec::new();
        }
        self.account = Loadable::Loading;
        let mut effects = vec![Effect::LoadAccount];
        effects.extend(self.enter_pane(self.pane));
        effects
    }

    /// True while some request is in flight (the status bar shows a spinner).
    pub fn busy(&self) -> bool {
        self.signin
            .as_ref()
            .is_some_and(|s| s.waiting || s.form.as_ref().is_some_and(|f| f.submitting))
            || self.account.is_loading()
            || self.addresses.list.is_loading()
            || self.orders.loading
            || self
                .account_pane
                .form
                .as_ref()
                .is_some_and(|f| f.submitting)
            || self
                .addresses
                .form
                .as_ref()
                .is_some_and(|(_, f)| f.submitting)
            || self.password.form.submitting
            || self.reorder.busy.is_some()
            || self
                .orders
                .detail
                .as_ref()
                .is_some_and(|d| d.detail.is_loading())
    }

    /// Whether keys go to a text field (then letters are text, not commands).
    pub fn typing(&self) -> bool {
        commands::context(self).typing()
    }

    /// Shows a short message in the corner.
    pub fn toasts_push(&mut self, kind: ToastKind, text: impl Into<String>) {
        self.toast(kind, text);
    }

    /// Starts the order history again from the top (after placing an order).
    pub fn reload_orders(&mut self) -> Vec<Effect> {
        self.restart_orders()
    }

    /// Esc in a pane whose fields always take the keys: go back to the order history.
    pub fn leave_typing_pane(&mut self) -> Vec<Effect> {
        self.enter_pane(Pane::Orders)
    }

    fn toast(&mut self, kind: ToastKind, text: impl Into<String>) {
        self.toasts.push_back(Toast {
            kind,
            text: clean(&text.into()),
            ttl: 40,
        });
        while self.toasts.len() > 3 {
            self.toasts.pop_front();
        }
    }

    /// Drops everything shown of the signed-in customer: account, addresses, orders, forms and
    /// the reorder draft (which stays saved under that customer). Late answers for them are
    /// dropped too (the order generation moves on).
    fn forget_customer(&mut self) {
        let generation = self.orders.generation + 1;
        let fresh = State::new(String::new(), Capabilities::default());
        self.account = Loadable::Idle;
        self.account_pane = fresh.account_pane;
        self.addresses = fresh.addresses;
        self.orders = fresh.orders;
        self.orders.generation = generation;
        self.password = fresh.password;
        self.reorder = fresh.reorder;
        self.customer = None;
        self.help = false;
    }

    /// The account answer names who is signed in: another customer than the one shown means
    /// nothing shown is theirs. The first time a customer is known, their saved draft comes back.
    fn signed_in_as(&mut self, account: &Account) -> Vec<Effect> {
        if self.customer.as_ref() == Some(&account.id) {
            return Vec::new();
        }
        if self.customer.is_some() {
            let pane = self.pane;
            self.forget_customer();
            self.pane = pane;
        }
        self.customer = Some(account.id.clone());
        if self.capabilities.supports(Feature::PlaceOrder) && self.reorder.draft.is_none() {
            vec![Effect::RestoreDraft(account.id.clone())]
        } else {
            Vec::new()
        }
    }

    /// Switches to a pane (and loads what it shows), as its digit key does.
    pub fn go_to(&mut self, pane: Pane) -> Vec<Effect> {
        self.enter_pane(pane)
    }

    fn enter_pane(&mut self, pane: Pane) -> Vec<Effect> {
        self.pane = pane;
        self.help = false;
        match pane {
            Pane::Addresses if matches!(self.addresses.list, Loadable::Idle) => {
                if !self.capabilities.supports(Feature::Addresses) {
                    return Vec::new();
                }
                self.addresses.list = Loadable::Loading;
                vec![Effect::LoadAddresses]
            }
            Pane::Orders
                if self.orders.items.is_empty()
                    && !self.orders.loading
                    && self.orders.error.is_none() =>
            {
                if !self.capabilities.supports(Feature::OrderHistory) {
                    return Vec::new();
                }
                self.load_more_orders()
            }
            _ => Vec::new(),
        }
    }

    fn load_more_orders(&mut self) -> Vec<Effect> {
        if self.orders.loading || !self.orders.has_more {
            return Vec::new();
        }
        self.orders.loading = true;
        self.orders.error = None;
        vec![Effect::LoadOrders {
            generation: self.orders.generation,
            request: PageRequest {
                offset: self.orders.items.len() as u64,
                limit: ORDERS_PAGE,
                filter: self.orders.filter.clone(),
            },
        }]
    }

    /// Scrolls the order table just enough to show the selection.
    pub fn keep_selection_visible(&mut self) {
        let rows = self.orders_viewport.max(1);
        let orders = &mut self.orders;
        if orders.selected < orders.offset {
            orders.offset = orders.selected;
        } else if orders.selected >= orders.offset + rows {
            orders.offset = orders.selected + 1 - rows;
        }
    }

    /// Drops what is loaded and starts again with the current filter.
    fn restart_orders(&mut self) -> Vec<Effect> {
        self.orders.generation += 1;
        self.orders.items.clear();
        self.orders.total = None;
        self.orders.has_more = true;
        self.orders.loading = false;
        self.orders.error = None;
        self.orders.selected = 0;
        self.orders.offset = 0;
        self.load_more_orders()
    }
}

/// The account form; fields the shop does not keep are left out (it would refuse them).
fn account_form(account: &Account, capabilities: &Capabilities) -> Form {
    let mut fields = vec![
        Field::text("first_name", "First name", &account.first_name),
        Field::text("last_name", "Last name", &account.last_name),
        Field::text("email", "E-mail", &account.email),
    ];
    if capabilities.supports(Feature::AccountPhoneAndCompany) {
        fields.push(Field::text(
            "phone",
            "Phone",
            account.phone.as_deref().unwrap_or(""),
        ));
        fields.push(Field::text(
            "company",
            "Company",
            account.company.as_deref().unwrap_or(""),
        ));
    }
    Form::new("Edit account", fields)
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

fn password_form(mode: PasswordMode) -> Form {
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

fn account_draft(form: &Form) -> AccountDraft {
    AccountDraft {
        first_name: form.text("first_name").trim().to_owned(),
        last_name: form.text("last_name").trim().to_owned(),
        email: form.text("email").trim().to_owned(),
        phone: form.field("phone").and_then(Field::optional_text),
        company: form.field("company").and_then(Field::optional_text),
    }
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

/// What to tell the user when a request failed, and whether the form keeps its content (always).
fn failure_text(error: &ShopError) -> String {
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

/// The error of a finished request, if it says the user must sign in (again).
fn auth_failure(action: &Action) -> Option<&ShopError> {
    let error = match action {
        Action::AccountLoaded(Err(e))
        | Action::AccountSaved(Err(e))
        | Action::AddressesLoaded(Err(e))
        | Action::AddressSaved(Err(e))
        | Action::AddressDeleted(_, Err(e))
        | Action::DefaultAddressSet(Err(e))
        | Action::OrdersLoaded { result: Err(e), .. }
        | Action::OrderLoaded(_, Err(e))
        | Action::PasswordChanged(Err(e))
        | Action::DraftResolved(Err(e))
        | Action::DraftSent(_, Err(e))
        | Action::ProductsFound(Err(e)) => e,
        _ => return None,
    };
    matches!(error, ShopError::NotSignedIn | ShopError::SessionExpired).then_some(error)
}

/// Opens the sign-in screen over the current place.
fn ask_to_sign_in(state: &mut State, reason: &str) {
    if !state.can_sign_in {
        return;
    }
    if state.signin.is_none() {
        state.signin = Some(state.new_sign_in_view());
    }
    if let Some(view) = state.signin.as_mut()
        && !view.waiting
    {
        view.reason = Some(reason.to_owned());
    }
}

/// After a sign-in: reload what is shown and what failed; forms keep their drafts.
fn after_sign_in(state: &mut State, account: Account) -> Vec<Effect> {
    state.signin = None;
    state.known_login = Some(account.email.clone());
    let mut effects = state.signed_in_as(&account);
    state.account = Loadable::Ready(account.sanitized());
    if matches!(state.addresses.list, Loadable::Failed(_))
        || (state.pane == Pane::Addresses && matches!(state.addresses.list, Loadable::Idle))
    {
        state.addresses.list = Loadable::Loading;
        effects.push(Effect::LoadAddresses);
    }
    if state.orders.error.is_some() || state.orders.items.is_empty() {
        state.orders.error = None;
        effects.extend(state.load_more_orders());
    }
    if let Some(view) = state
        .orders
        .detail
        .as_mut()
        .filter(|v| matches!(v.detail, Loadable::Failed(_)))
    {
        view.detail = Loadable::Loading;
        effects.push(Effect::LoadOrder(view.number.clone()));
    }
    for form in [
        state.account_pane.form.as_mut(),
        state.addresses.form.as_mut().map(|(_, f)| f),
    ]
    .into_iter()
    .flatten()
    {
        if form.message.is_some() && !form.submitting {
            form.message = Some("Signed in again: press Enter to send your changes".to_owned());
        }
    }
    state.toast(ToastKind::Info, "Signed in");
    effects
}

/// A failed save: the shop's field errors go beside their fields; any other failure becomes the
/// form's message, and the returned text is for a toast. The form keeps everything typed.
fn save_failed(form: &mut Form, error: ShopError) -> Option<String> {
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

/// Applies an action; returns the effects to run.
#[expect(clippy::too_many_lines, reason = "split by branch panes")]
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    if let Some(error) = auth_failure(&action) {
        let reason = match error {
            ShopError::SessionExpired => {
                "Your session has expired. Sign in again; your place and drafts are kept."
            }
            _ => "You are signed out. Sign in again; your place and drafts are kept.",
        };
        ask_to_sign_in(state, reason);
    }
    match action {
        Action::Key(key) if key.kind != KeyEventKind::Release => on_key(state, key),
        Action::Key(_) => Vec::new(),
        Action::Resize(width, height) => {
            state.size = (width, height);
            state.orders_viewport = super::layout::order_rows(width, height);
            state.keep_selection_visible();
            Vec::new()
        }
        Action::Mouse(mouse) => super::mouse::on_mouse(state, mouse),
        Action::Tick => {
            state.tick = state.tick.wrapping_add(1);
            for toast in &mut state.toasts {
                toast.ttl = toast.ttl.saturating_sub(1);
            }
            state.toasts.retain(|t| t.ttl > 0);
            Vec::new()
        }
        Action::AccountLoaded(result) => match result {
            Ok(account) => {
                state.known_login = Some(account.email.clone());
                let mut effects = state.signed_in_as(&account);
                state.account = Loadable::Ready(account.sanitized());
                if state.orders.items.is_empty() && state.pane == Pane::Orders {
                    effects.extend(state.enter_pane(Pane::Orders));
                }
                effects
            }
            Err(error) => {
                state.account = Loadable::Failed(failure_text(&error));
                Vec::new()
            }
        },
        Action::AccountSaved(result) => {
            let Some(form) = state.account_pane.form.as_mut() else {
                return Vec::new();
            };
            form.submitting = false;
            match result {
                Ok(account) => {
                    state.account = Loadable::Ready(account.sanitized());
                    state.account_pane.form = None;
                    state.toast(ToastKind::Info, "Account saved");
                }
                Err(error) => {
                    if let Some(text) = save_failed(form, error) {
                        state.toast(ToastKind::Error, text);
                    }
                }
            }
            Vec::new()
        }
        Action::AddressesLoaded(result) => {
            state.addresses.list = match result {
                Ok(list) => Loadable::Ready(list.sanitized()),
                Err(error) => Loadable::Failed(failure_text(&error)),
            };
            let len = state.addresses.list.ready().map_or(0, Vec::len);
            state.addresses.selected = state.addresses.selected.min(len.saturating_sub(1));
            Vec::new()
        }
        Action::AddressSaved(result) => {
            let Some((edit, form)) = state.addresses.form.as_mut() else {
                return Vec::new();
            };
            form.submitting = false;
            match result {
                Ok(address) => {
                    let address = address.sanitized();
                    if let Loadable::Ready(list) = &mut state.addresses.list {
                        match *edit {
                            AddressEdit::Existing(index) if index < list.len() => {
                                list[index] = address
                            }
                            _ => {
                                list.push(address);
                                state.addresses.selected = list.len() - 1;
                            }
                        }
                    }
                    state.addresses.form = None;
                    state.toast(ToastKind::Info, "Address saved");
                }
                Err(error) => {
                    if let Some(text) = save_failed(form, error) {
                        state.toast(ToastKind::Error, text);
                    }
                }
            }
            Vec::new()
        }
        Action::AddressDeleted(id, result) => {
            match result {
                Ok(()) => {
                    if let Loadable::Ready(list) = &mut state.addresses.list {
                        list.retain(|a| a.id != id);
                        state.addresses.selected =
                            state.addresses.selected.min(list.len().saturating_sub(1));
                    }
                    state.toast(ToastKind::Info, "Address deleted");
                }
                Err(error) => state.toast(
                    ToastKind::Error,
                    format!("Not deleted: {}", failure_text(&error)),
                ),
            }
            Vec::new()
        }
        Action::DefaultAddressSet(result) => {
            match result {
                Ok(list) => {
                    state.addresses.list = Loadable::Ready(list.sanitized());
                    state.toast(ToastKind::Info, "Default address changed");
                }
                Err(error) => state.toast(
                    ToastKind::Error,
                    format!("Not changed: {}", failure_text(&error)),
                ),
            }
            Vec::new()
        }
        Action::OrdersLoaded {
            generation,
            offset,
            result,
        } => {
            if generation != state.orders.generation || offset != state.orders.items.len() as u64 {
                return Vec::new(); // an answer for a filter or position that is gone
            }
            state.orders.loading = false;
            match result {
                Ok(page) => {
                    let page = page.sanitized();
                    state.orders.total = page.total;
                    state.orders.has_more = page.has_more && !page.items.is_empty();
                    state.orders.items.extend(page.items);
                    // The user may already have scrolled to the end of what just came.
                    if state.orders.selected + PREFETCH_MARGIN >= state.orders.items.len() {
                        return state.load_more_orders();
                    }
                }
                Err(error) => state.orders.error = Some(failure_text(&error)),
            }
            Vec::new()
        }
        Action::OrderLoaded(number, result) => {
            if let Some(view) = state.orders.detail.as_mut().filter(|v| v.number == number) {
                view.detail = match result {
                    Ok(detail) => Loadable::Ready(detail.sanitized()),
                    Err(error) => Loadable::Failed(failure_text(&error)),
                };
            }
            Vec::new()
        }
        Action::PasswordChanged(result) => {
            password_answer(state, result.map(|()| "Password changed".to_owned()))
        }
        Action::ResetRequested(result) => password_answer(state, result),
        Action::PasswordReset(result) => password_answer(
            state,
            result.map(|()| "Password reset; sign in with the new one".to_owned()),
        ),
        Action::SignInUrl(url) => {
            if let Some(view) = state.signin.as_mut() {
                view.url = Some(clean(&url));
            }
            Vec::new()
        }
        Action::SignInFinished(Ok(account)) => after_sign_in(state, account),
        Action::SignInFinished(Err(error)) => {
            if let Some(view) = state.signin.as_mut() {
                view.waiting = false;
                view.paste = None;
                match view.form.as_mut() {
                    // Everything typed stays, so a retry after a network error is one key.
                    Some(form) => {
                        form.submitting = false;
                        form.message = Some(clean(&error));
                    }
                    None => view.error = Some(clean(&error)),
                }
            }
            Vec::new()
        }
        Action::SignInRefused(error) => {
            if let Some(form) = state.signin.as_mut().and_then(|v| v.form.as_mut()) {
                form.submitting = false;
                form.message = None;
                // The password was wrong (or the login): ask for it again, keep the login.
                if let Some(field) = form.field_mut("password") {
                    field.clear();
                }
                form.show_errors(&[FieldError {
                    field: "password".into(),
                    message: clean(&error),
                }]);
            }
            Vec::new()
        }
        Action::SignedOut(result) => {
            // Nothing of this customer stays on screen for whoever signs in next.
            state.forget_customer();
            if state.signin.is_none() {
                state.signin = Some(state.new_sign_in_view());
            }
            let Some(view) = state.signin.as_mut() else {
                return Vec::new();
            };
            view.waiting = false;
            view.reason = Some(match result {
                Ok(None) => {
                    "Signed out. The tokens were revoked at the shop and deleted here.".to_owned()
                }
                Ok(Some(note)) => format!("Signed out. Note: {}", clean(&note)),
                Err(error) => format!("Signed out here, but: {}", clean(&error)),
            });
            Vec::new()
        }
        Action::Paste(text) => {
            on_paste(state, &text);
            Vec::new()
        }
        Action::DraftResolved(result) => super::reorder_pane::draft_resolved(state, result),
        Action::DraftSent(key, result) => super::reorder_pane::draft_sent(state, key, result),
        Action::ProductsFound(result) => super::reorder_pane::products_found(state, result),
        Action::DraftRestored(customer, draft) => {
            super::reorder_pane::draft_restored(state, customer, draft)
        }
        Action::PasteRejected(error) => {
            if let Some(view) = state.signin.as_mut() {
                view.error = Some(clean(&error));
                view.paste.get_or_insert_with(tui_input::Input::default);
            }
            Vec::new()
        }
        Action::Done(Ok(text)) => {
            state.toast(ToastKind::Info, text);
            Vec::new()
        }
        Action::Done(Err(text)) => {
            state.toast(ToastKind::Error, text);
            Vec::new()
        }
    }
}

/// Bracketed paste goes to whatever text field has the keys, masked ones included.
fn on_paste(state: &mut State, text: &str) {
    use super::form::paste_into;
    if let Some(view) = state.signin.as_mut() {
        if let Some(input) = view.paste.as_mut() {
            paste_into(input, text.trim().chars());
        } else if let Some(form) = view.form.as_mut() {
            form.paste(text);
        }
        return;
    }
    match state.pane {
        Pane::Account => {
            if let Some(form) = state.account_pane.form.as_mut() {
                form.paste(text);
            }
        }
        Pane::Addresses => {
            if let Some((_, form)) = state.addresses.form.as_mut() {
                form.paste(text);
            }
        }
        Pane::Orders => {
            if let Some(input) = state.orders.search_input.as_mut() {
                paste_into(input, text.chars());
            }
        }
        Pane::Password if commands::context(state) == Context::Password => {
            state.password.form.paste(text)
        }
        Pane::Password => {}
        Pane::Reorder => super::reorder_pane::on_paste(state, text),
    }
}

fn password_answer(state: &mut State, result: Result<String, ShopError>) -> Vec<Effect> {
    let form = &mut state.password.form;
    form.submitting = false;
    match result {
        Ok(message) => {
            let message = clean(&message);
            // Success: wipe everything typed; the fresh form shows the shop's answer.
            state.password.form = password_form(state.password.mode);
            state.password.form.message = Some(message.clone());
            state.toast(ToastKind::Info, message);
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
            state.toast(ToastKind::Error, failure_text(&error));
        }
    }
    Vec::new()
}

fn is_ctrl(key: &KeyEvent, c: char) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char(c)
}

/// Every key goes through the user's key map to the command table (see `table_key`).
fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if is_ctrl(&key, 'c') {
        state.quit = true;
        return Vec::new();
    }
    match state.keys.resolve(commands::context(state), key) {
        super::keys::Resolved::Key(key) => table_key(state, key),
        super::keys::Resolved::Replaced => Vec::new(),
    }
}

/// A key as the table names it (the mouse sends these): a listed key that cannot work now says
/// why; a key the table does not list is text in a field, or nothing.
pub(super) fn table_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let context = commands::context(state);
    match commands::lookup(state, &key) {
        Some((_, commands::Availability::Unavailable(why))) => {
            state.toast(ToastKind::Error, why);
            Vec::new()
        }
        Some((binding, _)) => run_command(state, binding.command, key),
        None if context == Context::Help => {
            // Any other key closes the help; it does nothing else.
            state.help = false;
            Vec::new()
        }
        None if context.typing() => pane_key(state, key),
        None => Vec::new(),
    }
}

fn run_command(state: &mut State, command: Command, key: KeyEvent) -> Vec<Effect> {
    match command {
        Command::Quit => {
            state.quit = true;
            Vec::new()
        }
        Command::Help => {
            state.help = true;
            state.help_scroll = 0;
            Vec::new()
        }
        Command::CloseHelp => {
            state.help = false;
            Vec::new()
        }
        Command::ScrollHelp => {
            state.help_scroll = match key.code {
                KeyCode::Down | KeyCode::Char('j') => state.help_scroll.saturating_add(1),
                KeyCode::Up | KeyCode::Char('k') => state.help_scroll.saturating_sub(1),
                KeyCode::PageDown => state.help_scroll.saturating_add(10),
                _ => state.help_scroll.saturating_sub(10),
            };
            Vec::new()
        }
        Command::GoToPane => match key.code {
            KeyCode::Char(c @ '1'..='5') => state.enter_pane(Pane::ALL[c as usize - '1' as usize]),
            _ => Vec::new(),
        },
        Command::NextPane => {
            let next = Pane::ALL[(state.pane.index() + 1) % Pane::ALL.len()];
            state.enter_pane(next)
        }
        Command::PreviousPane => {
            let next = Pane::ALL[(state.pane.index() + Pane::ALL.len() - 1) % Pane::ALL.len()];
            state.enter_pane(next)
        }
        // A pane the shop does not offer: Esc backs out to the order history.
        Command::Back if commands::context(state) == Context::Unavailable => {
            state.enter_pane(Pane::Orders)
        }
        _ => pane_key(state, key),
    }
}

/// The pane's own handling of a key the table let through.
fn pane_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if state.signin.is_some() {
        return signin_key(state, key);
    }
    match state.pane {
        Pane::Account => account_key(state, key),
        Pane::Addresses => addresses_key(state, key),
        Pane::Orders => orders_key(state, key),
        Pane::Password => password_key(state, key),
        Pane::Reorder => super::reorder_pane::on_key(state, key),
    }
}

fn signin_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(view) = state.signin.as_mut() else {
        return Vec::new();
    };
    if let Some(form) = view.form.as_mut() {
        return match form.handle_key(key) {
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
                state.known_login = Some(login.clone());
                vec![Effect::PasswordSignIn { login, password }]
            }
            // Esc leaves the form as it is: there is nothing behind it to go back to.
            FormOutcome::Cancel => {
                form.message = Some("Ctrl-C quits".into());
                Vec::new()
            }
            _ => Vec::new(),
        };
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
            _ => {
                use tui_input::backend::crossterm::EventHandler;
                input.handle_event(&ratatui::crossterm::event::Event::Key(key));
            }
        }
        return Vec::new();
    }
    match key.code {
        KeyCode::Enter if !view.waiting => {
            view.waiting = true;
            view.error = None;
            view.url = None;
            vec![Effect::StartSignIn]
        }
        KeyCode::Esc if view.waiting => vec![Effect::CancelSignIn],
        KeyCode::Char('o') => view.url.clone().map(Effect::OpenUrl).into_iter().collect(),
        KeyCode::Char('y') => view.url.clone().map(Effect::Copy).into_iter().collect(),
        KeyCode::Char('p') if view.waiting => {
            view.paste = Some(tui_input::Input::default());
            Vec::new()
        }
        KeyCode::Char('q') if !view.waiting => {
            state.quit = true;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn account_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if let Some(form) = state.account_pane.form.as_mut() {
        return match form.handle_key(key) {
            FormOutcome::Cancel => {
                // Cancel restores: the account as loaded stays untouched.
                state.account_pane.form = None;
                Vec::new()
            }
            FormOutcome::Submit if !form.submitting => {
                let draft = account_draft(form);
                let errors = validate::account(&draft);
                if !form.begin_submit(&errors, "Saving…") {
                    return Vec::new();
                }
                vec![Effect::SaveAccount(draft)]
            }
            _ => Vec::new(),
        };
    }
    match key.code {
        KeyCode::Char('e') | KeyCode::Enter => {
            if !state.capabilities.supports(Feature::EditAccount) {
                state.toast(
                    ToastKind::Error,
                    "Editing the account is not available on this shop",
                );
            } else if let Some(account) = state.account.ready() {
                state.account_pane.form = Some(account_form(account, &state.capabilities));
            }
            Vec::new()
        }
        KeyCode::Char('R') => {
            state.account = Loadable::Loading;
            vec![Effect::LoadAccount]
        }
        KeyCode::Char('L') if state.can_sign_in => vec![Effect::SignOut],
        _ => Vec::new(),
    }
}

fn addresses_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if let Some((edit, form)) = state.addresses.form.as_mut() {
        return match form.handle_key(key) {
            FormOutcome::Cancel => {
                state.addresses.form = None;
                Vec::new()
            }
            FormOutcome::Submit if !form.submitting => {
                let draft = address_draft(form);
                let errors = validate::address(&draft);
                if !form.begin_submit(&errors, "Saving…") {
                    return Vec::new();
                }
                let existing = match *edit {
                    AddressEdit::Existing(index) => state
                        .addresses
                        .list
                        .ready()
                        .and_then(|l| l.get(index))
                        .map(|a| a.id.clone()),
                    AddressEdit::New => None,
                };
                match existing {
                    Some(id) => vec![Effect::UpdateAddress(id, draft)],
                    None => vec![Effect::CreateAddress(draft)],
                }
            }
            _ => Vec::new(),
        };
    }
    if let Some(id) = state.addresses.confirm_delete.take() {
        return match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => vec![Effect::DeleteAddress(id)],
            _ => Vec::new(),
        };
    }
    let Loadable::Ready(list) = &state.addresses.list else {
        if key.code == KeyCode::Char('R') {
            state.addresses.list = Loadable::Loading;
            return vec![Effect::LoadAddresses];
        }
        return Vec::new();
    };
    let len = list.len();
    let selected = list.get(state.addresses.selected).cloned();
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => {
            state.addresses.selected = (state.addresses.selected + 1).min(len.saturating_sub(1));
        }
        KeyCode::Up | KeyCode::Char('k') => {
            state.addresses.selected = state.addresses.selected.saturating_sub(1)
        }
        KeyCode::Char('a') if !state.capabilities.supports(Feature::AddressBook) => {
            state.toast(
                ToastKind::Error,
                "This shop keeps one address: edit it with e",
            );
        }
        KeyCode::Char('a') => {
            state.addresses.form = Some((
                AddressEdit::New,
                address_form("New address", None, &state.capabilities),
            ))
        }
        KeyCode::Char('e') | KeyCode::Enter => {
            if let Some(address) = &selected {
                let form = address_form("Edit address", Some(&address.postal), &state.capabilities);
                state.addresses.form =
                    Some((AddressEdit::Existing(state.addresses.selected), form));
            }
        }
        KeyCode::Char('d') if !state.capabilities.supports(Feature::AddressBook) => {
            state.toast(
                ToastKind::Error,
                "This shop keeps one address: it can be changed, not deleted",
            );
        }
        KeyCode::Char('d') => {
            if let Some(address) = selected {
                state.addresses.confirm_delete = Some(address.id);
            }
        }
        KeyCode::Char('s') | KeyCode::Char('b') => {
            let role = if key.code == KeyCode::Char('s') {
                AddressRole::Shipping
            } else {
                AddressRole::Billing
            };
            if !state.capabilities.supports(Feature::DefaultAddresses) {
                state.toast(
                    ToastKind::Error,
                    "Default addresses are not available on this shop",
                );
            } else if let Some(address) = selected {
                return vec![Effect::SetDefaultAddress(address.id, role)];
            }
        }
        KeyCode::Char('R') => {
            state.addresses.list = Loadable::Loading;
            return vec![Effect::LoadAddresses];
        }
        _ => {}
    }
    Vec::new()
}

fn orders_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if let Some(input) = state.orders.search_input.as_mut() {
        match key.code {
            KeyCode::Esc => state.orders.search_input = None,
            KeyCode::Enter => {
                let text = input.value().trim().to_owned();
                state.orders.search_input = None;
                state.orders.filter.search = (!text.is_empty()).then_some(text);
                return state.restart_orders();
            }
            _ => {
                use tui_input::backend::crossterm::EventHandler;
                input.handle_event(&ratatui::crossterm::event::Event::Key(key));
            }
        }
        return Vec::new();
    }
    if let Some(view) = state.orders.detail.as_mut() {
        if matches!(
            key.code,
            KeyCode::Esc | KeyCode::Left | KeyCode::Char('h') | KeyCode::Backspace
        ) {
            state.orders.detail = None;
            return Vec::new();
        }
        if key.code == KeyCode::Char('r') {
            let detail = view.detail.ready().cloned();
            return match detail {
                Some(detail) => super::reorder_pane::reorder_from(state, &detail),
                None => Vec::new(),
            };
        }
        return detail_key(view, key, &mut state.toasts);
    }
    let len = state.orders.items.len();
    let page = state.orders_viewport.max(1);
    let before = state.orders.selected;
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => {
            state.orders.selected = (before + 1).min(len.saturating_sub(1))
        }
        KeyCode::Up | KeyCode::Char('k') => state.orders.selected = before.saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char(' ') => {
            state.orders.selected = (before + page).min(len.saturating_sub(1))
        }
        KeyCode::PageUp => state.orders.selected = before.saturating_sub(page),
        KeyCode::Home | KeyCode::Char('g') => state.orders.selected = 0,
        KeyCode::End | KeyCode::Char('G') => state.orders.selected = len.saturating_sub(1),
        KeyCode::Enter | KeyCode::Char('l') | KeyCode::Right => {
            if let Some(order) = state.orders.items.get(state.orders.selected) {
                let number = OrderNumber::from(order.number);
                state.orders.detail = Some(OrderDetailView {
                    number: number.clone(),
                    detail: Loadable::Loading,
                    shipment: 0,
                    scroll: 0,
                });
                return vec![Effect::LoadOrder(number)];
            }
        }
        KeyCode::Char('/') => {
            let current = state.orders.filter.search.clone().unwrap_or_default();
            state.orders.search_input = Some(tui_input::Input::new(current));
        }
        KeyCode::Char('f') => {
            // Cycle: all → pending → … → refunded → all.
            let statuses = &OrderStatus::ALL[..7];
            state.orders.filter.status = match state.orders.filter.status {
                None => Some(statuses[0]),
                Some(current) => statuses
                    .iter()
                    .position(|s| *s == current)
                    .and_then(|i| statuses.get(i + 1).copied()),
            };
            return state.restart_orders();
        }
        KeyCode::Esc if state.orders.filter != OrderFilter::default() => {
            state.orders.filter = OrderFilter::default();
            return state.restart_orders();
        }
        KeyCode::Char('R') => return state.restart_orders(),
        _ => {}
    }
    state.keep_selection_visible();
    if state.orders.selected + PREFETCH_MARGIN >= len {
        return state.load_more_orders();
    }
    Vec::new()
}

fn detail_key(
    view: &mut OrderDetailView,
    key: KeyEvent,
    toasts: &mut VecDeque<Toast>,
) -> Vec<Effect> {
    let shipments = view.detail.ready().map_or(0, |d| d.shipments.len());
    let current = view
        .detail
        .ready()
        .and_then(|d| d.shipments.get(view.shipment));
    let mut notice = |text: &str| {
        toasts.push_back(Toast {
            kind: ToastKind::Error,
            text: text.to_owned(),
            ttl: 40,
        })
    };
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => view.scroll = view.scroll.saturating_add(1),
        KeyCode::Up | KeyCode::Char('k') => view.scroll = view.scroll.saturating_sub(1),
        KeyCode::Char('n') | KeyCode::Char(']') if shipments > 0 => {
            view.shipment = (view.shipment + 1) % shipments
        }
        KeyCode::Char('p') | KeyCode::Char('[') if shipments > 0 => {
            view.shipment = (view.shipment + shipments - 1) % shipments
        }
        KeyCode::Char('o') => match current.and_then(|s| s.tracking_url.clone()) {
            Some(url) => return vec![Effect::OpenUrl(url)],
            None => notice("This shipment has no tracking link"),
        },
        KeyCode::Char('y') => match current.and_then(|s| s.tracking_id.clone()) {
            Some(id) => return vec![Effect::Copy(id)],
            None => notice("This shipment has no tracking number"),
        },
        _ => {}
    }
    Vec::new()
}

fn password_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    // F-keys and Alt-digits pick the form, since letters are typed into the fields.
    let pick = match (key.code, key.modifiers.contains(KeyModifiers::ALT)) {
        (KeyCode::F(2), _) | (KeyCode::Char('c'), true) => Some(PasswordMode::Change),
        (KeyCode::F(3), _) | (KeyCode::Char('f'), true) => Some(PasswordMode::Forgotten),
        (KeyCode::F(4), _) | (KeyCode::Char('r'), true) => Some(PasswordMode::Reset),
        _ => None,
    };
    if let Some(mode) = pick {
        if mode != state.password.mode {
            state.password.form.clear_secrets();
            state.password.mode = mode;
            state.password.form = password_form(mode);
        }
        return Vec::new();
    }
    let form = &mut state.password.form;
    match form.handle_key(key) {
        FormOutcome::Cancel => {
            // Esc leaves the pane's fields (they are always in typing mode) for the orders.
            form.clear_secrets();
            state.password.form = password_form(state.password.mode);
            state.enter_pane(Pane::Orders)
        }
        FormOutcome::Submit if !form.submitting => submit_password(state),
        _ => Vec::new(),
    }
}

fn submit_password(state: &mut State) -> Vec<Effect> {
    let mode = state.password.mode;
    let feature = match mode {
        PasswordMode::Change => Feature::ChangePassword,
        PasswordMode::Forgotten => Feature::ForgottenPassword,
        PasswordMode::Reset => Feature::ResetPassword,
    };
    if !state.capabilities.supports(feature) {
        state.password.form.message = Some(format!(
            "{} is not available on this shop",
            feature.describe()
        ));
        return Vec::new();
    }
    let form = &mut state.password.form;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shop::Feature;
    use secrecy::ExposeSecret;
    use time::macros::datetime;

    fn all_features() -> Capabilities {
        Capabilities::new([
            Feature::EditAccount,
            Feature::Addresses,
            Feature::AddressBook,
            Feature::DefaultAddresses,
            Feature::OrderHistory,
            Feature::OrderDetail,
            Feature::Shipments,
            Feature::ChangePassword,
            Feature::ForgottenPassword,
            Feature::ResetPassword,
            Feature::OrderSearch,
            Feature::AccountPhoneAndCompany,
            Feature::AddressRegion,
        ])
    }

    fn press(state: &mut State, code: KeyCode) -> Vec<Effect> {
        update(state, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    fn type_text(state: &mut State, text: &str) {
        for c in text.chars() {
            press(state, KeyCode::Char(c));
        }
    }

    fn account() -> Account {
        Account {
            id: CustomerId::from("7"),
            email: "ada@example.com".into(),
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            phone: None,
            company: None,
            created_at: None,
        }
    }

    fn password_platform(signed_in: bool) -> State {
        if signed_in {
            let mut state = State::new("shop · Spryker".into(), Capabilities::default());
            state.can_sign_in = true;
            state.password_login = Some("E-mail");
            state
        } else {
            State::signed_out(
                "shop · Spryker".into(),
                Capabilities::default(),
                Vec::new(),
                Some("E-mail"),
            )
        }
    }

    fn sign_in_form(state: &State) -> &Form {
        state
            .signin
            .as_ref()
            .and_then(|v| v.form.as_ref())
            .expect("the password sign-in form")
    }

    #[test]
    fn password_sign_in_checks_fields_then_sends_both() {
        let mut state = password_platform(false);
        // Nothing typed: both fields are marked, nothing is sent.
        assert!(press(&mut state, KeyCode::Enter).is_empty());
        let form = sign_in_form(&state);
        assert!(form.field("login").unwrap().error.is_some());
        assert!(form.field("password").unwrap().error.is_some());
        assert!(!form.submitting);

        type_text(&mut state, " ada@example.com ");
        press(&mut state, KeyCode::Tab);
        type_text(&mut state, "s3cret q");
        let effects = press(&mut state, KeyCode::Enter);
        match effects.as_slice() {
            [Effect::PasswordSignIn { login, password }] => {
                assert_eq!(login, "ada@example.com");
                assert_eq!(password.expose_secret(), "s3cret q");
            }
            other => panic!("expected a password sign-in, got {other:?}"),
        }
        assert!(state.busy());
        // A second Enter while the first is on its way sends nothing.
        assert!(press(&mut state, KeyCode::Enter).is_empty());
    }

    #[test]
    fn refused_password_is_asked_again_and_other_failures_keep_everything() {
        let mut state = password_platform(false);
        type_text(&mut state, "ada@example.com");
        press(&mut state, KeyCode::Tab);
        type_text(&mut state, "wrong");
        press(&mut state, KeyCode::Enter);
        update(
            &mut state,
            Action::SignInRefused("the shop did not accept this e-mail and password".into()),
        );
        let form = sign_in_form(&state);
        assert!(!form.submitting);
        assert_eq!(form.text("login"), "ada@example.com");
        assert_eq!(form.field("password").unwrap().secret_len(), 0);
        assert_eq!(form.focus, 1);
        assert!(
            form.field("password")
                .unwrap()
                .error
                .as_deref()
                .unwrap()
                .contains("did not accept")
        );

        // A network failure keeps the password too: retrying is one key.
        type_text(&mut state, "right");
        press(&mut state, KeyCode::Enter);
        update(
            &mut state,
            Action::SignInFinished(Err("could not reach the shop".into())),
        );
        let form = sign_in_form(&state);
        assert_eq!(form.field("password").unwrap().secret_len(), 5);
        assert_eq!(form.message.as_deref(), Some("could not reach the shop"));
        let effects = press(&mut state, KeyCode::Enter);
        assert!(matches!(
            effects.as_slice(),
            [Effect::PasswordSignIn { .. }]
        ));

        update(&mut state, Action::SignInFinished(Ok(account())));
        assert!(state.signin.is_none());
        assert_eq!(state.account.ready().unwrap().email, "ada@example.com");
    }

    #[test]
    fn expired_session_on_a_password_platform_asks_with_the_email_filled_in() {
        let mut state = password_platform(true);
        update(&mut state, Action::AccountLoaded(Ok(account())));
        state.pane = Pane::Account;
        // A reload is on its way (the account shown is gone) when the shop says it has expired.
        let effects = press(&mut state, KeyCode::Char('R'));
        assert!(matches!(effects.as_slice(), [Effect::LoadAccount]));
        update(
            &mut state,
            Action::AccountLoaded(Err(ShopError::SessionExpired)),
        );
        let view = state.signin.as_ref().expect("the sign-in screen");
        assert!(view.reason.as_deref().unwrap().contains("expired"));
        let form = sign_in_form(&state);
        assert_eq!(form.text("login"), "ada@example.com");
        // The cursor waits in the password field.
        assert_eq!(form.focus, 1);
        // The place is kept underneath.
        assert_eq!(state.pane, Pane::Account);
        // Keys go to the form, not to the pane: `q` is a letter of the password here.
        press(&mut state, KeyCode::Char('q'));
        assert!(!state.quit);
        assert_eq!(
            sign_in_form(&state).field("password").unwrap().secret_len(),
            1
        );
    }

    fn summary(n: u32) -> OrderSummary {
        OrderSummary {
            number: OrderNumber(format!("SO-{n}")),
            placed_at: datetime!(2025-01-01 10:00 UTC),
            status: OrderStatus::Delivered,
            status_label: "Delivered".into(),
            payment_status: PaymentStatus::Paid,
            payment_label: "Paid".into(),
            item_count: 1,
            total: Money::from_minor(1000, Currency::EUR),
        }
    }

    fn page(offset: u64, count: u32, total: u64) -> Page<OrderSummary> {
        Page {
            items: (0..count).map(|i| summary(offset as u32 + i)).collect(),
            offset,
            total: Some(total),
            has_more: offset + u64::from(count) < total,
        }
    }

    fn started() -> State {
        let mut state = State::new("shop".into(), all_features());
        let effects = state.start();
        assert!(matches!(effects[0], Effect::LoadAccount));
        assert!(matches!(
            effects[1],
            Effect::LoadOrders { generation: 0, .. }
        ));
        update(&mut state, Action::AccountLoaded(Ok(account())));
        state
    }

    #[test]
    fn orders_load_page_by_page_as_the_user_scrolls() {
        let mut state = started();
        let more = update(
            &mut state,
            Action::OrdersLoaded {
                generation: 0,
                offset: 0,
                result: Ok(page(0, 100, 2500)),
            },
        );
        assert!(
            more.is_empty(),
            "no prefetch while the selection is at the top"
        );
        assert_eq!(state.orders.items.len(), 100);
        // Scroll down until the prefetch margin: exactly one request for the next page.
        let mut requests = Vec::new();
        for _ in 0..80 {
            requests.extend(press(&mut state, KeyCode::Char('j')));
        }
        assert_eq!(requests.len(), 1, "one page requested, not one per key");
        let Effect::LoadOrders { request, .. } = &requests[0] else {
            panic!("{requests:?}")
        };
        assert_eq!((request.offset, request.limit), (100, ORDERS_PAGE));
        update(
            &mut state,
            Action::OrdersLoaded {
                generation: 0,
                offset: 100,
                result: Ok(page(100, 100, 2500)),
            },
        );
        assert_eq!(state.orders.items.len(), 200);
        assert_eq!(state.orders.selected, 80);
        assert!(state.orders.offset <= 80 && 80 < state.orders.offset + state.orders_viewport);
    }

    #[test]
    fn a_late_answer_for_an_old_filter_is_dropped() {
        let mut state = started();
        let effects = press(&mut state, KeyCode::Char('f'));
        assert!(
            matches!(&effects[..], [Effect::LoadOrders { generation: 1, request }] if request.filter.status == Some(OrderStatus::Pending))
        );
        update(
            &mut state,
            Action::OrdersLoaded {
                generation: 0,
                offset: 0,
                result: Ok(page(0, 100, 2500)),
            },
        );
        assert!(
            state.orders.items.is_empty(),
            "the unfiltered answer came too late"
        );
        update(
            &mut state,
            Action::OrdersLoaded {
                generation: 1,
                offset: 0,
                result: Ok(page(0, 3, 3)),
            },
        );
        assert_eq!(state.orders.items.len(), 3);
        assert!(!state.orders.has_more);
    }

    #[test]
    fn search_applies_on_enter_and_failed_load_is_shown() {
        let mut state = started();
        press(&mut state, KeyCode::Char('/'));
        assert!(state.typing());
        type_text(&mut state, "SO-42");
        let effects = press(&mut state, KeyCode::Enter);
        assert!(
            matches!(&effects[..], [Effect::LoadOrders { request, .. }] if request.filter.search.as_deref() == Some("SO-42"))
        );
        update(
            &mut state,
            Action::OrdersLoaded {
                generation: 1,
                offset: 0,
                result: Err(ShopError::Network("connection reset".into())),
            },
        );
        assert!(
            state
                .orders
                .error
                .as_deref()
                .is_some_and(|e| e.contains("connection reset"))
        );
        let retry = press(&mut state, KeyCode::Char('R'));
        assert_eq!(retry.len(), 1);
    }

    #[test]
    fn order_detail_opens_copies_and_opens_tracking() {
        let mut state = started();
        update(
            &mut state,
            Action::OrdersLoaded {
                generation: 0,
                offset: 0,
                result: Ok(page(0, 5, 5)),
            },
        );
        let effects = press(&mut state, KeyCode::Enter);
        assert!(matches!(&effects[..], [Effect::LoadOrder(n)] if n.as_str() == "SO-0"));
        let shipment = |id: &str| Shipment {
            id: id.into(),
            shipped_at: None,
            carrier: "DHL".into(),
            service: None,
            tracking_id: Some(format!("TRK{id}\u{1b}[2J")),
            tracking_url: Some(format!("https://track.example/{id}")),
            state: ShipmentState::InTransit,
            lines: vec![],
        };
        let money = Money::from_minor(1000, Currency::EUR);
        let detail = OrderDetail {
            summary: summary(0),
            lines: vec![],
            totals: OrderTotals {
                items: money,
                discounts: money,
                shipping: money,
                tax: money,
                grand_total: money,
            },
            billing_address: None,
            shipping_address: None,
            shipments: vec![shipment("1"), shipment("2")],
        };
        update(
            &mut state,
            Action::OrderLoaded(OrderNumber::from("SO-0"), Ok(detail)),
        );
        press(&mut state, KeyCode::Char('n'));
        let copy = press(&mut state, KeyCode::Char('y'));
        assert!(
            matches!(&copy[..], [Effect::Copy(id)] if id == "TRK2"),
            "sanitised id of the second shipment: {copy:?}"
        );
        let open = press(&mut state, KeyCode::Char('o'));
        assert!(matches!(&open[..], [Effect::OpenUrl(url)] if url == "https://track.example/2"));
        press(&mut state, KeyCode::Esc);
        assert!(state.orders.detail.is_none());
        assert!(!state.quit);
    }

    #[test]
    fn account_edit_validates_locally_then_keeps_the_draft_when_the_shop_refuses() {
        let mut state = started();
        press(&mut state, KeyCode::Char('1'));
        press(&mut state, KeyCode::Char('e'));
        assert!(state.typing());
        // Phone is the 4th field.
        for _ in 0..3 {
            press(&mut state, KeyCode::Tab);
        }
        type_text(&mut state, "+44 20 7946 0000");
        press(&mut state, KeyCode::BackTab); // e-mail
        for _ in 0..20 {
            press(&mut state, KeyCode::Backspace);
        }
        type_text(&mut state, "broken");
        assert!(
            press(&mut state, KeyCode::Enter).is_empty(),
            "a bad e-mail is caught before sending"
        );
        let form = state.account_pane.form.as_ref().unwrap();
        assert!(form.field("email").unwrap().error.is_some());
        type_text(&mut state, "@example.org");
        let effects = press(&mut state, KeyCode::Enter);
        let [Effect::SaveAccount(draft)] = &effects[..] else {
            panic!("{effects:?}")
        };
        assert_eq!(draft.email, "broken@example.org");
        assert_eq!(draft.phone.as_deref(), Some("+44 20 7946 0000"));

        let refused = ShopError::Validation {
            message: "email: taken".into(),
            fields: vec![FieldError {
                field: "email".into(),
                message: "is already registered".into(),
            }],
        };
        update(&mut state, Action::AccountSaved(Err(refused)));
        let form = state
            .account_pane
            .form
            .as_ref()
            .expect("the form stays open");
        assert_eq!(
            form.text("phone"),
            "+44 20 7946 0000",
            "nothing typed is lost"
        );
        assert_eq!(
            form.field("email").unwrap().error.as_deref(),
            Some("is already registered")
        );

        update(
            &mut state,
            Action::AccountSaved(Err(ShopError::Network("timed out".into()))),
        );
        assert!(
            state.account_pane.form.is_some(),
            "a network failure keeps the draft too"
        );

        press(&mut state, KeyCode::Enter);
        let mut saved = account();
        saved.email = "broken@example.org".into();
        update(&mut state, Action::AccountSaved(Ok(saved)));
        assert!(state.account_pane.form.is_none());
        assert_eq!(state.account.ready().unwrap().email, "broken@example.org");
    }

    #[test]
    fn cancel_restores_the_account() {
        let mut state = started();
        press(&mut state, KeyCode::Char('1'));
        press(&mut state, KeyCode::Char('e'));
        type_text(&mut state, "zzz");
        press(&mut state, KeyCode::Esc);
        assert!(state.account_pane.form.is_none());
        assert_eq!(state.account.ready().unwrap().first_name, "Ada");
    }

    #[test]
    fn a_shop_with_one_address_lets_it_be_edited_but_not_added_to_or_deleted() {
        let mut state = State::new(
            "shop · Centra".into(),
            Capabilities::new([Feature::Addresses]),
        );
        let effects = state.enter_pane(Pane::Addresses);
        assert!(matches!(effects.as_slice(), [Effect::LoadAddresses]));
        update(
            &mut state,
            Action::AddressesLoaded(Ok(vec![address("address", true)])),
        );
        assert!(press(&mut state, KeyCode::Char('a')).is_empty());
        assert!(state.addresses.form.is_none());
        assert!(state.toasts.back().unwrap().text.contains("one address"));
        assert!(press(&mut state, KeyCode::Char('d')).is_empty());
        assert!(state.addresses.confirm_delete.is_none());
        press(&mut state, KeyCode::Char('e'));
        assert!(state.addresses.form.is_some());

        // Without even that, the pane loads nothing.
        let mut bare = State::new("shop".into(), Capabilities::default());
        assert!(bare.enter_pane(Pane::Addresses).is_empty());
    }

    fn address(id: &str, default: bool) -> Address {
        Address {
            id: AddressId::from(id),
            postal: PostalAddress {
                first_name: "Ada".into(),
                last_name: "L".into(),
                company: None,
                line1: "Street 1".into(),
                line2: None,
                city: "Berlin".into(),
                postcode: "10115".into(),
                region: None,
                country: "DE".into(),
                phone: None,
            },
            default_shipping: default,
            default_billing: default,
        }
    }

    #[test]
    fn addresses_add_delete_with_confirmation_and_set_default() {
        let mut state = started();
        let effects = press(&mut state, KeyCode::Char('2'));
        assert!(matches!(&effects[..], [Effect::LoadAddresses]));
        update(
            &mut state,
            Action::AddressesLoaded(Ok(vec![address("1", true), address("2", false)])),
        );
        press(&mut state, KeyCode::Char('j'));
        assert!(
            press(&mut state, KeyCode::Char('d')).is_empty(),
            "delete asks first"
        );
        assert!(
            press(&mut state, KeyCode::Char('n')).is_empty(),
            "n keeps it"
        );
        press(&mut state, KeyCode::Char('d'));
        let effects = press(&mut state, KeyCode::Char('y'));
        assert!(matches!(&effects[..], [Effect::DeleteAddress(id)] if id.as_str() == "2"));
        update(
            &mut state,
            Action::AddressDeleted(AddressId::from("2"), Ok(())),
        );
        assert_eq!(state.addresses.list.ready().unwrap().len(), 1);

        let effects = press(&mut state, KeyCode::Char('s'));
        assert!(
            matches!(&effects[..], [Effect::SetDefaultAddress(id, AddressRole::Shipping)] if id.as_str() == "1")
        );

        press(&mut state, KeyCode::Char('a'));
        type_text(&mut state, "Grace");
        assert!(
            press(&mut state, KeyCode::Enter).is_empty(),
            "missing fields are caught before sending"
        );
        let (_, form) = state.addresses.form.as_ref().unwrap();
        assert!(form.field("line1").unwrap().error.is_some());
        assert_eq!(form.text("first_name"), "Grace");
    }

    #[test]
    fn password_change_catches_mismatch_and_wipes_after_success() {
        let mut state = started();
        press(&mut state, KeyCode::Char('4'));
        assert_eq!(state.pane, Pane::Password);
        type_text(&mut state, "old-password");
        press(&mut state, KeyCode::Tab);
        type_text(&mut state, "new-password-1");
        press(&mut state, KeyCode::Tab);
        type_text(&mut state, "new-password-2");
        assert!(
            press(&mut state, KeyCode::Enter).is_empty(),
            "mismatch caught before sending"
        );
        assert!(
            state
                .password
                .form
                .field("confirm_password")
                .unwrap()
                .error
                .is_some()
        );
        for _ in 0..14 {
            press(&mut state, KeyCode::Backspace);
        }
        type_text(&mut state, "new-password-1");
        let effects = press(&mut state, KeyCode::Enter);
        let [Effect::ChangePassword { current, new }] = &effects[..] else {
            panic!("{effects:?}")
        };
        assert_eq!(
            (current.expose_secret(), new.expose_secret()),
            ("old-password", "new-password-1")
        );
        update(&mut state, Action::PasswordChanged(Ok(())));
        assert!(
            state
                .password
                .form
                .fields
                .iter()
                .all(|f| f.secret_len() == 0),
            "secrets wiped"
        );
        assert_eq!(
            state.password.form.message.as_deref(),
            Some("Password changed")
        );
    }

    #[test]
    fn reset_accepts_the_link_from_the_mail() {
        assert_eq!(
            reset_key_from("http://127.0.0.1:9/password/reset?key=abc_DEF-1"),
            "abc_DEF-1"
        );
        assert_eq!(reset_key_from("  abc_DEF-1 "), "abc_DEF-1");
        let mut state = started();
        press(&mut state, KeyCode::Char('4'));
        update(
            &mut state,
            Action::Key(KeyEvent::new(KeyCode::F(4), KeyModifiers::NONE)),
        );
        assert_eq!(state.password.mode, PasswordMode::Reset);
        type_text(&mut state, "http://shop.example/password/reset?key=K123");
        press(&mut state, KeyCode::Tab);
        type_text(&mut state, "brand-new-pass");
        press(&mut state, KeyCode::Tab);
        type_text(&mut state, "brand-new-pass");
        let effects = press(&mut state, KeyCode::Enter);
        let [Effect::ResetPassword { key, .. }] = &effects[..] else {
            panic!("{effects:?}")
        };
        assert_eq!(key.expose_secret(), "K123");
    }

    #[test]
    fn unsupported_features_are_told_not_attempted() {
        let mut state = State::new("shop".into(), Capabilities::new([Feature::OrderHistory]));
        state.start();
        update(&mut state, Action::AccountLoaded(Ok(account())));
        assert!(
            press(&mut state, KeyCode::Char('2')).is_empty(),
            "no address request on a shop without them"
        );
        press(&mut state, KeyCode::Char('1'));
        press(&mut state, KeyCode::Char('e'));
        assert!(state.account_pane.form.is_none());
        assert!(
            state
                .toasts
                .iter()
                .any(|t| t.text.contains("not available"))
        );
    }

    #[test]
    fn help_opens_and_any_key_closes_it_and_q_quits() {
        let mut state = started();
        press(&mut state, KeyCode::Char('?'));
        assert!(state.help);
        press(&mut state, KeyCode::Char('x'));
        assert!(!state.help && !state.quit);
        press(&mut state, KeyCode::Char('q'));
        assert!(state.quit);
    }
}
