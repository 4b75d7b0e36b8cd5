//! Survival by group (issue #16, spec/metrics.md "Survival by group") from
//! the database through the API, on both backends, and from files through
//! the CLI: groups from the clients' segment and owner and the plan of the
//! first active day, the log-rank test, a bad `survival_by` refused by
//! name, and the metrics cache keyed on the parameter.
use crate::both_backends;
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use churnwise_domain::registry::Role;
use churnwise_store_tests::Backend;
use serde_json::{json, Value};
use std::process::Command;

const QUESTION: &str = "/api/v1/metrics?from=2026-01&to=2026-03&as_of=2026-04-01";

/// A client with its segment, owner and one subscription on `plan`.
async fn client(
    app: &TestApp,
    token: &str,
    name: &str,
    segment: &str,
    plan: &str,
    started_on: &str,
    ended_on: Option<&str>,
) {
    let r = app
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(token),
            Some(json!({"name": name, "segment": segment, "owner": "ana"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:#}", r.json);
    let id = r.json["id"].as_i64().unwrap();
    let mut body = json!({"subscription_ref": format!("S-{name}"), "plan": plan,
        "mrr": 49, "started_on": started_on});
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
}

async fn ask(app: &TestApp, token: &str, by: &str) -> Value {
    let r = app
        .call(
            Method::GET,
            &format!("{QUESTION}&survival_by={by}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:#}", r.json);
    r.json["survival_by"].clone()
}

fn groups(doc: &Value) -> Vec<(String, u64, u64)> {
    doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["group"].as_str().unwrap().to_string(),
                g["subjects"].as_u64().unwrap(),
                g["events"].as_u64().unwrap(),
            )
        })
        .collect()
}

async fn the_api_splits_survival_by_the_clients_segment_owner_and_plan(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "W", Role::Owner)
        .await;
    client(
        &app,
        &token,
        "A",
        "smb",
        "pro",
        "2026-01-01",
        Some("2026-01-11"),
    )
    .await;
    client(
        &app,
        &token,
        "B",
        "smb",
        "basic",
        "2026-01-01",
        Some("2026-01-31"),
    )
    .await;
    client(&app, &token, "C", "enterprise", "pro", "2026-01-01", None).await;
    client(&app, &token, "D", "enterprise", "pro", "2026-01-01", None).await;

    let plain = app.call(Method::GET, QUESTION, Some(&token), None).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert!(
        plain.json.get("survival_by").is_none(),
        "absent unless asked"
    );

    // Asked after the plain question: the cache keys on survival_by.
    let by_segment = ask(&app, &token, "segment").await;
    assert_eq!(by_segment["by"], "segment");
    assert_eq!(
        groups(&by_segment),
        [("enterprise".into(), 2, 0), ("smb".into(), 2, 2)]
    );
    let smb = &by_segment["groups"][1];
    assert_eq!(smb["median_days"], json!(10));
    assert_eq!(smb["survival_at_days"]["30"], json!(0.0));
    let lr = &by_segment["logrank"];
    assert_eq!(lr["df"], json!(1));
    // Events at 10 days (4 at risk, 2 of them enterprise) and 30 days (3
    // at risk, 2 enterprise); V is enterprise's, the first group by text:
    // E = 2/4 + 2/3, z = 0 - 7/6, V = 1/4 + 2/9 = 17/36: chi2 = 49/17.
    let chi2 = lr["chi2"].as_f64().unwrap();
    assert!((chi2 - 49.0 / 17.0).abs() < 1e-9, "{chi2}");
    assert!(lr["p_value"].as_f64().unwrap() < 0.1);

    let by_owner = ask(&app, &token, "owner").await;
    assert_eq!(groups(&by_owner), [("ana".into(), 4, 2)]);
    assert!(by_owner["logrank"].is_null());

    let by_plan = ask(&app, &token, "plan").await;
    assert_eq!(
        groups(&by_plan),
        [("basic".into(), 1, 1), ("pro".into(), 3, 1)]
    );
}

async fn a_bad_survival_by_is_refused_by_name(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "W", Role::Owner)
        .await;
    let r = app
        .call(
            Method::GET,
            &format!("{QUESTION}&survival_by=country"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:#}", r.json);
    let fields: Vec<&str> = r.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["survival_by"]);
}

async fn who_leaves_gives_each_grouping_with_its_verdict_in_words(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "W", Role::Owner)
        .await;
    client(
        &app,
        &token,
        "A",
        "smb",
        "pro",
        "2026-01-01",
        Some("2026-01-11"),
    )
    .await;
    client(
        &app,
        &token,
        "B",
        "smb",
        "basic",
        "2026-01-01",
        Some("2026-01-31"),
    )
    .await;
    client(&app, &token, "C", "enterprise", "pro", "2026-01-01", None).await;
    client(&app, &token, "D", "enterprise", "pro", "2026-01-01", None).await;
    let url = "/api/v1/reports/who-leaves?from=2026-01&to=2026-03&as_of=2026-04-01";
    let r = app.call(Method::GET, url, Some(&token), None).await;
    assert_eq!(r.status, StatusCode::OK, "{:#}", r.json);
    let dims = r.json["dimensions"].as_array().unwrap();
    let bys: Vec<&str> = dims.iter().map(|d| d["by"].as_str().unwrap()).collect();
    assert_eq!(bys, ["segment", "owner", "plan"]);
    // The same figures as the metrics document's survival_by.
    assert_eq!(
        groups(&dims[0]),
        [("enterprise".into(), 2, 0), ("smb".into(), 2, 2)]
    );
    let p = dims[0]["logrank"]["p_value"].as_f64().unwrap();
    assert!((0.05..0.1).contains(&p), "{p}");
    assert_eq!(
        dims[0]["verdict"],
        json!(format!(
            "No clear difference between segments: a difference this large would happen \
             by chance {:.1}% of the time.",
            p * 100.0
        ))
    );
    // One owner: no test, no verdict.
    assert!(dims[1]["logrank"].is_null() && dims[1]["verdict"].is_null());

    let r = app
        .call(Method::GET, &format!("{url}&lang=es"), Some(&token), None)
        .await;
    assert!(r.json["dimensions"][0]["verdict"]
        .as_str()
        .unwrap()
        .starts_with("Sin diferencia clara entre segmentos"));

    let r = app
        .call(
            Method::GET,
            "/api/v1/reports/who-leaves?from=2026-13&to=2026-03",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:#}", r.json);
    assert_eq!(r.json["errors"][0]["field"], "from");

    // The CLI answers from the same use case.
    let url = &app.t.url;
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
    let (ok, out, err) =
        crate::support::churnwise(url, &[&args[..], &["--format", "json"]].concat());
    assert!(ok, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["dimensions"], r_ok_dimensions(&app, &token).await);
    let (ok, out, err) = crate::support::churnwise(url, &[&args[..], &["--lang", "es"]].concat());
    assert!(ok, "{err}");
    assert!(
        out.contains("Sin diferencia clara entre segmentos"),
        "{out}"
    );
    assert!(
        out.contains("smb: 2 clients, 2 left, median 10 days"),
        "{out}"
    );
    let (ok, _, err) = crate::support::churnwise(
        url,
        &[
            "report",
            "who-leaves",
            "--from",
            "2026-13",
            "--to",
            "2026-03",
        ],
    );
    assert!(!ok && err.contains("--from"), "{err}");
}

async fn r_ok_dimensions(app: &TestApp, token: &str) -> Value {
    let url = "/api/v1/reports/who-leaves?from=2026-01&to=2026-03&as_of=2026-04-01";
    app.call(Method::GET, url, Some(token), None).await.json["dimensions"].clone()
}

async fn the_who_leaves_page_shows_each_grouping_and_its_verdict_in_the_reader_s_language(
    backend: Backend,
) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "W", Role::Owner)
        .await;
    client(
        &app,
        &token,
        "A",
        "smb",
        "pro",
        "2026-01-01",
        Some("2026-01-11"),
    )
    .await;
    client(
        &app,
        &token,
        "B",
        "smb",
        "basic",
        "2026-01-01",
        Some("2026-01-31"),
    )
    .await;
    client(&app, &token, "C", "enterprise", "pro", "2026-01-01", None).await;
    let jar = crate::pages::sign_in(&app, "ana@example.com").await;
    let dashboard = crate::pages::get(&app, "/dashboard", &jar, None).await;
    assert!(crate::pages::html(&dashboard).contains("href=\"/dashboard/who-leaves\""));
    let uri = "/dashboard/who-leaves?as_of=2026-04-01";
    let page = crate::pages::get(&app, uri, &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = crate::pages::html(&page);
    for expected in [
        "Who leaves",
        "By segment",
        "By owner",
        "By plan",
        "enterprise",
        "smb",
    ] {
        assert!(text.contains(expected), "{expected} missing: {text}");
    }
    let api = app
        .call(
            Method::GET,
            "/api/v1/reports/who-leaves?from=2026-01&to=2026-03&as_of=2026-04-01",
            Some(&token),
            None,
        )
        .await;
    let verdict = api.json["dimensions"][0]["verdict"].as_str().unwrap();
    assert!(text.contains(verdict), "{verdict} missing: {text}");
    // The survival chart of each grouping draws the API's curve at 0, 30,
    // 90, 180 and 365 days, one line per group, in percent.
    let marker = "<script type=\"application/json\" id=\"survival-segment-data\">";
    let start = text.find(marker).expect("a segment chart") + marker.len();
    let end = start + text[start..].find("</script>").unwrap();
    let chart: serde_json::Value = serde_json::from_str(&text[start..end]).unwrap();
    assert_eq!(chart["unit"], "percent");
    assert_eq!(chart["x"][4], "365 days");
    for group in api.json["dimensions"][0]["groups"].as_array().unwrap() {
        let series = chart["series"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == group["group"])
            .unwrap_or_else(|| panic!("{group} not drawn: {chart}"));
        let at = &group["survival_at_days"];
        let expected: Vec<f64> = [1.0]
            .into_iter()
            .chain(["30", "90", "180", "365"].map(|d| at[d].as_f64().unwrap()))
            .map(|v| (v * 1000.0).round() / 10.0)
            .collect();
        let drawn: Vec<f64> = series["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(drawn, expected, "{group}");
    }
    assert!(text.contains("Only one group: nothing to compare."));

    let page = crate::pages::get(&app, uri, &jar, Some("es")).await;
    let text = crate::pages::html(&page);
    assert!(
        text.contains("Quién se va") && text.contains("Por segmento"),
        "{text}"
    );
    assert!(text.contains("entre segmentos"), "{text}");

    let page = crate::pages::get(&app, "/dashboard/who-leaves?as_of=2026-02-30", &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(crate::pages::html(&page).contains("id=\"as-of-error\""));
}

both_backends!(
    the_who_leaves_page_shows_each_grouping_and_its_verdict_in_the_reader_s_language,
    the_api_splits_survival_by_the_clients_segment_owner_and_plan,
    a_bad_survival_by_is_refused_by_name,
    who_leaves_gives_each_grouping_with_its_verdict_in_words,
);

#[test]
fn file_mode_prints_survival_by_and_refuses_an_unknown_grouping() {
    let dir = tempfile::tempdir().unwrap();
    let customers = dir.path().join("customers.csv");
    let subscriptions = dir.path().join("subscriptions.csv");
    std::fs::write(
        &customers,
        "customer_id,name,owner,segment\na,A,ana,smb\nb,B,bo,smb\nc,C,ana,\n",
    )
    .unwrap();
    std::fs::write(
        &subscriptions,
        "subscription_id,customer_id,plan,mrr,started_on,ended_on\n\
         s1,a,pro,10,2024-01-01,2024-01-11\n\
         s2,b,zeta,20,2024-01-01,\n\
         s3,b,alpha,20,2024-01-01,\n\
         s4,c,pro,5,2024-02-01,2024-03-01\n",
    )
    .unwrap();
    let run = |by: &str| {
        Command::new(env!("CARGO_BIN_EXE_churnwise"))
            .args(["metrics", "--from", "2024-01", "--to", "2024-03"])
            .args(["--as-of", "2024-12-31", "--survival-by", by])
            .arg("--customers")
            .arg(&customers)
            .arg("--subscriptions")
            .arg(&subscriptions)
            .output()
            .unwrap()
    };
    let out = run("segment");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        groups(&doc["survival_by"]),
        [("".into(), 1, 1), ("smb".into(), 2, 1)]
    );
    let out = run("plan");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    // b's two plans tie on MRR on its first day: the smaller text wins.
    assert_eq!(
        groups(&doc["survival_by"]),
        [("alpha".into(), 1, 0), ("pro".into(), 2, 2)]
    );
    let out = run("country");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--survival-by"), "{err}");
}
