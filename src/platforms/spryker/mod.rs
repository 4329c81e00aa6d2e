//! Spryker Commerce OS through its Glue storefront REST API (JSON:API). Customers sign in with
//! e-mail and password at `POST /access-tokens` and get a bearer token with a refresh token.
//! Connected so far: sign-in, token refresh, sign-out and the account; the rest of Glue's customer
//! resources (addresses, orders, password) are shown as unavailable until connected.

mod client;
pub mod emulator;
pub mod wire;

pub use client::{SprykerShop, SprykerSignIn};

/// The platform's name in profiles.
pub const NAME: &str = "spryker";
