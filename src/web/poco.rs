//! Portable Contacts endpoints (bearer token): `@me/@self` and `{sub}/@self` (the VZ
//! `user_id` URL), `@me/@all` (the base URL `/poco` alone means the same) and
//! `@me/@all/{id}`. Queries may come in the URL or, with POST, in a form body (Draft C §6).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{Map, Value};

use super::bearer::{self, BearerError};
use super::keys::subject_for_client_id;
use super::responses::{bearer_error, bearer_missing, unavailable_json};
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

fn reader(req: &HttpRequest, state: &AppState, body: &[u8]) -> Result<Reader, HttpResponse> {
    let mut pairs = Params::parse(req.query_string()).pairs().to_vec();
    pairs.extend(
        Params::parse(&String::from_utf8_lossy(body))
            .pairs()
            .iter()
            .cloned(),
    );
    let params = Params::from_pairs(pairs);
    let token = bearer::authenticate(req, state, Some(&params)).map_err(|e| match e {
        BearerError::Missing => bearer_missing(),
        BearerError::Invalid(e) => bearer_error(&e, None),
        BearerError::Store => unavailable_json(),
    })?;
    let scope = ScopeSet::parse(&token.scope).unwrap_or_default();
    let (true, Some(user_id)) = (scope.contains(Scope::OpenId), token.grant.user_id) else {
        return Err(insufficient(
            "reading Portable Contacts needs a user's token with the openid scope",
            "openid",
        ));
    };
    let user = match state.store.find_user(user_id) {
        Ok(Some(user)) => user,
        Ok(None) => return Err(not_found()),
        Err(_) => return Err(unavailable_json()),
    };
    Ok(Reader {
        user,
        scope,
        client_id: token.grant.client_id,
        grant_fields: token.grant.fields,
        params,
    })
}

fn insufficient(message: &str, scope: &str) -> HttpResponse {
    bearer_error(
        &OAuthError::new(ErrorCode::InsufficientScope, message),
        Some(scope),
    )
}

/// `GET|POST /poco/@me/@self`.
pub async fn poco_me_self(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> HttpResponse {
    self_record(&req, &state, &body, None)
}

/// `GET|POST /poco/{sub}/@self`.
pub async fn poco_sub_self(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    self_record(&req, &state, &body, Some(path.as_str()))
}

fn self_record(
    req: &HttpRequest,
    state: &AppState,
    body: &[u8],
    sub: Option<&str>,
) -> HttpResponse {
    let reader = match reader(req, state, body) {
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
pub async fn poco_all(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> HttpResponse {
    let reader = match contacts_reader(&req, &state, &body) {
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
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let reader = match contacts_reader(&req, &state, &body) {
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

fn contacts_reader(
    req: &HttpRequest,
    state: &AppState,
    body: &[u8],
) -> Result<Reader, HttpResponse> {
    let reader = reader(req, state, body)?;
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
