//! `GET|POST /oauth/authorize` (and VZ's `/OAuth2/Authorize/`): validate, then decide from
//! the session, `prompt`, `max_age` and any remembered consent whether to show the sign-in
//! form, the consent page, or answer the client at once (see `authorization_response`).

use actix_web::{web, HttpRequest, HttpResponse};

use super::authorization_response::{respond, Leaving, ToClient};
use super::error::AppError;
use super::i18n::{self, Lang};
use super::keys::subject_for;
use super::responses::see_other;
use super::{cookies, issuer_host, router, AppState};
use crate::domain::records::{Client, Session, User};
use crate::domain::{ClientId, ScopeSet};
use crate::oauth::authorize::{self, AuthorizationRequest, AuthorizeError};
use crate::oauth::redirect::RedirectTarget;
use crate::oauth::{OAuthError, Params};
use crate::oidc::id_token::hint_subject;
use crate::oidc::prompt::{after_login, Step};
use crate::store::StoreError;

/// `GET /oauth/authorize`.
pub async fn authorize_get(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    authorize(&req, &state, Params::parse(req.query_string())).await
}

/// `POST /oauth/authorize` (form-encoded, same parameters; OpenID Connect Core §3.1.2.1).
pub async fn authorize_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let params = Params::parse(&String::from_utf8_lossy(&body));
    authorize(&req, &state, params).await
}

async fn authorize(
    req: &HttpRequest,
    state: &AppState,
    params: Params,
) -> Result<HttpResponse, AppError> {
    let (client, request) = client_and_request(req, state, &params)?;
    let fail = |error: &OAuthError| client_error(req, state, &client, &request.target, error);
    let session = cookies::current_user(req, state)?;
    let session = expected_user(state, &client, &request, session).map_err(|e| fail(&e))?;
    let consent_remembered = match &session {
        Some((_, user)) => consent_remembered(state, user, &client, &request)?,
        None => false,
    };
    let auth_time = session.as_ref().map(|(s, _)| s.auth_time);
    let step = (request.interaction)
        .next_step(auth_time, consent_remembered, state.clock.now())
        .map_err(|e| fail(&e))?;
    Ok(match (step, session) {
        (Step::Respond, Some((session, user))) => {
            return respond(req, state, &client, &request, &user, &session).await
        }
        (Step::Consent, Some(_)) => see_other(&format!("{}?{}", router::CONSENT, encode(&params))),
        _ => {
            let back = format!("{}?{}", router::AUTHORIZE, encode(&after_login(&params)));
            let hint = request.interaction.login_hint.as_deref();
            see_other(&router::login_url(&back, hint))
        }
    })
}

/// Whether `user` already allowed everything the request asks. A person whose address is
/// unconfirmed connects no site: they always see the consent page, which says why.
fn consent_remembered(
    state: &AppState,
    user: &User,
    client: &Client,
    request: &AuthorizationRequest,
) -> Result<bool, StoreError> {
    let remembered = state.store.find_consent(user.id, &client.client_id)?;
    let remembered = remembered.and_then(|s| ScopeSet::parse(&s).ok());
    Ok(user.email_verified && !authorize::needs_consent(remembered.as_ref(), &request.scope))
}

/// Applies `id_token_hint`: a session of someone other than the hinted user counts as no
/// session; a hint this server did not issue is an error.
fn expected_user(
    state: &AppState,
    client: &Client,
    request: &AuthorizationRequest,
    session: Option<(Session, User)>,
) -> Result<Option<(Session, User)>, OAuthError> {
    let Some(hint) = request.interaction.id_token_hint.as_deref() else {
        return Ok(session);
    };
    let keys = state
        .store
        .list_signing_keys()
        .map_err(|_| OAuthError::server_error())?;
    let secret = client.secret(&state.key);
    let sub = hint_subject(
        hint,
        &keys,
        &state.issuer,
        client.client_id.as_str(),
        secret.as_deref(),
    )
    .ok_or_else(|| {
        OAuthError::invalid_request(
            "id_token_hint is not an id_token of this server for this client",
        )
    })?;
    Ok(session.filter(|(_, user)| subject_for(state, client, user).as_str() == sub))
}

/// Looks up the client and validates the request. Without a known client and redirect URI
/// there is nowhere to send an error, so it is a page.
pub(super) fn client_and_request(
    req: &HttpRequest,
    state: &AppState,
    params: &Params,
) -> Result<(Client, AuthorizationRequest), AppError> {
    let page = |message: &str| AppError::bad_request(Lang::En, message);
    let unknown = || page("The site that sent you here is not registered (unknown client_id).");
    let client_id = authorize::requested_client_id(params).map_err(|e| match e {
        AuthorizeError::Page(message) => page(&message),
        AuthorizeError::Redirect { error, .. } => page(&error.description),
    })?;
    let client_id = ClientId::parse(client_id).map_err(|_| unknown())?;
    let client = state.store.find_client(&client_id)?.ok_or_else(unknown)?;
    tracing::Span::current().record("client_id", client.client_id.as_str());
    let request = authorize::validate(params, &client).map_err(|e| match e {
        AuthorizeError::Page(message) => page(&message),
        AuthorizeError::Redirect { target, error } => {
            client_error(req, state, &client, &target, &error)
        }
    })?;
    Ok((client, request))
}

/// An error response to `target`: redirected at once for a client the operator reviewed
/// (RFC 6749 §4.1.2.1); for any other client the person is asked first, so a site that
/// registered itself cannot turn this server into an open redirector (RFC 9700 §4.11.2).
pub(super) fn client_error(
    req: &HttpRequest,
    state: &AppState,
    client: &Client,
    target: &RedirectTarget,
    error: &OAuthError,
) -> AppError {
    let params = [
        ("error", error.code.as_str().to_string()),
        ("error_description", error.description.clone()),
    ];
    let ask_first = (!client.verified).then(|| Leaving {
        lang: i18n::choose(None, req),
        site: client.name.clone(),
        reason: Some(error.description.clone()),
        issuer_host: issuer_host(&state.issuer).to_string(),
    });
    AppError::ToClient(Box::new(ToClient {
        response: target.response(&params, &state.issuer),
        ask_first,
    }))
}

/// Re-encodes parameters for a redirect to the login or consent page.
pub(super) fn encode(params: &Params) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in params.pairs() {
        out.append_pair(name, value);
    }
    out.finish()
}
