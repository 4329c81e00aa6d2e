//! Personal API credentials (the Customer API's "API password"): created, listed, verified and
//! revoked; only their hashes are stored.

use super::customers::ensure_customer;
use super::rows::timestamp;
use super::{CustomerKey, Store, constant_time_eq, db_error, now, random_token, sha256};
use crate::shop::{ShopError, ShopResult};
use rusqlite::{OptionalExtension, params};

/// A personal API credential of a customer (the Customer API's "API password").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ApiCredential {
    pub client_id: String,
    pub label: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

const MAX_LABEL: usize = 64;

impl Store {
    /// Creates a credential; the secret is returned once and only its hash is stored.
    pub fn create_api_credential(
        &self,
        customer: CustomerKey,
        label: &str,
    ) -> ShopResult<(ApiCredential, String)> {
        let label = label.trim();
        if label.is_empty() {
            return Err(ShopError::field("label", "is required"));
        }
        if label.chars().count() > MAX_LABEL || label.chars().any(char::is_control) {
            return Err(ShopError::field(
                "label",
                format!("must be at most {MAX_LABEL} printable characters"),
            ));
        }
        let client_id: String = rand::random::<[u8; 16]>()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        let secret = random_token();
        let created_at = now();
        let conn = self.conn();
        ensure_customer(&conn, customer)?;
        conn.execute(
            "INSERT INTO api_credentials (client_id, customer_id, label, secret_sha256, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                client_id,
                customer,
                label,
                sha256(&secret).as_slice(),
                created_at
            ],
        )
        .map_err(db_error)?;
        let credential = ApiCredential {
            client_id,
            label: label.to_owned(),
            created_at: timestamp(created_at, 0).map_err(db_error)?,
        };
        Ok((credential, secret))
    }

    /// The customer's credentials that still work, oldest first.
    pub fn api_credentials(&self, customer: CustomerKey) -> ShopResult<Vec<ApiCredential>> {
        let conn = self.reader();
        conn.prepare_cached(
            "SELECT client_id, label, created_at FROM api_credentials
             WHERE customer_id = ?1 AND revoked_at IS NULL ORDER BY id",
        )
        .and_then(|mut s| {
            s.query_map([customer], |row| {
                Ok(ApiCredential {
                    client_id: row.get(0)?,
                    label: row.get(1)?,
                    created_at: timestamp(row.get(2)?, 2)?,
                })
            })?
            .collect()
        })
        .map_err(db_error)
    }

    /// Revoking a credential that is not the customer's, or already revoked, is `NotFound`.
    pub fn revoke_api_credential(&self, customer: CustomerKey, client_id: &str) -> ShopResult<()> {
        let changed = self
            .conn()
            .execute(
                "UPDATE api_credentials SET revoked_at = ?3
                 WHERE client_id = ?1 AND customer_id = ?2 AND revoked_at IS NULL",
                params![client_id, customer, now()],
            )
            .map_err(db_error)?;
        if changed == 0 {
            return Err(ShopError::NotFound(format!("API credential {client_id}")));
        }
        Ok(())
    }

    /// The customer owning an unrevoked credential with this id and secret.
    pub fn verify_api_credential(
        &self,
        client_id: &str,
        secret: &str,
    ) -> ShopResult<Option<CustomerKey>> {
        let found: Option<(CustomerKey, Vec<u8>)> = self
            .conn()
            .prepare_cached(
                "SELECT customer_id, secret_sha256 FROM api_credentials
                 WHERE client_id = ?1 AND revoked_at IS NULL",
            )
            .and_then(|mut s| {
                s.query_row([client_id], |row| Ok((row.get(0)?, row.get(1)?)))
                    .optional()
            })
            .map_err(db_error)?;
        let offered = sha256(secret);
        Ok(found
            .and_then(|(customer, stored)| constant_time_eq(&stored, &offered).then_some(customer)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    // --- API credentials -----------------------------------------------------------------------

    #[test]
    fn api_credentials_are_hashed_listed_verified_and_revoked() {
        let store = fresh();
        let (buyer, hanako) = (key(&store, BUYER), key(&store, HANAKO));
        let (credential, secret) = store.create_api_credential(buyer, " ERP sync ").unwrap();
        assert_eq!(credential.label, "ERP sync");
        assert_eq!(credential.client_id.len(), 32);
        assert!(credential.client_id.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(secret.len(), 43);
        let (other, other_secret) = store.create_api_credential(buyer, "Backup").unwrap();
        assert_ne!(other.client_id, credential.client_id);
        assert_ne!(other_secret, secret);
        assert_eq!(
            store.api_credentials(buyer).unwrap(),
            [credential.clone(), other.clone()]
        );
        assert!(store.api_credentials(hanako).unwrap().is_empty());

        let stored: Vec<u8> = store
            .conn()
            .query_row(
                "SELECT secret_sha256 FROM api_credentials WHERE client_id = ?1",
                [&credential.client_id],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(stored, sha256(&secret), "only the hash is kept");

        let verify = |id: &str, secret: &str| store.verify_api_credential(id, secret).unwrap();
        assert_eq!(verify(&credential.client_id, &secret), Some(buyer));
        assert_eq!(verify(&credential.client_id, &other_secret), None);
        assert_eq!(verify("unknown", &secret), None);

        assert!(matches!(
            store.revoke_api_credential(hanako, &credential.client_id),
            Err(ShopError::NotFound(_))
        ));
        assert_eq!(verify(&credential.client_id, &secret), Some(buyer));
        store
            .revoke_api_credential(buyer, &credential.client_id)
            .unwrap();
        assert_eq!(verify(&credential.client_id, &secret), None);
        assert_eq!(
            store.api_credentials(buyer).unwrap(),
            std::slice::from_ref(&other)
        );
        assert!(matches!(
            store.revoke_api_credential(buyer, &credential.client_id),
            Err(ShopError::NotFound(_))
        ));
        assert_eq!(verify(&other.client_id, &other_secret), Some(buyer));

        let error = store.create_api_credential(buyer, "  ").unwrap_err();
        assert_eq!(field_names(&error), ["label"]);
        let error = store
            .create_api_credential(buyer, &"x".repeat(65))
            .unwrap_err();
        assert_eq!(field_names(&error), ["label"]);
        assert!(matches!(
            store.create_api_credential(9_999, "x"),
            Err(ShopError::NotFound(_))
        ));
    }
}
