//! The save of a settings page whose form carries the version of the
//! workspace settings it was drawn from (Settings → Contact frequency,
//! Ideal client and Client updates): read the version, save what the page
//! read at that version, then go back to the page, or draw the form again
//! with each problem next to its field.

use super::forms::FieldProblems;
use super::{see_other, PageError};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use churnwise_app::{AppError, AppResult};
use churnwise_domain::FieldProblem;
use std::future::Future;

/// How a settings page shows what the app refused.
pub(crate) struct Refusals {
    /// The form field, and the message key shown next to it, of a field
    /// the app refused.
    pub field: fn(&FieldProblem) -> (&'static str, &'static str),
    /// The message key shown next to `version` when someone saved the
    /// settings since the form was drawn.
    pub stale: &'static str,
}

/// Saves a settings form: its `version` must be a number (else a bad
/// request, the field is hidden); what the page read (`parsed`) is saved by
/// `save` at that version and the browser goes to `saved_to`. What the page
/// could not read, or the app refused (each field as `refusals` names it,
/// a stale version next to `version`), is drawn again by `redraw` and
/// answered 422.
pub(crate) async fn save_versioned<T, V, S, R>(
    version: &str,
    parsed: Result<T, FieldProblems>,
    save: impl FnOnce(T, i64) -> S,
    refusals: Refusals,
    saved_to: &str,
    redraw: impl FnOnce(FieldProblems) -> R,
) -> Result<Response, PageError>
where
    S: Future<Output = AppResult<V>>,
    R: Future<Output = Result<Response, PageError>>,
{
    let version: i64 = version.trim().parse().map_err(|_| PageError::BadRequest)?;
    let errors = match parsed {
        Err(errors) => errors,
        Ok(value) => match save(value, version).await {
            Ok(_) => return Ok(see_other(saved_to)),
            Err(AppError::Invalid(problems)) => problems
                .iter()
                .map(|p| {
                    let (field, key) = (refusals.field)(p);
                    (field.to_string(), key)
                })
                .collect(),
            Err(AppError::StaleVersion(_)) => [("version".to_string(), refusals.stale)]
                .into_iter()
                .collect(),
            Err(e) => return Err(e.into()),
        },
    };
    let page = redraw(errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
