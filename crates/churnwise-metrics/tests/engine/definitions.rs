//! One test per definition, on small hand-made data.

use crate::{d, m, units};
use churnwise_domain::Money;
use churnwise_metrics::{compute, InputBuilder, MetricsOptions, MetricsReport, MonthFigures};

fn options(from: &str, to: &str, as_of: &str) -> MetricsOptions {
    MetricsOptions::new(m(from), m(to), d(as_of))
}

fn month<'a>(report: &'a MetricsReport, which: &str) -> &'a MonthFigures {
    report
        .months
        .iter()
        .find(|f| f.month == m(which))
        .expect("the month is in the report")
}

fn run(b: InputBuilder, o: &MetricsOptions) -> MetricsReport {
    compute(&b.build(), o).expect("valid options")
}

#[test]
fn twelve_customers_losing_two_in_march_churn_sixteen_point_six_percent_above_benchmark() {
    let mut b = InputBuilder::new();
    for i in 0..12 {
        let end = (i < 2).then(|| d("2024-03-20"));
        b.segment(&format!("c{i}"), units(10), d("2024-01-10"), end);
    }
    let r = run(b, &options("2024-02", "2024-04", "2024-12-31"));
    let march = month(&r, "2024-03");
    assert_eq!(march.customers_start, 12);
    assert_eq!(march.churned_customers, 2);
    assert_eq!(march.customers_end, 10);
    assert!((march.churn_rate_pct.unwrap() - 16.666_666_666_666_668).abs() < 1e-9);
    assert!(march.above_benchmark);
    assert_eq!(march.churned_mrr, units(20));
    assert_eq!(march.net_new_mrr, units(-20));
    let feb = month(&r, "2024-02");
    assert_eq!(feb.churn_rate_pct, Some(0.0));
    assert!(!feb.above_benchmark);
}

#[test]
fn a_churn_rate_exactly_at_the_benchmark_is_not_above_it() {
    let mut b = InputBuilder::new();
    for i in 0..100 {
        let end = (i < 7).then(|| d("2024-03-20"));
        b.segment(&format!("c{i}"), units(10), d("2024-01-10"), end);
    }
    let r = run(b, &options("2024-03", "2024-03", "2024-12-31"));
    assert_eq!(r.months[0].churn_rate_pct, Some(7.0));
    assert!(!r.months[0].above_benchmark);
}

#[test]
fn abutting_segments_are_one_continuous_activity_and_an_upgrade_is_expansion() {
    let mut b = InputBuilder::new();
    b.segment("a", units(100), d("2024-01-10"), Some(d("2024-02-15")));
    b.segment("a", units(150), d("2024-02-15"), None);
    let r = run(b, &options("2024-01", "2024-03", "2024-12-31"));
    let jan = month(&r, "2024-01");
    assert_eq!((jan.new_customers, jan.customers_end), (1, 1));
    let feb = month(&r, "2024-02");
    assert_eq!(feb.churned_customers, 0);
    assert_eq!(feb.expansion_mrr, units(50));
    assert_eq!(feb.net_new_mrr, units(50));
    assert_eq!(r.survival.events, 0);
    assert_eq!(r.survival.subjects, 1);
}

#[test]
fn a_gap_between_segments_is_a_churn_then_a_reactivation() {
    let mut b = InputBuilder::new();
    b.segment("a", units(100), d("2024-01-01"), Some(d("2024-02-10")));
    b.segment("a", units(80), d("2024-03-05"), None);
    let r = run(b, &options("2024-01", "2024-04", "2024-12-31"));
    let feb = month(&r, "2024-02");
    assert_eq!((feb.churned_customers, feb.churned_mrr), (1, units(100)));
    let mar = month(&r, "2024-03");
    assert_eq!(mar.new_customers, 0);
    assert_eq!(
        (mar.reactivated_customers, mar.reactivation_mrr),
        (1, units(80))
    );
    // The first spell ended on Feb 10th: an event after 40 days.
    assert_eq!(r.survival.events, 1);
    assert_eq!(r.survival.median_days, Some(40));
    // Cohort January: active on Feb 1st, not on Mar 1st, again on Apr 1st.
    let c = &r.cohorts[0];
    assert_eq!(c.cohort, m("2024-01"));
    assert_eq!(c.logo_retention_pct, vec![100.0, 100.0, 0.0, 100.0, 100.0]);
    assert_eq!(c.mrr_retention_pct, vec![100.0, 100.0, 0.0, 80.0, 80.0]);
}

#[test]
fn overlapping_subscriptions_of_one_customer_add_up() {
    let mut b = InputBuilder::new();
    b.segment("a", units(100), d("2024-01-10"), None);
    b.segment("a", units(50), d("2024-01-15"), Some(d("2024-03-01")));
    let r = run(b, &options("2024-01", "2024-03", "2024-12-31"));
    assert_eq!(month(&r, "2024-01").mrr_end, units(150));
    assert_eq!(month(&r, "2024-01").new_mrr, units(150));
    let feb = month(&r, "2024-02");
    assert_eq!(feb.contraction_mrr, units(50));
    assert_eq!(feb.churned_customers, 0);
    assert_eq!(feb.gross_mrr_churn_pct.unwrap(), 50.0 * 100.0 / 150.0);
}

#[test]
fn a_free_segment_does_not_make_a_customer_active() {
    let mut b = InputBuilder::new();
    b.segment("a", Money::ZERO, d("2024-01-01"), None);
    b.segment("a", units(30), d("2024-02-20"), None);
    let r = run(b, &options("2024-01", "2024-03", "2024-12-31"));
    assert_eq!(month(&r, "2024-01").customers_end, 0);
    let feb = month(&r, "2024-02");
    assert_eq!((feb.new_customers, feb.new_mrr), (1, units(30)));
    assert_eq!(r.cohorts.len(), 1);
    assert_eq!(r.cohorts[0].cohort, m("2024-02"));
    assert_eq!(r.cohorts[0].initial_mrr, units(30));
}

#[test]
fn a_segment_ending_on_the_first_churns_in_the_month_before() {
    let mut b = InputBuilder::new();
    b.segment("a", units(10), d("2024-01-01"), Some(d("2024-03-01")));
    b.segment("b", units(20), d("2024-03-01"), None);
    let r = run(b, &options("2024-01", "2024-03", "2024-12-31"));
    let jan = month(&r, "2024-01");
    assert_eq!(
        jan.customers_start, 1,
        "a segment starting on the 1st counts that day"
    );
    assert_eq!(jan.new_customers, 0);
    let feb = month(&r, "2024-02");
    assert_eq!((feb.churned_customers, feb.new_customers), (1, 1));
    let mar = month(&r, "2024-03");
    assert_eq!((mar.customers_start, mar.mrr_start), (1, units(20)));
    assert_eq!(mar.churned_customers, 0);
}

#[test]
fn a_customer_active_only_on_february_29th_is_neither_new_nor_churned_but_is_in_its_cohort() {
    let mut b = InputBuilder::new();
    b.segment("leap", units(10), d("2024-02-29"), Some(d("2024-03-01")));
    b.segment("stay", units(10), d("2024-02-29"), None);
    let r = run(b, &options("2024-02", "2024-03", "2024-12-31"));
    let feb = month(&r, "2024-02");
    assert_eq!((feb.new_customers, feb.churned_customers), (1, 0));
    let c = &r.cohorts[0];
    assert_eq!((c.cohort, c.customers), (m("2024-02"), 2));
    assert_eq!(c.logo_retention_pct, vec![100.0, 50.0, 50.0]);
    assert_eq!(r.survival.subjects, 2);
    assert_eq!(r.survival.events, 1);
    // One event after one day, among two subjects: the curve is 1/2 from day 1.
    assert_eq!(r.survival.median_days, Some(1));
    assert_eq!(r.survival.survival_at_days.d30, 0.5);
}

#[test]
fn invoices_count_when_mature_and_are_unpaid_when_late_missing_or_paid_after_as_of() {
    let mut b = InputBuilder::new();
    b.segment("a", units(10), d("2024-01-01"), None);
    // as_of 2024-06-30, grace 30: due on or before 2024-05-30 is mature.
    b.invoice(units(100), d("2024-05-15"), Some(d("2024-06-14"))); // paid on the last grace day
    b.invoice(units(200), d("2024-05-15"), Some(d("2024-06-15"))); // paid a day too late
    b.invoice(units(400), d("2024-05-20"), None); // never paid
    b.invoice(units(800), d("2024-05-30"), Some(d("2024-05-30"))); // last mature due date
    b.invoice(units(1600), d("2024-05-31"), None); // not mature
    b.invoice(units(3200), d("2024-04-10"), Some(d("2024-07-01"))); // paid after as_of
    let r = run(b, &options("2024-04", "2024-06", "2024-06-30"));
    let may = month(&r, "2024-05");
    assert_eq!(may.invoices_due, Some(4));
    assert_eq!(may.amount_due, Some(units(1500)));
    assert_eq!(may.amount_unpaid, Some(units(600)));
    assert_eq!(may.nonpayment_rate_pct, Some(40.0));
    let apr = month(&r, "2024-04");
    assert_eq!(apr.amount_unpaid, Some(units(3200)));
    let jun = month(&r, "2024-06");
    assert_eq!(
        (jun.invoices_due, jun.amount_due),
        (Some(0), Some(Money::ZERO))
    );
    assert_eq!(jun.nonpayment_rate_pct, None);
}

#[test]
fn invoices_summed_by_due_and_payment_day_give_the_same_figures_as_one_by_one() {
    let invoices = [
        (100, "2024-05-15", Some("2024-06-14")),
        (250, "2024-05-15", Some("2024-06-14")),
        (200, "2024-05-15", Some("2024-06-15")),
        (400, "2024-05-20", None),
        (50, "2024-05-20", None),
        (75, "2024-04-10", Some("2024-07-01")),
    ];
    let mut one_by_one = InputBuilder::new();
    one_by_one.segment("a", units(10), d("2024-01-01"), None);
    let mut grouped = InputBuilder::new();
    grouped.segment("a", units(10), d("2024-01-01"), None);
    let mut groups: std::collections::BTreeMap<(&str, Option<&str>), (i64, u32)> =
        Default::default();
    for (amount, due, paid) in invoices {
        one_by_one.invoice(units(amount), d(due), paid.map(d));
        let g = groups.entry((due, paid)).or_default();
        g.0 += amount;
        g.1 += 1;
    }
    for ((due, paid), (amount, count)) in &groups {
        grouped.invoice_group(units(*amount), d(due), paid.map(d), *count);
    }
    assert_eq!(groups.len(), 4);
    let o = options("2024-04", "2024-06", "2024-06-30");
    let (a, b) = (run(one_by_one, &o), run(grouped, &o));
    assert_eq!(a, b);
    assert_eq!(month(&a, "2024-05").invoices_due, Some(5));
}

#[test]
fn the_grace_period_is_settable() {
    let mut b = InputBuilder::new();
    b.invoice(units(100), d("2024-05-15"), Some(d("2024-05-20")));
    let mut o = options("2024-05", "2024-05", "2024-05-25");
    o.grace_days = 3;
    let r = run(b, &o);
    assert_eq!(r.months[0].amount_unpaid, Some(units(100)));
}

#[test]
fn without_invoices_the_non_payment_figures_are_null() {
    let mut b = InputBuilder::new();
    b.segment("a", units(10), d("2024-01-01"), None);
    let r = run(b, &options("2024-01", "2024-01", "2024-06-30"));
    let json = serde_json::to_value(&r.months[0]).unwrap();
    for key in [
        "invoices_due",
        "amount_due",
        "amount_unpaid",
        "nonpayment_rate_pct",
    ] {
        assert!(json[key].is_null(), "{key} is null");
    }
}

#[test]
fn arpa_is_rounded_to_cents_with_halves_away_from_zero() {
    let mut b = InputBuilder::new();
    b.segment("a", Money::from_cents(1), d("2024-01-01"), None);
    b.segment("b", Money::from_cents(2), d("2024-01-01"), None);
    b.segment("c", Money::from_cents(2), d("2024-01-01"), None);
    b.segment("d", Money::from_cents(5), d("2024-01-01"), None);
    let r = run(b, &options("2024-01", "2024-01", "2024-06-30"));
    // 10 cents over 4 customers: 2.5 cents, rounded to 3.
    assert_eq!(r.months[0].arpa, Some(Money::from_cents(3)));
    assert_eq!(
        churnwise_metrics::divide_rounding_half_away(Money::from_cents(10_000), 3),
        Some(Money::from_cents(3_333))
    );
    assert_eq!(
        churnwise_metrics::divide_rounding_half_away(Money::from_cents(20_000), 3),
        Some(Money::from_cents(6_667))
    );
}

#[test]
fn empty_months_have_null_rates_and_arpa() {
    let r = run(
        InputBuilder::new(),
        &options("2024-01", "2024-02", "2024-06-30"),
    );
    let jan = &r.months[0];
    assert_eq!(jan.churn_rate_pct, None);
    assert_eq!(jan.gross_mrr_churn_pct, None);
    assert_eq!(jan.net_mrr_churn_pct, None);
    assert_eq!(jan.arpa, None);
    assert!(!jan.above_benchmark);
    assert!(r.by_owner.is_empty() && r.cohorts.is_empty());
    assert_eq!(r.survival.median_days, None);
}

#[test]
fn by_owner_has_rows_only_for_non_zero_figures_and_an_empty_owner_for_none() {
    let mut b = InputBuilder::new();
    b.customer("a", "ana");
    b.customer("b", "");
    b.customer("c", "bob");
    b.segment("a", units(10), d("2024-01-05"), None);
    b.segment("b", units(20), d("2024-01-05"), Some(d("2024-02-10")));
    b.segment("c", units(30), d("2023-06-01"), None);
    let r = run(b, &options("2024-01", "2024-02", "2024-06-30"));
    let rows: Vec<(String, String, u64, u64)> = r
        .by_owner
        .iter()
        .map(|o| {
            (
                o.month.to_string(),
                o.owner.clone(),
                o.new_customers,
                o.churned_customers,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("2024-01".into(), "".into(), 1, 0),
            ("2024-01".into(), "ana".into(), 1, 0),
            ("2024-02".into(), "".into(), 0, 1),
        ]
    );
    assert_eq!(r.by_owner[2].churned_mrr, units(20));
}

#[test]
fn cohort_retention_runs_to_the_month_after_to_and_k1_is_the_next_first_day() {
    let mut b = InputBuilder::new();
    b.segment("late", units(10), d("2024-01-31"), Some(d("2024-03-15")));
    b.segment("early", units(30), d("2024-01-01"), None);
    let r = run(b, &options("2024-01", "2024-03", "2024-12-31"));
    let c = &r.cohorts[0];
    assert_eq!(c.customers, 2);
    assert_eq!(c.initial_mrr, units(40));
    assert_eq!(c.logo_retention_pct, vec![100.0, 100.0, 100.0, 50.0]);
    assert_eq!(c.mrr_retention_pct, vec![100.0, 100.0, 100.0, 75.0]);
}

#[test]
fn the_initial_mrr_of_a_cohort_is_the_mrr_on_the_first_active_day() {
    let mut b = InputBuilder::new();
    b.segment("a", units(10), d("2024-01-10"), None);
    b.segment("a", units(5), d("2024-01-10"), Some(d("2024-01-11")));
    b.segment("a", units(7), d("2024-01-11"), None);
    let r = run(b, &options("2024-01", "2024-01", "2024-12-31"));
    assert_eq!(r.cohorts[0].initial_mrr, units(15));
    assert_eq!(r.cohorts[0].mrr_retention_pct[1], 17.0 * 100.0 / 15.0);
}

#[test]
fn survival_subjects_start_on_or_before_as_of_and_censoring_uses_as_of() {
    let mut b = InputBuilder::new();
    b.segment("a", units(10), d("2024-01-01"), Some(d("2024-01-11"))); // event, 10 days
    b.segment("b", units(10), d("2024-01-01"), Some(d("2024-03-01"))); // ends after as_of: censored 30
    b.segment("c", units(10), d("2024-01-31"), None); // censored 0
    b.segment("d", units(10), d("2024-02-01"), None); // after as_of: not a subject
    let r = run(b, &options("2024-01", "2024-01", "2024-01-31"));
    assert_eq!(r.survival.subjects, 3);
    assert_eq!(r.survival.events, 1);
    // c is censored at 0, so at 10 days 2 are at risk and one event halves the curve.
    assert_eq!(r.survival.median_days, Some(10));
    assert_eq!(r.survival.survival_at_days.d30, 0.5);
}

#[test]
fn the_json_document_has_the_spec_shape_with_two_decimal_money() {
    let mut b = InputBuilder::new();
    b.customer("a", "ana");
    b.segment("a", Money::from_cents(4990), d("2024-01-05"), None);
    b.with_invoices();
    let r = run(b, &options("2024-01", "2024-01", "2024-12-31"));
    let text = serde_json::to_string(&r).unwrap();
    assert!(text.starts_with(r#"{"as_of":"2024-12-31","from":"2024-01","to":"2024-01","benchmark_churn_pct":7.0,"months":[{"month":"2024-01","customers_start":0,"#), "{text}");
    assert!(text.contains(r#""new_mrr":49.90,"#), "{text}");
    assert!(
        text.contains(
            r#""invoices_due":0,"amount_due":0.00,"amount_unpaid":0.00,"nonpayment_rate_pct":null"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#""survival_at_days":{"30":1.0,"90":1.0,"180":1.0,"365":1.0}"#),
        "{text}"
    );
    assert!(text.contains(r#""cohorts":[{"cohort":"2024-01","customers":1,"initial_mrr":49.90,"logo_retention_pct":[100.0,100.0],"mrr_retention_pct":[100.0,100.0]}]"#), "{text}");
    assert_eq!(r.forecast.len(), 6);
}

#[test]
fn from_after_to_is_refused() {
    let err = compute(
        &InputBuilder::new().build(),
        &options("2024-03", "2024-01", "2024-12-31"),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "--from 2024-03 is after --to 2024-01");
}
