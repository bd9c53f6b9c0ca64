//! The three token grants, each: read what the store holds, let `oauth::grants` decide,
//! build the whole response, then write atomically. A failed request writes nothing, except
//! that reuse of a code or rotated refresh token revokes its family (the deliberate exception).

use super::keys::{sign_id_token, subject_for};
use super::responses::store_oauth_error;
use super::AppState;
use crate::crypto::hash_token;
use crate::domain::records::{Client, Grant, Redemption, Rotation};
use crate::domain::{GrantType, Scope, ScopeSet};
use crate::oauth::grants::{self, Rejection};
use crate::oauth::token_response::{self, ResponseContext, TokenResponse};
use crate::oauth::tokens::{self, Minted};
use crate::oauth::{OAuthError, Params};
use crate::oidc::claims_request::ClaimsRequest;
use crate::oidc::id_token::{person_claims, IdTokenClaims, Subject, TravelsWith};
use crate::store::StoreError;

/// What every grant needs to know about the request.
pub struct GrantContext<'a> {
    pub state: &'a AppState,
    pub client: &'a Client,
    pub secret: Option<&'a str>,
    pub params: &'a Params,
    pub echo_state: Option<String>,
}

fn store_error(e: StoreError) -> OAuthError {
    store_oauth_error(&e)
}

impl GrantContext<'_> {
    /// The token response, with an id_token when `openid` was granted to a user.
    fn respond(
        &self,
        minted: &Minted,
        scope: &ScopeSet,
        subject: Option<&Subject>,
    ) -> Result<TokenResponse, OAuthError> {
        let now = minted.stored.issued_at;
        let ctx = ResponseContext {
            issuer: &self.state.issuer,
            signature_method: self.client.signature_method,
            client_secret: self.secret,
            sub: subject.map(|s| &s.sub),
            scope,
            now,
        };
        let (access, refresh) = (&minted.access_token, &minted.refresh_token);
        let mut response = token_response::build(
            access.clone(),
            refresh.clone(),
            self.echo_state.clone(),
            &ctx,
        );
        if let (true, Some(subject)) = (scope.contains(Scope::OpenId), subject) {
            response.id_token = Some(self.id_token(subject, access, now)?);
        }
        Ok(response)
    }

    /// The signed id_token about `subject` that travels with `access_token`.
    fn id_token(
        &self,
        subject: &Subject,
        access_token: &str,
        now: i64,
    ) -> Result<String, OAuthError> {
        let travels_with = TravelsWith {
            access_token: Some(access_token),
            code: None,
        };
        let (issuer, client_id) = (&self.state.issuer, &self.client.client_id);
        let claims = IdTokenClaims::new(issuer, client_id, subject, travels_with, now);
        sign_id_token(self.state, self.client, self.secret, &claims)
    }

    /// The user a grant belongs to, as an id_token describes them.
    fn subject_of(
        &self,
        grant: &Grant,
        nonce: Option<String>,
    ) -> Result<Option<Subject>, OAuthError> {
        let Some(user_id) = grant.user_id else {
            return Ok(None);
        };
        let user = self.state.store.find_user(user_id).map_err(store_error)?;
        let user = user.ok_or_else(|| OAuthError::invalid_grant("the user no longer exists"))?;
        let sub = subject_for(self.state, self.client, &user);
        let requested = ClaimsRequest::id_token_names(grant.claims.as_deref());
        Ok(Some(Subject {
            extra: person_claims(&user, &sub, &ScopeSet::default(), &requested),
            sub,
            auth_time: grant.auth_time.unwrap_or(grant.created_at),
            nonce,
            sid: grant.sid.clone(),
        }))
    }
}

/// `grant_type=authorization_code`.
pub async fn authorization_code(ctx: &GrantContext<'_>) -> Result<TokenResponse, OAuthError> {
    let store = &ctx.state.store;
    let now = ctx.state.clock.now();
    let code_hash = hash_token(ctx.params.require("code")?);
    let stored = store.find_auth_code(&code_hash).map_err(store_error)?;
    let request = grants::authorization_code::CodeRequest {
        redirect_uri: ctx.params.get("redirect_uri")?,
        code_verifier: ctx.params.get("code_verifier")?,
    };
    let exchange =
        match grants::authorization_code::check(stored.as_ref(), ctx.client, &request, now) {
            Ok(exchange) => exchange,
            Err(Rejection::Invalid(e)) => return Err(e),
            Err(Rejection::Reused) => {
                let revoked = store.revoke_code_grant(&code_hash, now).await;
                revoked.map_err(store_error)?;
                return Err(reused_code());
            }
        };
    let subject = ctx.subject_of(&exchange.grant, exchange.nonce)?;
    let with_refresh = ctx.client.allows(GrantType::RefreshToken);
    let key = &ctx.state.key;
    let minted = tokens::mint(key, &exchange.grant, &exchange.scope, now, with_refresh);
    let response = ctx.respond(&minted, &exchange.scope, subject.as_ref())?;
    let redeemed = store.redeem_auth_code(&code_hash, exchange.grant, minted.stored);
    match redeemed.await.map_err(store_error)? {
        Redemption::Redeemed => Ok(response),
        Redemption::AlreadyRedeemed => Err(reused_code()),
    }
}

fn reused_code() -> OAuthError {
    OAuthError::invalid_grant("the code was already used; the tokens issued from it are revoked")
}

/// `grant_type=refresh_token`: rotates the refresh token.
pub async fn refresh_token(ctx: &GrantContext<'_>) -> Result<TokenResponse, OAuthError> {
    let store = &ctx.state.store;
    let now = ctx.state.clock.now();
    let hash = hash_token(ctx.params.require("refresh_token")?);
    let stored = store.find_refresh_token(&hash).map_err(store_error)?;
    let requested = ctx.params.get("scope")?;
    let scope = match grants::refresh_token::check(stored.as_ref(), ctx.client, requested, now) {
        Ok(scope) => scope,
        Err(Rejection::Invalid(e)) => return Err(e),
        Err(Rejection::Reused) => {
            // Reuse is only ever found on a stored token: its whole family goes.
            let family = stored
                .as_ref()
                .map(|s| s.grant.id.as_str())
                .unwrap_or_default();
            store.revoke_grant(family, now).await.map_err(store_error)?;
            return Err(reused_refresh());
        }
    };
    let grant = stored
        .map(|s| s.grant)
        .ok_or_else(|| OAuthError::invalid_grant("the refresh token is not valid"))?;
    let subject = ctx.subject_of(&grant, None)?;
    let minted = tokens::mint(&ctx.state.key, &grant, &scope, now, true);
    let response = ctx.respond(&minted, &scope, subject.as_ref())?;
    let rotated = store.rotate_refresh_token(&hash, minted.stored);
    match rotated.await.map_err(store_error)? {
        Rotation::Rotated => Ok(response),
        Rotation::Reused => Err(reused_refresh()),
    }
}

fn reused_refresh() -> OAuthError {
    OAuthError::invalid_grant("the refresh token was already used; its whole family is revoked")
}

/// `grant_type=client_credentials`.
pub fn client_credentials(ctx: &GrantContext<'_>) -> Result<TokenResponse, OAuthError> {
    let now = ctx.state.clock.now();
    let scope = grants::client_credentials::check(ctx.client, ctx.params.get("scope")?)?;
    // A sealed token of the client's own: nothing to write.
    let minted = tokens::mint_for_client(&ctx.state.key, &ctx.client.client_id, &scope, now);
    ctx.respond(&minted, &scope, None)
}
