//! Validation of request bodies: collect every invalid field, then fail
//! once with all of them.

use crate::error::ApiError;
use churnwise_domain::registry::FieldError;
use churnwise_domain::{parse_date, Money};
use churnwise_store::Date;
use serde_json::Value;

/// Collects field errors while validating a body.
#[derive(Default)]
pub(crate) struct Checker {
    pub(crate) errors: Vec<FieldError>,
}

impl Checker {
    pub(crate) fn keep<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.errors.push(e)).ok()
    }

    pub(crate) fn date(&mut self, field: &str, text: Option<&str>) -> Option<Option<Date>> {
        match text.map(str::trim) {
            None | Some("") => Some(None),
            Some(t) => self.keep(
                parse_date(t)
                    .map(Some)
                    .map_err(|e| FieldError::new(field, e.to_string())),
            ),
        }
    }

    pub(crate) fn required_date(&mut self, field: &str, text: Option<&str>) -> Option<Date> {
        match self.date(field, text) {
            Some(Some(d)) => Some(d),
            Some(None) => {
                self.errors.push(FieldError::new(field, "is required"));
                None
            }
            None => None,
        }
    }

    pub(crate) fn money(&mut self, field: &str, value: Option<&Value>) -> Option<Money> {
        let text = match value {
            None | Some(Value::Null) => {
                self.errors.push(FieldError::new(field, "is required"));
                return None;
            }
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                self.errors
                    .push(FieldError::new(field, format!("{other} is not an amount")));
                return None;
            }
        };
        self.keep(Money::parse(&text).map_err(|e| FieldError::new(field, e.to_string())))
    }

    pub(crate) fn finish<T>(self, value: Option<T>) -> Result<T, ApiError> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ => Err(self.errors.into()),
        }
    }
}
