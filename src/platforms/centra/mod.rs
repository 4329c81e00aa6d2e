//! Centra through its Checkout API v1 (the "User Accounts" calls). Customers log in with e-mail
//! and password at `POST login/{email}`; the session token travels in the `API-Token` header and
//! cannot be renewed. Connected: sign-in, sign-out, the account (from the `loggedIn` object,
//! changed with `PUT address` and `PUT email`), the customer's one address, the order history
//! with items, totals and shipments (`POST orders`), and the password calls (`PUT password`,
//! `POST password-reset-email/{email}`, `POST password-reset`), and sign-up (`POST register`).
//! Quick orders and reorders go through products and the selection up to the shop's payment page
//! (`selection.rs`).

mod client;
mod mapping;
pub mod register;
mod selection;
mod sign_in;
pub mod wire;

use super::registry::{Platform, PlatformId, SignIn, features};
use crate::shop::Feature;
use std::sync::Arc;

pub use client::{ADDRESS_ID, CentraShop, reset_link_parts};
pub use sign_in::CentraSignIn;

/// This platform's row in the registry ([`super::registry::PLATFORMS`]).
pub const PLATFORM: Platform = Platform {
    id: PlatformId::Centra,
    name: "centra",
    label: "Centra",
    sign_in: SignIn::Password(&CentraSignIn),
    connect: |shop_url, http, tokens| Arc::new(CentraShop::new(shop_url, http, tokens)),
    // `Addresses` but not `AddressBook`: Centra keeps one address, which can be changed
    // but not added to or deleted. Nor `DefaultAddresses` (the one address is both),
    // `OrderSearch` (no filters on `POST orders`) or `IdempotentOrders` (the selection takes
    // no key: a repeated send asks for payment of the same selection again). `PlaceOrder`
    // goes up to the shop's payment page (`PaymentPage`); the shop places the order once paid.
    features: features![
        [Feature::EditAccount, Feature::Addresses],
        [
            Feature::ProductLookup,
            Feature::PlaceOrder,
            Feature::ShopCart,
            Feature::PaymentPage,
        ],
        Feature::ORDER_HISTORY,
        Feature::PASSWORDS,
        [
            Feature::AccountPhone,
            Feature::AddressRegion,
            Feature::OrderListStatus,
            Feature::OrderListItems,
            Feature::OrderListPayment,
            Feature::SignUp,
        ],
    ],
};
