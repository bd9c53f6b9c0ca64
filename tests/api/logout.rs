//! RP-initiated logout, back-channel logout and pairwise subject identifiers.

use reqwest::StatusCode;
use serde_json::Value;
use vzconnect::domain::RedirectUri;

use crate::helpers::*;

const AFTER_LOGOUT: &str = "http://127.0.0.1/logged-out";

#[tokio::test]
async fn rp_initiated_logout_returns_to_a_registered_uri_with_state() {
    let app = spawn_app().await;
    let client = app
        .add_client(|c| {
            c.post_logout_redirect_uris = vec![RedirectUri::parse(AFTER_LOGOUT).unwrap()]
        })
        .await;
    let hint = id_token_for(&app, &client).await;
    let doc: Value = app
        .http
        .get(app.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let end_session = doc["end_session_endpoint"].as_str().unwrap();

    let page = app
        .http
        .get(end_session)
        .query(&[
            ("id_token_hint", hint.as_str()),
            ("post_logout_redirect_uri", AFTER_LOGOUT),
            ("state", "bye"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("Extra Site asks to sign you out"));
    let form = [
        ("csrf_token", hidden_field(&page, "csrf_token")),
        ("client_id", hidden_field(&page, "client_id")),
        (
            "post_logout_redirect_uri",
            hidden_field(&page, "post_logout_redirect_uri"),
        ),
        ("state", hidden_field(&page, "state")),
    ];
    let response = app
        .http
        .post(app.url("/logout"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response), format!("{AFTER_LOGOUT}?state=bye"));
    let again = app
        .authorize(&[
            ("response_type", "code"),
            ("client_id", &client.id),
            ("scope", "openid"),
        ])
        .await;
    assert!(
        location(&again).starts_with("/login"),
        "the session is gone"
    );

    // An unregistered destination, or a tampered form, is never redirected to.
    let bad = app
        .http
        .get(end_session)
        .query(&[
            ("client_id", client.id.as_str()),
            ("post_logout_redirect_uri", "https://evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.headers().get("location").is_none());
    let page = app
        .http
        .get(end_session)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let tampered = [
        ("csrf_token", hidden_field(&page, "csrf_token")),
        ("client_id", client.id.clone()),
        (
            "post_logout_redirect_uri",
            "https://evil.example/".to_string(),
        ),
    ];
    let response = app
        .http
        .post(app.url("/logout"))
        .form(&tampered)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn back_channel_logout_posts_a_signed_logout_token() {
    let app = spawn_app().await;
    let (receiver, received) = post_receiver().await;
    let client = app
        .add_client(|c| c.backchannel_logout_uri = Some(RedirectUri::parse(&receiver).unwrap()))
        .await;
    let id_token = id_token_for(&app, &client).await;
    let id_claims = jsonwebtoken::dangerous::insecure_decode::<Value>(&id_token)
        .unwrap()
        .claims;

    let page = app
        .http
        .get(app.url("/logout"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let form = [("csrf_token", hidden_field(&page, "csrf_token"))];
    app.http
        .post(app.url("/logout"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let body = first_post(&received)
        .await
        .expect("the client received a logout token");
    let token = param(
        &url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect::<Vec<_>>(),
        "logout_token",
    )
    .unwrap();

    let jwks: jsonwebtoken::jwk::JwkSet = app
        .http
        .get(app.url("/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let header = jsonwebtoken::decode_header(&token).unwrap();
    assert_eq!(header.typ.as_deref(), Some("logout+jwt"));
    let key =
        jsonwebtoken::DecodingKey::from_jwk(jwks.find(header.kid.as_deref().unwrap()).unwrap())
            .unwrap();
    let mut validation = jsonwebtoken::Validation::new(header.alg);
    validation.set_audience(&[&client.id]);
    validation.set_issuer(&[&app.address]);
    let claims = jsonwebtoken::decode::<Value>(&token, &key, &validation)
        .unwrap()
        .claims;
    assert_eq!(claims["sid"], id_claims["sid"]);
    assert_eq!(claims["sub"], id_claims["sub"]);
    assert!(claims["events"]
        .get("http://schemas.openid.net/event/backchannel-logout")
        .is_some());
    assert!(claims.get("nonce").is_none() && claims["jti"].is_string());
}

#[tokio::test]
async fn pairwise_clients_see_their_own_subject_everywhere() {
    let app = spawn_app().await;
    let client = app
        .add_client(|c| c.sector_identifier = Some("pairwise.example".into()))
        .await;
    let code = app.code_for(&client, "openid email").await;
    let body: Value = app.redeem(&client, &code).await.json().await.unwrap();
    let id_claims =
        jsonwebtoken::dangerous::insecure_decode::<Value>(body["id_token"].as_str().unwrap())
            .unwrap()
            .claims;
    let sub = id_claims["sub"].as_str().unwrap().to_string();
    assert_ne!(sub, app.alice_sub, "not the public subject");
    let user_id = body["user_id"].as_str().unwrap();
    assert_eq!(user_id, format!("{}/poco/{sub}/@self", app.address));
    let token = body["access_token"].as_str().unwrap();
    let record: Value = app
        .http
        .get(user_id)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(record["entry"]["id"], sub.as_str());
    let info: Value = app
        .http
        .get(app.url("/userinfo"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["sub"], sub.as_str());
    let public = app.url(&format!("/poco/{}/@self", app.alice_sub));
    assert_eq!(
        app.http
            .get(&public)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    // Stable: a second authorization gives the same pairwise subject.
    let code = app.code_for(&client, "openid").await;
    let again: Value = app.redeem(&client, &code).await.json().await.unwrap();
    assert_eq!(again["user_id"], body["user_id"]);
}
