//! `GET|POST /logout`: sign-out, also the OpenID Connect end_session_endpoint (RP-Initiated
//! Logout 1.0). GET asks first, so a link on another site cannot sign people out; POST ends
//! the session, tells the clients by back channel, and returns to a registered
//! `post_logout_redirect_uri` with `state`, or to the sign-in page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::authorization_response::confirm_leaving;
use super::cookies::with_csrf;
use super::error::AppError;
use super::extract::{CsrfForm, WithCsrf};
use super::pages::LogoutPage;
use super::responses::{html, see_other};
use super::{audit, backchannel, cookies, i18n, router, AppState};
use crate::domain::audit::AuditKind;
use crate::domain::records::{Client, Session, User};
use crate::domain::ClientId;
use crate::oauth::redirect::AuthorizationResponse;
use crate::oauth::Params;
use crate::oidc::id_token::{hint_subject, unverified_audience};

/// Where to send the browser after logout, validated against the client's registration.
struct Destination {
    client_id: String,
    client_name: String,
    uri: String,
    state: Option<String>,
    /// Whether the operator reviewed the site; otherwise the person is asked before leaving.
    verified: bool,
}

impl Destination {
    /// The registered URI with `state` added to its query.
    fn location(&self) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        if let Some(value) = &self.state {
            query.append_pair("state", value);
        }
        let query = query.finish();
        match (query.is_empty(), self.uri.contains('?')) {
            (true, _) => self.uri.clone(),
            (false, true) => format!("{}&{query}", self.uri),
            (false, false) => format!("{}?{query}", self.uri),
        }
    }
}

/// The page that refuses a logout request: it names what is wrong for the site's developer.
fn refused(message: impl Into<String>) -> AppError {
    AppError::bad_request(i18n::Lang::En, message)
}

/// Validates `post_logout_redirect_uri` for the client named by `client_id` or by the
/// `id_token_hint`'s audience. An unregistered URI is never redirected to.
fn destination(state: &AppState, params: &Params) -> Result<Option<Destination>, AppError> {
    let get = |name: &str| params.get(name).map_err(|e| refused(e.description));
    let Some(uri) = get("post_logout_redirect_uri")? else {
        return Ok(None);
    };
    let hint = get("id_token_hint")?;
    let client_id = get("client_id")?
        .map(str::to_string)
        .or_else(|| hint.and_then(unverified_audience))
        .ok_or_else(|| refused("post_logout_redirect_uri needs client_id or id_token_hint."))?;
    let client = asking_site(state, &client_id, hint)?;
    if !client
        .post_logout_redirect_uris
        .iter()
        .any(|u| u.as_str() == uri)
    {
        return Err(refused(
            "The post_logout_redirect_uri is not registered for this site.",
        ));
    }
    Ok(Some(Destination {
        client_id,
        client_name: client.name,
        verified: client.verified,
        uri: uri.to_string(),
        state: get("state")?.map(str::to_string),
    }))
}

/// The registered client `client_id`; an id_token `hint` must be one this server issued to it.
fn asking_site(state: &AppState, client_id: &str, hint: Option<&str>) -> Result<Client, AppError> {
    let client = ClientId::parse(client_id)
        .ok()
        .and_then(|id| state.store.find_client(&id).ok().flatten())
        .ok_or_else(|| refused("The site asking for the logout is not registered."))?;
    if let Some(hint) = hint {
        let keys = state
            .store
            .list_signing_keys()
            .map_err(|e| refused(e.to_string()))?;
        let secret = client.secret(&state.key);
        if hint_subject(hint, &keys, &state.issuer, client_id, secret.as_deref()).is_none() {
            let message = "The id_token_hint was not issued by this server to this site.";
            return Err(refused(message));
        }
    }
    Ok(client)
}

/// `GET /logout`: the confirmation page.
pub async fn logout_get(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let params = Params::parse(req.query_string());
    let destination = destination(&state, &params)?;
    let d = destination.as_ref();
    Ok(with_csrf(&req, &state, |csrf_token| {
        let page = LogoutPage {
            t: i18n::choose(params.get("ui_locales").ok().flatten(), &req),
            csrf_token,
            client_id: d.map(|d| d.client_id.as_str()),
            client_name: d.map(|d| d.client_name.as_str()),
            post_logout_redirect_uri: d.map(|d| d.uri.as_str()),
            state: d.and_then(|d| d.state.as_deref()),
        };
        html(StatusCode::OK, &page)
    }))
}

/// The logout form.
#[derive(Deserialize)]
pub struct LogoutForm {
    csrf_token: Option<String>,
    client_id: Option<String>,
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
}

impl WithCsrf for LogoutForm {
    fn csrf_token(&self) -> Option<&str> {
        self.csrf_token.as_deref()
    }
}

impl LogoutForm {
    /// The fields the form carried, as the parameters of an end-session request.
    fn params(&self) -> Params {
        let fields = [
            ("client_id", &self.client_id),
            ("post_logout_redirect_uri", &self.post_logout_redirect_uri),
            ("state", &self.state),
        ];
        Params::from_pairs(
            fields
                .iter()
                .filter_map(|(name, value)| value.as_ref().map(|v| (name.to_string(), v.clone())))
                .collect(),
        )
    }
}

/// `POST /logout`.
pub async fn logout_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<LogoutForm>,
) -> Result<HttpResponse, AppError> {
    let destination = destination(&state, &form.params())?;
    if let Some((session, user)) = cookies::current_user(&req, &state)? {
        end_session(&req, &state, &session, &user).await?;
    }
    let mut response = match destination {
        None => see_other(router::LOGIN),
        Some(d) if d.verified => see_other(&d.location()),
        Some(d) => {
            let back = AuthorizationResponse::Redirect(d.location());
            confirm_leaving(&req, &state, &d.client_name, &back, None)
        }
    };
    let _ = response.add_cookie(&cookies::expired_session_cookie(state.secure_cookies));
    Ok(response)
}

/// Ends the browser's session and tells the sites that took part in it.
async fn end_session(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &User,
) -> Result<(), AppError> {
    state.store.delete_session(&session.id_hash).await?;
    backchannel::notify(state, &session.id_hash, user);
    let ended = audit::event(state, AuditKind::SessionEnded).of(user);
    audit::record(state, req, ended).await;
    Ok(())
}
