//! The storage suite of records changed after entry (issue #12, helper
//! "entry"): a subscription segment's fields replaced, a contact's fields
//! replaced (one primary contact per client), a contact removed; each only
//! within its client and workspace. Every story runs on SQLite and on
//! PostgreSQL.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test with its message"
)]

use chrono::NaiveDate;
use churnwise_domain::registry::ClientStatus;
use churnwise_domain::Money;
use churnwise_store::*;
use churnwise_store_tests::{on_both_backends, TestStore};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn client(s: &dyn Store, ws: WorkspaceId, name: &str) -> ClientId {
    s.create_client(
        ws,
        NewClient {
            external_id: None,
            name: name.into(),
            status: ClientStatus::Active,
            owner: None,
            segment: None,
            keep_in_touch_days: 30,
            notes: None,
        },
    )
    .await
    .unwrap()
    .id
}

fn segment(reference: &str, start: &str, end: Option<&str>, cents: i64) -> NewSubscription {
    NewSubscription {
        subscription_ref: reference.into(),
        plan: Some("Care".into()),
        mrr: Money::from_cents(cents),
        started_on: day(start),
        ended_on: end.map(day),
        notice_period_days: Some(30),
        minimum_term_months: None,
    }
}

fn person(name: &str, primary: bool) -> NewContact {
    NewContact {
        name: name.into(),
        role: None,
        email: None,
        phone: None,
        is_primary: primary,
    }
}

async fn a_segment_is_replaced_only_within_its_client_and_workspace(t: TestStore) {
    let s = t.store.as_ref();
    let ws = s.ensure_workspace("a").await.unwrap();
    let other = s.ensure_workspace("b").await.unwrap();
    let lola = client(s, ws.id, "Lola").await;
    let pepa = client(s, ws.id, "Pepa").await;
    let first = s
        .add_subscription(
            ws.id,
            lola,
            segment("S1", "2024-01-01", Some("2024-03-01"), 4990),
        )
        .await
        .unwrap();
    s.add_subscription(ws.id, lola, segment("S1", "2024-03-01", None, 5900))
        .await
        .unwrap();

    let changed = s
        .update_subscription(
            ws.id,
            lola,
            first.id,
            NewSubscription {
                plan: None,
                notice_period_days: None,
                minimum_term_months: Some(12),
                ..segment("S1", "2023-12-01", Some("2024-03-01"), 5500)
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(changed.id, first.id);
    assert_eq!(changed.mrr, Money::from_cents(5500));
    assert_eq!(changed.started_on, day("2023-12-01"));
    assert_eq!(changed.plan, None);
    assert_eq!(changed.notice_period_days, None);
    assert_eq!(changed.minimum_term_months, Some(12));
    let listed = s.list_subscriptions(ws.id, lola).await.unwrap();
    assert_eq!(listed[0], changed);

    // The same start as another segment of the subscription is a conflict
    // on started_on, and nothing changes.
    let taken = s
        .update_subscription(ws.id, lola, first.id, segment("S1", "2024-03-01", None, 1))
        .await
        .unwrap_err();
    assert!(
        matches!(&taken, StoreError::Conflict { field, .. } if field == "started_on"),
        "{taken:?}"
    );
    assert_eq!(s.list_subscriptions(ws.id, lola).await.unwrap(), listed);

    // Another client of the workspace, or another workspace, finds nothing.
    let new = segment("S1", "2020-01-01", None, 1);
    assert_eq!(
        s.update_subscription(ws.id, pepa, first.id, new.clone())
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        s.update_subscription(other.id, lola, first.id, new)
            .await
            .unwrap(),
        None
    );
    assert_eq!(s.list_subscriptions(ws.id, lola).await.unwrap(), listed);
}

async fn a_contact_is_replaced_and_removed_and_one_stays_primary(t: TestStore) {
    let s = t.store.as_ref();
    let ws = s.ensure_workspace("a").await.unwrap();
    let other = s.ensure_workspace("b").await.unwrap();
    let lola = client(s, ws.id, "Lola").await;
    let pepa = client(s, ws.id, "Pepa").await;
    let ana = s
        .add_contact(ws.id, lola, person("Ana", true))
        .await
        .unwrap();
    let bea = s
        .add_contact(ws.id, lola, person("Bea", false))
        .await
        .unwrap();
    let pepas = s
        .add_contact(ws.id, pepa, person("Carmen", true))
        .await
        .unwrap();

    let changed = s
        .update_contact(
            ws.id,
            lola,
            bea.id,
            NewContact {
                role: Some("Manager".into()),
                email: Some("bea@example.com".into()),
                ..person("Beatriz", true)
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(changed.name, "Beatriz");
    assert_eq!(changed.email.as_deref(), Some("bea@example.com"));
    let listed = s.list_contacts(ws.id, lola).await.unwrap();
    assert_eq!(listed[0], changed, "the primary contact comes first");
    assert!(
        !listed[1].is_primary,
        "{} stopped being primary",
        listed[1].name
    );
    assert_eq!(listed[1].id, ana.id);
    // Another client's primary contact is left alone.
    assert!(s.list_contacts(ws.id, pepa).await.unwrap()[0].is_primary);

    // Other clients and workspaces find nothing to change or remove.
    assert_eq!(
        s.update_contact(ws.id, pepa, bea.id, person("X", false))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        s.update_contact(other.id, lola, bea.id, person("X", false))
            .await
            .unwrap(),
        None
    );
    assert!(!s.remove_contact(ws.id, lola, pepas.id).await.unwrap());
    assert!(!s.remove_contact(other.id, lola, ana.id).await.unwrap());
    assert_eq!(s.list_contacts(ws.id, lola).await.unwrap(), listed);

    assert!(s.remove_contact(ws.id, lola, ana.id).await.unwrap());
    assert!(!s.remove_contact(ws.id, lola, ana.id).await.unwrap());
    let left = s.list_contacts(ws.id, lola).await.unwrap();
    assert_eq!(left, [changed]);
    assert_eq!(s.list_contacts(ws.id, pepa).await.unwrap(), [pepas]);
}

on_both_backends!(
    a_segment_is_replaced_only_within_its_client_and_workspace,
    a_contact_is_replaced_and_removed_and_one_stays_primary,
);
