//! The storage suite of issue 12's "owners" part: scores of a subset of
//! clients (right after a change) and owner names mapped to members. Every
//! story runs on SQLite and on PostgreSQL.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test with its message"
)]

use chrono::NaiveDate;
use churnwise_domain::health::HealthScore;
use churnwise_domain::registry::{ClientStatus, InteractionKind};
use churnwise_store::*;
use churnwise_store_tests::{on_both_backends, TestStore};
use std::sync::Arc;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn client(
    s: &Arc<dyn Store>,
    ws: WorkspaceId,
    name: &str,
    owner: Option<&str>,
    status: ClientStatus,
) -> ClientId {
    s.create_client(
        ws,
        NewClient {
            external_id: None,
            name: name.into(),
            status,
            owner: owner.map(Into::into),
            segment: None,
            keep_in_touch_days: 30,
            notes: None,
        },
    )
    .await
    .unwrap()
    .id
}

fn new_health(c: ClientId, score: u32) -> NewHealth {
    NewHealth {
        client: c,
        health: HealthScore {
            score,
            at_risk: score < 60,
            signals: vec![],
        },
        may_alert: true,
    }
}

async fn scores(s: &Arc<dyn Store>, ws: WorkspaceId) -> Vec<(ClientId, u32, NaiveDate)> {
    let mut out: Vec<_> = s
        .list_health(ws, &HealthFilter::default())
        .await
        .unwrap()
        .into_iter()
        .map(|h| (h.client.id, h.health.score, h.computed_on))
        .collect();
    out.sort_by_key(|x| x.0 .0);
    out
}

async fn live_alert_clients(s: &Arc<dyn Store>, ws: WorkspaceId) -> Vec<ClientId> {
    let mut out: Vec<ClientId> = s
        .list_alerts(
            ws,
            &AlertFilter {
                statuses: vec![AlertStatus::Open],
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.client.id)
        .collect();
    out.sort_by_key(|c| c.0);
    out
}

async fn the_facts_and_scores_of_some_clients_leave_the_others_untouched(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("acme").await.unwrap().id;
    let other = s.ensure_workspace("other").await.unwrap().id;
    let a = client(&s, ws, "A", None, ClientStatus::Active).await;
    let b = client(&s, ws, "B", None, ClientStatus::Active).await;
    let former = client(&s, ws, "F", None, ClientStatus::Former).await;
    let stranger = client(&s, other, "X", None, ClientStatus::Active).await;
    let today = day("2026-06-10");
    s.log_interaction(
        ws,
        a,
        NewInteraction {
            kind: InteractionKind::Call,
            occurred_on: day("2026-06-01"),
            author: None,
            note: None,
        },
    )
    .await
    .unwrap();
    s.log_interaction(
        ws,
        b,
        NewInteraction {
            kind: InteractionKind::Call,
            occurred_on: day("2026-05-01"),
            author: None,
            note: None,
        },
    )
    .await
    .unwrap();

    // Only the active or leaving clients asked for, of this workspace.
    let facts = s
        .health_facts_of(ws, today, 90, &[a, former, stranger])
        .await
        .unwrap();
    assert_eq!(
        facts.iter().map(|f| f.client.id).collect::<Vec<_>>(),
        vec![a]
    );
    assert_eq!(facts[0].facts.last_contact_on, Some(day("2026-06-01")));
    // The same facts as the whole-workspace query gives for that client.
    let all = s.health_facts(ws, today, 90).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all.iter().find(|f| f.client.id == a).unwrap(), &facts[0]);
    assert!(s
        .health_facts_of(ws, today, 90, &[])
        .await
        .unwrap()
        .is_empty());

    // Both at risk on the first day.
    let d1 = day("2026-06-09");
    s.record_health(ws, d1, vec![new_health(a, 50), new_health(b, 50)])
        .await
        .unwrap();
    assert_eq!(live_alert_clients(&s, ws).await, vec![a, b]);

    // A recovers: only A's row and alert change.
    let run = s
        .record_health_of(ws, today, &[a], vec![new_health(a, 90)])
        .await
        .unwrap();
    assert_eq!(run.scored, 1);
    assert_eq!(run.resolved, 1);
    assert_eq!(scores(&s, ws).await, vec![(a, 90, today), (b, 50, d1)]);
    assert_eq!(live_alert_clients(&s, ws).await, vec![b]);

    // B is touched but no longer scored (it became former): its score and
    // its live alert go, A's stay.
    let run = s.record_health_of(ws, today, &[b], vec![]).await.unwrap();
    assert_eq!(run.resolved, 1);
    assert_eq!(scores(&s, ws).await, vec![(a, 90, today)]);
    assert!(live_alert_clients(&s, ws).await.is_empty());

    // A thousand ids in one call (each a bound parameter) work on both.
    let many: Vec<ClientId> = (1..=1000).map(|i| ClientId(i64::from(i) * 7)).collect();
    s.health_facts_of(ws, today, 90, &many).await.unwrap();
    s.record_health_of(ws, today, &many, vec![]).await.unwrap();
}

async fn owner_names_are_listed_with_their_counts_and_mapped_to_members(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("acme").await.unwrap().id;
    let other = s.ensure_workspace("other").await.unwrap().id;
    for (name, owner) in [
        ("A", Some("Carla Méndez")),
        ("B", Some(" Carla Méndez ")),
        ("C", Some("carla méndez")),
        ("D", Some("Bruno")),
        ("E", None),
        ("F", Some("  ")),
    ] {
        client(&s, ws, name, owner, ClientStatus::Active).await;
    }
    client(&s, other, "X", Some("Zoe"), ClientStatus::Active).await;
    let names = s.owner_names(ws).await.unwrap();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[0].name, "Bruno");
    assert_eq!(names[0].clients, 1);
    assert_eq!(names[1].name.to_lowercase(), "carla méndez");
    assert_eq!(names[1].clients, 3);
    let mut spellings = names[1].spellings.clone();
    spellings.sort();
    assert_eq!(spellings, vec!["Carla Méndez", "carla méndez"]);

    let carla = s
        .upsert_user("carla@example.com", "$argon2id$fake")
        .await
        .unwrap();
    let ana = s
        .upsert_user("ana@example.com", "$argon2id$fake")
        .await
        .unwrap();
    assert!(s.owner_mappings(ws).await.unwrap().is_empty());
    s.map_owner(ws, " Carla Méndez", Some(ana.id))
        .await
        .unwrap();
    // Mapping the same name again (any case) replaces the mapping.
    s.map_owner(ws, "CARLA MÉNDEZ", Some(carla.id))
        .await
        .unwrap();
    s.map_owner(ws, "Bruno", Some(ana.id)).await.unwrap();
    let mapped = s.owner_mappings(ws).await.unwrap();
    assert_eq!(
        mapped,
        vec![
            OwnerMapping {
                name: "Bruno".into(),
                user: ana.id
            },
            OwnerMapping {
                name: "CARLA MÉNDEZ".into(),
                user: carla.id
            },
        ]
    );
    assert!(s.owner_mappings(other).await.unwrap().is_empty());
    s.map_owner(ws, "bruno", None).await.unwrap();
    assert_eq!(s.owner_mappings(ws).await.unwrap().len(), 1);
    // Removing a mapping that does not exist is not an error.
    s.map_owner(ws, "nobody", None).await.unwrap();
}

/// Owner names, the counts by status and the filters' choices are read
/// anew after every write to the clients (they are kept by data version),
/// and each choice list holds the first `FACET_LIMIT` values, sorted.
async fn owner_names_status_counts_and_choices_follow_every_write(t: TestStore) {
    let s = &t.store;
    let ws = s.ensure_workspace("W").await.unwrap().id;
    let rows = (0..=FACET_LIMIT)
        .map(|i| CustomerImport {
            external_id: format!("C{i}"),
            name: format!("Client {i}"),
            owner: Some(if i % 2 == 0 { "Ana" } else { "Bo" }.to_string()),
            segment: Some(format!("seg {i:04}")),
        })
        .collect();
    s.import_customers(ws, rows, &|_| {}).await.unwrap();
    let counts = |names: Vec<OwnerName>| -> Vec<(String, i64)> {
        names.into_iter().map(|o| (o.name, o.clients)).collect()
    };
    assert_eq!(
        counts(s.owner_names(ws).await.unwrap()),
        [("Ana".to_string(), 251), ("Bo".to_string(), 250)]
    );
    let statuses = s.client_status_counts(ws).await.unwrap();
    assert_eq!(statuses, [(ClientStatus::Prospect, 501)]);
    let facets = s.client_facets(ws).await.unwrap();
    assert_eq!(facets.owners, ["Ana", "Bo"]);
    assert_eq!(facets.segments.len() as i64, FACET_LIMIT);
    assert_eq!(
        facets.segments.first().map(String::as_str),
        Some("seg 0000")
    );
    assert_eq!(facets.segments.last().map(String::as_str), Some("seg 0499"));

    let one = s.find_client(ws, "C0").await.unwrap().unwrap().id;
    s.update_client(
        ws,
        one,
        ClientPatch {
            owner: Some(Some("Cy".into())),
            status: Some(ClientStatus::Active),
            ..ClientPatch::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        counts(s.owner_names(ws).await.unwrap()),
        [
            ("Ana".to_string(), 250),
            ("Bo".to_string(), 250),
            ("Cy".to_string(), 1)
        ]
    );
    let mut statuses = s.client_status_counts(ws).await.unwrap();
    statuses.sort_by_key(|(status, _)| status.as_str());
    assert_eq!(
        statuses,
        [(ClientStatus::Active, 1), (ClientStatus::Prospect, 500)]
    );
    assert_eq!(
        s.client_facets(ws).await.unwrap().owners,
        ["Ana", "Bo", "Cy"]
    );
}

on_both_backends!(
    the_facts_and_scores_of_some_clients_leave_the_others_untouched,
    owner_names_are_listed_with_their_counts_and_mapped_to_members,
    owner_names_status_counts_and_choices_follow_every_write,
);
