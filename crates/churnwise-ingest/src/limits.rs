//! How much an input file may make us read: a workbook's uncompressed size
//! (a zip bomb inflates a few megabytes into gigabytes), rows, and the length
//! of a CSV line. Checked before reading (the zip's declared sizes, a CSV
//! file's lines) and again while reading (a zip entry's declared size can
//! lie), so memory stays bounded whatever the file claims.

/// The bounds of one read; [`ReadLimits::default`] gives the product's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Bytes a workbook may hold once inflated, all its parts together.
    pub max_uncompressed_bytes: u64,
    /// Rows of data (lines of a CSV file, rows of a sheet) a file may hold.
    pub max_rows: u64,
    /// Bytes of one CSV line.
    pub max_line_bytes: u64,
}

/// Default of [`ReadLimits::max_uncompressed_bytes`]: 200 MB.
pub const DEFAULT_MAX_UNCOMPRESSED_BYTES: u64 = 200 * 1_000_000;
/// Default of [`ReadLimits::max_rows`]: 5,000,000.
pub const DEFAULT_MAX_ROWS: u64 = 5_000_000;
/// Default of [`ReadLimits::max_line_bytes`]: 1 MiB.
pub const DEFAULT_MAX_LINE_BYTES: u64 = 1 << 20;
/// Columns a sheet may have (Excel's own maximum, XFD).
pub const MAX_SHEET_COLUMNS: u32 = 16_384;

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_uncompressed_bytes: DEFAULT_MAX_UNCOMPRESSED_BYTES,
            max_rows: DEFAULT_MAX_ROWS,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
        }
    }
}

impl ReadLimits {
    /// The default limits without a bound on rows: metrics file mode, whose
    /// memory grows with the rows by design (docs/benchmarks.md runs it on
    /// six million invoices), keeps the zip-bomb and line bounds.
    pub fn without_row_limit() -> Self {
        ReadLimits {
            max_rows: u64::MAX,
            ..ReadLimits::default()
        }
    }
}

/// Which bound a file went past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// [`ReadLimits::max_uncompressed_bytes`].
    UncompressedSize,
    /// [`ReadLimits::max_rows`].
    Rows,
    /// [`ReadLimits::max_line_bytes`].
    LineLength,
    /// [`MAX_SHEET_COLUMNS`].
    Columns,
}

impl Limit {
    /// The setting that raises this limit, as `churnwise.toml` names it.
    pub fn setting(self) -> &'static str {
        match self {
            Limit::UncompressedSize => "import.max_uncompressed_mb",
            Limit::Rows => "import.max_rows",
            Limit::LineLength => "import.max_line_kb",
            Limit::Columns => "the XLSX format's 16384 columns",
        }
    }
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Limit::UncompressedSize => "uncompressed size",
            Limit::Rows => "rows",
            Limit::LineLength => "line length",
            Limit::Columns => "columns",
        })
    }
}

/// How a limit's value is written in its error: sizes in MB or KiB as their settings count them.
pub(crate) fn limit_value(limit: Limit, value: u64) -> String {
    match limit {
        Limit::UncompressedSize => format!("{} MB", value / 1_000_000),
        Limit::LineLength => format!("{} KiB", value / 1024),
        Limit::Rows | Limit::Columns => value.to_string(),
    }
}
