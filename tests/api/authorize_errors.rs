//! RFC 6749 §4.1.2.1: errors go back to a trusted redirect URI; an untrusted one gets a page.

use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn wrong_redirect_uri_or_client_gets_an_error_page_never_a_redirect() {
    let app = spawn_app().await;
    app.login("alice", PASSWORD).await;
    let cases: [&[(&str, &str)]; 3] = [
        &[
            ("response_type", "code"),
            ("client_id", &app.web.id),
            ("scope", "openid"),
            ("redirect_uri", "https://evil.example/cb"),
        ],
        &[
            ("response_type", "code"),
            ("client_id", "no-such-client"),
            ("scope", "openid"),
            ("redirect_uri", REDIRECT_URI),
        ],
        &[
            ("response_type", "code"),
            ("scope", "openid"),
            ("redirect_uri", REDIRECT_URI),
        ],
    ];
    for query in cases {
        let response = app.authorize(query).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query:?}");
        assert!(response.headers().get("location").is_none());
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
    }
}

#[tokio::test]
async fn each_rfc_6749_authorization_error_is_redirected_with_state_and_iss() {
    let app = spawn_app().await;
    app.login("alice", PASSWORD).await;
    let public_only_code = app.public.id.as_str();
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("client_id", &app.web.id), ("scope", "openid")],
            "invalid_request",
        ),
        (
            vec![
                ("response_type", "code"),
                ("client_id", &app.web.id),
                ("scope", "openid"),
                ("scope", "email"),
            ],
            "invalid_request",
        ),
        (
            vec![
                ("response_type", "code"),
                ("client_id", public_only_code),
                ("scope", "openid"),
            ],
            "invalid_request",
        ),
        (
            vec![
                ("response_type", "token"),
                ("client_id", public_only_code),
                ("scope", "openid"),
            ],
            "unauthorized_client",
        ),
        (
            vec![
                ("response_type", "code foo"),
                ("client_id", &app.web.id),
                ("scope", "openid"),
            ],
            "unsupported_response_type",
        ),
        (
            vec![
                ("response_type", "code"),
                ("client_id", &app.web.id),
                ("scope", "openid admin"),
            ],
            "invalid_scope",
        ),
        (
            vec![
                ("response_type", "code"),
                ("client_id", &app.web.id),
                ("scope", "openid"),
                ("code_challenge", "abc"),
                ("code_challenge_method", "plain"),
            ],
            "invalid_request",
        ),
    ];
    for (mut query, expected) in cases {
        query.push(("state", "keep-me"));
        let before = app.db_snapshot();
        let response = app.authorize(&query).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{query:?}");
        let back = location(&response);
        assert!(back.starts_with(REDIRECT_URI), "{back}");
        // The user-agent flow answers in the fragment (RFC 6749 §4.2.2.1).
        let params = url_params(&back, back.contains('#'));
        assert_eq!(
            param(&params, "error").as_deref(),
            Some(expected),
            "{query:?}"
        );
        assert!(param(&params, "error_description").is_some());
        assert_eq!(param(&params, "state").as_deref(), Some("keep-me"));
        assert_eq!(param(&params, "iss").as_deref(), Some(app.address.as_str()));
        assert_eq!(app.db_snapshot(), before, "{query:?} changed the database");
    }
}
