//! The SQLite backend of churnwise: the embedded default, one file, no setup.

use churnwise_store::{StoreError, StoreResult};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::Connection;
use std::str::FromStr;
use std::time::Duration;

type Db = sqlx::Sqlite;
const BACKEND_NAME: &str = "sqlite";

/// The workspace condition of a read of a whole workspace's rows (the
/// metrics' input): `+workspace_id`, which no index serves, so that SQLite
/// reads the table in its own order instead of through an index led by
/// `workspace_id` and then sorting. At 1M customers the metrics' input
/// took 17.8 s the other way, 1.4 s of it for the clients alone (which it
/// read through the segment index and sorted by id).
const WHOLE_WORKSPACE: &str = "+workspace_id";

/// How many texts [`push_text_in`] takes at once (one parameter each).
const TEXT_IN_CHUNK: usize = 1_000;

/// `column IN ($n, …)`, one parameter per text.
fn push_text_in(q: &mut sqlx::QueryBuilder<'_, Db>, column: &str, values: &[&str]) {
    q.push(column).push(" IN (");
    let mut list = q.separated(", ");
    for v in values {
        list.push_bind((*v).to_string());
    }
    q.push(")");
}

/// Rows per bulk write (see `sql::bulk`): a parameter per value, far
/// below SQLite's 32,766.
const BULK_ROWS: usize = 1_000;

/// The rows of `columns` as `VALUES (?, …), …`, a parameter per value, for
/// an `INSERT … ` before it.
fn push_bulk_rows<'a>(q: &mut sqlx::QueryBuilder<'a, Db>, columns: Vec<sql::bulk::BulkColumn<'a>>) {
    use sql::bulk::BulkColumn;
    let rows = columns.first().map_or(0, BulkColumn::len);
    q.push("VALUES ");
    for i in 0..rows {
        q.push(if i == 0 { "(" } else { ", (" });
        let mut row = q.separated(", ");
        for column in &columns {
            match column {
                BulkColumn::Int(v) => row.push_bind(v[i]),
                BulkColumn::Text(v) => row.push_bind(v[i]),
                BulkColumn::OptText(v) => row.push_bind(v[i]),
                BulkColumn::Date(v) => row.push_bind(v[i]),
                BulkColumn::OptDate(v) => row.push_bind(v[i]),
                BulkColumn::Time(v) => row.push_bind(v[i]),
            };
        }
        q.push(")");
    }
}

/// The `paid_key` of an unpaid invoice's day totals (migration 0034):
/// '' (dates are text here).
const UNPAID_KEY: &str = "''";

/// How the metrics' input reads many rows: in chunks of 50,000 rows, each
/// chunk one row holding a JSON array built by SQLite
/// (`json_group_array(json_array(…))`). sqlx hands every row of a SQLite
/// read from its worker thread to the reader through a channel, about 5 µs
/// a row: the 2.4M rows of a 1M-customer workspace took 13 s that way, and
/// well under 2 s as chunks.
const ROWS_AS_JSON: Option<(&str, &str)> = Some(("json_group_array(json_array(", "))"));

/// Whether a bulk write (an import, a health run) refreshes the planner's
/// statistics of the tables it grew (`sql::PlannerStats`): SQLite plans
/// these lookups by its indexes alone.
const ANALYZE_AFTER_BULK_WRITE: bool = false;

/// How a write transaction begins: with the write lock taken at once, so it
/// never has to upgrade a read (see `SqlStore::begin_write`).
const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

// --- due-fast (issue 14) ---
/// What follows a text column in an `ORDER BY` so that the database orders
/// it byte by byte, as Rust compares strings: SQLite compares text byte by byte already (BINARY).
const BYTE_ORDER_COLLATE: &str = "";

/// The workspace's data version: the counter its triggers move
/// (migration 0016).
const DATA_VERSION_SQL: &str = "SELECT data_version FROM workspaces WHERE id = $1";
/// Nothing to fold: the version is one counter.
const PRUNE_DATA_VERSIONS_SQL: Option<&str> = None;

/// How long a statement waits for another connection's write lock before
/// SQLite answers `SQLITE_BUSY`. A short API write waits this long behind an
/// import's transaction; past it the API answers 503 with `Retry-After`
/// (`StoreError::Busy`). See docs/deploy.md, "Concurrent writers".
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(15);

/// `SQLITE_BUSY` (5) and `SQLITE_LOCKED` (6), with any extended code
/// (`SQLITE_BUSY_SNAPSHOT` is 517).
fn is_busy_code(code: Option<&str>) -> bool {
    code.and_then(|c| c.parse::<i32>().ok())
        .is_some_and(|c| matches!(c & 0xff, 5 | 6))
}

/// A [`churnwise_store::Store`] on a SQLite file.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: sqlx::Pool<Db>,
    /// List totals kept by data version (see `sql::CountCache`).
    counts: std::sync::Arc<sql::CountCache>,
    /// Grouped counts kept by data version (see `sql::VersionCache`).
    groups: std::sync::Arc<sql::GroupCache>,
    /// Rows written per table since its statistics were refreshed (see
    /// `sql::PlannerStats`).
    stats: std::sync::Arc<sql::PlannerStats>,
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
            .busy_timeout(BUSY_TIMEOUT)
            // Freed space is zeroed, so erased personal data does not linger
            // in the file's free pages.
            .pragma("secure_delete", "ON")
            // 32 MiB of page cache per connection (SQLite's default is
            // 2 MiB): the indexes of a 100,000-client workspace fit, and a
            // large import no longer rereads index pages from the file for
            // most rows it writes.
            .pragma("cache_size", "-32768")
            // Rows of a long read wait in a larger buffer between SQLite's
            // worker thread and the reader (sqlx's default is 50 rows).
            .row_buffer_size(1024);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(SqlStore {
            pool,
            counts: Default::default(),
            groups: Default::default(),
            stats: Default::default(),
        })
    }

    /// The connection pool, for backend-specific work.
    pub fn pool(&self) -> &sqlx::Pool<Db> {
        &self.pool
    }

    /// `VACUUM INTO` the new file `path`: one read transaction, so the copy
    /// is the database as of one instant, and in WAL mode writers go on
    /// meanwhile. The copy is then opened read-only and must pass
    /// `PRAGMA integrity_check`.
    async fn backup_to_file_impl(&self, path: &std::path::Path) -> StoreResult<bool> {
        let failed = |what: &str, e: sqlx::Error| {
            StoreError::Backend(anyhow::Error::new(e).context(format!("backup: {what}")))
        };
        let target = path
            .to_str()
            .ok_or_else(|| StoreError::Backend(anyhow::anyhow!("backup: the path is not UTF-8")))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await
            .map_err(|e| failed("copying", e))?;
        let options = SqliteConnectOptions::new().filename(path).read_only(true);
        let mut copy = sqlx::SqliteConnection::connect_with(&options)
            .await
            .map_err(|e| failed("opening the copy", e))?;
        let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut copy)
            .await
            .map_err(|e| failed("checking the copy", e))?;
        let _ = copy.close().await;
        if verdict != "ok" {
            return Err(StoreError::Backend(anyhow::anyhow!(
                "backup: the copy failed its integrity check: {verdict}"
            )));
        }
        Ok(true)
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
