//! The OAuth "Customer API" platform (kvik.shop's Customer API conventions): OAuth 2.0 sign-in,
//! gzip-only JSON over HTTPS, JSON error bodies. The embedded demo shop serves this platform's API
//! (`crate::demo`), so this connector is also what `shopterm demo` talks to.

mod client;
pub mod wire;

pub use client::CustomerApiShop;

/// The platform's name in profiles.
pub const NAME: &str = "customer_api";
