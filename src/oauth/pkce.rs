//! Proof Key for Code Exchange (RFC 7636), `S256` only: `plain` exposes the verifier and
//! RFC 9700 §2.1.1 recommends against it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::OAuthError;
use crate::crypto::constant_time_eq;

/// Checks the `code_challenge` / `code_challenge_method` pair of an authorization request.
pub fn check_challenge(challenge: &str, method: Option<&str>) -> Result<(), OAuthError> {
    match method {
        Some("S256") => {}
        None | Some("plain") => {
            return Err(OAuthError::invalid_request(
                "code_challenge_method must be S256 (plain is not supported)",
            ))
        }
        Some(other) => {
            return Err(OAuthError::invalid_request(format!(
                "unknown code_challenge_method '{other}'; use S256"
            )))
        }
    }
    let valid = challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !valid {
        return Err(OAuthError::invalid_request(
            "code_challenge must be the 43-character base64url SHA-256 of the verifier",
        ));
    }
    Ok(())
}

/// Whether `verifier` hashes to `challenge` (RFC 7636 §4.6), in constant time.
pub fn verify(challenge: &str, verifier: &str) -> bool {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if !well_formed {
        return false;
    }
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    constant_time_eq(computed.as_bytes(), challenge.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 7636 Appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn rfc_7636_example_verifies() {
        assert!(check_challenge(CHALLENGE, Some("S256")).is_ok());
        assert!(verify(CHALLENGE, VERIFIER));
        assert!(!verify(CHALLENGE, &VERIFIER.replace('d', "e")));
    }

    #[test]
    fn plain_and_malformed_challenges_are_refused() {
        assert!(check_challenge(CHALLENGE, None).is_err());
        assert!(check_challenge(CHALLENGE, Some("plain")).is_err());
        assert!(check_challenge("short", Some("S256")).is_err());
        assert!(!verify(CHALLENGE, "short"));
    }
}
