//! Password reset: one-time keys sent by mail to the outbox (the demo shop's mail server) and
//! the reset that spends them.

use super::customers::{hash_password, normalize_email};
use super::rows::timestamp;
use super::{CustomerKey, Store, db_error, field_error, invalid, now, random_token, sha256};
use crate::model::*;
use crate::shop::{ShopError, ShopResult};
use rusqlite::{OptionalExtension, params};

/// An e-mail the demo shop "sent": it lands here instead of on a mail server.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: time::OffsetDateTime,
}

/// What a reset mail's body is written from ([`Store::send_password_reset_mail`]).
pub struct ResetMail<'a> {
    pub customer: CustomerKey,
    /// The one-time key.
    pub key: &'a str,
    /// "Hello Jane Doe," (or "Hello," without a name).
    pub greeting: &'a str,
}

/// How long a password-reset key works.
pub const RESET_KEY_TTL: time::Duration = time::Duration::hours(1);

/// What `request_password_reset` answers, whether or not the e-mail belongs to an account.
const RESET_ANSWER: &str = "If an account exists for this e-mail address, an e-mail with a link to \
                            reset its password is on its way. The link works for one hour.";

impl Store {
    /// Writes a mail with a one-time reset key (valid 1 hour) to the outbox when the e-mail is
    /// known; answers the same message either way, so it reveals nothing about which e-mails exist.
    pub fn request_password_reset(&self, email: &str, reset_url_base: &str) -> ShopResult<String> {
        let base = reset_url_base.trim_end_matches('/');
        self.send_password_reset_mail(email, |mail| {
            let (greeting, key) = (mail.greeting, mail.key);
            format!(
                "{greeting}\n\n\
                 someone (hopefully you) asked to reset the password of your account at the \
                 shopterm demo shop.\n\
                 Open this link within one hour to choose a new password:\n\n\
                 {base}/password/reset?key={key}\n\n\
                 or give shopterm the key:\n\n\
                 Reset key: {key}\n\n\
                 The key works once. If you did not ask for this, ignore this e-mail; your \
                 password stays as it is.\n"
            )
        })?;
        Ok(RESET_ANSWER.to_owned())
    }

    /// The reset flow of [`Store::request_password_reset`] with the mail's body written by `body`,
    /// for the platform emulators whose links look different (Centra's `…?id=48&i=…`). Answers
    /// whether the e-mail belongs to a customer (and so whether a mail went out); whether to tell
    /// that to the asker is the caller's decision.
    pub fn send_password_reset_mail(
        &self,
        email: &str,
        body: impl FnOnce(ResetMail<'_>) -> String,
    ) -> ShopResult<bool> {
        let email = email.trim();
        if !validate::is_plausible_email(email) {
            return Err(ShopError::field("email", "is not an e-mail address"));
        }
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(db_error)?;
        let found: Option<(CustomerKey, String, String, String)> = tx
            .query_row(
                "SELECT id, email, first_name, last_name FROM customers WHERE email_norm = ?1",
                [normalize_email(email)],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .optional()
            .map_err(db_error)?;
        let sent = found.is_some();
        if let Some((customer, to, first_name, last_name)) = found {
            let key = random_token();
            let now = now();
            tx.execute(
                "INSERT INTO password_resets (key_sha256, customer_id, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    sha256(&key).as_slice(),
                    customer,
                    now,
                    now + RESET_KEY_TTL.whole_seconds()
                ],
            )
            .map_err(db_error)?;
            let name = format!("{first_name} {last_name}");
            let greeting = match name.trim() {
                "" => "Hello,".to_owned(),
                name => format!("Hello {name},"),
            };
            let body = body(ResetMail {
                customer,
                key: &key,
                greeting: &greeting,
            });
            tx.execute(
                "INSERT INTO outbox (recipient, subject, body, sent_at) VALUES (?1, ?2, ?3, ?4)",
                params![to, "Reset your password", body, now],
            )
            .map_err(db_error)?;
        }
        tx.commit().map_err(db_error)?;
        Ok(sent)
    }

    /// An unknown, used or expired key is a validation error on `key`.
    pub fn reset_password(&self, key: &str, new_password: &str) -> ShopResult<CustomerKey> {
        self.reset_password_of(None, key, new_password)
    }

    /// [`Store::reset_password`], where the key counts only when it was sent to `customer` (when
    /// given): Centra's reset links name the customer beside the key.
    pub fn reset_password_of(
        &self,
        only_for: Option<CustomerKey>,
        key: &str,
        new_password: &str,
    ) -> ShopResult<CustomerKey> {
        let key_hash = sha256(key.trim());
        let mut fields = validate::new_password(new_password);
        // Hash before taking the lock; a bad key then costs as much time as a good one.
        let new_hash = if fields.is_empty() {
            Some(hash_password(new_password)?)
        } else {
            None
        };
        let bad_key = || field_error("key", "is unknown, already used or expired");
        let now = now();
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(db_error)?;
        let Some(new_hash) = new_hash else {
            // Report the key too, but do not use it up for a password that was refused.
            let valid: bool = tx
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM password_resets WHERE key_sha256 = ?1
                                    AND used_at IS NULL AND expires_at > ?2
                                    AND (?3 IS NULL OR customer_id = ?3))",
                    params![key_hash.as_slice(), now, only_for],
                    |row| row.get(0),
                )
                .map_err(db_error)?;
            if !valid {
                fields.insert(0, bad_key());
            }
            return Err(invalid(fields));
        };
        let customer: Option<CustomerKey> = tx
            .query_row(
                "UPDATE password_resets SET used_at = ?2
                 WHERE key_sha256 = ?1 AND used_at IS NULL AND expires_at > ?2
                   AND (?3 IS NULL OR customer_id = ?3)
                 RETURNING customer_id",
                params![key_hash.as_slice(), now, only_for],
                |row| row.get(0),
            )
            .optional()
            .map_err(db_error)?;
        let Some(customer) = customer else {
            return Err(invalid(vec![bad_key()]));
        };
        tx.execute(
            "UPDATE customers SET password_hash = ?1 WHERE id = ?2",
            params![new_hash, customer],
        )
        .map_err(db_error)?;
        // Other keys of this customer die with this one: the reset is done.
        tx.execute(
            "UPDATE password_resets SET used_at = ?1 WHERE customer_id = ?2 AND used_at IS NULL",
            params![now, customer],
        )
        .map_err(db_error)?;
        tx.commit().map_err(db_error)?;
        Ok(customer)
    }

    pub fn outbox(&self) -> ShopResult<Vec<Mail>> {
        let conn = self.reader();
        conn.prepare_cached("SELECT id, recipient, subject, body, sent_at FROM outbox ORDER BY id")
            .and_then(|mut s| {
                s.query_map([], |row| {
                    Ok(Mail {
                        id: row.get(0)?,
                        to: row.get(1)?,
                        subject: row.get(2)?,
                        body: row.get(3)?,
                        sent_at: timestamp(row.get(4)?, 4)?,
                    })
                })?
                .collect()
            })
            .map_err(db_error)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    fn reset_key(mail: &Mail) -> String {
        mail.body
            .lines()
            .find_map(|line| line.strip_prefix("Reset key: "))
            .expect("a key line")
            .to_owned()
    }

    #[test]
    fn password_reset_through_the_outbox_works_once() {
        let store = fresh();
        let login = &Store::demo_logins()[BUYER];
        let buyer = key(&store, BUYER);
        let base = "http://127.0.0.1:8040/";

        let answer = store
            .request_password_reset(&login.email.to_uppercase(), base)
            .unwrap();
        let outbox = store.outbox().unwrap();
        assert_eq!(outbox.len(), 1);
        let mail = &outbox[0];
        assert_eq!(mail.to, login.email);
        let key = reset_key(mail);
        assert_eq!(key.len(), 43, "32 bytes, base64url without padding");
        assert!(
            mail.body
                .contains(&format!("http://127.0.0.1:8040/password/reset?key={key}\n")),
            "{}",
            mail.body
        );
        // Only the hash of the key is kept beside the mail.
        let stored: Vec<u8> = store
            .conn()
            .query_row("SELECT key_sha256 FROM password_resets", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(stored, sha256(&key));

        let unknown = store
            .request_password_reset("nobody@nowhere.example", base)
            .unwrap();
        assert_eq!(
            answer, unknown,
            "known and unknown e-mails get the same answer"
        );
        assert_eq!(
            store.outbox().unwrap().len(),
            1,
            "no mail for an unknown address"
        );
        let error = store
            .request_password_reset("not an e-mail", base)
            .unwrap_err();
        assert_eq!(field_names(&error), ["email"]);

        // A refused new password does not use the key up.
        let error = store.reset_password(&key, "short").unwrap_err();
        assert_eq!(field_names(&error), ["new_password"]);
        let error = store.reset_password("made-up-key", "short").unwrap_err();
        assert_eq!(field_names(&error), ["key", "new_password"]);

        // A second key, requested before the reset, dies with the first one's use.
        store.request_password_reset(&login.email, base).unwrap();
        let second = reset_key(&store.outbox().unwrap()[1]);
        assert_ne!(second, key);

        assert_eq!(
            store.reset_password(&key, "after-reset-pass").unwrap(),
            buyer
        );
        assert_eq!(signs_in(&store, &login.email, &login.password), None);
        assert_eq!(
            signs_in(&store, &login.email, "after-reset-pass"),
            Some(buyer)
        );
        for used in [&key, &second] {
            let error = store.reset_password(used, "second-reset-pass").unwrap_err();
            assert_eq!(field_names(&error), ["key"]);
        }
        assert_eq!(
            signs_in(&store, &login.email, "after-reset-pass"),
            Some(buyer)
        );
    }

    #[test]
    fn expired_reset_keys_are_refused() {
        let store = fresh();
        let login = &Store::demo_logins()[NEWCOMER];
        store
            .request_password_reset(&login.email, "http://x.example")
            .unwrap();
        let key = reset_key(&store.outbox().unwrap()[0]);
        let (created, expires): (i64, i64) = store
            .conn()
            .query_row(
                "SELECT created_at, expires_at FROM password_resets",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap();
        assert_eq!(expires - created, 3_600, "valid one hour");
        store
            .conn()
            .execute("UPDATE password_resets SET expires_at = ?1", [now() - 1])
            .unwrap();
        let error = store.reset_password(&key, "a-fine-password").unwrap_err();
        assert_eq!(field_names(&error), ["key"]);
        assert!(signs_in(&store, &login.email, &login.password).is_some());
    }
}
