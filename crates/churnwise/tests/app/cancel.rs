//! Issue 17, the self-service cancel page (spec/integrations.md §2): the
//! secret (owners, shown once, sealed), the signed link (ok, wrong, old:
//! nothing recorded), either ending recorded as a self-service departure
//! case, the offers' checks, A/B variants that stick, and isolation between
//! workspaces. On both backends.

use crate::both_backends;
use crate::support::{Reply, TestApp};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use chrono::Utc;
use churnwise_app::cancel_flow::sign;
use churnwise_domain::departure::{NoticeChannel, Stage};
use churnwise_domain::registry::{ClientStatus, Role};
use churnwise_domain::retention::{OfferKind, RetentionOutcome};
use churnwise_domain::Money;
use churnwise_store::{
    CaseFilter, ClientId, NewClient, NewSubscription, Store, StoredCase, WorkspaceId,
};
use churnwise_store_tests::Backend;
use churnwise_web::AppState;
use serde_json::{json, Value};

const SECRET_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

async fn app_with_key(backend: Backend) -> TestApp {
    let t = backend.fresh().await;
    let mut state = AppState::new(t.store.clone());
    state.stripe.secrets.env_key = Some(SECRET_KEY.to_string());
    let app = churnwise_web::app(state);
    TestApp { t, app }
}

/// A workspace with an owner token, its public id and secret.
pub(crate) struct Business {
    pub(crate) ws: WorkspaceId,
    pub(crate) token: String,
    pub(crate) public_id: String,
    pub(crate) secret: String,
}

pub(crate) async fn business(app: &TestApp, name: &str) -> Business {
    let (ws, token) = app
        .user_with_token(&format!("owner@{name}.test"), name, Role::Owner)
        .await;
    let made = app
        .call(
            Method::POST,
            "/api/v1/cancel-page/secret",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{:?}", made.json);
    Business {
        ws: ws.id,
        token,
        public_id: made.json["workspace_public_id"].as_str().unwrap().into(),
        secret: made.json["cancel_secret"].as_str().unwrap().into(),
    }
}

pub(crate) async fn client(
    s: &dyn Store,
    ws: WorkspaceId,
    external: &str,
    mrr_cents: i64,
) -> ClientId {
    let c = s
        .create_client(
            ws,
            NewClient {
                external_id: Some(external.into()),
                name: format!("Client {external}"),
                status: ClientStatus::Active,
                owner: None,
                segment: None,
                keep_in_touch_days: 365,
                notes: None,
            },
        )
        .await
        .unwrap()
        .id;
    s.add_subscription(
        ws,
        c,
        NewSubscription {
            subscription_ref: format!("sub-{external}"),
            plan: None,
            mrr: Money::from_cents(mrr_cents),
            started_on: Utc::now().date_naive() - chrono::Days::new(100),
            ended_on: None,
            notice_period_days: None,
            minimum_term_months: None,
        },
    )
    .await
    .unwrap();
    c
}

pub(crate) fn link_query(secret: &str, customer: &str, ts: i64) -> String {
    format!(
        "customer={customer}&ts={ts}&sig={}",
        sign(secret, customer, ts)
    )
}

async fn open(app: &TestApp, public_id: &str, query: &str, lang: &str) -> Reply {
    app.send(
        Request::builder()
            .uri(format!("/cancel/{public_id}?{query}"))
            .header(header::ACCEPT_LANGUAGE, lang)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

pub(crate) async fn post(app: &TestApp, public_id: &str, form: &str, lang: &str) -> Reply {
    app.send(
        Request::builder()
            .method(Method::POST)
            .uri(format!("/cancel/{public_id}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT_LANGUAGE, lang)
            .body(Body::from(form.to_string()))
            .unwrap(),
    )
    .await
}

pub(crate) fn text(reply: &Reply) -> String {
    String::from_utf8_lossy(&reply.bytes).into_owned()
}

pub(crate) async fn cases_of(app: &TestApp, ws: WorkspaceId, c: ClientId) -> Vec<StoredCase> {
    app.store()
        .list_cases(
            ws,
            &CaseFilter {
                client: Some(c),
                ..CaseFilter::default()
            },
        )
        .await
        .unwrap()
}

async fn sessions(app: &TestApp, ws: WorkspaceId) -> usize {
    let now = Utc::now();
    app.store()
        .cancel_sessions_between(
            ws,
            now - chrono::Duration::days(1),
            now + chrono::Duration::days(1),
        )
        .await
        .unwrap()
        .len()
}

async fn status(app: &TestApp, ws: WorkspaceId, c: ClientId) -> ClientStatus {
    app.store().get_client(ws, c).await.unwrap().unwrap().status
}

pub(crate) async fn set_offers(app: &TestApp, b: &Business, offers: Value) -> Reply {
    app.call(
        Method::PUT,
        "/api/v1/cancel-page/offers",
        Some(&b.token),
        Some(json!({ "offers": offers })),
    )
    .await
}

fn fields(reply: &Reply) -> Vec<String> {
    reply.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect()
}

async fn the_secret_is_for_owners_shown_once_and_stored_sealed(backend: Backend) {
    let app = app_with_key(backend).await;
    let b = business(&app, "acme").await;
    assert!(b.public_id.len() >= 16, "{}", b.public_id);
    assert_ne!(b.public_id, b.ws.0.to_string());
    assert!(b.secret.len() >= 32);
    for role in [Role::Manager, Role::Member] {
        let (_, token) = app
            .user_with_token(&format!("{role:?}@acme.test"), "acme", role)
            .await;
        let refused = app
            .call(
                Method::POST,
                "/api/v1/cancel-page/secret",
                Some(&token),
                None,
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{role:?}");
    }
    let shown = app
        .call(Method::GET, "/api/v1/cancel-page", Some(&b.token), None)
        .await;
    assert_eq!(shown.status, StatusCode::OK, "{:?}", shown.json);
    assert_eq!(shown.json["workspace_public_id"], b.public_id.as_str());
    assert_eq!(shown.json["secret_set"], true);
    assert!(!shown.json.to_string().contains(&b.secret));
    assert!(shown.json["offers"].as_array().is_some());
    let stored = app.store().cancel_page(b.ws).await.unwrap().unwrap();
    let sealed = stored.secret_sealed.unwrap();
    assert!(!sealed.contains(&b.secret));
    // A new secret: links signed with the old one stop working.
    let again = app
        .call(
            Method::POST,
            "/api/v1/cancel-page/secret",
            Some(&b.token),
            None,
        )
        .await;
    assert_eq!(again.json["workspace_public_id"], b.public_id.as_str());
    assert_ne!(again.json["cancel_secret"], b.secret.as_str());
    client(app.store().as_ref(), b.ws, "cus_1", 5000).await;
    let old = open(
        &app,
        &b.public_id,
        &link_query(&b.secret, "cus_1", Utc::now().timestamp()),
        "en",
    )
    .await;
    assert_eq!(old.status, StatusCode::FORBIDDEN);
}

async fn a_signed_link_opens_the_page_and_bad_or_old_links_record_nothing(backend: Backend) {
    let app = app_with_key(backend).await;
    let b = business(&app, "acme").await;
    let c = client(app.store().as_ref(), b.ws, "cus_1", 5000).await;
    let now = Utc::now().timestamp();

    let wrong_sig = format!("customer=cus_1&ts={now}&sig={}", "ab".repeat(32));
    let old_ts = now - 3601;
    let future_ts = now + 3600;
    for (query, expected) in [
        (wrong_sig.clone(), StatusCode::FORBIDDEN),
        (
            format!("customer=cus_1&ts={now}&sig=not-hex"),
            StatusCode::FORBIDDEN,
        ),
        (link_query(&b.secret, "cus_2", now), StatusCode::FORBIDDEN),
        (link_query("other", "cus_1", now), StatusCode::FORBIDDEN),
        (link_query(&b.secret, "cus_1", old_ts), StatusCode::GONE),
        (link_query(&b.secret, "cus_1", future_ts), StatusCode::GONE),
    ] {
        let reply = open(&app, &b.public_id, &query, "en").await;
        assert_eq!(reply.status, expected, "{query}");
        assert!(!text(&reply).contains("Client cus_1"));
    }
    let unknown = open(
        &app,
        "0123456789abcdef",
        &link_query(&b.secret, "cus_1", now),
        "en",
    )
    .await;
    assert_eq!(unknown.status, StatusCode::FORBIDDEN);
    let gone = open(
        &app,
        &b.public_id,
        &link_query(&b.secret, "cus_1", old_ts),
        "es",
    )
    .await;
    assert!(text(&gone).contains("ya no es válido"), "{}", text(&gone));
    // A post with a bad or old link records nothing either.
    for form in [
        format!("{wrong_sig}&step=decide&reason=needs_changed&decision=cancel"),
        format!(
            "{}&step=decide&reason=needs_changed&decision=cancel",
            link_query(&b.secret, "cus_1", old_ts)
        ),
    ] {
        let reply = post(&app, &b.public_id, &form, "en").await;
        assert!(
            [StatusCode::FORBIDDEN, StatusCode::GONE].contains(&reply.status),
            "{}",
            reply.status
        );
    }
    assert_eq!(sessions(&app, b.ws).await, 0);
    assert!(cases_of(&app, b.ws, c).await.is_empty());

    let ok = open(
        &app,
        &b.public_id,
        &link_query(&b.secret, "cus_1", now),
        "es",
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    let page = text(&ok);
    assert!(
        page.contains("<legend>¿Por qué cancelas?</legend>"),
        "{page}"
    );
    assert!(page.contains("Cuesta demasiado para lo que obtengo"));
    assert!(page.contains("name=\"sig\""));
    assert!(page.contains("acme"));
    assert_eq!(
        ok.headers.get(header::REFERRER_POLICY).unwrap(),
        "same-origin"
    );
    assert_eq!(sessions(&app, b.ws).await, 1);
    assert!(cases_of(&app, b.ws, c).await.is_empty());
}

async fn cancelling_records_a_self_service_case_and_the_client_is_leaving(backend: Backend) {
    let app = app_with_key(backend).await;
    let b = business(&app, "acme").await;
    let c = client(app.store().as_ref(), b.ws, "cus_1", 5000).await;
    let set = set_offers(
        &app,
        &b,
        json!([{"reason": "needs_changed", "kind": "pause", "months": 2}]),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.json);
    // An endpoint listening for the cancel flow (spec §3).
    let hook = app
        .call(
            Method::POST,
            "/api/v1/webhooks",
            Some(&b.token),
            Some(json!({"url": "http://127.0.0.1:9/hook", "events": ["cancel_flow.completed"]})),
        )
        .await;
    assert_eq!(hook.status, StatusCode::CREATED, "{:?}", hook.json);
    let link = link_query(&b.secret, "cus_1", Utc::now().timestamp());

    let missing = post(&app, &b.public_id, &format!("{link}&step=reason"), "en").await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&missing).contains("Choose a reason."));

    let step = post(
        &app,
        &b.public_id,
        &format!("{link}&step=reason&reason=needs_changed&words=We+closed+the+shop"),
        "en",
    )
    .await;
    assert_eq!(step.status, StatusCode::OK);
    let page = text(&step);
    assert!(
        page.contains("Pause your subscription for 2 months"),
        "{page}"
    );
    assert!(page.contains("Cancel my subscription"));
    assert!(page.contains("Accept this offer"));
    assert!(cases_of(&app, b.ws, c).await.is_empty(), "nothing yet");

    let decide =
        format!("{link}&step=decide&reason=needs_changed&words=We+closed+the+shop&decision=cancel");
    let done = post(&app, &b.public_id, &decide, "en").await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(text(&done).contains("Your subscription is cancelled"));

    let cases = cases_of(&app, b.ws, c).await;
    assert_eq!(cases.len(), 1);
    let case = &cases[0].case;
    assert_eq!(case.notice().channel(), NoticeChannel::SelfService);
    let talk = case.exit_conversation().unwrap();
    assert_eq!(talk.primary_reason().as_str(), "needs_changed");
    assert_eq!(talk.clients_words().to_string(), "We closed the shop");
    let plan = case.retention().unwrap();
    assert_eq!(plan.offer().unwrap().kind, OfferKind::Pause);
    assert_eq!(plan.outcome(), Some(RetentionOutcome::Leaving));
    assert!(case.is_open());
    assert_eq!(status(&app, b.ws, c).await, ClientStatus::Leaving);

    // The same link again: recorded once.
    let again = post(&app, &b.public_id, &decide, "en").await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(text(&again).contains("already recorded"));
    assert_eq!(cases_of(&app, b.ws, c).await.len(), 1);

    // One `cancel_flow.completed` event in the outbox, with the spec's data.
    let events = outbox(&app.t.url).await;
    let completed: Vec<&(String, String)> = events
        .iter()
        .filter(|(t, _)| t == "cancel_flow.completed")
        .collect();
    assert_eq!(completed.len(), 1, "{events:?}");
    let data: serde_json::Value = serde_json::from_str(&completed[0].1).unwrap();
    assert_eq!(
        data,
        json!({"customer": "cus_1", "reason": "needs_changed", "words": "We closed the shop",
               "decision": "cancelled", "offer": data["offer"].clone()})
    );
    assert_eq!(data["offer"]["kind"], "pause", "{data}");
}

/// The outbox's events (type, data) in the database at `url`.
async fn outbox(url: &str) -> Vec<(String, String)> {
    crate::support::raw_rows(
        url,
        "SELECT event_type, data FROM outbox_events ORDER BY id",
    )
    .await
}

async fn accepting_an_offer_closes_the_case_as_saved_and_the_client_stays(backend: Backend) {
    let app = app_with_key(backend).await;
    let b = business(&app, "acme").await;
    let c = client(app.store().as_ref(), b.ws, "cus_1", 5000).await;
    // Without offers set, the suggestions apply: price → a discount.
    let link = link_query(&b.secret, "cus_1", Utc::now().timestamp());
    let step = post(
        &app,
        &b.public_id,
        &format!("{link}&step=reason&reason=price_too_high"),
        "es",
    )
    .await;
    assert!(
        text(&step).contains("20 % de descuento durante 3 meses"),
        "{}",
        text(&step)
    );
    assert!(text(&step).contains("Cancelar mi suscripción"));
    let done = post(
        &app,
        &b.public_id,
        &format!("{link}&step=decide&reason=price_too_high&decision=accept"),
        "es",
    )
    .await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(text(&done).contains("Gracias por quedarte"));
    let cases = cases_of(&app, b.ws, c).await;
    assert_eq!(cases.len(), 1);
    let case = &cases[0].case;
    assert_eq!(case.stage(), Stage::Closed);
    assert_eq!(
        case.outcome(),
        Some(churnwise_domain::departure::Outcome::Saved)
    );
    assert_eq!(
        case.retention().unwrap().outcome(),
        Some(RetentionOutcome::Retained)
    );
    assert_eq!(
        case.retention().unwrap().offer().unwrap().kind,
        OfferKind::Discount
    );
    assert!(case
        .exit_conversation()
        .unwrap()
        .clients_words()
        .to_string()
        .contains("No words added"));
    assert_eq!(status(&app, b.ws, c).await, ClientStatus::Active);
    let now = Utc::now();
    let recorded = app
        .store()
        .cancel_sessions_between(
            b.ws,
            now - chrono::Duration::days(1),
            now + chrono::Duration::days(1),
        )
        .await
        .unwrap();
    let completion = recorded[0].completion.as_ref().unwrap();
    assert_eq!(completion.decision, "accepted_offer");
    assert_eq!(completion.saved_mrr_cents, 5000);
    assert_eq!(recorded[0].case_id, Some(cases[0].id));
}

async fn a_reason_without_offer_shows_only_the_cancel_button(backend: Backend) {
    let app = app_with_key(backend).await;
    let b = business(&app, "acme").await;
    let c = client(app.store().as_ref(), b.ws, "cus_1", 5000).await;
    assert_eq!(set_offers(&app, &b, json!([])).await.status, StatusCode::OK);
    let link = link_query(&b.secret, "cus_1", Utc::now().timestamp());
    let step = post(
        &app,
        &b.public_id,
        &format!("{link}&step=reason&reason=price_too_high"),
        "en",
    )
    .await;
    let page = text(&step);
    assert!(page.contains("Confirm your cancellation"));
    assert!(page.contains("Cancel my subscription"));
    assert!(!page.contains("Accept this offer"));
    // Accepting an offer that was never shown is refused, nothing recorded.
    let refused = post(
        &app,
        &b.public_id,
        &format!("{link}&step=decide&reason=price_too_high&decision=accept"),
        "en",
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(cases_of(&app, b.ws, c).await.is_empty());
    let done = post(
        &app,
        &b.public_id,
        &format!("{link}&step=decide&reason=price_too_high&decision=cancel"),
        "en",
    )
    .await;
    assert_eq!(done.status, StatusCode::OK);
    let cases = cases_of(&app, b.ws, c).await;
    assert_eq!(cases[0].case.stage(), Stage::ExitConversation);
    assert!(cases[0].case.retention().is_none());
    assert_eq!(status(&app, b.ws, c).await, ClientStatus::Leaving);
}

async fn offers_are_checked_field_by_field_and_a_refusal_changes_nothing(backend: Backend) {
    let app = app_with_key(backend).await;
    let b = business(&app, "acme").await;
    let before = app
        .call(Method::GET, "/api/v1/cancel-page", Some(&b.token), None)
        .await;
    assert_eq!(before.json["offers_suggested"], true);
    let refused = set_offers(
        &app,
        &b,
        json!([
            {"reason": "needs_changed", "kind": "pause", "months": 4},
            {"reason": "price_too_high", "kind": "discount", "percent": 101, "months": 0},
            {"reason": "nope", "kind": "talk_to_us"},
            {"reason": "budget_cut", "kind": "gift"},
            {"reason": "other", "kind": "talk_to_us", "variant": "b"},
        ]),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&refused),
        [
            "offers[0].months",
            "offers[1].percent",
            "offers[1].months",
            "offers[2].reason",
            "offers[3].kind",
            "offers[4].variant"
        ]
    );
    let after = app
        .call(Method::GET, "/api/v1/cancel-page", Some(&b.token), None)
        .await;
    assert_eq!(after.json, before.json);
    let (_, member) = app
        .user_with_token("m@acme.test", "acme", Role::Member)
        .await;
    let forbidden = app
        .call(
            Method::PUT,
            "/api/v1/cancel-page/offers",
            Some(&member),
            Some(json!({"offers": []})),
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let ok = set_offers(
        &app,
        &b,
        json!([{"reason": "budget_cut", "kind": "cheaper_plan", "plan": "Basic, 9 € a month", "price_id": "price_123"}]),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.json);
    assert_eq!(ok.json["offers_suggested"], false);
    assert_eq!(
        ok.json["offers"],
        json!([{"reason": "budget_cut", "variant": "a", "kind": "cheaper_plan", "plan": "Basic, 9 € a month", "price_id": "price_123"}])
    );
}

async fn a_customer_keeps_the_variant_drawn_once(backend: Backend) {
    let app = app_with_key(backend).await;
    let b = business(&app, "acme").await;
    for i in 0..6 {
        client(app.store().as_ref(), b.ws, &format!("cus_{i}"), 1000).await;
    }
    let set = set_offers(
        &app,
        &b,
        json!([
            {"reason": "needs_changed", "kind": "pause", "months": 1},
            {"reason": "needs_changed", "kind": "pause", "months": 3, "variant": "b"},
        ]),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.json);
    for i in 0..6 {
        let customer = format!("cus_{i}");
        let mut seen = Vec::new();
        for _ in 0..3 {
            let link = link_query(&b.secret, &customer, Utc::now().timestamp());
            let step = post(
                &app,
                &b.public_id,
                &format!("{link}&step=reason&reason=needs_changed"),
                "en",
            )
            .await;
            let page = text(&step);
            seen.push(page.contains("for 3 months"));
            assert!(page.contains("for 3 months") || page.contains("for one month"));
        }
        assert!(seen.iter().all(|s| *s == seen[0]), "{customer}: {seen:?}");
        let stored = app
            .store()
            .cancel_variant(b.ws, &customer, "needs_changed", "a")
            .await
            .unwrap();
        assert_eq!(stored == "b", seen[0], "{customer}");
    }
}

async fn a_link_works_only_for_its_own_workspace(backend: Backend) {
    let app = app_with_key(backend).await;
    let a = business(&app, "acme").await;
    let b = business(&app, "globex").await;
    client(app.store().as_ref(), a.ws, "cus_a", 1000).await;
    let cb = client(app.store().as_ref(), b.ws, "cus_b", 1000).await;
    let now = Utc::now().timestamp();
    // Globex's customer through Acme's page, signed with either secret.
    for secret in [&a.secret, &b.secret] {
        let reply = open(&app, &a.public_id, &link_query(secret, "cus_b", now), "en").await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
    }
    // Acme's link on Globex's page.
    let reply = open(
        &app,
        &b.public_id,
        &link_query(&a.secret, "cus_a", now),
        "en",
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let form = format!(
        "{}&step=decide&reason=needs_changed&decision=cancel",
        link_query(&a.secret, "cus_b", now)
    );
    assert_eq!(
        post(&app, &a.public_id, &form, "en").await.status,
        StatusCode::FORBIDDEN
    );
    assert!(cases_of(&app, b.ws, cb).await.is_empty());
    let other = app
        .call(Method::GET, "/api/v1/cancel-page", Some(&b.token), None)
        .await;
    assert_eq!(other.json["workspace_public_id"], b.public_id.as_str());
    assert_ne!(a.public_id, b.public_id);
}

/// The fenced blocks of docs/cancel-page.md in `lang` that contain `marker`.
fn doc_snippet(lang: &str, marker: &str) -> String {
    let doc = include_str!("../../../../docs/cancel-page.md");
    let fence = format!("```{lang}\n");
    doc.split(&fence)
        .skip(1)
        .filter_map(|rest| rest.split("\n```").next())
        .find(|code| code.contains(marker))
        .unwrap_or_else(|| panic!("no {lang} block with {marker} in docs/cancel-page.md"))
        .to_string()
}

/// Runs `program` with the script on stdin; `None` when it is not installed.
fn run_script(program: &str, args: &[&str], script: &str) -> Option<String> {
    use std::io::Write;
    let mut child = match std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!(
                "note: {program} is not installed: its snippet of docs/cancel-page.md is not run"
            );
            return None;
        }
        Err(e) => panic!("{program}: {e}"),
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

async fn the_documented_snippets_build_links_churnwise_accepts(backend: Backend) {
    let app = app_with_key(backend).await;
    let b = business(&app, "acme").await;
    let c = client(app.store().as_ref(), b.ws, "cus_1", 1000).await;
    let ts = Utc::now().timestamp();
    let base = "https://churn.example.com";
    let args = format!(
        "\"{base}\", \"{}\", \"{}\", \"cus_1\", {ts}",
        b.public_id, b.secret
    );
    let runs = [
        (
            "python3",
            vec!["-"],
            format!(
                "{}\nprint(cancel_link({args}))\n",
                doc_snippet("python", "def cancel_link")
            ),
        ),
        (
            "node",
            vec![],
            format!(
                "{}\nconsole.log(cancelLink({args}));\n",
                doc_snippet("javascript", "function cancelLink")
            ),
        ),
        (
            "ruby",
            vec![],
            format!(
                "{}\nputs cancel_link({args})\n",
                doc_snippet("ruby", "def cancel_link")
            ),
        ),
    ];
    let mut ran = 0;
    for (program, argv, script) in runs {
        let Some(url) = run_script(program, &argv, &script) else {
            continue;
        };
        ran += 1;
        let expected = format!(
            "{base}/cancel/{}?customer=cus_1&ts={ts}&sig={}",
            b.public_id,
            sign(&b.secret, "cus_1", ts)
        );
        assert_eq!(url, expected, "{program}");
        let path = url.strip_prefix(base).unwrap();
        let (_, query) = path.split_once('?').unwrap();
        let opened = open(&app, &b.public_id, query, "en").await;
        assert_eq!(opened.status, StatusCode::OK, "{program}");
    }
    assert!(ran >= 1, "python3 is on every machine the suite runs on");
    assert_eq!(sessions(&app, b.ws).await, 1);
    assert!(cases_of(&app, b.ws, c).await.is_empty());

    // The webhook check: HMAC(secret, "t." + body) is `sign(secret, t, body)`
    // when the body is a number.
    let verify = doc_snippet("python", "def verify_churnwise_signature");
    let header = format!("t={ts},v1={}", sign("whsec_x", &ts.to_string(), 42));
    let script = format!(
        "{verify}\nprint(verify_churnwise_signature(\"whsec_x\", \"{header}\", b\"42\"), \
         verify_churnwise_signature(\"whsec_x\", \"{header}\", b\"43\"), \
         verify_churnwise_signature(\"whsec_y\", \"{header}\", b\"42\"))\n"
    );
    assert_eq!(
        run_script("python3", &["-"], &script).unwrap(),
        "True False False"
    );
}

async fn the_report_counts_sessions_saves_reasons_and_offers_by_month(backend: Backend) {
    let app = app_with_key(backend).await;
    let b = business(&app, "acme").await;
    for (c, mrr) in [("cus_1", 5000), ("cus_2", 3000), ("cus_3", 1000)] {
        client(app.store().as_ref(), b.ws, c, mrr).await;
    }
    let now = Utc::now().timestamp();
    let decide = |customer: &str, reason: &str, decision: &str| {
        format!(
            "{}&step=decide&reason={reason}&decision={decision}",
            link_query(&b.secret, customer, now)
        )
    };
    let saved = post(
        &app,
        &b.public_id,
        &decide("cus_1", "price_too_high", "accept"),
        "en",
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK);
    let gone = post(
        &app,
        &b.public_id,
        &decide("cus_2", "needs_changed", "cancel"),
        "en",
    )
    .await;
    assert_eq!(gone.status, StatusCode::OK);
    let opened = open(
        &app,
        &b.public_id,
        &link_query(&b.secret, "cus_3", now),
        "en",
    )
    .await;
    assert_eq!(opened.status, StatusCode::OK);

    let month = Utc::now().format("%Y-%m").to_string();
    let before = (Utc::now().date_naive() - chrono::Days::new(40))
        .format("%Y-%m")
        .to_string();
    let reply = app
        .call(
            Method::GET,
            &format!("/api/v1/reports/cancel-flow?from={before}&to={month}"),
            Some(&b.token),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.json);
    let months = reply.json["months"].as_array().unwrap();
    assert_eq!(months.last().unwrap()["month"], month.as_str());
    assert_eq!(months[0]["sessions"], 0);
    let total = &reply.json["total"];
    assert_eq!(total["sessions"], 3);
    assert_eq!(total["saves"], 1);
    assert_eq!(total["cancelled"], 1);
    assert_eq!(total["saved_mrr_cents"], 5000);
    assert_eq!(
        total["reasons"],
        json!([{"reason": "needs_changed", "count": 1}, {"reason": "price_too_high", "count": 1}])
    );
    assert_eq!(
        total["offers"],
        json!([
            {"kind": "discount", "variant": "a", "shown": 1, "accepted": 1, "accept_rate_pct": 100.0},
            {"kind": "pause", "variant": "a", "shown": 1, "accepted": 0, "accept_rate_pct": 0.0},
        ])
    );
    assert_eq!(months.last().unwrap()["saves"], 1);

    let refused = app
        .call(
            Method::GET,
            "/api/v1/reports/cancel-flow?to=2026-13",
            Some(&b.token),
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&refused), ["from", "to"]);
    // Another workspace sees none of it.
    let other = business(&app, "globex").await;
    let theirs = app
        .call(
            Method::GET,
            &format!("/api/v1/reports/cancel-flow?from={month}&to={month}"),
            Some(&other.token),
            None,
        )
        .await;
    assert_eq!(theirs.json["total"]["sessions"], 0);
}

// --- Settings → Cancel page (round 2) ---

/// A one-pixel PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

async fn upload_logo(
    app: &TestApp,
    jar: &crate::pages::Jar,
    csrf: &str,
    file: &[u8],
    kind: &str,
) -> Reply {
    let boundary = "XcancelBoundaryX";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"logo\"\r\nContent-Type: {kind}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    app.send(
        Request::post("/settings/cancel-page/logo")
            .header(header::COOKIE, jar.header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

async fn page_settings(app: &TestApp, b: &Business) -> Value {
    app.call(Method::GET, "/api/v1/cancel-page", Some(&b.token), None)
        .await
        .json
}

async fn logo_of(app: &TestApp, public_id: &str) -> Reply {
    app.send(
        Request::get(format!("/cancel/{public_id}/logo"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

async fn the_settings_page_is_for_managers_and_makes_a_secret_for_owners_once(backend: Backend) {
    use crate::pages::{csrf_of, get, html, post as post_form, sign_in};
    let app = app_with_key(backend).await;
    let b = business(&app, "acme").await;
    app.user_with_token("max@acme.test", "acme", Role::Member)
        .await;
    app.user_with_token("mia@acme.test", "acme", Role::Manager)
        .await;

    let member = sign_in(&app, "max@acme.test").await;
    let r = get(&app, "/settings/cancel-page", &member, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let settings = get(&app, "/settings", &member, None).await;
    assert!(!html(&settings).contains("/settings/cancel-page"));

    // A manager sees the page, the public id and the link format, but
    // cannot make a secret.
    let manager = sign_in(&app, "mia@acme.test").await;
    let settings = get(&app, "/settings", &manager, None).await;
    assert!(html(&settings).contains("href=\"/settings/cancel-page\""));
    let page = get(&app, "/settings/cancel-page", &manager, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = html(&page);
    assert!(text.contains(&format!(
        "<code id=\"cancel-public-id\">{}</code>",
        b.public_id
    )));
    assert!(text.contains(&format!("{}?customer=", b.public_id)));
    assert!(text.contains("id=\"cancel-secret-set\""));
    assert!(!text.contains("id=\"cancel-secret-form\""));
    let csrf = csrf_of(text);
    let refused = post_form(
        &app,
        "/settings/cancel-page/secret",
        &manager,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // The old secret still signs working links.
    let c = client(app.store().as_ref(), b.ws, "cus_1", 5000).await;
    let now = Utc::now().timestamp();
    let works = open(
        &app,
        &b.public_id,
        &link_query(&b.secret, "cus_1", now),
        "en",
    )
    .await;
    assert_eq!(works.status, StatusCode::OK);

    // The owner makes a new secret: shown once, with the warning; the old
    // links stop working, links signed with the new one work.
    let owner = sign_in(&app, "owner@acme.test").await;
    let page = get(&app, "/settings/cancel-page", &owner, None).await;
    let text = html(&page);
    assert!(text.contains("id=\"cancel-secret-warning\""));
    let csrf = csrf_of(text);
    let made = post_form(
        &app,
        "/settings/cancel-page/secret",
        &owner,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(made.status, StatusCode::OK);
    let text = html(&made);
    let marker = "id=\"cancel-secret-value\">";
    let start = text.find(marker).expect("the secret is shown") + marker.len();
    let secret = &text[start..start + 64];
    assert!(secret.chars().all(|ch| ch.is_ascii_hexdigit()), "{secret}");
    assert_ne!(secret, b.secret);
    let again = get(&app, "/settings/cancel-page", &owner, None).await;
    assert!(!html(&again).contains(secret));
    assert!(!html(&again).contains("cancel-secret-value"));
    let old = open(
        &app,
        &b.public_id,
        &link_query(&b.secret, "cus_1", now),
        "en",
    )
    .await;
    assert_eq!(old.status, StatusCode::FORBIDDEN);
    let new = open(&app, &b.public_id, &link_query(secret, "cus_1", now), "en").await;
    assert_eq!(new.status, StatusCode::OK);
    assert!(cases_of(&app, b.ws, c).await.is_empty());

    // Spanish.
    let es = get(&app, "/settings/cancel-page", &owner, Some("es")).await;
    assert!(
        html(&es).contains("Crear un secreto nuevo"),
        "{}",
        html(&es)
    );
    assert!(html(&es).contains("Ofertas por motivo"));
}

async fn the_settings_page_saves_offers_name_and_logo_and_a_refusal_changes_nothing(
    backend: Backend,
) {
    use crate::pages::{csrf_of, get, html, location, post as post_form, sign_in};
    let app = app_with_key(backend).await;
    let b = business(&app, "acme").await;
    app.user_with_token("mia@acme.test", "acme", Role::Manager)
        .await;
    let jar = sign_in(&app, "mia@acme.test").await;
    let page = get(&app, "/settings/cancel-page", &jar, None).await;
    let text = html(&page);
    // One row per reason a leaving client may choose, suggestions shown.
    assert!(text.contains("id=\"offer-price_too_high\""));
    assert!(text.contains("id=\"offer-budget_cut\""));
    assert!(text.contains("id=\"cancel-offers-suggested\""));
    let csrf = csrf_of(text);

    // Offers saved: a discount with a pause as variant B, a talk-to-us.
    let saved = post_form(
        &app,
        "/settings/cancel-page/offers",
        &jar,
        &[
            ("csrf", &csrf),
            ("price_too_high.a.kind", "discount"),
            ("price_too_high.a.percent", "20"),
            ("price_too_high.a.months", "3"),
            ("price_too_high.b.kind", "pause"),
            ("price_too_high.b.months", "2"),
            ("budget_cut.a.kind", "talk_to_us"),
            ("budget_cut.b.kind", "none"),
            ("needs_changed.a.kind", "none"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    assert_eq!(location(&saved), "/settings/cancel-page?notice=offers");
    let settings = page_settings(&app, &b).await;
    assert_eq!(settings["offers_suggested"], false);
    assert_eq!(
        settings["offers"],
        json!([
            {"reason": "price_too_high", "variant": "a", "kind": "discount", "percent": 20, "months": 3},
            {"reason": "price_too_high", "variant": "b", "kind": "pause", "months": 2},
            {"reason": "budget_cut", "variant": "a", "kind": "talk_to_us"},
        ])
    );
    // The page shows what was saved.
    let page = get(&app, "/settings/cancel-page?notice=offers", &jar, None).await;
    let text = html(&page);
    assert!(text.contains("The offers were saved."));
    assert!(text.contains("name=\"price_too_high.a.percent\" inputmode=\"numeric\" maxlength=\"6\" size=\"6\" value=\"20\""));
    assert!(text.contains("<option value=\"pause\" selected>"));

    // Refused: each bad field named next to it, what was typed kept,
    // nothing changed.
    let refused = post_form(
        &app,
        "/settings/cancel-page/offers",
        &jar,
        &[
            ("csrf", &csrf),
            ("price_too_high.a.kind", "discount"),
            ("price_too_high.a.percent", "lots"),
            ("price_too_high.a.months", "13"),
            ("budget_cut.b.kind", "pause"),
            ("budget_cut.b.months", "1"),
            ("other.a.kind", "cheaper_plan"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = html(&refused);
    assert!(text.contains("id=\"cancel-errors\""));
    assert!(
        text.contains("id=\"f-price_too_high-a-percent-error\""),
        "{text}"
    );
    assert!(text.contains("id=\"f-price_too_high-a-months-error\""));
    assert!(text.contains("id=\"f-budget_cut-b-kind-error\""));
    assert!(text.contains("id=\"f-other-a-plan-error\""));
    assert!(!text.contains("id=\"f-price_too_high-b-months-error\""));
    assert!(text.contains("value=\"lots\""));
    assert_eq!(page_settings(&app, &b).await, settings);

    // The display name: too long refused next to the field, then saved.
    let long = "x".repeat(201);
    let refused = post_form(
        &app,
        "/settings/cancel-page/display-name",
        &jar,
        &[("csrf", &csrf), ("display_name", &long)],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&refused).contains("id=\"f-display-name-error\""));
    assert_eq!(page_settings(&app, &b).await["display_name"], "acme");
    let named = post_form(
        &app,
        "/settings/cancel-page/display-name",
        &jar,
        &[("csrf", &csrf), ("display_name", "Acme Yoga")],
    )
    .await;
    assert_eq!(named.status, StatusCode::SEE_OTHER);
    assert_eq!(page_settings(&app, &b).await["display_name"], "Acme Yoga");

    // The logo: a PNG is served back as it was sent; a GIF or an empty file
    // is refused and the PNG stays; a too large one is refused.
    assert_eq!(
        logo_of(&app, &b.public_id).await.status,
        StatusCode::NOT_FOUND
    );
    let up = upload_logo(&app, &jar, &csrf, PNG, "image/png").await;
    assert_eq!(up.status, StatusCode::SEE_OTHER, "{}", html(&up));
    let served = logo_of(&app, &b.public_id).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(&served.bytes[..], PNG);
    for (file, kind) in [
        (&b"GIF89a\x01\x00\x01\x00"[..], "image/png"),
        (&b""[..], "image/png"),
        (&vec![0xFFu8; 300 * 1024][..], "image/jpeg"),
    ] {
        let refused = upload_logo(&app, &jar, &csrf, file, kind).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html(&refused).contains("id=\"f-logo-error\""));
        assert_eq!(&logo_of(&app, &b.public_id).await.bytes[..], PNG);
    }
    let forged = upload_logo(&app, &jar, &"0".repeat(64), PNG, "image/png").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let removed = post_form(
        &app,
        "/settings/cancel-page/logo/delete",
        &jar,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        logo_of(&app, &b.public_id).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn the_dashboard_shows_the_cancel_page_figures_once_a_secret_is_made(backend: Backend) {
    use crate::pages::{get, html, sign_in};
    let app = app_with_key(backend).await;
    // Without a secret and sessions, no section.
    let (_, _) = app
        .user_with_token("owner@quiet.test", "quiet", Role::Owner)
        .await;
    let quiet = sign_in(&app, "owner@quiet.test").await;
    let month = Utc::now().format("%Y-%m").to_string();
    let range = format!("/dashboard?from={month}&to={month}");
    let page = get(&app, &range, &quiet, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!html(&page).contains("id=\"cancel-flow\""));
    assert!(!html(&page).contains("chart-cancel-flow"));

    let b = business(&app, "acme").await;
    let jar = sign_in(&app, "owner@acme.test").await;
    let page = get(&app, &range, &jar, None).await;
    let text = html(&page);
    assert!(
        text.contains("id=\"cancel-flow\""),
        "a secret shows the section"
    );
    assert!(text.contains("id=\"cancel-total-sessions\">0<"));
    assert!(text.contains("id=\"cancel-offers-none\""));

    // One customer saved by the suggested discount, one who cancels.
    client(app.store().as_ref(), b.ws, "cus_1", 5000).await;
    client(app.store().as_ref(), b.ws, "cus_2", 7000).await;
    let now = Utc::now().timestamp();
    let saved = link_query(&b.secret, "cus_1", now);
    open(&app, &b.public_id, &saved, "en").await;
    let done = post(
        &app,
        &b.public_id,
        &format!("{saved}&step=decide&reason=price_too_high&decision=accept"),
        "en",
    )
    .await;
    assert_eq!(done.status, StatusCode::OK);
    let gone = link_query(&b.secret, "cus_2", now);
    open(&app, &b.public_id, &gone, "en").await;
    let done = post(
        &app,
        &b.public_id,
        &format!("{gone}&step=decide&reason=price_too_high&decision=cancel"),
        "en",
    )
    .await;
    assert_eq!(done.status, StatusCode::OK);

    let page = get(&app, &range, &jar, None).await;
    let text = html(&page);
    assert!(text.contains("id=\"cancel-total-sessions\">2<"), "{text}");
    assert!(text.contains("id=\"cancel-total-saves\">1<"));
    assert!(text.contains(&format!("<tr data-month=\"{month}\"><th scope=\"row\">")));
    assert!(text.contains("data-saved-mrr-cents=\"5000\""));
    // The discount was shown twice and accepted once: 50 %.
    let row = text
        .find("data-offer=\"discount-a\"")
        .expect("the discount's row");
    assert!(
        text[row..].contains("data-accept-rate=\"50"),
        "{}",
        &text[row..row + 400]
    );
    assert!(text.contains("data-reason=\"price_too_high\""));
    assert!(text.contains("chart-cancel-flow-data"));
    // Spanish.
    let es = get(&app, &range, &jar, Some("es")).await;
    assert!(html(&es).contains("Página de baja: ofertas y motivos"));
    assert!(html(&es).contains("Tasa de aceptación"));
    // Another workspace still has no section.
    let page = get(&app, &range, &quiet, None).await;
    assert!(!html(&page).contains("id=\"cancel-flow\""));
}

async fn erasing_a_client_clears_their_words_on_the_cancel_page(backend: Backend) {
    let app = app_with_key(backend).await;
    let b = business(&app, "acme").await;
    let c = client(app.store().as_ref(), b.ws, "cus_1", 5000).await;
    let other = client(app.store().as_ref(), b.ws, "cus_2", 5000).await;
    let now = Utc::now().timestamp();
    for customer in ["cus_1", "cus_2"] {
        let link = link_query(&b.secret, customer, now);
        open(&app, &b.public_id, &link, "en").await;
        let done = post(
            &app,
            &b.public_id,
            &format!(
                "{link}&step=decide&reason=needs_changed&words=My+secret+plans&decision=cancel"
            ),
            "en",
        )
        .await;
        assert_eq!(done.status, StatusCode::OK);
    }
    let words = |app: &TestApp| {
        let store = app.store().clone();
        let ws = b.ws;
        async move {
            let now = Utc::now();
            let mut all: Vec<(ClientId, Option<String>)> = store
                .cancel_sessions_between(
                    ws,
                    now - chrono::Duration::days(1),
                    now + chrono::Duration::days(1),
                )
                .await
                .unwrap()
                .into_iter()
                .map(|s| (s.client, s.completion.and_then(|c| c.words)))
                .collect();
            all.sort_by_key(|(c, _)| c.0);
            all
        }
    };
    let before = words(&app).await;
    assert_eq!(
        before,
        vec![
            (c, Some("My secret plans".to_string())),
            (other, Some("My secret plans".to_string()))
        ]
    );
    let erased = app
        .call(
            Method::POST,
            &format!("/api/v1/clients/{}/erase", c.0),
            Some(&b.token),
            None,
        )
        .await;
    assert_eq!(erased.status, StatusCode::OK, "{:?}", erased.json);
    assert_eq!(
        words(&app).await,
        vec![(c, None), (other, Some("My secret plans".to_string()))]
    );
}

both_backends!(
    the_secret_is_for_owners_shown_once_and_stored_sealed,
    a_signed_link_opens_the_page_and_bad_or_old_links_record_nothing,
    cancelling_records_a_self_service_case_and_the_client_is_leaving,
    accepting_an_offer_closes_the_case_as_saved_and_the_client_stays,
    a_reason_without_offer_shows_only_the_cancel_button,
    offers_are_checked_field_by_field_and_a_refusal_changes_nothing,
    a_customer_keeps_the_variant_drawn_once,
    a_link_works_only_for_its_own_workspace,
    the_documented_snippets_build_links_churnwise_accepts,
    the_report_counts_sessions_saves_reasons_and_offers_by_month,
    the_settings_page_is_for_managers_and_makes_a_secret_for_owners_once,
    the_settings_page_saves_offers_name_and_logo_and_a_refusal_changes_nothing,
    the_dashboard_shows_the_cancel_page_figures_once_a_secret_is_made,
    erasing_a_client_clears_their_words_on_the_cancel_page,
);
