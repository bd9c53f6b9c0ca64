//! The installation's own facts (the `settings` table) and everything sealed with the server
//! key (client secrets, signing keys' private parts): the key's check value lets a wrong or
//! missing key be noticed before anything is changed, and a probe write proves the database
//! takes writes.

use rusqlite::{params, Connection, OptionalExtension};

use super::writer::db_error;
use crate::clock::UnixTime;
use crate::domain::records::{SealedKind, SealedValue};
use crate::store::StoreResult;

/// The `settings` row that holds the key's check value.
const KEY_CHECK: &str = "secret_key_check";

pub(super) fn key_check(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT value FROM settings WHERE name = ?1")?
        .query_row([KEY_CHECK], |row| row.get(0))
        .optional()
}

pub(super) fn set_key_check(conn: &Connection, check: &str) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO settings (name, value) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET value = ?2",
    )
    .and_then(|mut s| s.execute(params![KEY_CHECK, check]))
    .map_err(db_error)?;
    Ok(())
}

/// Writes the time of the latest readiness probe: a real write through the writer.
pub(super) fn probe(conn: &Connection, now: UnixTime) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO settings (name, value) VALUES ('write_probe', ?1)
         ON CONFLICT (name) DO UPDATE SET value = ?1",
    )
    .and_then(|mut s| s.execute([now.to_string()]))
    .map_err(db_error)?;
    Ok(())
}

pub(super) fn list(conn: &Connection) -> rusqlite::Result<Vec<SealedValue>> {
    let mut values: Vec<SealedValue> = conn
        .prepare_cached(
            "SELECT client_id, sealed_secret FROM clients WHERE sealed_secret IS NOT NULL
             ORDER BY client_id",
        )?
        .query_map([], |row| {
            Ok(SealedValue {
                kind: SealedKind::ClientSecret,
                id: row.get(0)?,
                sealed: row.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let keys = conn
        .prepare_cached("SELECT kid, private_sealed FROM signing_keys ORDER BY kid")?
        .query_map([], |row| {
            Ok(SealedValue {
                kind: SealedKind::SigningKey,
                id: row.get(0)?,
                sealed: row.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    values.extend(keys);
    Ok(values)
}

/// Replaces every sealed value and the key check in the caller's transaction.
pub(super) fn reseal(conn: &Connection, values: &[SealedValue], check: &str) -> StoreResult<()> {
    for value in values {
        let sql = match value.kind {
            SealedKind::ClientSecret => {
                "UPDATE clients SET sealed_secret = ?2 WHERE client_id = ?1"
            }
            SealedKind::SigningKey => "UPDATE signing_keys SET private_sealed = ?2 WHERE kid = ?1",
        };
        conn.prepare_cached(sql)
            .and_then(|mut s| s.execute(params![value.id, value.sealed]))
            .map_err(db_error)?;
    }
    set_key_check(conn, check)
}
