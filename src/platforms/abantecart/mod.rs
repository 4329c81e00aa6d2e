//! AbanteCart through its storefront API (`index.php?rt=a/…`, form-encoded POSTs, JSON answers).
//! Customers sign in with their login name (or, on shops where it is their login, their e-mail)
//! and password at `a/account/login` and get a session token, which cannot be renewed.
//! Connected so far: sign-in, sign-out and the account; the order history and the account form
//! (`a/account/history`, `a/account/edit`) are shown as unavailable until connected.

mod client;
pub mod emulator;
pub mod wire;

pub use client::{AbanteCartShop, AbanteCartSignIn};

/// The platform's name in profiles.
pub const NAME: &str = "abantecart";
