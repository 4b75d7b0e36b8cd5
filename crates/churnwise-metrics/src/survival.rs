//! Kaplan–Meier over first spells, with the median decided exactly.

use crate::report::{Survival, SurvivalAt};

/// Events and censorings observed at one duration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct AtDuration {
    pub events: u64,
    pub censored: u64,
}

/// The Kaplan–Meier summary from `(duration in days, counts)` sorted by duration.
pub(crate) fn kaplan_meier(durations: &[(i64, AtDuration)]) -> Survival {
    let subjects: u64 = durations.iter().map(|(_, a)| a.events + a.censored).sum();
    let events: u64 = durations.iter().map(|(_, a)| a.events).sum();
    let mut at_risk = subjects;
    let mut curve = 1.0f64;
    // Factors (at risk, at risk - events) of the product so far, for the exact check.
    let mut factors: Vec<(u64, u64)> = Vec::new();
    let mut median_days = None;
    let marks = [30i64, 90, 180, 365];
    let mut at_marks = [1.0f64; 4];
    for &(duration, here) in durations {
        if here.events > 0 {
            factors.push((at_risk, at_risk - here.events));
            curve *= (at_risk - here.events) as f64 / at_risk as f64;
            if median_days.is_none() && at_most_half(curve, &factors) {
                median_days = Some(duration);
            }
        }
        for (mark, value) in marks.iter().zip(at_marks.iter_mut()) {
            if duration <= *mark {
                *value = curve;
            }
        }
        at_risk -= here.events + here.censored;
    }
    Survival {
        subjects,
        events,
        median_days,
        survival_at_days: SurvivalAt {
            d30: at_marks[0],
            d90: at_marks[1],
            d180: at_marks[2],
            d365: at_marks[3],
        },
    }
}

/// Whether the product of `(after / before)` factors is `<= 1/2`; the float
/// decides unless it is within 1e-9 of one half, where exact integer
/// arithmetic does.
fn at_most_half(curve: f64, factors: &[(u64, u64)]) -> bool {
    if (curve - 0.5).abs() > 1e-9 {
        return curve < 0.5;
    }
    let mut numerator = BigUint::one();
    let mut denominator = BigUint::one();
    for &(before, after) in factors {
        numerator.mul_small(after);
        denominator.mul_small(before);
    }
    numerator.mul_small(2);
    numerator <= denominator
}

/// A minimal unsigned big integer: little-endian 32-bit limbs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct BigUint(Vec<u32>);

impl BigUint {
    fn one() -> Self {
        BigUint(vec![1])
    }

    #[expect(
        clippy::cast_possible_truncation,
        reason = "`lo` is masked to 32 bits and `hi` is `factor >> 32`, so both fit u32"
    )]
    fn mul_small(&mut self, factor: u64) {
        let (lo, hi) = (factor & 0xffff_ffff, factor >> 32);
        self.mul_u32(lo as u32, hi as u32);
    }

    #[expect(
        clippy::cast_possible_truncation,
        reason = "limb arithmetic: `v as u32` keeps the low 32 bits on purpose (the rest is the carry), \
                  and a final carry is `v >> 32` of a u64, so it fits"
    )]
    fn mul_u32(&mut self, lo: u32, hi: u32) {
        // self * (hi * 2^32 + lo)
        let times = |limbs: &[u32], f: u32| -> Vec<u32> {
            let mut out = Vec::with_capacity(limbs.len() + 1);
            let mut carry = 0u64;
            for &l in limbs {
                let v = u64::from(l) * u64::from(f) + carry;
                out.push(v as u32);
                carry = v >> 32;
            }
            out.push(carry as u32);
            out
        };
        let mut result = times(&self.0, lo);
        if hi != 0 {
            let high = times(&self.0, hi);
            result.push(0);
            let mut carry = 0u64;
            for (i, &h) in high.iter().enumerate() {
                let v = u64::from(result[i + 1]) + u64::from(h) + carry;
                result[i + 1] = v as u32;
                carry = v >> 32;
            }
        }
        while result.len() > 1 && *result.last().expect("non-empty") == 0 {
            result.pop();
        }
        self.0 = result;
    }
}

impl PartialOrd for BigUint {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for BigUint {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(events: u64, censored: u64) -> AtDuration {
        AtDuration { events, censored }
    }

    #[test]
    fn no_subject_gives_a_flat_curve_and_no_median() {
        let s = kaplan_meier(&[]);
        assert_eq!(s.subjects, 0);
        assert_eq!(s.median_days, None);
        assert_eq!(s.survival_at_days.d365, 1.0);
    }

    #[test]
    fn a_curve_that_lands_exactly_on_one_half_gives_the_median_there() {
        // 10 at risk: 1 event at 10 (9/10), 3 censored at 10, then 6 at risk:
        // 1 event at 20 (5/6) -> 3/4, 2 censored at 30, then 3 at risk:
        // 1 event at 40: 3/4 * 2/3 = 1/2.
        let d = [
            (10, at(1, 3)),
            (20, at(1, 0)),
            (30, at(0, 2)),
            (40, at(1, 0)),
            (50, at(0, 2)),
        ];
        let s = kaplan_meier(&d);
        assert_eq!(s.subjects, 10);
        assert_eq!(s.events, 3);
        assert_eq!(s.median_days, Some(40));
        assert!((s.survival_at_days.d30 - 0.75).abs() < 1e-12);
    }

    #[test]
    fn products_of_thirds_that_equal_one_half_in_exact_arithmetic_count_as_half() {
        // 6 at risk, event at 1: 5/6; 5 at risk, event at 2: 4/5 -> 4/6; 4 at
        // risk, event at 3: 3/4 -> 1/2 exactly, whatever the float rounding.
        let d = [(1, at(1, 0)), (2, at(1, 0)), (3, at(1, 0)), (4, at(0, 3))];
        assert_eq!(kaplan_meier(&d).median_days, Some(3));
    }

    #[test]
    fn ties_count_events_and_censorings_at_the_same_time_as_at_risk() {
        // 4 subjects: at 5 one event and one censoring: S = 3/4; then 2 at
        // risk, one event at 8: S = 3/8.
        let d = [(5, at(1, 1)), (8, at(1, 0)), (9, at(0, 1))];
        let s = kaplan_meier(&d);
        assert_eq!(s.median_days, Some(8));
        assert!((s.survival_at_days.d30 - 0.375).abs() < 1e-12);
    }

    #[test]
    fn a_curve_that_stays_above_one_half_has_no_median() {
        let d = [(100, at(1, 0)), (400, at(0, 2))];
        let s = kaplan_meier(&d);
        assert_eq!(s.median_days, None);
        assert_eq!(s.survival_at_days.d90, 1.0);
        assert!((s.survival_at_days.d180 - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    #[expect(
        clippy::cast_possible_truncation,
        reason = "the casts take single 32-bit limbs of the expected u128 on purpose"
    )]
    fn big_integers_multiply_and_compare_like_u128() {
        let mut a = BigUint::one();
        a.mul_small(u64::MAX);
        a.mul_small(3);
        let mut b = BigUint::one();
        b.mul_small(u64::MAX);
        b.mul_small(2);
        assert!(a > b);
        let expected = u128::from(u64::MAX) * 3;
        let mut c = BigUint::one();
        c.mul_small((expected >> 64) as u64);
        assert!(c < a);
        assert_eq!(a.0[0], expected as u32);
        assert_eq!(a.0[2], (expected >> 64) as u32);
    }
}
