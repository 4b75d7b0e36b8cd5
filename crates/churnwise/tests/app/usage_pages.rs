//! Issue 18, usage seen in the pages: the client page's weekly chart per
//! metric with cases and complaints marked, and the metrics never used. On
//! both backends.

use crate::both_backends;
use crate::pages::{get, html, sign_in};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use chrono::{Datelike, Days, NaiveDate, Utc};
use churnwise_domain::registry::Role;
use churnwise_store_tests::Backend;
use serde_json::{json, Value};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The JSON document of the chart `id` on `page`.
fn chart(page: &str, id: &str) -> Value {
    let data = &page[page
        .find(&format!("id=\"{id}-data\">"))
        .unwrap_or_else(|| panic!("no {id} in {page}"))..];
    let data = &data[data.find('>').unwrap() + 1..data.find("</script>").unwrap()];
    serde_json::from_str(data).unwrap()
}

/// A client `name` with external id `external`; returns its id.
async fn client(app: &TestApp, token: &str, name: &str, external: &str) -> i64 {
    let reply = app
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(token),
            Some(json!({"name": name, "external_id": external})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
    reply.json["id"].as_i64().unwrap()
}

async fn the_client_page_charts_each_used_metric_by_week_with_events_marked(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let id = client(&app, &token, "Fading", "fading").await;
    // Two metrics: logins every day of the last 60 days (3 a day), reports
    // never; and 5 exports 200 days ago.
    let mut events: Vec<Value> = (0..60u64)
        .map(|back| {
            json!({"client": "fading", "metric": "logins",
                   "on": (today() - Days::new(back)).to_string(), "value": 3})
        })
        .collect();
    events.push(json!({"client": "fading", "metric": "exports",
                       "on": (today() - Days::new(200)).to_string(), "value": 5}));
    // Another client's use of `reports` makes it a workspace metric.
    client(&app, &token, "Other", "other").await;
    events.push(json!({"client": "other", "metric": "reports", "on": today().to_string()}));
    let reply = app
        .call(
            Method::POST,
            "/api/v1/usage",
            Some(&token),
            Some(json!({"events": events})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    // A complaint ten days ago.
    let complaint_on = today() - Days::new(10);
    let logged = app
        .call(
            Method::POST,
            &format!("/api/v1/clients/{id}/interactions"),
            Some(&token),
            Some(
                json!({"kind": "complaint", "occurred_on": complaint_on.to_string(),
                        "note": "Slow reports"}),
            ),
        )
        .await;
    assert_eq!(logged.status, StatusCode::CREATED, "{}", logged.json);

    let jar = sign_in(&app, "ana@example.com").await;
    let reply = get(&app, &format!("/clients/{id}"), &jar, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", html(&reply));
    let page = html(&reply);
    assert!(page.contains("id=\"usage-title\">Usage</h2>"), "{page}");
    // Metrics by key: exports, logins.
    let exports = chart(page, "chart-usage-0");
    let logins = chart(page, "chart-usage-1");
    assert_eq!(exports["series"][0]["name"], "exports");
    assert_eq!(logins["series"][0]["name"], "logins");
    let weeks = logins["x"].as_array().unwrap().len();
    assert_eq!(weeks, 53);
    let totals: Vec<i64> = logins["series"][0]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap() as i64)
        .collect();
    assert_eq!(totals.iter().sum::<i64>(), 180, "{totals:?}");
    // This week holds the days since Monday.
    let since_monday = i64::from(today().weekday().num_days_from_monday()) + 1;
    assert_eq!(totals[52], 3 * since_monday);
    let export_totals: Vec<i64> = exports["series"][0]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap() as i64)
        .collect();
    assert_eq!(export_totals.iter().sum::<i64>(), 5);
    // The complaint is marked in its week, on every chart.
    let monday = today() - Days::new(u64::from(today().weekday().num_days_from_monday()));
    let week = 52 - (monday - complaint_on).num_days().div_euclid(7) - 1;
    let week = if complaint_on >= monday { 52 } else { week };
    assert_eq!(logins["marks"], json!([{"x": week, "label": "Complaint"}]));
    assert_eq!(exports["marks"], logins["marks"]);
    // Last 28 days against the 28 before, and the metric never used.
    assert!(
        page.contains("Last 28 days: 84 (28 days before: 84)"),
        "{page}"
    );
    assert!(
        page.contains("Never used in the last year: reports"),
        "{page}"
    );

    // In Spanish.
    let reply = get(&app, &format!("/clients/{id}"), &jar, Some("es")).await;
    let page = html(&reply);
    assert!(page.contains("id=\"usage-title\">Uso</h2>"), "{page}");
    assert!(
        page.contains("Sin usar en el último año: reports"),
        "{page}"
    );
    assert_eq!(chart(page, "chart-usage-1")["marks"][0]["label"], "Queja");

    // The retention plan's context on the case page; the case is marked too.
    let opened = app
        .call(
            Method::POST,
            "/api/v1/cases",
            Some(&token),
            Some(json!({"client_id": id, "notice": {
                "received_on": today().to_string(), "channel": "email", "received_by": "ana",
                "first_evaluation": {"fruitful": true, "history_of_stumbles": false,
                    "our_commitments_met": true, "client_commitments_met": true}}})),
        )
        .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.json);
    let case = opened.json["id"].as_i64().unwrap();
    let reply = get(&app, &format!("/cases/{case}"), &jar, None).await;
    let page = html(&reply);
    let context = &page[page.find("id=\"retention-usage\"").expect("usage context")..];
    let context = &context[..context.find("</div>").unwrap()];
    assert!(context.contains("What the client uses"), "{context}");
    assert!(
        context
            .contains("<strong>logins</strong>: Last 28 days: 84 (28 days before: 84) · no change"),
        "{context}"
    );
    assert!(
        context.contains("<strong>exports</strong>: Last 28 days: 0 (28 days before: 0)"),
        "{context}"
    );
    assert!(
        context.contains("Never used in the last year: reports"),
        "{context}"
    );
    let reply = get(&app, &format!("/clients/{id}"), &jar, None).await;
    let marks = chart(html(&reply), "chart-usage-1")["marks"].clone();
    assert!(
        marks
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["label"] == "Case opened" && m["x"] == 52),
        "{marks}"
    );
}

async fn the_client_list_shows_the_metric_moving_most_the_wrong_way(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    for (name, external) in [
        ("Alpha", "a"),
        ("Beta", "b"),
        ("Gamma", "g"),
        ("Delta", "d"),
    ] {
        client(&app, &token, name, external).await;
    }
    // Alpha: logins 10 → 2 a day (−80 %), exports steady. Beta: logins up
    // (+50 %), errors up 10 → 12 (+20 %, lower is better). Gamma: only new
    // use (no baseline). Delta: no usage.
    let mut events = Vec::new();
    for back in 0..56u64 {
        let on = (today() - Days::new(back)).to_string();
        let recent = back < 28;
        events.push(json!({"client": "a", "metric": "logins", "on": on, "value": if recent { 2 } else { 10 }}));
        events.push(json!({"client": "a", "metric": "exports", "on": on, "value": 1}));
        events.push(json!({"client": "b", "metric": "logins", "on": on, "value": if recent { 3 } else { 2 }}));
        if back % 7 == 0 {
            events.push(json!({"client": "b", "metric": "errors", "on": on, "value": if recent { 3 } else { 2 }}));
        }
        if recent && back % 2 == 0 {
            events.push(json!({"client": "g", "metric": "logins", "on": on}));
        }
    }
    let reply = app
        .call(
            Method::POST,
            "/api/v1/usage",
            Some(&token),
            Some(json!({"events": events})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let metric = app
        .call(
            Method::PUT,
            "/api/v1/usage/metrics/errors",
            Some(&token),
            Some(json!({"label_en": "Errors", "label_es": "Errores", "higher_is_better": false})),
        )
        .await;
    assert_eq!(metric.status, StatusCode::OK, "{}", metric.json);

    let jar = sign_in(&app, "ana@example.com").await;
    let page = get(&app, "/clients?sort=name", &jar, None).await;
    let page = html(&page);
    assert!(
        page.contains("id=\"clients-col-usage\">Usage, 28 days</th>"),
        "{page}"
    );
    // Rows by name: Alpha, Beta, Delta, Gamma.
    let changes: Vec<&str> = page
        .split("data-usage-change=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(changes, ["-80", "50", "", ""], "{page}");
    assert!(
        page.contains("logins <span class=\"badge badge-bad\">−80 %</span>"),
        "{page}"
    );
    // Beta: logins +50 % is good news; errors +50 % (8 → 12) is the wrong way.
    assert!(
        page.contains("Errors <span class=\"badge badge-bad\">+50 %</span>"),
        "{page}"
    );
    assert!(
        page.contains("logins <span class=\"muted\">14 in 28 days</span>"),
        "{page}"
    );
    let es = get(&app, "/clients?sort=name", &jar, Some("es")).await;
    assert!(html(&es).contains("Uso, 28 días"), "{}", html(&es));
    assert!(html(&es).contains("14 en 28 días"));
}

async fn a_workspace_without_usage_shows_no_usage_section(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let id = client(&app, &token, "Quiet", "quiet").await;
    let jar = sign_in(&app, "ana@example.com").await;
    let page = get(&app, &format!("/clients/{id}"), &jar, None).await;
    assert!(!html(&page).contains("id=\"usage-title\""));
}

both_backends!(
    the_client_page_charts_each_used_metric_by_week_with_events_marked,
    a_workspace_without_usage_shows_no_usage_section,
    the_client_list_shows_the_metric_moving_most_the_wrong_way,
);
