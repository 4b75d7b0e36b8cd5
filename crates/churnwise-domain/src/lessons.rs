//! Lessons from a departure: corrective actions (what, owner, due, done) and
//! the date to follow up with the former client and invite them back.

use crate::departure::CaseError;
use crate::text::{Check, ItemId, Label, Text};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A new corrective action, as raw input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NewCorrectiveActionInput {
    /// What is to be corrected.
    pub what: Option<String>,
    /// Who does it.
    pub owner: Option<String>,
    /// By when.
    pub due_on: Option<NaiveDate>,
}

/// A validated new corrective action, before it gets its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCorrectiveAction {
    what: Text,
    owner: Label,
    due_on: NaiveDate,
}

impl NewCorrectiveAction {
    /// Checks the input; all three fields are required.
    pub fn parse(input: NewCorrectiveActionInput) -> Result<Self, CaseError> {
        let mut check = Check::default();
        let what = check.text("what", input.what.as_deref());
        let owner = check.label("owner", input.owner.as_deref());
        let due_on = check.required("due_on", input.due_on);
        check.finish()?;
        Ok(NewCorrectiveAction {
            what: what.expect("checked"),
            owner: owner.expect("checked"),
            due_on: due_on.expect("checked"),
        })
    }
}

/// A corrective action learnt from a departure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectiveAction {
    id: ItemId,
    what: Text,
    owner: Label,
    due_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    done_on: Option<NaiveDate>,
}

impl CorrectiveAction {
    /// Its number in the case.
    pub fn id(&self) -> ItemId {
        self.id
    }
    /// What is to be corrected.
    pub fn what(&self) -> &Text {
        &self.what
    }
    /// Who does it.
    pub fn owner(&self) -> &Label {
        &self.owner
    }
    /// By when.
    pub fn due_on(&self) -> NaiveDate {
        self.due_on
    }
    /// When it was done.
    pub fn done_on(&self) -> Option<NaiveDate> {
        self.done_on
    }
    /// True when not done and due on or before `today`.
    pub fn is_due(&self, today: NaiveDate) -> bool {
        self.done_on.is_none() && self.due_on <= today
    }
}

/// The lessons of a case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lessons {
    corrective_actions: Vec<CorrectiveAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    win_back_follow_up_on: Option<NaiveDate>,
}

impl Lessons {
    /// The corrective actions.
    pub fn corrective_actions(&self) -> &[CorrectiveAction] {
        &self.corrective_actions
    }
    /// The day to tell the former client what was corrected and invite them back.
    pub fn win_back_follow_up_on(&self) -> Option<NaiveDate> {
        self.win_back_follow_up_on
    }

    /// The lessons with a new corrective action, and its number.
    pub fn with_action(&self, action: NewCorrectiveAction) -> (Self, ItemId) {
        let id = ItemId::next_after(self.corrective_actions.iter().map(|a| a.id));
        let mut next = self.clone();
        next.corrective_actions.push(CorrectiveAction {
            id,
            what: action.what,
            owner: action.owner,
            due_on: action.due_on,
            done_on: None,
        });
        (next, id)
    }

    /// The lessons with a corrective action done on `on`.
    pub fn with_done(&self, id: ItemId, on: NaiveDate) -> Result<Self, CaseError> {
        let mut next = self.clone();
        let action = next
            .corrective_actions
            .iter_mut()
            .find(|a| a.id == id)
            .ok_or(CaseError::UnknownItem {
                what: "corrective action",
                id,
            })?;
        action.done_on = Some(on);
        Ok(next)
    }

    /// The lessons with the win-back follow-up date set or cleared.
    pub fn with_follow_up(&self, on: Option<NaiveDate>) -> Self {
        let mut next = self.clone();
        next.win_back_follow_up_on = on;
        next
    }

    /// The corrective actions not done and due by `today`.
    pub fn due_actions(&self, today: NaiveDate) -> impl Iterator<Item = &CorrectiveAction> {
        self.corrective_actions
            .iter()
            .filter(move |a| a.is_due(today))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        crate::parse_date(s).unwrap()
    }

    #[test]
    fn a_corrective_action_needs_what_owner_and_due_date() {
        let err = NewCorrectiveAction::parse(NewCorrectiveActionInput::default()).unwrap_err();
        assert_eq!(err.fields(), vec!["what", "owner", "due_on"]);
    }

    #[test]
    fn a_corrective_action_is_due_until_done() {
        let action = NewCorrectiveAction::parse(NewCorrectiveActionInput {
            what: Some("Weekly status email".into()),
            owner: Some("Luis".into()),
            due_on: Some(day("2024-05-01")),
        })
        .unwrap();
        let (lessons, id) = Lessons::default().with_action(action);
        assert_eq!(lessons.due_actions(day("2024-04-30")).count(), 0);
        assert_eq!(lessons.due_actions(day("2024-05-01")).count(), 1);
        let lessons = lessons.with_done(id, day("2024-05-02")).unwrap();
        assert_eq!(lessons.due_actions(day("2024-06-01")).count(), 0);
        assert_eq!(
            lessons
                .with_done(ItemId(7), day("2024-05-02"))
                .unwrap_err()
                .code(),
            "unknown_item"
        );
    }
}
