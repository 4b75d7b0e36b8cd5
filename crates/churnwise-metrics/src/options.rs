//! The question asked of the engine: which months, as of which day, with
//! which grace period, benchmark and forecast horizon.

use chrono::NaiveDate;
use churnwise_domain::Month;

/// Default grace period, in days, before an unpaid invoice counts as unpaid.
pub const DEFAULT_GRACE_DAYS: u32 = 30;
/// Default monthly churn benchmark, in percent.
pub const DEFAULT_BENCHMARK_PCT: f64 = 7.0;
/// Default number of forecast months.
pub const DEFAULT_FORECAST_MONTHS: u32 = 6;

/// Why a question cannot be answered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OptionsError {
    /// `from` comes after `to`.
    #[error("--from {from} is after --to {to}")]
    FromAfterTo {
        /// The first month asked.
        from: Month,
        /// The last month asked.
        to: Month,
    },
    /// The benchmark is not a finite number.
    #[error("the benchmark must be a finite number")]
    BadBenchmark,
}

/// What survival is split by (`--survival-by`, API `survival_by=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurvivalBy {
    /// The customer's `segment` column of customers.csv.
    Segment,
    /// The customer's `owner` column of customers.csv.
    Owner,
    /// The plan of the customer's highest-MRR segment starting on its first
    /// active day (ties: the smallest plan text).
    Plan,
}

impl SurvivalBy {
    /// Every choice, in the order they are listed to users.
    pub const ALL: [SurvivalBy; 3] = [SurvivalBy::Segment, SurvivalBy::Owner, SurvivalBy::Plan];

    /// The word users type: `segment`, `owner` or `plan`.
    pub fn as_str(self) -> &'static str {
        match self {
            SurvivalBy::Segment => "segment",
            SurvivalBy::Owner => "owner",
            SurvivalBy::Plan => "plan",
        }
    }

    /// The choice named by `word` (exactly `segment`, `owner` or `plan`).
    pub fn parse(word: &str) -> Option<SurvivalBy> {
        SurvivalBy::ALL.into_iter().find(|b| b.as_str() == word)
    }
}

impl std::fmt::Display for SurvivalBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The question asked of the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsOptions {
    /// First month reported.
    pub from: Month,
    /// Last month reported (included).
    pub to: Month,
    /// The day the figures are computed as of (maturity, survival).
    pub as_of: NaiveDate,
    /// Days after `due_on` before an unpaid invoice counts as unpaid.
    pub grace_days: u32,
    /// Monthly churn benchmark in percent.
    pub benchmark_pct: f64,
    /// Number of months to forecast after `to`.
    pub forecast_months: u32,
    /// Survival split by this, with the log-rank test; `None` for none.
    pub survival_by: Option<SurvivalBy>,
}

impl MetricsOptions {
    /// Options with the default grace period, benchmark and forecast horizon.
    pub fn new(from: Month, to: Month, as_of: NaiveDate) -> Self {
        MetricsOptions {
            from,
            to,
            as_of,
            grace_days: DEFAULT_GRACE_DAYS,
            benchmark_pct: DEFAULT_BENCHMARK_PCT,
            forecast_months: DEFAULT_FORECAST_MONTHS,
            survival_by: None,
        }
    }

    /// Checks that the question makes sense.
    pub fn validate(&self) -> Result<(), OptionsError> {
        if self.from > self.to {
            return Err(OptionsError::FromAfterTo {
                from: self.from,
                to: self.to,
            });
        }
        if !self.benchmark_pct.is_finite() {
            return Err(OptionsError::BadBenchmark);
        }
        Ok(())
    }
}
