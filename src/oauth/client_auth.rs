//! Client authentication at the token, revocation and introspection endpoints
//! (RFC 6749 §2.3.1): `client_secret_basic` with form-decoded credentials,
//! `client_secret_post`, and `none` for public clients.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::{OAuthError, Params};
use crate::crypto::{constant_time_eq, SecretKey};
use crate::domain::records::Client;

/// The credentials a request presented, before the client is looked up.
#[derive(Clone, PartialEq, Eq)]
pub struct PresentedCredentials {
    pub client_id: String,
    pub secret: Option<String>,
    /// Whether they came in the `Authorization: Basic` header.
    pub via_basic: bool,
}

impl std::fmt::Debug for PresentedCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PresentedCredentials")
            .field("client_id", &self.client_id)
            .field("secret", &self.secret.as_ref().map(|_| "…"))
            .finish()
    }
}

/// Reads the client's credentials from the `Authorization` header or the body. Using both
/// methods at once is `invalid_request` (RFC 6749 §2.3).
pub fn presented(
    authorization: Option<&str>,
    params: &Params,
) -> Result<PresentedCredentials, OAuthError> {
    let body_id = params.get("client_id")?;
    let body_secret = params.get("client_secret")?;
    let basic = authorization
        .and_then(|h| h.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"));
    if let Some((_, encoded)) = basic {
        if body_secret.is_some() {
            return Err(OAuthError::invalid_request(
                "use one client authentication method, not Basic and client_secret together",
            ));
        }
        let (id, secret) = decode_basic(encoded.trim())?;
        if body_id.is_some_and(|b| b != id) {
            return Err(OAuthError::invalid_request(
                "client_id in the body differs from the Basic credentials",
            ));
        }
        return Ok(PresentedCredentials {
            client_id: id,
            secret: Some(secret),
            via_basic: true,
        });
    }
    match body_id {
        Some(id) => Ok(PresentedCredentials {
            client_id: id.to_string(),
            secret: body_secret.map(str::to_string),
            via_basic: false,
        }),
        None => Err(OAuthError::invalid_client(
            "client authentication is required (Basic or client_id/client_secret)",
        )),
    }
}

/// Decodes Basic credentials, each part form-decoded as RFC 6749 §2.3.1 requires.
fn decode_basic(encoded: &str) -> Result<(String, String), OAuthError> {
    let bad = || OAuthError::invalid_client("malformed Basic credentials");
    let bytes = STANDARD.decode(encoded).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (id, secret) = text.split_once(':').ok_or_else(bad)?;
    let decode = |s: &str| -> String {
        url::form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Ok((decode(id), decode(secret)))
}

/// Checks presented credentials against the registered client; returns the client secret
/// in plain text (it keys the VZ signature), or `None` for a public client.
pub fn authenticate(
    client: Option<&Client>,
    presented: &PresentedCredentials,
    key: &SecretKey,
) -> Result<Option<String>, OAuthError> {
    let unknown = || OAuthError::invalid_client("unknown client or wrong client secret");
    let client = client.ok_or_else(unknown)?;
    match (&client.sealed_secret, &presented.secret) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(OAuthError::invalid_client(
            "this is a public client: send client_id without a secret",
        )),
        (Some(_), None) => Err(OAuthError::invalid_client(
            "this client must authenticate with its client secret",
        )),
        (Some(_), Some(given)) => {
            let stored = client.secret(key).ok_or_else(OAuthError::server_error)?;
            if constant_time_eq(stored.as_bytes(), given.as_bytes()) {
                Ok(Some(stored))
            } else {
                Err(unknown())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(id: &str, secret: &str) -> String {
        format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
    }

    #[test]
    fn basic_credentials_are_form_decoded() {
        let header = basic("my%20client", "a%2Bb+c");
        let creds = presented(Some(&header), &Params::default()).unwrap();
        assert_eq!(creds.client_id, "my client");
        assert_eq!(creds.secret.as_deref(), Some("a+b c"));
        assert!(creds.via_basic);
    }

    #[test]
    fn post_credentials_and_public_clients() {
        let creds = presented(None, &Params::parse("client_id=c&client_secret=s")).unwrap();
        assert_eq!(creds.secret.as_deref(), Some("s"));
        let public = presented(None, &Params::parse("client_id=c")).unwrap();
        assert_eq!(public.secret, None);
    }

    #[test]
    fn two_methods_or_none_are_refused() {
        let header = basic("c", "s");
        let both = presented(Some(&header), &Params::parse("client_secret=s")).unwrap_err();
        assert_eq!(both.code, super::super::ErrorCode::InvalidRequest);
        let none = presented(None, &Params::default()).unwrap_err();
        assert_eq!(none.code, super::super::ErrorCode::InvalidClient);
        assert!(presented(Some("Basic !!!"), &Params::default()).is_err());
    }
}
