//! The storage suite of issue 15's payment reminders: a reminder claimed
//! once per invoice and step (a failed one again, three attempts in all),
//! the invoices a run looks at, billing preferences and promises. Every
//! story runs on SQLite and on PostgreSQL.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test with its message"
)]

use chrono::NaiveDate;
use churnwise_domain::registry::ClientStatus;
use churnwise_domain::{Lang, Money};
use churnwise_store::*;
use churnwise_store_tests::{on_both_backends, TestStore};
use std::sync::Arc;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn client(s: &Arc<dyn Store>, ws: WorkspaceId, name: &str) -> ClientId {
    s.create_client(
        ws,
        NewClient {
            external_id: None,
            name: name.into(),
            status: ClientStatus::Active,
            owner: Some("ana".into()),
            segment: None,
            keep_in_touch_days: 30,
            notes: None,
        },
    )
    .await
    .unwrap()
    .id
}

async fn contact(
    s: &Arc<dyn Store>,
    ws: WorkspaceId,
    client: ClientId,
    email: &str,
    is_primary: bool,
) -> ContactId {
    s.add_contact(
        ws,
        client,
        NewContact {
            name: email.split('@').next().unwrap().into(),
            role: None,
            email: Some(email.into()),
            phone: None,
            is_primary,
        },
    )
    .await
    .unwrap()
    .id
}

async fn invoice(
    s: &Arc<dyn Store>,
    ws: WorkspaceId,
    client: ClientId,
    reference: &str,
    due_on: &str,
) -> InvoiceId {
    s.add_invoice(
        ws,
        client,
        NewInvoice {
            invoice_ref: reference.into(),
            amount: Money::from_cents(5000),
            issued_on: None,
            due_on: day(due_on),
            paid_on: None,
        },
    )
    .await
    .unwrap()
    .id
}

async fn a_reminder_is_claimed_once_per_invoice_and_step(t: TestStore) {
    let s = t.store.clone();
    let ws = s.ensure_workspace("acme").await.unwrap().id;
    let c = client(&s, ws, "Bakery").await;
    let inv = invoice(&s, ws, c, "INV-1", "2026-03-01").await;
    let today = day("2026-03-04");

    let id = s
        .claim_reminder(ws, c, inv, 0, today)
        .await
        .unwrap()
        .expect("first claim");
    assert_eq!(
        s.claim_reminder(ws, c, inv, 0, today).await.unwrap(),
        None,
        "being sent"
    );
    s.finish_reminder(id, Ok(())).await.unwrap();
    assert_eq!(
        s.claim_reminder(ws, c, inv, 0, day("2026-03-05"))
            .await
            .unwrap(),
        None,
        "sent, even on another day"
    );
    // Another process (another pool on the same database) cannot claim it
    // either.
    let other = t.another_process().await;
    assert_eq!(
        other.claim_reminder(ws, c, inv, 0, today).await.unwrap(),
        None
    );

    // A refused one is claimed again, three attempts in all.
    let second = s
        .claim_reminder(ws, c, inv, 1, today)
        .await
        .unwrap()
        .unwrap();
    for _ in 0..2 {
        s.finish_reminder(second, Err("refused".into()))
            .await
            .unwrap();
        assert_eq!(
            s.claim_reminder(ws, c, inv, 1, today).await.unwrap(),
            Some(second)
        );
    }
    s.finish_reminder(second, Err("refused".into()))
        .await
        .unwrap();
    assert_eq!(
        s.claim_reminder(ws, c, inv, 1, today).await.unwrap(),
        None,
        "3 attempts"
    );

    let sends = s
        .list_reminder_sends(
            ws,
            &ReminderSendFilter {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(sends.len(), 2);
    assert_eq!(sends[0].step, 1);
    assert_eq!(sends[0].status, DeliveryStatus::Failed);
    assert_eq!(sends[0].attempts, 3);
    assert_eq!(sends[0].error.as_deref(), Some("refused"));
    assert_eq!(sends[1].status, DeliveryStatus::Sent);
    assert_eq!(sends[1].client_name, "Bakery");
    assert_eq!(sends[1].invoice_ref, "INV-1");
    let sent_only = s
        .list_reminder_sends(
            ws,
            &ReminderSendFilter {
                sent_only: true,
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(sent_only.len(), 1);
}

async fn candidates_are_unpaid_overdue_unpaused_with_their_recipient(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("acme").await.unwrap().id;
    let other_ws = s.ensure_workspace("other").await.unwrap().id;
    let bakery = client(&s, ws, "Bakery").await;
    contact(&s, ws, bakery, "ana@bakery.test", true).await;
    let bill = contact(&s, ws, bakery, "bill@bakery.test", false).await;
    let lola = client(&s, ws, "Lola").await;
    contact(&s, ws, lola, "lola@lola.test", true).await;
    let paused = client(&s, ws, "Paused").await;
    let stranger = client(&s, other_ws, "Stranger").await;

    let a = invoice(&s, ws, bakery, "A", "2026-03-01").await;
    let paid = invoice(&s, ws, bakery, "PAID", "2026-03-01").await;
    s.set_invoice_paid(ws, paid, Some(day("2026-03-02")))
        .await
        .unwrap();
    invoice(&s, ws, bakery, "LATER", "2026-03-20").await;
    let b = invoice(&s, ws, lola, "B", "2026-02-01").await;
    invoice(&s, ws, paused, "P", "2026-02-01").await;
    invoice(&s, other_ws, stranger, "S", "2026-02-01").await;

    // Defaults, then the billing contact, a language, a pause.
    assert_eq!(
        s.client_billing(ws, bakery).await.unwrap(),
        ClientBilling::default()
    );
    let billing = ClientBilling {
        billing_contact: Some(bill),
        reminders_paused: false,
        lang: Some(Lang::Es),
    };
    s.set_client_billing(ws, bakery, &billing).await.unwrap();
    assert_eq!(s.client_billing(ws, bakery).await.unwrap(), billing);
    // A contact of another client is refused.
    let lola_contact = s.list_contacts(ws, lola).await.unwrap()[0].id;
    assert!(matches!(
        s.set_client_billing(
            ws,
            bakery,
            &ClientBilling {
                billing_contact: Some(lola_contact),
                ..Default::default()
            }
        )
        .await
        .unwrap_err(),
        StoreError::NotFound
    ));
    // Another workspace's client is not there.
    assert!(matches!(
        s.client_billing(ws, stranger).await.unwrap_err(),
        StoreError::NotFound
    ));
    s.set_client_billing(
        ws,
        paused,
        &ClientBilling {
            reminders_paused: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();

    // A promise, recorded and listed; another workspace's invoice refused.
    s.set_invoice_promise(ws, b, Some(day("2026-03-10")))
        .await
        .unwrap();
    assert_eq!(
        s.invoice_promises(ws, lola).await.unwrap(),
        vec![InvoicePromise {
            invoice: b,
            promised_on: day("2026-03-10")
        }]
    );
    let s_inv = s.list_invoices(other_ws, stranger).await.unwrap()[0].id;
    assert!(matches!(
        s.set_invoice_promise(ws, s_inv, Some(day("2026-03-10")))
            .await
            .unwrap_err(),
        StoreError::NotFound
    ));

    let id = s
        .claim_reminder(ws, bakery, a, 0, day("2026-03-04"))
        .await
        .unwrap()
        .unwrap();
    s.finish_reminder(id, Ok(())).await.unwrap();

    let found = s
        .reminder_candidates(ws, day("2026-03-05"), None, 100)
        .await
        .unwrap();
    let refs: Vec<&str> = found.iter().map(|c| c.invoice_ref.as_str()).collect();
    assert_eq!(
        refs,
        vec!["A", "B"],
        "unpaid, due by then, not paused, this workspace"
    );
    let a_row = &found[0];
    assert_eq!(a_row.last_step, Some(0));
    assert_eq!(a_row.lang, Some(Lang::Es));
    assert_eq!(a_row.owner.as_deref(), Some("ana"));
    assert_eq!(
        a_row.recipient().map(|r| r.1.as_str()),
        Some("bill@bakery.test"),
        "the billing contact"
    );
    let b_row = &found[1];
    assert_eq!(b_row.last_step, None);
    assert_eq!(b_row.promised_on, Some(day("2026-03-10")));
    assert_eq!(
        b_row.recipient().map(|r| r.1.as_str()),
        Some("lola@lola.test"),
        "the primary contact"
    );

    // Paged by id.
    let page = s
        .reminder_candidates(ws, day("2026-03-05"), Some(a), 100)
        .await
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].invoice, b);

    // The billing contact removed: back to the primary contact. The promise
    // cleared.
    s.remove_contact(ws, bakery, bill).await.unwrap();
    s.set_invoice_promise(ws, b, None).await.unwrap();
    let found = s
        .reminder_candidates(ws, day("2026-03-05"), None, 100)
        .await
        .unwrap();
    assert_eq!(
        found[0].recipient().map(|r| r.1.as_str()),
        Some("ana@bakery.test")
    );
    assert_eq!(found[1].promised_on, None);
}

on_both_backends!(
    a_reminder_is_claimed_once_per_invoice_and_step,
    candidates_are_unpaid_overdue_unpaused_with_their_recipient,
);
