//! Contacts per client and day over a stretch of days (issue 16's maximum
//! contact frequency), for a page of clients at once.

use super::backend_error;
use crate::{Db, SqlStore};
use churnwise_domain::registry::InteractionKind;
use churnwise_store::*;
use sqlx::{QueryBuilder, Row};

/// Clients read by one statement (each id is a bound parameter).
const CHUNK: usize = 1000;

impl SqlStore {
    pub(super) async fn contact_days_impl(
        &self,
        ws: WorkspaceId,
        clients: &[ClientId],
        kinds: &[InteractionKind],
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<ContactDay>> {
        let mut out = Vec::new();
        if kinds.is_empty() {
            return Ok(out);
        }
        for chunk in clients.chunks(CHUNK) {
            let mut q = QueryBuilder::<Db>::new(
                "SELECT c.id, c.segment, i.occurred_on, COUNT(*) AS contacts \
                 FROM clients c JOIN interactions i \
                 ON i.workspace_id = c.workspace_id AND i.client_id = c.id \
                 WHERE c.workspace_id = ",
            );
            q.push_bind(ws.0);
            q.push(" AND i.occurred_on >= ");
            q.push_bind(from);
            q.push(" AND i.occurred_on <= ");
            q.push_bind(to);
            q.push(" AND i.kind IN (");
            let mut kind_list = q.separated(", ");
            for kind in kinds {
                kind_list.push_bind(kind.as_str());
            }
            kind_list.push_unseparated(") AND c.id IN (");
            let mut id_list = q.separated(", ");
            for client in chunk {
                id_list.push_bind(client.0);
            }
            id_list.push_unseparated(")");
            q.push(" GROUP BY c.id, c.segment, i.occurred_on ORDER BY c.id, i.occurred_on");
            let rows = q
                .build()
                .fetch_all(&self.pool)
                .await
                .map_err(backend_error)?;
            for r in &rows {
                let contacts: i64 = r.try_get("contacts").map_err(backend_error)?;
                out.push(ContactDay {
                    client: ClientId(r.try_get("id").map_err(backend_error)?),
                    segment: r.try_get("segment").map_err(backend_error)?,
                    day: r.try_get("occurred_on").map_err(backend_error)?,
                    contacts: u32::try_from(contacts).unwrap_or(u32::MAX),
                });
            }
        }
        Ok(out)
    }
}
