//! `churnwise metrics` and `churnwise generate` end to end: bad files are
//! rejected with `file:line: column: reason`, a small good set gives the
//! expected document, generated files are read back.

use std::path::Path;
use std::process::Command;

fn churnwise() -> Command {
    Command::new(env!("CARGO_BIN_EXE_churnwise"))
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn a_bad_file_is_rejected_with_file_line_column_reason_and_nothing_is_computed() {
    let dir = tempfile::tempdir().unwrap();
    let subs = write(
        dir.path(),
        "subscriptions.csv",
        "subscription_id,customer_id,mrr,started_on\ns1,c1,10,2024-01-01\ns2,c1,\"12,5\",2024-01-01\ns3,c1,5,2024-02-30\n",
    );
    let out = churnwise()
        .args([
            "metrics",
            "--subscriptions",
            &subs,
            "--from",
            "2024-01",
            "--to",
            "2024-02",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "nothing is computed");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines[0],
        format!("{subs}:3: mrr: \"12,5\" is not a decimal with \".\" as separator")
    );
    assert_eq!(
        lines[1],
        format!("{subs}:4: started_on: \"2024-02-30\" is not a date as YYYY-MM-DD")
    );
    assert_eq!(lines[2], "2 problems; nothing was read");
}

#[test]
fn a_small_good_set_gives_the_expected_document() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let customers = write(
        d,
        "customers.csv",
        "customer_id,name,owner\nc1,Acme,ana\nc2,Beta,\n",
    );
    let subs = write(
        d,
        "subscriptions.csv",
        "subscription_id,customer_id,mrr,started_on,ended_on\ns1,c1,10,2024-01-10,\ns2,c2,20,2023-12-01,2024-02-15\n",
    );
    let invoices = write(
        d,
        "invoices.csv",
        "invoice_id,customer_id,amount,due_on,paid_on\ni1,c1,10,2024-01-15,2024-01-20\ni2,c2,20,2024-01-20,\n",
    );
    let out = churnwise()
        .args([
            "metrics",
            "--customers",
            &customers,
            "--subscriptions",
            &subs,
            "--invoices",
            &invoices,
            "--from",
            "2024-01",
            "--to",
            "2024-02",
            "--as-of",
            "2024-03-31",
            "--forecast-months",
            "2",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected: serde_json::Value = serde_json::from_str(
        r#"{
  "as_of": "2024-03-31", "from": "2024-01", "to": "2024-02", "benchmark_churn_pct": 7.0,
  "months": [
    {"month": "2024-01", "customers_start": 1, "customers_end": 2, "new_customers": 1,
     "reactivated_customers": 0, "churned_customers": 0, "churn_rate_pct": 0.0,
     "mrr_start": 20.00, "mrr_end": 30.00, "new_mrr": 10.00, "reactivation_mrr": 0.00,
     "expansion_mrr": 0.00, "contraction_mrr": 0.00, "churned_mrr": 0.00, "net_new_mrr": 10.00,
     "gross_mrr_churn_pct": 0.0, "net_mrr_churn_pct": 0.0, "arpa": 15.00, "above_benchmark": false,
     "invoices_due": 2, "amount_due": 30.00, "amount_unpaid": 20.00,
     "nonpayment_rate_pct": 66.66666666666667, "forecast_deviation": null},
    {"month": "2024-02", "customers_start": 2, "customers_end": 1, "new_customers": 0,
     "reactivated_customers": 0, "churned_customers": 1, "churn_rate_pct": 50.0,
     "mrr_start": 30.00, "mrr_end": 10.00, "new_mrr": 0.00, "reactivation_mrr": 0.00,
     "expansion_mrr": 0.00, "contraction_mrr": 0.00, "churned_mrr": 20.00, "net_new_mrr": -20.00,
     "gross_mrr_churn_pct": 66.66666666666667, "net_mrr_churn_pct": 66.66666666666667,
     "arpa": 10.00, "above_benchmark": true,
     "invoices_due": 0, "amount_due": 0.00, "amount_unpaid": 0.00, "nonpayment_rate_pct": null,
     "forecast_deviation": {"customers": "below", "customers_low": 2.0, "customers_high": 3.82,
                            "mrr": "below", "mrr_low": 30.00, "mrr_high": 60.00}}
  ],
  "by_owner": [
    {"month": "2024-01", "owner": "ana", "new_customers": 1, "new_mrr": 10.00,
     "reactivated_customers": 0, "reactivation_mrr": 0.00, "expansion_mrr": 0.00,
     "churned_customers": 0, "churned_mrr": 0.00},
    {"month": "2024-02", "owner": "", "new_customers": 0, "new_mrr": 0.00,
     "reactivated_customers": 0, "reactivation_mrr": 0.00, "expansion_mrr": 0.00,
     "churned_customers": 1, "churned_mrr": 20.00}
  ],
  "cohorts": [
    {"cohort": "2024-01", "customers": 1, "initial_mrr": 10.00,
     "logo_retention_pct": [100.0, 100.0, 100.0], "mrr_retention_pct": [100.0, 100.0, 100.0]}
  ],
  "survival": {"subjects": 2, "events": 1, "median_days": 76,
               "survival_at_days": {"30": 1.0, "90": 0.5, "180": 0.5, "365": 0.5}},
  "forecast": [
    {"month": "2024-03", "customers": 1.17, "customers_low": 0.26, "customers_high": 2.49,
     "mrr": 11.11, "mrr_low": 0.08, "mrr_high": 24.88},
    {"month": "2024-04", "customers": 1.31, "customers_low": 0.07, "customers_high": 3.98,
     "mrr": 11.98, "mrr_low": 0.00, "mrr_high": 39.76}
  ]
}"#,
    )
    .unwrap();
    assert_eq!(got, expected);
    // Money is written with exactly two decimals.
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(r#""mrr_start":20.00,"#), "{text}");
}

#[test]
fn table_and_csv_formats_show_the_month_table_and_mark_churn_above_benchmark() {
    let dir = tempfile::tempdir().unwrap();
    let subs = write(
        dir.path(),
        "s.csv",
        "subscription_id,customer_id,mrr,started_on,ended_on\ns1,a,10,2024-01-05,2024-02-10\ns2,b,10,2024-01-05,\n",
    );
    let run = |format: &str| {
        let out = churnwise()
            .args([
                "metrics",
                "--subscriptions",
                &subs,
                "--from",
                "2024-01",
                "--to",
                "2024-02",
            ])
            .args(["--as-of", "2024-06-30", "--format", format])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let table = run("table");
    assert!(table.contains("50.00 ▲"), "{table}");
    assert!(table.contains("Survival"), "{table}");
    let csv = run("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("month,customers_start,customers_end,"));
    assert!(lines[2].starts_with("2024-02,2,1,0,0,1,50,"), "{csv}");
}

#[test]
fn generated_files_are_deterministic_and_read_back_without_problems() {
    let dir = tempfile::tempdir().unwrap();
    let gen = |out: &Path| {
        let status = churnwise()
            .args(["generate", "--customers", "2000", "--seed", "3", "--out"])
            .arg(out)
            .status()
            .unwrap();
        assert!(status.success());
    };
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    gen(&a);
    gen(&b);
    for f in ["customers.csv", "subscriptions.csv", "invoices.csv"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap()
        );
    }
    let p = |f: &str| a.join(f).to_string_lossy().into_owned();
    let out = churnwise()
        .args([
            "metrics",
            "--customers",
            &p("customers.csv"),
            "--subscriptions",
            &p("subscriptions.csv"),
        ])
        .args([
            "--invoices",
            &p("invoices.csv"),
            "--from",
            "2024-01",
            "--to",
            "2024-12",
        ])
        .args(["--as-of", "2024-12-31"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let months = doc["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    assert!(months[11]["customers_end"].as_u64().unwrap() > 500);
    assert!(months
        .iter()
        .any(|m| m["reactivated_customers"].as_u64().unwrap() > 0));
    assert!(months
        .iter()
        .any(|m| m["contraction_mrr"].as_f64().unwrap() > 0.0));
    assert!(months[0]["amount_unpaid"].as_f64().unwrap() > 0.0);
}
