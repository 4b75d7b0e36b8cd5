//! The subcommands, one file each: thin adapters that parse arguments into
//! domain types and call the store or the engines.

pub mod backup;
pub mod case;
pub mod client;
pub mod contact;
pub mod digest;
pub mod due;
pub mod export;
pub mod generate;
pub mod health;
pub mod import;
pub mod import_usage;
pub mod interaction;
pub mod metrics;
pub mod owner;
pub mod reasons;
pub mod reminders;
pub mod report;
pub mod serve;
pub mod stripe;
pub mod subscription;
pub mod token;
pub mod user;
// --- stripe-cancel ---
pub mod webhooks;
// --- worklog --- (issue 16)
pub mod work;
// --- updates --- (issue 16)
pub mod updates;

use crate::settings::FileSettings;
use churnwise_store::Store;
use std::sync::Arc;

/// What every command gets: the resolved database URL and file settings.
pub struct Context {
    /// Database URL after layering.
    pub database: String,
    /// Settings from `churnwise.toml`.
    pub file: FileSettings,
}

impl Context {
    /// Opens the store (running migrations).
    pub async fn store(&self) -> anyhow::Result<Arc<dyn Store>> {
        crate::backend::open_store(&self.database).await
    }
}
