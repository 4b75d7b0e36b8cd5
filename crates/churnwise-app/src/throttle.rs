//! Sign-in throttling: after too many failed sign-ins for one account
//! (email) or from one client address, sign-in is locked for a while, each
//! lock twice as long as the one before (up to a cap), and refused even
//! with the right password until it ends. The counts live in the database
//! (`Store::record_sign_in_failure` and friends), so every server process
//! on one PostgreSQL database shares them. The clock is passed in.

use crate::credentials::{sign_in_with_password, SignedIn};
use crate::error::{AppError, AppResult};
use churnwise_store::{Store, ThrottleState, Timestamp};
use std::net::IpAddr;
use std::time::Duration;

/// When failures lock a key, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleRule {
    /// Failures within `window` that lock the key.
    pub max_failures: i64,
    /// How far back failures count.
    pub window: Duration,
    /// The first lock's length; each next one is twice the last.
    pub first_lock: Duration,
    /// The longest lock.
    pub max_lock: Duration,
    /// A key whose last lock ended this long ago starts again from `first_lock`.
    pub forget_locks_after: Duration,
}

/// Per account: 5 failures in 15 minutes lock it for 1 minute, then 2, 4,
/// … up to an hour.
pub const PER_ACCOUNT: ThrottleRule = ThrottleRule {
    max_failures: 5,
    window: Duration::from_secs(15 * 60),
    first_lock: Duration::from_secs(60),
    max_lock: Duration::from_secs(60 * 60),
    forget_locks_after: Duration::from_secs(24 * 60 * 60),
};

/// Per client address: 20 failures in 15 minutes (an office behind one
/// address has several people), then the same growing locks.
pub const PER_ADDRESS: ThrottleRule = ThrottleRule {
    max_failures: 20,
    ..PER_ACCOUNT
};

/// The key an account's failures count against.
pub fn account_key(email: &str) -> String {
    format!("email:{}", email.trim().to_lowercase())
}

/// The key a client address's failures count against. An IPv6 address
/// counts by its /64 prefix, which one client usually holds whole.
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("ip:{v4}"),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("ip:{v4}"),
            None => {
                let s = v6.segments();
                format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// How long the lock after `previous` is to last under `rule`.
pub fn lock_length(rule: &ThrottleRule, state: &ThrottleState, now: Timestamp) -> (i64, Duration) {
    let forgotten = state.locked_until.is_some_and(|until| {
        now - until > chrono::Duration::from_std(rule.forget_locks_after).unwrap_or_default()
    });
    let previous = if forgotten { 0 } else { state.locks.max(0) };
    let doublings = u32::try_from(previous.min(20)).unwrap_or(20);
    let length = rule
        .first_lock
        .saturating_mul(2u32.saturating_pow(doublings))
        .min(rule.max_lock);
    (previous + 1, length)
}

/// Whole seconds until `until`, at least 1.
fn seconds_until(until: Timestamp, now: Timestamp) -> u64 {
    u64::try_from((until - now).num_milliseconds().saturating_add(999) / 1000)
        .unwrap_or(1)
        .max(1)
}

/// One sign-in with a password, as an adapter received it.
#[derive(Debug, Clone, Copy)]
pub struct SignInAttempt<'a> {
    /// The email typed.
    pub email: &'a str,
    /// The password typed.
    pub password: &'a str,
    /// The workspace asked for (the user's first when `None`).
    pub workspace: Option<&'a str>,
    /// Where the request came from, when known.
    pub client: Option<IpAddr>,
}

/// Signs in like [`sign_in_with_password`], throttled by [`guard`].
pub async fn sign_in(
    store: &dyn Store,
    attempt: SignInAttempt<'_>,
    now: Timestamp,
) -> AppResult<SignedIn> {
    guard(
        store,
        attempt.email,
        attempt.client,
        now,
        sign_in_with_password(store, attempt.email, attempt.password, attempt.workspace),
    )
    .await
}

/// Runs a password check for `email` (a sign-in, or accepting an
/// invitation with an existing account's password) under the sign-in
/// throttle: refused with [`AppError::Throttled`] while the account or the
/// address is locked (even with the right password), without running
/// `check`; a wrong password (`check` answers `Invalid` on `password`)
/// counts a failure against both, and locks whichever reaches its rule's
/// limit (logged with `tracing::warn!`); a success clears the account's
/// count.
pub async fn guard<T>(
    store: &dyn Store,
    email: &str,
    client: Option<IpAddr>,
    now: Timestamp,
    check: impl std::future::Future<Output = AppResult<T>>,
) -> AppResult<T> {
    let mut keys = vec![(account_key(email), PER_ACCOUNT)];
    if let Some(ip) = client {
        keys.push((address_key(ip), PER_ADDRESS));
    }
    let names: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
    let locked_until = store
        .sign_in_throttle(&names)
        .await?
        .iter()
        .filter_map(|s| s.locked_until)
        .filter(|until| *until > now)
        .max();
    if let Some(until) = locked_until {
        return Err(AppError::Throttled {
            retry_after_secs: seconds_until(until, now),
        });
    }
    match check.await {
        Ok(done) => {
            store.clear_sign_in_throttle(&names[0]).await?;
            Ok(done)
        }
        Err(AppError::Invalid(problems)) if problems.iter().any(|p| p.field == "password") => {
            let mut retry_after = None;
            for (key, rule) in &keys {
                let window_start =
                    now - chrono::Duration::from_std(rule.window).unwrap_or_default();
                let state = store.record_sign_in_failure(key, now, window_start).await?;
                if state.failures >= rule.max_failures {
                    let (locks, length) = lock_length(rule, &state, now);
                    let until = now + chrono::Duration::from_std(length).unwrap_or_default();
                    store.lock_sign_in(key, now, until, locks).await?;
                    tracing::warn!(
                        key = %key,
                        failures = state.failures,
                        lock = locks,
                        seconds = length.as_secs(),
                        "sign-in locked after repeated failures"
                    );
                    retry_after = retry_after.max(Some(length.as_secs().max(1)));
                    // Keys idle for longer than locks are remembered go, so
                    // the table stays as small as the recent failures.
                    let stale = now
                        - chrono::Duration::from_std(rule.forget_locks_after).unwrap_or_default();
                    store.purge_sign_in_throttle(stale).await?;
                }
            }
            match retry_after {
                // The failure that locks is answered as the lock, so the
                // client learns when to try again.
                Some(retry_after_secs) => Err(AppError::Throttled { retry_after_secs }),
                None => Err(AppError::Invalid(problems)),
            }
        }
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn state(locks: i64, locked_until: Option<Timestamp>) -> ThrottleState {
        ThrottleState {
            key: "email:a@b.c".into(),
            failures: 5,
            window_start: chrono::Utc.timestamp_opt(0, 0).unwrap(),
            locks,
            locked_until,
        }
    }

    #[test]
    fn each_lock_lasts_twice_the_last_up_to_the_cap() {
        let now = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
        let recent = Some(now - chrono::Duration::minutes(5));
        let lengths: Vec<u64> = (0..9)
            .map(|locks| {
                lock_length(&PER_ACCOUNT, &state(locks, recent), now)
                    .1
                    .as_secs()
                    / 60
            })
            .collect();
        assert_eq!(lengths, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(lock_length(&PER_ACCOUNT, &state(3, recent), now).0, 4);
    }

    #[test]
    fn locks_long_past_are_forgotten() {
        let now = chrono::Utc.with_ymd_and_hms(2026, 1, 2, 12, 0, 0).unwrap();
        let long_ago = Some(now - chrono::Duration::days(2));
        assert_eq!(
            lock_length(&PER_ACCOUNT, &state(6, long_ago), now),
            (1, Duration::from_secs(60))
        );
    }

    #[test]
    fn an_ipv6_client_counts_by_its_prefix() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_eq!(address_key("192.0.2.7".parse().unwrap()), "ip:192.0.2.7");
        assert_eq!(
            address_key("::ffff:192.0.2.7".parse().unwrap()),
            "ip:192.0.2.7"
        );
        assert_eq!(account_key(" Ana@Example.com "), "email:ana@example.com");
    }
}
