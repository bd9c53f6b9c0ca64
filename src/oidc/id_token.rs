//! The id_token (OpenID Connect Core §2, §3.1.3.6, §3.2.2.10): its claims, the
//! `at_hash` / `c_hash` left-half hashes, and signing with the client's algorithm.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::keys::KeyRing;
use super::userinfo;
use crate::clock::UnixTime;
use crate::domain::records::{SigningKey, User};
use crate::domain::{ClientId, IdTokenAlg, ScopeSet, Sub};

/// Seconds an id_token is valid.
pub const ID_TOKEN_TTL: i64 = 3600;

/// The claims vzconnect puts in an id_token.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IdTokenClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    /// The authorized party: the client, stated even though it is the sole audience
    /// (Core §2 allows it), so libraries that check `azp` find it.
    pub azp: String,
    pub exp: UnixTime,
    pub iat: UnixTime,
    pub auth_time: UnixTime,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub c_hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Claims about the person: requested with the `claims` parameter, or by scope when no
    /// access token is issued (`response_type=id_token`).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// What an id_token says about the person and their sign-in.
#[derive(Debug, Clone)]
pub struct Subject {
    pub sub: Sub,
    pub auth_time: UnixTime,
    pub nonce: Option<String>,
    pub sid: Option<String>,
    /// Claims about the person to put in the id_token beside the standard ones.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The person's claims an id_token carries (Core §5.4, §5.5): those the `claims` parameter
/// named for the id_token (`requested`), and those of `scope` — a scope given only when no
/// access token is issued that could fetch them from UserInfo.
pub fn person_claims(
    user: &User,
    sub: &Sub,
    scope: &ScopeSet,
    requested: &[String],
) -> serde_json::Map<String, serde_json::Value> {
    let mut extra = userinfo::claims(user, sub, scope, requested);
    extra.remove("sub");
    extra
}

impl IdTokenClaims {
    /// The id_token for `client_id` about `subject`, with `at_hash` / `c_hash` for the access
    /// token and code it travels with (Core §3.3.2.11).
    pub fn new(
        issuer: &str,
        client_id: &ClientId,
        subject: &Subject,
        travels_with: TravelsWith<'_>,
        now: UnixTime,
    ) -> Self {
        Self {
            iss: issuer.to_string(),
            sub: subject.sub.as_str().to_string(),
            aud: client_id.as_str().to_string(),
            azp: client_id.as_str().to_string(),
            exp: now + ID_TOKEN_TTL,
            iat: now,
            auth_time: subject.auth_time,
            nonce: subject.nonce.clone(),
            at_hash: travels_with.access_token.map(half_hash),
            c_hash: travels_with.code.map(half_hash),
            sid: subject.sid.clone(),
            extra: subject.extra.clone(),
        }
    }
}

/// The values an id_token is handed out beside, which it binds by their hashes.
#[derive(Debug, Clone, Copy, Default)]
pub struct TravelsWith<'a> {
    pub access_token: Option<&'a str>,
    pub code: Option<&'a str>,
}

/// `at_hash` / `c_hash`: base64url of the left half of the SHA-256 of the value (all three
/// supported algorithms hash with SHA-256).
pub fn half_hash(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
}

/// Why an id_token could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("no active {0} signing key")]
    NoKey(&'static str),
    #[error("HS256 needs a client secret")]
    NoClientSecret,
    #[error("signing failed: {0}")]
    Jwt(String),
}

/// Signs an id_token with `alg`.
pub fn sign(
    claims: &IdTokenClaims,
    alg: IdTokenAlg,
    ring: &KeyRing,
    client_secret: Option<&str>,
) -> Result<String, SignError> {
    sign_jwt(claims, None, alg, ring, client_secret)
}

/// Signs any JWT the server issues to a client (`typ` e.g. `logout+jwt`): the server's key
/// pair for RS256/ES256, the client secret for HS256. The header names the key (`kid`) so
/// relying parties pick it from the JWKS.
pub fn sign_jwt(
    claims: &impl Serialize,
    typ: Option<&str>,
    alg: IdTokenAlg,
    ring: &KeyRing,
    client_secret: Option<&str>,
) -> Result<String, SignError> {
    let (header, key) = match alg {
        IdTokenAlg::HS256 => {
            let secret = client_secret.ok_or(SignError::NoClientSecret)?;
            (
                Header::new(Algorithm::HS256),
                EncodingKey::from_secret(secret.as_bytes()),
            )
        }
        IdTokenAlg::RS256 | IdTokenAlg::ES256 => {
            let loaded = ring.current(alg).ok_or(SignError::NoKey(alg.as_str()))?;
            let mut header = Header::new(match alg {
                IdTokenAlg::ES256 => Algorithm::ES256,
                _ => Algorithm::RS256,
            });
            header.kid = Some(loaded.kid.clone());
            (header, loaded.encoding.clone())
        }
    };
    let mut header = header;
    if let Some(typ) = typ {
        header.typ = Some(typ.to_string());
    }
    jsonwebtoken::encode(&header, claims, &key).map_err(|e| SignError::Jwt(e.to_string()))
}

/// The audience an id_token claims, read without checking the signature: only to know which
/// client's hint to verify next with [`hint_subject`].
pub fn unverified_audience(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    match &claims["aud"] {
        serde_json::Value::String(aud) => Some(aud.clone()),
        serde_json::Value::Array(list) => list.first()?.as_str().map(str::to_string),
        _ => None,
    }
}

/// The `sub` of an id_token this server issued to `client_id`, for `id_token_hint`. The
/// signature and issuer must be right; an expired token is still a good hint (Core §3.1.2.1).
pub fn hint_subject(
    token: &str,
    keys: &[SigningKey],
    issuer: &str,
    client_id: &str,
    client_secret: Option<&str>,
) -> Option<String> {
    let header = jsonwebtoken::decode_header(token).ok()?;
    let key = match header.alg {
        Algorithm::HS256 => DecodingKey::from_secret(client_secret?.as_bytes()),
        Algorithm::RS256 | Algorithm::ES256 => {
            let kid = header.kid.as_deref()?;
            let record = keys.iter().find(|k| k.kid == kid)?;
            let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_str(&record.public_jwk).ok()?;
            DecodingKey::from_jwk(&jwk).ok()?
        }
        _ => return None,
    };
    let mut validation = Validation::new(header.alg);
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[client_id]);
    let data = jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation).ok()?;
    data.claims.get("sub")?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::SecretKey;
    use crate::oidc::keys::generate;

    #[test]
    fn core_appendix_a_hash_vectors() {
        assert_eq!(
            half_hash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
        assert_eq!(
            half_hash("Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk"),
            "LDktKdoQak3Pk0cnXxCltA"
        );
    }

    fn claims() -> IdTokenClaims {
        IdTokenClaims {
            iss: "https://id.example".into(),
            sub: "s1".into(),
            aud: "c1".into(),
            azp: "c1".into(),
            exp: 4_000_000_000,
            iat: 1_000,
            auth_time: 900,
            nonce: Some("n-0S6_WzA2Mj".into()),
            at_hash: None,
            c_hash: None,
            sid: None,
            extra: serde_json::Map::new(),
        }
    }

    #[test]
    fn es256_token_verifies_with_the_published_key() {
        let secret = SecretKey::generate();
        let key = generate(IdTokenAlg::ES256, &secret, 0).unwrap();
        let ring = KeyRing::load(std::slice::from_ref(&key), &secret);
        let token = sign(&claims(), IdTokenAlg::ES256, &ring, None).unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.kid.as_deref(), Some(key.kid.as_str()));
        let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_str(&key.public_jwk).unwrap();
        let decoding = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
        let mut validation = jsonwebtoken::Validation::new(Algorithm::ES256);
        validation.set_audience(&["c1"]);
        let data =
            jsonwebtoken::decode::<serde_json::Value>(&token, &decoding, &validation).unwrap();
        assert_eq!(data.claims["nonce"], "n-0S6_WzA2Mj");
    }

    #[test]
    fn hs256_needs_the_client_secret_and_rs256_a_key() {
        let ring = KeyRing::default();
        assert_eq!(
            sign(&claims(), IdTokenAlg::HS256, &ring, None),
            Err(SignError::NoClientSecret)
        );
        assert!(sign(&claims(), IdTokenAlg::HS256, &ring, Some("secret")).is_ok());
        assert_eq!(
            sign(&claims(), IdTokenAlg::RS256, &ring, None),
            Err(SignError::NoKey("RS256"))
        );
    }
}
