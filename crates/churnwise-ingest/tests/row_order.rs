//! The fast path of file mode gives the same answer whatever the order of
//! the rows: the same document for the same rows in customer, date and
//! shuffled order, and for broken rows the same problems (the first 20 by
//! file and line, and the total) as the owned records, which read each file
//! in one sequential pass. The files are large enough (several MiB) to be
//! cut into many chunks parsed in parallel.

#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test code: a failed unwrap is a failed test with its message, and test data is small"
)]

use churnwise_domain::Month;
use churnwise_ingest::{load_metrics_input, read_all, IngestError, InputFiles, ReadLimits};
use churnwise_metrics::{compute, InputBuilder, MetricsInput, MetricsOptions};
use std::path::{Path, PathBuf};

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A day of 2022 to 2024 as text, from a day number 0..1095.
fn day(n: u64) -> String {
    let d = chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap() + chrono::Days::new(n);
    d.to_string()
}

/// One row of a file and the day it is sorted by in date order.
type Row = (u64, String);

/// Customers, subscriptions and invoices in customer order.
fn rows(customers: u64) -> (Vec<Row>, Vec<Row>, Vec<Row>) {
    let mut r = Rng(42);
    let (mut cs, mut ss, mut is) = (Vec::new(), Vec::new(), Vec::new());
    let owners = ["", "ana", "bob", "carla"];
    for c in 0..customers {
        let joined = r.below(900);
        let owner = owners[r.below(4) as usize];
        cs.push((joined, format!("C{c:06},Company {c},{owner},smb\n")));
        let mut start = joined;
        for k in 0..1 + r.below(3) {
            let end = start + 1 + r.below(300);
            let ended = if end < 1095 && r.below(3) > 0 {
                day(end)
            } else {
                String::new()
            };
            let mrr = r.below(30_000);
            ss.push((
                start,
                format!(
                    "S{c:06}{k},C{c:06},pro,{}.{:02},{},{ended},EUR\n",
                    mrr / 100,
                    mrr % 100,
                    day(start)
                ),
            ));
            if ended.is_empty() {
                break;
            }
            start = end + r.below(60);
            if start >= 1095 {
                break;
            }
        }
        for n in 0..r.below(12) {
            let issued = joined + n * 30;
            if issued >= 1060 {
                break;
            }
            let paid = match r.below(10) {
                0 => String::new(),
                k => day(issued + 14 + k * 3 - 12),
            };
            let amount = 1 + r.below(50_000);
            is.push((
                issued,
                format!(
                    "I{c:06}{n:02},C{c:06},{}.{:02},{},{},{paid},EUR\n",
                    amount / 100,
                    amount % 100,
                    day(issued),
                    day(issued + 14)
                ),
            ));
        }
    }
    (cs, ss, is)
}

/// The orders the rows are written in.
#[derive(Debug, Clone, Copy)]
enum Order {
    Customer,
    Date,
    Shuffled,
}

const ORDERS: [Order; 3] = [Order::Customer, Order::Date, Order::Shuffled];

fn ordered(mut rows: Vec<Row>, order: Order) -> Vec<Row> {
    match order {
        Order::Customer => {}
        Order::Date => rows.sort_by_key(|r| r.0),
        Order::Shuffled => {
            let mut r = Rng(7);
            for i in (1..rows.len()).rev() {
                rows.swap(i, r.below(i as u64 + 1) as usize);
            }
        }
    }
    rows
}

fn write(dir: &Path, name: &str, header: &str, rows: &[Row]) -> PathBuf {
    let mut text = String::from(header);
    for (_, row) in rows {
        text.push_str(row);
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The three files written in `order` into `dir`.
fn files(dir: &Path, data: &(Vec<Row>, Vec<Row>, Vec<Row>), order: Order) -> [PathBuf; 3] {
    [
        write(
            dir,
            "customers.csv",
            "customer_id,name,owner,segment\n",
            &ordered(data.0.clone(), order),
        ),
        write(
            dir,
            "subscriptions.csv",
            "subscription_id,customer_id,plan,mrr,started_on,ended_on,currency\n",
            &ordered(data.1.clone(), order),
        ),
        write(
            dir,
            "invoices.csv",
            "invoice_id,customer_id,amount,issued_on,due_on,paid_on,currency\n",
            &ordered(data.2.clone(), order),
        ),
    ]
}

fn input_files(paths: &[PathBuf; 3]) -> InputFiles<'_> {
    InputFiles {
        customers: Some(&paths[0]),
        subscriptions: Some(&paths[1]),
        invoices: Some(&paths[2]),
        limits: ReadLimits {
            max_rows: u64::MAX,
            ..ReadLimits::default()
        },
    }
}

fn options() -> MetricsOptions {
    let month = |t: &str| t.parse::<Month>().unwrap();
    MetricsOptions::new(
        month("2022-03"),
        month("2024-10"),
        churnwise_domain::parse_date("2024-11-15").unwrap(),
    )
}

/// The engine's input built from the owned records, one row at a time.
fn owned_input(files: &InputFiles<'_>) -> MetricsInput {
    let owned = read_all(files).unwrap();
    let mut builder = InputBuilder::new();
    for r in &owned.customers.as_ref().unwrap().records {
        builder.customer(&r.customer_id, &r.owner);
    }
    for r in &owned.subscriptions.as_ref().unwrap().records {
        builder.segment(&r.customer_id, r.mrr, r.started_on, r.ended_on);
    }
    builder.with_invoices();
    for r in &owned.invoices.as_ref().unwrap().records {
        builder.invoice(r.amount, r.due_on, r.paid_on);
    }
    builder.build()
}

#[test]
fn the_document_is_the_same_for_the_same_rows_in_customer_date_and_shuffled_order() {
    let data = rows(30_000);
    assert!(data.2.len() > 100_000, "invoices: {}", data.2.len());
    let mut documents = Vec::new();
    for order in ORDERS {
        let dir = tempfile::tempdir().unwrap();
        let paths = files(dir.path(), &data, order);
        let files = input_files(&paths);
        assert!(std::fs::metadata(&paths[2]).unwrap().len() > 4 << 20);
        let fast = load_metrics_input(&files).unwrap();
        let fast = serde_json::to_value(compute(&fast, &options()).unwrap()).unwrap();
        let owned =
            serde_json::to_value(compute(&owned_input(&files), &options()).unwrap()).unwrap();
        assert_eq!(
            fast, owned,
            "{order:?}: the fast path agrees with the owned records"
        );
        documents.push((order, fast));
    }
    let months = documents[0].1["months"].as_array().unwrap();
    assert!(months
        .iter()
        .any(|m| m["churned_customers"].as_u64().unwrap() > 100));
    assert!(months[20]["amount_unpaid"].as_f64().unwrap() > 0.0);
    for (order, doc) in &documents[1..] {
        assert_eq!(
            doc, &documents[0].1,
            "{order:?} gives the customer-order document"
        );
    }
}

/// Breaks rows of each file, spread over the whole file: an unknown
/// customer, a repeated invoice id, a bad amount, an overlapping segment.
fn broken(mut data: (Vec<Row>, Vec<Row>, Vec<Row>)) -> (Vec<Row>, Vec<Row>, Vec<Row>) {
    let step = data.2.len() / 25;
    for k in 0..25 {
        let i = k * step + 7;
        let earlier = data.2[i - 3].1.clone();
        let row = &mut data.2[i].1;
        *row = match k % 3 {
            0 => row.replacen(",C", ",X", 1),
            1 => {
                let mut fields: Vec<&str> = row.split(',').collect();
                fields[2] = "0";
                fields.join(",")
            }
            _ => {
                let id = earlier.split(',').next().unwrap().to_string();
                let rest = row.split_once(',').unwrap().1.to_string();
                format!("{id},{rest}")
            }
        };
    }
    let step = data.1.len() / 15;
    for k in 0..15 {
        let i = k * step + 3;
        let row = &mut data.1[i].1;
        if k % 2 == 0 {
            *row = row.replacen(",C", ",Y", 1);
        } else {
            // The same subscription again, overlapping itself.
            let copy = row.replacen(",pro,", ",plus,", 1);
            data.1.push((data.1[i].0, copy));
        }
    }
    data
}

#[test]
fn problems_are_the_first_twenty_by_file_and_line_in_any_row_order() {
    let data = broken(rows(30_000));
    for order in ORDERS {
        let dir = tempfile::tempdir().unwrap();
        let paths = files(dir.path(), &data, order);
        let files = input_files(&paths);
        let owned = match read_all(&files) {
            Err(IngestError::Problems(p)) => p,
            other => panic!("expected problems, got {:?}", other.map(|_| ())),
        };
        let fast = match load_metrics_input(&files) {
            Err(IngestError::Problems(p)) => p,
            other => panic!("expected problems, got {:?}", other.map(|_| ())),
        };
        assert_eq!(
            fast, owned,
            "{order:?}: both paths report the same problems"
        );
        assert_eq!(fast.shown.len(), 20);
        // 15 in subscriptions (8 unknown customers, 7 overlaps), 25 in invoices.
        assert_eq!(fast.total, 40, "{order:?}: {fast}");
        let lines: Vec<(String, u64)> = fast
            .shown
            .iter()
            .map(|p| (p.file.clone(), p.line))
            .collect();
        let mut sorted = lines.clone();
        sorted.sort_by_key(|(f, l)| (!f.ends_with("subscriptions.csv"), *l));
        assert_eq!(lines, sorted, "{order:?}: shown by file, then line");
        assert!(fast
            .shown
            .iter()
            .any(|p| p.column == "customer_id" && p.reason.contains("\"Y")));
    }
}
