//! Issue 18's leftover: `churnwise export reasons` and
//! `GET /api/v1/reports/reasons.xlsx` carry the usage of lost clients in
//! their last 90 days — a second sheet of the workbook, a second CSV file
//! beside the one named — labelled in English or Spanish, on both backends.

use crate::both_backends;
use crate::reasons_usage::{day, lost_client, used};
use crate::support::{churnwise, TestApp};
use axum::http::{Method, StatusCode};
use calamine::{Data, Reader, Xlsx};
use churnwise_domain::registry::Role;
use churnwise_store_tests::Backend;

fn text(cell: &Data) -> String {
    match cell {
        Data::Int(n) => n.to_string(),
        Data::Float(v) => v.to_string(),
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("unexpected cell {other:?}"),
    }
}

/// Every sheet of a workbook: its name and its rows as text.
fn sheets(bytes: Vec<u8>) -> Vec<(String, Vec<Vec<String>>)> {
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range.rows().map(|r| r.iter().map(text).collect()).collect();
            (name, rows)
        })
        .collect()
}

async fn the_reasons_export_carries_the_usage_of_lost_clients(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    // Price: A's logins 100 → 60, B's logins 200 → 0 and 5 reports.
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
    // Needs changed: no usage data at all.
    lost_client(&app, ws.id, &token, "D", "needs_changed", day("2026-09-30")).await;

    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("reasons.xlsx");
    let (ok, _, err) = churnwise(
        &app.t.url,
        &[
            "export",
            "reasons",
            "--format",
            "xlsx",
            "--from",
            "2026-09",
            "--to",
            "2026-10",
            "-o",
            xlsx.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    assert!(err.contains("usage of 2 metrics"), "{err}");
    let book = sheets(std::fs::read(&xlsx).unwrap());
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["Reasons 2026-09..2026-10", "Usage 2026-09..2026-10"]
    );
    let usage = &book[1].1;
    assert_eq!(usage[0][0], "Reason");
    assert_eq!(usage[0][1], "Lost");
    assert_eq!(usage[0].len(), 11);
    let row = |reason: &str, metric: &str| -> Vec<String> {
        usage
            .iter()
            .find(|r| r[0].starts_with(reason) && r[3].to_lowercase() == metric)
            .unwrap_or_else(|| panic!("{reason}/{metric} missing: {usage:?}"))
            .clone()
    };
    // Reason, lost, with data | metric, used, stopped, never, compared,
    // median change, last 90 days, usual 90 days.
    let logins = row("Price too high", "logins");
    assert_eq!(logins[1..3], ["2", "2"].map(String::from));
    assert_eq!(
        logins[4..],
        ["1", "1", "0", "2", "-0.7", "60", "300"].map(String::from)
    );
    let reports = row("Price too high", "reports");
    assert_eq!(reports[4..8], ["1", "0", "1", "0"].map(String::from));
    assert_eq!(reports[8], "", "no usual level: no median");
    let needs = row("Needs changed", "logins");
    assert_eq!(needs[1..3], ["1", "0"].map(String::from));
    assert_eq!(
        needs[4..8],
        ["0", "0", "0", "0"].map(String::from),
        "no usage data: counted nowhere"
    );

    // In Spanish, and as the API's download.
    let r = app
        .call(
            Method::GET,
            "/api/v1/reports/reasons.xlsx?from=2026-09&to=2026-10&lang=es",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let book = sheets(r.bytes);
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Motivos 2026-09..2026-10", "Uso 2026-09..2026-10"]);
    assert_eq!(book[1].1[0][0], "Motivo");

    // CSV: the matrix in the file named, the usage beside it.
    let csv = dir.path().join("reasons.csv");
    let (ok, _, err) = churnwise(
        &app.t.url,
        &[
            "export",
            "reasons",
            "--format",
            "csv",
            "--from",
            "2026-09",
            "--to",
            "2026-10",
            "-o",
            csv.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    let matrix = std::fs::read_to_string(&csv).unwrap();
    assert!(matrix.starts_with("\u{feff}\"Month\""), "{matrix}");
    let usage = std::fs::read_to_string(dir.path().join("reasons-usage.csv")).unwrap();
    assert!(usage.starts_with("\u{feff}\"Reason\",\"Lost\""), "{usage}");
    let logins = usage
        .lines()
        .find(|l| l.starts_with("\"Price too high") && l.to_lowercase().contains("logins"))
        .unwrap_or_else(|| panic!("{usage}"));
    assert!(logins.ends_with(",1,1,0,2,-70.00%,60,300"), "{logins}");
    assert!(err.contains("reasons-usage.csv"), "{err}");
}

both_backends!(the_reasons_export_carries_the_usage_of_lost_clients);
