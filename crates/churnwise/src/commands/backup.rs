//! `churnwise backup`: a consistent copy of the database while the server
//! runs (the use case is `churnwise_app::backup`).

use super::Context;
use churnwise_app::backup::{backup, BackupOutcome};
use clap::Args;
use std::path::PathBuf;

/// Copy the database into a file, safely while `churnwise serve` runs.
///
/// SQLite only: the copy is one consistent snapshot (writers go on meanwhile),
/// checked with `PRAGMA integrity_check` before it takes the file's name.
/// To restore, stop the server and copy the backup over the database file
/// (removing its `-wal` and `-shm` files), or start with `--database` naming
/// the backup: see docs/backup.md. On PostgreSQL use `pg_dump`; this command
/// prints the exact command.
///
/// Example: churnwise backup --to backups/churnwise-2025-01-31.db
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file to write (must not exist, unless --force).
    #[arg(long, value_name = "FILE")]
    to: PathBuf,
    /// Overwrite the file if it exists (it is replaced only once the new
    /// copy is complete and checked).
    #[arg(long)]
    force: bool,
}

/// Runs `backup`.
pub async fn run(ctx: &Context, args: BackupArgs) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    let outcome = backup(store.as_ref(), &args.to, args.force)
        .await
        .map_err(|e| crate::errors::cli_error(e, &crate::errors::USUAL))?;
    match outcome {
        BackupOutcome::Written { path, bytes } => {
            println!(
                "backup written to {} ({bytes} bytes, integrity checked)",
                path.display()
            );
            Ok(())
        }
        BackupOutcome::UseDatabaseTools { backend } => {
            let url = super::serve::redact(&ctx.database);
            let file = args.to.display();
            anyhow::bail!(
                "`churnwise backup` copies SQLite databases only; this database is {backend}. \
                 Back it up with pg_dump, which is consistent while the server runs:\n  \
                 pg_dump --format=custom --file='{file}' '{url}'\n\
                 and restore it into an empty database with:\n  \
                 pg_restore --no-owner --dbname='{url}' '{file}'\n\
                 (see docs/backup.md)"
            )
        }
    }
}
