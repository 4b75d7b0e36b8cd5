//! A small in-memory token bucket per client IP address, for the public
//! endpoints that need no login (the exit survey link): there is no account
//! to throttle, so the address is. The peer address comes from axum's
//! `ConnectInfo` (the server is started with it); requests without one
//! (tests through `oneshot`, unusual listeners) share one bucket.
//! `X-Forwarded-For` is not trusted: anyone can send it.

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
}

impl RateLimiter {
    /// A limiter of `capacity` requests per `period` per address.
    pub fn new(capacity: u32, period: Duration) -> Self {
        let capacity = f64::from(capacity.max(1));
        RateLimiter {
            capacity,
            per_second: capacity / period.as_secs_f64().max(0.001),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// The limit of the public survey endpoints: 10 requests per minute per address.
    pub fn for_public_survey() -> Self {
        Self::new(10, Duration::from_secs(60))
    }

    /// Takes one token for `ip` at `now`, or says in how many seconds one
    /// will be there.
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
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
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
