//! Placing an order: checking the request, matching lines to products and stock, pricing in the
//! customer's currency, and writing the order with its lines in one transaction.

use super::addresses::{ADDRESS_COLUMNS, address_row};
use super::customers::customer_currency;
use super::rows::currency_at;
use super::{
    CustomerKey, ORDER_PREFIX, Store, db_error, field_error, invalid, now, optional_text, seed,
    server_error,
};
use crate::model::*;
use crate::shop::{FieldError, ShopError, ShopResult};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

const MAX_ORDER_LINES: usize = 100;
const MAX_LINE_QUANTITY: u32 = 10_000;
const MAX_IDEMPOTENCY_KEY: usize = 128;
const MAX_NOTE: usize = 1_000;

impl Store {
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
        let note = optional_text(order.note.as_deref());
        let fields = request_problems(key, order, note);
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
        if let Some(earlier) = earlier_order(&tx, customer, key)? {
            return Ok(earlier);
        }

        let (lines, shipping, billing) = checked_order(&tx, customer, order, currency)?;

        let totals = price_order(rules, currency, &lines, &shipping.country)?;
        let (status_label, payment_label) = pending_labels(rules)?;
        let (number, placed_at) = next_order_number(&tx)?;
        let order_id = insert_order(
            &tx,
            &OrderRow {
                customer,
                number: &number,
                placed_at,
                status_label,
                payment_label,
                currency,
                item_count: lines.iter().map(|line| i64::from(line.quantity)).sum(),
                totals: &totals,
                billing: address_snapshot(&billing)?,
                shipping: address_snapshot(&shipping)?,
                note,
                key,
            },
        )?;
        insert_lines_taking_stock(&tx, order_id, &lines)?;
        tx.commit().map_err(db_error)?;
        Ok(PlacedOrder {
            number: OrderNumber(number),
            replayed: false,
            total: Money::from_minor(totals.grand_total, currency),
        })
    }
}

impl Store {
    /// What [`Store::place_order`] would charge for `order` (lines priced in the customer's
    /// currency, shipping and tax by the shipping country), without placing it: the total a
    /// checkout shows before the customer confirms (AbanteCart's `a/checkout/confirm`). Refused
    /// as `place_order` refuses lines and addresses.
    pub fn quote_order(&self, customer: CustomerKey, order: &NewOrder) -> ShopResult<Money> {
        let rules = &seed::data().map_err(server_error)?.rules;
        let conn = self.reader();
        let currency = customer_currency(&conn, customer)?;
        let (lines, shipping, _) = checked_order(&conn, customer, order, currency)?;
        let totals = price_order(rules, currency, &lines, &shipping.country)?;
        Ok(Money::from_minor(totals.grand_total, currency))
    }
}

/// The order's lines matched to products and its addresses, or every problem found at once.
/// Without a billing address of its own, the order is
/// billed to where it ships.
fn checked_order(
    conn: &Connection,
    customer: CustomerKey,
    order: &NewOrder,
    currency: Currency,
) -> ShopResult<(Vec<ResolvedLine>, PostalAddress, PostalAddress)> {
    let mut fields = Vec::new();
    let lines = resolve_lines(conn, &order.lines, currency, &mut fields)?;
    let shipping = order_address(
        conn,
        customer,
        order.shipping_address.as_ref(),
        AddressRole::Shipping,
        &mut fields,
    )?;
    let billing = order_address(
        conn,
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
    let billing = billing.unwrap_or_else(|| shipping.clone());

    Ok((lines, shipping, billing))
}

/// What is wrong with the request itself (key, number of lines, note), before the store is read.
fn request_problems(key: &str, order: &NewOrder, note: Option<&str>) -> Vec<FieldError> {
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
    fields
}

/// The order this customer already placed with this idempotency key, answered as a replay.
fn earlier_order(
    conn: &Connection,
    customer: CustomerKey,
    key: &str,
) -> ShopResult<Option<PlacedOrder>> {
    conn.prepare_cached(
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
    .map_err(db_error)
}

/// The order's totals under the demo shop's rules for its currency and shipping country.
fn price_order(
    rules: &seed::Rules,
    currency: Currency,
    lines: &[ResolvedLine],
    shipping_country: &str,
) -> ShopResult<seed::Totals> {
    let currency_rule = rules
        .currency(currency)
        .ok_or_else(|| server_error(format!("the demo shop has no rules for {currency}")))?;
    let items: i64 = lines
        .iter()
        .map(|line| line.unit_minor * i64::from(line.quantity))
        .sum();
    Ok(seed::Totals::compute(
        items,
        0,
        currency_rule,
        rules.tax_percent(shipping_country),
    ))
}

/// The status and payment labels a new (pending, unpaid) order starts with.
fn pending_labels(rules: &seed::Rules) -> ShopResult<(&str, &str)> {
    let pending = rules
        .status(OrderStatus::Pending)
        .ok_or_else(|| server_error("no label for pending orders"))?;
    Ok(match pending.payments.first() {
        Some(payment) => (pending.label.as_str(), payment.label.as_str()),
        None => (pending.label.as_str(), pending.label.as_str()),
    })
}

/// The next order number and the instant the order is placed at.
fn next_order_number(conn: &Connection) -> ShopResult<(String, i64)> {
    // Numbers increase with the date: never place before the newest order (the seeded
    // history ends at a fixed instant that a wrong clock could precede).
    let newest: Option<i64> = conn
        .query_row(
            "SELECT placed_at FROM orders ORDER BY id DESC LIMIT 1",
            [],
            |row| row.get(0),
        )
        .optional()
        .map_err(db_error)?;
    let placed_at = now().max(newest.unwrap_or(i64::MIN));
    let sequence: i64 = conn
        .query_row(
            "UPDATE meta SET value = value + 1 WHERE key = 'order_seq' RETURNING value",
            [],
            |row| row.get(0),
        )
        .map_err(db_error)?;
    Ok((format!("{ORDER_PREFIX}{sequence}"), placed_at))
}

/// An address as the order keeps it: a JSON copy, so later edits of the book do not change it.
fn address_snapshot(address: &PostalAddress) -> ShopResult<String> {
    serde_json::to_string(address)
        .map_err(|e| server_error(format!("cannot store an address: {e}")))
}

/// The `orders` row of a new order.
struct OrderRow<'a> {
    customer: CustomerKey,
    number: &'a str,
    placed_at: i64,
    status_label: &'a str,
    payment_label: &'a str,
    currency: Currency,
    item_count: i64,
    totals: &'a seed::Totals,
    billing: String,
    shipping: String,
    note: Option<&'a str>,
    key: &'a str,
}

/// Writes the order's row; its id for the lines.
fn insert_order(conn: &Connection, row: &OrderRow<'_>) -> ShopResult<i64> {
    conn.prepare_cached(
        "INSERT INTO orders (customer_id, number, placed_at, status, status_label,
                             payment_status, payment_label, currency, item_count, items_minor,
                             discounts_minor, shipping_minor, tax_minor, total_minor,
                             billing_address, shipping_address, note, idempotency_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18)",
    )
    .and_then(|mut s| {
        s.execute(params![
            row.customer,
            row.number,
            row.placed_at,
            OrderStatus::Pending.as_str(),
            row.status_label,
            PaymentStatus::Unpaid.as_str(),
            row.payment_label,
            row.currency.as_str(),
            row.item_count,
            row.totals.items,
            row.totals.discounts,
            row.totals.shipping,
            row.totals.tax,
            row.totals.grand_total,
            row.billing,
            row.shipping,
            row.note,
            row.key,
        ])
    })
    .map_err(db_error)?;
    Ok(conn.last_insert_rowid())
}

/// Writes the order's lines and takes their quantities from the stock.
fn insert_lines_taking_stock(
    conn: &Connection,
    order_id: i64,
    lines: &[ResolvedLine],
) -> ShopResult<()> {
    let mut insert_line = conn
        .prepare_cached(
            "INSERT INTO order_lines (order_id, position, code, brand, name, quantity,
                                      unit_minor, total_minor)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .map_err(db_error)?;
    let mut take_stock = conn
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
    Ok(())
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
        if let Some((name, message)) = line_problem(code, line.quantity) {
            fields.push(field_error(&field(name), message));
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
        let brand = optional_text(line.brand.as_deref());
        let (chosen, unit_minor) = match choose_product(code, brand, &candidates, currency) {
            Ok(chosen) => chosen,
            Err((name, message)) => {
                fields.push(field_error(&field(name), message));
                continue;
            }
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

/// What is wrong with a requested line before the catalogue is asked: `(field, message)`.
fn line_problem(code: &str, quantity: u32) -> Option<(&'static str, String)> {
    if code.is_empty() {
        Some(("code", "is required".to_owned()))
    } else if quantity == 0 {
        Some(("quantity", "must be at least 1".to_owned()))
    } else if quantity > MAX_LINE_QUANTITY {
        Some(("quantity", format!("must be at most {MAX_LINE_QUANTITY}")))
    } else {
        None
    }
}

/// The product a line means among those with its code, and its price in `currency`; or the
/// field to blame and why (unknown code, wrong or missing brand, discontinued, no price).
fn choose_product<'a>(
    code: &str,
    brand: Option<&str>,
    candidates: &'a [Candidate],
    currency: Currency,
) -> Result<(&'a Candidate, i64), (&'static str, String)> {
    if candidates.is_empty() {
        return Err(("code", format!("no product has the code {code}")));
    }
    let brands = || {
        candidates
            .iter()
            .map(|c| c.brand.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let chosen = match brand {
        // SQLite's NOCASE, which the catalogue's brand column uses, folds ASCII only too.
        Some(brand) => candidates
            .iter()
            .find(|c| c.brand.eq_ignore_ascii_case(brand))
            .ok_or_else(|| {
                (
                    "brand",
                    format!("{code} is not sold by {brand}; it is sold by {}", brands()),
                )
            })?,
        None if candidates.len() == 1 => &candidates[0],
        None => {
            return Err((
                "brand",
                format!("{code} is sold by several brands ({}); name one", brands()),
            ));
        }
    };
    if chosen.discontinued {
        return Err((
            "code",
            format!("{} {} is discontinued", chosen.brand, chosen.code),
        ));
    }
    let Some(unit_minor) = chosen.price else {
        return Err((
            "code",
            format!(
                "{} {} has no price in {currency}",
                chosen.brand, chosen.code
            ),
        ));
    };
    Ok((chosen, unit_minor))
}

#[cfg(test)]
#[path = "checkout_tests.rs"]
mod tests;
