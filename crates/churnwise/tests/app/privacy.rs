//! Personal data and the audit log: the export holds everything stored
//! about a client, an erase leaves none of its personal strings anywhere in
//! the database (the SQLite file itself, every column on PostgreSQL) while
//! the metrics stay identical, the retention rule erases former clients
//! through the scheduler, and only owners read the audit log.

use crate::both_backends;
use crate::support::{churnwise, TestApp};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use churnwise_app::scheduler::Scheduler;
use churnwise_domain::registry::{ClientStatus, Role};
use churnwise_store::{ClientId, NewClient, NewSubscription};
use churnwise_store_tests::Backend;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::Arc;

/// Every personal string the full client below holds; none may survive an erase.
const SECRETS: &[&str] = &[
    "Zorblax Pastries",
    "zorblax-note-secret",
    "Yolanda Quintero",
    "yolanda.q@zorblax.example",
    "+34 600 111 222",
    "Head of Qwertyops",
    "quibbled about the flumbert invoices",
    "notice-note-plumbus",
    "penalty-text-grommet",
    "we found a cheaper snargle",
    "call Yolanda about frobnication",
    "offer-text-snorkel",
    "account-gizmo-admin",
    "item-note-wibble",
    "drive.example.com/yolanda-files",
    "waiver-reason-fizzbin",
    "survey-better-kumquat",
    "testimonial-blorp",
    "work-title-quokka",
    "work-body-axolotl",
    "exclusivity-note-zebu",
    "update-subject-narwhal",
    "update-body-pangolin",
];

async fn ok(app: &TestApp, token: &str, method: Method, uri: &str, body: Value) -> Value {
    let r = app.call(method.clone(), uri, Some(token), Some(body)).await;
    assert!(
        r.status.is_success(),
        "{method} {uri}: {} {:#}",
        r.status,
        r.json
    );
    r.json
}

/// A client with a contact, a subscription, paid invoices, a logged contact
/// and a departure case closed as lost with every free text filled in and
/// the exit survey answered; returns (client id, case id).
async fn full_client(app: &TestApp, token: &str) -> (i64, i64) {
    let client = ok(
        app,
        token,
        Method::POST,
        "/api/v1/clients",
        json!({"name": "Zorblax Pastries", "notes": "zorblax-note-secret", "segment": "smb", "owner": "ana"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let base = format!("/api/v1/clients/{client}");
    for (uri, body) in [
        (
            format!("{base}/contacts"),
            json!({"name": "Yolanda Quintero", "email": "yolanda.q@zorblax.example", "phone": "+34 600 111 222", "role": "Head of Qwertyops", "is_primary": true}),
        ),
        (
            format!("{base}/subscriptions"),
            json!({"subscription_ref": "SUB-Z", "plan": "growth", "mrr": 450.00, "started_on": "2023-01-01"}),
        ),
        (
            format!("{base}/invoices"),
            json!({"invoice_ref": "INV-Z1", "amount": 450.00, "due_on": "2024-02-15", "paid_on": "2024-02-10"}),
        ),
        (
            format!("{base}/interactions"),
            json!({"kind": "call", "occurred_on": "2024-02-20", "note": "quibbled about the flumbert invoices"}),
        ),
        (
            format!("{base}/work"),
            json!({"title": "work-title-quokka", "done_on": "2024-02-12", "body": "work-body-axolotl", "visibility": "client"}),
        ),
        (
            format!("{base}/exclusivities"),
            json!({"kind": "segment", "segment": "bakeries", "starts_on": "2023-01-01", "note": "exclusivity-note-zebu"}),
        ),
        (
            format!("{base}/updates/send"),
            json!({"subject": "update-subject-narwhal", "body": "update-body-pangolin", "channel": "download"}),
        ),
    ] {
        ok(app, token, Method::POST, &uri, body).await;
    }
    let case = ok(
        app,
        token,
        Method::POST,
        "/api/v1/cases",
        json!({"client_id": client, "notice": {
            "received_on": "2024-03-01", "channel": "email", "received_by": "ana",
            "requested_end_on": "2024-03-31", "notice_period_days": 30,
            "penalties": "penalty-text-grommet",
            "first_evaluation": {"fruitful": true, "history_of_stumbles": false,
                "our_commitments_met": true, "client_commitments_met": true,
                "note": "notice-note-plumbus"}}}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let c = format!("/api/v1/cases/{case}");
    ok(
        app,
        token,
        Method::PUT,
        &format!("{c}/exit-conversation"),
        json!({
        "clients_words": "we found a cheaper snargle", "primary_reason": "needs_changed",
        "secondary_reasons": ["budget_cut"], "controllable": false, "renegotiable": true,
        "departments": ["account management"], "roles": ["account manager"]}),
    )
    .await;
    ok(
        app,
        token,
        Method::POST,
        &format!("{c}/retention"),
        json!({"suggested": true, "owner": "ana", "due_on": "2024-03-08"}),
    )
    .await;
    ok(
        app,
        token,
        Method::POST,
        &format!("{c}/retention/actions"),
        json!({
        "description": "call Yolanda about frobnication", "side": "client", "owner": "ana",
        "due_on": "2024-03-06"}),
    )
    .await;
    ok(
        app,
        token,
        Method::PUT,
        &format!("{c}/retention/offer"),
        json!({"offer": {"kind": "pause", "description": "offer-text-snorkel"}}),
    )
    .await;
    for action in [1, 2] {
        ok(
            app,
            token,
            Method::PATCH,
            &format!("{c}/retention/actions/{action}"),
            json!({"status": "done"}),
        )
        .await;
    }
    ok(
        app,
        token,
        Method::POST,
        &format!("{c}/retention/outcome"),
        json!({"outcome": "leaving"}),
    )
    .await;
    let shown = ok(
        app,
        token,
        Method::POST,
        &format!("{c}/offboarding"),
        json!({"lang": "en"}),
    )
    .await;
    let items = shown["case"]["offboarding"]["items"]
        .as_array()
        .unwrap()
        .clone();
    ok(
        app,
        token,
        Method::POST,
        &format!("{c}/offboarding/handovers"),
        json!({
        "account": "account-gizmo-admin", "recipient": "Yolanda Quintero",
        "handed_over_on": "2024-03-20"}),
    )
    .await;
    let item = ok(
        app,
        token,
        Method::POST,
        &format!("{c}/offboarding/items"),
        json!({
        "label": "Export of the files", "link": "https://drive.example.com/yolanda-files"}),
    )
    .await["created"]
        .clone();
    ok(
        app,
        token,
        Method::PATCH,
        &format!("{c}/offboarding/items/{item}"),
        json!({"note": "item-note-wibble"}),
    )
    .await;
    ok(
        app,
        token,
        Method::POST,
        &format!("{c}/offboarding/items/{item}/done"),
        json!({}),
    )
    .await;
    for it in &items {
        let (uri, body) = if it["key"] == "new_admins_assigned" {
            (
                format!("{c}/offboarding/items/{}/waive", it["id"]),
                json!({"reason": "waiver-reason-fizzbin"}),
            )
        } else {
            (
                format!("{c}/offboarding/items/{}/done", it["id"]),
                json!({"on": "2024-03-25"}),
            )
        };
        ok(app, token, Method::POST, &uri, body).await;
    }
    let issued = ok(
        app,
        token,
        Method::POST,
        &format!("{c}/survey"),
        json!({"scale": "one_to_five"}),
    )
    .await;
    let path = issued["path"].as_str().unwrap().to_string();
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(&path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(
            "score=4&could_do_better=survey-better-kumquat&would_recommend=yes&may_contact_later=yes&testimonial=testimonial-blorp&testimonial_consent=yes",
        ))
        .unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([198, 51, 100, 7], 40000))));
    let answered = app.send(request).await;
    assert_eq!(answered.status, StatusCode::OK);
    ok(
        app,
        token,
        Method::POST,
        &format!("{c}/close"),
        json!({"outcome": "lost", "end_on": "2024-03-31"}),
    )
    .await;
    (client, case)
}

/// The strings of `SECRETS` found in `text`.
fn found_in(text: &str) -> Vec<&'static str> {
    SECRETS
        .iter()
        .copied()
        .filter(|s| text.contains(s))
        .collect()
}

/// The strings of `SECRETS` still held anywhere in the database: on SQLite
/// in the bytes of the database file and its WAL, on PostgreSQL in any
/// column of any table of the schema.
async fn secrets_in_database(app: &TestApp) -> Vec<&'static str> {
    let url = &app.t.url;
    if app.store().backend() == "sqlite" {
        let path = url.trim_start_matches("sqlite://");
        let mut bytes = std::fs::read(path).unwrap();
        if let Ok(wal) = std::fs::read(format!("{path}-wal")) {
            bytes.extend(wal);
        }
        SECRETS
            .iter()
            .copied()
            .filter(|s| bytes.windows(s.len()).any(|w| w == s.as_bytes()))
            .collect()
    } else {
        use sqlx::Row;
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        let columns = sqlx::query(
            "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
             WHERE table_schema = current_schema()",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert!(columns.len() > 50, "the schema's columns are listed");
        let mut found = Vec::new();
        for secret in SECRETS {
            for col in &columns {
                let (t, c): (String, String) = (col.get("t"), col.get("c"));
                let hit: bool = sqlx::query(&format!(
                    "SELECT EXISTS (SELECT 1 FROM \"{t}\" WHERE \"{c}\"::text LIKE '%' || $1 || '%')"
                ))
                .bind(*secret)
                .fetch_one(&pool)
                .await
                .unwrap()
                .get(0);
                if hit {
                    found.push(*secret);
                    break;
                }
            }
        }
        pool.close().await;
        found
    }
}

async fn an_erase_leaves_no_personal_string_in_the_database_and_the_metrics_unchanged(
    backend: Backend,
) {
    let app = TestApp::new(backend).await;
    let (ws, owner) = app
        .user_with_token("owner@example.com", "Privacy Agency", Role::Owner)
        .await;
    let (_, manager) = app
        .user_with_token("manager@example.com", "Privacy Agency", Role::Manager)
        .await;
    let (_, member) = app
        .user_with_token("member@example.com", "Privacy Agency", Role::Member)
        .await;
    let (_, stranger) = app
        .user_with_token("owner@other.example", "Other Agency", Role::Owner)
        .await;
    let (client, case) = full_client(&app, &owner).await;
    let export_uri = format!("/api/v1/clients/{client}/personal-data");
    let erase_uri = format!("/api/v1/clients/{client}/erase");

    // The export holds every personal string: records, case, history, survey.
    let export = app
        .call(Method::GET, &export_uri, Some(&manager), None)
        .await;
    assert_eq!(export.status, StatusCode::OK, "{:#}", export.json);
    let text = export.json.to_string();
    assert_eq!(found_in(&text), SECRETS, "the export holds everything");
    assert_eq!(export.json["cases"][0]["document"]["stage"], "closed");
    assert!(export.json["cases"][0]["history"].as_array().unwrap().len() > 10);
    assert_eq!(export.json["invoices"][0]["invoice_ref"], "INV-Z1");
    for (token, status) in [
        (&member, StatusCode::FORBIDDEN),
        (&stranger, StatusCode::NOT_FOUND),
    ] {
        let r = app.call(Method::GET, &export_uri, Some(token), None).await;
        assert_eq!(r.status, status, "{:#}", r.json);
    }
    assert_eq!(
        secrets_in_database(&app).await,
        SECRETS,
        "stored before the erase"
    );

    // Only an owner of the workspace erases; a refusal changes nothing.
    let metrics_uri = "/api/v1/metrics?from=2023-01&to=2024-12";
    let metrics_before = app.call(Method::GET, metrics_uri, Some(&owner), None).await;
    assert_eq!(
        metrics_before.status,
        StatusCode::OK,
        "{:#}",
        metrics_before.json
    );
    for (token, status) in [
        (&manager, StatusCode::FORBIDDEN),
        (&member, StatusCode::FORBIDDEN),
        (&stranger, StatusCode::NOT_FOUND),
    ] {
        let r = app.call(Method::POST, &erase_uri, Some(token), None).await;
        assert_eq!(r.status, status, "{:#}", r.json);
    }
    let client_uri = format!("/api/v1/clients/{client}");
    let shown = app.call(Method::GET, &client_uri, Some(&owner), None).await;
    assert_eq!(shown.json["name"], "Zorblax Pastries");

    let erased = app.call(Method::POST, &erase_uri, Some(&owner), None).await;
    assert_eq!(erased.status, StatusCode::OK, "{:#}", erased.json);
    assert_eq!(erased.json["client"]["name"], format!("erased-{client}"));
    assert_eq!(erased.json["contacts"], 1);
    assert_eq!(erased.json["cases"], 1);

    // Nothing personal is left: not in the answers, not in the database.
    let after = app.call(Method::GET, &export_uri, Some(&owner), None).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(found_in(&after.json.to_string()), Vec::<&str>::new());
    assert!(after.json["erased_at"].is_string());
    assert_eq!(after.json["contacts"][0]["email"], Value::Null);
    assert_eq!(after.json["interactions"][0]["note"], "[erased]");
    assert_eq!(
        after.json["cases"][0]["document"]["exit_conversation"]["clients_words"],
        "[erased]"
    );
    let case_after = app
        .call(
            Method::GET,
            &format!("/api/v1/cases/{case}"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(
        case_after.status,
        StatusCode::OK,
        "the erased case still reads"
    );
    assert_eq!(case_after.json["case"]["closure"]["outcome"], "lost");
    let audit = app
        .call(
            Method::GET,
            "/api/v1/audit?per_page=500",
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(audit.status, StatusCode::OK, "{:#}", audit.json);
    assert_eq!(found_in(&audit.json.to_string()), Vec::<&str>::new());
    let actions: Vec<&str> = audit.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    // Newest first: the export after the erase, the erase, the export before.
    assert_eq!(
        actions[..3],
        [
            "client.personal_data_exported",
            "client.erased",
            "client.personal_data_exported"
        ]
    );
    assert!(actions.contains(&"client.created"), "{actions:?}");
    assert!(actions.contains(&"contact.created"), "{actions:?}");
    assert!(actions.contains(&"interaction.logged"), "{actions:?}");
    assert_eq!(audit.json["items"][1]["actor"], "owner@example.com");
    assert_eq!(audit.json["items"][1]["detail"], "on request");
    assert_eq!(secrets_in_database(&app).await, Vec::<&str>::new());

    // The metrics are the same document as before.
    let metrics_after = app.call(Method::GET, metrics_uri, Some(&owner), None).await;
    assert_eq!(metrics_before.json, metrics_after.json);

    // Erasing again is harmless.
    let again = app.call(Method::POST, &erase_uri, Some(&owner), None).await;
    assert_eq!(again.status, StatusCode::OK);
    let _ = ws;
}

async fn only_owners_read_the_audit_log(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, owner) = app
        .user_with_token("owner@example.com", "Audit Agency", Role::Owner)
        .await;
    let (_, manager) = app
        .user_with_token("manager@example.com", "Audit Agency", Role::Manager)
        .await;
    let (_, other) = app
        .user_with_token("owner@other.example", "Other Agency", Role::Owner)
        .await;
    ok(
        &app,
        &manager,
        Method::POST,
        "/api/v1/clients",
        json!({"name": "Acme"}),
    )
    .await;
    let r = app
        .call(Method::GET, "/api/v1/audit", Some(&manager), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .call(Method::GET, "/api/v1/audit", Some(&other), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["total"], 0, "another workspace's log is empty");
    let r = app
        .call(
            Method::GET,
            "/api/v1/audit?per_page=501",
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .call(Method::GET, "/api/v1/audit", Some(&owner), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:#}", r.json);
    assert_eq!(r.json["items"][0]["action"], "client.created");
    assert_eq!(r.json["items"][0]["actor"], "manager@example.com");
    assert_eq!(r.json["items"][0]["detail"], "Acme");
}

async fn the_retention_rule_erases_former_clients_on_the_scheduler_pass(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, owner) = app
        .user_with_token("owner@example.com", "Retention Agency", Role::Owner)
        .await;
    let store = app.store().clone();
    let today = chrono::Utc::now().date_naive();
    let client = |name: &str, status: ClientStatus| NewClient {
        external_id: None,
        name: name.to_string(),
        status,
        owner: None,
        segment: None,
        keep_in_touch_days: 30,
        notes: Some(format!("{name} notes")),
    };
    let segment = |ended: Option<chrono::NaiveDate>| NewSubscription {
        subscription_ref: "S".into(),
        plan: None,
        mrr: churnwise_domain::Money::from_cents(10_000),
        started_on: chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap(),
        ended_on: ended,
        notice_period_days: None,
        minimum_term_months: None,
    };
    let mut ids = Vec::new();
    for (name, status, ended) in [
        (
            "Long Gone",
            ClientStatus::Former,
            Some(today - chrono::Months::new(13)),
        ),
        (
            "Just Left",
            ClientStatus::Former,
            Some(today - chrono::Months::new(2)),
        ),
        ("Still Here", ClientStatus::Active, None),
    ] {
        let c = store
            .create_client(ws.id, client(name, status))
            .await
            .unwrap();
        let mut sub = segment(ended);
        sub.subscription_ref = format!("S-{}", c.id);
        store.add_subscription(ws.id, c.id, sub).await.unwrap();
        ids.push(c.id);
    }
    // Off by default: a pass erases nothing.
    let scheduler = Scheduler {
        store: store.clone(),
        mailer: None,
        holder: "test".into(),
        interval: std::time::Duration::from_secs(60),
        full_runs: Default::default(),
    };
    let tick = scheduler.tick(chrono::Utc::now()).await.unwrap();
    assert_eq!(tick.clients_erased, 0);

    // Out of range, then a year.
    let settings = app
        .call(Method::GET, "/api/v1/settings", Some(&owner), None)
        .await
        .json;
    let mut put = settings.clone();
    put["settings"]["erase_former_after_months"] = json!(121);
    let r = app
        .call(
            Method::PUT,
            "/api/v1/settings",
            Some(&owner),
            Some(put.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:#}", r.json);
    put["settings"]["erase_former_after_months"] = json!(12);
    let r = app
        .call(Method::PUT, "/api/v1/settings", Some(&owner), Some(put))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:#}", r.json);

    let tick = scheduler.tick(chrono::Utc::now()).await.unwrap();
    assert_eq!(tick.clients_erased, 1);
    let names: Vec<String> = {
        let mut v = Vec::new();
        for id in &ids {
            v.push(store.get_client(ws.id, *id).await.unwrap().unwrap().name);
        }
        v
    };
    assert_eq!(
        names,
        [
            format!("erased-{}", ids[0]),
            "Just Left".into(),
            "Still Here".into()
        ]
    );
    let gone = store.get_client(ws.id, ids[0]).await.unwrap().unwrap();
    assert_eq!(gone.notes.as_deref(), Some("[erased]"));
    let log = store.list_audit(ws.id, 1, 50).await.unwrap();
    let entry = log
        .items
        .iter()
        .find(|e| e.action == "client.erased")
        .unwrap();
    assert_eq!(entry.actor, "churnwise");
    assert_eq!(entry.actor_user, None);
    assert_eq!(entry.client, Some(ClientId(ids[0].0)));
    // A second pass finds nothing more to erase.
    let tick = scheduler.tick(chrono::Utc::now()).await.unwrap();
    assert_eq!(tick.clients_erased, 0);
    let _ = Arc::clone(&store);
}

async fn the_cli_exports_and_erases_a_client(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, owner) = app
        .user_with_token("owner@example.com", "Cli Agency", Role::Owner)
        .await;
    ok(
        &app,
        &owner,
        Method::POST,
        "/api/v1/clients",
        json!({"name": "Zorblax Pastries", "notes": "zorblax-note-secret"}),
    )
    .await;
    let url = app.t.url.clone();
    let (done, out, err) = churnwise(&url, &["client", "personal-data", "Zorblax Pastries"]);
    assert!(done, "{err}");
    let data: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(data["client"]["notes"], "zorblax-note-secret");
    let (done, _, err) = churnwise(&url, &["client", "erase", "Zorblax Pastries"]);
    assert!(!done);
    assert!(err.contains("--yes"), "{err}");
    let (done, _, err) = churnwise(&url, &["client", "erase", "Zorblax Pastries", "--yes"]);
    assert!(done, "{err}");
    let (done, _, _) = churnwise(&url, &["client", "show", "Zorblax Pastries"]);
    assert!(!done, "the name is gone");
}

async fn owners_see_the_audit_log_page_and_erase_from_the_client_page(backend: Backend) {
    use crate::pages::{csrf_of, get, html, location, post, sign_in};
    let app = TestApp::new(backend).await;
    let (_, owner) = app
        .user_with_token("ana@example.com", "Page Agency", Role::Owner)
        .await;
    app.user_with_token("mia@example.com", "Page Agency", Role::Manager)
        .await;
    let client = ok(
        &app,
        &owner,
        Method::POST,
        "/api/v1/clients",
        json!({"name": "Zorblax Pastries", "notes": "zorblax-note-secret"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let ana = sign_in(&app, "ana@example.com").await;
    let mia = sign_in(&app, "mia@example.com").await;
    let page_uri = format!("/clients/{client}");
    let erase_uri = format!("/clients/{client}/erase");

    // A manager sees the export link but neither the erase nor the log.
    let shown = get(&app, &page_uri, &mia, None).await;
    assert!(html(&shown).contains("/personal-data"));
    assert!(!html(&shown).contains(&erase_uri));
    assert_eq!(
        get(&app, "/settings/audit", &mia, None).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&app, &erase_uri, &mia, None).await.status,
        StatusCode::FORBIDDEN
    );

    // The retention setting is on the settings page, saved with the others.
    let settings = get(&app, "/settings", &ana, None).await;
    assert!(html(&settings).contains("name=\"erase_former_after_months\""));
    assert!(
        html(&settings).contains("/settings/audit"),
        "owners find the log"
    );
    assert!(!html(&get(&app, "/settings", &mia, None).await).contains("/settings/audit"));

    // The owner's log, in Spanish too.
    let log = get(&app, "/settings/audit", &ana, None).await;
    assert_eq!(log.status, StatusCode::OK);
    assert!(html(&log).contains("Client created"), "{}", html(&log));
    let log = get(&app, "/settings/audit", &ana, Some("es")).await;
    assert!(html(&log).contains("Cliente creado"), "{}", html(&log));

    // The erase needs its box ticked.
    let confirm = get(&app, &erase_uri, &ana, None).await;
    assert_eq!(confirm.status, StatusCode::OK);
    let csrf = csrf_of(html(&confirm));
    let refused = post(&app, &erase_uri, &ana, &[("csrf", &csrf)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&refused).contains("f-confirm-error"));
    let kept = app
        .call(
            Method::GET,
            &format!("/api/v1/clients/{client}"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(kept.json["name"], "Zorblax Pastries");
    let done = post(&app, &erase_uri, &ana, &[("csrf", &csrf), ("confirm", "1")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&done),
        format!("/clients/{client}?done=client-erased")
    );
    let shown = get(&app, &page_uri, &ana, None).await;
    assert!(html(&shown).contains(&format!("erased-{client}")));
    assert!(!html(&shown).contains("zorblax-note-secret"));
}

both_backends!(
    owners_see_the_audit_log_page_and_erase_from_the_client_page,
    an_erase_leaves_no_personal_string_in_the_database_and_the_metrics_unchanged,
    only_owners_read_the_audit_log,
    the_retention_rule_erases_former_clients_on_the_scheduler_pass,
    the_cli_exports_and_erases_a_client,
);
