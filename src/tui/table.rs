//! The command table as data: every key the TUI answers, in which context, what the command is
//! called and how the status bar and `?` help describe it. [`super::commands`] decides what is
//! available now; [`super::keys`] lays the user's `[keys]` over this table. Nothing here reads the
//! state, so both can import it without a cycle.

use super::tabs::Pane;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
/// Where the keys go: one screen or sub-screen. Contexts marked "typing" send unbound keys to a
/// text field, and there the global letters (`q`, `?`, digits) are text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Keys that work in every context that is not typing.
    Global,
    Help,
    SignIn,
    /// typing: the redirect address being pasted.
    SignInPaste,
    /// typing: the login and password of a password platform.
    SignInForm,
    /// typing: the sign-up form (a new account) of a platform that has one.
    SignUpForm,
    Orders,
    /// typing: the order search.
    OrderSearch,
    OrderDetail,
    Account,
    /// typing: the account or an address being edited.
    EditForm,
    /// typing: the e-mail (or DELETE) that confirms deleting the account.
    DeleteAccount,
    Addresses,
    /// y/n before deleting an address, sending or discarding an order.
    Confirm,
    /// typing: the password forms.
    Password,
    /// The Password or Reorder pane on a shop that offers none of it: only the global keys.
    Unavailable,
    /// typing: the quick-order editor.
    QuickOrder,
    /// The shopping lists to choose one from (over the quick-order editor).
    ShoppingLists,
    Review,
    /// typing: a quantity or a product lookup in the review.
    ReorderPrompt,
    /// A sent order waits for payment on the shop's payment page (Centra).
    Payment,
    /// typing: staff mode's customer search field.
    StaffSearch,
    /// Staff mode: the customers the search found.
    StaffResults,
}

impl Context {
    /// Whether the global keys (`q`, `?`, digits, `L` …) work here: not while typing (they are
    /// text), not over the help, and not over a question (any key but `y` answers it no).
    pub fn takes_global_keys(self) -> bool {
        !self.typing() && !matches!(self, Context::Help | Context::Confirm)
    }

    /// Whether a key the table does not list goes to the pane: a text field's letters, and any
    /// key over a question (send, discard, save, delete), which the pane takes as no — so a key
    /// meant for elsewhere never leaves a question pending behind another screen.
    pub fn passes_unlisted_keys(self) -> bool {
        self.typing() || self == Context::Confirm
    }

    pub fn typing(self) -> bool {
        matches!(
            self,
            Context::SignInPaste
                | Context::SignInForm
                | Context::SignUpForm
                | Context::OrderSearch
                | Context::EditForm
                | Context::DeleteAccount
                | Context::Password
                | Context::QuickOrder
                | Context::ReorderPrompt
                | Context::StaffSearch
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Quit,
    Help,
    CloseHelp,
    ScrollHelp,
    GoToPane,
    NextPane,
    PreviousPane,
    // Sign-in screen.
    SignInWithBrowser,
    OpenSignInPage,
    CopySignInAddress,
    PasteRedirect,
    CancelSignIn,
    SubmitField,
    CancelField,
    NextField,
    PreviousField,
    /// The sign-up form, from the password sign-in form.
    OpenSignUp,
    // Orders.
    MoveSelection,
    Page,
    FirstOrLast,
    OpenOrder,
    SearchOrders,
    FilterOrders,
    ClearFilter,
    Reload,
    // Order detail.
    NextShipment,
    OpenTracking,
    CopyTracking,
    /// Save the order's PDF (d) or its invoice's (i), then open it.
    SavePdf,
    Scroll,
    Reorder,
    Back,
    // Account and addresses.
    Edit,
    SignOut,
    /// Delete (anonymise) the account, behind a typed confirmation.
    DeleteAccount,
    AddAddress,
    DeleteAddress,
    DefaultAddress,
    Confirm,
    Decline,
    // Password.
    PickPasswordForm,
    // Reorder.
    CheckQuickOrder,
    LookupProduct,
    ShoppingLists,
    OrderShoppingList,
    SendOrder,
    ChangeQuantity,
    TypeQuantity,
    RemoveLine,
    NextBrand,
    AddLookedUp,
    DiscardDraft,
    /// Empty the shop's own cart before the draft's lines go in (Centra's selection).
    EmptyCartFirst,
    OpenPaymentPage,
    CopyPaymentAddress,
    // Staff mode.
    ChooseCustomer,
    EditSearch,
    SwitchCustomer,
}
/// A key as the table names it. Letters match whatever Shift says (`G` arrives with Shift).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

const fn with(code: KeyCode, modifiers: KeyModifiers) -> Key {
    Key { code, modifiers }
}

const fn ch(c: char) -> Key {
    with(KeyCode::Char(c), KeyModifiers::NONE)
}

const fn code(code: KeyCode) -> Key {
    with(code, KeyModifiers::NONE)
}

const fn ctrl(c: char) -> Key {
    with(KeyCode::Char(c), KeyModifiers::CONTROL)
}

const fn alt(c: char) -> Key {
    with(KeyCode::Char(c), KeyModifiers::ALT)
}

impl Key {
    pub fn matches(&self, event: &KeyEvent) -> bool {
        let relevant = KeyModifiers::CONTROL | KeyModifiers::ALT;
        self.code == event.code && (event.modifiers & relevant) == self.modifiers
    }

    /// The event this key sends (for the mouse and the tests).
    pub fn event(&self) -> KeyEvent {
        KeyEvent::new(self.code, self.modifiers)
    }
}

/// One row of the table.
#[derive(Debug)]
pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    /// How the keys are written on screen.
    pub label: &'static str,
    pub command: Command,
    pub description: &'static str,
    /// Lower shows first in the status bar; 9 is help-only.
    pub priority: u8,
}

const fn b(
    context: Context,
    keys: &'static [Key],
    label: &'static str,
    command: Command,
    description: &'static str,
    priority: u8,
) -> Binding {
    Binding {
        context,
        keys,
        label,
        command,
        description,
        priority,
    }
}

use Command as C;
use Context as X;

const UP_DOWN: &[Key] = &[ch('j'), ch('k'), code(KeyCode::Down), code(KeyCode::Up)];
const FIELD_KEYS_NEXT: &[Key] = &[code(KeyCode::Tab), code(KeyCode::Down)];
const FIELD_KEYS_PREVIOUS: &[Key] = &[code(KeyCode::BackTab), code(KeyCode::Up)];

/// Every key of the TUI. Within a context the first row whose key matches wins. One row a line:
/// (context, keys, how the keys are written, command, description, status-bar priority).
#[rustfmt::skip]
pub static TABLE: &[Binding] = &[
    // Everywhere outside a text field.
    b(X::Global, &[ch('1')], "1", C::GoToPane, Pane::Account.title(), 9),
    b(X::Global, &[ch('2')], "2", C::GoToPane, Pane::Addresses.title(), 9),
    b(X::Global, &[ch('3')], "3", C::GoToPane, Pane::Orders.title(), 9),
    b(X::Global, &[ch('4')], "4", C::GoToPane, Pane::Password.title(), 9),
    b(X::Global, &[ch('5')], "5", C::GoToPane, Pane::Reorder.title(), 9),
    b(X::Global, &[code(KeyCode::Tab)], "Tab", C::NextPane, "next pane", 9),
    b(X::Global, &[code(KeyCode::BackTab)], "S-Tab", C::PreviousPane, "previous pane", 9),
    b(X::Global, &[ch('q')], "q", C::Quit, "quit", 8),
    b(X::Global, &[ch('L')], "L", C::SignOut, "sign out", 8),
    b(X::Global, &[ch('?')], "?", C::Help, "help", 0),
    b(X::Global, &[ch('C')], "C", C::SwitchCustomer, "another customer", 7),
    // The help overlay.
    b(X::Help, UP_DOWN, "j/k", C::ScrollHelp, "scroll", 1),
    b(X::Help, &[code(KeyCode::PageDown), code(KeyCode::PageUp)], "PgDn/PgUp", C::ScrollHelp, "scroll a page", 2),
    b(X::Help, &[code(KeyCode::Esc), ch('?'), ch('q'), code(KeyCode::Enter)], "Esc", C::CloseHelp, "close the help", 0),
    // Browser sign-in.
    b(X::SignIn, &[code(KeyCode::Enter)], "Enter", C::SignInWithBrowser, "sign in with the browser", 1),
    b(X::SignIn, &[ch('o')], "o", C::OpenSignInPage, "open the sign-in page again", 2),
    b(X::SignIn, &[ch('y')], "y", C::CopySignInAddress, "copy its address", 3),
    b(X::SignIn, &[ch('p')], "p", C::PasteRedirect, "paste the address the browser ended on", 4),
    b(X::SignIn, &[code(KeyCode::Esc)], "Esc", C::CancelSignIn, "cancel the sign-in", 5),
    b(X::SignInPaste, &[code(KeyCode::Enter)], "Enter", C::SubmitField, "use this address", 1),
    b(X::SignInPaste, &[code(KeyCode::Esc)], "Esc", C::CancelField, "cancel", 2),
    b(X::SignInForm, &[code(KeyCode::Enter)], "Enter", C::SubmitField, "sign in", 1),
    b(X::SignInForm, FIELD_KEYS_NEXT, "Tab", C::NextField, "next field", 2),
    b(X::SignInForm, FIELD_KEYS_PREVIOUS, "S-Tab", C::PreviousField, "previous field", 3),
    b(X::SignInForm, &[ctrl('c')], "Ctrl-C", C::Quit, "quit", 4),
    // A letter alone is text in the form: Alt-n (or F2) as the password forms pick theirs.
    b(X::SignInForm, &[alt('n'), code(KeyCode::F(2))], "Alt-n", C::OpenSignUp, "create an account", 5),
    b(X::SignUpForm, &[code(KeyCode::Enter)], "Enter", C::SubmitField, "create the account", 1),
    b(X::SignUpForm, &[code(KeyCode::Esc)], "Esc", C::CancelField, "back to the sign-in", 2),
    b(X::SignUpForm, FIELD_KEYS_NEXT, "Tab", C::NextField, "next field", 3),
    b(X::SignUpForm, FIELD_KEYS_PREVIOUS, "S-Tab", C::PreviousField, "previous field", 4),
    b(X::SignUpForm, &[ctrl('c')], "Ctrl-C", C::Quit, "quit", 5),
    // The order history.
    b(X::Orders, &[code(KeyCode::Enter), ch('l'), code(KeyCode::Right)], "Enter", C::OpenOrder, "open order", 1),
    b(X::Orders, UP_DOWN, "j/k", C::MoveSelection, "move", 2),
    b(X::Orders, &[ch('/')], "/", C::SearchOrders, "search number or product", 3),
    b(X::Orders, &[ch('f')], "f", C::FilterOrders, "filter by status", 4),
    b(X::Orders, &[code(KeyCode::Esc)], "Esc", C::ClearFilter, "clear filter", 3),
    b(X::Orders, &[code(KeyCode::PageDown), code(KeyCode::PageUp), ch(' ')], "PgDn/PgUp", C::Page, "page", 6),
    b(X::Orders, &[ch('g'), ch('G'), code(KeyCode::Home), code(KeyCode::End)], "g/G", C::FirstOrLast, "first / last loaded", 7),
    b(X::Orders, &[ch('R')], "R", C::Reload, "reload", 8),
    b(X::OrderSearch, &[code(KeyCode::Enter)], "Enter", C::SubmitField, "search", 1),
    b(X::OrderSearch, &[code(KeyCode::Esc)], "Esc", C::CancelField, "cancel", 2),
    // One order.
    b(X::OrderDetail, &[code(KeyCode::Esc), code(KeyCode::Left), ch('h'), code(KeyCode::Backspace)], "Esc", C::Back, "back to the list", 1),
    b(X::OrderDetail, &[ch('r')], "r", C::Reorder, "order these again", 2),
    b(X::OrderDetail, &[ch('n'), ch(']'), ch('p'), ch('[')], "n/p", C::NextShipment, "next / previous shipment", 3),
    b(X::OrderDetail, &[ch('o')], "o", C::OpenTracking, "open tracking page", 4),
    b(X::OrderDetail, &[ch('y')], "y", C::CopyTracking, "copy tracking number", 5),
    b(X::OrderDetail, &[ch('d'), ch('i')], "d/i", C::SavePdf, "save order / invoice PDF", 6),
    b(X::OrderDetail, UP_DOWN, "j/k", C::Scroll, "scroll", 6),
    // The account.
    b(X::Account, &[ch('e'), code(KeyCode::Enter)], "e", C::Edit, "edit", 1),
    b(X::Account, &[ch('R')], "R", C::Reload, "reload", 3),
    b(X::Account, &[ch('X')], "X", C::DeleteAccount, "delete the account", 4),
    b(X::DeleteAccount, &[code(KeyCode::Enter)], "Enter", C::SubmitField, "delete the account", 1),
    b(X::DeleteAccount, &[code(KeyCode::Esc)], "Esc", C::CancelField, "keep the account", 2),
    b(X::EditForm, &[code(KeyCode::Enter), ctrl('s')], "Enter", C::SubmitField, "save", 1),
    b(X::EditForm, &[code(KeyCode::Esc)], "Esc", C::CancelField, "cancel (nothing saved)", 2),
    b(X::EditForm, FIELD_KEYS_NEXT, "Tab", C::NextField, "next field", 3),
    b(X::EditForm, FIELD_KEYS_PREVIOUS, "S-Tab", C::PreviousField, "previous field", 4),
    // Addresses.
    b(X::Addresses, UP_DOWN, "j/k", C::MoveSelection, "move", 5),
    b(X::Addresses, &[ch('e'), code(KeyCode::Enter)], "e", C::Edit, "edit", 1),
    b(X::Addresses, &[ch('a')], "a", C::AddAddress, "add", 2),
    b(X::Addresses, &[ch('d')], "d", C::DeleteAddress, "delete", 3),
    b(X::Addresses, &[ch('s'), ch('b')], "s/b", C::DefaultAddress, "default shipping / billing", 4),
    b(X::Addresses, &[ch('R')], "R", C::Reload, "reload", 6),
    b(X::Confirm, &[ch('y'), ch('Y')], "y", C::Confirm, "yes", 1),
    b(X::Confirm, &[ch('n'), code(KeyCode::Esc)], "n/Esc", C::Decline, "no", 2),
    // Password forms (always typing: F-keys and Alt-letters pick the form).
    b(X::Password, &[code(KeyCode::Enter)], "Enter", C::SubmitField, "send", 1),
    b(X::Password, &[code(KeyCode::Esc)], "Esc", C::CancelField, "leave", 2),
    b(X::Password, &[code(KeyCode::F(2)), alt('c')], "F2", C::PickPasswordForm, "change password", 3),
    b(X::Password, &[code(KeyCode::F(3)), alt('f')], "F3", C::PickPasswordForm, "forgotten password", 4),
    b(X::Password, &[code(KeyCode::F(4)), alt('r')], "F4", C::PickPasswordForm, "reset with key", 5),
    b(X::Password, FIELD_KEYS_NEXT, "Tab", C::NextField, "next field", 6),
    b(X::Password, FIELD_KEYS_PREVIOUS, "S-Tab", C::PreviousField, "previous field", 7),
    b(X::Unavailable, &[code(KeyCode::Esc)], "Esc", C::Back, "back to the orders", 1),
    // Quick order and the review of a draft.
    b(X::QuickOrder, &[ctrl('s'), code(KeyCode::F(5))], "Ctrl-S", C::CheckQuickOrder, "check the lines", 1),
    b(X::QuickOrder, &[code(KeyCode::F(6))], "F6", C::LookupProduct, "look a product up", 2),
    b(X::QuickOrder, &[code(KeyCode::Esc)], "Esc", C::Back, "leave", 3),
    b(X::QuickOrder, &[code(KeyCode::F(7))], "F7", C::ShoppingLists, "shopping lists", 4),
    b(X::ShoppingLists, &[code(KeyCode::Enter)], "Enter", C::OrderShoppingList, "order this", 1),
    b(X::ShoppingLists, &[code(KeyCode::Esc)], "Esc", C::Back, "back", 2),
    b(X::ShoppingLists, UP_DOWN, "j/k", C::MoveSelection, "move", 3),
    b(X::Review, &[code(KeyCode::Enter)], "Enter", C::SendOrder, "send", 1),
    b(X::Review, &[code(KeyCode::Esc)], "Esc", C::Back, "back", 2),
    b(X::Review, UP_DOWN, "j/k", C::MoveSelection, "move", 5),
    // The selected line.
    b(X::Review, &[ch('+'), ch('-')], "+/-", C::ChangeQuantity, "quantity", 3),
    b(X::Review, &[ch('e')], "e", C::TypeQuantity, "type a quantity", 4),
    b(X::Review, &[ch('x'), code(KeyCode::Delete)], "x", C::RemoveLine, "remove line", 6),
    b(X::Review, &[ch('b')], "b", C::NextBrand, "choose the brand", 2),
    // Lines from a product lookup, and the draft as a whole.
    b(X::Review, &[ch('/')], "/", C::LookupProduct, "look a product up", 7),
    b(X::Review, &[ch('a')], "a", C::AddLookedUp, "add the looked-up product", 7),
    b(X::Review, &[ch('R')], "R", C::Reload, "check prices again", 8),
    b(X::Review, &[ch('D')], "D", C::DiscardDraft, "discard the draft", 8),
    b(X::Review, &[ch('E')], "E", C::EmptyCartFirst, "empty the shop's cart first", 8),
    b(X::Payment, &[ch('o')], "o", C::OpenPaymentPage, "open the payment page", 1),
    b(X::Payment, &[ch('y')], "y", C::CopyPaymentAddress, "copy its address", 2),
    b(X::Payment, &[code(KeyCode::Esc)], "Esc", C::Back, "to the order history", 3),
    b(X::ReorderPrompt, &[code(KeyCode::Enter)], "Enter", C::SubmitField, "use it", 1),
    b(X::ReorderPrompt, &[code(KeyCode::Esc)], "Esc", C::CancelField, "cancel", 2),
    // Staff mode: the customer search.
    b(X::StaffSearch, &[code(KeyCode::Enter)], "Enter", C::SubmitField, "search", 1),
    b(X::StaffSearch, &[code(KeyCode::Down), code(KeyCode::Tab), code(KeyCode::Esc)], "↓/Esc", C::NextField, "to the customers found", 2),
    // `q` is a letter in the search field: the way out is Ctrl-C, as on the sign-in form.
    b(X::StaffSearch, &[ctrl('c')], "Ctrl-C", C::Quit, "quit", 3),
    b(X::StaffResults, &[code(KeyCode::Enter)], "Enter", C::ChooseCustomer, "work for this customer", 1),
    b(X::StaffResults, UP_DOWN, "j/k", C::MoveSelection, "move", 2),
    b(X::StaffResults, &[ch('/'), ch('e'), code(KeyCode::Esc)], "/", C::EditSearch, "change the search", 3),
    b(X::StaffResults, &[ch('R')], "R", C::Reload, "search again", 4),
];

/// The bindings of one context, in table order.
pub fn bindings(context: Context) -> impl Iterator<Item = &'static Binding> {
    TABLE.iter().filter(move |b| b.context == context)
}
