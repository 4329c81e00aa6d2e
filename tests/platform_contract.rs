//! What every password platform does the same way, run over a table of them (Spryker, Centra,
//! AbanteCart, each against its emulator in the demo shop, over loopback HTTP): the account loads
//! after sign-in and the tokens are stored like any sign-in's; a wrong password is refused in the
//! same words and nothing is stored; sign-out ends the session at the shop and deletes the
//! tokens. What only one platform does stays in its `tests/platform_<name>.rs`.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use secrecy::{ExposeSecret, SecretString};
use shopterm::auth::password::is_wrong_credentials;
use shopterm::auth::store::TokenIssuer;
use shopterm::auth::{AuthError, StaticToken, TokenStore};
use shopterm::config::Profile;
use shopterm::connection;
use shopterm::demo::RunningDemo;
use shopterm::paths::Paths;
use shopterm::shop::ShopError;
use std::sync::Arc;
use std::time::Duration;
use support::demo::{buyer, spawn_demo};
use support::sandbox::{mode_of, paths};
use url::Url;

/// A password platform as these tests see it.
struct PasswordPlatform {
    /// Its name in config.toml (`platform = "…"`).
    name: &'static str,
    /// What the connector calls it (`Shop::platform`).
    label: &'static str,
    /// Where the demo shop serves its API.
    path: &'static str,
}

const PASSWORD_PLATFORMS: [PasswordPlatform; 3] = [
    PasswordPlatform {
        name: "spryker",
        label: "Spryker",
        path: "/spryker",
    },
    PasswordPlatform {
        name: "centra",
        label: "Centra",
        path: "/centra/api/checkout",
    },
    PasswordPlatform {
        name: "abantecart",
        label: "AbanteCart",
        path: "/abantecart",
    },
];

const PROFILE: &str = "contract";

/// One platform's emulator with a sandbox of shopterm's directories.
struct Setup {
    _demo: RunningDemo,
    _dir: tempfile::TempDir,
    paths: Paths,
    profile: Profile,
    http: reqwest::Client,
}

impl Setup {
    async fn new(platform: &PasswordPlatform) -> Setup {
        let demo = spawn_demo(Duration::from_secs(3600)).await;
        let dir = tempfile::tempdir().expect("temp dir");
        let paths = paths(dir.path());
        let shop_url = format!("{}{}", demo.base_url, platform.path);
        let mut profile = Profile::new(Url::parse(&shop_url).expect("shop URL"));
        profile.platform = platform.name.parse().expect("a known platform");
        let http = profile.http_client().expect("HTTP client");
        Setup {
            _demo: demo,
            _dir: dir,
            paths,
            profile,
            http,
        }
    }

    async fn sign_in(
        &self,
        login: &str,
        password: &str,
    ) -> Result<connection::SignedIn, AuthError> {
        connection::password_sign_in(
            &self.paths,
            PROFILE,
            &self.profile,
            &self.http,
            login,
            &SecretString::from(password.to_owned()),
        )
        .await
    }

    fn token_file(&self) -> std::path::PathBuf {
        self.paths
            .state_dir
            .join("tokens")
            .join(format!("{PROFILE}.json"))
    }

    fn stored(&self) -> Option<shopterm::auth::StoredTokens> {
        TokenStore::new(&self.paths.state_dir)
            .load(PROFILE)
            .expect("the token store reads")
    }

    /// The account as the shop answers it to `access_token` alone (no refresh, no sign-in).
    async fn account_with(&self, access_token: &str) -> Result<String, ShopError> {
        let token = Arc::new(StaticToken(SecretString::from(access_token.to_owned())));
        let shop = connection::make_shop(&self.profile, &self.http, token).expect("connector");
        shop.account().await.map(|account| account.email)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_loads_after_sign_in_and_the_tokens_are_stored_like_any_sign_ins() {
    let login = buyer();
    for platform in &PASSWORD_PLATFORMS {
        let setup = Setup::new(platform).await;
        let signed_in = setup
            .sign_in(&login.email, &login.password)
            .await
            .unwrap_or_else(|e| panic!("{}: sign-in failed: {e}", platform.name));
        let account = signed_in
            .account
            .unwrap_or_else(|e| panic!("{}: no account after sign-in: {e}", platform.name));
        assert_eq!(account.email, login.email, "{}", platform.name);
        assert!(!account.first_name.is_empty(), "{}", platform.name);

        // 0600, the platform recorded as the issuer, the account's e-mail, never the password.
        let file = setup.token_file();
        assert_eq!(mode_of(&file), 0o600, "{}", platform.name);
        let stored = setup.stored().expect("tokens are stored");
        assert_eq!(
            stored.issued_by,
            TokenIssuer::Platform {
                platform: platform.name.into(),
                shop_url: setup.profile.shop_url.clone(),
            },
            "{}",
            platform.name
        );
        assert_eq!(stored.account_email.as_deref(), Some(login.email.as_str()));
        let text = std::fs::read_to_string(&file).expect("token file");
        assert!(!text.contains(&login.password), "{}", platform.name);

        // A later process connects with the stored tokens and reads the same account.
        let connection = connection::connect(&setup.paths, PROFILE, &setup.profile)
            .unwrap_or_else(|e| panic!("{}: connect: {e}", platform.name));
        assert_eq!(connection.shop.platform(), platform.label);
        assert_eq!(
            connection.shop.account().await.map(|a| a.email),
            Ok(login.email.clone()),
            "{}",
            platform.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_refused_in_the_same_words_and_nothing_is_stored() {
    let login = buyer();
    let wrong = "not-the-password-4711";
    for platform in &PASSWORD_PLATFORMS {
        let setup = Setup::new(platform).await;
        // A known e-mail with a wrong password, and an unknown e-mail with a right one.
        for (email, password) in [
            (login.email.as_str(), wrong),
            ("nobody@demo.shopterm.example", login.password.as_str()),
        ] {
            let error = match setup.sign_in(email, password).await {
                Err(error) => error,
                Ok(_) => panic!("{}: {email} signed in with a wrong password", platform.name),
            };
            assert!(
                matches!(error, AuthError::WrongCredentials(_)) && is_wrong_credentials(&error),
                "{}: {email}: {error:?}",
                platform.name
            );
            // The same words whether the e-mail exists or not, and never the password.
            assert_eq!(
                error.to_string(),
                "the shop did not accept this e-mail and password",
                "{}: {email}",
                platform.name
            );
            assert!(!setup.token_file().exists(), "{}: stored", platform.name);
        }
        assert!(setup.stored().is_none(), "{}", platform.name);
        assert!(
            matches!(
                connection::connect(&setup.paths, PROFILE, &setup.profile),
                Err(AuthError::Shop(ShopError::NotSignedIn))
            ),
            "{}",
            platform.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_ends_the_session_at_the_shop_and_deletes_the_tokens() {
    let login = buyer();
    for platform in &PASSWORD_PLATFORMS {
        let setup = Setup::new(platform).await;
        setup
            .sign_in(&login.email, &login.password)
            .await
            .unwrap_or_else(|e| panic!("{}: sign-in failed: {e}", platform.name));
        let token = setup
            .stored()
            .expect("tokens are stored")
            .access_token
            .expose_secret()
            .to_owned();
        assert_eq!(
            setup.account_with(&token).await,
            Ok(login.email.clone()),
            "{}: the session works before sign-out",
            platform.name
        );

        let report = connection::sign_out(&setup.paths, PROFILE, &setup.http)
            .await
            .unwrap_or_else(|e| panic!("{}: sign-out: {e}", platform.name));
        assert!(report.was_signed_in, "{}", platform.name);
        assert!(report.server_revocation, "{}", platform.name);
        assert!(
            report.revocation_errors.is_empty(),
            "{}: {:?}",
            platform.name,
            report.revocation_errors
        );
        assert!(report.deleted, "{}", platform.name);
        assert!(!setup.token_file().exists(), "{}", platform.name);
        // The shop no longer takes the old token.
        assert_eq!(
            setup.account_with(&token).await,
            Err(ShopError::SessionExpired),
            "{}: the session outlived sign-out",
            platform.name
        );

        // Signing out again: nothing stored, nothing to end, no error.
        let again = connection::sign_out(&setup.paths, PROFILE, &setup.http)
            .await
            .unwrap_or_else(|e| panic!("{}: second sign-out: {e}", platform.name));
        assert!(!again.was_signed_in, "{}", platform.name);
    }
}
