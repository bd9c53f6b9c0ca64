//! Extractors, one per concern, so a handler cannot forget to ask: [`SignedIn`] (the person
//! behind the session cookie, else a redirect to sign in that comes back) and [`CsrfForm`]
//! (a form body whose CSRF token checked out). Each answers its own failure as an
//! [`AppError`].

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use super::error::AppError;
use super::{cookies, i18n, AppState};
use crate::domain::records::{Session, User};

/// The signed-in person and their session.
pub struct SignedIn {
    pub session: Session,
    pub user: User,
}

fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::bad_request(i18n::Lang::En, "the server is not set up"))
}

/// Where a person who signs in now should come back to: this page, or for a form's POST the
/// section it belongs to (`/account`, `/developers`), whose page shows the form again.
fn return_to(req: &HttpRequest) -> String {
    let path = req.path();
    if req.method() == actix_web::http::Method::POST {
        let section = path.split('/').nth(1).unwrap_or("");
        return format!("/{section}");
    }
    match req.query_string() {
        "" => path.to_string(),
        query => format!("{path}?{query}"),
    }
}

impl FromRequest for SignedIn {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready((|| {
            let state = app_state(req)?;
            match cookies::current_user(req, &state)? {
                Some((session, user)) => Ok(SignedIn { session, user }),
                None => Err(AppError::SignIn {
                    return_to: return_to(req),
                }),
            }
        })())
    }
}

/// A form that carries a CSRF token.
pub trait WithCsrf {
    /// The token the form sent.
    fn csrf_token(&self) -> Option<&str>;
}

/// A form body of type `T` whose CSRF token checked out.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + WithCsrf + 'static> FromRequest for CsrfForm<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let form = web::Form::<T>::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let form = form.await?.into_inner();
            let state = app_state(&req)?;
            if cookies::csrf_ok(&req, &state, form.csrf_token()) {
                Ok(CsrfForm(form))
            } else {
                Err(AppError::ExpiredForm(i18n::choose(None, &req)).into())
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::return_to;
    use actix_web::test::TestRequest;

    #[test]
    fn signing_in_comes_back_to_a_page_that_exists() {
        let get = TestRequest::get()
            .uri("/developers/abc?x=1")
            .to_http_request();
        assert_eq!(return_to(&get), "/developers/abc?x=1");
        for (post, back) in [
            ("/account/sessions/end", "/account"),
            ("/account/profile", "/account"),
            ("/developers/abc/secret", "/developers"),
            ("/developers", "/developers"),
        ] {
            let req = TestRequest::post().uri(post).to_http_request();
            assert_eq!(return_to(&req), back, "{post}");
        }
    }
}
