//! The input of the metrics engine, read in one go.

use super::backend_error;
use crate::SqlStore;
use churnwise_domain::Money;
use churnwise_store::*;
use sqlx::Row;

impl SqlStore {
    pub(super) async fn metrics_data_impl(&self, ws: WorkspaceId) -> StoreResult<MetricsData> {
        use futures_util::TryStreamExt as _;
        // The three reads run at once, each on its own connection.
        let customers = async {
            let mut out = Vec::new();
            let sql = format!(
                "SELECT id, owner, segment FROM clients WHERE {} = $1 ORDER BY id",
                crate::WHOLE_WORKSPACE
            );
            let mut rows = sqlx::query(&sql).bind(ws.0).fetch(&self.pool);
            while let Some(r) = rows.try_next().await.map_err(backend_error)? {
                out.push(MetricsCustomer {
                    id: ClientId(r.try_get(0).map_err(backend_error)?),
                    owner: r.try_get(1).map_err(backend_error)?,
                    segment: r.try_get(2).map_err(backend_error)?,
                });
            }
            Ok::<_, StoreError>(out)
        };
        let segments = async {
            let mut out = Vec::new();
            // Plans interned as they come: a String per distinct plan only.
            let mut plans: Vec<String> = vec![String::new()];
            let mut plan_index: std::collections::HashMap<String, u32> =
                std::collections::HashMap::from([(String::new(), 0)]);
            let sql = format!(
                "SELECT client_id, mrr_cents, started_on, ended_on, plan FROM subscriptions \
                 WHERE {} = $1",
                crate::WHOLE_WORKSPACE
            );
            let mut rows = sqlx::query(&sql).bind(ws.0).fetch(&self.pool);
            while let Some(r) = rows.try_next().await.map_err(backend_error)? {
                let plan_text: Option<&str> = r.try_get(4).map_err(backend_error)?;
                let plan_text = plan_text.unwrap_or("");
                let plan = match plan_index.get(plan_text) {
                    Some(&i) => i,
                    None => {
                        let i = u32::try_from(plans.len()).map_err(|_| {
                            StoreError::Backend(anyhow::anyhow!("more than 2^32 distinct plans"))
                        })?;
                        plans.push(plan_text.to_string());
                        plan_index.insert(plan_text.to_string(), i);
                        i
                    }
                };
                out.push(MetricsSegment {
                    client: ClientId(r.try_get(0).map_err(backend_error)?),
                    mrr: Money::from_cents(r.try_get(1).map_err(backend_error)?),
                    started_on: r.try_get(2).map_err(backend_error)?,
                    ended_on: r.try_get(3).map_err(backend_error)?,
                    plan,
                });
            }
            Ok::<_, StoreError>((out, plans))
        };
        // Summed by (due, paid) day pair, kept by triggers on every write
        // to invoices (migration 0034): a few thousand rows instead of millions.
        let invoices = async {
            let mut out = Vec::new();
            let sql = format!(
                "SELECT amount_cents, due_on, NULLIF(paid_key, {}) AS paid_on, invoice_count \
                 FROM invoice_day_totals WHERE workspace_id = $1 AND invoice_count > 0",
                crate::UNPAID_KEY
            );
            let mut rows = sqlx::query(&sql).bind(ws.0).fetch(&self.pool);
            while let Some(r) = rows.try_next().await.map_err(backend_error)? {
                out.push(MetricsInvoice {
                    amount: Money::from_cents(r.try_get(0).map_err(backend_error)?),
                    due_on: r.try_get(1).map_err(backend_error)?,
                    paid_on: r.try_get(2).map_err(backend_error)?,
                    count: r.try_get(3).map_err(backend_error)?,
                });
            }
            Ok::<_, StoreError>(out)
        };
        let (customers, (segments, plans), invoices) =
            futures_util::future::try_join3(customers, segments, invoices).await?;
        Ok(MetricsData {
            customers,
            segments,
            invoices,
            plans,
        })
    }
}

impl SqlStore {
    /// The workspace's data version: one query, the backend's own
    /// (`DATA_VERSION_SQL`), its columns joined into a token.
    pub(super) async fn data_version_impl(&self, ws: WorkspaceId) -> StoreResult<String> {
        let row = sqlx::query(crate::DATA_VERSION_SQL)
            .bind(ws.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        let Some(row) = row else {
            return Ok(String::new());
        };
        let mut parts = Vec::with_capacity(row.len());
        for i in 0..row.len() {
            let part: Option<i64> = row.try_get(i).map_err(backend_error)?;
            parts.push(part.unwrap_or(0).to_string());
        }
        Ok(parts.join("."))
    }

    pub(super) async fn prune_data_versions_impl(&self) -> StoreResult<()> {
        if let Some(sql) = crate::PRUNE_DATA_VERSIONS_SQL {
            sqlx::query(sql)
                .execute(&self.pool)
                .await
                .map_err(backend_error)?;
        }
        Ok(())
    }
}
