//! `GET|POST /oauth/authorize` (and VZ's `/OAuth2/Authorize/`): validate, then decide from
//! the session, `prompt`, `max_age` and any remembered consent whether to show the sign-in
//! form, the consent page, or answer the client at once (see `authorization_response`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::authorization_response::{confirm_leaving, deliver, respond};
use super::keys::subject_for;
use super::responses::{error_page, see_other, store_failure};
use super::{cookies, router, AppState};
use crate::domain::records::{Client, Session, User};
use crate::domain::{ClientId, ScopeSet};
use crate::oauth::authorize::{self, AuthorizationRequest, AuthorizeError};
use crate::oauth::redirect::RedirectTarget;
use crate::oauth::{OAuthError, Params};
use crate::oidc::id_token::hint_subject;
use crate::oidc::prompt::{after_login, Step};

/// `GET /oauth/authorize`.
pub async fn authorize_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    authorize(&req, &state, Params::parse(req.query_string())).await
}

/// `POST /oauth/authorize` (form-encoded, same parameters; OpenID Connect Core §3.1.2.1).
pub async fn authorize_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> HttpResponse {
    let params = Params::parse(&String::from_utf8_lossy(&body));
    authorize(&req, &state, params).await
}

async fn authorize(req: &HttpRequest, state: &AppState, params: Params) -> HttpResponse {
    let (client, request) = match client_and_request(req, state, &params) {
        Ok(valid) => valid,
        Err(response) => return response,
    };
    let session = match cookies::current_user(req, state) {
        Ok(session) => session,
        Err(e) => return store_failure(&e),
    };
    let session = match expected_user(state, &client, &request, session) {
        Ok(session) => session,
        Err(error) => return redirect_error(req, state, &client, &request, &error),
    };
    let remembered = match &session {
        Some((_, user)) => match state.store.find_consent(user.id, &client.client_id) {
            Ok(scope) => scope.and_then(|s| ScopeSet::parse(&s).ok()),
            Err(e) => return store_failure(&e),
        },
        None => None,
    };
    // A person whose address is unconfirmed connects no site: the consent page says why.
    let confirmed = session
        .as_ref()
        .is_some_and(|(_, user)| user.email_verified);
    let consent_remembered =
        confirmed && !authorize::needs_consent(remembered.as_ref(), &request.scope);
    let auth_time = session.as_ref().map(|(s, _)| s.auth_time);
    let step = request
        .interaction
        .next_step(auth_time, consent_remembered, state.clock.now());
    match (step, session) {
        (Err(error), _) => redirect_error(req, state, &client, &request, &error),
        (Ok(Step::Respond), Some((session, user))) => {
            respond(req, state, &client, &request, &user, &session).await
        }
        (Ok(Step::Consent), Some(_)) => {
            see_other(&format!("{}?{}", router::CONSENT, encode(&params)))
        }
        (Ok(_), _) => {
            let back = format!("{}?{}", router::AUTHORIZE, encode(&after_login(&params)));
            let hint = request.interaction.login_hint.as_deref();
            see_other(&router::login_url(&back, hint))
        }
    }
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
    let secret = client_secret(state, client);
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

/// The client's secret in plain text (HS256 id_tokens and the VZ signature need it).
pub(super) fn client_secret(state: &AppState, client: &Client) -> Option<String> {
    client.secret(&state.key)
}

/// Looks up the client and validates the request; errors are already rendered.
pub(super) fn client_and_request(
    req: &HttpRequest,
    state: &AppState,
    params: &Params,
) -> Result<(Client, AuthorizationRequest), HttpResponse> {
    let unknown = || {
        error_page(
            StatusCode::BAD_REQUEST,
            "The site that sent you here is not registered (unknown client_id).",
        )
    };
    let client_id = authorize::requested_client_id(params).map_err(|e| match e {
        AuthorizeError::Page(message) => error_page(StatusCode::BAD_REQUEST, &message),
        // Without a client there is nowhere to redirect to.
        AuthorizeError::Redirect { error, .. } => {
            error_page(StatusCode::BAD_REQUEST, &error.description)
        }
    })?;
    let client_id = ClientId::parse(client_id).map_err(|_| unknown())?;
    let client = match state.store.find_client(&client_id) {
        Ok(Some(client)) => client,
        Ok(None) => return Err(unknown()),
        Err(e) => return Err(store_failure(&e)),
    };
    tracing::Span::current().record("client_id", client.client_id.as_str());
    let request = authorize::validate(params, &client).map_err(|e| match e {
        AuthorizeError::Page(message) => error_page(StatusCode::BAD_REQUEST, &message),
        AuthorizeError::Redirect { target, error } => {
            send_error(req, state, &client, &target, &error)
        }
    })?;
    Ok((client, request))
}

fn error_params(error: &OAuthError) -> [(&'static str, String); 2] {
    [
        ("error", error.code.as_str().to_string()),
        ("error_description", error.description.clone()),
    ]
}

/// Sends the user back to the client with an error (e.g. `access_denied`).
pub(super) fn redirect_error(
    req: &HttpRequest,
    state: &AppState,
    client: &Client,
    request: &AuthorizationRequest,
    error: &OAuthError,
) -> HttpResponse {
    send_error(req, state, client, &request.target, error)
}

/// An error response to `target`: redirected at once for a client the operator reviewed
/// (RFC 6749 §4.1.2.1); for any other client the person is asked first, so a site that
/// registered itself cannot turn this server into an open redirector (RFC 9700 §4.11.2).
fn send_error(
    req: &HttpRequest,
    state: &AppState,
    client: &Client,
    target: &RedirectTarget,
    error: &OAuthError,
) -> HttpResponse {
    let response = target.response(&error_params(error), &state.issuer);
    if client.verified {
        deliver(&response)
    } else {
        confirm_leaving(
            req,
            state,
            &client.name,
            &response,
            Some(&error.description),
        )
    }
}

/// Re-encodes parameters for a redirect to the login or consent page.
pub(super) fn encode(params: &Params) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in params.pairs() {
        out.append_pair(name, value);
    }
    out.finish()
}
