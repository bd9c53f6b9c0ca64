//! Client registration (RFC 7591 metadata, OpenID Connect Registration names): one place
//! that turns requested metadata into a valid client, used by the command line, the
//! developer portal and the `/register` endpoint alike.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::clock::UnixTime;
use crate::crypto::random_token;
use crate::domain::outbound::OutboundRules;
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
    /// OpenID Connect Registration §2: an https URL whose JSON array lists every redirect
    /// URI; its host is the pairwise sector (default: the one host of the redirect URIs).
    pub sector_identifier_uri: Option<String>,
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

/// Validated metadata, waiting only for the sector identifier document if one was named.
#[derive(Debug)]
pub struct Registration {
    /// The client; for a pairwise client with a `sector_identifier_uri`, its sector is set by
    /// [`Registration::with_sector_document`].
    pub client: Client,
    /// The new secret in plain text (`None` for public clients), to be shown once and sealed.
    pub secret: Option<String>,
    /// The `sector_identifier_uri` to fetch (with the outbound policy) before storing.
    pub sector_document: Option<url::Url>,
}

impl Registration {
    /// The client and secret, when no document has to be fetched.
    pub fn ready(self) -> Option<(Client, Option<String>)> {
        self.sector_document
            .is_none()
            .then_some((self.client, self.secret))
    }

    /// Completes a pairwise registration with the fetched sector identifier document
    /// (OpenID Connect Core §8.1): a JSON array that must contain every registered redirect
    /// URI; the sector is the document URL's host.
    pub fn with_sector_document(
        mut self,
        document: &Value,
    ) -> Result<(Client, Option<String>), RegistrationError> {
        let refused = |m: String| RegistrationError::metadata("sector_identifier_uri", m);
        let Some(url) = self.sector_document.take() else {
            return Ok((self.client, self.secret));
        };
        let listed: Vec<&str> = document
            .as_array()
            .ok_or_else(|| refused(format!("{url} must answer a JSON array of redirect URIs")))?
            .iter()
            .filter_map(Value::as_str)
            .collect();
        if let Some(missing) = self
            .client
            .redirect_uris
            .iter()
            .find(|u| !listed.contains(&u.as_str()))
        {
            return Err(refused(format!(
                "{url} does not list the redirect URI {}",
                missing.as_str()
            )));
        }
        let host = url
            .host_str()
            .ok_or_else(|| refused(format!("{url} has no host")))?;
        self.client.sector_identifier = Some(host.to_ascii_lowercase());
        Ok((self.client, self.secret))
    }
}

impl ClientMetadata {
    /// Validates the metadata into a client with a fresh secret (`None` for public
    /// clients). URLs the server will send requests to are checked against `outbound`.
    pub fn into_registration(
        self,
        client_id: Option<ClientId>,
        now: UnixTime,
        outbound: OutboundRules,
    ) -> Result<Registration, RegistrationError> {
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
        let sector_uri = self
            .sector_identifier_uri
            .filter(|u| !u.trim().is_empty())
            .map(|u| {
                outbound
                    .check_url(u.trim())
                    .map_err(|e| RegistrationError::metadata("sector_identifier_uri", e))
            })
            .transpose()?;
        let (sector_identifier, sector_document) = match self.subject_type.as_deref() {
            None | Some("public") if sector_uri.is_some() => {
                return Err(RegistrationError::metadata(
                    "sector_identifier_uri",
                    "goes with subject_type pairwise",
                ))
            }
            None | Some("public") => (None, None),
            Some("pairwise") => match sector_uri {
                Some(url) => (None, Some(url)),
                None => (Some(redirect_host(&redirect_uris)?), None),
            },
            Some(other) => {
                return Err(RegistrationError::metadata(
                    "subject_type",
                    format!("'{other}' (public or pairwise)"),
                ))
            }
        };
        let client_id = match client_id {
            Some(id) => id,
            None => ClientId::generate(),
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
                .filter(|u| !u.trim().is_empty())
                .map(|u| {
                    outbound
                        .check_url(u)
                        .and_then(|_| RedirectUri::parse(u))
                        .map_err(|e| RegistrationError::metadata("backchannel_logout_uri", e))
                })
                .transpose()?,
            sector_identifier,
            sector_identifier_uri: sector_document.as_ref().map(|u| u.as_str().to_string()),
            // Registered by someone other than the operator until `client verify`.
            verified: false,
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
        Ok(Registration {
            client,
            secret,
            sector_document,
        })
    }
}

/// The pairwise sector without a sector identifier document: the one host all redirect URIs
/// share (OpenID Connect Core §8.1).
fn redirect_host(redirect_uris: &[RedirectUri]) -> Result<String, RegistrationError> {
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
        Some((first, rest)) if hosts.len() == redirect_uris.len() && rest.iter().all(|h| h == first) => {
            Ok(first.to_ascii_lowercase())
        }
        _ => Err(RegistrationError::metadata(
            "sector_identifier_uri",
            "the redirect URIs do not share one host, so a pairwise client must register a sector_identifier_uri listing them",
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
        (
            "sector_identifier_uri",
            client.sector_identifier_uri.clone(),
        ),
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

    impl ClientMetadata {
        fn into_client(
            self,
            id: Option<ClientId>,
            now: UnixTime,
        ) -> Result<(Client, Option<String>), RegistrationError> {
            self.into_registration(id, now, OutboundRules::Strict)
                .map(|r| r.ready().expect("no document to fetch"))
        }
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

    #[test]
    fn a_sector_document_must_list_every_redirect_uri() {
        let two = json!({"client_name": "Two", "subject_type": "pairwise",
            "redirect_uris": ["https://a.example/cb", "https://b.example/cb"]});
        let refused = meta(two.clone()).into_registration(None, 1, OutboundRules::Strict);
        assert_eq!(refused.unwrap_err().field, "sector_identifier_uri");
        let mut with_document = two;
        with_document["sector_identifier_uri"] = json!("https://sector.example/uris.json");
        let pending = || {
            meta(with_document.clone())
                .into_registration(None, 1, OutboundRules::Strict)
                .unwrap()
        };
        assert_eq!(
            pending().sector_document.unwrap().as_str(),
            "https://sector.example/uris.json"
        );
        let (client, _) = pending()
            .with_sector_document(&json!(["https://b.example/cb", "https://a.example/cb"]))
            .unwrap();
        assert_eq!(client.sector_identifier.as_deref(), Some("sector.example"));
        for bad in [
            json!(["https://a.example/cb"]),
            json!({"uris": []}),
            json!("x"),
        ] {
            let error = pending().with_sector_document(&bad).unwrap_err();
            assert_eq!(error.field, "sector_identifier_uri", "{bad}");
        }
        let one = meta(json!({"client_name": "One", "subject_type": "pairwise",
            "redirect_uris": ["https://Shop.example/cb", "https://shop.example/other"]}))
        .into_client(None, 1)
        .unwrap()
        .0;
        assert_eq!(one.sector_identifier.as_deref(), Some("shop.example"));
    }
}
