//! Workspace settings stored as one versioned JSON document each (reason
//! list, checklist templates, workspace settings).

use super::{backend_error, json_error};
use crate::SqlStore;
use chrono::Utc;
use churnwise_store::*;
use sqlx::Row;

impl SqlStore {
    /// A workspace setting stored as one JSON document in `table`.
    pub(super) async fn setting_get<T: serde::de::DeserializeOwned + Default>(
        &self,
        table: &'static str,
        ws: WorkspaceId,
    ) -> StoreResult<Versioned<T>> {
        let sql = format!("SELECT document, version FROM {table} WHERE workspace_id = $1");
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        match row {
            None => Ok(Versioned {
                value: T::default(),
                version: 0,
            }),
            Some(r) => {
                let document: String = r.try_get("document").map_err(backend_error)?;
                Ok(Versioned {
                    value: serde_json::from_str(&document).map_err(|e| json_error(table, e))?,
                    version: r.try_get("version").map_err(backend_error)?,
                })
            }
        }
    }

    /// Saves a workspace setting if it is still at `expected_version`.
    pub(super) async fn setting_save<T: serde::Serialize + Clone>(
        &self,
        table: &'static str,
        ws: WorkspaceId,
        value: &T,
        expected_version: i64,
    ) -> StoreResult<Versioned<T>> {
        let document =
            serde_json::to_string(value).map_err(|e| StoreError::Backend(anyhow::Error::new(e)))?;
        let done = if expected_version == 0 {
            let sql = format!(
                "INSERT INTO {table} (workspace_id, document, version, updated_at) \
                 VALUES ($1, $2, 1, $3) ON CONFLICT (workspace_id) DO NOTHING"
            );
            sqlx::query(&sql)
                .bind(ws.0)
                .bind(&document)
                .bind(Utc::now())
                .execute(&self.pool)
                .await
        } else {
            let sql = format!(
                "UPDATE {table} SET document = $1, version = version + 1, updated_at = $2 \
                 WHERE workspace_id = $3 AND version = $4"
            );
            sqlx::query(&sql)
                .bind(&document)
                .bind(Utc::now())
                .bind(ws.0)
                .bind(expected_version)
                .execute(&self.pool)
                .await
        }
        .map_err(backend_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::StaleVersion("the setting was changed by someone else since it was read; reload it and try again"
                    .to_string()));
        }
        Ok(Versioned {
            value: value.clone(),
            version: expected_version + 1,
        })
    }
}
