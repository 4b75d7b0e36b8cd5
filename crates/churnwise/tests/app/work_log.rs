//! The work log (issue 16): entries added, listed page by page, changed
//! and deleted through the API (every bad field named, nothing stored when
//! refused, other workspaces' clients and entries not found, viewers may
//! only read), the client page's section (errors next to the fields,
//! Spanish), the CLI (`work log`, `work list`, `--flag: reason`), the audit
//! log, the personal-data export and erasure.

use crate::both_backends;
use crate::pages::{csrf_of, get, html, location, post, sign_in};
use crate::support::{churnwise, TestApp};
use axum::http::{Method, StatusCode};
use churnwise_domain::registry::Role;
use churnwise_store_tests::Backend;
use serde_json::{json, Value};

struct Setup {
    app: TestApp,
    token: String,
    client: i64,
}

async fn setup(backend: Backend) -> Setup {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "Acme Agency", Role::Owner)
        .await;
    let client = app
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(&token),
            Some(json!({"name": "Bakery Lola", "external_id": "C-LOLA"})),
        )
        .await;
    assert_eq!(client.status, StatusCode::CREATED, "{:?}", client.json);
    let client = client.json["id"].as_i64().unwrap();
    Setup { app, token, client }
}

impl Setup {
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> crate::support::Reply {
        self.app.call(method, path, Some(&self.token), body).await
    }

    fn work(&self) -> String {
        format!("/api/v1/clients/{}/work", self.client)
    }

    async fn all(&self) -> Value {
        let r = self
            .call(Method::GET, &format!("{}?per_page=500", self.work()), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.json);
        r.json
    }
}

fn fields(reply: &crate::support::Reply) -> Vec<String> {
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        reply.json
    );
    reply.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect()
}

async fn work_is_logged_listed_changed_and_deleted_through_the_api(backend: Backend) {
    let s = setup(backend).await;
    let made = s
        .call(
            Method::POST,
            &s.work(),
            Some(json!({
                "title": "Monthly SEO audit", "done_on": "2026-10-05",
                "body": "Fixed 40 broken links", "result": 12.5, "unit": "%",
                "link": "https://example.com/report/10", "visibility": "client"
            })),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    assert_eq!(made.json["result"], "12.5");
    assert_eq!(made.json["unit"], "%");
    assert_eq!(made.json["who"], "ana@example.com");
    assert!(made.json["who_user"].as_i64().is_some());
    assert_eq!(made.json["visibility"], "client");
    let first = made.json["id"].as_i64().unwrap();
    // A figure sent as text is kept exactly; an internal note by someone else.
    let second = s
        .call(
            Method::POST,
            &s.work(),
            Some(
                json!({"title": "Pricing idea", "done_on": "2026-10-07", "result": "0.125",
                        "who": "Luis (freelance)", "visibility": "internal"}),
            ),
        )
        .await;
    assert_eq!(second.status, StatusCode::CREATED, "{:?}", second.json);
    assert_eq!(second.json["result"], "0.125");
    assert_eq!(second.json["who_user"], Value::Null);
    let third = s
        .call(Method::POST, &s.work(), Some(json!({"title": "Call"})))
        .await;
    assert_eq!(third.status, StatusCode::CREATED);
    assert_eq!(
        third.json["done_on"],
        chrono::Utc::now().date_naive().to_string()
    );

    // Newest first, page by page.
    let page = s
        .call(
            Method::GET,
            &format!("{}?per_page=2&page=2", s.work()),
            None,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.json["total"], 3);
    assert_eq!(page.json["items"].as_array().unwrap().len(), 1);
    assert_eq!(page.json["items"][0]["id"], first);
    let visible = s
        .call(
            Method::GET,
            &format!("{}?visibility=client", s.work()),
            None,
        )
        .await;
    assert_eq!(visible.json["total"], 2);
    let bad_page = s
        .call(Method::GET, &format!("{}?per_page=501", s.work()), None)
        .await;
    assert_eq!(fields(&bad_page), ["per_page"]);

    // A change keeps what it does not name; null clears.
    let entry = format!("{}/{first}", s.work());
    let changed = s
        .call(
            Method::PATCH,
            &entry,
            Some(json!({"result": "15", "link": null, "visibility": "internal"})),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.json);
    assert_eq!(changed.json["result"], "15");
    assert_eq!(changed.json["unit"], "%");
    assert_eq!(changed.json["link"], Value::Null);
    assert_eq!(changed.json["title"], "Monthly SEO audit");
    assert_eq!(changed.json["visibility"], "internal");
    assert_eq!(changed.json["who"], "ana@example.com");

    let gone = s.call(Method::DELETE, &entry, None).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(
        s.call(Method::DELETE, &entry, None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(s.all().await["total"], 2);

    // Each change is in the audit log.
    let audit = s.call(Method::GET, "/api/v1/audit", None).await;
    let actions: Vec<&str> = audit.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in ["work.added", "work.changed", "work.deleted"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}

async fn a_refused_entry_names_every_bad_field_and_stores_nothing(backend: Backend) {
    let s = setup(backend).await;
    let refused = s
        .call(
            Method::POST,
            &s.work(),
            Some(json!({
                "title": "x".repeat(201), "done_on": "2026-13-01", "body": "y".repeat(5001),
                "result": "12%", "link": "javascript:alert(1)", "visibility": "everyone"
            })),
        )
        .await;
    assert_eq!(
        fields(&refused),
        ["done_on", "title", "body", "result", "link", "visibility"]
    );
    let long_link = format!("https://example.com/{}", "a".repeat(2000));
    let refused = s
        .call(
            Method::POST,
            &s.work(),
            Some(json!({"title": "ok", "link": long_link, "unit": "%"})),
        )
        .await;
    assert_eq!(fields(&refused), ["unit", "link"]);
    assert_eq!(s.all().await["total"], 0);

    // A refused change leaves the entry as it was.
    let made = s
        .call(
            Method::POST,
            &s.work(),
            Some(json!({"title": "Audit", "result": 3})),
        )
        .await;
    let entry = format!("{}/{}", s.work(), made.json["id"]);
    let refused = s
        .call(
            Method::PATCH,
            &entry,
            Some(json!({"title": " ", "result": "1.2345"})),
        )
        .await;
    assert_eq!(fields(&refused), ["title", "result"]);
    let all = s.all().await;
    assert_eq!(all["items"][0], made.json);
}

async fn other_workspaces_and_viewers_cannot_touch_a_work_log(backend: Backend) {
    let s = setup(backend).await;
    let made = s
        .call(Method::POST, &s.work(), Some(json!({"title": "Audit"})))
        .await;
    let entry = format!("{}/{}", s.work(), made.json["id"]);
    let (_, other) = s
        .app
        .user_with_token("eve@example.com", "Other Agency", Role::Owner)
        .await;
    for (method, uri, body) in [
        (Method::GET, s.work(), None),
        (Method::POST, s.work(), Some(json!({"title": "Mine"}))),
        (Method::PATCH, entry.clone(), Some(json!({"title": "Mine"}))),
        (Method::DELETE, entry.clone(), None),
    ] {
        let r = s.app.call(method.clone(), &uri, Some(&other), body).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{method} {uri}");
    }
    // Another workspace's client with this entry's id is not found either.
    let theirs = s
        .app
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(&other),
            Some(json!({"name": "Theirs"})),
        )
        .await
        .json["id"]
        .as_i64()
        .unwrap();
    let r = s
        .app
        .call(
            Method::DELETE,
            &format!("/api/v1/clients/{theirs}/work/{}", made.json["id"]),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let (_, viewer) = s
        .app
        .user_with_token("vic@example.com", "Acme Agency", Role::Viewer)
        .await;
    let read = s
        .app
        .call(Method::GET, &s.work(), Some(&viewer), None)
        .await;
    assert_eq!(read.status, StatusCode::OK);
    let write = s
        .app
        .call(
            Method::POST,
            &s.work(),
            Some(&viewer),
            Some(json!({"title": "x"})),
        )
        .await;
    assert_eq!(write.status, StatusCode::FORBIDDEN);
    assert_eq!(s.all().await["total"], 1);
}

async fn the_client_page_lists_adds_and_deletes_work(backend: Backend) {
    let s = setup(backend).await;
    let jar = sign_in(&s.app, "ana@example.com").await;
    let uri = format!("/clients/{}", s.client);
    let page = get(&s.app, &uri, &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(html(&page).contains("id=\"work\""));
    assert!(html(&page).contains("No work logged yet."));
    let csrf = csrf_of(html(&page));
    let action = format!("/clients/{}/work", s.client);

    let refused = post(
        &s.app,
        &action,
        &jar,
        &[
            ("csrf", &csrf),
            ("title", ""),
            ("result", "12%"),
            ("link", "ftp://example.com"),
            ("body", "<script>kept</script>"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = html(&refused);
    for id in ["f-work-title", "f-work-result", "f-work-link"] {
        assert!(text.contains(&format!("id=\"{id}-error\"")), "{id}");
    }
    assert!(text.contains("Enter a number with at most 3 decimals"));
    assert!(text.contains("&lt;script&gt;kept"));
    assert!(!text.contains("<script>kept"));
    assert_eq!(s.all().await["total"], 0);

    let done = post(
        &s.app,
        &action,
        &jar,
        &[
            ("csrf", &csrf),
            ("title", "Newsletter redesign"),
            ("done_on", "2026-11-02"),
            ("result", "12,5"),
            ("unit", "%"),
            ("visibility", "client"),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(location(&done).contains("done=work-added"));
    let page = get(&s.app, &uri, &jar, None).await;
    assert!(html(&page).contains("Newsletter redesign"));
    assert!(html(&page).contains("Result: 12.5 %"));
    let spanish = get(&s.app, &uri, &jar, Some("es")).await;
    assert!(html(&spanish).contains("Registro de trabajo"));
    assert!(
        html(&spanish).contains("Resultado: 12,5 %")
            || html(&spanish).contains("Resultado: 12.5 %")
    );

    for n in 0..21 {
        s.call(
            Method::POST,
            &s.work(),
            Some(json!({"title": format!("Task {n}"), "done_on": "2026-01-01"})),
        )
        .await;
    }
    let second = get(&s.app, &format!("{uri}?work_page=2"), &jar, None).await;
    assert!(html(&second).contains("Page 2 of 2"));
    assert!(html(&second).contains("Task 0"));
    assert!(!html(&second).contains("Newsletter redesign"));

    let all = s.all().await;
    let id = all["items"][0]["id"].as_i64().unwrap();
    let deleted = post(
        &s.app,
        &format!("/clients/{}/work/{id}/delete", s.client),
        &jar,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(s.all().await["total"], 21);
}

async fn the_cli_logs_and_lists_work(backend: Backend) {
    let s = setup(backend).await;
    let url = &s.app.t.url;
    let (ok, out, err) = churnwise(
        url,
        &[
            "work",
            "log",
            "C-LOLA",
            "--title",
            "SEO audit",
            "--on",
            "2026-10-01",
            "--result",
            "-3.5",
            "--unit",
            "%",
            "--link",
            "https://example.com/a",
            "--internal",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("SEO audit"), "{out}");
    let (ok, _, err) = churnwise(
        url,
        &[
            "work",
            "log",
            "Bakery Lola",
            "--title",
            "x",
            "--result",
            "abc",
            "--on",
            "soon",
        ],
    );
    assert!(!ok);
    assert!(err.contains("--result:"), "{err}");
    assert!(err.contains("--on:"), "{err}");
    let (ok, out, err) = churnwise(url, &["work", "list", "C-LOLA", "--format", "json"]);
    assert!(ok, "{err}");
    let rows: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["result"], "-3.5");
    assert_eq!(rows[0]["visibility"], "internal");
    let (ok, out, _) = churnwise(url, &["work", "list", "C-LOLA", "--client-visible"]);
    assert!(ok);
    assert!(!out.contains("SEO audit"), "{out}");
}

async fn the_export_holds_the_work_log_and_erasure_removes_it(backend: Backend) {
    let s = setup(backend).await;
    s.call(
        Method::POST,
        &s.work(),
        Some(json!({"title": "Call with Lola Pérez", "visibility": "internal"})),
    )
    .await;
    let export = s
        .call(
            Method::GET,
            &format!("/api/v1/clients/{}/personal-data", s.client),
            None,
        )
        .await;
    assert_eq!(export.status, StatusCode::OK);
    assert_eq!(export.json["work_log"][0]["title"], "Call with Lola Pérez");
    let erased = s
        .call(
            Method::POST,
            &format!("/api/v1/clients/{}/erase", s.client),
            None,
        )
        .await;
    assert_eq!(erased.status, StatusCode::OK, "{:?}", erased.json);
    assert_eq!(s.all().await["total"], 0);
}

async fn a_work_file_is_imported_whole_or_not_at_all(backend: Backend) {
    let s = setup(backend).await;
    let url = &s.app.t.url;
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("work-bad.csv");
    std::fs::write(
        &bad,
        "customer_id,on,title,result,unit,link,visibility\n\
         C-LOLA,2026-10-01,SEO audit,12.5,%,https://example.com/a,client\n\
         C-LOLA,2026-10-02,Bad figure,12%,,,\n\
         C-NOPE,2026-10-03,Unknown client,,,,\n\
         C-LOLA,2026-10-04,Bad link,,,ftp://example.com,internal\n",
    )
    .unwrap();
    let (ok, _, err) = churnwise(url, &["import", "work", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains(":3: result:"), "{err}");
    assert!(err.contains(":5: link:"), "{err}");
    assert_eq!(s.all().await["total"], 0);

    let unknown = dir.path().join("work-unknown.csv");
    std::fs::write(
        &unknown,
        "customer_id,on,title\nC-LOLA,2026-10-01,SEO audit\nC-NOPE,2026-10-03,Unknown client\n",
    )
    .unwrap();
    let (ok, _, err) = churnwise(url, &["import", "work", unknown.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains(":3: customer_id:"), "{err}");
    assert_eq!(s.all().await["total"], 0);

    let good = dir.path().join("work.csv");
    std::fs::write(
        &good,
        "customer_id,on,title,body,result,unit,link,visibility\n\
         C-LOLA,2026-10-01,SEO audit,Fixed links,12.5,%,https://example.com/a,client\n\
         C-LOLA,2026-10-02,Pricing idea,,,,,internal\n",
    )
    .unwrap();
    let (ok, _, err) = churnwise(url, &["import", "work", good.to_str().unwrap()]);
    assert!(ok, "{err}");
    let all = s.all().await;
    assert_eq!(all["total"], 2);
    assert_eq!(all["items"][1]["result"], "12.5");
    assert_eq!(all["items"][0]["visibility"], "internal");
    // The same file again adds nothing.
    let (ok, _, err) = churnwise(url, &["import", "work", good.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert_eq!(s.all().await["total"], 2);
    let audit = s.call(Method::GET, "/api/v1/audit", None).await;
    assert!(audit.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "import.work"));
}

async fn the_browser_import_takes_a_work_file(backend: Backend) {
    let s = setup(backend).await;
    let upload = |file: &'static str| {
        let body = crate::imports_api::multipart_parts(&[
            ("kind", None, b"work"),
            ("file", Some("trabajo.csv"), file.as_bytes()),
        ]);
        axum::http::Request::builder()
            .method(Method::POST)
            .uri("/api/v1/imports")
            .header(
                axum::http::header::AUTHORIZATION,
                format!("Bearer {}", s.token),
            )
            .header(
                axum::http::header::CONTENT_TYPE,
                format!(
                    "multipart/form-data; boundary={}",
                    crate::imports_api::BOUNDARY
                ),
            )
            .body(axum::body::Body::from(body))
            .unwrap()
    };
    // Spanish headers are guessed; a bad row refuses the file, naming its line.
    let bad = "customer_id,fecha,tarea,resultado\nC-LOLA,2026-10-01,SEO audit,12.5\nC-LOLA,2026-10-02,Call,x\nC-LOLA,2026-10-03,,\n";
    let r = s.app.send(upload(bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.json);
    let problems: Vec<(u64, String)> = r.json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["line"].as_u64().unwrap(),
                p["column"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(problems, [(4, "tarea".to_string())]);
    assert_eq!(s.all().await["total"], 0);
    let good = "customer_id,fecha,tarea,resultado\nC-LOLA,2026-10-01,SEO audit,12.5\n";
    let r = s.app.send(upload(good)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json);
    assert_eq!(r.json["created"], 1);
    assert_eq!(s.all().await["items"][0]["result"], "12.5");
}

both_backends!(
    work_is_logged_listed_changed_and_deleted_through_the_api,
    a_refused_entry_names_every_bad_field_and_stores_nothing,
    other_workspaces_and_viewers_cannot_touch_a_work_log,
    the_client_page_lists_adds_and_deletes_work,
    the_cli_logs_and_lists_work,
    the_export_holds_the_work_log_and_erasure_removes_it,
    a_work_file_is_imported_whole_or_not_at_all,
    the_browser_import_takes_a_work_file,
);
