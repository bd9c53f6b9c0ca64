//! Finding the access token on a resource request: RFC 6750's `Authorization: Bearer`,
//! `access_token` query and form parameters, and the VZ-era `Authorization: OAuth` and
//! `oauth_token`. Several copies are fine when they agree (VZ's PHP library sends two).

use actix_web::http::header;
use actix_web::HttpRequest;

use super::AppState;
use crate::crypto::hash_token;
use crate::domain::records::AccessToken;
use crate::oauth::{ErrorCode, OAuthError, Params};

/// Why a resource request was refused before its own checks.
pub enum BearerError {
    /// No token anywhere: 401 with a bare challenge.
    Missing,
    /// A token that is malformed, unknown, expired or revoked, or conflicting copies.
    Invalid(OAuthError),
    /// The store failed.
    Store,
}

/// Collects every copy of the token from the header, the query and an optional form body.
fn presented(req: &HttpRequest, body: Option<&Params>) -> Result<Option<String>, OAuthError> {
    let mut found: Vec<String> = Vec::new();
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let value = value
            .to_str()
            .map_err(|_| OAuthError::invalid_request("malformed Authorization header"))?;
        if let Some((scheme, token)) = value.split_once(' ') {
            if scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth") {
                found.push(token.trim().to_string());
            }
        }
    }
    let query = Params::parse(req.query_string());
    for params in std::iter::once(&query).chain(body) {
        for name in ["access_token", "oauth_token"] {
            if let Some(token) = params.get(name)? {
                found.push(token.to_string());
            }
        }
    }
    found.sort();
    found.dedup();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        _ => Err(OAuthError::invalid_request(
            "the request carries different access tokens",
        )),
    }
}

/// The live access token of this request.
pub fn authenticate(
    req: &HttpRequest,
    state: &AppState,
    body: Option<&Params>,
) -> Result<AccessToken, BearerError> {
    let token = presented(req, body)
        .map_err(BearerError::Invalid)?
        .ok_or(BearerError::Missing)?;
    let invalid = || {
        BearerError::Invalid(OAuthError::new(
            ErrorCode::InvalidToken,
            "the access token is invalid, expired or revoked",
        ))
    };
    let stored = state
        .store
        .find_access_token(&hash_token(&token))
        .map_err(|_| BearerError::Store)?
        .ok_or_else(invalid)?;
    if !stored.is_active(state.clock.now()) {
        return Err(invalid());
    }
    Ok(stored)
}
