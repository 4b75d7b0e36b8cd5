//! The SQLite backend of churnwise: the embedded default, one file, no setup.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

type Db = sqlx::Sqlite;
const BACKEND_NAME: &str = "sqlite";

/// A [`churnwise_store::Store`] on a SQLite file.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: sqlx::Pool<Db>,
}

/// The SQLite store under its public name.
pub type SqliteStore = SqlStore;

impl SqlStore {
    /// Opens (creating it if needed) the database at `url` (`sqlite://path`,
    /// `sqlite:path` or a plain path) and applies pending migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let url = if url.starts_with("sqlite:") {
            url.to_string()
        } else {
            format!("sqlite://{url}")
        };
        let options = SqliteConnectOptions::from_str(&url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Freed space is zeroed, so erased personal data does not linger
            // in the file's free pages.
            .pragma("secure_delete", "ON");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(SqlStore { pool })
    }

    /// The connection pool, for backend-specific work.
    pub fn pool(&self) -> &sqlx::Pool<Db> {
        &self.pool
    }
}

/// After a client's personal data is erased: copies the WAL into the
/// database and truncates it, so the old texts are left in neither file
/// (best effort: a long reader may delay the checkpoint to the next one).
async fn after_erase(pool: &sqlx::Pool<Db>) {
    if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(pool)
        .await
    {
        tracing::warn!(error = %e, "checkpoint after an erase failed");
    }
}

// The SQL shared with the other backend (see its module doc).
#[path = "../../churnwise-store/sql/mod.rs"]
mod sql;
