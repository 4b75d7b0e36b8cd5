//! Settings → Billing (issue 15): the workspace's Stripe connection (the
//! restricted key and the webhook signing secret, never shown back), the
//! webhook URL and events to register, the last sync's report, and "Sync
//! now" with its progress, for owners and managers. Everything goes
//! through `churnwise_app::stripe` like the API and the CLI; the only
//! thing done here is spawning the claimed sync in the background.

use super::members::base_url;
use super::{render, see_other, Chrome, CsrfForm, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use churnwise_app::i18n;
use churnwise_app::stripe::setup::{KEY_READ_PERMISSIONS, WEBHOOK_EVENTS};
use churnwise_app::stripe::sync_job::{self, JobState};
use churnwise_app::stripe::{self, ConnectionChange, SyncReport};
use churnwise_app::AppError;
use churnwise_domain::{FieldProblem, Lang};
use minijinja::context;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where the page lives.
const PATH: &str = "/settings/billing";

/// The query of the page: a notice after a form.
#[derive(Debug, Default, Deserialize)]
pub struct BillingQuery {
    /// `saved`, `sync-started`, `sync-running` or `sync-no-key`.
    #[serde(default)]
    pub notice: String,
}

/// The connection form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct ConnectionForm {
    /// A new API key (empty keeps the stored one).
    #[serde(default)]
    pub api_key: String,
    /// A new webhook signing secret (empty keeps the stored one).
    #[serde(default)]
    pub webhook_secret: String,
    /// Present when the stored key is to be removed.
    #[serde(default)]
    pub remove_api_key: Option<String>,
    /// Present when the stored secret is to be removed.
    #[serde(default)]
    pub remove_webhook_secret: Option<String>,
}

/// One kind of rows of the last sync.
#[derive(Debug, Serialize)]
struct CountsRow {
    kind: &'static str,
    written: u64,
    created: u64,
    updated: u64,
}

/// The sync job as the page shows it.
#[derive(Debug, Serialize)]
struct JobRow {
    state: JobState,
    started_by: String,
    started_at: String,
    finished_at: Option<String>,
    progress_kind: Option<String>,
    progress_read: i64,
    error: Option<String>,
}

/// A moment as the page writes it: the date in the reader's language, the
/// time in UTC.
fn moment(lang: Lang, at: DateTime<Utc>) -> String {
    format!(
        "{} {} UTC",
        i18n::date(lang, at.date_naive()),
        at.format("%H:%M")
    )
}

/// The Fluent key of the message next to a refused field (the app's own
/// words follow it, in English, as on the other settings pages).
fn error_key(field: &str) -> &'static str {
    match field {
        "api_key" => "billing-error-api-key",
        "webhook_secret" => "billing-error-webhook-secret",
        _ => "billing-error-other",
    }
}

async fn page(
    state: &AppState,
    auth: &PageAuth,
    headers: &HeaderMap,
    notice: &str,
    errors: Vec<FieldProblem>,
) -> Result<Response, PageError> {
    let store = state.store.as_ref();
    let lang = auth.lang;
    let view = stripe::connection_view(store, auth.ws()).await?;
    let now = Utc::now();
    let job = sync_job::job_view(store, auth.ws(), now).await?;
    let report: Option<SyncReport> = view
        .last_sync
        .clone()
        .and_then(|v| serde_json::from_value(v).ok());
    let counts: Vec<CountsRow> = report
        .as_ref()
        .map(|r| {
            [
                ("clients", &r.clients),
                ("contacts", &r.contacts),
                ("segments", &r.segments),
                ("invoices", &r.invoices),
            ]
            .into_iter()
            .map(|(kind, c)| CountsRow {
                kind,
                written: c.written,
                created: c.created,
                updated: c.updated,
            })
            .collect()
        })
        .unwrap_or_default();
    let running = job.as_ref().is_some_and(|j| j.running());
    let job = job.map(|j| JobRow {
        state: j.state,
        started_by: j.started_by,
        started_at: moment(lang, j.started_at),
        finished_at: j.finished_at.map(|t| moment(lang, t)),
        progress_kind: j.progress.as_ref().map(|p| p.kind.clone()),
        progress_read: j.progress.map_or(0, |p| p.read),
        error: j.error,
    });
    let base = base_url(state, headers);
    let webhook_url = format!("{}{}", base.trim_end_matches('/'), view.webhook_path);
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
        "billing.html",
        context! {
            connected => view.connected,
            webhook_secret_set => view.webhook_secret_set,
            webhook_url,
            events => WEBHOOK_EVENTS,
            permissions => KEY_READ_PERMISSIONS,
            report_when => report.as_ref().map(|r| moment(lang, r.when)),
            report_currency => report.as_ref().and_then(|r| r.currency.clone()),
            counts,
            skipped => report.as_ref().map(|r| r.skipped.clone()).unwrap_or_default(),
            skipped_total => report.as_ref().map_or(0, |r| r.skipped_total),
            job,
            running,
            notice,
            errors,
        },
    )
}

/// `GET /settings/billing`: the connection, the last sync and "Sync now";
/// while a sync runs the page refreshes itself every 2 s.
pub async fn show(
    State(state): State<AppState>,
    auth: PageAuth,
    headers: HeaderMap,
    Query(query): Query<BillingQuery>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    page(&state, &auth, &headers, &query.notice, vec![]).await
}

/// A text field of the form: empty keeps the stored value, the remove
/// box removes it, anything else sets it.
fn change_of(text: &str, remove: bool) -> Option<Option<String>> {
    if remove {
        Some(None)
    } else if text.trim().is_empty() {
        None
    } else {
        Some(Some(text.to_string()))
    }
}

/// `POST /settings/billing`: sets or removes the key and the secret; a
/// refused value is shown next to its field (never echoed), nothing saved.
pub async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    CsrfForm(auth, form): CsrfForm<ConnectionForm>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let change = ConnectionChange {
        api_key: change_of(&form.api_key, form.remove_api_key.is_some()),
        webhook_secret: change_of(&form.webhook_secret, form.remove_webhook_secret.is_some()),
    };
    if change.api_key.is_none() && change.webhook_secret.is_none() {
        return Ok(see_other(PATH));
    }
    let result = stripe::change_connection(
        state.store.as_ref(),
        &state.stripe,
        auth.ws(),
        change,
        &auth.actor(),
        Utc::now(),
    )
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("{PATH}?notice=saved"))),
        Err(AppError::Invalid(problems)) => {
            let drawn = page(&state, &auth, &headers, "", problems).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, drawn).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /settings/billing/sync`: claims the workspace's sync and runs it
/// in the background, then back to the page, which shows its progress. A
/// sync already running (here or in another process) is not started twice.
pub async fn sync_now(
    State(state): State<AppState>,
    CsrfForm(auth, _form): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let actor = auth.actor();
    let started = sync_job::start_in_background(
        state.store.clone(),
        state.stripe.clone(),
        auth.ws(),
        actor,
        Utc::now(),
    )
    .await;
    match started {
        Ok(()) => {}
        Err(AppError::Conflict(_)) => {
            return Ok(see_other(&format!("{PATH}?notice=sync-running")));
        }
        Err(AppError::Invalid(_)) => {
            return Ok(see_other(&format!("{PATH}?notice=sync-no-key")));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(&format!("{PATH}?notice=sync-started")))
}
