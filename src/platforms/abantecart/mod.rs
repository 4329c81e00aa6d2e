//! AbanteCart through its storefront API (`index.php?rt=a/…`, form-encoded POSTs, JSON answers).
//! Customers sign in with their login name (or, on shops where it is their login, their e-mail)
//! and password at `a/account/login` and get a session token, which cannot be renewed.
//! Connected: sign-in, sign-out, the account, editing it (`a/account/edit`), the order history
//! (`a/account/history`), sign-up (`a/account/create`), product lookup and quick order through the storefront cart and
//! checkout (`a/product/*`, `a/checkout/*`). The API has no routes for one order's details,
//! shipments, or changing or resetting a password: those are shown as unavailable, and so is
//! reordering from the history, whose orders have no lines.

mod checkout;
mod client;
pub mod money;
pub mod register;
pub mod storefront;
pub mod wire;

use super::registry::{Platform, PlatformId, SignIn};
use crate::shop::Feature;
use std::sync::Arc;

pub use client::{AbanteCartShop, AbanteCartSignIn, api_key_of};

/// This platform's row in the registry ([`super::registry::PLATFORMS`]).
pub const PLATFORM: Platform = Platform {
    id: PlatformId::AbanteCart,
    name: "abantecart",
    label: "AbanteCart",
    sign_in: SignIn::Password(&AbanteCartSignIn),
    connect: |shop_url, http, tokens| Arc::new(AbanteCartShop::new(shop_url, http, tokens)),
    // No order details, shipments or password routes exist in the storefront API.
    features: &[
        Feature::OrderHistory,
        Feature::EditAccount,
        Feature::AccountPhone,
        // Its history gives status and line count, nothing of payment.
        Feature::OrderListStatus,
        Feature::OrderListItems,
        // Through the storefront cart and checkout; reorder needs an order's lines, which the
        // API never gives.
        Feature::ProductLookup,
        Feature::PlaceOrder,
        // `a/account/create`.
        Feature::SignUp,
    ],
};
