//! The public exit-survey page, `GET|POST /s/{token}`: no login (the random
//! token in the link is the only key, stored as a hash), answerable once,
//! until it expires. One phone-friendly template (`templates/survey.html`),
//! in English or Spanish by `Accept-Language`. Answers attach to the case
//! and its history with the client as actor. The routes are rate-limited per
//! address (see `rate_limit.rs`), and the page is sent with `Referrer-Policy:
//! no-referrer` so the token never leaks to another site.

use crate::cases::{self, SurveyRefusal};
use crate::error::ApiError;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use churnwise_domain::survey::{ExitSurvey, SurveyAnswerInput};
use churnwise_domain::Lang;
use serde::Serialize;
use std::sync::OnceLock;

const TEMPLATE: &str = include_str!("../templates/survey.html");

fn environment() -> &'static minijinja::Environment<'static> {
    static ENV: OnceLock<minijinja::Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = minijinja::Environment::new();
        env.add_template("survey.html", TEMPLATE)
            .expect("the survey template parses");
        env
    })
}

/// The page's texts in one language.
#[derive(Serialize)]
struct Texts {
    title: &'static str,
    intro: &'static str,
    fix: &'static str,
    score: &'static str,
    low: &'static str,
    high: &'static str,
    better: &'static str,
    recommend: &'static str,
    yes: &'static str,
    no: &'static str,
    contact: &'static str,
    testimonial: &'static str,
    testimonial_note: &'static str,
    consent: &'static str,
    send: &'static str,
}

fn texts(lang: Lang) -> Texts {
    match lang {
        Lang::En => Texts {
            title: "How did we do?",
            intro: "Thank you for working with us. A few questions, two minutes at most: your answers help us improve.",
            fix: "Please check these answers:",
            score: "How satisfied were you with our work overall?",
            low: "Not at all",
            high: "Completely",
            better: "What could we have done better?",
            recommend: "Would you recommend us?",
            yes: "Yes",
            no: "No",
            contact: "You may contact me later",
            testimonial: "Would you write a few words about working with us?",
            testimonial_note: "Optional. We publish it only if you tick the box below.",
            consent: "I agree that you publish this testimonial",
            send: "Send",
        },
        Lang::Es => Texts {
            title: "¿Qué tal lo hicimos?",
            intro: "Gracias por trabajar con nosotros. Unas preguntas, dos minutos como mucho: sus respuestas nos ayudan a mejorar.",
            fix: "Revise estas respuestas:",
            score: "En general, ¿cuán satisfecho quedó con nuestro trabajo?",
            low: "Nada",
            high: "Totalmente",
            better: "¿Qué podríamos haber hecho mejor?",
            recommend: "¿Nos recomendaría?",
            yes: "Sí",
            no: "No",
            contact: "Pueden contactarme más adelante",
            testimonial: "¿Escribiría unas palabras sobre su experiencia con nosotros?",
            testimonial_note: "Opcional. Solo lo publicamos si marca la casilla de abajo.",
            consent: "Acepto que publiquen este testimonio",
            send: "Enviar",
        },
    }
}

/// The language the visitor prefers among English and Spanish (English by default).
pub fn preferred_lang(headers: &HeaderMap) -> Lang {
    let Some(value) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Lang::En;
    };
    let mut best = (Lang::En, 0.0_f32);
    for part in value.split(',') {
        let mut pieces = part.trim().split(';');
        let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = pieces
            .find_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
            })
            .unwrap_or(1.0);
        let lang = match tag.split('-').next() {
            Some("es") => Lang::Es,
            Some("en") => Lang::En,
            _ => continue,
        };
        if q > best.1 {
            best = (lang, q);
        }
    }
    best.0
}

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

fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    response
}

fn render(status: StatusCode, context: minijinja::Value) -> Result<Response, ApiError> {
    let body = environment()
        .get_template("survey.html")
        .and_then(|t| t.render(context))
        .map_err(|e| anyhow::anyhow!("rendering the survey page: {e}"))?;
    Ok(html(status, body))
}

fn message_page(lang: Lang, refusal: &SurveyRefusal) -> Result<Response, ApiError> {
    let (status, heading, message) = match refusal {
        SurveyRefusal::Unknown | SurveyRefusal::Invalid(_) => (
            StatusCode::NOT_FOUND,
            lang.pick("Link not found", "Enlace no encontrado"),
            lang.pick(
                "This survey link does not exist or was replaced by a newer one. Please use the latest link you received.",
                "Este enlace de encuesta no existe o fue reemplazado por uno más reciente. Use el último enlace que recibió.",
            ),
        ),
        SurveyRefusal::Expired => (
            StatusCode::GONE,
            lang.pick("This link has expired", "Este enlace ha caducado"),
            lang.pick(
                "The survey can no longer be answered through this link. If you still want to tell us something, just reply to our email.",
                "La encuesta ya no puede responderse con este enlace. Si aún quiere decirnos algo, responda a nuestro correo.",
            ),
        ),
        SurveyRefusal::Answered => (
            StatusCode::CONFLICT,
            lang.pick("Already answered", "Ya respondida"),
            lang.pick(
                "This survey was already answered. Thank you!",
                "Esta encuesta ya fue respondida. ¡Gracias!",
            ),
        ),
    };
    render(
        status,
        minijinja::context! { lang => lang, state => "message", t => texts(lang), heading => heading, message => message },
    )
}

fn form_page(
    status: StatusCode,
    lang: Lang,
    token: &str,
    survey: &ExitSurvey,
    form: &FormValues,
    errors: Vec<String>,
) -> Result<Response, ApiError> {
    let (low, high) = survey.scale().bounds();
    let scores: Vec<u8> = (low..=high).collect();
    render(
        status,
        minijinja::context! {
            lang => lang,
            state => "form",
            t => texts(lang),
            token => token,
            scores => scores,
            testimonial => survey.testimonial_requested(),
            form => form,
            errors => errors,
        },
    )
}

fn field_message(lang: Lang, field: &str, message: &str) -> String {
    let name = match field {
        "score" => lang.pick("Score", "Puntuación"),
        "could_do_better" => lang.pick(
            "What we could have done better",
            "Qué podríamos haber hecho mejor",
        ),
        "testimonial" => lang.pick("Testimonial", "Testimonio"),
        "testimonial_consent" => lang.pick("Consent to publish", "Permiso para publicar"),
        other => other,
    };
    format!("{name}: {message}")
}

/// Shows the exit survey form of a link (or why it cannot be answered).
pub async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = preferred_lang(&headers);
    let found = cases::survey_case(state.store.as_ref(), &token).await?;
    let Some(survey) = found.as_ref().and_then(|(_, c)| c.case.survey()) else {
        return message_page(lang, &SurveyRefusal::Unknown);
    };
    if let Err(e) = survey.ensure_answerable(chrono::Utc::now()) {
        let refusal = match e {
            churnwise_domain::CaseError::SurveyAlreadyAnswered => SurveyRefusal::Answered,
            _ => SurveyRefusal::Expired,
        };
        return message_page(lang, &refusal);
    }
    form_page(
        StatusCode::OK,
        lang,
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
    let lang = preferred_lang(&headers);
    let form = FormValues::parse(&body);
    let store = state.store.as_ref();
    let refused = |field: &str, message: &str| vec![field_message(lang, field, message)];
    let result = match form.answer() {
        Ok(input) => cases::answer_survey(store, &token, input, chrono::Utc::now()).await?,
        Err(field) => Err(SurveyRefusal::Invalid(churnwise_domain::CaseError::from(
            churnwise_domain::FieldProblem::invalid(field, "must be a number"),
        ))),
    };
    match result {
        Ok(_) => render(
            StatusCode::OK,
            minijinja::context! {
                lang => lang,
                state => "message",
                t => texts(lang),
                heading => lang.pick("Thank you!", "¡Gracias!"),
                message => lang.pick(
                    "Your answers were recorded. We read every one of them.",
                    "Sus respuestas quedaron registradas. Las leemos todas.",
                ),
            },
        ),
        Err(SurveyRefusal::Invalid(e)) => {
            let Some((_, stored)) = cases::survey_case(store, &token).await? else {
                return message_page(lang, &SurveyRefusal::Unknown);
            };
            let Some(survey) = stored.case.survey() else {
                return message_page(lang, &SurveyRefusal::Unknown);
            };
            let mut errors: Vec<String> = e
                .problems()
                .iter()
                .map(|p| field_message(lang, &p.field, &p.message))
                .collect();
            if errors.is_empty() {
                errors = refused("", &e.to_string());
            }
            form_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                lang,
                &token,
                survey,
                &form,
                errors,
            )
        }
        Err(refusal) => message_page(lang, &refusal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_str(value).unwrap(),
        );
        h
    }

    #[test]
    fn spanish_is_chosen_when_the_browser_prefers_it() {
        assert_eq!(
            preferred_lang(&with_accept("es-ES,es;q=0.9,en;q=0.8")),
            Lang::Es
        );
        assert_eq!(
            preferred_lang(&with_accept("en-GB,en;q=0.9,es;q=0.5")),
            Lang::En
        );
        assert_eq!(preferred_lang(&with_accept("fr-FR,fr;q=0.9")), Lang::En);
        assert_eq!(preferred_lang(&HeaderMap::new()), Lang::En);
    }

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
}
