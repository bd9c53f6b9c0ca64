//! `/developers`: the developer portal. A signed-in person registers sites, sees each one's
//! client id (and its secret once, at creation or rotation), a quickstart with the real
//! values, edits, rotates the secret and deletes (which revokes everything issued to it).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::cookies::with_csrf;
use super::error::AppError;
use super::extract::{CsrfForm, SignedIn, WithCsrf};
use super::pages::{DeveloperClientPage, DevelopersPage, PortalClient};
use super::register::{register, reregister};
use super::responses::{html, see_other};
use super::{audit, i18n, router, AppState};
use crate::crypto::random_token;
use crate::domain::audit::AuditKind;
use crate::domain::records::{Client, User};
use crate::domain::ClientId;
use crate::oauth::registration::{ClientMetadata, RegistrationError};

/// What a handler of the portal answers.
type Answer = Result<HttpResponse, AppError>;

fn line(client: &Client) -> PortalClient {
    PortalClient {
        client_id: client.client_id.as_str().to_string(),
        name: client.name.clone(),
        description: client.description.clone().unwrap_or_default(),
        client_uri: client.client_uri.clone().unwrap_or_default(),
        logo_uri: client.logo_uri.clone().unwrap_or_default(),
        redirect_uris: client
            .redirect_uris
            .iter()
            .map(|u| u.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        grant_types: client
            .grant_types
            .iter()
            .map(|g| g.as_str().to_string())
            .collect(),
        public: client.is_public(),
        signature_method: client.signature_method.as_str().to_string(),
    }
}

/// The registration and edit form (field names as on the page).
#[derive(Deserialize)]
pub struct ClientForm {
    csrf_token: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    client_uri: String,
    #[serde(default)]
    logo_uri: String,
    #[serde(default)]
    redirect_uris: String,
    #[serde(default)]
    client_type: String,
    #[serde(default)]
    signature_method: String,
    authorization_code: Option<String>,
    refresh_token: Option<String>,
    implicit: Option<String>,
    client_credentials: Option<String>,
}

impl ClientForm {
    fn metadata(&self) -> ClientMetadata {
        let text = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
        ClientMetadata {
            client_name: Some(self.name.clone()),
            description: text(&self.description),
            client_uri: text(&self.client_uri),
            logo_uri: text(&self.logo_uri),
            redirect_uris: self
                .redirect_uris
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            grant_types: self.grant_types(),
            token_endpoint_auth_method: Some(self.auth_method().into()),
            signature_method: text(&self.signature_method),
            ..ClientMetadata::default()
        }
    }

    /// The grant types ticked on the form.
    fn grant_types(&self) -> Vec<String> {
        let grants = [
            (&self.authorization_code, "authorization_code"),
            (&self.refresh_token, "refresh_token"),
            (&self.implicit, "implicit"),
            (&self.client_credentials, "client_credentials"),
        ];
        grants
            .iter()
            .filter(|(on, _)| on.is_some())
            .map(|(_, g)| g.to_string())
            .collect()
    }

    /// A public client authenticates with nothing; a confidential one with its secret.
    fn auth_method(&self) -> &'static str {
        match self.client_type.as_str() {
            "public" => "none",
            _ => "client_secret_basic",
        }
    }
}

/// `GET /developers`.
pub async fn developers_get(req: HttpRequest, state: web::Data<AppState>, me: SignedIn) -> Answer {
    list(&req, &state, &me.user, None)
}

/// The portal's page: the person's sites and the registration form, with what is wrong with
/// the form just sent (a 422) if anything is.
fn list(req: &HttpRequest, state: &AppState, user: &User, error: Option<&str>) -> Answer {
    let status = match error {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let clients: Vec<PortalClient> = state
        .store
        .list_owned_clients(user.id)?
        .iter()
        .map(line)
        .collect();
    Ok(with_csrf(req, state, |csrf| {
        html(
            status,
            &DevelopersPage {
                t: i18n::choose(None, req),
                csrf_token: csrf,
                clients,
                error,
            },
        )
    }))
}

/// `POST /developers`: registers a site for the signed-in person.
pub async fn developers_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ClientForm>,
    me: SignedIn,
) -> Answer {
    let user = me.user;
    let created = register(&state, form.metadata(), None, state.clock.now()).await;
    let (mut client, secret) = match created {
        Ok(created) => created,
        Err(e) => return list(&req, &state, &user, Some(&refusal(&e))),
    };
    client.owner = Some(user.id);
    client.seal_secret(&state.key, secret.as_deref());
    state.store.create_client(client.clone()).await?;
    let registered = audit::event(&state, AuditKind::ClientRegistered)
        .of(&user)
        .site(client.client_id.as_str())
        .detail("developer portal");
    audit::record(&state, &req, registered).await;
    let created = Shown::Created(secret.as_deref());
    Ok(detail(&req, &state, &client, created))
}

/// What a registration refused, as the form shows it.
fn refusal(e: &RegistrationError) -> String {
    format!("{}: {}.", e.field, e.message)
}

/// Why the client page is shown, which decides its status and what it adds to the client.
enum Shown<'a> {
    /// Looked at, or saved.
    Client,
    /// Just registered, with its secret if it has one.
    Created(Option<&'a str>),
    /// With its new secret.
    Rotated(&'a str),
    /// The edit form again, with what is wrong with it.
    Refused(&'a str),
}

impl Shown<'_> {
    fn status(&self) -> StatusCode {
        match self {
            Self::Created(_) => StatusCode::CREATED,
            Self::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Client | Self::Rotated(_) => StatusCode::OK,
        }
    }

    fn secret(&self) -> Option<&str> {
        match self {
            Self::Created(secret) => *secret,
            Self::Rotated(secret) => Some(secret),
            Self::Client | Self::Refused(_) => None,
        }
    }

    fn error(&self) -> Option<&str> {
        match self {
            Self::Refused(error) => Some(error),
            _ => None,
        }
    }
}

/// The page of one client: its values, a quickstart with them, and what `shown` adds.
fn detail(req: &HttpRequest, state: &AppState, client: &Client, shown: Shown<'_>) -> HttpResponse {
    let redirect = client
        .redirect_uris
        .first()
        .map(|u| u.as_str().to_string())
        .unwrap_or_default();
    let authorize = quickstart_authorize_url(&state.issuer, client, &redirect);
    let token_url = format!("{}{}", state.issuer, router::TOKEN);
    with_csrf(req, state, |csrf| {
        let page = DeveloperClientPage {
            t: i18n::choose(None, req),
            csrf_token: csrf,
            client: line(client),
            secret: shown.secret(),
            error: shown.error(),
            authorize_url: &authorize,
            token_url: &token_url,
            redirect_uri: &redirect,
        };
        html(shown.status(), &page)
    })
}

/// The quickstart's authorization request, with the client's real values.
fn quickstart_authorize_url(issuer: &str, client: &Client, redirect: &str) -> String {
    url::form_urlencoded::Serializer::new(format!("{issuer}{}?", router::AUTHORIZE))
        .append_pair("response_type", "code")
        .append_pair("client_id", client.client_id.as_str())
        .append_pair("redirect_uri", redirect)
        .append_pair("scope", "openid profile email")
        .append_pair("state", "xyz")
        .finish()
}

/// The person's own client `id`, or the page that refuses.
fn owned(state: &AppState, user: &User, id: &str) -> Result<Client, AppError> {
    let missing = || AppError::Page {
        lang: i18n::Lang::En,
        status: StatusCode::NOT_FOUND,
        message: "You have no site with that client id.".into(),
    };
    let Ok(id) = ClientId::parse(id) else {
        return Err(missing());
    };
    match state.store.find_client(&id)? {
        Some(client) if client.owner == Some(user.id) => Ok(client),
        _ => Err(missing()),
    }
}

/// `GET /developers/{client_id}`.
pub async fn client_get(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    me: SignedIn,
) -> Answer {
    let client = owned(&state, &me.user, &path)?;
    Ok(detail(&req, &state, &client, Shown::Client))
}

/// Query of the client actions.
#[derive(Deserialize)]
pub struct ActionForm {
    csrf_token: Option<String>,
}

impl WithCsrf for ActionForm {
    fn csrf_token(&self) -> Option<&str> {
        self.csrf_token.as_deref()
    }
}

impl WithCsrf for ClientForm {
    fn csrf_token(&self) -> Option<&str> {
        self.csrf_token.as_deref()
    }
}

/// `POST /developers/{client_id}`: saves the edit form.
pub async fn client_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<ClientForm>,
    me: SignedIn,
) -> Answer {
    let current = owned(&state, &me.user, &path)?;
    let mut metadata = form.metadata();
    metadata.token_endpoint_auth_method = Some(current.auth_method.as_str().into());
    let client = match reregister(&state, metadata, &current).await {
        Ok(client) => client,
        Err(e) => {
            let error = refusal(&e);
            return Ok(detail(&req, &state, &current, Shown::Refused(&error)));
        }
    };
    state.store.update_client(client.clone()).await?;
    Ok(detail(&req, &state, &client, Shown::Client))
}

/// `POST /developers/{client_id}/secret`: a new secret, shown once; the old one stops working.
pub async fn rotate_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    _: CsrfForm<ActionForm>,
    me: SignedIn,
) -> Answer {
    let mut client = owned(&state, &me.user, &path)?;
    if client.is_public() {
        return Err(AppError::bad_request(
            i18n::Lang::En,
            "A public client has no secret.",
        ));
    }
    let secret = random_token(32);
    client.seal_secret(&state.key, Some(&secret));
    state.store.update_client(client.clone()).await?;
    let rotated =
        audit::event(&state, AuditKind::ClientSecretRotated).site(client.client_id.as_str());
    audit::record(&state, &req, rotated).await;
    Ok(detail(&req, &state, &client, Shown::Rotated(&secret)))
}

/// `POST /developers/{client_id}/delete`: removes the site and revokes everything issued to it.
pub async fn delete_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    _: CsrfForm<ActionForm>,
    me: SignedIn,
) -> Answer {
    let client = owned(&state, &me.user, &path)?;
    let deleted = audit::event(&state, AuditKind::ClientDeleted)
        .site(client.client_id.as_str())
        .detail("developer portal");
    state.store.delete_client(client.client_id).await?;
    audit::record(&state, &req, deleted).await;
    Ok(see_other(router::DEVELOPERS))
}
