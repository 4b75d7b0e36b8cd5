//! The engine's test binary: one test per definition of `spec/metrics.md`,
//! and property tests against a brute-force day-by-day reference.

#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test code: a failed unwrap is a failed test with its message, and test data is small"
)]

mod definitions;
mod reference;
mod survival_by;

use chrono::NaiveDate;
use churnwise_domain::{Money, Month};

/// A date from `YYYY-MM-DD`.
pub fn d(text: &str) -> NaiveDate {
    churnwise_domain::parse_date(text).expect("a test date")
}

/// A month from `YYYY-MM`.
pub fn m(text: &str) -> Month {
    churnwise_domain::parse_month(text).expect("a test month")
}

/// An amount from whole currency units.
pub fn units(n: i64) -> Money {
    Money::from_cents(n * 100)
}
