//! A client's records changed or removed one at a time (issue #12, data
//! entry in the browser): a subscription segment's fields, a contact's
//! fields, a contact removed.

use super::backend_error;
use super::records::{contact_from, subscription_from};
use crate::SqlStore;
use churnwise_store::*;

impl SqlStore {
    pub(super) async fn update_subscription_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: SubscriptionId,
        sub: NewSubscription,
    ) -> StoreResult<Option<Subscription>> {
        let row = sqlx::query(
            "UPDATE subscriptions SET subscription_ref = $1, plan = $2, mrr_cents = $3, started_on = $4, \
             ended_on = $5, notice_period_days = $6, minimum_term_months = $7 \
             WHERE workspace_id = $8 AND client_id = $9 AND id = $10 \
             RETURNING id, client_id, subscription_ref, plan, mrr_cents, started_on, ended_on, notice_period_days, minimum_term_months",
        )
        .bind(&sub.subscription_ref)
        .bind(&sub.plan)
        .bind(sub.mrr.cents())
        .bind(sub.started_on)
        .bind(sub.ended_on)
        .bind(sub.notice_period_days)
        .bind(sub.minimum_term_months)
        .bind(ws.0)
        .bind(client.0)
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| match backend_error(e) {
            StoreError::Conflict { .. } => StoreError::Conflict {
                field: "started_on".to_string(),
                message: "a segment of this subscription already starts on that day".to_string(),
            },
            other => other,
        })?;
        row.as_ref()
            .map(subscription_from)
            .transpose()
            .map_err(backend_error)
    }

    pub(super) async fn update_contact_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: ContactId,
        contact: NewContact,
    ) -> StoreResult<Option<Contact>> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "UPDATE contacts SET name = $1, role = $2, email = $3, phone = $4, is_primary = $5 \
             WHERE workspace_id = $6 AND client_id = $7 AND id = $8 \
             RETURNING id, client_id, name, role, email, phone, is_primary",
        )
        .bind(&contact.name)
        .bind(&contact.role)
        .bind(&contact.email)
        .bind(&contact.phone)
        .bind(contact.is_primary)
        .bind(ws.0)
        .bind(client.0)
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend_error)?;
        if row.is_some() && contact.is_primary {
            sqlx::query(
                "UPDATE contacts SET is_primary = $1 WHERE workspace_id = $2 AND client_id = $3 AND id <> $4",
            )
            .bind(false)
            .bind(ws.0)
            .bind(client.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        tx.commit().await.map_err(backend_error)?;
        row.as_ref()
            .map(contact_from)
            .transpose()
            .map_err(backend_error)
    }

    pub(super) async fn remove_contact_impl(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: ContactId,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "DELETE FROM contacts WHERE workspace_id = $1 AND client_id = $2 AND id = $3",
        )
        .bind(ws.0)
        .bind(client.0)
        .bind(id.0)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(done.rows_affected() > 0)
    }
}
