//! Exclusivities (issue 16): added, listed, removed through the API (bad
//! fields named, nothing stored when refused, another workspace's client
//! not found), the clients falling inside them shown from both sides, a new
//! client inside one refused with 409 until confirmed, and erasure of the
//! holder removing them.

use crate::both_backends;
use crate::pages::{csrf_of, get, html, location, post, sign_in};
use crate::support::{Reply, TestApp};
use axum::http::{Method, StatusCode};
use churnwise_domain::registry::Role;
use churnwise_store_tests::Backend;
use serde_json::{json, Value};

struct Setup {
    app: TestApp,
    token: String,
    holder: i64,
}

async fn client(app: &TestApp, token: &str, body: Value) -> i64 {
    let r = app
        .call(Method::POST, "/api/v1/clients", Some(token), Some(body))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json);
    r.json["id"].as_i64().unwrap()
}

async fn setup(backend: Backend) -> Setup {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "Acme Agency", Role::Owner)
        .await;
    let holder = client(
        &app,
        &token,
        json!({"name": "Clinic Sol", "segment": "Dental"}),
    )
    .await;
    Setup { app, token, holder }
}

impl Setup {
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.app.call(method, path, Some(&self.token), body).await
    }

    fn path(&self, client: i64) -> String {
        format!("/api/v1/clients/{client}/exclusivities")
    }

    async fn add(&self, client: i64, body: Value) -> Reply {
        self.call(Method::POST, &self.path(client), Some(body))
            .await
    }

    async fn conflicts(&self, client: i64) -> Value {
        let r = self
            .call(
                Method::GET,
                &format!("/api/v1/clients/{client}/exclusivity-conflicts"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.json);
        r.json
    }
}

fn fields(reply: &Reply) -> Vec<String> {
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

fn ids(list: &Value, key: &str) -> Vec<i64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v[key].as_i64().unwrap())
        .collect()
}

async fn exclusivities_are_added_listed_and_removed(backend: Backend) {
    let s = setup(backend).await;
    let made = s
        .add(
            s.holder,
            json!({"kind": "competitors", "competitors": ["Bravo S.L.", " bravo s.l. ", "Charlie"],
                   "starts_on": "2024-01-01", "ends_on": "2030-12-31", "note": "Signed in the contract"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    assert_eq!(made.json["kind"], "competitors");
    assert_eq!(made.json["competitors"], json!(["Bravo S.L.", "Charlie"]));
    assert_eq!(made.json["holder_name"], "Clinic Sol");
    let seg = s
        .add(
            s.holder,
            json!({"kind": "segment", "segment": "Dental", "starts_on": "2025-01-01"}),
        )
        .await;
    assert_eq!(seg.status, StatusCode::CREATED, "{:?}", seg.json);
    assert_eq!(seg.json["ends_on"], Value::Null);

    let list = s.call(Method::GET, &s.path(s.holder), None).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.json["total"], 2);
    // Latest start first.
    assert_eq!(list.json["items"][0]["segment"], "Dental");

    // Refused: every bad field named, nothing stored.
    let bad = s
        .add(
            s.holder,
            json!({"kind": "segment", "segment": " ", "starts_on": "2025-02-01",
                   "ends_on": "2025-01-01", "note": "n".repeat(501)}),
        )
        .await;
    assert_eq!(fields(&bad), ["segment", "ends_on", "note"]);
    let too_many: Vec<String> = (0..21).map(|i| format!("C{i}")).collect();
    let bad = s
        .add(
            s.holder,
            json!({"kind": "competitors", "competitors": too_many}),
        )
        .await;
    assert_eq!(fields(&bad), ["starts_on", "competitors"]);
    let bad = s
        .add(s.holder, json!({"kind": "both", "starts_on": "2025-02-30"}))
        .await;
    assert_eq!(fields(&bad), ["starts_on", "kind"]);
    let page = s
        .call(
            Method::GET,
            &format!("{}?per_page=0", s.path(s.holder)),
            None,
        )
        .await;
    assert_eq!(fields(&page), ["per_page"]);
    let list = s.call(Method::GET, &s.path(s.holder), None).await;
    assert_eq!(list.json["total"], 2);

    let eid = made.json["id"].as_i64().unwrap();
    let gone = s
        .call(Method::DELETE, &format!("{}/{eid}", s.path(s.holder)), None)
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    let again = s
        .call(Method::DELETE, &format!("{}/{eid}", s.path(s.holder)), None)
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let list = s.call(Method::GET, &s.path(s.holder), None).await;
    assert_eq!(list.json["total"], 1);

    let audit = s
        .call(Method::GET, "/api/v1/audit?per_page=500", None)
        .await;
    let actions: Vec<&str> = audit.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(actions.contains(&"exclusivity.added"), "{actions:?}");
    assert!(actions.contains(&"exclusivity.removed"), "{actions:?}");
}

async fn another_workspace_never_sees_them(backend: Backend) {
    let s = setup(backend).await;
    let made = s
        .add(
            s.holder,
            json!({"kind": "segment", "segment": "Dental", "starts_on": "2020-01-01"}),
        )
        .await;
    let eid = made.json["id"].as_i64().unwrap();
    let (_, other) = s
        .app
        .user_with_token("bob@example.com", "Other Agency", Role::Owner)
        .await;
    for (method, path, body) in [
        (Method::GET, s.path(s.holder), None),
        (
            Method::POST,
            s.path(s.holder),
            Some(json!({"kind": "segment", "segment": "X", "starts_on": "2020-01-01"})),
        ),
        (Method::DELETE, format!("{}/{eid}", s.path(s.holder)), None),
        (
            Method::GET,
            format!("/api/v1/clients/{}/exclusivity-conflicts", s.holder),
            None,
        ),
    ] {
        let r = s.app.call(method, &path, Some(&other), body).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    // A dental client of the other workspace falls inside nothing, and is
    // created without a warning.
    let theirs = client(
        &s.app,
        &other,
        json!({"name": "Dentix", "segment": "dental"}),
    )
    .await;
    let r = s
        .app
        .call(
            Method::GET,
            &format!("/api/v1/clients/{theirs}/exclusivity-conflicts"),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(r.json["falls_inside"], json!([]));
    assert_eq!(s.conflicts(s.holder).await["clients_inside"], json!([]));
    let list = s.call(Method::GET, &s.path(s.holder), None).await;
    assert_eq!(list.json["total"], 1);
}

async fn clients_inside_are_shown_from_both_sides(backend: Backend) {
    let s = setup(backend).await;
    let seg = s
        .add(
            s.holder,
            json!({"kind": "segment", "segment": "dental ", "starts_on": "2020-01-01"}),
        )
        .await;
    let seg_id = seg.json["id"].as_i64().unwrap();
    let comp = s
        .add(
            s.holder,
            json!({"kind": "competitors", "competitors": ["Bravo"], "starts_on": "2020-01-01"}),
        )
        .await;
    let comp_id = comp.json["id"].as_i64().unwrap();
    // Ended, and not yet begun: in force on no day near today.
    s.add(
        s.holder,
        json!({"kind": "competitors", "competitors": ["Old Rival"],
               "starts_on": "2000-01-01", "ends_on": "2001-01-01"}),
    )
    .await;
    s.add(
        s.holder,
        json!({"kind": "competitors", "competitors": ["Future Rival"], "starts_on": "2999-01-01"}),
    )
    .await;

    let dental = client(
        &s.app,
        &s.token,
        json!({"name": "Smiles", "segment": "  DENTAL", "confirm_exclusivity": true}),
    )
    .await;
    let bravo = client(
        &s.app,
        &s.token,
        json!({"name": "bravo", "segment": "Retail", "confirm_exclusivity": true}),
    )
    .await;
    let old = client(&s.app, &s.token, json!({"name": "Old Rival"})).await;
    let future = client(&s.app, &s.token, json!({"name": "Future Rival"})).await;
    let other = client(
        &s.app,
        &s.token,
        json!({"name": "Bravo Two", "segment": "Dentistry"}),
    )
    .await;

    let on_dental = s.conflicts(dental).await;
    assert_eq!(ids(&on_dental["falls_inside"], "id"), [seg_id]);
    assert_eq!(on_dental["falls_inside"][0]["holder_name"], "Clinic Sol");
    assert_eq!(on_dental["falls_inside"][0]["client_id"], s.holder);
    assert_eq!(
        ids(&s.conflicts(bravo).await["falls_inside"], "id"),
        [comp_id]
    );
    for outside in [old, future, other] {
        assert_eq!(s.conflicts(outside).await["falls_inside"], json!([]));
    }
    // The holder is inside none of its own (it is dental itself).
    let on_holder = s.conflicts(s.holder).await;
    assert_eq!(on_holder["falls_inside"], json!([]));
    let inside = &on_holder["clients_inside"];
    assert_eq!(ids(inside, "client_id"), [bravo, dental]);
    assert_eq!(inside[0]["exclusivity_id"], comp_id);
    assert_eq!(inside[1]["name"], "Smiles");
}

async fn a_new_client_inside_an_exclusivity_is_refused_until_confirmed(backend: Backend) {
    let s = setup(backend).await;
    // No exclusivity yet: a dental client is created as before.
    client(
        &s.app,
        &s.token,
        json!({"name": "First Dental", "segment": "dental"}),
    )
    .await;
    s.add(
        s.holder,
        json!({"kind": "segment", "segment": "Dental", "starts_on": "2020-01-01"}),
    )
    .await;
    let before = s
        .call(Method::GET, "/api/v1/clients?per_page=500", None)
        .await;
    let refused = s
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(json!({"name": "Smiles", "segment": "DENTAL"})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{:?}", refused.json);
    let problem = &refused.json["errors"][0];
    assert_eq!(problem["field"], "confirm_exclusivity");
    let message = problem["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("Clinic Sol (#{})", s.holder)),
        "{message}"
    );
    let after = s
        .call(Method::GET, "/api/v1/clients?per_page=500", None)
        .await;
    assert_eq!(after.json["total"], before.json["total"]);
    // Bad fields come first.
    let bad = s
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(json!({"name": " ", "segment": "Dental"})),
        )
        .await;
    assert_eq!(fields(&bad), ["name"]);
    let saved = s
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(json!({"name": "Smiles", "segment": "DENTAL", "confirm_exclusivity": true})),
        )
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{:?}", saved.json);
    // Another segment is not held.
    client(
        &s.app,
        &s.token,
        json!({"name": "Shoes", "segment": "Retail"}),
    )
    .await;
}

async fn erasing_the_holder_removes_its_exclusivities(backend: Backend) {
    let s = setup(backend).await;
    s.add(
        s.holder,
        json!({"kind": "segment", "segment": "Dental", "starts_on": "2020-01-01"}),
    )
    .await;
    let erased = s
        .call(
            Method::POST,
            &format!("/api/v1/clients/{}/erase", s.holder),
            None,
        )
        .await;
    assert_eq!(erased.status, StatusCode::OK, "{:?}", erased.json);
    let list = s.call(Method::GET, &s.path(s.holder), None).await;
    assert_eq!(list.json["total"], 0);
    // A dental client is no longer warned about.
    client(
        &s.app,
        &s.token,
        json!({"name": "Smiles", "segment": "Dental"}),
    )
    .await;
}

async fn the_client_page_adds_lists_and_removes_them_and_warns_on_both_sides(backend: Backend) {
    let s = setup(backend).await;
    let inside = client(
        &s.app,
        &s.token,
        json!({"name": "Bravo", "segment": "Retail"}),
    )
    .await;
    let jar = sign_in(&s.app, "ana@example.com").await;
    let uri = format!("/clients/{}", s.holder);
    let page = get(&s.app, &uri, &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(html(&page).contains("This client holds no exclusivity."));
    let csrf = csrf_of(html(&page));
    let action = format!("/clients/{}/exclusivities", s.holder);

    let refused = post(
        &s.app,
        &action,
        &jar,
        &[
            ("csrf", &csrf),
            ("kind", "competitors"),
            ("competitors", ""),
            ("starts_on", "2026-02-01"),
            ("ends_on", "2026-01-01"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = html(&refused);
    assert!(text.contains("id=\"f-excl-competitors-error\""), "{text}");
    assert!(text.contains("id=\"f-excl-ends_on-error\""), "{text}");
    assert!(text.contains("Give 1 to 20 names"));
    let list = s.call(Method::GET, &s.path(s.holder), None).await;
    assert_eq!(list.json["total"], 0);

    let done = post(
        &s.app,
        &action,
        &jar,
        &[
            ("csrf", &csrf),
            ("kind", "competitors"),
            ("competitors", "bravo\nCharlie"),
            ("starts_on", "2020-01-01"),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(location(&done).contains("done=exclusivity-added"));
    let page = get(&s.app, &uri, &jar, None).await;
    let text = html(&page);
    assert!(text.contains("Competitors: bravo, Charlie"), "{text}");
    assert!(text.contains("Clients inside this client"));
    assert!(text.contains(&format!("href=\"/clients/{inside}\">Bravo</a>")));

    let other = get(&s.app, &format!("/clients/{inside}"), &jar, None).await;
    let text = html(&other);
    assert!(text.contains("This client falls inside the exclusivity of:"));
    assert!(text.contains(&format!(
        "href=\"/clients/{}#exclusivity\">Clinic Sol</a>",
        s.holder
    )));
    let spanish = get(&s.app, &format!("/clients/{inside}"), &jar, Some("es")).await;
    assert!(html(&spanish).contains("Este cliente cae dentro de la exclusividad de:"));

    let eid = s.call(Method::GET, &s.path(s.holder), None).await.json["items"][0]["id"]
        .as_i64()
        .unwrap();
    let gone = post(
        &s.app,
        &format!("/clients/{}/exclusivities/{eid}/delete", s.holder),
        &jar,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    let other = get(&s.app, &format!("/clients/{inside}"), &jar, None).await;
    assert!(!html(&other).contains("falls inside the exclusivity"));
}

async fn the_new_client_form_warns_and_saves_when_confirmed(backend: Backend) {
    let s = setup(backend).await;
    s.add(
        s.holder,
        json!({"kind": "segment", "segment": "Dental", "starts_on": "2020-01-01"}),
    )
    .await;
    let jar = sign_in(&s.app, "ana@example.com").await;
    let form = get(&s.app, "/clients/new", &jar, None).await;
    let csrf = csrf_of(html(&form));
    let before = s.call(Method::GET, "/api/v1/clients", None).await.json["total"].clone();
    let warned = post(
        &s.app,
        "/clients",
        &jar,
        &[("csrf", &csrf), ("name", "Smiles"), ("segment", "dental")],
    )
    .await;
    assert_eq!(warned.status, StatusCode::CONFLICT);
    let text = html(&warned);
    assert!(text.contains("would fall inside the exclusivity"), "{text}");
    assert!(text.contains(&format!(
        "href=\"/clients/{}#exclusivity\">Clinic Sol</a>",
        s.holder
    )));
    assert!(text.contains("name=\"confirm_exclusivity\""));
    assert!(text.contains("value=\"Smiles\""));
    let after = s.call(Method::GET, "/api/v1/clients", None).await.json["total"].clone();
    assert_eq!(after, before);
    let saved = post(
        &s.app,
        "/clients",
        &jar,
        &[
            ("csrf", &csrf),
            ("name", "Smiles"),
            ("segment", "dental"),
            ("confirm_exclusivity", "1"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = get(&s.app, location(&saved), &jar, None).await;
    assert!(html(&page).contains("This client falls inside the exclusivity of:"));
}

both_backends!(
    exclusivities_are_added_listed_and_removed,
    another_workspace_never_sees_them,
    clients_inside_are_shown_from_both_sides,
    a_new_client_inside_an_exclusivity_is_refused_until_confirmed,
    erasing_the_holder_removes_its_exclusivities,
    the_client_page_adds_lists_and_removes_them_and_warns_on_both_sides,
    the_new_client_form_warns_and_saves_when_confirmed,
);
