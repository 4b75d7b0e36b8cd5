//! Issue 18, usage: events in through `POST /api/v1/usage` summed into daily
//! totals, idempotent by id, all or nothing with every bad event named; the
//! usage metrics; the `usage` health signal; `churnwise import usage`. On
//! both backends.

use crate::both_backends;
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use chrono::{Days, NaiveDate, Utc};
use churnwise_domain::registry::{ClientStatus, Role};
use churnwise_store::{ClientId, NewClient, Store, UsageDay, WorkspaceId};
use churnwise_store_tests::Backend;
use serde_json::{json, Value};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// An active client with the external id `external` (usage names clients
/// by it); shared by the usage test files.
pub(crate) async fn client(s: &dyn Store, ws: WorkspaceId, external: &str) -> ClientId {
    s.create_client(
        ws,
        NewClient {
            external_id: Some(external.into()),
            name: format!("Client {external}"),
            status: ClientStatus::Active,
            owner: None,
            segment: None,
            keep_in_touch_days: 365,
            notes: None,
        },
    )
    .await
    .unwrap()
    .id
}

async fn days(app: &TestApp, ws: WorkspaceId, c: ClientId) -> Vec<UsageDay> {
    app.store()
        .usage_days(ws, c, today() - Days::new(400), today() + Days::new(1))
        .await
        .unwrap()
}

fn fields(reply: &Value) -> Vec<String> {
    reply["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect()
}

async fn a_batch_is_stored_as_daily_totals_and_new_metrics_are_created(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app.user_with_token("a@x.test", "acme", Role::Member).await;
    let c = client(app.store().as_ref(), ws.id, "c-1").await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/usage",
            Some(&token),
            Some(json!({"events": [
                {"client": "c-1", "metric": "logins", "on": "2026-11-03", "value": 3},
                {"client": "c-1", "metric": "logins", "on": "2026-11-03", "value": 4},
                {"client": "c-1", "metric": "logins", "at": "2026-11-04T23:30:00-02:00"},
                {"client": "c-1", "metric": "reports.opened", "on": "2026-11-03", "value": 0},
            ]})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.json);
    assert_eq!(
        reply.json,
        json!({"accepted": 4, "duplicates": 0, "new_metrics": 2})
    );
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(
        days(&app, ws.id, c).await,
        vec![
            UsageDay {
                metric: "logins".into(),
                on: d("2026-11-03"),
                total: 7
            },
            // 23:30 at UTC-2 is 01:30 UTC the next day.
            UsageDay {
                metric: "logins".into(),
                on: d("2026-11-05"),
                total: 1
            },
            UsageDay {
                metric: "reports.opened".into(),
                on: d("2026-11-03"),
                total: 0
            },
        ]
    );
    let metrics = app
        .call(Method::GET, "/api/v1/usage/metrics", Some(&token), None)
        .await;
    assert_eq!(
        metrics.json,
        json!([
            {"key": "logins", "label_en": "logins", "label_es": "logins", "higher_is_better": true},
            {"key": "reports.opened", "label_en": "reports.opened", "label_es": "reports.opened", "higher_is_better": true},
        ])
    );
    // A member may not rename a metric; a manager may.
    let body = json!({"label_en": "Errors", "label_es": "Errores", "higher_is_better": false});
    let refused = app
        .call(
            Method::PUT,
            "/api/v1/usage/metrics/errors",
            Some(&token),
            Some(body.clone()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let (_, manager) = app.user_with_token("m@x.test", "acme", Role::Manager).await;
    let put = app
        .call(
            Method::PUT,
            "/api/v1/usage/metrics/errors",
            Some(&manager),
            Some(body),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{:?}", put.json);
    let audit = app.store().list_audit(ws.id, 1, 50).await.unwrap().items;
    let entry = audit
        .iter()
        .find(|e| e.action == "usage.metric_changed")
        .expect("the change is audited");
    assert_eq!(entry.detail, "errors: Errors / Errores (lower is better)");
    assert!(entry.actor.contains("m@x.test"), "{entry:?}");
    let again = app
        .call(
            Method::POST,
            "/api/v1/usage",
            Some(&token),
            Some(json!({"events": [{"client": "c-1", "metric": "errors", "on": "2026-11-03"}]})),
        )
        .await;
    assert_eq!(again.json["new_metrics"], 0);
    let metrics = app.store().usage_metrics(ws.id).await.unwrap();
    let errors = metrics.iter().find(|m| m.key == "errors").unwrap();
    assert_eq!(
        (errors.label_es.as_str(), errors.higher_is_better),
        ("Errores", false)
    );
}

async fn an_event_sent_again_with_its_id_counts_once(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app.user_with_token("a@x.test", "acme", Role::Member).await;
    let c = client(app.store().as_ref(), ws.id, "c-1").await;
    let batch = json!({"events": [
        {"client": "c-1", "metric": "logins", "on": "2026-11-03", "value": 2, "id": "e1"},
        {"client": "c-1", "metric": "logins", "on": "2026-11-03", "value": 2, "id": "e1"},
        {"client": "c-1", "metric": "logins", "on": "2026-11-03", "value": 5, "id": "e2"},
    ]});
    let first = app
        .call(
            Method::POST,
            "/api/v1/usage",
            Some(&token),
            Some(batch.clone()),
        )
        .await;
    assert_eq!(
        first.json,
        json!({"accepted": 2, "duplicates": 1, "new_metrics": 1})
    );
    let replay = app
        .call(Method::POST, "/api/v1/usage", Some(&token), Some(batch))
        .await;
    assert_eq!(
        replay.json,
        json!({"accepted": 0, "duplicates": 3, "new_metrics": 0})
    );
    let stored = days(&app, ws.id, c).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].total, 7);
}

async fn every_bad_event_is_named_and_nothing_is_stored(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app.user_with_token("a@x.test", "acme", Role::Member).await;
    let c = client(app.store().as_ref(), ws.id, "c-1").await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/usage",
            Some(&token),
            Some(json!({"events": [
                {"client": "c-1", "metric": "logins", "on": "2026-11-03"},
                {"client": "c-1", "metric": "Logins!", "on": "2026-11-03"},
                {"client": "c-1", "metric": "logins", "on": "2026-11-03", "at": "2026-11-03T10:00:00Z"},
                {"client": "nobody", "metric": "logins", "on": "2026-11-03"},
                {"client": "c-1", "metric": "logins", "on": "2026-11-03", "value": -1},
                {"client": "c-1", "metric": "logins", "on": "3 Nov"},
                {"client": "c-1", "metric": "logins", "on": "2026-11-03", "value": 1.5},
                {"client": "c-1", "metric": "logins", "on": "2026-11-03"},
                {"client": "c-1", "metric": "logins", "on": "2026-11-03"},
                {"client": "c-1", "metric": "logins", "on": "2026-11-03"},
                {"client": "c-1", "metric": "logins"},
            ]})),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        reply.json
    );
    assert_eq!(reply.content_type, "application/problem+json");
    assert_eq!(
        fields(&reply.json),
        [
            "events[1].metric",
            "events[2].on",
            "events[3].client",
            "events[4].value",
            "events[5].on",
            "events[6].value",
            "events[10].on",
        ]
    );
    assert!(days(&app, ws.id, c).await.is_empty());
    assert!(app.store().usage_metrics(ws.id).await.unwrap().is_empty());
}

async fn more_than_ten_thousand_events_are_refused(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app.user_with_token("a@x.test", "acme", Role::Member).await;
    let c = client(app.store().as_ref(), ws.id, "c-1").await;
    let event = json!({"client": "c-1", "metric": "logins", "on": "2026-11-03", "id": "x"});
    let too_many: Vec<Value> = (0..10_001)
        .map(|i| {
            let mut e = event.clone();
            e["id"] = json!(format!("e{i}"));
            e
        })
        .collect();
    let reply = app
        .call(
            Method::POST,
            "/api/v1/usage",
            Some(&token),
            Some(json!({"events": too_many})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&reply.json), ["events"]);
    assert!(days(&app, ws.id, c).await.is_empty());
    // Exactly ten thousand (with ids) go in.
    let reply = app
        .call(
            Method::POST,
            "/api/v1/usage",
            Some(&token),
            Some(json!({"events": too_many[..10_000]})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.json);
    assert_eq!(reply.json["accepted"], 10_000);
    assert_eq!(days(&app, ws.id, c).await[0].total, 10_000);
}

async fn a_workspace_keeps_at_most_a_hundred_metrics(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app.user_with_token("a@x.test", "acme", Role::Member).await;
    let c = client(app.store().as_ref(), ws.id, "c-1").await;
    let events: Vec<Value> = (0..101)
        .map(|i| json!({"client": "c-1", "metric": format!("m{i}"), "on": "2026-11-03"}))
        .collect();
    // 101 new keys at once: the one past the hundredth is named, nothing stored.
    let reply = app
        .call(
            Method::POST,
            "/api/v1/usage",
            Some(&token),
            Some(json!({"events": events})),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        reply.json
    );
    assert_eq!(fields(&reply.json), ["events[100].metric"]);
    assert!(days(&app, ws.id, c).await.is_empty());
    // A hundred go in; then a known key still does, a new one does not.
    let reply = app
        .call(
            Method::POST,
            "/api/v1/usage",
            Some(&token),
            Some(json!({"events": events[..100]})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.json);
    let more = json!({"events": [
        {"client": "c-1", "metric": "m5", "on": "2026-11-04"},
        {"client": "c-1", "metric": "other", "on": "2026-11-04"}]});
    let reply = app
        .call(Method::POST, "/api/v1/usage", Some(&token), Some(more))
        .await;
    assert_eq!(fields(&reply.json), ["events[1].metric"]);
    assert_eq!(app.store().usage_metrics(ws.id).await.unwrap().len(), 100);
}

async fn a_viewer_may_not_send_usage(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app.user_with_token("v@x.test", "acme", Role::Viewer).await;
    client(app.store().as_ref(), ws.id, "c-1").await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/usage",
            Some(&token),
            Some(json!({"events": [{"client": "c-1", "metric": "logins", "on": "2026-11-03"}]})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

/// The usage signal of `client`'s score, after a refresh, through the API.
async fn usage_signal(app: &TestApp, token: &str, client: ClientId) -> Value {
    let refreshed = app
        .call(
            Method::POST,
            "/api/v1/health-scores/refresh",
            Some(token),
            None,
        )
        .await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.json);
    let r = app
        .call(
            Method::GET,
            &format!("/api/v1/health-scores?client_id={}", client.0),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    r.json[0]["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["signal"] == "usage")
        .cloned()
        .unwrap()
}

async fn a_fading_client_takes_usage_points_and_one_without_data_none(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app.user_with_token("a@x.test", "acme", Role::Member).await;
    let s = app.store().as_ref();
    let fading = client(s, ws.id, "fading").await;
    let quiet = client(s, ws.id, "quiet").await;
    // 10 logins a day in the 28 days before the last 28 (280), then 2 a day (56).
    let events: Vec<Value> = (0..56u64)
        .map(|back| {
            let on = today() - Days::new(back);
            json!({"client": "fading", "metric": "logins", "on": on.to_string(),
                   "value": if back < 28 { 2 } else { 10 }})
        })
        .collect();
    let reply = app
        .call(
            Method::POST,
            "/api/v1/usage",
            Some(&token),
            Some(json!({"events": events})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);

    let signal = usage_signal(&app, &token, fading).await;
    // An 80 % drop takes 80 % of the default weight of 20.
    assert_eq!(signal["points"], 16, "{signal}");
    assert_eq!(signal["weight"], 20);
    assert_eq!(signal["finding"]["change"], "down");
    assert_eq!(signal["finding"]["before"], 280);
    assert_eq!(signal["finding"]["now"], 56);
    let facts: churnwise_domain::health::Signal = serde_json::from_value(signal).unwrap();
    let en = churnwise_app::digest::signal_phrase(churnwise_domain::Lang::En, &facts);
    assert!(
        en.contains("logins down 80 %") && en.contains("280 → 56 in 28 days"),
        "{en}"
    );
    let es = churnwise_app::digest::signal_phrase(churnwise_domain::Lang::Es, &facts);
    assert!(
        es.contains("logins baja un 80 %") && es.contains("en 28 días"),
        "{es}"
    );

    let none = usage_signal(&app, &token, quiet).await;
    assert_eq!(none["points"], 0, "{none}");
    assert_eq!(none["metrics"], 0);
    assert!(none.get("finding").is_none());
}

async fn a_slow_fade_shows_against_the_clients_usual_level(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, token) = app.user_with_token("a@x.test", "acme", Role::Member).await;
    let ws = app.store().ensure_workspace("acme").await.unwrap().id;
    let fading = client(app.store().as_ref(), ws, "fading").await;
    // 10 logins a day for 84 days before the two windows (usual: 280 in 28
    // days), then 6 a day (168) and 4 a day (112): only 33 % below the 28
    // days before, 60 % below the usual level.
    let events: Vec<Value> = (0..140u64)
        .map(|back| {
            let on = today() - Days::new(back);
            let value = match back {
                0..28 => 4,
                28..56 => 6,
                _ => 10,
            };
            json!({"client": "fading", "metric": "logins", "on": on.to_string(), "value": value})
        })
        .collect();
    let reply = app
        .call(
            Method::POST,
            "/api/v1/usage",
            Some(&token),
            Some(json!({"events": events})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let signal = usage_signal(&app, &token, fading).await;
    assert_eq!(signal["finding"]["change"], "down_from_usual", "{signal}");
    assert_eq!(signal["finding"]["before"], 280);
    assert_eq!(signal["finding"]["now"], 112);
    assert_eq!(signal["points"], 12, "60 % of 20: {signal}");
    let facts: churnwise_domain::health::Signal = serde_json::from_value(signal).unwrap();
    let en = churnwise_app::digest::signal_phrase(churnwise_domain::Lang::En, &facts);
    assert!(
        en.contains("logins down 60 % from its usual level: 280 → 112"),
        "{en}"
    );
    let es = churnwise_app::digest::signal_phrase(churnwise_domain::Lang::Es, &facts);
    assert!(es.contains("respecto a su nivel habitual"), "{es}");
}

async fn event_ids_are_kept_as_long_as_an_event_may_be_dated(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app.user_with_token("a@x.test", "acme", Role::Member).await;
    let c = client(app.store().as_ref(), ws.id, "c-1").await;
    let old = (today() - Days::new(churnwise_app::usage::KEEP_DAYS + 1)).to_string();
    let refused = app
        .call(
            Method::POST,
            "/api/v1/usage",
            Some(&token),
            Some(json!({"events": [{"client": "c-1", "metric": "logins", "on": old, "id": "x"}]})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&refused.json), ["events[0].on"]);
    assert!(refused.json["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("more than 400 days ago"));
    let oldest = today() - Days::new(churnwise_app::usage::KEEP_DAYS);
    let send = |on: NaiveDate| json!({"events": [{"client": "c-1", "metric": "logins", "on": on.to_string(), "id": "e-1"}]});
    let first = app
        .call(
            Method::POST,
            "/api/v1/usage",
            Some(&token),
            Some(send(oldest)),
        )
        .await;
    assert_eq!(first.json["accepted"], 1, "{}", first.json);
    // Today the id is kept: a replay counts once.
    let store = app.store().as_ref();
    assert_eq!(
        churnwise_app::usage::prune_event_ids(store, today())
            .await
            .unwrap(),
        0
    );
    let replay = app
        .call(
            Method::POST,
            "/api/v1/usage",
            Some(&token),
            Some(send(oldest)),
        )
        .await;
    assert_eq!(replay.json["duplicates"], 1, "{}", replay.json);
    // A day later the event could no longer be sent, so its id goes.
    let tomorrow = today() + Days::new(1);
    assert_eq!(
        churnwise_app::usage::prune_event_ids(store, tomorrow)
            .await
            .unwrap(),
        1
    );
    assert_eq!(days(&app, ws.id, c).await[0].total, 1, "the total stays");
}

async fn the_cli_imports_a_usage_file_all_or_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, _) = app.user_with_token("a@x.test", "acme", Role::Member).await;
    let c = client(app.store().as_ref(), ws.id, "c-1").await;
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "client,metric,on,value\nc-1,logins,2026-11-03,3\nnobody,logins,2026-11-03,1\nc-1,logins,3 Nov,x\n",
    )
    .unwrap();
    let bad = bad.display().to_string();
    let (ok, _, err) = crate::support::churnwise(&app.t.url, &["import", "usage", &bad]);
    assert!(!ok);
    assert!(
        err.contains(&format!("{bad}:3: client: no client has the external id")),
        "{err}"
    );
    assert!(err.contains(&format!("{bad}:4: on: ")), "{err}");
    assert!(err.contains(&format!("{bad}:4: value: ")), "{err}");
    assert!(days(&app, ws.id, c).await.is_empty(), "nothing stored");
    let audit = |app: &TestApp| {
        let s = app.store().clone();
        async move { s.list_audit(ws.id, 1, 50).await.unwrap().items }
    };
    assert!(audit(&app).await.iter().all(|e| e.action != "import.usage"));
    // A file with a column no usage file has is refused at its header.
    let odd = dir.path().join("odd.csv");
    std::fs::write(&odd, "client,metric,day\nc-1,logins,2026-11-03\n").unwrap();
    let odd = odd.display().to_string();
    let (ok, _, err) = crate::support::churnwise(&app.t.url, &["import", "usage", &odd]);
    assert!(!ok);
    assert!(
        err.contains(&format!("{odd}:1: day: is not a column of a usage file")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{odd}:1: on: the column is missing")),
        "{err}"
    );

    let good = dir.path().join("usage.csv");
    std::fs::write(
        &good,
        "client,metric,on,value,id\nc-1,logins,2026-11-03,3,a\nc-1,logins,2026-11-03,4,b\nc-1,logins,2026-11-03,4,b\n",
    )
    .unwrap();
    let good = good.display().to_string();
    let (ok, out, err) = crate::support::churnwise(&app.t.url, &["import", "usage", &good]);
    assert!(ok, "{err}");
    assert!(
        out.contains("2 usage events imported") && out.contains("1 duplicates"),
        "{out}"
    );
    assert_eq!(days(&app, ws.id, c).await[0].total, 7);
    let entries = audit(&app).await;
    let entry = entries.iter().find(|e| e.action == "import.usage").unwrap();
    assert_eq!(
        entry.detail,
        "usage.csv: 2 events, 1 duplicates skipped, 1 new metrics"
    );
}

both_backends!(
    event_ids_are_kept_as_long_as_an_event_may_be_dated,
    a_slow_fade_shows_against_the_clients_usual_level,
    the_cli_imports_a_usage_file_all_or_nothing,
    a_fading_client_takes_usage_points_and_one_without_data_none,
    a_batch_is_stored_as_daily_totals_and_new_metrics_are_created,
    an_event_sent_again_with_its_id_counts_once,
    every_bad_event_is_named_and_nothing_is_stored,
    more_than_ten_thousand_events_are_refused,
    a_workspace_keeps_at_most_a_hundred_metrics,
    a_viewer_may_not_send_usage,
);
