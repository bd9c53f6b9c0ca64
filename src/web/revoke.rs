//! `POST /oauth/revoke` (RFC 7009): a client revokes one of its own tokens. Revoking a
//! refresh token revokes its whole grant. Unknown tokens still get 200 (§2.2).

use actix_web::{web, HttpRequest, HttpResponse};

use super::client_auth::{authenticate_client, form_params};
use super::responses::oauth_error_json;
use super::responses::store_oauth_error;
use super::AppState;
use crate::crypto::hash_token;
use crate::oauth::{OAuthError, Params};
use crate::store::StoreError;

/// `POST /oauth/revoke`.
pub async fn revoke_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> HttpResponse {
    match revoke(&req, &state, &body).await {
        Ok(()) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .finish(),
        Err(error) => oauth_error_json(&error),
    }
}

async fn revoke(req: &HttpRequest, state: &AppState, body: &[u8]) -> Result<(), OAuthError> {
    let params: Params = form_params(req, body)?;
    let (client, _) = authenticate_client(req, state, &params)?;
    let token = params.require("token")?;
    // token_type_hint is advisory (RFC 7009 §2.1): both kinds are looked up anyway.
    params.get("token_type_hint")?;
    let hash = hash_token(token);
    let now = state.clock.now();
    let store = &state.store;
    let failed = |e: StoreError| store_oauth_error(&e);
    if let Some(access) = store.find_access_token(&hash).map_err(failed)? {
        if access.grant.client_id == client.client_id {
            store
                .revoke_access_token(&hash, now)
                .await
                .map_err(failed)?;
        }
    } else if let Some(refresh) = store.find_refresh_token(&hash).map_err(failed)? {
        if refresh.grant.client_id == client.client_id {
            store
                .revoke_grant(&refresh.grant.id, now)
                .await
                .map_err(failed)?;
        }
    }
    Ok(())
}
