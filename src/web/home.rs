//! `GET /` (who am I signed in as), `GET /healthz` (liveness) and `GET /readyz` (readiness).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::pages::HomePage;
use super::responses::{html, store_failure};
use super::{cookies, i18n, router, AppState};
use actix_web::http::header::{HeaderName, HeaderValue};

/// The Portable Contacts service type.
const POCO_SERVICE: &str = "http://portablecontacts.net/spec/1.0";

/// `GET /`.
pub async fn home_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let user = match cookies::current_user(&req, &state) {
        Ok(found) => found.map(|(_, user)| user),
        Err(e) => return store_failure(&e),
    };
    let (csrf_token, cookie) = cookies::csrf_token(&req, &state);
    let page = HomePage {
        t: i18n::choose(None, &req),
        user_name: user.as_ref().map(|u| u.display_name()),
        csrf_token: &csrf_token,
        demo: state.demo,
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

/// `GET /readyz`: 200 only when a write goes through the writer and every signing key is
/// loaded; 503 otherwise, so a load balancer sends no traffic to an instance that would fail.
pub async fn readyz_get(state: web::Data<AppState>) -> HttpResponse {
    let writes = state.store.probe_write(state.clock.now()).await.is_ok();
    let keys = state
        .keys
        .ring(state.store.as_ref(), &state.key)
        .missing()
        .is_empty();
    let body = serde_json::json!({
        "status": if writes && keys { "ready" } else { "unavailable" },
        "writes": writes,
        "signing_keys": keys,
    });
    if writes && keys {
        HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(body)
    } else {
        HttpResponse::ServiceUnavailable()
            .insert_header(("Cache-Control", "no-store"))
            .insert_header(("Retry-After", "5"))
            .json(body)
    }
}

/// `GET /xrds`: XRDS-Simple naming the Portable Contacts base URL.
pub async fn xrds_get(state: web::Data<AppState>) -> HttpResponse {
    let base = format!("{}{}", state.issuer, router::POCO_BASE);
    HttpResponse::Ok()
        .content_type("application/xrds+xml; charset=utf-8")
        .body(crate::poco::render::xrds(&base))
}
