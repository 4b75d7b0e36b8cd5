//! Exclusivities of clients (issue 16, migration 0027): added, listed,
//! deleted, and the ones a client of a given name and segment falls inside
//! on a day. Keys (trimmed, lower-cased) are computed in Rust by
//! `churnwise_domain::exclusivity::key`, so both backends compare alike.

use super::{backend_error, json_error, DbRow};
use crate::SqlStore;
use churnwise_domain::exclusivity::key;
use churnwise_store::*;
use sqlx::{QueryBuilder, Row};

pub(super) const COLUMNS: &str = "e.id, e.client_id, c.name AS holder_name, e.kind, e.segment, \
                       e.competitors, e.starts_on, e.ends_on, e.note";

/// `SQL` that keeps an exclusivity in force on the day bound as `$day`.
fn in_force(day: &str) -> String {
    format!("e.starts_on <= {day} AND (e.ends_on IS NULL OR e.ends_on >= {day})")
}

pub(super) fn exclusivity_from(r: &DbRow) -> StoreResult<StoredExclusivity> {
    let get = |e: sqlx::Error| backend_error(e);
    let kind: String = r.try_get("kind").map_err(get)?;
    let scope = if kind == "segment" {
        Scope::Segment(
            r.try_get::<Option<String>, _>("segment")
                .map_err(get)?
                .unwrap_or_default(),
        )
    } else {
        let text: Option<String> = r.try_get("competitors").map_err(get)?;
        let names: Vec<String> = serde_json::from_str(text.as_deref().unwrap_or("[]"))
            .map_err(|e| json_error("exclusivity competitors", e))?;
        Scope::Competitors(names)
    };
    Ok(StoredExclusivity {
        id: ExclusivityId(r.try_get("id").map_err(get)?),
        client_id: ClientId(r.try_get("client_id").map_err(get)?),
        holder_name: r.try_get("holder_name").map_err(get)?,
        exclusivity: Exclusivity {
            scope,
            starts_on: r.try_get("starts_on").map_err(get)?,
            ends_on: r.try_get("ends_on").map_err(get)?,
            note: r.try_get("note").map_err(get)?,
        },
    })
}

impl SqlStore {
    pub(super) async fn add_exclusivity_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        x: &Exclusivity,
        now_ms: i64,
    ) -> StoreResult<StoredExclusivity> {
        self.client_exists(ws, client).await?;
        let (segment, segment_key, competitors, names) = match &x.scope {
            Scope::Segment(s) => (Some(s.clone()), Some(key(s)), None, Vec::new()),
            Scope::Competitors(n) => (
                None,
                None,
                Some(serde_json::to_string(n).map_err(|e| json_error("competitors", e))?),
                n.clone(),
            ),
        };
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO exclusivities (workspace_id, client_id, kind, segment, segment_key, \
             competitors, starts_on, ends_on, note, created_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(ws.0)
        .bind(client.0)
        .bind(x.scope.kind())
        .bind(&segment)
        .bind(&segment_key)
        .bind(&competitors)
        .bind(x.starts_on)
        .bind(x.ends_on)
        .bind(&x.note)
        .bind(now_ms)
        .fetch_one(&mut *tx)
        .await
        .map_err(backend_error)?;
        let mut keys: Vec<String> = names.iter().map(|n| key(n)).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            sqlx::query(
                "INSERT INTO exclusivity_names (exclusivity_id, workspace_id, name_key) \
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(ws.0)
            .bind(k)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        tx.commit().await.map_err(backend_error)?;
        self.get_exclusivity_impl(ws, client, ExclusivityId(id))
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub(super) async fn get_exclusivity_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: ExclusivityId,
    ) -> StoreResult<Option<StoredExclusivity>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM exclusivities e JOIN clients c ON c.id = e.client_id \
             WHERE e.workspace_id = $1 AND e.client_id = $2 AND e.id = $3"
        );
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(client.0)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref().map(exclusivity_from).transpose()
    }

    pub(super) async fn list_exclusivities_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<StoredExclusivity>> {
        self.client_exists(ws, client).await?;
        let filter = |q: &mut QueryBuilder<'_, crate::Db>| {
            q.push(" WHERE e.workspace_id = ")
                .push_bind(ws.0)
                .push(" AND e.client_id = ")
                .push_bind(client.0);
        };
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM exclusivities e");
        filter(&mut count);
        let mut rows = QueryBuilder::new(format!(
            "SELECT {COLUMNS} FROM exclusivities e JOIN clients c ON c.id = e.client_id"
        ));
        filter(&mut rows);
        rows.push(" ORDER BY e.starts_on DESC, e.id DESC");
        self.fetch_page(count, rows, page, per_page, exclusivity_from)
            .await
    }

    pub(super) async fn delete_exclusivity_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: ExclusivityId,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "DELETE FROM exclusivities WHERE workspace_id = $1 AND client_id = $2 AND id = $3",
        )
        .bind(ws.0)
        .bind(client.0)
        .bind(id.0)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(done.rows_affected() > 0)
    }

    pub(super) async fn exclusivities_covering_impl(
        &self,
        ws: WorkspaceId,
        probe: &ExclusivityProbe,
        limit: u32,
    ) -> StoreResult<Vec<StoredExclusivity>> {
        let name_key = key(&probe.name);
        let segment_key = probe.segment.as_deref().map(key).unwrap_or_default();
        let sql = format!(
            "SELECT {COLUMNS} FROM exclusivities e JOIN clients c ON c.id = e.client_id \
             WHERE e.workspace_id = $1 AND {} AND e.client_id <> $3 \
             AND ((e.kind = 'segment' AND $4 <> '' AND e.segment_key = $4) \
               OR (e.kind = 'competitors' AND $5 <> '' AND EXISTS (SELECT 1 FROM exclusivity_names n \
                   WHERE n.exclusivity_id = e.id AND n.workspace_id = $1 AND n.name_key = $5))) \
             ORDER BY e.id LIMIT $6",
            in_force("$2")
        );
        let rows = sqlx::query(&sql)
            .bind(ws.0)
            .bind(probe.day)
            .bind(probe.except.map_or(0, |c| c.0))
            .bind(segment_key)
            .bind(name_key)
            .bind(i64::from(limit.clamp(1, 500)))
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter().map(exclusivity_from).collect()
    }

    pub(super) async fn clients_inside_exclusivities_impl(
        &self,
        ws: WorkspaceId,
        holder: ClientId,
        day: Date,
        limit: u32,
    ) -> StoreResult<Vec<ClientInside>> {
        // The holder's exclusivities in force (few), then each one's
        // clients: the clients' keys are compared in Rust so that both
        // backends lower-case alike.
        let sql = format!(
            "SELECT {COLUMNS} FROM exclusivities e JOIN clients c ON c.id = e.client_id \
             WHERE e.workspace_id = $1 AND e.client_id = $2 AND {} ORDER BY e.id LIMIT 500",
            in_force("$3")
        );
        let rows = sqlx::query(&sql)
            .bind(ws.0)
            .bind(holder.0)
            .bind(day)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        let held: Vec<StoredExclusivity> = rows
            .iter()
            .map(exclusivity_from)
            .collect::<StoreResult<_>>()?;
        let limit = limit.clamp(1, 500) as usize;
        let mut inside: Vec<ClientInside> = Vec::new();
        for x in held {
            if inside.len() >= limit {
                break;
            }
            let mut q = QueryBuilder::<crate::Db>::new(
                "SELECT id, name, segment FROM clients WHERE workspace_id = ",
            );
            q.push_bind(ws.0)
                .push(" AND id <> ")
                .push_bind(holder.0)
                .push(" AND erased_at IS NULL AND ");
            // A first cut in SQL (lower-case of ASCII on both backends),
            // the exact rule in Rust below.
            match &x.exclusivity.scope {
                Scope::Segment(s) => {
                    q.push("LOWER(TRIM(segment)) = ").push_bind(key(s));
                }
                Scope::Competitors(names) => {
                    q.push("LOWER(TRIM(name)) IN (");
                    let mut sep = q.separated(", ");
                    for n in names {
                        sep.push_bind(key(n));
                    }
                    sep.push_unseparated(")");
                }
            }
            q.push(" ORDER BY name, id LIMIT ")
                .push_bind((limit - inside.len()) as i64);
            let found = q
                .build()
                .fetch_all(&self.pool)
                .await
                .map_err(backend_error)?;
            for r in &found {
                let id = ClientId(r.try_get("id").map_err(backend_error)?);
                let name: String = r.try_get("name").map_err(backend_error)?;
                let segment: Option<String> = r.try_get("segment").map_err(backend_error)?;
                if x.exclusivity.covers(&name, segment.as_deref(), day)
                    && !inside.iter().any(|i| i.client_id == id)
                {
                    inside.push(ClientInside {
                        client_id: id,
                        name,
                        exclusivity_id: x.id,
                    });
                }
            }
        }
        inside.truncate(limit);
        inside.sort_by_key(|c| (key(&c.name), c.client_id));
        Ok(inside)
    }
}
