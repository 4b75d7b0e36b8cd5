//! Report tables written to CSV and to real Excel (.xlsx) files. Every text
//! cell that a spreadsheet could run as a formula is neutralised first (see
//! [`neutralise`]). Adapters build a [`Table`] (or take one from
//! [`reasons_matrix_table`]) and call [`write_csv`] or [`xlsx_bytes`].

mod csv_writer;
mod error;
mod neutralise;
mod reasons_matrix;
mod table;
mod xlsx_writer;

pub use csv_writer::{csv_bytes, write_csv, CsvOptions};
pub use error::ExportError;
pub use neutralise::{needs_neutralising, neutralise, neutralise_csv};
pub use reasons_matrix::reasons_matrix_table;
pub use table::{Cell, Table, Total};
pub use xlsx_writer::{write_xlsx, write_xlsx_sheets, xlsx_bytes, xlsx_bytes_sheets};
