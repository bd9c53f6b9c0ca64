//! `POST /oauth/introspect` (RFC 7662): a confidential client asks whether one of its own
//! tokens is active. Tokens of other clients look inactive, so a client learns nothing about
//! them. Public clients cannot introspect: anyone can present their client id (RFC 7662 §4
//! requires the caller to be authenticated).

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use super::client_auth::{authenticate_client, form_params};
use super::keys::subject_for_client_id;
use super::responses::store_oauth_error;
use super::responses::{no_store_json, oauth_error_json};
use super::AppState;
use crate::crypto::hash_token;
use crate::domain::records::Grant;
use crate::oauth::OAuthError;
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

fn introspect(req: &HttpRequest, state: &AppState, body: &[u8]) -> Result<Value, OAuthError> {
    let params = form_params(req, body)?;
    let (client, _) = authenticate_client(req, state, &params)?;
    if client.is_public() {
        return Err(OAuthError::invalid_client(
            "introspection is for confidential clients, which authenticate with their secret",
        ));
    }
    let hash = hash_token(params.require("token")?);
    let now = state.clock.now();
    let failed = |e: StoreError| store_oauth_error(&e);
    let inactive = json!({ "active": false });
    if let Some(access) = state.store.find_access_token(&hash).map_err(failed)? {
        if access.grant.client_id != client.client_id || !access.is_active(now) {
            return Ok(inactive);
        }
        let mut answer = describe(
            state,
            &access.grant,
            &access.scope,
            access.issued_at,
            access.expires_at,
        )?;
        answer["token_type"] = json!("Bearer");
        return Ok(answer);
    }
    if let Some(refresh) = state.store.find_refresh_token(&hash).map_err(failed)? {
        if refresh.grant.client_id != client.client_id || !refresh.is_active(now) {
            return Ok(inactive);
        }
        let scope = refresh.grant.scope.clone();
        return describe(
            state,
            &refresh.grant,
            &scope,
            refresh.issued_at,
            refresh.expires_at,
        );
    }
    Ok(inactive)
}

fn describe(
    state: &AppState,
    grant: &Grant,
    scope: &str,
    iat: i64,
    exp: i64,
) -> Result<Value, OAuthError> {
    let mut answer = json!({
        "active": true,
        "scope": scope,
        "client_id": grant.client_id.as_str(),
        "iat": iat,
        "exp": exp,
        "iss": state.issuer,
    });
    if let Some(user_id) = grant.user_id {
        let user = state
            .store
            .find_user(user_id)
            .map_err(|_| OAuthError::server_error())?;
        if let Some(user) = user {
            let sub = subject_for_client_id(state, &grant.client_id, &user)
                .map_err(|_| OAuthError::server_error())?;
            answer["sub"] = json!(sub.as_str());
            answer["username"] = json!(user.username);
        }
    }
    Ok(answer)
}
