//! `POST /oauth/token` (and VZ's `/OAuth2/AccessToken/`): authenticate the client, then hand
//! the request to its grant (see `grants`). Errors are RFC 6749 §5.2 JSON.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::grants;
use super::responses::store_oauth_error;
use super::responses::{no_store_json, oauth_error_json};
use super::AppState;
use crate::domain::records::Client;
use crate::domain::{ClientId, GrantType};
use crate::oauth::client_auth::{self, PresentedCredentials};
use crate::oauth::grants::requested_grant_type;
use crate::oauth::{ErrorCode, OAuthError, Params};

/// `POST /oauth/token`.
pub async fn token_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> HttpResponse {
    let result = match form_params(&req, &body) {
        Ok(params) => token(&req, &state, &params).await,
        Err(e) => Err(e),
    };
    match result {
        Ok((grant_type, response)) => {
            state.metrics.token_issued(grant_type.as_str());
            no_store_json(&response)
        }
        Err(error) => {
            state.metrics.token_error(error.code.as_str());
            oauth_error_json(&error)
        }
    }
}

async fn token(
    req: &HttpRequest,
    state: &AppState,
    params: &Params,
) -> Result<(GrantType, crate::oauth::token_response::TokenResponse), OAuthError> {
    let (client, secret) = authenticate_client(req, state, params)?;
    let grant_type = requested_grant_type(params)?;
    if !client.allows(grant_type) {
        return Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            format!(
                "this client is not registered for the {} grant",
                grant_type.as_str()
            ),
        ));
    }
    let echo_state = params.get("state")?.map(str::to_string);
    let ctx = grants::GrantContext {
        state,
        client: &client,
        secret: secret.as_deref(),
        params,
        echo_state,
    };
    let response = match grant_type {
        GrantType::AuthorizationCode => grants::authorization_code(&ctx).await?,
        GrantType::RefreshToken => grants::refresh_token(&ctx).await?,
        GrantType::ClientCredentials => grants::client_credentials(&ctx).await?,
        GrantType::Implicit => {
            return Err(OAuthError::new(
                ErrorCode::UnsupportedGrantType,
                "implicit is not a token grant",
            ))
        }
    };
    Ok((grant_type, response))
}

/// Parses a form body, refusing other content types (RFC 6749 §3.2).
pub(super) fn form_params(req: &HttpRequest, body: &[u8]) -> Result<Params, OAuthError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(OAuthError::invalid_request(
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| OAuthError::invalid_request("the body is not valid UTF-8"))?;
    Ok(Params::parse(text))
}

/// Authenticates the calling client; returns it with its plain secret (if confidential).
pub(super) fn authenticate_client(
    req: &HttpRequest,
    state: &AppState,
    params: &Params,
) -> Result<(Client, Option<String>), OAuthError> {
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let presented: PresentedCredentials = client_auth::presented(authorization, params)?;
    let client = match ClientId::parse(&presented.client_id) {
        Ok(id) => state
            .store
            .find_client(&id)
            .map_err(|e| store_oauth_error(&e))?,
        Err(_) => None,
    };
    let secret = client_auth::authenticate(client.as_ref(), &presented, &state.key)?;
    let client = client.ok_or_else(|| OAuthError::invalid_client("unknown client"))?;
    tracing::Span::current().record("client_id", client.client_id.as_str());
    Ok((client, secret))
}
