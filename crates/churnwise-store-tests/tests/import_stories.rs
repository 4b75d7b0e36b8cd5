//! The storage suite of uploaded imports (issue #12): jobs and their
//! progress, saved column mappings, the natural keys a preview compares
//! with, and the imports of contacts and interactions (all or nothing,
//! re-import without duplicates). Every story runs on SQLite and on
//! PostgreSQL.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test with its message"
)]

use chrono::{NaiveDate, Utc};
use churnwise_domain::Money;
use churnwise_store::*;
use churnwise_store_tests::{on_both_backends, TestStore};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn workspace_with_customers(s: &dyn Store) -> WorkspaceId {
    let ws = s.ensure_workspace("W").await.unwrap().id;
    let rows = ["C1", "C2"]
        .iter()
        .map(|id| CustomerImport {
            external_id: id.to_string(),
            name: format!("Client {id}"),
            owner: None,
            segment: None,
        })
        .collect();
    s.import_customers(ws, rows, &|_| {}).await.unwrap();
    ws
}

async fn a_job_keeps_its_state_progress_and_outcome_per_workspace(t: TestStore) {
    let s = t.store.as_ref();
    let ws = s.ensure_workspace("W").await.unwrap().id;
    let other = s.ensure_workspace("Other").await.unwrap().id;
    let job = s
        .create_import_job(
            ws,
            NewImportJob {
                kind: "customers".into(),
                file_name: "c.csv".into(),
                upload_path: "/tmp/x.csv".into(),
                state: "uploaded".into(),
                mapping: Some("{\"name\":\"Company\"}".into()),
                created_by: "ana".into(),
                created_at: Utc::now(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (job.state.as_str(), job.rows_done, job.rows_total),
        ("uploaded", 0, 0)
    );
    let change = ImportJobUpdate {
        state: Some("writing".into()),
        rows_total: Some(10),
        rows_done: Some(4),
        ..ImportJobUpdate::default()
    };
    s.update_import_job(ws, job.id, change, Utc::now())
        .await
        .unwrap();
    let seen = s.import_job(ws, job.id).await.unwrap();
    assert_eq!(
        (seen.state.as_str(), seen.rows_done, seen.rows_total),
        ("writing", 4, 10)
    );
    assert_eq!(
        seen.mapping, job.mapping,
        "a change leaves the other fields"
    );
    assert!(matches!(
        s.import_job(other, job.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.update_import_job(other, job.id, ImportJobUpdate::default(), Utc::now())
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn a_saved_mapping_is_found_by_kind_and_headers_and_replaced(t: TestStore) {
    let s = t.store.as_ref();
    let ws = s.ensure_workspace("W").await.unwrap().id;
    assert_eq!(
        s.saved_import_mapping(ws, "customers", "a\u{1f}b")
            .await
            .unwrap(),
        None
    );
    s.save_import_mapping(ws, "customers", "a\u{1f}b", "{\"name\":\"a\"}", Utc::now())
        .await
        .unwrap();
    s.save_import_mapping(ws, "customers", "a\u{1f}b", "{\"name\":\"b\"}", Utc::now())
        .await
        .unwrap();
    assert_eq!(
        s.saved_import_mapping(ws, "customers", "a\u{1f}b")
            .await
            .unwrap()
            .as_deref(),
        Some("{\"name\":\"b\"}")
    );
    assert_eq!(
        s.saved_import_mapping(ws, "invoices", "a\u{1f}b")
            .await
            .unwrap(),
        None
    );
}

async fn contacts_are_matched_by_email_else_name_and_unknown_clients_refuse_all(t: TestStore) {
    let s = t.store.as_ref();
    let ws = workspace_with_customers(s).await;
    let contact = |line, client: &str, name: &str, email: Option<&str>, primary| ContactImport {
        line,
        customer_ref: client.into(),
        name: name.into(),
        role: None,
        email: email.map(str::to_string),
        phone: None,
        is_primary: primary,
    };
    let refused = s
        .import_contacts(
            ws,
            vec![
                contact(2, "C1", "Ana", None, false),
                contact(3, "C9", "Bo", None, false),
            ],
            &|_| {},
        )
        .await;
    assert!(matches!(refused, Err(StoreError::Invalid(p)) if p.len() == 1 && p[0].line == 3));
    assert!(
        s.import_keys(ws, "contacts").await.unwrap().is_empty(),
        "nothing written"
    );
    let first = vec![
        contact(2, "C1", "Ana", Some("ana@x.test"), true),
        contact(3, "C1", "Luis", None, false),
    ];
    let done = s.import_contacts(ws, first, &|_| {}).await.unwrap();
    assert_eq!((done.inserted, done.updated), (2, 0));
    let again = vec![
        contact(2, "C1", "Ana María", Some("ANA@x.test"), false),
        contact(3, "C1", "Luis", None, true),
    ];
    let done = s.import_contacts(ws, again, &|_| {}).await.unwrap();
    assert_eq!((done.inserted, done.updated), (0, 2));
    let client = s.client_ids_by_external(ws, &["C1".into()]).await.unwrap()[0];
    let list = s.list_contacts(ws, client).await.unwrap();
    assert_eq!(list.len(), 2);
    assert!(list.iter().any(|c| c.name == "Ana María" && !c.is_primary));
    assert!(list.iter().any(|c| c.name == "Luis" && c.is_primary));
    let keys = s.import_keys(ws, "contacts").await.unwrap();
    assert!(keys.contains(&contact_key("C1", "Ana María", Some("ana@x.test"))));
    assert!(keys.contains(&contact_key("C1", "Luis", None)));
}

async fn an_interaction_equal_to_a_stored_one_is_skipped(t: TestStore) {
    let s = t.store.as_ref();
    let ws = workspace_with_customers(s).await;
    let rows = || {
        vec![
            InteractionImport {
                line: 2,
                customer_ref: "C1".into(),
                kind: "call".into(),
                occurred_on: day("2024-03-01"),
                author: Some("ana".into()),
                note: Some("Renewal".into()),
            },
            InteractionImport {
                line: 3,
                customer_ref: "C2".into(),
                kind: "email".into(),
                occurred_on: day("2024-03-02"),
                author: None,
                note: None,
            },
        ]
    };
    let done = s.import_interactions(ws, rows(), &|_| {}).await.unwrap();
    assert_eq!((done.inserted, done.updated), (2, 0));
    let done = s.import_interactions(ws, rows(), &|_| {}).await.unwrap();
    assert_eq!((done.inserted, done.updated), (0, 2));
    let keys = s.import_keys(ws, "interactions").await.unwrap();
    assert_eq!(keys.len(), 2);
    assert!(keys.contains(&interaction_key(
        "C2",
        "email",
        day("2024-03-02"),
        None,
        None
    )));
}

/// Imports larger than one bulk statement (10,000 rows on PostgreSQL, 1,000
/// on SQLite): every row is stored with its empty fields, a re-import
/// counts updates and changes what it names, and an unknown customer on
/// the last row refuses the whole file.
async fn an_import_of_many_statements_stores_every_row_and_updates_on_reimport(t: TestStore) {
    let s = t.store.as_ref();
    let ws = workspace_with_customers(s).await;
    let base = day("2020-01-01");
    let invoices = |amount: i64| -> Vec<InvoiceImport> {
        (0..25_001)
            .map(|i| InvoiceImport {
                line: i + 2,
                invoice_ref: format!("INV-{i}"),
                customer_ref: if i % 2 == 0 { "C1" } else { "C2" }.to_string(),
                amount: Money::from_cents(amount + i as i64),
                issued_on: (i % 3 != 0).then_some(base),
                due_on: base + chrono::Days::new(i % 2_000),
                paid_on: (i % 5 != 0).then_some(base + chrono::Days::new(i % 2_000 + 3)),
            })
            .collect()
    };
    let first = s.import_invoices(ws, invoices(100), &|_| {}).await.unwrap();
    assert_eq!(
        (first.rows, first.inserted, first.updated),
        (25_001, 25_001, 0)
    );
    let again = s.import_invoices(ws, invoices(700), &|_| {}).await.unwrap();
    assert_eq!((again.inserted, again.updated), (0, 25_001));
    let c2 = s.find_client(ws, "C2").await.unwrap().unwrap().id;
    let stored = s.list_invoices(ws, c2).await.unwrap();
    assert_eq!(stored.len(), 12_500);
    let last = stored
        .iter()
        .find(|i| i.invoice_ref == "INV-24999")
        .unwrap();
    assert_eq!(last.amount, Money::from_cents(700 + 24_999));
    // 24,999 is a multiple of 3 (no issue day) and not of 5 (paid).
    assert_eq!(last.issued_on, None);
    assert_eq!(last.due_on, base + chrono::Days::new(24_999 % 2_000));
    assert_eq!(
        last.paid_on,
        Some(base + chrono::Days::new(24_999 % 2_000 + 3))
    );
    let next = stored
        .iter()
        .find(|i| i.invoice_ref == "INV-24995")
        .unwrap();
    assert_eq!((next.issued_on, next.paid_on), (Some(base), None));
    let unpaid = stored.iter().filter(|i| i.paid_on.is_none()).count();
    assert_eq!(
        unpaid,
        (0..25_001).filter(|i| i % 2 == 1 && i % 5 == 0).count()
    );

    let subscriptions: Vec<SubscriptionImport> = (0..12_001)
        .map(|i| SubscriptionImport {
            line: i + 2,
            subscription_ref: format!("SUB-{i}"),
            customer_ref: "C1".to_string(),
            plan: (i % 2 == 0).then(|| format!("Plan {i}")),
            mrr: Money::from_cents(1_000 + i as i64),
            started_on: base + chrono::Days::new(i % 700),
            ended_on: (i % 4 == 0).then_some(base + chrono::Days::new(i % 700 + 30)),
        })
        .collect();
    let mut refused = subscriptions.clone();
    refused.last_mut().unwrap().customer_ref = "nobody".to_string();
    assert!(matches!(
        s.import_subscriptions(ws, refused, &|_| {}).await,
        Err(StoreError::Invalid(_))
    ));
    let c1 = s.find_client(ws, "C1").await.unwrap().unwrap().id;
    assert!(s.list_subscriptions(ws, c1).await.unwrap().is_empty());
    let done = s
        .import_subscriptions(ws, subscriptions, &|_| {})
        .await
        .unwrap();
    assert_eq!((done.inserted, done.updated), (12_001, 0));
    let stored = s.list_subscriptions(ws, c1).await.unwrap();
    assert_eq!(stored.len(), 12_001);
    let one = stored
        .iter()
        .find(|x| x.subscription_ref == "SUB-12000")
        .unwrap();
    assert_eq!(one.plan.as_deref(), Some("Plan 12000"));
    assert_eq!(
        one.ended_on,
        Some(base + chrono::Days::new(12_000 % 700 + 30))
    );
    let other = stored
        .iter()
        .find(|x| x.subscription_ref == "SUB-11999")
        .unwrap();
    assert_eq!((other.plan.as_deref(), other.ended_on), (None, None));
    assert_eq!(other.mrr, Money::from_cents(1_000 + 11_999));
}

on_both_backends!(
    a_job_keeps_its_state_progress_and_outcome_per_workspace,
    a_saved_mapping_is_found_by_kind_and_headers_and_replaced,
    contacts_are_matched_by_email_else_name_and_unknown_clients_refuse_all,
    an_interaction_equal_to_a_stored_one_is_skipped,
    an_import_of_many_statements_stores_every_row_and_updates_on_reimport,
);
