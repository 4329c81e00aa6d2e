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
        let mut fields = request_problems(key, order, note);
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
mod tests {
    use super::super::catalogue::to_minor_units;
    use super::super::test_support::*;
    use super::*;
    use std::collections::HashSet;
    use std::sync::Arc;

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
}
