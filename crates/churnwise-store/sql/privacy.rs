//! The SQL of the audit log and of erasing a client's personal data.

use super::{backend_error, json_error, DbRow};
use crate::{Db, SqlStore};
use chrono::Utc;
use churnwise_domain::departure::DepartureCase;
use churnwise_domain::history::CaseEvent;
use churnwise_domain::privacy::{
    erase_case_texts, erased_client_name, erased_contact_name, ERASED,
};
use churnwise_store::*;
use sqlx::Row;

const AUDIT_COLUMNS: &str =
    "id, at, actor_user_id, actor, action, subject_type, subject_id, client_id, detail";

fn audit_from(row: &DbRow) -> StoreResult<AuditEntry> {
    Ok(AuditEntry {
        id: row.try_get("id").map_err(backend_error)?,
        at: row.try_get("at").map_err(backend_error)?,
        actor_user: row
            .try_get::<Option<i64>, _>("actor_user_id")
            .map_err(backend_error)?
            .map(UserId),
        actor: row.try_get("actor").map_err(backend_error)?,
        action: row.try_get("action").map_err(backend_error)?,
        subject_type: row.try_get("subject_type").map_err(backend_error)?,
        subject_id: row.try_get("subject_id").map_err(backend_error)?,
        client: row
            .try_get::<Option<i64>, _>("client_id")
            .map_err(backend_error)?
            .map(ClientId),
        detail: row.try_get("detail").map_err(backend_error)?,
    })
}

async fn insert_audit<'e, E>(executor: E, ws: WorkspaceId, entry: &NewAuditEntry) -> StoreResult<()>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    sqlx::query(
        "INSERT INTO audit_log (workspace_id, at, actor_user_id, actor, action, subject_type, \
         subject_id, client_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(ws.0)
    .bind(entry.at)
    .bind(entry.actor_user.map(|u| u.0))
    .bind(&entry.actor)
    .bind(&entry.action)
    .bind(&entry.subject_type)
    .bind(entry.subject_id)
    .bind(entry.client.map(|c| c.0))
    .bind(&entry.detail)
    .execute(executor)
    .await
    .map_err(backend_error)?;
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(anyhow::Error::new(e)))
}

impl SqlStore {
    pub(super) async fn record_audit_impl(
        &self,
        ws: WorkspaceId,
        entry: NewAuditEntry,
    ) -> StoreResult<()> {
        insert_audit(&self.pool, ws, &entry).await
    }

    pub(super) async fn list_audit_impl(
        &self,
        ws: WorkspaceId,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<AuditEntry>> {
        let per_page = per_page.clamp(1, 500);
        let page = page.max(1);
        let total: i64 = sqlx::query("SELECT COUNT(*) FROM audit_log WHERE workspace_id = $1")
            .bind(ws.0)
            .fetch_one(&self.pool)
            .await
            .map_err(backend_error)?
            .try_get(0)
            .map_err(backend_error)?;
        let rows = sqlx::query(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE workspace_id = $1 \
             ORDER BY id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(ws.0)
        .bind(i64::from(per_page))
        .bind(i64::from(page - 1) * i64::from(per_page))
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(Page {
            items: rows.iter().map(audit_from).collect::<StoreResult<_>>()?,
            page,
            per_page,
            total,
        })
    }

    pub(super) async fn client_audit_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Vec<AuditEntry>> {
        let rows = sqlx::query(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE workspace_id = $1 AND client_id = $2 \
             ORDER BY id"
        ))
        .bind(ws.0)
        .bind(client.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter().map(audit_from).collect()
    }

    pub(super) async fn client_erased_at_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Option<Timestamp>> {
        let row = sqlx::query("SELECT erased_at FROM clients WHERE workspace_id = $1 AND id = $2")
            .bind(ws.0)
            .bind(client.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?
            .ok_or(StoreError::NotFound)?;
        row.try_get("erased_at").map_err(backend_error)
    }

    pub(super) async fn former_clients_left_before_impl(
        &self,
        ws: WorkspaceId,
        before: Date,
    ) -> StoreResult<Vec<ClientId>> {
        let rows = sqlx::query(
            "SELECT c.id FROM clients c WHERE c.workspace_id = $1 AND c.status = 'former' \
             AND c.erased_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM subscriptions s \
                 WHERE s.client_id = c.id AND s.ended_on IS NULL) \
             AND COALESCE( \
                 (SELECT MAX(s.ended_on) FROM subscriptions s WHERE s.client_id = c.id), \
                 (SELECT MAX(d.end_on) FROM departure_cases d WHERE d.client_id = c.id)) < $2 \
             ORDER BY c.id",
        )
        .bind(ws.0)
        .bind(before)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|r| r.try_get("id").map(ClientId).map_err(backend_error))
            .collect()
    }

    pub(super) async fn erase_client_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        audit: NewAuditEntry,
    ) -> StoreResult<ErasureSummary> {
        let mut summary = ErasureSummary::default();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE clients SET name = $1, \
             notes = CASE WHEN notes IS NULL THEN NULL ELSE $2 END, erased_at = $3 \
             WHERE workspace_id = $4 AND id = $5",
        )
        .bind(erased_client_name(client.0))
        .bind(ERASED)
        .bind(Utc::now())
        .bind(ws.0)
        .bind(client.0)
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }

        let contacts: Vec<i64> =
            sqlx::query("SELECT id FROM contacts WHERE workspace_id = $1 AND client_id = $2")
                .bind(ws.0)
                .bind(client.0)
                .fetch_all(&mut *tx)
                .await
                .map_err(backend_error)?
                .iter()
                .map(|r| r.try_get("id"))
                .collect::<Result<_, _>>()
                .map_err(backend_error)?;
        for id in &contacts {
            sqlx::query(
                "UPDATE contacts SET name = $1, email = NULL, phone = NULL, \
                 role = CASE WHEN role IS NULL THEN NULL ELSE $2 END WHERE id = $3",
            )
            .bind(erased_contact_name(*id))
            .bind(ERASED)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        summary.contacts = contacts.len() as u64;

        summary.interactions = sqlx::query(
            "UPDATE interactions SET note = $1 \
             WHERE workspace_id = $2 AND client_id = $3 AND note IS NOT NULL",
        )
        .bind(ERASED)
        .bind(ws.0)
        .bind(client.0)
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?
        .rows_affected();

        // --- exclusivity --- (issue 16): the exclusivities the client held
        // go with it.
        sqlx::query("DELETE FROM exclusivities WHERE workspace_id = $1 AND client_id = $2")
            .bind(ws.0)
            .bind(client.0)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;

        // --- worklog --- (issue 16): the work log is about the client and
        // may name its people: it goes whole.
        sqlx::query("DELETE FROM work_entries WHERE workspace_id = $1 AND client_id = $2")
            .bind(ws.0)
            .bind(client.0)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;

        // --- updates --- (issue 16): sent client updates keep their days
        // (they were contacts) but not their text, which names the client.
        sqlx::query(
            "UPDATE client_updates SET subject = '', body = '' \
             WHERE workspace_id = $1 AND client_id = $2",
        )
        .bind(ws.0)
        .bind(client.0)
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;

        // The customer's own words on the self-service cancel page (issue 17).
        sqlx::query(
            "UPDATE cancel_sessions SET words = NULL \
             WHERE workspace_id = $1 AND client_id = $2 AND words IS NOT NULL",
        )
        .bind(ws.0)
        .bind(client.0)
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;

        let cases = sqlx::query(
            "SELECT id, document FROM departure_cases WHERE workspace_id = $1 AND client_id = $2",
        )
        .bind(ws.0)
        .bind(client.0)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend_error)?;
        for row in &cases {
            let id: i64 = row.try_get("id").map_err(backend_error)?;
            let document: String = row.try_get("document").map_err(backend_error)?;
            let mut value: serde_json::Value =
                serde_json::from_str(&document).map_err(|e| json_error("case", e))?;
            if erase_case_texts(&mut value) {
                // The erased document must still be a valid case.
                let case: DepartureCase =
                    serde_json::from_value(value).map_err(|e| json_error("erased case", e))?;
                // A new version, so a form drawn before the erase cannot
                // save the old texts back.
                sqlx::query(
                    "UPDATE departure_cases SET document = $1, version = version + 1 \
                     WHERE id = $2",
                )
                .bind(to_json(&case)?)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?;
                summary.cases += 1;
            }
            // History entries are never updated (a trigger refuses it): an
            // entry with free text is replaced by its erased copy, same id.
            let entries = sqlx::query(
                "SELECT id, at, actor, event FROM departure_case_history \
                 WHERE case_id = $1 ORDER BY id",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await
            .map_err(backend_error)?;
            for entry in &entries {
                let entry_id: i64 = entry.try_get("id").map_err(backend_error)?;
                let event: String = entry.try_get("event").map_err(backend_error)?;
                let mut value: serde_json::Value =
                    serde_json::from_str(&event).map_err(|e| json_error("event", e))?;
                if !erase_case_texts(&mut value) {
                    continue;
                }
                let event: CaseEvent =
                    serde_json::from_value(value).map_err(|e| json_error("erased event", e))?;
                let at: Timestamp = entry.try_get("at").map_err(backend_error)?;
                let actor: String = entry.try_get("actor").map_err(backend_error)?;
                sqlx::query("DELETE FROM departure_case_history WHERE id = $1")
                    .bind(entry_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                sqlx::query(
                    "INSERT INTO departure_case_history (id, workspace_id, case_id, at, actor, event) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(entry_id)
                .bind(ws.0)
                .bind(id)
                .bind(at)
                .bind(actor)
                .bind(to_json(&event)?)
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?;
                summary.history_entries += 1;
            }
        }

        summary.audit_entries = sqlx::query(
            "UPDATE audit_log SET detail = '' \
             WHERE workspace_id = $1 AND client_id = $2 AND detail <> ''",
        )
        .bind(ws.0)
        .bind(client.0)
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?
        .rows_affected();
        insert_audit(&mut *tx, ws, &audit).await?;
        tx.commit().await.map_err(backend_error)?;
        crate::after_erase(&self.pool).await;
        Ok(summary)
    }
}
