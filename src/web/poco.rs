//! Portable Contacts endpoints (bearer token): `@me/@self` and `{sub}/@self` (the VZ
//! `user_id` URL), `@me/@all` (the base URL `/poco` alone means the same) and
//! `@me/@all/{id}`. Queries may come in the URL or, with POST, in a form body (Draft C §6).

use actix_web::http::header;
use actix_web::{web, HttpResponse, ResponseError};
use serde_json::{Map, Value};

use super::bearer::BearerGrant;
use super::keys::subject_for_client_id;
use super::responses::{bearer_error, unavailable_json};
use super::AppState;
use crate::domain::contact_query::ContactQuery;
use crate::domain::records::{Contact, User};
use crate::domain::{ClientId, Scope, ScopeSet, Sub};
use crate::oauth::{ErrorCode, OAuthError, Params};
use crate::oidc::subject::for_sector;
use crate::poco::query::{self, Format};
use crate::poco::{contact_entry, render, self_entry};

/// Who is reading, and what their token allows.
struct Reader {
    user: User,
    scope: ScopeSet,
    client_id: ClientId,
    /// The VZ `fields` the site asked for when it was authorized.
    grant_fields: Option<String>,
    params: Params,
}

/// What the grant lets the caller read; every PoCo endpoint needs `openid`.
fn reader(grant: BearerGrant) -> Result<Reader, HttpResponse> {
    grant
        .require(
            Scope::OpenId,
            "reading Portable Contacts needs a user's token with the openid scope",
        )
        .map_err(|e| e.error_response())?;
    Ok(Reader {
        user: grant.user,
        scope: grant.scope,
        client_id: grant.token.grant.client_id,
        grant_fields: grant.token.grant.fields,
        params: grant.params,
    })
}

fn insufficient(message: &str, scope: &str) -> HttpResponse {
    bearer_error(
        &OAuthError::new(ErrorCode::InsufficientScope, message),
        Some(scope),
    )
}

/// `GET|POST /poco/@me/@self`.
pub async fn poco_me_self(state: web::Data<AppState>, grant: BearerGrant) -> HttpResponse {
    self_record(&state, grant, None)
}

/// `GET|POST /poco/{sub}/@self`.
pub async fn poco_sub_self(
    state: web::Data<AppState>,
    path: web::Path<String>,
    grant: BearerGrant,
) -> HttpResponse {
    self_record(&state, grant, Some(path.as_str()))
}

fn self_record(state: &AppState, grant: BearerGrant, sub: Option<&str>) -> HttpResponse {
    let reader = match reader(grant) {
        Ok(reader) => reader,
        Err(response) => return response,
    };
    let Ok(seen_as) = subject_for_client_id(state, &reader.client_id, &reader.user) else {
        return unavailable_json();
    };
    if sub.is_some_and(|s| s != seen_as.as_str()) {
        return not_found();
    }
    let format = match format(&reader.params) {
        Ok(format) => format,
        Err(response) => return response,
    };
    let requested = reader.params.get("fields").ok().flatten();
    let fields = [reader.grant_fields.as_deref(), requested];
    let entry = self_entry(&reader.user, &seen_as, &reader.scope, &fields);
    respond(&render::single(entry), format)
}

fn format(params: &Params) -> Result<Format, HttpResponse> {
    match params.get("format").ok().flatten() {
        None | Some("json") => Ok(Format::Json),
        Some("xml") => Ok(Format::Xml),
        Some(other) => Err(bad_parameter("format", &format!("'{other}' (json or xml)"))),
    }
}

/// `GET|POST /poco/@me/@all` and `/poco`.
pub async fn poco_all(state: web::Data<AppState>, grant: BearerGrant) -> HttpResponse {
    let reader = match contacts_reader(grant) {
        Ok(reader) => reader,
        Err(response) => return response,
    };
    let (query, presentation) = match query::parse(&reader.params, &reader.scope) {
        Ok(parsed) => parsed,
        Err(e) => return bad_parameter(e.parameter, &e.message),
    };
    let (total, contacts) = match state.store.query_contacts(reader.user.id, &query) {
        Ok(page) => page,
        Err(_) => return unavailable_json(),
    };
    let sector = sector_of(&state, &reader.client_id);
    let fields = [
        reader.grant_fields.as_deref(),
        presentation.fields.as_deref(),
    ];
    let entries: Vec<Map<String, Value>> = contacts
        .iter()
        .map(|c| {
            contact_entry(
                c,
                &for_sector(&c.user.sub, sector.as_deref(), &state.key),
                &reader.scope,
                &fields,
            )
        })
        .collect();
    respond(
        &render::collection(query.start_index, query.count, total, entries),
        presentation.format,
    )
}

/// `GET|POST /poco/@me/@all/{id}`: one contact; any id that is not the owner's contact
/// (the owner's own included) is 404.
pub async fn poco_contact(
    state: web::Data<AppState>,
    path: web::Path<String>,
    grant: BearerGrant,
) -> HttpResponse {
    let reader = match contacts_reader(grant) {
        Ok(reader) => reader,
        Err(response) => return response,
    };
    let format = match format(&reader.params) {
        Ok(format) => format,
        Err(response) => return response,
    };
    let sector = sector_of(&state, &reader.client_id);
    let contact = match find_contact(&state, &reader.user, path.as_str(), sector.as_deref()) {
        Ok(Some(contact)) => contact,
        Ok(None) => return not_found(),
        Err(response) => return response,
    };
    let requested = reader.params.get("fields").ok().flatten();
    let fields = [reader.grant_fields.as_deref(), requested];
    let id = for_sector(&contact.user.sub, sector.as_deref(), &state.key);
    respond(
        &render::single(contact_entry(&contact, &id, &reader.scope, &fields)),
        format,
    )
}

fn contacts_reader(grant: BearerGrant) -> Result<Reader, HttpResponse> {
    let reader = reader(grant)?;
    if !reader.scope.contains(Scope::Contacts) {
        return Err(insufficient(
            "reading contacts needs the contacts scope",
            "contacts",
        ));
    }
    Ok(reader)
}

fn sector_of(state: &AppState, client_id: &ClientId) -> Option<String> {
    state
        .store
        .find_client(client_id)
        .ok()
        .flatten()
        .and_then(|c| c.sector_identifier)
}

/// The contact a client knows as `id`: the public subject, or (pairwise clients) the one
/// whose pairwise subject it is, found page by page.
fn find_contact(
    state: &AppState,
    owner: &User,
    id: &str,
    sector: Option<&str>,
) -> Result<Option<Contact>, HttpResponse> {
    let unavailable = |_| unavailable_json();
    let Some(sector) = sector else {
        let Some(user) = state.store.find_user_by_sub(id).map_err(unavailable)? else {
            return Ok(None);
        };
        return state
            .store
            .find_contact(owner.id, user.id)
            .map_err(unavailable);
    };
    let mut page = ContactQuery {
        count: query::MAX_COUNT,
        ..ContactQuery::default()
    };
    loop {
        let (total, contacts) = state
            .store
            .query_contacts(owner.id, &page)
            .map_err(unavailable)?;
        let wanted = Sub::from_string(id.to_string());
        if let Some(found) = contacts
            .iter()
            .find(|c| for_sector(&c.user.sub, Some(sector), &state.key) == wanted)
        {
            return Ok(Some(found.clone()));
        }
        page.start_index += contacts.len();
        if contacts.is_empty() || page.start_index >= total {
            return Ok(None);
        }
    }
}

fn respond(response: &Value, format: Format) -> HttpResponse {
    let mut builder = HttpResponse::Ok();
    builder.insert_header((header::CACHE_CONTROL, "no-store"));
    match format {
        Format::Json => builder.json(response),
        Format::Xml => builder
            .content_type("application/xml; charset=utf-8")
            .body(render::to_xml(response)),
    }
}

fn bad_parameter(parameter: &str, message: &str) -> HttpResponse {
    HttpResponse::BadRequest().json(serde_json::json!({
        "error": "invalid_request",
        "error_description": format!("{parameter}: {message}"),
        "parameter": parameter,
    }))
}

fn not_found() -> HttpResponse {
    HttpResponse::NotFound().json(serde_json::json!({
        "error": "not_found",
        "error_description": "no such record for this access token",
    }))
}
