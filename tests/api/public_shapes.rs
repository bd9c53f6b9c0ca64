//! Snapshots of what clients depend on: the discovery document, the JWKS, token responses in
//! both VZ signature profiles, and error bodies. A change to any of them is a visible diff in
//! `tests/api/snapshots/`; times, tokens, keys and ports are redacted.

use insta::assert_json_snapshot;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

async fn json(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

#[tokio::test]
async fn discovery_document() {
    let app = spawn_app_open_registration().await;
    let doc = json(
        app.http
            .get(app.url("/.well-known/openid-configuration"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let text = doc
        .to_string()
        .replace(&app.address, "https://issuer.example");
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_json_snapshot!("discovery", doc);
}

#[tokio::test]
async fn jwks_shape() {
    let app = spawn_app().await;
    let mut jwks = json(app.http.get(app.url("/jwks.json")).send().await.unwrap()).await;
    // Keys made in the same second come in key-id order, which is random: sort by algorithm.
    jwks["keys"]
        .as_array_mut()
        .unwrap()
        .sort_by_key(|k| k["alg"].as_str().unwrap().to_string());
    assert_json_snapshot!("jwks", jwks, {
        ".keys[].kid" => "[kid]",
        ".keys[].n" => "[modulus]",
        ".keys[].x" => "[x]",
        ".keys[].y" => "[y]",
    });
}

#[tokio::test]
async fn token_responses_in_both_signature_profiles() {
    let app = spawn_app().await;
    for (name, client) in [
        ("token_hmac_sha256", app.web.clone()),
        ("token_hmac_sha1", app.vz.clone()),
    ] {
        let code = app.code_for(&client, "openid profile").await;
        let response = app.redeem(&client, &code).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = json(response).await;
        assert_json_snapshot!(name, body, {
            ".access_token" => "[token]",
            ".refresh_token" => "[token]",
            ".id_token" => "[jwt]",
            ".issued_at" => "[time]",
            ".signature" => "[signature]",
            ".user_id" => "[user_id]",
        });
    }
}

#[tokio::test]
async fn error_bodies() {
    let app = spawn_app().await;
    let mut errors = serde_json::Map::new();
    let token = |form: Vec<(&'static str, &'static str)>| {
        let request = app
            .http
            .post(app.url("/oauth/token"))
            .basic_auth(&app.web.id, app.web.secret.as_ref())
            .form(&form);
        async move { request.send().await.unwrap() }
    };
    for (name, response) in [
        (
            "unsupported_grant_type",
            token(vec![("grant_type", "password")]).await,
        ),
        (
            "invalid_grant",
            token(vec![("grant_type", "authorization_code"), ("code", "nope")]).await,
        ),
        ("invalid_request", token(vec![]).await),
        (
            "invalid_client",
            app.http
                .post(app.url("/oauth/token"))
                .basic_auth(&app.web.id, Some("wrong"))
                .form(&[("grant_type", "client_credentials")])
                .send()
                .await
                .unwrap(),
        ),
        (
            "invalid_token",
            app.http
                .get(app.url("/userinfo"))
                .bearer_auth("nope")
                .send()
                .await
                .unwrap(),
        ),
        (
            "registration_closed",
            app.http
                .post(app.url("/register"))
                .json(&serde_json::json!({}))
                .send()
                .await
                .unwrap(),
        ),
    ] {
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        errors.insert(
            name.into(),
            serde_json::json!({ "status": status, "body": body }),
        );
    }
    assert_json_snapshot!("errors", errors);
}
