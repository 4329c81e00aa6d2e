//! The demo shop's seed data: the JSON files under `assets/demo/` (embedded into the binary) and
//! the deterministic generator that turns them into a catalogue, customers and years of orders.
//!
//! - `catalog.json`: brands (name, code prefix, price factor) and product families (a code and a
//!   name template with `{prefix}`, `{v}` and `{label}`, a EUR base price, the brands making it and
//!   its variants). A family whose code template has no `{prefix}` gives the same code to each of
//!   its brands — standard part numbers such as bearing `6204-2RS` — so brand + code lookups matter.
//!   Stock percentages and a few pinned products (fixed stock or discontinued) close it.
//! - `rules.json`: the RNG seed, the fixed "as of" instant the history ends at, the first order
//!   number, currencies (rate per EUR, price rounding, shipping fee), yearly price index, tax rates
//!   per country, status and payment labels, and carriers with tracking-id and URL templates.
//! - `customers.json`: the demo accounts with password, addresses and, optionally, the shape of
//!   their order history (count, date range, lines per order, favourite products, …).
//!
//! Everything random comes from one `ChaCha8Rng` seeded from `rules.json` and drawn in a fixed
//! order, and no date depends on the clock, so every seeding produces the same rows (apart from the
//! password hashes, whose salts must be random).

use super::SeedOptions;
use crate::model::{Currency, OrderStatus, PaymentStatus, PostalAddress};
use crate::shop::ShopResult;
use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Instant;
use time::OffsetDateTime;

mod generate;
#[cfg(test)]
mod tests;
mod write;

pub(super) use generate::Totals;
#[cfg(test)]
pub(super) use generate::div_round;
use generate::generate;

const CATALOG_JSON: &str = include_str!("../../../../assets/demo/catalog.json");
const RULES_JSON: &str = include_str!("../../../../assets/demo/rules.json");
const CUSTOMERS_JSON: &str = include_str!("../../../../assets/demo/customers.json");

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
/// Orders younger than this (before `as_of`) name only products that are orderable today.
const RECENT: i64 = 30 * DAY;

// ------------------------------------------------------------------------------------------------
// The JSON formats.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Catalog {
    pub brands: Vec<Brand>,
    pub families: Vec<Family>,
    pub stock: StockRule,
    #[serde(default)]
    pub pinned: Vec<Pin>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Brand {
    pub name: String,
    /// Put into codes of families whose template has `{prefix}`.
    pub prefix: String,
    /// This brand's prices relative to the family's base price.
    pub price_percent: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Family {
    pub id: String,
    /// Code template: `{prefix}` (the brand's) and `{v}` (the variant's).
    pub code: String,
    /// Name template: `{v}` and `{label}` (the variant's).
    pub name: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub price_eur: Decimal,
    pub brands: Vec<String>,
    pub variants: Vec<Variant>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Variant {
    pub v: String,
    pub label: String,
    /// Price relative to the family's base price.
    pub percent: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StockRule {
    pub out_of_stock_percent: u32,
    pub discontinued_percent: u32,
    pub max: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Pin {
    pub brand: String,
    pub code: String,
    pub stock: Option<u32>,
    #[serde(default)]
    pub discontinued: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Rules {
    pub seed: u64,
    /// The instant the generated history ends: order ages (and so statuses) are relative to it.
    #[serde(with = "time::serde::rfc3339")]
    pub as_of: OffsetDateTime,
    pub first_order_number: i64,
    pub currencies: Vec<CurrencyRule>,
    /// Prices of a year relative to today's, in per mille (missing years: 1000).
    pub price_index_permille: BTreeMap<i32, i64>,
    /// VAT rate by ISO country code; prices include it (see `Totals`).
    pub tax_percent: BTreeMap<String, i64>,
    /// Keyed by `OrderStatus::as_str`.
    pub statuses: BTreeMap<String, StatusRule>,
    pub carriers: Vec<Carrier>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CurrencyRule {
    pub code: Currency,
    #[serde(with = "rust_decimal::serde::str")]
    pub per_eur: Decimal,
    /// Prices are rounded to a multiple of this many minor units (100 = whole kronor).
    pub round_minor: i64,
    pub shipping_minor: i64,
    pub free_shipping_from_minor: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StatusRule {
    pub label: String,
    /// Payment states an order in this status can have, with relative weights.
    pub payments: Vec<PaymentRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PaymentRule {
    pub status: PaymentStatus,
    pub label: String,
    pub weight: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Carrier {
    pub name: String,
    pub services: Vec<String>,
    /// `#` becomes a digit, `@` an upper-case letter, anything else stays.
    pub tracking_id: String,
    /// `{id}` becomes the tracking id.
    pub tracking_url: String,
    /// Countries this carrier delivers to in the demo.
    pub countries: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Customers {
    pub customers: Vec<SeedCustomer>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SeedCustomer {
    pub email: String,
    /// The demo password, printed for the user; the database gets only its argon2 hash.
    pub password: String,
    pub description: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub currency: Currency,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub addresses: Vec<SeedAddress>,
    pub history: Option<History>,
    /// Saved shopping lists (Spryker B2B's `/shopping-lists`): the B2B buyer has two.
    #[serde(default)]
    pub shopping_lists: Vec<SeedShoppingList>,
}

/// A shopping list of the seed: a name and (product code, quantity) items.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedShoppingList {
    pub name: String,
    pub items: Vec<(String, u32)>,
}

// No `deny_unknown_fields`: serde cannot combine it with `flatten`.
#[derive(Debug, Deserialize)]
pub(super) struct SeedAddress {
    #[serde(flatten)]
    pub postal: PostalAddress,
    #[serde(default)]
    pub default_shipping: bool,
    #[serde(default)]
    pub default_billing: bool,
    /// How often orders ship here, relative to the customer's other addresses.
    #[serde(default = "one")]
    pub order_weight: u32,
    /// Orders shipped here are in this currency instead of the customer's.
    pub order_currency: Option<Currency>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct History {
    pub orders: u32,
    /// First and last day orders are placed on (the time of day is drawn from `hours_utc`).
    #[serde(with = "time::serde::rfc3339")]
    pub from: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub to: OffsetDateTime,
    pub hours_utc: [u32; 2],
    /// Fewest and most lines per order; few lines are more likely than many.
    pub lines: [u32; 2],
    /// Quantities a line is drawn from (repeat a value to make it more likely).
    pub quantities: Vec<u32>,
    /// Size of the set of products this customer buys again and again.
    pub favourites: u32,
    /// Product family ids this customer buys; empty means all.
    #[serde(default)]
    pub families: Vec<String>,
    pub discount_orders_percent: u32,
    pub discount_percent: [u32; 2],
    /// Statuses of the newest orders, newest first, so every status is present; older orders get
    /// a status from their age.
    #[serde(default)]
    pub latest_statuses: Vec<OrderStatus>,
}

/// All embedded seed data, parsed and checked.
#[derive(Debug)]
pub(super) struct SeedData {
    pub catalog: Catalog,
    pub rules: Rules,
    pub customers: Customers,
}

impl Rules {
    pub fn currency(&self, currency: Currency) -> Option<&CurrencyRule> {
        self.currencies.iter().find(|rule| rule.code == currency)
    }

    pub fn status(&self, status: OrderStatus) -> Option<&StatusRule> {
        self.statuses.get(status.as_str())
    }

    pub fn tax_percent(&self, country: &str) -> i64 {
        self.tax_percent.get(country).copied().unwrap_or(0)
    }
}

/// The embedded seed data; parsed once. An error here is a broken build (the unit tests parse it).
pub(super) fn data() -> Result<&'static SeedData, String> {
    static DATA: OnceLock<Result<SeedData, String>> = OnceLock::new();
    DATA.get_or_init(load).as_ref().map_err(Clone::clone)
}

fn load() -> Result<SeedData, String> {
    let catalog =
        serde_json::from_str(CATALOG_JSON).map_err(|e| format!("assets/demo/catalog.json: {e}"))?;
    let rules =
        serde_json::from_str(RULES_JSON).map_err(|e| format!("assets/demo/rules.json: {e}"))?;
    let customers = serde_json::from_str(CUSTOMERS_JSON)
        .map_err(|e| format!("assets/demo/customers.json: {e}"))?;
    let data = SeedData {
        catalog,
        rules,
        customers,
    };
    check(&data).map_err(|e| format!("demo seed data: {e}"))?;
    Ok(data)
}

/// Catches mistakes in the JSON that would otherwise surface as odd data or a panic mid-seed.
fn check(data: &SeedData) -> Result<(), String> {
    let rules = &data.rules;
    for status in OrderStatus::ALL {
        if status == OrderStatus::Other {
            continue;
        }
        let rule = rules
            .status(status)
            .ok_or_else(|| format!("no label for status {}", status.as_str()))?;
        if rule.payments.iter().map(|p| p.weight).sum::<u32>() == 0 {
            return Err(format!("status {} has no payment states", status.as_str()));
        }
    }
    for key in rules.statuses.keys() {
        if OrderStatus::parse(key).is_none() {
            return Err(format!("unknown status {key:?}"));
        }
    }
    for rule in &rules.currencies {
        if rule.round_minor < 1 || rule.per_eur <= Decimal::ZERO {
            return Err(format!("bad rule for currency {}", rule.code));
        }
    }
    for carrier in &rules.carriers {
        if carrier.services.is_empty() || !carrier.tracking_url.contains("{id}") {
            return Err(format!(
                "carrier {} needs services and an {{id}} URL",
                carrier.name
            ));
        }
    }
    for family in &data.catalog.families {
        for brand in &family.brands {
            if !data.catalog.brands.iter().any(|b| &b.name == brand) {
                return Err(format!("family {} names unknown brand {brand}", family.id));
            }
        }
    }
    for customer in &data.customers.customers {
        let who = &customer.email;
        rules
            .currency(customer.currency)
            .ok_or_else(|| format!("{who}: no rule for currency {}", customer.currency))?;
        for address in &customer.addresses {
            if let Some(currency) = address.order_currency {
                rules
                    .currency(currency)
                    .ok_or_else(|| format!("{who}: no rule for currency {currency}"))?;
            }
        }
        let Some(history) = &customer.history else {
            continue;
        };
        if customer
            .addresses
            .iter()
            .map(|a| a.order_weight)
            .sum::<u32>()
            == 0
        {
            return Err(format!(
                "{who}: an order history needs addresses to ship to"
            ));
        }
        for address in &customer.addresses {
            let country = &address.postal.country;
            if !rules
                .carriers
                .iter()
                .any(|c| c.countries.iter().any(|k| k == country))
            {
                return Err(format!("{who}: no carrier delivers to {country}"));
            }
        }
        let [min, max] = history.lines;
        let [h0, h1] = history.hours_utc;
        let [d0, d1] = history.discount_percent;
        if min < 1 || max < min.max(2) || history.quantities.is_empty() || h0 >= h1 || h1 > 24 {
            return Err(format!(
                "{who}: history needs 1 <= lines, at least 2 lines allowed, quantities and hours"
            ));
        }
        if d0 > d1 || d1 >= 100 {
            return Err(format!("{who}: bad discount range"));
        }
        let last = history.to.unix_timestamp() + i64::from(h1) * HOUR;
        if history.from >= history.to || last > rules.as_of.unix_timestamp() {
            return Err(format!("{who}: history must end before as_of"));
        }
        for family in &history.families {
            if !data.catalog.families.iter().any(|f| &f.id == family) {
                return Err(format!("{who}: unknown product family {family}"));
            }
        }
    }
    Ok(())
}

/// Generates the seed data and writes it through `conn` (inside the caller's transaction).
/// The argon2 hashes (slow on purpose) are computed beside the generator, not after it.
pub(super) fn seed(conn: &Connection, options: SeedOptions) -> ShopResult<()> {
    let started = Instant::now();
    let data = data().map_err(super::server_error)?;
    let (generated, hashes) = std::thread::scope(|scope| {
        let hashing = scope.spawn(|| write::hash_passwords(&data.customers.customers));
        let generated = generate(data, options).map_err(super::server_error);
        let hashes = hashing
            .join()
            .map_err(|_| super::server_error("password hashing failed"))?;
        Ok::<_, crate::shop::ShopError>((generated?, hashes?))
    })?;
    let generated_in = started.elapsed();
    write::write(conn, data, &generated, &hashes, options).map_err(super::db_error)?;
    // Where seeding time goes, for `--bench-orders` (docs/benchmarks.md).
    tracing::info!(
        orders = generated.orders.len() + generate::copied_orders(data, options) as usize,
        generate_ms = generated_in.as_millis() as u64,
        write_ms = (started.elapsed() - generated_in).as_millis() as u64,
        "demo store seeded"
    );
    Ok(())
}
