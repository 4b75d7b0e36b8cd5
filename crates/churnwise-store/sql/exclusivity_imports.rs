//! The exclusivities each of many would-be clients falls inside (issue 16:
//! the warnings of a customers import), a few hundred probes per statement
//! instead of one query per row. The same first cut as
//! `exclusivities_covering` (keys computed in Rust); the caller applies the
//! exact rule.

use super::backend_error;
use super::exclusivity::{exclusivity_from, COLUMNS};
use crate::{Db, SqlStore};
use churnwise_domain::exclusivity::key;
use churnwise_store::*;
use sqlx::{QueryBuilder, Row};

/// Probes read by one statement (5 parameters each).
const CHUNK: usize = 500;

impl SqlStore {
    pub(super) async fn exclusivities_covering_each_impl(
        &self,
        ws: WorkspaceId,
        probes: &[ExclusivityProbe],
    ) -> StoreResult<Vec<(usize, StoredExclusivity)>> {
        let mut out = Vec::new();
        for (chunk_no, chunk) in probes.chunks(CHUNK).enumerate() {
            let base = chunk_no * CHUNK;
            let mut q =
                QueryBuilder::<Db>::new("WITH p (idx, name_key, segment_key, day, except_id) AS (");
            q.push_values(chunk.iter().enumerate(), |mut b, (i, probe)| {
                b.push_bind(i64::try_from(base + i).unwrap_or(i64::MAX))
                    .push_bind(key(&probe.name))
                    .push_bind(probe.segment.as_deref().map(key).unwrap_or_default())
                    .push_bind(probe.day)
                    .push_bind(probe.except.map_or(0, |c| c.0));
            });
            q.push(format!(
                ") SELECT p.idx, {COLUMNS} FROM p JOIN exclusivities e ON e.workspace_id = "
            ));
            q.push_bind(ws.0);
            q.push(
                " AND e.starts_on <= p.day AND (e.ends_on IS NULL OR e.ends_on >= p.day) \
                 AND e.client_id <> p.except_id \
                 AND ((e.kind = 'segment' AND p.segment_key <> '' AND e.segment_key = p.segment_key) \
                   OR (e.kind = 'competitors' AND p.name_key <> '' AND EXISTS (SELECT 1 \
                     FROM exclusivity_names n WHERE n.exclusivity_id = e.id \
                     AND n.workspace_id = e.workspace_id AND n.name_key = p.name_key))) \
                 JOIN clients c ON c.id = e.client_id ORDER BY p.idx, e.id",
            );
            let rows = q
                .build()
                .fetch_all(&self.pool)
                .await
                .map_err(backend_error)?;
            for r in &rows {
                let idx: i64 = r.try_get("idx").map_err(backend_error)?;
                out.push((
                    usize::try_from(idx).unwrap_or(usize::MAX),
                    exclusivity_from(r)?,
                ));
            }
        }
        Ok(out)
    }
}
