//! Calendar dates and months, as the input files and the API write them.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a text is not a valid date or month.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not a `YYYY-MM-DD` calendar date.
    #[error("{0:?} is not a date as YYYY-MM-DD")]
    BadDate(String),
    /// Not a `YYYY-MM` month.
    #[error("{0:?} is not a month as YYYY-MM")]
    BadMonth(String),
}

/// Parses a `YYYY-MM-DD` calendar date (surrounding spaces are ignored).
pub fn parse_date(text: &str) -> Result<NaiveDate, DateError> {
    let t = text.trim();
    parse_date_bytes(t.as_bytes()).ok_or_else(|| DateError::BadDate(t.to_string()))
}

/// Allocation-free parse of an exact `YYYY-MM-DD` byte slice.
pub fn parse_date_bytes(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &[u8]| -> Option<u32> {
        s.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let y = num(&b[0..4])?;
    let m = num(&b[5..7])?;
    let d = num(&b[8..10])?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    if (TABLE_FIRST_YEAR..TABLE_FIRST_YEAR + TABLE_YEARS).contains(&y) {
        let index = ((y - TABLE_FIRST_YEAR) * 12 + m - 1) * 31 + d - 1;
        return date_table()[index as usize];
    }
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// First year of the table of dates that parsing looks up.
const TABLE_FIRST_YEAR: u32 = 1900;
/// Number of years in the table (1900 to 2199).
const TABLE_YEARS: u32 = 300;

/// Every `(year, month, day <= 31)` of the table's years and the date it
/// names, if any: a lookup is faster than building a date, and input files
/// hold millions of dates.
fn date_table() -> &'static [Option<NaiveDate>] {
    static TABLE: std::sync::OnceLock<Vec<Option<NaiveDate>>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = Vec::with_capacity((TABLE_YEARS * 12 * 31) as usize);
        for y in TABLE_FIRST_YEAR..TABLE_FIRST_YEAR + TABLE_YEARS {
            for m in 1..=12 {
                for d in 1..=31 {
                    table.push(NaiveDate::from_ymd_opt(y as i32, m, d));
                }
            }
        }
        table
    })
}

/// A calendar month such as `2024-02`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    /// The month `year-month`, if `month` is 1..=12.
    pub fn new(year: i32, month: u32) -> Option<Self> {
        (1..=12).contains(&month).then_some(Month { year, month })
    }

    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> Self {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month number, 1..=12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a month has a first day")
    }

    /// The month after this one.
    pub fn next(self) -> Self {
        self.plus(1)
    }

    /// The month `n` months later (or earlier when negative).
    pub fn plus(self, n: i32) -> Self {
        let index = self.year * 12 + self.month as i32 - 1 + n;
        Month {
            year: index.div_euclid(12),
            month: (index.rem_euclid(12) + 1) as u32,
        }
    }

    /// Number of months from `self` to `later` (negative if earlier).
    pub fn months_until(self, later: Month) -> i32 {
        (later.year * 12 + later.month as i32) - (self.year * 12 + self.month as i32)
    }

    /// Every month from `from` to `to`, both included.
    pub fn range_inclusive(from: Month, to: Month) -> impl Iterator<Item = Month> {
        let n = from.months_until(to);
        (0..=n).map(move |k| from.plus(k))
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Parses a `YYYY-MM` month.
pub fn parse_month(text: &str) -> Result<Month, DateError> {
    let t = text.trim();
    let bad = || DateError::BadMonth(t.to_string());
    let b = t.as_bytes();
    if b.len() != 7 || b[4] != b'-' || !b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit) {
        return Err(bad());
    }
    let year: i32 = t[..4].parse().map_err(|_| bad())?;
    let month: u32 = t[5..].parse().map_err(|_| bad())?;
    Month::new(year, month).ok_or_else(bad)
}

impl std::str::FromStr for Month {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_month(s)
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        parse_month(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_date_parses_and_an_impossible_one_is_rejected() {
        assert_eq!(
            parse_date("2024-02-29").unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        assert!(parse_date("2023-02-29").is_err());
        assert!(parse_date("2024-2-1").is_err());
        assert!(parse_date("01/02/2024").is_err());
        assert!(parse_date("2024-04-31").is_err());
        assert!(parse_date("2024-00-10").is_err());
        assert!(parse_date("2024-01-00").is_err());
        assert_eq!(
            parse_date("1899-12-31").unwrap(),
            NaiveDate::from_ymd_opt(1899, 12, 31).unwrap()
        );
        assert_eq!(
            parse_date("2199-12-31").unwrap(),
            NaiveDate::from_ymd_opt(2199, 12, 31).unwrap()
        );
        assert!(parse_date("2100-02-29").is_err());
        assert_eq!(
            parse_date("x").unwrap_err().to_string(),
            "\"x\" is not a date as YYYY-MM-DD"
        );
    }

    #[test]
    fn the_date_table_agrees_with_chrono_on_every_day_around_and_inside_it() {
        for y in 1890..2210 {
            for m in 0..=13u32 {
                for d in 0..=32u32 {
                    let text = format!("{y:04}-{m:02}-{d:02}");
                    assert_eq!(
                        parse_date_bytes(text.as_bytes()),
                        NaiveDate::from_ymd_opt(y, m, d),
                        "{text}"
                    );
                }
            }
        }
    }

    #[test]
    fn months_step_across_years_and_count_between() {
        let dec = parse_month("2023-12").unwrap();
        assert_eq!(dec.next().to_string(), "2024-01");
        assert_eq!(dec.plus(-12).to_string(), "2022-12");
        assert_eq!(dec.months_until(parse_month("2024-12").unwrap()), 12);
        assert_eq!(Month::range_inclusive(dec, dec.plus(2)).count(), 3);
        assert!(parse_month("2023-13").is_err());
        assert_eq!(
            dec.first_day(),
            NaiveDate::from_ymd_opt(2023, 12, 1).unwrap()
        );
    }
}
