//! `/account`: the person's own page — profile, password, the sites they connected, the
//! widgets that know them, and their sessions. Every change is a CSRF-checked POST that
//! redirects back here.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::pages::{AccountPage, AppLine, EventLine, SessionLine, WidgetLine};
use super::responses::{
    error_page, expired_form, html, see_other, server_error_page, store_failure,
};
use super::{audit, cookies, i18n, router, AppState};
use crate::auth::password::check_strength;
use crate::domain::audit::{AuditKind, AuditQuery};

/// Security events the account page shows.
const RECENT_EVENTS: usize = 10;
use crate::domain::profile::{Address, Plural};
use crate::domain::records::{Session, User, WidgetsOf};
use crate::domain::ClientId;
use crate::poco::xs_date_time;

/// The signed-in person, or the response that sends them to sign in.
fn signed_in(req: &HttpRequest, state: &AppState) -> Result<(Session, User), HttpResponse> {
    match cookies::current_user(req, state) {
        Ok(Some(found)) => Ok(found),
        Ok(None) => Err(see_other(&router::login_url(router::ACCOUNT, None))),
        Err(e) => Err(store_failure(&e)),
    }
}

/// A checked form submission from the signed-in person.
fn checked(
    req: &HttpRequest,
    state: &AppState,
    csrf: Option<&str>,
) -> Result<(Session, User), HttpResponse> {
    if !cookies::csrf_ok(req, state, csrf) {
        return Err(expired_form(req));
    }
    signed_in(req, state)
}

fn back(notice: &str) -> HttpResponse {
    see_other(&format!("{}?done={notice}", router::ACCOUNT))
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
    query: web::Query<AccountQuery>,
) -> HttpResponse {
    render(&req, &state, query.done.as_deref(), None, StatusCode::OK).await
}

async fn render(
    req: &HttpRequest,
    state: &AppState,
    done: Option<&str>,
    error: Option<&str>,
    status: StatusCode,
) -> HttpResponse {
    let (session, user) = match signed_in(req, state) {
        Ok(found) => found,
        Err(response) => return response,
    };
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
    let (apps, widgets, sessions, events) = match read {
        (Ok(apps), Ok(widgets), Ok(sessions), Ok(events)) => (apps, widgets, sessions, events),
        (Err(e), _, _, _) | (_, Err(e), _, _) | (_, _, Err(e), _) | (_, _, _, Err(e)) => {
            return store_failure(&e)
        }
    };
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
    response
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
    form: web::Form<ProfileForm>,
) -> HttpResponse {
    let (_, user) = match checked(&req, &state, form.csrf_token.as_deref()) {
        Ok(found) => found,
        Err(response) => return response,
    };
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
            None,
            Some(&format!("{}: {e}.", i18n::choose(None, &req).tr("Profile"))),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match state
        .store
        .update_profile(user.id, text(&form.name), profile, state.clock.now())
        .await
    {
        Ok(_) => back("profile"),
        Err(e) => store_failure(&e),
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

/// `POST /account/password`: needs the current password; signs out the other sessions.
pub async fn password_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<PasswordForm>,
) -> HttpResponse {
    let (session, user) = match checked(&req, &state, form.csrf_token.as_deref()) {
        Ok(found) => found,
        Err(response) => return response,
    };
    let t = i18n::choose(None, &req);
    let hash = match state.store.find_login(&user.username) {
        Ok(Some((_, hash))) => hash,
        Ok(None) => return server_error_page(),
        Err(e) => return store_failure(&e),
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
            None,
            Some(&format!("{}: {e}.", t.tr("Password"))),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let source = state.client_address(&req);
    let Ok(new_hash) = state
        .passwords
        .hash(&source, form.new_password.clone())
        .await
    else {
        return server_error_page();
    };
    match state
        .store
        .set_password(
            user.id,
            new_hash,
            Some(session.id_hash),
            form.disconnect_all.is_some(),
            state.clock.now(),
        )
        .await
    {
        Ok(ended) => {
            signed_out(&state, &ended, &user);
            let mut changed = audit::event(&state, AuditKind::PasswordChanged).of(&user);
            if form.disconnect_all.is_some() {
                changed = changed.detail("every site and widget disconnected");
            }
            audit::record(&state, &req, changed).await;
            back("password")
        }
        Err(e) => store_failure(&e),
    }
}

/// A form that names one thing (a client, a widget, a session); a widget also names its
/// site.
#[derive(Deserialize)]
pub struct ItemForm {
    csrf_token: Option<String>,
    id: Option<String>,
    site: Option<String>,
}

/// `POST /account/apps/disconnect`: forget the consent and revoke the site's tokens.
pub async fn disconnect_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<ItemForm>,
) -> HttpResponse {
    let (_, user) = match checked(&req, &state, form.csrf_token.as_deref()) {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Some(client) = form.id.as_deref().and_then(|id| ClientId::parse(id).ok()) else {
        return error_page(StatusCode::BAD_REQUEST, "Which site? The form named none.");
    };
    let revoked = audit::event(&state, AuditKind::ConsentRevoked)
        .of(&user)
        .site(client.as_str());
    match state
        .store
        .disconnect_app(user.id, client, state.clock.now())
        .await
    {
        Ok(()) => {
            audit::record(&state, &req, revoked).await;
            back("app")
        }
        Err(e) => store_failure(&e),
    }
}

/// `POST /account/widgets/forget`.
pub async fn forget_widget_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<ItemForm>,
) -> HttpResponse {
    let (_, user) = match checked(&req, &state, form.csrf_token.as_deref()) {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Some(widget) = form.id.clone() else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Which widget? The form named none.",
        );
    };
    // Grants from before sites were recorded have no site: forget the widget everywhere.
    let of = match form.site.as_deref().map(ClientId::parse) {
        Some(Ok(site)) => WidgetsOf::Site(site),
        _ => WidgetsOf::Everyone,
    };
    match state
        .store
        .revoke_widgets(user.id, of, Some(widget), state.clock.now())
        .await
    {
        Ok(_) => back("widget"),
        Err(e) => store_failure(&e),
    }
}

/// `POST /account/sessions/end`: one session (`id`), or every other one (no `id`).
pub async fn end_sessions_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<ItemForm>,
) -> HttpResponse {
    let (session, user) = match checked(&req, &state, form.csrf_token.as_deref()) {
        Ok(found) => found,
        Err(response) => return response,
    };
    match state
        .store
        .end_sessions(user.id, form.id.clone(), Some(session.id_hash.clone()))
        .await
    {
        Ok(ended) => {
            signed_out(&state, &ended, &user);
            let event = audit::event(&state, AuditKind::SessionEnded)
                .of(&user)
                .detail(format!("{} ended from the account page", ended.len()));
            audit::record(&state, &req, event).await;
            if ended.contains(&session.id_hash) {
                see_other(router::LOGIN)
            } else {
                back("sessions")
            }
        }
        Err(e) => store_failure(&e),
    }
}

/// Tells the sites of each ended session (OpenID Connect Back-Channel Logout).
fn signed_out(state: &AppState, ended: &[String], user: &User) {
    for hash in ended {
        super::backchannel::notify(state, hash, user);
    }
}
