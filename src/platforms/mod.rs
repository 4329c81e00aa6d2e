//! Platform connectors: each translates one shop platform's API to the domain model behind the
//! [`crate::shop::Shop`] trait. Each platform other than the Customer API also has an emulator in
//! the demo shop (`crate::demo::emulators`), which shares only the platform's `wire` types (and
//! small format helpers beside them) with the connector; nothing here depends on the demo.
//!
//! Adding a platform: a folder with `wire.rs` (the vendor's shapes), `client.rs` (`impl Shop`,
//! and `impl PasswordSignIn` for password platforms) and its descriptor (`PLATFORM` in its
//! `mod.rs`); then one row in [`registry::PLATFORMS`] and a [`PlatformId`] variant, and for the
//! demo an emulator in `src/demo/emulators/`.

use crate::auth::AuthError;
use crate::auth::password::PasswordSignIn;

pub mod abantecart;
pub mod centra;
pub mod common;
pub mod customer_api;
pub mod registry;
pub mod shoptet;
pub mod spryker;

pub use registry::{PLATFORMS, Platform, PlatformId, SignIn, UnknownPlatform};

/// How the password platform named `platform` signs in; an error for unknown platforms and for
/// those that sign in otherwise. Token stores record platforms by name, hence a name here.
pub fn password_sign_in(platform: &str) -> Result<&'static dyn PasswordSignIn, AuthError> {
    PlatformId::from_name(platform)?.password_sign_in()
}
