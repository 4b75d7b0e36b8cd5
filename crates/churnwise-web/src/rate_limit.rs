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
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Buckets kept before full (idle) ones are forgotten.
const MAX_TRACKED: usize = 10_000;

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
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
    trust_forwarded_for: bool,
}

impl RateLimiter {
    /// A limiter of `capacity` requests per `period` per address.
    pub fn new(capacity: u32, period: Duration) -> Self {
        let capacity = f64::from(capacity.max(1));
        RateLimiter {
            capacity,
            per_second: capacity / period.as_secs_f64().max(0.001),
            buckets: Mutex::new(HashMap::new()),
            trust_forwarded_for: false,
        }
    }

    /// Keys on the last `X-Forwarded-For` address when `trust` is set.
    pub fn trusting_forwarded_for(mut self, trust: bool) -> Self {
        self.trust_forwarded_for = trust;
        self
    }

    /// The address a request is counted against.
    pub fn client_address(&self, request: &Request) -> IpAddr {
        let forwarded = self
            .trust_forwarded_for
            .then(|| {
                request
                    .headers()
                    .get_all("x-forwarded-for")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(','))
                    .next_back()
                    .and_then(|last| last.trim().parse::<IpAddr>().ok())
            })
            .flatten();
        forwarded.unwrap_or_else(|| {
            request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
        })
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
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_TRACKED && !buckets.contains_key(&ip) {
            let (capacity, rate) = (self.capacity, self.per_second);
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * rate < capacity
            });
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
    match limiter.check(ip, Instant::now()) {
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
}
