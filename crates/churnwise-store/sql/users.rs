//! Workspaces, users, memberships, sessions and API tokens.

use super::{backend_error, parse_column, DbRow};
use crate::{Db, SqlStore};
use chrono::Utc;
use churnwise_domain::registry::Role;
use churnwise_store::*;
use sqlx::{QueryBuilder, Row};

fn workspace_from(row: &DbRow) -> Result<Workspace, sqlx::Error> {
    Ok(Workspace {
        id: WorkspaceId(row.try_get("id")?),
        name: row.try_get("name")?,
    })
}

const ACCESS_SELECT: &str = "SELECT u.id AS user_id, u.email, u.name AS user_name, u.lang AS user_lang, w.id AS workspace_id, w.name AS workspace_name, m.role";

/// A user from the columns `user_id`, `email`, `user_name` and `user_lang`.
pub(super) fn user_from(row: &DbRow) -> StoreResult<User> {
    let lang: Option<String> = row.try_get("user_lang").map_err(backend_error)?;
    Ok(User {
        id: UserId(row.try_get("user_id").map_err(backend_error)?),
        email: row.try_get("email").map_err(backend_error)?,
        name: row.try_get("user_name").map_err(backend_error)?,
        lang: match lang.as_deref() {
            None => None,
            Some("en") => Some(churnwise_domain::Lang::En),
            Some("es") => Some(churnwise_domain::Lang::Es),
            Some(other) => {
                return Err(StoreError::Backend(anyhow::anyhow!(
                    "stored user language {other:?} is invalid"
                )))
            }
        },
    })
}

fn lang_code(lang: churnwise_domain::Lang) -> &'static str {
    match lang {
        churnwise_domain::Lang::En => "en",
        churnwise_domain::Lang::Es => "es",
    }
}

fn access_from(row: &DbRow) -> StoreResult<Access> {
    let role: String = row.try_get("role").map_err(backend_error)?;
    Ok(Access {
        user: user_from(row)?,
        workspace: Workspace {
            id: WorkspaceId(row.try_get("workspace_id").map_err(backend_error)?),
            name: row.try_get("workspace_name").map_err(backend_error)?,
        },
        role: parse_column::<Role>(&role, "role")?,
    })
}

impl SqlStore {
    pub(super) async fn ensure_workspace_impl(&self, name: &str) -> StoreResult<Workspace> {
        sqlx::query(
            "INSERT INTO workspaces (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(Utc::now())
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        self.find_workspace_impl(name)
            .await?
            .ok_or_else(|| StoreError::Backend(anyhow::anyhow!("workspace vanished after insert")))
    }

    pub(super) async fn find_workspace_impl(&self, name: &str) -> StoreResult<Option<Workspace>> {
        let row = sqlx::query("SELECT id, name FROM workspaces WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref()
            .map(workspace_from)
            .transpose()
            .map_err(backend_error)
    }

    pub(super) async fn list_workspaces_impl(&self) -> StoreResult<Vec<Workspace>> {
        let rows = sqlx::query("SELECT id, name FROM workspaces ORDER BY name")
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter()
            .map(workspace_from)
            .collect::<Result<_, _>>()
            .map_err(backend_error)
    }

    pub(super) async fn count_users_impl(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await
            .map_err(backend_error)?;
        row.try_get::<i64, _>(0).map_err(backend_error)
    }

    pub(super) async fn upsert_user_impl(
        &self,
        email: &str,
        password_hash: &str,
    ) -> StoreResult<User> {
        let row = sqlx::query(
            "INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash \
             RETURNING id AS user_id, email, name AS user_name, lang AS user_lang",
        )
        .bind(email)
        .bind(password_hash)
        .bind(Utc::now())
        .fetch_one(&self.pool)
        .await
        .map_err(backend_error)?;
        user_from(&row)
    }

    pub(super) async fn find_user_by_email_impl(
        &self,
        email: &str,
    ) -> StoreResult<Option<UserWithHash>> {
        let row = sqlx::query(
            "SELECT id AS user_id, email, name AS user_name, lang AS user_lang, password_hash FROM users WHERE email = $1",
        )
        .bind(email)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.map(|r| {
            Ok(UserWithHash {
                user: user_from(&r)?,
                password_hash: r.try_get("password_hash").map_err(backend_error)?,
            })
        })
        .transpose()
    }

    pub(super) async fn set_membership_impl(
        &self,
        user: UserId,
        workspace: WorkspaceId,
        role: Role,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO memberships (user_id, workspace_id, role) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, workspace_id) DO UPDATE SET role = excluded.role",
        )
        .bind(user.0)
        .bind(workspace.0)
        .bind(role.as_str())
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    pub(super) async fn memberships_impl(&self, user: UserId) -> StoreResult<Vec<Membership>> {
        let rows = sqlx::query(
            "SELECT w.id, w.name, m.role FROM memberships m JOIN workspaces w ON w.id = m.workspace_id \
             WHERE m.user_id = $1 ORDER BY w.name",
        )
        .bind(user.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|r| {
                let role: String = r.try_get("role").map_err(backend_error)?;
                Ok(Membership {
                    workspace: workspace_from(r).map_err(backend_error)?,
                    role: parse_column::<Role>(&role, "role")?,
                })
            })
            .collect()
    }

    pub(super) async fn create_session_impl(&self, session: NewSession) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, workspace_id, csrf_token, expires_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&session.token_hash)
        .bind(session.user.0)
        .bind(session.workspace.0)
        .bind(&session.csrf_token)
        .bind(session.expires_at)
        .bind(Utc::now())
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    pub(super) async fn find_session_impl(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<SessionInfo>> {
        let sql = format!(
            "{ACCESS_SELECT}, s.csrf_token, s.expires_at FROM sessions s \
             JOIN users u ON u.id = s.user_id \
             JOIN workspaces w ON w.id = s.workspace_id \
             JOIN memberships m ON m.user_id = s.user_id AND m.workspace_id = s.workspace_id \
             WHERE s.token_hash = $1"
        );
        let row = sqlx::query(&sql)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        let Some(row) = row else { return Ok(None) };
        let expires_at: Timestamp = row.try_get("expires_at").map_err(backend_error)?;
        if expires_at <= now {
            return Ok(None);
        }
        Ok(Some(SessionInfo {
            access: access_from(&row)?,
            csrf_token: row.try_get("csrf_token").map_err(backend_error)?,
        }))
    }

    pub(super) async fn switch_session_workspace_impl(
        &self,
        token_hash: &str,
        workspace: WorkspaceId,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE sessions SET workspace_id = $1 WHERE token_hash = $2 AND EXISTS \
             (SELECT 1 FROM memberships m WHERE m.user_id = sessions.user_id AND m.workspace_id = $1)",
        )
        .bind(workspace.0)
        .bind(token_hash)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub(super) async fn delete_session_impl(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(())
    }

    pub(super) async fn create_api_token_impl(
        &self,
        token: NewApiToken,
    ) -> StoreResult<ApiTokenInfo> {
        let now = Utc::now();
        let row = sqlx::query(
            "INSERT INTO api_tokens (token_hash, user_id, workspace_id, name, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&token.token_hash)
        .bind(token.user.0)
        .bind(token.workspace.0)
        .bind(&token.name)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(ApiTokenInfo {
            id: ApiTokenId(row.try_get("id").map_err(backend_error)?),
            name: token.name,
            created_at: now,
        })
    }

    pub(super) async fn find_api_token_impl(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<Access>> {
        let sql = format!(
            "{ACCESS_SELECT} FROM api_tokens t \
             JOIN users u ON u.id = t.user_id \
             JOIN workspaces w ON w.id = t.workspace_id \
             JOIN memberships m ON m.user_id = t.user_id AND m.workspace_id = t.workspace_id \
             WHERE t.token_hash = $1"
        );
        let row = sqlx::query(&sql)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref().map(access_from).transpose()
    }

    pub(super) async fn list_api_tokens_impl(
        &self,
        workspace: WorkspaceId,
        user: UserId,
    ) -> StoreResult<Vec<ApiTokenInfo>> {
        let rows = sqlx::query(
            "SELECT id, name, created_at FROM api_tokens \
             WHERE workspace_id = $1 AND user_id = $2 ORDER BY created_at DESC, id DESC",
        )
        .bind(workspace.0)
        .bind(user.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|r| {
                Ok(ApiTokenInfo {
                    id: ApiTokenId(r.try_get("id")?),
                    name: r.try_get("name")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend_error)
    }

    pub(super) async fn delete_api_token_impl(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        id: ApiTokenId,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "DELETE FROM api_tokens WHERE id = $1 AND workspace_id = $2 AND user_id = $3",
        )
        .bind(id.0)
        .bind(workspace.0)
        .bind(user.0)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(done.rows_affected() > 0)
    }

    pub(super) async fn workspace_members_impl(
        &self,
        workspace: WorkspaceId,
    ) -> StoreResult<Vec<Member>> {
        let rows = sqlx::query(
            "SELECT u.id AS user_id, u.email, u.name AS user_name, u.lang AS user_lang, m.role \
             FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.workspace_id = $1 ORDER BY u.email",
        )
        .bind(workspace.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|r| {
                let role: String = r.try_get("role").map_err(backend_error)?;
                Ok(Member {
                    user: user_from(r)?,
                    role: parse_column::<Role>(&role, "role")?,
                })
            })
            .collect()
    }

    pub(super) async fn update_user_profile_impl(
        &self,
        user: UserId,
        name: Option<Option<String>>,
        lang: Option<Option<churnwise_domain::Lang>>,
    ) -> StoreResult<User> {
        let mut q = QueryBuilder::<Db>::new("UPDATE users SET id = id");
        if let Some(name) = name {
            q.push(", name = ").push_bind(name);
        }
        if let Some(lang) = lang {
            q.push(", lang = ").push_bind(lang.map(lang_code));
        }
        q.push(" WHERE id = ")
            .push_bind(user.0)
            .push(" RETURNING id AS user_id, email, name AS user_name, lang AS user_lang");
        let row = q
            .build()
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?
            .ok_or(StoreError::NotFound)?;
        user_from(&row)
    }
}
