//! Widget sign-in (Matrix MSC1960): `POST /_matrix/client/{v3,r0}/user/{userId}/openid/
//! request_token` mints a credential for the signed-in user's widget, `GET /_matrix/
//! federation/v1/openid/userinfo` lets the widget's backend verify it, and
//! `/.well-known/matrix/server` names this server. These answer with permissive CORS (bearer
//! tokens only, never cookies), as homeservers do. Minting needs the `widgets` scope, so only
//! a site the person allowed to can sign them in to widgets; `/widgets` lists and revokes what
//! the person allowed in that site, and `/account` manages all of it.

use std::sync::Arc;

use actix_web::{web, HttpRequest, HttpResponse, HttpResponseBuilder};
use serde_json::json;

use super::bearer::{self, BearerError, BearerRefusal};
use super::error::AppError;
use super::AppState;
use crate::auth::throttle::WindowLimit;
use crate::crypto::hash_token;
use crate::domain::records::{UserId, WidgetsOf};
use crate::domain::{ClientId, Scope, ScopeSet};
use crate::matrix::{self, widget_of, Credentials, MatrixError, MatrixUserId};

/// Widget sign-in settings.
#[derive(Clone)]
pub struct MatrixSettings {
    /// The server name in Matrix ids (`@alice:<server_name>`).
    pub server_name: String,
    /// Seconds a minted credential lives.
    pub token_ttl: i64,
    /// Mints per person per minute, counted on the server's clock.
    limiter: Arc<WindowLimit>,
}

impl MatrixSettings {
    /// Settings allowing `mints_per_minute` credentials per user per minute.
    pub fn new(server_name: String, token_ttl: i64, mints_per_minute: u32) -> Self {
        Self {
            server_name,
            token_ttl,
            limiter: Arc::new(WindowLimit::new(mints_per_minute.max(1), 60)),
        }
    }
}

fn cors(mut builder: HttpResponseBuilder) -> HttpResponseBuilder {
    builder
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .insert_header((
            "Access-Control-Allow-Methods",
            "GET, POST, PUT, DELETE, OPTIONS",
        ))
        .insert_header((
            "Access-Control-Allow-Headers",
            "Authorization, Content-Type, X-Requested-With",
        ))
        .insert_header(("Cache-Control", "no-store"));
    builder
}

/// A Matrix refusal: its `errcode` JSON with the CORS headers.
pub(super) fn matrix_error(error: &MatrixError) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(error.status)
        .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST);
    cors(HttpResponse::build(status)).json(error)
}

/// `OPTIONS` on the Matrix paths: the CORS preflight.
pub async fn cors_preflight() -> HttpResponse {
    cors(HttpResponse::Ok()).finish()
}

/// `POST /_matrix/client/v3/user/{userId}/openid/request_token` (and `r0`).
pub async fn request_token_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let credentials = mint(&req, &state, &path, &body).await?;
    Ok(cors(HttpResponse::Ok()).json(credentials))
}

async fn mint(
    req: &HttpRequest,
    state: &AppState,
    user_id: &str,
    body: &[u8],
) -> Result<Credentials, MatrixError> {
    let token = bearer::authenticate(req, state, None).map_err(matrix_refusal)?;
    let scope = ScopeSet::parse(&token.scope).unwrap_or_default();
    let (true, Some(owner)) = (scope.contains(Scope::Widgets), token.grant.user_id) else {
        return Err(MatrixError::forbidden(
            "the access token needs the widgets scope and a user: ask for scope=widgets",
        ));
    };
    let requested = MatrixUserId::parse(user_id)?;
    let user = state
        .store
        .find_user(owner)
        .ok()
        .flatten()
        .ok_or_else(MatrixError::unknown_token)?;
    if requested.server_name != state.matrix.server_name || requested.localpart != user.username {
        return Err(MatrixError::forbidden(
            "you can only request tokens for your own user id",
        ));
    }
    let site = token.grant.client_id.clone();
    issue(state, owner, Some(site), widget_of(body)?).await
}

/// A bearer refusal in Matrix's words.
fn matrix_refusal(error: BearerError) -> MatrixError {
    match error {
        BearerError::Missing => MatrixError::missing_token(),
        BearerError::Invalid(_) => MatrixError::unknown_token(),
        BearerError::Store => MatrixError::new_unavailable(),
    }
}

/// Mints a credential for `owner`'s widget in `site` (`None`: this server's own demo page),
/// at most the configured number per minute.
pub(super) async fn issue(
    state: &AppState,
    owner: UserId,
    site: Option<ClientId>,
    widget: Option<crate::matrix::WidgetInfo>,
) -> Result<Credentials, MatrixError> {
    let now = state.clock.now();
    if let Err(wait) = state.matrix.limiter.take(&owner.to_string(), now) {
        let wait_ms = u64::try_from(wait).unwrap_or(1).saturating_mul(1000);
        return Err(MatrixError::limit_exceeded(wait_ms.max(1)));
    }
    let settings = &state.matrix;
    let minted = matrix::mint(
        owner,
        site,
        widget,
        &settings.server_name,
        (now, settings.token_ttl),
    );
    (state
        .store
        .mint_widget_token(minted.token, minted.grant)
        .await)
        .map_err(|_| MatrixError::new_unavailable())?;
    Ok(minted.credentials)
}

/// `GET /_matrix/federation/v1/openid/userinfo?access_token=…`: who a widget credential
/// belongs to, any number of times until it expires or is revoked.
pub async fn federation_userinfo_get(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let query = crate::oauth::Params::parse(req.query_string());
    let token =
        (query.get("access_token").ok().flatten()).ok_or_else(MatrixError::missing_token)?;
    let sub = verify(&state, token).ok_or_else(MatrixError::unknown_token)?;
    Ok(cors(HttpResponse::Ok()).json(json!({ "sub": sub })))
}

/// The Matrix id a live widget credential belongs to.
pub(super) fn verify(state: &AppState, credential: &str) -> Option<String> {
    let now = state.clock.now();
    let live = state
        .store
        .find_widget_token(&hash_token(credential))
        .ok()
        .flatten()
        .filter(|t| !t.revoked && now < t.expires_at)?;
    let user = state.store.find_user(live.user_id).ok().flatten()?;
    let id = MatrixUserId {
        localpart: user.username,
        server_name: state.matrix.server_name.clone(),
    };
    Some(id.to_id())
}

/// `GET /.well-known/matrix/server`.
pub async fn well_known_server_get(state: web::Data<AppState>) -> HttpResponse {
    cors(HttpResponse::Ok()).json(json!({ "m.server": state.matrix.server_name }))
}

/// The person behind a site's access token with `widgets`, and the site (for `/widgets`):
/// a site sees and forgets only the widget grants it created.
fn widget_owner(req: &HttpRequest, state: &AppState) -> Result<(UserId, WidgetsOf), BearerRefusal> {
    let token = bearer::authenticate(req, state, None)?;
    let scope = ScopeSet::parse(&token.scope).unwrap_or_default();
    match (scope.contains(Scope::Widgets), token.grant.user_id) {
        (true, Some(user)) => Ok((user, WidgetsOf::Site(token.grant.client_id.clone()))),
        _ => Err(BearerRefusal::Insufficient {
            message: "needs a user's token with the widgets scope".into(),
            scope: Scope::Widgets,
        }),
    }
}

/// `GET /widgets`: the widgets the user let know who they are.
pub async fn widgets_get(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (user, site) = widget_owner(&req, &state)?;
    let grants =
        (state.store.list_widget_grants(user, site)).map_err(|e| AppError::store_api(&e))?;
    let list: Vec<_> = grants
        .iter()
        .map(|g| json!({ "id": g.widget_id, "url": g.url, "allowed_at": g.created_at, "last_used_at": g.last_used_at }))
        .collect();
    Ok(cors(HttpResponse::Ok()).json(json!({ "widgets": list })))
}

/// `DELETE /widgets/{id}`: forget one widget; its live credentials stop working at once.
pub async fn widget_delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    revoke(&req, &state, Some(path.into_inner())).await
}

/// `DELETE /widgets`: forget every widget and revoke every widget credential.
pub async fn widgets_delete(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    revoke(&req, &state, None).await
}

async fn revoke(
    req: &HttpRequest,
    state: &AppState,
    widget: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (user, site) = widget_owner(req, state)?;
    let now = state.clock.now();
    let revoked = (state.store.revoke_widgets(user, site, widget, now).await)
        .map_err(|e| AppError::store_api(&e))?;
    Ok(cors(HttpResponse::Ok()).json(json!({ "revoked_tokens": revoked })))
}
