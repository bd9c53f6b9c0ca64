//! `GET /jwks.json`: the public keys that verify id_tokens, including retired keys whose
//! tokens may still be live. Served from the signing keys' cache, which publishes a new key
//! in the same look that lets it sign.

use actix_web::{web, HttpResponse};

use super::AppState;

/// `GET /jwks.json`.
pub async fn jwks_get(state: web::Data<AppState>) -> HttpResponse {
    match state.keys.jwks(state.store.as_ref(), &state.key) {
        Some(jwks) => HttpResponse::Ok()
            .insert_header(("Access-Control-Allow-Origin", "*"))
            .insert_header(("Cache-Control", "public, max-age=60"))
            .content_type("application/jwk-set+json")
            .body(jwks),
        None => HttpResponse::ServiceUnavailable().finish(),
    }
}
