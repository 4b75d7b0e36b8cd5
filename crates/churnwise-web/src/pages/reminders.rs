//! Payment reminders in the browser (issue 15): Settings → Payment
//! reminders (the sequence, owners and managers), and the client page's
//! forms (billing contact, pause, language, a promise to pay), through
//! `churnwise_app::payment_reminders` like the API and the CLI.

use super::{render, see_other, Chrome, CsrfForm, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use churnwise_app::payment_reminders::{self, BillingChange};
use churnwise_app::AppError;
use churnwise_domain::payment_reminders::{ReminderSettings, ReminderStep, Texts, Tone};
use churnwise_domain::{FieldProblem, Lang};
use churnwise_store::{ClientId, ContactId, InvoiceId};
use minijinja::context;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The notices the client page shows after a reminder form.
pub const NOTICES: [&str; 2] = ["reminders-saved", "promise-saved"];

/// The query of the settings page.
#[derive(Debug, Default, Deserialize)]
pub struct RemindersQuery {
    /// Set after a save.
    #[serde(default)]
    pub done: String,
}

/// One step as the form shows it (text as typed).
#[derive(Debug, Clone, Default, Serialize)]
struct StepRow {
    days: String,
    tone: String,
    subject_en: String,
    subject_es: String,
    body_en: String,
    body_es: String,
}

fn rows_of(settings: &ReminderSettings) -> Vec<StepRow> {
    settings
        .steps
        .iter()
        .map(|s| StepRow {
            days: s.days_after_due.to_string(),
            tone: s.tone.as_str().to_string(),
            subject_en: s.subject.en.clone(),
            subject_es: s.subject.es.clone(),
            body_en: s.body.en.clone(),
            body_es: s.body.es.clone(),
        })
        .collect()
}

/// The Fluent key of the message shown next to a refused field.
fn error_key(field: &str) -> &'static str {
    if field.ends_with("days_after_due") {
        "reminders-error-days"
    } else if field.contains(".subject.") {
        "reminders-error-subject"
    } else if field.contains(".body.") {
        "reminders-error-body"
    } else if field == "version" {
        "reminders-error-stale"
    } else {
        "reminders-error-steps"
    }
}

#[expect(clippy::too_many_arguments, reason = "the page's whole state, named")]
async fn page(
    state: &AppState,
    auth: &PageAuth,
    enabled: bool,
    lang: Lang,
    rows: Vec<StepRow>,
    version: i64,
    errors: Vec<FieldProblem>,
    done: bool,
) -> Result<Response, PageError> {
    let mut rows = rows;
    // One empty row to add a step (up to the most steps allowed).
    if rows.len() < churnwise_domain::payment_reminders::MAX_STEPS {
        rows.push(StepRow {
            tone: "firm".into(),
            ..StepRow::default()
        });
    }
    let errors: BTreeMap<String, (&'static str, String)> = errors
        .into_iter()
        .map(|p| {
            let key = error_key(&p.field);
            (p.field, (key, p.message))
        })
        .collect();
    let chrome = Chrome::of(auth, state, "settings").await?;
    render(
        &chrome,
        "reminders_settings.html",
        context! {
            enabled,
            reminder_lang => lang.pick("en", "es"),
            rows,
            version,
            errors,
            done,
            tones => ["friendly", "firm", "final"],
        },
    )
}

/// `GET /settings/reminders`: the sequence.
pub async fn show(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(query): Query<RemindersQuery>,
) -> Result<Response, PageError> {
    let current = payment_reminders::settings(state.store.as_ref(), auth.ws()).await?;
    let rows = rows_of(&current.value);
    page(
        &state,
        &auth,
        current.value.enabled,
        current.value.lang,
        rows,
        current.version,
        vec![],
        query.done == "saved",
    )
    .await
}

fn tone_of(text: &str) -> Option<Tone> {
    match text {
        "friendly" => Some(Tone::Friendly),
        "firm" => Some(Tone::Firm),
        "final" => Some(Tone::Final),
        _ => None,
    }
}

/// `POST /settings/reminders`: saves the sequence; a step row whose days
/// and texts are all empty is left out; every refused value is shown next
/// to its field.
pub async fn save(
    State(state): State<AppState>,
    CsrfForm(auth, form): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let get = |k: String| {
        form.get(&k)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let enabled = form.contains_key("enabled");
    let lang = if get("lang".into()) == "es" {
        Lang::Es
    } else {
        Lang::En
    };
    let version: i64 = get("version".into()).parse().unwrap_or(-1);
    let mut rows = Vec::new();
    for i in 0..churnwise_domain::payment_reminders::MAX_STEPS + 1 {
        let row = StepRow {
            days: get(format!("days_{i}")),
            tone: get(format!("tone_{i}")),
            subject_en: get(format!("subject_en_{i}")),
            subject_es: get(format!("subject_es_{i}")),
            body_en: form
                .get(&format!("body_en_{i}"))
                .cloned()
                .unwrap_or_default(),
            body_es: form
                .get(&format!("body_es_{i}"))
                .cloned()
                .unwrap_or_default(),
        };
        let empty = row.days.is_empty()
            && row.subject_en.is_empty()
            && row.subject_es.is_empty()
            && row.body_en.trim().is_empty()
            && row.body_es.trim().is_empty();
        if !empty {
            rows.push(row);
        }
    }
    let mut problems = Vec::new();
    let steps: Vec<ReminderStep> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let days = r.days.parse::<u32>().unwrap_or_else(|_| {
                problems.push(FieldProblem::new(
                    format!("steps[{i}].days_after_due"),
                    format!("{:?} is not a number of days", r.days),
                ));
                0
            });
            ReminderStep {
                days_after_due: days,
                tone: tone_of(&r.tone).unwrap_or(Tone::Firm),
                subject: Texts {
                    en: r.subject_en.clone(),
                    es: r.subject_es.clone(),
                },
                body: Texts {
                    en: r.body_en.replace("\r\n", "\n"),
                    es: r.body_es.replace("\r\n", "\n"),
                },
            }
        })
        .collect();
    let settings = ReminderSettings {
        enabled,
        lang,
        steps,
    };
    let result = if problems.is_empty() {
        payment_reminders::save_settings(
            state.store.as_ref(),
            auth.ws(),
            &auth.actor(),
            settings,
            version,
        )
        .await
    } else {
        Err(AppError::Invalid(problems))
    };
    match result {
        Ok(_) => Ok(see_other("/settings/reminders?done=saved")),
        Err(AppError::Invalid(problems)) => {
            let drawn = page(&state, &auth, enabled, lang, rows, version, problems, false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, drawn).into_response())
        }
        Err(AppError::StaleVersion(_)) => {
            let drawn = page(
                &state,
                &auth,
                enabled,
                lang,
                rows,
                version,
                vec![FieldProblem::new(
                    "version",
                    "someone saved the settings since",
                )],
                false,
            )
            .await?;
            Ok((StatusCode::CONFLICT, drawn).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The client page's billing form: the billing contact (empty: the
/// primary contact), the pause, the language (empty: the workspace's).
#[derive(Debug, Deserialize)]
pub struct BillingForm {
    /// The contact's id, or empty.
    #[serde(default)]
    pub billing_contact: String,
    /// Present when paused.
    #[serde(default)]
    pub paused: Option<String>,
    /// `en`, `es` or empty.
    #[serde(default)]
    pub lang: String,
}

/// `POST /clients/{id}/reminders`: saves the client's billing preferences.
pub async fn save_billing(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<BillingForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let contact = match form.billing_contact.trim() {
        "" => None,
        text => Some(ContactId(text.parse().map_err(|_| PageError::BadRequest)?)),
    };
    let lang = match form.lang.trim() {
        "" => None,
        code => Some(crate::i18n::parse_code(code).ok_or(PageError::BadRequest)?),
    };
    payment_reminders::change_billing(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        BillingChange {
            billing_contact: Some(contact),
            reminders_paused: Some(form.paused.is_some()),
            lang: Some(lang),
        },
        &auth.actor(),
    )
    .await?;
    Ok(see_other(&format!(
        "/clients/{id}?done=reminders-saved#reminders"
    )))
}

/// The promise form of one invoice.
#[derive(Debug, Deserialize)]
pub struct PromiseForm {
    /// The promised day (empty removes the promise).
    #[serde(default)]
    pub promised_on: String,
}

/// `POST /clients/{id}/invoices/{invoice}/promise`: records or removes a
/// promise to pay; a refused day is shown with the reason.
pub async fn save_promise(
    State(state): State<AppState>,
    Path((id, invoice)): Path<(i64, i64)>,
    CsrfForm(auth, form): CsrfForm<PromiseForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    match payment_reminders::set_promise(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        InvoiceId(invoice),
        Some(form.promised_on.as_str()),
        chrono::Utc::now().date_naive(),
        &auth.actor(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/clients/{id}?done=promise-saved#reminders"
        ))),
        Err(AppError::Invalid(problems)) => {
            let chrome = Chrome::of(&auth, &state, "clients").await?;
            let reason = problems
                .first()
                .map(|p| p.message.clone())
                .unwrap_or_default();
            let drawn = render(
                &chrome,
                "reminders_refused.html",
                context! {
                    client_id => id,
                    value => form.promised_on,
                    reason,
                },
            )?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, drawn).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
