//! The discovery document (OpenID Connect Discovery 1.0 §3, RFC 8414 §2): exactly what the
//! server supports, so a relying party configured from it never asks for something refused.

use serde_json::{json, Value};

use crate::domain::{GrantType, IdTokenAlg, Scope, TokenEndpointAuthMethod};
use crate::oauth::response_type;

/// Endpoint paths, taken from the route table so discovery cannot drift from it.
#[derive(Debug, Clone, Copy)]
pub struct Endpoints<'a> {
    pub authorization: &'a str,
    pub token: &'a str,
    pub userinfo: &'a str,
    pub jwks: &'a str,
    pub revocation: &'a str,
    pub introspection: &'a str,
    pub end_session: &'a str,
    /// `None` while dynamic registration is closed.
    pub registration: Option<&'a str>,
}

/// Claims every id_token or UserInfo answer may carry, besides the ones scopes release.
const PROTOCOL_CLAIMS: [&str; 10] = [
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "at_hash",
    "c_hash",
    "sid",
];

/// Claims the server can return (UserInfo and id_token): the protocol's own, then each
/// scope's from `userinfo::claims_of_scope`, so the two lists cannot drift apart.
pub fn claims_supported() -> Vec<&'static str> {
    let mut claims = PROTOCOL_CLAIMS.to_vec();
    for scope in Scope::ALL {
        for claim in super::userinfo::claims_of_scope(scope) {
            if !claims.contains(claim) {
                claims.push(claim);
            }
        }
    }
    claims
}

/// The metadata document for `issuer`.
pub fn document(issuer: &str, endpoints: &Endpoints<'_>) -> Value {
    let url = |path: &str| format!("{issuer}{path}");
    let auth_methods = [
        TokenEndpointAuthMethod::ClientSecretBasic,
        TokenEndpointAuthMethod::ClientSecretPost,
        TokenEndpointAuthMethod::None,
    ]
    .map(TokenEndpointAuthMethod::as_str);
    let grant_types = [
        GrantType::AuthorizationCode,
        GrantType::Implicit,
        GrantType::RefreshToken,
        GrantType::ClientCredentials,
    ]
    .map(GrantType::as_str);
    let mut document = json!({
        "issuer": issuer,
        "authorization_endpoint": url(endpoints.authorization),
        "token_endpoint": url(endpoints.token),
        "userinfo_endpoint": url(endpoints.userinfo),
        "jwks_uri": url(endpoints.jwks),
        "revocation_endpoint": url(endpoints.revocation),
        "introspection_endpoint": url(endpoints.introspection),
        "end_session_endpoint": url(endpoints.end_session),
        "scopes_supported": Scope::ALL.map(Scope::as_str),
        "response_types_supported": response_type::SUPPORTED,
        "response_modes_supported": ["query", "fragment", "form_post"],
        "grant_types_supported": grant_types,
        "subject_types_supported": ["public", "pairwise"],
        "id_token_signing_alg_values_supported": IdTokenAlg::ALL.map(IdTokenAlg::as_str),
        "token_endpoint_auth_methods_supported": auth_methods,
        "revocation_endpoint_auth_methods_supported": &auth_methods[..2],
        "introspection_endpoint_auth_methods_supported": &auth_methods[..2],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": claims_supported(),
        "claims_parameter_supported": true,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "authorization_response_iss_parameter_supported": true,
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
    });
    if let Some(path) = endpoints.registration {
        document["registration_endpoint"] = json!(url(path));
    }
    document
}
