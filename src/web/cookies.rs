//! The browser's cookies: the login session and the CSRF cookie.

use actix_web::cookie::{time::Duration, Cookie, SameSite};
use actix_web::HttpRequest;

use super::AppState;
use crate::auth::csrf;
use crate::auth::session::{CSRF_COOKIE, SESSION_COOKIE, SESSION_TTL};
use crate::crypto::{hash_token, random_token};
use crate::domain::records::{Session, User};
use crate::store::StoreResult;

fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .finish()
}

/// The session cookie for a new login.
pub fn session_cookie(id: String, secure: bool) -> Cookie<'static> {
    let mut c = cookie(SESSION_COOKIE, id, secure);
    c.set_max_age(Duration::seconds(SESSION_TTL));
    c
}

/// A cookie that removes the session cookie.
pub fn expired_session_cookie(secure: bool) -> Cookie<'static> {
    let mut c = cookie(SESSION_COOKIE, String::new(), secure);
    c.make_removal();
    c
}

/// The hash of the session id the browser sent, if any.
pub fn session_id_hash(req: &HttpRequest) -> Option<String> {
    req.cookie(SESSION_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty())
        .map(|id| hash_token(&id))
}

/// The signed-in user, if the browser holds a live session.
pub fn current_user(req: &HttpRequest, state: &AppState) -> StoreResult<Option<(Session, User)>> {
    let Some(id_hash) = session_id_hash(req) else {
        return Ok(None);
    };
    let Some(session) = state.store.find_session(&id_hash, state.clock.now())? else {
        return Ok(None);
    };
    Ok(state
        .store
        .find_user(session.user_id)?
        .map(|user| (session, user)))
}

/// The CSRF token for forms on this page, and the cookie to set if the browser has none yet.
pub fn csrf_token(req: &HttpRequest, state: &AppState) -> (String, Option<Cookie<'static>>) {
    match req.cookie(CSRF_COOKIE).filter(|c| !c.value().is_empty()) {
        Some(existing) => (csrf::token_for(&state.key, existing.value()), None),
        None => {
            let value = random_token(32);
            let token = csrf::token_for(&state.key, &value);
            (
                token,
                Some(cookie(CSRF_COOKIE, value, state.secure_cookies)),
            )
        }
    }
}

/// Whether a submitted form carries the right CSRF token.
pub fn csrf_ok(req: &HttpRequest, state: &AppState, submitted: Option<&str>) -> bool {
    let cookie = req.cookie(CSRF_COOKIE);
    csrf::verify(&state.key, cookie.as_ref().map(|c| c.value()), submitted)
}

/// Renders a page with the CSRF token its forms carry, setting the CSRF cookie if the
/// browser has none yet.
pub fn with_csrf(
    req: &HttpRequest,
    state: &AppState,
    render: impl FnOnce(&str) -> actix_web::HttpResponse,
) -> actix_web::HttpResponse {
    let (token, cookie) = csrf_token(req, state);
    let mut response = render(&token);
    if let Some(cookie) = cookie {
        let _ = response.add_cookie(&cookie);
    }
    response
}
