//! Import jobs (one uploaded file each, with its progress) and the column
//! mappings saved per workspace, kind and set of headers.

use super::{backend_error, DbRow};
use crate::SqlStore;
use churnwise_store::*;
use sqlx::Row;

const JOB_COLUMNS: &str = "id, workspace_id, kind, file_name, upload_path, state, rows_done, \
     rows_total, mapping, summary, problems, created_by, created_at, updated_at";

fn job_from(row: &DbRow) -> StoreResult<ImportJob> {
    let get = |e| backend_error(e);
    Ok(ImportJob {
        id: ImportJobId(row.try_get("id").map_err(get)?),
        workspace: WorkspaceId(row.try_get("workspace_id").map_err(get)?),
        kind: row.try_get("kind").map_err(get)?,
        file_name: row.try_get("file_name").map_err(get)?,
        upload_path: row.try_get("upload_path").map_err(get)?,
        state: row.try_get("state").map_err(get)?,
        rows_done: row.try_get("rows_done").map_err(get)?,
        rows_total: row.try_get("rows_total").map_err(get)?,
        mapping: row.try_get("mapping").map_err(get)?,
        summary: row.try_get("summary").map_err(get)?,
        problems: row.try_get("problems").map_err(get)?,
        created_by: row.try_get("created_by").map_err(get)?,
        created_at: row.try_get("created_at").map_err(get)?,
        updated_at: row.try_get("updated_at").map_err(get)?,
    })
}

impl SqlStore {
    pub(super) async fn create_import_job_impl(
        &self,
        ws: WorkspaceId,
        job: NewImportJob,
    ) -> StoreResult<ImportJob> {
        let sql = format!(
            "INSERT INTO import_jobs (workspace_id, kind, file_name, upload_path, state, mapping, \
             created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
             RETURNING {JOB_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(&job.kind)
            .bind(&job.file_name)
            .bind(&job.upload_path)
            .bind(&job.state)
            .bind(&job.mapping)
            .bind(&job.created_by)
            .bind(job.created_at)
            .fetch_one(&self.pool)
            .await
            .map_err(backend_error)?;
        job_from(&row)
    }

    pub(super) async fn import_job_impl(
        &self,
        ws: WorkspaceId,
        id: ImportJobId,
    ) -> StoreResult<ImportJob> {
        let sql =
            format!("SELECT {JOB_COLUMNS} FROM import_jobs WHERE workspace_id = $1 AND id = $2");
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?
            .ok_or(StoreError::NotFound)?;
        job_from(&row)
    }

    pub(super) async fn update_import_job_impl(
        &self,
        ws: WorkspaceId,
        id: ImportJobId,
        change: ImportJobUpdate,
        now: Timestamp,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE import_jobs SET state = COALESCE($3, state), \
             rows_done = COALESCE($4, rows_done), rows_total = COALESCE($5, rows_total), \
             mapping = COALESCE($6, mapping), summary = COALESCE($7, summary), \
             problems = COALESCE($8, problems), updated_at = $9 \
             WHERE workspace_id = $1 AND id = $2",
        )
        .bind(ws.0)
        .bind(id.0)
        .bind(change.state)
        .bind(change.rows_done)
        .bind(change.rows_total)
        .bind(change.mapping)
        .bind(change.summary)
        .bind(change.problems)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub(super) async fn saved_import_mapping_impl(
        &self,
        ws: WorkspaceId,
        kind: &str,
        headers: &str,
    ) -> StoreResult<Option<String>> {
        let row = sqlx::query(
            "SELECT mapping FROM import_mappings WHERE workspace_id = $1 AND kind = $2 AND headers = $3",
        )
        .bind(ws.0)
        .bind(kind)
        .bind(headers)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.map(|r| r.try_get::<String, _>(0))
            .transpose()
            .map_err(backend_error)
    }

    pub(super) async fn save_import_mapping_impl(
        &self,
        ws: WorkspaceId,
        kind: &str,
        headers: &str,
        mapping: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO import_mappings (workspace_id, kind, headers, mapping, updated_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id, kind, headers) \
             DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
        )
        .bind(ws.0)
        .bind(kind)
        .bind(headers)
        .bind(mapping)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    pub(super) async fn import_keys_impl(
        &self,
        ws: WorkspaceId,
        kind: &str,
    ) -> StoreResult<Vec<String>> {
        let sql = match kind {
            "customers" => {
                "SELECT external_id FROM clients WHERE workspace_id = $1 AND external_id IS NOT NULL"
            }
            "invoices" => "SELECT invoice_ref FROM invoices WHERE workspace_id = $1",
            "subscriptions" => {
                let rows = sqlx::query(
                    "SELECT subscription_ref, started_on FROM subscriptions WHERE workspace_id = $1",
                )
                .bind(ws.0)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_error)?;
                return rows
                    .iter()
                    .map(|r| {
                        let id: String = r.try_get(0)?;
                        let on: Date = r.try_get(1)?;
                        Ok(format!("{id}\u{1f}{on}"))
                    })
                    .collect::<Result<_, sqlx::Error>>()
                    .map_err(backend_error);
            }
            _ => return Ok(Vec::new()),
        };
        let rows = sqlx::query(sql)
            .bind(ws.0)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend_error)
    }
}
