//! `GET|POST /signup`, `GET /verify-email`, `GET|POST /password/forgot` and
//! `GET|POST /password/reset`: creating an account and recovering it by mail. Links are
//! single-use and expire; a form with a problem says so and writes nothing.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::cookies::with_csrf;
use super::error::AppError;
use super::extract::{CsrfForm, WithCsrf};
use super::login::start_session;
use super::pages::{MessagePage, PasswordResetPage, RecoverPage, SignupPage};
use super::responses::{html, see_other, too_many};
use super::{audit, backchannel, cookies, i18n, router, AppState};
use crate::auth::password::check_strength;
use crate::crypto::{hash_token, random_token};
use crate::domain::audit::AuditKind;
use crate::domain::records::{LinkAction, LinkPurpose, OneTimeLink, PendingSignup, User, UserId};
use crate::domain::{Email, Sub, Username};
use crate::store::StoreError;

/// Seconds an email verification link works.
const VERIFY_TTL: i64 = 24 * 3600;
/// Seconds a password reset link works.
const RESET_TTL: i64 = 3600;

/// What a handler of these pages answers.
type Answer = Result<HttpResponse, AppError>;

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
    let empty = SignupForm::default();
    signup_page(&req, &state, &empty, Vec::new())
}

/// The signup form, filled in with `form`; with `errors`, a 422 that lists them.
fn signup_page(
    req: &HttpRequest,
    state: &AppState,
    form: &SignupForm,
    errors: Vec<String>,
) -> HttpResponse {
    let status = match errors.is_empty() {
        true => StatusCode::OK,
        false => StatusCode::UNPROCESSABLE_ENTITY,
    };
    with_csrf(req, state, |csrf| {
        let page = SignupPage {
            t: i18n::choose(None, req),
            csrf_token: csrf,
            username: &form.username,
            email: &form.email,
            name: &form.name,
            errors,
        };
        html(status, &page)
    })
}

/// The signup form (fields as on the page).
#[derive(Deserialize, Default)]
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

/// A signup form's new username and address, or what is wrong with it.
type Checked = Result<(Username, Email), Vec<String>>;

impl SignupForm {
    /// The username and address as far as they parse, and what is wrong with the form (in
    /// `t`) short of a taken username.
    fn parsed(&self, t: i18n::Lang) -> (Option<Username>, Option<Email>, Vec<String>) {
        let mut errors = Vec::new();
        let username = Username::parse(&self.username)
            .map_err(|e| errors.push(format!("{}: {e}.", t.tr("Username"))))
            .ok();
        let email = Email::parse(&self.email)
            .map_err(|e| errors.push(format!("{}: {e}.", t.tr("Email"))))
            .ok();
        let others = [
            self.username.as_str(),
            self.email.as_str(),
            self.name.as_str(),
        ];
        if let Err(e) = check_strength(&self.password, &others) {
            errors.push(format!("{}: {e}.", t.tr("Password")));
        }
        (username, email, errors)
    }

    /// The new account's username and address, or what is wrong with the form (in `t`).
    fn check(&self, t: i18n::Lang, state: &AppState) -> Result<Checked, AppError> {
        let (username, email, mut errors) = self.parsed(t);
        if let Some(name) = &username {
            if state.store.find_login(name.as_str())?.is_some() {
                let taken = t.tr("this username is taken, choose another.");
                errors.push(format!("{}: {taken}", t.tr("Username")));
            }
        }
        Ok(match (username, email, errors.is_empty()) {
            (Some(username), Some(email), true) => Ok((username, email)),
            _ => Err(errors),
        })
    }
}

/// `POST /signup`: checks the form, then mails a link that creates the account when it is
/// followed. If the address already has an account, its owner is told instead, and the answer
/// is the same either way: the form reveals nobody's address.
pub async fn signup_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<SignupForm>,
) -> Answer {
    let t = i18n::choose(None, &req);
    let (username, email) = match form.check(t, &state)? {
        Ok(valid) => valid,
        Err(errors) => return Ok(signup_page(&req, &state, &form, errors)),
    };
    let source = state.client_address(&req);
    let now = state.clock.now();
    if let Err(wait) = state.throttles.signup_source.take(&source, now) {
        return Ok(too_many(&req, wait));
    }
    // Hashed whether or not the address is taken, so both answers take as long.
    let password_hash = hash_password(&state, &source, &form.password).await?;
    mail_signup(&state, &username, &email, &form.name, password_hash).await?;
    let next = t.tr("Follow its link within 24 hours to finish creating your account.");
    Ok(check_your_mail(t, email.as_str(), next))
}

/// The hash of a new password.
async fn hash_password(state: &AppState, source: &str, password: &str) -> Result<String, AppError> {
    let hashed = state.passwords.hash(source, password.to_string()).await;
    hashed.map_err(|_| AppError::Internal)
}

/// Mails the link that creates the account, or tells the address's owner that it has one.
/// An address gets a few mails an hour at most; past that the answer stays the same.
async fn mail_signup(
    state: &AppState,
    username: &Username,
    email: &Email,
    name: &str,
    password_hash: String,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let address = email.as_str();
    let mail_allowed = state
        .throttles
        .mail_address
        .take(&address.to_lowercase(), now)
        .is_ok();
    let sent = match state.store.find_user_by_email(address)? {
        _ if !mail_allowed => Ok(()),
        Some(owner) => tell_owner(state, &owner).await,
        None => start_signup(state, username.as_str(), address, name, password_hash).await,
    };
    sent.map_err(|e| {
        log::error!("signup mail: {e}");
        AppError::Internal
    })
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
    name: &str,
    password_hash: String,
) -> Result<(), String> {
    let token = random_token(32);
    let now = state.clock.now();
    let signup = PendingSignup {
        hash: hash_token(&token),
        username: username.to_string(),
        email: email.to_string(),
        name: Some(name.trim().to_string()).filter(|n| !n.is_empty()),
        password_hash,
        created_at: now,
        expires_at: now + VERIFY_TTL,
    };
    let stored = state.store.create_signup(signup).await;
    stored.map_err(|e| e.to_string())?;
    let body = signup_mail(&state.issuer, username, &token);
    let subject = "Confirm your email address";
    state.mailer.send(email, subject, body).await
}

/// The mail with the link that finishes creating the account `username`.
fn signup_mail(issuer: &str, username: &str, token: &str) -> String {
    format!(
        "Confirm your email address to finish creating your vzconnect account (username {username}) by opening this link within 24 hours:\n\n{issuer}{}?token={token}\n\nIf you did not sign up, ignore this mail: no account is created.\n",
        router::VERIFY_EMAIL
    )
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
) -> Answer {
    let hash = hash_token(query.token.as_deref().unwrap_or(""));
    match complete_signup(&req, &state, &hash).await? {
        Some(user) => welcome(&req, &state, &user).await,
        None => confirm_address(&req, &state, &hash).await,
    }
}

/// Creates the account whose signup link hashes to `hash`, if it is one.
async fn complete_signup(
    req: &HttpRequest,
    state: &AppState,
    hash: &str,
) -> Result<Option<User>, AppError> {
    let t = i18n::choose(None, req);
    let created = state
        .store
        .complete_signup(hash, Sub::generate(), state.clock.now())
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => AppError::Page {
                lang: t,
                status: StatusCode::CONFLICT,
                message: t
                    .tr("The username or the address was taken meanwhile. Sign up again.")
                    .into(),
            },
            e => AppError::Store(e),
        })?;
    if let Some(user) = &created {
        let event = audit::event(state, AuditKind::AccountCreated).of(user);
        audit::record(state, req, event).await;
    }
    Ok(created)
}

/// Confirms the address of an existing account whose link hashes to `hash`.
async fn confirm_address(req: &HttpRequest, state: &AppState, hash: &str) -> Answer {
    let t = i18n::choose(None, req);
    let (purpose, action) = (LinkPurpose::VerifyEmail, LinkAction::VerifyEmail);
    let followed = state
        .store
        .follow_link(hash, purpose, action, state.clock.now())
        .await?;
    let Some(followed) = followed else {
        let message = t.tr("This link has expired or was already used.");
        return Err(AppError::bad_request(t, message));
    };
    let mut verified = audit::event(state, AuditKind::EmailVerified);
    verified.user_id = Some(followed.user_id);
    audit::record(state, req, verified).await;
    Ok(email_confirmed(t))
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
async fn welcome(req: &HttpRequest, state: &AppState, user: &User) -> Answer {
    let session = start_session(req, state, user).await?;
    let t = i18n::choose(None, req);
    let page = MessagePage {
        t,
        title: t.tr("Welcome"),
        message: t.tr("Thank you: your email address is confirmed and your account is ready."),
        link: Some(("/", t.tr("Continue"))),
    };
    let mut response = html(StatusCode::OK, &page);
    let _ = response.add_cookie(&session);
    Ok(response)
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

/// The wait before this client address may ask for another mail, if it asked too often.
fn mail_throttled(req: &HttpRequest, state: &AppState, now: i64) -> Option<i64> {
    let source = state.client_address(req);
    state.throttles.mail_source.take(&source, now).err()
}

/// `POST /verify-email/resend`: mails the signed-in person a new link to confirm their
/// address (the consent page offers it: sites are connected only to confirmed addresses).
pub async fn resend_verification_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    _: CsrfForm<ResendForm>,
) -> Answer {
    let Some((_, user)) = cookies::current_user(&req, &state)? else {
        let return_to = router::ACCOUNT.into();
        return Err(AppError::SignIn { return_to });
    };
    let now = state.clock.now();
    if let Some(wait) = mail_throttled(&req, &state, now) {
        return Ok(too_many(&req, wait));
    }
    let address = user.email.to_lowercase();
    let allowed = state.throttles.mail_address.take(&address, now).is_ok();
    if !user.email_verified && allowed {
        let sent = send_link(&state, user.id, &user.email, LinkPurpose::VerifyEmail).await;
        sent.map_err(|e| {
            log::error!("verification mail for {}: {e}", user.username);
            AppError::Internal
        })?;
    }
    let t = i18n::choose(None, &req);
    let next = t.tr("Follow its link, then go back to the site.");
    Ok(check_your_mail(t, &user.email, next))
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
) -> Answer {
    let now = state.clock.now();
    if let Some(wait) = mail_throttled(&req, &state, now) {
        return Ok(too_many(&req, wait));
    }
    let address = form.email.trim().to_lowercase();
    match state.store.find_user_by_email(&address)? {
        // Past the limit for this address the answer stays the same, and no mail goes out.
        Some(_) if state.throttles.mail_address.take(&address, now).is_err() => {}
        Some(user) => {
            if let Err(e) =
                send_link(&state, user.id, &user.email, LinkPurpose::ResetPassword).await
            {
                log::error!("reset mail for {}: {e}", user.username);
            }
        }
        None => {}
    }
    Ok(recover_page(&req, &state, true))
}

/// The new-password form for the link `token`; with `error`, a 422 that says what is wrong.
fn reset_page(
    req: &HttpRequest,
    state: &AppState,
    token: &str,
    error: Option<&str>,
) -> HttpResponse {
    let status = match error {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    with_csrf(req, state, |csrf| {
        let page = PasswordResetPage {
            t: i18n::choose(None, req),
            csrf_token: csrf,
            token,
            error,
        };
        html(status, &page)
    })
}

/// `GET /password/reset?token=…`: the new-password form.
pub async fn reset_get(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<TokenQuery>,
) -> HttpResponse {
    let token = query.token.as_deref().unwrap_or_default();
    reset_page(&req, &state, token, None)
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
) -> Answer {
    if let Err(e) = check_strength(&form.password, &[]) {
        let error = format!("Password: {e}.");
        return Ok(reset_page(&req, &state, &form.token, Some(&error)));
    }
    let source = state.client_address(&req);
    let hash = hash_password(&state, &source, &form.password).await?;
    let (purpose, action) = (LinkPurpose::ResetPassword, LinkAction::SetPassword(hash));
    let followed = state
        .store
        .follow_link(&hash_token(&form.token), purpose, action, state.clock.now())
        .await?;
    let Some(followed) = followed else {
        let t = i18n::choose(None, &req);
        let message = t.tr("This link has expired or was already used. Ask for a new one.");
        return Err(AppError::bad_request(t, message));
    };
    if let Ok(Some(user)) = state.store.find_user(followed.user_id) {
        password_reset(&req, &state, &followed.ended_sessions, &user).await;
    }
    Ok(see_other(&format!("{}?reset=1", router::LOGIN)))
}

/// Tells the sites of the sessions the reset ended, and audits the reset.
async fn password_reset(req: &HttpRequest, state: &AppState, ended: &[String], user: &User) {
    backchannel::notify_each(state, ended, user);
    let reset = audit::event(state, AuditKind::PasswordReset)
        .of(user)
        .detail("every session, token, widget credential and link revoked");
    audit::record(state, req, reset).await;
}
