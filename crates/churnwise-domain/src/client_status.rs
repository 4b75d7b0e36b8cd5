//! The one rule of a client's status (issue #12): the status follows the
//! client's subscription segments and departure cases, on any day.
//!
//! On day `d`, in this order:
//! 1. **leaving** when a departure case is open, or a case closed as lost or
//!    fired (and not won back) has its agreed last day on or after `d`: the
//!    client is still served until that day (issue #13);
//! 2. **active** when a segment runs on `d` (`started_on <= d < ended_on`, or
//!    no end; any MRR, free segments included, as in docs/metrics.md);
//! 3. **former** when a segment started on or before `d` (none runs);
//! 4. **prospect** otherwise (no segment has started yet).
//!
//! A status set by hand (for example [`ClientStatus::Paused`], which the
//! rule never gives) overrides the rule until it is returned to automatic:
//! see [`effective_status`]. The SQL of the store mirrors [`status_on`] in
//! one statement; a store story checks both agree on random data.

use crate::registry::ClientStatus;
use chrono::NaiveDate;

/// A subscription segment as the rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentSpan {
    /// The first day it counts.
    pub started_on: NaiveDate,
    /// The first day it no longer counts (exclusive), if it ended.
    pub ended_on: Option<NaiveDate>,
}

impl SegmentSpan {
    /// True when the segment runs on `day`.
    pub fn runs_on(&self, day: NaiveDate) -> bool {
        self.started_on <= day && self.ended_on.is_none_or(|end| day < end)
    }
}

/// A departure case as the rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseSpan {
    /// Not closed yet.
    Open,
    /// Closed as lost or fired and not won back, with the client's agreed
    /// last day (the case's `end_on`) if it has one.
    Departed {
        /// The last day the client is served.
        last_day: Option<NaiveDate>,
    },
    /// Closed otherwise (saved, or won back since): no effect on the status.
    Settled,
}

impl CaseSpan {
    /// True when the case keeps the client leaving on `day`.
    pub fn keeps_leaving_on(&self, day: NaiveDate) -> bool {
        match self {
            CaseSpan::Open => true,
            CaseSpan::Departed { last_day } => last_day.is_some_and(|last| day <= last),
            CaseSpan::Settled => false,
        }
    }
}

/// The status the rule gives a client on `day` (never `Paused`).
pub fn status_on(segments: &[SegmentSpan], cases: &[CaseSpan], day: NaiveDate) -> ClientStatus {
    if cases.iter().any(|c| c.keeps_leaving_on(day)) {
        ClientStatus::Leaving
    } else if segments.iter().any(|s| s.runs_on(day)) {
        ClientStatus::Active
    } else if segments.iter().any(|s| s.started_on <= day) {
        ClientStatus::Former
    } else {
        ClientStatus::Prospect
    }
}

/// The status a client has: the one set by hand if any, else the rule's.
pub fn effective_status(set_by_hand: Option<ClientStatus>, by_rule: ClientStatus) -> ClientStatus {
    set_by_hand.unwrap_or(by_rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn seg(start: &str, end: Option<&str>) -> SegmentSpan {
        SegmentSpan {
            started_on: day(start),
            ended_on: end.map(day),
        }
    }

    #[test]
    fn a_client_without_segments_is_a_prospect() {
        assert_eq!(
            status_on(&[], &[], day("2024-01-01")),
            ClientStatus::Prospect
        );
    }

    #[test]
    fn a_segment_starting_later_leaves_the_client_a_prospect() {
        let s = [seg("2024-02-01", None)];
        assert_eq!(
            status_on(&s, &[], day("2024-01-31")),
            ClientStatus::Prospect
        );
        assert_eq!(status_on(&s, &[], day("2024-02-01")), ClientStatus::Active);
    }

    #[test]
    fn the_end_of_a_segment_is_exclusive() {
        let s = [seg("2022-01-01", Some("2022-07-01"))];
        assert_eq!(status_on(&s, &[], day("2022-06-30")), ClientStatus::Active);
        assert_eq!(status_on(&s, &[], day("2022-07-01")), ClientStatus::Former);
    }

    #[test]
    fn a_customer_whose_only_subscription_ended_in_2022_is_former() {
        let s = [seg("2021-03-01", Some("2022-07-01"))];
        assert_eq!(status_on(&s, &[], day("2026-12-05")), ClientStatus::Former);
    }

    #[test]
    fn a_former_client_with_a_later_segment_is_former_until_it_starts() {
        let s = [
            seg("2022-01-01", Some("2022-03-01")),
            seg("2023-01-01", None),
        ];
        assert_eq!(status_on(&s, &[], day("2022-06-01")), ClientStatus::Former);
        assert_eq!(status_on(&s, &[], day("2023-01-01")), ClientStatus::Active);
    }

    #[test]
    fn an_open_case_makes_the_client_leaving() {
        let s = [seg("2022-01-01", None)];
        assert_eq!(
            status_on(&s, &[CaseSpan::Open], day("2024-01-01")),
            ClientStatus::Leaving
        );
    }

    #[test]
    fn a_case_closed_lost_keeps_the_client_leaving_until_its_last_day() {
        // Closing sets the segment's end to the day after the last day.
        let s = [seg("2022-01-01", Some("2024-04-01"))];
        let c = [CaseSpan::Departed {
            last_day: Some(day("2024-03-31")),
        }];
        assert_eq!(status_on(&s, &c, day("2024-03-01")), ClientStatus::Leaving);
        assert_eq!(status_on(&s, &c, day("2024-03-31")), ClientStatus::Leaving);
        assert_eq!(status_on(&s, &c, day("2024-04-01")), ClientStatus::Former);
    }

    #[test]
    fn a_saved_or_won_back_case_leaves_the_rule_to_the_segments() {
        let s = [seg("2022-01-01", None)];
        assert_eq!(
            status_on(&s, &[CaseSpan::Settled], day("2024-01-01")),
            ClientStatus::Active
        );
    }

    #[test]
    fn a_status_set_by_hand_wins() {
        assert_eq!(
            effective_status(Some(ClientStatus::Paused), ClientStatus::Active),
            ClientStatus::Paused
        );
        assert_eq!(
            effective_status(None, ClientStatus::Former),
            ClientStatus::Former
        );
    }

    fn date_strategy() -> impl Strategy<Value = NaiveDate> {
        (0i64..2000).prop_map(|n| day("2020-01-01") + chrono::Days::new(n.unsigned_abs()))
    }

    fn segment_strategy() -> impl Strategy<Value = SegmentSpan> {
        (date_strategy(), proptest::option::of(1u64..800)).prop_map(|(start, len)| SegmentSpan {
            started_on: start,
            ended_on: len.map(|l| start + chrono::Days::new(l)),
        })
    }

    proptest! {
        #[test]
        fn without_cases_active_means_a_segment_runs_that_day(
            segments in proptest::collection::vec(segment_strategy(), 0..5),
            today in date_strategy(),
        ) {
            let status = status_on(&segments, &[], today);
            let runs = segments.iter().any(|s| s.started_on <= today
                && s.ended_on.is_none_or(|e| today < e));
            prop_assert_eq!(status == ClientStatus::Active, runs);
            prop_assert_ne!(status, ClientStatus::Leaving);
            prop_assert_ne!(status, ClientStatus::Paused);
            if status == ClientStatus::Prospect {
                prop_assert!(segments.iter().all(|s| s.started_on > today));
            }
        }

        #[test]
        fn once_former_a_client_stays_former_until_a_segment_runs(
            segments in proptest::collection::vec(segment_strategy(), 1..5),
            today in date_strategy(),
            later in 0u64..400,
        ) {
            let then = today + chrono::Days::new(later);
            if status_on(&segments, &[], today) == ClientStatus::Former {
                let after = status_on(&segments, &[], then);
                prop_assert!(after == ClientStatus::Former || after == ClientStatus::Active);
            }
        }
    }
}
