//! The Stripe connection of a workspace and the webhook events applied
//! (issue 15). Secrets are stored sealed: the store never sees them in clear.

use crate::{Timestamp, WorkspaceId};

/// A workspace's Stripe connection as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct StripeConnection {
    /// The workspace.
    pub ws: WorkspaceId,
    /// The public id of its webhook endpoint (`/webhooks/stripe/<id>`).
    pub endpoint_id: String,
    /// The API key, sealed (AEAD, base64), when set.
    pub api_key_sealed: Option<String>,
    /// The webhook signing secret, sealed, when set.
    pub webhook_secret_sealed: Option<String>,
    /// The last sync report (JSON), when a sync ran.
    pub last_sync: Option<String>,
    /// When the connection last changed.
    pub updated_at: Timestamp,
}

impl std::fmt::Debug for StripeConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeConnection")
            .field("ws", &self.ws)
            .field("endpoint_id", &self.endpoint_id)
            .field("api_key_sealed", &self.api_key_sealed.as_ref().map(|_| "…"))
            .field(
                "webhook_secret_sealed",
                &self.webhook_secret_sealed.as_ref().map(|_| "…"),
            )
            .field("updated_at", &self.updated_at)
            .finish_non_exhaustive()
    }
}

/// What is known of a webhook event before it is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StripeEventCheck {
    /// Not applied yet, and not older than the last event of its object.
    Fresh,
    /// Already applied (a replay).
    Replay,
    /// Older than the last event applied to the same object.
    Stale,
}

/// One MRR segment recorded for a subscription with an external id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedSegment {
    /// The subscription's external id.
    pub subscription_ref: String,
    /// The first day.
    pub started_on: chrono::NaiveDate,
    /// The day after the last (none: still running).
    pub ended_on: Option<chrono::NaiveDate>,
    /// MRR in minor units.
    pub mrr_cents: i64,
}
