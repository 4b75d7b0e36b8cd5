//! The cancel page's decision applied in Stripe (issue 17,
//! spec/integrations.md §2; docs/cancel-page.md "In Stripe"): when the
//! workspace has Stripe connected, the customer's live subscriptions are
//! set to cancel at the end of their period, paused (`pause_collection`,
//! behaviour `void`, resuming after the offered months), or given the
//! discount as a repeating coupon. A cheaper plan and "talk to us" change
//! nothing in Stripe (the case carries an action for the owner).
//!
//! Nothing here fails the ending: a failure is answered as a message, which
//! the cancel page stores on its session (`cancel_sessions.stripe_error`)
//! and the case shows.

use super::api::StripeApi;
use super::StripeSettings;
use crate::cancel_flow::Decision;
use chrono::{DateTime, Months, Utc};
use churnwise_domain::cancel_offer::{CancelOffer, OfferTerms};
use churnwise_store::{Store, WorkspaceId};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// What is done in Stripe for an ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StripeAction {
    /// `cancel_at_period_end=true`.
    CancelAtPeriodEnd,
    /// `pause_collection[behavior]=void` until `months` from now.
    Pause {
        /// Months of pause.
        months: u8,
    },
    /// A coupon of `percent` off for `months` (duration `repeating`).
    Discount {
        /// Percent off.
        percent: u8,
        /// Months it runs.
        months: u8,
    },
}

/// The action for an ending: cancelling cancels at period end; an accepted
/// pause or discount is applied; a cheaper plan or "talk to us" is not
/// (`None`).
pub fn action_for(decision: Decision, offer: Option<&CancelOffer>) -> Option<StripeAction> {
    match decision {
        Decision::Cancelled => Some(StripeAction::CancelAtPeriodEnd),
        Decision::AcceptedOffer => match offer.map(|o| &o.terms) {
            Some(OfferTerms::Pause { months }) => Some(StripeAction::Pause { months: *months }),
            Some(OfferTerms::Discount { percent, months }) => Some(StripeAction::Discount {
                percent: *percent,
                months: *months,
            }),
            _ => None,
        },
    }
}

/// What applying an ending in Stripe did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StripeOutcome {
    /// The workspace has no Stripe API key, or the ending needs nothing in
    /// Stripe: nothing was called.
    NotApplicable,
    /// Applied to these subscriptions.
    Applied(Vec<String>),
    /// Not applied, and why (shown on the case).
    Failed(String),
}

impl StripeOutcome {
    /// The failure's message, if it failed.
    pub fn error(&self) -> Option<&str> {
        match self {
            StripeOutcome::Failed(why) => Some(why),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct SubscriptionRef {
    id: String,
    #[serde(default)]
    status: String,
}

/// How long applying one ending in Stripe may take, all calls together.
pub const APPLY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// Subscription statuses a decision is applied to.
const LIVE: [&str; 4] = ["active", "trialing", "past_due", "unpaid"];

/// The idempotency key of `step` of one cancel page session (the
/// workspace, the customer and the link's `ts`): a retry of the same
/// session never applies twice, another session is a new request.
pub fn idempotency_key(ws: WorkspaceId, customer: &str, link_ts: i64, step: &str) -> String {
    let digest = Sha256::digest(format!("{}.{customer}.{link_ts}", ws.0).as_bytes());
    format!("churnwise-cancel-{}-{step}", &hex::encode(digest)[..40])
}

/// The coupon churnwise makes (once) and reuses for `percent` off during
/// `months`.
pub fn coupon_id(percent: u8, months: u8) -> String {
    format!("churnwise_{percent}pct_{months}m")
}

/// True when `id` looks like a Stripe customer id (`cus_…`).
fn is_customer_id(id: &str) -> bool {
    id.strip_prefix("cus_").is_some_and(|rest| {
        !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Applies the ending of the session (`customer`, `link_ts`) in the Stripe
/// account of `ws`: see the module. Never fails: a failure is the answer's
/// message.
pub async fn apply(
    store: &dyn Store,
    settings: &StripeSettings,
    ws: WorkspaceId,
    customer: &str,
    link_ts: i64,
    action: Option<StripeAction>,
    now: DateTime<Utc>,
) -> StripeOutcome {
    let Some(action) = action else {
        return StripeOutcome::NotApplicable;
    };
    match store.stripe_connection(ws).await {
        Ok(Some(c)) if c.api_key_sealed.is_some() => {}
        Ok(_) => return StripeOutcome::NotApplicable,
        Err(e) => return StripeOutcome::Failed(format!("reading the Stripe connection: {e}")),
    }
    // The customer waits for the answer page: Stripe gets so long, all
    // calls together.
    let applied = tokio::time::timeout(
        APPLY_TIMEOUT,
        apply_connected(store, settings, ws, customer, link_ts, action, now),
    )
    .await
    .unwrap_or_else(|_| {
        Err(format!(
            "Stripe did not answer within {} s (check the subscription in Stripe: it may or may not have changed)",
            APPLY_TIMEOUT.as_secs()
        ))
    });
    match applied {
        Ok(subscriptions) => StripeOutcome::Applied(subscriptions),
        Err(why) => {
            tracing::warn!(ws = ws.0, customer, error = %why, "cancel page: not applied in Stripe");
            StripeOutcome::Failed(why)
        }
    }
}

fn message(e: crate::error::AppError) -> String {
    match e {
        crate::error::AppError::Invalid(problems) => problems
            .iter()
            .map(|p| p.message.clone())
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

async fn apply_connected(
    store: &dyn Store,
    settings: &StripeSettings,
    ws: WorkspaceId,
    customer: &str,
    link_ts: i64,
    action: StripeAction,
    now: DateTime<Utc>,
) -> Result<Vec<String>, String> {
    if !is_customer_id(customer) {
        return Err(format!(
            "the client's external id “{customer}” is not a Stripe customer id (cus_…)"
        ));
    }
    let key = super::api_key(store, settings, ws).await.map_err(message)?;
    let api = StripeApi::new(&settings.api_base, key).map_err(message)?;
    let page = api
        .page::<SubscriptionRef>("subscriptions", &[("customer", customer)], None)
        .await
        .map_err(message)?;
    let live: Vec<String> = page
        .objects
        .into_iter()
        .filter(|s| LIVE.contains(&s.status.as_str()))
        .map(|s| s.id)
        .collect();
    if live.is_empty() {
        return Err(format!(
            "customer {customer} has no active subscription in Stripe"
        ));
    }
    let key_of = |step: &str| idempotency_key(ws, customer, link_ts, step);
    let form: Vec<(String, String)> = match action {
        StripeAction::CancelAtPeriodEnd => {
            vec![("cancel_at_period_end".into(), "true".into())]
        }
        StripeAction::Pause { months } => {
            let resumes = now
                .checked_add_months(Months::new(u32::from(months)))
                .ok_or_else(|| "the pause's end is out of range".to_string())?;
            vec![
                ("pause_collection[behavior]".into(), "void".into()),
                (
                    "pause_collection[resumes_at]".into(),
                    resumes.timestamp().to_string(),
                ),
            ]
        }
        StripeAction::Discount { percent, months } => {
            let coupon = ensure_coupon(&api, percent, months, &key_of("coupon")).await?;
            vec![("discounts[0][coupon]".into(), coupon)]
        }
    };
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    for id in &live {
        let what = format!("subscription {id}");
        api.post_form(
            &format!("/v1/subscriptions/{id}"),
            &form,
            &key_of(&format!("update-{id}")),
            &what,
        )
        .await
        .map_err(message)?;
    }
    Ok(live)
}

/// The coupon for `percent` off during `months`: reused when it exists,
/// else made (`duration=repeating`).
async fn ensure_coupon(
    api: &StripeApi,
    percent: u8,
    months: u8,
    idempotency_key: &str,
) -> Result<String, String> {
    let id = coupon_id(percent, months);
    let path = format!("/v1/coupons/{id}");
    let what = format!("coupon {id}");
    if api
        .get_optional(&path, &[], &what)
        .await
        .map_err(message)?
        .is_some()
    {
        return Ok(id);
    }
    let (percent, months) = (percent.to_string(), months.to_string());
    let made = api
        .post_form(
            "/v1/coupons",
            &[
                ("id", id.as_str()),
                ("percent_off", percent.as_str()),
                ("duration", "repeating"),
                ("duration_in_months", months.as_str()),
            ],
            idempotency_key,
            &what,
        )
        .await;
    match made {
        Ok(_) => Ok(id),
        // Made meanwhile by another session: reuse it.
        Err(e) => match api.get_optional(&path, &[], &what).await {
            Ok(Some(_)) => Ok(id),
            _ => Err(message(e)),
        },
    }
}

/// A cancel page ending recorded on a case whose application in Stripe
/// failed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StripeFailure {
    /// When the customer decided.
    pub decided_at: DateTime<Utc>,
    /// `cancelled` or `accepted_offer`.
    pub decision: String,
    /// Why it was not applied in Stripe.
    pub error: String,
}

/// Most failures listed with one case.
pub const FAILURES_SHOWN: i64 = 20;

/// The cancel page endings recorded on `case` that could not be applied in
/// Stripe, newest first (at most [`FAILURES_SHOWN`]).
pub async fn failures_of_case(
    store: &dyn Store,
    ws: WorkspaceId,
    case: churnwise_store::CaseId,
) -> crate::error::AppResult<Vec<StripeFailure>> {
    Ok(store
        .cancel_sessions_of_case(ws, case, FAILURES_SHOWN)
        .await?
        .into_iter()
        .filter_map(|s| {
            let error = s.stripe_error?;
            let completion = s.completion?;
            Some(StripeFailure {
                decided_at: completion.completed_at,
                decision: completion.decision,
                error,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use churnwise_domain::cancel_offer::Variant;
    use churnwise_domain::reasons::ReasonKey;

    fn offer(terms: OfferTerms) -> CancelOffer {
        CancelOffer {
            reason: ReasonKey::parse("r", "other").unwrap(),
            variant: Variant::A,
            terms,
        }
    }

    #[test]
    fn each_ending_has_its_action() {
        let pause = offer(OfferTerms::Pause { months: 2 });
        assert_eq!(
            action_for(Decision::Cancelled, Some(&pause)),
            Some(StripeAction::CancelAtPeriodEnd)
        );
        assert_eq!(
            action_for(Decision::AcceptedOffer, Some(&pause)),
            Some(StripeAction::Pause { months: 2 })
        );
        let discount = offer(OfferTerms::Discount {
            percent: 20,
            months: 3,
        });
        assert_eq!(
            action_for(Decision::AcceptedOffer, Some(&discount)),
            Some(StripeAction::Discount {
                percent: 20,
                months: 3
            })
        );
        assert_eq!(
            action_for(Decision::AcceptedOffer, Some(&offer(OfferTerms::TalkToUs))),
            None
        );
    }

    #[test]
    fn keys_differ_per_session_and_step_and_coupon_ids_are_stripe_ids() {
        let a = idempotency_key(WorkspaceId(1), "cus_1", 10, "coupon");
        assert_ne!(a, idempotency_key(WorkspaceId(1), "cus_1", 11, "coupon"));
        assert_ne!(a, idempotency_key(WorkspaceId(2), "cus_1", 10, "coupon"));
        assert_ne!(a, idempotency_key(WorkspaceId(1), "cus_1", 10, "update"));
        assert!(a.len() < 255);
        assert_eq!(coupon_id(20, 3), "churnwise_20pct_3m");
        assert!(is_customer_id("cus_Abc_1"));
        assert!(!is_customer_id("cus_"));
        assert!(!is_customer_id("acme-42"));
    }
}
