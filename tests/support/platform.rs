//! The password platforms (Spryker, Centra, AbanteCart) as their tests see them: one row each in
//! [`PASSWORD_PLATFORMS`], and a [`PlatformSetup`] that starts the demo shop with the platform's
//! emulator, gives shopterm a sandbox of its directories and a profile for it, and signs in
//! through the library the way `shopterm login --platform …` does. The contract suite
//! (tests/platform_contract.rs) runs over the table; each `tests/platform_<name>.rs` uses its row.

use super::demo::{buyer, spawn_demo};
use super::sandbox::paths;
use secrecy::{ExposeSecret, SecretString};
use shopterm::auth::{AuthError, StaticToken, StoredTokens, TokenStore};
use shopterm::config::Profile;
use shopterm::connection;
use shopterm::demo::RunningDemo;
use shopterm::demo::store::{CustomerKey, Store};
use shopterm::model::OrderLine;
use shopterm::paths::Paths;
use shopterm::shop::{Shop, ShopError, ShopResult};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// A password platform and what its tests rely on.
pub struct PasswordPlatform {
    /// Its name in config.toml and on the command line (`--platform …`).
    pub name: &'static str,
    /// What the connector calls it (`Shop::platform`).
    pub label: &'static str,
    /// Where the demo shop serves its API.
    pub path: &'static str,
    /// Every feature the connector declares, in `Feature`'s order, space-separated.
    pub features: &'static str,
    /// An account field the platform has no place for: an edit that sets it is refused, naming it.
    pub unkept_account_field: &'static str,
}

pub const SPRYKER: PasswordPlatform = PasswordPlatform::at("spryker", "Spryker", "/spryker")
    .declaring(
        "EditAccount Addresses AddressBook DefaultAddresses OrderHistory OrderDetail Shipments \
         ChangePassword ForgottenPassword ResetPassword",
    )
    .without("phone");

pub const CENTRA: PasswordPlatform =
    PasswordPlatform::at("centra", "Centra", "/centra/api/checkout")
        .declaring(
            "EditAccount Addresses OrderHistory OrderDetail Shipments ChangePassword \
             ForgottenPassword ResetPassword AccountPhoneAndCompany AddressRegion",
        )
        .without("company");

pub const ABANTECART: PasswordPlatform =
    PasswordPlatform::at("abantecart", "AbanteCart", "/abantecart")
        .declaring("EditAccount OrderHistory AccountPhoneAndCompany")
        .without("company");

impl PasswordPlatform {
    const fn at(name: &'static str, label: &'static str, path: &'static str) -> PasswordPlatform {
        PasswordPlatform {
            name,
            label,
            path,
            features: "",
            unkept_account_field: "",
        }
    }

    const fn declaring(self, features: &'static str) -> PasswordPlatform {
        PasswordPlatform { features, ..self }
    }

    const fn without(self, unkept_account_field: &'static str) -> PasswordPlatform {
        PasswordPlatform {
            unkept_account_field,
            ..self
        }
    }
}

pub const PASSWORD_PLATFORMS: [&PasswordPlatform; 3] = [&SPRYKER, &CENTRA, &ABANTECART];

/// The profile every setup signs in under.
pub const PROFILE: &str = "test-shop";

/// One platform's emulator in a demo shop (its own, or one shared with other platforms), with a
/// sandbox of shopterm's directories.
pub struct PlatformSetup {
    pub demo: Arc<RunningDemo>,
    pub dir: tempfile::TempDir,
    pub paths: Paths,
    pub profile: Profile,
    pub http: reqwest::Client,
}

impl PlatformSetup {
    /// One-hour tokens.
    pub async fn new(platform: &PasswordPlatform) -> PlatformSetup {
        PlatformSetup::with_ttl(platform, Duration::from_secs(3600)).await
    }

    pub async fn with_ttl(platform: &PasswordPlatform, ttl: Duration) -> PlatformSetup {
        PlatformSetup::sharing(&Arc::new(spawn_demo(ttl).await), platform)
    }

    /// The platform's emulator in `demo`, which other setups may use too (each has its own
    /// sandbox and signs in on its own).
    pub fn sharing(demo: &Arc<RunningDemo>, platform: &PasswordPlatform) -> PlatformSetup {
        let demo = demo.clone();
        let shop_url = format!("{}{}", demo.base_url, platform.path);
        let dir = tempfile::tempdir().expect("temp dir");
        let mut profile = Profile::new(Url::parse(&shop_url).expect("shop URL"));
        profile.platform = platform.name.parse().expect("a known platform");
        let http = profile.http_client().expect("HTTP client");
        PlatformSetup {
            paths: paths(dir.path()),
            demo,
            dir,
            profile,
            http,
        }
    }

    /// The same, with the profile pointing at `shop_url` instead (a proxy in front of the
    /// emulator).
    pub fn through(mut self, shop_url: &str) -> PlatformSetup {
        self.profile.shop_url = Url::parse(shop_url).expect("shop URL");
        self
    }

    pub fn shop_url(&self) -> String {
        self.profile
            .shop_url
            .as_str()
            .trim_end_matches('/')
            .to_owned()
    }

    /// `connection::password_sign_in` under [`PROFILE`], as `shopterm login` does.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
    ) -> Result<connection::SignedIn, AuthError> {
        connection::password_sign_in(
            &self.paths,
            PROFILE,
            &self.profile,
            &self.http,
            email,
            &secret(password),
        )
        .await
    }

    /// The buyer signed in; panics when the shop refuses.
    pub async fn sign_in_buyer(&self) -> connection::SignedIn {
        let login = buyer();
        self.sign_in(&login.email, &login.password)
            .await
            .unwrap_or_else(|e| panic!("{}: the buyer signs in: {e}", self.profile.platform))
    }

    /// The connector from the stored tokens, as a later process gets it.
    pub fn connect(&self) -> Arc<dyn Shop> {
        connection::connect(&self.paths, PROFILE, &self.profile)
            .unwrap_or_else(|e| panic!("{}: connect: {e}", self.profile.platform))
            .shop
    }

    /// The buyer signed in, and the connector a later process gets.
    pub async fn buyer_shop(&self) -> Arc<dyn Shop> {
        self.sign_in_buyer().await;
        self.connect()
    }

    pub fn token_file(&self) -> PathBuf {
        self.paths
            .state_dir
            .join("tokens")
            .join(format!("{PROFILE}.json"))
    }

    pub fn stored(&self) -> Option<StoredTokens> {
        TokenStore::new(&self.paths.state_dir)
            .load(PROFILE)
            .expect("the token store reads")
    }

    /// The stored access token; panics when nothing is stored.
    pub fn access_token(&self) -> String {
        self.stored()
            .expect("tokens are stored")
            .access_token
            .expose_secret()
            .to_owned()
    }

    /// The account as the shop answers it to `access_token` alone (no refresh, no sign-in).
    pub async fn account_with(&self, access_token: &str) -> Result<String, ShopError> {
        let token = Arc::new(StaticToken(secret(access_token)));
        let shop = connection::make_shop(&self.profile, &self.http, token).expect("connector");
        shop.account().await.map(|account| account.email)
    }

    /// Runs `call` on the demo store with the buyer's key, off the async threads.
    pub async fn with_buyer_in_store<T: Send + 'static>(
        &self,
        call: impl FnOnce(&Store, CustomerKey) -> ShopResult<T> + Send + 'static,
    ) -> T {
        let login = buyer();
        self.in_store(move |store| {
            let key = store.verify_password(&login.email, &login.password)?;
            call(store, key.expect("the buyer's password is right"))
        })
        .await
        .expect("the store reads")
    }

    /// Runs `call` on the demo store off the async threads.
    pub async fn in_store<T: Send + 'static>(
        &self,
        call: impl FnOnce(&Store) -> T + Send + 'static,
    ) -> T {
        let store = self.demo.state.store.clone();
        tokio::task::spawn_blocking(move || call(&store))
            .await
            .expect("store task")
    }
}

pub fn secret(text: &str) -> SecretString {
    SecretString::from(text.to_owned())
}

/// The fields a validation error names (empty for any other error).
pub fn field_names(error: &ShopError) -> Vec<String> {
    match error {
        ShopError::Validation { fields, .. } => fields.iter().map(|f| f.field.clone()).collect(),
        _ => Vec::new(),
    }
}

/// Asserts that an order's lines read as the store keeps them, one by one.
#[track_caller]
pub fn assert_same_lines(read: &[OrderLine], kept: &[OrderLine]) {
    assert_eq!(read.len(), kept.len(), "{read:?}");
    for (line, expected) in read.iter().zip(kept) {
        assert_eq!(
            (&line.code, &line.name, line.quantity),
            (&expected.code, &expected.name, expected.quantity)
        );
        assert_eq!(
            (&line.unit_price, &line.line_total),
            (&expected.unit_price, &expected.line_total),
            "{}",
            line.code
        );
    }
}
