//! The PoCo record behind the VZ `user_id` URL, and RFC 6750 errors on it.

use reqwest::StatusCode;
use serde_json::Value;

use vzconnect::store::Store;

use crate::helpers::*;

async fn access_token(app: &TestApp, scope: &str) -> String {
    let code = app.code_for(&app.web, scope).await;
    let body: Value = app.redeem(&app.web, &code).await.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn token_in_header_or_query_opens_the_record_and_email_needs_its_scope() {
    let app = spawn_app().await;
    let token = access_token(&app, "openid").await;
    let by_query: Value = app
        .http
        .get(app.url("/poco/@me/@self"))
        .query(&[("access_token", token.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_query["startIndex"], 0);
    assert_eq!(by_query["itemsPerPage"], 1);
    assert_eq!(by_query["entry"]["name"]["formatted"], "Alice Example");
    assert!(
        by_query["entry"].get("emails").is_none(),
        "no email scope, no emails"
    );
}

#[tokio::test]
async fn missing_invalid_foreign_and_underscoped_tokens() {
    let app = spawn_app().await;
    let me = app.url("/poco/@me/@self");
    let missing = app.http.get(&me).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    assert!(missing.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));

    let invalid = app
        .http
        .get(&me)
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), StatusCode::UNAUTHORIZED);
    assert!(invalid.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains(r#"error="invalid_token""#));

    let email_only = access_token(&app, "email").await;
    let response = app
        .http
        .get(&me)
        .bearer_auth(&email_only)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains(r#"error="insufficient_scope""#));

    let token = access_token(&app, "openid").await;
    let bob = app
        .store
        .list_users()
        .unwrap()
        .into_iter()
        .find(|u| u.username == "bob")
        .unwrap();
    let foreign = app.url(&format!("/poco/{}/@self", bob.sub));
    assert_eq!(
        app.http
            .get(&foreign)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    let conflicting = app
        .http
        .get(&me)
        .bearer_auth(&token)
        .query(&[("oauth_token", "other")])
        .send()
        .await
        .unwrap();
    assert_eq!(conflicting.status(), StatusCode::BAD_REQUEST);
}
