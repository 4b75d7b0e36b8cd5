//! `churnwise subscription edit|end` and `churnwise contact edit|remove`
//! as a real process: the same use cases as the pages and the API, with
//! refused fields named by their flags and nothing changed.

use crate::both_backends;
use crate::support::{churnwise, TestApp};
use churnwise_domain::registry::Role;
use churnwise_domain::Money;
use churnwise_store::{NewContact, NewSubscription};
use churnwise_store_tests::Backend;

async fn segments_and_contacts_are_changed_from_the_command_line(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, _) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let s = app.store();
    let client = s
        .create_client(
            ws.id,
            churnwise_app::clients::ClientInput {
                name: "Acme Ltd".into(),
                ..Default::default()
            }
            .validate()
            .unwrap(),
        )
        .await
        .unwrap();
    let sub = s
        .add_subscription(
            ws.id,
            client.id,
            NewSubscription {
                subscription_ref: "S1".into(),
                plan: Some("Care".into()),
                mrr: Money::from_cents(4990),
                started_on: "2024-01-01".parse().unwrap(),
                ended_on: None,
                notice_period_days: None,
                minimum_term_months: None,
            },
        )
        .await
        .unwrap();
    let contact = s
        .add_contact(
            ws.id,
            client.id,
            NewContact {
                name: "Lola".into(),
                role: Some("CEO".into()),
                email: None,
                phone: None,
                is_primary: false,
            },
        )
        .await
        .unwrap();
    let url = &app.t.url;
    let id = sub.id.to_string();

    let (ok, _, err) = churnwise(
        url,
        &[
            "subscription",
            "edit",
            "Acme Ltd",
            &id,
            "--mrr",
            "-1",
            "--end",
            "2023-01-01",
        ],
    );
    assert!(!ok);
    assert!(err.contains("--mrr"), "{err}");
    assert!(err.contains("--end"), "{err}");
    assert_eq!(s.list_subscriptions(ws.id, client.id).await.unwrap(), [sub]);

    let (ok, out, err) = churnwise(
        url,
        &[
            "subscription",
            "edit",
            "Acme Ltd",
            &id,
            "--mrr",
            "59.90",
            "--plan",
            "Pro",
            "--format",
            "json",
        ],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("\"plan\": \"Pro\"") || out.contains("\"plan\":\"Pro\""),
        "{out}"
    );
    let (ok, _, err) = churnwise(
        url,
        &["subscription", "end", "Acme Ltd", &id, "--on", "2024-06-01"],
    );
    assert!(ok, "{err}");
    let stored = &s.list_subscriptions(ws.id, client.id).await.unwrap()[0];
    assert_eq!(stored.mrr, Money::from_cents(5990));
    assert_eq!(stored.ended_on, Some("2024-06-01".parse().unwrap()));

    let cid = contact.id.to_string();
    let (ok, _, err) = churnwise(
        url,
        &["contact", "edit", "Acme Ltd", &cid, "--email", "nope"],
    );
    assert!(!ok);
    assert!(err.contains("--email"), "{err}");
    let (ok, _, err) = churnwise(
        url,
        &[
            "contact",
            "edit",
            "Acme Ltd",
            &cid,
            "--email",
            "lola@acme.example",
            "--role",
            "",
            "--primary",
        ],
    );
    assert!(ok, "{err}");
    let stored = &s.list_contacts(ws.id, client.id).await.unwrap()[0];
    assert_eq!(stored.email.as_deref(), Some("lola@acme.example"));
    assert_eq!(stored.role, None);
    assert!(stored.is_primary);
    let (ok, _, err) = churnwise(url, &["contact", "remove", "Acme Ltd", &cid]);
    assert!(ok, "{err}");
    assert!(s.list_contacts(ws.id, client.id).await.unwrap().is_empty());
    let (ok, _, err) = churnwise(url, &["contact", "remove", "Acme Ltd", &cid]);
    assert!(!ok);
    assert!(!err.is_empty());
}

both_backends!(segments_and_contacts_are_changed_from_the_command_line);
