//! The embedded demo shop: an OAuth 2.0 authorization server and a shop API over a seeded SQLite
//! store, served on loopback. `shopterm demo` runs it in-process; the tests drive it over HTTP.

pub mod api;
pub mod emulator_logins;
pub mod emulators;
pub mod http;
pub mod oauth;
pub mod server;
pub mod state;
pub mod store;
mod tls;

pub use server::{DemoConfig, RunningDemo, start};
