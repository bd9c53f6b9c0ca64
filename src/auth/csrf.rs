//! CSRF tokens for every form: the browser holds a random, HttpOnly `vz_csrf` cookie and each
//! form carries a MAC of it under the server key. A cross-site page can make the browser
//! send the cookie but can neither read it nor compute the MAC.

use crate::crypto::{constant_time_eq, SecretKey};

/// The form field that carries the token.
pub const FIELD: &str = "csrf_token";
const PURPOSE: &str = "csrf";

/// The token a form rendered for `cookie` must carry.
pub fn token_for(key: &SecretKey, cookie: &str) -> String {
    key.mac(PURPOSE, cookie)
}

/// Whether a submitted token belongs to the browser's cookie.
pub fn verify(key: &SecretKey, cookie: Option<&str>, submitted: Option<&str>) -> bool {
    match (cookie, submitted) {
        (Some(cookie), Some(submitted)) if !cookie.is_empty() => {
            constant_time_eq(token_for(key, cookie).as_bytes(), submitted.as_bytes())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_matches_only_its_cookie() {
        let key = SecretKey::generate();
        let token = token_for(&key, "cookie-a");
        assert!(verify(&key, Some("cookie-a"), Some(&token)));
        assert!(!verify(&key, Some("cookie-b"), Some(&token)));
        assert!(!verify(&key, None, Some(&token)));
        assert!(!verify(&key, Some("cookie-a"), None));
    }
}
