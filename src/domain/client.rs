//! What a registered client is allowed to do (RFC 6749 §2, RFC 7591 names).

use std::fmt;
use std::str::FromStr;

/// A client identifier: opaque, 1–128 visible ASCII characters (RFC 6749 §2.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientId(String);

impl ClientId {
    /// Accepts any identifier a client might present; the store decides whether it exists.
    pub fn parse(value: &str) -> Result<Self, String> {
        if value.is_empty() || value.len() > 128 {
            return Err("client_id must be 1 to 128 characters".into());
        }
        if !value.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("client_id must be visible ASCII characters".into());
        }
        Ok(Self(value.to_string()))
    }

    /// A new random identifier (128 bits, URL-safe) that starts with a letter or digit, so
    /// it can be given to the command line as it is (`client verify <id>`): one starting with
    /// `-` would be read as a flag.
    pub fn generate() -> Self {
        loop {
            let id = crate::crypto::random_token(16);
            if id.starts_with(|c: char| c.is_ascii_alphanumeric()) {
                return Self(id);
            }
        }
    }

    /// The identifier as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The grant types a client may be registered for (RFC 7591 §2 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GrantType {
    AuthorizationCode,
    RefreshToken,
    ClientCredentials,
    /// The user-agent flow (`response_type=token`).
    Implicit,
}

impl GrantType {
    /// The registration name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AuthorizationCode => "authorization_code",
            Self::RefreshToken => "refresh_token",
            Self::ClientCredentials => "client_credentials",
            Self::Implicit => "implicit",
        }
    }
}

impl FromStr for GrantType {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "authorization_code" => Ok(Self::AuthorizationCode),
            "refresh_token" => Ok(Self::RefreshToken),
            "client_credentials" => Ok(Self::ClientCredentials),
            "implicit" => Ok(Self::Implicit),
            other => Err(format!(
                "unknown grant type '{other}' (expected authorization_code, refresh_token, client_credentials or implicit)"
            )),
        }
    }
}

/// How a client authenticates at the token endpoint (RFC 7591 §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenEndpointAuthMethod {
    ClientSecretBasic,
    ClientSecretPost,
    /// A public client: no secret, PKCE instead.
    None,
}

impl TokenEndpointAuthMethod {
    /// The registration name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::None => "none",
        }
    }
}

impl FromStr for TokenEndpointAuthMethod {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "client_secret_basic" => Ok(Self::ClientSecretBasic),
            "client_secret_post" => Ok(Self::ClientSecretPost),
            "none" => Ok(Self::None),
            other => Err(format!("unknown token endpoint auth method '{other}'")),
        }
    }
}

/// How a client's id_tokens are signed (OpenID Connect Registration
/// `id_token_signed_response_alg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum IdTokenAlg {
    /// RSA PKCS#1 v1.5 with SHA-256: what every OpenID Connect library accepts.
    #[default]
    RS256,
    /// ECDSA P-256 with SHA-256: smaller and much faster to sign.
    ES256,
    /// HMAC-SHA256 keyed by the client secret (confidential clients only).
    HS256,
}

impl IdTokenAlg {
    /// Every algorithm, as discovery lists them.
    pub const ALL: [IdTokenAlg; 3] = [IdTokenAlg::RS256, IdTokenAlg::ES256, IdTokenAlg::HS256];

    /// The JOSE name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RS256 => "RS256",
            Self::ES256 => "ES256",
            Self::HS256 => "HS256",
        }
    }
}

impl FromStr for IdTokenAlg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("unknown id_token algorithm '{s}' (expected RS256, ES256 or HS256)")
            })
    }
}

/// Which HMAC signs a client's VZ Connect token responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureMethod {
    /// The default: HMAC-SHA256 over four fields, `expires_in` included.
    #[default]
    HmacSha256,
    /// VZ's own: HMAC-SHA1 over three fields, no `expires_in` in the response.
    HmacSha1,
}

impl SignatureMethod {
    /// The registration name (`hmac-sha256`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HmacSha256 => "hmac-sha256",
            Self::HmacSha1 => "hmac-sha1",
        }
    }

    /// The name in a token response's `signature_method` (`HMAC-SHA256`).
    pub fn wire_name(self) -> &'static str {
        match self {
            Self::HmacSha256 => "HMAC-SHA256",
            Self::HmacSha1 => "HMAC-SHA1",
        }
    }
}

impl FromStr for SignatureMethod {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "hmac-sha256" => Ok(Self::HmacSha256),
            "hmac-sha1" => Ok(Self::HmacSha1),
            other => Err(format!(
                "unknown signature method '{other}' (expected hmac-sha256 or hmac-sha1)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_never_look_like_a_flag() {
        for _ in 0..2000 {
            let id = ClientId::generate();
            assert!(
                id.as_str().starts_with(|c: char| c.is_ascii_alphanumeric()),
                "{id}"
            );
            assert_eq!(ClientId::parse(id.as_str()), Ok(id));
        }
    }
}
