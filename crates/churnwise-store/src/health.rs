//! Records of the early-warning features: health scores, alerts, and the
//! background jobs' leases and digest deliveries.

use crate::records::{ClientId, UserId, WorkspaceId};
use crate::CaseId;
use churnwise_domain::health::{HealthFacts, HealthScore, Signal};
use churnwise_domain::registry::ClientStatus;
use serde::{Deserialize, Serialize};

/// Id of a health alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AlertId(pub i64);

impl std::fmt::Display for AlertId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Id of a digest delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DeliveryId(pub i64);

/// The client a score or an alert is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientRef {
    /// Id.
    pub id: ClientId,
    /// Name.
    pub name: String,
    /// Owner (account manager).
    pub owner: Option<String>,
    /// Status.
    pub status: ClientStatus,
}

/// What the health score of one client is computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHealthFacts {
    /// The client.
    pub client: ClientRef,
    /// The facts.
    pub facts: HealthFacts,
}

/// A client's latest stored score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredHealth {
    /// The client.
    pub client: ClientRef,
    /// The score and its signals.
    #[serde(flatten)]
    pub health: HealthScore,
    /// The day it was computed for.
    pub computed_on: chrono::NaiveDate,
}

/// Which scores to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HealthFilter {
    /// Only this client.
    pub client: Option<ClientId>,
    /// Only clients of this owner.
    pub owner: Option<String>,
    /// Only clients at risk.
    pub at_risk_only: bool,
    /// Also the scores of former clients (computed before they left); a
    /// filter by `client` finds its client whatever its status.
    pub include_former: bool,
    /// Only clients whose owner, trimmed, is one of these spellings (every
    /// spelling of a member's names); no such filter when empty.
    pub owner_spellings: Vec<String>,
    /// The window of the list: at most `limit` rows after skipping
    /// `offset`, read by the database (the whole list when `None`).
    pub window: Option<ListWindow>,
}

/// A window of a list the database reads: at most `limit` rows after the
/// first `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListWindow {
    /// The most rows to read.
    pub limit: u32,
    /// Rows to skip first.
    pub offset: u32,
}

/// Where an alert stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    /// Raised and not yet handled.
    Open,
    /// Seen by someone who is dealing with it.
    Acknowledged,
    /// Hidden until a date, then open again.
    Snoozed,
    /// Turned into a departure case (no longer live: a later crossing
    /// raises a new alert).
    CaseOpened,
    /// The client's score recovered; the next crossing raises a new alert.
    Resolved,
}

impl AlertStatus {
    /// The statuses of a live alert: at most one per client.
    pub const LIVE: &'static [AlertStatus] = &[
        AlertStatus::Open,
        AlertStatus::Acknowledged,
        AlertStatus::Snoozed,
    ];

    /// Every status.
    pub const ALL: &'static [AlertStatus] = &[
        AlertStatus::Open,
        AlertStatus::Acknowledged,
        AlertStatus::Snoozed,
        AlertStatus::CaseOpened,
        AlertStatus::Resolved,
    ];

    /// The stored key.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Open => "open",
            AlertStatus::Acknowledged => "acknowledged",
            AlertStatus::Snoozed => "snoozed",
            AlertStatus::CaseOpened => "case_opened",
            AlertStatus::Resolved => "resolved",
        }
    }
}

impl std::str::FromStr for AlertStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        AlertStatus::ALL
            .iter()
            .copied()
            .find(|a| a.as_str() == s.trim())
            .ok_or_else(|| {
                let all: Vec<&str> = AlertStatus::ALL.iter().map(|a| a.as_str()).collect();
                format!("{s:?} is not one of {}", all.join(", "))
            })
    }
}

/// An alert raised when a client's score crossed into risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// Id.
    pub id: AlertId,
    /// The client.
    pub client: ClientRef,
    /// Where it stands.
    pub status: AlertStatus,
    /// The score when it was raised.
    pub score: u32,
    /// The signals that took points then, largest first.
    pub reasons: Vec<Signal>,
    /// The day it was raised.
    pub raised_on: chrono::NaiveDate,
    /// Snoozed until this day.
    pub snoozed_until: Option<chrono::NaiveDate>,
    /// The case it was turned into.
    pub case_id: Option<CaseId>,
    /// Who last handled it.
    pub handled_by: Option<String>,
}

/// Which alerts to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertFilter {
    /// Only these statuses (all when empty).
    pub statuses: Vec<AlertStatus>,
    /// Only clients of this owner.
    pub owner: Option<String>,
    /// Only this client.
    pub client: Option<ClientId>,
    /// Only alerts raised on or after this day.
    pub raised_since: Option<chrono::NaiveDate>,
    /// Only clients whose owner, trimmed, is one of these spellings (every
    /// spelling of a member's names); no such filter when empty.
    pub owner_spellings: Vec<String>,
    /// The window of the list, read by the database (all when `None`).
    pub window: Option<ListWindow>,
}

/// A change to an alert by a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertAction {
    /// Seen and being dealt with.
    Acknowledge,
    /// Hidden until the day given (then open again).
    Snooze(chrono::NaiveDate),
    /// Turned into this departure case.
    CaseOpened(CaseId),
}

/// What one recomputation changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HealthRunSummary {
    /// Clients scored.
    pub scored: u64,
    /// Alerts raised by this run.
    pub raised: Vec<AlertId>,
    /// Alerts resolved because the client recovered.
    pub resolved: u64,
    /// Snoozed alerts whose day came, open again.
    pub reopened: u64,
}

/// Where a digest delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Claimed and being sent; left so when the sender died mid-send, and
    /// then never sent again (at most once).
    Sending,
    /// Accepted by the SMTP server.
    Sent,
    /// Refused or unreachable; retried by a later run up to three attempts.
    Failed,
}

impl DeliveryStatus {
    /// The stored key.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Sending => "sending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
        }
    }
}

impl std::str::FromStr for DeliveryStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "sending" => Ok(DeliveryStatus::Sending),
            "sent" => Ok(DeliveryStatus::Sent),
            "failed" => Ok(DeliveryStatus::Failed),
            other => Err(format!("{other:?} is not a delivery status")),
        }
    }
}

/// How many times a failed digest is tried in all.
pub const MAX_DELIVERY_ATTEMPTS: i32 = 3;

/// One user's digest of one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// Id.
    pub id: DeliveryId,
    /// Workspace.
    pub workspace: WorkspaceId,
    /// Recipient.
    pub user: UserId,
    /// The day it is for.
    pub run_on: chrono::NaiveDate,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts so far.
    pub attempts: i32,
    /// Items in the digest.
    pub items: i32,
    /// The last error, if it failed.
    pub error: Option<String>,
}

/// A score to store for a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHealth {
    /// The client.
    pub client: ClientId,
    /// Its score.
    pub health: HealthScore,
    /// True when the client may raise an alert (active clients; a leaving
    /// client already has its case).
    pub may_alert: bool,
}
