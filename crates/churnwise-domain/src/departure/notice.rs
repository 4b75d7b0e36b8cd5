//! The notice that opens a case: when and how it came, the contract terms
//! that apply, and the first evaluation of the relationship.

use super::CaseError;
use crate::text::{Check, Label, Text};
use crate::{FieldProblem, Money};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// How the notice reached the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NoticeChannel {
    /// By email.
    Email,
    /// By phone.
    Phone,
    /// In a meeting.
    Meeting,
    /// By letter or formal notice.
    Letter,
    /// By chat or instant message.
    Chat,
    /// Another way.
    Other,
    /// By the customer on the self-service cancel page (issue 17).
    SelfService,
}

/// The first evaluation of the relationship so far, as raw input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RelationshipEvaluationInput {
    /// Was the relationship fruitful?
    pub fruitful: Option<bool>,
    /// Was there a history of stumbles?
    pub history_of_stumbles: Option<bool>,
    /// Did the team meet its commitments?
    pub our_commitments_met: Option<bool>,
    /// Did the client meet its commitments?
    pub client_commitments_met: Option<bool>,
    /// A free note.
    pub note: Option<String>,
}

/// The first evaluation of the relationship so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RelationshipEvaluationInput")]
pub struct RelationshipEvaluation {
    fruitful: bool,
    history_of_stumbles: bool,
    our_commitments_met: bool,
    client_commitments_met: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<Text>,
}

impl RelationshipEvaluation {
    /// Checks the input; all four answers are required.
    pub fn parse(input: RelationshipEvaluationInput) -> Result<Self, CaseError> {
        let mut check = Check::default();
        let evaluation = Self::check(&mut check, "", &input);
        check.finish()?;
        Ok(evaluation.expect("checked"))
    }

    fn check(check: &mut Check, prefix: &str, input: &RelationshipEvaluationInput) -> Option<Self> {
        let f = |name: &str| format!("{prefix}{name}");
        let fruitful = check.required(&f("fruitful"), input.fruitful);
        let stumbles = check.required(&f("history_of_stumbles"), input.history_of_stumbles);
        let ours = check.required(&f("our_commitments_met"), input.our_commitments_met);
        let theirs = check.required(&f("client_commitments_met"), input.client_commitments_met);
        let note = check.opt_text(&f("note"), input.note.as_deref());
        Some(RelationshipEvaluation {
            fruitful: fruitful?,
            history_of_stumbles: stumbles?,
            our_commitments_met: ours?,
            client_commitments_met: theirs?,
            note,
        })
    }

    /// Was the relationship fruitful?
    pub fn fruitful(&self) -> bool {
        self.fruitful
    }
    /// Was there a history of stumbles?
    pub fn history_of_stumbles(&self) -> bool {
        self.history_of_stumbles
    }
    /// Did the team meet its commitments?
    pub fn our_commitments_met(&self) -> bool {
        self.our_commitments_met
    }
    /// Did the client meet its commitments?
    pub fn client_commitments_met(&self) -> bool {
        self.client_commitments_met
    }
    /// True when commitments were met on both sides.
    pub fn commitments_met_on_both_sides(&self) -> bool {
        self.our_commitments_met && self.client_commitments_met
    }
    /// The free note.
    pub fn note(&self) -> Option<&Text> {
        self.note.as_ref()
    }
}

impl TryFrom<RelationshipEvaluationInput> for RelationshipEvaluation {
    type Error = CaseError;
    fn try_from(input: RelationshipEvaluationInput) -> Result<Self, Self::Error> {
        Self::parse(input)
    }
}

/// The notice as raw input (what the API and CLI receive).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NoticeInput {
    /// The day the notice was received.
    pub received_on: Option<NaiveDate>,
    /// How it came.
    pub channel: Option<NoticeChannel>,
    /// Who on the team received it.
    pub received_by: Option<String>,
    /// The end date the client asks for.
    pub requested_end_on: Option<NaiveDate>,
    /// The contract's notice period in days.
    pub notice_period_days: Option<u32>,
    /// The day the contract's minimum term ends.
    pub minimum_term_ends_on: Option<NaiveDate>,
    /// Penalties the contract names for leaving early, in words.
    pub penalties: Option<String>,
    /// The penalty amount, when there is one.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub penalty_amount: Option<Money>,
    /// The first evaluation of the relationship.
    pub first_evaluation: Option<RelationshipEvaluationInput>,
}

/// The message of a requested end before the day the notice came.
pub const END_BEFORE_NOTICE: &str = "must be on or after the notice date (received_on)";

/// Longest notice period accepted, in days (ten years).
pub const NOTICE_PERIOD_MAX_DAYS: u32 = 3_650;

/// The validated notice of a departure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "NoticeInput")]
pub struct Notice {
    received_on: NaiveDate,
    channel: NoticeChannel,
    received_by: Label,
    requested_end_on: Option<NaiveDate>,
    notice_period_days: Option<u32>,
    minimum_term_ends_on: Option<NaiveDate>,
    penalties: Option<Text>,
    penalty_amount: Option<Money>,
    first_evaluation: RelationshipEvaluation,
}

impl Notice {
    /// Checks the input, naming every missing or invalid field at once.
    pub fn parse(input: NoticeInput) -> Result<Self, CaseError> {
        let mut check = Check::default();
        let received_on = check.required("received_on", input.received_on);
        let channel = check.required("channel", input.channel);
        let received_by = check.label("received_by", input.received_by.as_deref());
        if let (Some(received), Some(end)) = (received_on, input.requested_end_on) {
            if end < received {
                check.push(FieldProblem::invalid("requested_end_on", END_BEFORE_NOTICE));
            }
        }
        if input.notice_period_days > Some(NOTICE_PERIOD_MAX_DAYS) {
            check.push(FieldProblem::invalid(
                "notice_period_days",
                &format!("must be at most {NOTICE_PERIOD_MAX_DAYS}"),
            ));
        }
        let penalties = check.opt_text("penalties", input.penalties.as_deref());
        if input.penalty_amount.is_some_and(|m| m.cents() < 0) {
            check.push(FieldProblem::invalid(
                "penalty_amount",
                "must not be negative",
            ));
        }
        let first_evaluation = match &input.first_evaluation {
            None => {
                check.push(FieldProblem::missing("first_evaluation"));
                None
            }
            Some(e) => RelationshipEvaluation::check(&mut check, "first_evaluation.", e),
        };
        check.finish()?;
        Ok(Notice {
            received_on: received_on.expect("checked"),
            channel: channel.expect("checked"),
            received_by: received_by.expect("checked"),
            requested_end_on: input.requested_end_on,
            notice_period_days: input.notice_period_days,
            minimum_term_ends_on: input.minimum_term_ends_on,
            penalties,
            penalty_amount: input.penalty_amount,
            first_evaluation: first_evaluation.expect("checked"),
        })
    }

    /// The day the notice was received.
    pub fn received_on(&self) -> NaiveDate {
        self.received_on
    }
    /// How it came.
    pub fn channel(&self) -> NoticeChannel {
        self.channel
    }
    /// Who received it.
    pub fn received_by(&self) -> &Label {
        &self.received_by
    }
    /// The end date the client asks for.
    pub fn requested_end_on(&self) -> Option<NaiveDate> {
        self.requested_end_on
    }
    /// The contract's notice period in days.
    pub fn notice_period_days(&self) -> Option<u32> {
        self.notice_period_days
    }
    /// The day the minimum term ends.
    pub fn minimum_term_ends_on(&self) -> Option<NaiveDate> {
        self.minimum_term_ends_on
    }
    /// The penalties, in words.
    pub fn penalties(&self) -> Option<&Text> {
        self.penalties.as_ref()
    }
    /// The penalty amount.
    pub fn penalty_amount(&self) -> Option<Money> {
        self.penalty_amount
    }
    /// The first evaluation of the relationship.
    pub fn first_evaluation(&self) -> &RelationshipEvaluation {
        &self.first_evaluation
    }

    /// The earliest end the contract allows: the notice period counted from
    /// the day received, and not before the minimum term ends.
    pub fn earliest_contractual_end(&self) -> NaiveDate {
        let after_notice = self
            .received_on
            .checked_add_days(Days::new(u64::from(self.notice_period_days.unwrap_or(0))))
            .unwrap_or(self.received_on);
        match self.minimum_term_ends_on {
            Some(min) if min > after_notice => min,
            _ => after_notice,
        }
    }

    /// True when the requested end comes before the contract allows, so the
    /// penalties or the notice period may apply.
    pub fn ends_early(&self) -> bool {
        self.requested_end_on
            .is_some_and(|end| end < self.earliest_contractual_end())
    }
}

impl TryFrom<NoticeInput> for Notice {
    type Error = CaseError;
    fn try_from(input: NoticeInput) -> Result<Self, Self::Error> {
        Self::parse(input)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn day(s: &str) -> NaiveDate {
        crate::parse_date(s).unwrap()
    }

    pub(crate) fn notice_input() -> NoticeInput {
        NoticeInput {
            received_on: Some(day("2024-03-01")),
            channel: Some(NoticeChannel::Email),
            received_by: Some("Ana".into()),
            requested_end_on: Some(day("2024-03-31")),
            notice_period_days: Some(30),
            minimum_term_ends_on: None,
            penalties: None,
            penalty_amount: None,
            first_evaluation: Some(RelationshipEvaluationInput {
                fruitful: Some(true),
                history_of_stumbles: Some(false),
                our_commitments_met: Some(true),
                client_commitments_met: Some(true),
                note: None,
            }),
        }
    }

    #[test]
    fn a_complete_notice_parses() {
        let notice = Notice::parse(notice_input()).unwrap();
        assert_eq!(notice.received_by().as_str(), "Ana");
        assert!(notice.first_evaluation().commitments_met_on_both_sides());
    }

    #[test]
    fn an_empty_notice_names_every_missing_field() {
        let err = Notice::parse(NoticeInput::default()).unwrap_err();
        assert_eq!(
            err.fields(),
            vec!["received_on", "channel", "received_by", "first_evaluation"]
        );
    }

    #[test]
    fn a_half_answered_evaluation_names_the_missing_answers() {
        let mut input = notice_input();
        input.first_evaluation = Some(RelationshipEvaluationInput {
            fruitful: Some(true),
            ..Default::default()
        });
        let err = Notice::parse(input).unwrap_err();
        assert_eq!(
            err.fields(),
            vec![
                "first_evaluation.history_of_stumbles",
                "first_evaluation.our_commitments_met",
                "first_evaluation.client_commitments_met"
            ]
        );
    }

    #[test]
    fn a_requested_end_before_the_notice_is_rejected() {
        let mut input = notice_input();
        input.requested_end_on = Some(day("2024-02-01"));
        assert_eq!(
            Notice::parse(input).unwrap_err().fields(),
            vec!["requested_end_on"]
        );
    }

    #[test]
    fn a_negative_penalty_is_rejected() {
        let mut input = notice_input();
        input.penalty_amount = Some(Money::from_cents(-1));
        assert_eq!(
            Notice::parse(input).unwrap_err().fields(),
            vec!["penalty_amount"]
        );
    }

    #[test]
    fn an_end_before_the_notice_period_or_minimum_term_ends_early() {
        let notice = Notice::parse(notice_input()).unwrap();
        assert_eq!(notice.earliest_contractual_end(), day("2024-03-31"));
        assert!(!notice.ends_early());
        let mut input = notice_input();
        input.minimum_term_ends_on = Some(day("2024-06-30"));
        let notice = Notice::parse(input).unwrap();
        assert_eq!(notice.earliest_contractual_end(), day("2024-06-30"));
        assert!(notice.ends_early());
    }

    #[test]
    fn a_notice_round_trips_through_json_and_invalid_json_is_refused() {
        let notice = Notice::parse(notice_input()).unwrap();
        let json = serde_json::to_string(&notice).unwrap();
        assert!(json.contains("\"received_on\":\"2024-03-01\""));
        let back: Notice = serde_json::from_str(&json).unwrap();
        assert_eq!(back, notice);
        assert!(serde_json::from_str::<Notice>("{\"channel\":\"email\"}").is_err());
    }
}
