//! From a profile to a working connection, and the sign-in / sign-out steps around the protocol:
//! what the command line and the TUI share. It sits above [`crate::auth`] (tokens and sign-in
//! protocols) and [`crate::platforms`] (the connectors, which use `auth`): `auth` names no
//! platform, so the platform lookups it needs are passed in from here.
//!
//! A TUI sign-in goes: [`endpoints_for`] → [`BrowserSignIn::start`] (show its URL, offer "open
//! browser" through [`crate::auth::browser::open_browser`] and a paste field through
//! [`BrowserSignIn::paste_handle`]) → [`BrowserSignIn::finish`] with a `CancellationToken` that
//! Esc cancels → [`save_sign_in`].
//!
//! [`BrowserSignIn::start`]: crate::auth::flow::BrowserSignIn::start
//! [`BrowserSignIn::paste_handle`]: crate::auth::flow::BrowserSignIn::paste_handle
//! [`BrowserSignIn::finish`]: crate::auth::flow::BrowserSignIn::finish

use crate::auth::discovery::discover;
use crate::auth::flow::{self, OAuthEndpoints, TokenKind, TokenSet};
use crate::auth::source::{ClientCredentialsTokenSource, StoredTokenSource, read_client_secret};
use crate::auth::store::{StoredTokens, TokenIssuer, TokenStore};
use crate::auth::{AuthError, TokenSource};
use crate::config::{AuthKind, Config, Profile, TokenStorage};
use crate::model::Account;
use crate::paths::Paths;
use crate::shop::Shop;
use secrecy::SecretString;
use std::sync::Arc;

/// The sign-in endpoints of a profile, from its issuer's metadata, with the profile's own
/// `prompt` and `callback_port` applied: the command line and the TUI sign in alike.
pub async fn endpoints_for(
    profile: &Profile,
    http: &reqwest::Client,
) -> Result<OAuthEndpoints, AuthError> {
    crate::net::require_secure(&profile.shop_url)?;
    let metadata = discover(http, profile.issuer_url()).await?;
    Ok(
        OAuthEndpoints::from_metadata(&metadata, profile.client_id(), profile.scopes())
            .with_prompt(profile.prompt.as_deref())
            .with_callback_port(profile.callback_port),
    )
}

/// The token store of profile `name`, where config.toml's `token_storage` says (see
/// [`Config::token_storage_for`]; `profile` is the profile as the caller has it). With
/// `"keyring"` and no keyring service (headless Linux), the 0600 file store: the first time in a
/// process, a one-line note on stderr (this happens before a TUI takes the screen) and a warning
/// in the log.
pub fn token_store(paths: &Paths, name: &str, profile: Option<&Profile>) -> TokenStore {
    let storage = match Config::load(paths) {
        Ok(config) => config.token_storage_for(name, profile),
        Err(error) => {
            tracing::warn!(%error, "cannot read the configuration for token_storage");
            profile.and_then(|p| p.token_storage).unwrap_or_default()
        }
    };
    match storage {
        TokenStorage::File => TokenStore::new(&paths.state_dir),
        TokenStorage::Keyring => {
            let (store, fallback) = TokenStore::os_keyring_or_file(&paths.state_dir);
            static TOLD: std::sync::Once = std::sync::Once::new();
            if let Some(message) = fallback {
                TOLD.call_once(|| eprintln!("shopterm: {message}"));
            }
            store
        }
    }
}

/// A profile's token source, by the kind of sign-in it uses.
#[derive(Clone)]
pub enum ProfileTokens {
    /// Tokens from a sign-in (browser, device or password), kept in the token store.
    Stored(Arc<StoredTokenSource>),
    ClientCredentials(Arc<ClientCredentialsTokenSource>),
}

impl ProfileTokens {
    pub fn source(&self) -> Arc<dyn TokenSource> {
        match self {
            ProfileTokens::Stored(source) => source.clone(),
            ProfileTokens::ClientCredentials(source) => source.clone(),
        }
    }
}

/// Everything needed to talk to one profile's shop.
pub struct Connection {
    pub name: String,
    pub profile: Profile,
    pub http: reqwest::Client,
    pub tokens: ProfileTokens,
    pub shop: Arc<dyn Shop>,
    /// Where the staff audit log of this profile's changes goes.
    pub state_dir: std::path::PathBuf,
}

pub fn make_shop(
    profile: &Profile,
    http: &reqwest::Client,
    tokens: Arc<dyn TokenSource>,
) -> Result<Arc<dyn Shop>, AuthError> {
    Ok(profile.platform.connector(&profile.shop_url, http, tokens))
}

/// The shop of a profile that may place orders: [`make_shop`], plus what a platform must keep
/// beyond the process under the profile's state dir (Spryker: the journal of checkouts sent,
/// since Glue takes no idempotency key).
pub fn make_ordering_shop(
    paths: &Paths,
    name: &str,
    profile: &Profile,
    http: &reqwest::Client,
    tokens: Arc<dyn TokenSource>,
) -> Result<Arc<dyn Shop>, AuthError> {
    use crate::platforms::{PlatformId, spryker};
    if profile.platform == PlatformId::Spryker {
        let shop = spryker::SprykerShop::new(profile.shop_url.clone(), http.clone(), tokens)
            .with_send_journal(spryker::SendJournal::in_dir(&paths.state_dir, name));
        return Ok(Arc::new(shop));
    }
    make_shop(profile, http, tokens)
}

/// A staff profile's shop working for one customer (`--customer EMAIL|GUID|PHONE`): Shoptet's staff
/// token reads any customer's data, so the connector is bound to the one chosen, and every
/// change made for them goes to the staff audit log (as in the TUI).
pub fn shop_for_customer(
    connection: &Connection,
    customer: &str,
) -> Result<Arc<dyn Shop>, AuthError> {
    let desk = staff_desk(connection, "--customer")?;
    let customer =
        crate::platforms::shoptet::CustomerRef::parse(customer).map_err(AuthError::Shop)?;
    desk.choose(Some(customer));
    Ok(Arc::new(desk))
}

/// A staff profile's desk (no customer chosen yet), recording changes in the profile's audit
/// log; `what` names the option or command that needs a staff profile, for the error otherwise.
pub fn staff_desk(
    connection: &Connection,
    what: &str,
) -> Result<crate::platforms::shoptet::StaffDesk, AuthError> {
    use crate::platforms::shoptet;
    if connection.profile.platform != crate::platforms::PlatformId::Shoptet {
        return Err(AuthError::Config(format!(
            "{what} is for staff profiles (shoptet); profile {} is a {} profile",
            connection.name, connection.profile.platform
        )));
    }
    Ok(shoptet::StaffDesk::new(shoptet::ShoptetShop::new(
        connection.profile.shop_url.clone(),
        connection.http.clone(),
        connection.tokens.source(),
    ))
    .with_audit(shoptet::AuditLog::new(
        &connection.state_dir,
        &connection.name,
    )))
}

/// Connects to a profile's shop with its stored tokens (browser sign-in) or its API credentials.
/// `NotSignedIn` when a browser profile has no tokens.
pub fn connect(paths: &Paths, name: &str, profile: &Profile) -> Result<Connection, AuthError> {
    crate::net::require_secure(&profile.shop_url)?;
    let http = profile.http_client()?;
    let tokens = match &profile.auth {
        AuthKind::Interactive => ProfileTokens::Stored(Arc::new(StoredTokenSource::load(
            token_store(paths, name, Some(profile)),
            name,
            http.clone(),
            crate::platforms::password_sign_in,
        )?)),
        AuthKind::ClientCredentials {
            api_client_id,
            secret_file,
        } => {
            let secret = read_client_secret(secret_file.as_deref())?;
            ProfileTokens::ClientCredentials(Arc::new(ClientCredentialsTokenSource::new(
                http.clone(),
                &profile.shop_url,
                api_client_id,
                secret,
            )?))
        }
    };
    let shop = make_ordering_shop(paths, name, profile, &http, tokens.source())?;
    Ok(Connection {
        name: name.to_owned(),
        profile: profile.clone(),
        http,
        tokens,
        shop,
        state_dir: paths.state_dir.clone(),
    })
}

/// The outcome of storing a sign-in.
pub struct SignedIn {
    pub tokens: StoredTokens,
    /// The account, or why it could not be fetched (the sign-in itself still counts).
    pub account: Result<Account, AuthError>,
}

/// Stores fresh tokens for the profile, then asks the shop who signed in and records the account
/// id and e-mail with the tokens.
pub async fn save_sign_in(
    paths: &Paths,
    name: &str,
    profile: &Profile,
    http: &reqwest::Client,
    issued_by: TokenIssuer,
    tokens: TokenSet,
) -> Result<SignedIn, AuthError> {
    let store = token_store(paths, name, Some(profile));
    let stored = StoredTokens {
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        expires_at: tokens.expires_at,
        obtained_at: tokens.obtained_at,
        scope: tokens.scope,
        account_id: None,
        account_email: None,
        issued_by,
    };
    store.save_async(name, &stored).await?;
    tracing::info!(profile = name, "tokens stored");
    let source = Arc::new(StoredTokenSource::new(
        store.clone(),
        name,
        http.clone(),
        stored,
        crate::platforms::password_sign_in,
    ));
    let account = match make_shop(profile, http, source.clone()) {
        Ok(shop) => shop.account().await.map_err(AuthError::from),
        Err(error) => Err(error),
    };
    // The source may have refreshed meanwhile: record the account on its current tokens.
    let mut stored = source.snapshot().await;
    if let Ok(account) = &account {
        stored.account_id = Some(account.id.to_string());
        stored.account_email = Some(account.email.clone());
        store.save_async(name, &stored).await?;
    }
    Ok(SignedIn {
        tokens: stored,
        account,
    })
}

/// Signs in to a password platform (Spryker, Centra, AbanteCart) with the login and password the
/// person typed, and stores the tokens like a browser sign-in's. A wrong login or password is
/// refused without storing anything ([`crate::auth::password::is_wrong_credentials`] tells).
pub async fn password_sign_in(
    paths: &Paths,
    name: &str,
    profile: &Profile,
    http: &reqwest::Client,
    login: &str,
    password: &SecretString,
) -> Result<SignedIn, AuthError> {
    crate::net::require_secure(&profile.shop_url)?;
    let platform = profile.platform.password_sign_in()?;
    let tokens = platform
        .sign_in(http, &profile.shop_url, login, password)
        .await?;
    tracing::info!(profile = name, platform = %profile.platform, "signed in with a password");
    let issued_by = TokenIssuer::Platform {
        platform: profile.platform.name().to_owned(),
        shop_url: profile.shop_url.clone(),
    };
    save_sign_in(paths, name, profile, http, issued_by, tokens).await
}

/// Why a sign-up did not end signed in: the account was not created (the shop's refusal, with
/// its field errors, or no answer), or it was and the sign-in after it failed (then signing in
/// again is the way on, not another sign-up).
#[derive(Debug, thiserror::Error)]
pub enum SignUpError {
    #[error("{0}")]
    NotCreated(AuthError),
    #[error("the account was created, but the sign-in failed: {0}")]
    SignInFailed(AuthError),
}

/// Creates an account at the profile's shop ([`Shop::register`], which needs no sign-in), then
/// signs in with its e-mail and password as [`password_sign_in`] does. Nothing is stored unless
/// the sign-in succeeds.
pub async fn sign_up(
    paths: &Paths,
    name: &str,
    profile: &Profile,
    http: &reqwest::Client,
    account: &crate::shop::NewAccount,
) -> Result<SignedIn, SignUpError> {
    let not_created = SignUpError::NotCreated;
    crate::net::require_secure(&profile.shop_url).map_err(|e| not_created(e.into()))?;
    if profile.platform.why_no_sign_up().is_some() {
        return Err(not_created(AuthError::Shop(
            crate::shop::ShopError::Unsupported(crate::shop::Feature::SignUp),
        )));
    }
    // No tokens yet: the connector's signed-in calls would answer "not signed in".
    let shop = make_shop(profile, http, Arc::new(crate::auth::NoToken)).map_err(not_created)?;
    shop.register(account)
        .await
        .map_err(|e| not_created(AuthError::Shop(e)))?;
    tracing::info!(profile = name, platform = %profile.platform, "account created");
    password_sign_in(
        paths,
        name,
        profile,
        http,
        account.email.trim(),
        &account.password,
    )
    .await
    .map_err(SignUpError::SignInFailed)
}

/// Whether `typed` confirms deleting the account of `email`: the e-mail itself (case and
/// surrounding spaces aside) or the word DELETE in capitals. Deleting cannot be undone, so a
/// person must type something that cannot be hit by accident.
pub fn confirms_deletion(typed: &str, email: &str) -> bool {
    let typed = typed.trim();
    typed == "DELETE" || (!typed.is_empty() && typed.eq_ignore_ascii_case(email.trim()))
}

/// Deletes (anonymises) the signed-in account at the shop, then signs out here as `logout`
/// does (the tokens removed). A refusal of the deletion signs nothing out.
pub async fn delete_account(
    paths: &Paths,
    connection: &Connection,
) -> Result<SignOutReport, AuthError> {
    connection.shop.delete_account().await?;
    tracing::info!(profile = connection.name, "account deleted at the shop");
    sign_out(paths, &connection.name, &connection.http).await
}

/// What signing out did.
#[derive(Debug, Default)]
pub struct SignOutReport {
    /// There were tokens to sign out.
    pub was_signed_in: bool,
    /// The server offers revocation.
    pub server_revocation: bool,
    /// Revocation failures (the local tokens are deleted all the same).
    pub revocation_errors: Vec<String>,
    /// The token file was deleted.
    pub deleted: bool,
}

/// Revokes the refresh token, then the access token, where the server offers revocation; then
/// deletes the stored tokens, also when revocation failed.
pub async fn sign_out(
    paths: &Paths,
    name: &str,
    http: &reqwest::Client,
) -> Result<SignOutReport, AuthError> {
    let store = token_store(paths, name, None);
    let mut report = SignOutReport::default();
    // Wait for a refresh in another shopterm to be stored, so the tokens revoked here are the
    // live ones and nothing writes them back after the delete.
    let _lock = match store.lock(name).await {
        Ok(lock) => Some(lock),
        Err(error) => {
            tracing::warn!(profile = name, %error, "signing out without the token lock");
            None
        }
    };
    let tokens = match store.load_async(name).await {
        Ok(tokens) => tokens,
        // A damaged file is still deleted: signing out must always be possible.
        Err(error) => {
            report.revocation_errors.push(error.to_string());
            None
        }
    };
    if let Some(tokens) = &tokens {
        report.was_signed_in = true;
        match &tokens.issued_by {
            TokenIssuer::OAuth(server) => {
                if let Some(endpoint) = &server.revocation_endpoint {
                    report.server_revocation = true;
                    let mut to_revoke = Vec::new();
                    if let Some(refresh) = &tokens.refresh_token {
                        to_revoke.push((refresh, TokenKind::Refresh, "refresh token"));
                    }
                    to_revoke.push((&tokens.access_token, TokenKind::Access, "access token"));
                    for (token, kind, what) in to_revoke {
                        match flow::revoke(http, &server.client_id, endpoint, token, kind).await {
                            Ok(()) => tracing::info!(profile = name, what, "token revoked"),
                            Err(error) => {
                                tracing::warn!(profile = name, what, %error, "revocation failed");
                                report.revocation_errors.push(format!("{what}: {error}"));
                            }
                        }
                    }
                }
            }
            TokenIssuer::Platform { platform, shop_url } => {
                report.server_revocation = true;
                let ended = match crate::platforms::password_sign_in(platform) {
                    Ok(platform) => platform.sign_out(http, shop_url, tokens).await,
                    Err(error) => Err(error),
                };
                match ended {
                    Ok(()) => tracing::info!(profile = name, "session ended at the shop"),
                    Err(error) => {
                        tracing::warn!(profile = name, %error, "ending the session failed");
                        report
                            .revocation_errors
                            .push(format!("session at the shop: {error}"));
                    }
                }
            }
        }
    }
    report.deleted = store.delete_async(name).await?;
    report.was_signed_in |= report.deleted;
    Ok(report)
}

#[cfg(test)]
mod deletion_tests {
    use super::confirms_deletion;

    #[test]
    fn only_the_email_or_delete_in_capitals_confirms() {
        let email = "Ada@Example.com";
        assert!(confirms_deletion(" ada@example.com ", email));
        assert!(confirms_deletion("DELETE", email));
        assert!(!confirms_deletion("delete", email));
        assert!(!confirms_deletion("", ""));
        assert!(!confirms_deletion("ada@example.co", email));
        assert!(!confirms_deletion("y", email));
    }
}
