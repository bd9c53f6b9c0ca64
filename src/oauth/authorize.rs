//! Validating an authorization request (RFC 6749 §4.1.1, §4.2.1, §4.1.2.1; RFC 7636 §4.3)
//! plus the VZ-era `type`, `fields` and `message` parameters. The client and redirect URI
//! are checked first: until both are known good, errors go to an HTML page, never a redirect.

use super::redirect::RedirectTarget;
use super::response_type;
pub use super::response_type::ResponseType;
use super::{pkce, ErrorCode, OAuthError, Params};
use crate::domain::records::Client;
use crate::domain::{GrantType, Scope, ScopeSet};
use crate::oidc::claims_request::ClaimsRequest;
use crate::oidc::prompt::{self, Interaction};

/// The most characters of a site's `message` shown on the consent page.
pub const MAX_MESSAGE_CHARS: usize = 500;
/// The most PoCo field names a site may list in `fields`.
const MAX_FIELDS: usize = 64;

/// A fully validated authorization request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRequest {
    pub response_type: ResponseType,
    pub target: RedirectTarget,
    /// Whether the request named `redirect_uri` (then the token request must repeat it).
    pub redirect_uri_explicit: bool,
    pub scope: ScopeSet,
    pub code_challenge: Option<String>,
    /// PoCo field names the site asked for (VZ `fields`), limiting the record it can read.
    pub fields: Option<Vec<String>>,
    /// A short text from the site for the consent page (VZ `message`).
    pub message: Option<String>,
    /// OpenID Connect `nonce`, echoed in the id_token.
    pub nonce: Option<String>,
    /// `prompt`, `max_age`, `login_hint`, `id_token_hint`.
    pub interaction: Interaction,
    /// Individually requested claims (the `claims` parameter).
    pub claims: ClaimsRequest,
}

/// Why an authorization request cannot proceed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizeError {
    /// The client or redirect URI is not valid: tell the user, never redirect.
    Page(String),
    /// The request is bad but the redirect URI is trusted: send the error back to the client.
    Redirect {
        target: RedirectTarget,
        error: OAuthError,
    },
}

/// The `client_id` the request names; a missing or repeated one is an error page.
pub fn requested_client_id(params: &Params) -> Result<&str, AuthorizeError> {
    match params.get("client_id") {
        Ok(Some(id)) => Ok(id),
        Ok(None) => Err(AuthorizeError::Page(
            "The request does not say which site is asking (client_id is missing).".into(),
        )),
        Err(e) => Err(AuthorizeError::Page(e.description)),
    }
}

/// Validates the request for `client` (already looked up by `client_id`).
pub fn validate(params: &Params, client: &Client) -> Result<AuthorizationRequest, AuthorizeError> {
    let (redirect_uri, explicit) = redirect_uri(params, client)?;
    let state = params.get("state").ok().flatten().map(str::to_string);
    let response_type = response_type::requested(params);
    let mode = response_type::mode(params, response_type.as_ref().ok().copied())
        .map_err(AuthorizeError::Page)?;
    let target = RedirectTarget {
        redirect_uri,
        mode,
        state,
    };
    let fail = |error: OAuthError| AuthorizeError::Redirect {
        target: target.clone(),
        error,
    };
    if let Some(error) = params.first_duplicate(&[
        "state",
        "response_type",
        "type",
        "scope",
        "code_challenge",
        "code_challenge_method",
        "fields",
        "message",
        "nonce",
        "request",
        "request_uri",
        "response_mode",
        "prompt",
        "max_age",
        "login_hint",
        "id_token_hint",
        "claims",
    ]) {
        return Err(fail(error));
    }
    if params.get("request").ok().flatten().is_some() {
        let e = OAuthError::new(
            ErrorCode::RequestNotSupported,
            "request objects are not supported",
        );
        return Err(fail(e));
    }
    if params.get("request_uri").ok().flatten().is_some() {
        let e = OAuthError::new(
            ErrorCode::RequestUriNotSupported,
            "request_uri is not supported",
        );
        return Err(fail(e));
    }
    let response_type = response_type.map_err(fail)?;
    let needed = [
        (response_type.code, GrantType::AuthorizationCode),
        (
            response_type.has_front_channel_tokens(),
            GrantType::Implicit,
        ),
    ];
    if let Some((_, missing)) = needed
        .iter()
        .find(|(wanted, g)| *wanted && !client.allows(*g))
    {
        return Err(fail(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            format!(
                "this client is not registered for the {} grant",
                missing.as_str()
            ),
        )));
    }
    let scope = scope(params).map_err(fail)?;
    let nonce = nonce(params).map_err(fail)?;
    if response_type.id_token && !scope.contains(Scope::OpenId) {
        return Err(fail(OAuthError::invalid_request(
            "response_type id_token needs the openid scope",
        )));
    }
    if response_type.id_token && nonce.is_none() {
        return Err(fail(OAuthError::invalid_request(
            "nonce is required when the id_token comes from the authorization endpoint",
        )));
    }
    let interaction = prompt::parse(params).map_err(fail)?;
    let claims = match params.get("claims").map_err(fail)? {
        Some(json) => ClaimsRequest::parse(json).map_err(fail)?,
        None => ClaimsRequest::default(),
    };
    let code_challenge = code_challenge(params, client, response_type).map_err(fail)?;
    Ok(AuthorizationRequest {
        response_type,
        target: target.clone(),
        redirect_uri_explicit: explicit,
        scope,
        code_challenge,
        fields: fields(params).map_err(fail)?,
        message: message(params),
        nonce,
        interaction,
        claims,
    })
}

fn redirect_uri(params: &Params, client: &Client) -> Result<(String, bool), AuthorizeError> {
    let requested = params
        .get("redirect_uri")
        .map_err(|e| AuthorizeError::Page(e.description))?;
    match requested {
        Some(uri) if client.redirect_uris.iter().any(|r| r.as_str() == uri) => {
            Ok((uri.to_string(), true))
        }
        Some(_) => Err(AuthorizeError::Page(
            "The redirect_uri does not match any address registered for this site.".into(),
        )),
        None => match client.redirect_uris.as_slice() {
            [only] => Ok((only.as_str().to_string(), false)),
            _ => Err(AuthorizeError::Page(
                "The request must name its redirect_uri: this site registered several.".into(),
            )),
        },
    }
}

fn scope(params: &Params) -> Result<ScopeSet, OAuthError> {
    let Some(raw) = params.get("scope")? else {
        return Err(OAuthError::invalid_scope(
            "the parameter 'scope' is missing (for example: scope=openid)",
        ));
    };
    let scope = ScopeSet::parse(raw).map_err(OAuthError::invalid_scope)?;
    if scope.is_empty() {
        return Err(OAuthError::invalid_scope("the scope is empty"));
    }
    Ok(scope)
}

fn code_challenge(
    params: &Params,
    client: &Client,
    response_type: ResponseType,
) -> Result<Option<String>, OAuthError> {
    let challenge = params.get("code_challenge")?;
    let method = params.get("code_challenge_method")?;
    if !response_type.code {
        return Ok(None);
    }
    match challenge {
        Some(challenge) => {
            pkce::check_challenge(challenge, method)?;
            Ok(Some(challenge.to_string()))
        }
        None if method.is_some() => Err(OAuthError::invalid_request(
            "code_challenge_method was sent without code_challenge",
        )),
        None if client.is_public() => Err(OAuthError::invalid_request(
            "public clients must use PKCE (code_challenge with code_challenge_method=S256)",
        )),
        None => Ok(None),
    }
}

fn fields(params: &Params) -> Result<Option<Vec<String>>, OAuthError> {
    let Some(raw) = params.get("fields")? else {
        return Ok(None);
    };
    let mut names: Vec<String> = Vec::new();
    for name in raw.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'@')
        {
            return Err(OAuthError::invalid_request(format!(
                "'{name}' in fields is not a Portable Contacts field name"
            )));
        }
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    if names.len() > MAX_FIELDS {
        return Err(OAuthError::invalid_request("fields lists too many names"));
    }
    Ok(Some(names))
}

/// The most characters of a `nonce` kept (it travels in every id_token).
const MAX_NONCE_CHARS: usize = 255;

fn nonce(params: &Params) -> Result<Option<String>, OAuthError> {
    match params.get("nonce")? {
        Some(n) if n.chars().count() > MAX_NONCE_CHARS => Err(OAuthError::invalid_request(
            format!("nonce must be at most {MAX_NONCE_CHARS} characters"),
        )),
        other => Ok(other.map(str::to_string)),
    }
}

fn message(params: &Params) -> Option<String> {
    let raw = params.get("message").ok().flatten()?.trim();
    if raw.is_empty() {
        return None;
    }
    let mut text: String = raw.chars().take(MAX_MESSAGE_CHARS).collect();
    if raw.chars().count() > MAX_MESSAGE_CHARS {
        text.push('…');
    }
    Some(text)
}

/// Whether the user must see the consent page: a remembered consent covers the request only
/// if it includes every requested scope.
pub fn needs_consent(remembered: Option<&ScopeSet>, requested: &ScopeSet) -> bool {
    !remembered.is_some_and(|r| requested.is_subset(r))
}

/// The scopes the consent page lists, each with what it lets the site see.
pub fn consent_lines(scope: &ScopeSet) -> Vec<(Scope, &'static str)> {
    scope.iter().map(|s| (s, s.description())).collect()
}

#[cfg(test)]
mod tests;
