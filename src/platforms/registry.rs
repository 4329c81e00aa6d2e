//! The platform registry: every platform shopterm knows, as one [`PlatformId`] and one
//! [`Platform`] descriptor each — the name profiles and `--platform` spell, how its customers sign
//! in, how its connector is built, what it can do. The CLI, the config parser, the connection code
//! and the demo all read this table, so adding a platform is its folder plus one row in
//! [`PLATFORMS`] (and, for the demo, one row in `crate::demo::emulators::EMULATED`).

use crate::auth::AuthError;
use crate::auth::TokenSource;
use crate::auth::password::PasswordSignIn;
use crate::shop::{Capabilities, Feature, Identity, Shop};
use std::fmt;
use std::sync::{Arc, LazyLock};
use url::Url;

/// A platform shopterm has a connector for. Its position in [`PLATFORMS`] is its discriminant
/// (checked when compiling), so looking up a descriptor cannot fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlatformId {
    CustomerApi,
    Spryker,
    Centra,
    AbanteCart,
    Shoptet,
}

/// How a platform's customers sign in.
#[derive(Clone, Copy)]
pub enum SignIn {
    /// OAuth 2.0 in the browser (or with a device code), or API client credentials.
    Browser,
    /// E-mail (or login name) and password at the shop's own API.
    Password(&'static dyn PasswordSignIn),
    /// A member of the shop's staff with a private API token, which `shopterm login` asks for
    /// in the password's place (no echo, or `--token-stdin`).
    StaffToken(&'static dyn PasswordSignIn),
}

/// Builds a platform's connector for the shop at a URL.
pub type Connect = fn(Url, reqwest::Client, Arc<dyn TokenSource>) -> Arc<dyn Shop>;

/// Everything the rest of shopterm needs to know about one platform.
pub struct Platform {
    pub id: PlatformId,
    /// The name in profiles (`platform = "spryker"`) and on the command line.
    pub name: &'static str,
    /// The name shown to people ("Spryker").
    pub label: &'static str,
    pub sign_in: SignIn,
    pub connect: Connect,
    /// What the connector offers (see [`crate::shop::Capabilities`]).
    pub features: &'static [Feature],
}

/// A platform's `features`, joined at compile time from groups (`Feature::ORDER_HISTORY`) and
/// lists of single features, so the groups several platforms share are written once.
macro_rules! features {
    ($($group:expr),+ $(,)?) => {{
        const GROUPS: &[&[$crate::shop::Feature]] = &[$(&$group),+];
        const COUNT: usize = {
            let mut count = 0;
            let mut i = 0;
            while i < GROUPS.len() {
                count += GROUPS[i].len();
                i += 1;
            }
            count
        };
        const JOINED: [$crate::shop::Feature; COUNT] = {
            let mut joined = [$crate::shop::Feature::EditAccount; COUNT];
            let (mut at, mut group) = (0, 0);
            while group < GROUPS.len() {
                let mut i = 0;
                while i < GROUPS[group].len() {
                    joined[at] = GROUPS[group][i];
                    at += 1;
                    i += 1;
                }
                group += 1;
            }
            joined
        };
        &JOINED
    }};
}
pub(crate) use features;

/// Every platform, in the order help texts list them.
pub const PLATFORMS: &[Platform] = &[
    super::customer_api::PLATFORM,
    super::spryker::PLATFORM,
    super::centra::PLATFORM,
    super::abantecart::PLATFORM,
    super::shoptet::PLATFORM,
];

// Each row sits at its id's discriminant: `PlatformId::platform` indexes by it.
const _: () = {
    let mut i = 0;
    while i < PLATFORMS.len() {
        assert!(
            PLATFORMS[i].id as usize == i,
            "PLATFORMS is not in PlatformId order"
        );
        i += 1;
    }
};

/// Every id, in the table's order (for clap's list of possible values).
const ALL: [PlatformId; PLATFORMS.len()] = {
    let mut ids = [PlatformId::CustomerApi; PLATFORMS.len()];
    let mut i = 0;
    while i < PLATFORMS.len() {
        ids[i] = PLATFORMS[i].id;
        i += 1;
    }
    ids
};

impl PlatformId {
    /// The platform new profiles get.
    pub const DEFAULT: PlatformId = PlatformId::CustomerApi;

    pub const fn platform(self) -> &'static Platform {
        &PLATFORMS[self as usize]
    }

    pub const fn name(self) -> &'static str {
        self.platform().name
    }

    pub fn label(self) -> &'static str {
        self.platform().label
    }

    pub fn capabilities(self) -> Capabilities {
        Capabilities::new(self.platform().features.iter().copied())
    }

    /// The label and capabilities every connector of this platform answers with
    /// ([`Shop::identity`]), built once.
    pub fn identity(self) -> &'static Identity {
        static IDENTITIES: LazyLock<Vec<Identity>> = LazyLock::new(|| {
            PLATFORMS
                .iter()
                .map(|platform| Identity {
                    label: platform.label,
                    capabilities: platform.id.capabilities(),
                })
                .collect()
        });
        &IDENTITIES[self as usize]
    }

    /// The platform profiles call `name`; the error lists the known names.
    pub fn from_name(name: &str) -> Result<PlatformId, UnknownPlatform> {
        PLATFORMS
            .iter()
            .find(|platform| platform.name == name)
            .map(|platform| platform.id)
            .ok_or_else(|| UnknownPlatform(name.to_owned()))
    }

    /// How this platform signs in with a password; an error for browser platforms.
    pub fn password_sign_in(self) -> Result<&'static dyn PasswordSignIn, AuthError> {
        match self.platform().sign_in {
            SignIn::Password(sign_in) | SignIn::StaffToken(sign_in) => Ok(sign_in),
            SignIn::Browser => Err(AuthError::Config(format!(
                "the platform {self} signs in through the browser, not with a password"
            ))),
        }
    }

    pub fn uses_password(self) -> bool {
        matches!(self.platform().sign_in, SignIn::Password(_))
    }

    /// Why customers of this platform cannot create an account here, for the sign-in screen and
    /// `shopterm register`; `None` where the connector offers [`Feature::SignUp`].
    pub fn why_no_sign_up(self) -> Option<&'static str> {
        if self.capabilities().supports(Feature::SignUp) {
            return None;
        }
        Some(match self {
            PlatformId::CustomerApi => {
                "the Customer API has no sign-up call: create the account on the shop's website, \
                 then sign in here"
            }
            PlatformId::Shoptet => {
                "shopterm signs in to Shoptet as the shop's staff: customers create their \
                 accounts on the shop's website"
            }
            _ => "this shop's platform has no sign-up call",
        })
    }

    /// The connector for the shop at `shop_url`.
    pub fn connector(
        self,
        shop_url: &Url,
        http: &reqwest::Client,
        tokens: Arc<dyn TokenSource>,
    ) -> Arc<dyn Shop> {
        (self.platform().connect)(shop_url.clone(), http.clone(), tokens)
    }
}

/// The platforms that sign in with a password, for hints ("--platform spryker|centra|…").
pub fn password_platforms() -> impl Iterator<Item = &'static Platform> {
    PLATFORMS
        .iter()
        .filter(|platform| platform.id.uses_password())
}

/// Every platform's name, for error messages and help.
pub fn names() -> impl Iterator<Item = &'static str> {
    PLATFORMS.iter().map(|platform| platform.name)
}

/// A platform name that is not in [`PLATFORMS`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown platform {0:?} (known: {known})", known = names().collect::<Vec<_>>().join(", "))]
pub struct UnknownPlatform(pub String);

impl From<UnknownPlatform> for AuthError {
    fn from(error: UnknownPlatform) -> AuthError {
        AuthError::Config(error.to_string())
    }
}

impl Default for PlatformId {
    fn default() -> PlatformId {
        PlatformId::DEFAULT
    }
}

impl fmt::Display for PlatformId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for PlatformId {
    type Err = UnknownPlatform;

    fn from_str(name: &str) -> Result<PlatformId, UnknownPlatform> {
        PlatformId::from_name(name)
    }
}

// As profiles spell it: the name, so config files written before the registry read the same.
impl serde::Serialize for PlatformId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for PlatformId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<PlatformId, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        PlatformId::from_name(&name).map_err(serde::de::Error::custom)
    }
}

impl clap::ValueEnum for PlatformId {
    fn value_variants<'a>() -> &'a [PlatformId] {
        &ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let value = clap::builder::PossibleValue::new(self.name());
        // Command-line words are kebab-case elsewhere (`--token-stdin`): both spellings work.
        Some(match self {
            PlatformId::CustomerApi => value.alias("customer-api"),
            _ => value,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_takes_customer_api_in_kebab_case_too() {
        use clap::ValueEnum;
        for spelling in ["customer_api", "customer-api"] {
            assert_eq!(
                PlatformId::from_str(spelling, false),
                Ok(PlatformId::CustomerApi)
            );
        }
        assert!(PlatformId::from_str("spry-ker", false).is_err());
    }

    #[test]
    fn features_joins_its_groups_in_order() {
        let joined: &[Feature] = features![[Feature::EditAccount], Feature::PASSWORDS, []];
        assert_eq!(
            joined,
            [
                Feature::EditAccount,
                Feature::ChangePassword,
                Feature::ForgottenPassword,
                Feature::ResetPassword,
            ]
        );
        let centra = PlatformId::Centra.capabilities();
        assert!(Feature::ORDER_HISTORY.iter().all(|f| centra.supports(*f)));
        assert!(!centra.supports(Feature::AddressBook));
    }

    #[test]
    fn names_round_trip_and_unknown_ones_list_the_known() {
        for platform in PLATFORMS {
            assert_eq!(PlatformId::from_name(platform.name), Ok(platform.id));
            assert_eq!(platform.id.to_string(), platform.name);
        }
        let error = PlatformId::from_name("magento").unwrap_err().to_string();
        assert_eq!(
            error,
            "unknown platform \"magento\" (known: customer_api, spryker, centra, abantecart, shoptet)"
        );
    }

    #[test]
    fn only_the_customer_api_signs_in_in_the_browser() {
        assert!(PlatformId::CustomerApi.password_sign_in().is_err());
        for id in [
            PlatformId::Spryker,
            PlatformId::Centra,
            PlatformId::AbanteCart,
        ] {
            assert!(id.password_sign_in().is_ok(), "{id}");
        }
        assert_eq!(
            password_platforms()
                .map(|platform| platform.name)
                .collect::<Vec<_>>(),
            ["spryker", "centra", "abantecart"]
        );
    }

    #[test]
    fn a_connector_reports_its_platforms_label_and_capabilities() {
        let url = Url::parse("https://shop.example").unwrap();
        for platform in PLATFORMS {
            let shop = platform.id.connector(
                &url,
                &reqwest::Client::new(),
                Arc::new(crate::auth::NoToken),
            );
            assert_eq!(shop.platform(), platform.label);
            assert_eq!(shop.capabilities(), &platform.id.capabilities());
        }
    }
}
