//! Usage over stretches of days per client (issue 18, the reasons report's
//! last 90 days of lost clients) and the pruning of old daily totals.

use super::backend_error;
use crate::{Db, SqlStore};
use churnwise_store::*;
use sqlx::{QueryBuilder, Row};

/// Windows read by one statement (4 parameters each).
const CHUNK: usize = 1000;

impl SqlStore {
    pub(super) async fn usage_window_totals_impl(
        &self,
        ws: WorkspaceId,
        windows: &[UsageWindow],
    ) -> StoreResult<Vec<UsageWindowTotal>> {
        let mut out = Vec::new();
        for (chunk_no, chunk) in windows.chunks(CHUNK).enumerate() {
            let base = chunk_no * CHUNK;
            let mut q = QueryBuilder::<Db>::new(
                "WITH w (idx, client_id, from_day, split_day, to_day) AS (",
            );
            q.push_values(chunk.iter().enumerate(), |mut b, (i, w)| {
                b.push_bind(i64::try_from(base + i).unwrap_or(i64::MAX))
                    .push_bind(w.client.0)
                    .push_bind(w.from)
                    .push_bind(w.split)
                    .push_bind(w.to);
            });
            q.push(
                ") SELECT w.idx, u.metric_key, \
                 CAST(SUM(CASE WHEN u.day < w.split_day THEN u.total ELSE 0 END) AS BIGINT) AS before_total, \
                 CAST(SUM(CASE WHEN u.day >= w.split_day THEN u.total ELSE 0 END) AS BIGINT) AS after_total \
                 FROM w JOIN usage_daily u ON u.client_id = w.client_id \
                 AND u.day >= w.from_day AND u.day <= w.to_day WHERE u.workspace_id = ",
            );
            q.push_bind(ws.0);
            q.push(" GROUP BY w.idx, u.metric_key ORDER BY w.idx, u.metric_key");
            let rows = q
                .build()
                .fetch_all(&self.pool)
                .await
                .map_err(backend_error)?;
            for r in &rows {
                let idx: i64 = r.try_get("idx").map_err(backend_error)?;
                out.push(UsageWindowTotal {
                    window: usize::try_from(idx).unwrap_or(usize::MAX),
                    metric: r.try_get("metric_key").map_err(backend_error)?,
                    before: r
                        .try_get::<Option<i64>, _>("before_total")
                        .map_err(backend_error)?
                        .unwrap_or(0),
                    after: r
                        .try_get::<Option<i64>, _>("after_total")
                        .map_err(backend_error)?
                        .unwrap_or(0),
                });
            }
        }
        Ok(out)
    }

    pub(super) async fn prune_usage_days_impl(&self, before: Date) -> StoreResult<u64> {
        Ok(sqlx::query("DELETE FROM usage_daily WHERE day < $1")
            .bind(before)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?
            .rows_affected())
    }
}
