//! `vzconnect client add|list|verify`. Clients added here are registered by the operator
//! and count as verified; `client verify` marks a client registered by someone else as
//! reviewed.

use clap::{Args, Subcommand};
use serde_json::json;

use super::{Access, CliError, Globals, JsonFlag};
use crate::clock::{Clock, SystemClock};
use crate::domain::audit::AuditKind;
use crate::domain::outbound::OutboundRules;
use crate::domain::records::Client;
use crate::domain::ClientId;
use crate::oauth::registration::{metadata_json, ClientMetadata, Registration, RegistrationError};
use crate::outbound::Outbound;
use crate::store::Store;
use crate::web::complete_registration;

/// `vzconnect client …`.
#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Register a client.
    Add(Box<ClientAdd>),
    /// List clients.
    List(JsonFlag),
    /// Mark a client registered in the portal or at /register as reviewed by the operator.
    Verify(ClientVerify),
}

/// `vzconnect client verify`.
#[derive(Debug, Args)]
pub struct ClientVerify {
    /// The client's id.
    client_id: String,
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
    /// For pairwise subjects when the redirect URIs have several hosts: an https URL whose
    /// JSON array lists every redirect URI; its host is the sector.
    #[arg(long, env = "VZCONNECT_SECTOR_IDENTIFIER_URI")]
    sector_identifier_uri: Option<String>,
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
    pub sector_identifier_uri: Option<String>,
}

impl ClientSpec {
    /// Validates the spec and mints the id and secret; fetches the sector identifier
    /// document if one is named. Nothing is sealed or stored yet, so bad input fails before
    /// the database is opened.
    pub(super) async fn build(
        self,
        rules: OutboundRules,
    ) -> Result<(Client, Option<String>), CliError> {
        let registration = self.validate(rules)?;
        let outbound = Outbound::new(rules).map_err(CliError::Runtime)?;
        let (mut client, secret) = complete_registration(registration, &outbound)
            .await
            .map_err(usage)?;
        client.verified = true;
        Ok((client, secret))
    }

    /// [`ClientSpec::build`] for a spec that needs nothing fetched (the demo's clients).
    pub(super) fn build_offline(self) -> Result<(Client, Option<String>), CliError> {
        let (mut client, secret) = self
            .validate(OutboundRules::Strict)?
            .ready()
            .ok_or_else(|| CliError::Runtime("this client needs its sector document".into()))?;
        client.verified = true;
        Ok((client, secret))
    }

    fn validate(self, rules: OutboundRules) -> Result<Registration, CliError> {
        let metadata = ClientMetadata {
            client_name: Some(self.name),
            redirect_uris: self.redirect_uris,
            grant_types: self.grant_types,
            token_endpoint_auth_method: Some(
                if self.public {
                    "none"
                } else {
                    "client_secret_basic"
                }
                .into(),
            ),
            id_token_signed_response_alg: Some(self.id_token_alg),
            signature_method: Some(self.signature_method),
            subject_type: Some(self.subject_type),
            sector_identifier_uri: self.sector_identifier_uri,
            post_logout_redirect_uris: self.post_logout_redirect_uris,
            backchannel_logout_uri: self.backchannel_logout_uri,
            ..ClientMetadata::default()
        };
        let client_id = self
            .client_id
            .map(|id| ClientId::parse(&id))
            .transpose()
            .map_err(CliError::Usage)?;
        metadata
            .into_registration(client_id, SystemClock.now(), rules)
            .map_err(usage)
    }
}

/// A refused registration as the command line says it: the flag at fault and why.
fn usage(e: RegistrationError) -> CliError {
    let flag = match e.field {
        "client_name" => "--name",
        "redirect_uris" => "--redirect-uri",
        "grant_types" => "--grant-type",
        "token_endpoint_auth_method" => "--public",
        "id_token_signed_response_alg" => "--id-token-alg",
        "signature_method" => "--signature-method",
        "subject_type" => "--subject-type",
        "sector_identifier_uri" => "--sector-identifier-uri",
        "post_logout_redirect_uris" => "--post-logout-redirect-uri",
        "backchannel_logout_uri" => "--backchannel-logout-uri",
        other => other,
    };
    CliError::Usage(format!("{flag}: {}", e.message))
}

/// The client as JSON (RFC 7591 names), with the secret when it was just issued.
pub(super) fn client_json(client: &Client, secret: Option<&str>) -> serde_json::Value {
    let mut value = metadata_json(client);
    if let Some(secret) = secret {
        value["client_secret"] = json!(secret);
    }
    value["verified"] = json!(client.verified);
    value
}

pub(super) async fn run(globals: &Globals, command: ClientCommand) -> Result<(), CliError> {
    let rules = OutboundRules::from_flag(globals.allow_insecure_outbound);
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
                sector_identifier_uri: args.sector_identifier_uri,
            };
            let (mut client, secret) = spec.build(rules).await?;
            let (store, key) = globals.open(Access::Create).await?;
            client.seal_secret(&key, secret.as_deref());
            store.create_client(client.clone()).await?;
            let registered =
                super::audit::event(AuditKind::ClientRegistered).site(client.client_id.as_str());
            super::audit::record(store.as_ref(), registered).await?;
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
            let (store, _) = globals.open(Access::Existing).await?;
            let clients = store.list_clients()?;
            if json.json {
                let list: Vec<_> = clients.iter().map(|c| client_json(c, None)).collect();
                println!("{}", serde_json::Value::Array(list));
                return Ok(());
            }
            println!(
                "{:<24} {:<24} {:<12} {:<9} {:<40} REDIRECT URIS",
                "CLIENT ID", "NAME", "TYPE", "VERIFIED", "GRANTS"
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
                    "{:<24} {:<24} {:<12} {:<9} {:<40} {}",
                    c.client_id,
                    c.name,
                    kind,
                    if c.verified { "yes" } else { "no" },
                    grants.join(","),
                    uris.join(" ")
                );
            }
            Ok(())
        }
        ClientCommand::Verify(args) => {
            let client_id = ClientId::parse(&args.client_id).map_err(CliError::Usage)?;
            let (store, _) = globals.open(Access::Existing).await?;
            let Some(mut client) = store.find_client(&client_id)? else {
                return Err(CliError::Usage(format!("no client '{client_id}'")));
            };
            client.verified = true;
            store.update_client(client).await?;
            let verified = super::audit::event(AuditKind::ClientVerified).site(client_id.as_str());
            super::audit::record(store.as_ref(), verified).await?;
            println!("client {client_id} is verified");
            Ok(())
        }
    }
}
