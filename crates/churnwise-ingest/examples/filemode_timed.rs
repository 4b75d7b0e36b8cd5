//! File mode without the CLI around it, timed by phase: loads the three
//! files with [`churnwise_ingest::load_metrics_input`], computes the
//! document and writes it as JSON to stdout; the times go to stderr.
//!
//! ```text
//! cargo run --release -p churnwise-ingest --example filemode_timed -- \
//!     customers.csv subscriptions.csv invoices.csv 2023-01 2024-12 2024-12-31
//! ```

use churnwise_ingest::{load_metrics_input, InputFiles, ReadLimits};
use churnwise_metrics::{compute, MetricsOptions};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [customers, subscriptions, invoices, from, to, as_of] = args.as_slice() else {
        return Err("usage: CUSTOMERS SUBSCRIPTIONS INVOICES FROM TO AS_OF".into());
    };
    let (customers, subscriptions, invoices) = (
        PathBuf::from(customers),
        PathBuf::from(subscriptions),
        PathBuf::from(invoices),
    );
    let started = Instant::now();
    let files = InputFiles {
        customers: Some(&customers),
        subscriptions: Some(&subscriptions),
        invoices: Some(&invoices),
        limits: ReadLimits {
            max_rows: u64::MAX,
            ..ReadLimits::default()
        },
    };
    let input = load_metrics_input(&files)?;
    let loaded = started.elapsed();
    let options = MetricsOptions {
        from: from.parse()?,
        to: to.parse()?,
        as_of: churnwise_domain::parse_date(as_of)?,
        grace_days: churnwise_metrics::options::DEFAULT_GRACE_DAYS,
        benchmark_pct: churnwise_metrics::options::DEFAULT_BENCHMARK_PCT,
        forecast_months: churnwise_metrics::options::DEFAULT_FORECAST_MONTHS,
        survival_by: None,
    };
    let report = compute(&input, &options)?;
    let computed = started.elapsed();
    serde_json::to_writer(std::io::stdout().lock(), &report)?;
    eprintln!(
        "load {:.3} s, compute {:.3} s, total {:.3} s",
        loaded.as_secs_f64(),
        (computed - loaded).as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
