use super::*;
use crate::domain::RedirectUri;
use crate::oauth::redirect::ResponseMode;

const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn client(public: bool, grants: &[GrantType], uris: &[&str]) -> Client {
    Client {
        redirect_uris: uris
            .iter()
            .map(|u| RedirectUri::parse(u).unwrap())
            .collect(),
        grant_types: grants.to_vec(),
        ..crate::oauth::grants::test_client("c1", public)
    }
}

fn web_client() -> Client {
    client(
        false,
        &[GrantType::AuthorizationCode],
        &["https://c.example/cb"],
    )
}

fn redirect_error(query: &str, c: &Client) -> OAuthError {
    match validate(&Params::parse(query), c) {
        Err(AuthorizeError::Redirect { error, .. }) => error,
        other => panic!("expected a redirected error, got {other:?}"),
    }
}

#[test]
fn valid_code_request() {
    let q = "response_type=code&client_id=c1&redirect_uri=https%3A%2F%2Fc.example%2Fcb&scope=openid+email&state=xyz";
    let request = validate(&Params::parse(q), &web_client()).unwrap();
    assert_eq!(request.response_type, ResponseType::CODE);
    assert_eq!(request.target.state.as_deref(), Some("xyz"));
    assert!(request.redirect_uri_explicit);
    assert_eq!(request.scope.to_string(), "openid email");
}

#[test]
fn wrong_or_missing_redirect_uri_is_a_page_never_a_redirect() {
    let wrong =
        "response_type=code&client_id=c1&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&scope=openid";
    assert!(matches!(
        validate(&Params::parse(wrong), &web_client()),
        Err(AuthorizeError::Page(_))
    ));
    let two = client(
        false,
        &[GrantType::AuthorizationCode],
        &["https://a.example/cb", "https://b.example/cb"],
    );
    let missing = "response_type=code&client_id=c1&scope=openid";
    assert!(matches!(
        validate(&Params::parse(missing), &two),
        Err(AuthorizeError::Page(_))
    ));
    let single = validate(&Params::parse(missing), &web_client()).unwrap();
    assert!(!single.redirect_uri_explicit);
}

#[test]
fn rfc_6749_errors_after_the_redirect_uri_is_trusted() {
    let c = web_client();
    assert_eq!(
        redirect_error("client_id=c1&scope=openid", &c).code,
        ErrorCode::InvalidRequest
    );
    assert_eq!(
        redirect_error("response_type=code+foo&client_id=c1&scope=openid", &c).code,
        ErrorCode::UnsupportedResponseType
    );
    assert_eq!(
        redirect_error("response_type=token&client_id=c1&scope=openid", &c).code,
        ErrorCode::UnauthorizedClient
    );
    assert_eq!(
        redirect_error("response_type=code&client_id=c1&scope=admin", &c).code,
        ErrorCode::InvalidScope
    );
    assert_eq!(
        redirect_error(
            "response_type=code&client_id=c1&scope=openid&state=a&state=b",
            &c
        )
        .code,
        ErrorCode::InvalidRequest
    );
}

#[test]
fn pkce_rules() {
    let public = client(
        true,
        &[GrantType::AuthorizationCode],
        &["https://c.example/cb"],
    );
    let base = "response_type=code&client_id=c1&scope=openid";
    assert!(redirect_error(base, &public).description.contains("PKCE"));
    let plain = format!("{base}&code_challenge={CHALLENGE}&code_challenge_method=plain");
    assert!(redirect_error(&plain, &public).description.contains("S256"));
    let ok = format!("{base}&code_challenge={CHALLENGE}&code_challenge_method=S256");
    assert_eq!(
        validate(&Params::parse(&ok), &public)
            .unwrap()
            .code_challenge
            .as_deref(),
        Some(CHALLENGE)
    );
}

#[test]
fn vz_type_fields_and_message() {
    let ua = client(false, &[GrantType::Implicit], &["https://c.example/cb"]);
    let q =
        "type=user_agent&client_id=c1&scope=openid&fields=name,emails,name&message=Hello+%3Cb%3E";
    let request = validate(&Params::parse(q), &ua).unwrap();
    assert_eq!(request.response_type, ResponseType::TOKEN);
    assert_eq!(request.target.mode, ResponseMode::Fragment);
    assert_eq!(
        request.fields,
        Some(vec!["name".to_string(), "emails".to_string()])
    );
    assert_eq!(request.message.as_deref(), Some("Hello <b>"));
    let clash = "type=web_server&response_type=token&client_id=c1&scope=openid";
    assert!(redirect_error(clash, &ua).description.contains("disagree"));
}

#[test]
fn remembered_consent_covers_equal_or_fewer_scopes() {
    let remembered = ScopeSet::parse("openid email").unwrap();
    assert!(!needs_consent(
        Some(&remembered),
        &ScopeSet::parse("openid").unwrap()
    ));
    assert!(needs_consent(
        Some(&remembered),
        &ScopeSet::parse("openid contacts").unwrap()
    ));
    assert!(needs_consent(None, &ScopeSet::parse("openid").unwrap()));
}
