//! `churnwise import` and database-mode metrics, on both backends: all or
//! nothing, idempotent, and the same figures as file mode to the cent.

use crate::both_backends;
use crate::support::{churnwise, TestApp};
use axum::http::{Method, StatusCode};
use churnwise_domain::registry::Role;
use churnwise_store::ClientFilter;
use churnwise_store_tests::Backend;
use std::path::Path;

const CUSTOMERS: &str =
    "customer_id,name,owner,segment\nC1,Acme,ana,smb\nC2,Beta,bruno,\nC3,Gamma,,agency\n";
const SUBSCRIPTIONS: &str = "subscription_id,customer_id,plan,mrr,started_on,ended_on\n\
S1,C1,pro,100,2024-01-01,2024-03-01\n\
S1,C1,pro,150,2024-03-01,\n\
S2,C2,basic,49.90,2024-01-15,2024-02-10\n\
S3,C2,basic,49.90,2024-04-01,\n\
S4,C3,free,0,2024-01-01,\n";
const INVOICES: &str = "invoice_id,customer_id,amount,issued_on,due_on,paid_on\n\
I1,C1,100,2024-01-01,2024-01-15,2024-01-10\n\
I2,C2,49.90,2024-01-15,2024-01-30,\n\
I3,C1,150,2024-03-01,2024-03-15,2024-05-20\n";

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// The metrics document for `question`, from the files `(customers,
/// subscriptions, invoices)` and from the database at `url`; asserts that
/// they are the same and returns it.
fn same_document_from_files_and_database(url: &str, files: [&str; 3], question: &[&str]) -> String {
    let [c, s, i] = files;
    let mut file_args = vec![
        "metrics",
        "--customers",
        c,
        "--subscriptions",
        s,
        "--invoices",
        i,
    ];
    file_args.extend(question);
    let (ok, from_files, err) = churnwise(url, &file_args);
    assert!(ok, "{err}");
    let mut db_args = vec!["metrics"];
    db_args.extend(question);
    let (ok, from_db, err) = churnwise(url, &db_args);
    assert!(ok, "{err}");
    assert_eq!(
        from_files, from_db,
        "database mode gives the file-mode document"
    );
    from_db
}

async fn imported_files_give_the_same_metrics_as_file_mode_and_the_api(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "W", Role::Owner)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let c = write(dir.path(), "customers.csv", CUSTOMERS);
    let s = write(dir.path(), "subscriptions.csv", SUBSCRIPTIONS);
    let i = write(dir.path(), "invoices.csv", INVOICES);
    for (kind, file) in [("customers", &c), ("subscriptions", &s), ("invoices", &i)] {
        let (ok, out, err) = churnwise(&app.t.url, &["import", kind, file]);
        assert!(ok, "{kind}: {err}");
        assert!(out.contains("new"), "{out}");
    }
    let (ok, out, _) = churnwise(&app.t.url, &["import", "subscriptions", &s]);
    assert!(
        ok && out.contains("(0 new, 5 updated)"),
        "re-import is idempotent: {out}"
    );

    let question = [
        "--from",
        "2024-01",
        "--to",
        "2024-06",
        "--as-of",
        "2024-06-30",
    ];
    let from_db = same_document_from_files_and_database(&app.t.url, [&c, &s, &i], &question);

    let doc: serde_json::Value = serde_json::from_str(&from_db).unwrap();
    let feb = &doc["months"][1];
    assert_eq!(
        (
            feb["customers_start"].as_i64(),
            feb["churned_customers"].as_i64()
        ),
        (Some(2), Some(1))
    );
    // C2 is back on April 1st: the March boundaries see the reactivation.
    assert_eq!(doc["months"][2]["reactivated_customers"], 1);

    let api = app
        .call(
            Method::GET,
            "/api/v1/metrics?from=2024-01&to=2024-06&as_of=2024-06-30",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(api.status, StatusCode::OK);
    let cli: serde_json::Value = serde_json::from_str(&from_db).unwrap();
    assert_eq!(api.json, cli, "the API returns the same document");
    let bad = app
        .call(
            Method::GET,
            "/api/v1/metrics?from=2024-13&to=2024-01",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json["errors"][0]["field"], "from");
}

async fn a_bad_import_names_file_and_line_and_changes_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, _) = app
        .user_with_token("ana@example.com", "W", Role::Owner)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let c = write(dir.path(), "customers.csv", CUSTOMERS);
    assert!(churnwise(&app.t.url, &["import", "customers", &c]).0);
    let bad = write(
        dir.path(),
        "subscriptions.csv",
        "subscription_id,customer_id,mrr,started_on\nS1,C1,100,2024-01-01\nS2,C2,\"12,5\",2024-01-01\nS3,C3,10,2024-02-30\n",
    );
    let (ok, _, err) = churnwise(&app.t.url, &["import", "subscriptions", &bad]);
    assert!(!ok);
    assert!(
        err.contains("subscriptions.csv:3: mrr: \"12,5\" is not a decimal with \".\" as separator"),
        "{err}"
    );
    assert!(err.contains("subscriptions.csv:4: started_on:"), "{err}");
    let unknown = write(
        dir.path(),
        "subs2.csv",
        "subscription_id,customer_id,mrr,started_on\nS1,C1,100,2024-01-01\nS9,NOPE,10,2024-01-01\n",
    );
    let (ok, _, err) = churnwise(&app.t.url, &["import", "subscriptions", &unknown]);
    assert!(!ok);
    assert!(
        err.contains("subs2.csv:3: customer_id: \"NOPE\" is not a known customer"),
        "{err}"
    );
    let data = app.store().metrics_data(ws.id).await.unwrap();
    assert!(data.segments.is_empty(), "nothing was written");
    let clients = app
        .store()
        .list_clients(ws.id, &ClientFilter::default())
        .await
        .unwrap();
    assert_eq!(clients.total, 3);
}

/// Generated files (3,000 customers, rows in date order as billing exports
/// come) give the same document in database mode as in file mode. The
/// metrics' input is read in chunks on SQLite (128 rows each in debug
/// builds), so this also crosses many chunk boundaries.
async fn generated_files_give_the_file_mode_document_in_database_mode(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "W", Role::Owner)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let (ok, _, err) = churnwise(
        &app.t.url,
        &[
            "generate",
            "--customers",
            "3000",
            "--seed",
            "5",
            "--out",
            &out,
        ],
    );
    assert!(ok, "{err}");
    let file = |kind: &str| format!("{out}/{kind}.csv");
    for kind in ["customers", "subscriptions", "invoices"] {
        let (ok, _, err) = churnwise(&app.t.url, &["import", kind, &file(kind)]);
        assert!(ok, "{kind}: {err}");
    }
    let question = [
        "--from",
        "2023-01",
        "--to",
        "2024-12",
        "--as-of",
        "2024-12-31",
    ];
    let (c, s, i) = (file("customers"), file("subscriptions"), file("invoices"));
    let from_db = same_document_from_files_and_database(&app.t.url, [&c, &s, &i], &question);
    let doc: serde_json::Value = serde_json::from_str(&from_db).unwrap();
    assert!(
        doc["months"][0]["customers_start"].as_i64().unwrap() > 1000,
        "the generated workspace is read whole: {}",
        doc["months"][0]
    );
}

both_backends!(
    imported_files_give_the_same_metrics_as_file_mode_and_the_api,
    a_bad_import_names_file_and_line_and_changes_nothing,
    generated_files_give_the_file_mode_document_in_database_mode,
);
