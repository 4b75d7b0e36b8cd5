//! Client updates and the services catalogue (issue 16, migration 0028): a
//! client's own update cadence, the updates sent, the workspace's services
//! and which of them each client buys or was offered.

use crate::{ClientId, Date};
pub use churnwise_domain::client_updates::Cadence;
use serde::Serialize;

/// Id of a sent client update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ClientUpdateId(pub i64);

/// Id of a service of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ServiceId(pub i64);

/// What the due list of updates needs to know of an active client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateCandidate {
    /// The client.
    pub client_id: ClientId,
    /// Its name.
    pub name: String,
    /// Its owner.
    pub owner: Option<String>,
    /// Its segment.
    pub segment: Option<String>,
    /// Its own cadence, when set (else its segment's).
    pub cadence: Option<Cadence>,
    /// The day of its last sent update.
    pub last_sent_on: Option<Date>,
    /// Its start: the earlier of its first subscription's first day and
    /// the day it was recorded.
    pub client_since: Date,
}

/// A client update to store as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClientUpdate {
    /// The first day the update covers.
    pub period_from: Date,
    /// The last day it covers.
    pub period_to: Date,
    /// The subject.
    pub subject: String,
    /// The text.
    pub body: String,
    /// The day it was sent.
    pub sent_on: Date,
    /// Who sent it.
    pub sent_by: String,
    /// `email` or `download`.
    pub channel: String,
    /// The service it suggested, recorded as offered to the client.
    pub service: Option<ServiceId>,
    /// Now, in Unix milliseconds.
    pub now_ms: i64,
}

/// A client update as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientUpdate {
    /// Id.
    pub id: ClientUpdateId,
    /// The client.
    pub client_id: ClientId,
    /// The first day it covers.
    pub period_from: Date,
    /// The last day it covers.
    pub period_to: Date,
    /// The subject.
    pub subject: String,
    /// The text.
    pub body: String,
    /// The day it was sent.
    pub sent_on: Date,
    /// Who sent it.
    pub sent_by: String,
    /// `email` or `download`.
    pub channel: String,
    /// The service it suggested.
    pub service_id: Option<ServiceId>,
}

/// A checked service of the catalogue to store (new, or the whole of an
/// edited one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewService {
    /// Its name (unique in the workspace, any case).
    pub name: String,
    /// What it is, for the client.
    pub description: Option<String>,
    /// Offered to clients (suggested in updates) while active.
    pub active: bool,
    /// Now, in Unix milliseconds.
    pub now_ms: i64,
}

/// A service of the catalogue as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// Id.
    pub id: ServiceId,
    /// Its name.
    pub name: String,
    /// What it is.
    pub description: Option<String>,
    /// Offered while active.
    pub active: bool,
}

/// Where a client stands with one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientService {
    /// The service.
    pub service_id: ServiceId,
    /// The client buys it.
    pub buys: bool,
    /// The day an update suggested it.
    pub offered_on: Option<Date>,
    /// `accepted` or `declined`, once the client answered.
    pub answer: Option<String>,
    /// The day of the answer.
    pub answered_on: Option<Date>,
}
