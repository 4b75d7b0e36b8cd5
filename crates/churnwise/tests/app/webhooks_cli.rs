//! Issue 17, `churnwise webhooks list` and `churnwise webhooks deliveries`
//! (the delivery log by `--limit`, `--offset` and `--endpoint`), as a table
//! and as JSON; a bad `--limit` or another workspace's endpoint is refused
//! with the flag named. Both backends.

use crate::both_backends;
use crate::support::{churnwise, TestApp};
use chrono::Utc;
use churnwise_app::outgoing_webhooks::{self as hooks, EndpointInput};
use churnwise_app::stripe::SecretKeySource;
use churnwise_domain::registry::ClientStatus;
use churnwise_domain::Lang;
use churnwise_store::{NewClient, Store, WorkspaceId};
use churnwise_store_tests::Backend;
use serde_json::Value;

const SECRET_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn secrets() -> SecretKeySource {
    SecretKeySource {
        env_key: Some(SECRET_KEY.to_string()),
        key_file: None,
    }
}

async fn endpoint(store: &dyn Store, ws: WorkspaceId, url: &str) -> i64 {
    hooks::create_endpoint(
        store,
        &secrets(),
        ws,
        &EndpointInput {
            url: url.to_string(),
            events: vec!["client.created".to_string()],
            kind: None,
            lang: None,
        },
        Lang::En,
        Utc::now(),
    )
    .await
    .unwrap()
    .id
}

async fn new_client(store: &dyn Store, ws: WorkspaceId, name: &str) {
    store
        .create_client(
            ws,
            NewClient {
                external_id: None,
                name: name.to_string(),
                status: ClientStatus::Active,
                owner: None,
                segment: None,
                keep_in_touch_days: 30,
                notes: None,
            },
        )
        .await
        .unwrap();
}

fn json(out: &str) -> Vec<Value> {
    serde_json::from_str::<Vec<Value>>(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

async fn the_cli_lists_endpoints_and_walks_the_delivery_log(backend: Backend) {
    let app = TestApp::new(backend).await;
    let store = app.store().clone();
    let ws = store.ensure_workspace("Acme").await.unwrap().id;
    // Two endpoints on closed local ports: every attempt fails and is logged.
    let first = endpoint(store.as_ref(), ws, "http://127.0.0.1:9/one").await;
    let second = endpoint(store.as_ref(), ws, "http://127.0.0.1:9/two").await;
    for name in ["Alpha", "Beta", "Gamma"] {
        new_client(store.as_ref(), ws, name).await;
    }
    let run = hooks::deliver_due(store.as_ref(), &secrets(), Utc::now())
        .await
        .unwrap();
    assert_eq!(run.attempted, 6, "{run:?}");
    // Another workspace's endpoint.
    let other = store.ensure_workspace("Other").await.unwrap().id;
    let foreign = endpoint(store.as_ref(), other, "http://127.0.0.1:9/x").await;
    let url = &app.t.url;

    let (ok, out, err) = churnwise(
        url,
        &[
            "webhooks",
            "list",
            "--workspace",
            "Acme",
            "--format",
            "json",
        ],
    );
    assert!(ok, "{err}");
    let listed = json(&out);
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["id"], first);
    assert_eq!(listed[0]["url"], "http://127.0.0.1:9/one");
    assert_eq!(listed[0]["events"], serde_json::json!(["client.created"]));
    assert!(!out.contains("secret"), "{out}");
    let (ok, out, _) = churnwise(url, &["webhooks", "list", "--workspace", "Acme"]);
    assert!(ok);
    assert!(out.contains("http://127.0.0.1:9/two"), "{out}");

    let (ok, out, err) = churnwise(
        url,
        &[
            "webhooks",
            "deliveries",
            "--workspace",
            "Acme",
            "--format",
            "json",
        ],
    );
    assert!(ok, "{err}");
    let all = json(&out);
    assert_eq!(all.len(), 6);
    assert!(all.iter().all(|a| a["event_type"] == "client.created"
        && a["state"] == "pending"
        && a["error"].is_string()));
    let (ok, out, _) = churnwise(
        url,
        &[
            "webhooks",
            "deliveries",
            "--workspace",
            "Acme",
            "--endpoint",
            &second.to_string(),
            "--limit",
            "2",
            "--offset",
            "1",
            "--format",
            "json",
        ],
    );
    assert!(ok);
    let window = json(&out);
    assert_eq!(window.len(), 2);
    assert!(window.iter().all(|a| a["url"] == "http://127.0.0.1:9/two"));
    assert_eq!(
        window[0],
        all.iter()
            .filter(|a| a["url"] == "http://127.0.0.1:9/two")
            .nth(1)
            .unwrap()
            .clone()
    );
    let (ok, out, err) = churnwise(url, &["webhooks", "deliveries", "--workspace", "Acme"]);
    assert!(ok);
    assert!(
        out.contains("client.created") && out.contains("pending"),
        "{out}"
    );
    assert!(err.contains("6 of 6 attempt(s)"), "{err}");

    let (ok, _, err) = churnwise(
        url,
        &[
            "webhooks",
            "deliveries",
            "--workspace",
            "Acme",
            "--limit",
            "501",
        ],
    );
    assert!(!ok);
    assert!(err.contains("--limit: must be between 1 and 500"), "{err}");
    let (ok, _, err) = churnwise(
        url,
        &[
            "webhooks",
            "deliveries",
            "--workspace",
            "Acme",
            "--endpoint",
            &foreign.to_string(),
        ],
    );
    assert!(!ok);
    assert!(err.contains("no such endpoint (--endpoint)"), "{err}");
}

both_backends!(the_cli_lists_endpoints_and_walks_the_delivery_log);
