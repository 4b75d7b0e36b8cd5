//! The storage suite of sign-in throttling (issue #11): failures counted
//! per key within a window, locks, clearing, and one count shared by every
//! process on the same database; every story runs on SQLite and PostgreSQL.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test with its message"
)]

use chrono::{Duration, TimeZone, Utc};
use churnwise_store::*;
use churnwise_store_tests::{on_both_backends, TestStore};

fn at(minute: i64) -> Timestamp {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap() + Duration::minutes(minute)
}

async fn failures_count_within_their_window_and_restart_after_it(t: TestStore) {
    let s = t.store;
    let key = "email:ana@example.com";
    for (minute, expected) in [(0, 1), (1, 2), (14, 3)] {
        let state = s
            .record_sign_in_failure(key, at(minute), at(minute - 15))
            .await
            .unwrap();
        assert_eq!((state.failures, state.window_start), (expected, at(0)));
        assert_eq!((state.locks, state.locked_until), (0, None));
    }
    // The count began at 0; at 16 it began more than 15 minutes ago.
    let state = s.record_sign_in_failure(key, at(16), at(1)).await.unwrap();
    assert_eq!((state.failures, state.window_start), (1, at(16)));
    // Another key has its own count.
    let other = s
        .record_sign_in_failure("ip:192.0.2.7", at(16), at(1))
        .await
        .unwrap();
    assert_eq!(other.failures, 1);
    assert_eq!(
        s.sign_in_throttle(&["email:nobody@example.com".to_string()])
            .await
            .unwrap(),
        Vec::new()
    );
}

async fn a_lock_is_kept_until_cleared_and_restarts_the_count(t: TestStore) {
    let s = t.store;
    let key = "email:ana@example.com";
    for minute in 0..5 {
        s.record_sign_in_failure(key, at(minute), at(minute - 15))
            .await
            .unwrap();
    }
    s.lock_sign_in(key, at(5), at(6), 1).await.unwrap();
    let found = s.sign_in_throttle(&[key.to_string()]).await.unwrap();
    assert_eq!(
        found,
        vec![ThrottleState {
            key: key.into(),
            failures: 0,
            window_start: at(5),
            locks: 1,
            locked_until: Some(at(6)),
        }]
    );
    let next = s.record_sign_in_failure(key, at(7), at(-8)).await.unwrap();
    assert_eq!(
        (next.failures, next.locks, next.locked_until),
        (1, 1, Some(at(6)))
    );
    s.clear_sign_in_throttle(key).await.unwrap();
    assert!(s
        .sign_in_throttle(&[key.to_string()])
        .await
        .unwrap()
        .is_empty());
}

async fn two_processes_on_one_database_share_the_count(t: TestStore) {
    let a = t.store.clone();
    let b = t.another_process().await;
    let key = "email:ana@example.com";
    let mut tasks = Vec::new();
    for i in 0..20 {
        let s = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            s.record_sign_in_failure(key, at(1), at(-14)).await.unwrap()
        }));
    }
    let mut counts = Vec::new();
    for task in tasks {
        counts.push(task.await.unwrap().failures);
    }
    counts.sort_unstable();
    // Every failure counted once, whichever process saw it.
    assert_eq!(counts, (1..=20).collect::<Vec<i64>>());
    b.lock_sign_in(key, at(2), at(10), 1).await.unwrap();
    let seen_by_a = a.sign_in_throttle(&[key.to_string()]).await.unwrap();
    assert_eq!(seen_by_a[0].locked_until, Some(at(10)));
}

async fn keys_idle_for_long_are_purged(t: TestStore) {
    let s = t.store;
    s.record_sign_in_failure("ip:192.0.2.1", at(0), at(-15))
        .await
        .unwrap();
    s.lock_sign_in("ip:192.0.2.2", at(0), at(60), 1)
        .await
        .unwrap();
    s.record_sign_in_failure("ip:192.0.2.3", at(50), at(35))
        .await
        .unwrap();
    // Before minute 30: the first went idle, the second is still locked.
    assert_eq!(s.purge_sign_in_throttle(at(30)).await.unwrap(), 1);
    let keys: Vec<String> = (1..=3).map(|i| format!("ip:192.0.2.{i}")).collect();
    let left: Vec<String> = s
        .sign_in_throttle(&keys)
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.key)
        .collect();
    assert_eq!(left, ["ip:192.0.2.2", "ip:192.0.2.3"]);
}

on_both_backends!(
    keys_idle_for_long_are_purged,
    failures_count_within_their_window_and_restart_after_it,
    a_lock_is_kept_until_cleared_and_restarts_the_count,
    two_processes_on_one_database_share_the_count,
);
