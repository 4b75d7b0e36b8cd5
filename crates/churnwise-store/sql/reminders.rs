//! Payment reminders (issue 15): client billing preferences, promises to
//! pay, the invoices a run looks at, and the claims of reminders (one row
//! per invoice and step, written before the email is sent).

use super::{backend_error, parse_column, DbRow};
use crate::{Db, SqlStore};
use chrono::Utc;
use churnwise_domain::{Lang, Money};
use churnwise_store::*;
use sqlx::{QueryBuilder, Row};

fn lang_from(value: Option<String>) -> Option<Lang> {
    match value.as_deref() {
        Some("es") => Some(Lang::Es),
        Some("en") => Some(Lang::En),
        _ => None,
    }
}

fn lang_key(lang: Option<Lang>) -> Option<&'static str> {
    lang.map(|l| match l {
        Lang::En => "en",
        Lang::Es => "es",
    })
}

fn person(name: Option<String>, email: Option<String>) -> Option<(String, String)> {
    match (name, email) {
        (Some(n), Some(e)) if !e.trim().is_empty() => Some((n, e)),
        _ => None,
    }
}

fn candidate_from(row: &DbRow) -> Result<ReminderCandidate, sqlx::Error> {
    Ok(ReminderCandidate {
        invoice: InvoiceId(row.try_get("id")?),
        invoice_ref: row.try_get("invoice_ref")?,
        amount: Money::from_cents(row.try_get("amount_cents")?),
        due_on: row.try_get("due_on")?,
        promised_on: row.try_get("promised_on")?,
        client: ClientId(row.try_get("client_id")?),
        client_name: row.try_get("client_name")?,
        owner: row.try_get("owner")?,
        paused: row.try_get("paused")?,
        lang: lang_from(row.try_get("lang")?),
        last_step: row.try_get("last_step")?,
        billing: person(row.try_get("b_name")?, row.try_get("b_email")?),
        primary: person(row.try_get("p_name")?, row.try_get("p_email")?),
    })
}

fn send_from(row: &DbRow) -> StoreResult<ReminderSend> {
    let status: String = row.try_get("status").map_err(backend_error)?;
    Ok(ReminderSend {
        id: ReminderSendId(row.try_get("id").map_err(backend_error)?),
        client: ClientId(row.try_get("client_id").map_err(backend_error)?),
        client_name: row.try_get("client_name").map_err(backend_error)?,
        owner: row.try_get("owner").map_err(backend_error)?,
        invoice: InvoiceId(row.try_get("invoice_id").map_err(backend_error)?),
        invoice_ref: row.try_get("invoice_ref").map_err(backend_error)?,
        step: row.try_get("step").map_err(backend_error)?,
        run_on: row.try_get("run_on").map_err(backend_error)?,
        status: parse_column(&status, "reminder status")?,
        attempts: row.try_get("attempts").map_err(backend_error)?,
        error: row.try_get("error").map_err(backend_error)?,
    })
}

impl SqlStore {
    pub(super) async fn client_billing_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<ClientBilling> {
        self.client_exists(ws, client).await?;
        let row = sqlx::query(
            "SELECT billing_contact_id, reminders_paused, lang FROM client_billing \
             WHERE workspace_id = $1 AND client_id = $2",
        )
        .bind(ws.0)
        .bind(client.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        let Some(row) = row else {
            return Ok(ClientBilling::default());
        };
        let contact: Option<i64> = row.try_get("billing_contact_id").map_err(backend_error)?;
        Ok(ClientBilling {
            billing_contact: contact.map(ContactId),
            reminders_paused: row.try_get("reminders_paused").map_err(backend_error)?,
            lang: lang_from(row.try_get("lang").map_err(backend_error)?),
        })
    }

    pub(super) async fn set_client_billing_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        billing: &ClientBilling,
    ) -> StoreResult<()> {
        self.client_exists(ws, client).await?;
        if let Some(contact) = billing.billing_contact {
            let found = sqlx::query(
                "SELECT 1 FROM contacts WHERE workspace_id = $1 AND client_id = $2 AND id = $3",
            )
            .bind(ws.0)
            .bind(client.0)
            .bind(contact.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
            if found.is_none() {
                return Err(StoreError::NotFound);
            }
        }
        sqlx::query(
            "INSERT INTO client_billing (client_id, workspace_id, billing_contact_id, reminders_paused, lang) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (client_id) DO UPDATE SET billing_contact_id = excluded.billing_contact_id, \
             reminders_paused = excluded.reminders_paused, lang = excluded.lang",
        )
        .bind(client.0)
        .bind(ws.0)
        .bind(billing.billing_contact.map(|c| c.0))
        .bind(billing.reminders_paused)
        .bind(lang_key(billing.lang))
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    pub(super) async fn set_invoice_promise_impl(
        &self,
        ws: WorkspaceId,
        invoice: InvoiceId,
        promised_on: Option<Date>,
    ) -> StoreResult<()> {
        let found = sqlx::query("SELECT 1 FROM invoices WHERE workspace_id = $1 AND id = $2")
            .bind(ws.0)
            .bind(invoice.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        match promised_on {
            Some(day) => sqlx::query(
                "INSERT INTO invoice_promises (invoice_id, workspace_id, promised_on) VALUES ($1, $2, $3) \
                 ON CONFLICT (invoice_id) DO UPDATE SET promised_on = excluded.promised_on",
            )
            .bind(invoice.0)
            .bind(ws.0)
            .bind(day),
            None => sqlx::query(
                "DELETE FROM invoice_promises WHERE invoice_id = $1 AND workspace_id = $2",
            )
            .bind(invoice.0)
            .bind(ws.0),
        }
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    pub(super) async fn invoice_promises_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Vec<InvoicePromise>> {
        let rows = sqlx::query(
            "SELECT p.invoice_id, p.promised_on FROM invoice_promises p \
             JOIN invoices i ON i.id = p.invoice_id \
             WHERE p.workspace_id = $1 AND i.client_id = $2 ORDER BY p.invoice_id",
        )
        .bind(ws.0)
        .bind(client.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|r| {
                Ok(InvoicePromise {
                    invoice: InvoiceId(r.try_get("invoice_id")?),
                    promised_on: r.try_get("promised_on")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend_error)
    }

    pub(super) async fn reminder_candidates_impl(
        &self,
        ws: WorkspaceId,
        due_by: Date,
        after: Option<InvoiceId>,
        limit: u32,
    ) -> StoreResult<Vec<ReminderCandidate>> {
        let rows = sqlx::query(
            "SELECT i.id, i.invoice_ref, i.amount_cents, i.due_on, p.promised_on, i.client_id, \
             c.name AS client_name, c.owner, COALESCE(cb.reminders_paused, FALSE) AS paused, cb.lang, \
             (SELECT MAX(s.step) FROM reminder_sends s WHERE s.invoice_id = i.id \
              AND (s.status <> 'failed' OR s.attempts >= $4)) AS last_step, \
             bc.name AS b_name, bc.email AS b_email, pc.name AS p_name, pc.email AS p_email \
             FROM invoices i \
             JOIN clients c ON c.id = i.client_id \
             LEFT JOIN client_billing cb ON cb.client_id = i.client_id \
             LEFT JOIN invoice_promises p ON p.invoice_id = i.id \
             LEFT JOIN contacts bc ON bc.id = cb.billing_contact_id \
             LEFT JOIN contacts pc ON pc.id = (SELECT MIN(x.id) FROM contacts x \
               WHERE x.workspace_id = i.workspace_id AND x.client_id = i.client_id AND x.is_primary) \
             WHERE i.workspace_id = $1 AND i.paid_on IS NULL AND i.due_on <= $2 AND i.id > $3 \
             AND COALESCE(cb.reminders_paused, FALSE) = FALSE \
             ORDER BY i.id LIMIT $5",
        )
        .bind(ws.0)
        .bind(due_by)
        .bind(after.map_or(0, |a| a.0))
        .bind(MAX_DELIVERY_ATTEMPTS)
        .bind(i64::from(limit.clamp(1, 1000)))
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(candidate_from)
            .collect::<Result<_, _>>()
            .map_err(backend_error)
    }

    pub(super) async fn claim_reminder_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        invoice: InvoiceId,
        step: i32,
        run_on: Date,
    ) -> StoreResult<Option<ReminderSendId>> {
        let row = sqlx::query(
            "INSERT INTO reminder_sends (workspace_id, client_id, invoice_id, step, run_on, status, attempts, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'sending', 1, $6) \
             ON CONFLICT (invoice_id, step) DO UPDATE SET status = 'sending', \
             attempts = reminder_sends.attempts + 1, error = NULL, run_on = excluded.run_on, \
             updated_at = excluded.updated_at \
             WHERE reminder_sends.status = 'failed' AND reminder_sends.attempts < $7 \
             RETURNING id",
        )
        .bind(ws.0)
        .bind(client.0)
        .bind(invoice.0)
        .bind(step)
        .bind(run_on)
        .bind(Utc::now())
        .bind(MAX_DELIVERY_ATTEMPTS)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.map(|r| r.try_get("id").map(ReminderSendId))
            .transpose()
            .map_err(backend_error)
    }

    pub(super) async fn finish_reminder_impl(
        &self,
        id: ReminderSendId,
        result: Result<(), String>,
    ) -> StoreResult<()> {
        self.finish_send("reminder_sends", id.0, result).await
    }

    pub(super) async fn list_reminder_sends_impl(
        &self,
        ws: WorkspaceId,
        filter: &ReminderSendFilter,
    ) -> StoreResult<Vec<ReminderSend>> {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT s.id, s.client_id, c.name AS client_name, c.owner, s.invoice_id, i.invoice_ref, \
             s.step, s.run_on, s.status, s.attempts, s.error FROM reminder_sends s \
             JOIN clients c ON c.id = s.client_id JOIN invoices i ON i.id = s.invoice_id \
             WHERE s.workspace_id = ",
        );
        q.push_bind(ws.0);
        if let Some(client) = filter.client {
            q.push(" AND s.client_id = ").push_bind(client.0);
        }
        if let Some(since) = filter.since {
            q.push(" AND s.run_on >= ").push_bind(since);
        }
        if filter.sent_only {
            q.push(" AND s.status = 'sent'");
        }
        q.push(" ORDER BY s.id DESC LIMIT ")
            .push_bind(i64::from(filter.limit.clamp(1, 500)));
        let rows = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter().map(send_from).collect()
    }
}
