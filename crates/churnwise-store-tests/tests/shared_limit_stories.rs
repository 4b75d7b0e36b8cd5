//! The storage suite of issue 14's scale-out: request counts shared by
//! every server process on the database. Every story runs on SQLite and on
//! PostgreSQL.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test with its message"
)]

use churnwise_store_tests::{on_both_backends, TestStore};

async fn requests_are_counted_per_key_and_window_across_processes(t: TestStore) {
    let s = t.store.clone();
    let elsewhere = t.another_process().await;
    assert_eq!(s.count_request("survey:1.2.3.4", 600).await.unwrap(), 1);
    assert_eq!(
        elsewhere
            .count_request("survey:1.2.3.4", 600)
            .await
            .unwrap(),
        2
    );
    assert_eq!(s.count_request("survey:1.2.3.4", 600).await.unwrap(), 3);
    // Another address, another window: counted apart.
    assert_eq!(s.count_request("survey:5.6.7.8", 600).await.unwrap(), 1);
    assert_eq!(s.count_request("survey:1.2.3.4", 660).await.unwrap(), 1);
    // Old windows go; the current one stays.
    assert_eq!(s.forget_request_counts(660).await.unwrap(), 2);
    assert_eq!(s.count_request("survey:1.2.3.4", 660).await.unwrap(), 2);
    assert_eq!(s.count_request("survey:1.2.3.4", 600).await.unwrap(), 1);
}

on_both_backends!(requests_are_counted_per_key_and_window_across_processes,);
