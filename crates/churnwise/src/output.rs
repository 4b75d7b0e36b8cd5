//! Printing records as a table, JSON or CSV (`--format`).

use clap::ValueEnum;
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};

/// How a command prints records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for people.
    #[default]
    Table,
    /// JSON for programs.
    Json,
    /// CSV for spreadsheets.
    Csv,
}

/// Records that can be printed in every format.
pub trait Tabular: serde::Serialize {
    /// Column names.
    fn headers() -> Vec<&'static str>;
    /// The cells of one record, in column order.
    fn cells(&self) -> Vec<String>;
}

/// Writes `text` and a line end to stdout; a closed pipe (`| head`) is no error.
fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// Prints `rows` in `format` to stdout.
pub fn print<T: Tabular>(rows: &[T], format: Format) -> anyhow::Result<()> {
    match format {
        Format::Json => emit(&serde_json::to_string_pretty(rows)?),
        Format::Csv => {
            // Formulas neutralised for `,` and `;` readers alike (a `'`
            // before a formula character at the start or after any
            // separator or line end), so no way of splitting a line meets
            // a formula; quoting stays minimal, as scripts expect.
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(T::headers())?;
            for row in rows {
                w.write_record(
                    row.cells()
                        .iter()
                        .map(|c| churnwise_export::neutralise_csv(c).into_owned()),
                )?;
            }
            let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
            emit(String::from_utf8_lossy(&bytes).trim_end_matches('\n'))
        }
        Format::Table => {
            let mut table = Table::new();
            table
                .load_preset(UTF8_FULL_CONDENSED)
                .set_header(T::headers());
            for row in rows {
                table.add_row(row.cells());
            }
            emit(&table.to_string())
        }
    }
}

/// Prints one record.
pub fn print_one<T: Tabular>(row: &T, format: Format) -> anyhow::Result<()> {
    match format {
        Format::Json => emit(&serde_json::to_string_pretty(row)?),
        _ => print(std::slice::from_ref(row), format),
    }
}

/// Text of an optional value, empty when absent.
pub fn opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}
