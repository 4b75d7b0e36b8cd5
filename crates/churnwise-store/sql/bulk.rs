//! Rows written in bulk, a column at a time (issue 14): each backend turns
//! the columns into the rows of an `INSERT … SELECT` or `INSERT … VALUES`
//! its own way (`push_bulk_rows` in the backend's crate). PostgreSQL takes
//! each column as one array parameter (`UNNEST`), so a statement of 10,000
//! rows has a handful of parameters, is planned in no time and fires its
//! statement triggers once; SQLite takes a parameter per value.

use churnwise_store::{Date, Timestamp};

/// One column of the rows of a bulk write; every column of a write holds
/// as many values.
pub(crate) enum BulkColumn<'a> {
    /// `BIGINT` values.
    Int(Vec<i64>),
    /// Texts.
    Text(Vec<&'a str>),
    /// Texts or `NULL`.
    OptText(Vec<Option<&'a str>>),
    /// Calendar dates.
    Date(Vec<Date>),
    /// Calendar dates or `NULL`.
    OptDate(Vec<Option<Date>>),
    /// Instants (UTC).
    Time(Vec<Timestamp>),
}

impl BulkColumn<'_> {
    /// How many rows the column holds.
    pub(crate) fn len(&self) -> usize {
        match self {
            Self::Int(v) => v.len(),
            Self::Text(v) => v.len(),
            Self::OptText(v) => v.len(),
            Self::Date(v) => v.len(),
            Self::OptDate(v) => v.len(),
            Self::Time(v) => v.len(),
        }
    }
}
