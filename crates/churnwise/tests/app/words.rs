//! Words a new user meets in the first hour (issue #13): the settings page
//! says when the digest cannot be sent and prints no file path, the public
//! survey names the business that asks, and `serve` says how to start on an
//! empty database, with logs free of colour codes when not on a terminal.

use crate::both_backends;
use crate::cases_api::setup;
use crate::pages::{get, html, sign_in};
use crate::support::TestApp;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use churnwise_domain::registry::Role;
use churnwise_store_tests::Backend;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Command, Stdio};

async fn the_settings_page_says_when_no_smtp_is_set_up_and_prints_no_file_path(backend: Backend) {
    let mut app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let ana = sign_in(&app, "ana@example.com").await;
    let page = get(&app, "/settings", &ana, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = html(&page);
    assert!(!body.contains("docs/health.md"), "a file path as text");
    assert!(
        body.contains("No SMTP server is set up for this server, so no digest is sent"),
        "{body}"
    );
    let es = get(&app, "/settings", &ana.clone().with("lang", "es"), None).await;
    let body = html(&es);
    assert!(!body.contains("docs/health.md"));
    assert!(
        body.contains("no tiene un servidor SMTP configurado"),
        "{body}"
    );

    // With SMTP set up, no such note.
    let mut state = churnwise_web::AppState::new(app.store().clone());
    state.mailer = Some(std::sync::Arc::new(
        churnwise_app::digest::SmtpMailer::new(&churnwise_app::digest::SmtpSettings {
            host: "127.0.0.1".into(),
            port: 2525,
            tls: churnwise_app::digest::SmtpTls::None,
            username: None,
            password: None,
            from: "churnwise@churnwise.test".into(),
        })
        .unwrap(),
    ));
    app.app = churnwise_web::app(state);
    let page = get(&app, "/settings", &ana, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!html(&page).contains("No SMTP server"));
}

async fn survey_page(app: &TestApp, path: &str, lang: &str) -> (StatusCode, String) {
    let mut request = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header(header::ACCEPT_LANGUAGE, lang)
        .body(Body::empty())
        .unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([198, 51, 100, 7], 40000))));
    let reply = app.send(request).await;
    let body = match reply.json {
        Value::String(s) => s,
        other => other.to_string(),
    };
    (reply.status, body)
}

async fn the_public_survey_names_the_business_that_asks(backend: Backend) {
    let s = setup(backend).await;
    let id = s.offboarding("needs_changed").await;
    let issued = s
        .ok(
            Method::POST,
            &format!("/api/v1/cases/{id}/survey"),
            json!({"expires_in_days": 3}),
            StatusCode::CREATED,
        )
        .await;
    let path = issued["path"].as_str().unwrap().to_string();
    let (status, page) = survey_page(&s.app, &path, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("A survey from Acme Agency"), "{page}");
    let (status, page) = survey_page(&s.app, &path, "es").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Una encuesta de Acme Agency"), "{page}");
    // A wrong answer shows the form again, still naming the business.
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(&path)
        .header(header::ACCEPT_LANGUAGE, "en")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("score=11"))
        .unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([198, 51, 100, 7], 40000))));
    let reply = s.app.send(request).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.json.to_string().contains("A survey from Acme Agency"));
}

both_backends!(
    the_settings_page_says_when_no_smtp_is_set_up_and_prints_no_file_path,
    the_public_survey_names_the_business_that_asks
);

/// `serve` on a database without any account says that the first visit
/// opens the first-run page, with the URL; its log (a pipe, not a
/// terminal) has no colour codes.
#[tokio::test]
async fn serve_on_an_empty_database_points_to_the_first_run_page_without_colour_codes() {
    let t = Backend::Sqlite.fresh().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_churnwise"))
        .args(["--database", &t.url, "serve", "--no-scheduler"])
        .args(["--port", &port.to_string()])
        .env("CHURNWISE_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(std::time::Duration::from_secs(60));
    let _ = child.kill();
    let _ = child.wait();
    let line = line.unwrap_or_default();
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(
        line.contains(&format!("http://127.0.0.1:{port}/")) && line.contains("first-run page"),
        "stdout: {line:?}; log: {log}"
    );
    assert!(log.contains("churnwise listening"), "{log}");
    assert!(!log.contains('\u{1b}'), "colour codes in {log:?}");
}
