//! The early-warning pages: the due page with its alerts, alert actions,
//! warning signs on the client page, the workspace settings and the profile
//! (language kept with the account), on both backends.

use crate::both_backends;
use crate::pages::{csrf_of, get, html, location, post, sign_in};
use crate::support::TestApp;
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use churnwise_domain::health::HealthScore;
use churnwise_domain::registry::{ClientStatus, InteractionKind, Role};
use churnwise_domain::Money;
use churnwise_store::{AlertFilter, AlertStatus, NewClient, NewHealth, NewInteraction, NewInvoice};
use churnwise_store_tests::Backend;

/// "Pixel <Studio>" (owned by ana): 70 days without contact and two overdue
/// invoices; score 60 minus a complaint: at risk.
async fn at_risk_client(app: &TestApp, ws: churnwise_store::WorkspaceId) -> i64 {
    let s = app.store();
    let today = Utc::now().date_naive();
    let c = s
        .create_client(
            ws,
            NewClient {
                external_id: None,
                name: "Pixel <Studio>".into(),
                status: ClientStatus::Active,
                owner: Some("Ana".into()),
                segment: None,
                keep_in_touch_days: 30,
                notes: None,
            },
        )
        .await
        .unwrap();
    // A running subscription: only active and leaving clients are scored.
    s.add_subscription(
        ws,
        c.id,
        churnwise_store::NewSubscription {
            subscription_ref: "PIXEL-1".into(),
            plan: None,
            mrr: Money::from_cents(10_000),
            started_on: today - Duration::days(400),
            ended_on: None,
            notice_period_days: None,
            minimum_term_months: None,
        },
    )
    .await
    .unwrap();
    for (kind, days) in [
        (InteractionKind::Call, 70),
        (InteractionKind::Complaint, 75),
    ] {
        s.log_interaction(
            ws,
            c.id,
            NewInteraction {
                kind,
                occurred_on: today - Duration::days(days),
                author: None,
                note: None,
            },
        )
        .await
        .unwrap();
    }
    for (reference, days) in [("F-1", 40), ("F-2", 12)] {
        s.add_invoice(
            ws,
            c.id,
            NewInvoice {
                invoice_ref: reference.into(),
                amount: Money::from_cents(10000),
                issued_on: None,
                due_on: today - Duration::days(days),
                paid_on: None,
            },
        )
        .await
        .unwrap();
    }
    c.id.0
}

async fn the_due_page_lists_alerts_and_due_work_and_alerts_can_be_handled(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, _) = app
        .user_with_token("ana@example.com", "Acme", Role::Member)
        .await;
    let user = app
        .store()
        .find_user_by_email("ana@example.com")
        .await
        .unwrap()
        .unwrap()
        .user;
    app.store()
        .update_user_profile(user.id, Some(Some("ana".into())), None)
        .await
        .unwrap();
    let client = at_risk_client(&app, ws.id).await;
    let jar = sign_in(&app, "ana@example.com").await;

    let page = get(&app, "/due", &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(html(&page).contains("No client is at risk"), "no score yet");
    let refreshed = post(
        &app,
        "/due/refresh",
        &jar,
        &[("csrf", &csrf_of(html(&page)))],
    )
    .await;
    assert_eq!(refreshed.status, StatusCode::SEE_OTHER);
    let page = get(&app, location(&refreshed), &jar, None).await;
    let body = html(&page);
    assert!(body.contains("The health scores were recomputed."));
    assert!(body.contains("Pixel &lt;Studio&gt;"), "escaped");
    assert!(body.contains("score 32"), "{body}");
    assert!(body.contains("70 days since the last contact (every 30 days) (−30)"));
    assert!(body.contains("Get in touch with Pixel &lt;Studio&gt;"));
    assert!(body.contains("40 days"));

    let alert = app
        .store()
        .list_alerts(ws.id, &AlertFilter::default())
        .await
        .unwrap()
        .remove(0);
    let csrf = csrf_of(body);
    let done = post(
        &app,
        &format!("/alerts/{}/acknowledge", alert.id),
        &jar,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let until = (Utc::now().date_naive() + Duration::days(3)).to_string();
    let done = post(
        &app,
        &format!("/alerts/{}/snooze", alert.id),
        &jar,
        &[("csrf", &csrf), ("until", &until)],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let alert = app
        .store()
        .get_alert(ws.id, alert.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(alert.status, AlertStatus::Snoozed);
    assert_eq!(alert.snoozed_until.unwrap().to_string(), until);
    assert_eq!(alert.handled_by.as_deref(), Some("ana@example.com"));

    // The client page shows the score and its signals, and takes warning signs.
    let page = get(&app, &format!("/clients/{client}"), &jar, None).await;
    let body = html(&page);
    assert!(
        body.contains("class=\"score-number score-risk\">32<"),
        "{body}"
    );
    assert!(body.contains("<td>2 overdue invoices (€200.00)</td><td class=\"num\">−30 <span class=\"muted\">/ 45</span></td>"), "{body}");
    let done = post(
        &app,
        &format!("/clients/{client}/flags"),
        &jar,
        &[("csrf", &csrf_of(body)), ("treats_team_badly", "1")],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let page = get(&app, location(&done), &jar, None).await;
    let body = html(&page);
    assert!(body.contains("The warning signs were saved"));
    assert!(body.contains(">27<"), "32 minus 5 for one warning sign");
    assert!(body
        .contains("id=\"flag-treats_team_badly\" name=\"treats_team_badly\" value=\"1\" checked"));

    // Someone else's work is not "mine".
    let page = get(&app, "/due?show=all", &jar, None).await;
    assert!(html(&page).contains("Showing everyone"));
}

async fn workspace_settings_and_profile_are_saved_from_the_settings_page(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    app.user_with_token("max@example.com", "Acme", Role::Member)
        .await;
    let jar = sign_in(&app, "ana@example.com").await;
    let page = get(&app, "/settings", &jar, None).await;
    let body = html(&page).to_string();
    assert!(body.contains("id=\"f-weight_contact\""));
    assert!(body.contains("id=\"f-usage_drop_pct\""), "{body}");
    assert!(body.contains("Usage drop that counts (%)"));
    let csrf = csrf_of(&body);
    let mut form: Vec<(&str, &str)> = vec![
        ("csrf", &csrf),
        ("version", "0"),
        ("benchmark_pct", "5,5"),
        ("keep_in_touch_days", "21"),
        ("keep_in_touch_by_segment", "enterprise = 14\nsmb: 45"),
        ("weight_contact", "25"),
        ("weight_overdue_invoices", "20"),
        ("weight_complaints", "15"),
        ("weight_contraction", "10"),
        ("weight_survey", "10"),
        ("weight_renewal", "0"),
        ("weight_warning_signs", "20"),
        ("at_risk_below", "55"),
        ("overdue_invoices_for_full", "2"),
        ("overdue_days_for_full", "60"),
        ("complaints_for_full", "2"),
        ("contraction_pct_for_full", "50"),
        ("lookback_days", "90"),
        ("renewal_within_days", "30"),
        ("usage_drop_pct", "40"),
        ("usage_silent_days", "21"),
        ("digest_hour_utc", "8"),
    ];
    // A bad value is named next to its field and nothing is saved.
    let mut bad = form.clone();
    bad.retain(|(k, _)| *k != "weight_survey");
    bad.push(("weight_survey", "500"));
    let refused = post(&app, "/settings/workspace", &jar, &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = html(&refused);
    assert!(body.contains("id=\"f-weight_survey-error\""), "{body}");
    assert!(body.contains("value=\"500\""), "what was typed is kept");
    assert_eq!(
        app.store()
            .workspace_settings(app.store().list_workspaces().await.unwrap()[0].id)
            .await
            .unwrap()
            .version,
        0
    );

    // Settings kept on other pages (payment reminders, the ideal client
    // profile) are not in this form: saving it leaves them as they are.
    let ws = app.store().list_workspaces().await.unwrap()[0].id;
    let mut elsewhere = churnwise_domain::workspace_settings::WorkspaceSettings::default();
    elsewhere.payment_reminders.enabled = true;
    elsewhere.ideal_client.segments = vec!["smb".into()];
    app.store()
        .save_workspace_settings(ws, &elsewhere, 0)
        .await
        .unwrap();
    for field in form.iter_mut() {
        if field.0 == "version" {
            field.1 = "1";
        }
    }
    let saved = post(&app, "/settings/workspace", &jar, &form).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    let settings = app.store().workspace_settings(ws).await.unwrap();
    assert_eq!(settings.version, 2);
    assert!(settings.value.payment_reminders.enabled);
    assert_eq!(settings.value.ideal_client.segments, vec!["smb"]);
    assert_eq!(settings.value.benchmark_pct, 5.5);
    assert_eq!(
        settings.value.keep_in_touch_by_segment.get("smb"),
        Some(&45)
    );
    assert_eq!(settings.value.health.weights.contact, 25);
    // The usage signal's thresholds (issue 18).
    assert_eq!(settings.value.health.usage_drop_pct, 40);
    assert_eq!(settings.value.health.usage_silent_days, 21);
    assert!(!settings.value.digest.enabled, "unchecked");
    assert_eq!(settings.value.digest.hour_utc, 8);
    // A stale form is refused.
    let stale = post(&app, "/settings/workspace", &jar, &form).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&stale).contains("Someone saved these settings"));

    // A member may not change them.
    let member = sign_in(&app, "max@example.com").await;
    let page = get(&app, "/settings", &member, None).await;
    assert!(html(&page).contains("Only owners and managers"));
    form[0] = ("csrf", "");
    let member_csrf = csrf_of(html(&page));
    form[0] = ("csrf", &member_csrf);
    form[1] = ("version", "1");
    let refused = post(&app, "/settings/workspace", &member, &form).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // The language is kept with the account: Spanish whatever the browser says.
    let csrf = csrf_of(html(&get(&app, "/settings", &jar, None).await));
    let done = post(
        &app,
        "/settings/profile",
        &jar,
        &[("csrf", &csrf), ("name", "Ana"), ("lang", "es")],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let page = get(&app, "/due", &jar, Some("en-GB,en;q=0.9")).await;
    assert!(
        html(&page).contains("Pendientes y en riesgo"),
        "{}",
        html(&page)
    );
    assert!(html(&page).contains("Mostrando el trabajo de Ana."));
    // The header's switcher changes the saved language too.
    let csrf = csrf_of(html(&page));
    let switched = post(
        &app,
        "/lang",
        &jar,
        &[("csrf", &csrf), ("lang", "en"), ("next", "/due")],
    )
    .await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    let user = app
        .store()
        .find_user_by_email("ana@example.com")
        .await
        .unwrap()
        .unwrap()
        .user;
    assert_eq!(user.lang, Some(churnwise_domain::Lang::En));
}

both_backends!(
    the_due_page_lists_alerts_and_due_work_and_alerts_can_be_handled,
    workspace_settings_and_profile_are_saved_from_the_settings_page,
    the_due_page_shows_at_most_200_alerts_and_says_so,
);

/// A workspace with more live alerts than the Due page shows: the page
/// shows the newest 200 and says so; the user's own view reads only the
/// alerts of the clients they own, in the database.
async fn the_due_page_shows_at_most_200_alerts_and_says_so(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, _) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let s = app.store();
    let today = Utc::now().date_naive();
    let mut scores = vec![];
    for i in 0..201 {
        let c = s
            .create_client(
                ws.id,
                NewClient {
                    external_id: None,
                    name: format!("Client {i:03}"),
                    status: ClientStatus::Active,
                    // One client owned by Ana, the rest by nobody she is.
                    owner: Some(if i == 7 { "ana" } else { "Bruno" }.into()),
                    segment: None,
                    keep_in_touch_days: 30,
                    notes: None,
                },
            )
            .await
            .unwrap();
        scores.push(NewHealth {
            client: c.id,
            health: HealthScore {
                score: 10,
                at_risk: true,
                signals: vec![],
            },
            may_alert: true,
        });
    }
    s.record_health(ws.id, today, scores).await.unwrap();
    assert_eq!(
        s.list_alerts(ws.id, &AlertFilter::default())
            .await
            .unwrap()
            .len(),
        201
    );
    let user = s
        .find_user_by_email("ana@example.com")
        .await
        .unwrap()
        .unwrap()
        .user;
    s.update_user_profile(user.id, Some(Some("ana".into())), None)
        .await
        .unwrap();
    let jar = sign_in(&app, "ana@example.com").await;

    let body = html(&get(&app, "/due?show=all", &jar, None).await).to_string();
    assert_eq!(body.matches("class=\"alert-item").count(), 200, "{body}");
    assert!(body.contains("Showing the 200 newest alerts."), "{body}");

    let body = html(&get(&app, "/due", &jar, None).await).to_string();
    assert_eq!(body.matches("class=\"alert-item").count(), 1);
    assert!(body.contains("Client 007"));
    assert!(!body.contains("Showing the 200 newest alerts."));
}
