//! The demo shop's emulators of other platforms' APIs: each serves one platform's API, with that
//! platform's own rules (paths, error shapes, sign-in), over the demo store, so tests and
//! `shopterm demo --platform X` run without the real shop. An emulator shares only the platform's
//! `wire` types with its connector in `crate::platforms`, so a mistake in one shows up against
//! the other instead of being copied into both.

use super::state::DemoState;
use crate::platforms;

pub mod abantecart;
pub mod centra;
pub mod shoptet;
pub mod spryker;

/// The platforms the demo shop emulates, and where: `(name, path prefix)`. The Customer API is
/// served at the root.
pub const EMULATED: &[(&str, &str)] = &[
    (platforms::spryker::NAME, spryker::PREFIX),
    (platforms::centra::NAME, centra::PREFIX),
    (platforms::abantecart::NAME, abantecart::PREFIX),
    (platforms::shoptet::NAME, shoptet::PREFIX),
];

/// The emulators' routes, each under its prefix, for the demo shop's router.
pub fn routes() -> axum::Router<DemoState> {
    axum::Router::new()
        .nest(spryker::PREFIX, spryker::routes())
        .nest(centra::PREFIX, centra::routes())
        .nest(abantecart::PREFIX, abantecart::routes())
        .nest(shoptet::PREFIX, shoptet::routes())
}
