//! `churnwise import customers|subscriptions|invoices|contacts|interactions FILE`: all or nothing.

use super::Context;
use churnwise_app::imports::{self, ImportKind};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};

/// Rows above which a progress bar is shown.
const PROGRESS_THRESHOLD: usize = 5_000;

/// Import a CSV (or .xlsx) file of customers, subscriptions, invoices, contacts or interactions.
///
/// Formats are those of docs/metrics.md and docs/import.md (columns in any order, header row
/// required). The whole file is checked first; if any row is invalid, the
/// first 20 problems are printed as `file:line: column: reason` and nothing
/// is written. Otherwise every row is written in one transaction. Importing
/// the same file again updates the same records (upsert by customer_id, by
/// subscription_id and started_on, by invoice_id; contacts by client and
/// email, else name; an interaction equal to a stored one is skipped).
/// Import customers before the files that name them.
///
/// Example: churnwise import customers customers.csv && churnwise import subscriptions subscriptions.xlsx
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds.
    #[arg(value_enum)]
    kind: KindArg,
    /// The file: .csv, or .xlsx (first sheet).
    file: PathBuf,
    /// Workspace (default: the only one).
    #[arg(long)]
    workspace: Option<String>,
    /// Bounds of the file (also `[import]` in churnwise.toml).
    #[command(flatten)]
    limits: crate::settings::ImportLimitArgs,
}

/// The kinds of file an import takes.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    /// customers.csv: customer_id, name, owner, segment.
    Customers,
    /// subscriptions.csv: subscription_id, customer_id, plan, mrr, started_on, ended_on.
    Subscriptions,
    /// invoices.csv: invoice_id, customer_id, amount, issued_on, due_on, paid_on.
    Invoices,
    /// contacts.csv: customer_id, name, role, email, phone, primary.
    Contacts,
    /// interactions.csv: customer_id, kind, occurred_on, author, note.
    Interactions,
    /// usage.csv: client, metric, on, value (optional id); see docs/usage.md.
    Usage,
    /// work.csv: customer_id, on, title, body, result, unit, link, visibility; see docs/work-log.md.
    Work,
}

impl KindArg {
    /// The record import of this kind (`None` for usage, which has its own).
    fn record_kind(self) -> Option<ImportKind> {
        Some(match self {
            KindArg::Customers => ImportKind::Customers,
            KindArg::Subscriptions => ImportKind::Subscriptions,
            KindArg::Invoices => ImportKind::Invoices,
            KindArg::Contacts => ImportKind::Contacts,
            KindArg::Interactions => ImportKind::Interactions,
            KindArg::Work => ImportKind::Work,
            KindArg::Usage => return None,
        })
    }
}

fn file_name(path: &Path) -> String {
    path.display().to_string()
}

fn progress_bar(rows: usize) -> ProgressBar {
    if rows < PROGRESS_THRESHOLD {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(rows as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} rows ({per_sec}, {eta} left)")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.set_message("writing");
    bar
}

/// Runs the import through `churnwise_app::imports`, as an upload would.
pub async fn run(ctx: &Context, args: ImportArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let file = file_name(&args.file);
    let path = args.file.clone();
    let Some(kind) = args.kind.record_kind() else {
        return super::import_usage::run(ctx, &args.file, args.workspace.as_deref()).await;
    };
    let words = crate::errors::USUAL;
    // Parse (CPU-bound) off the async runtime.
    let limits = crate::settings::import_limits(&args.limits, &ctx.file);
    let parsed = tokio::task::spawn_blocking(move || imports::read_file(kind, &path, &limits))
        .await?
        .map_err(|e| crate::errors::cli_error(e, &words))?;
    let store = ctx.store().await?;
    let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
    // New clients inside another client's exclusivity (issue 16): a file
    // cannot be confirmed row by row, so the import runs and says which.
    let exclusivity = churnwise_app::exclusivity_warnings::of_import(
        store.as_ref(),
        ws.id,
        &parsed,
        chrono::Utc::now().date_naive(),
    )
    .await
    .map_err(|e| crate::errors::cli_error(e, &words))?;
    let bar = progress_bar(parsed.len());
    let tick = {
        let bar = bar.clone();
        move |n: u64| bar.set_position(n)
    };
    let report = imports::import(
        store.as_ref(),
        ws.id,
        &file,
        parsed,
        chrono::Utc::now(),
        &tick,
        &churnwise_app::audit::Actor::command_line(),
    )
    .await
    .map_err(|e| crate::errors::cli_error(e, &words))?;
    bar.finish_and_clear();
    let summary = report.summary;
    println!(
        "{file}: {} rows imported into {:?} ({} new, {} updated) in {:.1?}",
        summary.rows,
        ws.name,
        summary.inserted,
        summary.updated,
        started.elapsed()
    );
    for case in &report.won_back {
        println!(
            "{}: won back (a new subscription runs; departure case {} records it)",
            case.client_name, case.id
        );
    }
    for w in &exclusivity.warnings {
        eprintln!(
            "warning: {file}:{}: {} {} (imported all the same)",
            w.line, w.client, w.reason
        );
    }
    let unlisted = exclusivity.total - exclusivity.warnings.len() as u64;
    if unlisted > 0 {
        eprintln!("warning: … and {unlisted} more new clients inside an exclusivity");
    }
    Ok(())
}
