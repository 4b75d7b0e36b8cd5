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
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use axum_extra::extract::cookie::{Cookie, SameSite};
use churnwise_app::cases::{self, CaseContext};
use churnwise_app::AppError;
use churnwise_store::CaseId;
use std::collections::BTreeMap;

/// The cookie that carries a just-made survey link to the case page.
pub(super) const SURVEY_LINK_COOKIE: &str = "churnwise_survey_link";
/// How long the case page keeps showing a just-made survey link.
const SURVEY_LINK_COOKIE_MINUTES: i64 = 15;

/// The public address of a survey link, from the request's host.
pub(super) fn survey_url(state: &AppState, headers: &HeaderMap, token: &str) -> String {
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
            let cx = CaseContext::for_user(state.store.as_ref(), auth.ws(), &auth.actor().display)?;
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
            // Post/Redirect/Get: the new link rides in a short-lived cookie
            // for this case's page only, so a reload shows the same link and
            // makes no new one (the store keeps only its hash).
            Some(token) => {
                let mut response = see_other(&format!("/cases/{id}?done=survey#feedback"));
                let cookie = Cookie::build((SURVEY_LINK_COOKIE, token.expose().to_string()))
                    .http_only(true)
                    .same_site(SameSite::Strict)
                    .secure(state.secure_cookies)
                    .path(format!("/cases/{id}"))
                    .max_age(cookie::time::Duration::minutes(SURVEY_LINK_COOKIE_MINUTES))
                    .build();
                if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
                Ok(response)
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
