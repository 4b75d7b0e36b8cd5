//! Records changed after they were entered, through the JSON API: a
//! subscription segment edited and ended (no overlap within a subscription,
//! win back as when added), contacts edited and removed; bad input names
//! its fields and changes nothing; other workspaces get 404, viewers 403.

use crate::both_backends;
use crate::cases_api::setup;
use crate::support::{Reply, TestApp};
use axum::http::{Method, StatusCode};
use churnwise_domain::registry::Role;
use churnwise_store_tests::Backend;
use serde_json::{json, Value};

fn fields(reply: &Reply) -> Vec<String> {
    reply.json["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|f| f["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

struct Fixture {
    app: TestApp,
    token: String,
    client: i64,
}

impl Fixture {
    async fn new(backend: Backend) -> Self {
        let app = TestApp::new(backend).await;
        let (_, token) = app
            .user_with_token("ana@example.com", "Acme", Role::Owner)
            .await;
        let created = app
            .call(
                Method::POST,
                "/api/v1/clients",
                Some(&token),
                Some(json!({"name": "Bakery Lola"})),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED);
        let client = created.json["id"].as_i64().unwrap();
        Fixture { app, token, client }
    }

    async fn call(&self, method: Method, uri: &str, body: Option<Value>) -> Reply {
        self.app.call(method, uri, Some(&self.token), body).await
    }

    async fn created(&self, path: &str, body: Value) -> i64 {
        let uri = format!("/api/v1/clients/{}/{path}", self.client);
        let r = self.call(Method::POST, &uri, Some(body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{uri}: {:#}", r.json);
        r.json["id"].as_i64().unwrap()
    }

    async fn list(&self, path: &str) -> Value {
        let uri = format!("/api/v1/clients/{}/{path}", self.client);
        let r = self.call(Method::GET, &uri, None).await;
        assert_eq!(r.status, StatusCode::OK);
        r.json
    }

    /// Sends a change that must be refused with 422 naming exactly `named`,
    /// and checks that the records at `path` did not change.
    async fn refused(&self, method: Method, uri: &str, body: Value, path: &str, named: &[&str]) {
        let before = self.list(path).await;
        let r = self.call(method.clone(), uri, Some(body)).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{method} {uri}: {:#}",
            r.json
        );
        assert_eq!(r.content_type, "application/problem+json");
        assert_eq!(fields(&r), named, "{:#}", r.json);
        assert_eq!(
            self.list(path).await,
            before,
            "a refused change changed {path}"
        );
    }

    async fn audit_actions(&self) -> Vec<String> {
        let r = self.call(Method::GET, "/api/v1/audit", None).await;
        assert_eq!(r.status, StatusCode::OK, "{:#}", r.json);
        r.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_string())
            .collect()
    }
}

async fn a_segment_is_edited_and_ended_and_bad_changes_name_their_fields(backend: Backend) {
    let f = Fixture::new(backend).await;
    let first = f
        .created(
            "subscriptions",
            json!({"subscription_ref": "S1", "plan": "Care", "mrr": 49.9, "started_on": "2024-01-01", "ended_on": "2024-03-01", "notice_period_days": 30}),
        )
        .await;
    let second = f
        .created(
            "subscriptions",
            json!({"subscription_ref": "S1", "plan": "Care+", "mrr": 59, "started_on": "2024-03-01"}),
        )
        .await;
    let base = format!("/api/v1/clients/{}/subscriptions", f.client);

    // Only the fields named change; null clears an optional one.
    let edited = f
        .call(
            Method::PATCH,
            &format!("{base}/{first}"),
            Some(json!({"mrr": "55.00", "plan": "Care Pro", "notice_period_days": null})),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{:#}", edited.json);
    assert_eq!(edited.json["mrr"], json!(55.0));
    assert_eq!(edited.json["plan"], "Care Pro");
    assert_eq!(edited.json["notice_period_days"], Value::Null);
    assert_eq!(edited.json["started_on"], "2024-01-01");
    assert_eq!(edited.json["ended_on"], "2024-03-01");

    // Every bad field at once, nothing changed.
    f.refused(
        Method::PATCH,
        &format!("{base}/{first}"),
        json!({"subscription_ref": " ", "mrr": "-1", "started_on": "2024-13-01", "minimum_term_months": -2}),
        "subscriptions",
        &["subscription_ref", "mrr", "started_on", "minimum_term_months"],
    )
    .await;
    f.refused(
        Method::PATCH,
        &format!("{base}/{first}"),
        json!({"mrr": null, "started_on": null}),
        "subscriptions",
        &["mrr", "started_on"],
    )
    .await;
    f.refused(
        Method::PATCH,
        &format!("{base}/{first}"),
        json!({"ended_on": "2023-12-01"}),
        "subscriptions",
        &["ended_on"],
    )
    .await;
    // Running on would overlap the next segment of S1.
    f.refused(
        Method::PATCH,
        &format!("{base}/{first}"),
        json!({"ended_on": null}),
        "subscriptions",
        &["started_on"],
    )
    .await;
    // So would a new segment inside an existing one, added or edited.
    f.refused(
        Method::POST,
        &base,
        json!({"subscription_ref": "S1", "mrr": 10, "started_on": "2024-02-01", "ended_on": "2024-02-15"}),
        "subscriptions",
        &["started_on"],
    )
    .await;
    f.refused(
        Method::PATCH,
        &format!("{base}/{second}"),
        json!({"started_on": "2024-02-01"}),
        "subscriptions",
        &["started_on"],
    )
    .await;
    // Another subscription may run at the same time.
    f.created(
        "subscriptions",
        json!({"subscription_ref": "ADDON", "mrr": 10, "started_on": "2024-02-01"}),
    )
    .await;

    // Ending: the day is required and after the start.
    for body in [
        json!({}),
        json!({"ended_on": "soon"}),
        json!({"ended_on": "2024-03-01"}),
    ] {
        f.refused(
            Method::POST,
            &format!("{base}/{second}/end"),
            body,
            "subscriptions",
            &["ended_on"],
        )
        .await;
    }
    let ended = f
        .call(
            Method::POST,
            &format!("{base}/{second}/end"),
            Some(json!({"ended_on": "2024-06-01"})),
        )
        .await;
    assert_eq!(ended.status, StatusCode::OK, "{:#}", ended.json);
    assert_eq!(ended.json["ended_on"], "2024-06-01");
    assert_eq!(ended.json["mrr"], json!(59.0));

    // A segment of another client, or none, is not found.
    let missing = f
        .call(
            Method::PATCH,
            &format!("{base}/999999"),
            Some(json!({"mrr": 1})),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let unknown = f
        .call(
            Method::POST,
            &format!("{base}/{first}/end"),
            Some(json!({"ended_on": "2024-02-01", "why": 1})),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

    let actions = f.audit_actions().await;
    assert!(
        actions.contains(&"subscription.updated".to_string()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"subscription.ended".to_string()),
        "{actions:?}"
    );
}

async fn contacts_are_edited_and_removed(backend: Backend) {
    let f = Fixture::new(backend).await;
    let lola = f
        .created(
            "contacts",
            json!({"name": "Lola", "email": "lola@example.com", "is_primary": true}),
        )
        .await;
    let pepe = f
        .created("contacts", json!({"name": "Pepe", "role": "Baker"}))
        .await;
    let base = format!("/api/v1/clients/{}/contacts", f.client);
    let edited = f
        .call(
            Method::PATCH,
            &format!("{base}/{pepe}"),
            Some(json!({"is_primary": true, "role": null, "phone": "+34 600 000 000"})),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{:#}", edited.json);
    assert_eq!(edited.json["name"], "Pepe");
    assert_eq!(edited.json["role"], Value::Null);
    assert_eq!(edited.json["phone"], "+34 600 000 000");
    let list = f.list("contacts").await;
    assert_eq!(list[0]["id"], pepe, "the primary contact comes first");
    assert_eq!(list[0]["is_primary"], true);
    assert_eq!(list[1]["is_primary"], false, "only one primary contact");

    f.refused(
        Method::PATCH,
        &format!("{base}/{lola}"),
        json!({"name": "  ", "email": "not an email", "phone": "1".repeat(51)}),
        "contacts",
        &["name", "email", "phone"],
    )
    .await;

    let removed = f
        .call(Method::DELETE, &format!("{base}/{lola}"), None)
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let list = f.list("contacts").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], pepe);
    let again = f
        .call(Method::DELETE, &format!("{base}/{lola}"), None)
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(again.json["code"], "not_found");

    let actions = f.audit_actions().await;
    assert!(
        actions.contains(&"contact.updated".to_string()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"contact.removed".to_string()),
        "{actions:?}"
    );
}

async fn other_workspaces_get_404_and_viewers_403_and_nothing_changes(backend: Backend) {
    let f = Fixture::new(backend).await;
    let sub = f
        .created(
            "subscriptions",
            json!({"subscription_ref": "S1", "mrr": 10, "started_on": "2024-01-01"}),
        )
        .await;
    let contact = f.created("contacts", json!({"name": "Lola"})).await;
    let (_, intruder) = f
        .app
        .user_with_token("eve@example.com", "Elsewhere", Role::Owner)
        .await;
    let (_, viewer) = f
        .app
        .user_with_token("vic@example.com", "Acme", Role::Viewer)
        .await;
    let base = format!("/api/v1/clients/{}", f.client);
    let attempts: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::PATCH,
            format!("{base}/subscriptions/{sub}"),
            Some(json!({"mrr": 1})),
        ),
        (
            Method::POST,
            format!("{base}/subscriptions/{sub}/end"),
            Some(json!({"ended_on": "2024-02-01"})),
        ),
        (
            Method::PATCH,
            format!("{base}/contacts/{contact}"),
            Some(json!({"name": "Eve"})),
        ),
        (Method::DELETE, format!("{base}/contacts/{contact}"), None),
    ];
    let subs_before = f.list("subscriptions").await;
    let contacts_before = f.list("contacts").await;
    for (method, uri, body) in &attempts {
        let r = f
            .app
            .call(method.clone(), uri, Some(&intruder), body.clone())
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{method} {uri}: {:#}",
            r.json
        );
        assert_eq!(r.json["code"], "not_found");
        let r = f
            .app
            .call(method.clone(), uri, Some(&viewer), body.clone())
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{method} {uri}: {:#}",
            r.json
        );
    }
    // The intruder's own client does not reach another client's records.
    let own = f
        .app
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(&intruder),
            Some(json!({"name": "Mine"})),
        )
        .await
        .json["id"]
        .as_i64()
        .unwrap();
    let crossed = f
        .app
        .call(
            Method::DELETE,
            &format!("/api/v1/clients/{own}/contacts/{contact}"),
            Some(&intruder),
            None,
        )
        .await;
    assert_eq!(crossed.status, StatusCode::NOT_FOUND);
    assert_eq!(f.list("subscriptions").await, subs_before);
    assert_eq!(f.list("contacts").await, contacts_before);
}

async fn an_edited_segment_that_runs_again_wins_back_a_former_client(backend: Backend) {
    let s = setup(backend).await;
    let id = s.offboarding("needs_changed").await;
    s.all_items_done(id).await;
    let case = format!("/api/v1/cases/{id}");
    s.ok(
        Method::POST,
        &format!("{case}/invoice-waivers"),
        json!({"invoice": "INV-9", "reason": "Settled"}),
        StatusCode::OK,
    )
    .await;
    s.ok(
        Method::POST,
        &format!("{case}/close"),
        json!({"outcome": "lost", "end_on": "2024-03-31"}),
        StatusCode::OK,
    )
    .await;
    let subs = format!("/api/v1/clients/{}/subscriptions", s.client);
    let old = s
        .ok(
            Method::POST,
            &subs,
            json!({"subscription_ref": "OLD-1", "mrr": 10, "started_on": "2022-01-01", "ended_on": "2022-06-01"}),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let client = format!("/api/v1/clients/{}", s.client);
    assert_eq!(
        s.call(Method::GET, &client, None).await.json["status"],
        "former"
    );
    // Corrected: the segment is new business that runs today.
    s.ok(
        Method::PATCH,
        &format!("{subs}/{old}"),
        json!({"started_on": "2024-10-01", "ended_on": null, "mrr": 300}),
        StatusCode::OK,
    )
    .await;
    assert_eq!(s.show(id).await["case"]["won_back_on"], "2024-10-01");
    assert_eq!(
        s.call(Method::GET, &client, None).await.json["status"],
        "active"
    );
}

both_backends!(
    a_segment_is_edited_and_ended_and_bad_changes_name_their_fields,
    contacts_are_edited_and_removed,
    other_workspaces_get_404_and_viewers_403_and_nothing_changes,
    an_edited_segment_that_runs_again_wins_back_a_former_client,
);
