//! Owner names and their mapping to members (issue 12): inherent methods of
//! `SqlStore` that the `Store` impl delegates to.

use super::backend_error;
use crate::SqlStore;
use chrono::Utc;
use churnwise_store::*;
use sqlx::Row;
use std::collections::BTreeMap;

impl SqlStore {
    pub(super) async fn owner_names_impl(&self, ws: WorkspaceId) -> StoreResult<Vec<OwnerName>> {
        // Grouped by the trimmed text in SQL; spellings that differ only in
        // case are merged here, since SQLite's LOWER knows only ASCII.
        let rows = self
            .grouped_counts_by_version(
                ws,
                "SELECT TRIM(owner) AS name, COUNT(*) AS n FROM clients \
                 WHERE workspace_id = $1 AND owner IS NOT NULL AND TRIM(owner) <> '' \
                 GROUP BY TRIM(owner) ORDER BY TRIM(owner)",
            )
            .await?;
        let mut by_key: BTreeMap<String, OwnerName> = BTreeMap::new();
        for (name, n) in rows {
            match by_key.entry(owner_key(&name)) {
                std::collections::btree_map::Entry::Occupied(mut o) => {
                    let o = o.get_mut();
                    o.clients += n;
                    o.spellings.push(name);
                }
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(OwnerName {
                        spellings: vec![name.clone()],
                        name,
                        clients: n,
                    });
                }
            }
        }
        let mut out: Vec<OwnerName> = by_key.into_values().collect();
        out.sort_by_key(|o| o.name.to_lowercase());
        Ok(out)
    }

    pub(super) async fn owner_mappings_impl(
        &self,
        ws: WorkspaceId,
    ) -> StoreResult<Vec<OwnerMapping>> {
        let rows = sqlx::query(
            "SELECT owner_name, user_id FROM owner_mappings WHERE workspace_id = $1 \
             ORDER BY owner_key",
        )
        .bind(ws.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|r| {
                Ok(OwnerMapping {
                    name: r.try_get("owner_name").map_err(backend_error)?,
                    user: UserId(r.try_get("user_id").map_err(backend_error)?),
                })
            })
            .collect()
    }

    pub(super) async fn map_owner_impl(
        &self,
        ws: WorkspaceId,
        name: &str,
        user: Option<UserId>,
    ) -> StoreResult<()> {
        let key = owner_key(name);
        let mut tx = self.begin_write().await?;
        match user {
            Some(user) => {
                sqlx::query(
                    "INSERT INTO owner_mappings (workspace_id, owner_key, owner_name, user_id, updated_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id, owner_key) DO UPDATE \
                     SET owner_name = excluded.owner_name, user_id = excluded.user_id, \
                     updated_at = excluded.updated_at",
                )
                .bind(ws.0)
                .bind(&key)
                .bind(name.trim())
                .bind(user.0)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?;
            }
            None => {
                sqlx::query(
                    "DELETE FROM owner_mappings WHERE workspace_id = $1 AND owner_key = $2",
                )
                .bind(ws.0)
                .bind(&key)
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?;
            }
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(())
    }
}
