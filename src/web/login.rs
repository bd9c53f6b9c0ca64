//! `GET|POST /login`: the sign-in form. A successful login starts a new session (new id,
//! the old one deleted) and returns to where the person was going.

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::error::AppError;
use super::extract::{CsrfForm, WithCsrf};
use super::pages::LoginPage;
use super::responses::{html, see_other, too_many};
use super::{audit, cookies, i18n, router, AppState};
use crate::auth::session::new_session;
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::records::User;

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
    render(&req, &state, return_to, username, false)
}

/// The sign-in form; after `wrong_credentials` a 401 that says so.
fn render(
    req: &HttpRequest,
    state: &AppState,
    return_to: &str,
    username: &str,
    wrong_credentials: bool,
) -> HttpResponse {
    let status = match wrong_credentials {
        true => StatusCode::UNAUTHORIZED,
        false => StatusCode::OK,
    };
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
) -> Result<HttpResponse, AppError> {
    let return_to = router::safe_return_to(form.return_to.as_deref());
    let attempt = Attempt::new(&req, &state, &form.username);
    if let Some(wait) = attempt.throttled(&state) {
        state.metrics.login(false);
        return Ok(too_many(&req, wait));
    }
    let (user, hash) = state.store.find_login(&attempt.username)?.unzip();
    let verified = state
        .passwords
        .verify(&attempt.source, form.password.clone(), hash)
        .await;
    let user = match user {
        Some(user) if verified => user,
        known => {
            record_failed_sign_in(&req, &state, &attempt, known.as_ref()).await;
            return Ok(render(&req, &state, return_to, &form.username, true));
        }
    };
    let session = start_session(&req, &state, &user).await?;
    record_sign_in(&req, &state, &attempt, &user).await;
    let mut response = see_other(return_to);
    let _ = response.add_cookie(&session);
    Ok(response)
}

/// One sign-in attempt as the throttles count it: by account and by client address.
struct Attempt {
    username: String,
    source: String,
    account_key: String,
    source_key: String,
    now: i64,
}

impl Attempt {
    fn new(req: &HttpRequest, state: &AppState, username: &str) -> Self {
        let username = username.trim().to_lowercase();
        let source = state.client_address(req);
        Self {
            account_key: format!("user:{username}"),
            source_key: format!("ip:{source}"),
            username,
            source,
            now: state.clock.now(),
        }
    }

    /// How long to wait before trying again, if either throttle holds the attempt back.
    /// Known and unknown usernames are throttled alike, so the answer reveals neither.
    fn throttled(&self, state: &AppState) -> Option<i64> {
        let throttles = &state.throttles;
        let waits = [
            throttles.login_account.check(&self.account_key, self.now),
            throttles.login_source.check(&self.source_key, self.now),
        ];
        waits.into_iter().filter_map(Result::err).max()
    }

    /// Counts a failure against both throttles; the wait it imposes, if any.
    fn failed(&self, state: &AppState) -> i64 {
        let throttles = &state.throttles;
        let waits = [
            throttles.login_account.failed(&self.account_key, self.now),
            throttles.login_source.failed(&self.source_key, self.now),
        ];
        waits.into_iter().max().unwrap_or(0)
    }
}

/// Counts and audits a sign-in, and forgets the account's failures.
async fn record_sign_in(req: &HttpRequest, state: &AppState, attempt: &Attempt, user: &User) {
    state.metrics.login(true);
    state
        .throttles
        .login_account
        .succeeded(&attempt.account_key);
    let signed_in = audit::event(state, AuditKind::SignIn).of(user);
    audit::record(state, req, signed_in).await;
}

/// Counts and audits a wrong username or password (and the throttling it starts).
async fn record_failed_sign_in(
    req: &HttpRequest,
    state: &AppState,
    attempt: &Attempt,
    known: Option<&User>,
) {
    state.metrics.login(false);
    let wait = attempt.failed(state);
    let mut failed = audit::event(state, AuditKind::SignInFailed);
    failed.user_id = known.map(|u| u.id);
    failed.username = Some(attempt.username.clone());
    if wait > 0 {
        let throttled = AuditEvent {
            kind: AuditKind::Throttled,
            detail: Some(format!("next try in {wait} s")),
            ..failed.clone()
        };
        audit::record(state, req, throttled).await;
    }
    audit::record(state, req, failed).await;
}

/// Starts a new session for `user` in place of the browser's current one; the cookie that
/// carries it.
pub(super) async fn start_session(
    req: &HttpRequest,
    state: &AppState,
    user: &User,
) -> Result<Cookie<'static>, AppError> {
    let agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (id, session) = new_session(user.id, state.clock.now(), agent);
    let replaces = cookies::session_id_hash(req);
    state.store.create_session(session, replaces).await?;
    Ok(cookies::session_cookie(id, state.secure_cookies))
}
