//! Sessions of the platform emulators' e-mail + password sign-ins (Spryker's `/access-tokens`,
//! Centra's `login/{email}`, AbanteCart's `a/account/login`). The Customer API's OAuth tokens live
//! in [`super::oauth`]; these are the plainer tokens those platforms hand out.
//!
//! Access tokens expire after the demo's token lifetime (`--token-ttl`, so tests can watch a
//! session run out); refresh tokens, where a platform has them, last a day, are spent when used
//! (rotation) and die with their session at sign-out. Each token belongs to one platform: a
//! Spryker token does not open a Centra session.
//!
//! Password guessing is throttled as at the demo's own sign-in form ([`SignInThrottle`], same
//! policy): per account and per client address, each platform counting apart (each emulator is
//! a shop of its own). [`check_password`] is the one way the emulators check a password; each
//! answers a lock the way its platform answers a refusal.

use super::oauth::throttle::{Locked, SignInThrottle, ThrottlePolicy};
use super::state::DemoState;
use super::store::CustomerKey;
use crate::shop::ShopResult;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

const REFRESH_TTL: Duration = Duration::from_secs(24 * 3600);

/// A new session's tokens.
#[derive(Debug, Clone)]
pub struct Issued {
    pub access_token: String,
    pub refresh_token: Option<String>,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    pub refresh_expires_in: u64,
}

/// Why a token opens no session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// Never issued (for this platform), or ended by sign-out or a refresh.
    Unknown,
    /// Issued, but its lifetime is over.
    Expired,
}

struct Access {
    platform: &'static str,
    customer: CustomerKey,
    expires: Instant,
    refresh: Option<String>,
}

struct Refresh {
    platform: &'static str,
    customer: CustomerKey,
    expires: Instant,
    access: String,
}

#[derive(Default)]
struct Tokens {
    access: HashMap<String, Access>,
    refresh: HashMap<String, Refresh>,
}

pub struct EmulatorLogins {
    ttl: Duration,
    tokens: Mutex<Tokens>,
    /// Failed passwords of each platform's sign-in.
    throttles: Mutex<HashMap<&'static str, Arc<SignInThrottle>>>,
}

/// What came of a password sign-in at an emulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCheck {
    Accepted(CustomerKey),
    /// A wrong password, or an e-mail no customer has.
    Wrong,
    /// Refused unheard: earlier failures lock the account or the client address for a while.
    Locked(Locked),
}

/// Checks `login`'s password for `platform`'s sign-in, unless earlier failures lock the account
/// or the client's address; counts a failure, and clears the account's on success.
pub async fn check_password(
    state: &DemoState,
    platform: &'static str,
    login: &str,
    password: Zeroizing<String>,
    client: Option<IpAddr>,
) -> ShopResult<PasswordCheck> {
    let throttle = state.emulator_logins.throttle(platform);
    if let Err(locked) = throttle.check(login, client) {
        tracing::warn!(platform, retry_after = ?locked.retry_after(), "sign-in: refused while locked");
        return Ok(PasswordCheck::Locked(locked));
    }
    let email = login.to_owned();
    let found = state
        .with_store(move |s| s.verify_password(&email, &password))
        .await?;
    Ok(match found {
        Some(customer) => {
            throttle.succeeded(login);
            PasswordCheck::Accepted(customer)
        }
        None => {
            throttle.failed(login, client);
            PasswordCheck::Wrong
        }
    })
}

fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 24]>())
}

impl EmulatorLogins {
    pub fn new(ttl: Duration) -> EmulatorLogins {
        EmulatorLogins {
            ttl,
            tokens: Mutex::default(),
            throttles: Mutex::default(),
        }
    }

    /// `platform`'s sign-in throttle.
    fn throttle(&self, platform: &'static str) -> Arc<SignInThrottle> {
        let mut throttles = self.throttles.lock().unwrap_or_else(|e| e.into_inner());
        throttles
            .entry(platform)
            .or_insert_with(|| Arc::new(SignInThrottle::new(ThrottlePolicy::default())))
            .clone()
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tokens> {
        // A panic elsewhere leaves the maps whole; keep serving.
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Opens a session for `customer`; with a refresh token when the platform has them.
    pub fn issue(&self, platform: &'static str, customer: CustomerKey, refresh: bool) -> Issued {
        let mut tokens = self.lock();
        let now = Instant::now();
        let access_token = random_token();
        let refresh_token = refresh.then(random_token);
        tokens.access.insert(
            access_token.clone(),
            Access {
                platform,
                customer,
                expires: now + self.ttl,
                refresh: refresh_token.clone(),
            },
        );
        if let Some(refresh_token) = &refresh_token {
            tokens.refresh.insert(
                refresh_token.clone(),
                Refresh {
                    platform,
                    customer,
                    expires: now + REFRESH_TTL,
                    access: access_token.clone(),
                },
            );
        }
        // Forget what has run out, so a long demo does not grow without end.
        tokens.access.retain(|_, a| a.expires + REFRESH_TTL > now);
        tokens.refresh.retain(|_, r| r.expires > now);
        Issued {
            access_token,
            refresh_token,
            expires_in: self.ttl.as_secs().max(1),
            refresh_expires_in: REFRESH_TTL.as_secs(),
        }
    }

    /// The customer whose session `access_token` opens.
    pub fn customer(
        &self,
        platform: &'static str,
        access_token: &str,
    ) -> Result<CustomerKey, TokenProblem> {
        let tokens = self.lock();
        match tokens.access.get(access_token) {
            Some(a) if a.platform != platform => Err(TokenProblem::Unknown),
            Some(a) if a.expires <= Instant::now() => Err(TokenProblem::Expired),
            Some(a) => Ok(a.customer),
            None => Err(TokenProblem::Unknown),
        }
    }

    /// Spends a refresh token for a new session (the old access token ends with it).
    pub fn refresh(
        &self,
        platform: &'static str,
        refresh_token: &str,
    ) -> Result<Issued, TokenProblem> {
        let customer = {
            let mut tokens = self.lock();
            let found = match tokens.refresh.get(refresh_token) {
                Some(r) if r.platform != platform => return Err(TokenProblem::Unknown),
                Some(r) if r.expires <= Instant::now() => Err(TokenProblem::Expired),
                Some(r) => Ok(r.customer),
                None => return Err(TokenProblem::Unknown),
            };
            if let Some(spent) = tokens.refresh.remove(refresh_token) {
                tokens.access.remove(&spent.access);
            }
            found?
        };
        Ok(self.issue(platform, customer, true))
    }

    /// The customer a live refresh token belongs to.
    pub fn refresh_owner(
        &self,
        platform: &'static str,
        refresh_token: &str,
    ) -> Option<CustomerKey> {
        self.lock()
            .refresh
            .get(refresh_token)
            .filter(|r| r.platform == platform)
            .map(|r| r.customer)
    }

    /// Ends the session that `token` (an access or a refresh token) belongs to. Returns whether
    /// there was one.
    pub fn end(&self, platform: &'static str, token: &str) -> bool {
        let mut tokens = self.lock();
        let (access, refresh) = if let Some(a) = tokens.access.get(token) {
            if a.platform != platform {
                return false;
            }
            (Some(token.to_owned()), a.refresh.clone())
        } else if let Some(r) = tokens.refresh.get(token) {
            if r.platform != platform {
                return false;
            }
            (Some(r.access.clone()), Some(token.to_owned()))
        } else {
            return false;
        };
        if let Some(access) = access {
            tokens.access.remove(&access);
        }
        if let Some(refresh) = refresh {
            tokens.refresh.remove(&refresh);
        }
        true
    }

    /// How many sessions of `customer` on `platform` have a live access or refresh token.
    pub fn live(&self, platform: &'static str, customer: CustomerKey) -> usize {
        let tokens = self.lock();
        let now = Instant::now();
        let access = tokens
            .access
            .values()
            .filter(|a| a.platform == platform && a.customer == customer && a.expires > now)
            .count();
        let refresh_only = tokens
            .refresh
            .values()
            .filter(|r| r.platform == platform && r.customer == customer && r.expires > now)
            .filter(|r| {
                tokens
                    .access
                    .get(&r.access)
                    .is_none_or(|a| a.expires <= now)
            })
            .count();
        access + refresh_only
    }

    /// Ends every session of `customer` on `platform` (after a password change or reset).
    pub fn end_all(&self, platform: &'static str, customer: CustomerKey) {
        let mut tokens = self.lock();
        tokens
            .access
            .retain(|_, a| a.platform != platform || a.customer != customer);
        tokens
            .refresh
            .retain(|_, r| r.platform != platform || r.customer != customer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_expire_rotate_and_end() {
        let sessions = EmulatorLogins::new(Duration::from_secs(3600));
        let first = sessions.issue("spryker", 7, true);
        assert_eq!(sessions.customer("spryker", &first.access_token), Ok(7));
        // Tokens belong to their platform.
        assert_eq!(
            sessions.customer("centra", &first.access_token),
            Err(TokenProblem::Unknown)
        );
        let refresh = first.refresh_token.clone().unwrap();
        let second = sessions.refresh("spryker", &refresh).unwrap();
        // Rotation: the spent refresh token and its access token are gone.
        assert!(sessions.refresh("spryker", &refresh).is_err());
        assert_eq!(
            sessions.customer("spryker", &first.access_token),
            Err(TokenProblem::Unknown)
        );
        assert_eq!(sessions.customer("spryker", &second.access_token), Ok(7));
        // Ending by the refresh token ends the access token too.
        assert!(sessions.end("spryker", second.refresh_token.as_deref().unwrap()));
        assert_eq!(
            sessions.customer("spryker", &second.access_token),
            Err(TokenProblem::Unknown)
        );
        assert!(!sessions.end("spryker", &second.access_token));

        let short = EmulatorLogins::new(Duration::ZERO);
        let gone = short.issue("centra", 1, false);
        assert!(gone.refresh_token.is_none());
        assert_eq!(
            short.customer("centra", &gone.access_token),
            Err(TokenProblem::Expired)
        );
    }
}
