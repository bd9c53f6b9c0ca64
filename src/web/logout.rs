//! `GET|POST /logout`: a confirmation form, then the session is deleted.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::pages::LogoutPage;
use super::responses::{error_page, html, see_other, server_error_page};
use super::{cookies, router, AppState};

/// `GET /logout`: asks first, so a link on another site cannot sign people out.
pub async fn logout_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let (csrf_token, cookie) = cookies::csrf_token(&req, &state);
    let mut response = html(
        StatusCode::OK,
        &LogoutPage {
            csrf_token: &csrf_token,
        },
    );
    if let Some(cookie) = cookie {
        let _ = response.add_cookie(&cookie);
    }
    response
}

/// The logout form.
#[derive(Deserialize)]
pub struct LogoutForm {
    csrf_token: Option<String>,
}

/// `POST /logout`.
pub async fn logout_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LogoutForm>,
) -> HttpResponse {
    if !cookies::csrf_ok(&req, &state, form.csrf_token.as_deref()) {
        return error_page(
            StatusCode::FORBIDDEN,
            "This form has expired. Go back and try again.",
        );
    }
    if let Some(id_hash) = cookies::session_id_hash(&req) {
        if state.store.delete_session(&id_hash).await.is_err() {
            return server_error_page();
        }
    }
    let mut response = see_other(router::LOGIN);
    let _ = response.add_cookie(&cookies::expired_session_cookie(state.secure_cookies));
    response
}
