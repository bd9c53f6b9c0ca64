//! `grant_type=refresh_token` (RFC 6749 §6, RFC 9700 §4.14.2): the token must be live and
//! the client's own; a rotated token presented again is reuse; `scope` may only narrow.

use super::Rejection;
use crate::clock::UnixTime;
use crate::domain::records::{Client, RefreshToken};
use crate::domain::ScopeSet;
use crate::oauth::OAuthError;

/// Decides whether `token` may be refreshed by `client`; returns the new access token's scope.
pub fn check(
    token: Option<&RefreshToken>,
    client: &Client,
    requested_scope: Option<&str>,
    now: UnixTime,
) -> Result<ScopeSet, Rejection> {
    let invalid = || OAuthError::invalid_grant("the refresh token is not valid");
    let token = token.ok_or_else(invalid)?;
    if token.grant.client_id != client.client_id {
        return Err(invalid().into());
    }
    if token.revoked || now >= token.expires_at {
        return Err(invalid().into());
    }
    if token.rotated {
        return Err(Rejection::Reused);
    }
    let granted = ScopeSet::parse(&token.grant.scope).map_err(|_| invalid())?;
    match requested_scope {
        None => Ok(granted),
        Some(raw) => {
            let requested = ScopeSet::parse(raw).map_err(OAuthError::invalid_scope)?;
            if requested.is_subset(&granted) {
                Ok(requested)
            } else {
                Err(OAuthError::invalid_scope("scope exceeds what was originally granted").into())
            }
        }
    }
}
