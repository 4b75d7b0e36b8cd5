//! Issue 15: `churnwise stripe sync` against a real fake of Stripe's API
//! (localstripe from PyPI, installed by scripts/test.sh), on both backends:
//! the registry shows the same clients, MRR per client and invoices as
//! Stripe, and a second sync changes nothing.

use crate::both_backends;
use crate::support::TestApp;
use churnwise_domain::registry::ClientStatus;
use churnwise_store::{ClientFilter, Store, WorkspaceId};
use churnwise_store_tests::Backend;
use serde_json::Value;
use std::process::Command;

/// A sealing key for the tests (base64 of 32 bytes).
const SECRET_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// localstripe on a free loopback port, empty (`--from-scratch`: it would
/// otherwise load what another instance saved in /tmp), stopped when dropped.
pub struct FakeStripe {
    pub base: String,
    child: std::process::Child,
}

impl Drop for FakeStripe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl FakeStripe {
    pub fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("python3")
            .args([
                "-m",
                "localstripe",
                "--from-scratch",
                "--port",
                &port.to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 runs");
        let mut fake = FakeStripe {
            base: format!("http://127.0.0.1:{port}"),
            child,
        };
        for _ in 0..150 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                // Listening: wait until it answers.
                if fake.get("/v1/customers?limit=1").get("data").is_some() {
                    return fake;
                }
            }
            if let Ok(Some(_)) = fake.child.try_wait() {
                panic!("localstripe did not start (pip install localstripe==1.15.10; scripts/test.sh does)");
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("localstripe did not listen on port {port}");
    }

    fn curl(&self, method: &str, path: &str, form: &[(&str, &str)]) -> Value {
        let mut cmd = Command::new("curl");
        cmd.args(["-s", "-X", method, "-u", "sk_test_churnwise:"]);
        for (k, v) in form {
            cmd.arg("--data-urlencode").arg(format!("{k}={v}"));
        }
        let out = cmd
            .arg(format!("{}{path}", self.base))
            .output()
            .expect("curl runs");
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
    }

    pub fn get(&self, path: &str) -> Value {
        self.curl("GET", path, &[])
    }

    pub fn post(&self, path: &str, form: &[(&str, &str)]) -> Value {
        let v = self.curl("POST", path, form);
        assert!(v.get("error").is_none(), "POST {path}: {v}");
        v
    }

    pub fn delete(&self, path: &str) -> Value {
        self.curl("DELETE", path, &[])
    }

    /// A customer with a card that pays.
    pub fn paying_customer(&self, form: &[(&str, &str)]) -> String {
        let id = self.post("/v1/customers", form)["id"]
            .as_str()
            .unwrap()
            .to_string();
        self.post(
            &format!("/v1/customers/{id}/sources"),
            &[
                ("source[object]", "card"),
                ("source[number]", "4242424242424242"),
                ("source[exp_month]", "12"),
                ("source[exp_year]", "2034"),
                ("source[cvc]", "123"),
            ],
        );
        id
    }
}

/// Runs `churnwise stripe …` on `url` against `stripe`.
pub fn stripe_cli(url: &str, stripe: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_churnwise"))
        .arg("--database")
        .arg(url)
        .arg("stripe")
        .args(args)
        .args(["--stripe-api-base", stripe])
        .env("CHURNWISE_LOG", "warn")
        .env("CHURNWISE_SECRET_KEY", SECRET_KEY)
        .output()
        .expect("the churnwise binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Everything the sync writes, per client by external id, in a stable order.
async fn registry(s: &dyn Store, ws: WorkspaceId) -> Vec<String> {
    let clients = s
        .list_clients(
            ws,
            &ClientFilter {
                per_page: 500,
                ..ClientFilter::default()
            },
        )
        .await
        .unwrap()
        .items;
    let mut out = Vec::new();
    for c in clients {
        let mut subs = s.list_subscriptions(ws, c.id).await.unwrap();
        subs.sort_by_key(|x| (x.subscription_ref.clone(), x.started_on));
        let mut invoices = s.list_invoices(ws, c.id).await.unwrap();
        invoices.sort_by_key(|x| x.invoice_ref.clone());
        let contacts: Vec<_> = s
            .list_contacts(ws, c.id)
            .await
            .unwrap()
            .into_iter()
            .map(|x| (x.name, x.email, x.is_primary))
            .collect();
        out.push(format!(
            "{:?} {} {} {:?} {:?} contacts={contacts:?} subs={:?} invoices={:?}",
            c.external_id,
            c.name,
            c.status,
            c.owner,
            c.segment,
            subs.iter()
                .map(|x| (&x.subscription_ref, x.mrr.cents(), x.started_on, x.ended_on))
                .collect::<Vec<_>>(),
            invoices
                .iter()
                .map(|x| (
                    &x.invoice_ref,
                    x.amount.cents(),
                    x.issued_on,
                    x.due_on,
                    x.paid_on
                ))
                .collect::<Vec<_>>(),
        ));
    }
    out.sort();
    out
}

/// The MRR running today of the client with `external_id`.
async fn mrr_of(s: &dyn Store, ws: WorkspaceId, external_id: &str) -> (ClientStatus, i64) {
    let c = s.find_client(ws, external_id).await.unwrap().unwrap();
    let today = chrono::Utc::now().date_naive();
    let mrr = s
        .list_subscriptions(ws, c.id)
        .await
        .unwrap()
        .iter()
        .filter(|x| x.started_on <= today && x.ended_on.is_none_or(|e| e > today))
        .map(|x| x.mrr.cents())
        .sum();
    (c.status, mrr)
}

async fn a_sync_brings_the_same_clients_mrr_and_invoices_as_stripe_and_a_second_changes_nothing(
    backend: Backend,
) {
    let app = TestApp::new(backend).await;
    let ws = app.store().ensure_workspace("acme").await.unwrap().id;
    let stripe = FakeStripe::start();
    let today = chrono::Utc::now().date_naive();
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
            ("id", "annual"),
            ("amount", "120000"),
            ("currency", "eur"),
            ("interval", "year"),
            ("product[name]", "Annual"),
        ],
    );
    stripe.post(
        "/v1/plans",
        &[
            ("id", "dollars"),
            ("amount", "1000"),
            ("currency", "usd"),
            ("interval", "week"),
            ("product[name]", "Dollars"),
        ],
    );
    // Acme: 2 seats of Basic, 98.00 a month.
    let acme = stripe.paying_customer(&[
        ("name", "Acme"),
        ("email", "ana@acme.test"),
        ("metadata[owner]", "maria"),
        ("metadata[segment]", "smb"),
    ]);
    stripe.post(
        "/v1/subscriptions",
        &[
            ("customer", &acme),
            ("items[0][plan]", "basic"),
            ("items[0][quantity]", "2"),
        ],
    );
    // Beta (email only): Annual since Jan 1, canceled today.
    let beta = stripe.paying_customer(&[("email", "bob@beta.test")]);
    let since = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp()
        .to_string();
    let beta_sub = stripe.post(
        "/v1/subscriptions",
        &[
            ("customer", &beta),
            ("items[0][plan]", "annual"),
            ("backdate_start_date", &since),
        ],
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    stripe.delete(&format!("/v1/subscriptions/{beta_sub}"));
    // Gamma pays in dollars: skipped and listed.
    let gamma = stripe.paying_customer(&[("name", "Gamma")]);
    stripe.post(
        "/v1/subscriptions",
        &[("customer", &gamma), ("items[0][plan]", "dollars")],
    );
    // Delta asks for a 14-day trial, which localstripe leaves `incomplete`:
    // no segment.
    let delta = stripe.paying_customer(&[("name", "Delta")]);
    let delta_sub = stripe.post(
        "/v1/subscriptions",
        &[
            ("customer", &delta),
            ("items[0][plan]", "basic"),
            ("trial_period_days", "14"),
        ],
    );
    assert_eq!(delta_sub["status"], "incomplete", "{delta_sub}");
    // More customers than one page holds.
    for i in 0..100 {
        stripe.post("/v1/customers", &[("description", &format!("bulk {i}"))]);
    }

    let (ok, out, err) = stripe_cli(
        &app.t.url,
        &stripe.base,
        &["connect", "--api-key", "sk_test_churnwise"],
    );
    assert!(ok, "{out}{err}");
    let view: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(view["connected"], true);
    assert!(!out.contains("sk_test_churnwise"), "{out}");
    let sealed = app.store().stripe_connection(ws).await.unwrap().unwrap();
    assert!(!sealed
        .api_key_sealed
        .as_deref()
        .unwrap()
        .contains("sk_test_churnwise"));

    let (ok, out, err) = stripe_cli(&app.t.url, &stripe.base, &["sync"]);
    assert!(ok, "{out}{err}");
    assert!(err.contains("customers: 104 read"), "progress: {err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["currency"], "eur", "{report}");
    assert_eq!(report["clients"]["created"], 104, "{report}");
    let skipped = report["skipped"].to_string();
    assert!(skipped.contains("currency \\\"usd\\\""), "{report}");
    assert_eq!(report["skipped_total"], 2, "{report}");

    let s = app.store().as_ref();
    assert_eq!(mrr_of(s, ws, &acme).await, (ClientStatus::Active, 9800));
    assert_eq!(mrr_of(s, ws, &gamma).await.1, 0);
    assert_eq!(mrr_of(s, ws, &delta).await, (ClientStatus::Prospect, 0));
    let delta_client = s.find_client(ws, &delta).await.unwrap().unwrap();
    assert!(s
        .list_subscriptions(ws, delta_client.id)
        .await
        .unwrap()
        .is_empty());
    let beta_client = s.find_client(ws, &beta).await.unwrap().unwrap();
    assert_eq!(beta_client.name, "bob@beta.test");
    assert_eq!(beta_client.status, ClientStatus::Former);
    let beta_subs = s.list_subscriptions(ws, beta_client.id).await.unwrap();
    assert_eq!(beta_subs.len(), 1);
    assert_eq!(beta_subs[0].mrr.cents(), 10000);
    assert_eq!(beta_subs[0].started_on.to_string(), "2026-01-01");
    assert_eq!(beta_subs[0].ended_on, Some(today));
    let acme_client = s.find_client(ws, &acme).await.unwrap().unwrap();
    assert_eq!(acme_client.name, "Acme");
    assert_eq!(acme_client.owner.as_deref(), Some("maria"));
    assert_eq!(acme_client.segment.as_deref(), Some("smb"));
    let contacts = s.list_contacts(ws, acme_client.id).await.unwrap();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].email.as_deref(), Some("ana@acme.test"));
    assert!(contacts[0].is_primary);

    // Invoices equal Stripe's (draft and void excepted; the dollar one skipped).
    let stripe_invoices = stripe.get("/v1/invoices?limit=100");
    let mut expected = 0;
    for inv in stripe_invoices["data"].as_array().unwrap() {
        let customer = inv["customer"].as_str().unwrap();
        let client = s.find_client(ws, customer).await.unwrap().unwrap();
        let stored = s.list_invoices(ws, client.id).await.unwrap();
        let id = inv["id"].as_str().unwrap();
        let found = stored.iter().find(|x| x.invoice_ref == id);
        if inv["currency"] == "usd" || inv["status"] == "draft" || inv["status"] == "void" {
            assert!(found.is_none(), "{inv}");
            continue;
        }
        expected += 1;
        let found = found.unwrap_or_else(|| panic!("invoice {id} not synced"));
        assert_eq!(found.amount.cents(), inv["amount_due"].as_i64().unwrap());
        let paid = inv["status_transitions"]["paid_at"]
            .as_i64()
            .map(|t| chrono::DateTime::from_timestamp(t, 0).unwrap().date_naive());
        assert_eq!(found.paid_on, paid, "{inv}");
    }
    assert_eq!(expected, 2, "{stripe_invoices}");
    assert_eq!(report["invoices"]["written"], expected);

    // A second sync changes nothing.
    let before = registry(s, ws).await;
    let (ok, out, err) = stripe_cli(&app.t.url, &stripe.base, &["sync"]);
    assert!(ok, "{out}{err}");
    let again: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(again["clients"]["created"], 0, "{again}");
    assert_eq!(again["segments"]["created"], 0, "{again}");
    assert_eq!(again["invoices"]["created"], 0, "{again}");
    assert_eq!(registry(s, ws).await, before);

    // Epsilon, on Basic since 1 January, first seen by a sync; then it
    // takes 3 seats: the next sync starts a new segment on the day it sees
    // the change, and the past stays as it was.
    let epsilon = stripe.paying_customer(&[("name", "Epsilon")]);
    let epsilon_sub = stripe.post(
        "/v1/subscriptions",
        &[
            ("customer", &epsilon),
            ("items[0][plan]", "basic"),
            ("backdate_start_date", &since),
        ],
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let segments_of = |id: String| async move {
        s.recorded_segments(ws, Some(&[id]))
            .await
            .unwrap()
            .into_iter()
            .map(|x| (x.started_on.to_string(), x.ended_on, x.mrr_cents))
            .collect::<Vec<_>>()
    };
    let (ok, out, err) = stripe_cli(&app.t.url, &stripe.base, &["sync"]);
    assert!(ok, "{out}{err}");
    assert_eq!(
        segments_of(epsilon_sub.clone()).await,
        vec![("2026-01-01".to_string(), None, 4900)]
    );
    stripe.post(
        &format!("/v1/subscriptions/{epsilon_sub}"),
        &[("items[0][plan]", "basic"), ("items[0][quantity]", "3")],
    );
    let (ok, out, err) = stripe_cli(&app.t.url, &stripe.base, &["sync"]);
    assert!(ok, "{out}{err}");
    assert_eq!(
        segments_of(epsilon_sub.clone()).await,
        vec![
            ("2026-01-01".to_string(), Some(today), 4900),
            (today.to_string(), None, 14700)
        ]
    );
    assert_eq!(mrr_of(s, ws, &epsilon).await, (ClientStatus::Active, 14700));
    // And the sync after that changes nothing.
    let before = registry(s, ws).await;
    let (ok, out, err) = stripe_cli(&app.t.url, &stripe.base, &["sync"]);
    assert!(ok, "{out}{err}");
    let again: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(again["segments"]["written"], 0, "{again}");
    assert_eq!(registry(s, ws).await, before);

    // The status shows the last report, never the key.
    let (ok, out, _) = stripe_cli(&app.t.url, &stripe.base, &["status"]);
    assert!(ok);
    assert!(out.contains("\"last_sync\""), "{out}");
    assert!(!out.contains("sk_test_churnwise"), "{out}");
}

async fn a_failed_call_names_what_was_read_and_writes_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let ws = app.store().ensure_workspace("acme").await.unwrap().id;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://127.0.0.1:{}", l.local_addr().unwrap().port())
    };
    let (ok, _, err) = stripe_cli(&app.t.url, &closed, &["sync"]);
    assert!(!ok);
    assert!(err.contains("no Stripe API key is set"), "{err}");
    let (ok, out, err) = stripe_cli(&app.t.url, &closed, &["connect", "--api-key", "pk_wrong"]);
    assert!(!ok, "{out}");
    assert!(
        err.contains("--api-key: must start with rk_ or sk_"),
        "{err}"
    );
    let (ok, _, err) = stripe_cli(&app.t.url, &closed, &["connect", "--api-key", "rk_test_1"]);
    assert!(ok, "{err}");
    let (ok, _, err) = stripe_cli(&app.t.url, &closed, &["sync"]);
    assert!(!ok);
    assert!(err.contains("customers: cannot reach"), "{err}");
    assert!(registry(app.store().as_ref(), ws).await.is_empty());
    let c = app.store().stripe_connection(ws).await.unwrap().unwrap();
    assert_eq!(c.last_sync, None);
}

both_backends!(
    a_sync_brings_the_same_clients_mrr_and_invoices_as_stripe_and_a_second_changes_nothing,
    a_failed_call_names_what_was_read_and_writes_nothing,
);
