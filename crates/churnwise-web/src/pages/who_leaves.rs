//! Dashboard → Who leaves (issue #16, first part): survival by segment,
//! owner and plan with the verdict of the log-rank test in words, through
//! `churnwise_app::who_leaves::review` like the API and the CLI.

use super::{render, Chrome, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use churnwise_app::i18n;
use churnwise_app::metrics::MetricsQuestion;
use churnwise_app::who_leaves::review;
use churnwise_domain::{parse_date, Month};
use churnwise_metrics::SurvivalBy;
use minijinja::context;
use serde::{Deserialize, Serialize};

/// The page's query: the as-of day (default today); the months default to
/// the last twelve.
#[derive(Debug, Default, Deserialize)]
pub struct WhoLeavesPageQuery {
    /// YYYY-MM-DD.
    #[serde(default)]
    pub as_of: String,
}

/// One group as the page shows it.
#[derive(Debug, Serialize)]
struct GroupView {
    name: String,
    subjects: String,
    events: String,
    median_days: Option<String>,
    at_365: String,
}

/// One grouping as the page shows it.
#[derive(Debug, Serialize)]
struct DimensionView {
    by: &'static str,
    heading: String,
    groups: Vec<GroupView>,
    verdict: Option<String>,
}

/// `GET /dashboard/who-leaves`.
pub async fn show(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(query): Query<WhoLeavesPageQuery>,
) -> Result<Response, PageError> {
    let chrome = Chrome::of(&auth, &state, "dashboard").await?;
    let lang = i18n::parse_code(chrome.lang).unwrap_or_default();
    let today = chrono::Local::now().date_naive();
    let as_of_error = !query.as_of.trim().is_empty() && parse_date(query.as_of.trim()).is_err();
    let as_of = if as_of_error || query.as_of.trim().is_empty() {
        today
    } else {
        parse_date(query.as_of.trim()).unwrap_or(today)
    };
    let to = Month::of(today).plus(-1);
    let question = MetricsQuestion {
        from: Some(to.plus(-11).to_string()),
        to: Some(to.to_string()),
        as_of: Some(as_of.to_string()),
        ..MetricsQuestion::default()
    };
    let doc = review(
        state.store.as_ref(),
        &state.metrics_cache,
        auth.ws(),
        question,
        today,
        lang,
    )
    .await?;
    let dimensions: Vec<DimensionView> = doc
        .dimensions
        .iter()
        .map(|d| DimensionView {
            by: d.survival.by.as_str(),
            heading: i18n::message(
                lang,
                match d.survival.by {
                    SurvivalBy::Segment => "who-leaves-heading-segment",
                    SurvivalBy::Owner => "who-leaves-heading-owner",
                    SurvivalBy::Plan => "who-leaves-heading-plan",
                },
                &[],
            ),
            groups: d
                .survival
                .groups
                .iter()
                .map(|g| GroupView {
                    name: g.group.clone(),
                    subjects: i18n::integer(lang, i64::try_from(g.subjects).unwrap_or(i64::MAX)),
                    events: i18n::integer(lang, i64::try_from(g.events).unwrap_or(i64::MAX)),
                    median_days: g.median_days.map(|m| i18n::integer(lang, m)),
                    at_365: i18n::percent(lang, g.survival_at_days.d365 * 100.0),
                })
                .collect(),
            verdict: d.verdict.clone(),
        })
        .collect();
    render(
        &chrome,
        "who_leaves.html",
        context! {
            dimensions,
            as_of => doc.as_of.to_string(),
            as_of_error,
        },
    )
}
