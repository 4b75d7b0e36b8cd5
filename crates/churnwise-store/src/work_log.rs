//! The work log (issue 16): what the team did for a client, entry by entry,
//! each visible to the client (in updates and the final report) or kept
//! internal.

use crate::{ClientId, Date, UserId};
use serde::Serialize;

/// Id of a work-log entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct WorkEntryId(pub i64);

/// A work-log entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkEntry {
    /// Id.
    pub id: WorkEntryId,
    /// The client the work was done for.
    pub client_id: ClientId,
    /// The day it was done.
    pub done_on: Date,
    /// What, in a line.
    pub title: String,
    /// What was done, in full.
    pub body: Option<String>,
    /// The result figure in thousandths (12.5 is 12500), exact.
    pub result_milli: Option<i64>,
    /// The result's unit (`%`, `visits`, `€`).
    pub result_unit: Option<String>,
    /// A link to the work (http or https).
    pub link: Option<String>,
    /// Who did it: a member's name or a free name.
    pub who: Option<String>,
    /// The member who did it, when it is one.
    pub who_user: Option<UserId>,
    /// Shown to the client (updates, final report); else internal.
    pub client_visible: bool,
    /// When it was written or last changed, in Unix milliseconds.
    pub updated_ms: i64,
}

/// A checked work-log entry to store (new, or the whole of an edited one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWorkEntry {
    /// The day it was done.
    pub done_on: Date,
    /// What, in a line (1–200 characters).
    pub title: String,
    /// What was done (at most 5,000 characters).
    pub body: Option<String>,
    /// The result figure in thousandths.
    pub result_milli: Option<i64>,
    /// The result's unit.
    pub result_unit: Option<String>,
    /// A link (http or https, at most 2,000 characters).
    pub link: Option<String>,
    /// Who did it.
    pub who: Option<String>,
    /// The member who did it.
    pub who_user: Option<UserId>,
    /// Shown to the client.
    pub client_visible: bool,
    /// Now, in Unix milliseconds.
    pub now_ms: i64,
}

/// One row of a work-log import: the client by its external id, the line
/// of the file for errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkEntryImport {
    /// The file's line.
    pub line: u64,
    /// The client's external id.
    pub customer_id: String,
    /// The checked entry.
    pub entry: NewWorkEntry,
}
