//! The client page's work log section (issue 16): one page of entries,
//! newest first, the add form and an edit form per entry (a refused one
//! drawn again, open, with each problem next to its field) and a delete
//! button per entry, through `churnwise_app::work_log`.

use super::optional;
use super::show::{client_page, load_client, ClientPageForms};
use crate::pages::forms::{field_errors, EmptyForm, FieldProblems};
use crate::pages::{see_other, CsrfForm, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use churnwise_app::final_report::{report_entry, ReportEntry};
use churnwise_app::work_log::{self, WorkEntryChange, WorkEntryInput, WorkEntryView};
use churnwise_store::{ClientId, WorkEntryId};
use serde::{Deserialize, Serialize};

/// Notices the client page may show after these forms.
pub(super) const NOTICES: [&str; 3] = ["work-added", "work-deleted", "work-changed"];

/// Entries per page of the section.
const PER_PAGE: u32 = 20;

/// The add-work form, kept as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct WorkForm {
    /// Day (`YYYY-MM-DD`).
    #[serde(default)]
    pub done_on: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// What was done.
    #[serde(default)]
    pub body: String,
    /// Result figure.
    #[serde(default)]
    pub result: String,
    /// Its unit.
    #[serde(default)]
    pub unit: String,
    /// Link.
    #[serde(default)]
    pub link: String,
    /// Who.
    #[serde(default)]
    pub who: String,
    /// `client` or `internal`.
    #[serde(default)]
    pub visibility: String,
}

impl WorkForm {
    /// The edit form of a stored entry.
    fn of(e: &WorkEntryView) -> Self {
        WorkForm {
            done_on: e.done_on.to_string(),
            title: e.title.clone(),
            body: e.body.clone().unwrap_or_default(),
            result: e.result.clone().unwrap_or_default(),
            unit: e.unit.clone().unwrap_or_default(),
            link: e.link.clone().unwrap_or_default(),
            who: e.who.clone().unwrap_or_default(),
            visibility: e.visibility.to_string(),
        }
    }
}

/// An entry as the section draws it, with its edit form.
#[derive(Debug, Serialize)]
struct WorkRow {
    #[serde(flatten)]
    entry: ReportEntry,
    /// The edit form: the entry, or what was typed in a refused edit.
    edit: WorkForm,
    /// The problems of a refused edit.
    edit_errors: FieldProblems,
    /// True when this entry's edit was refused (its form is drawn open).
    editing: bool,
}

/// The section as drawn: the form as typed with its problems, and the page
/// of entries.
#[derive(Debug, Serialize)]
pub(super) struct WorkSection {
    form: WorkForm,
    errors: FieldProblems,
    entries: Vec<WorkRow>,
    page: u32,
    pages: u32,
    total: i64,
}

/// What the client page passes for this section: the form and its problems
/// (after a refused post) and the page asked for.
#[derive(Debug, Default)]
pub(super) struct WorkForms {
    pub(super) form: Option<WorkForm>,
    pub(super) errors: FieldProblems,
    pub(super) page: Option<u32>,
    /// A refused edit: the entry, the form as typed and its problems.
    pub(super) edit: Option<(i64, WorkForm, FieldProblems)>,
}

/// The section of `client` for the page.
pub(super) async fn section(
    state: &AppState,
    auth: &PageAuth,
    client: ClientId,
    forms: WorkForms,
) -> Result<WorkSection, PageError> {
    let found = work_log::list(
        state.store.as_ref(),
        auth.ws(),
        client,
        false,
        Some(forms.page.unwrap_or(1).max(1)),
        Some(PER_PAGE),
    )
    .await?;
    let pages = u32::try_from((found.total + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE))
        .unwrap_or(u32::MAX)
        .max(1);
    let mut refused = forms.edit;
    Ok(WorkSection {
        form: forms.form.unwrap_or_else(|| WorkForm {
            done_on: chrono::Utc::now().date_naive().to_string(),
            visibility: "client".into(),
            ..WorkForm::default()
        }),
        errors: forms.errors,
        // Days and figures written the reader's way (`12,5 %` in Spanish).
        entries: found
            .items
            .into_iter()
            .map(|e| {
                let milli = e
                    .result
                    .as_deref()
                    .and_then(|r| work_log::parse_result("result", r).ok());
                let (edit, edit_errors, editing) = match refused.take() {
                    Some((id, form, errors)) if id == e.id => (form, errors, true),
                    other => {
                        refused = other;
                        (WorkForm::of(&e), FieldProblems::new(), false)
                    }
                };
                WorkRow {
                    entry: report_entry(auth.lang, e, milli),
                    edit,
                    edit_errors,
                    editing,
                }
            })
            .collect(),
        page: found.page,
        pages,
        total: found.total,
    })
}

/// The message key shown next to a refused field of this form.
fn work_error_key(field: &str, key: &'static str) -> &'static str {
    match (field, key) {
        ("result", _) => "work-error-result",
        ("link", k) if !k.starts_with("form-too-long") => "work-error-link",
        ("unit", "form-invalid") => "work-error-unit",
        ("visibility", _) => "work-error-visibility",
        ("done_on", _) => "form-date",
        (_, k) => k,
    }
}

/// The problems of a refused entry, each with the message shown by its field.
fn work_errors(e: churnwise_app::AppError) -> Result<FieldProblems, PageError> {
    Ok(field_errors(e)?
        .into_iter()
        .map(|(field, key)| {
            let key = work_error_key(&field, key);
            (field, key)
        })
        .collect())
}

/// `POST /clients/{id}/work`: adds an entry to the client's work log.
pub async fn add_work(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<WorkForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    let input = WorkEntryInput {
        done_on: optional(&form.done_on),
        title: form.title.clone(),
        body: optional(&form.body),
        result: optional(&form.result),
        unit: optional(&form.unit),
        link: optional(&form.link),
        who: optional(&form.who),
        visibility: optional(&form.visibility),
    };
    let result = work_log::add(
        state.store.as_ref(),
        auth.ws(),
        client.id,
        input,
        chrono::Utc::now().date_naive(),
        &auth.actor(),
    )
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/clients/{}?done=work-added#work",
            client.id
        ))),
        Err(e) => {
            let forms = ClientPageForms {
                work: WorkForms {
                    form: Some(form),
                    errors: work_errors(e)?,
                    ..WorkForms::default()
                },
                ..ClientPageForms::default()
            };
            let page = client_page(&state, &auth, client, forms).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// `POST /clients/{id}/work/{entry}/delete`: deletes an entry.
pub async fn delete_work(
    State(state): State<AppState>,
    Path((id, entry)): Path<(i64, i64)>,
    CsrfForm(auth, _form): CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    work_log::delete(
        state.store.as_ref(),
        auth.ws(),
        client.id,
        WorkEntryId(entry),
        &auth.actor(),
    )
    .await?;
    Ok(see_other(&format!(
        "/clients/{}?done=work-deleted#work",
        client.id
    )))
}

/// `POST /clients/{id}/work/{entry}`: changes an entry (the whole entry
/// checked again); a refused change is drawn again, open, with each problem
/// next to its field, and stores nothing. "Who" left as it was keeps the
/// member it names; emptied, it becomes the one saving.
pub async fn edit_work(
    State(state): State<AppState>,
    Path((id, entry)): Path<(i64, i64)>,
    CsrfForm(auth, form): CsrfForm<WorkForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    let old = state
        .store
        .get_work_entry(auth.ws(), client.id, WorkEntryId(entry))
        .await?
        .ok_or(PageError::NotFound)?;
    let who = optional(&form.who);
    let change = WorkEntryChange {
        done_on: Some(form.done_on.trim().to_string()),
        title: Some(form.title.clone()),
        body: Some(optional(&form.body)),
        result: Some(optional(&form.result)),
        unit: Some(optional(&form.unit)),
        link: Some(optional(&form.link)),
        who: (who != old.who).then_some(who),
        visibility: Some(form.visibility.trim().to_string()),
    };
    let result = work_log::edit(
        state.store.as_ref(),
        auth.ws(),
        client.id,
        WorkEntryId(entry),
        change,
        &auth.actor(),
    )
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/clients/{}?done=work-changed#work-{entry}",
            client.id
        ))),
        Err(e) => {
            let errors = work_errors(e)?;
            let forms = ClientPageForms {
                work: WorkForms {
                    edit: Some((entry, form, errors)),
                    ..WorkForms::default()
                },
                ..ClientPageForms::default()
            };
            let page = client_page(&state, &auth, client, forms).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
