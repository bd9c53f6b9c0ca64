//! `GET /` (who am I signed in as) and the Portable Contacts discovery it offers: the `Link`
//! header and `GET /xrds` (Draft C §4).

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

/// `GET /xrds`: XRDS-Simple naming the Portable Contacts base URL.
pub async fn xrds_get(state: web::Data<AppState>) -> HttpResponse {
    let base = format!("{}{}", state.issuer, router::POCO_BASE);
    HttpResponse::Ok()
        .content_type("application/xrds+xml; charset=utf-8")
        .body(crate::poco::render::xrds(&base))
}
