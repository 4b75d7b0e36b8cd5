//! `POST /api/v1/imports` and `GET /api/v1/imports/{id}` on both backends:
//! the three files of docs/metrics.md, a file with foreign headers mapped
//! (and the mapping saved), a bad file refused with every problem and
//! nothing written, the background job, the size limit and the roles.

use crate::both_backends;
use crate::support::{churnwise, Reply, TestApp};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use churnwise_domain::registry::Role;
use churnwise_store::ClientFilter;
use churnwise_store_tests::Backend;
use serde_json::Value;

pub const CUSTOMERS: &str =
    "customer_id,name,owner,segment\nC1,Acme,ana,smb\nC2,Beta,bruno,\nC3,Gamma,,agency\n";
pub const SUBSCRIPTIONS: &str = "subscription_id,customer_id,plan,mrr,started_on,ended_on\n\
S1,C1,pro,100,2024-01-01,2024-03-01\n\
S1,C1,pro,150,2024-03-01,\n\
S2,C2,basic,49.90,2024-01-15,2024-02-10\n\
S4,C3,free,0,2024-01-01,\n";
pub const INVOICES: &str = "invoice_id,customer_id,amount,issued_on,due_on,paid_on\n\
I1,C1,100,2024-01-01,2024-01-15,2024-01-10\n\
I2,C2,49.90,2024-01-15,2024-01-30,\n";
/// A Stripe-like customers export: none of the headers is ours.
pub const STRIPE_CUSTOMERS: &str = "id,Description,Email,Account Manager\n\
cus_1,Delta Studio,d@example.com,ana\n\
cus_2,Epsilon SL,e@example.com,\n";

pub const BOUNDARY: &str = "XyZzY-boundary";

/// A multipart/form-data body of `(name, file name, data)` parts.
pub fn multipart_parts(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file_name, data) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file_name {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn multipart(kind: &str, file_name: &str, file: &[u8], mapping: Option<&str>) -> Vec<u8> {
    let mut parts: Vec<(&str, Option<&str>, &[u8])> = vec![("kind", None, kind.as_bytes())];
    if let Some(m) = mapping {
        parts.push(("mapping", None, m.as_bytes()));
    }
    parts.push(("file", Some(file_name), file));
    multipart_parts(&parts)
}

async fn upload(
    app: &TestApp,
    token: &str,
    query: &str,
    kind: &str,
    file_name: &str,
    file: &[u8],
    mapping: Option<&str>,
) -> Reply {
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/imports{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(multipart(kind, file_name, file, mapping)))
        .unwrap();
    app.send(request).await
}

async fn client_count(app: &TestApp, ws: churnwise_store::WorkspaceId) -> i64 {
    app.store()
        .list_clients(ws, &ClientFilter::default())
        .await
        .unwrap()
        .total
}

async fn the_three_files_are_imported_and_a_reimport_changes_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app
        .user_with_token("ana@example.com", "W", Role::Member)
        .await;
    for (kind, text, rows) in [
        ("customers", CUSTOMERS, 3),
        ("subscriptions", SUBSCRIPTIONS, 4),
        ("invoices", INVOICES, 2),
    ] {
        let r = upload(
            &app,
            &token,
            "",
            kind,
            &format!("{kind}.csv"),
            text.as_bytes(),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{kind}: {:?}", r.json);
        assert_eq!(r.json["rows"], rows);
        assert_eq!(r.json["created"], rows);
        assert_eq!(r.json["updated"], 0);
    }
    assert_eq!(client_count(&app, ws.id).await, 3);
    let again = upload(
        &app,
        &token,
        "",
        "subscriptions",
        "s.csv",
        SUBSCRIPTIONS.as_bytes(),
        None,
    )
    .await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(
        (again.json["created"].clone(), again.json["updated"].clone()),
        (0.into(), 4.into())
    );
}

async fn a_bad_file_is_refused_with_every_problem_and_nothing_is_written(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app
        .user_with_token("ana@example.com", "W", Role::Member)
        .await;
    let bad = "customer_id,name\nC1,Acme\nC2,\n,Gamma\nC1,Again\n";
    let r = upload(
        &app,
        &token,
        "",
        "customers",
        "customers.csv",
        bad.as_bytes(),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.json);
    assert_eq!(r.content_type, "application/problem+json");
    assert_eq!(r.json["code"], "invalid_file");
    assert_eq!(r.json["total"], 3);
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
    assert_eq!(
        problems,
        vec![
            (3, "name".into()),
            (4, "customer_id".into()),
            (5, "customer_id".into())
        ]
    );
    assert_eq!(client_count(&app, ws.id).await, 0, "nothing was written");
    // Invoices of unknown customers: refused by the store, nothing written.
    let r = upload(
        &app,
        &token,
        "",
        "invoices",
        "invoices.csv",
        INVOICES.as_bytes(),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.json);
    assert_eq!(r.json["problems"][0]["line"], 2);
    assert_eq!(r.json["problems"][0]["column"], "customer_id");
    // A form without a kind, or with another kind of file, names the part.
    let r = upload(&app, &token, "", "clients", "c.csv", b"x\n", None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json["errors"][0]["field"], "kind");
    let r = upload(&app, &token, "", "customers", "c.pdf", b"x\n", None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json["errors"][0]["field"], "file");
}

async fn foreign_headers_are_mapped_named_in_problems_and_the_mapping_is_saved(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app
        .user_with_token("ana@example.com", "W", Role::Member)
        .await;
    // The guess: id → customer_id, Description → name, Account Manager → owner.
    let r = upload(
        &app,
        &token,
        "",
        "customers",
        "stripe.csv",
        STRIPE_CUSTOMERS.as_bytes(),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json);
    assert_eq!(r.json["created"], 2);
    let clients = app
        .store()
        .list_clients(ws.id, &ClientFilter::default())
        .await
        .unwrap();
    assert!(clients.items.iter().any(|c| c.name == "Delta Studio"));
    // A mapping given by the caller wins, and a problem names the file's header.
    let holded = "Código,Nombre,Email\nH1,Zeta,z@example.com\nH2,,y@example.com\n";
    let mapping = r#"{"customer_id": "Código", "name": "Nombre"}"#;
    let r = upload(
        &app,
        &token,
        "",
        "customers",
        "holded.csv",
        holded.as_bytes(),
        Some(mapping),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.json);
    assert_eq!(r.json["problems"][0]["line"], 3);
    assert_eq!(r.json["problems"][0]["column"], "Nombre");
    // A mapping naming a header the file does not have is refused, each entry named.
    let r = upload(
        &app,
        &token,
        "",
        "customers",
        "holded.csv",
        holded.as_bytes(),
        Some(r#"{"name": "Empresa", "colour": "x"}"#),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.json);
    let fields: Vec<&str> = r.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["mapping.colour", "mapping.name"]);
    // A mapping that is not what would be guessed is saved after a success
    // and used for the next file with the same headers.
    let odd = "Ref,Who\nX1,Omega\n";
    let r = upload(
        &app,
        &token,
        "",
        "customers",
        "odd.csv",
        odd.as_bytes(),
        Some(r#"{"customer_id": "Ref", "name": "Who"}"#),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json);
    let saved = app
        .store()
        .saved_import_mapping(ws.id, "customers", "ref\u{1f}who")
        .await
        .unwrap();
    assert!(saved.is_some_and(|s| s.contains("\"Who\"")));
    let r = upload(
        &app,
        &token,
        "",
        "customers",
        "odd2.csv",
        b"Ref,Who\nX2,Psi\n",
        None,
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "saved mapping applied: {:?}",
        r.json
    );
    assert_eq!(client_count(&app, ws.id).await, 4);
}

async fn a_background_import_answers_202_and_its_job_shows_the_outcome(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "W", Role::Member)
        .await;
    let r = upload(
        &app,
        &token,
        "?background=true",
        "customers",
        "customers.csv",
        CUSTOMERS.as_bytes(),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.json);
    let location = r.headers[header::LOCATION].to_str().unwrap().to_string();
    assert_eq!(location, format!("/api/v1/imports/{}", r.json["id"]));
    let mut job = Value::Null;
    for _ in 0..100 {
        job = app
            .call(Method::GET, &location, Some(&token), None)
            .await
            .json;
        if job["state"] == "done" || job["state"] == "failed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["rows_done"], 3);
    assert_eq!(job["rows_total"], 3);
    assert_eq!(job["summary"]["created"], 3);
    // Another workspace does not see it.
    let (_, other) = app
        .user_with_token("bo@example.com", "Other", Role::Owner)
        .await;
    let r = app.call(Method::GET, &location, Some(&other), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn viewers_cannot_import_and_uploads_are_bounded(backend: Backend) {
    let mut app = TestApp::new(backend).await;
    let (ws, viewer) = app
        .user_with_token("vi@example.com", "W", Role::Viewer)
        .await;
    let r = upload(
        &app,
        &viewer,
        "",
        "customers",
        "customers.csv",
        CUSTOMERS.as_bytes(),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut state = churnwise_web::AppState::new(app.t.store.clone());
    state.uploads.max_upload_bytes = 1_000;
    app.app = churnwise_web::app(state);
    let (_, member) = app
        .user_with_token("me@example.com", "W", Role::Member)
        .await;
    let big = format!(
        "customer_id,name\n{}",
        "C9,Someone with a long name\n".repeat(100)
    );
    let r = upload(
        &app,
        &member,
        "",
        "customers",
        "customers.csv",
        big.as_bytes(),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{:?}", r.json);
    assert_eq!(r.content_type, "application/problem+json");
    assert_eq!(client_count(&app, ws.id).await, 0);
}

both_backends!(
    the_three_files_are_imported_and_a_reimport_changes_nothing,
    a_bad_file_is_refused_with_every_problem_and_nothing_is_written,
    foreign_headers_are_mapped_named_in_problems_and_the_mapping_is_saved,
    a_background_import_answers_202_and_its_job_shows_the_outcome,
    viewers_cannot_import_and_uploads_are_bounded,
    contacts_and_interactions_are_imported_and_a_reimport_duplicates_nothing,
    the_command_line_imports_contacts_and_interactions_too,
);

const CONTACTS: &str = "customer_id,name,role,email,phone,primary\n\
C1,Ana Ruiz,CEO,ana@acme.test,600000001,yes\n\
C1,Luis Gil,CTO,luis@acme.test,,no\n\
C2,Marta,,,,\n";
const INTERACTIONS: &str = "customer_id,kind,occurred_on,author,note\n\
C1,call,2024-03-01,ana,Renewal talk\n\
C1,meeting,2024-03-05,ana,\n\
C2,email,2024-03-02,,Sent the report\n";

async fn contacts_and_interactions_are_imported_and_a_reimport_duplicates_nothing(
    backend: Backend,
) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app
        .user_with_token("ana@example.com", "W", Role::Member)
        .await;
    let r = upload(
        &app,
        &token,
        "",
        "customers",
        "c.csv",
        CUSTOMERS.as_bytes(),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = upload(
        &app,
        &token,
        "",
        "contacts",
        "contacts.csv",
        CONTACTS.as_bytes(),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json);
    assert_eq!(
        (r.json["created"].clone(), r.json["updated"].clone()),
        (3.into(), 0.into())
    );
    // Again, with Ana's name changed and Luis made primary: matched by email, no duplicates.
    let again = CONTACTS
        .replace("Ana Ruiz,CEO", "Ana Ruiz Gil,CEO")
        .replace("yes", "no")
        .replace("luis@acme.test,,no", "LUIS@acme.test,,yes");
    let r = upload(
        &app,
        &token,
        "",
        "contacts",
        "contacts.csv",
        again.as_bytes(),
        None,
    )
    .await;
    assert_eq!(
        (r.json["created"].clone(), r.json["updated"].clone()),
        (0.into(), 3.into()),
        "{:?}",
        r.json
    );
    let acme = app
        .store()
        .client_ids_by_external(ws.id, &["C1".to_string()])
        .await
        .unwrap()[0];
    let contacts = app.store().list_contacts(ws.id, acme).await.unwrap();
    assert_eq!(contacts.len(), 2);
    let primary: Vec<&str> = contacts
        .iter()
        .filter(|c| c.is_primary)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(primary, vec!["Luis Gil"]);
    assert!(contacts.iter().any(|c| c.name == "Ana Ruiz Gil"));

    let r = upload(
        &app,
        &token,
        "",
        "interactions",
        "i.csv",
        INTERACTIONS.as_bytes(),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json);
    assert_eq!(r.json["created"], 3);
    let r = upload(
        &app,
        &token,
        "",
        "interactions",
        "i.csv",
        INTERACTIONS.as_bytes(),
        None,
    )
    .await;
    assert_eq!(
        (r.json["created"].clone(), r.json["updated"].clone()),
        (0.into(), 3.into())
    );
    let logged = app
        .call(
            Method::GET,
            &format!("/api/v1/clients/{}/interactions", acme.0),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(
        logged.json.as_array().map(Vec::len),
        Some(2),
        "{:?}",
        logged.json
    );
    // A bad kind and a bad email are named with line and column; nothing written.
    let bad = "customer_id,kind,occurred_on\nC1,lunch,2024-03-01\nC9,call,2024-03-01\n";
    let r = upload(
        &app,
        &token,
        "",
        "interactions",
        "i.csv",
        bad.as_bytes(),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (
            r.json["problems"][0]["line"].clone(),
            r.json["problems"][0]["column"].clone()
        ),
        (2.into(), "kind".into())
    );
    let bad = "customer_id,name,email\nC1,Bo,not-an-email\n";
    let r = upload(&app, &token, "", "contacts", "k.csv", bad.as_bytes(), None).await;
    assert_eq!(r.json["problems"][0]["column"], "email", "{:?}", r.json);
    assert_eq!(
        app.store().list_contacts(ws.id, acme).await.unwrap().len(),
        2
    );
}

async fn the_command_line_imports_contacts_and_interactions_too(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "W", Role::Owner)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let (c, k, i) = (
        write("customers.csv", CUSTOMERS),
        write("contacts.csv", CONTACTS),
        write("interactions.csv", INTERACTIONS),
    );
    for (kind, file) in [("customers", &c), ("contacts", &k), ("interactions", &i)] {
        let (ok, out, err) = churnwise(&app.t.url, &["import", kind, file]);
        assert!(
            ok && out.contains("(3 new, 0 updated)"),
            "{kind}: {out} {err}"
        );
    }
    let (ok, out, _) = churnwise(&app.t.url, &["import", "interactions", &i]);
    assert!(ok && out.contains("(0 new, 3 updated)"), "{out}");
    let bad = write(
        "bad.csv",
        "customer_id,kind,occurred_on\nC1,lunch,2024-03-01\n",
    );
    let (ok, _, err) = churnwise(&app.t.url, &["import", "interactions", &bad]);
    assert!(!ok && err.contains("bad.csv:2: kind:"), "{err}");
}
