//! One file per grant type (RFC 6749 §4.1.3, §6, §4.4): each checks a token request
//! against what the store holds and decides, without touching the store itself.

pub mod authorization_code;
pub mod client_credentials;
pub mod refresh_token;

use super::{ErrorCode, OAuthError, Params};
use crate::domain::records::Client;
use crate::domain::GrantType;

/// Why a grant was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// An ordinary error; nothing changes.
    Invalid(OAuthError),
    /// A one-time credential was presented again: refuse with `invalid_grant` and revoke
    /// what it issued (RFC 6749 §4.1.2, RFC 9700 §4.14.2).
    Reused,
}

impl From<OAuthError> for Rejection {
    fn from(e: OAuthError) -> Self {
        Self::Invalid(e)
    }
}

/// The `grant_type` of a token request, reconciled with the draft-07 `type` parameter that
/// VZ-era clients send beside it (`web_server` goes with both code and refresh requests).
pub fn requested_grant_type(params: &Params) -> Result<GrantType, OAuthError> {
    let grant_type = params.get("grant_type")?;
    let legacy = params.get("type")?;
    let grant = match (grant_type, legacy) {
        (Some(g), _) => g
            .parse::<GrantType>()
            .ok()
            .filter(|g| *g != GrantType::Implicit)
            .ok_or_else(|| {
                OAuthError::new(
                    ErrorCode::UnsupportedGrantType,
                    format!("grant_type '{g}' is not supported"),
                )
            })?,
        (None, Some("web_server")) => GrantType::AuthorizationCode,
        (None, Some("refresh")) => GrantType::RefreshToken,
        (None, Some("client_credentials")) => GrantType::ClientCredentials,
        (None, Some(other)) => {
            return Err(OAuthError::new(
                ErrorCode::UnsupportedGrantType,
                format!("type '{other}' is not supported at the token endpoint"),
            ))
        }
        (None, None) => {
            return Err(OAuthError::invalid_request(
                "the parameter 'grant_type' is missing",
            ))
        }
    };
    let consistent = match legacy {
        None => true,
        Some("web_server") => matches!(
            grant,
            GrantType::AuthorizationCode | GrantType::RefreshToken
        ),
        Some("refresh") => grant == GrantType::RefreshToken,
        Some("client_credentials") => grant == GrantType::ClientCredentials,
        Some(_) => false,
    };
    if !consistent {
        return Err(OAuthError::invalid_request("type and grant_type disagree"));
    }
    Ok(grant)
}

/// The grant a token request asks for, when `client` is registered for it.
pub fn permitted_grant(params: &Params, client: &Client) -> Result<GrantType, OAuthError> {
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
    Ok(grant_type)
}

/// A client for the grants' unit tests.
#[cfg(test)]
pub(crate) fn test_client(id: &str, public: bool) -> crate::domain::records::Client {
    use crate::domain::{ClientId, GrantType, SignatureMethod, TokenEndpointAuthMethod};
    crate::domain::records::Client {
        client_id: ClientId::parse(id).unwrap(),
        name: "Site".into(),
        redirect_uris: vec![],
        grant_types: vec![GrantType::AuthorizationCode, GrantType::RefreshToken],
        auth_method: if public {
            TokenEndpointAuthMethod::None
        } else {
            TokenEndpointAuthMethod::ClientSecretBasic
        },
        signature_method: SignatureMethod::HmacSha256,
        id_token_alg: Default::default(),
        post_logout_redirect_uris: vec![],
        backchannel_logout_uri: None,
        sector_identifier: None,
        sector_identifier_uri: None,
        verified: true,
        owner: None,
        description: None,
        client_uri: None,
        logo_uri: None,
        registration_token_hash: None,
        sealed_secret: None,
        created_at: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vz_type_parameter_maps_and_must_agree() {
        let grant = |q: &str| requested_grant_type(&Params::parse(q));
        assert_eq!(
            grant("type=web_server").unwrap(),
            GrantType::AuthorizationCode
        );
        assert_eq!(
            grant("type=web_server&grant_type=refresh_token").unwrap(),
            GrantType::RefreshToken
        );
        assert!(grant("type=user_agent&grant_type=authorization_code").is_err());
        assert_eq!(
            grant("grant_type=password").unwrap_err().code,
            ErrorCode::UnsupportedGrantType
        );
        assert_eq!(grant("").unwrap_err().code, ErrorCode::InvalidRequest);
    }

    #[test]
    fn a_client_uses_only_the_grants_it_is_registered_for() {
        let client = test_client("site", false);
        let code = Params::parse("grant_type=authorization_code");
        assert_eq!(
            permitted_grant(&code, &client).unwrap(),
            GrantType::AuthorizationCode
        );
        let credentials = Params::parse("grant_type=client_credentials");
        let refused = permitted_grant(&credentials, &client).unwrap_err();
        assert_eq!(refused.code, ErrorCode::UnauthorizedClient);
    }
}
