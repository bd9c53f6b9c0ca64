//! `GET /jwks.json`: the public keys that verify id_tokens, including retired keys whose
//! tokens may still be live. Read from the store on every request, so a rotation is
//! published at once.

use actix_web::{web, HttpResponse};

use super::AppState;
use crate::oidc::keys::jwks;

/// `GET /jwks.json`.
pub async fn jwks_get(state: web::Data<AppState>) -> HttpResponse {
    match state.store.list_signing_keys() {
        Ok(keys) => HttpResponse::Ok()
            .insert_header(("Access-Control-Allow-Origin", "*"))
            .insert_header(("Cache-Control", "public, max-age=60"))
            .content_type("application/jwk-set+json")
            .json(jwks(&keys, state.clock.now())),
        Err(_) => HttpResponse::ServiceUnavailable().finish(),
    }
}
