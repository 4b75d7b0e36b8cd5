//! Client updates and what else we do (issue 16): the cadence (default by
//! segment, a client's own), when an update falls due, the draft (only
//! client-visible work since the last update, in the client's language),
//! sending it by email through a real local SMTP server (stored, logged as
//! contact, no longer due), at most one suggested service and none while a
//! complaint or a case is open, the answer to an offer, refusals that store
//! nothing, and workspace isolation.

use crate::both_backends;
use crate::cases_api::Setup;
use crate::pages::{csrf_of, get, html, location, post, sign_in};
use crate::support::SmtpSink;
use crate::work_final_report::with_work;
use axum::http::{header, Method, StatusCode};
use chrono::NaiveDate;
use churnwise_app::client_updates;
use churnwise_app::owners::OwnerNames;
use churnwise_domain::registry::Role;
use churnwise_store::{ClientId, NewClientUpdate, WorkspaceId};
use churnwise_store_tests::Backend;
use serde_json::{json, Value};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

async fn ws_of(s: &Setup) -> WorkspaceId {
    s.app
        .store()
        .ensure_workspace("Acme Agency")
        .await
        .unwrap()
        .id
}

fn fields(reply: &Value) -> Vec<String> {
    reply["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect()
}

impl Setup {
    fn client_path(&self, rest: &str) -> String {
        format!("/api/v1/clients/{}{rest}", self.client)
    }

    async fn set_cadence(&self, cadence: Value) -> Value {
        let r = self
            .call(
                Method::PUT,
                &self.client_path("/update-cadence"),
                Some(json!({ "cadence": cadence })),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.json);
        r.json
    }

    async fn add_service(&self, body: Value) -> i64 {
        let r = self
            .call(Method::POST, "/api/v1/services", Some(body))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json);
        r.json["id"].as_i64().unwrap()
    }

    async fn add_contact(&self) {
        let r = self
            .call(
                Method::POST,
                &self.client_path("/contacts"),
                Some(json!({"name": "Lola", "email": "lola@bakery.test", "is_primary": true})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json);
    }

    async fn draft(&self) -> Value {
        let r = self
            .call(Method::GET, &self.client_path("/updates/draft"), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.json);
        r.json
    }

    async fn sent_total(&self) -> i64 {
        let r = self
            .call(Method::GET, &self.client_path("/updates"), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.json);
        r.json["total"].as_i64().unwrap()
    }
}

async fn the_cadence_comes_from_the_segment_unless_the_client_has_its_own(backend: Backend) {
    let s = with_work(backend, None).await;
    let r = s
        .call(Method::GET, &s.client_path("/update-cadence"), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json);
    assert_eq!(r.json["cadence"], "off");
    assert_eq!(r.json["next_due_on"], Value::Null);

    let current = s.call(Method::GET, "/api/v1/settings", None).await.json;
    let mut settings = current["settings"].clone();
    settings["client_updates"] =
        json!({"default_cadence": "quarterly", "by_segment": {"SMB": "monthly"}});
    let saved = s
        .call(
            Method::PUT,
            "/api/v1/settings",
            Some(json!({"version": current["version"], "settings": settings})),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.json);
    let r = s
        .call(Method::GET, &s.client_path("/update-cadence"), None)
        .await;
    assert_eq!(r.json["cadence"], "monthly", "{:?}", r.json);
    assert_eq!(r.json["own"], Value::Null);
    // Since 2023-01-01, never updated: due a month after the start.
    assert_eq!(r.json["next_due_on"], "2023-02-01");

    let own = s.set_cadence(json!("quarterly")).await;
    assert_eq!(own["cadence"], "quarterly");
    assert_eq!(own["own"], "quarterly");
    assert_eq!(own["next_due_on"], "2023-04-01");
    let back = s.set_cadence(Value::Null).await;
    assert_eq!(back["cadence"], "monthly");

    let bad = s
        .call(
            Method::PUT,
            &s.client_path("/update-cadence"),
            Some(json!({"cadence": "weekly"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&bad.json), ["cadence"]);

    let again = s.call(Method::GET, "/api/v1/settings", None).await.json;
    let mut settings = again["settings"].clone();
    settings["client_updates"]["by_segment"] = json!({" ": "monthly"});
    let bad = s
        .call(
            Method::PUT,
            "/api/v1/settings",
            Some(json!({"version": again["version"], "settings": settings})),
        )
        .await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        bad.json
    );
    assert!(fields(&bad.json).iter().any(|f| f.contains("by_segment")));
}

async fn an_update_falls_due_a_month_or_a_quarter_after_the_start_and_not_before(backend: Backend) {
    let s = with_work(backend, None).await;
    let ws = ws_of(&s).await;
    let store = s.app.store().as_ref();
    let ids = |due: Vec<client_updates::DueUpdate>| -> Vec<i64> {
        due.iter().map(|d| d.client_id).collect()
    };
    // Off by default: never due.
    assert!(client_updates::due(store, ws, today(), None)
        .await
        .unwrap()
        .is_empty());

    s.set_cadence(json!("monthly")).await;
    let before = client_updates::due(store, ws, day("2023-01-31"), None)
        .await
        .unwrap();
    assert!(before.is_empty(), "{before:?}");
    let due = client_updates::due(store, ws, day("2023-02-01"), None)
        .await
        .unwrap();
    assert_eq!(ids(due.clone()), [s.client]);
    assert_eq!(due[0].due_on, day("2023-02-01"));
    assert_eq!(due[0].days_overdue, 0);

    s.set_cadence(json!("quarterly")).await;
    assert!(client_updates::due(store, ws, day("2023-03-31"), None)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        ids(client_updates::due(store, ws, day("2023-04-01"), None)
            .await
            .unwrap()),
        [s.client]
    );

    // After an update, the next falls due a period after it.
    store
        .add_client_update(
            ws,
            ClientId(s.client),
            &NewClientUpdate {
                period_from: day("2023-01-01"),
                period_to: day("2023-05-10"),
                subject: "Update".into(),
                body: "Text".into(),
                sent_on: day("2023-05-10"),
                sent_by: "ana".into(),
                channel: "download".into(),
                service: None,
                now_ms: 0,
            },
        )
        .await
        .unwrap();
    assert!(client_updates::due(store, ws, day("2023-08-09"), None)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        ids(client_updates::due(store, ws, day("2023-08-10"), None)
            .await
            .unwrap()),
        [s.client]
    );

    // The Due page of a member lists only the member's own clients.
    let mine = OwnerNames::text("ana");
    let theirs = OwnerNames::text("luis");
    assert_eq!(
        client_updates::due(store, ws, day("2023-08-10"), Some(&mine))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        client_updates::due(store, ws, day("2023-08-10"), Some(&theirs))
            .await
            .unwrap()
            .is_empty()
    );

    let api = s
        .call(Method::GET, "/api/v1/client-updates/due?per_page=10", None)
        .await;
    assert_eq!(api.status, StatusCode::OK, "{:?}", api.json);
    assert_eq!(api.json["total"], 1);
    assert_eq!(api.json["items"][0]["client_id"], s.client);
    assert_eq!(api.json["items"][0]["cadence"], "quarterly");

    s.set_cadence(json!("off")).await;
    assert!(client_updates::due(store, ws, today(), None)
        .await
        .unwrap()
        .is_empty());
}

async fn the_draft_holds_only_client_visible_work_since_the_last_update_in_the_clients_language(
    backend: Backend,
) {
    let s = with_work(backend, None).await;
    let ws = ws_of(&s).await;
    let lang = s
        .call(
            Method::PATCH,
            &s.client_path("/reminders"),
            Some(json!({"lang": "es"})),
        )
        .await;
    assert_eq!(lang.status, StatusCode::OK, "{:?}", lang.json);
    s.set_cadence(json!("monthly")).await;
    // The last update was sent on 2023-12-01: the 2023-06-01 entry is
    // older, the 2024-01-20 one internal.
    s.app
        .store()
        .add_client_update(
            ws,
            ClientId(s.client),
            &NewClientUpdate {
                period_from: day("2023-01-01"),
                period_to: day("2023-12-01"),
                subject: "Update".into(),
                body: "Text".into(),
                sent_on: day("2023-12-01"),
                sent_by: "ana".into(),
                channel: "email".into(),
                service: None,
                now_ms: 0,
            },
        )
        .await
        .unwrap();
    let draft = s.draft().await;
    assert_eq!(draft["lang"], "es");
    assert_eq!(draft["period_from"], "2023-12-02");
    let titles: Vec<&str> = draft["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Local SEO campaign"]);
    assert_eq!(draft["entries"][0]["result_text"], "1.234,5 visits");
    let body = draft["body"].as_str().unwrap();
    assert!(body.contains("Local SEO campaign"), "{body}");
    assert!(body.contains("Lo que hicimos"), "{body}");
    assert!(!body.contains("Margin worries"), "{body}");
    assert!(!body.contains("Newsletter set up"), "{body}");
    assert!(draft["subject"]
        .as_str()
        .unwrap()
        .starts_with("Bakery Lola: lo que hicimos del"));
    assert_eq!(draft["mrr_cents"], 45_000);
    assert!(draft["mrr_text"].as_str().unwrap().starts_with("450,00"));
    assert!(draft["months_as_client"].as_u64().unwrap() >= 12);
    // Composing a draft stores nothing.
    assert_eq!(s.sent_total().await, 1);

    let en = s
        .call(Method::GET, &s.client_path("/updates/draft?lang=en"), None)
        .await;
    assert_eq!(en.json["lang"], "en");
    assert!(en.json["body"].as_str().unwrap().contains("What we did"));
    let bad = s
        .call(Method::GET, &s.client_path("/updates/draft?lang=fr"), None)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&bad.json), ["lang"]);
}

async fn sending_by_email_stores_it_counts_as_contact_and_it_is_no_longer_due(backend: Backend) {
    let sink = SmtpSink::start();
    let s = with_work(backend, Some(&sink)).await;
    s.set_cadence(json!("monthly")).await;
    s.add_contact().await;
    let contact_due = |list: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "contact" && e["client_id"] == s.client)
    };
    let before = s.call(Method::GET, "/api/v1/due-list", None).await;
    assert!(contact_due(&before.json), "{:?}", before.json);
    let due = s
        .call(Method::GET, "/api/v1/client-updates/due", None)
        .await;
    assert_eq!(due.json["total"], 1);

    let draft = s.draft().await;
    let r = s
        .call(
            Method::POST,
            &s.client_path("/updates/send"),
            Some(json!({"subject": draft["subject"], "body": draft["body"], "channel": "email"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json);
    assert_eq!(r.json["sent_to"], json!(["lola@bakery.test"]));
    assert_eq!(r.json["sent_on"], today().to_string());
    let mail = sink.messages();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].subject, draft["subject"].as_str().unwrap());
    assert!(mail[0].body.contains("Local SEO campaign"), "{:?}", mail[0]);

    let sent = s
        .call(Method::GET, &s.client_path("/updates"), None)
        .await
        .json;
    assert_eq!(sent["total"], 1);
    assert_eq!(sent["items"][0]["channel"], "email");
    assert_eq!(sent["items"][0]["subject"], draft["subject"]);

    let interactions = s
        .call(Method::GET, &s.client_path("/interactions"), None)
        .await
        .json;
    let text = interactions.to_string();
    assert!(text.contains("\"email\""), "{text}");
    assert!(text.contains(&today().to_string()), "{text}");
    let after = s.call(Method::GET, "/api/v1/due-list", None).await;
    assert!(!contact_due(&after.json), "{:?}", after.json);
    let due = s
        .call(Method::GET, "/api/v1/client-updates/due", None)
        .await;
    assert_eq!(due.json["total"], 0);
    let cadence = s
        .call(Method::GET, &s.client_path("/update-cadence"), None)
        .await
        .json;
    assert_eq!(cadence["last_sent_on"], today().to_string());
}

async fn a_draft_suggests_at_most_one_service_never_offered_nor_bought(backend: Backend) {
    let s = with_work(backend, None).await;
    let ads = s.add_service(json!({"name": "Ads"})).await;
    let brand = s
        .add_service(json!({"name": "Brand design", "description": "A logo and a style guide."}))
        .await;
    s.add_service(json!({"name": "Copywriting"})).await;
    s.add_service(json!({"name": "Dormant", "active": false}))
        .await;
    let r = s
        .call(
            Method::PUT,
            &s.client_path(&format!("/services/{ads}")),
            Some(json!({"buys": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json);
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&r.json["buys"]), ["Ads"]);
    assert_eq!(
        names(&r.json["never_offered"]),
        ["Brand design", "Copywriting"]
    );

    let draft = s.draft().await;
    assert_eq!(draft["suggestion"]["service_id"], brand);
    let body = draft["body"].as_str().unwrap();
    assert!(body.contains("Brand design"), "{body}");
    assert!(!body.contains("Copywriting"), "{body}");

    // A complaint in the last 90 days holds suggestions back.
    let c = s
        .call(
            Method::POST,
            &s.client_path("/interactions"),
            Some(json!({"kind": "complaint", "note": "Slow answers"})),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{:?}", c.json);
    let draft = s.draft().await;
    assert_eq!(draft["suggestion"], Value::Null);
    assert_eq!(draft["no_suggestion_because"], "recent_complaint");
    let r = s
        .call(
            Method::POST,
            &s.client_path("/updates/send"),
            Some(json!({"subject": "S", "body": "B", "channel": "download", "suggested_service_id": brand})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.json);
    assert_eq!(fields(&r.json), ["suggested_service_id"]);
    assert_eq!(s.sent_total().await, 0);
}

async fn no_service_is_suggested_while_a_case_is_open(backend: Backend) {
    let s = with_work(backend, None).await;
    s.add_service(json!({"name": "Brand design"})).await;
    assert!(s.draft().await["suggestion"].is_object());
    s.offboarding("needs_changed").await;
    let draft = s.draft().await;
    assert_eq!(draft["suggestion"], Value::Null);
    assert_eq!(draft["no_suggestion_because"], "open_case");
}

async fn an_accepted_suggestion_is_logged_and_the_client_then_buys_it(backend: Backend) {
    let s = with_work(backend, None).await;
    let brand = s.add_service(json!({"name": "Brand design"})).await;
    let draft = s.draft().await;
    assert_eq!(draft["suggestion"]["service_id"], brand);
    let r = s
        .call(
            Method::POST,
            &s.client_path("/updates/send"),
            Some(json!({"subject": draft["subject"], "body": draft["body"], "channel": "download", "suggested_service_id": brand})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json);
    assert_eq!(r.json["suggested_service_id"], brand);

    let services = s
        .call(Method::GET, &s.client_path("/services"), None)
        .await
        .json;
    assert_eq!(services["offered"][0]["service"]["id"], brand);
    assert_eq!(services["offered"][0]["answer"], Value::Null);
    assert_eq!(services["never_offered"], json!([]));
    assert_eq!(services["buys"], json!([]));
    // Offered once: never suggested again.
    assert_eq!(s.draft().await["no_suggestion_because"], "none_left");

    let answer = format!("/services/{brand}/answer");
    let bad = s
        .call(
            Method::POST,
            &s.client_path(&answer),
            Some(json!({"answer": "maybe"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&bad.json), ["answer"]);
    let r = s
        .call(
            Method::POST,
            &s.client_path(&answer),
            Some(json!({"answer": "accepted"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json);
    assert_eq!(r.json["buys"][0]["id"], brand);
    assert_eq!(r.json["offered"][0]["answer"], "accepted");
    let again = s
        .call(
            Method::POST,
            &s.client_path(&answer),
            Some(json!({"answer": "declined"})),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&again.json), ["service_id"]);

    let interactions = s
        .call(Method::GET, &s.client_path("/interactions"), None)
        .await
        .json
        .to_string();
    assert!(
        interactions.contains("Accepted the offer of Brand design"),
        "{interactions}"
    );
    let audit = s
        .call(Method::GET, "/api/v1/audit?per_page=500", None)
        .await;
    let actions: Vec<&str> = audit.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(actions.contains(&"service.answered"), "{actions:?}");
    assert!(actions.contains(&"update.sent"), "{actions:?}");
}

async fn bad_input_is_refused_naming_each_field_and_stores_nothing(backend: Backend) {
    let s = with_work(backend, None).await;
    let r = s
        .call(
            Method::POST,
            &s.client_path("/updates/send"),
            Some(json!({"subject": " ", "body": "", "channel": "fax"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.json);
    assert_eq!(fields(&r.json), ["subject", "body", "channel"]);
    let long = s
        .call(
            Method::POST,
            &s.client_path("/updates/send"),
            Some(json!({"subject": "x".repeat(201), "body": "ok", "channel": "download"})),
        )
        .await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&long.json), ["subject"]);
    // Email without an SMTP set-up: refused, nothing stored or logged.
    let r = s
        .call(
            Method::POST,
            &s.client_path("/updates/send"),
            Some(json!({"subject": "S", "body": "B", "channel": "email"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.json);
    assert_eq!(s.sent_total().await, 0);
    let interactions = s
        .call(Method::GET, &s.client_path("/interactions"), None)
        .await
        .json;
    assert_eq!(interactions.as_array().map_or(0, Vec::len), 0);

    let r = s
        .call(Method::POST, "/api/v1/services", Some(json!({"name": ""})))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.json), ["name"]);
    s.add_service(json!({"name": "Ads"})).await;
    let r = s
        .call(
            Method::POST,
            "/api/v1/services",
            Some(json!({"name": " ads "})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.json);
    let list = s
        .call(Method::GET, "/api/v1/services?per_page=0", None)
        .await;
    assert_eq!(list.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&list.json), ["per_page"]);
    let list = s.call(Method::GET, "/api/v1/services", None).await;
    assert_eq!(list.json["total"], 1);
}

async fn another_workspace_sees_and_changes_nothing(backend: Backend) {
    let s = with_work(backend, None).await;
    let svc = s.add_service(json!({"name": "Ads"})).await;
    s.set_cadence(json!("monthly")).await;
    let (_, other) = s
        .app
        .user_with_token("eve@example.com", "Other Agency", Role::Owner)
        .await;
    let call = |method: Method, uri: String, body: Option<Value>| {
        let app = &s.app;
        let other = other.clone();
        async move { app.call(method, &uri, Some(&other), body).await }
    };
    for uri in [
        s.client_path("/updates/draft"),
        s.client_path("/updates"),
        s.client_path("/update-cadence"),
        s.client_path("/services"),
    ] {
        let r = call(Method::GET, uri.clone(), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
    }
    let r = call(
        Method::POST,
        s.client_path("/updates/send"),
        Some(json!({"subject": "S", "body": "B", "channel": "download"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = call(
        Method::PUT,
        format!("/api/v1/services/{svc}"),
        Some(json!({"name": "Mine now"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = call(Method::GET, "/api/v1/services".into(), None).await;
    assert_eq!(r.json["total"], 0);
    let r = call(Method::GET, "/api/v1/client-updates/due".into(), None).await;
    assert_eq!(r.json["total"], 0);
    assert_eq!(s.sent_total().await, 0);
    let mine = s.call(Method::GET, "/api/v1/services", None).await;
    assert_eq!(mine.json["items"][0]["name"], "Ads");
}

async fn the_owner_edits_an_update_prints_it_and_marks_it_handed_over_from_the_pages(
    backend: Backend,
) {
    let s = with_work(backend, None).await;
    s.set_cadence(json!("monthly")).await;
    let brand = s
        .add_service(json!({"name": "Brand design"}))
        .await
        .to_string();
    let jar = sign_in(&s.app, "ana@example.com").await;
    let link = format!("/clients/{}/update", s.client);
    let due = get(&s.app, "/due?show=all", &jar, None).await;
    assert_eq!(due.status, StatusCode::OK);
    assert!(html(&due).contains(&link), "{}", html(&due));

    let page = get(&s.app, &link, &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(html(&page).contains("Bakery Lola: what we did from"));
    assert!(html(&page).contains("Brand design"));
    assert!(!html(&page).contains("Margin worries"));
    let csrf = csrf_of(html(&page));

    // An empty subject is refused next to its field; nothing stored.
    let refused = post(
        &s.app,
        &format!("{link}/send"),
        &jar,
        &[
            ("csrf", &csrf),
            ("lang", "en"),
            ("subject", " "),
            ("body", "Text"),
            ("channel", "download"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&refused).contains("f-update-subject-error"));
    assert_eq!(s.sent_total().await, 0);

    // The printable page is the edited text, escaped; it stores nothing.
    let file = post(
        &s.app,
        &format!("{link}/printable"),
        &jar,
        &[
            ("csrf", &csrf),
            ("lang", "en"),
            ("subject", "Our update"),
            // A browser sends a textarea's lines ended by CRLF.
            ("body", "One\r\n\r\nTwo <b>\r\nand three"),
        ],
    )
    .await;
    assert_eq!(file.status, StatusCode::OK);
    let disposition = file.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    let doc = String::from_utf8(file.bytes.clone()).unwrap();
    assert!(doc.contains("<p>One</p>"), "{doc}");
    assert!(doc.contains("<p>Two &lt;b&gt;\nand three</p>"), "{doc}");
    assert_eq!(s.sent_total().await, 0);

    let done = post(
        &s.app,
        &format!("{link}/send"),
        &jar,
        &[
            ("csrf", &csrf),
            ("lang", "en"),
            ("subject", "Our update"),
            ("body", "Text\r\n\r\nMore"),
            ("channel", "download"),
            ("suggested_service_id", &brand),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", html(&done));
    assert!(location(&done).contains("done=update-sent"));
    assert_eq!(s.sent_total().await, 1);
    let sent = s.call(Method::GET, &s.client_path("/updates"), None).await;
    assert_eq!(sent.json["items"][0]["body"], "Text\n\nMore");
    assert_eq!(sent.json["items"][0]["channel"], "download");
    let client_page = get(&s.app, &format!("/clients/{}", s.client), &jar, None).await;
    assert!(html(&client_page).contains("Our update"));
    assert!(html(&client_page).contains("Brand design"));
    let settings = get(&s.app, "/settings/client-updates", &jar, None).await;
    assert_eq!(settings.status, StatusCode::OK);
    assert!(html(&settings).contains("Brand design"));
}

async fn the_updates_due_are_paged_and_a_bad_page_is_refused_naming_it(backend: Backend) {
    let s = crate::cases_api::setup(backend).await;
    s.set_cadence(json!("monthly")).await;
    // A second client, due since long ago too.
    let other = s
        .ok(
            Method::POST,
            "/api/v1/clients",
            json!({"name": "Cafe Mar", "segment": "smb"}),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_i64()
        .unwrap();
    s.ok(
        Method::POST,
        &format!("/api/v1/clients/{other}/subscriptions"),
        json!({"subscription_ref": "SUB-2", "mrr": 90.00, "started_on": "2022-06-01"}),
        StatusCode::CREATED,
    )
    .await;
    s.ok(
        Method::PUT,
        &format!("/api/v1/clients/{other}/update-cadence"),
        json!({"cadence": "quarterly"}),
        StatusCode::OK,
    )
    .await;

    // The longest overdue first, one a page.
    let mut seen = Vec::new();
    for page in [1, 2, 3] {
        let r = s
            .call(
                Method::GET,
                &format!("/api/v1/client-updates/due?page={page}&per_page=1"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.json);
        assert_eq!(r.json["total"], 2);
        assert_eq!(r.json["page"], page);
        assert_eq!(r.json["per_page"], 1);
        seen.extend(
            r.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["client_id"].as_i64().unwrap()),
        );
    }
    assert_eq!(seen, [other, s.client]);

    for (query, named) in [
        ("per_page=0", vec!["per_page"]),
        ("per_page=501", vec!["per_page"]),
        ("page=0", vec!["page"]),
        ("page=0&per_page=0", vec!["page", "per_page"]),
    ] {
        let r = s
            .call(
                Method::GET,
                &format!("/api/v1/client-updates/due?{query}"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        let mut fields = fields(&r.json);
        fields.sort();
        assert_eq!(fields, named, "{query}");
    }
}

async fn the_cadence_settings_and_the_client_page_forms_save_and_refuse_from_the_pages(
    backend: Backend,
) {
    let s = crate::cases_api::setup(backend).await;
    let ws = ws_of(&s).await;
    s.app
        .user_with_token("vera@example.com", "Acme Agency", Role::Viewer)
        .await;
    let store = s.app.store();
    let jar = sign_in(&s.app, "ana@example.com").await;
    let viewer = sign_in(&s.app, "vera@example.com").await;
    let csrf_on = |jar: &crate::pages::Jar| {
        let app = &s.app;
        let jar = jar.clone();
        async move {
            let page = get(app, "/settings/client-updates", &jar, None).await;
            assert_eq!(page.status, StatusCode::OK);
            (jar, csrf_of(html(&page)))
        }
    };
    let jar = csrf_on(&jar).await;
    let viewer = csrf_on(&viewer).await;
    let version = store
        .workspace_settings(ws)
        .await
        .unwrap()
        .version
        .to_string();
    let form = |version: &str, segments: &str| {
        vec![
            ("version".to_string(), version.to_string()),
            ("default_cadence".to_string(), "off".to_string()),
            ("segments".to_string(), segments.to_string()),
        ]
    };
    let send = |(jar, csrf): &(crate::pages::Jar, String), fields: Vec<(String, String)>| {
        let app = &s.app;
        let jar = jar.clone();
        let csrf = csrf.clone();
        async move {
            let mut pairs: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
            pairs.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            post(app, "/settings/client-updates", &jar, &pairs).await
        }
    };

    // What the page cannot read, and what the app refuses, is drawn again
    // next to the segments; nothing is saved.
    let long = format!("{} = monthly", "s".repeat(101));
    for segments in ["smb monthly", "smb = weekly", long.as_str()] {
        let refused = send(&jar, form(&version, segments)).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{segments}"
        );
        let body = html(&refused);
        assert!(body.contains("id=\"f-segments-error\""), "{body}");
        assert!(body.contains("Write one segment a line"), "{body}");
    }
    let refused = send(&jar, form("not a number", "smb = monthly")).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let refused = send(&viewer, form(&version, "smb = monthly")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let stored = store.workspace_settings(ws).await.unwrap();
    assert_eq!(stored.version.to_string(), version);
    assert!(stored.value.client_updates.by_segment.is_empty());

    // Saved; then the same form again is stale.
    let saved = send(&jar, form(&version, "smb = monthly")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    assert_eq!(location(&saved), "/settings/client-updates?done=saved");
    let stored = store.workspace_settings(ws).await.unwrap();
    assert_eq!(
        stored.value.client_updates.by_segment["smb"],
        churnwise_domain::client_updates::Cadence::Monthly
    );
    let stale = send(&jar, form(&version, "smb = quarterly")).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&stale).contains("Someone saved the settings since"));
    assert_eq!(
        store.workspace_settings(ws).await.unwrap().version,
        stored.version
    );
    let cadence = s
        .call(Method::GET, &s.client_path("/update-cadence"), None)
        .await;
    assert_eq!(cadence.json["cadence"], "monthly");
    assert_eq!(cadence.json["own"], Value::Null);

    // The client page's forms: a writer's change goes back to the section
    // with its notice; a value the forms never offer is a bad request; a
    // viewer changes nothing.
    let client = format!("/clients/{}", s.client);
    let back = |done: &str| format!("{client}?done={done}#updates");
    let post_form = |(jar, csrf): &(crate::pages::Jar, String),
                     path: String,
                     field: &'static str,
                     value: &'static str| {
        let app = &s.app;
        let jar = jar.clone();
        let csrf = csrf.clone();
        async move { post(app, &path, &jar, &[("csrf", &csrf), (field, value)]).await }
    };
    let cadence_path = format!("{client}/update-cadence");
    let set = post_form(&jar, cadence_path.clone(), "cadence", "quarterly").await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&set), back("update-cadence-set"));
    let bad = post_form(&jar, cadence_path.clone(), "cadence", "weekly").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let denied = post_form(&viewer, cadence_path.clone(), "cadence", "off").await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let cadence = s
        .call(Method::GET, &s.client_path("/update-cadence"), None)
        .await;
    assert_eq!(cadence.json["own"], "quarterly");

    let service = s.add_service(json!({"name": "Local SEO"})).await;
    let buys_path = format!("{client}/services/{service}/buys");
    let denied = post_form(&viewer, buys_path.clone(), "buys", "1").await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let bought = post_form(&jar, buys_path, "buys", "1").await;
    assert_eq!(bought.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&bought), back("services-changed"));
    let services = s.call(Method::GET, &s.client_path("/services"), None).await;
    assert_eq!(services.json["buys"][0]["id"], service);
    let answer_path = format!("{client}/services/{service}/answer");
    let bad = post_form(&jar, answer_path.clone(), "answer", "maybe").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    // Never offered: nothing to answer.
    let bad = post_form(&jar, answer_path.clone(), "answer", "accepted").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let denied = post_form(&viewer, answer_path, "answer", "accepted").await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let services = s.call(Method::GET, &s.client_path("/services"), None).await;
    assert_eq!(services.json["offered"], json!([]));
}

both_backends!(
    the_cadence_comes_from_the_segment_unless_the_client_has_its_own,
    an_update_falls_due_a_month_or_a_quarter_after_the_start_and_not_before,
    the_draft_holds_only_client_visible_work_since_the_last_update_in_the_clients_language,
    sending_by_email_stores_it_counts_as_contact_and_it_is_no_longer_due,
    a_draft_suggests_at_most_one_service_never_offered_nor_bought,
    no_service_is_suggested_while_a_case_is_open,
    an_accepted_suggestion_is_logged_and_the_client_then_buys_it,
    bad_input_is_refused_naming_each_field_and_stores_nothing,
    another_workspace_sees_and_changes_nothing,
    the_owner_edits_an_update_prints_it_and_marks_it_handed_over_from_the_pages,
    the_updates_due_are_paged_and_a_bad_page_is_refused_naming_it,
    the_cadence_settings_and_the_client_page_forms_save_and_refuse_from_the_pages,
);
