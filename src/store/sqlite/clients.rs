//! Clients table.

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OptionalExtension, Row};

use super::writer::db_error;
use crate::domain::{ClientId, GrantType, RedirectUri};
use crate::store::{Client, StoreError, StoreResult};

/// Every column, in the order [`from_row`] reads and [`values`] binds them.
const COLUMNS: &str = "client_id, name, redirect_uris, grant_types, auth_method, \
                       signature_method, sealed_secret, created_at, id_token_alg, \
                       post_logout_redirect_uris, backchannel_logout_uri, sector_identifier, \
                       owner_user_id, description, client_uri, logo_uri, registration_token_hash, \
                       verified, sector_identifier_uri";
/// `?1, ?2, …` for every column.
const PLACEHOLDERS: &str =
    "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, \
                            ?17, ?18, ?19";

fn bad_row(column: usize, message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, message.into())
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Client> {
    let client_id: String = row.get(0)?;
    let uris: String = row.get(2)?;
    let uris: Vec<String> = serde_json::from_str(&uris).map_err(|e| bad_row(2, e.to_string()))?;
    let grants: String = row.get(3)?;
    let grant_types = grants
        .split(' ')
        .filter(|g| !g.is_empty())
        .map(|g| g.parse::<GrantType>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad_row(3, e))?;
    let auth_method: String = row.get(4)?;
    let signature_method: String = row.get(5)?;
    let id_token_alg: String = row.get(8)?;
    let logout_uris: String = row.get(9)?;
    let logout_uris: Vec<String> =
        serde_json::from_str(&logout_uris).map_err(|e| bad_row(9, e.to_string()))?;
    let backchannel: Option<String> = row.get(10)?;
    Ok(Client {
        client_id: ClientId::parse(&client_id).map_err(|e| bad_row(0, e))?,
        name: row.get(1)?,
        redirect_uris: uris.into_iter().map(RedirectUri::from_trusted).collect(),
        grant_types,
        auth_method: auth_method.parse().map_err(|e| bad_row(4, e))?,
        signature_method: signature_method.parse().map_err(|e| bad_row(5, e))?,
        sealed_secret: row.get(6)?,
        created_at: row.get(7)?,
        id_token_alg: id_token_alg.parse().map_err(|e| bad_row(8, e))?,
        post_logout_redirect_uris: logout_uris
            .into_iter()
            .map(RedirectUri::from_trusted)
            .collect(),
        backchannel_logout_uri: backchannel.map(RedirectUri::from_trusted),
        sector_identifier: row.get(11)?,
        owner: row.get(12)?,
        description: row.get(13)?,
        client_uri: row.get(14)?,
        logo_uri: row.get(15)?,
        registration_token_hash: row.get(16)?,
        verified: row.get(17)?,
        sector_identifier_uri: row.get(18)?,
    })
}

/// The client's values in [`COLUMNS`] order.
fn values(client: &Client) -> StoreResult<Vec<Value>> {
    let grants: Vec<&str> = client.grant_types.iter().map(|g| g.as_str()).collect();
    Ok(vec![
        client.client_id.as_str().to_string().into(),
        client.name.clone().into(),
        uri_list(&client.redirect_uris)?.into(),
        grants.join(" ").into(),
        client.auth_method.as_str().to_string().into(),
        client.signature_method.as_str().to_string().into(),
        client.sealed_secret.clone().into(),
        client.created_at.into(),
        client.id_token_alg.as_str().to_string().into(),
        uri_list(&client.post_logout_redirect_uris)?.into(),
        client
            .backchannel_logout_uri
            .as_ref()
            .map(|u| u.as_str().to_string())
            .into(),
        client.sector_identifier.clone().into(),
        client.owner.into(),
        client.description.clone().into(),
        client.client_uri.clone().into(),
        client.logo_uri.clone().into(),
        client.registration_token_hash.clone().into(),
        client.verified.into(),
        client.sector_identifier_uri.clone().into(),
    ])
}

pub(super) fn create(conn: &Connection, client: &Client) -> StoreResult<()> {
    let exists = conn
        .prepare_cached("SELECT 1 FROM clients WHERE client_id = ?1")
        .and_then(|mut s| s.exists([client.client_id.as_str()]))
        .map_err(db_error)?;
    if exists {
        return Err(StoreError::Conflict(format!(
            "the client id '{}' is taken",
            client.client_id
        )));
    }
    let values = values(client)?;
    conn.prepare_cached(&format!(
        "INSERT INTO clients ({COLUMNS}) VALUES ({PLACEHOLDERS})"
    ))
    .and_then(|mut s| s.execute(params_from_iter(values)))
    .map_err(db_error)?;
    Ok(())
}

fn uri_list(uris: &[RedirectUri]) -> StoreResult<String> {
    let uris: Vec<&str> = uris.iter().map(RedirectUri::as_str).collect();
    serde_json::to_string(&uris).map_err(|e| StoreError::Database(e.to_string()))
}

pub(super) fn find(conn: &Connection, client_id: &ClientId) -> rusqlite::Result<Option<Client>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM clients WHERE client_id = ?1"
    ))?
    .query_row([client_id.as_str()], from_row)
    .optional()
}

pub(super) fn list(conn: &Connection) -> rusqlite::Result<Vec<Client>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM clients ORDER BY created_at, client_id"
    ))?
    .query_map([], from_row)?
    .collect()
}

/// Replaces everything about a client but its id.
pub(super) fn update(conn: &Connection, client: &Client) -> StoreResult<()> {
    let values = values(client)?;
    let changed = conn
        .prepare_cached(&format!(
            "UPDATE clients SET ({COLUMNS}) = ({PLACEHOLDERS}) WHERE client_id = ?1"
        ))
        .and_then(|mut s| s.execute(params_from_iter(values)))
        .map_err(db_error)?;
    if changed == 0 {
        return Err(StoreError::NotFound("no such client".into()));
    }
    Ok(())
}

/// Deletes a client; its codes, grants, tokens and consents go with it.
pub(super) fn delete(conn: &Connection, client_id: &ClientId) -> StoreResult<bool> {
    conn.prepare_cached("DELETE FROM clients WHERE client_id = ?1")
        .and_then(|mut s| s.execute([client_id.as_str()]))
        .map(|n| n > 0)
        .map_err(db_error)
}

pub(super) fn list_owned(conn: &Connection, owner: i64) -> rusqlite::Result<Vec<Client>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM clients WHERE owner_user_id = ?1 ORDER BY created_at, client_id"
    ))?
    .query_map([owner], from_row)?
    .collect()
}
