//! Survival by group (`spec/metrics.md`, "Survival by group"): who falls
//! in which group, the groups' curves and the log-rank test.

use crate::{d, m, units};
use churnwise_metrics::{compute, InputBuilder, MetricsOptions, SurvivalBy, SurvivalByReport};

fn options(by: Option<SurvivalBy>) -> MetricsOptions {
    let mut o = MetricsOptions::new(m("2024-01"), m("2024-06"), d("2024-12-31"));
    o.survival_by = by;
    o
}

fn by(b: &InputBuilder, by: SurvivalBy) -> SurvivalByReport {
    compute(b.peek(), &options(Some(by)))
        .unwrap()
        .survival_by
        .expect("asked for")
}

/// Three customers: a and b in "smb" (owner ana), c in "enterprise"
/// (owner bo), d without segment nor owner and never in customers.csv.
fn sample() -> InputBuilder {
    let mut b = InputBuilder::new();
    b.customer_in_segment("a", "ana", "smb");
    b.customer_in_segment("b", "ana", "smb");
    b.customer_in_segment("c", "bo", "enterprise");
    // a: 10 days then gone; b: censored; c: 40 days then gone.
    b.segment_on_plan(
        "a",
        "pro",
        units(50),
        d("2024-01-01"),
        Some(d("2024-01-11")),
    );
    b.segment_on_plan("b", "basic", units(10), d("2024-01-01"), None);
    // c starts on two plans of the same MRR the same day: the smaller text wins.
    b.segment_on_plan(
        "c",
        "zeta",
        units(30),
        d("2024-02-01"),
        Some(d("2024-03-12")),
    );
    b.segment_on_plan(
        "c",
        "alpha",
        units(30),
        d("2024-02-01"),
        Some(d("2024-03-12")),
    );
    // A later, bigger plan does not count: only the first active day does.
    b.segment_on_plan(
        "c",
        "max",
        units(90),
        d("2024-02-05"),
        Some(d("2024-03-12")),
    );
    b.segment("d", units(20), d("2024-03-01"), Some(d("2024-03-21")));
    b
}

#[test]
fn survival_by_is_absent_unless_asked_for() {
    let r = compute(&sample().build(), &options(None)).unwrap();
    assert!(r.survival_by.is_none());
    let json = serde_json::to_value(&r).unwrap();
    assert!(json.get("survival_by").is_none());
}

#[test]
fn segments_group_customers_with_an_empty_group_for_none_sorted_by_text() {
    let s = by(&sample(), SurvivalBy::Segment);
    let names: Vec<&str> = s.groups.iter().map(|g| g.group.as_str()).collect();
    assert_eq!(names, ["", "enterprise", "smb"]);
    let smb = &s.groups[2];
    assert_eq!((smb.subjects, smb.events), (2, 1));
    // a's event at 10 days of 2 at risk: 1/2 exactly, so the median is 10.
    assert_eq!(smb.median_days, Some(10));
    assert_eq!(smb.survival_at_days.d30, 0.5);
    let ent = &s.groups[1];
    assert_eq!(
        (ent.subjects, ent.events, ent.median_days),
        (1, 1, Some(40))
    );
    let none = &s.groups[0];
    assert_eq!(
        (none.subjects, none.events, none.median_days),
        (1, 1, Some(20))
    );
    let lr = s.logrank.expect("three groups");
    assert_eq!(lr.df, 2);
    assert!(lr.chi2.is_finite() && (0.0..=1.0).contains(&lr.p_value));
}

#[test]
fn owners_group_like_segments_do() {
    let s = by(&sample(), SurvivalBy::Owner);
    let names: Vec<(&str, u64)> = s
        .groups
        .iter()
        .map(|g| (g.group.as_str(), g.subjects))
        .collect();
    assert_eq!(names, [("", 1), ("ana", 2), ("bo", 1)]);
}

#[test]
fn a_plan_group_is_the_highest_mrr_plan_of_the_first_active_day_ties_to_the_smallest_text() {
    let s = by(&sample(), SurvivalBy::Plan);
    let names: Vec<(&str, u64)> = s
        .groups
        .iter()
        .map(|g| (g.group.as_str(), g.subjects))
        .collect();
    assert_eq!(names, [("", 1), ("alpha", 1), ("basic", 1), ("pro", 1)]);
}

#[test]
fn one_group_has_no_log_rank_test() {
    let mut b = InputBuilder::new();
    b.customer_in_segment("a", "", "smb");
    b.customer_in_segment("b", "", "smb");
    b.segment("a", units(5), d("2024-01-01"), Some(d("2024-02-01")));
    b.segment("b", units(5), d("2024-01-01"), None);
    let s = by(&b, SurvivalBy::Segment);
    assert_eq!(s.groups.len(), 1);
    assert_eq!(s.logrank, None);
    let json =
        serde_json::to_value(compute(&b.build(), &options(Some(SurvivalBy::Segment))).unwrap())
            .unwrap();
    assert_eq!(json["survival_by"]["by"], "segment");
    assert!(json["survival_by"]["logrank"].is_null());
    assert_eq!(json["survival_by"]["groups"][0]["group"], "smb");
    assert_eq!(
        json["survival_by"]["groups"][0]["survival_at_days"]["30"],
        1.0
    );
}

#[test]
fn the_groups_partition_the_overall_survival_subjects() {
    let r = compute(&sample().build(), &options(Some(SurvivalBy::Plan))).unwrap();
    let s = r.survival_by.unwrap();
    let subjects: u64 = s.groups.iter().map(|g| g.subjects).sum();
    let events: u64 = s.groups.iter().map(|g| g.events).sum();
    assert_eq!((subjects, events), (r.survival.subjects, r.survival.events));
}

#[test]
fn two_groups_give_the_hand_computed_log_rank_statistic() {
    // x: events at 1 and 3 days; y: event at 2, censored at 4 (as_of).
    let mut b = InputBuilder::new();
    for (id, seg) in [("x1", "x"), ("x2", "x"), ("y1", "y"), ("y2", "y")] {
        b.customer_in_segment(id, "", seg);
    }
    b.segment("x1", units(1), d("2024-12-27"), Some(d("2024-12-28")));
    b.segment("x2", units(1), d("2024-12-27"), Some(d("2024-12-30")));
    b.segment("y1", units(1), d("2024-12-27"), Some(d("2024-12-29")));
    b.segment("y2", units(1), d("2024-12-27"), None);
    let s = by(&b, SurvivalBy::Segment);
    let lr = s.logrank.unwrap();
    assert!((lr.chi2 - 8.0 / 13.0).abs() < 1e-12, "{}", lr.chi2);
    assert_eq!(lr.df, 1);
    assert!((lr.p_value - 0.432_767_580_667_784_65).abs() < 1e-10);
}
