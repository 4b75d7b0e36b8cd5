//! The HTML pages: redirects when signed out, the first-run page, escaping,
//! CSRF refusal, roles, workspace isolation, Spanish, and embedded assets.

use crate::both_backends;
use crate::support::{Reply, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use churnwise_domain::registry::Role;
use churnwise_store::NewClient;
use churnwise_store_tests::Backend;

const PASSWORD: &str = "a long password";

/// A browser's cookie jar, reduced to what the pages set.
#[derive(Default, Clone)]
pub(crate) struct Jar(Vec<(String, String)>);

impl Jar {
    pub(crate) fn header(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub(crate) fn take(&mut self, reply: &Reply) {
        for value in reply.headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.0.retain(|(k, _)| k != name);
            if !value.is_empty() && !text.contains("Max-Age=0") {
                self.0.push((name.to_string(), value.to_string()));
            }
        }
    }

    pub(crate) fn with(mut self, name: &str, value: &str) -> Self {
        self.0.retain(|(k, _)| k != name);
        self.0.push((name.into(), value.into()));
        self
    }
}

pub(crate) fn html(reply: &Reply) -> &str {
    reply.json.as_str().unwrap_or("")
}

pub(crate) fn location(reply: &Reply) -> &str {
    reply
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The value of the first hidden `csrf` field of a page.
pub(crate) fn csrf_of(page: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker).expect("the page has a form") + marker.len();
    page[start..start + 64].to_string()
}

pub(crate) async fn get(
    app: &TestApp,
    uri: &str,
    jar: &Jar,
    accept_language: Option<&str>,
) -> Reply {
    let mut request = Request::get(uri).header(header::COOKIE, jar.header());
    if let Some(lang) = accept_language {
        request = request.header(header::ACCEPT_LANGUAGE, lang);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

pub(crate) async fn post(app: &TestApp, uri: &str, jar: &Jar, form: &[(&str, &str)]) -> Reply {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    app.send(
        Request::post(uri)
            .header(header::COOKIE, jar.header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// Signs `email` in through the sign-in form; returns the cookies.
pub(crate) async fn sign_in(app: &TestApp, email: &str) -> Jar {
    let mut jar = Jar::default();
    let page = get(app, "/login", &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    jar.take(&page);
    let csrf = csrf_of(html(&page));
    let done = post(
        app,
        "/login",
        &jar,
        &[
            ("csrf", &csrf),
            ("email", email),
            ("password", PASSWORD),
            ("next", "/clients"),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{:?}", done.json);
    assert_eq!(location(&done), "/clients");
    jar.take(&done);
    jar
}

async fn signed_out_pages_redirect_to_the_sign_in_page_and_back(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    for uri in ["/dashboard", "/clients", "/clients/1", "/settings"] {
        let reply = get(&app, uri, &Jar::default(), None).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{uri}");
        assert_eq!(
            location(&reply),
            format!("/login?next={}", uri.replace('/', "%2F"))
        );
    }
    let posted = post(&app, "/clients", &Jar::default(), &[("name", "X")]).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER);
    assert!(location(&posted).starts_with("/login"));
    let jar = sign_in(&app, "ana@example.com").await;
    let list = get(&app, "/clients", &jar, None).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.content_type.starts_with("text/html"));
    assert!(html(&list).contains("<h1>Clients</h1>"));
    let wrong = post(
        &app,
        "/login",
        &Jar::default().with("churnwise_csrf", &"a".repeat(64)),
        &[
            ("csrf", &"a".repeat(64)),
            ("email", "ana@example.com"),
            ("password", "wrong password"),
        ],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&wrong).contains("The email or the password is wrong."));
    assert!(wrong
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .all(|c| !c.to_str().unwrap().starts_with("churnwise_session")));
}

async fn the_first_run_page_creates_the_owner_only_while_nobody_has_an_account(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut jar = Jar::default();
    let login = get(&app, "/login", &jar, None).await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&login), "/setup");
    let page = get(&app, "/setup", &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    jar.take(&page);
    let csrf = csrf_of(html(&page));
    let refused = post(
        &app,
        "/setup",
        &jar,
        &[
            ("csrf", &csrf),
            ("workspace", "Acme"),
            ("email", "ana@example.com"),
            ("password", PASSWORD),
            ("password_again", "another password"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&refused).contains("The two passwords differ."));
    assert_eq!(app.store().count_users().await.unwrap(), 0);
    let created = post(
        &app,
        "/setup",
        &jar,
        &[
            ("csrf", &csrf),
            ("workspace", "Acme"),
            ("email", "Ana@Example.com"),
            ("password", PASSWORD),
            ("password_again", PASSWORD),
        ],
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    jar.take(&created);
    let dashboard = get(&app, "/dashboard", &jar, None).await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(html(&dashboard).contains("Acme"));
    let user = app
        .store()
        .find_user_by_email("ana@example.com")
        .await
        .unwrap()
        .unwrap();
    let memberships = app.store().memberships(user.user.id).await.unwrap();
    assert_eq!(memberships[0].role, Role::Owner);
    // A second visitor cannot create another owner.
    let again = post(
        &app,
        "/setup",
        &Jar::default().with("churnwise_csrf", &csrf),
        &[
            ("csrf", &csrf),
            ("workspace", "Evil"),
            ("email", "eve@example.com"),
            ("password", PASSWORD),
            ("password_again", PASSWORD),
        ],
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&again), "/login");
    assert_eq!(app.store().count_users().await.unwrap(), 1);
}

async fn a_client_named_like_html_shows_as_text(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, _) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let evil = "<script>alert(1)</script>";
    let client = app
        .store()
        .create_client(
            ws.id,
            NewClient {
                external_id: None,
                name: evil.into(),
                status: churnwise_domain::registry::ClientStatus::Active,
                owner: Some("\"><img src=x onerror=alert(2)>".into()),
                segment: None,
                keep_in_touch_days: 30,
                notes: Some(evil.into()),
            },
        )
        .await
        .unwrap();
    let jar = sign_in(&app, "ana@example.com").await;
    for uri in ["/clients".to_string(), format!("/clients/{}", client.id)] {
        let page = get(&app, &uri, &jar, None).await;
        assert_eq!(page.status, StatusCode::OK);
        let body = html(&page);
        assert!(
            body.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
            "{uri}"
        );
        assert!(!body.contains(evil), "{uri}");
        assert!(!body.contains("<img src=x"), "{uri}");
    }
}

async fn a_form_without_the_session_csrf_token_is_refused(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, _) = app
        .user_with_token("ana@example.com", "Acme", Role::Member)
        .await;
    let jar = sign_in(&app, "ana@example.com").await;
    for csrf in ["", "0000", &"f".repeat(64)] {
        let refused = post(
            &app,
            "/clients",
            &jar,
            &[("csrf", csrf), ("name", "Forged")],
        )
        .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.content_type.starts_with("text/html"));
        assert!(html(&refused).contains("the form expired"));
    }
    let logout = post(&app, "/logout", &jar, &[]).await;
    assert_eq!(logout.status, StatusCode::FORBIDDEN);
    let total = app
        .store()
        .list_clients(ws.id, &Default::default())
        .await
        .unwrap()
        .total;
    assert_eq!(total, 0);
    let page = get(&app, "/clients/new", &jar, None).await;
    let csrf = csrf_of(html(&page));
    let created = post(
        &app,
        "/clients",
        &jar,
        &[("csrf", &csrf), ("name", "Bakery Lola"), ("owner", "ana")],
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    assert!(location(&created).starts_with("/clients/"));
    let id = location(&created)
        .trim_start_matches("/clients/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let logged = post(
        &app,
        &format!("/clients/{id}/interactions"),
        &jar,
        &[("csrf", &csrf), ("kind", "call"), ("note", "Renewal talk")],
    )
    .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER);
    let shown = get(&app, &format!("/clients/{id}"), &jar, None).await;
    assert!(html(&shown).contains("Renewal talk"));
    let invalid = post(
        &app,
        &format!("/clients/{id}/interactions"),
        &jar,
        &[
            ("csrf", &csrf),
            ("kind", "gossip"),
            ("occurred_on", "2024-02-30"),
        ],
    )
    .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&invalid).contains("Enter a valid date"));
}

async fn a_viewer_sees_pages_but_cannot_post(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("vic@example.com", "Acme", Role::Viewer)
        .await;
    let jar = sign_in(&app, "vic@example.com").await;
    let list = get(&app, "/clients", &jar, None).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!html(&list).contains("href=\"/clients/new\""));
    let csrf = csrf_of(html(&list));
    let refused = post(&app, "/clients", &jar, &[("csrf", &csrf), ("name", "X")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        get(&app, "/clients/new", &jar, None).await.status,
        StatusCode::FORBIDDEN
    );
}

async fn another_workspaces_client_is_not_found(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (other, _) = app
        .user_with_token("bob@example.com", "Other", Role::Owner)
        .await;
    app.user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let theirs = app
        .store()
        .create_client(
            other.id,
            NewClient {
                external_id: None,
                name: "Secret Client".into(),
                status: churnwise_domain::registry::ClientStatus::Active,
                owner: None,
                segment: None,
                keep_in_touch_days: 30,
                notes: None,
            },
        )
        .await
        .unwrap();
    let jar = sign_in(&app, "ana@example.com").await;
    let page = get(&app, &format!("/clients/{}", theirs.id), &jar, None).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!html(&page).contains("Secret Client"));
    let list = get(&app, "/clients?q=secret", &jar, None).await;
    assert!(html(&list).contains("0 clients"));
}

async fn pages_speak_spanish_by_cookie_or_browser_language(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let jar = sign_in(&app, "ana@example.com").await;
    let by_browser = get(&app, "/clients", &jar, Some("es-ES,es;q=0.9,en;q=0.5")).await;
    assert!(html(&by_browser).contains("<html lang=\"es\">"));
    assert!(html(&by_browser).contains("<h1>Clientes</h1>"));
    assert!(html(&by_browser).contains("0 clientes"));
    let csrf = csrf_of(html(&by_browser));
    let mut jar = jar;
    let chosen = post(
        &app,
        "/lang",
        &jar,
        &[("csrf", &csrf), ("lang", "es"), ("next", "/settings")],
    )
    .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&chosen), "/settings");
    jar.take(&chosen);
    let settings = get(&app, "/settings", &jar, Some("en")).await;
    assert!(html(&settings).contains("<h1>Ajustes</h1>"));
    let missing = get(&app, "/clients/999", &jar, None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(html(&missing).contains("Aquí no hay nada"));
    let away = post(
        &app,
        "/lang",
        &jar,
        &[
            ("csrf", &csrf),
            ("lang", "en"),
            ("next", "https://evil.example/"),
        ],
    )
    .await;
    assert_eq!(location(&away), "/");
}

async fn api_tokens_are_created_once_listed_and_revoked(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "Acme", Role::Member)
        .await;
    let jar = sign_in(&app, "ana@example.com").await;
    let settings = get(&app, "/settings", &jar, None).await;
    assert!(html(&settings).contains("ana@example.com"));
    let csrf = csrf_of(html(&settings));
    let created = post(
        &app,
        "/settings/tokens",
        &jar,
        &[("csrf", &csrf), ("name", "zapier")],
    )
    .await;
    assert_eq!(created.status, StatusCode::OK);
    let body = html(&created);
    let marker = "id=\"new-token\" class=\"token\" type=\"text\" readonly value=\"";
    let start = body.find(marker).unwrap() + marker.len();
    let token = &body[start..start + 64];
    let api = app
        .call(
            axum::http::Method::GET,
            "/api/v1/clients",
            Some(token),
            None,
        )
        .await;
    assert_eq!(api.status, StatusCode::OK);
    let again = get(&app, "/settings", &jar, None).await;
    assert!(html(&again).contains("zapier"));
    assert!(!html(&again).contains(token));
}

async fn embedded_assets_are_served_with_their_type(backend: Backend) {
    let app = TestApp::new(backend).await;
    for (path, kind) in [
        ("/assets/app.css", "text/css"),
        ("/assets/charts.js", "javascript"),
        ("/assets/vendor/echarts.min.js", "javascript"),
        ("/assets/vendor/htmx.min.js", "javascript"),
    ] {
        let reply = get(&app, path, &Jar::default(), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(
            reply.content_type.contains(kind),
            "{path}: {}",
            reply.content_type
        );
    }
    let missing = get(&app, "/assets/nope.js", &Jar::default(), None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

async fn the_dashboard_shows_the_workspace_metrics_with_csv_downloads(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let jar = sign_in(&app, "ana@example.com").await;
    let page = get(&app, "/dashboard?from=2024-01&to=2024-06", &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(html(&page).contains("Monthly churn rate against the benchmark"));
    assert!(html(&page).contains("Jan 2024"));
    let spanish = get(&app, "/dashboard?from=2024-01&to=2024-06", &jar, Some("es")).await;
    assert!(html(&spanish).contains("Tasa mensual de bajas"));
    assert!(html(&spanish).contains("ene 2024"));
    let refused = get(&app, "/dashboard?from=2024-06&to=2024-01", &jar, None).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert!(html(&refused).contains("Choose a first month before the last one"));
    for chart in [
        "churn",
        "mrr-movements",
        "arpa",
        "nonpayment",
        "cohorts",
        "survival",
        "forecast",
    ] {
        let csv = get(
            &app,
            &format!("/dashboard/{chart}.csv?from=2024-01&to=2024-06"),
            &jar,
            None,
        )
        .await;
        assert_eq!(csv.status, StatusCode::OK, "{chart}");
        assert!(csv.content_type.starts_with("text/csv"), "{chart}");
    }
    let churn = get(
        &app,
        "/dashboard/churn.csv?from=2024-01&to=2024-06",
        &jar,
        None,
    )
    .await;
    let text = html(&churn);
    assert!(
        text.starts_with("\"month\",\"customers_start\",\"churned_customers\",\"churn_rate_pct\"")
    );
    assert_eq!(text.lines().count(), 7);
    let unknown = get(&app, "/dashboard/secrets.csv", &jar, None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

async fn a_departure_case_is_opened_from_the_client_page_once(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, _) = app
        .user_with_token("ana@example.com", "Acme", Role::Member)
        .await;
    let client = app
        .store()
        .create_client(
            ws.id,
            NewClient {
                external_id: None,
                name: "Bakery Lola".into(),
                status: churnwise_domain::registry::ClientStatus::Active,
                owner: None,
                segment: None,
                keep_in_touch_days: 30,
                notes: None,
            },
        )
        .await
        .unwrap();
    let jar = sign_in(&app, "ana@example.com").await;
    let uri = format!("/clients/{}", client.id);
    let page = get(&app, &uri, &jar, Some("es")).await;
    assert!(html(&page).contains("Abrir un caso de baja"));
    let csrf = csrf_of(html(&page));
    let form = |fruitful: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("kind", "client_leaving".to_string()),
            ("received_on", "2026-03-02".to_string()),
            ("channel", "phone".to_string()),
            ("received_by", "ana".to_string()),
            ("fruitful", fruitful.to_string()),
            ("history_of_stumbles", "no".to_string()),
            ("our_commitments_met", "yes".to_string()),
            ("client_commitments_met", "yes".to_string()),
        ]
    };
    let missing = form("");
    let missing: Vec<(&str, &str)> = missing.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = post(&app, &format!("{uri}/cases"), &jar, &missing).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&refused).contains("Please fill this in."));
    let full = form("yes");
    let full: Vec<(&str, &str)> = full.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let opened = post(&app, &format!("{uri}/cases"), &jar, &full).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    let cases = app
        .store()
        .list_cases(ws.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(cases.len(), 1);
    let shown = get(&app, &uri, &jar, None).await;
    assert!(html(&shown).contains("aria-current=\"step\" class=\"stage-current\">Notice"));
    assert!(!html(&shown).contains("Open a departure case"));
    let again = post(&app, &format!("{uri}/cases"), &jar, &full).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let forged = post(&app, &format!("{uri}/cases"), &jar, &full[1..]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

/// The value of the hidden `version` field of a case page.
fn version_of(page: &str) -> String {
    let marker = "name=\"version\" value=\"";
    let start = page.find(marker).expect("the page has a case form") + marker.len();
    let end = page[start..].find('"').unwrap() + start;
    page[start..end].to_string()
}

async fn a_departure_case_is_worked_through_its_page_with_guards_next_to_the_step(
    backend: Backend,
) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Member)
        .await;
    let api = |method: axum::http::Method, uri: String, body: serde_json::Value| {
        let app = &app;
        let token = token.clone();
        async move { app.call(method, &uri, Some(&token), Some(body)).await }
    };
    let client = api(
        axum::http::Method::POST,
        "/api/v1/clients".into(),
        serde_json::json!({"name": "Bakery <Lola>"}),
    )
    .await;
    let client = client.json["id"].as_i64().unwrap();
    let opened = api(
        axum::http::Method::POST,
        "/api/v1/cases".into(),
        serde_json::json!({"client_id": client, "notice": {
            "received_on": "2024-03-01", "channel": "email", "received_by": "ana",
            "requested_end_on": "2024-03-31",
            "first_evaluation": {"fruitful": true, "history_of_stumbles": false,
                "our_commitments_met": true, "client_commitments_met": true}}}),
    )
    .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{:?}", opened.json);
    let id = opened.json["id"].as_i64().unwrap();
    let uri = format!("/cases/{id}");
    let jar = sign_in(&app, "ana@example.com").await;

    let list = get(&app, "/cases", &jar, None).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(html(&list).contains(&format!("href=\"/cases/{id}\"")));
    assert!(html(&list).contains("Bakery &lt;Lola&gt;"));
    let closed_only = get(&app, "/cases?outcome=lost", &jar, None).await;
    assert!(html(&closed_only).contains("No case matches these filters."));

    let page = get(&app, &uri, &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(html(&page).contains("Departure of Bakery &lt;Lola&gt;"));
    let csrf = csrf_of(html(&page));
    let v1 = version_of(html(&page));

    // A missing answer is named next to its field, and what was typed stays.
    let refused = post(
        &app,
        &format!("{uri}/exit-conversation"),
        &jar,
        &[
            ("csrf", &csrf),
            ("version", &v1),
            ("primary_reason", "needs_changed"),
            ("controllable", "no"),
            ("renegotiable", "yes"),
            ("departments", "Support"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = html(&refused);
    assert!(body.contains("id=\"exit-clients_words-error\">Please fill this in."));
    assert!(body.contains("value=\"needs_changed\" selected"));
    assert!(body.contains("value=\"Support\""));

    let saved = post(
        &app,
        &format!("{uri}/exit-conversation"),
        &jar,
        &[
            ("csrf", &csrf),
            ("version", &v1),
            ("clients_words", "We are moving it in-house."),
            ("primary_reason", "needs_changed"),
            ("secondary_reasons", "budget_cut"),
            ("controllable", "no"),
            ("renegotiable", "yes"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(location(&saved).starts_with(&format!("{uri}?done=")));

    // The form of the version before that change is stale now.
    let stale = post(
        &app,
        &format!("{uri}/offboarding"),
        &jar,
        &[("csrf", &csrf), ("version", &v1)],
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(html(&stale).contains("Someone changed this case after you opened the page"));

    let page = get(&app, &uri, &jar, None).await;
    assert!(html(&page).contains("We are moving it in-house."));
    let v2 = version_of(html(&page));
    let begun = post(
        &app,
        &format!("{uri}/offboarding"),
        &jar,
        &[("csrf", &csrf), ("version", &v2)],
    )
    .await;
    assert_eq!(begun.status, StatusCode::SEE_OTHER);

    // Closing with required items open is refused; the reason sits by the step.
    let page = get(&app, &uri, &jar, None).await;
    assert!(html(&page).contains("Still stopping the case from closing"));
    let v3 = version_of(html(&page));
    let blocked = post(
        &app,
        &format!("{uri}/close"),
        &jar,
        &[
            ("csrf", &csrf),
            ("version", &v3),
            ("outcome", "lost"),
            ("end_on", "2024-03-31"),
        ],
    )
    .await;
    assert_eq!(blocked.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = html(&blocked);
    let close_section = &body[body.find("id=\"close\"").unwrap()..];
    assert!(close_section.contains("The case cannot close yet:"));
    assert!(close_section.contains("is still open."));
    assert!(close_section.contains("value=\"2024-03-31\""));
    assert_eq!(
        app.store()
            .get_case(ws.id, churnwise_store::CaseId(id))
            .await
            .unwrap()
            .unwrap()
            .case
            .stage(),
        churnwise_domain::departure::Stage::Offboarding,
        "a refused step changes nothing"
    );

    // The same case in Spanish, and the guard too.
    let spanish = get(&app, &uri, &jar, Some("es")).await;
    assert!(html(&spanish).contains("Baja de Bakery &lt;Lola&gt;"));
    assert!(html(&spanish).contains("Lo que aún impide cerrar el caso"));
    let unknown = post(
        &app,
        &format!("{uri}/delete"),
        &jar,
        &[("csrf", &csrf), ("version", &v3)],
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let forged = post(&app, &format!("{uri}/close"), &jar, &[("version", &v3)]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

async fn a_viewer_reads_a_case_but_cannot_change_it_and_other_workspaces_see_nothing(
    backend: Backend,
) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    app.user_with_token("vic@example.com", "Acme", Role::Viewer)
        .await;
    app.user_with_token("eve@example.com", "Other", Role::Owner)
        .await;
    let client = app
        .store()
        .create_client(
            ws.id,
            NewClient {
                external_id: None,
                name: "Bakery Lola".into(),
                status: churnwise_domain::registry::ClientStatus::Active,
                owner: None,
                segment: None,
                keep_in_touch_days: 30,
                notes: None,
            },
        )
        .await
        .unwrap();
    let opened = app
        .call(
            axum::http::Method::POST,
            "/api/v1/cases",
            Some(&token),
            Some(
                serde_json::json!({"client_id": client.id.0, "kind": "team_ending", "notice": {
                "received_on": "2024-03-01", "channel": "meeting", "received_by": "ana",
                "first_evaluation": {"fruitful": false, "history_of_stumbles": true,
                    "our_commitments_met": true, "client_commitments_met": false}}}),
            ),
        )
        .await;
    let id = opened.json["id"].as_i64().unwrap();
    let viewer = sign_in(&app, "vic@example.com").await;
    let page = get(&app, &format!("/cases/{id}"), &viewer, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(html(&page).contains("We are ending it"));
    assert!(!html(&page).contains("action=\"/cases/"));
    let csrf = csrf_of(html(&page));
    let refused = post(
        &app,
        &format!("/cases/{id}/notice"),
        &viewer,
        &[("csrf", &csrf), ("version", "1")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let eve = sign_in(&app, "eve@example.com").await;
    let hidden = get(&app, &format!("/cases/{id}"), &eve, None).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert!(!html(&hidden).contains("Bakery Lola"));
    let list = get(&app, "/cases", &eve, None).await;
    assert!(!html(&list).contains("Bakery Lola"));
}

both_backends!(
    a_departure_case_is_worked_through_its_page_with_guards_next_to_the_step,
    a_viewer_reads_a_case_but_cannot_change_it_and_other_workspaces_see_nothing,
    a_departure_case_is_opened_from_the_client_page_once,
    the_dashboard_shows_the_workspace_metrics_with_csv_downloads,
    signed_out_pages_redirect_to_the_sign_in_page_and_back,
    the_first_run_page_creates_the_owner_only_while_nobody_has_an_account,
    a_client_named_like_html_shows_as_text,
    a_form_without_the_session_csrf_token_is_refused,
    a_viewer_sees_pages_but_cannot_post,
    another_workspaces_client_is_not_found,
    pages_speak_spanish_by_cookie_or_browser_language,
    api_tokens_are_created_once_listed_and_revoked,
    embedded_assets_are_served_with_their_type,
);
