//! The developer portal: register a site, use it, rotate its secret, delete it.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

fn code_text(page: &str, id: &str) -> String {
    let marker = format!("<code id=\"{id}\">");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {id} in {page}"))
        + marker.len();
    html_unescape(&page[start..start + page[start..].find("</code>").unwrap()])
}

#[tokio::test]
async fn register_use_rotate_and_delete_a_site_in_the_portal() {
    let app = spawn_app().await;
    assert!(
        location(&app.http.get(app.url("/developers")).send().await.unwrap()).starts_with("/login")
    );
    app.login("alice", PASSWORD).await;
    let page = app
        .http
        .get(app.url("/developers"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden_field(&page, "csrf_token");
    let form = [
        ("csrf_token", csrf.as_str()),
        ("name", "Portal Site"),
        ("description", "A site registered in the portal"),
        ("redirect_uris", REDIRECT_URI),
        ("authorization_code", "1"),
        ("refresh_token", "1"),
        ("client_type", "confidential"),
        ("signature_method", "hmac-sha1"),
    ];
    let bad = [
        ("csrf_token", csrf.as_str()),
        ("name", "X"),
        ("redirect_uris", "http://evil.example/cb"),
        ("authorization_code", "1"),
    ];
    let refused = app
        .http
        .post(app.url("/developers"))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("redirect_uris"));

    let created = app
        .http
        .post(app.url("/developers"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let page = created.text().await.unwrap();
    let client = TestClient {
        id: code_text(&page, "client-id"),
        secret: Some(code_text(&page, "client-secret")),
    };
    assert!(
        page.contains(&format!("client_id={}", client.id)),
        "quickstart uses the real client id"
    );
    let again = app
        .http
        .get(app.url(&format!("/developers/{}", client.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!again.contains("client-secret"), "the secret is shown once");

    let code = app.code_for(&client, "openid").await;
    let tokens: Value = app.redeem(&client, &code).await.json().await.unwrap();
    assert_eq!(tokens["signature_method"], "HMAC-SHA1");

    let csrf = hidden_field(&again, "csrf_token");
    let rotated = app
        .http
        .post(app.url(&format!("/developers/{}/secret", client.id)))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let new_secret = code_text(&rotated, "client-secret");
    assert_ne!(Some(&new_secret), client.secret.as_ref());
    let old = app
        .token(
            &client,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(
        old.status(),
        StatusCode::UNAUTHORIZED,
        "the old secret stops working"
    );

    let bob = browser();
    let login = bob
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    bob.post(app.url("/login"))
        .form(&[
            ("username", "bob"),
            ("password", PASSWORD),
            ("csrf_token", &hidden_field(&login, "csrf_token")),
        ])
        .send()
        .await
        .unwrap();
    let foreign = bob
        .get(app.url(&format!("/developers/{}", client.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        foreign.status(),
        StatusCode::NOT_FOUND,
        "only the owner manages a site"
    );

    let deleted = app
        .http
        .post(app.url(&format!("/developers/{}/delete", client.id)))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&deleted), "/developers");
    let me = app
        .http
        .get(app.url("/poco/@me/@self"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        me.status(),
        StatusCode::UNAUTHORIZED,
        "deleting revokes its tokens"
    );
}
