//! Spryker Commerce OS through its Glue storefront REST API (JSON:API). Customers sign in with
//! e-mail and password at `POST /access-tokens` and get a bearer token with a refresh token.
//! Connected: sign-in, token refresh, sign-out, the account and its edit, the address book with
//! defaults, the order history (paged, no search: Glue has none) with order details and their
//! shipments, the password (change, forgotten-password e-mail, restore with the key), product
//! lookup by SKU, sign-up (`POST /customers`) and anonymisation (`DELETE /customers/{ref}`),
//! quick orders and reorders through a cart and Glue's checkout, and B2B shopping lists ordered
//! again the same way.

mod client;
mod journal;
mod mapping;
mod ordering;
mod shopping_lists;
mod sign_in;
pub mod wire;

use super::registry::{Platform, PlatformId, SignIn};
use crate::shop::Feature;
use std::sync::Arc;

pub use client::SprykerShop;
pub use journal::SendJournal;
pub use shopping_lists::wire as shopping_list_wire;
pub use sign_in::SprykerSignIn;

/// This platform's row in the registry ([`super::registry::PLATFORMS`]).
pub const PLATFORM: Platform = Platform {
    id: PlatformId::Spryker,
    name: "spryker",
    label: "Spryker",
    sign_in: SignIn::Password(&SprykerSignIn),
    connect: |shop_url, http, tokens| Arc::new(SprykerShop::new(shop_url, http, tokens)),
    // No OrderSearch: Glue's order list has neither filters nor search. No OrderListStatus,
    // OrderListItems or OrderListPayment: `RestOrdersAttributes` carries only the date, totals,
    // currency and price mode (the order's detail has items and payments).
    features: &[
        Feature::EditAccount,
        Feature::Addresses,
        Feature::AddressBook,
        Feature::DefaultAddresses,
        Feature::OrderHistory,
        Feature::OrderDetail,
        Feature::Shipments,
        Feature::ChangePassword,
        Feature::ForgottenPassword,
        Feature::ResetPassword,
        // Through a cart and Glue's checkout (`ordering.rs`). No BrandLookup: a SKU is unique
        // without one. Glue takes no idempotency key; the connector's journal of sent drafts
        // (written before the checkout, kept across processes) makes a repeated send of one
        // draft check out the same cart or find the order, never a second one.
        Feature::ProductLookup,
        Feature::PlaceOrder,
        Feature::IdempotentOrders,
        // B2B shops' `/shopping-lists` (`shopping_lists.rs`); a B2C shop's 404 says unavailable.
        Feature::ShoppingLists,
        // `POST /customers` and its anonymisation, `DELETE /customers/{reference}`.
        Feature::SignUp,
        Feature::DeleteAccount,
        // Glue's sign-up requires a salutation and a gender (Male or Female).
        Feature::Salutation,
    ],
};
