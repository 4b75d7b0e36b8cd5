//! One typed configuration, layered: built-in defaults, then the optional
//! `churnwise.toml`, then environment variables, then command-line flags
//! (each later layer wins).

use churnwise_app::digest::{SmtpSettings, SmtpTls};
use churnwise_ingest::ReadLimits;
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
    /// Behind a reverse proxy that appends X-Forwarded-For.
    pub behind_proxy: Option<bool>,
    /// The SMTP server that sends the daily digests.
    pub smtp: Option<SmtpFileSettings>,
    /// The background scheduler of `serve`.
    pub scheduler: Option<SchedulerFileSettings>,
    /// How much an imported file may make us read.
    pub import: Option<ImportFileSettings>,
}

/// `[import]` in `churnwise.toml`: the bounds of an input file (a zip bomb
/// or an endless file is refused with an error naming the bound).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportFileSettings {
    /// Megabytes (10^6 bytes) an .xlsx workbook may inflate to, all parts together (default 200).
    pub max_uncompressed_mb: Option<u64>,
    /// Rows a file may hold (default 5,000,000).
    pub max_rows: Option<u64>,
    /// KiB one CSV line may hold (default 1024).
    pub max_line_kb: Option<u64>,
    /// Megabytes (10^6 bytes) a file uploaded to `serve` may have (default 50).
    pub max_upload_mb: Option<u64>,
}

/// How `serve` takes uploaded files: `[import] max_upload_mb` (or
/// `CHURNWISE_IMPORT_MAX_UPLOAD_MB`) and the read limits of `[import]`.
pub fn upload_settings(file: &FileSettings) -> churnwise_app::import_jobs::UploadSettings {
    let defaults = churnwise_app::import_jobs::UploadSettings::default();
    let from_env = std::env::var("CHURNWISE_IMPORT_MAX_UPLOAD_MB")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok());
    let mb = from_env.or(file.import.as_ref().and_then(|i| i.max_upload_mb));
    churnwise_app::import_jobs::UploadSettings {
        max_upload_bytes: mb.map_or(defaults.max_upload_bytes, |mb| mb.saturating_mul(1_000_000)),
        limits: import_limits(&ImportLimitArgs::default(), file),
        ..defaults
    }
}

/// Import bound flags and environment variables (they win over `[import]`).
#[derive(Debug, Default, Clone, clap::Args)]
pub struct ImportLimitArgs {
    /// Megabytes an .xlsx workbook may inflate to (default 200).
    #[arg(long, env = "CHURNWISE_IMPORT_MAX_UNCOMPRESSED_MB")]
    pub max_uncompressed_mb: Option<u64>,
    /// Rows a file may hold (default 5000000).
    #[arg(long, env = "CHURNWISE_IMPORT_MAX_ROWS")]
    pub max_rows: Option<u64>,
    /// KiB one CSV line may hold (default 1024).
    #[arg(long, env = "CHURNWISE_IMPORT_MAX_LINE_KB")]
    pub max_line_kb: Option<u64>,
}

/// The read limits after layering: flags and environment, then `[import]`, then the defaults.
pub fn import_limits(args: &ImportLimitArgs, file: &FileSettings) -> ReadLimits {
    let empty = ImportFileSettings::default();
    let f = file.import.as_ref().unwrap_or(&empty);
    let defaults = ReadLimits::default();
    ReadLimits {
        max_uncompressed_bytes: args
            .max_uncompressed_mb
            .or(f.max_uncompressed_mb)
            .map_or(defaults.max_uncompressed_bytes, |mb| {
                mb.saturating_mul(1_000_000)
            }),
        max_rows: args.max_rows.or(f.max_rows).unwrap_or(defaults.max_rows),
        max_line_bytes: args
            .max_line_kb
            .or(f.max_line_kb)
            .map_or(defaults.max_line_bytes, |kb| kb.saturating_mul(1024)),
    }
}

/// `[smtp]` in `churnwise.toml`.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpFileSettings {
    /// Host name.
    pub host: Option<String>,
    /// Port (default 587, or 465 with `tls = "tls"`, or 25 with `tls = "none"`).
    pub port: Option<u16>,
    /// `starttls` (default), `tls` or `none`.
    pub tls: Option<SmtpTls>,
    /// User name.
    pub username: Option<String>,
    /// Password.
    pub password: Option<String>,
    /// Sender address.
    pub from: Option<String>,
}

impl std::fmt::Debug for SmtpFileSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpFileSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[hidden]"))
            .field("from", &self.from)
            .finish()
    }
}

/// `[scheduler]` in `churnwise.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchedulerFileSettings {
    /// False turns the scheduler off in this process.
    pub enabled: Option<bool>,
    /// Seconds between ticks (default 900).
    pub interval_secs: Option<u64>,
}

/// SMTP flags and environment variables (they win over `[smtp]`).
#[derive(Debug, Default, Clone, clap::Args)]
pub struct SmtpArgs {
    /// SMTP host that sends the daily digests (none: no digests).
    #[arg(long, env = "CHURNWISE_SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// SMTP port.
    #[arg(long, env = "CHURNWISE_SMTP_PORT")]
    pub smtp_port: Option<u16>,
    /// SMTP security: starttls (default), tls or none.
    #[arg(long, env = "CHURNWISE_SMTP_TLS")]
    pub smtp_tls: Option<SmtpTls>,
    /// SMTP user name.
    #[arg(long, env = "CHURNWISE_SMTP_USERNAME")]
    pub smtp_username: Option<String>,
    /// SMTP password (prefer the environment variable to the flag).
    #[arg(long, env = "CHURNWISE_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// Sender address of the digests.
    #[arg(long, env = "CHURNWISE_SMTP_FROM")]
    pub smtp_from: Option<String>,
}

/// The SMTP settings after layering, or `None` when no host is set.
pub fn smtp_settings(args: &SmtpArgs, file: &FileSettings) -> anyhow::Result<Option<SmtpSettings>> {
    let empty = SmtpFileSettings::default();
    let f = file.smtp.as_ref().unwrap_or(&empty);
    let Some(host) = args.smtp_host.clone().or_else(|| f.host.clone()) else {
        return Ok(None);
    };
    let tls = args.smtp_tls.or(f.tls).unwrap_or_default();
    let port = args.smtp_port.or(f.port).unwrap_or(match tls {
        SmtpTls::Starttls => 587,
        SmtpTls::Tls => 465,
        SmtpTls::None => 25,
    });
    let from = args
        .smtp_from
        .clone()
        .or_else(|| f.from.clone())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "smtp: a sender address is needed (--smtp-from, CHURNWISE_SMTP_FROM or smtp.from)"
            )
        })?;
    Ok(Some(SmtpSettings {
        host,
        port,
        tls,
        username: args.smtp_username.clone().or_else(|| f.username.clone()),
        password: args.smtp_password.clone().or_else(|| f.password.clone()),
        from,
    }))
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

/// Where the key that seals stored secrets comes from:
/// `CHURNWISE_SECRET_KEY`, else a key file next to the SQLite file
/// (`churnwise.db.key` for `churnwise.db`), or `churnwise-secret.key` in the
/// working folder for PostgreSQL (docs/billing.md).
pub fn secret_key_source(database: &str) -> churnwise_app::stripe::SecretKeySource {
    let env_key = std::env::var("CHURNWISE_SECRET_KEY")
        .ok()
        .filter(|v| !v.trim().is_empty());
    let key_file = if database.starts_with("postgres://") || database.starts_with("postgresql://") {
        Some(PathBuf::from("churnwise-secret.key"))
    } else {
        let path = database
            .strip_prefix("sqlite://")
            .or_else(|| database.strip_prefix("sqlite:"))
            .unwrap_or(database);
        let path = path.split('?').next().unwrap_or(path);
        (!path.is_empty() && !path.contains(":memory:"))
            .then(|| PathBuf::from(format!("{path}.key")))
    };
    churnwise_app::stripe::SecretKeySource { env_key, key_file }
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
    fn smtp_flags_win_over_the_file_and_the_port_follows_the_security() {
        let file: FileSettings = toml::from_str(
            "[smtp]\nhost = 'mail.example.com'\ntls = 'tls'\nfrom = 'cw@example.com'\npassword = 'secret'\n",
        )
        .unwrap();
        let smtp = smtp_settings(&SmtpArgs::default(), &file).unwrap().unwrap();
        assert_eq!(
            (smtp.host.as_str(), smtp.port, smtp.tls),
            ("mail.example.com", 465, SmtpTls::Tls)
        );
        assert!(
            !format!("{smtp:?}").contains("secret"),
            "the password never reaches Debug output"
        );
        assert!(!format!("{file:?}").contains("secret"));
        let args = SmtpArgs {
            smtp_host: Some("127.0.0.1".into()),
            smtp_port: Some(2525),
            smtp_tls: Some(SmtpTls::None),
            ..SmtpArgs::default()
        };
        let smtp = smtp_settings(&args, &file).unwrap().unwrap();
        assert_eq!(
            (smtp.host.as_str(), smtp.port, smtp.tls),
            ("127.0.0.1", 2525, SmtpTls::None)
        );
        assert_eq!(smtp.from, "cw@example.com");
        assert!(
            smtp_settings(&SmtpArgs::default(), &FileSettings::default())
                .unwrap()
                .is_none()
        );
        let no_sender = SmtpArgs {
            smtp_host: Some("h".into()),
            ..SmtpArgs::default()
        };
        let err = smtp_settings(&no_sender, &FileSettings::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("--smtp-from"), "{err}");
    }

    #[test]
    fn import_limits_default_then_file_then_flags() {
        assert_eq!(
            import_limits(&ImportLimitArgs::default(), &FileSettings::default()),
            ReadLimits::default()
        );
        let file: FileSettings =
            toml::from_str("[import]\nmax_uncompressed_mb = 50\nmax_rows = 1000\n").unwrap();
        let limits = import_limits(&ImportLimitArgs::default(), &file);
        assert_eq!(limits.max_uncompressed_bytes, 50_000_000);
        assert_eq!(limits.max_rows, 1000);
        let args = ImportLimitArgs {
            max_rows: Some(7),
            max_line_kb: Some(2),
            ..ImportLimitArgs::default()
        };
        let limits = import_limits(&args, &file);
        assert_eq!(
            (
                limits.max_uncompressed_bytes,
                limits.max_rows,
                limits.max_line_bytes
            ),
            (50_000_000, 7, 2048)
        );
    }

    #[test]
    fn a_missing_default_file_is_fine_but_a_missing_explicit_one_is_not() {
        assert!(FileSettings::load(Some(Path::new("/nonexistent/churnwise.toml"))).is_err());
    }
}
