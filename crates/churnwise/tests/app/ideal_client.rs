//! The ideal client profile (issue 16): written on Settings → Ideal client
//! (refused values named next to their field, nothing saved), and each
//! client page saying whether the client fits, in both languages, on both
//! backends. The churn of fitting and not-fitting clients is tested in
//! `who_leaves.rs`.

use crate::both_backends;
use crate::pages::{csrf_of, get, html, location, post, sign_in};
use crate::support::TestApp;
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use churnwise_domain::registry::{ClientStatus, Role};
use churnwise_domain::Money;
use churnwise_store::{NewClient, NewSubscription, WorkspaceId};
use churnwise_store_tests::Backend;

async fn client(app: &TestApp, ws: WorkspaceId, name: &str, segment: &str, mrr: i64) -> i64 {
    let s = app.store();
    let c = s
        .create_client(
            ws,
            NewClient {
                external_id: None,
                name: name.into(),
                status: ClientStatus::Active,
                owner: Some("Ana".into()),
                segment: Some(segment.into()),
                keep_in_touch_days: 30,
                notes: None,
            },
        )
        .await
        .unwrap();
    s.add_subscription(
        ws,
        c.id,
        NewSubscription {
            subscription_ref: format!("{name}-1"),
            plan: Some("Pro".into()),
            mrr: Money::from_cents(mrr),
            started_on: Utc::now().date_naive() - Duration::days(100),
            ended_on: None,
            notice_period_days: None,
            minimum_term_months: None,
        },
    )
    .await
    .unwrap();
    c.id.0
}

async fn the_profile_is_written_on_its_page_and_each_client_page_says_whether_it_fits(
    backend: Backend,
) {
    let app = TestApp::new(backend).await;
    let (ws, _) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    app.user_with_token("max@example.com", "Acme", Role::Member)
        .await;
    let fits = client(&app, ws.id, "Agencia Sol", "agency", 60_000).await;
    let outside = client(&app, ws.id, "Big Corp", "enterprise", 20_000).await;
    let jar = sign_in(&app, "ana@example.com").await;

    // No profile yet: no mark on the client page.
    let page = get(&app, &format!("/clients/{fits}"), &jar, None).await;
    assert!(!html(&page).contains("id=\"ideal-fit\""));
    let settings = get(&app, "/settings", &jar, None).await;
    assert!(html(&settings).contains("href=\"/settings/ideal-client\""));

    let page = get(&app, "/settings/ideal-client", &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = csrf_of(html(&page));
    let good = [
        ("csrf", csrf.as_str()),
        ("version", "0"),
        ("segments", "Agency, SMB"),
        ("plans", ""),
        ("owners", ""),
        ("min_mrr", "500"),
        ("max_mrr", ""),
        ("notes", "Agencies that pay for the whole year"),
    ];
    // A bad amount and bounds the wrong way round: each named next to its
    // field, nothing saved.
    for (field, value, message) in [
        ("min_mrr", "five hundred", "Write an amount such as 250"),
        (
            "max_mrr",
            "100",
            "The highest revenue must not be below the lowest.",
        ),
    ] {
        let mut bad = good.to_vec();
        bad.retain(|(k, _)| *k != field);
        bad.push((field, value));
        let refused = post(&app, "/settings/ideal-client", &jar, &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let body = html(&refused);
        assert!(body.contains(&format!("id=\"f-{field}-error\"")), "{body}");
        assert!(body.contains(message), "{body}");
        assert!(
            body.contains(&format!("value=\"{value}\"")),
            "typed text kept"
        );
    }
    assert!(!app
        .store()
        .workspace_settings(ws.id)
        .await
        .unwrap()
        .value
        .ideal_client
        .is_written());
    // A member may read but not save it.
    let max = sign_in(&app, "max@example.com").await;
    let refused = post(&app, "/settings/ideal-client", &max, &good).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let saved = post(&app, "/settings/ideal-client", &jar, &good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    let page = get(&app, location(&saved), &jar, None).await;
    assert!(html(&page).contains("The ideal client profile was saved."));
    assert!(html(&page).contains("value=\"Agency, SMB\""));
    let profile = app
        .store()
        .workspace_settings(ws.id)
        .await
        .unwrap()
        .value
        .ideal_client;
    assert_eq!(profile.segments, vec!["Agency", "SMB"]);
    assert_eq!(profile.min_mrr_cents, Some(50_000));
    assert_eq!(profile.notes, "Agencies that pay for the whole year");

    let page = get(&app, &format!("/clients/{fits}"), &jar, None).await;
    assert!(html(&page).contains("Fits your ideal client profile"));
    let page = get(&app, &format!("/clients/{outside}"), &jar, None).await;
    let body = html(&page);
    assert!(body.contains("Outside your ideal client profile"), "{body}");
    assert!(body.contains(
        "its segment is not one of the profile&#x27;s; its monthly revenue is below the profile&#x27;s lowest"
    ) || body.contains(
        "its segment is not one of the profile's; its monthly revenue is below the profile's lowest"
    ), "{body}");
    let page = get(&app, &format!("/clients/{outside}"), &jar, Some("es")).await;
    assert!(
        html(&page).contains("Fuera de tu perfil de cliente ideal"),
        "{}",
        html(&page)
    );
}

both_backends!(the_profile_is_written_on_its_page_and_each_client_page_says_whether_it_fits);
