//! The one place the command line turns the application's error into its
//! words: every refused field as `--flag: reason` (each command says which
//! flag sets which field), a close refused with what blocks it, anything
//! else as the error and its stable code.

use churnwise_app::AppError;
use churnwise_domain::departure::CaseErrorKind;
use churnwise_domain::{CaseError, FieldProblem};

/// How a command words its errors.
pub struct Words<'a> {
    /// The flag (or argument) that sets a field.
    pub flag_of: &'a dyn Fn(&str) -> String,
    /// What the command works on, for "no such … in this workspace".
    pub record: &'a str,
}

/// The usual words: [`flag`] for fields, "record" for what is absent.
pub const USUAL: Words<'static> = Words {
    flag_of: &flag,
    record: "record",
};

/// The usual flag of a field: `keep_in_touch_days` → `--keep-in-touch-days`,
/// `secondary_reasons[1]` → `--secondary-reasons`, `first.fruitful` →
/// `--first-fruitful`.
pub fn flag(field: &str) -> String {
    let base = field.split('[').next().unwrap_or(field);
    format!("--{}", base.replace(['_', '.'], "-"))
}

/// `error` in command-line words.
pub fn cli_error(error: AppError, words: &Words<'_>) -> anyhow::Error {
    let flag_of = words.flag_of;
    let lines = |problems: Vec<FieldProblem>| {
        let text = problems
            .into_iter()
            .map(|p| format!("{}: {}", flag_of(&p.field), p.message))
            .collect::<Vec<_>>()
            .join("\n");
        anyhow::anyhow!("{text}")
    };
    match error {
        AppError::Invalid(problems) => lines(problems),
        AppError::Conflict(problem) => lines(vec![problem]),
        AppError::StaleVersion(message) => anyhow::anyhow!("{message}"),
        AppError::NotFound => anyhow::anyhow!("no such {} in this workspace", words.record),
        AppError::Case(e @ CaseError::CannotClose { .. }) => {
            let blockers: Vec<String> = e
                .problems()
                .iter()
                .map(|p| format!("  {}: {}", p.field, p.message))
                .collect();
            anyhow::anyhow!(
                "cannot close the case ({}):\n{}\nmark items done or waive them with `case check ID done|waive N`, and waive invoices with `case check ID waive-invoice REF --reason …`",
                e.code(),
                blockers.join("\n")
            )
        }
        AppError::Case(e)
            if e.kind() == CaseErrorKind::Invalid
                || matches!(e, CaseError::OutcomeMismatch { .. }) =>
        {
            lines(e.problems())
        }
        AppError::Case(e) => anyhow::anyhow!("{e} ({})", e.code()),
        // The file's own words, once (its source would repeat them).
        AppError::File(e) => anyhow::anyhow!("{e}"),
        other => anyhow::Error::new(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refused_field_becomes_a_flag_line() {
        let e = AppError::Invalid(vec![
            FieldProblem::new("name", "is required"),
            FieldProblem::new("keep_in_touch_days", "must be 1 or more"),
        ]);
        assert_eq!(
            cli_error(e, &USUAL).to_string(),
            "--name: is required\n--keep-in-touch-days: must be 1 or more"
        );
    }

    #[test]
    fn a_command_names_its_own_flags() {
        let e = AppError::field("label_en", "is required");
        let named = |f: &str| {
            if f == "label_en" {
                "--en".into()
            } else {
                flag(f)
            }
        };
        let words = Words {
            flag_of: &named,
            record: "reason",
        };
        assert_eq!(cli_error(e, &words).to_string(), "--en: is required");
    }
}
