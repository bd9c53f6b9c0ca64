//! `/account`: the person's own page — profile, password, the sites they connected, the
//! widgets that know them, and their sessions. Every change is a CSRF-checked POST that
//! redirects back here.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::error::AppError;
use super::extract::{CsrfForm, SignedIn, WithCsrf};
use super::pages::{AccountPage, AppLine, EventLine, SessionLine, WidgetLine};
use super::responses::{html, see_other};
use super::{audit, cookies, i18n, router, AppState};
use crate::auth::password::check_strength;
use crate::domain::audit::{AuditKind, AuditQuery};
use crate::domain::profile::{Address, Plural};
use crate::domain::records::{User, WidgetsOf};
use crate::domain::ClientId;
use crate::poco::xs_date_time;

/// Security events the account page shows.
const RECENT_EVENTS: usize = 10;

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
    render(
        &req,
        &state,
        &me,
        query.done.as_deref(),
        None,
        StatusCode::OK,
    )
    .await
}

async fn render(
    req: &HttpRequest,
    state: &AppState,
    me: &SignedIn,
    done: Option<&str>,
    error: Option<&str>,
    status: StatusCode,
) -> Answer {
    let (session, user) = (&me.session, &me.user);
    let now = state.clock.now();
    let _ = state.store.touch_session(&session.id_hash, now).await;
    let recent = AuditQuery {
        user_id: Some(user.id),
        since: None,
        limit: RECENT_EVENTS,
    };
    let read = (
        state.store.connected_apps(user.id),
        state.store.list_widget_grants(user.id, WidgetsOf::Everyone),
        state.store.list_sessions(user.id, now),
        state.store.list_audit(&recent),
    );
    let (apps, widgets, sessions, events) = (read.0?, read.1?, read.2?, read.3?);
    // Widget grants name their site by id; connected sites know its name.
    let apps_by_id: std::collections::HashMap<String, String> = apps
        .iter()
        .map(|a| (a.client_id.as_str().to_string(), a.client_name.clone()))
        .collect();
    let t = i18n::choose(None, req);
    let notice = match done {
        Some("profile") => t.tr("Your profile is saved."),
        Some("password") => t.tr("Your password is changed; your other sessions are signed out."),
        Some("app") => t.tr("The site is disconnected and its access revoked."),
        Some("widget") => t.tr("The widget is forgotten."),
        Some("sessions") => t.tr("Signed out."),
        _ => "",
    };
    let (csrf_token, cookie) = cookies::csrf_token(req, state);
    let p = &user.profile;
    let address = p.main_address().cloned().unwrap_or_default();
    let page = AccountPage {
        t,
        csrf_token: &csrf_token,
        notice: Some(notice).filter(|n| !n.is_empty()),
        error,
        username: &user.username,
        email: &user.email,
        email_verified: user.email_verified,
        name: user.name.as_deref().unwrap_or(""),
        given_name: p.given_name.as_deref().unwrap_or(""),
        family_name: p.family_name.as_deref().unwrap_or(""),
        nickname: p.nickname.as_deref().unwrap_or(""),
        birthday: p.birthday.as_deref().unwrap_or(""),
        phone: crate::domain::profile::primary_or_first(&p.phone_numbers)
            .map(|n| n.value.as_str())
            .unwrap_or(""),
        locality: address.locality.as_deref().unwrap_or(""),
        country: address.country.as_deref().unwrap_or(""),
        hide_email: p.hidden_from_contacts.iter().any(|h| h == "emails"),
        apps: apps
            .into_iter()
            .map(|a| AppLine {
                client_id: a.client_id.as_str().to_string(),
                name: a.client_name,
                scope: a.scope,
                since: xs_date_time(a.since),
            })
            .collect(),
        widgets: widgets
            .into_iter()
            .map(|w| {
                let site = w
                    .client_id
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_default();
                WidgetLine {
                    site_name: apps_by_id
                        .get(site.as_str())
                        .cloned()
                        .unwrap_or_else(|| site.clone()),
                    site,
                    id: w.widget_id,
                    url: w.url.unwrap_or_default(),
                    last_used: xs_date_time(w.last_used_at),
                }
            })
            .collect(),
        sessions: sessions
            .into_iter()
            .map(|s| SessionLine {
                current: s.id_hash == session.id_hash,
                id: s.id_hash,
                device: if s.user_agent.is_empty() {
                    t.tr("Unknown browser").into()
                } else {
                    s.user_agent
                },
                signed_in: xs_date_time(s.auth_time),
                last_seen: xs_date_time(s.last_seen_at),
            })
            .collect(),
        events: events
            .into_iter()
            .map(|e| EventLine {
                when: xs_date_time(e.at),
                what: t.tr(e.kind.description()),
                source: e.source.unwrap_or_else(|| t.tr("the operator").into()),
            })
            .collect(),
    };
    let mut response = html(status, &page);
    if let Some(cookie) = cookie {
        let _ = response.add_cookie(&cookie);
    }
    Ok(response)
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

/// `POST /account/profile`.
pub async fn profile_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ProfileForm>,
    me: SignedIn,
) -> Answer {
    let user = &me.user;
    let mut profile = user.profile.clone();
    profile.given_name = text(&form.given_name);
    profile.family_name = text(&form.family_name);
    profile.nickname = text(&form.nickname);
    profile.birthday = text(&form.birthday);
    profile.phone_numbers = text(&form.phone)
        .map(|value| {
            vec![Plural {
                value,
                kind: None,
                primary: Some(true),
            }]
        })
        .unwrap_or_default();
    let mut address = profile.main_address().cloned().unwrap_or(Address {
        primary: Some(true),
        ..Address::default()
    });
    address.locality = text(&form.locality);
    address.country = text(&form.country);
    profile.addresses = if address.locality.is_some()
        || address.country.is_some()
        || address.street_address.is_some()
    {
        vec![address]
    } else {
        Vec::new()
    };
    profile.hidden_from_contacts.retain(|h| h != "emails");
    if form.hide_email.is_some() {
        profile.hidden_from_contacts.push("emails".into());
    }
    if let Err(e) = profile.validate() {
        return render(
            &req,
            &state,
            &me,
            None,
            Some(&format!("{}: {e}.", i18n::choose(None, &req).tr("Profile"))),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    state
        .store
        .update_profile(user.id, text(&form.name), profile, state.clock.now())
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
    let Some((_, hash)) = state.store.find_login(&user.username)? else {
        return Err(AppError::SignIn {
            return_to: router::ACCOUNT.into(),
        });
    };
    if !state
        .passwords
        .verify(
            &state.client_address(&req),
            form.current_password.clone(),
            Some(hash),
        )
        .await
    {
        return render(
            &req,
            &state,
            &me,
            None,
            Some(t.tr("Password: the current password is wrong.")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    if let Err(e) = check_strength(
        &form.new_password,
        &[user.username.as_str(), user.email.as_str()],
    ) {
        return render(
            &req,
            &state,
            &me,
            None,
            Some(&format!("{}: {e}.", t.tr("Password"))),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let source = state.client_address(&req);
    let new_hash = state
        .passwords
        .hash(&source, form.new_password.clone())
        .await
        .map_err(|e| AppError::Store(crate::store::StoreError::Unavailable(e)))?;
    let ended = state
        .store
        .set_password(
            user.id,
            new_hash,
            Some(me.session.id_hash.clone()),
            form.disconnect_all.is_some(),
            state.clock.now(),
        )
        .await?;
    signed_out(&state, &ended, user);
    let mut changed = audit::event(&state, AuditKind::PasswordChanged).of(user);
    if form.disconnect_all.is_some() {
        changed = changed.detail("every site and widget disconnected");
    }
    audit::record(&state, &req, changed).await;
    back("password")
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
    signed_out(&state, &ended, user);
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

/// Tells the sites of each ended session (OpenID Connect Back-Channel Logout).
fn signed_out(state: &AppState, ended: &[String], user: &User) {
    for hash in ended {
        super::backchannel::notify(state, hash, user);
    }
}
