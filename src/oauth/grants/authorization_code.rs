//! `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.5–4.6): the code must be
//! live, unredeemed, issued to this client, for this redirect URI and PKCE verifier.

use super::Rejection;
use crate::clock::UnixTime;
use crate::domain::records::{AuthCode, Client, Grant};
use crate::domain::ScopeSet;
use crate::oauth::tokens::{self, SignIn};
use crate::oauth::{pkce, OAuthError};

/// The token request's own parameters for this grant.
#[derive(Debug, Clone, Copy)]
pub struct CodeRequest<'a> {
    pub redirect_uri: Option<&'a str>,
    pub code_verifier: Option<&'a str>,
}

/// What a code is exchanged for: the grant its tokens belong to, and their scope.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub grant: Grant,
    pub scope: ScopeSet,
    /// The authorization request's `nonce`, for the id_token.
    pub nonce: Option<String>,
}

/// Decides whether `code` may be exchanged by `client`, and for what.
pub fn check(
    code: Option<&AuthCode>,
    client: &Client,
    request: &CodeRequest<'_>,
    now: UnixTime,
) -> Result<Exchange, Rejection> {
    let code = code.ok_or_else(|| OAuthError::invalid_grant("the code is not valid"))?;
    verify(code, client, request, now)?;
    let scope = ScopeSet::parse(&code.scope).map_err(OAuthError::invalid_scope)?;
    let sign_in = SignIn {
        user_id: code.user_id,
        auth_time: code.auth_time,
        sid: code.sid.clone(),
        claims: code.claims.clone(),
    };
    let fields = code.fields.clone();
    Ok(Exchange {
        grant: tokens::new_user_grant(&client.client_id, sign_in, &scope, fields, now),
        scope,
        nonce: code.nonce.clone(),
    })
}

fn verify(
    code: &AuthCode,
    client: &Client,
    request: &CodeRequest<'_>,
    now: UnixTime,
) -> Result<(), Rejection> {
    if code.client_id != client.client_id {
        return Err(OAuthError::invalid_grant("the code was issued to another client").into());
    }
    if code.redeemed {
        return Err(Rejection::Reused);
    }
    if now >= code.expires_at {
        return Err(OAuthError::invalid_grant("the code has expired").into());
    }
    match request.redirect_uri {
        Some(uri) if uri != code.redirect_uri => {
            return Err(OAuthError::invalid_grant(
                "redirect_uri differs from the authorization request's",
            )
            .into())
        }
        None if code.redirect_uri_explicit => {
            return Err(OAuthError::invalid_grant(
                "redirect_uri is required: the authorization request included it",
            )
            .into())
        }
        _ => {}
    }
    match (&code.code_challenge, request.code_verifier) {
        (Some(challenge), Some(verifier)) if pkce::verify(challenge, verifier) => Ok(()),
        (Some(_), Some(_)) => Err(OAuthError::invalid_grant("code_verifier does not match").into()),
        (Some(_), None) => Err(OAuthError::invalid_grant("code_verifier is required").into()),
        // RFC 9700 §2.1.1: a verifier without a challenge is a downgrade attempt.
        (None, Some(_)) => Err(OAuthError::invalid_grant(
            "code_verifier sent, but the authorization request had no code_challenge",
        )
        .into()),
        (None, None) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ClientId;

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn client(id: &str) -> Client {
        crate::oauth::grants::test_client(id, false)
    }

    fn code(challenge: Option<&str>) -> AuthCode {
        AuthCode {
            code_hash: "h".into(),
            client_id: ClientId::parse("c1").unwrap(),
            user_id: 1,
            redirect_uri: "https://c.example/cb".into(),
            redirect_uri_explicit: true,
            scope: "openid".into(),
            fields: None,
            code_challenge: challenge.map(str::to_string),
            nonce: None,
            sid: None,
            claims: None,
            auth_time: 0,
            issued_at: 100,
            expires_at: 160,
            redeemed: false,
        }
    }

    fn request<'a>(uri: Option<&'a str>, verifier: Option<&'a str>) -> CodeRequest<'a> {
        CodeRequest {
            redirect_uri: uri,
            code_verifier: verifier,
        }
    }

    fn error(result: Result<Exchange, Rejection>) -> String {
        match result {
            Err(Rejection::Invalid(e)) => e.description,
            other => panic!("expected invalid_grant, got {other:?}"),
        }
    }

    const URI: Option<&str> = Some("https://c.example/cb");

    #[test]
    fn a_live_code_with_matching_redirect_uri_is_accepted() {
        let exchange = check(Some(&code(None)), &client("c1"), &request(URI, None), 159).unwrap();
        assert_eq!(exchange.scope.to_string(), "openid");
        let grant = exchange.grant;
        assert_eq!((grant.user_id, grant.auth_time), (Some(1), Some(0)));
        assert_eq!((grant.client_id.as_str(), grant.created_at), ("c1", 159));
    }

    #[test]
    fn expiry_client_binding_and_redirect_uri_are_enforced() {
        let c = code(None);
        assert!(
            error(check(Some(&c), &client("c1"), &request(URI, None), 160)).contains("expired")
        );
        assert!(
            error(check(Some(&c), &client("c2"), &request(URI, None), 100))
                .contains("another client")
        );
        assert!(
            error(check(Some(&c), &client("c1"), &request(None, None), 100)).contains("required")
        );
        let other = Some("https://c.example/other");
        assert!(
            error(check(Some(&c), &client("c1"), &request(other, None), 100)).contains("differs")
        );
        assert!(error(check(None, &client("c1"), &request(URI, None), 100)).contains("not valid"));
    }

    #[test]
    fn redeemed_code_is_reuse() {
        let mut c = code(None);
        c.redeemed = true;
        assert_eq!(
            check(Some(&c), &client("c1"), &request(URI, None), 100).unwrap_err(),
            Rejection::Reused
        );
    }

    #[test]
    fn pkce_is_bound_to_the_code() {
        let c = code(Some(CHALLENGE));
        let ok = check(Some(&c), &client("c1"), &request(URI, Some(VERIFIER)), 100);
        assert!(ok.is_ok());
        let wrong = "x".repeat(43);
        assert!(error(check(
            Some(&c),
            &client("c1"),
            &request(URI, Some(&wrong)),
            100
        ))
        .contains("does not match"));
        assert!(
            error(check(Some(&c), &client("c1"), &request(URI, None), 100)).contains("required")
        );
        let plain = code(None);
        assert!(error(check(
            Some(&plain),
            &client("c1"),
            &request(URI, Some(VERIFIER)),
            100
        ))
        .contains("no code_challenge"));
    }
}
