//! Outgoing webhooks (issue 17, spec/integrations.md §3): the endpoints, the
//! outbox and its deliveries. [`insert_outbox_event`] is the one way an
//! event is written: inside the transaction of the change that caused it,
//! so the change and its event are committed together or not at all. A
//! workspace with no endpoint for the type writes nothing (one indexed
//! `SELECT` is the whole cost).
//!
//! Times are Unix milliseconds, compared as numbers on both backends.

use super::{backend_error, DbRow};
use crate::{Db, SqlStore};
use churnwise_store::*;
use sqlx::{QueryBuilder, Row, Transaction};

/// The `LIKE` pattern of the endpoints that receive `event_type` (events
/// are stored as `,a,b,`).
fn subscribed(event_type: &str) -> String {
    format!("%,{event_type},%")
}

/// True when an endpoint of `ws` receives `event_type`: callers that need
/// extra reads to build an event's data ask this first, so the common case
/// (no endpoint) costs one indexed query.
pub(crate) async fn has_subscriber(
    tx: &mut Transaction<'_, Db>,
    ws: WorkspaceId,
    event_type: &str,
) -> StoreResult<bool> {
    let found = sqlx::query(
        "SELECT 1 FROM webhook_endpoints WHERE workspace_id = $1 AND events LIKE $2 LIMIT 1",
    )
    .bind(ws.0)
    .bind(subscribed(event_type))
    .fetch_optional(&mut **tx)
    .await
    .map_err(backend_error)?;
    Ok(found.is_some())
}

/// Writes an event of `event_type` with `data` to the outbox inside `tx`,
/// with one pending delivery (due at once) per endpoint of `ws` that
/// receives the type; nothing when none does. Answers the event's public
/// id (`evt_…`) when written. Every feature that emits an event calls this
/// in the transaction of its change (the cancel page for
/// `cancel_flow.completed`, say).
pub(crate) async fn insert_outbox_event(
    tx: &mut Transaction<'_, Db>,
    ws: WorkspaceId,
    event_type: &str,
    data: &serde_json::Value,
    now_ms: i64,
) -> StoreResult<Option<String>> {
    if !has_subscriber(tx, ws, event_type).await? {
        return Ok(None);
    }
    let id: i64 = sqlx::query(
        "INSERT INTO outbox_events (workspace_id, event_type, created_ms, data) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(ws.0)
    .bind(event_type)
    .bind(now_ms)
    .bind(data.to_string())
    .fetch_one(&mut **tx)
    .await
    .map_err(backend_error)?
    .try_get("id")
    .map_err(backend_error)?;
    sqlx::query(
        "INSERT INTO webhook_deliveries (workspace_id, event_id, endpoint_id, next_attempt_ms) \
         SELECT workspace_id, $2, id, $3 FROM webhook_endpoints \
         WHERE workspace_id = $1 AND events LIKE $4",
    )
    .bind(ws.0)
    .bind(id)
    .bind(now_ms)
    .bind(subscribed(event_type))
    .execute(&mut **tx)
    .await
    .map_err(backend_error)?;
    Ok(Some(public_event_id(id)))
}

/// The public id of the outbox row `id`.
pub(super) fn public_event_id(id: i64) -> String {
    format!("evt_{id}")
}

/// Now, in Unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Brings the stored status of the `ids` of `ws` (all when `None`) in line
/// with the rule on `today` inside `tx`, writing a `client.status_changed`
/// event (old and new status) for each client whose status changed when an
/// endpoint receives them; how many changed.
pub(crate) async fn refresh_statuses_in(
    tx: &mut Transaction<'_, Db>,
    ws: WorkspaceId,
    ids: Option<&[ClientId]>,
    today: Date,
) -> StoreResult<u64> {
    if !has_subscriber(tx, ws, "client.status_changed").await? {
        return Ok(super::status::refresh_statement(ws, ids, today)
            .build()
            .execute(&mut **tx)
            .await
            .map_err(backend_error)?
            .rows_affected());
    }
    // The old statuses of the rows about to change, then the change itself
    // with the new ones.
    let mut before =
        QueryBuilder::<Db>::new("SELECT id, external_id, name, status FROM clients WHERE ");
    before
        .push(super::workspace_of(ids.is_some()))
        .push_bind(ws.0);
    if let Some(ids) = ids {
        before.push(" AND id IN (");
        let mut list = before.separated(", ");
        for id in ids {
            list.push_bind(id.0);
        }
        before.push(")");
    }
    before.push(" AND status <> ");
    super::status::push_effective_status(&mut before, today);
    let mut old = std::collections::HashMap::new();
    for r in before
        .build()
        .fetch_all(&mut **tx)
        .await
        .map_err(backend_error)?
    {
        let id: i64 = r.try_get("id").map_err(backend_error)?;
        let external: Option<String> = r.try_get("external_id").map_err(backend_error)?;
        let name: String = r.try_get("name").map_err(backend_error)?;
        let status: String = r.try_get("status").map_err(backend_error)?;
        old.insert(id, (external, name, status));
    }
    let mut update = super::status::refresh_statement(ws, ids, today);
    update.push(" RETURNING id, status");
    let changed = update
        .build()
        .fetch_all(&mut **tx)
        .await
        .map_err(backend_error)?;
    let now = now_ms();
    for r in &changed {
        let id: i64 = r.try_get("id").map_err(backend_error)?;
        let new_status: String = r.try_get("status").map_err(backend_error)?;
        if let Some((external, name, old_status)) = old.remove(&id) {
            let data = serde_json::json!({
                "client": {"id": id, "external_id": external, "name": name},
                "old_status": old_status,
                "new_status": new_status,
            });
            insert_outbox_event(tx, ws, "client.status_changed", &data, now).await?;
        }
    }
    Ok(changed.len() as u64)
}

/// The `client` part of an event's data: id, external id and name.
pub(crate) async fn client_data(
    tx: &mut Transaction<'_, Db>,
    ws: WorkspaceId,
    client: ClientId,
) -> StoreResult<serde_json::Value> {
    let row =
        sqlx::query("SELECT external_id, name FROM clients WHERE workspace_id = $1 AND id = $2")
            .bind(ws.0)
            .bind(client.0)
            .fetch_optional(&mut **tx)
            .await
            .map_err(backend_error)?;
    Ok(match row {
        Some(r) => {
            let external: Option<String> = r.try_get("external_id").map_err(backend_error)?;
            let name: String = r.try_get("name").map_err(backend_error)?;
            serde_json::json!({"id": client.0, "external_id": external, "name": name})
        }
        None => serde_json::json!({"id": client.0}),
    })
}

const ENDPOINT_COLUMNS: &str = "id, url, kind, events, lang, secret_sealed, created_ms";

fn endpoint_from(r: &DbRow) -> StoreResult<WebhookEndpoint> {
    let events: String = r.try_get("events").map_err(backend_error)?;
    Ok(WebhookEndpoint {
        id: WebhookEndpointId(r.try_get("id").map_err(backend_error)?),
        url: r.try_get("url").map_err(backend_error)?,
        kind: r.try_get("kind").map_err(backend_error)?,
        events: events
            .split(',')
            .filter(|e| !e.is_empty())
            .map(str::to_string)
            .collect(),
        lang: r.try_get("lang").map_err(backend_error)?,
        secret_sealed: r.try_get("secret_sealed").map_err(backend_error)?,
        created_ms: r.try_get("created_ms").map_err(backend_error)?,
    })
}

impl SqlStore {
    pub(super) async fn create_webhook_endpoint_impl(
        &self,
        ws: WorkspaceId,
        endpoint: &NewWebhookEndpoint,
        max: i64,
    ) -> StoreResult<WebhookEndpoint> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "INSERT INTO webhook_endpoints (workspace_id, url, kind, events, lang, secret_sealed, created_ms) \
             SELECT $1, $2, $3, $4, $5, $6, $7 \
             WHERE (SELECT COUNT(*) FROM webhook_endpoints WHERE workspace_id = $1) < $8 \
             RETURNING {ENDPOINT_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(&endpoint.url)
            .bind(&endpoint.kind)
            .bind(format!(",{},", endpoint.events.join(",")))
            .bind(&endpoint.lang)
            .bind(&endpoint.secret_sealed)
            .bind(endpoint.created_ms)
            .bind(max)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend_error)?;
        let Some(row) = row else {
            return Err(StoreError::Conflict {
                field: "url".to_string(),
                message: format!("a workspace has at most {max} webhook endpoints"),
            });
        };
        let made = endpoint_from(&row)?;
        tx.commit().await.map_err(backend_error)?;
        Ok(made)
    }

    pub(super) async fn list_webhook_endpoints_impl(
        &self,
        ws: WorkspaceId,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<WebhookEndpoint>> {
        let mut count =
            QueryBuilder::<Db>::new("SELECT COUNT(*) FROM webhook_endpoints WHERE workspace_id = ");
        count.push_bind(ws.0);
        let mut rows = QueryBuilder::<Db>::new(format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE workspace_id = "
        ));
        rows.push_bind(ws.0).push(" ORDER BY id");
        self.fetch_page(count, rows, page, per_page, endpoint_from)
            .await
    }

    pub(super) async fn get_webhook_endpoint_impl(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> StoreResult<Option<WebhookEndpoint>> {
        let sql = format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2"
        );
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref().map(endpoint_from).transpose()
    }

    pub(super) async fn delete_webhook_endpoint_impl(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2")
            .bind(ws.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?
            .rows_affected();
        tx.commit().await.map_err(backend_error)?;
        Ok(done > 0)
    }

    pub(super) async fn emit_event_impl(
        &self,
        ws: WorkspaceId,
        event_type: &str,
        data: &serde_json::Value,
        now_ms: i64,
    ) -> StoreResult<Option<String>> {
        let mut tx = self.begin_write().await?;
        let id = insert_outbox_event(&mut tx, ws, event_type, data, now_ms).await?;
        tx.commit().await.map_err(backend_error)?;
        Ok(id)
    }

    pub(super) async fn claim_webhook_deliveries_impl(
        &self,
        now_ms: i64,
        lease_until_ms: i64,
        limit: u32,
    ) -> StoreResult<Vec<ClaimedDelivery>> {
        let candidates = sqlx::query(
            "SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_ms <= $1 \
             AND (lease_until_ms IS NULL OR lease_until_ms < $1) \
             ORDER BY next_attempt_ms, id LIMIT $2",
        )
        .bind(now_ms)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        let mut claimed = Vec::with_capacity(candidates.len());
        for c in candidates {
            let id: i64 = c.try_get("id").map_err(backend_error)?;
            // The claim: only one process's update finds the row still
            // unleased (the condition is checked again under the row lock).
            let mut tx = self.begin_write().await?;
            let won = sqlx::query(
                "UPDATE webhook_deliveries SET lease_until_ms = $2 WHERE id = $1 \
                 AND state = 'pending' AND next_attempt_ms <= $3 \
                 AND (lease_until_ms IS NULL OR lease_until_ms < $3)",
            )
            .bind(id)
            .bind(lease_until_ms)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?
            .rows_affected()
                == 1;
            tx.commit().await.map_err(backend_error)?;
            if !won {
                continue;
            }
            let r = sqlx::query(
                "SELECT d.id, d.workspace_id, d.attempts, e.id AS event_row, e.event_type, \
                 e.created_ms, e.data, p.url, p.kind, p.lang, p.secret_sealed \
                 FROM webhook_deliveries d JOIN outbox_events e ON e.id = d.event_id \
                 JOIN webhook_endpoints p ON p.id = d.endpoint_id WHERE d.id = $1",
            )
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
            let Some(r) = r else { continue };
            claimed.push(ClaimedDelivery {
                id: WebhookDeliveryId(id),
                ws: WorkspaceId(r.try_get("workspace_id").map_err(backend_error)?),
                event_id: public_event_id(r.try_get("event_row").map_err(backend_error)?),
                event_type: r.try_get("event_type").map_err(backend_error)?,
                event_created_ms: r.try_get("created_ms").map_err(backend_error)?,
                data: r.try_get("data").map_err(backend_error)?,
                attempts: r.try_get("attempts").map_err(backend_error)?,
                url: r.try_get("url").map_err(backend_error)?,
                kind: r.try_get("kind").map_err(backend_error)?,
                lang: r.try_get("lang").map_err(backend_error)?,
                secret_sealed: r.try_get("secret_sealed").map_err(backend_error)?,
            });
        }
        Ok(claimed)
    }

    pub(super) async fn finish_webhook_attempt_impl(
        &self,
        id: WebhookDeliveryId,
        attempt: &WebhookAttempt,
        next: DeliveryNext,
    ) -> StoreResult<()> {
        let (state, next_ms, delivered_ms) = match next {
            DeliveryNext::Delivered => (
                "delivered",
                attempt.attempted_ms,
                Some(attempt.attempted_ms),
            ),
            DeliveryNext::RetryAt(at) => ("pending", at, None),
            DeliveryNext::Failed => ("failed", attempt.attempted_ms, None),
        };
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "UPDATE webhook_deliveries SET state = $2, attempts = attempts + 1, \
             next_attempt_ms = $3, lease_until_ms = NULL, last_status = $4, last_error = $5, \
             delivered_ms = $6 WHERE id = $1 AND state = 'pending' RETURNING workspace_id",
        )
        .bind(id.0)
        .bind(state)
        .bind(next_ms)
        .bind(attempt.status_code)
        .bind(&attempt.error)
        .bind(delivered_ms)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend_error)?;
        if let Some(row) = row {
            let ws: i64 = row.try_get("workspace_id").map_err(backend_error)?;
            sqlx::query(
                "INSERT INTO webhook_attempts (workspace_id, delivery_id, attempted_ms, status_code, error, duration_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(ws)
            .bind(id.0)
            .bind(attempt.attempted_ms)
            .bind(attempt.status_code)
            .bind(&attempt.error)
            .bind(attempt.duration_ms)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(())
    }

    pub(super) async fn webhook_delivery_log_impl(
        &self,
        ws: WorkspaceId,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<DeliveryLogEntry>> {
        let mut count =
            QueryBuilder::<Db>::new("SELECT COUNT(*) FROM webhook_attempts WHERE workspace_id = ");
        count.push_bind(ws.0);
        let mut rows = QueryBuilder::<Db>::new(
            "SELECT a.delivery_id, p.url, e.id AS event_row, e.event_type, a.attempted_ms, \
             a.status_code, a.error, a.duration_ms, d.state, d.next_attempt_ms \
             FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id \
             JOIN outbox_events e ON e.id = d.event_id JOIN webhook_endpoints p ON p.id = d.endpoint_id \
             WHERE a.workspace_id = ",
        );
        rows.push_bind(ws.0)
            .push(" ORDER BY a.attempted_ms DESC, a.id DESC");
        self.fetch_page(count, rows, page, per_page, |r| {
            let state: String = r.try_get("state").map_err(backend_error)?;
            let next: i64 = r.try_get("next_attempt_ms").map_err(backend_error)?;
            Ok(DeliveryLogEntry {
                delivery_id: WebhookDeliveryId(r.try_get("delivery_id").map_err(backend_error)?),
                url: r.try_get("url").map_err(backend_error)?,
                event_id: public_event_id(r.try_get("event_row").map_err(backend_error)?),
                event_type: r.try_get("event_type").map_err(backend_error)?,
                attempted_ms: r.try_get("attempted_ms").map_err(backend_error)?,
                status_code: r.try_get("status_code").map_err(backend_error)?,
                error: r.try_get("error").map_err(backend_error)?,
                duration_ms: r.try_get("duration_ms").map_err(backend_error)?,
                next_attempt_ms: (state == "pending").then_some(next),
                state,
            })
        })
        .await
    }

    pub(super) async fn mark_overdue_invoices_impl(
        &self,
        ws: WorkspaceId,
        today: Date,
        events_since: Date,
        now_ms: i64,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let marked = sqlx::query(
            "UPDATE invoices SET overdue_seen = TRUE WHERE workspace_id = $1 \
             AND overdue_seen = FALSE AND paid_on IS NULL AND due_on < $2 \
             RETURNING id, client_id, invoice_ref, amount_cents, due_on",
        )
        .bind(ws.0)
        .bind(today)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend_error)?;
        if !marked.is_empty() && has_subscriber(&mut tx, ws, "invoice.overdue").await? {
            for r in &marked {
                let due_on: Date = r.try_get("due_on").map_err(backend_error)?;
                if due_on < events_since {
                    continue;
                }
                let client = ClientId(r.try_get("client_id").map_err(backend_error)?);
                let amount: i64 = r.try_get("amount_cents").map_err(backend_error)?;
                let reference: String = r.try_get("invoice_ref").map_err(backend_error)?;
                let data = serde_json::json!({
                    "client": client_data(&mut tx, ws, client).await?,
                    "invoice": {
                        "id": r.try_get::<i64, _>("id").map_err(backend_error)?,
                        "ref": reference,
                        "amount_cents": amount,
                        "due_on": due_on,
                        "days_overdue": (today - due_on).num_days(),
                    },
                });
                insert_outbox_event(&mut tx, ws, "invoice.overdue", &data, now_ms).await?;
            }
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(marked.len() as u64)
    }
}
