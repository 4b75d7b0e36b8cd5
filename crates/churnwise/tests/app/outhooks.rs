//! Outgoing webhooks (issue 17, spec/integrations.md §3): the endpoints'
//! API (checks, roles, isolation, the secret shown once and sealed), the
//! outbox written with the change, signed deliveries to a real local
//! receiver, retries that deliver once, Slack texts in the endpoint's
//! language, and a change made while no server ran, delivered by a
//! `churnwise serve` started afterwards.

use crate::both_backends;
use crate::cases_api::setup;
use crate::support::{churnwise, count_rows, TestApp};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use chrono::{Duration as Span, Utc};
use churnwise_app::outgoing_webhooks::{self as hooks, EndpointInput};
use churnwise_app::stripe::SecretKeySource;
use churnwise_domain::registry::Role;
use churnwise_domain::Lang;
use churnwise_store::{Store, WorkspaceId};
use churnwise_store_tests::Backend;
use churnwise_web::AppState;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The sealing key of these tests (base64 of 32 bytes).
const SECRET_KEY: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

fn secrets() -> SecretKeySource {
    SecretKeySource {
        env_key: Some(SECRET_KEY.to_string()),
        key_file: None,
    }
}

/// An app whose secrets are sealed with [`SECRET_KEY`].
async fn keyed_app(backend: Backend) -> TestApp {
    let t = backend.fresh().await;
    let mut state = AppState::new(t.store.clone());
    state.stripe.secrets = secrets();
    let app = churnwise_web::app(state);
    TestApp { t, app }
}

/// One request a receiver got.
#[derive(Debug, Clone)]
struct Got {
    signature: Option<String>,
    body: String,
}

/// A local HTTP receiver: answers each request with the next status of
/// its list (200 once the list is used up) and keeps what it got.
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Got>>>,
    answers: Arc<Mutex<VecDeque<u16>>>,
}

impl Receiver {
    async fn start(answers: &[u16]) -> (Self, String) {
        let receiver = Receiver {
            got: Arc::default(),
            answers: Arc::new(Mutex::new(answers.iter().copied().collect())),
        };
        async fn hook(State(r): State<Receiver>, headers: HeaderMap, body: String) -> StatusCode {
            r.got.lock().unwrap().push(Got {
                signature: headers
                    .get("churnwise-signature")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string),
                body,
            });
            let code = r.answers.lock().unwrap().pop_front().unwrap_or(200);
            StatusCode::from_u16(code).unwrap()
        }
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(hook))
            .with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (receiver, url)
    }

    fn got(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }
}

/// Checks `got`'s signature with `secret` and answers its envelope.
fn verified(got: &Got, secret: &str) -> Value {
    let header = got
        .signature
        .as_deref()
        .expect("a Churnwise-Signature header");
    let (t, v1) = header
        .split_once(',')
        .and_then(|(t, v)| Some((t.strip_prefix("t=")?, v.strip_prefix("v1=")?)))
        .unwrap_or_else(|| panic!("bad header {header}"));
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", got.body).as_bytes());
    assert_eq!(
        hex::encode(mac.finalize().into_bytes()),
        v1,
        "the signature matches the body"
    );
    serde_json::from_str(&got.body).unwrap()
}

async fn add_endpoint(
    store: &dyn Store,
    ws: WorkspaceId,
    url: &str,
    events: &[&str],
    kind: Option<&str>,
    lang: Lang,
) -> hooks::CreatedEndpoint {
    hooks::create_endpoint(
        store,
        &secrets(),
        ws,
        &EndpointInput {
            url: url.to_string(),
            events: events.iter().map(|e| e.to_string()).collect(),
            kind: kind.map(str::to_string),
            lang: None,
        },
        lang,
        Utc::now(),
    )
    .await
    .unwrap()
}

fn fields(r: &Value) -> Vec<String> {
    r["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|f| f["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn endpoints_are_checked_made_listed_and_deleted_by_managers_of_their_workspace(
    backend: Backend,
) {
    let app = keyed_app(backend).await;
    let (ws, owner) = app
        .user_with_token("o@example.com", "Acme", Role::Owner)
        .await;
    let (_, member) = app
        .user_with_token("m@example.com", "Acme", Role::Member)
        .await;
    let (_, stranger) = app
        .user_with_token("s@example.com", "Other", Role::Owner)
        .await;
    let good = json!({"url": "https://example.com/hook", "events": ["case.opened", "case.closed"]});

    let r = app
        .call(
            Method::POST,
            "/api/v1/webhooks",
            Some(&member),
            Some(good.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .call(Method::GET, "/api/v1/webhooks", Some(&member), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Every bad field at once, named; nothing stored.
    let r = app
        .call(
            Method::POST,
            "/api/v1/webhooks",
            Some(&owner),
            Some(json!({"url": "ftp://example.com/x", "events": ["case.opened", "case.reopened", "client.deleted"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:#}", r.json);
    assert_eq!(fields(&r.json), ["url", "events[1]", "events[2]"]);
    let r = app
        .call(
            Method::POST,
            "/api/v1/webhooks",
            Some(&owner),
            Some(json!({"url": format!("https://example.com/{}", "x".repeat(2100)), "events": []})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.json), ["url", "events"]);
    let r = app
        .call(Method::GET, "/api/v1/webhooks", Some(&owner), None)
        .await;
    assert_eq!(r.json["total"], 0);

    // Made: the secret is answered once, sealed in the database.
    let r = app
        .call(Method::POST, "/api/v1/webhooks", Some(&owner), Some(good))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:#}", r.json);
    let id = r.json["id"].as_i64().unwrap();
    let secret = r.json["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_") && secret.len() > 40);
    assert_eq!(r.json["url"], "https://example.com/hook");
    assert_eq!(r.json["events"], json!(["case.opened", "case.closed"]));
    let stored = app
        .store()
        .get_webhook_endpoint(ws.id, churnwise_store::WebhookEndpointId(id))
        .await
        .unwrap()
        .unwrap();
    assert!(!stored.secret_sealed.contains(&secret[6..]));

    // A Slack URL is a Slack endpoint; an http:// one is flagged.
    let r = app
        .call(
            Method::POST,
            "/api/v1/webhooks",
            Some(&owner),
            Some(json!({"url": "https://hooks.slack.com/services/T/B/x", "events": ["alert.raised"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.json["kind"], "slack");
    let r = app
        .call(
            Method::POST,
            "/api/v1/webhooks",
            Some(&owner),
            Some(json!({"url": "http://10.0.0.5/in", "events": ["client.created"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);

    let r = app
        .call(
            Method::GET,
            "/api/v1/webhooks?per_page=2",
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["total"], 3);
    assert_eq!(r.json["items"].as_array().unwrap().len(), 2);
    assert!(
        !r.bytes.windows(6).any(|w| w == b"whsec_"),
        "no secret listed"
    );
    let r = app
        .call(
            Method::GET,
            "/api/v1/webhooks?page=2&per_page=2",
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(r.json["items"][0]["insecure"], true);
    let r = app
        .call(
            Method::GET,
            "/api/v1/webhooks?per_page=0",
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.json), ["per_page"]);

    let one = format!("/api/v1/webhooks/{id}");
    let r = app.call(Method::GET, &one, Some(&owner), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["kind"], "signed");
    assert!(r.json.get("secret").is_none());

    // Another workspace sees nothing and deletes nothing.
    let r = app.call(Method::GET, &one, Some(&stranger), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.call(Method::DELETE, &one, Some(&stranger), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.call(Method::DELETE, &one, Some(&member), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.call(Method::DELETE, &one, Some(&owner), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app.call(Method::GET, &one, Some(&owner), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // At most 20 endpoints.
    for i in 0..18 {
        let r = app
            .call(
                Method::POST,
                "/api/v1/webhooks",
                Some(&owner),
                Some(json!({"url": format!("https://example.com/{i}"), "events": ["case.opened"]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let r = app
        .call(
            Method::POST,
            "/api/v1/webhooks",
            Some(&owner),
            Some(json!({"url": "https://example.com/21", "events": ["case.opened"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.json), ["url"]);
}

async fn a_workspace_without_endpoints_writes_no_outbox_rows(backend: Backend) {
    let s = setup(backend).await;
    s.offboarding("needs_changed").await;
    let n = churnwise_app::outgoing_webhooks::deliver_due(
        s.app.store().as_ref(),
        &secrets(),
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(n.attempted, 0);
    let url = &s.app.t.url;
    let pool_rows = count_rows(url, "outbox_events").await;
    assert_eq!(pool_rows, 0);
}

async fn signed_events_of_clients_and_cases_reach_a_local_receiver(backend: Backend) {
    let s = setup(backend).await;
    let store = s.app.store().clone();
    let ws = store
        .find_workspace("Acme Agency")
        .await
        .unwrap()
        .unwrap()
        .id;
    let (receiver, url) = Receiver::start(&[]).await;
    let made = add_endpoint(
        store.as_ref(),
        ws,
        &url,
        &hooks::EVENT_TYPES,
        None,
        Lang::En,
    )
    .await;

    let r = s
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(json!({"name": "Café Pepe", "external_id": "C-PEPE"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    // Opening makes the client leaving; closing it lost with an end in the
    // past makes it former.
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
    assert!(receiver.got().is_empty(), "nothing is sent before a run");

    let run = hooks::deliver_due(store.as_ref(), &secrets(), Utc::now())
        .await
        .unwrap();
    assert_eq!(run.delivered, run.attempted);
    let events: Vec<Value> = receiver
        .got()
        .iter()
        .map(|g| verified(g, &made.secret))
        .collect();
    let of = |t: &str| -> Vec<&Value> { events.iter().filter(|e| e["type"] == t).collect() };
    let created = of("client.created");
    assert_eq!(created.len(), 1, "{events:#?}");
    assert_eq!(created[0]["data"]["client"]["external_id"], "C-PEPE");
    assert_eq!(created[0]["workspace"], ws.0);
    assert!(created[0]["id"].as_str().unwrap().starts_with("evt_"));
    assert!(created[0]["created"].as_i64().unwrap() > 1_700_000_000);
    let opened = of("case.opened");
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0]["data"]["case"]["id"], id);
    assert_eq!(opened[0]["data"]["client"]["external_id"], "C-LOLA");
    let closed = of("case.closed");
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0]["data"]["case"]["outcome"], "lost");
    // Deliveries go side by side, so they arrive in any order: the event
    // ids (evt_N, growing) give the order of the changes.
    let mut status_events = of("client.status_changed");
    status_events.sort_by_key(|e| e["id"].as_str().unwrap()[4..].parse::<i64>().unwrap());
    let changes: Vec<(String, String)> = status_events
        .iter()
        .filter(|e| e["data"]["client"]["external_id"] == "C-LOLA")
        .map(|e| {
            (
                e["data"]["old_status"].as_str().unwrap().to_string(),
                e["data"]["new_status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("active".to_string(), "leaving".to_string()),
            ("leaving".to_string(), "former".to_string())
        ]
    );
    // Delivered means never again.
    let again = hooks::deliver_due(store.as_ref(), &secrets(), Utc::now() + Span::hours(2))
        .await
        .unwrap();
    assert_eq!(again.attempted, 0);
    assert_eq!(receiver.got().len(), events.len());
}

async fn a_receiver_failing_twice_gets_the_event_once_with_every_attempt_logged(backend: Backend) {
    let app = keyed_app(backend).await;
    let (ws, owner) = app
        .user_with_token("o@example.com", "Acme", Role::Owner)
        .await;
    let (receiver, url) = Receiver::start(&[500, 503]).await;
    let made = add_endpoint(
        app.store().as_ref(),
        ws.id,
        &url,
        &["client.created"],
        None,
        Lang::En,
    )
    .await;
    let r = app
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(&owner),
            Some(json!({"name": "Lola"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let store = app.store().as_ref();
    let t0 = Utc::now();
    let run = hooks::deliver_due(store, &secrets(), t0).await.unwrap();
    assert_eq!((run.attempted, run.retrying), (1, 1));
    // Not due again before its delay (1 minute).
    let run = hooks::deliver_due(store, &secrets(), t0 + Span::seconds(30))
        .await
        .unwrap();
    assert_eq!(run.attempted, 0);
    let run = hooks::deliver_due(store, &secrets(), t0 + Span::seconds(61))
        .await
        .unwrap();
    assert_eq!((run.attempted, run.retrying), (1, 1));
    // The second delay is 5 minutes.
    let run = hooks::deliver_due(store, &secrets(), t0 + Span::seconds(61 + 200))
        .await
        .unwrap();
    assert_eq!(run.attempted, 0);
    let run = hooks::deliver_due(store, &secrets(), t0 + Span::seconds(61 + 301))
        .await
        .unwrap();
    assert_eq!((run.attempted, run.delivered), (1, 1));
    for later in [1, 6, 30] {
        let run = hooks::deliver_due(store, &secrets(), t0 + Span::hours(later))
            .await
            .unwrap();
        assert_eq!(run.attempted, 0);
    }
    let got = receiver.got();
    assert_eq!(got.len(), 3);
    let ids: Vec<Value> = got
        .iter()
        .map(|g| verified(g, &made.secret)["id"].clone())
        .collect();
    assert!(ids.iter().all(|i| *i == ids[0]), "the same event each time");

    let log = app
        .call(
            Method::GET,
            "/api/v1/webhooks/deliveries",
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(log.status, StatusCode::OK, "{:#}", log.json);
    assert_eq!(log.json["total"], 3);
    let statuses: Vec<Value> = log.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status_code"].clone())
        .collect();
    assert_eq!(statuses, [json!(200), json!(503), json!(500)]);
    assert_eq!(log.json["items"][0]["state"], "delivered");
    assert_eq!(log.json["items"][2]["error"], "answered HTTP 500");
}

async fn an_unanswered_delivery_is_given_up_24_hours_after_its_event(backend: Backend) {
    let app = keyed_app(backend).await;
    let (ws, owner) = app
        .user_with_token("o@example.com", "Acme", Role::Owner)
        .await;
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    add_endpoint(
        app.store().as_ref(),
        ws.id,
        &format!("http://127.0.0.1:{port}/gone"),
        &["client.created"],
        None,
        Lang::En,
    )
    .await;
    app.call(
        Method::POST,
        "/api/v1/clients",
        Some(&owner),
        Some(json!({"name": "Lola"})),
    )
    .await;
    let store = app.store().as_ref();
    let t0 = Utc::now();
    let mut at = t0;
    let mut attempts = 0;
    let mut failed = 0;
    while at < t0 + Span::hours(30) {
        let run = hooks::deliver_due(store, &secrets(), at).await.unwrap();
        attempts += run.attempted;
        failed += run.failed;
        at += Span::minutes(1);
    }
    assert_eq!(failed, 1);
    // 1, 5, 15 min, 1, 3, 6 h then every 6 h until 24 h: attempts at 0,
    // 1, 6, 21 min, 1h21, 4h21, 10h21, 16h21, 22h21 and 24 h.
    assert_eq!(attempts, 10);
    let log = app
        .call(
            Method::GET,
            "/api/v1/webhooks/deliveries?per_page=1",
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(log.json["items"][0]["state"], "failed");
    assert!(log.json["items"][0]["status_code"].is_null());
    assert!(!log.json["items"][0]["error"].as_str().unwrap().is_empty());
}

async fn a_slack_endpoint_gets_a_text_in_its_workspace_language(backend: Backend) {
    let app = keyed_app(backend).await;
    let (ws, owner) = app
        .user_with_token("o@example.com", "Acme", Role::Owner)
        .await;
    let (receiver, url) = Receiver::start(&[]).await;
    // The endpoint takes the language of the person who adds it.
    add_endpoint(
        app.store().as_ref(),
        ws.id,
        &url,
        &["client.created"],
        Some("slack"),
        Lang::Es,
    )
    .await;
    app.call(
        Method::POST,
        "/api/v1/clients",
        Some(&owner),
        Some(json!({"name": "Panadería Lola"})),
    )
    .await;
    let run = hooks::deliver_due(app.store().as_ref(), &secrets(), Utc::now())
        .await
        .unwrap();
    assert_eq!(run.delivered, 1);
    let got = receiver.got();
    let body: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(body, json!({"text": "Nuevo cliente: Panadería Lola"}));
}

async fn a_change_made_while_no_server_runs_is_delivered_by_the_next_server(backend: Backend) {
    let app = keyed_app(backend).await;
    let (ws, _) = app
        .user_with_token("o@example.com", "Acme", Role::Owner)
        .await;
    let (receiver, url) = Receiver::start(&[]).await;
    let made = add_endpoint(
        app.store().as_ref(),
        ws.id,
        &url,
        &["client.created"],
        None,
        Lang::En,
    )
    .await;
    let db = app.t.url.clone();
    let (ok, _, err) = churnwise(
        &db,
        &[
            "client",
            "add",
            "--workspace",
            "Acme",
            "--name",
            "Offline Ltd",
        ],
    );
    assert!(ok, "{err}");
    assert!(receiver.got().is_empty());

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_churnwise"))
        .args(["--database", &db, "serve", "--port", &port.to_string()])
        .args(["--scheduler-interval", "3600", "--webhook-interval", "1"])
        .env("CHURNWISE_LOG", "warn")
        .env("CHURNWISE_SECRET_KEY", SECRET_KEY)
        .stdin(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut waited = 0;
    while receiver.got().is_empty() && waited < 200 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += 1;
    }
    let _ = server.kill();
    let _ = server.wait();
    let got = receiver.got();
    assert_eq!(got.len(), 1, "delivered once by the server");
    let event = verified(&got[0], &made.secret);
    assert_eq!(event["type"], "client.created");
    assert_eq!(event["data"]["client"]["name"], "Offline Ltd");
}

async fn an_invoice_first_seen_overdue_is_one_event_and_old_history_none(backend: Backend) {
    let app = keyed_app(backend).await;
    let (ws, owner) = app
        .user_with_token("o@example.com", "Acme", Role::Owner)
        .await;
    let (receiver, url) = Receiver::start(&[]).await;
    let made = add_endpoint(
        app.store().as_ref(),
        ws.id,
        &url,
        &["invoice.overdue"],
        None,
        Lang::En,
    )
    .await;
    let r = app
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(&owner),
            Some(json!({"name": "Lola", "external_id": "C-1"})),
        )
        .await;
    let client = r.json["id"].as_i64().unwrap();
    let today = Utc::now().date_naive();
    let day = |n: i64| (today - Span::days(n)).to_string();
    for (reference, due, paid) in [
        ("INV-LATE", day(1), None),
        ("INV-OLD", day(90), None),
        ("INV-PAID", day(1), Some(day(2))),
        ("INV-TODAY", day(0), None),
    ] {
        let r = app
            .call(
                Method::POST,
                &format!("/api/v1/clients/{client}/invoices"),
                Some(&owner),
                Some(json!({"invoice_ref": reference, "amount": 120.50, "due_on": due, "paid_on": paid})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:#}", r.json);
    }
    let store = app.store().as_ref();
    assert_eq!(
        hooks::mark_overdue(store, ws.id, Utc::now()).await.unwrap(),
        2
    );
    assert_eq!(
        hooks::mark_overdue(store, ws.id, Utc::now()).await.unwrap(),
        0
    );
    hooks::deliver_due(store, &secrets(), Utc::now())
        .await
        .unwrap();
    let got = receiver.got();
    assert_eq!(got.len(), 1, "only the invoice that is news");
    let event = verified(&got[0], &made.secret);
    assert_eq!(event["type"], "invoice.overdue");
    assert_eq!(event["data"]["invoice"]["ref"], "INV-LATE");
    assert_eq!(event["data"]["invoice"]["amount_cents"], 12050);
    assert_eq!(event["data"]["invoice"]["days_overdue"], 1);
    assert_eq!(event["data"]["client"]["external_id"], "C-1");
    // Tomorrow the invoice due today is news, once.
    let tomorrow = Utc::now() + Span::days(1);
    assert_eq!(
        hooks::mark_overdue(store, ws.id, tomorrow).await.unwrap(),
        1
    );
    hooks::deliver_due(store, &secrets(), tomorrow)
        .await
        .unwrap();
    assert_eq!(receiver.got().len(), 2);
}

async fn two_delivery_runs_at_once_send_each_delivery_once(backend: Backend) {
    let app = keyed_app(backend).await;
    let (ws, owner) = app
        .user_with_token("o@example.com", "Acme", Role::Owner)
        .await;
    let (receiver, url) = Receiver::start(&[]).await;
    add_endpoint(
        app.store().as_ref(),
        ws.id,
        &url,
        &["client.created"],
        None,
        Lang::En,
    )
    .await;
    for i in 0..8 {
        app.call(
            Method::POST,
            "/api/v1/clients",
            Some(&owner),
            Some(json!({"name": format!("Client {i}")})),
        )
        .await;
    }
    let store = app.store().clone();
    let now = Utc::now();
    let keys = secrets();
    let (a, b) = tokio::join!(
        hooks::deliver_due(store.as_ref(), &keys, now),
        hooks::deliver_due(store.as_ref(), &keys, now),
    );
    assert_eq!(a.unwrap().delivered + b.unwrap().delivered, 8);
    assert_eq!(receiver.got().len(), 8);
}

async fn the_webhooks_page_adds_shows_the_secret_once_refuses_and_deletes(backend: Backend) {
    use crate::pages::{csrf_of, get, html, location, post, sign_in};
    let app = keyed_app(backend).await;
    app.user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    app.user_with_token("max@example.com", "Acme", Role::Member)
        .await;
    let member = sign_in(&app, "max@example.com").await;
    let r = get(&app, "/settings/webhooks", &member, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let settings = get(&app, "/settings", &member, None).await;
    assert!(!html(&settings).contains("/settings/webhooks"));

    let jar = sign_in(&app, "ana@example.com").await;
    let settings = get(&app, "/settings", &jar, None).await;
    assert!(html(&settings).contains("href=\"/settings/webhooks\""));
    let page = get(&app, "/settings/webhooks", &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(html(&page).contains("No endpoint yet."));
    let csrf = csrf_of(html(&page));

    // Refused: a message next to each field, what was typed kept, nothing added.
    let refused = post(
        &app,
        "/settings/webhooks",
        &jar,
        &[("csrf", &csrf), ("url", "not a url")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = html(&refused);
    assert!(text.contains("id=\"f-url-error\""), "{text}");
    assert!(text.contains("id=\"f-events-error\""));
    assert!(text.contains("value=\"not a url\""));
    assert!(text.contains("No endpoint yet."));

    let added = post(
        &app,
        "/settings/webhooks",
        &jar,
        &[
            ("csrf", &csrf),
            ("url", "http://127.0.0.1:9/in"),
            ("events", "case.opened"),
            ("events", "invoice.overdue"),
        ],
    )
    .await;
    assert_eq!(added.status, StatusCode::OK);
    let text = html(&added);
    let marker = "id=\"hooks-secret-value\">";
    let start = text.find(marker).expect("the secret is shown") + marker.len();
    assert!(text[start..].starts_with("whsec_"));
    assert!(text.contains("Plain http:"), "the http warning");
    assert!(text.contains("<code>invoice.overdue</code>"));
    // Shown once: the page drawn again has no secret.
    let again = get(&app, "/settings/webhooks", &jar, None).await;
    assert!(!html(&again).contains("whsec_"));

    // Spanish.
    let es = get(&app, "/settings/webhooks", &jar, Some("es")).await;
    assert!(html(&es).contains("Registro de envíos"), "{}", html(&es));

    let id = app
        .store()
        .list_webhook_endpoints(
            app.store()
                .find_workspace("Acme")
                .await
                .unwrap()
                .unwrap()
                .id,
            1,
            10,
        )
        .await
        .unwrap()
        .items[0]
        .id
        .0;
    let deleted = post(
        &app,
        &format!("/settings/webhooks/{id}/delete"),
        &jar,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&deleted), "/settings/webhooks?notice=deleted");
    let after = get(&app, "/settings/webhooks?notice=deleted", &jar, None).await;
    assert!(html(&after).contains("The endpoint was deleted."));
    assert!(html(&after).contains("No endpoint yet."));
}

async fn an_alert_raised_by_the_health_refresh_is_an_event(backend: Backend) {
    let app = keyed_app(backend).await;
    let (ws, owner) = app
        .user_with_token("o@example.com", "Acme", Role::Owner)
        .await;
    let (receiver, url) = Receiver::start(&[]).await;
    let made = add_endpoint(
        app.store().as_ref(),
        ws.id,
        &url,
        &["alert.raised"],
        None,
        Lang::En,
    )
    .await;
    let tok = Some(owner.as_str());
    let r = app
        .call(
            Method::POST,
            "/api/v1/clients",
            tok,
            Some(json!({"name": "Pixel Studio", "external_id": "C-PIX"})),
        )
        .await;
    let client = r.json["id"].as_i64().unwrap();
    let base = format!("/api/v1/clients/{client}");
    let today = Utc::now().date_naive();
    let day = |n: i64| (today - Span::days(n)).to_string();
    // 70 days without contact, two overdue invoices and a complaint: at
    // risk under the default threshold (as in early_warning.rs).
    for (uri, body) in [
        (
            format!("{base}/subscriptions"),
            json!({"subscription_ref": "S-1", "mrr": 100.0, "started_on": day(400)}),
        ),
        (
            format!("{base}/interactions"),
            json!({"kind": "call", "occurred_on": day(70)}),
        ),
        (
            format!("{base}/interactions"),
            json!({"kind": "complaint", "occurred_on": day(80)}),
        ),
        (
            format!("{base}/invoices"),
            json!({"invoice_ref": "F-1", "amount": 250.0, "due_on": day(40)}),
        ),
        (
            format!("{base}/invoices"),
            json!({"invoice_ref": "F-2", "amount": 250.0, "due_on": day(10)}),
        ),
    ] {
        let r = app.call(Method::POST, &uri, tok, Some(body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{uri}: {:#}", r.json);
    }
    let r = app
        .call(Method::POST, "/api/v1/health-scores/refresh", tok, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:#}", r.json);
    hooks::deliver_due(app.store().as_ref(), &secrets(), Utc::now())
        .await
        .unwrap();
    let alerts: Vec<Value> = receiver
        .got()
        .iter()
        .map(|g| verified(g, &made.secret))
        .collect();
    // Each record added rescores the client (follow::records_changed), so
    // an alert may be raised, resolved and raised again on the way: one
    // event per alert raised, the last one the alert live now.
    let live = app.call(Method::GET, "/api/v1/alerts", tok, None).await;
    assert_eq!(live.status, StatusCode::OK, "{:#}", live.json);
    let live_id = live
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["status"] == "open")
        .expect("an open alert")["id"]
        .clone();
    let ids: Vec<Value> = alerts
        .iter()
        .map(|a| a["data"]["alert"]["id"].clone())
        .collect();
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(ids, unique, "one event per alert: {alerts:#?}");
    let last = alerts
        .iter()
        .find(|a| a["data"]["alert"]["id"] == live_id)
        .expect("the live alert was sent");
    assert_eq!(last["type"], "alert.raised");
    assert_eq!(last["data"]["client"]["external_id"], "C-PIX");
    assert_eq!(last["data"]["alert"]["score"], 32);
    assert!(!last["data"]["alert"]["signals"]
        .as_array()
        .unwrap()
        .is_empty());
}

async fn a_status_set_by_hand_and_back_to_automatic_are_status_events(backend: Backend) {
    let app = keyed_app(backend).await;
    let (ws, owner) = app
        .user_with_token("o@example.com", "Acme", Role::Owner)
        .await;
    let (receiver, url) = Receiver::start(&[]).await;
    let made = add_endpoint(
        app.store().as_ref(),
        ws.id,
        &url,
        &["client.status_changed"],
        None,
        Lang::En,
    )
    .await;
    let tok = Some(owner.as_str());
    let r = app
        .call(
            Method::POST,
            "/api/v1/clients",
            tok,
            Some(json!({"name": "Lola"})),
        )
        .await;
    let uri = format!("/api/v1/clients/{}", r.json["id"]);
    for status in ["paused", "paused", "automatic"] {
        let r = app
            .call(Method::PATCH, &uri, tok, Some(json!({"status": status})))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:#}", r.json);
    }
    hooks::deliver_due(app.store().as_ref(), &secrets(), Utc::now())
        .await
        .unwrap();
    let mut events: Vec<Value> = receiver
        .got()
        .iter()
        .map(|g| verified(g, &made.secret))
        .collect();
    events.sort_by_key(|e| e["id"].as_str().unwrap()[4..].parse::<i64>().unwrap());
    let changes: Vec<(&str, &str)> = events
        .iter()
        .map(|e| {
            (
                e["data"]["old_status"].as_str().unwrap(),
                e["data"]["new_status"].as_str().unwrap(),
            )
        })
        .collect();
    // The same status set twice changes nothing the second time.
    assert_eq!(changes, [("prospect", "paused"), ("paused", "prospect")]);
}

both_backends!(
    endpoints_are_checked_made_listed_and_deleted_by_managers_of_their_workspace,
    a_workspace_without_endpoints_writes_no_outbox_rows,
    signed_events_of_clients_and_cases_reach_a_local_receiver,
    a_receiver_failing_twice_gets_the_event_once_with_every_attempt_logged,
    an_unanswered_delivery_is_given_up_24_hours_after_its_event,
    a_slack_endpoint_gets_a_text_in_its_workspace_language,
    a_change_made_while_no_server_runs_is_delivered_by_the_next_server,
    an_invoice_first_seen_overdue_is_one_event_and_old_history_none,
    two_delivery_runs_at_once_send_each_delivery_once,
    the_webhooks_page_adds_shows_the_secret_once_refuses_and_deletes,
    an_alert_raised_by_the_health_refresh_is_an_event,
    a_status_set_by_hand_and_back_to_automatic_are_status_events,
);
