//! Shoptet through its REST API (v1.0) with a staff token: the shop's own API, which has no
//! customer sign-in. A member of the shop's staff signs in with a private API token
//! (`Shoptet-Private-API-Token`, or an add-on's `Shoptet-Access-Token`) and then works for one
//! customer at a time: their account, delivery addresses, orders with shipments, and reorders.

mod audit;
mod client;
mod desk;
mod pacing;
mod signin;
pub mod wire;

pub use audit::{AUDIT_FILE, AuditLog};
pub use client::{CustomerRef, ShoptetShop, TokenKind};
pub use desk::{CustomerMatch, CustomerSearch, MATCHES_SHOWN, StaffDesk, staff_api_lacks};
pub use pacing::{Clock, Pacer, PacingLimits, SystemClock};
pub use signin::{ShoptetSignIn, eshop_of_token};

use super::registry::{Platform, PlatformId, SignIn};
use crate::shop::Feature;
use std::sync::Arc;

/// The platform's name in profiles.
pub const NAME: &str = PLATFORM.name;

/// This platform's row in the registry ([`super::registry::PLATFORMS`]). A connector built from
/// the row alone has no customer chosen yet: every customer call says to give `--customer`.
pub const PLATFORM: Platform = Platform {
    id: PlatformId::Shoptet,
    name: "shoptet",
    label: "Shoptet",
    sign_in: SignIn::StaffToken(&ShoptetSignIn),
    connect: |shop_url, http, tokens| Arc::new(ShoptetShop::new(shop_url, http, tokens)),
    // No passwords: the staff API has none for customers.
    features: &[
        Feature::EditAccount,
        Feature::Addresses,
        Feature::AddressBook,
        Feature::DefaultAddresses,
        Feature::OrderHistory,
        Feature::OrderDetail,
        Feature::Shipments,
        Feature::ProductLookup,
        Feature::PlaceOrder,
        Feature::AccountPhone,
        Feature::AccountCompany,
        Feature::CompanyIds,
        Feature::AddressRegion,
        // The order list gives the status and whether the order is paid; its items only the detail.
        Feature::OrderListStatus,
        Feature::OrderListPayment,
        Feature::Documents,
    ],
};
