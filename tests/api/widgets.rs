//! Widget sign-in (MSC1960) over HTTP: minting, verification, every Matrix error, expiry,
//! revocation, the rate limit, and that a widget credential opens nothing else.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;

pub async fn access_token(app: &TestApp, scope: &str) -> String {
    let code = app.code_for(&app.web, scope).await;
    let body: Value = app.redeem(&app.web, &code).await.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

fn server_name(app: &TestApp) -> String {
    app.address.trim_start_matches("http://").to_string()
}

fn mint_url(app: &TestApp, user_id: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(user_id.as_bytes()).collect();
    app.url(&format!(
        "/_matrix/client/v3/user/{encoded}/openid/request_token"
    ))
}

pub async fn mint(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    let user = format!("@alice:{}", server_name(app));
    app.http
        .post(mint_url(app, &user))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn verify(app: &TestApp, credential: &str) -> reqwest::Response {
    app.http
        .get(app.url("/_matrix/federation/v1/openid/userinfo"))
        .query(&[("access_token", credential)])
        .send()
        .await
        .unwrap()
}

async fn assert_matrix_error(
    response: reqwest::Response,
    status: StatusCode,
    errcode: &str,
) -> Value {
    assert_eq!(response.status(), status, "{errcode}");
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errcode"], errcode, "{body}");
    assert!(body["error"].is_string());
    body
}

#[tokio::test]
async fn mint_and_verify_any_number_of_times() {
    let app = spawn_app().await;
    let token = access_token(&app, "openid widgets").await;
    let response = mint(&app, &token, json!({})).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let credentials: Value = response.json().await.unwrap();
    assert_eq!(credentials["token_type"], "Bearer");
    assert_eq!(
        credentials["matrix_server_name"],
        server_name(&app).as_str()
    );
    assert_eq!(credentials["expires_in"], 3600);
    let credential = credentials["access_token"].as_str().unwrap();
    assert!(credential
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    for _ in 0..3 {
        let who: Value = verify(&app, credential).await.json().await.unwrap();
        assert_eq!(
            who,
            json!({ "sub": format!("@alice:{}", server_name(&app)) })
        );
    }
    // The r0 path, the raw (not percent-encoded) user id and access_token in the query work too.
    let raw = app.url(&format!(
        "/_matrix/client/r0/user/@alice:{}/openid/request_token",
        server_name(&app)
    ));
    let response = app
        .http
        .post(raw)
        .query(&[("access_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let well_known: Value = app
        .http
        .get(app.url("/.well-known/matrix/server"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(well_known, json!({ "m.server": server_name(&app) }));
    let preflight = app
        .http
        .request(Method::OPTIONS, mint_url(&app, "@alice:x"))
        .send()
        .await
        .unwrap();
    assert!(preflight.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("Authorization"));
}

#[tokio::test]
async fn every_matrix_error() {
    let app = spawn_app().await;
    let token = access_token(&app, "openid widgets").await;
    let server = server_name(&app);
    let post = |user: String, bearer: Option<&str>, body: &'static str| {
        let request = app
            .http
            .post(mint_url(&app, &user))
            .body(body)
            .header("Content-Type", "application/json");
        let request = match bearer {
            Some(t) => request.bearer_auth(t),
            None => request,
        };
        request.send()
    };
    let before = app.db_snapshot();
    assert_matrix_error(
        post(format!("@alice:{server}"), None, "{}").await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "M_MISSING_TOKEN",
    )
    .await;
    assert_matrix_error(
        post(format!("@alice:{server}"), Some("nope"), "{}")
            .await
            .unwrap(),
        StatusCode::UNAUTHORIZED,
        "M_UNKNOWN_TOKEN",
    )
    .await;
    assert_matrix_error(
        post(format!("@bob:{server}"), Some(&token), "{}")
            .await
            .unwrap(),
        StatusCode::FORBIDDEN,
        "M_FORBIDDEN",
    )
    .await;
    assert_matrix_error(
        post("@alice:elsewhere.example".into(), Some(&token), "{}")
            .await
            .unwrap(),
        StatusCode::FORBIDDEN,
        "M_FORBIDDEN",
    )
    .await;
    assert_matrix_error(
        post("alice".into(), Some(&token), "{}").await.unwrap(),
        StatusCode::BAD_REQUEST,
        "M_INVALID_PARAM",
    )
    .await;
    assert_matrix_error(
        post(
            format!("@alice:{server}"),
            Some(&token),
            r#"{"widget":{"url":"x"}}"#,
        )
        .await
        .unwrap(),
        StatusCode::BAD_REQUEST,
        "M_BAD_JSON",
    )
    .await;
    assert_matrix_error(
        post(format!("@alice:{server}"), Some(&token), "not json")
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
        "M_BAD_JSON",
    )
    .await;
    let without_openid = access_token(&app, "email").await;
    let before_scope = app.db_snapshot();
    assert_matrix_error(
        post(format!("@alice:{server}"), Some(&without_openid), "{}")
            .await
            .unwrap(),
        StatusCode::FORBIDDEN,
        "M_FORBIDDEN",
    )
    .await;
    assert_eq!(
        app.db_snapshot(),
        before_scope,
        "failed mints write nothing"
    );
    assert_ne!(
        app.db_snapshot(),
        before,
        "(only the email token was issued in between)"
    );

    let missing = app
        .http
        .get(app.url("/_matrix/federation/v1/openid/userinfo"))
        .send()
        .await
        .unwrap();
    assert_matrix_error(missing, StatusCode::UNAUTHORIZED, "M_MISSING_TOKEN").await;
    assert_matrix_error(
        verify(&app, "unknown").await,
        StatusCode::UNAUTHORIZED,
        "M_UNKNOWN_TOKEN",
    )
    .await;
}

#[tokio::test]
async fn a_widget_credential_opens_nothing_else() {
    let app = spawn_app().await;
    let token = access_token(&app, "openid profile contacts widgets").await;
    let credentials: Value = mint(&app, &token, json!({})).await.json().await.unwrap();
    let credential = credentials["access_token"].as_str().unwrap();
    for path in ["/poco/@me/@self", "/poco/@me/@all", "/userinfo", "/widgets"] {
        let response = app
            .http
            .get(app.url(path))
            .bearer_auth(credential)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let user = format!("@alice:{}", server_name(&app));
    let remint = app
        .http
        .post(mint_url(&app, &user))
        .bearer_auth(credential)
        .send()
        .await
        .unwrap();
    assert_matrix_error(remint, StatusCode::UNAUTHORIZED, "M_UNKNOWN_TOKEN").await;
    let introspected: Value = app
        .http
        .post(app.url("/oauth/introspect"))
        .header(
            "Authorization",
            basic(&app.web.id, app.web.secret.as_deref().unwrap()),
        )
        .form(&[("token", credential)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(introspected, json!({ "active": false }));
}

#[tokio::test]
async fn remembered_widgets_are_listed_and_revoking_kills_their_credentials() {
    let app = spawn_app().await;
    let token = access_token(&app, "openid widgets").await;
    let poll = json!({ "widget": { "id": "poll", "url": "https://widgets.example/poll" } });
    let game = json!({ "widget": { "id": "game" } });
    let poll_credential: Value = mint(&app, &token, poll).await.json().await.unwrap();
    let game_credential: Value = mint(&app, &token, game).await.json().await.unwrap();
    let listed: Value = app
        .http
        .get(app.url("/widgets"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = listed["widgets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"poll") && ids.contains(&"game"), "{listed}");

    let revoked = app
        .http
        .delete(app.url("/widgets/poll"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.json::<Value>().await.unwrap()["revoked_tokens"], 1);
    let poll_token = poll_credential["access_token"].as_str().unwrap();
    assert_matrix_error(
        verify(&app, poll_token).await,
        StatusCode::UNAUTHORIZED,
        "M_UNKNOWN_TOKEN",
    )
    .await;
    let game_token = game_credential["access_token"].as_str().unwrap();
    assert_eq!(
        verify(&app, game_token).await.status(),
        StatusCode::OK,
        "other widgets keep working"
    );

    app.http
        .delete(app.url("/widgets"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_matrix_error(
        verify(&app, game_token).await,
        StatusCode::UNAUTHORIZED,
        "M_UNKNOWN_TOKEN",
    )
    .await;
    let listed: Value = app
        .http
        .get(app.url("/widgets"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["widgets"], json!([]));
}

#[tokio::test]
async fn credentials_expire_and_minting_is_rate_limited() {
    let clock = FixedClock::at(vzconnect::clock::Clock::now(&vzconnect::clock::SystemClock));
    let app = spawn_app_with(Options {
        widget_ttl: 1,
        clock: Some(clock.clone()),
        ..Options::default()
    })
    .await;
    let token = access_token(&app, "openid widgets").await;
    let credentials: Value = mint(&app, &token, json!({})).await.json().await.unwrap();
    assert_eq!(credentials["expires_in"], 1);
    for _ in 1..30 {
        assert_eq!(mint(&app, &token, json!({})).await.status(), StatusCode::OK);
    }
    let limited = assert_matrix_error(
        mint(&app, &token, json!({})).await,
        StatusCode::TOO_MANY_REQUESTS,
        "M_LIMIT_EXCEEDED",
    )
    .await;
    assert_eq!(limited["retry_after_ms"], 60_000);
    let credential = credentials["access_token"].as_str().unwrap();
    assert_eq!(verify(&app, credential).await.status(), StatusCode::OK);
    clock.advance(1);
    let expired = verify(&app, credential).await;
    assert_matrix_error(expired, StatusCode::UNAUTHORIZED, "M_UNKNOWN_TOKEN").await;
    clock.advance(59);
    assert_eq!(
        mint(&app, &token, json!({})).await.status(),
        StatusCode::OK,
        "a new minute, new mints"
    );
}

#[tokio::test]
async fn the_account_page_lists_allowed_widgets_and_forgets_them() {
    let app = spawn_app().await;
    let token = access_token(&app, "openid widgets").await;
    let poll = json!({ "widget": { "id": "poll", "url": "https://widgets.example/poll" } });
    let credentials: Value = mint(&app, &token, poll).await.json().await.unwrap();
    app.login("alice", PASSWORD).await;
    let page = app.http.get(app.url("/account")).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(
        page.contains("Widgets that know who you are")
            && page.contains("https://widgets.example/poll")
            && page.contains("in Web Site"),
        "the widget and its site are listed"
    );
    let item = page
        .split("<li>")
        .find(|item| item.contains("/account/widgets/forget"))
        .unwrap();
    let form = [
        ("csrf_token", hidden_field(&page, "csrf_token")),
        ("id", hidden_field(item, "id")),
        ("site", hidden_field(item, "site")),
    ];
    assert_eq!(form[2].1, app.web.id);
    let response = app
        .http
        .post(app.url("/account/widgets/forget"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let credential = credentials["access_token"].as_str().unwrap();
    assert_matrix_error(
        verify(&app, credential).await,
        StatusCode::UNAUTHORIZED,
        "M_UNKNOWN_TOKEN",
    )
    .await;
    let page = app.http.get(app.url("/account")).send().await.unwrap();
    assert!(!page.text().await.unwrap().contains("widgets.example/poll"));
}
