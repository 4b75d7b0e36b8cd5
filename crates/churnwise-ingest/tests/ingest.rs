//! Reading input files: the rules of "Bad input", both APIs giving the same
//! problems, workbooks read like CSV.

#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test code: a failed unwrap is a failed test with its message, and test data is small"
)]

use churnwise_domain::Money;
use churnwise_ingest::{load_metrics_input, read_all, IngestError, InputFiles, ReadLimits};
use std::path::{Path, PathBuf};

pub(crate) struct Dir(pub(crate) tempfile::TempDir);

impl Dir {
    pub(crate) fn new() -> Self {
        Dir(tempfile::tempdir().unwrap())
    }
    pub(crate) fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

/// The problems of both APIs, which must agree, as display lines.
fn problems(c: Option<&Path>, s: Option<&Path>, i: Option<&Path>) -> Vec<String> {
    let files = InputFiles {
        customers: c,
        subscriptions: s,
        invoices: i,
        limits: ReadLimits::default(),
    };
    let owned = match read_all(&files) {
        Err(IngestError::Problems(p)) => p.to_string(),
        other => panic!("expected problems, got {other:?}"),
    };
    let fast = match load_metrics_input(&files) {
        Err(IngestError::Problems(p)) => p.to_string(),
        Err(e) => panic!("expected problems, got {e}"),
        Ok(_) => panic!("expected problems, got an input"),
    };
    assert_eq!(owned, fast, "both APIs report the same problems");
    owned
        .lines()
        .map(|l| {
            l.replace(
                &format!("{}/", c.or(s).or(i).unwrap().parent().unwrap().display()),
                "",
            )
        })
        .collect()
}

#[test]
fn a_comma_decimal_is_reported_as_the_spec_example_says() {
    let d = Dir::new();
    let mut text = String::from("subscription_id,customer_id,mrr,started_on\n");
    for i in 2..1042 {
        text.push_str(&format!("s{i},c1,10,2024-01-01\n"));
    }
    text.push_str("s1042,c1,\"12,5\",2024-01-01\n");
    let s = d.file("subscriptions.csv", &text);
    assert_eq!(
        problems(None, Some(&s), None),
        vec![
            "subscriptions.csv:1042: mrr: \"12,5\" is not a decimal with \".\" as separator",
            "1 problem; nothing was read"
        ]
    );
}

#[test]
fn every_kind_of_bad_value_is_reported_with_file_line_and_column() {
    let d = Dir::new();
    let c = d.file(
        "customers.csv",
        "customer_id,name\nc1,Acme\nc1,Again\nc3,\n",
    );
    let s = d.file(
        "subscriptions.csv",
        "subscription_id,customer_id,mrr,started_on,ended_on\n\
         s1,c1,-5,2024-01-01,\n\
         s2,c1,1.234,2024-13-01,\n\
         s3,c1,10,2024-02-01,2024-02-01\n\
         s4,c9,10,2024-01-01,\n\
         s5,c1,10,2024-01-01,2024-03-01\n\
         s5,c1,20,2024-02-01,\n",
    );
    let i = d.file(
        "invoices.csv",
        "invoice_id,customer_id,amount,due_on,paid_on\n\
         i1,c1,10,2024-01-01,\n\
         i2,c1,0,2024-01-01,\n\
         i3,c1,10,,\n\
         i1,c1,10,2024-01-01,2024-01-02\n",
    );
    assert_eq!(
        problems(Some(&c), Some(&s), Some(&i)),
        vec![
            "customers.csv:3: customer_id: the same value already appears on line 2",
            "customers.csv:4: name: required value is missing",
            "subscriptions.csv:2: mrr: \"-5\" is negative",
            "subscriptions.csv:3: mrr: \"1.234\" has more than 2 decimals",
            "subscriptions.csv:3: started_on: \"2024-13-01\" is not a date as YYYY-MM-DD",
            "subscriptions.csv:4: ended_on: 2024-02-01 is not after started_on 2024-02-01",
            "subscriptions.csv:5: customer_id: \"c9\" is not in customers.csv",
            "subscriptions.csv:7: started_on: the segment overlaps the one on line 6 of the same subscription_id",
            "invoices.csv:3: amount: \"0\" is not greater than zero",
            "invoices.csv:4: due_on: required value is missing",
            "invoices.csv:5: invoice_id: the same value already appears on line 2",
            "11 problems; nothing was read",
        ]
    );
}

#[test]
fn missing_required_columns_are_reported_on_the_header_line() {
    let d = Dir::new();
    let s = d.file("s.csv", "subscription_id,customer,mrr\ns1,c1,10\n");
    assert_eq!(
        problems(None, Some(&s), None),
        vec![
            "s.csv:1: customer_id: required column is missing",
            "s.csv:1: started_on: required column is missing",
            "2 problems; nothing was read"
        ]
    );
}

#[test]
fn only_the_first_twenty_problems_are_shown_with_the_total() {
    let d = Dir::new();
    let mut text = String::from("subscription_id,customer_id,mrr,started_on\n");
    for i in 0..30 {
        text.push_str(&format!("s{i},c1,x,2024-01-01\n"));
    }
    let s = d.file("s.csv", &text);
    let lines = problems(None, Some(&s), None);
    assert_eq!(lines.len(), 21);
    assert_eq!(lines[0], "s.csv:2: mrr: \"x\" is not a decimal number");
    assert_eq!(lines[19], "s.csv:21: mrr: \"x\" is not a decimal number");
    assert_eq!(
        lines[20],
        "30 problems in all (the first 20 shown); nothing was read"
    );
}

#[test]
fn more_than_one_currency_is_rejected() {
    let d = Dir::new();
    let s = d.file(
        "s.csv",
        "subscription_id,customer_id,mrr,started_on,currency\ns1,c1,1,2024-01-01,EUR\ns2,c1,1,2024-01-01,USD\ns3,c1,1,2024-01-01,EUR\n",
    );
    assert_eq!(
        problems(None, Some(&s), None),
        vec![
            "s.csv:3: currency: \"USD\" differs from the file's currency \"EUR\" (line 2)",
            "1 problem; nothing was read"
        ]
    );
}

#[test]
fn columns_in_any_order_with_odd_headers_bom_crlf_and_quotes_are_read() {
    let d = Dir::new();
    let c = d.file(
        "c.csv",
        "\u{feff}Name , CUSTOMER_ID,Extra,owner\r\n\"Acme, Inc.\",c1,x,ana\r\n\"Multi\nline\",c2,y,\r\n",
    );
    let s = d.file(
        "s.csv",
        "mrr,started_on,ended_on,customer_id,subscription_id,plan\r\n49.9,2024-01-15,,c1,s1,pro\r\n10,2024-01-01,2024-02-01,c2,s2,\r\n",
    );
    let i = d.file(
        "i.csv",
        "due_on,amount,customer_id,invoice_id,paid_on,issued_on\n2024-02-01,49.90,c1,i1,,2024-01-15\n",
    );
    let files = InputFiles {
        customers: Some(&c),
        subscriptions: Some(&s),
        invoices: Some(&i),
        limits: ReadLimits::default(),
    };
    let all = read_all(&files).unwrap();
    let customers = all.customers.unwrap().records;
    assert_eq!(customers[0].name, "Acme, Inc.");
    assert_eq!(customers[1].name, "Multi\nline");
    assert_eq!(customers[1].line, 3);
    let subs = all.subscriptions.unwrap().records;
    assert_eq!(subs[0].mrr, Money::from_cents(4990));
    assert_eq!(subs[1].line, 3);
    let input = load_metrics_input(&files).unwrap();
    assert_eq!(input.customer_owner.len(), 2);
    assert_eq!(input.owner_of(0), "ana");
    assert_eq!(input.owner_of(1), "");
    assert_eq!(input.segments.len(), 2);
    assert_eq!(input.segments[0].mrr, Money::from_cents(4990));
    assert_eq!(input.segments[1].customer, 1);
    assert_eq!(input.invoices.as_ref().unwrap().len(), 1);
}

#[test]
fn without_a_customers_file_customers_are_interned_from_subscriptions() {
    let d = Dir::new();
    let s = d.file(
        "s.csv",
        "subscription_id,customer_id,mrr,started_on\ns1,b,1,2024-01-01\ns2,a,1,2024-01-01\ns3,b,1,2024-01-01\n",
    );
    let input = load_metrics_input(&InputFiles {
        customers: None,
        subscriptions: Some(&s),
        invoices: None,
        limits: ReadLimits::default(),
    })
    .unwrap();
    let customers: Vec<u32> = input.segments.iter().map(|s| s.customer).collect();
    assert_eq!(customers, vec![0, 1, 0]);
    assert_eq!(input.customer_count(), 2);
    assert!(input.invoices.is_none());
}

#[test]
fn a_missing_file_is_a_read_error_naming_it() {
    let err = load_metrics_input(&InputFiles {
        customers: None,
        subscriptions: Some(Path::new("/nonexistent/s.csv")),
        invoices: None,
        limits: ReadLimits::default(),
    })
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("/nonexistent/s.csv: cannot read:"),
        "{err}"
    );
}

#[test]
fn the_first_sheet_of_a_workbook_is_read_like_a_csv_file() {
    let d = Dir::new();
    let path = d.0.path().join("subscriptions.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (col, name) in ["Subscription_ID", "customer_id", "mrr", "started_on"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    sheet.write_string(1, 0, "s1").unwrap();
    sheet.write_string(1, 1, "c1").unwrap();
    sheet.write_number(1, 2, 49.9).unwrap();
    let jan15 = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 1, 15).unwrap();
    sheet
        .write_datetime_with_format(1, 3, &jan15, &date)
        .unwrap();
    sheet.write_string(2, 0, "s2").unwrap();
    sheet.write_string(2, 1, "c1").unwrap();
    sheet.write_string(2, 2, "12,5").unwrap();
    sheet.write_string(2, 3, "2024-01-01").unwrap();
    book.save(&path).unwrap();
    let lines = problems(None, Some(&path), None);
    assert_eq!(
        lines,
        vec![
            "subscriptions.xlsx:3: mrr: \"12,5\" is not a decimal with \".\" as separator",
            "1 problem; nothing was read"
        ]
    );
    sheet_ok(&path, &d);
}

fn sheet_ok(bad: &Path, d: &Dir) {
    // The same workbook without the bad row reads into one segment.
    let path = d.0.path().join("ok.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, name) in ["subscription_id", "customer_id", "mrr", "started_on"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    sheet.write_string(1, 0, "s1").unwrap();
    sheet.write_string(1, 1, "c1").unwrap();
    sheet.write_number(1, 2, 49.9).unwrap();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let jan15 = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 1, 15).unwrap();
    sheet
        .write_datetime_with_format(1, 3, &jan15, &date)
        .unwrap();
    book.save(&path).unwrap();
    assert!(bad.exists());
    let subs = churnwise_ingest::read_subscriptions(&path, &ReadLimits::default())
        .unwrap()
        .records;
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0].mrr, Money::from_cents(4990));
    assert_eq!(subs[0].started_on.to_string(), "2024-01-15");
    assert_eq!(subs[0].line, 2);
}

mod both_paths_agree {
    //! Random small files, some rows broken: the fast path and the owned
    //! records must report the same problems, and when there are none, give
    //! the engine the same figures.
    use super::Dir;
    use churnwise_domain::Month;
    use churnwise_ingest::{load_metrics_input, read_all, IngestError, InputFiles, ReadLimits};
    use churnwise_metrics::{compute, InputBuilder, MetricsOptions};
    use proptest::prelude::*;

    fn money() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => (0u32..500, 0u32..100).prop_map(|(u, c)| format!("{u}.{c:02}")),
            1 => Just("12,5".to_string()),
            1 => Just("-3".to_string()),
            1 => Just("1.234".to_string()),
            1 => Just("0".to_string()),
        ]
    }

    fn date() -> impl Strategy<Value = String> {
        prop_oneof![
            10 => (0u32..3, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{}-{m:02}-{d:02}", 2023 + y)),
            1 => Just("2024-02-30".to_string()),
            1 => Just("".to_string()),
        ]
    }

    fn id(prefix: &'static str, n: u32) -> impl Strategy<Value = String> {
        (0..n).prop_map(move |i| format!("{prefix}{i}"))
    }

    fn files() -> impl Strategy<Value = (String, String, String)> {
        let customers = prop::collection::vec(
            (id("c", 8), prop::sample::select(vec!["", "ana", "bob"])),
            0..8,
        )
        .prop_map(|rows| {
            let mut t = String::from("customer_id,name,owner\n");
            for (c, o) in rows {
                t.push_str(&format!("{c},Name {c},{o}\n"));
            }
            t
        });
        let subs = prop::collection::vec(
            (
                id("s", 6),
                id("c", 9),
                money(),
                date(),
                prop::option::of(date()),
            ),
            0..10,
        )
        .prop_map(|rows| {
            let mut t = String::from("subscription_id,customer_id,mrr,started_on,ended_on\n");
            for (s, c, m, st, en) in rows {
                t.push_str(&format!("{s},{c},{m},{st},{}\n", en.unwrap_or_default()));
            }
            t
        });
        let invoices = prop::collection::vec(
            (
                id("i", 10),
                id("c", 9),
                money(),
                date(),
                prop::option::of(date()),
            ),
            0..10,
        )
        .prop_map(|rows| {
            let mut t = String::from("invoice_id,customer_id,amount,due_on,paid_on\n");
            for (i, c, a, due, paid) in rows {
                t.push_str(&format!("{i},{c},{a},{due},{}\n", paid.unwrap_or_default()));
            }
            t
        });
        (customers, subs, invoices)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn the_fast_path_and_the_owned_records_agree((c, s, i) in files(), with_customers: bool) {
            let dir = Dir::new();
            let (cp, sp, ip) = (dir.file("c.csv", &c), dir.file("s.csv", &s), dir.file("i.csv", &i));
            let files = InputFiles {
                customers: with_customers.then_some(cp.as_path()),
                subscriptions: Some(&sp),
                invoices: Some(&ip),
                limits: ReadLimits::default(),
            };
            match (read_all(&files), load_metrics_input(&files)) {
                (Err(IngestError::Problems(a)), Err(IngestError::Problems(b))) => {
                    prop_assert_eq!(a.to_string(), b.to_string());
                }
                (Ok(owned), Ok(fast)) => {
                    let mut builder = InputBuilder::new();
                    if let Some(customers) = &owned.customers {
                        for r in &customers.records {
                            builder.customer(&r.customer_id, &r.owner);
                        }
                    }
                    for r in &owned.subscriptions.as_ref().unwrap().records {
                        builder.segment(&r.customer_id, r.mrr, r.started_on, r.ended_on);
                    }
                    builder.with_invoices();
                    for r in &owned.invoices.as_ref().unwrap().records {
                        builder.invoice(r.amount, r.due_on, r.paid_on);
                    }
                    let month = |t: &str| t.parse::<Month>().unwrap();
                    let o = MetricsOptions::new(month("2023-01"), month("2025-12"), churnwise_domain::parse_date("2025-06-30").unwrap());
                    let a = serde_json::to_value(compute(&builder.build(), &o).unwrap()).unwrap();
                    let b = serde_json::to_value(compute(&fast, &o).unwrap()).unwrap();
                    prop_assert_eq!(a, b);
                }
                (a, b) => prop_assert!(false, "the paths disagree: {:?} / {:?}", a.map(|_| ()), b.map(|_| ())),
            }
        }
    }
}
