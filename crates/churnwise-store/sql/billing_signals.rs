//! Billing signals (issue 15): Stripe cancellations and failed payments,
//! inherent methods of `SqlStore` that the `Store` impl delegates to.

use super::{backend_error, parse_column, DbRow};
use crate::SqlStore;
use churnwise_store::*;
use sqlx::Row;

const SIGNAL_COLUMNS: &str = "b.id, b.client_id, b.kind, b.reference, b.happened_on, \
     b.ends_on, b.amount_cents, b.dismissed_on";

fn signal_from(r: &DbRow) -> StoreResult<BillingSignal> {
    let kind: String = r.try_get("kind").map_err(backend_error)?;
    (|| {
        Ok::<_, sqlx::Error>(BillingSignal {
            id: BillingSignalId(r.try_get("id")?),
            client: ClientId(r.try_get("client_id")?),
            kind: BillingSignalKind::Cancellation,
            reference: r.try_get("reference")?,
            happened_on: r.try_get("happened_on")?,
            ends_on: r.try_get("ends_on")?,
            amount_cents: r.try_get("amount_cents")?,
            dismissed_on: r.try_get("dismissed_on")?,
        })
    })()
    .map_err(backend_error)
    .and_then(|s| {
        Ok(BillingSignal {
            kind: parse_column(&kind, "billing_signals.kind")?,
            ..s
        })
    })
}

impl SqlStore {
    pub(super) async fn record_billing_signal_impl(
        &self,
        ws: WorkspaceId,
        s: &NewBillingSignal,
    ) -> StoreResult<BillingSignalId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO billing_signals (workspace_id, client_id, kind, reference, happened_on, \
             ends_on, amount_cents) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (workspace_id, kind, reference) DO UPDATE SET \
             client_id = excluded.client_id, \
             happened_on = CASE WHEN excluded.happened_on < billing_signals.happened_on \
             THEN excluded.happened_on ELSE billing_signals.happened_on END, \
             ends_on = excluded.ends_on, amount_cents = excluded.amount_cents \
             RETURNING id",
        )
        .bind(ws.0)
        .bind(s.client.0)
        .bind(s.kind.as_str())
        .bind(&s.reference)
        .bind(s.happened_on)
        .bind(s.ends_on)
        .bind(s.amount_cents)
        .fetch_one(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(BillingSignalId(id))
    }

    pub(super) async fn withdraw_billing_signal_impl(
        &self,
        ws: WorkspaceId,
        kind: BillingSignalKind,
        reference: &str,
    ) -> StoreResult<Option<ClientId>> {
        let client: Option<i64> = sqlx::query_scalar(
            "DELETE FROM billing_signals WHERE workspace_id = $1 AND kind = $2 AND reference = $3 \
             RETURNING client_id",
        )
        .bind(ws.0)
        .bind(kind.as_str())
        .bind(reference)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(client.map(ClientId))
    }

    pub(super) async fn billing_signal_impl(
        &self,
        ws: WorkspaceId,
        id: BillingSignalId,
    ) -> StoreResult<Option<BillingSignal>> {
        let row = sqlx::query(&format!(
            "SELECT {SIGNAL_COLUMNS} FROM billing_signals b WHERE b.workspace_id = $1 AND b.id = $2"
        ))
        .bind(ws.0)
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.as_ref().map(signal_from).transpose()
    }

    pub(super) async fn dismiss_billing_signal_impl(
        &self,
        ws: WorkspaceId,
        id: BillingSignalId,
        by: &str,
        on: Date,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE billing_signals SET dismissed_on = $1, dismissed_by = $2 \
             WHERE workspace_id = $3 AND id = $4",
        )
        .bind(on)
        .bind(by)
        .bind(ws.0)
        .bind(id.0)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub(super) async fn billing_signals_due_impl(
        &self,
        ws: WorkspaceId,
        cancelled_since: Date,
    ) -> StoreResult<Vec<BillingSignalDue>> {
        let rows = sqlx::query(&format!(
            "SELECT {SIGNAL_COLUMNS}, c.name AS client_name, c.owner AS owner, \
             (SELECT MAX(d.opened_on) FROM departure_cases d \
              WHERE d.workspace_id = b.workspace_id AND d.client_id = b.client_id) \
              AS last_case_opened_on \
             FROM billing_signals b JOIN clients c ON c.id = b.client_id \
             WHERE b.workspace_id = $1 AND ( \
              (b.kind = 'cancellation' AND b.dismissed_on IS NULL AND b.happened_on >= $2) \
              OR (b.kind = 'payment_failed' AND EXISTS (SELECT 1 FROM invoices i \
                  WHERE i.workspace_id = b.workspace_id AND i.invoice_ref = b.reference \
                  AND i.paid_on IS NULL))) \
             ORDER BY b.id"
        ))
        .bind(ws.0)
        .bind(cancelled_since)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|r| {
                Ok(BillingSignalDue {
                    signal: signal_from(r)?,
                    client_name: r.try_get("client_name").map_err(backend_error)?,
                    owner: r.try_get("owner").map_err(backend_error)?,
                    last_case_opened_on: r.try_get("last_case_opened_on").map_err(backend_error)?,
                })
            })
            .collect()
    }
}
