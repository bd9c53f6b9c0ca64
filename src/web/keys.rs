//! The signing keys a running server uses: created on first start, cached for signing and
//! publishing, and looked up again in the store at most every [`KEY_RELOAD_SECONDS`], so
//! `vzconnect keys rotate` takes effect within that time without a restart.

use std::sync::{Arc, RwLock};

use actix_web::web;

use super::AppState;
use crate::clock::{Clock, UnixTime};
use crate::crypto::SecretKey;
use crate::domain::records::{Client, User};
use crate::domain::{ClientId, IdTokenAlg, Sub};
use crate::oauth::OAuthError;
use crate::oidc::id_token::{self, IdTokenClaims};
use crate::oidc::keys::{self, KeyRing};
use crate::oidc::subject::for_sector;
use crate::store::{Store, StoreError};

/// Seconds a loaded key ring is used before the store's key list is read again.
pub const KEY_RELOAD_SECONDS: i64 = 5;

/// What one look at the store's keys gave: when it was taken, the active key ids, the ring
/// that signs, and the JWKS that publishes them (serialised once per look).
struct Loaded {
    checked_at: UnixTime,
    active: Vec<String>,
    ring: Arc<KeyRing>,
    jwks: web::Bytes,
}

/// The cached ring of active signing keys, and the JWKS that goes with it: a new key is
/// published by the same look that lets it sign.
#[derive(Clone)]
pub struct SigningKeys {
    clock: Arc<dyn Clock>,
    cached: Arc<RwLock<Option<Arc<Loaded>>>>,
}

impl SigningKeys {
    /// An empty cache; the first use loads the ring.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            clock,
            cached: Arc::default(),
        }
    }

    /// The active keys. Within [`KEY_RELOAD_SECONDS`] of the last look the cached ring is
    /// used as it is; after that the key list is read again (a few rows), and keys are only
    /// decrypted and parsed again when the set of active keys changed. While the store cannot
    /// be read, the last ring keeps signing.
    pub fn ring(&self, store: &dyn Store, secret: &SecretKey) -> Arc<KeyRing> {
        self.current(store, secret)
            .map_or_else(Default::default, |loaded| loaded.ring.clone())
    }

    /// The JWKS (`GET /jwks.json`), as fresh as the ring; `None` while the store cannot be
    /// read and nothing was loaded before.
    pub fn jwks(&self, store: &dyn Store, secret: &SecretKey) -> Option<web::Bytes> {
        self.current(store, secret)
            .map(|loaded| loaded.jwks.clone())
    }

    /// The active keys as the store has them now (readiness asks this way, so a key that
    /// is gone shows at once); the cache is refreshed with them.
    pub fn reload(&self, store: &dyn Store, secret: &SecretKey) -> Arc<KeyRing> {
        self.look(store, secret)
            .map_or_else(Default::default, |loaded| loaded.ring.clone())
    }

    fn current(&self, store: &dyn Store, secret: &SecretKey) -> Option<Arc<Loaded>> {
        let now = self.clock.now();
        match self.cached(|c| now - c.checked_at < KEY_RELOAD_SECONDS) {
            Some(loaded) => Some(loaded),
            None => self.look(store, secret),
        }
    }

    fn look(&self, store: &dyn Store, secret: &SecretKey) -> Option<Arc<Loaded>> {
        let now = self.clock.now();
        let Ok(records) = store.list_signing_keys() else {
            return self.cached(|_| true);
        };
        let active: Vec<String> = records
            .iter()
            .filter(|k| k.retired_at.is_none())
            .map(|k| k.kid.clone())
            .collect();
        let ring = self
            .cached(|c| c.active == active)
            .map(|c| c.ring.clone())
            .unwrap_or_else(|| Arc::new(KeyRing::load(&records, secret)));
        let jwks = serde_json::to_vec(&keys::jwks(&records, now)).unwrap_or_default();
        let loaded = Arc::new(Loaded {
            checked_at: now,
            active,
            ring,
            jwks: jwks.into(),
        });
        if let Ok(mut cached) = self.cached.write() {
            *cached = Some(loaded.clone());
        }
        Some(loaded)
    }

    fn cached(&self, usable: impl Fn(&Loaded) -> bool) -> Option<Arc<Loaded>> {
        let cached = self.cached.read().ok()?;
        cached.as_ref().filter(|c| usable(c)).cloned()
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

/// Signs `claims` as an id_token for `client` with its algorithm (HS256 with its secret).
pub fn sign_id_token(
    state: &AppState,
    client: &Client,
    client_secret: Option<&str>,
    claims: &IdTokenClaims,
) -> Result<String, OAuthError> {
    let ring = state.keys.ring(state.store.as_ref(), &state.key);
    id_token::sign(claims, client.id_token_alg, &ring, client_secret).map_err(|e| {
        log::error!("id_token for {}: {e}", client.client_id);
        OAuthError::server_error()
    })
}
