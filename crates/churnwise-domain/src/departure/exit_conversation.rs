//! The exit conversation: the client's own words, the primary and secondary
//! reasons, and whether it was in our control, renegotiable, and which
//! departments, processes and roles were involved.

use super::{CaseError, DepartureKind};
use crate::reasons::{ReasonKey, ReasonList};
use crate::text::{Check, Label, Text};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The exit conversation as raw input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ExitConversationInput {
    /// The day it was held.
    pub held_on: Option<NaiveDate>,
    /// The client's own words.
    pub clients_words: Option<String>,
    /// The key of the primary reason.
    pub primary_reason: Option<String>,
    /// The keys of any secondary reasons.
    pub secondary_reasons: Vec<String>,
    /// Was it within our control?
    pub controllable: Option<bool>,
    /// Is anything renegotiable?
    pub renegotiable: Option<bool>,
    /// Departments involved.
    pub departments: Vec<String>,
    /// Processes involved.
    pub processes: Vec<String>,
    /// Front-line roles involved.
    pub roles: Vec<String>,
}

/// A validated exit conversation: secondary reasons are distinct and never
/// repeat the primary one. Whether the reasons may be chosen (known, not
/// retired, fit for the case's kind) is checked when it is recorded on a
/// case, against the workspace's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ExitConversationInput")]
pub struct ExitConversation {
    #[serde(skip_serializing_if = "Option::is_none")]
    held_on: Option<NaiveDate>,
    clients_words: Text,
    primary_reason: ReasonKey,
    secondary_reasons: Vec<ReasonKey>,
    controllable: bool,
    renegotiable: bool,
    departments: Vec<Label>,
    processes: Vec<Label>,
    roles: Vec<Label>,
}

impl ExitConversation {
    /// Checks the input's shape, naming every missing or invalid field.
    pub fn parse(input: ExitConversationInput) -> Result<Self, CaseError> {
        let mut check = Check::default();
        let clients_words = check.text("clients_words", input.clients_words.as_deref());
        let primary = check.take(ReasonKey::parse(
            "primary_reason",
            input.primary_reason.as_deref().unwrap_or(""),
        ));
        let secondary: Vec<ReasonKey> = input
            .secondary_reasons
            .iter()
            .enumerate()
            .filter(|(_, k)| !k.trim().is_empty())
            .filter_map(|(i, k)| {
                check.take(ReasonKey::parse(&format!("secondary_reasons[{i}]"), k))
            })
            .collect();
        let controllable = check.required("controllable", input.controllable);
        let renegotiable = check.required("renegotiable", input.renegotiable);
        let departments = check.labels("departments", &input.departments);
        let processes = check.labels("processes", &input.processes);
        let roles = check.labels("roles", &input.roles);
        check.finish()?;
        let primary = primary.expect("checked");
        for (i, key) in secondary.iter().enumerate() {
            if *key == primary {
                return Err(CaseError::SecondaryRepeatsPrimary {
                    key: key.to_string(),
                });
            }
            if secondary[..i].contains(key) {
                return Err(CaseError::DuplicateSecondaryReason {
                    key: key.to_string(),
                });
            }
        }
        Ok(ExitConversation {
            held_on: input.held_on,
            clients_words: clients_words.expect("checked"),
            primary_reason: primary,
            secondary_reasons: secondary,
            controllable: controllable.expect("checked"),
            renegotiable: renegotiable.expect("checked"),
            departments,
            processes,
            roles,
        })
    }

    /// Checks that every reason can be chosen now for a departure of `kind`.
    pub fn check_reasons(
        &self,
        kind: DepartureKind,
        reasons: &ReasonList,
    ) -> Result<(), CaseError> {
        reasons.choose("primary_reason", &self.primary_reason, kind)?;
        for (i, key) in self.secondary_reasons.iter().enumerate() {
            reasons.choose(&format!("secondary_reasons[{i}]"), key, kind)?;
        }
        Ok(())
    }

    /// The day it was held.
    pub fn held_on(&self) -> Option<NaiveDate> {
        self.held_on
    }
    /// The client's own words.
    pub fn clients_words(&self) -> &Text {
        &self.clients_words
    }
    /// The primary reason.
    pub fn primary_reason(&self) -> &ReasonKey {
        &self.primary_reason
    }
    /// The secondary reasons.
    pub fn secondary_reasons(&self) -> &[ReasonKey] {
        &self.secondary_reasons
    }
    /// Was it within our control?
    pub fn controllable(&self) -> bool {
        self.controllable
    }
    /// Is anything renegotiable?
    pub fn renegotiable(&self) -> bool {
        self.renegotiable
    }
    /// Departments involved.
    pub fn departments(&self) -> &[Label] {
        &self.departments
    }
    /// Processes involved.
    pub fn processes(&self) -> &[Label] {
        &self.processes
    }
    /// Front-line roles involved.
    pub fn roles(&self) -> &[Label] {
        &self.roles
    }
}

impl TryFrom<ExitConversationInput> for ExitConversation {
    type Error = CaseError;
    fn try_from(input: ExitConversationInput) -> Result<Self, Self::Error> {
        Self::parse(input)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn conversation_input(primary: &str, secondary: &[&str]) -> ExitConversationInput {
        ExitConversationInput {
            held_on: None,
            clients_words: Some("We can't justify the cost any more.".into()),
            primary_reason: Some(primary.into()),
            secondary_reasons: secondary.iter().map(|s| s.to_string()).collect(),
            controllable: Some(true),
            renegotiable: Some(true),
            departments: vec!["Sales".into(), " ".into(), "sales".into()],
            processes: vec![],
            roles: vec!["Account manager".into()],
        }
    }

    #[test]
    fn a_conversation_with_distinct_reasons_parses_and_skips_blank_and_repeated_labels() {
        let c =
            ExitConversation::parse(conversation_input("price_too_high", &["budget_cut"])).unwrap();
        assert_eq!(c.primary_reason().as_str(), "price_too_high");
        assert_eq!(c.departments().len(), 1);
    }

    #[test]
    fn a_secondary_reason_cannot_repeat_the_primary() {
        let err =
            ExitConversation::parse(conversation_input("price_too_high", &["price_too_high"]))
                .unwrap_err();
        assert_eq!(err.code(), "secondary_repeats_primary");
        assert_eq!(err.fields(), vec!["secondary_reasons"]);
    }

    #[test]
    fn a_secondary_reason_cannot_be_listed_twice() {
        let err = ExitConversation::parse(conversation_input(
            "price_too_high",
            &["budget_cut", "budget_cut"],
        ))
        .unwrap_err();
        assert_eq!(err.code(), "duplicate_secondary_reason");
    }

    #[test]
    fn a_conversation_without_words_reason_or_answers_names_them() {
        let err = ExitConversation::parse(ExitConversationInput::default()).unwrap_err();
        assert_eq!(
            err.fields(),
            vec![
                "clients_words",
                "primary_reason",
                "controllable",
                "renegotiable"
            ]
        );
    }

    #[test]
    fn a_retired_secondary_reason_cannot_be_chosen() {
        let reasons = ReasonList::default_list()
            .retire(&ReasonKey::parse("k", "budget_cut").unwrap())
            .unwrap();
        let c =
            ExitConversation::parse(conversation_input("price_too_high", &["budget_cut"])).unwrap();
        let err = c
            .check_reasons(DepartureKind::ClientLeaving, &reasons)
            .unwrap_err();
        assert_eq!(err.code(), "retired_reason");
        assert_eq!(err.fields(), vec!["secondary_reasons[0]"]);
    }
}
