//! Client status: the rule of `churnwise_domain::client_status` as one
//! set-based statement, for a few clients or a whole workspace.

use super::backend_error;
use crate::{Db, SqlStore};
use churnwise_store::{ClientId, Date, StoreResult, WorkspaceId};
use sqlx::QueryBuilder;

/// Appends the status the rule gives the `clients` row being updated on
/// `today` (mirrors `churnwise_domain::client_status::status_on`), or the
/// status set by hand.
fn push_effective_status(q: &mut QueryBuilder<'_, Db>, today: Date) {
    q.push(
        "COALESCE(clients.status_override, CASE \
         WHEN EXISTS (SELECT 1 FROM departure_cases d \
           WHERE d.workspace_id = clients.workspace_id AND d.client_id = clients.id \
           AND (d.stage <> 'closed' OR (d.outcome IN ('lost', 'fired') \
             AND d.won_back_on IS NULL AND d.end_on >= ",
    );
    q.push_bind(today);
    q.push(
        "))) THEN 'leaving' \
         WHEN EXISTS (SELECT 1 FROM subscriptions s \
           WHERE s.workspace_id = clients.workspace_id AND s.client_id = clients.id \
           AND s.started_on <= ",
    );
    q.push_bind(today);
    q.push(" AND (s.ended_on IS NULL OR s.ended_on > ");
    q.push_bind(today);
    q.push(
        ")) THEN 'active' \
         WHEN EXISTS (SELECT 1 FROM subscriptions s \
           WHERE s.workspace_id = clients.workspace_id AND s.client_id = clients.id \
           AND s.started_on <= ",
    );
    q.push_bind(today);
    q.push(") THEN 'former' ELSE 'prospect' END)");
}

/// The update of the stored status of the `ids` of `ws` (all when `None`);
/// only rows whose status changes are written.
pub(super) fn refresh_statement<'a>(
    ws: WorkspaceId,
    ids: Option<&[ClientId]>,
    today: Date,
) -> QueryBuilder<'a, Db> {
    let mut q = QueryBuilder::<Db>::new("UPDATE clients SET status = ");
    push_effective_status(&mut q, today);
    q.push(" WHERE workspace_id = ").push_bind(ws.0);
    if let Some(ids) = ids {
        q.push(" AND id IN (");
        let mut list = q.separated(", ");
        for id in ids {
            list.push_bind(id.0);
        }
        q.push(")");
    }
    q.push(" AND status <> ");
    push_effective_status(&mut q, today);
    q
}

impl SqlStore {
    pub(super) async fn refresh_client_statuses_impl(
        &self,
        ws: WorkspaceId,
        clients: Option<&[ClientId]>,
        today: Date,
    ) -> StoreResult<u64> {
        let mut changed = 0;
        match clients {
            None => {
                let mut tx = self.begin_write().await?;
                changed += refresh_statement(ws, None, today)
                    .build()
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?
                    .rows_affected();
                tx.commit().await.map_err(backend_error)?;
            }
            Some(ids) => {
                if ids.is_empty() {
                    return Ok(0);
                }
                let mut tx = self.begin_write().await?;
                // Chunks keep every statement under both drivers' bind limits.
                for chunk in ids.chunks(500) {
                    changed += refresh_statement(ws, Some(chunk), today)
                        .build()
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?
                        .rows_affected();
                }
                tx.commit().await.map_err(backend_error)?;
            }
        }
        Ok(changed)
    }
}
