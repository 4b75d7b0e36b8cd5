//! Records of the audit log and of erasing a client's personal data.

use crate::{ClientId, Timestamp, UserId};
use serde::Serialize;

/// An entry to append to a workspace's audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    /// When the change was made.
    pub at: Timestamp,
    /// The user who made it (none for churnwise itself).
    pub actor_user: Option<UserId>,
    /// Who made it, as shown (a user's name or email, or `churnwise`).
    pub actor: String,
    /// What was done, as a stable key such as `client.created`.
    pub action: String,
    /// The kind of thing changed, such as `client` or `token`.
    pub subject_type: String,
    /// The id of the thing changed, when it has one.
    pub subject_id: Option<i64>,
    /// The client the change concerns, if any: erasing that client blanks
    /// the entry's detail.
    pub client: Option<ClientId>,
    /// A short detail (never a secret or a password).
    pub detail: String,
}

/// An entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// The entry's number, increasing.
    pub id: i64,
    /// When the change was made.
    pub at: Timestamp,
    /// The user who made it (none for churnwise itself).
    pub actor_user: Option<UserId>,
    /// Who made it, as shown.
    pub actor: String,
    /// What was done (a stable key).
    pub action: String,
    /// The kind of thing changed.
    pub subject_type: String,
    /// The id of the thing changed.
    pub subject_id: Option<i64>,
    /// The client the change concerns.
    pub client: Option<ClientId>,
    /// A short detail.
    pub detail: String,
}

/// What an erase replaced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ErasureSummary {
    /// Contacts whose name, role, email and phone were erased.
    pub contacts: u64,
    /// Interactions whose note was erased.
    pub interactions: u64,
    /// Departure cases whose free texts were erased.
    pub cases: u64,
    /// History entries of those cases rewritten without their free texts.
    pub history_entries: u64,
    /// Audit entries about the client whose detail was blanked.
    pub audit_entries: u64,
}
