//! Bounded inputs (issue #11): every size-like API input is checked in one
//! place (`churnwise_app::bounds`) and refused with 422 naming the field and
//! the bound; the case list comes a page at a time as summaries; the other
//! lists honour `limit`; the CLI speaks the same bounds; imports refuse
//! files past the configured limits; the scheduler purges expired sessions.
//! On both backends.

use crate::both_backends;
use crate::support::{churnwise, TestApp};
use axum::http::{Method, StatusCode};
use churnwise_app::scheduler::Scheduler;
use churnwise_domain::registry::Role;
use churnwise_store::NewSession;
use churnwise_store_tests::Backend;
use serde_json::{json, Value};

/// The one problem of a 422 answer: (field, message).
fn refused(reply: &crate::support::Reply) -> Vec<(String, String)> {
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:#}",
        reply.json
    );
    reply.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_string(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn sizes_past_their_bounds_are_refused_naming_the_field_and_the_bound(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "W", Role::Owner)
        .await;
    let get = |uri: &'static str| {
        let (app, token) = (&app, token.clone());
        async move { app.call(Method::GET, uri, Some(&token), None).await }
    };
    // Two billion forecast months: refused before a single month is built.
    let started = std::time::Instant::now();
    let r = get("/api/v1/metrics?from=2024-01&to=2024-06&forecast_months=2000000000").await;
    assert_eq!(
        refused(&r),
        [(
            "forecast_months".to_string(),
            "must be at most 60".to_string()
        )]
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let r = get("/api/v1/metrics?from=2024-01&to=2024-06&grace_days=366").await;
    assert_eq!(
        refused(&r),
        [("grace_days".to_string(), "must be at most 365".to_string())]
    );
    let r = get("/api/v1/metrics?from=1990-01&to=2024-12").await;
    let problems = refused(&r);
    assert_eq!(problems[0].0, "to");
    assert!(problems[0].1.contains("at most 120 months"), "{problems:?}");
    // The largest allowed values are taken.
    let r = get("/api/v1/metrics?from=2015-01&to=2024-12&forecast_months=60&grace_days=365").await;
    assert_eq!(r.status, StatusCode::OK, "{:#}", r.json);
    assert_eq!(r.json["forecast"].as_array().unwrap().len(), 60);
    // The reasons report (JSON, CSV and XLSX) shares the range bound.
    for uri in [
        "/api/v1/reports/reasons?from=1990-01&to=2024-12",
        "/api/v1/reports/reasons.csv?from=1990-01&to=2024-12",
        "/api/v1/reports/reasons.xlsx?from=1990-01&to=2024-12",
    ] {
        let problems = refused(&get(uri).await);
        assert_eq!(problems[0].0, "to", "{uri}");
    }
    // Page sizes and list limits: 1 to 500.
    for (uri, field) in [
        ("/api/v1/clients?per_page=501", "per_page"),
        ("/api/v1/cases?per_page=501", "per_page"),
        ("/api/v1/cases?page=0", "page"),
        ("/api/v1/health-scores?limit=501", "limit"),
        ("/api/v1/alerts?limit=0", "limit"),
        ("/api/v1/due-list?limit=501", "limit"),
        ("/api/v1/cases/due?limit=501", "limit"),
    ] {
        let problems = refused(&get(uri).await);
        assert_eq!(problems[0].0, field, "{uri}");
        let bound = if field == "page" { "1 or more" } else { "500" };
        assert!(problems[0].1.contains(bound), "{uri}: {problems:?}");
    }
    for uri in [
        "/api/v1/health-scores?limit=500",
        "/api/v1/alerts?limit=1",
        "/api/v1/due-list?limit=3",
        "/api/v1/cases/due?limit=3",
    ] {
        assert_eq!(get(uri).await.status, StatusCode::OK, "{uri}");
    }
    // Lists without pages are walked by offset: windows of 2 put together
    // give the whole list, in order, and nothing twice.
    for n in 0..5 {
        // Set active by hand: clients without a subscription are prospects,
        // which have no score.
        let body =
            serde_json::json!({"name": format!("Client {n}"), "owner": "ana", "status": "active"});
        let r = app
            .call(Method::POST, "/api/v1/clients", Some(&token), Some(body))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:#}", r.json);
    }
    let r = app
        .call(
            Method::POST,
            "/api/v1/health-scores/refresh",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:#}", r.json);
    for list in ["/api/v1/health-scores"] {
        let whole = get(list).await.json.as_array().unwrap().clone();
        assert!(
            whole.len() > 2,
            "{list} needs rows to walk: {}",
            whole.len()
        );
        let mut walked = Vec::new();
        let mut offset = 0;
        loop {
            let uri = format!("{list}?limit=2&offset={offset}");
            let r = app.call(Method::GET, &uri, Some(&token), None).await;
            assert_eq!(r.status, StatusCode::OK, "{list}");
            let rows = r.json.as_array().unwrap().clone();
            let n = rows.len();
            walked.extend(rows);
            if n < 2 {
                break;
            }
            offset += 2;
            assert!(offset <= whole.len() + 2, "{list}: the walk does not end");
        }
        assert_eq!(walked, whole, "{list}");
    }
    // The CLI speaks the same bounds, naming its flags.
    let (ok, _, err) = churnwise(
        &app.t.url,
        &[
            "metrics",
            "--from",
            "2024-01",
            "--to",
            "2024-06",
            "--forecast-months",
            "61",
        ],
    );
    assert!(!ok);
    assert!(
        err.contains("--forecast-months: must be at most 60"),
        "{err}"
    );
}

async fn the_case_list_comes_a_page_at_a_time_as_summaries(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "W", Role::Owner)
        .await;
    for (i, received) in ["2024-03-01", "2024-03-03", "2024-03-02"]
        .iter()
        .enumerate()
    {
        let client = app
            .call(
                Method::POST,
                "/api/v1/clients",
                Some(&token),
                Some(json!({"name": format!("Client {i}")})),
            )
            .await;
        assert_eq!(client.status, StatusCode::CREATED, "{:#}", client.json);
        let notice = json!({
            "received_on": received,
            "channel": "email",
            "received_by": "ana",
            "requested_end_on": "2024-03-31",
            "first_evaluation": {"fruitful": true, "history_of_stumbles": false,
                "our_commitments_met": true, "client_commitments_met": true},
        });
        let r = app
            .call(
                Method::POST,
                "/api/v1/cases",
                Some(&token),
                Some(json!({"client_id": client.json["id"], "notice": notice})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:#}", r.json);
    }
    let page = app
        .call(Method::GET, "/api/v1/cases?per_page=2", Some(&token), None)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{:#}", page.json);
    assert_eq!(page.json["total"], 3);
    assert_eq!(
        (page.json["page"].clone(), page.json["per_page"].clone()),
        (json!(1), json!(2))
    );
    let items = page.json["items"].as_array().unwrap();
    let names: Vec<&str> = items
        .iter()
        .map(|c| c["client_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Client 1", "Client 2"], "newest notice first");
    // A summary, not the whole case: no notice, no history.
    let first: &Value = &items[0];
    assert_eq!(first["stage"], "notice");
    assert_eq!(first["opened_on"], "2024-03-03");
    assert!(
        first.get("notice").is_none() && first.get("history").is_none(),
        "{first:#}"
    );
    let next = app
        .call(
            Method::GET,
            "/api/v1/cases?per_page=2&page=2",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(next.json["items"].as_array().unwrap().len(), 1);
    // The default page holds 50.
    let all = app
        .call(Method::GET, "/api/v1/cases", Some(&token), None)
        .await;
    assert_eq!(all.json["per_page"], 50);
    // The documented parameters.
    let doc = app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    let params = doc.json["paths"]["/api/v1/cases"]["get"]["parameters"].to_string();
    assert!(
        params.contains("\"per_page\"") && params.contains("\"page\""),
        "{params}"
    );
    for path in [
        "/api/v1/health-scores",
        "/api/v1/alerts",
        "/api/v1/due-list",
        "/api/v1/cases/due",
    ] {
        let params = doc.json["paths"][path]["get"]["parameters"].to_string();
        assert!(params.contains("\"limit\""), "{path}: {params}");
    }
}

async fn imports_refuse_files_past_the_configured_limits_naming_the_limit(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "W", Role::Owner)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("customers.csv");
    std::fs::write(&path, "customer_id,name\nC1,A\nC2,B\nC3,C\n").unwrap();
    let file = path.to_str().unwrap();
    let (ok, _, err) = churnwise(
        &app.t.url,
        &["import", "customers", file, "--max-rows", "2"],
    );
    assert!(!ok);
    assert!(
        err.contains("over the import limit on rows (2, setting import.max_rows)"),
        "{err}"
    );
    // Nothing was written.
    let clients = app
        .store()
        .list_clients(
            app.store().list_workspaces().await.unwrap()[0].id,
            &churnwise_store::ClientFilter::default(),
        )
        .await
        .unwrap();
    assert_eq!(clients.total, 0);
    let (ok, out, err) = churnwise(
        &app.t.url,
        &["import", "customers", file, "--max-rows", "3"],
    );
    assert!(ok, "{err}");
    assert!(out.contains("3 rows imported"), "{out}");
}

async fn the_scheduler_purges_expired_sessions(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, _) = app
        .user_with_token("ana@example.com", "W", Role::Owner)
        .await;
    let store = app.store().clone();
    let user = store
        .find_user_by_email("ana@example.com")
        .await
        .unwrap()
        .unwrap()
        .user;
    let now = chrono::Utc::now();
    for (hash, expires_at) in [
        ("expired", now - chrono::Duration::minutes(1)),
        ("live", now + chrono::Duration::hours(1)),
    ] {
        store
            .create_session(NewSession {
                token_hash: hash.into(),
                user: user.id,
                workspace: ws.id,
                csrf_token: "c".into(),
                expires_at,
            })
            .await
            .unwrap();
    }
    let scheduler = Scheduler {
        store: store.clone(),
        mailer: None,
        holder: "test".into(),
        interval: std::time::Duration::from_secs(60),
        full_runs: Default::default(),
    };
    let tick = scheduler.tick(now).await.unwrap();
    assert!(tick.ran);
    assert_eq!(tick.sessions_purged, 1);
    assert!(store.find_session("live", now).await.unwrap().is_some());
    assert_eq!(
        store.purge_expired_sessions(now).await.unwrap(),
        0,
        "already gone"
    );
}

both_backends!(
    sizes_past_their_bounds_are_refused_naming_the_field_and_the_bound,
    the_case_list_comes_a_page_at_a_time_as_summaries,
    imports_refuse_files_past_the_configured_limits_naming_the_limit,
    the_scheduler_purges_expired_sessions,
);
