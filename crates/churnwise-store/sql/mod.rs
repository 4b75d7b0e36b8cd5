//! The SQL implementation of `Store`, shared by the SQLite and PostgreSQL
//! backends. It is not a module of `churnwise-store`: each backend crate
//! declares it as its own module with
//! `#[path = "../../churnwise-store/sql/mod.rs"] mod sql;`, after defining
//! `type Db` (its sqlx database), `BACKEND_NAME` and
//! `struct SqlStore { pool: sqlx::Pool<Db> }` at its crate root, so the same
//! queries compile against each driver's concrete types, without generic
//! trait bounds. Placeholders are `$1`-style (QueryBuilder emits each
//! driver's own), and only SQL both databases accept is written here; what
//! differs lives in the backend crates (connection, migrations, locks). See
//! ARCHITECTURE.md.
//!
//! `store.rs` holds the one `impl Store for SqlStore`; it delegates to
//! inherent methods of `SqlStore` in the module of each concern.

use churnwise_store::{StoreError, StoreResult};

mod bounded;
mod cases;
mod clients;
mod health;
mod imports;
mod jobs;
mod metrics_data;
mod records;
mod settings;
mod store;
mod users;

type DbRow = <crate::Db as sqlx::Database>::Row;

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

fn json_error(what: &str, e: serde_json::Error) -> StoreError {
    StoreError::Backend(anyhow::anyhow!("stored {what} is invalid: {e}"))
}
