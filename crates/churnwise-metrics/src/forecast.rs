//! The forecast: customers and MRR projected month by month from the
//! trailing three months' churn and new-business rates, with a low/high
//! band; and the check of each past month against the band forecast for it.
//! The method is described in `docs/metrics.md`.

use crate::report::{BandPosition, ForecastDeviation, ForecastMonth};
use crate::sweep::MonthTotals;
use churnwise_domain::{Money, Month};

/// Number of trailing months the rates are taken from.
pub(crate) const WINDOW: usize = 3;

/// Monthly rates over a window: lowest, mean and highest of each.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rates {
    /// Logo churn rate (fraction of customers at start lost).
    churn: [f64; 3],
    /// Customers added (new + reactivated).
    added: [f64; 3],
    /// MRR loss rate ((churned + contraction) / mrr_start).
    mrr_loss: [f64; 3],
    /// MRR gained (new + reactivation + expansion), in cents.
    mrr_gain: [f64; 3],
}

/// `[low, mean, high]` of a window's values: the band is the wider of the
/// values' range and the mean ± two sample standard deviations, so that a
/// window of three near-equal months does not make every next month a
/// deviation; never below zero.
fn low_mean_high(values: impl Iterator<Item = f64> + Clone) -> [f64; 3] {
    let n = values.clone().count();
    if n == 0 {
        return [0.0; 3];
    }
    let mean = values.clone().sum::<f64>() / n as f64;
    let low = values.clone().fold(f64::INFINITY, f64::min);
    let high = values.clone().fold(f64::NEG_INFINITY, f64::max);
    let sd = if n > 1 {
        (values.map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    [
        low.min(mean - 2.0 * sd).max(0.0),
        mean,
        high.max(mean + 2.0 * sd),
    ]
}

/// A band of loss rates, which cannot exceed everything.
fn capped(band: [f64; 3]) -> [f64; 3] {
    band.map(|r| r.min(1.0))
}

fn ratio(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        part / whole
    } else {
        0.0
    }
}

impl Rates {
    /// The rates observed over `window` months.
    pub fn of(window: &[MonthTotals]) -> Self {
        let w = window.iter();
        Rates {
            churn: capped(low_mean_high(
                w.clone()
                    .map(|m| ratio(m.churned_customers as f64, m.customers_start as f64)),
            )),
            added: low_mean_high(
                w.clone()
                    .map(|m| (m.new_customers + m.reactivated_customers) as f64),
            ),
            mrr_loss: capped(low_mean_high(w.clone().map(|m| {
                ratio(
                    (m.churned_mrr + m.contraction_mrr) as f64,
                    m.mrr_start as f64,
                )
            }))),
            mrr_gain: low_mean_high(
                w.map(|m| (m.new_mrr + m.reactivation_mrr + m.expansion_mrr) as f64),
            ),
        }
    }
}

/// One step of the projection: `(low, expected, high)` customers and MRR
/// cents at the end of a month from those at its start.
fn step(customers: [f64; 3], mrr: [f64; 3], r: &Rates) -> ([f64; 3], [f64; 3]) {
    // Low: highest churn and lowest additions; high: the other way round.
    let c = [
        customers[0] * (1.0 - r.churn[2]) + r.added[0],
        customers[1] * (1.0 - r.churn[1]) + r.added[1],
        customers[2] * (1.0 - r.churn[0]) + r.added[2],
    ];
    let m = [
        mrr[0] * (1.0 - r.mrr_loss[2]) + r.mrr_gain[0],
        mrr[1] * (1.0 - r.mrr_loss[1]) + r.mrr_gain[1],
        mrr[2] * (1.0 - r.mrr_loss[0]) + r.mrr_gain[2],
    ];
    (c, m)
}

fn two_decimals(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[expect(
    clippy::cast_possible_truncation,
    reason = "`x` is rounded first, and `as` saturates a forecast beyond ±9.2e18 cents \
              (NaN to 0), the clamp wanted here"
)]
fn cents(x: f64) -> Money {
    Money::from_cents(x.round() as i64)
}

/// The forecast after `last` from the last months' totals.
pub(crate) fn forecast(months: &[MonthTotals], last: Month, horizon: u32) -> Vec<ForecastMonth> {
    let Some(end) = months.last() else {
        return Vec::new();
    };
    let rates = Rates::of(&months[months.len().saturating_sub(WINDOW)..]);
    let mut customers = [end.customers_end as f64; 3];
    let mut mrr = [end.mrr_end as f64; 3];
    (1..=horizon as i32)
        .map(|k| {
            (customers, mrr) = step(customers, mrr, &rates);
            ForecastMonth {
                month: last.plus(k),
                customers: two_decimals(customers[1]),
                customers_low: two_decimals(customers[0]),
                customers_high: two_decimals(customers[2]),
                mrr: cents(mrr[1]),
                mrr_low: cents(mrr[0]),
                mrr_high: cents(mrr[2]),
            }
        })
        .collect()
}

fn position(actual: f64, low: f64, high: f64) -> BandPosition {
    if actual < low - 1e-9 {
        BandPosition::Below
    } else if actual > high + 1e-9 {
        BandPosition::Above
    } else {
        BandPosition::Within
    }
}

/// The deviation of `month` from the band forecast from the `WINDOW`
/// months before it, if its actual end figures fall outside.
pub(crate) fn deviation(window: &[MonthTotals], month: &MonthTotals) -> Option<ForecastDeviation> {
    let rates = Rates::of(window);
    let (c, m) = step(
        [month.customers_start as f64; 3],
        [month.mrr_start as f64; 3],
        &rates,
    );
    let customers = position(month.customers_end as f64, c[0], c[2]);
    let mrr = position(month.mrr_end as f64, m[0], m[2]);
    if customers == BandPosition::Within && mrr == BandPosition::Within {
        return None;
    }
    Some(ForecastDeviation {
        customers,
        customers_low: two_decimals(c[0]),
        customers_high: two_decimals(c[2]),
        mrr,
        mrr_low: cents(m[0]),
        mrr_high: cents(m[2]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(start: u64, churned: u64, added: u64, mrr_start: i64) -> MonthTotals {
        MonthTotals {
            customers_start: start,
            churned_customers: churned,
            new_customers: added,
            customers_end: start - churned + added,
            mrr_start,
            mrr_end: mrr_start,
            ..MonthTotals::default()
        }
    }

    #[test]
    fn a_steady_business_is_forecast_steady_with_a_band_from_the_spread_of_rates() {
        // The band is the wider of the range and mean ± 2 sd of the window.
        let window = [
            month(100, 10, 10, 0),
            month(100, 5, 5, 0),
            month(100, 15, 15, 0),
        ];
        let f = forecast(&window, Month::new(2024, 12).unwrap(), 2);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].month.to_string(), "2025-01");
        // Expected: 100 * (1 - 0.1) + 10 = 100.
        assert_eq!(f[0].customers, 100.0);
        // Churn 5 %, 10 %, 15 %: mean 10 %, sample sd 5 %, so the band
        // is 0 % to 20 %; additions 5, 10, 15: 0 to 20.
        // Low: 100 * 0.8 + 0 = 80; high: 100 * 1.0 + 20 = 120.
        assert_eq!(f[0].customers_low, 80.0);
        assert_eq!(f[0].customers_high, 120.0);
        assert!(f[1].customers_low < 80.0 && f[1].customers_high > 120.0);
    }

    #[test]
    fn a_month_inside_its_band_has_no_deviation_and_one_outside_has_one() {
        let window = [
            month(100, 10, 10, 0),
            month(100, 5, 5, 0),
            month(100, 15, 15, 0),
        ];
        assert_eq!(deviation(&window, &month(100, 10, 10, 0)), None);
        assert_eq!(deviation(&window, &month(100, 19, 0, 0)), None);
        let bad = deviation(&window, &month(100, 40, 0, 0)).expect("outside the band");
        assert_eq!(bad.customers, BandPosition::Below);
        assert_eq!(bad.mrr, BandPosition::Within);
    }
}
