//! Usage (issue 18): how each client uses the service, kept as daily totals
//! per client and metric, and the workspace's usage metrics.

use crate::{ClientId, Date};
use serde::{Deserialize, Serialize};

/// One usage metric of a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageMetric {
    /// The key events are sent with (`logins`).
    pub key: String,
    /// Its name in English.
    pub label_en: String,
    /// Its name in Spanish.
    pub label_es: String,
    /// True when more use is better (logins); false when less is
    /// (errors, support tickets).
    pub higher_is_better: bool,
}

impl UsageMetric {
    /// Its name in `lang`.
    pub fn label(&self, lang: churnwise_domain::Lang) -> &str {
        lang.pick(&self.label_en, &self.label_es)
    }
}

/// One checked usage event to add to the daily totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageEvent {
    /// The client.
    pub client: ClientId,
    /// The metric's key (checked: lowercase `[a-z0-9_.-]`, at most 64).
    pub metric: String,
    /// The day it counts on.
    pub on: Date,
    /// How much it adds (0 or more).
    pub value: i64,
    /// The sender's id, which makes the event count once.
    pub id: Option<String>,
}

/// What recording a batch of usage events did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct UsageRecorded {
    /// Events added to the totals.
    pub accepted: u64,
    /// Events not added: their id was seen before, or earlier in the batch.
    pub duplicates: u64,
    /// Metrics created because their key was new.
    pub new_metrics: u64,
}

/// One daily total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsageDay {
    /// The metric's key.
    pub metric: String,
    /// The day.
    pub on: Date,
    /// The sum of the day's events.
    pub total: i64,
}

// --- usage-finish ---

/// One client's stretch of days whose usage is summed in two parts: from
/// `from` to the day before `split`, and from `split` to `to` (both
/// included). The reasons report reads a lost client's last 90 days and
/// the 90 before them this way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageWindow {
    /// The client.
    pub client: ClientId,
    /// The first day read.
    pub from: Date,
    /// The first day of the second part.
    pub split: Date,
    /// The last day read.
    pub to: Date,
}

/// One metric's use within one [`UsageWindow`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageWindowTotal {
    /// The window's index in the list asked for.
    pub window: usize,
    /// The metric's key.
    pub metric: String,
    /// The total from `from` to the day before `split`.
    pub before: i64,
    /// The total from `split` to `to`.
    pub after: i64,
}
