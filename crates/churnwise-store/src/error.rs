//! Errors of the storage layer. Adapters map them: `NotFound` to 404,
//! `Conflict` and `StaleVersion` to 409, `Invalid` to 422 naming the field, `Busy` to 503 with `Retry-After`, `Backend` to 500
//! without showing its text to the user.

/// What went wrong in a storage call.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist in this workspace.
    #[error("not found")]
    NotFound,
    /// A unique value is already taken (field, message).
    #[error("{field}: {message}")]
    Conflict {
        /// The field whose value is taken.
        field: String,
        /// Human description.
        message: String,
    },
    /// The record changed since it was read: a save at an older version
    /// was refused (the message says what changed).
    #[error("version: {0}")]
    StaleVersion(String),
    /// Input that only the database can check is invalid, e.g. an import row
    /// naming an unknown customer.
    #[error("{} problem(s) in the input", .0.len())]
    Invalid(Vec<RowProblem>),
    /// Another writer held the database for longer than this write could
    /// wait (SQLite's busy timeout, then a few retries): nothing was
    /// written, and the same call may succeed a little later.
    #[error("the database is busy with another write; try again shortly")]
    Busy(#[source] anyhow::Error),
    /// The database failed.
    #[error(transparent)]
    Backend(#[from] anyhow::Error),
}

/// One rejected input row: its line in the source file, column and reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// Physical line in the source file (header = 1).
    pub line: u64,
    /// Column name.
    pub column: String,
    /// Why it is rejected.
    pub reason: String,
}

impl From<RowProblem> for churnwise_domain::FieldProblem {
    /// The row's column and reason (its line is the file's business).
    fn from(p: RowProblem) -> Self {
        churnwise_domain::FieldProblem::new(p.column, p.reason)
    }
}
