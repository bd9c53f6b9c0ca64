//! `GET /` (who am I signed in as) and the Portable Contacts discovery it offers: the `Link`
//! header and `GET /xrds` (Draft C §4).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::cookies::with_csrf;
use super::error::AppError;
use super::pages::HomePage;
use super::responses::html;
use super::{cookies, i18n, router, AppState};
use actix_web::http::header::{HeaderName, HeaderValue};

/// The Portable Contacts service type.
const POCO_SERVICE: &str = "http://portablecontacts.net/spec/1.0";

/// `GET /`.
pub async fn home_get(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let user = cookies::current_user(&req, &state)?.map(|(_, user)| user);
    let mut response = with_csrf(&req, &state, |csrf_token| {
        let page = HomePage {
            t: i18n::choose(None, &req),
            user_name: user.as_ref().map(|u| u.display_name()),
            csrf_token,
            demo: state.demo,
        };
        html(StatusCode::OK, &page)
    });
    offer_poco_discovery(&mut response, &state.issuer);
    Ok(response)
}

/// Portable Contacts discovery from the issuer (Draft C §4): a Link header and XRDS-Simple.
fn offer_poco_discovery(response: &mut HttpResponse, issuer: &str) {
    let link = format!("<{issuer}{}>; rel=\"{POCO_SERVICE}\"", router::POCO_BASE);
    let xrds = format!("{issuer}{}", router::XRDS);
    let headers = response.headers_mut();
    for (name, value) in [("link", link), ("x-xrds-location", xrds)] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
}

/// `GET /xrds`: XRDS-Simple naming the Portable Contacts base URL.
pub async fn xrds_get(state: web::Data<AppState>) -> HttpResponse {
    let base = format!("{}{}", state.issuer, router::POCO_BASE);
    HttpResponse::Ok()
        .content_type("application/xrds+xml; charset=utf-8")
        .body(crate::poco::render::xrds(&base))
}
