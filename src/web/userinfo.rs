//! `GET|POST /userinfo` (OpenID Connect Core §5.3): the signed-in person's claims for a
//! bearer token with `openid`, the token in the header or (POST) the form body.

use actix_web::{web, HttpResponse};

use super::bearer::{BearerGrant, BearerRefusal};
use super::AppState;
use crate::domain::Scope;
use crate::oidc::claims_request::ClaimsRequest;
use crate::oidc::userinfo::claims;

/// `GET|POST /userinfo` (with POST, the token may come as `access_token` in the form body).
pub async fn userinfo_get(
    state: web::Data<AppState>,
    grant: BearerGrant,
) -> Result<HttpResponse, BearerRefusal> {
    grant.require(
        Scope::OpenId,
        "UserInfo needs a user's token with the openid scope",
    )?;
    let sub = grant.subject(&state.key);
    let requested = requested_claims(grant.token.grant.claims.as_deref());
    Ok(HttpResponse::Ok()
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .insert_header(("Cache-Control", "no-store"))
        .json(claims(&grant.user, &sub, &grant.scope, &requested)))
}

/// The claims individually requested for UserInfo when the grant was made.
fn requested_claims(json: Option<&str>) -> Vec<String> {
    json.and_then(|j| ClaimsRequest::parse(j).ok())
        .map(|c| c.userinfo)
        .unwrap_or_default()
}
