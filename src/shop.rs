//! The one seam between the UI and the shop platforms.
//!
//! Every platform connector implements [`Shop`]. The UI and the CLI see nothing else of a platform:
//! what a platform cannot do is told by [`Capabilities`] and, if asked anyway, answered with
//! [`ShopError::Unsupported`] — never a panic.

use crate::model::*;
// Where it always was for the connectors and the TUI; it lives with the form checks in `model`.
pub use crate::model::FieldError;
use async_trait::async_trait;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::time::Duration;

/// Something a platform may or may not offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    EditAccount,
    /// The customer's addresses: listed and edited.
    Addresses,
    /// An address book with more than one entry: addresses can be added and deleted.
    AddressBook,
    DefaultAddresses,
    OrderHistory,
    OrderDetail,
    Shipments,
    ChangePassword,
    ForgottenPassword,
    ResetPassword,
    ProductLookup,
    /// Product lookup narrowed by brand (codes can repeat across brands).
    BrandLookup,
    PlaceOrder,
    /// A repeated send with the same idempotency key cannot create a second order.
    IdempotentOrders,
    /// Filtering and searching the order history on the server.
    OrderSearch,
    /// The account keeps a phone number (Spryker's keeps none).
    AccountPhone,
    /// The account keeps a company name (Spryker's, Centra's and AbanteCart's keep none:
    /// Centra and AbanteCart keep one with an address only).
    AccountCompany,
    /// The account keeps the company's registration number and VAT id (Shoptet's billing
    /// address: `companyId`, `vatId`).
    CompanyIds,
    /// Addresses have a region (state, province); Spryker's have none.
    AddressRegion,
    /// The order history pages by cursor ([`Shop::orders_after`]): each page costs the same at
    /// any depth, and orders placed meanwhile do not shift the pages.
    KeysetPaging,
    /// The order list gives each order's status (Spryker's Glue list gives none).
    OrderListStatus,
    /// The order list gives each order's item count.
    OrderListItems,
    /// The order list says how (or whether) each order was paid.
    OrderListPayment,
    /// An order's own PDF, and its invoice's, downloaded ([`Shop::document_pdf`]).
    Documents,
    /// Orders go through the shop's own cart, which keeps what it held before (Centra's
    /// selection): a send can empty it first ([`SendOptions::empty_cart_first`]).
    ShopCart,
    /// The shop places an order after the customer pays on its payment page
    /// ([`OrderOutcome::AwaitingPayment`]).
    PaymentPage,
    /// Saved shopping lists, each ordered again as a repeat order ([`Shop::shopping_lists`]).
    ShoppingLists,
    /// Creating an account at the shop ([`Shop::register`]); needs no sign-in.
    SignUp,
    /// Deleting (anonymising) the signed-in customer's account ([`Shop::delete_account`]).
    DeleteAccount,
    /// A sign-up takes a salutation (Mr, Mrs, Ms, Dr): Spryker requires one, and a gender,
    /// which the connector takes from it.
    Salutation,
}

impl Feature {
    /// How the feature is named to a user, as the subject of "… is not available on this
    /// shop" (so each reads as one thing).
    pub fn describe(&self) -> &'static str {
        match self {
            Feature::EditAccount => "editing account details",
            Feature::Addresses => "the address list",
            Feature::AddressBook => "adding and deleting addresses",
            Feature::DefaultAddresses => "setting default addresses",
            Feature::OrderHistory => "order history",
            Feature::OrderDetail => "opening an order's details",
            Feature::Shipments => "shipment tracking",
            Feature::ChangePassword => "changing the password",
            Feature::ForgottenPassword => "sending password reset e-mails",
            Feature::ResetPassword => "resetting the password with a key",
            Feature::ProductLookup => "product lookup",
            Feature::BrandLookup => "product lookup by brand",
            Feature::PlaceOrder => "placing orders",
            Feature::IdempotentOrders => "safe order retries",
            Feature::OrderSearch => "searching orders",
            Feature::AccountPhone => "a phone number on the account",
            Feature::AccountCompany => "a company name on the account",
            Feature::CompanyIds => "a company registration number and VAT id on the account",
            Feature::AddressRegion => "a region in an address",
            Feature::KeysetPaging => "paging orders by cursor",
            Feature::OrderListStatus => "order status in the order list",
            Feature::OrderListItems => "the item count in the order list",
            Feature::OrderListPayment => "payment in the order list",
            Feature::Documents => "order and invoice PDFs",
            Feature::ShopCart => "emptying the shop's cart first",
            Feature::PaymentPage => "paying on the shop's payment page",
            Feature::ShoppingLists => "shopping lists",
            Feature::SignUp => "creating an account",
            Feature::DeleteAccount => "deleting the account",
            Feature::Salutation => "a salutation on the account",
        }
    }
}

impl Feature {
    /// The feature a platform declares when its accounts keep the [`AccountDraft`] field
    /// `field` (as field errors name it: `phone`, `company`, `company_id`, `vat_id`); `None` for
    /// the fields every account has (names, e-mail).
    pub fn for_account_field(field: &str) -> Option<Feature> {
        match field {
            "phone" => Some(Feature::AccountPhone),
            "company" => Some(Feature::AccountCompany),
            "company_id" | "vat_id" => Some(Feature::CompanyIds),
            _ => None,
        }
    }
}

impl Feature {
    /// Several addresses per customer, added, deleted and marked as defaults.
    pub const ADDRESS_BOOK: [Feature; 3] = [
        Feature::Addresses,
        Feature::AddressBook,
        Feature::DefaultAddresses,
    ];
    /// The order history with each order's detail and its shipments.
    pub const ORDER_HISTORY: [Feature; 3] = [
        Feature::OrderHistory,
        Feature::OrderDetail,
        Feature::Shipments,
    ];
    /// The three password calls: changing it signed in, the reset e-mail, resetting with its key.
    pub const PASSWORDS: [Feature; 3] = [
        Feature::ChangePassword,
        Feature::ForgottenPassword,
        Feature::ResetPassword,
    ];
}

/// What a platform can do. The UI greys out what is missing and says why.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Capabilities {
    features: BTreeSet<Feature>,
}

impl Capabilities {
    pub fn new(features: impl IntoIterator<Item = Feature>) -> Self {
        Capabilities {
            features: features.into_iter().collect(),
        }
    }

    pub fn supports(&self, feature: Feature) -> bool {
        self.features.contains(&feature)
    }

    /// `Ok(())` when supported, else the error a connector returns for it.
    pub fn require(&self, feature: Feature) -> Result<(), ShopError> {
        if self.supports(feature) {
            Ok(())
        } else {
            Err(ShopError::Unsupported(feature))
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = Feature> + '_ {
        self.features.iter().copied()
    }
}

/// Everything that can go wrong talking to a shop, in the distinctions a user (and a script's exit
/// code) cares about. Never holds a token or a password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShopError {
    #[error("not signed in")]
    NotSignedIn,
    #[error("the session has expired; sign in again")]
    SessionExpired,
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("{message}")]
    Validation {
        message: String,
        fields: Vec<FieldError>,
    },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("the shop asks us to slow down{}", retry_after.map(try_again_in).unwrap_or_default())]
    RateLimited { retry_after: Option<Duration> },
    #[error("the shop had an error (HTTP {status}): {message}")]
    Server { status: u16, message: String },
    #[error("could not reach the shop: {0}")]
    Network(String),
    #[error("the shop answered in a way shopterm does not understand: {0}")]
    Protocol(String),
    #[error("{} is not available on this shop", .0.describe())]
    Unsupported(Feature),
}

/// How a [`ShopError::Network`] message starts when no connection to the shop could be made
/// (so nothing was sent).
pub const CANNOT_CONNECT: &str = "cannot connect";

/// "; try again in 3600 s (60 min)": seconds, as scripts read them, and minutes for a person
/// when the wait is long.
fn try_again_in(wait: Duration) -> String {
    let seconds = wait.as_secs().max(1);
    if seconds >= 120 {
        format!("; try again in {seconds} s ({} min)", seconds.div_ceil(60))
    } else {
        format!("; try again in {seconds} s")
    }
}

impl ShopError {
    /// Validation error with a single field message.
    pub fn field(field: &str, message: impl Into<String>) -> ShopError {
        ShopError::validation(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }

    /// Validation error with these field messages; its message names them all
    /// ("email: is taken; zip: is too short").
    pub fn validation(fields: Vec<FieldError>) -> ShopError {
        let message = fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; ");
        ShopError::Validation { message, fields }
    }

    /// Whether a write that failed with this error may all the same have been done by the shop
    /// (an account created or deleted): the request was sent but no answer came (the connection
    /// broke, or the shop did not answer in time), or the answer could not be read (a 2xx page
    /// that is not the platform's). A refusal, an error status, or a connection that was never
    /// made ([`CANNOT_CONNECT`]) say it was not; then a person must check before sending it
    /// again, which the message has to say first.
    pub fn may_have_taken_effect(&self) -> bool {
        match self {
            ShopError::Network(message) => !message.starts_with(CANNOT_CONNECT),
            ShopError::Protocol(_) => true,
            _ => false,
        }
    }

    /// Whether repeating the same request later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ShopError::Network(_) | ShopError::RateLimited { .. } | ShopError::Server { .. }
        )
    }
}

pub type ShopResult<T> = Result<T, ShopError>;

/// Change the password of the signed-in customer.
#[derive(Debug)]
pub struct PasswordChange {
    pub current: SecretString,
    pub new: SecretString,
}

/// Set a new password with the key from a password-reset e-mail.
#[derive(Debug)]
pub struct PasswordReset {
    pub key: SecretString,
    pub new_password: SecretString,
}

/// How an order is sent, beyond its lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SendOptions {
    /// Empty the shop's cart before the order's lines go in, on a shop whose cart outlives a
    /// send ([`Feature::ShopCart`]); otherwise what the cart held is kept and paid too.
    #[serde(default)]
    pub empty_cart_first: bool,
}

/// A new customer's account, as a sign-up form asks for it. The fields are named in field errors
/// as here (`email`, `first_name`, `last_name`, `password`, `phone`, `salutation`); a platform that needs
/// more answers with a field error naming what is missing.
#[derive(Debug)]
pub struct NewAccount {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub password: SecretString,
    /// A telephone number (AbanteCart requires one; Centra keeps it with the one address).
    pub phone: Option<String>,
    /// Mr, Mrs, Ms or Dr where the platform keeps one ([`Feature::Salutation`]: Spryker requires
    /// it, and the gender it implies, so there it must be Mr, Mrs or Ms).
    pub salutation: Option<String>,
}

/// A connector's platform as the UI sees it: the name shown to people and what it can do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub label: &'static str,
    pub capabilities: Capabilities,
}

/// A shop platform, as the UI sees it. Default method bodies answer "unsupported", so a connector
/// implements exactly what its platform offers and declares it in [`Shop::capabilities`].
#[async_trait]
pub trait Shop: Send + Sync {
    /// Which platform this connector talks to: its row of the platform registry
    /// (`crate::platforms::registry`, `PlatformId::identity`), so a connector does not repeat its
    /// name and features.
    fn identity(&self) -> &Identity;

    /// The platform's name for messages ("Demo shop", "Spryker", …).
    fn platform(&self) -> &str {
        self.identity().label
    }

    fn capabilities(&self) -> &Capabilities {
        &self.identity().capabilities
    }

    async fn account(&self) -> ShopResult<Account>;

    async fn update_account(&self, _draft: &AccountDraft) -> ShopResult<Account> {
        Err(ShopError::Unsupported(Feature::EditAccount))
    }

    async fn addresses(&self) -> ShopResult<Vec<Address>> {
        Err(ShopError::Unsupported(Feature::Addresses))
    }

    async fn create_address(&self, _draft: &PostalAddress) -> ShopResult<Address> {
        Err(ShopError::Unsupported(Feature::AddressBook))
    }

    async fn update_address(&self, _id: &AddressId, _draft: &PostalAddress) -> ShopResult<Address> {
        Err(ShopError::Unsupported(Feature::Addresses))
    }

    async fn delete_address(&self, _id: &AddressId) -> ShopResult<()> {
        Err(ShopError::Unsupported(Feature::AddressBook))
    }

    /// Make an address the default for shipping or billing; returns the whole updated book.
    async fn set_default_address(
        &self,
        _id: &AddressId,
        _role: AddressRole,
    ) -> ShopResult<Vec<Address>> {
        Err(ShopError::Unsupported(Feature::DefaultAddresses))
    }

    async fn orders(&self, _page: &PageRequest) -> ShopResult<Page<OrderSummary>> {
        Err(ShopError::Unsupported(Feature::OrderHistory))
    }

    /// The order history by keyset, where the platform offers it ([`Feature::KeysetPaging`]).
    async fn orders_after(&self, _page: &CursorRequest) -> ShopResult<CursorPage<OrderSummary>> {
        Err(ShopError::Unsupported(Feature::KeysetPaging))
    }

    /// The most orders one page request may ask for, where the connector knows the platform's
    /// limit (`None`: the connector maps any size onto the platform's pages itself).
    fn max_page_size(&self) -> Option<u32> {
        None
    }

    async fn order(&self, _number: &OrderNumber) -> ShopResult<OrderDetail> {
        Err(ShopError::Unsupported(Feature::OrderDetail))
    }

    async fn change_password(&self, _change: &PasswordChange) -> ShopResult<()> {
        Err(ShopError::Unsupported(Feature::ChangePassword))
    }

    /// Ask the shop to e-mail a reset link; returns the shop's message for the user. Needs no sign-in.
    async fn request_password_reset(&self, _email: &str) -> ShopResult<String> {
        Err(ShopError::Unsupported(Feature::ForgottenPassword))
    }

    /// Set a new password with the key from the reset e-mail. Needs no sign-in.
    async fn reset_password(&self, _reset: &PasswordReset) -> ShopResult<()> {
        Err(ShopError::Unsupported(Feature::ResetPassword))
    }

    /// Creates an account; the customer then signs in with its e-mail and password as any
    /// customer does. Needs no sign-in. The platform's refusals come back per field
    /// ([`ShopError::Validation`]; a taken e-mail is a field error on `email`).
    async fn register(&self, _account: &NewAccount) -> ShopResult<()> {
        Err(ShopError::Unsupported(Feature::SignUp))
    }

    /// Deletes (anonymises) the signed-in customer's account at the shop. The caller then signs
    /// out and removes the stored tokens.
    async fn delete_account(&self) -> ShopResult<()> {
        Err(ShopError::Unsupported(Feature::DeleteAccount))
    }

    /// Current price and availability of products by code (optionally narrowed to one brand).
    /// Codes that match nothing are simply absent from the answer.
    async fn products(&self, _query: &ProductQuery) -> ShopResult<Vec<Product>> {
        Err(ShopError::Unsupported(Feature::ProductLookup))
    }

    async fn place_order(&self, _order: &NewOrder) -> ShopResult<PlacedOrder> {
        Err(ShopError::Unsupported(Feature::PlaceOrder))
    }

    /// Places `order` as a repeat of the past order `source`: where the platform has a reorder
    /// of its own (Spryker's `POST /cart-reorder`) the connector uses it, else this is
    /// [`Shop::place_order`].
    async fn reorder(&self, _source: &OrderNumber, order: &NewOrder) -> ShopResult<PlacedOrder> {
        self.place_order(order).await
    }

    /// Sends `order` (a repeat of `source`, when given) and says what came of it. Most shops
    /// place the order at once ([`OrderOutcome::Placed`], through [`Shop::reorder`] or
    /// [`Shop::place_order`]); a shop that takes payment on its own page (Centra) answers
    /// [`OrderOutcome::AwaitingPayment`] and places the order itself once paid.
    async fn send_order(
        &self,
        source: Option<&OrderNumber>,
        order: &NewOrder,
        options: &SendOptions,
    ) -> ShopResult<OrderOutcome> {
        let _ = options;
        let placed = match source {
            Some(source) => self.reorder(source, order).await?,
            None => self.place_order(order).await?,
        };
        Ok(OrderOutcome::Placed(placed))
    }

    /// The customer's shopping lists with their items.
    async fn shopping_lists(&self) -> ShopResult<Vec<ShoppingList>> {
        Err(ShopError::Unsupported(Feature::ShoppingLists))
    }

    /// The draft sent under `idempotency_key` was discarded: the connector drops what it kept
    /// for that draft's sends (Spryker: the checkout journal's entry, and a cart it filled but
    /// did not check out). Best effort, and nothing for platforms that keep nothing.
    async fn forget_draft(&self, _idempotency_key: &str) {}

    /// The PDF of one of the customer's orders, or of its invoice: the file's bytes, checked
    /// to be a PDF.
    async fn document_pdf(
        &self,
        _number: &OrderNumber,
        _kind: DocumentKind,
    ) -> ShopResult<Vec<u8>> {
        Err(ShopError::Unsupported(Feature::Documents))
    }
}
