//! The one error of the application layer. Every use case returns
//! [`AppError`]; the adapters turn it into their own answer once: the web
//! crate into problem+json (`churnwise_web::error`) and into error pages,
//! the CLI into `--flag: reason` lines (`churnwise::cli_error`). Nothing
//! recognises an error by its text: a stale form is [`AppError::StaleVersion`],
//! a taken value [`AppError::Conflict`].

use churnwise_domain::registry::FieldProblem;
use churnwise_domain::CaseError;
use churnwise_store::StoreError;

/// What a use case can answer instead of its result. On any error nothing
/// was changed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The record is absent, or in another workspace.
    #[error("not found")]
    NotFound,
    /// Input fields failed validation (all of them, at once).
    #[error("invalid fields: {}", join(.0))]
    Invalid(Vec<FieldProblem>),
    /// The record changed since the caller read it (at the version it sent).
    #[error("version: {0}")]
    StaleVersion(String),
    /// A value that must be unique is taken, or the change conflicts with
    /// the record's state.
    #[error("{0}")]
    Conflict(FieldProblem),
    /// An input file is unreadable or has invalid rows (each as
    /// `file:line: column: reason`); nothing was imported.
    #[error("{0}")]
    File(#[from] churnwise_ingest::IngestError),
    /// A departure-case rule refused the step.
    #[error(transparent)]
    Case(#[from] CaseError),
    /// The database was busy with another write (an import, say) for longer
    /// than this change could wait; nothing changed, and the same request
    /// may succeed shortly.
    #[error("the database is busy with another write; try again shortly")]
    Busy,
    /// A members rule refused (roles, invitations).
    #[error(transparent)]
    Member(#[from] crate::members::MemberError),
    /// Something failed inside (the database, a task): logged, not shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
    /// Too many failed sign-ins for the account or from the address:
    /// refused, even with the right password, until the lock ends in
    /// `retry_after_secs` seconds.
    #[error("too many failed sign-ins; try again in {retry_after_secs} s")]
    Throttled {
        /// Seconds until the lock ends.
        retry_after_secs: u64,
    },
}

/// The result of a use case.
pub type AppResult<T> = Result<T, AppError>;

fn join(problems: &[FieldProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl AppError {
    /// A validation error with one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldProblem::new(field, message)])
    }
}

impl From<FieldProblem> for AppError {
    fn from(problem: FieldProblem) -> Self {
        AppError::Invalid(vec![problem])
    }
}

impl From<Vec<FieldProblem>> for AppError {
    fn from(problems: Vec<FieldProblem>) -> Self {
        AppError::Invalid(problems)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::StaleVersion(message) => AppError::StaleVersion(message),
            StoreError::Conflict { field, message } => {
                AppError::Conflict(FieldProblem { field, message })
            }
            StoreError::Invalid(problems) => {
                AppError::Invalid(problems.into_iter().map(FieldProblem::from).collect())
            }
            StoreError::Busy(e) => {
                tracing::warn!(error = %format!("{e:#}"), "database busy: change refused");
                AppError::Busy
            }
            StoreError::Backend(e) => AppError::Internal(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_save_in_the_store_is_a_stale_version_not_a_conflict() {
        let e = AppError::from(StoreError::StaleVersion("changed since".into()));
        assert!(matches!(e, AppError::StaleVersion(m) if m == "changed since"));
    }

    #[test]
    fn a_taken_value_names_its_field() {
        let e = AppError::from(StoreError::Conflict {
            field: "external_id".into(),
            message: "is taken".into(),
        });
        assert!(matches!(e, AppError::Conflict(p) if p.field == "external_id"));
    }
}
