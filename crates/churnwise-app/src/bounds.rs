//! The bounds of every size-like input, in one place that the API, the
//! pages and the CLI share: how many months a question may span or
//! forecast, how many days of grace, how many rows a page may hold. A value
//! past its bound is refused (422 in the API, `--flag: reason` in the CLI)
//! naming the field and the bound, before any work is done — a request for
//! two billion forecast months never builds them.

use crate::error::{AppError, AppResult};
use churnwise_domain::registry::FieldProblem;
use churnwise_domain::Month;
use churnwise_metrics::MetricsOptions;

/// The most months a forecast may look ahead.
pub const MAX_FORECAST_MONTHS: u32 = 60;
/// The most months a range (`from` to `to`, both included) may span.
pub const MAX_RANGE_MONTHS: u32 = 120;
/// The most days of grace after an invoice's due date.
pub const MAX_GRACE_DAYS: u32 = 365;
/// The most rows a page of a list may hold.
pub const MAX_PAGE_SIZE: u32 = 500;
/// The rows of a page when the caller does not say.
pub const DEFAULT_PAGE_SIZE: u32 = 50;

/// `value` when it is at most `max`, else a problem naming `field` and the bound.
pub fn at_most(field: &str, value: u32, max: u32) -> Result<u32, FieldProblem> {
    if value > max {
        Err(FieldProblem::new(field, format!("must be at most {max}")))
    } else {
        Ok(value)
    }
}

/// Months to forecast: at most [`MAX_FORECAST_MONTHS`].
pub fn forecast_months(field: &str, value: u32) -> Result<u32, FieldProblem> {
    at_most(field, value, MAX_FORECAST_MONTHS)
}

/// Days of grace: at most [`MAX_GRACE_DAYS`].
pub fn grace_days(field: &str, value: u32) -> Result<u32, FieldProblem> {
    at_most(field, value, MAX_GRACE_DAYS)
}

/// A range of months (`from` after `to` is left to the caller's own
/// message): at most [`MAX_RANGE_MONTHS`] months, both ends included. The
/// problem names `to_field`, the end that went too far.
pub fn month_range(to_field: &str, from: Month, to: Month) -> Result<(), FieldProblem> {
    let months = i64::from(from.months_until(to)) + 1;
    if months > i64::from(MAX_RANGE_MONTHS) {
        Err(FieldProblem::new(
            to_field,
            format!("the range must span at most {MAX_RANGE_MONTHS} months (it spans {months})"),
        ))
    } else {
        Ok(())
    }
}

/// Rows per page: 1 to [`MAX_PAGE_SIZE`], [`DEFAULT_PAGE_SIZE`] when not given.
pub fn page_size(field: &str, value: Option<u32>) -> Result<u32, FieldProblem> {
    match value.unwrap_or(DEFAULT_PAGE_SIZE) {
        0 => Err(FieldProblem::new(
            field,
            format!("must be between 1 and {MAX_PAGE_SIZE}"),
        )),
        n if n > MAX_PAGE_SIZE => Err(FieldProblem::new(
            field,
            format!("must be between 1 and {MAX_PAGE_SIZE}"),
        )),
        n => Ok(n),
    }
}

/// The rows of a list walked by `offset` rather than pages (health
/// scores, alerts, the due lists, see [`window`]): 1 to [`MAX_PAGE_SIZE`], [`MAX_PAGE_SIZE`] when not given, so an
/// answer is bounded whatever the workspace holds.
pub fn list_limit(field: &str, value: Option<u32>) -> Result<usize, FieldProblem> {
    let n = page_size(field, Some(value.unwrap_or(MAX_PAGE_SIZE)))?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// The window `offset..offset + limit` of a list read whole (health scores,
/// alerts, the due lists): with `limit` from [`list_limit`], a client walks
/// such a list by raising `offset` until an answer holds fewer than `limit`
/// rows.
pub fn window<T>(items: Vec<T>, offset: Option<u32>, limit: usize) -> Vec<T> {
    let skip = usize::try_from(offset.unwrap_or(0)).unwrap_or(usize::MAX);
    items.into_iter().skip(skip).take(limit).collect()
}

/// The same window as [`window`], for a list the database reads itself:
/// `limit` from [`list_limit`] (at most 500), `offset` as given.
pub fn list_window(limit: usize, offset: Option<u32>) -> churnwise_store::ListWindow {
    churnwise_store::ListWindow {
        limit: u32::try_from(limit).unwrap_or(MAX_PAGE_SIZE),
        offset: offset.unwrap_or(0),
    }
}

/// A page number: 1 or more, 1 when not given.
pub fn page_number(field: &str, value: Option<u32>) -> Result<u32, FieldProblem> {
    match value.unwrap_or(1) {
        0 => Err(FieldProblem::new(field, "must be 1 or more")),
        n => Ok(n),
    }
}

/// Checks the bounds of a metrics question (range, grace, forecast),
/// naming every field past its bound at once, as the API and the CLI name
/// them (`from`/`to`, `grace_days`, `forecast_months`).
pub fn check_metrics_options(options: &MetricsOptions) -> AppResult<()> {
    let mut problems = Vec::new();
    if options.from <= options.to {
        if let Err(p) = month_range("to", options.from, options.to) {
            problems.push(p);
        }
    }
    if let Err(p) = grace_days("grace_days", options.grace_days) {
        problems.push(p);
    }
    if let Err(p) = forecast_months("forecast_months", options.forecast_months) {
        problems.push(p);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_skips_the_offset_and_keeps_at_most_the_limit() {
        let rows: Vec<u32> = (0..7).collect();
        assert_eq!(window(rows.clone(), None, 3), vec![0, 1, 2]);
        assert_eq!(window(rows.clone(), Some(3), 3), vec![3, 4, 5]);
        assert_eq!(window(rows.clone(), Some(6), 3), vec![6]);
        assert!(window(rows, Some(u32::MAX), 3).is_empty());
    }

    fn month(y: i32, m: u32) -> Month {
        churnwise_domain::parse_month(&format!("{y}-{m:02}")).unwrap()
    }

    #[test]
    fn a_range_of_120_months_is_taken_and_121_refused_naming_the_bound() {
        assert!(month_range("to", month(2015, 1), month(2024, 12)).is_ok());
        let p = month_range("to", month(2015, 1), month(2025, 1)).unwrap_err();
        assert_eq!(p.field, "to");
        assert!(p.message.contains("at most 120 months"), "{}", p.message);
    }

    #[test]
    fn page_sizes_default_to_50_and_stop_at_500() {
        assert_eq!(page_size("per_page", None).unwrap(), 50);
        assert_eq!(page_size("per_page", Some(500)).unwrap(), 500);
        assert!(page_size("per_page", Some(501)).is_err());
        assert!(page_size("per_page", Some(0)).is_err());
    }

    #[test]
    fn metrics_options_past_their_bounds_name_every_field() {
        let mut options = MetricsOptions::new(
            month(2024, 1),
            month(2024, 6),
            chrono::NaiveDate::from_ymd_opt(2024, 7, 1).unwrap(),
        );
        assert!(check_metrics_options(&options).is_ok());
        options.forecast_months = 2_000_000_000;
        options.grace_days = 366;
        match check_metrics_options(&options) {
            Err(AppError::Invalid(problems)) => {
                let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
                assert_eq!(fields, ["grace_days", "forecast_months"]);
                assert_eq!(problems[1].message, "must be at most 60");
            }
            other => panic!("{other:?}"),
        }
    }
}
