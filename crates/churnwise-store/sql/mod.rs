//! The SQL implementation of `Store`, shared by the SQLite and PostgreSQL
//! backends. It is not a module of `churnwise-store`: each backend crate
//! declares it as its own module with
//! `#[path = "../../churnwise-store/sql/mod.rs"] mod sql;`, after defining
//! `type Db` (its sqlx database), `BACKEND_NAME` and
//! `struct SqlStore { pool: sqlx::Pool<Db>, counts: Arc<sql::CountCache>, … }`
//! at its crate root, so the same
//! queries compile against each driver's concrete types, without generic
//! trait bounds. Placeholders are `$1`-style (QueryBuilder emits each
//! driver's own), and only SQL both databases accept is written here; what
//! differs lives in the backend crates (connection, migrations, locks). See
//! ARCHITECTURE.md.
//!
//! `store.rs` holds the one `impl Store for SqlStore`; it delegates to
//! inherent methods of `SqlStore` in the module of each concern.

use churnwise_store::{StoreError, StoreResult};

mod billing_signals;
mod bounded;
pub(crate) mod bulk;
// --- cancel (helper) ---
mod cancel_flow;
mod cases;
mod clients;
mod entry;
mod health;
mod import_jobs;
mod imports;
mod invitations;
mod jobs;
mod metrics_data;
mod outbox;
mod owners;
mod privacy;
mod records;
mod reminders;
mod settings;
mod status;
mod store;
mod stripe;
mod stripe_sync_job;
// --- stripe-cancel ---
mod cancel_stripe;
mod client_created;
mod throttle;
mod usage;
// --- usage-finish ---
mod usage_windows;
mod users;
mod webhook_log;
mod who_leaves;
// --- worklog ---
mod work_log;
// --- exclusivity ---
mod exclusivity;
// --- updates (issue 16) ---
mod client_updates;
// --- frequency ---
mod contact_frequency;
mod exclusivity_imports;
// --- due-fast (issue 14) ---
mod contact_due;

type DbRow = <crate::Db as sqlx::Database>::Row;

/// Rows a process wrote to each table since it last refreshed the table's
/// planner statistics (see [`SqlStore::wrote_rows`]). In memory: another
/// process counts its own writes, and autovacuum, where it runs, refreshes
/// statistics on its own schedule as well.
#[derive(Debug, Default)]
pub(crate) struct PlannerStats {
    /// Per table: rows written since its last refresh, and rows written up
    /// to it.
    written: std::sync::Mutex<std::collections::HashMap<&'static str, (u64, u64)>>,
}

/// Rows written to a table, since its last refresh, from which
/// [`PlannerStats`] refreshes its statistics (and more once the table has
/// grown: see [`PlannerStats::wrote`]).
const ANALYZE_FROM_ROWS: u64 = 10_000;

impl PlannerStats {
    /// Counts `rows` written to `table`; true when its statistics are due:
    /// [`ANALYZE_FROM_ROWS`] rows or more since the last refresh, and at
    /// least as many as this process had written to it up to that refresh
    /// (so a table filled from empty is refreshed as it doubles: about ten
    /// times on the way to 1M rows, and rarely once it is full).
    fn wrote(&self, table: &'static str, rows: u64) -> bool {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        let (since, before) = written.entry(table).or_default();
        *since += rows;
        if *since < ANALYZE_FROM_ROWS.max(*before) {
            return false;
        }
        *before += *since;
        *since = 0;
        true
    }
}

impl crate::SqlStore {
    /// Records a bulk write of `tables` (rows written to each) inside `tx`,
    /// and refreshes the planner's statistics of those that grew enough
    /// (`ANALYZE`, on the backends that plan by them: PostgreSQL). Without
    /// it, a PostgreSQL whose autovacuum had not yet run (or is off) planned
    /// every lookup of 1,000 clients after an import of 1M customers as a
    /// read of the whole table (0.15 s each), and the health run that
    /// follows such an import as if its score and alert tables were empty.
    /// Statistics are a hint: a stale one costs time, never a wrong answer.
    pub(crate) async fn wrote_rows(
        &self,
        tx: &mut sqlx::Transaction<'_, crate::Db>,
        tables: &[(&'static str, u64)],
    ) -> StoreResult<()> {
        if !crate::ANALYZE_AFTER_BULK_WRITE {
            return Ok(());
        }
        for (table, rows) in tables {
            if self.stats.wrote(table, *rows) {
                sqlx::query(&format!("ANALYZE {table}"))
                    .execute(&mut **tx)
                    .await
                    .map_err(backend_error)?;
            }
        }
        Ok(())
    }
}

/// Answers kept with the workspace's data version they were read at
/// (issue 14): on a workspace of 100,000 clients the `COUNT(*)` of every
/// page of the client list cost more than the page itself, and at 1M
/// clients the grouped counts by status and by owner a quarter of a second
/// each. An answer is used again only while the data version is the same,
/// so any write to the tables it read reads anew on the next request; the
/// version lives in the database, so several server processes stay right.
/// Only for answers read from the tables the data version follows
/// (clients, subscriptions, invoices). Bounded: at [`VERSION_CACHE_MAX`]
/// answers it starts again empty.
#[derive(Debug)]
pub(crate) struct VersionCache<V> {
    answers: std::sync::Mutex<std::collections::HashMap<(i64, String), (String, V)>>,
}

/// The totals of filtered lists (see [`VersionCache`]).
pub(crate) type CountCache = VersionCache<i64>;

/// Grouped counts by a text (clients by status, by owner), as read.
pub(crate) type GroupCache = VersionCache<Vec<(String, i64)>>;

/// The most answers a [`VersionCache`] holds.
const VERSION_CACHE_MAX: usize = 4096;

impl<V> Default for VersionCache<V> {
    fn default() -> Self {
        Self {
            answers: Default::default(),
        }
    }
}

impl<V: Clone> VersionCache<V> {
    fn answers(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<(i64, String), (String, V)>> {
        // A panic while holding the lock leaves only answers behind, each
        // still checked against its version.
        self.answers.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The answer read for `key` of `ws` at `version`, if kept.
    fn get(&self, ws: i64, key: &str, version: &str) -> Option<V> {
        match self.answers().get(&(ws, key.to_string())) {
            Some((at, answer)) if at == version => Some(answer.clone()),
            _ => None,
        }
    }

    /// Keeps `answer` for `key` of `ws` read at `version`.
    fn put(&self, ws: i64, key: String, version: String, answer: V) {
        let mut answers = self.answers();
        if answers.len() >= VERSION_CACHE_MAX {
            answers.clear();
        }
        answers.insert((ws, key), (version, answer));
    }
}

impl crate::SqlStore {
    /// The rows `(text, count)` of `sql` (a grouped count with the
    /// workspace as `$1`), kept in [`GroupCache`] while the workspace's
    /// data version stays the same.
    async fn grouped_counts_by_version(
        &self,
        ws: churnwise_store::WorkspaceId,
        sql: &'static str,
    ) -> StoreResult<Vec<(String, i64)>> {
        // The version first: rows read after it are at least as new.
        let version = self.data_version_impl(ws).await?;
        if let Some(rows) = self.groups.get(ws.0, sql, &version) {
            return Ok(rows);
        }
        let rows: Vec<(String, i64)> = sqlx::query_as(sql)
            .bind(ws.0)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        self.groups
            .put(ws.0, sql.to_string(), version, rows.clone());
        Ok(rows)
    }
}

/// The workspace condition of a statement on `clients` narrowed to a list
/// of ids (`id IN (…)`), when `listed`: `+workspace_id`, which no index
/// serves, so that SQLite looks the listed ids up by primary key. Written
/// plainly, SQLite (which has no statistics to tell it otherwise) walks
/// every client of the workspace through the index led by `workspace_id`
/// for each list: importing 720,000 customers, whose statuses and scores
/// follow in lists of 1,000, took 219 s instead of a few. PostgreSQL reads
/// both forms the same way.
fn workspace_of(listed: bool) -> &'static str {
    if listed {
        "+workspace_id = "
    } else {
        "workspace_id = "
    }
}

/// How many times the start of a write transaction is tried while the
/// database stays busy (each try already waits the connection's busy
/// timeout on SQLite), and the pause before the second try (doubled each
/// time after).
const WRITE_ATTEMPTS: u32 = 3;
const FIRST_RETRY_PAUSE: std::time::Duration = std::time::Duration::from_millis(100);

impl crate::SqlStore {
    /// One page of a filtered list: `count` is the list's
    /// `SELECT COUNT(*) …` with its filters, `rows` its `SELECT … ORDER BY …`
    /// with the same filters; `per_page` is held to 1–500 and `page` to 1
    /// or more, and each row becomes a `T` through `from_row`.
    async fn fetch_page<T>(
        &self,
        mut count: sqlx::QueryBuilder<'_, crate::Db>,
        rows: sqlx::QueryBuilder<'_, crate::Db>,
        page: u32,
        per_page: u32,
        from_row: impl Fn(&DbRow) -> StoreResult<T>,
    ) -> StoreResult<churnwise_store::Page<T>> {
        let total = self.count_of(&mut count).await?;
        self.fetch_page_of(total, rows, page, per_page, from_row)
            .await
    }

    /// The `SELECT COUNT(*) …` of `count`.
    async fn count_of(&self, count: &mut sqlx::QueryBuilder<'_, crate::Db>) -> StoreResult<i64> {
        use sqlx::Row;
        count
            .build()
            .fetch_one(&self.pool)
            .await
            .map_err(backend_error)?
            .try_get(0)
            .map_err(backend_error)
    }

    /// [`Self::fetch_page`] with the count taken from [`CountCache`] while
    /// the workspace's data version stays the same: only for lists whose
    /// filters read nothing but the tables the data version follows
    /// (clients, subscriptions, invoices). `key` is the workspace and the
    /// filters' values.
    async fn fetch_page_counted_by_version<T>(
        &self,
        (ws, key): (churnwise_store::WorkspaceId, String),
        mut count: sqlx::QueryBuilder<'_, crate::Db>,
        rows: sqlx::QueryBuilder<'_, crate::Db>,
        page: u32,
        per_page: u32,
        from_row: impl Fn(&DbRow) -> StoreResult<T>,
    ) -> StoreResult<churnwise_store::Page<T>> {
        // The version first: a count taken after it is at least as new.
        let version = self.data_version_impl(ws).await?;
        let key = format!("{}|{key}", count.sql());
        let total = match self.counts.get(ws.0, &key, &version) {
            Some(total) => total,
            None => {
                let total = self.count_of(&mut count).await?;
                self.counts.put(ws.0, key, version, total);
                total
            }
        };
        self.fetch_page_of(total, rows, page, per_page, from_row)
            .await
    }

    /// One page of `rows` (`LIMIT`/`OFFSET` added) with its known `total`.
    async fn fetch_page_of<T>(
        &self,
        total: i64,
        mut rows: sqlx::QueryBuilder<'_, crate::Db>,
        page: u32,
        per_page: u32,
        from_row: impl Fn(&DbRow) -> StoreResult<T>,
    ) -> StoreResult<churnwise_store::Page<T>> {
        let per_page = per_page.clamp(1, 500);
        let page = page.max(1);
        rows.push(" LIMIT ")
            .push_bind(i64::from(per_page))
            .push(" OFFSET ")
            .push_bind(i64::from(page - 1) * i64::from(per_page));
        let found = rows
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(churnwise_store::Page {
            items: found.iter().map(from_row).collect::<StoreResult<_>>()?,
            page,
            per_page,
            total,
        })
    }

    /// Begins a transaction that will write. On SQLite it is
    /// `BEGIN IMMEDIATE`, which takes the write lock at once (waiting up to
    /// the busy timeout): a transaction that began as a read and wrote later
    /// would fail with `SQLITE_BUSY_SNAPSHOT` (517) or a plain `SQLITE_BUSY`
    /// when another connection wrote in between, and SQLite does not retry
    /// those. If the lock stays taken, the start is tried again a few times
    /// with a growing pause, then the caller gets [`StoreError::Busy`].
    async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, crate::Db>> {
        let mut pause = FIRST_RETRY_PAUSE;
        let mut attempt = 1;
        loop {
            match self.pool.begin_with(crate::BEGIN_WRITE).await {
                Ok(tx) => return Ok(tx),
                Err(e) if attempt < WRITE_ATTEMPTS && is_busy(&e) => {
                    tracing::debug!(
                        attempt,
                        "database busy at the start of a write; trying again"
                    );
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                    attempt += 1;
                }
                Err(e) => return Err(backend_error(e)),
            }
        }
    }
}

/// The database refused the work because another writer holds a lock.
fn is_busy(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if crate::is_busy_code(db.code().as_deref()))
}

fn backend_error(e: sqlx::Error) -> StoreError {
    if is_busy(&e) {
        return StoreError::Busy(anyhow::Error::new(e).context("database busy"));
    }
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

fn json_error(what: &str, e: serde_json::Error) -> StoreError {
    StoreError::Backend(anyhow::anyhow!("stored {what} is invalid: {e}"))
}

#[cfg(test)]
mod tests {
    use super::PlannerStats;

    #[test]
    fn statistics_are_refreshed_as_a_table_doubles() {
        let stats = PlannerStats::default();
        // A table filled from empty in chunks of 1,000 rows.
        let refreshed: Vec<u64> = (1..=100u64)
            .filter(|_| stats.wrote("scores", 1_000))
            .map(|chunk| chunk * 1_000)
            .collect();
        assert_eq!(refreshed, vec![10_000, 20_000, 40_000, 80_000]);
        // Tables are counted apart; one write of 10,000 rows is due at once.
        assert!(stats.wrote("alerts", 10_000));
        assert!(!stats.wrote("alerts", 9_999));
        assert!(stats.wrote("alerts", 1));
    }
}
