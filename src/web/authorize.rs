//! `GET|POST /oauth/authorize` (and VZ's `/OAuth2/Authorize/`): validate, make sure someone
//! is signed in, ask for consent unless remembered, then answer the client.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::responses::{error_page, see_other, server_error_page};
use super::{cookies, router, AppState};
use crate::auth::session::sid;
use crate::crypto::hash_token;
use crate::domain::records::{AuthCode, Client, Session, User};
use crate::domain::{ClientId, ScopeSet};
use crate::oauth::authorize::{self, AuthorizationRequest, AuthorizeError, ResponseType};
use crate::oauth::token_response::{self, ResponseContext};
use crate::oauth::{tokens, ErrorCode, OAuthError, Params};

/// `GET /oauth/authorize`.
pub async fn authorize_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    authorize(&req, &state, Params::parse(req.query_string())).await
}

/// `POST /oauth/authorize` (form-encoded, same parameters).
pub async fn authorize_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> HttpResponse {
    let params = Params::parse(&String::from_utf8_lossy(&body));
    authorize(&req, &state, params).await
}

async fn authorize(req: &HttpRequest, state: &AppState, params: Params) -> HttpResponse {
    let (client, request) = match validate(state, &params) {
        Ok(valid) => valid,
        Err(response) => return response,
    };
    let here = format!("{}?{}", router::AUTHORIZE, encode(&params));
    let (session, user) = match cookies::current_user(req, state) {
        Ok(Some(found)) => found,
        Ok(None) => return see_other(&router::login_url(&here)),
        Err(_) => return server_error_page(),
    };
    let remembered = match state.store.find_consent(user.id, &client.client_id) {
        Ok(scope) => scope.and_then(|s| ScopeSet::parse(&s).ok()),
        Err(_) => return server_error_page(),
    };
    if authorize::needs_consent(remembered.as_ref(), &request.scope) {
        return see_other(&format!("{}?{}", router::CONSENT, encode(&params)));
    }
    respond(state, &client, &request, &user, &session).await
}

/// Looks up the client and validates the request; errors are already rendered.
pub(super) fn validate(
    state: &AppState,
    params: &Params,
) -> Result<(Client, AuthorizationRequest), HttpResponse> {
    let unknown = || {
        error_page(
            StatusCode::BAD_REQUEST,
            "The site that sent you here is not registered (unknown client_id).",
        )
    };
    let client_id = authorize::requested_client_id(params).map_err(|e| render_error(state, e))?;
    let client_id = ClientId::parse(client_id).map_err(|_| unknown())?;
    let client = match state.store.find_client(&client_id) {
        Ok(Some(client)) => client,
        Ok(None) => return Err(unknown()),
        Err(_) => return Err(server_error_page()),
    };
    let request = authorize::validate(params, &client).map_err(|e| render_error(state, e))?;
    Ok((client, request))
}

fn render_error(state: &AppState, error: AuthorizeError) -> HttpResponse {
    match error {
        AuthorizeError::Page(message) => error_page(StatusCode::BAD_REQUEST, &message),
        AuthorizeError::Redirect { target, error } => {
            see_other(&target.url(&error_params(&error), &state.issuer))
        }
    }
}

fn error_params(error: &OAuthError) -> [(&'static str, String); 2] {
    [
        ("error", error.code.as_str().to_string()),
        ("error_description", error.description.clone()),
    ]
}

/// Sends the user back to the client with an error (e.g. `access_denied`).
pub(super) fn redirect_error(
    state: &AppState,
    request: &AuthorizationRequest,
    error: &OAuthError,
) -> HttpResponse {
    see_other(&request.target.url(&error_params(error), &state.issuer))
}

/// Issues what the client asked for and redirects back to it.
pub(super) async fn respond(
    state: &AppState,
    client: &Client,
    request: &AuthorizationRequest,
    user: &User,
    session: &Session,
) -> HttpResponse {
    let now = state.clock.now();
    let fields = request.fields.as_ref().map(|f| f.join(","));
    let params = match request.response_type {
        ResponseType::Code => {
            let code = tokens::new_secret_value();
            let record = AuthCode {
                code_hash: hash_token(&code),
                client_id: client.client_id.clone(),
                user_id: user.id,
                redirect_uri: request.target.redirect_uri.clone(),
                redirect_uri_explicit: request.redirect_uri_explicit,
                scope: request.scope.to_string(),
                fields,
                code_challenge: request.code_challenge.clone(),
                nonce: request.nonce.clone(),
                sid: Some(sid(&session.id_hash)),
                auth_time: session.auth_time,
                issued_at: now,
                expires_at: now + tokens::CODE_TTL,
                redeemed: false,
            };
            if state.store.create_auth_code(record).await.is_err() {
                return server_error(state, request);
            }
            vec![("code", code)]
        }
        ResponseType::Token => {
            let mut grant = tokens::new_grant(
                &client.client_id,
                Some(user.id),
                &request.scope,
                fields,
                now,
            );
            grant.auth_time = Some(session.auth_time);
            grant.sid = Some(sid(&session.id_hash));
            let minted = tokens::mint(&grant.id, &request.scope, now, false);
            if state.store.issue_grant(grant, minted.stored).await.is_err() {
                return server_error(state, request);
            }
            let secret = client
                .sealed_secret
                .as_ref()
                .and_then(|s| state.key.open(client.client_id.as_str().as_bytes(), s))
                .and_then(|s| String::from_utf8(s).ok());
            let ctx = ResponseContext {
                issuer: &state.issuer,
                signature_method: client.signature_method,
                client_secret: secret.as_deref(),
                sub: Some(&user.sub),
                scope: &request.scope,
                now,
            };
            token_response::build(minted.access_token, None, None, &ctx).fragment_params()
        }
    };
    state.metrics.authorization(request.response_type);
    see_other(&request.target.url(&params, &state.issuer))
}

fn server_error(state: &AppState, request: &AuthorizationRequest) -> HttpResponse {
    let error = OAuthError::new(
        ErrorCode::ServerError,
        "the server could not issue a response",
    );
    redirect_error(state, request, &error)
}

/// Re-encodes parameters for a redirect to the login or consent page.
pub(super) fn encode(params: &Params) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in params.pairs() {
        out.append_pair(name, value);
    }
    out.finish()
}
