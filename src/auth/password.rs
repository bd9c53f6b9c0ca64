//! Argon2id password hashes (OWASP parameters, the argon2 crate's defaults). Hashing is
//! deliberately slow, so it runs on the blocking pool behind a semaphore: a login storm
//! queues here instead of starving the workers that answer token requests.

use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::Argon2;
use tokio::sync::Semaphore;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Hashes a password now, on the calling thread (for the command line).
pub fn hash_now(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash password: {e}"))
}

/// Checks a password against a stored PHC-format hash, on the calling thread.
pub fn verify_now(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Checks a new password: at least 8 characters, and hard to guess by zxcvbn's estimate
/// (score 3 of 4), also considering the person's own name and address (`related`). The
/// message is shown to the person choosing the password.
pub fn check_strength(password: &str, related: &[&str]) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    let estimate = zxcvbn::zxcvbn(password, related);
    if u8::from(estimate.score()) < 3 {
        let hint = estimate
            .feedback()
            .and_then(|f| f.warning().map(|w| w.to_string()))
            .unwrap_or_else(|| "add more words or characters".into());
        return Err(format!("the password is too easy to guess: {hint}"));
    }
    Ok(())
}

/// Runs hashing off the async workers, at most `limit` at a time.
#[derive(Clone)]
pub struct PasswordPool {
    permits: Arc<Semaphore>,
    /// Verified when the username is unknown, so timing does not reveal which names exist.
    dummy_hash: Arc<String>,
}

impl PasswordPool {
    /// A pool that hashes at most `limit` passwords at once.
    pub fn new(limit: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(limit.max(1))),
            dummy_hash: Arc::new(hash_now("no such user, no such password").unwrap_or_default()),
        }
    }

    /// Verifies `password` against `hash`, or against a dummy hash when there is none.
    pub async fn verify(&self, password: String, hash: Option<String>) -> bool {
        let Ok(_permit) = self.permits.acquire().await else {
            return false;
        };
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.as_ref().clone());
        let verified = tokio::task::spawn_blocking(move || verify_now(&password, &hash))
            .await
            .unwrap_or(false);
        known && verified
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: String) -> Result<String, String> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| "the password pool is closed".to_string())?;
        tokio::task::spawn_blocking(move || hash_now(&password))
            .await
            .map_err(|e| e.to_string())?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let hash = hash_now("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_now("correct horse", &hash));
        assert!(!verify_now("wrong horse", &hash));
        assert!(!verify_now("correct horse", "not a hash"));
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert!(check_strength("short", &[]).is_err());
        assert!(check_strength("password1", &[])
            .unwrap_err()
            .contains("easy to guess"));
        assert!(check_strength("qwertyuiop", &[]).is_err());
        assert!(check_strength("alicealice1", &["alice"]).is_err());
        assert_eq!(check_strength("correct horse battery staple", &[]), Ok(()));
    }

    #[tokio::test]
    async fn unknown_user_never_verifies() {
        let pool = PasswordPool::new(1);
        assert!(
            !pool
                .verify("no such user, no such password".into(), None)
                .await
        );
    }
}
