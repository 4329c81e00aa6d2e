//! The password platforms (Spryker, Centra, AbanteCart) as their tests see them: the registry's
//! password platforms ([`password_platforms`]), each with a row of what its tests expect, and a
//! [`PlatformSetup`] that starts the demo shop with the platform's emulator, gives shopterm a
//! sandbox of its directories and a profile for it, and signs in through the library the way
//! `shopterm login --platform …` does. The contract suite (tests/platform_contract.rs) runs over
//! [`password_platforms`]; each `tests/platform_<name>.rs` uses its row.

use super::demo::{buyer, spawn_demo};
use super::sandbox::paths;
use secrecy::{ExposeSecret, SecretString};
use shopterm::auth::{AuthError, StaticToken, StoredTokens, TokenStore};
use shopterm::config::Profile;
use shopterm::connection;
use shopterm::demo::RunningDemo;
use shopterm::demo::emulators::prefix_of;
use shopterm::demo::store::{CustomerKey, Store};
use shopterm::model::{
    Availability, NewOrder, NewOrderLine, OrderLine, PageRequest, ProductCode, ProductQuery,
};
use shopterm::paths::Paths;
use shopterm::platforms::{PlatformId, registry};
use shopterm::shop::{Shop, ShopError, ShopResult};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// What the tests expect of a password platform, beside what the registry says of it: the
/// registry names the platform and builds its connector; these rows pin down what the
/// connector must then do, so a change to the registry's descriptor shows as a failing test.
pub struct PasswordPlatform {
    pub id: PlatformId,
    /// Every feature the connector declares, in `Feature`'s order, space-separated.
    pub features: &'static str,
    /// An account field the platform has no place for: an edit that sets it is refused, naming it.
    pub unkept_account_field: &'static str,
}

pub const SPRYKER: PasswordPlatform = PasswordPlatform {
    id: PlatformId::Spryker,
    features: "EditAccount Addresses AddressBook DefaultAddresses OrderHistory OrderDetail \
               Shipments ChangePassword ForgottenPassword ResetPassword ProductLookup PlaceOrder \
               IdempotentOrders ShoppingLists SignUp DeleteAccount Salutation",
    unkept_account_field: "phone",
};

pub const CENTRA: PasswordPlatform = PasswordPlatform {
    id: PlatformId::Centra,
    features: "EditAccount Addresses OrderHistory OrderDetail Shipments ChangePassword \
               ForgottenPassword ResetPassword ProductLookup PlaceOrder AccountPhone \
               AddressRegion OrderListStatus OrderListItems OrderListPayment ShopCart PaymentPage \
               SignUp",
    unkept_account_field: "company",
};

pub const ABANTECART: PasswordPlatform = PasswordPlatform {
    id: PlatformId::AbanteCart,
    features: "EditAccount OrderHistory ProductLookup PlaceOrder AccountPhone \
               OrderListStatus OrderListItems SignUp",
    unkept_account_field: "company",
};

const PASSWORD_PLATFORM_ROWS: [&PasswordPlatform; 3] = [&SPRYKER, &CENTRA, &ABANTECART];

impl PasswordPlatform {
    /// Its name in config.toml and on the command line (`--platform …`), from the registry.
    pub fn name(&self) -> &'static str {
        self.id.name()
    }

    /// What the connector calls it (`Shop::platform`), from the registry.
    pub fn label(&self) -> &'static str {
        self.id.label()
    }

    /// Where the demo shop serves its API, from the demo's table of emulators.
    pub fn path(&self) -> &'static str {
        prefix_of(self.id)
    }
}

/// Every platform of the registry (`shopterm::platforms::PLATFORMS`) whose customers sign in
/// with a password, in the registry's order, each with its row above. A password platform added
/// to the registry without a row here fails every contract test, naming it, rather than
/// going untested; a row for a platform that no longer signs in with a password fails too.
pub fn password_platforms() -> Vec<&'static PasswordPlatform> {
    let platforms: Vec<&'static PasswordPlatform> = registry::password_platforms()
        .map(|platform| {
            PASSWORD_PLATFORM_ROWS
                .into_iter()
                .find(|row| row.id == platform.id)
                .unwrap_or_else(|| {
                    panic!(
                        "{}: a password platform in the registry with no row in \
                         tests/support/platform.rs",
                        platform.name
                    )
                })
        })
        .collect();
    for row in PASSWORD_PLATFORM_ROWS {
        assert!(
            platforms.iter().any(|platform| platform.id == row.id),
            "{}: a row in tests/support/platform.rs, but the registry does not sign it in \
             with a password",
            row.name()
        );
    }
    platforms
}

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
        let shop_url = format!("{}{}", demo.base_url, platform.path());
        let dir = tempfile::tempdir().expect("temp dir");
        let mut profile = Profile::new(Url::parse(&shop_url).expect("shop URL"));
        profile.platform = platform.id;
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

/// A quick order of `lines` (code, quantity; no brand, no addresses) under `idempotency_key`.
pub fn quick_order(idempotency_key: &str, lines: &[(&str, u32)], note: Option<&str>) -> NewOrder {
    NewOrder {
        idempotency_key: idempotency_key.into(),
        lines: lines
            .iter()
            .map(|(code, quantity)| NewOrderLine {
                code: ProductCode((*code).into()),
                brand: None,
                quantity: *quantity,
            })
            .collect(),
        shipping_address: None,
        billing_address: None,
        note: note.map(str::to_owned),
    }
}

impl PlatformSetup {
    /// Three products sold by one brand each from the buyer's recent orders (code and brand),
    /// the first two stocked with 500, the third sold out.
    pub async fn stocked_products(&self) -> Vec<(String, String)> {
        let codes = self
            .with_buyer_in_store(|s, key| {
                let recent = s.orders(key, &PageRequest::first(20))?;
                let mut codes: Vec<(String, String)> = Vec::new();
                for summary in &recent.items {
                    for line in s.order(key, &summary.number)?.lines {
                        let query = ProductQuery {
                            codes: vec![line.code.clone()],
                            brand: None,
                        };
                        let one_brand = s.products(key, &query)?.len() == 1;
                        if one_brand && !codes.iter().any(|(c, _)| *c == line.code.as_str()) {
                            codes.push((line.code.to_string(), line.brand.clone()));
                        }
                    }
                }
                Ok(codes)
            })
            .await;
        assert!(
            codes.len() >= 3,
            "three products in the demo's recent orders"
        );
        let chosen: Vec<(String, String)> = codes.into_iter().take(3).collect();
        let stocked = chosen.clone();
        self.in_store(move |s| {
            for (at, (code, brand)) in stocked.iter().enumerate() {
                let stock = if at == 2 { 0 } else { 500 };
                s.set_product(&ProductCode(code.clone()), brand, None, Some(stock))
                    .expect("stock set");
            }
        })
        .await;
        chosen
    }

    /// `shop`'s lookup of the [`PlatformSetup::stocked_products`] and an unknown code: the three
    /// found in order (the unknown one absent), the first at the buyer's price with its stock of
    /// 500, the third sold out.
    pub async fn check_product_lookup(&self, shop: &dyn Shop, products: &[(String, String)]) {
        let [(first, _), (second, _), (sold_out, _)] = products else {
            panic!("three products");
        };
        let query = ProductQuery {
            codes: [first, second, sold_out, "NO-SUCH-PRODUCT"]
                .iter()
                .map(|c| ProductCode((*c).to_owned()))
                .collect(),
            brand: None,
        };
        let found = shop.products(&query).await.expect("the lookup");
        let codes: Vec<&str> = found.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(
            codes,
            [first, second, sold_out],
            "the unknown code is absent"
        );
        let in_store = self
            .with_buyer_in_store({
                let query = ProductQuery {
                    codes: vec![ProductCode(first.clone())],
                    brand: None,
                };
                move |s, key| s.products(key, &query)
            })
            .await;
        assert_eq!(found[0].price, in_store[0].price, "the buyer's price");
        assert_eq!(
            found[0].availability,
            Availability::InStock {
                quantity: Some(500)
            }
        );
        assert_eq!(found[2].availability, Availability::OutOfStock);
    }
}
