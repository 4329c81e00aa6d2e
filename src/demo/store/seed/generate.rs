//! Generation: the catalogue, and each customer's years of orders with their shipments, drawn
//! from one seeded RNG in a fixed order (so every seeding gives the same rows).

use super::{CurrencyRule, DAY, HOUR, History, RECENT, Rules, SeedCustomer, SeedData};
use crate::demo::store::{ORDER_PREFIX, SeedOptions};
use crate::model::{Currency, OrderStatus, PaymentStatus, ShipmentState};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::demo::store) struct GenProduct {
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
    pub(super) fn price(&self, currency: Currency) -> Option<i64> {
        self.prices
            .iter()
            .find(|(c, _)| *c == currency)
            .map(|(_, minor)| *minor)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::demo::store) struct GenOrder {
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
pub(in crate::demo::store) struct GenLine {
    pub product: usize,
    pub quantity: u32,
    pub unit_minor: i64,
}

/// Order totals in minor units. Prices include VAT: `grand_total = items - discounts + shipping`,
/// and `tax` is the VAT contained in the grand total at the shipping country's rate,
/// `grand_total * rate / (100 + rate)`, rounded to the minor unit. It is shown, never added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::demo::store) struct Totals {
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
pub(in crate::demo::store) struct GenShipment {
    pub shipped_at: i64,
    pub carrier: usize,
    pub service: String,
    pub tracking_id: String,
    pub state: ShipmentState,
    /// Indices of the order's lines in this parcel, each with its full quantity.
    pub lines: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::demo::store) struct Generated {
    pub products: Vec<GenProduct>,
    /// Oldest first; numbers increase with `placed_at`.
    pub orders: Vec<GenOrder>,
}

/// Rounds `a / b` half away from zero, for `a >= 0`, `b > 0` (all amounts here are non-negative).
pub(in crate::demo::store) fn div_round(a: i64, b: i64) -> i64 {
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

pub(in crate::demo::store) fn generate(
    data: &SeedData,
    options: SeedOptions,
) -> Result<Generated, String> {
    let mut rng = ChaCha8Rng::seed_from_u64(data.rules.seed);
    let products = catalogue(data, &mut rng)?;
    let mut orders = Vec::new();
    for (index, customer) in data.customers.customers.iter().enumerate() {
        if let Some(history) = &customer.history {
            // The B2B buyer comes first in customers.json (see `Store::demo_logins`). More
            // orders than the history has are copies of it, written in SQL (`copied_orders`).
            let count = match options.buyer_orders {
                Some(count) if index == 0 => count.min(history.orders),
                _ => history.orders,
            };
            orders.extend(history_of(
                data, index, customer, history, count, &products, &mut rng,
            )?);
        }
    }
    // Numbers follow the date across all customers, as a shop's order numbers do; the copies
    // are older than every generated order, so they take the first numbers.
    orders.sort_by_key(|order| (order.placed_at, order.customer));
    let first_number = data.rules.first_order_number + i64::from(copied_orders(data, options));
    for (order, number) in orders.iter_mut().zip(first_number..) {
        order.number = format!("{ORDER_PREFIX}{number}");
    }
    Ok(Generated { products, orders })
}

/// How many of the B2B buyer's orders are not generated but copies of their generated history,
/// placed before it (`write::copy_history`): the orders beyond
/// the history's own count that `--bench-orders` asks for. Generating and binding a million
/// orders row by row took 17 s; SQLite copies them in a fraction of that.
pub(super) fn copied_orders(data: &SeedData, options: SeedOptions) -> u32 {
    let history = data
        .customers
        .customers
        .first()
        .and_then(|buyer| buyer.history.as_ref());
    match (options.buyer_orders, history) {
        (Some(count), Some(history)) => count.saturating_sub(history.orders),
        _ => 0,
    }
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

/// The products a customer's orders are drawn from: all they buy, and their favourites, each
/// also narrowed to what can be ordered today.
struct Choices {
    pool: Vec<usize>,
    favourites: Vec<usize>,
    pool_orderable: Vec<usize>,
    favourites_orderable: Vec<usize>,
}

fn choices_of(
    data: &SeedData,
    customer: &SeedCustomer,
    history: &History,
    products: &[GenProduct],
    rng: &mut ChaCha8Rng,
) -> Result<Choices, String> {
    let pool: Vec<usize> = (0..products.len())
        .filter(|&i| {
            history.families.is_empty()
                || history
                    .families
                    .contains(&data.catalog.families[products[i].family].id)
        })
        .collect();
    let max_lines = history.lines[1];
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
    Ok(Choices {
        pool,
        favourites,
        pool_orderable,
        favourites_orderable,
    })
}

/// `line_count` products for one order, mostly favourites, no code twice (fewer when the pool
/// runs out of unused codes).
fn choose_products(
    rng: &mut ChaCha8Rng,
    line_count: usize,
    favourites: &[usize],
    pool: &[usize],
    products: &[GenProduct],
) -> Vec<usize> {
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
    chosen
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
    let [min_lines, max_lines] = history.lines;
    let choices = choices_of(data, customer, history, products, rng)?;
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
            (&choices.favourites_orderable, &choices.pool_orderable)
        } else {
            (&choices.favourites, &choices.pool)
        };
        let chosen = choose_products(rng, line_count, favourites, pool, products);
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
