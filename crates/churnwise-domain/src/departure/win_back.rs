//! Lessons and win-back on a case: corrective actions, the follow-up date to
//! invite the former client back, and marking a returning client won back.

use super::{CaseError, Change, DepartureCase, Stage};
use crate::history::CaseEvent;
use crate::lessons::NewCorrectiveAction;
use crate::text::ItemId;
use crate::FieldProblem;
use chrono::NaiveDate;

impl DepartureCase {
    /// Adds a corrective action, once the exit conversation is known.
    pub fn add_corrective_action(&self, action: NewCorrectiveAction) -> Result<Change, CaseError> {
        self.require_stage("add a corrective action", &Stage::ALL[1..])?;
        let (lessons, id) = self.lessons.with_action(action);
        let what = lessons
            .corrective_actions()
            .last()
            .expect("just added")
            .what()
            .to_string();
        let mut next = self.clone();
        next.lessons = lessons;
        Ok(Change {
            case: next,
            events: vec![CaseEvent::CorrectiveActionAdded { id, what }],
            created: Some(id),
        })
    }

    /// Marks a corrective action done on `on`.
    pub fn complete_corrective_action(
        &self,
        id: ItemId,
        on: NaiveDate,
    ) -> Result<Change, CaseError> {
        let lessons = self.lessons.with_done(id, on)?;
        let what = lessons
            .corrective_actions()
            .iter()
            .find(|a| a.id() == id)
            .expect("exists")
            .what()
            .to_string();
        let mut next = self.clone();
        next.lessons = lessons;
        Ok(Change {
            case: next,
            events: vec![CaseEvent::CorrectiveActionDone { id, what }],
            created: None,
        })
    }

    fn ensure_departed(&self, action: &'static str) -> Result<(), CaseError> {
        self.require_stage(action, &[Stage::Closed])?;
        if !self.outcome().is_some_and(|o| o.is_departure()) {
            return Err(CaseError::CannotWinBack {
                why: "a saved client never left",
            });
        }
        Ok(())
    }

    /// Sets (or clears) the day to tell the former client what was corrected
    /// and invite them back; only on a closed lost or fired case.
    pub fn set_win_back_follow_up(&self, on: Option<NaiveDate>) -> Result<Change, CaseError> {
        self.ensure_departed("set the win-back follow-up")?;
        let mut next = self.clone();
        next.lessons = self.lessons.with_follow_up(on);
        Ok(Change {
            case: next,
            events: vec![CaseEvent::WinBackFollowUpSet { on }],
            created: None,
        })
    }

    /// True when the win-back follow-up is due on `today` and the client has
    /// not come back yet.
    pub fn win_back_follow_up_due(&self, today: NaiveDate) -> bool {
        self.won_back_on.is_none()
            && self.outcome().is_some_and(|o| o.is_departure())
            && self
                .lessons
                .win_back_follow_up_on()
                .is_some_and(|d| d <= today)
    }

    /// Marks the former client won back on `on` (business reopened): once,
    /// on a closed lost or fired case, not before its end date.
    pub fn mark_won_back(&self, on: NaiveDate) -> Result<Change, CaseError> {
        self.ensure_departed("mark the client won back")?;
        if self.won_back_on.is_some() {
            return Err(CaseError::CannotWinBack {
                why: "the client was already won back",
            });
        }
        let end = self.closure().and_then(|c| c.end_on());
        if end.is_some_and(|end| on < end) {
            return Err(
                FieldProblem::invalid("won_back_on", "must not be before the end date").into(),
            );
        }
        let mut next = self.clone();
        next.won_back_on = Some(on);
        Ok(Change {
            case: next,
            events: vec![CaseEvent::WonBack { on }],
            created: None,
        })
    }
}

/// Among a client's cases (with their storage ids), the latest closed lost or
/// fired one not yet won back: the case to mark when business reopens.
pub fn latest_departure_to_win_back<'a>(
    cases: impl IntoIterator<Item = (i64, &'a DepartureCase)>,
) -> Option<i64> {
    cases
        .into_iter()
        .filter(|(_, c)| c.won_back_on().is_none() && c.outcome().is_some_and(|o| o.is_departure()))
        .max_by_key(|(id, c)| (c.closure().and_then(|k| k.end_on()), *id))
        .map(|(id, _)| id)
}
