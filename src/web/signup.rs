//! `GET|POST /signup`, `GET /verify-email`, `GET|POST /password/forgot` and
//! `GET|POST /password/reset`: creating an account and recovering it by mail. Links are
//! single-use and expire; a form with a problem says so and writes nothing.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::cookies::with_csrf;
use super::extract::{CsrfForm, WithCsrf};
use super::pages::{MessagePage, PasswordResetPage, RecoverPage, SignupPage};
use super::responses::{
    error_page_in, html, see_other, server_error_page, store_failure, too_many,
};
use super::{audit, cookies, i18n, router, AppState};
use crate::auth::password::check_strength;
use crate::auth::session::new_session;
use crate::crypto::{hash_token, random_token};
use crate::domain::audit::AuditKind;
use crate::domain::records::{LinkAction, LinkPurpose, OneTimeLink, PendingSignup, User, UserId};
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

impl WithCsrf for SignupForm {
    fn csrf_token(&self) -> Option<&str> {
        self.csrf_token.as_deref()
    }
}

/// `POST /signup`: checks the form, then mails a link that creates the account when it is
/// followed. If the address already has an account, its owner is told instead, and the answer
/// is the same either way: the form reveals nobody's address.
pub async fn signup_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<SignupForm>,
) -> HttpResponse {
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
    if let Some(name) = &username {
        match state.store.find_login(name.as_str()) {
            Ok(Some(_)) => errors.push(format!(
                "{}: {}",
                t.tr("Username"),
                t.tr("this username is taken, choose another.")
            )),
            Ok(None) => {}
            Err(e) => return store_failure(&e),
        }
    }
    let (Some(username), Some(email), true) = (username, email, errors.is_empty()) else {
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
    let source = state.client_address(&req);
    let now = state.clock.now();
    if let Err(wait) = state.throttles.signup_source.take(&source, now) {
        return too_many(&req, wait);
    }
    // Hashed whether or not the address is taken, so both answers take as long.
    let password_hash = match state.passwords.hash(&source, form.password.clone()).await {
        Ok(hash) => hash,
        Err(_) => return server_error_page(),
    };
    // An address gets a few mails an hour at most; past that the answer stays the same.
    let mail_allowed = state
        .throttles
        .mail_address
        .take(&email.as_str().to_lowercase(), now)
        .is_ok();
    let sent = match state.store.find_user_by_email(email.as_str()) {
        Ok(_) if !mail_allowed => Ok(()),
        Ok(Some(owner)) => tell_owner(&state, &owner).await,
        Ok(None) => {
            let name = Some(form.name.trim().to_string()).filter(|n| !n.is_empty());
            start_signup(
                &state,
                username.as_str(),
                email.as_str(),
                name,
                password_hash,
            )
            .await
        }
        Err(e) => return store_failure(&e),
    };
    if let Err(e) = sent {
        log::error!("signup mail: {e}");
        return server_error_page();
    }
    check_your_mail(
        t,
        email.as_str(),
        t.tr("Follow its link within 24 hours to finish creating your account."),
    )
}

/// "We sent a mail to …", then what to do with it.
fn check_your_mail(t: i18n::Lang, address: &str, next: &str) -> HttpResponse {
    let message = format!("{} {address}. {next}", t.tr("We sent a mail to"));
    html(
        StatusCode::OK,
        &MessagePage {
            t,
            title: t.tr("Check your mail"),
            message: &message,
            link: None,
        },
    )
}

/// Stores the waiting account and mails the link that creates it.
async fn start_signup(
    state: &AppState,
    username: &str,
    email: &str,
    name: Option<String>,
    password_hash: String,
) -> Result<(), String> {
    let token = random_token(32);
    let now = state.clock.now();
    let signup = PendingSignup {
        hash: hash_token(&token),
        username: username.to_string(),
        email: email.to_string(),
        name,
        password_hash,
        created_at: now,
        expires_at: now + VERIFY_TTL,
    };
    state
        .store
        .create_signup(signup)
        .await
        .map_err(|e| e.to_string())?;
    let body = format!(
        "Confirm your email address to finish creating your vzconnect account (username {username}) by opening this link within 24 hours:\n\n{}{}?token={token}\n\nIf you did not sign up, ignore this mail: no account is created.\n",
        state.issuer,
        router::VERIFY_EMAIL
    );
    state
        .mailer
        .send(email, "Confirm your email address", body)
        .await
}

/// Tells the owner of an address that someone tried to sign up with it.
async fn tell_owner(state: &AppState, owner: &User) -> Result<(), String> {
    let body = format!(
        "Someone (hopefully you) tried to create a vzconnect account with this address, which already has one. Your username is {username}.\n\nSign in: {issuer}{login}\nForgot your password? {issuer}{forgot}\n\nIf it was not you, ignore this mail: nothing was changed.\n",
        username = owner.username,
        issuer = state.issuer,
        login = router::LOGIN,
        forgot = router::PASSWORD_FORGOT,
    );
    state
        .mailer
        .send(&owner.email, "You already have an account", body)
        .await
}

/// Query with a link's token.
#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// `GET /verify-email?token=…`: finishes a signup (creating the account and signing the
/// person in), or confirms the address of an existing account.
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
        .complete_signup(&hash, Sub::generate(), now)
        .await
    {
        Ok(Some(user)) => {
            let created = audit::event(&state, AuditKind::AccountCreated).of(&user);
            audit::record(&state, &req, created).await;
            return welcome(&req, &state, &user).await;
        }
        Ok(None) => {}
        Err(StoreError::Conflict(_)) => {
            return error_page_in(
                t,
                StatusCode::CONFLICT,
                t.tr("The username or the address was taken meanwhile. Sign up again."),
            )
        }
        Err(e) => return store_failure(&e),
    }
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
        Ok(Some(followed)) => {
            let mut verified = audit::event(&state, AuditKind::EmailVerified);
            verified.user_id = Some(followed.user_id);
            audit::record(&state, &req, verified).await;
            email_confirmed(t)
        }
        Ok(None) => error_page_in(
            t,
            StatusCode::BAD_REQUEST,
            t.tr("This link has expired or was already used."),
        ),
        Err(e) => store_failure(&e),
    }
}

/// "Thank you: your email address is confirmed."
fn email_confirmed(t: i18n::Lang) -> HttpResponse {
    html(
        StatusCode::OK,
        &MessagePage {
            t,
            title: t.tr("Email confirmed"),
            message: t.tr("Thank you: your email address is confirmed."),
            link: Some(("/", t.tr("Continue"))),
        },
    )
}

/// A new account is ready: sign the person in.
async fn welcome(req: &HttpRequest, state: &AppState, user: &User) -> HttpResponse {
    let agent = req
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (id, session) = new_session(user.id, state.clock.now(), agent);
    if let Err(e) = state
        .store
        .create_session(session, cookies::session_id_hash(req))
        .await
    {
        return store_failure(&e);
    }
    let t = i18n::choose(None, req);
    let page = MessagePage {
        t,
        title: t.tr("Welcome"),
        message: t.tr("Thank you: your email address is confirmed and your account is ready."),
        link: Some(("/", t.tr("Continue"))),
    };
    let mut response = html(StatusCode::OK, &page);
    let _ = response.add_cookie(&cookies::session_cookie(id, state.secure_cookies));
    response
}

/// The form that asks for a new confirmation link.
#[derive(Deserialize)]
pub struct ResendForm {
    csrf_token: Option<String>,
}

impl WithCsrf for ResendForm {
    fn csrf_token(&self) -> Option<&str> {
        self.csrf_token.as_deref()
    }
}

/// `POST /verify-email/resend`: mails the signed-in person a new link to confirm their
/// address (the consent page offers it: sites are connected only to confirmed addresses).
pub async fn resend_verification_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    _: CsrfForm<ResendForm>,
) -> HttpResponse {
    let user = match cookies::current_user(&req, &state) {
        Ok(Some((_, user))) => user,
        Ok(None) => return see_other(&router::login_url(router::ACCOUNT, None)),
        Err(e) => return store_failure(&e),
    };
    let t = i18n::choose(None, &req);
    let now = state.clock.now();
    if let Err(wait) = state
        .throttles
        .mail_source
        .take(&state.client_address(&req), now)
    {
        return too_many(&req, wait);
    }
    let allowed = state
        .throttles
        .mail_address
        .take(&user.email.to_lowercase(), now)
        .is_ok();
    if !user.email_verified && allowed {
        if let Err(e) = send_link(&state, user.id, &user.email, LinkPurpose::VerifyEmail).await {
            log::error!("verification mail for {}: {e}", user.username);
            return server_error_page();
        }
    }
    check_your_mail(
        t,
        &user.email,
        t.tr("Follow its link, then go back to the site."),
    )
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

impl WithCsrf for ForgotForm {
    fn csrf_token(&self) -> Option<&str> {
        self.csrf_token.as_deref()
    }
}

/// `POST /password/forgot`: mails a reset link if the address has an account; the answer is
/// the same either way, so the form does not reveal who has an account.
pub async fn forgot_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> HttpResponse {
    let now = state.clock.now();
    if let Err(wait) = state
        .throttles
        .mail_source
        .take(&state.client_address(&req), now)
    {
        return too_many(&req, wait);
    }
    let address = form.email.trim().to_lowercase();
    match state.store.find_user_by_email(&address) {
        // Past the limit for this address the answer stays the same, and no mail goes out.
        Ok(Some(_)) if state.throttles.mail_address.take(&address, now).is_err() => {}
        Ok(Some(user)) => {
            if let Err(e) =
                send_link(&state, user.id, &user.email, LinkPurpose::ResetPassword).await
            {
                log::error!("reset mail for {}: {e}", user.username);
            }
        }
        Ok(None) => {}
        Err(e) => return store_failure(&e),
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

impl WithCsrf for ResetForm {
    fn csrf_token(&self) -> Option<&str> {
        self.csrf_token.as_deref()
    }
}

/// `POST /password/reset`: sets the new password and signs out every session.
pub async fn reset_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> HttpResponse {
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
    let source = state.client_address(&req);
    let Ok(hash) = state.passwords.hash(&source, form.password.clone()).await else {
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
        Ok(Some(followed)) => {
            if let Ok(Some(user)) = state.store.find_user(followed.user_id) {
                for session in &followed.ended_sessions {
                    super::backchannel::notify(&state, session, &user);
                }
                let reset = audit::event(&state, AuditKind::PasswordReset)
                    .of(&user)
                    .detail("every session, token, widget credential and link revoked");
                audit::record(&state, &req, reset).await;
            }
            see_other(&format!("{}?reset=1", router::LOGIN))
        }
        Ok(None) => {
            let t = i18n::choose(None, &req);
            error_page_in(
                t,
                StatusCode::BAD_REQUEST,
                t.tr("This link has expired or was already used. Ask for a new one."),
            )
        }
        Err(e) => store_failure(&e),
    }
}
