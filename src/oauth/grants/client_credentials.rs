//! `grant_type=client_credentials` (RFC 6749 §4.4): a confidential client acting for itself.
//! Every scope vzconnect knows is about a user, so such a token carries none of them; it is
//! good for introspection and resource servers of the client's own.

use crate::domain::records::Client;
use crate::domain::ScopeSet;
use crate::oauth::{ErrorCode, OAuthError};

/// Decides the scope of a client-credentials token.
pub fn check(client: &Client, requested_scope: Option<&str>) -> Result<ScopeSet, OAuthError> {
    if client.is_public() {
        return Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            "public clients cannot use client_credentials",
        ));
    }
    let scope =
        ScopeSet::parse(requested_scope.unwrap_or("")).map_err(OAuthError::invalid_scope)?;
    if !scope.is_empty() {
        return Err(OAuthError::invalid_scope(
            "client_credentials tokens act for no user, so they carry no user scopes",
        ));
    }
    Ok(scope)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::grants::test_client;

    #[test]
    fn a_confidential_client_gets_a_token_without_user_scopes() {
        let client = test_client("m2m", false);
        assert!(check(&client, None).unwrap().is_empty());
        assert!(check(&client, Some("")).unwrap().is_empty());
        let error = check(&client, Some("openid")).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidScope);
        let error = check(&client, Some("nonsense")).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidScope);
        let error = check(&test_client("app", true), None).unwrap_err();
        assert_eq!(error.code, ErrorCode::UnauthorizedClient);
    }
}
