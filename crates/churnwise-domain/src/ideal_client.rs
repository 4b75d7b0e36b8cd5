//! The ideal client profile the team writes (issue 16): which segments,
//! plans, owners and MRR make a client one the team wants, and free text.
//! A client *fits* when it meets every criterion that is set; a profile
//! with no criterion set is "not written" and marks no client.

use crate::health::SettingProblem;
use serde::{Deserialize, Serialize};

/// At most this many values in each list of the profile.
pub const MAX_VALUES: usize = 50;
/// At most this many characters in each value.
pub const MAX_VALUE_CHARS: usize = 100;
/// At most this many characters of free text.
pub const MAX_NOTES_CHARS: usize = 2_000;

/// The ideal client profile: each criterion left empty is not checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct IdealClientProfile {
    /// The segments that fit (any case); empty: any segment.
    pub segments: Vec<String>,
    /// The plans that fit (any case; a client fits when its largest
    /// running subscription's plan is one of them); empty: any plan.
    pub plans: Vec<String>,
    /// The owners whose clients fit (any case); empty: any owner.
    pub owners: Vec<String>,
    /// The lowest MRR that fits, in cents.
    pub min_mrr_cents: Option<i64>,
    /// The highest MRR that fits, in cents.
    pub max_mrr_cents: Option<i64>,
    /// What the team means, in its own words.
    pub notes: String,
}

/// What is known of a client to tell whether it fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FitFacts<'a> {
    /// Its segment.
    pub segment: Option<&'a str>,
    /// The plan of its largest running subscription.
    pub plan: Option<&'a str>,
    /// Its owner.
    pub owner: Option<&'a str>,
    /// Its MRR in cents (running subscriptions).
    pub mrr_cents: i64,
}

/// A criterion a client does not meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Miss {
    /// Its segment is not one of the profile's.
    Segment,
    /// Its plan is not one of the profile's.
    Plan,
    /// Its owner is not one of the profile's.
    Owner,
    /// Its MRR is below the profile's lowest.
    MrrBelow,
    /// Its MRR is above the profile's highest.
    MrrAbove,
}

impl Miss {
    /// The miss as the API and the message keys name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Miss::Segment => "segment",
            Miss::Plan => "plan",
            Miss::Owner => "owner",
            Miss::MrrBelow => "mrr_below",
            Miss::MrrAbove => "mrr_above",
        }
    }
}

fn listed(values: &[String], value: Option<&str>) -> bool {
    values.is_empty()
        || value.is_some_and(|v| {
            let v = v.trim().to_lowercase();
            values.iter().any(|x| x.trim().to_lowercase() == v)
        })
}

impl IdealClientProfile {
    /// True when at least one criterion is set.
    pub fn is_written(&self) -> bool {
        !(self.segments.is_empty()
            && self.plans.is_empty()
            && self.owners.is_empty()
            && self.min_mrr_cents.is_none()
            && self.max_mrr_cents.is_none())
    }

    /// The criteria `client` does not meet (none: it fits); `None` when the
    /// profile is not written.
    pub fn misses(&self, client: &FitFacts<'_>) -> Option<Vec<Miss>> {
        if !self.is_written() {
            return None;
        }
        let mut misses = Vec::new();
        if !listed(&self.segments, client.segment) {
            misses.push(Miss::Segment);
        }
        if !listed(&self.plans, client.plan) {
            misses.push(Miss::Plan);
        }
        if !listed(&self.owners, client.owner) {
            misses.push(Miss::Owner);
        }
        if self.min_mrr_cents.is_some_and(|m| client.mrr_cents < m) {
            misses.push(Miss::MrrBelow);
        }
        if self.max_mrr_cents.is_some_and(|m| client.mrr_cents > m) {
            misses.push(Miss::MrrAbove);
        }
        Some(misses)
    }

    /// Checks the bounds, naming each field as `ideal_client.<field>`.
    pub fn validate(&self) -> Result<(), Vec<SettingProblem>> {
        let mut problems = Vec::new();
        let mut problem = |field: String, reason: String| {
            problems.push(SettingProblem {
                field: format!("ideal_client.{field}"),
                reason,
            });
        };
        for (name, values) in [
            ("segments", &self.segments),
            ("plans", &self.plans),
            ("owners", &self.owners),
        ] {
            if values.len() > MAX_VALUES {
                problem(
                    name.into(),
                    format!("holds {} values; at most {MAX_VALUES}", values.len()),
                );
            }
            for (i, v) in values.iter().enumerate() {
                if v.trim().is_empty() {
                    problem(format!("{name}[{i}]"), "is empty".into());
                } else if v.chars().count() > MAX_VALUE_CHARS {
                    problem(
                        format!("{name}[{i}]"),
                        format!("at most {MAX_VALUE_CHARS} characters"),
                    );
                }
            }
        }
        for (name, value) in [
            ("min_mrr_cents", self.min_mrr_cents),
            ("max_mrr_cents", self.max_mrr_cents),
        ] {
            if value.is_some_and(|v| v < 0) {
                problem(name.into(), "must be 0 or more".into());
            }
        }
        if let (Some(min), Some(max)) = (self.min_mrr_cents, self.max_mrr_cents) {
            if min > max {
                problem(
                    "max_mrr_cents".into(),
                    "must not be below the lowest MRR".into(),
                );
            }
        }
        if self.notes.chars().count() > MAX_NOTES_CHARS {
            problem(
                "notes".into(),
                format!("at most {MAX_NOTES_CHARS} characters"),
            );
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

    fn facts<'a>(segment: &'a str, plan: &'a str, owner: &'a str, mrr: i64) -> FitFacts<'a> {
        FitFacts {
            segment: Some(segment),
            plan: Some(plan),
            owner: Some(owner),
            mrr_cents: mrr,
        }
    }

    #[test]
    fn a_profile_with_no_criterion_marks_no_client() {
        let p = IdealClientProfile {
            notes: "small agencies".into(),
            ..IdealClientProfile::default()
        };
        assert_eq!(p.misses(&facts("smb", "pro", "ana", 100)), None);
    }

    #[test]
    fn a_client_fits_when_it_meets_every_criterion_set_in_any_case() {
        let p = IdealClientProfile {
            segments: vec!["SMB".into(), "agency".into()],
            min_mrr_cents: Some(10_000),
            ..IdealClientProfile::default()
        };
        assert_eq!(p.misses(&facts(" smb ", "x", "y", 10_000)), Some(vec![]));
        assert_eq!(
            p.misses(&facts("enterprise", "x", "y", 9_999)),
            Some(vec![Miss::Segment, Miss::MrrBelow])
        );
        let no_segment = FitFacts {
            segment: None,
            ..facts("", "x", "y", 20_000)
        };
        assert_eq!(p.misses(&no_segment), Some(vec![Miss::Segment]));
    }

    #[test]
    fn the_mrr_bounds_include_their_ends() {
        let p = IdealClientProfile {
            min_mrr_cents: Some(100),
            max_mrr_cents: Some(200),
            ..IdealClientProfile::default()
        };
        assert_eq!(p.misses(&facts("a", "b", "c", 200)), Some(vec![]));
        assert_eq!(
            p.misses(&facts("a", "b", "c", 201)),
            Some(vec![Miss::MrrAbove])
        );
    }

    #[test]
    fn bad_values_are_named_by_field() {
        let p = IdealClientProfile {
            segments: vec!["ok".into(), " ".into()],
            plans: vec!["x".repeat(MAX_VALUE_CHARS + 1)],
            min_mrr_cents: Some(500),
            max_mrr_cents: Some(100),
            ..IdealClientProfile::default()
        };
        let fields: Vec<String> = p
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            vec![
                "ideal_client.segments[1]",
                "ideal_client.plans[0]",
                "ideal_client.max_mrr_cents"
            ]
        );
    }
}
