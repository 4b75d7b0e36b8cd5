//! The clients the due list holds back (issue 16): due for a contact but
//! contacted as often as their segment's maximum contact frequency allows,
//! `GET /api/v1/due-list/held-back`. The limits themselves are
//! `max_contacts` of `PUT /api/v1/settings`.

use crate::api::early_warning::DueListQuery;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::ApiQuery;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use chrono::Utc;
use churnwise_app::bounds::{list_limit, window};
use churnwise_app::early_warning::{due_window, DueOwner, HeldBackEntry};

/// The clients due for a contact that the maximum contact frequency holds
/// back (left out of `/due-list`), each with its contacts counted, its limit
/// and the day it may be contacted again, the first free again first.
#[utoipa::path(get, path = "/due-list/held-back", tag = "early warning", params(DueListQuery),
    responses((status = 200, body = Vec<HeldBackEntry>), (status = 422, body = Problem)))]
pub async fn held_back(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<DueListQuery>,
) -> ApiResult<Json<Vec<HeldBackEntry>>> {
    let limit = list_limit("limit", query.limit)?;
    let on = query.on.unwrap_or_else(|| Utc::now().date_naive());
    let owner = query.owner.filter(|o| !o.trim().is_empty());
    // The held-back clients without the due list itself (issue 14).
    let owner = owner.as_deref().map_or(DueOwner::Everyone, DueOwner::Named);
    let lists = due_window(
        state.store.as_ref(),
        auth.ws(),
        on,
        owner,
        query.include_former.unwrap_or(false),
        0,
        Some(0),
    )
    .await?;
    Ok(Json(window(lists.held_back, query.offset, limit)))
}
