//! The demo shop's data: customers, address books, catalogue with stock and prices, orders with
//! shipments, API credentials, password-reset keys and the outbox of "sent" e-mails, in SQLite.
//!
//! One connection behind a mutex: every method is synchronous and short; the HTTP handlers call
//! them through `tokio::task::spawn_blocking`. Domain failures come back as [`ShopError`] so the
//! HTTP layer maps them to status codes in one place.

use crate::model::*;
use crate::shop::{ShopError, ShopResult};
use rusqlite::Connection;
use std::path::Path;
use std::sync::Mutex;

/// The internal id of a customer (SQLite rowid). `CustomerId` is its decimal text.
pub type CustomerKey = i64;

/// An e-mail the demo shop "sent": it lands here instead of on a mail server.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: time::OffsetDateTime,
}

/// A personal API credential of a customer (the Customer API's "API password").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ApiCredential {
    pub client_id: String,
    pub label: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

/// Counts of what the store holds, for the start-up report and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct StoreStats {
    pub customers: u64,
    pub addresses: u64,
    pub products: u64,
    pub orders: u64,
    pub order_lines: u64,
    pub shipments: u64,
}

/// A demo account as printed by `shopterm demo --serve`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub email: String,
    pub password: String,
    pub description: String,
}

pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens (creating if needed) the store at `path`, or an in-memory one for `None`, and seeds
    /// it from the embedded demo data when it is empty. Seeding is deterministic.
    pub fn open(path: Option<&Path>) -> ShopResult<Store> {
        todo!()
    }

    pub fn stats(&self) -> ShopResult<StoreStats> {
        todo!()
    }

    /// The demo accounts with their passwords, B2B buyer first.
    pub fn demo_logins() -> Vec<DemoLogin> {
        todo!()
    }

    /// The customer with this e-mail (case-insensitive) and password, or `None` — the same answer
    /// for an unknown e-mail and a wrong password.
    pub fn verify_password(&self, email: &str, password: &str) -> ShopResult<Option<CustomerKey>> {
        todo!()
    }

    pub fn account(&self, customer: CustomerKey) -> ShopResult<Account> {
        todo!()
    }

    /// Validates (model::validate::account) and saves; an e-mail taken by another customer is a
    /// validation error on `email`.
    pub fn update_account(
        &self,
        customer: CustomerKey,
        draft: &AccountDraft,
    ) -> ShopResult<Account> {
        todo!()
    }

    pub fn addresses(&self, customer: CustomerKey) -> ShopResult<Vec<Address>> {
        todo!()
    }

    /// The first address of a customer becomes default shipping and billing.
    pub fn create_address(
        &self,
        customer: CustomerKey,
        draft: &PostalAddress,
    ) -> ShopResult<Address> {
        todo!()
    }

    pub fn update_address(
        &self,
        customer: CustomerKey,
        id: &AddressId,
        draft: &PostalAddress,
    ) -> ShopResult<Address> {
        todo!()
    }

    /// Deleting a default address is a conflict while other addresses exist to take its role:
    /// the customer must choose a new default first. The last address can be deleted.
    pub fn delete_address(&self, customer: CustomerKey, id: &AddressId) -> ShopResult<()> {
        todo!()
    }

    pub fn set_default_address(
        &self,
        customer: CustomerKey,
        id: &AddressId,
        role: AddressRole,
    ) -> ShopResult<Vec<Address>> {
        todo!()
    }

    /// Newest first (placed_at, then number, descending); filter by status, since-date and a
    /// search string matching the order number or a line's code or name (case-insensitive).
    pub fn orders(
        &self,
        customer: CustomerKey,
        page: &PageRequest,
    ) -> ShopResult<Page<OrderSummary>> {
        todo!()
    }

    pub fn order(&self, customer: CustomerKey, number: &OrderNumber) -> ShopResult<OrderDetail> {
        todo!()
    }

    /// Wrong current password is a validation error on `current_password`.
    pub fn change_password(
        &self,
        customer: CustomerKey,
        current: &str,
        new: &str,
    ) -> ShopResult<()> {
        todo!()
    }

    /// Writes a mail with a one-time reset key (valid 1 hour) to the outbox when the e-mail is
    /// known; answers the same message either way, so it reveals nothing about which e-mails exist.
    pub fn request_password_reset(&self, email: &str, reset_url_base: &str) -> ShopResult<String> {
        todo!()
    }

    /// An unknown, used or expired key is a validation error on `key`.
    pub fn reset_password(&self, key: &str, new_password: &str) -> ShopResult<CustomerKey> {
        todo!()
    }

    /// Products by code, optionally narrowed to one brand, priced in the customer's currency.
    pub fn products(
        &self,
        customer: CustomerKey,
        query: &ProductQuery,
    ) -> ShopResult<Vec<Product>> {
        todo!()
    }

    /// Places an order: every line must name an existing product (brand needed where the code is
    /// ambiguous) that can supply the quantity; stock is reduced; the same idempotency key for the
    /// same customer returns the earlier order with `replayed: true` and changes nothing.
    pub fn place_order(&self, customer: CustomerKey, order: &NewOrder) -> ShopResult<PlacedOrder> {
        todo!()
    }

    pub fn outbox(&self) -> ShopResult<Vec<Mail>> {
        todo!()
    }

    /// Creates a credential; the secret is returned once and only its hash is stored.
    pub fn create_api_credential(
        &self,
        customer: CustomerKey,
        label: &str,
    ) -> ShopResult<(ApiCredential, String)> {
        todo!()
    }

    pub fn api_credentials(&self, customer: CustomerKey) -> ShopResult<Vec<ApiCredential>> {
        todo!()
    }

    pub fn revoke_api_credential(&self, customer: CustomerKey, client_id: &str) -> ShopResult<()> {
        todo!()
    }

    /// The customer owning an unrevoked credential with this id and secret.
    pub fn verify_api_credential(
        &self,
        client_id: &str,
        secret: &str,
    ) -> ShopResult<Option<CustomerKey>> {
        todo!()
    }

    /// Test hook for the demo: change a product's price or stock (used by reorder demos/tests).
    pub fn set_product(
        &self,
        code: &ProductCode,
        brand: &str,
        price: Option<Money>,
        stock: Option<u32>,
    ) -> ShopResult<()> {
        todo!()
    }
}
