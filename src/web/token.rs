//! `POST /oauth/token` (and VZ's `/OAuth2/AccessToken/`): authenticate the client, then hand
//! the request to its grant (see `grants`). Errors are RFC 6749 §5.2 JSON.

use actix_web::{web, HttpRequest, HttpResponse};

use super::client_auth::{authenticate_client, form_params};
use super::grants;
use super::responses::{no_store_json, oauth_error_json};
use super::AppState;
use crate::domain::GrantType;
use crate::oauth::grants::permitted_grant;
use crate::oauth::token_response::TokenResponse;
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
) -> Result<(GrantType, TokenResponse), OAuthError> {
    let (client, secret) = authenticate_client(req, state, params)?;
    let grant_type = permitted_grant(params, &client)?;
    let ctx = grants::GrantContext {
        state,
        client: &client,
        secret: secret.as_deref(),
        params,
        echo_state: params.get("state")?.map(str::to_string),
    };
    let response = match grant_type {
        GrantType::AuthorizationCode => grants::authorization_code(&ctx).await?,
        GrantType::RefreshToken => grants::refresh_token(&ctx).await?,
        GrantType::ClientCredentials => grants::client_credentials(&ctx)?,
        GrantType::Implicit => {
            let error = OAuthError::new(
                ErrorCode::UnsupportedGrantType,
                "implicit is not a token grant",
            );
            return Err(error);
        }
    };
    Ok((grant_type, response))
}
