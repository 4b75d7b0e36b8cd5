"""Checks `churnwise metrics --survival-by X` against lifelines.

For each data set (one written here, rows in date order, with several
segments, owners and plans, a few groups of one or two customers, a
customer outside customers.csv's groups, ties of plans on the first day;
and one from `churnwise generate`) and each X in segment, owner, plan:
runs churnwise, recomputes the subjects, durations, events and groups of
spec/metrics.md ("Survival", "Survival by group") independently from the
CSV files, and compares with lifelines' KaplanMeierFitter per group and
multivariate_logrank_test over all groups. Exits non-zero on any
difference beyond 1e-6.

Usage: python3 check_logrank_lifelines.py CHURNWISE_BINARY WORK_DIR
"""

import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
from collections import defaultdict
from fractions import Fraction

from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test

TOL = 1e-6
AS_OF = "2024-12-31"
MARKS = (30, 90, 180, 365)


def day(text):
    return dt.date.fromisoformat(text)


def write_sample(directory, seed):
    """Writes customers.csv and subscriptions.csv, rows in date order."""
    rng = random.Random(seed)
    segments = ["smb", "mid-market", "enterprise", "", "partner"]
    owners = ["ana", "bo", "carla", "", "dmitri", "eve"]
    plans = ["basic", "pro", "business", "", "zeta"]
    customers, subs = [], []
    start0 = day("2021-01-01")
    for i in range(600):
        cid = f"C{i:04d}"
        # A few groups with very few members.
        if i == 7:
            seg, owner = "solo", "lone-owner"
        elif i in (11, 12):
            seg, owner = "pair", "pair-owner"
        elif i in (13, 14):
            # Last by text and never at risk at an event time (both start on
            # the as-of day): a singular covariance matrix for lifelines' pinv.
            seg, owner = "zz-new", "zz-new"
        else:
            seg = rng.choice(segments[:4] if rng.random() < 0.9 else segments)
            owner = rng.choice(owners)
        customers.append((cid, f"Customer {i}", owner, seg))
        # Churn hazard by segment, so the groups really differ.
        hazard = {"smb": 1 / 300, "mid-market": 1 / 600, "enterprise": 1 / 1200}.get(
            seg, 1 / 500
        )
        start = start0 + dt.timedelta(days=rng.randrange(0, 1400))
        if seg == "zz-new":
            subs.append((f"S{i:04d}a", cid, "zz-new", "10.00", AS_OF, ""))
            continue
        life = int(rng.expovariate(hazard)) + 1
        end = start + dt.timedelta(days=life)
        end_text = end.isoformat() if end <= day("2025-06-30") else ""
        mrr = rng.choice([19, 49, 99, 199])
        plan = rng.choice(plans)
        subs.append((f"S{i:04d}a", cid, plan, f"{mrr}.00", start.isoformat(), end_text))
        r = rng.random()
        if r < 0.15:
            # A second plan the same day: same MRR (tie on the text) or more.
            other = rng.choice(plans)
            mrr2 = mrr if rng.random() < 0.5 else mrr + 10
            subs.append((f"S{i:04d}b", cid, other, f"{mrr2}.00", start.isoformat(), end_text))
        elif r < 0.25 and end_text:
            # A return after the first spell (ignored by survival).
            back = end + dt.timedelta(days=rng.randrange(10, 200))
            subs.append((f"S{i:04d}c", cid, plan, f"{mrr}.00", back.isoformat(), ""))
        elif r < 0.30:
            # A free segment first: the first active day is the paid one.
            paid = start + dt.timedelta(days=20)
            subs.append((f"S{i:04d}f", cid, "free", "0.00", start.isoformat(), paid.isoformat()))
            subs.append(
                (
                    f"S{i:04d}p",
                    cid,
                    plan,
                    f"{mrr}.00",
                    paid.isoformat(),
                    end_text if not end_text or day(end_text) > paid else "",
                )
            )
            subs = [s for s in subs if s[0] != f"S{i:04d}a"]
    # A customer known only to subscriptions is impossible with a customers
    # file, so the "" group comes from empty segments and owners.
    subs.sort(key=lambda s: s[4])
    with open(f"{directory}/customers.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["customer_id", "name", "owner", "segment"])
        w.writerows(customers)
    with open(f"{directory}/subscriptions.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["subscription_id", "customer_id", "plan", "mrr", "started_on", "ended_on"])
        w.writerows(subs)


def subjects(directory, by):
    """(group, duration, event) per subject, recomputed from the files."""
    attrs = {}
    with open(f"{directory}/customers.csv", newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            attrs[row["customer_id"]] = (row.get("owner") or "", row.get("segment") or "")
    segs = defaultdict(list)
    with open(f"{directory}/subscriptions.csv", newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            cents = round(float(row["mrr"]) * 100)
            start = day(row["started_on"])
            end = day(row["ended_on"]) if row.get("ended_on") else None
            segs[row["customer_id"]].append((row.get("plan") or "", cents, start, end))
    as_of = day(AS_OF)
    out = []
    for cid, rows in segs.items():
        # MRR changes by day; the first active day and the first later day
        # with MRR 0.
        changes = defaultdict(int)
        for _, cents, start, end in rows:
            if cents <= 0:
                continue
            changes[start] += cents
            if end is not None:
                changes[end] -= cents
        mrr, first, spell_end = 0, None, None
        for d in sorted(changes):
            mrr += changes[d]
            if first is None and mrr > 0:
                first = d
            elif first is not None and mrr == 0:
                spell_end = d
                break
        if first is None or first > as_of:
            continue
        if spell_end is not None and spell_end <= as_of:
            duration, event = (spell_end - first).days, 1
        else:
            duration, event = (as_of - first).days, 0
        owner, segment = attrs.get(cid, ("", ""))
        if by == "owner":
            group = owner
        elif by == "segment":
            group = segment
        else:
            starting = [(p, c) for p, c, s, _ in rows if s == first and c > 0]
            top = max(c for _, c in starting)
            group = min(p for p, c in starting if c == top)
        out.append((group, duration, event))
    return out


def close(a, b):
    return abs(a - b) <= TOL


def check(directory, binary, by):
    result = subprocess.run(
        [
            binary,
            "metrics",
            "--customers",
            f"{directory}/customers.csv",
            "--subscriptions",
            f"{directory}/subscriptions.csv",
            "--from",
            "2024-01",
            "--to",
            "2024-12",
            "--as-of",
            AS_OF,
            "--format",
            "json",
            "--survival-by",
            by,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    doc = json.loads(result.stdout)["survival_by"]
    problems = []
    if doc["by"] != by:
        problems.append(f"by is {doc['by']!r}")
    rows = subjects(directory, by)
    groups = sorted({g for g, _, _ in rows})
    got = [g["group"] for g in doc["groups"]]
    if got != groups:
        problems.append(f"groups {got} != {groups}")
    for g in doc["groups"]:
        mine = [(d, e) for grp, d, e in rows if grp == g["group"]]
        if not mine:
            continue
        durations = [d for d, _ in mine]
        events = [e for _, e in mine]
        if g["subjects"] != len(mine) or g["events"] != sum(events):
            problems.append(f"{g['group']!r}: subjects/events {g['subjects']}/{g['events']}")
        kmf = KaplanMeierFitter().fit(durations, event_observed=events)
        for mark in MARKS:
            expected = float(kmf.survival_function_at_times(mark).iloc[0])
            if not close(g["survival_at_days"][str(mark)], expected):
                problems.append(
                    f"{g['group']!r}: S({mark}) {g['survival_at_days'][str(mark)]} != {expected}"
                )
        # The median decided exactly: the first duration where S <= 0.5
        # (lifelines' median_survival_time_ compares floats, so the exact
        # product is recomputed here with fractions).
        from fractions import Fraction

        s, median = Fraction(1), None
        for t in sorted(set(d for d, e in mine if e)):
            n = sum(1 for d in durations if d >= t)
            d_t = sum(1 for d, e in mine if d == t and e)
            s *= Fraction(n - d_t, n)
            if s <= Fraction(1, 2):
                median = t
                break
        if g["median_days"] != median:
            problems.append(f"{g['group']!r}: median {g['median_days']} != {median}")
    if len(groups) < 2:
        if doc["logrank"] is not None:
            problems.append("logrank should be null with fewer than two groups")
    else:
        test = multivariate_logrank_test(
            [d for _, d, _ in rows], [g for g, _, _ in rows], [e for _, _, e in rows]
        )
        lr = doc["logrank"]
        expected = (float(test.test_statistic), float(test.p_value), len(groups) - 1)
        if not (
            close(lr["chi2"], expected[0])
            and close(lr["p_value"], expected[1])
            and lr["df"] == expected[2]
        ):
            problems.append(f"logrank {lr} != chi2 {expected[0]}, p {expected[1]}, df {expected[2]}")
    label = f"{directory.rsplit('/', 1)[-1]} by {by}"
    if problems:
        print(f"FAIL {label}:", *problems, sep="\n  ")
        return False
    lr = doc["logrank"]
    print(
        f"ok   {label}: {len(groups)} groups, {len(rows)} subjects"
        + (f", chi2 {lr['chi2']:.6f}, p {lr['p_value']:.3g}" if lr else "")
    )
    return True


def main():
    binary, work = sys.argv[1], sys.argv[2]
    sample = f"{work}/sample"
    os.makedirs(sample, exist_ok=True)
    write_sample(sample, seed=16)
    generated = f"{work}/generated"
    subprocess.run(
        [binary, "generate", "--customers", "800", "--seed", "16", "--until", AS_OF, "--out", generated],
        check=True,
        capture_output=True,
    )
    ok = True
    for directory in (sample, generated):
        for by in ("segment", "owner", "plan"):
            ok = check(directory, binary, by) and ok
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
