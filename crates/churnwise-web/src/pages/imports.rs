//! The Import pages: `/import` takes a file (customers, subscriptions or
//! invoices; `.csv` or `.xlsx`), `/import/{id}` shows its columns (and the
//! mapping step for foreign headers), the first rows as they will be read
//! and what will be created or updated, then, once started, a progress bar
//! (`assets/import.js` polls `GET /api/v1/imports/{id}`), and the outcome:
//! what was written, or every problem translated with its line and column
//! (nothing written). The use cases are `churnwise_app::import_jobs`, as in
//! the API.

use super::forms::EmptyForm;
use super::{render, see_other, Chrome, CsrfForm, PageAuth, PageError};
use crate::api::imports::{receive, UploadError};
use crate::auth::constant_time_eq;
use crate::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use churnwise_app::i18n::{self, ArgValue};
use churnwise_app::import_jobs::{self, state, ImportProblems, JobView};
use churnwise_app::imports::ImportKind;
use churnwise_app::AppError;
use churnwise_domain::Lang;
use churnwise_store::ImportJobId;
use minijinja::context;
use serde::Serialize;
use std::collections::BTreeMap;

/// One problem as the page shows it.
#[derive(Debug, Serialize)]
struct ProblemRow {
    line: u64,
    column: String,
    reason: String,
}

/// A problem's reason in the page's language: the reasons of the file
/// readers and of the store are recognised by their fixed wording (the
/// values they quote are kept); anything else is shown as written.
pub fn translate_reason(lang: Lang, reason: &str) -> String {
    let t = |key: &str, args: &[(&str, ArgValue)]| i18n::message(lang, key, args);
    let text = |s: &str| ArgValue::Text(s.to_string());
    let fixed = [
        ("required value is missing", "import-reason-missing-value"),
        ("required column is missing", "import-reason-missing-column"),
        (
            "required column is missing (the file has no header row)",
            "import-reason-no-header",
        ),
        ("is not valid UTF-8 text", "import-reason-not-utf8"),
        (
            "the column appears more than once",
            "import-reason-repeated-column",
        ),
        ("must be a .csv or .xlsx file", "import-reason-file-type"),
    ];
    if let Some((_, key)) = fixed.iter().find(|(r, _)| *r == reason) {
        return t(key, &[]);
    }
    let suffixes = [
        (" is not a date as YYYY-MM-DD", "import-reason-not-date"),
        (" is negative", "import-reason-negative"),
        (" is not a decimal number", "import-reason-not-number"),
        (
            " is not a decimal with \".\" as separator",
            "import-reason-decimal-separator",
        ),
        (" has more than 2 decimals", "import-reason-decimals"),
        (" is too large", "import-reason-too-large"),
        (" is not an email address", "import-reason-not-email"),
        (" is not yes or no", "import-reason-not-yes-no"),
        (" is not greater than zero", "import-reason-not-positive"),
        (
            " is not a known customer (import customers first)",
            "import-reason-unknown-customer",
        ),
    ];
    for (suffix, key) in suffixes {
        if let Some(value) = reason.strip_suffix(suffix) {
            return t(key, &[("value", text(value))]);
        }
    }
    if let Some(line) = reason.strip_prefix("the same value already appears on line ") {
        return t("import-reason-duplicate", &[("line", text(line))]);
    }
    if let Some(rest) = reason.strip_prefix("the segment overlaps the one on line ") {
        let line = rest.split(' ').next().unwrap_or_default();
        return t("import-reason-overlap", &[("line", text(line))]);
    }
    if let Some((end, start)) = reason.split_once(" is not after started_on ") {
        return t(
            "import-reason-end-before-start",
            &[("end", text(end)), ("start", text(start))],
        );
    }
    reason.to_string()
}

fn problem_rows(lang: Lang, problems: &ImportProblems) -> Vec<ProblemRow> {
    problems
        .problems
        .iter()
        .map(|p| ProblemRow {
            line: p.line,
            column: p.column.clone(),
            reason: translate_reason(lang, &p.reason),
        })
        .collect()
}

fn kinds() -> Vec<&'static str> {
    ImportKind::ALL.iter().map(|k| k.as_str()).collect()
}

fn upload_page(
    chrome: &Chrome,
    state: &AppState,
    kind: Option<&str>,
    error: Option<String>,
) -> Result<Response, PageError> {
    render(
        chrome,
        "imports/new.html",
        context! {
            kinds => kinds(),
            kind => kind.unwrap_or("customers"),
            max_mb => state.uploads.max_upload_bytes / 1_000_000,
            error,
        },
    )
}

/// `GET /import`: the upload form.
pub async fn new_page(
    State(state): State<AppState>,
    auth: PageAuth,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let chrome = Chrome::of(&auth, &state, "import").await?;
    upload_page(&chrome, &state, None, None)
}

/// `POST /import` (multipart, with the form's `csrf` part): keeps the file
/// and shows its preview; a file that is too large or of another type is
/// refused on the form.
pub async fn upload(
    State(state): State<AppState>,
    auth: PageAuth,
    multipart: Multipart,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let settings = state.uploads.clone();
    let received = receive(multipart, &settings, auth.ws()).await;
    let chrome = Chrome::of(&auth, &state, "import").await?;
    let lang = auth.lang;
    let refuse = |status: StatusCode, kind: Option<&str>, message: String| {
        upload_page(&chrome, &state, kind, Some(message)).map(|page| (status, page).into_response())
    };
    let received = match received {
        Ok(r) => r,
        Err(UploadError::TooLarge(max)) => {
            let mb = ArgValue::Number((max / 1_000_000) as f64);
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                None,
                i18n::message(lang, "import-too-large", &[("mb", mb)]),
            );
        }
        Err(UploadError::Api(crate::error::ApiError::Invalid(fields))) => {
            let text = fields
                .iter()
                .map(|f| translate_reason(lang, &f.message))
                .collect::<Vec<_>>()
                .join(" ");
            return refuse(StatusCode::UNPROCESSABLE_ENTITY, None, text);
        }
        Err(_) => return Err(PageError::BadRequest),
    };
    let sent = received.csrf.clone().unwrap_or_default();
    if !constant_time_eq(sent.as_bytes(), auth.csrf.as_bytes()) {
        received.discard();
        return Err(PageError::Csrf);
    }
    let upload = match received.upload() {
        Ok(u) => u,
        Err(_) => {
            received.discard();
            let kind = received.kind.as_deref();
            let message = i18n::message(lang, "import-choose-file", &[]);
            return refuse(StatusCode::UNPROCESSABLE_ENTITY, kind, message);
        }
    };
    let job = import_jobs::create_job(
        state.store.as_ref(),
        auth.ws(),
        &upload,
        state::UPLOADED,
        &settings,
        &auth.actor(),
        chrono::Utc::now(),
    )
    .await;
    match job {
        Ok(job) => Ok(see_other(&format!("/import/{}", job.id.0))),
        Err(e) => {
            received.discard();
            Err(e.into())
        }
    }
}

/// A field of the mapping step as the page shows it.
#[derive(Debug, Serialize)]
struct FieldRow {
    column: &'static str,
    required: bool,
    header: Option<String>,
}

/// `GET /import/{id}`: the preview and mapping step of a waiting upload,
/// the progress of a running import, or its outcome.
pub async fn show(
    State(state): State<AppState>,
    auth: PageAuth,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    show_with(&state, &auth, id, None).await
}

async fn show_with(
    state: &AppState,
    auth: &PageAuth,
    id: i64,
    mapping_errors: Option<Vec<String>>,
) -> Result<Response, PageError> {
    let chrome = Chrome::of(auth, state, "import").await?;
    let id = ImportJobId(id);
    let job = import_jobs::job_view(state.store.as_ref(), auth.ws(), id).await?;
    if job.state != state::UPLOADED {
        return outcome_page(&chrome, auth.lang, job);
    }
    let preview = import_jobs::preview(state.store.as_ref(), auth.ws(), id, &state.uploads).await?;
    let fields: Vec<FieldRow> = preview
        .fields
        .iter()
        .map(|f| FieldRow {
            column: f.column,
            required: f.required,
            header: f.header.clone(),
        })
        .collect();
    let problems = preview
        .problems
        .as_ref()
        .map(|p| problem_rows(auth.lang, p));
    let status = if mapping_errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = render(
        &chrome,
        "imports/preview.html",
        context! {
            job => preview.job,
            headers => preview.headers,
            fields,
            standard => preview.standard,
            sample => preview.sample,
            rows => preview.rows,
            new => preview.new,
            updated => preview.updated,
            problems,
            total_problems => preview.problems.as_ref().map(|p| p.total),
            exclusivity => preview.exclusivity,
            mapping_errors,
        },
    )?;
    Ok((status, page).into_response())
}

fn outcome_page(chrome: &Chrome, lang: Lang, job: JobView) -> Result<Response, PageError> {
    let problems = job.problems.as_ref().map(|p| problem_rows(lang, p));
    let total_problems = job.problems.as_ref().map(|p| p.total);
    let running = !matches!(job.state.as_str(), state::DONE | state::FAILED);
    render(
        chrome,
        "imports/job.html",
        context! { job, problems, total_problems, running },
    )
}

/// `POST /import/{id}/mapping`: the mapping step's choices, `map-COLUMN` =
/// a header of the file (empty: not mapped).
pub async fn save_mapping(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, values): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let pairs: Vec<(String, String)> = values
        .into_iter()
        .filter_map(|(k, v)| k.strip_prefix("map-").map(|c| (c.to_string(), v)))
        .collect();
    match import_jobs::set_job_mapping(
        state.store.as_ref(),
        auth.ws(),
        ImportJobId(id),
        pairs,
        &state.uploads,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(()) => Ok(see_other(&format!("/import/{id}"))),
        Err(AppError::Invalid(fields)) => {
            let messages = fields
                .into_iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect();
            show_with(&state, &auth, id, Some(messages)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /import/{id}/start`: the go-ahead; the import runs in the
/// background and the page follows its progress.
pub async fn start(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, _): CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let id = ImportJobId(id);
    match import_jobs::queue_job(state.store.as_ref(), auth.ws(), id, chrono::Utc::now()).await {
        Ok(()) => {
            tokio::spawn(import_jobs::run_job(
                state.store.clone(),
                auth.ws(),
                id,
                state.uploads.clone(),
                auth.actor(),
            ));
        }
        // Started already (a second click): show where it is.
        Err(AppError::Invalid(_)) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(&format!("/import/{}", id.0)))
}
