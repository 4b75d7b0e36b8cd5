//! The SQL of the "Who leaves" review (issue #16): a period's closed
//! departures with their clients.

use super::backend_error;
use crate::SqlStore;
use churnwise_domain::departure::Outcome;
use churnwise_domain::reasons::ReasonKey;
use churnwise_domain::registry::WarningFlag;
use churnwise_store::*;
use sqlx::Row;

impl SqlStore {
    pub(super) async fn departures_between_impl(
        &self,
        ws: WorkspaceId,
        from: Date,
        to: Date,
        limit: i64,
    ) -> StoreResult<Vec<PeriodDeparture>> {
        let rows = sqlx::query(
            "SELECT c.client_id, cl.name, c.primary_reason, c.outcome, c.end_on, cl.warning_flags \
             FROM departure_cases c JOIN clients cl ON cl.id = c.client_id \
             WHERE c.workspace_id = $1 AND c.stage = 'closed' AND c.outcome IN ('lost', 'fired') \
             AND c.end_on IS NOT NULL AND c.primary_reason IS NOT NULL \
             AND c.end_on >= $2 AND c.end_on <= $3 ORDER BY c.end_on, c.id LIMIT $4",
        )
        .bind(ws.0)
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|r| {
                let reason: String = r.try_get("primary_reason").map_err(backend_error)?;
                let outcome: String = r.try_get("outcome").map_err(backend_error)?;
                let flags: String = r.try_get("warning_flags").map_err(backend_error)?;
                Ok(PeriodDeparture {
                    client: ClientId(r.try_get("client_id").map_err(backend_error)?),
                    client_name: r.try_get("name").map_err(backend_error)?,
                    primary_reason: ReasonKey::parse("primary_reason", &reason).map_err(|e| {
                        StoreError::Backend(anyhow::anyhow!(
                            "stored primary_reason is invalid: {e}"
                        ))
                    })?,
                    outcome: if outcome == "fired" {
                        Outcome::Fired
                    } else {
                        Outcome::Lost
                    },
                    end_on: r.try_get("end_on").map_err(backend_error)?,
                    warning_flags: WarningFlag::parse_list(&flags).map_err(|e| {
                        StoreError::Backend(anyhow::anyhow!("stored warning_flags: {}", e.message))
                    })?,
                })
            })
            .collect()
    }
}
