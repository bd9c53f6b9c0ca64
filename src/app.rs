//! Assembling the server one way, for `vzconnect serve` and the tests alike: settings, a store
//! and the secret key in; the application state out, with any missing signing key made and
//! the purger running.

use std::sync::Arc;

use crate::auth::password::PasswordPool;
use crate::clock::Clock;
use crate::crypto::SecretKey;
use crate::domain::IdTokenAlg;
use crate::matrix::server_name_from_issuer;
use crate::outbound::Outbound;
use crate::store::{Store, StoreError};
use crate::web::{
    ensure_signing_keys, AppState, MatrixSettings, Metrics, RegistrationPolicy, SigningKeys,
};

/// Widget credentials one person may mint per minute.
const MINTS_PER_MINUTE: u32 = 30;

/// How often expired sessions, codes and tokens are deleted.
const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// What the application is set up with.
pub struct AppConfig {
    /// The issuer URL, without a trailing slash.
    pub issuer: String,
    pub clock: Arc<dyn Clock>,
    /// HTTP workers; as many passwords are hashed at once.
    pub workers: usize,
    pub outbound: Outbound,
    pub mailer: crate::mail::Mailer,
    pub registration: RegistrationPolicy,
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The Matrix server name (default: the issuer's host:port).
    pub matrix_server_name: Option<String>,
    pub widget_token_ttl: i64,
    pub demo: bool,
}

/// The application state for `config`; makes every missing signing key (returned) and starts
/// the purger, which first runs one interval after the start.
pub async fn build(
    store: Arc<dyn Store>,
    key: SecretKey,
    config: AppConfig,
) -> Result<(AppState, Vec<IdTokenAlg>), StoreError> {
    let created = ensure_signing_keys(store.as_ref(), &key, config.clock.now()).await?;
    let matrix_name = config
        .matrix_server_name
        .unwrap_or_else(|| server_name_from_issuer(&config.issuer));
    let keys = SigningKeys::new(config.clock.clone());
    let discovery = crate::web::published_discovery(&config.issuer, config.registration.clone());
    let state = AppState {
        store,
        clock: config.clock,
        key,
        passwords: PasswordPool::new(config.workers),
        metrics: Metrics::default(),
        keys,
        outbound: config.outbound,
        mailer: config.mailer,
        registration: config.registration,
        trusted_proxies: config.trusted_proxies,
        throttles: Default::default(),
        matrix: MatrixSettings::new(matrix_name, config.widget_token_ttl, MINTS_PER_MINUTE),
        secure_cookies: config.issuer.starts_with("https://"),
        discovery,
        issuer: config.issuer,
        demo: config.demo,
    };
    spawn_purger(state.store.clone(), state.clock.clone());
    Ok((state, created))
}

/// Deletes expired rows in the background so the tables do not grow without bound.
fn spawn_purger(store: Arc<dyn Store>, clock: Arc<dyn Clock>) {
    tokio::spawn(async move {
        let start = tokio::time::Instant::now() + PURGE_EVERY;
        let mut interval = tokio::time::interval_at(start, PURGE_EVERY);
        loop {
            interval.tick().await;
            match store.purge_expired(clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("purged {n} expired rows"),
                Err(e) => tracing::warn!("purging expired rows failed: {e}"),
            }
        }
    });
}
