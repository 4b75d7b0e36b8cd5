//! Unit tests of the health score: each signal's points, the weights and
//! settings, alert crossings and when a client falls due for contact.

use super::*;
use crate::survey::ScoreScale;

fn d(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn quiet(today: &str) -> HealthFacts {
    HealthFacts {
        today: d(today),
        keep_in_touch_days: 30,
        last_contact_on: Some(d(today)),
        client_since: d("2020-01-01"),
        overdue_invoices: vec![],
        complaints: 0,
        incidents: 0,
        segments: vec![segment("s1", 10000, "2023-01-15", None, None)],
        last_survey: None,
        warning_flags: vec![],
        leaving_on: None,
        usage: vec![],
    }
}

fn segment(
    sub: &str,
    cents: i64,
    start: &str,
    end: Option<&str>,
    term: Option<i32>,
) -> ContractSegment {
    ContractSegment {
        subscription_ref: sub.into(),
        mrr: Money::from_cents(cents),
        started_on: d(start),
        ended_on: end.map(d),
        minimum_term_months: term,
    }
}

fn points_of(score: &HealthScore, name: &str) -> u32 {
    score
        .signals
        .iter()
        .find(|s| serde_json::to_value(&s.facts).unwrap()["signal"] == serde_json::json!(name))
        .unwrap()
        .points
}

#[test]
fn a_client_with_no_warning_signal_scores_100_and_lists_every_signal_at_zero() {
    let s = score(&quiet("2026-06-10"), &HealthSettings::default());
    assert_eq!(s.score, 100);
    assert!(!s.at_risk);
    assert_eq!(s.signals.len(), 8);
    assert!(s.signals.iter().all(|x| x.points == 0));
    assert!(s.reasons().is_empty());
}

#[test]
fn with_the_defaults_a_hard_signal_alone_makes_a_client_at_risk_and_a_soft_one_never_does() {
    let settings = HealthSettings::default();
    let w = settings.weights;
    // Silence and unpaid invoices at full strength: each alone is a risk.
    assert!(MAX_SCORE - w.contact < settings.at_risk_below);
    assert!(MAX_SCORE - w.overdue_invoices < settings.at_risk_below);
    // Every other signal alone, even at full strength, is not.
    for soft in [
        w.complaints,
        w.contraction,
        w.survey,
        w.renewal,
        w.warning_signs,
    ] {
        assert!(MAX_SCORE - soft >= settings.at_risk_below, "{soft}");
    }
}

#[test]
fn a_client_never_contacted_in_three_times_its_interval_is_at_risk_with_the_defaults() {
    let settings = HealthSettings::default();
    for interval in [7, 14, 30, 60, 90] {
        let mut f = quiet("2026-06-10");
        f.keep_in_touch_days = interval;
        f.last_contact_on = None;
        f.client_since = d("2026-06-10") - chrono::Days::new(3 * interval as u64);
        let s = score(&f, &settings);
        assert!(s.at_risk, "interval {interval}: {}", s.score);
        assert_eq!(points_of(&s, "contact"), 45);
        // Twice the interval is late, not yet a risk.
        f.client_since = d("2026-06-10") - chrono::Days::new(2 * interval as u64);
        let s = score(&f, &settings);
        assert!(!s.at_risk, "interval {interval}: {}", s.score);
    }
}

#[test]
fn an_invoice_60_days_overdue_makes_a_client_at_risk_with_the_defaults() {
    let settings = HealthSettings::default();
    let mut f = quiet("2026-06-10");
    f.overdue_invoices = vec![OverdueInvoice {
        amount: Money::from_cents(50000),
        due_on: d("2026-04-11"), // 60 days
        payment_failed_on: None,
    }];
    let s = score(&f, &settings);
    assert_eq!(points_of(&s, "overdue_invoices"), 45);
    assert_eq!(s.score, 55);
    assert!(s.at_risk);
    // Thirty days late: half the weight, a warning but not a risk.
    f.overdue_invoices[0].due_on = d("2026-05-11");
    let s = score(&f, &settings);
    assert_eq!(points_of(&s, "overdue_invoices"), 23);
    assert!(!s.at_risk);
}

#[test]
fn a_client_contacted_within_its_interval_and_paying_on_time_is_healthy_with_the_defaults() {
    let settings = HealthSettings::default();
    let mut f = quiet("2026-06-10");
    f.last_contact_on = Some(d("2026-05-12")); // 29 days, interval 30
    f.overdue_invoices = vec![];
    let s = score(&f, &settings);
    assert_eq!(s.score, 100);
    assert!(!s.at_risk);
}

#[test]
fn silence_costs_nothing_within_the_interval_and_the_whole_weight_at_three_times_it() {
    let settings = HealthSettings::default();
    let mut f = quiet("2026-06-10");
    for (last, expected) in [
        ("2026-05-11", 0),  // 30 days: within
        ("2026-05-10", 1),  // 31 days: 1/60 of 45 = 0.75 → 1
        ("2026-04-11", 23), // 60 days: half (22.5 → 23)
        ("2026-03-12", 45), // 90 days: all
        ("2025-01-01", 45), // capped
    ] {
        f.last_contact_on = Some(d(last));
        assert_eq!(
            points_of(&score(&f, &settings), "contact"),
            expected,
            "{last}"
        );
    }
}

#[test]
fn without_any_contact_the_clock_starts_when_the_client_was_added() {
    let mut f = quiet("2026-06-10");
    f.last_contact_on = None;
    f.client_since = d("2026-04-26");
    let s = score(&f, &HealthSettings::default());
    // 45 days: 15 late of 60 → a quarter of 45 = 11.25 → 11.
    assert_eq!(points_of(&s, "contact"), 11);
    assert!(matches!(
        s.signals[0].facts,
        SignalFacts::Contact {
            days_since: 45,
            last_contact_on: None,
            ..
        }
    ));
}

#[test]
fn overdue_invoices_take_the_larger_of_their_count_and_their_age_and_report_their_total() {
    let mut f = quiet("2026-06-10");
    f.overdue_invoices = vec![OverdueInvoice {
        amount: Money::from_cents(12000),
        due_on: d("2026-06-05"),
        payment_failed_on: None,
    }];
    let s = score(&f, &HealthSettings::default());
    // Count 1 of 3 (15) beats 5 days of 60 (3.75 → 4).
    assert_eq!(points_of(&s, "overdue_invoices"), 15);
    f.overdue_invoices[0].due_on = d("2026-05-01");
    let s = score(&f, &HealthSettings::default());
    // 40 days of 60 (30) beats the count (15).
    assert_eq!(points_of(&s, "overdue_invoices"), 30);
    f.overdue_invoices.push(OverdueInvoice {
        amount: Money::from_cents(8050),
        due_on: d("2026-05-20"),
        payment_failed_on: None,
    });
    f.overdue_invoices.push(OverdueInvoice {
        amount: Money::from_cents(1),
        due_on: d("2026-06-01"),
        payment_failed_on: None,
    });
    let s = score(&f, &HealthSettings::default());
    assert_eq!(points_of(&s, "overdue_invoices"), 45);
    assert!(s.signals.iter().any(|x| x.facts
        == SignalFacts::OverdueInvoices {
            count: 3,
            amount_cents: 20051,
            oldest_due_on: Some(d("2026-05-01")),
            payment_failed_on: None,
        }));
}

#[test]
fn complaints_and_incidents_add_up() {
    let mut f = quiet("2026-06-10");
    f.complaints = 1;
    assert_eq!(
        points_of(&score(&f, &HealthSettings::default()), "complaints"),
        8
    );
    f.incidents = 1;
    assert_eq!(
        points_of(&score(&f, &HealthSettings::default()), "complaints"),
        15
    );
}

#[test]
fn a_drop_in_mrr_within_the_window_is_contraction_but_a_drop_to_zero_is_not() {
    let mut f = quiet("2026-06-10");
    // 100 → 75 on 2026-05-01: a 25 % drop, half of the 50 % that takes all 10 points.
    f.segments = vec![
        segment("s1", 10000, "2025-01-01", Some("2026-05-01"), None),
        segment("s1", 7500, "2026-05-01", None, None),
    ];
    let s = score(&f, &HealthSettings::default());
    assert_eq!(points_of(&s, "contraction"), 5);
    assert!(s.signals.iter().any(|x| x.facts
        == SignalFacts::Contraction {
            mrr_before_cents: 10000,
            mrr_now_cents: 7500,
            drop_pct: 25
        }));
    // A drop before the window does not count.
    f.segments[0].ended_on = Some(d("2026-03-01"));
    f.segments[1].started_on = d("2026-03-01");
    assert_eq!(
        points_of(&score(&f, &HealthSettings::default()), "contraction"),
        0
    );
    // Nothing running today: a departure, not a contraction.
    f.segments = vec![segment("s1", 10000, "2025-01-01", Some("2026-06-01"), None)];
    assert_eq!(
        points_of(&score(&f, &HealthSettings::default()), "contraction"),
        0
    );
}

#[test]
fn the_last_survey_costs_its_distance_from_the_top_of_its_scale() {
    let mut f = quiet("2026-06-10");
    for (scale, value, expected) in [
        (ScoreScale::ZeroToTen, 10, 0),
        (ScoreScale::ZeroToTen, 5, 5),
        (ScoreScale::ZeroToTen, 0, 10),
        (ScoreScale::OneToFive, 1, 10),
        (ScoreScale::OneToFive, 4, 3), // 1/4 of 10 = 2.5 → 3
    ] {
        f.last_survey = Some(Score::new(scale, value).unwrap());
        assert_eq!(
            points_of(&score(&f, &HealthSettings::default()), "survey"),
            expected
        );
    }
}

#[test]
fn the_requested_end_of_an_open_departure_case_counts_as_an_end() {
    let settings = HealthSettings::default();
    let mut f = quiet("2026-06-10");
    assert_eq!(points_of(&score(&f, &settings), "renewal"), 0);
    f.leaving_on = Some(d("2026-07-05"));
    let s = score(&f, &settings);
    assert_eq!(points_of(&s, "renewal"), 5);
    assert!(s.signals.iter().any(|x| x.facts
        == SignalFacts::Renewal {
            on: Some(d("2026-07-05")),
            event: Some(ContractEvent::End),
            within_days: 30
        }));
    // Beyond the window it waits, like any end.
    f.leaving_on = Some(d("2026-09-01"));
    assert_eq!(points_of(&score(&f, &settings), "renewal"), 0);
}

#[test]
fn a_contract_ending_or_renewing_within_the_window_counts() {
    let settings = HealthSettings::default();
    let mut f = quiet("2026-06-10");
    assert_eq!(points_of(&score(&f, &settings), "renewal"), 0);
    // A 12-month term started 2023-01-15 (on another segment of the same
    // subscription) renews 2027-01-15: too far.
    f.segments = vec![
        segment("s1", 10000, "2023-01-15", Some("2024-01-01"), Some(12)),
        segment("s1", 12000, "2024-01-01", None, Some(12)),
    ];
    assert_eq!(points_of(&score(&f, &settings), "renewal"), 0);
    f.today = d("2026-12-20");
    f.last_contact_on = Some(f.today);
    let s = score(&f, &settings);
    assert_eq!(points_of(&s, "renewal"), 5);
    assert!(s.signals.iter().any(|x| x.facts
        == SignalFacts::Renewal {
            on: Some(d("2027-01-15")),
            event: Some(ContractEvent::Renewal),
            within_days: 30
        }));
    // A known end (last day 2027-01-09) is nearer.
    f.segments[1].ended_on = Some(d("2027-01-10"));
    assert_eq!(
        next_contract_event(&f.segments, f.today, 30),
        Some((d("2027-01-09"), ContractEvent::End))
    );
}

#[test]
fn each_warning_sign_takes_a_quarter_of_its_weight() {
    let mut f = quiet("2026-06-10");
    f.warning_flags = vec![WarningFlag::TreatsTeamBadly];
    assert_eq!(
        points_of(&score(&f, &HealthSettings::default()), "warning_signs"),
        5
    );
    f.warning_flags = WarningFlag::ALL.to_vec();
    assert_eq!(
        points_of(&score(&f, &HealthSettings::default()), "warning_signs"),
        20
    );
}

#[test]
fn the_score_is_100_minus_the_points_and_never_below_0_and_reasons_are_largest_first() {
    let mut settings = HealthSettings::default();
    let mut f = quiet("2026-06-10");
    f.last_contact_on = Some(d("2026-04-26")); // 45 days: 11
    f.warning_flags = vec![WarningFlag::YesToEverything]; // 5
    f.complaints = 2; // 15
    let s = score(&f, &settings);
    assert_eq!(s.score, 69);
    assert!(!s.at_risk);
    let order: Vec<u32> = s.reasons().iter().map(|r| r.points).collect();
    assert_eq!(order, vec![15, 11, 5]);
    settings.at_risk_below = 70;
    assert!(score(&f, &settings).at_risk);
    settings.weights.complaints = 100;
    assert_eq!(score(&f, &settings).score, 0);
}

#[test]
fn settings_outside_their_bounds_are_each_named() {
    let mut s = HealthSettings::default();
    assert!(s.validate().is_ok());
    s.at_risk_below = 0;
    s.weights.survey = 101;
    s.lookback_days = 1;
    let problems = s.validate().unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "health.at_risk_below",
            "health.weights.survey",
            "health.lookback_days"
        ]
    );
}

#[test]
fn settings_read_from_json_fill_missing_values_with_defaults_and_refuse_unknown_ones() {
    let s: HealthSettings =
        serde_json::from_str(r#"{"at_risk_below": 50, "weights": {"contact": 30}}"#).unwrap();
    assert_eq!(s.at_risk_below, 50);
    assert_eq!(s.weights.contact, 30);
    assert_eq!(s.weights.overdue_invoices, 45);
    assert!(serde_json::from_str::<HealthSettings>(r#"{"at_risk": 50}"#).is_err());
}

#[test]
fn one_crossing_raises_one_alert() {
    assert_eq!(alert_change(true, false), AlertChange::Raise);
    assert_eq!(alert_change(true, true), AlertChange::Keep);
    assert_eq!(alert_change(false, true), AlertChange::Resolve);
    assert_eq!(alert_change(false, false), AlertChange::Keep);
}

#[test]
fn a_client_falls_due_for_contact_when_its_interval_has_passed() {
    let today = d("2026-06-10");
    let since = d("2020-01-01");
    assert_eq!(
        contact_overdue_days(Some(d("2026-05-12")), since, 30, today),
        None
    );
    assert_eq!(
        contact_overdue_days(Some(d("2026-05-11")), since, 30, today),
        Some(0)
    );
    assert_eq!(
        contact_overdue_days(Some(d("2026-05-01")), since, 30, today),
        Some(10)
    );
    assert_eq!(
        contact_overdue_days(None, d("2026-06-01"), 7, today),
        Some(2)
    );
}

#[test]
fn newsletters_and_notes_are_not_contacts() {
    assert!(counts_as_contact(InteractionKind::Call));
    assert!(counts_as_contact(InteractionKind::Complaint));
    assert!(!counts_as_contact(InteractionKind::Newsletter));
    assert!(!counts_as_contact(InteractionKind::Note));
}
