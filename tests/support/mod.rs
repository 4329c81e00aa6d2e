//! What the integration tests share, one module (`mod support;` in each test file; each test
//! binary uses a part of it, hence the `#[allow(dead_code)]` there):
//!
//! - [`demo`]: the embedded demo shop on loopback, its accounts, a signed-in connector;
//! - [`oauth`]: the demo's OAuth server step by step (PKCE, forms, code exchange, refresh);
//! - [`fixtures`]: what the TUI snapshots and the render benchmark both draw (included by path
//!   in benches/render.rs);
//! - [`html`]: pages and forms as a browser sees them, one HTML form parser;
//! - [`browser`]: a scripted browser that walks any sign-in (and `browser.py`, the one shopterm
//!   opens as `$BROWSER`);
//! - [`oidc`]: the oidc-provider peer;
//! - [`platform`]: the password platforms (a table of them) and a signed-in setup for each;
//! - [`sandbox`]: the real binary in directories of its own;
//! - [`pty`]: the real binary in a pseudo-terminal (also included on its own by the TUI tests);
//! - [`prism`]: the Prism validating proxy; [`proxy`]: proxies that break requests or spoil
//!   answers; [`installation`]: shopterm signed in to every platform through such a proxy;
//! - [`replay`]: exchanges recorded from a real AbanteCart, served again on loopback.

pub mod browser;
pub mod demo;
pub mod fixtures;
pub mod html;
pub mod installation;
pub mod oauth;
pub mod oidc;
pub mod platform;
pub mod prism;
pub mod proxy;
pub mod pty;
pub mod replay;
pub mod sandbox;

use std::path::PathBuf;

/// A loopback port nobody listens on right now (it may be taken by the time it is used).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free loopback port")
}

/// The repository's root (where Cargo.toml is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
