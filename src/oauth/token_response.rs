//! The token response (RFC 6749 §5.1) with the VZ Connect fields: with `openid` granted to
//! a user, `user_id`, `issued_at`, `signature` and `signature_method` (DESIGN "The VZ
//! Connect token response"). The same fields fill the user-agent flow's fragment.

use serde::Serialize;

use super::tokens::ACCESS_TOKEN_TTL;
use super::vz_signature::{sign, SignedFields};
use crate::clock::UnixTime;
use crate::domain::{Scope, ScopeSet, SignatureMethod, Sub};

/// What the client receives, in the order the fields are written. `Debug` hides the tokens.
#[derive(Clone, Serialize, PartialEq, Eq)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<UnixTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_method: Option<&'static str>,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("scope", &self.scope)
            .field("user_id", &self.user_id)
            .field("issued_at", &self.issued_at)
            .finish_non_exhaustive()
    }
}

/// Everything besides the tokens that shapes a response.
#[derive(Debug, Clone, Copy)]
pub struct ResponseContext<'a> {
    pub issuer: &'a str,
    pub signature_method: SignatureMethod,
    /// The client secret (the HMAC key); `None` for public clients, which get no signature.
    pub client_secret: Option<&'a str>,
    /// The user the token is for; `None` for client credentials.
    pub sub: Option<&'a Sub>,
    pub scope: &'a ScopeSet,
    pub now: UnixTime,
}

/// The VZ `user_id`: the URL of the user's PoCo record.
pub fn user_id_url(issuer: &str, sub: &Sub) -> String {
    format!("{issuer}/poco/{sub}/@self")
}

/// Builds the response for freshly minted tokens.
pub fn build(
    access_token: String,
    refresh_token: Option<String>,
    state: Option<String>,
    ctx: &ResponseContext<'_>,
) -> TokenResponse {
    // VZ's responses carried no expires_in, and the HMAC-SHA1 profile reproduces them.
    let expires_in = match ctx.signature_method {
        SignatureMethod::HmacSha256 => Some(ACCESS_TOKEN_TTL),
        SignatureMethod::HmacSha1 => None,
    };
    let mut response = TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in,
        refresh_token,
        scope: ctx.scope.to_string(),
        id_token: None,
        state,
        user_id: None,
        issued_at: None,
        signature: None,
        signature_method: None,
    };
    if let (true, Some(sub)) = (ctx.scope.contains(Scope::OpenId), ctx.sub) {
        let user_id = user_id_url(ctx.issuer, sub);
        if let Some(secret) = ctx.client_secret {
            let fields = SignedFields {
                access_token: &response.access_token,
                issued_at: ctx.now,
                user_id: &user_id,
                expires_in,
            };
            response.signature = Some(sign(ctx.signature_method, secret, &fields));
            response.signature_method = Some(ctx.signature_method.wire_name());
        }
        response.user_id = Some(user_id);
        response.issued_at = Some(ctx.now);
    }
    response
}

impl TokenResponse {
    /// The fields as name/value strings for a redirect fragment (state is added by the
    /// redirect itself).
    pub fn fragment_params(&self) -> Vec<(&'static str, String)> {
        let mut params = vec![
            ("access_token", self.access_token.clone()),
            ("token_type", self.token_type.to_string()),
        ];
        let optional = [
            ("expires_in", self.expires_in.map(|v| v.to_string())),
            ("scope", Some(self.scope.clone()).filter(|s| !s.is_empty())),
            ("id_token", self.id_token.clone()),
            ("user_id", self.user_id.clone()),
            ("issued_at", self.issued_at.map(|v| v.to_string())),
            ("signature", self.signature.clone()),
            (
                "signature_method",
                self.signature_method.map(str::to_string),
            ),
        ];
        params.extend(
            optional
                .into_iter()
                .filter_map(|(name, value)| value.map(|v| (name, v))),
        );
        params
    }
}

#[cfg(test)]
mod tests {
    use super::super::vz_signature::verify;
    use super::*;

    fn ctx<'a>(scope: &'a ScopeSet, sub: &'a Sub, method: SignatureMethod) -> ResponseContext<'a> {
        ResponseContext {
            issuer: "https://id.example",
            signature_method: method,
            client_secret: Some("secret"),
            sub: Some(sub),
            scope,
            now: 1_700_000_000,
        }
    }

    #[test]
    fn openid_adds_signed_vz_fields() {
        let scope = ScopeSet::parse("openid email").unwrap();
        let sub = Sub::from_string("u1".into());
        let r = build(
            "tok".into(),
            None,
            None,
            &ctx(&scope, &sub, SignatureMethod::HmacSha256),
        );
        assert_eq!(
            r.user_id.as_deref(),
            Some("https://id.example/poco/u1/@self")
        );
        assert_eq!(r.expires_in, Some(3600));
        assert_eq!(r.signature_method, Some("HMAC-SHA256"));
        let fields = SignedFields {
            access_token: "tok",
            issued_at: 1_700_000_000,
            user_id: "https://id.example/poco/u1/@self",
            expires_in: Some(3600),
        };
        let signature = r.signature.unwrap();
        assert!(verify(
            SignatureMethod::HmacSha256,
            "secret",
            &fields,
            &signature
        ));
    }

    #[test]
    fn sha1_profile_has_no_expires_in_and_signs_three_fields() {
        let scope = ScopeSet::parse("openid").unwrap();
        let sub = Sub::from_string("u1".into());
        let r = build(
            "tok".into(),
            None,
            None,
            &ctx(&scope, &sub, SignatureMethod::HmacSha1),
        );
        assert_eq!(r.expires_in, None);
        let json = serde_json::to_value(&r).unwrap();
        assert!(json.get("expires_in").is_none());
        let fields = SignedFields {
            access_token: "tok",
            issued_at: 1_700_000_000,
            user_id: "https://id.example/poco/u1/@self",
            expires_in: None,
        };
        assert!(verify(
            SignatureMethod::HmacSha1,
            "secret",
            &fields,
            &r.signature.unwrap()
        ));
    }

    #[test]
    fn without_openid_there_are_no_vz_fields() {
        let scope = ScopeSet::parse("email").unwrap();
        let sub = Sub::from_string("u1".into());
        let r = build(
            "tok".into(),
            None,
            None,
            &ctx(&scope, &sub, SignatureMethod::HmacSha256),
        );
        assert_eq!((r.user_id, r.issued_at, r.signature), (None, None, None));
    }
}
