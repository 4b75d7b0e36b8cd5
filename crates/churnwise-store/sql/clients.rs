//! Clients: create, read, search and update.

use super::{backend_error, parse_column, DbRow};
use crate::{Db, SqlStore};
use chrono::Utc;
use churnwise_domain::registry::{ClientStatus, WarningFlag};
use churnwise_store::*;
use sqlx::{QueryBuilder, Row};

pub(super) const CLIENT_COLUMNS: &str =
    "id, external_id, name, status, status_override, owner, segment, keep_in_touch_days, warning_flags, notes, created_at";

fn like_pattern(text: &str) -> String {
    let mut p = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

fn client_from(row: &DbRow) -> StoreResult<Client> {
    let status: String = row.try_get("status").map_err(backend_error)?;
    Ok(Client {
        id: ClientId(row.try_get("id").map_err(backend_error)?),
        external_id: row.try_get("external_id").map_err(backend_error)?,
        name: row.try_get("name").map_err(backend_error)?,
        status: parse_column::<ClientStatus>(&status, "status")?,
        status_set_by_hand: row
            .try_get::<Option<String>, _>("status_override")
            .map_err(backend_error)?
            .is_some(),
        owner: row.try_get("owner").map_err(backend_error)?,
        segment: row.try_get("segment").map_err(backend_error)?,
        keep_in_touch_days: row.try_get("keep_in_touch_days").map_err(backend_error)?,
        warning_flags: {
            let text: String = row.try_get("warning_flags").map_err(backend_error)?;
            WarningFlag::parse_list(&text).map_err(|e| {
                StoreError::Backend(anyhow::anyhow!("stored warning_flags: {}", e.message))
            })?
        },
        notes: row.try_get("notes").map_err(backend_error)?,
        created_at: row.try_get("created_at").map_err(backend_error)?,
    })
}

impl SqlStore {
    pub(super) async fn client_exists(&self, ws: WorkspaceId, id: ClientId) -> StoreResult<()> {
        let found = sqlx::query("SELECT 1 FROM clients WHERE workspace_id = $1 AND id = $2")
            .bind(ws.0)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        found.map(|_| ()).ok_or(StoreError::NotFound)
    }

    pub(super) async fn client_status_counts_impl(
        &self,
        ws: WorkspaceId,
    ) -> StoreResult<Vec<(ClientStatus, i64)>> {
        let rows = self
            .grouped_counts_by_version(
                ws,
                "SELECT status, COUNT(*) AS n FROM clients WHERE workspace_id = $1 GROUP BY status",
            )
            .await?;
        rows.into_iter()
            .map(|(text, n)| Ok((parse_column(&text, "status")?, n)))
            .collect()
    }

    pub(super) async fn client_facets_impl(&self, ws: WorkspaceId) -> StoreResult<ClientFacets> {
        Ok(ClientFacets {
            owners: self.distinct_values(ws, "owner").await?,
            segments: self.distinct_values(ws, "segment").await?,
        })
    }

    /// The first [`FACET_LIMIT`] distinct values of `column` (`owner` or
    /// `segment`) on the workspace's clients, sorted: one index seek per
    /// value (a loose index scan), where `SELECT DISTINCT` read the whole
    /// index on PostgreSQL, which has no skip scan (a third of a second at
    /// 1M clients, issue 14).
    async fn distinct_values(&self, ws: WorkspaceId, column: &str) -> StoreResult<Vec<String>> {
        let sql = format!(
            "WITH RECURSIVE v(value) AS ( \
               SELECT MIN({column}) FROM clients WHERE workspace_id = $1 \
               UNION ALL \
               SELECT (SELECT MIN({column}) FROM clients WHERE workspace_id = $1 AND {column} > v.value) \
               FROM v WHERE v.value IS NOT NULL \
             ) SELECT value FROM v WHERE value IS NOT NULL LIMIT $2"
        );
        sqlx::query_scalar::<_, String>(&sql)
            .bind(ws.0)
            .bind(FACET_LIMIT)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)
    }

    pub(super) async fn create_client_impl(
        &self,
        ws: WorkspaceId,
        client: NewClient,
    ) -> StoreResult<Client> {
        let sql = format!(
            "INSERT INTO clients (workspace_id, external_id, name, status, owner, segment, keep_in_touch_days, notes, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {CLIENT_COLUMNS}"
        );
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(&client.external_id)
            .bind(&client.name)
            .bind(client.status.as_str())
            .bind(&client.owner)
            .bind(&client.segment)
            .bind(client.keep_in_touch_days)
            .bind(&client.notes)
            .bind(Utc::now())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match backend_error(e) {
                StoreError::Conflict { .. } => StoreError::Conflict {
                    field: "external_id".to_string(),
                    message: "is already used by another client".to_string(),
                },
                other => other,
            })?;
        let made = client_from(&row)?;
        // --- outhooks: `client.created`, in the same transaction
        let data = serde_json::json!({
            "client": {"id": made.id.0, "external_id": made.external_id, "name": made.name,
                "status": made.status.as_str(), "owner": made.owner, "segment": made.segment},
        });
        super::outbox::insert_outbox_event(
            &mut tx,
            ws,
            "client.created",
            &data,
            super::outbox::now_ms(),
        )
        .await?;
        tx.commit().await.map_err(backend_error)?;
        Ok(made)
    }

    pub(super) async fn get_client_impl(
        &self,
        ws: WorkspaceId,
        id: ClientId,
    ) -> StoreResult<Option<Client>> {
        let sql =
            format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE workspace_id = $1 AND id = $2");
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref().map(client_from).transpose()
    }

    pub(super) async fn find_client_impl(
        &self,
        ws: WorkspaceId,
        reference: &str,
    ) -> StoreResult<Option<Client>> {
        let sql = format!(
            "SELECT {CLIENT_COLUMNS} FROM clients WHERE workspace_id = $1 AND (external_id = $2 OR name = $2) \
             ORDER BY CASE WHEN external_id = $2 THEN 0 ELSE 1 END, id LIMIT 1"
        );
        if let Ok(id) = reference.trim().parse::<i64>() {
            if let Some(client) = self.get_client_impl(ws, ClientId(id)).await? {
                return Ok(Some(client));
            }
        }
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(reference.trim())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref().map(client_from).transpose()
    }

    pub(super) async fn list_clients_impl(
        &self,
        ws: WorkspaceId,
        filter: &ClientFilter,
    ) -> StoreResult<Page<Client>> {
        self.list_clients_scoped(ws, filter, None).await
    }

    /// The client list; with `owners`, only the clients whose trimmed owner
    /// is one of these spellings (instead of `filter.owner`).
    pub(super) async fn list_clients_scoped(
        &self,
        ws: WorkspaceId,
        filter: &ClientFilter,
        owners: Option<&[String]>,
    ) -> StoreResult<Page<Client>> {
        self.list_clients_with(ws, filter, owners, None, client_from)
            .await
    }

    /// The client list with each client's latest health score and its MRR
    /// on `day`: two correlated lookups per row of the page, on the
    /// `health_scores` primary key and the `subscriptions_by_client` index.
    pub(super) async fn list_client_rows_impl(
        &self,
        ws: WorkspaceId,
        filter: &ClientFilter,
        owners: Option<&[String]>,
        day: chrono::NaiveDate,
    ) -> StoreResult<Page<ClientRow>> {
        self.list_clients_with(ws, filter, owners, Some(day), |row| {
            Ok(ClientRow {
                client: client_from(row)?,
                health_score: row.try_get("health_score").map_err(backend_error)?,
                at_risk: row
                    .try_get::<Option<bool>, _>("health_at_risk")
                    .map_err(backend_error)?
                    .unwrap_or(false),
                mrr_cents: row.try_get("mrr_cents").map_err(backend_error)?,
            })
        })
        .await
    }

    /// The client list; with `figures_on`, the health and MRR columns of
    /// [`ClientRow`] too.
    async fn list_clients_with<T>(
        &self,
        ws: WorkspaceId,
        filter: &ClientFilter,
        owners: Option<&[String]>,
        figures_on: Option<chrono::NaiveDate>,
        from_row: impl Fn(&DbRow) -> StoreResult<T>,
    ) -> StoreResult<Page<T>> {
        fn push_filters<'a>(
            q: &mut QueryBuilder<'a, Db>,
            ws: WorkspaceId,
            filter: &'a ClientFilter,
            owners: Option<&'a [String]>,
        ) {
            q.push(" WHERE workspace_id = ").push_bind(ws.0);
            if let Some(status) = filter.status {
                q.push(" AND status = ").push_bind(status.as_str());
            }
            match owners {
                Some([]) => {
                    q.push(" AND 1 = 0");
                }
                Some(names) => {
                    q.push(" AND TRIM(owner) IN (");
                    let mut list = q.separated(", ");
                    for name in names {
                        list.push_bind(name.as_str());
                    }
                    q.push(")");
                }
                None => {
                    if let Some(owner) = &filter.owner {
                        q.push(" AND owner = ").push_bind(owner.as_str());
                    }
                }
            }
            if let Some(segment) = &filter.segment {
                q.push(" AND segment = ").push_bind(segment.as_str());
            }
            if let Some(search) = &filter.search {
                q.push(" AND LOWER(name) LIKE ")
                    .push_bind(like_pattern(search))
                    .push(" ESCAPE '\\'");
            }
            if filter.at_risk {
                q.push(
                    " AND id IN (SELECT client_id FROM health_scores h \
                     WHERE h.workspace_id = clients.workspace_id AND h.at_risk)",
                );
            }
        }
        let mut count = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM clients");
        push_filters(&mut count, ws, filter, owners);
        let mut rows = QueryBuilder::<Db>::new(format!("SELECT {CLIENT_COLUMNS}"));
        if let Some(day) = figures_on {
            rows.push(
                ", (SELECT CAST(h.score AS BIGINT) FROM health_scores h \
                 WHERE h.workspace_id = clients.workspace_id AND h.client_id = clients.id) \
                 AS health_score, \
                 (SELECT h.at_risk FROM health_scores h \
                 WHERE h.workspace_id = clients.workspace_id AND h.client_id = clients.id) \
                 AS health_at_risk, \
                 (SELECT CAST(COALESCE(SUM(s.mrr_cents), 0) AS BIGINT) FROM subscriptions s \
                 WHERE s.workspace_id = clients.workspace_id AND s.client_id = clients.id \
                 AND s.started_on <= ",
            )
            .push_bind(day)
            .push(" AND (s.ended_on IS NULL OR s.ended_on > ")
            .push_bind(day)
            .push(")) AS mrr_cents");
        }
        rows.push(" FROM clients");
        push_filters(&mut rows, ws, filter, owners);
        rows.push(match filter.sort {
            ClientSort::Name => " ORDER BY name, id",
            ClientSort::NameDesc => " ORDER BY name DESC, id DESC",
            ClientSort::Newest => " ORDER BY created_at DESC, id DESC",
            ClientSort::Oldest => " ORDER BY created_at, id",
            ClientSort::Owner => {
                " ORDER BY CASE WHEN owner IS NULL THEN 1 ELSE 0 END, owner, name, id"
            }
            ClientSort::Status => " ORDER BY status, name, id",
        });
        if filter.at_risk {
            // Health scores move without the data version.
            return self
                .fetch_page(count, rows, filter.page, filter.per_page, from_row)
                .await;
        }
        let key = format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}",
            filter.status, owners, filter.owner, filter.segment, filter.search
        );
        self.fetch_page_counted_by_version(
            (ws, key),
            count,
            rows,
            filter.page,
            filter.per_page,
            from_row,
        )
        .await
    }

    pub(super) async fn update_client_impl(
        &self,
        ws: WorkspaceId,
        id: ClientId,
        patch: ClientPatch,
    ) -> StoreResult<Option<Client>> {
        let mut q = QueryBuilder::<Db>::new("UPDATE clients SET id = id");
        if let Some(name) = &patch.name {
            q.push(", name = ").push_bind(name.clone());
        }
        if let Some(status) = patch.status {
            q.push(", status = ").push_bind(status.as_str());
            q.push(", status_override = ").push_bind(status.as_str());
        } else if patch.status_by_rule {
            q.push(", status_override = NULL");
        }
        if let Some(owner) = &patch.owner {
            q.push(", owner = ").push_bind(owner.clone());
        }
        if let Some(segment) = &patch.segment {
            q.push(", segment = ").push_bind(segment.clone());
        }
        if let Some(flags) = &patch.warning_flags {
            q.push(", warning_flags = ")
                .push_bind(WarningFlag::join(flags));
        }
        if let Some(days) = patch.keep_in_touch_days {
            q.push(", keep_in_touch_days = ").push_bind(days);
        }
        if let Some(notes) = &patch.notes {
            q.push(", notes = ").push_bind(notes.clone());
        }
        q.push(" WHERE workspace_id = ").push_bind(ws.0);
        q.push(" AND id = ").push_bind(id.0);
        let mut tx = self.begin_write().await?;
        // --- outhooks: a status set by hand is a `client.status_changed`
        // event when it changes the stored status.
        let before: Option<String> = match patch.status {
            Some(_) => {
                sqlx::query_scalar("SELECT status FROM clients WHERE workspace_id = $1 AND id = $2")
                    .bind(ws.0)
                    .bind(id.0)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend_error)?
            }
            None => None,
        };
        let done = q.build().execute(&mut *tx).await.map_err(backend_error)?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        if let (Some(old), Some(new)) = (before, patch.status) {
            if old != new.as_str()
                && super::outbox::has_subscriber(&mut tx, ws, "client.status_changed").await?
            {
                let data = serde_json::json!({
                    "client": super::outbox::client_data(&mut tx, ws, id).await?,
                    "old_status": old,
                    "new_status": new.as_str(),
                });
                super::outbox::insert_outbox_event(
                    &mut tx,
                    ws,
                    "client.status_changed",
                    &data,
                    super::outbox::now_ms(),
                )
                .await?;
            }
        }
        tx.commit().await.map_err(backend_error)?;
        self.get_client_impl(ws, id).await
    }
}
