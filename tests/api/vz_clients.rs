//! A 2010-style VZ client: `/OAuth2/` paths, `type=web_server`, `fields`, `message`, client
//! credentials in the body, `state` echoed, HMAC-SHA1 over three fields, `oauth_token`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::Value;
use sha1::Sha1;

use crate::helpers::*;

#[tokio::test]
async fn vz_era_web_server_flow_completes_and_verifies_hmac_sha1() {
    let app = spawn_app().await;
    app.login("alice", PASSWORD).await;
    let response = app
        .http
        .get(app.url("/OAuth2/Authorize/"))
        .query(&[
            ("type", "web_server"),
            ("client_id", app.vz.id.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("response_type", "code"),
            ("scope", "openid email"),
            ("fields", "name,emails"),
            ("message", "Hi <script>alert(1)</script>"),
            ("state", "vz-state"),
        ])
        .send()
        .await
        .unwrap();
    let consent = location(&response);
    let page = app
        .http
        .get(app.url(&consent))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Hi &#60;script&#62;") || page.contains("Hi &lt;script&gt;"),
        "message escaped"
    );
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("<code>emails</code>"));
    let response = app.answer_consent(&consent, "allow", false).await;
    let params = url_params(&location(&response), false);
    let code = param(&params, "code").unwrap();
    assert_eq!(param(&params, "state").as_deref(), Some("vz-state"));

    // VZ's PHP library: credentials in the body, type=web_server, state sent along.
    let secret = app.vz.secret.clone().unwrap();
    let response = app
        .http
        .post(app.url("/OAuth2/AccessToken/"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("type", "web_server"),
            ("client_id", app.vz.id.as_str()),
            ("client_secret", secret.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("code", code.as_str()),
            ("state", "vz-state"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let raw = format!("{:?}", response.headers());
    assert!(raw.contains("content-type"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["state"], "vz-state");
    assert!(
        body.get("expires_in").is_none(),
        "the HMAC-SHA1 profile carries no expires_in"
    );
    assert_eq!(body["signature_method"], "HMAC-SHA1");

    // Verify exactly as VZ's PHP snippet did: HMAC-SHA1 over access_token.issued_at.user_id.
    let base = format!(
        "{}{}{}",
        body["access_token"].as_str().unwrap(),
        body["issued_at"],
        body["user_id"].as_str().unwrap()
    );
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(base.as_bytes());
    assert_eq!(
        body["signature"].as_str().unwrap(),
        STANDARD.encode(mac.finalize().into_bytes())
    );

    // The demo client reads user_id with ?oauth_token= and, like the library, the header too.
    let token = body["access_token"].as_str().unwrap();
    let user_id = body["user_id"].as_str().unwrap();
    let record: Value = app
        .http
        .get(user_id)
        .query(&[("oauth_token", token)])
        .header("Authorization", format!("OAuth {token}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(record["entry"]["id"], app.alice_sub.as_str());
    assert_eq!(record["entry"]["displayName"], "Alice Example");
    let keys: Vec<&String> = record["entry"].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["id", "displayName", "name", "emails"],
        "fields=name,emails limits the record"
    );
}

#[tokio::test]
async fn content_type_header_is_written_in_canonical_case() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let address = app.address.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let body = "grant_type=client_credentials";
    let request = format!(
        "POST /OAuth2/AccessToken/ HTTP/1.1\r\nHost: {address}\r\nAuthorization: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        basic(&app.web.id, app.web.secret.as_deref().unwrap()),
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
    assert!(raw.contains("\r\nContent-Type: application/json"), "{raw}");
    assert!(raw.contains("\r\nCache-Control: no-store"), "{raw}");
}
