//! Widget credentials and remembered widget decisions (MSC1960), each belonging to the site
//! that minted it.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::writer::db_error;
use crate::clock::UnixTime;
use crate::domain::records::{UserId, WidgetGrant, WidgetToken, WidgetsOf};
use crate::domain::ClientId;
use crate::store::StoreResult;

fn client_id(row: &Row<'_>, column: usize) -> rusqlite::Result<Option<ClientId>> {
    let id: Option<String> = row.get(column)?;
    id.map(|id| {
        ClientId::parse(&id).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, e.into())
        })
    })
    .transpose()
}

/// The site a call is limited to (`None`: every site).
fn site(of: &WidgetsOf) -> Option<&str> {
    match of {
        WidgetsOf::Everyone => None,
        WidgetsOf::Site(client) => Some(client.as_str()),
    }
}

pub(super) fn mint(
    conn: &Connection,
    token: &WidgetToken,
    grant: Option<&WidgetGrant>,
) -> StoreResult<()> {
    let token_client = token.client_id.as_ref().map(ClientId::as_str);
    if let Some(grant) = grant {
        conn.prepare_cached(
            "INSERT INTO widget_grants (user_id, client_id, widget_id, url, created_at, last_used_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)
             ON CONFLICT (user_id, client_id, widget_id) DO UPDATE SET url = ?4, last_used_at = ?5",
        )
        .and_then(|mut s| {
            s.execute(params![
                grant.user_id,
                grant.client_id.as_ref().map(ClientId::as_str),
                grant.widget_id,
                grant.url,
                grant.last_used_at
            ])
        })
        .map_err(db_error)?;
    }
    conn.prepare_cached(
        "INSERT INTO widget_tokens (hash, user_id, client_id, widget_id, issued_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| {
        s.execute(params![
            token.hash,
            token.user_id,
            token_client,
            token.widget_id,
            token.issued_at,
            token.expires_at
        ])
    })
    .map_err(db_error)?;
    Ok(())
}

pub(super) fn find(conn: &Connection, hash: &str) -> rusqlite::Result<Option<WidgetToken>> {
    conn.prepare_cached(
        "SELECT hash, user_id, client_id, widget_id, issued_at, expires_at, revoked_at IS NOT NULL
         FROM widget_tokens WHERE hash = ?1",
    )?
    .query_row([hash], |row| {
        Ok(WidgetToken {
            hash: row.get(0)?,
            user_id: row.get(1)?,
            client_id: client_id(row, 2)?,
            widget_id: row.get(3)?,
            issued_at: row.get(4)?,
            expires_at: row.get(5)?,
            revoked: row.get(6)?,
        })
    })
    .optional()
}

pub(super) fn list(
    conn: &Connection,
    user: UserId,
    of: &WidgetsOf,
) -> rusqlite::Result<Vec<WidgetGrant>> {
    conn.prepare_cached(
        "SELECT user_id, client_id, widget_id, url, created_at, last_used_at FROM widget_grants
         WHERE user_id = ?1 AND (?2 IS NULL OR client_id = ?2)
         ORDER BY last_used_at DESC, widget_id, client_id",
    )?
    .query_map(params![user, site(of)], |row| {
        Ok(WidgetGrant {
            user_id: row.get(0)?,
            client_id: client_id(row, 1)?,
            widget_id: row.get(2)?,
            url: row.get(3)?,
            created_at: row.get(4)?,
            last_used_at: row.get(5)?,
        })
    })?
    .collect()
}

/// Forgets one widget (or all) of `of` and revokes the matching live credentials; returns
/// how many credentials were revoked.
pub(super) fn revoke(
    conn: &Connection,
    user: UserId,
    of: &WidgetsOf,
    widget: Option<&str>,
    now: UnixTime,
) -> StoreResult<usize> {
    let site = site(of);
    conn.prepare_cached(
        "DELETE FROM widget_grants WHERE user_id = ?1 AND (?2 IS NULL OR client_id = ?2)
             AND (?3 IS NULL OR widget_id = ?3)",
    )
    .and_then(|mut s| s.execute(params![user, site, widget]))
    .map_err(db_error)?;
    conn.prepare_cached(
        "UPDATE widget_tokens SET revoked_at = ?4
         WHERE user_id = ?1 AND (?2 IS NULL OR client_id = ?2) AND (?3 IS NULL OR widget_id = ?3)
             AND revoked_at IS NULL",
    )
    .and_then(|mut s| s.execute(params![user, site, widget, now]))
    .map_err(db_error)
}
