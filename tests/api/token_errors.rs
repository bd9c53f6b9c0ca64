//! RFC 6749 §5.2 errors, and that a failed token request changes nothing.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

/// Who asks, with which form, and the status and error code expected.
type Case<'a> = (TestClient, Vec<(&'a str, &'a str)>, StatusCode, &'a str);

#[tokio::test]
async fn each_rfc_6749_token_error_is_json_with_its_status() {
    let app = spawn_app().await;
    let web = &app.web;
    let cases: Vec<Case> = vec![
        (
            web.clone(),
            vec![("code", "x")],
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            web.clone(),
            vec![("grant_type", "authorization_code")],
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            web.clone(),
            vec![("grant_type", "authorization_code"), ("code", "nope")],
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        ),
        (
            web.clone(),
            vec![("grant_type", "password"), ("username", "alice")],
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
        ),
        (
            app.vz.clone(),
            vec![("grant_type", "client_credentials")],
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
        ),
        (
            web.clone(),
            vec![("grant_type", "client_credentials"), ("scope", "openid")],
            StatusCode::BAD_REQUEST,
            "invalid_scope",
        ),
        (
            TestClient {
                id: web.id.clone(),
                secret: Some("wrong".into()),
            },
            vec![("grant_type", "client_credentials")],
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
    ];
    let before = app.db_snapshot();
    for (client, form, status, code) in cases {
        let response = app.token(&client, &form).await;
        if code == "invalid_client" {
            assert!(response.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Basic"));
        }
        assert_oauth_error(response, status, code).await;
    }
    assert_eq!(app.db_snapshot(), before);

    let json = app
        .http
        .post(app.url("/oauth/token"))
        .header(
            "Authorization",
            basic(&web.id, web.secret.as_deref().unwrap()),
        )
        .json(&serde_json::json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_oauth_error(json, StatusCode::BAD_REQUEST, "invalid_request").await;
}

#[tokio::test]
async fn a_code_survives_failed_client_authentication_and_wrong_pkce() {
    let app = spawn_app().await;
    let code = app.code_for(&app.web, "openid").await;
    let before = app.db_snapshot();
    let imposter = TestClient {
        id: app.web.id.clone(),
        secret: Some("not-the-secret".into()),
    };
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
    ];
    assert_oauth_error(
        app.token(&imposter, &form).await,
        StatusCode::UNAUTHORIZED,
        "invalid_client",
    )
    .await;
    let other_client = app.token(&app.vz, &form).await;
    assert_oauth_error(other_client, StatusCode::BAD_REQUEST, "invalid_grant").await;
    let wrong_verifier = "x".repeat(43);
    let bad_pkce = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", wrong_verifier.as_str()),
    ];
    assert_oauth_error(
        app.token(&app.web, &bad_pkce).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
    let bad_uri = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", "http://127.0.0.1/other"),
        ("code_verifier", VERIFIER),
    ];
    assert_oauth_error(
        app.token(&app.web, &bad_uri).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
    assert_eq!(
        app.db_snapshot(),
        before,
        "failed requests changed the database"
    );

    let response = app.redeem(&app.web, &code).await;
    assert_eq!(response.status(), StatusCode::OK, "the code still works");
}

#[tokio::test]
async fn basic_credentials_are_form_decoded_and_secrets_are_url_safe() {
    let app = spawn_app().await;
    let secret = app.web.secret.clone().unwrap();
    assert!(secret.len() >= 43);
    assert!(secret
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    // RFC 6749 §2.3.1: each part is form-encoded before Basic; %2D is '-', %5F is '_'.
    let encoded: String = secret
        .chars()
        .map(|c| match c {
            '-' => "%2D".into(),
            '_' => "%5F".into(),
            'a' => "%61".into(),
            c => c.to_string(),
        })
        .collect();
    let response = app
        .http
        .post(app.url("/oauth/token"))
        .header("Authorization", basic(&app.web.id, &encoded))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // client_secret_post works too.
    let response = app
        .http
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &app.web.id),
            ("client_secret", &secret),
        ])
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert!(body["access_token"].is_string());
    assert!(
        body.get("user_id").is_none(),
        "client credentials act for no user"
    );
}
