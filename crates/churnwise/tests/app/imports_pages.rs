//! The Import pages on both backends: upload, the mapping step with a
//! guess for foreign headers, the preview's counts, the import in the
//! background and its outcome; a bad file lists its problems, translated,
//! with line and column, and writes nothing.

use crate::both_backends;
use crate::imports_api::{multipart_parts, BOUNDARY, CUSTOMERS, STRIPE_CUSTOMERS};
use crate::pages::{csrf_of, get, html, location, post, sign_in, Jar};
use crate::support::{Reply, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use churnwise_domain::registry::Role;
use churnwise_store::ClientFilter;
use churnwise_store_tests::Backend;

pub(crate) async fn upload(
    app: &TestApp,
    jar: &Jar,
    csrf: &str,
    kind: &str,
    name: &str,
    file: &str,
) -> Reply {
    let body = multipart_parts(&[
        ("csrf", None, csrf.as_bytes()),
        ("kind", None, kind.as_bytes()),
        ("file", Some(name), file.as_bytes()),
    ]);
    app.send(
        Request::post("/import")
            .header(header::COOKIE, jar.header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

pub(crate) async fn finished(app: &TestApp, jar: &Jar, path: &str) -> String {
    for _ in 0..100 {
        let page = get(app, path, jar, None).await;
        let text = html(&page).to_string();
        if !text.contains("data-import-job") {
            return text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the import did not end");
}

async fn a_foreign_file_is_mapped_previewed_and_imported_from_the_pages(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, _) = app
        .user_with_token("ana@example.com", "W", Role::Member)
        .await;
    let jar = sign_in(&app, "ana@example.com").await;
    let form = get(&app, "/import", &jar, None).await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = csrf_of(html(&form));
    // Without the form's token nothing is kept.
    let refused = upload(&app, &jar, "wrong", "customers", "c.csv", CUSTOMERS).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let sent = upload(
        &app,
        &jar,
        &csrf,
        "customers",
        "stripe.csv",
        STRIPE_CUSTOMERS,
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{:?}", sent.json);
    let job = location(&sent).to_string();
    let preview = get(&app, &job, &jar, None).await;
    let page = html(&preview);
    assert!(
        page.contains(r#"<option value="Description" selected>"#),
        "{page}"
    );
    assert!(page.contains("2 new records will be created"), "{page}");
    assert!(page.contains("cus_1"));
    // A change of mapping: the owner column left out.
    let id = job.rsplit('/').next().unwrap();
    let changed = post(
        &app,
        &format!("/import/{id}/mapping"),
        &jar,
        &[
            ("csrf", &csrf),
            ("map-customer_id", "id"),
            ("map-name", "Description"),
            ("map-owner", ""),
        ],
    )
    .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    let started = post(
        &app,
        &format!("/import/{id}/start"),
        &jar,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let done = finished(&app, &jar, &job).await;
    assert!(done.contains("2 rows: 2 new, 0 updated."), "{done}");
    let clients = app
        .store()
        .list_clients(ws.id, &ClientFilter::default())
        .await
        .unwrap();
    assert_eq!(clients.total, 2);
    assert!(
        clients.items.iter().all(|c| c.owner.is_none()),
        "owner was not mapped"
    );
}

async fn a_bad_file_shows_its_problems_translated_and_writes_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, _) = app
        .user_with_token("ana@example.com", "W", Role::Member)
        .await;
    let jar = sign_in(&app, "ana@example.com").await.with("lang", "es");
    let form = get(&app, "/import", &jar, None).await;
    let csrf = csrf_of(html(&form));
    let bad = "customer_id,name\nC1,Acme\nC2,\n";
    let sent = upload(&app, &jar, &csrf, "customers", "clientes.csv", bad).await;
    let preview = get(&app, location(&sent), &jar, None).await;
    let page = html(&preview);
    assert!(
        page.contains("<td>3</td><td>name</td><td class=\"wrap\">falta un valor obligatorio</td>"),
        "{page}"
    );
    assert!(!page.contains("/start\""), "no go-ahead for a bad file");
    assert_eq!(
        app.store()
            .list_clients(ws.id, &ClientFilter::default())
            .await
            .unwrap()
            .total,
        0
    );
    // Another type of file is refused on the form.
    let other = upload(&app, &jar, &csrf, "customers", "clientes.pdf", bad).await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html(&other).contains("el archivo debe ser .csv o .xlsx"),
        "{}",
        html(&other)
    );
}

both_backends!(
    a_foreign_file_is_mapped_previewed_and_imported_from_the_pages,
    a_bad_file_shows_its_problems_translated_and_writes_nothing,
);
