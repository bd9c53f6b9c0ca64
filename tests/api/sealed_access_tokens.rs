//! Sealed access tokens: issuing a `client_credentials` token writes nothing, so a crash
//! cannot lose one that was answered; a forged or altered value is refused; revoking one
//! token, or its grant, ends it at once.

use std::process::{Child, Command, Stdio};

use reqwest::StatusCode;
use serde_json::Value;

use crate::cli::add_m2m_client;
use crate::helpers::*;

/// `vzconnect serve` on `db` and the address it listens on.
fn serve(db: &str) -> (Child, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vzconnect"));
    command
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("VZCONNECT_DATABASE", format!("sqlite://{db}"))
        .env_remove("VZCONNECT_SECRET_KEY")
        .stderr(Stdio::null());
    listening(command)
}

async fn introspect(address: &str, id: &str, secret: &str, token: &str) -> Value {
    reqwest::Client::new()
        .post(format!("http://{address}/oauth/introspect"))
        .basic_auth(id, Some(secret))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn client_credentials_tokens_outlive_a_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db").to_str().unwrap().to_string();
    let (id, secret) = add_m2m_client(&db);
    let (id, secret) = (id.as_str(), secret.as_str());

    let (mut server, address) = serve(&db);
    let http = reqwest::Client::new();
    let mut answered = Vec::new();
    for _ in 0..20 {
        let response = http
            .post(format!("http://{address}/oauth/token"))
            .basic_auth(id, Some(secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        answered.push(body["access_token"].as_str().unwrap().to_string());
    }
    server.kill().unwrap(); // SIGKILL: no shutdown, no flush
    server.wait().unwrap();

    let (mut restarted, address) = serve(&db);
    for token in &answered {
        let answer = introspect(&address, id, secret, token).await;
        assert_eq!(answer["active"], true, "{answer}");
        assert_eq!(answer["client_id"], id);
    }
    restarted.kill().unwrap();
    restarted.wait().unwrap();
}

#[tokio::test]
async fn issuing_a_client_credentials_token_changes_no_table() {
    let app = spawn_app().await;
    let before = app.db_snapshot();
    let response = app
        .token(&app.web, &[("grant_type", "client_credentials")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(app.db_snapshot(), before);
}

async fn userinfo(app: &TestApp, token: &str) -> StatusCode {
    let response = app
        .http
        .get(app.url("/userinfo"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    response.status()
}

async fn user_token(app: &TestApp) -> String {
    let code = app.code_for(&app.web, "openid").await;
    let body: Value = app.redeem(&app.web, &code).await.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_forged_or_altered_token_is_refused() {
    let app = spawn_app().await;
    let token = user_token(&app).await;
    assert_eq!(userinfo(&app, &token).await, StatusCode::OK);
    let mut altered = token.clone().into_bytes();
    let middle = altered.len() / 2;
    altered[middle] = if altered[middle] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    for forged in [altered.as_str(), "vzat.AAAA", &token[..token.len() - 1]] {
        assert_eq!(
            userinfo(&app, forged).await,
            StatusCode::UNAUTHORIZED,
            "{forged}"
        );
    }
}

#[tokio::test]
async fn revoking_a_token_or_its_grant_ends_it_at_once() {
    let app = spawn_app().await;
    let revoke = |token: String| {
        app.http
            .post(app.url("/oauth/revoke"))
            .basic_auth(&app.web.id, app.web.secret.as_deref())
            .form(&[("token", token)])
            .send()
    };
    // One access token alone: the other tokens of its grant keep working.
    let code = app.code_for(&app.web, "openid").await;
    let body: Value = app.redeem(&app.web, &code).await.json().await.unwrap();
    let first = body["access_token"].as_str().unwrap().to_string();
    let refresh = body["refresh_token"].as_str().unwrap().to_string();
    let refreshed: Value = (app.token(
        &app.web,
        &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
    ))
    .await
    .json()
    .await
    .unwrap();
    let second = refreshed["access_token"].as_str().unwrap().to_string();
    let next_refresh = refreshed["refresh_token"].as_str().unwrap().to_string();
    assert_eq!(
        revoke(first.clone()).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(userinfo(&app, &first).await, StatusCode::UNAUTHORIZED);
    assert_eq!(userinfo(&app, &second).await, StatusCode::OK);
    // The refresh token takes its whole grant, and every access token of it, along.
    assert_eq!(revoke(next_refresh).await.unwrap().status(), StatusCode::OK);
    assert_eq!(userinfo(&app, &second).await, StatusCode::UNAUTHORIZED);
}
