//! Client updates and what else we do (issue 16, docs/client-updates.md):
//! the draft page (`/clients/{id}/update`: edit, send by email, download a
//! printable page, mark handed over), the client page's section (cadence,
//! sent updates, services bought and offered), and Settings → Client
//! updates (cadences by segment and the services catalogue), all through
//! `churnwise_app::{client_updates, services}`.

use super::forms::{field_errors, FieldProblems};
use super::settings_form::{save_versioned, Refusals};
use super::{render, render_template, see_other, Chrome, CsrfForm, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use churnwise_app::client_updates::{self, ClientCadence, SendInput, SentUpdate, UpdateDraft};
use churnwise_app::services::{self, ClientServices, ServiceInput, ServiceView};
use churnwise_app::{AppError, AppResult};
use churnwise_domain::client_updates::{Cadence, ClientUpdateSettings};
use churnwise_store::{ClientId, ServiceId};
use minijinja::context;
use serde::{Deserialize, Serialize};
use std::future::Future;

/// Notices the client page may show after these forms.
pub(crate) const NOTICES: [&str; 3] = ["update-sent", "update-cadence-set", "services-changed"];

/// Sent updates per page of the client page's section.
const SENT_PER_PAGE: u32 = 10;

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The client page's section: the cadence, a page of sent updates, and the
/// client's services.
#[derive(Debug, Serialize)]
pub(crate) struct UpdatesSection {
    cadence: ClientCadence,
    sent: Vec<SentUpdate>,
    page: u32,
    pages: u32,
    services: ClientServices,
    cadences: Vec<&'static str>,
}

/// The section of `client` for its page (`page` of the sent updates).
pub(crate) async fn client_section(
    state: &AppState,
    auth: &PageAuth,
    client: ClientId,
    page: Option<u32>,
) -> Result<UpdatesSection, PageError> {
    let store = state.store.as_ref();
    let cadence = client_updates::cadence_of(store, auth.ws(), client).await?;
    let found = client_updates::list_sent(
        store,
        auth.ws(),
        client,
        Some(page.unwrap_or(1).max(1)),
        Some(SENT_PER_PAGE),
    )
    .await?;
    let pages =
        u32::try_from((found.total + i64::from(SENT_PER_PAGE) - 1) / i64::from(SENT_PER_PAGE))
            .unwrap_or(u32::MAX)
            .max(1);
    Ok(UpdatesSection {
        cadence,
        sent: found.items,
        page: found.page,
        pages,
        services: services::of_client(store, auth.ws(), client).await?,
        cadences: Cadence::ALL.iter().map(|c| c.as_str()).collect(),
    })
}

/// The query of the draft page.
#[derive(Debug, Default, Deserialize)]
pub struct DraftQuery {
    /// `en` or `es` (default: the client's language, else the reader's).
    pub lang: Option<String>,
}

/// The draft form, as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct DraftForm {
    /// `en` or `es`.
    #[serde(default)]
    pub lang: String,
    /// The subject.
    #[serde(default)]
    pub subject: String,
    /// The text.
    #[serde(default)]
    pub body: String,
    /// The suggested service, when its box stays ticked.
    #[serde(default)]
    pub suggested_service_id: String,
    /// `email` or `download` (the button pressed).
    #[serde(default)]
    pub channel: String,
}

async fn compose(
    state: &AppState,
    auth: &PageAuth,
    id: i64,
    lang: Option<&str>,
) -> Result<UpdateDraft, PageError> {
    let asked = lang.and_then(churnwise_app::i18n::parse_code);
    let store = state.store.as_ref();
    let client = ClientId(id);
    let lang = churnwise_app::final_report::client_lang(store, auth.ws(), client, asked, auth.lang)
        .await?;
    Ok(client_updates::draft(store, auth.ws(), client, lang, today()).await?)
}

async fn draft_page(
    state: &AppState,
    auth: &PageAuth,
    draft: &UpdateDraft,
    form: &DraftForm,
    errors: FieldProblems,
    problem: Option<&str>,
) -> Result<Response, PageError> {
    let chrome = Chrome::of(auth, state, "clients").await?;
    render(
        &chrome,
        "client_updates/draft.html",
        context! { draft, form, errors, problem, mailer => state.mailer.is_some() },
    )
}

/// `GET /clients/{id}/update`: the draft of the client's next update.
pub async fn show_draft(
    State(state): State<AppState>,
    auth: PageAuth,
    Path(id): Path<i64>,
    Query(query): Query<DraftQuery>,
) -> Result<Response, PageError> {
    let draft = compose(&state, &auth, id, query.lang.as_deref()).await?;
    let form = DraftForm {
        lang: draft.lang.to_string(),
        subject: draft.subject.clone(),
        body: draft.body.clone(),
        suggested_service_id: draft
            .suggestion
            .as_ref()
            .map(|s| s.service_id.to_string())
            .unwrap_or_default(),
        channel: String::new(),
    };
    draft_page(&state, &auth, &draft, &form, FieldProblems::new(), None).await
}

/// `POST /clients/{id}/update/send`: sends the edited update by email, or
/// records it as handed over (`channel=download`); a refused form is drawn
/// again with each problem next to its field.
pub async fn send(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<DraftForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let suggested = match form.suggested_service_id.trim() {
        "" => None,
        t => Some(t.parse::<i64>().map_err(|_| PageError::BadRequest)?),
    };
    let mailer = state.mailer.clone();
    let result = client_updates::send(
        state.store.as_ref(),
        auth.ws(),
        mailer.as_deref(),
        ClientId(id),
        SendInput {
            subject: form.subject.clone(),
            body: form.body.clone(),
            channel: Some(form.channel.clone()),
            suggested_service_id: suggested,
        },
        today(),
        &auth.actor(),
    )
    .await;
    let (errors, problem) = match result {
        Ok(_) => {
            return Ok(see_other(&format!(
                "/clients/{id}?done=update-sent#updates"
            )))
        }
        Err(AppError::Conflict(p)) if p.field == "channel" => {
            (FieldProblems::new(), Some("updates-no-mailer"))
        }
        Err(AppError::Invalid(p)) if p.iter().any(|p| p.field == "contacts") => {
            (FieldProblems::new(), Some("updates-no-contacts"))
        }
        Err(AppError::Internal(e)) => {
            tracing::warn!(error = %format!("{e:#}"), "client update not sent");
            (FieldProblems::new(), Some("updates-send-failed"))
        }
        Err(e) => (field_errors(e)?, None),
    };
    let draft = compose(&state, &auth, id, Some(&form.lang)).await?;
    let page = draft_page(&state, &auth, &draft, &form, errors, problem).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The edited update as a printable page of its own.
#[derive(Debug, Serialize)]
struct Printable<'a> {
    lang: &'a str,
    subject: &'a str,
    paragraphs: Vec<String>,
}

/// `POST /clients/{id}/update/printable`: the edited update as an HTML
/// file to print or hand over; stores nothing (mark it handed over after).
pub async fn printable(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<DraftForm>,
) -> Result<Response, PageError> {
    let client = state
        .store
        .get_client(auth.ws(), ClientId(id))
        .await?
        .ok_or(PageError::NotFound)?;
    let lang = churnwise_app::i18n::parse_code(&form.lang).unwrap_or(auth.lang);
    let lang = churnwise_app::i18n::code(lang);
    let doc = Printable {
        lang,
        subject: form.subject.trim(),
        paragraphs: client_updates::paragraphs(&form.body),
    };
    let html = render_template("client_updates/doc.html", context! { doc, lang })?;
    let disposition = format!(
        "attachment; filename=\"update-{}-{}.html\"",
        client.id.0,
        today()
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

/// The cadence form of the client page.
#[derive(Debug, Default, Deserialize)]
pub struct CadenceForm {
    /// `off`, `monthly`, `quarterly` or `default`.
    #[serde(default)]
    pub cadence: String,
}

/// `POST /clients/{id}/update-cadence`: sets the client's own cadence.
pub async fn set_cadence(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<CadenceForm>,
) -> Result<Response, PageError> {
    change_then_back(
        &auth,
        id,
        "update-cadence-set",
        client_updates::set_cadence(
            state.store.as_ref(),
            auth.ws(),
            ClientId(id),
            Some(&form.cadence),
            &auth.actor(),
        ),
    )
    .await
}

/// The buys form of the client page.
#[derive(Debug, Default, Deserialize)]
pub struct BuysForm {
    /// `1` when the client buys it.
    #[serde(default)]
    pub buys: String,
}

/// `POST /clients/{id}/services/{service}/buys`: marks whether the client
/// buys a service.
pub async fn set_buys(
    State(state): State<AppState>,
    Path((id, service)): Path<(i64, i64)>,
    CsrfForm(auth, form): CsrfForm<BuysForm>,
) -> Result<Response, PageError> {
    change_then_back(
        &auth,
        id,
        "services-changed",
        services::set_buys(
            state.store.as_ref(),
            auth.ws(),
            ClientId(id),
            ServiceId(service),
            form.buys == "1",
            &auth.actor(),
        ),
    )
    .await
}

/// The answer form of the client page.
#[derive(Debug, Default, Deserialize)]
pub struct AnswerForm {
    /// `accepted` or `declined`.
    #[serde(default)]
    pub answer: String,
}

/// `POST /clients/{id}/services/{service}/answer`: records the client's
/// answer to an offered service.
pub async fn answer(
    State(state): State<AppState>,
    Path((id, service)): Path<(i64, i64)>,
    CsrfForm(auth, form): CsrfForm<AnswerForm>,
) -> Result<Response, PageError> {
    change_then_back(
        &auth,
        id,
        "services-changed",
        services::answer(
            state.store.as_ref(),
            auth.ws(),
            ClientId(id),
            ServiceId(service),
            &form.answer,
            today(),
            &auth.actor(),
        ),
    )
    .await
}

/// Runs `change`, made by a form of the client page's updates section, for
/// a writer, then sends the browser back to the section with the notice
/// `done`. These forms offer only valid values, so a value the app refuses
/// is a bad request rather than a form drawn again. (`change` is an `async`
/// call: it does nothing before the role is checked.)
async fn change_then_back<T>(
    auth: &PageAuth,
    id: i64,
    done: &str,
    change: impl Future<Output = AppResult<T>>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    change.await.map_err(|e| match e {
        AppError::Invalid(_) => PageError::BadRequest,
        other => other.into(),
    })?;
    Ok(see_other(&format!("/clients/{id}?done={done}#updates")))
}

/// The query of the settings page.
#[derive(Debug, Default, Deserialize)]
pub struct SettingsQuery {
    /// Set after a save.
    #[serde(default)]
    pub done: String,
}

/// The cadence form of the settings page, as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct CadencesForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    default_cadence: String,
    /// One `segment = cadence` a line.
    #[serde(default)]
    segments: String,
}

/// A service form of the settings page, as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct ServiceForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    /// `1` when offered.
    #[serde(default)]
    active: String,
}

/// The empty form to add a service with (offered by default).
fn new_service_form() -> ServiceForm {
    ServiceForm {
        active: "1".into(),
        ..ServiceForm::default()
    }
}

fn cadences_form(s: &ClientUpdateSettings, version: i64) -> CadencesForm {
    CadencesForm {
        version: version.to_string(),
        default_cadence: s.default_cadence.as_str().to_string(),
        segments: s
            .by_segment
            .iter()
            .map(|(name, c)| format!("{name} = {c}"))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// The cadence form read; a line that is not `segment = cadence` is named
/// `segments`, a bad default `default_cadence`.
fn parse_cadences(form: &CadencesForm) -> Result<ClientUpdateSettings, FieldProblems> {
    let mut errors = FieldProblems::new();
    let default_cadence = form.default_cadence.parse::<Cadence>().unwrap_or_else(|_| {
        errors.insert("default_cadence".into(), "updates-error-cadence");
        Cadence::Off
    });
    let mut by_segment = std::collections::BTreeMap::new();
    for line in form
        .segments
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        match line
            .split_once('=')
            .and_then(|(name, c)| Some((name.trim(), c.parse::<Cadence>().ok()?)))
        {
            Some((name, cadence)) if !name.is_empty() => {
                by_segment.insert(name.to_string(), cadence);
            }
            _ => {
                errors.insert("segments".into(), "updates-error-segments");
            }
        }
    }
    if errors.is_empty() {
        Ok(ClientUpdateSettings {
            default_cadence,
            by_segment,
        })
    } else {
        Err(errors)
    }
}

async fn settings_page(
    state: &AppState,
    auth: &PageAuth,
    form: CadencesForm,
    errors: FieldProblems,
    service_form: ServiceForm,
    service_errors: FieldProblems,
    done: &str,
) -> Result<Response, PageError> {
    let catalogue: Vec<ServiceView> =
        services::list(state.store.as_ref(), auth.ws(), false, Some(1), Some(500))
            .await?
            .items;
    let chrome = Chrome::of(auth, state, "settings").await?;
    render(
        &chrome,
        "client_updates/settings.html",
        context! {
            form,
            errors,
            service_form,
            service_errors,
            catalogue,
            cadences => Cadence::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            done => (!done.is_empty()).then_some(done),
        },
    )
}

async fn current_form(state: &AppState, auth: &PageAuth) -> Result<CadencesForm, PageError> {
    let current = client_updates::settings(state.store.as_ref(), auth.ws()).await?;
    Ok(cadences_form(&current.value, current.version))
}

/// `GET /settings/client-updates`: the cadences and the catalogue.
pub async fn show_settings(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(query): Query<SettingsQuery>,
) -> Result<Response, PageError> {
    let done = match query.done.as_str() {
        d @ ("saved" | "service-added" | "service-saved") => d,
        _ => "",
    };
    let form = current_form(&state, &auth).await?;
    settings_page(
        &state,
        &auth,
        form,
        FieldProblems::new(),
        new_service_form(),
        FieldProblems::new(),
        done,
    )
    .await
}

/// `POST /settings/client-updates`: saves the cadences (owners and
/// managers); a refused form is drawn again with its problems.
pub async fn save_settings(
    State(state): State<AppState>,
    CsrfForm(auth, form): CsrfForm<CadencesForm>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let actor = auth.actor();
    save_versioned(
        &form.version,
        parse_cadences(&form),
        |cadences, version| {
            client_updates::save_settings(
                state.store.as_ref(),
                auth.ws(),
                &actor,
                cadences,
                version,
            )
        },
        Refusals {
            field: |_| ("segments", "updates-error-segments"),
            stale: "updates-error-stale",
        },
        "/settings/client-updates?done=saved",
        |errors| {
            settings_page(
                &state,
                &auth,
                form.clone(),
                errors,
                new_service_form(),
                FieldProblems::new(),
                "",
            )
        },
    )
    .await
}

fn service_input(form: &ServiceForm) -> ServiceInput {
    let description = form.description.trim();
    ServiceInput {
        name: form.name.clone(),
        description: (!description.is_empty()).then(|| description.to_string()),
        active: Some(form.active == "1"),
    }
}

/// `POST /settings/services`: adds a service (owners and managers).
pub async fn add_service(
    State(state): State<AppState>,
    CsrfForm(auth, form): CsrfForm<ServiceForm>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    match services::add(
        state.store.as_ref(),
        auth.ws(),
        service_input(&form),
        &auth.actor(),
    )
    .await
    {
        Ok(_) => Ok(see_other(
            "/settings/client-updates?done=service-added#services",
        )),
        Err(e) => {
            let errors = field_errors(e)?;
            let cadences = current_form(&state, &auth).await?;
            let page = settings_page(
                &state,
                &auth,
                cadences,
                FieldProblems::new(),
                form,
                errors,
                "",
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// `POST /settings/services/{id}`: changes a service (owners and managers);
/// a refused change is a bad request (the form is drawn from stored values).
pub async fn save_service(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<ServiceForm>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    services::edit(
        state.store.as_ref(),
        auth.ws(),
        ServiceId(id),
        service_input(&form),
        &auth.actor(),
    )
    .await
    .map_err(|e| match e {
        AppError::Invalid(_) | AppError::Conflict(_) => PageError::BadRequest,
        other => other.into(),
    })?;
    Ok(see_other(
        "/settings/client-updates?done=service-saved#services",
    ))
}
