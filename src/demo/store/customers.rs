//! Customers: password sign-in, the account record and password changes; password hashing.

use super::rows::{currency_at, timestamp};
use super::{CustomerKey, Store, db_error, field_error, invalid, now, optional_text, server_error};
use crate::model::*;
use crate::shop::{ShopError, ShopResult};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rusqlite::{Connection, OptionalExtension, params};
use std::sync::OnceLock;

impl Store {
    /// The customer with this e-mail (case-insensitive) and password, or `None` — the same answer
    /// for an unknown e-mail and a wrong password.
    pub fn verify_password(&self, email: &str, password: &str) -> ShopResult<Option<CustomerKey>> {
        let found: Option<(CustomerKey, String)> = {
            let conn = self.reader();
            let mut statement = conn
                .prepare_cached("SELECT id, password_hash FROM customers WHERE email_norm = ?1")
                .map_err(db_error)?;
            statement
                .query_row([normalize_email(email)], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .optional()
                .map_err(db_error)?
        };
        // Hashing happens outside the lock: argon2 takes a while and must not stall other calls.
        match found {
            Some((customer, hash)) => Ok(password_matches(password, &hash).then_some(customer)),
            None => {
                // Spend the same time on an unknown e-mail, so timing does not tell it apart.
                let _ = password_matches(password, dummy_hash());
                Ok(None)
            }
        }
    }

    pub fn account(&self, customer: CustomerKey) -> ShopResult<Account> {
        load_account(&self.reader(), customer)
    }

    /// Validates (model::validate::account) and saves; an e-mail taken by another customer is a
    /// validation error on `email`.
    pub fn update_account(
        &self,
        customer: CustomerKey,
        draft: &AccountDraft,
    ) -> ShopResult<Account> {
        let mut fields = validate::account(draft);
        let email = draft.email.trim();
        let conn = self.conn();
        if fields.is_empty() {
            let taken: Option<i64> = conn
                .prepare_cached("SELECT id FROM customers WHERE email_norm = ?1 AND id != ?2")
                .and_then(|mut s| {
                    s.query_row(params![normalize_email(email), customer], |row| row.get(0))
                        .optional()
                })
                .map_err(db_error)?;
            if taken.is_some() {
                fields.push(field_error("email", "is already used by another account"));
            }
        }
        if !fields.is_empty() {
            return Err(invalid(fields));
        }
        let changed = conn
            .prepare_cached(
                "UPDATE customers SET email = ?1, email_norm = ?2, first_name = ?3,
                        last_name = ?4, phone = ?5, company = ?6
                 WHERE id = ?7",
            )
            .and_then(|mut s| {
                s.execute(params![
                    email,
                    normalize_email(email),
                    draft.first_name.trim(),
                    draft.last_name.trim(),
                    optional_text(draft.phone.as_deref()),
                    optional_text(draft.company.as_deref()),
                    customer,
                ])
            })
            .map_err(db_error)?;
        if changed == 0 {
            return Err(ShopError::NotFound("customer account".to_owned()));
        }
        load_account(&conn, customer)
    }

    /// Wrong current password is a validation error on `current_password`.
    pub fn change_password(
        &self,
        customer: CustomerKey,
        current: &str,
        new: &str,
    ) -> ShopResult<()> {
        let stored: Option<String> = self
            .conn()
            .query_row(
                "SELECT password_hash FROM customers WHERE id = ?1",
                [customer],
                |row| row.get(0),
            )
            .optional()
            .map_err(db_error)?;
        let stored = stored.ok_or_else(|| ShopError::NotFound("customer account".to_owned()))?;
        let mut fields = Vec::new();
        if !password_matches(current, &stored) {
            fields.push(field_error("current_password", "is not correct"));
        }
        fields.extend(validate::new_password(new));
        if !fields.is_empty() {
            return Err(invalid(fields));
        }
        let hash = hash_password(new)?;
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(db_error)?;
        tx.execute(
            "UPDATE customers SET password_hash = ?1 WHERE id = ?2",
            params![hash, customer],
        )
        .map_err(db_error)?;
        // Reset links sent before the change must not undo it.
        tx.execute(
            "UPDATE password_resets SET used_at = ?1 WHERE customer_id = ?2 AND used_at IS NULL",
            params![now(), customer],
        )
        .map_err(db_error)?;
        tx.commit().map_err(db_error)
    }
}

pub(super) fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub(super) fn hash_password(password: &str) -> ShopResult<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| server_error(format!("cannot hash the password: {e}")))
}

fn password_matches(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// A hash of no one's password, verified against for unknown e-mails.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no account has this password").unwrap_or_default())
}

pub(super) fn customer_currency(conn: &Connection, customer: CustomerKey) -> ShopResult<Currency> {
    conn.prepare_cached("SELECT currency FROM customers WHERE id = ?1")
        .and_then(|mut s| {
            s.query_row([customer], |row| currency_at(row, 0))
                .optional()
        })
        .map_err(db_error)?
        .ok_or_else(|| ShopError::NotFound("customer account".to_owned()))
}

/// `NotFound` unless the customer exists.
pub(super) fn ensure_customer(conn: &Connection, customer: CustomerKey) -> ShopResult<()> {
    customer_currency(conn, customer).map(|_| ())
}

fn load_account(conn: &Connection, customer: CustomerKey) -> ShopResult<Account> {
    conn.prepare_cached(
        "SELECT id, email, first_name, last_name, phone, company, created_at FROM customers
         WHERE id = ?1",
    )
    .and_then(|mut s| {
        s.query_row([customer], |row| {
            Ok(Account {
                id: CustomerId(row.get::<_, i64>(0)?.to_string()),
                email: row.get(1)?,
                first_name: row.get(2)?,
                last_name: row.get(3)?,
                phone: row.get(4)?,
                company: row.get(5)?,
                company_id: None,
                vat_id: None,
                created_at: Some(timestamp(row.get(6)?, 6)?),
            })
        })
        .optional()
    })
    .map_err(db_error)?
    .ok_or_else(|| ShopError::NotFound("customer account".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn demo_logins_sign_in_and_only_argon2_hashes_are_stored() {
        let store = shared();
        let logins = Store::demo_logins();
        assert_eq!(logins.len(), 3);
        assert_eq!(logins[BUYER].email, "buyer@demo.shopterm.example");
        assert!(logins[BUYER].description.contains("B2B"));
        let mut keys = HashSet::new();
        for login in &logins {
            let key = signs_in(store, &login.email, &login.password);
            assert!(keys.insert(key.expect("demo login signs in")));
            let hash: String = store
                .conn()
                .query_row(
                    "SELECT password_hash FROM customers WHERE email = ?1",
                    [&login.email],
                    |row| row.get(0),
                )
                .unwrap();
            assert!(hash.starts_with("$argon2id$"), "{hash}");
            assert!(!hash.contains(&login.password));
        }
        let buyer = &logins[BUYER];
        let shouted = format!("  {}  ", buyer.email.to_uppercase());
        assert_eq!(
            signs_in(store, &shouted, &buyer.password),
            Some(key(store, BUYER))
        );
        assert_eq!(signs_in(store, &buyer.email, "wrong-password"), None);
        assert_eq!(
            signs_in(store, "nobody@demo.shopterm.example", &buyer.password),
            None
        );
    }

    // --- account and addresses --------------------------------------------------------------------

    #[test]
    fn account_updates_are_validated_and_emails_stay_unique() {
        let store = fresh();
        let buyer = key(&store, BUYER);
        let account = store.account(buyer).unwrap();
        assert_eq!(
            account.company.as_deref(),
            Some("Vogel Industrietechnik GmbH")
        );
        assert!(matches!(store.account(9_999), Err(ShopError::NotFound(_))));

        let mut draft = account.to_draft();
        draft.phone = Some("+49 30 1234 5678".into());
        draft.company = Some("   ".into());
        draft.email = " Katrin.Vogel@Demo.Shopterm.Example ".into();
        let saved = store.update_account(buyer, &draft).unwrap();
        assert_eq!(saved.phone.as_deref(), Some("+49 30 1234 5678"));
        assert_eq!(saved.company, None, "blank becomes none");
        assert_eq!(saved.email, "Katrin.Vogel@Demo.Shopterm.Example");
        assert_eq!(store.account(buyer).unwrap(), saved);
        let password = &Store::demo_logins()[BUYER].password;
        assert_eq!(
            signs_in(&store, "katrin.vogel@demo.shopterm.example", password),
            Some(buyer)
        );

        let mut bad = draft.clone();
        bad.first_name = "x".repeat(33);
        bad.email = "no-at-sign".into();
        let error = store.update_account(buyer, &bad).unwrap_err();
        assert_eq!(field_names(&error), ["first_name", "email"]);
        assert!(error.to_string().contains("first_name: "), "{error}");

        let mut taken = draft.clone();
        taken.email = Store::demo_logins()[HANAKO].email.to_uppercase();
        let error = store.update_account(buyer, &taken).unwrap_err();
        assert_eq!(field_names(&error), ["email"]);
        assert_eq!(
            store.account(buyer).unwrap(),
            saved,
            "refused drafts change nothing"
        );
    }

    // --- passwords -----------------------------------------------------------------------------------

    #[test]
    fn password_change_checks_the_current_and_the_new_password() {
        let store = fresh();
        let login = &Store::demo_logins()[HANAKO];
        let hanako = key(&store, HANAKO);
        let error = store
            .change_password(hanako, "not-the-password", "short")
            .unwrap_err();
        assert_eq!(field_names(&error), ["current_password", "new_password"]);
        let error = store
            .change_password(hanako, &login.password, "short")
            .unwrap_err();
        assert_eq!(field_names(&error), ["new_password"]);
        assert_eq!(
            signs_in(&store, &login.email, &login.password),
            Some(hanako)
        );

        store
            .change_password(hanako, &login.password, "a-new-password-1")
            .unwrap();
        assert_eq!(signs_in(&store, &login.email, &login.password), None);
        assert_eq!(
            signs_in(&store, &login.email, "a-new-password-1"),
            Some(hanako)
        );
    }
}
