//! Writing the generated seed into the store's tables (inside the caller's transaction).

use super::generate::{Generated, copied_orders};
use super::{SeedCustomer, SeedData};
use crate::demo::store::customers::{hash_password, normalize_email};
use crate::demo::store::rows::shipment_state_str;
use crate::demo::store::{ORDER_PREFIX, SeedOptions};
use crate::shop::ShopResult;
use rusqlite::{Connection, params};

/// Argon2 is slow on purpose; hashing the few demo passwords in parallel keeps start-up quick.
pub(super) fn hash_passwords(customers: &[SeedCustomer]) -> ShopResult<Vec<String>> {
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
                    .map_err(|_| super::super::server_error("password hashing failed"))?
            })
            .collect()
    })
}

fn json_error(e: serde_json::Error) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(e))
}

/// Every table the seed fills, in an order that satisfies the foreign keys.
pub(super) fn write(
    conn: &Connection,
    data: &SeedData,
    generated: &Generated,
    password_hashes: &[String],
    options: SeedOptions,
) -> rusqlite::Result<()> {
    let cache_size: i64 = conn.query_row("PRAGMA cache_size", [], |row| row.get(0))?;
    conn.execute_batch(BULK_LOAD_BEGIN)?;
    let customers = write_customers(conn, data, password_hashes)?;
    write_products(conn, generated)?;
    write_orders(conn, data, generated, &customers)?;
    let copies = copied_orders(data, options);
    if let (Some(&buyer), true) = (customers.ids.first(), copies > 0) {
        copy_history(conn, buyer, copies, data.rules.first_order_number)?;
    }
    let last_number =
        data.rules.first_order_number + i64::from(copies) + generated.orders.len() as i64 - 1;
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('order_seq', ?1)",
        [last_number],
    )?;
    conn.execute_batch(BULK_LOAD_END)?;
    // The schema builds what BULK_LOAD_BEGIN dropped (each statement is `IF NOT EXISTS`).
    conn.execute_batch(crate::demo::store::SCHEMA)?;
    conn.pragma_update(None, "cache_size", cache_size)?;
    Ok(())
}

/// Before the bulk insert: the secondary indexes the seed's rows do not arrive in the order of
/// (built once from all rows afterwards, a sort, instead of a B-tree insert per row) and the
/// trigger that would upsert `order_counts` once per order. A cache large enough for the
/// index sorts (SQLite's sorter spills to temporary files beyond it). All of it is inside the
/// caller's transaction, so a failed seed leaves the schema as it was.
const BULK_LOAD_BEGIN: &str = "
    PRAGMA cache_size = -262144;
    DROP TRIGGER IF EXISTS order_counted;
    DROP INDEX IF EXISTS orders_by_customer;
    DROP INDEX IF EXISTS shipments_by_order;
";

/// What the dropped trigger would have counted, in one pass (the store was empty).
const BULK_LOAD_END: &str = "
    INSERT INTO order_counts (customer_id, orders)
        SELECT customer_id, COUNT(*) FROM orders GROUP BY customer_id;
";

/// The rows each seeded customer got: their id, and each address as the JSON snapshot orders keep.
struct CustomerRows {
    ids: Vec<i64>,
    address_snapshots: Vec<Vec<String>>,
}

fn write_customers(
    conn: &Connection,
    data: &SeedData,
    password_hashes: &[String],
) -> rusqlite::Result<CustomerRows> {
    let mut customer_ids = Vec::new();
    let mut snapshots: Vec<Vec<String>> = Vec::new();
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
    Ok(CustomerRows {
        ids: customer_ids,
        address_snapshots: snapshots,
    })
}

/// The catalogue, with a price per currency.
fn write_products(conn: &Connection, generated: &Generated) -> rusqlite::Result<()> {
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

    Ok(())
}

/// The order history: orders, their lines, shipments and the lines in each parcel.
fn write_orders(
    conn: &Connection,
    data: &SeedData,
    generated: &Generated,
    customers: &CustomerRows,
) -> rusqlite::Result<()> {
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
        let own = &customers.address_snapshots[order.customer];
        let t = &order.totals;
        insert_order.execute(params![
            customers.ids[order.customer],
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
    Ok(())
}

/// `copies` more orders for the customer `buyer`, older than every order in the store: their
/// generated history (orders, lines, shipments, parcels) repeated over and over, the oldest
/// repetition cut to make up the count. The copies are spaced evenly in time, as densely as the
/// history (or denser, so that a million reach back at most [`COPIES_REACH_BACK`]), ending just
/// before the oldest generated order; a shipment keeps its distance from its order. Numbers run
/// from `first_number` in date order (the generated orders were numbered after them). All in
/// SQL, inside the seed's transaction and before the bulk load's indexes and counts are built:
/// SQLite copies rows without a bind per value on our side.
///
/// The templates go into temporary tables first: an `INSERT INTO t ... SELECT ... FROM t` would
/// make SQLite buffer the whole result before writing it. Templates are scanned by rowid, which is
/// date order (the generator writes oldest first), and the repetitions oldest first, so every
/// row arrives in the order of its table's key.
fn copy_history(
    conn: &Connection,
    buyer: i64,
    copies: u32,
    first_number: i64,
) -> rusqlite::Result<()> {
    conn.execute_batch(COPY_TEMPLATES_DROP)?;
    conn.execute(COPY_TEMPLATES, [buyer])?;
    conn.execute_batch(COPY_CHILD_TEMPLATES)?;
    let (orders, span, oldest, first_order_id, first_shipment_id): (i64, i64, i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM seed_orders),
                    (SELECT MAX(placed_at) - MIN(placed_at) FROM seed_orders),
                    (SELECT MIN(placed_at) FROM orders),
                    (SELECT IFNULL(MAX(id), 0) + 1 FROM orders),
                    (SELECT IFNULL(MAX(id), 0) + 1 FROM shipments)",
            [],
            |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ))
            },
        )?;
    if orders == 0 {
        return conn.execute_batch(COPY_TEMPLATES_DROP);
    }
    let step = (span / orders)
        .min(COPIES_REACH_BACK / i64::from(copies))
        .max(1);
    let periods = (i64::from(copies) + orders - 1) / orders;
    // The oldest period holds only its newest orders: this many of its first are left out.
    let skipped = periods * orders - i64::from(copies);
    let skipped_shipments: i64 = conn.query_row(
        "SELECT COUNT(*) FROM seed_shipments WHERE k < ?1",
        [skipped],
        |row| row.get(0),
    )?;
    let shipments: i64 =
        conn.query_row("SELECT COUNT(*) FROM seed_shipments", [], |row| row.get(0))?;
    let params = rusqlite::named_params! {
        ":periods": periods,
        ":orders": orders,
        ":skipped": skipped,
        ":step": step,
        ":newest_at": oldest - step,
        ":copies": i64::from(copies),
        ":first_order_id": first_order_id,
        ":first_number": first_number,
        ":prefix": ORDER_PREFIX,
        ":shipments": shipments,
        ":skipped_shipments": skipped_shipments,
        ":first_shipment_id": first_shipment_id,
    };
    for statement in [COPY_ORDERS, COPY_LINES, COPY_SHIPMENTS, COPY_SHIPMENT_LINES] {
        let mut statement = conn.prepare(statement)?;
        let names: Vec<String> = (1..=statement.parameter_count())
            .filter_map(|i| statement.parameter_name(i).map(str::to_owned))
            .collect();
        let bound: Vec<(&str, &dyn rusqlite::ToSql)> = params
            .iter()
            .filter(|(name, _)| names.iter().any(|n| n == name))
            .copied()
            .collect();
        statement.execute(bound.as_slice())?;
    }
    conn.execute_batch(COPY_TEMPLATES_DROP)
}

/// How far before the oldest generated order the copies may reach (30 years): a million copies at
/// the history's own density would reach back two millennia, past the years RFC 3339 can write.
const COPIES_REACH_BACK: i64 = 30 * 365 * 86_400;

/// The buyer's orders as templates, `k` their position in date order from 0.
const COPY_TEMPLATES: &str = "
    CREATE TEMP TABLE seed_orders AS
        SELECT row_number() OVER (ORDER BY id) - 1 AS k, *
        FROM main.orders WHERE customer_id = ?1 ORDER BY id;
";

/// Their lines, shipments (`j`: position in template order from 0) and parcels.
const COPY_CHILD_TEMPLATES: &str = "
    CREATE TEMP TABLE seed_lines AS
        SELECT t.k, l.* FROM seed_orders t JOIN main.order_lines l ON l.order_id = t.id
        ORDER BY t.k, l.position;
    CREATE TEMP TABLE seed_shipments AS
        SELECT row_number() OVER (ORDER BY t.k, s.id) - 1 AS j, t.k,
               substr(s.public_id, length(t.number) + 1) AS suffix,
               s.shipped_at - t.placed_at AS shipped_after, s.*
        FROM seed_orders t JOIN main.shipments s ON s.order_id = t.id ORDER BY t.k, s.id;
    CREATE TEMP TABLE seed_shipment_lines AS
        SELECT s.j, s.k, p.position, p.code, p.quantity
        FROM seed_shipments s JOIN main.shipment_lines p ON p.shipment_id = s.id
        ORDER BY s.j, p.position;
";

const COPY_TEMPLATES_DROP: &str = "
    DROP TABLE IF EXISTS temp.seed_orders;
    DROP TABLE IF EXISTS temp.seed_lines;
    DROP TABLE IF EXISTS temp.seed_shipments;
    DROP TABLE IF EXISTS temp.seed_shipment_lines;
";

/// Repetition `p` of the templates (the oldest is `:periods`): a copy's place in date order is
/// `c = (:periods - p) * :orders + k - :skipped`, kept when it is not negative; it is placed
/// `(:copies - 1 - c) * :step` seconds before the newest copy.
macro_rules! over_periods {
    ($insert:literal, $select:literal, $template:literal) => {
        concat!(
            "WITH RECURSIVE periods(p) AS (
                SELECT :periods UNION ALL SELECT p - 1 FROM periods WHERE p > 1
            ) ",
            $insert,
            " ",
            $select,
            " FROM (SELECT (:periods - p) * :orders + t.k - :skipped AS c, p, t.*
                   FROM periods CROSS JOIN ",
            $template,
            " t) WHERE c >= 0"
        )
    };
}

const COPY_ORDERS: &str = over_periods!(
    "INSERT INTO orders (id, customer_id, number, placed_at, status, status_label, payment_status,
                         payment_label, currency, item_count, items_minor, discounts_minor,
                         shipping_minor, tax_minor, total_minor, billing_address,
                         shipping_address)",
    "SELECT :first_order_id + c, customer_id, :prefix || (:first_number + c),
            :newest_at - (:copies - 1 - c) * :step, status, status_label, payment_status, payment_label, currency,
            item_count, items_minor, discounts_minor, shipping_minor, tax_minor, total_minor,
            billing_address, shipping_address",
    "seed_orders"
);

const COPY_LINES: &str = over_periods!(
    "INSERT INTO order_lines (order_id, position, code, brand, name, quantity, unit_minor,
                              total_minor)",
    "SELECT :first_order_id + c, position, code, brand, name, quantity, unit_minor, total_minor",
    "seed_lines"
);

/// A copied shipment's id: `j` counted on over the periods (the oldest period's first
/// `:skipped_shipments` belong to orders left out).
const COPY_SHIPMENTS: &str = over_periods!(
    "INSERT INTO shipments (id, order_id, public_id, shipped_at, carrier, service, tracking_id,
                            tracking_url, state)",
    "SELECT :first_shipment_id + (:periods - p) * :shipments + j - :skipped_shipments,
            :first_order_id + c, :prefix || (:first_number + c) || suffix,
            :newest_at - (:copies - 1 - c) * :step + shipped_after,
            carrier, service, tracking_id, tracking_url, state",
    "seed_shipments"
);

const COPY_SHIPMENT_LINES: &str = over_periods!(
    "INSERT INTO shipment_lines (shipment_id, position, code, quantity)",
    "SELECT :first_shipment_id + (:periods - p) * :shipments + j - :skipped_shipments, position,
            code, quantity",
    "seed_shipment_lines"
);
