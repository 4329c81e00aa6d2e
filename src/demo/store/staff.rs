//! What a shop's staff looks up across customers (the Shoptet emulator's staff API): customers
//! by e-mail or phone, and whose an order is.

use super::customers::normalize_email;
use super::{CustomerKey, Store, db_error};
use crate::model::OrderNumber;
use crate::shop::ShopResult;
use rusqlite::{OptionalExtension, params};

impl Store {
    /// Customers whose e-mail (any case) and phone (exactly) match what is given, oldest first,
    /// one page of them; with the count of all that match.
    pub fn customers_matching(
        &self,
        email: Option<&str>,
        phone: Option<&str>,
        offset: u64,
        limit: u32,
    ) -> ShopResult<(Vec<CustomerKey>, u64)> {
        let email = email.map(normalize_email);
        let phone = phone.map(str::trim);
        let conn = self.conn();
        let filter = "(?1 IS NULL OR email_norm = ?1) AND (?2 IS NULL OR phone = ?2)";
        let total: i64 = conn
            .query_row(
                &format!("SELECT COUNT(*) FROM customers WHERE {filter}"),
                params![email, phone],
                |row| row.get(0),
            )
            .map_err(db_error)?;
        let mut statement = conn
            .prepare_cached(&format!(
                "SELECT id FROM customers WHERE {filter} ORDER BY id LIMIT ?3 OFFSET ?4"
            ))
            .map_err(db_error)?;
        let keys = statement
            .query_map(
                params![
                    email,
                    phone,
                    limit,
                    i64::try_from(offset).unwrap_or(i64::MAX)
                ],
                |row| row.get(0),
            )
            .and_then(|rows| rows.collect::<Result<Vec<CustomerKey>, _>>())
            .map_err(db_error)?;
        Ok((keys, u64::try_from(total).unwrap_or(0)))
    }

    /// The customer who placed the order with this number, if there is one.
    pub fn order_owner(&self, number: &OrderNumber) -> ShopResult<Option<CustomerKey>> {
        self.conn()
            .query_row(
                "SELECT customer_id FROM orders WHERE number = ?1",
                [number.as_str()],
                |row| row.get(0),
            )
            .optional()
            .map_err(db_error)
    }
}
