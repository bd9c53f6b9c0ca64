//! The signing keys a running server uses: created on first start, cached for signing and
//! reloaded every few seconds, so `vzconnect keys rotate` takes effect without a restart.

use std::sync::{Arc, RwLock};

use super::AppState;
use crate::clock::UnixTime;
use crate::crypto::SecretKey;
use crate::domain::records::{Client, User};
use crate::domain::{ClientId, IdTokenAlg, ScopeSet, Sub};
use crate::oauth::OAuthError;
use crate::oidc::claims_request::ClaimsRequest;
use crate::oidc::id_token::{self, half_hash, IdTokenClaims, ID_TOKEN_TTL};
use crate::oidc::keys::{self, KeyRing};
use crate::oidc::subject::for_sector;
use crate::oidc::userinfo;
use crate::store::{Store, StoreError};

/// A loaded ring and the ids of the active keys it was loaded from.
type Cached = Option<(Vec<String>, Arc<KeyRing>)>;

/// The cached ring of active signing keys.
#[derive(Clone, Default)]
pub struct SigningKeys(Arc<RwLock<Cached>>);

impl SigningKeys {
    /// The active keys. The key list is read from the store each time (a few rows), but keys
    /// are only decrypted and parsed again when the set of active keys changed, so
    /// `vzconnect keys rotate` takes effect at once without a restart.
    pub fn ring(&self, store: &dyn Store, secret: &SecretKey) -> Arc<KeyRing> {
        let Ok(records) = store.list_signing_keys() else {
            return Arc::new(KeyRing::default());
        };
        let active: Vec<String> = records
            .iter()
            .filter(|k| k.retired_at.is_none())
            .map(|k| k.kid.clone())
            .collect();
        if let Ok(cached) = self.0.read() {
            if let Some((_, ring)) = cached.as_ref().filter(|(kids, _)| *kids == active) {
                return ring.clone();
            }
        }
        let ring = Arc::new(KeyRing::load(&records, secret));
        if let Ok(mut cached) = self.0.write() {
            *cached = Some((active, ring.clone()));
        }
        ring
    }
}

/// Generates a key for every algorithm that has no active one; returns what it created.
pub async fn ensure_signing_keys(
    store: &dyn Store,
    secret: &SecretKey,
    now: UnixTime,
) -> Result<Vec<IdTokenAlg>, StoreError> {
    let records = store.list_signing_keys()?;
    let missing = KeyRing::load(&records, secret).missing();
    for alg in &missing {
        let key = keys::generate(*alg, secret, now).map_err(StoreError::Database)?;
        store.add_signing_key(key).await?;
    }
    Ok(missing)
}

/// The `sub` `client` sees for `user`: public, or pairwise for its sector.
pub fn subject_for(state: &AppState, client: &Client, user: &User) -> Sub {
    for_sector(&user.sub, client.sector_identifier.as_deref(), &state.key)
}

/// Like [`subject_for`], for a token that names only its client's id.
pub fn subject_for_client_id(
    state: &AppState,
    client_id: &ClientId,
    user: &User,
) -> Result<Sub, StoreError> {
    let client = state.store.find_client(client_id)?;
    let sector = client.and_then(|c| c.sector_identifier);
    Ok(for_sector(&user.sub, sector.as_deref(), &state.key))
}

/// The person's claims an id_token carries: those named for the id_token in the `claims`
/// parameter, and those of `scope` when no access token is issued to fetch them from UserInfo.
pub fn id_token_claims(
    user: &User,
    sub: &Sub,
    scope: &ScopeSet,
    claims: Option<&str>,
) -> serde_json::Map<String, serde_json::Value> {
    let requested = claims
        .and_then(|json| ClaimsRequest::parse(json).ok())
        .map(|c| c.id_token)
        .unwrap_or_default();
    let mut extra = userinfo::claims(user, sub, scope, &requested);
    extra.remove("sub");
    extra
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

/// Signs an id_token for `client`, with `at_hash` / `c_hash` for the values it travels with.
pub fn id_token(
    state: &AppState,
    client: &Client,
    client_secret: Option<&str>,
    subject: &Subject,
    access_token: Option<&str>,
    code: Option<&str>,
    now: UnixTime,
) -> Result<String, OAuthError> {
    let claims = IdTokenClaims {
        iss: state.issuer.clone(),
        sub: subject.sub.as_str().to_string(),
        aud: client.client_id.as_str().to_string(),
        azp: client.client_id.as_str().to_string(),
        exp: now + ID_TOKEN_TTL,
        iat: now,
        auth_time: subject.auth_time,
        nonce: subject.nonce.clone(),
        at_hash: access_token.map(half_hash),
        c_hash: code.map(half_hash),
        sid: subject.sid.clone(),
        extra: subject.extra.clone(),
    };
    let ring = state.keys.ring(state.store.as_ref(), &state.key);
    id_token::sign(&claims, client.id_token_alg, &ring, client_secret).map_err(|e| {
        log::error!("id_token for {}: {e}", client.client_id);
        OAuthError::server_error()
    })
}
