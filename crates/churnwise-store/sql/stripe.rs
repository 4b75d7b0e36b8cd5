//! The Stripe connection of a workspace and the webhook events applied
//! (issue 15): inherent methods of `SqlStore` that the `Store` impl
//! delegates to.

use super::{backend_error, DbRow};
use crate::{Db, SqlStore};
use churnwise_store::*;
use sqlx::QueryBuilder;
use sqlx::Row;
use std::collections::{HashMap, HashSet};

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
    pub(super) async fn recorded_segments_impl(
        &self,
        ws: WorkspaceId,
        refs: Option<&[String]>,
    ) -> StoreResult<Vec<RecordedSegment>> {
        let map = |r: &DbRow| -> Result<RecordedSegment, sqlx::Error> {
            Ok(RecordedSegment {
                subscription_ref: r.try_get("subscription_ref")?,
                started_on: r.try_get("started_on")?,
                ended_on: r.try_get("ended_on")?,
                mrr_cents: r.try_get("mrr_cents")?,
            })
        };
        const SELECT: &str = "SELECT subscription_ref, started_on, ended_on, mrr_cents \
             FROM subscriptions WHERE workspace_id = ";
        let mut out = Vec::new();
        match refs {
            None => {
                let mut q = QueryBuilder::<Db>::new(SELECT);
                q.push_bind(ws.0).push(" AND subscription_ref IS NOT NULL");
                for r in q
                    .build()
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend_error)?
                {
                    out.push(map(&r).map_err(backend_error)?);
                }
            }
            Some(refs) => {
                for chunk in refs.chunks(REF_CHUNK) {
                    let mut q = QueryBuilder::<Db>::new(SELECT);
                    q.push_bind(ws.0).push(" AND subscription_ref IN (");
                    let mut list = q.separated(", ");
                    for r in chunk {
                        list.push_bind(r);
                    }
                    q.push(")");
                    for r in q
                        .build()
                        .fetch_all(&self.pool)
                        .await
                        .map_err(backend_error)?
                    {
                        out.push(map(&r).map_err(backend_error)?);
                    }
                }
            }
        }
        out.sort_by(|a, b| {
            a.subscription_ref
                .cmp(&b.subscription_ref)
                .then(a.started_on.cmp(&b.started_on))
        });
        Ok(out)
    }

    pub(super) async fn replace_subscription_segments_impl(
        &self,
        ws: WorkspaceId,
        refs: &[String],
        rows: Vec<SubscriptionImport>,
    ) -> StoreResult<ImportSummary> {
        let mut keep: HashMap<&str, HashSet<chrono::NaiveDate>> = HashMap::new();
        for r in refs {
            keep.entry(r.as_str()).or_default();
        }
        for row in &rows {
            keep.entry(row.subscription_ref.as_str())
                .or_default()
                .insert(row.started_on);
        }
        let mut tx = self.begin_write().await?;
        let mut removed = 0u64;
        for r in refs {
            let starts: Vec<chrono::NaiveDate> = sqlx::query_scalar(
                "SELECT started_on FROM subscriptions WHERE workspace_id = $1 AND subscription_ref = $2",
            )
            .bind(ws.0)
            .bind(r)
            .fetch_all(&mut *tx)
            .await
            .map_err(backend_error)?;
            for start in starts {
                if keep.get(r.as_str()).is_some_and(|k| k.contains(&start)) {
                    continue;
                }
                sqlx::query(
                    "DELETE FROM subscriptions WHERE workspace_id = $1 AND subscription_ref = $2 \
                     AND started_on = $3",
                )
                .bind(ws.0)
                .bind(r)
                .bind(start)
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?;
                removed += 1;
            }
        }
        let mut summary = Self::upsert_subscriptions(&mut tx, ws, rows, &|_| {}).await?;
        tx.commit().await.map_err(backend_error)?;
        summary.updated += removed;
        Ok(summary)
    }

    pub(super) async fn remove_invoices_by_ref_impl(
        &self,
        ws: WorkspaceId,
        refs: &[String],
    ) -> StoreResult<u64> {
        if refs.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        let mut removed = 0;
        for chunk in refs.chunks(REF_CHUNK) {
            let mut q = QueryBuilder::<Db>::new("DELETE FROM invoices WHERE workspace_id = ");
            q.push_bind(ws.0).push(" AND invoice_ref IN (");
            let mut list = q.separated(", ");
            for r in chunk {
                list.push_bind(r);
            }
            q.push(")");
            removed += q
                .build()
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?
                .rows_affected();
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(removed)
    }
}

/// Refs bound per statement (well under SQLite's limit of bound values).
const REF_CHUNK: usize = 500;
