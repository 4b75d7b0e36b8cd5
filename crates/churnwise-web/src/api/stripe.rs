//! The workspace's Stripe connection (issue 15):
//! `GET/PUT /api/v1/integrations/stripe`, through `churnwise_app::stripe`.
//! Never answers the key or the secret.

use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use churnwise_app::stripe::sync_job::{self, SyncJobView};
use churnwise_app::stripe::{self, ConnectionChange, ConnectionView};
use serde::Deserialize;
use utoipa::ToSchema;

/// Sets or removes the API key and the webhook signing secret: each field
/// optional (absent keeps it), `null` removes it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StripeConnectionBody {
    /// A restricted (`rk_…`) or secret (`sk_…`) key, at most 500 characters.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    pub api_key: Option<Option<String>>,
    /// The webhook signing secret (`whsec_…`), at most 500 characters.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    pub webhook_secret: Option<Option<String>>,
}

/// Tells a field sent as `null` (`Some(None)`) from an absent one (`None`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// The Stripe connection (owners and managers): whether a key is set, the
/// webhook path to register in Stripe, and the last sync report.
#[utoipa::path(get, path = "/integrations/stripe", tag = "integrations",
    responses((status = 200, body = ConnectionView), (status = 403, body = Problem)))]
pub async fn show(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<ConnectionView>> {
    auth.require_manage()?;
    Ok(Json(
        stripe::connection_view(state.store.as_ref(), auth.ws()).await?,
    ))
}

/// Sets or removes the API key and webhook secret (owners and managers),
/// stored sealed with a key outside the database. 422 naming the field
/// when a value is malformed (nothing changed).
#[utoipa::path(put, path = "/integrations/stripe", tag = "integrations",
    request_body = StripeConnectionBody,
    responses((status = 200, body = ConnectionView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<StripeConnectionBody>,
) -> ApiResult<Json<ConnectionView>> {
    auth.require_manage()?;
    let change = ConnectionChange {
        api_key: body.api_key,
        webhook_secret: body.webhook_secret,
    };
    Ok(Json(
        stripe::change_connection(
            state.store.as_ref(),
            &state.stripe,
            auth.ws(),
            change,
            &auth.actor(),
            chrono::Utc::now(),
        )
        .await?,
    ))
}

/// The workspace's running or last Stripe sync (owners and managers): its
/// state (running, finished, failed, abandoned), progress and error; 404
/// when no sync has run.
#[utoipa::path(get, path = "/integrations/stripe/sync", tag = "integrations",
    responses((status = 200, body = SyncJobView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn sync_job(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<SyncJobView>> {
    auth.require_manage()?;
    sync_job::job_view(state.store.as_ref(), auth.ws(), chrono::Utc::now())
        .await?
        .map(Json)
        .ok_or(crate::error::ApiError::NotFound)
}

/// Starts a Stripe sync in the background (owners and managers), as "Sync
/// now" does: 202 with the job, then `GET /integrations/stripe/sync` shows
/// its progress and end. 409 while another sync of the workspace runs (in
/// any server process); 422 naming `api_key` when no key is set.
#[utoipa::path(post, path = "/integrations/stripe/sync", tag = "integrations",
    responses((status = 202, body = SyncJobView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn start_sync(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<(axum::http::StatusCode, Json<SyncJobView>)> {
    auth.require_manage()?;
    let now = chrono::Utc::now();
    sync_job::start_in_background(
        state.store.clone(),
        state.stripe.clone(),
        auth.ws(),
        auth.actor(),
        now,
    )
    .await?;
    let job = sync_job::job_view(state.store.as_ref(), auth.ws(), now)
        .await?
        .ok_or(crate::error::ApiError::NotFound)?;
    Ok((axum::http::StatusCode::ACCEPTED, Json(job)))
}

/// `POST /webhooks/stripe/{endpoint}`: an event from Stripe, no session or
/// token, verified with the `Stripe-Signature` header (spec §1). 200 with
/// what became of it (applied, replay, stale, ignored); 400 for a missing,
/// wrong or old signature or a body that is not an event (nothing
/// changed); 404 for an unknown endpoint. Not in the OpenAPI document: it
/// is Stripe's interface, not churnwise's.
pub async fn webhook(
    State(state): State<AppState>,
    axum::extract::Path(endpoint): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<serde_json::Value>> {
    use churnwise_app::stripe::webhooks::{self, WebhookError};
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    match webhooks::receive(
        state.store.as_ref(),
        &state.stripe,
        &endpoint,
        signature,
        &body,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(outcome) => {
            tracing::info!(endpoint = %endpoint, outcome = outcome.as_str(), "stripe webhook");
            Ok(Json(
                serde_json::json!({"received": true, "outcome": outcome.as_str()}),
            ))
        }
        Err(WebhookError::UnknownEndpoint) => Err(crate::error::ApiError::NotFound),
        Err(WebhookError::Refused(why)) => {
            tracing::warn!(endpoint = %endpoint, reason = %why, "stripe webhook refused");
            Err(crate::error::ApiError::BadRequest(why))
        }
        Err(WebhookError::App(e)) => Err(e.into()),
    }
}
