//! The one place where the storage backend is chosen, from the database
//! URL's scheme.

use churnwise_store::Store;
use std::sync::Arc;

/// Opens the store at `url`: `postgres://` or `postgresql://` selects
/// PostgreSQL; `sqlite:` or a plain file path selects SQLite. Migrations run.
pub async fn open_store(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    let store: Arc<dyn Store> =
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Arc::new(
                churnwise_store_postgres::PostgresStore::connect(url)
                    .await
                    .map_err(|e| anyhow::anyhow!("cannot open the PostgreSQL database: {e}"))?,
            )
        } else {
            Arc::new(
                churnwise_store_sqlite::SqliteStore::connect(url)
                    .await
                    .map_err(|e| anyhow::anyhow!("cannot open the SQLite database {url:?}: {e}"))?,
            )
        };
    Ok(store)
}
