//! The address book: listing, adding, editing and deleting addresses, and the defaults for
//! shipping and billing.

use super::customers::ensure_customer;
use super::{CustomerKey, Store, db_error, invalid};
use crate::model::*;
use crate::shop::{ShopError, ShopResult};
use rusqlite::{Connection, OptionalExtension, Row, ToSql, params};

impl Store {
    pub fn addresses(&self, customer: CustomerKey) -> ShopResult<Vec<Address>> {
        load_addresses(&self.reader(), customer)
    }

    /// The first address of a customer becomes default shipping and billing.
    pub fn create_address(
        &self,
        customer: CustomerKey,
        draft: &PostalAddress,
    ) -> ShopResult<Address> {
        let postal = checked_address(draft)?;
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(db_error)?;
        ensure_customer(&tx, customer)?;
        let existing: i64 = tx
            .query_row(
                "SELECT COUNT(*) FROM addresses WHERE customer_id = ?1",
                [customer],
                |row| row.get(0),
            )
            .map_err(db_error)?;
        let first = existing == 0;
        tx.prepare_cached(
            "INSERT INTO addresses (first_name, last_name, company, line1, line2, city, postcode,
                                    region, country, phone, customer_id, default_shipping,
                                    default_billing)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
        )
        .and_then(|mut s| s.execute(postal_then(&postal, &[&customer, &first]).as_slice()))
        .map_err(db_error)?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(db_error)?;
        Ok(Address {
            id: AddressId(id.to_string()),
            postal,
            default_shipping: first,
            default_billing: first,
        })
    }

    pub fn update_address(
        &self,
        customer: CustomerKey,
        id: &AddressId,
        draft: &PostalAddress,
    ) -> ShopResult<Address> {
        let key = address_key(id)?;
        let postal = checked_address(draft)?;
        let conn = self.conn();
        let changed = conn
            .prepare_cached(
                "UPDATE addresses SET first_name = ?1, last_name = ?2, company = ?3, line1 = ?4,
                        line2 = ?5, city = ?6, postcode = ?7, region = ?8, country = ?9,
                        phone = ?10
                 WHERE id = ?11 AND customer_id = ?12",
            )
            .and_then(|mut s| s.execute(postal_then(&postal, &[&key, &customer]).as_slice()))
            .map_err(db_error)?;
        if changed == 0 {
            return Err(address_not_found(id));
        }
        load_addresses(&conn, customer)?
            .into_iter()
            .find(|address| &address.id == id)
            .ok_or_else(|| address_not_found(id))
    }

    /// Deleting a default address is a conflict while other addresses exist to take its role:
    /// the customer must choose a new default first. The last address can be deleted.
    pub fn delete_address(&self, customer: CustomerKey, id: &AddressId) -> ShopResult<()> {
        let key = address_key(id)?;
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(db_error)?;
        let defaults: Option<(bool, bool)> = tx
            .query_row(
                "SELECT default_shipping, default_billing FROM addresses
                 WHERE id = ?1 AND customer_id = ?2",
                params![key, customer],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(db_error)?;
        let Some((shipping, billing)) = defaults else {
            return Err(address_not_found(id));
        };
        if shipping || billing {
            let others: i64 = tx
                .query_row(
                    "SELECT COUNT(*) FROM addresses WHERE customer_id = ?1 AND id != ?2",
                    params![customer, key],
                    |row| row.get(0),
                )
                .map_err(db_error)?;
            if others > 0 {
                let role = match (shipping, billing) {
                    (true, true) => "shipping and billing",
                    (true, false) => "shipping",
                    _ => "billing",
                };
                return Err(ShopError::Conflict(format!(
                    "address {id} is your default {role} address; make another address the \
                     default first"
                )));
            }
        }
        tx.execute(
            "DELETE FROM addresses WHERE id = ?1 AND customer_id = ?2",
            params![key, customer],
        )
        .map_err(db_error)?;
        tx.commit().map_err(db_error)
    }

    pub fn set_default_address(
        &self,
        customer: CustomerKey,
        id: &AddressId,
        role: AddressRole,
    ) -> ShopResult<Vec<Address>> {
        let key = address_key(id)?;
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(db_error)?;
        let exists: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM addresses WHERE id = ?1 AND customer_id = ?2)",
                params![key, customer],
                |row| row.get(0),
            )
            .map_err(db_error)?;
        if !exists {
            return Err(address_not_found(id));
        }
        // One of two fixed statements; the column name never comes from input.
        let sql = match role {
            AddressRole::Shipping => {
                "UPDATE addresses SET default_shipping = (id = ?2) WHERE customer_id = ?1"
            }
            AddressRole::Billing => {
                "UPDATE addresses SET default_billing = (id = ?2) WHERE customer_id = ?1"
            }
        };
        tx.execute(sql, params![customer, key]).map_err(db_error)?;
        let book = load_addresses(&tx, customer)?;
        tx.commit().map_err(db_error)?;
        Ok(book)
    }
}

/// The draft validated and normalised, or the fields it gets wrong.
fn checked_address(draft: &PostalAddress) -> ShopResult<PostalAddress> {
    let fields = validate::address(draft);
    if !fields.is_empty() {
        return Err(invalid(fields));
    }
    Ok(draft.clone().normalized())
}

/// The address's columns as SQL parameters ?1 to ?10, in `ADDRESS_COLUMNS`' order, followed by
/// `rest` (?11 onwards): what the insert and the update both bind.
fn postal_then<'a>(postal: &'a PostalAddress, rest: &[&'a dyn ToSql]) -> Vec<&'a dyn ToSql> {
    let mut values: Vec<&dyn ToSql> = vec![
        &postal.first_name,
        &postal.last_name,
        &postal.company,
        &postal.line1,
        &postal.line2,
        &postal.city,
        &postal.postcode,
        &postal.region,
        &postal.country,
        &postal.phone,
    ];
    values.extend_from_slice(rest);
    values
}

fn address_key(id: &AddressId) -> ShopResult<i64> {
    id.as_str()
        .trim()
        .parse()
        .map_err(|_| address_not_found(id))
}

fn address_not_found(id: &AddressId) -> ShopError {
    ShopError::NotFound(format!("address {id}"))
}

pub(super) const ADDRESS_COLUMNS: &str = "id, first_name, last_name, company, line1, line2, city, postcode, \
                               region, country, phone, default_shipping, default_billing";

pub(super) fn address_row(row: &Row<'_>) -> rusqlite::Result<Address> {
    Ok(Address {
        id: AddressId(row.get::<_, i64>(0)?.to_string()),
        postal: PostalAddress {
            first_name: row.get(1)?,
            last_name: row.get(2)?,
            company: row.get(3)?,
            line1: row.get(4)?,
            line2: row.get(5)?,
            city: row.get(6)?,
            postcode: row.get(7)?,
            region: row.get(8)?,
            country: row.get(9)?,
            phone: row.get(10)?,
        },
        default_shipping: row.get(11)?,
        default_billing: row.get(12)?,
    })
}

fn load_addresses(conn: &Connection, customer: CustomerKey) -> ShopResult<Vec<Address>> {
    conn.prepare_cached(&format!(
        "SELECT {ADDRESS_COLUMNS} FROM addresses WHERE customer_id = ?1 ORDER BY id"
    ))
    .and_then(|mut s| s.query_map([customer], address_row)?.collect())
    .map_err(db_error)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn address_book_lifecycle_with_defaults() {
        let store = fresh();
        let newcomer = key(&store, NEWCOMER);
        let buyer = key(&store, BUYER);

        let mut draft = address("se");
        draft.line2 = Some("  ".into());
        let first = store.create_address(newcomer, &draft).unwrap();
        assert!(
            first.default_shipping && first.default_billing,
            "the first address is default"
        );
        assert_eq!(first.postal.country, "SE");
        assert_eq!(first.postal.line2, None);
        let second = store.create_address(newcomer, &address("NO")).unwrap();
        assert!(!second.default_shipping && !second.default_billing);
        assert_eq!(
            store.addresses(newcomer).unwrap(),
            [first.clone(), second.clone()]
        );

        let mut edited = address("NO");
        edited.line2 = Some("Lgh 1102".into());
        let updated = store.update_address(newcomer, &second.id, &edited).unwrap();
        assert_eq!(updated.postal.line2.as_deref(), Some("Lgh 1102"));
        assert!(!updated.default_shipping);

        let book = store
            .set_default_address(newcomer, &second.id, AddressRole::Shipping)
            .unwrap();
        let defaults = |book: &[Address], role: AddressRole| -> Vec<AddressId> {
            book.iter()
                .filter(|a| match role {
                    AddressRole::Shipping => a.default_shipping,
                    AddressRole::Billing => a.default_billing,
                })
                .map(|a| a.id.clone())
                .collect()
        };
        assert_eq!(
            defaults(&book, AddressRole::Shipping),
            std::slice::from_ref(&second.id)
        );
        assert_eq!(
            defaults(&book, AddressRole::Billing),
            std::slice::from_ref(&first.id)
        );

        // Each address is a default of some role now: neither can go while the other exists.
        for id in [&first.id, &second.id] {
            let refused = store.delete_address(newcomer, id);
            assert!(
                matches!(refused, Err(ShopError::Conflict(_))),
                "{refused:?}"
            );
        }
        store
            .set_default_address(newcomer, &first.id, AddressRole::Shipping)
            .unwrap();
        store.delete_address(newcomer, &second.id).unwrap();
        // The last address can go even though it is the default.
        store.delete_address(newcomer, &first.id).unwrap();
        assert!(store.addresses(newcomer).unwrap().is_empty());

        // Another customer's address, a deleted one and nonsense ids are simply not found.
        let theirs = &store.addresses(buyer).unwrap()[0].id;
        let not_found = |result: ShopResult<()>| matches!(result, Err(ShopError::NotFound(_)));
        for id in [theirs, &first.id, &AddressId::from("abc")] {
            assert!(not_found(store.delete_address(newcomer, id)));
            assert!(not_found(
                store.update_address(newcomer, id, &draft).map(|_| ())
            ));
            assert!(not_found(
                store
                    .set_default_address(newcomer, id, AddressRole::Billing)
                    .map(|_| ())
            ));
        }
        assert_eq!(
            store.addresses(buyer).unwrap().len(),
            5,
            "the buyer's book is untouched"
        );

        let mut bad = address("XX");
        bad.postcode = "12345678901".into();
        let error = store.create_address(newcomer, &bad).unwrap_err();
        assert_eq!(field_names(&error), ["postcode", "country"]);
        assert!(matches!(
            store.create_address(9_999, &draft),
            Err(ShopError::NotFound(_))
        ));
    }
}
