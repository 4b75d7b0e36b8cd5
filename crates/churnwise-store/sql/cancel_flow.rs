//! The self-service cancel page (issue 17, migration 0022): the page of a
//! workspace, the sessions of signed links opened and decided, and the A/B
//! variants given; inherent methods of `SqlStore` that the `Store` impl
//! delegates to.

use super::{backend_error, DbRow};
use crate::SqlStore;
use churnwise_store::*;
use sqlx::Row;

const PAGE_COLUMNS: &str = "workspace_id, public_id, secret_sealed, display_name, offers, \
     logo_type, logo_base64, updated_at";

pub(super) const SESSION_COLUMNS: &str =
    "client_id, customer, link_ts, opened_at, completed_at, reason, \
     words, decision, offer, variant, saved_mrr_cents, case_id, stripe_error";

fn page_from_row(r: &DbRow) -> StoreResult<CancelPage> {
    (|| {
        Ok::<_, sqlx::Error>(CancelPage {
            ws: WorkspaceId(r.try_get("workspace_id")?),
            public_id: r.try_get("public_id")?,
            secret_sealed: r.try_get("secret_sealed")?,
            display_name: r.try_get("display_name")?,
            offers_json: r.try_get("offers")?,
            logo_type: r.try_get("logo_type")?,
            logo_base64: r.try_get("logo_base64")?,
            updated_at: r.try_get("updated_at")?,
        })
    })()
    .map_err(backend_error)
}

pub(super) fn session_from_row(r: &DbRow) -> StoreResult<CancelSession> {
    (|| {
        let completed_at: Option<Timestamp> = r.try_get("completed_at")?;
        let completion = match completed_at {
            None => None,
            Some(completed_at) => Some(CancelCompletion {
                reason: r
                    .try_get::<Option<String>, _>("reason")?
                    .unwrap_or_default(),
                words: r.try_get("words")?,
                decision: r
                    .try_get::<Option<String>, _>("decision")?
                    .unwrap_or_default(),
                offer_json: r.try_get("offer")?,
                variant: r.try_get("variant")?,
                saved_mrr_cents: r.try_get("saved_mrr_cents")?,
                completed_at,
            }),
        };
        Ok::<_, sqlx::Error>(CancelSession {
            client: ClientId(r.try_get("client_id")?),
            customer: r.try_get("customer")?,
            link_ts: r.try_get("link_ts")?,
            opened_at: r.try_get("opened_at")?,
            completion,
            case_id: r.try_get::<Option<i64>, _>("case_id")?.map(CaseId),
            stripe_error: r.try_get("stripe_error")?,
        })
    })()
    .map_err(backend_error)
}

impl SqlStore {
    pub(super) async fn cancel_page_impl(
        &self,
        ws: WorkspaceId,
    ) -> StoreResult<Option<CancelPage>> {
        let row = sqlx::query(&format!(
            "SELECT {PAGE_COLUMNS} FROM cancel_pages WHERE workspace_id = $1"
        ))
        .bind(ws.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.as_ref().map(page_from_row).transpose()
    }

    pub(super) async fn cancel_page_by_public_id_impl(
        &self,
        public_id: &str,
    ) -> StoreResult<Option<CancelPage>> {
        let row = sqlx::query(&format!(
            "SELECT {PAGE_COLUMNS} FROM cancel_pages WHERE public_id = $1"
        ))
        .bind(public_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.as_ref().map(page_from_row).transpose()
    }

    pub(super) async fn save_cancel_page_impl(&self, p: &CancelPage) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO cancel_pages (workspace_id, public_id, secret_sealed, display_name, \
             offers, logo_type, logo_base64, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (workspace_id) DO UPDATE SET public_id = excluded.public_id, \
             secret_sealed = excluded.secret_sealed, display_name = excluded.display_name, \
             offers = excluded.offers, logo_type = excluded.logo_type, \
             logo_base64 = excluded.logo_base64, updated_at = excluded.updated_at",
        )
        .bind(p.ws.0)
        .bind(&p.public_id)
        .bind(&p.secret_sealed)
        .bind(&p.display_name)
        .bind(&p.offers_json)
        .bind(&p.logo_type)
        .bind(&p.logo_base64)
        .bind(p.updated_at)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    async fn cancel_session(
        &self,
        ws: WorkspaceId,
        customer: &str,
        link_ts: i64,
    ) -> StoreResult<Option<CancelSession>> {
        let row = sqlx::query(&format!(
            "SELECT {SESSION_COLUMNS} FROM cancel_sessions \
             WHERE workspace_id = $1 AND customer = $2 AND link_ts = $3"
        ))
        .bind(ws.0)
        .bind(customer)
        .bind(link_ts)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.as_ref().map(session_from_row).transpose()
    }

    pub(super) async fn open_cancel_session_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        customer: &str,
        link_ts: i64,
        at: Timestamp,
    ) -> StoreResult<CancelSession> {
        sqlx::query(
            "INSERT INTO cancel_sessions (workspace_id, customer, link_ts, client_id, opened_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id, customer, link_ts) DO NOTHING",
        )
        .bind(ws.0)
        .bind(customer)
        .bind(link_ts)
        .bind(client.0)
        .bind(at)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        self.cancel_session(ws, customer, link_ts)
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub(super) async fn claim_cancel_session_impl(
        &self,
        ws: WorkspaceId,
        customer: &str,
        link_ts: i64,
        c: &CancelCompletion,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE cancel_sessions SET completed_at = $1, reason = $2, words = $3, \
             decision = $4, offer = $5, variant = $6, saved_mrr_cents = $7 \
             WHERE workspace_id = $8 AND customer = $9 AND link_ts = $10 \
             AND completed_at IS NULL",
        )
        .bind(c.completed_at)
        .bind(&c.reason)
        .bind(&c.words)
        .bind(&c.decision)
        .bind(&c.offer_json)
        .bind(&c.variant)
        .bind(c.saved_mrr_cents)
        .bind(ws.0)
        .bind(customer)
        .bind(link_ts)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn release_cancel_session_impl(
        &self,
        ws: WorkspaceId,
        customer: &str,
        link_ts: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE cancel_sessions SET completed_at = NULL, reason = NULL, words = NULL, \
             decision = NULL, offer = NULL, variant = NULL, saved_mrr_cents = 0, case_id = NULL \
             WHERE workspace_id = $1 AND customer = $2 AND link_ts = $3",
        )
        .bind(ws.0)
        .bind(customer)
        .bind(link_ts)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    pub(super) async fn finish_cancel_session_impl(
        &self,
        ws: WorkspaceId,
        customer: &str,
        link_ts: i64,
        case: Option<CaseId>,
        stripe_error: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE cancel_sessions SET case_id = $1, stripe_error = $2 \
             WHERE workspace_id = $3 AND customer = $4 AND link_ts = $5",
        )
        .bind(case.map(|c| c.0))
        .bind(stripe_error)
        .bind(ws.0)
        .bind(customer)
        .bind(link_ts)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    pub(super) async fn cancel_variant_impl(
        &self,
        ws: WorkspaceId,
        customer: &str,
        reason: &str,
        proposed: &str,
    ) -> StoreResult<String> {
        sqlx::query(
            "INSERT INTO cancel_variants (workspace_id, customer, reason, variant) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id, customer, reason) DO NOTHING",
        )
        .bind(ws.0)
        .bind(customer)
        .bind(reason)
        .bind(proposed)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        let row = sqlx::query(
            "SELECT variant FROM cancel_variants \
             WHERE workspace_id = $1 AND customer = $2 AND reason = $3",
        )
        .bind(ws.0)
        .bind(customer)
        .bind(reason)
        .fetch_one(&self.pool)
        .await
        .map_err(backend_error)?;
        row.try_get("variant").map_err(backend_error)
    }

    pub(super) async fn cancel_sessions_between_impl(
        &self,
        ws: WorkspaceId,
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<CancelSession>> {
        let rows = sqlx::query(&format!(
            "SELECT {SESSION_COLUMNS} FROM cancel_sessions \
             WHERE workspace_id = $1 AND opened_at >= $2 AND opened_at < $3 \
             ORDER BY opened_at, customer, link_ts"
        ))
        .bind(ws.0)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter().map(session_from_row).collect()
    }
}
