//! Sign-in and browser-facing security (issue #11): open redirects after
//! sign-in and on `/lang`, login CSRF and content types, same-origin checks
//! of cookie writes, CSRF on sign-out, sign-in throttling, argon2 off the
//! async runtime, and the security headers of every answer.

use crate::both_backends;
use crate::pages::{csrf_of, get, html, location, post, Jar};
use crate::support::{Reply, TestApp};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use churnwise_app::throttle::{self, SignInAttempt};
use churnwise_app::AppError;
use churnwise_domain::registry::Role;
use churnwise_store_tests::Backend;
use serde_json::{json, Value};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

const PASSWORD: &str = "a long password";

fn session_request(body: &Value, content_type: &str, extra: &[(&str, &str)]) -> Request<Body> {
    let mut b = Request::post("/api/v1/session").header(header::CONTENT_TYPE, content_type);
    for (k, v) in extra {
        b = b.header(*k, *v);
    }
    b.body(Body::from(body.to_string())).unwrap()
}

fn ana() -> Value {
    json!({"email": "ana@example.com", "password": PASSWORD})
}

fn sets_session_cookie(reply: &Reply) -> bool {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|c| c.to_str().unwrap().starts_with("churnwise_session="))
}

/// Signs in through the API; returns the cookie pair and the CSRF token.
async fn api_session(app: &TestApp) -> (String, String) {
    let ok = app
        .send(session_request(&ana(), "application/json", &[]))
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.json);
    let cookie = ok.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    (cookie, ok.json["csrf_token"].as_str().unwrap().to_string())
}

const HOSTILE_NEXTS: &[&str] = &[
    "/\t/evil.test/steal",
    "/\n/evil.test/steal",
    "/\r\n/evil.test/steal",
    "\t//evil.test/steal",
    "/ /evil.test",
    "/\\evil.test",
    "//evil.test",
    "https://evil.test",
    "/a\r\nSet-Cookie: churnwise_session=x",
];

async fn a_next_with_a_tab_or_newline_never_leaves_the_site(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    // The sign-in page drops a hostile `next` before it is put in the form.
    let page = get(
        &app,
        "/login?next=/%09/evil.test/steal",
        &Jar::default(),
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(html(&page).contains(r#"name="next" value="&#x2f;""#));
    assert!(!html(&page).contains("evil.test"));
    for next in HOSTILE_NEXTS {
        let mut jar = Jar::default();
        let page = get(&app, "/login", &jar, None).await;
        jar.take(&page);
        let csrf = csrf_of(html(&page));
        let done = post(
            &app,
            "/login",
            &jar,
            &[
                ("csrf", &csrf),
                ("email", "ana@example.com"),
                ("password", PASSWORD),
                ("next", next),
            ],
        )
        .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(location(&done), "/", "{next:?}");
        jar.take(&done);
        // The language switcher follows the same rule.
        let lang = post(
            &app,
            "/lang",
            &Jar::default().with("churnwise_csrf", &csrf),
            &[("csrf", &csrf), ("lang", "es"), ("next", next)],
        )
        .await;
        assert_eq!(lang.status, StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(location(&lang), "/", "{next:?}");
    }
    // A local path is still followed.
    let mut jar = Jar::default();
    let page = get(&app, "/login", &jar, None).await;
    jar.take(&page);
    let csrf = csrf_of(html(&page));
    let done = post(
        &app,
        "/login",
        &jar,
        &[
            ("csrf", &csrf),
            ("email", "ana@example.com"),
            ("password", PASSWORD),
            ("next", "/clients?status=active"),
        ],
    )
    .await;
    assert_eq!(location(&done), "/clients?status=active");
}

async fn a_session_body_sent_as_plain_text_is_refused_and_signs_nobody_in(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    // What a cross-site HTML form can send without a preflight.
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let reply = app.send(session_request(&ana(), content_type, &[])).await;
        assert_eq!(
            reply.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}"
        );
        assert_eq!(reply.content_type, "application/problem+json");
        assert_eq!(reply.json["code"], "unsupported_media_type");
        assert!(reply.json["detail"]
            .as_str()
            .unwrap()
            .contains("application/json"));
        assert!(!sets_session_cookie(&reply), "{content_type}");
    }
    let no_type = app
        .send(
            Request::post("/api/v1/session")
                .body(Body::from(ana().to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(no_type.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Every JSON endpoint, token or not.
    let create = app
        .send(
            Request::post("/api/v1/clients")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from(json!({"name": "Acme"}).to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(create.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let clients = app
        .call(Method::GET, "/api/v1/clients", Some(&token), None)
        .await;
    assert_eq!(clients.json["total"], 0);
    // JSON with a charset still signs in.
    let ok = app
        .send(session_request(
            &ana(),
            "application/json; charset=utf-8",
            &[],
        ))
        .await;
    assert_eq!(ok.status, StatusCode::OK);
}

async fn a_sign_in_sent_from_another_site_is_refused(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    for extra in [
        vec![("host", "churn.example"), ("origin", "http://evil.test")],
        vec![("host", "churn.example"), ("origin", "null")],
        vec![("host", "churn.example"), ("sec-fetch-site", "cross-site")],
    ] {
        let reply = app
            .send(session_request(&ana(), "application/json", &extra))
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{extra:?}");
        assert_eq!(reply.json["code"], "cross_origin");
        assert!(!sets_session_cookie(&reply));
    }
    let same = app
        .send(session_request(
            &ana(),
            "application/json",
            &[
                ("host", "churn.example"),
                ("origin", "http://churn.example"),
                ("sec-fetch-site", "same-origin"),
            ],
        ))
        .await;
    assert_eq!(same.status, StatusCode::OK);
    assert!(sets_session_cookie(&same));
}

async fn cookie_writes_from_another_site_are_refused_even_with_the_csrf_token(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let (cookie, csrf) = api_session(&app).await;
    let write = |name: &str, extra: &[(&str, &str)], bearer: bool| {
        let mut b = Request::post("/api/v1/clients")
            .header(header::CONTENT_TYPE, "application/json")
            .header("host", "churn.example");
        if bearer {
            b = b.header(header::AUTHORIZATION, format!("Bearer {token}"));
        } else {
            b = b
                .header(header::COOKIE, &cookie)
                .header("x-csrf-token", &csrf);
        }
        for (k, v) in extra {
            b = b.header(*k, *v);
        }
        b.body(Body::from(json!({"name": name}).to_string()))
            .unwrap()
    };
    let cross = app
        .send(write("Forged", &[("origin", "http://evil.test")], false))
        .await;
    assert_eq!(
        (cross.status, cross.json["code"].clone()),
        (StatusCode::FORBIDDEN, json!("cross_origin"))
    );
    let fetch = app
        .send(write("Forged", &[("sec-fetch-site", "cross-site")], false))
        .await;
    assert_eq!(fetch.status, StatusCode::FORBIDDEN);
    let own = app
        .send(write(
            "Mine",
            &[
                ("origin", "http://churn.example"),
                ("sec-fetch-site", "same-origin"),
            ],
            false,
        ))
        .await;
    assert_eq!(own.status, StatusCode::CREATED, "{:?}", own.json);
    // A bearer token is not a browser's ambient credential: no Origin check.
    let scripted = app
        .send(write(
            "Scripted",
            &[("origin", "http://elsewhere.test")],
            true,
        ))
        .await;
    assert_eq!(scripted.status, StatusCode::CREATED);
    let names: Vec<Value> = app
        .call(Method::GET, "/api/v1/clients", Some(&token), None)
        .await
        .json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].clone())
        .collect();
    assert!(!names.contains(&json!("Forged")), "{names:?}");
}

async fn signing_out_with_the_cookie_needs_the_csrf_token(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let (cookie, csrf) = api_session(&app).await;
    let whoami = || {
        Request::get("/api/v1/session")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap()
    };
    let sign_out = |csrf: Option<&str>, origin: Option<&str>| {
        let mut b = Request::delete("/api/v1/session")
            .header(header::COOKIE, &cookie)
            .header("host", "churn.example");
        if let Some(c) = csrf {
            b = b.header("x-csrf-token", c);
        }
        if let Some(o) = origin {
            b = b.header("origin", o);
        }
        b.body(Body::empty()).unwrap()
    };
    for (token, origin) in [
        (None, None),
        (Some("0".repeat(64)), None),
        (Some(csrf.clone()), Some("http://evil.test")),
    ] {
        let refused = app.send(sign_out(token.as_deref(), origin)).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{token:?} {origin:?}"
        );
        assert_eq!(
            app.send(whoami()).await.status,
            StatusCode::OK,
            "the session is still alive"
        );
    }
    let done = app.send(sign_out(Some(&csrf), None)).await;
    assert_eq!(done.status, StatusCode::NO_CONTENT);
    assert_eq!(app.send(whoami()).await.status, StatusCode::UNAUTHORIZED);
    // Without a live session there is nothing to protect: 204.
    let again = app.send(sign_out(None, None)).await;
    assert_eq!(again.status, StatusCode::NO_CONTENT);
}

async fn two_hundred_wrong_passwords_lock_the_account_even_for_the_right_one(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let wrong = json!({"email": "ana@example.com", "password": "wrong password"});
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..200 {
        let reply = app
            .send(session_request(&wrong, "application/json", &[]))
            .await;
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            retry_after = reply.headers.get(header::RETRY_AFTER).cloned();
            assert_eq!(reply.json["code"], "too_many_requests");
        }
        statuses.push(reply.status.as_u16());
    }
    assert_eq!(statuses[..4], [422; 4]);
    assert!(statuses[4..].iter().all(|s| *s == 429), "{statuses:?}");
    let seconds: u64 = retry_after
        .expect("a Retry-After header")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&seconds), "{seconds}");
    let right = app
        .send(session_request(&ana(), "application/json", &[]))
        .await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!sets_session_cookie(&right));

    // The sign-in page shares the lock and says so, in the reader's language.
    let mut jar = Jar::default();
    let page = get(&app, "/login", &jar, Some("es")).await;
    jar.take(&page);
    let csrf = csrf_of(html(&page));
    let form = [
        ("csrf", csrf.as_str()),
        ("email", "ana@example.com"),
        ("password", PASSWORD),
    ];
    let locked = app
        .send(
            Request::post("/login")
                .header(header::COOKIE, jar.header())
                .header(header::ACCEPT_LANGUAGE, "es")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(
                    form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(form)
                        .finish(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.headers.contains_key(header::RETRY_AFTER));
    assert!(
        html(&locked).contains("Demasiados intentos fallidos"),
        "{}",
        html(&locked)
    );
    assert!(!sets_session_cookie(&locked));
}

async fn the_page_sign_in_locks_after_repeated_failures_too(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let mut jar = Jar::default();
    let page = get(&app, "/login", &jar, None).await;
    jar.take(&page);
    let csrf = csrf_of(html(&page));
    let mut statuses = Vec::new();
    let mut last = None;
    for _ in 0..6 {
        let reply = post(
            &app,
            "/login",
            &jar,
            &[
                ("csrf", &csrf),
                ("email", "ana@example.com"),
                ("password", "wrong password"),
            ],
        )
        .await;
        statuses.push(reply.status.as_u16());
        last = Some(reply);
    }
    assert_eq!(statuses, [422, 422, 422, 422, 429, 429]);
    let last = last.unwrap();
    assert!(html(&last).contains("Too many failed sign-ins. Try again in one minute."));
}

/// A tracing subscriber that keeps what it writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

fn attempt<'a>(email: &'a str, password: &'a str, client: Option<IpAddr>) -> SignInAttempt<'a> {
    SignInAttempt {
        email,
        password,
        workspace: None,
        client,
    }
}

fn retry_after(result: Result<churnwise_app::credentials::SignedIn, AppError>) -> Option<u64> {
    match result {
        Err(AppError::Throttled { retry_after_secs }) => Some(retry_after_secs),
        _ => None,
    }
}

async fn locks_grow_end_on_time_and_are_logged(backend: Backend) {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::WARN)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let store = app.store().as_ref();
    let t0 = chrono::Utc::now();
    let secs = |s: i64| t0 + chrono::Duration::seconds(s);
    for _ in 0..4 {
        let failed = throttle::sign_in(store, attempt("ana@example.com", "wrong!", None), t0).await;
        assert!(matches!(failed, Err(AppError::Invalid(_))));
    }
    // The fifth failure locks for a minute, logged once.
    let fifth = throttle::sign_in(store, attempt("ana@example.com", "wrong!", None), t0).await;
    assert_eq!(retry_after(fifth), Some(60));
    let written = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert_eq!(
        written
            .matches("sign-in locked after repeated failures")
            .count(),
        1,
        "{written}"
    );
    assert!(written.contains("WARN") && written.contains("email:ana@example.com"));
    // The right password waits for the end of the lock, and counts nothing.
    let early =
        throttle::sign_in(store, attempt("ana@example.com", PASSWORD, None), secs(30)).await;
    assert_eq!(retry_after(early), Some(30));
    // Meanwhile another account signs in as usual.
    app.user_with_token("ben@example.com", "Acme", Role::Member)
        .await;
    assert!(
        throttle::sign_in(store, attempt("ben@example.com", PASSWORD, None), secs(30))
            .await
            .is_ok()
    );
    // Five more failures after the lock: the next lock is twice as long.
    for i in 0..4 {
        let failed = throttle::sign_in(
            store,
            attempt("ana@example.com", "wrong!", None),
            secs(61 + i),
        )
        .await;
        assert!(matches!(failed, Err(AppError::Invalid(_))));
    }
    let second =
        throttle::sign_in(store, attempt("ana@example.com", "wrong!", None), secs(65)).await;
    assert_eq!(retry_after(second), Some(120));
    // After it, the right password signs in and clears the account's count.
    let after =
        throttle::sign_in(store, attempt("ana@example.com", PASSWORD, None), secs(186)).await;
    assert!(after.is_ok(), "{after:?}");
    assert!(store
        .sign_in_throttle(&[throttle::account_key("ana@example.com")])
        .await
        .unwrap()
        .is_empty());
}

async fn one_address_trying_many_accounts_is_locked(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let store = app.store().as_ref();
    let now = chrono::Utc::now();
    let attacker: IpAddr = "203.0.113.9".parse().unwrap();
    let emails: Vec<String> = (0..20).map(|i| format!("guess{i}@example.com")).collect();
    let mut results = Vec::new();
    for email in &emails {
        results.push(retry_after(
            throttle::sign_in(store, attempt(email, "password123", Some(attacker)), now).await,
        ));
    }
    assert!(results[..19].iter().all(Option::is_none));
    assert_eq!(results[19], Some(60));
    // Even the right password of a real account, from that address.
    let locked = throttle::sign_in(
        store,
        attempt("ana@example.com", PASSWORD, Some(attacker)),
        now,
    )
    .await;
    assert_eq!(retry_after(locked), Some(60));
    // Another address is not affected.
    let elsewhere: IpAddr = "198.51.100.4".parse().unwrap();
    assert!(throttle::sign_in(
        store,
        attempt("ana@example.com", PASSWORD, Some(elsewhere)),
        now
    )
    .await
    .is_ok());
}

/// argon2 runs on the blocking pool: on a one-thread runtime, a timer
/// keeps ticking while a sign-in checks its password.
#[tokio::test(flavor = "current_thread")]
async fn a_sign_in_does_not_stall_the_runtime_while_it_checks_the_password() {
    let app = TestApp::new(Backend::Sqlite).await;
    app.user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let store = app.store().clone();
    let started = std::time::Instant::now();
    let sign_in = tokio::spawn(async move {
        churnwise_app::credentials::sign_in_with_password(
            store.as_ref(),
            "ana@example.com",
            PASSWORD,
            None,
        )
        .await
    });
    let mut ticks = 0u32;
    while !sign_in.is_finished() {
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        ticks += 1;
    }
    let took = started.elapsed();
    assert!(sign_in.await.unwrap().is_ok());
    // A hash takes tens of milliseconds; had it run on this one thread,
    // the timer would have ticked once or twice in all.
    let expected = u32::try_from(took.as_millis() / 4).unwrap().min(10);
    assert!(
        ticks >= expected.max(3),
        "{ticks} ticks in {took:?} while the password was checked"
    );
}

async fn security_headers_are_on_pages_api_answers_errors_and_assets(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let page = get(&app, "/login", &Jar::default(), None).await;
    let api = app
        .call(Method::GET, "/api/v1/clients", Some(&token), None)
        .await;
    let api_error = app
        .call(Method::GET, "/api/v1/clients/999999", Some(&token), None)
        .await;
    let page_error = get(&app, "/no/such/page", &Jar::default(), None).await;
    let unauthorized = app.call(Method::GET, "/api/v1/clients", None, None).await;
    let asset = get(&app, "/assets/app.css", &Jar::default(), None).await;
    assert_eq!(api_error.status, StatusCode::NOT_FOUND);
    assert_eq!(page_error.status, StatusCode::NOT_FOUND);
    for (what, reply) in [
        ("page", &page),
        ("api", &api),
        ("api error", &api_error),
        ("page error", &page_error),
        ("401", &unauthorized),
        ("asset", &asset),
    ] {
        let h = |name: &str| {
            reply
                .headers
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default()
        };
        assert_eq!(h("x-frame-options"), "DENY", "{what}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
        assert_eq!(h("referrer-policy"), "same-origin", "{what}");
        let csp = h("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
        if what != "asset" {
            assert_eq!(h("cache-control"), "no-store", "{what}");
        }
    }
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert!(asset.headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
}

async fn pages_hold_no_inline_script_or_style(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let jar = crate::pages::sign_in(&app, "ana@example.com").await;
    let created = post(
        &app,
        "/clients",
        &jar,
        &[
            (
                "csrf",
                &csrf_of(html(&get(&app, "/clients/new", &jar, None).await)),
            ),
            ("name", "Bakery Lola"),
        ],
    )
    .await;
    let client = location(&created).to_string();
    for uri in [
        "/login",
        "/dashboard",
        "/clients",
        client.as_str(),
        "/settings",
        "/due",
        "/cases",
    ] {
        let reply = get(&app, uri, &jar, None).await;
        let body = html(&reply);
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        assert!(!body.contains("<style"), "{uri}");
        assert!(!body.contains(" style="), "{uri}");
        assert!(!body.contains(" onclick="), "{uri}");
        for script in body.split("<script").skip(1) {
            let tag = &script[..script.find('>').unwrap()];
            assert!(
                tag.contains(" src=") || tag.contains(r#"type="application/json""#),
                "{uri}: <script{tag}>"
            );
        }
    }
    let survey = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../churnwise-web/templates/survey.html"
    ))
    .unwrap();
    assert!(!survey.contains("<style") && !survey.contains(" style="));
}

both_backends!(
    a_next_with_a_tab_or_newline_never_leaves_the_site,
    a_session_body_sent_as_plain_text_is_refused_and_signs_nobody_in,
    a_sign_in_sent_from_another_site_is_refused,
    cookie_writes_from_another_site_are_refused_even_with_the_csrf_token,
    signing_out_with_the_cookie_needs_the_csrf_token,
    two_hundred_wrong_passwords_lock_the_account_even_for_the_right_one,
    the_page_sign_in_locks_after_repeated_failures_too,
    locks_grow_end_on_time_and_are_logged,
    one_address_trying_many_accounts_is_locked,
    security_headers_are_on_pages_api_answers_errors_and_assets,
    pages_hold_no_inline_script_or_style,
);
