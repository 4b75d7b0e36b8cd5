//! The audit log (`/api/v1/audit`, owners only) and a client's personal
//! data (`/api/v1/clients/{id}/personal-data` for managers and owners,
//! `/api/v1/clients/{id}/erase` for owners). The use cases are
//! `churnwise_app::audit` and `churnwise_app::privacy`.

use crate::api::bodies::{ClientBody, PageBody};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiQuery;
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use churnwise_app::audit::{self, Actor};
use churnwise_app::privacy;
use churnwise_store::{AuditEntry, ClientId, ErasureSummary};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One entry of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryBody {
    /// The entry's number (newer entries have larger numbers).
    pub id: i64,
    /// When the change was made.
    pub at: chrono::DateTime<chrono::Utc>,
    /// The user who made it; none for churnwise itself or the command line.
    pub actor_user_id: Option<i64>,
    /// Who made it, as shown.
    pub actor: String,
    /// What was done, a stable key such as `client.created`.
    pub action: String,
    /// The kind of thing changed (`client`, `contact`, `member`, `token`, …).
    pub subject_type: String,
    /// Its id, when it has one.
    pub subject_id: Option<i64>,
    /// The client the change concerns, if any.
    pub client_id: Option<i64>,
    /// A short detail (never a secret; blank once the client is erased).
    pub detail: String,
}

impl From<AuditEntry> for AuditEntryBody {
    fn from(e: AuditEntry) -> Self {
        AuditEntryBody {
            id: e.id,
            at: e.at,
            actor_user_id: e.actor_user.map(|u| u.0),
            actor: e.actor,
            action: e.action,
            subject_type: e.subject_type,
            subject_id: e.subject_id,
            client_id: e.client.map(|c| c.0),
            detail: e.detail,
        }
    }
}

/// Pagination of the audit log.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Rows per page, 1 to 500 (default 50).
    pub per_page: Option<u32>,
}

/// What an erase replaced.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErasureBody {
    /// The client after the erase.
    pub client: ClientBody,
    /// Contacts erased.
    pub contacts: u64,
    /// Interaction notes erased.
    pub interactions: u64,
    /// Cases whose free texts were erased.
    pub cases: u64,
    /// History entries rewritten without their free texts.
    pub history_entries: u64,
    /// Audit entries about the client whose detail was blanked.
    pub audit_entries: u64,
}

impl ErasureBody {
    fn of(client: ClientBody, s: ErasureSummary) -> Self {
        ErasureBody {
            client,
            contacts: s.contacts,
            interactions: s.interactions,
            cases: s.cases,
            history_entries: s.history_entries,
            audit_entries: s.audit_entries,
        }
    }
}

/// The workspace's audit log, newest first (owners only).
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = PageBody<AuditEntryBody>), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_audit(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> ApiResult<Json<PageBody<AuditEntryBody>>> {
    auth.require_owner()?;
    let page = audit::list(state.store.as_ref(), auth.ws(), query.page, query.per_page).await?;
    Ok(Json(PageBody::of(page)))
}

/// Everything stored about a client and its contacts: the client record,
/// contacts, subscriptions, invoices, interactions, departure cases with
/// their whole documents and history (exit conversation, survey answers…),
/// the latest health score, alerts and the audit entries about it
/// (managers and owners; the export is recorded in the audit log).
#[utoipa::path(get, path = "/clients/{id}/personal-data", tag = "clients",
    params(("id" = i64, Path, description = "Client id")),
    responses((status = 200, body = serde_json::Value, description = "Everything stored about the client"),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn personal_data(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<privacy::PersonalData>> {
    auth.require_manage()?;
    let actor = Actor::user(&auth.0.user);
    let data =
        privacy::personal_data(state.store.as_ref(), auth.ws(), ClientId(id), &actor).await?;
    Ok(Json(data))
}

/// Erases the personal data of a client and its contacts (owners only):
/// names become `erased-ID`, emails and phones are removed, notes and free
/// texts (interaction notes, the client's words, survey answers, handover
/// details…) become `[erased]`; amounts, dates, statuses and reasons stay,
/// so the metrics do not change. Recorded in the audit log.
#[utoipa::path(post, path = "/clients/{id}/erase", tag = "clients",
    params(("id" = i64, Path, description = "Client id")),
    responses((status = 200, body = ErasureBody), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn erase(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<ErasureBody>> {
    auth.require_owner()?;
    let actor = Actor::user(&auth.0.user);
    let store = state.store.as_ref();
    let summary = privacy::erase(store, auth.ws(), ClientId(id), &actor, "on request").await?;
    let client = store
        .get_client(auth.ws(), ClientId(id))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(ErasureBody::of(client.into(), summary)))
}
