//! Secrets at rest: the Stripe API key and webhook secret are sealed with
//! XChaCha20-Poly1305 under a key that is not in the database: the
//! `CHURNWISE_SECRET_KEY` environment variable (base64 of 32 bytes) or, when
//! unset, a key file made on first need (mode 0600) next to the SQLite file,
//! or in the working folder for PostgreSQL (docs/billing.md).

use crate::error::{AppError, AppResult};
use anyhow::Context;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use std::path::{Path, PathBuf};

/// Where the sealing key comes from.
#[derive(Clone, Default)]
pub struct SecretKeySource {
    /// `CHURNWISE_SECRET_KEY`, when set (base64 of 32 bytes).
    pub env_key: Option<String>,
    /// The key file used when the variable is unset (made on first need).
    pub key_file: Option<PathBuf>,
}

impl std::fmt::Debug for SecretKeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretKeySource")
            .field("env_key", &self.env_key.as_ref().map(|_| "…"))
            .field("key_file", &self.key_file)
            .finish()
    }
}

/// The key that seals and opens the stored secrets.
pub struct SealingKey(XChaCha20Poly1305);

fn decode_key(text: &str, origin: &str) -> AppResult<SealingKey> {
    let bytes = BASE64
        .decode(text.trim())
        .map_err(|_| anyhow::anyhow!("{origin} is not base64"))?;
    if bytes.len() != 32 {
        return Err(anyhow::anyhow!("{origin} must hold 32 bytes, not {}", bytes.len()).into());
    }
    Ok(SealingKey(XChaCha20Poly1305::new(bytes.as_slice().into())))
}

impl SecretKeySource {
    /// The key from the environment, else from the key file, which is made
    /// (32 random bytes, mode 0600, named in the log) when `create` is set
    /// and it does not exist yet. `None` when there is no key and none may
    /// be made.
    pub fn key(&self, create: bool) -> AppResult<Option<SealingKey>> {
        if let Some(text) = self.env_key.as_deref().filter(|t| !t.trim().is_empty()) {
            return decode_key(text, "CHURNWISE_SECRET_KEY").map(Some);
        }
        let Some(path) = &self.key_file else {
            return Err(anyhow::anyhow!(
                "no CHURNWISE_SECRET_KEY and no key file to keep secrets in"
            )
            .into());
        };
        match std::fs::read_to_string(path) {
            Ok(text) => decode_key(&text, &path.display().to_string()).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                make_key_file(path).map(Some)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(AppError::Internal(
                anyhow::Error::new(e).context(format!("cannot read {}", path.display())),
            )),
        }
    }
}

fn make_key_file(path: &Path) -> AppResult<SealingKey> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let text = BASE64.encode(bytes);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write;
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create the secret key file {}", path.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write the secret key file {}", path.display()))?;
    tracing::warn!(
        key_file = %path.display(),
        "made a new key to seal stored secrets (Stripe key and webhook secret): keep this file, and back it up apart from the database"
    );
    decode_key(&text, &path.display().to_string())
}

impl SealingKey {
    /// Seals `plain` as base64 of a random 24-byte nonce and the ciphertext.
    pub fn seal(&self, plain: &str) -> AppResult<String> {
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .0
            .encrypt(XNonce::from_slice(&nonce), plain.as_bytes())
            .map_err(|_| anyhow::anyhow!("cannot seal a secret"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(BASE64.encode(out))
    }

    /// Opens what [`SealingKey::seal`] made; an error when the key is not
    /// the one that sealed it.
    pub fn open(&self, sealed: &str) -> AppResult<String> {
        let bytes = BASE64
            .decode(sealed)
            .map_err(|_| anyhow::anyhow!("a stored secret is not base64"))?;
        if bytes.len() < 24 {
            return Err(anyhow::anyhow!("a stored secret is too short").into());
        }
        let (nonce, body) = bytes.split_at(24);
        let plain = self
            .0
            .decrypt(XNonce::from_slice(nonce), body)
            .map_err(|_| {
                anyhow::anyhow!(
                    "a stored secret cannot be opened: the secret key (CHURNWISE_SECRET_KEY or the key file) is not the one it was sealed with"
                )
            })?;
        String::from_utf8(plain).map_err(|_| anyhow::anyhow!("a stored secret is not text").into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_with_its_key_only_and_never_shows_in_clear() {
        let key = decode_key(&BASE64.encode([7u8; 32]), "test").expect("key");
        let other = decode_key(&BASE64.encode([8u8; 32]), "test").expect("key");
        let sealed = key.seal("sk_test_secret").expect("sealed");
        assert!(!sealed.contains("sk_test_secret"));
        assert_ne!(sealed, key.seal("sk_test_secret").expect("sealed"));
        assert_eq!(key.open(&sealed).expect("opened"), "sk_test_secret");
        assert!(other.open(&sealed).is_err());
    }

    #[test]
    fn a_key_file_is_made_on_first_need_with_mode_0600_and_reused() {
        let dir = std::env::temp_dir().join(format!("cw-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("churnwise.db.key");
        let _ = std::fs::remove_file(&path);
        let source = SecretKeySource {
            env_key: None,
            key_file: Some(path.clone()),
        };
        assert!(source.key(false).expect("no error").is_none());
        let sealed = source
            .key(true)
            .expect("made")
            .expect("key")
            .seal("whsec_x")
            .expect("sealed");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = source.key(false).expect("read").expect("key");
        assert_eq!(again.open(&sealed).expect("opened"), "whsec_x");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_key_from_the_environment_must_be_32_bytes_of_base64() {
        let short = SecretKeySource {
            env_key: Some(BASE64.encode([1u8; 16])),
            key_file: None,
        };
        assert!(short.key(true).is_err());
        let good = SecretKeySource {
            env_key: Some(BASE64.encode([1u8; 32])),
            key_file: None,
        };
        assert!(good.key(true).expect("ok").is_some());
    }
}
