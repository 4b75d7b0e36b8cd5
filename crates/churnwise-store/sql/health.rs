//! Health scores and alerts: inherent methods of `SqlStore` that the
//! `Store` impl delegates to.

use super::cases::{case_from, CASE_SELECT};
use super::{backend_error, json_error, parse_column, DbRow};
use crate::{Db, SqlStore};
use chrono::Utc;
use churnwise_domain::health::{
    alert_change, AlertChange, ContractSegment, HealthFacts, OverdueInvoice, Signal,
};
use churnwise_domain::health::{UsageTrend, USAGE_WINDOW_DAYS};
use churnwise_domain::registry::WarningFlag;
use churnwise_domain::Money;
use churnwise_store::*;
use sqlx::{QueryBuilder, Row};
use std::collections::{HashMap, HashSet};

const ALERT_SELECT: &str = "SELECT a.id, a.client_id, a.status, a.score, a.signals, a.raised_on, \
     a.snoozed_until, a.case_id, a.handled_by, c.name AS client_name, c.owner AS client_owner, \
     c.status AS client_status FROM health_alerts a JOIN clients c ON c.id = a.client_id";

fn client_ref_from(row: &DbRow) -> StoreResult<ClientRef> {
    let status: String = row.try_get("client_status").map_err(backend_error)?;
    Ok(ClientRef {
        id: ClientId(row.try_get("client_id").map_err(backend_error)?),
        name: row.try_get("client_name").map_err(backend_error)?,
        owner: row.try_get("client_owner").map_err(backend_error)?,
        status: parse_column(&status, "client status")?,
    })
}

fn alert_from(row: &DbRow) -> StoreResult<Alert> {
    let status: String = row.try_get("status").map_err(backend_error)?;
    let signals: String = row.try_get("signals").map_err(backend_error)?;
    let score: i32 = row.try_get("score").map_err(backend_error)?;
    Ok(Alert {
        id: AlertId(row.try_get("id").map_err(backend_error)?),
        client: client_ref_from(row)?,
        status: parse_column(&status, "alert status")?,
        score: score.max(0) as u32,
        reasons: serde_json::from_str(&signals).map_err(|e| json_error("alert signals", e))?,
        raised_on: row.try_get("raised_on").map_err(backend_error)?,
        snoozed_until: row.try_get("snoozed_until").map_err(backend_error)?,
        case_id: row
            .try_get::<Option<i64>, _>("case_id")
            .map_err(backend_error)?
            .map(CaseId),
        handled_by: row.try_get("handled_by").map_err(backend_error)?,
    })
}

/// Narrows a query to the clients of `scope` (`AND column IN (…)`); `None`
/// leaves it on the whole workspace. An empty scope matches nothing.
fn in_scope(q: &mut QueryBuilder<'_, Db>, column: &str, scope: Option<&[i64]>) {
    let Some(ids) = scope else { return };
    if ids.is_empty() {
        q.push(" AND 1 = 0");
        return;
    }
    q.push(" AND ").push(column).push(" IN (");
    let mut list = q.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    q.push(")");
}

/// The year of daily usage the usage signal reads as of a day, and the
/// three parts [`SqlStore::usage_trends`] reads it in: days from `first`
/// to the day before `whole_from` (daily totals), whole months from
/// `whole_from` to the month before `end_month` (monthly totals), and days
/// from `end_month` to today (daily totals, with the compared windows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct UsageYear {
    /// The year's first day (364 days ago).
    first: Date,
    /// The first whole month after `first`'s month (or `end_month`, if
    /// sooner).
    whole_from: Date,
    /// The first day of the month of the day after `previous_after`: the
    /// daily read of the windows starts there.
    end_month: Date,
    /// The last day before the last 28 days.
    recent_after: Date,
    /// The last day before the two compared windows: the older part of the
    /// year ends on it.
    previous_after: Date,
}

impl UsageYear {
    fn of(today: Date) -> Self {
        use chrono::Datelike;
        let window = chrono::Days::new(u64::from(USAGE_WINDOW_DAYS));
        let recent_after = today - window;
        let previous_after = recent_after - window;
        let first = today - chrono::Days::new(364);
        let month_of = |d: Date| d.with_day(1).unwrap_or(d);
        let end_month = month_of(previous_after + chrono::Days::new(1));
        let whole_from = (month_of(first) + chrono::Months::new(1)).min(end_month);
        UsageYear {
            first,
            whole_from,
            end_month,
            recent_after,
            previous_after,
        }
    }
}

/// Alerts per multi-row statement (7 parameters a row).
const ALERT_CHUNK: usize = 500;

impl SqlStore {
    pub(super) async fn health_facts_impl(
        &self,
        ws: WorkspaceId,
        today: Date,
        lookback_days: u32,
    ) -> StoreResult<Vec<ClientHealthFacts>> {
        self.health_facts_scoped(ws, today, lookback_days, None)
            .await
    }

    /// The health facts of the active or leaving clients of `ws`, all of
    /// them (`scope` `None`) or only those among `scope` (client ids; the
    /// caller keeps the list to a few thousand ids, since each is a bound
    /// parameter). One set of queries for both, each narrowed by
    /// [`in_scope`].
    pub(super) async fn health_facts_scoped(
        &self,
        ws: WorkspaceId,
        today: Date,
        lookback_days: u32,
        scope: Option<&[i64]>,
    ) -> StoreResult<Vec<ClientHealthFacts>> {
        let window_start = today - chrono::Days::new(u64::from(lookback_days));
        let mut q = QueryBuilder::<Db>::new(
            "SELECT id AS client_id, name AS client_name, owner AS client_owner, status AS client_status, \
             keep_in_touch_days, warning_flags, created_at FROM clients \
             WHERE status IN ('active', 'leaving') AND ",
        );
        q.push(super::workspace_of(scope.is_some())).push_bind(ws.0);
        in_scope(&mut q, "id", scope);
        q.push(" ORDER BY id");
        let clients = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;

        let mut q = QueryBuilder::<Db>::new(
            "SELECT client_id, MAX(occurred_on) AS last_on FROM interactions \
             WHERE kind NOT IN ('newsletter', 'note') AND workspace_id = ",
        );
        q.push_bind(ws.0)
            .push(" AND occurred_on <= ")
            .push_bind(today);
        in_scope(&mut q, "client_id", scope);
        q.push(" GROUP BY client_id");
        let last_contacts = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        let mut last_contact: HashMap<i64, Date> = HashMap::new();
        for r in &last_contacts {
            let on: Option<Date> = r.try_get("last_on").map_err(backend_error)?;
            if let Some(on) = on {
                last_contact.insert(r.try_get("client_id").map_err(backend_error)?, on);
            }
        }

        let mut q = QueryBuilder::<Db>::new(
            "SELECT client_id, kind, COUNT(*) AS n FROM interactions \
             WHERE kind IN ('complaint', 'incident') AND workspace_id = ",
        );
        q.push_bind(ws.0)
            .push(" AND occurred_on > ")
            .push_bind(window_start)
            .push(" AND occurred_on <= ")
            .push_bind(today);
        in_scope(&mut q, "client_id", scope);
        q.push(" GROUP BY client_id, kind");
        let troubles = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        let mut complaints: HashMap<i64, (u32, u32)> = HashMap::new();
        for r in &troubles {
            let kind: String = r.try_get("kind").map_err(backend_error)?;
            let n: i64 = r.try_get("n").map_err(backend_error)?;
            // A count past u32 (never in practice) reads as u32::MAX, not wrapped.
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            let entry = complaints
                .entry(r.try_get("client_id").map_err(backend_error)?)
                .or_default();
            if kind == "complaint" {
                entry.0 += n;
            } else {
                entry.1 += n;
            }
        }

        // Unpaid invoices past their due date, and (issue 15) unpaid ones
        // whose payment failed, even before their due date.
        let mut q = QueryBuilder::<Db>::new(
            "SELECT i.client_id, i.amount_cents, i.due_on, b.happened_on AS payment_failed_on \
             FROM invoices i LEFT JOIN billing_signals b ON b.workspace_id = i.workspace_id \
             AND b.kind = 'payment_failed' AND b.reference = i.invoice_ref \
             WHERE i.paid_on IS NULL AND i.workspace_id = ",
        );
        q.push_bind(ws.0)
            .push(" AND (i.due_on < ")
            .push_bind(today)
            .push(" OR b.happened_on <= ")
            .push_bind(today)
            .push(")");
        in_scope(&mut q, "i.client_id", scope);
        let invoices = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        let mut overdue: HashMap<i64, Vec<OverdueInvoice>> = HashMap::new();
        for r in &invoices {
            overdue
                .entry(r.try_get("client_id").map_err(backend_error)?)
                .or_default()
                .push(OverdueInvoice {
                    amount: Money::from_cents(r.try_get("amount_cents").map_err(backend_error)?),
                    due_on: r.try_get("due_on").map_err(backend_error)?,
                    payment_failed_on: r.try_get("payment_failed_on").map_err(backend_error)?,
                });
        }

        let mut q = QueryBuilder::<Db>::new(
            "SELECT client_id, subscription_ref, mrr_cents, started_on, ended_on, minimum_term_months \
             FROM subscriptions WHERE workspace_id = ",
        );
        q.push_bind(ws.0);
        in_scope(&mut q, "client_id", scope);
        q.push(" ORDER BY client_id, started_on");
        let subscriptions = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        let mut segments: HashMap<i64, Vec<ContractSegment>> = HashMap::new();
        for r in &subscriptions {
            segments
                .entry(r.try_get("client_id").map_err(backend_error)?)
                .or_default()
                .push(ContractSegment {
                    subscription_ref: r.try_get("subscription_ref").map_err(backend_error)?,
                    mrr: Money::from_cents(r.try_get("mrr_cents").map_err(backend_error)?),
                    started_on: r.try_get("started_on").map_err(backend_error)?,
                    ended_on: r.try_get("ended_on").map_err(backend_error)?,
                    minimum_term_months: r.try_get("minimum_term_months").map_err(backend_error)?,
                });
        }

        // The last answered exit survey of each client (a saved or won-back
        // client may have answered one).
        let mut surveys: HashMap<i64, (Timestamp, churnwise_domain::survey::Score)> =
            HashMap::new();
        let mut q = QueryBuilder::<Db>::new(CASE_SELECT);
        q.push(" WHERE c.workspace_id = ").push_bind(ws.0);
        in_scope(&mut q, "c.client_id", scope);
        let cases = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?
            .iter()
            .map(case_from)
            .collect::<StoreResult<Vec<_>>>()?;
        // The requested end of each client's open departure case.
        let mut leaving: HashMap<i64, chrono::NaiveDate> = HashMap::new();
        for case in &cases {
            if let Some(end) = case
                .case
                .is_open()
                .then(|| case.case.notice().requested_end_on())
                .flatten()
            {
                leaving.insert(case.client_id.0, end);
            }
        }
        for case in cases {
            if let Some(answer) = case.case.survey().and_then(|s| s.answer()) {
                let at = answer.answered_at();
                let entry = surveys
                    .entry(case.client_id.0)
                    .or_insert((at, answer.score()));
                if at > entry.0 {
                    *entry = (at, answer.score());
                }
            }
        }

        let mut usage = self.usage_trends(ws, today, scope).await?;

        let mut out = Vec::with_capacity(clients.len());
        for r in &clients {
            let client = client_ref_from(r)?;
            let id = client.id.0;
            let created_at: Timestamp = r.try_get("created_at").map_err(backend_error)?;
            let flags: String = r.try_get("warning_flags").map_err(backend_error)?;
            let segments = segments.remove(&id).unwrap_or_default();
            let first_start = segments.iter().map(|s| s.started_on).min();
            let (complaints, incidents) = complaints.get(&id).copied().unwrap_or_default();
            out.push(ClientHealthFacts {
                client,
                facts: HealthFacts {
                    today,
                    keep_in_touch_days: r.try_get("keep_in_touch_days").map_err(backend_error)?,
                    last_contact_on: last_contact.get(&id).copied(),
                    client_since: first_start
                        .map_or(created_at.date_naive(), |s| s.min(created_at.date_naive())),
                    overdue_invoices: overdue.remove(&id).unwrap_or_default(),
                    complaints,
                    incidents,
                    segments,
                    last_survey: surveys.get(&id).map(|s| s.1),
                    warning_flags: WarningFlag::parse_list(&flags).map_err(|e| {
                        StoreError::Backend(anyhow::anyhow!("stored warning_flags: {}", e.message))
                    })?,
                    leaving_on: leaving.get(&id).copied(),
                    usage: usage.remove(&id).unwrap_or_default(),
                },
            });
        }
        Ok(out)
    }

    /// Each client's use of each metric (issue 18): the totals of the last
    /// 28 days, of the 28 before and of the rest of the year, and the first
    /// and last days of use within a year.
    ///
    /// The rest of the year is read in three parts, so that a client's year
    /// costs about a fifth of its daily rows: the days of its first,
    /// partial month from the daily totals; the whole months after it from
    /// the monthly totals (migration 0037); and the days of the month in
    /// which the older part ends, read with the two compared windows. The
    /// first and last days of use are each one seek in the daily totals'
    /// key.
    pub(super) async fn usage_trends(
        &self,
        ws: WorkspaceId,
        today: Date,
        scope: Option<&[i64]>,
    ) -> StoreResult<HashMap<i64, Vec<UsageTrend>>> {
        let parts = UsageYear::of(today);
        // `FROM table u WHERE` the workspace, the scope, its metrics, and
        // `u.column` from `from` (included) to `to` (`to_op`).
        let rows_of = |q: &mut QueryBuilder<'_, Db>,
                       table: &str,
                       column: &str,
                       from: Date,
                       to_op: &str,
                       to: Date| {
            q.push(format_args!(" FROM {table} u WHERE u.workspace_id = "))
                .push_bind(ws.0);
            in_scope(q, "u.client_id", scope);
            q.push(" AND u.metric_key IN (SELECT key FROM usage_metrics WHERE workspace_id = ")
                .push_bind(ws.0)
                .push(format_args!(") AND u.{column} >= "))
                .push_bind(from)
                .push(format_args!(" AND u.{column} {to_op} "))
                .push_bind(to)
                .push(" GROUP BY u.client_id, u.metric_key");
        };
        // The first or last day of use within the year: one seek.
        let used_on = |q: &mut QueryBuilder<'_, Db>, aggregate: &str, name: &str| {
            q.push(format_args!(
                ", (SELECT {aggregate}(d.day) FROM usage_daily d WHERE d.workspace_id = "
            ))
            .push_bind(ws.0)
            .push(
                " AND d.client_id = t.client_id AND d.metric_key = t.metric_key \
                 AND d.day >= ",
            )
            .push_bind(parts.first)
            .push(" AND d.day <= ")
            .push_bind(today)
            .push(format_args!(" AND d.total > 0) AS {name}"));
        };
        let mut q = QueryBuilder::<Db>::new(
            "SELECT t.client_id, t.metric_key, m.label_en, m.label_es, m.higher_is_better, \
             CAST(SUM(t.last_28) AS BIGINT) AS last_28, \
             CAST(SUM(t.previous_28) AS BIGINT) AS previous_28, \
             CAST(SUM(t.older) AS BIGINT) AS older_total",
        );
        used_on(&mut q, "MAX", "last_used_on");
        used_on(&mut q, "MIN", "first_used_on");
        // The two compared windows, and the older days of the month they
        // start in.
        q.push(" FROM (SELECT u.client_id, u.metric_key, SUM(CASE WHEN u.day > ")
            .push_bind(parts.recent_after)
            .push(" THEN u.total ELSE 0 END) AS last_28, SUM(CASE WHEN u.day > ")
            .push_bind(parts.previous_after)
            .push(" AND u.day <= ")
            .push_bind(parts.recent_after)
            .push(" THEN u.total ELSE 0 END) AS previous_28, SUM(CASE WHEN u.day <= ")
            .push_bind(parts.previous_after)
            .push(" THEN u.total ELSE 0 END) AS older");
        rows_of(&mut q, "usage_daily", "day", parts.end_month, "<=", today);
        // The first, partial month of the year.
        q.push(" UNION ALL SELECT u.client_id, u.metric_key, 0, 0, SUM(u.total)");
        rows_of(
            &mut q,
            "usage_daily",
            "day",
            parts.first,
            "<",
            parts.whole_from,
        );
        // The whole months between.
        q.push(" UNION ALL SELECT u.client_id, u.metric_key, 0, 0, SUM(u.total)");
        rows_of(
            &mut q,
            "usage_monthly",
            "month",
            parts.whole_from,
            "<",
            parts.end_month,
        );
        q.push(") t JOIN usage_metrics m ON m.workspace_id = ")
            .push_bind(ws.0)
            .push(
                " AND m.key = t.metric_key \
                 GROUP BY t.client_id, t.metric_key, m.label_en, m.label_es, m.higher_is_better \
                 ORDER BY t.client_id, t.metric_key",
            );
        let rows = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        let mut out: HashMap<i64, Vec<UsageTrend>> = HashMap::new();
        for r in &rows {
            let trend = (|| {
                Ok::<_, sqlx::Error>(UsageTrend {
                    metric: r.try_get("metric_key")?,
                    label_en: r.try_get("label_en")?,
                    label_es: r.try_get("label_es")?,
                    higher_is_better: r.try_get("higher_is_better")?,
                    last_28: r.try_get::<Option<i64>, _>("last_28")?.unwrap_or(0),
                    previous_28: r.try_get::<Option<i64>, _>("previous_28")?.unwrap_or(0),
                    last_used_on: r.try_get("last_used_on")?,
                    first_used_on: r.try_get("first_used_on")?,
                    older_total: r.try_get::<Option<i64>, _>("older_total")?.unwrap_or(0),
                })
            })()
            .map_err(backend_error)?;
            out.entry(r.try_get("client_id").map_err(backend_error)?)
                .or_default()
                .push(trend);
        }
        Ok(out)
    }

    pub(super) async fn record_health_impl(
        &self,
        ws: WorkspaceId,
        today: Date,
        scores: Vec<NewHealth>,
    ) -> StoreResult<HealthRunSummary> {
        self.record_health_scoped(ws, today, scores, None).await
    }

    /// Records `scores` and applies the alert rule to every client of `ws`
    /// (`scope` `None`), or only to the clients of `scope`: then only their
    /// score rows are written or removed and only their alerts change.
    pub(super) async fn record_health_scoped(
        &self,
        ws: WorkspaceId,
        today: Date,
        scores: Vec<NewHealth>,
        scope: Option<&[i64]>,
    ) -> StoreResult<HealthRunSummary> {
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        let mut q = QueryBuilder::<Db>::new(
            "UPDATE health_alerts SET status = 'open' WHERE status = 'snoozed' AND workspace_id = ",
        );
        q.push_bind(ws.0)
            .push(" AND snoozed_until <= ")
            .push_bind(today);
        in_scope(&mut q, "client_id", scope);
        let reopened = q
            .build()
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?
            .rows_affected();

        for chunk in scores.chunks(200) {
            let mut q = QueryBuilder::<Db>::new(
                "INSERT INTO health_scores (workspace_id, client_id, score, at_risk, signals, computed_on, computed_at) ",
            );
            let mut rows = Vec::with_capacity(chunk.len());
            for s in chunk {
                rows.push((
                    s.client.0,
                    s.health.score as i32,
                    s.health.at_risk,
                    serde_json::to_string(&s.health.signals)
                        .map_err(|e| StoreError::Backend(anyhow::Error::new(e)))?,
                ));
            }
            q.push_values(rows, |mut b, (client, score, at_risk, signals)| {
                b.push_bind(ws.0)
                    .push_bind(client)
                    .push_bind(score)
                    .push_bind(at_risk)
                    .push_bind(signals)
                    .push_bind(today)
                    .push_bind(now);
            });
            q.push(
                " ON CONFLICT (workspace_id, client_id) DO UPDATE SET score = excluded.score, \
                 at_risk = excluded.at_risk, signals = excluded.signals, \
                 computed_on = excluded.computed_on, computed_at = excluded.computed_at",
            );
            q.build().execute(&mut *tx).await.map_err(backend_error)?;
        }

        let scored: HashSet<i64> = scores.iter().map(|s| s.client.0).collect();
        let mut q =
            QueryBuilder::<Db>::new("SELECT client_id FROM health_scores WHERE workspace_id = ");
        q.push_bind(ws.0);
        in_scope(&mut q, "client_id", scope);
        let stored = q.build().fetch_all(&mut *tx).await.map_err(backend_error)?;
        let mut unscored = Vec::new();
        for r in &stored {
            let client: i64 = r.try_get("client_id").map_err(backend_error)?;
            if !scored.contains(&client) {
                unscored.push(client);
            }
        }
        for chunk in unscored.chunks(ALERT_CHUNK) {
            let mut q = QueryBuilder::<Db>::new("DELETE FROM health_scores WHERE workspace_id = ");
            q.push_bind(ws.0);
            in_scope(&mut q, "client_id", Some(chunk));
            q.build().execute(&mut *tx).await.map_err(backend_error)?;
        }

        let mut q = QueryBuilder::<Db>::new(
            "SELECT client_id FROM health_alerts WHERE status IN ('open', 'acknowledged', 'snoozed') \
             AND workspace_id = ",
        );
        q.push_bind(ws.0);
        in_scope(&mut q, "client_id", scope);
        let live = q.build().fetch_all(&mut *tx).await.map_err(backend_error)?;
        let mut live: HashSet<i64> = live
            .iter()
            .map(|r| r.try_get("client_id"))
            .collect::<Result<_, _>>()
            .map_err(backend_error)?;

        let mut summary = HealthRunSummary {
            scored: scores.len() as u64,
            reopened,
            ..Default::default()
        };
        // Alerts raised and resolved in a few multi-row statements, not
        // one (or two, with the webhook check) per client: a first import
        // of 720,000 clients raises hundreds of thousands.
        let mut raise: Vec<(&NewHealth, Vec<&Signal>)> = Vec::new();
        let mut resolve: Vec<i64> = Vec::new();
        for s in &scores {
            let has_live = live.remove(&s.client.0);
            match alert_change(s.may_alert && s.health.at_risk, has_live) {
                AlertChange::Raise => raise.push((s, s.health.reasons())),
                AlertChange::Resolve => resolve.push(s.client.0),
                AlertChange::Keep => {}
            }
        }
        // Live alerts of clients no longer scored (they left) are resolved.
        resolve.extend(live);
        resolve.sort_unstable();
        for chunk in resolve.chunks(ALERT_CHUNK) {
            let mut q = QueryBuilder::<Db>::new(
                "UPDATE health_alerts SET status = 'resolved', resolved_at = ",
            );
            q.push_bind(now)
                .push(" WHERE workspace_id = ")
                .push_bind(ws.0)
                .push(" AND status IN ('open', 'acknowledged', 'snoozed')");
            in_scope(&mut q, "client_id", Some(chunk));
            summary.resolved += q
                .build()
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?
                .rows_affected();
        }

        let announce = super::outbox::has_subscriber(&mut tx, ws, "alert.raised").await?;
        for chunk in raise.chunks(ALERT_CHUNK) {
            let mut q = QueryBuilder::<Db>::new(
                "INSERT INTO health_alerts (workspace_id, client_id, status, score, signals, raised_on, raised_at) ",
            );
            let mut rows = Vec::with_capacity(chunk.len());
            for (s, reasons) in chunk {
                rows.push((
                    s.client.0,
                    s.health.score as i32,
                    serde_json::to_string(reasons)
                        .map_err(|e| StoreError::Backend(anyhow::Error::new(e)))?,
                ));
            }
            q.push_values(rows, |mut b, (client, score, signals)| {
                b.push_bind(ws.0)
                    .push_bind(client)
                    .push_bind("open")
                    .push_bind(score)
                    .push_bind(signals)
                    .push_bind(today)
                    .push_bind(now);
            });
            q.push(" ON CONFLICT DO NOTHING RETURNING id, client_id");
            let mut added: Vec<(i64, i64)> = Vec::with_capacity(chunk.len());
            for row in q.build().fetch_all(&mut *tx).await.map_err(backend_error)? {
                added.push((
                    row.try_get("id").map_err(backend_error)?,
                    row.try_get("client_id").map_err(backend_error)?,
                ));
            }
            added.sort_unstable();
            let by_client: HashMap<i64, &(&NewHealth, Vec<&Signal>)> =
                chunk.iter().map(|r| (r.0.client.0, r)).collect();
            for (id, client) in added {
                let alert = AlertId(id);
                summary.raised.push(alert);
                // --- outhooks: `alert.raised`, in the same transaction
                if let (true, Some((s, reasons))) = (announce, by_client.get(&client)) {
                    let data = serde_json::json!({
                        "alert": {"id": alert.0, "score": s.health.score,
                            "raised_on": today, "signals": reasons},
                        "client": super::outbox::client_data(&mut tx, ws, s.client).await?,
                    });
                    super::outbox::insert_outbox_event(
                        &mut tx,
                        ws,
                        "alert.raised",
                        &data,
                        now.timestamp_millis(),
                    )
                    .await?;
                }
            }
        }
        self.wrote_rows(
            &mut tx,
            &[
                ("health_scores", summary.scored),
                ("health_alerts", summary.raised.len() as u64),
            ],
        )
        .await?;
        tx.commit().await.map_err(backend_error)?;
        Ok(summary)
    }

    pub(super) async fn list_health_impl(
        &self,
        ws: WorkspaceId,
        filter: &HealthFilter,
    ) -> StoreResult<Vec<StoredHealth>> {
        // A window's rows all score at most the score of its last row in
        // score order: that score is read first by walking the scores in
        // order (it stops after `offset + limit` rows), so the page is
        // sorted from the clients at or under it and not from the whole
        // workspace (issue 14). No such row: the window ends the list, and
        // every row is read.
        let mut top = None;
        if let Some(w) = filter.window.filter(|_| filter.client.is_none()) {
            if w.limit == 0 {
                return Ok(vec![]);
            }
            let mut q = QueryBuilder::<Db>::new(
                "SELECT h.score FROM health_scores h JOIN clients c ON c.id = h.client_id",
            );
            push_health_conditions(&mut q, ws, filter);
            q.push(" ORDER BY h.score LIMIT 1 OFFSET ")
                .push_bind(i64::from(w.offset) + i64::from(w.limit) - 1);
            top = q
                .build_query_scalar::<i32>()
                .fetch_optional(&self.pool)
                .await
                .map_err(backend_error)?;
        }
        let mut q = QueryBuilder::<Db>::new(
            "SELECT h.client_id, h.score, h.at_risk, h.signals, h.computed_on, c.name AS client_name, \
             c.owner AS client_owner, c.status AS client_status \
             FROM health_scores h JOIN clients c ON c.id = h.client_id",
        );
        push_health_conditions(&mut q, ws, filter);
        if let Some(top) = top {
            q.push(" AND h.score <= ").push_bind(top);
        }
        q.push(" ORDER BY h.score, c.name, c.id");
        push_window(&mut q, filter.window);
        let rows = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter()
            .map(|r| {
                let score: i32 = r.try_get("score").map_err(backend_error)?;
                let signals: String = r.try_get("signals").map_err(backend_error)?;
                Ok(StoredHealth {
                    client: client_ref_from(r)?,
                    health: churnwise_domain::health::HealthScore {
                        score: score.max(0) as u32,
                        at_risk: r.try_get("at_risk").map_err(backend_error)?,
                        signals: serde_json::from_str(&signals)
                            .map_err(|e| json_error("health signals", e))?,
                    },
                    computed_on: r.try_get("computed_on").map_err(backend_error)?,
                })
            })
            .collect()
    }

    pub(super) async fn take_health_stale_impl(
        &self,
        ws: WorkspaceId,
        limit: i64,
    ) -> StoreResult<Vec<ClientId>> {
        let rows = sqlx::query(
            "DELETE FROM health_stale WHERE workspace_id = $1 AND client_id IN \
             (SELECT client_id FROM health_stale WHERE workspace_id = $1 \
              ORDER BY client_id LIMIT $2) RETURNING client_id",
        )
        .bind(ws.0)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        let mut ids = rows
            .iter()
            .map(|r| r.try_get("client_id").map(ClientId))
            .collect::<Result<Vec<_>, _>>()
            .map_err(backend_error)?;
        ids.sort_unstable();
        Ok(ids)
    }

    pub(super) async fn list_alerts_impl(
        &self,
        ws: WorkspaceId,
        filter: &AlertFilter,
    ) -> StoreResult<Vec<Alert>> {
        let mut q = QueryBuilder::<Db>::new(ALERT_SELECT);
        q.push(" WHERE a.workspace_id = ").push_bind(ws.0);
        if !filter.statuses.is_empty() {
            q.push(" AND a.status IN (");
            let mut list = q.separated(", ");
            for s in &filter.statuses {
                list.push_bind(s.as_str());
            }
            q.push(")");
        }
        if let Some(owner) = &filter.owner {
            q.push(" AND LOWER(c.owner) = ")
                .push_bind(owner.trim().to_lowercase());
        }
        if let Some(client) = filter.client {
            q.push(" AND a.client_id = ").push_bind(client.0);
        }
        if let Some(since) = filter.raised_since {
            q.push(" AND a.raised_on >= ").push_bind(since);
        }
        push_owner_spellings(&mut q, &filter.owner_spellings);
        q.push(" ORDER BY a.raised_on DESC, a.id DESC");
        push_window(&mut q, filter.window);
        let rows = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter().map(alert_from).collect()
    }

    pub(super) async fn get_alert_impl(
        &self,
        ws: WorkspaceId,
        id: AlertId,
    ) -> StoreResult<Option<Alert>> {
        let sql = format!("{ALERT_SELECT} WHERE a.workspace_id = $1 AND a.id = $2");
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref().map(alert_from).transpose()
    }

    pub(super) async fn update_alert_impl(
        &self,
        ws: WorkspaceId,
        id: AlertId,
        action: AlertAction,
        by: &str,
    ) -> StoreResult<Option<Alert>> {
        let (status, snoozed_until, case_id) = match action {
            AlertAction::Acknowledge => ("acknowledged", None, None),
            AlertAction::Snooze(until) => ("snoozed", Some(until), None),
            AlertAction::CaseOpened(case) => ("case_opened", None, Some(case.0)),
        };
        let done = sqlx::query(
            "UPDATE health_alerts SET status = $1, snoozed_until = $2, \
             case_id = COALESCE($3, case_id), handled_by = $4 \
             WHERE workspace_id = $5 AND id = $6 AND status IN ('open', 'acknowledged', 'snoozed')",
        )
        .bind(status)
        .bind(snoozed_until)
        .bind(case_id)
        .bind(by)
        .bind(ws.0)
        .bind(id.0)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        let alert = self.get_alert_impl(ws, id).await?;
        if done.rows_affected() == 0 && alert.is_some() {
            return Err(StoreError::Conflict {
                field: "status".into(),
                message: "the alert is closed: the client's score has recovered, or the alert was turned into a case".into(),
            });
        }
        Ok(alert)
    }
}

/// `AND TRIM(c.owner) IN (...)` when `spellings` is not empty.
fn push_owner_spellings(q: &mut QueryBuilder<'_, Db>, spellings: &[String]) {
    if spellings.is_empty() {
        return;
    }
    q.push(" AND TRIM(c.owner) IN (");
    let mut list = q.separated(", ");
    for k in spellings {
        list.push_bind(k.clone());
    }
    q.push(")");
}

/// The conditions of the health list's `filter` in workspace `ws`, from
/// `WHERE` on (`h` is `health_scores`, `c` `clients`).
fn push_health_conditions(q: &mut QueryBuilder<'_, Db>, ws: WorkspaceId, filter: &HealthFilter) {
    q.push(" WHERE h.workspace_id = ").push_bind(ws.0);
    if let Some(client) = filter.client {
        q.push(" AND h.client_id = ").push_bind(client.0);
    }
    if let Some(owner) = &filter.owner {
        q.push(" AND LOWER(c.owner) = ")
            .push_bind(owner.trim().to_lowercase());
    }
    if filter.at_risk_only {
        q.push(" AND h.at_risk");
    }
    if !filter.include_former && filter.client.is_none() {
        q.push(" AND c.status <> 'former'");
    }
    push_owner_spellings(q, &filter.owner_spellings);
}

/// `LIMIT … OFFSET …` of a window, after the ORDER BY.
fn push_window(q: &mut QueryBuilder<'_, Db>, window: Option<ListWindow>) {
    if let Some(w) = window {
        q.push(" LIMIT ")
            .push_bind(i64::from(w.limit))
            .push(" OFFSET ")
            .push_bind(i64::from(w.offset));
    }
}
