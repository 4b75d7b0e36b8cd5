//! Every input of the committed fuzz corpus (`fuzz/seeds`, the minimised
//! corpus of the runs recorded in docs/security.md) goes through the CSV and
//! XLSX readers on the stable test run: each is read or refused with an
//! error, none panics, so what the fuzzer once explored stays explored.

#![allow(clippy::unwrap_used, reason = "a test")]

use churnwise_ingest::{
    parse_csv_bytes, read_customers, read_invoices, read_subscriptions, FileKind, ReadLimits,
};
use std::path::PathBuf;

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/seeds")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn every_csv_input_of_the_fuzz_corpus_is_read_or_refused_without_a_panic() {
    let files = corpus("csv_reader");
    assert!(
        files.len() > 100,
        "the corpus is committed: {}",
        files.len()
    );
    for file in files {
        let data = std::fs::read(&file).unwrap();
        for kind in [
            FileKind::Customers,
            FileKind::Subscriptions,
            FileKind::Invoices,
        ] {
            let _ = parse_csv_bytes(kind, "fuzz.csv", data.clone());
        }
    }
}

#[test]
fn every_xlsx_input_of_the_fuzz_corpus_is_read_or_refused_without_a_panic() {
    let files = corpus("xlsx_reader");
    assert!(
        files.len() > 100,
        "the corpus is committed: {}",
        files.len()
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.xlsx");
    let limits = ReadLimits {
        max_uncompressed_bytes: 8 << 20,
        max_rows: 10_000,
        max_line_bytes: 64 << 10,
    };
    for file in files {
        std::fs::copy(&file, &path).unwrap();
        let _ = read_customers(&path, &limits);
        let _ = read_subscriptions(&path, &limits);
        let _ = read_invoices(&path, &limits);
    }
}
