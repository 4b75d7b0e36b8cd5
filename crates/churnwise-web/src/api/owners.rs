//! Owners are users (issue 12): the owner names found on clients, and their
//! mapping to workspace members, through `churnwise_app::owners`.

use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use churnwise_app::owners::{self, OwnerRow};
use churnwise_store::UserId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A member an owner name can be mapped to.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerMember {
    /// The user's id.
    pub id: i64,
    /// Sign-in email.
    pub email: String,
    /// Display name, if set.
    pub name: Option<String>,
}

/// The owner names in use with their mappings and suggestions, and the
/// members to map them to.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnersView {
    /// Every owner name written on the workspace's clients, by name.
    pub owners: Vec<OwnerRow>,
    /// The workspace's members.
    pub members: Vec<OwnerMember>,
}

/// Maps an owner name to a member, or removes its mapping.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnerMappingBody {
    /// The owner name as written on the clients (compared trimmed, any case).
    pub name: String,
    /// The member it means; `null` removes the mapping.
    pub user_id: Option<i64>,
}

async fn view(state: &AppState, auth: &Auth) -> ApiResult<Json<OwnersView>> {
    let (rows, members) = owners::list(state.store.as_ref(), auth.ws()).await?;
    Ok(Json(OwnersView {
        owners: rows,
        members: members
            .into_iter()
            .map(|m| OwnerMember {
                id: m.user.id.0,
                email: m.user.email,
                name: m.user.name,
            })
            .collect(),
    }))
}

/// The owner names written on the workspace's clients, each with its
/// client count, the member it is mapped to, the member whose name or email
/// it already is, and a suggested member (by name and email similarity).
#[utoipa::path(get, path = "/owners", tag = "owners",
    responses((status = 200, body = OwnersView)))]
pub async fn list(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<OwnersView>> {
    view(&state, &auth).await
}

/// Maps an owner name to a member (managers and owners), for the clients
/// there are and those imported later; `user_id: null` removes the mapping.
/// 422 when the name is blank or the user is not a member.
#[utoipa::path(put, path = "/owners", tag = "owners", request_body = OwnerMappingBody,
    responses((status = 200, body = OwnersView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<OwnerMappingBody>,
) -> ApiResult<Json<OwnersView>> {
    auth.require_manage()?;
    owners::map(
        state.store.as_ref(),
        auth.ws(),
        &body.name,
        body.user_id.map(UserId),
        &auth.actor(),
    )
    .await?;
    view(&state, &auth).await
}
