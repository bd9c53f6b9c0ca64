//! Widget credentials are minted only for sites the person allowed to (scope `widgets`), and
//! each site sees and forgets only the widgets it created.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::widgets::mint;

async fn token_for(app: &TestApp, client: &TestClient, scope: &str) -> String {
    let code = app.code_for(client, scope).await;
    let body: Value = app.redeem(client, &code).await.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

async fn verify(app: &TestApp, credential: &str) -> StatusCode {
    app.http
        .get(app.url("/_matrix/federation/v1/openid/userinfo"))
        .query(&[("access_token", credential)])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn openid_alone_mints_nothing() {
    let app = spawn_app().await;
    let token = token_for(&app, &app.web, "openid profile").await;
    let before = app.db_snapshot();
    let response = mint(&app, &token, json!({})).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errcode"], "M_FORBIDDEN");
    assert!(body["error"].as_str().unwrap().contains("widgets"));
    assert_eq!(app.db_snapshot(), before);
    let listed = app
        .http
        .get(app.url("/widgets"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed.status(),
        StatusCode::FORBIDDEN,
        "listing needs the scope too"
    );
}

#[tokio::test]
async fn a_site_sees_and_forgets_only_its_own_widgets() {
    let app = spawn_app().await;
    let other = app.add_client(|c| c.name = "Other Site".into()).await;
    let ours = token_for(&app, &app.web, "openid widgets").await;
    let theirs = token_for(&app, &other, "openid widgets").await;
    let poll = json!({ "widget": { "id": "poll", "url": "https://widgets.example/poll" } });
    let minted: Value = mint(&app, &ours, poll.clone()).await.json().await.unwrap();
    let credential = minted["access_token"].as_str().unwrap().to_string();

    let list = |token: String| {
        let request = app.http.get(app.url("/widgets")).bearer_auth(token);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    assert_eq!(
        list(ours.clone()).await["widgets"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        list(theirs.clone()).await["widgets"],
        json!([]),
        "another site's widget"
    );

    for path in ["/widgets/poll", "/widgets"] {
        let forgotten = app
            .http
            .delete(app.url(path))
            .bearer_auth(&theirs)
            .send()
            .await
            .unwrap();
        assert_eq!(forgotten.status(), StatusCode::OK);
        let body: Value = forgotten.json().await.unwrap();
        assert_eq!(body["revoked_tokens"], 0, "{path}");
    }
    assert_eq!(
        verify(&app, &credential).await,
        StatusCode::OK,
        "still ours"
    );
    assert_eq!(
        list(ours.clone()).await["widgets"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Disconnecting the site on the account page ends its widget credentials too.
    let page = app.http.get(app.url("/account")).send().await.unwrap();
    let page = page.text().await.unwrap();
    let disconnected = app
        .http
        .post(app.url("/account/apps/disconnect"))
        .form(&[
            ("csrf_token", hidden_field(&page, "csrf_token")),
            ("id", app.web.id.clone()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(disconnected.status(), StatusCode::SEE_OTHER);
    assert_eq!(verify(&app, &credential).await, StatusCode::UNAUTHORIZED);
}
