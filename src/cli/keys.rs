//! `vzconnect keys list|rotate`: the id_token signing keys.

use clap::Subcommand;

use super::{Access, CliError, Globals};
use crate::clock::{Clock, SystemClock};
use crate::domain::audit::AuditKind;
use crate::oidc::keys::{generate, is_published, ASYMMETRIC};
use crate::store::Store;

/// `vzconnect keys …`.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// List signing keys: active, retired but still published, and expired.
    List,
    /// Create a new key for each algorithm; the old ones stay published until every token
    /// they signed has expired.
    Rotate,
}

pub(super) async fn run(globals: &Globals, command: KeysCommand) -> Result<(), CliError> {
    let (store, secret) = globals.open(Access::Existing).await?;
    let now = SystemClock.now();
    match command {
        KeysCommand::List => {
            println!("{:<45} {:<6} {:<10} CREATED", "KID", "ALG", "STATE");
            for key in store.list_signing_keys()? {
                let state = match key.retired_at {
                    None => "active",
                    Some(_) if is_published(&key, now) => "retiring",
                    Some(_) => "expired",
                };
                let created = crate::poco::xs_date_time(key.created_at);
                println!(
                    "{:<45} {:<6} {:<10} {created}",
                    key.kid,
                    key.alg.as_str(),
                    state
                );
            }
        }
        KeysCommand::Rotate => {
            for alg in ASYMMETRIC {
                let key = generate(alg, &secret, now).map_err(CliError::Runtime)?;
                let kid = key.kid.clone();
                store.add_signing_key(key).await?;
                println!("new {} key {kid}", alg.as_str());
            }
            let rotated = super::audit::event(AuditKind::KeysRotated);
            super::audit::record(store.as_ref(), rotated).await?;
        }
    }
    Ok(())
}
