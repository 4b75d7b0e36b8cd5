//! `backup`: a consistent copy of the database while the server runs.
//!
//! On SQLite the store copies the database into a new file beside the
//! target (`VACUUM INTO`, one read snapshot, writers go on), checks the
//! copy's integrity, and only then moves it to the target, so the target is
//! never a half-written file. An existing target is kept unless the caller
//! asks to overwrite it. PostgreSQL backups are `pg_dump`'s job: the caller
//! learns so and says how (docs/backup.md).

use crate::{AppError, AppResult};
use churnwise_store::Store;
use std::path::{Path, PathBuf};

/// What a backup did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupOutcome {
    /// The copy was written to this file, of this size, and passed its
    /// integrity check.
    Written {
        /// The backup file.
        path: PathBuf,
        /// Its size in bytes.
        bytes: u64,
    },
    /// This backend is backed up with its own tools (PostgreSQL:
    /// `pg_dump`); nothing was written.
    UseDatabaseTools {
        /// The store's backend name (`postgres`).
        backend: &'static str,
    },
}

fn taken(to: &Path) -> AppError {
    AppError::field(
        "to",
        format!(
            "{} already exists; choose another file or overwrite it with --force",
            to.display()
        ),
    )
}

/// Backs the database up into the file `to`; an existing file is replaced
/// only when `overwrite` is set.
pub async fn backup(store: &dyn Store, to: &Path, overwrite: bool) -> AppResult<BackupOutcome> {
    if to.is_dir() {
        return Err(AppError::field(
            "to",
            format!("{} is a folder; name a file", to.display()),
        ));
    }
    if to.exists() && !overwrite {
        return Err(taken(to));
    }
    let name = to
        .file_name()
        .ok_or_else(|| AppError::field("to", "name a file"))?;
    let folder = match to.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        return Err(AppError::field(
            "to",
            format!("the folder {} does not exist", folder.display()),
        ));
    }
    // The copy is made beside the target (same file system, so the final
    // rename is atomic) under a name no one else uses.
    let partial = folder.join(format!(
        ".{}.partial-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let _ = std::fs::remove_file(&partial);
    let written = match store.backup_to_file(&partial).await {
        Ok(written) => written,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e.into());
        }
    };
    if !written {
        return Ok(BackupOutcome::UseDatabaseTools {
            backend: store.backend(),
        });
    }
    if to.exists() && !overwrite {
        let _ = std::fs::remove_file(&partial);
        return Err(taken(to));
    }
    let moved = std::fs::rename(&partial, to).and_then(|()| std::fs::metadata(to));
    match moved {
        Ok(meta) => Ok(BackupOutcome::Written {
            path: to.to_path_buf(),
            bytes: meta.len(),
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(AppError::field(
                "to",
                format!("cannot write {}: {e}", to.display()),
            ))
        }
    }
}
