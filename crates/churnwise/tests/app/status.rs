//! Client status follows the data (issue #12), on both backends: after an
//! import the statuses agree with the subscriptions, the dashboard's
//! "Clients by status" reconciles with the metrics' customers, a status set
//! by hand overrides the rule until returned to automatic (API, page, CLI),
//! and the due list leaves former clients out unless asked.

use crate::both_backends;
use crate::pages::{csrf_of, get, html, post, sign_in};
use crate::support::{churnwise, TestApp};
use axum::http::{Method, StatusCode};
use chrono::{Datelike, Utc};
use churnwise_domain::registry::Role;
use churnwise_store_tests::Backend;
use serde_json::{json, Value};
use std::path::Path;

/// Six customers: two paying and running, one on a free plan (active, not a
/// customer of the metrics), "Cliente 1925 S.L." whose only subscription
/// ended on 2022-07-01 (former), one that left and came back (active), and
/// one whose subscription starts in 2099 (prospect).
const CUSTOMERS: &str = "customer_id,name,owner,segment\n\
C1,Acme,carla,smb\n\
C2,Beta,carla,smb\n\
C3,Gratis,carla,\n\
1925,Cliente 1925 S.L.,carla,smb\n\
C5,Returner,carla,\n\
C6,Future,carla,\n";
const SUBSCRIPTIONS: &str = "subscription_id,customer_id,plan,mrr,started_on,ended_on\n\
S1,C1,pro,100,2021-01-01,\n\
S2,C2,basic,49.90,2023-05-01,\n\
S3,C3,free,0,2022-01-01,\n\
S4,1925,pro,80,2021-03-01,2022-07-01\n\
S5,C5,pro,60,2020-01-01,2021-01-01\n\
S5,C5,pro,60,2022-01-01,\n\
S6,C6,pro,60,2099-01-01,\n";
const INVOICES: &str = "invoice_id,customer_id,amount,issued_on,due_on,paid_on\n\
I1,C1,100,2024-01-01,2024-01-15,2024-01-10\n";

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

async fn imported(backend: Backend) -> (TestApp, String) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "W", Role::Owner)
        .await;
    let dir = tempfile::tempdir().unwrap();
    for (kind, name, text) in [
        ("customers", "customers.csv", CUSTOMERS),
        ("subscriptions", "subscriptions.csv", SUBSCRIPTIONS),
        ("invoices", "invoices.csv", INVOICES),
    ] {
        let file = write(dir.path(), name, text);
        let (ok, _, err) = churnwise(&app.t.url, &["import", kind, &file]);
        assert!(ok, "{kind}: {err}");
    }
    (app, token)
}

async fn client_by_name(app: &TestApp, token: &str, name: &str) -> Value {
    let list = app
        .call(
            Method::GET,
            &format!("/api/v1/clients?q={}", name.replace(' ', "%20")),
            Some(token),
            None,
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{:?}", list.json);
    list.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no client {name}"))
}

async fn count(app: &TestApp, token: &str, status: &str) -> i64 {
    let list = app
        .call(
            Method::GET,
            &format!("/api/v1/clients?status={status}&per_page=1"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{:?}", list.json);
    list.json["total"].as_i64().unwrap()
}

async fn after_an_import_statuses_agree_with_the_subscriptions(backend: Backend) {
    let (app, token) = imported(backend).await;
    let gone = client_by_name(&app, &token, "Cliente 1925 S.L.").await;
    assert_eq!(gone["status"], "former", "{gone}");
    assert_eq!(gone["status_set_by_hand"], false);
    for (name, status) in [
        ("Acme", "active"),
        ("Beta", "active"),
        ("Gratis", "active"),
        ("Returner", "active"),
        ("Future", "prospect"),
    ] {
        assert_eq!(
            client_by_name(&app, &token, name).await["status"],
            status,
            "{name}"
        );
    }
    // "Active" is exactly the clients with a running segment.
    assert_eq!(count(&app, &token, "active").await, 4);
    assert_eq!(count(&app, &token, "former").await, 1);
    assert_eq!(count(&app, &token, "prospect").await, 1);
    assert_eq!(count(&app, &token, "leaving").await, 0);

    // The dashboard reconciles the statuses with the metrics' customers:
    // three paying customers today (the free plan is active, not a customer),
    // the figure the metrics give at the start of next month (no segment of
    // the data changes in between).
    let today = Utc::now().date_naive();
    let month = format!("{:04}-{:02}", today.year(), today.month());
    let metrics = app
        .call(
            Method::GET,
            &format!("/api/v1/metrics?from={month}&to={month}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(metrics.status, StatusCode::OK, "{:?}", metrics.json);
    let customers = metrics.json["months"][0]["customers_end"].as_i64().unwrap();
    assert_eq!(customers, 3);
    let jar = sign_in(&app, "ana@example.com").await;
    let page = get(&app, "/dashboard", &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let page = html(&page);
    assert!(
        page.contains(&format!("data-customers=\"{customers}\"")),
        "{page}"
    );
    assert!(page.contains("data-active-paying=\"3\""));
    assert!(page.contains("data-active-free=\"1\""));
    assert!(page.contains("data-status-count=\"active\">4<"));
    assert!(page.contains("data-status-count=\"former\">1<"));
}

async fn a_status_set_by_hand_overrides_the_rule_until_automatic(backend: Backend) {
    let (app, token) = imported(backend).await;
    let acme = client_by_name(&app, &token, "Acme").await;
    let id = acme["id"].as_i64().unwrap();
    let paused = app
        .call(
            Method::PATCH,
            &format!("/api/v1/clients/{id}"),
            Some(&token),
            Some(json!({"status": "paused"})),
        )
        .await;
    assert_eq!(paused.status, StatusCode::OK, "{:?}", paused.json);
    assert_eq!(paused.json["status"], "paused");
    assert_eq!(paused.json["status_set_by_hand"], true);
    // A later change to the records keeps it.
    let sub = app
        .call(
            Method::POST,
            &format!("/api/v1/clients/{id}/subscriptions"),
            Some(&token),
            Some(json!({"subscription_ref": "S-extra", "mrr": "10", "started_on": "2024-01-01"})),
        )
        .await;
    assert_eq!(sub.status, StatusCode::CREATED, "{:?}", sub.json);
    assert_eq!(
        client_by_name(&app, &token, "Acme").await["status"],
        "paused"
    );
    // The client page says it was set by hand.
    let jar = sign_in(&app, "ana@example.com").await;
    let page = get(&app, &format!("/clients/{id}"), &jar, None).await;
    assert!(html(&page).contains("Set by hand"), "{}", html(&page));
    // Back to the rule through the page's form.
    let csrf = csrf_of(html(&page));
    let done = post(
        &app,
        &format!("/clients/{id}/status"),
        &jar,
        &[("csrf", &csrf), ("status", "automatic")],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let acme = client_by_name(&app, &token, "Acme").await;
    assert_eq!(acme["status"], "active");
    assert_eq!(acme["status_set_by_hand"], false);
    // A word that is no status is refused, naming the field.
    let refused = app
        .call(
            Method::PATCH,
            &format!("/api/v1/clients/{id}"),
            Some(&token),
            Some(json!({"status": "asleep"})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.json.to_string().contains("status"));
    assert_eq!(
        client_by_name(&app, &token, "Acme").await["status"],
        "active"
    );
    // The CLI, by hand and back.
    let (ok, out, err) = churnwise(
        &app.t.url,
        &["client", "set-status", "Acme", "paused", "--format", "json"],
    );
    assert!(ok, "{err}");
    assert!(out.contains("\"paused\""), "{out}");
    let (ok, out, err) = churnwise(
        &app.t.url,
        &[
            "client",
            "set-status",
            "Acme",
            "automatic",
            "--format",
            "json",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("\"active\""), "{out}");
    // A new client is a prospect until a subscription is recorded.
    let new = app
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(&token),
            Some(json!({"name": "Fresh"})),
        )
        .await;
    assert_eq!(new.status, StatusCode::CREATED, "{:?}", new.json);
    assert_eq!(new.json["status"], "prospect");
    assert_eq!(new.json["status_set_by_hand"], false);
}

async fn the_due_list_leaves_former_clients_out_unless_asked(backend: Backend) {
    let (app, token) = imported(backend).await;
    let gone = client_by_name(&app, &token, "Cliente 1925 S.L.").await["id"].clone();
    let acme = client_by_name(&app, &token, "Acme").await["id"].clone();
    let ids = |reply: &Value| -> Vec<Value> {
        reply
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "contact")
            .map(|e| e["client_id"].clone())
            .collect()
    };
    let due = app
        .call(Method::GET, "/api/v1/due-list", Some(&token), None)
        .await;
    assert_eq!(due.status, StatusCode::OK, "{:?}", due.json);
    let listed = ids(&due.json);
    assert!(listed.contains(&acme), "{listed:?}");
    assert!(!listed.contains(&gone), "{listed:?}");
    let due = app
        .call(
            Method::GET,
            "/api/v1/due-list?include_former=true",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(due.status, StatusCode::OK, "{:?}", due.json);
    let listed = ids(&due.json);
    assert!(
        listed.contains(&acme) && listed.contains(&gone),
        "{listed:?}"
    );
    // The Due page, everyone's work, with and without former clients.
    let jar = sign_in(&app, "ana@example.com").await;
    let page = get(&app, "/due?show=all", &jar, None).await;
    assert!(!html(&page).contains("Cliente 1925 S.L."));
    assert!(html(&page).contains("Include former clients"));
    let page = get(&app, "/due?show=all&former=1", &jar, None).await;
    assert!(html(&page).contains("Cliente 1925 S.L."));
    // The CLI.
    let (ok, out, err) = churnwise(&app.t.url, &["due", "--format", "csv"]);
    assert!(ok, "{err}");
    assert!(!out.contains("Cliente 1925"), "{out}");
    let (ok, out, err) = churnwise(&app.t.url, &["due", "--include-former", "--format", "csv"]);
    assert!(ok, "{err}");
    assert!(out.contains("Cliente 1925"), "{out}");
}

both_backends!(
    after_an_import_statuses_agree_with_the_subscriptions,
    a_status_set_by_hand_overrides_the_rule_until_automatic,
    the_due_list_leaves_former_clients_out_unless_asked,
    the_scheduler_brings_statuses_in_line_once,
);

/// The scheduler's pass follows segments that end on a day nobody touches
/// the client, and a second pass changes nothing.
async fn the_scheduler_brings_statuses_in_line_once(backend: Backend) {
    let (app, token) = imported(backend).await;
    let store = app.store().clone();
    let ws = store.list_workspaces().await.unwrap()[0].id;
    // The segment ends today, written by the store alone (as a sync could),
    // so nothing but the daily pass follows it.
    let today = Utc::now().date_naive();
    store
        .import_subscriptions(
            ws,
            vec![churnwise_store::SubscriptionImport {
                line: 2,
                subscription_ref: "S1".into(),
                customer_ref: "C1".into(),
                plan: Some("pro".into()),
                mrr: churnwise_domain::Money::from_cents(10_000),
                started_on: "2021-01-01".parse().unwrap(),
                ended_on: Some(today),
            }],
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!(
        client_by_name(&app, &token, "Acme").await["status"],
        "active"
    );
    let scheduler = churnwise_app::scheduler::Scheduler {
        store: store.clone(),
        mailer: None,
        holder: "test".into(),
        interval: std::time::Duration::from_secs(900),
        full_runs: Default::default(),
    };
    let tick = scheduler.tick(Utc::now()).await.unwrap();
    assert!(tick.ran);
    assert_eq!(tick.statuses_changed, 1);
    assert_eq!(
        client_by_name(&app, &token, "Acme").await["status"],
        "former"
    );
    let again = scheduler.tick(Utc::now()).await.unwrap();
    assert_eq!(again.statuses_changed, 0);
}
