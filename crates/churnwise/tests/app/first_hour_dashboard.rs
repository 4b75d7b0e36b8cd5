//! The dashboard in a new user's first hour (#13): an "as of" day for data
//! sets with events after today, empty states that say what to do next,
//! and a customers card that adds up; the client list's health score and
//! MRR columns.

use crate::both_backends;
use crate::pages::{get, html, sign_in, Jar};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use churnwise_domain::registry::Role;
use churnwise_store::WorkspaceId;
use churnwise_store_tests::Backend;
use serde_json::{json, Value};

/// Adds a client with one subscription segment per `(mrr, started_on,
/// ended_on)`; returns its id.
async fn client(
    app: &TestApp,
    token: &str,
    name: &str,
    segments: &[(&str, &str, Option<&str>)],
) -> i64 {
    let reply = app
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(token),
            Some(json!({"name": name})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.json);
    let id = reply.json["id"].as_i64().unwrap();
    for (i, (mrr, started_on, ended_on)) in segments.iter().enumerate() {
        let sub = app
            .call(
                Method::POST,
                &format!("/api/v1/clients/{id}/subscriptions"),
                Some(token),
                Some(
                    json!({"subscription_ref": format!("S-{id}-{i}"), "plan": "growth",
                    "mrr": mrr, "started_on": started_on, "ended_on": ended_on}),
                ),
            )
            .await;
        assert_eq!(sub.status, StatusCode::CREATED, "{:?}", sub.json);
    }
    id
}

/// A workspace whose May 2024 has every kind of customer move: Dos stays,
/// Tres leaves on 20 May, Nuevo joins on 10 May and Vuelta, gone since
/// March, comes back on 10 May.
async fn workspace_with_every_move(backend: Backend) -> (TestApp, String, Jar, WorkspaceId) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    client(&app, &token, "Dos", &[("100.00", "2024-01-01", None)]).await;
    client(
        &app,
        &token,
        "Tres",
        &[("50.00", "2024-01-01", Some("2024-05-20"))],
    )
    .await;
    client(&app, &token, "Nuevo", &[("70.00", "2024-05-10", None)]).await;
    client(
        &app,
        &token,
        "Vuelta",
        &[
            ("30.00", "2024-01-01", Some("2024-03-01")),
            ("30.00", "2024-05-10", None),
        ],
    )
    .await;
    let jar = sign_in(&app, "ana@example.com").await;
    (app, token, jar, ws.id)
}

/// The `data-*` attribute `name` of the element with `id` on a page.
fn attr(page: &str, id: &str, name: &str) -> String {
    let at = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} on the page"));
    let tag = &page[page[..at].rfind('<').unwrap()..];
    let tag = &tag[..tag.find('>').unwrap()];
    let marker = format!("{name}=\"");
    let start = tag
        .find(&marker)
        .unwrap_or_else(|| panic!("#{id} has no {name}"))
        + marker.len();
    tag[start..start + tag[start..].find('"').unwrap()].to_string()
}

async fn the_dashboard_shows_the_figures_as_of_a_past_day(backend: Backend) {
    let (app, token, jar, _) = workspace_with_every_move(backend).await;
    let page = get(&app, "/dashboard?as_of=2024-06-15", &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let page = html(&page);
    // The default range is the twelve months up to the last one complete
    // on that day, not on today's date.
    assert!(
        page.contains("id=\"f-from\" name=\"from\" type=\"month\" value=\"2023-06\""),
        "{page}"
    );
    assert!(page.contains("id=\"f-to\" name=\"to\" type=\"month\" value=\"2024-05\""));
    assert!(page.contains("id=\"f-as-of\" name=\"as_of\" type=\"date\" value=\"2024-06-15\""));
    assert!(page.contains("data-as-of=\"2024-06-15\""));
    // The figures are the metrics API's for the same question.
    let api = app
        .call(
            Method::GET,
            "/api/v1/metrics?from=2023-06&to=2024-05&as_of=2024-06-15",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(api.status, StatusCode::OK, "{:?}", api.json);
    let last = &api.json["months"][11];
    assert_eq!(last["month"], "2024-05");
    assert_eq!(
        attr(page, "customers-moves", "data-end"),
        last["customers_end"].to_string()
    );
    // The survival curve counts Tres's departure, which happened before
    // the day; as of a day before it, it does not.
    assert_eq!(api.json["survival"]["events"], json!(2));
    let earlier = get(
        &app,
        "/dashboard?from=2024-01&to=2024-05&as_of=2024-04-01",
        &jar,
        None,
    )
    .await;
    let earlier_api = app
        .call(
            Method::GET,
            "/api/v1/metrics?from=2024-01&to=2024-05&as_of=2024-04-01",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(earlier_api.json["survival"]["events"], json!(1));
    assert!(
        html(&earlier).contains("Kaplan–Meier over 3 customers, 1 of whom left"),
        "{}",
        html(&earlier)
    );
    // Links keep the day: downloads are computed as of it too.
    assert!(html(&earlier).contains("from=2024-01&amp;to=2024-05&amp;as_of=2024-04-01"));
    let csv = get(
        &app,
        "/dashboard/survival.csv?from=2024-01&to=2024-05&as_of=2024-04-01",
        &jar,
        None,
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    let today = get(
        &app,
        "/dashboard/survival.csv?from=2024-01&to=2024-05",
        &jar,
        None,
    )
    .await;
    assert_ne!(csv.json, today.json, "the as-of day changes the download");
}

async fn a_bad_as_of_day_is_named_next_to_its_field(backend: Backend) {
    let (app, _, jar, _) = workspace_with_every_move(backend).await;
    for (lang, words) in [
        (None, "Enter the day as YYYY-MM-DD"),
        (Some("es"), "Escriba el día como AAAA-MM-DD"),
    ] {
        let reply = get(&app, "/dashboard?as_of=2024-02-31", &jar, lang).await;
        assert_eq!(reply.status, StatusCode::OK);
        let page = html(&reply);
        assert!(page.contains(
            "id=\"f-as-of\" name=\"as_of\" type=\"date\" value=\"2024-02-31\" aria-describedby=\"as-of-error\" aria-invalid=\"true\""
        ), "{page}");
        let error = &page[page.find("id=\"as-of-error\"").unwrap()..];
        assert!(error[..300].contains(words), "{}", &error[..300]);
    }
    let csv = get(&app, "/dashboard/churn.csv?as_of=yesterday", &jar, None).await;
    assert_eq!(csv.status, StatusCode::BAD_REQUEST);
}

async fn the_customers_card_names_its_month_and_adds_up(backend: Backend) {
    let (app, token, jar, _) = workspace_with_every_move(backend).await;
    let page = get(&app, "/dashboard?from=2024-04&to=2024-05", &jar, None).await;
    let page = html(&page);
    let api = app
        .call(
            Method::GET,
            "/api/v1/metrics?from=2024-04&to=2024-05",
            Some(&token),
            None,
        )
        .await;
    let may: &Value = &api.json["months"][1];
    assert_eq!(
        (
            may["customers_start"].as_u64(),
            may["new_customers"].as_u64(),
            may["reactivated_customers"].as_u64(),
            may["churned_customers"].as_u64(),
            may["customers_end"].as_u64()
        ),
        (Some(2), Some(1), Some(1), Some(1), Some(3))
    );
    assert!(
        page.contains("2 at the start + 1 new + 1 reactivated − 1 churned = 3"),
        "{page}"
    );
    assert!(page.contains("Customers · May 2024"), "{page}");
    for (name, key) in [
        ("data-start", "customers_start"),
        ("data-new", "new_customers"),
        ("data-reactivated", "reactivated_customers"),
        ("data-churned", "churned_customers"),
        ("data-end", "customers_end"),
    ] {
        assert_eq!(attr(page, "customers-moves", name), may[key].to_string());
    }
    let es = get(&app, "/dashboard?from=2024-04&to=2024-05", &jar, Some("es")).await;
    assert!(html(&es).contains("2 al inicio + 1 nuevos + 1 reactivados − 1 bajas = 3"));
}

async fn an_empty_workspace_says_what_to_do_next_instead_of_drawing_zeros(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let jar = sign_in(&app, "ana@example.com").await;
    for (lang, title, benchmark) in [
        (None, "Nothing to show yet", "benchmark"),
        (Some("es"), "Aún no hay nada que mostrar", "referencia"),
    ] {
        let reply = get(&app, "/dashboard", &jar, lang).await;
        assert_eq!(reply.status, StatusCode::OK);
        let page = html(&reply);
        let empty = &page[page.find("id=\"dashboard-empty\"").expect("an empty state")..];
        let empty = &empty[..empty.find("</section>").unwrap()];
        assert!(empty.contains(title), "{empty}");
        assert!(empty.contains("href=\"/import\""), "{empty}");
        assert!(empty.contains("href=\"/clients/new\""), "{empty}");
        // No benchmark badge under a churn rate of "—".
        let stats = &page[page.find("class=\"stats\"").unwrap()..];
        let stats = &stats[..stats.find("</section>").unwrap()];
        assert!(!stats.contains(benchmark), "{stats}");
        assert!(!stats.contains("badge"), "{stats}");
        // The money, churn and survival charts are empty states, not flat
        // lines on an axis of "€0 €0 €1".
        for chart in [
            "chart-churn",
            "chart-movements",
            "chart-arpa",
            "chart-forecast",
            "chart-survival",
        ] {
            let data = &page[page.find(&format!("id=\"{chart}-data\">")).unwrap()..];
            let data = &data[data.find('>').unwrap() + 1..data.find("</script>").unwrap()];
            let doc: Value = serde_json::from_str(data).unwrap();
            assert_eq!(doc["x"], json!([]), "{chart}: {doc}");
        }
        assert!(!page.contains("over 0 customers"), "{page}");
        assert!(!page.contains("sobre 0 clientes"), "{page}");
    }
}

async fn the_client_list_shows_each_clients_health_score_and_mrr(backend: Backend) {
    let (app, _, jar, ws) = workspace_with_every_move(backend).await;
    let today = chrono::Local::now().date_naive();
    churnwise_app::early_warning::refresh(app.store().as_ref(), ws, today)
        .await
        .unwrap();
    let reply = get(&app, "/clients", &jar, None).await;
    let page = html(&reply);
    assert!(
        page.contains("id=\"clients-col-score\">Health score</th>"),
        "{page}"
    );
    assert!(page.contains("id=\"clients-col-mrr\">MRR today</th>"));
    // Rows by name: Dos, Nuevo, Tres (gone), Vuelta.
    let mrr: Vec<&str> = page
        .split("data-mrr-cents=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(mrr, ["10000", "7000", "0", "3000"]);
    assert!(page.contains("€100.00"), "{page}");
    let scores: Vec<&str> = page
        .split("data-health-score=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(scores.len(), 4);
    let stored = app
        .store()
        .list_health(ws, &churnwise_store::HealthFilter::default())
        .await
        .unwrap();
    assert!(!stored.is_empty());
    for health in &stored {
        let row = &page[page
            .find(&format!("href=\"/clients/{}\"", health.client.id.0))
            .unwrap()..];
        let cell = &row[row.find("data-health-score=\"").unwrap() + 19..];
        assert_eq!(
            &cell[..cell.find('"').unwrap()],
            health.health.score.to_string()
        );
    }
    let es = get(&app, "/clients", &jar, Some("es")).await;
    assert!(html(&es).contains(">MRR hoy</th>"));
}

both_backends!(
    the_client_list_shows_each_clients_health_score_and_mrr,
    the_dashboard_shows_the_figures_as_of_a_past_day,
    a_bad_as_of_day_is_named_next_to_its_field,
    the_customers_card_names_its_month_and_adds_up,
    an_empty_workspace_says_what_to_do_next_instead_of_drawing_zeros,
);
