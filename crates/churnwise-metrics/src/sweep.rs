//! One pass over each customer's sorted segments: its MRR at every month
//! boundary, its first active day and the end of its first spell, folded
//! into month, owner, cohort and survival accumulators.

use crate::input::{MetricsInput, Segment};
use crate::survival::AtDuration;
use chrono::{Datelike, NaiveDate};
use churnwise_domain::Month;
use rayon::prelude::*;
use std::collections::HashMap;

/// Day number of a date (days since 0001-01-01, which is day 1).
pub(crate) fn day(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

/// The month boundaries the sweep evaluates.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    /// First day of each internal month, then the first day after the last.
    pub boundaries: Vec<i32>,
    /// Internal months before the first reported month (for the forecast).
    pub pre: usize,
    /// Reported months.
    pub reported: usize,
    /// The first reported month.
    pub from: Month,
    /// `as_of` as a day number.
    pub as_of: i32,
}

impl Frame {
    /// Boundaries from `pre` months before `from` to the month after `to`.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "`pre` is forecast::WINDOW (3), and `compute` validates from <= to, both months of \
                  real dates (YYYY-MM or Month::of a NaiveDate, within chrono's ±262,143 years), \
                  so `pre + reported` is under 6.3 million"
    )]
    pub fn new(from: Month, to: Month, pre: usize, as_of: NaiveDate) -> Self {
        let reported = from.months_until(to) as usize + 1;
        let first = from.plus(-(pre as i32));
        let boundaries = (0..=(pre + reported) as i32)
            .map(|k| day(first.plus(k).first_day()))
            .collect();
        Frame {
            boundaries,
            pre,
            reported,
            from,
            as_of: day(as_of),
        }
    }

    /// Number of internal months.
    pub fn months(&self) -> usize {
        self.pre + self.reported
    }
}

/// Month totals in cents and counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct MonthTotals {
    pub customers_start: u64,
    pub customers_end: u64,
    pub new_customers: u64,
    pub reactivated_customers: u64,
    pub churned_customers: u64,
    pub mrr_start: i64,
    pub mrr_end: i64,
    pub new_mrr: i64,
    pub reactivation_mrr: i64,
    pub expansion_mrr: i64,
    pub contraction_mrr: i64,
    pub churned_mrr: i64,
}

impl MonthTotals {
    fn add(&mut self, o: &MonthTotals) {
        self.customers_start += o.customers_start;
        self.customers_end += o.customers_end;
        self.new_customers += o.new_customers;
        self.reactivated_customers += o.reactivated_customers;
        self.churned_customers += o.churned_customers;
        self.mrr_start += o.mrr_start;
        self.mrr_end += o.mrr_end;
        self.new_mrr += o.new_mrr;
        self.reactivation_mrr += o.reactivation_mrr;
        self.expansion_mrr += o.expansion_mrr;
        self.contraction_mrr += o.contraction_mrr;
        self.churned_mrr += o.churned_mrr;
    }
}

/// The sales figures of one owner in one month, in cents and counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct OwnerTotals {
    pub new_customers: u64,
    pub new_mrr: i64,
    pub reactivated_customers: u64,
    pub reactivation_mrr: i64,
    pub expansion_mrr: i64,
    pub churned_customers: u64,
    pub churned_mrr: i64,
}

impl OwnerTotals {
    fn add(&mut self, o: &OwnerTotals) {
        self.new_customers += o.new_customers;
        self.new_mrr += o.new_mrr;
        self.reactivated_customers += o.reactivated_customers;
        self.reactivation_mrr += o.reactivation_mrr;
        self.expansion_mrr += o.expansion_mrr;
        self.churned_customers += o.churned_customers;
        self.churned_mrr += o.churned_mrr;
    }

    /// True when any figure is non-zero.
    pub fn is_nonzero(&self) -> bool {
        *self != OwnerTotals::default()
    }
}

/// Owner figures by (owner, reported month): dense when small, a map otherwise.
#[derive(Debug, Clone)]
pub(crate) enum OwnerTable {
    Dense {
        months: usize,
        cells: Vec<OwnerTotals>,
    },
    Sparse(HashMap<(u32, u32), OwnerTotals, foldhash::fast::FixedState>),
}

/// Largest dense owner table, in cells.
const DENSE_OWNER_CELLS: usize = 1 << 16;

impl OwnerTable {
    fn new(owners: usize, months: usize) -> Self {
        if owners * months <= DENSE_OWNER_CELLS {
            OwnerTable::Dense {
                months,
                cells: vec![OwnerTotals::default(); owners * months],
            }
        } else {
            OwnerTable::Sparse(HashMap::default())
        }
    }

    #[expect(
        clippy::cast_possible_truncation,
        reason = "`month` is a reported month index, under 6.3 million (see `Frame::new`)"
    )]
    fn cell(&mut self, owner: u32, month: usize) -> &mut OwnerTotals {
        match self {
            OwnerTable::Dense { months, cells } => &mut cells[owner as usize * *months + month],
            OwnerTable::Sparse(map) => map.entry((owner, month as u32)).or_default(),
        }
    }

    fn merge(&mut self, other: OwnerTable) {
        match (self, other) {
            (OwnerTable::Dense { cells, .. }, OwnerTable::Dense { cells: o, .. }) => {
                for (a, b) in cells.iter_mut().zip(o.iter()) {
                    a.add(b);
                }
            }
            (OwnerTable::Sparse(a), OwnerTable::Sparse(b)) => {
                for (k, v) in b {
                    a.entry(k).or_default().add(&v);
                }
            }
            _ => unreachable!("owner tables of one computation have one shape"),
        }
    }

    /// The non-zero cells as `(owner, reported month, totals)`.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "a dense table has at most DENSE_OWNER_CELLS (2^16) cells, so `i / months` fits u32"
    )]
    pub fn nonzero(&self) -> Vec<(u32, usize, OwnerTotals)> {
        match self {
            OwnerTable::Dense { months, cells } => cells
                .iter()
                .enumerate()
                .filter(|(_, t)| t.is_nonzero())
                .map(|(i, t)| ((i / months) as u32, i % months, *t))
                .collect(),
            OwnerTable::Sparse(map) => map
                .iter()
                .filter(|(_, t)| t.is_nonzero())
                .map(|(&(o, m), t)| (o, m as usize, *t))
                .collect(),
        }
    }
}

/// Totals of one cohort: `active[k]` and `mrr[k]` at the first day of month
/// `cohort + k` for `k >= 1` (index 0 unused).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CohortTotals {
    pub customers: u64,
    pub initial_mrr: i64,
    pub active: Vec<u64>,
    pub mrr: Vec<i64>,
}

/// Everything one pass accumulates.
#[derive(Debug, Clone)]
pub(crate) struct Totals {
    pub months: Vec<MonthTotals>,
    pub owners: OwnerTable,
    pub cohorts: Vec<CohortTotals>,
    pub survival: HashMap<i64, AtDuration, foldhash::fast::FixedState>,
    /// Survival by group: `(group index, duration)`, filled only when a
    /// grouping is asked for.
    pub groups: HashMap<(u32, i64), AtDuration, foldhash::fast::FixedState>,
}

/// How a customer's survival group is found (group indices, not texts).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Grouping<'a> {
    /// No survival by group.
    None,
    /// The customer's owner index.
    Owner,
    /// The customer's segment label index (`0` when missing).
    Segment(&'a [u32]),
    /// The plan index of the customer's highest-MRR segment starting on
    /// its first active day; ties go to the plan with the smallest rank
    /// (`rank[plan]` orders plans by their text).
    Plan(&'a [u32]),
}

impl Totals {
    fn new(frame: &Frame, owners: usize) -> Self {
        Totals {
            months: vec![MonthTotals::default(); frame.months()],
            owners: OwnerTable::new(owners, frame.reported),
            cohorts: (0..frame.reported)
                .map(|idx| {
                    let len = frame.reported - idx + 1;
                    CohortTotals {
                        customers: 0,
                        initial_mrr: 0,
                        active: vec![0; len],
                        mrr: vec![0; len],
                    }
                })
                .collect(),
            survival: HashMap::default(),
            groups: HashMap::default(),
        }
    }

    fn merge(mut self, other: Totals) -> Totals {
        for (a, b) in self.months.iter_mut().zip(&other.months) {
            a.add(b);
        }
        self.owners.merge(other.owners);
        for (a, b) in self.cohorts.iter_mut().zip(&other.cohorts) {
            a.customers += b.customers;
            a.initial_mrr += b.initial_mrr;
            for (x, y) in a.active.iter_mut().zip(&b.active) {
                *x += y;
            }
            for (x, y) in a.mrr.iter_mut().zip(&b.mrr) {
                *x += y;
            }
        }
        for (k, v) in other.survival {
            let e = self.survival.entry(k).or_default();
            e.events += v.events;
            e.censored += v.censored;
        }
        for (k, v) in other.groups {
            let e = self.groups.entry(k).or_default();
            e.events += v.events;
            e.censored += v.censored;
        }
        self
    }
}

/// Per-thread scratch space reused from one customer to the next.
struct Scratch {
    /// `(day, MRR change, plan)`: the plan matters for starts only.
    events: Vec<(i32, i64, u32)>,
    values: Vec<i64>,
}

/// What the sweep learns about one customer.
struct Timeline {
    first_active: i32,
    initial_mrr: i64,
    first_spell_end: Option<i32>,
    /// The plan of the first active day (see `Grouping::Plan`), when asked.
    first_plan: u32,
}

/// Fills `scratch.values` with the customer's MRR at each boundary and
/// returns its first active day and first spell, or `None` if never active.
fn sweep_customer<'a>(
    segments: impl Iterator<Item = &'a Segment>,
    boundaries: &[i32],
    plan_rank: Option<&[u32]>,
    scratch: &mut Scratch,
) -> Option<Timeline> {
    let events = &mut scratch.events;
    events.clear();
    for s in segments {
        let mrr = s.mrr.cents();
        if mrr <= 0 {
            continue; // a free segment never changes MRR nor activity
        }
        let start = day(s.started_on);
        match s.ended_on.map(day) {
            Some(end) if end <= start => continue,
            Some(end) => {
                events.push((start, mrr, s.plan));
                events.push((end, -mrr, s.plan));
            }
            None => events.push((start, mrr, s.plan)),
        }
    }
    if events.is_empty() {
        return None;
    }
    events.sort_unstable_by_key(|e| e.0);
    let values = &mut scratch.values;
    let mut current = 0i64;
    let mut j = 0;
    let mut timeline: Option<Timeline> = None;
    let mut first_events = 0..0;
    let mut i = 0;
    while i < events.len() {
        let today = events[i].0;
        let here = i;
        while j < boundaries.len() && boundaries[j] < today {
            values[j] = current;
            j += 1;
        }
        while i < events.len() && events[i].0 == today {
            current += events[i].1;
            i += 1;
        }
        match &mut timeline {
            None if current > 0 => {
                first_events = here..i;
                timeline = Some(Timeline {
                    first_active: today,
                    initial_mrr: current,
                    first_spell_end: None,
                    first_plan: 0,
                })
            }
            Some(t) if t.first_spell_end.is_none() && current == 0 => {
                t.first_spell_end = Some(today)
            }
            _ => {}
        }
    }
    values[j..].fill(current);
    if let (Some(t), Some(rank)) = (&mut timeline, plan_rank) {
        let rank_of = |plan: u32| rank.get(plan as usize).copied().unwrap_or(u32::MAX);
        let best = events[first_events]
            .iter()
            .filter(|e| e.1 > 0)
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| rank_of(b.2).cmp(&rank_of(a.2))));
        if let Some(best) = best {
            t.first_plan = best.2;
        }
    }
    timeline
}

/// Folds one customer's boundary values and timeline into the totals.
fn account(
    frame: &Frame,
    owner: u32,
    group: Option<u32>,
    values: &[i64],
    timeline: &Timeline,
    totals: &mut Totals,
) {
    let b = &frame.boundaries;
    for m in 0..frame.months() {
        let (s, e) = (values[m], values[m + 1]);
        if s == 0 && e == 0 {
            continue;
        }
        let t = &mut totals.months[m];
        let reported = m.checked_sub(frame.pre);
        if s > 0 {
            t.customers_start += 1;
            t.mrr_start += s;
        }
        if e > 0 {
            t.customers_end += 1;
            t.mrr_end += e;
        }
        if s == 0 {
            let o = reported.map(|r| totals.owners.cell(owner, r));
            if timeline.first_active < b[m] {
                t.reactivated_customers += 1;
                t.reactivation_mrr += e;
                if let Some(o) = o {
                    o.reactivated_customers += 1;
                    o.reactivation_mrr += e;
                }
            } else {
                t.new_customers += 1;
                t.new_mrr += e;
                if let Some(o) = o {
                    o.new_customers += 1;
                    o.new_mrr += e;
                }
            }
        } else if e == 0 {
            t.churned_customers += 1;
            t.churned_mrr += s;
            if let Some(r) = reported {
                let o = totals.owners.cell(owner, r);
                o.churned_customers += 1;
                o.churned_mrr += s;
            }
        } else if e > s {
            t.expansion_mrr += e - s;
            if let Some(r) = reported {
                totals.owners.cell(owner, r).expansion_mrr += e - s;
            }
        } else if e < s {
            t.contraction_mrr += s - e;
        }
    }

    let first = NaiveDate::from_num_days_from_ce_opt(timeline.first_active)
        .expect("a day number from a date");
    let idx = frame.from.months_until(Month::of(first));
    if idx >= 0 && (idx as usize) < frame.reported {
        let idx = idx as usize;
        let c = &mut totals.cohorts[idx];
        c.customers += 1;
        c.initial_mrr += timeline.initial_mrr;
        for k in 1..c.active.len() {
            let v = values[frame.pre + idx + k];
            if v > 0 {
                c.active[k] += 1;
                c.mrr[k] += v;
            }
        }
    }

    if timeline.first_active <= frame.as_of {
        let (duration, event) = match timeline.first_spell_end {
            Some(end) if end <= frame.as_of => (i64::from(end - timeline.first_active), true),
            _ => (i64::from(frame.as_of - timeline.first_active), false),
        };
        let e = totals.survival.entry(duration).or_default();
        if event {
            e.events += 1;
        } else {
            e.censored += 1;
        }
        if let Some(group) = group {
            let g = totals.groups.entry((group, duration)).or_default();
            if event {
                g.events += 1;
            } else {
                g.censored += 1;
            }
        }
    }
}

/// Runs the sweep over all customers, on all cores.
pub(crate) fn sweep(input: &MetricsInput, frame: &Frame, grouping: Grouping<'_>) -> Totals {
    let customers = input
        .segments
        .iter()
        .map(|s| s.customer as usize + 1)
        .max()
        .unwrap_or(0)
        .max(input.customer_owner.len());
    // Counting sort of segment indices by customer.
    let mut offsets = vec![0u32; customers + 1];
    for s in &input.segments {
        offsets[s.customer as usize + 1] += 1;
    }
    for i in 1..offsets.len() {
        offsets[i] += offsets[i - 1];
    }
    let mut next = offsets.clone();
    let mut order = vec![0u32; input.segments.len()];
    #[expect(
        clippy::cast_possible_truncation,
        reason = "segment indices are u32 by design (`order`, `offsets`); each segment is at least \
                  24 bytes, so 2^32 segments would need 96 GiB of input first"
    )]
    for (i, s) in input.segments.iter().enumerate() {
        let slot = &mut next[s.customer as usize];
        order[*slot as usize] = i as u32;
        *slot += 1;
    }
    drop(next);
    let owners = input.owners.len().max(1);
    let owner_of = |c: usize| -> u32 {
        let o = input.customer_owner.get(c).copied().unwrap_or(0);
        if (o as usize) < owners {
            o
        } else {
            0
        }
    };
    let plan_rank = match grouping {
        Grouping::Plan(rank) => Some(rank),
        _ => None,
    };
    let group_of = |c: usize, timeline: &Timeline| -> Option<u32> {
        match grouping {
            Grouping::None => None,
            Grouping::Owner => Some(owner_of(c)),
            Grouping::Segment(labels) => Some(labels.get(c).copied().unwrap_or(0)),
            Grouping::Plan(_) => Some(timeline.first_plan),
        }
    };

    // Few, large blocks: each block may get its own accumulator, whose
    // cohort table grows with the square of the number of months.
    let chunk = (customers / (rayon::current_num_threads() * 8)).max(4096);
    let chunks = customers.div_ceil(chunk);
    (0..chunks)
        .into_par_iter()
        .fold(
            || {
                (
                    Totals::new(frame, owners),
                    Scratch {
                        events: Vec::new(),
                        values: vec![0; frame.boundaries.len()],
                    },
                )
            },
            |(mut totals, mut scratch), k| {
                for c in k * chunk..((k + 1) * chunk).min(customers) {
                    let range = offsets[c] as usize..offsets[c + 1] as usize;
                    let segs = order[range].iter().map(|&i| &input.segments[i as usize]);
                    if let Some(timeline) =
                        sweep_customer(segs, &frame.boundaries, plan_rank, &mut scratch)
                    {
                        let group = group_of(c, &timeline);
                        account(
                            frame,
                            owner_of(c),
                            group,
                            &scratch.values,
                            &timeline,
                            &mut totals,
                        );
                    }
                }
                (totals, scratch)
            },
        )
        .map(|(totals, _)| totals)
        .reduce(|| Totals::new(frame, owners), Totals::merge)
}
