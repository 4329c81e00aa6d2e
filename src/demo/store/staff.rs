//! What a shop's staff looks up across customers (the Shoptet emulator's staff API): customers
//! by e-mail or phone, whose an order is, and a customer's company registration number and VAT
//! id (which only the Shoptet emulator shows: the account model's other platforms keep none).

use super::customers::ensure_customer;
use super::customers::normalize_email;
use super::{CustomerKey, Store, db_error, optional_text};
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

    /// The customer's company registration number and VAT id (none where none is kept).
    pub fn company_ids(
        &self,
        customer: CustomerKey,
    ) -> ShopResult<(Option<String>, Option<String>)> {
        let conn = self.reader();
        ensure_customer(&conn, customer)?;
        let found = conn
            .prepare_cached("SELECT company_id, vat_id FROM company_ids WHERE customer_id = ?1")
            .and_then(|mut s| {
                s.query_row([customer], |row| Ok((row.get(0)?, row.get(1)?)))
                    .optional()
            })
            .map_err(db_error)?;
        Ok(found.unwrap_or((None, None)))
    }

    /// Keeps both (trimmed; blank or `None` is none); when neither is left, the row goes.
    pub fn set_company_ids(
        &self,
        customer: CustomerKey,
        company_id: Option<&str>,
        vat_id: Option<&str>,
    ) -> ShopResult<()> {
        let conn = self.conn();
        ensure_customer(&conn, customer)?;
        let company_id = optional_text(company_id);
        let vat_id = optional_text(vat_id);
        if company_id.is_none() && vat_id.is_none() {
            conn.execute("DELETE FROM company_ids WHERE customer_id = ?1", [customer])
                .map_err(db_error)?;
        } else {
            conn.execute(
                "INSERT INTO company_ids (customer_id, company_id, vat_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT (customer_id) DO UPDATE SET company_id = ?2, vat_id = ?3",
                params![customer, company_id, vat_id],
            )
            .map_err(db_error)?;
        }
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::shop::ShopError;

    #[test]
    fn company_ids_are_kept_per_customer_and_cleared_by_blanks() {
        let store = fresh();
        let buyer = key(&store, BUYER);
        let hanako = key(&store, HANAKO);
        assert_eq!(store.company_ids(buyer).unwrap(), (None, None));
        store
            .set_company_ids(buyer, Some(" 27082440 "), Some("DE123456789"))
            .unwrap();
        assert_eq!(
            store.company_ids(buyer).unwrap(),
            (Some("27082440".into()), Some("DE123456789".into()))
        );
        assert_eq!(store.company_ids(hanako).unwrap(), (None, None));
        store
            .set_company_ids(buyer, Some("  "), Some("DE123456789"))
            .unwrap();
        assert_eq!(
            store.company_ids(buyer).unwrap(),
            (None, Some("DE123456789".into()))
        );
        store.set_company_ids(buyer, None, None).unwrap();
        assert_eq!(store.company_ids(buyer).unwrap(), (None, None));
        assert!(matches!(
            store.set_company_ids(99_999, Some("1"), None),
            Err(ShopError::NotFound(_))
        ));
    }
}
