//! Payment reminders (issue 15) end to end: the sequence, sent through a
//! real SMTP server (aiosmtpd on loopback) by `churnwise reminders send`
//! and by the scheduler, in English and Spanish, to the billing contact,
//! once each, stopping when paid, promised or paused; the settings, the
//! billing contact, the pause and the promise through the API; on both
//! backends.

use crate::both_backends;
use crate::support::{churnwise, SmtpSink, TestApp};
use axum::http::{Method, StatusCode};
use chrono::{Duration, NaiveDate, Utc};
use churnwise_app::audit::Actor;
use churnwise_app::digest::{SmtpMailer, SmtpSettings, SmtpTls};
use churnwise_app::payment_reminders::{self, BillingChange};
use churnwise_app::scheduler::Scheduler;
use churnwise_domain::registry::{ClientStatus, InteractionKind, Role};
use churnwise_domain::{Lang, Money};
use churnwise_store::{
    ClientId, ContactId, InvoiceId, NewClient, NewContact, NewInvoice, Store, WorkspaceId,
};
use churnwise_store_tests::Backend;
use serde_json::json;
use std::sync::Arc;

async fn client(s: &Arc<dyn Store>, ws: WorkspaceId, name: &str) -> ClientId {
    s.create_client(
        ws,
        NewClient {
            external_id: None,
            name: name.into(),
            status: ClientStatus::Active,
            owner: Some("ana@example.com".into()),
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
    name: &str,
    email: &str,
    is_primary: bool,
) -> ContactId {
    s.add_contact(
        ws,
        client,
        NewContact {
            name: name.into(),
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
    due_on: NaiveDate,
) -> InvoiceId {
    s.add_invoice(
        ws,
        client,
        NewInvoice {
            invoice_ref: reference.into(),
            amount: Money::from_cents(12_000),
            issued_on: None,
            due_on,
            paid_on: None,
        },
    )
    .await
    .unwrap()
    .id
}

async fn workspace_with_reminders_on(s: &Arc<dyn Store>) -> WorkspaceId {
    let ws = s.ensure_workspace("Acme").await.unwrap().id;
    let mut settings = s.workspace_settings(ws).await.unwrap();
    settings.value.payment_reminders.enabled = true;
    s.save_workspace_settings(ws, &settings.value, settings.version)
        .await
        .unwrap();
    ws
}

/// Runs `churnwise reminders send` through the sink on `day`.
fn send(url: &str, sink: &SmtpSink, day: NaiveDate, dry_run: bool) -> String {
    let mut args = vec![
        "reminders".to_string(),
        "send".into(),
        "--today".into(),
        day.to_string(),
    ];
    if dry_run {
        args.push("--dry-run".into());
    }
    args.extend(sink.flags());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (ok, out, err) = churnwise(url, &args);
    assert!(ok, "{out}{err}");
    out
}

async fn reminders_go_to_the_billing_contact_once_in_the_clients_language(backend: Backend) {
    let sink = SmtpSink::start();
    let t = backend.fresh().await;
    let s = t.store.clone();
    let ws = workspace_with_reminders_on(&s).await;
    let today = Utc::now().date_naive();

    let bakery = client(&s, ws, "Bakery").await;
    contact(&s, ws, bakery, "Ana", "ana@bakery.test", true).await;
    let bill = contact(&s, ws, bakery, "Bill", "bills@bakery.test", false).await;
    payment_reminders::change_billing(
        s.as_ref(),
        ws,
        bakery,
        BillingChange {
            billing_contact: Some(Some(bill)),
            ..Default::default()
        },
        &Actor::system(),
    )
    .await
    .unwrap();
    let lola = client(&s, ws, "Panadería Lola").await;
    contact(&s, ws, lola, "Lola", "lola@lola.test", true).await;
    payment_reminders::change_billing(
        s.as_ref(),
        ws,
        lola,
        BillingChange {
            lang: Some(Some(Lang::Es)),
            ..Default::default()
        },
        &Actor::system(),
    )
    .await
    .unwrap();
    invoice(&s, ws, bakery, "INV-1", today - Duration::days(3)).await;
    invoice(&s, ws, lola, "INV-2", today - Duration::days(3)).await;
    // Two days late: the first step is tomorrow.
    invoice(&s, ws, bakery, "INV-3", today - Duration::days(2)).await;

    // A dry run lists what is due and sends nothing.
    let out = send(&t.url, &sink, today, true);
    assert!(out.contains("INV-1") && out.contains("INV-2"), "{out}");
    assert!(!out.contains("INV-3"), "{out}");
    assert!(out.contains("bills@bakery.test"), "{out}");
    assert!(out.contains("2 due"), "{out}");
    assert!(sink.messages().is_empty());

    let out = send(&t.url, &sink, today, false);
    assert!(out.contains("2 sent"), "{out}");
    let mail = sink.messages();
    assert_eq!(mail.len(), 2, "{mail:?}");
    // The billing contact, not the primary contact, in English.
    assert!(mail[0].to.contains("bills@bakery.test"), "{mail:?}");
    assert_eq!(mail[0].subject, "Friendly reminder: invoice INV-1 is due");
    assert!(
        mail[0].body.contains("invoice INV-1 for"),
        "{}",
        mail[0].body
    );
    assert!(mail[0].body.contains("120"), "{}", mail[0].body);
    assert!(mail[0].body.contains("Acme"), "{}", mail[0].body);
    // The primary contact, in the client's Spanish.
    assert!(mail[1].to.contains("lola@lola.test"), "{mail:?}");
    assert_eq!(
        mail[1].subject,
        "Recordatorio: la factura INV-2 está pendiente"
    );
    assert!(mail[1].body.contains("venció el"), "{}", mail[1].body);

    // Nothing twice: the same day again sends nothing.
    let out = send(&t.url, &sink, today, false);
    assert!(out.contains("0 sent"), "{out}");
    assert_eq!(sink.messages().len(), 2);

    // Logged as an email interaction (it counts as contact).
    let logged = s.list_interactions(ws, bakery).await.unwrap();
    assert_eq!(logged.len(), 1, "{logged:?}");
    assert_eq!(logged[0].kind, InteractionKind::Email);
    assert_eq!(logged[0].occurred_on, today);
    let note = logged[0].note.as_deref().unwrap();
    assert!(
        note.contains("Payment reminder 1 of 3 for invoice INV-1 sent to Bill"),
        "{note}"
    );
    let logged_es = s.list_interactions(ws, lola).await.unwrap();
    assert!(
        logged_es[0]
            .note
            .as_deref()
            .unwrap()
            .contains("Recordatorio de pago 1 de 3"),
        "{logged_es:?}"
    );

    // What the client page shows: reminders sent and the next one's day.
    let view = payment_reminders::client_reminders(s.as_ref(), ws, bakery, today)
        .await
        .unwrap();
    let inv1 = view
        .invoices
        .iter()
        .find(|i| i.invoice_ref == "INV-1")
        .unwrap();
    assert_eq!(inv1.sent.len(), 1);
    assert_eq!(inv1.sent[0].step, 1);
    assert_eq!(inv1.next_reminder_on, Some(today + Duration::days(7)));
    let inv3 = view
        .invoices
        .iter()
        .find(|i| i.invoice_ref == "INV-3")
        .unwrap();
    assert_eq!(inv3.next_reminder_on, Some(today + Duration::days(1)));

    // Tomorrow INV-3 reaches its first step; INV-1 and INV-2 wait for day 10.
    let out = send(&t.url, &sink, today + Duration::days(1), false);
    assert!(out.contains("1 sent"), "{out}");
    // Day 10 of INV-1: the second step, firm.
    let out = send(&t.url, &sink, today + Duration::days(7), false);
    assert!(out.contains("2 sent"), "{out}");
    let subjects: Vec<String> = sink.messages().into_iter().map(|m| m.subject).collect();
    assert!(
        subjects.contains(&"Invoice INV-1 is 10 days overdue".to_string()),
        "{subjects:?}"
    );
    assert!(
        subjects.contains(&"La factura INV-2 lleva 10 días vencida".to_string()),
        "{subjects:?}"
    );
    assert_eq!(subjects.len(), 5);
}

async fn reminders_stop_when_paid_promised_or_paused(backend: Backend) {
    let sink = SmtpSink::start();
    let t = backend.fresh().await;
    let s = t.store.clone();
    let ws = workspace_with_reminders_on(&s).await;
    let today = Utc::now().date_naive();

    let paid = client(&s, ws, "Paid Co").await;
    contact(&s, ws, paid, "Pat", "pat@paid.test", true).await;
    let paid_invoice = invoice(&s, ws, paid, "INV-PAID", today - Duration::days(3)).await;
    let promised = client(&s, ws, "Promise Co").await;
    contact(&s, ws, promised, "Pam", "pam@promise.test", true).await;
    invoice(&s, ws, promised, "INV-PROM", today - Duration::days(3)).await;
    let paused = client(&s, ws, "Paused Co").await;
    contact(&s, ws, paused, "Paul", "paul@paused.test", true).await;
    invoice(&s, ws, paused, "INV-PAUSE", today - Duration::days(3)).await;

    // A promise (CLI) and a pause (CLI).
    let promise_day = today + Duration::days(2);
    let (ok, out, err) = churnwise(
        &t.url,
        &[
            "reminders",
            "promise",
            "Promise Co",
            "INV-PROM",
            "--on",
            &promise_day.to_string(),
        ],
    );
    assert!(ok, "{out}{err}");
    let (ok, out, err) = churnwise(&t.url, &["reminders", "pause", "Paused Co"]);
    assert!(ok && out.contains("paused"), "{out}{err}");
    // A promise in the past is refused, naming its flag.
    let (ok, _, err) = churnwise(
        &t.url,
        &[
            "reminders",
            "promise",
            "Promise Co",
            "INV-PROM",
            "--on",
            &(today - Duration::days(1)).to_string(),
        ],
    );
    assert!(!ok && err.contains("--on"), "{err}");

    // Only the unpaid, unpromised, unpaused invoice is reminded.
    let out = send(&t.url, &sink, today, false);
    assert!(out.contains("1 sent"), "{out}");
    let mail = sink.messages();
    assert_eq!(mail.len(), 1);
    assert!(mail[0].to.contains("pat@paid.test"));

    // Paid now: no later step.
    s.set_invoice_paid(ws, paid_invoice, Some(today))
        .await
        .unwrap();
    // The promise day itself still holds.
    let out = send(&t.url, &sink, promise_day, false);
    assert!(out.contains("0 sent"), "{out}");
    // The day after the promise, unpaid: reminders resume.
    let out = send(&t.url, &sink, promise_day + Duration::days(1), false);
    assert!(out.contains("1 sent"), "{out}");
    let mail = sink.messages();
    assert_eq!(mail.len(), 2);
    assert!(mail.iter().any(|m| m.to.contains("pam@promise.test")));
    assert!(!mail.iter().any(|m| m.to.contains("paul@paused.test")));

    // Resumed, the paused client gets the newest step due (not every one
    // it missed).
    let (ok, out, err) = churnwise(&t.url, &["reminders", "resume", "Paused Co"]);
    assert!(ok, "{out}{err}");
    let out = send(&t.url, &sink, today + Duration::days(30), false);
    assert!(out.contains("2 sent"), "{out}");
    let to_paul: Vec<_> = sink
        .messages()
        .into_iter()
        .filter(|m| m.to.contains("paul@paused.test"))
        .collect();
    assert_eq!(to_paul.len(), 1);
    assert_eq!(to_paul[0].subject, "Final notice: invoice INV-PAUSE");
    // The paid invoice never got another one.
    assert_eq!(
        sink.messages()
            .iter()
            .filter(|m| m.to.contains("pat@paid.test"))
            .count(),
        1
    );
}

fn smtp(sink: &SmtpSink) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port: sink.port,
        tls: SmtpTls::None,
        username: None,
        password: None,
        from: "billing@churnwise.test".into(),
    }
}

async fn the_scheduler_sends_reminders_and_the_owner_sees_them_in_the_digest(backend: Backend) {
    let sink = SmtpSink::start();
    let t = backend.fresh().await;
    let s = t.store.clone();
    let ws = workspace_with_reminders_on(&s).await;
    let ana = s.upsert_user("ana@example.com", "x").await.unwrap();
    s.set_membership(ana.id, ws, Role::Owner).await.unwrap();
    let today = Utc::now().date_naive();
    let bakery = client(&s, ws, "Bakery").await;
    contact(&s, ws, bakery, "Bill", "bills@bakery.test", true).await;
    invoice(&s, ws, bakery, "INV-9", today - Duration::days(3)).await;

    let scheduler = Scheduler {
        store: s.clone(),
        mailer: Some(Arc::new(SmtpMailer::new(&smtp(&sink)).unwrap())),
        holder: "test".into(),
        interval: std::time::Duration::from_secs(60),
        full_runs: Default::default(),
    };
    let now = today.and_hms_opt(8, 0, 0).unwrap().and_utc();
    let tick = scheduler.tick(now).await.unwrap();
    assert_eq!(tick.reminders.sent, 1, "{tick:?}");
    assert!(sink
        .messages()
        .iter()
        .any(|m| m.to.contains("bills@bakery.test")));
    // A second tick sends it not again.
    let tick = scheduler
        .tick(now + chrono::Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(tick.reminders.sent, 0, "{tick:?}");

    // The next day's digest tells the owner what was sent.
    let tomorrow = today + Duration::days(1);
    let ws_record = s.find_workspace("Acme").await.unwrap().unwrap();
    let day = churnwise_app::digest::DayDigests::load(s.as_ref(), &ws_record, tomorrow)
        .await
        .unwrap();
    let digest = day.for_user(&ana);
    assert!(
        digest.body.contains("Payment reminders sent"),
        "{}",
        digest.body
    );
    assert!(
        digest.body.contains("Bakery: INV-9 (reminder 1, "),
        "{}",
        digest.body
    );
}

async fn settings_billing_pause_and_promises_through_the_api(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app
        .user_with_token("owner@example.com", "Acme", Role::Owner)
        .await;
    let (_, viewer) = app
        .user_with_token("viewer@example.com", "Acme", Role::Viewer)
        .await;
    let s = app.store().clone();
    let today = Utc::now().date_naive();

    let got = app
        .call(Method::GET, "/api/v1/reminders", Some(&token), None)
        .await;
    assert_eq!(got.status, StatusCode::OK, "{:?}", got.json);
    assert_eq!(got.json["settings"]["enabled"], false);
    assert_eq!(got.json["settings"]["steps"][0]["days_after_due"], 3);
    let version = got.json["version"].as_i64().unwrap();

    // Every bad value named.
    let mut settings = got.json["settings"].clone();
    settings["enabled"] = json!(true);
    settings["steps"][1]["days_after_due"] = json!(2);
    settings["steps"][2]["body"]["es"] = json!("Pague {importe}");
    let refused = app
        .call(
            Method::PUT,
            "/api/v1/reminders",
            Some(&token),
            Some(json!({"version": version, "settings": settings})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.json.to_string();
    assert!(text.contains("steps[1].days_after_due"), "{text}");
    assert!(text.contains("steps[2].body.es"), "{text}");
    assert!(
        !s.workspace_settings(ws.id)
            .await
            .unwrap()
            .value
            .payment_reminders
            .enabled
    );

    // Viewers may not change them.
    settings["steps"][1]["days_after_due"] = json!(12);
    settings["steps"][2]["body"]["es"] = json!("Pague {amount}");
    let body = json!({"version": version, "settings": settings});
    let forbidden = app
        .call(
            Method::PUT,
            "/api/v1/reminders",
            Some(&viewer),
            Some(body.clone()),
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let saved = app
        .call(Method::PUT, "/api/v1/reminders", Some(&token), Some(body))
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.json);
    let stored = s
        .workspace_settings(ws.id)
        .await
        .unwrap()
        .value
        .payment_reminders;
    assert!(stored.enabled);
    assert_eq!(stored.steps[1].days_after_due, 12);

    // A client's billing contact, pause and a promise.
    let c = client(&s, ws.id, "Bakery").await;
    contact(&s, ws.id, c, "Ana", "ana@bakery.test", true).await;
    let bill = contact(&s, ws.id, c, "Bill", "bills@bakery.test", false).await;
    let inv = invoice(&s, ws.id, c, "INV-1", today - Duration::days(1)).await;
    let other = client(&s, ws.id, "Other").await;
    let stranger = contact(&s, ws.id, other, "X", "x@other.test", true).await;

    let uri = format!("/api/v1/clients/{}/reminders", c.0);
    let refused = app
        .call(
            Method::PATCH,
            &uri,
            Some(&token),
            Some(json!({"billing_contact_id": stranger.0})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.json.to_string().contains("billing_contact_id"),
        "{:?}",
        refused.json
    );
    let patched = app
        .call(
            Method::PATCH,
            &uri,
            Some(&token),
            Some(json!({"billing_contact_id": bill.0, "reminders_paused": true, "lang": "es"})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.json);
    let billing = s.client_billing(ws.id, c).await.unwrap();
    assert_eq!(billing.billing_contact, Some(bill));
    assert!(billing.reminders_paused);
    assert_eq!(billing.lang, Some(Lang::Es));

    let promise_uri = format!("/api/v1/clients/{}/invoices/{}/promise", c.0, inv.0);
    let refused = app
        .call(
            Method::PUT,
            &promise_uri,
            Some(&token),
            Some(json!({"promised_on": "someday"})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.json.to_string().contains("promised_on"));
    let day = today + Duration::days(5);
    let ok = app
        .call(
            Method::PUT,
            &promise_uri,
            Some(&token),
            Some(json!({"promised_on": day.to_string()})),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.json);

    let shown = app.call(Method::GET, &uri, Some(&token), None).await;
    assert_eq!(shown.status, StatusCode::OK, "{:?}", shown.json);
    assert_eq!(shown.json["billing"]["reminders_paused"], true);
    assert_eq!(shown.json["invoices"][0]["promised_on"], day.to_string());
    assert_eq!(
        shown.json["invoices"][0]["next_reminder_on"],
        serde_json::Value::Null,
        "paused"
    );
}

async fn the_settings_client_and_due_pages_show_and_save_reminders(backend: Backend) {
    use crate::pages::{csrf_of, get, html, location, post, sign_in};
    let app = TestApp::new(backend).await;
    let (ws, _) = app
        .user_with_token("ana@example.com", "Acme", Role::Manager)
        .await;
    let s = app.store().clone();
    let today = Utc::now().date_naive();
    let jar = sign_in(&app, "ana@example.com").await;

    let settings = get(&app, "/settings", &jar, None).await;
    assert!(html(&settings).contains("href=\"/settings/reminders\""));
    let page = get(&app, "/settings/reminders", &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = html(&page).to_string();
    assert!(
        body.contains("Friendly reminder: invoice {invoice} is due"),
        "{body}"
    );
    let csrf = csrf_of(&body);
    let version = s
        .workspace_settings(ws.id)
        .await
        .unwrap()
        .version
        .to_string();
    let step = |i: usize, days: &str| {
        vec![
            (format!("days_{i}"), days.to_string()),
            (format!("tone_{i}"), "firm".to_string()),
            (format!("subject_en_{i}"), "Invoice {invoice}".to_string()),
            (format!("subject_es_{i}"), "Factura {invoice}".to_string()),
            (format!("body_en_{i}"), "Please pay {amount}.".to_string()),
            (format!("body_es_{i}"), "Pague {amount}.".to_string()),
        ]
    };
    let form = |second_days: &str| {
        let mut f: Vec<(String, String)> = vec![
            ("csrf".into(), csrf.clone()),
            ("version".into(), version.clone()),
            ("enabled".into(), "1".into()),
            ("lang".into(), "es".into()),
        ];
        f.extend(step(0, "3"));
        f.extend(step(1, second_days));
        f
    };
    let refused_form = form("2");
    let refused_pairs: Vec<(&str, &str)> = refused_form
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let refused = post(&app, "/settings/reminders", &jar, &refused_pairs).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = html(&refused);
    assert!(body.contains("id=\"f-days-1-error\""), "{body}");
    assert!(body.contains("steps[1].days_after_due"), "{body}");
    assert!(
        !s.workspace_settings(ws.id)
            .await
            .unwrap()
            .value
            .payment_reminders
            .enabled
    );

    let good_form = form("12");
    let good: Vec<(&str, &str)> = good_form
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = post(&app, "/settings/reminders", &jar, &good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    let stored = s
        .workspace_settings(ws.id)
        .await
        .unwrap()
        .value
        .payment_reminders;
    assert!(stored.enabled);
    assert_eq!(stored.lang, Lang::Es);
    let days: Vec<u32> = stored.steps.iter().map(|s| s.days_after_due).collect();
    assert_eq!(days, vec![3, 12]);
    let page = get(&app, location(&saved), &jar, Some("es")).await;
    assert!(html(&page).contains("Recordatorios de pago guardados."));

    // The client page: billing contact, pause, a promise.
    let c = client(&s, ws.id, "Bakery").await;
    contact(&s, ws.id, c, "Ana", "ana@bakery.test", true).await;
    let bill = contact(&s, ws.id, c, "Bill", "bills@bakery.test", false).await;
    invoice(&s, ws.id, c, "INV-1", today - Duration::days(1)).await;
    let inv = s.list_invoices(ws.id, c).await.unwrap()[0].id;
    let uri = format!("/clients/{}", c.0);
    let page = get(&app, &uri, &jar, None).await;
    let body = html(&page).to_string();
    assert!(body.contains("id=\"reminders\""), "{body}");
    // Next reminder: two days from now (due + 3).
    assert!(body.contains("Next reminder"), "{body}");
    let csrf = csrf_of(&body);

    // The Due page lists the reminder going out.
    let due = get(&app, "/due?show=all", &jar, None).await;
    let due_body = html(&due);
    assert!(due_body.contains("id=\"due-reminders\""), "{due_body}");
    assert!(due_body.contains("INV-1, reminder 1 on"), "{due_body}");

    let bill_id = bill.0.to_string();
    let saved = post(
        &app,
        &format!("/clients/{}/reminders", c.0),
        &jar,
        &[
            ("csrf", &csrf),
            ("billing_contact", &bill_id),
            ("paused", "1"),
            ("lang", "en"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    let billing = s.client_billing(ws.id, c).await.unwrap();
    assert_eq!(billing.billing_contact, Some(bill));
    assert!(billing.reminders_paused);
    assert_eq!(billing.lang, Some(Lang::En));
    let page = get(&app, location(&saved), &jar, None).await;
    assert!(html(&page).contains("id=\"reminders-paused\""));

    let promise_uri = format!("/clients/{}/invoices/{}/promise", c.0, inv.0);
    let past = (today - Duration::days(3)).to_string();
    let refused = post(
        &app,
        &promise_uri,
        &jar,
        &[("csrf", &csrf), ("promised_on", &past)],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&refused).contains("in the past"), "{}", html(&refused));
    assert!(s.invoice_promises(ws.id, c).await.unwrap().is_empty());
    let day = (today + Duration::days(4)).to_string();
    let saved = post(
        &app,
        &promise_uri,
        &jar,
        &[("csrf", &csrf), ("promised_on", &day)],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    let promises = s.invoice_promises(ws.id, c).await.unwrap();
    assert_eq!(promises[0].promised_on.to_string(), day);
    let page = get(&app, location(&saved), &jar, None).await;
    assert!(
        html(&page).contains(&format!("value=\"{day}\"")),
        "the promise is shown"
    );
}

both_backends!(
    the_settings_client_and_due_pages_show_and_save_reminders,
    reminders_go_to_the_billing_contact_once_in_the_clients_language,
    reminders_stop_when_paid_promised_or_paused,
    the_scheduler_sends_reminders_and_the_owner_sees_them_in_the_digest,
    settings_billing_pause_and_promises_through_the_api,
);
