//! `GET|POST /consent`: the page that asks "Allow <site> to …?". The form carries the
//! authorization request itself, which is validated again when the answer comes back.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::authorization_response::respond;
use super::authorize::{client_and_request, encode, redirect_error};
use super::extract::{CsrfForm, WithCsrf};
use super::pages::{ConsentPage, ScopeLine};
use super::responses::{error_page, html, see_other, store_failure};
use super::{audit, cookies, i18n, issuer_host, router, AppState};
use crate::domain::audit::AuditKind;
use crate::domain::records::Consent;
use crate::oauth::authorize::consent_lines;
use crate::oauth::{ErrorCode, OAuthError, Params};

/// `GET /consent?<authorization request>`.
pub async fn consent_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let params = Params::parse(req.query_string());
    let (client, request) = match client_and_request(&req, &state, &params) {
        Ok(valid) => valid,
        Err(response) => return response,
    };
    let (_, user) = match cookies::current_user(&req, &state) {
        Ok(Some(found)) => found,
        Ok(None) => {
            let back = format!("{}?{}", router::CONSENT, req.query_string());
            return see_other(&router::login_url(&back, None));
        }
        Err(e) => return store_failure(&e),
    };
    let (csrf_token, csrf_cookie) = cookies::csrf_token(&req, &state);
    let host = url::Url::parse(&request.target.redirect_uri)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| request.target.redirect_uri.clone());
    let lang = i18n::choose(params.get("ui_locales").ok().flatten(), &req);
    let page = ConsentPage {
        t: lang,
        csrf_token: &csrf_token,
        client_name: &client.name,
        client_host: &host,
        client_logo: client
            .logo_uri
            .as_deref()
            .filter(|u| u.starts_with("https://")),
        client_description: client.description.as_deref(),
        user_name: user.display_name(),
        scopes: consent_lines(&request.scope)
            .into_iter()
            .map(|(scope, _)| ScopeLine {
                name: scope.as_str(),
                description: lang.scope(scope),
            })
            .collect(),
        fields: request.fields.clone().unwrap_or_default(),
        claims: request.claims.all_names(),
        message: request.message.as_deref(),
        request: &encode(&params),
        unreviewed_by: (!client.verified).then(|| issuer_host(&state.issuer)),
        unconfirmed_email: (!user.email_verified).then_some(user.email.as_str()),
    };
    let mut response = html(StatusCode::OK, &page);
    if let Some(cookie) = csrf_cookie {
        let _ = response.add_cookie(&cookie);
    }
    response
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
) -> HttpResponse {
    let params = Params::parse(&form.request);
    let (client, request) = match client_and_request(&req, &state, &params) {
        Ok(valid) => valid,
        Err(response) => return response,
    };
    let (session, user) = match cookies::current_user(&req, &state) {
        Ok(Some(found)) => found,
        Ok(None) => {
            let back = format!("{}?{}", router::CONSENT, form.request);
            return see_other(&router::login_url(&back, None));
        }
        Err(e) => return store_failure(&e),
    };
    match form.decision.as_deref() {
        Some("allow") if !user.email_verified => {
            return error_page(
                StatusCode::FORBIDDEN,
                "Confirm your email address before you connect sites to your account.",
            )
        }
        Some("allow") => {}
        Some("deny") => {
            let denied = OAuthError::new(ErrorCode::AccessDenied, "the user denied the request");
            return redirect_error(&req, &state, &client, &request, &denied);
        }
        _ => return error_page(StatusCode::BAD_REQUEST, "Choose Allow or Deny."),
    }
    if form.remember.is_some() {
        let consent = Consent {
            user_id: user.id,
            client_id: client.client_id.clone(),
            scope: request.scope.to_string(),
            now: state.clock.now(),
        };
        if let Err(e) = state.store.save_consent(consent).await {
            return store_failure(&e);
        }
    }
    let given = audit::event(&state, AuditKind::ConsentGiven)
        .of(&user)
        .site(client.client_id.as_str())
        .detail(request.scope.to_string());
    audit::record(&state, &req, given).await;
    respond(&req, &state, &client, &request, &user, &session).await
}
