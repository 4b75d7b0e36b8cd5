//! Validation of input (API bodies, forms, CLI flags): collect every
//! invalid field, then fail once with all of them.

use crate::error::AppError;
use churnwise_domain::registry::FieldProblem;
use churnwise_domain::{parse_date, Money};
use churnwise_store::Date;
use serde_json::Value;

/// Collects field errors while validating a body.
#[derive(Default)]
pub struct Checker {
    /// The problems found so far, in the order they were found.
    pub errors: Vec<FieldProblem>,
}

impl Checker {
    /// Keeps the value, or records its problem.
    pub fn keep<T>(&mut self, r: Result<T, FieldProblem>) -> Option<T> {
        r.map_err(|e| self.errors.push(e)).ok()
    }

    /// An optional date (`YYYY-MM-DD`; blank is none).
    pub fn date(&mut self, field: &str, text: Option<&str>) -> Option<Option<Date>> {
        match text.map(str::trim) {
            None | Some("") => Some(None),
            Some(t) => self.keep(
                parse_date(t)
                    .map(Some)
                    .map_err(|e| FieldProblem::new(field, e.to_string())),
            ),
        }
    }

    /// A required date.
    pub fn required_date(&mut self, field: &str, text: Option<&str>) -> Option<Date> {
        match self.date(field, text) {
            Some(Some(d)) => Some(d),
            Some(None) => {
                self.errors.push(FieldProblem::new(field, "is required"));
                None
            }
            None => None,
        }
    }

    /// A required amount (a JSON number or string, in units with up to two decimals).
    pub fn money(&mut self, field: &str, value: Option<&Value>) -> Option<Money> {
        let text = match value {
            None | Some(Value::Null) => {
                self.errors.push(FieldProblem::new(field, "is required"));
                return None;
            }
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                self.errors.push(FieldProblem::new(
                    field,
                    format!("{other} is not an amount"),
                ));
                return None;
            }
        };
        self.keep(Money::parse(&text).map_err(|e| FieldProblem::new(field, e.to_string())))
    }

    /// The value when every field was valid, else all the problems at once.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, AppError> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ => Err(self.errors.into()),
        }
    }
}
