//! Two server processes on one database share the public survey's rate
//! limit (issue #14): a client sent round-robin to both gets 10 requests a
//! minute in all, not 10 per process. On both backends.
use crate::both_backends;
use crate::support::TestApp;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use churnwise_store_tests::Backend;
use churnwise_web::AppState;
use tower::ServiceExt;

async fn the_survey_rate_limit_holds_across_two_processes(backend: Backend) {
    let app = TestApp::new(backend).await;
    let second = churnwise_web::app(AppState::new(app.t.another_process().await));
    // The shared count is kept per fixed minute: start well inside one.
    let second_of_minute = chrono::Utc::now().timestamp().rem_euclid(60);
    if second_of_minute > 55 {
        tokio::time::sleep(std::time::Duration::from_secs(
            u64::try_from(61 - second_of_minute).unwrap(),
        ))
        .await;
    }
    let mut statuses = Vec::new();
    for i in 0..12 {
        let router = if i % 2 == 0 {
            app.app.clone()
        } else {
            second.clone()
        };
        let request = Request::builder()
            .uri("/s/not-a-real-token")
            .body(Body::empty())
            .unwrap();
        statuses.push(router.oneshot(request).await.unwrap().status());
    }
    // Each process alone allows 10 a minute and saw only 6: together they
    // let 10 through and refuse the rest.
    assert!(
        statuses[..10]
            .iter()
            .all(|s| *s != StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert!(
        statuses[10..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
}

both_backends!(the_survey_rate_limit_holds_across_two_processes,);
