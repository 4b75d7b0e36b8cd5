//! The storage suite of bounded reads (issue #11): a page of case summaries
//! without documents, and the purge of expired sessions. Every story runs
//! on SQLite and on PostgreSQL.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test with its message"
)]

use chrono::{Duration, NaiveDate, Utc};
use churnwise_domain::departure::{
    DepartureCase, DepartureKind, Notice, NoticeChannel, NoticeInput, RelationshipEvaluationInput,
    Stage,
};
use churnwise_domain::history::Actor;
use churnwise_domain::registry::{ClientStatus, Role};
use churnwise_domain::text::Label;
use churnwise_store::*;
use churnwise_store_tests::{on_both_backends, TestStore};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn open_case(s: &dyn Store, ws: WorkspaceId, name: &str, received: &str) -> StoredCase {
    let client = s
        .create_client(
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
        .unwrap();
    let notice = Notice::parse(NoticeInput {
        received_on: Some(day(received)),
        channel: Some(NoticeChannel::Email),
        received_by: Some("ana".into()),
        requested_end_on: Some(day("2024-12-31")),
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
    let actor = Actor::user(Label::parse("actor", "ana@example.com").unwrap());
    s.create_case(
        ws,
        NewCase {
            client: client.id,
            history: change.history(&actor, Utc::now()),
            case: change.case,
        },
    )
    .await
    .unwrap()
}

async fn case_summaries_come_a_page_at_a_time_newest_notice_first(t: TestStore) {
    let s = t.store.as_ref();
    let ws = s.ensure_workspace("a").await.unwrap();
    let other = s.ensure_workspace("b").await.unwrap();
    for (i, received) in [
        "2024-01-05",
        "2024-03-05",
        "2024-02-05",
        "2024-04-05",
        "2024-05-05",
    ]
    .iter()
    .enumerate()
    {
        open_case(s, ws.id, &format!("Client {i}"), received).await;
    }
    open_case(s, other.id, "Elsewhere", "2024-06-01").await;
    let all = CaseFilter::default();
    let first = s.case_summaries(ws.id, &all, 1, 2).await.unwrap();
    assert_eq!((first.total, first.page, first.per_page), (5, 1, 2));
    let names: Vec<&str> = first.items.iter().map(|c| c.client_name.as_str()).collect();
    assert_eq!(names, ["Client 4", "Client 3"]);
    assert_eq!(first.items[0].stage, Stage::Notice);
    assert_eq!(first.items[0].kind, DepartureKind::ClientLeaving);
    assert_eq!(first.items[0].opened_on, day("2024-05-05"));
    assert_eq!(first.items[0].outcome, None);
    let last = s.case_summaries(ws.id, &all, 3, 2).await.unwrap();
    assert_eq!(last.items.len(), 1);
    assert_eq!(last.items[0].client_name, "Client 0");
    let beyond = s.case_summaries(ws.id, &all, 4, 2).await.unwrap();
    assert!(beyond.items.is_empty());
    assert_eq!(beyond.total, 5);
    let closed = CaseFilter {
        stage: Some(Stage::Closed),
        ..CaseFilter::default()
    };
    assert_eq!(
        s.case_summaries(ws.id, &closed, 1, 50).await.unwrap().total,
        0
    );
    // Another workspace's cases are not there.
    assert_eq!(
        s.case_summaries(other.id, &all, 1, 50).await.unwrap().total,
        1
    );
}

async fn expired_sessions_are_purged_and_live_ones_kept(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap();
    let user = s
        .upsert_user("ana@example.com", "$argon2id$fake")
        .await
        .unwrap();
    s.set_membership(user.id, ws.id, Role::Owner).await.unwrap();
    let now = Utc::now();
    for (hash, expires_at) in [
        ("old", now - Duration::days(30)),
        ("just", now - Duration::seconds(1)),
        ("live", now + Duration::hours(1)),
    ] {
        s.create_session(NewSession {
            token_hash: hash.into(),
            user: user.id,
            workspace: ws.id,
            csrf_token: "c".into(),
            expires_at,
        })
        .await
        .unwrap();
    }
    assert_eq!(s.purge_expired_sessions(now).await.unwrap(), 2);
    assert!(s.find_session("live", now).await.unwrap().is_some());
    // Purged rows are gone, not only refused: a later purge finds nothing,
    // and the live session goes once it expires.
    assert_eq!(s.purge_expired_sessions(now).await.unwrap(), 0);
    assert_eq!(
        s.purge_expired_sessions(now + Duration::hours(2))
            .await
            .unwrap(),
        1
    );
}

on_both_backends!(
    case_summaries_come_a_page_at_a_time_newest_notice_first,
    expired_sessions_are_purged_and_live_ones_kept,
);
