//! The rule that a client has at most one open departure case.

use super::{CaseError, Stage};
use serde::{Deserialize, Serialize};

/// A case the client already has, as storage knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExistingCase {
    /// The case's id in storage.
    pub case_id: i64,
    /// Its stage.
    pub stage: Stage,
}

/// Refuses a new case while the client has one that is not closed.
pub fn ensure_no_open_case(existing: &[ExistingCase]) -> Result<(), CaseError> {
    match existing.iter().find(|c| c.stage.is_open()) {
        Some(open) => Err(CaseError::CaseAlreadyOpen {
            case_id: open.case_id,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_without_cases_or_with_only_closed_ones_can_open_a_case() {
        assert!(ensure_no_open_case(&[]).is_ok());
        assert!(ensure_no_open_case(&[ExistingCase {
            case_id: 1,
            stage: Stage::Closed
        }])
        .is_ok());
    }

    #[test]
    fn a_second_open_case_is_refused_naming_the_open_one() {
        let err = ensure_no_open_case(&[
            ExistingCase {
                case_id: 1,
                stage: Stage::Closed,
            },
            ExistingCase {
                case_id: 7,
                stage: Stage::Offboarding,
            },
        ])
        .unwrap_err();
        assert_eq!(err.code(), "case_already_open");
        assert_eq!(
            err.to_string(),
            "the client already has an open departure case (7)"
        );
    }
}
