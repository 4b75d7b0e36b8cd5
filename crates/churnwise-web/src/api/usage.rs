//! Usage (issue 18): events in (`POST /usage`) and the workspace's usage
//! metrics (`GET /usage/metrics`, `PUT /usage/metrics/{key}`), through
//! `churnwise_app::usage`. See docs/usage.md.

use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use chrono::Utc;
use churnwise_app::usage;
use churnwise_store::UsageMetric;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A batch of usage events.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageBatch {
    /// At most 10,000 events, each `{"client": "<external id>", "metric":
    /// "logins", "on": "2026-11-03", "value": 3, "id": "optional"}`: `at`
    /// (an RFC 3339 timestamp, its UTC date taken) instead of `on`; `value`
    /// a whole number from 0 to 1,000,000,000, 1 when absent; `id` makes
    /// the event count once however often it is sent.
    #[schema(value_type = Vec<UsageEventBody>)]
    pub events: Vec<serde_json::Value>,
}

/// One usage event as sent.
#[derive(Debug, Deserialize, ToSchema)]
#[expect(
    dead_code,
    reason = "documents the shape; events are checked one by one"
)]
pub struct UsageEventBody {
    /// The client's external id.
    client: String,
    /// The metric's key: lowercase letters, digits, `_`, `.`, `-`, at most 64.
    metric: String,
    /// The day it counts on (or give `at`).
    on: Option<chrono::NaiveDate>,
    /// A timestamp whose UTC date it counts on (or give `on`).
    at: Option<String>,
    /// How much it adds (default 1).
    value: Option<i64>,
    /// The sender's id: an event sent again with it counts once.
    id: Option<String>,
}

/// What a batch did.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsageAccepted {
    /// Events added to the daily totals.
    pub accepted: u64,
    /// Events whose id was seen before, or earlier in the batch: not added.
    pub duplicates: u64,
    /// Metrics created because their key was new.
    pub new_metrics: u64,
}

/// Adds usage events to the clients' daily totals (members who may write
/// records). All or nothing: 422 names every bad event (`events[3].on`),
/// and then nothing is stored.
#[utoipa::path(post, path = "/usage", tag = "usage", request_body = UsageBatch,
    responses((status = 200, body = UsageAccepted), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn post_events(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<UsageBatch>,
) -> ApiResult<Json<UsageAccepted>> {
    auth.require_write()?;
    let done = usage::ingest(state.store.as_ref(), auth.ws(), &body.events, Utc::now()).await?;
    Ok(Json(UsageAccepted {
        accepted: done.accepted,
        duplicates: done.duplicates,
        new_metrics: done.new_metrics,
    }))
}

/// One usage metric.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsageMetricBody {
    /// The key events are sent with.
    pub key: String,
    /// Its name in English.
    pub label_en: String,
    /// Its name in Spanish.
    pub label_es: String,
    /// True when more use is better; false when less is (errors).
    pub higher_is_better: bool,
}

impl From<UsageMetric> for UsageMetricBody {
    fn from(m: UsageMetric) -> Self {
        UsageMetricBody {
            key: m.key,
            label_en: m.label_en,
            label_es: m.label_es,
            higher_is_better: m.higher_is_better,
        }
    }
}

/// The workspace's usage metrics, by key.
#[utoipa::path(get, path = "/usage/metrics", tag = "usage",
    responses((status = 200, body = Vec<UsageMetricBody>)))]
pub async fn list_metrics(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<Vec<UsageMetricBody>>> {
    let metrics = usage::metrics(state.store.as_ref(), auth.ws()).await?;
    Ok(Json(metrics.into_iter().map(Into::into).collect()))
}

/// A metric's names and direction.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutUsageMetric {
    /// Its name in English.
    pub label_en: String,
    /// Its name in Spanish.
    pub label_es: String,
    /// True when more use is better; false when less is (errors).
    pub higher_is_better: bool,
}

/// Names a usage metric and says which way is better (owners and
/// managers); creates it when the key is new.
#[utoipa::path(put, path = "/usage/metrics/{key}", tag = "usage", params(("key" = String, Path)),
    request_body = PutUsageMetric,
    responses((status = 200, body = UsageMetricBody), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_metric(
    State(state): State<AppState>,
    auth: Auth,
    Path(key): Path<String>,
    ApiJson(body): ApiJson<PutUsageMetric>,
) -> ApiResult<Json<UsageMetricBody>> {
    auth.require_manage()?;
    let metric = usage::put_metric(
        state.store.as_ref(),
        auth.ws(),
        &key,
        &body.label_en,
        &body.label_es,
        body.higher_is_better,
        &auth.actor(),
    )
    .await?;
    Ok(Json(metric.into()))
}
