//! The Stripe sync of a workspace that runs or ran last (issue 15, "Sync
//! now"): claimed by one process at a time, its progress and its end kept
//! in the database so that any server process shows it.

use crate::Timestamp;

/// Where a sync job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StripeSyncState {
    /// Claimed and (as far as the database knows) running.
    Running,
    /// Ended with a report (stored as the connection's last sync).
    Finished,
    /// Ended with an error (its text in `error`).
    Failed,
}

impl StripeSyncState {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            StripeSyncState::Running => "running",
            StripeSyncState::Finished => "finished",
            StripeSyncState::Failed => "failed",
        }
    }
}

impl std::str::FromStr for StripeSyncState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "running" => Ok(StripeSyncState::Running),
            "finished" => Ok(StripeSyncState::Finished),
            "failed" => Ok(StripeSyncState::Failed),
            other => Err(format!("unknown sync state {other:?}")),
        }
    }
}

/// A workspace's last (or running) Stripe sync job as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeSyncJob {
    /// Running, finished or failed.
    pub state: StripeSyncState,
    /// Who started it (the audit log's name).
    pub started_by: String,
    /// When it was claimed.
    pub started_at: Timestamp,
    /// Its last sign of life: the claim, then each progress write.
    pub beat_at: Timestamp,
    /// The kind of object read last (`customers`, `subscriptions`, `invoices`).
    pub progress_kind: Option<String>,
    /// Objects of that kind read so far.
    pub progress_read: i64,
    /// When it ended.
    pub finished_at: Option<Timestamp>,
    /// Why it failed.
    pub error: Option<String>,
}
