//! `churnwise export reasons`: the reasons matrix as a real Excel workbook
//! or as CSV, the same file `GET /api/v1/reports/reasons.xlsx|.csv` gives.

use super::Context;
use churnwise_app::reports::{reasons_report, ReasonsRequest};
use churnwise_app::AppError;
use churnwise_domain::Lang;
use churnwise_export::{reasons_matrix_table, write_csv, write_xlsx, CsvOptions};
use clap::{Args, Subcommand, ValueEnum};
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
    /// Departures and lost MRR by primary reason × month (or segment, owner, plan).
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
            let matrix = reasons_report(store.as_ref(), ws.id, request)
                .await
                .map_err(flag_error)?;
            let table = reasons_matrix_table(&matrix, lang);
            match format {
                FileFormat::Xlsx => write_xlsx(&table, &output)
                    .map_err(|e| anyhow::anyhow!("-o {}: {e}", output.display()))?,
                FileFormat::Csv => {
                    let file = std::fs::File::create(&output)
                        .map_err(|e| anyhow::anyhow!("-o {}: {e}", output.display()))?;
                    write_csv(&table, std::io::BufWriter::new(file), CsvOptions::default())
                        .map_err(|e| anyhow::anyhow!("-o {}: {e}", output.display()))?;
                }
            }
            eprintln!(
                "wrote {} ({} departures, {} lost MRR, {} rows)",
                output.display(),
                matrix.grand_total.departures,
                matrix.grand_total.lost_mrr,
                matrix.rows.len()
            );
        }
    }
    Ok(())
}

/// A report error with the flag named (`--from: …`).
fn flag_error(e: AppError) -> anyhow::Error {
    crate::errors::cli_error(e, &crate::errors::USUAL)
}
