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
            if let Some(json) = crate::ROWS_AS_JSON {
                self.rows_as_json(json, "clients", "id, owner, segment", ws, |c| {
                    let (id, owner, segment): (i64, Option<String>, Option<String>) = c;
                    out.push(MetricsCustomer {
                        id: ClientId(id),
                        owner,
                        segment,
                    });
                    Ok(())
                })
                .await?;
                return Ok::<_, StoreError>(out);
            }
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
            let mut plans = Plans::default();
            if let Some(json) = crate::ROWS_AS_JSON {
                self.rows_as_json(
                    json,
                    "subscriptions",
                    "client_id, mrr_cents, started_on, ended_on, plan",
                    ws,
                    |s| {
                        let (client, mrr, started_on, ended_on, plan): SegmentJson = s;
                        out.push(MetricsSegment {
                            client: ClientId(client),
                            mrr: Money::from_cents(mrr),
                            started_on,
                            ended_on,
                            plan: plans.index(plan.as_deref().unwrap_or(""))?,
                        });
                        Ok(())
                    },
                )
                .await?;
                return Ok::<_, StoreError>((out, plans.names));
            }
            let sql = format!(
                "SELECT client_id, mrr_cents, started_on, ended_on, plan FROM subscriptions \
                 WHERE {} = $1",
                crate::WHOLE_WORKSPACE
            );
            let mut rows = sqlx::query(&sql).bind(ws.0).fetch(&self.pool);
            while let Some(r) = rows.try_next().await.map_err(backend_error)? {
                let plan_text: Option<&str> = r.try_get(4).map_err(backend_error)?;
                let plan = plans.index(plan_text.unwrap_or(""))?;
                out.push(MetricsSegment {
                    client: ClientId(r.try_get(0).map_err(backend_error)?),
                    mrr: Money::from_cents(r.try_get(1).map_err(backend_error)?),
                    started_on: r.try_get(2).map_err(backend_error)?,
                    ended_on: r.try_get(3).map_err(backend_error)?,
                    plan,
                });
            }
            Ok::<_, StoreError>((out, plans.names))
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

/// A segment as its JSON array: client, MRR in cents, start, end, plan.
type SegmentJson = (
    i64,
    i64,
    chrono::NaiveDate,
    Option<chrono::NaiveDate>,
    Option<String>,
);

/// Plan names interned as they come: index 0 is "no plan".
struct Plans {
    names: Vec<String>,
    index: std::collections::HashMap<String, u32>,
}

impl Default for Plans {
    fn default() -> Self {
        Plans {
            names: vec![String::new()],
            index: std::collections::HashMap::from([(String::new(), 0)]),
        }
    }
}

impl Plans {
    fn index(&mut self, name: &str) -> StoreResult<u32> {
        if let Some(&i) = self.index.get(name) {
            return Ok(i);
        }
        let i = u32::try_from(self.names.len())
            .map_err(|_| StoreError::Backend(anyhow::anyhow!("more than 2^32 distinct plans")))?;
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), i);
        Ok(i)
    }
}

/// Rows per statement of a read as JSON (`ROWS_AS_JSON`): 128 in debug
/// builds, so that the tests' small workspaces cross chunk boundaries too.
const JSON_CHUNK: i64 = if cfg!(debug_assertions) { 128 } else { 50_000 };

impl SqlStore {
    /// Every row of `table` in `ws`, in id order, as the JSON array of its
    /// `columns` decoded into `T` and handed to `each` (its error stops the
    /// read): [`JSON_CHUNK`] rows
    /// per statement, all in one read transaction (one snapshot, as a single
    /// statement would read).
    async fn rows_as_json<T: serde::de::DeserializeOwned>(
        &self,
        (open, close): (&str, &str),
        table: &str,
        columns: &str,
        ws: WorkspaceId,
        mut each: impl FnMut(T) -> StoreResult<()>,
    ) -> StoreResult<()> {
        let sql = format!(
            "SELECT {open}{columns}{close}, MAX(row_id), COUNT(*) FROM (SELECT id AS row_id, \
             {columns} FROM {table} WHERE {} = $1 AND id > $2 ORDER BY id LIMIT $3) AS chunk",
            crate::WHOLE_WORKSPACE
        );
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        let mut after = i64::MIN;
        loop {
            let row = sqlx::query(&sql)
                .bind(ws.0)
                .bind(after)
                .bind(JSON_CHUNK)
                .fetch_one(&mut *tx)
                .await
                .map_err(backend_error)?;
            let count: i64 = row.try_get(2).map_err(backend_error)?;
            if count == 0 {
                break;
            }
            let text: &str = row.try_get(0).map_err(backend_error)?;
            let items: Vec<T> = serde_json::from_str(text)
                .map_err(|e| StoreError::Backend(anyhow::anyhow!("{table} as JSON: {e}")))?;
            items.into_iter().try_for_each(&mut each)?;
            after = row.try_get(1).map_err(backend_error)?;
            if count < JSON_CHUNK {
                break;
            }
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(())
    }

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
