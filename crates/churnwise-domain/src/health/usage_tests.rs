//! Unit tests of the usage signal (issue 18).

use super::*;

fn d(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn facts(usage: Vec<UsageTrend>) -> HealthFacts {
    HealthFacts {
        today: d("2026-11-30"),
        keep_in_touch_days: 30,
        last_contact_on: Some(d("2026-11-30")),
        client_since: d("2020-01-01"),
        overdue_invoices: vec![],
        complaints: 0,
        incidents: 0,
        segments: vec![],
        last_survey: None,
        warning_flags: vec![],
        leaving_on: None,
        usage,
    }
}

fn trend(metric: &str, higher: bool, before: i64, now: i64, last: Option<&str>) -> UsageTrend {
    UsageTrend {
        metric: metric.into(),
        label_en: metric.into(),
        label_es: metric.into(),
        higher_is_better: higher,
        last_28: now,
        previous_28: before,
        last_used_on: last.map(d),
        first_used_on: last.map(|_| d("2026-01-01")),
        older_total: 0,
    }
}

fn usage(s: &HealthScore) -> (u32, Option<UsageFinding>) {
    let signal = s.signals.last().unwrap();
    match &signal.facts {
        SignalFacts::Usage { finding, .. } => (signal.points, finding.clone()),
        other => panic!("not the usage signal: {other:?}"),
    }
}

#[test]
fn a_client_without_usage_data_takes_no_usage_points() {
    let s = score(&facts(vec![]), &HealthSettings::default());
    assert_eq!(s.score, 100);
    assert_eq!(usage(&s), (0, None));
}

#[test]
fn a_drop_of_eighty_percent_takes_eighty_percent_of_the_weight() {
    let s = score(
        &facts(vec![trend("logins", true, 280, 56, Some("2026-11-29"))]),
        &HealthSettings::default(),
    );
    let (points, finding) = usage(&s);
    assert_eq!(points, 16);
    let f = finding.unwrap();
    assert_eq!(
        (f.change, f.before, f.now, f.change_pct),
        (UsageChange::Down, 280, 56, 80)
    );
    assert_eq!(s.score, 84);
}

#[test]
fn a_drop_below_the_threshold_takes_nothing() {
    let s = score(
        &facts(vec![trend("logins", true, 100, 51, Some("2026-11-29"))]),
        &HealthSettings::default(),
    );
    assert_eq!(usage(&s), (0, None));
}

#[test]
fn no_use_in_fourteen_days_after_some_use_takes_the_whole_weight() {
    let s = score(
        &facts(vec![trend("logins", true, 40, 3, Some("2026-11-16"))]),
        &HealthSettings::default(),
    );
    let (points, finding) = usage(&s);
    assert_eq!(points, 20);
    let f = finding.unwrap();
    assert_eq!((f.change, f.days_silent), (UsageChange::Silent, Some(14)));
}

#[test]
fn a_lower_is_better_metric_scores_a_rise_and_not_a_silence() {
    let rise = score(
        &facts(vec![trend("errors", false, 10, 25, Some("2026-11-29"))]),
        &HealthSettings::default(),
    );
    let (points, finding) = usage(&rise);
    assert_eq!(points, 20);
    assert_eq!(finding.unwrap().change, UsageChange::Up);
    let quiet = score(
        &facts(vec![trend("errors", false, 10, 0, Some("2026-10-01"))]),
        &HealthSettings::default(),
    );
    assert_eq!(usage(&quiet), (0, None));
}

#[test]
fn the_worst_metric_counts() {
    let s = score(
        &facts(vec![
            trend("logins", true, 100, 40, Some("2026-11-29")),
            trend("reports", true, 10, 1, Some("2026-11-29")),
        ]),
        &HealthSettings::default(),
    );
    let (points, finding) = usage(&s);
    assert_eq!(points, 18);
    assert_eq!(finding.unwrap().metric, "reports");
}

#[test]
fn stored_settings_without_the_usage_weight_read_its_default() {
    let stored = r#"{"contact": 45, "overdue_invoices": 45, "complaints": 15,
        "contraction": 10, "survey": 10, "renewal": 5, "warning_signs": 20}"#;
    let w: HealthWeights = serde_json::from_str(stored).unwrap();
    assert_eq!(w.usage, 20);
    let settings: HealthSettings = serde_json::from_str(r#"{"at_risk_below": 60}"#).unwrap();
    assert_eq!(
        (settings.usage_drop_pct, settings.usage_silent_days),
        (50, 14)
    );
}

#[test]
fn the_usual_level_is_the_older_history_scaled_to_28_days() {
    // Today 2026-11-30: the two windows cover 2026-10-06..=2026-11-30, so the
    // older history ends on 2026-10-05.
    let mut t = trend("logins", true, 100, 100, Some("2026-11-29"));
    t.first_used_on = Some(d("2026-09-08"));
    t.older_total = 280; // 28 days, 2026-09-08..=2026-10-05
    assert_eq!(t.usual_28(d("2026-11-30")), Some(280));
    t.first_used_on = Some(d("2026-08-11")); // 56 days
    assert_eq!(t.usual_28(d("2026-11-30")), Some(140));
    t.first_used_on = Some(d("2026-09-09")); // 27 days: too little history
    assert_eq!(t.usual_28(d("2026-11-30")), None);
    t.first_used_on = Some(d("2020-01-01")); // only the last year counts: 309 days
    t.older_total = 309 * 10;
    assert_eq!(t.usual_28(d("2026-11-30")), Some(280));
}

#[test]
fn a_slow_fade_is_caught_against_the_clients_usual_level() {
    // 100 → 70 → 40 over the months: the last 28 days are only 43 % below the
    // 28 before, but 86 % below the usual 280.
    let mut t = trend("logins", true, 70, 40, Some("2026-11-29"));
    t.first_used_on = Some(d("2026-01-01"));
    t.older_total = 280 * 11; // 2026-01-01..=2026-10-05 is 278 days: usual 310
    let usual = t.usual_28(d("2026-11-30")).unwrap();
    assert_eq!(usual, 280 * 11 * 28 / 278);
    let s = score(&facts(vec![t]), &HealthSettings::default());
    let (points, finding) = usage(&s);
    let f = finding.unwrap();
    assert_eq!(f.change, UsageChange::DownFromUsual);
    assert_eq!((f.before, f.now), (usual, 40));
    assert_eq!(
        f.change_pct,
        u32::try_from((usual - 40) * 100 / usual).unwrap()
    );
    assert_eq!(points, 17);
}

#[test]
fn against_both_baselines_the_larger_change_counts() {
    // Down 60 % against the 28 days before, and only 20 % against the usual
    // level: the 28 days before count.
    let mut t = trend("logins", true, 100, 40, Some("2026-11-29"));
    t.first_used_on = Some(d("2026-09-08"));
    t.older_total = 50;
    let s = score(&facts(vec![t]), &HealthSettings::default());
    let f = usage(&s).1.unwrap();
    assert_eq!((f.change, f.before), (UsageChange::Down, 100));
}

#[test]
fn a_client_using_as_usual_takes_nothing_from_the_usual_level() {
    let mut t = trend("logins", true, 280, 260, Some("2026-11-29"));
    t.first_used_on = Some(d("2026-09-08"));
    t.older_total = 300;
    let s = score(&facts(vec![t]), &HealthSettings::default());
    assert_eq!(usage(&s), (0, None));
}

#[test]
fn errors_far_above_their_usual_level_count_as_a_rise() {
    let mut t = trend("errors", false, 28, 40, Some("2026-11-29"));
    t.first_used_on = Some(d("2026-09-08"));
    t.older_total = 10;
    let s = score(&facts(vec![t]), &HealthSettings::default());
    let f = usage(&s).1.unwrap();
    assert_eq!(
        (f.change, f.before, f.now),
        (UsageChange::UpFromUsual, 10, 40)
    );
}
