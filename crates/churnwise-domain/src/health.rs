//! The client health score of departure.md section 2: 100 minus the points
//! each warning signal takes away, every signal shown with its contribution
//! so the score explains itself. Weights and thresholds are workspace
//! settings ([`HealthSettings`]); the defaults and the reasoning behind each
//! weight are in `docs/health.md`.
//!
//! A signal's points are `weight × severity`, the severity a fraction from
//! 0 to 1 computed from the facts, rounded to the nearest whole point (halves
//! up). All arithmetic is on integers.

use crate::money::Money;
use crate::registry::{InteractionKind, WarningFlag};
use crate::survey::Score;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The highest score: a client with no warning signal.
pub const MAX_SCORE: u32 = 100;

/// How much each signal can take away from the score, in points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct HealthWeights {
    /// Days since the last contact against the keep-in-touch interval.
    pub contact: u32,
    /// Overdue invoices.
    pub overdue_invoices: u32,
    /// Complaints and incidents in the look-back window.
    pub complaints: u32,
    /// MRR lost to contraction in the look-back window.
    pub contraction: u32,
    /// The last survey score.
    pub survey: u32,
    /// A contract end or renewal coming up.
    pub renewal: u32,
    /// The warning signs of a relationship not worth keeping.
    pub warning_signs: u32,
}

impl Default for HealthWeights {
    fn default() -> Self {
        HealthWeights {
            contact: 20,
            overdue_invoices: 20,
            complaints: 15,
            contraction: 10,
            survey: 10,
            renewal: 5,
            warning_signs: 20,
        }
    }
}

/// The workspace's health settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct HealthSettings {
    /// A client whose score is below this is at risk (and raises an alert).
    pub at_risk_below: u32,
    /// Points per signal.
    pub weights: HealthWeights,
    /// Overdue invoices that take the whole overdue-invoice weight.
    pub overdue_invoices_for_full: u32,
    /// Complaints plus incidents that take the whole complaints weight.
    pub complaints_for_full: u32,
    /// Contraction, in percent of the MRR at the start of the window, that
    /// takes the whole contraction weight.
    pub contraction_pct_for_full: u32,
    /// The look-back window for complaints, incidents and contraction.
    pub lookback_days: u32,
    /// A contract end or renewal within this many days counts.
    pub renewal_within_days: u32,
}

impl Default for HealthSettings {
    fn default() -> Self {
        HealthSettings {
            at_risk_below: 60,
            weights: HealthWeights::default(),
            overdue_invoices_for_full: 2,
            complaints_for_full: 2,
            contraction_pct_for_full: 50,
            lookback_days: 90,
            renewal_within_days: 30,
        }
    }
}

/// A setting outside its bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingProblem {
    /// The setting's path, e.g. `health.weights.contact`.
    pub field: String,
    /// Why it is refused.
    pub reason: String,
}

impl HealthSettings {
    /// Checks every value is within its bounds; lists every problem.
    pub fn validate(&self) -> Result<(), Vec<SettingProblem>> {
        let mut problems = Vec::new();
        let mut check = |field: &str, value: u32, low: u32, high: u32| {
            if !(low..=high).contains(&value) {
                problems.push(SettingProblem {
                    field: format!("health.{field}"),
                    reason: format!("{value} is not between {low} and {high}"),
                });
            }
        };
        check("at_risk_below", self.at_risk_below, 1, 100);
        let w = &self.weights;
        for (name, value) in [
            ("contact", w.contact),
            ("overdue_invoices", w.overdue_invoices),
            ("complaints", w.complaints),
            ("contraction", w.contraction),
            ("survey", w.survey),
            ("renewal", w.renewal),
            ("warning_signs", w.warning_signs),
        ] {
            check(&format!("weights.{name}"), value, 0, 100);
        }
        check(
            "overdue_invoices_for_full",
            self.overdue_invoices_for_full,
            1,
            100,
        );
        check("complaints_for_full", self.complaints_for_full, 1, 100);
        check(
            "contraction_pct_for_full",
            self.contraction_pct_for_full,
            1,
            100,
        );
        check("lookback_days", self.lookback_days, 7, 730);
        check("renewal_within_days", self.renewal_within_days, 1, 365);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

/// One subscription segment as the health score reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractSegment {
    /// The subscription it belongs to (segments of one subscription share it).
    pub subscription_ref: String,
    /// Monthly recurring revenue.
    pub mrr: Money,
    /// First day it counts.
    pub started_on: NaiveDate,
    /// First day it no longer counts, if known.
    pub ended_on: Option<NaiveDate>,
    /// Minimum term in months, which renews at each anniversary.
    pub minimum_term_months: Option<i32>,
}

impl ContractSegment {
    fn runs_on(&self, day: NaiveDate) -> bool {
        self.started_on <= day && self.ended_on.is_none_or(|end| day < end)
    }
}

/// An unpaid invoice past its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverdueInvoice {
    /// Amount.
    pub amount: Money,
    /// Due date.
    pub due_on: NaiveDate,
}

/// Everything the score of one client is computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthFacts {
    /// The day the score is for.
    pub today: NaiveDate,
    /// The client's keep-in-touch interval in days.
    pub keep_in_touch_days: i32,
    /// The day of the last contact ([`counts_as_contact`]), if any.
    pub last_contact_on: Option<NaiveDate>,
    /// When the client was added (the clock starts here without a contact).
    pub client_since: NaiveDate,
    /// Unpaid invoices due before `today`.
    pub overdue_invoices: Vec<OverdueInvoice>,
    /// Complaints within the look-back window.
    pub complaints: u32,
    /// Incidents within the look-back window.
    pub incidents: u32,
    /// The client's subscription segments.
    pub segments: Vec<ContractSegment>,
    /// The score of the last survey the client answered, if any.
    pub last_survey: Option<Score>,
    /// The warning signs recorded on the client.
    pub warning_flags: Vec<WarningFlag>,
}

/// True when an interaction of this kind is a contact with the client: a
/// newsletter goes to everyone and a note is internal, so neither resets the
/// keep-in-touch clock.
pub fn counts_as_contact(kind: InteractionKind) -> bool {
    !matches!(kind, InteractionKind::Newsletter | InteractionKind::Note)
}

/// Whether a contract ends or renews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContractEvent {
    /// A segment has a known end date.
    End,
    /// A minimum term reaches its anniversary.
    Renewal,
}

/// The facts behind one signal, for showing and translating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "signal", rename_all = "snake_case")]
pub enum SignalFacts {
    /// Days since the last contact.
    Contact {
        /// The last contact, if any.
        last_contact_on: Option<NaiveDate>,
        /// Days since it (or since the client was added).
        days_since: i64,
        /// The keep-in-touch interval.
        interval_days: i32,
    },
    /// Overdue invoices.
    OverdueInvoices {
        /// How many.
        count: u32,
        /// Their total, in cents.
        amount_cents: i64,
        /// The oldest due date.
        oldest_due_on: Option<NaiveDate>,
    },
    /// Complaints and incidents in the window.
    Complaints {
        /// Complaints.
        complaints: u32,
        /// Incidents.
        incidents: u32,
        /// The window in days.
        lookback_days: u32,
    },
    /// MRR contraction in the window.
    Contraction {
        /// MRR at the start of the window, in cents.
        mrr_before_cents: i64,
        /// MRR today, in cents.
        mrr_now_cents: i64,
        /// The drop in percent of the MRR before, rounded down.
        drop_pct: u32,
    },
    /// The last survey score.
    Survey {
        /// The score, if there is one.
        score: Option<u8>,
        /// The scale's top.
        scale_max: Option<u8>,
    },
    /// A contract end or renewal coming up.
    Renewal {
        /// The nearest end or renewal within the window, if any.
        on: Option<NaiveDate>,
        /// Which.
        event: Option<ContractEvent>,
        /// The window in days.
        within_days: u32,
    },
    /// Warning signs recorded on the client.
    WarningSigns {
        /// The flags.
        #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
        flags: Vec<WarningFlag>,
    },
}

/// One signal with the points it takes away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Signal {
    /// Points taken from the score (0 when the signal is quiet).
    pub points: u32,
    /// The most this signal can take.
    pub weight: u32,
    /// The facts.
    #[serde(flatten)]
    pub facts: SignalFacts,
}

/// A client's score and its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthScore {
    /// 0 (worst) to 100 (no warning signal).
    pub score: u32,
    /// True when the score is below the at-risk threshold.
    pub at_risk: bool,
    /// Every signal, in a fixed order, with its contribution.
    pub signals: Vec<Signal>,
}

impl HealthScore {
    /// The signals that took points, largest first (ties in the fixed order).
    pub fn reasons(&self) -> Vec<&Signal> {
        let mut out: Vec<&Signal> = self.signals.iter().filter(|s| s.points > 0).collect();
        out.sort_by_key(|s| std::cmp::Reverse(s.points));
        out
    }
}

/// `weight × numerator / denominator`, the fraction capped at 1, rounded
/// half up.
fn points(weight: u32, numerator: u64, denominator: u64) -> u32 {
    if denominator == 0 || numerator == 0 {
        return 0;
    }
    let numerator = numerator.min(denominator);
    let scaled = 2 * u64::from(weight) * numerator + denominator;
    (scaled / (2 * denominator)) as u32
}

/// Total MRR of the segments running on `day`.
pub fn mrr_on(segments: &[ContractSegment], day: NaiveDate) -> Money {
    Money::from_cents(
        segments
            .iter()
            .filter(|s| s.runs_on(day))
            .map(|s| s.mrr.cents())
            .sum(),
    )
}

/// The nearest contract end or minimum-term renewal after `today` and no
/// later than `today + within_days`, among the segments running today. An
/// end wins over a renewal on the same day. A minimum term renews at each
/// anniversary of the first start of its subscription.
pub fn next_contract_event(
    segments: &[ContractSegment],
    today: NaiveDate,
    within_days: u32,
) -> Option<(NaiveDate, ContractEvent)> {
    let horizon = today + chrono::Days::new(u64::from(within_days));
    let mut best: Option<(NaiveDate, ContractEvent)> = None;
    let mut consider = |on: NaiveDate, event: ContractEvent| {
        if on > today && on <= horizon {
            let better = match best {
                None => true,
                Some((b, be)) => on < b || (on == b && event == ContractEvent::End && be != event),
            };
            if better {
                best = Some((on, event));
            }
        }
    };
    for s in segments.iter().filter(|s| s.runs_on(today)) {
        if let Some(end) = s.ended_on {
            // `ended_on` is the first day without service; the last day is the one before.
            consider(end.pred_opt().unwrap_or(end), ContractEvent::End);
        }
        if let Some(term) = s.minimum_term_months.filter(|m| *m > 0) {
            let first = segments
                .iter()
                .filter(|o| o.subscription_ref == s.subscription_ref)
                .map(|o| o.started_on)
                .min()
                .unwrap_or(s.started_on);
            let mut k: u32 = 1;
            while let Some(on) = first.checked_add_months(Months::new(term as u32 * k)) {
                if on > today {
                    consider(on, ContractEvent::Renewal);
                    break;
                }
                k += 1;
            }
        }
    }
    best
}

/// Computes the score of one client.
pub fn score(facts: &HealthFacts, settings: &HealthSettings) -> HealthScore {
    let w = &settings.weights;
    let mut signals = Vec::with_capacity(7);

    // Contact: nothing within the interval; the whole weight once the
    // silence reaches twice the interval.
    let since = facts.last_contact_on.unwrap_or(facts.client_since);
    let days_since = (facts.today - since).num_days().max(0);
    let interval = i64::from(facts.keep_in_touch_days.max(1));
    let late = (days_since - interval).max(0) as u64;
    signals.push(Signal {
        points: points(w.contact, late, interval as u64),
        weight: w.contact,
        facts: SignalFacts::Contact {
            last_contact_on: facts.last_contact_on,
            days_since,
            interval_days: facts.keep_in_touch_days,
        },
    });

    let count = facts.overdue_invoices.len() as u32;
    signals.push(Signal {
        points: points(
            w.overdue_invoices,
            u64::from(count),
            u64::from(settings.overdue_invoices_for_full),
        ),
        weight: w.overdue_invoices,
        facts: SignalFacts::OverdueInvoices {
            count,
            amount_cents: facts
                .overdue_invoices
                .iter()
                .map(|i| i.amount.cents())
                .sum(),
            oldest_due_on: facts.overdue_invoices.iter().map(|i| i.due_on).min(),
        },
    });

    signals.push(Signal {
        points: points(
            w.complaints,
            u64::from(facts.complaints + facts.incidents),
            u64::from(settings.complaints_for_full),
        ),
        weight: w.complaints,
        facts: SignalFacts::Complaints {
            complaints: facts.complaints,
            incidents: facts.incidents,
            lookback_days: settings.lookback_days,
        },
    });

    // Contraction: the drop of MRR between the start of the window and
    // today while the client still pays something (a drop to zero is a
    // departure, not a warning).
    let window_start = facts.today - chrono::Days::new(u64::from(settings.lookback_days));
    let before = mrr_on(&facts.segments, window_start).cents();
    let now = mrr_on(&facts.segments, facts.today).cents();
    let drop = if now > 0 && before > now {
        (before - now) as u64
    } else {
        0
    };
    let drop_pct = if before > 0 {
        (drop * 100 / before as u64) as u32
    } else {
        0
    };
    signals.push(Signal {
        points: if before > 0 {
            points(
                w.contraction,
                drop * 100,
                before as u64 * u64::from(settings.contraction_pct_for_full),
            )
        } else {
            0
        },
        weight: w.contraction,
        facts: SignalFacts::Contraction {
            mrr_before_cents: before,
            mrr_now_cents: now,
            drop_pct,
        },
    });

    // Survey: the distance of the score from the top of its scale.
    let survey_points = facts.last_survey.map_or(0, |s| {
        let (low, high) = s.scale().bounds();
        points(w.survey, u64::from(high - s.value()), u64::from(high - low))
    });
    signals.push(Signal {
        points: survey_points,
        weight: w.survey,
        facts: SignalFacts::Survey {
            score: facts.last_survey.map(|s| s.value()),
            scale_max: facts.last_survey.map(|s| s.scale().bounds().1),
        },
    });

    let event = next_contract_event(&facts.segments, facts.today, settings.renewal_within_days);
    signals.push(Signal {
        points: if event.is_some() { w.renewal } else { 0 },
        weight: w.renewal,
        facts: SignalFacts::Renewal {
            on: event.map(|e| e.0),
            event: event.map(|e| e.1),
            within_days: settings.renewal_within_days,
        },
    });

    signals.push(Signal {
        points: points(
            w.warning_signs,
            facts.warning_flags.len() as u64,
            WarningFlag::ALL.len() as u64,
        ),
        weight: w.warning_signs,
        facts: SignalFacts::WarningSigns {
            flags: facts.warning_flags.clone(),
        },
    });

    let lost: u32 = signals.iter().map(|s| s.points).sum();
    let score = MAX_SCORE.saturating_sub(lost);
    HealthScore {
        score,
        at_risk: score < settings.at_risk_below,
        signals,
    }
}

/// What a recomputed score means for the client's alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertChange {
    /// The score crossed into risk and no alert is live: raise one.
    Raise,
    /// The score is out of risk again: the live alert is resolved, so the
    /// next crossing raises a new one.
    Resolve,
    /// Nothing to do (still at risk with a live alert, or still healthy).
    Keep,
}

/// One crossing raises one alert: an alert is raised only when the client is
/// at risk and has no live alert (open, acknowledged, snoozed or turned into
/// a case), and a live alert is resolved when the client recovers.
pub fn alert_change(at_risk: bool, has_live_alert: bool) -> AlertChange {
    match (at_risk, has_live_alert) {
        (true, false) => AlertChange::Raise,
        (false, true) => AlertChange::Resolve,
        _ => AlertChange::Keep,
    }
}

/// Days a client is overdue for a contact on `today` (0 on the day it falls
/// due), or `None` while within its interval.
pub fn contact_overdue_days(
    last_contact_on: Option<NaiveDate>,
    client_since: NaiveDate,
    keep_in_touch_days: i32,
    today: NaiveDate,
) -> Option<i64> {
    let due = last_contact_on.unwrap_or(client_since)
        + chrono::Days::new(keep_in_touch_days.max(1) as u64);
    (today >= due).then(|| (today - due).num_days())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::ScoreScale;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn quiet(today: &str) -> HealthFacts {
        HealthFacts {
            today: d(today),
            keep_in_touch_days: 30,
            last_contact_on: Some(d(today)),
            client_since: d("2020-01-01"),
            overdue_invoices: vec![],
            complaints: 0,
            incidents: 0,
            segments: vec![segment("s1", 10000, "2023-01-15", None, None)],
            last_survey: None,
            warning_flags: vec![],
        }
    }

    fn segment(
        sub: &str,
        cents: i64,
        start: &str,
        end: Option<&str>,
        term: Option<i32>,
    ) -> ContractSegment {
        ContractSegment {
            subscription_ref: sub.into(),
            mrr: Money::from_cents(cents),
            started_on: d(start),
            ended_on: end.map(d),
            minimum_term_months: term,
        }
    }

    fn points_of(score: &HealthScore, name: &str) -> u32 {
        score
            .signals
            .iter()
            .find(|s| serde_json::to_value(&s.facts).unwrap()["signal"] == serde_json::json!(name))
            .unwrap()
            .points
    }

    #[test]
    fn a_client_with_no_warning_signal_scores_100_and_lists_every_signal_at_zero() {
        let s = score(&quiet("2026-06-10"), &HealthSettings::default());
        assert_eq!(s.score, 100);
        assert!(!s.at_risk);
        assert_eq!(s.signals.len(), 7);
        assert!(s.signals.iter().all(|x| x.points == 0));
        assert!(s.reasons().is_empty());
    }

    #[test]
    fn the_default_weights_add_up_to_100() {
        let w = HealthWeights::default();
        let total = w.contact
            + w.overdue_invoices
            + w.complaints
            + w.contraction
            + w.survey
            + w.renewal
            + w.warning_signs;
        assert_eq!(total, 100);
    }

    #[test]
    fn silence_costs_nothing_within_the_interval_and_the_whole_weight_at_twice_it() {
        let settings = HealthSettings::default();
        let mut f = quiet("2026-06-10");
        for (last, expected) in [
            ("2026-05-11", 0),  // 30 days: within
            ("2026-05-10", 1),  // 31 days: 1/30 of 20 = 0.67 → 1
            ("2026-04-26", 10), // 45 days: half
            ("2026-04-11", 20), // 60 days: all
            ("2025-01-01", 20), // capped
        ] {
            f.last_contact_on = Some(d(last));
            assert_eq!(
                points_of(&score(&f, &settings), "contact"),
                expected,
                "{last}"
            );
        }
    }

    #[test]
    fn without_any_contact_the_clock_starts_when_the_client_was_added() {
        let mut f = quiet("2026-06-10");
        f.last_contact_on = None;
        f.client_since = d("2026-04-26");
        let s = score(&f, &HealthSettings::default());
        assert_eq!(points_of(&s, "contact"), 10);
        assert!(matches!(
            s.signals[0].facts,
            SignalFacts::Contact {
                days_since: 45,
                last_contact_on: None,
                ..
            }
        ));
    }

    #[test]
    fn overdue_invoices_count_towards_the_full_weight_and_report_their_total() {
        let mut f = quiet("2026-06-10");
        f.overdue_invoices = vec![OverdueInvoice {
            amount: Money::from_cents(12000),
            due_on: d("2026-05-01"),
        }];
        let s = score(&f, &HealthSettings::default());
        assert_eq!(points_of(&s, "overdue_invoices"), 10);
        f.overdue_invoices.push(OverdueInvoice {
            amount: Money::from_cents(8050),
            due_on: d("2026-04-01"),
        });
        f.overdue_invoices.push(OverdueInvoice {
            amount: Money::from_cents(1),
            due_on: d("2026-06-01"),
        });
        let s = score(&f, &HealthSettings::default());
        assert_eq!(points_of(&s, "overdue_invoices"), 20);
        assert!(s.signals.iter().any(|x| x.facts
            == SignalFacts::OverdueInvoices {
                count: 3,
                amount_cents: 20051,
                oldest_due_on: Some(d("2026-04-01"))
            }));
    }

    #[test]
    fn complaints_and_incidents_add_up() {
        let mut f = quiet("2026-06-10");
        f.complaints = 1;
        assert_eq!(
            points_of(&score(&f, &HealthSettings::default()), "complaints"),
            8
        );
        f.incidents = 1;
        assert_eq!(
            points_of(&score(&f, &HealthSettings::default()), "complaints"),
            15
        );
    }

    #[test]
    fn a_drop_in_mrr_within_the_window_is_contraction_but_a_drop_to_zero_is_not() {
        let mut f = quiet("2026-06-10");
        // 100 → 75 on 2026-05-01: a 25 % drop, half of the 50 % that takes all 10 points.
        f.segments = vec![
            segment("s1", 10000, "2025-01-01", Some("2026-05-01"), None),
            segment("s1", 7500, "2026-05-01", None, None),
        ];
        let s = score(&f, &HealthSettings::default());
        assert_eq!(points_of(&s, "contraction"), 5);
        assert!(s.signals.iter().any(|x| x.facts
            == SignalFacts::Contraction {
                mrr_before_cents: 10000,
                mrr_now_cents: 7500,
                drop_pct: 25
            }));
        // A drop before the window does not count.
        f.segments[0].ended_on = Some(d("2026-03-01"));
        f.segments[1].started_on = d("2026-03-01");
        assert_eq!(
            points_of(&score(&f, &HealthSettings::default()), "contraction"),
            0
        );
        // Nothing running today: a departure, not a contraction.
        f.segments = vec![segment("s1", 10000, "2025-01-01", Some("2026-06-01"), None)];
        assert_eq!(
            points_of(&score(&f, &HealthSettings::default()), "contraction"),
            0
        );
    }

    #[test]
    fn the_last_survey_costs_its_distance_from_the_top_of_its_scale() {
        let mut f = quiet("2026-06-10");
        for (scale, value, expected) in [
            (ScoreScale::ZeroToTen, 10, 0),
            (ScoreScale::ZeroToTen, 5, 5),
            (ScoreScale::ZeroToTen, 0, 10),
            (ScoreScale::OneToFive, 1, 10),
            (ScoreScale::OneToFive, 4, 3), // 1/4 of 10 = 2.5 → 3
        ] {
            f.last_survey = Some(Score::new(scale, value).unwrap());
            assert_eq!(
                points_of(&score(&f, &HealthSettings::default()), "survey"),
                expected
            );
        }
    }

    #[test]
    fn a_contract_ending_or_renewing_within_the_window_counts() {
        let settings = HealthSettings::default();
        let mut f = quiet("2026-06-10");
        assert_eq!(points_of(&score(&f, &settings), "renewal"), 0);
        // A 12-month term started 2023-01-15 (on another segment of the same
        // subscription) renews 2027-01-15: too far.
        f.segments = vec![
            segment("s1", 10000, "2023-01-15", Some("2024-01-01"), Some(12)),
            segment("s1", 12000, "2024-01-01", None, Some(12)),
        ];
        assert_eq!(points_of(&score(&f, &settings), "renewal"), 0);
        f.today = d("2026-12-20");
        f.last_contact_on = Some(f.today);
        let s = score(&f, &settings);
        assert_eq!(points_of(&s, "renewal"), 5);
        assert!(s.signals.iter().any(|x| x.facts
            == SignalFacts::Renewal {
                on: Some(d("2027-01-15")),
                event: Some(ContractEvent::Renewal),
                within_days: 30
            }));
        // A known end (last day 2027-01-09) is nearer.
        f.segments[1].ended_on = Some(d("2027-01-10"));
        assert_eq!(
            next_contract_event(&f.segments, f.today, 30),
            Some((d("2027-01-09"), ContractEvent::End))
        );
    }

    #[test]
    fn each_warning_sign_takes_a_quarter_of_its_weight() {
        let mut f = quiet("2026-06-10");
        f.warning_flags = vec![WarningFlag::TreatsTeamBadly];
        assert_eq!(
            points_of(&score(&f, &HealthSettings::default()), "warning_signs"),
            5
        );
        f.warning_flags = WarningFlag::ALL.to_vec();
        assert_eq!(
            points_of(&score(&f, &HealthSettings::default()), "warning_signs"),
            20
        );
    }

    #[test]
    fn the_score_is_100_minus_the_points_and_never_below_0_and_reasons_are_largest_first() {
        let mut settings = HealthSettings::default();
        let mut f = quiet("2026-06-10");
        f.last_contact_on = Some(d("2026-04-26")); // 10
        f.warning_flags = vec![WarningFlag::YesToEverything]; // 5
        f.complaints = 2; // 15
        let s = score(&f, &settings);
        assert_eq!(s.score, 70);
        assert!(!s.at_risk);
        let order: Vec<u32> = s.reasons().iter().map(|r| r.points).collect();
        assert_eq!(order, vec![15, 10, 5]);
        settings.at_risk_below = 71;
        assert!(score(&f, &settings).at_risk);
        settings.weights.complaints = 100;
        assert_eq!(score(&f, &settings).score, 0);
    }

    #[test]
    fn settings_outside_their_bounds_are_each_named() {
        let mut s = HealthSettings::default();
        assert!(s.validate().is_ok());
        s.at_risk_below = 0;
        s.weights.survey = 101;
        s.lookback_days = 1;
        let problems = s.validate().unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "health.at_risk_below",
                "health.weights.survey",
                "health.lookback_days"
            ]
        );
    }

    #[test]
    fn settings_read_from_json_fill_missing_values_with_defaults_and_refuse_unknown_ones() {
        let s: HealthSettings =
            serde_json::from_str(r#"{"at_risk_below": 50, "weights": {"contact": 30}}"#).unwrap();
        assert_eq!(s.at_risk_below, 50);
        assert_eq!(s.weights.contact, 30);
        assert_eq!(s.weights.overdue_invoices, 20);
        assert!(serde_json::from_str::<HealthSettings>(r#"{"at_risk": 50}"#).is_err());
    }

    #[test]
    fn one_crossing_raises_one_alert() {
        assert_eq!(alert_change(true, false), AlertChange::Raise);
        assert_eq!(alert_change(true, true), AlertChange::Keep);
        assert_eq!(alert_change(false, true), AlertChange::Resolve);
        assert_eq!(alert_change(false, false), AlertChange::Keep);
    }

    #[test]
    fn a_client_falls_due_for_contact_when_its_interval_has_passed() {
        let today = d("2026-06-10");
        let since = d("2020-01-01");
        assert_eq!(
            contact_overdue_days(Some(d("2026-05-12")), since, 30, today),
            None
        );
        assert_eq!(
            contact_overdue_days(Some(d("2026-05-11")), since, 30, today),
            Some(0)
        );
        assert_eq!(
            contact_overdue_days(Some(d("2026-05-01")), since, 30, today),
            Some(10)
        );
        assert_eq!(
            contact_overdue_days(None, d("2026-06-01"), 7, today),
            Some(2)
        );
    }

    #[test]
    fn newsletters_and_notes_are_not_contacts() {
        assert!(counts_as_contact(InteractionKind::Call));
        assert!(counts_as_contact(InteractionKind::Complaint));
        assert!(!counts_as_contact(InteractionKind::Newsletter));
        assert!(!counts_as_contact(InteractionKind::Note));
    }
}
