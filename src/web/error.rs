//! The application error: every way a handler can fail, answered the one way that suits it.
//! The policy (see `responses`): people get an HTML page (a store failure that is temporary
//! gets "try again shortly" and 503), API callers the RFC's JSON (RFC 6750 challenges for
//! resource requests, Portable Contacts' and Matrix's own error shapes); a missing sign-in is
//! a redirect to the sign-in page that comes back; an authorization error goes to the client.
//! Handlers return `Result<HttpResponse, AppError>` and use `?`.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use super::authorization_response::ToClient;
use super::bearer::BearerRefusal;
use super::i18n::Lang;
use super::matrix::matrix_error;
use super::responses::{
    error_page_in, oauth_error_json, see_other, server_error_page, store_failure, store_oauth_error,
};
use super::router;
use crate::matrix::MatrixError;
use crate::oauth::OAuthError;
use crate::poco::query::{PocoError, QueryError};
use crate::store::StoreError;

/// Why a request failed, and so how to answer it.
#[derive(Debug)]
pub enum AppError {
    /// The person must sign in first; they come back to `return_to` afterwards.
    SignIn { return_to: String },
    /// A form whose CSRF token does not check out: nothing changed.
    ExpiredForm(Lang),
    /// A page that says what is wrong, in the person's language.
    Page {
        lang: Lang,
        status: StatusCode,
        message: String,
    },
    /// A protocol error for an API caller (the RFC's JSON).
    OAuth(OAuthError),
    /// The store failed while answering a person (a page).
    Store(StoreError),
    /// An authorization error for the client, sent to its redirect URI (RFC 6749 §4.1.2.1),
    /// or first shown to the person when the operator has not reviewed the site.
    ToClient(Box<ToClient>),
    /// A resource request refused before its own checks (RFC 6750).
    Bearer(BearerRefusal),
    /// A Portable Contacts request with no record to answer.
    PoCo(PocoError),
    /// A Matrix endpoint's refusal, with its `errcode` and CORS headers.
    Matrix(MatrixError),
    /// A failure on our side outside the store (hashing a password, sending a mail): like a
    /// store failure, nothing of it is shown.
    Internal,
}

impl AppError {
    /// A 400 page with `message` (already in `lang`).
    pub fn bad_request(lang: Lang, message: impl Into<String>) -> Self {
        Self::Page {
            lang,
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    /// A store failure answered to an API caller: the RFC's JSON, 503
    /// `temporarily_unavailable` when it is temporary.
    pub fn store_api(error: &StoreError) -> Self {
        Self::OAuth(store_oauth_error(error))
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

impl From<BearerRefusal> for AppError {
    fn from(error: BearerRefusal) -> Self {
        Self::Bearer(error)
    }
}

impl From<PocoError> for AppError {
    fn from(error: PocoError) -> Self {
        Self::PoCo(error)
    }
}

impl From<QueryError> for AppError {
    fn from(error: QueryError) -> Self {
        Self::PoCo(PocoError::BadParameter(error))
    }
}

impl From<MatrixError> for AppError {
    fn from(error: MatrixError) -> Self {
        Self::Matrix(error)
    }
}

impl From<OAuthError> for AppError {
    fn from(error: OAuthError) -> Self {
        Self::OAuth(error)
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SignIn { .. } => write!(f, "sign-in required"),
            Self::ExpiredForm(_) => write!(f, "expired form"),
            Self::Page { message, .. } => write!(f, "{message}"),
            Self::OAuth(e) => write!(f, "{e}"),
            Self::Store(e) => write!(f, "{e}"),
            Self::ToClient(_) => write!(f, "error response to the client"),
            Self::Bearer(e) => write!(f, "{e}"),
            Self::PoCo(e) => write!(f, "{e:?}"),
            Self::Matrix(e) => write!(f, "{}: {}", e.errcode, e.error),
            Self::Internal => write!(f, "internal error"),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.error_response().status()
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::SignIn { return_to } => see_other(&router::login_url(return_to, None)),
            Self::ExpiredForm(t) => error_page_in(
                *t,
                StatusCode::FORBIDDEN,
                t.tr(
                    "This form has expired or was not sent from this site. Go back and try again.",
                ),
            ),
            Self::Page {
                lang,
                status,
                message,
            } => error_page_in(*lang, *status, message),
            Self::OAuth(e) => oauth_error_json(e),
            Self::Store(e) => store_failure(e),
            Self::ToClient(answer) => answer.answer(),
            Self::Bearer(refusal) => refusal.error_response(),
            Self::PoCo(PocoError::BadParameter(e)) => {
                HttpResponse::BadRequest().json(serde_json::json!({
                    "error": "invalid_request",
                    "error_description": format!("{}: {}", e.parameter, e.message),
                    "parameter": e.parameter,
                }))
            }
            Self::PoCo(PocoError::NotFound) => HttpResponse::NotFound().json(serde_json::json!({
                "error": "not_found",
                "error_description": "no such record for this access token",
            })),
            Self::Matrix(e) => matrix_error(e),
            Self::Internal => server_error_page(),
        }
    }
}
