//! Why a table could not be built or written.

/// Why a table could not be built or written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A row has a different number of cells than the header.
    #[error("row {row} has {got} cells but the header has {expected}")]
    RowWidth {
        /// The row's index among the data rows, from 0.
        row: usize,
        /// The header's width.
        expected: usize,
        /// The row's width.
        got: usize,
    },
    /// A totals row asks to sum a column that holds text or percentages.
    #[error("column {column:?} cannot be summed: it holds text or percentages")]
    CannotSum {
        /// The column's header.
        column: String,
    },
    /// The CSV writer failed.
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    /// The Excel writer failed.
    #[error("writing Excel: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// Writing the output failed.
    #[error("writing the file: {0}")]
    Io(#[from] std::io::Error),
}

impl ExportError {
    /// A stable snake_case code clients can match on.
    pub fn code(&self) -> &'static str {
        match self {
            ExportError::RowWidth { .. } => "row_width",
            ExportError::CannotSum { .. } => "cannot_sum",
            ExportError::Csv(_) => "csv_write_failed",
            ExportError::Xlsx(_) => "xlsx_write_failed",
            ExportError::Io(_) => "io_failed",
        }
    }
}
