//! Keeping to Shoptet's rate limits, so that the shop never has to refuse shopterm: at most 3
//! connections at once per token, a leaky bucket (200 requests, drained at 10 per second; the
//! shop tells its filling in `X-RateLimit-Bucket-Filling: 12/200` on every answer), a pause until
//! the `Retry-After` date after a 429, and one write at a time per URL (an identical write while
//! the first is processed, up to 5 s, is answered 423).
//!
//! The clock is a trait so that tests run the pacing on a fake clock, in no real time.

use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::sync::{OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

/// Time as the pacer sees it.
#[async_trait]
pub trait Clock: Send + Sync {
    /// Time since some fixed start; only differences matter.
    fn elapsed(&self) -> Duration;
    /// The wall clock, to compare `Retry-After` dates with.
    fn wall(&self) -> SystemTime;
    async fn sleep(&self, duration: Duration);
}

/// The real clock.
pub struct SystemClock {
    start: std::time::Instant,
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock {
            start: std::time::Instant::now(),
        }
    }
}

#[async_trait]
impl Clock for SystemClock {
    fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    fn wall(&self) -> SystemTime {
        SystemTime::now()
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

/// Shoptet's documented limits; tests use smaller ones.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PacingLimits {
    pub connections_per_token: usize,
    pub bucket_capacity: f64,
    pub drained_per_second: f64,
}

impl Default for PacingLimits {
    fn default() -> Self {
        PacingLimits {
            connections_per_token: 3,
            bucket_capacity: 200.0,
            drained_per_second: 10.0,
        }
    }
}

#[derive(Debug)]
struct Bucket {
    capacity: f64,
    level: f64,
    measured_at: Duration,
    /// No request before this (from a 429's `Retry-After`).
    closed_until: Option<Duration>,
}

impl Bucket {
    fn level_at(&self, now: Duration, drained_per_second: f64) -> f64 {
        let drained = now.saturating_sub(self.measured_at).as_secs_f64() * drained_per_second;
        (self.level - drained).max(0.0)
    }
}

/// The pacing of one token's requests. Shared by every request the connector sends.
pub struct Pacer {
    limits: PacingLimits,
    clock: Arc<dyn Clock>,
    connections: Arc<Semaphore>,
    bucket: Mutex<Bucket>,
    write_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// Held while a request is on the wire: one of the token's connections.
pub struct Admission {
    _connection: Option<OwnedSemaphorePermit>,
}

impl Pacer {
    pub fn new(limits: PacingLimits, clock: Arc<dyn Clock>) -> Pacer {
        Pacer {
            limits,
            connections: Arc::new(Semaphore::new(limits.connections_per_token.max(1))),
            bucket: Mutex::new(Bucket {
                capacity: limits.bucket_capacity,
                level: 0.0,
                measured_at: clock.elapsed(),
                closed_until: None,
            }),
            clock,
            write_locks: Mutex::new(HashMap::new()),
        }
    }

    fn bucket(&self) -> std::sync::MutexGuard<'_, Bucket> {
        // A poisoned lock only means a panic elsewhere mid-update; the numbers are still usable.
        self.bucket.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until a request may go out (a free connection, room in the bucket, no pause after a
    /// 429), then counts it in the bucket.
    pub async fn admit(&self) -> Admission {
        // The semaphore is never closed; if it were, the shop would enforce its limit itself.
        let connection = self.connections.clone().acquire_owned().await.ok();
        loop {
            let wait = {
                let mut bucket = self.bucket();
                let now = self.clock.elapsed();
                let level = bucket.level_at(now, self.limits.drained_per_second);
                match bucket.closed_until {
                    Some(until) if until > now => until - now,
                    _ if level + 1.0 <= bucket.capacity => {
                        bucket.level = level + 1.0;
                        bucket.measured_at = now;
                        bucket.closed_until = None;
                        return Admission {
                            _connection: connection,
                        };
                    }
                    _ => Duration::from_secs_f64(
                        (level + 1.0 - bucket.capacity) / self.limits.drained_per_second.max(0.001),
                    ),
                }
            };
            self.clock.sleep(wait).await;
        }
    }

    /// The shop's own count, from `X-RateLimit-Bucket-Filling: 12/200`; it replaces the estimate.
    pub fn observe_filling(&self, header: &str) {
        let Some((level, capacity)) = header.split_once('/') else {
            return;
        };
        let (Ok(level), Ok(capacity)) =
            (level.trim().parse::<f64>(), capacity.trim().parse::<f64>())
        else {
            return;
        };
        let mut bucket = self.bucket();
        bucket.level = level;
        bucket.capacity = capacity.min(self.limits.bucket_capacity).max(1.0);
        bucket.measured_at = self.clock.elapsed();
    }

    /// A 429's `Retry-After` (an HTTP date, or seconds): how long that is from now (a second
    /// when it says nothing readable). When it is at most `longest`, no request goes out before
    /// then; a longer wait is not kept, as the caller gives up rather than wait: the next request
    /// someone asks for finds out afresh whether the shop still refuses.
    pub fn observe_retry_after(&self, header: Option<&str>, longest: Duration) -> Duration {
        let wait = header
            .and_then(|value| retry_after_delay(value, self.clock.wall()))
            .unwrap_or(Duration::from_secs(1));
        if wait <= longest {
            let mut bucket = self.bucket();
            let now = self.clock.elapsed();
            // Saturating: the shop chooses the number, up to u64::MAX seconds.
            let until = now.saturating_add(wait);
            bucket.closed_until = Some(until);
            bucket.level = bucket.capacity;
            bucket.measured_at = until;
        }
        wait
    }

    /// Writes to the same URL go one at a time, as the shop locks the URL while it processes one.
    pub async fn write_lock(&self, url: &str) -> OwnedMutexGuard<()> {
        let lock = {
            let mut locks = self.write_locks.lock().unwrap_or_else(|e| e.into_inner());
            // Drop the locks nobody holds any more, so the map stays small.
            locks.retain(|_, lock| Arc::strong_count(lock) > 1);
            locks.entry(url.to_owned()).or_default().clone()
        };
        lock.lock_owned().await
    }

    /// Sleeps on the pacer's clock (the pause before repeating a 423'd write).
    pub async fn sleep(&self, duration: Duration) {
        self.clock.sleep(duration).await;
    }
}

/// `Retry-After` as a delay from `now`: an HTTP date (what Shoptet sends) or delta-seconds.
pub fn retry_after_delay(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
pub mod fake {
    //! A clock that moves only when slept on, for pacing tests.
    use super::*;

    pub struct FakeClock {
        now: Mutex<Duration>,
        pub wall_start: SystemTime,
        pub slept: Mutex<Vec<Duration>>,
    }

    impl FakeClock {
        pub fn new(wall_start: SystemTime) -> Arc<FakeClock> {
            Arc::new(FakeClock {
                now: Mutex::new(Duration::ZERO),
                wall_start,
                slept: Mutex::new(Vec::new()),
            })
        }

        pub fn advance(&self, by: Duration) {
            *self.now.lock().unwrap() += by;
        }

        pub fn total_slept(&self) -> Duration {
            self.slept.lock().unwrap().iter().sum()
        }
    }

    #[async_trait]
    impl Clock for FakeClock {
        fn elapsed(&self) -> Duration {
            *self.now.lock().unwrap()
        }

        fn wall(&self) -> SystemTime {
            self.wall_start + self.elapsed()
        }

        async fn sleep(&self, duration: Duration) {
            self.slept.lock().unwrap().push(duration);
            self.advance(duration);
            tokio::task::yield_now().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fake::FakeClock;
    use super::*;

    fn small(capacity: f64, per_second: f64) -> PacingLimits {
        PacingLimits {
            connections_per_token: 3,
            bucket_capacity: capacity,
            drained_per_second: per_second,
        }
    }

    fn close_to(a: Duration, b: Duration) -> bool {
        a.abs_diff(b) < Duration::from_millis(5)
    }

    #[tokio::test]
    async fn a_full_bucket_makes_the_next_request_wait_for_one_drain() {
        let clock = FakeClock::new(SystemTime::UNIX_EPOCH);
        let pacer = Pacer::new(small(5.0, 2.0), clock.clone());
        for _ in 0..5 {
            drop(pacer.admit().await);
        }
        assert_eq!(clock.total_slept(), Duration::ZERO);
        drop(pacer.admit().await);
        assert!(close_to(clock.total_slept(), Duration::from_millis(500)));
        // Ten more at 2 per second take five seconds more, never a burst over the capacity.
        for _ in 0..10 {
            drop(pacer.admit().await);
        }
        assert!(close_to(clock.total_slept(), Duration::from_millis(5500)));
    }

    #[tokio::test]
    async fn the_shops_filling_replaces_the_estimate() {
        let clock = FakeClock::new(SystemTime::UNIX_EPOCH);
        let pacer = Pacer::new(PacingLimits::default(), clock.clone());
        drop(pacer.admit().await);
        pacer.observe_filling("200/200");
        drop(pacer.admit().await);
        // One slot drains in 1/10 s.
        assert!(close_to(clock.total_slept(), Duration::from_millis(100)));
        pacer.observe_filling("garbage");
        pacer.observe_filling("3/200");
        drop(pacer.admit().await);
        assert!(close_to(clock.total_slept(), Duration::from_millis(100)));
    }

    #[tokio::test]
    async fn retry_after_as_an_http_date_closes_the_bucket_until_then() {
        let start = httpdate::parse_http_date("Mon, 01 Jul 2024 12:01:00 GMT").unwrap();
        let clock = FakeClock::new(start);
        let pacer = Pacer::new(PacingLimits::default(), clock.clone());
        let wait = pacer.observe_retry_after(
            Some("Mon, 01 Jul 2024 12:01:11 GMT"),
            Duration::from_secs(60),
        );
        assert_eq!(wait, Duration::from_secs(11));
        drop(pacer.admit().await);
        assert!(clock.total_slept() >= Duration::from_secs(11));
        assert_eq!(retry_after_delay("7", start), Some(Duration::from_secs(7)));
        assert_eq!(retry_after_delay("tomorrow", start), None);
        assert_eq!(
            retry_after_delay("Mon, 01 Jul 2024 12:00:00 GMT", start),
            Some(Duration::ZERO)
        );
    }

    #[tokio::test]
    async fn a_retry_after_past_the_longest_wait_is_not_kept_and_never_overflows() {
        let start = httpdate::parse_http_date("Mon, 01 Jul 2024 12:00:00 GMT").unwrap();
        let clock = FakeClock::new(start);
        let pacer = Pacer::new(PacingLimits::default(), clock.clone());
        let longest = Duration::from_secs(10);
        assert_eq!(
            pacer.observe_retry_after(Some("18446744073709551615"), longest),
            Duration::from_secs(u64::MAX)
        );
        assert_eq!(
            pacer.observe_retry_after(Some("Mon, 01 Jul 2024 13:00:00 GMT"), longest),
            Duration::from_secs(3600)
        );
        // Neither closed the bucket: the next request goes at once.
        drop(pacer.admit().await);
        assert_eq!(clock.total_slept(), Duration::ZERO);
        // Kept, the largest wait saturates the pacer's clock instead of panicking.
        let kept = pacer.observe_retry_after(Some("18446744073709551615"), Duration::MAX);
        assert_eq!(kept, Duration::from_secs(u64::MAX));
        assert_eq!(
            retry_after_delay("Fri, 31 Dec 9999 23:59:59 GMT", start).map(|d| d > longest),
            Some(true)
        );
    }

    #[tokio::test]
    async fn no_more_than_three_requests_at_once() {
        let clock = FakeClock::new(SystemTime::UNIX_EPOCH);
        let pacer = Arc::new(Pacer::new(PacingLimits::default(), clock));
        let held: Vec<Admission> = vec![
            pacer.admit().await,
            pacer.admit().await,
            pacer.admit().await,
        ];
        let fourth = tokio::spawn({
            let pacer = pacer.clone();
            async move {
                drop(pacer.admit().await);
            }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!fourth.is_finished(), "a fourth connection went out");
        drop(held);
        tokio::time::timeout(Duration::from_secs(5), fourth)
            .await
            .expect("the fourth goes once one is free")
            .expect("no panic");
    }

    #[tokio::test]
    async fn writes_to_one_url_wait_for_each_other_but_not_for_other_urls() {
        let pacer = Arc::new(Pacer::new(
            PacingLimits::default(),
            FakeClock::new(SystemTime::UNIX_EPOCH),
        ));
        let first = pacer
            .write_lock("/api/customers/a/delivery-addresses")
            .await;
        let other = tokio::time::timeout(
            Duration::from_millis(200),
            pacer.write_lock("/api/customers/b/delivery-addresses"),
        )
        .await;
        assert!(other.is_ok(), "another URL is not locked");
        let same = tokio::time::timeout(
            Duration::from_millis(100),
            pacer.write_lock("/api/customers/a/delivery-addresses"),
        )
        .await;
        assert!(same.is_err(), "the same URL must wait");
        drop(first);
        let same = tokio::time::timeout(
            Duration::from_millis(200),
            pacer.write_lock("/api/customers/a/delivery-addresses"),
        )
        .await;
        assert!(same.is_ok());
    }
}
