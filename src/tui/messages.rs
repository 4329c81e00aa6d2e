//! The messages across the seam between the pure `update` and the outside world: an `Action` is
//! everything that can happen to the TUI (keys, the mouse, answers of the shop), an `Effect` is
//! the work `update` asks the runtime to do (network calls, the browser, the clipboard).

use crate::model::*;
use crate::shop::ShopError;
use ratatui::crossterm::event::{KeyEvent, MouseEvent};
use secrecy::SecretString;

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
    /// How opening the sign-in page in a browser went (`Err`: why nothing opened).
    SignInBrowser(Result<String, String>),
    SignInFinished(Result<Account, String>),
    /// A password sign-in was refused: the login or password is wrong.
    SignInRefused(String),
    /// The account was created but the sign-in after it failed (why): back to the sign-in form.
    SignedUpNotSignedIn(String),
    /// The sign-up was refused (the fields the shop named) or failed (the message).
    SignUpFailed {
        fields: Vec<crate::shop::FieldError>,
        message: String,
    },
    /// The pasted redirect address was not one (the paste field stays open to retry).
    PasteRejected(String),
    /// The account was deleted at the shop and signed out here (`Err`: why not).
    AccountDeleted(Result<(), NotDeleted>),
    /// Signed out; a note when the shop did not confirm the revocation.
    SignedOut(Result<Option<String>, String>),
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    DraftResolved(Result<crate::reorder::Draft, ShopError>),
    /// A draft's send: placed, or awaiting payment on the shop's page.
    DraftSent(String, Result<OrderOutcome, ShopError>),
    ProductsFound(Result<Vec<Product>, ShopError>),
    ShoppingListsLoaded(Result<Vec<ShoppingList>, ShopError>),
    /// The newest saved draft of this customer, if any.
    DraftRestored(CustomerId, Option<crate::reorder::Draft>),
    /// Staff mode: the e-shop's name the staff token opens.
    EshopLoaded(Result<String, ShopError>),
    /// Staff mode: the customer search's answer (`generation` as in the search asked).
    CustomersFound {
        generation: u64,
        result: Result<crate::platforms::shoptet::CustomerSearch, ShopError>,
    },
}

/// Work for the effects runner.
/// Why an account deletion did not end signed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotDeleted {
    pub error: String,
    /// The shop may have deleted it all the same: the request went out but its answer was lost
    /// ([`crate::shop::ShopError::may_have_taken_effect`]).
    pub maybe_deleted: bool,
}

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
    /// Open the payment form shopterm saved for the shop (a private file) in the browser.
    OpenPaymentForm(std::path::PathBuf),
    /// Download one of the order's PDFs into the download directory, then open it.
    SavePdf(OrderNumber, DocumentKind),
    Copy(String),
    StartSignIn,
    /// Sign in to a password platform with what the form holds.
    PasswordSignIn {
        login: String,
        password: SecretString,
    },
    /// Create an account with the sign-up form's fields, then sign in with it.
    SignUp(crate::shop::NewAccount),
    CancelSignIn,
    PasteRedirect(String),
    SignOut,
    /// Delete (anonymise) the account at the shop, then sign out and remove the tokens.
    DeleteAccount,
    /// Look up every line of a draft (current price and stock).
    ResolveDraft(crate::reorder::Draft),
    SendDraft(crate::reorder::Draft),
    /// Keep the draft on disk until it is sent or discarded.
    SaveDraft(crate::reorder::Draft),
    DeleteDraft {
        key: String,
        customer: Option<CustomerId>,
    },
    /// A discarded draft: the connector drops what it kept for its sends.
    ForgetDraft(String),
    /// Bring back the newest unsent draft of this customer (from an earlier run).
    RestoreDraft(CustomerId),
    LookupProducts(ProductQuery),
    /// The customer's shopping lists, to choose one to order.
    LoadShoppingLists,
    /// Staff mode: whose e-shop the token opens.
    LoadEshop,
    /// Staff mode: customers by e-mail or phone.
    SearchCustomers {
        generation: u64,
        text: String,
    },
    /// Staff mode: work for this customer (by GUID) from now on, or for nobody; answers still
    /// on their way for the previous one are dropped.
    ChooseCustomer(Option<String>),
}
