//! How errors reach callers — the written policy:
//! - the token, revocation and introspection endpoints answer protocol errors as the RFC's
//!   JSON (`error`, `error_description`) with the RFC's status and `Cache-Control: no-store`;
//! - the authorization endpoint redirects errors to a verified redirect URI, and shows an
//!   HTML page when the client or redirect URI cannot be trusted;
//! - resource endpoints add `WWW-Authenticate: Bearer error=…` (RFC 6750 §3);
//! - store failures are logged and never shown in detail: a busy, locked or full database is
//!   temporary, answered 503 (`temporarily_unavailable`, or a "try again shortly" page) with
//!   `Retry-After`; anything else is `server_error` / a 500 page.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::i18n::{self, Lang};
use super::pages::ErrorPage;
use crate::oauth::{ErrorCode, OAuthError};
use crate::store::StoreError;

/// The RFC 6749 §5.2 JSON error response.
pub fn oauth_error_json(error: &OAuthError) -> HttpResponse {
    let status = StatusCode::from_u16(error.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = HttpResponse::build(status);
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"));
    if error.code == ErrorCode::InvalidClient {
        response.insert_header((header::WWW_AUTHENTICATE, r#"Basic realm="vzconnect""#));
    }
    if error.code == ErrorCode::TemporarilyUnavailable {
        response.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS));
    }
    response.json(serde_json::json!({
        "error": error.code.as_str(),
        "error_description": error.description,
    }))
}

/// How long a caller should wait after a temporary store failure.
const RETRY_AFTER_SECONDS: &str = "5";

/// The protocol error for a store failure: temporary ones are `temporarily_unavailable` (503).
pub fn store_oauth_error(error: &StoreError) -> OAuthError {
    match error {
        StoreError::Unavailable(_) => OAuthError::new(
            ErrorCode::TemporarilyUnavailable,
            "the server is busy or short of storage: try again shortly",
        ),
        _ => OAuthError::server_error(),
    }
}

/// The page for a store failure: "try again shortly" (503) for temporary ones, else 500.
pub fn store_failure(error: &StoreError) -> HttpResponse {
    match error {
        StoreError::Unavailable(_) => {
            let mut response = error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "The service is busy for a moment. Please try again shortly.",
            );
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(RETRY_AFTER_SECONDS),
            );
            response
        }
        _ => server_error_page(),
    }
}

/// A successful JSON answer that must not be cached (it carries tokens).
pub fn no_store_json(body: &impl serde::Serialize) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(body)
}

/// A resource-endpoint error with its `WWW-Authenticate` challenge (RFC 6750 §3.1).
pub fn bearer_error(error: &OAuthError, scope: Option<&str>) -> HttpResponse {
    let mut challenge = format!(
        r#"Bearer realm="vzconnect", error="{}", error_description="{}""#,
        error.code.as_str(),
        error.description.replace('"', "'")
    );
    if let Some(scope) = scope {
        challenge.push_str(&format!(r#", scope="{scope}""#));
    }
    let status = StatusCode::from_u16(error.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = HttpResponse::build(status);
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response.insert_header((header::WWW_AUTHENTICATE, value));
    }
    response.json(serde_json::json!({
        "error": error.code.as_str(),
        "error_description": error.description,
    }))
}

/// The challenge for a request that carried no token at all (RFC 6750 §3.1: no error code).
pub fn bearer_missing() -> HttpResponse {
    HttpResponse::Unauthorized()
        .insert_header((header::WWW_AUTHENTICATE, r#"Bearer realm="vzconnect""#))
        .json(serde_json::json!({
            "error": "invalid_token",
            "error_description": "an access token is required",
        }))
}

/// An HTML error page for the developer of a site (never a redirect): in English, like
/// RFC 6749's `error_description`.
pub fn error_page(status: StatusCode, message: &str) -> HttpResponse {
    error_page_in(Lang::En, status, message)
}

/// An HTML error page for a person, in `t`; `message` is already in `t`.
pub fn error_page_in(t: Lang, status: StatusCode, message: &str) -> HttpResponse {
    let title = match status {
        StatusCode::FORBIDDEN => t.tr("Forbidden"),
        StatusCode::NOT_FOUND => t.tr("Not found"),
        StatusCode::INTERNAL_SERVER_ERROR => t.tr("Something went wrong"),
        StatusCode::TOO_MANY_REQUESTS => t.tr("Too many attempts"),
        StatusCode::SERVICE_UNAVAILABLE => t.tr("Try again shortly"),
        _ => t.tr("Bad request"),
    };
    html(status, &ErrorPage { t, title, message })
}

/// Any address no route answers: a 404 page in the person's language with a way home.
pub async fn not_found_page(req: HttpRequest) -> HttpResponse {
    let t = i18n::choose(None, &req);
    error_page_in(
        t,
        StatusCode::NOT_FOUND,
        t.tr("There is no page at this address."),
    )
}

/// 429 with `Retry-After`: a page that says when to try again (throttled sign-ins, mails,
/// signups).
pub fn too_many(req: &HttpRequest, wait_seconds: i64) -> HttpResponse {
    let t = i18n::choose(None, req);
    let minutes = (wait_seconds + 59) / 60;
    let message = match minutes {
        0 | 1 => t
            .tr("Too many attempts. Try again in a minute.")
            .to_string(),
        n => format!(
            "{} {n} {}",
            t.tr("Too many attempts. Try again in"),
            t.tr("minutes.")
        ),
    };
    let mut response = error_page_in(t, StatusCode::TOO_MANY_REQUESTS, &message);
    if let Ok(value) = header::HeaderValue::from_str(&wait_seconds.max(1).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// Renders a page with `no-store`, since pages show personal data and CSRF tokens.
pub fn html(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(body),
        Err(e) => {
            log::error!("template: {e}");
            HttpResponse::InternalServerError().body("internal error")
        }
    }
}

/// A 303 See Other: after a form POST the browser follows with GET, and RFC 9700 §4.12
/// forbids 307 for redirects that may carry credentials.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// The page shown when the store fails.
pub fn server_error_page() -> HttpResponse {
    error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong on our side. Please try again.",
    )
}
