//! Editing a work-log entry on the client page (issue 16): each entry has
//! an edit form filled with it; a refused change is drawn again open with
//! each problem next to its field and stores nothing; a saved one shows at
//! once, keeps who did the work, and is audited; another workspace's entry
//! is not found and viewers cannot change one — on both backends.

use crate::both_backends;
use crate::pages::{csrf_of, get, html, location, post, sign_in};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use churnwise_domain::registry::Role;
use churnwise_store_tests::Backend;
use serde_json::{json, Value};

async fn client_with_entry(app: &TestApp, token: &str, name: &str) -> (i64, i64) {
    let client = app
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(token),
            Some(json!({"name": name})),
        )
        .await;
    assert_eq!(client.status, StatusCode::CREATED, "{}", client.json);
    let client = client.json["id"].as_i64().unwrap();
    let entry = app
        .call(
            Method::POST,
            &format!("/api/v1/clients/{client}/work"),
            Some(token),
            Some(
                json!({"title": "Newsletter redesign", "done_on": "2026-11-02",
                "result": "12.5", "unit": "%", "who": "Bea", "visibility": "client"}),
            ),
        )
        .await;
    assert_eq!(entry.status, StatusCode::CREATED, "{}", entry.json);
    (client, entry.json["id"].as_i64().unwrap())
}

async fn stored(app: &TestApp, token: &str, client: i64) -> Value {
    let r = app
        .call(
            Method::GET,
            &format!("/api/v1/clients/{client}/work"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    r.json["items"][0].clone()
}

async fn a_work_entry_is_edited_on_the_client_page(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "Acme Agency", Role::Owner)
        .await;
    app.user_with_token("vic@example.com", "Acme Agency", Role::Viewer)
        .await;
    let (client, entry) = client_with_entry(&app, &token, "Bakery Lola").await;
    let before = stored(&app, &token, client).await;
    let jar = sign_in(&app, "ana@example.com").await;
    let uri = format!("/clients/{client}");
    let page = get(&app, &uri, &jar, None).await;
    let text = html(&page);
    assert!(
        text.contains(&format!("id=\"edit-work-{entry}\"")),
        "{text}"
    );
    assert!(text.contains(&format!("action=\"/clients/{client}/work/{entry}\"")));
    assert!(text.contains(&format!(
        "id=\"f-work-{entry}-title\" name=\"title\" type=\"text\" value=\"Newsletter redesign\""
    )));
    assert!(text.contains(&format!(
        "id=\"f-work-{entry}-result\" name=\"result\" type=\"text\" value=\"12.5\""
    )));
    let spanish = get(&app, &uri, &jar, Some("es")).await;
    assert!(html(&spanish).contains("Guardar los cambios"));
    let csrf = csrf_of(text);
    let action = format!("/clients/{client}/work/{entry}");

    // Refused: drawn again open, each problem by its field, nothing stored.
    let refused = post(
        &app,
        &action,
        &jar,
        &[
            ("csrf", &csrf),
            ("title", ""),
            ("done_on", "2026-11-02"),
            ("result", "12%"),
            ("unit", "%"),
            ("link", "ftp://example.com"),
            ("who", "Bea"),
            ("visibility", "client"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = html(&refused);
    assert!(
        text.contains(&format!("id=\"edit-work-{entry}\" open")),
        "{text}"
    );
    for field in ["title", "result", "link"] {
        assert!(
            text.contains(&format!("id=\"f-work-{entry}-{field}-error\"")),
            "{field}: {text}"
        );
    }
    assert!(
        text.contains("value=\"ftp:&#x2f;&#x2f;example.com\""),
        "typed text kept (HTML-escaped): {text}"
    );
    assert!(
        !text.contains("id=\"add-work\" open"),
        "the add form stays shut"
    );
    assert_eq!(stored(&app, &token, client).await, before);

    // A viewer cannot change it; another workspace's entry is not found.
    let vic = sign_in(&app, "vic@example.com").await;
    let good = [
        ("csrf", csrf.as_str()),
        ("title", "Newsletter redesign, second round"),
        ("done_on", "2026-11-09"),
        ("result", "15"),
        ("unit", "%"),
        ("link", ""),
        ("who", "Bea"),
        ("visibility", "internal"),
    ];
    let mut as_viewer = good.to_vec();
    let vic_csrf = csrf_of(html(&get(&app, &uri, &vic, None).await));
    as_viewer[0] = ("csrf", vic_csrf.as_str());
    let forbidden = post(&app, &action, &vic, &as_viewer).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let (_, other_token) = app
        .user_with_token("bo@example.com", "Other", Role::Owner)
        .await;
    let (_, theirs) = client_with_entry(&app, &other_token, "Their Client").await;
    let missing = post(
        &app,
        &format!("/clients/{client}/work/{theirs}"),
        &jar,
        &good,
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(stored(&app, &token, client).await, before);

    // Saved: shown at once, who kept, audited.
    let saved = post(&app, &action, &jar, &good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    assert!(location(&saved).contains("done=work-changed"));
    let page = get(&app, location(&saved), &jar, None).await;
    let text = html(&page);
    assert!(text.contains("Work-log entry changed."), "{text}");
    assert!(text.contains("Newsletter redesign, second round"));
    assert!(text.contains("Result: 15 %"), "{text}");
    let after = stored(&app, &token, client).await;
    assert_eq!(after["title"], "Newsletter redesign, second round");
    assert_eq!(after["done_on"], "2026-11-09");
    assert_eq!(after["result"], "15");
    assert_eq!(after["who"], "Bea");
    assert_eq!(after["visibility"], "internal");
    assert_eq!(after["link"], Value::Null);
    let audit = app
        .call(Method::GET, "/api/v1/audit", Some(&token), None)
        .await;
    let changed: Vec<&Value> = audit.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "work.changed")
        .collect();
    assert_eq!(changed.len(), 1, "{}", audit.json);
}

both_backends!(a_work_entry_is_edited_on_the_client_page);
