//! A workspace's settings: the churn benchmark, keep-in-touch defaults, the
//! health score's weights and thresholds, and the daily digest. Stored as
//! one JSON document; a value left out takes its default.

use crate::client_updates::ClientUpdateSettings;
use crate::contact_frequency::MaxContactSettings;
use crate::health::{HealthSettings, SettingProblem};
use crate::ideal_client::IdealClientProfile;
use crate::payment_reminders::ReminderSettings;
use crate::registry::DEFAULT_KEEP_IN_TOUCH_DAYS;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The default monthly churn benchmark in percent (departure.md section 4).
pub const DEFAULT_BENCHMARK_PCT: f64 = 7.0;

/// The daily digest email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct DigestSettings {
    /// False stops the digests of this workspace.
    pub enabled: bool,
    /// The hour (UTC, 0–23) from which the day's digest is sent.
    pub hour_utc: u32,
}

impl Default for DigestSettings {
    fn default() -> Self {
        DigestSettings {
            enabled: true,
            hour_utc: 7,
        }
    }
}

/// Everything a workspace can set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct WorkspaceSettings {
    /// Monthly churn benchmark in percent, drawn beside the churn rate.
    pub benchmark_pct: f64,
    /// Keep-in-touch interval given to a new client without one.
    pub keep_in_touch_days: i32,
    /// Keep-in-touch interval for a new client of a segment (by segment name).
    pub keep_in_touch_by_segment: BTreeMap<String, i32>,
    /// The health score.
    pub health: HealthSettings,
    /// The daily digest.
    pub digest: DigestSettings,
    /// Erase a former client's personal data this many months (1 to
    /// [`ERASE_AFTER_MAX_MONTHS`]) after it left; none (the default) never.
    pub erase_former_after_months: Option<u32>,
    /// Payment reminders for overdue invoices (issue 15).
    pub payment_reminders: ReminderSettings,
    /// The ideal client profile the team writes (issue 16).
    pub ideal_client: IdealClientProfile,
    /// Client update cadences: the default and per segment (issue 16).
    pub client_updates: ClientUpdateSettings,
    /// The maximum contact frequency, by segment (issue 16): a client
    /// contacted that often is held back from the due list.
    pub max_contacts: MaxContactSettings,
}

/// The longest retention that can be set, in months (ten years).
pub const ERASE_AFTER_MAX_MONTHS: u32 = 120;

impl Default for WorkspaceSettings {
    fn default() -> Self {
        WorkspaceSettings {
            benchmark_pct: DEFAULT_BENCHMARK_PCT,
            keep_in_touch_days: DEFAULT_KEEP_IN_TOUCH_DAYS,
            keep_in_touch_by_segment: BTreeMap::new(),
            health: HealthSettings::default(),
            digest: DigestSettings::default(),
            erase_former_after_months: None,
            payment_reminders: ReminderSettings::default(),
            ideal_client: IdealClientProfile::default(),
            client_updates: ClientUpdateSettings::default(),
            max_contacts: MaxContactSettings::default(),
        }
    }
}

impl WorkspaceSettings {
    /// Checks every value; lists every problem with its path.
    pub fn validate(&self) -> Result<(), Vec<SettingProblem>> {
        let mut problems = Vec::new();
        if !(self.benchmark_pct.is_finite() && (0.0..=100.0).contains(&self.benchmark_pct)) {
            problems.push(SettingProblem {
                field: "benchmark_pct".into(),
                reason: "must be a percentage between 0 and 100".into(),
            });
        }
        let interval_ok = |d: i32| (1..=3650).contains(&d);
        if !interval_ok(self.keep_in_touch_days) {
            problems.push(SettingProblem {
                field: "keep_in_touch_days".into(),
                reason: format!("{} is not between 1 and 3650", self.keep_in_touch_days),
            });
        }
        for (segment, days) in &self.keep_in_touch_by_segment {
            if segment.trim().is_empty() {
                problems.push(SettingProblem {
                    field: "keep_in_touch_by_segment".into(),
                    reason: "a segment name is empty".into(),
                });
            }
            if !interval_ok(*days) {
                problems.push(SettingProblem {
                    field: format!("keep_in_touch_by_segment.{segment}"),
                    reason: format!("{days} is not between 1 and 3650"),
                });
            }
        }
        if self.digest.hour_utc > 23 {
            problems.push(SettingProblem {
                field: "digest.hour_utc".into(),
                reason: format!("{} is not an hour between 0 and 23", self.digest.hour_utc),
            });
        }
        if let Some(months) = self.erase_former_after_months {
            if !(1..=ERASE_AFTER_MAX_MONTHS).contains(&months) {
                problems.push(SettingProblem {
                    field: "erase_former_after_months".into(),
                    reason: format!("{months} is not between 1 and {ERASE_AFTER_MAX_MONTHS}"),
                });
            }
        }
        if let Err(more) = self.health.validate() {
            problems.extend(more);
        }
        if let Err(more) = self.payment_reminders.validate() {
            problems.extend(more.into_iter().map(|p| SettingProblem {
                field: format!("payment_reminders.{}", p.field),
                reason: p.reason,
            }));
        }
        if let Err(more) = self.ideal_client.validate() {
            problems.extend(more);
        }
        if let Err(more) = self.client_updates.validate() {
            problems.extend(more);
        }
        if let Err(more) = self.max_contacts.validate() {
            problems.extend(more);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// The keep-in-touch interval for a new client of `segment`.
    pub fn keep_in_touch_for(&self, segment: Option<&str>) -> i32 {
        segment
            .and_then(|s| self.keep_in_touch_by_segment.get(s.trim()))
            .copied()
            .unwrap_or(self.keep_in_touch_days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_document_is_the_defaults() {
        let s: WorkspaceSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(s, WorkspaceSettings::default());
        assert_eq!(s.benchmark_pct, 7.0);
        assert!(s.validate().is_ok());
    }

    #[test]
    fn stored_settings_without_a_maximum_contact_frequency_still_load() {
        let s: WorkspaceSettings =
            serde_json::from_str(r#"{"keep_in_touch_days": 20, "ideal_client": {}}"#).unwrap();
        assert_eq!(s.keep_in_touch_days, 20);
        assert!(!s.max_contacts.is_set());
    }

    #[test]
    fn a_segment_interval_wins_over_the_workspace_default() {
        let mut s = WorkspaceSettings::default();
        s.keep_in_touch_by_segment.insert("enterprise".into(), 14);
        assert_eq!(s.keep_in_touch_for(Some("enterprise")), 14);
        assert_eq!(s.keep_in_touch_for(Some("smb")), 30);
        assert_eq!(s.keep_in_touch_for(None), 30);
    }

    #[test]
    fn every_bad_value_is_named_with_its_path() {
        let mut s = WorkspaceSettings {
            benchmark_pct: -1.0,
            keep_in_touch_days: 0,
            ..Default::default()
        };
        s.keep_in_touch_by_segment.insert("smb".into(), 9999);
        s.digest.hour_utc = 24;
        s.health.weights.contact = 500;
        s.erase_former_after_months = Some(121);
        let fields: Vec<String> = s
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            vec![
                "benchmark_pct",
                "keep_in_touch_days",
                "keep_in_touch_by_segment.smb",
                "digest.hour_utc",
                "erase_former_after_months",
                "health.weights.contact"
            ]
        );
    }
}
