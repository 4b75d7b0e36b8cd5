//! Reading the flags of `churnwise case` (dates, yes/no, choices, amounts,
//! languages) and naming the flag concerned when the app refuses a value.

use crate::errors::Words;
use churnwise_app::AppError;
use churnwise_domain::{parse_date, Lang, Money};
use serde::de::DeserializeOwned;

/// Domain and storage field names that a flag of another name sets.
const FLAG_NAMES: &[(&str, &str)] = &[
    ("first_evaluation.fruitful", "--fruitful"),
    ("first_evaluation.history_of_stumbles", "--stumbles"),
    (
        "first_evaluation.our_commitments_met",
        "--our-commitments-met",
    ),
    (
        "first_evaluation.client_commitments_met",
        "--client-commitments-met",
    ),
    ("first_evaluation.note", "--evaluation-note"),
    ("clients_words", "--words"),
    ("primary_reason", "--primary"),
    ("secondary_reasons", "--secondary"),
    ("departments", "--department"),
    ("processes", "--process"),
    ("roles", "--role"),
    ("due_on", "--due"),
    ("waiver_reason", "--reason"),
    ("handed_over_on", "--on"),
    ("won_back_on", "--on"),
    ("expires_in_days", "--expires-in-days"),
    ("actor", "--as"),
];

/// The flag that sets a domain field (`secondary_reasons[1]` → `--secondary`).
fn flag_for(field: &str) -> String {
    let base = field.split('[').next().unwrap_or(field);
    FLAG_NAMES.iter().find(|(f, _)| *f == base).map_or_else(
        || crate::errors::flag(base),
        |(_, flag)| (*flag).to_string(),
    )
}

/// An error of the app in this command's words.
pub(super) fn cli_error(e: AppError) -> anyhow::Error {
    crate::errors::cli_error(
        e,
        &Words {
            flag_of: &flag_for,
            record: "case",
        },
    )
}

/// An optional date flag (YYYY-MM-DD).
pub(super) fn date(flag: &str, text: Option<&str>) -> anyhow::Result<Option<chrono::NaiveDate>> {
    text.map(|t| parse_date(t).map_err(|e| anyhow::anyhow!("{flag}: {e}")))
        .transpose()
}

/// A yes/no flag.
pub(super) fn yes_no(flag: &str, text: &str) -> anyhow::Result<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "si" | "sí" => Ok(true),
        "no" | "n" | "false" => Ok(false),
        other => anyhow::bail!("{flag}: {other:?} is not yes or no"),
    }
}

/// A snake_case choice (dashes accepted) parsed like the API parses it.
pub(super) fn choice<T: DeserializeOwned>(
    flag: &str,
    text: &str,
    allowed: &[&str],
) -> anyhow::Result<T> {
    let value = text.trim().to_ascii_lowercase().replace('-', "_");
    serde_json::from_value(serde_json::Value::String(value))
        .map_err(|_| anyhow::anyhow!("{flag}: {text:?} is not one of {}", allowed.join(", ")))
}

/// An optional amount flag.
pub(super) fn money(flag: &str, text: Option<&str>) -> anyhow::Result<Option<Money>> {
    text.map(|t| Money::parse(t).map_err(|e| anyhow::anyhow!("{flag}: {e}")))
        .transpose()
}

/// The `--lang` flag: en or es.
pub(super) fn lang(text: &str) -> anyhow::Result<Lang> {
    choice("--lang", text, &["en", "es"])
}
