//! Authorization codes, grants, access and refresh tokens — all stored by SHA-256 hash.

use rusqlite::{named_params, params, Connection, OptionalExtension, Row};

use super::users;
use super::writer::db_error;
use crate::clock::UnixTime;
use crate::domain::ClientId;
use crate::store::{
    AccessStanding, AuthCode, Grant, NewTokens, Redemption, RefreshToken, Rotation, StoreResult,
};

pub(super) fn create_auth_code(conn: &Connection, code: &AuthCode) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO auth_codes (code_hash, client_id, user_id, redirect_uri,
             redirect_uri_explicit, scope, fields, code_challenge, auth_time, issued_at, expires_at,
             nonce, sid, claims)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )
    .and_then(|mut s| {
        s.execute(params![
            code.code_hash,
            code.client_id.as_str(),
            code.user_id,
            code.redirect_uri,
            code.redirect_uri_explicit,
            code.scope,
            code.fields,
            code.code_challenge,
            code.auth_time,
            code.issued_at,
            code.expires_at,
            code.nonce,
            code.sid,
            code.claims,
        ])
    })
    .map_err(db_error)?;
    Ok(())
}

pub(super) fn find_auth_code(
    conn: &Connection,
    code_hash: &str,
) -> rusqlite::Result<Option<AuthCode>> {
    conn.prepare_cached(
        "SELECT code_hash, client_id, user_id, redirect_uri, redirect_uri_explicit, scope,
                fields, code_challenge, auth_time, issued_at, expires_at, redeemed_at IS NOT NULL,
                nonce, sid, claims
         FROM auth_codes WHERE code_hash = ?1",
    )?
    .query_row([code_hash], |row| {
        Ok(AuthCode {
            code_hash: row.get(0)?,
            client_id: client_id(row, 1)?,
            user_id: row.get(2)?,
            redirect_uri: row.get(3)?,
            redirect_uri_explicit: row.get(4)?,
            scope: row.get(5)?,
            fields: row.get(6)?,
            code_challenge: row.get(7)?,
            auth_time: row.get(8)?,
            issued_at: row.get(9)?,
            expires_at: row.get(10)?,
            redeemed: row.get(11)?,
            nonce: row.get(12)?,
            sid: row.get(13)?,
            claims: row.get(14)?,
        })
    })
    .optional()
}

pub(super) fn redeem_auth_code(
    conn: &Connection,
    code_hash: &str,
    grant: &Grant,
    tokens: &NewTokens,
) -> StoreResult<Redemption> {
    // Writes run one at a time on the writer thread, so this check-then-act is atomic.
    let redeemed: Option<bool> = conn
        .prepare_cached("SELECT redeemed_at IS NOT NULL FROM auth_codes WHERE code_hash = ?1")
        .and_then(|mut s| s.query_row([code_hash], |row| row.get(0)).optional())
        .map_err(db_error)?;
    if redeemed != Some(false) {
        revoke_code_grant(conn, code_hash, grant.created_at)?;
        return Ok(Redemption::AlreadyRedeemed);
    }
    insert_grant(conn, grant)?;
    conn.prepare_cached(
        "UPDATE auth_codes SET redeemed_at = ?2, grant_id = ?3 WHERE code_hash = ?1",
    )
    .and_then(|mut s| s.execute(params![code_hash, grant.created_at, grant.id]))
    .map_err(db_error)?;
    insert_tokens(conn, tokens)?;
    Ok(Redemption::Redeemed)
}

pub(super) fn revoke_code_grant(
    conn: &Connection,
    code_hash: &str,
    now: UnixTime,
) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE grants SET revoked_at = ?2 WHERE revoked_at IS NULL
           AND id = (SELECT grant_id FROM auth_codes WHERE code_hash = ?1)",
    )
    .and_then(|mut s| s.execute(params![code_hash, now]))
    .map_err(db_error)?;
    Ok(())
}

pub(super) fn insert_grant(conn: &Connection, grant: &Grant) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO grants (id, client_id, user_id, scope, fields, created_at, auth_time, sid,
             claims)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .and_then(|mut s| {
        s.execute(params![
            grant.id,
            grant.client_id.as_str(),
            grant.user_id,
            grant.scope,
            grant.fields,
            grant.created_at,
            grant.auth_time,
            grant.sid,
            grant.claims
        ])
    })
    .map_err(db_error)?;
    Ok(())
}

pub(super) fn insert_tokens(conn: &Connection, tokens: &NewTokens) -> StoreResult<()> {
    let Some(refresh) = &tokens.refresh else {
        return Ok(());
    };
    conn.prepare_cached(
        "INSERT INTO refresh_tokens (hash, grant_id, issued_at, expires_at)
         VALUES (?1, ?2, ?3, ?4)",
    )
    .and_then(|mut s| {
        s.execute(params![
            refresh.hash,
            tokens.grant_id,
            refresh.issued_at,
            refresh.expires_at
        ])
    })
    .map_err(db_error)?;
    Ok(())
}

const GRANT_COLUMNS: &str =
    "g.id, g.client_id, g.user_id, g.scope, g.fields, g.created_at, g.auth_time, g.sid, g.claims";

fn client_id(row: &Row<'_>, index: usize) -> rusqlite::Result<ClientId> {
    let raw: String = row.get(index)?;
    ClientId::parse(&raw).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, e.into())
    })
}

fn grant_from_row(row: &Row<'_>) -> rusqlite::Result<Grant> {
    Ok(Grant {
        id: row.get(0)?,
        client_id: client_id(row, 1)?,
        user_id: row.get(2)?,
        scope: row.get(3)?,
        fields: row.get(4)?,
        created_at: row.get(5)?,
        auth_time: row.get(6)?,
        sid: row.get(7)?,
        claims: row.get(8)?,
    })
}

pub(super) fn access_standing(
    conn: &Connection,
    grant_id: Option<&str>,
    token_id: &str,
) -> rusqlite::Result<AccessStanding> {
    const TOKEN_REVOKED: &str =
        "EXISTS (SELECT 1 FROM revoked_access_tokens WHERE token_id = :token)";
    let Some(grant_id) = grant_id else {
        let revoked = conn
            .prepare_cached(&format!("SELECT {TOKEN_REVOKED}"))?
            .query_row(named_params! { ":token": token_id }, |row| row.get(0))?;
        return Ok(AccessStanding {
            revoked,
            ..AccessStanding::default()
        });
    };
    // One statement: the grant, its revocation and the token's, the person, the sector.
    static STANDING: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let person: Vec<String> = (users::COLUMNS.split(", "))
            .map(|c| format!("u.{c}"))
            .collect();
        format!(
            "SELECT {GRANT_COLUMNS}, g.revoked_at IS NOT NULL OR {TOKEN_REVOKED},
                    c.sector_identifier, u.id IS NOT NULL, {}
             FROM grants g
             LEFT JOIN clients c ON c.client_id = g.client_id
             LEFT JOIN users u ON u.id = g.user_id
             WHERE g.id = :grant",
            person.join(", ")
        )
    });
    conn.prepare_cached(&STANDING)?
        .query_row(
            named_params! { ":grant": grant_id, ":token": token_id },
            |row| {
                let has_person: bool = row.get(11)?;
                Ok(AccessStanding {
                    grant: Some(grant_from_row(row)?),
                    revoked: row.get(9)?,
                    sector: row.get(10)?,
                    person: has_person
                        .then(|| users::from_row_at(row, 12))
                        .transpose()?,
                })
            },
        )
        .optional()
        .map(Option::unwrap_or_default)
}

pub(super) fn find_refresh_token(
    conn: &Connection,
    hash: &str,
) -> rusqlite::Result<Option<RefreshToken>> {
    conn.prepare_cached(&format!(
        "SELECT {GRANT_COLUMNS}, r.issued_at, r.expires_at, r.rotated_at IS NOT NULL,
                g.revoked_at IS NOT NULL
         FROM refresh_tokens r JOIN grants g ON g.id = r.grant_id WHERE r.hash = ?1"
    ))?
    .query_row([hash], |row| {
        Ok(RefreshToken {
            grant: grant_from_row(row)?,
            issued_at: row.get(9)?,
            expires_at: row.get(10)?,
            rotated: row.get(11)?,
            revoked: row.get(12)?,
        })
    })
    .optional()
}

pub(super) fn rotate_refresh_token(
    conn: &Connection,
    old_hash: &str,
    tokens: &NewTokens,
) -> StoreResult<Rotation> {
    let now = tokens.issued_at;
    let retired = conn
        .prepare_cached(
            "UPDATE refresh_tokens SET rotated_at = ?2 WHERE hash = ?1 AND rotated_at IS NULL",
        )
        .and_then(|mut s| s.execute(params![old_hash, now]))
        .map_err(db_error)?;
    if retired == 0 {
        revoke_grant(conn, &tokens.grant_id, now)?;
        return Ok(Rotation::Reused);
    }
    insert_tokens(conn, tokens)?;
    Ok(Rotation::Rotated)
}

pub(super) fn revoke_access_token(
    conn: &Connection,
    token_id: &str,
    expires_at: UnixTime,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO revoked_access_tokens (token_id, expires_at) VALUES (?1, ?2)
         ON CONFLICT (token_id) DO NOTHING",
    )
    .and_then(|mut s| s.execute(params![token_id, expires_at]))
    .map_err(db_error)?;
    Ok(())
}

pub(super) fn revoke_grant(conn: &Connection, grant_id: &str, now: UnixTime) -> StoreResult<()> {
    conn.prepare_cached("UPDATE grants SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL")
        .and_then(|mut s| s.execute(params![grant_id, now]))
        .map_err(db_error)?;
    Ok(())
}
