//! The public exit-survey page, `GET|POST /s/{token}`: no login (the random
//! token in the link is the only key, stored as a hash), answerable once,
//! until it expires. One phone-friendly template (`templates/survey.html`),
//! its words in the Fluent files, in English or Spanish by the `lang` cookie
//! or `Accept-Language`. Answers attach to the case
//! and its history with the client as actor. The routes are rate-limited per
//! address (see `rate_limit.rs`), and the page is sent with `Referrer-Policy:
//! no-referrer` so the token never leaks to another site.

use crate::error::ApiError;
use crate::i18n;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use churnwise_app::cases::{self, SurveyRefusal};
use churnwise_domain::survey::{ExitSurvey, SurveyAnswerInput};
use churnwise_domain::Lang;
use serde::Serialize;

/// What the visitor typed, to show the form again after a mistake.
#[derive(Debug, Default, Serialize)]
struct FormValues {
    score: String,
    could_do_better: String,
    would_recommend: String,
    may_contact_later: bool,
    testimonial: String,
    testimonial_consent: bool,
}

impl FormValues {
    fn parse(body: &[u8]) -> Self {
        let mut form = FormValues::default();
        for (key, value) in form_urlencoded::parse(body) {
            let value = value.into_owned();
            match key.as_ref() {
                "score" => form.score = value,
                "could_do_better" => form.could_do_better = value,
                "would_recommend" => form.would_recommend = value,
                "may_contact_later" => form.may_contact_later = !value.is_empty(),
                "testimonial" => form.testimonial = value,
                "testimonial_consent" => form.testimonial_consent = !value.is_empty(),
                _ => {}
            }
        }
        form
    }

    /// The answer as the domain takes it; a score that is not a number is
    /// reported like a missing one.
    fn answer(&self) -> Result<SurveyAnswerInput, &'static str> {
        let score = match self.score.trim() {
            "" => None,
            s => Some(s.parse::<u8>().map_err(|_| "score")?),
        };
        let text = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        Ok(SurveyAnswerInput {
            score,
            could_do_better: text(&self.could_do_better),
            would_recommend: match self.would_recommend.as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            may_contact_later: self.may_contact_later,
            testimonial: text(&self.testimonial),
            testimonial_consent: self.testimonial_consent,
        })
    }
}

/// A public page's answer (the survey, the cancel page): HTML, never cached,
/// never indexed, with the page's referrer policy.
pub(crate) fn public_html(
    status: StatusCode,
    body: String,
    referrer_policy: &'static str,
) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static(referrer_policy),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // The Content-Security-Policy is the pages' own (`security::headers`).
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    response
}

fn render(status: StatusCode, context: minijinja::Value) -> Result<Response, ApiError> {
    let body = crate::pages::render_template("survey.html", context)
        .map_err(|e| anyhow::anyhow!("rendering the survey page: {e}"))?;
    Ok(public_html(status, body, "no-referrer"))
}

/// A page that only says something: a heading and a message, by Fluent key.
fn message_page(
    status: StatusCode,
    lang: Lang,
    heading: &str,
    message: &str,
) -> Result<Response, ApiError> {
    render(
        status,
        minijinja::context! {
            lang => i18n::code(lang),
            state => "message",
            heading => heading,
            message => message,
        },
    )
}

fn refusal_page(lang: Lang, refusal: &SurveyRefusal) -> Result<Response, ApiError> {
    match refusal {
        SurveyRefusal::Unknown | SurveyRefusal::Invalid(_) => message_page(
            StatusCode::NOT_FOUND,
            lang,
            "survey-unknown-title",
            "survey-unknown",
        ),
        SurveyRefusal::Expired => message_page(
            StatusCode::GONE,
            lang,
            "survey-expired-title",
            "survey-expired",
        ),
        SurveyRefusal::Answered => message_page(
            StatusCode::CONFLICT,
            lang,
            "survey-answered-title",
            "survey-answered",
        ),
    }
}

fn form_page(
    status: StatusCode,
    lang: Lang,
    business: Option<String>,
    token: &str,
    survey: &ExitSurvey,
    form: &FormValues,
    errors: Vec<&str>,
) -> Result<Response, ApiError> {
    let (low, high) = survey.scale().bounds();
    let scores: Vec<u8> = (low..=high).collect();
    render(
        status,
        minijinja::context! {
            lang => i18n::code(lang),
            state => "form",
            business => business,
            token => token,
            scores => scores,
            testimonial => survey.testimonial_requested(),
            form => form,
            errors => errors,
        },
    )
}

/// The Fluent key of the message for a refused answer field.
fn field_message(field: &str) -> &'static str {
    match field {
        "score" => "survey-error-score",
        "testimonial_consent" => "survey-error-consent",
        "testimonial" => "survey-error-testimonial",
        "could_do_better" => "survey-error-too-long",
        _ => "survey-error-other",
    }
}

/// Shows the exit survey form of a link (or why it cannot be answered).
pub async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = i18n::negotiate(&headers);
    let found = cases::survey_case(state.store.as_ref(), &token).await?;
    let Some((ws, survey)) = found
        .as_ref()
        .and_then(|(ws, c)| c.case.survey().map(|s| (*ws, s)))
    else {
        return refusal_page(lang, &SurveyRefusal::Unknown);
    };
    if let Err(e) = survey.ensure_answerable(chrono::Utc::now()) {
        let refusal = match e {
            churnwise_domain::CaseError::SurveyAlreadyAnswered => SurveyRefusal::Answered,
            _ => SurveyRefusal::Expired,
        };
        return refusal_page(lang, &refusal);
    }
    let business = cases::survey_business(state.store.as_ref(), ws).await?;
    form_page(
        StatusCode::OK,
        lang,
        business,
        &token,
        survey,
        &FormValues::default(),
        Vec::new(),
    )
}

/// Records the answer of the form (once, before expiry), with the client as actor.
pub async fn answer(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = i18n::negotiate(&headers);
    let form = FormValues::parse(&body);
    let store = state.store.as_ref();
    let result = match form.answer() {
        Ok(input) => cases::answer_survey(store, &token, input, chrono::Utc::now()).await?,
        Err(field) => Err(SurveyRefusal::Invalid(churnwise_domain::CaseError::from(
            churnwise_domain::FieldProblem::invalid(field, "must be a number"),
        ))),
    };
    match result {
        Ok(_) => message_page(StatusCode::OK, lang, "survey-thanks-title", "survey-thanks"),
        Err(SurveyRefusal::Invalid(e)) => {
            let Some((ws, stored)) = cases::survey_case(store, &token).await? else {
                return refusal_page(lang, &SurveyRefusal::Unknown);
            };
            let Some(survey) = stored.case.survey() else {
                return refusal_page(lang, &SurveyRefusal::Unknown);
            };
            let mut errors: Vec<&str> = e
                .problems()
                .iter()
                .map(|p| field_message(&p.field))
                .collect();
            errors.dedup();
            if errors.is_empty() {
                errors.push("survey-error-other");
            }
            let business = cases::survey_business(store, ws).await?;
            form_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                lang,
                business,
                &token,
                survey,
                &form,
                errors,
            )
        }
        Err(refusal) => refusal_page(lang, &refusal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_reads_checkboxes_and_yes_no_answers() {
        let form = FormValues::parse(
            b"score=8&would_recommend=no&may_contact_later=yes&could_do_better=faster+replies",
        );
        let answer = form.answer().unwrap();
        assert_eq!(answer.score, Some(8));
        assert_eq!(answer.would_recommend, Some(false));
        assert!(answer.may_contact_later);
        assert!(!answer.testimonial_consent);
        assert_eq!(answer.could_do_better.as_deref(), Some("faster replies"));
        assert!(FormValues::parse(b"score=ten").answer().is_err());
    }

    #[test]
    fn every_message_the_page_names_exists_in_both_languages() {
        let keys = [
            "survey-unknown-title",
            "survey-unknown",
            "survey-expired-title",
            "survey-expired",
            "survey-answered-title",
            "survey-answered",
            "survey-thanks-title",
            "survey-thanks",
        ]
        .into_iter()
        .chain(
            [
                "score",
                "testimonial_consent",
                "testimonial",
                "could_do_better",
                "x",
            ]
            .map(field_message),
        );
        for key in keys {
            for lang in i18n::LANGS {
                assert!(i18n::has_message(lang, key), "{key} ({lang:?})");
            }
        }
    }
}
