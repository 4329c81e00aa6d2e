//! Writing the generated seed into the store's tables (inside the caller's transaction).

use super::generate::Generated;
use super::{SeedCustomer, SeedData};
use crate::demo::store::customers::{hash_password, normalize_email};
use crate::demo::store::rows::shipment_state_str;
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
) -> rusqlite::Result<()> {
    let cache_size: i64 = conn.query_row("PRAGMA cache_size", [], |row| row.get(0))?;
    conn.execute_batch(BULK_LOAD_BEGIN)?;
    let customers = write_customers(conn, data, password_hashes)?;
    write_products(conn, generated)?;
    write_orders(conn, data, generated, &customers)?;
    let last_number = data.rules.first_order_number + generated.orders.len() as i64 - 1;
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
