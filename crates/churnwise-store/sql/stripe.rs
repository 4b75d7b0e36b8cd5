//! The Stripe connection of a workspace and the webhook events applied
//! (issue 15): inherent methods of `SqlStore` that the `Store` impl
//! delegates to.

use super::{backend_error, DbRow};
use crate::SqlStore;
use churnwise_store::*;
use sqlx::Row;

const CONNECTION_COLUMNS: &str = "workspace_id, endpoint_id, api_key_sealed, \
     webhook_secret_sealed, last_sync, updated_at";

fn connection_from_row(r: &DbRow) -> StoreResult<StripeConnection> {
    (|| {
        Ok::<_, sqlx::Error>(StripeConnection {
            ws: WorkspaceId(r.try_get("workspace_id")?),
            endpoint_id: r.try_get("endpoint_id")?,
            api_key_sealed: r.try_get("api_key_sealed")?,
            webhook_secret_sealed: r.try_get("webhook_secret_sealed")?,
            last_sync: r.try_get("last_sync")?,
            updated_at: r.try_get("updated_at")?,
        })
    })()
    .map_err(backend_error)
}

impl SqlStore {
    pub(super) async fn stripe_connection_impl(
        &self,
        ws: WorkspaceId,
    ) -> StoreResult<Option<StripeConnection>> {
        let row = sqlx::query(&format!(
            "SELECT {CONNECTION_COLUMNS} FROM stripe_connections WHERE workspace_id = $1"
        ))
        .bind(ws.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.as_ref().map(connection_from_row).transpose()
    }

    pub(super) async fn stripe_connection_by_endpoint_impl(
        &self,
        endpoint_id: &str,
    ) -> StoreResult<Option<StripeConnection>> {
        let row = sqlx::query(&format!(
            "SELECT {CONNECTION_COLUMNS} FROM stripe_connections WHERE endpoint_id = $1"
        ))
        .bind(endpoint_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.as_ref().map(connection_from_row).transpose()
    }

    pub(super) async fn save_stripe_connection_impl(
        &self,
        c: &StripeConnection,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO stripe_connections (workspace_id, endpoint_id, api_key_sealed, \
             webhook_secret_sealed, last_sync, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (workspace_id) DO UPDATE SET endpoint_id = excluded.endpoint_id, \
             api_key_sealed = excluded.api_key_sealed, \
             webhook_secret_sealed = excluded.webhook_secret_sealed, \
             last_sync = excluded.last_sync, updated_at = excluded.updated_at",
        )
        .bind(c.ws.0)
        .bind(&c.endpoint_id)
        .bind(&c.api_key_sealed)
        .bind(&c.webhook_secret_sealed)
        .bind(&c.last_sync)
        .bind(c.updated_at)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    pub(super) async fn set_stripe_last_sync_impl(
        &self,
        ws: WorkspaceId,
        report: &str,
    ) -> StoreResult<()> {
        let done =
            sqlx::query("UPDATE stripe_connections SET last_sync = $1 WHERE workspace_id = $2")
                .bind(report)
                .bind(ws.0)
                .execute(&self.pool)
                .await
                .map_err(backend_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub(super) async fn check_stripe_event_impl(
        &self,
        ws: WorkspaceId,
        event_id: &str,
        object_id: &str,
        created: i64,
    ) -> StoreResult<StripeEventCheck> {
        let seen =
            sqlx::query("SELECT 1 FROM stripe_events WHERE workspace_id = $1 AND event_id = $2")
                .bind(ws.0)
                .bind(event_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(backend_error)?;
        if seen.is_some() {
            return Ok(StripeEventCheck::Replay);
        }
        let last: Option<i64> = sqlx::query_scalar(
            "SELECT last_event_created FROM stripe_objects WHERE workspace_id = $1 AND object_id = $2",
        )
        .bind(ws.0)
        .bind(object_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(match last {
            Some(last) if created < last => StripeEventCheck::Stale,
            _ => StripeEventCheck::Fresh,
        })
    }

    pub(super) async fn record_stripe_event_impl(
        &self,
        ws: WorkspaceId,
        event_id: &str,
        object_id: &str,
        created: i64,
        now: Timestamp,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO stripe_events (workspace_id, event_id, applied_at) VALUES ($1, $2, $3) \
             ON CONFLICT (workspace_id, event_id) DO NOTHING",
        )
        .bind(ws.0)
        .bind(event_id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;
        sqlx::query(
            "INSERT INTO stripe_objects (workspace_id, object_id, last_event_created) \
             VALUES ($1, $2, $3) ON CONFLICT (workspace_id, object_id) DO UPDATE SET \
             last_event_created = CASE WHEN excluded.last_event_created > \
             stripe_objects.last_event_created THEN excluded.last_event_created \
             ELSE stripe_objects.last_event_created END",
        )
        .bind(ws.0)
        .bind(object_id)
        .bind(created)
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;
        tx.commit().await.map_err(backend_error)?;
        Ok(())
    }
}
