//! The review's period part (issue #16 "Ideal-client review", #18 usage
//! band): per group of six dimensions, the clients at the period's start,
//! kept and lost, the churn rate, the lost MRR, the top departure reasons
//! and the fired clients with their warning signs.
//!
//! The definitions are the metrics engine's (spec/metrics.md): a client is
//! *active* on day `d` when the MRR of its segments that count on `d`
//! (`started_on <= d < ended_on`) is above zero; over a period from `S`
//! (first day of `from`) to `E` (first day after `to`), the clients at the
//! start are those active at `S`, the lost ones those of them not active at
//! `E` (the spec's `churned_customers` taken over the whole period), the
//! lost MRR their MRR at `S` (`churned_mrr`). Every group is taken at `S`.

use churnwise_domain::departure::Outcome;
use churnwise_domain::health::UsageTrend;
use churnwise_domain::ideal_client::{FitFacts, IdealClientProfile};
use churnwise_domain::reasons::ReasonList;
use churnwise_domain::{Lang, Month};
use churnwise_store::{ClientId, MetricsData, PeriodDeparture};
use serde::Serialize;
use std::collections::HashMap;

/// At most this many named groups per dimension (segment, owner, plan); the
/// rest are summed into one "other" row.
pub const MAX_GROUPS: usize = 50;
/// At most this many fired clients listed per group (all are counted).
pub const MAX_FIRED_LISTED: usize = 20;
/// At most this many departure cases are read for one period.
pub const MAX_DEPARTURES: i64 = 100_000;
/// Clients whose usage is read at once.
pub const USAGE_CHUNK: usize = 1_000;

/// A dimension of the period part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodBy {
    /// The client's segment.
    Segment,
    /// The client's owner.
    Owner,
    /// The plan of the client's largest segment at the start.
    Plan,
    /// Time since the client's first segment started, at the start.
    Tenure,
    /// The client's MRR at the start.
    Mrr,
    /// Usage in the 28 days before the start against the 28 before those.
    Usage,
    /// Whether the client fitted the ideal client profile at the start.
    Fit,
}

impl PeriodBy {
    /// Every dimension, in the order shown.
    pub const ALL: [PeriodBy; 7] = [
        PeriodBy::Segment,
        PeriodBy::Owner,
        PeriodBy::Plan,
        PeriodBy::Tenure,
        PeriodBy::Mrr,
        PeriodBy::Usage,
        PeriodBy::Fit,
    ];

    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodBy::Segment => "segment",
            PeriodBy::Owner => "owner",
            PeriodBy::Plan => "plan",
            PeriodBy::Tenure => "tenure",
            PeriodBy::Mrr => "mrr",
            PeriodBy::Usage => "usage",
            PeriodBy::Fit => "fit",
        }
    }
}

/// The tenure bands, in order: under 3 months, 3–12 months, 1–2 years, 2
/// years or more (calendar months from the first segment's start to `S`).
pub const TENURE_BANDS: [&str; 4] = ["lt_3m", "3m_12m", "1y_2y", "2y_plus"];
/// The MRR bands, in order: under 100, 100–500, 500–2,000, 2,000 or more
/// currency units (lower bound included).
pub const MRR_BANDS: [&str; 4] = ["lt_100", "100_500", "500_2000", "2000_plus"];
/// The usage bands, in order: no usage data, steady or growing, down by
/// less than half, down by half or more (or silent).
pub const USAGE_BANDS: [&str; 4] = ["no_data", "steady", "down_lt_50", "down_50_plus"];
/// The fit bands, in order: fits the ideal client profile, does not fit,
/// no profile written (every client then).
pub const FIT_BANDS: [&str; 3] = ["fits", "does_not_fit", "no_profile"];

/// The period part of the review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodReview {
    /// First month.
    pub from: String,
    /// Last month (included).
    pub to: String,
    /// `S`: the first day of `from`.
    pub start: chrono::NaiveDate,
    /// `E`: the first day after `to`.
    pub end: chrono::NaiveDate,
    /// segment, owner, plan, tenure, mrr, usage, in that order.
    pub dimensions: Vec<PeriodDimension>,
}

/// One dimension's groups.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodDimension {
    /// Which dimension.
    pub by: PeriodBy,
    /// Its groups: by clients at start (most first) for segment, owner and
    /// plan, then the "other" row; every band in order for the bands.
    pub groups: Vec<PeriodGroup>,
}

/// One group's figures for the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodGroup {
    /// The segment, owner or plan (`""` for none), or the band's key;
    /// `""` on the "other" row.
    pub group: String,
    /// The group in the reader's words.
    pub label: String,
    /// True on the row summing the groups past the first 50.
    pub other: bool,
    /// Clients active at `S`.
    pub clients_at_start: u64,
    /// Of those, active at `E`.
    pub kept: u64,
    /// Of those, not active at `E`.
    pub lost: u64,
    /// `lost / clients_at_start * 100`; `null` without clients at start.
    pub churn_rate_pct: Option<f64>,
    /// The MRR at `S` of the lost clients, in cents.
    pub lost_mrr_cents: i64,
    /// The 3 most frequent primary reasons of the group's closed lost or
    /// fired cases ending in the period (most first, then by key).
    pub top_reasons: Vec<ReasonCount>,
    /// Cases closed as fired ending in the period.
    pub fired_count: u64,
    /// The first 20 of them, by last day.
    pub fired: Vec<FiredClient>,
}

/// A reason and how many departures gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReasonCount {
    /// The reason's key.
    pub reason: String,
    /// Its label in the reader's language.
    pub label: String,
    /// Departures with it as the primary reason.
    pub count: u64,
}

/// A client the team let go in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FiredClient {
    /// The client's id.
    pub client_id: i64,
    /// Its name.
    pub name: String,
    /// Its last day.
    pub end_on: chrono::NaiveDate,
    /// Its warning signs (keys).
    pub warning_flags: Vec<String>,
    /// The same in the reader's words.
    pub warning_signs: Vec<String>,
}

/// One client counted at `S`.
#[derive(Debug, Clone)]
pub(crate) struct Subject {
    pub(crate) id: ClientId,
    pub(crate) keys: [String; 7],
    pub(crate) mrr_start: i64,
    pub(crate) lost: bool,
}

/// The clients active at `S` with their groups, except the usage band
/// (left `""`, see [`usage_band`]); the fit band is taken with `profile`
/// from the client's segment, owner, plan and MRR at `S`.
pub(crate) fn subjects(
    data: &MetricsData,
    from: Month,
    to: Month,
    profile: &IdealClientProfile,
) -> Vec<Subject> {
    let start = from.first_day();
    let end = to.next().first_day();
    let counts = |s: &churnwise_store::MetricsSegment, d: chrono::NaiveDate| {
        s.started_on <= d && s.ended_on.is_none_or(|e| e > d)
    };
    let mut by_client: HashMap<ClientId, Vec<&churnwise_store::MetricsSegment>> = HashMap::new();
    for s in &data.segments {
        by_client.entry(s.client).or_default().push(s);
    }
    let mut out = Vec::new();
    for c in &data.customers {
        let Some(segs) = by_client.get(&c.id) else {
            continue;
        };
        let mrr_at = |d| -> i64 {
            segs.iter()
                .filter(|s| counts(s, d))
                .map(|s| s.mrr.cents())
                .sum()
        };
        let mrr_start = mrr_at(start);
        if mrr_start <= 0 {
            continue;
        }
        let lost = mrr_at(end) <= 0;
        let plan = segs
            .iter()
            .filter(|s| counts(s, start) && s.mrr.cents() > 0)
            .max_by_key(|s| (s.mrr.cents(), std::cmp::Reverse(s.started_on)))
            .and_then(|s| data.plans.get(s.plan as usize))
            .cloned()
            .unwrap_or_default();
        let first = segs.iter().map(|s| s.started_on).min().unwrap_or(start);
        let fit = fit_band(profile.misses(&FitFacts {
            segment: c.segment.as_deref(),
            plan: Some(plan.as_str()).filter(|p| !p.is_empty()),
            owner: c.owner.as_deref(),
            mrr_cents: mrr_start,
        }));
        out.push(Subject {
            id: c.id,
            keys: [
                c.segment.clone().unwrap_or_default(),
                c.owner.clone().unwrap_or_default(),
                plan,
                tenure_band(first, start).to_string(),
                mrr_band(mrr_start).to_string(),
                String::new(),
                fit.to_string(),
            ],
            mrr_start,
            lost,
        });
    }
    out
}

/// The tenure band of a client whose first segment started on `first`, at
/// `start`.
pub fn tenure_band(first: chrono::NaiveDate, start: chrono::NaiveDate) -> &'static str {
    let after = |months: u32| {
        first
            .checked_add_months(chrono::Months::new(months))
            .is_none_or(|d| d > start)
    };
    if after(3) {
        TENURE_BANDS[0]
    } else if after(12) {
        TENURE_BANDS[1]
    } else if after(24) {
        TENURE_BANDS[2]
    } else {
        TENURE_BANDS[3]
    }
}

/// The fit band of a client's misses (`None`: no profile written).
pub fn fit_band(misses: Option<Vec<churnwise_domain::ideal_client::Miss>>) -> &'static str {
    match misses {
        None => FIT_BANDS[2],
        Some(m) if m.is_empty() => FIT_BANDS[0],
        Some(_) => FIT_BANDS[1],
    }
}

/// The MRR band of an MRR in cents.
pub fn mrr_band(cents: i64) -> &'static str {
    if cents < 10_000 {
        MRR_BANDS[0]
    } else if cents < 50_000 {
        MRR_BANDS[1]
    } else if cents < 200_000 {
        MRR_BANDS[2]
    } else {
        MRR_BANDS[3]
    }
}

/// The usage band of a client's trends as of the day before `S`: only the
/// metrics where more use is better count, and the client takes the worst
/// of them; no such metric is "no usage data"; nothing in the last 28 days
/// (silent) is "down by half or more".
pub fn usage_band(trends: Option<&Vec<UsageTrend>>) -> &'static str {
    let mut worst: Option<usize> = None;
    for t in trends.into_iter().flatten().filter(|t| t.higher_is_better) {
        let band = if t.last_28 <= 0 {
            3
        } else if t.last_28 >= t.previous_28 {
            1
        } else if (t.previous_28 - t.last_28) * 2 < t.previous_28 {
            2
        } else {
            3
        };
        worst = Some(worst.map_or(band, |w| w.max(band)));
    }
    USAGE_BANDS[worst.unwrap_or(0)]
}

/// The figures of each dimension from the subjects (usage band set) and
/// the period's departures.
pub(crate) fn dimensions(
    subjects: &[Subject],
    departures: &[PeriodDeparture],
    reasons: &ReasonList,
    lang: Lang,
) -> Vec<PeriodDimension> {
    let index: HashMap<ClientId, usize> = subjects
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i))
        .collect();
    PeriodBy::ALL
        .iter()
        .enumerate()
        .map(|(k, by)| {
            #[derive(Default)]
            struct Acc {
                at_start: u64,
                lost: u64,
                lost_mrr: i64,
                reasons: HashMap<String, u64>,
                fired: Vec<FiredClient>,
                fired_count: u64,
            }
            let mut groups: HashMap<String, Acc> = HashMap::new();
            for s in subjects {
                let a = groups.entry(s.keys[k].clone()).or_default();
                a.at_start += 1;
                if s.lost {
                    a.lost += 1;
                    a.lost_mrr += s.mrr_start;
                }
            }
            for d in departures {
                let Some(&i) = index.get(&d.client) else {
                    continue;
                };
                let a = groups.entry(subjects[i].keys[k].clone()).or_default();
                *a.reasons
                    .entry(d.primary_reason.as_str().to_string())
                    .or_default() += 1;
                if d.outcome == Outcome::Fired {
                    a.fired_count += 1;
                    a.fired.push(FiredClient {
                        client_id: d.client.0,
                        name: d.client_name.clone(),
                        end_on: d.end_on,
                        warning_flags: d
                            .warning_flags
                            .iter()
                            .map(|f| f.as_str().to_string())
                            .collect(),
                        warning_signs: d
                            .warning_flags
                            .iter()
                            .map(|f| {
                                let key = format!("flag-{}", f.as_str().replace('_', "-"));
                                crate::i18n::message(lang, &key, &[])
                            })
                            .collect(),
                    });
                }
            }
            let mut order: Vec<(String, Acc)> = match by {
                PeriodBy::Tenure | PeriodBy::Mrr | PeriodBy::Usage | PeriodBy::Fit => {
                    let bands: &[&str] = match by {
                        PeriodBy::Tenure => &TENURE_BANDS,
                        PeriodBy::Mrr => &MRR_BANDS,
                        PeriodBy::Fit => &FIT_BANDS,
                        _ => &USAGE_BANDS,
                    };
                    // Without a profile only "no profile", else only the
                    // two others.
                    let no_profile = groups.contains_key(FIT_BANDS[2]);
                    bands
                        .iter()
                        .filter(|b| *by != PeriodBy::Fit || (**b == FIT_BANDS[2]) == no_profile)
                        .map(|b| (b.to_string(), groups.remove(*b).unwrap_or_default()))
                        .collect()
                }
                _ => {
                    let mut v: Vec<(String, Acc)> = groups.into_iter().collect();
                    v.sort_by(|a, b| b.1.at_start.cmp(&a.1.at_start).then(a.0.cmp(&b.0)));
                    if v.len() > MAX_GROUPS {
                        let rest = v.split_off(MAX_GROUPS);
                        let mut other = Acc::default();
                        for (_, a) in rest {
                            other.at_start += a.at_start;
                            other.lost += a.lost;
                            other.lost_mrr += a.lost_mrr;
                            for (r, n) in a.reasons {
                                *other.reasons.entry(r).or_default() += n;
                            }
                            other.fired_count += a.fired_count;
                            other.fired.extend(a.fired);
                        }
                        v.push((OTHER.to_string(), other));
                    }
                    v
                }
            };
            let groups = order
                .drain(..)
                .map(|(key, mut a)| {
                    let other = key == OTHER;
                    let mut top: Vec<(String, u64)> = a.reasons.into_iter().collect();
                    top.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
                    top.truncate(3);
                    a.fired.sort_by(|x, y| {
                        x.end_on.cmp(&y.end_on).then(x.client_id.cmp(&y.client_id))
                    });
                    a.fired.truncate(MAX_FIRED_LISTED);
                    let group = if other { String::new() } else { key };
                    PeriodGroup {
                        label: label(*by, &group, other, lang),
                        group,
                        other,
                        clients_at_start: a.at_start,
                        kept: a.at_start - a.lost,
                        lost: a.lost,
                        churn_rate_pct: (a.at_start > 0)
                            .then(|| a.lost as f64 / a.at_start as f64 * 100.0),
                        lost_mrr_cents: a.lost_mrr,
                        top_reasons: top
                            .into_iter()
                            .map(|(reason, count)| ReasonCount {
                                label: churnwise_domain::reasons::ReasonKey::parse(
                                    "reason", &reason,
                                )
                                .map(|k| reasons.label_of(&k, lang).to_string())
                                .unwrap_or_else(|_| reason.clone()),
                                reason,
                                count,
                            })
                            .collect(),
                        fired_count: a.fired_count,
                        fired: a.fired,
                    }
                })
                .collect();
            PeriodDimension { by: *by, groups }
        })
        .collect()
}

/// The internal key of the "other" row (never a band key; a real group of
/// that name is told apart by `other`).
const OTHER: &str = "\u{0}other";

fn label(by: PeriodBy, group: &str, other: bool, lang: Lang) -> String {
    if other {
        return crate::i18n::message(lang, "who-leaves-other", &[]);
    }
    match by {
        PeriodBy::Segment | PeriodBy::Owner | PeriodBy::Plan => {
            if group.is_empty() {
                crate::i18n::message(lang, "who-leaves-none", &[])
            } else {
                group.to_string()
            }
        }
        PeriodBy::Tenure | PeriodBy::Mrr | PeriodBy::Usage | PeriodBy::Fit => {
            crate::i18n::message(lang, &format!("who-leaves-band-{group}"), &[])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trend(last_28: i64, previous_28: i64, higher_is_better: bool) -> UsageTrend {
        UsageTrend {
            metric: "logins".into(),
            label_en: "Logins".into(),
            label_es: "Accesos".into(),
            higher_is_better,
            last_28,
            previous_28,
            last_used_on: None,
            first_used_on: None,
            older_total: 0,
        }
    }

    #[test]
    fn usage_bands_take_the_worst_metric_where_more_is_better() {
        assert_eq!(usage_band(None), "no_data");
        assert_eq!(usage_band(Some(&vec![trend(0, 0, false)])), "no_data");
        assert_eq!(usage_band(Some(&vec![trend(10, 10, true)])), "steady");
        assert_eq!(usage_band(Some(&vec![trend(12, 0, true)])), "steady");
        assert_eq!(usage_band(Some(&vec![trend(51, 100, true)])), "down_lt_50");
        assert_eq!(
            usage_band(Some(&vec![trend(50, 100, true)])),
            "down_50_plus"
        );
        assert_eq!(usage_band(Some(&vec![trend(0, 0, true)])), "down_50_plus");
        assert_eq!(
            usage_band(Some(&vec![trend(20, 10, true), trend(60, 100, true)])),
            "down_lt_50"
        );
    }

    #[test]
    fn tenure_and_mrr_bands_include_their_lower_bound() {
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        let start = d("2026-01-01");
        assert_eq!(tenure_band(d("2025-10-02"), start), "lt_3m");
        assert_eq!(tenure_band(d("2025-10-01"), start), "3m_12m");
        assert_eq!(tenure_band(d("2025-01-01"), start), "1y_2y");
        assert_eq!(tenure_band(d("2024-01-02"), start), "1y_2y");
        assert_eq!(tenure_band(d("2024-01-01"), start), "2y_plus");
        assert_eq!(mrr_band(9_999), "lt_100");
        assert_eq!(mrr_band(10_000), "100_500");
        assert_eq!(mrr_band(50_000), "500_2000");
        assert_eq!(mrr_band(199_999), "500_2000");
        assert_eq!(mrr_band(200_000), "2000_plus");
    }

    #[test]
    fn past_fifty_named_groups_the_rest_are_summed_into_one_other_row() {
        let subjects: Vec<Subject> = (0..53)
            .map(|i| Subject {
                id: ClientId(i),
                keys: [
                    format!("s{i:02}"),
                    String::new(),
                    String::new(),
                    "lt_3m".into(),
                    "lt_100".into(),
                    "no_data".into(),
                    "no_profile".into(),
                ],
                mrr_start: 1_000,
                lost: i >= 50,
            })
            .collect();
        let dims = dimensions(&subjects, &[], &ReasonList::default_list(), Lang::En);
        let segment = &dims[0].groups;
        assert_eq!(segment.len(), MAX_GROUPS + 1);
        let other = segment.last().unwrap();
        assert!(other.other);
        assert_eq!(other.label, "(other)");
        assert_eq!(
            (other.clients_at_start, other.lost, other.lost_mrr_cents),
            (3, 3, 3_000)
        );
        assert_eq!(segment[0].group, "s00");
        assert_eq!(dims[1].groups.len(), 1, "one owner: none");
        assert_eq!(dims[1].groups[0].label, "(none)");
        assert_eq!(dims[3].groups.len(), TENURE_BANDS.len());
        assert_eq!(dims[3].groups[0].clients_at_start, 53);
    }
}
