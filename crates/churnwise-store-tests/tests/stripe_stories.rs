//! The storage suite of issue 15: a workspace's Stripe connection and the
//! webhook events applied. Every story runs on SQLite and on PostgreSQL.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test with its message"
)]

use chrono::Utc;
use churnwise_store::*;
use churnwise_store_tests::{on_both_backends, TestStore};

async fn a_connection_is_saved_found_by_endpoint_and_replaced(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("acme").await.unwrap().id;
    assert!(s.stripe_connection(ws).await.unwrap().is_none());
    let mut c = StripeConnection {
        ws,
        endpoint_id: "ep_0123456789abcdef".into(),
        api_key_sealed: Some("sealed-key".into()),
        webhook_secret_sealed: None,
        last_sync: None,
        updated_at: Utc::now(),
    };
    s.save_stripe_connection(&c).await.unwrap();
    let found = s.stripe_connection(ws).await.unwrap().unwrap();
    assert_eq!(found.api_key_sealed.as_deref(), Some("sealed-key"));
    let by_endpoint = s
        .stripe_connection_by_endpoint("ep_0123456789abcdef")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_endpoint.ws, ws);
    assert!(s
        .stripe_connection_by_endpoint("ep_other")
        .await
        .unwrap()
        .is_none());
    c.api_key_sealed = None;
    c.webhook_secret_sealed = Some("sealed-secret".into());
    s.save_stripe_connection(&c).await.unwrap();
    s.set_stripe_last_sync(ws, r#"{"created":1}"#)
        .await
        .unwrap();
    let found = s.stripe_connection(ws).await.unwrap().unwrap();
    assert_eq!(found.api_key_sealed, None);
    assert_eq!(
        found.webhook_secret_sealed.as_deref(),
        Some("sealed-secret")
    );
    assert_eq!(found.last_sync.as_deref(), Some(r#"{"created":1}"#));
    let other = s.ensure_workspace("other").await.unwrap().id;
    assert!(matches!(
        s.set_stripe_last_sync(other, "{}").await,
        Err(StoreError::NotFound)
    ));
}

async fn an_event_is_applied_once_and_older_events_of_its_object_are_stale(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("acme").await.unwrap().id;
    let other = s.ensure_workspace("other").await.unwrap().id;
    let now = Utc::now();
    assert_eq!(
        s.check_stripe_event(ws, "evt_2", "sub_1", 200)
            .await
            .unwrap(),
        StripeEventCheck::Fresh
    );
    s.record_stripe_event(ws, "evt_2", "sub_1", 200, now)
        .await
        .unwrap();
    assert_eq!(
        s.check_stripe_event(ws, "evt_2", "sub_1", 200)
            .await
            .unwrap(),
        StripeEventCheck::Replay
    );
    assert_eq!(
        s.check_stripe_event(ws, "evt_1", "sub_1", 100)
            .await
            .unwrap(),
        StripeEventCheck::Stale
    );
    assert_eq!(
        s.check_stripe_event(ws, "evt_3", "sub_1", 200)
            .await
            .unwrap(),
        StripeEventCheck::Fresh
    );
    // Recording an older event never moves the object's time back.
    s.record_stripe_event(ws, "evt_1", "sub_1", 100, now)
        .await
        .unwrap();
    assert_eq!(
        s.check_stripe_event(ws, "evt_0", "sub_1", 150)
            .await
            .unwrap(),
        StripeEventCheck::Stale
    );
    // Another workspace has its own events and objects.
    assert_eq!(
        s.check_stripe_event(other, "evt_2", "sub_1", 50)
            .await
            .unwrap(),
        StripeEventCheck::Fresh
    );
}

on_both_backends!(
    a_connection_is_saved_found_by_endpoint_and_replaced,
    an_event_is_applied_once_and_older_events_of_its_object_are_stale,
);
