//! Access tokens that carry what they grant: the grant they belong to, the client, the scope
//! and the expiry, sealed (XChaCha20-Poly1305) under the server key. Issuing one writes
//! nothing, so no crash can lose a token that was answered, and checking one needs no token
//! row. What can end a token early lives in the store: its grant's revocation (refresh reuse,
//! a disconnected site, an account recovery) and the list of single tokens revoked under
//! RFC 7009. The value is opaque to clients (RFC 6749 §1.4): they must not read it, and
//! cannot.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::clock::UnixTime;
use crate::crypto::{random_token, SecretKey};
use crate::domain::records::{AccessStanding, AccessToken, Grant};
use crate::domain::ClientId;

/// What every access token value begins with, so it is told apart from other tokens at a
/// glance (a refresh token, a widget credential).
const PREFIX: &str = "vzat.";
/// The sealing context, so no other sealed value of the server opens as an access token.
const CONTEXT: &[u8] = b"vzconnect access token v1";

/// What an access token says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// A random id, named in the revocation list when this token alone is revoked.
    #[serde(rename = "j")]
    pub token_id: String,
    /// The grant it belongs to; `None` for `client_credentials`, which has no grant row.
    #[serde(rename = "g")]
    pub grant_id: Option<String>,
    #[serde(rename = "c")]
    pub client_id: String,
    /// The scope granted to this token (a refresh may narrow it below the grant's).
    #[serde(rename = "s")]
    pub scope: String,
    #[serde(rename = "i")]
    pub issued_at: UnixTime,
    #[serde(rename = "e")]
    pub expires_at: UnixTime,
}

impl AccessClaims {
    /// Claims for a new token with a fresh id.
    pub fn new(
        grant_id: Option<&str>,
        client_id: &ClientId,
        scope: String,
        issued_at: UnixTime,
        expires_at: UnixTime,
    ) -> Self {
        Self {
            token_id: random_token(12),
            grant_id: grant_id.map(str::to_string),
            client_id: client_id.as_str().to_string(),
            scope,
            issued_at,
            expires_at,
        }
    }

    /// The token value to hand out.
    pub fn seal(&self, key: &SecretKey) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        format!(
            "{PREFIX}{}",
            URL_SAFE_NO_PAD.encode(key.seal(CONTEXT, &json))
        )
    }

    /// The claims of a token this server sealed; `None` for anything else (a forged,
    /// altered or truncated value, another server's, one sealed under an earlier key).
    /// Expiry and revocation are the caller's to check.
    pub fn open(token: &str, key: &SecretKey) -> Option<Self> {
        let sealed = URL_SAFE_NO_PAD.decode(token.strip_prefix(PREFIX)?).ok()?;
        serde_json::from_slice(&key.open(CONTEXT, &sealed)?).ok()
    }
}

/// The token as the endpoints see it: its claims with what the store knows. `None` when it
/// names a grant that no longer exists, or one of another client.
pub fn resolve(claims: AccessClaims, standing: AccessStanding) -> Option<AccessToken> {
    let client_id = ClientId::parse(&claims.client_id).ok()?;
    let grant = match (claims.grant_id, standing.grant) {
        (Some(id), Some(grant)) if grant.id == id && grant.client_id == client_id => grant,
        (Some(_), _) => return None,
        // client_credentials: the client's own grant, never stored.
        (None, _) => Grant {
            id: String::new(),
            client_id,
            user_id: None,
            scope: claims.scope.clone(),
            fields: None,
            created_at: claims.issued_at,
            auth_time: None,
            sid: None,
            claims: None,
        },
    };
    Some(AccessToken {
        token_id: claims.token_id,
        grant,
        scope: claims.scope,
        issued_at: claims.issued_at,
        expires_at: claims.expires_at,
        revoked: standing.revoked,
        person: standing.person,
        sector: standing.sector,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> AccessClaims {
        let client = ClientId::parse("site").unwrap();
        AccessClaims::new(Some("g1"), &client, "openid".into(), 100, 3700)
    }

    #[test]
    fn a_sealed_token_opens_to_its_claims_with_the_same_key_only() {
        let key = SecretKey::generate();
        let claims = claims();
        let token = claims.seal(&key);
        assert!(token.starts_with(PREFIX));
        assert!(
            !token.contains("site") && !token.contains("openid"),
            "opaque"
        );
        assert_eq!(AccessClaims::open(&token, &key), Some(claims));
        assert_eq!(AccessClaims::open(&token, &SecretKey::generate()), None);
    }

    #[test]
    fn altered_truncated_and_foreign_values_do_not_open() {
        let key = SecretKey::generate();
        let token = claims().seal(&key);
        let mut altered = token.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        for bad in [
            altered.as_str(),
            &token[..token.len() - 4],
            token.trim_start_matches(PREFIX),
            "vzat.",
            "vzat.!!!",
            "",
        ] {
            assert_eq!(AccessClaims::open(bad, &key), None, "{bad}");
        }
    }

    #[test]
    fn a_token_stands_with_its_grant_and_falls_with_it() {
        let client = ClientId::parse("site").unwrap();
        let scope = crate::domain::ScopeSet::parse("openid").unwrap();
        let mut grant = crate::oauth::tokens::new_grant(&client, Some(1), &scope, None, 0);
        grant.id = "g1".into();
        let live = AccessStanding {
            grant: Some(grant.clone()),
            ..AccessStanding::default()
        };
        let token = resolve(claims(), live).unwrap();
        assert_eq!((token.grant.id.as_str(), token.revoked), ("g1", false));
        let gone = AccessStanding::default();
        assert_eq!(resolve(claims(), gone), None, "its grant is gone");
        grant.client_id = ClientId::parse("other").unwrap();
        let foreign = AccessStanding {
            grant: Some(grant),
            ..AccessStanding::default()
        };
        assert_eq!(resolve(claims(), foreign), None, "another client's grant");
        let mut own = claims();
        own.grant_id = None;
        let revoked = AccessStanding {
            revoked: true,
            ..AccessStanding::default()
        };
        let token = resolve(own, revoked).unwrap();
        assert_eq!((token.grant.user_id, token.revoked), (None, true));
    }

    #[test]
    fn every_token_has_its_own_id() {
        assert_ne!(claims().token_id, claims().token_id);
    }
}
