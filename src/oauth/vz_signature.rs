//! The VZ Connect token-response signature: base64 of HMAC(client secret,
//! `access_token ‖ issued_at ‖ user_id ‖ expires_in`), each term exactly as the response
//! carries it, an absent term empty (DESIGN "The VZ Connect token response").

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

use crate::domain::SignatureMethod;

/// The signed terms of one token response.
#[derive(Debug, Clone, Copy)]
pub struct SignedFields<'a> {
    pub access_token: &'a str,
    pub issued_at: i64,
    pub user_id: &'a str,
    /// `None` when the response carries no `expires_in` (the HMAC-SHA1 profile).
    pub expires_in: Option<i64>,
}

impl SignedFields<'_> {
    /// The message that is signed: the terms in decimal, concatenated without separators.
    pub fn base_string(&self) -> String {
        let expires_in = self.expires_in.map(|e| e.to_string()).unwrap_or_default();
        format!(
            "{}{}{}{}",
            self.access_token, self.issued_at, self.user_id, expires_in
        )
    }
}

/// Signs `fields` with the client secret; the result goes into the response's `signature`.
pub fn sign(method: SignatureMethod, client_secret: &str, fields: &SignedFields<'_>) -> String {
    let message = fields.base_string();
    let key = client_secret.as_bytes();
    let digest = match method {
        SignatureMethod::HmacSha256 => mac_bytes::<Hmac<Sha256>>(key, &message),
        SignatureMethod::HmacSha1 => mac_bytes::<Hmac<Sha1>>(key, &message),
    };
    STANDARD.encode(digest)
}

/// Checks a signature in constant time, as a relying party does.
pub fn verify(
    method: SignatureMethod,
    client_secret: &str,
    fields: &SignedFields<'_>,
    signature: &str,
) -> bool {
    let Ok(expected) = STANDARD.decode(signature) else {
        return false;
    };
    let message = fields.base_string();
    let key = client_secret.as_bytes();
    match method {
        SignatureMethod::HmacSha256 => verify_mac::<Hmac<Sha256>>(key, &message, &expected),
        SignatureMethod::HmacSha1 => verify_mac::<Hmac<Sha1>>(key, &message, &expected),
    }
}

fn mac_bytes<M: Mac + hmac::digest::KeyInit>(key: &[u8], message: &str) -> Vec<u8> {
    // HMAC accepts keys of any length, so this never takes the error branch.
    match <M as hmac::digest::KeyInit>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(message.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

fn verify_mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], message: &str, tag: &[u8]) -> bool {
    match <M as hmac::digest::KeyInit>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(message.as_bytes());
            mac.verify_slice(tag).is_ok()
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Vectors {
        cases: Vec<Case>,
    }

    #[derive(Deserialize)]
    struct Case {
        signature_method: String,
        client_secret: String,
        access_token: String,
        issued_at: i64,
        user_id: String,
        expires_in: Option<i64>,
        base_string: String,
        signature: String,
    }

    fn vectors() -> Vec<Case> {
        let text = include_str!("../../tests/vectors/signature.json");
        serde_json::from_str::<Vectors>(text).unwrap().cases
    }

    #[test]
    fn every_shared_vector_signs_and_verifies() {
        let cases = vectors();
        assert_eq!(cases.len(), 6);
        for case in cases {
            let method: SignatureMethod = case.signature_method.parse().unwrap();
            let fields = SignedFields {
                access_token: &case.access_token,
                issued_at: case.issued_at,
                user_id: &case.user_id,
                expires_in: case.expires_in,
            };
            assert_eq!(fields.base_string(), case.base_string);
            assert_eq!(sign(method, &case.client_secret, &fields), case.signature);
            assert!(verify(
                method,
                &case.client_secret,
                &fields,
                &case.signature
            ));
        }
    }

    #[test]
    fn tampered_fields_or_wrong_key_fail_verification() {
        let case = &vectors()[0];
        let fields = SignedFields {
            access_token: &case.access_token,
            issued_at: case.issued_at + 1,
            user_id: &case.user_id,
            expires_in: case.expires_in,
        };
        let method = SignatureMethod::HmacSha256;
        assert!(!verify(
            method,
            &case.client_secret,
            &fields,
            &case.signature
        ));
        let fields = SignedFields {
            issued_at: case.issued_at,
            ..fields
        };
        assert!(!verify(method, "other", &fields, &case.signature));
        assert!(!verify(method, &case.client_secret, &fields, "not base64!"));
    }
}
