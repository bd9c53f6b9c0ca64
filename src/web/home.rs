//! `GET /` (who am I signed in as), `GET /healthz` and `GET /metrics`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::pages::{HomePage, WidgetLine};
use super::responses::{expired_form, html, server_error_page};
use super::{cookies, i18n, router, AppState};
use actix_web::http::header::{HeaderName, HeaderValue};

/// The Portable Contacts service type.
const POCO_SERVICE: &str = "http://portablecontacts.net/spec/1.0";

/// `GET /`.
pub async fn home_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let user = match cookies::current_user(&req, &state) {
        Ok(found) => found.map(|(_, user)| user),
        Err(_) => return server_error_page(),
    };
    let grants = match &user {
        Some(user) => state.store.list_widget_grants(user.id).unwrap_or_default(),
        None => Vec::new(),
    };
    let widgets = grants
        .into_iter()
        .map(|g| WidgetLine {
            id: g.widget_id,
            url: g.url.unwrap_or_default(),
            last_used: crate::poco::xs_date_time(g.last_used_at),
        })
        .collect();
    let (csrf_token, cookie) = cookies::csrf_token(&req, &state);
    let page = HomePage {
        t: i18n::choose(None, &req),
        user_name: user.as_ref().map(|u| u.display_name()),
        csrf_token: &csrf_token,
        demo: state.demo,
        widgets,
    };
    let mut response = html(StatusCode::OK, &page);
    let headers = response.headers_mut();
    // Portable Contacts discovery from the issuer (Draft C §4): a Link header and XRDS-Simple.
    let link = format!(
        "<{}{}>; rel=\"{}\"",
        state.issuer,
        router::POCO_BASE,
        POCO_SERVICE
    );
    let xrds = format!("{}{}", state.issuer, router::XRDS);
    for (name, value) in [("link", link), ("x-xrds-location", xrds)] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    if let Some(cookie) = cookie {
        let _ = response.add_cookie(&cookie);
    }
    response
}

/// `GET /healthz`: 200 while the store answers.
pub async fn healthz_get(state: web::Data<AppState>) -> HttpResponse {
    match state.store.find_user(0) {
        Ok(_) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })),
        Err(_) => {
            HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "unavailable" }))
        }
    }
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics_get(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(state.metrics.render())
}

/// `GET /xrds`: XRDS-Simple naming the Portable Contacts base URL.
pub async fn xrds_get(state: web::Data<AppState>) -> HttpResponse {
    let base = format!("{}{}", state.issuer, router::POCO_BASE);
    HttpResponse::Ok()
        .content_type("application/xrds+xml; charset=utf-8")
        .body(crate::poco::render::xrds(&base))
}

/// The form that forgets a widget.
#[derive(serde::Deserialize)]
pub struct ForgetWidgetForm {
    csrf_token: Option<String>,
    widget_id: String,
}

/// `POST /widgets/forget`: forget a widget from the start page; its credentials die at once.
pub async fn forget_widget_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<ForgetWidgetForm>,
) -> HttpResponse {
    if !cookies::csrf_ok(&req, &state, form.csrf_token.as_deref()) {
        return expired_form(&req);
    }
    let Ok(Some((_, user))) = cookies::current_user(&req, &state) else {
        return super::responses::see_other(&router::login_url("/", None));
    };
    let now = state.clock.now();
    if state
        .store
        .revoke_widgets(user.id, Some(form.widget_id.clone()), now)
        .await
        .is_err()
    {
        return server_error_page();
    }
    super::responses::see_other("/")
}
