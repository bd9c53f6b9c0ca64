//! `GET|POST /login`: the sign-in form. A successful login starts a new session (new id,
//! the old one deleted) and returns to where the person was going.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::extract::{CsrfForm, WithCsrf};
use super::pages::LoginPage;
use super::responses::{html, see_other, store_failure, too_many};
use super::{audit, cookies, i18n, router, AppState};
use crate::auth::session::new_session;
use crate::domain::audit::{AuditEvent, AuditKind};

/// Query of `GET /login`.
#[derive(Deserialize)]
pub struct LoginQuery {
    return_to: Option<String>,
    /// OpenID Connect `login_hint`: pre-fills the username.
    login_hint: Option<String>,
}

/// `GET /login`.
pub async fn login_get(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<LoginQuery>,
) -> HttpResponse {
    let return_to = router::safe_return_to(query.return_to.as_deref());
    let username = query.login_hint.as_deref().unwrap_or("");
    render(&req, &state, StatusCode::OK, return_to, username, false)
}

fn render(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    return_to: &str,
    username: &str,
    wrong_credentials: bool,
) -> HttpResponse {
    let (csrf_token, cookie) = cookies::csrf_token(req, state);
    let t = i18n::choose(i18n::ui_locales_of(return_to).as_deref(), req);
    let page = LoginPage {
        t,
        csrf_token: &csrf_token,
        return_to,
        username,
        error: wrong_credentials.then_some(t.tr("Wrong username or password.")),
    };
    let mut response = html(status, &page);
    if let Some(cookie) = cookie {
        let _ = response.add_cookie(&cookie);
    }
    response
}

/// The login form's fields (DESIGN: `username`, `password`).
#[derive(Deserialize)]
pub struct LoginForm {
    csrf_token: Option<String>,
    username: String,
    password: String,
    return_to: Option<String>,
}

impl WithCsrf for LoginForm {
    fn csrf_token(&self) -> Option<&str> {
        self.csrf_token.as_deref()
    }
}

/// `POST /login`.
pub async fn login_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> HttpResponse {
    let return_to = router::safe_return_to(form.return_to.as_deref());
    let username = form.username.trim().to_lowercase();
    let source = state.client_address(&req);
    let (account_key, source_key) = (format!("user:{username}"), format!("ip:{source}"));
    let now = state.clock.now();
    let throttles = &state.throttles;
    // Known and unknown usernames are throttled alike, so the answer reveals neither.
    let waits = [
        throttles.login_account.check(&account_key, now),
        throttles.login_source.check(&source_key, now),
    ];
    if let Some(wait) = waits.into_iter().filter_map(Result::err).max() {
        state.metrics.login(false);
        return too_many(&req, wait);
    }
    let found = match state.store.find_login(&username) {
        Ok(found) => found,
        Err(e) => return store_failure(&e),
    };
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let verified = state
        .passwords
        .verify(&source, form.password.clone(), hash)
        .await;
    let user = match user {
        Some(user) if verified => user,
        known => {
            state.metrics.login(false);
            let waits = [
                throttles.login_account.failed(&account_key, now),
                throttles.login_source.failed(&source_key, now),
            ];
            let mut failed = audit::event(&state, AuditKind::SignInFailed);
            failed.user_id = known.as_ref().map(|u| u.id);
            failed.username = Some(username.clone());
            let wait = waits.into_iter().max().unwrap_or(0);
            if wait > 0 {
                let throttled = AuditEvent {
                    kind: AuditKind::Throttled,
                    detail: Some(format!("next try in {wait} s")),
                    ..failed.clone()
                };
                audit::record(&state, &req, throttled).await;
            }
            audit::record(&state, &req, failed).await;
            return render(
                &req,
                &state,
                StatusCode::UNAUTHORIZED,
                return_to,
                &form.username,
                true,
            );
        }
    };
    let agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (id, session) = new_session(user.id, state.clock.now(), agent);
    let replaces = cookies::session_id_hash(&req);
    if let Err(e) = state.store.create_session(session, replaces).await {
        return store_failure(&e);
    }
    state.metrics.login(true);
    throttles.login_account.succeeded(&account_key);
    let signed_in = audit::event(&state, AuditKind::SignIn).of(&user);
    audit::record(&state, &req, signed_in).await;
    let mut response = see_other(return_to);
    let _ = response.add_cookie(&cookies::session_cookie(id, state.secure_cookies));
    response
}
