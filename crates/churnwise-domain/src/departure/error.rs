//! The one error type of the departure rules. Each variant has a stable
//! snake_case [`CaseError::code`] and names the fields or items concerned in
//! [`CaseError::fields`], so the API can answer problem+json with field names.

use super::{DepartureKind, Outcome, Stage};
use crate::text::ItemId;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::fmt;

pub use crate::problem::FieldProblem;

/// An open required checklist item that stops a case from closing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenItem {
    /// The item's number in the case.
    pub id: ItemId,
    /// The item's label in English.
    pub label: String,
    /// The item's label in Spanish (the same as `label` for an item a user typed).
    #[serde(skip)]
    pub label_es: String,
}

impl OpenItem {
    /// The item's label in a language.
    pub fn label_in(&self, lang: crate::Lang) -> &str {
        lang.pick(&self.label, &self.label_es)
    }
}

/// The sort of a [`CaseError`], for adapters choosing a status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseErrorKind {
    /// The input is invalid (HTTP 422).
    Invalid,
    /// An item or survey does not exist in the case (HTTP 404).
    NotFound,
    /// The case's state does not allow the step (HTTP 409).
    Conflict,
    /// The survey link has expired (HTTP 410).
    Gone,
}

/// Why a departure case rule refused a step. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    /// Input fields are missing or invalid; every problem is listed.
    #[error("invalid input: {}", join(.0))]
    InvalidInput(Vec<FieldProblem>),
    /// The step is not allowed at the case's current stage.
    #[error("cannot {action} while the case is at stage {stage}; allowed at: {}", join(.allowed))]
    WrongStage {
        /// The refused step, in words (`close the case`).
        action: &'static str,
        /// The stage the case is at.
        stage: Stage,
        /// The stages where the step is allowed.
        allowed: Vec<Stage>,
    },
    /// The client already has an open departure case.
    #[error("the client already has an open departure case ({case_id})")]
    CaseAlreadyOpen {
        /// The open case's id in storage.
        case_id: i64,
    },
    /// The reason key is not in the workspace's reason list.
    #[error("{field}: unknown reason {key:?}")]
    UnknownReason {
        /// The input field holding the key.
        field: String,
        /// The key.
        key: String,
    },
    /// The reason is retired and cannot be chosen for a new conversation.
    #[error("{field}: reason {key:?} is retired and cannot be chosen")]
    RetiredReason {
        /// The input field holding the key.
        field: String,
        /// The key.
        key: String,
    },
    /// The reason does not apply to this kind of departure.
    #[error("{field}: reason {key:?} does not apply to a {kind} departure")]
    ReasonNotForKind {
        /// The input field holding the key.
        field: String,
        /// The key.
        key: String,
        /// The case's kind.
        kind: DepartureKind,
    },
    /// A secondary reason repeats the primary one.
    #[error("secondary_reasons: {key:?} is already the primary reason")]
    SecondaryRepeatsPrimary {
        /// The repeated key.
        key: String,
    },
    /// A secondary reason is listed twice.
    #[error("secondary_reasons: {key:?} is listed twice")]
    DuplicateSecondaryReason {
        /// The repeated key.
        key: String,
    },
    /// A new reason's key is already used in the list (retired ones too).
    #[error("key: a reason with key {key:?} already exists")]
    ReasonKeyTaken {
        /// The key.
        key: String,
    },
    /// A waiver was asked for without a reason.
    #[error("{field}: waiving needs a reason")]
    WaiverNeedsReason {
        /// The field that must hold the reason.
        field: String,
    },
    /// No item with this number exists in the case.
    #[error("no {what} with id {id} in this case")]
    UnknownItem {
        /// What kind of item (`checklist item`, `retention action`, ...).
        what: &'static str,
        /// The number asked for.
        id: ItemId,
    },
    /// Required checklist items are open or invoices are unpaid and not waived.
    #[error("cannot close the case: {}", close_blockers(.open_items, .unpaid_invoices))]
    CannotClose {
        /// The open required checklist items.
        open_items: Vec<OpenItem>,
        /// The references of the unpaid, unwaived invoices.
        unpaid_invoices: Vec<String>,
    },
    /// The case has no exit survey yet.
    #[error("the case has no exit survey")]
    NoSurvey,
    /// The exit survey was already answered; it can be answered once.
    #[error("the exit survey was already answered")]
    SurveyAlreadyAnswered,
    /// The exit survey link has expired.
    #[error("the exit survey expired at {expired_at}")]
    SurveyExpired {
        /// When it expired.
        expired_at: DateTime<Utc>,
    },
    /// A testimonial was given where none was asked for.
    #[error("testimonial: no testimonial is asked for when the primary reason is about the quality of the work")]
    TestimonialNotOffered,
    /// A testimonial was given without consent to publish it.
    #[error("testimonial_consent: a testimonial needs explicit consent to publish")]
    TestimonialNeedsConsent,
    /// A retention attempt is for a client that leaves, not for one the team lets go.
    #[error("a retention attempt does not apply to a {kind} departure")]
    RetentionNotForKind {
        /// The case's kind.
        kind: DepartureKind,
    },
    /// The retention attempt has no outcome yet (retained or leaving).
    #[error("retention.outcome: the retention attempt has no outcome yet")]
    RetentionUndecided,
    /// The retention attempt already has an outcome.
    #[error("retention.outcome: the retention attempt already ended as {outcome}")]
    RetentionDecided {
        /// The outcome recorded.
        outcome: &'static str,
    },
    /// The closing outcome does not fit the case.
    #[error("outcome: a {kind} case cannot close as {outcome}; expected {expected}")]
    OutcomeMismatch {
        /// The case's kind.
        kind: DepartureKind,
        /// The outcome asked for.
        outcome: Outcome,
        /// The outcome that fits.
        expected: Outcome,
    },
    /// Only a lost or fired client can be won back, and only once.
    #[error("won_back_on: {why}")]
    CannotWinBack {
        /// Why, in words.
        why: &'static str,
    },
}

impl CaseError {
    /// The stable snake_case code clients can match on.
    pub fn code(&self) -> &'static str {
        match self {
            CaseError::InvalidInput(_) => "invalid_input",
            CaseError::WrongStage { .. } => "wrong_stage",
            CaseError::CaseAlreadyOpen { .. } => "case_already_open",
            CaseError::UnknownReason { .. } => "unknown_reason",
            CaseError::RetiredReason { .. } => "retired_reason",
            CaseError::ReasonNotForKind { .. } => "reason_not_for_kind",
            CaseError::SecondaryRepeatsPrimary { .. } => "secondary_repeats_primary",
            CaseError::DuplicateSecondaryReason { .. } => "duplicate_secondary_reason",
            CaseError::ReasonKeyTaken { .. } => "reason_key_taken",
            CaseError::WaiverNeedsReason { .. } => "waiver_needs_reason",
            CaseError::UnknownItem { .. } => "unknown_item",
            CaseError::CannotClose { .. } => "cannot_close",
            CaseError::NoSurvey => "no_survey",
            CaseError::SurveyAlreadyAnswered => "survey_already_answered",
            CaseError::SurveyExpired { .. } => "survey_expired",
            CaseError::TestimonialNotOffered => "testimonial_not_offered",
            CaseError::TestimonialNeedsConsent => "testimonial_needs_consent",
            CaseError::RetentionNotForKind { .. } => "retention_not_for_kind",
            CaseError::RetentionUndecided => "retention_undecided",
            CaseError::RetentionDecided { .. } => "retention_decided",
            CaseError::OutcomeMismatch { .. } => "outcome_mismatch",
            CaseError::CannotWinBack { .. } => "cannot_win_back",
        }
    }

    /// The input fields or case items the error is about, for problem+json.
    pub fn fields(&self) -> Vec<String> {
        match self {
            CaseError::InvalidInput(problems) => problems.iter().map(|p| p.field.clone()).collect(),
            CaseError::UnknownReason { field, .. }
            | CaseError::RetiredReason { field, .. }
            | CaseError::ReasonNotForKind { field, .. }
            | CaseError::WaiverNeedsReason { field } => vec![field.clone()],
            CaseError::SecondaryRepeatsPrimary { .. }
            | CaseError::DuplicateSecondaryReason { .. } => vec!["secondary_reasons".into()],
            CaseError::ReasonKeyTaken { .. } => vec!["key".into()],
            CaseError::CannotClose {
                open_items,
                unpaid_invoices,
            } => open_items
                .iter()
                .map(|i| format!("offboarding.items.{}", i.id))
                .chain(unpaid_invoices.iter().map(|r| format!("invoices.{r}")))
                .collect(),
            CaseError::TestimonialNotOffered => vec!["testimonial".into()],
            CaseError::TestimonialNeedsConsent => vec!["testimonial_consent".into()],
            CaseError::RetentionUndecided | CaseError::RetentionDecided { .. } => {
                vec!["retention.outcome".into()]
            }
            CaseError::OutcomeMismatch { .. } => vec!["outcome".into()],
            CaseError::CannotWinBack { .. } => vec!["won_back_on".into()],
            CaseError::WrongStage { .. }
            | CaseError::CaseAlreadyOpen { .. }
            | CaseError::UnknownItem { .. }
            | CaseError::NoSurvey
            | CaseError::SurveyAlreadyAnswered
            | CaseError::SurveyExpired { .. }
            | CaseError::RetentionNotForKind { .. } => Vec::new(),
        }
    }

    /// One problem per field or item concerned, for problem+json `errors`.
    pub fn problems(&self) -> Vec<FieldProblem> {
        match self {
            CaseError::InvalidInput(problems) => problems.clone(),
            CaseError::CannotClose {
                open_items,
                unpaid_invoices,
            } => open_items
                .iter()
                .map(|i| {
                    FieldProblem::invalid(
                        &format!("offboarding.items.{}", i.id),
                        &format!("required item {:?} is open", i.label),
                    )
                })
                .chain(unpaid_invoices.iter().map(|r| {
                    FieldProblem::invalid(&format!("invoices.{r}"), "is unpaid and not waived")
                }))
                .collect(),
            other => {
                let message = other.to_string();
                other
                    .fields()
                    .iter()
                    .map(|f| {
                        let text = message.strip_prefix(&format!("{f}: ")).unwrap_or(&message);
                        FieldProblem::invalid(f, text)
                    })
                    .collect()
            }
        }
    }

    /// What sort of refusal it is, so adapters can pick a status code.
    pub fn kind(&self) -> CaseErrorKind {
        match self {
            CaseError::InvalidInput(_)
            | CaseError::UnknownReason { .. }
            | CaseError::RetiredReason { .. }
            | CaseError::ReasonNotForKind { .. }
            | CaseError::SecondaryRepeatsPrimary { .. }
            | CaseError::DuplicateSecondaryReason { .. }
            | CaseError::WaiverNeedsReason { .. }
            | CaseError::TestimonialNotOffered
            | CaseError::TestimonialNeedsConsent => CaseErrorKind::Invalid,
            CaseError::UnknownItem { .. } | CaseError::NoSurvey => CaseErrorKind::NotFound,
            CaseError::SurveyExpired { .. } => CaseErrorKind::Gone,
            CaseError::WrongStage { .. }
            | CaseError::CaseAlreadyOpen { .. }
            | CaseError::ReasonKeyTaken { .. }
            | CaseError::CannotClose { .. }
            | CaseError::SurveyAlreadyAnswered
            | CaseError::RetentionNotForKind { .. }
            | CaseError::RetentionUndecided
            | CaseError::RetentionDecided { .. }
            | CaseError::OutcomeMismatch { .. }
            | CaseError::CannotWinBack { .. } => CaseErrorKind::Conflict,
        }
    }

    /// The step is not allowed at `stage`; it is at `allowed`.
    pub(crate) fn wrong_stage(action: &'static str, stage: Stage, allowed: &[Stage]) -> Self {
        CaseError::WrongStage {
            action,
            stage,
            allowed: allowed.to_vec(),
        }
    }
}

impl From<FieldProblem> for CaseError {
    fn from(problem: FieldProblem) -> Self {
        CaseError::InvalidInput(vec![problem])
    }
}

fn join<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn close_blockers(open_items: &[OpenItem], unpaid_invoices: &[String]) -> String {
    open_items
        .iter()
        .map(|i| format!("required item {} {:?} is open", i.id, i.label))
        .chain(
            unpaid_invoices
                .iter()
                .map(|r| format!("invoice {r:?} is unpaid and not waived")),
        )
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_input_error_names_every_field() {
        let err = CaseError::InvalidInput(vec![
            FieldProblem::missing("received_on"),
            FieldProblem::missing("channel"),
        ]);
        assert_eq!(err.code(), "invalid_input");
        assert_eq!(err.fields(), vec!["received_on", "channel"]);
        assert_eq!(
            err.to_string(),
            "invalid input: received_on is required; channel is required"
        );
    }

    #[test]
    fn a_cannot_close_error_names_every_item_and_invoice() {
        let err = CaseError::CannotClose {
            open_items: vec![OpenItem {
                id: ItemId(4),
                label: "Final report".into(),
                label_es: "Informe final".into(),
            }],
            unpaid_invoices: vec!["INV-12".into()],
        };
        assert_eq!(
            err.to_string(),
            "cannot close the case: required item 4 \"Final report\" is open; invoice \"INV-12\" is unpaid and not waived"
        );
        assert_eq!(err.fields(), vec!["offboarding.items.4", "invoices.INV-12"]);
        assert_eq!(err.kind(), CaseErrorKind::Conflict);
        let problems = err.problems();
        assert_eq!(
            problems[0].message,
            "required item \"Final report\" is open"
        );
        assert_eq!(problems[1].field, "invoices.INV-12");
    }

    #[test]
    fn a_rule_error_gives_one_problem_per_field_without_repeating_the_name() {
        let err = CaseError::WaiverNeedsReason {
            field: "waiver_reason".into(),
        };
        assert_eq!(
            err.problems(),
            vec![FieldProblem::invalid(
                "waiver_reason",
                "waiving needs a reason"
            )]
        );
        assert_eq!(err.kind(), CaseErrorKind::Invalid);
        assert!(CaseError::NoSurvey.problems().is_empty());
    }

    #[test]
    fn a_wrong_stage_error_says_where_the_step_is_allowed() {
        let err = CaseError::wrong_stage(
            "close the case",
            Stage::Notice,
            &[Stage::Offboarding, Stage::Feedback],
        );
        assert_eq!(err.code(), "wrong_stage");
        assert_eq!(
            err.to_string(),
            "cannot close the case while the case is at stage notice; allowed at: offboarding; feedback"
        );
    }
}
