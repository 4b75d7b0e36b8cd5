//! `GET /api/v1/metrics`: the metrics document of spec/metrics.md for the
//! signed-in workspace, computed from its stored data by the same engine as
//! file mode.

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiQuery;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use churnwise_app::metrics::{workspace_report, MetricsQuestion};
use churnwise_metrics::{MetricsOptions, MetricsReport};

use serde::Deserialize;
use utoipa::IntoParams;

/// The question: which months, as of which day, with which settings.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MetricsQuery {
    /// First month, YYYY-MM (required).
    pub from: Option<String>,
    /// Last month, YYYY-MM (required).
    pub to: Option<String>,
    /// Day the figures are computed as of, YYYY-MM-DD (default today).
    pub as_of: Option<String>,
    /// Days of grace after the due date (default 30).
    pub grace_days: Option<u32>,
    /// Monthly churn benchmark in percent (default: the workspace's setting,
    /// 7 unless changed).
    pub benchmark: Option<f64>,
    /// Months to forecast (default 6).
    pub forecast_months: Option<u32>,
    /// Survival split by `segment`, `owner` or `plan`, with the log-rank
    /// test (`survival_by` in the document; absent when not given).
    #[param(pattern = "^(segment|owner|plan)$")]
    pub survival_by: Option<String>,
}

impl MetricsQuery {
    /// Validates the query into engine options, naming every bad parameter.
    pub fn into_options(self, today: chrono::NaiveDate) -> Result<MetricsOptions, ApiError> {
        Ok(MetricsQuestion {
            from: self.from,
            to: self.to,
            as_of: self.as_of,
            grace_days: self.grace_days,
            benchmark: self.benchmark,
            forecast_months: self.forecast_months,
            survival_by: self.survival_by,
        }
        .into_options(today)?)
    }
}

/// The metrics document for the signed-in workspace.
#[utoipa::path(get, path = "/metrics", tag = "metrics", params(MetricsQuery),
    responses((status = 200, description = "The document of spec/metrics.md"), (status = 422, body = Problem)))]
pub async fn metrics(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(mut query): ApiQuery<MetricsQuery>,
) -> ApiResult<Json<MetricsReport>> {
    if query.benchmark.is_none() {
        let settings = state.store.workspace_settings(auth.ws()).await?.value;
        query.benchmark = Some(settings.benchmark_pct);
    }
    let options = query.into_options(chrono::Local::now().date_naive())?;
    Ok(Json(
        workspace_report(
            state.store.as_ref(),
            &state.metrics_cache,
            auth.ws(),
            &options,
        )
        .await?,
    ))
}
