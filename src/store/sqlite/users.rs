//! Users table.

use rusqlite::{params, Connection, OptionalExtension, Row, ToSql};

use super::writer::db_error;
use crate::clock::UnixTime;
use crate::domain::records::{LinkAction, LinkFollowed, LinkPurpose, OneTimeLink, PendingSignup};
use crate::domain::{Profile, Sub};
use crate::store::{NewUser, StoreError, StoreResult, User};

pub(super) const COLUMNS: &str =
    "id, sub, username, email, name, created_at, updated_at, profile, email_verified";

pub(super) fn from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    from_row_at(row, 0)
}

/// A user from [`COLUMNS`] starting at column `at` of a wider row (a join).
pub(super) fn from_row_at(row: &Row<'_>, at: usize) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(at)?,
        sub: Sub::from_string(row.get(at + 1)?),
        username: row.get(at + 2)?,
        email: row.get(at + 3)?,
        name: row.get(at + 4)?,
        created_at: row.get(at + 5)?,
        updated_at: row.get(at + 6)?,
        // A profile that no longer parses is shown empty rather than failing the lookup.
        profile: serde_json::from_str(&row.get::<_, String>(at + 7)?).unwrap_or_default(),
        email_verified: row.get(at + 8)?,
    })
}

pub(super) fn create(conn: &Connection, user: &NewUser) -> StoreResult<User> {
    let taken = |column: &str, value: &str| -> StoreResult<bool> {
        conn.prepare_cached(&format!("SELECT 1 FROM users WHERE {column} = ?1"))
            .and_then(|mut s| s.exists([value]))
            .map_err(db_error)
    };
    if taken("username", &user.username)? {
        return Err(StoreError::Conflict(format!(
            "the username '{}' is taken",
            user.username
        )));
    }
    if taken("email", &user.email)? {
        return Err(StoreError::Conflict(format!(
            "the email '{}' is already registered",
            user.email
        )));
    }
    conn.prepare_cached(
        "INSERT INTO users (sub, username, email, name, password_hash, created_at, updated_at,
                            email_verified)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
    )
    .and_then(|mut s| {
        s.execute(params![
            user.sub.as_str(),
            user.username,
            user.email,
            user.name,
            user.password_hash,
            user.created_at,
            user.email_verified
        ])
    })
    .map_err(db_error)?;
    Ok(User {
        id: conn.last_insert_rowid(),
        sub: user.sub.clone(),
        username: user.username.clone(),
        email: user.email.clone(),
        name: user.name.clone(),
        profile: Profile::default(),
        email_verified: user.email_verified,
        created_at: user.created_at,
        updated_at: user.created_at,
    })
}

/// Looks a user up by a unique column (`id` or `sub`).
pub(super) fn find_by(
    conn: &Connection,
    column: &'static str,
    value: impl ToSql,
) -> rusqlite::Result<Option<User>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE {column} = ?1"))?
        .query_row([value], from_row)
        .optional()
}

pub(super) fn find_login(
    conn: &Connection,
    username: &str,
) -> rusqlite::Result<Option<(User, String)>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS}, password_hash FROM users WHERE username = ?1"
    ))?
    .query_row([username], |row| Ok((from_row(row)?, row.get(9)?)))
    .optional()
}

pub(super) fn list(conn: &Connection) -> rusqlite::Result<Vec<User>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM users ORDER BY id"))?
        .query_map([], from_row)?
        .collect()
}

/// Replaces the display name and profile of a user.
pub(super) fn update_profile(
    conn: &Connection,
    id: i64,
    name: Option<&str>,
    profile: &Profile,
    now: UnixTime,
) -> StoreResult<User> {
    let json = serde_json::to_string(profile).map_err(|e| StoreError::Database(e.to_string()))?;
    let changed = conn
        .prepare_cached("UPDATE users SET name = ?2, profile = ?3, updated_at = ?4 WHERE id = ?1")
        .and_then(|mut s| s.execute(params![id, name, json, now]))
        .map_err(db_error)?;
    if changed == 0 {
        return Err(StoreError::NotFound("no such user".into()));
    }
    find_by(conn, "id", id)
        .map_err(db_error)?
        .ok_or_else(|| StoreError::NotFound("no such user".into()))
}

/// A user by email address (case-insensitive, like the unique index).
pub(super) fn find_by_email(conn: &Connection, email: &str) -> rusqlite::Result<Option<User>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users WHERE email = ?1 COLLATE NOCASE"
    ))?
    .query_row([email], from_row)
    .optional()
}

/// Sets a new password; ends every session except `keep` (the one that changed it), and with
/// `revoke_access` everything else that acts for the person (see [`revoke_all_access`]).
pub(super) fn set_password(
    conn: &Connection,
    id: i64,
    hash: &str,
    keep: Option<&str>,
    revoke_access: bool,
    now: UnixTime,
) -> StoreResult<Vec<String>> {
    conn.prepare_cached("UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1")
        .and_then(|mut s| s.execute(params![id, hash, now]))
        .map_err(db_error)?;
    if revoke_access {
        revoke_all_access(conn, id, now)?;
    }
    super::sessions::end_all_but(conn, id, keep).map_err(db_error)
}

/// Revokes everything that lets anyone act for the person without their password: every
/// grant (and so every access and refresh token), remembered consents, widget credentials
/// and grants, and every unused link sent by mail.
fn revoke_all_access(conn: &Connection, id: i64, now: UnixTime) -> StoreResult<()> {
    for sql in [
        "UPDATE grants SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL",
        "UPDATE widget_tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL",
        "UPDATE one_time_tokens SET used_at = ?2 WHERE user_id = ?1 AND used_at IS NULL",
        "DELETE FROM consents WHERE user_id = ?1 AND ?2 IS NOT NULL",
        "DELETE FROM widget_grants WHERE user_id = ?1 AND ?2 IS NOT NULL",
    ] {
        conn.prepare_cached(sql)
            .and_then(|mut s| s.execute(params![id, now]))
            .map_err(db_error)?;
    }
    Ok(())
}

/// Stores an account waiting for its address to be confirmed.
pub(super) fn create_signup(conn: &Connection, signup: &PendingSignup) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO pending_signups
             (hash, username, email, name, password_hash, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut s| {
        s.execute(params![
            signup.hash,
            signup.username,
            signup.email,
            signup.name,
            signup.password_hash,
            signup.created_at,
            signup.expires_at
        ])
    })
    .map_err(db_error)?;
    Ok(())
}

/// Creates the account a live signup link stands for, its address verified; `None` if the
/// link is unknown or expired, `Conflict` if the username or address was taken meanwhile.
pub(super) fn complete_signup(
    conn: &Connection,
    hash: &str,
    sub: &Sub,
    now: UnixTime,
) -> StoreResult<Option<User>> {
    let signup = conn
        .prepare_cached(
            "DELETE FROM pending_signups WHERE hash = ?1 AND expires_at > ?2
             RETURNING username, email, name, password_hash",
        )
        .and_then(|mut s| {
            s.query_row(params![hash, now], |row| {
                Ok(NewUser {
                    sub: sub.clone(),
                    username: row.get(0)?,
                    email: row.get(1)?,
                    name: row.get(2)?,
                    password_hash: row.get(3)?,
                    email_verified: true,
                    created_at: now,
                })
            })
            .optional()
        })
        .map_err(db_error)?;
    signup.map(|user| create(conn, &user)).transpose()
}

pub(super) fn create_link(conn: &Connection, link: &OneTimeLink) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO one_time_tokens (hash, user_id, purpose, expires_at) VALUES (?1, ?2, ?3, ?4)",
    )
    .and_then(|mut s| {
        s.execute(params![
            link.hash,
            link.user_id,
            link.purpose.as_str(),
            link.expires_at
        ])
    })
    .map_err(db_error)?;
    Ok(())
}

/// Uses up a live link of `purpose` and applies `action`; `None` if the link is unknown,
/// expired, already used or for something else.
pub(super) fn follow_link(
    conn: &Connection,
    hash: &str,
    purpose: LinkPurpose,
    action: &LinkAction,
    now: UnixTime,
) -> StoreResult<Option<LinkFollowed>> {
    let user: Option<i64> = conn
        .prepare_cached(
            "UPDATE one_time_tokens SET used_at = ?3
             WHERE hash = ?1 AND purpose = ?2 AND used_at IS NULL AND expires_at > ?3
             RETURNING user_id",
        )
        .and_then(|mut s| {
            s.query_row(params![hash, purpose.as_str(), now], |row| row.get(0))
                .optional()
        })
        .map_err(db_error)?;
    let Some(user) = user else {
        return Ok(None);
    };
    let ended_sessions = match action {
        LinkAction::VerifyEmail => {
            conn.prepare_cached(
                "UPDATE users SET email_verified = 1, updated_at = ?2 WHERE id = ?1",
            )
            .and_then(|mut s| s.execute(params![user, now]))
            .map_err(db_error)?;
            Vec::new()
        }
        // Whoever asked for the reset may be recovering from someone else holding the account.
        LinkAction::SetPassword(hash) => set_password(conn, user, hash, None, true, now)?,
    };
    Ok(Some(LinkFollowed {
        user_id: user,
        ended_sessions,
    }))
}
