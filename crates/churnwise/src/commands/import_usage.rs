//! `churnwise import usage FILE`: usage events from a CSV file (columns
//! client, metric, on, value; optional id and at), through
//! `churnwise_app::usage`, all or nothing: every bad row is printed as
//! `FILE:LINE: column: reason` and nothing is stored.

use super::Context;
use churnwise_app::usage;
use std::path::Path;

/// Imports the usage events of `path` into the workspace.
pub async fn run(ctx: &Context, path: &Path, workspace: Option<&str>) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let file = path.display().to_string();
    let store = ctx.store().await?;
    let ws = crate::workspace::resolve(store.as_ref(), workspace).await?;
    let identity = |field: &str| field.to_string();
    let words = crate::errors::Words {
        flag_of: &identity,
        record: "workspace",
    };
    let done = usage::import_file(
        store.as_ref(),
        ws.id,
        path,
        &file,
        chrono::Utc::now(),
        &churnwise_app::audit::Actor::command_line(),
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
