//! The churn analytics engine of `spec/metrics.md`: pure functions from
//! parsed customers, segments and invoices to the metrics document. File
//! mode, database mode and the HTTP API are thin callers of [`compute`].
//!
//! Month figures, cohorts and the survival subjects come from one sweep over
//! each customer's sorted segments (see `sweep`); the rules chosen where the
//! spec is silent are written down in `docs/metrics.md`.

mod forecast;
pub mod input;
mod logrank;
mod nonpayment;
pub mod options;
pub mod report;
mod survival;
mod sweep;

pub use input::{InputBuilder, Invoice, MetricsInput, Segment};
pub use options::{MetricsOptions, OptionsError, SurvivalBy};
pub use report::{
    BandPosition, Cohort, ForecastDeviation, ForecastMonth, GroupSurvival, LogRank, MetricsReport,
    MonthFigures, OwnerFigures, Survival, SurvivalAt, SurvivalByReport,
};

use churnwise_domain::Money;
use survival::AtDuration;

/// Computes the whole metrics document for `input` and the question `options`.
pub fn compute(
    input: &MetricsInput,
    options: &MetricsOptions,
) -> Result<MetricsReport, OptionsError> {
    options.validate()?;
    let frame = sweep::Frame::new(options.from, options.to, forecast::WINDOW, options.as_of);
    let plan_rank = match options.survival_by {
        Some(SurvivalBy::Plan) => text_ranks(&input.plans),
        _ => Vec::new(),
    };
    let grouping = match options.survival_by {
        None => sweep::Grouping::None,
        Some(SurvivalBy::Owner) => sweep::Grouping::Owner,
        Some(SurvivalBy::Segment) => sweep::Grouping::Segment(&input.customer_segment),
        Some(SurvivalBy::Plan) => sweep::Grouping::Plan(&plan_rank),
    };
    let (mut totals, due) = rayon::join(
        || sweep::sweep(input, &frame, grouping),
        || {
            input.invoices.as_ref().map(|inv| {
                nonpayment::due_totals(
                    inv,
                    options.from,
                    frame.reported,
                    options.as_of,
                    options.grace_days,
                )
            })
        },
    );

    #[expect(
        clippy::cast_possible_truncation,
        reason = "`r` < `frame.reported`, fewer than 6.3 million months (see `Frame::new`)"
    )]
    let months = (0..frame.reported)
        .map(|r| {
            let m = frame.pre + r;
            let t = &totals.months[m];
            let window = &totals.months[m - forecast::WINDOW..m];
            month_figures(
                options.from.plus(r as i32),
                t,
                due.as_ref().map(|d| d[r]),
                options.benchmark_pct,
                forecast::deviation(window, t),
            )
        })
        .collect();

    #[expect(
        clippy::cast_possible_truncation,
        reason = "`r` < `frame.reported`, fewer than 6.3 million months (see `Frame::new`)"
    )]
    let mut by_owner: Vec<_> = totals
        .owners
        .nonzero()
        .into_iter()
        .map(|(owner, r, t)| OwnerFigures {
            month: options.from.plus(r as i32),
            owner: input
                .owners
                .get(owner as usize)
                .cloned()
                .unwrap_or_default(),
            new_customers: t.new_customers,
            new_mrr: Money::from_cents(t.new_mrr),
            reactivated_customers: t.reactivated_customers,
            reactivation_mrr: Money::from_cents(t.reactivation_mrr),
            expansion_mrr: Money::from_cents(t.expansion_mrr),
            churned_customers: t.churned_customers,
            churned_mrr: Money::from_cents(t.churned_mrr),
        })
        .collect();
    by_owner.sort_by(|a, b| a.month.cmp(&b.month).then_with(|| a.owner.cmp(&b.owner)));

    #[expect(
        clippy::cast_possible_truncation,
        reason = "`idx` indexes the cohorts, one per reported month: fewer than 6.3 million \
                  (see `Frame::new`)"
    )]
    let cohorts = totals
        .cohorts
        .iter()
        .enumerate()
        .filter(|(_, c)| c.customers > 0)
        .map(|(idx, c)| {
            let logo = std::iter::once(100.0)
                .chain(
                    c.active[1..]
                        .iter()
                        .map(|&a| a as f64 * 100.0 / c.customers as f64),
                )
                .collect();
            let mrr = std::iter::once(100.0)
                .chain(
                    c.mrr[1..]
                        .iter()
                        .map(|&m| m as f64 * 100.0 / c.initial_mrr as f64),
                )
                .collect();
            Cohort {
                cohort: options.from.plus(idx as i32),
                customers: c.customers,
                initial_mrr: Money::from_cents(c.initial_mrr),
                logo_retention_pct: logo,
                mrr_retention_pct: mrr,
            }
        })
        .collect();

    let mut durations: Vec<(i64, AtDuration)> = totals.survival.into_iter().collect();
    durations.sort_unstable_by_key(|d| d.0);
    let survival = survival::kaplan_meier(&durations);
    let survival_by = options
        .survival_by
        .map(|by| survival_by(input, by, std::mem::take(&mut totals.groups)));

    // The window is the last three months up to `to`, reaching before
    // `from` when the range is shorter.
    let forecast = forecast::forecast(&totals.months, options.to, options.forecast_months);

    Ok(MetricsReport {
        as_of: options.as_of,
        from: options.from,
        to: options.to,
        benchmark_churn_pct: options.benchmark_pct,
        months,
        by_owner,
        cohorts,
        survival,
        survival_by,
        forecast,
    })
}

/// The rank of each text in `texts` when sorted (equal texts, equal ranks).
#[expect(
    clippy::cast_possible_truncation,
    reason = "label indices are u32 by design (see `InputBuilder`), so their ranks fit u32"
)]
fn text_ranks(texts: &[String]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..texts.len()).collect();
    order.sort_by(|&a, &b| texts[a].cmp(&texts[b]));
    let mut rank = vec![0u32; texts.len()];
    let mut current = 0u32;
    for (pos, &i) in order.iter().enumerate() {
        if pos > 0 && texts[order[pos - 1]] != texts[i] {
            current = pos as u32;
        }
        rank[i] = current;
    }
    rank
}

/// Survival by group from the sweep's `(group index, duration)` counts:
/// groups named, merged by text, sorted by text, each with its
/// Kaplan–Meier summary, and the log-rank test over all of them.
fn survival_by(
    input: &MetricsInput,
    by: SurvivalBy,
    counts: std::collections::HashMap<(u32, i64), AtDuration, foldhash::fast::FixedState>,
) -> SurvivalByReport {
    let names = match by {
        SurvivalBy::Segment => &input.segment_names,
        SurvivalBy::Owner => &input.owners,
        SurvivalBy::Plan => &input.plans,
    };
    let mut by_text: std::collections::BTreeMap<&str, std::collections::BTreeMap<i64, AtDuration>> =
        std::collections::BTreeMap::new();
    for ((group, duration), at) in counts {
        let text = names.get(group as usize).map_or("", String::as_str);
        let e = by_text
            .entry(text)
            .or_default()
            .entry(duration)
            .or_default();
        e.events += at.events;
        e.censored += at.censored;
    }
    let durations: Vec<(String, Vec<(i64, AtDuration)>)> = by_text
        .into_iter()
        .map(|(text, ds)| (text.to_string(), ds.into_iter().collect()))
        .collect();
    let curves: Vec<Vec<(i64, AtDuration)>> = durations.iter().map(|(_, ds)| ds.clone()).collect();
    let (logrank, expected) = logrank::logrank(&curves);
    let groups = durations
        .iter()
        .zip(expected)
        .map(|((text, ds), expected_events)| {
            let s = survival::kaplan_meier(ds);
            GroupSurvival {
                group: text.clone(),
                subjects: s.subjects,
                events: s.events,
                median_days: s.median_days,
                survival_at_days: s.survival_at_days,
                expected_events,
            }
        })
        .collect();
    SurvivalByReport {
        by,
        groups,
        logrank,
    }
}

/// `part / whole * 100`, or `None` when `whole` is zero.
fn pct(part: i64, whole: i64) -> Option<f64> {
    (whole != 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// `total / count` rounded to cents, halves away from zero.
#[expect(
    clippy::cast_possible_truncation,
    reason = "`count` >= 1: with 1 the quotient is `total` itself, with more its magnitude is at \
              most half of `total`'s plus one, so it fits i64"
)]
pub fn divide_rounding_half_away(total: Money, count: u64) -> Option<Money> {
    if count == 0 {
        return None;
    }
    let (t, n) = (i128::from(total.cents()), i128::from(count));
    let q = t / n;
    let r = t % n;
    let q = if 2 * r.abs() >= n { q + t.signum() } else { q };
    Some(Money::from_cents(q as i64))
}

fn month_figures(
    month: churnwise_domain::Month,
    t: &sweep::MonthTotals,
    due: Option<nonpayment::DueTotals>,
    benchmark: f64,
    forecast_deviation: Option<ForecastDeviation>,
) -> MonthFigures {
    let churn_rate_pct = pct(t.churned_customers as i64, t.customers_start as i64);
    // Decided without the rounding of the printed rate: 7 of 100 is not above 7.
    let above_benchmark = t.customers_start > 0
        && t.churned_customers as f64 * 100.0 > benchmark * t.customers_start as f64;
    let net = t.new_mrr + t.reactivation_mrr + t.expansion_mrr - t.contraction_mrr - t.churned_mrr;
    MonthFigures {
        month,
        customers_start: t.customers_start,
        customers_end: t.customers_end,
        new_customers: t.new_customers,
        reactivated_customers: t.reactivated_customers,
        churned_customers: t.churned_customers,
        churn_rate_pct,
        mrr_start: Money::from_cents(t.mrr_start),
        mrr_end: Money::from_cents(t.mrr_end),
        new_mrr: Money::from_cents(t.new_mrr),
        reactivation_mrr: Money::from_cents(t.reactivation_mrr),
        expansion_mrr: Money::from_cents(t.expansion_mrr),
        contraction_mrr: Money::from_cents(t.contraction_mrr),
        churned_mrr: Money::from_cents(t.churned_mrr),
        net_new_mrr: Money::from_cents(net),
        gross_mrr_churn_pct: pct(t.churned_mrr + t.contraction_mrr, t.mrr_start),
        net_mrr_churn_pct: pct(
            t.churned_mrr + t.contraction_mrr - t.expansion_mrr,
            t.mrr_start,
        ),
        arpa: divide_rounding_half_away(Money::from_cents(t.mrr_end), t.customers_end),
        above_benchmark,
        invoices_due: due.map(|d| d.invoices_due),
        amount_due: due.map(|d| Money::from_cents(d.amount_due)),
        amount_unpaid: due.map(|d| Money::from_cents(d.amount_unpaid)),
        nonpayment_rate_pct: due.and_then(|d| pct(d.amount_unpaid, d.amount_due)),
        forecast_deviation,
    }
}
