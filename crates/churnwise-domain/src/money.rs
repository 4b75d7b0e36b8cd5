//! Money as an integer number of cents. Floats appear only when a figure is
//! printed as a percentage, never for amounts.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

/// An amount of money in cents of the workspace's single currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

/// Why a text is not a valid amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The text is empty.
    #[error("is empty")]
    Empty,
    /// The text uses a comma as decimal separator.
    #[error("{0:?} is not a decimal with \".\" as separator")]
    CommaSeparator(String),
    /// The text has more than two decimals.
    #[error("{0:?} has more than 2 decimals")]
    TooManyDecimals(String),
    /// The text is not a decimal number.
    #[error("{0:?} is not a decimal number")]
    NotDecimal(String),
    /// The amount is negative where it may not be.
    #[error("{0:?} is negative")]
    Negative(String),
    /// The amount does not fit in 64 bits of cents.
    #[error("{0:?} is too large")]
    TooLarge(String),
}

impl Money {
    /// Zero cents.
    pub const ZERO: Money = Money(0);

    /// An amount from a number of cents.
    pub const fn from_cents(cents: i64) -> Self {
        Money(cents)
    }

    /// The amount in cents.
    pub const fn cents(self) -> i64 {
        self.0
    }

    /// True when the amount is above zero.
    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// Parses a decimal with `.` as separator and at most two decimals
    /// (`49`, `49.9`, `49.90`, `-3.5`), as the input files write money.
    pub fn parse(text: &str) -> Result<Self, MoneyError> {
        Self::parse_bytes(text.trim().as_bytes()).map_err(|kind| kind.into_error(text.trim()))
    }

    /// Parses like [`Money::parse`] and also rejects negative amounts.
    pub fn parse_non_negative(text: &str) -> Result<Self, MoneyError> {
        let money = Self::parse(text)?;
        if money.0 < 0 {
            return Err(MoneyError::Negative(text.trim().to_string()));
        }
        Ok(money)
    }

    /// Allocation-free parse of an already trimmed byte slice; the error
    /// kind is turned into a message only when the caller needs one.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Self, MoneyErrorKind> {
        if bytes.is_empty() {
            return Err(MoneyErrorKind::Empty);
        }
        let (negative, digits) = match bytes[0] {
            b'-' => (true, &bytes[1..]),
            b'+' => (false, &bytes[1..]),
            _ => (false, bytes),
        };
        if digits.is_empty() {
            return Err(MoneyErrorKind::NotDecimal);
        }
        let mut units: i64 = 0;
        let mut cents: i64 = 0;
        let mut decimals: Option<u32> = None;
        let mut any_digit = false;
        for &b in digits {
            match b {
                b'0'..=b'9' => {
                    any_digit = true;
                    let d = i64::from(b - b'0');
                    match decimals.as_mut() {
                        None => {
                            units = units
                                .checked_mul(10)
                                .and_then(|u| u.checked_add(d))
                                .ok_or(MoneyErrorKind::TooLarge)?;
                        }
                        Some(n) => {
                            *n += 1;
                            if *n > 2 {
                                return Err(MoneyErrorKind::TooManyDecimals);
                            }
                            cents = cents * 10 + d;
                        }
                    }
                }
                b'.' if decimals.is_none() => decimals = Some(0),
                b',' => return Err(MoneyErrorKind::CommaSeparator),
                _ => return Err(MoneyErrorKind::NotDecimal),
            }
        }
        if !any_digit {
            return Err(MoneyErrorKind::NotDecimal);
        }
        if decimals == Some(1) {
            cents *= 10;
        }
        let total = units
            .checked_mul(100)
            .and_then(|u| u.checked_add(cents))
            .ok_or(MoneyErrorKind::TooLarge)?;
        Ok(Money(if negative { -total } else { total }))
    }

    /// The amount as a JSON number with exactly two decimals (`49.90`).
    pub fn to_json_number(self) -> Box<serde_json::value::RawValue> {
        serde_json::value::RawValue::from_string(self.to_string())
            .expect("a formatted amount is a valid JSON number")
    }
}

/// The kind of a money parse failure, without the offending text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyErrorKind {
    /// See [`MoneyError::Empty`].
    Empty,
    /// See [`MoneyError::CommaSeparator`].
    CommaSeparator,
    /// See [`MoneyError::TooManyDecimals`].
    TooManyDecimals,
    /// See [`MoneyError::NotDecimal`].
    NotDecimal,
    /// See [`MoneyError::TooLarge`].
    TooLarge,
}

impl MoneyErrorKind {
    /// The full error, naming the text that failed.
    pub fn into_error(self, text: &str) -> MoneyError {
        let text = text.to_string();
        match self {
            MoneyErrorKind::Empty => MoneyError::Empty,
            MoneyErrorKind::CommaSeparator => MoneyError::CommaSeparator(text),
            MoneyErrorKind::TooManyDecimals => MoneyError::TooManyDecimals(text),
            MoneyErrorKind::NotDecimal => MoneyError::NotDecimal(text),
            MoneyErrorKind::TooLarge => MoneyError::TooLarge(text),
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

/// Serialised as a JSON number in currency units with two decimals.
impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json_number().serialize(serializer)
    }
}

/// Accepts a JSON number or string in currency units, at most two decimals.
impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::String(s) => s,
            other => {
                return Err(serde::de::Error::custom(format!(
                    "{other} is not an amount"
                )))
            }
        };
        Money::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn whole_one_and_two_decimal_amounts_parse_to_cents() {
        assert_eq!(Money::parse("49").unwrap().cents(), 4900);
        assert_eq!(Money::parse("49.9").unwrap().cents(), 4990);
        assert_eq!(Money::parse("49.90").unwrap().cents(), 4990);
        assert_eq!(Money::parse("0.05").unwrap().cents(), 5);
        assert_eq!(Money::parse(" 7 ").unwrap().cents(), 700);
        assert_eq!(Money::parse("-3.5").unwrap().cents(), -350);
    }

    #[test]
    fn a_comma_separator_is_rejected_with_the_spec_message() {
        let err = Money::parse("12,5").unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"12,5\" is not a decimal with \".\" as separator"
        );
    }

    #[test]
    fn three_decimals_empty_and_garbage_are_rejected() {
        assert!(matches!(
            Money::parse("1.234"),
            Err(MoneyError::TooManyDecimals(_))
        ));
        assert_eq!(Money::parse(""), Err(MoneyError::Empty));
        assert!(matches!(
            Money::parse("abc"),
            Err(MoneyError::NotDecimal(_))
        ));
        assert!(matches!(Money::parse("."), Err(MoneyError::NotDecimal(_))));
        assert!(matches!(
            Money::parse("1e3"),
            Err(MoneyError::NotDecimal(_))
        ));
        assert!(matches!(
            Money::parse("1.2.3"),
            Err(MoneyError::NotDecimal(_))
        ));
    }

    #[test]
    fn negative_amounts_are_rejected_where_not_allowed() {
        assert!(matches!(
            Money::parse_non_negative("-1"),
            Err(MoneyError::Negative(_))
        ));
        assert_eq!(Money::parse_non_negative("0").unwrap(), Money::ZERO);
    }

    #[test]
    fn amounts_display_and_serialise_with_two_decimals() {
        assert_eq!(Money::from_cents(540000).to_string(), "5400.00");
        assert_eq!(Money::from_cents(-5).to_string(), "-0.05");
        assert_eq!(
            serde_json::to_string(&Money::from_cents(4990)).unwrap(),
            "49.90"
        );
        let back: Money = serde_json::from_str("49.9").unwrap();
        assert_eq!(back.cents(), 4990);
        let back: Money = serde_json::from_str("\"49.90\"").unwrap();
        assert_eq!(back.cents(), 4990);
        assert!(serde_json::from_str::<Money>("1.234").is_err());
    }

    #[test]
    fn amounts_deserialise_inside_tagged_enums_and_from_json_values() {
        #[derive(Debug, Serialize, Deserialize, PartialEq)]
        #[serde(tag = "type")]
        enum Tagged {
            Lost { mrr: Money },
        }
        let tagged = Tagged::Lost {
            mrr: Money::from_cents(120_005),
        };
        let json = serde_json::to_string(&tagged).unwrap();
        assert_eq!(json, r#"{"type":"Lost","mrr":1200.05}"#);
        assert_eq!(serde_json::from_str::<Tagged>(&json).unwrap(), tagged);
        let value = serde_json::to_value(Money::from_cents(4990)).unwrap();
        assert_eq!(
            serde_json::from_value::<Money>(value).unwrap().cents(),
            4990
        );
        let whole: Money = serde_json::from_str("12").unwrap();
        assert_eq!(whole.cents(), 1200);
    }

    proptest! {
        #[test]
        fn display_then_parse_gives_back_the_same_cents(cents in -1_000_000_000_000i64..1_000_000_000_000) {
            let m = Money::from_cents(cents);
            prop_assert_eq!(Money::parse(&m.to_string()).unwrap(), m);
        }
    }
}
