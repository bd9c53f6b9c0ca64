//! Online backups and checked restores of the SQLite database. A backup is a consistent copy
//! taken with `VACUUM INTO` on a read transaction, so it holds every committed write (the
//! WAL's too) while the server keeps running; a restore first reads the copy on its own.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::{db_error, settings, SqliteStore, MIGRATIONS};
use crate::domain::records::SealedValue;
use crate::store::{StoreError, StoreResult};

/// What a restore must know about a copy before it replaces anything.
#[derive(Debug)]
pub struct BackupInfo {
    /// `PRAGMA integrity_check` said "ok".
    pub intact: bool,
    /// How many migrations the copy has.
    pub schema_version: usize,
    /// The secret key's check value recorded in the copy.
    pub key_check: Option<String>,
    /// The values sealed with that key.
    pub sealed: Vec<SealedValue>,
}

/// The schema version this binary writes.
pub fn schema_version() -> usize {
    MIGRATIONS.len()
}

impl SqliteStore {
    /// Writes a consistent copy of the database to `to`, which must not exist; the copy is
    /// owner-only from the start.
    pub fn backup(&self, to: &Path) -> StoreResult<()> {
        let failed = |e: std::io::Error| StoreError::Database(format!("{}: {e}", to.display()));
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(to)
            .map_err(failed)?;
        crate::private_files::restrict_file(to).map_err(failed)?;
        let target = to.to_string_lossy().into_owned();
        let copied = self.read(|c| c.execute("VACUUM INTO ?1", [&target]));
        if copied.is_err() {
            let _ = std::fs::remove_file(to);
        }
        copied.map(|_| ())
    }
}

/// Reads a copy without changing it.
pub fn inspect(path: &Path) -> StoreResult<BackupInfo> {
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(db_error)?;
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| StoreError::Database(format!("{} is not a database: {e}", path.display())))?;
    let schema_version: usize = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(db_error)?;
    let has_settings: bool = conn
        .query_row(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'settings'",
            [],
            |_| Ok(true),
        )
        .optional()
        .map_err(db_error)?
        .unwrap_or(false);
    let key_check = if has_settings {
        settings::key_check(&conn).map_err(db_error)?
    } else {
        None
    };
    Ok(BackupInfo {
        intact: check == "ok",
        schema_version,
        key_check,
        sealed: settings::list(&conn).map_err(db_error)?,
    })
}
