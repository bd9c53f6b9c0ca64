//! `POST /oauth/introspect` (RFC 7662): a confidential client asks whether one of its own
//! tokens is active; `oauth::introspect` decides what it may learn.

use actix_web::{web, HttpRequest, HttpResponse};

use super::bearer::presented_token;
use super::client_auth::{authenticate_client, form_params};
use super::keys::subject_for_client_id;
use super::responses::{no_store_json, oauth_error_json, store_oauth_error};
use super::AppState;
use crate::domain::records::{Grant, PresentedToken};
use crate::domain::Sub;
use crate::oauth::introspect::{self, Introspection};
use crate::oauth::OAuthError;
use crate::oidc::subject::for_sector;
use crate::store::StoreError;

/// `POST /oauth/introspect`.
pub async fn introspect_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> HttpResponse {
    match introspect(&req, &state, &body) {
        Ok(answer) => no_store_json(&answer),
        Err(error) => oauth_error_json(&error),
    }
}

fn introspect(
    req: &HttpRequest,
    state: &AppState,
    body: &[u8],
) -> Result<Introspection, OAuthError> {
    let params = form_params(req, body)?;
    let (client, _) = authenticate_client(req, state, &params)?;
    introspect::may_introspect(&client)?;
    let failed = |e: StoreError| store_oauth_error(&e);
    let token = presented_token(state, params.require("token")?).map_err(failed)?;
    let now = state.clock.now();
    let Some(active) = introspect::active(&token, &client.client_id, now) else {
        return Ok(Introspection::inactive());
    };
    let person = match &token {
        // An access token was read with its person and sector.
        PresentedToken::Access(access) => access.person.as_ref().map(|user| {
            let sub = for_sector(&user.sub, access.sector.as_deref(), &state.key);
            (sub, user.username.clone())
        }),
        _ => person_of(state, active.grant).map_err(failed)?,
    };
    Ok(active.answer(&state.issuer, person))
}

/// The person a grant belongs to: `sub` as its client sees them, and their username.
fn person_of(state: &AppState, grant: &Grant) -> Result<Option<(Sub, String)>, StoreError> {
    let Some(user_id) = grant.user_id else {
        return Ok(None);
    };
    let Some(user) = state.store.find_user(user_id)? else {
        return Ok(None);
    };
    let sub = subject_for_client_id(state, &grant.client_id, &user)?;
    Ok(Some((sub, user.username)))
}
