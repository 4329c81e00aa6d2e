//! Centra through its Checkout API v1 (the "User Accounts" calls). Customers log in with e-mail
//! and password at `POST login/{email}`; the session token travels in the `API-Token` header and
//! cannot be renewed. Connected so far: sign-in, sign-out and the account (from the `loggedIn`
//! object); the address, order and password calls are shown as unavailable until connected.

mod client;
pub mod emulator;
pub mod wire;

pub use client::{CentraShop, CentraSignIn};

/// The platform's name in profiles.
pub const NAME: &str = "centra";
