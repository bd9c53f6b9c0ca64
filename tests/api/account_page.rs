//! The account page: connected sites (revoking one kills its tokens), profile, password,
//! sessions.

use reqwest::StatusCode;
use serde_json::Value;
use vzconnect::store::Store;

use crate::helpers::*;

async fn account(app: &TestApp, client: &reqwest::Client) -> String {
    client
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = account(app, client).await;
    let mut form = vec![("csrf_token".to_string(), hidden_field(&page, "csrf_token"))];
    form.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    client.post(app.url(path)).form(&form).send().await.unwrap()
}

#[tokio::test]
async fn revoking_a_connected_site_kills_its_tokens_and_consent() {
    let app = spawn_app().await;
    let anonymous = app.http.get(app.url("/account")).send().await.unwrap();
    assert!(location(&anonymous).starts_with("/login?return_to=%2Faccount"));

    let code = app.code_for(&app.web, "openid email").await;
    let tokens: Value = app.redeem(&app.web, &code).await.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    let me = app.url("/poco/@me/@self");
    assert_eq!(
        app.http
            .get(&me)
            .bearer_auth(access)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let page = account(&app, &app.http).await;
    assert!(
        page.contains("Web Site") && page.contains("openid email"),
        "listed with its scopes"
    );

    let response = post(
        &app,
        &app.http,
        "/account/apps/disconnect",
        &[("id", &app.web.id)],
    )
    .await;
    assert_eq!(location(&response), "/account?done=app");
    assert_eq!(
        app.http
            .get(&me)
            .bearer_auth(access)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let refresh = [
        ("grant_type", "refresh_token"),
        ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
    ];
    assert_eq!(
        app.token(&app.web, &refresh).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert!(!account(&app, &app.http).await.contains("Web Site"));
}

#[tokio::test]
async fn profile_password_and_sessions() {
    let app = spawn_app().await;
    app.login("alice", PASSWORD).await;
    let saved = post(
        &app,
        &app.http,
        "/account/profile",
        &[
            ("name", "Alice Liddell"),
            ("given_name", "Alice"),
            ("locality", "Oxford"),
            ("hide_email", "1"),
        ],
    )
    .await;
    assert_eq!(location(&saved), "/account?done=profile");
    let (alice, _) = app.store.find_login("alice").unwrap().unwrap();
    assert_eq!(alice.name.as_deref(), Some("Alice Liddell"));
    assert_eq!(
        alice.profile.addresses[0].locality.as_deref(),
        Some("Oxford")
    );
    assert_eq!(
        alice.profile.hidden_from_contacts,
        vec!["emails".to_string()]
    );
    let bad = post(
        &app,
        &app.http,
        "/account/profile",
        &[("birthday", "yesterday")],
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let other = browser();
    let page = other
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let form = [
        ("username", "alice"),
        ("password", PASSWORD),
        ("csrf_token", &hidden_field(&page, "csrf_token")),
    ];
    other
        .post(app.url("/login"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(
        account(&app, &app.http)
            .await
            .matches("Sign out</button>")
            .count()
            >= 2,
        "two sessions listed"
    );
    let ended = post(&app, &app.http, "/account/sessions/end", &[]).await;
    assert_eq!(location(&ended), "/account?done=sessions");
    assert!(
        location(&other.get(app.url("/account")).send().await.unwrap()).starts_with("/login"),
        "the other browser is out"
    );

    let wrong = post(
        &app,
        &app.http,
        "/account/password",
        &[
            ("current_password", "nope"),
            ("new_password", "fresh meadow 42 lantern"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let changed = post(
        &app,
        &app.http,
        "/account/password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "fresh meadow 42 lantern"),
        ],
    )
    .await;
    assert_eq!(location(&changed), "/account?done=password");
    assert_eq!(
        app.login("alice", "fresh meadow 42 lantern").await.status(),
        StatusCode::SEE_OTHER
    );
}
