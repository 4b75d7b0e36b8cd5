//! Issue 15: `POST /webhooks/stripe/<id>` (spec/integrations.md §1) on both
//! backends: events signed here with a known secret, the way Stripe signs
//! them (HMAC-SHA256 of "TIMESTAMP." + body), including a bad signature
//! (400, nothing changed), a replay (applied once), an out-of-order pair
//! (the older changes nothing), history kept as new segments, invoices
//! followed and a voided one removed.

use crate::both_backends;
use crate::support::TestApp;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use chrono::NaiveDate;
use churnwise_domain::registry::{ClientStatus, Role};
use churnwise_store::{ClientPatch, RecordedSegment, WorkspaceId};
use churnwise_store_tests::Backend;
use churnwise_web::AppState;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

const SECRET_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const WHSEC: &str = "whsec_test_known_secret";

struct Hook {
    app: TestApp,
    ws: WorkspaceId,
    path: String,
    owner: String,
}

/// A workspace with a webhook secret (and no API key).
async fn hook(backend: Backend) -> Hook {
    let t = backend.fresh().await;
    let mut state = AppState::new(t.store.clone());
    state.stripe.secrets.env_key = Some(SECRET_KEY.to_string());
    let app = TestApp {
        t,
        app: churnwise_web::app(state),
    };
    let (ws, owner) = app
        .user_with_token("o@acme.test", "acme", Role::Owner)
        .await;
    let set = app
        .call(
            Method::PUT,
            "/api/v1/integrations/stripe",
            Some(&owner),
            Some(json!({"webhook_secret": WHSEC})),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.json);
    let path = set.json["webhook_path"].as_str().unwrap().to_string();
    Hook {
        app,
        ws: ws.id,
        path,
        owner,
    }
}

fn signature(secret: &str, t: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

fn ts(day: &str) -> i64 {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(9, 30, 0)
        .unwrap()
        .and_utc()
        .timestamp()
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn event(id: &str, kind: &str, created: &str, object: Value) -> String {
    json!({"id": id, "object": "event", "type": kind, "created": ts(created),
        "data": {"object": object}})
    .to_string()
}

impl Hook {
    /// Posts `body` signed with `secret` at `t` (now when `None`).
    async fn post_signed(
        &self,
        body: &str,
        secret: Option<&str>,
        t: Option<i64>,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(&self.path)
            .header("content-type", "application/json");
        if let Some(secret) = secret {
            let t = t.unwrap_or_else(|| chrono::Utc::now().timestamp());
            request = request.header("stripe-signature", signature(secret, t, body));
        }
        let reply = self
            .app
            .send(request.body(Body::from(body.to_string())).unwrap())
            .await;
        (reply.status, reply.json)
    }

    async fn post(&self, body: &str) -> Value {
        let (status, json) = self.post_signed(body, Some(WHSEC), None).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        json
    }

    async fn client(&self, external: &str) -> Option<churnwise_store::Client> {
        self.app
            .store()
            .find_client(self.ws, external)
            .await
            .unwrap()
    }

    /// The due list's entries of `kind` (through the API).
    async fn due(&self, kind: &str) -> Vec<Value> {
        let reply = self
            .app
            .call(Method::GET, "/api/v1/due-list", Some(&self.owner), None)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.json);
        reply
            .json
            .as_array()
            .unwrap_or_else(|| panic!("{:?}", reply.json))
            .iter()
            .filter(|e| e["kind"] == kind)
            .cloned()
            .collect()
    }

    async fn segments(&self, sub: &str) -> Vec<(NaiveDate, Option<NaiveDate>, i64)> {
        self.app
            .store()
            .recorded_segments(self.ws, Some(&[sub.to_string()]))
            .await
            .unwrap()
            .into_iter()
            .map(|s: RecordedSegment| (s.started_on, s.ended_on, s.mrr_cents))
            .collect()
    }
}

fn customer(id: &str, name: &str) -> Value {
    json!({"id": id, "object": "customer", "name": name, "email": format!("{}@example.test", id),
        "metadata": {"segment": "agency"}})
}

fn subscription(id: &str, customer: &str, start: &str, monthly_cents: i64, status: &str) -> Value {
    json!({"id": id, "object": "subscription", "customer": customer, "status": status,
        "currency": "eur", "created": ts(start), "start_date": ts(start),
        "items": {"object": "list", "data": [{"id": "si_1", "quantity": 1,
            "price": {"id": "price_1", "unit_amount": monthly_cents, "currency": "eur",
                "recurring": {"interval": "month", "interval_count": 1}}}]}})
}

async fn a_bad_missing_or_old_signature_is_refused_and_changes_nothing(backend: Backend) {
    let h = hook(backend).await;
    let body = event(
        "evt_1",
        "customer.created",
        "2026-01-10",
        customer("cus_A", "Acme"),
    );
    let (status, json) = h.post_signed(&body, Some("whsec_wrong"), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
    assert!(json.to_string().contains("does not match"), "{json}");
    let (status, json) = h.post_signed(&body, None, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
    assert!(json.to_string().contains("Stripe-Signature"), "{json}");
    let old = chrono::Utc::now().timestamp() - 301;
    let (status, json) = h.post_signed(&body, Some(WHSEC), Some(old)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
    assert!(json.to_string().contains("300 s"), "{json}");
    // A body changed after signing.
    let t = chrono::Utc::now().timestamp();
    let request = Request::builder()
        .method(Method::POST)
        .uri(&h.path)
        .header("stripe-signature", signature(WHSEC, t, &body))
        .body(Body::from(body.replace("Acme", "Evil")))
        .unwrap();
    assert_eq!(h.app.send(request).await.status, StatusCode::BAD_REQUEST);
    assert!(h.client("cus_A").await.is_none(), "nothing changed");
    // An endpoint no workspace has.
    let request = Request::builder()
        .method(Method::POST)
        .uri("/webhooks/stripe/00000000000000000000000000000000")
        .header("stripe-signature", signature(WHSEC, t, &body))
        .body(Body::from(body.clone()))
        .unwrap();
    assert_eq!(h.app.send(request).await.status, StatusCode::NOT_FOUND);
    assert!(h.client("cus_A").await.is_none(), "nothing changed");
    // A body over 1 MiB is not read.
    let huge = "x".repeat(1024 * 1024 + 1);
    let (status, _) = h.post_signed(&huge, Some(WHSEC), None).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    // The same event, signed right: applied.
    assert_eq!(h.post(&body).await["outcome"], "applied");
    assert!(h.client("cus_A").await.is_some());
}

async fn a_customer_created_in_stripe_appears_without_a_sync_and_a_replay_changes_nothing(
    backend: Backend,
) {
    let h = hook(backend).await;
    let body = event(
        "evt_c1",
        "customer.created",
        "2026-01-10",
        customer("cus_A", "Acme"),
    );
    assert_eq!(h.post(&body).await["outcome"], "applied");
    let acme = h.client("cus_A").await.expect("the client appears");
    assert_eq!(acme.name, "Acme");
    assert_eq!(acme.segment.as_deref(), Some("agency"));
    let contacts = h.app.store().list_contacts(h.ws, acme.id).await.unwrap();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].email.as_deref(), Some("cus_A@example.test"));
    // Renamed here; the same event sent again changes nothing.
    h.app
        .store()
        .update_client(
            h.ws,
            acme.id,
            ClientPatch {
                name: Some("Acme (renamed here)".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(h.post(&body).await["outcome"], "replay");
    assert_eq!(h.client("cus_A").await.unwrap().name, "Acme (renamed here)");
    assert_eq!(
        h.app
            .store()
            .list_contacts(h.ws, acme.id)
            .await
            .unwrap()
            .len(),
        1
    );
    // Event types churnwise does not handle are accepted and ignored.
    let other = event(
        "evt_x",
        "charge.succeeded",
        "2026-01-11",
        json!({"id": "ch_1"}),
    );
    assert_eq!(h.post(&other).await["outcome"], "ignored");
}

async fn an_older_event_about_the_same_object_changes_nothing(backend: Backend) {
    let h = hook(backend).await;
    let newer = event(
        "evt_2",
        "customer.updated",
        "2026-02-02",
        customer("cus_A", "New name"),
    );
    let older = event(
        "evt_1",
        "customer.updated",
        "2026-02-01",
        customer("cus_A", "Old name"),
    );
    assert_eq!(h.post(&newer).await["outcome"], "applied");
    assert_eq!(h.post(&older).await["outcome"], "stale");
    assert_eq!(h.client("cus_A").await.unwrap().name, "New name");
    // The stale one is not applied later either (it counts as seen).
    assert_eq!(h.post(&older).await["outcome"], "replay");
}

async fn a_price_change_keeps_history_as_a_new_segment_and_a_cancellation_ends_it(
    backend: Backend,
) {
    let h = hook(backend).await;
    h.post(&event(
        "evt_c",
        "customer.created",
        "2026-01-10",
        customer("cus_A", "Acme"),
    ))
    .await;
    let created = subscription("sub_1", "cus_A", "2026-01-10", 4900, "active");
    h.post(&event(
        "evt_s1",
        "customer.subscription.created",
        "2026-01-10",
        created,
    ))
    .await;
    assert_eq!(
        h.segments("sub_1").await,
        vec![(day("2026-01-10"), None, 4900)]
    );
    let upgraded = subscription("sub_1", "cus_A", "2026-01-10", 9900, "active");
    let up = event(
        "evt_s2",
        "customer.subscription.updated",
        "2026-03-05",
        upgraded,
    );
    h.post(&up).await;
    let history = vec![
        (day("2026-01-10"), Some(day("2026-03-05")), 4900),
        (day("2026-03-05"), None, 9900),
    ];
    assert_eq!(h.segments("sub_1").await, history);
    // Replayed: once.
    assert_eq!(h.post(&up).await["outcome"], "replay");
    assert_eq!(h.segments("sub_1").await, history);
    // Out of order: an update made before the upgrade, delivered after it.
    let late = subscription("sub_1", "cus_A", "2026-01-10", 5900, "active");
    let late = event(
        "evt_s_late",
        "customer.subscription.updated",
        "2026-02-20",
        late,
    );
    assert_eq!(h.post(&late).await["outcome"], "stale");
    assert_eq!(h.segments("sub_1").await, history);

    let mut cancelled = subscription("sub_1", "cus_A", "2026-01-10", 9900, "canceled");
    cancelled["ended_at"] = json!(ts("2026-04-20"));
    cancelled["canceled_at"] = json!(ts("2026-04-20"));
    h.post(&event(
        "evt_s3",
        "customer.subscription.deleted",
        "2026-04-20",
        cancelled,
    ))
    .await;
    assert_eq!(
        h.segments("sub_1").await,
        vec![
            (day("2026-01-10"), Some(day("2026-03-05")), 4900),
            (day("2026-03-05"), Some(day("2026-04-20")), 9900),
        ]
    );
    // The status rule followed: no segment runs today.
    assert_eq!(
        h.client("cus_A").await.unwrap().status,
        ClientStatus::Former
    );
}

async fn invoices_follow_their_events_and_a_voided_one_is_removed(backend: Backend) {
    let h = hook(backend).await;
    h.post(&event(
        "evt_c",
        "customer.created",
        "2026-01-10",
        customer("cus_A", "Acme"),
    ))
    .await;
    let open = json!({"id": "in_1", "object": "invoice", "customer": "cus_A", "status": "open",
        "currency": "eur", "amount_due": 4900, "created": ts("2026-02-01"),
        "due_date": ts("2026-02-15")});
    h.post(&event(
        "evt_i1",
        "invoice.finalized",
        "2026-02-01",
        open.clone(),
    ))
    .await;
    let acme = h.client("cus_A").await.unwrap();
    let invoices = h.app.store().list_invoices(h.ws, acme.id).await.unwrap();
    assert_eq!(invoices.len(), 1);
    assert_eq!(invoices[0].amount.cents(), 4900);
    assert_eq!(invoices[0].due_on, day("2026-02-15"));
    assert_eq!(invoices[0].paid_on, None);
    let mut paid = open.clone();
    paid["status"] = json!("paid");
    paid["status_transitions"] = json!({"paid_at": ts("2026-02-12")});
    h.post(&event("evt_i2", "invoice.paid", "2026-02-12", paid))
        .await;
    let invoices = h.app.store().list_invoices(h.ws, acme.id).await.unwrap();
    assert_eq!(invoices[0].paid_on, Some(day("2026-02-12")));

    let other = json!({"id": "in_2", "object": "invoice", "customer": "cus_A", "status": "open",
        "currency": "eur", "amount_due": 1200, "created": ts("2026-03-01")});
    h.post(&event(
        "evt_i3",
        "invoice.finalized",
        "2026-03-01",
        other.clone(),
    ))
    .await;
    assert_eq!(
        h.app
            .store()
            .list_invoices(h.ws, acme.id)
            .await
            .unwrap()
            .len(),
        2
    );
    let mut voided = other;
    voided["status"] = json!("void");
    h.post(&event("evt_i4", "invoice.voided", "2026-03-02", voided))
        .await;
    let invoices = h.app.store().list_invoices(h.ws, acme.id).await.unwrap();
    assert_eq!(invoices.len(), 1);
    assert_eq!(invoices[0].invoice_ref, "in_1");
}

async fn an_event_whose_customer_is_unknown_is_refused_until_the_customer_comes(backend: Backend) {
    let h = hook(backend).await;
    let sub = event(
        "evt_s1",
        "customer.subscription.created",
        "2026-01-10",
        subscription("sub_1", "cus_B", "2026-01-10", 4900, "active"),
    );
    // No API key to read the customer: 409, so Stripe sends it again.
    let (status, json) = h.post_signed(&sub, Some(WHSEC), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{json}");
    assert!(json.to_string().contains("cus_B"), "{json}");
    assert!(h.segments("sub_1").await.is_empty());
    h.post(&event(
        "evt_c",
        "customer.created",
        "2026-01-10",
        customer("cus_B", "Beta"),
    ))
    .await;
    assert_eq!(h.post(&sub).await["outcome"], "applied");
    assert_eq!(
        h.segments("sub_1").await,
        vec![(day("2026-01-10"), None, 4900)]
    );
}

async fn a_cancellation_and_a_failed_payment_reach_the_due_list_and_leave_it(backend: Backend) {
    let h = hook(backend).await;
    let today = chrono::Utc::now().date_naive();
    let day_text = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let started = day_text(today - chrono::Days::new(200));
    let now_text = day_text(today);
    h.post(&event(
        "evt_c",
        "customer.created",
        &started,
        customer("cus_A", "Acme"),
    ))
    .await;
    let running = subscription("sub_1", "cus_A", &started, 4900, "active");
    h.post(&event(
        "evt_s1",
        "customer.subscription.created",
        &started,
        running.clone(),
    ))
    .await;
    assert!(h.due("billing_cancelled").await.is_empty());
    // Cancelled at the end of the period, today.
    let period_end = today + chrono::Days::new(20);
    let mut cancelling = running.clone();
    cancelling["cancel_at_period_end"] = json!(true);
    cancelling["current_period_end"] = json!(ts(&day_text(period_end)));
    h.post(&event(
        "evt_s2",
        "customer.subscription.updated",
        &now_text,
        cancelling,
    ))
    .await;
    let due = h.due("billing_cancelled").await;
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0]["client_name"], "Acme");
    // Still running until the period ends.
    assert_eq!(
        h.client("cus_A").await.unwrap().status,
        ClientStatus::Active
    );
    // Undone in Stripe: the item goes.
    let mut kept = running.clone();
    kept["cancel_at_period_end"] = json!(false);
    h.post(&event(
        "evt_s3",
        "customer.subscription.updated",
        &now_text,
        kept,
    ))
    .await;
    assert!(h.due("billing_cancelled").await.is_empty());

    // A failed payment: due while the invoice is unpaid.
    let open = json!({"id": "in_9", "object": "invoice", "customer": "cus_A", "status": "open",
        "currency": "eur", "amount_due": 4900, "created": ts(&now_text), "attempt_count": 1});
    h.post(&event(
        "evt_i1",
        "invoice.payment_failed",
        &now_text,
        open.clone(),
    ))
    .await;
    let due = h.due("payment_failed").await;
    assert_eq!(due.len(), 1, "{due:?}");
    let mut paid = open;
    paid["status"] = json!("paid");
    paid["status_transitions"] = json!({"paid_at": ts(&now_text)});
    h.post(&event("evt_i2", "invoice.paid", &now_text, paid))
        .await;
    assert!(h.due("payment_failed").await.is_empty());
}

both_backends!(
    a_bad_missing_or_old_signature_is_refused_and_changes_nothing,
    a_customer_created_in_stripe_appears_without_a_sync_and_a_replay_changes_nothing,
    an_older_event_about_the_same_object_changes_nothing,
    a_price_change_keeps_history_as_a_new_segment_and_a_cancellation_ends_it,
    invoices_follow_their_events_and_a_voided_one_is_removed,
    an_event_whose_customer_is_unknown_is_refused_until_the_customer_comes,
    a_cancellation_and_a_failed_payment_reach_the_due_list_and_leave_it,
);
