//! Argon2id password hashes (OWASP parameters, the argon2 crate's defaults). Hashing is
//! deliberately slow, so it runs on the blocking pool behind a semaphore: a login storm
//! queues here instead of starving the workers that answer token requests. Each source (a
//! client address) hashes one password at a time, so one source cannot take all the capacity
//! and starve everyone else.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::Argon2;
use tokio::sync::Semaphore;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// The longest password accepted (NIST SP 800-63B asks for at least 64). The strength
/// estimate grows faster than linearly with the length, so longer input is refused before
/// it is estimated.
pub const MAX_PASSWORD_CHARS: usize = 256;

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

/// Checks a new password: 8 to 256 characters, and hard to guess by zxcvbn's estimate
/// (score 3 of 4), also considering the person's own name and address (`related`). The
/// message is shown to the person choosing the password.
pub fn check_strength(password: &str, related: &[&str]) -> Result<(), String> {
    // Counting stops early, so a huge input costs no more than the limit.
    let chars = password.chars().take(MAX_PASSWORD_CHARS + 1).count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(format!(
            "the password must have at most {MAX_PASSWORD_CHARS} characters"
        ));
    }
    let estimate = zxcvbn::zxcvbn(password, related);
    if u8::from(estimate.score()) < 3 {
        let hint = estimate
            .feedback()
            .and_then(|f| f.warning().map(|w| w.to_string()))
            .unwrap_or_else(|| "add more words or characters".into());
        // The pages end the message with a full stop of their own.
        let hint = hint.trim_end_matches('.');
        return Err(format!("the password is too easy to guess: {hint}"));
    }
    Ok(())
}

/// Runs hashing off the async workers, at most `limit` at a time and one per source.
#[derive(Clone)]
pub struct PasswordPool {
    permits: Arc<Semaphore>,
    /// One permit per source that is hashing or waiting to.
    sources: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
    /// Verified when the username is unknown, so timing does not reveal which names exist.
    dummy_hash: Arc<String>,
}

impl PasswordPool {
    /// A pool that hashes at most `limit` passwords at once.
    pub fn new(limit: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(limit.max(1))),
            sources: Arc::new(Mutex::new(HashMap::new())),
            dummy_hash: Arc::new(hash_now("no such user, no such password").unwrap_or_default()),
        }
    }

    /// Verifies `password` against `hash`, or against a dummy hash when there is none, for
    /// a request from `source`.
    pub async fn verify(&self, source: &str, password: String, hash: Option<String>) -> bool {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.as_ref().clone());
        let verified = self
            .run(source, move || verify_now(&password, &hash))
            .await
            .unwrap_or(false);
        known && verified
    }

    /// Hashes a new password for a request from `source`.
    pub async fn hash(&self, source: &str, password: String) -> Result<String, String> {
        self.run(source, move || hash_now(&password)).await?
    }

    /// Runs `work` on the blocking pool once `source` has no other hash running and the
    /// pool has room.
    async fn run<T: Send + 'static>(
        &self,
        source: &str,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, String> {
        let queue = {
            let mut sources = self.sources.lock().unwrap_or_else(|e| e.into_inner());
            sources
                .entry(source.to_string())
                .or_insert_with(|| Arc::new(Semaphore::new(1)))
                .clone()
        };
        let closed = |_| "the password pool is closed".to_string();
        let result = async {
            let _turn = queue.acquire().await.map_err(closed)?;
            let _permit = self.permits.acquire().await.map_err(closed)?;
            tokio::task::spawn_blocking(work)
                .await
                .map_err(|e| e.to_string())
        }
        .await;
        let mut sources = self.sources.lock().unwrap_or_else(|e| e.into_inner());
        // The map's and this call's handle: nobody else waits on this source.
        if Arc::strong_count(&queue) == 2 {
            sources.remove(source);
        }
        result
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
        for weak in ["password1", "qwertyuiop", "aaaaaaaaaa"] {
            let message = check_strength(weak, &[]).unwrap_err();
            assert!(
                !message.ends_with('.'),
                "the page adds the full stop: {message}"
            );
        }
        let longest = "correct horse battery staple ".repeat(9)[..MAX_PASSWORD_CHARS].to_string();
        assert!(!check_strength(&longest, &[]).is_err_and(|e| e.contains("at most")));
        assert!(check_strength(&format!("{longest}x"), &[])
            .unwrap_err()
            .contains("at most 256"));
    }

    #[tokio::test]
    async fn unknown_user_never_verifies() {
        let pool = PasswordPool::new(1);
        assert!(
            !pool
                .verify(
                    "198.51.100.7",
                    "no such user, no such password".into(),
                    None
                )
                .await
        );
        assert!(pool.sources.lock().unwrap().is_empty(), "nothing is kept");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_source_cannot_take_the_whole_pool() {
        let pool = PasswordPool::new(2);
        let hash = hash_now("correct horse").unwrap();
        // A flood from one source queues behind its own turn...
        let flood: Vec<_> = (0..6)
            .map(|_| {
                let pool = pool.clone();
                let hash = hash.clone();
                tokio::spawn(async move { pool.verify("flood", "wrong".into(), Some(hash)).await })
            })
            .collect();
        tokio::task::yield_now().await;
        // ...so at most one of the pool's two permits is ever the flood's.
        assert!(pool.permits.available_permits() >= 1);
        assert!(
            pool.verify("other", "correct horse".into(), Some(hash))
                .await
        );
        for task in flood {
            assert!(!task.await.unwrap());
        }
    }
}
