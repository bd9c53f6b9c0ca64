//! `GET|POST /userinfo` (OpenID Connect Core §5.3): the signed-in person's claims for a
//! bearer token with `openid`, the token in the header or (POST) the form body.

use actix_web::{web, HttpRequest, HttpResponse};

use super::bearer::{self, BearerError};
use super::keys::subject_for_client_id;
use super::responses::{bearer_error, bearer_missing, unavailable_json};
use super::AppState;
use crate::domain::{Scope, ScopeSet};
use crate::oauth::{ErrorCode, OAuthError, Params};
use crate::oidc::claims_request::ClaimsRequest;
use crate::oidc::userinfo::claims;

/// `GET /userinfo`.
pub async fn userinfo_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    userinfo(&req, &state, None)
}

/// `POST /userinfo` (the token may come as `access_token` in the form body).
pub async fn userinfo_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> HttpResponse {
    let params = Params::parse(&String::from_utf8_lossy(&body));
    userinfo(&req, &state, Some(&params))
}

fn userinfo(req: &HttpRequest, state: &AppState, body: Option<&Params>) -> HttpResponse {
    let token = match bearer::authenticate(req, state, body) {
        Ok(token) => token,
        Err(BearerError::Missing) => return bearer_missing(),
        Err(BearerError::Invalid(e)) => return bearer_error(&e, None),
        Err(BearerError::Store) => return unavailable_json(),
    };
    let scope = ScopeSet::parse(&token.scope).unwrap_or_default();
    let user = match (scope.contains(Scope::OpenId), token.grant.user_id) {
        (true, Some(user_id)) => state.store.find_user(user_id),
        _ => {
            let e = OAuthError::new(
                ErrorCode::InsufficientScope,
                "UserInfo needs a user's token with the openid scope",
            );
            return bearer_error(&e, Some("openid"));
        }
    };
    match user {
        Ok(Some(user)) => {
            let Ok(sub) = subject_for_client_id(state, &token.grant.client_id, &user) else {
                return unavailable_json();
            };
            HttpResponse::Ok()
                .insert_header(("Access-Control-Allow-Origin", "*"))
                .insert_header(("Cache-Control", "no-store"))
                .json(claims(
                    &user,
                    &sub,
                    &scope,
                    &requested_claims(token.grant.claims.as_deref()),
                ))
        }
        Ok(None) => {
            let e = OAuthError::new(ErrorCode::InvalidToken, "the token's user no longer exists");
            bearer_error(&e, None)
        }
        Err(_) => unavailable_json(),
    }
}

/// The claims individually requested for UserInfo when the grant was made.
fn requested_claims(json: Option<&str>) -> Vec<String> {
    json.and_then(|j| ClaimsRequest::parse(j).ok())
        .map(|c| c.userinfo)
        .unwrap_or_default()
}
