//! State shared by every handler of the demo shop.

use super::oauth::AuthServer;
use super::store::Store;
use crate::shop::{ShopError, ShopResult};
use std::sync::Arc;

#[derive(Clone)]
pub struct DemoState {
    pub store: Arc<Store>,
    pub auth: Arc<AuthServer>,
    /// The platform emulators' password sign-ins.
    pub emulator_logins: Arc<super::emulator_logins::EmulatorLogins>,
    /// Where the server is reached, e.g. `http://127.0.0.1:8040` (https with `--tls`); no trailing slash.
    pub base_url: Arc<str>,
    /// The Centra emulator's `POST payment` answers a payment form (`action: form`, as for some
    /// payment providers) instead of a redirect to its payment page (`--centra-payment-form`).
    pub centra_payment_form: bool,
}

impl DemoState {
    /// Runs a store operation off the async threads.
    pub async fn with_store<T, F>(&self, operation: F) -> ShopResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> ShopResult<T> + Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || operation(&store))
            .await
            .map_err(|e| ShopError::Server {
                status: 500,
                message: format!("store task failed: {e}"),
            })?
    }
}
