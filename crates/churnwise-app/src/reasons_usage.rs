//! Usage of lost clients on the reasons report (issue 18): per departure
//! reason and usage metric, what the clients lost for that reason used in
//! their last [`DAYS`] days against their usual level (the [`DAYS`] days
//! before those). See docs/usage.md, "Usage of lost clients".

use crate::error::AppResult;
use crate::reports::ReasonsRequest;
use churnwise_domain::reasons_matrix::ReasonsMatrix;
use churnwise_domain::Lang;
use churnwise_store::{Store, UsageWindow, WorkspaceId};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// The days before a departure read as its "last days" (and as many
/// before them as the usual level).
pub const DAYS: u64 = 90;
/// Departures whose usage is read by one query.
pub const CHUNK: usize = 1_000;
/// The most departures one report reads usage for.
pub const MAX_DEPARTURES: i64 = 100_000;

/// One usage metric's figures over the clients lost for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MetricUsage {
    /// The metric's key.
    pub key: String,
    /// Clients who used it in their last 90 days (a total above 0).
    pub used: u32,
    /// Clients who used it in the 90 days before those, but not in their last 90.
    pub stopped: u32,
    /// Clients with usage data who used it in neither stretch.
    pub never: u32,
    /// Clients with use in the usual 90 days, whose change is in the median.
    pub compared: u32,
    /// The median of those clients' changes, last 90 days against the
    /// 90 before, in whole percent (signed; `null` when none compared).
    pub median_change_pct: Option<i64>,
    /// The sum of the last 90 days over the reason's clients.
    pub last_90_total: i64,
    /// The sum of the 90 days before over the reason's clients.
    pub usual_90_total: i64,
}

/// The usage of the clients lost for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReasonUsage {
    /// The reason's key (a column of the matrix).
    pub reason: String,
    /// Departures for it in the range (the matrix column's total).
    pub departures: u32,
    /// Of those, departures with any use of any metric in their 180 days.
    pub with_usage_data: u32,
    /// One entry per metric of [`ReasonsUsage::metrics`], in that order.
    pub metrics: Vec<MetricUsage>,
}

/// A usage metric as the report names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportMetric {
    /// The key.
    pub key: String,
    /// Its name in English.
    pub label_en: String,
    /// Its name in Spanish.
    pub label_es: String,
    /// True when more use is better.
    pub higher_is_better: bool,
}

impl ReportMetric {
    /// Its name in `lang`.
    pub fn label(&self, lang: Lang) -> &str {
        lang.pick(&self.label_en, &self.label_es)
    }
}

/// The usage part of the reasons report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReasonsUsage {
    /// The days of each stretch (90).
    pub days: u64,
    /// The metrics any lost client of the range used in its 180 days, by key.
    pub metrics: Vec<ReportMetric>,
    /// One entry per reason column of the matrix, in its order.
    pub reasons: Vec<ReasonUsage>,
}

/// The reasons matrix with the usage of the clients lost for each reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonsReport {
    /// The matrix (its fields at the top level of the JSON).
    #[serde(flatten)]
    pub matrix: ReasonsMatrix,
    /// The usage of lost clients in their last 90 days.
    pub usage: ReasonsUsage,
}

/// The median of whole percents: the middle one, or the mean of the two
/// middle ones (truncated toward zero); `None` for none.
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2
    })
}

/// The change from `usual` to `last`, in whole percent (truncated toward
/// zero); `None` without a usual level.
pub fn change_pct(last: i64, usual: i64) -> Option<i64> {
    (usual > 0).then(|| (last - usual).saturating_mul(100) / usual)
}

/// The usage of the clients lost (or fired) for each reason column of
/// `matrix`, the departures of `request`'s range read with their client,
/// their usage read in chunks of [`CHUNK`] departures.
pub async fn reasons_usage(
    store: &dyn Store,
    ws: WorkspaceId,
    request: ReasonsRequest,
    matrix: &ReasonsMatrix,
) -> AppResult<ReasonsUsage> {
    let first = request.from.first_day();
    let last = request.to.next().first_day().pred_opt().unwrap_or(first);
    let departures: Vec<_> = store
        .departures_between(ws, first, last, MAX_DEPARTURES)
        .await?
        .into_iter()
        .filter(|d| d.outcome.is_departure())
        .collect();
    let days = chrono::Days::new(DAYS);
    let mut totals: Vec<HashMap<String, (i64, i64)>> = vec![HashMap::new(); departures.len()];
    for (chunk_no, chunk) in departures.chunks(CHUNK).enumerate() {
        let windows: Vec<UsageWindow> = chunk
            .iter()
            .map(|d| {
                let split = d.end_on - days + chrono::Days::new(1);
                UsageWindow {
                    client: d.client,
                    from: split - days,
                    split,
                    to: d.end_on,
                }
            })
            .collect();
        for t in store.usage_window_totals(ws, &windows).await? {
            if let Some(m) = totals.get_mut(chunk_no * CHUNK + t.window) {
                m.insert(t.metric, (t.before, t.after));
            }
        }
    }
    let used_keys: HashSet<&str> = totals
        .iter()
        .flat_map(|m| m.iter())
        .filter(|(_, (before, after))| *before > 0 || *after > 0)
        .map(|(k, _)| k.as_str())
        .collect();
    let known = store.usage_metrics(ws).await?;
    let mut metrics: Vec<ReportMetric> = used_keys
        .iter()
        .map(|key| {
            known.iter().find(|m| m.key == *key).map_or_else(
                || ReportMetric {
                    key: key.to_string(),
                    label_en: key.to_string(),
                    label_es: key.to_string(),
                    higher_is_better: true,
                },
                |m| ReportMetric {
                    key: m.key.clone(),
                    label_en: m.label_en.clone(),
                    label_es: m.label_es.clone(),
                    higher_is_better: m.higher_is_better,
                },
            )
        })
        .collect();
    metrics.sort_by(|a, b| a.key.cmp(&b.key));
    let reasons = matrix
        .reasons
        .iter()
        .map(|column| {
            let mine: Vec<&HashMap<String, (i64, i64)>> = departures
                .iter()
                .zip(&totals)
                .filter(|(d, _)| d.primary_reason == column.key)
                .map(|(_, t)| t)
                .collect();
            let has_data =
                |t: &HashMap<String, (i64, i64)>| t.values().any(|(b, a)| *b > 0 || *a > 0);
            let with_data: Vec<_> = mine.iter().copied().filter(|t| has_data(t)).collect();
            let per_metric = metrics
                .iter()
                .map(|m| {
                    let mut row = MetricUsage {
                        key: m.key.clone(),
                        used: 0,
                        stopped: 0,
                        never: 0,
                        compared: 0,
                        median_change_pct: None,
                        last_90_total: 0,
                        usual_90_total: 0,
                    };
                    let mut changes = Vec::new();
                    for t in &with_data {
                        let (before, after) = t.get(&m.key).copied().unwrap_or((0, 0));
                        row.last_90_total = row.last_90_total.saturating_add(after);
                        row.usual_90_total = row.usual_90_total.saturating_add(before);
                        if after > 0 {
                            row.used += 1;
                        } else if before > 0 {
                            row.stopped += 1;
                        } else {
                            row.never += 1;
                        }
                        if let Some(pct) = change_pct(after, before) {
                            changes.push(pct);
                        }
                    }
                    row.compared = u32::try_from(changes.len()).unwrap_or(u32::MAX);
                    row.median_change_pct = median(&mut changes);
                    row
                })
                .collect();
            ReasonUsage {
                reason: column.key.to_string(),
                departures: u32::try_from(mine.len()).unwrap_or(u32::MAX),
                with_usage_data: u32::try_from(with_data.len()).unwrap_or(u32::MAX),
                metrics: per_metric,
            }
        })
        .collect();
    Ok(ReasonsUsage {
        days: DAYS,
        metrics,
        reasons,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [-40]), Some(-40));
        assert_eq!(median(&mut [10, -100, -40]), Some(-40));
        assert_eq!(median(&mut [-100, -40, -41, 0]), Some(-40));
        assert_eq!(median(&mut [-1, 0]), Some(0));
    }

    #[test]
    fn a_change_needs_a_usual_level() {
        assert_eq!(change_pct(60, 100), Some(-40));
        assert_eq!(change_pct(0, 100), Some(-100));
        assert_eq!(change_pct(150, 100), Some(50));
        assert_eq!(change_pct(5, 0), None);
    }
}
