//! A small in-memory token bucket per client IP address, for the public
//! endpoints that need no login (the exit survey link): there is no account
//! to throttle, so the address is. The peer address comes from axum's
//! `ConnectInfo` (the server is started with it); requests without one
//! (tests through `oneshot`, unusual listeners) share one bucket.
//! `X-Forwarded-For` is not trusted unless the server is told it runs behind
//! a reverse proxy (`serve --behind-proxy`): then the last address of that
//! header, the one the proxy appended, is the client's; otherwise every
//! client behind the proxy would share the proxy's bucket.

use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use churnwise_store::Store;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The most buckets kept: past it, full (idle) ones are forgotten, then the
/// least recently used, down to [`KEEP_AFTER_EVICTION`], so the map stays
/// bounded even when requests come from more addresses than that (an IPv6
/// client has plenty).
const MAX_TRACKED: usize = 10_000;
/// The buckets left after an eviction of the least recently used: a
/// quarter of the room is freed at once, so the sort is paid rarely.
const KEEP_AFTER_EVICTION: usize = MAX_TRACKED * 3 / 4;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Allows `capacity` requests at once per address, refilled at a steady
/// rate of `capacity` per `period`.
#[derive(Debug)]
pub struct RateLimiter {
    capacity: f64,
    per_second: f64,
    buckets: Mutex<Buckets>,
    trust_forwarded_for: bool,
    shared: Option<Shared>,
}

/// The count every process shares, kept in the database.
struct Shared {
    store: Arc<dyn Store>,
    prefix: &'static str,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// The buckets by address, and when full ones were last swept out.
#[derive(Debug, Default)]
struct Buckets {
    by_address: HashMap<IpAddr, Bucket>,
    swept_at: Option<Instant>,
}

impl RateLimiter {
    /// A limiter of `capacity` requests per `period` per address.
    pub fn new(capacity: u32, period: Duration) -> Self {
        let capacity = f64::from(capacity.max(1));
        RateLimiter {
            capacity,
            per_second: capacity / period.as_secs_f64().max(0.001),
            buckets: Mutex::new(Buckets::default()),
            trust_forwarded_for: false,
            shared: None,
        }
    }

    /// Also counts every request in `store` under `prefix:<address>`, so
    /// that every process on the database shares the limit.
    pub fn shared_through(mut self, store: Arc<dyn Store>, prefix: &'static str) -> Self {
        self.shared = Some(Shared { store, prefix });
        self
    }

    /// The shared count for `ip` at Unix time `now`: `Ok` while the window
    /// has room, else the seconds until the next window. A database that
    /// does not answer lets the request through (the process's own bucket
    /// still holds), and says so in the log.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "the period is a few seconds to an hour and the capacity small; both fit i64"
    )]
    pub async fn check_shared(&self, ip: IpAddr, now: i64) -> Result<(), u64> {
        let Some(shared) = &self.shared else {
            return Ok(());
        };
        let window = ((self.capacity / self.per_second).round() as i64).max(1);
        let start = now - now.rem_euclid(window);
        let key = format!("{}:{ip}", shared.prefix);
        match shared.store.count_request(&key, start).await {
            Ok(hits) if hits > self.capacity as i64 => {
                Err(u64::try_from(start + window - now).unwrap_or(1).max(1))
            }
            Ok(_) => Ok(()),
            Err(e) => {
                tracing::warn!(error = %e, "shared rate limit not counted");
                Ok(())
            }
        }
    }

    /// Keys on the last `X-Forwarded-For` address when `trust` is set.
    pub fn trusting_forwarded_for(mut self, trust: bool) -> Self {
        self.trust_forwarded_for = trust;
        self
    }

    /// The address a request is counted against
    /// ([`crate::security::client_ip`]).
    pub fn client_address(&self, request: &Request) -> IpAddr {
        crate::security::client_ip(
            request.headers(),
            request.extensions(),
            self.trust_forwarded_for,
        )
    }

    /// The limit of the public survey endpoints: 10 requests per minute per address.
    pub fn for_public_survey() -> Self {
        Self::new(10, Duration::from_secs(60))
    }

    /// Takes one token for `ip` at `now`, or says in how many seconds one
    /// will be there.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "`new` keeps capacity >= 1 and `per_second` finite and positive, so `wait` is \
                  positive and at most one token's refill time (the period, or 1 ms); ceil() makes \
                  it whole, and `as` saturates past u64"
    )]
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let mut guard = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let state = &mut *guard;
        let (capacity, rate) = (self.capacity, self.per_second);
        // A full bucket is the same as none: forget them once per refill
        // period, and whenever the map is full.
        let refill = Duration::from_secs_f64(capacity / rate);
        let sweep_due = state
            .swept_at
            .is_none_or(|at| now.saturating_duration_since(at) >= refill);
        let buckets = &mut state.by_address;
        let at_cap = buckets.len() >= MAX_TRACKED && !buckets.contains_key(&ip);
        if sweep_due || at_cap {
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * rate < capacity
            });
            state.swept_at = Some(now);
        }
        if buckets.len() >= MAX_TRACKED && !buckets.contains_key(&ip) {
            // Still full of buckets in use: the least recently used go.
            let mut ages: Vec<Instant> = buckets.values().map(|b| b.at).collect();
            ages.sort_unstable();
            let cut = ages[ages.len() - KEEP_AFTER_EVICTION];
            buckets.retain(|_, b| b.at >= cut);
            while buckets.len() > KEEP_AFTER_EVICTION {
                // Many buckets used at the very same instant: any will do.
                let Some(first) = buckets.keys().next().copied() else {
                    break;
                };
                buckets.remove(&first);
            }
        }
        let bucket = buckets.entry(ip).or_insert(Bucket {
            tokens: self.capacity,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_second).min(self.capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / self.per_second;
            Err(wait.ceil().max(1.0) as u64)
        }
    }
}

/// Middleware refusing requests over the limit with 429 and `Retry-After`.
pub async fn limit(
    State(limiter): State<Arc<RateLimiter>>,
    request: Request,
    next: Next,
) -> Response {
    let ip = limiter.client_address(&request);
    let checked = match limiter.check(ip, Instant::now()) {
        Ok(()) => {
            limiter
                .check_shared(ip, chrono::Utc::now().timestamp())
                .await
        }
        refused => refused,
    };
    match checked {
        Ok(()) => next.run(request).await,
        Err(seconds) => {
            tracing::warn!(%ip, "public endpoint rate limit reached");
            ApiError::TooManyRequests(seconds).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::extract::ConnectInfo;
    use std::net::{Ipv4Addr, SocketAddr};

    fn request(forwarded: &[&str], peer: Option<IpAddr>) -> Request {
        let mut builder = Request::builder().uri("/s/x");
        for f in forwarded {
            builder = builder.header("x-forwarded-for", *f);
        }
        let mut request = builder.body(axum::body::Body::empty()).unwrap();
        if let Some(peer) = peer {
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(peer, 4000)));
        }
        request
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_proxy_and_then_its_last_address() {
        let proxy = ip(9);
        let plain = RateLimiter::new(1, Duration::from_secs(60));
        assert_eq!(
            plain.client_address(&request(&["203.0.113.7"], Some(proxy))),
            proxy
        );
        let behind = RateLimiter::new(1, Duration::from_secs(60)).trusting_forwarded_for(true);
        // A client may forge the first entries; the proxy appends the last one.
        let r = request(&["10.0.0.1, 203.0.113.7"], Some(proxy));
        assert_eq!(
            behind.client_address(&r),
            "203.0.113.7".parse::<IpAddr>().unwrap()
        );
        let r = request(&["10.0.0.1", "198.51.100.4"], Some(proxy));
        assert_eq!(
            behind.client_address(&r),
            "198.51.100.4".parse::<IpAddr>().unwrap()
        );
        // Without a usable header, the peer.
        assert_eq!(
            behind.client_address(&request(&["junk"], Some(proxy))),
            proxy
        );
        assert_eq!(behind.client_address(&request(&[], Some(proxy))), proxy);
    }

    fn ip(last: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, last))
    }

    #[test]
    fn a_burst_up_to_the_capacity_passes_and_the_next_request_waits() {
        let limiter = RateLimiter::new(3, Duration::from_secs(60));
        let now = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check(ip(1), now).is_ok());
        }
        assert_eq!(limiter.check(ip(1), now), Err(20));
    }

    #[test]
    fn each_address_has_its_own_bucket() {
        let limiter = RateLimiter::new(1, Duration::from_secs(60));
        let now = Instant::now();
        assert!(limiter.check(ip(1), now).is_ok());
        assert!(limiter.check(ip(1), now).is_err());
        assert!(limiter.check(ip(2), now).is_ok());
    }

    #[test]
    fn tokens_come_back_over_time() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let start = Instant::now();
        assert!(limiter.check(ip(1), start).is_ok());
        assert!(limiter.check(ip(1), start).is_ok());
        assert!(limiter.check(ip(1), start).is_err());
        assert!(limiter
            .check(ip(1), start + Duration::from_secs(30))
            .is_ok());
    }

    fn many(n: u32) -> impl Iterator<Item = IpAddr> {
        (0..n).map(|i| {
            let (high, low) = (
                u16::try_from(i >> 16).unwrap(),
                u16::try_from(i & 0xffff).unwrap(),
            );
            IpAddr::V6(std::net::Ipv6Addr::new(
                0x2001, 0xdb8, 0, 0, 0, 0, high, low,
            ))
        })
    }

    #[test]
    fn the_map_stays_bounded_when_every_request_comes_from_a_new_address() {
        let limiter = RateLimiter::new(10, Duration::from_secs(60));
        let start = Instant::now();
        // Each address spends one token, so no bucket is full (idle) and
        // sweeping alone would keep them all.
        let addresses = u32::try_from(3 * MAX_TRACKED).unwrap();
        for (i, addr) in many(addresses).enumerate() {
            let now = start + Duration::from_millis(i as u64);
            assert!(limiter.check(addr, now).is_ok());
            let tracked = limiter.buckets.lock().unwrap().by_address.len();
            assert!(
                tracked <= MAX_TRACKED,
                "{tracked} buckets after {i} addresses"
            );
        }
        // The address just seen is still counted.
        let last = many(addresses).last().unwrap();
        let now = start + Duration::from_millis(3 * MAX_TRACKED as u64);
        for _ in 0..9 {
            assert!(limiter.check(last, now).is_ok());
        }
        assert!(limiter.check(last, now).is_err());
    }

    #[test]
    fn idle_buckets_are_forgotten_once_they_are_full_again() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let start = Instant::now();
        for addr in many(100) {
            assert!(limiter.check(addr, start).is_ok());
        }
        assert_eq!(limiter.buckets.lock().unwrap().by_address.len(), 100);
        // A period later every bucket is full: the next request sweeps them.
        assert!(limiter
            .check(ip(1), start + Duration::from_secs(61))
            .is_ok());
        assert_eq!(limiter.buckets.lock().unwrap().by_address.len(), 1);
    }
}
