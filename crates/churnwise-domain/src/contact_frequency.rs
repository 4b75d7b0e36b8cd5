//! Not too much either (issue 16): the most outgoing contacts a client
//! should get in a stretch of days, by segment, and whether a client has had
//! them already. Pure rules; the store counts the contacts.
//!
//! What counts: the contacts the team makes — calls, meetings, emails
//! (payment reminders are logged as emails) and newsletters or periodic
//! updates. What the client brings (complaints, praise), incidents on our
//! side and internal notes do not.

use crate::health::SettingProblem;
use crate::registry::InteractionKind;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The most contacts a limit can allow.
pub const MAX_LIMIT_CONTACTS: u32 = 100;
/// The longest stretch of days a limit can cover.
pub const MAX_LIMIT_DAYS: u32 = 365;
/// The most segments that can have a limit of their own.
pub const MAX_SEGMENT_LIMITS: usize = 100;
/// The longest segment name, in characters.
const MAX_SEGMENT_CHARS: usize = 100;

/// At most `contacts` outgoing contacts in any `days` days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactLimit {
    /// The most contacts (1 to 100).
    pub contacts: u32,
    /// In this many days, today included (1 to 365).
    pub days: u32,
}

/// The maximum contact frequency of a workspace: a default and one per
/// segment. Nothing set (the default) holds no client back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct MaxContactSettings {
    /// The limit of a client whose segment has none of its own; none: no limit.
    pub default: Option<ContactLimit>,
    /// The limit of the clients of a segment (by segment name, as written on
    /// the client), over the default.
    pub by_segment: BTreeMap<String, ContactLimit>,
}

/// True when an interaction of `kind` counts toward the maximum contact
/// frequency: a contact the team makes.
pub fn counts_toward_limit(kind: InteractionKind) -> bool {
    matches!(
        kind,
        InteractionKind::Call
            | InteractionKind::Meeting
            | InteractionKind::Email
            | InteractionKind::Newsletter
    )
}

/// The interaction kinds that count toward the maximum contact frequency.
pub fn counted_kinds() -> Vec<InteractionKind> {
    InteractionKind::ALL
        .iter()
        .copied()
        .filter(|k| counts_toward_limit(*k))
        .collect()
}

impl MaxContactSettings {
    /// True when some limit is set.
    pub fn is_set(&self) -> bool {
        self.default.is_some() || !self.by_segment.is_empty()
    }

    /// The limit of a client of `segment`: its segment's, else the default.
    pub fn limit_for(&self, segment: Option<&str>) -> Option<ContactLimit> {
        segment
            .and_then(|s| self.by_segment.get(s.trim()))
            .copied()
            .or(self.default)
    }

    /// The longest stretch of days of any limit set.
    pub fn longest_days(&self) -> Option<u32> {
        self.default
            .iter()
            .chain(self.by_segment.values())
            .map(|l| l.days)
            .max()
    }

    /// Checks every value; each problem named by its path
    /// (`max_contacts.default.days`, `max_contacts.by_segment.smb.contacts`).
    pub fn validate(&self) -> Result<(), Vec<SettingProblem>> {
        let mut problems = Vec::new();
        if let Some(limit) = &self.default {
            limit.check("max_contacts.default", &mut problems);
        }
        if self.by_segment.len() > MAX_SEGMENT_LIMITS {
            problems.push(SettingProblem {
                field: "max_contacts.by_segment".into(),
                reason: format!(
                    "holds {} segments; at most {MAX_SEGMENT_LIMITS}",
                    self.by_segment.len()
                ),
            });
        }
        for (segment, limit) in &self.by_segment {
            if segment.trim().is_empty() || segment.trim() != segment {
                problems.push(SettingProblem {
                    field: "max_contacts.by_segment".into(),
                    reason: "a segment name is empty or starts or ends with a space".into(),
                });
            } else if segment.chars().count() > MAX_SEGMENT_CHARS {
                problems.push(SettingProblem {
                    field: "max_contacts.by_segment".into(),
                    reason: format!("a segment name is over {MAX_SEGMENT_CHARS} characters"),
                });
            }
            limit.check(&format!("max_contacts.by_segment.{segment}"), &mut problems);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

/// A client that has had the most contacts its limit allows: no more until
/// `free_on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldBack {
    /// The contacts counted within the last `days` days.
    pub contacts: u32,
    /// The limit: at most this many contacts …
    pub limit: u32,
    /// … in this many days.
    pub days: u32,
    /// The day of the latest contact counted.
    pub last_contact_on: NaiveDate,
    /// The first day another contact keeps within the limit (when no other
    /// contact is made before).
    pub free_on: NaiveDate,
}

impl ContactLimit {
    fn check(&self, path: &str, problems: &mut Vec<SettingProblem>) {
        if !(1..=MAX_LIMIT_CONTACTS).contains(&self.contacts) {
            problems.push(SettingProblem {
                field: format!("{path}.contacts"),
                reason: format!(
                    "{} is not between 1 and {MAX_LIMIT_CONTACTS}",
                    self.contacts
                ),
            });
        }
        if !(1..=MAX_LIMIT_DAYS).contains(&self.days) {
            problems.push(SettingProblem {
                field: format!("{path}.days"),
                reason: format!("{} is not between 1 and {MAX_LIMIT_DAYS}", self.days),
            });
        }
    }

    /// The first day of the window of `days` days that ends on `today`.
    pub fn window_start(self, today: NaiveDate) -> NaiveDate {
        today - Days::new(u64::from(self.days.saturating_sub(1)))
    }

    /// Whether a client contacted on `contact_days` (each day with its
    /// number of contacts, in any order) has had this limit's contacts in
    /// the window ending `today`, and until when it is held back.
    pub fn held_back(
        self,
        contact_days: &[(NaiveDate, u32)],
        today: NaiveDate,
    ) -> Option<HeldBack> {
        let from = self.window_start(today);
        let mut inside: Vec<(NaiveDate, u32)> = contact_days
            .iter()
            .copied()
            .filter(|(day, n)| *n > 0 && from <= *day && *day <= today)
            .collect();
        let total = inside
            .iter()
            .fold(0u32, |sum, (_, n)| sum.saturating_add(*n));
        if total < self.contacts {
            return None;
        }
        inside.sort_by_key(|(day, _)| std::cmp::Reverse(*day));
        let last_contact_on = inside.first()?.0;
        // Once the `contacts`-th latest contact leaves the window, one fewer
        // than the limit is left in it.
        let mut seen = 0u32;
        let mut nth = last_contact_on;
        for (day, n) in &inside {
            seen = seen.saturating_add(*n);
            nth = *day;
            if seen >= self.contacts {
                break;
            }
        }
        Some(HeldBack {
            contacts: total,
            limit: self.contacts,
            days: self.days,
            last_contact_on,
            free_on: nth + Days::new(u64::from(self.days)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Days::new(u64::from(n))
    }

    #[test]
    fn a_client_at_its_limit_is_held_back_until_the_oldest_counted_contact_leaves_the_window() {
        let limit = ContactLimit {
            contacts: 2,
            days: 30,
        };
        let held = limit
            .held_back(&[(day(10), 1), (day(0), 1)], day(10))
            .unwrap();
        assert_eq!(held.contacts, 2);
        assert_eq!(held.last_contact_on, day(10));
        assert_eq!(held.free_on, day(30));
        // On the day before it is still held back, on free_on it is not.
        assert!(limit
            .held_back(&[(day(10), 1), (day(0), 1)], day(29))
            .is_some());
        assert!(limit
            .held_back(&[(day(10), 1), (day(0), 1)], day(30))
            .is_none());
    }

    #[test]
    fn a_client_under_its_limit_or_contacted_only_long_ago_is_not_held_back() {
        let limit = ContactLimit {
            contacts: 3,
            days: 7,
        };
        assert!(limit
            .held_back(&[(day(5), 1), (day(6), 1)], day(6))
            .is_none());
        assert!(limit.held_back(&[(day(0), 5)], day(7)).is_none());
        assert!(limit.held_back(&[], day(7)).is_none());
    }

    #[test]
    fn several_contacts_on_one_day_count_each() {
        let limit = ContactLimit {
            contacts: 3,
            days: 10,
        };
        let held = limit
            .held_back(&[(day(2), 2), (day(4), 2)], day(4))
            .unwrap();
        assert_eq!(held.contacts, 4);
        // The third latest contact is on day 2.
        assert_eq!(held.free_on, day(12));
    }

    #[test]
    fn a_segment_limit_wins_over_the_default() {
        let mut s = MaxContactSettings {
            default: Some(ContactLimit {
                contacts: 4,
                days: 30,
            }),
            ..Default::default()
        };
        s.by_segment.insert(
            "smb".into(),
            ContactLimit {
                contacts: 1,
                days: 14,
            },
        );
        assert_eq!(s.limit_for(Some("smb")).unwrap().contacts, 1);
        assert_eq!(s.limit_for(Some(" smb ")).unwrap().contacts, 1);
        assert_eq!(s.limit_for(Some("enterprise")).unwrap().contacts, 4);
        assert_eq!(s.limit_for(None).unwrap().contacts, 4);
        assert_eq!(s.longest_days(), Some(30));
        assert!(MaxContactSettings::default()
            .limit_for(Some("smb"))
            .is_none());
    }

    #[test]
    fn complaints_and_notes_do_not_count_but_what_the_team_sends_does() {
        assert!(counts_toward_limit(InteractionKind::Email));
        assert!(counts_toward_limit(InteractionKind::Newsletter));
        assert!(!counts_toward_limit(InteractionKind::Complaint));
        assert!(!counts_toward_limit(InteractionKind::Incident));
        assert!(!counts_toward_limit(InteractionKind::Note));
        assert_eq!(counted_kinds().len(), 4);
    }

    #[test]
    fn every_bad_limit_is_named_with_its_path() {
        let mut s = MaxContactSettings {
            default: Some(ContactLimit {
                contacts: 0,
                days: 400,
            }),
            ..Default::default()
        };
        s.by_segment.insert(
            "smb".into(),
            ContactLimit {
                contacts: 101,
                days: 7,
            },
        );
        s.by_segment.insert(
            " ".into(),
            ContactLimit {
                contacts: 1,
                days: 7,
            },
        );
        let fields: Vec<String> = s
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            vec![
                "max_contacts.default.contacts",
                "max_contacts.default.days",
                "max_contacts.by_segment",
                "max_contacts.by_segment.smb.contacts"
            ]
        );
    }
}
