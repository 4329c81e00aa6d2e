//! Shoptet through its REST API (v1.0) with a staff token: the shop's own API, which has no
//! customer sign-in. A member of the shop's staff signs in with a private API token
//! (`Shoptet-Private-API-Token`, or an add-on's `Shoptet-Access-Token`) and then works for one
//! customer at a time: their account, delivery addresses, orders with shipments, and reorders.

mod client;
mod pacing;
mod signin;
pub mod wire;

pub use client::{CustomerRef, ShoptetShop, TokenKind};
pub use pacing::{Clock, Pacer, PacingLimits, SystemClock};
pub use signin::{ShoptetSignIn, eshop_of_token};

/// The platform's name in profiles.
pub const NAME: &str = "shoptet";
