//! Spryker Commerce OS through its Glue storefront REST API (JSON:API). Customers sign in with
//! e-mail and password at `POST /access-tokens` and get a bearer token with a refresh token.
//! Connected: sign-in, token refresh, sign-out, the account and its edit, the address book with
//! defaults, the order history (paged, no search: Glue has none) with order details and their
//! shipments, and the password (change, forgotten-password e-mail, restore with the key).

mod client;
pub mod wire;

pub use client::{SprykerShop, SprykerSignIn};

/// The platform's name in profiles.
pub const NAME: &str = "spryker";
