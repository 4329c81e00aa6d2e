//! Assembles the demo shop (authorization server + shop API) and serves it on loopback, over plain
//! HTTP or, with TLS, over HTTPS with a certificate from a CA generated for this run.

use super::api;
use super::oauth::{self, AuthServer};
use super::state::DemoState;
use super::store::{SeedOptions, Store};
use crate::shop::ShopError;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How to run the demo shop.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// Where to listen; port 0 picks a free one. Must be a loopback address.
    pub addr: SocketAddr,
    /// The SQLite file; `None` keeps everything in memory (`--ephemeral`).
    pub data_path: Option<PathBuf>,
    /// Lifetime of access tokens.
    pub token_ttl: Duration,
    /// Serve HTTPS; the generated CA certificate is written to this file.
    pub tls_ca_out: Option<PathBuf>,
    /// How an empty store is seeded (the default for the demo; more orders for benchmarks).
    pub seed: SeedOptions,
    /// The Centra emulator answers its payment step with a form ([`DemoState::centra_payment_form`]).
    pub centra_payment_form: bool,
}

impl DemoConfig {
    /// In memory, any free port, one-hour tokens, plain HTTP: what most tests want.
    pub fn ephemeral() -> DemoConfig {
        DemoConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_path: None,
            token_ttl: Duration::from_secs(3600),
            tls_ca_out: None,
            seed: SeedOptions::default(),
            centra_payment_form: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the demo shop only listens on loopback addresses, not {0}")]
    NotLoopback(SocketAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot open the demo store: {0}")]
    Store(ShopError),
    #[error("cannot set up TLS: {0}")]
    Tls(String),
}

/// A running demo shop. Dropping it stops the server.
pub struct RunningDemo {
    pub base_url: String,
    pub addr: SocketAddr,
    /// The CA certificate (PEM) that signed the server's certificate, when serving HTTPS.
    pub ca_cert_path: Option<PathBuf>,
    pub state: DemoState,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl RunningDemo {
    /// Stops accepting, lets in-flight requests finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Waits until the server ends (it ends only when stopped or on a fatal error).
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningDemo {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The Customer API (with its OAuth server) at the root; each other platform's emulator under
/// its own prefix ([`super::emulators::EMULATED`]), with that platform's own rules (no gzip
/// requirement, its error shapes).
pub fn router(state: DemoState) -> axum::Router {
    let customer_api = oauth::routes()
        .merge(api::routes())
        .layer(tower_http::compression::CompressionLayer::new().gzip(true))
        .layer(axum::middleware::from_fn(super::http::require_gzip));
    super::emulators::routes()
        .merge(customer_api)
        .with_state(state)
}

/// Opens the store (seeding it on first use), binds, and serves in a background task.
pub async fn start(config: DemoConfig) -> Result<RunningDemo, DemoError> {
    if !config.addr.ip().is_loopback() {
        return Err(DemoError::NotLoopback(config.addr));
    }
    let path = config.data_path.clone();
    let seed = config.seed;
    let store = tokio::task::spawn_blocking(move || Store::open_with(path.as_deref(), seed))
        .await
        .map_err(|e| {
            DemoError::Store(ShopError::Server {
                status: 500,
                message: e.to_string(),
            })
        })?
        .map_err(DemoError::Store)?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| DemoError::Bind {
            addr: config.addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| DemoError::Bind {
        addr: config.addr,
        source,
    })?;
    let scheme = if config.tls_ca_out.is_some() {
        "https"
    } else {
        "http"
    };
    let base_url = format!("{scheme}://{addr}");
    let state = DemoState {
        store: Arc::new(store),
        auth: Arc::new(AuthServer::new(config.token_ttl)),
        emulator_logins: Arc::new(super::emulator_logins::EmulatorLogins::new(
            config.token_ttl,
        )),
        base_url: Arc::from(base_url.as_str()),
        centra_payment_form: config.centra_payment_form,
    };
    let app = router(state.clone());
    let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
    let (task, ca_cert_path) = match &config.tls_ca_out {
        None => {
            let task = tokio::spawn(async move {
                let served = axum::serve(
                    listener,
                    app.into_make_service_with_connect_info::<SocketAddr>(),
                )
                .with_graceful_shutdown(async {
                    let _ = shutdown_rx.await;
                })
                .await;
                if let Err(error) = served {
                    tracing::error!(%error, "demo shop server stopped");
                }
            });
            (task, None)
        }
        Some(ca_out) => {
            let acceptor = super::tls::acceptor_with_new_ca(ca_out).map_err(DemoError::Tls)?;
            let task = tokio::spawn(super::tls::serve(listener, acceptor, app, shutdown_rx));
            (task, Some(ca_out.clone()))
        }
    };
    tracing::info!(%base_url, "demo shop listening");
    Ok(RunningDemo {
        base_url,
        addr,
        ca_cert_path,
        state,
        shutdown: Some(shutdown_tx),
        task: Some(task),
    })
}
