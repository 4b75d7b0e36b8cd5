//! The JSON API: authentication, validation, roles, workspace isolation and
//! the OpenAPI document.

use crate::both_backends;
use crate::support::{churnwise, TestApp};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use churnwise_domain::registry::Role;
use churnwise_store_tests::Backend;
use serde_json::{json, Value};

async fn a_client_created_through_the_api_shows_up_in_the_cli_list(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "Acme Agency", Role::Owner)
        .await;
    let created = app
        .call(Method::POST, "/api/v1/clients", Some(&token),
            Some(json!({"name": "Bakery Lola", "owner": "ana", "segment": "smb", "external_id": "C77"})))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.json);
    // No subscription yet: a prospect (the status follows the data).
    assert_eq!(created.json["status"], "prospect");
    assert_eq!(created.json["keep_in_touch_days"], 30);

    let (ok, stdout, stderr) = churnwise(&app.t.url, &["client", "list", "--format", "json"]);
    assert!(ok, "{stderr}");
    let listed: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(listed[0]["name"], "Bakery Lola");
    assert_eq!(listed[0]["external_id"], "C77");
    let (ok, table, _) = churnwise(&app.t.url, &["client", "list"]);
    assert!(ok && table.contains("Bakery Lola"), "{table}");
}

async fn requests_without_a_valid_token_get_401_problem_json(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "a", Role::Owner)
        .await;
    for (method, uri) in [
        (Method::GET, "/api/v1/clients"),
        (Method::POST, "/api/v1/clients"),
        (Method::GET, "/api/v1/clients/1"),
        (Method::GET, "/api/v1/clients/1/contacts"),
        (Method::GET, "/api/v1/session"),
    ] {
        for token in [None, Some("not-a-token")] {
            let reply = app.call(method.clone(), uri, token, Some(json!({}))).await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{method} {uri}");
            assert_eq!(reply.content_type, "application/problem+json");
            assert_eq!(reply.json["code"], "unauthorized");
        }
    }
}

async fn invalid_fields_are_named_and_nothing_is_stored(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app
        .user_with_token("ana@example.com", "a", Role::Member)
        .await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(&token),
            Some(json!({"name": "  ", "status": "vip", "keep_in_touch_days": 0})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.content_type, "application/problem+json");
    let fields: Vec<&str> = reply.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "status", "keep_in_touch_days"]);
    let wrong_type = app
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(&token),
            Some(json!({"name": 5})),
        )
        .await;
    assert_eq!(wrong_type.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong_type.json["errors"][0]["field"], "name");
    let bad_json = app
        .send(
            Request::post("/api/v1/clients")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{not json"))
                .unwrap(),
        )
        .await;
    assert_eq!(bad_json.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.store()
            .list_clients(ws.id, &Default::default())
            .await
            .unwrap()
            .total,
        0
    );

    let client = app
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(&token),
            Some(json!({"name": "Acme"})),
        )
        .await;
    let id = client.json["id"].as_i64().unwrap();
    let sub = app
        .call(Method::POST, &format!("/api/v1/clients/{id}/subscriptions"), Some(&token),
            Some(json!({"subscription_ref": "S1", "mrr": "12,5", "started_on": "2024-02-30", "ended_on": "2024-01-01"})))
        .await;
    assert_eq!(sub.status, StatusCode::UNPROCESSABLE_ENTITY);
    let messages: Vec<String> = sub.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["field"].as_str().unwrap(),
                e["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        messages,
        [
            "mrr: \"12,5\" is not a decimal with \".\" as separator",
            "started_on: \"2024-02-30\" is not a date as YYYY-MM-DD",
        ]
    );
    let filter = app
        .call(
            Method::GET,
            "/api/v1/clients?per_page=0",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(filter.json["errors"][0]["field"], "per_page");
}

async fn the_registry_records_of_a_client_round_trip(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "a", Role::Member)
        .await;
    let t = Some(token.as_str());
    let id = app
        .call(
            Method::POST,
            "/api/v1/clients",
            t,
            Some(json!({"name": "Acme"})),
        )
        .await
        .json["id"]
        .as_i64()
        .unwrap();
    let base = format!("/api/v1/clients/{id}");
    let contact = app
        .call(
            Method::POST,
            &format!("{base}/contacts"),
            t,
            Some(json!({"name": "Lucía", "email": "Lucia@Acme.example", "is_primary": true})),
        )
        .await;
    assert_eq!(contact.status, StatusCode::CREATED, "{:?}", contact.json);
    assert_eq!(contact.json["email"], "lucia@acme.example");
    let sub = app.call(Method::POST, &format!("{base}/subscriptions"), t,
        Some(json!({"subscription_ref": "S1", "plan": "Pro", "mrr": 49.9, "started_on": "2024-01-01"}))).await;
    assert_eq!(sub.status, StatusCode::CREATED, "{:?}", sub.json);
    assert_eq!(sub.json["mrr"], json!(49.9));
    let invoice = app
        .call(
            Method::POST,
            &format!("{base}/invoices"),
            t,
            Some(json!({"invoice_ref": "I1", "amount": "120", "due_on": "2024-02-01"})),
        )
        .await;
    assert_eq!(invoice.status, StatusCode::CREATED, "{:?}", invoice.json);
    let invoice_id = invoice.json["id"].as_i64().unwrap();
    let paid = app
        .call(
            Method::PATCH,
            &format!("/api/v1/invoices/{invoice_id}"),
            t,
            Some(json!({"paid_on": "2024-02-03"})),
        )
        .await;
    assert_eq!(paid.json["paid_on"], "2024-02-03");
    let logged = app
        .call(
            Method::POST,
            &format!("{base}/interactions"),
            t,
            Some(json!({"kind": "call", "occurred_on": "2024-03-01", "note": "All good"})),
        )
        .await;
    assert_eq!(logged.status, StatusCode::CREATED);
    assert_eq!(logged.json["author"], "ana@example.com");
    let patched = app
        .call(
            Method::PATCH,
            &base,
            t,
            Some(json!({"owner": null, "segment": "agency", "status": "leaving"})),
        )
        .await;
    assert_eq!(
        (
            patched.json["owner"].clone(),
            patched.json["segment"].clone(),
            patched.json["status"].clone()
        ),
        (Value::Null, json!("agency"), json!("leaving"))
    );
    for (path, n) in [
        ("contacts", 1),
        ("subscriptions", 1),
        ("invoices", 1),
        ("interactions", 1),
    ] {
        let list = app
            .call(Method::GET, &format!("{base}/{path}"), t, None)
            .await;
        assert_eq!(list.json.as_array().map(Vec::len), Some(n), "{path}");
    }
    let (ok, stdout, stderr) = churnwise(
        &app.t.url,
        &[
            "interaction",
            "log",
            "Acme",
            "--kind",
            "meeting",
            "--note",
            "Review",
            "--date",
            "2024-04-01",
        ],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("meeting"));
    let list = app
        .call(Method::GET, &format!("{base}/interactions"), t, None)
        .await;
    assert_eq!(list.json[0]["kind"], "meeting", "newest first");
}

async fn another_workspace_gets_404_on_every_endpoint_and_changes_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, owner) = app
        .user_with_token("ana@example.com", "a", Role::Owner)
        .await;
    let (_, intruder) = app
        .user_with_token("eve@example.com", "b", Role::Owner)
        .await;
    let t = Some(owner.as_str());
    let id = app
        .call(
            Method::POST,
            "/api/v1/clients",
            t,
            Some(json!({"name": "Secret"})),
        )
        .await
        .json["id"]
        .as_i64()
        .unwrap();
    let invoice = app
        .call(
            Method::POST,
            &format!("/api/v1/clients/{id}/invoices"),
            t,
            Some(json!({"invoice_ref": "I1", "amount": 10, "due_on": "2024-02-01"})),
        )
        .await
        .json["id"]
        .as_i64()
        .unwrap();
    let base = format!("/api/v1/clients/{id}");
    let attempts: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, base.clone(), None),
        (Method::PATCH, base.clone(), Some(json!({"name": "Hacked"}))),
        (Method::GET, format!("{base}/contacts"), None),
        (
            Method::POST,
            format!("{base}/contacts"),
            Some(json!({"name": "Eve"})),
        ),
        (Method::GET, format!("{base}/subscriptions"), None),
        (
            Method::POST,
            format!("{base}/subscriptions"),
            Some(json!({"subscription_ref": "X", "mrr": 1, "started_on": "2024-01-01"})),
        ),
        (Method::GET, format!("{base}/invoices"), None),
        (
            Method::POST,
            format!("{base}/invoices"),
            Some(json!({"invoice_ref": "X", "amount": 1, "due_on": "2024-01-01"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/invoices/{invoice}"),
            Some(json!({"paid_on": "2024-01-01"})),
        ),
        (Method::GET, format!("{base}/interactions"), None),
        (
            Method::POST,
            format!("{base}/interactions"),
            Some(json!({"kind": "call"})),
        ),
    ];
    for (method, uri, body) in attempts {
        let reply = app.call(method.clone(), &uri, Some(&intruder), body).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{method} {uri}: {:?}",
            reply.json
        );
        assert_eq!(reply.json["code"], "not_found");
    }
    let listed = app
        .call(Method::GET, "/api/v1/clients", Some(&intruder), None)
        .await;
    assert_eq!(listed.json["total"], 0);
    let own = app.call(Method::GET, &base, t, None).await;
    assert_eq!(own.json["name"], "Secret");
    for path in ["contacts", "subscriptions", "interactions"] {
        let list = app
            .call(Method::GET, &format!("{base}/{path}"), t, None)
            .await;
        assert_eq!(list.json, json!([]), "{path}");
    }
    let invoices = app
        .call(Method::GET, &format!("{base}/invoices"), t, None)
        .await;
    assert_eq!(invoices.json[0]["paid_on"], Value::Null);
}

async fn a_viewer_reads_but_cannot_write(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, viewer) = app
        .user_with_token("vic@example.com", "a", Role::Viewer)
        .await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(&viewer),
            Some(json!({"name": "X"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let list = app
        .call(Method::GET, "/api/v1/clients", Some(&viewer), None)
        .await;
    assert_eq!(list.status, StatusCode::OK);
}

async fn a_session_cookie_signs_in_and_changes_need_the_csrf_token(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "a", Role::Owner)
        .await;
    let wrong = app
        .call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"email": "ana@example.com", "password": "wrong password"})),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = app
        .call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"email": "nobody@example.com", "password": "a long password"})),
        )
        .await;
    assert_eq!(
        unknown.json["errors"], wrong.json["errors"],
        "same answer for unknown emails"
    );
    let ok = app
        .call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"email": "ANA@example.com", "password": "a long password"})),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let set_cookie = ok
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    assert!(
        !set_cookie.contains("Secure"),
        "plain HTTP gets no Secure flag"
    );
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    let csrf = ok.json["csrf_token"].as_str().unwrap().to_string();
    let with_cookie = |method: Method, csrf: Option<&str>| {
        let mut b = Request::builder()
            .method(method)
            .uri("/api/v1/clients")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(c) = csrf {
            b = b.header("x-csrf-token", c);
        }
        b.body(Body::from(json!({"name": "Acme"}).to_string()))
            .unwrap()
    };
    assert_eq!(
        app.send(with_cookie(Method::GET, None)).await.status,
        StatusCode::OK
    );
    let refused = app.send(with_cookie(Method::POST, None)).await;
    assert_eq!(
        (refused.status, refused.json["code"].clone()),
        (StatusCode::FORBIDDEN, json!("csrf"))
    );
    assert_eq!(
        app.send(with_cookie(Method::POST, Some(&csrf)))
            .await
            .status,
        StatusCode::CREATED
    );

    let https = app
        .send(
            Request::post("/api/v1/session")
                .header("x-forwarded-proto", "https")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({"email": "ana@example.com", "password": "a long password"}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert!(https
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .contains("Secure"));

    let out = app
        .send(
            Request::delete("/api/v1/session")
                .header(header::COOKIE, &cookie)
                .header("x-csrf-token", &csrf)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.send(with_cookie(Method::GET, None)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn health_answers_when_the_database_does(backend: Backend) {
    let app = TestApp::new(backend).await;
    let reply = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json["database"],
        if backend == Backend::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );
}

both_backends!(
    a_client_created_through_the_api_shows_up_in_the_cli_list,
    requests_without_a_valid_token_get_401_problem_json,
    invalid_fields_are_named_and_nothing_is_stored,
    the_registry_records_of_a_client_round_trip,
    another_workspace_gets_404_on_every_endpoint_and_changes_nothing,
    a_viewer_reads_but_cannot_write,
    a_session_cookie_signs_in_and_changes_need_the_csrf_token,
    health_answers_when_the_database_does,
);

#[tokio::test]
async fn every_route_in_the_openapi_document_is_served() {
    let app = TestApp::new(Backend::Sqlite).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "a", Role::Owner)
        .await;
    let doc = app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .json;
    assert_eq!(
        doc["openapi"].as_str().map(|v| v.starts_with("3.")),
        Some(true)
    );
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 9);
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            let uri = path.replace("{id}", "999999");
            let m: Method = method.to_uppercase().parse().unwrap();
            let reply = app
                .call(m.clone(), &uri, Some(&token), Some(json!({})))
                .await;
            assert_ne!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{m} {path}");
            assert!(
                reply.status != StatusCode::NOT_FOUND || reply.json["code"] == "not_found",
                "{m} {path} is documented but not routed"
            );
        }
    }
}
