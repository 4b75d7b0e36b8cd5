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
    /// Use of the service fading (issue 18): a metric down by half or
    /// more in the last 28 days against the 28 before, or no use at all
    /// lately. Stored settings without it read the default.
    pub usage: u32,
}

impl Default for HealthWeights {
    fn default() -> Self {
        HealthWeights {
            contact: 45,
            overdue_invoices: 45,
            complaints: 15,
            contraction: 10,
            survey: 10,
            renewal: 5,
            warning_signs: 20,
            usage: 20,
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
    /// Days the oldest overdue invoice is late when it takes the whole
    /// overdue-invoice weight.
    pub overdue_days_for_full: u32,
    /// Complaints plus incidents that take the whole complaints weight.
    pub complaints_for_full: u32,
    /// Contraction, in percent of the MRR at the start of the window, that
    /// takes the whole contraction weight.
    pub contraction_pct_for_full: u32,
    /// The look-back window for complaints, incidents and contraction.
    pub lookback_days: u32,
    /// A contract end or renewal within this many days counts.
    pub renewal_within_days: u32,
    /// A usage metric down (or, lower-is-better, up) by at least this
    /// percent in the last 28 days against the 28 before takes points.
    pub usage_drop_pct: u32,
    /// No use at all of a metric in this many days, after some use, takes
    /// the whole usage weight.
    pub usage_silent_days: u32,
}

impl Default for HealthSettings {
    fn default() -> Self {
        HealthSettings {
            at_risk_below: 60,
            weights: HealthWeights::default(),
            overdue_invoices_for_full: 3,
            overdue_days_for_full: 60,
            complaints_for_full: 2,
            contraction_pct_for_full: 50,
            lookback_days: 90,
            renewal_within_days: 30,
            usage_drop_pct: 50,
            usage_silent_days: 14,
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
            ("usage", w.usage),
        ] {
            check(&format!("weights.{name}"), value, 0, 100);
        }
        check(
            "overdue_invoices_for_full",
            self.overdue_invoices_for_full,
            1,
            100,
        );
        check("overdue_days_for_full", self.overdue_days_for_full, 1, 365);
        check("complaints_for_full", self.complaints_for_full, 1, 100);
        check(
            "contraction_pct_for_full",
            self.contraction_pct_for_full,
            1,
            100,
        );
        check("lookback_days", self.lookback_days, 7, 730);
        check("renewal_within_days", self.renewal_within_days, 1, 365);
        check("usage_drop_pct", self.usage_drop_pct, 1, 100);
        check("usage_silent_days", self.usage_silent_days, 1, 365);
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

/// An unpaid invoice past its due date, or one whose payment failed (it
/// counts from the failure, even before its due date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverdueInvoice {
    /// Amount.
    pub amount: Money,
    /// Due date.
    pub due_on: NaiveDate,
    /// The day a payment of it failed (a billing signal), if one did.
    pub payment_failed_on: Option<NaiveDate>,
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
    /// Unpaid invoices due before `today`, and unpaid invoices whose
    /// payment failed on or before `today`.
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
    /// The end the client asked for in its open departure case, if any: an
    /// end as real as a segment's, counted by the end-or-renewal signal.
    pub leaving_on: Option<NaiveDate>,
    /// The client's use of each metric it has data for (issue 18); empty
    /// for a client without usage data, which takes no usage points.
    pub usage: Vec<UsageTrend>,
}

/// Length of the two windows the usage signal compares, in days.
pub const USAGE_WINDOW_DAYS: u32 = 28;

/// One client's use of one metric, as the usage signal reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageTrend {
    /// The metric's key.
    pub metric: String,
    /// Its name in English.
    pub label_en: String,
    /// Its name in Spanish.
    pub label_es: String,
    /// True when more use is better.
    pub higher_is_better: bool,
    /// The total of the last 28 days (today included).
    pub last_28: i64,
    /// The total of the 28 days before those.
    pub previous_28: i64,
    /// The last day with a total above zero, if any (within the year the
    /// store reads).
    pub last_used_on: Option<NaiveDate>,
    /// The first day with a total above zero, if any (within the year the
    /// store reads).
    pub first_used_on: Option<NaiveDate>,
    /// The total of the days of that year before the two windows (from 57
    /// to 364 days ago): the client's usual level, see [`UsageTrend::usual_28`].
    pub older_total: i64,
}

/// The least history, in days before the two compared windows, from which
/// a client's usual level is read.
pub const USAGE_USUAL_MIN_DAYS: i64 = 28;

impl UsageTrend {
    /// The client's usual use over 28 days: the total of the days of the
    /// last year before the two compared windows, from its first use on,
    /// scaled to 28 days (rounded down). `None` with less than
    /// [`USAGE_USUAL_MIN_DAYS`] days of such history.
    pub fn usual_28(&self, today: NaiveDate) -> Option<i64> {
        let window = i64::from(USAGE_WINDOW_DAYS);
        let older_last = today - chrono::Days::new(2 * u64::from(USAGE_WINDOW_DAYS));
        let year_first = today - chrono::Days::new(364);
        let first = self.first_used_on?.max(year_first);
        let span = (older_last - first).num_days() + 1;
        (span >= USAGE_USUAL_MIN_DAYS).then(|| self.older_total.max(0) * window / span)
    }
}

/// How a usage metric moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UsageChange {
    /// Down against the 28 days before (a higher-is-better metric).
    Down,
    /// Up against the 28 days before (a lower-is-better metric).
    Up,
    /// No use at all lately, after some use.
    Silent,
    /// Down against the client's usual level (a higher-is-better metric).
    DownFromUsual,
    /// Up against the client's usual level (a lower-is-better metric).
    UpFromUsual,
}

/// The metric that took the usage points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsageFinding {
    /// The metric's key.
    pub metric: String,
    /// Its name in English.
    pub label_en: String,
    /// Its name in Spanish.
    pub label_es: String,
    /// How it moved.
    pub change: UsageChange,
    /// The total it is compared with: the 28 days before the last 28, or
    /// the usual 28-day level (`*_from_usual`).
    pub before: i64,
    /// The total of the last 28 days.
    pub now: i64,
    /// The change in percent of `before`, rounded down (0 when silent).
    pub change_pct: u32,
    /// Days since the last use (when silent).
    pub days_silent: Option<i64>,
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
        /// The latest day a payment of one of them failed, if one did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        payment_failed_on: Option<NaiveDate>,
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
    /// Use of the service (issue 18).
    Usage {
        /// How many metrics the client has data for (0: no usage data).
        metrics: u32,
        /// The metric that took the points, if one did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        finding: Option<UsageFinding>,
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
    u32::try_from(scaled / (2 * denominator)).unwrap_or(weight)
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
    // silence reaches three times the interval (two intervals late).
    let since = facts.last_contact_on.unwrap_or(facts.client_since);
    let days_since = (facts.today - since).num_days().max(0);
    let interval = i64::from(facts.keep_in_touch_days.max(1));
    let late = (days_since - interval).max(0) as u64;
    signals.push(Signal {
        points: points(w.contact, late, 2 * interval as u64),
        weight: w.contact,
        facts: SignalFacts::Contact {
            last_contact_on: facts.last_contact_on,
            days_since,
            interval_days: facts.keep_in_touch_days,
        },
    });

    // Overdue invoices: the larger of two severities, how many are unpaid
    // (full at `overdue_invoices_for_full`) and how late the oldest is
    // (full at `overdue_days_for_full` days).
    let count = u32::try_from(facts.overdue_invoices.len()).unwrap_or(u32::MAX);
    let oldest_late = facts
        .overdue_invoices
        .iter()
        .map(|i| (facts.today - i.due_on).num_days().max(0) as u64)
        .max()
        .unwrap_or(0);
    signals.push(Signal {
        points: points(
            w.overdue_invoices,
            u64::from(count),
            u64::from(settings.overdue_invoices_for_full),
        )
        .max(points(
            w.overdue_invoices,
            oldest_late,
            u64::from(settings.overdue_days_for_full),
        )),
        weight: w.overdue_invoices,
        facts: SignalFacts::OverdueInvoices {
            count,
            amount_cents: facts
                .overdue_invoices
                .iter()
                .map(|i| i.amount.cents())
                .sum(),
            oldest_due_on: facts.overdue_invoices.iter().map(|i| i.due_on).min(),
            payment_failed_on: facts
                .overdue_invoices
                .iter()
                .filter_map(|i| i.payment_failed_on)
                .max(),
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
        u32::try_from(drop * 100 / before as u64).unwrap_or(100)
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

    let mut event = next_contract_event(&facts.segments, facts.today, settings.renewal_within_days);
    // A client who gave notice ends on the day asked for, even before any
    // segment says so; a day already past (the case still open) counts too.
    let horizon = facts.today + chrono::Days::new(u64::from(settings.renewal_within_days));
    if let Some(end) = facts.leaving_on.filter(|end| *end <= horizon) {
        if event.is_none_or(|(on, _)| end <= on) {
            event = Some((end, ContractEvent::End));
        }
    }
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

    let (usage_points, finding) = usage_points(&facts.usage, facts.today, settings);
    signals.push(Signal {
        points: usage_points,
        weight: w.usage,
        facts: SignalFacts::Usage {
            metrics: u32::try_from(facts.usage.len()).unwrap_or(u32::MAX),
            finding,
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

/// The usage signal: for each metric, a silence of `usage_silent_days`
/// after some use takes the whole weight (higher-is-better metrics only:
/// no errors at all is good news); a drop of at least `usage_drop_pct`
/// percent (a rise, for a lower-is-better metric) of the last 28 days
/// against the 28 before, or against the client's usual 28-day level
/// ([`UsageTrend::usual_28`]), takes `weight × change / 100` (half the
/// weight for a halving, all of it for a stop); the larger of the two
/// changes counts, the 28 days before on a tie. A baseline of nothing
/// takes nothing. The worst metric counts (the first by key on a tie).
fn usage_points(
    trends: &[UsageTrend],
    today: NaiveDate,
    settings: &HealthSettings,
) -> (u32, Option<UsageFinding>) {
    let weight = settings.weights.usage;
    let mut best: (u32, Option<UsageFinding>) = (0, None);
    for t in trends {
        let finding = |change, before, change_pct, days_silent| UsageFinding {
            metric: t.metric.clone(),
            label_en: t.label_en.clone(),
            label_es: t.label_es.clone(),
            change,
            before,
            now: t.last_28,
            change_pct,
            days_silent,
        };
        let silent_days = t.last_used_on.map(|on| (today - on).num_days());
        let candidate = if t.higher_is_better
            && silent_days.is_some_and(|d| d >= i64::from(settings.usage_silent_days))
        {
            Some((weight, finding(UsageChange::Silent, 0, 0, silent_days)))
        } else {
            let now = t.last_28.max(0) as u64;
            // Each baseline with the change it measures, the 28 days before first.
            let baselines = [
                (t.previous_28, UsageChange::Down, UsageChange::Up),
                (
                    t.usual_28(today).unwrap_or(0),
                    UsageChange::DownFromUsual,
                    UsageChange::UpFromUsual,
                ),
            ];
            let mut worst: Option<(u64, u64, UsageChange, i64)> = None;
            for (base, down, up) in baselines {
                if base <= 0 {
                    continue;
                }
                let before = base as u64;
                let (change, moved) = if t.higher_is_better {
                    (down, before.saturating_sub(now))
                } else {
                    (up, now.saturating_sub(before))
                };
                let pct = moved * 100 / before;
                if pct >= u64::from(settings.usage_drop_pct)
                    && worst.is_none_or(|(best_pct, ..)| pct > best_pct)
                {
                    worst = Some((pct, moved, change, base));
                }
            }
            worst.map(|(pct, moved, change, base)| {
                (
                    points(weight, moved, base as u64),
                    finding(change, base, u32::try_from(pct).unwrap_or(u32::MAX), None),
                )
            })
        };
        if let Some((p, f)) = candidate {
            if best.1.is_none() || p > best.0 {
                best = (p, Some(f));
            }
        }
    }
    best
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
mod tests;
#[cfg(test)]
mod usage_tests;
