//! `POST /cases/{id}/{step}`: runs one step of a case from its form, and
//! draws the page again next to the step when it is refused.

use super::explain::explain;
use super::forms::{Form, Posted};
use super::say;
use super::show::{case_page, load, Extras, Refusal};
use crate::pages::forms::FieldProblems;
use crate::pages::{see_other, CsrfForm, PageError};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::Response;
use churnwise_app::cases::{self, CaseContext};
use churnwise_app::AppError;
use churnwise_store::CaseId;
use std::collections::BTreeMap;

/// The public address of a survey link, from the request's host.
fn survey_url(state: &AppState, headers: &HeaderMap, token: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        });
    let https = state.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    match host {
        Some(host) => format!(
            "{}://{host}/s/{token}",
            if https { "https" } else { "http" }
        ),
        None => format!("/s/{token}"),
    }
}

/// `POST /cases/{id}/{step}`: runs one step of the case from its form.
pub async fn step(
    State(state): State<AppState>,
    Path((id, slug)): Path<(i64, String)>,
    headers: HeaderMap,
    CsrfForm(auth, pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = Form::of(&slug).ok_or(PageError::NotFound)?;
    auth.require_write()?;
    let posted = Posted(pairs);
    let version = posted
        .get("version")
        .trim()
        .parse::<i64>()
        .map_err(|_| PageError::BadRequest)?;
    let item = posted.get("item").trim().parse::<u32>().ok();
    let refusal = |errors: FieldProblems, messages: Vec<String>, stale: bool| Refusal {
        step: form.slug(),
        section: form.section(),
        item,
        errors,
        messages,
        stale,
        typed: posted.typed(),
        typed_lists: BTreeMap::from([(
            "secondary_reasons".to_string(),
            posted.all("secondary_reasons"),
        )]),
    };
    let outcome = match form.step(&posted, auth.lang) {
        Err(errors) => Err(refusal(errors, Vec::new(), false)),
        Ok(step) => {
            let cx =
                CaseContext::for_user(state.store.as_ref(), auth.ws(), &auth.access.user.email)?;
            match cases::apply(&cx, CaseId(id), Some(version), step).await {
                Ok(applied) => Ok(applied),
                Err(AppError::StaleVersion(_)) => Err(refusal(
                    FieldProblems::new(),
                    vec![say(auth.lang, "case-stale", &[])],
                    true,
                )),
                Err(AppError::Case(e)) => {
                    let (errors, messages) = explain(&e, auth.lang);
                    Err(refusal(errors, messages, false))
                }
                Err(other) => return Err(other.into()),
            }
        }
    };
    match outcome {
        Ok(applied) => match applied.survey_token {
            // The link is shown once: draw the page now rather than redirect.
            Some(token) => {
                let link = survey_url(&state, &headers, token.expose());
                let extras = Extras {
                    saved: true,
                    survey_link: Some(link),
                    ..Extras::default()
                };
                case_page(&state, &auth, applied.case, extras).await
            }
            None => Ok(see_other(&format!(
                "/cases/{id}?done={}#{}",
                form.slug(),
                form.section()
            ))),
        },
        Err(refusal) => {
            let stored = load(&state, &auth, id).await?;
            let extras = Extras {
                refusal: Some(refusal),
                ..Extras::default()
            };
            case_page(&state, &auth, stored, extras).await
        }
    }
}
