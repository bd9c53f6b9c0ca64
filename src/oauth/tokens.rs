//! Minting codes and tokens: random values handed to the client, SHA-256 hashes kept.

use super::access_token::AccessClaims;
use crate::clock::UnixTime;
use crate::crypto::{hash_token, random_token, SecretKey};
use crate::domain::records::{Grant, NewRefreshToken, NewTokens, UserId};
use crate::domain::{ClientId, ScopeSet};

/// Seconds an authorization code stays redeemable.
pub const CODE_TTL: i64 = 60;
/// Seconds an access token is valid.
pub const ACCESS_TOKEN_TTL: i64 = 3600;
/// Seconds a refresh token is valid (each rotation starts a new period).
pub const REFRESH_TOKEN_TTL: i64 = 30 * 24 * 3600;
/// Random bytes in every code and token (256 bits).
const TOKEN_BYTES: usize = 32;

/// A fresh random code or token value.
pub fn new_secret_value() -> String {
    random_token(TOKEN_BYTES)
}

/// Tokens to hand to the client, and what to store for them.
#[derive(Clone)]
pub struct Minted {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub stored: NewTokens,
}

/// Mints an access token (and optionally a refresh token) for `grant`.
pub fn mint(
    key: &SecretKey,
    grant: &Grant,
    scope: &ScopeSet,
    now: UnixTime,
    with_refresh: bool,
) -> Minted {
    let access_token = access_token(key, &grant.client_id, Some(&grant.id), scope, now);
    let refresh_token = with_refresh.then(new_secret_value);
    let stored = NewTokens {
        grant_id: grant.id.clone(),
        issued_at: now,
        refresh: refresh_token.as_ref().map(|t| NewRefreshToken {
            hash: hash_token(t),
            issued_at: now,
            expires_at: now + REFRESH_TOKEN_TTL,
        }),
    };
    Minted {
        access_token,
        refresh_token,
        stored,
    }
}

/// Mints the access token of `client_credentials`: the client's own, under no grant, so
/// nothing is stored (`stored` names no grant and no refresh token).
pub fn mint_for_client(
    key: &SecretKey,
    client_id: &ClientId,
    scope: &ScopeSet,
    now: UnixTime,
) -> Minted {
    Minted {
        access_token: access_token(key, client_id, None, scope, now),
        refresh_token: None,
        stored: NewTokens {
            grant_id: String::new(),
            issued_at: now,
            refresh: None,
        },
    }
}

/// A sealed access token for `scope`, valid for [`ACCESS_TOKEN_TTL`]; `grant_id` is `None`
/// for `client_credentials`, which stores nothing.
pub fn access_token(
    key: &SecretKey,
    client_id: &ClientId,
    grant_id: Option<&str>,
    scope: &ScopeSet,
    now: UnixTime,
) -> String {
    let expires_at = now + ACCESS_TOKEN_TTL;
    AccessClaims::new(grant_id, client_id, scope.to_string(), now, expires_at).seal(key)
}

/// A new grant: the family that every token of one authorization belongs to.
pub fn new_grant(
    client_id: &ClientId,
    user_id: Option<UserId>,
    scope: &ScopeSet,
    fields: Option<String>,
    now: UnixTime,
) -> Grant {
    Grant {
        id: random_token(16),
        client_id: client_id.clone(),
        user_id,
        scope: scope.to_string(),
        fields,
        created_at: now,
        auth_time: None,
        sid: None,
        claims: None,
    }
}

/// How the person signed in, which a grant remembers for id_tokens issued on refresh.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub user_id: UserId,
    pub auth_time: UnixTime,
    /// The login session's id (`sid`).
    pub sid: Option<String>,
    /// The `claims` request parameter, as JSON.
    pub claims: Option<String>,
}

/// A new grant for a person's authorization.
pub fn new_user_grant(
    client_id: &ClientId,
    sign_in: SignIn,
    scope: &ScopeSet,
    fields: Option<String>,
    now: UnixTime,
) -> Grant {
    Grant {
        auth_time: Some(sign_in.auth_time),
        sid: sign_in.sid,
        claims: sign_in.claims,
        ..new_grant(client_id, Some(sign_in.user_id), scope, fields, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_are_hashes_of_what_the_client_gets() {
        let key = SecretKey::generate();
        let scope = ScopeSet::parse("openid").unwrap();
        let client = ClientId::parse("site").unwrap();
        let grant = new_grant(&client, Some(1), &scope, None, 100);
        let minted = mint(&key, &grant, &scope, 100, true);
        let refresh = minted.refresh_token.as_deref().unwrap();
        assert_eq!(minted.stored.refresh.unwrap().hash, hash_token(refresh));
        let claims = AccessClaims::open(&minted.access_token, &key).unwrap();
        assert_eq!(claims.grant_id.as_deref(), Some(grant.id.as_str()));
        assert_eq!(
            (claims.scope.as_str(), claims.expires_at),
            ("openid", 100 + ACCESS_TOKEN_TTL)
        );
    }
}
