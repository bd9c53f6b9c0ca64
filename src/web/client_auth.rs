//! The client-authenticated endpoints' shared first steps (token, revocation,
//! introspection): a form body of the right type (RFC 6749 §3.2), then the calling client
//! by `client_secret_basic`, `client_secret_post` or `client_id` alone for public clients.

use actix_web::http::header;
use actix_web::HttpRequest;

use super::responses::store_oauth_error;
use super::AppState;
use crate::domain::records::Client;
use crate::domain::ClientId;
use crate::oauth::client_auth::{self, PresentedCredentials};
use crate::oauth::{OAuthError, Params};

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
