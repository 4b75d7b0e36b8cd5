//! Issue 18, usage of lost clients on the reasons report: per reason and
//! metric, the clients lost for it who used the metric in their last 90
//! days, stopped, or never used it, and the median change against their
//! usual level (the 90 days before), with known figures through the API and
//! the dashboard; on both backends.

use crate::both_backends;
use crate::pages::{get, html, sign_in};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use chrono::{Days, NaiveDate};
use churnwise_app::cases::{self, CaseContext, Step};
use churnwise_domain::departure::{
    CloseInput, DepartureKind, ExitConversationInput, NoticeInput, Outcome,
};
use churnwise_domain::registry::Role;
use churnwise_store::{ClientId, UsageEvent, WorkspaceId};
use churnwise_store_tests::Backend;
use serde_json::{json, Value};

pub(crate) fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A client lost for `reason` on `end`; returns its id.
pub(crate) async fn lost_client(
    app: &TestApp,
    ws: WorkspaceId,
    token: &str,
    name: &str,
    reason: &str,
    end: NaiveDate,
) -> ClientId {
    let r = app
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(token),
            Some(json!({"name": name, "external_id": name})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json);
    let client = ClientId(r.json["id"].as_i64().unwrap());
    let cx = CaseContext::for_user(app.store().as_ref(), ws, "ana").unwrap();
    let notice: NoticeInput = serde_json::from_value(json!({
        "received_on": (end - Days::new(30)).to_string(), "channel": "email", "received_by": "ana",
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
            end_on: Some(end),
            ..Default::default()
        },
    });
    for step in steps {
        cases::apply(&cx, case.id, None, step).await.unwrap();
    }
    client
}

/// Usage of `client`: (metric, days before `end` (negative: after), value).
pub(crate) async fn used(
    app: &TestApp,
    ws: WorkspaceId,
    client: ClientId,
    end: NaiveDate,
    rows: &[(&str, i64, i64)],
) {
    let events: Vec<UsageEvent> = rows
        .iter()
        .map(|(metric, before, value)| UsageEvent {
            client,
            metric: (*metric).into(),
            on: if *before >= 0 {
                end - Days::new(before.unsigned_abs())
            } else {
                end + Days::new(before.unsigned_abs())
            },
            value: *value,
            id: None,
        })
        .collect();
    app.store().record_usage(ws, &events).await.unwrap();
}

fn metric<'a>(doc: &'a Value, reason: &str, key: &str) -> &'a Value {
    let usage = &doc["usage"];
    let r = usage["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reason"] == reason)
        .unwrap_or_else(|| panic!("{reason} missing: {usage:#}"));
    let i = usage["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .position(|m| m["key"] == key)
        .unwrap();
    &r["metrics"][i]
}

async fn the_reasons_report_shows_what_lost_clients_used_in_their_last_90_days(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    // Price: A's logins 100 → 60 (−40 %), no reports; B's logins 200 → 0
    // (stopped, −100 %), 5 reports; C no usage data at all.
    let a_end = day("2026-10-31");
    let a = lost_client(&app, ws.id, &token, "A", "price_too_high", a_end).await;
    used(
        &app,
        ws.id,
        a,
        a_end,
        &[("logins", 100, 100), ("logins", 10, 60)],
    )
    .await;
    let b_end = day("2026-10-15");
    let b = lost_client(&app, ws.id, &token, "B", "price_too_high", b_end).await;
    used(
        &app,
        ws.id,
        b,
        b_end,
        &[("logins", 150, 200), ("reports", 0, 5)],
    )
    .await;
    lost_client(
        &app,
        ws.id,
        &token,
        "C",
        "price_too_high",
        day("2026-09-20"),
    )
    .await;
    // Needs changed: D, on the edges: day 89 before the end is in the last
    // 90 days, day 179 in the usual ones, day 180 and after the end in none.
    let d_end = day("2026-09-30");
    let d = lost_client(&app, ws.id, &token, "D", "needs_changed", d_end).await;
    used(
        &app,
        ws.id,
        d,
        d_end,
        &[
            ("logins", 89, 10),
            ("logins", 90, 0),
            ("logins", 179, 7),
            ("logins", 180, 999),
            ("logins", -1, 999),
        ],
    )
    .await;
    // A client lost outside the range counts nowhere.
    let e_end = day("2026-08-31");
    let e = lost_client(&app, ws.id, &token, "E", "price_too_high", e_end).await;
    used(&app, ws.id, e, e_end, &[("logins", 1, 50)]).await;

    let r = app
        .call(
            Method::GET,
            "/api/v1/reports/reasons?from=2026-09&to=2026-10",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json);
    let doc = &r.json;
    assert_eq!(
        doc["grand_total"]["departures"], 4,
        "the matrix is still there"
    );
    assert_eq!(doc["usage"]["days"], 90);
    let keys: Vec<&str> = doc["usage"]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["logins", "reports"]);
    let price = doc["usage"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reason"] == "price_too_high")
        .unwrap();
    assert_eq!(price["departures"], 3);
    assert_eq!(price["with_usage_data"], 2);
    assert_eq!(
        metric(doc, "price_too_high", "logins"),
        &json!({"key": "logins", "used": 1, "stopped": 1, "never": 0, "compared": 2,
            "median_change_pct": -70, "last_90_total": 60, "usual_90_total": 300})
    );
    assert_eq!(
        metric(doc, "price_too_high", "reports"),
        &json!({"key": "reports", "used": 1, "stopped": 0, "never": 1, "compared": 0,
            "median_change_pct": null, "last_90_total": 5, "usual_90_total": 0})
    );
    assert_eq!(
        metric(doc, "needs_changed", "logins"),
        &json!({"key": "logins", "used": 1, "stopped": 0, "never": 0, "compared": 1,
            "median_change_pct": 42, "last_90_total": 10, "usual_90_total": 7})
    );
    assert_eq!(metric(doc, "needs_changed", "reports")["never"], 1);

    // The dashboard shows the same figures, in English and Spanish.
    let jar = sign_in(&app, "ana@example.com").await;
    let page = get(&app, "/dashboard?from=2026-09&to=2026-10", &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let page = html(&page);
    assert!(page.contains("Usage of lost clients in their last 90 days"));
    let table = &page[page.find("id=\"table-reasons-usage\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let row = |reason: &str, metric: &str| {
        let at = table
            .find(&format!(
                "data-reason=\"{reason}\" data-metric=\"{metric}\""
            ))
            .unwrap_or_else(|| panic!("{reason}/{metric} missing: {table}"));
        let tr = &table[at..];
        tr[..tr.find("</tr>").unwrap()].to_string()
    };
    let logins = row("price_too_high", "logins");
    for cell in [
        "data-departures=\"3\"",
        "data-with-usage-data=\"2\"",
        "data-used=\"1\"",
        "data-stopped=\"1\"",
        "data-never=\"0\"",
        "data-median-change=\"-70\"",
        "−70 % (over 2 clients)",
    ] {
        assert!(logins.contains(cell), "{cell}: {logins}");
    }
    let reports = row("price_too_high", "reports");
    assert!(
        reports.contains("data-never=\"1\"") && reports.contains("data-median-change=\"\""),
        "{reports}"
    );
    assert!(row("needs_changed", "logins").contains("+42 % (over 1 client)"));
    let spanish = get(&app, "/dashboard?from=2026-09&to=2026-10", &jar, Some("es")).await;
    let spanish = html(&spanish);
    assert!(spanish.contains("Uso de los clientes perdidos en sus últimos 90 días"));
    assert!(spanish.contains("−70 % (sobre 2 clientes)"), "{spanish}");
    // Months whose lost clients sent no usage say so.
    let quiet = get(&app, "/dashboard?from=2026-08&to=2026-08", &jar, None).await;
    let quiet = html(&quiet);
    assert!(
        quiet.contains("id=\"table-reasons-usage\""),
        "E used logins"
    );
    let r = app
        .call(
            Method::GET,
            "/api/v1/reports/reasons?from=2026-07&to=2026-07",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(
        r.json["usage"],
        json!({"days": 90, "metrics": [], "reasons": []})
    );
}

both_backends!(the_reasons_report_shows_what_lost_clients_used_in_their_last_90_days,);
