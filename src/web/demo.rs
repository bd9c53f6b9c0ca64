//! `GET /demo/callback`: the demo client's redirect URI. It only shows what arrived and the
//! curl command for the next step; it exchanges nothing.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::pages::DemoCallbackPage;
use super::responses::{error_page, html};
use super::{router, AppState};
use crate::oauth::Params;

/// The demo client's id.
pub const DEMO_CLIENT_ID: &str = "demo-client";

/// `GET /demo/callback`.
pub async fn demo_callback_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if !state.demo {
        return error_page(
            StatusCode::NOT_FOUND,
            "The demo is not enabled on this server.",
        );
    }
    let params = Params::parse(req.query_string());
    let get = |name: &str| params.get(name).ok().flatten();
    let token_url = format!("{}{}", state.issuer, router::TOKEN);
    let redirect_uri = router::demo_redirect_uri(&state.issuer);
    let page = DemoCallbackPage {
        code: get("code"),
        error: get("error"),
        error_description: get("error_description"),
        state: get("state"),
        token_url: &token_url,
        redirect_uri: &redirect_uri,
        client_id: DEMO_CLIENT_ID,
    };
    html(StatusCode::OK, &page)
}
