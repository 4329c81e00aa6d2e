//! New customers (the emulators' sign-up calls) and Spryker's anonymisation of one: the demo
//! store's side of account creation and deletion.

use super::customers::{hash_password, normalize_email};
use super::{CustomerKey, Store, db_error, field_error, invalid, now};
use crate::model::*;
use crate::shop::{ShopError, ShopResult};
use rusqlite::{OptionalExtension, params};

/// The e-mail domain anonymised accounts get: `.invalid` is reserved (RFC 2606), so no mail can
/// reach it and no sign-up can claim it.
const ANONYMISED_DOMAIN: &str = "anonymised.invalid";

impl Store {
    /// Creates a customer with the store's account and password rules (the fields named as in
    /// [`validate::account`], the password as `password`); an e-mail already taken is a field
    /// error on `email`. New customers pay in euros.
    pub fn create_customer(&self, draft: &AccountDraft, password: &str) -> ShopResult<CustomerKey> {
        let mut fields = validate::account(draft);
        fields.extend(validate::new_password(password).into_iter().map(|mut f| {
            f.field = "password".into();
            f
        }));
        let email = draft.email.trim();
        if !fields.iter().any(|f| f.field == "email") && self.email_taken(email)? {
            fields.push(field_error("email", "is already used by another account"));
        }
        if !fields.is_empty() {
            return Err(invalid(fields));
        }
        // Hashing happens outside the lock: argon2 takes a while.
        let hash = hash_password(password)?;
        let conn = self.conn();
        let inserted = conn.execute(
            "INSERT INTO customers (email, email_norm, password_hash, first_name, last_name, phone,
                                    company, currency, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                email,
                normalize_email(email),
                hash,
                draft.first_name.trim(),
                draft.last_name.trim(),
                super::optional_text(draft.phone.as_deref()),
                super::optional_text(draft.company.as_deref()),
                Currency::EUR.as_str(),
                now(),
            ],
        );
        match inserted {
            Ok(_) => Ok(conn.last_insert_rowid()),
            // A sign-up with the same e-mail that won the race since the check above.
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(invalid(vec![field_error(
                    "email",
                    "is already used by another account",
                )]))
            }
            Err(e) => Err(db_error(e)),
        }
    }

    /// Anonymises a customer as Spryker does: the name, e-mail, phone, company and the
    /// company's registration number and VAT id are replaced or removed,
    /// the password can no longer match, the addresses are gone; the orders stay (a shop keeps
    /// them for its books), now under no one's name.
    pub fn anonymise_customer(&self, customer: CustomerKey) -> ShopResult<()> {
        let email = format!("customer-{customer}@{ANONYMISED_DOMAIN}");
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(db_error)?;
        let changed = tx
            .execute(
                // "!" is no PHC string, so no password verifies against it.
                "UPDATE customers SET email = ?1, email_norm = ?1, password_hash = '!',
                        first_name = 'Anonymised', last_name = 'Customer', phone = NULL,
                        company = NULL
                 WHERE id = ?2",
                params![email, customer],
            )
            .map_err(db_error)?;
        if changed == 0 {
            return Err(ShopError::NotFound("customer account".to_owned()));
        }
        tx.execute("DELETE FROM addresses WHERE customer_id = ?1", [customer])
            .map_err(db_error)?;
        tx.execute("DELETE FROM company_ids WHERE customer_id = ?1", [customer])
            .map_err(db_error)?;
        tx.execute(
            "UPDATE password_resets SET used_at = ?1 WHERE customer_id = ?2 AND used_at IS NULL",
            params![now(), customer],
        )
        .map_err(db_error)?;
        tx.commit().map_err(db_error)
    }

    fn email_taken(&self, email: &str) -> ShopResult<bool> {
        let found: Option<i64> = self
            .reader()
            .prepare_cached("SELECT id FROM customers WHERE email_norm = ?1")
            .and_then(|mut s| {
                s.query_row([normalize_email(email)], |row| row.get(0))
                    .optional()
            })
            .map_err(db_error)?;
        Ok(found.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    fn draft(email: &str) -> AccountDraft {
        AccountDraft {
            email: email.into(),
            first_name: "Ada".into(),
            last_name: "Byron".into(),
            phone: None,
            company: None,
            company_id: None,
            vat_id: None,
        }
    }

    #[test]
    fn a_new_customer_signs_in_and_a_taken_email_or_short_password_is_refused() {
        let store = fresh();
        let ada = store
            .create_customer(&draft(" Ada@Example.com "), "correct-horse-1")
            .unwrap();
        assert_eq!(
            signs_in(&store, "ada@example.com", "correct-horse-1"),
            Some(ada)
        );
        assert_eq!(store.account(ada).unwrap().email, "Ada@Example.com");
        let again = store
            .create_customer(&draft("ADA@example.com"), "another-horse-2")
            .unwrap_err();
        assert_eq!(field_names(&again), ["email"]);
        let taken = &Store::demo_logins()[BUYER].email;
        let mut bad = draft(taken);
        bad.first_name = String::new();
        let error = store.create_customer(&bad, "short").unwrap_err();
        assert_eq!(field_names(&error), ["first_name", "password", "email"]);
    }

    fn order_count(store: &Store, customer: CustomerKey) -> i64 {
        store
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM orders WHERE customer_id = ?1",
                [customer],
                |row| row.get(0),
            )
            .unwrap()
    }

    #[test]
    fn an_anonymised_customer_cannot_sign_in_and_keeps_no_personal_data() {
        let store = fresh();
        let login = &Store::demo_logins()[HANAKO];
        let hanako = key(&store, HANAKO);
        let orders_before = order_count(&store, hanako);
        store
            .set_company_ids(hanako, Some("27082440"), Some("CZ27082440"))
            .unwrap();
        store.anonymise_customer(hanako).unwrap();
        assert_eq!(store.company_ids(hanako).unwrap(), (None, None));
        let rows: i64 = store
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM company_ids WHERE customer_id = ?1",
                [hanako],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(rows, 0, "the ids' row is deleted");
        assert_eq!(signs_in(&store, &login.email, &login.password), None);
        let account = store.account(hanako).unwrap();
        assert!(account.email.ends_with(".invalid"), "{account:?}");
        assert_ne!(account.last_name, login.email);
        assert!(store.addresses(hanako).unwrap().is_empty());
        let orders_after = order_count(&store, hanako);
        assert_eq!(orders_after, orders_before);
        // The freed e-mail can sign up again.
        store
            .create_customer(&draft(&login.email), "a-fresh-start-1")
            .unwrap();
        assert!(matches!(
            store.anonymise_customer(99_999),
            Err(ShopError::NotFound(_))
        ));
    }
}
