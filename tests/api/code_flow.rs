//! The main job: login form → consent → code → token → PoCo record.

use reqwest::StatusCode;
use serde_json::Value;

use crate::doc_samples::assert_rust_sample_verifies;
use crate::helpers::*;

#[tokio::test]
async fn browser_login_consent_code_token_and_poco_record() {
    let app = spawn_app().await;
    let challenge = challenge(VERIFIER);
    let query = [
        ("response_type", "code"),
        ("client_id", app.web.id.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("scope", "openid email"),
        ("state", "xyz"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    // Not signed in: the authorization endpoint sends the browser to the login page.
    let response = app.authorize(&query).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let login = location(&response);
    assert!(
        login.starts_with("/login?return_to=%2Foauth%2Fauthorize"),
        "{login}"
    );

    let page = app
        .http
        .get(app.url(&login))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let return_to = hidden_field(&page, "return_to");
    let csrf = hidden_field(&page, "csrf_token");
    let response = app
        .http
        .post(app.url("/login"))
        .form(&[
            ("username", "alice"),
            ("password", PASSWORD),
            ("csrf_token", &csrf),
            ("return_to", &return_to),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert_eq!(location(&response), return_to);

    // Signed in: on to the consent page, which names the client and the scopes.
    let response = app.http.get(app.url(&return_to)).send().await.unwrap();
    let consent = location(&response);
    assert!(consent.starts_with("/consent?"));
    let page = app.http.get(app.url(&consent)).send().await.unwrap();
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let page = page.text().await.unwrap();
    assert!(page.contains("Web Site"));
    assert!(page.contains("See your email address"));

    let response = app.answer_consent(&consent, "allow", false).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let back = location(&response);
    assert!(back.starts_with(REDIRECT_URI));
    let params = url_params(&back, false);
    assert_eq!(param(&params, "state").as_deref(), Some("xyz"));
    assert_eq!(param(&params, "iss").as_deref(), Some(app.address.as_str()));
    let code = param(&params, "code").unwrap();

    let response = app.redeem(&app.web, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "openid email");
    assert!(body["refresh_token"].is_string());
    let user_id = format!("{}/poco/{}/@self", app.address, app.alice_sub);
    assert_eq!(body["user_id"], user_id.as_str());
    assert!(body["issued_at"].is_i64());
    assert_eq!(body["signature_method"], "HMAC-SHA256");
    assert_rust_sample_verifies(&body, app.web.secret.as_deref().unwrap());

    // The user_id URL is the person's PoCo record, readable with this token.
    let token = body["access_token"].as_str().unwrap();
    let record: Value = app
        .http
        .get(&user_id)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(record["totalResults"], 1);
    assert_eq!(record["entry"]["id"], app.alice_sub.as_str());
    assert_eq!(record["entry"]["displayName"], "Alice Example");
    assert_eq!(record["entry"]["emails"][0]["value"], "alice@example.org");
}

#[tokio::test]
async fn remembered_consent_skips_the_page_for_same_or_fewer_scopes() {
    let app = spawn_app().await;
    app.login("alice", PASSWORD).await;
    let id = app.web.id.as_str();
    let query = |scope: &'static str| {
        [
            ("response_type", "code"),
            ("client_id", id),
            ("scope", scope),
        ]
    };
    let response = app.authorize(&query("openid email")).await;
    let consent = location(&response);
    let response = app.answer_consent(&consent, "allow", true).await;
    assert!(location(&response).starts_with(REDIRECT_URI));

    let response = app.authorize(&query("openid")).await;
    let back = location(&response);
    assert!(
        back.starts_with(REDIRECT_URI),
        "remembered: straight back, got {back}"
    );
    assert!(param(&url_params(&back, false), "code").is_some());

    let response = app.authorize(&query("openid contacts")).await;
    assert!(
        location(&response).starts_with("/consent?"),
        "a new scope asks again"
    );
}

#[tokio::test]
async fn deny_redirects_access_denied_with_state_and_iss() {
    let app = spawn_app().await;
    app.login("alice", PASSWORD).await;
    let response = app
        .authorize(&[
            ("response_type", "code"),
            ("client_id", &app.web.id),
            ("scope", "openid"),
            ("state", "st"),
        ])
        .await;
    let response = app.answer_consent(&location(&response), "deny", true).await;
    let params = url_params(&location(&response), false);
    assert_eq!(param(&params, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&params, "state").as_deref(), Some("st"));
    assert_eq!(param(&params, "iss").as_deref(), Some(app.address.as_str()));
    assert_eq!(
        app.db_snapshot()
            .iter()
            .find(|t| t.0 == "consents")
            .unwrap()
            .1
            .len(),
        0,
        "deny is not remembered"
    );
}

#[tokio::test]
async fn twenty_concurrent_redemptions_of_one_code_give_exactly_one_success() {
    let app = spawn_app().await;
    let code = app.code_for(&app.web, "openid").await;
    let attempts = (0..20).map(|_| app.redeem(&app.web, &code));
    let responses = futures::future::join_all(attempts).await;
    let statuses: Vec<StatusCode> = responses.iter().map(|r| r.status()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::BAD_REQUEST)
            .count(),
        19
    );
}

#[tokio::test]
async fn reusing_a_code_revokes_the_tokens_it_issued() {
    let app = spawn_app().await;
    let code = app.code_for(&app.web, "openid").await;
    let body: Value = app.redeem(&app.web, &code).await.json().await.unwrap();
    let token = body["access_token"].as_str().unwrap();
    let me = app.url("/poco/@me/@self");
    assert_eq!(
        app.http
            .get(&me)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    assert_oauth_error(
        app.redeem(&app.web, &code).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
    let response = app.http.get(&me).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let refresh = body["refresh_token"].as_str().unwrap();
    let response = app
        .token(
            &app.web,
            &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        )
        .await;
    assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_grant").await;
}

#[tokio::test]
async fn public_client_uses_pkce_without_a_secret() {
    let app = spawn_app().await;
    let code = app.code_for(&app.public, "openid").await;
    let body: Value = app.redeem(&app.public, &code).await.json().await.unwrap();
    assert!(body["access_token"].is_string());
    assert!(body["user_id"].is_string());
    assert!(
        body.get("signature").is_none(),
        "no secret, so no signature: {body}"
    );
}

#[tokio::test]
async fn login_rotates_the_session_and_requires_csrf() {
    let app = spawn_app().await;
    let first = app.login("alice", PASSWORD).await;
    let first_cookie = first.headers()["set-cookie"].to_str().unwrap().to_string();
    let second = app.login("alice", PASSWORD).await;
    let second_cookie = second.headers()["set-cookie"].to_str().unwrap().to_string();
    assert_ne!(first_cookie, second_cookie);
    assert_eq!(
        app.db_snapshot()
            .iter()
            .find(|t| t.0 == "sessions")
            .unwrap()
            .1
            .len(),
        1,
        "old session deleted"
    );

    let before = app.db_snapshot();
    let forged = app
        .http
        .post(app.url("/login"))
        .form(&[
            ("username", "alice"),
            ("password", PASSWORD),
            ("csrf_token", "forged"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let wrong = app.login("alice", "wrong-password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong
        .text()
        .await
        .unwrap()
        .contains("Wrong username or password"));
    assert_eq!(app.db_snapshot(), before);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    app.login("alice", PASSWORD).await;
    let page = app
        .http
        .get(app.url("/logout"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden_field(&page, "csrf_token");
    let response = app
        .http
        .post(app.url("/logout"))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = app
        .authorize(&[
            ("response_type", "code"),
            ("client_id", &app.web.id),
            ("scope", "openid"),
        ])
        .await;
    assert!(location(&response).starts_with("/login"));
}
