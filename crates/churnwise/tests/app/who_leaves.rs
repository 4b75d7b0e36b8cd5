//! The period part of "Who leaves" (issue #16 "Ideal-client review", #18
//! usage band) on both backends: clients at start, kept, lost, churn rate,
//! lost MRR, top reasons and fired clients with their warning signs per
//! segment, owner, plan, tenure, MRR and usage band, through the API; a bad
//! period refused by field; the Spanish words.
use crate::both_backends;
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use chrono::{NaiveDate, Utc};
use churnwise_domain::departure::{
    CloseInput, DepartureCase, DepartureKind, ExitConversation, ExitConversationInput, Notice,
    NoticeChannel, NoticeInput, RelationshipEvaluationInput,
};
use churnwise_domain::history::Actor;
use churnwise_domain::offboarding::ChecklistTemplate;
use churnwise_domain::reasons::ReasonList;
use churnwise_domain::registry::Role;
use churnwise_domain::text::{ItemId, Label};
use churnwise_domain::{Lang, Money};
use churnwise_store::{CaseUpdate, ClientId, NewCase, StoredCase, WorkspaceId};
use churnwise_store_tests::Backend;
use serde_json::{json, Value};

const PERIOD: &str = "/api/v1/reports/who-leaves?from=2026-01&to=2026-03&as_of=2026-04-01";

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A client with one subscription; returns its id.
#[expect(clippy::too_many_arguments, reason = "a test fixture, one row")]
async fn client(
    app: &TestApp,
    token: &str,
    name: &str,
    segment: &str,
    owner: &str,
    plan: &str,
    mrr: i64,
    started_on: &str,
    ended_on: Option<&str>,
) -> i64 {
    let r = app
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(token),
            Some(json!({"name": name, "external_id": format!("c-{name}"), "segment": segment, "owner": owner})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:#}", r.json);
    let id = r.json["id"].as_i64().unwrap();
    let mut body = json!({"subscription_ref": format!("S-{name}"), "plan": plan,
        "mrr": mrr, "started_on": started_on});
    if let Some(end) = ended_on {
        body["ended_on"] = json!(end);
    }
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/clients/{id}/subscriptions"),
            Some(token),
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:#}", r.json);
    id
}

/// Runs a departure case of `kind` to closed, ending on `end`.
async fn closed_case(
    app: &TestApp,
    ws: WorkspaceId,
    client: i64,
    kind: DepartureKind,
    reason: &str,
    end: &str,
) {
    let s = app.store();
    let actor = Actor::user(Label::parse("actor", "ana@example.com").unwrap());
    let notice = Notice::parse(NoticeInput {
        received_on: Some(day("2026-01-05")),
        channel: Some(NoticeChannel::Email),
        received_by: Some("ana".into()),
        requested_end_on: Some(day(end)),
        first_evaluation: Some(RelationshipEvaluationInput {
            fruitful: Some(true),
            history_of_stumbles: Some(false),
            our_commitments_met: Some(true),
            client_commitments_met: Some(true),
            note: None,
        }),
        ..NoticeInput::default()
    })
    .unwrap();
    let change = DepartureCase::open(kind, notice, &[]).unwrap();
    let mut stored: StoredCase = s
        .create_case(
            ws,
            NewCase {
                client: ClientId(client),
                history: change.history(&actor, Utc::now()),
                case: change.case,
            },
        )
        .await
        .unwrap();
    let step = |stored: &StoredCase, change: churnwise_domain::departure::Change| CaseUpdate {
        id: stored.id,
        expected_version: stored.version,
        history: change.history(&actor, Utc::now()),
        case: change.case,
        survey_token: None,
    };
    let conversation = ExitConversation::parse(ExitConversationInput {
        clients_words: Some("It is over".into()),
        primary_reason: Some(reason.into()),
        controllable: Some(false),
        renegotiable: Some(false),
        ..ExitConversationInput::default()
    })
    .unwrap();
    let change = stored
        .case
        .record_exit_conversation(conversation, &ReasonList::default_list())
        .unwrap();
    stored = s.save_case(ws, step(&stored, change)).await.unwrap();
    let change = stored
        .case
        .begin_offboarding(&ChecklistTemplate::default_template(), Lang::En)
        .unwrap();
    stored = s.save_case(ws, step(&stored, change)).await.unwrap();
    let ids: Vec<ItemId> = stored
        .case
        .offboarding()
        .unwrap()
        .items()
        .iter()
        .map(|i| i.id())
        .collect();
    for id in ids {
        let change = stored.case.complete_checklist_item(id, day(end)).unwrap();
        stored = s.save_case(ws, step(&stored, change)).await.unwrap();
    }
    let close = CloseInput {
        outcome: Some(kind.departed_outcome()),
        closed_on: Some(day(end)),
        end_on: Some(day(end)),
        lost_mrr: Some(Money::from_cents(1)),
    };
    let change = stored.case.close(close, &[]).unwrap();
    s.save_case(ws, step(&stored, change)).await.unwrap();
}

/// The hand-built workspace: A (smb, ana, pro, 50, since 2025-12, ends
/// 2026-02-15, left for price), B (smb, ana, basic, 150, since 2024-06,
/// fired 2026-03-10 for treating the team badly, flagged so), C
/// (enterprise, bo, pro, 600, since 2023-01), D (enterprise, bo, pro,
/// 2,500, since 2025-06), E (smb, not active on 2026-01-01: not counted).
async fn workspace(app: &TestApp) -> String {
    let (ws, token) = app
        .user_with_token("ana@example.com", "W", Role::Owner)
        .await;
    let a = client(
        app,
        &token,
        "A",
        "smb",
        "ana",
        "pro",
        50,
        "2025-12-01",
        Some("2026-02-15"),
    )
    .await;
    let b = client(
        app,
        &token,
        "B",
        "smb",
        "ana",
        "basic",
        150,
        "2024-06-01",
        Some("2026-03-10"),
    )
    .await;
    client(
        app,
        &token,
        "C",
        "enterprise",
        "bo",
        "pro",
        600,
        "2023-01-01",
        None,
    )
    .await;
    client(
        app,
        &token,
        "D",
        "enterprise",
        "bo",
        "pro",
        2500,
        "2025-06-01",
        None,
    )
    .await;
    let e = client(
        app,
        &token,
        "E",
        "smb",
        "ana",
        "pro",
        70,
        "2026-02-01",
        Some("2026-03-01"),
    )
    .await;
    let r = app
        .call(
            Method::PATCH,
            &format!("/api/v1/clients/{b}"),
            Some(&token),
            Some(json!({"warning_flags": ["treats_team_badly"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:#}", r.json);
    // Usage in the 28 days before 2026-01-01 against the 28 before those:
    // A down 40 %, C steady, D silent, B without usage data.
    let r = app
        .call(
            Method::POST,
            "/api/v1/usage",
            Some(&token),
            Some(json!({"events": [
                {"client": "c-A", "metric": "logins", "on": "2025-11-20", "value": 10},
                {"client": "c-A", "metric": "logins", "on": "2025-12-20", "value": 6},
                {"client": "c-C", "metric": "logins", "on": "2025-11-20", "value": 10},
                {"client": "c-C", "metric": "logins", "on": "2025-12-20", "value": 10},
                {"client": "c-D", "metric": "logins", "on": "2025-11-20", "value": 10},
            ]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:#}", r.json);
    closed_case(
        app,
        ws.id,
        a,
        DepartureKind::ClientLeaving,
        "price_too_high",
        "2026-02-14",
    )
    .await;
    closed_case(
        app,
        ws.id,
        b,
        DepartureKind::TeamEnding,
        "treats_team_badly",
        "2026-03-09",
    )
    .await;
    // Outside the period's clients (not active at its start): not counted.
    closed_case(
        app,
        ws.id,
        e,
        DepartureKind::ClientLeaving,
        "price_too_high",
        "2026-02-27",
    )
    .await;
    token
}

fn dimension<'a>(doc: &'a Value, by: &str) -> &'a Vec<Value> {
    doc["period"]["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["by"] == by)
        .unwrap_or_else(|| panic!("no {by} in {doc:#}"))["groups"]
        .as_array()
        .unwrap()
}

/// (group, at start, kept, lost, lost MRR cents) of each group.
fn figures(groups: &[Value]) -> Vec<(String, u64, u64, u64, i64)> {
    groups
        .iter()
        .map(|g| {
            (
                g["group"].as_str().unwrap().to_string(),
                g["clients_at_start"].as_u64().unwrap(),
                g["kept"].as_u64().unwrap(),
                g["lost"].as_u64().unwrap(),
                g["lost_mrr_cents"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn f(g: &str, s: u64, k: u64, l: u64, m: i64) -> (String, u64, u64, u64, i64) {
    (g.to_string(), s, k, l, m)
}

async fn the_period_gives_kept_lost_churn_mrr_reasons_and_fired_clients_per_group(
    backend: Backend,
) {
    let app = TestApp::new(backend).await;
    let token = workspace(&app).await;
    let r = app.call(Method::GET, PERIOD, Some(&token), None).await;
    assert_eq!(r.status, StatusCode::OK, "{:#}", r.json);
    let doc = r.json;
    assert_eq!(doc["period"]["start"], "2026-01-01");
    assert_eq!(doc["period"]["end"], "2026-04-01");

    let segment = dimension(&doc, "segment");
    assert_eq!(
        figures(segment),
        [f("enterprise", 2, 2, 0, 0), f("smb", 2, 0, 2, 20_000)]
    );
    assert_eq!(segment[1]["churn_rate_pct"], 100.0);
    assert_eq!(segment[0]["churn_rate_pct"], 0.0);
    assert_eq!(
        segment[1]["top_reasons"],
        json!([
            {"reason": "price_too_high", "label": "Price too high for the value", "count": 1},
            {"reason": "treats_team_badly", "label": "Treats the team badly", "count": 1},
        ])
    );
    assert_eq!(segment[1]["fired_count"], 1);
    assert_eq!(segment[1]["fired"][0]["name"], "B");
    assert_eq!(segment[1]["fired"][0]["end_on"], "2026-03-09");
    assert_eq!(
        segment[1]["fired"][0]["warning_flags"],
        json!(["treats_team_badly"])
    );
    assert_eq!(
        segment[1]["fired"][0]["warning_signs"],
        json!(["treats the team badly"])
    );
    assert_eq!(segment[0]["top_reasons"], json!([]));
    assert_eq!(segment[0]["fired"], json!([]));

    assert_eq!(
        figures(dimension(&doc, "owner")),
        [f("ana", 2, 0, 2, 20_000), f("bo", 2, 2, 0, 0)]
    );
    assert_eq!(
        figures(dimension(&doc, "plan")),
        [f("pro", 3, 2, 1, 5_000), f("basic", 1, 0, 1, 15_000)]
    );
    let tenure = dimension(&doc, "tenure");
    assert_eq!(
        figures(tenure),
        [
            f("lt_3m", 1, 0, 1, 5_000),
            f("3m_12m", 1, 1, 0, 0),
            f("1y_2y", 1, 0, 1, 15_000),
            f("2y_plus", 1, 1, 0, 0),
        ]
    );
    assert_eq!(tenure[2]["fired"][0]["name"], "B");
    assert_eq!(tenure[0]["top_reasons"][0]["reason"], "price_too_high");
    assert_eq!(tenure[0]["label"], "under 3 months");
    assert_eq!(
        figures(dimension(&doc, "mrr")),
        [
            f("lt_100", 1, 0, 1, 5_000),
            f("100_500", 1, 0, 1, 15_000),
            f("500_2000", 1, 1, 0, 0),
            f("2000_plus", 1, 1, 0, 0),
        ]
    );
    assert_eq!(
        figures(dimension(&doc, "usage")),
        [
            f("no_data", 1, 0, 1, 15_000),
            f("steady", 1, 1, 0, 0),
            f("down_lt_50", 1, 0, 1, 5_000),
            f("down_50_plus", 1, 1, 0, 0),
        ]
    );
    assert_eq!(dimension(&doc, "usage")[0]["fired"][0]["name"], "B");
    assert_eq!(dimension(&doc, "usage")[1]["churn_rate_pct"], 0.0);

    // No ideal client profile yet: one "no profile" row holding everyone.
    assert_eq!(
        figures(dimension(&doc, "fit")),
        [f("no_profile", 4, 2, 2, 20_000)]
    );
    // The team writes one (enterprise clients paying 500 or more); a bad
    // bound is refused naming its field and changes nothing.
    let settings = app
        .call(Method::GET, "/api/v1/settings", Some(&token), None)
        .await
        .json;
    let mut body = settings.clone();
    body["settings"]["ideal_client"] =
        json!({"segments": ["Enterprise"], "min_mrr_cents": 50_000, "max_mrr_cents": 100});
    let r = app
        .call(
            Method::PUT,
            "/api/v1/settings",
            Some(&token),
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    assert_eq!(
        r.json["errors"][0]["field"],
        "settings.ideal_client.max_mrr_cents"
    );
    body["settings"]["ideal_client"]["max_mrr_cents"] = Value::Null;
    let r = app
        .call(Method::PUT, "/api/v1/settings", Some(&token), Some(body))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let doc = app.call(Method::GET, PERIOD, Some(&token), None).await.json;
    let fit = dimension(&doc, "fit");
    assert_eq!(
        figures(fit),
        [f("fits", 2, 2, 0, 0), f("does_not_fit", 2, 0, 2, 20_000)]
    );
    assert_eq!(fit[0]["label"], "fits the ideal client profile");
}

async fn a_bad_period_is_refused_naming_the_field(backend: Backend) {
    let app = TestApp::new(backend).await;
    let token = workspace(&app).await;
    for (query, fields) in [
        ("from=2026-13&to=2026-03", vec!["from"]),
        ("from=2026-01", vec!["to"]),
        ("from=2026-04&to=2026-03", vec!["from"]),
        ("from=1900-01&to=2026-03", vec!["to"]),
    ] {
        let r = app
            .call(
                Method::GET,
                &format!("/api/v1/reports/who-leaves?{query}"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {:#}",
            r.json
        );
        let got: Vec<&str> = r.json["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(got, fields, "{query}");
    }
}

async fn the_period_speaks_spanish(backend: Backend) {
    let app = TestApp::new(backend).await;
    let token = workspace(&app).await;
    let r = app
        .call(
            Method::GET,
            &format!("{PERIOD}&lang=es"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:#}", r.json);
    let tenure = dimension(&r.json, "tenure");
    assert_eq!(tenure[0]["label"], "menos de 3 meses");
    assert_eq!(dimension(&r.json, "usage")[0]["label"], "sin datos de uso");
    let smb = &dimension(&r.json, "segment")[1];
    assert_eq!(
        smb["top_reasons"][0]["label"],
        "Precio demasiado alto para el valor"
    );
    assert_eq!(smb["fired"][0]["warning_signs"][0], "trata mal al equipo");
}

async fn the_page_shows_each_dimension_of_the_period_in_the_reader_s_language(backend: Backend) {
    let app = TestApp::new(backend).await;
    workspace(&app).await;
    let jar = crate::pages::sign_in(&app, "ana@example.com").await;
    let uri = "/dashboard/who-leaves?as_of=2026-04-01&from=2026-01&to=2026-03";
    let page = crate::pages::get(&app, uri, &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = crate::pages::html(&page);
    for expected in [
        "Kept and lost, 2026-01 to 2026-03",
        "id=\"period-by-segment\"",
        "id=\"period-by-usage\"",
        "By time as a client",
        "under 3 months",
        "MRR 2,000 or more",
        "no usage data",
        "100.0%",
        "Price too high for the value (1)",
        "B (treats the team badly)",
        "value=\"2026-01\"",
    ] {
        assert!(text.contains(expected), "{expected} missing: {text}");
    }
    let page = crate::pages::get(&app, uri, &jar, Some("es")).await;
    let text = crate::pages::html(&page);
    for expected in [
        "Retenidos y perdidos, de 2026-01 a 2026-03",
        "Por antigüedad como cliente",
        "menos de 3 meses",
        "100,0\u{a0}%",
        "B (trata mal al equipo)",
    ] {
        assert!(text.contains(expected), "{expected} missing: {text}");
    }
    // A bad month is said next to its field; from after to next to from.
    let page = crate::pages::get(
        &app,
        "/dashboard/who-leaves?from=2026-13&to=2026-03",
        &jar,
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let text = crate::pages::html(&page);
    assert!(text.contains("id=\"from-error\""), "{text}");
    assert!(!text.contains("id=\"to-error\""), "{text}");
    let page = crate::pages::get(
        &app,
        "/dashboard/who-leaves?from=2026-04&to=2026-03",
        &jar,
        None,
    )
    .await;
    let text = crate::pages::html(&page);
    assert!(text.contains("id=\"from-error\""), "{text}");
}

async fn the_cli_prints_the_same_period_figures_as_table_and_json(backend: Backend) {
    let app = TestApp::new(backend).await;
    let token = workspace(&app).await;
    let api = app.call(Method::GET, PERIOD, Some(&token), None).await.json;
    let args = [
        "report",
        "who-leaves",
        "--from",
        "2026-01",
        "--to",
        "2026-03",
        "--as-of",
        "2026-04-01",
    ];
    let url = &app.t.url;
    let (ok, out, err) =
        crate::support::churnwise(url, &[&args[..], &["--format", "json"]].concat());
    assert!(ok, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["period"], api["period"]);
    let (ok, out, err) = crate::support::churnwise(url, &args);
    assert!(ok, "{err}");
    assert!(out.contains("Kept and lost, 2026-01 to 2026-03"), "{out}");
    let smb = out
        .lines()
        .find(|l| l.trim_start().starts_with("smb "))
        .unwrap_or_else(|| panic!("no smb row: {out}"));
    let cells: Vec<&str> = smb.split_whitespace().collect();
    assert_eq!(
        &cells[..6],
        ["smb", "2", "0", "2", "100.0%", "200.00"],
        "{smb}"
    );
    assert!(
        smb.contains("price_too_high (1); treats_team_badly (1) | B [treats_team_badly]"),
        "{smb}"
    );
    let (ok, out, _) = crate::support::churnwise(url, &[&args[..], &["--lang", "es"]].concat());
    assert!(ok);
    assert!(out.contains("menos de 3 meses"), "{out}");
    let (ok, _, err) = crate::support::churnwise(
        url,
        &[
            "report",
            "who-leaves",
            "--from",
            "2026-04",
            "--to",
            "2026-03",
        ],
    );
    assert!(!ok && err.contains("--from"), "{err}");
}

both_backends!(
    the_cli_prints_the_same_period_figures_as_table_and_json,
    the_page_shows_each_dimension_of_the_period_in_the_reader_s_language,
    the_period_gives_kept_lost_churn_mrr_reasons_and_fired_clients_per_group,
    a_bad_period_is_refused_naming_the_field,
    the_period_speaks_spanish,
);
