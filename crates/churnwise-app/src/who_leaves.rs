//! The "Who leaves" review (issue #16), first part: survival by segment,
//! owner and plan from the workspace's data ([`review`]), each with its
//! log-rank result said in plain words, in English or Spanish ([`verdict`]).
//!
//! Which group leaves fastest is the one with the most events for those
//! expected were all groups alike (`events / expected_events`, the
//! log-rank test's observed over expected), the slowest the one with the
//! fewest. The chance is said in steps: "less than 1 time in 1,000" (p <
//! 0.001), "in 100" (p < 0.01), "in 20" (p < 0.05); from 0.05 on, there is
//! "no clear difference" and the chance is given as a percentage.

use crate::error::{AppError, AppResult};
use crate::i18n::{self, ArgValue};
use crate::metrics::{workspace_report, MetricsCache, MetricsQuestion};
use churnwise_domain::Lang;
use churnwise_metrics::{GroupSurvival, SurvivalBy, SurvivalByReport};
use churnwise_store::{Store, WorkspaceId};
use serde::Serialize;

pub mod period;
pub use period::{PeriodBy, PeriodDimension, PeriodGroup, PeriodReview};

/// Survival by every grouping of the review, as of one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhoLeaves {
    /// The day the subjects and durations are taken as of.
    pub as_of: chrono::NaiveDate,
    /// By segment, owner and plan, in that order.
    pub dimensions: Vec<Dimension>,
    /// Kept, lost, churn, lost MRR, reasons and fired clients per group
    /// for the months asked (see [`period`]).
    pub period: PeriodReview,
}

/// Survival by one grouping, its log-rank test and the verdict in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dimension {
    /// `by`, `groups` and `logrank` as in the metrics document.
    #[serde(flatten)]
    pub survival: SurvivalByReport,
    /// The test in plain words; `null` with fewer than two groups.
    pub verdict: Option<String>,
}

/// The review's survival part for `question` (months and as-of day, checked
/// as the metrics question is; its `survival_by` is ignored), each grouping
/// computed by the metrics engine (and cached like the metrics document).
pub async fn review(
    store: &dyn Store,
    cache: &MetricsCache,
    ws: WorkspaceId,
    question: MetricsQuestion,
    today: chrono::NaiveDate,
    lang: Lang,
) -> AppResult<WhoLeaves> {
    let base = MetricsQuestion {
        survival_by: None,
        ..question
    }
    .into_options(today)?;
    let mut dimensions = Vec::with_capacity(SurvivalBy::ALL.len());
    for by in SurvivalBy::ALL {
        let mut options = base.clone();
        options.survival_by = Some(by);
        let report = workspace_report(store, cache, ws, &options).await?;
        let survival = report.survival_by.ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("the engine left survival_by out"))
        })?;
        let verdict = verdict(&survival, lang);
        dimensions.push(Dimension { survival, verdict });
    }
    let period = period_review(store, ws, base.from, base.to, lang).await?;
    Ok(WhoLeaves {
        as_of: base.as_of,
        dimensions,
        period,
    })
}

/// The period part: the clients active at the first day of `from`, their
/// groups (usage read in chunks of [`period::USAGE_CHUNK`] as of the day
/// before), and the period's departures.
async fn period_review(
    store: &dyn Store,
    ws: WorkspaceId,
    from: churnwise_domain::Month,
    to: churnwise_domain::Month,
    lang: Lang,
) -> AppResult<PeriodReview> {
    let start = from.first_day();
    let end = to.next().first_day();
    let data = store.metrics_data(ws).await?;
    let profile = store.workspace_settings(ws).await?.value.ideal_client;
    let mut subjects = period::subjects(&data, from, to, &profile);
    drop(data);
    let usage_day = start.pred_opt().unwrap_or(start);
    for chunk in subjects.chunks_mut(period::USAGE_CHUNK) {
        let ids: Vec<_> = chunk.iter().map(|s| s.id).collect();
        let trends = store.usage_trends_of(ws, usage_day, &ids).await?;
        for s in chunk {
            s.keys[5] = period::usage_band(trends.get(&s.id)).to_string();
        }
    }
    let last_day = end.pred_opt().unwrap_or(end);
    let departures = store
        .departures_between(ws, start, last_day, period::MAX_DEPARTURES)
        .await?;
    let reasons = store.reason_list(ws).await?.value;
    Ok(PeriodReview {
        from: from.to_string(),
        to: to.to_string(),
        start,
        end,
        dimensions: period::dimensions(&subjects, &departures, &reasons, lang),
    })
}

/// The plain-words verdict of the log-rank test, or `None` without a test
/// (fewer than two groups).
pub fn verdict(report: &SurvivalByReport, lang: Lang) -> Option<String> {
    let test = report.logrank?;
    let by = i18n::message(lang, by_key(report.by), &[]);
    let text = |s: String| ArgValue::Text(s);
    if test.p_value >= 0.05 {
        let chance = i18n::percent(lang, test.p_value * 100.0);
        return Some(i18n::message(
            lang,
            "who-leaves-no-clear-difference",
            &[("by", text(by)), ("chance", text(chance))],
        ));
    }
    let ratio = |g: &GroupSurvival| {
        if g.expected_events > 0.0 {
            g.events as f64 / g.expected_events
        } else {
            1.0
        }
    };
    let fastest = report
        .groups
        .iter()
        .max_by(|a, b| ratio(a).total_cmp(&ratio(b)))?;
    let slowest = report
        .groups
        .iter()
        .min_by(|a, b| ratio(a).total_cmp(&ratio(b)))?;
    let in_times: i64 = if test.p_value < 0.001 {
        1000
    } else if test.p_value < 0.01 {
        100
    } else {
        20
    };
    let name = |g: &GroupSurvival| {
        if g.group.is_empty() {
            i18n::message(lang, "who-leaves-group-none", &[("by", text(by.clone()))])
        } else {
            g.group.clone()
        }
    };
    Some(i18n::message(
        lang,
        "who-leaves-faster",
        &[
            ("fast", text(name(fastest))),
            ("slow", text(name(slowest))),
            ("times", text(i18n::integer(lang, in_times))),
        ],
    ))
}

fn by_key(by: SurvivalBy) -> &'static str {
    match by {
        SurvivalBy::Segment => "who-leaves-by-segment",
        SurvivalBy::Owner => "who-leaves-by-owner",
        SurvivalBy::Plan => "who-leaves-by-plan",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use churnwise_metrics::{LogRank, SurvivalAt};

    fn group(name: &str, events: u64, expected_events: f64) -> GroupSurvival {
        GroupSurvival {
            group: name.to_string(),
            subjects: 100,
            events,
            median_days: None,
            survival_at_days: SurvivalAt {
                d30: 1.0,
                d90: 1.0,
                d180: 1.0,
                d365: 1.0,
            },
            expected_events,
        }
    }

    fn report(p_value: f64) -> SurvivalByReport {
        SurvivalByReport {
            by: SurvivalBy::Segment,
            groups: vec![
                group("enterprise", 5, 15.0),
                group("", 10, 10.0),
                group("smb", 30, 20.0),
            ],
            logrank: Some(LogRank {
                chi2: 20.0,
                df: 2,
                p_value,
            }),
        }
    }

    #[test]
    fn a_clear_difference_names_the_fastest_and_slowest_groups_with_the_chance() {
        assert_eq!(
            verdict(&report(0.0004), Lang::En).unwrap(),
            "smb clients leave faster than enterprise ones; a difference this large \
             would happen by chance less than 1 time in 1,000."
        );
        assert_eq!(
            verdict(&report(0.004), Lang::Es).unwrap(),
            "Los clientes smb se van más rápido que los enterprise; una diferencia así \
             ocurriría por azar menos de 1 vez de cada 100."
        );
        assert!(verdict(&report(0.03), Lang::En)
            .unwrap()
            .ends_with("less than 1 time in 20."));
    }

    #[test]
    fn from_five_percent_on_there_is_no_clear_difference() {
        assert_eq!(
            verdict(&report(0.05), Lang::En).unwrap(),
            "No clear difference between segments: a difference this large would \
             happen by chance 5.0% of the time."
        );
        assert_eq!(
            verdict(&report(0.5), Lang::Es).unwrap(),
            "Sin diferencia clara entre segmentos: una diferencia así ocurriría por \
             azar el 50,0\u{a0}% de las veces."
        );
    }

    #[test]
    fn the_empty_group_is_named_in_words_and_one_group_has_no_verdict() {
        let mut r = report(0.0001);
        r.groups[1].events = 40;
        assert!(verdict(&r, Lang::En)
            .unwrap()
            .starts_with("no-segment clients leave faster"));
        r.logrank = None;
        assert_eq!(verdict(&r, Lang::En), None);
    }
}
