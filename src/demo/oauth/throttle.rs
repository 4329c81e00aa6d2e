//! Throttling of the demo's sign-in form against password guessing: per account (the e-mail as
//! typed, known or not, so the lock tells nothing about who has an account) and per client
//! address. The first few failures cost nothing, so a person's typo and the test suite's
//! sign-ins are never slowed; after that each further failure locks the account (or address)
//! for twice as long as the one before, up to [`ThrottlePolicy::longest_lock`]. While locked, the
//! password is not even checked. A success clears the account's failures; an address's
//! failures are forgotten a while after its last one.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// How many failures are free and how the locks grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failed sign-ins of one account before it is locked.
    pub free_per_account: u32,
    /// Failed sign-ins from one client address (any accounts) before it is locked.
    pub free_per_client: u32,
    /// The first lock; each further failure doubles it.
    pub first_lock: Duration,
    pub longest_lock: Duration,
    /// Failures older than this are forgotten.
    pub forget_after: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> ThrottlePolicy {
        ThrottlePolicy {
            free_per_account: 5,
            free_per_client: 20,
            first_lock: Duration::from_secs(1),
            longest_lock: Duration::from_secs(15 * 60),
            forget_after: Duration::from_secs(60 * 60),
        }
    }
}

/// Why a sign-in attempt is refused unheard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locked {
    Account { retry_after: Duration },
    Client { retry_after: Duration },
}

impl Locked {
    pub fn retry_after(self) -> Duration {
        match self {
            Locked::Account { retry_after } | Locked::Client { retry_after } => retry_after,
        }
    }

    /// The wait in whole seconds, rounded up and at least 1 (`Retry-After`'s unit).
    pub fn retry_after_secs(self) -> u64 {
        let left = self.retry_after();
        let whole = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        whole.max(1)
    }

    /// What the person at the sign-in page reads.
    pub fn message(self) -> String {
        let seconds = self.retry_after_secs();
        let what = match self {
            Locked::Account { .. } => "for this e-mail address",
            Locked::Client { .. } => "from your network address",
        };
        format!("Too many failed sign-ins {what}. Try again in {seconds} s.")
    }
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
    locked_until: Option<Instant>,
}

#[derive(Default)]
struct Counters {
    accounts: HashMap<String, Failures>,
    clients: HashMap<IpAddr, Failures>,
}

pub struct SignInThrottle {
    policy: ThrottlePolicy,
    counters: Mutex<Counters>,
}

impl std::fmt::Debug for SignInThrottle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInThrottle")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// E-mail addresses are matched without regard to case, as the store does.
fn account_key(login: &str) -> String {
    login.trim().to_lowercase()
}

impl SignInThrottle {
    pub fn new(policy: ThrottlePolicy) -> SignInThrottle {
        SignInThrottle {
            policy,
            counters: Mutex::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Counters> {
        // A panic elsewhere leaves the counters whole.
        self.counters.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether an attempt for `login` from `client` may be checked now.
    pub fn check(&self, login: &str, client: Option<IpAddr>) -> Result<(), Locked> {
        let now = Instant::now();
        let counters = self.lock();
        let remaining = |failures: Option<&Failures>| {
            failures
                .and_then(|f| f.locked_until)
                .and_then(|until| until.checked_duration_since(now))
                .filter(|left| !left.is_zero())
        };
        if let Some(retry_after) = remaining(counters.accounts.get(&account_key(login))) {
            return Err(Locked::Account { retry_after });
        }
        if let Some(retry_after) = remaining(client.and_then(|ip| counters.clients.get(&ip))) {
            return Err(Locked::Client { retry_after });
        }
        Ok(())
    }

    /// A wrong e-mail or password: counts for the account and the address, and locks them once
    /// their free failures are used up.
    pub fn failed(&self, login: &str, client: Option<IpAddr>) {
        let now = Instant::now();
        let policy = self.policy;
        let mut counters = self.lock();
        let counters = &mut *counters;
        counters
            .accounts
            .retain(|_, f| now.duration_since(f.last) < policy.forget_after);
        counters
            .clients
            .retain(|_, f| now.duration_since(f.last) < policy.forget_after);
        let account = counters
            .accounts
            .entry(account_key(login))
            .or_insert(Failures {
                count: 0,
                last: now,
                locked_until: None,
            });
        count_failure(account, policy.free_per_account, &policy, now);
        if let Some(ip) = client {
            let client = counters.clients.entry(ip).or_insert(Failures {
                count: 0,
                last: now,
                locked_until: None,
            });
            count_failure(client, policy.free_per_client, &policy, now);
        }
    }

    /// A correct password: the account starts afresh. (The address does not: one account of
    /// one's own must not reset the guessing allowance for all the others.)
    pub fn succeeded(&self, login: &str) {
        self.lock().accounts.remove(&account_key(login));
    }
}

fn count_failure(failures: &mut Failures, free: u32, policy: &ThrottlePolicy, now: Instant) {
    failures.count = failures.count.saturating_add(1);
    failures.last = now;
    if failures.count >= free {
        let doublings = (failures.count - free).min(30);
        let lock = policy
            .first_lock
            .saturating_mul(1u32 << doublings)
            .min(policy.longest_lock);
        failures.locked_until = Some(now + lock);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick() -> ThrottlePolicy {
        ThrottlePolicy {
            free_per_account: 3,
            free_per_client: 5,
            first_lock: Duration::from_millis(100),
            longest_lock: Duration::from_millis(350),
            forget_after: Duration::from_secs(60),
        }
    }

    fn locked_for(result: Result<(), Locked>) -> Duration {
        result.expect_err("locked").retry_after()
    }

    #[test]
    fn the_free_failures_cost_nothing_then_locks_double_up_to_the_longest() {
        let throttle = SignInThrottle::new(quick());
        let ip = Some(IpAddr::from([127, 0, 0, 1]));
        for _ in 0..2 {
            throttle.failed("A@example.com", ip);
            assert_eq!(throttle.check("a@example.com", ip), Ok(()));
        }
        throttle.failed(" a@example.com", ip);
        let first = locked_for(throttle.check("a@example.com", ip));
        assert!(first <= Duration::from_millis(100) && first > Duration::from_millis(50));
        // Another account is not locked by this one's failures.
        assert_eq!(throttle.check("b@example.com", ip), Ok(()));
        std::thread::sleep(Duration::from_millis(110));
        assert_eq!(throttle.check("a@example.com", ip), Ok(()));
        throttle.failed("a@example.com", ip);
        let second = locked_for(throttle.check("a@example.com", None));
        assert!(second > Duration::from_millis(150), "{second:?}");
        // A fifth failure from the address uses up its free ones: every account from it is
        // locked now.
        throttle.failed("c@example.com", ip);
        assert!(matches!(
            throttle.check("b@example.com", ip),
            Err(Locked::Client { .. })
        ));
        assert_eq!(throttle.check("b@example.com", None), Ok(()));
        for _ in 0..5 {
            throttle.failed("a@example.com", None);
        }
        assert!(locked_for(throttle.check("a@example.com", None)) <= Duration::from_millis(350));
        throttle.succeeded("A@EXAMPLE.COM");
        assert_eq!(throttle.check("a@example.com", None), Ok(()));
    }

    #[test]
    fn the_message_says_how_long_to_wait() {
        let locked = Locked::Account {
            retry_after: Duration::from_millis(1500),
        };
        assert_eq!(
            locked.message(),
            "Too many failed sign-ins for this e-mail address. Try again in 2 s."
        );
    }
}
