//! `churnwise export reasons`: the reasons matrix, and the usage of lost
//! clients in their last 90 days (issue 18), as a real Excel workbook (two
//! sheets, as `GET /api/v1/reports/reasons.xlsx` gives) or as CSV (the
//! matrix in the file named, as `GET /api/v1/reports/reasons.csv` gives,
//! and the usage in a second file beside it, `NAME-usage.csv`).

use super::Context;
use churnwise_app::reports::{reasons_report_with_usage, ReasonsRequest};
use churnwise_app::AppError;
use churnwise_domain::Lang;
use churnwise_export::{write_csv, write_xlsx_sheets, CsvOptions, Table};
use clap::{Args, Subcommand, ValueEnum};
use std::path::Path;
use std::path::PathBuf;

/// Export reports to files.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    command: ExportCommand,
    /// Workspace (default: the only one).
    #[arg(long, global = true)]
    workspace: Option<String>,
}

/// The file type of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FileFormat {
    /// Excel workbook (.xlsx): header row, frozen panes, number formats, totals.
    Xlsx,
    /// CSV, UTF-8 with a byte order mark.
    Csv,
}

/// Rows of the reasons matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum By {
    /// One row per month of the range.
    Month,
    /// One row per client segment.
    Segment,
    /// One row per owner.
    Owner,
    /// One row per plan.
    Plan,
}

#[derive(Debug, Subcommand)]
enum ExportCommand {
    /// Departures and lost MRR by primary reason × month (or segment, owner,
    /// plan), and the usage of the clients lost for each reason in their
    /// last 90 days: a second sheet of the .xlsx, or a second CSV file
    /// beside the one named (`reasons.csv` and `reasons-usage.csv`).
    ///
    /// Example: churnwise export reasons --format xlsx --from 2024-01 --to 2024-12 --by segment -o reasons.xlsx
    Reasons {
        /// xlsx or csv.
        #[arg(long, value_enum)]
        format: FileFormat,
        /// First month, YYYY-MM (by the client's end date).
        #[arg(long)]
        from: String,
        /// Last month, YYYY-MM, included.
        #[arg(long)]
        to: String,
        /// What the rows are.
        #[arg(long, value_enum, default_value_t = By::Month)]
        by: By,
        /// Language of the labels: en or es.
        #[arg(long, default_value = "en")]
        lang: String,
        /// The file to write.
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
}

/// Runs `export …`.
pub async fn run(ctx: &Context, args: ExportArgs) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
    match args.command {
        ExportCommand::Reasons {
            format,
            from,
            to,
            by,
            lang,
            output,
        } => {
            let lang = match lang.trim() {
                "en" => Lang::En,
                "es" => Lang::Es,
                other => anyhow::bail!("--lang: {other:?} is not en or es"),
            };
            let by = match by {
                By::Month => churnwise_domain::reasons_matrix::MatrixDimension::Month,
                By::Segment => churnwise_domain::reasons_matrix::MatrixDimension::Segment,
                By::Owner => churnwise_domain::reasons_matrix::MatrixDimension::Owner,
                By::Plan => churnwise_domain::reasons_matrix::MatrixDimension::Plan,
            };
            let request =
                ReasonsRequest::parse(Some(&from), Some(&to), Some(by)).map_err(flag_error)?;
            let report = reasons_report_with_usage(store.as_ref(), ws.id, request)
                .await
                .map_err(flag_error)?;
            let [table, usage] = churnwise_app::reasons_export::reasons_tables(&report, lang);
            let written = match format {
                FileFormat::Xlsx => {
                    write_xlsx_sheets(&[&table, &usage], &output)
                        .map_err(|e| anyhow::anyhow!("-o {}: {e}", output.display()))?;
                    output.display().to_string()
                }
                FileFormat::Csv => {
                    let usage_path = usage_file(&output);
                    csv_file(&table, &output)?;
                    csv_file(&usage, &usage_path)?;
                    format!("{} and {}", output.display(), usage_path.display())
                }
            };
            let matrix = &report.matrix;
            eprintln!(
                "wrote {written} ({} departures, {} lost MRR, {} rows; usage of {} metrics)",
                matrix.grand_total.departures,
                matrix.grand_total.lost_mrr,
                matrix.rows.len(),
                report.usage.metrics.len()
            );
        }
    }
    Ok(())
}

/// The file beside `output` that takes the usage table: `reasons.csv` →
/// `reasons-usage.csv`.
fn usage_file(output: &Path) -> std::path::PathBuf {
    let stem = output
        .file_stem()
        .map_or_else(|| "reasons".into(), |s| s.to_string_lossy().into_owned());
    let name = match output.extension() {
        Some(ext) => format!("{stem}-usage.{}", ext.to_string_lossy()),
        None => format!("{stem}-usage"),
    };
    output.with_file_name(name)
}

/// Writes `table` as CSV at `path`, an error naming `-o` and the file.
fn csv_file(table: &Table, path: &Path) -> anyhow::Result<()> {
    let file =
        std::fs::File::create(path).map_err(|e| anyhow::anyhow!("-o {}: {e}", path.display()))?;
    write_csv(table, std::io::BufWriter::new(file), CsvOptions::default())
        .map_err(|e| anyhow::anyhow!("-o {}: {e}", path.display()))
}

/// A report error with the flag named (`--from: …`).
fn flag_error(e: AppError) -> anyhow::Error {
    crate::errors::cli_error(e, &crate::errors::USUAL)
}
