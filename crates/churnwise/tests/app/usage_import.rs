//! Issue 18, usage files in the browser import: `POST /api/v1/imports`
//! with `kind=usage` and the Import pages read the file with the usage
//! reader of `churnwise import usage`, map foreign headers, name every bad
//! row by line and the file's own header, and store nothing from a refused
//! file; on both backends.

use crate::both_backends;
use crate::imports_api::{multipart_parts, BOUNDARY};
use crate::pages::{csrf_of, get, html, location, post, sign_in};
use crate::support::TestApp;
use crate::usage::client;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use chrono::{Days, Utc};
use churnwise_domain::registry::Role;
use churnwise_store::{ClientId, WorkspaceId};
use churnwise_store_tests::Backend;

async fn total(app: &TestApp, ws: WorkspaceId, c: ClientId) -> i64 {
    let today = Utc::now().date_naive();
    app.store()
        .usage_days(ws, c, today - Days::new(400), today + Days::new(1))
        .await
        .unwrap()
        .iter()
        .map(|d| d.total)
        .sum()
}

async fn audited(app: &TestApp, ws: WorkspaceId) -> Vec<String> {
    app.store()
        .list_audit(ws, 1, 50)
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|e| e.action == "import.usage")
        .map(|e| e.detail)
        .collect()
}

async fn usage_files_are_imported_through_the_api_all_or_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app.user_with_token("a@x.test", "acme", Role::Member).await;
    let c = client(app.store().as_ref(), ws.id, "c-1").await;
    let day = (Utc::now().date_naive() - Days::new(3)).to_string();
    let send = |name: &'static str, file: String| {
        let body = multipart_parts(&[
            ("kind", None, b"usage"),
            ("file", Some(name), file.as_bytes()),
        ]);
        let request = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/imports")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(body))
            .unwrap();
        app.send(request)
    };
    // A product's export: none of the headers is ours; problems name them.
    let bad = format!(
        "Customer ID,Event,Date,Count\nc-1,logins,{day},3\nnobody,logins,{day},1\nc-1,logins,3 Nov,x\n"
    );
    let r = send("events.csv", bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.json);
    assert_eq!(r.json["code"], "invalid_file");
    let problems: Vec<(u64, &str)> = r.json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["line"].as_u64().unwrap(), p["column"].as_str().unwrap()))
        .collect();
    assert_eq!(problems, [(3, "Customer ID"), (4, "Date"), (4, "Count")]);
    assert_eq!(r.json["total"], 3);
    assert_eq!(total(&app, ws.id, c).await, 0, "nothing stored");
    assert!(audited(&app, ws.id).await.is_empty());
    // A header problem names line 1.
    let r = send("odd.csv", "client,metric\nc-1,logins\n".to_string()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.json);
    assert_eq!(r.json["problems"][0]["line"], 1);
    assert_eq!(r.json["problems"][0]["column"], "on");

    let good = format!(
        "Customer ID,Event,Date,Count,Event ID\nc-1,logins,{day},3,a\nc-1,logins,{day},4,b\nc-1,logins,{day},4,b\n"
    );
    let r = send("events.csv", good).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json);
    assert_eq!(r.json["kind"], "usage");
    assert_eq!(r.json["rows"], 3);
    assert_eq!(r.json["created"], 2, "events added");
    assert_eq!(r.json["updated"], 1, "an id sent before");
    assert_eq!(total(&app, ws.id, c).await, 7);
    assert_eq!(
        audited(&app, ws.id).await,
        ["events.csv: 2 events, 1 duplicates skipped, 1 new metrics"]
    );
}

async fn a_usage_file_is_previewed_and_imported_from_the_pages(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, _) = app
        .user_with_token("ana@example.com", "W", Role::Member)
        .await;
    let c = client(app.store().as_ref(), ws.id, "c-1").await;
    let jar = sign_in(&app, "ana@example.com").await;
    let form = get(&app, "/import", &jar, None).await;
    let page = html(&form);
    assert!(
        page.contains(r#"<option value="usage">Usage (events per client and metric)</option>"#),
        "{page}"
    );
    let csrf = csrf_of(page);
    let day = (Utc::now().date_naive() - Days::new(2)).to_string();
    let file =
        format!("client,metric,Fecha,value\nc-1,reports.opened,{day},2\nc-1,logins,{day},5\n");
    let body = multipart_parts(&[
        ("csrf", None, csrf.as_bytes()),
        ("kind", None, b"usage"),
        ("file", Some("uso.csv"), file.as_bytes()),
    ]);
    let sent = app
        .send(
            Request::post("/import")
                .header(header::COOKIE, jar.header())
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{:?}", sent.json);
    let job = location(&sent).to_string();
    let preview = get(&app, &job, &jar, None).await;
    let page = html(&preview);
    assert!(
        page.contains(r#"<option value="Fecha" selected>"#),
        "{page}"
    );
    assert!(
        page.contains("2 usage events will be added to the daily totals"),
        "{page}"
    );
    assert_eq!(total(&app, ws.id, c).await, 0, "a preview writes nothing");
    let spanish = get(&app, &job, &jar, Some("es")).await;
    assert!(html(&spanish).contains("Se sumarán 2 eventos de uso"));
    let id = job.rsplit('/').next().unwrap();
    let started = post(
        &app,
        &format!("/import/{id}/start"),
        &jar,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let mut done = String::new();
    for _ in 0..100 {
        done = html(&get(&app, &job, &jar, None).await).to_string();
        if !done.contains("data-import-job") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        done.contains("2 rows: 2 events added, 0 skipped as sent before."),
        "{done}"
    );
    assert_eq!(total(&app, ws.id, c).await, 7);
}

async fn the_scheduler_prunes_daily_totals_older_than_two_years(backend: Backend) {
    use churnwise_app::scheduler::Scheduler;
    let app = TestApp::new(backend).await;
    let (ws, _) = app.user_with_token("a@x.test", "acme", Role::Member).await;
    let c = client(app.store().as_ref(), ws.id, "c-1").await;
    let now = Utc::now();
    let today = now.date_naive();
    let keep = churnwise_app::usage::TOTALS_KEEP_DAYS;
    assert_eq!(keep, 730);
    let event = |days: u64, value: i64| churnwise_store::UsageEvent {
        client: c,
        metric: "logins".into(),
        on: today - Days::new(days),
        value,
        id: None,
    };
    // The store takes any day (the API refuses events older than 400 days).
    app.store()
        .record_usage(ws.id, &[event(keep + 1, 5), event(keep, 7), event(1, 11)])
        .await
        .unwrap();
    let scheduler = Scheduler {
        store: app.store().clone(),
        mailer: None,
        holder: "test".into(),
        interval: std::time::Duration::from_secs(60),
        full_runs: Default::default(),
    };
    let tick = scheduler.tick(now).await.unwrap();
    assert!(tick.ran);
    assert_eq!(tick.usage_days_pruned, 1);
    let left: Vec<i64> = app
        .store()
        .usage_days(ws.id, c, today - Days::new(keep + 10), today)
        .await
        .unwrap()
        .iter()
        .map(|d| d.total)
        .collect();
    assert_eq!(left, [7, 11], "the day 730 days back is kept");
}

both_backends!(
    usage_files_are_imported_through_the_api_all_or_nothing,
    a_usage_file_is_previewed_and_imported_from_the_pages,
    the_scheduler_prunes_daily_totals_older_than_two_years,
);
