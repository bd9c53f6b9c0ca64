//! Signing keys (RFC 7517/7518): RS256 and ES256 key pairs generated here with aws-lc-rs
//! (constant-time RSA), sealed with the server key for storage, published as a JWKS, and
//! loaded into a ring for signing.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::EncodingKey;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::id_token::ID_TOKEN_TTL;
use crate::clock::UnixTime;
use crate::crypto::SecretKey;
use crate::domain::records::SigningKey;
use crate::domain::IdTokenAlg;

/// RSA modulus size: 2048 bits, the common floor that every library accepts.
const RSA_SIZE: aws_lc_rs::rsa::KeySize = aws_lc_rs::rsa::KeySize::Rsa2048;

/// The algorithms that use a key pair of the server's (HS256 uses the client secret).
pub const ASYMMETRIC: [IdTokenAlg; 2] = [IdTokenAlg::RS256, IdTokenAlg::ES256];

/// Generates a key pair for `alg` and seals it for storage.
pub fn generate(alg: IdTokenAlg, secret: &SecretKey, now: UnixTime) -> Result<SigningKey, String> {
    let (private_der, jwk) = match alg {
        IdTokenAlg::RS256 => {
            let failed = |_| "cannot generate an RSA key".to_string();
            let key = aws_lc_rs::rsa::KeyPair::generate(RSA_SIZE).map_err(failed)?;
            let pkcs8 = key.as_der().map_err(failed)?;
            // Stored as PKCS#1 RSAPrivateKey, the form the signer loads.
            let info = pkcs8::PrivateKeyInfo::try_from(pkcs8.as_ref())
                .map_err(|e| format!("cannot read the RSA key: {e}"))?;
            let public = key.public_key();
            let jwk = json!({
                "kty": "RSA",
                "e": b64(public.exponent().big_endian_without_leading_zero()),
                "n": b64(public.modulus().big_endian_without_leading_zero()),
            });
            (info.private_key.to_vec(), jwk)
        }
        IdTokenAlg::ES256 => {
            let failed = |_| "cannot generate a P-256 key".to_string();
            let key = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).map_err(failed)?;
            let der = key.to_pkcs8v1().map_err(failed)?;
            // Uncompressed SEC1 point: 0x04, then 32 bytes of x and 32 of y.
            let point = key.public_key().as_ref();
            let (Some(x), Some(y)) = (point.get(1..33), point.get(33..65)) else {
                return Err("cannot encode the P-256 public key".into());
            };
            let jwk = json!({ "kty": "EC", "crv": "P-256", "x": b64(x), "y": b64(y) });
            (der.as_ref().to_vec(), jwk)
        }
        IdTokenAlg::HS256 => return Err("HS256 uses the client secret, not a key pair".into()),
    };
    let kid = thumbprint(&jwk);
    let mut jwk = jwk;
    jwk["kid"] = json!(kid);
    jwk["use"] = json!("sig");
    jwk["alg"] = json!(alg.as_str());
    Ok(SigningKey {
        private_sealed: secret.seal(kid.as_bytes(), &private_der),
        kid,
        alg,
        public_jwk: jwk.to_string(),
        created_at: now,
        retired_at: None,
    })
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The RFC 7638 JWK thumbprint: the required members in lexical order, no spaces, SHA-256.
fn thumbprint(jwk: &Value) -> String {
    let members: &[&str] = match jwk["kty"].as_str() {
        Some("RSA") => &["e", "kty", "n"],
        _ => &["crv", "kty", "x", "y"],
    };
    let canonical: Vec<String> = members
        .iter()
        .map(|m| format!("\"{m}\":{}", jwk[*m]))
        .collect();
    b64(&Sha256::digest(format!("{{{}}}", canonical.join(","))))
}

/// Whether a key still belongs in the JWKS: active, or retired less than an id_token
/// lifetime ago (tokens it signed may still be presented).
pub fn is_published(key: &SigningKey, now: UnixTime) -> bool {
    key.retired_at
        .is_none_or(|retired| now < retired + ID_TOKEN_TTL)
}

/// The JWK Set of every published key.
pub fn jwks(keys: &[SigningKey], now: UnixTime) -> Value {
    let keys: Vec<Value> = keys
        .iter()
        .filter(|k| is_published(k, now))
        .filter_map(|k| serde_json::from_str(&k.public_jwk).ok())
        .collect();
    json!({ "keys": keys })
}

/// A private key ready to sign.
pub struct LoadedKey {
    pub kid: String,
    pub alg: IdTokenAlg,
    pub encoding: EncodingKey,
}

/// The active signing key of each algorithm.
#[derive(Default)]
pub struct KeyRing {
    active: Vec<LoadedKey>,
}

impl KeyRing {
    /// Opens the active (not retired) keys; keys that fail to open are skipped and logged.
    pub fn load(keys: &[SigningKey], secret: &SecretKey) -> Self {
        let active = keys
            .iter()
            .filter(|k| k.retired_at.is_none())
            .filter_map(|k| {
                let der = secret.open(k.kid.as_bytes(), &k.private_sealed);
                let encoding = match (k.alg, der) {
                    (IdTokenAlg::RS256, Some(der)) => Some(EncodingKey::from_rsa_der(&der)),
                    (IdTokenAlg::ES256, Some(der)) => Some(EncodingKey::from_ec_der(&der)),
                    _ => None,
                };
                if encoding.is_none() {
                    log::error!(
                        "signing key {} cannot be opened with this secret key",
                        k.kid
                    );
                }
                encoding.map(|encoding| LoadedKey {
                    kid: k.kid.clone(),
                    alg: k.alg,
                    encoding,
                })
            })
            .collect();
        Self { active }
    }

    /// The key that signs with `alg` now.
    pub fn current(&self, alg: IdTokenAlg) -> Option<&LoadedKey> {
        self.active.iter().find(|k| k.alg == alg)
    }

    /// The algorithms that have no active key yet.
    pub fn missing(&self) -> Vec<IdTokenAlg> {
        ASYMMETRIC
            .into_iter()
            .filter(|alg| self.current(*alg).is_none())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_7638_thumbprint_example() {
        // RFC 7638 §3.1.
        let jwk = json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
        });
        assert_eq!(
            thumbprint(&jwk),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn es256_keys_are_sealed_published_and_loadable() {
        let secret = SecretKey::generate();
        let key = generate(IdTokenAlg::ES256, &secret, 100).unwrap();
        let jwk: Value = serde_json::from_str(&key.public_jwk).unwrap();
        assert_eq!(jwk["kid"], key.kid.as_str());
        assert_eq!(
            (jwk["kty"].as_str(), jwk["crv"].as_str()),
            (Some("EC"), Some("P-256"))
        );
        assert!(jwk.get("d").is_none(), "no private part in the JWK");
        let ring = KeyRing::load(std::slice::from_ref(&key), &secret);
        assert_eq!(
            ring.current(IdTokenAlg::ES256).map(|k| k.kid.as_str()),
            Some(key.kid.as_str())
        );
        assert_eq!(ring.missing(), vec![IdTokenAlg::RS256]);
        assert!(KeyRing::load(&[key], &SecretKey::generate())
            .current(IdTokenAlg::ES256)
            .is_none());
    }

    #[test]
    fn retired_keys_stay_published_for_one_token_lifetime() {
        let secret = SecretKey::generate();
        let mut key = generate(IdTokenAlg::ES256, &secret, 0).unwrap();
        key.retired_at = Some(1000);
        assert!(is_published(&key, 1000 + ID_TOKEN_TTL - 1));
        assert!(!is_published(&key, 1000 + ID_TOKEN_TTL));
        assert_eq!(jwks(&[key], 1000 + ID_TOKEN_TTL)["keys"], json!([]));
    }
}
