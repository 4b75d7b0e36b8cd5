"""Month table of spec/metrics.md computed by DuckDB over the same CSV files,
timed, and compared with churnwise's JSON (used by scripts/bench-metrics.sh).

usage: bench_duckdb.py DIR FROM TO AS_OF GRACE CHURNWISE_JSON
"""
import json
import sys
import time
from decimal import Decimal

import duckdb

data, first, last, as_of, grace, churnwise_json = sys.argv[1:7]
grace = int(grace)

SQL = f"""
WITH months AS (
  SELECT range::DATE AS s, (range + INTERVAL 1 MONTH)::DATE AS e
  FROM range(DATE '{first}-01', DATE '{last}-01' + INTERVAL 1 MONTH, INTERVAL 1 MONTH)
),
segs AS (
  SELECT customer_id, CAST(mrr AS DECIMAL(18,2)) AS mrr,
         CAST(started_on AS DATE) AS st, CAST(NULLIF(ended_on, '') AS DATE) AS en
  FROM read_csv('{data}/subscriptions.csv', header = true, all_varchar = true)
  WHERE CAST(mrr AS DECIMAL(18,2)) > 0
),
bounds AS (SELECT s AS d FROM months UNION SELECT max(e) FROM months),
state AS (
  SELECT b.d, g.customer_id, sum(g.mrr) AS mrr
  FROM bounds b JOIN segs g ON g.st <= b.d AND (g.en IS NULL OR b.d < g.en)
  GROUP BY 1, 2
),
first_active AS (SELECT customer_id, min(st) AS fa FROM segs GROUP BY 1),
xs AS (SELECT m.s AS month, st.customer_id, st.mrr FROM months m JOIN state st ON st.d = m.s),
ys AS (SELECT m.s AS month, st.customer_id, st.mrr FROM months m JOIN state st ON st.d = m.e),
pairs AS (
  SELECT coalesce(x.month, y.month) AS s, coalesce(x.customer_id, y.customer_id) AS c,
         coalesce(x.mrr, 0) AS ms, coalesce(y.mrr, 0) AS me
  FROM xs x FULL OUTER JOIN ys y ON x.month = y.month AND x.customer_id = y.customer_id
)
SELECT strftime(p.s, '%Y-%m') AS month,
  count(*) FILTER (WHERE ms > 0) AS customers_start,
  count(*) FILTER (WHERE me > 0) AS customers_end,
  count(*) FILTER (WHERE ms = 0 AND me > 0 AND f.fa >= p.s) AS new_customers,
  count(*) FILTER (WHERE ms = 0 AND me > 0 AND f.fa < p.s) AS reactivated_customers,
  count(*) FILTER (WHERE ms > 0 AND me = 0) AS churned_customers,
  coalesce(sum(ms), 0) AS mrr_start, coalesce(sum(me), 0) AS mrr_end,
  coalesce(sum(me) FILTER (WHERE ms = 0 AND f.fa >= p.s), 0) AS new_mrr,
  coalesce(sum(me) FILTER (WHERE ms = 0 AND f.fa < p.s), 0) AS reactivation_mrr,
  coalesce(sum(me - ms) FILTER (WHERE ms > 0 AND me > ms), 0) AS expansion_mrr,
  coalesce(sum(ms - me) FILTER (WHERE me > 0 AND ms > me), 0) AS contraction_mrr,
  coalesce(sum(ms) FILTER (WHERE ms > 0 AND me = 0), 0) AS churned_mrr
FROM pairs p JOIN first_active f ON f.customer_id = p.c
GROUP BY 1 ORDER BY 1
"""

PAY = f"""
SELECT strftime(due, '%Y-%m') AS month, count(*) AS invoices_due, sum(amount) AS amount_due,
       coalesce(sum(amount) FILTER (WHERE paid IS NULL OR paid > DATE '{as_of}'
                                    OR paid > due + {grace}), 0) AS amount_unpaid
FROM (
  SELECT CAST(amount AS DECIMAL(18,2)) AS amount, CAST(due_on AS DATE) AS due,
         CAST(NULLIF(paid_on, '') AS DATE) AS paid
  FROM read_csv('{data}/invoices.csv', header = true, all_varchar = true)
)
WHERE due + {grace} < DATE '{as_of}' AND due >= DATE '{first}-01'
  AND due < DATE '{last}-01' + INTERVAL 1 MONTH
GROUP BY 1 ORDER BY 1
"""

con = duckdb.connect()
start = time.perf_counter()
months = con.execute(SQL).fetchall()
cols = [d[0] for d in con.description]
pay = con.execute(PAY).fetchall()
elapsed = time.perf_counter() - start
print(f"duckdb_seconds={elapsed:.3f}")

# Compare with churnwise: every month field DuckDB computed must be equal.
with open(churnwise_json) as f:
    ours = {m["month"]: m for m in json.load(f)["months"]}
mismatches = 0
for row in months:
    rec = dict(zip(cols, row))
    m = ours.get(rec["month"])
    for k, v in rec.items():
        if k == "month" or m is None:
            continue
        if Decimal(str(m[k])) != Decimal(str(v)):
            mismatches += 1
            if mismatches <= 10:
                print(f"mismatch {rec['month']} {k}: churnwise {m[k]} duckdb {v}", file=sys.stderr)
for month, n, due, unpaid in pay:
    m = ours.get(month)
    if m is None:
        continue
    for k, v in (("invoices_due", n), ("amount_due", due), ("amount_unpaid", unpaid)):
        if Decimal(str(m[k])) != Decimal(str(v)):
            mismatches += 1
            if mismatches <= 10:
                print(f"mismatch {month} {k}: churnwise {m[k]} duckdb {v}", file=sys.stderr)
print(f"months_compared={len(months)} mismatches={mismatches}")
