//! Profiles: which shops shopterm knows and how to sign in to each, in `config.toml` under the
//! config directory (`~/.config/shopterm/config.toml`, or `$SHOPTERM_CONFIG_DIR`).
//!
//! ```toml
//! default_profile = "shop.example"
//!
//! [profiles."shop.example"]
//! shop_url = "https://shop.example"
//! platform = "customer_api"           # the default; or spryker, centra, abantecart
//! # issuer = "https://login.example"  # when sign-in lives on a separate OAuth server
//! # client_id = "shopterm"            # the default
//! # scope = "openid offline_access"   # default: what the server's metadata suggests
//! # ca_file = "/etc/ssl/corp-ca.pem"  # extra CA (PEM) to trust for this shop
//! # token_storage = "keyring"         # this profile's tokens in the OS keyring
//! # prompt = "consent"                # default: consent when asking for offline_access; "" none
//! # callback_port = 8765              # fixed loopback port for the redirect (ssh -L users)
//!
//! [profiles."scripts"]
//! shop_url = "https://shop.example"
//! auth = { kind = "client_credentials", api_client_id = "abc123", secret_file = "/home/me/.shop-secret" }
//! ```
//!
//! `token_storage = "keyring"` at the top (all profiles) or in a profile keeps tokens in the OS
//! keyring instead of a 0600 file under the state directory (`"file"`, the default); where no
//! keyring service runs (headless Linux), shopterm says so and uses the file.
//!
//! `[theme]` picks the TUI's colours: `name = "auto"` (the default: dark or light from
//! `COLORFGBG` where the terminal sets it, else a palette readable on both), `"dark"` or
//! `"light"`, plus any slot overridden (`key = "#005f87"`, `dim = "244"`, `warn = "light_red"`;
//! slots: text, dim, title, key, ok, warn, error, active_tab).
//!
//! `[keys]` rebinds the TUI's commands, one table per context (`[keys.orders]`, `[keys.global]`,
//! …): `reload = "ctrl-r"`, `move_down = ["J", "down"]`, `quit = []` (unbound). The key syntax
//! is [`parse_key`]'s; the names of contexts and commands are `tui::keys`'s, which checks them when
//! the TUI starts (README, "Keys").
//!
//! No secret is ever kept here: tokens live in the token store, API client secrets in
//! `SHOPTERM_CLIENT_SECRET` or a 0600 file the profile names. Saving rewrites the file (comments
//! are not kept).

use crate::auth::store::{StoreError, validate_profile_name, write_private_file_atomically};
use crate::paths::Paths;
use crate::platforms::PlatformId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use url::{Host, Url};

mod keys;
mod theme;

pub use keys::{KeyList, KeysConfig, Source, parse_key};
pub use theme::{SLOTS, ThemeConfig, ThemeError, ThemeName, parse_colour};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    /// A `[keys]` entry; the message names the file and line.
    #[error("{message}")]
    Keys { message: String },
    #[error("cannot save the configuration: {0}")]
    Write(#[from] StoreError),
    #[error("no profile named {name:?} in {path}{}", known_list(.known))]
    UnknownProfile {
        name: String,
        path: PathBuf,
        known: Vec<String>,
    },
    #[error(
        "no shop is set up yet: run `shopterm login SHOP_URL` (or `shopterm login http://127.0.0.1:PORT` for a running demo shop)"
    )]
    NoProfiles,
    #[error("several profiles and no default: pick one with --profile{}", known_list(.0))]
    NoDefault(Vec<String>),
}

fn known_list(known: &[String]) -> String {
    if known.is_empty() {
        String::new()
    } else {
        format!(" (profiles: {})", known.join(", "))
    }
}

/// How a profile signs in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AuthKind {
    /// The person signs in: in the browser (authorization code + PKCE, or the device flow) on
    /// OAuth platforms, with e-mail and password on password platforms (Spryker, Centra,
    /// AbanteCart).
    #[default]
    #[serde(alias = "browser", alias = "password")]
    Interactive,
    /// A customer's API credentials and the `client_credentials` grant, for scripts.
    ClientCredentials {
        api_client_id: String,
        /// A file (mode 0600) holding the secret, when `SHOPTERM_CLIENT_SECRET` is not set.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        secret_file: Option<PathBuf>,
    },
}

impl AuthKind {
    fn is_interactive(&self) -> bool {
        matches!(self, AuthKind::Interactive)
    }
}

/// Where a profile's tokens are kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenStorage {
    /// A JSON file per profile under the state directory, mode 0600.
    #[default]
    File,
    /// The OS keyring (Secret Service on Linux); the file where there is none.
    Keyring,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub shop_url: Url,
    /// Spelt as [`crate::platforms::PLATFORMS`] names them; unset: the Customer API.
    #[serde(default)]
    pub platform: PlatformId,
    /// The OAuth server, when it is not the shop itself.
    pub issuer: Option<Url>,
    pub client_id: Option<String>,
    /// Space-separated scopes to ask for.
    pub scope: Option<String>,
    pub ca_file: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "AuthKind::is_interactive")]
    pub auth: AuthKind,
    /// Where this profile's tokens are kept; unset: the global `token_storage`.
    pub token_storage: Option<TokenStorage>,
    /// The browser sign-in's `prompt`; unset: `consent` when `offline_access` is asked for
    /// (OIDC Core §11), `""`: none sent.
    pub prompt: Option<String>,
    /// A fixed 127.0.0.1 port for the browser's redirect, so `ssh -L PORT:127.0.0.1:PORT` can
    /// carry it; unset: a free port each time.
    pub callback_port: Option<u16>,
}

impl Profile {
    pub fn new(shop_url: Url) -> Profile {
        Profile {
            shop_url,
            platform: PlatformId::DEFAULT,
            issuer: None,
            client_id: None,
            scope: None,
            ca_file: None,
            auth: AuthKind::Interactive,
            token_storage: None,
            prompt: None,
            callback_port: None,
        }
    }

    /// Whether the person signs in with e-mail and password at the shop's own API (rather than
    /// in the browser, or with API credentials).
    pub fn uses_password(&self) -> bool {
        matches!(self.auth, AuthKind::Interactive) && self.platform.uses_password()
    }

    /// Where to discover the sign-in: the profile's issuer, else the shop.
    pub fn issuer_url(&self) -> &Url {
        self.issuer.as_ref().unwrap_or(&self.shop_url)
    }

    pub fn client_id(&self) -> &str {
        self.client_id
            .as_deref()
            .unwrap_or(crate::auth::flow::DEFAULT_CLIENT_ID)
    }

    /// Explicit scopes, if the profile names any.
    pub fn scopes(&self) -> Option<Vec<String>> {
        self.scope
            .as_ref()
            .map(|s| s.split_whitespace().map(String::from).collect())
    }

    /// The shop's name in messages: host, and port when there is one.
    pub fn display_host(&self) -> String {
        host_port(&self.shop_url)
    }

    /// An HTTP client for this shop: the profile's CA file trusted, redirects off.
    pub fn http_client(&self) -> Result<reqwest::Client, crate::net::NetError> {
        crate::net::http_client(self.ca_file.as_deref())
    }
}

/// `host` or `host:port` (IPv6 without brackets), used as the default profile name.
pub fn host_port(url: &Url) -> String {
    let host = match url.host() {
        Some(Host::Ipv6(ip)) => ip.to_string(),
        Some(host) => host.to_string(),
        None => String::from("shop"),
    };
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    }
}

/// The profile name a shop URL gets when none is given.
pub fn profile_name_for(url: &Url) -> String {
    host_port(url)
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    pub default_profile: Option<String>,
    /// Where tokens are kept for profiles that do not say (default: file).
    pub token_storage: Option<TokenStorage>,
    #[serde(default, skip_serializing_if = "ThemeConfig::is_default")]
    pub theme: ThemeConfig,
    #[serde(default, skip_serializing_if = "KeysConfig::is_empty")]
    pub keys: KeysConfig,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

impl Config {
    pub fn path(paths: &Paths) -> PathBuf {
        paths.config_dir.join("config.toml")
    }

    /// The configuration; an empty one when the file does not exist yet.
    pub fn load(paths: &Paths) -> Result<Config, ConfigError> {
        Config::load_from(&Config::path(paths))
    }

    pub fn load_from(path: &Path) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        let config: Config = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        config.theme.check().map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        let mut config = config;
        config.keys.source = Source::new(path, &text);
        config
            .keys
            .check()
            .map_err(|message| ConfigError::Keys { message })?;
        for (name, profile) in &config.profiles {
            validate_profile_name(name).map_err(|e| ConfigError::Parse {
                path: path.to_owned(),
                message: e.to_string(),
            })?;
            if let Some(prompt) = &profile.prompt {
                crate::auth::flow::validate_prompt(prompt).map_err(|message| {
                    ConfigError::Parse {
                        path: path.to_owned(),
                        message: format!("profile {name:?}: {message}"),
                    }
                })?;
            }
            if profile.callback_port == Some(0) {
                return Err(ConfigError::Parse {
                    path: path.to_owned(),
                    message: format!(
                        "profile {name:?}: callback_port must be 1–65535 (leave it out for a free port)"
                    ),
                });
            }
        }
        Ok(config)
    }

    pub fn save(&self, paths: &Paths) -> Result<(), ConfigError> {
        let path = Config::path(paths);
        let text = toml::to_string_pretty(self).map_err(|e| ConfigError::Parse {
            path: path.clone(),
            message: e.to_string(),
        })?;
        write_private_file_atomically(&paths.config_dir, &path, text.as_bytes())?;
        Ok(())
    }

    /// The named profile, else the default one, else the only one.
    pub fn resolve(
        &self,
        name: Option<&str>,
        paths: &Paths,
    ) -> Result<(String, Profile), ConfigError> {
        let known = || self.profiles.keys().cloned().collect::<Vec<_>>();
        let name = match name.or(self.default_profile.as_deref()) {
            Some(name) => name.to_owned(),
            None => match self.profiles.len() {
                0 => return Err(ConfigError::NoProfiles),
                1 => self.profiles.keys().next().cloned().unwrap_or_default(),
                _ => return Err(ConfigError::NoDefault(known())),
            },
        };
        match self.profiles.get(&name) {
            Some(profile) => Ok((name, profile.clone())),
            None => Err(ConfigError::UnknownProfile {
                name,
                path: Config::path(paths),
                known: known(),
            }),
        }
    }

    /// Where the tokens of profile `name` go: `profile`'s own setting (the profile as the caller
    /// has it, which may not be saved yet), else that of the saved profile of that name, else
    /// the global one, else the file.
    pub fn token_storage_for(&self, name: &str, profile: Option<&Profile>) -> TokenStorage {
        profile
            .and_then(|p| p.token_storage)
            .or_else(|| self.profiles.get(name).and_then(|p| p.token_storage))
            .or(self.token_storage)
            .unwrap_or_default()
    }

    /// Adds or replaces a profile; the first profile becomes the default.
    pub fn upsert(&mut self, name: &str, profile: Profile) -> Result<(), StoreError> {
        validate_profile_name(name)?;
        self.profiles.insert(name.to_owned(), profile);
        if self.default_profile.is_none() {
            self.default_profile = Some(name.to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_are_read_by_name_and_an_unknown_one_is_refused_with_the_known_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let profile = |platform: &str| {
            format!(
                "[profiles.a]\nshop_url = \"https://shop.example\"\nplatform = \"{platform}\"\n"
            )
        };
        std::fs::write(&path, profile("spryker")).unwrap();
        let config = Config::load_from(&path).unwrap();
        assert_eq!(config.profiles["a"].platform, PlatformId::Spryker);
        assert!(config.profiles["a"].uses_password());
        let saved = toml::to_string_pretty(&config).unwrap();
        assert!(saved.contains("platform = \"spryker\""), "{saved}");

        std::fs::write(&path, profile("magento")).unwrap();
        let error = Config::load_from(&path).unwrap_err().to_string();
        assert!(
            error.contains(
                "unknown platform \"magento\" (known: customer_api, spryker, centra, abantecart, shoptet)"
            ),
            "{error}"
        );
    }

    #[test]
    fn parses_the_documented_example() {
        let text = r#"
default_profile = "shop.example"

[profiles."shop.example"]
shop_url = "https://shop.example"

[profiles.scripts]
shop_url = "https://shop.example"
issuer = "https://login.example"
client_id = "mine"
ca_file = "/etc/ssl/corp.pem"
auth = { kind = "client_credentials", api_client_id = "abc123", secret_file = "/home/me/.s" }
"#;
        let config: Config = toml::from_str(text).unwrap();
        let shop = &config.profiles["shop.example"];
        assert_eq!(shop.platform, PlatformId::CustomerApi);
        assert_eq!(shop.client_id(), "shopterm");
        assert_eq!(shop.auth, AuthKind::Interactive);
        assert_eq!(shop.issuer_url().as_str(), "https://shop.example/");
        let scripts = &config.profiles["scripts"];
        assert_eq!(scripts.client_id(), "mine");
        assert_eq!(scripts.issuer_url().as_str(), "https://login.example/");
        assert_eq!(
            scripts.auth,
            AuthKind::ClientCredentials {
                api_client_id: "abc123".into(),
                secret_file: Some("/home/me/.s".into())
            }
        );
        // Round trip.
        let again: Config = toml::from_str(&toml::to_string_pretty(&config).unwrap()).unwrap();
        assert_eq!(again, config);
    }

    #[test]
    fn theme_section_is_read_and_checked_at_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[theme]\nname = \"light\"\nkey = \"#005f87\"\n").unwrap();
        let config = Config::load_from(&path).unwrap();
        assert_eq!(config.theme.name, ThemeName::Light);
        assert_eq!(config.theme.overrides["key"], "#005f87");
        let again: Config = toml::from_str(&toml::to_string_pretty(&config).unwrap()).unwrap();
        assert_eq!(again, config);
        assert_eq!(Config::default().theme.name, ThemeName::Auto);

        for (text, needles) in [
            ("[theme]\nkey = \"#05f87\"\n", &["key", "\"#05f87\""][..]),
            ("[theme]\nkeys = \"blue\"\n", &["keys"][..]),
            (
                "[theme]\nname = \"solarized\"\n",
                &["solarized", "dark", "light"][..],
            ),
        ] {
            std::fs::write(&path, text).unwrap();
            let message = Config::load_from(&path).unwrap_err().to_string();
            for needle in needles {
                assert!(message.contains(needle), "{needle} missing in: {message}");
            }
        }
    }

    #[test]
    fn keys_section_is_read_kept_through_a_save_and_names_its_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "[keys.orders]\nreload = \"ctrl-r\"\nmove_down = [\"J\", \"down\"]\n\n[keys.global]\nquit = []\n",
        )
        .unwrap();
        let config = Config::load_from(&path).unwrap();
        let orders = &config.keys.contexts["orders"];
        assert_eq!(orders["reload"].get_ref().keys(), ["ctrl-r"]);
        assert_eq!(orders["move_down"].get_ref().keys(), ["J", "down"]);
        assert!(
            config.keys.contexts["global"]["quit"]
                .get_ref()
                .keys()
                .is_empty()
        );
        assert_eq!(
            config.keys.describe("global", "quit"),
            format!("{} line 6: [keys.global] quit", path.display())
        );
        let text = toml::to_string_pretty(&config).unwrap();
        let again: Config = toml::from_str(&text).unwrap();
        assert_eq!(again, config, "saved as:\n{text}");
    }

    #[test]
    fn token_storage_global_and_per_profile() {
        let text = r#"
token_storage = "keyring"

[profiles.a]
shop_url = "https://a.example"

[profiles.b]
shop_url = "https://b.example"
token_storage = "file"
"#;
        let config: Config = toml::from_str(text).unwrap();
        assert_eq!(config.token_storage_for("a", None), TokenStorage::Keyring);
        assert_eq!(config.token_storage_for("b", None), TokenStorage::File);
        assert_eq!(
            config.token_storage_for("new", None),
            TokenStorage::Keyring,
            "a profile not saved yet follows the global setting"
        );
        let mut own = config.profiles["a"].clone();
        own.token_storage = Some(TokenStorage::File);
        assert_eq!(
            config.token_storage_for("a", Some(&own)),
            TokenStorage::File
        );
        assert_eq!(
            Config::default().token_storage_for("a", None),
            TokenStorage::File
        );
        let again: Config = toml::from_str(&toml::to_string_pretty(&config).unwrap()).unwrap();
        assert_eq!(again, config);
        assert!(toml::from_str::<Config>("token_storage = \"vault\"").is_err());
    }

    #[test]
    fn profile_names_from_urls() {
        let name = |u: &str| profile_name_for(&Url::parse(u).unwrap());
        assert_eq!(name("http://127.0.0.1:8040/"), "127.0.0.1:8040");
        assert_eq!(name("https://shop.example/"), "shop.example");
        assert_eq!(name("https://shop.example:8443/x"), "shop.example:8443");
        assert_eq!(name("http://[::1]:9000"), "::1:9000");
        for u in [
            "http://127.0.0.1:8040/",
            "https://shop.example",
            "http://[::1]:9000",
        ] {
            validate_profile_name(&name(u)).unwrap();
        }
    }

    #[test]
    fn resolve_picks_named_default_or_only() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths {
            config_dir: dir.path().join("c"),
            data_dir: dir.path().join("d"),
            state_dir: dir.path().join("s"),
        };
        let mut config = Config::default();
        assert!(matches!(
            config.resolve(None, &paths),
            Err(ConfigError::NoProfiles)
        ));
        config
            .upsert("a", Profile::new(Url::parse("http://127.0.0.1:1").unwrap()))
            .unwrap();
        config
            .upsert("b", Profile::new(Url::parse("http://127.0.0.1:2").unwrap()))
            .unwrap();
        assert_eq!(config.resolve(None, &paths).unwrap().0, "a");
        assert_eq!(config.resolve(Some("b"), &paths).unwrap().0, "b");
        assert!(matches!(
            config.resolve(Some("c"), &paths),
            Err(ConfigError::UnknownProfile { .. })
        ));
        config.save(&paths).unwrap();
        assert_eq!(Config::load(&paths).unwrap(), config);
    }
}
