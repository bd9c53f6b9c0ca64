//! `GET|POST /consent`: the page that asks "Allow <site> to …?". The form carries the
//! authorization request itself, which is validated again when the answer comes back.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::authorization_response::respond;
use super::authorize::{client_and_request, client_error, encode};
use super::error::AppError;
use super::extract::{CsrfForm, WithCsrf};
use super::i18n::Lang;
use super::pages::{ConsentPage, ScopeLine};
use super::responses::html;
use super::{audit, cookies, i18n, issuer_host, router, AppState};
use crate::domain::audit::AuditKind;
use crate::domain::records::{Client, Consent, Session, User};
use crate::domain::ScopeSet;
use crate::oauth::authorize::{consent_lines, AuthorizationRequest};
use crate::oauth::{ErrorCode, OAuthError, Params};
use crate::store::StoreError;

/// `GET /consent?<authorization request>`.
pub async fn consent_get(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let params = Params::parse(req.query_string());
    let (client, request) = client_and_request(&req, &state, &params)?;
    let (_, user) = signed_in(&req, &state, req.query_string())?;
    let lang = i18n::choose(params.get("ui_locales").ok().flatten(), &req);
    Ok(cookies::with_csrf(&req, &state, |csrf_token| {
        let page = ConsentPage {
            t: lang,
            csrf_token,
            client_name: &client.name,
            client_host: &host_of(&request.target.redirect_uri),
            client_logo: (client.logo_uri.as_deref()).filter(|u| u.starts_with("https://")),
            client_description: client.description.as_deref(),
            user_name: user.display_name(),
            scopes: scope_lines(lang, &request.scope),
            fields: request.fields.clone().unwrap_or_default(),
            claims: request.claims.all_names(),
            message: request.message.as_deref(),
            request: &encode(&params),
            unreviewed_by: (!client.verified).then(|| issuer_host(&state.issuer)),
            unconfirmed_email: (!user.email_verified).then_some(user.email.as_str()),
        };
        html(StatusCode::OK, &page)
    }))
}

/// The signed-in person; else to the sign-in page, which comes back to this consent page.
fn signed_in(
    req: &HttpRequest,
    state: &AppState,
    request: &str,
) -> Result<(Session, User), AppError> {
    cookies::current_user(req, state)?.ok_or_else(|| AppError::SignIn {
        return_to: format!("{}?{request}", router::CONSENT),
    })
}

/// The host a site's redirect URI names, as the page shows it.
fn host_of(redirect_uri: &str) -> String {
    url::Url::parse(redirect_uri)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| redirect_uri.to_string())
}

fn scope_lines(lang: Lang, scope: &ScopeSet) -> Vec<ScopeLine> {
    consent_lines(scope)
        .into_iter()
        .map(|(scope, _)| ScopeLine {
            name: scope.as_str(),
            description: lang.scope(scope),
        })
        .collect()
}

/// The consent form's fields (DESIGN: `decision`, `remember`).
#[derive(Deserialize)]
pub struct ConsentForm {
    csrf_token: Option<String>,
    request: String,
    decision: Option<String>,
    remember: Option<String>,
}

impl WithCsrf for ConsentForm {
    fn csrf_token(&self) -> Option<&str> {
        self.csrf_token.as_deref()
    }
}

/// `POST /consent`: allow or deny, optionally remembered.
pub async fn consent_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ConsentForm>,
) -> Result<HttpResponse, AppError> {
    let params = Params::parse(&form.request);
    let (client, request) = client_and_request(&req, &state, &params)?;
    let (session, user) = signed_in(&req, &state, &form.request)?;
    let remember = form.remember.is_some();
    match form.decision.as_deref() {
        Some("allow") if !user.email_verified => Err(page(
            StatusCode::FORBIDDEN,
            "Confirm your email address before you connect sites to your account.",
        )),
        Some("allow") => {
            allowed(&req, &state, &client, &request, &user, remember).await?;
            respond(&req, &state, &client, &request, &user, &session).await
        }
        Some("deny") => {
            let denied = OAuthError::new(ErrorCode::AccessDenied, "the user denied the request");
            Err(client_error(
                &req,
                &state,
                &client,
                &request.target,
                &denied,
            ))
        }
        _ => Err(page(StatusCode::BAD_REQUEST, "Choose Allow or Deny.")),
    }
}

/// A page with `message`, which the consent form words in English only.
fn page(status: StatusCode, message: &str) -> AppError {
    AppError::Page {
        lang: Lang::En,
        status,
        message: message.into(),
    }
}

/// Remembers the consent when asked to, and records it in the audit trail.
async fn allowed(
    req: &HttpRequest,
    state: &AppState,
    client: &Client,
    request: &AuthorizationRequest,
    user: &User,
    remember: bool,
) -> Result<(), StoreError> {
    if remember {
        let consent = Consent {
            user_id: user.id,
            client_id: client.client_id.clone(),
            scope: request.scope.to_string(),
            now: state.clock.now(),
        };
        state.store.save_consent(consent).await?;
    }
    let given = audit::event(state, AuditKind::ConsentGiven)
        .of(user)
        .site(client.client_id.as_str())
        .detail(request.scope.to_string());
    audit::record(state, req, given).await;
    Ok(())
}
