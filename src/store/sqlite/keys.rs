//! Signing keys for id_tokens.

use rusqlite::{params, Connection};

use super::writer::db_error;
use crate::clock::UnixTime;
use crate::domain::records::SigningKey;
use crate::store::StoreResult;

pub(super) fn list(conn: &Connection) -> rusqlite::Result<Vec<SigningKey>> {
    conn.prepare_cached(
        "SELECT kid, alg, private_sealed, public_jwk, created_at, retired_at
         FROM signing_keys ORDER BY created_at DESC, kid",
    )?
    .query_map([], |row| {
        let alg: String = row.get(1)?;
        Ok(SigningKey {
            kid: row.get(0)?,
            alg: alg.parse().map_err(|e: String| {
                rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, e.into())
            })?,
            private_sealed: row.get(2)?,
            public_jwk: row.get(3)?,
            created_at: row.get(4)?,
            retired_at: row.get(5)?,
        })
    })?
    .collect()
}

/// Adds a key and retires the keys of the same algorithm it replaces.
pub(super) fn add(conn: &Connection, key: &SigningKey) -> StoreResult<()> {
    retire(conn, key.alg.as_str(), key.created_at)?;
    conn.prepare_cached(
        "INSERT INTO signing_keys (kid, alg, private_sealed, public_jwk, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .and_then(|mut s| {
        s.execute(params![
            key.kid,
            key.alg.as_str(),
            key.private_sealed,
            key.public_jwk,
            key.created_at
        ])
    })
    .map_err(db_error)?;
    Ok(())
}

fn retire(conn: &Connection, alg: &str, now: UnixTime) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE signing_keys SET retired_at = ?2 WHERE alg = ?1 AND retired_at IS NULL",
    )
    .and_then(|mut s| s.execute(params![alg, now]))
    .map_err(db_error)?;
    Ok(())
}
