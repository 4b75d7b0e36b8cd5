//! Reading the three input files of `spec/metrics.md` (customers,
//! subscriptions, invoices) from CSV or the first sheet of an `.xlsx`
//! workbook, with every rule of "Bad input": problems are reported as
//! `file:line: column: reason`, the first 20 and the total, and nothing is
//! taken from files with any problem.
//!
//! Two ways in:
//! - [`read_all`] (and [`read_customers`], [`read_subscriptions`],
//!   [`read_invoices`], [`parse_csv_bytes`]): owned records with `String`
//!   ids and line numbers, for the import command;
//! - [`load_metrics_input`]: the fast path of metrics file mode, parsing
//!   in parallel straight from the bytes into the engine's input.

mod checks;
mod fast;
mod ids;
mod limits;
mod mapping;
mod owned;
mod problems;
mod rows;
mod table;
mod xlsx;

pub use fast::load_metrics_input;
pub use limits::{
    Limit, ReadLimits, DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_ROWS, DEFAULT_MAX_UNCOMPRESSED_BYTES,
    MAX_SHEET_COLUMNS,
};
pub use mapping::{peek, HeaderMap, Peek};
pub use owned::{
    check_customer_references, parse_csv_bytes, read_all, read_contacts_mapped, read_customers,
    read_customers_mapped, read_interactions_mapped, read_invoices, read_invoices_mapped,
    read_subscriptions, read_subscriptions_mapped, read_work_mapped, CustomerRecord, FileRecords,
    ImportedFiles, IngestError, InputFiles, InvoiceRecord, SubscriptionRecord, WorkRecord,
};
pub use problems::{InputProblems, Problem, MAX_SHOWN};
pub use rows::FileKind;
pub use table::ReadError;
