//! Client updates and the services catalogue (issue 16, migration 0028):
//! a client's own cadence, what the due list of updates reads, the updates
//! sent, the catalogue, and which services each client buys or was
//! offered. Name keys (trimmed, lower-cased) are computed in Rust, so both
//! backends compare alike.

use super::{backend_error, parse_column, DbRow};
use crate::SqlStore;
use churnwise_store::*;
use sqlx::{QueryBuilder, Row};

const UPDATE_COLUMNS: &str = "id, client_id, period_from, period_to, subject, body, sent_on, \
                              sent_by, channel, service_id";
const SERVICE_COLUMNS: &str = "id, name, description, active";
const CLIENT_SERVICE_COLUMNS: &str = "service_id, buys, offered_on, answer, answered_on";

/// The key a service name is unique by.
fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

fn update_from(r: &DbRow) -> StoreResult<ClientUpdate> {
    let get = |e: sqlx::Error| backend_error(e);
    Ok(ClientUpdate {
        id: ClientUpdateId(r.try_get("id").map_err(get)?),
        client_id: ClientId(r.try_get("client_id").map_err(get)?),
        period_from: r.try_get("period_from").map_err(get)?,
        period_to: r.try_get("period_to").map_err(get)?,
        subject: r.try_get("subject").map_err(get)?,
        body: r.try_get("body").map_err(get)?,
        sent_on: r.try_get("sent_on").map_err(get)?,
        sent_by: r.try_get("sent_by").map_err(get)?,
        channel: r.try_get("channel").map_err(get)?,
        service_id: r
            .try_get::<Option<i64>, _>("service_id")
            .map_err(get)?
            .map(ServiceId),
    })
}

fn service_from(r: &DbRow) -> StoreResult<Service> {
    let get = |e: sqlx::Error| backend_error(e);
    Ok(Service {
        id: ServiceId(r.try_get("id").map_err(get)?),
        name: r.try_get("name").map_err(get)?,
        description: r.try_get("description").map_err(get)?,
        active: r.try_get("active").map_err(get)?,
    })
}

fn client_service_from(r: &DbRow) -> StoreResult<ClientService> {
    let get = |e: sqlx::Error| backend_error(e);
    Ok(ClientService {
        service_id: ServiceId(r.try_get("service_id").map_err(get)?),
        buys: r.try_get("buys").map_err(get)?,
        offered_on: r.try_get("offered_on").map_err(get)?,
        answer: r.try_get("answer").map_err(get)?,
        answered_on: r.try_get("answered_on").map_err(get)?,
    })
}

impl SqlStore {
    pub(super) async fn client_update_cadence_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Option<Cadence>> {
        let text: Option<String> = sqlx::query_scalar(
            "SELECT cadence FROM client_update_cadences WHERE workspace_id = $1 AND client_id = $2",
        )
        .bind(ws.0)
        .bind(client.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        text.map(|t| parse_column(&t, "update cadence")).transpose()
    }

    pub(super) async fn set_client_update_cadence_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        cadence: Option<Cadence>,
    ) -> StoreResult<()> {
        self.client_exists(ws, client).await?;
        let mut tx = self.begin_write().await?;
        match cadence {
            Some(c) => {
                sqlx::query(
                    "INSERT INTO client_update_cadences (workspace_id, client_id, cadence) \
                     VALUES ($1, $2, $3) ON CONFLICT (workspace_id, client_id) \
                     DO UPDATE SET cadence = excluded.cadence",
                )
                .bind(ws.0)
                .bind(client.0)
                .bind(c.as_str())
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?;
            }
            None => {
                sqlx::query(
                    "DELETE FROM client_update_cadences WHERE workspace_id = $1 AND client_id = $2",
                )
                .bind(ws.0)
                .bind(client.0)
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?;
            }
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(())
    }

    pub(super) async fn update_candidates_impl(
        &self,
        ws: WorkspaceId,
        after: ClientId,
        limit: u32,
    ) -> StoreResult<Vec<UpdateCandidate>> {
        self.update_candidates_where(ws, after, limit, "").await
    }

    /// The update candidates with one more fixed condition on `c` (never
    /// user input), e.g. [`NARROWED_TO_CADENCES`].
    pub(super) async fn update_candidates_where(
        &self,
        ws: WorkspaceId,
        after: ClientId,
        limit: u32,
        condition: &'static str,
    ) -> StoreResult<Vec<UpdateCandidate>> {
        let sql = format!(
            "SELECT c.id, c.name, c.owner, c.segment, c.created_at, \
             (SELECT u.cadence FROM client_update_cadences u WHERE u.workspace_id = c.workspace_id \
               AND u.client_id = c.id) AS cadence, \
             (SELECT MAX(s.sent_on) FROM client_updates s WHERE s.workspace_id = c.workspace_id \
               AND s.client_id = c.id) AS last_sent_on, \
             (SELECT MIN(b.started_on) FROM subscriptions b WHERE b.workspace_id = c.workspace_id \
               AND b.client_id = c.id) AS first_start \
             FROM clients c WHERE c.workspace_id = $1 AND c.status = 'active' \
             AND c.erased_at IS NULL AND c.id > $2{condition} ORDER BY c.id LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(ws.0)
            .bind(after.0)
            .bind(i64::from(limit.clamp(1, 1_000)))
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter()
            .map(|r| {
                let get = |e: sqlx::Error| backend_error(e);
                let created_at: Timestamp = r.try_get("created_at").map_err(get)?;
                let first_start: Option<Date> = r.try_get("first_start").map_err(get)?;
                let cadence: Option<String> = r.try_get("cadence").map_err(get)?;
                Ok(UpdateCandidate {
                    client_id: ClientId(r.try_get("id").map_err(get)?),
                    name: r.try_get("name").map_err(get)?,
                    owner: r.try_get("owner").map_err(get)?,
                    segment: r.try_get("segment").map_err(get)?,
                    cadence: cadence
                        .map(|t| parse_column(&t, "update cadence"))
                        .transpose()?,
                    last_sent_on: r.try_get("last_sent_on").map_err(get)?,
                    client_since: first_start
                        .map_or(created_at.date_naive(), |s| s.min(created_at.date_naive())),
                })
            })
            .collect()
    }

    pub(super) async fn last_client_update_on_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Option<Date>> {
        let row = sqlx::query(
            "SELECT MAX(sent_on) AS last_on FROM client_updates \
             WHERE workspace_id = $1 AND client_id = $2",
        )
        .bind(ws.0)
        .bind(client.0)
        .fetch_one(&self.pool)
        .await
        .map_err(backend_error)?;
        row.try_get("last_on").map_err(backend_error)
    }

    pub(super) async fn add_client_update_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        update: &NewClientUpdate,
    ) -> StoreResult<ClientUpdate> {
        self.client_exists(ws, client).await?;
        let mut tx = self.begin_write().await?;
        if let Some(service) = update.service {
            let found = sqlx::query("SELECT 1 FROM services WHERE workspace_id = $1 AND id = $2")
                .bind(ws.0)
                .bind(service.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend_error)?;
            if found.is_none() {
                return Err(StoreError::NotFound);
            }
            sqlx::query(
                "INSERT INTO client_services (workspace_id, client_id, service_id, buys, offered_on) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id, client_id, service_id) \
                 DO UPDATE SET offered_on = excluded.offered_on, answer = NULL, answered_on = NULL",
            )
            .bind(ws.0)
            .bind(client.0)
            .bind(service.0)
            .bind(false)
            .bind(update.sent_on)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        let sql = format!(
            "INSERT INTO client_updates (workspace_id, client_id, period_from, period_to, subject, \
             body, sent_on, sent_by, channel, service_id, created_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING {UPDATE_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(client.0)
            .bind(update.period_from)
            .bind(update.period_to)
            .bind(&update.subject)
            .bind(&update.body)
            .bind(update.sent_on)
            .bind(&update.sent_by)
            .bind(&update.channel)
            .bind(update.service.map(|s| s.0))
            .bind(update.now_ms)
            .fetch_one(&mut *tx)
            .await
            .map_err(backend_error)?;
        let stored = update_from(&row)?;
        tx.commit().await.map_err(backend_error)?;
        Ok(stored)
    }

    pub(super) async fn list_client_updates_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<ClientUpdate>> {
        self.client_exists(ws, client).await?;
        let filter = |q: &mut QueryBuilder<'_, crate::Db>| {
            q.push(" WHERE workspace_id = ")
                .push_bind(ws.0)
                .push(" AND client_id = ")
                .push_bind(client.0);
        };
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM client_updates");
        filter(&mut count);
        let mut rows = QueryBuilder::new(format!("SELECT {UPDATE_COLUMNS} FROM client_updates"));
        filter(&mut rows);
        rows.push(" ORDER BY sent_on DESC, id DESC");
        self.fetch_page(count, rows, page, per_page, update_from)
            .await
    }

    pub(super) async fn add_service_impl(
        &self,
        ws: WorkspaceId,
        service: &NewService,
    ) -> StoreResult<Service> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "INSERT INTO services (workspace_id, name, name_key, description, active, created_ms) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {SERVICE_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(&service.name)
            .bind(name_key(&service.name))
            .bind(&service.description)
            .bind(service.active)
            .bind(service.now_ms)
            .fetch_one(&mut *tx)
            .await
            .map_err(name_taken)?;
        let stored = service_from(&row)?;
        tx.commit().await.map_err(backend_error)?;
        Ok(stored)
    }

    pub(super) async fn update_service_impl(
        &self,
        ws: WorkspaceId,
        id: ServiceId,
        service: &NewService,
    ) -> StoreResult<Option<Service>> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "UPDATE services SET name = $3, name_key = $4, description = $5, active = $6 \
             WHERE workspace_id = $1 AND id = $2 RETURNING {SERVICE_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(id.0)
            .bind(&service.name)
            .bind(name_key(&service.name))
            .bind(&service.description)
            .bind(service.active)
            .fetch_optional(&mut *tx)
            .await
            .map_err(name_taken)?;
        let stored = row.as_ref().map(service_from).transpose()?;
        tx.commit().await.map_err(backend_error)?;
        Ok(stored)
    }

    pub(super) async fn get_service_impl(
        &self,
        ws: WorkspaceId,
        id: ServiceId,
    ) -> StoreResult<Option<Service>> {
        let sql =
            format!("SELECT {SERVICE_COLUMNS} FROM services WHERE workspace_id = $1 AND id = $2");
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref().map(service_from).transpose()
    }

    pub(super) async fn list_services_impl(
        &self,
        ws: WorkspaceId,
        active_only: bool,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<Service>> {
        let filter = |q: &mut QueryBuilder<'_, crate::Db>| {
            q.push(" WHERE workspace_id = ").push_bind(ws.0);
            if active_only {
                q.push(" AND active = ").push_bind(true);
            }
        };
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM services");
        filter(&mut count);
        let mut rows = QueryBuilder::new(format!("SELECT {SERVICE_COLUMNS} FROM services"));
        filter(&mut rows);
        rows.push(" ORDER BY name_key, id");
        self.fetch_page(count, rows, page, per_page, service_from)
            .await
    }

    pub(super) async fn client_services_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Vec<ClientService>> {
        let sql = format!(
            "SELECT {CLIENT_SERVICE_COLUMNS} FROM client_services \
             WHERE workspace_id = $1 AND client_id = $2 ORDER BY service_id LIMIT 1000"
        );
        let rows = sqlx::query(&sql)
            .bind(ws.0)
            .bind(client.0)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter().map(client_service_from).collect()
    }

    pub(super) async fn set_client_buys_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        service: ServiceId,
        buys: bool,
    ) -> StoreResult<ClientService> {
        self.client_exists(ws, client).await?;
        if self.get_service_impl(ws, service).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "INSERT INTO client_services (workspace_id, client_id, service_id, buys) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id, client_id, service_id) \
             DO UPDATE SET buys = excluded.buys RETURNING {CLIENT_SERVICE_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(client.0)
            .bind(service.0)
            .bind(buys)
            .fetch_one(&mut *tx)
            .await
            .map_err(backend_error)?;
        let stored = client_service_from(&row)?;
        tx.commit().await.map_err(backend_error)?;
        Ok(stored)
    }

    pub(super) async fn answer_service_offer_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        service: ServiceId,
        accepted: bool,
        on: Date,
    ) -> StoreResult<Option<ClientService>> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "UPDATE client_services SET answer = $4, answered_on = $5, \
             buys = (buys OR $6) \
             WHERE workspace_id = $1 AND client_id = $2 AND service_id = $3 \
             AND offered_on IS NOT NULL AND answer IS NULL RETURNING {CLIENT_SERVICE_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(client.0)
            .bind(service.0)
            .bind(if accepted { "accepted" } else { "declined" })
            .bind(on)
            .bind(accepted)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend_error)?;
        let stored = row.as_ref().map(client_service_from).transpose()?;
        tx.commit().await.map_err(backend_error)?;
        Ok(stored)
    }
}

/// A taken service name as a conflict on `name`.
fn name_taken(e: sqlx::Error) -> StoreError {
    match backend_error(e) {
        StoreError::Conflict { .. } => StoreError::Conflict {
            field: "name".into(),
            message: "is already a service of this workspace".into(),
        },
        other => other,
    }
}

// --- due-fast (issue 14) ---
/// Only the clients with a cadence of their own.
pub(super) const NARROWED_TO_CADENCES: &str = " AND c.id IN (SELECT u.client_id \
     FROM client_update_cadences u WHERE u.workspace_id = $1)";
/// Only the clients with a cadence of their own or a segment.
pub(super) const NARROWED_TO_CADENCES_OR_SEGMENTS: &str = " AND (c.id IN (SELECT u.client_id \
     FROM client_update_cadences u WHERE u.workspace_id = $1) \
     OR (c.segment IS NOT NULL AND TRIM(c.segment) <> ''))";
