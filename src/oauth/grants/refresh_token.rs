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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::Grant;
    use crate::domain::ClientId;
    use crate::oauth::grants::test_client;
    use crate::oauth::ErrorCode;

    fn token(scope: &str) -> RefreshToken {
        RefreshToken {
            grant: Grant {
                id: "g".into(),
                client_id: ClientId::parse("site").unwrap(),
                user_id: Some(1),
                scope: scope.into(),
                fields: None,
                created_at: 0,
                auth_time: None,
                sid: None,
                claims: None,
            },
            issued_at: 0,
            expires_at: 100,
            rotated: false,
            revoked: false,
        }
    }

    fn code(rejection: Rejection) -> Option<ErrorCode> {
        match rejection {
            Rejection::Invalid(e) => Some(e.code),
            Rejection::Reused => None,
        }
    }

    #[test]
    fn a_live_token_of_the_client_refreshes_and_may_only_narrow() {
        let client = test_client("site", false);
        let live = token("openid email");
        assert_eq!(
            check(Some(&live), &client, None, 10).unwrap().to_string(),
            "openid email"
        );
        assert_eq!(
            check(Some(&live), &client, Some("openid"), 10)
                .unwrap()
                .to_string(),
            "openid"
        );
        let wider = check(Some(&live), &client, Some("openid contacts"), 10).unwrap_err();
        assert_eq!(code(wider), Some(ErrorCode::InvalidScope));
    }

    #[test]
    fn unknown_foreign_expired_revoked_and_rotated_tokens_are_refused() {
        let client = test_client("site", false);
        let invalid = Some(ErrorCode::InvalidGrant);
        assert_eq!(code(check(None, &client, None, 10).unwrap_err()), invalid);
        let other = test_client("other", false);
        assert_eq!(
            code(check(Some(&token("openid")), &other, None, 10).unwrap_err()),
            invalid
        );
        assert_eq!(
            code(check(Some(&token("openid")), &client, None, 100).unwrap_err()),
            invalid
        );
        let revoked = RefreshToken {
            revoked: true,
            ..token("openid")
        };
        assert_eq!(
            code(check(Some(&revoked), &client, None, 10).unwrap_err()),
            invalid
        );
        let rotated = RefreshToken {
            rotated: true,
            ..token("openid")
        };
        assert!(matches!(
            check(Some(&rotated), &client, None, 10),
            Err(Rejection::Reused)
        ));
        // A corrupt stored scope is an error, never an empty scope.
        assert_eq!(
            code(check(Some(&token("bogus")), &client, None, 10).unwrap_err()),
            invalid
        );
    }
}
