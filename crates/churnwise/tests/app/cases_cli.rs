//! Departure cases through the command line, as a real process, on both
//! backends; the survey is answered through the public page on the same
//! database.

use crate::both_backends;
use crate::support::churnwise;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use churnwise_domain::registry::ClientStatus;
use churnwise_domain::Money;
use churnwise_store::{NewClient, NewInvoice, NewSubscription};
use churnwise_store_tests::Backend;
use churnwise_web::AppState;
use serde_json::Value;
use tower::ServiceExt;

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

/// Runs the CLI and expects success; returns stdout.
fn run(url: &str, args: &[&str]) -> String {
    let (ok, out, err) = churnwise(url, args);
    assert!(ok, "churnwise {args:?} failed: {err}");
    out
}

/// Runs the CLI and expects failure; returns stderr.
fn fail(url: &str, args: &[&str]) -> String {
    let (ok, out, err) = churnwise(url, args);
    assert!(!ok, "churnwise {args:?} should fail: {out}");
    err
}

async fn a_full_case_runs_from_notice_to_won_back_through_the_cli(backend: Backend) {
    let t = backend.fresh().await;
    let s = t.store.clone();
    let ws = s.ensure_workspace("Acme Agency").await.unwrap();
    let lola = s
        .create_client(
            ws.id,
            NewClient {
                external_id: Some("C-7".into()),
                name: "Bakery Lola".into(),
                status: ClientStatus::Active,
                owner: Some("ana".into()),
                segment: Some("smb".into()),
                keep_in_touch_days: 30,
                notes: None,
            },
        )
        .await
        .unwrap();
    s.add_subscription(
        ws.id,
        lola.id,
        NewSubscription {
            subscription_ref: "SUB-1".into(),
            plan: Some("growth".into()),
            mrr: Money::from_cents(45_000),
            started_on: day("2023-01-01"),
            ended_on: None,
            notice_period_days: Some(30),
            minimum_term_months: None,
        },
    )
    .await
    .unwrap();
    s.add_invoice(
        ws.id,
        lola.id,
        NewInvoice {
            invoice_ref: "INV-1".into(),
            amount: Money::from_cents(12_000),
            issued_on: None,
            due_on: day("2024-03-15"),
            paid_on: None,
        },
    )
    .await
    .unwrap();
    let url = t.url.as_str();
    let json = |out: String| -> Value { serde_json::from_str(&out).unwrap() };

    let opened = json(run(
        url,
        &[
            "case",
            "open",
            "C-7",
            "--received-on",
            "2024-03-01",
            "--channel",
            "email",
            "--received-by",
            "ana",
            "--requested-end-on",
            "2024-03-31",
            "--fruitful",
            "yes",
            "--stumbles",
            "no",
            "--our-commitments-met",
            "yes",
            "--client-commitments-met",
            "yes",
            "--as",
            "ana",
            "--format",
            "json",
        ],
    ));
    let id = opened["id"].as_i64().unwrap().to_string();
    let id = id.as_str();
    assert_eq!(opened["case"]["stage"], "notice");
    let err = fail(
        url,
        &[
            "case",
            "open",
            "Bakery Lola",
            "--channel",
            "email",
            "--received-by",
            "ana",
            "--fruitful",
            "yes",
            "--stumbles",
            "no",
            "--our-commitments-met",
            "yes",
            "--client-commitments-met",
            "yes",
        ],
    );
    assert!(err.contains("already has an open departure case"), "{err}");

    run(
        url,
        &[
            "case",
            "reason",
            id,
            "--primary",
            "needs_changed",
            "--secondary",
            "budget_cut",
            "--words",
            "We are moving the work in-house",
            "--controllable",
            "no",
            "--renegotiable",
            "yes",
            "--department",
            "sales",
        ],
    );
    run(url, &["case", "plan", id, "start"]);
    run(
        url,
        &[
            "case",
            "plan",
            id,
            "action",
            "--description",
            "Usage review",
            "--owner",
            "ana",
            "--due",
            "2024-03-08",
        ],
    );
    run(
        url,
        &[
            "case",
            "plan",
            id,
            "offer",
            "pause",
            "--description",
            "Two months off",
        ],
    );
    run(url, &["case", "plan", id, "status", "1", "done"]);
    run(url, &["case", "plan", id, "outcome", "leaving"]);
    let case = json(run(
        url,
        &["case", "check", id, "begin", "--format", "json"],
    ));
    let items = case["case"]["offboarding"]["items"]
        .as_array()
        .unwrap()
        .clone();
    for item in &items {
        let n = item["id"].to_string();
        if item["key"] == "new_admins_assigned" {
            run(
                url,
                &[
                    "case",
                    "check",
                    id,
                    "waive",
                    &n,
                    "--reason",
                    "No platforms of their own",
                ],
            );
        } else {
            run(
                url,
                &["case", "check", id, "done", &n, "--on", "2024-03-25"],
            );
        }
    }
    run(
        url,
        &[
            "case",
            "check",
            id,
            "handover",
            "--account",
            "Google Ads admin",
            "--recipient",
            "Luis",
            "--channel",
            "1Password share",
            "--on",
            "2024-03-20",
        ],
    );
    // The unpaid invoice blocks closing, by name; nothing changes.
    let before = run(url, &["case", "show", id, "--format", "json"]);
    let err = fail(
        url,
        &[
            "case",
            "close",
            id,
            "--outcome",
            "lost",
            "--end-on",
            "2024-03-31",
        ],
    );
    assert!(
        err.contains("INV-1") && err.contains("cannot_close"),
        "{err}"
    );
    let err = fail(url, &["case", "check", id, "status"]);
    assert!(err.contains("invoices.INV-1"), "{err}");
    assert_eq!(run(url, &["case", "show", id, "--format", "json"]), before);
    run(
        url,
        &[
            "case",
            "check",
            id,
            "waive-invoice",
            "INV-1",
            "--reason",
            "Credited",
        ],
    );
    assert!(run(url, &["case", "check", id, "status"]).contains("can close"));

    // The survey link, answered on the public page of a server on the same database.
    let issued = json(run(
        url,
        &[
            "case",
            "survey",
            id,
            "--format",
            "json",
            "--base-url",
            "https://churn.example.com/",
        ],
    ));
    let link = issued["url"].as_str().unwrap();
    assert!(link.starts_with("https://churn.example.com/s/"), "{link}");
    let path = link.trim_start_matches("https://churn.example.com");
    let app = churnwise_web::app(AppState::new(s.clone()));
    let answered = app
        .oneshot(
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("score=6&would_recommend=yes"))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(answered.status(), StatusCode::OK);

    let closed = json(run(
        url,
        &[
            "case",
            "close",
            id,
            "--outcome",
            "lost",
            "--end-on",
            "2024-03-31",
            "--format",
            "json",
        ],
    ));
    assert_eq!(
        closed["case"]["closure"]["lost_mrr"],
        serde_json::json!(450.0)
    );
    let subs = s.list_subscriptions(ws.id, lola.id).await.unwrap();
    assert_eq!(subs[0].ended_on, Some(day("2024-04-01")));
    assert_eq!(
        s.get_client(ws.id, lola.id).await.unwrap().unwrap().status,
        ClientStatus::Former
    );

    run(
        url,
        &[
            "case",
            "lesson",
            id,
            "add",
            "--what",
            "Quarterly usage reviews",
            "--owner",
            "ana",
            "--due",
            "2024-05-01",
        ],
    );
    run(url, &["case", "winback", id, "follow-up", "2024-09-01"]);
    let due = json(run(
        url,
        &["case", "due", "--until", "2024-09-30", "--format", "json"],
    ));
    let kinds: Vec<&str> = due
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["corrective_action", "win_back_follow_up"]);
    let csv = run(
        url,
        &["case", "due", "--until", "2024-09-30", "--format", "csv"],
    );
    assert!(csv.starts_with("due_on,case_id,client,kind"), "{csv}");

    // The reasons export, as Excel and as CSV.
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("reasons.xlsx");
    run(
        url,
        &[
            "export",
            "reasons",
            "--format",
            "xlsx",
            "--from",
            "2024-01",
            "--to",
            "2024-06",
            "--by",
            "segment",
            "-o",
            xlsx.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&xlsx).unwrap();
    assert_eq!(&bytes[..2], b"PK");
    let csv_path = dir.path().join("reasons.csv");
    run(
        url,
        &[
            "export",
            "reasons",
            "--format",
            "csv",
            "--from",
            "2024-01",
            "--to",
            "2024-06",
            "-o",
            csv_path.to_str().unwrap(),
        ],
    );
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert!(
        csv.contains("Needs changed / no longer needed (departures)"),
        "{csv}"
    );
    assert!(csv.contains("\"2024-03\",1,450.00,1,450.00"), "{csv}");
    let err = fail(
        url,
        &[
            "export",
            "reasons",
            "--format",
            "csv",
            "--from",
            "2024-13",
            "--to",
            "2024-06",
            "-o",
            csv_path.to_str().unwrap(),
        ],
    );
    assert!(err.contains("--from"), "{err}");

    run(
        url,
        &["case", "winback", id, "won-back", "--on", "2024-10-01"],
    );
    // Won back, but former while no subscription runs (docs/clients.md);
    // active again once one does.
    assert_eq!(
        s.get_client(ws.id, lola.id).await.unwrap().unwrap().status,
        ClientStatus::Former
    );
    s.add_subscription(
        ws.id,
        lola.id,
        NewSubscription {
            subscription_ref: "LOLA-2".into(),
            plan: None,
            mrr: Money::from_cents(30_000),
            started_on: "2024-10-01".parse().unwrap(),
            ended_on: None,
            notice_period_days: None,
            minimum_term_months: None,
        },
    )
    .await
    .unwrap();
    s.refresh_client_statuses(ws.id, Some(&[lola.id]), chrono::Utc::now().date_naive())
        .await
        .unwrap();
    assert_eq!(
        s.get_client(ws.id, lola.id).await.unwrap().unwrap().status,
        ClientStatus::Active
    );
    let shown = run(url, &["case", "show", id]);
    for line in [
        "history:",
        "Exit conversation recorded",
        "the client",
        "checklist:",
    ] {
        assert!(shown.contains(line), "{line} missing from\n{shown}");
    }
    let listed = run(
        url,
        &["case", "list", "--outcome", "lost", "--format", "csv"],
    );
    assert!(
        listed.starts_with("id,client,kind,stage,outcome"),
        "{listed}"
    );
    assert!(
        listed.contains("Bakery Lola,client_leaving,closed,lost"),
        "{listed}"
    );
    let history = s
        .case_history(ws.id, churnwise_store::CaseId(id.parse().unwrap()))
        .await
        .unwrap();
    assert!(history.len() >= 20, "{}", history.len());
}

async fn case_commands_name_the_flag_that_is_wrong(backend: Backend) {
    let t = backend.fresh().await;
    let s = t.store.clone();
    let ws = s.ensure_workspace("a").await.unwrap();
    s.create_client(
        ws.id,
        NewClient {
            external_id: None,
            name: "Acme".into(),
            status: ClientStatus::Active,
            owner: None,
            segment: None,
            keep_in_touch_days: 30,
            notes: None,
        },
    )
    .await
    .unwrap();
    let url = t.url.as_str();
    let base = [
        "case",
        "open",
        "Acme",
        "--stumbles",
        "no",
        "--our-commitments-met",
        "yes",
        "--client-commitments-met",
        "yes",
    ];
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        base.iter().chain(extra).copied().collect()
    };
    let err = fail(
        url,
        &with(&[
            "--channel",
            "fax",
            "--received-by",
            "ana",
            "--fruitful",
            "yes",
        ]),
    );
    assert!(
        err.contains("--channel: \"fax\" is not one of email"),
        "{err}"
    );
    let err = fail(
        url,
        &with(&[
            "--channel",
            "email",
            "--received-by",
            " ",
            "--fruitful",
            "maybe",
        ]),
    );
    assert!(err.contains("--fruitful"), "{err}");
    let err = fail(
        url,
        &with(&[
            "--channel",
            "email",
            "--received-by",
            " ",
            "--fruitful",
            "yes",
        ]),
    );
    assert!(err.contains("--received-by: is required"), "{err}");
    let err = fail(
        url,
        &with(&[
            "--channel",
            "email",
            "--received-by",
            "ana",
            "--fruitful",
            "yes",
            "--received-on",
            "2024-02-30",
        ]),
    );
    assert!(err.contains("--received-on"), "{err}");
    let opened: Value = serde_json::from_str(&run(
        url,
        &with(&[
            "--channel",
            "email",
            "--received-by",
            "ana",
            "--fruitful",
            "yes",
            "--format",
            "json",
        ]),
    ))
    .unwrap();
    let id = opened["id"].to_string();
    let err = fail(
        url,
        &[
            "case",
            "reason",
            &id,
            "--primary",
            "bad_luck",
            "--words",
            "x",
            "--controllable",
            "no",
            "--renegotiable",
            "no",
        ],
    );
    assert!(err.contains("--primary: unknown reason"), "{err}");
    let err = fail(
        url,
        &[
            "case",
            "reason",
            &id,
            "--primary",
            "budget_cut",
            "--words",
            " ",
            "--controllable",
            "no",
            "--renegotiable",
            "no",
        ],
    );
    assert!(err.contains("--words: is required"), "{err}");
    let err = fail(url, &["case", "close", &id, "--outcome", "won"]);
    assert!(err.contains("--outcome"), "{err}");
    let err = fail(url, &["case", "close", &id, "--outcome", "lost"]);
    assert!(err.contains("wrong_stage"), "{err}");
    let err = fail(url, &["case", "show", "999"]);
    assert!(err.contains("no such case"), "{err}");
    let err = fail(
        url,
        &["reasons", "add", "Bad Key", "--en", "x", "--es", "y"],
    );
    assert!(err.contains("KEY:"), "{err}");
    run(url, &["reasons", "retire", "budget_cut"]);
    let listed = run(url, &["reasons", "list", "--format", "csv"]);
    assert!(
        listed.contains("budget_cut,Budget cut,Recorte de presupuesto,false,client_leaving,true"),
        "{listed}"
    );
}

both_backends!(
    a_full_case_runs_from_notice_to_won_back_through_the_cli,
    case_commands_name_the_flag_that_is_wrong,
);

#[tokio::test]
async fn every_case_command_explains_itself_with_an_example() {
    for args in [
        vec!["case", "open", "--help"],
        vec!["case", "show", "--help"],
        vec!["case", "list", "--help"],
        vec!["case", "reason", "--help"],
        vec!["case", "plan", "--help"],
        vec!["case", "plan", "1", "start", "--help"],
        vec!["case", "plan", "1", "action", "--help"],
        vec!["case", "plan", "1", "status", "--help"],
        vec!["case", "plan", "1", "offer", "--help"],
        vec!["case", "plan", "1", "outcome", "--help"],
        vec!["case", "check", "--help"],
        vec!["case", "check", "1", "begin", "--help"],
        vec!["case", "check", "1", "handover", "--help"],
        vec!["case", "check", "1", "waive-invoice", "--help"],
        vec!["case", "survey", "--help"],
        vec!["case", "close", "--help"],
        vec!["case", "lesson", "--help"],
        vec!["case", "winback", "--help"],
        vec!["case", "winback", "1", "won-back", "--help"],
        vec!["case", "due", "--help"],
        vec!["reasons", "add", "--help"],
        vec!["reasons", "retire", "--help"],
        vec!["export", "reasons", "--help"],
    ] {
        let (ok, out, err) = churnwise("sqlite::memory:", &args);
        assert!(ok && out.contains("Example"), "{args:?}: {out}{err}");
    }
}
