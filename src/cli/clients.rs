//! `vzconnect client add|list`.

use clap::{Args, Subcommand};
use serde_json::json;

use super::{CliError, Globals, JsonFlag};
use crate::clock::{Clock, SystemClock};
use crate::crypto::{random_token, SecretKey};
use crate::domain::records::Client;
use crate::domain::{
    ClientId, GrantType, IdTokenAlg, RedirectUri, SignatureMethod, TokenEndpointAuthMethod,
};
use crate::store::Store;

/// `vzconnect client …`.
#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Register a client.
    Add(Box<ClientAdd>),
    /// List clients.
    List(JsonFlag),
}

/// `vzconnect client add`.
#[derive(Debug, Args)]
pub struct ClientAdd {
    /// The site's name, shown on the consent page.
    #[arg(long, env = "VZCONNECT_NAME")]
    name: String,
    /// A redirect URI (repeat for several); matched exactly.
    #[arg(
        long = "redirect-uri",
        env = "VZCONNECT_REDIRECT_URI",
        value_delimiter = ' '
    )]
    redirect_uris: Vec<String>,
    /// A public client (no secret, PKCE required).
    #[arg(long, env = "VZCONNECT_PUBLIC")]
    public: bool,
    /// A grant type (repeat for several; default authorization_code and refresh_token).
    #[arg(
        long = "grant-type",
        env = "VZCONNECT_GRANT_TYPE",
        value_delimiter = ' '
    )]
    grant_types: Vec<String>,
    /// HMAC of the VZ signature: hmac-sha256 (default) or hmac-sha1 (VZ compatibility).
    #[arg(
        long,
        env = "VZCONNECT_SIGNATURE_METHOD",
        default_value = "hmac-sha256"
    )]
    signature_method: String,
    /// How id_tokens are signed: RS256 (default), ES256, or HS256 with the client secret.
    #[arg(long, env = "VZCONNECT_ID_TOKEN_ALG", default_value = "RS256")]
    id_token_alg: String,
    /// Where the browser may go after logout (repeat for several); matched exactly.
    #[arg(
        long = "post-logout-redirect-uri",
        env = "VZCONNECT_POST_LOGOUT_REDIRECT_URI",
        value_delimiter = ' '
    )]
    post_logout_redirect_uris: Vec<String>,
    /// Where logout tokens are POSTed when a session ends (OpenID Connect Back-Channel Logout).
    #[arg(long, env = "VZCONNECT_BACKCHANNEL_LOGOUT_URI")]
    backchannel_logout_uri: Option<String>,
    /// Subject identifiers: public (default, the same for every client) or pairwise.
    #[arg(long, env = "VZCONNECT_SUBJECT_TYPE", default_value = "public")]
    subject_type: String,
    /// The pairwise sector (default: the redirect URIs' host, which must then be the same).
    #[arg(long, env = "VZCONNECT_SECTOR_IDENTIFIER")]
    sector_identifier: Option<String>,
    #[command(flatten)]
    json: JsonFlag,
}

/// What to register; validated by [`ClientSpec::build`].
pub(super) struct ClientSpec {
    pub client_id: Option<String>,
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub public: bool,
    pub grant_types: Vec<String>,
    pub signature_method: String,
    pub id_token_alg: String,
    pub post_logout_redirect_uris: Vec<String>,
    pub backchannel_logout_uri: Option<String>,
    pub subject_type: String,
    pub sector_identifier: Option<String>,
}

impl ClientSpec {
    /// Validates the spec and mints the id and secret; nothing is stored yet.
    /// Nothing is sealed or stored yet, so bad input fails before the database is opened.
    pub(super) fn build(self) -> Result<(Client, Option<String>), CliError> {
        let usage = CliError::Usage;
        let name = self.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(usage("--name must be 1 to 100 characters".into()));
        }
        let redirect_uris = self
            .redirect_uris
            .iter()
            .map(|u| RedirectUri::parse(u).map_err(|e| usage(format!("--redirect-uri: {e}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let mut grant_types = if self.grant_types.is_empty() {
            vec![GrantType::AuthorizationCode, GrantType::RefreshToken]
        } else {
            self.grant_types
                .iter()
                .map(|g| g.parse().map_err(|e| usage(format!("--grant-type: {e}"))))
                .collect::<Result<Vec<_>, _>>()?
        };
        grant_types.sort();
        grant_types.dedup();
        let redirects = grant_types
            .iter()
            .any(|g| matches!(g, GrantType::AuthorizationCode | GrantType::Implicit));
        if redirects && redirect_uris.is_empty() {
            return Err(usage(
                "--redirect-uri is required for the authorization_code and implicit grants".into(),
            ));
        }
        if self.public && grant_types.contains(&GrantType::ClientCredentials) {
            return Err(usage(
                "a --public client cannot use the client_credentials grant".into(),
            ));
        }
        let signature_method: SignatureMethod = self
            .signature_method
            .parse()
            .map_err(|e| usage(format!("--signature-method: {e}")))?;
        let id_token_alg: IdTokenAlg = self
            .id_token_alg
            .parse()
            .map_err(|e| usage(format!("--id-token-alg: {e}")))?;
        if self.public && id_token_alg == IdTokenAlg::HS256 {
            return Err(usage(
                "--id-token-alg HS256 needs a client secret, so not with --public".into(),
            ));
        }
        let post_logout_redirect_uris = self
            .post_logout_redirect_uris
            .iter()
            .map(|u| {
                RedirectUri::parse(u).map_err(|e| usage(format!("--post-logout-redirect-uri: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let backchannel_logout_uri = self
            .backchannel_logout_uri
            .as_deref()
            .map(|u| {
                RedirectUri::parse(u).map_err(|e| usage(format!("--backchannel-logout-uri: {e}")))
            })
            .transpose()?;
        let sector_identifier = match self.subject_type.as_str() {
            "public" if self.sector_identifier.is_some() => {
                return Err(usage(
                    "--sector-identifier goes with --subject-type pairwise".into(),
                ))
            }
            "public" => None,
            "pairwise" => Some(sector(self.sector_identifier, &redirect_uris)?),
            other => {
                return Err(usage(format!(
                    "--subject-type: '{other}' (expected public or pairwise)"
                )))
            }
        };
        let client_id = match self.client_id {
            Some(id) => ClientId::parse(&id).map_err(usage)?,
            None => ClientId::parse(&random_token(16)).map_err(usage)?,
        };
        let secret = (!self.public).then(|| random_token(32));
        let auth_method = if self.public {
            TokenEndpointAuthMethod::None
        } else {
            TokenEndpointAuthMethod::ClientSecretBasic
        };
        let client = Client {
            client_id,
            name,
            redirect_uris,
            grant_types,
            auth_method,
            signature_method,
            id_token_alg,
            post_logout_redirect_uris,
            backchannel_logout_uri,
            sector_identifier,
            sealed_secret: None,
            created_at: SystemClock.now(),
        };
        Ok((client, secret))
    }
}

/// The pairwise sector: given, or the one host all redirect URIs share (OpenID Connect Core
/// §8.1 without a sector_identifier_uri document).
fn sector(given: Option<String>, redirect_uris: &[RedirectUri]) -> Result<String, CliError> {
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
        _ => Err(CliError::Usage(
            "--subject-type pairwise: the redirect URIs have different hosts, so name the sector with --sector-identifier".into(),
        )),
    }
}

/// Encrypts the client's secret with the server key, bound to the client id.
pub(super) fn seal_secret(client: &mut Client, secret: Option<&str>, key: &SecretKey) {
    client.sealed_secret =
        secret.map(|s| key.seal(client.client_id.as_str().as_bytes(), s.as_bytes()));
}

/// The client as JSON (RFC 7591 names), with the secret when it was just issued.
pub(super) fn client_json(client: &Client, secret: Option<&str>) -> serde_json::Value {
    let mut value = json!({
        "client_id": client.client_id.as_str(),
        "client_name": client.name,
        "redirect_uris": client.redirect_uris.iter().map(|u| u.as_str()).collect::<Vec<_>>(),
        "grant_types": client.grant_types.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
        "token_endpoint_auth_method": client.auth_method.as_str(),
        "signature_method": client.signature_method.as_str(),
        "id_token_signed_response_alg": client.id_token_alg.as_str(),
        "subject_type": if client.sector_identifier.is_some() { "pairwise" } else { "public" },
        "post_logout_redirect_uris": client.post_logout_redirect_uris.iter().map(|u| u.as_str()).collect::<Vec<_>>(),
    });
    if let Some(uri) = &client.backchannel_logout_uri {
        value["backchannel_logout_uri"] = json!(uri.as_str());
    }
    if let Some(sector) = &client.sector_identifier {
        value["sector_identifier"] = json!(sector);
    }
    if let Some(secret) = secret {
        value["client_secret"] = json!(secret);
    }
    value
}

pub(super) async fn run(globals: &Globals, command: ClientCommand) -> Result<(), CliError> {
    match command {
        ClientCommand::Add(args) => {
            let spec = ClientSpec {
                client_id: None,
                name: args.name,
                redirect_uris: args.redirect_uris,
                public: args.public,
                grant_types: args.grant_types,
                signature_method: args.signature_method,
                id_token_alg: args.id_token_alg,
                post_logout_redirect_uris: args.post_logout_redirect_uris,
                backchannel_logout_uri: args.backchannel_logout_uri,
                subject_type: args.subject_type,
                sector_identifier: args.sector_identifier,
            };
            let (mut client, secret) = spec.build()?;
            let (store, key) = globals.open()?;
            seal_secret(&mut client, secret.as_deref(), &key);
            store.create_client(client.clone()).await?;
            if args.json.json {
                println!("{}", client_json(&client, secret.as_deref()));
            } else {
                println!("client_id:     {}", client.client_id);
                match &secret {
                    Some(secret) => println!("client_secret: {secret}"),
                    None => println!("client_secret: (none: public client, use PKCE)"),
                }
            }
            Ok(())
        }
        ClientCommand::List(json) => {
            let (store, _) = globals.open()?;
            let clients = store.list_clients()?;
            if json.json {
                let list: Vec<_> = clients.iter().map(|c| client_json(c, None)).collect();
                println!("{}", serde_json::Value::Array(list));
                return Ok(());
            }
            println!(
                "{:<24} {:<24} {:<12} {:<40} REDIRECT URIS",
                "CLIENT ID", "NAME", "TYPE", "GRANTS"
            );
            for c in clients {
                let kind = if c.is_public() {
                    "public"
                } else {
                    "confidential"
                };
                let grants: Vec<_> = c.grant_types.iter().map(|g| g.as_str()).collect();
                let uris: Vec<_> = c.redirect_uris.iter().map(|u| u.as_str()).collect();
                println!(
                    "{:<24} {:<24} {:<12} {:<40} {}",
                    c.client_id,
                    c.name,
                    kind,
                    grants.join(","),
                    uris.join(" ")
                );
            }
            Ok(())
        }
    }
}
