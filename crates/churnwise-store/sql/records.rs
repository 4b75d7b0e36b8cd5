//! A client's records: contacts, subscription segments, invoices and
//! interactions.

use super::{backend_error, parse_column, DbRow};
use crate::SqlStore;
use chrono::Utc;
use churnwise_domain::registry::InteractionKind;
use churnwise_domain::Money;
use churnwise_store::*;
use sqlx::Row;

pub(super) fn contact_from(row: &DbRow) -> Result<Contact, sqlx::Error> {
    Ok(Contact {
        id: ContactId(row.try_get("id")?),
        client_id: ClientId(row.try_get("client_id")?),
        name: row.try_get("name")?,
        role: row.try_get("role")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        is_primary: row.try_get("is_primary")?,
    })
}

pub(super) fn subscription_from(row: &DbRow) -> Result<Subscription, sqlx::Error> {
    Ok(Subscription {
        id: SubscriptionId(row.try_get("id")?),
        client_id: ClientId(row.try_get("client_id")?),
        subscription_ref: row.try_get("subscription_ref")?,
        plan: row.try_get("plan")?,
        mrr: Money::from_cents(row.try_get("mrr_cents")?),
        started_on: row.try_get("started_on")?,
        ended_on: row.try_get("ended_on")?,
        notice_period_days: row.try_get("notice_period_days")?,
        minimum_term_months: row.try_get("minimum_term_months")?,
    })
}

fn invoice_from(row: &DbRow) -> Result<Invoice, sqlx::Error> {
    Ok(Invoice {
        id: InvoiceId(row.try_get("id")?),
        client_id: ClientId(row.try_get("client_id")?),
        invoice_ref: row.try_get("invoice_ref")?,
        amount: Money::from_cents(row.try_get("amount_cents")?),
        issued_on: row.try_get("issued_on")?,
        due_on: row.try_get("due_on")?,
        paid_on: row.try_get("paid_on")?,
    })
}

fn interaction_from(row: &DbRow) -> StoreResult<Interaction> {
    let kind: String = row.try_get("kind").map_err(backend_error)?;
    Ok(Interaction {
        id: InteractionId(row.try_get("id").map_err(backend_error)?),
        client_id: ClientId(row.try_get("client_id").map_err(backend_error)?),
        kind: parse_column::<InteractionKind>(&kind, "kind")?,
        occurred_on: row.try_get("occurred_on").map_err(backend_error)?,
        author: row.try_get("author").map_err(backend_error)?,
        note: row.try_get("note").map_err(backend_error)?,
    })
}

impl SqlStore {
    pub(super) async fn add_contact_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        contact: NewContact,
    ) -> StoreResult<Contact> {
        self.client_exists(ws, client).await?;
        let mut tx = self.begin_write().await?;
        if contact.is_primary {
            sqlx::query(
                "UPDATE contacts SET is_primary = $1 WHERE workspace_id = $2 AND client_id = $3",
            )
            .bind(false)
            .bind(ws.0)
            .bind(client.0)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        let row = sqlx::query(
            "INSERT INTO contacts (workspace_id, client_id, name, role, email, phone, is_primary) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, client_id, name, role, email, phone, is_primary",
        )
        .bind(ws.0)
        .bind(client.0)
        .bind(&contact.name)
        .bind(&contact.role)
        .bind(&contact.email)
        .bind(&contact.phone)
        .bind(contact.is_primary)
        .fetch_one(&mut *tx)
        .await
        .map_err(backend_error)?;
        tx.commit().await.map_err(backend_error)?;
        contact_from(&row).map_err(backend_error)
    }

    pub(super) async fn list_contacts_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Vec<Contact>> {
        self.client_exists(ws, client).await?;
        let rows = sqlx::query(
            "SELECT id, client_id, name, role, email, phone, is_primary FROM contacts \
             WHERE workspace_id = $1 AND client_id = $2 ORDER BY is_primary DESC, name, id",
        )
        .bind(ws.0)
        .bind(client.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(contact_from)
            .collect::<Result<_, _>>()
            .map_err(backend_error)
    }

    pub(super) async fn add_subscription_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        sub: NewSubscription,
    ) -> StoreResult<Subscription> {
        self.client_exists(ws, client).await?;
        let row = sqlx::query(
            "INSERT INTO subscriptions (workspace_id, client_id, subscription_ref, plan, mrr_cents, started_on, ended_on, notice_period_days, minimum_term_months) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             RETURNING id, client_id, subscription_ref, plan, mrr_cents, started_on, ended_on, notice_period_days, minimum_term_months",
        )
        .bind(ws.0)
        .bind(client.0)
        .bind(&sub.subscription_ref)
        .bind(&sub.plan)
        .bind(sub.mrr.cents())
        .bind(sub.started_on)
        .bind(sub.ended_on)
        .bind(sub.notice_period_days)
        .bind(sub.minimum_term_months)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| match backend_error(e) {
            StoreError::Conflict { .. } => StoreError::Conflict {
                field: "started_on".to_string(),
                message: "a segment of this subscription already starts on that day".to_string(),
            },
            other => other,
        })?;
        subscription_from(&row).map_err(backend_error)
    }

    pub(super) async fn list_subscriptions_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Vec<Subscription>> {
        self.client_exists(ws, client).await?;
        let rows = sqlx::query(
            "SELECT id, client_id, subscription_ref, plan, mrr_cents, started_on, ended_on, notice_period_days, minimum_term_months \
             FROM subscriptions WHERE workspace_id = $1 AND client_id = $2 ORDER BY started_on, id",
        )
        .bind(ws.0)
        .bind(client.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(subscription_from)
            .collect::<Result<_, _>>()
            .map_err(backend_error)
    }

    pub(super) async fn add_invoice_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        invoice: NewInvoice,
    ) -> StoreResult<Invoice> {
        self.client_exists(ws, client).await?;
        let row = sqlx::query(
            "INSERT INTO invoices (workspace_id, client_id, invoice_ref, amount_cents, issued_on, due_on, paid_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             RETURNING id, client_id, invoice_ref, amount_cents, issued_on, due_on, paid_on",
        )
        .bind(ws.0)
        .bind(client.0)
        .bind(&invoice.invoice_ref)
        .bind(invoice.amount.cents())
        .bind(invoice.issued_on)
        .bind(invoice.due_on)
        .bind(invoice.paid_on)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| match backend_error(e) {
            StoreError::Conflict { .. } => StoreError::Conflict {
                field: "invoice_ref".to_string(),
                message: "is already used by another invoice".to_string(),
            },
            other => other,
        })?;
        invoice_from(&row).map_err(backend_error)
    }

    pub(super) async fn list_invoices_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Vec<Invoice>> {
        self.client_exists(ws, client).await?;
        let rows = sqlx::query(
            "SELECT id, client_id, invoice_ref, amount_cents, issued_on, due_on, paid_on FROM invoices \
             WHERE workspace_id = $1 AND client_id = $2 ORDER BY due_on, id",
        )
        .bind(ws.0)
        .bind(client.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(invoice_from)
            .collect::<Result<_, _>>()
            .map_err(backend_error)
    }

    pub(super) async fn set_invoice_paid_impl(
        &self,
        ws: WorkspaceId,
        id: InvoiceId,
        paid_on: Option<Date>,
    ) -> StoreResult<Option<Invoice>> {
        let row = sqlx::query(
            "UPDATE invoices SET paid_on = $1 WHERE workspace_id = $2 AND id = $3 \
             RETURNING id, client_id, invoice_ref, amount_cents, issued_on, due_on, paid_on",
        )
        .bind(paid_on)
        .bind(ws.0)
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.as_ref()
            .map(invoice_from)
            .transpose()
            .map_err(backend_error)
    }

    pub(super) async fn log_interaction_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        interaction: NewInteraction,
    ) -> StoreResult<Interaction> {
        self.client_exists(ws, client).await?;
        let row = sqlx::query(
            "INSERT INTO interactions (workspace_id, client_id, kind, occurred_on, author, note, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, client_id, kind, occurred_on, author, note",
        )
        .bind(ws.0)
        .bind(client.0)
        .bind(interaction.kind.as_str())
        .bind(interaction.occurred_on)
        .bind(&interaction.author)
        .bind(&interaction.note)
        .bind(Utc::now())
        .fetch_one(&self.pool)
        .await
        .map_err(backend_error)?;
        interaction_from(&row)
    }

    pub(super) async fn list_interactions_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Vec<Interaction>> {
        self.client_exists(ws, client).await?;
        let rows = sqlx::query(
            "SELECT id, client_id, kind, occurred_on, author, note FROM interactions \
             WHERE workspace_id = $1 AND client_id = $2 ORDER BY occurred_on DESC, id DESC",
        )
        .bind(ws.0)
        .bind(client.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter().map(interaction_from).collect()
    }
}
