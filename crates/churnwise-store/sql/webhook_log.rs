//! The delivery log walked by `limit`/`offset`, optionally for one endpoint
//! (`churnwise webhooks deliveries`): the same rows as the log's pages.

use super::backend_error;
use super::outbox::public_event_id;
use crate::{Db, SqlStore};
use churnwise_store::*;
use sqlx::{QueryBuilder, Row};

impl SqlStore {
    pub(super) async fn webhook_delivery_log_window_impl(
        &self,
        ws: WorkspaceId,
        endpoint: Option<WebhookEndpointId>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<DeliveryLogEntry>, u64)> {
        let filter = |q: &mut QueryBuilder<'_, Db>| {
            q.push(" WHERE a.workspace_id = ").push_bind(ws.0);
            if let Some(e) = endpoint {
                q.push(" AND d.endpoint_id = ").push_bind(e.0);
            }
        };
        let mut count = QueryBuilder::<Db>::new(
            "SELECT COUNT(*) FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id",
        );
        filter(&mut count);
        let total: i64 = count
            .build()
            .fetch_one(&self.pool)
            .await
            .map_err(backend_error)?
            .try_get(0)
            .map_err(backend_error)?;
        let mut rows = QueryBuilder::<Db>::new(
            "SELECT a.delivery_id, p.url, e.id AS event_row, e.event_type, a.attempted_ms, \
             a.status_code, a.error, a.duration_ms, d.state, d.next_attempt_ms \
             FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id \
             JOIN outbox_events e ON e.id = d.event_id JOIN webhook_endpoints p ON p.id = d.endpoint_id",
        );
        filter(&mut rows);
        rows.push(" ORDER BY a.attempted_ms DESC, a.id DESC LIMIT ")
            .push_bind(limit.clamp(0, 500))
            .push(" OFFSET ")
            .push_bind(offset.max(0));
        let found = rows
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        let entries = found
            .iter()
            .map(|r| {
                let state: String = r.try_get("state")?;
                let next: i64 = r.try_get("next_attempt_ms")?;
                Ok::<_, sqlx::Error>(DeliveryLogEntry {
                    delivery_id: WebhookDeliveryId(r.try_get("delivery_id")?),
                    url: r.try_get("url")?,
                    event_id: public_event_id(r.try_get("event_row")?),
                    event_type: r.try_get("event_type")?,
                    attempted_ms: r.try_get("attempted_ms")?,
                    status_code: r.try_get("status_code")?,
                    error: r.try_get("error")?,
                    duration_ms: r.try_get("duration_ms")?,
                    next_attempt_ms: (state == "pending").then_some(next),
                    state,
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(backend_error)?;
        Ok((entries, u64::try_from(total).unwrap_or(0)))
    }
}
