//! The metrics document is cached per workspace data version (issue #14),
//! on both backends: a repeated question is answered from the cache (shown
//! by a change made behind the triggers' back, which the answer does not
//! see), and any write through the product is seen by the next question.
use crate::both_backends;
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use churnwise_domain::registry::Role;
use churnwise_store_tests::Backend;
use serde_json::{json, Value};

const QUESTION: &str = "/api/v1/metrics?from=2026-01&to=2026-03&as_of=2026-04-01";

async fn customers_at_end_of_march(app: &TestApp, token: &str) -> Value {
    let r = app.call(Method::GET, QUESTION, Some(token), None).await;
    assert_eq!(r.status, StatusCode::OK, "{:#}", r.json);
    r.json["months"][2]["customers_end"].clone()
}

async fn add_customer(app: &TestApp, token: &str, name: &str) {
    let r = app
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(token),
            Some(json!({"name": name})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:#}", r.json);
    let id = r.json["id"].as_i64().unwrap();
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/clients/{id}/subscriptions"),
            Some(token),
            Some(json!({"subscription_ref": format!("S-{name}"), "mrr": 49, "started_on": "2026-01-01"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:#}", r.json);
}

/// Ends every segment of the workspace in February, with the triggers that
/// move the data version switched off: a write the cache cannot know of.
async fn end_everything_behind_the_triggers_back(app: &TestApp) {
    let url = &app.t.url;
    if app.store().backend() == "sqlite" {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        sqlx::query("DROP TRIGGER subscriptions_update_moves_data_version")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("UPDATE subscriptions SET ended_on = '2026-02-01'")
            .execute(&pool)
            .await
            .unwrap();
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        let mut tx = pool.begin().await.unwrap();
        sqlx::query("ALTER TABLE subscriptions DISABLE TRIGGER USER")
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("UPDATE subscriptions SET ended_on = '2026-02-01'")
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("ALTER TABLE subscriptions ENABLE TRIGGER USER")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
}

async fn a_repeated_question_is_answered_from_the_cache_until_a_write(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "W", Role::Owner)
        .await;
    add_customer(&app, &token, "Acme").await;
    assert_eq!(customers_at_end_of_march(&app, &token).await, json!(1));

    // Unseen by the version, so the cached document still counts Acme.
    end_everything_behind_the_triggers_back(&app).await;
    assert_eq!(customers_at_end_of_march(&app, &token).await, json!(1));

    // Any write through the product moves the version: the next answer is
    // computed afresh and sees both changes (Acme gone, Bolt new).
    add_customer(&app, &token, "Bolt").await;
    assert_eq!(customers_at_end_of_march(&app, &token).await, json!(1));
    let r = app.call(Method::GET, QUESTION, Some(&token), None).await;
    assert_eq!(
        r.json["months"][0]["churned_customers"],
        json!(1),
        "{:#}",
        r.json["months"][0]
    );
}

both_backends!(a_repeated_question_is_answered_from_the_cache_until_a_write,);
