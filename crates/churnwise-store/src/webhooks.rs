//! Outgoing webhooks (issue 17, spec/integrations.md §3): the endpoints of
//! a workspace, the outbox of events written in the same transaction as
//! the change that caused them, one delivery per subscribed endpoint, and
//! every attempt made to deliver it.

use crate::WorkspaceId;
use serde::Serialize;

/// Id of a webhook endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct WebhookEndpointId(pub i64);

/// Id of one delivery (an event for one endpoint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct WebhookDeliveryId(pub i64);

/// A webhook endpoint as stored (its secret sealed, never in clear).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    /// Id.
    pub id: WebhookEndpointId,
    /// The URL deliveries are posted to.
    pub url: String,
    /// `signed` (the envelope, signed) or `slack` (`{"text"}`).
    pub kind: String,
    /// The event types it receives.
    pub events: Vec<String>,
    /// The language of Slack texts (`en`, `es`).
    pub lang: String,
    /// The signing secret, sealed (see churnwise-app's `stripe::secrets`).
    pub secret_sealed: String,
    /// When it was made, in Unix milliseconds.
    pub created_ms: i64,
}

/// A webhook endpoint to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhookEndpoint {
    /// The URL (checked).
    pub url: String,
    /// `signed` or `slack`.
    pub kind: String,
    /// The event types (checked, non-empty).
    pub events: Vec<String>,
    /// The language of Slack texts.
    pub lang: String,
    /// The signing secret, sealed.
    pub secret_sealed: String,
    /// Now, in Unix milliseconds.
    pub created_ms: i64,
}

/// A delivery claimed for one attempt: the event, and the endpoint to post
/// it to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedDelivery {
    /// The delivery.
    pub id: WebhookDeliveryId,
    /// The workspace.
    pub ws: WorkspaceId,
    /// The event's public id (`evt_…`).
    pub event_id: String,
    /// The event type (`case.opened`).
    pub event_type: String,
    /// When the event happened, in Unix milliseconds.
    pub event_created_ms: i64,
    /// The event's data, JSON text.
    pub data: String,
    /// Attempts made before this one.
    pub attempts: i32,
    /// The endpoint's URL.
    pub url: String,
    /// The endpoint's kind (`signed`, `slack`).
    pub kind: String,
    /// The endpoint's language.
    pub lang: String,
    /// The endpoint's sealed secret.
    pub secret_sealed: String,
}

/// One attempt to deliver, as it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookAttempt {
    /// When it was made, in Unix milliseconds.
    pub attempted_ms: i64,
    /// The HTTP status answered, if any.
    pub status_code: Option<i32>,
    /// Why it failed (a non-2xx status, a timeout, a refused connection).
    pub error: Option<String>,
    /// How long it took, in milliseconds.
    pub duration_ms: i64,
}

/// What becomes of a delivery after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryNext {
    /// Answered with 2xx: never sent again.
    Delivered,
    /// Tried again at this Unix millisecond.
    RetryAt(i64),
    /// Given up (24 h after the event).
    Failed,
}

/// One line of the delivery log: an attempt with its delivery and event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryLogEntry {
    /// The delivery.
    pub delivery_id: WebhookDeliveryId,
    /// The endpoint's URL.
    pub url: String,
    /// The event's public id.
    pub event_id: String,
    /// The event type.
    pub event_type: String,
    /// When the attempt was made, in Unix milliseconds.
    pub attempted_ms: i64,
    /// The HTTP status answered, if any.
    pub status_code: Option<i32>,
    /// Why it failed.
    pub error: Option<String>,
    /// How long it took, in milliseconds.
    pub duration_ms: i64,
    /// The delivery's state now: `pending`, `delivered` or `failed`.
    pub state: String,
    /// The next attempt, in Unix milliseconds, while pending.
    pub next_attempt_ms: Option<i64>,
}
