//! Centra through its Checkout API v1 (the "User Accounts" calls). Customers log in with e-mail
//! and password at `POST login/{email}`; the session token travels in the `API-Token` header and
//! cannot be renewed. Connected: sign-in, sign-out, the account (from the `loggedIn` object,
//! changed with `PUT address` and `PUT email`), the customer's one address, the order history
//! with items, totals and shipments (`POST orders`), and the password calls (`PUT password`,
//! `POST password-reset-email/{email}`, `POST password-reset`).

mod client;
pub mod wire;

pub use client::{ADDRESS_ID, CentraShop, CentraSignIn, reset_link_parts};

/// The platform's name in profiles.
pub const NAME: &str = "centra";
