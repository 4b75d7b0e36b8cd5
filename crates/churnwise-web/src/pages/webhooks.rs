//! Settings → Webhooks (issue 17): the workspace's outgoing webhook
//! endpoints (URL, kind, events, a warning for plain `http://`), the form
//! that adds one (its secret shown once, on the page that answers the
//! form), delete, and the delivery log page by page. Owners and managers;
//! everything goes through `churnwise_app::outgoing_webhooks` like the API.

use super::{render, see_other, Chrome, CsrfForm, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use churnwise_app::i18n;
use churnwise_app::outgoing_webhooks::{self as hooks, CreatedEndpoint, EndpointInput};
use churnwise_app::AppError;
use churnwise_domain::{FieldProblem, Lang};
use minijinja::context;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where the page lives.
const PATH: &str = "/settings/webhooks";
/// Attempts per page of the log.
const LOG_PAGE: u32 = 20;

/// The query of the page.
#[derive(Debug, Default, Deserialize)]
pub struct WebhooksQuery {
    /// `deleted` after a delete.
    #[serde(default)]
    pub notice: String,
    /// The page of the delivery log, from 1.
    pub log_page: Option<u32>,
}

/// One attempt of the log as the page shows it.
#[derive(Debug, Serialize)]
struct LogRow {
    when: String,
    event_type: String,
    url: String,
    status_code: Option<i32>,
    error: Option<String>,
    state: String,
    next: Option<String>,
}

/// The add form as typed, drawn again when refused.
#[derive(Debug, Default, Serialize)]
struct Typed {
    url: String,
    events: Vec<String>,
    slack: bool,
}

/// A moment as the page writes it: the date in the reader's language, the
/// time in UTC.
fn moment(lang: Lang, rfc3339: &str) -> String {
    match DateTime::parse_from_rfc3339(rfc3339) {
        Ok(at) => {
            let at = at.with_timezone(&Utc);
            format!(
                "{} {} UTC",
                i18n::date(lang, at.date_naive()),
                at.format("%H:%M:%S")
            )
        }
        Err(_) => rfc3339.to_string(),
    }
}

fn error_key(field: &str) -> &'static str {
    if field == "url" {
        "hooks-error-url"
    } else if field.starts_with("events") {
        "hooks-error-events"
    } else {
        "hooks-error-other"
    }
}

async fn page(
    state: &AppState,
    auth: &PageAuth,
    notice: &str,
    log_page: u32,
    typed: Typed,
    errors: Vec<FieldProblem>,
    created: Option<CreatedEndpoint>,
) -> Result<Response, PageError> {
    let store = state.store.as_ref();
    let lang = auth.lang;
    let endpoints = hooks::list_endpoints(
        store,
        auth.ws(),
        Some(1),
        Some(u32::try_from(hooks::MAX_ENDPOINTS).unwrap_or(20)),
    )
    .await?;
    let log = hooks::delivery_log(store, auth.ws(), Some(log_page), Some(LOG_PAGE)).await?;
    let rows: Vec<LogRow> = log
        .items
        .into_iter()
        .map(|e| LogRow {
            when: moment(lang, &e.attempted),
            event_type: e.event_type,
            url: e.url,
            status_code: e.status_code,
            error: e.error,
            state: e.state,
            next: e.next_attempt.as_deref().map(|n| moment(lang, n)),
        })
        .collect();
    let more = i64::from(log.page) * i64::from(log.per_page) < log.total;
    let errors: BTreeMap<String, (&'static str, String)> = errors
        .into_iter()
        .map(|p| {
            let field = if p.field.starts_with("events") {
                "events".to_string()
            } else {
                p.field.clone()
            };
            (field, (error_key(&p.field), p.message))
        })
        .collect();
    let event_types: Vec<(&str, String)> = hooks::EVENT_TYPES
        .iter()
        .map(|e| (*e, format!("hooks-event-{}", e.replace(['.', '_'], "-"))))
        .collect();
    let chrome = Chrome::of(auth, state, "settings").await?;
    render(
        &chrome,
        "webhooks.html",
        context! {
            endpoints => endpoints.items,
            event_types,
            log => rows,
            log_page => log.page,
            log_more => more,
            log_total => log.total,
            notice,
            typed,
            errors,
            created,
        },
    )
}

/// `GET /settings/webhooks`: the endpoints, the add form and the log.
pub async fn show(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(query): Query<WebhooksQuery>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let log_page = query.log_page.unwrap_or(1).max(1);
    page(
        &state,
        &auth,
        &query.notice,
        log_page,
        Typed::default(),
        vec![],
        None,
    )
    .await
}

/// `POST /settings/webhooks`: adds an endpoint and answers with the page
/// showing its secret once; a refused form is drawn again (422) with what
/// was typed and a message next to each field, nothing added.
pub async fn add(
    State(state): State<AppState>,
    CsrfForm(auth, form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let mut typed = Typed::default();
    for (key, value) in form {
        match key.as_str() {
            "url" => typed.url = value,
            "events" => typed.events.push(value),
            "slack" => typed.slack = true,
            _ => {}
        }
    }
    let input = EndpointInput {
        url: typed.url.clone(),
        events: typed.events.clone(),
        kind: typed.slack.then(|| "slack".to_string()),
        lang: Some(i18n::code(auth.lang).to_string()),
    };
    let made = hooks::create_endpoint(
        state.store.as_ref(),
        &state.stripe.secrets,
        auth.ws(),
        &input,
        auth.lang,
        Utc::now(),
    )
    .await;
    match made {
        Ok(created) => {
            page(
                &state,
                &auth,
                "",
                1,
                Typed::default(),
                vec![],
                Some(created),
            )
            .await
        }
        Err(AppError::Invalid(problems)) => {
            let drawn = page(&state, &auth, "", 1, typed, problems, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, drawn).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /settings/webhooks/{id}/delete`: deletes an endpoint.
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, _form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    hooks::delete_endpoint(state.store.as_ref(), auth.ws(), id).await?;
    Ok(see_other(&format!("{PATH}?notice=deleted")))
}
