//! Answering an authorization request: mint what the response type asks for (code, access
//! token, id_token), then write, then deliver by redirect or form post. Everything that can
//! fail (signing) happens before the first write, so a failed response changes nothing.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};

use super::authorize::{client_secret, redirect_error};
use super::keys::{id_token, id_token_claims, subject_for, Subject};
use super::pages::{FormPostPage, LeavePage, LeaveTo};
use super::responses::{html, see_other};
use super::{i18n, issuer_host, AppState};
use crate::auth::session::sid;
use crate::crypto::hash_token;
use crate::domain::records::{AuthCode, Client, Session, User};
use crate::domain::ScopeSet;
use crate::oauth::authorize::AuthorizationRequest;
use crate::oauth::redirect::AuthorizationResponse;
use crate::oauth::token_response::{self, ResponseContext};
use crate::oauth::{tokens, ErrorCode, OAuthError};

/// Issues what the client asked for and sends the browser back to it.
pub(super) async fn respond(
    req: &HttpRequest,
    state: &AppState,
    client: &Client,
    request: &AuthorizationRequest,
    user: &User,
    session: &Session,
) -> HttpResponse {
    let now = state.clock.now();
    let kind = request.response_type;
    let secret = client_secret(state, client);
    let fields = request.fields.as_ref().map(|f| f.join(","));
    let session_id = sid(&session.id_hash);
    let sub = subject_for(state, client, user);
    let claims = (!request.claims.is_empty()).then(|| request.claims.to_json());
    let mut params: Vec<(&str, String)> = Vec::new();

    let code = kind.code.then(tokens::new_secret_value);
    let code_record = code.as_ref().map(|code| AuthCode {
        code_hash: hash_token(code),
        client_id: client.client_id.clone(),
        user_id: user.id,
        redirect_uri: request.target.redirect_uri.clone(),
        redirect_uri_explicit: request.redirect_uri_explicit,
        scope: request.scope.to_string(),
        fields: fields.clone(),
        code_challenge: request.code_challenge.clone(),
        nonce: request.nonce.clone(),
        sid: Some(session_id.clone()),
        claims: claims.clone(),
        auth_time: session.auth_time,
        issued_at: now,
        expires_at: now + tokens::CODE_TTL,
        redeemed: false,
    });
    if let Some(code) = &code {
        params.push(("code", code.clone()));
    }

    let mut token_grant = None;
    if kind.token {
        let mut grant = tokens::new_grant(
            &client.client_id,
            Some(user.id),
            &request.scope,
            fields,
            now,
        );
        grant.auth_time = Some(session.auth_time);
        grant.sid = Some(session_id.clone());
        grant.claims = claims.clone();
        let minted = tokens::mint(&grant.id, &request.scope, now, false);
        let ctx = ResponseContext {
            issuer: &state.issuer,
            signature_method: client.signature_method,
            client_secret: secret.as_deref(),
            sub: Some(&sub),
            scope: &request.scope,
            now,
        };
        let response = token_response::build(minted.access_token.clone(), None, None, &ctx);
        params.extend(response.fragment_params());
        token_grant = Some((grant, minted));
    }

    if kind.id_token {
        // Without an access token the scope's claims can only travel in the id_token.
        let by_scope = if kind.token || kind.code {
            ScopeSet::default()
        } else {
            request.scope.clone()
        };
        let subject = Subject {
            extra: id_token_claims(user, &sub, &by_scope, claims.as_deref()),
            sub: sub.clone(),
            auth_time: session.auth_time,
            nonce: request.nonce.clone(),
            sid: Some(session_id),
        };
        let access = token_grant.as_ref().map(|(_, m)| m.access_token.as_str());
        match id_token(
            state,
            client,
            secret.as_deref(),
            &subject,
            access,
            code.as_deref(),
            now,
        ) {
            Ok(signed) => params.push(("id_token", signed)),
            Err(error) => return redirect_error(req, state, client, request, &error),
        }
    }

    let mut written = true;
    if let Some(record) = code_record {
        written &= state.store.create_auth_code(record).await.is_ok();
    }
    if let Some((grant, minted)) = token_grant {
        written &= state.store.issue_grant(grant, minted.stored).await.is_ok();
    }
    if !written {
        let error = OAuthError::new(
            ErrorCode::ServerError,
            "the server could not issue a response",
        );
        return redirect_error(req, state, client, request, &error);
    }
    state.metrics.authorization(kind.as_str());
    deliver(&request.target.response(&params, &state.issuer))
}

/// The page that asks before sending the person to a site the operator has not reviewed,
/// naming the destination: `response` is what would otherwise have been delivered.
pub(super) fn confirm_leaving(
    req: &HttpRequest,
    state: &AppState,
    site: &str,
    response: &AuthorizationResponse,
    reason: Option<&str>,
) -> HttpResponse {
    let (target, next) = match response {
        AuthorizationResponse::Redirect(url) => (url.as_str(), LeaveTo::Link(url)),
        AuthorizationResponse::FormPost { action, fields } => {
            (action.as_str(), LeaveTo::Form(action, fields))
        }
    };
    let destination = url::Url::parse(target)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| {
            target
                .split(['?', '#'])
                .next()
                .unwrap_or(target)
                .to_string()
        });
    let page = LeavePage {
        t: i18n::choose(None, req),
        site,
        destination: &destination,
        reason,
        issuer_host: issuer_host(&state.issuer),
        next,
    };
    html(StatusCode::OK, &page)
}

/// Sends an authorization response: a 303 redirect, or the auto-submitting form of
/// `response_mode=form_post`.
pub(super) fn deliver(response: &AuthorizationResponse) -> HttpResponse {
    match response {
        AuthorizationResponse::Redirect(url) => see_other(url),
        AuthorizationResponse::FormPost { action, fields } => {
            html(StatusCode::OK, &FormPostPage { action, fields })
        }
    }
}
