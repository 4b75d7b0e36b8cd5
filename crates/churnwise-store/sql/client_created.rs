//! `client.created` for clients made in bulk (imports, Stripe syncs and
//! Stripe events, all through `import_customers`), written inside the
//! import's transaction like [`super::outbox::insert_outbox_event`], but a
//! batch at a time: one multi-row insert of events and one insert of their
//! deliveries per batch, only when an endpoint of the workspace receives
//! the type.

use super::backend_error;
use crate::Db;
use churnwise_store::*;
use sqlx::{QueryBuilder, Row, Transaction};

/// Events per multi-row insert (4 binds each: below both drivers' limits).
const EVENT_BATCH: usize = 1000;

/// A client just inserted, as the event's data shows it.
pub(crate) struct CreatedClient {
    pub(crate) id: i64,
    pub(crate) external_id: Option<String>,
    pub(crate) name: String,
    pub(crate) status: String,
    pub(crate) owner: Option<String>,
    pub(crate) segment: Option<String>,
}

impl CreatedClient {
    /// The client of a row with `id, external_id, name, status, owner, segment`.
    pub(crate) fn of_row(r: &super::DbRow) -> StoreResult<Self> {
        (|| {
            Ok::<_, sqlx::Error>(CreatedClient {
                id: r.try_get("id")?,
                external_id: r.try_get("external_id")?,
                name: r.try_get("name")?,
                status: r.try_get("status")?,
                owner: r.try_get("owner")?,
                segment: r.try_get("segment")?,
            })
        })()
        .map_err(backend_error)
    }

    /// The event's data, as `create_client` writes it.
    fn data(&self) -> String {
        serde_json::json!({
            "client": {"id": self.id, "external_id": self.external_id, "name": self.name,
                "status": self.status, "owner": self.owner, "segment": self.segment},
        })
        .to_string()
    }
}

/// Writes one `client.created` event per client of `created` to the outbox
/// inside `tx`, each with a pending delivery per endpoint of `ws` that
/// receives the type. The caller has checked that one does
/// ([`super::outbox::has_subscriber`]).
pub(crate) async fn insert_client_created_events(
    tx: &mut Transaction<'_, Db>,
    ws: WorkspaceId,
    created: &[CreatedClient],
    now_ms: i64,
) -> StoreResult<()> {
    for batch in created.chunks(EVENT_BATCH) {
        let mut events = QueryBuilder::<Db>::new(
            "INSERT INTO outbox_events (workspace_id, event_type, created_ms, data) ",
        );
        events.push_values(batch, |mut b, c| {
            b.push_bind(ws.0)
                .push_bind("client.created")
                .push_bind(now_ms)
                .push_bind(c.data());
        });
        events.push(" RETURNING id");
        let ids: Vec<i64> = events
            .build()
            .fetch_all(&mut **tx)
            .await
            .map_err(backend_error)?
            .iter()
            .map(|r| r.try_get::<i64, _>("id"))
            .collect::<Result<_, _>>()
            .map_err(backend_error)?;
        let mut deliveries = QueryBuilder::<Db>::new(
            "INSERT INTO webhook_deliveries (workspace_id, event_id, endpoint_id, next_attempt_ms) \
             SELECT w.workspace_id, e.id, w.id, ",
        );
        deliveries
            .push_bind(now_ms)
            .push(
                " FROM outbox_events e JOIN webhook_endpoints w ON w.workspace_id = e.workspace_id",
            )
            .push(" WHERE w.workspace_id = ")
            .push_bind(ws.0)
            .push(" AND w.events LIKE ")
            .push_bind("%,client.created,%")
            .push(" AND e.id IN (");
        let mut list = deliveries.separated(", ");
        for id in &ids {
            list.push_bind(*id);
        }
        deliveries.push(")");
        deliveries
            .build()
            .execute(&mut **tx)
            .await
            .map_err(backend_error)?;
    }
    Ok(())
}
