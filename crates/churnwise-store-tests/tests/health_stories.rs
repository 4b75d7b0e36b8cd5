//! The storage suite of the early-warning features (health facts and
//! scores, alerts, settings, job leases, digest deliveries): every story runs
//! on SQLite and on PostgreSQL.

#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test code: a failed unwrap is a failed test with its message, and test data is small"
)]

use chrono::{Duration, NaiveDate, Utc};
use churnwise_domain::health::{score, HealthScore, HealthSettings};
use churnwise_domain::registry::{ClientStatus, InteractionKind, WarningFlag};
use churnwise_domain::workspace_settings::WorkspaceSettings;
use churnwise_domain::{Lang, Money};
use churnwise_store::*;
use churnwise_store_tests::{on_both_backends, TestStore};
use std::sync::Arc;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn client(s: &Arc<dyn Store>, ws: WorkspaceId, name: &str, owner: &str) -> Client {
    s.create_client(
        ws,
        NewClient {
            external_id: None,
            name: name.into(),
            status: ClientStatus::Active,
            owner: Some(owner.into()),
            segment: Some("smb".into()),
            keep_in_touch_days: 30,
            notes: None,
        },
    )
    .await
    .unwrap()
}

async fn interaction(
    s: &Arc<dyn Store>,
    ws: WorkspaceId,
    c: ClientId,
    kind: InteractionKind,
    on: &str,
) {
    s.log_interaction(
        ws,
        c,
        NewInteraction {
            kind,
            occurred_on: day(on),
            author: None,
            note: None,
        },
    )
    .await
    .unwrap();
}

fn health(points: u32) -> HealthScore {
    HealthScore {
        score: 100 - points,
        at_risk: 100 - points < 60,
        signals: vec![],
    }
}

fn new_health(c: ClientId, points: u32) -> NewHealth {
    NewHealth {
        client: c,
        health: health(points),
        may_alert: true,
    }
}

async fn live_alerts(s: &Arc<dyn Store>, ws: WorkspaceId) -> Vec<Alert> {
    s.list_alerts(
        ws,
        &AlertFilter {
            statuses: vec![
                AlertStatus::Open,
                AlertStatus::Acknowledged,
                AlertStatus::Snoozed,
                AlertStatus::CaseOpened,
            ],
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

async fn the_facts_of_a_client_are_gathered_from_the_registry(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("acme").await.unwrap().id;
    let c = client(&s, ws, "Pixel", "ana").await;
    let quiet = client(&s, ws, "Quiet", "bruno").await;
    let today = day("2026-06-10");
    interaction(&s, ws, c.id, InteractionKind::Call, "2026-04-26").await;
    interaction(&s, ws, c.id, InteractionKind::Newsletter, "2026-06-01").await;
    interaction(&s, ws, c.id, InteractionKind::Note, "2026-06-02").await;
    interaction(&s, ws, c.id, InteractionKind::Complaint, "2026-03-01").await; // outside 90 days (from 2026-03-12)
    interaction(&s, ws, c.id, InteractionKind::Incident, "2026-04-01").await;
    for (reference, cents, due, paid) in [
        ("F-1", 12000, "2026-05-01", None),
        ("F-2", 8000, "2026-04-01", Some("2026-04-03")),
        ("F-3", 5000, "2026-06-30", None),
    ] {
        s.add_invoice(
            ws,
            c.id,
            NewInvoice {
                invoice_ref: reference.into(),
                amount: Money::from_cents(cents),
                issued_on: None,
                due_on: day(due),
                paid_on: paid.map(day),
            },
        )
        .await
        .unwrap();
    }
    for (cents, start, end) in [
        (10000, "2025-01-01", Some("2026-05-01")),
        (7500, "2026-05-01", None),
    ] {
        s.add_subscription(
            ws,
            c.id,
            NewSubscription {
                subscription_ref: "S-1".into(),
                plan: Some("Pro".into()),
                mrr: Money::from_cents(cents),
                started_on: day(start),
                ended_on: end.map(day),
                notice_period_days: None,
                minimum_term_months: Some(12),
            },
        )
        .await
        .unwrap();
    }
    s.update_client(
        ws,
        c.id,
        ClientPatch {
            warning_flags: Some(vec![WarningFlag::YesToEverything]),
            ..Default::default()
        },
    )
    .await
    .unwrap();

    let facts = s.health_facts(ws, today, 90).await.unwrap();
    assert_eq!(facts.len(), 2);
    let f = &facts.iter().find(|f| f.client.id == c.id).unwrap().facts;
    assert_eq!(f.last_contact_on, Some(day("2026-04-26")));
    assert_eq!(f.client_since, day("2025-01-01"));
    assert_eq!(f.overdue_invoices.len(), 1);
    assert_eq!(f.overdue_invoices[0].amount, Money::from_cents(12000));
    assert_eq!((f.complaints, f.incidents), (0, 1));
    assert_eq!(f.segments.len(), 2);
    assert_eq!(f.warning_flags, vec![WarningFlag::YesToEverything]);
    let q = &facts.iter().find(|f| f.client.id == quiet.id).unwrap();
    assert_eq!(q.client.owner.as_deref(), Some("bruno"));
    assert_eq!(q.facts.last_contact_on, None);

    // The score of those facts: contact 11 (45 days: 15 of 60 days late of
    // 45), invoice 30 (40 days overdue of 60, of 45), incident 8,
    // contraction 5, renewal 0 (2027-01-01 is too far), flags 5.
    let scored = score(f, &HealthSettings::default());
    assert_eq!(scored.score, 100 - 11 - 30 - 8 - 5 - 5);

    // Former clients are not scored.
    s.update_client(
        ws,
        quiet.id,
        ClientPatch {
            status: Some(ClientStatus::Former),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(s.health_facts(ws, today, 90).await.unwrap().len(), 1);
}

async fn one_crossing_raises_one_alert_and_recovery_resolves_it(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("acme").await.unwrap().id;
    let c = client(&s, ws, "Pixel", "ana").await;
    let ok = client(&s, ws, "Fine", "ana").await;
    let today = day("2026-06-10");

    let run = s
        .record_health(ws, today, vec![new_health(c.id, 50), new_health(ok.id, 0)])
        .await
        .unwrap();
    assert_eq!(run.scored, 2);
    assert_eq!(run.raised.len(), 1);
    let alerts = live_alerts(&s, ws).await;
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].client.id, c.id);
    assert_eq!(alerts[0].score, 50);
    assert_eq!(alerts[0].status, AlertStatus::Open);

    // Still at risk the next day: nothing new.
    let run = s
        .record_health(
            ws,
            today + Duration::days(1),
            vec![new_health(c.id, 60), new_health(ok.id, 0)],
        )
        .await
        .unwrap();
    assert!(run.raised.is_empty());
    assert_eq!(live_alerts(&s, ws).await.len(), 1);

    // Recovered: resolved; at risk again: a new alert.
    let run = s
        .record_health(
            ws,
            today + Duration::days(2),
            vec![new_health(c.id, 10), new_health(ok.id, 0)],
        )
        .await
        .unwrap();
    assert_eq!(run.resolved, 1);
    assert!(live_alerts(&s, ws).await.is_empty());
    let run = s
        .record_health(
            ws,
            today + Duration::days(3),
            vec![new_health(c.id, 45), new_health(ok.id, 0)],
        )
        .await
        .unwrap();
    assert_eq!(run.raised.len(), 1);
    let all = s.list_alerts(ws, &AlertFilter::default()).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].status, AlertStatus::Open);
    assert_eq!(all[1].status, AlertStatus::Resolved);

    // A client that may not alert (leaving) raises nothing, and the list of
    // scores is what the last run stored, lowest first.
    let leaving = client(&s, ws, "Leaving", "bruno").await;
    let mut h = new_health(leaving.id, 90);
    h.may_alert = false;
    s.record_health(ws, today + Duration::days(4), vec![new_health(c.id, 45), h])
        .await
        .unwrap();
    assert_eq!(live_alerts(&s, ws).await.len(), 1);
    let scores = s.list_health(ws, &HealthFilter::default()).await.unwrap();
    let names: Vec<&str> = scores.iter().map(|h| h.client.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["Leaving", "Pixel"],
        "Fine was not scored this time"
    );
    let at_risk_of_bruno = s
        .list_health(
            ws,
            &HealthFilter {
                owner: Some("BRUNO".into()),
                at_risk_only: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(at_risk_of_bruno.len(), 1);
    let page = s
        .list_clients(
            ws,
            &ClientFilter {
                at_risk: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 2);
}

async fn two_runs_at_once_raise_a_single_alert(t: TestStore) {
    let other = t.another_process().await;
    let s = t.store;
    let ws = s.ensure_workspace("acme").await.unwrap().id;
    let c = client(&s, ws, "Pixel", "ana").await;
    let today = day("2026-06-10");
    let mut tasks = Vec::new();
    for store in [s.clone(), other.clone(), s.clone(), other.clone()] {
        let id = c.id;
        tasks.push(tokio::spawn(async move {
            // A run that loses a race on SQLite's write lock is retried, as the scheduler would.
            for _ in 0..20 {
                if store
                    .record_health(ws, today, vec![new_health(id, 50)])
                    .await
                    .is_ok()
                {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            panic!("the run never succeeded");
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(live_alerts(&s, ws).await.len(), 1);
    assert_eq!(
        s.list_alerts(ws, &AlertFilter::default())
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn alerts_are_acknowledged_snoozed_and_linked_to_cases_but_not_once_resolved(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("acme").await.unwrap().id;
    let c = client(&s, ws, "Pixel", "ana").await;
    let today = day("2026-06-10");
    let run = s
        .record_health(ws, today, vec![new_health(c.id, 50)])
        .await
        .unwrap();
    let id = run.raised[0];

    let a = s
        .update_alert(ws, id, AlertAction::Acknowledge, "ana@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.status, AlertStatus::Acknowledged);
    assert_eq!(a.handled_by.as_deref(), Some("ana@example.com"));

    let a = s
        .update_alert(
            ws,
            id,
            AlertAction::Snooze(day("2026-06-15")),
            "ana@example.com",
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.status, AlertStatus::Snoozed);
    assert_eq!(a.snoozed_until, Some(day("2026-06-15")));
    // Before its day it stays snoozed; on its day it is open again.
    s.record_health(ws, day("2026-06-14"), vec![new_health(c.id, 50)])
        .await
        .unwrap();
    assert_eq!(
        s.get_alert(ws, id).await.unwrap().unwrap().status,
        AlertStatus::Snoozed
    );
    let run = s
        .record_health(ws, day("2026-06-15"), vec![new_health(c.id, 50)])
        .await
        .unwrap();
    assert_eq!(run.reopened, 1);
    assert!(run.raised.is_empty());
    assert_eq!(
        s.get_alert(ws, id).await.unwrap().unwrap().status,
        AlertStatus::Open
    );

    // Another workspace sees nothing and changes nothing.
    let other = s.ensure_workspace("other").await.unwrap().id;
    assert!(s.get_alert(other, id).await.unwrap().is_none());
    assert!(s
        .update_alert(other, id, AlertAction::Acknowledge, "x")
        .await
        .unwrap()
        .is_none());
    assert!(s
        .list_alerts(other, &AlertFilter::default())
        .await
        .unwrap()
        .is_empty());
    assert!(s
        .list_health(other, &HealthFilter::default())
        .await
        .unwrap()
        .is_empty());

    s.record_health(ws, day("2026-06-16"), vec![new_health(c.id, 0)])
        .await
        .unwrap();
    let err = s
        .update_alert(ws, id, AlertAction::Acknowledge, "ana")
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { ref field, .. } if field == "status"),
        "{err:?}"
    );
}

async fn a_lease_is_held_by_one_holder_until_it_expires_or_is_released(t: TestStore) {
    let s = t.store;
    let now = Utc::now();
    let ttl = std::time::Duration::from_secs(60);
    assert!(s.try_lease("digest", "a", now, ttl).await.unwrap());
    assert!(!s.try_lease("digest", "b", now, ttl).await.unwrap());
    assert!(
        s.try_lease("digest", "a", now, ttl).await.unwrap(),
        "the holder renews"
    );
    assert!(
        s.try_lease("health", "b", now, ttl).await.unwrap(),
        "another job is free"
    );
    assert!(
        s.try_lease("digest", "b", now + Duration::seconds(61), ttl)
            .await
            .unwrap(),
        "expired"
    );
    assert!(!s
        .try_lease("digest", "a", now + Duration::seconds(62), ttl)
        .await
        .unwrap());
    s.release_lease("digest", "b").await.unwrap();
    assert!(s
        .try_lease("digest", "a", now + Duration::seconds(63), ttl)
        .await
        .unwrap());
}

async fn a_digest_is_claimed_once_and_a_failed_one_is_retried_three_times_at_most(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("acme").await.unwrap().id;
    let ana = s.upsert_user("ana@example.com", "x").await.unwrap();
    let bruno = s.upsert_user("bruno@example.com", "x").await.unwrap();
    let today = day("2026-06-10");

    let id = s
        .claim_delivery(ws, ana.id, today, 3)
        .await
        .unwrap()
        .expect("first claim");
    assert_eq!(
        s.claim_delivery(ws, ana.id, today, 3).await.unwrap(),
        None,
        "being sent"
    );
    s.finish_delivery(id, Ok(())).await.unwrap();
    assert_eq!(
        s.claim_delivery(ws, ana.id, today, 3).await.unwrap(),
        None,
        "sent"
    );
    assert!(s
        .claim_delivery(ws, ana.id, today + Duration::days(1), 1)
        .await
        .unwrap()
        .is_some());

    let id = s
        .claim_delivery(ws, bruno.id, today, 2)
        .await
        .unwrap()
        .unwrap();
    s.finish_delivery(id, Err("connection refused".into()))
        .await
        .unwrap();
    let again = s
        .claim_delivery(ws, bruno.id, today, 2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again, id);
    s.finish_delivery(id, Err("connection refused".into()))
        .await
        .unwrap();
    s.claim_delivery(ws, bruno.id, today, 2)
        .await
        .unwrap()
        .unwrap();
    s.finish_delivery(id, Err("connection refused".into()))
        .await
        .unwrap();
    assert_eq!(
        s.claim_delivery(ws, bruno.id, today, 2).await.unwrap(),
        None,
        "3 attempts"
    );

    let list = s.list_deliveries(ws, today).await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].status, DeliveryStatus::Sent);
    assert_eq!(list[1].status, DeliveryStatus::Failed);
    assert_eq!(list[1].attempts, 3);
    assert_eq!(list[1].error.as_deref(), Some("connection refused"));
}

async fn workspace_settings_and_user_profiles_are_saved(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("acme").await.unwrap().id;
    let first = s.workspace_settings(ws).await.unwrap();
    assert_eq!(first.version, 0);
    assert_eq!(first.value, WorkspaceSettings::default());
    let mut changed = first.value.clone();
    changed.benchmark_pct = 5.5;
    changed.health.at_risk_below = 70;
    let saved = s.save_workspace_settings(ws, &changed, 0).await.unwrap();
    assert_eq!(saved.version, 1);
    assert_eq!(s.workspace_settings(ws).await.unwrap().value, changed);
    let stale = s
        .save_workspace_settings(ws, &changed, 0)
        .await
        .unwrap_err();
    assert!(matches!(stale, StoreError::StaleVersion(_)));

    let user = s.upsert_user("ana@example.com", "x").await.unwrap();
    assert_eq!((user.name.clone(), user.lang), (None, None));
    let user = s
        .update_user_profile(user.id, Some(Some("Ana".into())), Some(Some(Lang::Es)))
        .await
        .unwrap();
    assert_eq!(user.name.as_deref(), Some("Ana"));
    assert_eq!(user.lang, Some(Lang::Es));
    assert!(user.owns(Some(" ana ")));
    assert!(user.owns(Some("ANA@example.com")));
    assert!(!user.owns(Some("bruno")));
    let found = s
        .find_user_by_email("ana@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.user, user);
    let user = s
        .update_user_profile(user.id, None, Some(None))
        .await
        .unwrap();
    assert_eq!((user.name.as_deref(), user.lang), (Some("Ana"), None));
}

/// A usage trend as the story compares it: the last 28 days, the 28
/// before, the older part of the year, the first and last days of use.
type Trend = (i64, i64, i64, Option<NaiveDate>, Option<NaiveDate>);

/// The usage signal's trends (issue 18) equal the daily totals summed by
/// hand, on days that put the year's edges at every kind of place (first
/// and last of a month, February, a leap day), after the upserts that add
/// to existing days and after old days are pruned: the monthly totals kept
/// by triggers (migration 0037) follow every write, in each workspace.
async fn usage_trends_equal_the_daily_totals_summed_on_any_day(t: TestStore) {
    let s = t.store.clone();
    let ws = s.ensure_workspace("acme").await.unwrap().id;
    let other = s.ensure_workspace("other").await.unwrap().id;
    let a = client(&s, ws, "Daily", "ana").await.id;
    let b = client(&s, ws, "Sparse", "ana").await.id;
    let c = client(&s, ws, "Silent", "ana").await.id;
    let elsewhere = client(&s, other, "Elsewhere", "bo").await.id;
    let start = day("2025-06-01");
    let event = |client: ClientId, metric: &str, n: u64, value: i64| UsageEvent {
        client,
        metric: metric.into(),
        on: start + chrono::Days::new(n),
        value,
        id: None,
    };
    // 600 days: every day for `a` (some zeros), every ninth day for `b`,
    // a metric only `a` uses; `c` has nothing.
    let mut events = Vec::new();
    for n in 0..600u64 {
        events.push(event(a, "logins", n, ((n * 7) % 5) as i64));
        if n % 9 == 0 {
            events.push(event(b, "logins", n, 3));
            events.push(event(b, "tickets", n, (n % 4) as i64));
        }
        if n % 40 < 3 {
            events.push(event(a, "reports", n, 1));
        }
    }
    s.record_usage(ws, &events).await.unwrap();
    s.record_usage(
        other,
        &(0..600)
            .map(|n| event(elsewhere, "logins", n, 100))
            .collect::<Vec<_>>(),
    )
    .await
    .unwrap();

    let check = |what: &'static str| {
        let s = s.clone();
        async move {
            for today in [
                "2026-12-31",
                "2026-03-01",
                "2026-02-28",
                "2026-06-01",
                "2026-05-31",
                "2026-10-15",
                "2026-08-26",
                "2027-01-20",
                "2028-02-29",
            ] {
                let today = day(today);
                let got = s.usage_trends_of(ws, today, &[a, b, c]).await.unwrap();
                for id in [a, b, c] {
                    let first = today - chrono::Days::new(364);
                    let days = s.usage_days(ws, id, first, today).await.unwrap();
                    let mut want: std::collections::BTreeMap<String, Trend> = Default::default();
                    for d in &days {
                        let e = want.entry(d.metric.clone()).or_default();
                        let ago = (today - d.on).num_days();
                        match ago {
                            0..=27 => e.0 += d.total,
                            28..=55 => e.1 += d.total,
                            _ => e.2 += d.total,
                        }
                        if d.total > 0 {
                            e.3 = Some(e.3.map_or(d.on, |x: NaiveDate| x.min(d.on)));
                            e.4 = Some(e.4.map_or(d.on, |x: NaiveDate| x.max(d.on)));
                        }
                    }
                    let have: std::collections::BTreeMap<_, _> = got
                        .get(&id)
                        .map(|trends| {
                            trends
                                .iter()
                                .map(|t| {
                                    (
                                        t.metric.clone(),
                                        (
                                            t.last_28,
                                            t.previous_28,
                                            t.older_total,
                                            t.first_used_on,
                                            t.last_used_on,
                                        ),
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    assert_eq!(have, want, "{what}: client {id:?} on {today}");
                }
            }
        }
    };
    check("first import").await;
    let logins = &s
        .usage_trends_of(ws, day("2026-12-31"), &[a])
        .await
        .unwrap()[&a][0];
    assert_eq!(logins.metric, "logins");
    assert!(
        logins.older_total > 0,
        "the year before the windows holds use"
    );

    // Upserts that add to days already there, and new days.
    let more: Vec<_> = (0..600)
        .step_by(7)
        .map(|n| event(a, "logins", n, 11))
        .chain((600..640).map(|n| event(b, "tickets", n, 2)))
        .collect();
    s.record_usage(ws, &more).await.unwrap();
    check("after more events").await;

    // Old days pruned, to the middle of a month that the monthly totals
    // then answer for (on 2026-12-31, March is a whole month of the year).
    assert!(s.prune_usage_days(day("2026-03-17")).await.unwrap() > 0);
    check("after pruning").await;
    assert!(s
        .usage_days(ws, a, day("2025-01-01"), day("2026-03-16"))
        .await
        .unwrap()
        .is_empty());
    // The other workspace is untouched by all of it.
    let theirs = s
        .usage_trends_of(other, day("2026-12-31"), &[elsewhere, a])
        .await
        .unwrap();
    assert_eq!(theirs.len(), 1);
    let theirs = &theirs[&elsewhere][0];
    assert_eq!((theirs.last_28, theirs.previous_28), (2_800, 2_800));
}

/// A window of the health list (read in two steps: the score of its last
/// row, then the clients at or under it) is the same slice of the whole
/// list, with scores tied across the window's edges, filters by owner and
/// at risk, former clients in or out, and windows past the end.
async fn a_window_of_the_health_list_is_the_same_slice_of_the_whole_list(t: TestStore) {
    let s = &t.store;
    let ws = s.ensure_workspace("W").await.unwrap().id;
    let today = day("2025-06-01");
    let names = ["Same", "Zeta", "alpha", "Same", "Beta"];
    let mut scores = Vec::new();
    for i in 0..23u32 {
        let owner = if i % 3 == 0 { "Ana" } else { "Bo" };
        let c = client(s, ws, names[(i % 5) as usize], owner).await;
        // Five scores only, so that ties cross every window's edge.
        scores.push(new_health(
            c.id,
            [0, 10, 10, 40, 90][(i % 5) as usize] + i % 2,
        ));
        if i % 7 == 6 {
            s.update_client(
                ws,
                c.id,
                ClientPatch {
                    status: Some(ClientStatus::Former),
                    ..ClientPatch::default()
                },
            )
            .await
            .unwrap();
        }
    }
    s.record_health(ws, today, scores).await.unwrap();
    for include_former in [false, true] {
        for (owner, at_risk_only) in [(None, false), (Some("ana"), false), (None, true)] {
            let filter = |window| HealthFilter {
                owner: owner.map(str::to_string),
                at_risk_only,
                include_former,
                window,
                ..HealthFilter::default()
            };
            let whole = s.list_health(ws, &filter(None)).await.unwrap();
            assert!(!whole.is_empty());
            for limit in [1u32, 2, 5, 50] {
                for offset in 0..=whole.len() as u32 + 1 {
                    let got = s
                        .list_health(ws, &filter(Some(ListWindow { limit, offset })))
                        .await
                        .unwrap();
                    let end = (offset + limit).min(whole.len() as u32) as usize;
                    let expected = whole.get(offset as usize..end).unwrap_or_default();
                    assert_eq!(
                        got, expected,
                        "owner {owner:?}, at risk {at_risk_only}, former {include_former}, \
                         offset {offset}, limit {limit}"
                    );
                }
            }
        }
    }
}

on_both_backends!(
    the_facts_of_a_client_are_gathered_from_the_registry,
    one_crossing_raises_one_alert_and_recovery_resolves_it,
    two_runs_at_once_raise_a_single_alert,
    alerts_are_acknowledged_snoozed_and_linked_to_cases_but_not_once_resolved,
    a_lease_is_held_by_one_holder_until_it_expires_or_is_released,
    a_digest_is_claimed_once_and_a_failed_one_is_retried_three_times_at_most,
    workspace_settings_and_user_profiles_are_saved,
    usage_trends_equal_the_daily_totals_summed_on_any_day,
    a_window_of_the_health_list_is_the_same_slice_of_the_whole_list,
);
