//! Profile claims by scope (profile, email, address, phone), the `claims` request parameter,
//! and the same profile in the PoCo record.

use serde_json::{json, Value};
use vzconnect::clock::{Clock, SystemClock};
use vzconnect::domain::profile::{Address, Plural, Profile};
use vzconnect::store::Store;

use crate::helpers::*;

pub async fn give_alice_a_profile(app: &TestApp) {
    let (alice, _) = app.store.find_login("alice").unwrap().unwrap();
    let profile = Profile {
        given_name: Some("Alice".into()),
        family_name: Some("Example".into()),
        nickname: Some("Ali".into()),
        birthday: Some("0000-04-01".into()),
        gender: Some("female".into()),
        locale: Some("de-DE".into()),
        zoneinfo: Some("Europe/Berlin".into()),
        phone_numbers: vec![Plural {
            value: "+49 30 123456".into(),
            kind: Some("mobile".into()),
            primary: Some(true),
        }],
        addresses: vec![Address {
            street_address: Some("Hauptstr. 1".into()),
            locality: Some("Berlin".into()),
            postal_code: Some("10115".into()),
            country: Some("DE".into()),
            ..Address::default()
        }],
        ..Profile::default()
    };
    app.store
        .update_profile(alice.id, alice.name.clone(), profile, SystemClock.now())
        .await
        .unwrap();
}

pub async fn tokens(app: &TestApp, scope: &str, extra: &[(&str, &str)]) -> Value {
    let challenge = challenge(VERIFIER);
    let mut query = vec![
        ("response_type", "code"),
        ("client_id", app.web.id.as_str()),
        ("scope", scope),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    query.extend_from_slice(extra);
    let back = app.authorize_with_consent(&query).await;
    let code = param(&url_params(&back, false), "code").unwrap();
    app.redeem(&app.web, &code).await.json().await.unwrap()
}

pub async fn userinfo(app: &TestApp, token: &Value) -> Value {
    let access = token["access_token"].as_str().unwrap();
    app.http
        .get(app.url("/userinfo"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn every_scope_releases_its_claims_and_no_more() {
    let app = spawn_app().await;
    give_alice_a_profile(&app).await;
    let all = tokens(&app, "openid profile email address phone", &[]).await;
    let info = userinfo(&app, &all).await;
    assert_eq!(info["given_name"], "Alice");
    assert_eq!(info["family_name"], "Example");
    assert_eq!(info["name"], "Alice Example");
    assert_eq!(info["birthdate"], "0000-04-01");
    assert_eq!(info["zoneinfo"], "Europe/Berlin");
    assert_eq!(info["locale"], "de-DE");
    assert_eq!(info["phone_number"], "+49 30 123456");
    assert_eq!(info["phone_number_verified"], false);
    assert_eq!(info["address"]["locality"], "Berlin");
    assert_eq!(info["address"]["postal_code"], "10115");
    assert!(
        info.as_object().unwrap().values().all(|v| !v.is_null()),
        "no null claims: {info}"
    );

    let phone_only = userinfo(&app, &tokens(&app, "openid phone", &[]).await).await;
    let keys: Vec<&str> = phone_only
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["sub", "phone_number", "phone_number_verified"]);

    // The PoCo record widens with the same scopes.
    let record: Value = app
        .http
        .get(all["user_id"].as_str().unwrap())
        .bearer_auth(all["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entry = &record["entry"];
    assert_eq!(entry["name"]["givenName"], "Alice");
    assert_eq!(entry["nickname"], "Ali");
    assert_eq!(entry["phoneNumbers"][0]["type"], "mobile");
    assert_eq!(entry["addresses"][0]["streetAddress"], "Hauptstr. 1");
    assert_eq!(entry["birthday"], "0000-04-01");
}

#[tokio::test]
async fn the_claims_parameter_asks_for_single_claims() {
    let app = spawn_app().await;
    give_alice_a_profile(&app).await;
    let claims = json!({
        "userinfo": {"given_name": {"essential": true}, "phone_number": null},
        "id_token": {"nickname": null, "email": {"essential": true}},
    })
    .to_string();
    let body = tokens(&app, "openid", &[("claims", &claims)]).await;
    let info = userinfo(&app, &body).await;
    assert_eq!(info["given_name"], "Alice");
    assert_eq!(info["phone_number"], "+49 30 123456");
    assert!(info.get("family_name").is_none(), "only what was asked for");
    let id = jsonwebtoken::dangerous::insecure_decode::<Value>(body["id_token"].as_str().unwrap())
        .unwrap()
        .claims;
    assert_eq!(id["nickname"], "Ali");
    assert_eq!(id["email"], "alice@example.org");
    assert!(id.get("given_name").is_none());

    app.login("alice", PASSWORD).await;
    let bad = app
        .authorize(&[
            ("response_type", "code"),
            ("client_id", &app.web.id),
            ("scope", "openid"),
            ("claims", "[1]"),
        ])
        .await;
    assert_eq!(
        param(&url_params(&location(&bad), false), "error").as_deref(),
        Some("invalid_request")
    );
}

#[tokio::test]
async fn response_type_id_token_carries_the_scope_claims() {
    let app = spawn_app().await;
    give_alice_a_profile(&app).await;
    let back = app
        .authorize_with_consent(&[
            ("response_type", "id_token"),
            ("client_id", &app.web.id),
            ("scope", "openid profile"),
            ("nonce", "n"),
        ])
        .await;
    let token = param(&url_params(&back, true), "id_token").unwrap();
    let id = jsonwebtoken::dangerous::insecure_decode::<Value>(&token)
        .unwrap()
        .claims;
    assert_eq!(id["given_name"], "Alice");
    assert_eq!(id["preferred_username"], "alice");
}
