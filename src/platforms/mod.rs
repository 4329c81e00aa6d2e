//! Platform connectors: each translates one shop platform's API to the domain model behind the
//! [`crate::shop::Shop`] trait. Each platform other than the Customer API also has an emulator in
//! the demo shop (`crate::demo::emulators`), which shares only the platform's `wire` types (and
//! small format helpers beside them) with the connector; nothing here depends on the demo.
//!
//! Adding a platform: a folder with `wire.rs` (the vendor's shapes) and `client.rs` (`impl Shop`,
//! and `impl PasswordSignIn` for password platforms); then one line in each function below, and
//! for the demo an emulator in `src/demo/emulators/`.

use crate::auth::AuthError;
use crate::auth::TokenSource;
use crate::auth::password::PasswordSignIn;
use crate::shop::Shop;
use std::sync::Arc;
use url::Url;

pub mod abantecart;
pub mod centra;
pub mod common;
pub mod customer_api;
pub mod shoptet;
pub mod spryker;

/// Every platform shopterm knows, by the name profiles use.
pub const PLATFORMS: &[&str] = &[
    customer_api::NAME,
    spryker::NAME,
    centra::NAME,
    abantecart::NAME,
    shoptet::NAME,
];

/// The connector for `platform` at `shop_url`.
pub fn connector(
    platform: &str,
    shop_url: &Url,
    http: &reqwest::Client,
    tokens: Arc<dyn TokenSource>,
) -> Result<Arc<dyn Shop>, AuthError> {
    Ok(match platform {
        customer_api::NAME => Arc::new(customer_api::CustomerApiShop::new(
            shop_url.clone(),
            http.clone(),
            tokens,
        )),
        spryker::NAME => Arc::new(spryker::SprykerShop::new(
            shop_url.clone(),
            http.clone(),
            tokens,
        )),
        centra::NAME => Arc::new(centra::CentraShop::new(
            shop_url.clone(),
            http.clone(),
            tokens,
        )),
        abantecart::NAME => Arc::new(abantecart::AbanteCartShop::new(
            shop_url.clone(),
            http.clone(),
            tokens,
        )),
        shoptet::NAME => Arc::new(shoptet::ShoptetShop::new(
            shop_url.clone(),
            http.clone(),
            tokens,
        )),
        other => return Err(unknown_platform(other)),
    })
}

/// How a password platform signs in; an error for platforms that sign in otherwise.
pub fn password_sign_in(platform: &str) -> Result<&'static dyn PasswordSignIn, AuthError> {
    match platform {
        spryker::NAME => Ok(&spryker::SprykerSignIn),
        centra::NAME => Ok(&centra::CentraSignIn),
        abantecart::NAME => Ok(&abantecart::AbanteCartSignIn),
        customer_api::NAME => Err(AuthError::Config(format!(
            "the platform {platform} signs in through the browser, not with a password"
        ))),
        // The staff token takes the password's place (`shopterm login` asks for it as such).
        shoptet::NAME => Ok(&shoptet::ShoptetSignIn),
        other => Err(unknown_platform(other)),
    }
}

fn unknown_platform(platform: &str) -> AuthError {
    AuthError::Config(format!(
        "unknown platform {platform:?} (known: {})",
        PLATFORMS.join(", ")
    ))
}
