//! Usage (issue 18): events summed into daily totals, the event ids kept for
//! idempotency and the usage metrics; inherent methods of `SqlStore` that
//! the `Store` impl delegates to. A batch is written with a few bulk
//! statements (`sql::bulk`), never one round trip per event.

use super::backend_error;
use super::bulk::BulkColumn;
use crate::{Db, SqlStore};
use churnwise_store::*;
use sqlx::{QueryBuilder, Row};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Metric keys per statement (5 parameters a key: far below SQLite's
/// 32,766 and PostgreSQL's 65,535 bound parameters).
const CHUNK: usize = 1000;

impl SqlStore {
    pub(super) async fn clients_by_external_id_impl(
        &self,
        ws: WorkspaceId,
        external_ids: &[String],
        only_former: bool,
    ) -> StoreResult<HashMap<String, ClientId>> {
        let wanted: Vec<&String> = external_ids
            .iter()
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut out = HashMap::with_capacity(wanted.len());
        for chunk in wanted.chunks(crate::TEXT_IN_CHUNK) {
            let mut q = QueryBuilder::<Db>::new(
                "SELECT id, external_id FROM clients WHERE workspace_id = ",
            );
            q.push_bind(ws.0).push(" AND ");
            if only_former {
                q.push("status = 'former' AND ");
            }
            let texts: Vec<&str> = chunk.iter().map(|s| s.as_str()).collect();
            crate::push_text_in(&mut q, "external_id", &texts);
            for r in q
                .build()
                .fetch_all(&self.pool)
                .await
                .map_err(backend_error)?
            {
                let external: String = r.try_get("external_id").map_err(backend_error)?;
                out.insert(external, ClientId(r.try_get("id").map_err(backend_error)?));
            }
        }
        Ok(out)
    }

    pub(super) async fn record_usage_impl(
        &self,
        ws: WorkspaceId,
        events: &[UsageEvent],
    ) -> StoreResult<UsageRecorded> {
        let mut recorded = UsageRecorded::default();
        // An id twice in the batch: the first counts, the others are duplicates.
        let mut ids_in_batch: HashSet<&str> = HashSet::new();
        let mut fresh: Vec<&UsageEvent> = Vec::with_capacity(events.len());
        for e in events {
            match e.id.as_deref() {
                Some(id) if !ids_in_batch.insert(id) => recorded.duplicates += 1,
                _ => fresh.push(e),
            }
        }

        let mut tx = self.begin_write().await?;

        // Ids seen before: the insert answers only the ids it added.
        let with_id: Vec<&UsageEvent> = fresh.iter().copied().filter(|e| e.id.is_some()).collect();
        let mut added_ids: HashSet<String> = HashSet::with_capacity(with_id.len());
        for chunk in with_id.chunks(crate::BULK_ROWS) {
            let mut q = QueryBuilder::<Db>::new(
                "INSERT INTO usage_event_ids (workspace_id, event_id, day) ",
            );
            crate::push_bulk_rows(
                &mut q,
                vec![
                    BulkColumn::Int(vec![ws.0; chunk.len()]),
                    BulkColumn::Text(
                        chunk
                            .iter()
                            .map(|e| e.id.as_deref().unwrap_or_default())
                            .collect(),
                    ),
                    BulkColumn::Date(chunk.iter().map(|e| e.on).collect()),
                ],
            );
            q.push(" ON CONFLICT (workspace_id, event_id) DO NOTHING RETURNING event_id");
            for r in q.build().fetch_all(&mut *tx).await.map_err(backend_error)? {
                added_ids.insert(r.try_get("event_id").map_err(backend_error)?);
            }
        }

        // The batch summed per client, metric and day (one row each, so an
        // upsert never meets its own key twice).
        let mut totals: BTreeMap<(i64, &str, Date), i64> = BTreeMap::new();
        let mut keys: Vec<&str> = Vec::new();
        let mut seen_keys: HashSet<&str> = HashSet::new();
        for e in fresh {
            if let Some(id) = e.id.as_deref() {
                if !added_ids.contains(id) {
                    recorded.duplicates += 1;
                    continue;
                }
            }
            recorded.accepted += 1;
            *totals
                .entry((e.client.0, e.metric.as_str(), e.on))
                .or_default() += e.value;
            if seen_keys.insert(e.metric.as_str()) {
                keys.push(e.metric.as_str());
            }
        }

        for chunk in keys.chunks(CHUNK) {
            let mut q = QueryBuilder::<Db>::new(
                "INSERT INTO usage_metrics (workspace_id, key, label_en, label_es, higher_is_better) ",
            );
            q.push_values(chunk, |mut b, key| {
                b.push_bind(ws.0)
                    .push_bind(*key)
                    .push_bind(*key)
                    .push_bind(*key)
                    .push_bind(true);
            });
            q.push(" ON CONFLICT (workspace_id, key) DO NOTHING RETURNING key");
            let added = q.build().fetch_all(&mut *tx).await.map_err(backend_error)?;
            recorded.new_metrics += added.len() as u64;
        }

        let rows: Vec<_> = totals.into_iter().collect();
        for chunk in rows.chunks(crate::BULK_ROWS) {
            let mut q = QueryBuilder::<Db>::new(
                "INSERT INTO usage_daily (workspace_id, client_id, metric_key, day, total) ",
            );
            crate::push_bulk_rows(
                &mut q,
                vec![
                    BulkColumn::Int(vec![ws.0; chunk.len()]),
                    BulkColumn::Int(chunk.iter().map(|((c, _, _), _)| *c).collect()),
                    BulkColumn::Text(chunk.iter().map(|((_, m, _), _)| *m).collect()),
                    BulkColumn::Date(chunk.iter().map(|((_, _, d), _)| *d).collect()),
                    BulkColumn::Int(chunk.iter().map(|(_, total)| *total).collect()),
                ],
            );
            q.push(
                " ON CONFLICT (workspace_id, client_id, metric_key, day) \
                 DO UPDATE SET total = usage_daily.total + excluded.total",
            );
            q.build().execute(&mut *tx).await.map_err(backend_error)?;
        }

        // Their scores read usage: the scheduler rescores these clients at
        // its next tick (see `take_health_stale`).
        let clients: Vec<i64> = rows
            .iter()
            .map(|((client, _, _), _)| *client)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        for chunk in clients.chunks(crate::BULK_ROWS) {
            let mut q =
                QueryBuilder::<Db>::new("INSERT INTO health_stale (workspace_id, client_id) ");
            crate::push_bulk_rows(
                &mut q,
                vec![
                    BulkColumn::Int(vec![ws.0; chunk.len()]),
                    BulkColumn::Int(chunk.to_vec()),
                ],
            );
            q.push(" ON CONFLICT (workspace_id, client_id) DO NOTHING");
            q.build().execute(&mut *tx).await.map_err(backend_error)?;
        }

        // The usage signal looks these up by client (new days, and at most
        // as many new months).
        let days = rows.len() as u64;
        self.wrote_rows(&mut tx, &[("usage_daily", days), ("usage_monthly", days)])
            .await?;
        tx.commit().await.map_err(backend_error)?;
        Ok(recorded)
    }

    pub(super) async fn usage_metrics_impl(
        &self,
        ws: WorkspaceId,
    ) -> StoreResult<Vec<UsageMetric>> {
        let rows = sqlx::query(
            "SELECT key, label_en, label_es, higher_is_better FROM usage_metrics \
             WHERE workspace_id = $1 ORDER BY key",
        )
        .bind(ws.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|r| {
                Ok(UsageMetric {
                    key: r.try_get("key")?,
                    label_en: r.try_get("label_en")?,
                    label_es: r.try_get("label_es")?,
                    higher_is_better: r.try_get("higher_is_better")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend_error)
    }

    pub(super) async fn put_usage_metric_impl(
        &self,
        ws: WorkspaceId,
        m: &UsageMetric,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO usage_metrics (workspace_id, key, label_en, label_es, higher_is_better) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id, key) DO UPDATE SET \
             label_en = excluded.label_en, label_es = excluded.label_es, \
             higher_is_better = excluded.higher_is_better",
        )
        .bind(ws.0)
        .bind(&m.key)
        .bind(&m.label_en)
        .bind(&m.label_es)
        .bind(m.higher_is_better)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    pub(super) async fn usage_days_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<UsageDay>> {
        let rows = sqlx::query(
            "SELECT metric_key, day, total FROM usage_daily WHERE workspace_id = $1 \
             AND client_id = $2 AND day >= $3 AND day <= $4 ORDER BY metric_key, day",
        )
        .bind(ws.0)
        .bind(client.0)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|r| {
                Ok(UsageDay {
                    metric: r.try_get("metric_key")?,
                    on: r.try_get("day")?,
                    total: r.try_get("total")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend_error)
    }
}
