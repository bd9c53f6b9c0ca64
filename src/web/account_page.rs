//! The `/account` page itself: the person's profile form, the sites they connected, the
//! widgets that know them, their sessions and their recent security events, with what the
//! last change did or what is wrong with the form just sent.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::HttpRequest;

use super::cookies::with_csrf;
use super::error::AppError;
use super::extract::SignedIn;
use super::i18n::{self, Lang};
use super::pages::{AccountPage, AppLine, EventLine, SessionLine, WidgetLine};
use super::responses::html;
use super::AppState;
use crate::domain::audit::{AuditEvent, AuditQuery};
use crate::domain::profile::primary_or_first;
use crate::domain::records::{ConnectedApp, SessionInfo, User, WidgetGrant, WidgetsOf};
use crate::poco::xs_date_time;

/// Security events the account page shows.
const RECENT_EVENTS: usize = 10;

/// What the page answers.
type Answer = Result<actix_web::HttpResponse, AppError>;

/// The account page; with `error`, a 422 that says what is wrong with the form just sent.
pub(super) async fn render(
    req: &HttpRequest,
    state: &AppState,
    me: &SignedIn,
    done: Option<&str>,
    error: Option<&str>,
) -> Answer {
    let status = match error {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let now = state.clock.now();
    let _ = state.store.touch_session(&me.session.id_hash, now).await;
    let t = i18n::choose(None, req);
    let lists = lists(state, me, t, now)?;
    Ok(with_csrf(req, state, |csrf| {
        let page = AccountPage {
            notice: notice(t, done),
            error,
            ..page(t, csrf, &me.user, lists)
        };
        html(status, &page)
    }))
}

/// The account page again, saying what is wrong with the form just sent.
pub(super) async fn again(
    req: &HttpRequest,
    state: &AppState,
    me: &SignedIn,
    error: &str,
) -> Answer {
    render(req, state, me, None, Some(error)).await
}

/// The lists on the page.
struct Lists {
    apps: Vec<AppLine>,
    widgets: Vec<WidgetLine>,
    sessions: Vec<SessionLine>,
    events: Vec<EventLine>,
}

/// What the page says after a change (`?done=`).
fn notice(t: Lang, done: Option<&str>) -> Option<&'static str> {
    match done? {
        "profile" => Some(t.tr("Your profile is saved.")),
        "password" => Some(t.tr("Your password is changed; your other sessions are signed out.")),
        "app" => Some(t.tr("The site is disconnected and its access revoked.")),
        "widget" => Some(t.tr("The widget is forgotten.")),
        "sessions" => Some(t.tr("Signed out.")),
        _ => None,
    }
}

/// The page for `user`, with the lists and nothing said above the forms.
fn page<'a>(t: Lang, csrf_token: &'a str, user: &'a User, lists: Lists) -> AccountPage<'a> {
    let p = &user.profile;
    let address = p.main_address();
    AccountPage {
        t,
        csrf_token,
        notice: None,
        error: None,
        username: &user.username,
        email: &user.email,
        email_verified: user.email_verified,
        name: shown(&user.name),
        given_name: shown(&p.given_name),
        family_name: shown(&p.family_name),
        nickname: shown(&p.nickname),
        birthday: shown(&p.birthday),
        phone: primary_or_first(&p.phone_numbers).map_or("", |n| n.value.as_str()),
        locality: address.map_or("", |a| shown(&a.locality)),
        country: address.map_or("", |a| shown(&a.country)),
        hide_email: p.hidden_from_contacts.iter().any(|h| h == "emails"),
        apps: lists.apps,
        widgets: lists.widgets,
        sessions: lists.sessions,
        events: lists.events,
    }
}

/// A field as the form shows it: empty when unset.
fn shown(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

/// Reads the person's sites, widgets, sessions and recent security events.
fn lists(state: &AppState, me: &SignedIn, t: Lang, now: i64) -> Result<Lists, AppError> {
    let user = me.user.id;
    let recent = AuditQuery {
        user_id: Some(user),
        since: None,
        limit: RECENT_EVENTS,
    };
    let apps = state.store.connected_apps(user)?;
    let widgets = state.store.list_widget_grants(user, WidgetsOf::Everyone)?;
    let sessions = state.store.list_sessions(user, now)?;
    let events = state.store.list_audit(&recent)?;
    let current = &me.session.id_hash;
    Ok(Lists {
        widgets: widget_lines(widgets, &apps),
        apps: apps.into_iter().map(app_line).collect(),
        sessions: sessions
            .into_iter()
            .map(|s| session_line(t, s, current))
            .collect(),
        events: events.into_iter().map(|e| event_line(t, e)).collect(),
    })
}

fn app_line(a: ConnectedApp) -> AppLine {
    AppLine {
        client_id: a.client_id.as_str().to_string(),
        name: a.client_name,
        scope: a.scope,
        since: xs_date_time(a.since),
    }
}

/// Widget grants name their site by id; connected sites know its name.
fn widget_lines(widgets: Vec<WidgetGrant>, apps: &[ConnectedApp]) -> Vec<WidgetLine> {
    let names: HashMap<&str, &str> = apps
        .iter()
        .map(|a| (a.client_id.as_str(), a.client_name.as_str()))
        .collect();
    let line = |w: WidgetGrant| {
        let site = w
            .client_id
            .map(|c| c.as_str().to_string())
            .unwrap_or_default();
        WidgetLine {
            site_name: names
                .get(site.as_str())
                .map_or_else(|| site.clone(), |n| n.to_string()),
            site,
            id: w.widget_id,
            url: w.url.unwrap_or_default(),
            last_used: xs_date_time(w.last_used_at),
        }
    };
    widgets.into_iter().map(line).collect()
}

fn session_line(t: Lang, s: SessionInfo, current: &str) -> SessionLine {
    SessionLine {
        current: s.id_hash == current,
        id: s.id_hash,
        device: if s.user_agent.is_empty() {
            t.tr("Unknown browser").into()
        } else {
            s.user_agent
        },
        signed_in: xs_date_time(s.auth_time),
        last_seen: xs_date_time(s.last_seen_at),
    }
}

fn event_line(t: Lang, e: AuditEvent) -> EventLine {
    EventLine {
        when: xs_date_time(e.at),
        what: t.tr(e.kind.description()),
        source: e.source.unwrap_or_else(|| t.tr("the operator").into()),
    }
}
