//! The storage suite of the client-status rule (issue #12): the store's one
//! statement gives every client the status of
//! `churnwise_domain::client_status::status_on`, on random data and on any
//! day; a status set by hand stays. Every story runs on SQLite and on
//! PostgreSQL.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test with its message"
)]

use chrono::{Days, NaiveDate, Utc};
use churnwise_domain::client_status::{status_on, CaseSpan, SegmentSpan};
use churnwise_domain::departure::{
    Change, CloseInput, DepartureCase, DepartureKind, ExitConversation, ExitConversationInput,
    Notice, NoticeChannel, NoticeInput, Outcome, RelationshipEvaluationInput, Stage,
};
use churnwise_domain::history::Actor;
use churnwise_domain::offboarding::ChecklistTemplate;
use churnwise_domain::reasons::ReasonList;
use churnwise_domain::registry::ClientStatus;
use churnwise_domain::text::{ItemId, Label};
use churnwise_domain::{CaseError, Lang, Money};
use churnwise_store::*;
use churnwise_store_tests::{on_both_backends, TestStore};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;

on_both_backends!(
    the_stored_status_is_the_rule_on_random_data_for_every_day,
    a_status_set_by_hand_stays_until_returned_to_the_rule,
    an_import_inserts_new_customers_as_prospects_and_the_refresh_follows_their_segments,
);

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn actor() -> Actor {
    Actor::user(Label::parse("actor", "ana@example.com").unwrap())
}

async fn client(s: &Arc<dyn Store>, ws: WorkspaceId, name: &str) -> Client {
    s.create_client(
        ws,
        NewClient {
            external_id: None,
            name: name.into(),
            status: ClientStatus::Prospect,
            owner: None,
            segment: None,
            keep_in_touch_days: 30,
            notes: None,
        },
    )
    .await
    .unwrap()
}

async fn open(s: &Arc<dyn Store>, ws: WorkspaceId, client: ClientId) -> StoredCase {
    let notice = Notice::parse(NoticeInput {
        received_on: Some(day("2024-03-01")),
        channel: Some(NoticeChannel::Email),
        received_by: Some("ana".into()),
        requested_end_on: Some(day("2024-03-31")),
        first_evaluation: Some(RelationshipEvaluationInput {
            fruitful: Some(true),
            history_of_stumbles: Some(false),
            our_commitments_met: Some(true),
            client_commitments_met: Some(true),
            note: None,
        }),
        ..NoticeInput::default()
    })
    .unwrap();
    let change = DepartureCase::open(DepartureKind::ClientLeaving, notice, &[]).unwrap();
    s.create_case(
        ws,
        NewCase {
            client,
            history: change.history(&actor(), Utc::now()),
            case: change.case,
        },
    )
    .await
    .unwrap()
}

async fn step(
    s: &Arc<dyn Store>,
    ws: WorkspaceId,
    stored: &StoredCase,
    f: impl FnOnce(&DepartureCase) -> Result<Change, CaseError>,
) -> StoredCase {
    let change = f(&stored.case).unwrap();
    s.save_case(
        ws,
        CaseUpdate {
            id: stored.id,
            expected_version: stored.version,
            history: change.history(&actor(), Utc::now()),
            case: change.case,
            survey_token: None,
        },
    )
    .await
    .unwrap()
}

/// Opens a case and closes it lost with the client's last day `end`.
async fn closed_lost(
    s: &Arc<dyn Store>,
    ws: WorkspaceId,
    client: ClientId,
    end: NaiveDate,
) -> StoredCase {
    let stored = open(s, ws, client).await;
    let conversation = ExitConversation::parse(ExitConversationInput {
        clients_words: Some("We no longer need it".into()),
        primary_reason: Some("needs_changed".into()),
        controllable: Some(false),
        renegotiable: Some(false),
        ..ExitConversationInput::default()
    })
    .unwrap();
    let stored = step(s, ws, &stored, |c| {
        c.record_exit_conversation(conversation, &ReasonList::default_list())
    })
    .await;
    let mut stored = step(s, ws, &stored, |c| {
        c.begin_offboarding(&ChecklistTemplate::default_template(), Lang::En)
    })
    .await;
    let ids: Vec<ItemId> = stored
        .case
        .offboarding()
        .unwrap()
        .items()
        .iter()
        .map(|i| i.id())
        .collect();
    for id in ids {
        stored = step(s, ws, &stored, |c| c.complete_checklist_item(id, end)).await;
    }
    let close = CloseInput {
        outcome: Some(Outcome::Lost),
        closed_on: Some(end),
        end_on: Some(end),
        lost_mrr: Some(Money::from_cents(1_000)),
    };
    step(s, ws, &stored, |c| c.close(close, &[])).await
}

/// The rule's inputs for `client`, read back from the store.
async fn facts(
    s: &Arc<dyn Store>,
    ws: WorkspaceId,
    client: ClientId,
) -> (Vec<SegmentSpan>, Vec<CaseSpan>) {
    let segments = s
        .list_subscriptions(ws, client)
        .await
        .unwrap()
        .iter()
        .map(|x| SegmentSpan {
            started_on: x.started_on,
            ended_on: x.ended_on,
        })
        .collect();
    let cases = s
        .list_cases(
            ws,
            &CaseFilter {
                client: Some(client),
                ..CaseFilter::default()
            },
        )
        .await
        .unwrap()
        .iter()
        .map(|c| {
            if c.case.stage() != Stage::Closed {
                CaseSpan::Open
            } else if c.case.outcome().is_some_and(Outcome::is_departure)
                && c.case.won_back_on().is_none()
            {
                CaseSpan::Departed {
                    last_day: c.case.closure().and_then(|k| k.end_on()),
                }
            } else {
                CaseSpan::Settled
            }
        })
        .collect();
    (segments, cases)
}

fn random_day(rng: &mut StdRng) -> NaiveDate {
    day("2022-01-01") + Days::new(rng.gen_range(0..1500))
}

async fn the_stored_status_is_the_rule_on_random_data_for_every_day(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    let mut rng = StdRng::seed_from_u64(12);
    let mut clients = Vec::new();
    for n in 0..40 {
        let c = client(&s, ws, &format!("Client {n}")).await;
        for k in 0..rng.gen_range(0..4) {
            let start = random_day(&mut rng);
            let end = rng
                .gen_bool(0.6)
                .then(|| start + Days::new(rng.gen_range(1..700)));
            s.add_subscription(
                ws,
                c.id,
                NewSubscription {
                    subscription_ref: format!("S{n}-{k}"),
                    plan: None,
                    // Free segments count as running too.
                    mrr: Money::from_cents(if rng.gen_bool(0.2) { 0 } else { 5_000 }),
                    started_on: start,
                    ended_on: end,
                    notice_period_days: None,
                    minimum_term_months: None,
                },
            )
            .await
            .unwrap();
        }
        match rng.gen_range(0..6) {
            0 => {
                open(&s, ws, c.id).await;
            }
            1 => {
                let end = day("2024-03-01") + Days::new(rng.gen_range(0..500));
                closed_lost(&s, ws, c.id, end).await;
            }
            _ => {}
        }
        clients.push(c.id);
    }
    let mut days: Vec<NaiveDate> = [
        "2021-12-31",
        "2022-06-01",
        "2024-03-01",
        "2024-03-31",
        "2024-04-01",
        "2025-01-01",
    ]
    .into_iter()
    .map(day)
    .collect();
    days.extend((0..6).map(|_| random_day(&mut rng)));
    days.push(Utc::now().date_naive());
    let mut seen = std::collections::HashSet::new();
    for on in days {
        s.refresh_client_statuses(ws, None, on).await.unwrap();
        // Again: nothing left to change.
        assert_eq!(s.refresh_client_statuses(ws, None, on).await.unwrap(), 0);
        for &id in &clients {
            let (segments, cases) = facts(&s, ws, id).await;
            let stored = s.get_client(ws, id).await.unwrap().unwrap();
            assert_eq!(
                stored.status,
                status_on(&segments, &cases, on),
                "client {id:?} on {on}: segments {segments:?}, cases {cases:?}"
            );
            assert!(!stored.status_set_by_hand);
            seen.insert(stored.status);
        }
    }
    // The data reached every status the rule gives.
    for status in [
        ClientStatus::Prospect,
        ClientStatus::Active,
        ClientStatus::Leaving,
        ClientStatus::Former,
    ] {
        assert!(seen.contains(&status), "{status:?} never seen");
    }
}

async fn a_status_set_by_hand_stays_until_returned_to_the_rule(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    let acme = client(&s, ws, "Acme").await;
    s.add_subscription(
        ws,
        acme.id,
        NewSubscription {
            subscription_ref: "S1".into(),
            plan: None,
            mrr: Money::from_cents(5_000),
            started_on: day("2023-01-01"),
            ended_on: None,
            notice_period_days: None,
            minimum_term_months: None,
        },
    )
    .await
    .unwrap();
    let paused = s
        .update_client(
            ws,
            acme.id,
            ClientPatch {
                status: Some(ClientStatus::Paused),
                ..ClientPatch::default()
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(paused.status, ClientStatus::Paused);
    assert!(paused.status_set_by_hand);
    // Only the touched client, and then the whole workspace: it stays.
    s.refresh_client_statuses(ws, Some(&[acme.id]), day("2024-01-01"))
        .await
        .unwrap();
    s.refresh_client_statuses(ws, None, day("2024-01-01"))
        .await
        .unwrap();
    assert_eq!(
        s.get_client(ws, acme.id).await.unwrap().unwrap().status,
        ClientStatus::Paused
    );
    // Back to the rule.
    let back = s
        .update_client(
            ws,
            acme.id,
            ClientPatch {
                status_by_rule: true,
                ..ClientPatch::default()
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert!(!back.status_set_by_hand);
    assert_eq!(
        s.refresh_client_statuses(ws, Some(&[acme.id]), day("2024-01-01"))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        s.get_client(ws, acme.id).await.unwrap().unwrap().status,
        ClientStatus::Active
    );
    // Opening a departure case forgets a status set by hand: the case decides.
    s.update_client(
        ws,
        acme.id,
        ClientPatch {
            status: Some(ClientStatus::Paused),
            ..ClientPatch::default()
        },
    )
    .await
    .unwrap();
    open(&s, ws, acme.id).await;
    let now = s.get_client(ws, acme.id).await.unwrap().unwrap();
    assert_eq!(now.status, ClientStatus::Leaving);
    assert!(!now.status_set_by_hand);
    // Another workspace's refresh touches nothing here.
    let other = s.ensure_workspace("b").await.unwrap().id;
    assert_eq!(
        s.refresh_client_statuses(other, Some(&[acme.id]), day("2030-01-01"))
            .await
            .unwrap(),
        0
    );
}

async fn an_import_inserts_new_customers_as_prospects_and_the_refresh_follows_their_segments(
    t: TestStore,
) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    let customer = |id: &str| CustomerImport {
        external_id: id.into(),
        name: format!("Cliente {id} S.L."),
        owner: None,
        segment: None,
    };
    s.import_customers(ws, vec![customer("1925"), customer("7")], &|_| {})
        .await
        .unwrap();
    let gone = s.find_client(ws, "1925").await.unwrap().unwrap();
    assert_eq!(gone.status, ClientStatus::Prospect);
    let segment = |cust: &str, start: &str, end: Option<&str>| SubscriptionImport {
        line: 2,
        subscription_ref: format!("S-{cust}"),
        customer_ref: cust.into(),
        plan: None,
        mrr: Money::from_cents(9_900),
        started_on: day(start),
        ended_on: end.map(day),
    };
    s.import_subscriptions(
        ws,
        vec![
            segment("1925", "2021-01-01", Some("2022-07-01")),
            segment("7", "2021-01-01", None),
        ],
        &|_| {},
    )
    .await
    .unwrap();
    let ids = s
        .client_ids_by_external(ws, &["1925".into(), "7".into()])
        .await
        .unwrap();
    s.refresh_client_statuses(ws, Some(&ids), day("2026-12-05"))
        .await
        .unwrap();
    // The customer whose only subscription ended on 2022-07-01 is former.
    let gone = s.find_client(ws, "1925").await.unwrap().unwrap();
    assert_eq!(gone.status, ClientStatus::Former);
    let kept = s.find_client(ws, "7").await.unwrap().unwrap();
    assert_eq!(kept.status, ClientStatus::Active);
    // On its last day it was still active.
    s.refresh_client_statuses(ws, None, day("2022-06-30"))
        .await
        .unwrap();
    let gone = s.find_client(ws, "1925").await.unwrap().unwrap();
    assert_eq!(gone.status, ClientStatus::Active);
}
