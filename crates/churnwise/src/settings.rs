//! One typed configuration, layered: built-in defaults, then the optional
//! `churnwise.toml`, then environment variables, then command-line flags
//! (each later layer wins).

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The default database: a SQLite file in the current folder.
pub const DEFAULT_DATABASE: &str = "sqlite://churnwise.db";
/// The default configuration file, read when present.
pub const DEFAULT_CONFIG: &str = "churnwise.toml";

/// What can be set in `churnwise.toml` (every key optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    /// Database URL.
    pub database_url: Option<String>,
    /// Address to bind.
    pub bind: Option<String>,
    /// Port to listen on.
    pub port: Option<u16>,
    /// Mark cookies Secure even without an HTTPS proxy header.
    pub secure_cookies: Option<bool>,
}

impl FileSettings {
    /// Reads `path`; a missing default file is no error, a missing explicit one is.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let (path, explicit) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from(DEFAULT_CONFIG), false),
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => Ok(Self::default()),
            Err(e) => Err(anyhow::anyhow!("{}: {e}", path.display())),
        }
    }
}

/// The database URL: flag or `DATABASE_URL` (merged by clap), else the file, else the default.
pub fn database_url(flag_or_env: Option<&str>, file: &FileSettings) -> String {
    flag_or_env
        .map(str::to_string)
        .or_else(|| file.database_url.clone())
        .unwrap_or_else(|| DEFAULT_DATABASE.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_wins_over_the_file_which_wins_over_the_default() {
        let file = FileSettings {
            database_url: Some("sqlite://from-file.db".into()),
            ..FileSettings::default()
        };
        assert_eq!(database_url(Some("postgres://x"), &file), "postgres://x");
        assert_eq!(database_url(None, &file), "sqlite://from-file.db");
        assert_eq!(
            database_url(None, &FileSettings::default()),
            DEFAULT_DATABASE
        );
    }

    #[test]
    fn an_unknown_key_in_the_file_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "databse_url = 'x'\n").unwrap();
        let err = FileSettings::load(Some(&path)).unwrap_err().to_string();
        assert!(
            err.contains("c.toml") && err.contains("databse_url"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_default_file_is_fine_but_a_missing_explicit_one_is_not() {
        assert!(FileSettings::load(Some(Path::new("/nonexistent/churnwise.toml"))).is_err());
    }
}
