//! Writes a sample reasons matrix (by segment, January to March 2024) to the
//! .xlsx or .csv file named on the command line; used by
//! `scripts/check-xlsx-libreoffice.sh`.

use churnwise_domain::departure::Outcome;
use churnwise_domain::reasons::{ReasonKey, ReasonList};
use churnwise_domain::reasons_matrix::{reasons_matrix, ClosedDeparture, MatrixDimension};
use churnwise_domain::{parse_date, parse_month, Lang, Money};
use churnwise_export::{reasons_matrix_table, write_csv, write_xlsx, CsvOptions};
use std::path::PathBuf;

fn departure(
    reason: &str,
    end: &str,
    cents: i64,
    segment: &str,
    outcome: Outcome,
) -> ClosedDeparture {
    ClosedDeparture {
        primary_reason: ReasonKey::parse("primary_reason", reason).expect("valid key"),
        outcome,
        end_on: parse_date(end).expect("valid date"),
        lost_mrr: Money::from_cents(cents),
        segment: Some(segment.to_string()),
        owner: Some("Ana".to_string()),
        plan: Some("Pro".to_string()),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path: PathBuf = std::env::args_os()
        .nth(1)
        .ok_or("usage: reasons_matrix_sample OUT.xlsx|OUT.csv")?
        .into();
    let departures = vec![
        departure("price_too_high", "2024-01-15", 50_000, "SMB", Outcome::Lost),
        departure(
            "price_too_high",
            "2024-02-10",
            123_456,
            "Enterprise",
            Outcome::Lost,
        ),
        departure("needs_changed", "2024-03-02", 100_000, "SMB", Outcome::Lost),
        departure("no_results", "2024-03-20", 9_990, "=cmd", Outcome::Lost),
        // Outside the range, and a saved case: both left out.
        departure("needs_changed", "2023-12-31", 99_999, "SMB", Outcome::Lost),
        departure(
            "price_too_high",
            "2024-02-11",
            70_000,
            "SMB",
            Outcome::Saved,
        ),
    ];
    let matrix = reasons_matrix(
        &departures,
        &ReasonList::default_list(),
        parse_month("2024-01")?,
        parse_month("2024-03")?,
        MatrixDimension::Segment,
    )?;
    let table = reasons_matrix_table(&matrix, Lang::En);
    match path.extension().and_then(|e| e.to_str()) {
        Some("csv") => write_csv(&table, std::fs::File::create(&path)?, CsvOptions::default())?,
        _ => write_xlsx(&table, &path)?,
    }
    println!("wrote {}", path.display());
    Ok(())
}
