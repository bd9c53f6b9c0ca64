//! The audit trail.

use rusqlite::{params, Connection};

use super::writer::db_error;
use crate::domain::audit::{AuditEvent, AuditQuery};
use crate::store::StoreResult;

pub(super) fn record(conn: &Connection, event: &AuditEvent) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO audit_events (at, kind, user_id, username, client_id, source, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut s| {
        s.execute(params![
            event.at,
            event.kind.as_str(),
            event.user_id,
            event.username,
            event.client_id,
            event.source,
            event.detail
        ])
    })
    .map_err(db_error)?;
    Ok(())
}

pub(super) fn list(conn: &Connection, query: &AuditQuery) -> rusqlite::Result<Vec<AuditEvent>> {
    conn.prepare_cached(
        "SELECT at, kind, user_id, username, client_id, source, detail FROM audit_events
         WHERE (?1 IS NULL OR user_id = ?1) AND at >= coalesce(?2, 0)
         ORDER BY at DESC, id DESC LIMIT ?3",
    )?
    .query_map(
        params![query.user_id, query.since, query.limit as i64],
        |row| {
            let kind: String = row.get(1)?;
            Ok(AuditEvent {
                at: row.get(0)?,
                kind: kind.parse().map_err(|e: String| {
                    rusqlite::Error::FromSqlConversionFailure(
                        1,
                        rusqlite::types::Type::Text,
                        e.into(),
                    )
                })?,
                user_id: row.get(2)?,
                username: row.get(3)?,
                client_id: row.get(4)?,
                source: row.get(5)?,
                detail: row.get(6)?,
            })
        },
    )?
    .collect()
}
