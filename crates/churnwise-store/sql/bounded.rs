//! The SQL of bounded reads and clean-up (issue #11): a page of case
//! summaries read from the columns alone, and the purge of expired
//! sessions that the scheduler runs.

use super::{backend_error, DbRow};
use crate::{Db, SqlStore};
use churnwise_store::*;
use sqlx::{QueryBuilder, Row};

/// The columns of a case summary.
const SUMMARY_SELECT: &str = "SELECT c.id, c.client_id, cl.name AS client_name, c.kind, c.stage, \
     c.outcome, c.primary_reason, c.opened_on, c.closed_on, c.end_on, c.lost_mrr_cents, \
     c.version, c.updated_at FROM departure_cases c JOIN clients cl ON cl.id = c.client_id";

/// A snake_case column value read back into its enum.
fn keyword<T: serde::de::DeserializeOwned>(text: String) -> StoreResult<T> {
    serde_json::from_value(serde_json::Value::String(text.clone())).map_err(|_| {
        StoreError::Backend(anyhow::anyhow!("unknown value {text:?} in departure_cases"))
    })
}

fn summary_from(row: &DbRow) -> StoreResult<CaseSummary> {
    let outcome: Option<String> = row.try_get("outcome").map_err(backend_error)?;
    Ok(CaseSummary {
        id: CaseId(row.try_get("id").map_err(backend_error)?),
        client_id: ClientId(row.try_get("client_id").map_err(backend_error)?),
        client_name: row.try_get("client_name").map_err(backend_error)?,
        kind: keyword(row.try_get("kind").map_err(backend_error)?)?,
        stage: keyword(row.try_get("stage").map_err(backend_error)?)?,
        outcome: outcome.map(keyword).transpose()?,
        primary_reason: row.try_get("primary_reason").map_err(backend_error)?,
        opened_on: row.try_get("opened_on").map_err(backend_error)?,
        closed_on: row.try_get("closed_on").map_err(backend_error)?,
        end_on: row.try_get("end_on").map_err(backend_error)?,
        lost_mrr_cents: row.try_get("lost_mrr_cents").map_err(backend_error)?,
        version: row.try_get("version").map_err(backend_error)?,
        updated_at: row.try_get("updated_at").map_err(backend_error)?,
    })
}

fn push_case_filters(q: &mut QueryBuilder<'_, Db>, ws: WorkspaceId, filter: &CaseFilter) {
    q.push(" WHERE c.workspace_id = ").push_bind(ws.0);
    if let Some(stage) = filter.stage {
        q.push(" AND c.stage = ").push_bind(stage.as_str());
    }
    if let Some(client) = filter.client {
        q.push(" AND c.client_id = ").push_bind(client.0);
    }
    if let Some(outcome) = filter.outcome {
        q.push(" AND c.outcome = ").push_bind(outcome.as_str());
    }
}

impl SqlStore {
    pub(super) async fn case_summaries_impl(
        &self,
        ws: WorkspaceId,
        filter: &CaseFilter,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<CaseSummary>> {
        let mut count = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM departure_cases c");
        push_case_filters(&mut count, ws, filter);
        let mut rows = QueryBuilder::<Db>::new(SUMMARY_SELECT);
        push_case_filters(&mut rows, ws, filter);
        rows.push(" ORDER BY c.opened_on DESC, c.id DESC");
        self.fetch_page(count, rows, page, per_page, summary_from)
            .await
    }

    pub(super) async fn purge_expired_sessions_impl(&self, now: Timestamp) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(done.rows_affected())
    }
}
