//! RFC 7591 dynamic client registration and RFC 7592 management.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

#[tokio::test]
async fn register_use_read_update_and_delete_a_client() {
    let app = spawn_app_open_registration().await;
    let doc: Value = app
        .http
        .get(app.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let endpoint = doc["registration_endpoint"].as_str().unwrap().to_string();

    let bad = app
        .http
        .post(&endpoint)
        .json(&json!({"client_name": "X", "redirect_uris": ["http://evil.example/cb"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        bad.json::<Value>().await.unwrap()["error"],
        "invalid_redirect_uri"
    );
    let bad = app
        .http
        .post(&endpoint)
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(
        bad.json::<Value>().await.unwrap()["error"],
        "invalid_client_metadata"
    );

    let created = app
        .http
        .post(&endpoint)
        .json(&json!({
            "client_name": "Registered Site",
            "redirect_uris": [REDIRECT_URI],
            "grant_types": ["authorization_code", "refresh_token"],
            "id_token_signed_response_alg": "ES256",
            "logo_uri": "https://registered.example/logo.png",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    let client = TestClient {
        id: created["client_id"].as_str().unwrap().to_string(),
        secret: created["client_secret"].as_str().map(str::to_string),
    };
    assert_eq!(created["client_secret_expires_at"], 0);
    assert_eq!(created["id_token_signed_response_alg"], "ES256");
    let token = created["registration_access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let uri = created["registration_client_uri"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(uri, format!("{}/register/{}", app.address, client.id));

    // The new client works at once.
    let code = app.code_for(&client, "openid").await;
    let tokens: Value = app.redeem(&client, &code).await.json().await.unwrap();
    assert!(tokens["id_token"].is_string());

    let read: Value = app
        .http
        .get(&uri)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read["client_name"], "Registered Site");
    assert!(read.get("client_secret").is_none());
    assert_eq!(
        app.http
            .get(&uri)
            .bearer_auth("wrong")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );

    let mut update = read.clone();
    update["client_name"] = json!("Renamed Site");
    update["redirect_uris"] = json!([REDIRECT_URI, "https://registered.example/cb"]);
    let updated = app
        .http
        .put(&uri)
        .bearer_auth(&token)
        .json(&update)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), StatusCode::OK);
    assert_eq!(
        updated.json::<Value>().await.unwrap()["client_name"],
        "Renamed Site"
    );
    let other_id =
        json!({"client_id": "someone-else", "client_name": "X", "redirect_uris": [REDIRECT_URI]});
    assert_eq!(
        app.http
            .put(&uri)
            .bearer_auth(&token)
            .json(&other_id)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::BAD_REQUEST
    );

    let deleted = app
        .http
        .delete(&uri)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let me = app.url("/poco/@me/@self");
    let access = tokens["access_token"].as_str().unwrap();
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
    let cc = app
        .token(
            &client,
            &[("grant_type", "authorization_code"), ("code", "x")],
        )
        .await;
    assert_eq!(cc.status(), StatusCode::UNAUTHORIZED, "the client is gone");
}

#[tokio::test]
async fn the_documented_registration_request_works_as_written() {
    let app = spawn_app_open_registration().await;
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/client-registration.md"
    ))
    .unwrap();
    let block = doc
        .split("```text\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap())
        .find(|block| block.starts_with("POST /register"))
        .expect("the page shows a registration request");
    let (head, body) = block.split_once("\n\n").unwrap();
    assert!(head.contains("Content-Type: application/json"));
    let response = app
        .http
        .post(app.url("/register"))
        .header("Content-Type", "application/json")
        .body(body.trim().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    for member in [
        "client_id",
        "client_secret",
        "client_secret_expires_at",
        "registration_access_token",
        "registration_client_uri",
    ] {
        assert!(created.get(member).is_some(), "the page promises {member}");
    }
}
