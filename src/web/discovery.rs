//! `GET /.well-known/openid-configuration` and `GET /.well-known/oauth-authorization-server`:
//! the same metadata document, built from the route table.

use actix_web::{web, HttpResponse};

use super::{router, AppState, RegistrationPolicy};
use crate::oidc::discovery::{document, Endpoints};

/// Both well-known metadata paths.
pub async fn discovery_get(state: web::Data<AppState>) -> HttpResponse {
    let endpoints = Endpoints {
        authorization: router::AUTHORIZE,
        token: router::TOKEN,
        userinfo: router::USERINFO,
        jwks: router::JWKS,
        revocation: router::REVOKE,
        introspection: router::INTROSPECT,
        end_session: router::LOGOUT,
        registration: (state.registration != RegistrationPolicy::Closed)
            .then_some(router::REGISTER),
    };
    HttpResponse::Ok()
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .insert_header(("Cache-Control", "public, max-age=300"))
        .json(document(&state.issuer, &endpoints))
}
