//! AbanteCart through its storefront API (`index.php?rt=a/…`, form-encoded POSTs, JSON answers).
//! Customers sign in with their login name (or, on shops where it is their login, their e-mail)
//! and password at `a/account/login` and get a session token, which cannot be renewed.
//! Connected: sign-in, sign-out, the account, editing it (`a/account/edit`) and the order history
//! (`a/account/history`). The API has no routes for one order's details, shipments, or changing
//! or resetting a password: those are shown as unavailable.

mod client;
pub mod money;
pub mod wire;

pub use client::{AbanteCartShop, AbanteCartSignIn};

/// The platform's name in profiles.
pub const NAME: &str = "abantecart";
