//! Issue 15: `GET/PUT /api/v1/integrations/stripe` (spec/integrations.md §1):
//! owners and managers only, secrets stored sealed and never answered,
//! `null` removes a field, bad input changes nothing.

use crate::both_backends;
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use churnwise_domain::registry::Role;
use churnwise_store_tests::Backend;
use churnwise_web::AppState;
use serde_json::json;

const SECRET_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

async fn app_with_key(backend: Backend) -> TestApp {
    let t = backend.fresh().await;
    let mut state = AppState::new(t.store.clone());
    state.stripe.secrets.env_key = Some(SECRET_KEY.to_string());
    let app = churnwise_web::app(state);
    TestApp { t, app }
}

const PATH: &str = "/api/v1/integrations/stripe";

async fn the_connection_is_set_shown_without_secrets_and_removed_with_null(backend: Backend) {
    let app = app_with_key(backend).await;
    let (ws, owner) = app
        .user_with_token("o@acme.test", "acme", Role::Owner)
        .await;
    let first = app.call(Method::GET, PATH, Some(&owner), None).await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.json);
    assert_eq!(first.json["connected"], false);
    assert!(first.json["last_sync"].is_null());
    let path = first.json["webhook_path"].as_str().unwrap().to_string();
    let id = path.strip_prefix("/webhooks/stripe/").unwrap();
    assert!(id.len() >= 32, "at least 128 bits: {id}");

    let set = app
        .call(
            Method::PUT,
            PATH,
            Some(&owner),
            Some(json!({"api_key": "rk_test_abc", "webhook_secret": "whsec_xyz"})),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.json);
    assert_eq!(set.json["connected"], true);
    assert_eq!(set.json["webhook_path"], path.as_str());
    let text = String::from_utf8_lossy(&set.bytes).into_owned();
    assert!(
        !text.contains("rk_test_abc") && !text.contains("whsec_xyz"),
        "{text}"
    );
    let stored = app.store().stripe_connection(ws.id).await.unwrap().unwrap();
    for sealed in [&stored.api_key_sealed, &stored.webhook_secret_sealed] {
        let sealed = sealed.as_deref().unwrap();
        assert!(!sealed.contains("rk_test_abc") && !sealed.contains("whsec_xyz"));
    }

    // Bad input: 422 naming the field, nothing changed.
    let bad = app
        .call(
            Method::PUT,
            PATH,
            Some(&owner),
            Some(json!({"api_key": null, "webhook_secret": "nope"})),
        )
        .await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        bad.json
    );
    assert!(
        bad.json.to_string().contains("webhook_secret"),
        "{:?}",
        bad.json
    );
    assert_eq!(
        app.store().stripe_connection(ws.id).await.unwrap().unwrap(),
        stored
    );

    // null removes the key; an absent field keeps the secret.
    let removed = app
        .call(
            Method::PUT,
            PATH,
            Some(&owner),
            Some(json!({"api_key": null})),
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK);
    assert_eq!(removed.json["connected"], false);
    let stored = app.store().stripe_connection(ws.id).await.unwrap().unwrap();
    assert!(stored.api_key_sealed.is_none());
    assert!(stored.webhook_secret_sealed.is_some());
}

async fn members_who_do_not_manage_may_neither_see_nor_change_it(backend: Backend) {
    let app = app_with_key(backend).await;
    let (_, member) = app
        .user_with_token("m@acme.test", "acme", Role::Member)
        .await;
    let get = app.call(Method::GET, PATH, Some(&member), None).await;
    assert_eq!(get.status, StatusCode::FORBIDDEN);
    let put = app
        .call(
            Method::PUT,
            PATH,
            Some(&member),
            Some(json!({"api_key": "rk_x"})),
        )
        .await;
    assert_eq!(put.status, StatusCode::FORBIDDEN);
}

async fn a_sync_started_through_the_api_runs_in_the_background_and_shows_its_end(backend: Backend) {
    let stripe = crate::stripe_sync::FakeStripe::start();
    let t = backend.fresh().await;
    let mut state = AppState::new(t.store.clone());
    state.stripe.secrets.env_key = Some(SECRET_KEY.to_string());
    state.stripe.api_base = stripe.base.clone();
    let app = TestApp {
        t,
        app: churnwise_web::app(state),
    };
    let (ws, owner) = app
        .user_with_token("o@acme.test", "acme", Role::Owner)
        .await;
    let (_, member) = app
        .user_with_token("m@acme.test", "acme", Role::Member)
        .await;
    const SYNC: &str = "/api/v1/integrations/stripe/sync";
    assert_eq!(
        app.call(Method::GET, SYNC, Some(&owner), None).await.status,
        StatusCode::NOT_FOUND
    );
    let no_key = app.call(Method::POST, SYNC, Some(&owner), None).await;
    assert_eq!(no_key.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_key.json.to_string().contains("api_key"),
        "{}",
        no_key.json
    );
    assert_eq!(
        app.call(Method::POST, SYNC, Some(&member), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let set = app
        .call(
            Method::PUT,
            PATH,
            Some(&owner),
            Some(json!({"api_key": "sk_test_churnwise"})),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK);
    let cus = stripe.post(
        "/v1/customers",
        &[("name", "Zeta"), ("email", "z@zeta.test")],
    )["id"]
        .as_str()
        .unwrap()
        .to_string();

    let started = app.call(Method::POST, SYNC, Some(&owner), None).await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.json);
    assert_eq!(started.json["started_by"], "o@acme.test");
    let mut job = started.json;
    for _ in 0..300 {
        if job["state"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        job = app.call(Method::GET, SYNC, Some(&owner), None).await.json;
    }
    assert_eq!(job["state"], "finished", "{job}");
    let zeta = app.store().find_client(ws.id, &cus).await.unwrap();
    assert_eq!(zeta.map(|c| c.name).as_deref(), Some("Zeta"));
    let view = app.call(Method::GET, PATH, Some(&owner), None).await;
    assert_eq!(
        view.json["last_sync"]["clients"]["created"], 1,
        "{}",
        view.json
    );

    // While another process holds the sync, a second start is refused.
    let _held = churnwise_app::stripe::sync_job::claim(
        app.store().as_ref(),
        ws.id,
        &churnwise_app::audit::Actor::system(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let again = app.call(Method::POST, SYNC, Some(&owner), None).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.json);
    let job = app.call(Method::GET, SYNC, Some(&owner), None).await.json;
    assert_eq!(job["state"], "running", "{job}");
}

both_backends!(
    the_connection_is_set_shown_without_secrets_and_removed_with_null,
    members_who_do_not_manage_may_neither_see_nor_change_it,
    a_sync_started_through_the_api_runs_in_the_background_and_shows_its_end,
);
