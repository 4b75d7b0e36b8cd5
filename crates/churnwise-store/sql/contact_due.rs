//! The due list's keep-in-touch part read by the stored due day (issue 14,
//! migration 0031): the most overdue clients through an index, a page at a
//! time, instead of every client's contacts.

use super::backend_error;
use crate::{Db, SqlStore, BYTE_ORDER_COLLATE};
use churnwise_domain::registry::InteractionKind;
use churnwise_store::*;
use sqlx::{QueryBuilder, Row};

/// Appends the conditions every due-contact read shares: the workspace,
/// the statuses and the owners of `filter`, and a due day on or before its
/// day with no contact after it (`d` is `client_contact_due`, `c` `clients`).
fn push_due_conditions(q: &mut QueryBuilder<'_, Db>, ws: WorkspaceId, filter: &DueContactFilter) {
    q.push(" WHERE d.workspace_id = ").push_bind(ws.0);
    q.push(" AND d.due_on <= ").push_bind(filter.today);
    q.push(" AND (d.last_contact_on IS NULL OR d.last_contact_on <= ")
        .push_bind(filter.today)
        .push(")");
    push_client_conditions(q, filter);
}

/// The statuses and owners of `filter`, on `c` joined to `d` by id.
fn push_client_conditions(q: &mut QueryBuilder<'_, Db>, filter: &DueContactFilter) {
    q.push(" AND c.id = d.client_id");
    if filter.include_former {
        q.push(" AND c.status IN ('active', 'leaving', 'former')");
    } else {
        q.push(" AND c.status IN ('active', 'leaving')");
    }
    if let Some(spellings) = &filter.owner_spellings {
        if spellings.is_empty() {
            q.push(" AND 1 = 0");
        } else {
            q.push(" AND TRIM(c.owner) IN (");
            let mut list = q.separated(", ");
            for s in spellings {
                list.push_bind(s.clone());
            }
            q.push(")");
        }
    }
}

/// The due list's order of contacts: most overdue first, then by name in
/// byte order (as Rust compares strings), current clients before former
/// ones, then by id.
fn push_due_order(q: &mut QueryBuilder<'_, Db>) {
    q.push(" ORDER BY d.due_on, c.name")
        .push(BYTE_ORDER_COLLATE)
        .push(", CASE WHEN c.status = 'former' THEN 1 ELSE 0 END, c.id");
}

fn due_contact_from(r: &super::DbRow) -> StoreResult<DueContact> {
    let status: String = r.try_get("status").map_err(backend_error)?;
    Ok(DueContact {
        client: ClientRef {
            id: ClientId(r.try_get("id").map_err(backend_error)?),
            name: r.try_get("name").map_err(backend_error)?,
            owner: r.try_get("owner").map_err(backend_error)?,
            status: super::parse_column(&status, "client status")?,
        },
        due_on: r.try_get("due_on").map_err(backend_error)?,
    })
}

/// The columns of a due contact. `CROSS JOIN` keeps SQLite walking the due
/// days in order (it never reorders a cross join); PostgreSQL reads it as
/// an inner join.
const DUE_CONTACT_FROM: &str = "SELECT c.id, c.name, c.owner, c.status, d.due_on \
     FROM client_contact_due d CROSS JOIN clients c";

impl SqlStore {
    pub(super) async fn due_contacts_impl(
        &self,
        ws: WorkspaceId,
        filter: &DueContactFilter,
        offset: u64,
        limit: u64,
    ) -> StoreResult<Vec<DueContact>> {
        if limit == 0 {
            return Ok(vec![]);
        }
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        // The window's rows are all due on or before the due day of its
        // last row in day order: that day is read first by walking the
        // index of due days (it stops after `offset + limit` rows), so the
        // window is sorted by name from the clients due by then and not
        // from every due client of the workspace, which PostgreSQL would
        // join and sort whole (issue 14). No such row: the window ends the
        // list, and every row is read.
        let mut last_day = None;
        if let Some(last) = offset.checked_add(limit - 1) {
            let mut q = QueryBuilder::<Db>::new(
                "SELECT d.due_on FROM client_contact_due d CROSS JOIN clients c",
            );
            push_due_conditions(&mut q, ws, filter);
            q.push(" ORDER BY d.due_on LIMIT 1 OFFSET ").push_bind(last);
            last_day = q
                .build_query_scalar::<Date>()
                .fetch_optional(&self.pool)
                .await
                .map_err(backend_error)?;
        }
        let mut q = QueryBuilder::<Db>::new(DUE_CONTACT_FROM);
        push_due_conditions(&mut q, ws, filter);
        if let Some(day) = last_day {
            q.push(" AND d.due_on <= ").push_bind(day);
        }
        push_due_order(&mut q);
        q.push(" LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        let rows = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter().map(due_contact_from).collect()
    }

    pub(super) async fn due_contacts_contacted_since_impl(
        &self,
        ws: WorkspaceId,
        filter: &DueContactFilter,
        kinds: &[InteractionKind],
        from: Date,
    ) -> StoreResult<Vec<DueContact>> {
        if kinds.is_empty() || from > filter.today {
            return Ok(vec![]);
        }
        let mut q = QueryBuilder::<Db>::new(DUE_CONTACT_FROM);
        push_due_conditions(&mut q, ws, filter);
        q.push(
            " AND d.client_id IN (SELECT i.client_id FROM interactions i \
             WHERE i.workspace_id = ",
        )
        .push_bind(ws.0);
        q.push(" AND i.occurred_on >= ").push_bind(from);
        q.push(" AND i.occurred_on <= ").push_bind(filter.today);
        q.push(" AND i.kind IN (");
        let mut list = q.separated(", ");
        for kind in kinds {
            list.push_bind(kind.as_str());
        }
        q.push("))");
        push_due_order(&mut q);
        let rows = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter().map(due_contact_from).collect()
    }

    pub(super) async fn contact_facts_after_impl(
        &self,
        ws: WorkspaceId,
        filter: &DueContactFilter,
    ) -> StoreResult<Vec<ContactFacts>> {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT c.id, c.name, c.owner, c.status, c.keep_in_touch_days, c.created_at, \
             (SELECT MAX(i.occurred_on) FROM interactions i WHERE i.workspace_id = c.workspace_id \
               AND i.client_id = c.id AND i.kind NOT IN ('newsletter', 'note') \
               AND i.occurred_on <= ",
        );
        q.push_bind(filter.today).push(
            ") AS last_on, \
             (SELECT MIN(s.started_on) FROM subscriptions s WHERE s.workspace_id = c.workspace_id \
               AND s.client_id = c.id) AS first_start \
             FROM client_contact_due d CROSS JOIN clients c WHERE d.workspace_id = ",
        );
        q.push_bind(ws.0);
        q.push(" AND d.last_contact_on > ").push_bind(filter.today);
        push_client_conditions(&mut q, filter);
        q.push(" ORDER BY c.id");
        let rows = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter().map(super::status::contact_facts_from).collect()
    }
}
