//! `GET|POST /logout`: sign-out, also the OpenID Connect end_session_endpoint (RP-Initiated
//! Logout 1.0). GET asks first, so a link on another site cannot sign people out; POST ends
//! the session, tells the clients by back channel, and returns to a registered
//! `post_logout_redirect_uri` with `state`, or to the sign-in page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::authorization_response::confirm_leaving;
use super::authorize::client_secret;
use super::extract::{CsrfForm, WithCsrf};
use super::pages::LogoutPage;
use super::responses::{error_page, html, see_other, store_failure};
use super::{audit, backchannel, cookies, i18n, router, AppState};
use crate::domain::audit::AuditKind;
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

/// Validates `post_logout_redirect_uri` for the client named by `client_id` or by the
/// `id_token_hint`'s audience. `Err` is a message for an error page: an unregistered URI is
/// never redirected to.
fn destination(state: &AppState, params: &Params) -> Result<Option<Destination>, String> {
    let get = |name: &str| params.get(name).map_err(|e| e.description);
    let Some(uri) = get("post_logout_redirect_uri")? else {
        return Ok(None);
    };
    let hint = get("id_token_hint")?;
    let client_id = get("client_id")?
        .map(str::to_string)
        .or_else(|| hint.and_then(unverified_audience))
        .ok_or("post_logout_redirect_uri needs client_id or id_token_hint.")?;
    let client = ClientId::parse(&client_id)
        .ok()
        .and_then(|id| state.store.find_client(&id).ok().flatten())
        .ok_or("The site asking for the logout is not registered.")?;
    if let Some(hint) = hint {
        let keys = state.store.list_signing_keys().map_err(|e| e.to_string())?;
        let secret = client_secret(state, &client);
        hint_subject(hint, &keys, &state.issuer, &client_id, secret.as_deref())
            .ok_or("The id_token_hint was not issued by this server to this site.")?;
    }
    if !client
        .post_logout_redirect_uris
        .iter()
        .any(|u| u.as_str() == uri)
    {
        return Err("The post_logout_redirect_uri is not registered for this site.".into());
    }
    Ok(Some(Destination {
        client_id,
        client_name: client.name,
        verified: client.verified,
        uri: uri.to_string(),
        state: get("state")?.map(str::to_string),
    }))
}

/// `GET /logout`: the confirmation page.
pub async fn logout_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let params = Params::parse(req.query_string());
    let destination = match destination(&state, &params) {
        Ok(destination) => destination,
        Err(message) => return error_page(StatusCode::BAD_REQUEST, &message),
    };
    let (csrf_token, cookie) = cookies::csrf_token(&req, &state);
    let page = LogoutPage {
        t: i18n::choose(params.get("ui_locales").ok().flatten(), &req),
        csrf_token: &csrf_token,
        client_id: destination.as_ref().map(|d| d.client_id.as_str()),
        client_name: destination.as_ref().map(|d| d.client_name.as_str()),
        post_logout_redirect_uri: destination.as_ref().map(|d| d.uri.as_str()),
        state: destination.as_ref().and_then(|d| d.state.as_deref()),
    };
    let mut response = html(StatusCode::OK, &page);
    if let Some(cookie) = cookie {
        let _ = response.add_cookie(&cookie);
    }
    response
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

/// `POST /logout`.
pub async fn logout_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<LogoutForm>,
) -> HttpResponse {
    let fields = [
        ("client_id", &form.client_id),
        ("post_logout_redirect_uri", &form.post_logout_redirect_uri),
        ("state", &form.state),
    ];
    let params = Params::from_pairs(
        fields
            .iter()
            .filter_map(|(name, value)| value.as_ref().map(|v| (name.to_string(), v.clone())))
            .collect(),
    );
    let destination = match destination(&state, &params) {
        Ok(destination) => destination,
        Err(message) => return error_page(StatusCode::BAD_REQUEST, &message),
    };
    match cookies::current_user(&req, &state) {
        Ok(Some((session, user))) => {
            if let Err(e) = state.store.delete_session(&session.id_hash).await {
                return store_failure(&e);
            }
            backchannel::notify(&state, &session.id_hash, &user);
            let ended = audit::event(&state, AuditKind::SessionEnded).of(&user);
            audit::record(&state, &req, ended).await;
        }
        Ok(None) => {}
        Err(e) => return store_failure(&e),
    }
    let (location, unreviewed) = match destination {
        Some(d) => {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            if let Some(value) = &d.state {
                query.append_pair("state", value);
            }
            let query = query.finish();
            let location = match (query.is_empty(), d.uri.contains('?')) {
                (true, _) => d.uri,
                (false, true) => format!("{}&{query}", d.uri),
                (false, false) => format!("{}?{query}", d.uri),
            };
            (location, (!d.verified).then_some(d.client_name))
        }
        None => (router::LOGIN.to_string(), None),
    };
    let mut response = match unreviewed {
        None => see_other(&location),
        Some(site) => confirm_leaving(
            &req,
            &state,
            &site,
            &AuthorizationResponse::Redirect(location),
            None,
        ),
    };
    let _ = response.add_cookie(&cookies::expired_session_cookie(state.secure_cookies));
    response
}
