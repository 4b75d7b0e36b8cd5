//! Issue 15, billing signals: a Stripe cancellation asks "record why?" on
//! the Due page until a departure case is opened or it is dismissed; a
//! failed payment shows while its invoice is unpaid and raises the
//! overdue-invoices health signal; a sync against localstripe records a
//! cancellation at period end. On both backends, in English and Spanish.

use crate::both_backends;
use crate::pages::{csrf_of, get, html, post, sign_in};
use crate::stripe_sync::{stripe_cli, FakeStripe};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use chrono::{Days, NaiveDate, Utc};
use churnwise_app::audit::Actor;
use churnwise_app::billing_signals::{
    record_cancellation, record_payment_failed, withdraw_cancellation,
};
use churnwise_domain::registry::{ClientStatus, Role};
use churnwise_domain::{Lang, Money};
use churnwise_store::{ClientId, NewClient, NewInvoice, NewSubscription, Store, WorkspaceId};
use churnwise_store_tests::Backend;
use serde_json::{json, Value};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// An active client with a running subscription (so it is scored).
async fn client(
    s: &dyn Store,
    ws: WorkspaceId,
    external: &str,
    name: &str,
    owner: &str,
) -> ClientId {
    let c = s
        .create_client(
            ws,
            NewClient {
                external_id: Some(external.into()),
                name: name.into(),
                status: ClientStatus::Active,
                owner: Some(owner.into()),
                segment: None,
                keep_in_touch_days: 365,
                notes: None,
            },
        )
        .await
        .unwrap();
    s.add_subscription(
        ws,
        c.id,
        NewSubscription {
            subscription_ref: format!("sub_{external}"),
            plan: None,
            mrr: Money::from_cents(10_000),
            started_on: today() - Days::new(200),
            ended_on: None,
            notice_period_days: None,
            minimum_term_months: None,
        },
    )
    .await
    .unwrap();
    c.id
}

/// The due list through the API.
async fn due_api(app: &TestApp, token: &str) -> Vec<Value> {
    let r = app
        .call(Method::GET, "/api/v1/due-list", Some(token), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    r.json.as_array().unwrap().clone()
}

fn of_kind<'a>(due: &'a [Value], kind: &str) -> Vec<&'a Value> {
    due.iter().filter(|e| e["kind"] == kind).collect()
}

async fn a_stripe_cancellation_asks_for_a_case_until_one_is_opened_or_it_is_dismissed(
    backend: Backend,
) {
    let app = TestApp::new(backend).await;
    let (w, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let (_, bob_token) = app
        .user_with_token("bob@example.com", "Acme", Role::Member)
        .await;
    let ws = w.id;
    let s = app.store().as_ref();
    let acme = client(s, ws, "cus_acme", "Acme", "ana@example.com").await;
    let beta = client(s, ws, "cus_beta", "Beta", "ana@example.com").await;
    client(s, ws, "cus_gamma", "Gamma", "ana@example.com").await;
    let cancelled = today() - Days::new(7);
    let ends = today() + Days::new(23);
    record_cancellation(s, ws, "cus_acme", "sub_a", cancelled, Some(ends))
        .await
        .unwrap();
    record_cancellation(s, ws, "cus_beta", "sub_b", cancelled, None)
        .await
        .unwrap();
    record_cancellation(s, ws, "cus_gamma", "sub_g", cancelled, None)
        .await
        .unwrap();
    // An unknown customer is no error and records nothing; neither does a
    // cancellation older than 90 days show.
    record_cancellation(s, ws, "cus_nobody", "sub_x", cancelled, None)
        .await
        .unwrap();
    let err = record_cancellation(s, ws, "cus_acme", " ", cancelled, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("subscription_ref"), "{err}");

    let due = due_api(&app, &token).await;
    let billing = of_kind(&due, "billing_cancelled");
    assert_eq!(billing.len(), 3, "{due:?}");
    let a = billing.iter().find(|e| e["client_id"] == acme.0).unwrap();
    assert_eq!(a["due_on"], cancelled.to_string());
    assert_eq!(a["days_overdue"], 7);
    assert_eq!(a["billing"]["reference"], "sub_a");
    assert_eq!(a["billing"]["ends_on"], ends.to_string());

    // Recording it again (a second sync, a webhook) changes nothing.
    record_cancellation(s, ws, "cus_acme", "sub_a", today(), Some(ends))
        .await
        .unwrap();
    let again = due_api(&app, &token).await;
    assert_eq!(of_kind(&again, "billing_cancelled").len(), 3);
    let a = again
        .iter()
        .find(|e| e["client_id"] == acme.0 && e["kind"] == "billing_cancelled")
        .unwrap();
    assert_eq!(
        a["due_on"],
        cancelled.to_string(),
        "the earlier day is kept"
    );

    // The page, in English and in Spanish, links the client's case form.
    let jar = sign_in(&app, "ana@example.com").await;
    let page = get(&app, "/due", &jar, None).await;
    let text = html(&page);
    let en = format!(
        "Acme cancelled in Stripe on {} (ends {}): record why?",
        Lang::En.date(cancelled),
        Lang::En.date(ends)
    );
    assert!(text.contains(&en), "{text}");
    assert!(
        text.contains(&format!("href=\"/clients/{}#open-case\"", acme.0)),
        "{text}"
    );
    let page = get(&app, "/due", &jar, Some("es")).await;
    let es = format!(
        "Acme canceló en Stripe el {} (termina el {}): ¿registrar el motivo?",
        Lang::Es.date(cancelled),
        Lang::Es.date(ends)
    );
    assert!(html(&page).contains(&es), "{}", html(&page));

    // A departure case opened for Acme: its item goes.
    let notice = json!({
        "received_on": today().to_string(),
        "channel": "email",
        "received_by": "ana",
        "first_evaluation": {"fruitful": true, "history_of_stumbles": false,
            "our_commitments_met": true, "client_commitments_met": true},
    });
    let r = app
        .call(
            Method::POST,
            "/api/v1/cases",
            Some(&token),
            Some(json!({"client_id": acme.0, "notice": notice})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:#}", r.json);
    let due = due_api(&app, &token).await;
    let billing = of_kind(&due, "billing_cancelled");
    assert_eq!(billing.len(), 2, "{due:?}");
    assert!(billing.iter().all(|e| e["client_id"] != acme.0));

    // Beta's is dismissed: a member who does not own Beta may not; its
    // owner (an owner of the workspace) may.
    let b = billing.iter().find(|e| e["client_id"] == beta.0).unwrap();
    let signal = b["billing"]["signal_id"].as_i64().unwrap();
    let bob = sign_in(&app, "bob@example.com").await;
    let page = get(&app, "/due?show=all", &bob, None).await;
    let bob_csrf = csrf_of(html(&page));
    assert!(
        !html(&page).contains("billing-signals/"),
        "no dismiss button for bob"
    );
    let refused = post(
        &app,
        &format!("/due/billing-signals/{signal}/dismiss"),
        &bob,
        &[("csrf", &bob_csrf)],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        of_kind(&due_api(&app, &token).await, "billing_cancelled").len(),
        2
    );
    let page = get(&app, "/due", &jar, None).await;
    assert!(html(&page).contains(&format!("/due/billing-signals/{signal}/dismiss")));
    let csrf = csrf_of(html(&page));
    let done = post(
        &app,
        &format!("/due/billing-signals/{signal}/dismiss"),
        &jar,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{:?}", done.json);
    let due = due_api(&app, &token).await;
    let billing = of_kind(&due, "billing_cancelled");
    assert_eq!(billing.len(), 1, "{due:?}");
    assert!(billing.iter().all(|e| e["client_id"] != beta.0));
    // Dismissed stays dismissed when the sync records it again.
    record_cancellation(s, ws, "cus_beta", "sub_b", cancelled, None)
        .await
        .unwrap();
    assert_eq!(
        of_kind(&due_api(&app, &token).await, "billing_cancelled").len(),
        1
    );
    // Another workspace's signal is not found.
    let missing = post(
        &app,
        "/due/billing-signals/999999/dismiss",
        &jar,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // Through the API: bob may not dismiss Gamma's, ana may.
    let due = due_api(&app, &token).await;
    let g = of_kind(&due, "billing_cancelled")[0]["billing"]["signal_id"]
        .as_i64()
        .unwrap();
    let uri = format!("/api/v1/due-list/billing-signals/{g}/dismiss");
    let r = app.call(Method::POST, &uri, Some(&bob_token), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.json);
    assert_eq!(
        of_kind(&due_api(&app, &token).await, "billing_cancelled").len(),
        1
    );
    let r = app.call(Method::POST, &uri, Some(&token), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.json);
    assert!(of_kind(&due_api(&app, &token).await, "billing_cancelled").is_empty());
    let r = app
        .call(
            Method::POST,
            "/api/v1/due-list/billing-signals/999999/dismiss",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.json);

    // Gamma resumed its subscription: the cancellation is withdrawn, so a
    // new cancellation later asks again (the old dismissal went with it).
    withdraw_cancellation(s, ws, "sub_g").await.unwrap();
    withdraw_cancellation(s, ws, "sub_never").await.unwrap();
    record_cancellation(s, ws, "cus_gamma", "sub_g", today(), None)
        .await
        .unwrap();
    let due = due_api(&app, &token).await;
    let billing = of_kind(&due, "billing_cancelled");
    assert_eq!(billing.len(), 1, "{due:?}");
    assert_eq!(billing[0]["due_on"], today().to_string());
    withdraw_cancellation(s, ws, "sub_g").await.unwrap();
    assert!(of_kind(&due_api(&app, &token).await, "billing_cancelled").is_empty());

    // A cancellation older than 90 days does not show.
    record_cancellation(s, ws, "cus_gamma", "sub_old", today() - Days::new(91), None)
        .await
        .unwrap();
    assert!(of_kind(&due_api(&app, &token).await, "billing_cancelled").is_empty());
}

/// The overdue-invoices signal of `client`'s score, through the API.
async fn overdue_signal(app: &TestApp, token: &str, client: ClientId) -> Value {
    let r = app
        .call(
            Method::GET,
            &format!("/api/v1/health-scores?client_id={}", client.0),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    r.json[0]["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["signal"] == "overdue_invoices")
        .cloned()
        .unwrap()
}

async fn a_failed_payment_is_due_and_lowers_health_until_its_invoice_is_paid(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (w, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let ws = w.id;
    let s = app.store().as_ref();
    let acme = client(s, ws, "cus_acme", "Acme", "ana@example.com").await;
    // Not due for ten days yet: no overdue invoice so far.
    let invoice = s
        .add_invoice(
            ws,
            acme,
            NewInvoice {
                invoice_ref: "in_123".into(),
                amount: Money::from_cents(12_000),
                issued_on: Some(today() - Days::new(4)),
                due_on: today() + Days::new(10),
                paid_on: None,
            },
        )
        .await
        .unwrap();
    churnwise_app::early_warning::refresh(s, ws, today())
        .await
        .unwrap();
    let quiet = overdue_signal(&app, &token, acme).await;
    assert_eq!(quiet["points"], 0, "{quiet}");
    assert_eq!(quiet["count"], 0, "{quiet}");

    let failed = today() - Days::new(2);
    record_payment_failed(
        s,
        ws,
        "cus_acme",
        "in_123",
        failed,
        Money::from_cents(12_000),
    )
    .await
    .unwrap();
    // Unknown customers and refs record nothing; a zero amount is refused by name.
    record_payment_failed(s, ws, "cus_nobody", "in_9", failed, Money::from_cents(100))
        .await
        .unwrap();
    let err = record_payment_failed(s, ws, "cus_acme", "in_123", failed, Money::from_cents(0))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("amount"), "{err}");

    let due = due_api(&app, &token).await;
    let failures = of_kind(&due, "payment_failed");
    assert_eq!(failures.len(), 1, "{due:?}");
    assert_eq!(failures[0]["client_id"], acme.0);
    assert_eq!(failures[0]["due_on"], failed.to_string());
    assert_eq!(failures[0]["billing"]["reference"], "in_123");
    assert_eq!(failures[0]["billing"]["amount_cents"], 12_000);

    // The health score: the invoice counts before its due date, with its reason.
    let signal = overdue_signal(&app, &token, acme).await;
    assert_eq!(signal["count"], 1, "{signal}");
    assert_eq!(signal["points"], 15, "{signal}");
    assert_eq!(signal["payment_failed_on"], failed.to_string(), "{signal}");

    let jar = sign_in(&app, "ana@example.com").await;
    let page = get(&app, "/due", &jar, None).await;
    let en = format!(
        "Payment failed for Acme on {}: invoice in_123, €120.00",
        Lang::En.date(failed)
    );
    assert!(html(&page).contains(&en), "{}", html(&page));
    let page = get(&app, "/due", &jar, Some("es")).await;
    let es = format!(
        "Falló el pago de Acme el {}: factura in_123, 120,00\u{a0}€",
        Lang::Es.date(failed)
    );
    assert!(html(&page).contains(&es), "{}", html(&page));
    let page = get(&app, &format!("/clients/{}", acme.0), &jar, None).await;
    let reason = format!("payment failed on {}", Lang::En.date(failed));
    assert!(html(&page).contains(&reason), "{}", html(&page));

    // Paid: the due item goes and the signal is quiet again.
    churnwise_app::records::record_payment(
        s,
        ws,
        invoice.id,
        Some(&today().to_string()),
        &Actor::system(),
    )
    .await
    .unwrap();
    assert!(of_kind(&due_api(&app, &token).await, "payment_failed").is_empty());
    let signal = overdue_signal(&app, &token, acme).await;
    assert_eq!(signal["points"], 0, "{signal}");
    assert!(signal.get("payment_failed_on").is_none(), "{signal}");
}

async fn a_sync_of_a_subscription_cancelled_at_period_end_shows_the_due_item(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (w, token) = app
        .user_with_token("ana@example.com", "acme", Role::Owner)
        .await;
    let ws = w.id;
    let stripe = FakeStripe::start();
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
    let acme = stripe.paying_customer(&[("name", "Acme"), ("email", "ana@acme.test")]);
    let sub = stripe.post(
        "/v1/subscriptions",
        &[("customer", &acme), ("items[0][plan]", "basic")],
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let updated = stripe.post(
        &format!("/v1/subscriptions/{sub}"),
        &[("cancel_at_period_end", "true")],
    );
    assert_eq!(updated["cancel_at_period_end"], true, "{updated}");
    let period_end = updated["current_period_end"].as_i64();
    // Beta keeps its subscription: nothing to ask.
    let beta = stripe.paying_customer(&[("name", "Beta")]);
    stripe.post(
        "/v1/subscriptions",
        &[("customer", &beta), ("items[0][plan]", "basic")],
    );

    let (ok, out, err) = stripe_cli(
        &app.t.url,
        &stripe.base,
        &["connect", "--api-key", "sk_test_churnwise"],
    );
    assert!(ok, "{out}{err}");
    for _ in 0..2 {
        let (ok, out, err) = stripe_cli(&app.t.url, &stripe.base, &["sync"]);
        assert!(ok, "{out}{err}");
        let due = due_api(&app, &token).await;
        let billing = of_kind(&due, "billing_cancelled");
        assert_eq!(billing.len(), 1, "{due:?}");
        assert_eq!(billing[0]["client_name"], "Acme");
        assert_eq!(billing[0]["billing"]["reference"], sub.as_str());
        assert_eq!(billing[0]["due_on"], today().to_string());
        if let Some(end) = period_end {
            let end = chrono::DateTime::from_timestamp(end, 0)
                .unwrap()
                .date_naive();
            assert_eq!(billing[0]["billing"]["ends_on"], end.to_string());
        }
        // Paid invoices raise no failed payment.
        assert!(of_kind(&due, "payment_failed").is_empty(), "{due:?}");
    }
    let client = app.store().find_client(ws, &acme).await.unwrap().unwrap();
    let jar = sign_in(&app, "ana@example.com").await;
    // Stripe names no owner: everyone's work.
    let page = get(&app, "/due?show=all", &jar, None).await;
    assert!(
        html(&page).contains(&format!(
            "Acme cancelled in Stripe on {}",
            Lang::En.date(today())
        )),
        "{}",
        html(&page)
    );
    assert!(html(&page).contains(&format!("/clients/{}#open-case", client.id.0)));
}

both_backends!(
    a_stripe_cancellation_asks_for_a_case_until_one_is_opened_or_it_is_dismissed,
    a_failed_payment_is_due_and_lowers_health_until_its_invoice_is_paid,
    a_sync_of_a_subscription_cancelled_at_period_end_shows_the_due_item,
);
