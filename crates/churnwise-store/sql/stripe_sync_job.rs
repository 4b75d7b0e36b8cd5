//! The Stripe sync job of a workspace (issue 15, "Sync now"): one claim per
//! workspace taken with one conditional upsert, progress and end written
//! only by the claim's holder. Times are Unix milliseconds, so both
//! backends compare them the same way.

use super::{backend_error, parse_column, DbRow};
use crate::SqlStore;
use churnwise_store::*;
use sqlx::Row;

fn millis_to_time(ms: i64, column: &str) -> StoreResult<Timestamp> {
    chrono::DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| StoreError::Backend(anyhow::anyhow!("stored {column} {ms} is out of range")))
}

fn job_from_row(r: &DbRow) -> StoreResult<StripeSyncJob> {
    let get = |e: sqlx::Error| backend_error(e);
    let state: String = r.try_get("state").map_err(get)?;
    let finished: Option<i64> = r.try_get("finished_at").map_err(get)?;
    Ok(StripeSyncJob {
        state: parse_column(&state, "sync state")?,
        started_by: r.try_get("started_by").map_err(get)?,
        started_at: millis_to_time(r.try_get("started_at").map_err(get)?, "started_at")?,
        beat_at: millis_to_time(r.try_get("beat_at").map_err(get)?, "beat_at")?,
        progress_kind: r.try_get("progress_kind").map_err(get)?,
        progress_read: r.try_get("progress_read").map_err(get)?,
        finished_at: finished
            .map(|ms| millis_to_time(ms, "finished_at"))
            .transpose()?,
        error: r.try_get("error").map_err(get)?,
    })
}

impl SqlStore {
    pub(super) async fn claim_stripe_sync_impl(
        &self,
        ws: WorkspaceId,
        claim: &str,
        started_by: &str,
        now: Timestamp,
        dead_before: Timestamp,
    ) -> StoreResult<bool> {
        // One statement: a new row, or the old one taken over when it is
        // not running or its holder gave no sign of life since `dead_before`.
        let done = sqlx::query(
            "INSERT INTO stripe_sync_jobs (workspace_id, claim, state, started_by, started_at, \
             beat_at, progress_kind, progress_read, finished_at, error) \
             VALUES ($1, $2, 'running', $3, $4, $4, NULL, 0, NULL, NULL) \
             ON CONFLICT (workspace_id) DO UPDATE SET claim = excluded.claim, \
             state = 'running', started_by = excluded.started_by, \
             started_at = excluded.started_at, beat_at = excluded.beat_at, \
             progress_kind = NULL, progress_read = 0, finished_at = NULL, error = NULL \
             WHERE stripe_sync_jobs.state <> 'running' OR stripe_sync_jobs.beat_at < $5",
        )
        .bind(ws.0)
        .bind(claim)
        .bind(started_by)
        .bind(now.timestamp_millis())
        .bind(dead_before.timestamp_millis())
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(done.rows_affected() > 0)
    }

    pub(super) async fn stripe_sync_progress_impl(
        &self,
        ws: WorkspaceId,
        claim: &str,
        kind: &str,
        read: i64,
        now: Timestamp,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE stripe_sync_jobs SET progress_kind = $1, progress_read = $2, beat_at = $3 \
             WHERE workspace_id = $4 AND claim = $5 AND state = 'running'",
        )
        .bind(kind)
        .bind(read)
        .bind(now.timestamp_millis())
        .bind(ws.0)
        .bind(claim)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(done.rows_affected() > 0)
    }

    pub(super) async fn finish_stripe_sync_impl(
        &self,
        ws: WorkspaceId,
        claim: &str,
        error: Option<&str>,
        now: Timestamp,
    ) -> StoreResult<bool> {
        let state = if error.is_some() {
            StripeSyncState::Failed
        } else {
            StripeSyncState::Finished
        };
        let done = sqlx::query(
            "UPDATE stripe_sync_jobs SET state = $1, error = $2, finished_at = $3, beat_at = $3 \
             WHERE workspace_id = $4 AND claim = $5 AND state = 'running'",
        )
        .bind(state.as_str())
        .bind(error)
        .bind(now.timestamp_millis())
        .bind(ws.0)
        .bind(claim)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(done.rows_affected() > 0)
    }

    pub(super) async fn stripe_sync_job_impl(
        &self,
        ws: WorkspaceId,
    ) -> StoreResult<Option<StripeSyncJob>> {
        let row = sqlx::query(
            "SELECT state, started_by, started_at, beat_at, progress_kind, progress_read, \
             finished_at, error FROM stripe_sync_jobs WHERE workspace_id = $1",
        )
        .bind(ws.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.as_ref().map(job_from_row).transpose()
    }
}
