//! Early warning end to end: health scores, alerts, the due list, settings
//! and profiles through the API and the CLI, and the daily digest through a
//! real SMTP server (aiosmtpd on loopback), on both backends; the two-process
//! case on PostgreSQL.

use crate::both_backends;
use crate::support::{churnwise, SmtpSink, TestApp};
use async_trait::async_trait;
use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use churnwise_app::digest::{MailAddress, Message, SendMail, SmtpMailer, SmtpSettings, SmtpTls};
use churnwise_app::scheduler::Scheduler;
use churnwise_domain::registry::{ClientStatus, InteractionKind, Role};
use churnwise_domain::{Lang, Money};
use churnwise_store::{
    ClientId, DeliveryStatus, NewClient, NewInteraction, NewInvoice, Store, WorkspaceId,
};
use churnwise_store_tests::Backend;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

async fn client(s: &Arc<dyn Store>, ws: WorkspaceId, name: &str, owner: &str) -> ClientId {
    let id = s
        .create_client(
            ws,
            NewClient {
                external_id: None,
                name: name.into(),
                status: ClientStatus::Active,
                owner: Some(owner.into()),
                segment: None,
                keep_in_touch_days: 30,
                notes: None,
            },
        )
        .await
        .unwrap()
        .id;
    // A running subscription: the status follows the data, and only active
    // and leaving clients are scored.
    s.add_subscription(
        ws,
        id,
        churnwise_store::NewSubscription {
            subscription_ref: format!("SUB-{}", id.0),
            plan: None,
            mrr: Money::from_cents(10_000),
            started_on: Utc::now().date_naive() - Duration::days(400),
            ended_on: None,
            notice_period_days: None,
            minimum_term_months: None,
        },
    )
    .await
    .unwrap();
    id
}

async fn contact(
    s: &Arc<dyn Store>,
    ws: WorkspaceId,
    c: ClientId,
    kind: InteractionKind,
    on: NaiveDate,
) {
    s.log_interaction(
        ws,
        c,
        NewInteraction {
            kind,
            occurred_on: on,
            author: None,
            note: None,
        },
    )
    .await
    .unwrap();
}

async fn overdue_invoice(
    s: &Arc<dyn Store>,
    ws: WorkspaceId,
    c: ClientId,
    reference: &str,
    due: NaiveDate,
) {
    s.add_invoice(
        ws,
        c,
        NewInvoice {
            invoice_ref: reference.into(),
            amount: Money::from_cents(25000),
            issued_on: None,
            due_on: due,
            paid_on: None,
        },
    )
    .await
    .unwrap();
}

/// A client 70 days without contact (40 of 60 days late: 30 points), with
/// two overdue invoices (the oldest 40 days late: 30) and a complaint (8):
/// score 32, at risk under the default 60.
async fn troubled_client(
    s: &Arc<dyn Store>,
    ws: WorkspaceId,
    today: NaiveDate,
    owner: &str,
) -> ClientId {
    let c = client(s, ws, "Pixel Studio", owner).await;
    contact(s, ws, c, InteractionKind::Call, today - Duration::days(70)).await;
    contact(
        s,
        ws,
        c,
        InteractionKind::Newsletter,
        today - Duration::days(2),
    )
    .await;
    overdue_invoice(s, ws, c, "F-1", today - Duration::days(40)).await;
    overdue_invoice(s, ws, c, "F-2", today - Duration::days(10)).await;
    // A complaint 80 days ago: within the 90-day window, and older than the call.
    contact(
        s,
        ws,
        c,
        InteractionKind::Complaint,
        today - Duration::days(80),
    )
    .await;
    c
}

async fn scores_alerts_and_the_due_list_work_through_the_api(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let (_, viewer) = app
        .user_with_token("vic@example.com", "Acme", Role::Viewer)
        .await;
    let (_, stranger) = app
        .user_with_token("eve@example.com", "Other", Role::Owner)
        .await;
    let s = app.store().clone();
    let today = Utc::now().date_naive();
    let pixel = troubled_client(&s, ws.id, today, "ana").await;
    let fine = client(&s, ws.id, "Fine Co", "bruno").await;
    contact(&s, ws.id, fine, InteractionKind::Meeting, today).await;

    let tok = Some(token.as_str());
    let r = app
        .call(
            Method::POST,
            "/api/v1/health-scores/refresh",
            Some(&viewer),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .call(Method::POST, "/api/v1/health-scores/refresh", tok, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["scored"], 2);
    assert_eq!(r.json["raised"].as_array().unwrap().len(), 1);

    let r = app
        .call(Method::GET, "/api/v1/health-scores?at_risk=true", tok, None)
        .await;
    let scores = r.json.as_array().unwrap();
    assert_eq!(scores.len(), 1, "{}", r.json);
    assert_eq!(scores[0]["client"]["id"], pixel.0);
    assert_eq!(scores[0]["score"], 32);
    assert_eq!(scores[0]["at_risk"], true);
    let contact_signal = scores[0]["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["signal"] == "contact")
        .unwrap();
    assert_eq!(contact_signal["points"], 30);
    assert_eq!(
        contact_signal["days_since"], 70,
        "a newsletter is not a contact"
    );

    // The same facts again: nothing new.
    let r = app
        .call(Method::POST, "/api/v1/health-scores/refresh", tok, None)
        .await;
    assert_eq!(r.json["raised"].as_array().unwrap().len(), 0);
    let r = app.call(Method::GET, "/api/v1/alerts", tok, None).await;
    let alerts = r.json.as_array().unwrap().clone();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0]["status"], "open");
    assert_eq!(alerts[0]["reasons"][0]["points"], 30);
    let id = alerts[0]["id"].as_i64().unwrap();

    // Another workspace sees nothing and changes nothing.
    let r = app
        .call(Method::GET, "/api/v1/alerts", Some(&stranger), None)
        .await;
    assert_eq!(r.json, json!([]));
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/alerts/{id}/acknowledge"),
            Some(&stranger),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/alerts/{id}/acknowledge"),
            tok,
            None,
        )
        .await;
    assert_eq!(r.json["status"], "acknowledged");
    assert_eq!(r.json["handled_by"], "ana@example.com");
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/alerts/{id}/snooze"),
            tok,
            Some(json!({"until": today.to_string()})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json["errors"][0]["field"], "until", "{}", r.json);

    // Turning it into a case opens the case and marks the client leaving.
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/alerts/{id}/case"),
            tok,
            Some(
                json!({"notice": {"received_on": today.to_string(), "channel": "phone",
                "received_by": "ana", "requested_end_on": (today + Duration::days(30)).to_string(),
                "first_evaluation": {"fruitful": true, "history_of_stumbles": true,
                    "our_commitments_met": true, "client_commitments_met": false}}}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["alert"]["status"], "case_opened");
    let case_id = r.json["case_id"].as_i64().unwrap();
    assert_eq!(r.json["alert"]["case_id"], case_id);
    assert_eq!(
        s.get_client(ws.id, pixel).await.unwrap().unwrap().status,
        ClientStatus::Leaving
    );
    // The alert is no longer live, and a leaving client raises no new one.
    let r = app
        .call(Method::POST, "/api/v1/health-scores/refresh", tok, None)
        .await;
    assert_eq!(r.json["raised"], json!([]));
    assert_eq!(
        app.call(Method::GET, "/api/v1/alerts", tok, None)
            .await
            .json,
        json!([])
    );
    let r = app
        .call(Method::GET, "/api/v1/alerts?status=case_opened", tok, None)
        .await;
    assert_eq!(r.json[0]["id"], id);
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/alerts/{id}/acknowledge"),
            tok,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = app
        .call(Method::GET, "/api/v1/alerts?status=gone", tok, None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The due list: Pixel is 40 days late for a contact; Fine is not due.
    let r = app
        .call(Method::GET, "/api/v1/due-list?owner=ANA", tok, None)
        .await;
    let due = r.json.as_array().unwrap();
    assert_eq!(due.len(), 1, "{}", r.json);
    assert_eq!(due[0]["kind"], "contact");
    assert_eq!(due[0]["client_id"], pixel.0);
    assert_eq!(due[0]["days_overdue"], 40);
    let r = app
        .call(Method::GET, "/api/v1/due-list?owner=bruno", tok, None)
        .await;
    assert_eq!(r.json, json!([]));

    // Warning flags are checked by name.
    let r = app
        .call(
            Method::PATCH,
            &format!("/api/v1/clients/{}", fine.0),
            tok,
            Some(json!({"warning_flags": ["rude"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json["errors"][0]["field"], "warning_flags");
    let r = app
        .call(
            Method::PATCH,
            &format!("/api/v1/clients/{}", fine.0),
            tok,
            Some(json!({"warning_flags": ["treats_team_badly", "yes_to_everything"]})),
        )
        .await;
    assert_eq!(
        r.json["warning_flags"],
        json!(["yes_to_everything", "treats_team_badly"])
    );
}

async fn settings_and_profiles_are_validated_and_versioned(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let (_, member) = app
        .user_with_token("max@example.com", "Acme", Role::Member)
        .await;
    let tok = Some(token.as_str());
    let r = app.call(Method::GET, "/api/v1/settings", tok, None).await;
    assert_eq!(r.json["version"], 0);
    assert_eq!(r.json["settings"]["benchmark_pct"], 7.0);
    assert_eq!(r.json["settings"]["health"]["weights"]["contact"], 45);

    let r = app
        .call(
            Method::PUT,
            "/api/v1/settings",
            tok,
            Some(json!({"version": 0, "settings": {"benchmark_pct": 120,
                "health": {"at_risk_below": 0}, "digest": {"hour_utc": 30}}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = r.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        vec![
            "settings.benchmark_pct",
            "settings.digest.hour_utc",
            "settings.health.at_risk_below"
        ]
    );
    let r = app
        .call(
            Method::PUT,
            "/api/v1/settings",
            tok,
            Some(json!({"version": 0, "settings": {"nope": 1}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    assert_eq!(
        app.call(Method::GET, "/api/v1/settings", tok, None)
            .await
            .json["version"],
        0
    );

    let body = json!({"version": 0, "settings": {"keep_in_touch_days": 45,
        "keep_in_touch_by_segment": {"enterprise": 14}, "health": {"at_risk_below": 40}}});
    let r = app
        .call(
            Method::PUT,
            "/api/v1/settings",
            Some(&member),
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .call(Method::PUT, "/api/v1/settings", tok, Some(body.clone()))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["version"], 1);
    assert_eq!(
        r.json["settings"]["health"]["weights"]["contact"], 45,
        "defaults kept"
    );
    let r = app
        .call(Method::PUT, "/api/v1/settings", tok, Some(body))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // New clients take the segment's interval, else the workspace's.
    let r = app
        .call(
            Method::POST,
            "/api/v1/clients",
            tok,
            Some(json!({"name": "Big", "segment": "enterprise"})),
        )
        .await;
    assert_eq!(r.json["keep_in_touch_days"], 14);
    let r = app
        .call(
            Method::POST,
            "/api/v1/clients",
            tok,
            Some(json!({"name": "Small"})),
        )
        .await;
    assert_eq!(r.json["keep_in_touch_days"], 45);

    let r = app
        .call(
            Method::PATCH,
            "/api/v1/me",
            tok,
            Some(json!({"lang": "fr"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json["errors"][0]["field"], "lang");
    let r = app
        .call(
            Method::PATCH,
            "/api/v1/me",
            tok,
            Some(json!({"lang": "es", "name": "Ana"})),
        )
        .await;
    assert_eq!(r.json["lang"], "es");
    assert_eq!(r.json["name"], "Ana");
    let r = app.call(Method::GET, "/api/v1/me", tok, None).await;
    assert_eq!(r.json["email"], "ana@example.com");
    assert_eq!(r.json["lang"], "es");
}

async fn health_and_due_work_from_the_command_line(backend: Backend) {
    let t = backend.fresh().await;
    let s = t.store.clone();
    let ws = s.ensure_workspace("Acme").await.unwrap();
    let today = Utc::now().date_naive();
    troubled_client(&s, ws.id, today, "ana").await;
    let fine = client(&s, ws.id, "Fine Co", "bruno").await;
    contact(&s, ws.id, fine, InteractionKind::Meeting, today).await;

    let (ok, out, err) = churnwise(&t.url, &["health", "--format", "json"]);
    assert!(ok, "{err}");
    let scores: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(scores[0]["client"]["name"], "Pixel Studio");
    assert_eq!(scores[0]["score"], 32);
    assert_eq!(scores[1]["score"], 100);
    let (ok, out, err) = churnwise(&t.url, &["health", "--client", "Pixel Studio"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("70 days since the last contact (every 30 days) (−30)"),
        "{out}"
    );
    assert!(out.contains("2 overdue invoices (€500.00) (−30)"), "{out}");
    assert!(
        !out.contains(") (−30) (−"),
        "each contribution shown once: {out}"
    );
    let (ok, _, err) = churnwise(&t.url, &["health", "--client", "Nobody"]);
    assert!(!ok && err.contains("--client"), "{err}");

    let (ok, out, err) = churnwise(&t.url, &["due", "--owner", "ana", "--format", "json"]);
    assert!(ok, "{err}");
    let due: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(due.as_array().unwrap().len(), 1);
    assert_eq!(due[0]["days_overdue"], 40);
    let (ok, out, _) = churnwise(&t.url, &["due"]);
    assert!(
        ok && out.contains("Get in touch with Pixel Studio"),
        "{out}"
    );
    let (ok, _, err) = churnwise(&t.url, &["due", "--on", "2026-13-01"]);
    assert!(!ok && err.contains("--on"), "{err}");

    let (ok, _, err) = churnwise(&t.url, &["client", "flag", "Fine Co", "rude"]);
    assert!(!ok && err.contains("flags"), "{err}");
    let (ok, out, err) = churnwise(
        &t.url,
        &[
            "client",
            "flag",
            "Fine Co",
            "treats_team_badly",
            "--format",
            "json",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("treats_team_badly"), "{out}");
}

/// Three members, each the owner of one client due for a contact.
async fn three_owners(s: &Arc<dyn Store>, today: NaiveDate) -> WorkspaceId {
    let ws = s.ensure_workspace("Acme").await.unwrap().id;
    for (email, name, lang, client_name) in [
        ("ana@example.com", "ana", Some(Lang::Es), "Panadería Lola"),
        ("bruno@example.com", "bruno", None, "Bruno's Client"),
        (
            "carla@example.com",
            "carla",
            Some(Lang::En),
            "Carla's Client",
        ),
    ] {
        let user = s.upsert_user(email, "x").await.unwrap();
        s.update_user_profile(user.id, Some(Some(name.into())), Some(lang))
            .await
            .unwrap();
        s.set_membership(user.id, ws, Role::Member).await.unwrap();
        let c = client(s, ws, client_name, name).await;
        contact(s, ws, c, InteractionKind::Call, today - Duration::days(45)).await;
    }
    // A member without clients gets no (empty) email.
    let idle = s.upsert_user("dora@example.com", "x").await.unwrap();
    s.set_membership(idle.id, ws, Role::Viewer).await.unwrap();
    ws
}

fn at_eight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(8, 0, 0).unwrap().and_utc()
}

async fn the_daily_digest_arrives_by_smtp_in_each_users_language_once(backend: Backend) {
    let sink = SmtpSink::start();
    let t = backend.fresh().await;
    let s = t.store.clone();
    let today = Utc::now().date_naive();
    let ws = three_owners(&s, today).await;
    let troubled = troubled_client(&s, ws, today, "bruno@example.com").await;

    let now = at_eight(today).to_rfc3339();
    let mut args = vec![
        "digest".to_string(),
        "send".into(),
        "--now".into(),
        now.clone(),
    ];
    args.extend(sink.flags());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (ok, out, err) = churnwise(&t.url, &args);
    assert!(ok, "{out}{err}");
    assert!(out.contains("3 sent"), "{out}");

    let mail = sink.messages();
    assert_eq!(mail.len(), 3, "{mail:?}");
    let ana = &mail[0];
    assert_eq!(ana.to, "ana@example.com");
    assert_eq!(ana.subject, "Acme: 1 pendiente, 0 alertas nuevas");
    assert!(
        ana.body.contains("Contactar con Panadería Lola"),
        "{}",
        ana.body
    );
    assert!(ana.body.contains("15 días de retraso"), "{}", ana.body);
    let bruno = &mail[1];
    assert_eq!(bruno.to, "bruno@example.com");
    // Bruno owns his client by name and Pixel by email; Pixel raised an alert.
    assert_eq!(bruno.subject, "Acme: 2 things due, 1 new alert");
    assert!(
        bruno.body.contains("Clients at risk (new alerts):"),
        "{}",
        bruno.body
    );
    assert!(
        bruno
            .body
            .contains("- Pixel Studio (score 32): 70 days since the last contact"),
        "{}",
        bruno.body
    );
    assert!(
        bruno.body.contains("Get in touch with Bruno's Client"),
        "{}",
        bruno.body
    );
    assert_eq!(mail[2].to, "carla@example.com");

    let deliveries = s.list_deliveries(ws, today).await.unwrap();
    assert_eq!(deliveries.len(), 3);
    assert!(deliveries.iter().all(|d| d.status == DeliveryStatus::Sent));

    // A second run the same day sends nothing again.
    let (ok, out, err) = churnwise(&t.url, &args);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("0 sent") && out.contains("3 already handled"),
        "{out}"
    );
    assert_eq!(sink.messages().len(), 3);
    assert_eq!(
        s.list_alerts(ws, &Default::default()).await.unwrap().len(),
        1,
        "the alert of Pixel ({troubled}) is raised once"
    );

    // Before the digest hour nothing is sent.
    let mut early = vec!["digest".to_string(), "send".into(), "--now".into()];
    early.push((at_eight(today + Duration::days(1)) - Duration::hours(2)).to_rfc3339());
    early.extend(sink.flags());
    let early: Vec<&str> = early.iter().map(String::as_str).collect();
    let (ok, out, _) = churnwise(&t.url, &early);
    assert!(ok && out.contains("0 sent"), "{out}");
    assert_eq!(sink.messages().len(), 3);
}

/// Sends the first message through SMTP, then hangs as a process would that
/// died during the SMTP exchange.
struct DiesOnSecondMessage {
    inner: SmtpMailer,
    calls: AtomicU32,
}

#[async_trait]
impl SendMail for DiesOnSecondMessage {
    fn from(&self) -> &MailAddress {
        self.inner.from()
    }

    async fn send(&self, message: Message) -> Result<(), String> {
        if self.calls.fetch_add(1, Ordering::SeqCst) == 0 {
            self.inner.send(message).await
        } else {
            std::future::pending().await
        }
    }
}

fn smtp(sink: &SmtpSink) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port: sink.port,
        tls: SmtpTls::None,
        username: None,
        password: None,
        from: "digest@churnwise.test".into(),
    }
}

async fn a_run_that_dies_halfway_is_resumed_by_another_process_without_sending_twice(
    backend: Backend,
) {
    let sink = SmtpSink::start();
    let t = backend.fresh().await;
    let today = Utc::now().date_naive();
    let ws = three_owners(&t.store, today).await;
    let interval = std::time::Duration::from_secs(60);
    let first = Scheduler {
        store: t.store.clone(),
        mailer: Some(Arc::new(DiesOnSecondMessage {
            inner: SmtpMailer::new(&smtp(&sink)).unwrap(),
            calls: AtomicU32::new(0),
        })),
        holder: "process-a".into(),
        interval,
        full_runs: Default::default(),
    };
    let now = at_eight(today);
    let dying = tokio::spawn(async move { first.tick(now).await });
    for _ in 0..100 {
        if !sink.messages().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    dying.abort();
    assert_eq!(
        sink.messages().len(),
        1,
        "the first process sent Ana's digest, then died"
    );

    let second = Scheduler {
        store: t.another_process().await,
        mailer: Some(Arc::new(SmtpMailer::new(&smtp(&sink)).unwrap())),
        holder: "process-b".into(),
        interval,
        full_runs: Default::default(),
    };
    // While the dead process's lease runs, the other one waits.
    let tick = second.tick(now + Duration::seconds(10)).await.unwrap();
    assert!(!tick.ran);
    // Once it has run out, the other process resumes: Carla's digest is sent,
    // Bruno's (claimed when the first process died) is not sent twice.
    let tick = second.tick(now + Duration::seconds(120)).await.unwrap();
    assert!(tick.ran);
    assert_eq!(tick.digests.sent, 1);
    assert_eq!(tick.digests.skipped, 2);
    let to: Vec<String> = sink.messages().into_iter().map(|m| m.to).collect();
    assert_eq!(to, vec!["ana@example.com", "carla@example.com"]);
    let deliveries = t.store.list_deliveries(ws, today).await.unwrap();
    let statuses: Vec<DeliveryStatus> = deliveries.iter().map(|d| d.status).collect();
    assert_eq!(
        statuses,
        vec![
            DeliveryStatus::Sent,
            DeliveryStatus::Sending,
            DeliveryStatus::Sent
        ]
    );
}

both_backends!(
    scores_alerts_and_the_due_list_work_through_the_api,
    settings_and_profiles_are_validated_and_versioned,
    health_and_due_work_from_the_command_line,
    the_daily_digest_arrives_by_smtp_in_each_users_language_once,
    a_run_that_dies_halfway_is_resumed_by_another_process_without_sending_twice,
    the_scheduler_scores_a_workspace_whole_once_a_day_and_otherwise_only_stale_clients,
);

/// Two server processes on one PostgreSQL database: each digest is sent once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgresql_database_send_each_digest_once() {
    let sink = SmtpSink::start();
    let t = Backend::Postgres.fresh().await;
    let today = Utc::now().date_naive();
    let ws = three_owners(&t.store, today).await;
    let mut args = vec![
        "--database".to_string(),
        t.url.clone(),
        "digest".into(),
        "send".into(),
        "--now".into(),
        at_eight(today).to_rfc3339(),
    ];
    args.extend(sink.flags());
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_churnwise"))
            .args(&args)
            .env("CHURNWISE_LOG", "warn")
            .output()
    };
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(spawn);
        let b = scope.spawn(spawn);
        (a.join().unwrap().unwrap(), b.join().unwrap().unwrap())
    });
    let outs = [
        String::from_utf8_lossy(&a.stdout).into_owned(),
        String::from_utf8_lossy(&b.stdout).into_owned(),
    ];
    assert!(a.status.success() && b.status.success(), "{outs:?}");
    let to: Vec<String> = sink.messages().into_iter().map(|m| m.to).collect();
    assert_eq!(
        to,
        vec!["ana@example.com", "bruno@example.com", "carla@example.com"],
        "{outs:?}"
    );
    let sent: u32 = t
        .store
        .list_deliveries(ws, today)
        .await
        .unwrap()
        .iter()
        .filter(|d| d.status == DeliveryStatus::Sent)
        .count() as u32;
    assert_eq!(sent, 3);
}

/// The real server runs its scheduler: scores are computed, the alert is
/// raised and the digest arrives, with no request at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_scheduler_scores_clients_and_sends_the_digest_on_its_own() {
    let sink = SmtpSink::start();
    let t = Backend::Sqlite.fresh().await;
    let today = Utc::now().date_naive();
    let ws = three_owners(&t.store, today).await;
    troubled_client(&t.store, ws, today, "ana").await;
    // Send from midnight UTC, so the test does not depend on the hour it runs.
    let mut settings = t.store.workspace_settings(ws).await.unwrap().value;
    settings.digest.hour_utc = 0;
    t.store
        .save_workspace_settings(ws, &settings, 0)
        .await
        .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_churnwise"))
        .args(["--database", &t.url, "serve", "--port", &port.to_string()])
        .args(["--scheduler-interval", "1"])
        .args(sink.flags())
        .env("CHURNWISE_LOG", "warn")
        .spawn()
        .unwrap();
    let mut received = vec![];
    for _ in 0..200 {
        received = sink.messages();
        if received.len() >= 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // A few more ticks must not send anything again.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let again = sink.messages();
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(received.len(), 3, "{received:?}");
    assert_eq!(again.len(), 3, "no digest twice: {again:?}");
    assert!(
        received[0].subject.contains("1 alerta nueva"),
        "{:?}",
        received[0]
    );
    let alerts = t.store.list_alerts(ws, &Default::default()).await.unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].client.name, "Pixel Studio");
}

/// Two schedulers on one PostgreSQL database tick at the same moment: one
/// holds the lease and does the run, the other does nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_schedulers_on_one_postgresql_database_only_one_does_each_run() {
    let sink = SmtpSink::start();
    let t = Backend::Postgres.fresh().await;
    let today = Utc::now().date_naive();
    three_owners(&t.store, today).await;
    let scheduler = |store: Arc<dyn Store>, holder: &str| Scheduler {
        store,
        mailer: Some(Arc::new(SmtpMailer::new(&smtp(&sink)).unwrap()) as Arc<dyn SendMail>),
        holder: holder.into(),
        interval: std::time::Duration::from_secs(60),
        full_runs: Default::default(),
    };
    let a = scheduler(t.store.clone(), "server-a");
    let b = scheduler(t.another_process().await, "server-b");
    let now = at_eight(today);
    let (ta, tb) = tokio::join!(a.tick(now), b.tick(now));
    let (ta, tb) = (ta.unwrap(), tb.unwrap());
    assert!(ta.ran != tb.ran, "exactly one runs: {ta:?} {tb:?}");
    let ran = if ta.ran { &ta } else { &tb };
    assert_eq!(ran.digests.sent, 3);
    assert_eq!(sink.messages().len(), 3);
    // The holder keeps the lease at its next tick; the other still waits.
    let (holder, other) = if ta.ran { (&a, &b) } else { (&b, &a) };
    let later = now + Duration::seconds(60);
    assert!(!other.tick(later).await.unwrap().ran);
    let again = holder.tick(later).await.unwrap();
    assert!(again.ran);
    assert_eq!(again.digests.sent, 0);
    assert_eq!(sink.messages().len(), 3);
}

/// The scheduler scores a workspace whole at its first tick of a day and
/// after its settings change; between those, a tick rescores only the
/// clients whose usage arrived (marked in the usage write's transaction).
async fn the_scheduler_scores_a_workspace_whole_once_a_day_and_otherwise_only_stale_clients(
    backend: Backend,
) {
    let t = backend.fresh().await;
    let s = &t.store;
    let ws = s.ensure_workspace("Acme").await.unwrap().id;
    let quiet = client(s, ws, "Quiet Co", "ana").await;
    let used = s
        .create_client(
            ws,
            NewClient {
                external_id: Some("U-1".into()),
                name: "Used Co".into(),
                status: ClientStatus::Active,
                owner: Some("ana".into()),
                segment: None,
                keep_in_touch_days: 30,
                notes: None,
            },
        )
        .await
        .unwrap()
        .id;
    let scheduler = Scheduler {
        store: s.clone(),
        mailer: None,
        holder: "one".into(),
        interval: std::time::Duration::from_secs(60),
        full_runs: Default::default(),
    };
    let today = Utc::now().date_naive();
    let now = at_eight(today);

    let first = scheduler.tick(now).await.unwrap();
    assert_eq!((first.workspaces, first.clients_rescored), (1, 0));
    let again = scheduler.tick(now + Duration::minutes(15)).await.unwrap();
    assert_eq!(
        (again.workspaces, again.clients_rescored),
        (0, 0),
        "{again:?}"
    );

    // Usage for one client: the next tick rescores that client only.
    let recorded = churnwise_app::usage::ingest(
        s.as_ref(),
        ws,
        &[
            json!({"client": "U-1", "metric": "logins", "on": today.to_string(), "value": 3}),
            json!({"client": "U-1", "metric": "reports", "on": today.to_string()}),
        ],
        now,
    )
    .await
    .unwrap();
    assert_eq!(recorded.accepted, 2);
    let after_usage = scheduler.tick(now + Duration::minutes(30)).await.unwrap();
    assert_eq!(
        (after_usage.workspaces, after_usage.clients_rescored),
        (0, 1),
        "{after_usage:?}"
    );
    let quiet_tick = scheduler.tick(now + Duration::minutes(45)).await.unwrap();
    assert_eq!(quiet_tick.clients_rescored, 0, "the mark is taken once");

    // New settings: scored whole again.
    let settings = s.workspace_settings(ws).await.unwrap();
    s.save_workspace_settings(ws, &settings.value, settings.version)
        .await
        .unwrap();
    let after_settings = scheduler.tick(now + Duration::minutes(60)).await.unwrap();
    assert_eq!(after_settings.workspaces, 1);
    // And the next day.
    let tomorrow = scheduler.tick(now + Duration::days(1)).await.unwrap();
    assert_eq!(tomorrow.workspaces, 1);
    assert!(s
        .list_health(ws, &Default::default())
        .await
        .unwrap()
        .iter()
        .all(|h| [quiet, used].contains(&h.client.id)));
}
