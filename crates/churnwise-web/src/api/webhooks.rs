//! `/api/v1/webhooks` (issue 17, spec/integrations.md §3): the workspace's
//! outgoing webhook endpoints (owners and managers) and the delivery log,
//! through `churnwise_app::outgoing_webhooks`. See docs/webhooks.md.

use crate::api::bodies::PageBody;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use churnwise_app::outgoing_webhooks::{
    self as hooks, CreatedEndpoint, EndpointInput, EndpointView, LogEntryView,
};
use churnwise_domain::Lang;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// An endpoint to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// Where to post: an absolute `https://` URL (`http://` is accepted for
    /// receivers on the same host or network), at most 2,000 characters.
    #[schema(example = "https://example.com/churnwise-events")]
    pub url: String,
    /// The events to receive, at least one of `client.created`,
    /// `client.status_changed`, `alert.raised`, `case.opened`,
    /// `case.closed`, `cancel_flow.completed`, `invoice.overdue`.
    #[schema(example = json!(["case.opened", "case.closed"]))]
    pub events: Vec<String>,
    /// `slack` for a Slack incoming webhook (`{"text"}` instead of the
    /// signed envelope) or `signed`; when absent, a `hooks.slack.com` URL
    /// is Slack and any other is signed.
    pub kind: Option<String>,
    /// The language of Slack texts (`en` or `es`); when absent, the
    /// caller's language.
    pub lang: Option<String>,
}

/// Pagination of a list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WebhookPageQuery {
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Rows per page, 1 to 500 (default 50).
    pub per_page: Option<u32>,
}

/// Adds an endpoint (owners and managers). The answer holds its signing
/// secret, shown only here.
#[utoipa::path(post, path = "/webhooks", tag = "webhooks", request_body = CreateWebhook,
    responses((status = 201, body = CreatedEndpoint), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<CreateWebhook>,
) -> ApiResult<(StatusCode, Json<CreatedEndpoint>)> {
    auth.require_manage()?;
    let input = EndpointInput {
        url: body.url,
        events: body.events,
        kind: body.kind,
        lang: body.lang,
    };
    let made = hooks::create_endpoint(
        state.store.as_ref(),
        &state.stripe.secrets,
        auth.ws(),
        &input,
        auth.0.user.lang.unwrap_or(Lang::En),
        Utc::now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// The workspace's endpoints, oldest first (owners and managers); never
/// their secrets.
#[utoipa::path(get, path = "/webhooks", tag = "webhooks", params(WebhookPageQuery),
    responses((status = 200, body = PageBody<EndpointView>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<WebhookPageQuery>,
) -> ApiResult<Json<PageBody<EndpointView>>> {
    auth.require_manage()?;
    let page =
        hooks::list_endpoints(state.store.as_ref(), auth.ws(), query.page, query.per_page).await?;
    Ok(Json(PageBody::of(page)))
}

/// One endpoint (owners and managers); never its secret.
#[utoipa::path(get, path = "/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path, description = "Endpoint id")),
    responses((status = 200, body = EndpointView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<EndpointView>> {
    auth.require_manage()?;
    Ok(Json(
        hooks::endpoint(state.store.as_ref(), auth.ws(), id).await?,
    ))
}

/// Deletes an endpoint and its pending deliveries (owners and managers).
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path, description = "Endpoint id")),
    responses((status = 204, description = "Deleted"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    auth.require_manage()?;
    hooks::delete_endpoint(state.store.as_ref(), auth.ws(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The delivery log: every attempt, newest first (owners and managers).
#[utoipa::path(get, path = "/webhooks/deliveries", tag = "webhooks", params(WebhookPageQuery),
    responses((status = 200, body = PageBody<LogEntryView>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn deliveries(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<WebhookPageQuery>,
) -> ApiResult<Json<PageBody<LogEntryView>>> {
    auth.require_manage()?;
    let page =
        hooks::delivery_log(state.store.as_ref(), auth.ws(), query.page, query.per_page).await?;
    Ok(Json(PageBody::of(page)))
}
