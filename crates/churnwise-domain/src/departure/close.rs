//! Closing a case: the guard (no open required checklist item, no unpaid
//! invoice that is not waived with a reason) and the closure itself
//! (outcome, end date, lost MRR).

use super::{CaseError, Change, DepartureCase, Outcome, Stage};
use crate::history::CaseEvent;
use crate::text::{Check, Label, Text};
use crate::{FieldProblem, Money};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// An unpaid invoice of the client, as storage knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnpaidInvoice {
    /// The invoice's reference (number or id) as the user sees it.
    pub reference: String,
    /// The amount due.
    pub amount: Money,
    /// The due date.
    pub due_on: NaiveDate,
}

/// An unpaid invoice waived with a reason, so it does not stop the closing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceWaiver {
    invoice: Label,
    reason: Text,
    waived_on: NaiveDate,
}

impl InvoiceWaiver {
    pub(super) fn new(invoice: Label, reason: Text, waived_on: NaiveDate) -> Self {
        InvoiceWaiver {
            invoice,
            reason,
            waived_on,
        }
    }
    /// The invoice's reference.
    pub fn invoice(&self) -> &Label {
        &self.invoice
    }
    /// Why it was waived.
    pub fn reason(&self) -> &Text {
        &self.reason
    }
    /// When.
    pub fn waived_on(&self) -> NaiveDate {
        self.waived_on
    }
}

/// How and when a case closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    outcome: Outcome,
    closed_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    end_on: Option<NaiveDate>,
    lost_mrr: Money,
}

impl Closure {
    pub(super) fn saved(on: NaiveDate) -> Self {
        Closure {
            outcome: Outcome::Saved,
            closed_on: on,
            end_on: None,
            lost_mrr: Money::ZERO,
        }
    }

    pub(super) fn event(&self) -> CaseEvent {
        CaseEvent::Closed {
            outcome: self.outcome,
            end_on: self.end_on,
            lost_mrr: self.lost_mrr,
        }
    }

    /// Lost, saved or fired.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }
    /// The day the case was closed.
    pub fn closed_on(&self) -> NaiveDate {
        self.closed_on
    }
    /// The client's last day (none when saved).
    pub fn end_on(&self) -> Option<NaiveDate> {
        self.end_on
    }
    /// The monthly recurring revenue lost (zero when saved).
    pub fn lost_mrr(&self) -> Money {
        self.lost_mrr
    }
}

/// The closing of a lost or fired case, as raw input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CloseInput {
    /// Lost (client leaving) or fired (team ending).
    pub outcome: Option<Outcome>,
    /// The day of closing.
    pub closed_on: Option<NaiveDate>,
    /// The client's last day; the notice's requested end date when absent.
    pub end_on: Option<NaiveDate>,
    /// The monthly recurring revenue lost.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub lost_mrr: Option<Money>,
}

/// Checks that `case` may close: it is in offboarding or feedback, no
/// required checklist item is open, and every unpaid invoice of the client
/// is waived with a reason. The error names every item and invoice missing.
pub fn can_close(case: &DepartureCase, unpaid_invoices: &[UnpaidInvoice]) -> Result<(), CaseError> {
    case.require_stage("close the case", &[Stage::Offboarding, Stage::Feedback])?;
    let open_items = case
        .offboarding()
        .map(|c| c.open_required())
        .unwrap_or_default();
    let unpaid: Vec<String> = unpaid_invoices
        .iter()
        .filter(|inv| {
            !case
                .invoice_waivers()
                .iter()
                .any(|w| w.invoice().as_str() == inv.reference.trim())
        })
        .map(|inv| inv.reference.clone())
        .collect();
    if open_items.is_empty() && unpaid.is_empty() {
        Ok(())
    } else {
        Err(CaseError::CannotClose {
            open_items,
            unpaid_invoices: unpaid,
        })
    }
}

impl DepartureCase {
    /// Checks that the case may close; see [`can_close`].
    pub fn can_close(&self, unpaid_invoices: &[UnpaidInvoice]) -> Result<(), CaseError> {
        can_close(self, unpaid_invoices)
    }

    /// Closes a lost (client leaving) or fired (team ending) case, once
    /// [`can_close`] allows it. A saved case closes through
    /// [`DepartureCase::record_retention_outcome`] instead. Closing a lost
    /// case should make the adapter end the client's running subscriptions
    /// at the end date.
    pub fn close(
        &self,
        input: CloseInput,
        unpaid_invoices: &[UnpaidInvoice],
    ) -> Result<Change, CaseError> {
        can_close(self, unpaid_invoices)?;
        let mut check = Check::default();
        let outcome = check.required("outcome", input.outcome);
        let closed_on = check.required("closed_on", input.closed_on);
        let end_on = check.required("end_on", input.end_on.or(self.notice.requested_end_on()));
        let lost_mrr = check.required("lost_mrr", input.lost_mrr);
        if lost_mrr.is_some_and(|m| m.cents() < 0) {
            check.push(FieldProblem::invalid("lost_mrr", "must not be negative"));
        }
        if end_on.is_some_and(|d| d < self.notice.received_on()) {
            check.push(FieldProblem::invalid(
                "end_on",
                "must not be before the notice was received",
            ));
        }
        check.finish()?;
        let outcome = outcome.expect("checked");
        let expected = self.kind.departed_outcome();
        if outcome != expected {
            return Err(CaseError::OutcomeMismatch {
                kind: self.kind,
                outcome,
                expected,
            });
        }
        let closure = Closure {
            outcome,
            closed_on: closed_on.expect("checked"),
            end_on,
            lost_mrr: lost_mrr.expect("checked"),
        };
        let event = closure.event();
        let mut next = self.clone();
        next.closure = Some(closure);
        Ok(Change::new(next.moved_to(Stage::Closed), vec![event]))
    }
}
