//! `GET|POST /signup`, `GET /verify-email`, `GET|POST /password/forgot` and
//! `GET|POST /password/reset`: creating an account and recovering it by mail. Links are
//! single-use and expire; a form with a problem says so and writes nothing.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::cookies::with_csrf;
use super::pages::{MessagePage, PasswordResetPage, RecoverPage, SignupPage};
use super::responses::{error_page_in, expired_form, html, see_other, server_error_page};
use super::{cookies, i18n, router, AppState};
use crate::auth::password::check_strength;
use crate::auth::session::new_session;
use crate::crypto::{hash_token, random_token};
use crate::domain::records::{LinkAction, LinkPurpose, NewUser, OneTimeLink, UserId};
use crate::domain::{Email, Sub, Username};
use crate::store::StoreError;

/// Seconds an email verification link works.
const VERIFY_TTL: i64 = 24 * 3600;
/// Seconds a password reset link works.
const RESET_TTL: i64 = 3600;

/// Mails a single-use link for `purpose` to `to`.
async fn send_link(
    state: &AppState,
    user: UserId,
    to: &str,
    purpose: LinkPurpose,
) -> Result<(), String> {
    let token = random_token(32);
    let (ttl, path, subject, text) = match purpose {
        LinkPurpose::VerifyEmail => (VERIFY_TTL, router::VERIFY_EMAIL, "Confirm your email address", "Confirm your email address for vzconnect by opening this link within 24 hours:"),
        LinkPurpose::ResetPassword => (RESET_TTL, router::PASSWORD_RESET, "Reset your password", "Someone (hopefully you) asked to reset your vzconnect password. Open this link within an hour to choose a new one:"),
    };
    let link = OneTimeLink {
        hash: hash_token(&token),
        user_id: user,
        purpose,
        expires_at: state.clock.now() + ttl,
    };
    state
        .store
        .create_link(link)
        .await
        .map_err(|e| e.to_string())?;
    let body = format!(
        "{text}\n\n{}{path}?token={token}\n\nIf you did not ask for this, ignore this mail.\n",
        state.issuer
    );
    state.mailer.send(to, subject, body).await
}

/// `GET /signup`.
pub async fn signup_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    with_csrf(&req, &state, |csrf| {
        html(
            StatusCode::OK,
            &SignupPage {
                t: i18n::choose(None, &req),
                csrf_token: csrf,
                username: "",
                email: "",
                name: "",
                errors: Vec::new(),
            },
        )
    })
}

/// The signup form (fields as on the page).
#[derive(Deserialize)]
pub struct SignupForm {
    csrf_token: Option<String>,
    username: String,
    email: String,
    #[serde(default)]
    name: String,
    password: String,
}

/// `POST /signup`: creates the account, mails a verification link and signs the person in.
pub async fn signup_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<SignupForm>,
) -> HttpResponse {
    if !cookies::csrf_ok(&req, &state, form.csrf_token.as_deref()) {
        return expired_form(&req);
    }
    let t = i18n::choose(None, &req);
    let mut errors = Vec::new();
    let username = Username::parse(&form.username)
        .map_err(|e| errors.push(format!("{}: {e}.", t.tr("Username"))))
        .ok();
    let email = Email::parse(&form.email)
        .map_err(|e| errors.push(format!("{}: {e}.", t.tr("Email"))))
        .ok();
    if let Err(e) = check_strength(
        &form.password,
        &[
            form.username.as_str(),
            form.email.as_str(),
            form.name.as_str(),
        ],
    ) {
        errors.push(format!("{}: {e}.", t.tr("Password")));
    }
    let created = match (username, email, errors.is_empty()) {
        (Some(username), Some(email), true) => {
            let password_hash = match state.passwords.hash(form.password.clone()).await {
                Ok(hash) => hash,
                Err(_) => return server_error_page(),
            };
            let name = Some(form.name.trim().to_string()).filter(|n| !n.is_empty());
            let user = NewUser {
                sub: Sub::generate(),
                username: username.as_str().to_string(),
                email: email.as_str().to_string(),
                name,
                password_hash,
                created_at: state.clock.now(),
            };
            match state.store.create_user(user).await {
                Ok(user) => Some(user),
                Err(StoreError::Conflict(message)) => {
                    errors.push(format!("{}.", capitalize(&message)));
                    None
                }
                Err(_) => return server_error_page(),
            }
        }
        _ => None,
    };
    let Some(user) = created else {
        return with_csrf(&req, &state, |csrf| {
            let page = SignupPage {
                t,
                csrf_token: csrf,
                username: &form.username,
                email: &form.email,
                name: &form.name,
                errors,
            };
            html(StatusCode::UNPROCESSABLE_ENTITY, &page)
        });
    };
    if let Err(e) = send_link(&state, user.id, &user.email, LinkPurpose::VerifyEmail).await {
        log::error!("verification mail for {}: {e}", user.username);
    }
    let agent = req
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (id, session) = new_session(user.id, state.clock.now(), agent);
    if state
        .store
        .create_session(session, cookies::session_id_hash(&req))
        .await
        .is_err()
    {
        return server_error_page();
    }
    let t = i18n::choose(None, &req);
    let page = MessagePage {
        t,
        title: t.tr("Welcome"),
        message: t.tr(
            "Your account is ready. We sent you a mail: follow its link to confirm your email address.",
        ),
        link: Some(("/", t.tr("Continue"))),
    };
    let mut response = html(StatusCode::OK, &page);
    let _ = response.add_cookie(&cookies::session_cookie(id, state.secure_cookies));
    response
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Query with a link's token.
#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// `GET /verify-email?token=…`.
pub async fn verify_email_get(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<TokenQuery>,
) -> HttpResponse {
    let t = i18n::choose(None, &req);
    let hash = hash_token(query.token.as_deref().unwrap_or(""));
    let now = state.clock.now();
    match state
        .store
        .follow_link(
            &hash,
            LinkPurpose::VerifyEmail,
            LinkAction::VerifyEmail,
            now,
        )
        .await
    {
        Ok(Some(_)) => html(
            StatusCode::OK,
            &MessagePage {
                t,
                title: t.tr("Email confirmed"),
                message: t.tr("Thank you: your email address is confirmed."),
                link: Some(("/", t.tr("Continue"))),
            },
        ),
        Ok(None) => error_page_in(
            t,
            StatusCode::BAD_REQUEST,
            t.tr("This link has expired or was already used."),
        ),
        Err(_) => server_error_page(),
    }
}

/// The forgotten-password form, or (`sent`) the answer that a link may be on its way.
fn recover_page(req: &HttpRequest, state: &AppState, sent: bool) -> HttpResponse {
    with_csrf(req, state, |csrf| {
        html(
            StatusCode::OK,
            &RecoverPage {
                t: i18n::choose(None, req),
                csrf_token: csrf,
                sent,
            },
        )
    })
}

/// `GET /password/forgot`.
pub async fn forgot_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    recover_page(&req, &state, false)
}

/// The forgotten-password form.
#[derive(Deserialize)]
pub struct ForgotForm {
    csrf_token: Option<String>,
    email: String,
}

/// `POST /password/forgot`: mails a reset link if the address has an account; the answer is
/// the same either way, so the form does not reveal who has an account.
pub async fn forgot_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<ForgotForm>,
) -> HttpResponse {
    if !cookies::csrf_ok(&req, &state, form.csrf_token.as_deref()) {
        return expired_form(&req);
    }
    match state.store.find_user_by_email(form.email.trim()) {
        Ok(Some(user)) => {
            if let Err(e) =
                send_link(&state, user.id, &user.email, LinkPurpose::ResetPassword).await
            {
                log::error!("reset mail for {}: {e}", user.username);
            }
        }
        Ok(None) => {}
        Err(_) => return server_error_page(),
    }
    recover_page(&req, &state, true)
}

/// `GET /password/reset?token=…`: the new-password form.
pub async fn reset_get(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<TokenQuery>,
) -> HttpResponse {
    let token = query.token.clone().unwrap_or_default();
    with_csrf(&req, &state, |csrf| {
        html(
            StatusCode::OK,
            &PasswordResetPage {
                t: i18n::choose(None, &req),
                csrf_token: csrf,
                token: &token,
                error: None,
            },
        )
    })
}

/// The new-password form.
#[derive(Deserialize)]
pub struct ResetForm {
    csrf_token: Option<String>,
    token: String,
    password: String,
}

/// `POST /password/reset`: sets the new password and signs out every session.
pub async fn reset_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<ResetForm>,
) -> HttpResponse {
    if !cookies::csrf_ok(&req, &state, form.csrf_token.as_deref()) {
        return expired_form(&req);
    }
    let retry = |error: String| {
        with_csrf(&req, &state, |csrf| {
            html(
                StatusCode::UNPROCESSABLE_ENTITY,
                &PasswordResetPage {
                    t: i18n::choose(None, &req),
                    csrf_token: csrf,
                    token: &form.token,
                    error: Some(&error),
                },
            )
        })
    };
    if let Err(e) = check_strength(&form.password, &[]) {
        return retry(format!("Password: {e}."));
    }
    let Ok(hash) = state.passwords.hash(form.password.clone()).await else {
        return server_error_page();
    };
    let now = state.clock.now();
    match state
        .store
        .follow_link(
            &hash_token(&form.token),
            LinkPurpose::ResetPassword,
            LinkAction::SetPassword(hash),
            now,
        )
        .await
    {
        Ok(Some(_)) => see_other(&format!("{}?reset=1", router::LOGIN)),
        Ok(None) => {
            let t = i18n::choose(None, &req);
            error_page_in(
                t,
                StatusCode::BAD_REQUEST,
                t.tr("This link has expired or was already used. Ask for a new one."),
            )
        }
        Err(_) => server_error_page(),
    }
}
