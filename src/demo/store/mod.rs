//! The demo shop's data: customers, address books, catalogue with stock and prices, orders with
//! shipments, API credentials, password-reset keys and the outbox of "sent" e-mails, in SQLite.
//!
//! One writer connection behind a mutex and a pool of read-only connections (WAL, so a read never
//! waits on the writer and reads run in parallel): every method is synchronous and short; the
//! HTTP handlers call them through `tokio::task::spawn_blocking`. An "in-memory" store is a WAL
//! file in a private temporary directory removed on drop, because SQLite's memory databases
//! cannot be shared between connections without table locks that make readers wait on writers. Domain failures come back as [`ShopError`] so the
//! HTTP layer maps them to status codes in one place.
//!
//! Money is stored in minor units with its currency. Prices include VAT, so an order's
//! `grand_total = items - discounts + shipping`, and `tax` is the VAT contained in it at the
//! shipping country's rate (`grand_total * rate / (100 + rate)`), shown but never added.
//! The seed data lives in `assets/demo/*.json`; see the `seed` module for its format.
//!
//! One file per topic, each with its own `impl Store` block: `customers` (sign-in, account,
//! password change), `addresses` (the address book), `orders` (history and search), `checkout`
//! (placing an order), `password_reset` (reset keys and the outbox), `credentials` (API
//! credentials), `catalogue` (products, prices, stock); `rows` maps result rows to the domain
//! model. The schema is `schema.sql`.

mod addresses;
mod catalogue;
mod checkout;
mod credentials;
mod currency;
mod customers;
mod orders;
mod password_reset;
mod rows;
mod seed;
pub use seed::SeedShoppingList;
mod sign_up;
mod staff;
#[cfg(test)]
mod test_support;

pub use credentials::ApiCredential;
pub use orders::{KeysetPage, OrderCursor};
pub use password_reset::{Mail, RESET_KEY_TTL, ResetMail};

use crate::shop::{FieldError, ShopError, ShopResult};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};
use std::ops::Deref;
use std::path::Path;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

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
    writer: Mutex<Connection>,
    readers: ReaderPool,
    /// Owns the file of an "in-memory" store; dropped (and deleted) after the connections.
    _scratch: Option<tempfile::TempDir>,
}

/// Read-only connections handed out one per call. A hand-written pool rather than r2d2 or
/// deadpool: the ones maintained for rusqlite pin other rusqlite versions than 0.43 (they would
/// link a second SQLite), and a `Mutex<Vec<_>>` with a `Condvar` is all a blocking pool needs.
struct ReaderPool {
    idle: Mutex<Vec<Connection>>,
    returned: Condvar,
}

/// A read-only connection borrowed from the pool; it goes back when dropped.
struct Reader<'a> {
    pool: &'a ReaderPool,
    conn: Option<Connection>,
}

impl Deref for Reader<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        // Only `drop` takes the connection out.
        self.conn
            .as_ref()
            .expect("a reader holds its connection until dropped")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(conn);
            self.pool.returned.notify_one();
        }
    }
}

impl ReaderPool {
    fn take(&self) -> Reader<'_> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(conn) = idle.pop() {
                return Reader {
                    pool: self,
                    conn: Some(conn),
                };
            }
            idle = self
                .returned
                .wait(idle)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// How many read connections a store keeps: enough for every core plus requests waiting on I/O;
/// more only adds page caches.
fn reader_count() -> usize {
    std::thread::available_parallelism()
        .map_or(4, |n| n.get() * 2)
        .clamp(4, 16)
}

/// Bump when the schema changes; a file written by another version is refused, not migrated.
/// 2: `order_counts` (a file of version 1 has orders its triggers never counted).
pub const SCHEMA_VERSION: i64 = 2;
/// Order numbers are this prefix and a counter ("SO-100001").
pub const ORDER_PREFIX: &str = "SO-";
/// Most orders one page can hold; larger requests are clamped.
pub const MAX_PAGE_LIMIT: u32 = 200;

/// The tables and indexes; every statement is `IF NOT EXISTS`, so opening runs it each time.
const SCHEMA: &str = include_str!("schema.sql");

impl Store {
    /// Opens (creating if needed) the store at `path`, or an in-memory one for `None`, and seeds
    /// it from the embedded demo data when it is empty. Seeding is deterministic.
    pub fn open(path: Option<&Path>) -> ShopResult<Store> {
        Store::open_with(path, SeedOptions::default())
    }

    /// [`Store::open`], seeding an empty store with `options`.
    pub fn open_with(path: Option<&Path>, options: SeedOptions) -> ShopResult<Store> {
        let scratch = match path {
            Some(_) => None,
            None => {
                remove_abandoned_scratch_stores();
                Some(
                    tempfile::Builder::new()
                        .prefix(&format!("{SCRATCH_PREFIX}{}-", std::process::id()))
                        .tempdir()
                        .map_err(|e| server_error(format!("cannot create the demo store: {e}")))?,
                )
            }
        };
        let scratch_file = scratch.as_ref().map(|dir| dir.path().join("demo.sqlite"));
        let path = path.or(scratch_file.as_deref()).ok_or_else(|| {
            server_error("the demo store has no file") // unreachable: one of the two is set
        })?;
        let mut conn = Connection::open(path).map_err(db_error)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(db_error)?;
        // Off while the schema is checked and an empty store seeded, on for everything after:
        // the seed's rows are consistent by construction (a unit test runs SQLite's foreign key
        // check over them), and looking up the parent of each of a million orders' seven rows
        // was a fifth of seeding them. The pragma cannot change inside a transaction.
        conn.execute_batch("PRAGMA foreign_keys = OFF;")
            .map_err(db_error)?;
        // NORMAL sync is safe with WAL and keeps order placement fast. A scratch file is thrown
        // away on exit, so it need not survive a crash at all.
        conn.execute_batch(if scratch.is_some() {
            "PRAGMA synchronous = OFF;"
        } else {
            "PRAGMA synchronous = NORMAL;"
        })
        .map_err(db_error)?;
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
        conn.execute_batch("PRAGMA foreign_keys = ON;")
            .map_err(db_error)?;
        // WAL lets the readers (the pool, a second `shopterm demo`, sqlite3) run beside the
        // writer. Switched on only now: a new file is seeded with the rollback journal, which
        // has nothing to copy for pages the file did not have, where WAL would write every
        // seeded page twice (the log, then the checkpoint). A file in WAL mode stays in it.
        let _mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(db_error)?;
        let readers = (0..reader_count())
            .map(|_| open_reader(path))
            .collect::<ShopResult<Vec<_>>>()?;
        Ok(Store {
            writer: Mutex::new(conn),
            readers: ReaderPool {
                idle: Mutex::new(readers),
                returned: Condvar::new(),
            },
            _scratch: scratch,
        })
    }

    /// The writer connection. A panic while it was held cannot leave a transaction open (a
    /// dropped `Transaction` rolls back), so a poisoned lock is safe to take over.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A read-only connection: it sees every committed write and never waits on the writer.
    fn reader(&self) -> Reader<'_> {
        self.readers.take()
    }

    pub fn stats(&self) -> ShopResult<StoreStats> {
        let conn = self.reader();
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

    /// The seed's shopping lists of the customer with `email` (the B2B buyer has two).
    pub fn seed_shopping_lists(email: &str) -> Vec<seed::SeedShoppingList> {
        seed::data()
            .map(|data| {
                data.customers
                    .customers
                    .iter()
                    .filter(|c| c.email.eq_ignore_ascii_case(email.trim()))
                    .flat_map(|c| c.shopping_lists.clone())
                    .collect()
            })
            .unwrap_or_default()
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
}

/// Scratch stores are `shopterm-demo-PID-*` in the temp directory.
const SCRATCH_PREFIX: &str = "shopterm-demo-";

/// A process killed by a signal, or a store that is never dropped (a `static`), leaves its
/// scratch directory behind (2.3 GB with a million orders); the next scratch store removes those
/// whose process is gone. Only where `/proc` tells which processes run.
fn remove_abandoned_scratch_stores() {
    let proc_fs = Path::new("/proc");
    if !proc_fs.join("self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(SCRATCH_PREFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !proc_fs.join(pid.to_string()).exists() {
            // Another user's directory or a race with its owner: nothing to do but leave it.
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn open_reader(path: &Path) -> ShopResult<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(db_error)?;
    // A reader waits only while a checkpoint resets the WAL, never on a writer's transaction.
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(db_error)?;
    Ok(conn)
}

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
    ShopError::validation(fields)
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Trimmed text, or `None` when nothing is left.
fn optional_text(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
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

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use crate::model::*;
    use std::collections::BTreeSet;

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
    fn reads_neither_wait_on_an_open_write_nor_see_it_until_it_commits() {
        let store = std::sync::Arc::new(fresh());
        let before = store.stats().unwrap();
        let mut writer = store.conn();
        let tx = writer.transaction().unwrap();
        tx.execute("DELETE FROM shipment_lines", []).unwrap();
        tx.execute("DELETE FROM shipments", []).unwrap();
        let (sent, received) = std::sync::mpsc::channel();
        let reading = store.clone();
        std::thread::spawn(move || {
            let _ = sent.send(reading.stats().map(|s| s.shipments));
        });
        let seen = received
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("a read waited on the open write transaction");
        assert_eq!(
            seen.unwrap(),
            before.shipments,
            "uncommitted rows are not visible"
        );
        tx.commit().unwrap();
        drop(writer);
        assert_eq!(store.stats().unwrap().shipments, 0, "committed rows are");
    }

    #[test]
    fn a_scratch_store_removes_the_scratch_stores_of_ended_processes() {
        // A pid that no process has: above the kernel's limit.
        let ended = std::env::temp_dir().join(format!("{SCRATCH_PREFIX}4294967295-test"));
        std::fs::create_dir_all(&ended).unwrap();
        std::fs::write(ended.join("demo.sqlite"), b"left behind").unwrap();
        let running =
            std::env::temp_dir().join(format!("{SCRATCH_PREFIX}{}-kept-test", std::process::id()));
        std::fs::create_dir_all(&running).unwrap();
        let store = Store::open(None).unwrap();
        assert!(!ended.exists(), "the ended process's store is removed");
        assert!(running.exists(), "a running process's store is kept");
        std::fs::remove_dir_all(&running).unwrap();
        let own = store._scratch.as_ref().unwrap().path().to_owned();
        assert!(own.exists());
        drop(store);
        assert!(!own.exists(), "a dropped store removes its file");
    }

    #[test]
    fn database_errors_become_server_errors() {
        let error = db_error(rusqlite::Error::QueryReturnedNoRows);
        assert!(matches!(error, ShopError::Server { status: 500, .. }));
        assert!(error.is_transient());
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
