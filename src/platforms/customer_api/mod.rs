//! The OAuth "Customer API" platform (kvik.shop's Customer API conventions): OAuth 2.0 sign-in,
//! gzip-only JSON over HTTPS, JSON error bodies. The embedded demo shop serves this platform's API
//! (`crate::demo`), so this connector is also what `shopterm demo` talks to.

mod client;
pub mod wire;

use super::registry::{Platform, PlatformId, SignIn, features};
use crate::shop::Feature;
use std::sync::Arc;

pub use client::CustomerApiShop;

/// This platform's row in the registry ([`super::registry::PLATFORMS`]).
pub const PLATFORM: Platform = Platform {
    id: PlatformId::CustomerApi,
    name: "customer_api",
    label: "Customer API",
    sign_in: SignIn::Browser,
    connect: |shop_url, http, tokens| Arc::new(CustomerApiShop::new(shop_url, http, tokens)),
    features: features![
        [Feature::EditAccount],
        Feature::ADDRESS_BOOK,
        Feature::ORDER_HISTORY,
        Feature::PASSWORDS,
        [
            Feature::ProductLookup,
            Feature::BrandLookup,
            Feature::PlaceOrder,
            Feature::IdempotentOrders,
            Feature::OrderSearch,
            Feature::AccountPhone,
            Feature::AccountCompany,
            Feature::AddressRegion,
            Feature::KeysetPaging,
            Feature::OrderListStatus,
            Feature::OrderListItems,
            Feature::OrderListPayment,
        ],
    ],
};
