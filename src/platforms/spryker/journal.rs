//! The journal of Spryker checkouts in flight. Glue takes no idempotency key, so only the sender
//! knows that a draft's checkout went out: the entry (the cart, and once `POST /checkout` is about
//! to be sent, when and with which items) is written before the shop hears of it, 0600 under the
//! profile's state dir, and cleared once the shop answered (placed or refused) or the order was
//! found again. A send of the same draft from another process (`shopterm reorder --draft KEY`
//! after a lost answer) reads it and checks the shop before anything else is sent.
//!
//! Without a state dir (a connector built for a test, or a sign-in check) the journal lives in
//! memory only, which still covers a retry within the process.

use crate::shop::{ShopError, ShopResult};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use time::OffsetDateTime;

/// A cart the connector is turning into an order, recorded under the draft's idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct CartInFlight {
    pub cart_id: String,
    /// The customer's one cart of a shop without multi-cart: emptied when given up, never
    /// deleted.
    #[serde(default)]
    pub shared: bool,
    /// Set before `POST /checkout` is sent: from then on the order may exist.
    pub checkout_sent: Option<CheckoutSent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct CheckoutSent {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The cart's items (SKU, quantity), sorted: what the order placed from it holds.
    pub items: Vec<(String, u32)>,
}

pub struct SendJournal {
    memory: Mutex<HashMap<String, CartInFlight>>,
    /// `None`: this process only.
    dir: Option<PathBuf>,
}

impl Default for SendJournal {
    fn default() -> SendJournal {
        SendJournal::in_memory()
    }
}

impl SendJournal {
    pub fn in_memory() -> SendJournal {
        SendJournal {
            memory: Mutex::new(HashMap::new()),
            dir: None,
        }
    }

    /// The journal of one profile, under `state_dir/spryker-checkouts/PROFILE/`.
    pub fn in_dir(state_dir: &Path, profile: &str) -> SendJournal {
        SendJournal {
            memory: Mutex::new(HashMap::new()),
            dir: Some(state_dir.join("spryker-checkouts").join(profile)),
        }
    }

    fn memory(&self) -> MutexGuard<'_, HashMap<String, CartInFlight>> {
        // A panic while the map was held leaves it consistent (one insert or remove).
        self.memory
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The entry's file; `None` for a key that is no safe file name (saved drafts' keys are
    /// letters, digits and dashes, so such a key never outlives its process anyway).
    fn file(&self, key: &str) -> Option<PathBuf> {
        let safe = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        self.dir
            .as_ref()
            .filter(|_| safe)
            .map(|dir| dir.join(format!("{key}.json")))
    }

    /// What is recorded for `key`. An entry that cannot be read is an error, not "nothing": it
    /// may say that the order was sent.
    pub(super) fn get(&self, key: &str) -> ShopResult<Option<CartInFlight>> {
        if let Some(flight) = self.memory().get(key) {
            return Ok(Some(flight.clone()));
        }
        let Some(path) = self.file(key) else {
            return Ok(None);
        };
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            // No such file, or no directory to hold one: nothing was recorded.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                return Ok(None);
            }
            Err(e) => return Err(unreadable(&path, &e.to_string())),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| unreadable(&path, &e.to_string()))
    }

    /// Records `flight` (the file first: nothing goes to the shop unless this succeeded).
    pub(super) fn record(&self, key: &str, flight: CartInFlight) -> ShopResult<()> {
        if let (Some(dir), Some(path)) = (self.dir.as_ref(), self.file(key)) {
            let bytes = serde_json::to_vec_pretty(&flight)
                .map_err(|e| cannot_record(&path, &e.to_string()))?;
            crate::auth::store::write_private_file_atomically(dir, &path, &bytes)
                .map_err(|e| cannot_record(&path, &e.to_string()))?;
        }
        self.memory().insert(key.to_owned(), flight);
        Ok(())
    }

    /// Forgets `key`: the shop answered, or the order was found.
    pub(super) fn clear(&self, key: &str) {
        self.memory().remove(key);
        if let Some(path) = self.file(key)
            && let Err(error) = std::fs::remove_file(&path)
            && error.kind() != std::io::ErrorKind::NotFound
        {
            // Harmless but for one extra look at the shop on the next send of this draft.
            tracing::warn!(%error, path = %path.display(), "cannot clear a checkout journal entry");
        }
    }
}

fn unreadable(path: &Path, why: &str) -> ShopError {
    ShopError::Conflict(format!(
        "cannot read the record of this draft's earlier send ({}: {why}), so shopterm cannot \
         tell whether the shop has the order: look in the order history before sending again",
        path.display()
    ))
}

fn cannot_record(path: &Path, why: &str) -> ShopError {
    ShopError::Conflict(format!(
        "cannot record the checkout before sending it ({}: {why}); nothing was ordered",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(cart: &str) -> CartInFlight {
        CartInFlight {
            cart_id: cart.into(),
            shared: false,
            checkout_sent: Some(CheckoutSent {
                at: OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap(),
                items: vec![("066_23294028".into(), 2)],
            }),
        }
    }

    #[test]
    fn an_entry_outlives_the_process_that_wrote_it_until_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let first = SendJournal::in_dir(dir.path(), "shop");
        first.record("abc-1", sent("cart-1")).unwrap();
        let path = dir.path().join("spryker-checkouts/shop/abc-1.json");
        #[cfg(unix)]
        assert_eq!(crate::auth::store::file_mode(&path).unwrap(), 0o600);

        let second = SendJournal::in_dir(dir.path(), "shop");
        assert_eq!(second.get("abc-1").unwrap(), Some(sent("cart-1")));
        assert_eq!(
            SendJournal::in_dir(dir.path(), "other")
                .get("abc-1")
                .unwrap(),
            None,
            "another profile's journal"
        );
        second.clear("abc-1");
        assert!(!path.exists());
        assert_eq!(
            SendJournal::in_dir(dir.path(), "shop")
                .get("abc-1")
                .unwrap(),
            None
        );
    }

    #[test]
    fn an_unreadable_entry_stops_the_send_instead_of_reading_as_none() {
        let dir = tempfile::tempdir().unwrap();
        let journal = SendJournal::in_dir(dir.path(), "shop");
        journal.record("abc-2", sent("cart-2")).unwrap();
        std::fs::write(dir.path().join("spryker-checkouts/shop/abc-2.json"), b"{").unwrap();
        let fresh = SendJournal::in_dir(dir.path(), "shop");
        let error = fresh.get("abc-2").unwrap_err();
        assert!(matches!(error, ShopError::Conflict(_)), "{error:?}");
        assert!(error.to_string().contains("order history"), "{error}");
    }

    #[test]
    fn a_journal_that_cannot_be_written_refuses_to_record() {
        let dir = tempfile::tempdir().unwrap();
        // A file where the journal's directory should be.
        std::fs::write(dir.path().join("spryker-checkouts"), b"").unwrap();
        let journal = SendJournal::in_dir(dir.path(), "shop");
        let error = journal.record("abc-3", sent("cart-3")).unwrap_err();
        assert!(error.to_string().contains("nothing was ordered"), "{error}");
        assert_eq!(journal.get("abc-3").unwrap(), None);
    }

    #[test]
    fn without_a_dir_or_with_an_odd_key_the_entry_is_kept_in_memory() {
        let journal = SendJournal::in_memory();
        journal.record("k", sent("c")).unwrap();
        assert_eq!(journal.get("k").unwrap(), Some(sent("c")));
        let dir = tempfile::tempdir().unwrap();
        let on_disk = SendJournal::in_dir(dir.path(), "shop");
        on_disk.record("../escape", sent("c")).unwrap();
        assert_eq!(on_disk.get("../escape").unwrap(), Some(sent("c")));
        assert!(!dir.path().join("spryker-checkouts").exists());
    }
}
