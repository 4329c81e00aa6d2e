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

use super::customers::{hash_password, normalize_email};
use super::rows::shipment_state_str;
use super::{ORDER_PREFIX, SeedOptions};
use crate::model::{Currency, OrderStatus, PaymentStatus, PostalAddress, ShipmentState};
use crate::shop::ShopResult;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::{Connection, params};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use time::OffsetDateTime;

const CATALOG_JSON: &str = include_str!("../../../assets/demo/catalog.json");
const RULES_JSON: &str = include_str!("../../../assets/demo/rules.json");
const CUSTOMERS_JSON: &str = include_str!("../../../assets/demo/customers.json");

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
    #[serde(default)]
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
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
    pub currency: Currency,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub addresses: Vec<SeedAddress>,
    #[serde(default)]
    pub history: Option<History>,
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
    #[serde(default)]
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

// ------------------------------------------------------------------------------------------------
// Generation.

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct GenProduct {
    pub brand: String,
    pub code: String,
    pub name: String,
    pub family: usize,
    pub stock: u32,
    pub discontinued: bool,
    /// Price in minor units per currency, in the order of `rules.currencies`.
    pub prices: Vec<(Currency, i64)>,
}

impl GenProduct {
    fn price(&self, currency: Currency) -> Option<i64> {
        self.prices
            .iter()
            .find(|(c, _)| *c == currency)
            .map(|(_, minor)| *minor)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct GenOrder {
    pub customer: usize,
    pub number: String,
    pub placed_at: i64,
    pub status: OrderStatus,
    pub status_label: String,
    pub payment_status: PaymentStatus,
    pub payment_label: String,
    pub currency: Currency,
    pub lines: Vec<GenLine>,
    pub totals: Totals,
    /// Indices into the customer's addresses.
    pub billing: usize,
    pub shipping: usize,
    pub shipments: Vec<GenShipment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct GenLine {
    pub product: usize,
    pub quantity: u32,
    pub unit_minor: i64,
}

/// Order totals in minor units. Prices include VAT: `grand_total = items - discounts + shipping`,
/// and `tax` is the VAT contained in the grand total at the shipping country's rate,
/// `grand_total * rate / (100 + rate)`, rounded to the minor unit. It is shown, never added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Totals {
    pub items: i64,
    pub discounts: i64,
    pub shipping: i64,
    pub tax: i64,
    pub grand_total: i64,
}

impl Totals {
    /// Totals of an order's items under the given rules: discounts are a percentage of the items,
    /// shipping is free from the currency's threshold on.
    pub fn compute(
        items: i64,
        discount_percent: i64,
        currency: &CurrencyRule,
        tax_percent: i64,
    ) -> Totals {
        let discounts = div_round(items * discount_percent, 100);
        let shipping = if items - discounts >= currency.free_shipping_from_minor {
            0
        } else {
            currency.shipping_minor
        };
        let grand_total = items - discounts + shipping;
        Totals {
            items,
            discounts,
            shipping,
            tax: div_round(grand_total * tax_percent, 100 + tax_percent),
            grand_total,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct GenShipment {
    pub shipped_at: i64,
    pub carrier: usize,
    pub service: String,
    pub tracking_id: String,
    pub state: ShipmentState,
    /// Indices of the order's lines in this parcel, each with its full quantity.
    pub lines: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Generated {
    pub products: Vec<GenProduct>,
    /// Oldest first; numbers increase with `placed_at`.
    pub orders: Vec<GenOrder>,
}

/// Rounds `a / b` half away from zero, for `a >= 0`, `b > 0` (all amounts here are non-negative).
pub(super) fn div_round(a: i64, b: i64) -> i64 {
    (a + b / 2) / b
}

/// A EUR amount converted into a currency's minor units, rounded to its price step.
fn to_minor(eur: Decimal, rule: &CurrencyRule) -> Result<i64, String> {
    let minor = eur * rule.per_eur * Decimal::from(10_i64.pow(rule.code.minor_digits()))
        / Decimal::from(rule.round_minor);
    minor
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
        .map(|steps| steps * rule.round_minor)
        .ok_or_else(|| format!("price {eur} EUR out of range"))
}

pub(super) fn generate(data: &SeedData, options: SeedOptions) -> Result<Generated, String> {
    let mut rng = ChaCha8Rng::seed_from_u64(data.rules.seed);
    let products = catalogue(data, &mut rng)?;
    let mut orders = Vec::new();
    for (index, customer) in data.customers.customers.iter().enumerate() {
        if let Some(history) = &customer.history {
            // The B2B buyer comes first in customers.json (see `Store::demo_logins`).
            let count = match options.buyer_orders {
                Some(count) if index == 0 => count,
                _ => history.orders,
            };
            orders.extend(history_of(
                data, index, customer, history, count, &products, &mut rng,
            )?);
        }
    }
    // Numbers follow the date across all customers, as a shop's order numbers do.
    orders.sort_by_key(|order| (order.placed_at, order.customer));
    for (order, number) in orders.iter_mut().zip(data.rules.first_order_number..) {
        order.number = format!("{ORDER_PREFIX}{number}");
    }
    Ok(Generated { products, orders })
}

fn catalogue(data: &SeedData, rng: &mut ChaCha8Rng) -> Result<Vec<GenProduct>, String> {
    let catalog = &data.catalog;
    let mut products = Vec::new();
    for (family_index, family) in catalog.families.iter().enumerate() {
        for variant in &family.variants {
            for brand_name in &family.brands {
                let brand = catalog
                    .brands
                    .iter()
                    .find(|b| &b.name == brand_name)
                    .ok_or_else(|| format!("unknown brand {brand_name}"))?;
                let eur = (family.price_eur
                    * Decimal::from(variant.percent)
                    * Decimal::from(brand.price_percent)
                    / Decimal::from(10_000))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
                let prices = data
                    .rules
                    .currencies
                    .iter()
                    .map(|rule| Ok((rule.code, to_minor(eur, rule)?)))
                    .collect::<Result<Vec<_>, String>>()?;
                let roll = rng.random_range(0..100_u32);
                let discontinued = roll < catalog.stock.discontinued_percent;
                let stock = if roll
                    < catalog.stock.discontinued_percent + catalog.stock.out_of_stock_percent
                {
                    0
                } else {
                    rng.random_range(1..=catalog.stock.max.max(1))
                };
                products.push(GenProduct {
                    brand: brand.name.clone(),
                    code: family
                        .code
                        .replace("{prefix}", &brand.prefix)
                        .replace("{v}", &variant.v),
                    name: family
                        .name
                        .replace("{v}", &variant.v)
                        .replace("{label}", &variant.label),
                    family: family_index,
                    stock,
                    discontinued,
                    prices,
                });
            }
        }
    }
    for pin in &catalog.pinned {
        let product = products
            .iter_mut()
            .find(|p| p.brand == pin.brand && p.code == pin.code)
            .ok_or_else(|| format!("pinned product {} {} does not exist", pin.brand, pin.code))?;
        if let Some(stock) = pin.stock {
            product.stock = stock;
        }
        if pin.discontinued {
            product.discontinued = true;
            product.stock = 0;
        }
    }
    Ok(products)
}

/// A status for an order of this age (seconds before `as_of`) without a pinned status: the newest
/// orders are still open, old ones were mostly delivered and a few cancelled or refunded.
fn status_for_age(rng: &mut ChaCha8Rng, age: i64) -> OrderStatus {
    let roll = rng.random_range(0..100_u32);
    if age < 2 * DAY {
        if roll < 55 {
            OrderStatus::Pending
        } else {
            OrderStatus::Processing
        }
    } else if age < 5 * DAY {
        match roll {
            0..30 => OrderStatus::Processing,
            30..55 => OrderStatus::PartiallyShipped,
            55..95 => OrderStatus::Shipped,
            _ => OrderStatus::Cancelled,
        }
    } else if age < 14 * DAY {
        match roll {
            0..10 => OrderStatus::PartiallyShipped,
            10..50 => OrderStatus::Shipped,
            50..96 => OrderStatus::Delivered,
            _ => OrderStatus::Cancelled,
        }
    } else {
        match roll {
            0..94 => OrderStatus::Delivered,
            94..97 => OrderStatus::Cancelled,
            _ => OrderStatus::Refunded,
        }
    }
}

/// An index drawn with the given relative weights (at least one weight is positive).
fn weighted(rng: &mut ChaCha8Rng, weights: impl Iterator<Item = u32> + Clone) -> usize {
    let total: u32 = weights.clone().sum();
    let mut roll = rng.random_range(0..total.max(1));
    for (index, weight) in weights.enumerate() {
        if roll < weight {
            return index;
        }
        roll -= weight;
    }
    0
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len() as u64) as usize]
}

fn order_times(rng: &mut ChaCha8Rng, history: &History, count: u32) -> Vec<i64> {
    let from = history.from.unix_timestamp();
    let days = (history.to - history.from).whole_days().max(0) as u64;
    let [h0, h1] = history.hours_utc;
    let mut times: Vec<i64> = (0..count)
        .map(|_| {
            let day = rng.random_range(0..=days) as i64;
            let second = rng.random_range(u64::from(h0) * 3600..u64::from(h1) * 3600) as i64;
            from + day * DAY + second
        })
        .collect();
    times.sort_unstable();
    // Strictly increasing, so a customer's orders never share a second.
    for i in 1..times.len() {
        if times[i] <= times[i - 1] {
            times[i] = times[i - 1] + 1;
        }
    }
    times
}

fn history_of(
    data: &SeedData,
    customer_index: usize,
    customer: &SeedCustomer,
    history: &History,
    order_count: u32,
    products: &[GenProduct],
    rng: &mut ChaCha8Rng,
) -> Result<Vec<GenOrder>, String> {
    let rules = &data.rules;
    let as_of = rules.as_of.unix_timestamp();
    let pool: Vec<usize> = (0..products.len())
        .filter(|&i| {
            history.families.is_empty()
                || history
                    .families
                    .contains(&data.catalog.families[products[i].family].id)
        })
        .collect();
    let [min_lines, max_lines] = history.lines;
    if pool.len() < max_lines as usize {
        return Err(format!(
            "{}: {} products to choose from, fewer than {max_lines} lines",
            customer.email,
            pool.len()
        ));
    }
    let mut favourites = pool.clone();
    favourites.shuffle(rng);
    favourites.truncate((history.favourites as usize).max(1));
    // Recent orders hold only products that can be ordered today, so "order this again" works for
    // them; older ones may name products sold out or discontinued since.
    let orderable = |list: &[usize]| -> Vec<usize> {
        list.iter()
            .copied()
            .filter(|&p| products[p].stock > 0 && !products[p].discontinued)
            .collect()
    };
    let pool_orderable = orderable(&pool);
    let mut favourites_orderable = orderable(&favourites);
    if favourites_orderable.is_empty() {
        favourites_orderable = pool_orderable.clone();
    }
    if pool_orderable.len() < max_lines as usize {
        return Err(format!("{}: too few products in stock", customer.email));
    }
    let billing = customer
        .addresses
        .iter()
        .position(|a| a.default_billing)
        .unwrap_or(0);

    let times = order_times(rng, history, order_count);
    let count = times.len();
    let mut orders = Vec::with_capacity(count);
    for (index, placed_at) in times.into_iter().enumerate() {
        let newest_first = count - 1 - index;
        let status = match history.latest_statuses.get(newest_first) {
            Some(&status) => status,
            None => status_for_age(rng, as_of - placed_at),
        };
        let status_rule = rules
            .status(status)
            .ok_or_else(|| format!("no rule for status {}", status.as_str()))?;
        let payment =
            &status_rule.payments[weighted(rng, status_rule.payments.iter().map(|p| p.weight))];
        let shipping = weighted(rng, customer.addresses.iter().map(|a| a.order_weight));
        let address = &customer.addresses[shipping];
        let currency = address.order_currency.unwrap_or(customer.currency);
        let currency_rule = rules
            .currency(currency)
            .ok_or_else(|| format!("no rule for currency {currency}"))?;
        let year = OffsetDateTime::from_unix_timestamp(placed_at)
            .map_err(|e| e.to_string())?
            .year();
        let permille = rules
            .price_index_permille
            .get(&year)
            .copied()
            .unwrap_or(1000);

        // A partial shipment needs a line that is not yet shipped.
        let min = if status == OrderStatus::PartiallyShipped {
            min_lines.max(2)
        } else {
            min_lines
        };
        // Few lines are likelier than many: square a uniform draw.
        let spread: f64 = rng.random();
        let line_count = (min + (spread * spread * f64::from(max_lines - min + 1)) as u32)
            .min(max_lines) as usize;
        let (favourites, pool) = if as_of - placed_at < RECENT {
            (&favourites_orderable, &pool_orderable)
        } else {
            (&favourites, &pool)
        };
        let mut chosen: Vec<usize> = Vec::with_capacity(line_count);
        while chosen.len() < line_count {
            let source = if rng.random_range(0..100_u32) < 70 {
                favourites
            } else {
                pool
            };
            // One code appears once per order even where two brands share it: shipment lines
            // name only the code.
            let unused = |p: usize| chosen.iter().all(|&c| products[c].code != products[p].code);
            let mut candidate = *pick(rng, source);
            if !unused(candidate) {
                // Fall back to the pool's next unused product rather than drawing forever.
                match pool.iter().copied().find(|&p| unused(p)) {
                    Some(next) => candidate = next,
                    None => break,
                }
            }
            chosen.push(candidate);
        }
        let mut lines = Vec::with_capacity(line_count);
        for product in chosen {
            let price = products[product]
                .price(currency)
                .ok_or_else(|| format!("no {currency} price"))?;
            let unit = div_round(div_round(price * permille, 1000), currency_rule.round_minor)
                * currency_rule.round_minor;
            lines.push(GenLine {
                product,
                quantity: *pick(rng, &history.quantities),
                unit_minor: unit,
            });
        }
        let items: i64 = lines
            .iter()
            .map(|l| l.unit_minor * i64::from(l.quantity))
            .sum();
        let discount_percent = if rng.random_range(0..100_u32) < history.discount_orders_percent {
            let [d0, d1] = history.discount_percent;
            i64::from(rng.random_range(d0..=d1))
        } else {
            0
        };
        let totals = Totals::compute(
            items,
            discount_percent,
            currency_rule,
            rules.tax_percent(&address.postal.country),
        );
        let shipments = shipments_for(
            rng,
            rules,
            status,
            placed_at,
            lines.len(),
            &address.postal.country,
        );
        orders.push(GenOrder {
            customer: customer_index,
            number: String::new(),
            placed_at,
            status,
            status_label: status_rule.label.clone(),
            payment_status: payment.status,
            payment_label: payment.label.clone(),
            currency,
            lines,
            totals,
            billing,
            shipping,
            shipments,
        });
    }
    Ok(orders)
}

/// Parcels consistent with the order's status: none before shipping or when cancelled, some lines
/// for a partial shipment, all lines (in one to three parcels) once shipped.
fn shipments_for(
    rng: &mut ChaCha8Rng,
    rules: &Rules,
    status: OrderStatus,
    placed_at: i64,
    line_count: usize,
    country: &str,
) -> Vec<GenShipment> {
    let (shipped_lines, parcels) = match status {
        OrderStatus::Pending
        | OrderStatus::Processing
        | OrderStatus::Cancelled
        | OrderStatus::Other => return Vec::new(),
        OrderStatus::PartiallyShipped => {
            let shipped = rng.random_range(1..line_count.max(2) as u64) as usize;
            let parcels = if shipped >= 2 && rng.random_range(0..100_u32) < 30 {
                2
            } else {
                1
            };
            (shipped, parcels)
        }
        OrderStatus::Shipped | OrderStatus::Delivered => {
            let parcels = match rng.random_range(0..100_u32) {
                0..75 => 1,
                75..93 => 2,
                _ => 3,
            };
            (line_count, parcels.min(line_count))
        }
        // Half the refunds came back as a returned parcel; the others never shipped.
        OrderStatus::Refunded => {
            if rng.random_range(0..2_u32) == 0 {
                (line_count, 1)
            } else {
                return Vec::new();
            }
        }
    };
    let carriers: Vec<usize> = (0..rules.carriers.len())
        .filter(|&i| rules.carriers[i].countries.iter().any(|c| c == country))
        .collect();
    if carriers.is_empty() || shipped_lines == 0 {
        return Vec::new();
    }
    let as_of = rules.as_of.unix_timestamp();
    let mut at = placed_at;
    let mut shipments = Vec::with_capacity(parcels);
    for parcel in 0..parcels {
        // Ship a few hours to two days after the previous step, but never after `as_of`.
        let room = (as_of - at).max(2);
        at += rng.random_range(4 * HOUR..=48 * HOUR).min(room / 2).max(1);
        let carrier_index = *pick(rng, &carriers);
        let carrier = &rules.carriers[carrier_index];
        let service = pick(rng, &carrier.services).clone();
        let tracking_id = carrier
            .tracking_id
            .chars()
            .map(|c| match c {
                '#' => char::from(b'0' + rng.random_range(0..10_u8)),
                '@' => char::from(b'A' + rng.random_range(0..26_u8)),
                other => other,
            })
            .collect();
        let last = parcel + 1 == parcels;
        let state = match status {
            OrderStatus::Delivered => ShipmentState::Delivered,
            OrderStatus::Refunded => ShipmentState::Returned,
            // Earlier parcels of a split order have arrived; the last one is on its way.
            _ if last => ShipmentState::InTransit,
            _ => ShipmentState::Delivered,
        };
        // Contiguous, non-empty runs of lines per parcel.
        let lines = (0..shipped_lines)
            .filter(|line| line * parcels / shipped_lines == parcel)
            .collect();
        shipments.push(GenShipment {
            shipped_at: at,
            carrier: carrier_index,
            service,
            tracking_id,
            state,
            lines,
        });
    }
    shipments
}

// ------------------------------------------------------------------------------------------------
// Writing.

/// Generates the seed data and writes it through `conn` (inside the caller's transaction).
pub(super) fn seed(conn: &Connection, options: SeedOptions) -> ShopResult<()> {
    let data = data().map_err(super::server_error)?;
    let generated = generate(data, options).map_err(super::server_error)?;
    let hashes = hash_passwords(&data.customers.customers)?;
    write(conn, data, &generated, &hashes).map_err(super::db_error)
}

/// Argon2 is slow on purpose; hashing the few demo passwords in parallel keeps start-up quick.
fn hash_passwords(customers: &[SeedCustomer]) -> ShopResult<Vec<String>> {
    std::thread::scope(|scope| {
        let workers: Vec<_> = customers
            .iter()
            .map(|customer| scope.spawn(|| hash_password(&customer.password)))
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .map_err(|_| super::server_error("password hashing failed"))?
            })
            .collect()
    })
}

fn json_error(e: serde_json::Error) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(e))
}

fn write(
    conn: &Connection,
    data: &SeedData,
    generated: &Generated,
    password_hashes: &[String],
) -> rusqlite::Result<()> {
    let mut customer_ids = Vec::new();
    // Per customer: each address as its JSON snapshot, for the orders.
    let mut snapshots: Vec<Vec<String>> = Vec::new();
    {
        let mut insert_customer = conn.prepare_cached(
            "INSERT INTO customers (email, email_norm, password_hash, first_name, last_name, phone,
                                    company, currency, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        let mut insert_address = conn.prepare_cached(
            "INSERT INTO addresses (customer_id, first_name, last_name, company, line1, line2, city,
                                    postcode, region, country, phone, default_shipping,
                                    default_billing)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?;
        for (customer, hash) in data.customers.customers.iter().zip(password_hashes) {
            insert_customer.execute(params![
                customer.email,
                normalize_email(&customer.email),
                hash,
                customer.first_name,
                customer.last_name,
                customer.phone,
                customer.company,
                customer.currency.as_str(),
                customer.created_at.unix_timestamp(),
            ])?;
            let id = conn.last_insert_rowid();
            customer_ids.push(id);
            let mut own = Vec::new();
            for address in &customer.addresses {
                let p = &address.postal;
                insert_address.execute(params![
                    id,
                    p.first_name,
                    p.last_name,
                    p.company,
                    p.line1,
                    p.line2,
                    p.city,
                    p.postcode,
                    p.region,
                    p.country,
                    p.phone,
                    address.default_shipping,
                    address.default_billing,
                ])?;
                own.push(serde_json::to_string(p).map_err(json_error)?);
            }
            snapshots.push(own);
        }
    }
    {
        let mut insert_product = conn.prepare_cached(
            "INSERT INTO products (brand, code, name, stock, discontinued) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut insert_price = conn.prepare_cached(
            "INSERT INTO prices (product_id, currency, amount_minor) VALUES (?1, ?2, ?3)",
        )?;
        for product in &generated.products {
            insert_product.execute(params![
                product.brand,
                product.code,
                product.name,
                product.stock,
                product.discontinued,
            ])?;
            let id = conn.last_insert_rowid();
            for (currency, minor) in &product.prices {
                insert_price.execute(params![id, currency.as_str(), minor])?;
            }
        }
    }
    let mut insert_order = conn.prepare_cached(
        "INSERT INTO orders (customer_id, number, placed_at, status, status_label, payment_status,
                             payment_label, currency, item_count, items_minor, discounts_minor,
                             shipping_minor, tax_minor, total_minor, billing_address,
                             shipping_address)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?;
    let mut insert_line = conn.prepare_cached(
        "INSERT INTO order_lines (order_id, position, code, brand, name, quantity, unit_minor,
                                  total_minor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut insert_shipment = conn.prepare_cached(
        "INSERT INTO shipments (order_id, public_id, shipped_at, carrier, service, tracking_id,
                                tracking_url, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut insert_shipment_line = conn.prepare_cached(
        "INSERT INTO shipment_lines (shipment_id, position, code, quantity) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for order in &generated.orders {
        let own = &snapshots[order.customer];
        let t = &order.totals;
        insert_order.execute(params![
            customer_ids[order.customer],
            order.number,
            order.placed_at,
            order.status.as_str(),
            order.status_label,
            order.payment_status.as_str(),
            order.payment_label,
            order.currency.as_str(),
            order.lines.iter().map(|l| l.quantity).sum::<u32>(),
            t.items,
            t.discounts,
            t.shipping,
            t.tax,
            t.grand_total,
            own[order.billing],
            own[order.shipping],
        ])?;
        let order_id = conn.last_insert_rowid();
        for (position, line) in order.lines.iter().enumerate() {
            let product = &generated.products[line.product];
            insert_line.execute(params![
                order_id,
                position as i64,
                product.code,
                product.brand,
                product.name,
                line.quantity,
                line.unit_minor,
                line.unit_minor * i64::from(line.quantity),
            ])?;
        }
        for (index, shipment) in order.shipments.iter().enumerate() {
            let carrier = &data.rules.carriers[shipment.carrier];
            insert_shipment.execute(params![
                order_id,
                format!("{}-{}", order.number, index + 1),
                shipment.shipped_at,
                carrier.name,
                shipment.service,
                shipment.tracking_id,
                carrier.tracking_url.replace("{id}", &shipment.tracking_id),
                shipment_state_str(shipment.state),
            ])?;
            let shipment_id = conn.last_insert_rowid();
            for (position, &line) in shipment.lines.iter().enumerate() {
                let order_line = &order.lines[line];
                insert_shipment_line.execute(params![
                    shipment_id,
                    position as i64,
                    generated.products[order_line.product].code,
                    order_line.quantity,
                ])?;
            }
        }
    }
    let last_number = data.rules.first_order_number + generated.orders.len() as i64 - 1;
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('order_seq', ?1)",
        [last_number],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_parses_and_passes_its_checks() {
        let data = data().expect("seed data");
        assert_eq!(data.customers.customers.len(), 3);
        assert!(data.rules.currencies.len() >= 3);
    }

    #[test]
    fn generation_is_deterministic() {
        let data = data().expect("seed data");
        let first = generate(data, SeedOptions::default()).expect("generate");
        let second = generate(data, SeedOptions::default()).expect("generate");
        assert_eq!(first, second);
    }

    #[test]
    fn shared_codes_and_currency_rounding() {
        let data = data().expect("seed data");
        let generated = generate(data, SeedOptions::default()).expect("generate");
        let bearings: Vec<_> = generated
            .products
            .iter()
            .filter(|p| p.code == "6204-2RS")
            .map(|p| p.brand.as_str())
            .collect();
        assert_eq!(bearings, ["Nordlager", "Bergmann"]);
        for product in &generated.products {
            let sek = product.price(Currency::SEK).expect("SEK price");
            let jpy = product.price(Currency::JPY).expect("JPY price");
            assert_eq!(sek % 100, 0, "whole kronor: {product:?}");
            assert_eq!(jpy % 10, 0, "tens of yen: {product:?}");
            assert!(product.price(Currency::EUR).expect("EUR price") > 0);
        }
    }

    #[test]
    fn totals_include_tax_and_free_shipping_threshold() {
        let rule = CurrencyRule {
            code: Currency::EUR,
            per_eur: Decimal::ONE,
            round_minor: 1,
            shipping_minor: 690,
            free_shipping_from_minor: 15_000,
        };
        let small = Totals::compute(10_000, 0, &rule, 19);
        assert_eq!(small.grand_total, 10_690);
        assert_eq!(small.tax, 1_707); // 10690 * 19 / 119 = 1706.8
        let big = Totals::compute(20_000, 10, &rule, 25);
        assert_eq!(big.discounts, 2_000);
        assert_eq!(big.shipping, 0);
        assert_eq!(big.grand_total, 18_000);
        assert_eq!(big.tax, 3_600);
    }
}
