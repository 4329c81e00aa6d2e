//! From `--profile` to a signed-in shop, and shop errors worded with that shop's name and what to
//! do next.

use super::exit::{CliResult, Failure, config_failure, status_of};
use shopterm::auth::AuthError;
use shopterm::cli::{ExitStatus, ProfileArgs};
use shopterm::config::Config;
use shopterm::connection;
use shopterm::model::{OrderDetail, OrderNumber};
use shopterm::paths::Paths;
use shopterm::shop::{Feature, Shop, ShopError};
use std::sync::Arc;

/// The command's `--profile`, else the one given before the command (`shopterm -p P orders`).
pub fn or_global(args: &mut ProfileArgs, global: &Option<String>) {
    if args.profile.is_none() {
        args.profile.clone_from(global);
    }
}

/// A signed-in shop of one profile, and how to word its errors.
pub struct Ctx {
    pub name: String,
    pub host: String,
    pub shop: Arc<dyn Shop>,
}

pub fn connect(profile_args: &ProfileArgs, paths: &Paths) -> CliResult<Ctx> {
    let (name, host, connection) = open_profile(profile_args.profile.as_deref(), paths)?;
    let shop = match &profile_args.customer {
        Some(customer) => connection::shop_for_customer(&connection, customer).map_err(|e| {
            Failure::new(ExitStatus::Usage, format!("{host} (profile {name}): {e}"))
        })?,
        None => connection.shop,
    };
    Ok(Ctx { name, host, shop })
}

/// The profile's name, its shop's host and its connection with the stored tokens; a failure
/// says what to do (sign in again, for one).
pub fn open_profile(
    profile: Option<&str>,
    paths: &Paths,
) -> CliResult<(String, String, connection::Connection)> {
    let config = Config::load(paths).map_err(config_failure)?;
    let (name, profile) = config.resolve(profile, paths).map_err(config_failure)?;
    let host = profile.display_host();
    let connection = match connection::connect(paths, &name, &profile) {
        Ok(connection) => connection,
        Err(error) => {
            let status = match &error {
                AuthError::Shop(shop) => status_of(shop),
                AuthError::Network(_) => ExitStatus::Network,
                AuthError::Denied { .. } | AuthError::Refused { .. } => ExitStatus::NotSignedIn,
                AuthError::Config(message) if message.contains("not supported") => {
                    ExitStatus::Unsupported
                }
                _ => ExitStatus::Failure,
            };
            let mut message = format!("{host} (profile {name}): {error}");
            if status == ExitStatus::NotSignedIn {
                message.push_str(&format!("\nsign in with `shopterm login --profile {name}`"));
            }
            return Err(Failure::new(status, message));
        }
    };
    Ok((name, host, connection))
}

impl Ctx {
    /// A shop error, worded with the shop's name and what to do next.
    pub fn fail(&self, error: ShopError) -> Failure {
        let status = status_of(&error);
        let message = match &error {
            ShopError::NotSignedIn | ShopError::SessionExpired => format!(
                "{}: {error}\nsign in with `shopterm login --profile {}`",
                self.host, self.name
            ),
            ShopError::Unsupported(feature) => format!(
                "{} is not available on this shop ({}, a {} shop)",
                feature.describe(),
                self.host,
                self.shop.platform()
            ),
            _ => format!("{}: {error}", self.host),
        };
        Failure::new(status, message)
    }

    /// One of the customer's orders; "no order N for this customer" when the shop has none.
    pub async fn order(&self, number: &OrderNumber) -> Result<OrderDetail, Failure> {
        self.shop.order(number).await.map_err(|e| match e {
            ShopError::NotFound(_) => Failure::new(
                ExitStatus::NotFound,
                format!("{}: no order {number} for this customer", self.host),
            ),
            other => self.fail(other),
        })
    }

    pub fn require(&self, feature: Feature) -> CliResult {
        self.shop
            .capabilities()
            .require(feature)
            .map_err(|e| self.fail(e))
    }
}
