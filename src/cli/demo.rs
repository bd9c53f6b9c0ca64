//! `serve --demo`: a demo user and a demo client whose redirect URI is a page of this
//! server, created once, so a newcomer can walk the whole flow with a browser and curl.

use super::clients::ClientSpec;
use super::CliError;
use crate::auth::password::hash_now;
use crate::clock::{Clock, SystemClock};
use crate::crypto::SecretKey;
use crate::domain::records::NewUser;
use crate::domain::{ClientId, Sub};
use crate::store::Store;
use crate::web::router::PLAYGROUND;
use crate::web::router::{demo_redirect_uri, AUTHORIZE};
use crate::web::{DEMO_CLIENT_ID, PLAYGROUND_CLIENT_ID};

/// The demo user's login name.
pub const DEMO_USERNAME: &str = "demo";
/// The demo user's password: public on purpose, the demo is for trying things out.
pub const DEMO_PASSWORD: &str = "demo-password";

/// Creates what is missing and prints how to start.
pub async fn ensure(store: &dyn Store, key: &SecretKey, issuer: &str) -> Result<(), CliError> {
    if store.find_login(DEMO_USERNAME)?.is_none() {
        let password_hash = hash_now(DEMO_PASSWORD).map_err(CliError::Runtime)?;
        store
            .create_user(NewUser {
                sub: Sub::generate(),
                username: DEMO_USERNAME.into(),
                email: "demo@example.org".into(),
                name: Some("Demo User".into()),
                password_hash,
                email_verified: true,
                created_at: SystemClock.now(),
            })
            .await?;
    }
    let client_id = ClientId::parse(DEMO_CLIENT_ID).map_err(CliError::Runtime)?;
    let redirect_uri = demo_redirect_uri(issuer);
    let secret = match store.find_client(&client_id)? {
        Some(client) => {
            if !client
                .redirect_uris
                .iter()
                .any(|u| u.as_str() == redirect_uri)
            {
                eprintln!("note: the demo client was registered for another issuer; its redirect URI is {}",
                    client.redirect_uris.first().map(|u| u.as_str()).unwrap_or("(none)"));
            }
            client.secret(key).ok_or_else(|| {
                CliError::Runtime("cannot read the demo client's secret (wrong secret key?)".into())
            })?
        }
        None => {
            let spec = ClientSpec {
                client_id: Some(DEMO_CLIENT_ID.into()),
                name: "vzconnect demo client".into(),
                redirect_uris: vec![redirect_uri.clone()],
                public: false,
                grant_types: ["authorization_code", "refresh_token", "implicit"]
                    .map(String::from)
                    .to_vec(),
                signature_method: "hmac-sha256".into(),
                id_token_alg: "RS256".into(),
                post_logout_redirect_uris: vec![format!("{issuer}/")],
                backchannel_logout_uri: None,
                subject_type: "public".into(),
                sector_identifier_uri: None,
            };
            let secret = create(store, key, spec).await?;
            secret.ok_or_else(|| CliError::Runtime("the demo client has no secret".into()))?
        }
    };
    ensure_playground(store, key, issuer).await?;
    let start = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", DEMO_CLIENT_ID)
        .append_pair("redirect_uri", &redirect_uri)
        .append_pair("scope", "openid profile email")
        .append_pair("state", "demo")
        .finish();
    println!("Demo mode");
    println!("  user:       {DEMO_USERNAME} / {DEMO_PASSWORD}");
    println!("  client_id:  {DEMO_CLIENT_ID}");
    println!("  export VZ_DEMO_SECRET={secret}");
    println!("  start here: {issuer}{AUTHORIZE}?{start}");
    println!("  walk-through: docs/quickstart.md");
    Ok(())
}

/// The docs playground's client: confidential, its redirect URI the playground page itself.
async fn ensure_playground(
    store: &dyn Store,
    key: &SecretKey,
    issuer: &str,
) -> Result<(), CliError> {
    let client_id = ClientId::parse(PLAYGROUND_CLIENT_ID).map_err(CliError::Runtime)?;
    if store.find_client(&client_id)?.is_some() {
        return Ok(());
    }
    let spec = ClientSpec {
        client_id: Some(PLAYGROUND_CLIENT_ID.into()),
        name: "vzconnect playground".into(),
        redirect_uris: vec![format!("{issuer}{PLAYGROUND}")],
        public: false,
        grant_types: vec!["authorization_code".into()],
        signature_method: "hmac-sha256".into(),
        id_token_alg: "RS256".into(),
        post_logout_redirect_uris: Vec::new(),
        backchannel_logout_uri: None,
        subject_type: "public".into(),
        sector_identifier_uri: None,
    };
    create(store, key, spec).await?;
    Ok(())
}

/// Registers a demo client with its secret sealed; returns the secret.
async fn create(
    store: &dyn Store,
    key: &SecretKey,
    spec: ClientSpec,
) -> Result<Option<String>, CliError> {
    let (mut client, secret) = spec.build_offline()?;
    client.seal_secret(key, secret.as_deref());
    store.create_client(client).await?;
    Ok(secret)
}
