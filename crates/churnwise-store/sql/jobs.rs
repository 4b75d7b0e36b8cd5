//! Job leases (one scheduler run at a time across processes) and digest
//! deliveries.

use super::{backend_error, parse_column, DbRow};
use crate::SqlStore;
use chrono::Utc;
use churnwise_store::*;
use sqlx::Row;

fn delivery_from(row: &DbRow) -> StoreResult<Delivery> {
    let status: String = row.try_get("status").map_err(backend_error)?;
    Ok(Delivery {
        id: DeliveryId(row.try_get("id").map_err(backend_error)?),
        workspace: WorkspaceId(row.try_get("workspace_id").map_err(backend_error)?),
        user: UserId(row.try_get("user_id").map_err(backend_error)?),
        run_on: row.try_get("run_on").map_err(backend_error)?,
        status: parse_column(&status, "delivery status")?,
        attempts: row.try_get("attempts").map_err(backend_error)?,
        items: row.try_get("items").map_err(backend_error)?,
        error: row.try_get("error").map_err(backend_error)?,
    })
}

impl SqlStore {
    pub(super) async fn try_lease_impl(
        &self,
        job: &str,
        holder: &str,
        now: Timestamp,
        ttl: std::time::Duration,
    ) -> StoreResult<bool> {
        let now_ms = now.timestamp_millis();
        // An enormous TTL (a huge scheduler interval) means "until the end
        // of time", not a wrapped instant already past.
        let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
        let until = now_ms.saturating_add(ttl_ms);
        let done = sqlx::query(
            "INSERT INTO job_leases (job, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
             WHERE job_leases.holder = excluded.holder OR job_leases.expires_at < $4",
        )
        .bind(job)
        .bind(holder)
        .bind(until)
        .bind(now_ms)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(done.rows_affected() > 0)
    }

    pub(super) async fn release_lease_impl(&self, job: &str, holder: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM job_leases WHERE job = $1 AND holder = $2")
            .bind(job)
            .bind(holder)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(())
    }

    pub(super) async fn claim_delivery_impl(
        &self,
        ws: WorkspaceId,
        user: UserId,
        run_on: Date,
        items: i32,
    ) -> StoreResult<Option<DeliveryId>> {
        let row = sqlx::query(
            "INSERT INTO digest_deliveries (workspace_id, user_id, run_on, status, attempts, items, updated_at) \
             VALUES ($1, $2, $3, 'sending', 1, $4, $5) \
             ON CONFLICT (workspace_id, user_id, run_on) DO UPDATE SET status = 'sending', \
             attempts = digest_deliveries.attempts + 1, items = excluded.items, error = NULL, \
             updated_at = excluded.updated_at \
             WHERE digest_deliveries.status = 'failed' AND digest_deliveries.attempts < $6 \
             RETURNING id",
        )
        .bind(ws.0)
        .bind(user.0)
        .bind(run_on)
        .bind(items)
        .bind(Utc::now())
        .bind(MAX_DELIVERY_ATTEMPTS)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.map(|r| r.try_get("id").map(DeliveryId))
            .transpose()
            .map_err(backend_error)
    }

    pub(super) async fn finish_delivery_impl(
        &self,
        id: DeliveryId,
        result: Result<(), String>,
    ) -> StoreResult<()> {
        self.finish_send("digest_deliveries", id.0, result).await
    }

    /// Marks the claimed send `id` of `table` (`digest_deliveries` or
    /// `reminder_sends`, which share the claim columns) sent, or failed with
    /// the reason (a failed one may be claimed again).
    pub(super) async fn finish_send(
        &self,
        table: &'static str,
        id: i64,
        result: Result<(), String>,
    ) -> StoreResult<()> {
        let (status, error) = match result {
            Ok(()) => ("sent", None),
            Err(e) => ("failed", Some(e)),
        };
        sqlx::query(&format!(
            "UPDATE {table} SET status = $1, error = $2, updated_at = $3 WHERE id = $4"
        ))
        .bind(status)
        .bind(error)
        .bind(Utc::now())
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    pub(super) async fn list_deliveries_impl(
        &self,
        ws: WorkspaceId,
        run_on: Date,
    ) -> StoreResult<Vec<Delivery>> {
        let rows = sqlx::query(
            "SELECT id, workspace_id, user_id, run_on, status, attempts, items, error \
             FROM digest_deliveries WHERE workspace_id = $1 AND run_on = $2 ORDER BY user_id",
        )
        .bind(ws.0)
        .bind(run_on)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter().map(delivery_from).collect()
    }
}
