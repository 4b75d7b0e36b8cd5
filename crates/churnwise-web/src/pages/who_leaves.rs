//! Dashboard → Who leaves (issue #16): survival by segment, owner and plan
//! with the verdict of the log-rank test in words, and per group of six
//! dimensions the period's kept and lost clients (from/to months), through
//! `churnwise_app::who_leaves::review` like the API and the CLI.

use super::charts::{Chart, Draw, Unit};
use super::{render, Chrome, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use churnwise_app::error::AppError;
use churnwise_app::i18n;
use churnwise_app::i18n::ArgValue;
use churnwise_app::metrics::MetricsQuestion;
use churnwise_app::who_leaves::{review, PeriodDimension};
use churnwise_domain::{parse_date, parse_month, Lang, Month};
use churnwise_metrics::SurvivalBy;
use minijinja::context;
use serde::{Deserialize, Serialize};

/// The page's query: the as-of day (default today) and the period's
/// months (default the last twelve full months).
#[derive(Debug, Default, Deserialize)]
pub struct WhoLeavesPageQuery {
    /// YYYY-MM-DD.
    #[serde(default)]
    pub as_of: String,
    /// First month, YYYY-MM.
    #[serde(default)]
    pub from: String,
    /// Last month, YYYY-MM.
    #[serde(default)]
    pub to: String,
}

/// One group of the period part as the page shows it.
#[derive(Debug, Serialize)]
struct PeriodGroupView {
    label: String,
    at_start: String,
    kept: String,
    lost: String,
    churn: String,
    lost_mrr: String,
    reasons: Vec<String>,
    fired: Vec<String>,
    fired_more: Option<String>,
}

/// One dimension of the period part as the page shows it.
#[derive(Debug, Serialize)]
struct PeriodDimensionView {
    by: &'static str,
    heading: String,
    groups: Vec<PeriodGroupView>,
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
    /// The groups' curves at the document's days (0, 30, 90, 180, 365),
    /// the [`CHART_GROUPS`] largest groups; none without clients.
    chart: Option<Chart>,
}

/// At most this many groups are drawn in a survival chart (the largest;
/// the table lists them all).
pub const CHART_GROUPS: usize = 8;

/// The survival chart of one grouping: a line per group through the
/// curve's values at 0, 30, 90, 180 and 365 days (spec/metrics.md gives the
/// curve at those days), in percent.
fn survival_chart(groups: &[churnwise_metrics::GroupSurvival], lang: Lang) -> Option<Chart> {
    let mut drawn: Vec<&churnwise_metrics::GroupSurvival> =
        groups.iter().filter(|g| g.subjects > 0).collect();
    if drawn.is_empty() {
        return None;
    }
    drawn.sort_by(|a, b| b.subjects.cmp(&a.subjects).then(a.group.cmp(&b.group)));
    drawn.truncate(CHART_GROUPS);
    let x = [0, 30, 90, 180, 365]
        .iter()
        .map(|d| {
            i18n::message(
                lang,
                "who-leaves-chart-day",
                &[("days", ArgValue::Number(f64::from(*d)))],
            )
        })
        .collect();
    let mut chart = Chart::xy(i18n::code(lang), Unit::Percent, x);
    for g in drawn {
        let at = &g.survival_at_days;
        let name = if g.group.is_empty() {
            i18n::message(lang, "who-leaves-none", &[])
        } else {
            g.group.clone()
        };
        chart = chart.with(
            name,
            Draw::Line,
            [1.0, at.d30, at.d90, at.d180, at.d365]
                .iter()
                .map(|v| Some((v * 1000.0).round() / 10.0))
                .collect(),
        );
    }
    Some(chart)
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
    let default_to = Month::of(today).plus(-1);
    let default_from = default_to.plus(-11);
    let mut from_error: Option<String> = None;
    let mut to_error: Option<String> = None;
    let month = |text: &str, default: Month, error: &mut Option<String>| {
        let text = text.trim();
        if text.is_empty() {
            return default;
        }
        parse_month(text).unwrap_or_else(|e| {
            *error = Some(e.to_string());
            default
        })
    };
    let from = month(&query.from, default_from, &mut from_error);
    let to = month(&query.to, default_to, &mut to_error);
    let question = |from: Month, to: Month| MetricsQuestion {
        from: Some(from.to_string()),
        to: Some(to.to_string()),
        as_of: Some(as_of.to_string()),
        ..MetricsQuestion::default()
    };
    let ws = auth.ws();
    let store = state.store.as_ref();
    let cache = &state.metrics_cache;
    let (doc, from, to) = match review(store, cache, ws, question(from, to), today, lang).await {
        Ok(doc) => (doc, from, to),
        // A period the review refuses (from after to, too long) is said
        // next to its field, and the default period shown.
        Err(AppError::Invalid(problems)) => {
            for p in problems {
                match p.field.as_str() {
                    "to" => to_error = Some(p.message),
                    _ => from_error = Some(p.message),
                }
            }
            let doc = review(
                store,
                cache,
                ws,
                question(default_from, default_to),
                today,
                lang,
            )
            .await?;
            (doc, default_from, default_to)
        }
        Err(e) => return Err(e.into()),
    };
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
            chart: survival_chart(&d.survival.groups, lang),
        })
        .collect();
    let period: Vec<PeriodDimensionView> = doc
        .period
        .dimensions
        .iter()
        .map(|d| period_view(d, lang))
        .collect();
    render(
        &chrome,
        "who_leaves.html",
        context! {
            dimensions,
            period,
            period_title => i18n::message(
                lang,
                "who-leaves-period-title",
                &[
                    ("from", ArgValue::Text(from.to_string())),
                    ("to", ArgValue::Text(to.to_string())),
                ],
            ),
            as_of => doc.as_of.to_string(),
            as_of_error,
            from => if from_error.is_some() { query.from.trim().to_string() } else { from.to_string() },
            to => if to_error.is_some() { query.to.trim().to_string() } else { to.to_string() },
            from_error,
            to_error,
        },
    )
}

fn period_view(d: &PeriodDimension, lang: Lang) -> PeriodDimensionView {
    let n = |v: u64| i18n::integer(lang, i64::try_from(v).unwrap_or(i64::MAX));
    PeriodDimensionView {
        by: d.by.as_str(),
        heading: i18n::message(
            lang,
            &format!("who-leaves-period-heading-{}", d.by.as_str()),
            &[],
        ),
        groups: d
            .groups
            .iter()
            .map(|g| PeriodGroupView {
                label: g.label.clone(),
                at_start: n(g.clients_at_start),
                kept: n(g.kept),
                lost: n(g.lost),
                churn: g
                    .churn_rate_pct
                    .map_or_else(|| "–".to_string(), |p| i18n::percent(lang, p)),
                lost_mrr: i18n::money(lang, g.lost_mrr_cents),
                reasons: g
                    .top_reasons
                    .iter()
                    .map(|r| format!("{} ({})", r.label, n(r.count)))
                    .collect(),
                fired: g
                    .fired
                    .iter()
                    .map(|f| {
                        if f.warning_signs.is_empty() {
                            f.name.clone()
                        } else {
                            format!("{} ({})", f.name, f.warning_signs.join(", "))
                        }
                    })
                    .collect(),
                fired_more: (g.fired_count > g.fired.len() as u64)
                    .then(|| format!("+{}", n(g.fired_count - g.fired.len() as u64))),
            })
            .collect(),
    }
}
