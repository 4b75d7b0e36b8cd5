//! The dashboard's downloads and its reasons chart: every chart's XLSX is a
//! real workbook holding the numbers of its CSV, and the reasons table
//! shows what `GET /api/v1/reports/reasons` computes.

use crate::both_backends;
use crate::pages::{get, html, sign_in};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use calamine::{Data, Reader, Xlsx};
use churnwise_app::cases::{self, CaseContext, Step};
use churnwise_domain::departure::{
    CloseInput, DepartureKind, ExitConversationInput, NoticeInput, Outcome,
};
use churnwise_domain::registry::Role;
use churnwise_store::ClientId;
use churnwise_store_tests::Backend;
use serde_json::{json, Value};

/// A workspace with three paying clients since 2023, two of which left in
/// 2024 (March: price, May: needs changed), and one new in February 2024;
/// returns the app and a token.
async fn workspace_with_departures(backend: Backend) -> (TestApp, String) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let mut clients = Vec::new();
    for (name, mrr, since) in [
        ("Bakery Lola", "450.00", "2023-01-01"),
        ("Garage Pepe", "120.50", "2023-01-01"),
        ("Stays", "99.99", "2023-01-01"),
        ("Newcomer", "80.00", "2024-02-01"),
    ] {
        let client = app
            .call(
                Method::POST,
                "/api/v1/clients",
                Some(&token),
                Some(json!({"name": name, "segment": "smb"})),
            )
            .await;
        assert_eq!(client.status, StatusCode::CREATED, "{:?}", client.json);
        let id = client.json["id"].as_i64().unwrap();
        let sub = app
            .call(
                Method::POST,
                &format!("/api/v1/clients/{id}/subscriptions"),
                Some(&token),
                Some(json!({"subscription_ref": format!("S-{id}"), "plan": "growth", "mrr": mrr, "started_on": since})),
            )
            .await;
        assert_eq!(sub.status, StatusCode::CREATED, "{:?}", sub.json);
        clients.push(ClientId(id));
    }
    let cx = CaseContext::for_user(app.store().as_ref(), ws.id, "ana").unwrap();
    for (client, reason, notice_on, end_on) in [
        (clients[0], "price_too_high", "2024-02-01", "2024-03-31"),
        (clients[1], "needs_changed", "2024-04-01", "2024-05-15"),
    ] {
        let notice: NoticeInput = serde_json::from_value(json!({
            "received_on": notice_on, "channel": "email", "received_by": "ana",
            "first_evaluation": {"fruitful": true, "history_of_stumbles": false,
                "our_commitments_met": true, "client_commitments_met": true}
        }))
        .unwrap();
        let conversation: ExitConversationInput = serde_json::from_value(json!({
            "clients_words": "Time to move on.", "primary_reason": reason,
            "controllable": false, "renegotiable": false
        }))
        .unwrap();
        let case = cases::open_case(&cx, client, DepartureKind::ClientLeaving, notice)
            .await
            .unwrap();
        let mut steps = vec![
            Step::ExitConversation { conversation },
            Step::BeginOffboarding {
                service_type: None,
                lang: None,
            },
        ];
        for item in 1..=8 {
            steps.push(Step::CompleteChecklistItem {
                id: churnwise_domain::text::ItemId(item),
                on: None,
            });
        }
        steps.push(Step::Close {
            close: CloseInput {
                outcome: Some(Outcome::Lost),
                end_on: Some(end_on.parse().unwrap()),
                ..Default::default()
            },
        });
        for step in steps {
            cases::apply(&cx, case.id, None, step).await.unwrap();
        }
    }
    (app, token)
}

/// A cell as text, numbers in Rust's shortest round-trip form.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Int(n) => n.to_string(),
        Data::Float(v) => v.to_string(),
        Data::String(s) => s.clone(),
        Data::Bool(b) => b.to_string(),
        Data::Empty => String::new(),
        other => panic!("unexpected cell {other:?}"),
    }
}

/// True when two fields hold the same number, or the same text.
fn same(csv: &str, xlsx: &str) -> bool {
    match (csv.parse::<f64>(), xlsx.parse::<f64>()) {
        (Ok(a), Ok(b)) => a == b,
        _ => csv == xlsx,
    }
}

async fn every_chart_downloads_as_a_workbook_with_the_numbers_of_its_csv(backend: Backend) {
    let (app, _) = workspace_with_departures(backend).await;
    let jar = sign_in(&app, "ana@example.com").await;
    let page = get(&app, "/dashboard?from=2024-01&to=2024-06", &jar, None).await;
    for chart in [
        "churn",
        "mrr-movements",
        "arpa",
        "nonpayment",
        "cohorts",
        "survival",
        "forecast",
        "reasons",
    ] {
        let query = "?from=2024-01&to=2024-06";
        for ext in ["csv", "xlsx"] {
            // minijinja escapes `/` and `&` in attributes.
            let href = format!("dashboard&#x2f;{chart}.{ext}{query}\"").replace('&', "&amp;");
            let href = href.replace("&amp;#x2f;", "&#x2f;");
            assert!(html(&page).contains(&href), "no {href} on the page");
        }
        let csv = get(&app, &format!("/dashboard/{chart}.csv{query}"), &jar, None).await;
        assert_eq!(csv.status, StatusCode::OK, "{chart}");
        let xlsx = get(&app, &format!("/dashboard/{chart}.xlsx{query}"), &jar, None).await;
        assert_eq!(xlsx.status, StatusCode::OK, "{chart}");
        assert_eq!(
            xlsx.content_type,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        let disposition = xlsx.headers["content-disposition"].to_str().unwrap();
        assert!(
            disposition.contains(&format!("churnwise-{chart}-2024-01-2024-06.xlsx")),
            "{disposition}"
        );
        assert!(xlsx.bytes.starts_with(b"PK"), "{chart}: not a zip");

        let text = String::from_utf8(csv.bytes.clone()).unwrap();
        let text = text.trim_start_matches('\u{feff}');
        let csv_rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(xlsx.bytes.clone())).unwrap();
        let sheet = book.sheet_names()[0].clone();
        let range = book.worksheet_range(&sheet).unwrap();
        let xlsx_rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(cell_text).collect())
            .collect();
        assert!(csv_rows.len() > 1, "{chart}: the CSV has no data row");
        assert_eq!(csv_rows.len(), xlsx_rows.len(), "{chart}: rows");
        for (c, x) in csv_rows.iter().zip(&xlsx_rows) {
            assert_eq!(c.len(), x.len(), "{chart}: {c:?} vs {x:?}");
            for (a, b) in c.iter().zip(x) {
                assert!(same(a, b), "{chart}: {a:?} in the CSV, {b:?} in the XLSX");
            }
        }
    }
    // The figures are real: two clients left, March and May.
    let churn = get(
        &app,
        "/dashboard/churn.csv?from=2024-01&to=2024-06",
        &jar,
        None,
    )
    .await;
    let churn = String::from_utf8(churn.bytes).unwrap();
    assert!(
        churn.contains("\n\"2024-03\",4,1,25,7,\"true\"\n"),
        "{churn}"
    );
    let reasons = get(
        &app,
        "/dashboard/reasons.csv?from=2024-01&to=2024-06",
        &jar,
        Some("es"),
    )
    .await;
    let reasons = String::from_utf8(reasons.bytes).unwrap();
    assert!(reasons.contains("\"Mes\","), "{reasons}");
    assert!(
        reasons.contains("\n\"Total\",1,450.00,1,120.50,2,570.50"),
        "{reasons}"
    );
    let unknown = get(&app, "/dashboard/secrets.xlsx", &jar, None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

/// The value of `attr="…"` in `text` after `from`.
fn attr<'a>(text: &'a str, from: &str, attr: &str) -> &'a str {
    let start = text
        .find(from)
        .unwrap_or_else(|| panic!("{from} not found"));
    let rest = &text[start..];
    let marker = format!("{attr}=\"");
    let at = rest.find(&marker).unwrap() + marker.len();
    &rest[at..at + rest[at..].find('"').unwrap()]
}

async fn the_reasons_table_shows_the_reasons_report_of_the_api(backend: Backend) {
    let (app, token) = workspace_with_departures(backend).await;
    let jar = sign_in(&app, "ana@example.com").await;
    let page = get(&app, "/dashboard?from=2024-01&to=2024-06", &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let page = html(&page);
    assert!(page.contains("Departures by reason"));
    assert!(page.contains("id=\"chart-reasons-data\""));
    let api = app
        .call(
            Method::GET,
            "/api/v1/reports/reasons?from=2024-01&to=2024-06",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(api.status, StatusCode::OK, "{:?}", api.json);
    let reasons: Vec<&str> = api.json["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["price_too_high", "needs_changed"]);
    let rows = api.json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    let table = &page[page.find("id=\"table-reasons\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    for row in rows {
        let month = row["label"].as_str().unwrap();
        let tr = &table[table.find(&format!("<tr data-month=\"{month}\"")).unwrap()..];
        let tr = &tr[..tr.find("</tr>").unwrap()];
        let cells: Vec<&Value> = row["cells"].as_array().unwrap().iter().collect();
        for (key, cell) in reasons.iter().zip(cells) {
            let at = format!("data-reason=\"{key}\" data-departures");
            assert_eq!(
                attr(tr, &at, "data-departures"),
                cell["departures"].to_string(),
                "{month} {key}"
            );
            let at = format!("data-reason=\"{key}\" data-lost-mrr");
            let shown: f64 = attr(tr, &at, "data-lost-mrr").parse().unwrap();
            assert_eq!(shown, cell["lost_mrr"].as_f64().unwrap(), "{month} {key}");
        }
        let shown: f64 = attr(tr, "data-reason=\"\" data-lost-mrr", "data-lost-mrr")
            .parse()
            .unwrap();
        assert_eq!(shown, row["total"]["lost_mrr"].as_f64().unwrap());
    }
    assert_eq!(
        attr(table, "data-grand-total", "data-grand-total"),
        api.json["grand_total"]["departures"].to_string()
    );
    // Labels in the page's language, money formatted for it.
    let spanish = get(&app, "/dashboard?from=2024-01&to=2024-06", &jar, Some("es")).await;
    assert!(html(&spanish).contains("Bajas por motivo"));
    assert!(html(&spanish).contains("Precio demasiado alto para el valor"));
    assert!(html(&spanish).contains("450,00\u{a0}€"));
    // A range without departures says so rather than drawing zeros.
    let quiet = get(&app, "/dashboard?from=2023-01&to=2023-06", &jar, None).await;
    assert!(html(&quiet).contains("No departure closed with a last day in these months."));
    assert!(!html(&quiet).contains("id=\"table-reasons\""));
}

both_backends!(
    every_chart_downloads_as_a_workbook_with_the_numbers_of_its_csv,
    the_reasons_table_shows_the_reasons_report_of_the_api,
);
