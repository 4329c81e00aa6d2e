//! The demo shop's data: customers, address books, catalogue with stock and prices, orders with
//! shipments, API credentials, password-reset keys and the outbox of "sent" e-mails, in SQLite.
//!
//! One connection behind a mutex: every method is synchronous and short; the HTTP handlers call
//! them through `tokio::task::spawn_blocking`. Domain failures come back as [`ShopError`] so the
//! HTTP layer maps them to status codes in one place.
//!
//! Money is stored in minor units with its currency. Prices include VAT, so an order's
//! `grand_total = items - discounts + shipping`, and `tax` is the VAT contained in it at the
//! shipping country's rate (`grand_total * rate / (100 + rate)`), shown but never added.
//! The seed data lives in `assets/demo/*.json`; see the `seed` module for its format.

mod seed;

use crate::model::*;
use crate::shop::{FieldError, ShopError, ShopResult};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};

/// Changes to the generated seed, for benchmarks; the default is the demo shop as documented
/// (and seeds exactly the same rows as before these options existed). Applied only when an empty
/// store is seeded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedOptions {
    /// Give the B2B buyer (the first demo login) this many orders instead of the seed data's
    /// count (`shopterm demo --serve --bench-orders N`).
    pub buyer_orders: Option<u32>,
}

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

/// What a reset mail's body is written from ([`Store::send_password_reset_mail`]).
pub struct ResetMail<'a> {
    pub customer: CustomerKey,
    /// The one-time key.
    pub key: &'a str,
    /// "Hello Jane Doe," (or "Hello," without a name).
    pub greeting: &'a str,
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

/// The demo shop's database. `Send + Sync`: share it in an `Arc`.
pub struct Store {
    conn: Mutex<Connection>,
}

/// Bump when the schema changes; a file written by another version is refused, not migrated.
pub const SCHEMA_VERSION: i64 = 1;
/// Order numbers are this prefix and a counter ("SO-100001").
pub const ORDER_PREFIX: &str = "SO-";
/// Most orders one page can hold; larger requests are clamped.
pub const MAX_PAGE_LIMIT: u32 = 200;
/// How long a password-reset key works.
pub const RESET_KEY_TTL: time::Duration = time::Duration::hours(1);

/// Limits of what one request may ask for, so a single call stays short.
const MAX_LOOKUP_CODES: usize = 200;
const MAX_ORDER_LINES: usize = 100;
const MAX_LINE_QUANTITY: u32 = 10_000;
const MAX_IDEMPOTENCY_KEY: usize = 128;
const MAX_NOTE: usize = 1_000;
const MAX_LABEL: usize = 64;

/// What `request_password_reset` answers, whether or not the e-mail belongs to an account.
const RESET_ANSWER: &str = "If an account exists for this e-mail address, an e-mail with a link to \
                            reset its password is on its way. The link works for one hour.";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS customers (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL,
    -- lower-cased e-mail: sign-in and uniqueness ignore case
    email_norm    TEXT NOT NULL UNIQUE,
    -- argon2 PHC string; the password itself is never stored
    password_hash TEXT NOT NULL,
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    phone         TEXT,
    company       TEXT,
    currency      TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS addresses (
    id               INTEGER PRIMARY KEY,
    customer_id      INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    first_name       TEXT NOT NULL,
    last_name        TEXT NOT NULL,
    company          TEXT,
    line1            TEXT NOT NULL,
    line2            TEXT,
    city             TEXT NOT NULL,
    postcode         TEXT NOT NULL,
    region           TEXT,
    country          TEXT NOT NULL,
    phone            TEXT,
    default_shipping INTEGER NOT NULL DEFAULT 0,
    default_billing  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS addresses_by_customer ON addresses (customer_id, id);

-- Codes repeat across brands; (code, brand) is unique and its index serves lookups by code.
CREATE TABLE IF NOT EXISTS products (
    id           INTEGER PRIMARY KEY,
    brand        TEXT NOT NULL COLLATE NOCASE,
    code         TEXT NOT NULL COLLATE NOCASE,
    name         TEXT NOT NULL,
    stock        INTEGER NOT NULL CHECK (stock >= 0),
    discontinued INTEGER NOT NULL DEFAULT 0,
    UNIQUE (code, brand)
);

-- Amounts in the currency's minor unit (cents, öre; yen have none).
CREATE TABLE IF NOT EXISTS prices (
    product_id   INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    currency     TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    PRIMARY KEY (product_id, currency)
) WITHOUT ROWID;

-- Prices include VAT: total_minor = items_minor - discounts_minor + shipping_minor, and
-- tax_minor is the VAT contained in it (shown, never added).
CREATE TABLE IF NOT EXISTS orders (
    id               INTEGER PRIMARY KEY,
    customer_id      INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    number           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    placed_at        INTEGER NOT NULL,
    status           TEXT NOT NULL,
    status_label     TEXT NOT NULL,
    payment_status   TEXT NOT NULL,
    payment_label    TEXT NOT NULL,
    currency         TEXT NOT NULL,
    item_count       INTEGER NOT NULL,
    items_minor      INTEGER NOT NULL,
    discounts_minor  INTEGER NOT NULL,
    shipping_minor   INTEGER NOT NULL,
    tax_minor        INTEGER NOT NULL,
    total_minor      INTEGER NOT NULL,
    -- JSON snapshots of the addresses as they were when the order was placed
    billing_address  TEXT,
    shipping_address TEXT,
    note             TEXT,
    idempotency_key  TEXT,
    UNIQUE (customer_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS orders_by_customer ON orders (customer_id, placed_at DESC, id DESC);

CREATE TABLE IF NOT EXISTS order_lines (
    order_id    INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    code        TEXT NOT NULL,
    brand       TEXT NOT NULL,
    name        TEXT NOT NULL,
    quantity    INTEGER NOT NULL,
    unit_minor  INTEGER NOT NULL,
    total_minor INTEGER NOT NULL,
    PRIMARY KEY (order_id, position)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS shipments (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    public_id    TEXT NOT NULL UNIQUE,
    shipped_at   INTEGER,
    carrier      TEXT NOT NULL,
    service      TEXT,
    tracking_id  TEXT,
    tracking_url TEXT,
    state        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS shipments_by_order ON shipments (order_id, id);

CREATE TABLE IF NOT EXISTS shipment_lines (
    shipment_id INTEGER NOT NULL REFERENCES shipments(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    code        TEXT NOT NULL,
    quantity    INTEGER NOT NULL,
    PRIMARY KEY (shipment_id, position)
) WITHOUT ROWID;

-- Only the SHA-256 of a secret is kept; the secret is shown once when created.
CREATE TABLE IF NOT EXISTS api_credentials (
    id            INTEGER PRIMARY KEY,
    client_id     TEXT NOT NULL UNIQUE,
    customer_id   INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    label         TEXT NOT NULL,
    secret_sha256 BLOB NOT NULL,
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER
);
CREATE INDEX IF NOT EXISTS api_credentials_by_customer ON api_credentials (customer_id, id);

-- Only the SHA-256 of a reset key is kept; the key itself travels in the e-mail.
CREATE TABLE IF NOT EXISTS password_resets (
    key_sha256  BLOB PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS outbox (
    id        INTEGER PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject   TEXT NOT NULL,
    body      TEXT NOT NULL,
    sent_at   INTEGER NOT NULL
);
";

const ORDER_SUMMARY_COLUMNS: &str = "o.number, o.placed_at, o.status, o.status_label, \
     o.payment_status, o.payment_label, o.item_count, o.total_minor, o.currency";

/// The WHERE clause of the order history: `?2` status, `?3` since (unix seconds), `?4` a LIKE
/// pattern; each NULL when not filtered. `ESCAPE '\'` pairs with [`like_pattern`].
const ORDER_FILTER: &str = "o.customer_id = ?1
       AND (?2 IS NULL OR o.status = ?2)
       AND (?3 IS NULL OR o.placed_at >= ?3)
       AND (?4 IS NULL
            OR o.number LIKE ?4 ESCAPE '\\'
            OR EXISTS (SELECT 1 FROM order_lines l
                       WHERE l.order_id = o.id
                         AND (l.code LIKE ?4 ESCAPE '\\' OR l.name LIKE ?4 ESCAPE '\\')))";

impl Store {
    /// Opens (creating if needed) the store at `path`, or an in-memory one for `None`, and seeds
    /// it from the embedded demo data when it is empty. Seeding is deterministic.
    pub fn open(path: Option<&Path>) -> ShopResult<Store> {
        Store::open_with(path, SeedOptions::default())
    }

    /// [`Store::open`], seeding an empty store with `options`.
    pub fn open_with(path: Option<&Path>, options: SeedOptions) -> ShopResult<Store> {
        let mut conn = match path {
            Some(path) => Connection::open(path),
            None => Connection::open_in_memory(),
        }
        .map_err(db_error)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(db_error)?;
        conn.execute_batch("PRAGMA foreign_keys = ON;")
            .map_err(db_error)?;
        if path.is_some() {
            // WAL lets readers of the file (a second `shopterm demo`, sqlite3) run beside the
            // writer; NORMAL sync is safe with WAL and keeps order placement fast.
            let _mode: String = conn
                .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
                .map_err(db_error)?;
            conn.execute_batch("PRAGMA synchronous = NORMAL;")
                .map_err(db_error)?;
        }
        let tx = conn.transaction().map_err(db_error)?;
        tx.execute_batch(SCHEMA).map_err(db_error)?;
        tx.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?1)",
            [SCHEMA_VERSION],
        )
        .map_err(db_error)?;
        let version: i64 = tx
            .query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |row| row.get(0),
            )
            .map_err(db_error)?;
        if version != SCHEMA_VERSION {
            return Err(server_error(format!(
                "the demo store file has schema version {version}, this shopterm uses \
                 {SCHEMA_VERSION}; delete the file or run the demo in memory"
            )));
        }
        let customers: i64 = tx
            .query_row("SELECT COUNT(*) FROM customers", [], |row| row.get(0))
            .map_err(db_error)?;
        if customers == 0 {
            seed::seed(&tx, options)?;
        }
        tx.commit().map_err(db_error)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    /// The connection. A panic while it was held cannot leave a transaction open (a dropped
    /// `Transaction` rolls back), so a poisoned lock is safe to take over.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn stats(&self) -> ShopResult<StoreStats> {
        let conn = self.conn();
        let counts = conn
            .query_row(
                "SELECT (SELECT COUNT(*) FROM customers), (SELECT COUNT(*) FROM addresses),
                        (SELECT COUNT(*) FROM products), (SELECT COUNT(*) FROM orders),
                        (SELECT COUNT(*) FROM order_lines), (SELECT COUNT(*) FROM shipments)",
                [],
                |row| {
                    Ok([
                        row.get::<_, i64>(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                        row.get(5)?,
                    ])
                },
            )
            .map_err(db_error)?;
        let [
            customers,
            addresses,
            products,
            orders,
            order_lines,
            shipments,
        ] = counts.map(|n| n.max(0) as u64);
        Ok(StoreStats {
            customers,
            addresses,
            products,
            orders,
            order_lines,
            shipments,
        })
    }

    /// The demo accounts with their passwords, B2B buyer first.
    pub fn demo_logins() -> Vec<DemoLogin> {
        // The data is compiled in and parsed by the unit tests, so failing here is a broken build.
        let data = seed::data().expect("the embedded demo seed data is valid");
        data.customers
            .customers
            .iter()
            .map(|customer| DemoLogin {
                email: customer.email.clone(),
                password: customer.password.clone(),
                description: customer.description.clone(),
            })
            .collect()
    }

    /// The customer with this e-mail (case-insensitive) and password, or `None` — the same answer
    /// for an unknown e-mail and a wrong password.
    pub fn verify_password(&self, email: &str, password: &str) -> ShopResult<Option<CustomerKey>> {
        let found: Option<(CustomerKey, String)> = {
            let conn = self.conn();
            let mut statement = conn
                .prepare_cached("SELECT id, password_hash FROM customers WHERE email_norm = ?1")
                .map_err(db_error)?;
            statement
                .query_row([normalize_email(email)], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .optional()
                .map_err(db_error)?
        };
        // Hashing happens outside the lock: argon2 takes a while and must not stall other calls.
        match found {
            Some((customer, hash)) => Ok(password_matches(password, &hash).then_some(customer)),
            None => {
                // Spend the same time on an unknown e-mail, so timing does not tell it apart.
                let _ = password_matches(password, dummy_hash());
                Ok(None)
            }
        }
    }

    pub fn account(&self, customer: CustomerKey) -> ShopResult<Account> {
        load_account(&self.conn(), customer)
    }

    /// Validates (model::validate::account) and saves; an e-mail taken by another customer is a
    /// validation error on `email`.
    pub fn update_account(
        &self,
        customer: CustomerKey,
        draft: &AccountDraft,
    ) -> ShopResult<Account> {
        let mut fields = validate::account(draft);
        let email = draft.email.trim();
        let conn = self.conn();
        if fields.is_empty() {
            let taken: Option<i64> = conn
                .prepare_cached("SELECT id FROM customers WHERE email_norm = ?1 AND id != ?2")
                .and_then(|mut s| {
                    s.query_row(params![normalize_email(email), customer], |row| row.get(0))
                        .optional()
                })
                .map_err(db_error)?;
            if taken.is_some() {
                fields.push(field_error("email", "is already used by another account"));
            }
        }
        if !fields.is_empty() {
            return Err(invalid(fields));
        }
        let changed = conn
            .prepare_cached(
                "UPDATE customers SET email = ?1, email_norm = ?2, first_name = ?3,
                        last_name = ?4, phone = ?5, company = ?6
                 WHERE id = ?7",
            )
            .and_then(|mut s| {
                s.execute(params![
                    email,
                    normalize_email(email),
                    draft.first_name.trim(),
                    draft.last_name.trim(),
                    optional_text(draft.phone.as_deref()),
                    optional_text(draft.company.as_deref()),
                    customer,
                ])
            })
            .map_err(db_error)?;
        if changed == 0 {
            return Err(ShopError::NotFound("customer account".to_owned()));
        }
        load_account(&conn, customer)
    }

    pub fn addresses(&self, customer: CustomerKey) -> ShopResult<Vec<Address>> {
        load_addresses(&self.conn(), customer)
    }

    /// The first address of a customer becomes default shipping and billing.
    pub fn create_address(
        &self,
        customer: CustomerKey,
        draft: &PostalAddress,
    ) -> ShopResult<Address> {
        let fields = validate::address(draft);
        if !fields.is_empty() {
            return Err(invalid(fields));
        }
        let postal = normalize_address(draft);
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(db_error)?;
        ensure_customer(&tx, customer)?;
        let existing: i64 = tx
            .query_row(
                "SELECT COUNT(*) FROM addresses WHERE customer_id = ?1",
                [customer],
                |row| row.get(0),
            )
            .map_err(db_error)?;
        let first = existing == 0;
        tx.prepare_cached(
            "INSERT INTO addresses (customer_id, first_name, last_name, company, line1, line2, city,
                                    postcode, region, country, phone, default_shipping,
                                    default_billing)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
        )
        .and_then(|mut s| {
            s.execute(params![
                customer,
                postal.first_name,
                postal.last_name,
                postal.company,
                postal.line1,
                postal.line2,
                postal.city,
                postal.postcode,
                postal.region,
                postal.country,
                postal.phone,
                first,
            ])
        })
        .map_err(db_error)?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(db_error)?;
        Ok(Address {
            id: AddressId(id.to_string()),
            postal,
            default_shipping: first,
            default_billing: first,
        })
    }

    pub fn update_address(
        &self,
        customer: CustomerKey,
        id: &AddressId,
        draft: &PostalAddress,
    ) -> ShopResult<Address> {
        let key = address_key(id)?;
        let fields = validate::address(draft);
        if !fields.is_empty() {
            return Err(invalid(fields));
        }
        let postal = normalize_address(draft);
        let conn = self.conn();
        let changed = conn
            .prepare_cached(
                "UPDATE addresses SET first_name = ?3, last_name = ?4, company = ?5, line1 = ?6,
                        line2 = ?7, city = ?8, postcode = ?9, region = ?10, country = ?11,
                        phone = ?12
                 WHERE id = ?1 AND customer_id = ?2",
            )
            .and_then(|mut s| {
                s.execute(params![
                    key,
                    customer,
                    postal.first_name,
                    postal.last_name,
                    postal.company,
                    postal.line1,
                    postal.line2,
                    postal.city,
                    postal.postcode,
                    postal.region,
                    postal.country,
                    postal.phone,
                ])
            })
            .map_err(db_error)?;
        if changed == 0 {
            return Err(address_not_found(id));
        }
        load_addresses(&conn, customer)?
            .into_iter()
            .find(|address| &address.id == id)
            .ok_or_else(|| address_not_found(id))
    }

    /// Deleting a default address is a conflict while other addresses exist to take its role:
    /// the customer must choose a new default first. The last address can be deleted.
    pub fn delete_address(&self, customer: CustomerKey, id: &AddressId) -> ShopResult<()> {
        let key = address_key(id)?;
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(db_error)?;
        let defaults: Option<(bool, bool)> = tx
            .query_row(
                "SELECT default_shipping, default_billing FROM addresses
                 WHERE id = ?1 AND customer_id = ?2",
                params![key, customer],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(db_error)?;
        let Some((shipping, billing)) = defaults else {
            return Err(address_not_found(id));
        };
        if shipping || billing {
            let others: i64 = tx
                .query_row(
                    "SELECT COUNT(*) FROM addresses WHERE customer_id = ?1 AND id != ?2",
                    params![customer, key],
                    |row| row.get(0),
                )
                .map_err(db_error)?;
            if others > 0 {
                let role = match (shipping, billing) {
                    (true, true) => "shipping and billing",
                    (true, false) => "shipping",
                    _ => "billing",
                };
                return Err(ShopError::Conflict(format!(
                    "address {id} is your default {role} address; make another address the \
                     default first"
                )));
            }
        }
        tx.execute(
            "DELETE FROM addresses WHERE id = ?1 AND customer_id = ?2",
            params![key, customer],
        )
        .map_err(db_error)?;
        tx.commit().map_err(db_error)
    }

    pub fn set_default_address(
        &self,
        customer: CustomerKey,
        id: &AddressId,
        role: AddressRole,
    ) -> ShopResult<Vec<Address>> {
        let key = address_key(id)?;
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(db_error)?;
        let exists: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM addresses WHERE id = ?1 AND customer_id = ?2)",
                params![key, customer],
                |row| row.get(0),
            )
            .map_err(db_error)?;
        if !exists {
            return Err(address_not_found(id));
        }
        // One of two fixed statements; the column name never comes from input.
        let sql = match role {
            AddressRole::Shipping => {
                "UPDATE addresses SET default_shipping = (id = ?2) WHERE customer_id = ?1"
            }
            AddressRole::Billing => {
                "UPDATE addresses SET default_billing = (id = ?2) WHERE customer_id = ?1"
            }
        };
        tx.execute(sql, params![customer, key]).map_err(db_error)?;
        let book = load_addresses(&tx, customer)?;
        tx.commit().map_err(db_error)?;
        Ok(book)
    }

    /// Newest first (placed_at, then number, descending); filter by status, since-date and a
    /// search string matching the order number or a line's code or name (case-insensitive).
    pub fn orders(
        &self,
        customer: CustomerKey,
        page: &PageRequest,
    ) -> ShopResult<Page<OrderSummary>> {
        let limit = page.limit.clamp(1, MAX_PAGE_LIMIT);
        let offset = i64::try_from(page.offset).unwrap_or(i64::MAX);
        let filter = &page.filter;
        let status = filter.status.map(|s| s.as_str());
        let since = filter
            .since
            .map(|day| day.midnight().assume_utc().unix_timestamp());
        // Case-insensitive for ASCII letters, as SQLite's LIKE is; other scripts match exactly.
        let pattern = filter
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(like_pattern);
        let conn = self.conn();
        let total: i64 = conn
            .prepare_cached(&format!(
                "SELECT COUNT(*) FROM orders o WHERE {ORDER_FILTER}"
            ))
            .and_then(|mut s| {
                s.query_row(params![customer, status, since, pattern], |row| row.get(0))
            })
            .map_err(db_error)?;
        let items = conn
            .prepare_cached(&format!(
                "SELECT {ORDER_SUMMARY_COLUMNS} FROM orders o WHERE {ORDER_FILTER}
                 ORDER BY o.placed_at DESC, o.id DESC LIMIT ?5 OFFSET ?6"
            ))
            .and_then(|mut s| {
                s.query_map(
                    params![customer, status, since, pattern, limit, offset],
                    order_summary,
                )?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(db_error)?;
        let total = total.max(0) as u64;
        Ok(Page {
            has_more: page.offset.saturating_add(items.len() as u64) < total,
            items,
            offset: page.offset,
            total: Some(total),
        })
    }

    pub fn order(&self, customer: CustomerKey, number: &OrderNumber) -> ShopResult<OrderDetail> {
        let conn = self.conn();
        let found = conn
            .prepare_cached(&format!(
                "SELECT {ORDER_SUMMARY_COLUMNS}, o.id, o.items_minor, o.discounts_minor,
                        o.shipping_minor, o.tax_minor, o.billing_address, o.shipping_address
                 FROM orders o WHERE o.number = ?1 AND o.customer_id = ?2"
            ))
            .and_then(|mut s| {
                s.query_row(params![number.as_str().trim(), customer], |row| {
                    let summary = order_summary(row)?;
                    let currency = summary.total.currency;
                    let money = |index| -> rusqlite::Result<Money> {
                        Ok(Money::from_minor(row.get(index)?, currency))
                    };
                    let totals = OrderTotals {
                        items: money(10)?,
                        discounts: money(11)?,
                        shipping: money(12)?,
                        tax: money(13)?,
                        grand_total: summary.total,
                    };
                    let billing: Option<String> = row.get(14)?;
                    let shipping: Option<String> = row.get(15)?;
                    Ok((row.get::<_, i64>(9)?, summary, totals, billing, shipping))
                })
                .optional()
            })
            .map_err(db_error)?;
        let Some((order_id, summary, totals, billing, shipping)) = found else {
            return Err(ShopError::NotFound(format!("order {number}")));
        };
        let currency = summary.total.currency;
        let lines = conn
            .prepare_cached(
                "SELECT code, brand, name, quantity, unit_minor, total_minor FROM order_lines
                 WHERE order_id = ?1 ORDER BY position",
            )
            .and_then(|mut s| {
                s.query_map([order_id], |row| {
                    Ok(OrderLine {
                        code: ProductCode(row.get(0)?),
                        brand: row.get(1)?,
                        name: row.get(2)?,
                        quantity: row.get(3)?,
                        unit_price: Money::from_minor(row.get(4)?, currency),
                        line_total: Money::from_minor(row.get(5)?, currency),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(db_error)?;
        let mut shipments = conn
            .prepare_cached(
                "SELECT id, public_id, shipped_at, carrier, service, tracking_id, tracking_url,
                        state
                 FROM shipments WHERE order_id = ?1 ORDER BY id",
            )
            .and_then(|mut s| {
                s.query_map([order_id], |row| {
                    let shipped_at: Option<i64> = row.get(2)?;
                    let state: String = row.get(7)?;
                    Ok((
                        row.get::<_, i64>(0)?,
                        Shipment {
                            id: row.get(1)?,
                            shipped_at: shipped_at.map(|t| timestamp(t, 2)).transpose()?,
                            carrier: row.get(3)?,
                            service: row.get(4)?,
                            tracking_id: row.get(5)?,
                            tracking_url: row.get(6)?,
                            state: parse_shipment_state(&state),
                            lines: Vec::new(),
                        },
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(db_error)?;
        let mut shipment_lines = conn
            .prepare_cached(
                "SELECT code, quantity FROM shipment_lines WHERE shipment_id = ?1
                 ORDER BY position",
            )
            .map_err(db_error)?;
        for (shipment_id, shipment) in &mut shipments {
            shipment.lines = shipment_lines
                .query_map([*shipment_id], |row| {
                    Ok(ShipmentLine {
                        code: ProductCode(row.get(0)?),
                        quantity: row.get(1)?,
                    })
                })
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(db_error)?;
        }
        Ok(OrderDetail {
            summary,
            lines,
            totals,
            billing_address: billing.as_deref().map(parse_snapshot).transpose()?,
            shipping_address: shipping.as_deref().map(parse_snapshot).transpose()?,
            shipments: shipments
                .into_iter()
                .map(|(_, shipment)| shipment)
                .collect(),
        })
    }

    /// Wrong current password is a validation error on `current_password`.
    pub fn change_password(
        &self,
        customer: CustomerKey,
        current: &str,
        new: &str,
    ) -> ShopResult<()> {
        let stored: Option<String> = self
            .conn()
            .query_row(
                "SELECT password_hash FROM customers WHERE id = ?1",
                [customer],
                |row| row.get(0),
            )
            .optional()
            .map_err(db_error)?;
        let stored = stored.ok_or_else(|| ShopError::NotFound("customer account".to_owned()))?;
        let mut fields = Vec::new();
        if !password_matches(current, &stored) {
            fields.push(field_error("current_password", "is not correct"));
        }
        fields.extend(validate::new_password(new));
        if !fields.is_empty() {
            return Err(invalid(fields));
        }
        let hash = hash_password(new)?;
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(db_error)?;
        tx.execute(
            "UPDATE customers SET password_hash = ?1 WHERE id = ?2",
            params![hash, customer],
        )
        .map_err(db_error)?;
        // Reset links sent before the change must not undo it.
        tx.execute(
            "UPDATE password_resets SET used_at = ?1 WHERE customer_id = ?2 AND used_at IS NULL",
            params![now(), customer],
        )
        .map_err(db_error)?;
        tx.commit().map_err(db_error)
    }

    /// Writes a mail with a one-time reset key (valid 1 hour) to the outbox when the e-mail is
    /// known; answers the same message either way, so it reveals nothing about which e-mails exist.
    pub fn request_password_reset(&self, email: &str, reset_url_base: &str) -> ShopResult<String> {
        let base = reset_url_base.trim_end_matches('/');
        self.send_password_reset_mail(email, |mail| {
            let (greeting, key) = (mail.greeting, mail.key);
            format!(
                "{greeting}\n\n\
                 someone (hopefully you) asked to reset the password of your account at the \
                 shopterm demo shop.\n\
                 Open this link within one hour to choose a new password:\n\n\
                 {base}/password/reset?key={key}\n\n\
                 or give shopterm the key:\n\n\
                 Reset key: {key}\n\n\
                 The key works once. If you did not ask for this, ignore this e-mail; your \
                 password stays as it is.\n"
            )
        })?;
        Ok(RESET_ANSWER.to_owned())
    }

    /// The reset flow of [`Store::request_password_reset`] with the mail's body written by `body`,
    /// for the platform emulators whose links look different (Centra's `…?id=48&i=…`). Answers
    /// whether the e-mail belongs to a customer (and so whether a mail went out); whether to tell
    /// that to the asker is the caller's decision.
    pub fn send_password_reset_mail(
        &self,
        email: &str,
        body: impl FnOnce(ResetMail<'_>) -> String,
    ) -> ShopResult<bool> {
        let email = email.trim();
        if !validate::is_plausible_email(email) {
            return Err(ShopError::field("email", "is not an e-mail address"));
        }
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(db_error)?;
        let found: Option<(CustomerKey, String, String, String)> = tx
            .query_row(
                "SELECT id, email, first_name, last_name FROM customers WHERE email_norm = ?1",
                [normalize_email(email)],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .optional()
            .map_err(db_error)?;
        let sent = found.is_some();
        if let Some((customer, to, first_name, last_name)) = found {
            let key = random_token();
            let now = now();
            tx.execute(
                "INSERT INTO password_resets (key_sha256, customer_id, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    sha256(&key).as_slice(),
                    customer,
                    now,
                    now + RESET_KEY_TTL.whole_seconds()
                ],
            )
            .map_err(db_error)?;
            let name = format!("{first_name} {last_name}");
            let greeting = match name.trim() {
                "" => "Hello,".to_owned(),
                name => format!("Hello {name},"),
            };
            let body = body(ResetMail {
                customer,
                key: &key,
                greeting: &greeting,
            });
            tx.execute(
                "INSERT INTO outbox (recipient, subject, body, sent_at) VALUES (?1, ?2, ?3, ?4)",
                params![to, "Reset your password", body, now],
            )
            .map_err(db_error)?;
        }
        tx.commit().map_err(db_error)?;
        Ok(sent)
    }

    /// An unknown, used or expired key is a validation error on `key`.
    pub fn reset_password(&self, key: &str, new_password: &str) -> ShopResult<CustomerKey> {
        self.reset_password_of(None, key, new_password)
    }

    /// [`Store::reset_password`], where the key counts only when it was sent to `customer` (when
    /// given): Centra's reset links name the customer beside the key.
    pub fn reset_password_of(
        &self,
        only_for: Option<CustomerKey>,
        key: &str,
        new_password: &str,
    ) -> ShopResult<CustomerKey> {
        let key_hash = sha256(key.trim());
        let mut fields = validate::new_password(new_password);
        // Hash before taking the lock; a bad key then costs as much time as a good one.
        let new_hash = if fields.is_empty() {
            Some(hash_password(new_password)?)
        } else {
            None
        };
        let bad_key = || field_error("key", "is unknown, already used or expired");
        let now = now();
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(db_error)?;
        let Some(new_hash) = new_hash else {
            // Report the key too, but do not use it up for a password that was refused.
            let valid: bool = tx
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM password_resets WHERE key_sha256 = ?1
                                    AND used_at IS NULL AND expires_at > ?2
                                    AND (?3 IS NULL OR customer_id = ?3))",
                    params![key_hash.as_slice(), now, only_for],
                    |row| row.get(0),
                )
                .map_err(db_error)?;
            if !valid {
                fields.insert(0, bad_key());
            }
            return Err(invalid(fields));
        };
        let customer: Option<CustomerKey> = tx
            .query_row(
                "UPDATE password_resets SET used_at = ?2
                 WHERE key_sha256 = ?1 AND used_at IS NULL AND expires_at > ?2
                   AND (?3 IS NULL OR customer_id = ?3)
                 RETURNING customer_id",
                params![key_hash.as_slice(), now, only_for],
                |row| row.get(0),
            )
            .optional()
            .map_err(db_error)?;
        let Some(customer) = customer else {
            return Err(invalid(vec![bad_key()]));
        };
        tx.execute(
            "UPDATE customers SET password_hash = ?1 WHERE id = ?2",
            params![new_hash, customer],
        )
        .map_err(db_error)?;
        // Other keys of this customer die with this one: the reset is done.
        tx.execute(
            "UPDATE password_resets SET used_at = ?1 WHERE customer_id = ?2 AND used_at IS NULL",
            params![now, customer],
        )
        .map_err(db_error)?;
        tx.commit().map_err(db_error)?;
        Ok(customer)
    }

    /// Products by code, optionally narrowed to one brand, priced in the customer's currency.
    pub fn products(
        &self,
        customer: CustomerKey,
        query: &ProductQuery,
    ) -> ShopResult<Vec<Product>> {
        if query.codes.len() > MAX_LOOKUP_CODES {
            return Err(ShopError::field(
                "codes",
                format!("at most {MAX_LOOKUP_CODES} codes per lookup"),
            ));
        }
        let brand = optional_text(query.brand.as_deref());
        let conn = self.conn();
        let currency = customer_currency(&conn, customer)?;
        let mut statement = conn
            .prepare_cached(
                "SELECT p.code, p.brand, p.name, p.stock, p.discontinued, pr.amount_minor
                 FROM products p
                 JOIN prices pr ON pr.product_id = p.id AND pr.currency = ?2
                 WHERE p.code = ?1 AND (?3 IS NULL OR p.brand = ?3)
                 ORDER BY p.brand",
            )
            .map_err(db_error)?;
        let mut seen = std::collections::HashSet::new();
        let mut products = Vec::new();
        for code in &query.codes {
            let code = code.as_str().trim();
            // Codes compare without case, so "kst-ct100" and "KST-CT100" are one lookup.
            if code.is_empty() || !seen.insert(code.to_lowercase()) {
                continue;
            }
            let rows = statement
                .query_map(params![code, currency.as_str(), brand], |row| {
                    Ok(Product {
                        code: ProductCode(row.get(0)?),
                        brand: row.get(1)?,
                        name: row.get(2)?,
                        availability: availability(row.get(3)?, row.get(4)?),
                        price: Money::from_minor(row.get(5)?, currency),
                    })
                })
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(db_error)?;
            products.extend(rows);
        }
        Ok(products)
    }

    /// Places an order: every line must name an existing product (brand needed where the code is
    /// ambiguous) that can supply the quantity; stock is reduced; the same idempotency key for the
    /// same customer returns the earlier order with `replayed: true` and changes nothing.
    ///
    /// Refusals are validation errors naming every problem at once: `lines[i].code` (unknown or
    /// discontinued), `lines[i].brand` (ambiguous code or wrong brand), `lines[i].quantity` (zero,
    /// or more than the stock — the message names the code and how many are left),
    /// `shipping_address` / `billing_address` (not the customer's, or no address at all),
    /// `idempotency_key`, `lines` and `note`. The order is priced in the customer's currency,
    /// ships to the named or default shipping address and is billed to the named or default
    /// billing address; it starts pending ("Awaiting payment") and unpaid.
    pub fn place_order(&self, customer: CustomerKey, order: &NewOrder) -> ShopResult<PlacedOrder> {
        let key = order.idempotency_key.trim();
        let mut fields = Vec::new();
        if key.is_empty() {
            fields.push(field_error("idempotency_key", "is required"));
        } else if key.chars().count() > MAX_IDEMPOTENCY_KEY || key.chars().any(char::is_control) {
            fields.push(field_error(
                "idempotency_key",
                format!("must be at most {MAX_IDEMPOTENCY_KEY} printable characters"),
            ));
        }
        if order.lines.is_empty() {
            fields.push(field_error("lines", "an order needs at least one line"));
        } else if order.lines.len() > MAX_ORDER_LINES {
            fields.push(field_error(
                "lines",
                format!("at most {MAX_ORDER_LINES} lines per order"),
            ));
        }
        let note = optional_text(order.note.as_deref());
        if let Some(note) = note
            && (note.chars().count() > MAX_NOTE
                || note
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\t'))
        {
            fields.push(field_error(
                "note",
                format!("must be at most {MAX_NOTE} characters of text"),
            ));
        }
        if !fields.is_empty() {
            return Err(invalid(fields));
        }

        let rules = &seed::data().map_err(server_error)?.rules;
        let mut conn = self.conn();
        // IMMEDIATE takes the write lock up front: a second process on the same file cannot sell
        // the same stock between our check and our update.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error)?;
        let currency = customer_currency(&tx, customer)?;
        let earlier = tx
            .prepare_cached(
                "SELECT number, total_minor, currency FROM orders
                 WHERE customer_id = ?1 AND idempotency_key = ?2",
            )
            .and_then(|mut s| {
                s.query_row(params![customer, key], |row| {
                    Ok(PlacedOrder {
                        number: OrderNumber(row.get(0)?),
                        replayed: true,
                        total: Money::from_minor(row.get(1)?, currency_at(row, 2)?),
                    })
                })
                .optional()
            })
            .map_err(db_error)?;
        if let Some(earlier) = earlier {
            return Ok(earlier);
        }

        let lines = resolve_lines(&tx, &order.lines, currency, &mut fields)?;
        let shipping = order_address(
            &tx,
            customer,
            order.shipping_address.as_ref(),
            AddressRole::Shipping,
            &mut fields,
        )?;
        let billing = order_address(
            &tx,
            customer,
            order.billing_address.as_ref(),
            AddressRole::Billing,
            &mut fields,
        )?;
        if !fields.is_empty() {
            return Err(invalid(fields));
        }
        let Some(shipping) = shipping else {
            return Err(ShopError::field(
                "shipping_address",
                "add an address to the address book first",
            ));
        };
        // Without a billing address of its own, the order is billed to where it ships.
        let billing = billing.unwrap_or_else(|| shipping.clone());

        let currency_rule = rules
            .currency(currency)
            .ok_or_else(|| server_error(format!("the demo shop has no rules for {currency}")))?;
        let items: i64 = lines
            .iter()
            .map(|line| line.unit_minor * i64::from(line.quantity))
            .sum();
        let totals = seed::Totals::compute(
            items,
            0,
            currency_rule,
            rules.tax_percent(&shipping.country),
        );
        let pending = rules
            .status(OrderStatus::Pending)
            .ok_or_else(|| server_error("no label for pending orders"))?;
        let (status_label, payment_label) = match pending.payments.first() {
            Some(payment) => (pending.label.as_str(), payment.label.as_str()),
            None => (pending.label.as_str(), pending.label.as_str()),
        };
        // Numbers increase with the date: never place before the newest order (the seeded
        // history ends at a fixed instant that a wrong clock could precede).
        let newest: Option<i64> = tx
            .query_row(
                "SELECT placed_at FROM orders ORDER BY id DESC LIMIT 1",
                [],
                |row| row.get(0),
            )
            .optional()
            .map_err(db_error)?;
        let placed_at = now().max(newest.unwrap_or(i64::MIN));
        let sequence: i64 = tx
            .query_row(
                "UPDATE meta SET value = value + 1 WHERE key = 'order_seq' RETURNING value",
                [],
                |row| row.get(0),
            )
            .map_err(db_error)?;
        let number = format!("{ORDER_PREFIX}{sequence}");
        let snapshot = |address: &PostalAddress| {
            serde_json::to_string(address)
                .map_err(|e| server_error(format!("cannot store an address: {e}")))
        };
        let (billing, shipping) = (snapshot(&billing)?, snapshot(&shipping)?);
        tx.prepare_cached(
            "INSERT INTO orders (customer_id, number, placed_at, status, status_label,
                                 payment_status, payment_label, currency, item_count, items_minor,
                                 discounts_minor, shipping_minor, tax_minor, total_minor,
                                 billing_address, shipping_address, note, idempotency_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                     ?18)",
        )
        .and_then(|mut s| {
            s.execute(params![
                customer,
                number,
                placed_at,
                OrderStatus::Pending.as_str(),
                status_label,
                PaymentStatus::Unpaid.as_str(),
                payment_label,
                currency.as_str(),
                lines
                    .iter()
                    .map(|line| i64::from(line.quantity))
                    .sum::<i64>(),
                totals.items,
                totals.discounts,
                totals.shipping,
                totals.tax,
                totals.grand_total,
                billing,
                shipping,
                note,
                key,
            ])
        })
        .map_err(db_error)?;
        let order_id = tx.last_insert_rowid();
        let mut insert_line = tx
            .prepare_cached(
                "INSERT INTO order_lines (order_id, position, code, brand, name, quantity,
                                          unit_minor, total_minor)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .map_err(db_error)?;
        let mut take_stock = tx
            .prepare_cached("UPDATE products SET stock = stock - ?1 WHERE id = ?2 AND stock >= ?1")
            .map_err(db_error)?;
        for (position, line) in lines.iter().enumerate() {
            insert_line
                .execute(params![
                    order_id,
                    position as i64,
                    line.code,
                    line.brand,
                    line.name,
                    line.quantity,
                    line.unit_minor,
                    line.unit_minor * i64::from(line.quantity),
                ])
                .map_err(db_error)?;
            // Checked above under the same transaction; this guard only fires if that changes.
            if take_stock
                .execute(params![line.quantity, line.product_id])
                .map_err(db_error)?
                != 1
            {
                return Err(ShopError::Conflict(format!(
                    "{} {} sold out while the order was placed",
                    line.brand, line.code
                )));
            }
        }
        drop(insert_line);
        drop(take_stock);
        tx.commit().map_err(db_error)?;
        Ok(PlacedOrder {
            number: OrderNumber(number),
            replayed: false,
            total: Money::from_minor(totals.grand_total, currency),
        })
    }

    pub fn outbox(&self) -> ShopResult<Vec<Mail>> {
        let conn = self.conn();
        conn.prepare_cached("SELECT id, recipient, subject, body, sent_at FROM outbox ORDER BY id")
            .and_then(|mut s| {
                s.query_map([], |row| {
                    Ok(Mail {
                        id: row.get(0)?,
                        to: row.get(1)?,
                        subject: row.get(2)?,
                        body: row.get(3)?,
                        sent_at: timestamp(row.get(4)?, 4)?,
                    })
                })?
                .collect()
            })
            .map_err(db_error)
    }

    /// Creates a credential; the secret is returned once and only its hash is stored.
    pub fn create_api_credential(
        &self,
        customer: CustomerKey,
        label: &str,
    ) -> ShopResult<(ApiCredential, String)> {
        let label = label.trim();
        if label.is_empty() {
            return Err(ShopError::field("label", "is required"));
        }
        if label.chars().count() > MAX_LABEL || label.chars().any(char::is_control) {
            return Err(ShopError::field(
                "label",
                format!("must be at most {MAX_LABEL} printable characters"),
            ));
        }
        let client_id: String = rand::random::<[u8; 16]>()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        let secret = random_token();
        let created_at = now();
        let conn = self.conn();
        ensure_customer(&conn, customer)?;
        conn.execute(
            "INSERT INTO api_credentials (client_id, customer_id, label, secret_sha256, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                client_id,
                customer,
                label,
                sha256(&secret).as_slice(),
                created_at
            ],
        )
        .map_err(db_error)?;
        let credential = ApiCredential {
            client_id,
            label: label.to_owned(),
            created_at: timestamp(created_at, 0).map_err(db_error)?,
        };
        Ok((credential, secret))
    }

    /// The customer's credentials that still work, oldest first.
    pub fn api_credentials(&self, customer: CustomerKey) -> ShopResult<Vec<ApiCredential>> {
        let conn = self.conn();
        conn.prepare_cached(
            "SELECT client_id, label, created_at FROM api_credentials
             WHERE customer_id = ?1 AND revoked_at IS NULL ORDER BY id",
        )
        .and_then(|mut s| {
            s.query_map([customer], |row| {
                Ok(ApiCredential {
                    client_id: row.get(0)?,
                    label: row.get(1)?,
                    created_at: timestamp(row.get(2)?, 2)?,
                })
            })?
            .collect()
        })
        .map_err(db_error)
    }

    /// Revoking a credential that is not the customer's, or already revoked, is `NotFound`.
    pub fn revoke_api_credential(&self, customer: CustomerKey, client_id: &str) -> ShopResult<()> {
        let changed = self
            .conn()
            .execute(
                "UPDATE api_credentials SET revoked_at = ?3
                 WHERE client_id = ?1 AND customer_id = ?2 AND revoked_at IS NULL",
                params![client_id, customer, now()],
            )
            .map_err(db_error)?;
        if changed == 0 {
            return Err(ShopError::NotFound(format!("API credential {client_id}")));
        }
        Ok(())
    }

    /// The customer owning an unrevoked credential with this id and secret.
    pub fn verify_api_credential(
        &self,
        client_id: &str,
        secret: &str,
    ) -> ShopResult<Option<CustomerKey>> {
        let found: Option<(CustomerKey, Vec<u8>)> = self
            .conn()
            .prepare_cached(
                "SELECT customer_id, secret_sha256 FROM api_credentials
                 WHERE client_id = ?1 AND revoked_at IS NULL",
            )
            .and_then(|mut s| {
                s.query_row([client_id], |row| Ok((row.get(0)?, row.get(1)?)))
                    .optional()
            })
            .map_err(db_error)?;
        let offered = sha256(secret);
        Ok(found
            .and_then(|(customer, stored)| constant_time_eq(&stored, &offered).then_some(customer)))
    }

    /// Test hook for the demo: change a product's price or stock (used by reorder demos/tests).
    /// A price sets the product's price in that money's currency.
    pub fn set_product(
        &self,
        code: &ProductCode,
        brand: &str,
        price: Option<Money>,
        stock: Option<u32>,
    ) -> ShopResult<()> {
        let price = match price {
            Some(money) => Some((
                money.currency,
                to_minor_units(money)
                    .filter(|minor| *minor >= 0)
                    .ok_or_else(|| ShopError::field("price", "must be a positive amount"))?,
            )),
            None => None,
        };
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(db_error)?;
        let product: Option<i64> = tx
            .query_row(
                "SELECT id FROM products WHERE code = ?1 AND brand = ?2",
                params![code.as_str().trim(), brand.trim()],
                |row| row.get(0),
            )
            .optional()
            .map_err(db_error)?;
        let Some(product) = product else {
            return Err(ShopError::NotFound(format!("product {brand} {code}")));
        };
        if let Some((currency, minor)) = price {
            tx.execute(
                "INSERT INTO prices (product_id, currency, amount_minor) VALUES (?1, ?2, ?3)
                 ON CONFLICT (product_id, currency) DO UPDATE SET amount_minor = excluded.amount_minor",
                params![product, currency.as_str(), minor],
            )
            .map_err(db_error)?;
        }
        if let Some(stock) = stock {
            tx.execute(
                "UPDATE products SET stock = ?1 WHERE id = ?2",
                params![stock, product],
            )
            .map_err(db_error)?;
        }
        tx.commit().map_err(db_error)
    }
}

// ------------------------------------------------------------------------------------------------
// Helpers.

/// A database failure as the HTTP layer reports it. SQLite's messages name tables and
/// constraints, never bound values, so no password or key can leak through them.
fn db_error(error: rusqlite::Error) -> ShopError {
    server_error(format!("database error: {error}"))
}

fn server_error(message: impl Into<String>) -> ShopError {
    ShopError::Server {
        status: 500,
        message: message.into(),
    }
}

fn field_error(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// A validation error whose message lists every field problem, as [`ShopError::field`] does for one.
fn invalid(fields: Vec<FieldError>) -> ShopError {
    let message = fields
        .iter()
        .map(|f| format!("{}: {}", f.field, f.message))
        .collect::<Vec<_>>()
        .join("; ");
    ShopError::Validation { message, fields }
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Trimmed text, or `None` when nothing is left.
fn optional_text(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

fn normalize_address(draft: &PostalAddress) -> PostalAddress {
    let optional = |value: &Option<String>| optional_text(value.as_deref()).map(str::to_owned);
    PostalAddress {
        first_name: draft.first_name.trim().to_owned(),
        last_name: draft.last_name.trim().to_owned(),
        company: optional(&draft.company),
        line1: draft.line1.trim().to_owned(),
        line2: optional(&draft.line2),
        city: draft.city.trim().to_owned(),
        postcode: draft.postcode.trim().to_owned(),
        region: optional(&draft.region),
        country: draft.country.trim().to_ascii_uppercase(),
        phone: optional(&draft.phone),
    }
}

fn hash_password(password: &str) -> ShopResult<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| server_error(format!("cannot hash the password: {e}")))
}

fn password_matches(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// A hash of no one's password, verified against for unknown e-mails.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no account has this password").unwrap_or_default())
}

fn sha256(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// 32 random bytes from the OS-seeded CSPRNG, base64url without padding (43 characters).
fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// Compares without stopping at the first difference, so timing does not tell how much matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

/// A LIKE pattern matching `search` anywhere, with `%`, `_` and `\` taken literally.
fn like_pattern(search: &str) -> String {
    let mut pattern = String::with_capacity(search.len() + 2);
    pattern.push('%');
    for c in search.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn to_minor_units(money: Money) -> Option<i64> {
    let scale = Decimal::from(10_i64.pow(money.currency.minor_digits()));
    (money.rounded().amount * scale).to_i64()
}

fn availability(stock: u32, discontinued: bool) -> Availability {
    if discontinued {
        Availability::Discontinued
    } else if stock == 0 {
        Availability::OutOfStock
    } else {
        Availability::InStock {
            quantity: Some(stock),
        }
    }
}

fn address_key(id: &AddressId) -> ShopResult<i64> {
    id.as_str()
        .trim()
        .parse()
        .map_err(|_| address_not_found(id))
}

fn address_not_found(id: &AddressId) -> ShopError {
    ShopError::NotFound(format!("address {id}"))
}

fn timestamp(seconds: i64, column: usize) -> rusqlite::Result<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp(seconds).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Integer,
            Box::new(e),
        )
    })
}

fn currency_at(row: &Row<'_>, column: usize) -> rusqlite::Result<Currency> {
    let text: String = row.get(column)?;
    text.parse().map_err(|e: MoneyError| {
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn parse_payment_status(text: &str) -> PaymentStatus {
    [
        PaymentStatus::Unpaid,
        PaymentStatus::Authorized,
        PaymentStatus::Paid,
        PaymentStatus::PartiallyRefunded,
        PaymentStatus::Refunded,
        PaymentStatus::Failed,
    ]
    .into_iter()
    .find(|status| status.as_str() == text)
    .unwrap_or(PaymentStatus::Other)
}

fn shipment_state_str(state: ShipmentState) -> &'static str {
    match state {
        ShipmentState::Preparing => "preparing",
        ShipmentState::InTransit => "in_transit",
        ShipmentState::Delivered => "delivered",
        ShipmentState::Returned => "returned",
        ShipmentState::Other => "other",
    }
}

fn parse_shipment_state(text: &str) -> ShipmentState {
    [
        ShipmentState::Preparing,
        ShipmentState::InTransit,
        ShipmentState::Delivered,
        ShipmentState::Returned,
    ]
    .into_iter()
    .find(|state| shipment_state_str(*state) == text)
    .unwrap_or(ShipmentState::Other)
}

fn parse_snapshot(json: &str) -> ShopResult<PostalAddress> {
    serde_json::from_str(json).map_err(|e| server_error(format!("bad address snapshot: {e}")))
}

/// An order summary from the first columns of a row, as `ORDER_SUMMARY_COLUMNS` lists them.
fn order_summary(row: &Row<'_>) -> rusqlite::Result<OrderSummary> {
    let status: String = row.get(2)?;
    let payment: String = row.get(4)?;
    Ok(OrderSummary {
        number: OrderNumber(row.get(0)?),
        placed_at: timestamp(row.get(1)?, 1)?,
        status: OrderStatus::parse(&status).unwrap_or(OrderStatus::Other),
        status_label: row.get(3)?,
        payment_status: parse_payment_status(&payment),
        payment_label: row.get(5)?,
        item_count: row.get(6)?,
        total: Money::from_minor(row.get(7)?, currency_at(row, 8)?),
    })
}

fn customer_currency(conn: &Connection, customer: CustomerKey) -> ShopResult<Currency> {
    conn.prepare_cached("SELECT currency FROM customers WHERE id = ?1")
        .and_then(|mut s| {
            s.query_row([customer], |row| currency_at(row, 0))
                .optional()
        })
        .map_err(db_error)?
        .ok_or_else(|| ShopError::NotFound("customer account".to_owned()))
}

/// `NotFound` unless the customer exists.
fn ensure_customer(conn: &Connection, customer: CustomerKey) -> ShopResult<()> {
    customer_currency(conn, customer).map(|_| ())
}

fn load_account(conn: &Connection, customer: CustomerKey) -> ShopResult<Account> {
    conn.prepare_cached(
        "SELECT id, email, first_name, last_name, phone, company, created_at FROM customers
         WHERE id = ?1",
    )
    .and_then(|mut s| {
        s.query_row([customer], |row| {
            Ok(Account {
                id: CustomerId(row.get::<_, i64>(0)?.to_string()),
                email: row.get(1)?,
                first_name: row.get(2)?,
                last_name: row.get(3)?,
                phone: row.get(4)?,
                company: row.get(5)?,
                created_at: Some(timestamp(row.get(6)?, 6)?),
            })
        })
        .optional()
    })
    .map_err(db_error)?
    .ok_or_else(|| ShopError::NotFound("customer account".to_owned()))
}

const ADDRESS_COLUMNS: &str = "id, first_name, last_name, company, line1, line2, city, postcode, \
                               region, country, phone, default_shipping, default_billing";

fn address_row(row: &Row<'_>) -> rusqlite::Result<Address> {
    Ok(Address {
        id: AddressId(row.get::<_, i64>(0)?.to_string()),
        postal: PostalAddress {
            first_name: row.get(1)?,
            last_name: row.get(2)?,
            company: row.get(3)?,
            line1: row.get(4)?,
            line2: row.get(5)?,
            city: row.get(6)?,
            postcode: row.get(7)?,
            region: row.get(8)?,
            country: row.get(9)?,
            phone: row.get(10)?,
        },
        default_shipping: row.get(11)?,
        default_billing: row.get(12)?,
    })
}

fn load_addresses(conn: &Connection, customer: CustomerKey) -> ShopResult<Vec<Address>> {
    conn.prepare_cached(&format!(
        "SELECT {ADDRESS_COLUMNS} FROM addresses WHERE customer_id = ?1 ORDER BY id"
    ))
    .and_then(|mut s| s.query_map([customer], address_row)?.collect())
    .map_err(db_error)
}

/// The address an order ships or bills to: the one named (which must be the customer's) or the
/// customer's default for that role. `None` with no field error means the customer has none.
fn order_address(
    conn: &Connection,
    customer: CustomerKey,
    id: Option<&AddressId>,
    role: AddressRole,
    fields: &mut Vec<FieldError>,
) -> ShopResult<Option<PostalAddress>> {
    let field = match role {
        AddressRole::Shipping => "shipping_address",
        AddressRole::Billing => "billing_address",
    };
    let found = match id {
        Some(id) => {
            let Ok(key) = id.as_str().trim().parse::<i64>() else {
                fields.push(field_error(field, "is not one of your addresses"));
                return Ok(None);
            };
            let found = conn
                .prepare_cached(&format!(
                    "SELECT {ADDRESS_COLUMNS} FROM addresses WHERE id = ?1 AND customer_id = ?2"
                ))
                .and_then(|mut s| s.query_row(params![key, customer], address_row).optional())
                .map_err(db_error)?;
            if found.is_none() {
                fields.push(field_error(field, "is not one of your addresses"));
            }
            found
        }
        None => {
            let default = match role {
                AddressRole::Shipping => "default_shipping",
                AddressRole::Billing => "default_billing",
            };
            // The default, else the oldest address (a book can lack a default after edits).
            conn.prepare_cached(&format!(
                "SELECT {ADDRESS_COLUMNS} FROM addresses WHERE customer_id = ?1
                 ORDER BY {default} DESC, id LIMIT 1"
            ))
            .and_then(|mut s| s.query_row([customer], address_row).optional())
            .map_err(db_error)?
        }
    };
    Ok(found.map(|address| address.postal))
}

/// An order line matched to a product, priced in the order's currency.
struct ResolvedLine {
    product_id: i64,
    code: String,
    brand: String,
    name: String,
    quantity: u32,
    unit_minor: i64,
}

struct Candidate {
    id: i64,
    code: String,
    brand: String,
    name: String,
    stock: u32,
    discontinued: bool,
    price: Option<i64>,
}

/// Matches each requested line to one product and checks it can be supplied; problems go to
/// `fields` as `lines[i].…`. Lines naming the same product are merged (their quantities add up
/// against the stock).
fn resolve_lines(
    conn: &Connection,
    requested: &[NewOrderLine],
    currency: Currency,
    fields: &mut Vec<FieldError>,
) -> ShopResult<Vec<ResolvedLine>> {
    let mut candidates_for = conn
        .prepare_cached(
            "SELECT p.id, p.code, p.brand, p.name, p.stock, p.discontinued, pr.amount_minor
             FROM products p
             LEFT JOIN prices pr ON pr.product_id = p.id AND pr.currency = ?2
             WHERE p.code = ?1 ORDER BY p.brand",
        )
        .map_err(db_error)?;
    // (line, index of the first request line naming the product, its stock)
    let mut resolved: Vec<(ResolvedLine, usize, u32)> = Vec::new();
    for (index, line) in requested.iter().enumerate() {
        let field = |name: &str| format!("lines[{index}].{name}");
        let code = line.code.as_str().trim();
        if code.is_empty() {
            fields.push(field_error(&field("code"), "is required"));
            continue;
        }
        if line.quantity == 0 {
            fields.push(field_error(&field("quantity"), "must be at least 1"));
            continue;
        }
        if line.quantity > MAX_LINE_QUANTITY {
            fields.push(field_error(
                &field("quantity"),
                format!("must be at most {MAX_LINE_QUANTITY}"),
            ));
            continue;
        }
        let candidates = candidates_for
            .query_map(params![code, currency.as_str()], |row| {
                Ok(Candidate {
                    id: row.get(0)?,
                    code: row.get(1)?,
                    brand: row.get(2)?,
                    name: row.get(3)?,
                    stock: row.get(4)?,
                    discontinued: row.get(5)?,
                    price: row.get(6)?,
                })
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(db_error)?;
        if candidates.is_empty() {
            fields.push(field_error(
                &field("code"),
                format!("no product has the code {code}"),
            ));
            continue;
        }
        let brands = || {
            candidates
                .iter()
                .map(|c| c.brand.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let brand = optional_text(line.brand.as_deref());
        let chosen = match brand {
            // SQLite's NOCASE, which the catalogue's brand column uses, folds ASCII only too.
            Some(brand) => match candidates
                .iter()
                .find(|c| c.brand.eq_ignore_ascii_case(brand))
            {
                Some(chosen) => chosen,
                None => {
                    fields.push(field_error(
                        &field("brand"),
                        format!("{code} is not sold by {brand}; it is sold by {}", brands()),
                    ));
                    continue;
                }
            },
            None if candidates.len() == 1 => &candidates[0],
            None => {
                fields.push(field_error(
                    &field("brand"),
                    format!("{code} is sold by several brands ({}); name one", brands()),
                ));
                continue;
            }
        };
        if chosen.discontinued {
            fields.push(field_error(
                &field("code"),
                format!("{} {} is discontinued", chosen.brand, chosen.code),
            ));
            continue;
        }
        let Some(unit_minor) = chosen.price else {
            fields.push(field_error(
                &field("code"),
                format!(
                    "{} {} has no price in {currency}",
                    chosen.brand, chosen.code
                ),
            ));
            continue;
        };
        match resolved
            .iter_mut()
            .find(|(r, _, _)| r.product_id == chosen.id)
        {
            Some((earlier, _, _)) => earlier.quantity += line.quantity,
            None => resolved.push((
                ResolvedLine {
                    product_id: chosen.id,
                    code: chosen.code.clone(),
                    brand: chosen.brand.clone(),
                    name: chosen.name.clone(),
                    quantity: line.quantity,
                    unit_minor,
                },
                index,
                chosen.stock,
            )),
        }
    }
    for (line, index, stock) in &resolved {
        if line.quantity > *stock {
            let message = if *stock == 0 {
                format!("{} {} is out of stock", line.brand, line.code)
            } else {
                format!(
                    "only {stock} of {} {} in stock, {} ordered",
                    line.brand, line.code, line.quantity
                )
            };
            fields.push(field_error(&format!("lines[{index}].quantity"), message));
        }
    }
    Ok(resolved.into_iter().map(|(line, _, _)| line).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet, HashSet};
    use std::sync::Arc;

    const BUYER: usize = 0;
    const HANAKO: usize = 1;
    const NEWCOMER: usize = 2;

    /// One seeded store for the tests that only read.
    fn shared() -> &'static Store {
        static STORE: OnceLock<Store> = OnceLock::new();
        STORE.get_or_init(|| Store::open(None).expect("open"))
    }

    fn fresh() -> Store {
        Store::open(None).expect("open")
    }

    /// The key of a demo customer, looked up without argon2 to keep tests quick.
    fn key(store: &Store, login: usize) -> CustomerKey {
        let email = normalize_email(&Store::demo_logins()[login].email);
        store
            .conn()
            .query_row(
                "SELECT id FROM customers WHERE email_norm = ?1",
                [email],
                |row| row.get(0),
            )
            .expect("demo customer")
    }

    fn count(store: &Store, sql: &str, customer: CustomerKey) -> u64 {
        store
            .conn()
            .query_row(sql, [customer], |row| row.get::<_, i64>(0))
            .expect("count") as u64
    }

    fn field_names(error: &ShopError) -> Vec<String> {
        match error {
            ShopError::Validation { fields, .. } => {
                fields.iter().map(|f| f.field.clone()).collect()
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    fn page(limit: u32, filter: OrderFilter) -> PageRequest {
        PageRequest {
            offset: 0,
            limit,
            filter,
        }
    }

    fn all_orders(store: &Store, customer: CustomerKey, filter: OrderFilter) -> Vec<OrderSummary> {
        let mut request = page(200, filter);
        let mut seen = Vec::new();
        loop {
            let got = store.orders(customer, &request).expect("page");
            assert_eq!(got.offset, request.offset);
            seen.extend(got.items.iter().cloned());
            if !got.has_more {
                assert_eq!(got.total, Some(seen.len() as u64));
                return seen;
            }
            request = request.next(got.items.len());
        }
    }

    fn product(store: &Store, customer: CustomerKey, code: &str, brand: &str) -> Product {
        let query = ProductQuery {
            codes: vec![ProductCode::from(code)],
            brand: Some(brand.to_owned()),
        };
        let mut found = store.products(customer, &query).expect("lookup");
        assert_eq!(found.len(), 1, "{brand} {code}");
        found.remove(0)
    }

    fn in_stock(product: &Product) -> u32 {
        match product.availability {
            Availability::InStock { quantity: Some(q) } => q,
            other => panic!("{} not in stock: {other:?}", product.code),
        }
    }

    fn new_order(key: &str, lines: Vec<NewOrderLine>) -> NewOrder {
        NewOrder {
            idempotency_key: key.to_owned(),
            lines,
            shipping_address: None,
            billing_address: None,
            note: None,
        }
    }

    fn line(code: &str, brand: Option<&str>, quantity: u32) -> NewOrderLine {
        NewOrderLine {
            code: ProductCode::from(code),
            brand: brand.map(str::to_owned),
            quantity,
        }
    }

    fn address(country: &str) -> PostalAddress {
        PostalAddress {
            first_name: "Greta".into(),
            last_name: "Lind".into(),
            company: None,
            line1: "Storgatan 1".into(),
            line2: None,
            city: "Malmö".into(),
            postcode: "211 34".into(),
            region: None,
            country: country.into(),
            phone: None,
        }
    }

    // --- seeding -------------------------------------------------------------------------------

    #[test]
    fn seeds_every_kind_of_row_deterministically() {
        let (a, b) = (fresh(), fresh());
        let stats = a.stats().unwrap();
        assert_eq!(stats, b.stats().unwrap());
        assert_eq!(stats.customers, 3);
        assert_eq!(stats.addresses, 7);
        assert!(stats.products >= 100, "{stats:?}");
        assert!(stats.orders >= 2_100, "{stats:?}");
        assert!(stats.order_lines > stats.orders, "{stats:?}");
        assert!(stats.shipments > stats.orders / 2, "{stats:?}");

        let buyer = key(&a, BUYER);
        assert_eq!(buyer, key(&b, BUYER));
        let first = a.orders(buyer, &PageRequest::first(50)).unwrap();
        assert_eq!(first, b.orders(buyer, &PageRequest::first(50)).unwrap());
        let number = &first.items[17].number;
        assert_eq!(
            a.order(buyer, number).unwrap(),
            b.order(buyer, number).unwrap()
        );
        let query = ProductQuery {
            codes: vec!["6204-2RS".into(), "KST-CT100".into(), "DIN933-M8X25".into()],
            brand: None,
        };
        assert_eq!(
            a.products(buyer, &query).unwrap(),
            b.products(buyer, &query).unwrap()
        );
    }

    #[test]
    fn demo_logins_sign_in_and_only_argon2_hashes_are_stored() {
        let store = shared();
        let logins = Store::demo_logins();
        assert_eq!(logins.len(), 3);
        assert_eq!(logins[BUYER].email, "buyer@demo.shopterm.example");
        assert!(logins[BUYER].description.contains("B2B"));
        let mut keys = HashSet::new();
        for login in &logins {
            let key = store
                .verify_password(&login.email, &login.password)
                .unwrap();
            assert!(keys.insert(key.expect("demo login signs in")));
            let hash: String = store
                .conn()
                .query_row(
                    "SELECT password_hash FROM customers WHERE email = ?1",
                    [&login.email],
                    |row| row.get(0),
                )
                .unwrap();
            assert!(hash.starts_with("$argon2id$"), "{hash}");
            assert!(!hash.contains(&login.password));
        }
        let buyer = &logins[BUYER];
        let shouted = format!("  {}  ", buyer.email.to_uppercase());
        assert_eq!(
            store.verify_password(&shouted, &buyer.password).unwrap(),
            Some(key(store, BUYER))
        );
        assert_eq!(
            store
                .verify_password(&buyer.email, "wrong-password")
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .verify_password("nobody@demo.shopterm.example", &buyer.password)
                .unwrap(),
            None
        );
    }

    #[test]
    fn buyer_history_covers_every_status_with_matching_payments() {
        let store = shared();
        let buyer = key(store, BUYER);
        let orders = all_orders(store, buyer, OrderFilter::default());
        assert!((2_000..=2_300).contains(&orders.len()), "{}", orders.len());
        let statuses: HashSet<_> = orders.iter().map(|o| o.status).collect();
        for status in OrderStatus::ALL {
            assert_eq!(
                statuses.contains(&status),
                status != OrderStatus::Other,
                "{status:?}"
            );
        }
        for order in &orders {
            use OrderStatus as O;
            use PaymentStatus as P;
            let allowed: &[P] = match order.status {
                O::Pending => &[P::Unpaid],
                O::Processing => &[P::Paid, P::Authorized],
                O::PartiallyShipped | O::Shipped => &[P::Paid],
                O::Delivered => &[P::Paid, P::PartiallyRefunded],
                O::Cancelled => &[P::Unpaid, P::Refunded],
                O::Refunded => &[P::Refunded],
                O::Other => &[],
            };
            assert!(allowed.contains(&order.payment_status), "{order:?}");
            assert!(!order.status_label.is_empty() && !order.payment_label.is_empty());
            assert_ne!(order.status_label, order.status.as_str(), "a human label");
            assert_eq!(order.total.currency.as_str().len(), 3);
        }
        assert_eq!(
            orders[0].status,
            OrderStatus::Pending,
            "the newest order is open"
        );
        // Old orders are mostly delivered.
        let old = &orders[orders.len() / 2..];
        let delivered = old
            .iter()
            .filter(|o| o.status == OrderStatus::Delivered)
            .count();
        assert!(
            delivered * 10 > old.len() * 9,
            "{delivered} of {}",
            old.len()
        );
        let currencies: BTreeSet<_> = orders.iter().map(|o| o.total.currency).collect();
        assert_eq!(currencies, BTreeSet::from([Currency::EUR, Currency::SEK]));
        let first = orders.last().unwrap().placed_at;
        let last = orders[0].placed_at;
        assert_eq!((first.year(), last.year()), (2022, 2026));
    }

    #[test]
    fn order_numbers_are_unique_and_increase_with_the_date() {
        let store = shared();
        let conn = store.conn();
        let rows: Vec<(String, i64)> = conn
            .prepare("SELECT number, placed_at FROM orders ORDER BY id")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(rows[0].0, "SO-100001");
        for (pair, expected) in rows.windows(2).zip(100_002..) {
            assert_eq!(pair[1].0, format!("SO-{expected}"));
            assert!(pair[0].1 <= pair[1].1, "{pair:?}");
        }
    }

    /// Every order of both customers with history, read through `order`: totals add up, lines
    /// are priced, shipments are consistent with the status and tracked.
    #[test]
    fn order_details_add_up_and_shipments_match_the_status() {
        let store = shared();
        let data = seed::data().unwrap();
        let mut carriers = BTreeSet::new();
        let mut split = 0;
        for login in [BUYER, HANAKO] {
            let customer = key(store, login);
            for summary in all_orders(store, customer, OrderFilter::default()) {
                let detail = store.order(customer, &summary.number).unwrap();
                assert_eq!(detail.summary, summary);
                let currency = summary.total.currency;
                assert!((1..=8).contains(&detail.lines.len()));
                let mut items = Money::zero(currency);
                let mut pieces = 0;
                for line in &detail.lines {
                    assert!(line.quantity >= 1);
                    assert_eq!(line.unit_price.times(line.quantity), line.line_total);
                    items = items.checked_add(line.line_total).unwrap();
                    pieces += line.quantity;
                    assert!(!line.brand.is_empty() && !line.name.is_empty());
                }
                assert_eq!(pieces, summary.item_count);
                let totals = &detail.totals;
                assert_eq!(totals.items, items);
                let expected_total =
                    totals.items.amount - totals.discounts.amount + totals.shipping.amount;
                assert_eq!(
                    totals.grand_total.amount, expected_total,
                    "{}",
                    summary.number
                );
                let shipping = detail.shipping_address.as_ref().expect("ships somewhere");
                assert!(detail.billing_address.is_some());
                let rate = data.rules.tax_percent(&shipping.country);
                assert!(rate > 0, "{}", shipping.country);
                let grand = to_minor_units(totals.grand_total).unwrap();
                assert_eq!(
                    to_minor_units(totals.tax),
                    Some(seed::div_round(grand * rate, 100 + rate)),
                    "tax included in {}",
                    summary.number
                );

                let shipped: BTreeMap<String, u32> = detail
                    .shipments
                    .iter()
                    .flat_map(|s| &s.lines)
                    .fold(BTreeMap::new(), |mut sum, l| {
                        *sum.entry(l.code.0.clone()).or_default() += l.quantity;
                        sum
                    });
                let ordered: BTreeMap<String, u32> = detail
                    .lines
                    .iter()
                    .map(|l| (l.code.0.clone(), l.quantity))
                    .collect();
                let states: BTreeSet<_> = detail
                    .shipments
                    .iter()
                    .map(|s| format!("{:?}", s.state))
                    .collect();
                match summary.status {
                    OrderStatus::Pending | OrderStatus::Processing | OrderStatus::Cancelled => {
                        assert!(detail.shipments.is_empty(), "{}", summary.number)
                    }
                    OrderStatus::PartiallyShipped => {
                        assert!(!detail.shipments.is_empty());
                        assert!(!shipped.is_empty() && shipped.len() < ordered.len());
                        for (code, quantity) in &shipped {
                            assert_eq!(ordered.get(code), Some(quantity));
                        }
                    }
                    OrderStatus::Shipped | OrderStatus::Delivered => {
                        assert_eq!(shipped, ordered, "{}", summary.number);
                        assert!((1..=3).contains(&detail.shipments.len()));
                        if detail.shipments.len() > 1 {
                            split += 1;
                        }
                        if summary.status == OrderStatus::Delivered {
                            assert_eq!(states, BTreeSet::from(["Delivered".to_owned()]));
                        } else {
                            assert!(states.contains("InTransit"));
                        }
                    }
                    OrderStatus::Refunded => {
                        assert!(states.iter().all(|s| s == "Returned"), "{states:?}")
                    }
                    OrderStatus::Other => panic!("no order has status other"),
                }
                for (index, shipment) in detail.shipments.iter().enumerate() {
                    assert_eq!(shipment.id, format!("{}-{}", summary.number, index + 1));
                    let tracking = shipment.tracking_id.as_deref().expect("tracking id");
                    let url = shipment.tracking_url.as_deref().expect("tracking URL");
                    assert!(
                        url.starts_with("https://") && url.contains(tracking),
                        "{url}"
                    );
                    assert!(shipment.service.is_some());
                    let shipped_at = shipment.shipped_at.expect("shipped at");
                    assert!(shipped_at > summary.placed_at);
                    assert!(shipped_at <= data.rules.as_of);
                    carriers.insert(shipment.carrier.clone());
                }
            }
        }
        assert!(split >= 100, "{split} split orders");
        assert_eq!(
            carriers,
            ["Aramex", "DHL", "DPD", "PostNord", "UPS", "Yamato"]
                .map(String::from)
                .into()
        );
    }

    #[test]
    fn hanako_has_japanese_and_arabic_data_and_orders_in_two_currencies() {
        let store = shared();
        let hanako = key(store, HANAKO);
        let account = store.account(hanako).unwrap();
        assert_eq!(
            (account.first_name.as_str(), account.last_name.as_str()),
            ("花子", "山田")
        );
        assert_eq!(account.id, CustomerId(hanako.to_string()));
        let book = store.addresses(hanako).unwrap();
        let countries: Vec<_> = book.iter().map(|a| a.postal.country.as_str()).collect();
        assert_eq!(countries, ["JP", "AE"]);
        let arabic = |text: &str| text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
        assert!(arabic(&book[1].postal.line1) && arabic(&book[1].postal.city));
        assert!(book[0].default_shipping && book[0].default_billing);
        assert!(
            validate::address(&book[1].postal).is_empty(),
            "seed passes validation"
        );

        let orders = all_orders(store, hanako, OrderFilter::default());
        assert!((20..=40).contains(&orders.len()), "{}", orders.len());
        let currencies: BTreeSet<_> = orders.iter().map(|o| o.total.currency).collect();
        assert_eq!(currencies, BTreeSet::from([Currency::USD, Currency::JPY]));
        for order in orders.iter().filter(|o| o.total.currency == Currency::USD) {
            let detail = store.order(hanako, &order.number).unwrap();
            assert_eq!(detail.shipping_address.unwrap().country, "AE");
        }
        let yen = orders
            .iter()
            .find(|o| o.total.currency == Currency::JPY)
            .unwrap();
        assert_eq!(yen.total.amount.scale(), 0, "yen have no minor unit");
    }

    #[test]
    fn newcomer_has_no_orders_no_addresses_and_sees_kronor() {
        let store = shared();
        let newcomer = key(store, NEWCOMER);
        assert!(store.addresses(newcomer).unwrap().is_empty());
        let orders = store.orders(newcomer, &PageRequest::first(50)).unwrap();
        assert_eq!(orders.items, []);
        assert_eq!(orders.total, Some(0));
        assert!(!orders.has_more);
        let price = product(store, newcomer, "KST-CT100", "Kestrel").price;
        assert_eq!(price.currency, Currency::SEK);
    }

    // --- order history ---------------------------------------------------------------------------

    #[test]
    fn pages_cover_the_history_once_and_limits_are_clamped() {
        let store = shared();
        let buyer = key(store, BUYER);
        let orders = all_orders(store, buyer, OrderFilter::default());
        let numbers: HashSet<_> = orders.iter().map(|o| &o.number).collect();
        assert_eq!(numbers.len(), orders.len());
        assert!(orders.windows(2).all(|w| w[0].placed_at >= w[1].placed_at));

        let first = store.orders(buyer, &PageRequest::first(50)).unwrap();
        assert_eq!(first.items, orders[..50]);
        assert_eq!(first.total, Some(orders.len() as u64));
        assert!(first.has_more);
        let second = store
            .orders(buyer, &PageRequest::first(50).next(50))
            .unwrap();
        assert_eq!(second.items, orders[50..100]);
        assert_eq!(second.offset, 50);

        assert_eq!(
            store
                .orders(buyer, &PageRequest::first(0))
                .unwrap()
                .items
                .len(),
            1
        );
        assert_eq!(
            store
                .orders(buyer, &PageRequest::first(5_000))
                .unwrap()
                .items
                .len(),
            200
        );
        let mut tail = PageRequest::first(50);
        tail.offset = orders.len() as u64 - 3;
        let last = store.orders(buyer, &tail).unwrap();
        assert_eq!(last.items, orders[orders.len() - 3..]);
        assert!(!last.has_more);
        tail.offset = u64::MAX;
        let beyond = store.orders(buyer, &tail).unwrap();
        assert!(beyond.items.is_empty() && !beyond.has_more);
    }

    #[test]
    fn filters_by_status_and_date() {
        let store = shared();
        let buyer = key(store, BUYER);
        let orders = all_orders(store, buyer, OrderFilter::default());
        let mut sum = 0;
        for status in OrderStatus::ALL {
            let filter = OrderFilter {
                status: Some(status),
                ..Default::default()
            };
            let got = all_orders(store, buyer, filter);
            assert!(got.iter().all(|o| o.status == status));
            assert_eq!(
                got.len(),
                orders.iter().filter(|o| o.status == status).count()
            );
            sum += got.len();
        }
        assert_eq!(sum, orders.len());

        let day = orders[300].placed_at.date();
        let since = all_orders(
            store,
            buyer,
            OrderFilter {
                since: Some(day),
                ..Default::default()
            },
        );
        let expected: Vec<_> = orders
            .iter()
            .filter(|o| o.placed_at.date() >= day)
            .collect();
        assert_eq!(since.iter().collect::<Vec<_>>(), expected);
        assert!(since.len() > 300);

        let both = OrderFilter {
            status: Some(OrderStatus::Delivered),
            since: Some(day),
            search: None,
        };
        let got = all_orders(store, buyer, both);
        assert!(!got.is_empty());
        assert!(
            got.iter()
                .all(|o| o.status == OrderStatus::Delivered && o.placed_at.date() >= day)
        );
    }

    #[test]
    fn searches_numbers_codes_and_names_with_literal_wildcards() {
        let store = shared();
        let buyer = key(store, BUYER);
        let search = |text: &str| {
            all_orders(
                store,
                buyer,
                OrderFilter {
                    search: Some(text.to_owned()),
                    ..Default::default()
                },
            )
        };
        let orders = all_orders(store, buyer, OrderFilter::default());
        let wanted = &orders[123];
        let found = search(&format!(" {} ", wanted.number.as_str().to_lowercase()));
        assert_eq!(found.first(), Some(wanted));
        assert_eq!(found.len(), 1);

        let with_code = |code: &str| {
            count(
                store,
                &format!(
                    "SELECT COUNT(*) FROM orders o WHERE o.customer_id = ?1 AND EXISTS
                     (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.code = '{code}')"
                ),
                buyer,
            ) as usize
        };
        let bearings = search("6204-2rs");
        assert_eq!(bearings.len(), with_code("6204-2RS"));
        assert!(!bearings.is_empty());
        for summary in bearings.iter().take(5) {
            let detail = store.order(buyer, &summary.number).unwrap();
            assert!(detail.lines.iter().any(|l| l.code.as_str() == "6204-2RS"));
        }
        let by_name = search("DEEP GROOVE BALL BEARING 6204");
        assert_eq!(by_name, bearings, "names match without case");

        // `_` and `%` are literal: nothing has "6204_2RS" or a percent sign.
        assert!(search("6204_2RS").is_empty());
        assert!(search("%").is_empty());
        assert!(search("\\").is_empty());
        assert_eq!(
            search("   ").len(),
            orders.len(),
            "a blank search filters nothing"
        );

        let hanako = key(store, HANAKO);
        assert!(
            all_orders(
                store,
                hanako,
                OrderFilter {
                    search: Some(wanted.number.to_string()),
                    ..Default::default()
                }
            )
            .is_empty(),
            "another customer's order number finds nothing"
        );
    }

    #[test]
    fn the_history_query_walks_the_customer_index() {
        let store = shared();
        let conn = store.conn();
        let plan: Vec<String> = conn
            .prepare(&format!(
                "EXPLAIN QUERY PLAN SELECT {ORDER_SUMMARY_COLUMNS} FROM orders o
                 WHERE {ORDER_FILTER} ORDER BY o.placed_at DESC, o.id DESC LIMIT ?5 OFFSET ?6"
            ))
            .unwrap()
            .query_map(
                params![1, None::<String>, None::<i64>, None::<String>, 50, 0],
                |row| row.get(3),
            )
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let plan = plan.join("\n");
        assert!(plan.contains("orders_by_customer"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    }

    #[test]
    fn orders_are_private_to_their_customer() {
        let store = shared();
        let (buyer, hanako) = (key(store, BUYER), key(store, HANAKO));
        let number = store.orders(buyer, &PageRequest::first(1)).unwrap().items[0]
            .number
            .clone();
        assert!(store.order(buyer, &number).is_ok());
        let lower = OrderNumber(number.as_str().to_lowercase());
        assert_eq!(store.order(buyer, &lower).unwrap().summary.number, number);
        assert!(matches!(
            store.order(hanako, &number),
            Err(ShopError::NotFound(_))
        ));
        assert!(matches!(
            store.order(buyer, &OrderNumber::from("SO-1")),
            Err(ShopError::NotFound(_))
        ));
    }

    // --- account and addresses --------------------------------------------------------------------

    #[test]
    fn account_updates_are_validated_and_emails_stay_unique() {
        let store = fresh();
        let buyer = key(&store, BUYER);
        let account = store.account(buyer).unwrap();
        assert_eq!(
            account.company.as_deref(),
            Some("Vogel Industrietechnik GmbH")
        );
        assert!(matches!(store.account(9_999), Err(ShopError::NotFound(_))));

        let mut draft = account.to_draft();
        draft.phone = Some("+49 30 1234 5678".into());
        draft.company = Some("   ".into());
        draft.email = " Katrin.Vogel@Demo.Shopterm.Example ".into();
        let saved = store.update_account(buyer, &draft).unwrap();
        assert_eq!(saved.phone.as_deref(), Some("+49 30 1234 5678"));
        assert_eq!(saved.company, None, "blank becomes none");
        assert_eq!(saved.email, "Katrin.Vogel@Demo.Shopterm.Example");
        assert_eq!(store.account(buyer).unwrap(), saved);
        let password = &Store::demo_logins()[BUYER].password;
        assert_eq!(
            store
                .verify_password("katrin.vogel@demo.shopterm.example", password)
                .unwrap(),
            Some(buyer)
        );

        let mut bad = draft.clone();
        bad.first_name = "x".repeat(33);
        bad.email = "no-at-sign".into();
        let error = store.update_account(buyer, &bad).unwrap_err();
        assert_eq!(field_names(&error), ["first_name", "email"]);
        assert!(error.to_string().contains("first_name: "), "{error}");

        let mut taken = draft.clone();
        taken.email = Store::demo_logins()[HANAKO].email.to_uppercase();
        let error = store.update_account(buyer, &taken).unwrap_err();
        assert_eq!(field_names(&error), ["email"]);
        assert_eq!(
            store.account(buyer).unwrap(),
            saved,
            "refused drafts change nothing"
        );
    }

    #[test]
    fn address_book_lifecycle_with_defaults() {
        let store = fresh();
        let newcomer = key(&store, NEWCOMER);
        let buyer = key(&store, BUYER);

        let mut draft = address("se");
        draft.line2 = Some("  ".into());
        let first = store.create_address(newcomer, &draft).unwrap();
        assert!(
            first.default_shipping && first.default_billing,
            "the first address is default"
        );
        assert_eq!(first.postal.country, "SE");
        assert_eq!(first.postal.line2, None);
        let second = store.create_address(newcomer, &address("NO")).unwrap();
        assert!(!second.default_shipping && !second.default_billing);
        assert_eq!(
            store.addresses(newcomer).unwrap(),
            [first.clone(), second.clone()]
        );

        let mut edited = address("NO");
        edited.line2 = Some("Lgh 1102".into());
        let updated = store.update_address(newcomer, &second.id, &edited).unwrap();
        assert_eq!(updated.postal.line2.as_deref(), Some("Lgh 1102"));
        assert!(!updated.default_shipping);

        let book = store
            .set_default_address(newcomer, &second.id, AddressRole::Shipping)
            .unwrap();
        let defaults = |book: &[Address], role: AddressRole| -> Vec<AddressId> {
            book.iter()
                .filter(|a| match role {
                    AddressRole::Shipping => a.default_shipping,
                    AddressRole::Billing => a.default_billing,
                })
                .map(|a| a.id.clone())
                .collect()
        };
        assert_eq!(
            defaults(&book, AddressRole::Shipping),
            std::slice::from_ref(&second.id)
        );
        assert_eq!(
            defaults(&book, AddressRole::Billing),
            std::slice::from_ref(&first.id)
        );

        // Each address is a default of some role now: neither can go while the other exists.
        for id in [&first.id, &second.id] {
            let refused = store.delete_address(newcomer, id);
            assert!(
                matches!(refused, Err(ShopError::Conflict(_))),
                "{refused:?}"
            );
        }
        store
            .set_default_address(newcomer, &first.id, AddressRole::Shipping)
            .unwrap();
        store.delete_address(newcomer, &second.id).unwrap();
        // The last address can go even though it is the default.
        store.delete_address(newcomer, &first.id).unwrap();
        assert!(store.addresses(newcomer).unwrap().is_empty());

        // Another customer's address, a deleted one and nonsense ids are simply not found.
        let theirs = &store.addresses(buyer).unwrap()[0].id;
        let not_found = |result: ShopResult<()>| matches!(result, Err(ShopError::NotFound(_)));
        for id in [theirs, &first.id, &AddressId::from("abc")] {
            assert!(not_found(store.delete_address(newcomer, id)));
            assert!(not_found(
                store.update_address(newcomer, id, &draft).map(|_| ())
            ));
            assert!(not_found(
                store
                    .set_default_address(newcomer, id, AddressRole::Billing)
                    .map(|_| ())
            ));
        }
        assert_eq!(
            store.addresses(buyer).unwrap().len(),
            5,
            "the buyer's book is untouched"
        );

        let mut bad = address("XX");
        bad.postcode = "12345678901".into();
        let error = store.create_address(newcomer, &bad).unwrap_err();
        assert_eq!(field_names(&error), ["postcode", "country"]);
        assert!(matches!(
            store.create_address(9_999, &draft),
            Err(ShopError::NotFound(_))
        ));
    }

    // --- passwords -----------------------------------------------------------------------------------

    #[test]
    fn password_change_checks_the_current_and_the_new_password() {
        let store = fresh();
        let login = &Store::demo_logins()[HANAKO];
        let hanako = key(&store, HANAKO);
        let error = store
            .change_password(hanako, "not-the-password", "short")
            .unwrap_err();
        assert_eq!(field_names(&error), ["current_password", "new_password"]);
        let error = store
            .change_password(hanako, &login.password, "short")
            .unwrap_err();
        assert_eq!(field_names(&error), ["new_password"]);
        assert_eq!(
            store
                .verify_password(&login.email, &login.password)
                .unwrap(),
            Some(hanako)
        );

        store
            .change_password(hanako, &login.password, "a-new-password-1")
            .unwrap();
        assert_eq!(
            store
                .verify_password(&login.email, &login.password)
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .verify_password(&login.email, "a-new-password-1")
                .unwrap(),
            Some(hanako)
        );
    }

    fn reset_key(mail: &Mail) -> String {
        mail.body
            .lines()
            .find_map(|line| line.strip_prefix("Reset key: "))
            .expect("a key line")
            .to_owned()
    }

    #[test]
    fn password_reset_through_the_outbox_works_once() {
        let store = fresh();
        let login = &Store::demo_logins()[BUYER];
        let buyer = key(&store, BUYER);
        let base = "http://127.0.0.1:8040/";

        let answer = store
            .request_password_reset(&login.email.to_uppercase(), base)
            .unwrap();
        let outbox = store.outbox().unwrap();
        assert_eq!(outbox.len(), 1);
        let mail = &outbox[0];
        assert_eq!(mail.to, login.email);
        let key = reset_key(mail);
        assert_eq!(key.len(), 43, "32 bytes, base64url without padding");
        assert!(
            mail.body
                .contains(&format!("http://127.0.0.1:8040/password/reset?key={key}\n")),
            "{}",
            mail.body
        );
        // Only the hash of the key is kept beside the mail.
        let stored: Vec<u8> = store
            .conn()
            .query_row("SELECT key_sha256 FROM password_resets", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(stored, sha256(&key));

        let unknown = store
            .request_password_reset("nobody@nowhere.example", base)
            .unwrap();
        assert_eq!(
            answer, unknown,
            "known and unknown e-mails get the same answer"
        );
        assert_eq!(
            store.outbox().unwrap().len(),
            1,
            "no mail for an unknown address"
        );
        let error = store
            .request_password_reset("not an e-mail", base)
            .unwrap_err();
        assert_eq!(field_names(&error), ["email"]);

        // A refused new password does not use the key up.
        let error = store.reset_password(&key, "short").unwrap_err();
        assert_eq!(field_names(&error), ["new_password"]);
        let error = store.reset_password("made-up-key", "short").unwrap_err();
        assert_eq!(field_names(&error), ["key", "new_password"]);

        // A second key, requested before the reset, dies with the first one's use.
        store.request_password_reset(&login.email, base).unwrap();
        let second = reset_key(&store.outbox().unwrap()[1]);
        assert_ne!(second, key);

        assert_eq!(
            store.reset_password(&key, "after-reset-pass").unwrap(),
            buyer
        );
        assert_eq!(
            store
                .verify_password(&login.email, &login.password)
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .verify_password(&login.email, "after-reset-pass")
                .unwrap(),
            Some(buyer)
        );
        for used in [&key, &second] {
            let error = store.reset_password(used, "second-reset-pass").unwrap_err();
            assert_eq!(field_names(&error), ["key"]);
        }
        assert_eq!(
            store
                .verify_password(&login.email, "after-reset-pass")
                .unwrap(),
            Some(buyer)
        );
    }

    #[test]
    fn expired_reset_keys_are_refused() {
        let store = fresh();
        let login = &Store::demo_logins()[NEWCOMER];
        store
            .request_password_reset(&login.email, "http://x.example")
            .unwrap();
        let key = reset_key(&store.outbox().unwrap()[0]);
        let (created, expires): (i64, i64) = store
            .conn()
            .query_row(
                "SELECT created_at, expires_at FROM password_resets",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap();
        assert_eq!(expires - created, 3_600, "valid one hour");
        store
            .conn()
            .execute("UPDATE password_resets SET expires_at = ?1", [now() - 1])
            .unwrap();
        let error = store.reset_password(&key, "a-fine-password").unwrap_err();
        assert_eq!(field_names(&error), ["key"]);
        assert!(
            store
                .verify_password(&login.email, &login.password)
                .unwrap()
                .is_some()
        );
    }

    // --- products and orders -------------------------------------------------------------------------

    #[test]
    fn products_by_code_and_brand_in_the_customers_currency() {
        let store = shared();
        let buyer = key(store, BUYER);
        let query = |codes: &[&str], brand: Option<&str>| ProductQuery {
            codes: codes.iter().map(|c| ProductCode::from(*c)).collect(),
            brand: brand.map(str::to_owned),
        };
        let shared_code = store.products(buyer, &query(&["6204-2RS"], None)).unwrap();
        let brands: Vec<_> = shared_code.iter().map(|p| p.brand.as_str()).collect();
        assert_eq!(brands, ["Bergmann", "Nordlager"], "one code, two brands");
        assert_eq!(shared_code[0].availability, Availability::OutOfStock);
        assert_eq!(
            shared_code[1].availability,
            Availability::InStock {
                quantity: Some(240)
            }
        );
        assert_ne!(shared_code[0].price, shared_code[1].price);

        let narrowed = store
            .products(buyer, &query(&["6204-2rs"], Some(" nordlager ")))
            .unwrap();
        assert_eq!(narrowed, shared_code[1..]);
        let mixed = store
            .products(
                buyer,
                &query(&["NO-SUCH-CODE", "KST-WL10", "kst-wl10", "KST-CT100"], None),
            )
            .unwrap();
        let codes: Vec<_> = mixed.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(
            codes,
            ["KST-WL10", "KST-CT100"],
            "unknown codes are absent, repeats once"
        );
        assert_eq!(mixed[0].availability, Availability::Discontinued);
        assert_eq!(mixed[1].name, "Cable ties 2.5 × 100 mm, pack of 100");

        let currency_of = |login| {
            store
                .products(key(store, login), &query(&["KST-CT100"], None))
                .unwrap()[0]
                .price
                .currency
        };
        assert_eq!(currency_of(BUYER), Currency::EUR);
        assert_eq!(currency_of(HANAKO), Currency::JPY);
        assert_eq!(currency_of(NEWCOMER), Currency::SEK);

        let too_many = vec!["X"; MAX_LOOKUP_CODES + 1];
        let error = store.products(buyer, &query(&too_many, None)).unwrap_err();
        assert_eq!(field_names(&error), ["codes"]);
        assert!(matches!(
            store.products(9_999, &query(&["KST-CT100"], None)),
            Err(ShopError::NotFound(_))
        ));

        let catalogue: i64 = store
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM (SELECT code FROM products GROUP BY code HAVING COUNT(*) > 1)",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert!(catalogue >= 10, "{catalogue} shared codes");
    }

    #[test]
    fn the_newest_orders_can_be_ordered_again() {
        let store = shared();
        for login in [BUYER, HANAKO] {
            let customer = key(store, login);
            let newest = &store
                .orders(customer, &PageRequest::first(1))
                .unwrap()
                .items[0];
            for line in store.order(customer, &newest.number).unwrap().lines {
                let found = product(store, customer, line.code.as_str(), &line.brand);
                assert!(in_stock(&found) > 0);
            }
        }
    }

    #[test]
    fn placing_an_order_prices_it_reduces_stock_and_replays_by_key() {
        let store = fresh();
        let buyer = key(&store, BUYER);
        let before = store.orders(buyer, &PageRequest::first(1)).unwrap();
        let stats = store.stats().unwrap();
        store
            .set_product(&"KST-DB5".into(), "Kestrel", None, Some(10))
            .unwrap();
        let drill = product(&store, buyer, "KST-DB5", "Kestrel");
        let bearing = product(&store, buyer, "6204-2RS", "Nordlager");

        let mut order = new_order(
            "key-1",
            vec![
                line("kst-db5", None, 2),
                line("6204-2RS", Some("NORDLAGER"), 1),
                line("KST-DB5", Some("Kestrel"), 1),
            ],
        );
        order.note = Some("Gate 3, please".into());
        let placed = store.place_order(buyer, &order).unwrap();
        assert!(!placed.replayed);
        let last_number: i64 = before.items[0].number.as_str()[3..].parse().unwrap();
        assert_eq!(placed.number.as_str(), format!("SO-{}", last_number + 1));

        let items = drill.price.times(3).checked_add(bearing.price).unwrap();
        let rules = &seed::data().unwrap().rules;
        let fee = rules.currency(Currency::EUR).unwrap();
        let shipping = if to_minor_units(items).unwrap() >= fee.free_shipping_from_minor {
            0
        } else {
            fee.shipping_minor
        };
        let total = items
            .checked_add(Money::from_minor(shipping, Currency::EUR))
            .unwrap();
        assert_eq!(placed.total, total);

        let detail = store.order(buyer, &placed.number).unwrap();
        assert_eq!(detail.summary.status, OrderStatus::Pending);
        assert_eq!(detail.summary.status_label, "Awaiting payment");
        assert_eq!(detail.summary.payment_status, PaymentStatus::Unpaid);
        assert_eq!(detail.summary.item_count, 4);
        let lines: Vec<_> = detail
            .lines
            .iter()
            .map(|l| (l.code.as_str(), l.brand.as_str(), l.quantity))
            .collect();
        assert_eq!(
            lines,
            [("KST-DB5", "Kestrel", 3), ("6204-2RS", "Nordlager", 1)]
        );
        assert_eq!(detail.totals.items, items);
        assert_eq!(detail.totals.grand_total, total);
        let grand = to_minor_units(total).unwrap();
        assert_eq!(
            to_minor_units(detail.totals.tax),
            Some(seed::div_round(grand * 19, 119)),
            "German VAT: the default shipping address is in Hamburg"
        );
        assert_eq!(detail.shipping_address.unwrap().city, "Hamburg");
        assert_eq!(detail.billing_address.unwrap().city, "Berlin");
        assert!(detail.shipments.is_empty());

        let first = store.orders(buyer, &PageRequest::first(1)).unwrap();
        assert_eq!(
            first.items[0], detail.summary,
            "the new order leads the history"
        );
        assert_eq!(first.total, before.total.map(|t| t + 1));
        assert_eq!(in_stock(&product(&store, buyer, "KST-DB5", "Kestrel")), 7);
        assert_eq!(
            in_stock(&product(&store, buyer, "6204-2RS", "Nordlager")),
            239
        );

        // The same key again: the same order, nothing changes.
        let again = store.place_order(buyer, &order).unwrap();
        assert_eq!(
            again,
            PlacedOrder {
                replayed: true,
                ..placed.clone()
            }
        );
        assert_eq!(in_stock(&product(&store, buyer, "KST-DB5", "Kestrel")), 7);
        assert_eq!(store.stats().unwrap().orders, stats.orders + 1);
        // Keys are per customer: Hanako may use the same one.
        let hanako = key(&store, HANAKO);
        let theirs = store
            .place_order(hanako, &new_order("key-1", vec![line("KST-DB5", None, 1)]))
            .unwrap();
        assert!(!theirs.replayed);
        assert_eq!(theirs.total.currency, Currency::JPY);
        let tokyo = store.order(hanako, &theirs.number).unwrap();
        assert_eq!(tokyo.shipping_address.unwrap().country, "JP");
    }

    #[test]
    fn refused_orders_name_each_bad_line_and_change_nothing() {
        let store = fresh();
        let buyer = key(&store, BUYER);
        let stats = store.stats().unwrap();
        store
            .set_product(&"KST-CT200".into(), "Kestrel", None, Some(5))
            .unwrap();
        let refuse = |order: NewOrder| {
            let error = store.place_order(buyer, &order).unwrap_err();
            match error {
                ShopError::Validation { fields, message } => {
                    assert!(!message.is_empty());
                    fields
                        .into_iter()
                        .map(|f| (f.field, f.message))
                        .collect::<Vec<_>>()
                }
                other => panic!("expected a validation error, got {other:?}"),
            }
        };

        let fields = refuse(new_order(
            "bad-1",
            vec![
                line("6204-2RS", None, 1),
                line("6204-2RS", Some("Kestrel"), 1),
                line("NO-SUCH-CODE", None, 1),
                line("KST-CT100", None, 0),
                line("KST-CT200", Some("Kestrel"), 6),
                line("KST-WL10", None, 1),
                line("6204-2RS", Some("Bergmann"), 1),
            ],
        ));
        let names: Vec<_> = fields.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            names,
            [
                "lines[0].brand",
                "lines[1].brand",
                "lines[2].code",
                "lines[3].quantity",
                "lines[5].code",
                "lines[4].quantity",
                "lines[6].quantity",
            ]
        );
        assert!(fields[0].1.contains("Bergmann, Nordlager"), "{fields:?}");
        assert!(fields[2].1.contains("NO-SUCH-CODE"));
        assert!(fields[4].1.contains("discontinued"));
        assert!(
            fields[5].1.contains("KST-CT200") && fields[5].1.contains("only 5"),
            "{fields:?}"
        );
        assert!(fields[6].1.contains("out of stock"));

        // Repeated lines for one product count together against the stock.
        let fields = refuse(new_order(
            "bad-2",
            vec![
                line("KST-CT200", None, 3),
                line("KST-CT200", Some("kestrel"), 3),
            ],
        ));
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].0, "lines[0].quantity");

        let fields = refuse(new_order("  ", Vec::new()));
        let names: Vec<_> = fields.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(names, ["idempotency_key", "lines"]);

        let hanakos_address = store.addresses(key(&store, HANAKO)).unwrap()[0].id.clone();
        let mut foreign = new_order("bad-3", vec![line("KST-CT200", None, 1)]);
        foreign.shipping_address = Some(hanakos_address.clone());
        foreign.billing_address = Some("nonsense".into());
        let names: Vec<_> = refuse(foreign).into_iter().map(|(f, _)| f).collect();
        assert_eq!(names, ["shipping_address", "billing_address"]);

        assert_eq!(store.stats().unwrap(), stats, "no order was created");
        assert_eq!(in_stock(&product(&store, buyer, "KST-CT200", "Kestrel")), 5);
        let key_used: i64 = store
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM orders WHERE idempotency_key IS NOT NULL",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(key_used, 0, "a refused order does not claim its key");
        assert!(
            store
                .place_order(buyer, &new_order("bad-1", vec![line("KST-CT200", None, 5)]))
                .is_ok()
        );
        assert_eq!(
            product(&store, buyer, "KST-CT200", "Kestrel").availability,
            Availability::OutOfStock
        );
    }

    #[test]
    fn a_customer_without_addresses_must_add_one_before_ordering() {
        let store = fresh();
        let newcomer = key(&store, NEWCOMER);
        let order = new_order("first", vec![line("HNK-MT19", None, 2)]);
        let error = store.place_order(newcomer, &order).unwrap_err();
        assert_eq!(field_names(&error), ["shipping_address"]);
        store.create_address(newcomer, &address("SE")).unwrap();
        let placed = store.place_order(newcomer, &order).unwrap();
        assert_eq!(placed.total.currency, Currency::SEK);
        let detail = store.order(newcomer, &placed.number).unwrap();
        let grand = to_minor_units(detail.totals.grand_total).unwrap();
        assert_eq!(
            to_minor_units(detail.totals.tax),
            Some(seed::div_round(grand * 25, 125)),
            "Swedish VAT"
        );
        assert_eq!(detail.billing_address, detail.shipping_address);
    }

    #[test]
    fn concurrent_orders_neither_oversell_nor_duplicate() {
        let store = Arc::new(fresh());
        let buyer = key(&store, BUYER);
        let code = ProductCode::from("BGM-HK9");
        store
            .set_product(&code, "Bergmann", None, Some(20))
            .unwrap();
        let orders_before = store.stats().unwrap().orders;

        let run = |keys: Vec<String>| -> Vec<ShopResult<PlacedOrder>> {
            let workers: Vec<_> = keys
                .into_iter()
                .map(|key| {
                    let store = store.clone();
                    std::thread::spawn(move || {
                        store.place_order(buyer, &new_order(&key, vec![line("BGM-HK9", None, 1)]))
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        };
        let distinct = run((0..50).map(|i| format!("distinct-{i}")).collect());
        let placed = distinct.iter().filter(|r| r.is_ok()).count();
        assert_eq!(placed, 20, "exactly the stock is sold");
        assert!(
            distinct
                .iter()
                .filter_map(|r| r.as_ref().err())
                .all(|e| matches!(e, ShopError::Validation { .. }))
        );
        assert_eq!(
            product(&store, buyer, "BGM-HK9", "Bergmann").availability,
            Availability::OutOfStock
        );

        store
            .set_product(&code, "Bergmann", None, Some(20))
            .unwrap();
        let same = run(vec!["same-key".to_owned(); 50]);
        let numbers: HashSet<_> = same
            .iter()
            .map(|r| r.as_ref().unwrap().number.clone())
            .collect();
        assert_eq!(numbers.len(), 1);
        assert_eq!(
            same.iter()
                .filter(|r| !r.as_ref().unwrap().replayed)
                .count(),
            1
        );
        assert_eq!(store.stats().unwrap().orders, orders_before + 21);
        assert_eq!(in_stock(&product(&store, buyer, "BGM-HK9", "Bergmann")), 19);
    }

    #[test]
    fn set_product_changes_price_and_stock() {
        let store = fresh();
        let buyer = key(&store, BUYER);
        let code = ProductCode::from("ARV-MT25");
        let price = Money::new(Decimal::new(1234, 2), Currency::EUR);
        store
            .set_product(&code, "arvid", Some(price), Some(0))
            .unwrap();
        let changed = product(&store, buyer, "ARV-MT25", "Arvid");
        assert_eq!(changed.price, price);
        assert_eq!(changed.availability, Availability::OutOfStock);
        let hanako = key(&store, HANAKO);
        assert_ne!(
            product(&store, hanako, "ARV-MT25", "Arvid").price.amount,
            price.amount,
            "other currencies keep their price"
        );
        store.set_product(&code, "Arvid", None, Some(3)).unwrap();
        let restocked = product(&store, buyer, "ARV-MT25", "Arvid");
        assert_eq!(restocked.price, price);
        assert_eq!(in_stock(&restocked), 3);

        assert!(matches!(
            store.set_product(&code, "Kestrel", None, Some(1)),
            Err(ShopError::NotFound(_))
        ));
        let negative = Money::new(Decimal::new(-1, 0), Currency::EUR);
        let error = store
            .set_product(&code, "Arvid", Some(negative), None)
            .unwrap_err();
        assert_eq!(field_names(&error), ["price"]);
    }

    // --- API credentials -----------------------------------------------------------------------

    #[test]
    fn api_credentials_are_hashed_listed_verified_and_revoked() {
        let store = fresh();
        let (buyer, hanako) = (key(&store, BUYER), key(&store, HANAKO));
        let (credential, secret) = store.create_api_credential(buyer, " ERP sync ").unwrap();
        assert_eq!(credential.label, "ERP sync");
        assert_eq!(credential.client_id.len(), 32);
        assert!(credential.client_id.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(secret.len(), 43);
        let (other, other_secret) = store.create_api_credential(buyer, "Backup").unwrap();
        assert_ne!(other.client_id, credential.client_id);
        assert_ne!(other_secret, secret);
        assert_eq!(
            store.api_credentials(buyer).unwrap(),
            [credential.clone(), other.clone()]
        );
        assert!(store.api_credentials(hanako).unwrap().is_empty());

        let stored: Vec<u8> = store
            .conn()
            .query_row(
                "SELECT secret_sha256 FROM api_credentials WHERE client_id = ?1",
                [&credential.client_id],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(stored, sha256(&secret), "only the hash is kept");

        let verify = |id: &str, secret: &str| store.verify_api_credential(id, secret).unwrap();
        assert_eq!(verify(&credential.client_id, &secret), Some(buyer));
        assert_eq!(verify(&credential.client_id, &other_secret), None);
        assert_eq!(verify("unknown", &secret), None);

        assert!(matches!(
            store.revoke_api_credential(hanako, &credential.client_id),
            Err(ShopError::NotFound(_))
        ));
        assert_eq!(verify(&credential.client_id, &secret), Some(buyer));
        store
            .revoke_api_credential(buyer, &credential.client_id)
            .unwrap();
        assert_eq!(verify(&credential.client_id, &secret), None);
        assert_eq!(
            store.api_credentials(buyer).unwrap(),
            std::slice::from_ref(&other)
        );
        assert!(matches!(
            store.revoke_api_credential(buyer, &credential.client_id),
            Err(ShopError::NotFound(_))
        ));
        assert_eq!(verify(&other.client_id, &other_secret), Some(buyer));

        let error = store.create_api_credential(buyer, "  ").unwrap_err();
        assert_eq!(field_names(&error), ["label"]);
        let error = store
            .create_api_credential(buyer, &"x".repeat(65))
            .unwrap_err();
        assert_eq!(field_names(&error), ["label"]);
        assert!(matches!(
            store.create_api_credential(9_999, "x"),
            Err(ShopError::NotFound(_))
        ));
    }

    // --- files and helpers ---------------------------------------------------------------------

    #[test]
    fn a_file_store_uses_wal_keeps_changes_and_seeds_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.sqlite");
        let store = Store::open(Some(&path)).unwrap();
        let mode: String = store
            .conn()
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let stats = store.stats().unwrap();
        let newcomer = key(&store, NEWCOMER);
        store.create_address(newcomer, &address("SE")).unwrap();
        drop(store);

        let reopened = Store::open(Some(&path)).unwrap();
        assert_eq!(
            reopened.stats().unwrap(),
            StoreStats {
                addresses: stats.addresses + 1,
                ..stats
            }
        );
        reopened
            .conn()
            .execute(
                "UPDATE meta SET value = 99 WHERE key = 'schema_version'",
                [],
            )
            .unwrap();
        drop(reopened);
        match Store::open(Some(&path)) {
            Err(ShopError::Server {
                status: 500,
                message,
            }) => {
                assert!(message.contains("schema version 99"), "{message}")
            }
            Err(other) => panic!("expected a server error, got {other:?}"),
            Ok(_) => panic!("a store of another schema version must be refused"),
        }
    }

    #[test]
    fn database_errors_become_server_errors() {
        let error = db_error(rusqlite::Error::QueryReturnedNoRows);
        assert!(matches!(error, ShopError::Server { status: 500, .. }));
        assert!(error.is_transient());
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("SO-1"), "%SO-1%");
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    #[ignore = "prints the seeding time; run with --ignored --nocapture"]
    fn seeding_time() {
        let started = std::time::Instant::now();
        let store = Store::open(None).expect("open");
        let elapsed = started.elapsed();
        eprintln!("seeded in {elapsed:?}: {:?}", store.stats().expect("stats"));
    }
}
