//! The result document of `spec/metrics.md`; its serde JSON is exactly the
//! `--format json` output and the HTTP API body.

use chrono::NaiveDate;
use churnwise_domain::{Money, Month};
use serde::Serialize;

/// The whole metrics document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricsReport {
    /// The day the figures are computed as of.
    pub as_of: NaiveDate,
    /// First month reported.
    pub from: Month,
    /// Last month reported.
    pub to: Month,
    /// The churn benchmark in percent.
    pub benchmark_churn_pct: f64,
    /// One entry per month from `from` to `to`.
    pub months: Vec<MonthFigures>,
    /// Sales by owner: one row per month and owner with a non-zero figure.
    pub by_owner: Vec<OwnerFigures>,
    /// One entry per cohort month in range that has customers.
    pub cohorts: Vec<Cohort>,
    /// Customer lifetime (Kaplan–Meier over first spells).
    pub survival: Survival,
    /// Survival by group with the log-rank test; absent when not asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub survival_by: Option<SurvivalByReport>,
    /// Customers and MRR projected after `to`.
    pub forecast: Vec<ForecastMonth>,
}

/// The figures of one calendar month (state at its first day `S` against the
/// first day of the next month `E`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthFigures {
    /// The month.
    pub month: Month,
    /// Customers active at `S`.
    pub customers_start: u64,
    /// Customers active at `E`.
    pub customers_end: u64,
    /// Not active at `S`, active at `E`, never active before `S`.
    pub new_customers: u64,
    /// Not active at `S`, active at `E`, active some day before `S`.
    pub reactivated_customers: u64,
    /// Active at `S`, not active at `E`.
    pub churned_customers: u64,
    /// `churned / customers_start * 100`, null when no customer at start.
    pub churn_rate_pct: Option<f64>,
    /// Total MRR at `S`.
    pub mrr_start: Money,
    /// Total MRR at `E`.
    pub mrr_end: Money,
    /// MRR at `E` of new customers.
    pub new_mrr: Money,
    /// MRR at `E` of reactivated customers.
    pub reactivation_mrr: Money,
    /// Increases of customers active at both boundaries.
    pub expansion_mrr: Money,
    /// Decreases of customers active at both boundaries (positive).
    pub contraction_mrr: Money,
    /// MRR at `S` of churned customers (positive).
    pub churned_mrr: Money,
    /// `new + reactivation + expansion - contraction - churned`.
    pub net_new_mrr: Money,
    /// `(churned + contraction) / mrr_start * 100`, null when `mrr_start = 0`.
    pub gross_mrr_churn_pct: Option<f64>,
    /// `(churned + contraction - expansion) / mrr_start * 100`, null when `mrr_start = 0`.
    pub net_mrr_churn_pct: Option<f64>,
    /// `mrr_end / customers_end` rounded to cents, null when no customer at end.
    pub arpa: Option<Money>,
    /// Churn rate above the benchmark (false when the rate is null).
    pub above_benchmark: bool,
    /// Mature invoices due this month (null without invoices).
    pub invoices_due: Option<u64>,
    /// Their total (null without invoices).
    pub amount_due: Option<Money>,
    /// Total of the unpaid ones (null without invoices).
    pub amount_unpaid: Option<Money>,
    /// `amount_unpaid / amount_due * 100`, null when nothing is due.
    pub nonpayment_rate_pct: Option<f64>,
    /// Set when the month's actual end figures fell outside the band
    /// forecast from the three months before it; null otherwise.
    pub forecast_deviation: Option<ForecastDeviation>,
}

/// Sales figures of one owner's customers in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnerFigures {
    /// The month.
    pub month: Month,
    /// The owner (`""` for customers without one).
    pub owner: String,
    /// New customers.
    pub new_customers: u64,
    /// Their MRR at the month's end.
    pub new_mrr: Money,
    /// Reactivated customers.
    pub reactivated_customers: u64,
    /// Their MRR at the month's end.
    pub reactivation_mrr: Money,
    /// Expansion MRR.
    pub expansion_mrr: Money,
    /// Churned customers.
    pub churned_customers: u64,
    /// Their MRR at the month's start.
    pub churned_mrr: Money,
}

/// Retention of the customers whose first active day is in one month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cohort {
    /// The month of the first active day.
    pub cohort: Month,
    /// Number of customers in the cohort.
    pub customers: u64,
    /// Their total MRR on their first active days.
    pub initial_mrr: Money,
    /// Share of the cohort active on the first day of month `cohort + k`.
    pub logo_retention_pct: Vec<f64>,
    /// Cohort MRR on the first day of month `cohort + k` over initial MRR.
    pub mrr_retention_pct: Vec<f64>,
}

/// The Kaplan–Meier summary of customer lifetimes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Survival {
    /// Customers with an active day on or before `as_of`.
    pub subjects: u64,
    /// Subjects whose first spell ended on or before `as_of`.
    pub events: u64,
    /// Smallest duration at which the curve is <= 0.5, if any.
    pub median_days: Option<i64>,
    /// The curve at 30, 90, 180 and 365 days.
    pub survival_at_days: SurvivalAt,
}

/// Survival split by a customer attribute, and whether the groups differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurvivalByReport {
    /// What the subjects are split by.
    pub by: crate::options::SurvivalBy,
    /// One entry per group with subjects, sorted by group text.
    pub groups: Vec<GroupSurvival>,
    /// The k-group log-rank test; `None` with fewer than two groups.
    pub logrank: Option<LogRank>,
}

/// The Kaplan–Meier summary of one group's subjects.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupSurvival {
    /// The group's text (`""` for none).
    pub group: String,
    /// The group's subjects.
    pub subjects: u64,
    /// Subjects whose first spell ended on or before `as_of`.
    pub events: u64,
    /// Smallest duration at which the group's curve is <= 0.5, if any.
    pub median_days: Option<i64>,
    /// The group's curve at 30, 90, 180 and 365 days.
    pub survival_at_days: SurvivalAt,
    /// Events expected in the group were every group alike (the log-rank
    /// test's `E`); not part of the document. `events / expected_events`
    /// above 1 means the group leaves faster than the others.
    #[serde(skip)]
    pub expected_events: f64,
}

/// The k-group log-rank test (lifelines' `multivariate_logrank_test`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LogRank {
    /// The test statistic `zᵀ V⁻¹ z`.
    pub chi2: f64,
    /// Degrees of freedom: the number of groups minus one.
    pub df: u64,
    /// Upper tail of the χ² distribution with `df` degrees of freedom at `chi2`.
    pub p_value: f64,
}

/// The survival curve at fixed durations.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SurvivalAt {
    /// At 30 days.
    #[serde(rename = "30")]
    pub d30: f64,
    /// At 90 days.
    #[serde(rename = "90")]
    pub d90: f64,
    /// At 180 days.
    #[serde(rename = "180")]
    pub d180: f64,
    /// At 365 days.
    #[serde(rename = "365")]
    pub d365: f64,
}

/// Customers and MRR projected for one month after `to`, at its end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastMonth {
    /// The projected month.
    pub month: Month,
    /// Expected active customers at the month's end (two decimals).
    pub customers: f64,
    /// Pessimistic customers.
    pub customers_low: f64,
    /// Optimistic customers.
    pub customers_high: f64,
    /// Expected MRR at the month's end.
    pub mrr: Money,
    /// Pessimistic MRR.
    pub mrr_low: Money,
    /// Optimistic MRR.
    pub mrr_high: Money,
}

/// Where a past month's actual figures left the band forecast for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastDeviation {
    /// `below`, `within` or `above` the customers band.
    pub customers: BandPosition,
    /// Pessimistic end-of-month customers forecast (two decimals).
    pub customers_low: f64,
    /// Optimistic end-of-month customers forecast (two decimals).
    pub customers_high: f64,
    /// `below`, `within` or `above` the MRR band.
    pub mrr: BandPosition,
    /// Pessimistic end-of-month MRR forecast.
    pub mrr_low: Money,
    /// Optimistic end-of-month MRR forecast.
    pub mrr_high: Money,
}

/// Where an actual figure lies relative to a forecast band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BandPosition {
    /// Under the pessimistic bound.
    Below,
    /// Inside the band.
    Within,
    /// Over the optimistic bound.
    Above,
}
