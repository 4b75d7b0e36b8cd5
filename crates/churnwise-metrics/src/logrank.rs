//! The k-group log-rank test of `spec/metrics.md` ("Survival by group"),
//! as lifelines' `multivariate_logrank_test` computes it: observed minus
//! expected events per group, their covariance `V` restricted to the first
//! `k - 1` groups, `chi2 = zᵀ V⁺ z` and the upper tail of χ²(k - 1).
//!
//! `V⁺` is the Moore–Penrose pseudo-inverse, as lifelines takes it (numpy's
//! `pinv`): for an invertible `V` it is `V⁻¹`; a singular `V` (a group with
//! no one at risk at any event time, or groups never at risk together)
//! drops the directions whose eigenvalue is at most `1e-15` times the
//! largest one, instead of failing. With every direction dropped (no two
//! groups ever at risk together at an event time), `chi2` is 0 and
//! `p_value` 1.

use crate::report::LogRank;
use crate::survival::AtDuration;

/// The log-rank test over `groups`, each its `(duration, counts)` sorted by
/// duration (`None` with fewer than two groups), and each group's expected
/// events `E`.
pub(crate) fn logrank(groups: &[Vec<(i64, AtDuration)>]) -> (Option<LogRank>, Vec<f64>) {
    let k = groups.len();
    if k < 2 {
        let observed = groups
            .iter()
            .map(|ds| ds.iter().map(|(_, a)| a.events as f64).sum())
            .collect();
        return (None, observed);
    }
    // Every (duration, group, counts), by duration.
    let mut entries: Vec<(i64, usize, AtDuration)> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, ds)| ds.iter().map(move |&(t, a)| (t, g, a)))
        .collect();
    entries.sort_unstable_by_key(|e| (e.0, e.1));

    let mut at_risk: Vec<u64> = groups
        .iter()
        .map(|ds| ds.iter().map(|(_, a)| a.events + a.censored).sum())
        .collect();
    let m = k - 1;
    let mut observed = vec![0f64; k];
    let mut expected = vec![0f64; k];
    let mut v = vec![0f64; m * m];
    let mut events_here = vec![0u64; k];

    let mut i = 0;
    while i < entries.len() {
        let t = entries[i].0;
        let start = i;
        while i < entries.len() && entries[i].0 == t {
            events_here[entries[i].1] += entries[i].2.events;
            i += 1;
        }
        let d: u64 = entries[start..i].iter().map(|e| e.2.events).sum();
        if d > 0 {
            let n: u64 = at_risk.iter().sum();
            let (nf, df) = (n as f64, d as f64);
            for g in 0..k {
                observed[g] += events_here[g] as f64;
                expected[g] += df * at_risk[g] as f64 / nf;
            }
            if n > 1 {
                let c = df * (nf - df) / (nf - 1.0);
                for g in 0..m {
                    if at_risk[g] == 0 {
                        continue;
                    }
                    let pg = at_risk[g] as f64 / nf;
                    for h in 0..m {
                        let ph = at_risk[h] as f64 / nf;
                        let delta = if g == h { 1.0 } else { 0.0 };
                        v[g * m + h] += c * pg * (delta - ph);
                    }
                }
            }
        }
        for e in &entries[start..i] {
            at_risk[e.1] -= e.2.events + e.2.censored;
            events_here[e.1] = 0;
        }
    }

    let z: Vec<f64> = (0..m).map(|g| observed[g] - expected[g]).collect();
    let chi2 = quadratic_form_pinv(&v, m, &z).max(0.0);
    let df = m as u64;
    let test = LogRank {
        chi2,
        df,
        p_value: chi2_upper_tail(chi2, df as f64),
    };
    (Some(test), expected)
}

/// `zᵀ A⁺ z` for the symmetric `m × m` matrix `a` (row-major), its
/// pseudo-inverse taken through the eigenvalues (cyclic Jacobi rotations).
fn quadratic_form_pinv(a: &[f64], m: usize, z: &[f64]) -> f64 {
    let (values, vectors) = symmetric_eigen(a, m);
    let largest = values.iter().fold(0f64, |acc, x| acc.max(x.abs()));
    if largest == 0.0 {
        return 0.0;
    }
    let cutoff = largest * 1e-15;
    let mut total = 0.0;
    for (j, &lambda) in values.iter().enumerate() {
        if lambda.abs() <= cutoff {
            continue;
        }
        // Component of z along the j-th eigenvector (column j).
        let proj: f64 = (0..m).map(|r| vectors[r * m + j] * z[r]).sum();
        total += proj * proj / lambda;
    }
    total
}

/// Eigenvalues and eigenvectors (as the columns of a row-major matrix) of
/// the symmetric `m × m` matrix `a`, by cyclic Jacobi rotations.
fn symmetric_eigen(a: &[f64], m: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = a.to_vec();
    // Symmetrise against rounding in the accumulation.
    for r in 0..m {
        for c in r + 1..m {
            let mean = 0.5 * (a[r * m + c] + a[c * m + r]);
            a[r * m + c] = mean;
            a[c * m + r] = mean;
        }
    }
    let mut q = vec![0f64; m * m];
    for r in 0..m {
        q[r * m + r] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..m)
            .flat_map(|r| (0..m).filter(move |&c| c != r).map(move |c| (r, c)))
            .map(|(r, c)| a[r * m + c] * a[r * m + c])
            .sum();
        let diag: f64 = (0..m).map(|r| a[r * m + r] * a[r * m + r]).sum();
        if off == 0.0 || off <= diag * 1e-32 {
            break;
        }
        for p in 0..m {
            for r in p + 1..m {
                let apr = a[p * m + r];
                if apr == 0.0 {
                    continue;
                }
                let (app, arr) = (a[p * m + p], a[r * m + r]);
                let theta = (arr - app) / (2.0 * apr);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for j in 0..m {
                    let (ajp, ajr) = (a[j * m + p], a[j * m + r]);
                    a[j * m + p] = c * ajp - s * ajr;
                    a[j * m + r] = s * ajp + c * ajr;
                }
                for j in 0..m {
                    let (apj, arj) = (a[p * m + j], a[r * m + j]);
                    a[p * m + j] = c * apj - s * arj;
                    a[r * m + j] = s * apj + c * arj;
                }
                for j in 0..m {
                    let (qjp, qjr) = (q[j * m + p], q[j * m + r]);
                    q[j * m + p] = c * qjp - s * qjr;
                    q[j * m + r] = s * qjp + c * qjr;
                }
            }
        }
    }
    ((0..m).map(|r| a[r * m + r]).collect(), q)
}

/// `P(X > x)` for `X ~ χ²(df)`: the regularised upper incomplete gamma
/// function `Q(df / 2, x / 2)`.
pub(crate) fn chi2_upper_tail(x: f64, df: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    upper_gamma_regularised(df / 2.0, x / 2.0)
}

/// `Q(a, x) = Γ(a, x) / Γ(a)` for `a > 0`, `x > 0`: the series of `P` when
/// `x < a + 1`, Lentz's continued fraction otherwise (Numerical Recipes §6.2).
fn upper_gamma_regularised(a: f64, x: f64) -> f64 {
    let log_prefactor = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        let mut term = 1.0 / a;
        let mut sum = term;
        let mut ap = a;
        for _ in 0..10_000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-17 {
                break;
            }
        }
        (1.0 - sum * log_prefactor.exp()).clamp(0.0, 1.0)
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-17 {
                break;
            }
        }
        (log_prefactor.exp() * h).clamp(0.0, 1.0)
    }
}

/// `ln Γ(x)` for `x > 0` (Lanczos, g = 7, 9 terms; relative error ~1e-15).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const COEF: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 - x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEF[0];
    for (i, c) in COEF.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(events: u64, censored: u64) -> AtDuration {
        AtDuration { events, censored }
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1.0)
    }

    #[test]
    fn fewer_than_two_groups_have_no_test() {
        assert_eq!(logrank(&[]).0, None);
        assert_eq!(logrank(&[vec![(5, at(1, 0))]]), (None, vec![1.0]));
    }

    #[test]
    fn two_groups_match_the_hand_computed_statistic() {
        // A: events at 1 and 3; B: event at 2, censored at 4.
        // t=1: n=4 (A2,B2), d=1: E_A=0.5, V=1*3/3*0.5*0.5=0.25.
        // t=2: n=3 (A1,B2), d=1: E_A+=1/3, V+=1*2/2*(1/3)(2/3)=2/9.
        // t=3: n=2 (A1,B1), d=1: E_A+=1/2, V+=1*1/1*(1/2)(1/2)=1/4.
        // O_A=2, E_A=4/3, z=2/3; V=0.25+2/9+0.25=13/18; chi2=(4/9)/(13/18)=8/13.
        let a = vec![(1, at(1, 0)), (3, at(1, 0))];
        let b = vec![(2, at(1, 0)), (4, at(0, 1))];
        let (r, expected) = logrank(&[a, b]);
        let r = r.expect("two groups");
        assert!(close(r.chi2, 8.0 / 13.0, 1e-12), "{}", r.chi2);
        assert_eq!(r.df, 1);
        assert!(close(expected[0], 4.0 / 3.0, 1e-12) && close(expected[1], 5.0 / 3.0, 1e-12));
        // χ²(1) upper tail at 8/13 = erfc(sqrt(4/13)).
        assert!(
            close(r.p_value, 0.432_767_580_667_784_65, 1e-10),
            "{}",
            r.p_value
        );
    }

    #[test]
    fn three_groups_use_the_first_two_and_a_two_by_two_inverse() {
        // A: event at 1; B: event at 2; C: censored at 3. All at risk at 1
        // (n=3, d=1): E=(1/3,1/3,1/3), V=(1/3)(δ-1/3) * (1*2/2)=
        // [[2/9,-1/9],[-1/9,2/9]]. At 2: B and C at risk (n=2, d=1):
        // E_B+=1/2, E_C+=1/2, V_BB+=1*1/1*(1/2)(1/2)=1/4.
        // z = (1-1/3, 1-5/6) = (2/3, 1/6); V = [[2/9,-1/9],[-1/9,17/36]].
        let groups = [
            vec![(1, at(1, 0))],
            vec![(2, at(1, 0))],
            vec![(3, at(0, 1))],
        ];
        let r = logrank(&groups).0.expect("three groups");
        let (a, b, d) = (2.0 / 9.0, -1.0 / 9.0, 17.0 / 36.0);
        let det = a * d - b * b;
        let (z1, z2) = (2.0 / 3.0, 1.0 / 6.0);
        let expected = (d * z1 * z1 - 2.0 * b * z1 * z2 + a * z2 * z2) / det;
        assert!(close(r.chi2, expected, 1e-12), "{} vs {expected}", r.chi2);
        assert_eq!(r.df, 2);
        assert!(close(r.p_value, (-expected / 2.0).exp(), 1e-12));
    }

    #[test]
    fn a_group_never_at_risk_at_an_event_is_dropped_not_inverted() {
        // C's only subject is censored at 0, before any event: its row of V
        // is zero and its z is zero; the answer is the A-vs-B test with
        // df = 2.
        let a = vec![(1, at(1, 0)), (3, at(1, 0))];
        let b = vec![(2, at(1, 0)), (4, at(0, 1))];
        let c = vec![(0, at(0, 1))];
        let r = logrank(&[c, a, b]).0.expect("three groups");
        assert!(close(r.chi2, 8.0 / 13.0, 1e-12), "{}", r.chi2);
        assert_eq!(r.df, 2);
        assert!(close(r.p_value, (-4.0f64 / 13.0).exp(), 1e-12));
    }

    #[test]
    fn groups_never_at_risk_together_give_no_evidence() {
        // B's only subject is censored at 0, before A's event at 1: V = 0.
        let a = vec![(1, at(1, 0))];
        let r = logrank(&[a.clone(), vec![(0, at(0, 1))]])
            .0
            .expect("two groups");
        assert_eq!(r.chi2, 0.0);
        assert_eq!(r.p_value, 1.0);
        // With B at risk at 1, there is some evidence.
        let r = logrank(&[a, vec![(5, at(1, 0))]]).0.expect("two groups");
        assert!(r.chi2 > 0.0 && r.p_value < 1.0);
    }

    #[test]
    fn the_chi2_upper_tail_matches_known_values() {
        // Closed forms of the χ² tail for small df (erfc, exp).
        assert!(close(
            chi2_upper_tail(3.841_458_820_694_124, 1.0),
            0.05,
            1e-10
        ));
        assert!(close(
            chi2_upper_tail(10.0, 3.0),
            0.018_566_135_463_043_237,
            1e-12
        ));
        assert!(close(
            chi2_upper_tail(1.0, 5.0),
            0.962_565_773_247_296_3,
            1e-12
        ));
        // df = 4: e^(-x/2) (1 + x/2), far in the tail (relative check).
        let tail = chi2_upper_tail(50.0, 4.0);
        assert!(
            (tail / 3.610_865_404_890_645e-10 - 1.0).abs() < 1e-10,
            "{tail}"
        );
        assert!(close(chi2_upper_tail(2.5, 2.0), (-1.25f64).exp(), 1e-13));
        assert_eq!(chi2_upper_tail(0.0, 3.0), 1.0);
    }

    #[test]
    fn the_pseudo_inverse_of_an_invertible_matrix_is_its_inverse() {
        let a = [4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0];
        let z = [1.0, -2.0, 0.5];
        // Solve A x = z by Cramer's rule, then zᵀx.
        let det3 = |m: &[f64; 9]| {
            m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
                + m[2] * (m[3] * m[7] - m[4] * m[6])
        };
        let d = det3(&a);
        let mut x = [0.0; 3];
        for (col, xc) in x.iter_mut().enumerate() {
            let mut m = a;
            for r in 0..3 {
                m[r * 3 + col] = z[r];
            }
            *xc = det3(&m) / d;
        }
        let expected: f64 = x.iter().zip(&z).map(|(a, b)| a * b).sum();
        assert!(close(quadratic_form_pinv(&a, 3, &z), expected, 1e-12));
    }
}
