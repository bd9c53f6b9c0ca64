//! Deleting what expired, in small batches: each batch is one write job that deletes at most
//! [`BATCH`] rows of each table (found through the expiry indexes) and examines at most
//! [`BATCH`] grants, so it holds the writer for milliseconds and the requests queued behind
//! it barely notice, whatever the size of the tables.

use rusqlite::{params, Connection, OptionalExtension};

use super::writer::db_error;
use crate::clock::UnixTime;
use crate::store::StoreResult;

/// The most rows one batch deletes from one table.
pub(super) const BATCH: i64 = 500;

/// How long a code is kept after it expired, to recognise a late reuse; used links too.
const RETENTION: i64 = 24 * 3600;
// A grant with no refresh token or code goes after RETENTION: its sealed access tokens must
// all have expired by then.
const _: () = assert!(RETENTION > crate::oauth::tokens::ACCESS_TOKEN_TTL);
/// How long security events are kept.
const AUDIT_RETENTION: i64 = 365 * 24 * 3600;

/// What one batch did.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Batch {
    pub deleted: usize,
    /// Whether a table still has expired rows (a batch stopped at its limit).
    pub more: bool,
    /// The last grant examined; `None` when every grant has been looked at.
    pub grants_after: Option<String>,
}

/// One batch of the purge; grants are examined in id order after `grants_after`.
pub(super) fn batch(conn: &Connection, now: UnixTime, grants_after: &str) -> StoreResult<Batch> {
    let tables: [(&str, &str, UnixTime); 7] = [
        ("sessions", "id_hash", now),
        ("pending_signups", "hash", now),
        ("auth_codes", "code_hash", now - RETENTION),
        ("revoked_access_tokens", "token_id", now),
        ("refresh_tokens", "hash", now),
        ("widget_tokens", "hash", now),
        ("one_time_tokens", "hash", now - RETENTION),
    ];
    let mut done = Batch::default();
    for (table, key, cutoff) in tables {
        let deleted = conn
            .prepare_cached(&format!(
                "DELETE FROM {table} WHERE {key} IN
                     (SELECT {key} FROM {table} WHERE expires_at <= ?1 LIMIT ?2)"
            ))
            .and_then(|mut s| s.execute(params![cutoff, BATCH]))
            .map_err(db_error)?;
        done.deleted += deleted;
        done.more |= deleted as i64 >= BATCH;
    }
    let audit = conn
        .prepare_cached(
            "DELETE FROM audit_events WHERE id IN
                 (SELECT id FROM audit_events WHERE at <= ?1 LIMIT ?2)",
        )
        .and_then(|mut s| s.execute(params![now - AUDIT_RETENTION, BATCH]))
        .map_err(db_error)?;
    done.deleted += audit;
    done.more |= audit as i64 >= BATCH;
    // Grants left with no token or code once their codes' retention has passed.
    let window_end: Option<String> = conn
        .prepare_cached(
            "SELECT max(id) FROM (SELECT id FROM grants WHERE id > ?1 ORDER BY id LIMIT ?2)",
        )
        .and_then(|mut s| {
            s.query_row(params![grants_after, BATCH], |row| row.get(0))
                .optional()
        })
        .map_err(db_error)?
        .flatten();
    if let Some(end) = &window_end {
        done.deleted += conn
            .prepare_cached(
                "DELETE FROM grants WHERE id > ?1 AND id <= ?2 AND created_at <= ?3
                   AND NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.grant_id = grants.id)
                   AND NOT EXISTS (SELECT 1 FROM auth_codes c WHERE c.grant_id = grants.id)",
            )
            .and_then(|mut s| s.execute(params![grants_after, end, now - RETENTION]))
            .map_err(db_error)?;
    }
    done.grants_after = window_end;
    Ok(done)
}
