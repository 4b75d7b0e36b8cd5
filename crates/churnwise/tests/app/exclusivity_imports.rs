//! Exclusivity warnings beyond the new-client page (issue 16):
//! `churnwise client add` refuses a client inside another's exclusivity
//! unless `--confirm-exclusivity`, listing the exclusivities; a customers
//! import (CLI, API, Import pages) still runs but names the new clients
//! inside one with their lines, the first 20 and how many in all — on both
//! backends.

use crate::both_backends;
use crate::imports_api::{multipart_parts, BOUNDARY};
use crate::imports_pages::{finished, upload};
use crate::pages::{csrf_of, get, html, location, post, sign_in};
use crate::support::{churnwise, TestApp};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use churnwise_domain::registry::Role;
use churnwise_store::{ClientFilter, WorkspaceId};
use churnwise_store_tests::Backend;
use serde_json::json;

struct Setup {
    app: TestApp,
    ws: WorkspaceId,
    token: String,
    holder: i64,
}

/// A workspace where Clinic Sol holds the Dental segment and Rival SL as a
/// competitor, since 2020.
async fn setup(backend: Backend) -> Setup {
    let app = TestApp::new(backend).await;
    let (ws, token) = app
        .user_with_token("ana@example.com", "Acme Agency", Role::Owner)
        .await;
    let r = app
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(&token),
            Some(json!({"name": "Clinic Sol", "segment": "Dental"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let holder = r.json["id"].as_i64().unwrap();
    for body in [
        json!({"kind": "segment", "segment": "Dental", "starts_on": "2020-01-01"}),
        json!({"kind": "competitors", "competitors": ["Rival SL", "Rival Dos"],
            "starts_on": "2020-01-01"}),
    ] {
        let r = app
            .call(
                Method::POST,
                &format!("/api/v1/clients/{holder}/exclusivities"),
                Some(&token),
                Some(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    }
    Setup {
        app,
        ws: ws.id,
        token,
        holder,
    }
}

impl Setup {
    async fn clients(&self) -> i64 {
        self.app
            .store()
            .list_clients(self.ws, &ClientFilter::default())
            .await
            .unwrap()
            .total
    }
}

/// A customers file: a competitor (`rival`) on line 2, 22 dental clinics
/// on lines 3 to 24, one client outside any exclusivity on line 25; ids and
/// names start with `prefix`.
fn customers_file(prefix: &str, rival: &str) -> String {
    let mut text = format!("customer_id,name,owner,segment\n{prefix}1,{rival},ana,retail\n");
    for i in 2..=23 {
        text.push_str(&format!("{prefix}{i},Clinic {prefix}{i},ana,dental\n"));
    }
    text.push_str(&format!("{prefix}24,Bakery {prefix},ana,food\n"));
    text
}

async fn the_command_line_refuses_a_client_inside_an_exclusivity_until_confirmed(backend: Backend) {
    let s = setup(backend).await;
    let url = &s.app.t.url;
    let before = s.clients().await;
    let (ok, _, err) = churnwise(
        url,
        &[
            "client",
            "add",
            "--name",
            "Dental Plus",
            "--segment",
            " dental ",
        ],
    );
    assert!(!ok);
    assert!(
        err.contains(&format!(
            "--confirm-exclusivity: falls inside the exclusivity of Clinic Sol (#{})",
            s.holder
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "Clinic Sol (#{}): segment Dental, from 2020-01-01, open-ended",
            s.holder
        )),
        "{err}"
    );
    assert!(err.contains("nothing was added"), "{err}");
    let (ok, _, err) = churnwise(url, &["client", "add", "--name", "rival sl"]);
    assert!(!ok);
    assert!(err.contains("competitors Rival SL"), "{err}");
    assert_eq!(s.clients().await, before, "nothing stored when refused");

    let (ok, out, err) = churnwise(
        url,
        &[
            "client",
            "add",
            "--name",
            "Dental Plus",
            "--segment",
            "dental",
            "--confirm-exclusivity",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("Dental Plus"), "{out}");
    let (ok, _, err) = churnwise(
        url,
        &["client", "add", "--name", "Bakery", "--segment", "food"],
    );
    assert!(ok, "outside any exclusivity: {err}");
    assert_eq!(s.clients().await, before + 2);
}

async fn a_customers_import_runs_and_names_the_new_clients_inside_an_exclusivity(backend: Backend) {
    let s = setup(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("customers.csv");
    std::fs::write(&path, customers_file("C", "Rival SL")).unwrap();
    let file = path.display().to_string();
    let (ok, out, err) = churnwise(&s.app.t.url, &["import", "customers", &file]);
    assert!(ok, "{err}");
    assert!(out.contains("24 rows imported"), "{out}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 21, "20 listed and the count: {err}");
    assert_eq!(
        warnings[0],
        format!(
            "warning: {file}:2: Rival SL falls inside the exclusivity of Clinic Sol (#{}): \
             competitors Rival SL, Rival Dos, from 2020-01-01, open-ended (imported all the same)",
            s.holder
        )
    );
    assert!(warnings[1].starts_with(&format!("warning: {file}:3: Clinic C2 falls inside")));
    assert!(warnings[19].starts_with(&format!("warning: {file}:21: Clinic C20 ")));
    assert_eq!(
        warnings[20],
        "warning: … and 3 more new clients inside an exclusivity"
    );
    assert!(!err.contains("Bakery C"), "{err}");
    assert_eq!(s.clients().await, 25, "imported all the same");
    // Imported again, nobody is new: no warning.
    let (ok, _, err) = churnwise(&s.app.t.url, &["import", "customers", &file]);
    assert!(ok, "{err}");
    assert!(!err.contains("warning:"), "{err}");
}

async fn uploads_warn_in_the_preview_and_the_outcome_in_both_languages(backend: Backend) {
    let s = setup(backend).await;
    // The API: the outcome lists them.
    let body = multipart_parts(&[
        ("kind", None, b"customers".as_slice()),
        (
            "file",
            Some("customers.csv"),
            customers_file("A", "Rival SL").as_bytes(),
        ),
    ]);
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/imports")
        .header(header::AUTHORIZATION, format!("Bearer {}", s.token))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .unwrap();
    let r = s.app.send(request).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let warned = &r.json["exclusivity"];
    assert_eq!(warned["total"], 23, "{warned}");
    assert_eq!(warned["warnings"].as_array().unwrap().len(), 20);
    assert_eq!(warned["warnings"][0]["line"], 2);
    assert_eq!(warned["warnings"][0]["client"], "Rival SL");
    assert_eq!(
        warned["warnings"][0]["holders"],
        json!([format!("Clinic Sol (#{})", s.holder)])
    );

    // The pages: a file of other new clients previewed, then imported.
    let text = customers_file("B", "Rival Dos");
    let jar = sign_in(&s.app, "ana@example.com").await;
    let form = get(&s.app, "/import", &jar, None).await;
    let csrf = csrf_of(html(&form));
    let sent = upload(&s.app, &jar, &csrf, "customers", "more.csv", &text).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{:?}", sent.json);
    let job = location(&sent).to_string();
    let preview = get(&s.app, &job, &jar, None).await;
    let page = html(&preview);
    assert!(page.contains("New clients inside an exclusivity"), "{page}");
    assert!(
        page.contains(&format!(
            "Line 2: Rival Dos falls inside the exclusivity of Clinic Sol (#{})",
            s.holder
        )),
        "{page}"
    );
    assert!(page.contains("… and 3 more."), "{page}");
    let preview = get(&s.app, &job, &jar, Some("es")).await;
    assert!(
        html(&preview).contains(&format!(
            "Línea 2: Rival Dos entra en la exclusividad de Clinic Sol (#{})",
            s.holder
        )),
        "{}",
        html(&preview)
    );
    let id = job.rsplit('/').next().unwrap();
    let started = post(
        &s.app,
        &format!("/import/{id}/start"),
        &jar,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let done = finished(&s.app, &jar, &job).await;
    assert!(done.contains("id=\"import-exclusivity\""), "{done}");
    assert!(done.contains("Line 3: Clinic B2 falls inside"), "{done}");
    assert_eq!(s.clients().await, 1 + 24 + 24);
}

both_backends!(
    the_command_line_refuses_a_client_inside_an_exclusivity_until_confirmed,
    a_customers_import_runs_and_names_the_new_clients_inside_an_exclusivity,
    uploads_warn_in_the_preview_and_the_outcome_in_both_languages,
);
