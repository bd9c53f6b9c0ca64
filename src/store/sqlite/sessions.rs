//! Sessions, remembered consents and contacts: the tables about a person, not a token.

use rusqlite::{params, Connection, OptionalExtension};

use super::writer::db_error;
use crate::clock::UnixTime;
use crate::domain::records::{ConnectedApp, SessionInfo, WidgetsOf};
use crate::domain::{ClientId, ScopeSet};
use crate::store::{Consent, Session, StoreError, StoreResult, UserId};

pub(super) fn create(
    conn: &Connection,
    session: &Session,
    replaces: Option<&str>,
) -> StoreResult<()> {
    if let Some(old) = replaces {
        delete(conn, old)?;
    }
    conn.prepare_cached(
        "INSERT INTO sessions (id_hash, user_id, auth_time, expires_at, user_agent)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .and_then(|mut s| {
        s.execute(params![
            session.id_hash,
            session.user_id,
            session.auth_time,
            session.expires_at,
            session.user_agent
        ])
    })
    .map_err(db_error)?;
    Ok(())
}

pub(super) fn find(
    conn: &Connection,
    id_hash: &str,
    now: UnixTime,
) -> rusqlite::Result<Option<Session>> {
    conn.prepare_cached(
        "SELECT id_hash, user_id, auth_time, expires_at, user_agent FROM sessions
         WHERE id_hash = ?1 AND expires_at > ?2",
    )?
    .query_row(params![id_hash, now], |row| {
        Ok(Session {
            id_hash: row.get(0)?,
            user_id: row.get(1)?,
            auth_time: row.get(2)?,
            expires_at: row.get(3)?,
            user_agent: row.get(4)?,
        })
    })
    .optional()
}

pub(super) fn delete(conn: &Connection, id_hash: &str) -> StoreResult<()> {
    conn.prepare_cached("DELETE FROM sessions WHERE id_hash = ?1")
        .and_then(|mut s| s.execute([id_hash]))
        .map_err(db_error)?;
    Ok(())
}

pub(super) fn find_consent(
    conn: &Connection,
    user: UserId,
    client_id: &ClientId,
) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT scope FROM consents WHERE user_id = ?1 AND client_id = ?2")?
        .query_row(params![user, client_id.as_str()], |row| row.get(0))
        .optional()
}

pub(super) fn save_consent(conn: &Connection, consent: &Consent) -> StoreResult<()> {
    let previous = find_consent(conn, consent.user_id, &consent.client_id).map_err(db_error)?;
    let mut scope = ScopeSet::parse(&consent.scope).map_err(StoreError::Database)?;
    if let Some(previous) = previous {
        // Scopes that no longer exist are dropped rather than failing the save.
        scope = scope.union(&ScopeSet::parse(&previous).unwrap_or_default());
    }
    conn.prepare_cached(
        "INSERT INTO consents (user_id, client_id, scope, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4)
         ON CONFLICT (user_id, client_id) DO UPDATE SET scope = ?3, updated_at = ?4",
    )
    .and_then(|mut s| {
        s.execute(params![
            consent.user_id,
            consent.client_id.as_str(),
            scope.to_string(),
            consent.now
        ])
    })
    .map_err(db_error)?;
    Ok(())
}

pub(super) fn clients_of_session(conn: &Connection, sid: &str) -> rusqlite::Result<Vec<ClientId>> {
    conn.prepare_cached(
        "SELECT client_id FROM grants WHERE sid = ?1
         UNION SELECT client_id FROM auth_codes WHERE sid = ?1 ORDER BY 1",
    )?
    .query_map([sid], |row| {
        let id: String = row.get(0)?;
        ClientId::parse(&id).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
        })
    })?
    .collect()
}

pub(super) fn list(
    conn: &Connection,
    user: UserId,
    now: UnixTime,
) -> rusqlite::Result<Vec<SessionInfo>> {
    conn.prepare_cached(
        "SELECT id_hash, user_agent, auth_time, max(last_seen_at, auth_time) FROM sessions
         WHERE user_id = ?1 AND expires_at > ?2 ORDER BY 4 DESC",
    )?
    .query_map(params![user, now], |row| {
        Ok(SessionInfo {
            id_hash: row.get(0)?,
            user_agent: row.get(1)?,
            auth_time: row.get(2)?,
            last_seen_at: row.get(3)?,
        })
    })?
    .collect()
}

pub(super) fn touch(conn: &Connection, id_hash: &str, now: UnixTime) -> StoreResult<()> {
    conn.prepare_cached("UPDATE sessions SET last_seen_at = ?2 WHERE id_hash = ?1")
        .and_then(|mut s| s.execute(params![id_hash, now]))
        .map_err(db_error)?;
    Ok(())
}

/// Ends one of the user's sessions (only their own), or all but `keep`.
pub(super) fn end(
    conn: &Connection,
    user: UserId,
    which: Option<&str>,
    keep: Option<&str>,
) -> StoreResult<Vec<String>> {
    let ended = match which {
        Some(one) => conn
            .prepare_cached(
                "DELETE FROM sessions WHERE user_id = ?1 AND id_hash = ?2 RETURNING id_hash",
            )
            .and_then(|mut s| {
                s.query_map(params![user, one], |row| row.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()
            }),
        None => end_all_but(conn, user, keep),
    };
    ended.map_err(db_error)
}

/// Deletes every session of `user` except `keep`; the ended sessions' hashes.
pub(super) fn end_all_but(
    conn: &Connection,
    user: UserId,
    keep: Option<&str>,
) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(
        "DELETE FROM sessions WHERE user_id = ?1 AND id_hash IS NOT ?2 RETURNING id_hash",
    )?
    .query_map(params![user, keep], |row| row.get(0))?
    .collect()
}

pub(super) fn connected_apps(
    conn: &Connection,
    user: UserId,
) -> rusqlite::Result<Vec<ConnectedApp>> {
    conn.prepare_cached(
        "SELECT c.client_id, c.name, group_concat(x.scope, ' '), max(x.at) FROM (
             SELECT client_id, scope, created_at AS at FROM grants
              WHERE user_id = ?1 AND revoked_at IS NULL
             UNION ALL
             SELECT client_id, scope, updated_at AS at FROM consents WHERE user_id = ?1
         ) x JOIN clients c ON c.client_id = x.client_id
         GROUP BY c.client_id ORDER BY 4 DESC",
    )?
    .query_map([user], |row| {
        let id: String = row.get(0)?;
        let scopes: String = row.get(2)?;
        // Canonical order, each scope once (unknown names from old rows are dropped).
        let scope = ScopeSet::parse(&scopes).unwrap_or_default();
        Ok(ConnectedApp {
            client_id: ClientId::parse(&id).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
            })?,
            client_name: row.get(1)?,
            scope: scope.to_string(),
            since: row.get(3)?,
        })
    })?
    .collect()
}

/// Forgets the consent and revokes every grant of `client` for `user`.
pub(super) fn disconnect(
    conn: &Connection,
    user: UserId,
    client: &ClientId,
    now: UnixTime,
) -> StoreResult<()> {
    conn.prepare_cached("DELETE FROM consents WHERE user_id = ?1 AND client_id = ?2")
        .and_then(|mut s| s.execute(params![user, client.as_str()]))
        .map_err(db_error)?;
    conn.prepare_cached(
        "UPDATE grants SET revoked_at = ?3 WHERE user_id = ?1 AND client_id = ?2 AND revoked_at IS NULL",
    )
    .and_then(|mut s| s.execute(params![user, client.as_str(), now]))
    .map_err(db_error)?;
    // The site's widget credentials go with its access.
    super::widgets::revoke(conn, user, &WidgetsOf::Site(client.clone()), None, now)?;
    Ok(())
}
