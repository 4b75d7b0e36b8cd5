//! `churnwise generate --order`: the same rows in date, customer or
//! shuffled order, and `churnwise metrics` giving the same document for
//! each order.

use std::path::Path;
use std::process::Command;

fn churnwise() -> Command {
    Command::new(env!("CARGO_BIN_EXE_churnwise"))
}

fn generate(out: &Path, order: &str) {
    let status = churnwise()
        .args([
            "generate",
            "--customers",
            "3000",
            "--seed",
            "5",
            "--order",
            order,
            "--out",
        ])
        .arg(out)
        .status()
        .unwrap();
    assert!(status.success(), "generate --order {order}");
}

/// The lines after the header.
fn rows(dir: &Path, file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    text.lines().skip(1).map(str::to_string).collect()
}

fn metrics(dir: &Path) -> String {
    let p = |f: &str| dir.join(f).to_string_lossy().into_owned();
    let out = churnwise()
        .args(["metrics", "--customers", &p("customers.csv")])
        .args(["--subscriptions", &p("subscriptions.csv")])
        .args(["--invoices", &p("invoices.csv")])
        .args([
            "--from",
            "2023-01",
            "--to",
            "2024-12",
            "--as-of",
            "2024-12-31",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn generated_rows_in_date_customer_and_shuffled_order_are_the_same_rows_giving_the_same_document() {
    let dir = tempfile::tempdir().unwrap();
    let orders = ["date", "customer", "shuffled"];
    for order in orders {
        generate(&dir.path().join(order), order);
    }
    // The default is date order, the same for the same seed.
    let default = dir.path().join("default");
    let status = churnwise()
        .args(["generate", "--customers", "3000", "--seed", "5", "--out"])
        .arg(&default)
        .status()
        .unwrap();
    assert!(status.success());
    let at = |order: &str| dir.path().join(order);
    for (file, customer_column) in [
        ("customers.csv", 0),
        ("subscriptions.csv", 1),
        ("invoices.csv", 1),
    ] {
        assert!(rows(&default, file) == rows(&at("date"), file), "{file}");
        let by_customer = rows(&at("customer"), file);
        let customers: Vec<&str> = by_customer
            .iter()
            .map(|r| r.split(',').nth(customer_column).unwrap())
            .collect();
        assert!(
            customers.windows(2).all(|w| w[0] <= w[1]),
            "{file}: customer order keeps customers together in id order"
        );
        let mut sorted = by_customer.clone();
        sorted.sort();
        for order in ["date", "shuffled"] {
            let mut these = rows(&at(order), file);
            assert!(
                these != by_customer,
                "{file} in {order} order is another order"
            );
            these.sort();
            assert!(
                these == sorted,
                "{file} in {order} order holds the same rows"
            );
        }
    }
    // Subscriptions by started_on, invoices by issued_on.
    for (file, column) in [("subscriptions.csv", 4), ("invoices.csv", 3)] {
        let days: Vec<String> = rows(&at("date"), file)
            .iter()
            .map(|r| r.split(',').nth(column).unwrap().to_string())
            .collect();
        assert!(
            days.windows(2).all(|w| w[0] <= w[1]),
            "{file} is in date order"
        );
    }
    let documents: Vec<String> = orders.iter().map(|o| metrics(&at(o))).collect();
    assert!(documents[0].contains("\"months\""));
    assert_eq!(documents[0], documents[1]);
    assert_eq!(documents[0], documents[2]);
}
