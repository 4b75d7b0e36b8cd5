//! Issue 17, the cancel page's decision applied in Stripe (spec §2,
//! docs/cancel-page.md "In Stripe"), on both backends. Against localstripe
//! (PyPI): "cancel" sets `cancel_at_period_end` on the customer's
//! subscription; a customer without a live subscription keeps the case
//! and shows the failure on the case page (en/es) and in the case's API
//! view. localstripe has no `pause_collection` and no subscription
//! discounts, so the pause and the coupon are checked against a small fake
//! HTTP server in the test that records what churnwise sends.

use crate::both_backends;
use crate::cancel::{business, cases_of, client, link_query, post, set_offers, text, Business};
use crate::pages::{get, html, sign_in};
use crate::stripe_sync::FakeStripe;
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use chrono::Utc;
use churnwise_domain::departure::Stage;
use churnwise_store_tests::Backend;
use churnwise_web::AppState;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

const SECRET_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// The application with a sealing key, reaching Stripe at `api_base`.
async fn app_with(backend: Backend, api_base: &str) -> TestApp {
    let t = backend.fresh().await;
    let mut state = AppState::new(t.store.clone());
    state.stripe.secrets.env_key = Some(SECRET_KEY.to_string());
    state.stripe.api_base = api_base.to_string();
    let app = churnwise_web::app(state);
    TestApp { t, app }
}

async fn connect(app: &TestApp, b: &Business) {
    let put = app
        .call(
            Method::PUT,
            "/api/v1/integrations/stripe",
            Some(&b.token),
            Some(json!({"api_key": "sk_test_churnwise"})),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{:?}", put.json);
}

/// Walks the link of `customer` to its end: `reason`, then `decision`
/// (`cancel` or `accept`).
async fn decide(app: &TestApp, b: &Business, customer: &str, reason: &str, decision: &str) {
    let link = link_query(&b.secret, customer, Utc::now().timestamp());
    let done = post(
        app,
        &b.public_id,
        &format!("{link}&step=decide&reason={reason}&decision={decision}"),
        "en",
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", text(&done));
}

async fn stripe_errors(app: &TestApp, b: &Business) -> Vec<Option<String>> {
    let now = Utc::now();
    app.store()
        .cancel_sessions_between(
            b.ws,
            now - chrono::Duration::days(1),
            now + chrono::Duration::days(1),
        )
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.stripe_error)
        .collect()
}

async fn cancelling_sets_cancel_at_period_end_in_localstripe(backend: Backend) {
    let stripe = FakeStripe::start();
    let app = app_with(backend, &stripe.base).await;
    let b = business(&app, "acme").await;
    connect(&app, &b).await;
    stripe.post(
        "/v1/plans",
        &[
            ("id", "basic"),
            ("amount", "4900"),
            ("currency", "eur"),
            ("interval", "month"),
            ("product[name]", "Basic"),
        ],
    );
    let customer = stripe.paying_customer(&[("name", "Acme")]);
    let sub = stripe.post(
        "/v1/subscriptions",
        &[("customer", &customer), ("items[0][plan]", "basic")],
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Another customer's subscription is left alone.
    let other = stripe.paying_customer(&[("name", "Bolt")]);
    let other_sub = stripe.post(
        "/v1/subscriptions",
        &[("customer", &other), ("items[0][plan]", "basic")],
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let c = client(app.store().as_ref(), b.ws, &customer, 4900).await;

    decide(&app, &b, &customer, "needs_changed", "cancel").await;

    let after = stripe.get(&format!("/v1/subscriptions/{sub}"));
    assert_eq!(after["cancel_at_period_end"], true, "{after}");
    assert_eq!(
        after["status"], "active",
        "still running to the period's end"
    );
    let untouched = stripe.get(&format!("/v1/subscriptions/{other_sub}"));
    assert_eq!(untouched["cancel_at_period_end"], false);
    assert_eq!(stripe_errors(&app, &b).await, vec![None]);
    let cases = cases_of(&app, b.ws, c).await;
    assert_eq!(cases.len(), 1);
    let view = app
        .call(
            Method::GET,
            &format!("/api/v1/cases/{}", cases[0].id.0),
            Some(&b.token),
            None,
        )
        .await;
    assert_eq!(view.status, StatusCode::OK);
    assert!(view.json.get("stripe_failures").is_none(), "{}", view.json);
}

async fn a_failure_in_stripe_keeps_the_case_and_shows_on_it(backend: Backend) {
    let stripe = FakeStripe::start();
    let app = app_with(backend, &stripe.base).await;
    let b = business(&app, "acme").await;
    connect(&app, &b).await;
    // A Stripe customer without any subscription.
    let customer = stripe.post("/v1/customers", &[("name", "Acme")])["id"]
        .as_str()
        .unwrap()
        .to_string();
    let c = client(app.store().as_ref(), b.ws, &customer, 5000).await;

    decide(&app, &b, &customer, "price_too_high", "accept").await;

    // The case is recorded as saved all the same.
    let cases = cases_of(&app, b.ws, c).await;
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].case.stage(), Stage::Closed);
    let errors = stripe_errors(&app, &b).await;
    let why = errors[0].clone().expect("the failure is stored");
    assert!(
        why.contains(&format!("customer {customer} has no active subscription")),
        "{why}"
    );
    // The case's API view lists it.
    let view = app
        .call(
            Method::GET,
            &format!("/api/v1/cases/{}", cases[0].id.0),
            Some(&b.token),
            None,
        )
        .await;
    assert_eq!(view.status, StatusCode::OK);
    let failures = view.json["stripe_failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "{}", view.json);
    assert_eq!(failures[0]["decision"], "accepted_offer");
    assert_eq!(failures[0]["error"], why.as_str());
    // The case page shows it, in English and in Spanish.
    let jar = sign_in(&app, "owner@acme.test").await;
    let path = format!("/cases/{}", cases[0].id.0);
    let en = get(&app, &path, &jar, Some("en")).await;
    assert_eq!(en.status, StatusCode::OK);
    let page = html(&en);
    assert!(page.contains("Not applied in Stripe"), "{page}");
    assert!(page.contains("has no active subscription"));
    assert!(page.contains("The accepted offer"));
    let es = get(&app, &path, &jar, Some("es")).await;
    assert!(html(&es).contains("No aplicado en Stripe"), "{}", html(&es));
    // Another workspace's case is not found.
    let (_, other_token) = app
        .user_with_token(
            "owner@bolt.test",
            "bolt",
            churnwise_domain::registry::Role::Owner,
        )
        .await;
    let hidden = app
        .call(
            Method::GET,
            &format!("/api/v1/cases/{}", cases[0].id.0),
            Some(&other_token),
            None,
        )
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);

    // Without Stripe connected nothing is tried and nothing is shown.
    let put = app
        .call(
            Method::PUT,
            "/api/v1/integrations/stripe",
            Some(&b.token),
            Some(json!({"api_key": null})),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK);
    let c2 = client(app.store().as_ref(), b.ws, "cus_unlinked", 5000).await;
    decide(&app, &b, "cus_unlinked", "needs_changed", "cancel").await;
    assert_eq!(cases_of(&app, b.ws, c2).await.len(), 1);
    let errors = stripe_errors(&app, &b).await;
    assert_eq!(
        errors.iter().filter(|e| e.is_some()).count(),
        1,
        "{errors:?}"
    );
}

/// What the fake Stripe received: method, path, form, idempotency key.
#[derive(Debug, Clone)]
struct Call {
    method: String,
    path: String,
    form: Vec<(String, String)>,
    key: Option<String>,
}

/// A fake of the few Stripe calls localstripe lacks: the customer `cus_1`
/// has `sub_1` (active) and `sub_0` (canceled); coupons are unknown until
/// made; every update succeeds.
async fn fake_stripe() -> (Arc<Mutex<Vec<Call>>>, String) {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, Uri};
    use axum::response::IntoResponse;
    let calls: Arc<Mutex<Vec<Call>>> = Arc::default();
    let coupons: Arc<Mutex<Vec<String>>> = Arc::default();
    let (seen, made) = (calls.clone(), coupons.clone());
    let app = axum::Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let (seen, made) = (seen.clone(), made.clone());
            async move {
                let form: Vec<(String, String)> = form_urlencoded::parse(&body)
                    .into_owned()
                    .collect();
                let path = uri.path().to_string();
                seen.lock().unwrap().push(Call {
                    method: method.to_string(),
                    path: path.clone(),
                    form: form.clone(),
                    key: headers
                        .get("idempotency-key")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string),
                });
                let not_found = (
                    StatusCode::NOT_FOUND,
                    axum::Json(json!({"error": {"message": "No such coupon"}})),
                )
                    .into_response();
                match (method.as_str(), path.as_str()) {
                    ("GET", "/v1/subscriptions") => axum::Json(json!({
                        "object": "list", "has_more": false,
                        "data": [{"id": "sub_0", "status": "canceled"}, {"id": "sub_1", "status": "active"}]
                    }))
                    .into_response(),
                    ("GET", p) if p.starts_with("/v1/coupons/") => {
                        let id = p.trim_start_matches("/v1/coupons/").to_string();
                        if made.lock().unwrap().contains(&id) {
                            axum::Json(json!({"id": id})).into_response()
                        } else {
                            not_found
                        }
                    }
                    ("POST", "/v1/coupons") => {
                        let id = form.iter().find(|(k, _)| k == "id").unwrap().1.clone();
                        made.lock().unwrap().push(id.clone());
                        axum::Json(json!({"id": id})).into_response()
                    }
                    ("POST", p) => axum::Json(json!({"id": p.rsplit('/').next()})).into_response(),
                    _ => not_found,
                }
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (calls, base)
}

fn field<'a>(call: &'a Call, key: &str) -> Option<&'a str> {
    call.form
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

async fn a_pause_and_a_discount_are_sent_to_stripe_once_per_session(backend: Backend) {
    let (calls, base) = fake_stripe().await;
    let app = app_with(backend, &base).await;
    let b = business(&app, "acme").await;
    connect(&app, &b).await;
    let set = set_offers(
        &app,
        &b,
        json!([
            {"reason": "needs_changed", "kind": "pause", "months": 2},
            {"reason": "price_too_high", "kind": "discount", "percent": 25, "months": 3},
            {"reason": "no_results", "kind": "talk_to_us"}
        ]),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.json);
    client(app.store().as_ref(), b.ws, "cus_1", 5000).await;

    // A pause: collection paused on the live subscription only, resuming
    // two months from now, behaviour void.
    let before = Utc::now();
    decide(&app, &b, "cus_1", "needs_changed", "accept").await;
    let updates: Vec<Call> = calls
        .lock()
        .unwrap()
        .iter()
        .filter(|c| c.method == "POST")
        .cloned()
        .collect();
    assert_eq!(updates.len(), 1, "{updates:?}");
    assert_eq!(updates[0].path, "/v1/subscriptions/sub_1");
    assert_eq!(
        field(&updates[0], "pause_collection[behavior]"),
        Some("void")
    );
    let resumes: i64 = field(&updates[0], "pause_collection[resumes_at]")
        .unwrap()
        .parse()
        .unwrap();
    let expected = before
        .checked_add_months(chrono::Months::new(2))
        .unwrap()
        .timestamp();
    assert!((resumes - expected).abs() < 60, "{resumes} vs {expected}");
    let pause_key = updates[0].key.clone().expect("an idempotency key");
    assert_eq!(stripe_errors(&app, &b).await, vec![None]);

    // A discount: the coupon made once (repeating, 25 % for 3 months),
    // then set on the subscription; a second customer's session reuses it.
    calls.lock().unwrap().clear();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    decide(&app, &b, "cus_1", "price_too_high", "accept").await;
    let posts: Vec<Call> = calls
        .lock()
        .unwrap()
        .iter()
        .filter(|c| c.method == "POST")
        .cloned()
        .collect();
    assert_eq!(posts.len(), 2, "{posts:?}");
    assert_eq!(posts[0].path, "/v1/coupons");
    assert_eq!(field(&posts[0], "id"), Some("churnwise_25pct_3m"));
    assert_eq!(field(&posts[0], "percent_off"), Some("25"));
    assert_eq!(field(&posts[0], "duration"), Some("repeating"));
    assert_eq!(field(&posts[0], "duration_in_months"), Some("3"));
    assert_eq!(posts[1].path, "/v1/subscriptions/sub_1");
    assert_eq!(
        field(&posts[1], "discounts[0][coupon]"),
        Some("churnwise_25pct_3m")
    );
    let keys: Vec<String> = posts.iter().map(|c| c.key.clone().unwrap()).collect();
    assert_ne!(keys[0], keys[1]);
    assert!(!keys.contains(&pause_key), "each session its own keys");

    calls.lock().unwrap().clear();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    decide(&app, &b, "cus_1", "price_too_high", "accept").await;
    let posts: Vec<String> = calls
        .lock()
        .unwrap()
        .iter()
        .filter(|c| c.method == "POST")
        .map(|c| c.path.clone())
        .collect();
    assert_eq!(posts, vec!["/v1/subscriptions/sub_1".to_string()], "reused");

    // "Talk to us" accepted: nothing in Stripe.
    calls.lock().unwrap().clear();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    decide(&app, &b, "cus_1", "no_results", "accept").await;
    assert!(calls.lock().unwrap().is_empty());
    assert!(stripe_errors(&app, &b).await.iter().all(Option::is_none));
}

async fn a_cheaper_plan_accepted_is_a_due_action_for_the_owner(backend: Backend) {
    let (calls, base) = fake_stripe().await;
    let app = app_with(backend, &base).await;
    let b = business(&app, "acme").await;
    connect(&app, &b).await;
    let set = set_offers(
        &app,
        &b,
        json!([{"reason": "price_too_high", "kind": "cheaper_plan", "plan": "Lite, 19 € a month", "price_id": "price_lite"}]),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.json);
    let c = client(app.store().as_ref(), b.ws, "cus_1", 5000).await;
    decide(&app, &b, "cus_1", "price_too_high", "accept").await;
    assert!(
        calls.lock().unwrap().is_empty(),
        "the plan is not changed automatically"
    );
    let cases = cases_of(&app, b.ws, c).await;
    let doc: Value = serde_json::to_value(&cases[0].case).unwrap();
    let actions = doc["retention"]["actions"].to_string();
    assert!(
        actions.contains(
            "Move the customer to the cheaper plan “Lite, 19 € a month” (Stripe price price_lite)"
        ),
        "{doc}"
    );
}

both_backends!(
    cancelling_sets_cancel_at_period_end_in_localstripe,
    a_failure_in_stripe_keeps_the_case_and_shows_on_it,
    a_pause_and_a_discount_are_sent_to_stripe_once_per_session,
    a_cheaper_plan_accepted_is_a_due_action_for_the_owner,
);
