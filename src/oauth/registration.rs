//! Client registration (RFC 7591 metadata, OpenID Connect Registration names): one place
//! that turns requested metadata into a valid client, used by the command line, the
//! developer portal and the `/register` endpoint alike.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::clock::UnixTime;
use crate::crypto::random_token;
use crate::domain::records::Client;
use crate::domain::{
    ClientId, GrantType, IdTokenAlg, RedirectUri, SignatureMethod, TokenEndpointAuthMethod,
};

/// Requested client metadata. Absent fields take vzconnect's defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ClientMetadata {
    pub client_name: Option<String>,
    pub redirect_uris: Vec<String>,
    pub grant_types: Vec<String>,
    pub token_endpoint_auth_method: Option<String>,
    pub id_token_signed_response_alg: Option<String>,
    /// vzconnect's own: `hmac-sha256` (default) or `hmac-sha1`.
    pub signature_method: Option<String>,
    pub subject_type: Option<String>,
    /// vzconnect's own: the pairwise sector (default: the redirect URIs' shared host).
    pub sector_identifier: Option<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub backchannel_logout_uri: Option<String>,
    pub client_uri: Option<String>,
    pub logo_uri: Option<String>,
    /// vzconnect's own: a sentence about the site for the consent page.
    pub description: Option<String>,
}

/// Why metadata was refused: RFC 7591 §3.2.2's code and the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationError {
    /// `invalid_redirect_uri` or `invalid_client_metadata`.
    pub code: &'static str,
    pub field: &'static str,
    pub message: String,
}

impl RegistrationError {
    fn metadata(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            code: "invalid_client_metadata",
            field,
            message: message.into(),
        }
    }
    fn redirect(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            code: "invalid_redirect_uri",
            field,
            message: message.into(),
        }
    }
}

fn uris(
    field: &'static str,
    values: &[String],
    code_redirect: bool,
) -> Result<Vec<RedirectUri>, RegistrationError> {
    values
        .iter()
        .map(|u| {
            RedirectUri::parse(u).map_err(|e| {
                if code_redirect {
                    RegistrationError::redirect(field, e)
                } else {
                    RegistrationError::metadata(field, e)
                }
            })
        })
        .collect()
}

fn optional_url(
    field: &'static str,
    value: Option<String>,
) -> Result<Option<String>, RegistrationError> {
    match value.filter(|v| !v.trim().is_empty()) {
        None => Ok(None),
        Some(v) => match url::Url::parse(&v) {
            Ok(u) if matches!(u.scheme(), "https" | "http") => Ok(Some(v)),
            _ => Err(RegistrationError::metadata(
                field,
                format!("'{v}' is not an http(s) URL"),
            )),
        },
    }
}

impl ClientMetadata {
    /// Validates the metadata into a client with a fresh secret (`None` for public
    /// clients). The secret is returned in plain text once and must be sealed to be stored.
    pub fn into_client(
        self,
        client_id: Option<ClientId>,
        now: UnixTime,
    ) -> Result<(Client, Option<String>), RegistrationError> {
        let name = self.client_name.unwrap_or_default().trim().to_string();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(RegistrationError::metadata(
                "client_name",
                "must be 1 to 100 characters",
            ));
        }
        let redirect_uris = uris("redirect_uris", &self.redirect_uris, true)?;
        let mut grant_types = if self.grant_types.is_empty() {
            vec![GrantType::AuthorizationCode, GrantType::RefreshToken]
        } else {
            self.grant_types
                .iter()
                .map(|g| {
                    g.parse()
                        .map_err(|e: String| RegistrationError::metadata("grant_types", e))
                })
                .collect::<Result<Vec<_>, _>>()?
        };
        grant_types.sort();
        grant_types.dedup();
        let redirects = grant_types
            .iter()
            .any(|g| matches!(g, GrantType::AuthorizationCode | GrantType::Implicit));
        if redirects && redirect_uris.is_empty() {
            return Err(RegistrationError::redirect(
                "redirect_uris",
                "required for the authorization_code and implicit grants",
            ));
        }
        let auth_method: TokenEndpointAuthMethod = match self.token_endpoint_auth_method.as_deref()
        {
            None => TokenEndpointAuthMethod::ClientSecretBasic,
            Some(m) => m.parse().map_err(|e: String| {
                RegistrationError::metadata("token_endpoint_auth_method", e)
            })?,
        };
        let public = auth_method == TokenEndpointAuthMethod::None;
        if public && grant_types.contains(&GrantType::ClientCredentials) {
            return Err(RegistrationError::metadata(
                "grant_types",
                "a public client cannot use client_credentials",
            ));
        }
        let signature_method: SignatureMethod = match self.signature_method.as_deref() {
            None => SignatureMethod::HmacSha256,
            Some(m) => m
                .parse()
                .map_err(|e: String| RegistrationError::metadata("signature_method", e))?,
        };
        let id_token_alg: IdTokenAlg = match self.id_token_signed_response_alg.as_deref() {
            None => IdTokenAlg::RS256,
            Some(a) => a.parse().map_err(|e: String| {
                RegistrationError::metadata("id_token_signed_response_alg", e)
            })?,
        };
        if public && id_token_alg == IdTokenAlg::HS256 {
            return Err(RegistrationError::metadata(
                "id_token_signed_response_alg",
                "HS256 needs a client secret",
            ));
        }
        let sector_identifier = match self.subject_type.as_deref() {
            None | Some("public") if self.sector_identifier.is_some() => {
                return Err(RegistrationError::metadata(
                    "sector_identifier",
                    "goes with subject_type pairwise",
                ))
            }
            None | Some("public") => None,
            Some("pairwise") => Some(sector(self.sector_identifier, &redirect_uris)?),
            Some(other) => {
                return Err(RegistrationError::metadata(
                    "subject_type",
                    format!("'{other}' (public or pairwise)"),
                ))
            }
        };
        let client_id = match client_id {
            Some(id) => id,
            None => ClientId::parse(&random_token(16))
                .map_err(|e| RegistrationError::metadata("client_id", e))?,
        };
        let client = Client {
            client_id,
            name,
            redirect_uris,
            grant_types,
            auth_method,
            signature_method,
            id_token_alg,
            post_logout_redirect_uris: uris(
                "post_logout_redirect_uris",
                &self.post_logout_redirect_uris,
                false,
            )?,
            backchannel_logout_uri: self
                .backchannel_logout_uri
                .as_deref()
                .map(|u| {
                    RedirectUri::parse(u)
                        .map_err(|e| RegistrationError::metadata("backchannel_logout_uri", e))
                })
                .transpose()?,
            sector_identifier,
            owner: None,
            description: self
                .description
                .map(|d| d.trim().chars().take(300).collect())
                .filter(|d: &String| !d.is_empty()),
            client_uri: optional_url("client_uri", self.client_uri)?,
            logo_uri: optional_url("logo_uri", self.logo_uri)?,
            registration_token_hash: None,
            sealed_secret: None,
            created_at: now,
        };
        let secret = (!public).then(|| random_token(32));
        Ok((client, secret))
    }
}

/// The pairwise sector: given, or the one host all redirect URIs share.
fn sector(
    given: Option<String>,
    redirect_uris: &[RedirectUri],
) -> Result<String, RegistrationError> {
    if let Some(sector) = given
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
    {
        return Ok(sector);
    }
    let hosts: Vec<String> = redirect_uris
        .iter()
        .filter_map(|u| {
            url::Url::parse(u.as_str())
                .ok()?
                .host_str()
                .map(str::to_string)
        })
        .collect();
    match hosts.split_first() {
        Some((first, rest)) if rest.iter().all(|h| h == first) => Ok(first.clone()),
        _ => Err(RegistrationError::metadata(
            "sector_identifier",
            "the redirect URIs have different hosts, so name the sector",
        )),
    }
}

/// A client's registration as RFC 7591 writes it (never the secret: callers add it once).
pub fn metadata_json(client: &Client) -> Value {
    let mut value = json!({
        "client_id": client.client_id.as_str(),
        "client_name": client.name,
        "redirect_uris": client.redirect_uris.iter().map(RedirectUri::as_str).collect::<Vec<_>>(),
        "grant_types": client.grant_types.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
        "token_endpoint_auth_method": client.auth_method.as_str(),
        "id_token_signed_response_alg": client.id_token_alg.as_str(),
        "signature_method": client.signature_method.as_str(),
        "subject_type": if client.sector_identifier.is_some() { "pairwise" } else { "public" },
        "post_logout_redirect_uris": client.post_logout_redirect_uris.iter().map(RedirectUri::as_str).collect::<Vec<_>>(),
        "client_id_issued_at": client.created_at,
    });
    let optional = [
        (
            "backchannel_logout_uri",
            client
                .backchannel_logout_uri
                .as_ref()
                .map(|u| u.as_str().to_string()),
        ),
        ("sector_identifier", client.sector_identifier.clone()),
        ("client_uri", client.client_uri.clone()),
        ("logo_uri", client.logo_uri.clone()),
        ("description", client.description.clone()),
    ];
    for (name, v) in optional {
        if let Some(v) = v {
            value[name] = json!(v);
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(json: Value) -> ClientMetadata {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn defaults_and_errors_name_the_field() {
        let (client, secret) =
            meta(json!({"client_name": "Site", "redirect_uris": ["https://s.example/cb"]}))
                .into_client(None, 1)
                .unwrap();
        assert_eq!(
            client.grant_types,
            vec![GrantType::AuthorizationCode, GrantType::RefreshToken]
        );
        assert!(secret.is_some_and(|s| s.len() >= 43));
        let bad = meta(json!({"client_name": "S", "redirect_uris": ["http://s.example/cb"]}))
            .into_client(None, 1)
            .unwrap_err();
        assert_eq!(
            (bad.code, bad.field),
            ("invalid_redirect_uri", "redirect_uris")
        );
        let bad = meta(json!({"client_name": "S", "redirect_uris": ["https://s.example/cb"], "grant_types": ["password"]})).into_client(None, 1).unwrap_err();
        assert_eq!(
            (bad.code, bad.field),
            ("invalid_client_metadata", "grant_types")
        );
        let public = meta(json!({"client_name": "App", "redirect_uris": ["com.example.app:/cb"], "token_endpoint_auth_method": "none"})).into_client(None, 1).unwrap();
        assert_eq!(public.1, None);
    }
}
