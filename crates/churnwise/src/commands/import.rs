//! `churnwise import customers|subscriptions|invoices FILE`: all or nothing.

use super::Context;
use churnwise_ingest::{IngestError, InputProblems, Problem, MAX_SHOWN};
use churnwise_store::{
    CustomerImport, ImportSummary, InvoiceImport, StoreError, SubscriptionImport,
};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};

/// Rows above which a progress bar is shown.
const PROGRESS_THRESHOLD: usize = 5_000;

/// Import a CSV (or .xlsx) file of customers, subscriptions or invoices.
///
/// Formats are those of docs/metrics.md (columns in any order, header row
/// required). The whole file is checked first; if any row is invalid, the
/// first 20 problems are printed as `file:line: column: reason` and nothing
/// is written. Otherwise every row is written in one transaction. Importing
/// the same file again updates the same records (upsert by customer_id, by
/// subscription_id and started_on, by invoice_id). Import customers before
/// the subscriptions and invoices that name them.
///
/// Example: churnwise import customers customers.csv && churnwise import subscriptions subscriptions.xlsx
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds.
    #[arg(value_enum)]
    kind: ImportKind,
    /// The file: .csv, or .xlsx (first sheet).
    file: PathBuf,
    /// Workspace (default: the only one).
    #[arg(long)]
    workspace: Option<String>,
}

/// The kinds of file an import takes.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum ImportKind {
    /// customers.csv: customer_id, name, owner, segment.
    Customers,
    /// subscriptions.csv: subscription_id, customer_id, plan, mrr, started_on, ended_on.
    Subscriptions,
    /// invoices.csv: invoice_id, customer_id, amount, issued_on, due_on, paid_on.
    Invoices,
}

fn none_if_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn file_name(path: &Path) -> String {
    path.display().to_string()
}

/// Store problems (rows naming unknown customers) in the file's wording.
fn store_problems(file: &str, e: StoreError) -> anyhow::Error {
    match e {
        StoreError::Invalid(problems) => {
            let total = problems.len();
            let shown = problems
                .into_iter()
                .take(MAX_SHOWN)
                .map(|p| Problem {
                    file: file.to_string(),
                    line: p.line,
                    column: p.column,
                    reason: p.reason,
                })
                .collect();
            anyhow::anyhow!("{}", InputProblems { shown, total })
        }
        other => anyhow::Error::new(other),
    }
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

/// Runs the import.
pub async fn run(ctx: &Context, args: ImportArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let file = file_name(&args.file);
    let path = args.file.clone();
    let kind = args.kind;
    // Parse (CPU-bound) off the async runtime.
    let parsed = tokio::task::spawn_blocking(move || read(kind, &path)).await??;
    let store = ctx.store().await?;
    let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
    let rows = parsed.len();
    let bar = progress_bar(rows);
    let tick = {
        let bar = bar.clone();
        move |n: u64| bar.set_position(n)
    };
    let mut formers = Vec::new();
    let summary: ImportSummary = match parsed {
        Parsed::Customers(rows) => store.import_customers(ws.id, rows, &tick).await,
        Parsed::Subscriptions(rows) => {
            let today = chrono::Utc::now().date_naive();
            formers = churnwise_web::cases::former_clients_before_import(
                store.as_ref(),
                ws.id,
                &rows,
                today,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            store.import_subscriptions(ws.id, rows, &tick).await
        }
        Parsed::Invoices(rows) => store.import_invoices(ws.id, rows, &tick).await,
    }
    .map_err(|e| store_problems(&file, e))?;
    bar.finish_and_clear();
    println!(
        "{file}: {} rows imported into {:?} ({} new, {} updated) in {:.1?}",
        summary.rows,
        ws.name,
        summary.inserted,
        summary.updated,
        started.elapsed()
    );
    if !formers.is_empty() {
        let cx = churnwise_web::cases::CaseContext {
            store: store.as_ref(),
            ws: ws.id,
            actor: churnwise_domain::history::Actor::System,
            now: chrono::Utc::now(),
        };
        let won = churnwise_web::cases::win_back_after_import(&cx, &formers)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        for case in &won {
            println!(
                "{}: won back (a new subscription runs; departure case {} records it)",
                case.client_name, case.id
            );
        }
    }
    Ok(())
}

enum Parsed {
    Customers(Vec<CustomerImport>),
    Subscriptions(Vec<SubscriptionImport>),
    Invoices(Vec<InvoiceImport>),
}

impl Parsed {
    fn len(&self) -> usize {
        match self {
            Parsed::Customers(r) => r.len(),
            Parsed::Subscriptions(r) => r.len(),
            Parsed::Invoices(r) => r.len(),
        }
    }
}

fn ingest_error(e: IngestError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

fn read(kind: ImportKind, path: &Path) -> anyhow::Result<Parsed> {
    Ok(match kind {
        ImportKind::Customers => Parsed::Customers(
            churnwise_ingest::read_customers(path)
                .map_err(ingest_error)?
                .records
                .into_iter()
                .map(|r| CustomerImport {
                    external_id: r.customer_id,
                    name: r.name,
                    owner: none_if_empty(r.owner),
                    segment: none_if_empty(r.segment),
                })
                .collect(),
        ),
        ImportKind::Subscriptions => Parsed::Subscriptions(
            churnwise_ingest::read_subscriptions(path)
                .map_err(ingest_error)?
                .records
                .into_iter()
                .map(|r| SubscriptionImport {
                    line: r.line,
                    subscription_ref: r.subscription_id,
                    customer_ref: r.customer_id,
                    plan: none_if_empty(r.plan),
                    mrr: r.mrr,
                    started_on: r.started_on,
                    ended_on: r.ended_on,
                })
                .collect(),
        ),
        ImportKind::Invoices => Parsed::Invoices(
            churnwise_ingest::read_invoices(path)
                .map_err(ingest_error)?
                .records
                .into_iter()
                .map(|r| InvoiceImport {
                    line: r.line,
                    invoice_ref: r.invoice_id,
                    customer_ref: r.customer_id,
                    amount: r.amount,
                    issued_on: r.issued_on,
                    due_on: r.due_on,
                    paid_on: r.paid_on,
                })
                .collect(),
        ),
    })
}
