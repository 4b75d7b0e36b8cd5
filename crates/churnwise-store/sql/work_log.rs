//! The work log of a client (issue 16, migration 0025): entries added,
//! changed, deleted and listed page by page, and imported in one
//! transaction.

use super::{backend_error, DbRow};
use crate::SqlStore;
use churnwise_store::*;
use sqlx::{QueryBuilder, Row};
use std::collections::{HashMap, HashSet};

const WORK_COLUMNS: &str = "id, client_id, done_on, title, body, result_milli, result_unit, \
                            link, who, who_user, client_visible, updated_ms";

fn work_entry_from(r: &DbRow) -> StoreResult<WorkEntry> {
    let get = |e: sqlx::Error| backend_error(e);
    Ok(WorkEntry {
        id: WorkEntryId(r.try_get("id").map_err(get)?),
        client_id: ClientId(r.try_get("client_id").map_err(get)?),
        done_on: r.try_get("done_on").map_err(get)?,
        title: r.try_get("title").map_err(get)?,
        body: r.try_get("body").map_err(get)?,
        result_milli: r.try_get("result_milli").map_err(get)?,
        result_unit: r.try_get("result_unit").map_err(get)?,
        link: r.try_get("link").map_err(get)?,
        who: r.try_get("who").map_err(get)?,
        who_user: r
            .try_get::<Option<i64>, _>("who_user")
            .map_err(get)?
            .map(UserId),
        client_visible: r.try_get("client_visible").map_err(get)?,
        updated_ms: r.try_get("updated_ms").map_err(get)?,
    })
}

impl SqlStore {
    pub(super) async fn add_work_entry_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        entry: &NewWorkEntry,
    ) -> StoreResult<WorkEntry> {
        self.client_exists(ws, client).await?;
        let sql = format!(
            "INSERT INTO work_entries (workspace_id, client_id, done_on, title, body, result_milli, \
             result_unit, link, who, who_user, client_visible, created_ms, updated_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING {WORK_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(client.0)
            .bind(entry.done_on)
            .bind(&entry.title)
            .bind(&entry.body)
            .bind(entry.result_milli)
            .bind(&entry.result_unit)
            .bind(&entry.link)
            .bind(&entry.who)
            .bind(entry.who_user.map(|u| u.0))
            .bind(entry.client_visible)
            .bind(entry.now_ms)
            .fetch_one(&self.pool)
            .await
            .map_err(backend_error)?;
        work_entry_from(&row)
    }

    pub(super) async fn get_work_entry_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: WorkEntryId,
    ) -> StoreResult<Option<WorkEntry>> {
        let sql = format!(
            "SELECT {WORK_COLUMNS} FROM work_entries \
             WHERE workspace_id = $1 AND client_id = $2 AND id = $3"
        );
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(client.0)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref().map(work_entry_from).transpose()
    }

    pub(super) async fn update_work_entry_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: WorkEntryId,
        entry: &NewWorkEntry,
    ) -> StoreResult<Option<WorkEntry>> {
        let sql = format!(
            "UPDATE work_entries SET done_on = $4, title = $5, body = $6, result_milli = $7, \
             result_unit = $8, link = $9, who = $10, who_user = $11, client_visible = $12, \
             updated_ms = $13 \
             WHERE workspace_id = $1 AND client_id = $2 AND id = $3 RETURNING {WORK_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(client.0)
            .bind(id.0)
            .bind(entry.done_on)
            .bind(&entry.title)
            .bind(&entry.body)
            .bind(entry.result_milli)
            .bind(&entry.result_unit)
            .bind(&entry.link)
            .bind(&entry.who)
            .bind(entry.who_user.map(|u| u.0))
            .bind(entry.client_visible)
            .bind(entry.now_ms)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref().map(work_entry_from).transpose()
    }

    pub(super) async fn delete_work_entry_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: WorkEntryId,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "DELETE FROM work_entries WHERE workspace_id = $1 AND client_id = $2 AND id = $3",
        )
        .bind(ws.0)
        .bind(client.0)
        .bind(id.0)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(done.rows_affected() > 0)
    }

    pub(super) async fn list_work_entries_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        client_visible_only: bool,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<WorkEntry>> {
        self.client_exists(ws, client).await?;
        let filter = |q: &mut QueryBuilder<'_, crate::Db>| {
            q.push(" WHERE workspace_id = ")
                .push_bind(ws.0)
                .push(" AND client_id = ")
                .push_bind(client.0);
            if client_visible_only {
                q.push(" AND client_visible = ").push_bind(true);
            }
        };
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM work_entries");
        filter(&mut count);
        let mut rows = QueryBuilder::new(format!("SELECT {WORK_COLUMNS} FROM work_entries"));
        filter(&mut rows);
        rows.push(" ORDER BY done_on DESC, id DESC");
        self.fetch_page(count, rows, page, per_page, work_entry_from)
            .await
    }

    pub(super) async fn import_work_entries_impl(
        &self,
        ws: WorkspaceId,
        rows: Vec<WorkEntryImport>,
    ) -> StoreResult<ImportSummary> {
        let mut tx = self.begin_write().await?;
        let found = sqlx::query(
            "SELECT id, external_id FROM clients WHERE workspace_id = $1 AND external_id IS NOT NULL",
        )
        .bind(ws.0)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend_error)?;
        let mut known = HashMap::new();
        for r in &found {
            let external: String = r.try_get("external_id").map_err(backend_error)?;
            let id: i64 = r.try_get("id").map_err(backend_error)?;
            known.insert(external, id);
        }
        let unknown: Vec<RowProblem> = rows
            .iter()
            .filter(|r| !known.contains_key(&r.customer_id))
            .map(|r| RowProblem {
                line: r.line,
                column: "customer_id".to_string(),
                reason: format!(
                    "{:?} is not a known customer (import customers first)",
                    r.customer_id
                ),
            })
            .collect();
        if !unknown.is_empty() {
            return Err(StoreError::Invalid(unknown));
        }
        let stored = sqlx::query(
            "SELECT client_id, done_on, title FROM work_entries WHERE workspace_id = $1",
        )
        .bind(ws.0)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend_error)?;
        let mut seen = HashSet::new();
        for r in &stored {
            let client: i64 = r.try_get("client_id").map_err(backend_error)?;
            let on: Date = r.try_get("done_on").map_err(backend_error)?;
            let title: String = r.try_get("title").map_err(backend_error)?;
            seen.insert((client, on, title));
        }
        let total = rows.len() as u64;
        let rows: Vec<WorkEntryImport> = rows
            .into_iter()
            .filter(|r| {
                let client = known.get(&r.customer_id).copied().unwrap_or_default();
                seen.insert((client, r.entry.done_on, r.entry.title.clone()))
            })
            .collect();
        let mut written = 0;
        for chunk in rows.chunks(500) {
            let mut q = QueryBuilder::<crate::Db>::new(
                "INSERT INTO work_entries (workspace_id, client_id, done_on, title, body, \
                 result_milli, result_unit, link, who, who_user, client_visible, created_ms, updated_ms) ",
            );
            q.push_values(chunk, |mut b, r| {
                let e = &r.entry;
                b.push_bind(ws.0)
                    .push_bind(known.get(&r.customer_id).copied().unwrap_or_default())
                    .push_bind(e.done_on)
                    .push_bind(e.title.clone())
                    .push_bind(e.body.clone())
                    .push_bind(e.result_milli)
                    .push_bind(e.result_unit.clone())
                    .push_bind(e.link.clone())
                    .push_bind(e.who.clone())
                    .push_bind(e.who_user.map(|u| u.0))
                    .push_bind(e.client_visible)
                    .push_bind(e.now_ms)
                    .push_bind(e.now_ms);
            });
            let done = q.build().execute(&mut *tx).await.map_err(backend_error)?;
            written += done.rows_affected();
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(ImportSummary {
            rows: total,
            inserted: written,
            updated: total - written,
        })
    }
}
