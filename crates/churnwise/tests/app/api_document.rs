//! What Schemathesis found (scripts/schemathesis.sh, issue 11), kept as
//! tests: every error answer of the API is problem+json, also when the
//! framework answers before a handler (a path id that is not a number), and
//! the OpenAPI document names every status an operation gives.

use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use churnwise_domain::registry::Role;
use churnwise_store_tests::Backend;
use serde_json::json;

#[tokio::test]
async fn a_path_id_that_is_not_a_number_is_a_problem_json_400() {
    let app = TestApp::new(Backend::Sqlite).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    for uri in [
        "/api/v1/clients/9223372036854775808",
        "/api/v1/clients/abc/contacts",
        "/api/v1/cases/1.5",
    ] {
        let reply = app.call(Method::GET, uri, Some(&token), None).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(reply.content_type, "application/problem+json", "{uri}");
        assert_eq!(reply.json["code"], "bad_request", "{uri}");
        assert_eq!(reply.json["status"], 400, "{uri}");
    }
    // A method the route does not have is a problem too.
    let reply = app
        .call(Method::DELETE, "/api/v1/metrics", Some(&token), None)
        .await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.content_type, "application/problem+json");
}

#[tokio::test]
async fn the_document_names_the_error_answers_of_every_operation_as_problem_json() {
    let app = TestApp::new(Backend::Sqlite).await;
    let doc = app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .json;
    let paths = doc["paths"].as_object().unwrap();
    for (path, ops) in paths.iter().filter(|(p, _)| p.starts_with("/api/")) {
        for (method, op) in ops.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            for status in ["400", "403"] {
                assert!(responses.contains_key(status), "{method} {path}: {status}");
            }
            if path.contains('{') {
                assert!(responses.contains_key("404"), "{method} {path}: 404");
            }
            if op.get("requestBody").is_some() {
                assert!(responses.contains_key("422"), "{method} {path}: 422");
            }
            // A change can meet a database another writer holds too long.
            if method != "get" {
                assert!(responses.contains_key("503"), "{method} {path}: 503");
            }
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    let content = response["content"].as_object().unwrap();
                    assert!(
                        content.keys().all(|k| k == "application/problem+json"),
                        "{method} {path} {status}: {:?}",
                        content.keys().collect::<Vec<_>>()
                    );
                }
            }
        }
    }
    // The snooze of a closed alert is a documented conflict.
    assert!(
        doc["paths"]["/api/v1/alerts/{id}/snooze"]["post"]["responses"]
            .get("409")
            .is_some()
    );
}

#[tokio::test]
async fn an_invalid_body_is_a_documented_4xx_not_a_5xx() {
    let app = TestApp::new(Backend::Sqlite).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    for body in [json!(null), json!([]), json!({"name": 5}), json!("x")] {
        let reply = app
            .call(
                Method::POST,
                "/api/v1/clients",
                Some(&token),
                Some(body.clone()),
            )
            .await;
        assert!(reply.status.is_client_error(), "{body}: {}", reply.status);
        assert_eq!(reply.content_type, "application/problem+json", "{body}");
    }
}
