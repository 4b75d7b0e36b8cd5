//! The storage suite: every story runs on SQLite and on PostgreSQL.

#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test code: a failed unwrap is a failed test with its message, and test data is small"
)]

use chrono::{Duration, NaiveDate, Utc};
use churnwise_domain::registry::{ClientStatus, InteractionKind, Role};
use churnwise_domain::Money;
use churnwise_store::*;
use churnwise_store_tests::{on_both_backends, TestStore};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn new_client(name: &str) -> NewClient {
    NewClient {
        external_id: None,
        name: name.to_string(),
        status: ClientStatus::Active,
        owner: Some("ana".into()),
        segment: Some("smb".into()),
        keep_in_touch_days: 30,
        notes: None,
    }
}

fn customer(id: &str, name: &str) -> CustomerImport {
    CustomerImport {
        external_id: id.into(),
        name: name.into(),
        owner: None,
        segment: None,
    }
}

fn segment(
    line: u64,
    sub: &str,
    customer: &str,
    cents: i64,
    start: &str,
    end: Option<&str>,
) -> SubscriptionImport {
    SubscriptionImport {
        line,
        subscription_ref: sub.into(),
        customer_ref: customer.into(),
        plan: Some("pro".into()),
        mrr: Money::from_cents(cents),
        started_on: day(start),
        ended_on: end.map(day),
    }
}

async fn a_created_client_is_listed_filtered_and_paginated(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    for name in ["Acme", "Beta Labs", "acme two", "Gamma"] {
        s.create_client(ws, new_client(name)).await.unwrap();
    }
    let mut other = new_client("Delta");
    other.owner = Some("bruno".into());
    other.status = ClientStatus::Former;
    s.create_client(ws, other).await.unwrap();

    let all = s.list_clients(ws, &ClientFilter::default()).await.unwrap();
    assert_eq!(all.total, 5);
    let names: Vec<_> = all.items.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Acme", "Beta Labs", "Delta", "Gamma", "acme two"]);

    let search = ClientFilter {
        search: Some("ACME".into()),
        ..ClientFilter::default()
    };
    assert_eq!(s.list_clients(ws, &search).await.unwrap().total, 2);
    let by_owner = ClientFilter {
        owner: Some("bruno".into()),
        ..ClientFilter::default()
    };
    assert_eq!(
        s.list_clients(ws, &by_owner).await.unwrap().items[0].name,
        "Delta"
    );
    let former = ClientFilter {
        status: Some(ClientStatus::Former),
        ..ClientFilter::default()
    };
    assert_eq!(s.list_clients(ws, &former).await.unwrap().total, 1);
    let page2 = ClientFilter {
        page: 2,
        per_page: 2,
        ..ClientFilter::default()
    };
    let p = s.list_clients(ws, &page2).await.unwrap();
    assert_eq!(
        (p.total, p.items.len(), p.items[0].name.as_str()),
        (5, 2, "Delta")
    );
    let wildcard = ClientFilter {
        search: Some("%".into()),
        ..ClientFilter::default()
    };
    assert_eq!(
        s.list_clients(ws, &wildcard).await.unwrap().total,
        0,
        "% is a literal, not a wildcard"
    );
}

async fn nothing_of_one_workspace_is_visible_or_writable_from_another(t: TestStore) {
    let s = t.store;
    let a = s.ensure_workspace("a").await.unwrap().id;
    let b = s.ensure_workspace("b").await.unwrap().id;
    let client = s.create_client(a, new_client("Secret")).await.unwrap();
    let invoice = s
        .add_invoice(
            a,
            client.id,
            NewInvoice {
                invoice_ref: "I1".into(),
                amount: Money::from_cents(100),
                issued_on: None,
                due_on: day("2024-01-10"),
                paid_on: None,
            },
        )
        .await
        .unwrap();

    assert!(s.get_client(b, client.id).await.unwrap().is_none());
    assert!(s.find_client(b, "Secret").await.unwrap().is_none());
    assert!(s
        .find_client(b, &client.id.to_string())
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        s.list_clients(b, &ClientFilter::default())
            .await
            .unwrap()
            .total,
        0
    );
    let patch = ClientPatch {
        name: Some("Hacked".into()),
        ..ClientPatch::default()
    };
    assert!(s
        .update_client(b, client.id, patch)
        .await
        .unwrap()
        .is_none());
    assert!(matches!(
        s.list_contacts(b, client.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.list_invoices(b, client.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.list_subscriptions(b, client.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.list_interactions(b, client.id).await,
        Err(StoreError::NotFound)
    ));
    let contact = NewContact {
        name: "X".into(),
        role: None,
        email: None,
        phone: None,
        is_primary: false,
    };
    assert!(matches!(
        s.add_contact(b, client.id, contact).await,
        Err(StoreError::NotFound)
    ));
    assert!(s
        .set_invoice_paid(b, invoice.id, Some(day("2024-01-01")))
        .await
        .unwrap()
        .is_none());
    assert!(s.metrics_data(b).await.unwrap().customers.is_empty());
    assert_eq!(
        s.get_client(a, client.id).await.unwrap().unwrap().name,
        "Secret"
    );
    assert_eq!(
        s.list_invoices(a, client.id).await.unwrap()[0].paid_on,
        None
    );
}

async fn contacts_keep_one_primary_and_records_come_back_in_order(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    let c = s.create_client(ws, new_client("Acme")).await.unwrap();
    for (name, primary) in [("Zoe", true), ("Al", false), ("Bea", true)] {
        s.add_contact(
            ws,
            c.id,
            NewContact {
                name: name.into(),
                role: None,
                email: None,
                phone: None,
                is_primary: primary,
            },
        )
        .await
        .unwrap();
    }
    let contacts = s.list_contacts(ws, c.id).await.unwrap();
    let names: Vec<_> = contacts
        .iter()
        .map(|c| (c.name.as_str(), c.is_primary))
        .collect();
    assert_eq!(names, [("Bea", true), ("Al", false), ("Zoe", false)]);

    for (kind, d) in [
        (InteractionKind::Call, "2024-01-02"),
        (InteractionKind::Complaint, "2024-03-01"),
    ] {
        s.log_interaction(
            ws,
            c.id,
            NewInteraction {
                kind,
                occurred_on: day(d),
                author: Some("ana".into()),
                note: None,
            },
        )
        .await
        .unwrap();
    }
    let log = s.list_interactions(ws, c.id).await.unwrap();
    assert_eq!(log[0].kind, InteractionKind::Complaint);
    assert_eq!(log[1].occurred_on, day("2024-01-02"));
}

async fn an_external_id_is_unique_per_workspace_only(t: TestStore) {
    let s = t.store;
    let a = s.ensure_workspace("a").await.unwrap().id;
    let b = s.ensure_workspace("b").await.unwrap().id;
    let mut c = new_client("Acme");
    c.external_id = Some("C1".into());
    s.create_client(a, c.clone()).await.unwrap();
    s.create_client(b, c.clone()).await.unwrap();
    match s.create_client(a, c).await {
        Err(StoreError::Conflict { field, .. }) => assert_eq!(field, "external_id"),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn reimporting_the_same_rows_is_idempotent(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    let customers = vec![customer("C1", "Acme"), customer("C2", "Beta")];
    let first = s
        .import_customers(ws, customers.clone(), &no_progress)
        .await
        .unwrap();
    assert_eq!((first.inserted, first.updated), (2, 0));
    let again = s
        .import_customers(ws, customers, &no_progress)
        .await
        .unwrap();
    assert_eq!((again.inserted, again.updated), (0, 2));
    let segments = vec![
        segment(2, "S1", "C1", 4900, "2024-01-01", Some("2024-03-01")),
        segment(3, "S1", "C1", 9900, "2024-03-01", None),
        segment(4, "S2", "C2", 1000, "2024-02-15", None),
    ];
    s.import_subscriptions(ws, segments.clone(), &no_progress)
        .await
        .unwrap();
    let again = s
        .import_subscriptions(ws, segments, &no_progress)
        .await
        .unwrap();
    assert_eq!((again.inserted, again.updated), (0, 3));
    let data = s.metrics_data(ws).await.unwrap();
    assert_eq!(data.customers.len(), 2);
    assert_eq!(data.segments.len(), 3);
    assert_eq!(
        data.segments.iter().map(|x| x.mrr.cents()).sum::<i64>(),
        4900 + 9900 + 1000
    );
}

async fn an_import_naming_an_unknown_customer_changes_nothing(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    s.import_customers(ws, vec![customer("C1", "Acme")], &no_progress)
        .await
        .unwrap();
    let rows = vec![
        segment(2, "S1", "C1", 4900, "2024-01-01", None),
        segment(3, "S2", "NOPE", 4900, "2024-01-01", None),
    ];
    match s.import_subscriptions(ws, rows, &no_progress).await {
        Err(StoreError::Invalid(problems)) => {
            assert_eq!(problems.len(), 1);
            assert_eq!(
                (problems[0].line, problems[0].column.as_str()),
                (3, "customer_id")
            );
            assert!(problems[0].reason.contains("NOPE"));
        }
        other => panic!("expected invalid rows, got {other:?}"),
    }
    assert!(s.metrics_data(ws).await.unwrap().segments.is_empty());
}

async fn invoices_import_and_payments_are_recorded(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    s.import_customers(ws, vec![customer("C1", "Acme")], &no_progress)
        .await
        .unwrap();
    let rows = vec![InvoiceImport {
        line: 2,
        invoice_ref: "I1".into(),
        customer_ref: "C1".into(),
        amount: Money::from_cents(12_345),
        issued_on: Some(day("2024-01-01")),
        due_on: day("2024-01-31"),
        paid_on: None,
    }];
    s.import_invoices(ws, rows, &no_progress).await.unwrap();
    let client = s.find_client(ws, "C1").await.unwrap().unwrap();
    let invoices = s.list_invoices(ws, client.id).await.unwrap();
    assert_eq!(invoices[0].amount, Money::from_cents(12_345));
    let paid = s
        .set_invoice_paid(ws, invoices[0].id, Some(day("2024-02-03")))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(paid.paid_on, Some(day("2024-02-03")));
    let data = s.metrics_data(ws).await.unwrap();
    assert_eq!(data.invoices[0].paid_on, Some(day("2024-02-03")));
}

async fn sessions_expire_and_tokens_grant_the_members_role(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap();
    let other = s.ensure_workspace("b").await.unwrap();
    let user = s
        .upsert_user("ana@example.com", "$argon2id$fake")
        .await
        .unwrap();
    s.set_membership(user.id, ws.id, Role::Viewer)
        .await
        .unwrap();
    assert_eq!(s.count_users().await.unwrap(), 1);
    let now = Utc::now();
    s.create_session(NewSession {
        token_hash: "h1".into(),
        user: user.id,
        workspace: ws.id,
        csrf_token: "c1".into(),
        expires_at: now + Duration::hours(1),
    })
    .await
    .unwrap();
    let live = s.find_session("h1", now).await.unwrap().unwrap();
    assert_eq!(
        (live.access.role, live.csrf_token.as_str()),
        (Role::Viewer, "c1")
    );
    assert!(s
        .find_session("h1", now + Duration::hours(2))
        .await
        .unwrap()
        .is_none());
    assert!(matches!(
        s.switch_session_workspace("h1", other.id).await,
        Err(StoreError::NotFound)
    ));
    s.delete_session("h1").await.unwrap();
    assert!(s.find_session("h1", now).await.unwrap().is_none());

    s.create_api_token(NewApiToken {
        token_hash: "t1".into(),
        user: user.id,
        workspace: ws.id,
        name: "cli".into(),
    })
    .await
    .unwrap();
    let access = s.find_api_token("t1").await.unwrap().unwrap();
    assert_eq!(
        (access.workspace.name.as_str(), access.role),
        ("a", Role::Viewer)
    );
    assert!(s.find_api_token("t2").await.unwrap().is_none());
    let found = s
        .find_user_by_email("ana@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.password_hash, "$argon2id$fake");
    assert!(
        !format!("{found:?}").contains("fake"),
        "hashes stay out of Debug output"
    );
}

async fn tokens_are_listed_and_revoked_per_user_and_workspace(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap();
    let other = s.ensure_workspace("b").await.unwrap();
    let ana = s
        .upsert_user("ana@example.com", "$argon2id$fake")
        .await
        .unwrap();
    let bob = s
        .upsert_user("bob@example.com", "$argon2id$fake")
        .await
        .unwrap();
    s.set_membership(ana.id, ws.id, Role::Owner).await.unwrap();
    s.set_membership(bob.id, ws.id, Role::Viewer).await.unwrap();
    s.set_membership(ana.id, other.id, Role::Member)
        .await
        .unwrap();
    let token = |hash: &str, user: UserId, workspace: WorkspaceId, name: &str| NewApiToken {
        token_hash: hash.into(),
        user,
        workspace,
        name: name.into(),
    };
    let first = s
        .create_api_token(token("h1", ana.id, ws.id, "first"))
        .await
        .unwrap();
    s.create_api_token(token("h2", ana.id, other.id, "elsewhere"))
        .await
        .unwrap();
    s.create_api_token(token("h3", bob.id, ws.id, "bob's"))
        .await
        .unwrap();
    let mine = s.list_api_tokens(ws.id, ana.id).await.unwrap();
    assert_eq!(
        mine.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["first"]
    );
    assert!(!s.delete_api_token(ws.id, bob.id, first.id).await.unwrap());
    assert!(!s
        .delete_api_token(other.id, ana.id, first.id)
        .await
        .unwrap());
    assert!(s.delete_api_token(ws.id, ana.id, first.id).await.unwrap());
    assert!(s.find_api_token("h1").await.unwrap().is_none());
    assert!(s.find_api_token("h3").await.unwrap().is_some());
    let members = s.workspace_members(ws.id).await.unwrap();
    assert_eq!(
        members
            .iter()
            .map(|m| (m.user.email.as_str(), m.role))
            .collect::<Vec<_>>(),
        [
            ("ana@example.com", Role::Owner),
            ("bob@example.com", Role::Viewer)
        ]
    );
}

async fn clients_sort_and_facets_name_every_owner_and_segment(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap();
    let other = s.ensure_workspace("b").await.unwrap();
    for (name, owner, segment) in [
        ("Beta", Some("zoe"), Some("smb")),
        ("alpha", None, Some("enterprise")),
        ("Gamma", Some("ana"), None),
    ] {
        let mut c = new_client(name);
        c.owner = owner.map(Into::into);
        c.segment = segment.map(Into::into);
        s.create_client(ws.id, c).await.unwrap();
    }
    let mut hidden = new_client("Hidden");
    hidden.owner = Some("mallory".into());
    s.create_client(other.id, hidden).await.unwrap();
    let facets = s.client_facets(ws.id).await.unwrap();
    assert_eq!(facets.owners, ["ana", "zoe"]);
    assert_eq!(facets.segments, ["enterprise", "smb"]);
    let names = |page: Page<Client>| page.items.into_iter().map(|c| c.name).collect::<Vec<_>>();
    let sorted = |sort| ClientFilter {
        sort,
        ..ClientFilter::default()
    };
    assert_eq!(
        names(
            s.list_clients(ws.id, &sorted(ClientSort::Newest))
                .await
                .unwrap()
        ),
        ["Gamma", "alpha", "Beta"]
    );
    assert_eq!(
        names(
            s.list_clients(ws.id, &sorted(ClientSort::Oldest))
                .await
                .unwrap()
        ),
        ["Beta", "alpha", "Gamma"]
    );
    assert_eq!(
        names(
            s.list_clients(ws.id, &sorted(ClientSort::Owner))
                .await
                .unwrap()
        ),
        ["Gamma", "Beta", "alpha"]
    );
    let by_name = names(
        s.list_clients(ws.id, &sorted(ClientSort::Name))
            .await
            .unwrap(),
    );
    let by_name_desc = names(
        s.list_clients(ws.id, &sorted(ClientSort::NameDesc))
            .await
            .unwrap(),
    );
    assert_eq!(
        by_name.iter().rev().collect::<Vec<_>>(),
        by_name_desc.iter().collect::<Vec<_>>()
    );
    for (sort, key) in ClientSort::ALL {
        assert_eq!(ClientSort::from_key(key), Some(sort));
        assert_eq!(sort.key(), key);
    }
}

on_both_backends!(
    a_created_client_is_listed_filtered_and_paginated,
    nothing_of_one_workspace_is_visible_or_writable_from_another,
    contacts_keep_one_primary_and_records_come_back_in_order,
    an_external_id_is_unique_per_workspace_only,
    reimporting_the_same_rows_is_idempotent,
    an_import_naming_an_unknown_customer_changes_nothing,
    invoices_import_and_payments_are_recorded,
    sessions_expire_and_tokens_grant_the_members_role,
    tokens_are_listed_and_revoked_per_user_and_workspace,
    clients_sort_and_facets_name_every_owner_and_segment,
);
