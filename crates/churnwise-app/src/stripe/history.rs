//! Subscriptions written as history (spec/integrations.md §1: "a
//! subscription whose MRR changes gets a new segment from the event's date;
//! history is kept, never rewritten"), one rule for the sync and the
//! webhooks: `churnwise_domain::stripe::follow_segments` merges what is
//! recorded with what Stripe shows now, from the day the change is seen.

use crate::audit;
use crate::error::AppResult;
use crate::imports::{self, ImportReport};
use chrono::{DateTime, NaiveDate, Utc};
use churnwise_domain::stripe::{follow_segments, StripeSegment};
use churnwise_domain::Money;
use churnwise_store::{ImportSummary, Store, SubscriptionImport, WorkspaceId};
use std::collections::HashMap;

/// A subscription as Stripe shows it now.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    /// `sub_…`.
    pub id: String,
    /// The customer's id.
    pub customer: String,
    /// Its segments as its current state gives them.
    pub current: Vec<StripeSegment>,
    /// Its past as its invoices tell it (`segments_from_invoices`), used
    /// when nothing is recorded yet: a plan changed before the first sync
    /// keeps the day it was billed from.
    pub billed: Vec<StripeSegment>,
}

/// Writes the subscriptions `seen` on `change_on`: each one's recorded
/// segments merged with its current ones; subscriptions whose history
/// does not change are not written at all.
pub(crate) async fn write(
    store: &dyn Store,
    ws: WorkspaceId,
    file: &str,
    seen: Vec<Seen>,
    change_on: NaiveDate,
    now: DateTime<Utc>,
    actor: &audit::Actor,
) -> AppResult<ImportReport> {
    let refs: Vec<String> = seen.iter().map(|s| s.id.clone()).collect();
    let mut recorded: HashMap<String, Vec<StripeSegment>> = HashMap::new();
    for r in store.recorded_segments(ws, Some(&refs)).await? {
        recorded
            .entry(r.subscription_ref)
            .or_default()
            .push(StripeSegment {
                started_on: r.started_on,
                ended_on: r.ended_on,
                mrr_cents: r.mrr_cents,
            });
    }
    let mut changed = Vec::new();
    let mut rows = Vec::new();
    for s in seen {
        let before = recorded.remove(&s.id).unwrap_or_default();
        let past = if before.is_empty() {
            &s.billed
        } else {
            &before
        };
        let after = follow_segments(past, &s.current, change_on);
        if after == before {
            continue;
        }
        for seg in after {
            rows.push(SubscriptionImport {
                line: rows.len() as u64 + 1,
                subscription_ref: s.id.clone(),
                customer_ref: s.customer.clone(),
                plan: None,
                mrr: Money::from_cents(seg.mrr_cents),
                started_on: seg.started_on,
                ended_on: seg.ended_on,
            });
        }
        changed.push(s.id);
    }
    if changed.is_empty() {
        return Ok(ImportReport {
            summary: ImportSummary::default(),
            won_back: Vec::new(),
        });
    }
    imports::replace_subscriptions(store, ws, file, &changed, rows, now, actor).await
}
