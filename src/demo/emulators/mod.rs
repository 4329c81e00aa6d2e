//! The demo shop's emulators of other platforms' APIs: each serves one platform's API, with that
//! platform's own rules (paths, error shapes, sign-in), over the demo store, so tests and
//! `shopterm demo --platform X` run without the real shop. An emulator shares only the platform's
//! `wire` types with its connector in `crate::platforms`, so a mistake in one shows up against
//! the other instead of being copied into both.

use super::state::DemoState;
use crate::platforms::PlatformId;

pub mod abantecart;
pub mod centra;
pub mod shoptet;
pub mod spryker;

/// Where the demo shop serves one platform's API, and its routes.
pub struct Emulator {
    pub platform: PlatformId,
    /// The path prefix of the API under the demo shop's root.
    pub prefix: &'static str,
    pub routes: fn() -> axum::Router<DemoState>,
}

/// The platforms the demo shop emulates. The Customer API is served at the root.
pub const EMULATED: &[Emulator] = &[
    Emulator {
        platform: PlatformId::Spryker,
        prefix: spryker::PREFIX,
        routes: spryker::routes,
    },
    Emulator {
        platform: PlatformId::Centra,
        prefix: centra::PREFIX,
        routes: centra::routes,
    },
    Emulator {
        platform: PlatformId::AbanteCart,
        prefix: abantecart::PREFIX,
        routes: abantecart::routes,
    },
    Emulator {
        platform: PlatformId::Shoptet,
        prefix: shoptet::PREFIX,
        routes: shoptet::routes,
    },
];

/// Where the demo shop serves `platform`'s API: "" for the Customer API at the root (and for
/// any platform without an emulator, which then gets the Customer API).
pub fn prefix_of(platform: PlatformId) -> &'static str {
    EMULATED
        .iter()
        .find(|emulator| emulator.platform == platform)
        .map_or("", |emulator| emulator.prefix)
}

/// The emulators' routes, each under its prefix, for the demo shop's router.
pub fn routes() -> axum::Router<DemoState> {
    EMULATED
        .iter()
        .fold(axum::Router::new(), |router, emulator| {
            router.nest(emulator.prefix, (emulator.routes)())
        })
}
