//! Issue 15, Settings → Billing: the page is for owners and managers; the
//! key and the secret are saved (never shown back) with errors next to
//! their fields; "Sync now" runs against a real fake of Stripe
//! (localstripe) in the background and the page follows it; one sync per
//! workspace at a time across processes (the page, another server process,
//! the CLI), its progress visible from any of them. Both backends.

use crate::both_backends;
use crate::pages::{csrf_of, get, html, location, post, sign_in, Jar};
use crate::stripe_sync::FakeStripe;
use crate::support::{churnwise, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use churnwise_app::audit::Actor;
use churnwise_app::stripe::sync_job;
use churnwise_app::AppError;
use churnwise_domain::registry::Role;
use churnwise_store::{Store, WorkspaceId};
use churnwise_store_tests::Backend;
use churnwise_web::AppState;
use std::sync::Arc;

/// A sealing key for the tests (base64 of 32 bytes).
const SECRET_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const PAGE: &str = "/settings/billing";

/// The application with a sealing key, reaching Stripe at `api_base`.
fn state_of(store: Arc<dyn Store>, api_base: &str) -> AppState {
    let mut state = AppState::new(store);
    state.stripe.secrets.env_key = Some(SECRET_KEY.to_string());
    state.stripe.api_base = api_base.to_string();
    state
}

async fn app_with(backend: Backend, api_base: &str) -> TestApp {
    let t = backend.fresh().await;
    let app = churnwise_web::app(state_of(t.store.clone(), api_base));
    TestApp { t, app }
}

/// A manager of workspace "acme", signed in.
async fn manager(app: &TestApp) -> (WorkspaceId, Jar) {
    let (ws, _) = app
        .user_with_token("mia@acme.test", "acme", Role::Manager)
        .await;
    (ws.id, sign_in(app, "mia@acme.test").await)
}

/// Saves the connection through the page's form.
async fn save(app: &TestApp, jar: &Jar, fields: &[(&str, &str)]) -> crate::support::Reply {
    let page = get(app, PAGE, jar, None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", html(&page));
    let csrf = csrf_of(html(&page));
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    post(app, PAGE, jar, &form).await
}

/// Presses "Sync now".
async fn sync_now(app: &TestApp, jar: &Jar) -> crate::support::Reply {
    let page = get(app, PAGE, jar, None).await;
    let csrf = csrf_of(html(&page));
    post(app, "/settings/billing/sync", jar, &[("csrf", &csrf)]).await
}

async fn audit_actions(s: &dyn Store, ws: WorkspaceId) -> Vec<String> {
    churnwise_app::audit::list(s, ws, None, None)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.action)
        .collect()
}

async fn the_page_is_refused_to_a_plain_member(backend: Backend) {
    let app = app_with(backend, "http://127.0.0.1:9").await;
    let (ws, manager_jar) = manager(&app).await;
    app.user_with_token("max@acme.test", "acme", Role::Member)
        .await;
    let member = sign_in(&app, "max@acme.test").await;

    let settings = get(&app, "/settings", &member, None).await;
    assert!(!html(&settings).contains("href=\"/settings/billing\""));
    let page = get(&app, PAGE, &member, None).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let csrf = csrf_of(html(&settings));
    let refused = post(
        &app,
        PAGE,
        &member,
        &[("csrf", &csrf), ("api_key", "rk_test_member")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = post(&app, "/settings/billing/sync", &member, &[("csrf", &csrf)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // Nothing was set or claimed.
    let stored = app.store().stripe_connection(ws).await.unwrap();
    assert!(stored.is_none_or(|c| c.api_key_sealed.is_none()));
    assert!(app.store().stripe_sync_job(ws).await.unwrap().is_none());

    // A manager finds it from the settings page.
    let settings = get(&app, "/settings", &manager_jar, None).await;
    assert!(html(&settings).contains("href=\"/settings/billing\""));
}

async fn saving_a_key_shows_connected_and_never_the_key(backend: Backend) {
    let mut app = app_with(backend, "http://127.0.0.1:9").await;
    let (ws, jar) = manager(&app).await;
    let first = get(&app, PAGE, &jar, None).await;
    assert_eq!(first.status, StatusCode::OK);
    let body = html(&first);
    assert!(body.contains("Not connected"), "{body}");
    assert!(body.contains("No sync has run yet."), "{body}");
    assert!(body.contains("id=\"billing-sync-now\" disabled"), "{body}");

    let saved = save(
        &app,
        &jar,
        &[
            ("api_key", "rk_test_s3cretvalue"),
            ("webhook_secret", "whsec_t0psecret"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    assert_eq!(location(&saved), "/settings/billing?notice=saved");
    let page = get(&app, location(&saved), &jar, None).await;
    let body = html(&page);
    assert!(body.contains("The Stripe connection was saved."), "{body}");
    assert!(
        body.contains("<span class=\"badge badge-ok\">Connected</span>"),
        "{body}"
    );
    assert!(body.contains("Webhook secret set"), "{body}");
    assert!(!body.contains("rk_test_s3cretvalue") && !body.contains("whsec_t0psecret"));
    assert!(body.contains("type=\"password\""), "{body}");
    assert!(!body.contains("id=\"billing-sync-now\" disabled"), "{body}");
    let stored = app.store().stripe_connection(ws).await.unwrap().unwrap();
    let sealed = stored.api_key_sealed.clone().unwrap();
    assert!(!sealed.contains("rk_test_s3cretvalue"));
    assert!(audit_actions(app.store().as_ref(), ws)
        .await
        .contains(&"stripe.connection_changed".to_string()));

    // The webhook URL: the request's scheme and Host, then the endpoint's path.
    let path = format!("/webhooks/stripe/{}", stored.endpoint_id);
    let with_host = app
        .send(
            Request::get(PAGE)
                .header(header::COOKIE, jar.header())
                .header(header::HOST, "churn.test:8080")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let body = html(&with_host).replace("&#x2f;", "/");
    assert!(
        body.contains(&format!("http://churn.test:8080{path}</code>")),
        "{body}"
    );
    // The events and the key's permissions of spec §1.
    for event in [
        "customer.created",
        "customer.subscription.paused",
        "invoice.payment_failed",
        "invoice.marked_uncollectible",
    ] {
        assert!(body.contains(&format!("<code>{event}</code>")), "{event}");
    }
    assert!(body.contains("Subscriptions: Read"), "{body}");
    // With a public URL set, that one.
    let mut state = state_of(app.store().clone(), "http://127.0.0.1:9");
    state.public_url = Some("https://churn.example.com/".into());
    let first = std::mem::replace(&mut app.app, churnwise_web::app(state));
    let page = get(&app, PAGE, &jar, None).await;
    app.app = first;
    assert!(
        html(&page)
            .replace("&#x2f;", "/")
            .contains(&format!("https://churn.example.com{path}</code>")),
        "{}",
        html(&page)
    );

    // Empty fields keep the stored values; a remove box removes one.
    let kept = save(&app, &jar, &[("api_key", ""), ("webhook_secret", "")]).await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.store().stripe_connection(ws).await.unwrap().unwrap(),
        stored
    );
    let removed = save(
        &app,
        &jar,
        &[
            ("api_key", ""),
            ("webhook_secret", ""),
            ("remove_webhook_secret", "1"),
        ],
    )
    .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let now = app.store().stripe_connection(ws).await.unwrap().unwrap();
    assert_eq!(now.api_key_sealed, stored.api_key_sealed);
    assert_eq!(now.webhook_secret_sealed, None);

    // In Spanish.
    let es = get(&app, PAGE, &jar.clone().with("lang", "es"), Some("es")).await;
    let body = html(&es);
    assert!(body.contains("Conectado"), "{body}");
    assert!(body.contains("Sin secreto del webhook"), "{body}");
    assert!(body.contains("Sincronizar ahora"), "{body}");
}

async fn a_bad_key_shows_the_error_next_to_the_field_and_changes_nothing(backend: Backend) {
    let app = app_with(backend, "http://127.0.0.1:9").await;
    let (ws, jar) = manager(&app).await;
    let saved = save(&app, &jar, &[("api_key", "rk_test_good")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let before = app.store().stripe_connection(ws).await.unwrap().unwrap();
    let audit_before = audit_actions(app.store().as_ref(), ws).await;

    let refused = save(
        &app,
        &jar,
        &[
            ("api_key", "pk_live_publishable"),
            ("webhook_secret", "whsec_fine"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = html(&refused);
    assert!(body.contains("id=\"billing-errors\""), "{body}");
    assert!(
        body.contains(
            "<p class=\"field-error\" id=\"f-api_key-error\">This is not a Stripe API key churnwise can use (must start with rk_ or sk_)</p>"
        ),
        "{body}"
    );
    assert!(body.contains("id=\"f-api_key\""));
    assert!(!body.contains("f-webhook_secret-error"), "{body}");
    assert!(!body.contains("pk_live_publishable") && !body.contains("whsec_fine"));
    // Nothing changed: neither the key nor the valid secret beside it.
    assert_eq!(
        app.store().stripe_connection(ws).await.unwrap().unwrap(),
        before
    );
    assert_eq!(audit_actions(app.store().as_ref(), ws).await, audit_before);

    // The secret's own error in Spanish.
    let es = jar.clone().with("lang", "es");
    let page = get(&app, PAGE, &es, Some("es")).await;
    let csrf = csrf_of(html(&page));
    let refused = post(
        &app,
        PAGE,
        &es,
        &[("csrf", &csrf), ("webhook_secret", "secret with spaces")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html(&refused)
            .contains("id=\"f-webhook_secret-error\">No es un secreto de firma de webhook"),
        "{}",
        html(&refused)
    );
}

/// Polls the page until the sync is no longer running (at most a minute).
async fn page_after_sync(app: &TestApp, jar: &Jar) -> String {
    for _ in 0..600 {
        let page = get(app, PAGE, jar, None).await;
        let body = html(&page).to_string();
        if !body.contains("data-state=\"running\"") {
            return body;
        }
        assert!(body.contains("<meta http-equiv=\"refresh\" content=\"2\">"));
        assert!(body.contains("id=\"billing-sync-now\" disabled"));
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the sync did not end");
}

async fn sync_now_against_localstripe_shows_the_report_and_fills_the_registry(backend: Backend) {
    let stripe = FakeStripe::start();
    let app = app_with(backend, &stripe.base).await;
    let (ws, jar) = manager(&app).await;
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
    stripe.post(
        "/v1/plans",
        &[
            ("id", "dollars"),
            ("amount", "1000"),
            ("currency", "usd"),
            ("interval", "month"),
            ("product[name]", "Dollars"),
        ],
    );
    let acme = stripe.paying_customer(&[("name", "Acme"), ("email", "ana@acme.test")]);
    stripe.post(
        "/v1/subscriptions",
        &[("customer", &acme), ("items[0][plan]", "basic")],
    );
    let bolt = stripe.paying_customer(&[("name", "Bolt")]);
    let usd = stripe.post(
        "/v1/subscriptions",
        &[("customer", &bolt), ("items[0][plan]", "dollars")],
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    for i in 0..3 {
        stripe.post("/v1/customers", &[("name", &format!("Lead {i}"))]);
    }

    let saved = save(&app, &jar, &[("api_key", "sk_test_churnwise")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let started = sync_now(&app, &jar).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", html(&started));
    assert_eq!(location(&started), "/settings/billing?notice=sync-started");
    let body = page_after_sync(&app, &jar).await;

    assert!(body.contains("data-state=\"finished\""), "{body}");
    assert!(body.contains("started by mia@acme.test"), "{body}");
    assert!(!body.contains("http-equiv=\"refresh\""), "{body}");
    assert!(
        body.contains(
            "<tr id=\"billing-counts-clients\"><th scope=\"row\">Clients</th><td class=\"num\">5</td><td class=\"num\">5</td><td class=\"num\">0</td></tr>"
        ),
        "{body}"
    );
    assert!(
        body.contains(
            "<tr id=\"billing-counts-segments\"><th scope=\"row\">MRR segments</th><td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">0</td></tr>"
        ),
        "{body}"
    );
    // The dollar subscription (and its invoice) are skipped and listed.
    let report: serde_json::Value = serde_json::from_str(
        &app.store()
            .stripe_connection(ws)
            .await
            .unwrap()
            .unwrap()
            .last_sync
            .unwrap(),
    )
    .unwrap();
    let skipped = report["skipped_total"].as_u64().unwrap();
    assert!(skipped >= 1, "{report}");
    assert!(
        body.contains(&format!(
            "{skipped} object{} skipped:",
            if skipped == 1 { " was" } else { "s were" }
        )),
        "{body}"
    );
    assert!(body.contains(&format!("<code>{usd}</code>")), "{body}");
    assert!(
        body.contains("currency &quot;usd&quot; is not the workspace&#x27;s"),
        "{body}"
    );
    assert!(body.contains("<code>EUR</code>"), "{body}");

    // The registry has Stripe's clients.
    let s = app.store().as_ref();
    let client = s.find_client(ws, &acme).await.unwrap().unwrap();
    assert_eq!(client.name, "Acme");
    let subs = s.list_subscriptions(ws, client.id).await.unwrap();
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0].mrr.cents(), 4900);
    assert!(s.find_client(ws, &bolt).await.unwrap().is_some());
    // Progress was written page by page, the last one of the invoices.
    let job = s.stripe_sync_job(ws).await.unwrap().unwrap();
    assert_eq!(job.progress_kind.as_deref(), Some("invoices"), "{job:?}");
    assert!(job.finished_at.is_some());
    assert!(audit_actions(s, ws)
        .await
        .contains(&"stripe.synced".to_string()));

    // In Spanish.
    let es = get(&app, PAGE, &jar.clone().with("lang", "es"), Some("es")).await;
    let body = html(&es);
    assert!(body.contains("Se omiti"), "{body}");
    assert!(body.contains("Segmentos de MRR"), "{body}");
}

async fn a_failed_sync_shows_its_reason(backend: Backend) {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://127.0.0.1:{}", l.local_addr().unwrap().port())
    };
    let app = app_with(backend, &closed).await;
    let (ws, jar) = manager(&app).await;
    // Without a key nothing is claimed.
    let refused = sync_now(&app, &jar).await;
    assert_eq!(location(&refused), "/settings/billing?notice=sync-no-key");
    assert!(app.store().stripe_sync_job(ws).await.unwrap().is_none());
    let page = get(&app, location(&refused), &jar, None).await;
    assert!(html(&page).contains("There is no API key to sync with"));

    save(&app, &jar, &[("api_key", "rk_test_1")]).await;
    let started = sync_now(&app, &jar).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let body = page_after_sync(&app, &jar).await;
    assert!(body.contains("data-state=\"failed\""), "{body}");
    assert!(body.contains("The last sync failed at"), "{body}");
    assert!(
        body.contains("<span id=\"billing-job-error\">customers: cannot reach"),
        "{body}"
    );
    assert!(!body.contains("id=\"billing-sync-now\" disabled"), "{body}");
    assert!(app
        .store()
        .stripe_connection(ws)
        .await
        .unwrap()
        .unwrap()
        .last_sync
        .is_none());
}

async fn one_sync_runs_at_a_time_and_its_progress_shows_in_every_process(backend: Backend) {
    let mut app = app_with(backend, "http://127.0.0.1:9").await;
    let (ws, jar) = manager(&app).await;
    save(&app, &jar, &[("api_key", "rk_test_1")]).await;
    let s = app.store().clone();
    let now = chrono::Utc::now();
    let dead_before = now - sync_job::DEAD_AFTER;
    // A sync claimed by one process (as `sync_job::claim` does, with a
    // token this test knows), which has read 300 customers.
    assert!(s
        .claim_stripe_sync(ws, "holder-1", "Ana", now, dead_before)
        .await
        .unwrap());
    assert!(s
        .stripe_sync_progress(ws, "holder-1", "customers", 300, now)
        .await
        .unwrap());
    // Only the holder writes progress.
    assert!(!s
        .stripe_sync_progress(ws, "someone-else", "customers", 1, now)
        .await
        .unwrap());

    // A second claim from another process on the same database is refused.
    let other: Arc<dyn Store> = app.t.another_process().await;
    match sync_job::claim(other.as_ref(), ws, &Actor::system(), now).await {
        Err(AppError::Conflict(p)) => {
            assert_eq!(p.field, "sync");
            assert!(
                p.message.contains("already running (started "),
                "{}",
                p.message
            );
            assert!(p.message.contains("by Ana"), "{}", p.message);
        }
        other => panic!("{other:?}"),
    }
    // So is "Sync now" on the page, and the command line.
    let refused = sync_now(&app, &jar).await;
    assert_eq!(location(&refused), "/settings/billing?notice=sync-running");
    let page = get(&app, location(&refused), &jar, None).await;
    assert!(html(&page).contains("A sync of this workspace is already running"));
    let (ok, out, err) = churnwise(&app.t.url, &["stripe", "sync"]);
    assert!(!ok, "{out}");
    assert!(
        err.contains("stripe sync: a Stripe sync of this workspace is already running (started "),
        "{err}"
    );

    // The page served by a second process shows the progress, refreshes
    // itself and offers no second sync.
    let first = std::mem::replace(
        &mut app.app,
        churnwise_web::app(state_of(other.clone(), "http://127.0.0.1:9")),
    );
    let page = get(&app, PAGE, &jar, None).await;
    let body = html(&page).to_string();
    app.app = first;
    assert!(body.contains("data-state=\"running\""), "{body}");
    assert!(body.contains("Started by Ana at "), "{body}");
    assert!(
        body.contains("<strong id=\"billing-progress\">300 customers read</strong>"),
        "{body}"
    );
    assert!(
        body.contains("<meta http-equiv=\"refresh\" content=\"2\">"),
        "{body}"
    );
    assert!(body.contains("id=\"billing-sync-now\" disabled"), "{body}");
    assert!(body.contains("Sync running…"), "{body}");
    assert!(s.stripe_sync_job(ws).await.unwrap().unwrap().progress_read == 300);

    // Silent for longer than 30 minutes, the claim counts as dead: the next
    // sync takes it over, and the old holder can no longer write.
    let later = now + sync_job::DEAD_AFTER + chrono::TimeDelta::minutes(1);
    let taken = sync_job::claim(other.as_ref(), ws, &Actor::system(), later).await;
    assert!(taken.is_ok(), "{taken:?}");
    assert!(!s
        .stripe_sync_progress(ws, "holder-1", "customers", 400, later)
        .await
        .unwrap());
    assert!(!s
        .finish_stripe_sync(ws, "holder-1", None, later)
        .await
        .unwrap());
    let job = s.stripe_sync_job(ws).await.unwrap().unwrap();
    assert_eq!(job.started_by, "churnwise");
    assert_eq!(job.progress_kind, None);
}

both_backends!(
    the_page_is_refused_to_a_plain_member,
    saving_a_key_shows_connected_and_never_the_key,
    a_bad_key_shows_the_error_next_to_the_field_and_changes_nothing,
    sync_now_against_localstripe_shows_the_report_and_fills_the_registry,
    a_failed_sync_shows_its_reason,
    one_sync_runs_at_a_time_and_its_progress_shows_in_every_process,
);
