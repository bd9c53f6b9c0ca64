//! Dynamic client registration: `POST /register` (RFC 7591), closed unless the operator opens
//! it (`--registration open`) or guards it with an initial access token
//! (`--registration-token`), and `GET|PUT|DELETE /register/{client_id}` (RFC 7592) with the
//! registration access token handed out at registration. Clients registered here are
//! unverified until the operator runs `vzconnect client verify`.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde_json::{json, Value};

use super::responses::{oauth_error_json, store_oauth_error};
use super::{audit, router, AppState};
use crate::crypto::{constant_time_eq, hash_token, random_token};
use crate::domain::audit::AuditKind;
use crate::domain::records::Client;
use crate::domain::ClientId;
use crate::oauth::registration::{metadata_json, ClientMetadata, Registration, RegistrationError};
use crate::outbound::{Outbound, OutboundError};
use crate::store::StoreError;

/// Who may use `POST /register`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistrationPolicy {
    /// Nobody: clients are added by the operator or in the developer portal (the default).
    Closed,
    /// Whoever presents this initial access token.
    Token(String),
    /// Anyone.
    Open,
}

/// Finishes a validated registration: fetches the sector identifier document, if one was
/// named, with the outbound policy and checks it. Shared by the command line, the portal and
/// `/register`.
pub async fn complete_registration(
    registration: Registration,
    outbound: &Outbound,
) -> Result<(Client, Option<String>), RegistrationError> {
    let Some(url) = registration.sector_document.clone() else {
        return Ok((registration.client, registration.secret));
    };
    let document = outbound.get_json(url.as_str()).await.map_err(|e| {
        let why = match e {
            OutboundError::Refused(why) | OutboundError::Failed(why) => why,
        };
        RegistrationError {
            code: "invalid_client_metadata",
            field: "sector_identifier_uri",
            message: format!("{url} could not be read: {why}"),
        }
    })?;
    registration.with_sector_document(&document)
}

fn error(status: StatusCode, code: &str, description: &str) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.insert_header(("Cache-Control", "no-store"));
    if status == StatusCode::UNAUTHORIZED {
        response.insert_header((
            "WWW-Authenticate",
            format!(r#"Bearer realm="vzconnect", error="{code}""#),
        ));
    }
    response.json(json!({ "error": code, "error_description": description }))
}

/// Why a registration request was refused: the JSON error of RFC 7591 §3.2.2 and RFC 7592
/// §2 (with a Bearer challenge when the token is wrong), or a store failure answered as
/// `temporarily_unavailable` or `server_error`.
#[derive(Debug)]
pub enum Refusal {
    /// An error the caller can act on, with its RFC status and code.
    Refused {
        status: StatusCode,
        code: &'static str,
        description: String,
    },
    /// The store failed.
    Store(StoreError),
}

impl Refusal {
    fn new(status: StatusCode, code: &'static str, description: impl Into<String>) -> Self {
        Self::Refused {
            status,
            code,
            description: description.into(),
        }
    }

    /// 400 `invalid_client_metadata`.
    fn metadata(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_client_metadata",
            description,
        )
    }

    /// 401 `invalid_token` with its challenge.
    fn token(description: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_token", description)
    }
}

impl From<RegistrationError> for Refusal {
    fn from(e: RegistrationError) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            e.code,
            format!("{}: {}", e.field, e.message),
        )
    }
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refused { description, .. } => write!(f, "{description}"),
            Self::Store(e) => write!(f, "{e}"),
        }
    }
}

impl ResponseError for Refusal {
    fn status_code(&self) -> StatusCode {
        self.error_response().status()
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Refused {
                status,
                code,
                description,
            } => error(*status, code, description),
            Self::Store(e) => oauth_error_json(&store_oauth_error(e)),
        }
    }
}

/// What a registration endpoint answers.
type Answer = Result<HttpResponse, Refusal>;

fn bearer(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

fn parse(body: &[u8]) -> Result<ClientMetadata, Refusal> {
    serde_json::from_slice(body)
        .map_err(|e| Refusal::metadata(format!("the body is not client metadata: {e}")))
}

fn answer(
    state: &AppState,
    status: StatusCode,
    client: &Client,
    secret: Option<&str>,
    token: Option<&str>,
) -> HttpResponse {
    let mut body = metadata_json(client);
    if let Some(secret) = secret {
        body["client_secret"] = json!(secret);
        body["client_secret_expires_at"] = json!(0);
    }
    if let Some(token) = token {
        body["registration_access_token"] = json!(token);
    }
    body["registration_client_uri"] = json!(format!(
        "{}{}/{}",
        state.issuer,
        router::REGISTER,
        client.client_id
    ));
    HttpResponse::build(status)
        .insert_header(("Cache-Control", "no-store"))
        .json(body)
}

/// Whether the registration policy lets this request register a client.
fn may_register(req: &HttpRequest, policy: &RegistrationPolicy) -> Result<(), Refusal> {
    match policy {
        RegistrationPolicy::Open => Ok(()),
        RegistrationPolicy::Closed => Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "access_denied",
            "dynamic registration is closed on this server: register in the developer portal or ask its operator",
        )),
        RegistrationPolicy::Token(expected) => {
            let given = bearer(req).unwrap_or("");
            if constant_time_eq(given.as_bytes(), expected.as_bytes()) {
                Ok(())
            } else {
                Err(Refusal::token("registration needs the initial access token"))
            }
        }
    }
}

/// `POST /register`.
pub async fn register_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Answer {
    may_register(&req, &state.registration)?;
    let metadata = parse(&body)?;
    let (mut client, secret) = register(&state, metadata, None, state.clock.now()).await?;
    let token = random_token(32);
    client.registration_token_hash = Some(hash_token(&token));
    client.seal_secret(&state.key, secret.as_deref());
    state.store.create_client(client.clone()).await?;
    let registered = audit::event(&state, AuditKind::ClientRegistered)
        .site(client.client_id.as_str())
        .detail("dynamic registration");
    audit::record(&state, &req, registered).await;
    let (status, secret) = (StatusCode::CREATED, secret.as_deref());
    Ok(answer(&state, status, &client, secret, Some(&token)))
}

/// Validates metadata (URLs against the outbound policy) and completes the registration.
pub(super) async fn register(
    state: &AppState,
    metadata: ClientMetadata,
    client_id: Option<ClientId>,
    created_at: i64,
) -> Result<(Client, Option<String>), RegistrationError> {
    let registration = metadata.into_registration(client_id, created_at, state.outbound.rules())?;
    complete_registration(registration, &state.outbound).await
}

/// Registers `current` again with new metadata. Its id, secret, owner and registration
/// token stay; its review stays only if it still sends people to the same places.
pub(super) async fn reregister(
    state: &AppState,
    metadata: ClientMetadata,
    current: &Client,
) -> Result<Client, RegistrationError> {
    let id = Some(current.client_id.clone());
    let (mut client, _) = register(state, metadata, id, current.created_at).await?;
    client.sealed_secret = current.sealed_secret.clone();
    client.registration_token_hash = current.registration_token_hash.clone();
    client.owner = current.owner;
    // A review covers where the site sends people: changing that needs a new review.
    client.verified = current.verified
        && client.redirect_uris == current.redirect_uris
        && client.post_logout_redirect_uris == current.post_logout_redirect_uris;
    Ok(client)
}

/// The client a registration access token manages, or the 401 to answer.
fn managed(req: &HttpRequest, state: &AppState, id: &str) -> Result<Client, Refusal> {
    let denied = || Refusal::token("the registration access token is not valid for this client");
    let token = bearer(req).ok_or_else(denied)?;
    let client = ClientId::parse(id)
        .ok()
        .and_then(|id| state.store.find_client(&id).ok().flatten())
        .ok_or_else(denied)?;
    match &client.registration_token_hash {
        Some(hash) if constant_time_eq(hash.as_bytes(), hash_token(token).as_bytes()) => Ok(client),
        _ => Err(denied()),
    }
}

/// `GET /register/{client_id}`.
pub async fn registration_get(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Answer {
    let client = managed(&req, &state, &path)?;
    Ok(answer(&state, StatusCode::OK, &client, None, None))
}

/// `PUT /register/{client_id}`: replaces the metadata; id, secret and token stay.
pub async fn registration_put(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Answer {
    let current = managed(&req, &state, &path)?;
    let raw: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if raw.get("client_id").and_then(Value::as_str) != Some(current.client_id.as_str()) {
        return Err(Refusal::metadata("client_id must be the client's own"));
    }
    let client = reregister(&state, parse(&body)?, &current).await?;
    same_kind(&client, &current)?;
    state.store.update_client(client.clone()).await?;
    Ok(answer(&state, StatusCode::OK, &client, None, None))
}

/// Refuses an update that would change what the site's subject identifiers are or whether
/// it is public.
fn same_kind(client: &Client, current: &Client) -> Result<(), Refusal> {
    if client.sector_identifier != current.sector_identifier {
        return Err(Refusal::metadata(
            "subject_type and the pairwise sector cannot change: the site's subject identifiers would change",
        ));
    }
    if client.is_public() != current.is_public() {
        return Err(Refusal::metadata(
            "token_endpoint_auth_method cannot switch between public and confidential",
        ));
    }
    Ok(())
}

/// `DELETE /register/{client_id}`: the client and everything issued to it are gone.
pub async fn registration_delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Answer {
    let client = managed(&req, &state, &path)?;
    let deleted = audit::event(&state, AuditKind::ClientDeleted)
        .site(client.client_id.as_str())
        .detail("dynamic registration");
    state.store.delete_client(client.client_id).await?;
    audit::record(&state, &req, deleted).await;
    Ok(HttpResponse::NoContent().finish())
}
