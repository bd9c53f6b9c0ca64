//! `GET /poco/@me/@self` and `GET /poco/{sub}/@self`: the token owner's Portable Contacts
//! record (the VZ `user_id` URL points here). Needs `openid`; `email` adds the addresses.

use actix_web::{web, HttpRequest, HttpResponse};

use super::bearer::{self, BearerError};
use super::keys::subject_for_client_id;
use super::responses::{bearer_error, bearer_missing, no_store_json};
use super::AppState;
use crate::domain::{Scope, ScopeSet};
use crate::oauth::{ErrorCode, OAuthError, Params};
use crate::poco;

/// `GET /poco/@me/@self`.
pub async fn poco_me_self_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    self_record(&req, &state, None)
}

/// `GET /poco/{sub}/@self`.
pub async fn poco_sub_self_get(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> HttpResponse {
    self_record(&req, &state, Some(path.as_str()))
}

fn self_record(req: &HttpRequest, state: &AppState, sub: Option<&str>) -> HttpResponse {
    let token = match bearer::authenticate(req, state, None) {
        Ok(token) => token,
        Err(BearerError::Missing) => return bearer_missing(),
        Err(BearerError::Invalid(e)) => return bearer_error(&e, None),
        Err(BearerError::Store) => return HttpResponse::InternalServerError().finish(),
    };
    let scope = ScopeSet::parse(&token.scope).unwrap_or_default();
    let (true, Some(user_id)) = (scope.contains(Scope::OpenId), token.grant.user_id) else {
        let error = OAuthError::new(
            ErrorCode::InsufficientScope,
            "reading the PoCo record needs a user's token with the openid scope",
        );
        return bearer_error(&error, Some("openid"));
    };
    let user = match state.store.find_user(user_id) {
        Ok(Some(user)) => user,
        Ok(None) => return not_found(),
        Err(_) => return HttpResponse::InternalServerError().finish(),
    };
    let Ok(seen_as) = subject_for_client_id(state, &token.grant.client_id, &user) else {
        return HttpResponse::InternalServerError().finish();
    };
    if sub.is_some_and(|s| s != seen_as.as_str()) {
        return not_found();
    }
    let query = Params::parse(req.query_string());
    let requested = query.get("fields").ok().flatten();
    let fields = [token.grant.fields.as_deref(), requested];
    let entry = poco::self_entry(&user, &seen_as, &scope, &fields);
    no_store_json(&poco::single(entry))
}

fn not_found() -> HttpResponse {
    HttpResponse::NotFound().json(serde_json::json!({
        "error": "not_found",
        "error_description": "no such record for this access token",
    }))
}
