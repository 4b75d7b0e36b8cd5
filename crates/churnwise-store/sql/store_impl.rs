// The SQL implementation of `Store`, shared by the SQLite and PostgreSQL
// backends. It is not a module of `churnwise-store`: each backend crate
// `include!`s it after defining `type Db` (its sqlx database) and
// `struct SqlStore { pool: sqlx::Pool<Db> }`, so the same queries compile
// against each driver's concrete types, without generic trait bounds.
// Placeholders are `$1`-style (QueryBuilder emits each driver's own), and
// only SQL both databases accept is written here; what differs lives in the
// backend crates (connection, migrations, locks). See ARCHITECTURE.md.

use async_trait::async_trait;
use chrono::Utc;
use churnwise_domain::registry::{ClientStatus, InteractionKind, Role, WarningFlag};
use churnwise_domain::Money;
use churnwise_store::*;
use sqlx::{QueryBuilder, Row};
use std::collections::{HashMap, HashSet};

/// Rows per multi-row INSERT in imports: below both drivers' bind limits.
const IMPORT_BATCH: usize = 1000;

fn backend_error(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        if db.is_unique_violation() {
            return StoreError::Conflict {
                field: db.constraint().unwrap_or("unique").to_string(),
                message: "is already taken".to_string(),
            };
        }
    }
    StoreError::Backend(anyhow::Error::new(e).context("database error"))
}

fn parse_column<T: std::str::FromStr<Err = String>>(text: &str, column: &str) -> StoreResult<T> {
    text.parse::<T>()
        .map_err(|e| StoreError::Backend(anyhow::anyhow!("stored {column} is invalid: {e}")))
}

fn like_pattern(text: &str) -> String {
    let mut p = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

type DbRow = <Db as sqlx::Database>::Row;

include!("cases_impl.rs");
include!("health_impl.rs");

fn workspace_from(row: &DbRow) -> Result<Workspace, sqlx::Error> {
    Ok(Workspace {
        id: WorkspaceId(row.try_get("id")?),
        name: row.try_get("name")?,
    })
}

fn client_from(row: &DbRow) -> StoreResult<Client> {
    let status: String = row.try_get("status").map_err(backend_error)?;
    Ok(Client {
        id: ClientId(row.try_get("id").map_err(backend_error)?),
        external_id: row.try_get("external_id").map_err(backend_error)?,
        name: row.try_get("name").map_err(backend_error)?,
        status: parse_column::<ClientStatus>(&status, "status")?,
        owner: row.try_get("owner").map_err(backend_error)?,
        segment: row.try_get("segment").map_err(backend_error)?,
        keep_in_touch_days: row.try_get("keep_in_touch_days").map_err(backend_error)?,
        warning_flags: {
            let text: String = row.try_get("warning_flags").map_err(backend_error)?;
            WarningFlag::parse_list(&text)
                .map_err(|e| StoreError::Backend(anyhow::anyhow!("stored warning_flags: {}", e.reason)))?
        },
        notes: row.try_get("notes").map_err(backend_error)?,
        created_at: row.try_get("created_at").map_err(backend_error)?,
    })
}

fn contact_from(row: &DbRow) -> Result<Contact, sqlx::Error> {
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

fn subscription_from(row: &DbRow) -> Result<Subscription, sqlx::Error> {
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

const CLIENT_COLUMNS: &str =
    "id, external_id, name, status, owner, segment, keep_in_touch_days, warning_flags, notes, created_at";

const ACCESS_SELECT: &str = "SELECT u.id AS user_id, u.email, u.name AS user_name, u.lang AS user_lang, w.id AS workspace_id, w.name AS workspace_name, m.role";

/// A user from the columns `user_id`, `email`, `user_name` and `user_lang`.
fn user_from(row: &DbRow) -> StoreResult<User> {
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
                return Err(StoreError::Backend(anyhow::anyhow!("stored user language {other:?} is invalid")))
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
    async fn client_exists(&self, ws: WorkspaceId, id: ClientId) -> StoreResult<()> {
        let found = sqlx::query("SELECT 1 FROM clients WHERE workspace_id = $1 AND id = $2")
            .bind(ws.0)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        found.map(|_| ()).ok_or(StoreError::NotFound)
    }

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
            .map(|r| Ok((r.try_get::<String, _>("external_id")?, r.try_get::<i64, _>("id")?)))
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
}

#[async_trait]
impl Store for SqlStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        BACKEND_NAME
    }

    async fn ensure_workspace(&self, name: &str) -> StoreResult<Workspace> {
        sqlx::query(
            "INSERT INTO workspaces (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(Utc::now())
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        self.find_workspace(name)
            .await?
            .ok_or_else(|| StoreError::Backend(anyhow::anyhow!("workspace vanished after insert")))
    }

    async fn find_workspace(&self, name: &str) -> StoreResult<Option<Workspace>> {
        let row = sqlx::query("SELECT id, name FROM workspaces WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref().map(workspace_from).transpose().map_err(backend_error)
    }

    async fn list_workspaces(&self) -> StoreResult<Vec<Workspace>> {
        let rows = sqlx::query("SELECT id, name FROM workspaces ORDER BY name")
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter().map(workspace_from).collect::<Result<_, _>>().map_err(backend_error)
    }

    async fn count_users(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await
            .map_err(backend_error)?;
        row.try_get::<i64, _>(0).map_err(backend_error)
    }

    async fn upsert_user(&self, email: &str, password_hash: &str) -> StoreResult<User> {
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

    async fn find_user_by_email(&self, email: &str) -> StoreResult<Option<UserWithHash>> {
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

    async fn set_membership(&self, user: UserId, workspace: WorkspaceId, role: Role) -> StoreResult<()> {
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

    async fn memberships(&self, user: UserId) -> StoreResult<Vec<Membership>> {
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

    async fn create_session(&self, session: NewSession) -> StoreResult<()> {
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

    async fn find_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<SessionInfo>> {
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

    async fn switch_session_workspace(&self, token_hash: &str, workspace: WorkspaceId) -> StoreResult<()> {
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

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(())
    }

    async fn create_api_token(&self, token: NewApiToken) -> StoreResult<ApiTokenInfo> {
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

    async fn find_api_token(&self, token_hash: &str) -> StoreResult<Option<Access>> {
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

    async fn list_api_tokens(&self, workspace: WorkspaceId, user: UserId) -> StoreResult<Vec<ApiTokenInfo>> {
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

    async fn delete_api_token(&self, workspace: WorkspaceId, user: UserId, id: ApiTokenId) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND workspace_id = $2 AND user_id = $3")
            .bind(id.0)
            .bind(workspace.0)
            .bind(user.0)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn workspace_members(&self, workspace: WorkspaceId) -> StoreResult<Vec<Member>> {
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

    async fn client_facets(&self, ws: WorkspaceId) -> StoreResult<ClientFacets> {
        let owners = sqlx::query(
            "SELECT DISTINCT owner FROM clients WHERE workspace_id = $1 AND owner IS NOT NULL ORDER BY owner",
        )
        .bind(ws.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        let segments = sqlx::query(
            "SELECT DISTINCT segment FROM clients WHERE workspace_id = $1 AND segment IS NOT NULL ORDER BY segment",
        )
        .bind(ws.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        let column = |rows: Vec<DbRow>| {
            rows.iter()
                .map(|r| r.try_get::<String, _>(0))
                .collect::<Result<Vec<_>, _>>()
                .map_err(backend_error)
        };
        Ok(ClientFacets {
            owners: column(owners)?,
            segments: column(segments)?,
        })
    }

    async fn create_client(&self, ws: WorkspaceId, client: NewClient) -> StoreResult<Client> {
        let sql = format!(
            "INSERT INTO clients (workspace_id, external_id, name, status, owner, segment, keep_in_touch_days, notes, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {CLIENT_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(&client.external_id)
            .bind(&client.name)
            .bind(client.status.as_str())
            .bind(&client.owner)
            .bind(&client.segment)
            .bind(client.keep_in_touch_days)
            .bind(&client.notes)
            .bind(Utc::now())
            .fetch_one(&self.pool)
            .await
            .map_err(|e| match backend_error(e) {
                StoreError::Conflict { .. } => StoreError::Conflict {
                    field: "external_id".to_string(),
                    message: "is already used by another client".to_string(),
                },
                other => other,
            })?;
        client_from(&row)
    }

    async fn get_client(&self, ws: WorkspaceId, id: ClientId) -> StoreResult<Option<Client>> {
        let sql = format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE workspace_id = $1 AND id = $2");
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref().map(client_from).transpose()
    }

    async fn find_client(&self, ws: WorkspaceId, reference: &str) -> StoreResult<Option<Client>> {
        let sql = format!(
            "SELECT {CLIENT_COLUMNS} FROM clients WHERE workspace_id = $1 AND (external_id = $2 OR name = $2) \
             ORDER BY CASE WHEN external_id = $2 THEN 0 ELSE 1 END, id LIMIT 1"
        );
        if let Ok(id) = reference.trim().parse::<i64>() {
            if let Some(client) = self.get_client(ws, ClientId(id)).await? {
                return Ok(Some(client));
            }
        }
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(reference.trim())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref().map(client_from).transpose()
    }

    async fn list_clients(&self, ws: WorkspaceId, filter: &ClientFilter) -> StoreResult<Page<Client>> {
        fn push_filters<'a>(q: &mut QueryBuilder<'a, Db>, ws: WorkspaceId, filter: &'a ClientFilter) {
            q.push(" WHERE workspace_id = ").push_bind(ws.0);
            if let Some(status) = filter.status {
                q.push(" AND status = ").push_bind(status.as_str());
            }
            if let Some(owner) = &filter.owner {
                q.push(" AND owner = ").push_bind(owner.as_str());
            }
            if let Some(segment) = &filter.segment {
                q.push(" AND segment = ").push_bind(segment.as_str());
            }
            if let Some(search) = &filter.search {
                q.push(" AND LOWER(name) LIKE ")
                    .push_bind(like_pattern(search))
                    .push(" ESCAPE '\\'");
            }
            if filter.at_risk {
                q.push(
                    " AND id IN (SELECT client_id FROM health_scores h \
                     WHERE h.workspace_id = clients.workspace_id AND h.at_risk)",
                );
            }
        }
        let per_page = filter.per_page.clamp(1, 500);
        let page = filter.page.max(1);
        let mut count = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM clients");
        push_filters(&mut count, ws, filter);
        let total: i64 = count
            .build()
            .fetch_one(&self.pool)
            .await
            .map_err(backend_error)?
            .try_get(0)
            .map_err(backend_error)?;
        let mut q = QueryBuilder::<Db>::new(format!("SELECT {CLIENT_COLUMNS} FROM clients"));
        push_filters(&mut q, ws, filter);
        q.push(match filter.sort {
            ClientSort::Name => " ORDER BY name, id",
            ClientSort::NameDesc => " ORDER BY name DESC, id DESC",
            ClientSort::Newest => " ORDER BY created_at DESC, id DESC",
            ClientSort::Oldest => " ORDER BY created_at, id",
            ClientSort::Owner => " ORDER BY CASE WHEN owner IS NULL THEN 1 ELSE 0 END, owner, name, id",
            ClientSort::Status => " ORDER BY status, name, id",
        });
        q.push(" LIMIT ")
            .push_bind(i64::from(per_page))
            .push(" OFFSET ")
            .push_bind(i64::from(page - 1) * i64::from(per_page));
        let rows = q.build().fetch_all(&self.pool).await.map_err(backend_error)?;
        Ok(Page {
            items: rows.iter().map(client_from).collect::<StoreResult<_>>()?,
            page,
            per_page,
            total,
        })
    }

    async fn update_client(&self, ws: WorkspaceId, id: ClientId, patch: ClientPatch) -> StoreResult<Option<Client>> {
        let mut q = QueryBuilder::<Db>::new("UPDATE clients SET id = id");
        if let Some(name) = &patch.name {
            q.push(", name = ").push_bind(name.clone());
        }
        if let Some(status) = patch.status {
            q.push(", status = ").push_bind(status.as_str());
        }
        if let Some(owner) = &patch.owner {
            q.push(", owner = ").push_bind(owner.clone());
        }
        if let Some(segment) = &patch.segment {
            q.push(", segment = ").push_bind(segment.clone());
        }
        if let Some(flags) = &patch.warning_flags {
            q.push(", warning_flags = ").push_bind(WarningFlag::join(flags));
        }
        if let Some(days) = patch.keep_in_touch_days {
            q.push(", keep_in_touch_days = ").push_bind(days);
        }
        if let Some(notes) = &patch.notes {
            q.push(", notes = ").push_bind(notes.clone());
        }
        q.push(" WHERE workspace_id = ").push_bind(ws.0);
        q.push(" AND id = ").push_bind(id.0);
        let done = q.build().execute(&self.pool).await.map_err(backend_error)?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        self.get_client(ws, id).await
    }

    async fn add_contact(&self, ws: WorkspaceId, client: ClientId, contact: NewContact) -> StoreResult<Contact> {
        self.client_exists(ws, client).await?;
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        if contact.is_primary {
            sqlx::query("UPDATE contacts SET is_primary = $1 WHERE workspace_id = $2 AND client_id = $3")
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

    async fn list_contacts(&self, ws: WorkspaceId, client: ClientId) -> StoreResult<Vec<Contact>> {
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
        rows.iter().map(contact_from).collect::<Result<_, _>>().map_err(backend_error)
    }

    async fn add_subscription(&self, ws: WorkspaceId, client: ClientId, sub: NewSubscription) -> StoreResult<Subscription> {
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

    async fn list_subscriptions(&self, ws: WorkspaceId, client: ClientId) -> StoreResult<Vec<Subscription>> {
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
        rows.iter().map(subscription_from).collect::<Result<_, _>>().map_err(backend_error)
    }

    async fn add_invoice(&self, ws: WorkspaceId, client: ClientId, invoice: NewInvoice) -> StoreResult<Invoice> {
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

    async fn list_invoices(&self, ws: WorkspaceId, client: ClientId) -> StoreResult<Vec<Invoice>> {
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
        rows.iter().map(invoice_from).collect::<Result<_, _>>().map_err(backend_error)
    }

    async fn set_invoice_paid(&self, ws: WorkspaceId, id: InvoiceId, paid_on: Option<Date>) -> StoreResult<Option<Invoice>> {
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
        row.as_ref().map(invoice_from).transpose().map_err(backend_error)
    }

    async fn log_interaction(&self, ws: WorkspaceId, client: ClientId, interaction: NewInteraction) -> StoreResult<Interaction> {
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

    async fn list_interactions(&self, ws: WorkspaceId, client: ClientId) -> StoreResult<Vec<Interaction>> {
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

    async fn import_customers(&self, ws: WorkspaceId, rows: Vec<CustomerImport>, progress: &Progress) -> StoreResult<ImportSummary> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        let existing = Self::existing_refs(
            &mut tx,
            "SELECT external_id FROM clients WHERE workspace_id = $1 AND external_id IS NOT NULL",
            ws,
        )
        .await?;
        let now = Utc::now();
        let mut summary = ImportSummary { rows: rows.len() as u64, ..ImportSummary::default() };
        for chunk in rows.chunks(IMPORT_BATCH) {
            let mut q = QueryBuilder::<Db>::new(
                "INSERT INTO clients (workspace_id, external_id, name, status, owner, segment, keep_in_touch_days, created_at) ",
            );
            q.push_values(chunk, |mut b, row| {
                b.push_bind(ws.0)
                    .push_bind(&row.external_id)
                    .push_bind(&row.name)
                    .push_bind(ClientStatus::Active.as_str())
                    .push_bind(&row.owner)
                    .push_bind(&row.segment)
                    .push_bind(churnwise_domain::registry::DEFAULT_KEEP_IN_TOUCH_DAYS)
                    .push_bind(now);
            });
            q.push(
                " ON CONFLICT (workspace_id, external_id) DO UPDATE SET name = excluded.name, \
                 owner = excluded.owner, segment = excluded.segment",
            );
            q.build().execute(&mut *tx).await.map_err(backend_error)?;
            let updated = chunk.iter().filter(|r| existing.contains(&r.external_id)).count() as u64;
            summary.updated += updated;
            summary.inserted += chunk.len() as u64 - updated;
            progress(summary.inserted + summary.updated);
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(summary)
    }

    async fn import_subscriptions(&self, ws: WorkspaceId, rows: Vec<SubscriptionImport>, progress: &Progress) -> StoreResult<ImportSummary> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        let clients = Self::client_ids_by_ref(&mut tx, ws).await?;
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
        .fetch_all(&mut *tx)
        .await
        .map_err(backend_error)?;
        let existing: HashSet<(String, Date)> = existing_rows
            .iter()
            .map(|r| Ok((r.try_get("subscription_ref")?, r.try_get("started_on")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend_error)?;
        let mut summary = ImportSummary { rows: rows.len() as u64, ..ImportSummary::default() };
        for chunk in rows.chunks(IMPORT_BATCH) {
            let mut q = QueryBuilder::<Db>::new(
                "INSERT INTO subscriptions (workspace_id, client_id, subscription_ref, plan, mrr_cents, started_on, ended_on) ",
            );
            q.push_values(chunk, |mut b, row| {
                b.push_bind(ws.0)
                    .push_bind(clients[&row.customer_ref])
                    .push_bind(&row.subscription_ref)
                    .push_bind(&row.plan)
                    .push_bind(row.mrr.cents())
                    .push_bind(row.started_on)
                    .push_bind(row.ended_on);
            });
            q.push(
                " ON CONFLICT (workspace_id, subscription_ref, started_on) DO UPDATE SET \
                 client_id = excluded.client_id, plan = excluded.plan, mrr_cents = excluded.mrr_cents, \
                 ended_on = excluded.ended_on",
            );
            q.build().execute(&mut *tx).await.map_err(backend_error)?;
            let updated = chunk
                .iter()
                .filter(|r| existing.contains(&(r.subscription_ref.clone(), r.started_on)))
                .count() as u64;
            summary.updated += updated;
            summary.inserted += chunk.len() as u64 - updated;
            progress(summary.inserted + summary.updated);
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(summary)
    }

    async fn import_invoices(&self, ws: WorkspaceId, rows: Vec<InvoiceImport>, progress: &Progress) -> StoreResult<ImportSummary> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
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
        let mut summary = ImportSummary { rows: rows.len() as u64, ..ImportSummary::default() };
        for chunk in rows.chunks(IMPORT_BATCH) {
            let mut q = QueryBuilder::<Db>::new(
                "INSERT INTO invoices (workspace_id, client_id, invoice_ref, amount_cents, issued_on, due_on, paid_on) ",
            );
            q.push_values(chunk, |mut b, row| {
                b.push_bind(ws.0)
                    .push_bind(clients[&row.customer_ref])
                    .push_bind(&row.invoice_ref)
                    .push_bind(row.amount.cents())
                    .push_bind(row.issued_on)
                    .push_bind(row.due_on)
                    .push_bind(row.paid_on);
            });
            q.push(
                " ON CONFLICT (workspace_id, invoice_ref) DO UPDATE SET client_id = excluded.client_id, \
                 amount_cents = excluded.amount_cents, issued_on = excluded.issued_on, \
                 due_on = excluded.due_on, paid_on = excluded.paid_on",
            );
            q.build().execute(&mut *tx).await.map_err(backend_error)?;
            let updated = chunk.iter().filter(|r| existing.contains(&r.invoice_ref)).count() as u64;
            summary.updated += updated;
            summary.inserted += chunk.len() as u64 - updated;
            progress(summary.inserted + summary.updated);
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(summary)
    }

    async fn client_external_ids(&self, ws: WorkspaceId) -> StoreResult<Vec<String>> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        let refs = Self::existing_refs(
            &mut tx,
            "SELECT external_id FROM clients WHERE workspace_id = $1 AND external_id IS NOT NULL",
            ws,
        )
        .await?;
        tx.commit().await.map_err(backend_error)?;
        Ok(refs.into_iter().collect())
    }

    async fn metrics_data(&self, ws: WorkspaceId) -> StoreResult<MetricsData> {
        use futures_util::TryStreamExt as _;
        // The three reads run at once, each on its own connection.
        let customers = async {
            let mut out = Vec::new();
            let mut rows = sqlx::query("SELECT id, owner FROM clients WHERE workspace_id = $1 ORDER BY id")
                .bind(ws.0)
                .fetch(&self.pool);
            while let Some(r) = rows.try_next().await.map_err(backend_error)? {
                out.push(MetricsCustomer {
                    id: ClientId(r.try_get(0).map_err(backend_error)?),
                    owner: r.try_get(1).map_err(backend_error)?,
                });
            }
            Ok::<_, StoreError>(out)
        };
        let segments = async {
            let mut out = Vec::new();
            let mut rows = sqlx::query(
                "SELECT client_id, mrr_cents, started_on, ended_on FROM subscriptions WHERE workspace_id = $1",
            )
            .bind(ws.0)
            .fetch(&self.pool);
            while let Some(r) = rows.try_next().await.map_err(backend_error)? {
                out.push(MetricsSegment {
                    client: ClientId(r.try_get(0).map_err(backend_error)?),
                    mrr: Money::from_cents(r.try_get(1).map_err(backend_error)?),
                    started_on: r.try_get(2).map_err(backend_error)?,
                    ended_on: r.try_get(3).map_err(backend_error)?,
                });
            }
            Ok::<_, StoreError>(out)
        };
        // Summed by (due, paid) day pair: a few thousand rows instead of millions.
        let invoices = async {
            let mut out = Vec::new();
            let mut rows = sqlx::query(
                "SELECT CAST(SUM(amount_cents) AS BIGINT), due_on, paid_on, COUNT(*) FROM invoices \
                 WHERE workspace_id = $1 GROUP BY due_on, paid_on",
            )
            .bind(ws.0)
            .fetch(&self.pool);
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
        let (customers, segments, invoices) =
            futures_util::future::try_join3(customers, segments, invoices).await?;
        Ok(MetricsData {
            customers,
            segments,
            invoices,
        })
    }

    // --- departure cases (SQL in cases_impl.rs) --------------------------------

    async fn create_case(&self, ws: WorkspaceId, case: NewCase) -> StoreResult<StoredCase> {
        self.cases_create(ws, case).await
    }

    async fn get_case(&self, ws: WorkspaceId, id: CaseId) -> StoreResult<Option<StoredCase>> {
        self.cases_get(ws, id).await
    }

    async fn list_cases(&self, ws: WorkspaceId, filter: &CaseFilter) -> StoreResult<Vec<StoredCase>> {
        self.cases_list(ws, filter).await
    }

    async fn save_case(&self, ws: WorkspaceId, update: CaseUpdate) -> StoreResult<StoredCase> {
        self.cases_save(ws, update).await
    }

    async fn case_history(&self, ws: WorkspaceId, id: CaseId) -> StoreResult<Vec<HistoryEntry>> {
        self.cases_history(ws, id).await
    }

    async fn find_survey_link(&self, token_hash: &str) -> StoreResult<Option<SurveyLink>> {
        self.cases_find_survey_link(token_hash).await
    }

    async fn cases_with_due_work(&self, ws: WorkspaceId, until: Date) -> StoreResult<Vec<StoredCase>> {
        self.cases_with_due(ws, until).await
    }

    async fn closed_departures(&self, ws: WorkspaceId) -> StoreResult<Vec<ClosedDeparture>> {
        self.cases_closed_departures(ws).await
    }

    async fn reason_list(&self, ws: WorkspaceId) -> StoreResult<Versioned<ReasonList>> {
        self.setting_get("workspace_reason_lists", ws).await
    }

    async fn save_reason_list(&self, ws: WorkspaceId, list: &ReasonList, expected_version: i64) -> StoreResult<Versioned<ReasonList>> {
        self.setting_save("workspace_reason_lists", ws, list, expected_version).await
    }

    async fn checklist_templates(&self, ws: WorkspaceId) -> StoreResult<Versioned<ChecklistTemplates>> {
        self.setting_get("workspace_checklist_templates", ws).await
    }

    async fn save_checklist_templates(&self, ws: WorkspaceId, templates: &ChecklistTemplates, expected_version: i64) -> StoreResult<Versioned<ChecklistTemplates>> {
        self.setting_save("workspace_checklist_templates", ws, templates, expected_version).await
    }

    async fn workspace_settings(&self, ws: WorkspaceId) -> StoreResult<Versioned<churnwise_domain::workspace_settings::WorkspaceSettings>> {
        self.setting_get("workspace_settings", ws).await
    }

    async fn save_workspace_settings(&self, ws: WorkspaceId, settings: &churnwise_domain::workspace_settings::WorkspaceSettings, expected_version: i64) -> StoreResult<Versioned<churnwise_domain::workspace_settings::WorkspaceSettings>> {
        self.setting_save("workspace_settings", ws, settings, expected_version).await
    }

    async fn update_user_profile(&self, user: UserId, name: Option<Option<String>>, lang: Option<Option<churnwise_domain::Lang>>) -> StoreResult<User> {
        self.update_user_profile_impl(user, name, lang).await
    }

    async fn health_facts(&self, ws: WorkspaceId, today: Date, lookback_days: u32) -> StoreResult<Vec<ClientHealthFacts>> {
        self.health_facts_impl(ws, today, lookback_days).await
    }

    async fn record_health(&self, ws: WorkspaceId, today: Date, scores: Vec<NewHealth>) -> StoreResult<HealthRunSummary> {
        self.record_health_impl(ws, today, scores).await
    }

    async fn list_health(&self, ws: WorkspaceId, filter: &HealthFilter) -> StoreResult<Vec<StoredHealth>> {
        self.list_health_impl(ws, filter).await
    }

    async fn list_alerts(&self, ws: WorkspaceId, filter: &AlertFilter) -> StoreResult<Vec<Alert>> {
        self.list_alerts_impl(ws, filter).await
    }

    async fn get_alert(&self, ws: WorkspaceId, id: AlertId) -> StoreResult<Option<Alert>> {
        self.get_alert_impl(ws, id).await
    }

    async fn update_alert(&self, ws: WorkspaceId, id: AlertId, action: AlertAction, by: &str) -> StoreResult<Option<Alert>> {
        self.update_alert_impl(ws, id, action, by).await
    }

    async fn try_lease(&self, job: &str, holder: &str, now: Timestamp, ttl: std::time::Duration) -> StoreResult<bool> {
        self.try_lease_impl(job, holder, now, ttl).await
    }

    async fn release_lease(&self, job: &str, holder: &str) -> StoreResult<()> {
        self.release_lease_impl(job, holder).await
    }

    async fn claim_delivery(&self, ws: WorkspaceId, user: UserId, run_on: Date, items: i32) -> StoreResult<Option<DeliveryId>> {
        self.claim_delivery_impl(ws, user, run_on, items).await
    }

    async fn finish_delivery(&self, id: DeliveryId, result: Result<(), String>) -> StoreResult<()> {
        self.finish_delivery_impl(id, result).await
    }

    async fn list_deliveries(&self, ws: WorkspaceId, run_on: Date) -> StoreResult<Vec<Delivery>> {
        self.list_deliveries_impl(ws, run_on).await
    }
}
