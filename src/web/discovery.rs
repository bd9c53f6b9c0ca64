//! `GET /.well-known/openid-configuration` and `GET /.well-known/oauth-authorization-server`:
//! the same metadata document, built from the route table once at start (it depends only on
//! the issuer and the registration policy) and served as the bytes it was serialised to.

use actix_web::{web, HttpResponse};

use super::{router, AppState, RegistrationPolicy};
use crate::oidc::discovery::{document, Endpoints};

/// The discovery document for `issuer`, serialised.
pub fn published(issuer: &str, registration: RegistrationPolicy) -> web::Bytes {
    let endpoints = Endpoints {
        authorization: router::AUTHORIZE,
        token: router::TOKEN,
        userinfo: router::USERINFO,
        jwks: router::JWKS,
        revocation: router::REVOKE,
        introspection: router::INTROSPECT,
        end_session: router::LOGOUT,
        registration: (registration != RegistrationPolicy::Closed).then_some(router::REGISTER),
    };
    serde_json::to_vec(&document(issuer, &endpoints))
        .unwrap_or_default()
        .into()
}

/// Both well-known metadata paths.
pub async fn discovery_get(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .insert_header(("Cache-Control", "public, max-age=300"))
        .content_type("application/json")
        .body(state.discovery.clone())
}
