//! A brute-force reference that follows the spec's words day by day, with
//! exact rational Kaplan–Meier, compared with the engine on random data.

use chrono::{Days, NaiveDate};
use churnwise_domain::{Money, Month};
use churnwise_metrics::{compute, InputBuilder, MetricsInput, MetricsOptions};
use proptest::prelude::*;
use serde_json::{json, Value};

#[derive(Debug, Clone)]
struct Seg {
    customer: usize,
    mrr: i64,
    start: NaiveDate,
    end: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
struct Inv {
    amount: i64,
    due: NaiveDate,
    paid: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
struct Case {
    owners: Vec<&'static str>,
    segments: Vec<Seg>,
    invoices: Option<Vec<Inv>>,
    from: Month,
    to: Month,
    as_of: NaiveDate,
    grace: u32,
}

fn mrr(case: &Case, c: usize, day: NaiveDate) -> i64 {
    case.segments
        .iter()
        .filter(|s| s.customer == c && s.start <= day && s.end.is_none_or(|e| day < e))
        .map(|s| s.mrr)
        .sum()
}

fn days(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |d| *d < to)
}

fn pct(part: i64, whole: i64) -> Value {
    if whole == 0 {
        Value::Null
    } else {
        json!(part as f64 / whole as f64 * 100.0)
    }
}

fn money(cents: i64) -> Value {
    serde_json::to_value(Money::from_cents(cents)).unwrap()
}

fn gcd(a: u128, b: u128) -> u128 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The document as the spec's words compute it (without the forecast).
fn reference(case: &Case) -> Value {
    let customers = case.owners.len();
    let earliest = case
        .segments
        .iter()
        .map(|s| s.start)
        .min()
        .unwrap_or(case.as_of)
        .min(case.from.first_day())
        - Days::new(1);
    let active = |c: usize, d: NaiveDate| mrr(case, c, d) > 0;
    let first_active = |c: usize, before: NaiveDate| days(earliest, before).find(|&d| active(c, d));

    let mut months = Vec::new();
    let mut by_owner = Vec::new();
    for month in Month::range_inclusive(case.from, case.to) {
        let (s, e) = (month.first_day(), month.next().first_day());
        let mut f = [0i64; 12];
        let mut owners: std::collections::BTreeMap<&str, [i64; 7]> = Default::default();
        for c in 0..customers {
            let (ms, me) = (mrr(case, c, s), mrr(case, c, e));
            let o = owners.entry(case.owners[c]).or_default();
            if ms > 0 {
                f[0] += 1;
                f[5] += ms;
            }
            if me > 0 {
                f[1] += 1;
                f[6] += me;
            }
            if ms == 0 && me > 0 {
                if first_active(c, s).is_none() {
                    f[2] += 1;
                    f[7] += me;
                    o[0] += 1;
                    o[1] += me;
                } else {
                    f[3] += 1;
                    f[8] += me;
                    o[2] += 1;
                    o[3] += me;
                }
            }
            if ms > 0 && me == 0 {
                f[4] += 1;
                f[11] += ms;
                o[5] += 1;
                o[6] += ms;
            }
            if ms > 0 && me > ms {
                f[9] += me - ms;
                o[4] += me - ms;
            }
            if me > 0 && ms > me {
                f[10] += ms - me;
            }
        }
        let (due, amount_due, unpaid) = match &case.invoices {
            None => (Value::Null, Value::Null, Value::Null),
            Some(list) => {
                let g = Days::new(u64::from(case.grace));
                let mature: Vec<&Inv> = list
                    .iter()
                    .filter(|i| i.due + g < case.as_of && Month::of(i.due) == month)
                    .collect();
                let total: i64 = mature.iter().map(|i| i.amount).sum();
                let unpaid: i64 = mature
                    .iter()
                    .filter(|i| i.paid.is_none_or(|p| p > case.as_of || p > i.due + g))
                    .map(|i| i.amount)
                    .sum();
                (json!(mature.len()), json!(total), json!(unpaid))
            }
        };
        let arpa = if f[1] == 0 {
            Value::Null
        } else {
            // Half away from zero, by the textbook formula on exact integers.
            money((2 * f[6] + f[1]) / (2 * f[1]))
        };
        months.push(json!({
            "month": month.to_string(),
            "customers_start": f[0], "customers_end": f[1], "new_customers": f[2],
            "reactivated_customers": f[3], "churned_customers": f[4],
            "churn_rate_pct": pct(f[4], f[0]),
            "mrr_start": money(f[5]), "mrr_end": money(f[6]), "new_mrr": money(f[7]),
            "reactivation_mrr": money(f[8]), "expansion_mrr": money(f[9]),
            "contraction_mrr": money(f[10]), "churned_mrr": money(f[11]),
            "net_new_mrr": money(f[7] + f[8] + f[9] - f[10] - f[11]),
            "gross_mrr_churn_pct": pct(f[11] + f[10], f[5]),
            "net_mrr_churn_pct": pct(f[11] + f[10] - f[9], f[5]),
            "arpa": arpa,
            "above_benchmark": f[0] > 0 && (f[4] as f64 / f[0] as f64) > 0.07 + 1e-12,
            "invoices_due": due,
            "amount_due": amount_due.as_i64().map_or(Value::Null, money),
            "amount_unpaid": unpaid.as_i64().map_or(Value::Null, money),
            "nonpayment_rate_pct": match (amount_due.as_i64(), unpaid.as_i64()) {
                (Some(t), Some(u)) => pct(u, t),
                _ => Value::Null,
            },
        }));
        for (owner, o) in owners {
            if o.iter().any(|&x| x != 0) {
                by_owner.push(json!({
                    "month": month.to_string(), "owner": owner,
                    "new_customers": o[0], "new_mrr": money(o[1]),
                    "reactivated_customers": o[2], "reactivation_mrr": money(o[3]),
                    "expansion_mrr": money(o[4]),
                    "churned_customers": o[5], "churned_mrr": money(o[6]),
                }));
            }
        }
    }

    let horizon = case.to.next().next().first_day().max(case.as_of) + Days::new(1);
    let mut cohorts = Vec::new();
    for cohort in Month::range_inclusive(case.from, case.to) {
        let members: Vec<(usize, i64)> = (0..customers)
            .filter_map(|c| {
                let f = first_active(c, horizon)?;
                (Month::of(f) == cohort).then(|| (c, mrr(case, c, f)))
            })
            .collect();
        if members.is_empty() {
            continue;
        }
        let initial: i64 = members.iter().map(|m| m.1).sum();
        let (mut logo, mut money_r) = (vec![json!(100.0)], vec![json!(100.0)]);
        for k in 1..=cohort.months_until(case.to.next()) {
            let day = cohort.plus(k).first_day();
            let n = members.iter().filter(|m| active(m.0, day)).count();
            let total: i64 = members.iter().map(|m| mrr(case, m.0, day)).sum();
            logo.push(json!(n as f64 / members.len() as f64 * 100.0));
            money_r.push(json!(total as f64 / initial as f64 * 100.0));
        }
        cohorts.push(json!({
            "cohort": cohort.to_string(), "customers": members.len(),
            "initial_mrr": money(initial), "logo_retention_pct": logo, "mrr_retention_pct": money_r,
        }));
    }

    // Survival: (duration, is_event) per subject.
    let after_as_of = case.as_of + Days::new(1);
    let mut subjects: Vec<(i64, bool)> = Vec::new();
    for c in 0..customers {
        let Some(start) = first_active(c, after_as_of) else {
            continue;
        };
        match days(start, after_as_of).find(|&d| !active(c, d)) {
            Some(end) => subjects.push(((end - start).num_days(), true)),
            None => subjects.push(((case.as_of - start).num_days(), false)),
        }
    }
    let mut times: Vec<i64> = subjects.iter().filter(|s| s.1).map(|s| s.0).collect();
    times.sort_unstable();
    times.dedup();
    let (mut num, mut den) = (1u128, 1u128);
    let mut median = Value::Null;
    let mut curve: Vec<(i64, f64)> = Vec::new();
    for &t in &times {
        let at_risk = subjects.iter().filter(|s| s.0 >= t).count() as u128;
        let deaths = subjects.iter().filter(|s| s.1 && s.0 == t).count() as u128;
        num *= at_risk - deaths;
        den *= at_risk;
        let g = gcd(num, den).max(1);
        num /= g;
        den /= g;
        if median.is_null() && 2 * num <= den {
            median = json!(t);
        }
        curve.push((t, num as f64 / den as f64));
    }
    let at = |x: i64| curve.iter().rev().find(|c| c.0 <= x).map_or(1.0, |c| c.1);
    json!({
        "as_of": case.as_of.to_string(),
        "from": case.from.to_string(), "to": case.to.to_string(),
        "benchmark_churn_pct": 7.0,
        "months": months, "by_owner": by_owner, "cohorts": cohorts,
        "survival": {
            "subjects": subjects.len(), "events": subjects.iter().filter(|s| s.1).count(),
            "median_days": median,
            "survival_at_days": {"30": at(30), "90": at(90), "180": at(180), "365": at(365)},
        },
    })
}

fn input_of(case: &Case) -> MetricsInput {
    let mut b = InputBuilder::new();
    for (i, owner) in case.owners.iter().enumerate() {
        b.customer(&format!("c{i}"), owner);
    }
    for s in &case.segments {
        b.segment(
            &format!("c{}", s.customer),
            Money::from_cents(s.mrr),
            s.start,
            s.end,
        );
    }
    if let Some(list) = &case.invoices {
        b.with_invoices();
        for i in list {
            b.invoice(Money::from_cents(i.amount), i.due, i.paid);
        }
    }
    b.build()
}

fn engine(case: &Case) -> Value {
    let mut o = MetricsOptions::new(case.from, case.to, case.as_of);
    o.grace_days = case.grace;
    let mut v = serde_json::to_value(compute(&input_of(case), &o).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("forecast");
    for m in v["months"].as_array_mut().unwrap() {
        m.as_object_mut().unwrap().remove("forecast_deviation");
    }
    v
}

/// Equal JSON, numbers within 1e-9 relative.
fn same(a: &Value, b: &Value, path: &str) -> Result<(), String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            if (x - y).abs() <= 1e-9 * x.abs().max(1.0) {
                Ok(())
            } else {
                Err(format!("{path}: {x} != {y}"))
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .try_for_each(|(i, (x, y))| same(x, y, &format!("{path}[{i}]"))),
        (Value::Object(x), Value::Object(y)) if x.len() == y.len() => {
            x.iter().try_for_each(|(k, v)| {
                same(
                    v,
                    y.get(k).ok_or(format!("{path}.{k} missing"))?,
                    &format!("{path}.{k}"),
                )
            })
        }
        _ if a == b => Ok(()),
        _ => Err(format!("{path}: {a} != {b}")),
    }
}

fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 10, 1).unwrap()
}

fn seg_strategy(customers: usize) -> impl Strategy<Value = Seg> {
    (
        0..customers,
        prop::sample::select(vec![0i64, 1, 99, 1000, 2550]),
        0u64..300,
        prop::option::weighted(0.8, 1u64..150),
    )
        .prop_map(|(customer, mrr, start, len)| {
            let start = base() + Days::new(start);
            Seg {
                customer,
                mrr,
                start,
                end: len.map(|l| start + Days::new(l)),
            }
        })
}

fn inv_strategy() -> impl Strategy<Value = Inv> {
    (1i64..5000, 0u64..300, prop::option::of(0u64..120)).prop_map(|(amount, due, paid)| {
        let due = base() + Days::new(due);
        Inv {
            amount,
            due,
            paid: paid.map(|p| due + Days::new(p)),
        }
    })
}

fn case_strategy() -> impl Strategy<Value = Case> {
    (1usize..7).prop_flat_map(|customers| {
        (
            prop::collection::vec(prop::sample::select(vec!["", "ana", "bob"]), customers),
            prop::collection::vec(seg_strategy(customers), 0..14),
            prop::option::of(prop::collection::vec(inv_strategy(), 0..8)),
            0i32..5,
            0i32..6,
            0u64..420,
            0u32..45,
        )
            .prop_map(|(owners, segments, invoices, from, len, as_of, grace)| {
                let from = Month::of(base()).plus(from);
                Case {
                    owners,
                    segments,
                    invoices,
                    from,
                    to: from.plus(len),
                    as_of: base() + Days::new(as_of),
                    grace,
                }
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_engine_agrees_with_the_day_by_day_reference_on_random_data(case in case_strategy()) {
        let (e, r) = (engine(&case), reference(&case));
        if let Err(diff) = same(&e, &r, "") {
            prop_assert!(false, "{diff}\nengine: {e}\nreference: {r}");
        }
    }

    #[test]
    fn customers_and_mrr_identities_hold_every_month(case in case_strategy()) {
        let mut o = MetricsOptions::new(case.from, case.to, case.as_of);
        o.grace_days = case.grace;
        let report = compute(&input_of(&case), &o).unwrap();
        for m in &report.months {
            prop_assert_eq!(
                m.customers_end + m.churned_customers,
                m.customers_start + m.new_customers + m.reactivated_customers
            );
            prop_assert_eq!(m.net_new_mrr, m.mrr_end - m.mrr_start);
        }
        for pair in report.months.windows(2) {
            prop_assert_eq!(pair[0].customers_end, pair[1].customers_start);
            prop_assert_eq!(pair[0].mrr_end, pair[1].mrr_start);
        }
    }
}

#[test]
fn the_reference_itself_computes_the_worked_example() {
    let mut segments = Vec::new();
    for c in 0..12 {
        segments.push(Seg {
            customer: c,
            mrr: 100,
            start: base(),
            end: (c < 2).then(|| base() + Days::new(40)),
        });
    }
    let case = Case {
        owners: vec![""; 12],
        segments,
        invoices: None,
        from: Month::of(base()).plus(1),
        to: Month::of(base()).plus(1),
        as_of: base() + Days::new(100),
        grace: 30,
    };
    let r = reference(&case);
    assert!((r["months"][0]["churn_rate_pct"].as_f64().unwrap() - 16.6666666).abs() < 1e-6);
    assert_eq!(r["months"][0]["above_benchmark"], json!(true));
    assert!(same(&engine(&case), &r, "").is_ok());
}
