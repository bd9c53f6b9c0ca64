//! What an approved authorization request issues (RFC 6749 §4.1.2, §4.2.2; OpenID Connect
//! Core §3.3.2.5): the response type decides between a code, an access token and an
//! id_token, and which of the person's claims the id_token must carry itself (Core §5.4:
//! only when no access token is issued that could fetch them from UserInfo).

use super::authorize::AuthorizationRequest;
use super::tokens::{self, Minted, SignIn};
use crate::clock::UnixTime;
use crate::crypto::{hash_token, SecretKey};
use crate::domain::records::{AuthCode, Grant, IssuedAuthorization, UserId};
use crate::domain::{ClientId, ScopeSet};

/// The person who approved the request and their sign-in.
#[derive(Debug, Clone)]
pub struct Approval<'a> {
    pub client_id: &'a ClientId,
    pub user_id: UserId,
    /// When the person authenticated.
    pub auth_time: UnixTime,
    /// The login session's id for id_tokens (`sid`).
    pub sid: String,
}

/// Everything one authorization response hands out, with the records that back it.
#[derive(Clone)]
pub struct Issue {
    /// The code handed to the client, and its record.
    pub code: Option<(String, AuthCode)>,
    /// The access token handed out at once (implicit and hybrid flows), and its grant.
    pub token: Option<(Grant, Minted)>,
    /// When an id_token is handed out: the scope whose claims it carries itself.
    pub id_token: Option<ScopeSet>,
}

/// Decides what `request`, approved as `approval`, issues; access tokens are sealed with `key`.
pub fn issue(
    request: &AuthorizationRequest,
    approval: &Approval<'_>,
    key: &SecretKey,
    now: UnixTime,
) -> Issue {
    let kind = request.response_type;
    let fields = request.fields.as_ref().map(|f| f.join(","));
    let claims = (!request.claims.is_empty()).then(|| request.claims.to_json());
    let code = kind.code.then(|| {
        let value = tokens::new_secret_value();
        let record = AuthCode {
            code_hash: hash_token(&value),
            client_id: approval.client_id.clone(),
            user_id: approval.user_id,
            redirect_uri: request.target.redirect_uri.clone(),
            redirect_uri_explicit: request.redirect_uri_explicit,
            scope: request.scope.to_string(),
            fields: fields.clone(),
            code_challenge: request.code_challenge.clone(),
            nonce: request.nonce.clone(),
            sid: Some(approval.sid.clone()),
            claims: claims.clone(),
            auth_time: approval.auth_time,
            issued_at: now,
            expires_at: now + tokens::CODE_TTL,
            redeemed: false,
        };
        (value, record)
    });
    let token = kind.token.then(|| {
        let sign_in = SignIn {
            user_id: approval.user_id,
            auth_time: approval.auth_time,
            sid: Some(approval.sid.clone()),
            claims,
        };
        let grant =
            tokens::new_user_grant(approval.client_id, sign_in, &request.scope, fields, now);
        let minted = tokens::mint(key, &grant, &request.scope, now, false);
        (grant, minted)
    });
    // Without an access token the scope's claims can only travel in the id_token.
    let id_token = kind.id_token.then(|| match kind.token || kind.code {
        true => ScopeSet::default(),
        false => request.scope.clone(),
    });
    Issue {
        code,
        token,
        id_token,
    }
}

impl Issue {
    /// The code handed to the client.
    pub fn code_value(&self) -> Option<&str> {
        self.code.as_ref().map(|(value, _)| value.as_str())
    }

    /// The access token handed to the client.
    pub fn access_token(&self) -> Option<&str> {
        self.token.as_ref().map(|(_, m)| m.access_token.as_str())
    }

    /// The records to write, all in one transaction.
    pub fn records(&self) -> IssuedAuthorization {
        IssuedAuthorization {
            code: self.code.as_ref().map(|(_, record)| record.clone()),
            grant: (self.token.as_ref()).map(|(grant, m)| (grant.clone(), m.stored.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::authorize::validate;
    use crate::oauth::grants::test_client;
    use crate::oauth::Params;

    fn request(response_type: &str) -> AuthorizationRequest {
        let mut client = test_client("site", false);
        let uri = crate::domain::RedirectUri::parse("https://site.example/cb");
        client.redirect_uris = vec![uri.unwrap()];
        client.grant_types.push(crate::domain::GrantType::Implicit);
        let query = format!(
            "client_id=site&response_type={response_type}&scope=openid%20profile\
             &redirect_uri=https%3A%2F%2Fsite.example%2Fcb&nonce=n&code_challenge=\
             E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
        );
        validate(&Params::parse(&query), &client).unwrap()
    }

    fn approved(response_type: &str) -> Issue {
        let client_id = ClientId::parse("site").unwrap();
        let approval = Approval {
            client_id: &client_id,
            user_id: 7,
            auth_time: 90,
            sid: "s".into(),
        };
        issue(
            &request(response_type),
            &approval,
            &SecretKey::generate(),
            100,
        )
    }

    #[test]
    fn the_response_type_decides_what_is_issued() {
        let code = approved("code");
        let (value, record) = code.code.as_ref().unwrap();
        assert_eq!(record.code_hash, hash_token(value));
        assert_eq!((record.user_id, record.auth_time), (7, 90));
        assert_eq!(record.expires_at, 100 + tokens::CODE_TTL);
        assert!(code.token.is_none() && code.id_token.is_none());

        let hybrid = approved("code id_token token");
        let (grant, minted) = hybrid.token.as_ref().unwrap();
        assert_eq!(minted.stored.grant_id, grant.id);
        assert_eq!((grant.user_id, grant.sid.as_deref()), (Some(7), Some("s")));
        assert!(hybrid.code.is_some());
        let records = hybrid.records();
        assert!(records.code.is_some() && records.grant.is_some());
    }

    #[test]
    fn scope_claims_ride_in_the_id_token_only_without_an_access_token() {
        let alone = approved("id_token").id_token.unwrap();
        assert_eq!(alone.to_string(), "openid profile");
        for with_access in ["id_token token", "code id_token"] {
            let scope = approved(with_access).id_token.unwrap();
            assert!(scope.is_empty(), "{with_access}");
        }
    }
}
