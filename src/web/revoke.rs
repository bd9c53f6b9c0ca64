//! `POST /oauth/revoke` (RFC 7009): a client revokes one of its own tokens; `oauth::revoke`
//! decides what goes. Unknown tokens still get 200 (§2.2).

use actix_web::{web, HttpRequest, HttpResponse};

use super::bearer::presented_token;
use super::client_auth::{authenticate_client, form_params};
use super::responses::{oauth_error_json, store_oauth_error};
use super::AppState;
use crate::oauth::revoke::{revocation, Revocation};
use crate::oauth::OAuthError;
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
    let params = form_params(req, body)?;
    let (client, _) = authenticate_client(req, state, &params)?;
    let token = params.require("token")?;
    // token_type_hint is advisory (RFC 7009 §2.1): both kinds are looked up anyway.
    params.get("token_type_hint")?;
    let (store, now) = (&state.store, state.clock.now());
    let failed = |e: StoreError| store_oauth_error(&e);
    let token = presented_token(state, token).map_err(failed)?;
    match revocation(&token, &client.client_id) {
        Revocation::AccessToken { id, expires_at } => {
            store.revoke_access_token(&id, expires_at).await
        }
        Revocation::Grant(id) => store.revoke_grant(&id, now).await,
        Revocation::Nothing => Ok(()),
    }
    .map_err(failed)
}
