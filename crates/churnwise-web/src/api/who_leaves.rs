//! `GET /api/v1/reports/who-leaves` (issue #16): survival by segment, owner
//! and plan for the signed-in workspace, each with its log-rank test and the
//! verdict in plain words (en or es), and the period's kept and lost clients
//! per group (`period`).

use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::ApiQuery;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use churnwise_app::metrics::MetricsQuestion;
use churnwise_app::who_leaves::{review, WhoLeaves};
use churnwise_domain::Lang;
use serde::Deserialize;
use utoipa::IntoParams;

/// The period and language of the review.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WhoLeavesQuery {
    /// First month, YYYY-MM (required).
    pub from: Option<String>,
    /// Last month, YYYY-MM (required).
    pub to: Option<String>,
    /// Day the survival subjects are taken as of, YYYY-MM-DD (default today).
    pub as_of: Option<String>,
    /// Language of the verdicts and labels: en (default) or es.
    #[param(value_type = Option<String>)]
    pub lang: Option<Lang>,
}

/// Survival by segment, owner and plan, with the log-rank test and a verdict;
/// per group of segment, owner, plan, tenure, MRR, usage band and fit with the ideal client profile, the period's
/// clients at start, kept, lost, churn rate, lost MRR, top reasons and fired clients.
#[utoipa::path(get, path = "/reports/who-leaves", tag = "reports", params(WhoLeavesQuery),
    responses((status = 200, body = Object, description = "as_of, dimensions[{by, groups[{group, subjects, events, median_days, survival_at_days}], logrank{chi2, df, p_value}|null, verdict|null}], period{from, to, start, end, dimensions[{by: segment|owner|plan|tenure|mrr|usage|fit, groups[{group, label, other, clients_at_start, kept, lost, churn_rate_pct|null, lost_mrr_cents, top_reasons[{reason, label, count}], fired_count, fired[{client_id, name, end_on, warning_flags, warning_signs}]}]}]} (docs/who-leaves.md)"),
        (status = 422, body = Problem)))]
pub async fn who_leaves(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<WhoLeavesQuery>,
) -> ApiResult<Json<WhoLeaves>> {
    let question = MetricsQuestion {
        from: query.from,
        to: query.to,
        as_of: query.as_of,
        ..MetricsQuestion::default()
    };
    Ok(Json(
        review(
            state.store.as_ref(),
            &state.metrics_cache,
            auth.ws(),
            question,
            chrono::Local::now().date_naive(),
            query.lang.unwrap_or(Lang::En),
        )
        .await?,
    ))
}
