//! Owners' pages about personal data and changes: the audit log
//! (`/settings/audit`, paginated) and erasing a client's personal data
//! (`/clients/{id}/erase`: a confirmation page, then the erase). The use
//! cases are `churnwise_app::audit::list` and `churnwise_app::privacy::erase`,
//! as in the API.

use super::{render, see_other, Chrome, CsrfForm, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use churnwise_app::audit::{self, Action, Actor};
use churnwise_app::privacy;
use churnwise_store::{AuditEntry, Client, ClientId};
use minijinja::context;
use serde::{Deserialize, Serialize};

/// Rows per page of the audit log page.
const PER_PAGE: u32 = 50;

/// The query of the audit log page.
#[derive(Debug, Default, Deserialize)]
pub struct AuditPageQuery {
    /// Page number, from 1.
    pub page: Option<u32>,
}

/// One row of the audit log page.
#[derive(Debug, Serialize)]
struct AuditRow {
    at: String,
    day: chrono::NaiveDate,
    time: String,
    actor: String,
    action: String,
    label: Option<String>,
    subject_type: String,
    subject_id: Option<i64>,
    client_id: Option<i64>,
    detail: String,
}

impl From<AuditEntry> for AuditRow {
    fn from(e: AuditEntry) -> Self {
        AuditRow {
            at: e.at.to_rfc3339(),
            day: e.at.date_naive(),
            time: e.at.format("%H:%M UTC").to_string(),
            actor: e.actor,
            label: Action::from_key(&e.action).map(Action::message_key),
            action: e.action,
            subject_type: e.subject_type,
            subject_id: e.subject_id,
            client_id: e.client.map(|c| c.0),
            detail: e.detail,
        }
    }
}

/// `GET /settings/audit`: the audit log, newest first (owners only).
pub async fn audit_log(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(query): Query<AuditPageQuery>,
) -> Result<Response, PageError> {
    auth.require_owner()?;
    let page = query.page.unwrap_or(1).max(1);
    let found = audit::list(state.store.as_ref(), auth.ws(), Some(page), Some(PER_PAGE)).await?;
    let pages = u32::try_from((found.total.max(1) + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE))
        .unwrap_or(u32::MAX);
    let prev_url = (page > 1).then(|| format!("/settings/audit?page={}", page - 1));
    let next_url = (page < pages).then(|| format!("/settings/audit?page={}", page + 1));
    let chrome = Chrome::of(&auth, &state, "settings").await?;
    render(
        &chrome,
        "audit.html",
        context! {
            entries => found.items.into_iter().map(AuditRow::from).collect::<Vec<_>>(),
            total => found.total,
            page,
            pages,
            prev_url,
            next_url,
        },
    )
}

async fn owned_client(state: &AppState, auth: &PageAuth, id: i64) -> Result<Client, PageError> {
    auth.require_owner()?;
    state
        .store
        .get_client(auth.ws(), ClientId(id))
        .await?
        .ok_or(PageError::NotFound)
}

fn erase_page(
    chrome: &Chrome,
    client: &Client,
    error: Option<&'static str>,
) -> Result<Response, PageError> {
    render(chrome, "clients/erase.html", context! { client, error })
}

/// `GET /clients/{id}/erase`: what an erase does, and its confirmation
/// (owners only).
pub async fn erase_confirmation(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    auth: PageAuth,
) -> Result<Response, PageError> {
    let client = owned_client(&state, &auth, id).await?;
    let chrome = Chrome::of(&auth, &state, "clients").await?;
    erase_page(&chrome, &client, None)
}

/// The erase form: the box that confirms it.
#[derive(Debug, Deserialize)]
pub struct EraseForm {
    /// Present when the owner ticked the confirmation.
    #[serde(default)]
    pub confirm: Option<String>,
}

/// `POST /clients/{id}/erase`: erases the client's personal data once
/// confirmed (owners only), then shows the client page.
pub async fn erase(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<EraseForm>,
) -> Result<Response, PageError> {
    let client = owned_client(&state, &auth, id).await?;
    if form.confirm.is_none() {
        let chrome = Chrome::of(&auth, &state, "clients").await?;
        let page = erase_page(&chrome, &client, Some("privacy-erase-confirm-missing"))?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let actor = Actor::user(&auth.access.user);
    privacy::erase(
        state.store.as_ref(),
        auth.ws(),
        client.id,
        &actor,
        "on request",
    )
    .await?;
    Ok(see_other(&format!(
        "/clients/{}?done=client-erased",
        client.id
    )))
}
