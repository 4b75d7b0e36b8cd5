//! Fresh, isolated stores for tests: a SQLite file in a temporary folder, or
//! a PostgreSQL schema of its own on the server named by
//! `CHURNWISE_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`),
//! so tests run in parallel. If PostgreSQL does not answer, the PostgreSQL
//! tests fail loudly; they never skip.

#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test code: a failed unwrap is a failed test with its message, and test data is small"
)]

use churnwise_store::Store;
use rand::Rng;
use std::sync::Arc;

/// The PostgreSQL server the tests use.
pub fn postgres_url() -> String {
    std::env::var("CHURNWISE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// A store for one test, with whatever keeps it alive.
pub struct TestStore {
    /// The store.
    pub store: Arc<dyn Store>,
    /// URL that opens the same database from another process (e.g. the CLI).
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestStore {
    /// A second store on the same database with its own connection pool, as
    /// another server process would have.
    pub async fn another_process(&self) -> Arc<dyn Store> {
        match self.store.backend() {
            "sqlite" => Arc::new(
                churnwise_store_sqlite::SqliteStore::connect(&self.url)
                    .await
                    .expect("the SQLite file opens again"),
            ),
            _ => Arc::new(
                churnwise_store_postgres::PostgresStore::connect(&self.url)
                    .await
                    .expect("PostgreSQL answers a second pool"),
            ),
        }
    }
}

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite in a temporary file.
    Sqlite,
    /// PostgreSQL in a fresh schema.
    Postgres,
}

impl Backend {
    /// A fresh store of this backend.
    pub async fn fresh(self) -> TestStore {
        match self {
            Backend::Sqlite => sqlite().await,
            Backend::Postgres => postgres().await,
        }
    }
}

/// A fresh SQLite store in a temporary folder.
pub async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let store = churnwise_store_sqlite::SqliteStore::connect(&url)
        .await
        .expect("SQLite store opens");
    TestStore {
        store: Arc::new(store),
        url,
        _dir: Some(dir),
    }
}

/// Test schemas older than this are dropped when a test run starts.
const STALE_SCHEMA_SECS: u64 = 6 * 3600;

static CLEANED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Drops the schemas earlier test runs left (named `t_<unix seconds>_<random>`,
/// older than six hours, or in the older `t_<random>` form), once per test
/// process, so the `test` database does not grow without end. Runs that are
/// still going use young schemas and are not touched.
async fn drop_stale_schemas(base: &str) {
    if CLEANED.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let Ok(mut conn) = <sqlx::PgConnection as sqlx::Connection>::connect(base).await else {
        return; // the test itself reports the missing server
    };
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 't\\_%'")
            .fetch_all(&mut conn)
            .await
            .unwrap_or_default();
    let now = unix_now();
    for (name,) in names {
        let mut parts = name.split('_');
        let stale = match (parts.next(), parts.next(), parts.next()) {
            (Some("t"), Some(secs), Some(_)) => {
                u64::from_str_radix(secs, 16).is_ok_and(|secs| secs + STALE_SCHEMA_SECS < now)
            }
            (Some("t"), Some(old), None) => old.len() == 16,
            _ => false,
        };
        if stale {
            let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                .execute(&mut conn)
                .await;
        }
    }
}

/// A fresh PostgreSQL store in a schema of its own.
pub async fn postgres() -> TestStore {
    let base = postgres_url();
    drop_stale_schemas(&base).await;
    let schema = format!("t_{:x}_{:08x}", unix_now(), rand::thread_rng().gen::<u32>());
    let store = churnwise_store_postgres::PostgresStore::connect_in_schema(&base, &schema)
        .await
        .unwrap_or_else(|e| {
            panic!("PostgreSQL tests need a server at {base} (set CHURNWISE_TEST_POSTGRES): {e:#}")
        });
    let sep = if base.contains('?') { '&' } else { '?' };
    TestStore {
        store: Arc::new(store),
        url: format!("{base}{sep}options=-c%20search_path%3D{schema}"),
        _dir: None,
    }
}

/// Declares async test functions `fn name(store: Arc<dyn Store>)` and runs
/// each on both backends, as `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let t = $crate::Backend::Sqlite.fresh().await;
                    super::$name(t).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let t = $crate::Backend::Postgres.fresh().await;
                    super::$name(t).await
                }
            )*
        }
    };
}
