//! Token revocation (RFC 7009): a client revokes one of its own tokens. An access token goes
//! alone; a refresh token takes its whole grant with it (§2.1); another client's token or an
//! unknown one changes nothing, and the answer is the same 200 (§2.2), so a client learns
//! nothing about tokens that are not its own.

use crate::clock::UnixTime;
use crate::domain::records::PresentedToken;
use crate::domain::ClientId;

/// What a revocation request changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// Revoke this access token: its id goes on the revocation list until it expires.
    AccessToken { id: String, expires_at: UnixTime },
    /// Revoke the grant with this id: its refresh and access tokens.
    Grant(String),
    /// Change nothing.
    Nothing,
}

/// Decides what revoking `token` on behalf of `client_id` changes.
pub fn revocation(token: &PresentedToken, client_id: &ClientId) -> Revocation {
    match token {
        PresentedToken::Access(access) if access.grant.client_id == *client_id => {
            Revocation::AccessToken {
                id: access.token_id.clone(),
                expires_at: access.expires_at,
            }
        }
        PresentedToken::Refresh(refresh) if refresh.grant.client_id == *client_id => {
            Revocation::Grant(refresh.grant.id.clone())
        }
        _ => Revocation::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::{AccessToken, RefreshToken};
    use crate::domain::ScopeSet;
    use crate::oauth::tokens::new_grant;

    #[test]
    fn a_client_revokes_only_its_own_tokens() {
        let scope = ScopeSet::parse("openid").unwrap();
        let me = ClientId::parse("me").unwrap();
        let other = ClientId::parse("other").unwrap();
        let grant = new_grant(&me, Some(1), &scope, None, 0);
        let access = PresentedToken::Access(Box::new(AccessToken {
            token_id: "t1".into(),
            grant: grant.clone(),
            scope: "openid".into(),
            issued_at: 0,
            expires_at: 10,
            revoked: false,
            person: None,
            sector: None,
        }));
        let refresh = PresentedToken::Refresh(RefreshToken {
            grant: grant.clone(),
            issued_at: 0,
            expires_at: 10,
            rotated: false,
            revoked: false,
        });
        let alone = Revocation::AccessToken {
            id: "t1".into(),
            expires_at: 10,
        };
        assert_eq!(revocation(&access, &me), alone);
        assert_eq!(revocation(&refresh, &me), Revocation::Grant(grant.id));
        assert_eq!(revocation(&access, &other), Revocation::Nothing);
        assert_eq!(revocation(&refresh, &other), Revocation::Nothing);
        assert_eq!(
            revocation(&PresentedToken::Unknown, &me),
            Revocation::Nothing
        );
    }
}
