//! The live widget sign-in demo (`serve --demo`): `/docs/widgets` is a host page using
//! widget-host.js, whose "site backend" mints for the signed-in person; `/demo/widget` is an
//! example widget using widget.js, and `/demo/widget/verify` its backend, which verifies the
//! credentials the way any widget backend would.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::docs::render;
use super::matrix::{issue, verify};
use super::pages::{DemoWidgetPage, WidgetDemo};
use super::responses::{error_page, html};
use super::{cookies, router, AppState};
use crate::domain::records::UserId;
use crate::matrix::WidgetInfo;
use crate::oauth::Params;

/// The demo widget's id.
const DEMO_WIDGET: &str = "demo-poll";

fn disabled() -> HttpResponse {
    error_page(
        StatusCode::NOT_FOUND,
        "The widget demo runs with vzconnect serve --demo.",
    )
}

/// `GET /docs/widgets`: the widget docs, and in demo mode the live demo below them.
pub async fn widgets_demo_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if !state.demo {
        return render("widgets", None);
    }
    let user = match cookies::current_user(&req, &state) {
        Ok(found) => found.map(|(_, user)| user),
        Err(_) => return HttpResponse::ServiceUnavailable().finish(),
    };
    let (csrf_token, cookie) = cookies::csrf_token(&req, &state);
    let here = format!("{}{}", state.issuer, router::WIDGETS_DEMO);
    let widget_src = url::form_urlencoded::Serializer::new(format!("{}?", router::DEMO_WIDGET))
        .append_pair("widgetId", DEMO_WIDGET)
        .append_pair("parentUrl", &here)
        .finish();
    let login_url = router::login_url(router::WIDGETS_DEMO, None);
    let demo = WidgetDemo {
        user_name: user.as_ref().map(|u| u.display_name()),
        login_url: &login_url,
        csrf_token: &csrf_token,
        widget_id: DEMO_WIDGET,
        widget_src: &widget_src,
    };
    let mut response = render("widgets", Some(demo));
    if let Some(cookie) = cookie {
        let _ = response.add_cookie(&cookie);
    }
    response
}

/// `POST /demo/widget/credentials`: the demo site's backend mints for its signed-in person.
pub async fn demo_credentials_post(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if !state.demo {
        return disabled();
    }
    let submitted = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok());
    if !cookies::csrf_ok(&req, &state, submitted) {
        return HttpResponse::Forbidden().json(json!({ "error": "bad CSRF token" }));
    }
    let user = match cookies::current_user(&req, &state) {
        Ok(Some((_, user))) => user,
        Ok(None) => return HttpResponse::Unauthorized().json(json!({ "error": "sign in first" })),
        Err(_) => return HttpResponse::ServiceUnavailable().finish(),
    };
    mint(&state, user.id).await
}

/// Credentials for the demo widget, minted for `user`, as JSON.
async fn mint(state: &AppState, user: UserId) -> HttpResponse {
    let widget = WidgetInfo {
        id: DEMO_WIDGET.into(),
        url: Some(format!("{}{}", state.issuer, router::DEMO_WIDGET)),
    };
    match issue(state, user, None, Some(widget)).await {
        Ok(credentials) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(credentials),
        Err(error) => HttpResponse::build(
            StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST),
        )
        .json(error),
    }
}

/// `GET /demo/widget`: the example widget, framable by this server's own pages only.
pub async fn demo_widget_get(state: web::Data<AppState>) -> HttpResponse {
    if !state.demo {
        return disabled();
    }
    let mut response = html(StatusCode::OK, &DemoWidgetPage {});
    let headers = response.headers_mut();
    headers.insert(
        actix_web::http::header::X_FRAME_OPTIONS,
        actix_web::http::header::HeaderValue::from_static("SAMEORIGIN"),
    );
    headers.insert(
        actix_web::http::header::CONTENT_SECURITY_POLICY,
        actix_web::http::header::HeaderValue::from_static(
            "default-src 'self'; frame-ancestors 'self'; base-uri 'none'; object-src 'none'",
        ),
    );
    response
}

/// `GET /demo/widget/verify?token=…`: the example widget's backend.
pub async fn demo_widget_verify_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if !state.demo {
        return disabled();
    }
    let query = Params::parse(req.query_string());
    let token = query.get("token").ok().flatten().unwrap_or("");
    match verify(&state, token) {
        Some(sub) => HttpResponse::Ok().json(json!({ "sub": sub })),
        None => HttpResponse::Unauthorized().json(json!({ "errcode": "M_UNKNOWN_TOKEN" })),
    }
}
