//! The TUI's side of signing in: one shop connection for the whole run, whose tokens are swapped
//! when the user signs in (at start, or after the session expired), so the user's place and
//! drafts survive a sign-in.

use crate::auth::source::{ClientCredentialsTokenSource, StoredTokenSource, read_client_secret};
use crate::auth::{AuthError, BrowserSignIn, PasteHandle, SwitchableTokens, TokenSource};
use crate::config::{AuthKind, Profile};
use crate::connection::{endpoints_for, make_ordering_shop, save_sign_in, token_store};
use crate::model::Account;
use crate::paths::Paths;
use crate::shop::{Shop, ShopError};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How long the browser sign-in waits for the user.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);

pub struct Session {
    paths: Paths,
    profile_name: String,
    profile: Profile,
    http: reqwest::Client,
    tokens: Arc<SwitchableTokens>,
    shop: Arc<dyn Shop>,
    /// Staff mode (Shoptet): the connection whose customer the customer search chooses; `shop`
    /// is this desk then.
    staff: Option<Arc<crate::platforms::shoptet::StaffDesk>>,
    /// Lines shown on the sign-in screen (the demo shop's accounts).
    pub hint: Vec<String>,
    signed_in_at_start: bool,
    cancel: Mutex<Option<CancellationToken>>,
    paste: Mutex<Option<PasteHandle>>,
}

impl Session {
    /// The profile's connection, with its stored tokens when there are some. Reads one small
    /// file and builds the HTTP client; no network.
    pub fn open(
        paths: &Paths,
        profile_name: &str,
        profile: &Profile,
        hint: Vec<String>,
    ) -> Result<Session, AuthError> {
        crate::net::require_secure(&profile.shop_url)?;
        let http = profile.http_client()?;
        let initial: Option<Arc<dyn TokenSource>> = match &profile.auth {
            AuthKind::Interactive => match StoredTokenSource::load(
                token_store(paths, profile_name, Some(profile)),
                profile_name,
                http.clone(),
                crate::platforms::password_sign_in,
            ) {
                Ok(source) => Some(Arc::new(source)),
                Err(AuthError::Shop(ShopError::NotSignedIn)) => None,
                Err(error) => return Err(error),
            },
            AuthKind::ClientCredentials {
                api_client_id,
                secret_file,
            } => {
                let secret = read_client_secret(secret_file.as_deref())?;
                Some(Arc::new(ClientCredentialsTokenSource::new(
                    http.clone(),
                    &profile.shop_url,
                    api_client_id,
                    secret,
                )?))
            }
        };
        let signed_in_at_start = initial.is_some();
        let tokens = Arc::new(SwitchableTokens::new(initial));
        let (shop, staff) = if profile.platform == crate::platforms::PlatformId::Shoptet {
            let desk = Arc::new(
                crate::platforms::shoptet::StaffDesk::new(
                    crate::platforms::shoptet::ShoptetShop::new(
                        profile.shop_url.clone(),
                        http.clone(),
                        tokens.clone(),
                    ),
                )
                .with_audit(crate::platforms::shoptet::AuditLog::new(
                    &paths.state_dir,
                    profile_name,
                )),
            );
            (desk.clone() as Arc<dyn Shop>, Some(desk))
        } else {
            let shop = make_ordering_shop(paths, profile_name, profile, &http, tokens.clone())?;
            (shop, None)
        };
        Ok(Session {
            paths: paths.clone(),
            profile_name: profile_name.to_owned(),
            profile: profile.clone(),
            http,
            tokens,
            shop,
            staff,
            hint,
            signed_in_at_start,
            cancel: Mutex::new(None),
            paste: Mutex::new(None),
        })
    }

    pub fn shop(&self) -> Arc<dyn Shop> {
        self.shop.clone()
    }

    /// Staff mode's desk, on a Shoptet staff profile.
    pub fn staff(&self) -> Option<Arc<crate::platforms::shoptet::StaffDesk>> {
        self.staff.clone()
    }

    pub fn signed_in_at_start(&self) -> bool {
        self.signed_in_at_start
    }

    /// The status bar's shop label: host and port, and the platform.
    pub fn label(&self) -> String {
        let host = self.profile.shop_url.host_str().unwrap_or("shop");
        match self.profile.shop_url.port() {
            Some(port) => format!("{host}:{port} · {}", self.shop.platform()),
            None => format!("{host} · {}", self.shop.platform()),
        }
    }

    /// Whether a browser sign-in can fix an expired session (API-credential profiles cannot).
    pub fn can_sign_in(&self) -> bool {
        matches!(self.profile.auth, AuthKind::Interactive)
    }

    /// Starts a browser sign-in: reports the URL through `on_url` as soon as it exists (the
    /// caller opens the browser and says how that went), waits for the answer (or Esc, or the time-out), stores the tokens and swaps them
    /// in. Returns the signed-in account.
    pub async fn sign_in(&self, on_url: impl FnOnce(String)) -> Result<Account, AuthError> {
        let endpoints = endpoints_for(&self.profile, &self.http).await?;
        let shop_name = self
            .profile
            .shop_url
            .host_str()
            .unwrap_or("the shop")
            .to_owned();
        let sign_in =
            BrowserSignIn::start(self.http.clone(), endpoints.clone(), &shop_name).await?;
        let url = sign_in.authorize_url().clone();
        let cancel = CancellationToken::new();
        *self.cancel.lock().unwrap_or_else(|e| e.into_inner()) = Some(cancel.clone());
        *self.paste.lock().unwrap_or_else(|e| e.into_inner()) = Some(sign_in.paste_handle());
        on_url(url.to_string());
        let finished = sign_in.finish(SIGN_IN_TIMEOUT, cancel).await;
        self.cancel.lock().unwrap_or_else(|e| e.into_inner()).take();
        self.paste.lock().unwrap_or_else(|e| e.into_inner()).take();
        let tokens = finished?;
        let signed_in = save_sign_in(
            &self.paths,
            &self.profile_name,
            &self.profile,
            &self.http,
            endpoints.token_issuer(),
            tokens,
        )
        .await?;
        self.adopt(signed_in)
    }

    /// Signs in to a password platform with what the sign-in form holds; stores the tokens and
    /// swaps them in. A wrong login or password is `AuthError::WrongCredentials`.
    pub async fn password_sign_in(
        &self,
        login: &str,
        password: &secrecy::SecretString,
    ) -> Result<Account, AuthError> {
        let signed_in = crate::connection::password_sign_in(
            &self.paths,
            &self.profile_name,
            &self.profile,
            &self.http,
            login,
            password,
        )
        .await?;
        self.adopt(signed_in)
    }

    /// Creates the account at the shop, then signs in with it ([`crate::connection::sign_up`]);
    /// the new tokens are the ones every request uses from now on.
    pub async fn sign_up(
        &self,
        account: &crate::shop::NewAccount,
    ) -> Result<Account, crate::connection::SignUpError> {
        let signed_in = crate::connection::sign_up(
            &self.paths,
            &self.profile_name,
            &self.profile,
            &self.http,
            account,
        )
        .await?;
        self.adopt(signed_in)
            .map_err(crate::connection::SignUpError::SignInFailed)
    }

    /// Password platforms: the sign-in form's login label (None: the browser signs in).
    pub fn password_login(&self) -> Option<&'static str> {
        if !self.profile.uses_password() {
            return None;
        }
        self.profile
            .platform
            .password_sign_in()
            .ok()
            .map(|p| p.login_label())
    }

    /// Makes a fresh sign-in's tokens the ones every request uses from now on.
    fn adopt(&self, signed_in: crate::connection::SignedIn) -> Result<Account, AuthError> {
        let source = StoredTokenSource::new(
            token_store(&self.paths, &self.profile_name, Some(&self.profile)),
            &self.profile_name,
            self.http.clone(),
            signed_in.tokens,
            crate::platforms::password_sign_in,
        );
        self.tokens.replace(Some(Arc::new(source)));
        signed_in.account
    }

    /// Signs out: revokes the tokens at the shop where it can, deletes them here, and leaves the
    /// connection without tokens. Returns a note for the user when revocation failed.
    pub async fn sign_out(&self) -> Result<Option<String>, AuthError> {
        self.tokens.replace(None);
        let report =
            crate::connection::sign_out(&self.paths, &self.profile_name, &self.http).await?;
        Ok((!report.revocation_errors.is_empty()).then(|| {
            format!(
                "signed out here, but the shop did not confirm: {}",
                report.revocation_errors.join("; ")
            )
        }))
    }

    /// Deletes (anonymises) the account at the shop, then signs out as [`Session::sign_out`]
    /// does: the tokens are removed here. A refused deletion signs nothing out.
    pub async fn delete_account(&self) -> Result<(), AuthError> {
        self.shop.delete_account().await?;
        tracing::info!(profile = self.profile_name, "account deleted at the shop");
        self.sign_out().await.map(drop)
    }

    /// This profile's saved repeat-order drafts.
    pub fn drafts(&self) -> crate::reorder::DraftStore {
        crate::reorder::DraftStore::new(&self.paths.data_dir, &self.profile_name)
    }

    /// The saved drafts of one customer of this profile.
    pub fn drafts_for(&self, customer: &crate::model::CustomerId) -> crate::reorder::DraftStore {
        crate::reorder::DraftStore::for_customer(&self.paths.data_dir, &self.profile_name, customer)
    }

    /// Stops a waiting sign-in (Esc).
    pub fn cancel_sign_in(&self) {
        if let Some(cancel) = self.cancel.lock().unwrap_or_else(|e| e.into_inner()).take() {
            cancel.cancel();
        }
    }

    /// Hands a pasted redirect URL to the waiting sign-in (for a browser on another machine).
    pub fn paste(&self, pasted: &str) -> Result<(), AuthError> {
        match self
            .paste
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            Some(handle) => handle.paste(pasted),
            None => Err(AuthError::BadRedirect(
                "no sign-in is waiting for a pasted address".into(),
            )),
        }
    }
}
