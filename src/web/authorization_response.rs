//! Answering an authorization request: the core decides what to issue (`oauth::issue`), this
//! module signs the id_token and words the response, the store writes it in one transaction,
//! and the browser is sent back by redirect or form post. Everything that can fail (signing)
//! happens before the write, so a failed response changes nothing.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};

use super::authorize::client_error;
use super::error::AppError;
use super::i18n::{self, Lang};
use super::keys::{sign_id_token, subject_for};
use super::pages::{FormPostPage, LeavePage, LeaveTo};
use super::responses::{html, see_other};
use super::{issuer_host, AppState};
use crate::auth::session::sid;
use crate::domain::records::{Client, Session, User};
use crate::domain::{ScopeSet, Sub};
use crate::oauth::authorize::AuthorizationRequest;
use crate::oauth::issue::{self, Approval, Issue};
use crate::oauth::redirect::AuthorizationResponse;
use crate::oauth::token_response::{self, ResponseContext};
use crate::oauth::{ErrorCode, OAuthError};
use crate::oidc::id_token::{person_claims, IdTokenClaims, Subject, TravelsWith};

const NOT_ISSUED: &str = "the server could not issue a response";

/// Issues what the client asked for and sends the browser back to it.
pub(super) async fn respond(
    req: &HttpRequest,
    state: &AppState,
    client: &Client,
    request: &AuthorizationRequest,
    user: &User,
    session: &Session,
) -> Result<HttpResponse, AppError> {
    let approval = approval(client, user, session);
    let now = state.clock.now();
    let issued = issue::issue(request, &approval, &state.key, now);
    let fail = |error: &OAuthError| client_error(req, state, client, &request.target, error);
    let answer = Answer {
        state,
        client,
        request,
        user,
    };
    let params = answer
        .params(&issued, &approval, now)
        .map_err(|e| fail(&e))?;
    let written = state.store.issue_authorization(issued.records()).await;
    written.map_err(|_| fail(&OAuthError::new(ErrorCode::ServerError, NOT_ISSUED)))?;
    state.metrics.authorization(request.response_type.as_str());
    Ok(deliver(&request.target.response(&params, &state.issuer)))
}

/// The person's approval of `client`'s request, with how they signed in.
fn approval<'a>(client: &'a Client, user: &User, session: &Session) -> Approval<'a> {
    Approval {
        client_id: &client.client_id,
        user_id: user.id,
        auth_time: session.auth_time,
        sid: sid(&session.id_hash),
    }
}

/// What a response is worded from.
struct Answer<'a> {
    state: &'a AppState,
    client: &'a Client,
    request: &'a AuthorizationRequest,
    user: &'a User,
}

impl Answer<'_> {
    /// The response's parameters: the code, the access token's, and the signed id_token.
    fn params(
        &self,
        issued: &Issue,
        approval: &Approval<'_>,
        now: i64,
    ) -> Result<Vec<(&'static str, String)>, OAuthError> {
        let secret = self.client.secret(&self.state.key);
        let sub = subject_for(self.state, self.client, self.user);
        let mut params = Vec::new();
        if let Some(code) = issued.code_value() {
            params.push(("code", code.to_string()));
        }
        if let Some(access) = issued.access_token() {
            params.extend(self.token_params(access, &sub, secret.as_deref(), now));
        }
        if let Some(by_scope) = &issued.id_token {
            let claims = self.id_token_claims(issued, approval, sub, by_scope, now);
            let signed = sign_id_token(self.state, self.client, secret.as_deref(), &claims)?;
            params.push(("id_token", signed));
        }
        Ok(params)
    }

    /// The access token's parameters (with the VZ fields when `openid` was granted).
    fn token_params(
        &self,
        access: &str,
        sub: &Sub,
        secret: Option<&str>,
        now: i64,
    ) -> Vec<(&'static str, String)> {
        let ctx = ResponseContext {
            issuer: &self.state.issuer,
            signature_method: self.client.signature_method,
            client_secret: secret,
            sub: Some(sub),
            scope: &self.request.scope,
            now,
        };
        token_response::build(access.to_string(), None, None, &ctx).fragment_params()
    }

    /// The id_token's claims: the person's (those of `by_scope` among them) and the hashes
    /// of the code and access token it travels with.
    fn id_token_claims(
        &self,
        issued: &Issue,
        approval: &Approval<'_>,
        sub: Sub,
        by_scope: &ScopeSet,
        now: i64,
    ) -> IdTokenClaims {
        let subject = Subject {
            extra: person_claims(self.user, &sub, by_scope, &self.request.claims.id_token),
            sub,
            auth_time: approval.auth_time,
            nonce: self.request.nonce.clone(),
            sid: Some(approval.sid.clone()),
        };
        let travels_with = TravelsWith {
            access_token: issued.access_token(),
            code: issued.code_value(),
        };
        let (issuer, client_id) = (&self.state.issuer, &self.client.client_id);
        IdTokenClaims::new(issuer, client_id, &subject, travels_with, now)
    }
}

/// An authorization response on its way to a client, and whether to ask the person first.
#[derive(Debug)]
pub struct ToClient {
    pub response: AuthorizationResponse,
    /// Set for a site the operator has not reviewed: the person is asked before leaving.
    pub ask_first: Option<Leaving>,
}

/// What the "Leave for another site?" page says.
#[derive(Debug)]
pub struct Leaving {
    pub lang: Lang,
    pub site: String,
    pub reason: Option<String>,
    pub issuer_host: String,
}

impl ToClient {
    /// The redirect or form post, or the page that asks first.
    pub fn answer(&self) -> HttpResponse {
        match &self.ask_first {
            None => deliver(&self.response),
            Some(leaving) => leave_page(leaving, &self.response),
        }
    }
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
    let leaving = Leaving {
        lang: i18n::choose(None, req),
        site: site.to_string(),
        reason: reason.map(str::to_string),
        issuer_host: issuer_host(&state.issuer).to_string(),
    };
    leave_page(&leaving, response)
}

fn leave_page(leaving: &Leaving, response: &AuthorizationResponse) -> HttpResponse {
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
        t: leaving.lang,
        site: &leaving.site,
        destination: &destination,
        reason: leaving.reason.as_deref(),
        issuer_host: &leaving.issuer_host,
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
