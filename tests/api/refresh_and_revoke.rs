//! Refresh rotation and family revocation, RFC 7009 revocation, RFC 7662 introspection.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

async fn tokens(app: &TestApp) -> Value {
    let code = app.code_for(&app.web, "openid email").await;
    app.redeem(&app.web, &code).await.json().await.unwrap()
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_whole_family() {
    let app = spawn_app().await;
    let first = tokens(&app).await;
    let old_refresh = first["refresh_token"].as_str().unwrap();
    let response = app
        .token(
            &app.web,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", old_refresh),
                ("scope", "openid"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let second: Value = response.json().await.unwrap();
    let new_refresh = second["refresh_token"].as_str().unwrap();
    assert_ne!(new_refresh, old_refresh);
    assert_eq!(second["scope"], "openid");
    assert!(
        second["signature"].is_string(),
        "refreshes carry the VZ fields: {second}"
    );

    let widen = app
        .token(
            &app.web,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", new_refresh),
                ("scope", "openid contacts"),
            ],
        )
        .await;
    assert_oauth_error(widen, StatusCode::BAD_REQUEST, "invalid_scope").await;

    // The rotated token comes back: the whole family dies, including the newest tokens.
    let reuse = app
        .token(
            &app.web,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", old_refresh),
            ],
        )
        .await;
    assert_oauth_error(reuse, StatusCode::BAD_REQUEST, "invalid_grant").await;
    let newest = app
        .token(
            &app.web,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", new_refresh),
            ],
        )
        .await;
    assert_oauth_error(newest, StatusCode::BAD_REQUEST, "invalid_grant").await;
    let me = app.url("/poco/@me/@self");
    let access = second["access_token"].as_str().unwrap();
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
}

#[tokio::test]
async fn a_refresh_token_is_bound_to_its_client() {
    let app = spawn_app().await;
    let body = tokens(&app).await;
    let refresh = body["refresh_token"].as_str().unwrap();
    let stolen = app
        .token(
            &app.vz,
            &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        )
        .await;
    assert_oauth_error(stolen, StatusCode::BAD_REQUEST, "invalid_grant").await;
    let own = app
        .token(
            &app.web,
            &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        )
        .await;
    assert_eq!(
        own.status(),
        StatusCode::OK,
        "the failed attempt did not burn the token"
    );
}

async fn introspect(app: &TestApp, client: &TestClient, token: &str) -> Value {
    app.http
        .post(app.url("/oauth/introspect"))
        .header(
            "Authorization",
            basic(&client.id, client.secret.as_deref().unwrap()),
        )
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn introspection_and_revocation() {
    let app = spawn_app().await;
    let body = tokens(&app).await;
    let access = body["access_token"].as_str().unwrap();
    let info = introspect(&app, &app.web, access).await;
    assert_eq!(info["active"], true);
    assert_eq!(info["scope"], "openid email");
    assert_eq!(info["sub"], app.alice_sub.as_str());
    assert_eq!(info["client_id"], app.web.id.as_str());
    assert_eq!(
        info["exp"].as_i64().unwrap() - info["iat"].as_i64().unwrap(),
        3600
    );
    assert_eq!(
        introspect(&app, &app.vz, access).await,
        serde_json::json!({"active": false})
    );

    // Another client cannot revoke it; its owner can.
    let revoke = |client: &TestClient| {
        app.http
            .post(app.url("/oauth/revoke"))
            .header(
                "Authorization",
                basic(&client.id, client.secret.as_deref().unwrap()),
            )
            .form(&[("token", access), ("token_type_hint", "access_token")])
            .send()
    };
    assert_eq!(revoke(&app.vz).await.unwrap().status(), StatusCode::OK);
    assert_eq!(introspect(&app, &app.web, access).await["active"], true);
    assert_eq!(revoke(&app.web).await.unwrap().status(), StatusCode::OK);
    assert_eq!(introspect(&app, &app.web, access).await["active"], false);
    let me = app.url("/poco/@me/@self");
    let response = app.http.get(&me).bearer_auth(access).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("error=\"invalid_token\""));

    // Revoking the refresh token ends the grant.
    let refresh = body["refresh_token"].as_str().unwrap();
    let response = app
        .http
        .post(app.url("/oauth/revoke"))
        .header(
            "Authorization",
            basic(&app.web.id, app.web.secret.as_deref().unwrap()),
        )
        .form(&[("token", refresh)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let refreshed = app
        .token(
            &app.web,
            &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        )
        .await;
    assert_oauth_error(refreshed, StatusCode::BAD_REQUEST, "invalid_grant").await;
}
