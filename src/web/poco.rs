//! Portable Contacts endpoints (bearer token): `@me/@self` and `{sub}/@self` (the VZ
//! `user_id` URL), `@me/@all` (the base URL `/poco` alone means the same) and
//! `@me/@all/{id}`. Queries may come in the URL or, with POST, in a form body (Draft C §6).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde_json::{Map, Value};

use super::bearer::{BearerGrant, BearerRefusal};
use super::error::AppError;
use super::AppState;
use crate::domain::contact_query::ContactQuery;
use crate::domain::records::{Contact, User};
use crate::domain::{Scope, ScopeSet, Sub};
use crate::oauth::Params;
use crate::oidc::subject::for_sector;
use crate::poco::query::{self, Format, PocoError};
use crate::poco::{contact_entry, render, self_entry};
use crate::store::StoreError;

/// Who is reading, and what their token allows.
struct Reader {
    user: User,
    scope: ScopeSet,
    /// The client's pairwise sector: the `sub` it knows people by.
    sector: Option<String>,
    /// The VZ `fields` the site asked for when it was authorized.
    grant_fields: Option<String>,
    params: Params,
}

const OPENID_NEEDED: &str = "reading Portable Contacts needs a user's token with the openid scope";

/// What the grant lets the caller read; every PoCo endpoint needs `openid`.
fn reader(grant: BearerGrant) -> Result<Reader, BearerRefusal> {
    grant.require(Scope::OpenId, OPENID_NEEDED)?;
    Ok(Reader {
        user: grant.user,
        scope: grant.scope,
        sector: grant.token.sector,
        grant_fields: grant.token.grant.fields,
        params: grant.params,
    })
}

/// Like [`reader`], for the contact endpoints, which also need `contacts`.
fn contacts_reader(grant: BearerGrant) -> Result<Reader, BearerRefusal> {
    grant.require(Scope::OpenId, OPENID_NEEDED)?;
    grant.require(Scope::Contacts, "reading contacts needs the contacts scope")?;
    reader(grant)
}

/// `GET|POST /poco/@me/@self`.
pub async fn poco_me_self(
    state: web::Data<AppState>,
    grant: BearerGrant,
) -> Result<HttpResponse, AppError> {
    self_record(&state, grant, None)
}

/// `GET|POST /poco/{sub}/@self`.
pub async fn poco_sub_self(
    state: web::Data<AppState>,
    path: web::Path<String>,
    grant: BearerGrant,
) -> Result<HttpResponse, AppError> {
    self_record(&state, grant, Some(path.as_str()))
}

fn self_record(
    state: &AppState,
    grant: BearerGrant,
    sub: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let reader = reader(grant)?;
    let seen_as = for_sector(&reader.user.sub, reader.sector.as_deref(), &state.key);
    if sub.is_some_and(|s| s != seen_as.as_str()) {
        return Err(PocoError::NotFound.into());
    }
    let format = query::format(reader.params.get("format").ok().flatten())?;
    let fields = [reader.grant_fields.as_deref(), requested_fields(&reader)];
    let entry = self_entry(&reader.user, &seen_as, &reader.scope, &fields);
    Ok(respond(&render::single(entry), format))
}

/// The VZ `fields` this request names.
fn requested_fields(reader: &Reader) -> Option<&str> {
    reader.params.get("fields").ok().flatten()
}

/// `GET|POST /poco/@me/@all` and `/poco`.
pub async fn poco_all(
    state: web::Data<AppState>,
    grant: BearerGrant,
) -> Result<HttpResponse, AppError> {
    let reader = contacts_reader(grant)?;
    let (query, presentation) = query::parse(&reader.params, &reader.scope)?;
    let (total, contacts) = (state.store)
        .query_contacts(reader.user.id, &query)
        .map_err(|_| unavailable())?;
    let sector = &reader.sector;
    let fields = [
        reader.grant_fields.as_deref(),
        presentation.fields.as_deref(),
    ];
    let entries: Vec<Map<String, Value>> = contacts
        .iter()
        .map(|c| {
            let id = for_sector(&c.user.sub, sector.as_deref(), &state.key);
            contact_entry(c, &id, &reader.scope, &fields)
        })
        .collect();
    let page = render::collection(query.start_index, query.count, total, entries);
    Ok(respond(&page, presentation.format))
}

/// `GET|POST /poco/@me/@all/{id}`: one contact; any id that is not the owner's contact
/// (the owner's own included) is 404.
pub async fn poco_contact(
    state: web::Data<AppState>,
    path: web::Path<String>,
    grant: BearerGrant,
) -> Result<HttpResponse, AppError> {
    let reader = contacts_reader(grant)?;
    let format = query::format(reader.params.get("format").ok().flatten())?;
    let sector = &reader.sector;
    let contact = find_contact(&state, &reader.user, path.as_str(), sector.as_deref())
        .map_err(|_| unavailable())?
        .ok_or(PocoError::NotFound)?;
    let fields = [reader.grant_fields.as_deref(), requested_fields(&reader)];
    let id = for_sector(&contact.user.sub, sector.as_deref(), &state.key);
    let entry = contact_entry(&contact, &id, &reader.scope, &fields);
    Ok(respond(&render::single(entry), format))
}

/// A store failure on a resource endpoint: 503 `temporarily_unavailable`.
fn unavailable() -> AppError {
    AppError::store_api(&StoreError::Unavailable(String::new()))
}

/// The contact a client knows as `id`: the public subject, or (pairwise clients) the one
/// whose pairwise subject it is, found page by page.
fn find_contact(
    state: &AppState,
    owner: &User,
    id: &str,
    sector: Option<&str>,
) -> Result<Option<Contact>, StoreError> {
    let Some(sector) = sector else {
        let Some(user) = state.store.find_user_by_sub(id)? else {
            return Ok(None);
        };
        return state.store.find_contact(owner.id, user.id);
    };
    let wanted = Sub::from_string(id.to_string());
    let mut page = ContactQuery {
        count: query::MAX_COUNT,
        ..ContactQuery::default()
    };
    loop {
        let (total, contacts) = state.store.query_contacts(owner.id, &page)?;
        let mut seen_as = contacts
            .iter()
            .map(|c| (c, for_sector(&c.user.sub, Some(sector), &state.key)));
        if let Some((found, _)) = seen_as.find(|(_, sub)| *sub == wanted) {
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
