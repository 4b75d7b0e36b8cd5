//! The departure case and its transitions up to closing: opening, the exit
//! conversation, the retention attempt, offboarding and feedback.

use super::close::{Closure, InvoiceWaiver};
use super::{
    ensure_no_open_case, CaseError, DepartureKind, ExistingCase, ExitConversation, Notice, Outcome,
    Stage,
};
use crate::history::{Actor, CaseEvent, HistoryEntry};
use crate::lessons::Lessons;
use crate::offboarding::{
    Checklist, ChecklistTemplate, CredentialHandover, ItemDetailsInput, NewChecklistItem,
};
use crate::reasons::ReasonList;
use crate::retention::{
    ActionStatus, NewRetentionAction, Offer, PlanWarning, RetentionAction, RetentionOutcome,
    RetentionPlan,
};
use crate::survey::{ExitSurvey, ScoreScale, SurveyAnswerInput};
use crate::text::{ItemId, Label, Text};
use crate::{Lang, Money};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A client's departure case, from notice to win-back. Deserialising checks
/// that the stage and the recorded parts agree, so no stored document can
/// hold a case that the transitions could not have produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CaseDocument")]
pub struct DepartureCase {
    pub(super) kind: DepartureKind,
    pub(super) stage: Stage,
    pub(super) notice: Notice,
    pub(super) exit_conversation: Option<ExitConversation>,
    pub(super) retention: Option<RetentionPlan>,
    pub(super) offboarding: Option<Checklist>,
    pub(super) invoice_waivers: Vec<InvoiceWaiver>,
    pub(super) survey: Option<ExitSurvey>,
    pub(super) closure: Option<Closure>,
    pub(super) lessons: Lessons,
    pub(super) won_back_on: Option<NaiveDate>,
}

/// A case as stored, before its stage invariants are checked.
#[derive(Deserialize)]
struct CaseDocument {
    kind: DepartureKind,
    stage: Stage,
    notice: Notice,
    #[serde(default)]
    exit_conversation: Option<ExitConversation>,
    #[serde(default)]
    retention: Option<RetentionPlan>,
    #[serde(default)]
    offboarding: Option<Checklist>,
    #[serde(default)]
    invoice_waivers: Vec<InvoiceWaiver>,
    #[serde(default)]
    survey: Option<ExitSurvey>,
    #[serde(default)]
    closure: Option<Closure>,
    #[serde(default)]
    lessons: Lessons,
    #[serde(default)]
    won_back_on: Option<NaiveDate>,
}

impl TryFrom<CaseDocument> for DepartureCase {
    type Error = String;
    fn try_from(d: CaseDocument) -> Result<Self, Self::Error> {
        let stage = d.stage;
        let mut missing = Vec::new();
        if stage > Stage::Notice && d.exit_conversation.is_none() {
            missing.push("exit_conversation");
        }
        if stage == Stage::Retention && d.retention.is_none() {
            missing.push("retention");
        }
        if matches!(stage, Stage::Offboarding | Stage::Feedback) && d.offboarding.is_none() {
            missing.push("offboarding");
        }
        if stage == Stage::Feedback && d.survey.is_none() {
            missing.push("survey");
        }
        if (stage == Stage::Closed) != d.closure.is_some() {
            missing.push("closure");
        }
        if d.won_back_on.is_some()
            && !d
                .closure
                .as_ref()
                .is_some_and(|c| c.outcome().is_departure())
        {
            missing.push("won_back_on");
        }
        if !missing.is_empty() {
            return Err(format!(
                "a case at stage {stage} does not fit its parts: {}",
                missing.join(", ")
            ));
        }
        Ok(DepartureCase {
            kind: d.kind,
            stage,
            notice: d.notice,
            exit_conversation: d.exit_conversation,
            retention: d.retention,
            offboarding: d.offboarding,
            invoice_waivers: d.invoice_waivers,
            survey: d.survey,
            closure: d.closure,
            lessons: d.lessons,
            won_back_on: d.won_back_on,
        })
    }
}

/// The result of a transition: the case after it, the events to append to
/// its history, and the number of an item it created, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The case after the transition.
    pub case: DepartureCase,
    /// What changed, to append to the history.
    pub events: Vec<CaseEvent>,
    /// The number of the action or item the transition created.
    pub created: Option<ItemId>,
}

impl Change {
    pub(super) fn new(case: DepartureCase, events: Vec<CaseEvent>) -> Self {
        Change {
            case,
            events,
            created: None,
        }
    }

    /// The history entries to append, made by `actor` at `at`.
    pub fn history(&self, actor: &Actor, at: DateTime<Utc>) -> Vec<HistoryEntry> {
        self.events
            .iter()
            .map(|event| HistoryEntry {
                at,
                actor: actor.clone(),
                event: event.clone(),
            })
            .collect()
    }
}

const OFFBOARDING_STAGES: &[Stage] = &[Stage::Offboarding, Stage::Feedback];

impl DepartureCase {
    /// Opens a case for a client whose existing cases are `existing`: refused
    /// while one of them is open.
    pub fn open(
        kind: DepartureKind,
        notice: Notice,
        existing: &[ExistingCase],
    ) -> Result<Change, CaseError> {
        ensure_no_open_case(existing)?;
        let event = CaseEvent::Opened {
            kind,
            received_on: notice.received_on(),
        };
        let case = DepartureCase {
            kind,
            stage: Stage::Notice,
            notice,
            exit_conversation: None,
            retention: None,
            offboarding: None,
            invoice_waivers: Vec::new(),
            survey: None,
            closure: None,
            lessons: Lessons::default(),
            won_back_on: None,
        };
        Ok(Change::new(case, vec![event]))
    }

    // ---- reading -------------------------------------------------------

    /// Who ends the relationship.
    pub fn kind(&self) -> DepartureKind {
        self.kind
    }
    /// Where the case stands.
    pub fn stage(&self) -> Stage {
        self.stage
    }
    /// True while the case is not closed.
    pub fn is_open(&self) -> bool {
        self.stage.is_open()
    }
    /// The notice.
    pub fn notice(&self) -> &Notice {
        &self.notice
    }
    /// The exit conversation, once recorded.
    pub fn exit_conversation(&self) -> Option<&ExitConversation> {
        self.exit_conversation.as_ref()
    }
    /// The retention plan, if an attempt was made.
    pub fn retention(&self) -> Option<&RetentionPlan> {
        self.retention.as_ref()
    }
    /// The offboarding checklist, once offboarding started.
    pub fn offboarding(&self) -> Option<&Checklist> {
        self.offboarding.as_ref()
    }
    /// The unpaid invoices waived with a reason.
    pub fn invoice_waivers(&self) -> &[InvoiceWaiver] {
        &self.invoice_waivers
    }
    /// The exit survey, once issued.
    pub fn survey(&self) -> Option<&ExitSurvey> {
        self.survey.as_ref()
    }
    /// The closure, once closed.
    pub fn closure(&self) -> Option<&Closure> {
        self.closure.as_ref()
    }
    /// The outcome, once closed.
    pub fn outcome(&self) -> Option<Outcome> {
        self.closure.as_ref().map(|c| c.outcome())
    }
    /// The lessons: corrective actions and win-back follow-up.
    pub fn lessons(&self) -> &Lessons {
        &self.lessons
    }
    /// The day the former client came back, if it did.
    pub fn won_back_on(&self) -> Option<NaiveDate> {
        self.won_back_on
    }
    /// Warnings about the retention plan (a discount as the only lever).
    pub fn warnings(&self) -> Vec<PlanWarning> {
        self.retention
            .as_ref()
            .map(RetentionPlan::warnings)
            .unwrap_or_default()
    }
    /// Retention actions still open: promises to keep, also after saving.
    pub fn open_promises(&self) -> Vec<&RetentionAction> {
        self.retention
            .as_ref()
            .map(|p| p.open_actions().collect())
            .unwrap_or_default()
    }

    // ---- helpers -------------------------------------------------------

    pub(super) fn require_stage(
        &self,
        action: &'static str,
        allowed: &[Stage],
    ) -> Result<(), CaseError> {
        if allowed.contains(&self.stage) {
            Ok(())
        } else {
            Err(CaseError::wrong_stage(action, self.stage, allowed))
        }
    }

    /// The case moved to `next`, which [`super::TRANSITIONS`] must allow.
    pub(super) fn moved_to(mut self, next: Stage) -> Self {
        debug_assert!(
            self.stage == next || self.stage.can_move_to(next),
            "{} -> {} is not in TRANSITIONS",
            self.stage,
            next
        );
        self.stage = next;
        self
    }

    fn plan_for_edit(&self, action: &'static str) -> Result<&RetentionPlan, CaseError> {
        let saved = self.stage == Stage::Closed && self.outcome() == Some(Outcome::Saved);
        match &self.retention {
            Some(plan) if self.stage == Stage::Retention || saved => Ok(plan),
            _ => Err(CaseError::wrong_stage(
                action,
                self.stage,
                &[Stage::Retention],
            )),
        }
    }

    fn checklist(&self, action: &'static str) -> Result<&Checklist, CaseError> {
        self.require_stage(action, OFFBOARDING_STAGES)?;
        Ok(self
            .offboarding
            .as_ref()
            .expect("a case in offboarding or feedback has a checklist"))
    }

    fn with_checklist(&self, checklist: Checklist) -> DepartureCase {
        let mut next = self.clone();
        next.offboarding = Some(checklist);
        next
    }

    // ---- notice and exit conversation ----------------------------------

    /// Corrects the notice details while the case is open.
    pub fn amend_notice(&self, notice: Notice) -> Result<Change, CaseError> {
        if !self.is_open() {
            return Err(CaseError::wrong_stage(
                "amend the notice",
                self.stage,
                &Stage::ALL[..5],
            ));
        }
        let mut next = self.clone();
        next.notice = notice;
        Ok(Change::new(next, vec![CaseEvent::NoticeAmended]))
    }

    /// Records (or corrects) the exit conversation; every reason must be
    /// choosable now in `reasons` for this case's kind.
    pub fn record_exit_conversation(
        &self,
        conversation: ExitConversation,
        reasons: &ReasonList,
    ) -> Result<Change, CaseError> {
        self.require_stage(
            "record the exit conversation",
            &[Stage::Notice, Stage::ExitConversation],
        )?;
        conversation.check_reasons(self.kind, reasons)?;
        let event = CaseEvent::ExitConversationRecorded {
            primary_reason: conversation.primary_reason().clone(),
            secondary_reasons: conversation.secondary_reasons().to_vec(),
        };
        let mut next = self.clone();
        next.exit_conversation = Some(conversation);
        Ok(Change::new(
            next.moved_to(Stage::ExitConversation),
            vec![event],
        ))
    }

    // ---- retention -----------------------------------------------------

    /// Starts a retention attempt with a plan (empty, or
    /// [`RetentionPlan::suggested`] from the primary reason's playbook).
    /// Only for a client that is leaving.
    pub fn start_retention(&self, plan: RetentionPlan) -> Result<Change, CaseError> {
        self.require_stage("start a retention attempt", &[Stage::ExitConversation])?;
        if self.kind != DepartureKind::ClientLeaving {
            return Err(CaseError::RetentionNotForKind { kind: self.kind });
        }
        if let Some(outcome) = plan.outcome() {
            return Err(CaseError::RetentionDecided {
                outcome: outcome.as_str(),
            });
        }
        let event = CaseEvent::RetentionStarted {
            offer: plan.offer().map(|o| o.kind),
            actions: plan.actions().len(),
        };
        let mut next = self.clone();
        next.retention = Some(plan);
        Ok(Change::new(next.moved_to(Stage::Retention), vec![event]))
    }

    /// Adds an action to the retention plan (also after the client was
    /// saved, to track new promises).
    pub fn add_retention_action(&self, action: NewRetentionAction) -> Result<Change, CaseError> {
        let plan = self.plan_for_edit("add a retention action")?;
        let (plan, id) = plan.with_action(action);
        let description = plan
            .actions()
            .last()
            .expect("just added")
            .description()
            .to_string();
        let mut next = self.clone();
        next.retention = Some(plan);
        Ok(Change {
            case: next,
            events: vec![CaseEvent::RetentionActionAdded { id, description }],
            created: Some(id),
        })
    }

    /// Changes a retention action's status (promises are tracked to done,
    /// also after the client was saved).
    pub fn set_retention_action_status(
        &self,
        id: ItemId,
        status: ActionStatus,
    ) -> Result<Change, CaseError> {
        let plan = self.plan_for_edit("change a retention action")?;
        let (plan, from) = plan.with_action_status(id, status)?;
        let description = plan
            .actions()
            .iter()
            .find(|a| a.id() == id)
            .expect("just changed")
            .description()
            .to_string();
        let mut next = self.clone();
        next.retention = Some(plan);
        let event = CaseEvent::RetentionActionStatusChanged {
            id,
            description,
            from,
            to: status,
        };
        Ok(Change::new(next, vec![event]))
    }

    /// Sets or removes the retention offer, before the outcome is known.
    pub fn set_retention_offer(&self, offer: Option<Offer>) -> Result<Change, CaseError> {
        self.require_stage("set the retention offer", &[Stage::Retention])?;
        let plan = self
            .retention
            .as_ref()
            .expect("a case in retention has a plan");
        let kind = offer.as_ref().map(|o| o.kind);
        let mut next = self.clone();
        next.retention = Some(plan.with_offer(offer)?);
        Ok(Change::new(
            next,
            vec![CaseEvent::RetentionOfferSet { offer: kind }],
        ))
    }

    /// Records the retention outcome on `on`. Retained closes the case as
    /// saved (its open actions stay tracked); leaving lets offboarding begin.
    pub fn record_retention_outcome(
        &self,
        outcome: RetentionOutcome,
        on: NaiveDate,
    ) -> Result<Change, CaseError> {
        self.require_stage("record the retention outcome", &[Stage::Retention])?;
        let plan = self
            .retention
            .as_ref()
            .expect("a case in retention has a plan");
        let mut next = self.clone();
        next.retention = Some(plan.with_outcome(outcome)?);
        let mut events = vec![CaseEvent::RetentionOutcomeRecorded { outcome }];
        if outcome == RetentionOutcome::Retained {
            let closure = Closure::saved(on);
            events.push(closure.event());
            next.closure = Some(closure);
            next = next.moved_to(Stage::Closed);
        }
        Ok(Change::new(next, events))
    }

    // ---- offboarding ---------------------------------------------------

    /// Begins offboarding with a checklist generated from `template`, after
    /// the exit conversation, or after a retention attempt that ended with
    /// the client leaving.
    pub fn begin_offboarding(
        &self,
        template: &ChecklistTemplate,
        lang: Lang,
    ) -> Result<Change, CaseError> {
        self.require_stage(
            "begin offboarding",
            &[Stage::ExitConversation, Stage::Retention],
        )?;
        if self.stage == Stage::Retention {
            let plan = self
                .retention
                .as_ref()
                .expect("a case in retention has a plan");
            match plan.outcome() {
                None => return Err(CaseError::RetentionUndecided),
                Some(RetentionOutcome::Retained) => {
                    return Err(CaseError::RetentionDecided {
                        outcome: RetentionOutcome::Retained.as_str(),
                    })
                }
                Some(RetentionOutcome::Leaving) => {}
            }
        }
        let checklist = Checklist::from_template(template, lang);
        let event = CaseEvent::OffboardingStarted {
            template: checklist.template().to_string(),
            items: checklist.items().len(),
        };
        let next = self.with_checklist(checklist);
        Ok(Change::new(next.moved_to(Stage::Offboarding), vec![event]))
    }

    /// Adds a checklist item (a deliverable, an account to revoke...).
    pub fn add_checklist_item(&self, item: NewChecklistItem) -> Result<Change, CaseError> {
        let (checklist, id) = self.checklist("add a checklist item")?.with_item(item);
        let label = checklist.item(id).expect("just added").label().to_string();
        Ok(Change {
            case: self.with_checklist(checklist),
            events: vec![CaseEvent::ChecklistItemAdded { id, label }],
            created: Some(id),
        })
    }

    /// Marks a checklist item done on `on`.
    pub fn complete_checklist_item(&self, id: ItemId, on: NaiveDate) -> Result<Change, CaseError> {
        let checklist = self
            .checklist("complete a checklist item")?
            .with_done(id, on)?;
        let label = checklist.item(id).expect("exists").label().to_string();
        Ok(Change::new(
            self.with_checklist(checklist),
            vec![CaseEvent::ChecklistItemDone { id, label }],
        ))
    }

    /// Waives a checklist item; the reason is mandatory.
    pub fn waive_checklist_item(&self, id: ItemId, reason: &str) -> Result<Change, CaseError> {
        let checklist = self
            .checklist("waive a checklist item")?
            .with_waived(id, reason)?;
        let label = checklist.item(id).expect("exists").label().to_string();
        let event = CaseEvent::ChecklistItemWaived {
            id,
            label,
            reason: reason.trim().to_string(),
        };
        Ok(Change::new(self.with_checklist(checklist), vec![event]))
    }

    /// Opens a done or waived checklist item again.
    pub fn reopen_checklist_item(&self, id: ItemId) -> Result<Change, CaseError> {
        let checklist = self
            .checklist("reopen a checklist item")?
            .with_reopened(id)?;
        let label = checklist.item(id).expect("exists").label().to_string();
        Ok(Change::new(
            self.with_checklist(checklist),
            vec![CaseEvent::ChecklistItemReopened { id, label }],
        ))
    }

    /// Changes a checklist item's link and note.
    pub fn set_checklist_item_details(
        &self,
        id: ItemId,
        details: ItemDetailsInput,
    ) -> Result<Change, CaseError> {
        let checklist = self
            .checklist("change a checklist item")?
            .with_details(id, details)?;
        let label = checklist.item(id).expect("exists").label().to_string();
        Ok(Change::new(
            self.with_checklist(checklist),
            vec![CaseEvent::ChecklistItemDetailsChanged { id, label }],
        ))
    }

    /// Records that one account's credentials were handed over (as a done
    /// checklist item); the secret itself is never recorded.
    pub fn record_credential_handover(
        &self,
        handover: CredentialHandover,
    ) -> Result<Change, CaseError> {
        let checklist = self.checklist("record a credential handover")?;
        let event_parts = (
            handover.account().to_string(),
            handover.recipient().to_string(),
            handover.channel().to_string(),
            handover.handed_over_on(),
        );
        let (checklist, id) = checklist.with_handover(handover);
        let (account, recipient, channel, on) = event_parts;
        Ok(Change {
            case: self.with_checklist(checklist),
            events: vec![CaseEvent::CredentialsHandedOver {
                id,
                account,
                recipient,
                channel,
                on,
            }],
            created: Some(id),
        })
    }

    /// Waives an unpaid invoice of the client (by its reference) so it no
    /// longer stops the case from closing; the reason is mandatory.
    pub fn waive_invoice(
        &self,
        invoice: &str,
        reason: &str,
        on: NaiveDate,
    ) -> Result<Change, CaseError> {
        self.require_stage("waive an invoice", OFFBOARDING_STAGES)?;
        let invoice = Label::parse("invoice", invoice)?;
        let reason =
            Text::parse("waiver_reason", reason).map_err(|_| CaseError::WaiverNeedsReason {
                field: "waiver_reason".into(),
            })?;
        let event = CaseEvent::InvoiceWaived {
            invoice: invoice.to_string(),
            reason: reason.to_string(),
        };
        let mut next = self.clone();
        next.invoice_waivers.retain(|w| w.invoice() != &invoice);
        next.invoice_waivers
            .push(InvoiceWaiver::new(invoice, reason, on));
        Ok(Change::new(next, vec![event]))
    }

    // ---- feedback ------------------------------------------------------

    /// Issues an exit survey link valid until `expires_at` (a new link
    /// replaces an unanswered one); a testimonial is requested only when the
    /// primary reason is not about the quality of the work.
    pub fn issue_survey(
        &self,
        scale: ScoreScale,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        reasons: &ReasonList,
    ) -> Result<Change, CaseError> {
        self.require_stage("issue an exit survey", OFFBOARDING_STAGES)?;
        if self.survey.as_ref().is_some_and(|s| s.answer().is_some()) {
            return Err(CaseError::SurveyAlreadyAnswered);
        }
        let primary = self
            .exit_conversation
            .as_ref()
            .and_then(|c| reasons.get(c.primary_reason()));
        let survey = ExitSurvey::issue(scale, now, expires_at, primary)?;
        let mut next = self.clone();
        next.survey = Some(survey);
        Ok(Change::new(
            next.moved_to(Stage::Feedback),
            vec![CaseEvent::SurveyIssued { expires_at }],
        ))
    }

    /// Records the client's survey answer at `now`: once, before expiry.
    pub fn answer_survey(
        &self,
        answer: SurveyAnswerInput,
        now: DateTime<Utc>,
    ) -> Result<Change, CaseError> {
        let survey = self.survey.as_ref().ok_or(CaseError::NoSurvey)?;
        let survey = survey.answered(answer, now)?;
        let score = survey.answer().expect("just answered").score();
        let mut next = self.clone();
        next.survey = Some(survey);
        Ok(Change::new(
            next,
            vec![CaseEvent::SurveyAnswered {
                scale: score.scale(),
                score: score.value(),
            }],
        ))
    }

    /// The lost MRR recorded at closing (zero while open or when saved).
    pub fn lost_mrr(&self) -> Money {
        self.closure.as_ref().map_or(Money::ZERO, |c| c.lost_mrr())
    }
}
