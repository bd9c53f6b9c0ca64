//! The HTTP adapter: thin actix handlers that extract a request, call the protocol core and
//! the store, and render the answer. The route table is in `router`.

mod account;
mod account_page;
mod assets;
mod audit;
mod authorization_response;
mod authorize;
mod backchannel;
mod bearer;
mod client_address;
mod client_auth;
mod consent;
mod cookies;
mod demo;
mod developers;
mod discovery;
mod docs;
mod error;
mod extract;
mod grants;
mod health;
mod home;
mod i18n;
mod introspect;
mod jwks;
mod keys;
mod login;
mod logout;
mod matrix;
mod metrics;
mod pages;
mod poco;
mod register;
mod responses;
mod revoke;
pub mod router;
mod signup;
mod token;
mod userinfo;
mod widgets_demo;

use std::sync::Arc;

use crate::auth::password::PasswordPool;
use crate::clock::Clock;
use crate::crypto::SecretKey;
use crate::store::Store;

pub use client_address::parse_trusted_proxies;
pub use demo::DEMO_CLIENT_ID;
pub use discovery::published as published_discovery;
pub use docs::PLAYGROUND_CLIENT_ID;
pub use keys::{ensure_signing_keys, SigningKeys, KEY_RELOAD_SECONDS};
pub use matrix::MatrixSettings;
pub use metrics::{metrics_get, Metrics};
pub use register::{complete_registration, RegistrationPolicy};
pub use responses::not_found_page;

/// Everything a handler needs, shared by all workers.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub key: SecretKey,
    pub passwords: PasswordPool,
    pub metrics: Metrics,
    /// The id_token signing keys, cached.
    pub keys: SigningKeys,
    /// Every request the server sends on a client's behalf, under the outbound policy.
    pub outbound: crate::outbound::Outbound,
    /// Widget sign-in (MSC1960).
    pub matrix: MatrixSettings,
    /// Outgoing mail (verification and reset links).
    pub mailer: crate::mail::Mailer,
    /// Who may use `POST /register`.
    pub registration: RegistrationPolicy,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Sign-in, mail and signup limits.
    pub throttles: std::sync::Arc<crate::auth::throttle::Throttles>,
    /// The issuer URL without a trailing slash; every absolute URL starts with it.
    pub issuer: String,
    /// The discovery document, serialised once: it changes only with the settings.
    pub discovery: actix_web::web::Bytes,
    /// Whether cookies get `Secure` (the issuer is https).
    pub secure_cookies: bool,
    /// Whether the demo pages are served.
    pub demo: bool,
}

/// The page shown when a form arrives without the fields it needs.
pub fn bad_form_page() -> actix_web::HttpResponse {
    responses::error_page(
        actix_web::http::StatusCode::BAD_REQUEST,
        "The form was incomplete. Go back and try again.",
    )
}

/// The issuer's host (and port), as pages name this server.
pub fn issuer_host(issuer: &str) -> &str {
    let rest = issuer.split_once("://").map_or(issuer, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest)
}

impl AppState {
    /// The client's address as throttling counts it (see `client_address`).
    pub fn client_address(&self, req: &actix_web::HttpRequest) -> String {
        client_address::client_address(req, &self.trusted_proxies)
    }
}
