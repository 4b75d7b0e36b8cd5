//! Departure cases through the JSON API and the public survey page: a full
//! case end to end, every guard (clear error, nothing changed), workspace
//! isolation, the survey link's rules, and the rate limit.

use crate::both_backends;
use crate::support::{Reply, TestApp};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use churnwise_domain::registry::Role;
use churnwise_store::CaseId;
use churnwise_store_tests::Backend;
use serde_json::{json, Value};
use std::net::SocketAddr;

/// A workspace with a client that pays 450.00 a month and has one unpaid
/// invoice (INV-9) and one paid one.
pub(crate) struct Setup {
    pub(crate) app: TestApp,
    pub(crate) token: String,
    pub(crate) client: i64,
}

pub(crate) async fn setup(backend: Backend) -> Setup {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "Acme Agency", Role::Owner)
        .await;
    let client = app
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(&token),
            Some(json!({"name": "Bakery Lola", "segment": "smb", "owner": "ana", "external_id": "C-LOLA"})),
        )
        .await;
    assert_eq!(client.status, StatusCode::CREATED, "{:?}", client.json);
    let client = client.json["id"].as_i64().unwrap();
    let base = format!("/api/v1/clients/{client}");
    for (uri, body) in [
        (
            format!("{base}/subscriptions"),
            json!({"subscription_ref": "SUB-1", "plan": "growth", "mrr": 450.00, "started_on": "2023-01-01"}),
        ),
        (
            format!("{base}/invoices"),
            json!({"invoice_ref": "INV-9", "amount": 120.00, "due_on": "2024-03-15"}),
        ),
        (
            format!("{base}/invoices"),
            json!({"invoice_ref": "INV-8", "amount": 450.00, "due_on": "2024-02-15", "paid_on": "2024-02-10"}),
        ),
    ] {
        let r = app.call(Method::POST, &uri, Some(&token), Some(body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{uri}: {:?}", r.json);
    }
    Setup { app, token, client }
}

fn notice() -> Value {
    json!({
        "received_on": "2024-03-01",
        "channel": "email",
        "received_by": "ana",
        "requested_end_on": "2024-03-31",
        "notice_period_days": 30,
        "first_evaluation": {
            "fruitful": true,
            "history_of_stumbles": false,
            "our_commitments_met": true,
            "client_commitments_met": true,
            "note": "Good years, quieter lately"
        }
    })
}

fn conversation(primary: &str) -> Value {
    json!({
        "clients_words": "We are moving the work in-house.",
        "primary_reason": primary,
        "secondary_reasons": ["budget_cut"],
        "controllable": false,
        "renegotiable": true,
        "departments": ["account management"],
        "roles": ["account manager"]
    })
}

impl Setup {
    pub(crate) async fn call(&self, method: Method, uri: &str, body: Option<Value>) -> Reply {
        self.app.call(method, uri, Some(&self.token), body).await
    }

    /// Sends a step and expects `status`.
    pub(crate) async fn ok(
        &self,
        method: Method,
        uri: &str,
        body: Value,
        status: StatusCode,
    ) -> Value {
        let r = self.call(method.clone(), uri, Some(body)).await;
        assert_eq!(r.status, status, "{method} {uri}: {:#}", r.json);
        r.json
    }

    async fn open(&self) -> i64 {
        let r = self
            .ok(
                Method::POST,
                "/api/v1/cases",
                json!({"client_id": self.client, "notice": notice()}),
                StatusCode::CREATED,
            )
            .await;
        r["id"].as_i64().unwrap()
    }

    pub(crate) async fn show(&self, id: i64) -> Value {
        let r = self
            .call(Method::GET, &format!("/api/v1/cases/{id}"), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.json);
        r.json
    }

    /// A case in offboarding (no retention attempt), with its checklist.
    pub(crate) async fn offboarding(&self, primary: &str) -> i64 {
        let id = self.open().await;
        let base = format!("/api/v1/cases/{id}");
        self.ok(
            Method::PUT,
            &format!("{base}/exit-conversation"),
            conversation(primary),
            StatusCode::OK,
        )
        .await;
        self.ok(
            Method::POST,
            &format!("{base}/offboarding"),
            json!({}),
            StatusCode::OK,
        )
        .await;
        id
    }

    /// Marks every open checklist item of a case done.
    pub(crate) async fn all_items_done(&self, id: i64) {
        let case = self.show(id).await;
        for item in case["case"]["offboarding"]["items"].as_array().unwrap() {
            if item["status"] == "open" {
                let uri = format!("/api/v1/cases/{id}/offboarding/items/{}/done", item["id"]);
                self.ok(Method::POST, &uri, json!({}), StatusCode::OK).await;
            }
        }
    }

    /// Sends a step that must be refused with `status` and `code`, naming
    /// `fields`, and checks the case (document, version, history) is unchanged.
    #[expect(
        clippy::too_many_arguments,
        reason = "a test helper reads best with every expectation spelled out"
    )]
    async fn refused(
        &self,
        id: i64,
        method: Method,
        uri: &str,
        body: Value,
        status: StatusCode,
        code: &str,
        fields: &[&str],
    ) -> Value {
        let before = self.show(id).await;
        let r = self.call(method.clone(), uri, Some(body)).await;
        assert_eq!(r.status, status, "{method} {uri}: {:#}", r.json);
        assert_eq!(r.content_type, "application/problem+json");
        assert_eq!(r.json["code"], code, "{:#}", r.json);
        let named: Vec<&str> = r.json["errors"]
            .as_array()
            .map(|e| e.iter().map(|f| f["field"].as_str().unwrap()).collect())
            .unwrap_or_default();
        for field in fields {
            assert!(
                named.contains(field),
                "{field} not in {named:?}: {:#}",
                r.json
            );
        }
        assert!(!r.json["detail"].as_str().unwrap_or("").is_empty());
        let after = self.show(id).await;
        assert_eq!(before, after, "a refused step changed the case");
        r.json
    }
}

/// A public-page request from `ip`.
async fn public(
    app: &TestApp,
    method: Method,
    uri: &str,
    form: Option<&str>,
    ip: [u8; 4],
) -> (StatusCode, String, axum::http::HeaderMap) {
    let mut builder = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9");
    if form.is_some() {
        builder = builder.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    let mut request = builder
        .body(Body::from(form.unwrap_or("").to_string()))
        .unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 40000))));
    let reply = app.send(request).await;
    let body = match reply.json {
        Value::String(s) => s,
        other => other.to_string(),
    };
    (reply.status, body, reply.headers)
}

async fn a_full_case_runs_from_notice_to_won_back_through_the_api(backend: Backend) {
    let s = setup(backend).await;
    let id = s.open().await;
    let base = format!("/api/v1/cases/{id}");
    let client = format!("/api/v1/clients/{}", s.client);
    assert_eq!(
        s.call(Method::GET, &client, None).await.json["status"],
        "leaving"
    );

    // Notice correction and exit conversation.
    let mut amended = notice();
    amended["penalties"] = json!("One month if leaving before the minimum term");
    s.ok(
        Method::PUT,
        &format!("{base}/notice"),
        amended,
        StatusCode::OK,
    )
    .await;
    let case = s
        .ok(
            Method::PUT,
            &format!("{base}/exit-conversation"),
            conversation("needs_changed"),
            StatusCode::OK,
        )
        .await;
    assert_eq!(case["case"]["stage"], "exit_conversation");

    // A retention attempt from the playbook, with a client-side action and an offer.
    let case = s
        .ok(
            Method::POST,
            &format!("{base}/retention"),
            json!({"suggested": true, "owner": "ana", "due_on": "2024-03-08"}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(case["case"]["retention"]["offer"]["kind"], "pause");
    let case = s
        .ok(
            Method::POST,
            &format!("{base}/retention/actions"),
            json!({"description": "Send last quarter's usage figures", "side": "client", "owner": "Lola", "due_on": "2024-03-06"}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(case["created"], 2);
    s.ok(
        Method::PUT,
        &format!("{base}/retention/offer"),
        json!({"offer": {"kind": "pause", "description": "Two months off"}}),
        StatusCode::OK,
    )
    .await;
    for action in [1, 2] {
        s.ok(
            Method::PATCH,
            &format!("{base}/retention/actions/{action}"),
            json!({"status": "done"}),
            StatusCode::OK,
        )
        .await;
    }
    s.ok(
        Method::POST,
        &format!("{base}/retention/outcome"),
        json!({"outcome": "leaving"}),
        StatusCode::OK,
    )
    .await;

    // Offboarding: every required item done or waived, a credential handover.
    let case = s
        .ok(
            Method::POST,
            &format!("{base}/offboarding"),
            json!({"lang": "en"}),
            StatusCode::OK,
        )
        .await;
    let items = case["case"]["offboarding"]["items"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(items.len(), 8);
    let case = s
        .ok(
            Method::POST,
            &format!("{base}/offboarding/handovers"),
            json!({"account": "Google Ads admin", "recipient": "Luis (client IT)", "handed_over_on": "2024-03-20"}),
            StatusCode::CREATED,
        )
        .await;
    let handover = case["case"]["offboarding"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == case["created"])
        .unwrap()
        .clone();
    assert_eq!(handover["handover"]["channel"], "password manager");
    assert_eq!(handover["status"], "done");
    let item = s
        .ok(
            Method::POST,
            &format!("{base}/offboarding/items"),
            json!({"label": "Export of the report history", "link": "https://drive.example.com/reports"}),
            StatusCode::CREATED,
        )
        .await["created"]
        .clone();
    s.ok(
        Method::PATCH,
        &format!("{base}/offboarding/items/{item}"),
        json!({"note": "Shared with Lola"}),
        StatusCode::OK,
    )
    .await;
    for it in &items {
        let key = it["key"].as_str().unwrap();
        let uri = if key == "new_admins_assigned" {
            format!("{base}/offboarding/items/{}/waive", it["id"])
        } else {
            format!("{base}/offboarding/items/{}/done", it["id"])
        };
        let body = if key == "new_admins_assigned" {
            json!({"reason": "The client has no platforms of its own"})
        } else {
            json!({"on": "2024-03-25"})
        };
        s.ok(Method::POST, &uri, body, StatusCode::OK).await;
    }
    s.ok(
        Method::POST,
        &format!("{base}/offboarding/items/{item}/done"),
        json!({}),
        StatusCode::OK,
    )
    .await;

    // The unpaid invoice blocks closing, by name, until it is waived.
    let close = json!({"outcome": "lost", "end_on": "2024-03-31"});
    let shown = s.show(id).await;
    assert_eq!(shown["close_blockers"][0]["field"], "invoices.INV-9");
    s.refused(
        id,
        Method::POST,
        &format!("{base}/close"),
        close.clone(),
        StatusCode::CONFLICT,
        "cannot_close",
        &["invoices.INV-9"],
    )
    .await;
    s.ok(
        Method::POST,
        &format!("{base}/invoice-waivers"),
        json!({"invoice": "INV-9", "reason": "Credited against the final report"}),
        StatusCode::OK,
    )
    .await;
    assert_eq!(s.show(id).await["close_blockers"], json!([]));

    // The exit survey, answered through the public page.
    let issued = s
        .ok(
            Method::POST,
            &format!("{base}/survey"),
            json!({"scale": "one_to_five"}),
            StatusCode::CREATED,
        )
        .await;
    let path = issued["path"].as_str().unwrap().to_string();
    assert_eq!(issued["token"].as_str().unwrap().len(), 64);
    assert_eq!(issued["case"]["case"]["stage"], "feedback");
    let (status, page, headers) = public(&s.app, Method::GET, &path, None, [198, 51, 100, 1]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("How did we do?") && page.contains("name=\"testimonial\""),
        "{page}"
    );
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
    let (status, page, _) = public(
        &s.app,
        Method::POST,
        &path,
        Some("score=4&could_do_better=More+proactive+reports&would_recommend=yes&may_contact_later=yes&testimonial=Lovely+team&testimonial_consent=yes"),
        [198, 51, 100, 1],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Thank you"), "{page}");

    // Close lost: the subscription ends after the last day, the client is former.
    let case = s
        .ok(
            Method::POST,
            &format!("{base}/close"),
            close,
            StatusCode::OK,
        )
        .await;
    assert_eq!(case["case"]["stage"], "closed");
    assert_eq!(case["case"]["closure"]["outcome"], "lost");
    assert_eq!(case["case"]["closure"]["lost_mrr"], json!(450.0));
    let subs = s
        .call(Method::GET, &format!("{client}/subscriptions"), None)
        .await
        .json;
    assert_eq!(subs[0]["ended_on"], "2024-04-01");
    assert_eq!(
        s.call(Method::GET, &client, None).await.json["status"],
        "former"
    );

    // Lessons and the win-back follow-up on the due list.
    s.ok(
        Method::POST,
        &format!("{base}/lessons/actions"),
        json!({"what": "Quarterly usage review for every client", "owner": "ana", "due_on": "2024-05-01"}),
        StatusCode::CREATED,
    )
    .await;
    s.ok(
        Method::PUT,
        &format!("{base}/win-back-follow-up"),
        json!({"on": "2024-09-01"}),
        StatusCode::OK,
    )
    .await;
    let due = s
        .call(Method::GET, "/api/v1/cases/due?until=2024-09-30", None)
        .await;
    assert_eq!(due.status, StatusCode::OK);
    let kinds: Vec<&str> = due
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["corrective_action", "win_back_follow_up"]);
    s.ok(
        Method::POST,
        &format!("{base}/lessons/actions/1/done"),
        json!({}),
        StatusCode::OK,
    )
    .await;

    // The reasons matrix sees the departure; the exports open as files.
    let report = s
        .call(
            Method::GET,
            "/api/v1/reports/reasons?from=2024-01&to=2024-06&by=plan",
            None,
        )
        .await;
    assert_eq!(report.status, StatusCode::OK, "{:#}", report.json);
    assert_eq!(report.json["grand_total"]["departures"], 1);
    assert_eq!(report.json["grand_total"]["lost_mrr"], json!(450.0));
    assert_eq!(report.json["rows"][0]["label"], "growth");
    assert_eq!(report.json["reasons"][0]["key"], "needs_changed");
    let csv = s
        .call(
            Method::GET,
            "/api/v1/reports/reasons.csv?from=2024-01&to=2024-03",
            None,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let text = csv.json.as_str().unwrap().to_string();
    assert!(text.contains("\"2024-03\",1,450.00,1,450.00"), "{text}");
    let xlsx = s
        .app
        .send(
            Request::get("/api/v1/reports/reasons.xlsx?from=2024-01&to=2024-03&lang=es")
                .header(header::AUTHORIZATION, format!("Bearer {}", s.token))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx
        .content_type
        .starts_with("application/vnd.openxmlformats"));

    // Business reopens: the case is won back and the client active again.
    let won = s
        .ok(
            Method::POST,
            &format!("{client}/won-back"),
            json!({"on": "2024-10-01"}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(won["case"]["won_back_on"], "2024-10-01");
    // Former while no subscription runs (docs/clients.md); the new
    // business makes the client active.
    assert_eq!(
        s.call(Method::GET, &client, None).await.json["status"],
        "former"
    );
    s.ok(
        Method::POST,
        &format!("{client}/subscriptions"),
        json!({"subscription_ref": "NEW-1", "mrr": "300", "started_on": "2024-10-01"}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        s.call(Method::GET, &client, None).await.json["status"],
        "active"
    );
    let due = s
        .call(Method::GET, "/api/v1/cases/due?until=2024-12-31", None)
        .await;
    assert_eq!(due.json, json!([]));

    // The history has every step, with the client as the survey's actor.
    let case = s.show(id).await;
    let history = case["history"].as_array().unwrap();
    let types: Vec<&str> = history
        .iter()
        .map(|h| h["event"]["type"].as_str().unwrap())
        .collect();
    for t in [
        "opened",
        "notice_amended",
        "exit_conversation_recorded",
        "retention_started",
        "retention_outcome_recorded",
        "offboarding_started",
        "credentials_handed_over",
        "checklist_item_waived",
        "invoice_waived",
        "survey_issued",
        "survey_answered",
        "closed",
        "corrective_action_added",
        "win_back_follow_up_set",
        "won_back",
    ] {
        assert!(types.contains(&t), "{t} missing from {types:?}");
    }
    let answered = history
        .iter()
        .find(|h| h["event"]["type"] == "survey_answered")
        .unwrap();
    assert_eq!(answered["actor"]["kind"], "client");
    assert_eq!(history[0]["actor"]["name"], "ana@example.com");
    assert!(!history[0]["description"].as_str().unwrap().is_empty());
    let answer = &case["case"]["survey"]["answer"];
    assert_eq!(answer["score"]["value"], 4);
    assert_eq!(answer["testimonial"]["text"], "Lovely team");
    assert_eq!(case["version"].as_i64().unwrap() as usize, history.len());
}

async fn every_guard_answers_a_clear_error_and_changes_nothing(backend: Backend) {
    let s = setup(backend).await;
    // Opening: invalid notice names every field; a second open case is refused.
    let r = s
        .call(
            Method::POST,
            "/api/v1/cases",
            Some(json!({"client_id": s.client, "notice": {"channel": "fax"}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:#}", r.json);
    let r = s
        .call(
            Method::POST,
            "/api/v1/cases",
            Some(json!({"client_id": s.client, "notice": {"received_by": " "}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json["code"], "invalid_input");
    let fields: Vec<&str> = r.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["received_on", "channel", "received_by", "first_evaluation"]
    );
    let id = s.open().await;
    let base = format!("/api/v1/cases/{id}");
    let before = s.show(id).await;
    let r = s
        .call(
            Method::POST,
            "/api/v1/cases",
            Some(json!({"client_id": s.client, "notice": notice()})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json["code"], "case_already_open");
    assert!(r.json["detail"].as_str().unwrap().contains(&id.to_string()));
    assert_eq!(
        s.call(Method::GET, "/api/v1/cases", None).await.json["total"],
        1
    );
    assert_eq!(s.show(id).await, before);

    // Steps out of order.
    s.refused(
        id,
        Method::POST,
        &format!("{base}/close"),
        json!({"outcome": "lost"}),
        StatusCode::CONFLICT,
        "wrong_stage",
        &[],
    )
    .await;
    s.refused(
        id,
        Method::POST,
        &format!("{base}/offboarding"),
        json!({}),
        StatusCode::CONFLICT,
        "wrong_stage",
        &[],
    )
    .await;
    s.refused(
        id,
        Method::POST,
        &format!("{base}/won-back"),
        json!({}),
        StatusCode::CONFLICT,
        "wrong_stage",
        &[],
    )
    .await;
    // Reasons: unknown, retired, and a secondary repeating the primary.
    s.refused(
        id,
        Method::PUT,
        &format!("{base}/exit-conversation"),
        conversation("bad_luck"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_reason",
        &["primary_reason"],
    )
    .await;
    let r = s
        .call(
            Method::PATCH,
            "/api/v1/reasons/cheaper_competitor",
            Some(json!({"retired": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:#}", r.json);
    s.refused(
        id,
        Method::PUT,
        &format!("{base}/exit-conversation"),
        conversation("cheaper_competitor"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "retired_reason",
        &["primary_reason"],
    )
    .await;
    s.refused(
        id,
        Method::PUT,
        &format!("{base}/exit-conversation"),
        conversation("budget_cut"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "secondary_repeats_primary",
        &["secondary_reasons"],
    )
    .await;
    s.refused(
        id,
        Method::PUT,
        &format!("{base}/exit-conversation"),
        json!({"primary_reason": "budget_cut"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        &["clients_words", "controllable", "renegotiable"],
    )
    .await;
    s.ok(
        Method::PUT,
        &format!("{base}/exit-conversation"),
        conversation("price_too_high"),
        StatusCode::OK,
    )
    .await;

    // Retention: undecided attempt blocks offboarding; a discount alone warns.
    s.ok(
        Method::POST,
        &format!("{base}/retention"),
        json!({}),
        StatusCode::OK,
    )
    .await;
    s.refused(
        id,
        Method::POST,
        &format!("{base}/retention"),
        json!({"suggested": true}),
        StatusCode::CONFLICT,
        "wrong_stage",
        &[],
    )
    .await;
    s.refused(
        id,
        Method::POST,
        &format!("{base}/offboarding"),
        json!({}),
        StatusCode::CONFLICT,
        "retention_undecided",
        &["retention.outcome"],
    )
    .await;
    s.refused(
        id,
        Method::POST,
        &format!("{base}/retention/actions"),
        json!({"description": "x"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        &["side", "owner", "due_on"],
    )
    .await;
    s.refused(
        id,
        Method::PATCH,
        &format!("{base}/retention/actions/7"),
        json!({"status": "done"}),
        StatusCode::NOT_FOUND,
        "unknown_item",
        &[],
    )
    .await;
    let case = s
        .ok(
            Method::PUT,
            &format!("{base}/retention/offer"),
            json!({"offer": {"kind": "discount"}}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(case["warnings"][0]["field"], "discount_only");
    s.ok(
        Method::POST,
        &format!("{base}/retention/outcome"),
        json!({"outcome": "leaving"}),
        StatusCode::OK,
    )
    .await;
    s.ok(
        Method::POST,
        &format!("{base}/offboarding"),
        json!({}),
        StatusCode::OK,
    )
    .await;

    // Offboarding: waivers need a reason; an invoice must be the client's.
    s.refused(
        id,
        Method::POST,
        &format!("{base}/offboarding/items/1/waive"),
        json!({"reason": "  "}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "waiver_needs_reason",
        &["waiver_reason"],
    )
    .await;
    s.refused(
        id,
        Method::POST,
        &format!("{base}/offboarding/items/99/done"),
        json!({}),
        StatusCode::NOT_FOUND,
        "unknown_item",
        &[],
    )
    .await;
    s.refused(
        id,
        Method::POST,
        &format!("{base}/invoice-waivers"),
        json!({"invoice": "INV-9"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "waiver_needs_reason",
        &["waiver_reason"],
    )
    .await;
    s.refused(
        id,
        Method::POST,
        &format!("{base}/invoice-waivers"),
        json!({"invoice": "INV-404", "reason": "lost"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        &["invoice"],
    )
    .await;
    s.refused(
        id,
        Method::POST,
        &format!("{base}/offboarding/items"),
        json!({"label": "x", "link": "javascript:alert(1)"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        &["link"],
    )
    .await;
    // There is no field for a secret: a handover with a password is refused.
    let before = s.show(id).await;
    let r = s
        .call(
            Method::POST,
            &format!("{base}/offboarding/handovers"),
            Some(json!({"account": "Ads", "recipient": "Luis", "password": "hunter2"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:#}", r.json);
    assert!(r.json.to_string().contains("password"), "{:#}", r.json);
    assert!(!s.show(id).await.to_string().contains("hunter2"));
    assert_eq!(s.show(id).await, before);

    // Closing: open required items and the unpaid invoice are each named.
    let r = s
        .refused(
            id,
            Method::POST,
            &format!("{base}/close"),
            json!({"outcome": "lost", "end_on": "2024-03-31"}),
            StatusCode::CONFLICT,
            "cannot_close",
            &[
                "offboarding.items.1",
                "offboarding.items.8",
                "invoices.INV-9",
            ],
        )
        .await;
    assert!(
        r["detail"].as_str().unwrap().contains("Final report"),
        "{r:#}"
    );
    s.all_items_done(id).await;
    s.ok(
        Method::POST,
        &format!("{base}/invoice-waivers"),
        json!({"invoice": "INV-9", "reason": "Settled in kind"}),
        StatusCode::OK,
    )
    .await;
    s.refused(
        id,
        Method::POST,
        &format!("{base}/close"),
        json!({"outcome": "fired", "end_on": "2024-03-31"}),
        StatusCode::CONFLICT,
        "outcome_mismatch",
        &["outcome"],
    )
    .await;
    s.refused(
        id,
        Method::POST,
        &format!("{base}/close"),
        json!({"outcome": "lost", "end_on": "2024-02-01"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        &["end_on"],
    )
    .await;
    // A stale If-Match is refused.
    let before = s.show(id).await;
    let stale = before["version"].as_i64().unwrap() - 1;
    let r = s
        .app
        .send(
            Request::post(format!("{base}/close"))
                .header(header::AUTHORIZATION, format!("Bearer {}", s.token))
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::IF_MATCH, format!("\"{stale}\""))
                .body(Body::from(
                    json!({"outcome": "lost", "end_on": "2024-03-31"}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json["errors"][0]["field"], "version");
    assert_eq!(s.show(id).await, before);
    s.ok(
        Method::POST,
        &format!("{base}/close"),
        json!({"outcome": "lost", "end_on": "2024-03-31", "lost_mrr": 400}),
        StatusCode::OK,
    )
    .await;
    s.refused(
        id,
        Method::POST,
        &format!("{base}/won-back"),
        json!({"on": "2024-03-01"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        &["won_back_on"],
    )
    .await;

    // A team-ending case has no retention attempt.
    let r = s
        .call(
            Method::POST,
            "/api/v1/cases",
            Some(json!({"client_id": s.client, "kind": "team_ending", "notice": notice()})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:#}", r.json);
    let ending = r.json["id"].as_i64().unwrap();
    let ebase = format!("/api/v1/cases/{ending}");
    s.refused(
        ending,
        Method::PUT,
        &format!("{ebase}/exit-conversation"),
        conversation("price_too_high"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "reason_not_for_kind",
        &["primary_reason"],
    )
    .await;
    let mut conv = conversation("scope_creep");
    conv["secondary_reasons"] = json!([]);
    s.ok(
        Method::PUT,
        &format!("{ebase}/exit-conversation"),
        conv,
        StatusCode::OK,
    )
    .await;
    s.refused(
        ending,
        Method::POST,
        &format!("{ebase}/retention"),
        json!({}),
        StatusCode::CONFLICT,
        "retention_not_for_kind",
        &[],
    )
    .await;
}

async fn a_saved_client_cannot_be_won_back_and_its_promises_stay_on_the_due_list(backend: Backend) {
    let s = setup(backend).await;
    let id = s.open().await;
    let base = format!("/api/v1/cases/{id}");
    s.ok(
        Method::PUT,
        &format!("{base}/exit-conversation"),
        conversation("price_too_high"),
        StatusCode::OK,
    )
    .await;
    s.ok(
        Method::POST,
        &format!("{base}/retention"),
        json!({"suggested": true, "owner": "ana", "due_on": "2024-03-20"}),
        StatusCode::OK,
    )
    .await;
    let case = s
        .ok(
            Method::POST,
            &format!("{base}/retention/outcome"),
            json!({"outcome": "retained", "on": "2024-03-10"}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(case["case"]["closure"]["outcome"], "saved");
    assert_eq!(
        s.call(Method::GET, &format!("/api/v1/clients/{}", s.client), None)
            .await
            .json["status"],
        "active"
    );
    let due = s
        .call(Method::GET, "/api/v1/cases/due?until=2024-03-31", None)
        .await
        .json;
    assert_eq!(due[0]["kind"], "retention_promise");
    assert_eq!(due[0]["owner"], "ana");
    s.refused(
        id,
        Method::POST,
        &format!("{base}/won-back"),
        json!({}),
        StatusCode::CONFLICT,
        "cannot_win_back",
        &["won_back_on"],
    )
    .await;
    let r = s
        .call(
            Method::POST,
            &format!("/api/v1/clients/{}/won-back", s.client),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json["code"], "cannot_win_back");
    // The promise is kept after saving.
    s.ok(
        Method::PATCH,
        &format!("{base}/retention/actions/1"),
        json!({"status": "done"}),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        s.call(Method::GET, "/api/v1/cases/due?until=2024-03-31", None)
            .await
            .json,
        json!([])
    );
}

async fn another_workspace_gets_404_on_every_case_endpoint(backend: Backend) {
    let s = setup(backend).await;
    let id = s.offboarding("needs_changed").await;
    let (_, eve) = s
        .app
        .user_with_token("eve@example.com", "Other", Role::Owner)
        .await;
    let before = s.show(id).await;
    let base = format!("/api/v1/cases/{id}");
    let client = format!("/api/v1/clients/{}", s.client);
    let endpoints: Vec<(Method, String, Value)> = vec![
        (Method::GET, base.clone(), json!(null)),
        (Method::PUT, format!("{base}/notice"), notice()),
        (
            Method::PUT,
            format!("{base}/exit-conversation"),
            conversation("needs_changed"),
        ),
        (Method::POST, format!("{base}/retention"), json!({})),
        (
            Method::POST,
            format!("{base}/retention/actions"),
            json!({"description": "x", "side": "ours", "owner": "e", "due_on": "2024-03-01"}),
        ),
        (
            Method::PATCH,
            format!("{base}/retention/actions/1"),
            json!({"status": "done"}),
        ),
        (
            Method::PUT,
            format!("{base}/retention/offer"),
            json!({"offer": null}),
        ),
        (
            Method::POST,
            format!("{base}/retention/outcome"),
            json!({"outcome": "leaving"}),
        ),
        (Method::POST, format!("{base}/offboarding"), json!({})),
        (
            Method::POST,
            format!("{base}/offboarding/items"),
            json!({"label": "x"}),
        ),
        (
            Method::PATCH,
            format!("{base}/offboarding/items/1"),
            json!({"note": "x"}),
        ),
        (
            Method::POST,
            format!("{base}/offboarding/items/1/done"),
            json!({}),
        ),
        (
            Method::POST,
            format!("{base}/offboarding/items/1/waive"),
            json!({"reason": "x"}),
        ),
        (
            Method::POST,
            format!("{base}/offboarding/items/1/reopen"),
            json!({}),
        ),
        (
            Method::POST,
            format!("{base}/offboarding/handovers"),
            json!({"account": "a", "recipient": "b", "handed_over_on": "2024-03-01"}),
        ),
        (
            Method::POST,
            format!("{base}/invoice-waivers"),
            json!({"invoice": "INV-9", "reason": "x"}),
        ),
        (Method::POST, format!("{base}/survey"), json!({})),
        (
            Method::POST,
            format!("{base}/close"),
            json!({"outcome": "lost"}),
        ),
        (
            Method::POST,
            format!("{base}/lessons/actions"),
            json!({"what": "x", "owner": "e", "due_on": "2024-03-01"}),
        ),
        (
            Method::POST,
            format!("{base}/lessons/actions/1/done"),
            json!({}),
        ),
        (
            Method::PUT,
            format!("{base}/win-back-follow-up"),
            json!({"on": "2024-09-01"}),
        ),
        (Method::POST, format!("{base}/won-back"), json!({})),
        (Method::POST, format!("{client}/won-back"), json!({})),
        (
            Method::POST,
            "/api/v1/cases".to_string(),
            json!({"client_id": s.client, "notice": notice()}),
        ),
    ];
    for (method, uri, body) in endpoints {
        let body = (!body.is_null()).then_some(body);
        let r = s.app.call(method.clone(), &uri, Some(&eve), body).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{method} {uri}: {:#}",
            r.json
        );
        assert_eq!(r.json["code"], "not_found");
    }
    assert_eq!(s.show(id).await, before);
    // Listings, settings and reports of the other workspace show none of it.
    for uri in ["/api/v1/cases", "/api/v1/cases?stage=offboarding"] {
        let r = s.app.call(Method::GET, uri, Some(&eve), None).await;
        assert_eq!(r.json["items"], json!([]), "{uri}");
        assert_eq!(r.json["total"], 0, "{uri}");
    }
    let r = s
        .app
        .call(
            Method::GET,
            "/api/v1/cases/due?until=2100-01-01",
            Some(&eve),
            None,
        )
        .await;
    assert_eq!(r.json, json!([]));
    let r = s
        .app
        .call(
            Method::PATCH,
            "/api/v1/reasons/budget_cut",
            Some(&eve),
            Some(json!({"retired": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let mine = s.call(Method::GET, "/api/v1/reasons", None).await.json;
    assert_eq!(mine["version"], 0);
    let report = s
        .app
        .call(
            Method::GET,
            "/api/v1/reports/reasons?from=2024-01&to=2024-12",
            Some(&eve),
            None,
        )
        .await;
    assert_eq!(report.json["grand_total"]["departures"], 0);
}

async fn the_reason_list_and_templates_are_settings_of_the_workspace(backend: Backend) {
    let s = setup(backend).await;
    let r = s.call(Method::GET, "/api/v1/reasons", None).await;
    assert_eq!(r.json["version"], 0);
    assert!(r.json["reasons"].as_array().unwrap().len() >= 9);
    let r = s
        .call(Method::POST, "/api/v1/reasons", Some(json!({"key": "slow_support", "label_en": "Support too slow", "label_es": "Soporte lento", "about_quality_of_work": true})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:#}", r.json);
    assert_eq!(r.json["version"], 1);
    let r = s
        .call(
            Method::POST,
            "/api/v1/reasons",
            Some(json!({"key": "slow_support", "label_en": "x", "label_es": "y"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json["code"], "reason_key_taken");
    let r = s
        .call(
            Method::POST,
            "/api/v1/reasons",
            Some(json!({"key": "Bad Key"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = r.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["key", "label_en", "label_es"]);
    let r = s.call(Method::PATCH, "/api/v1/reasons/slow_support", Some(json!({"label_en": "Support answered too slowly", "playbook": {"offer": "senior_call", "actions": ["Call with the head of support"]}}))).await;
    assert_eq!(r.status, StatusCode::OK, "{:#}", r.json);
    let r = s
        .call(
            Method::PATCH,
            "/api/v1/reasons/no_such_reason",
            Some(json!({"retired": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json["code"], "unknown_reason");

    // A quality-of-work reason: the survey asks no testimonial.
    let id = s.offboarding("slow_support").await;
    s.all_items_done(id).await;
    let issued = s
        .ok(
            Method::POST,
            &format!("/api/v1/cases/{id}/survey"),
            json!({}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(
        issued["case"]["case"]["survey"]["testimonial_requested"],
        false
    );
    let path = issued["path"].as_str().unwrap();
    let (status, page, _) = public(&s.app, Method::GET, path, None, [198, 51, 100, 2]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("name=\"testimonial\""));
    let (status, page, _) = public(
        &s.app,
        Method::POST,
        path,
        Some("score=7&testimonial=Great"),
        [198, 51, 100, 2],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(
        page.contains("The testimonial could not be taken"),
        "{page}"
    );

    // Templates per service type.
    let r = s
        .call(Method::GET, "/api/v1/checklist-templates", None)
        .await;
    assert_eq!(r.json["version"], 0);
    let default = r.json["templates"][0].clone();
    let seo = json!({"name": "SEO offboarding", "service_type": "seo", "items": [
        {"key": "search_console", "label_en": "Search Console ownership transferred", "label_es": "Propiedad de Search Console transferida", "required": true}
    ]});
    let r = s
        .call(
            Method::PUT,
            "/api/v1/checklist-templates",
            Some(json!({"version": 0, "templates": [default, seo]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:#}", r.json);
    let r = s
        .call(
            Method::PUT,
            "/api/v1/checklist-templates",
            Some(json!({"version": 0, "templates": []})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let other = s
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(json!({"name": "Search Co"})),
        )
        .await
        .json["id"]
        .clone();
    let case = s
        .ok(
            Method::POST,
            "/api/v1/cases",
            json!({"client_id": other, "notice": notice()}),
            StatusCode::CREATED,
        )
        .await;
    let cbase = format!("/api/v1/cases/{}", case["id"]);
    s.ok(
        Method::PUT,
        &format!("{cbase}/exit-conversation"),
        conversation("needs_changed"),
        StatusCode::OK,
    )
    .await;
    let case = s
        .ok(
            Method::POST,
            &format!("{cbase}/offboarding"),
            json!({"service_type": "SEO", "lang": "es"}),
            StatusCode::OK,
        )
        .await;
    let items = case["case"]["offboarding"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["label"], "Propiedad de Search Console transferida");
}

async fn a_survey_link_is_answered_once_and_never_after_it_expires(backend: Backend) {
    let s = setup(backend).await;
    let id = s.offboarding("needs_changed").await;
    let issued = s
        .ok(
            Method::POST,
            &format!("/api/v1/cases/{id}/survey"),
            json!({"expires_in_days": 3}),
            StatusCode::CREATED,
        )
        .await;
    let path = issued["path"].as_str().unwrap().to_string();
    let ip = [198, 51, 100, 3];
    let (status, page, _) = public(&s.app, Method::POST, &path, Some("score=11"), ip).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Choose a score on the scale."), "{page}");
    let (status, page, _) = public(
        &s.app,
        Method::POST,
        &path,
        Some("score=9&testimonial=Great&"),
        ip,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("consent"), "{page}");
    let before = s.show(id).await;
    assert!(before["case"]["survey"]["answer"].is_null());
    let (status, _, _) = public(&s.app, Method::POST, &path, Some("score=9"), ip).await;
    assert_eq!(status, StatusCode::OK);
    let answered = s.show(id).await;
    let (status, page, _) = public(&s.app, Method::POST, &path, Some("score=2"), ip).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("Already answered"), "{page}");
    let (status, page, _) = public(&s.app, Method::GET, &path, None, ip).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("already answered"), "{page}");
    assert_eq!(s.show(id).await, answered);
    assert_eq!(answered["case"]["survey"]["answer"]["score"]["value"], 9);
    // A new link cannot be issued for an answered survey.
    s.refused(
        id,
        Method::POST,
        &format!("/api/v1/cases/{id}/survey"),
        json!({}),
        StatusCode::CONFLICT,
        "survey_already_answered",
        &[],
    )
    .await;
    let (status, page, _) = public(
        &s.app,
        Method::GET,
        "/s/0000000000000000000000000000000000000000000000000000000000000000",
        None,
        ip,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("Link not found"));

    // A link issued 20 days ago for 14 days has expired: refused, in Spanish too.
    let other = s
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(json!({"name": "Old Co"})),
        )
        .await
        .json["id"]
        .as_i64()
        .unwrap();
    let old = s
        .ok(
            Method::POST,
            "/api/v1/cases",
            json!({"client_id": other, "notice": notice()}),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_i64()
        .unwrap();
    s.ok(
        Method::PUT,
        &format!("/api/v1/cases/{old}/exit-conversation"),
        conversation("needs_changed"),
        StatusCode::OK,
    )
    .await;
    s.ok(
        Method::POST,
        &format!("/api/v1/cases/{old}/offboarding"),
        json!({}),
        StatusCode::OK,
    )
    .await;
    let ws = s
        .app
        .store()
        .find_workspace("Acme Agency")
        .await
        .unwrap()
        .unwrap();
    let mut cx =
        churnwise_app::cases::CaseContext::for_user(s.app.store().as_ref(), ws.id, "ana").unwrap();
    cx.now = chrono::Utc::now() - chrono::Duration::days(20);
    let applied = churnwise_app::cases::apply(
        &cx,
        CaseId(old),
        None,
        churnwise_app::cases::Step::IssueSurvey {
            scale: None,
            expires_in_days: Some(14),
        },
    )
    .await
    .unwrap();
    let old_path = format!("/s/{}", applied.survey_token.unwrap().expose());
    let before = s.show(old).await;
    let (status, page, _) = public(&s.app, Method::GET, &old_path, None, ip).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("expired"), "{page}");
    let (status, _, _) = public(&s.app, Method::POST, &old_path, Some("score=5"), ip).await;
    assert_eq!(status, StatusCode::GONE);
    let mut request = Request::get(&old_path)
        .header(header::ACCEPT_LANGUAGE, "es-ES,es;q=0.9")
        .body(Body::empty())
        .unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([198, 51, 100, 4], 1))));
    let reply = s.app.send(request).await;
    assert!(reply
        .json
        .as_str()
        .unwrap()
        .contains("Este enlace ha caducado"));
    assert_eq!(s.show(old).await, before);
}

async fn the_public_survey_endpoints_are_rate_limited_per_address(backend: Backend) {
    let s = setup(backend).await;
    let bogus = "/s/1111111111111111111111111111111111111111111111111111111111111111";
    for _ in 0..10 {
        let (status, _, _) = public(&s.app, Method::GET, bogus, None, [203, 0, 113, 7]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, body, headers) = public(
        &s.app,
        Method::POST,
        bogus,
        Some("score=1"),
        [203, 0, 113, 7],
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(
        headers[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    // Another address is not affected; the API is not limited.
    let (status, _, _) = public(&s.app, Method::GET, bogus, None, [203, 0, 113, 8]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        s.call(Method::GET, "/api/v1/cases", None).await.status,
        StatusCode::OK
    );
}

async fn a_viewer_reads_cases_but_cannot_change_them(backend: Backend) {
    let s = setup(backend).await;
    let id = s.open().await;
    let (_, viewer) = s
        .app
        .user_with_token("vic@example.com", "Acme Agency", Role::Viewer)
        .await;
    let r = s
        .app
        .call(
            Method::GET,
            &format!("/api/v1/cases/{id}"),
            Some(&viewer),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let before = s.show(id).await;
    let r = s
        .app
        .call(
            Method::PUT,
            &format!("/api/v1/cases/{id}/exit-conversation"),
            Some(&viewer),
            Some(conversation("needs_changed")),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = s
        .app
        .call(
            Method::POST,
            "/api/v1/reasons",
            Some(&viewer),
            Some(json!({"key": "x"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(s.show(id).await, before);
}

async fn an_imported_new_subscription_wins_back_a_former_client(backend: Backend) {
    let s = setup(backend).await;
    let id = s.offboarding("needs_changed").await;
    s.all_items_done(id).await;
    let base = format!("/api/v1/cases/{id}");
    s.ok(
        Method::POST,
        &format!("{base}/invoice-waivers"),
        json!({"invoice": "INV-9", "reason": "Settled"}),
        StatusCode::OK,
    )
    .await;
    s.ok(
        Method::POST,
        &format!("{base}/close"),
        json!({"outcome": "lost", "end_on": "2024-03-31"}),
        StatusCode::OK,
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("subscriptions.csv");
    let client = format!("/api/v1/clients/{}", s.client);
    // Back-filled history wins nothing back.
    std::fs::write(&file, "subscription_id,customer_id,plan,mrr,started_on,ended_on\nOLD-1,C-LOLA,basic,10.00,2022-01-01,2022-06-01\n").unwrap();
    let (ok, out, err) = crate::support::churnwise(
        &s.app.t.url,
        &["import", "subscriptions", file.to_str().unwrap()],
    );
    assert!(ok, "{err}");
    assert!(!out.contains("won back"), "{out}");
    assert_eq!(
        s.call(Method::GET, &client, None).await.json["status"],
        "former"
    );
    // A new running subscription in the file does, once.
    std::fs::write(&file, "subscription_id,customer_id,plan,mrr,started_on,ended_on\nOLD-1,C-LOLA,basic,10.00,2022-01-01,2022-06-01\nSUB-2,C-LOLA,growth,300.00,2024-10-01,\n").unwrap();
    let (ok, out, err) = crate::support::churnwise(
        &s.app.t.url,
        &["import", "subscriptions", file.to_str().unwrap()],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains(&format!(
            "Bakery Lola: won back (a new subscription runs; departure case {id} records it)"
        )),
        "{out}"
    );
    assert_eq!(s.show(id).await["case"]["won_back_on"], "2024-10-01");
    assert_eq!(
        s.call(Method::GET, &client, None).await.json["status"],
        "active"
    );
    let last = s.show(id).await["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["event"]["type"], "won_back");
    assert_eq!(last["actor"]["kind"], "system");
    // Importing the same file again changes nothing.
    let (ok, out, _) = crate::support::churnwise(
        &s.app.t.url,
        &["import", "subscriptions", file.to_str().unwrap()],
    );
    assert!(ok && !out.contains("won back"), "{out}");
}

async fn new_business_with_a_former_client_wins_back_its_latest_departure(backend: Backend) {
    let s = setup(backend).await;
    let id = s.offboarding("needs_changed").await;
    s.all_items_done(id).await;
    let base = format!("/api/v1/cases/{id}");
    s.ok(
        Method::POST,
        &format!("{base}/invoice-waivers"),
        json!({"invoice": "INV-9", "reason": "Settled"}),
        StatusCode::OK,
    )
    .await;
    s.ok(
        Method::POST,
        &format!("{base}/close"),
        json!({"outcome": "lost", "end_on": "2024-03-31"}),
        StatusCode::OK,
    )
    .await;
    let subs = format!("/api/v1/clients/{}/subscriptions", s.client);
    // A segment of the past (back-filled history) wins nothing back.
    s.ok(Method::POST, &subs, json!({"subscription_ref": "OLD-1", "mrr": 10, "started_on": "2022-01-01", "ended_on": "2022-06-01"}), StatusCode::CREATED).await;
    assert!(s.show(id).await["case"]["won_back_on"].is_null());
    let client = format!("/api/v1/clients/{}", s.client);
    assert_eq!(
        s.call(Method::GET, &client, None).await.json["status"],
        "former"
    );
    // A new running subscription does.
    s.ok(
        Method::POST,
        &subs,
        json!({"subscription_ref": "SUB-2", "mrr": 300, "started_on": "2024-10-01"}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(s.show(id).await["case"]["won_back_on"], "2024-10-01");
    assert_eq!(
        s.call(Method::GET, &client, None).await.json["status"],
        "active"
    );
    let history = s.show(id).await["history"].clone();
    assert_eq!(
        history.as_array().unwrap().last().unwrap()["event"]["type"],
        "won_back"
    );
}

both_backends!(
    new_business_with_a_former_client_wins_back_its_latest_departure,
    a_full_case_runs_from_notice_to_won_back_through_the_api,
    an_imported_new_subscription_wins_back_a_former_client,
    every_guard_answers_a_clear_error_and_changes_nothing,
    a_saved_client_cannot_be_won_back_and_its_promises_stay_on_the_due_list,
    another_workspace_gets_404_on_every_case_endpoint,
    the_reason_list_and_templates_are_settings_of_the_workspace,
    a_survey_link_is_answered_once_and_never_after_it_expires,
    the_public_survey_endpoints_are_rate_limited_per_address,
    a_viewer_reads_cases_but_cannot_change_them,
);

#[tokio::test]
async fn every_case_route_is_in_the_openapi_document() {
    let app = TestApp::new(Backend::Sqlite).await;
    let doc = app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .json;
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/cases",
        "/api/v1/cases/due",
        "/api/v1/cases/{id}",
        "/api/v1/cases/{id}/notice",
        "/api/v1/cases/{id}/exit-conversation",
        "/api/v1/cases/{id}/retention",
        "/api/v1/cases/{id}/retention/actions",
        "/api/v1/cases/{id}/retention/actions/{action}",
        "/api/v1/cases/{id}/retention/offer",
        "/api/v1/cases/{id}/retention/outcome",
        "/api/v1/cases/{id}/offboarding",
        "/api/v1/cases/{id}/offboarding/items",
        "/api/v1/cases/{id}/offboarding/items/{item}",
        "/api/v1/cases/{id}/offboarding/items/{item}/done",
        "/api/v1/cases/{id}/offboarding/items/{item}/waive",
        "/api/v1/cases/{id}/offboarding/items/{item}/reopen",
        "/api/v1/cases/{id}/offboarding/handovers",
        "/api/v1/cases/{id}/invoice-waivers",
        "/api/v1/cases/{id}/survey",
        "/api/v1/cases/{id}/close",
        "/api/v1/cases/{id}/lessons/actions",
        "/api/v1/cases/{id}/lessons/actions/{action}/done",
        "/api/v1/cases/{id}/win-back-follow-up",
        "/api/v1/cases/{id}/won-back",
        "/api/v1/clients/{id}/won-back",
        "/api/v1/reasons",
        "/api/v1/reasons/{key}",
        "/api/v1/checklist-templates",
        "/api/v1/reports/reasons",
        "/api/v1/reports/reasons.xlsx",
        "/api/v1/reports/reasons.csv",
    ] {
        assert!(paths.contains_key(path), "{path} is not documented");
    }
    // Request bodies are documented field by field, with their allowed values.
    let schemas = &doc["components"]["schemas"];
    for (schema, field) in [
        ("NoticeInput", "received_on"),
        ("RelationshipEvaluationInput", "our_commitments_met"),
        ("ExitConversationInput", "primary_reason"),
        ("CredentialHandoverInput", "recipient"),
        ("CloseInput", "lost_mrr"),
        ("NewCorrectiveActionInput", "due_on"),
    ] {
        assert!(
            schemas[schema]["properties"][field].is_object(),
            "{schema}.{field} is not documented"
        );
    }
    assert!(schemas["NoticeChannel"].to_string().contains("letter"));
}

/// Times whole cases run through the step service (not a pass/fail test:
/// `cargo test --test app -- --ignored --nocapture step_timings`).
async fn step_timings_are_printed(backend: Backend) {
    use churnwise_app::cases::{self, CaseContext, Step};
    let s = setup(backend).await;
    let ws = s
        .app
        .store()
        .find_workspace("Acme Agency")
        .await
        .unwrap()
        .unwrap();
    let store = s.app.store().as_ref();
    let cx = CaseContext::for_user(store, ws.id, "ana").unwrap();
    let mut clients = Vec::new();
    for i in 0..40 {
        let r = s
            .call(
                Method::POST,
                "/api/v1/clients",
                Some(json!({"name": format!("Client {i}")})),
            )
            .await;
        clients.push(churnwise_store::ClientId(r.json["id"].as_i64().unwrap()));
    }
    let notice: churnwise_domain::departure::NoticeInput =
        serde_json::from_value(notice()).unwrap();
    let conversation: churnwise_domain::departure::ExitConversationInput =
        serde_json::from_value(conversation("needs_changed")).unwrap();
    let started = std::time::Instant::now();
    let mut steps = 0;
    for client in clients {
        let case = cases::open_case(
            &cx,
            client,
            churnwise_domain::departure::DepartureKind::ClientLeaving,
            notice.clone(),
        )
        .await
        .unwrap();
        let mut run = vec![
            Step::ExitConversation {
                conversation: conversation.clone(),
            },
            Step::BeginOffboarding {
                service_type: None,
                lang: None,
            },
        ];
        for item in 1..=8 {
            run.push(Step::CompleteChecklistItem {
                id: churnwise_domain::text::ItemId(item),
                on: None,
            });
        }
        run.push(Step::Close {
            close: churnwise_domain::departure::CloseInput {
                outcome: Some(churnwise_domain::departure::Outcome::Lost),
                end_on: Some("2024-03-31".parse().unwrap()),
                ..Default::default()
            },
        });
        steps += 1 + run.len();
        for step in run {
            cases::apply(&cx, case.id, None, step).await.unwrap();
        }
    }
    let elapsed = started.elapsed();
    let shown = std::time::Instant::now();
    for _ in 0..40 {
        s.call(Method::GET, "/api/v1/cases/1", None).await;
    }
    let show = shown.elapsed() / 40;
    let reported = std::time::Instant::now();
    let report = s
        .call(
            Method::GET,
            "/api/v1/reports/reasons?from=2024-01&to=2024-12&by=plan",
            None,
        )
        .await;
    assert_eq!(report.json["grand_total"]["departures"], 40);
    println!(
        "{backend:?}: {steps} steps in {elapsed:?} ({:?} per step); show with history {show:?}; reasons report over 40 departures {:?}",
        elapsed / steps as u32,
        reported.elapsed()
    );
}

mod timings {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "prints timings; run on demand"]
    async fn step_timings_on_sqlite() {
        super::step_timings_are_printed(churnwise_store_tests::Backend::Sqlite).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "prints timings; run on demand"]
    async fn step_timings_on_postgres() {
        super::step_timings_are_printed(churnwise_store_tests::Backend::Postgres).await
    }
}
