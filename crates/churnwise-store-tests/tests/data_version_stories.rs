//! The storage suite of issue 14's metrics cache: the workspace's data
//! version moves with every write to clients, subscriptions or invoices,
//! from any process, and with nothing else. Every story runs on SQLite and
//! on PostgreSQL.

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

fn client(name: &str) -> NewClient {
    NewClient {
        external_id: None,
        name: name.into(),
        status: ClientStatus::Active,
        owner: None,
        segment: None,
        keep_in_touch_days: 30,
        notes: None,
    }
}

async fn every_write_to_billing_rows_moves_the_version_and_nothing_else_does(t: TestStore) {
    let s = t.store.clone();
    let ws = s.ensure_workspace("acme").await.unwrap().id;
    let other = s.ensure_workspace("other").await.unwrap().id;
    let mut seen = vec![s.data_version(ws).await.unwrap()];
    let other_at_start = s.data_version(other).await.unwrap();
    let mut moved = |v: String, what: &str| {
        assert!(
            !seen.contains(&v),
            "{what}: the version {v} was seen before ({seen:?})"
        );
        seen.push(v);
    };

    let c = s.create_client(ws, client("Acme")).await.unwrap();
    moved(s.data_version(ws).await.unwrap(), "a new client");
    let sub = NewSubscription {
        subscription_ref: "s1".into(),
        plan: None,
        mrr: Money::from_cents(4_900),
        started_on: day("2026-01-01"),
        ended_on: None,
        notice_period_days: None,
        minimum_term_months: None,
    };
    s.add_subscription(ws, c.id, sub).await.unwrap();
    moved(s.data_version(ws).await.unwrap(), "a new segment");
    let invoice = s
        .add_invoice(
            ws,
            c.id,
            NewInvoice {
                invoice_ref: "i1".into(),
                amount: Money::from_cents(4_900),
                issued_on: None,
                due_on: day("2026-02-01"),
                paid_on: None,
            },
        )
        .await
        .unwrap();
    moved(s.data_version(ws).await.unwrap(), "a new invoice");
    s.set_invoice_paid(ws, invoice.id, Some(day("2026-02-03")))
        .await
        .unwrap();
    moved(s.data_version(ws).await.unwrap(), "an invoice paid");

    // Another process's write moves it too, as this process reads it.
    let elsewhere = t.another_process().await;
    elsewhere.create_client(ws, client("Bolt")).await.unwrap();
    moved(
        s.data_version(ws).await.unwrap(),
        "a client from another process",
    );
    assert_eq!(
        elsewhere.data_version(ws).await.unwrap(),
        s.data_version(ws).await.unwrap()
    );

    // Contacts do not count, folding the change marks changes nothing, and
    // the other workspace never moved.
    let before = s.data_version(ws).await.unwrap();
    s.add_contact(
        ws,
        c.id,
        NewContact {
            name: "Ana".into(),
            role: None,
            email: None,
            phone: None,
            is_primary: true,
        },
    )
    .await
    .unwrap();
    s.prune_data_versions().await.unwrap();
    s.prune_data_versions().await.unwrap();
    assert_eq!(s.data_version(ws).await.unwrap(), before);
    assert_eq!(s.data_version(other).await.unwrap(), other_at_start);

    // After folding, the next write still moves it to a value never seen.
    s.create_client(ws, client("Cobalt")).await.unwrap();
    moved(s.data_version(ws).await.unwrap(), "a client after folding");
}

async fn an_import_moves_the_version_once_it_is_stored(t: TestStore) {
    let s = t.store.clone();
    let ws = s.ensure_workspace("acme").await.unwrap().id;
    let before = s.data_version(ws).await.unwrap();
    let rows = (0..1_200)
        .map(|i| CustomerImport {
            external_id: format!("c{i}"),
            name: format!("Customer {i}"),
            owner: None,
            segment: None,
        })
        .collect();
    s.import_customers(ws, rows, &|_| {}).await.unwrap();
    let after = s.data_version(ws).await.unwrap();
    assert_ne!(after, before);
    // A rejected import writes nothing, so the version stays.
    let bad = vec![SubscriptionImport {
        line: 2,
        subscription_ref: "s".into(),
        customer_ref: "nobody".into(),
        plan: None,
        mrr: Money::from_cents(100),
        started_on: day("2026-01-01"),
        ended_on: None,
    }];
    assert!(s.import_subscriptions(ws, bad, &|_| {}).await.is_err());
    assert_eq!(s.data_version(ws).await.unwrap(), after);
}

/// The client list's totals are kept by data version: each must follow
/// every write, from this process or another, in the right workspace.
async fn list_totals_follow_every_write_to_clients(t: TestStore) {
    let s = t.store.clone();
    let ws = s.ensure_workspace("acme").await.unwrap().id;
    let other = s.ensure_workspace("other").await.unwrap().id;
    let total = |ws: WorkspaceId, filter: ClientFilter| {
        let s = s.clone();
        async move { s.list_clients(ws, &filter).await.unwrap().total }
    };
    let everyone = ClientFilter::default;
    let former = || ClientFilter {
        status: Some(ClientStatus::Former),
        ..ClientFilter::default()
    };
    let named = |q: &str| ClientFilter {
        search: Some(q.into()),
        ..ClientFilter::default()
    };
    let a = s.create_client(ws, client("Acme")).await.unwrap();
    s.create_client(ws, client("Bolt")).await.unwrap();
    assert_eq!(total(ws, everyone()).await, 2);
    assert_eq!(total(ws, former()).await, 0);
    assert_eq!(total(ws, named("acm")).await, 1);
    assert_eq!(total(other, everyone()).await, 0);
    // Asked again (from the cache), the same.
    assert_eq!(total(ws, everyone()).await, 2);

    s.create_client(ws, client("Acme Two")).await.unwrap();
    assert_eq!(total(ws, everyone()).await, 3);
    assert_eq!(total(ws, named("acm")).await, 2);
    s.update_client(
        ws,
        a.id,
        ClientPatch {
            status: Some(ClientStatus::Former),
            ..ClientPatch::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(total(ws, former()).await, 1);
    s.update_client(
        ws,
        a.id,
        ClientPatch {
            name: Some("Zeta".into()),
            ..ClientPatch::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(total(ws, named("acm")).await, 1);

    // Another process's write shows on this process's next read.
    let elsewhere = t.another_process().await;
    elsewhere
        .create_client(ws, client("Acme Three"))
        .await
        .unwrap();
    assert_eq!(total(ws, everyone()).await, 4);
    assert_eq!(total(ws, named("acm")).await, 2);
    elsewhere
        .create_client(other, client("Other"))
        .await
        .unwrap();
    assert_eq!(total(other, everyone()).await, 1);
    assert_eq!(total(ws, everyone()).await, 4);
}

/// The metrics' invoice groups (sums per due and payment day, kept by
/// triggers since migration 0034) after each kind of write equal the
/// groups summed from the invoices themselves, in each workspace.
async fn invoice_day_totals_follow_every_write_to_invoices(t: TestStore) {
    let s = t.store.clone();
    let ws = s.ensure_workspace("acme").await.unwrap().id;
    let other = s.ensure_workspace("other").await.unwrap().id;
    let customers = |n: usize| {
        (0..n)
            .map(|i| CustomerImport {
                external_id: format!("c{i}"),
                name: format!("Customer {i}"),
                owner: None,
                segment: None,
            })
            .collect::<Vec<_>>()
    };
    s.import_customers(ws, customers(3), &|_| {}).await.unwrap();
    s.import_customers(other, customers(1), &|_| {})
        .await
        .unwrap();
    let invoice =
        |i: u64, customer: &str, cents: i64, due: &str, paid: Option<&str>| InvoiceImport {
            line: i + 2,
            invoice_ref: format!("i{i}"),
            customer_ref: customer.into(),
            amount: Money::from_cents(cents),
            issued_on: None,
            due_on: day(due),
            paid_on: paid.map(day),
        };
    // Groups from the invoices of every client, the metrics' groups sorted alike.
    let check = |what: &'static str, ws: WorkspaceId| {
        let s = s.clone();
        async move {
            let mut expected: std::collections::BTreeMap<
                (NaiveDate, Option<NaiveDate>),
                (i64, i64),
            > = Default::default();
            for id in s.all_client_ids(ws).await.unwrap() {
                for i in s.list_invoices(ws, id).await.unwrap() {
                    let e = expected.entry((i.due_on, i.paid_on)).or_default();
                    e.0 += i.amount.cents();
                    e.1 += 1;
                }
            }
            let mut got: Vec<_> = s
                .metrics_data(ws)
                .await
                .unwrap()
                .invoices
                .iter()
                .map(|g| ((g.due_on, g.paid_on), (g.amount.cents(), g.count)))
                .collect();
            got.sort();
            assert_eq!(got, expected.into_iter().collect::<Vec<_>>(), "{what}");
        }
    };

    let first = vec![
        invoice(0, "c0", 1_000, "2026-01-01", Some("2026-01-03")),
        invoice(1, "c1", 2_500, "2026-01-01", Some("2026-01-03")),
        invoice(2, "c2", 700, "2026-01-01", None),
        invoice(3, "c0", 1_000, "2026-02-01", None),
        invoice(4, "c1", 300, "2026-02-01", None),
    ];
    s.import_invoices(ws, first, &|_| {}).await.unwrap();
    s.import_invoices(
        other,
        vec![invoice(0, "c0", 99, "2026-01-01", None)],
        &|_| {},
    )
    .await
    .unwrap();
    check("a first import", ws).await;
    check("the other workspace", other).await;

    // A re-import moves amounts, payment and due days, and leaves some alone.
    let again = vec![
        invoice(0, "c0", 1_000, "2026-01-01", Some("2026-01-03")),
        invoice(1, "c1", 2_600, "2026-01-01", Some("2026-01-03")),
        invoice(2, "c2", 700, "2026-01-01", Some("2026-01-20")),
        invoice(3, "c0", 1_000, "2026-02-05", None),
        invoice(4, "c1", 300, "2026-02-01", Some("2026-02-02")),
        invoice(5, "c2", 800, "2026-02-01", None),
    ];
    s.import_invoices(ws, again, &|_| {}).await.unwrap();
    check("a re-import", ws).await;

    // One invoice added, paid, unpaid again; one group emptied by a payment.
    let c2 = s.all_client_ids(ws).await.unwrap()[2];
    let added = s
        .add_invoice(
            ws,
            c2,
            NewInvoice {
                invoice_ref: "form".into(),
                amount: Money::from_cents(4_900),
                issued_on: None,
                due_on: day("2026-03-01"),
                paid_on: None,
            },
        )
        .await
        .unwrap();
    check("an invoice added", ws).await;
    s.set_invoice_paid(ws, added.id, Some(day("2026-03-02")))
        .await
        .unwrap();
    check("an invoice paid", ws).await;
    s.set_invoice_paid(ws, added.id, None).await.unwrap();
    check("a payment cleared", ws).await;

    // Invoices removed (as the Stripe sync removes deleted drafts).
    let removed = s
        .remove_invoices_by_ref(ws, &["i1".into(), "i5".into(), "form".into()])
        .await
        .unwrap();
    assert_eq!(removed, 3);
    check("invoices removed", ws).await;
    check("the other workspace at the end", other).await;
}

on_both_backends!(
    every_write_to_billing_rows_moves_the_version_and_nothing_else_does,
    an_import_moves_the_version_once_it_is_stored,
    list_totals_follow_every_write_to_clients,
    invoice_day_totals_follow_every_write_to_invoices,
);
