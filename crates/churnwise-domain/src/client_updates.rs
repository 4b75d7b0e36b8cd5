//! Client updates (issue 16, docs/client-updates.md): how often a client is
//! told what was done for it — off, monthly or quarterly —, the workspace's
//! default per segment, and the day the next update falls due.

use crate::health::SettingProblem;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// At most this many segments with a cadence of their own.
pub const MAX_SEGMENTS: usize = 200;
/// At most this many characters in a segment name.
pub const MAX_SEGMENT_CHARS: usize = 100;

/// How often a client gets an update.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    /// No updates.
    #[default]
    Off,
    /// One a calendar month.
    Monthly,
    /// One every three calendar months.
    Quarterly,
}

impl Cadence {
    /// Every cadence, in display order.
    pub const ALL: [Cadence; 3] = [Cadence::Off, Cadence::Monthly, Cadence::Quarterly];

    /// The stable key stored and sent over the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Off => "off",
            Cadence::Monthly => "monthly",
            Cadence::Quarterly => "quarterly",
        }
    }

    /// The calendar months between two updates; none when off.
    pub fn months(self) -> Option<u32> {
        match self {
            Cadence::Off => None,
            Cadence::Monthly => Some(1),
            Cadence::Quarterly => Some(3),
        }
    }

    /// The day an update falls due when the last one (or, with none, the
    /// client's start) was on `last`: a cadence period later (the same day
    /// of the month, or the month's last day when it has fewer days). None
    /// when off.
    pub fn due_on(self, last: NaiveDate) -> Option<NaiveDate> {
        self.months()
            .and_then(|m| last.checked_add_months(Months::new(m)))
    }
}

impl fmt::Display for Cadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Cadence {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" => Ok(Cadence::Off),
            "monthly" => Ok(Cadence::Monthly),
            "quarterly" => Ok(Cadence::Quarterly),
            _ => Err(format!("{s:?} is not one of off, monthly, quarterly")),
        }
    }
}

/// The workspace's update cadences: a default, and one per segment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ClientUpdateSettings {
    /// The cadence of a client whose segment has none of its own (off by
    /// default).
    pub default_cadence: Cadence,
    /// The cadence of the clients of a segment (by segment name, any case).
    pub by_segment: BTreeMap<String, Cadence>,
}

impl ClientUpdateSettings {
    /// The cadence of a client of `segment` with no cadence of its own.
    pub fn cadence_for(&self, segment: Option<&str>) -> Cadence {
        let Some(segment) = segment.map(str::trim).filter(|s| !s.is_empty()) else {
            return self.default_cadence;
        };
        self.by_segment
            .iter()
            .find(|(name, _)| name.trim().eq_ignore_ascii_case(segment))
            .map_or(self.default_cadence, |(_, c)| *c)
    }

    /// Checks the segment names (not empty, at most
    /// [`MAX_SEGMENT_CHARS`] characters, at most [`MAX_SEGMENTS`]), each
    /// problem under `client_updates.by_segment`.
    pub fn validate(&self) -> Result<(), Vec<SettingProblem>> {
        let mut problems = Vec::new();
        if self.by_segment.len() > MAX_SEGMENTS {
            problems.push(SettingProblem {
                field: "client_updates.by_segment".into(),
                reason: format!("at most {MAX_SEGMENTS} segments"),
            });
        }
        for name in self.by_segment.keys() {
            if name.trim().is_empty() {
                problems.push(SettingProblem {
                    field: "client_updates.by_segment".into(),
                    reason: "a segment name is empty".into(),
                });
            } else if name.chars().count() > MAX_SEGMENT_CHARS {
                problems.push(SettingProblem {
                    field: "client_updates.by_segment".into(),
                    reason: format!("a segment name is longer than {MAX_SEGMENT_CHARS} characters"),
                });
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn an_update_falls_due_a_calendar_period_after_the_last() {
        assert_eq!(
            Cadence::Monthly.due_on(d("2024-01-15")),
            Some(d("2024-02-15"))
        );
        assert_eq!(
            Cadence::Monthly.due_on(d("2024-01-31")),
            Some(d("2024-02-29"))
        );
        assert_eq!(
            Cadence::Quarterly.due_on(d("2024-01-15")),
            Some(d("2024-04-15"))
        );
        assert_eq!(Cadence::Off.due_on(d("2024-01-15")), None);
    }

    #[test]
    fn a_segment_takes_its_own_cadence_in_any_case_else_the_default() {
        let mut s = ClientUpdateSettings {
            default_cadence: Cadence::Quarterly,
            ..ClientUpdateSettings::default()
        };
        s.by_segment.insert("SMB".into(), Cadence::Monthly);
        s.by_segment.insert("enterprise".into(), Cadence::Off);
        assert_eq!(s.cadence_for(Some("smb")), Cadence::Monthly);
        assert_eq!(s.cadence_for(Some("Enterprise ")), Cadence::Off);
        assert_eq!(s.cadence_for(Some("agency")), Cadence::Quarterly);
        assert_eq!(s.cadence_for(None), Cadence::Quarterly);
    }

    #[test]
    fn an_empty_segment_name_is_refused() {
        let mut s = ClientUpdateSettings::default();
        s.by_segment.insert(" ".into(), Cadence::Monthly);
        let problems = s.validate().unwrap_err();
        assert_eq!(problems[0].field, "client_updates.by_segment");
        assert_eq!("quarterly".parse::<Cadence>(), Ok(Cadence::Quarterly));
        assert!("weekly".parse::<Cadence>().is_err());
    }
}
