//! Finding the access token on a resource request: RFC 6750's `Authorization: Bearer`,
//! `access_token` query and form parameters, and the VZ-era `Authorization: OAuth` and
//! `oauth_token`. Several copies are fine when they agree (VZ's PHP library sends two).
//! [`BearerGrant`] is the extractor resource endpoints take: the token, its scope and the
//! person, or an RFC 6750 refusal.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, ResponseError};

use super::responses::{bearer_error, bearer_missing, oauth_error_json, store_oauth_error};
use super::AppState;
use crate::crypto::hash_token;
use crate::crypto::SecretKey;
use crate::domain::records::{AccessToken, PresentedToken, User};
use crate::domain::{Scope, ScopeSet, Sub};
use crate::oauth::access_token::{self, AccessClaims};
use crate::oauth::{ErrorCode, OAuthError, Params};
use crate::oidc::subject::for_sector;
use crate::store::StoreError;

/// Why a resource request was refused before its own checks.
pub enum BearerError {
    /// No token anywhere: 401 with a bare challenge.
    Missing,
    /// A token that is malformed, unknown, expired or revoked, or conflicting copies.
    Invalid(OAuthError),
    /// The store failed.
    Store,
}

/// Collects every copy of the token from the header, the query and an optional form body.
fn presented(req: &HttpRequest, body: Option<&Params>) -> Result<Option<String>, OAuthError> {
    let mut found: Vec<String> = Vec::new();
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let value = value
            .to_str()
            .map_err(|_| OAuthError::invalid_request("malformed Authorization header"))?;
        if let Some((scheme, token)) = value.split_once(' ') {
            if scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth") {
                found.push(token.trim().to_string());
            }
        }
    }
    let query = Params::parse(req.query_string());
    for params in std::iter::once(&query).chain(body) {
        for name in ["access_token", "oauth_token"] {
            if let Some(token) = params.get(name)? {
                found.push(token.to_string());
            }
        }
    }
    found.sort();
    found.dedup();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        _ => Err(OAuthError::invalid_request(
            "the request carries different access tokens",
        )),
    }
}

/// The live access token of this request.
pub fn authenticate(
    req: &HttpRequest,
    state: &AppState,
    body: Option<&Params>,
) -> Result<AccessToken, BearerError> {
    let token = presented(req, body)
        .map_err(BearerError::Invalid)?
        .ok_or(BearerError::Missing)?;
    let invalid = || {
        BearerError::Invalid(OAuthError::new(
            ErrorCode::InvalidToken,
            "the access token is invalid, expired or revoked",
        ))
    };
    let stored = access_token(state, &token)
        .map_err(|_| BearerError::Store)?
        .ok_or_else(invalid)?;
    if !stored.is_active(state.clock.now()) {
        return Err(invalid());
    }
    Ok(stored)
}

/// The access token `token` is, with what the store knows of it (expired or revoked ones
/// included: check `is_active`); `None` for a value this server did not seal, or one whose
/// grant is gone.
pub fn access_token(state: &AppState, token: &str) -> Result<Option<AccessToken>, StoreError> {
    let Some(claims) = AccessClaims::open(token, &state.key) else {
        return Ok(None);
    };
    let standing = (state.store).access_standing(claims.grant_id.as_deref(), &claims.token_id)?;
    Ok(access_token::resolve(claims, standing))
}

/// A token a client presented to introspection or revocation, of either kind.
pub fn presented_token(state: &AppState, token: &str) -> Result<PresentedToken, StoreError> {
    if let Some(access) = access_token(state, token)? {
        return Ok(PresentedToken::Access(Box::new(access)));
    }
    let refresh = state.store.find_refresh_token(&hash_token(token))?;
    Ok(refresh.map_or(PresentedToken::Unknown, PresentedToken::Refresh))
}

/// A resource request's live access token with the person it acts for, and every request
/// parameter (query and form body, where a token may also travel): the one path from
/// "Bearer token" to "whose data".
pub struct BearerGrant {
    pub token: AccessToken,
    pub scope: ScopeSet,
    pub user: User,
    pub params: Params,
}

/// Why a resource request was refused, answered as RFC 6750 says.
#[derive(Debug)]
pub enum BearerRefusal {
    /// No token: 401 with a bare challenge.
    Missing,
    /// A bad, unknown, expired or revoked token, or one whose person is gone: 401.
    Invalid(OAuthError),
    /// The token lacks `scope`: 403 `insufficient_scope`.
    Insufficient { message: String, scope: Scope },
    /// The store failed: 503.
    Store(StoreError),
}

impl From<BearerError> for BearerRefusal {
    fn from(error: BearerError) -> Self {
        match error {
            BearerError::Missing => Self::Missing,
            BearerError::Invalid(e) => Self::Invalid(e),
            BearerError::Store => {
                Self::Store(StoreError::Unavailable("token lookup failed".into()))
            }
        }
    }
}

impl BearerGrant {
    /// The `sub` the token's client knows the person by: public, or pairwise for its sector.
    pub fn subject(&self, key: &SecretKey) -> Sub {
        for_sector(&self.user.sub, self.token.sector.as_deref(), key)
    }

    /// Refuses with 403 `insufficient_scope` unless the grant includes `scope`.
    pub fn require(&self, scope: Scope, why: &str) -> Result<(), BearerRefusal> {
        if self.scope.contains(scope) {
            Ok(())
        } else {
            Err(BearerRefusal::Insufficient {
                message: why.to_string(),
                scope,
            })
        }
    }

    async fn extract(req: HttpRequest, body: web::Bytes) -> Result<Self, BearerRefusal> {
        let state = req
            .app_data::<web::Data<AppState>>()
            .cloned()
            .ok_or_else(|| BearerRefusal::Store(StoreError::Database("no state".into())))?;
        let mut pairs = Params::parse(req.query_string()).pairs().to_vec();
        pairs.extend(
            Params::parse(&String::from_utf8_lossy(&body))
                .pairs()
                .iter()
                .cloned(),
        );
        let params = Params::from_pairs(pairs);
        let mut token = authenticate(&req, &state, Some(&params))?;
        // A corrupt stored scope is refused, never read as "no scope".
        let scope = ScopeSet::parse(&token.scope).map_err(|_| gone())?;
        if token.grant.user_id.is_none() {
            return Err(BearerRefusal::Insufficient {
                message: "this endpoint needs a token that acts for a person".into(),
                scope: Scope::OpenId,
            });
        }
        // The person was read with the token; a grant whose person is gone is no grant.
        let user = token.person.take().ok_or_else(gone)?;
        Ok(Self {
            token,
            scope,
            user,
            params,
        })
    }
}

fn gone() -> BearerRefusal {
    BearerRefusal::Invalid(OAuthError::new(
        ErrorCode::InvalidToken,
        "the access token is invalid, expired or revoked",
    ))
}

impl FromRequest for BearerGrant {
    type Error = BearerRefusal;
    type Future = Pin<Box<dyn Future<Output = Result<Self, BearerRefusal>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = web::Bytes::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let body = body.await.map_err(|_| {
                BearerRefusal::Invalid(OAuthError::invalid_request("the body could not be read"))
            })?;
            Self::extract(req, body).await
        })
    }
}

impl std::fmt::Display for BearerRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing => write!(f, "no access token"),
            Self::Invalid(e) => write!(f, "{e}"),
            Self::Insufficient { message, .. } => write!(f, "{message}"),
            Self::Store(e) => write!(f, "{e}"),
        }
    }
}

impl ResponseError for BearerRefusal {
    fn status_code(&self) -> actix_web::http::StatusCode {
        self.error_response().status()
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Missing => bearer_missing(),
            Self::Invalid(e) => bearer_error(e, None),
            Self::Insufficient { message, scope } => bearer_error(
                &OAuthError::new(ErrorCode::InsufficientScope, message.clone()),
                Some(scope.as_str()),
            ),
            Self::Store(e) => oauth_error_json(&store_oauth_error(e)),
        }
    }
}
