//! The PostgreSQL backend of churnwise: the server choice for teams.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;

type Db = sqlx::Postgres;
const BACKEND_NAME: &str = "postgres";

/// The workspace condition of a read of a whole workspace's rows: plain,
/// so that PostgreSQL's planner, which knows each workspace's share of the
/// table, chooses between the index and a scan.
const WHOLE_WORKSPACE: &str = "workspace_id";

/// The `paid_key` of an unpaid invoice's day totals (migration 0034):
/// 'infinity', a date no invoice can hold.
const UNPAID_KEY: &str = "'infinity'";

/// How the metrics' input reads many rows: plain rows (PostgreSQL's rows
/// are decoded from the connection's buffer by the reader itself).
const ROWS_AS_JSON: Option<(&str, &str)> = None;

/// Whether a bulk write (an import, a health run) refreshes the planner's
/// statistics of the tables it grew (`sql::PlannerStats`): PostgreSQL plans
/// by them, and autovacuum comes later, or never where it is off.
const ANALYZE_AFTER_BULK_WRITE: bool = true;

/// How a write transaction begins: PostgreSQL locks rows as they are
/// written, so a plain `BEGIN` never has to upgrade anything.
const BEGIN_WRITE: &str = "BEGIN";

// --- due-fast (issue 14) ---
/// What follows a text column in an `ORDER BY` so that the database orders
/// it byte by byte, as Rust compares strings: the database's own collation may order by language rules.
const BYTE_ORDER_COLLATE: &str = " COLLATE \"C\"";

/// The workspace's data version: the summed weight of its change marks
/// (migration 0016).
const DATA_VERSION_SQL: &str =
    "SELECT COALESCE(SUM(weight), 0)::BIGINT FROM data_changes WHERE workspace_id = $1";
/// Folds every visible change mark into one row per workspace with the
/// summed weight, in one statement (rows of transactions still open are not
/// visible, so they stay and count when they commit).
const PRUNE_DATA_VERSIONS_SQL: Option<&str> = Some(
    "WITH gone AS (DELETE FROM data_changes RETURNING workspace_id, weight) \
     INSERT INTO data_changes (workspace_id, weight) \
     SELECT workspace_id, SUM(weight)::BIGINT FROM gone GROUP BY workspace_id",
);

/// How many texts [`push_text_in`] takes at once: one array parameter,
/// however long.
const TEXT_IN_CHUNK: usize = 10_000;

/// `column = ANY($n)` with the texts as one array parameter: PostgreSQL
/// plans it once whatever the count (a list of 1,000 parameters cost about
/// 20 ms to plan and run against 100,000 clients).
fn push_text_in(q: &mut sqlx::QueryBuilder<'_, Db>, column: &str, values: &[&str]) {
    let values: Vec<String> = values.iter().map(|v| (*v).to_string()).collect();
    q.push(column).push(" = ANY(").push_bind(values).push(")");
}

/// Rows per bulk write (see `sql::bulk`): one statement of 10,000 rows
/// has one array parameter per column.
const BULK_ROWS: usize = 10_000;

/// The rows of `columns` as `SELECT * FROM UNNEST($a::INT8[], …)`, each
/// column one array parameter, for an `INSERT … ` before it.
fn push_bulk_rows<'a>(q: &mut sqlx::QueryBuilder<'a, Db>, columns: Vec<sql::bulk::BulkColumn<'a>>) {
    use sql::bulk::BulkColumn;
    debug_assert!(columns.windows(2).all(|w| w[0].len() == w[1].len()));
    q.push("SELECT * FROM UNNEST(");
    let mut list = q.separated(", ");
    for column in columns {
        match column {
            BulkColumn::Int(v) => list.push_bind(v).push_unseparated("::INT8[]"),
            BulkColumn::Text(v) => list.push_bind(v).push_unseparated("::TEXT[]"),
            BulkColumn::OptText(v) => list.push_bind(v).push_unseparated("::TEXT[]"),
            BulkColumn::Date(v) => list.push_bind(v).push_unseparated("::DATE[]"),
            BulkColumn::OptDate(v) => list.push_bind(v).push_unseparated("::DATE[]"),
            BulkColumn::Time(v) => list.push_bind(v).push_unseparated("::TIMESTAMPTZ[]"),
        };
    }
    q.push(")");
}

/// A deadlock the server broke (`40P01`), a serialization failure
/// (`40001`) or a lock not available (`55P03`): another writer was in the
/// way, and the same work may succeed if tried again.
fn is_busy_code(code: Option<&str>) -> bool {
    matches!(code, Some("40P01" | "40001" | "55P03"))
}

/// A [`churnwise_store::Store`] on a PostgreSQL database.
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

/// The PostgreSQL store under its public name.
pub type PostgresStore = SqlStore;

impl SqlStore {
    /// Connects to `url` (`postgres://…`) and applies pending migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        Self::connect_with(PgConnectOptions::from_str(url)?).await
    }

    /// Connects to `url` with every table in `schema` (created if missing):
    /// one database can then hold several independent churnwise instances,
    /// which is how the tests run in parallel on one server.
    pub async fn connect_in_schema(url: &str, schema: &str) -> anyhow::Result<Self> {
        anyhow::ensure!(
            !schema.is_empty()
                && schema
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "schema name {schema:?} must be letters, digits and underscores"
        );
        let base = PgConnectOptions::from_str(url)?;
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(base.clone())
            .await?;
        sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
            .execute(&admin)
            .await?;
        admin.close().await;
        Self::connect_with(base.options([("search_path", schema)])).await
    }

    async fn connect_with(options: PgConnectOptions) -> anyhow::Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
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

    /// PostgreSQL has no file copy of its own here: `pg_dump` makes a
    /// consistent backup of a running server (see docs/backup.md).
    async fn backup_to_file_impl(
        &self,
        _path: &std::path::Path,
    ) -> churnwise_store::StoreResult<bool> {
        Ok(false)
    }
}

/// After a client's personal data is erased: nothing to do here; the old
/// row versions are reclaimed by (auto)vacuum (see docs/security.md).
async fn after_erase(_pool: &sqlx::Pool<Db>) {}

// The SQL shared with the other backend (see its module doc).
#[path = "../../churnwise-store/sql/mod.rs"]
mod sql;
