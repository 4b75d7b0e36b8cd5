//! The storage suite of departure cases: every story runs on SQLite and on
//! PostgreSQL.

#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test code: a failed unwrap is a failed test with its message, and test data is small"
)]

use chrono::{Duration, NaiveDate, Utc};
use churnwise_domain::departure::{
    Change, CloseInput, DepartureCase, DepartureKind, ExitConversation, ExitConversationInput,
    Notice, NoticeChannel, NoticeInput, Outcome, RelationshipEvaluationInput, Stage,
};
use churnwise_domain::history::{Actor, CaseEvent};
use churnwise_domain::offboarding::{ChecklistTemplate, ChecklistTemplates};
use churnwise_domain::reasons::{ReasonKey, ReasonList};
use churnwise_domain::registry::ClientStatus;
use churnwise_domain::retention::{NewRetentionAction, NewRetentionActionInput, Side};
use churnwise_domain::survey::ScoreScale;
use churnwise_domain::text::{ItemId, Label};
use churnwise_domain::{CaseError, Lang, Money};
use churnwise_store::*;
use churnwise_store_tests::{on_both_backends, TestStore};
use std::sync::Arc;

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
            status: ClientStatus::Active,
            owner: Some("ana".into()),
            segment: Some("smb".into()),
            keep_in_touch_days: 30,
            notes: None,
        },
    )
    .await
    .unwrap()
}

fn notice(received: &str, end: &str) -> Notice {
    Notice::parse(NoticeInput {
        received_on: Some(day(received)),
        channel: Some(NoticeChannel::Email),
        received_by: Some("ana".into()),
        requested_end_on: Some(day(end)),
        first_evaluation: Some(RelationshipEvaluationInput {
            fruitful: Some(true),
            history_of_stumbles: Some(false),
            our_commitments_met: Some(true),
            client_commitments_met: Some(true),
            note: None,
        }),
        ..NoticeInput::default()
    })
    .unwrap()
}

async fn open(s: &Arc<dyn Store>, ws: WorkspaceId, client: ClientId) -> StoredCase {
    let change = DepartureCase::open(
        DepartureKind::ClientLeaving,
        notice("2024-03-01", "2024-03-31"),
        &[],
    )
    .unwrap();
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

fn update(stored: &StoredCase, change: Change) -> CaseUpdate {
    CaseUpdate {
        id: stored.id,
        expected_version: stored.version,
        history: change.history(&actor(), Utc::now()),
        case: change.case,
        survey_token: None,
    }
}

async fn step(
    s: &Arc<dyn Store>,
    ws: WorkspaceId,
    stored: &StoredCase,
    f: impl FnOnce(&DepartureCase) -> Result<Change, CaseError>,
) -> StoredCase {
    let change = f(&stored.case).unwrap();
    s.save_case(ws, update(stored, change)).await.unwrap()
}

async fn conversed(
    s: &Arc<dyn Store>,
    ws: WorkspaceId,
    stored: &StoredCase,
    reason: &str,
) -> StoredCase {
    let conversation = ExitConversation::parse(ExitConversationInput {
        clients_words: Some("We no longer need it".into()),
        primary_reason: Some(reason.into()),
        controllable: Some(false),
        renegotiable: Some(false),
        ..ExitConversationInput::default()
    })
    .unwrap();
    step(s, ws, stored, |c| {
        c.record_exit_conversation(conversation, &ReasonList::default_list())
    })
    .await
}

/// Runs a case to closed lost, every checklist item done, ending on `end`.
async fn closed_lost(
    s: &Arc<dyn Store>,
    ws: WorkspaceId,
    client: ClientId,
    reason: &str,
    end: &str,
    lost_cents: i64,
) -> StoredCase {
    let stored = open(s, ws, client).await;
    let stored = conversed(s, ws, &stored, reason).await;
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
        stored = step(s, ws, &stored, |c| c.complete_checklist_item(id, day(end))).await;
    }
    let close = CloseInput {
        outcome: Some(Outcome::Lost),
        closed_on: Some(day(end)),
        end_on: Some(day(end)),
        lost_mrr: Some(Money::from_cents(lost_cents)),
    };
    step(s, ws, &stored, |c| c.close(close, &[])).await
}

async fn a_case_is_stored_read_and_listed_with_its_history_in_order(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    let acme = client(&s, ws, "Acme").await;
    let beta = client(&s, ws, "Beta").await;
    let opened = open(&s, ws, acme.id).await;
    assert_eq!(opened.version, 1);
    assert_eq!(opened.client_name, "Acme");
    assert_eq!(opened.case.stage(), Stage::Notice);
    assert_eq!(s.get_case(ws, opened.id).await.unwrap().unwrap(), opened);
    let conversed = conversed(&s, ws, &opened, "needs_changed").await;
    assert_eq!(conversed.version, 2);
    let other = open(&s, ws, beta.id).await;

    let all = s.list_cases(ws, &CaseFilter::default()).await.unwrap();
    assert_eq!(all.len(), 2);
    let by_stage = s
        .list_cases(
            ws,
            &CaseFilter {
                stage: Some(Stage::ExitConversation),
                ..CaseFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        by_stage.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![opened.id]
    );
    let by_client = s
        .list_cases(
            ws,
            &CaseFilter {
                client: Some(beta.id),
                ..CaseFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        by_client.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![other.id]
    );
    let lost = s
        .list_cases(
            ws,
            &CaseFilter {
                outcome: Some(Outcome::Lost),
                ..CaseFilter::default()
            },
        )
        .await
        .unwrap();
    assert!(lost.is_empty());

    let history = s.case_history(ws, opened.id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert!(matches!(history[0].event, CaseEvent::Opened { .. }));
    assert!(matches!(
        history[1].event,
        CaseEvent::ExitConversationRecorded { .. }
    ));
    assert_eq!(history[0].actor, actor());
    // Opening a case marks an active client as leaving.
    let acme = s.get_client(ws, acme.id).await.unwrap().unwrap();
    assert_eq!(acme.status, ClientStatus::Leaving);
}

async fn a_second_open_case_for_a_client_is_refused_by_the_database(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    let acme = client(&s, ws, "Acme").await;
    open(&s, ws, acme.id).await;
    let change = DepartureCase::open(
        DepartureKind::ClientLeaving,
        notice("2024-03-02", "2024-03-31"),
        &[],
    )
    .unwrap();
    let err = s
        .create_case(
            ws,
            NewCase {
                client: acme.id,
                history: change.history(&actor(), Utc::now()),
                case: change.case,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict { field, .. } if field == "client_id"),
        "{err:?}"
    );
    assert_eq!(
        s.list_cases(ws, &CaseFilter::default())
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn a_save_from_a_stale_version_is_refused_and_changes_nothing(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    let acme = client(&s, ws, "Acme").await;
    let opened = open(&s, ws, acme.id).await;
    // Two people read version 1; the first saves, the second must not overwrite.
    let first = conversed(&s, ws, &opened, "needs_changed").await;
    let conversation = ExitConversation::parse(ExitConversationInput {
        clients_words: Some("Too expensive".into()),
        primary_reason: Some("price_too_high".into()),
        controllable: Some(true),
        renegotiable: Some(true),
        ..ExitConversationInput::default()
    })
    .unwrap();
    let change = opened
        .case
        .record_exit_conversation(conversation, &ReasonList::default_list())
        .unwrap();
    let err = s.save_case(ws, update(&opened, change)).await.unwrap_err();
    assert!(matches!(&err, StoreError::StaleVersion(_)), "{err:?}");
    assert_eq!(s.get_case(ws, opened.id).await.unwrap().unwrap(), first);
    assert_eq!(s.case_history(ws, opened.id).await.unwrap().len(), 2);
}

async fn closing_a_lost_case_ends_running_subscriptions_and_makes_the_client_former(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    let acme = client(&s, ws, "Acme").await;
    let segment = |r: &str, start: &str, end: Option<&str>| NewSubscription {
        subscription_ref: r.into(),
        plan: Some("pro".into()),
        mrr: Money::from_cents(10_000),
        started_on: day(start),
        ended_on: end.map(day),
        notice_period_days: None,
        minimum_term_months: None,
    };
    let running = s
        .add_subscription(ws, acme.id, segment("S1", "2023-01-01", None))
        .await
        .unwrap();
    let later = s
        .add_subscription(ws, acme.id, segment("S2", "2023-06-01", Some("2024-12-31")))
        .await
        .unwrap();
    let earlier = s
        .add_subscription(ws, acme.id, segment("S3", "2022-01-01", Some("2022-12-31")))
        .await
        .unwrap();
    let other = client(&s, ws, "Other").await;
    s.add_subscription(ws, other.id, segment("S9", "2023-01-01", None))
        .await
        .unwrap();

    let closed = closed_lost(&s, ws, acme.id, "needs_changed", "2024-03-31", 20_000).await;
    assert_eq!(closed.case.outcome(), Some(Outcome::Lost));

    let subs = s.list_subscriptions(ws, acme.id).await.unwrap();
    let ended = |id: SubscriptionId| subs.iter().find(|x| x.id == id).unwrap().ended_on;
    // The client's last day is 31 March: segments stop counting on 1 April.
    assert_eq!(ended(running.id), Some(day("2024-04-01")));
    assert_eq!(ended(later.id), Some(day("2024-04-01")));
    assert_eq!(ended(earlier.id), Some(day("2022-12-31")));
    let others = s.list_subscriptions(ws, other.id).await.unwrap();
    assert_eq!(others[0].ended_on, None);
    let acme_now = s.get_client(ws, acme.id).await.unwrap().unwrap();
    assert_eq!(acme_now.status, ClientStatus::Former);

    // Won back with new business: active while a segment runs (the rule
    // of client_status; a win-back without one leaves the client former).
    s.add_subscription(ws, acme.id, segment("S4", "2024-06-01", None))
        .await
        .unwrap();
    let won = step(&s, ws, &closed, |c| c.mark_won_back(day("2024-06-01"))).await;
    assert_eq!(won.case.won_back_on(), Some(day("2024-06-01")));
    let acme_now = s.get_client(ws, acme.id).await.unwrap().unwrap();
    assert_eq!(acme_now.status, ClientStatus::Active);
}

async fn a_saved_case_gives_the_client_back_its_active_status(t: TestStore) {
    use churnwise_domain::retention::{RetentionOutcome, RetentionPlan};
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    let acme = client(&s, ws, "Acme").await;
    s.add_subscription(
        ws,
        acme.id,
        NewSubscription {
            subscription_ref: "S1".into(),
            plan: None,
            mrr: Money::from_cents(10_000),
            started_on: day("2023-01-01"),
            ended_on: None,
            notice_period_days: None,
            minimum_term_months: None,
        },
    )
    .await
    .unwrap();
    let stored = open(&s, ws, acme.id).await;
    let stored = conversed(&s, ws, &stored, "price_too_high").await;
    let stored = step(&s, ws, &stored, |c| c.start_retention(RetentionPlan::new())).await;
    let stored = step(&s, ws, &stored, |c| {
        c.record_retention_outcome(RetentionOutcome::Retained, day("2024-03-10"))
    })
    .await;
    assert_eq!(stored.case.outcome(), Some(Outcome::Saved));
    let acme = s.get_client(ws, acme.id).await.unwrap().unwrap();
    assert_eq!(acme.status, ClientStatus::Active);
    let subs = s.list_subscriptions(ws, acme.id).await.unwrap();
    assert_eq!(subs[0].ended_on, None);
}

async fn cases_of_another_workspace_are_absent_for_every_method(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    let other = s.ensure_workspace("b").await.unwrap().id;
    let acme = client(&s, ws, "Acme").await;
    let stored = open(&s, ws, acme.id).await;
    assert_eq!(s.get_case(other, stored.id).await.unwrap(), None);
    assert!(s
        .list_cases(other, &CaseFilter::default())
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        s.case_history(other, stored.id).await,
        Err(StoreError::NotFound)
    ));
    let change = stored
        .case
        .amend_notice(notice("2024-03-02", "2024-04-30"))
        .unwrap();
    assert!(matches!(
        s.save_case(other, update(&stored, change)).await,
        Err(StoreError::NotFound)
    ));
    // A case cannot be opened in one workspace for another's client.
    let change = DepartureCase::open(
        DepartureKind::ClientLeaving,
        notice("2024-03-01", "2024-03-31"),
        &[],
    )
    .unwrap();
    let err = s
        .create_case(
            other,
            NewCase {
                client: acme.id,
                history: change.history(&actor(), Utc::now()),
                case: change.case,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound));
    assert!(s
        .cases_with_due_work(other, day("2100-01-01"))
        .await
        .unwrap()
        .is_empty());
    assert!(s.closed_departures(other).await.unwrap().is_empty());
    assert_eq!(s.get_case(ws, stored.id).await.unwrap().unwrap(), stored);
}

async fn a_survey_link_is_found_only_by_its_hash_and_a_new_one_replaces_it(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    let acme = client(&s, ws, "Acme").await;
    let stored = open(&s, ws, acme.id).await;
    let stored = conversed(&s, ws, &stored, "needs_changed").await;
    let stored = step(&s, ws, &stored, |c| {
        c.begin_offboarding(&ChecklistTemplate::default_template(), Lang::En)
    })
    .await;
    let now = Utc::now();
    let issue = |stored: &StoredCase, hash: &str| {
        let change = stored
            .case
            .issue_survey(
                ScoreScale::ZeroToTen,
                now,
                now + Duration::days(14),
                &ReasonList::default_list(),
            )
            .unwrap();
        let mut u = update(stored, change);
        u.survey_token = Some(NewSurveyToken {
            token_hash: hash.into(),
            expires_at: now + Duration::days(14),
        });
        u
    };
    let stored = s.save_case(ws, issue(&stored, "hash-one")).await.unwrap();
    let link = s.find_survey_link("hash-one").await.unwrap().unwrap();
    assert_eq!((link.workspace, link.case), (ws, stored.id));
    assert_eq!(s.find_survey_link("hash-two").await.unwrap(), None);
    s.save_case(ws, issue(&stored, "hash-two")).await.unwrap();
    assert_eq!(s.find_survey_link("hash-one").await.unwrap(), None);
    assert!(s.find_survey_link("hash-two").await.unwrap().is_some());
}

async fn the_reason_list_starts_as_the_default_and_saves_only_at_the_version_read(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    let other = s.ensure_workspace("b").await.unwrap().id;
    let first = s.reason_list(ws).await.unwrap();
    assert_eq!(first.version, 0);
    assert_eq!(first.value, ReasonList::default_list());
    let key = ReasonKey::parse("key", "budget_cut").unwrap();
    let retired = first.value.retire(&key).unwrap();
    let saved = s.save_reason_list(ws, &retired, 0).await.unwrap();
    assert_eq!(saved.version, 1);
    let again = s.reason_list(ws).await.unwrap();
    assert_eq!(again, saved);
    assert!(again.value.get(&key).unwrap().retired());
    // A second writer that also read version 0 is refused.
    let err = s.save_reason_list(ws, &first.value, 0).await.unwrap_err();
    assert!(matches!(&err, StoreError::StaleVersion(_)), "{err:?}");
    let err = s.save_reason_list(ws, &first.value, 7).await.unwrap_err();
    assert!(matches!(err, StoreError::StaleVersion(_)));
    assert_eq!(s.reason_list(ws).await.unwrap(), saved);
    // Another workspace still has the default.
    assert_eq!(s.reason_list(other).await.unwrap().version, 0);
}

async fn checklist_templates_start_as_the_default_and_are_saved_per_workspace(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    let current = s.checklist_templates(ws).await.unwrap();
    assert_eq!(current.version, 0);
    assert_eq!(current.value, ChecklistTemplates::default());
    let mut seo = ChecklistTemplate::default_template();
    seo.name = Label::parse("name", "SEO offboarding").unwrap();
    seo.service_type = Some(Label::parse("service_type", "seo").unwrap());
    seo.items.truncate(2);
    let templates = ChecklistTemplates::new(vec![ChecklistTemplate::default_template(), seo]);
    let saved = s.save_checklist_templates(ws, &templates, 0).await.unwrap();
    assert_eq!(saved.version, 1);
    let read = s.checklist_templates(ws).await.unwrap();
    assert_eq!(read.value.for_service_type(Some("SEO")).items.len(), 2);
    assert!(s.save_checklist_templates(ws, &templates, 0).await.is_err());
}

async fn due_work_is_found_by_date_and_leaves_when_done(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    let acme = client(&s, ws, "Acme").await;
    let closed = closed_lost(&s, ws, acme.id, "needs_changed", "2024-03-31", 10_000).await;
    assert!(s
        .cases_with_due_work(ws, day("2030-01-01"))
        .await
        .unwrap()
        .is_empty());
    let with_follow_up = step(&s, ws, &closed, |c| {
        c.set_win_back_follow_up(Some(day("2024-09-01")))
    })
    .await;
    assert!(s
        .cases_with_due_work(ws, day("2024-08-31"))
        .await
        .unwrap()
        .is_empty());
    let due = s.cases_with_due_work(ws, day("2024-09-01")).await.unwrap();
    assert_eq!(
        due.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![closed.id]
    );
    step(&s, ws, &with_follow_up, |c| {
        c.mark_won_back(day("2024-10-01"))
    })
    .await;
    assert!(s
        .cases_with_due_work(ws, day("2030-01-01"))
        .await
        .unwrap()
        .is_empty());

    // An open retention promise is due work too.
    let beta = client(&s, ws, "Beta").await;
    let stored = open(&s, ws, beta.id).await;
    let stored = conversed(&s, ws, &stored, "price_too_high").await;
    let stored = step(&s, ws, &stored, |c| {
        c.start_retention(churnwise_domain::retention::RetentionPlan::new())
    })
    .await;
    let action = NewRetentionAction::parse(NewRetentionActionInput {
        description: Some("Right-size the plan".into()),
        side: Some(Side::Ours),
        owner: Some("ana".into()),
        due_on: Some(day("2024-03-15")),
    })
    .unwrap();
    step(&s, ws, &stored, |c| c.add_retention_action(action)).await;
    let due = s.cases_with_due_work(ws, day("2024-03-15")).await.unwrap();
    assert_eq!(
        due.iter().map(|c| c.client_id).collect::<Vec<_>>(),
        vec![beta.id]
    );
}

async fn closed_departures_carry_reason_end_lost_mrr_segment_owner_and_plan(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    let acme = client(&s, ws, "Acme").await;
    for (r, plan, cents, start) in [
        ("S1", "basic", 5_000, "2023-01-01"),
        ("S2", "premium", 30_000, "2023-06-01"),
    ] {
        s.add_subscription(
            ws,
            acme.id,
            NewSubscription {
                subscription_ref: r.into(),
                plan: Some(plan.into()),
                mrr: Money::from_cents(cents),
                started_on: day(start),
                ended_on: None,
                notice_period_days: None,
                minimum_term_months: None,
            },
        )
        .await
        .unwrap();
    }
    closed_lost(&s, ws, acme.id, "price_too_high", "2024-03-31", 35_000).await;
    let beta = client(&s, ws, "Beta").await;
    open(&s, ws, beta.id).await;
    let departures = s.closed_departures(ws).await.unwrap();
    assert_eq!(departures.len(), 1);
    let d = &departures[0];
    assert_eq!(d.primary_reason.as_str(), "price_too_high");
    assert_eq!(d.outcome, Outcome::Lost);
    assert_eq!(d.end_on, day("2024-03-31"));
    assert_eq!(d.lost_mrr, Money::from_cents(35_000));
    assert_eq!(d.segment.as_deref(), Some("smb"));
    assert_eq!(d.owner.as_deref(), Some("ana"));
    assert_eq!(d.plan.as_deref(), Some("premium"));
}

async fn the_history_table_refuses_any_update(t: TestStore) {
    let s = t.store.clone();
    let ws = s.ensure_workspace("a").await.unwrap().id;
    let acme = client(&s, ws, "Acme").await;
    let stored = open(&s, ws, acme.id).await;
    let sql = "UPDATE departure_case_history SET event = '{}'";
    let refused = if t.url.starts_with("sqlite") {
        let raw = churnwise_store_sqlite::SqliteStore::connect(&t.url)
            .await
            .unwrap();
        sqlx::query(sql).execute(raw.pool()).await.map(|_| ())
    } else {
        let raw = churnwise_store_postgres::PostgresStore::connect(&t.url)
            .await
            .unwrap();
        sqlx::query(sql).execute(raw.pool()).await.map(|_| ())
    };
    let err = refused.unwrap_err().to_string();
    assert!(err.contains("append-only"), "{err}");
    assert_eq!(s.case_history(ws, stored.id).await.unwrap().len(), 1);
}

async fn concurrent_edits_of_one_case_never_overwrite_each_other(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("a").await.unwrap().id;
    let acme = client(&s, ws, "Acme").await;
    let read = open(&s, ws, acme.id).await;
    // Eight writers read the same version and save at once: one wins.
    let mut tasks = Vec::new();
    for i in 0..8u32 {
        let s = s.clone();
        let read = read.clone();
        tasks.push(tokio::spawn(async move {
            let received = format!("2024-03-{:02}", i + 2);
            let change = read
                .case
                .amend_notice(notice(&received, "2024-04-30"))
                .unwrap();
            s.save_case(ws, update(&read, change)).await
        }));
    }
    let mut saved = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => saved += 1,
            Err(StoreError::StaleVersion(_)) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(saved, 1);
    let now = s.get_case(ws, read.id).await.unwrap().unwrap();
    assert_eq!(now.version, 2);
    assert_eq!(s.case_history(ws, read.id).await.unwrap().len(), 2);

    // Eight requests open a case for the same client at once: one case.
    let beta = client(&s, ws, "Beta").await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let change = DepartureCase::open(
                DepartureKind::ClientLeaving,
                notice("2024-03-01", "2024-03-31"),
                &[],
            )
            .unwrap();
            s.create_case(
                ws,
                NewCase {
                    client: beta.id,
                    history: change.history(&actor(), Utc::now()),
                    case: change.case,
                },
            )
            .await
        }));
    }
    let mut opened = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => opened += 1,
            Err(StoreError::Conflict { field, .. }) => assert_eq!(field, "client_id"),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(opened, 1);
    let filter = CaseFilter {
        client: Some(beta.id),
        ..CaseFilter::default()
    };
    assert_eq!(s.list_cases(ws, &filter).await.unwrap().len(), 1);
}

on_both_backends!(
    a_case_is_stored_read_and_listed_with_its_history_in_order,
    a_second_open_case_for_a_client_is_refused_by_the_database,
    a_save_from_a_stale_version_is_refused_and_changes_nothing,
    closing_a_lost_case_ends_running_subscriptions_and_makes_the_client_former,
    a_saved_case_gives_the_client_back_its_active_status,
    cases_of_another_workspace_are_absent_for_every_method,
    a_survey_link_is_found_only_by_its_hash_and_a_new_one_replaces_it,
    the_reason_list_starts_as_the_default_and_saves_only_at_the_version_read,
    checklist_templates_start_as_the_default_and_are_saved_per_workspace,
    due_work_is_found_by_date_and_leaves_when_done,
    closed_departures_carry_reason_end_lost_mrr_segment_owner_and_plan,
    the_history_table_refuses_any_update,
    concurrent_edits_of_one_case_never_overwrite_each_other,
);
