//! Exclusivities of a client (issue 16): `GET`/`POST
//! /api/v1/clients/{id}/exclusivities`, `DELETE
//! /api/v1/clients/{id}/exclusivities/{eid}` and `GET
//! /api/v1/clients/{id}/exclusivity-conflicts`, through
//! `churnwise_app::exclusivity`. See docs/clients.md.

use crate::api::bodies::{PageBody, PageQuery};
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use churnwise_app::exclusivity::{self, ClientInsideView, ExclusivityInput, ExclusivityView};
use churnwise_store::{ClientId, ExclusivityId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An exclusivity to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateExclusivity {
    /// `segment` or `competitors`.
    #[schema(example = "segment")]
    pub kind: String,
    /// The segment (required for kind `segment`, at most 100 characters).
    pub segment: Option<String>,
    /// The competitors' names (kind `competitors`): 1 to 20 names, each at
    /// most 100 characters.
    #[serde(default)]
    pub competitors: Vec<String>,
    /// First day in force (YYYY-MM-DD, required).
    pub starts_on: Option<String>,
    /// Last day in force (YYYY-MM-DD, not before `starts_on`); open-ended
    /// when absent.
    pub ends_on: Option<String>,
    /// A note, at most 500 characters.
    pub note: Option<String>,
}

/// A client's exclusivity conflicts today.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExclusivityConflicts {
    /// Other clients' exclusivities in force that this client falls inside
    /// (at most 50).
    pub falls_inside: Vec<ExclusivityView>,
    /// The clients falling inside this client's exclusivities in force (at
    /// most 50, by name).
    pub clients_inside: Vec<ClientInsideView>,
}

/// One page of the exclusivities a client holds, latest start first.
#[utoipa::path(get, path = "/clients/{id}/exclusivities", tag = "clients",
    params(("id" = i64, Path, description = "Client id"), PageQuery),
    responses((status = 200, body = PageBody<ExclusivityView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<PageBody<ExclusivityView>>> {
    let page = exclusivity::list(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        query.page,
        query.per_page,
    )
    .await?;
    Ok(Json(PageBody::of(page)))
}

/// Adds an exclusivity held by a client.
#[utoipa::path(post, path = "/clients/{id}/exclusivities", tag = "clients",
    params(("id" = i64, Path, description = "Client id")), request_body = CreateExclusivity,
    responses((status = 201, body = ExclusivityView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CreateExclusivity>,
) -> ApiResult<(StatusCode, Json<ExclusivityView>)> {
    auth.require_write()?;
    let input = ExclusivityInput {
        kind: body.kind,
        segment: body.segment,
        competitors: body.competitors,
        starts_on: body.starts_on,
        ends_on: body.ends_on,
        note: body.note,
    };
    let made = exclusivity::add(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        input,
        &auth.actor(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// Removes an exclusivity a client holds.
#[utoipa::path(delete, path = "/clients/{id}/exclusivities/{eid}", tag = "clients",
    params(("id" = i64, Path, description = "Client id"), ("eid" = i64, Path, description = "Exclusivity id")),
    responses((status = 204, description = "Removed"), (status = 404, body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, eid)): Path<(i64, i64)>,
) -> ApiResult<StatusCode> {
    auth.require_write()?;
    exclusivity::remove(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        ExclusivityId(eid),
        &auth.actor(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The exclusivities of other clients this client falls inside today, and
/// the clients falling inside its own.
#[utoipa::path(get, path = "/clients/{id}/exclusivity-conflicts", tag = "clients",
    params(("id" = i64, Path, description = "Client id")),
    responses((status = 200, body = ExclusivityConflicts), (status = 404, body = Problem)))]
pub async fn conflicts(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<ExclusivityConflicts>> {
    let today = chrono::Utc::now().date_naive();
    let store = state.store.as_ref();
    let falls_inside =
        exclusivity::conflicts_of_client(store, auth.ws(), ClientId(id), today).await?;
    let clients_inside = exclusivity::clients_inside(store, auth.ws(), ClientId(id), today).await?;
    Ok(Json(ExclusivityConflicts {
        falls_inside,
        clients_inside,
    }))
}
