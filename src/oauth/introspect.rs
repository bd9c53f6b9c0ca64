//! Token introspection (RFC 7662): what a confidential client may learn about a token. Only
//! its own live tokens are active; tokens of other clients look inactive, so a client learns
//! nothing about them. Public clients cannot introspect: anyone can present their client id
//! (§4 requires the caller to be authenticated).

use serde::Serialize;

use super::OAuthError;
use crate::clock::UnixTime;
use crate::domain::records::{Client, Grant, PresentedToken};
use crate::domain::{ClientId, Sub};

/// Refuses a client that cannot prove who it is.
pub fn may_introspect(client: &Client) -> Result<(), OAuthError> {
    match client.is_public() {
        true => Err(OAuthError::invalid_client(
            "introspection is for confidential clients, which authenticate with their secret",
        )),
        false => Ok(()),
    }
}

/// An active token's facts.
#[derive(Debug, Clone, Copy)]
pub struct ActiveToken<'a> {
    pub grant: &'a Grant,
    pub scope: &'a str,
    pub issued_at: UnixTime,
    pub expires_at: UnixTime,
    /// `Bearer` for an access token; a refresh token is no bearer credential.
    pub token_type: Option<&'static str>,
}

/// The presented token, when it is a live token of `client_id`.
pub fn active<'a>(
    token: &'a PresentedToken,
    client_id: &ClientId,
    now: UnixTime,
) -> Option<ActiveToken<'a>> {
    let active = match token {
        PresentedToken::Access(access) if access.is_active(now) => ActiveToken {
            grant: &access.grant,
            scope: &access.scope,
            issued_at: access.issued_at,
            expires_at: access.expires_at,
            token_type: Some("Bearer"),
        },
        PresentedToken::Refresh(refresh) if refresh.is_active(now) => ActiveToken {
            grant: &refresh.grant,
            scope: &refresh.grant.scope,
            issued_at: refresh.issued_at,
            expires_at: refresh.expires_at,
            token_type: None,
        },
        _ => return None,
    };
    (active.grant.client_id == *client_id).then_some(active)
}

/// The introspection response (§2.2).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Introspection {
    pub active: bool,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub details: Option<Details>,
}

/// What the response says about an active token.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Details {
    pub scope: String,
    pub client_id: String,
    pub iat: UnixTime,
    pub exp: UnixTime,
    pub iss: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<&'static str>,
}

impl Introspection {
    /// `{"active": false}`: expired, revoked, unknown, or another client's.
    pub fn inactive() -> Self {
        Self {
            active: false,
            details: None,
        }
    }
}

impl ActiveToken<'_> {
    /// The answer for this token, naming the person (`sub` as this client sees them, and
    /// their username) when the grant is a person's.
    pub fn answer(&self, issuer: &str, person: Option<(Sub, String)>) -> Introspection {
        let (sub, username) = person.unzip();
        Introspection {
            active: true,
            details: Some(Details {
                scope: self.scope.to_string(),
                client_id: self.grant.client_id.as_str().to_string(),
                iat: self.issued_at,
                exp: self.expires_at,
                iss: issuer.to_string(),
                sub: sub.map(|s| s.as_str().to_string()),
                username,
                token_type: self.token_type,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::{AccessToken, RefreshToken};
    use crate::domain::ScopeSet;
    use crate::oauth::grants::test_client;
    use crate::oauth::tokens::new_grant;

    fn grant(client: &str) -> Grant {
        let scope = ScopeSet::parse("openid").unwrap();
        new_grant(&ClientId::parse(client).unwrap(), Some(1), &scope, None, 0)
    }

    fn access(client: &str, revoked: bool) -> PresentedToken {
        PresentedToken::Access(Box::new(AccessToken {
            token_id: "t".into(),
            grant: grant(client),
            scope: "openid".into(),
            issued_at: 0,
            expires_at: 100,
            revoked,
            person: None,
            sector: None,
        }))
    }

    #[test]
    fn only_the_clients_own_live_tokens_are_active() {
        let me = ClientId::parse("me").unwrap();
        assert!(active(&access("me", false), &me, 99).is_some());
        assert!(active(&access("me", false), &me, 100).is_none(), "expired");
        assert!(active(&access("me", true), &me, 1).is_none(), "revoked");
        assert!(active(&access("other", false), &me, 1).is_none());
        assert!(active(&PresentedToken::Unknown, &me, 1).is_none());
        let refresh = |rotated| {
            PresentedToken::Refresh(RefreshToken {
                grant: grant("me"),
                issued_at: 0,
                expires_at: 100,
                rotated,
                revoked: false,
            })
        };
        let live = refresh(false);
        assert_eq!(active(&live, &me, 1).unwrap().token_type, None);
        assert!(active(&refresh(true), &me, 1).is_none(), "already rotated");
    }

    #[test]
    fn the_answer_has_the_rfc_shape() {
        let me = ClientId::parse("me").unwrap();
        let token = access("me", false);
        let person = Some((Sub::from_string("s1".into()), "alice".into()));
        let answer = active(&token, &me, 1)
            .unwrap()
            .answer("https://id.example", person);
        let json = serde_json::to_value(answer).unwrap();
        assert_eq!(json["active"], true);
        assert_eq!(
            (json["sub"].as_str(), json["token_type"].as_str()),
            (Some("s1"), Some("Bearer"))
        );
        let inactive = serde_json::to_string(&Introspection::inactive()).unwrap();
        assert_eq!(inactive, r#"{"active":false}"#);
        assert!(may_introspect(&test_client("p", true)).is_err());
        assert!(may_introspect(&test_client("c", false)).is_ok());
    }
}
