//! Sign-in throttling: failed sign-ins and locks per key, in epoch
//! milliseconds (compared the same on both backends), each change one
//! atomic statement so several server processes share the count.

use super::{backend_error, DbRow};
use crate::SqlStore;
use chrono::{TimeZone, Utc};
use churnwise_store::*;
use sqlx::Row;

const COLUMNS: &str = "key, failures, window_start, locks, locked_until";

fn moment(ms: i64) -> StoreResult<Timestamp> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .ok_or_else(|| StoreError::Backend(anyhow::anyhow!("stored throttle time {ms} is invalid")))
}

fn state_from(row: &DbRow) -> StoreResult<ThrottleState> {
    let locked_until: i64 = row.try_get("locked_until").map_err(backend_error)?;
    Ok(ThrottleState {
        key: row.try_get("key").map_err(backend_error)?,
        failures: row.try_get("failures").map_err(backend_error)?,
        window_start: moment(row.try_get("window_start").map_err(backend_error)?)?,
        locks: row.try_get("locks").map_err(backend_error)?,
        locked_until: (locked_until > 0)
            .then(|| moment(locked_until))
            .transpose()?,
    })
}

impl SqlStore {
    pub(super) async fn sign_in_throttle_impl(
        &self,
        keys: &[String],
    ) -> StoreResult<Vec<ThrottleState>> {
        let mut found = Vec::new();
        for key in keys {
            let row = sqlx::query(&format!(
                "SELECT {COLUMNS} FROM sign_in_throttle WHERE key = $1"
            ))
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
            if let Some(row) = row {
                found.push(state_from(&row)?);
            }
        }
        Ok(found)
    }

    pub(super) async fn record_sign_in_failure_impl(
        &self,
        key: &str,
        now: Timestamp,
        window_start: Timestamp,
    ) -> StoreResult<ThrottleState> {
        let row = sqlx::query(&format!(
            "INSERT INTO sign_in_throttle ({COLUMNS}) VALUES ($1, 1, $2, 0, 0) \
             ON CONFLICT (key) DO UPDATE SET \
             failures = CASE WHEN sign_in_throttle.window_start < $3 THEN 1 \
                        ELSE sign_in_throttle.failures + 1 END, \
             window_start = CASE WHEN sign_in_throttle.window_start < $3 THEN $2 \
                        ELSE sign_in_throttle.window_start END \
             RETURNING {COLUMNS}"
        ))
        .bind(key)
        .bind(now.timestamp_millis())
        .bind(window_start.timestamp_millis())
        .fetch_one(&self.pool)
        .await
        .map_err(backend_error)?;
        state_from(&row)
    }

    pub(super) async fn lock_sign_in_impl(
        &self,
        key: &str,
        now: Timestamp,
        until: Timestamp,
        locks: i64,
    ) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO sign_in_throttle ({COLUMNS}) VALUES ($1, 0, $2, $3, $4) \
             ON CONFLICT (key) DO UPDATE SET failures = 0, window_start = $2, \
             locks = $3, locked_until = $4"
        ))
        .bind(key)
        .bind(now.timestamp_millis())
        .bind(locks)
        .bind(until.timestamp_millis())
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    pub(super) async fn clear_sign_in_throttle_impl(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(())
    }

    pub(super) async fn purge_sign_in_throttle_impl(&self, before: Timestamp) -> StoreResult<u64> {
        let ms = before.timestamp_millis();
        let done = sqlx::query(
            "DELETE FROM sign_in_throttle WHERE window_start < $1 AND locked_until < $1",
        )
        .bind(ms)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(done.rows_affected())
    }
}

impl SqlStore {
    /// One upsert: the window's row is made or its count moved, and the
    /// count read back, atomically on both backends.
    pub(super) async fn throttle_count_request(
        &self,
        key: &str,
        window_start: i64,
    ) -> StoreResult<i64> {
        sqlx::query_scalar(
            "INSERT INTO rate_limit_windows (key, window_start, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_windows.hits + 1 \
             RETURNING hits",
        )
        .bind(key)
        .bind(window_start)
        .fetch_one(&self.pool)
        .await
        .map_err(backend_error)
    }

    pub(super) async fn throttle_forget_request_counts(&self, before: i64) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM rate_limit_windows WHERE window_start < $1")
            .bind(before)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(done.rows_affected())
    }
}
