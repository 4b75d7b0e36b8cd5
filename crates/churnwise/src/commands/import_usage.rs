//! `churnwise import usage FILE`: usage events from a CSV file (columns
//! client, metric, on, value; optional id and at), through
//! `churnwise_app::usage`, all or nothing: every bad row is printed as
//! `FILE:LINE: column: reason` and nothing is stored.

use super::Context;
use churnwise_app::usage;
use serde_json::{Map, Value};
use std::path::Path;

/// The most rows one file may hold (one transaction).
const MAX_ROWS: usize = 1_000_000;

/// The columns a usage file may have.
const COLUMNS: [&str; 6] = ["client", "metric", "on", "at", "value", "id"];

/// Reads the file into events (as the API takes them) and their lines.
fn read(path: &Path, file: &str) -> anyhow::Result<(Vec<Value>, Vec<u64>)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| anyhow::anyhow!("{file}: cannot be read: {e}"))?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| anyhow::anyhow!("{file}:1: {e}"))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let mut problems = Vec::new();
    for h in &headers {
        if !COLUMNS.contains(&h.as_str()) {
            problems.push(format!(
                "{file}:1: {h}: is not a column of a usage file (client, metric, on, value, id, at)"
            ));
        }
    }
    for required in ["client", "metric"] {
        if !headers.iter().any(|h| h == required) {
            problems.push(format!("{file}:1: {required}: the column is missing"));
        }
    }
    if !headers.iter().any(|h| h == "on" || h == "at") {
        problems.push(format!("{file}:1: on: the column is missing"));
    }
    if !problems.is_empty() {
        anyhow::bail!("{}", problems.join("\n"));
    }
    let mut events = Vec::new();
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
        let line = record.position().map_or(0, |p| p.line());
        let mut event = Map::new();
        for (h, cell) in headers.iter().zip(record.iter()) {
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            let value = if h == "value" {
                cell.parse::<i64>()
                    .map_or_else(|_| Value::String(cell.into()), Value::from)
            } else {
                Value::String(cell.into())
            };
            event.insert(h.clone(), value);
        }
        events.push(Value::Object(event));
        lines.push(line);
    }
    Ok((events, lines))
}

/// Imports the usage events of `path` into the workspace.
pub async fn run(ctx: &Context, path: &Path, workspace: Option<&str>) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let file = path.display().to_string();
    let (events, lines) = read(path, &file)?;
    let store = ctx.store().await?;
    let ws = crate::workspace::resolve(store.as_ref(), workspace).await?;
    let identity = |field: &str| field.to_string();
    let words = crate::errors::Words {
        flag_of: &identity,
        record: "workspace",
    };
    let done = usage::ingest_named(
        store.as_ref(),
        ws.id,
        &events,
        MAX_ROWS,
        chrono::Utc::now(),
        |index, column| format!("{file}:{}: {column}", lines[index]),
    )
    .await
    .map_err(|e| crate::errors::cli_error(e, &words))?;
    println!(
        "{file}: {} usage events imported into {:?} ({} duplicates skipped, {} new metrics) in {:.1?}",
        done.accepted,
        ws.name,
        done.duplicates,
        done.new_metrics,
        started.elapsed()
    );
    Ok(())
}
