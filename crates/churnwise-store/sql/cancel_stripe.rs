//! The cancel page's decision applied in Stripe (issue 17): the sessions
//! recorded on one departure case, so the case shows a failure there.

use super::backend_error;
use super::cancel_flow::{session_from_row, SESSION_COLUMNS};
use crate::SqlStore;
use churnwise_store::*;

impl SqlStore {
    pub(super) async fn cancel_sessions_of_case_impl(
        &self,
        ws: WorkspaceId,
        case: CaseId,
        limit: i64,
    ) -> StoreResult<Vec<CancelSession>> {
        let rows = sqlx::query(&format!(
            "SELECT {SESSION_COLUMNS} FROM cancel_sessions \
             WHERE workspace_id = $1 AND case_id = $2 \
             ORDER BY opened_at DESC, link_ts DESC LIMIT $3"
        ))
        .bind(ws.0)
        .bind(case.0)
        .bind(limit.clamp(0, 500))
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter().map(session_from_row).collect()
    }
}
