//! Client updates and what else we do (issue 16, docs/client-updates.md):
//! `GET /api/v1/client-updates/due`, a client's cadence
//! (`GET`/`PUT /api/v1/clients/{id}/update-cadence`), its draft, its sent
//! updates and sending one (`/api/v1/clients/{id}/updates…`), the services
//! catalogue (`/api/v1/services`) and a client's services
//! (`/api/v1/clients/{id}/services…`), through
//! `churnwise_app::{client_updates, services}`.

use crate::api::bodies::{PageBody, PageQuery};
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use churnwise_app::client_updates::{
    self, ClientCadence, DueUpdate, SendInput, SentUpdate, UpdateDraft,
};
use churnwise_app::services::{self, ClientServices, ServiceInput, ServiceView};
use churnwise_app::AppError;
use churnwise_store::{ClientId, ServiceId};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Which due updates.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Rows per page, 1 to 500 (default 50).
    pub per_page: Option<u32>,
    /// `true` for only the caller's own clients (as the Due page shows a
    /// member); everyone's when absent.
    pub mine: Option<bool>,
}

/// The updates due today (active clients whose cadence period has passed
/// since their last update, or their start), the longest overdue first.
#[utoipa::path(get, path = "/client-updates/due", tag = "clients",
    params(DueQuery),
    responses((status = 200, body = PageBody<DueUpdate>), (status = 422, body = Problem)))]
pub async fn due(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<DueQuery>,
) -> ApiResult<Json<PageBody<DueUpdate>>> {
    let store = state.store.as_ref();
    let names = if query.mine == Some(true) {
        Some(churnwise_app::owners::names_of(store, auth.ws(), &auth.0.user).await?)
    } else {
        None
    };
    let page = client_updates::due_page(
        store,
        auth.ws(),
        today(),
        names.as_ref(),
        query.page,
        query.per_page,
    )
    .await?;
    Ok(Json(PageBody::of(page)))
}

/// A client's update cadence.
#[utoipa::path(get, path = "/clients/{id}/update-cadence", tag = "clients",
    params(("id" = i64, Path, description = "Client id")),
    responses((status = 200, body = ClientCadence), (status = 404, body = Problem)))]
pub async fn cadence(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<ClientCadence>> {
    Ok(Json(
        client_updates::cadence_of(state.store.as_ref(), auth.ws(), ClientId(id)).await?,
    ))
}

/// A client's own cadence to set.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetCadence {
    /// `off`, `monthly` or `quarterly`; `default` or `null` for its
    /// segment's (the workspace settings' `client_updates`).
    #[schema(example = "monthly")]
    pub cadence: Option<String>,
}

/// Sets (or clears) a client's own update cadence.
#[utoipa::path(put, path = "/clients/{id}/update-cadence", tag = "clients",
    params(("id" = i64, Path, description = "Client id")), request_body = SetCadence,
    responses((status = 200, body = ClientCadence), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_cadence(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<SetCadence>,
) -> ApiResult<Json<ClientCadence>> {
    auth.require_write()?;
    Ok(Json(
        client_updates::set_cadence(
            state.store.as_ref(),
            auth.ws(),
            ClientId(id),
            body.cadence.as_deref(),
            &auth.actor(),
        )
        .await?,
    ))
}

/// The language of a draft.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DraftQuery {
    /// `en` or `es`; default: the client's language (its billing
    /// preferences), else the caller's.
    pub lang: Option<String>,
}

/// The draft of a client's next update: the client-visible work since the
/// last update, its figures and at most one suggested service, in the
/// client's language. Reading it stores nothing.
#[utoipa::path(get, path = "/clients/{id}/updates/draft", tag = "clients",
    params(("id" = i64, Path, description = "Client id"), DraftQuery),
    responses((status = 200, body = UpdateDraft), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn draft(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiQuery(query): ApiQuery<DraftQuery>,
) -> ApiResult<Json<UpdateDraft>> {
    let store = state.store.as_ref();
    let asked = match query.lang.as_deref() {
        None => None,
        Some(code) => Some(
            churnwise_app::i18n::parse_code(code)
                .ok_or_else(|| AppError::field("lang", "must be en or es"))?,
        ),
    };
    let fallback = auth.0.user.lang.unwrap_or(churnwise_domain::Lang::En);
    let lang =
        churnwise_app::final_report::client_lang(store, auth.ws(), ClientId(id), asked, fallback)
            .await?;
    Ok(Json(
        client_updates::draft(store, auth.ws(), ClientId(id), lang, today()).await?,
    ))
}

/// One page of a client's sent updates, newest first.
#[utoipa::path(get, path = "/clients/{id}/updates", tag = "clients",
    params(("id" = i64, Path, description = "Client id"), PageQuery),
    responses((status = 200, body = PageBody<SentUpdate>), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn list_sent(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<PageBody<SentUpdate>>> {
    let page = client_updates::list_sent(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        query.page,
        query.per_page,
    )
    .await?;
    Ok(Json(PageBody::of(page)))
}

/// An update to send.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendUpdate {
    /// The subject (required, at most 200 characters).
    pub subject: String,
    /// The text (required, at most 20,000 characters).
    pub body: String,
    /// `email` (to the client's contacts with an address, at most 20) or
    /// `download` (handed over as a printable page: only recorded).
    #[schema(example = "email")]
    pub channel: String,
    /// The draft's suggested service, to record as offered; refused unless
    /// an update may suggest it now.
    pub suggested_service_id: Option<i64>,
}

/// Sends a client's update by email, or records it as handed over: stored
/// as sent, logged as an email interaction (it counts as contact), its
/// suggestion recorded as offered. 409 naming `channel` when the server has
/// no SMTP set-up; 422 naming `contacts` when no contact has an email.
#[utoipa::path(post, path = "/clients/{id}/updates/send", tag = "clients",
    params(("id" = i64, Path, description = "Client id")), request_body = SendUpdate,
    responses((status = 201, body = SentUpdate), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn send(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<SendUpdate>,
) -> ApiResult<(StatusCode, Json<SentUpdate>)> {
    auth.require_write()?;
    let mailer = state.mailer.clone();
    let sent = client_updates::send(
        state.store.as_ref(),
        auth.ws(),
        mailer.as_deref(),
        ClientId(id),
        SendInput {
            subject: body.subject,
            body: body.body,
            channel: Some(body.channel),
            suggested_service_id: body.suggested_service_id,
        },
        today(),
        &auth.actor(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(sent)))
}

/// Which services.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ServicesQuery {
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Rows per page, 1 to 500 (default 50).
    pub per_page: Option<u32>,
    /// `true` for only the active services.
    pub active: Option<bool>,
}

/// One page of the services catalogue, by name.
#[utoipa::path(get, path = "/services", tag = "settings",
    params(ServicesQuery),
    responses((status = 200, body = PageBody<ServiceView>), (status = 422, body = Problem)))]
pub async fn list_services(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<ServicesQuery>,
) -> ApiResult<Json<PageBody<ServiceView>>> {
    let page = services::list(
        state.store.as_ref(),
        auth.ws(),
        query.active == Some(true),
        query.page,
        query.per_page,
    )
    .await?;
    Ok(Json(PageBody::of(page)))
}

/// A service of the catalogue.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceBody {
    /// Its name (required, at most 100 characters, unique in the workspace).
    #[schema(example = "Local SEO")]
    pub name: String,
    /// What it is, for the client (at most 1,000 characters).
    pub description: Option<String>,
    /// Offered to clients while active (default true).
    pub active: Option<bool>,
}

impl From<ServiceBody> for ServiceInput {
    fn from(b: ServiceBody) -> Self {
        ServiceInput {
            name: b.name,
            description: b.description,
            active: b.active,
        }
    }
}

/// Adds a service to the catalogue (managers and owners). 409 naming
/// `name` when taken.
#[utoipa::path(post, path = "/services", tag = "settings",
    request_body = ServiceBody,
    responses((status = 201, body = ServiceView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_service(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<ServiceBody>,
) -> ApiResult<(StatusCode, Json<ServiceView>)> {
    auth.require_manage()?;
    let made = services::add(state.store.as_ref(), auth.ws(), body.into(), &auth.actor()).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// Replaces a service's name, description and active flag (managers and
/// owners).
#[utoipa::path(put, path = "/services/{id}", tag = "settings",
    params(("id" = i64, Path, description = "Service id")), request_body = ServiceBody,
    responses((status = 200, body = ServiceView), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_service(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ServiceBody>,
) -> ApiResult<Json<ServiceView>> {
    auth.require_manage()?;
    let changed = services::edit(
        state.store.as_ref(),
        auth.ws(),
        ServiceId(id),
        body.into(),
        &auth.actor(),
    )
    .await?;
    Ok(Json(changed))
}

/// Which services a client buys, was offered, and was never offered.
#[utoipa::path(get, path = "/clients/{id}/services", tag = "clients",
    params(("id" = i64, Path, description = "Client id")),
    responses((status = 200, body = ClientServices), (status = 404, body = Problem)))]
pub async fn client_services(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<ClientServices>> {
    Ok(Json(
        services::of_client(state.store.as_ref(), auth.ws(), ClientId(id)).await?,
    ))
}

/// Whether a client buys a service.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetBuys {
    /// True when the client buys it.
    pub buys: bool,
}

/// Marks whether a client buys a service of the catalogue.
#[utoipa::path(put, path = "/clients/{id}/services/{service}", tag = "clients",
    params(("id" = i64, Path, description = "Client id"), ("service" = i64, Path, description = "Service id")),
    request_body = SetBuys,
    responses((status = 200, body = ClientServices), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_buys(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, service)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<SetBuys>,
) -> ApiResult<Json<ClientServices>> {
    auth.require_write()?;
    Ok(Json(
        services::set_buys(
            state.store.as_ref(),
            auth.ws(),
            ClientId(id),
            ServiceId(service),
            body.buys,
            &auth.actor(),
        )
        .await?,
    ))
}

/// The client's answer to an offered service.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerOffer {
    /// `accepted` (the client now buys it) or `declined`.
    #[schema(example = "accepted")]
    pub answer: String,
}

/// Records the client's answer to a service an update offered; accepting
/// marks the service bought and logs an interaction note. 422 naming
/// `service_id` when it was not offered or was answered already.
#[utoipa::path(post, path = "/clients/{id}/services/{service}/answer", tag = "clients",
    params(("id" = i64, Path, description = "Client id"), ("service" = i64, Path, description = "Service id")),
    request_body = AnswerOffer,
    responses((status = 200, body = ClientServices), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn answer_offer(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, service)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<AnswerOffer>,
) -> ApiResult<Json<ClientServices>> {
    auth.require_write()?;
    Ok(Json(
        services::answer(
            state.store.as_ref(),
            auth.ws(),
            ClientId(id),
            ServiceId(service),
            &body.answer,
            today(),
            &auth.actor(),
        )
        .await?,
    ))
}
