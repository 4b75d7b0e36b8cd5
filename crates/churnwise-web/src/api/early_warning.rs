//! Health scores, alerts, the due list, workspace settings and the caller's
//! profile: `/api/v1/health-scores`, `/alerts`, `/due-list`, `/settings`, `/me`.

use crate::api::bodies::*;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Problem, ProblemField};
use crate::extract::{ApiJson, ApiQuery};
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use chrono::{NaiveDate, Utc};
use churnwise_app::bounds::{list_limit, list_window};
use churnwise_app::cases::{open_case, CaseContext};
use churnwise_app::early_warning::{due_window, refresh, DueEntry, DueOwner};
use churnwise_domain::departure::DepartureKind;
use churnwise_domain::workspace_settings::WorkspaceSettings;
use churnwise_domain::Lang;
use churnwise_store::{AlertAction, AlertFilter, AlertId, AlertStatus, ClientId, HealthFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Filters of the score list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HealthQuery {
    /// Only this client.
    pub client_id: Option<i64>,
    /// Only clients of this owner (name or email, any case).
    pub owner: Option<String>,
    /// Only clients at risk.
    pub at_risk: Option<bool>,
    /// Also former clients' scores, computed before they left (default
    /// false: former clients are left out).
    pub include_former: Option<bool>,
    /// The most rows to answer, 1 to 500 (default 500).
    pub limit: Option<u32>,
    /// Rows to skip first (default 0): the next window of the list starts
    /// at the previous `offset` plus `limit`.
    pub offset: Option<u32>,
}

/// Lists the latest health scores with every signal's contribution, lowest first.
#[utoipa::path(get, path = "/health-scores", tag = "early warning", params(HealthQuery),
    responses((status = 200, body = Vec<HealthBody>), (status = 401, body = Problem)))]
pub async fn list_scores(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<HealthQuery>,
) -> ApiResult<Json<Vec<HealthBody>>> {
    let limit = list_limit("limit", query.limit)?;
    let filter = HealthFilter {
        client: query.client_id.map(ClientId),
        owner: query.owner.filter(|o| !o.trim().is_empty()),
        at_risk_only: query.at_risk.unwrap_or(false),
        include_former: query.include_former.unwrap_or(false),
        owner_spellings: vec![],
        window: Some(list_window(limit, query.offset)),
    };
    let scores =
        churnwise_app::owners::list_health(state.store.as_ref(), auth.ws(), &filter).await?;
    Ok(Json(all(scores)))
}

/// Recomputes every client's score now (the scheduler also does it on its
/// own) and raises alerts for clients that crossed into risk.
#[utoipa::path(post, path = "/health-scores/refresh", tag = "early warning",
    responses((status = 200, body = HealthRunBody), (status = 403, body = Problem)))]
pub async fn refresh_scores(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<HealthRunBody>> {
    auth.require_write()?;
    let today = Utc::now().date_naive();
    Ok(Json(
        refresh(state.store.as_ref(), auth.ws(), today)
            .await?
            .into(),
    ))
}

/// Filters of the alert list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertQuery {
    /// Comma-separated statuses: open, acknowledged, snoozed, case_opened,
    /// resolved (default: the live ones, open, acknowledged and snoozed).
    pub status: Option<String>,
    /// Only clients of this owner.
    pub owner: Option<String>,
    /// Only this client.
    pub client_id: Option<i64>,
    /// The most rows to answer, 1 to 500 (default 500).
    pub limit: Option<u32>,
    /// Rows to skip first (default 0): the next window of the list starts
    /// at the previous `offset` plus `limit`.
    pub offset: Option<u32>,
}

/// Lists alerts, newest first.
#[utoipa::path(get, path = "/alerts", tag = "early warning", params(AlertQuery),
    responses((status = 200, body = Vec<AlertBody>), (status = 422, body = Problem)))]
pub async fn list_alerts(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<AlertQuery>,
) -> ApiResult<Json<Vec<AlertBody>>> {
    let limit = list_limit("limit", query.limit)?;
    let statuses = match query.status.as_deref().map(str::trim) {
        None | Some("") => AlertStatus::LIVE.to_vec(),
        Some(text) => text
            .split(',')
            .map(|s| s.parse::<AlertStatus>())
            .collect::<Result<_, _>>()
            .map_err(|e| ApiError::field("status", e))?,
    };
    let filter = AlertFilter {
        statuses,
        owner: query.owner.filter(|o| !o.trim().is_empty()),
        client: query.client_id.map(ClientId),
        raised_since: None,
        owner_spellings: vec![],
        window: Some(list_window(limit, query.offset)),
    };
    let alerts =
        churnwise_app::owners::list_alerts(state.store.as_ref(), auth.ws(), &filter).await?;
    Ok(Json(all(alerts)))
}

async fn act(
    state: &AppState,
    auth: &Auth,
    id: i64,
    action: AlertAction,
) -> ApiResult<Json<AlertBody>> {
    auth.require_write()?;
    state
        .store
        .update_alert(auth.ws(), AlertId(id), action, &auth.0.user.email)
        .await?
        .map(|r| Json(r.into()))
        .ok_or(ApiError::NotFound)
}

/// Marks an alert as seen and being dealt with.
#[utoipa::path(post, path = "/alerts/{id}/acknowledge", tag = "early warning",
    params(("id" = i64, Path, description = "Alert id")),
    responses((status = 200, body = AlertBody), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<AlertBody>> {
    act(&state, &auth, id, AlertAction::Acknowledge).await
}

/// Until when an alert is hidden.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SnoozeBody {
    /// The day it opens again (after today).
    pub until: NaiveDate,
}

/// Hides an alert until a day; it is open again from that day on.
#[utoipa::path(post, path = "/alerts/{id}/snooze", tag = "early warning",
    params(("id" = i64, Path, description = "Alert id")), request_body = SnoozeBody,
    responses((status = 200, body = AlertBody), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn snooze(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<SnoozeBody>,
) -> ApiResult<Json<AlertBody>> {
    if body.until <= Utc::now().date_naive() {
        return Err(ApiError::field("until", "must be a day after today"));
    }
    act(&state, &auth, id, AlertAction::Snooze(body.until)).await
}

/// The departure case to open from an alert.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseFromAlert {
    /// client_leaving (default) or team_ending.
    pub kind: Option<DepartureKind>,
    /// The notice, as for `POST /cases`.
    pub notice: churnwise_domain::departure::NoticeInput,
}

/// An alert and the case it was turned into.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertCase {
    /// The alert, now `case_opened`.
    pub alert: AlertBody,
    /// The new case.
    pub case_id: i64,
}

/// Turns an alert into a departure case for its client.
#[utoipa::path(post, path = "/alerts/{id}/case", tag = "early warning",
    params(("id" = i64, Path, description = "Alert id")), request_body = CaseFromAlert,
    responses((status = 201, body = AlertCase), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn open_case_from_alert(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CaseFromAlert>,
) -> ApiResult<(axum::http::StatusCode, Json<AlertCase>)> {
    auth.require_write()?;
    let alert = state
        .store
        .get_alert(auth.ws(), AlertId(id))
        .await?
        .ok_or(ApiError::NotFound)?;
    if !AlertStatus::LIVE.contains(&alert.status) {
        return Err(ApiError::Conflict(ProblemField {
            field: "status".into(),
            message: "the alert is closed: the client's score has recovered, or the alert was turned into a case".into(),
        }));
    }
    let cx = CaseContext::for_user(state.store.as_ref(), auth.ws(), &auth.actor().display)?;
    let case = open_case(
        &cx,
        alert.client.id,
        body.kind.unwrap_or(DepartureKind::ClientLeaving),
        body.notice,
    )
    .await?;
    // Opening the case turned the client's live alert into this case.
    let alert = state
        .store
        .get_alert(auth.ws(), alert.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(AlertCase {
            alert: alert.into(),
            case_id: case.id.0,
        }),
    ))
}

/// Filters of the due list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueListQuery {
    /// Only this owner's work (the client's owner or the action's assignee).
    pub owner: Option<String>,
    /// The day (default today).
    pub on: Option<NaiveDate>,
    /// Also former clients due for a contact (default false: the due list
    /// is for clients who are still clients; case work such as win-back
    /// follow-ups is always listed).
    pub include_former: Option<bool>,
    /// The most rows to answer, 1 to 500 (default 500).
    pub limit: Option<u32>,
    /// Rows to skip first (default 0): the next window of the list starts
    /// at the previous `offset` plus `limit`.
    pub offset: Option<u32>,
}

/// The due list: clients due for a contact, retention promises, corrective
/// actions and win-back follow-ups, most overdue first.
#[utoipa::path(get, path = "/due-list", tag = "early warning", params(DueListQuery),
    responses((status = 200, body = Vec<DueEntry>), (status = 422, body = Problem)))]
pub async fn due(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<DueListQuery>,
) -> ApiResult<Json<Vec<DueEntry>>> {
    let limit = list_limit("limit", query.limit)?;
    let on = query.on.unwrap_or_else(|| Utc::now().date_naive());
    let owner = query.owner.filter(|o| !o.trim().is_empty());
    // Only the window is read (issue 14): the list's order and entries are
    // those of the whole list.
    let owner = owner.as_deref().map_or(DueOwner::Everyone, DueOwner::Named);
    let window = due_window(
        state.store.as_ref(),
        auth.ws(),
        on,
        owner,
        query.include_former.unwrap_or(false),
        query
            .offset
            .map_or(0, |o| usize::try_from(o).unwrap_or(usize::MAX)),
        Some(limit),
    )
    .await?;
    Ok(Json(window.due))
}

/// The workspace's settings with their version.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SettingsView {
    /// Give it back unchanged when saving (0 until first saved).
    pub version: i64,
    /// The settings; a value left out takes its default.
    pub settings: WorkspaceSettings,
}

/// The workspace's settings: benchmark, keep-in-touch defaults, health
/// weights and thresholds, digest.
#[utoipa::path(get, path = "/settings", tag = "settings",
    responses((status = 200, body = SettingsView)))]
pub async fn get_settings(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<SettingsView>> {
    let current = state.store.workspace_settings(auth.ws()).await?;
    Ok(Json(SettingsView {
        version: current.version,
        settings: current.value,
    }))
}

/// Replaces the workspace's settings (managers and owners); 409 when someone
/// saved them since `version` was read, 422 naming every invalid value.
#[utoipa::path(put, path = "/settings", tag = "settings", request_body = SettingsView,
    responses((status = 200, body = SettingsView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_settings(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<SettingsView>,
) -> ApiResult<Json<SettingsView>> {
    auth.require_manage()?;
    save_settings(&state, &auth, &body.settings, body.version).await
}

/// Validates and saves workspace settings (shared with the settings page).
pub async fn save_settings(
    state: &AppState,
    auth: &Auth,
    settings: &WorkspaceSettings,
    version: i64,
) -> ApiResult<Json<SettingsView>> {
    settings.validate().map_err(|problems| {
        ApiError::Invalid(
            problems
                .into_iter()
                .map(|p| ProblemField {
                    field: format!("settings.{}", p.field),
                    message: p.reason,
                })
                .collect(),
        )
    })?;
    let saved = state
        .store
        .save_workspace_settings(auth.ws(), settings, version)
        .await?;
    let detail = format!("version {}", saved.version);
    churnwise_app::audit::record(
        state.store.as_ref(),
        auth.ws(),
        &auth.actor(),
        churnwise_app::audit::Action::SettingsChanged,
        churnwise_app::audit::Subject::Workspace,
        &detail,
    )
    .await?;
    Ok(Json(SettingsView {
        version: saved.version,
        settings: saved.value,
    }))
}

/// The signed-in user.
#[utoipa::path(get, path = "/me", tag = "session",
    responses((status = 200, body = UserBody), (status = 401, body = Problem)))]
pub async fn me(auth: Auth) -> Json<UserBody> {
    Json(auth.0.user.into())
}

/// Changes to the signed-in user's profile.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfilePatch {
    /// Display name, which client records use as owner (`null` clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    /// `en` or `es` for pages and digests (`null`: follow the browser).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub lang: Option<Option<String>>,
}

fn double_option<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Parses a language code of a profile.
pub fn parse_lang(code: &str) -> Result<Lang, ApiError> {
    crate::i18n::parse_code(code.trim()).ok_or_else(|| ApiError::field("lang", "must be en or es"))
}

/// Changes the signed-in user's display name or language.
#[utoipa::path(patch, path = "/me", tag = "session", request_body = ProfilePatch,
    responses((status = 200, body = UserBody), (status = 422, body = Problem)))]
pub async fn update_me(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<ProfilePatch>,
) -> ApiResult<Json<UserBody>> {
    let name = match body.name {
        None => None,
        Some(None) => Some(None),
        Some(Some(n)) => Some(
            churnwise_domain::registry::optional_text("name", Some(&n), 100)
                .map_err(ApiError::from)?,
        ),
    };
    let lang = match body.lang {
        None => None,
        Some(None) => Some(None),
        Some(Some(code)) => Some(Some(parse_lang(&code)?)),
    };
    Ok(Json(
        state
            .store
            .update_user_profile(auth.0.user.id, name, lang)
            .await?
            .into(),
    ))
}

/// Dismisses a Stripe cancellation from the due list (issue 15): it no
/// longer asks "record why?". Owners, managers and the client's owner may.
#[utoipa::path(post, path = "/due-list/billing-signals/{id}/dismiss", tag = "early warning",
    params(("id" = i64, Path, description = "The `billing.signal_id` of a `billing_cancelled` due entry")),
    responses((status = 204, description = "Dismissed"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn dismiss_billing_signal(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<axum::http::StatusCode> {
    use churnwise_app::billing_signals::{dismiss_cancellation, Dismissal};
    match dismiss_cancellation(
        state.store.as_ref(),
        auth.ws(),
        churnwise_store::BillingSignalId(id),
        &auth.0.user,
        auth.0.role,
        Utc::now().date_naive(),
    )
    .await?
    {
        Dismissal::Dismissed => Ok(axum::http::StatusCode::NO_CONTENT),
        Dismissal::NotAllowed => Err(ApiError::Forbidden),
    }
}
