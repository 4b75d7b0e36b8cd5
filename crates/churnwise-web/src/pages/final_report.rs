//! The final report's page (issue 16): `GET /clients/{id}/final-report`
//! (printable, in the client's language or `?lang=`), and its two
//! deliveries, `POST …/download` (the report as an HTML file) and
//! `POST …/send` (by email to the client's contacts), each of which ticks
//! the `final_report` item of the case (`case=`, else the client's open
//! case) through `churnwise_app::final_report`.

use crate::pages::{render, render_template, see_other, Chrome, CsrfForm, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use churnwise_app::cases::CaseContext;
use churnwise_app::final_report::{self, FinalReport};
use churnwise_app::AppError;
use churnwise_store::{CaseId, ClientId};
use minijinja::context;
use serde::Deserialize;

/// The query of the report page.
#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    /// `en` or `es` (default: the client's language, else the reader's).
    pub lang: Option<String>,
    /// The case the report was opened from.
    pub case: Option<i64>,
    /// The notice to show.
    pub done: Option<String>,
}

/// The delivery forms: language and case.
#[derive(Debug, Default, Deserialize)]
pub struct DeliveryForm {
    /// `en` or `es`.
    #[serde(default)]
    pub lang: String,
    /// The case, if the report was opened from one.
    pub case: Option<i64>,
}

async fn compose(
    state: &AppState,
    auth: &PageAuth,
    id: i64,
    lang: Option<&str>,
) -> Result<FinalReport, PageError> {
    let asked = lang.and_then(churnwise_app::i18n::parse_code);
    let store = state.store.as_ref();
    let client = ClientId(id);
    let lang = final_report::client_lang(store, auth.ws(), client, asked, auth.lang).await?;
    Ok(final_report::compose(
        store,
        auth.ws(),
        client,
        lang,
        chrono::Utc::now().date_naive(),
    )
    .await?)
}

/// The report as a standalone HTML document (download and email).
pub(crate) fn document(report: &FinalReport) -> Result<String, PageError> {
    render_template(
        "final_report/doc.html",
        context! { report, lang => report.lang },
    )
}

async fn page(
    state: &AppState,
    auth: &PageAuth,
    report: &FinalReport,
    case: Option<i64>,
    notice: Option<&str>,
    problem: Option<&str>,
) -> Result<Response, PageError> {
    let chrome = Chrome::of(auth, state, "clients").await?;
    render(
        &chrome,
        "final_report/page.html",
        context! { report, case_id => case, notice, problem },
    )
}

/// `GET /clients/{id}/final-report`: the printable report.
pub async fn show(
    State(state): State<AppState>,
    auth: PageAuth,
    Path(id): Path<i64>,
    Query(query): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let report = compose(&state, &auth, id, query.lang.as_deref()).await?;
    let notice = query
        .done
        .as_deref()
        .filter(|d| *d == "final-report-sent")
        .map(|_| "final-report-sent");
    page(&state, &auth, &report, query.case, notice, None).await
}

/// `POST /clients/{id}/final-report/download`: the report as a file; ticks
/// the case's final report item.
pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<DeliveryForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let report = compose(&state, &auth, id, Some(&form.lang)).await?;
    let html = document(&report)?;
    let cx = CaseContext::for_user(state.store.as_ref(), auth.ws(), &auth.actor().display)?;
    final_report::downloaded(&cx, ClientId(id), form.case.map(CaseId), &auth.actor()).await?;
    let disposition = format!(
        "attachment; filename=\"final-report-{id}-{}.html\"",
        report.lang
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        html,
    )
        .into_response())
}

/// `POST /clients/{id}/final-report/send`: emails the report to the
/// client's contacts and ticks the case's final report item.
pub async fn send(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<DeliveryForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let report = compose(&state, &auth, id, Some(&form.lang)).await?;
    let client = ClientId(id);
    let case = match form.case {
        Some(c) => Some(CaseId(c)),
        None => final_report::open_case_of(state.store.as_ref(), auth.ws(), client).await?,
    };
    let problem = match (state.mailer.clone(), case) {
        (None, _) => "final-report-no-mailer",
        (_, None) => "final-report-no-case",
        (Some(mailer), Some(case)) => {
            let html = document(&report)?;
            let cx = CaseContext::for_user(state.store.as_ref(), auth.ws(), &auth.actor().display)?;
            match final_report::send(&cx, mailer.as_ref(), case, &report, &html, &auth.actor())
                .await
            {
                Ok(_) => {
                    return Ok(see_other(&format!(
                        "/clients/{id}/final-report?case={}&lang={}&done=final-report-sent",
                        case.0, report.lang
                    )))
                }
                Err(AppError::Invalid(_)) => "final-report-no-contacts",
                Err(AppError::Internal(e)) => {
                    tracing::warn!(error = %format!("{e:#}"), "final report not sent");
                    "final-report-send-failed"
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let page = page(&state, &auth, &report, form.case, None, Some(problem)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
