//! Import jobs (one uploaded file each, with its progress) and the column
//! mappings saved per workspace, kind and set of headers.

use super::{backend_error, DbRow};
use crate::SqlStore;
use churnwise_store::*;
use sqlx::Row;
use std::collections::{HashMap, HashSet};

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
            "contacts" => {
                let rows = sqlx::query(
                    "SELECT c.external_id, k.name, k.email FROM contacts k JOIN clients c ON c.id = k.client_id \
                     WHERE k.workspace_id = $1 AND c.external_id IS NOT NULL",
                )
                .bind(ws.0)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_error)?;
                let mut keys = Vec::new();
                for r in &rows {
                    let client: String = r.try_get(0).map_err(backend_error)?;
                    let name: String = r.try_get(1).map_err(backend_error)?;
                    let email: Option<String> = r.try_get(2).map_err(backend_error)?;
                    keys.push(contact_key(&client, &name, None));
                    if let Some(e) = email.filter(|e| !e.is_empty()) {
                        keys.push(contact_key(&client, &name, Some(&e)));
                    }
                }
                return Ok(keys);
            }
            "interactions" => {
                let rows = sqlx::query(
                    "SELECT c.external_id, i.kind, i.occurred_on, i.author, i.note FROM interactions i \
                     JOIN clients c ON c.id = i.client_id WHERE i.workspace_id = $1 AND c.external_id IS NOT NULL",
                )
                .bind(ws.0)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_error)?;
                return rows
                    .iter()
                    .map(|r| {
                        Ok(interaction_key(
                            &r.try_get::<String, _>(0)?,
                            &r.try_get::<String, _>(1)?,
                            r.try_get::<Date, _>(2)?,
                            r.try_get::<Option<String>, _>(3)?.as_deref(),
                            r.try_get::<Option<String>, _>(4)?.as_deref(),
                        ))
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

    async fn clients_by_ref(
        tx: &mut sqlx::Transaction<'_, crate::Db>,
        ws: WorkspaceId,
    ) -> StoreResult<HashMap<String, i64>> {
        let rows = sqlx::query(
            "SELECT id, external_id FROM clients WHERE workspace_id = $1 AND external_id IS NOT NULL",
        )
        .bind(ws.0)
        .fetch_all(&mut **tx)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|r| Ok((r.try_get::<String, _>(1)?, r.try_get::<i64, _>(0)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend_error)
    }

    fn unknown_clients<'a>(
        known: &HashMap<String, i64>,
        rows: impl Iterator<Item = (u64, &'a str)>,
    ) -> StoreResult<()> {
        let problems: Vec<RowProblem> = rows
            .filter(|(_, c)| !known.contains_key(*c))
            .map(|(line, c)| RowProblem {
                line,
                column: "customer_id".to_string(),
                reason: format!("{c:?} is not a known customer (import customers first)"),
            })
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Invalid(problems))
        }
    }

    pub(super) async fn import_contacts_impl(
        &self,
        ws: WorkspaceId,
        rows: Vec<ContactImport>,
        progress: &Progress,
    ) -> StoreResult<ImportSummary> {
        let mut tx = self.begin_write().await?;
        let clients = Self::clients_by_ref(&mut tx, ws).await?;
        Self::unknown_clients(
            &clients,
            rows.iter().map(|r| (r.line, r.customer_ref.as_str())),
        )?;
        let stored =
            sqlx::query("SELECT id, client_id, name, email FROM contacts WHERE workspace_id = $1")
                .bind(ws.0)
                .fetch_all(&mut *tx)
                .await
                .map_err(backend_error)?;
        let mut by_key: HashMap<(i64, String), i64> = HashMap::new();
        for r in &stored {
            let id: i64 = r.try_get(0).map_err(backend_error)?;
            let client: i64 = r.try_get(1).map_err(backend_error)?;
            let name: String = r.try_get(2).map_err(backend_error)?;
            let email: Option<String> = r.try_get(3).map_err(backend_error)?;
            by_key.entry((client, format!("n:{name}"))).or_insert(id);
            if let Some(e) = email.filter(|e| !e.is_empty()) {
                by_key
                    .entry((client, format!("e:{}", e.to_lowercase())))
                    .or_insert(id);
            }
        }
        let mut summary = ImportSummary {
            rows: rows.len() as u64,
            ..ImportSummary::default()
        };
        for (i, row) in rows.iter().enumerate() {
            let client = clients[&row.customer_ref];
            let key = match row.email.as_deref().filter(|e| !e.is_empty()) {
                Some(e) => (client, format!("e:{}", e.to_lowercase())),
                None => (client, format!("n:{}", row.name)),
            };
            let id = match by_key.get(&key) {
                Some(&id) => {
                    sqlx::query(
                        "UPDATE contacts SET name = $1, role = $2, email = $3, phone = $4, is_primary = $5 \
                         WHERE workspace_id = $6 AND id = $7",
                    )
                    .bind(&row.name)
                    .bind(&row.role)
                    .bind(&row.email)
                    .bind(&row.phone)
                    .bind(row.is_primary)
                    .bind(ws.0)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                    summary.updated += 1;
                    id
                }
                None => {
                    let id: i64 = sqlx::query(
                        "INSERT INTO contacts (workspace_id, client_id, name, role, email, phone, is_primary) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    )
                    .bind(ws.0)
                    .bind(client)
                    .bind(&row.name)
                    .bind(&row.role)
                    .bind(&row.email)
                    .bind(&row.phone)
                    .bind(row.is_primary)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend_error)?
                    .try_get(0)
                    .map_err(backend_error)?;
                    by_key.insert(key, id);
                    by_key
                        .entry((client, format!("n:{}", row.name)))
                        .or_insert(id);
                    summary.inserted += 1;
                    id
                }
            };
            if row.is_primary {
                sqlx::query(
                    "UPDATE contacts SET is_primary = $1 WHERE workspace_id = $2 AND client_id = $3 AND id <> $4",
                )
                .bind(false)
                .bind(ws.0)
                .bind(client)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?;
            }
            if i % 100 == 99 {
                progress(i as u64 + 1);
            }
        }
        progress(summary.rows);
        tx.commit().await.map_err(backend_error)?;
        Ok(summary)
    }

    pub(super) async fn import_interactions_impl(
        &self,
        ws: WorkspaceId,
        rows: Vec<InteractionImport>,
        progress: &Progress,
    ) -> StoreResult<ImportSummary> {
        let mut tx = self.begin_write().await?;
        let clients = Self::clients_by_ref(&mut tx, ws).await?;
        Self::unknown_clients(
            &clients,
            rows.iter().map(|r| (r.line, r.customer_ref.as_str())),
        )?;
        let stored = sqlx::query(
            "SELECT client_id, kind, occurred_on, author, note FROM interactions WHERE workspace_id = $1",
        )
        .bind(ws.0)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend_error)?;
        type Key = (i64, String, Date, Option<String>, Option<String>);
        let mut seen: HashSet<Key> = stored
            .iter()
            .map(|r| {
                Ok((
                    r.try_get(0)?,
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get(3)?,
                    r.try_get(4)?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend_error)?;
        let now = chrono::Utc::now();
        let mut summary = ImportSummary {
            rows: rows.len() as u64,
            ..ImportSummary::default()
        };
        for (i, row) in rows.iter().enumerate() {
            let client = clients[&row.customer_ref];
            let key: Key = (
                client,
                row.kind.clone(),
                row.occurred_on,
                row.author.clone(),
                row.note.clone(),
            );
            if seen.contains(&key) {
                summary.updated += 1;
            } else {
                sqlx::query(
                    "INSERT INTO interactions (workspace_id, client_id, kind, occurred_on, author, note, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(ws.0)
                .bind(client)
                .bind(&row.kind)
                .bind(row.occurred_on)
                .bind(&row.author)
                .bind(&row.note)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?;
                seen.insert(key);
                summary.inserted += 1;
            }
            if i % 100 == 99 {
                progress(i as u64 + 1);
            }
        }
        progress(summary.rows);
        tx.commit().await.map_err(backend_error)?;
        Ok(summary)
    }
}
