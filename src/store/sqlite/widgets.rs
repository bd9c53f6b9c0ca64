//! Widget credentials and remembered widget decisions (MSC1960).

use rusqlite::{params, Connection, OptionalExtension};

use super::writer::db_error;
use crate::clock::UnixTime;
use crate::domain::records::{UserId, WidgetGrant, WidgetToken};
use crate::store::StoreResult;

pub(super) fn mint(
    conn: &Connection,
    token: &WidgetToken,
    grant: Option<&WidgetGrant>,
) -> StoreResult<()> {
    if let Some(grant) = grant {
        conn.prepare_cached(
            "INSERT INTO widget_grants (user_id, widget_id, url, created_at, last_used_at)
             VALUES (?1, ?2, ?3, ?4, ?4)
             ON CONFLICT (user_id, widget_id) DO UPDATE SET url = ?3, last_used_at = ?4",
        )
        .and_then(|mut s| {
            s.execute(params![
                grant.user_id,
                grant.widget_id,
                grant.url,
                grant.last_used_at
            ])
        })
        .map_err(db_error)?;
    }
    conn.prepare_cached(
        "INSERT INTO widget_tokens (hash, user_id, widget_id, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .and_then(|mut s| s.execute(params![token.hash, token.user_id, token.widget_id, token.issued_at, token.expires_at]))
    .map_err(db_error)?;
    Ok(())
}

pub(super) fn find(conn: &Connection, hash: &str) -> rusqlite::Result<Option<WidgetToken>> {
    conn.prepare_cached(
        "SELECT hash, user_id, widget_id, issued_at, expires_at, revoked_at IS NOT NULL
         FROM widget_tokens WHERE hash = ?1",
    )?
    .query_row([hash], |row| {
        Ok(WidgetToken {
            hash: row.get(0)?,
            user_id: row.get(1)?,
            widget_id: row.get(2)?,
            issued_at: row.get(3)?,
            expires_at: row.get(4)?,
            revoked: row.get(5)?,
        })
    })
    .optional()
}

pub(super) fn list(conn: &Connection, user: UserId) -> rusqlite::Result<Vec<WidgetGrant>> {
    conn.prepare_cached(
        "SELECT user_id, widget_id, url, created_at, last_used_at FROM widget_grants
         WHERE user_id = ?1 ORDER BY last_used_at DESC, widget_id",
    )?
    .query_map([user], |row| {
        Ok(WidgetGrant {
            user_id: row.get(0)?,
            widget_id: row.get(1)?,
            url: row.get(2)?,
            created_at: row.get(3)?,
            last_used_at: row.get(4)?,
        })
    })?
    .collect()
}

/// Forgets one widget (or all) and revokes its live credentials; returns how many
/// credentials were revoked.
pub(super) fn revoke(
    conn: &Connection,
    user: UserId,
    widget: Option<&str>,
    now: UnixTime,
) -> StoreResult<usize> {
    let (grants, tokens) = match widget {
        Some(_) => (
            "DELETE FROM widget_grants WHERE user_id = ?1 AND widget_id = ?2",
            "UPDATE widget_tokens SET revoked_at = ?3 WHERE user_id = ?1 AND widget_id = ?2 AND revoked_at IS NULL",
        ),
        None => (
            "DELETE FROM widget_grants WHERE user_id = ?1 AND ?2 IS NULL",
            "UPDATE widget_tokens SET revoked_at = ?3 WHERE user_id = ?1 AND ?2 IS NULL AND revoked_at IS NULL",
        ),
    };
    conn.prepare_cached(grants)
        .and_then(|mut s| s.execute(params![user, widget]))
        .map_err(db_error)?;
    conn.prepare_cached(tokens)
        .and_then(|mut s| s.execute(params![user, widget, now]))
        .map_err(db_error)
}
