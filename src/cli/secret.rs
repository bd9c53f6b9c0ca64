//! `vzconnect secret rotate`: re-seal every client secret and signing key under a new secret
//! key in one transaction, and the checks that keep a missing or wrong key from doing harm.

use std::path::Path;

use clap::Subcommand;

use super::{Access, CliError, Globals};
use crate::config::{database_path, write_key_file, KeySource};
use crate::crypto::SecretKey;
use crate::domain::audit::AuditKind;
use crate::domain::records::{SealedKind, SealedValue};
use crate::store::Store;

/// `vzconnect secret …`.
#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Re-seal every client secret and signing key under a new secret key (stop the server
    /// first; start it again afterwards).
    Rotate,
}

/// The sealed values `key` cannot open, in words ("the secret of client X").
pub fn unopenable(values: &[SealedValue], key: &SecretKey) -> Vec<String> {
    values
        .iter()
        .filter(|v| key.open(v.id.as_bytes(), &v.sealed).is_none())
        .map(describe)
        .collect()
}

fn describe(value: &SealedValue) -> String {
    match value.kind {
        SealedKind::ClientSecret => format!("the secret of client {}", value.id),
        SealedKind::SigningKey => format!("signing key {}", value.id),
    }
}

/// A hint for a database sealed with the key a rotation left in `<key>.new`.
pub(super) fn interrupted_rotation_hint(
    source: &KeySource,
    database: &Path,
    recorded: &str,
) -> String {
    let pending = source.rotated_path(database);
    let matches = std::fs::read_to_string(&pending)
        .ok()
        .and_then(|text| SecretKey::parse(&text).ok())
        .is_some_and(|key| key.check_value() == recorded);
    if matches {
        format!(
            " (a key rotation was interrupted: the database is sealed with the key in {}; put that key in place)",
            pending.display()
        )
    } else {
        String::new()
    }
}

pub(super) async fn run(globals: &Globals, command: SecretCommand) -> Result<(), CliError> {
    match command {
        SecretCommand::Rotate => rotate(globals).await,
    }
}

async fn rotate(globals: &Globals) -> Result<(), CliError> {
    let (store, old) = globals.open(Access::Existing).await?;
    let database = database_path(&globals.database).map_err(CliError::Usage)?;
    let source = globals.key_source(&database);
    let new = SecretKey::generate();
    let mut values = store.sealed_values()?;
    for value in &mut values {
        let plain = old
            .open(value.id.as_bytes(), &value.sealed)
            .ok_or_else(|| {
                CliError::Runtime(format!(
                    "{} cannot be opened; nothing was changed",
                    describe(value)
                ))
            })?;
        value.sealed = new.seal(value.id.as_bytes(), &plain);
    }
    // The new key is safely on disk before anything is sealed with it.
    let pending = source.rotated_path(&database);
    write_key_file(&pending, &new).map_err(|e| {
        CliError::Runtime(format!(
            "{e} (remove a {} left by an earlier rotation first); nothing was changed",
            pending.display()
        ))
    })?;
    let count = values.len();
    store.reseal(values, new.check_value()).await?;
    let rotated = super::audit::event(AuditKind::SecretKeyRotated);
    super::audit::record(store.as_ref(), rotated).await?;
    match &source {
        KeySource::File(path) | KeySource::BesideDatabase(path) => {
            let mut old_name = path.clone().into_os_string();
            old_name.push(".old");
            let keep = std::path::PathBuf::from(old_name);
            std::fs::rename(path, &keep)
                .and_then(|()| std::fs::rename(&pending, path))
                .map_err(|e| {
                    CliError::Runtime(format!(
                        "the database is sealed with the new key in {}, but it could not be moved to {}: {e}; move it by hand",
                        pending.display(),
                        path.display()
                    ))
                })?;
            println!(
                "re-sealed {count} secrets under a new key, now in {}; the old key is kept in {} for older backups. Restart the server.",
                path.display(),
                keep.display()
            );
        }
        KeySource::Env(_) => println!(
            "re-sealed {count} secrets under a new key, written to {}: set VZCONNECT_SECRET_KEY to its contents, then restart the server.",
            pending.display()
        ),
    }
    Ok(())
}
