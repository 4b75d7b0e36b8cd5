//! Bulk imports of customers, subscriptions and invoices, in batches inside
//! one transaction.

use super::backend_error;
use super::bulk::BulkColumn;
use crate::{Db, SqlStore};
use chrono::Utc;
use churnwise_domain::registry::ClientStatus;
use churnwise_store::*;
use sqlx::{QueryBuilder, Row};
use std::collections::{HashMap, HashSet};

impl SqlStore {
    async fn client_ids_by_ref(
        tx: &mut sqlx::Transaction<'_, Db>,
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
            .map(|r| {
                Ok((
                    r.try_get::<String, _>("external_id")?,
                    r.try_get::<i64, _>("id")?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend_error)
    }

    async fn existing_refs(
        tx: &mut sqlx::Transaction<'_, Db>,
        sql: &str,
        ws: WorkspaceId,
    ) -> StoreResult<HashSet<String>> {
        let rows = sqlx::query(sql)
            .bind(ws.0)
            .fetch_all(&mut **tx)
            .await
            .map_err(backend_error)?;
        rows.iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend_error)
    }

    fn unknown_customer_problems<'a>(
        known: &HashMap<String, i64>,
        rows: impl Iterator<Item = (u64, &'a str)>,
    ) -> Vec<RowProblem> {
        rows.filter(|(_, customer)| !known.contains_key(*customer))
            .map(|(line, customer)| RowProblem {
                line,
                column: "customer_id".to_string(),
                reason: format!("{customer:?} is not a known customer (import customers first)"),
            })
            .collect()
    }

    pub(super) async fn import_customers_impl(
        &self,
        ws: WorkspaceId,
        rows: Vec<CustomerImport>,
        progress: &Progress,
    ) -> StoreResult<ImportSummary> {
        let mut tx = self.begin_write().await?;
        let existing = Self::existing_refs(
            &mut tx,
            "SELECT external_id FROM clients WHERE workspace_id = $1 AND external_id IS NOT NULL",
            ws,
        )
        .await?;
        let now = Utc::now();
        let mut summary = ImportSummary {
            rows: rows.len() as u64,
            ..ImportSummary::default()
        };
        // --- stripe-cancel: `client.created` for the new clients, in bulk,
        // only when an endpoint of the workspace receives it.
        let announce = super::outbox::has_subscriber(&mut tx, ws, "client.created").await?;
        let mut announced: HashSet<String> = HashSet::new();
        for chunk in rows.chunks(crate::BULK_ROWS) {
            let mut q = QueryBuilder::<Db>::new(
                "INSERT INTO clients (workspace_id, external_id, name, status, owner, segment, keep_in_touch_days, created_at) ",
            );
            let n = chunk.len();
            let keep_in_touch_days =
                i64::from(churnwise_domain::registry::DEFAULT_KEEP_IN_TOUCH_DAYS);
            crate::push_bulk_rows(
                &mut q,
                vec![
                    BulkColumn::Int(vec![ws.0; n]),
                    BulkColumn::Text(chunk.iter().map(|r| r.external_id.as_str()).collect()),
                    BulkColumn::Text(chunk.iter().map(|r| r.name.as_str()).collect()),
                    // No segment yet: the rule's status until the import's
                    // caller brings it in line (`refresh_client_statuses`).
                    BulkColumn::Text(vec![ClientStatus::Prospect.as_str(); n]),
                    BulkColumn::OptText(chunk.iter().map(|r| r.owner.as_deref()).collect()),
                    BulkColumn::OptText(chunk.iter().map(|r| r.segment.as_deref()).collect()),
                    BulkColumn::Int(vec![keep_in_touch_days; n]),
                    BulkColumn::Time(vec![now; n]),
                ],
            );
            q.push(
                " ON CONFLICT (workspace_id, external_id) DO UPDATE SET name = excluded.name, \
                 owner = excluded.owner, segment = excluded.segment",
            );
            if announce {
                q.push(" RETURNING id, external_id, name, status, owner, segment");
                let rows = q.build().fetch_all(&mut *tx).await.map_err(backend_error)?;
                let mut created = Vec::new();
                for row in &rows {
                    let client = super::client_created::CreatedClient::of_row(row)?;
                    let Some(external) = client.external_id.clone() else {
                        continue;
                    };
                    if !existing.contains(&external) && announced.insert(external) {
                        created.push(client);
                    }
                }
                super::client_created::insert_client_created_events(
                    &mut tx,
                    ws,
                    &created,
                    super::outbox::now_ms(),
                )
                .await?;
            } else {
                q.build().execute(&mut *tx).await.map_err(backend_error)?;
            }
            let updated = chunk
                .iter()
                .filter(|r| existing.contains(&r.external_id))
                .count() as u64;
            summary.updated += updated;
            summary.inserted += chunk.len() as u64 - updated;
            progress(summary.inserted + summary.updated);
        }
        // Each new client also has its contact due day (kept by triggers,
        // migration 0031), which the due list reads by day.
        let new = summary.inserted;
        self.wrote_rows(&mut tx, &[("clients", new), ("client_contact_due", new)])
            .await?;
        tx.commit().await.map_err(backend_error)?;
        Ok(summary)
    }

    pub(super) async fn import_subscriptions_impl(
        &self,
        ws: WorkspaceId,
        rows: Vec<SubscriptionImport>,
        progress: &Progress,
    ) -> StoreResult<ImportSummary> {
        let mut tx = self.begin_write().await?;
        let summary = Self::upsert_subscriptions(&mut tx, ws, rows, progress).await?;
        self.wrote_rows(&mut tx, &[("subscriptions", summary.inserted)])
            .await?;
        tx.commit().await.map_err(backend_error)?;
        Ok(summary)
    }

    /// Upserts subscription rows by (ref, start) inside `tx`; an unknown
    /// customer refuses them all.
    pub(super) async fn upsert_subscriptions(
        tx: &mut sqlx::Transaction<'_, Db>,
        ws: WorkspaceId,
        rows: Vec<SubscriptionImport>,
        progress: &Progress,
    ) -> StoreResult<ImportSummary> {
        let clients = Self::client_ids_by_ref(tx, ws).await?;
        let problems = Self::unknown_customer_problems(
            &clients,
            rows.iter().map(|r| (r.line, r.customer_ref.as_str())),
        );
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let existing_rows = sqlx::query(
            "SELECT subscription_ref, started_on FROM subscriptions WHERE workspace_id = $1",
        )
        .bind(ws.0)
        .fetch_all(&mut **tx)
        .await
        .map_err(backend_error)?;
        let existing: HashSet<(String, Date)> = existing_rows
            .iter()
            .map(|r| Ok((r.try_get("subscription_ref")?, r.try_get("started_on")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend_error)?;
        let mut summary = ImportSummary {
            rows: rows.len() as u64,
            ..ImportSummary::default()
        };
        for chunk in rows.chunks(crate::BULK_ROWS) {
            let mut q = QueryBuilder::<Db>::new(
                "INSERT INTO subscriptions (workspace_id, client_id, subscription_ref, plan, mrr_cents, started_on, ended_on) ",
            );
            crate::push_bulk_rows(
                &mut q,
                vec![
                    BulkColumn::Int(vec![ws.0; chunk.len()]),
                    BulkColumn::Int(chunk.iter().map(|r| clients[&r.customer_ref]).collect()),
                    BulkColumn::Text(chunk.iter().map(|r| r.subscription_ref.as_str()).collect()),
                    BulkColumn::OptText(chunk.iter().map(|r| r.plan.as_deref()).collect()),
                    BulkColumn::Int(chunk.iter().map(|r| r.mrr.cents()).collect()),
                    BulkColumn::Date(chunk.iter().map(|r| r.started_on).collect()),
                    BulkColumn::OptDate(chunk.iter().map(|r| r.ended_on).collect()),
                ],
            );
            q.push(
                " ON CONFLICT (workspace_id, subscription_ref, started_on) DO UPDATE SET \
                 client_id = excluded.client_id, plan = excluded.plan, mrr_cents = excluded.mrr_cents, \
                 ended_on = excluded.ended_on",
            );
            q.build().execute(&mut **tx).await.map_err(backend_error)?;
            let updated = chunk
                .iter()
                .filter(|r| existing.contains(&(r.subscription_ref.clone(), r.started_on)))
                .count() as u64;
            summary.updated += updated;
            summary.inserted += chunk.len() as u64 - updated;
            progress(summary.inserted + summary.updated);
        }
        Ok(summary)
    }

    pub(super) async fn import_invoices_impl(
        &self,
        ws: WorkspaceId,
        rows: Vec<InvoiceImport>,
        progress: &Progress,
    ) -> StoreResult<ImportSummary> {
        let mut tx = self.begin_write().await?;
        let clients = Self::client_ids_by_ref(&mut tx, ws).await?;
        let problems = Self::unknown_customer_problems(
            &clients,
            rows.iter().map(|r| (r.line, r.customer_ref.as_str())),
        );
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let existing = Self::existing_refs(
            &mut tx,
            "SELECT invoice_ref FROM invoices WHERE workspace_id = $1",
            ws,
        )
        .await?;
        let mut summary = ImportSummary {
            rows: rows.len() as u64,
            ..ImportSummary::default()
        };
        for chunk in rows.chunks(crate::BULK_ROWS) {
            let mut q = QueryBuilder::<Db>::new(
                "INSERT INTO invoices (workspace_id, client_id, invoice_ref, amount_cents, issued_on, due_on, paid_on) ",
            );
            crate::push_bulk_rows(
                &mut q,
                vec![
                    BulkColumn::Int(vec![ws.0; chunk.len()]),
                    BulkColumn::Int(chunk.iter().map(|r| clients[&r.customer_ref]).collect()),
                    BulkColumn::Text(chunk.iter().map(|r| r.invoice_ref.as_str()).collect()),
                    BulkColumn::Int(chunk.iter().map(|r| r.amount.cents()).collect()),
                    BulkColumn::OptDate(chunk.iter().map(|r| r.issued_on).collect()),
                    BulkColumn::Date(chunk.iter().map(|r| r.due_on).collect()),
                    BulkColumn::OptDate(chunk.iter().map(|r| r.paid_on).collect()),
                ],
            );
            q.push(
                " ON CONFLICT (workspace_id, invoice_ref) DO UPDATE SET client_id = excluded.client_id, \
                 amount_cents = excluded.amount_cents, issued_on = excluded.issued_on, \
                 due_on = excluded.due_on, paid_on = excluded.paid_on",
            );
            q.build().execute(&mut *tx).await.map_err(backend_error)?;
            let updated = chunk
                .iter()
                .filter(|r| existing.contains(&r.invoice_ref))
                .count() as u64;
            summary.updated += updated;
            summary.inserted += chunk.len() as u64 - updated;
            progress(summary.inserted + summary.updated);
        }
        self.wrote_rows(&mut tx, &[("invoices", summary.inserted)])
            .await?;
        tx.commit().await.map_err(backend_error)?;
        Ok(summary)
    }

    pub(super) async fn client_external_ids_impl(
        &self,
        ws: WorkspaceId,
    ) -> StoreResult<Vec<String>> {
        let mut tx = self.begin_write().await?;
        let refs = Self::existing_refs(
            &mut tx,
            "SELECT external_id FROM clients WHERE workspace_id = $1 AND external_id IS NOT NULL",
            ws,
        )
        .await?;
        tx.commit().await.map_err(backend_error)?;
        Ok(refs.into_iter().collect())
    }

    pub(super) async fn client_ids_by_external_impl(
        &self,
        ws: WorkspaceId,
        external_ids: &[String],
    ) -> StoreResult<Vec<ClientId>> {
        let mut ids = Vec::with_capacity(external_ids.len());
        // Chunks keep every statement under both drivers' bind limits.
        for chunk in external_ids.chunks(500) {
            let mut q = QueryBuilder::<Db>::new("SELECT id FROM clients WHERE workspace_id = ");
            q.push_bind(ws.0).push(" AND external_id IN (");
            let mut list = q.separated(", ");
            for id in chunk {
                list.push_bind(id.as_str());
            }
            q.push(")");
            let rows = q
                .build()
                .fetch_all(&self.pool)
                .await
                .map_err(backend_error)?;
            for row in &rows {
                ids.push(ClientId(row.try_get::<i64, _>(0).map_err(backend_error)?));
            }
        }
        Ok(ids)
    }
}
