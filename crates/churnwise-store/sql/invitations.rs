//! Invitations to a workspace (issue 11): stored by token hash, accepted in
//! one transaction that removes the invitation and adds the membership.

use super::{backend_error, parse_column, DbRow};
use crate::SqlStore;
use churnwise_domain::registry::Role;
use churnwise_store::*;
use sqlx::Row;

const INVITATION_SELECT: &str = "SELECT i.id, i.email, i.role, i.created_at, i.expires_at, \
     w.id AS workspace_id, w.name AS workspace_name, u.email AS invited_by \
     FROM invitations i JOIN workspaces w ON w.id = i.workspace_id \
     LEFT JOIN users u ON u.id = i.invited_by";

fn invitation_from(row: &DbRow) -> StoreResult<Invitation> {
    let role: String = row.try_get("role").map_err(backend_error)?;
    Ok(Invitation {
        id: InvitationId(row.try_get("id").map_err(backend_error)?),
        workspace: Workspace {
            id: WorkspaceId(row.try_get("workspace_id").map_err(backend_error)?),
            name: row.try_get("workspace_name").map_err(backend_error)?,
        },
        email: row.try_get("email").map_err(backend_error)?,
        role: parse_column::<Role>(&role, "role")?,
        invited_by: row.try_get("invited_by").map_err(backend_error)?,
        created_at: row.try_get("created_at").map_err(backend_error)?,
        expires_at: row.try_get("expires_at").map_err(backend_error)?,
    })
}

impl SqlStore {
    pub(super) async fn create_invitation_impl(
        &self,
        new: NewInvitation,
    ) -> StoreResult<Invitation> {
        sqlx::query(
            "INSERT INTO invitations (workspace_id, email, role, token_hash, invited_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (workspace_id, email) DO UPDATE SET role = excluded.role, \
             token_hash = excluded.token_hash, invited_by = excluded.invited_by, \
             created_at = excluded.created_at, expires_at = excluded.expires_at",
        )
        .bind(new.workspace.0)
        .bind(&new.email)
        .bind(new.role.as_str())
        .bind(&new.token_hash)
        .bind(new.invited_by.map(|u| u.0))
        .bind(new.created_at)
        .bind(new.expires_at)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        self.find_invitation_impl(&new.token_hash)
            .await?
            .ok_or_else(|| StoreError::Backend(anyhow::anyhow!("invitation vanished after insert")))
    }

    pub(super) async fn list_invitations_impl(
        &self,
        ws: WorkspaceId,
    ) -> StoreResult<Vec<Invitation>> {
        let sql = format!(
            "{INVITATION_SELECT} WHERE i.workspace_id = $1 ORDER BY i.created_at DESC, i.id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(ws.0)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter().map(invitation_from).collect()
    }

    pub(super) async fn find_invitation_impl(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<Invitation>> {
        let sql = format!("{INVITATION_SELECT} WHERE i.token_hash = $1");
        let row = sqlx::query(&sql)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref().map(invitation_from).transpose()
    }

    pub(super) async fn invitations_for_email_impl(
        &self,
        email: &str,
        now: Timestamp,
    ) -> StoreResult<Vec<Invitation>> {
        let sql = format!("{INVITATION_SELECT} WHERE i.email = $1 ORDER BY w.name, i.id");
        let rows = sqlx::query(&sql)
            .bind(email)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        let all = rows
            .iter()
            .map(invitation_from)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(all.into_iter().filter(|i| i.expires_at > now).collect())
    }

    pub(super) async fn revoke_invitation_impl(
        &self,
        ws: WorkspaceId,
        id: InvitationId,
    ) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM invitations WHERE id = $1 AND workspace_id = $2")
            .bind(id.0)
            .bind(ws.0)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(done.rows_affected() > 0)
    }

    pub(super) async fn decline_invitation_impl(
        &self,
        id: InvitationId,
        email: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM invitations WHERE id = $1 AND email = $2")
            .bind(id.0)
            .bind(email)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(done.rows_affected() > 0)
    }

    pub(super) async fn accept_invitation_impl(
        &self,
        id: InvitationId,
        by: Acceptor,
        now: Timestamp,
    ) -> StoreResult<Accepted> {
        let mut tx = self.begin_write().await?;
        let sql = format!("{INVITATION_SELECT} WHERE i.id = $1");
        let row = sqlx::query(&sql)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend_error)?;
        let Some(invitation) = row.as_ref().map(invitation_from).transpose()? else {
            return Err(StoreError::NotFound);
        };
        if invitation.expires_at <= now {
            return Err(StoreError::NotFound);
        }
        let done = sqlx::query("DELETE FROM invitations WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let user_id: i64 = match by {
            Acceptor::Existing(user) => user.0,
            Acceptor::NewAccount {
                password_hash,
                name,
            } => {
                let taken = sqlx::query("SELECT id FROM users WHERE email = $1")
                    .bind(&invitation.email)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                if taken.is_some() {
                    return Err(StoreError::Conflict {
                        field: "email".into(),
                        message: "has an account already".into(),
                    });
                }
                let row = sqlx::query(
                    "INSERT INTO users (email, password_hash, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(&invitation.email)
                .bind(&password_hash)
                .bind(name)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(backend_error)?;
                row.try_get("id").map_err(backend_error)?
            }
        };
        sqlx::query(
            "INSERT INTO memberships (user_id, workspace_id, role) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, workspace_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(invitation.workspace.id.0)
        .bind(invitation.role.as_str())
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;
        let row = sqlx::query(
            "SELECT u.id AS user_id, u.email, u.name AS user_name, u.lang AS user_lang, m.role \
             FROM users u JOIN memberships m ON m.user_id = u.id \
             WHERE u.id = $1 AND m.workspace_id = $2",
        )
        .bind(user_id)
        .bind(invitation.workspace.id.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(backend_error)?;
        let role: String = row.try_get("role").map_err(backend_error)?;
        let accepted = Accepted {
            user: super::users::user_from(&row)?,
            workspace: invitation.workspace,
            role: parse_column::<Role>(&role, "role")?,
        };
        tx.commit().await.map_err(backend_error)?;
        Ok(accepted)
    }
}
