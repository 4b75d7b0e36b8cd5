//! Client status: the rule of `churnwise_domain::client_status` as one
//! set-based statement, for a few clients or a whole workspace.

use super::backend_error;
use crate::{Db, SqlStore};
use churnwise_store::{
    ClientId, ClientRef, ContactFacts, Date, RunningByStatus, StoreResult, Timestamp, WorkspaceId,
};
use sqlx::{QueryBuilder, Row};

/// Appends the status the rule gives the `clients` row being updated on
/// `today` (mirrors `churnwise_domain::client_status::status_on`), or the
/// status set by hand.
pub(super) fn push_effective_status(q: &mut QueryBuilder<'_, Db>, today: Date) {
    q.push(
        "COALESCE(clients.status_override, CASE \
         WHEN EXISTS (SELECT 1 FROM departure_cases d \
           WHERE d.workspace_id = clients.workspace_id AND d.client_id = clients.id \
           AND (d.stage <> 'closed' OR (d.outcome IN ('lost', 'fired') \
             AND d.won_back_on IS NULL AND d.end_on >= ",
    );
    q.push_bind(today);
    q.push(
        "))) THEN 'leaving' \
         WHEN EXISTS (SELECT 1 FROM subscriptions s \
           WHERE s.workspace_id = clients.workspace_id AND s.client_id = clients.id \
           AND s.started_on <= ",
    );
    q.push_bind(today);
    q.push(" AND (s.ended_on IS NULL OR s.ended_on > ");
    q.push_bind(today);
    q.push(
        ")) THEN 'active' \
         WHEN EXISTS (SELECT 1 FROM subscriptions s \
           WHERE s.workspace_id = clients.workspace_id AND s.client_id = clients.id \
           AND s.started_on <= ",
    );
    q.push_bind(today);
    q.push(") THEN 'former' ELSE 'prospect' END)");
}

/// The update of the stored status of the `ids` of `ws` (all when `None`);
/// only rows whose status changes are written.
pub(super) fn refresh_statement<'a>(
    ws: WorkspaceId,
    ids: Option<&[ClientId]>,
    today: Date,
) -> QueryBuilder<'a, Db> {
    let mut q = QueryBuilder::<Db>::new("UPDATE clients SET status = ");
    push_effective_status(&mut q, today);
    q.push(" WHERE ")
        .push(super::workspace_of(ids.is_some()))
        .push_bind(ws.0);
    if let Some(ids) = ids {
        q.push(" AND id IN (");
        let mut list = q.separated(", ");
        for id in ids {
            list.push_bind(id.0);
        }
        q.push(")");
    }
    q.push(" AND status <> ");
    push_effective_status(&mut q, today);
    q
}

impl SqlStore {
    pub(super) async fn refresh_client_statuses_impl(
        &self,
        ws: WorkspaceId,
        clients: Option<&[ClientId]>,
        today: Date,
    ) -> StoreResult<u64> {
        let mut changed = 0;
        match clients {
            None => {
                let mut tx = self.begin_write().await?;
                changed += super::outbox::refresh_statuses_in(&mut tx, ws, None, today).await?;
                // Statuses moved in bulk (an import's clients leave
                // `prospect`): the planner's estimates by status would
                // otherwise stay those of before (issue 14).
                self.wrote_rows(&mut tx, &[("clients", changed)]).await?;
                tx.commit().await.map_err(backend_error)?;
            }
            Some(ids) => {
                if ids.is_empty() {
                    return Ok(0);
                }
                let mut tx = self.begin_write().await?;
                // Chunks keep every statement under both drivers' bind limits.
                for chunk in ids.chunks(500) {
                    changed +=
                        super::outbox::refresh_statuses_in(&mut tx, ws, Some(chunk), today).await?;
                }
                self.wrote_rows(&mut tx, &[("clients", changed)]).await?;
                tx.commit().await.map_err(backend_error)?;
            }
        }
        Ok(changed)
    }

    /// The contact facts of the clients of `ws` matching `statuses` (a
    /// fixed SQL condition on `c.status`, never user input).
    pub(super) async fn contact_facts_impl(
        &self,
        ws: WorkspaceId,
        today: Date,
        statuses: &'static str,
    ) -> StoreResult<Vec<ContactFacts>> {
        let sql = format!(
            "SELECT c.id, c.name, c.owner, c.status, c.keep_in_touch_days, c.created_at, \
             (SELECT MAX(i.occurred_on) FROM interactions i WHERE i.workspace_id = c.workspace_id \
               AND i.client_id = c.id AND i.kind NOT IN ('newsletter', 'note') \
               AND i.occurred_on <= $2) AS last_on, \
             (SELECT MIN(s.started_on) FROM subscriptions s WHERE s.workspace_id = c.workspace_id \
               AND s.client_id = c.id) AS first_start \
             FROM clients c WHERE c.workspace_id = $1 AND {statuses} ORDER BY c.id"
        );
        let rows = sqlx::query(&sql)
            .bind(ws.0)
            .bind(today)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter().map(contact_facts_from).collect()
    }

    pub(super) async fn running_by_status_impl(
        &self,
        ws: WorkspaceId,
        day: Date,
    ) -> StoreResult<Vec<RunningByStatus>> {
        let rows = sqlx::query(
            "SELECT c.status, \
             SUM(CASE WHEN r.mrr > 0 THEN 1 ELSE 0 END) AS paying, \
             SUM(CASE WHEN r.mrr = 0 THEN 1 ELSE 0 END) AS free \
             FROM clients c JOIN (SELECT s.client_id, SUM(s.mrr_cents) AS mrr FROM subscriptions s \
               WHERE s.workspace_id = $1 AND s.started_on <= $2 \
               AND (s.ended_on IS NULL OR s.ended_on > $2) GROUP BY s.client_id) r \
             ON r.client_id = c.id WHERE c.workspace_id = $1 GROUP BY c.status ORDER BY c.status",
        )
        .bind(ws.0)
        .bind(day)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|r| {
                let status: String = r.try_get("status").map_err(backend_error)?;
                Ok(RunningByStatus {
                    status: super::parse_column(&status, "status")?,
                    paying: r.try_get("paying").map_err(backend_error)?,
                    free: r.try_get("free").map_err(backend_error)?,
                })
            })
            .collect()
    }
}

/// The contact facts of a row with `id`, `name`, `owner`, `status`,
/// `keep_in_touch_days`, `created_at`, `last_on` and `first_start`.
pub(super) fn contact_facts_from(r: &super::DbRow) -> StoreResult<ContactFacts> {
    let created_at: Timestamp = r.try_get("created_at").map_err(backend_error)?;
    let first_start: Option<Date> = r.try_get("first_start").map_err(backend_error)?;
    let status: String = r.try_get("status").map_err(backend_error)?;
    Ok(ContactFacts {
        client: ClientRef {
            id: ClientId(r.try_get("id").map_err(backend_error)?),
            name: r.try_get("name").map_err(backend_error)?,
            owner: r.try_get("owner").map_err(backend_error)?,
            status: super::parse_column(&status, "client status")?,
        },
        keep_in_touch_days: r.try_get("keep_in_touch_days").map_err(backend_error)?,
        last_contact_on: r.try_get("last_on").map_err(backend_error)?,
        client_since: first_start
            .map_or(created_at.date_naive(), |s| s.min(created_at.date_naive())),
    })
}
