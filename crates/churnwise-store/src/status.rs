//! Records of the client-status rule (issue #12).

use crate::{ClientRef, Date};

/// What the due list needs to know of a client's contacts (the keep-in-touch
/// rule), read in one query without the rest of the health facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactFacts {
    /// The client.
    pub client: ClientRef,
    /// Days between contacts.
    pub keep_in_touch_days: i32,
    /// The latest contact (not a newsletter or a note) on or before the day.
    pub last_contact_on: Option<Date>,
    /// The first segment's start, or the record's creation if earlier.
    pub client_since: Date,
}

/// How many clients of one status have a subscription running on a day,
/// paying (MRR above 0: the customers of docs/metrics.md) or free only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunningByStatus {
    /// The clients' stored status.
    pub status: churnwise_domain::registry::ClientStatus,
    /// Clients with a paying segment running that day.
    pub paying: i64,
    /// Clients whose running segments are all free (MRR 0).
    pub free: i64,
}
