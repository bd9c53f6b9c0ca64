//! Random secrets, one-way hashes of tokens, and the AEAD box that keeps client secrets
//! readable by the server (the VZ signature needs them) but never stored in plain text.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Length in bytes of the server's secret key.
pub const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;

/// `n` random bytes from the operating system, base64url without padding: safe in URLs,
/// form bodies and Basic credentials whether or not a client form-encodes them.
pub fn random_token(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The form in which tokens, codes and session ids are stored: SHA-256, hex.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two secrets without leaking where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// The server's 32-byte secret key: encrypts client secrets and derives CSRF tokens.
#[derive(Clone)]
pub struct SecretKey([u8; KEY_LEN]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

impl SecretKey {
    /// A fresh random key.
    pub fn generate() -> Self {
        let mut bytes = [0u8; KEY_LEN];
        OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Parses a key written as hex or base64url (with or without padding).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let bytes = if text.len() == KEY_LEN * 2 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).map_err(|e| e.to_string())?
        } else {
            URL_SAFE_NO_PAD
                .decode(text.trim_end_matches('='))
                .map_err(|_| "the secret key is neither hex nor base64url".to_string())?
        };
        let bytes: [u8; KEY_LEN] = bytes.try_into().map_err(|b: Vec<u8>| {
            format!(
                "the secret key must be {KEY_LEN} bytes, this one has {}",
                b.len()
            )
        })?;
        Ok(Self(bytes))
    }

    /// The key as base64url, the form written to a key file.
    pub fn to_base64url(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    /// Encrypts `plaintext`, binding it to `context` (e.g. the client id) so a ciphertext
    /// cannot be moved to another row.
    pub fn seal(&self, context: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plaintext,
            aad: context,
        };
        // Encryption with a valid key and nonce size cannot fail.
        let ciphertext = cipher
            .encrypt(XNonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ciphertext);
        out
    }

    /// Decrypts what [`SecretKey::seal`] produced; `None` if the key, context or data is wrong.
    pub fn open(&self, context: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let payload = Payload {
            msg: ciphertext,
            aad: context,
        };
        cipher.decrypt(XNonce::from_slice(nonce), payload).ok()
    }

    /// A value that identifies this key without revealing it, recorded in the database so a
    /// missing or different key is recognised before anything is sealed or opened with it.
    pub fn check_value(&self) -> String {
        self.mac("secret-key-check", "vzconnect")
    }

    /// A keyed MAC for values the server hands out and checks later (CSRF tokens).
    pub fn mac(&self, purpose: &str, value: &str) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(&self.0) {
            Ok(mac) => mac,
            Err(_) => return String::new(),
        };
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secret_opens_only_with_same_context() {
        let key = SecretKey::generate();
        let sealed = key.seal(b"client-a", b"secret");
        assert_eq!(
            key.open(b"client-a", &sealed).as_deref(),
            Some(&b"secret"[..])
        );
        assert_eq!(key.open(b"client-b", &sealed), None);
        assert_eq!(SecretKey::generate().open(b"client-a", &sealed), None);
    }

    #[test]
    fn key_parses_hex_and_base64url_and_rejects_short_keys() {
        let key = SecretKey::generate();
        let b64 = key.to_base64url();
        assert_eq!(SecretKey::parse(&b64).map(|k| k.0), Ok(key.0));
        assert_eq!(
            SecretKey::parse(&hex::encode(key.0)).map(|k| k.0),
            Ok(key.0)
        );
        assert!(SecretKey::parse("abcd").is_err());
        assert!(SecretKey::parse("not a key!").is_err());
    }

    #[test]
    fn random_tokens_are_url_safe() {
        let token = random_token(32);
        assert_eq!(token.len(), 43);
        assert!(token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }
}
