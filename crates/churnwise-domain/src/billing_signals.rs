//! Billing signals (issue 15): the pure rules that turn Stripe's state into
//! a cancellation or a failed payment, and that decide whether a
//! cancellation still asks for a departure case on the Due page.

use crate::stripe::{utc_date, Invoice, StripeRuleError, Subscription};
use chrono::{Days, NaiveDate};

/// A sync records a subscription canceled this many days before the sync
/// date or later (older ones were seen by earlier syncs, or are history).
pub const SYNC_CANCELLED_WITHIN_DAYS: u64 = 30;

/// A cancellation shows on the Due page for this many days after it.
pub const CANCELLATION_SHOWN_DAYS: u64 = 90;

/// A departure case opened this many days before the cancellation, or
/// later, already records why the client left.
pub const CASE_COVERS_DAYS_BEFORE: u64 = 30;

/// A cancellation found in a subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancellation {
    /// The subscription id.
    pub subscription_ref: String,
    /// The customer id.
    pub customer: String,
    /// The day it was cancelled.
    pub cancelled_on: NaiveDate,
    /// The day it ends or ended, when known.
    pub ends_on: Option<NaiveDate>,
}

/// A failed payment found in an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentFailure {
    /// The invoice id.
    pub invoice_ref: String,
    /// The customer id.
    pub customer: String,
    /// The day it failed: the invoice's finalisation, else its creation.
    pub failed_on: NaiveDate,
    /// The amount due, in minor units.
    pub amount_cents: i64,
}

/// The cancellation `sub` shows as of `today`: a `canceled` subscription
/// canceled (else ended) within [`SYNC_CANCELLED_WITHIN_DAYS`]; or a
/// running one with `cancel_at_period_end` or a `cancel_at` still to come,
/// cancelled on its `canceled_at` (else `today`, the day it was seen),
/// ending at `cancel_at`, else at the end of the current period. None for a
/// subscription that never started (`incomplete`, `incomplete_expired`).
pub fn cancellation_in(
    sub: &Subscription,
    today: NaiveDate,
) -> Result<Option<Cancellation>, StripeRuleError> {
    if sub.makes_no_segment() {
        return Ok(None);
    }
    let found = |cancelled_on: NaiveDate, ends_on: Option<NaiveDate>| Cancellation {
        subscription_ref: sub.id.clone(),
        customer: sub.customer.clone(),
        cancelled_on,
        ends_on,
    };
    let date = |at: Option<i64>| at.map(utc_date).transpose();
    if sub.status == "canceled" {
        let Some(cancelled_on) = date(sub.canceled_at.or(sub.ended_at))? else {
            return Ok(None);
        };
        let since = today - Days::new(SYNC_CANCELLED_WITHIN_DAYS);
        if cancelled_on < since || cancelled_on > today {
            return Ok(None);
        }
        let ends_on = date(sub.ended_at.or(sub.cancel_at))?;
        return Ok(Some(found(cancelled_on, ends_on)));
    }
    let cancel_at = date(sub.cancel_at)?.filter(|d| *d > today);
    if !sub.cancel_at_period_end && cancel_at.is_none() {
        return Ok(None);
    }
    let cancelled_on = date(sub.canceled_at)?.unwrap_or(today);
    let ends_on = match cancel_at {
        Some(day) => Some(day),
        None => date(sub.current_period_end)?,
    };
    Ok(Some(found(cancelled_on, ends_on)))
}

/// The failed payment `invoice` shows: an `open` invoice, not paid, with an
/// amount due, whose payment was attempted at least once.
pub fn payment_failure_in(invoice: &Invoice) -> Result<Option<PaymentFailure>, StripeRuleError> {
    let unpaid_open = invoice.status.as_deref() == Some("open")
        && invoice.paid != Some(true)
        && invoice.status_transitions.paid_at.is_none();
    if !unpaid_open || invoice.attempt_count.unwrap_or(0) == 0 || invoice.amount_due <= 0 {
        return Ok(None);
    }
    let failed_on = utc_date(
        invoice
            .status_transitions
            .finalized_at
            .unwrap_or(invoice.created),
    )?;
    Ok(Some(PaymentFailure {
        invoice_ref: invoice.id.clone(),
        customer: invoice.customer.clone(),
        failed_on,
        amount_cents: invoice.amount_due,
    }))
}

/// True when a cancellation of `cancelled_on` still asks "record why?" on
/// `today`: it is at most [`CANCELLATION_SHOWN_DAYS`] old, was not
/// dismissed, and the client has no departure case opened
/// [`CASE_COVERS_DAYS_BEFORE`] days before it or later.
pub fn cancellation_is_due(
    cancelled_on: NaiveDate,
    last_case_opened_on: Option<NaiveDate>,
    dismissed: bool,
    today: NaiveDate,
) -> bool {
    let recent = cancelled_on >= today - Days::new(CANCELLATION_SHOWN_DAYS);
    let covered = last_case_opened_on
        .is_some_and(|opened| opened >= cancelled_on - Days::new(CASE_COVERS_DAYS_BEFORE));
    recent && !covered && !dismissed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    fn ts(text: &str) -> i64 {
        d(text)
            .and_hms_opt(12, 0, 0)
            .expect("time")
            .and_utc()
            .timestamp()
    }

    fn sub(extra: serde_json::Value) -> Subscription {
        let mut value = json!({"id": "sub_1", "customer": "cus_1", "status": "active",
            "start_date": ts("2026-01-01")});
        for (k, v) in extra.as_object().expect("object") {
            value[k] = v.clone();
        }
        serde_json::from_value(value).expect("subscription")
    }

    fn invoice(extra: serde_json::Value) -> Invoice {
        let mut value = json!({"id": "in_1", "customer": "cus_1", "status": "open",
            "amount_due": 12000, "created": ts("2026-11-01"), "attempt_count": 1});
        for (k, v) in extra.as_object().expect("object") {
            value[k] = v.clone();
        }
        serde_json::from_value(value).expect("invoice")
    }

    #[test]
    fn a_running_subscription_without_a_cancellation_shows_none() {
        assert_eq!(cancellation_in(&sub(json!({})), d("2026-11-10")), Ok(None));
    }

    #[test]
    fn a_cancellation_at_period_end_ends_with_the_period_and_is_dated_by_canceled_at() {
        let s = sub(
            json!({"cancel_at_period_end": true, "canceled_at": ts("2026-11-03"),
            "current_period_end": ts("2026-11-30")}),
        );
        let c = cancellation_in(&s, d("2026-11-10")).unwrap().unwrap();
        assert_eq!(c.cancelled_on, d("2026-11-03"));
        assert_eq!(c.ends_on, Some(d("2026-11-30")));
        assert_eq!(c.subscription_ref, "sub_1");
        assert_eq!(c.customer, "cus_1");
    }

    #[test]
    fn a_cancellation_without_canceled_at_is_dated_the_day_it_is_seen() {
        let s = sub(json!({"cancel_at": ts("2026-12-31")}));
        let c = cancellation_in(&s, d("2026-11-10")).unwrap().unwrap();
        assert_eq!(c.cancelled_on, d("2026-11-10"));
        assert_eq!(c.ends_on, Some(d("2026-12-31")));
    }

    #[test]
    fn a_cancel_at_already_past_on_a_running_subscription_is_not_a_cancellation() {
        let s = sub(json!({"cancel_at": ts("2026-11-01")}));
        assert_eq!(cancellation_in(&s, d("2026-11-10")), Ok(None));
    }

    #[test]
    fn a_canceled_subscription_counts_only_within_30_days_of_the_sync() {
        let s = sub(
            json!({"status": "canceled", "canceled_at": ts("2026-10-11"),
            "ended_at": ts("2026-10-31")}),
        );
        let c = cancellation_in(&s, d("2026-11-10")).unwrap().unwrap();
        assert_eq!(c.cancelled_on, d("2026-10-11"));
        assert_eq!(c.ends_on, Some(d("2026-10-31")));
        assert_eq!(cancellation_in(&s, d("2026-11-11")), Ok(None));
    }

    #[test]
    fn an_incomplete_subscription_is_never_a_cancellation() {
        let s = sub(json!({"status": "incomplete_expired", "cancel_at_period_end": true}));
        assert_eq!(cancellation_in(&s, d("2026-11-10")), Ok(None));
    }

    #[test]
    fn an_open_invoice_whose_payment_was_attempted_is_a_failed_payment_dated_by_finalisation() {
        let i = invoice(json!({"status_transitions": {"finalized_at": ts("2026-11-02")}}));
        let f = payment_failure_in(&i).unwrap().unwrap();
        assert_eq!(f.failed_on, d("2026-11-02"));
        assert_eq!(f.amount_cents, 12000);
        assert_eq!(f.invoice_ref, "in_1");
        let i = invoice(json!({}));
        assert_eq!(
            payment_failure_in(&i).unwrap().unwrap().failed_on,
            d("2026-11-01")
        );
    }

    #[test]
    fn paid_unattempted_draft_or_empty_invoices_are_no_failed_payment() {
        for extra in [
            json!({"status": "paid", "paid": true}),
            json!({"attempt_count": 0}),
            json!({"status": "draft"}),
            json!({"amount_due": 0}),
            json!({"paid": true}),
        ] {
            assert_eq!(
                payment_failure_in(&invoice(extra.clone())),
                Ok(None),
                "{extra}"
            );
        }
    }

    #[test]
    fn a_cancellation_is_due_until_a_case_covers_it_it_is_dismissed_or_90_days_pass() {
        let on = d("2026-11-03");
        assert!(cancellation_is_due(on, None, false, d("2026-11-10")));
        assert!(!cancellation_is_due(on, None, true, d("2026-11-10")));
        // A case opened 30 days before counts; 31 days before is an older departure.
        assert!(!cancellation_is_due(
            on,
            Some(d("2026-10-04")),
            false,
            d("2026-11-10")
        ));
        assert!(cancellation_is_due(
            on,
            Some(d("2026-10-03")),
            false,
            d("2026-11-10")
        ));
        assert!(!cancellation_is_due(
            on,
            Some(d("2026-11-05")),
            false,
            d("2026-11-10")
        ));
        assert!(cancellation_is_due(on, None, false, d("2027-02-01")));
        assert!(!cancellation_is_due(on, None, false, d("2027-02-02")));
    }
}
