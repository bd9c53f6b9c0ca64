//! The three token grants, each: read what the store holds, let `oauth::grants` decide,
//! build the whole response, then write atomically. A failed request writes nothing, except
//! that reuse of a code or rotated refresh token revokes its family (the deliberate exception).

use super::keys::{id_token, id_token_claims, subject_for, Subject};
use super::responses::store_oauth_error;
use super::AppState;
use crate::crypto::hash_token;
use crate::domain::records::{Client, Grant, Redemption, Rotation};
use crate::domain::{GrantType, Scope, ScopeSet};
use crate::oauth::grants::{self, Rejection};
use crate::oauth::token_response::{self, ResponseContext, TokenResponse};
use crate::oauth::tokens::{self, Minted};
use crate::oauth::{OAuthError, Params};
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
        let now = minted.stored.access.issued_at;
        let ctx = ResponseContext {
            issuer: &self.state.issuer,
            signature_method: self.client.signature_method,
            client_secret: self.secret,
            sub: subject.map(|s| &s.sub),
            scope,
            now,
        };
        let access = minted.access_token.clone();
        let mut response = token_response::build(
            access,
            minted.refresh_token.clone(),
            self.echo_state.clone(),
            &ctx,
        );
        if let (true, Some(subject)) = (scope.contains(Scope::OpenId), subject) {
            let signed = id_token(
                self.state,
                self.client,
                self.secret,
                subject,
                Some(&minted.access_token),
                None,
                now,
            )?;
            response.id_token = Some(signed);
        }
        Ok(response)
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
        Ok(Some(Subject {
            extra: id_token_claims(&user, &sub, &ScopeSet::default(), grant.claims.as_deref()),
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
    let code = ctx.params.require("code")?;
    let code_hash = hash_token(code);
    let stored = store.find_auth_code(&code_hash).map_err(store_error)?;
    let request = grants::authorization_code::CodeRequest {
        redirect_uri: ctx.params.get("redirect_uri")?,
        code_verifier: ctx.params.get("code_verifier")?,
    };
    match grants::authorization_code::check(stored.as_ref(), ctx.client, &request, now) {
        Ok(()) => {}
        Err(Rejection::Invalid(e)) => return Err(e),
        Err(Rejection::Reused) => {
            store
                .revoke_code_grant(&code_hash, now)
                .await
                .map_err(store_error)?;
            return Err(reused_code());
        }
    }
    let Some(code) = stored else {
        return Err(OAuthError::invalid_grant("the code is not valid"));
    };
    let scope = ScopeSet::parse(&code.scope).map_err(OAuthError::invalid_scope)?;
    let mut grant = tokens::new_grant(
        &ctx.client.client_id,
        Some(code.user_id),
        &scope,
        code.fields.clone(),
        now,
    );
    grant.auth_time = Some(code.auth_time);
    grant.sid = code.sid.clone();
    grant.claims = code.claims.clone();
    let subject = ctx.subject_of(&grant, code.nonce.clone())?;
    let with_refresh = ctx.client.allows(GrantType::RefreshToken);
    let minted = tokens::mint(&grant.id, &scope, now, with_refresh);
    let response = ctx.respond(&minted, &scope, subject.as_ref())?;
    match store
        .redeem_auth_code(&code_hash, grant, minted.stored)
        .await
        .map_err(store_error)?
    {
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
    let token = ctx.params.require("refresh_token")?;
    let hash = hash_token(token);
    let stored = store.find_refresh_token(&hash).map_err(store_error)?;
    let requested = ctx.params.get("scope")?;
    let scope = match grants::refresh_token::check(stored.as_ref(), ctx.client, requested, now) {
        Ok(scope) => scope,
        Err(Rejection::Invalid(e)) => return Err(e),
        Err(Rejection::Reused) => {
            if let Some(stored) = &stored {
                store
                    .revoke_grant(&stored.grant.id, now)
                    .await
                    .map_err(store_error)?;
            }
            return Err(reused_refresh());
        }
    };
    let Some(stored) = stored else {
        return Err(OAuthError::invalid_grant("the refresh token is not valid"));
    };
    let subject = ctx.subject_of(&stored.grant, None)?;
    let minted = tokens::mint(&stored.grant.id, &scope, now, true);
    let response = ctx.respond(&minted, &scope, subject.as_ref())?;
    match store
        .rotate_refresh_token(&hash, minted.stored)
        .await
        .map_err(store_error)?
    {
        Rotation::Rotated => Ok(response),
        Rotation::Reused => Err(reused_refresh()),
    }
}

fn reused_refresh() -> OAuthError {
    OAuthError::invalid_grant("the refresh token was already used; its whole family is revoked")
}

/// `grant_type=client_credentials`.
pub async fn client_credentials(ctx: &GrantContext<'_>) -> Result<TokenResponse, OAuthError> {
    let now = ctx.state.clock.now();
    let scope = grants::client_credentials::check(ctx.client, ctx.params.get("scope")?)?;
    let grant = tokens::new_grant(&ctx.client.client_id, None, &scope, None, now);
    let minted = tokens::mint(&grant.id, &scope, now, false);
    let response = ctx.respond(&minted, &scope, None)?;
    ctx.state
        .store
        .issue_grant(grant, minted.stored)
        .await
        .map_err(store_error)?;
    Ok(response)
}
