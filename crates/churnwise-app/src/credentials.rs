//! Credentials: argon2id password hashes, password rules, sign-in with a
//! password, and random tokens (sessions, API tokens, survey links) stored only as SHA-256
//! hashes. Nothing here keeps a secret in clear.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};
use churnwise_store::{Membership, NewSession, Store};

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

/// True when `password` matches the PHC hash.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// [`hash_password`] on tokio's blocking pool: argon2 takes tens of
/// milliseconds of CPU on purpose, which must not stall the async workers
/// serving every other request.
pub async fn hash_password_async(password: &str) -> AppResult<String> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("password hashing task failed: {e}")))?
        .map_err(AppError::Internal)
}

/// [`verify_password`] on tokio's blocking pool (see [`hash_password_async`]).
pub async fn verify_password_async(password: &str, phc: &str) -> AppResult<bool> {
    let (password, phc) = (password.to_string(), phc.to_string());
    tokio::task::spawn_blocking(move || verify_password(&password, &phc))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("password check task failed: {e}")))
}

/// A new random secret (32 bytes, hex): session cookies, API and survey tokens.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The SHA-256 hash (hex) under which a token is stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Checks a password is acceptable for an account.
pub fn check_password_strength(password: &str) -> Result<(), String> {
    if password.chars().count() < 10 {
        return Err("must be at least 10 characters".to_string());
    }
    Ok(())
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Days a session stays valid after sign-in.
pub const SESSION_DAYS: i64 = 14;

/// A new session, after a good email and password.
#[derive(Debug)]
pub struct SignedIn {
    /// The session cookie's value (stored only as its hash).
    pub token: String,
    /// The token that cookie-authenticated changes must echo.
    pub csrf: String,
    /// The workspace the session acts in.
    pub chosen: Membership,
    /// Every workspace of the user.
    pub memberships: Vec<Membership>,
    /// The user's email.
    pub email: String,
}

/// Checks an email and password and opens a session in `workspace` (the
/// user's first when not given). A wrong email or password is one answer,
/// on `password`, whichever was wrong, and takes as long either way.
pub async fn sign_in_with_password(
    store: &dyn Store,
    email: &str,
    password: &str,
    workspace: Option<&str>,
) -> AppResult<SignedIn> {
    let found = store
        .find_user_by_email(&email.trim().to_lowercase())
        .await?;
    // Verify against a dummy hash when the user is unknown, so timing does
    // not tell which emails have accounts.
    let (user, hash) = match found {
        Some(u) => (Some(u.user), Some(u.password_hash)),
        None => (None, None),
    };
    let password = password.to_string();
    let ok = tokio::task::spawn_blocking(move || {
        verify_password(&password, hash.as_deref().unwrap_or_else(|| dummy_hash()))
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("password check task failed: {e}")))?;
    let user = match (user, ok) {
        (Some(user), true) => user,
        _ => return Err(AppError::field("password", "email or password is wrong")),
    };
    let memberships = store.memberships(user.id).await?;
    let chosen = match workspace {
        Some(name) => memberships.iter().find(|m| m.workspace.name == name),
        None => memberships.first(),
    }
    .cloned()
    .ok_or_else(|| AppError::field("workspace", "you are not a member of this workspace"))?;
    let token = new_token();
    let csrf = new_token();
    store
        .create_session(NewSession {
            token_hash: token_hash(&token),
            user: user.id,
            workspace: chosen.workspace.id,
            csrf_token: csrf.clone(),
            expires_at: chrono::Utc::now() + chrono::Duration::days(SESSION_DAYS),
        })
        .await?;
    Ok(SignedIn {
        token,
        csrf,
        chosen,
        memberships,
        email: user.email,
    })
}

/// An argon2 hash of a random password, verified when the email is unknown.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&new_token()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_hash_and_a_wrong_one_does_not() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_stored_as_a_hash_not_in_clear() {
        let a = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_token());
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_password_strength("short").is_err());
        assert!(check_password_strength("long enough pw").is_ok());
    }
}
