//! `/account`: the person's own page — profile, password, the sites they connected, the
//! widgets that know them, and their sessions. Every change is a CSRF-checked POST that
//! redirects back here.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::account_page::{again, render};
use super::error::AppError;
use super::extract::{CsrfForm, SignedIn, WithCsrf};
use super::responses::see_other;
use super::{audit, backchannel, i18n, router, AppState};
use crate::auth::password::check_strength;
use crate::domain::audit::AuditKind;
use crate::domain::profile::{Address, Plural, Profile};
use crate::domain::records::{User, WidgetsOf};
use crate::domain::ClientId;
use crate::store::StoreError;

/// What a handler of this page answers.
type Answer = Result<HttpResponse, AppError>;

fn back(notice: &str) -> Answer {
    Ok(see_other(&format!("{}?done={notice}", router::ACCOUNT)))
}

/// Query of `GET /account`.
#[derive(Deserialize)]
pub struct AccountQuery {
    done: Option<String>,
}

/// `GET /account`.
pub async fn account_get(
    req: HttpRequest,
    state: web::Data<AppState>,
    me: SignedIn,
    query: web::Query<AccountQuery>,
) -> Answer {
    render(&req, &state, &me, query.done.as_deref(), None).await
}

/// The profile form.
#[derive(Deserialize)]
pub struct ProfileForm {
    csrf_token: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    nickname: String,
    #[serde(default)]
    birthday: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    locality: String,
    #[serde(default)]
    country: String,
    hide_email: Option<String>,
}

fn text(value: &str) -> Option<String> {
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
}

impl ProfileForm {
    /// `current` with the form's fields.
    fn profile(&self, current: &Profile) -> Profile {
        let mut profile = current.clone();
        profile.given_name = text(&self.given_name);
        profile.family_name = text(&self.family_name);
        profile.nickname = text(&self.nickname);
        profile.birthday = text(&self.birthday);
        profile.phone_numbers = text(&self.phone)
            .map(|value| {
                vec![Plural {
                    value,
                    kind: None,
                    primary: Some(true),
                }]
            })
            .unwrap_or_default();
        profile.addresses = self.addresses(current.main_address());
        profile.hidden_from_contacts.retain(|h| h != "emails");
        if self.hide_email.is_some() {
            profile.hidden_from_contacts.push("emails".into());
        }
        profile
    }

    /// The main address with the form's locality and country; none if nothing is left of it.
    fn addresses(&self, main: Option<&Address>) -> Vec<Address> {
        let mut address = main.cloned().unwrap_or(Address {
            primary: Some(true),
            ..Address::default()
        });
        address.locality = text(&self.locality);
        address.country = text(&self.country);
        if address.locality.is_some()
            || address.country.is_some()
            || address.street_address.is_some()
        {
            vec![address]
        } else {
            Vec::new()
        }
    }
}

/// `POST /account/profile`.
pub async fn profile_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ProfileForm>,
    me: SignedIn,
) -> Answer {
    let profile = form.profile(&me.user.profile);
    if let Err(e) = profile.validate() {
        let t = i18n::choose(None, &req);
        return again(&req, &state, &me, &format!("{}: {e}.", t.tr("Profile"))).await;
    }
    let name = text(&form.name);
    let now = state.clock.now();
    state
        .store
        .update_profile(me.user.id, name, profile, now)
        .await?;
    back("profile")
}

impl WithCsrf for ProfileForm {
    fn csrf_token(&self) -> Option<&str> {
        self.csrf_token.as_deref()
    }
}

/// The change-password form.
#[derive(Deserialize)]
pub struct PasswordForm {
    csrf_token: Option<String>,
    current_password: String,
    new_password: String,
    /// Ticked by default: revoke every site's and widget's access too.
    disconnect_all: Option<String>,
}

impl WithCsrf for PasswordForm {
    fn csrf_token(&self) -> Option<&str> {
        self.csrf_token.as_deref()
    }
}

/// `POST /account/password`: needs the current password; signs out the other sessions.
pub async fn password_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<PasswordForm>,
    me: SignedIn,
) -> Answer {
    let user = &me.user;
    let t = i18n::choose(None, &req);
    if !current_password_ok(&req, &state, user, &form.current_password).await? {
        let error = t.tr("Password: the current password is wrong.");
        return again(&req, &state, &me, error).await;
    }
    let others = [user.username.as_str(), user.email.as_str()];
    if let Err(e) = check_strength(&form.new_password, &others) {
        return again(&req, &state, &me, &format!("{}: {e}.", t.tr("Password"))).await;
    }
    let disconnect_all = form.disconnect_all.is_some();
    let ended = set_password(&req, &state, &me, &form.new_password, disconnect_all).await?;
    backchannel::notify_each(&state, &ended, user);
    let mut changed = audit::event(&state, AuditKind::PasswordChanged).of(user);
    if disconnect_all {
        changed = changed.detail("every site and widget disconnected");
    }
    audit::record(&state, &req, changed).await;
    back("password")
}

/// Whether `password` is the person's current one.
async fn current_password_ok(
    req: &HttpRequest,
    state: &AppState,
    user: &User,
    password: &str,
) -> Result<bool, AppError> {
    let Some((_, hash)) = state.store.find_login(&user.username)? else {
        return Err(AppError::SignIn {
            return_to: router::ACCOUNT.into(),
        });
    };
    let source = state.client_address(req);
    let password = password.to_string();
    Ok(state.passwords.verify(&source, password, Some(hash)).await)
}

/// Sets the new password, ending every session but this one (and with `disconnect_all`
/// every site's and widget's access); the id hashes of the sessions it ended.
async fn set_password(
    req: &HttpRequest,
    state: &AppState,
    me: &SignedIn,
    password: &str,
    disconnect_all: bool,
) -> Result<Vec<String>, AppError> {
    let source = state.client_address(req);
    let hash = state
        .passwords
        .hash(&source, password.to_string())
        .await
        .map_err(|e| AppError::Store(StoreError::Unavailable(e)))?;
    let this = Some(me.session.id_hash.clone());
    let now = state.clock.now();
    let ended = state
        .store
        .set_password(me.user.id, hash, this, disconnect_all, now)
        .await?;
    Ok(ended)
}

/// A form that names one thing (a client, a widget, a session); a widget also names its
/// site.
#[derive(Deserialize)]
pub struct ItemForm {
    csrf_token: Option<String>,
    id: Option<String>,
    site: Option<String>,
}

impl WithCsrf for ItemForm {
    fn csrf_token(&self) -> Option<&str> {
        self.csrf_token.as_deref()
    }
}

/// `POST /account/apps/disconnect`: forget the consent and revoke the site's tokens.
pub async fn disconnect_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ItemForm>,
    me: SignedIn,
) -> Answer {
    let Some(client) = form.id.as_deref().and_then(|id| ClientId::parse(id).ok()) else {
        return Err(AppError::bad_request(
            i18n::Lang::En,
            "Which site? The form named none.",
        ));
    };
    let revoked = audit::event(&state, AuditKind::ConsentRevoked)
        .of(&me.user)
        .site(client.as_str());
    state
        .store
        .disconnect_app(me.user.id, client, state.clock.now())
        .await?;
    audit::record(&state, &req, revoked).await;
    back("app")
}

/// `POST /account/widgets/forget`.
pub async fn forget_widget_post(
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ItemForm>,
    me: SignedIn,
) -> Answer {
    let Some(widget) = form.id.clone() else {
        return Err(AppError::bad_request(
            i18n::Lang::En,
            "Which widget? The form named none.",
        ));
    };
    // Grants from before sites were recorded have no site: forget the widget everywhere.
    let of = match form.site.as_deref().map(ClientId::parse) {
        Some(Ok(site)) => WidgetsOf::Site(site),
        _ => WidgetsOf::Everyone,
    };
    state
        .store
        .revoke_widgets(me.user.id, of, Some(widget), state.clock.now())
        .await?;
    back("widget")
}

/// `POST /account/sessions/end`: one session (`id`), or every other one (no `id`).
pub async fn end_sessions_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ItemForm>,
    me: SignedIn,
) -> Answer {
    let SignedIn { session, user } = &me;
    let ended = state
        .store
        .end_sessions(user.id, form.id.clone(), Some(session.id_hash.clone()))
        .await?;
    backchannel::notify_each(&state, &ended, user);
    let event = audit::event(&state, AuditKind::SessionEnded)
        .of(user)
        .detail(format!("{} ended from the account page", ended.len()));
    audit::record(&state, &req, event).await;
    if ended.contains(&session.id_hash) {
        Ok(see_other(router::LOGIN))
    } else {
        back("sessions")
    }
}
